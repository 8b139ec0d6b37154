//! Batch evaluation of JSON Lines contexts: one chunk of complete lines
//! in, the results (jsonl text, or counts for `--summary`) out. Chunks are independent,
//! so the command can process several in parallel and write them in order.

use super::context::Attributes;
use super::output::write_result;
use super::{Engine, EvalResult, Prepared, Reason};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// What to produce for each evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One JSON object per line.
    Jsonl,
    /// Objects for a JSON array: each is preceded by `",\n  "` except the first of the
    /// chunk, which gets `"\n  "` (the caller joins chunks with a comma).
    JsonArray,
    /// No output, only counts.
    Summary,
}

/// A line that could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// 1-based line number in the input.
    pub line: u64,
    /// 1-based column where JSON parsing stopped.
    pub column: u64,
    /// What is wrong.
    pub message: String,
}

/// Counts for one flag, for `--summary`.
#[derive(Debug, Default, Clone)]
pub struct FlagCounts<'p> {
    /// Contexts evaluated.
    pub total: u64,
    /// Per (value, variant): the count. Keyed by address, since every value served is
    /// borrowed from the flag; equal values at different addresses are merged when
    /// rendering.
    pub served: HashMap<(usize, usize), (&'p Value, Option<&'p str>, u64)>,
    /// Per reason.
    pub reasons: HashMap<Reason, u64>,
    /// Contexts that reached the rollout step (not killed, disabled or out of segments).
    pub reached_rollout: u64,
    /// Of those, how many were inside the rollout.
    pub in_rollout: u64,
    /// Of those, how many lacked the bucketing attribute.
    pub missing_key: u64,
}

impl<'p> FlagCounts<'p> {
    fn add(&mut self, r: &EvalResult<'p>) {
        self.total += 1;
        let key = (
            r.value as *const Value as usize,
            r.variant.map_or(0, |v| v.as_ptr() as usize),
        );
        self.served.entry(key).or_insert((r.value, r.variant, 0)).2 += 1;
        *self.reasons.entry(r.reason).or_insert(0) += 1;
        if r.step >= 4 {
            self.reached_rollout += 1;
            if r.step >= 5 {
                self.in_rollout += 1;
            } else if r.error_code.is_some() {
                self.missing_key += 1;
            }
        }
    }

    /// Adds another chunk's counts.
    pub fn merge(&mut self, other: FlagCounts<'p>) {
        self.total += other.total;
        for (k, (v, var, n)) in other.served {
            self.served.entry(k).or_insert((v, var, 0)).2 += n;
        }
        for (r, n) in other.reasons {
            *self.reasons.entry(r).or_insert(0) += n;
        }
        self.reached_rollout += other.reached_rollout;
        self.in_rollout += other.in_rollout;
        self.missing_key += other.missing_key;
    }
}

/// What one chunk produced.
#[derive(Debug, Default)]
pub struct ChunkResult<'p> {
    /// Output text (empty in summary mode).
    pub out: Vec<u8>,
    /// Per chosen flag, in order (summary mode only).
    pub counts: Vec<FlagCounts<'p>>,
    /// Contexts evaluated.
    pub contexts: u64,
    /// Lines skipped with `keep_going`.
    pub skipped: Vec<BadLine>,
    /// The first bad line, which stopped the chunk (without `keep_going`).
    pub error: Option<BadLine>,
}

/// Evaluates every context in `chunk` (complete lines; the first is line
/// `first_line`) for every flag in `flags`.
pub fn process_chunk<'p, 'f>(
    engine: &Engine<'f>,
    flags: &'p [Prepared<'f>],
    keys: &KeySet,
    chunk: &[u8],
    first_line: u64,
    mode: Mode,
    keep_going: bool,
) -> ChunkResult<'p> {
    let mut res = ChunkResult {
        out: Vec::with_capacity(if mode == Mode::Summary {
            0
        } else {
            chunk.len() * 3
        }),
        counts: if mode == Mode::Summary {
            vec![FlagCounts::default(); flags.len()]
        } else {
            Vec::new()
        },
        ..ChunkResult::default()
    };
    let mut first_object = true;
    for (line, raw) in (first_line..).zip(chunk.split(|&b| b == b'\n')) {
        let text = raw.strip_suffix(b"\r").unwrap_or(raw);
        if text.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let ctx = match parse_line(text, line, keys) {
            Ok(ctx) => ctx,
            Err(bad) if keep_going => {
                res.skipped.push(bad);
                continue;
            }
            Err(bad) => {
                res.error = Some(bad);
                return res;
            }
        };
        res.contexts += 1;
        for (i, p) in flags.iter().enumerate() {
            let r = engine.evaluate(p, &ctx, None, None);
            match mode {
                Mode::Summary => res.counts[i].add(&r),
                Mode::Jsonl => {
                    write_result(&mut res.out, &r, Some(line), None);
                    res.out.push(b'\n');
                }
                Mode::JsonArray => {
                    res.out
                        .extend_from_slice(if first_object { b"\n  " } else { b",\n  " });
                    first_object = false;
                    write_result(&mut res.out, &r, Some(line), None);
                }
            }
        }
    }
    res
}

/// The attribute names evaluation reads; everything else in a line is skipped while
/// parsing, which is most of the cost of batch evaluation.
#[derive(Debug, Clone)]
pub enum KeySet {
    /// A handful of names: a linear scan beats hashing.
    Few(Vec<String>),
    /// Many names.
    Many(HashSet<String>),
}

impl KeySet {
    /// The set of `names`.
    pub fn new(names: Vec<String>) -> Self {
        if names.len() <= 16 {
            KeySet::Few(names)
        } else {
            KeySet::Many(names.into_iter().collect())
        }
    }

    fn contains(&self, key: &str) -> bool {
        match self {
            KeySet::Few(v) => v.iter().any(|k| k == key),
            KeySet::Many(s) => s.contains(key),
        }
    }
}

/// One line's context: the attributes evaluation reads, with keys borrowed from the
/// line where JSON allows (no escapes). Looked up by linear scan: there are few.
#[derive(Debug, Default)]
pub struct LineContext<'a> {
    entries: Vec<(Cow<'a, str>, Value)>,
}

impl Attributes for LineContext<'_> {
    fn attr(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

/// Deserializes a line into a [`LineContext`], skipping unused attributes.
struct LineSeed<'k> {
    keys: &'k KeySet,
}

impl<'de> DeserializeSeed<'de> for LineSeed<'_> {
    type Value = LineContext<'de>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for LineSeed<'_> {
    type Value = LineContext<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut ctx = LineContext {
            entries: Vec::with_capacity(4),
        };
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if !self.keys.contains(&key) {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let value: Value = map.next_value()?;
            // A repeated key keeps its last value, as serde_json's own map does.
            match ctx.entries.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value,
                None => ctx.entries.push((key, value)),
            }
        }
        Ok(ctx)
    }
}

/// A map key, borrowed from the input when it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
}

/// Parses one line as a JSON object, keeping the attributes in `keys`.
pub fn parse_line<'a>(
    text: &'a [u8],
    line: u64,
    keys: &KeySet,
) -> Result<LineContext<'a>, BadLine> {
    let first = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    if text.get(first) != Some(&b'{') {
        return Err(BadLine {
            line,
            column: first as u64 + 1,
            message: "expected a JSON object (`{...}`) holding the context's attributes".into(),
        });
    }
    let mut de = serde_json::Deserializer::from_slice(text);
    LineSeed { keys }
        .deserialize(&mut de)
        .and_then(|ctx| de.end().map(|()| ctx))
        .map_err(|e| {
            let message = e.to_string();
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(m, _)| m);
            BadLine {
                line,
                column: e.column() as u64,
                message: format!("invalid JSON: {message}"),
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::load_text;
    use chrono::NaiveDate;
    use std::path::Path;

    fn file() -> crate::model::FlagsFile {
        let text = "version: 1\nflags:\n  f:\n    type: operational\n    owner: t\n    description: d\n    rollout: 50\n";
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
        load_text(Path::new("flags.yaml"), "flags.yaml", text, today).file
    }

    #[test]
    fn jsonl_lines_and_errors() {
        let f = file();
        let engine = Engine::new(&f);
        let flags = vec![engine.prepare(&f.flags[0], None)];
        let keys = KeySet::new(engine.attributes_used(&flags));
        let input = b"{\"userId\":\"a\"}\n\n{\"userId\":\"b\"}\r\n[1]\n{\"userId\":\"c\"}";
        let res = process_chunk(&engine, &flags, &keys, input, 10, Mode::Jsonl, false);
        let text = String::from_utf8(res.out).expect("utf8");
        assert_eq!(text.lines().count(), 2);
        assert!(text.starts_with("{\"line\":10,\"flag\":\"f\""), "{text}");
        assert!(
            text.lines()
                .nth(1)
                .is_some_and(|l| l.starts_with("{\"line\":12,"))
        );
        let err = res.error.expect("error");
        assert_eq!((err.line, err.column), (13, 1));
        let res = process_chunk(&engine, &flags, &keys, input, 10, Mode::Summary, true);
        assert_eq!(res.contexts, 3);
        assert_eq!(res.skipped.len(), 1);
        assert_eq!(res.counts[0].total, 3);
        assert_eq!(res.counts[0].reached_rollout, 3);
    }

    #[test]
    fn bad_json_messages() {
        let keys = KeySet::new(vec!["a".into()]);
        let err = parse_line(b"{\"a\": }", 4, &keys).expect_err("invalid");
        assert_eq!(err.line, 4);
        assert_eq!(err.column, 7);
        assert!(
            err.message.starts_with("invalid JSON: expected value"),
            "{}",
            err.message
        );
        // Skipped attributes are still checked for syntax, and trailing text is refused.
        assert!(parse_line(b"{\"b\": [1,}", 1, &keys).is_err());
        assert!(parse_line(b"{\"a\": 1} x", 1, &keys).is_err());
        let ctx = parse_line(b"{\"a\": 1, \"b\": 2, \"a\": 3}", 1, &keys).expect("valid");
        assert_eq!(ctx.attr("a"), Some(&Value::from(3)));
        assert_eq!(ctx.attr("b"), None);
    }
}
