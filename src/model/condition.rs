//! `when` conditions (`docs/evaluation.md`, conditions), decoded and compiled once per file: regexes,
//! versions, dates and networks are parsed here so evaluation never re-parses them.

use super::decode::{Decoder, one_line};
use super::yaml::{Kind, Node};
use crate::diag::{Code, Pos};
use crate::suggest::did_you_mean;
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde_json::Value;
use std::collections::HashMap;
use std::net::IpAddr;

/// What an operator takes as its operand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operand {
    /// One string, number or boolean.
    Scalar,
    /// A list of strings, numbers or booleans (or one).
    Scalars,
    /// A string or a list of strings.
    Strings,
    /// A regular expression.
    Regex,
    /// A number.
    Number,
    /// A date or an RFC 3339 time.
    Instant,
    /// A SemVer 2.0 version.
    Version,
    /// A network or a list of networks.
    Networks,
    /// `true` or `false`.
    Bool,
}

/// Every operator with its operand, in the order the docs list them: the one table
/// that decoding, the JSON Schema and the suggestions for misspelled operators read.
pub const OPERATORS: &[(&str, Operand)] = &[
    ("eq", Operand::Scalar),
    ("neq", Operand::Scalar),
    ("in", Operand::Scalars),
    ("not_in", Operand::Scalars),
    ("contains", Operand::Strings),
    ("starts_with", Operand::Strings),
    ("ends_with", Operand::Strings),
    ("matches", Operand::Regex),
    ("gt", Operand::Number),
    ("gte", Operand::Number),
    ("lt", Operand::Number),
    ("lte", Operand::Number),
    ("before", Operand::Instant),
    ("after", Operand::Instant),
    ("semver_eq", Operand::Version),
    ("semver_gt", Operand::Version),
    ("semver_gte", Operand::Version),
    ("semver_lt", Operand::Version),
    ("semver_lte", Operand::Version),
    ("in_cidr", Operand::Networks),
    ("exists", Operand::Bool),
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
    /// An operand no value can satisfy as written (a SemVer operand with a leading
    /// `v`, which the SDKs reject): holds for nothing. `validate` warns about it.
    Unsatisfiable {
        /// The operator as written.
        name: &'static str,
        /// The operand as written.
        operand: String,
    },
}

impl Operator {
    /// The operator's name as written in flags.yaml.
    pub fn name(&self) -> &'static str {
        match self {
            Operator::Eq(_) => "eq",
            Operator::Neq(_) => "neq",
            Operator::In(_) => "in",
            Operator::NotIn(_) => "not_in",
            Operator::Contains(_) => "contains",
            Operator::StartsWith(_) => "starts_with",
            Operator::EndsWith(_) => "ends_with",
            Operator::Matches(_) => "matches",
            Operator::Gt(_) => "gt",
            Operator::Gte(_) => "gte",
            Operator::Lt(_) => "lt",
            Operator::Lte(_) => "lte",
            Operator::Before(_) => "before",
            Operator::After(_) => "after",
            Operator::Semver(op, _) => op.name(),
            Operator::InCidr(_) => "in_cidr",
            Operator::Exists(_) => "exists",
            Operator::Unsatisfiable { name, .. } => name,
        }
    }
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

impl SemverOp {
    /// The operator's name as written in flags.yaml.
    pub fn name(self) -> &'static str {
        match self {
            SemverOp::Eq => "semver_eq",
            SemverOp::Gt => "semver_gt",
            SemverOp::Gte => "semver_gte",
            SemverOp::Lt => "semver_lt",
            SemverOp::Lte => "semver_lte",
        }
    }
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

/// Parses a SemVer 2.0 version exactly as Unleash's SDKs do: no leading `v` (`v2.0.0`
/// is not a version), surrounding spaces ignored.
pub fn parse_version(text: &str) -> Option<semver::Version> {
    semver::Version::parse(text.trim()).ok()
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
                key.span(),
                Code::InvalidKey,
                format!("{what}: attribute names must be non-empty strings"),
            );
            continue;
        };
        if let Some(line) = first_line.get(&attribute) {
            dec.error(
                key.span(),
                Code::DuplicateKey,
                format!(
                    "{what}: attribute `{attribute}` appears twice (first on line {line}); put all its operators under one key"
                ),
            );
            continue;
        }
        let cond_what = super::decode::Quoted(what, &attribute);
        let Kind::Map(op_entries) = &ops_node.kind else {
            dec.error(
                ops_node.span(),
                Code::InvalidType,
                format!(
                    "{cond_what} must be a mapping of operators such as `{{ eq: value }}`, not {}",
                    ops_node.describe()
                ),
            );
            continue;
        };
        let (ops, ignore_case) = decode_ops(ops_node, op_entries, dec, &cond_what);
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

/// The operators of one attribute's condition, and its `ignore_case`.
fn decode_ops(
    ops_node: &Node,
    op_entries: &[(Node, Node)],
    dec: &mut Decoder,
    cond_what: &dyn std::fmt::Display,
) -> (Vec<Operator>, bool) {
    // Read first: it changes how the operands before it decode.
    let ignore_case = op_entries
        .iter()
        .any(|(k, v)| k.as_str() == Some("ignore_case") && v.kind == Kind::Bool(true));
    let mut ops = Vec::new();
    let mut seen: HashMap<&str, Pos> = HashMap::new();
    for (op_key, operand) in op_entries {
        let name = op_key.as_str().unwrap_or("");
        if let Some(first) = seen.get(name) {
            dec.error(
                op_key.span(),
                Code::DuplicateKey,
                format!(
                    "{cond_what}: operator `{name}` appears twice (first on line {}); remove one",
                    first.line
                ),
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
        let Some(&(name, operand_kind)) = OPERATORS.iter().find(|(n, _)| *n == name) else {
            let shown = op_key.scalar_text().unwrap_or_default();
            let names = OPERATORS.iter().map(|(n, _)| *n);
            let hint = did_you_mean(&shown, names.chain(["ignore_case"]));
            dec.error(
                op_key.span(),
                Code::UnknownOperator,
                format!("unknown operator `{shown}` in {cond_what}{hint}"),
            );
            continue;
        };
        let here = super::decode::Quoted(cond_what, name);
        let arg = decode_operand(operand_kind, operand, ignore_case, dec, &here);
        if let Some(op) = arg.and_then(|a| build(name, a)) {
            ops.push(op);
        }
    }
    if ops.is_empty() && !op_entries.is_empty() && seen.keys().all(|n| *n == "ignore_case") {
        dec.error(
            ops_node.span(),
            Code::InvalidOperand,
            format!("{cond_what} has no operator; add one such as `eq`"),
        );
    }
    (ops, ignore_case)
}

fn bad<T>(dec: &mut Decoder, pos: Pos, message: String) -> Option<T> {
    dec.error(pos, Code::InvalidOperand, message);
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

/// A decoded operand, before it is paired with its operator.
enum Arg {
    Scalar(Value),
    Scalars(Vec<Value>),
    Strings(Vec<String>),
    Regex(regex::Regex),
    Number(f64),
    Instant(DateTime<FixedOffset>),
    Version(semver::Version),
    Networks(Vec<Cidr>),
    Bool(bool),
    /// A version written with a leading `v`: kept as written, it matches nothing.
    Unsatisfiable(String),
}

/// Decodes `operand` as `kind`, reporting what it should have been (`here` names the
/// operator in messages). String operands are lowercased under `ignore_case`.
fn decode_operand(
    kind: Operand,
    operand: &Node,
    ignore_case: bool,
    dec: &mut Decoder,
    here: &dyn std::fmt::Display,
) -> Option<Arg> {
    let pos = operand.pos;
    match kind {
        Operand::Scalar => match scalars(operand) {
            Some(mut v) if v.len() == 1 => Some(Arg::Scalar(lower_if(ignore_case, v.remove(0)))),
            _ => bad(
                dec,
                pos,
                format!("{here} takes one string, number or boolean; use `in` for a list"),
            ),
        },
        Operand::Scalars => match scalars(operand) {
            Some(values) => Some(Arg::Scalars(
                values
                    .into_iter()
                    .map(|v| lower_if(ignore_case, v))
                    .collect(),
            )),
            None => bad(
                dec,
                pos,
                format!("{here} takes a list of strings, numbers or booleans"),
            ),
        },
        Operand::Strings => decode_strings(operand, ignore_case, dec, here).map(Arg::Strings),
        Operand::Regex => decode_regex(operand, ignore_case, dec, here).map(Arg::Regex),
        Operand::Number => decode_number(operand, dec, here).map(Arg::Number),
        Operand::Instant => match operand.as_str().and_then(parse_instant) {
            Some(t) => Some(Arg::Instant(t)),
            None => bad(
                dec,
                pos,
                format!(
                    "{here} takes a date (2026-01-22) or an RFC 3339 time (2026-01-22T13:00:00+02:00)"
                ),
            ),
        },
        Operand::Version => decode_version(operand, dec, here),
        Operand::Networks => decode_networks(operand, dec, here).map(Arg::Networks),
        Operand::Bool => match operand.kind {
            Kind::Bool(b) => Some(Arg::Bool(b)),
            _ => bad(dec, pos, format!("{here} takes `true` or `false`")),
        },
    }
}

/// Strings, or scalars written as strings; lowercased under `ignore_case`.
fn decode_strings(
    operand: &Node,
    ignore_case: bool,
    dec: &mut Decoder,
    here: &dyn std::fmt::Display,
) -> Option<Vec<String>> {
    match scalars(operand) {
        Some(values) => Some(
            values
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                })
                .map(|s| if ignore_case { s.to_lowercase() } else { s })
                .collect(),
        ),
        None => bad(
            dec,
            operand.pos,
            format!("{here} takes a string or a list of strings"),
        ),
    }
}

/// A finite number, or a string holding one.
fn decode_number(operand: &Node, dec: &mut Decoder, here: &dyn std::fmt::Display) -> Option<f64> {
    let n = match &operand.kind {
        Kind::Int(i) => Some(*i as f64),
        Kind::Float(f) => Some(*f),
        Kind::Str(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    };
    n.or_else(|| {
        bad(
            dec,
            operand.pos,
            format!("{here} takes a number, not {}", operand.describe()),
        )
    })
}

fn decode_regex(
    operand: &Node,
    ignore_case: bool,
    dec: &mut Decoder,
    here: &dyn std::fmt::Display,
) -> Option<regex::Regex> {
    let Some(pattern) = operand.as_str() else {
        return bad(
            dec,
            operand.pos,
            format!("{here} takes a regular expression string"),
        );
    };
    let cache_key = (pattern.to_string(), ignore_case);
    if let Some(re) = dec.regexes.get(&cache_key) {
        return Some(re.clone());
    }
    match regex::RegexBuilder::new(pattern)
        .case_insensitive(ignore_case)
        .size_limit(1 << 20)
        .build()
    {
        Ok(re) => {
            dec.regexes.insert(cache_key, re.clone());
            Some(re)
        }
        Err(e) => bad(
            dec,
            operand.pos,
            format!(
                "{here}: the regular expression does not compile: {}",
                one_line(&e.to_string())
            ),
        ),
    }
}

/// A SemVer operand. One written with a leading `v` is no version to the SDKs, so the
/// condition can never hold: a warning, and an operator that matches nothing.
fn decode_version(operand: &Node, dec: &mut Decoder, here: &dyn std::fmt::Display) -> Option<Arg> {
    let text = operand.scalar_text().unwrap_or_default();
    if let Some(v) = parse_version(&text) {
        return Some(Arg::Version(v));
    }
    let unprefixed = text.trim().strip_prefix(['v', 'V']).map(parse_version);
    if let Some(Some(v)) = unprefixed {
        dec.warning(
            operand.span(),
            Code::SemverPrefix,
            format!(
                "{here}: `{text}` is not a SemVer version (no leading `v`), so this condition never holds, as in the SDKs; write `{v}`"
            ),
        );
        return Some(Arg::Unsatisfiable(text));
    }
    bad(
        dec,
        operand.pos,
        format!(
            "{here}: `{text}` is not a SemVer version; write MAJOR.MINOR.PATCH such as `2.1.0` or `2.0.0-rc.1` (quote it)"
        ),
    )
}

fn decode_networks(
    operand: &Node,
    dec: &mut Decoder,
    here: &dyn std::fmt::Display,
) -> Option<Vec<Cidr>> {
    let Some(values) = scalars(operand) else {
        return bad(
            dec,
            operand.pos,
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
                    operand.pos,
                    format!(
                        "{here}: `{text}` is not a valid IPv4 or IPv6 network; write it like `10.0.0.0/8` or `2001:db8::/32`"
                    ),
                );
            }
        }
    }
    Some(nets)
}

/// The operator `name` with its decoded operand. The table gives each name one
/// operand kind, so every pairing below is the only one decoding produces.
fn build(name: &'static str, arg: Arg) -> Option<Operator> {
    let semver = |op: SemverOp, v| Some(Operator::Semver(op, v));
    match (name, arg) {
        (_, Arg::Unsatisfiable(operand)) => Some(Operator::Unsatisfiable { name, operand }),
        ("eq", Arg::Scalar(v)) => Some(Operator::Eq(v)),
        ("neq", Arg::Scalar(v)) => Some(Operator::Neq(v)),
        ("in", Arg::Scalars(v)) => Some(Operator::In(v)),
        ("not_in", Arg::Scalars(v)) => Some(Operator::NotIn(v)),
        ("contains", Arg::Strings(s)) => Some(Operator::Contains(s)),
        ("starts_with", Arg::Strings(s)) => Some(Operator::StartsWith(s)),
        ("ends_with", Arg::Strings(s)) => Some(Operator::EndsWith(s)),
        ("matches", Arg::Regex(re)) => Some(Operator::Matches(re)),
        ("gt", Arg::Number(n)) => Some(Operator::Gt(n)),
        ("gte", Arg::Number(n)) => Some(Operator::Gte(n)),
        ("lt", Arg::Number(n)) => Some(Operator::Lt(n)),
        ("lte", Arg::Number(n)) => Some(Operator::Lte(n)),
        ("before", Arg::Instant(t)) => Some(Operator::Before(t)),
        ("after", Arg::Instant(t)) => Some(Operator::After(t)),
        ("semver_eq", Arg::Version(v)) => semver(SemverOp::Eq, v),
        ("semver_gt", Arg::Version(v)) => semver(SemverOp::Gt, v),
        ("semver_gte", Arg::Version(v)) => semver(SemverOp::Gte, v),
        ("semver_lt", Arg::Version(v)) => semver(SemverOp::Lt, v),
        ("semver_lte", Arg::Version(v)) => semver(SemverOp::Lte, v),
        ("in_cidr", Arg::Networks(n)) => Some(Operator::InCidr(n)),
        ("exists", Arg::Bool(b)) => Some(Operator::Exists(b)),
        _ => None,
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
