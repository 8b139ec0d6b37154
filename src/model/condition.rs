//! `when` conditions (design section 3.2), decoded and compiled once per file: regexes,
//! versions, dates and networks are parsed here so evaluation never re-parses them.

use super::decode::{Decoder, one_line};
use super::yaml::{Kind, Node};
use crate::report::Pos;
use crate::suggest::did_you_mean;
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde_json::Value;
use std::collections::HashMap;
use std::net::IpAddr;

/// Every operator name, in the order the docs list them.
pub const OPERATORS: &[&str] = &[
    "eq",
    "neq",
    "in",
    "not_in",
    "contains",
    "starts_with",
    "ends_with",
    "matches",
    "gt",
    "gte",
    "lt",
    "lte",
    "before",
    "after",
    "semver_eq",
    "semver_gt",
    "semver_gte",
    "semver_lt",
    "semver_lte",
    "in_cidr",
    "exists",
];

/// One attribute with the operators that must all hold for it.
#[derive(Debug, Clone)]
pub struct Condition {
    /// The attribute as written (`user.plan`).
    pub attribute: String,
    /// The attribute split on dots, for nested lookups.
    pub path: Vec<String>,
    /// Where the attribute name is written.
    pub pos: Pos,
    /// Compare strings case-insensitively (operands are stored lowercased).
    pub ignore_case: bool,
    /// The operators, all of which must hold.
    pub ops: Vec<Operator>,
}

/// A compiled operator.
#[derive(Debug, Clone)]
pub enum Operator {
    /// Equal to the value.
    Eq(Value),
    /// Not equal (holds when the attribute is missing).
    Neq(Value),
    /// Equal to one of the values.
    In(Vec<Value>),
    /// Equal to none of the values (holds when missing).
    NotIn(Vec<Value>),
    /// The string contains any of these.
    Contains(Vec<String>),
    /// The string starts with any of these.
    StartsWith(Vec<String>),
    /// The string ends with any of these.
    EndsWith(Vec<String>),
    /// The string matches the regex (linear-time engine).
    Matches(regex::Regex),
    /// Numeric comparisons.
    Gt(f64),
    /// `>=`
    Gte(f64),
    /// `<`
    Lt(f64),
    /// `<=`
    Lte(f64),
    /// Instant strictly before.
    Before(DateTime<FixedOffset>),
    /// Instant strictly after.
    After(DateTime<FixedOffset>),
    /// SemVer comparison (build metadata ignored).
    Semver(SemverOp, semver::Version),
    /// The address is in any of these networks.
    InCidr(Vec<Cidr>),
    /// The attribute is present (`true`) or absent (`false`).
    Exists(bool),
}

/// Which SemVer comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SemverOp {
    /// `semver_eq`
    Eq,
    /// `semver_gt`
    Gt,
    /// `semver_gte`
    Gte,
    /// `semver_lt`
    Lt,
    /// `semver_lte`
    Lte,
}

/// An IPv4 or IPv6 network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    /// Network address.
    pub addr: IpAddr,
    /// Prefix length.
    pub prefix: u8,
}

impl Cidr {
    /// Parses `10.0.0.0/8`, `2001:db8::/32`, or a single address.
    pub fn parse(text: &str) -> Option<Cidr> {
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().ok()?, Some(p.parse::<u8>().ok()?)),
            None => (text.parse::<IpAddr>().ok()?, None),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(Cidr { addr, prefix })
    }

    /// Whether `ip` is inside the network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            (IpAddr::V4(_), IpAddr::V6(ip)) => ip
                .to_ipv4_mapped()
                .is_some_and(|v4| self.contains(IpAddr::V4(v4))),
            (IpAddr::V6(_), IpAddr::V4(_)) => false,
        }
    }
}

/// Parses a SemVer 2.0 version, allowing a leading `v`.
pub fn parse_version(text: &str) -> Option<semver::Version> {
    let text = text.trim();
    semver::Version::parse(text.strip_prefix('v').unwrap_or(text)).ok()
}

/// Parses a date (midnight UTC) or an RFC 3339 time.
pub fn parse_instant(text: &str) -> Option<DateTime<FixedOffset>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t);
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc().fixed_offset())
}

/// Decodes a `when:` mapping.
pub fn decode_when(node: &Node, dec: &mut Decoder, what: &dyn std::fmt::Display) -> Vec<Condition> {
    let mut out: Vec<Condition> = Vec::new();
    let Some(entries) = dec.map(node, what) else {
        return out;
    };
    // Attribute => line of its first condition (a search per attribute is quadratic).
    let mut first_line: HashMap<String, u32> = HashMap::new();
    for (key, ops_node) in entries {
        let Some(attribute) = key.scalar_text().filter(|a| !a.is_empty()) else {
            dec.error(
                key.pos,
                "invalid-key",
                format!("{what}: attribute names must be non-empty strings"),
            );
            continue;
        };
        if let Some(line) = first_line.get(&attribute) {
            dec.error(
                key.pos,
                "duplicate-key",
                format!(
                    "{what}: attribute `{attribute}` appears twice (first on line {line}); put all its operators under one key"
                ),
            );
            continue;
        }
        let cond_what = super::decode::Quoted(what, &attribute);
        let Kind::Map(op_entries) = &ops_node.kind else {
            dec.error(
                ops_node.pos,
                "invalid-type",
                format!(
                    "{cond_what} must be a mapping of operators such as `{{ eq: value }}`, not {}",
                    ops_node.describe()
                ),
            );
            continue;
        };
        let ignore_case = op_entries
            .iter()
            .any(|(k, v)| k.as_str() == Some("ignore_case") && v.kind == Kind::Bool(true));
        let mut ops = Vec::new();
        let mut seen: HashMap<&str, Pos> = HashMap::new();
        for (op_key, operand) in op_entries {
            let name = op_key.as_str().unwrap_or("");
            if let Some(first) = seen.get(name) {
                dec.error(
                    op_key.pos,
                    "duplicate-key",
                    format!("{cond_what}: operator `{name}` appears twice (first on line {}); remove one", first.line),
                );
                continue;
            }
            seen.insert(name, op_key.pos);
            if name == "ignore_case" {
                if !matches!(operand.kind, Kind::Bool(_)) {
                    dec.wrong_type(
                        operand,
                        &format!("{cond_what} ignore_case"),
                        "`true` or `false`",
                    );
                }
                continue;
            }
            if !OPERATORS.contains(&name) {
                let shown = op_key.scalar_text().unwrap_or_default();
                let hint = did_you_mean(&shown, OPERATORS.iter().copied().chain(["ignore_case"]));
                dec.error(
                    op_key.pos,
                    "unknown-operator",
                    format!("unknown operator `{shown}` in {cond_what}{hint}"),
                );
                continue;
            }
            if let Some(op) = decode_operator(name, operand, ignore_case, dec, &cond_what) {
                ops.push(op);
            }
        }
        if ops.is_empty() && !op_entries.is_empty() && seen.keys().all(|n| *n == "ignore_case") {
            dec.error(
                ops_node.pos,
                "invalid-operand",
                format!("{cond_what} has no operator; add one such as `eq`"),
            );
        }
        first_line.insert(attribute.clone(), key.pos.line);
        out.push(Condition {
            path: attribute.split('.').map(str::to_string).collect(),
            attribute,
            pos: key.pos,
            ignore_case,
            ops,
        });
    }
    out
}

fn bad(dec: &mut Decoder, pos: Pos, message: String) -> Option<Operator> {
    dec.error(pos, "invalid-operand", message);
    None
}

/// Scalars (or a list of scalars) as JSON values; lists of lists are rejected.
fn scalars(node: &Node) -> Option<Vec<Value>> {
    let items: Vec<&Node> = match &node.kind {
        Kind::Seq(items) => items.iter().collect(),
        _ => vec![node],
    };
    items
        .into_iter()
        .map(|n| match n.kind {
            Kind::Seq(_) | Kind::Map(_) | Kind::Null => None,
            _ => Some(n.to_json()),
        })
        .collect()
}

fn lower_if(ignore_case: bool, v: Value) -> Value {
    match v {
        Value::String(s) if ignore_case => Value::String(s.to_lowercase()),
        other => other,
    }
}

fn decode_operator(
    name: &str,
    operand: &Node,
    ignore_case: bool,
    dec: &mut Decoder,
    what: &dyn std::fmt::Display,
) -> Option<Operator> {
    let pos = operand.pos;
    let here = super::decode::Quoted(what, name);
    match name {
        "eq" | "neq" => {
            let Some(mut v) = scalars(operand).filter(|v| v.len() == 1) else {
                return bad(
                    dec,
                    pos,
                    format!("{here} takes one string, number or boolean; use `in` for a list"),
                );
            };
            let v = lower_if(ignore_case, v.remove(0));
            Some(if name == "eq" {
                Operator::Eq(v)
            } else {
                Operator::Neq(v)
            })
        }
        "in" | "not_in" => {
            let Some(values) = scalars(operand) else {
                return bad(
                    dec,
                    pos,
                    format!("{here} takes a list of strings, numbers or booleans"),
                );
            };
            let values = values
                .into_iter()
                .map(|v| lower_if(ignore_case, v))
                .collect();
            Some(if name == "in" {
                Operator::In(values)
            } else {
                Operator::NotIn(values)
            })
        }
        "contains" | "starts_with" | "ends_with" => {
            let Some(values) = scalars(operand) else {
                return bad(
                    dec,
                    pos,
                    format!("{here} takes a string or a list of strings"),
                );
            };
            let strings: Vec<String> = values
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                })
                .map(|s| if ignore_case { s.to_lowercase() } else { s })
                .collect();
            Some(match name {
                "contains" => Operator::Contains(strings),
                "starts_with" => Operator::StartsWith(strings),
                _ => Operator::EndsWith(strings),
            })
        }
        "matches" => {
            let Some(pattern) = operand.as_str() else {
                return bad(
                    dec,
                    pos,
                    format!("{here} takes a regular expression string"),
                );
            };
            let cache_key = (pattern.to_string(), ignore_case);
            if let Some(re) = dec.regexes.get(&cache_key) {
                return Some(Operator::Matches(re.clone()));
            }
            match regex::RegexBuilder::new(pattern)
                .case_insensitive(ignore_case)
                .size_limit(1 << 20)
                .build()
            {
                Ok(re) => {
                    dec.regexes.insert(cache_key, re.clone());
                    Some(Operator::Matches(re))
                }
                Err(e) => bad(
                    dec,
                    pos,
                    format!(
                        "{here}: the regular expression does not compile: {}",
                        one_line(&e.to_string())
                    ),
                ),
            }
        }
        "gt" | "gte" | "lt" | "lte" => {
            let n = match &operand.kind {
                Kind::Int(i) => Some(*i as f64),
                Kind::Float(f) => Some(*f),
                Kind::Str(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
                _ => None,
            };
            let Some(n) = n else {
                return bad(
                    dec,
                    pos,
                    format!("{here} takes a number, not {}", operand.describe()),
                );
            };
            Some(match name {
                "gt" => Operator::Gt(n),
                "gte" => Operator::Gte(n),
                "lt" => Operator::Lt(n),
                _ => Operator::Lte(n),
            })
        }
        "before" | "after" => {
            let Some(t) = operand.as_str().and_then(parse_instant) else {
                return bad(
                    dec,
                    pos,
                    format!(
                        "{here} takes a date (2026-01-22) or an RFC 3339 time (2026-01-22T13:00:00+02:00)"
                    ),
                );
            };
            Some(if name == "before" {
                Operator::Before(t)
            } else {
                Operator::After(t)
            })
        }
        "in_cidr" => {
            let Some(values) = scalars(operand) else {
                return bad(
                    dec,
                    pos,
                    format!("{here} takes a network or a list of networks such as `10.0.0.0/8`"),
                );
            };
            let mut nets = Vec::new();
            for v in values {
                let text = v
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string());
                match Cidr::parse(&text) {
                    Some(c) => nets.push(c),
                    None => {
                        return bad(
                            dec,
                            pos,
                            format!(
                                "{here}: `{text}` is not a valid IPv4 or IPv6 network; write it like `10.0.0.0/8` or `2001:db8::/32`"
                            ),
                        );
                    }
                }
            }
            Some(Operator::InCidr(nets))
        }
        "exists" => match operand.kind {
            Kind::Bool(b) => Some(Operator::Exists(b)),
            _ => bad(dec, pos, format!("{here} takes `true` or `false`")),
        },
        _ => {
            // semver_*
            let op = match name {
                "semver_eq" => SemverOp::Eq,
                "semver_gt" => SemverOp::Gt,
                "semver_gte" => SemverOp::Gte,
                "semver_lt" => SemverOp::Lt,
                _ => SemverOp::Lte,
            };
            let text = operand.scalar_text().unwrap_or_default();
            match parse_version(&text) {
                Some(v) => Some(Operator::Semver(op, v)),
                None => bad(
                    dec,
                    pos,
                    format!(
                        "{here}: `{text}` is not a SemVer version; write MAJOR.MINOR.PATCH such as `2.1.0` or `2.0.0-rc.1` (quote it)"
                    ),
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_contains() {
        let net = Cidr::parse("10.1.0.0/16").expect("valid");
        assert!(net.contains("10.1.2.3".parse().expect("ip")));
        assert!(!net.contains("10.2.0.1".parse().expect("ip")));
        let all = Cidr::parse("0.0.0.0/0").expect("valid");
        assert!(all.contains("8.8.8.8".parse().expect("ip")));
        let v6 = Cidr::parse("2001:db8::/32").expect("valid");
        assert!(v6.contains("2001:db8::1".parse().expect("ip")));
        assert!(Cidr::parse("10.0.0.0/33").is_none());
        assert!(Cidr::parse("10.0.0/8").is_none());
    }
}
