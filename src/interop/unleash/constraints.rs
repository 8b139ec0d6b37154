//! flagctl conditions as Unleash constraints, one constraint per operator, with what
//! each cannot carry. Every operator maps to a single constraint, so a condition is an
//! AND of constraints and can be negated constraint by constraint.

use super::doc::Constraint;
use super::logic::Expr;
use crate::eval::conditions::text;
use crate::interop::report::Issue;
use crate::model::Condition;
use crate::model::condition::{Operator, SemverOp, parse_version};
use serde_json::Value;

/// The REGEX that any present value matches: how presence (`exists`) is exported.
pub const PRESENT: &str = "^";

/// Whether Unleash's rule compiler can quote `s` as a context name or group id: it
/// neither escapes `"` there nor survives a trailing backslash.
pub fn quotable_name(s: &str) -> bool {
    !s.contains('"') && !s.ends_with('\\')
}

/// Whether Unleash's rule compiler can quote `s` as a constraint value: it escapes `"`
/// but a trailing backslash swallows the closing quote.
pub fn quotable_value(s: &str) -> bool {
    !s.ends_with('\\')
}

/// A constraint on `attribute`.
pub fn constraint(
    attribute: &str,
    operator: &str,
    values: Vec<String>,
    single: bool,
) -> Constraint {
    let (values, value) = if single {
        (None, values.into_iter().next())
    } else {
        (Some(values), None)
    };
    Constraint {
        context_name: attribute.to_string(),
        operator: operator.to_string(),
        values,
        value,
        case_insensitive: false,
        inverted: false,
    }
}

/// A condition as an AND of constraints, with the issues of each operator.
pub fn condition(cond: &Condition) -> (Expr, Vec<Issue>) {
    let mut issues = Vec::new();
    if !quotable_name(&cond.attribute) {
        issues.push(Issue::UnquotableString {
            text: cond.attribute.clone(),
        });
    }
    if cond.attribute == "currentTime" {
        issues.push(Issue::CurrentTimeDefault);
    }
    let parts = cond
        .ops
        .iter()
        .map(|op| Expr::Constraint(operator(&cond.attribute, op, cond.ignore_case, &mut issues)))
        .collect();
    (Expr::And(parts), issues)
}

/// Whether flagctl's own version parser accepts what Unleash rejects. Probed rather
/// than assumed, so the report stays right if the parser is made strict.
fn semver_is_lenient() -> bool {
    parse_version(" 1.0.0").is_some()
}

fn texts(values: &[Value]) -> Vec<String> {
    values.iter().map(|v| text(v).into_owned()).collect()
}

/// Case-insensitive equality as an anchored REGEX alternation (Unleash's IN has no
/// case-insensitive form).
fn equality_regex(attribute: &str, values: &[String]) -> Constraint {
    let alternatives: Vec<String> = values.iter().map(|v| regex::escape(v)).collect();
    let mut c = constraint(
        attribute,
        "REGEX",
        vec![format!("^(?:{})$", alternatives.join("|"))],
        true,
    );
    c.case_insensitive = true;
    c
}

fn list_op(
    attribute: &str,
    values: Vec<String>,
    ignore_case: bool,
    negate: bool,
    issues: &mut Vec<Issue>,
) -> Constraint {
    let mut c = if ignore_case && !values.is_empty() {
        issues.push(Issue::CaseInsensitiveViaRegex);
        equality_regex(attribute, &values)
    } else {
        constraint(attribute, "IN", values, false)
    };
    if negate {
        if c.operator == "IN" {
            c.operator = "NOT_IN".into();
        } else {
            c.inverted = true;
        }
    }
    c
}

/// One operator as one constraint.
fn operator(
    attribute: &str,
    op: &Operator,
    ignore_case: bool,
    issues: &mut Vec<Issue>,
) -> Constraint {
    let one = |v: &serde_json::Value| texts(std::slice::from_ref(v));
    let c = match op {
        Operator::Eq(v) => list_op(attribute, one(v), ignore_case, false, issues),
        Operator::Neq(v) => list_op(attribute, one(v), ignore_case, true, issues),
        Operator::In(vs) => list_op(attribute, texts(vs), ignore_case, false, issues),
        Operator::NotIn(vs) => list_op(attribute, texts(vs), ignore_case, true, issues),
        Operator::Contains(vs) | Operator::StartsWith(vs) | Operator::EndsWith(vs) => {
            let name = match op {
                Operator::Contains(_) => "STR_CONTAINS",
                Operator::StartsWith(_) => "STR_STARTS_WITH",
                _ => "STR_ENDS_WITH",
            };
            let mut c = constraint(attribute, name, vs.clone(), false);
            c.case_insensitive = ignore_case;
            c
        }
        Operator::Matches(re) => {
            let mut c = constraint(attribute, "REGEX", vec![re.as_str().to_string()], true);
            c.case_insensitive = ignore_case;
            c
        }
        Operator::Gt(n) | Operator::Gte(n) | Operator::Lt(n) | Operator::Lte(n) => {
            issues.push(Issue::LenientNumber);
            let name = match op {
                Operator::Gt(_) => "NUM_GT",
                Operator::Gte(_) => "NUM_GTE",
                Operator::Lt(_) => "NUM_LT",
                _ => "NUM_LTE",
            };
            // Rust prints floats without an exponent, which Unleash's grammar reads back
            // to the same number.
            constraint(attribute, name, vec![n.to_string()], true)
        }
        Operator::Before(t) => date(attribute, "DATE_BEFORE", t, issues),
        Operator::After(t) => date(attribute, "DATE_AFTER", t, issues),
        Operator::Semver(kind, v) => semver(attribute, *kind, v, issues),
        Operator::InCidr(nets) => {
            issues.push(Issue::LenientAddress);
            let values = nets
                .iter()
                .map(|n| format!("{}/{}", n.addr, n.prefix))
                .collect();
            constraint(attribute, "IN_CIDR", values, false)
        }
        // `^` matches any string and a missing field matches nothing: presence. (An
        // empty STR_CONTAINS would do in Unleash's engine, but the Node SDK drops empty
        // values.)
        Operator::Exists(present) => {
            let mut c = constraint(attribute, "REGEX", vec![PRESENT.to_string()], true);
            c.inverted = !present;
            c
        }
        // A SemVer operand written with a `v` is no version to Unleash either: the same
        // constraint, with the operand as written, never holds there as here.
        Operator::Unsatisfiable { name, operand } => constraint(
            attribute,
            &name.to_ascii_uppercase(),
            vec![operand.clone()],
            true,
        ),
    };
    for v in c.values.iter().flatten().chain(c.value.iter()) {
        if !quotable_value(v) {
            issues.push(Issue::UnquotableString { text: v.clone() });
        }
    }
    for v in c.values.iter().flatten() {
        if v.is_empty() || v.trim() != v {
            issues.push(Issue::UntrimmedValue { text: v.clone() });
        }
    }
    c
}

/// `before`/`after` as DATE_BEFORE/DATE_AFTER, in UTC with milliseconds (the form
/// Unleash's grammar reads).
fn date(
    attribute: &str,
    name: &str,
    t: &chrono::DateTime<chrono::FixedOffset>,
    issues: &mut Vec<Issue>,
) -> Constraint {
    issues.push(Issue::DateOnlyContext);
    if attribute != "currentTime" {
        issues.push(Issue::DateFieldIgnored);
    }
    if t.timestamp_subsec_nanos() % 1_000_000 != 0 {
        issues.push(Issue::DatePrecision);
    }
    let utc = t.with_timezone(&chrono::Utc);
    let text = utc.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
    constraint(attribute, name, vec![text], true)
}

fn semver(
    attribute: &str,
    kind: SemverOp,
    v: &semver::Version,
    issues: &mut Vec<Issue>,
) -> Constraint {
    if semver_is_lenient() {
        issues.push(Issue::LenientSemver);
    }
    let name = match kind {
        SemverOp::Eq => "SEMVER_EQ",
        SemverOp::Gt => "SEMVER_GT",
        SemverOp::Gte => "SEMVER_GTE",
        SemverOp::Lt => "SEMVER_LT",
        SemverOp::Lte => "SEMVER_LTE",
    };
    constraint(attribute, name, vec![v.to_string()], true)
}
