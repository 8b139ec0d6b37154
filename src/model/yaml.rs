//! The only place that parses YAML. Everything else works on [`Node`], a tree in which
//! every key and value keeps its 1-based line and column.
//!
//! The tree is built straight from the event stream of serde-saphyr's parser
//! (`serde_saphyr::granit_parser`) rather than through serde: validation needs the
//! whole document with positions to report *every* problem in one run (a typed
//! deserializer stops at the first unknown field), and building the tree from events
//! is four times faster than serde's span-tracking path on a 10,000-flag file.
//! Duplicate keys are kept in the tree so the validator can point at each one; they
//! never silently overwrite. Scalars resolve by the YAML 1.2 core schema, so `yes`,
//! `on` and `off` stay strings (the `off:` field depends on it). Depth, alias
//! expansion and document count are budgeted so hostile input fails fast.

use crate::diag::{Code, Pos};
use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span};
use std::collections::{HashMap, HashSet};

/// Largest file flagctl parses; larger inputs are rejected before parsing.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;
/// Deepest nesting of mappings and sequences accepted.
pub const MAX_DEPTH: usize = 64;
/// Most nodes that aliases and merge keys may copy in one document (stops "billion
/// laughs").
pub const MAX_ALIAS_NODES: usize = 1_000_000;

/// A YAML value with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the value starts.
    pub pos: Pos,
    /// Where a scalar ends (exclusive), so a diagnostic can underline all of it;
    /// equal to `pos` for collections, whose extent is not worth underlining.
    pub end: Pos,
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
    /// A node whose extent is only its start (collections, synthesized values).
    pub fn at(pos: Pos, kind: Kind) -> Self {
        Node {
            pos,
            end: pos,
            kind,
        }
    }

    /// Where the node is written: the whole scalar, or the start of a collection.
    pub fn span(&self) -> crate::diag::Span {
        crate::diag::Span::new(self.pos, self.end)
    }

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
    pub code: Code,
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
            code: Code::ResourceLimit,
            message: format!(
                "the file is {} bytes, more than the {} MiB limit",
                text.len(),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
            pos: Pos::START,
        });
    }
    if text.len() >= PARALLEL_MIN_BYTES {
        if let Some(node) = parse_parallel(text) {
            return Ok(node);
        }
    }
    parse_sequential(text)
}

/// Files at least this large are parsed in parallel when their layout allows.
pub const PARALLEL_MIN_BYTES: usize = 256 * 1024;

/// The parallel path alone, whatever the size of `text`: `None` when it declines (a
/// layout it cannot split, fewer than two CPUs, or any piece failing), which sends
/// [`parse`] to the sequential parser. For equivalence tests and fuzzing: where it
/// answers, it must answer exactly as [`parse_sequential`].
pub fn parse_parallel(text: &str) -> Option<Node> {
    parallel::parse(text)
}

/// Parses with one thread; the reference behaviour the parallel path must match.
pub fn parse_sequential(text: &str) -> Result<Node, ParseError> {
    let builder = Builder {
        last_line: Some(LastLine::of(text)),
        ..Builder::default()
    };
    let mut error = builder.run(text).map_err(|e| match e {
        // The scanner has its own nesting limit for flow collections (`[[[[...`).
        Failure::Scan(message, pos) if message.contains("recursion limit") => ParseError {
            code: Code::ResourceLimit,
            message: format!("the document nests too deeply ({message}); flatten it"),
            pos,
        },
        Failure::Scan(message, pos) => syntax_error(text, message, pos),
        Failure::Limit(message, pos) => ParseError {
            code: Code::ResourceLimit,
            message,
            pos,
        },
    });
    if let Err(e) = &mut error {
        e.pos = within(text, e.pos);
    }
    error
}

/// The last line of a document and its width in characters. The parser places an empty
/// value at the very end of the input (after the final line break), one line past the
/// last; the builder moves such a position to the end of the last line, so a
/// diagnostic about it points at a line that exists.
#[derive(Debug, Clone, Copy)]
struct LastLine {
    line: u32,
    width: u32,
}

impl LastLine {
    fn of(text: &str) -> LastLine {
        // Counted with memchr: this runs on every load, and a lone CR (which also ends
        // a line) is rare enough to take the slow path.
        let line = if text.contains('\r') {
            lines(text).count()
        } else {
            memchr::memchr_iter(b'\n', text.as_bytes()).count()
                + usize::from(!text.is_empty() && !text.ends_with('\n'))
        };
        // One final line break ends the last line without starting another.
        let body = text
            .strip_suffix("\r\n")
            .or_else(|| text.strip_suffix(['\n', '\r']))
            .unwrap_or(text);
        let start = body.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        LastLine {
            line: u32::try_from(line.max(1)).unwrap_or(u32::MAX),
            width: u32::try_from(body[start..].chars().count()).unwrap_or(u32::MAX),
        }
    }

    /// `pos`, or the end of the last line when `pos` lies past it.
    fn clamp(self, pos: Pos) -> Pos {
        if pos.line > self.line {
            Pos::new(self.line, self.width.saturating_add(1))
        } else {
            pos
        }
    }
}

/// The lines of `text` as YAML counts them, which is how every position in a
/// diagnostic counts: broken at `\n`, `\r\n` and a lone `\r` (`str::lines` knows
/// only the first two). Line ends are not included, and a final line end does not
/// start another line.
pub fn lines(text: &str) -> Lines<'_> {
    Lines { rest: text }
}

/// The iterator of [`lines`].
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.rest.is_empty() {
            return None;
        }
        let Some(i) = self.rest.find(['\n', '\r']) else {
            return Some(std::mem::take(&mut self.rest));
        };
        let line = &self.rest[..i];
        let width = if self.rest[i..].starts_with("\r\n") {
            2
        } else {
            1
        };
        self.rest = &self.rest[i + width..];
        Some(line)
    }
}

/// The position just past the end of `prefix` (a text's beginning), in [`lines`].
pub fn end_of(prefix: &str) -> Pos {
    let mut line = 1;
    let mut last = "";
    for (i, l) in lines(prefix).enumerate() {
        line = i + 1;
        last = l;
    }
    // A prefix ending in a line end is at the start of the next line.
    if prefix.ends_with(['\n', '\r']) {
        return Pos::new(line as u32 + 1, 1);
    }
    Pos::new(line as u32, last.chars().count() as u32 + 1)
}

/// `pos` moved inside `text`: the parser reports an error found at the end of the
/// input one line past the last (after the final newline), where no editor can jump;
/// such a position becomes the end of the last line.
pub fn within(text: &str, pos: Pos) -> Pos {
    let last = lines(text).count().max(1);
    let line = (pos.line as usize).clamp(1, last);
    let width = lines(text).nth(line - 1).map_or(0, |l| l.chars().count());
    let column = if line < pos.line as usize {
        width + 1
    } else {
        (pos.column as usize).clamp(1, width + 1)
    };
    Pos::new(line as u32, column as u32)
}

fn syntax_error(text: &str, message: String, pos: Pos) -> ParseError {
    if let Some(tab) = first_tab_indent(text) {
        if message.contains("tab") || tab.line <= pos.line {
            return ParseError {
                code: Code::TabIndentation,
                message: "YAML does not allow tabs for indentation; indent with spaces".into(),
                pos: tab,
            };
        }
    }
    ParseError {
        code: Code::YamlSyntax,
        message: format!("invalid YAML: {message}"),
        pos,
    }
}

/// The first line whose leading whitespace contains a tab, pointing at the tab.
fn first_tab_indent(text: &str) -> Option<Pos> {
    lines(text).enumerate().find_map(|(i, line)| {
        let indent: String = line
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        indent
            .find('\t')
            .map(|col| Pos::new(i as u32 + 1, col as u32 + 1))
    })
}

enum Failure {
    Scan(String, Pos),
    Limit(String, Pos),
}

fn pos_of(span: &Span) -> Pos {
    Pos::new(span.start.line() as u32, span.start.col() as u32 + 1)
}

fn pos_end(span: &Span) -> Pos {
    Pos::new(span.end.line() as u32, span.end.col() as u32 + 1)
}

/// An open collection while its children are read.
enum Open {
    Seq(Pos, usize, Vec<Node>),
    Map(Pos, usize, Vec<(Node, Node)>, Option<Node>),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Open>,
    /// Levels above this document's root in the whole file: a piece of the `flags:`
    /// block parsed on its own sits one level down (inside the root mapping), and
    /// must hit the depth limit exactly where the whole file does.
    base_depth: usize,
    /// The whole document's last line, for moving end-of-input positions onto it
    /// (`None` leaves positions as the parser gives them).
    last_line: Option<LastLine>,
    /// Anchored nodes with their size in nodes, for alias copies.
    anchors: HashMap<usize, (Node, usize)>,
    alias_nodes: usize,
    documents: usize,
    root: Option<Node>,
}

impl Builder {
    fn run(mut self, text: &str) -> Result<Node, Failure> {
        for item in Parser::new_from_str(text) {
            let (event, span) = item.map_err(|e| {
                let m = e.marker();
                Failure::Scan(e.info(), Pos::new(m.line() as u32, m.col() as u32 + 1))
            })?;
            let pos = pos_of(&span);
            match event {
                Event::DocumentStart(..) => {
                    self.documents += 1;
                    if self.documents > 1 {
                        return Err(Failure::Scan(
                            "the file holds more than one YAML document (`---`); keep a single document".into(),
                            pos,
                        ));
                    }
                }
                Event::Scalar(value, style, anchor, tag) => {
                    let is_str_tag = tag.as_ref().is_some_and(|t| t.suffix() == "str");
                    let kind = if style == ScalarStyle::Plain && !is_str_tag {
                        resolve_plain(&value)
                    } else {
                        Kind::Str(value.into_owned())
                    };
                    let (pos, end) = match self.last_line {
                        Some(last) => (last.clamp(pos), last.clamp(pos_end(&span))),
                        None => (pos, pos_end(&span)),
                    };
                    self.push(Node { pos, end, kind }, anchor)?;
                }
                Event::SequenceStart(_, anchor, _) => {
                    self.open(Open::Seq(pos, anchor, Vec::new()), pos)?
                }
                Event::MappingStart(_, anchor, _) => {
                    self.open(Open::Map(pos, anchor, Vec::new(), None), pos)?
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let (node, anchor) = match self.stack.pop() {
                        Some(Open::Seq(p, a, items)) => (Node::at(p, Kind::Seq(items)), a),
                        Some(Open::Map(p, a, entries, _)) => {
                            (Node::at(p, Kind::Map(self.merge_keys(entries, p)?)), a)
                        }
                        None => continue,
                    };
                    self.push(node, anchor)?;
                }
                Event::Alias(id) => {
                    let Some(size) = self.anchors.get(&id).map(|(_, size)| *size) else {
                        return Err(Failure::Scan("alias to an unknown anchor".into(), pos));
                    };
                    self.spend(size, pos)?;
                    let Some((node, _)) = self.anchors.get(&id) else {
                        return Err(Failure::Scan("alias to an unknown anchor".into(), pos));
                    };
                    // The copy is reported where the alias is written.
                    let mut copy = node.clone();
                    copy.pos = pos;
                    copy.end = pos_end(&span);
                    self.push(copy, 0)?;
                }
                _ => {}
            }
        }
        Ok(self.root.unwrap_or(Node::at(Pos::START, Kind::Null)))
    }

    fn open(&mut self, open: Open, pos: Pos) -> Result<(), Failure> {
        if self.base_depth + self.stack.len() >= MAX_DEPTH {
            return Err(Failure::Limit(
                format!("the document nests deeper than {MAX_DEPTH} levels; flatten it"),
                pos,
            ));
        }
        self.stack.push(open);
        Ok(())
    }

    /// Counts `nodes` copied by an alias or a merge against the document's budget.
    fn spend(&mut self, nodes: usize, pos: Pos) -> Result<(), Failure> {
        self.alias_nodes = self.alias_nodes.saturating_add(nodes);
        if self.alias_nodes > MAX_ALIAS_NODES {
            return Err(Failure::Limit(
                format!(
                    "aliases and merge keys (`<<`) copy more than {MAX_ALIAS_NODES} nodes (an alias bomb?); write the values out instead"
                ),
                pos,
            ));
        }
        Ok(())
    }

    /// Expands YAML merge keys (`<<: *defaults`): the merged mapping's entries are
    /// added unless the mapping already sets them, keeping the positions where they
    /// were written. Each merged entry counts against the alias budget (a merge is
    /// an alias copy by another name), and the "already set" test is a hash lookup,
    /// so merging many large anchors costs time in proportion to what it adds.
    fn merge_keys(
        &mut self,
        entries: Vec<(Node, Node)>,
        pos: Pos,
    ) -> Result<Vec<(Node, Node)>, Failure> {
        if !entries.iter().any(|(k, _)| k.as_str() == Some("<<")) {
            return Ok(entries);
        }
        let (merges, mut own): (Vec<_>, Vec<_>) = entries.into_iter().partition(|(k, v)| {
            k.as_str() == Some("<<") && matches!(&v.kind, Kind::Map(_) | Kind::Seq(_))
        });
        let mut present: HashSet<KeyId> = own.iter().map(|(k, _)| KeyId::of(k)).collect();
        for (_, source) in merges {
            let maps: Vec<Node> = match source.kind {
                Kind::Seq(items) => items,
                other => vec![Node::at(source.pos, other)],
            };
            for map in maps {
                let Kind::Map(extra) = map.kind else {
                    continue;
                };
                self.spend(extra.len(), pos)?;
                for (k, v) in extra {
                    if present.insert(KeyId::of(&k)) {
                        own.push((k, v));
                    }
                }
            }
        }
        Ok(own)
    }

    /// Adds a finished node to its parent (or makes it the root).
    fn push(&mut self, node: Node, anchor: usize) -> Result<(), Failure> {
        if anchor != 0 {
            self.anchors
                .insert(anchor, (node.clone(), count_nodes(&node)));
        }
        match self.stack.last_mut() {
            Some(Open::Seq(_, _, items)) => items.push(node),
            Some(Open::Map(_, _, entries, pending)) => match pending.take() {
                Some(key) => entries.push((key, node)),
                None => *pending = Some(node),
            },
            None => self.root = Some(node),
        }
        Ok(())
    }
}

/// A mapping key reduced to something hashable: scalars by kind and value (floats by
/// bits, `-0.0` as `0.0`), collections by their JSON text, which keeps numbers,
/// strings and nulls apart.
#[derive(PartialEq, Eq, Hash)]
enum KeyId {
    Null,
    Bool(bool),
    Int(i64),
    Float(u64),
    Str(String),
    Complex(String),
}

impl KeyId {
    fn of(node: &Node) -> KeyId {
        match &node.kind {
            Kind::Null => KeyId::Null,
            Kind::Bool(b) => KeyId::Bool(*b),
            Kind::Int(i) => KeyId::Int(*i),
            Kind::Float(f) => KeyId::Float(if *f == 0.0 { 0 } else { f.to_bits() }),
            Kind::Str(s) => KeyId::Str(s.clone()),
            Kind::Seq(_) | Kind::Map(_) => KeyId::Complex(node.to_json().to_string()),
        }
    }
}

fn count_nodes(node: &Node) -> usize {
    1 + match &node.kind {
        Kind::Seq(items) => items.iter().map(count_nodes).sum(),
        Kind::Map(entries) => entries
            .iter()
            .map(|(k, v)| count_nodes(k) + count_nodes(v))
            .sum(),
        _ => 0,
    }
}

/// Resolves a plain scalar by the YAML 1.2 core schema.
fn resolve_plain(text: &str) -> Kind {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Kind::Null,
        "true" | "True" | "TRUE" => return Kind::Bool(true),
        "false" | "False" | "FALSE" => return Kind::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Kind::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Kind::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Kind::Float(f64::NAN),
        _ => {}
    }
    let bytes = text.as_bytes();
    let first = bytes[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Kind::Str(text.to_string());
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16)
            .map_or_else(|_| Kind::Str(text.to_string()), Kind::Int);
    }
    if let Some(oct) = text.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8).map_or_else(|_| Kind::Str(text.to_string()), Kind::Int);
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return match text.parse::<i64>() {
            Ok(i) => Kind::Int(i),
            Err(_) => text
                .parse::<f64>()
                .map_or_else(|_| Kind::Str(text.to_string()), Kind::Float),
        };
    }
    if is_core_float(digits) {
        if let Ok(f) = text.parse::<f64>() {
            return Kind::Float(f);
        }
    }
    Kind::Str(text.to_string())
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` without a sign.
fn is_core_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = all_digits(int)
        && frac.is_none_or(all_digits)
        && (!int.is_empty() || frac.is_some_and(|f| !f.is_empty()));
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    mantissa_ok && exponent_ok
}

/// Parallel parsing of large files. The YAML parser is the dominant cost of loading a
/// 10,000-flag file, and flag entries are independent, so the `flags:` block is cut at
/// lines that start a flag (a `key:` line at the block's child indentation) and the
/// pieces are parsed on separate threads, each padded with blank lines so positions
/// stay exact. The cut is made only when every line of the block is self-contained
/// (no anchors or aliases, no tabs, no quoted scalar or flow collection continuing on
/// the next line, no block scalars); otherwise, or if any piece fails to parse, the
/// caller falls back to the sequential parse, which also produces the exact error.
mod parallel {
    use super::{Builder, Kind, LastLine, Node};

    pub(super) fn parse(text: &str) -> Option<Node> {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let flags_line = lines.iter().position(|l| is_flags_header(l))?;
        let end = (flags_line + 1..lines.len())
            .find(|&i| starts_top_level(lines[i]))
            .unwrap_or(lines.len());
        let body = &lines[flags_line + 1..end];
        let indent = child_indent(body)?;
        let starts: Vec<usize> = (0..body.len())
            .filter(|&i| is_child_key(body[i], indent))
            .collect();
        let threads = crate::par::threads();
        if threads < 2 || starts.len() < 2 * threads {
            return None;
        }
        // Split points: every `starts.len() / threads`-th flag start.
        let mut cuts: Vec<usize> = (0..threads)
            .map(|t| starts[t * starts.len() / threads])
            .collect();
        cuts[0] = 0;
        cuts.push(body.len());
        let first = flags_line + 1;
        let last_line = LastLine::of(text);

        // The rest of the document, with the flags block blanked (line numbers kept).
        let mut outer = String::with_capacity(text.len() / 8);
        for (i, l) in lines.iter().enumerate() {
            if i > flags_line && i < end {
                outer.push('\n');
            } else {
                outer.push_str(l);
            }
        }
        let pieces: Vec<(usize, &[&str])> = cuts
            .windows(2)
            .map(|w| (first + w[0], &body[w[0]..w[1]]))
            .collect();
        // A failed piece sends the caller to the sequential parse.
        let results = crate::par::map(&pieces, |&(padding, lines)| {
            // Each worker vets its own lines, so the check costs no wall time.
            if !lines.iter().all(|l| self_contained(l)) {
                return None;
            }
            let mut piece = "\n".repeat(padding);
            for l in lines {
                piece.push_str(l);
            }
            // Pieces keep the document's line numbers, so its last line applies.
            let builder = Builder {
                base_depth: 1,
                last_line: Some(last_line),
                ..Builder::default()
            };
            builder.run(&piece).ok()
        });
        let outer_builder = Builder {
            last_line: Some(last_line),
            ..Builder::default()
        };
        let mut root = outer_builder.run(&outer).ok()?;
        let mut entries = Vec::new();
        let mut pos = None;
        for node in results {
            let node = node?;
            pos.get_or_insert(node.pos);
            match node.kind {
                Kind::Map(e) => entries.extend(e),
                Kind::Null => {}
                _ => return None,
            }
        }
        let Kind::Map(top) = &mut root.kind else {
            return None;
        };
        let slot = top.iter_mut().find(|(k, _)| k.as_str() == Some("flags"))?;
        if slot.1.kind != Kind::Null {
            return None;
        }
        slot.1 = Node::at(pos?, Kind::Map(entries));
        Some(root)
    }

    /// `flags:` at column 1, with nothing but an optional comment after it.
    fn is_flags_header(line: &str) -> bool {
        line.strip_prefix("flags:")
            .is_some_and(|rest| rest.trim().is_empty() || rest.trim_start().starts_with('#'))
    }

    /// A line that starts a new top-level key (ends the `flags:` block).
    fn starts_top_level(line: &str) -> bool {
        line.as_bytes()
            .first()
            .is_some_and(|b| !matches!(b, b' ' | b'#' | b'\n' | b'\r'))
    }

    fn indent_of(line: &str) -> usize {
        line.len() - line.trim_start_matches(' ').len()
    }

    fn blank_or_comment(line: &str) -> bool {
        let t = line.trim();
        t.is_empty() || t.starts_with('#')
    }

    fn child_indent(body: &[&str]) -> Option<usize> {
        let first = body.iter().find(|l| !blank_or_comment(l))?;
        let indent = indent_of(first);
        (indent > 0 && is_child_key(first, indent)).then_some(indent)
    }

    /// A plain `key:` line at exactly `indent` spaces.
    fn is_child_key(line: &str, indent: usize) -> bool {
        if indent_of(line) != indent {
            return false;
        }
        let rest = &line[indent..];
        let Some(colon) = rest.find(':') else {
            return false;
        };
        let key = &rest[..colon];
        let after = rest[colon + 1..].chars().next();
        !key.is_empty()
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
            && after.is_none_or(|c| c == ' ' || c == '\n' || c == '\r')
    }

    /// True when nothing on this line continues onto the next: quotes and flow
    /// brackets close on the line, and there are no anchors, aliases, tabs, block
    /// scalars or document markers.
    fn self_contained(line: &str) -> bool {
        if line.contains('\t') || line.starts_with("---") || line.starts_with("...") {
            return false;
        }
        let mut depth = 0i32;
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match quote {
                Some('"') if c == '\\' => {
                    chars.next();
                }
                Some(q) if c == q => {
                    // '' inside single quotes is an escaped quote.
                    if q == '\'' && chars.peek() == Some(&'\'') {
                        chars.next();
                    } else {
                        quote = None;
                    }
                }
                Some(_) => {}
                None => match c {
                    '#' if prev == ' ' => break,
                    '"' | '\'' if matches!(prev, ' ' | '[' | '{' | ',' | ':') => quote = Some(c),
                    '[' | '{' => depth += 1,
                    ']' | '}' => depth -= 1,
                    '&' | '*' | '!' if matches!(prev, ' ' | '[' | '{' | ',') => return false,
                    '|' | '>'
                        if prev == ' '
                            && chars.clone().all(|c| {
                                c.is_whitespace() || c.is_ascii_digit() || matches!(c, '-' | '+')
                            }) =>
                    {
                        return false;
                    }
                    _ => {}
                },
            }
            prev = c;
        }
        quote.is_none() && depth == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast count agrees with [`lines`] and [`within`], whatever the line ends.
    #[test]
    fn last_line_agrees_with_lines() {
        for text in [
            "",
            "a",
            "a\n",
            "a\nbc",
            "a\nbcé\n",
            "a\r\nb\r\n",
            "a\rbc\r",
            "a\n\n",
        ] {
            let last = LastLine::of(text);
            let past = Pos::new(100, 1);
            assert_eq!(last.clamp(past), within(text, past), "{text:?}");
            assert_eq!(last.line as usize, lines(text).count().max(1), "{text:?}");
        }
    }

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
        assert_eq!(err.code, Code::TabIndentation);
        assert_eq!(err.pos, Pos::new(2, 1));
    }

    #[test]
    fn core_schema_scalars() {
        let kinds = |t: &str| match parse(&format!("v: {t}\n")).expect("parses").kind {
            Kind::Map(mut e) => e.remove(0).1.kind,
            _ => panic!("map"),
        };
        assert_eq!(kinds("12"), Kind::Int(12));
        assert_eq!(kinds("-7"), Kind::Int(-7));
        assert_eq!(kinds("0x1F"), Kind::Int(31));
        assert_eq!(kinds("12.5"), Kind::Float(12.5));
        assert_eq!(kinds("1e3"), Kind::Float(1000.0));
        assert_eq!(kinds("5.2.0"), Kind::Str("5.2.0".into()));
        assert_eq!(kinds("2026-10-01"), Kind::Str("2026-10-01".into()));
        assert_eq!(kinds("'12'"), Kind::Str("12".into()));
        assert_eq!(kinds("!!str 12"), Kind::Str("12".into()));
        assert_eq!(kinds("~"), Kind::Null);
        assert_eq!(kinds("1_000"), Kind::Str("1_000".into()));
        assert_eq!(kinds("50%"), Kind::Str("50%".into()));
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let node =
            parse("base: &b { owner: t, type: release }\nflag:\n  <<: *b\n  type: operational\n")
                .expect("parses");
        let Kind::Map(entries) = node.kind else {
            panic!("map")
        };
        let Kind::Map(flag) = &entries[1].1.kind else {
            panic!("map")
        };
        let fields: Vec<(String, String)> = flag
            .iter()
            .map(|(k, v)| {
                (
                    k.scalar_text().unwrap_or_default(),
                    v.scalar_text().unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(
            fields,
            [
                ("type".into(), "operational".into()),
                ("owner".into(), "t".into())
            ]
        );
    }

    #[test]
    fn alias_bombs_and_documents_are_refused() {
        let mut text = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for i in 1..10u8 {
            let (p, c) = ((b'a' + i - 1) as char, (b'a' + i) as char);
            text.push_str(&format!(
                "{c}: &{c} [{}]\n",
                vec![format!("*{p}"); 9].join(",")
            ));
        }
        assert_eq!(parse(&text).expect_err("bomb").code, Code::ResourceLimit);
        assert_eq!(
            parse("a: 1\n---\nb: 2\n").expect_err("two docs").code,
            Code::YamlSyntax
        );
    }

    /// Merging is copying: 45 merges of a 10,000-key anchor copy 900,000 nodes by
    /// alias and merge 450,000 entries, over the budget (this file took 10 s to load
    /// when each merged key was searched for in a list).
    #[test]
    fn merge_keys_count_against_the_alias_budget() {
        let keys: Vec<String> = (0..10_000).map(|i| format!("k{i}: {i}")).collect();
        let mut text = format!("base: &b {{ {} }}\n", keys.join(", "));
        for m in 0..45 {
            text.push_str(&format!("m{m}: {{ <<: *b, own: 1 }}\n"));
        }
        let err = parse(&text).expect_err("over budget");
        assert_eq!(err.code, Code::ResourceLimit);
        assert!(err.message.contains("merge keys"), "{}", err.message);
        // Fewer merges of the same anchor are fine, and keep merge semantics.
        let few: String = text.lines().take(11).map(|l| format!("{l}\n")).collect();
        let Kind::Map(top) = parse(&few).expect("under budget").kind else {
            panic!("map")
        };
        assert_eq!(top.len(), 11);
        let Kind::Map(m0) = &top[1].1.kind else {
            panic!("map")
        };
        assert_eq!(m0.len(), 10_001);
        assert_eq!(m0[0].0.as_str(), Some("own"));
    }

    /// Own keys win over merged ones, and earlier merge sources over later ones.
    #[test]
    fn merge_key_precedence() {
        let text = "a: &a { x: 1, y: 1 }\nb: &b { y: 2, z: 2 }\nm:\n  <<: [*a, *b]\n  x: 0\n";
        let Kind::Map(top) = parse(text).expect("parses").kind else {
            panic!("map")
        };
        let Kind::Map(m) = &top[2].1.kind else {
            panic!("map")
        };
        let pairs: Vec<(String, String)> = m
            .iter()
            .map(|(k, v)| {
                (
                    k.scalar_text().unwrap_or_default(),
                    v.scalar_text().unwrap_or_default(),
                )
            })
            .collect();
        let expected = [("x", "0"), ("y", "1"), ("z", "2")];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(pairs, expected);
    }

    /// The parallel path must give exactly the sequential tree.
    #[test]
    fn parallel_parse_matches_sequential() {
        let mut text = String::from("version: 1\nsettings:\n  service: s\nflags:\n");
        for i in 0..400 {
            text.push_str(&format!(
                "  f-{i}:\n    description: \"it's #{i}: a [b] {{c}}\"\n    owner: 'team''s'\n    type: release # note\n    rules:\n      - when: {{ plan: {{ in: [a, b] }} }}\n        value: {i}\n\n"
            ));
        }
        text.push_str("segments:\n  s: { users: [u] }\n");
        let padded = format!("{text}{}", "#\n".repeat(PARALLEL_MIN_BYTES / 2));
        let seq = parse_sequential(&padded).expect("sequential");
        let par = parallel::parse(&padded).expect("parallel path taken");
        assert_eq!(seq, par);
        // Not self-contained: falls back.
        let block = text.replacen("owner: 'team''s'", "owner: |\n      team", 1);
        assert!(parallel::parse(&block).is_none());
        let anchored = text.replacen("owner: 'team''s'", "owner: &o x", 1);
        assert!(parallel::parse(&anchored).is_none());
    }

    /// The same limits on both paths: a flag nested exactly to the limit parses either
    /// way, one level more is `resource-limit` either way (the parallel path declines
    /// and the sequential parse reports it), whatever the number of CPUs.
    #[test]
    fn parallel_parse_enforces_the_same_limits() {
        // Flag value at depth d: root map (1), flags (2), the flag (3), then nested maps.
        let nested = |levels: usize| {
            let mut s = String::from("  deep:\n");
            for i in 0..levels {
                s.push_str(&format!("{}n{i}:\n", " ".repeat(4 + 2 * i)));
            }
            s.push_str(&format!("{}leaf: 1\n", " ".repeat(4 + 2 * levels)));
            s
        };
        for (levels, ok) in [(MAX_DEPTH - 3, true), (MAX_DEPTH - 2, false)] {
            let mut text = String::from("version: 1\nflags:\n");
            text.push_str(&nested(levels));
            for i in 0..3000 {
                text.push_str(&format!("  f-{i}:\n    owner: team\n    type: release\n"));
            }
            text.push_str(&"#\n".repeat(PARALLEL_MIN_BYTES / 2));
            let seq = parse_sequential(&text);
            let par = parallel::parse(&text);
            assert_eq!(seq.is_ok(), ok, "{levels} levels: {:?}", seq.err());
            match (&seq, &par) {
                (Ok(s), Some(p)) => assert_eq!(s, p),
                (Err(e), None) => assert_eq!(e.code, Code::ResourceLimit),
                (Err(e), Some(_)) => {
                    panic!("{levels} levels: parallel accepted what sequential refused: {e:?}")
                }
                (Ok(_), None) => panic!("{levels} levels: the parallel path was not taken"),
            }
            assert_eq!(parse(&text).map_err(|e| e.code), seq.map_err(|e| e.code));
        }
    }

    /// A lone `\r` breaks lines for the parser, so it does for positions too (found
    /// by the `load` fuzz target: a diagnostic on "line 11" of a file that
    /// `str::lines` saw as 10 lines).
    #[test]
    fn lines_break_where_yaml_breaks_them() {
        fn collect(t: &str) -> Vec<&str> {
            lines(t).collect()
        }
        assert_eq!(collect("a\nb\r\nc\rd"), ["a", "b", "c", "d"]);
        assert_eq!(collect("a\n\n"), ["a", ""]);
        assert_eq!(collect("a\r\r\n"), ["a", ""]);
        assert_eq!(collect(""), Vec::<&str>::new());
        let text = "version: 1\rflags:\r  a: 1\r  b: [";
        let err = parse(text).expect_err("unclosed");
        assert!(err.pos.line <= 4, "{err:?}");
        assert_eq!(within(text, Pos::new(9, 1)), Pos::new(4, 7));
        assert_eq!(end_of("ab"), Pos::new(1, 3));
        assert_eq!(end_of("ab\rc"), Pos::new(2, 2));
        assert_eq!(end_of("ab\r\n"), Pos::new(2, 1));
        assert_eq!(end_of("ab\r"), Pos::new(2, 1));
        assert_eq!(end_of(""), Pos::new(1, 1));
    }

    #[test]
    fn depth_is_limited() {
        let text = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(
            parse(&text).expect_err("too deep").code,
            Code::ResourceLimit
        );
    }
}
