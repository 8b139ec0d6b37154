//! The only place that parses YAML. Everything else works on [`Node`], a tree in which
//! every key and value keeps its 1-based line and column.
//!
//! serde-saphyr deserializes into this tree (rather than straight into typed structs)
//! so that validation can report *every* problem in one run: a typed deserializer
//! stops at the first unknown field. Duplicate keys are passed through to the tree so
//! the validator can point at each duplicate; they never silently overwrite.

use crate::report::Pos;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// Largest file flagctl parses; larger inputs are rejected before parsing.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;
/// Deepest nesting of mappings and sequences accepted.
pub const MAX_DEPTH: usize = 64;

/// A YAML value with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the value starts.
    pub pos: Pos,
    /// The value itself.
    pub kind: Kind,
}

/// The shape of a YAML value. Mappings keep their entries in file order, duplicates
/// included.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `~`, `null` or an empty value.
    Null,
    /// `true` / `false` (YAML 1.2 spellings only: `yes`, `on` and `off` stay strings).
    Bool(bool),
    /// An integer that fits in i64.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string scalar (dates are strings here, parsed by the model).
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in file order.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The string content when this node is a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A short name of the node's type for error messages ("a string", "a mapping").
    pub fn describe(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Int(_) | Kind::Float(_) => "a number",
            Kind::Str(_) => "a string",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }

    /// Renders a scalar key or value as text (for map keys written as numbers, e.g. `1:`).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.kind {
            Kind::Str(s) => Some(s.clone()),
            Kind::Int(i) => Some(i.to_string()),
            Kind::Float(f) => Some(f.to_string()),
            Kind::Bool(b) => Some(b.to_string()),
            Kind::Null => Some(String::new()),
            Kind::Seq(_) | Kind::Map(_) => None,
        }
    }

    /// Converts to a JSON value (flag values and context attributes are JSON-shaped).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Int(i) => Value::from(*i),
            Kind::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Kind::Str(s) => Value::String(s.clone()),
            Kind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Kind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.scalar_text().unwrap_or_default(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

/// Why a document could not be turned into a [`Node`] tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// `yaml-syntax`, `tab-indentation` or `resource-limit`.
    pub code: &'static str,
    /// One sentence, without position.
    pub message: String,
    /// Where the parser stopped.
    pub pos: Pos,
}

/// Parses one YAML document. An empty document (or one holding only comments) yields
/// a `Null` node; callers decide whether that is an error.
pub fn parse(text: &str) -> Result<Node, ParseError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(ParseError {
            code: "resource-limit",
            message: format!(
                "the file is {} bytes, more than the {} MiB limit",
                text.len(),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
            pos: Pos::START,
        });
    }
    let mut options = serde_saphyr::Options::default();
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::PassThrough;
    options.strict_booleans = true;
    options.with_snippet = false;
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    // A 10,000-flag file has about 400,000 events; leave generous headroom while still
    // stopping alias bombs, which the node and alias-replay budgets catch first.
    budget.max_events = 20_000_000;
    budget.max_nodes = 10_000_000;
    options.budget = Some(budget);
    match serde_saphyr::from_str_with_options::<Spanned<RawNode>>(text, options) {
        Ok(root) => Ok(root.into()),
        Err(err) => Err(classify(text, &err)),
    }
}

fn classify(text: &str, err: &serde_saphyr::Error) -> ParseError {
    use serde_saphyr::Error as E;
    let mut inner = err.without_snippet();
    while let E::AliasError { error, .. } = inner {
        inner = error;
    }
    let pos = err
        .location()
        .map(|l| Pos::new(l.line() as u32, l.column() as u32))
        .unwrap_or(Pos::START);
    let raw = inner.to_string();
    // serde-saphyr appends " at line N, column M"; we carry the position separately.
    let message = raw.split(" at line ").next().unwrap_or(&raw).to_string();
    let resource = matches!(
        inner,
        E::Budget { .. }
            | E::AliasReplayCounterOverflow { .. }
            | E::AliasReplayLimitExceeded { .. }
            | E::AliasExpansionLimitExceeded { .. }
            | E::AliasReplayStackDepthExceeded { .. }
    ) || message.contains("recursion limit");
    if resource {
        return ParseError {
            code: "resource-limit",
            message: format!(
                "the document exceeds flagctl's parsing limits ({message}); nesting deeper than {MAX_DEPTH} levels and alias expansion bombs are rejected"
            ),
            pos,
        };
    }
    if let Some(tab) = first_tab_indent(text) {
        if message.contains("tab") || tab.line <= pos.line {
            return ParseError {
                code: "tab-indentation",
                message: "YAML does not allow tabs for indentation; indent with spaces".into(),
                pos: tab,
            };
        }
    }
    ParseError {
        code: "yaml-syntax",
        message: format!("invalid YAML: {message}"),
        pos,
    }
}

/// The first line whose leading whitespace contains a tab, pointing at the tab.
fn first_tab_indent(text: &str) -> Option<Pos> {
    text.lines().enumerate().find_map(|(i, line)| {
        let indent: String = line
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        indent
            .find('\t')
            .map(|col| Pos::new(i as u32 + 1, col as u32 + 1))
    })
}

/// What serde-saphyr fills in; converted to [`Node`] right away.
#[derive(Debug)]
enum RawNode {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<RawNode>>),
    Map(Vec<(Spanned<RawNode>, Spanned<RawNode>)>),
}

impl From<Spanned<RawNode>> for Node {
    fn from(raw: Spanned<RawNode>) -> Self {
        let pos = Pos::new(raw.referenced.line() as u32, raw.referenced.column() as u32);
        let kind = match raw.value {
            RawNode::Null => Kind::Null,
            RawNode::Bool(b) => Kind::Bool(b),
            RawNode::Int(i) => Kind::Int(i),
            RawNode::Float(f) => Kind::Float(f),
            RawNode::Str(s) => Kind::Str(s),
            RawNode::Seq(items) => Kind::Seq(items.into_iter().map(Node::from).collect()),
            RawNode::Map(entries) => Kind::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (Node::from(k), Node::from(v)))
                    .collect(),
            ),
        };
        Node { pos, kind }
    }
}

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawNode;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }
    fn visit_none<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<RawNode, E> {
        Ok(RawNode::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<RawNode, E> {
        Ok(RawNode::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<RawNode, E> {
        Ok(i64::try_from(v).map_or(RawNode::Float(v as f64), RawNode::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<RawNode, E> {
        Ok(i64::try_from(v).map_or(RawNode::Float(v as f64), RawNode::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<RawNode, E> {
        Ok(i64::try_from(v).map_or(RawNode::Float(v as f64), RawNode::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<RawNode, E> {
        Ok(RawNode::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<RawNode, E> {
        Ok(RawNode::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<RawNode, E> {
        Ok(RawNode::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<RawNode, E> {
        Ok(RawNode::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawNode, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<RawNode>>()? {
            items.push(item);
        }
        Ok(RawNode::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawNode, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<RawNode>>()? {
            let value = map.next_value::<Spanned<RawNode>>()?;
            entries.push((key, value));
        }
        Ok(RawNode::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_and_duplicates() {
        let node = parse("a: 1\nb:\n  c: x\na: 2\n").expect("parses");
        let Kind::Map(entries) = node.kind else {
            panic!("expected a map")
        };
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[2].0.pos, Pos::new(4, 1));
        assert_eq!(entries[2].1.kind, Kind::Int(2));
    }

    #[test]
    fn yaml11_booleans_stay_strings() {
        let node = parse("off: yes\n").expect("parses");
        let Kind::Map(entries) = node.kind else {
            panic!("expected a map")
        };
        assert_eq!(entries[0].0.kind, Kind::Str("off".into()));
        assert_eq!(entries[0].1.kind, Kind::Str("yes".into()));
    }

    #[test]
    fn tabs_are_named() {
        let err = parse("a:\n\tb: 1\n").expect_err("tab indentation");
        assert_eq!(err.code, "tab-indentation");
        assert_eq!(err.pos, Pos::new(2, 1));
    }

    #[test]
    fn depth_is_limited() {
        let text = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(parse(&text).expect_err("too deep").code, "resource-limit");
    }
}
