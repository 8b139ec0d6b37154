//! Matching compiled `when` conditions (`docs/evaluation.md`, conditions) against a context.
//!
//! Semantics worth knowing:
//! - a missing attribute (absent or JSON `null`) fails every operator except `neq`,
//!   `not_in` and `exists: false`;
//! - equality compares JSON values, and scalars of different types by their text, so
//!   the number `123` equals the string `"123"`;
//! - an attribute holding a list satisfies a positive operator when any element does,
//!   and `neq`/`not_in` when no element is equal.

use super::context::{Attributes, lookup};
use crate::model::Condition;
use crate::model::condition::{Operator, SemverOp, parse_instant, parse_version};
use serde_json::Value;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::net::IpAddr;

/// Whether every operator of `cond` holds for `ctx`.
pub fn condition_holds<C: Attributes + ?Sized>(cond: &Condition, ctx: &C) -> bool {
    let attr = lookup(ctx, &cond.path, &cond.attribute);
    cond.ops
        .iter()
        .all(|op| op_holds(op, attr, cond.ignore_case))
}

/// Whether one operator holds for the attribute's value (`None` when missing).
pub fn op_holds(op: &Operator, attr: Option<&Value>, ignore_case: bool) -> bool {
    let Some(attr) = attr else {
        return matches!(
            op,
            Operator::Neq(_) | Operator::NotIn(_) | Operator::Exists(false)
        );
    };
    match op {
        Operator::Exists(present) => *present,
        Operator::Neq(v) => !any(attr, |a| equal(a, v, ignore_case)),
        Operator::NotIn(vs) => !any(attr, |a| vs.iter().any(|v| equal(a, v, ignore_case))),
        _ => any(attr, |a| scalar_holds(op, a, ignore_case)),
    }
}

/// `f` on the value, or on any element when it is a list.
fn any(attr: &Value, f: impl Fn(&Value) -> bool) -> bool {
    match attr {
        Value::Array(items) => items.iter().any(f),
        other => f(other),
    }
}

fn scalar_holds(op: &Operator, a: &Value, ignore_case: bool) -> bool {
    if a.is_null() {
        return false;
    }
    match op {
        Operator::Eq(v) => equal(a, v, ignore_case),
        Operator::In(vs) => vs.iter().any(|v| equal(a, v, ignore_case)),
        Operator::Contains(needles) => {
            let hay = folded(a, ignore_case);
            needles.iter().any(|n| hay.contains(n.as_str()))
        }
        Operator::StartsWith(prefixes) => {
            let hay = folded(a, ignore_case);
            prefixes.iter().any(|p| hay.starts_with(p.as_str()))
        }
        Operator::EndsWith(suffixes) => {
            let hay = folded(a, ignore_case);
            suffixes.iter().any(|s| hay.ends_with(s.as_str()))
        }
        // The regex was compiled case-insensitive when `ignore_case` is set.
        Operator::Matches(re) => re.is_match(&text(a)),
        Operator::Gt(n) => number(a).is_some_and(|x| x > *n),
        Operator::Gte(n) => number(a).is_some_and(|x| x >= *n),
        Operator::Lt(n) => number(a).is_some_and(|x| x < *n),
        Operator::Lte(n) => number(a).is_some_and(|x| x <= *n),
        Operator::Before(t) => a.as_str().and_then(parse_instant).is_some_and(|x| x < *t),
        Operator::After(t) => a.as_str().and_then(parse_instant).is_some_and(|x| x > *t),
        Operator::Semver(kind, v) => {
            let Some(x) = parse_version(&text(a)) else {
                return false;
            };
            // Precedence ignores build metadata (SemVer 2.0 §10); `Ord` would not.
            let ord = x.cmp_precedence(v);
            match kind {
                SemverOp::Eq => ord == Ordering::Equal,
                SemverOp::Gt => ord == Ordering::Greater,
                SemverOp::Gte => ord != Ordering::Less,
                SemverOp::Lt => ord == Ordering::Less,
                SemverOp::Lte => ord != Ordering::Greater,
            }
        }
        Operator::InCidr(nets) => text(a)
            .trim()
            .parse::<IpAddr>()
            .is_ok_and(|ip| nets.iter().any(|n| n.contains(ip))),
        // Handled before the per-element dispatch.
        Operator::Neq(_) | Operator::NotIn(_) | Operator::Exists(_) => false,
        Operator::Unsatisfiable { .. } => false,
    }
}

/// A scalar as text: strings as they are, everything else as JSON.
pub fn text(v: &Value) -> Cow<'_, str> {
    match v {
        Value::String(s) => Cow::Borrowed(s),
        Value::Bool(true) => Cow::Borrowed("true"),
        Value::Bool(false) => Cow::Borrowed("false"),
        other => Cow::Owned(other.to_string()),
    }
}

/// The text, lowercased when comparing case-insensitively (operands are stored
/// lowercased by the model).
fn folded(v: &Value, ignore_case: bool) -> Cow<'_, str> {
    let t = text(v);
    if ignore_case && t.chars().any(char::is_uppercase) {
        Cow::Owned(t.to_lowercase())
    } else {
        t
    }
}

/// Numbers, and strings that parse as finite numbers.
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

/// JSON equality with two relaxations: numbers compare by value (`1` equals `1.0`), and
/// scalars of different types compare by their text (`123` equals `"123"`). With
/// `ignore_case`, strings compare lowercased (the operand `b` is already lowercase).
pub fn equal(a: &Value, b: &Value, ignore_case: bool) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => {
            if ignore_case {
                x.chars().flat_map(char::to_lowercase).eq(y.chars())
            } else {
                x == y
            }
        }
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Null, Value::Null) => true,
        (Value::Array(_) | Value::Object(_), _) | (_, Value::Array(_) | Value::Object(_)) => a == b,
        (Value::Null, _) | (_, Value::Null) => false,
        _ => {
            let (x, y) = (text(a), text(b));
            if ignore_case {
                x.chars().flat_map(char::to_lowercase).eq(y.chars())
            } else {
                x == y
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::condition::Cidr;
    use serde_json::json;

    fn holds(op: Operator, attr: Value) -> bool {
        op_holds(&op, Some(&attr), false)
    }

    fn missing(op: Operator) -> bool {
        op_holds(&op, None, false)
    }

    fn semver(kind: SemverOp, v: &str) -> Operator {
        Operator::Semver(kind, parse_version(v).expect("version"))
    }

    #[test]
    fn eq_and_neq() {
        assert!(holds(Operator::Eq(json!("a")), json!("a")));
        assert!(!holds(Operator::Eq(json!("a")), json!("b")));
        assert!(holds(Operator::Eq(json!("123")), json!(123)));
        assert!(holds(Operator::Eq(json!(123)), json!("123")));
        assert!(holds(Operator::Eq(json!(1)), json!(1.0)));
        assert!(holds(Operator::Eq(json!(true)), json!("true")));
        assert!(!holds(Operator::Eq(json!("a")), json!(null)));
        assert!(holds(Operator::Neq(json!("a")), json!("b")));
        assert!(!holds(Operator::Neq(json!("a")), json!("a")));
        assert!(missing(Operator::Neq(json!("a"))));
        assert!(!missing(Operator::Eq(json!("a"))));
        assert!(op_holds(
            &Operator::Eq(json!("pro")),
            Some(&json!("PRO")),
            true
        ));
        assert!(!op_holds(
            &Operator::Eq(json!("pro")),
            Some(&json!("PRO")),
            false
        ));
    }

    #[test]
    fn in_and_not_in() {
        let list = || vec![json!("gold"), json!("platinum"), json!(7)];
        assert!(holds(Operator::In(list()), json!("gold")));
        assert!(holds(Operator::In(list()), json!("7")));
        assert!(!holds(Operator::In(list()), json!("silver")));
        assert!(!missing(Operator::In(list())));
        assert!(holds(Operator::NotIn(list()), json!("silver")));
        assert!(!holds(Operator::NotIn(list()), json!("gold")));
        assert!(missing(Operator::NotIn(list())));
        // Lists: any element for `in`, none for `not_in`.
        assert!(holds(Operator::In(list()), json!(["x", "gold"])));
        assert!(!holds(Operator::NotIn(list()), json!(["x", "gold"])));
        assert!(op_holds(&Operator::In(list()), Some(&json!("GOLD")), true));
    }

    #[test]
    fn string_operators() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(holds(Operator::Contains(s(&["bc"])), json!("abcd")));
        assert!(!holds(Operator::Contains(s(&["x"])), json!("abcd")));
        assert!(holds(
            Operator::StartsWith(s(&["/search/advanced"])),
            json!("/search/advanced?q=1")
        ));
        assert!(!holds(
            Operator::StartsWith(s(&["/search/advanced"])),
            json!("/search")
        ));
        assert!(holds(
            Operator::EndsWith(s(&["@example.com"])),
            json!("a@example.com")
        ));
        assert!(op_holds(
            &Operator::EndsWith(s(&["@example.com"])),
            Some(&json!("A@Example.COM")),
            true
        ));
        assert!(!op_holds(
            &Operator::EndsWith(s(&["@example.com"])),
            Some(&json!("A@Example.COM")),
            false
        ));
        assert!(holds(Operator::StartsWith(s(&["12"])), json!(123)));
        assert!(!missing(Operator::Contains(s(&["a"]))));
        assert!(!missing(Operator::StartsWith(s(&["a"]))));
        assert!(!missing(Operator::EndsWith(s(&["a"]))));
    }

    #[test]
    fn matches() {
        let re = regex::Regex::new(r"^u-\d+$").expect("regex");
        assert!(holds(Operator::Matches(re.clone()), json!("u-42")));
        assert!(!holds(Operator::Matches(re.clone()), json!("x-42")));
        assert!(!missing(Operator::Matches(re)));
    }

    #[test]
    fn numeric_operators() {
        assert!(holds(Operator::Gt(5.0), json!(6)));
        assert!(!holds(Operator::Gt(5.0), json!(5)));
        assert!(holds(Operator::Gte(5.0), json!(5)));
        assert!(holds(Operator::Lt(5.0), json!("4.5")));
        assert!(holds(Operator::Lte(5.0), json!(5.0)));
        assert!(!holds(Operator::Lt(5.0), json!("abc")));
        assert!(!holds(Operator::Gt(5.0), json!(true)));
        assert!(!missing(Operator::Gt(0.0)));
        assert!(!missing(Operator::Lte(0.0)));
    }

    #[test]
    fn dates() {
        let t = parse_instant("2022-01-22T13:00:00.000+02:00").expect("time");
        assert!(holds(Operator::Before(t), json!("2022-01-22T10:59:59Z")));
        assert!(!holds(Operator::Before(t), json!("2022-01-22T11:00:00Z")));
        assert!(holds(Operator::After(t), json!("2022-01-22T11:00:01Z")));
        assert!(holds(Operator::After(t), json!("2022-01-23")));
        assert!(!holds(Operator::After(t), json!("not a date")));
        assert!(!missing(Operator::Before(t)));
        assert!(!missing(Operator::After(t)));
    }

    #[test]
    fn semver_precedence() {
        let order = [
            "2.0.0-alpha.1",
            "2.0.0-alpha.3",
            "2.0.0-beta",
            "2.0.0-rc.1",
            "2.0.0",
        ];
        for w in order.windows(2) {
            assert!(
                holds(semver(SemverOp::Lt, w[1]), json!(w[0])),
                "{} < {}",
                w[0],
                w[1]
            );
            assert!(holds(semver(SemverOp::Gt, w[0]), json!(w[1])));
        }
        assert!(holds(semver(SemverOp::Eq, "1.2.3"), json!("1.2.3+build.7")));
        // As in the SDKs, a leading `v` makes the attribute no version.
        assert!(!holds(semver(SemverOp::Gte, "1.2.3"), json!("v1.2.3")));
        assert!(holds(semver(SemverOp::Lte, "1.2.3"), json!("1.2.3")));
        assert!(!holds(semver(SemverOp::Lt, "5.2.0"), json!("5.2")));
        assert!(!holds(semver(SemverOp::Lt, "5.2.0"), json!(5)));
        assert!(!missing(semver(SemverOp::Lt, "5.2.0")));
    }

    #[test]
    fn cidr() {
        let nets = vec![
            Cidr::parse("185.10.0.0/16").expect("net"),
            Cidr::parse("2a02:1810::/32").expect("net"),
        ];
        assert!(holds(Operator::InCidr(nets.clone()), json!("185.10.3.4")));
        assert!(holds(Operator::InCidr(nets.clone()), json!("2a02:1810::1")));
        assert!(!holds(Operator::InCidr(nets.clone()), json!("8.8.8.8")));
        assert!(!holds(Operator::InCidr(nets.clone()), json!("not an ip")));
        assert!(!missing(Operator::InCidr(nets)));
    }

    #[test]
    fn exists() {
        assert!(holds(Operator::Exists(true), json!("x")));
        assert!(!holds(Operator::Exists(false), json!("x")));
        assert!(!missing(Operator::Exists(true)));
        assert!(missing(Operator::Exists(false)));
    }
}
