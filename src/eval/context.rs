//! Contexts: the attribute maps flags are evaluated against, how
//! attributes are looked up, how `--context key=value` is read, and the named contexts
//! file (`fixtures/contexts.yaml`). Decoding works on text; reading files is the
//! commands' job.

use crate::diag::{Code, Diagnostic, Pos};
use crate::model::decode::{Decoder, valid_key};
use crate::model::yaml::{self, Kind};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// A context: attribute name to JSON value.
pub type Context = Map<String, Value>;

/// Anything a context's top-level attributes can be looked up in: a [`Context`], or
/// the leaner per-line structure of batch evaluation.
pub trait Attributes {
    /// The top-level attribute `key`, if present.
    fn attr(&self, key: &str) -> Option<&Value>;
}

impl Attributes for Context {
    fn attr(&self, key: &str) -> Option<&Value> {
        self.get(key)
    }
}

/// The attribute at a dotted `path` (already split), reaching into nested objects; a
/// context may also hold the dotted name as one literal key. JSON `null` counts as
/// missing.
pub fn lookup<'c, C: Attributes + ?Sized>(
    ctx: &'c C,
    path: &[String],
    attribute: &str,
) -> Option<&'c Value> {
    let found = match path {
        [one] => ctx.attr(one),
        [first, rest @ ..] => ctx
            .attr(first)
            .and_then(|top| rest.iter().try_fold(top, |v, key| v.as_object()?.get(key)))
            .or_else(|| ctx.attr(attribute)),
        [] => None,
    };
    found.filter(|v| !v.is_null())
}

/// The bucketing attribute rendered as the string that is hashed: strings as they
/// are, integers in decimal, booleans as `true`/`false`, whole floats as integers
/// (as JavaScript's `String(1.0)` gives `1`). A list or an object is no bucketing key
/// (`None`): the SDKs refuse it rather than hash its JSON text.
pub fn bucket_text(v: &Value) -> Option<Cow<'_, str>> {
    Some(match v {
        Value::String(s) => Cow::Borrowed(s.as_str()),
        Value::Bool(true) => Cow::Borrowed("true"),
        Value::Bool(false) => Cow::Borrowed("false"),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Cow::Owned(itoa::Buffer::new().format(i).to_string())
            } else if let Some(u) = n.as_u64() {
                Cow::Owned(itoa::Buffer::new().format(u).to_string())
            } else {
                match n.as_f64() {
                    Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                        Cow::Owned((f as i64).to_string())
                    }
                    _ => Cow::Owned(n.to_string()),
                }
            }
        }
        Value::Array(_) | Value::Object(_) | Value::Null => return None,
    })
}

/// A `--context` value: numbers and booleans become those, anything else a string.
pub fn parse_cli_value(text: &str) -> Value {
    match text {
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        _ => {}
    }
    if let Ok(i) = text.parse::<i64>() {
        return Value::from(i);
    }
    // Only plain decimal notation: `1e3`, `inf` and `NaN` stay strings.
    let numeric = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+'));
    if numeric {
        if let Some(n) = text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
        {
            return Value::Number(n);
        }
    }
    Value::String(text.to_string())
}

/// Sets `key` (dots reach into nested objects, created as needed) to `value`.
pub fn set_path(ctx: &mut Context, key: &str, value: Value) {
    let mut parts = key.split('.').peekable();
    let mut map = ctx;
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            map.insert(part.to_string(), value);
            return;
        }
        let entry = map
            .entry(part.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        let Value::Object(next) = entry else {
            return; // unreachable: just made it an object
        };
        map = next;
    }
}

/// The named contexts of a contexts file, in file order.
#[derive(Debug, Clone, Default)]
pub struct NamedContexts {
    /// `(name, position of the name, attributes)`.
    pub entries: Vec<(String, Pos, Context)>,
}

impl NamedContexts {
    /// The context called `name`.
    pub fn get(&self, name: &str) -> Option<&Context> {
        self.entries
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, _, c)| c)
    }

    /// Every name, for "did you mean".
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(n, _, _)| n.as_str())
    }
}

/// Decodes a contexts file:
///
/// ```yaml
/// contexts:
///   enterprise-admin: { userId: u-2001, plan: enterprise }
/// ```
///
/// Every problem is returned as a diagnostic against `file`.
pub fn decode_contexts(file: &str, text: &str) -> (NamedContexts, Vec<Diagnostic>) {
    let mut dec = Decoder::new(file);
    let mut out = NamedContexts::default();
    let root = match yaml::parse(text) {
        Ok(root) => root,
        Err(e) => {
            dec.error(e.pos, e.code, e.message);
            return (out, dec.diagnostics);
        }
    };
    for (_, _, value) in dec.fields(&root, &"the contexts file", &[&["contexts"]]) {
        let Some(entries) = dec.map(value, &"`contexts`") else {
            continue;
        };
        for (key, attrs) in entries {
            let name = key.scalar_text().unwrap_or_default();
            if !valid_key(&name) {
                dec.error(
                    key.span(),
                    Code::InvalidKey,
                    format!("context name `{name}` must be letters, digits, `.`, `_`, `:` or `-`"),
                );
                continue;
            }
            if let Some((_, first, _)) = out.entries.iter().find(|(n, _, _)| *n == name) {
                dec.error(
                    key.span(),
                    Code::DuplicateKey,
                    format!(
                        "context `{name}` is defined twice (first on line {}); rename or remove one",
                        first.line
                    ),
                );
                continue;
            }
            match &attrs.kind {
                Kind::Map(_) | Kind::Null => {
                    let ctx = match attrs.to_json() {
                        Value::Object(m) => m,
                        _ => Map::new(),
                    };
                    out.entries.push((name, key.pos, ctx));
                }
                _ => dec.wrong_type(
                    attrs,
                    &format!("context `{name}`"),
                    "a mapping of attributes such as `{ userId: u-1, plan: free }`",
                ),
            }
        }
    }
    (out, dec.diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx(v: Value) -> Context {
        match v {
            Value::Object(m) => m,
            _ => panic!("not an object"),
        }
    }

    fn path(p: &str) -> Vec<String> {
        p.split('.').map(str::to_string).collect()
    }

    #[test]
    fn dotted_lookup() {
        let c = ctx(json!({"user": {"plan": "pro"}, "a.b": 1, "n": null}));
        assert_eq!(
            lookup(&c, &path("user.plan"), "user.plan"),
            Some(&json!("pro"))
        );
        assert_eq!(lookup(&c, &path("a.b"), "a.b"), Some(&json!(1)));
        assert_eq!(lookup(&c, &path("user.x"), "user.x"), None);
        assert_eq!(lookup(&c, &path("n"), "n"), None);
    }

    #[test]
    fn bucket_text_renders_scalars() {
        assert_eq!(bucket_text(&json!("u-1")).as_deref(), Some("u-1"));
        assert_eq!(bucket_text(&json!(123)).as_deref(), Some("123"));
        assert_eq!(bucket_text(&json!(-5)).as_deref(), Some("-5"));
        assert_eq!(bucket_text(&json!(12.0)).as_deref(), Some("12"));
        assert_eq!(bucket_text(&json!(1.5)).as_deref(), Some("1.5"));
        assert_eq!(bucket_text(&json!(true)).as_deref(), Some("true"));
        assert_eq!(
            bucket_text(&json!(["u-1", "u-2"])),
            None,
            "a list is no bucketing key"
        );
    }

    #[test]
    fn cli_values_and_paths() {
        assert_eq!(parse_cli_value("123"), json!(123));
        assert_eq!(parse_cli_value("1.5"), json!(1.5));
        assert_eq!(parse_cli_value("true"), json!(true));
        assert_eq!(parse_cli_value("5.2.0"), json!("5.2.0"));
        assert_eq!(parse_cli_value("1e3"), json!("1e3"));
        assert_eq!(parse_cli_value(""), json!(""));
        let mut c = Context::new();
        set_path(&mut c, "account.plan", json!("pro"));
        set_path(&mut c, "account.seats", json!(3));
        set_path(&mut c, "userId", json!("u"));
        assert_eq!(
            Value::Object(c),
            json!({"account": {"plan": "pro", "seats": 3}, "userId": "u"})
        );
    }

    #[test]
    fn contexts_file() {
        let (named, diags) = decode_contexts(
            "c.yaml",
            "contexts:\n  admin: { userId: u-1, plan: enterprise }\n  empty:\n  bad: 3\n  admin: {}\n",
        );
        assert_eq!(named.names().collect::<Vec<_>>(), ["admin", "empty"]);
        assert_eq!(named.get("admin").map(|c| c.len()), Some(2));
        let codes: Vec<_> = diags.iter().map(|d| (d.line, d.code)).collect();
        assert_eq!(codes, [(4, Code::InvalidType), (5, Code::DuplicateKey)]);
        let (_, diags) = decode_contexts("c.yaml", "contxts: {}\n");
        assert!(
            diags[0].message.contains("did you mean `contexts`"),
            "{diags:?}"
        );
    }
}
