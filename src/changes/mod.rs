//! Per-flag views of one version of flags.yaml, and what changed between two versions:
//! the common ground of `flagctl diff`, `flagctl history` and the git-derived facts of
//! the lifecycle rules.
//!
//! A view keeps each flag's fields *as written* (JSON values of the YAML tree) rather
//! than the validated model: historical versions may be invalid, and a diff should show
//! what the author wrote, not defaults filled in.

pub mod compare;
pub mod history;
pub mod log;
mod split;
pub(crate) mod versions;

pub use compare::{FileDiff, compare};
pub use history::{Change, FileHistory, FlagEvent, FlagHistory, history};
pub use log::{FlagLog, flag_log};
pub(crate) use split::{
    Chunk, Split, common_prefix, common_suffix, parse_chunk, split_flags, split_region,
};

use crate::model::duration::parse_date;
use crate::model::yaml::{self, Kind, Node};
use crate::model::{DEFAULT_BUCKET_BY, DEFAULT_ROLLOUT};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::rc::Rc;

/// The fields that decide what a flag serves: the evaluation fields of the format plus
/// `environments` (their overrides). A change to any of them restarts the clock of the
/// `launched` and `dead` findings.
fn eval_fields() -> impl Iterator<Item = &'static str> {
    crate::model::decode::fields::TARGETING
        .iter()
        .copied()
        .chain(["environments"])
}

/// One flag's fields as written, in file order (a repeated field keeps its first value,
/// as validation does).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawFlag {
    /// `(field name, value)` pairs.
    pub fields: Vec<(String, Value)>,
}

impl RawFlag {
    /// Builds the view of a flag's mapping node. A flag that is not a mapping (an
    /// invalid historical version) has no fields.
    pub fn from_node(node: &Node) -> RawFlag {
        let mut fields: Vec<(String, Value)> = Vec::new();
        if let Kind::Map(entries) = &node.kind {
            for (k, v) in entries {
                let name = k.scalar_text().unwrap_or_default();
                if !fields.iter().any(|(n, _)| *n == name) {
                    fields.push((name, v.to_json()));
                }
            }
        }
        RawFlag { fields }
    }

    /// A field's value.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// A field's value as text, when it is a scalar.
    pub fn text(&self, name: &str) -> Option<String> {
        match self.get(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            v @ (Value::Bool(_) | Value::Number(_)) => Some(v.to_string()),
            _ => None,
        }
    }

    /// A date field (`created`, `expires`), when it is a valid date.
    pub fn date(&self, name: &str) -> Option<NaiveDate> {
        match self.get(name)? {
            Value::String(s) => parse_date(s).ok(),
            _ => None,
        }
    }

    /// Whether the evaluation fields of both versions are the same.
    pub fn same_evaluation(&self, other: &RawFlag) -> bool {
        eval_fields().all(|f| same_field(f, self.get(f), other.get(f)))
    }
}

/// Compares two values of field `name`. Objects compare as maps, except that the order
/// of `variants` matters: variants are walked in file order when bucketing, so
/// reordering them moves users between variants.
fn same_field(name: &str, a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => same_value(a, b, name == "variants"),
        _ => false,
    }
}

fn same_value(a: &Value, b: &Value, ordered: bool) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            if x.len() != y.len() {
                return false;
            }
            if ordered && !x.keys().eq(y.keys()) {
                return false;
            }
            x.iter().all(|(k, v)| {
                y.get(k)
                    .is_some_and(|w| same_value(v, w, k.as_str() == "variants"))
            })
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same_value(v, w, false))
        }
        _ => a == b,
    }
}

/// One version of flags.yaml, flag by flag, in file order.
#[derive(Debug, Clone, Default)]
pub struct RawFile {
    /// `(key, fields)` in file order; a duplicated key keeps its first definition.
    pub flags: Vec<(String, Rc<RawFlag>)>,
    index: HashMap<String, usize>,
}

impl RawFile {
    /// Parses a whole file. Problems other than YAML syntax (unknown fields, missing
    /// owners) are kept as written: this is a view, not validation.
    pub fn parse(text: &str) -> Result<RawFile, yaml::ParseError> {
        let root = yaml::parse(text)?;
        let mut file = RawFile::default();
        let Kind::Map(top) = &root.kind else {
            return Ok(file);
        };
        let Some((_, flags)) = top.iter().find(|(k, _)| k.as_str() == Some("flags")) else {
            return Ok(file);
        };
        if let Kind::Map(entries) = &flags.kind {
            for (k, v) in entries {
                file.push(
                    k.scalar_text().unwrap_or_default(),
                    Rc::new(RawFlag::from_node(v)),
                );
            }
        }
        Ok(file)
    }

    /// Adds a flag unless its key is already present (first definition wins).
    pub fn push(&mut self, key: String, flag: Rc<RawFlag>) {
        if self.index.contains_key(&key) {
            return;
        }
        self.index.insert(key.clone(), self.flags.len());
        self.flags.push((key, flag));
    }

    /// The flag with this key.
    pub fn get(&self, key: &str) -> Option<&Rc<RawFlag>> {
        self.index.get(key).map(|&i| &self.flags[i].1)
    }
}

/// One field that differs between two versions of a flag. Nested fields of
/// `environments` and `variants` are named with dots (`environments.production.rollout`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    /// Field name, dotted for nested fields; `variants (order)` for a reordering.
    pub field: String,
    /// The value before (`null` when the field was added).
    pub old: Option<Value>,
    /// The value after (`null` when the field was removed).
    pub new: Option<Value>,
}

/// Fields that differ between two versions of a flag: fields of the new version in its
/// order, then fields only the old version had.
pub fn diff_flag(old: &RawFlag, new: &RawFlag) -> Vec<FieldChange> {
    let mut out = Vec::new();
    for (name, value) in &new.fields {
        diff_value(name, old.get(name), Some(value), &mut out);
    }
    for (name, value) in &old.fields {
        if new.get(name).is_none() {
            diff_value(name, Some(value), None, &mut out);
        }
    }
    out
}

/// Whether the children of `path` are compared one by one (environment overrides and
/// variants) rather than as one value.
fn nested(path: &str) -> bool {
    let mut parts = path.rsplit('.');
    let last = parts.next().unwrap_or_default();
    let parent = parts.next().unwrap_or_default();
    matches!(last, "environments" | "variants") || matches!(parent, "environments" | "variants")
}

fn diff_value(path: &str, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<FieldChange>) {
    let ordered = path.ends_with("variants");
    match (old, new) {
        (Some(Value::Object(a)), Some(Value::Object(b))) if nested(path) => {
            for (k, v) in b {
                diff_value(&format!("{path}.{k}"), a.get(k), Some(v), out);
            }
            for (k, v) in a {
                if !b.contains_key(k) {
                    diff_value(&format!("{path}.{k}"), Some(v), None, out);
                }
            }
            // Same variants in a new order: users move between variants.
            if ordered && a.len() == b.len() && b.keys().all(|k| a.contains_key(k)) {
                let order = |m: &serde_json::Map<String, Value>| {
                    Value::Array(m.keys().cloned().map(Value::String).collect())
                };
                if !a.keys().eq(b.keys()) {
                    out.push(FieldChange {
                        field: format!("{path} (order)"),
                        old: Some(order(a)),
                        new: Some(order(b)),
                    });
                }
            }
        }
        (a, b) => {
            if !same_field(if ordered { "variants" } else { "" }, a, b) {
                out.push(FieldChange {
                    field: path.to_string(),
                    old: a.cloned(),
                    new: b.cloned(),
                });
            }
        }
    }
}

/// Warnings for changes that move users between buckets or variants: a lowered
/// rollout, a new `salt` or `bucket_by`, changed or reordered variant weights. Checked
/// for the flag itself and for every environment override.
pub fn rebucket_warnings(key: &str, old: &RawFlag, new: &RawFlag) -> Vec<String> {
    let mut out = Vec::new();
    let mut scopes: Vec<Option<String>> = vec![None];
    if let Some(Value::Object(envs)) = new.get("environments") {
        scopes.extend(envs.keys().cloned().map(Some));
    }
    for env in scopes {
        let where_ = env.as_deref().map_or(String::new(), |e| format!(" in {e}"));
        let (o, n) = (
            Effective::of(key, old, env.as_deref()),
            Effective::of(key, new, env.as_deref()),
        );
        if n.rollout < o.rollout {
            out.push(format!(
                "rollout lowered from {}% to {}%{where_}: users in buckets {}-{} stop getting the flag",
                o.rollout,
                n.rollout,
                n.rollout + 1,
                o.rollout
            ));
        }
        // An environment inherits salt and bucket_by from the flag; report them once.
        if (env.is_none() || o.salt_local || n.salt_local) && o.salt != n.salt {
            out.push(format!(
                "salt changed from `{}` to `{}`{where_}: every user is bucketed anew",
                o.salt, n.salt
            ));
        }
        if (env.is_none() || o.bucket_local || n.bucket_local) && o.bucket_by != n.bucket_by {
            out.push(format!(
                "bucket_by changed from `{}` to `{}`{where_}: every user is bucketed anew",
                o.bucket_by, n.bucket_by
            ));
        }
        if (env.is_none() || o.variants_local || n.variants_local) && o.weights != n.weights {
            let names =
                |w: &[(String, Value)]| w.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
            let mut a = names(&o.weights);
            let mut b = names(&n.weights);
            let reordered = a != b && {
                a.sort();
                b.sort();
                a == b
            };
            if reordered && o.weights.iter().all(|x| n.weights.contains(x)) {
                out.push(format!(
                    "variants reordered{where_}: users move between variants"
                ));
            } else if !o.weights.is_empty() || !n.weights.is_empty() {
                out.push(format!(
                    "variant weights changed{where_}: users move between variants"
                ));
            }
        }
    }
    out
}

/// The bucketing inputs of a flag in one scope.
struct Effective {
    rollout: i64,
    salt: String,
    salt_local: bool,
    bucket_by: String,
    bucket_local: bool,
    /// `(variant name, weight)` in file order.
    weights: Vec<(String, Value)>,
    variants_local: bool,
}

impl Effective {
    fn of(key: &str, flag: &RawFlag, env: Option<&str>) -> Effective {
        let over = env.and_then(|e| match flag.get("environments") {
            Some(Value::Object(envs)) => envs.get(e),
            _ => None,
        });
        let field = |name: &str| -> (Option<&Value>, bool) {
            match over.and_then(|o| o.get(name)) {
                Some(v) => (Some(v), true),
                None => (flag.get(name), false),
            }
        };
        // The same defaults as the model's, and `50.0` is a rollout of 50 (validation
        // accepts a zero fraction): a flag as written, bucketed as evaluated.
        let rollout = field("rollout")
            .0
            .and_then(|v| {
                v.as_i64()
                    .or_else(|| v.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            })
            .unwrap_or(i64::from(DEFAULT_ROLLOUT));
        let text = |v: Option<&Value>, default: &str| match v {
            Some(Value::String(s)) => s.clone(),
            Some(v) if !v.is_null() => v.to_string(),
            _ => default.to_string(),
        };
        let (salt, salt_local) = field("salt");
        let (bucket_by, bucket_local) = field("bucket_by");
        let (variants, variants_local) = field("variants");
        let weights = match variants {
            Some(Value::Object(vs)) => vs
                .iter()
                .map(|(n, v)| (n.clone(), v.get("weight").cloned().unwrap_or(Value::Null)))
                .collect(),
            _ => Vec::new(),
        };
        Effective {
            rollout,
            salt: text(salt, key),
            salt_local,
            bucket_by: text(bucket_by, DEFAULT_BUCKET_BY),
            bucket_local,
            weights,
            variants_local,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const FILE: &str = "version: 1\nsettings:\n  service: x\nflags:\n  # a comment\n  a:\n    type: release\n    rollout: 50\n\n  \"b:c\":\n    type: release\n    description: |\n      text\n  d: { type: operational }\nsegments: {}\n";

    #[test]
    fn splits_block_flags_by_indentation() {
        let chunks = split_flags(FILE).expect("splits").chunks;
        let keys: Vec<&str> = chunks.iter().map(|c| &FILE[c.key.clone()]).collect();
        assert_eq!(keys, ["a", "\"b:c\"", "d"]);
        assert_eq!(
            &FILE[chunks[0].span.clone()],
            "  a:\n    type: release\n    rollout: 50\n\n"
        );
        assert_eq!(
            &FILE[chunks[2].span.clone()],
            "  d: { type: operational }\n"
        );
        let (key, flag) = parse_chunk(&FILE[chunks[1].span.clone()]).expect("parses");
        assert_eq!(key, "b:c");
        assert_eq!(flag.get("description"), Some(&json!("text\n")));
    }

    #[test]
    fn chunks_agree_with_a_full_parse() {
        let full = RawFile::parse(FILE).expect("parses");
        let chunks = split_flags(FILE).expect("splits").chunks;
        for (c, (key, flag)) in chunks.iter().zip(&full.flags) {
            let (k, f) = parse_chunk(&FILE[c.span.clone()]).expect("chunk");
            assert_eq!(&k, key);
            assert_eq!(&f, flag.as_ref());
        }
    }

    #[test]
    fn regions_split_like_the_whole_file() {
        let split = split_flags(FILE).expect("splits");
        let (first, last) = (&split.chunks[0], &split.chunks[2]);
        let region =
            split_region(FILE, first.span.start..last.span.end, split.indent).expect("region");
        assert_eq!(region, split.chunks);
        // A region starting inside a flag, or reaching a top-level key, is refused.
        assert!(split_region(FILE, first.span.start + 5..last.span.end, 2).is_none());
        assert!(split_region(FILE, first.span.start..FILE.len(), 2).is_none());
    }

    #[test]
    fn common_prefix_and_suffix() {
        let a = "x".repeat(1000) + "abc" + &"y".repeat(700);
        let b = "x".repeat(1000) + "aXXc" + &"y".repeat(700);
        assert_eq!(common_prefix(a.as_bytes(), b.as_bytes()), 1001);
        assert_eq!(common_suffix(a.as_bytes(), b.as_bytes()), 701);
        assert_eq!(common_prefix(b"ab", b"abc"), 2);
        assert_eq!(common_suffix(b"bc", b"abc"), 2);
    }

    #[test]
    fn refuses_what_it_cannot_split_safely() {
        assert!(split_flags("flags: {a: {}}\n").is_none());
        assert!(split_flags("flags:\n  - a\n").is_none());
        assert!(split_flags("flags:\n  a:\n    x: 1\nflags:\n  b: {}\n").is_none());
        assert!(split_flags("---\nflags:\n  a: {}\n").is_none());
        assert!(split_flags("flags:\n    a:\n      x: 1\n  b: {}\n").is_none());
        assert!(split_flags("version: 1\n").is_none());
    }

    #[test]
    fn field_changes_and_variant_order() {
        let old = RawFlag {
            fields: vec![
                ("rollout".into(), json!(50)),
                (
                    "variants".into(),
                    json!({"a": {"weight": 1}, "b": {"weight": 1}}),
                ),
                ("environments".into(), json!({"production": {"rollout": 5}})),
            ],
        };
        let new = RawFlag {
            fields: vec![
                ("rollout".into(), json!(10)),
                (
                    "variants".into(),
                    json!({"b": {"weight": 1}, "a": {"weight": 1}}),
                ),
                ("environments".into(), json!({"production": {"rollout": 1}})),
            ],
        };
        let fields: Vec<String> = diff_flag(&old, &new).into_iter().map(|c| c.field).collect();
        assert_eq!(
            fields,
            [
                "rollout",
                "variants (order)",
                "environments.production.rollout"
            ]
        );
        assert!(!old.same_evaluation(&new));
        let warnings = rebucket_warnings("k", &old, &new);
        assert_eq!(
            warnings,
            [
                "rollout lowered from 50% to 10%: users in buckets 11-50 stop getting the flag",
                "variants reordered: users move between variants",
                "rollout lowered from 5% to 1% in production: users in buckets 2-5 stop getting the flag",
            ]
        );
    }

    #[test]
    fn map_order_does_not_matter_outside_variants() {
        let a = RawFlag {
            fields: vec![("rules".into(), json!([{"when": {"x": 1, "y": 2}}]))],
        };
        let b = RawFlag {
            fields: vec![("rules".into(), json!([{"when": {"y": 2, "x": 1}}]))],
        };
        assert!(a.same_evaluation(&b));
        assert!(diff_flag(&a, &b).is_empty());
    }
}
