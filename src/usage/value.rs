//! Evaluated values as the accumulator keys them: a kind and a canonical text, so a
//! string value from a borrowed JSON line is looked up without allocating, and the
//! same value read from OTLP, Unleash, CSV or a summary lands on the same key.

use serde_json::Value;

/// What kind of value an evaluation returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Kind {
    /// No value recorded (only a variant, or nothing).
    None,
    /// A string; the text is the string itself.
    Str,
    /// `true` or `false`.
    Bool,
    /// An integer, in canonical decimal.
    Int,
    /// A floating-point number, in Rust's shortest round-trip form.
    Double,
    /// An array or object, as compact JSON.
    Json,
    /// Values past the per-flag limit, folded together.
    Other,
}

/// A borrowed value on its way into the accumulator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Val<'a> {
    /// No value recorded.
    None,
    /// A string.
    Str(&'a str),
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Double(f64),
    /// Compact JSON text of an array or object.
    Json(&'a str),
}

impl<'a> Val<'a> {
    /// The value of a kind and canonical text (the inverse of [`Val::key`]).
    pub(crate) fn from_key(kind: Kind, text: &'a str) -> Val<'a> {
        match kind {
            Kind::None | Kind::Other => Val::None,
            Kind::Str => Val::Str(text),
            Kind::Bool => Val::Bool(text == "true"),
            Kind::Int => text.parse().map_or(Val::Json(text), Val::Int),
            Kind::Double => text.parse().map_or(Val::Json(text), Val::Double),
            Kind::Json => Val::Json(text),
        }
    }

    /// The kind and canonical text. Text that must be formatted goes to `scratch`.
    pub(crate) fn key<'s>(&'s self, scratch: &'s mut String) -> (Kind, &'s str) {
        use std::fmt::Write;
        match self {
            Val::None => (Kind::None, ""),
            Val::Str(s) => (Kind::Str, s),
            Val::Bool(true) => (Kind::Bool, "true"),
            Val::Bool(false) => (Kind::Bool, "false"),
            Val::Int(i) => {
                scratch.clear();
                let _ = write!(scratch, "{i}");
                (Kind::Int, scratch.as_str())
            }
            Val::Double(f) => {
                scratch.clear();
                let _ = write!(scratch, "{f}");
                (Kind::Double, scratch.as_str())
            }
            Val::Json(s) => (Kind::Json, s),
        }
    }
}

/// The JSON value of an accumulator key (`None` for [`Kind::None`] and [`Kind::Other`]).
pub(crate) fn to_json(kind: Kind, text: &str) -> Option<Value> {
    match kind {
        Kind::None | Kind::Other => None,
        Kind::Str => Some(Value::String(text.to_string())),
        Kind::Bool => Some(Value::Bool(text == "true")),
        Kind::Int => text.parse::<i64>().ok().map(Value::from),
        Kind::Double => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            // Non-finite doubles have no JSON number; keep them readable.
            .or_else(|| Some(Value::String(text.to_string()))),
        Kind::Json => serde_json::from_str(text).ok(),
    }
}

/// An owned value taken apart for the accumulator: the inverse of [`to_json`].
pub(crate) fn from_json(value: Option<&Value>) -> (Kind, String) {
    match value {
        None | Some(Value::Null) => (Kind::None, String::new()),
        Some(Value::String(s)) => (Kind::Str, s.clone()),
        Some(Value::Bool(b)) => (Kind::Bool, b.to_string()),
        Some(Value::Number(n)) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => (Kind::Int, i.to_string()),
            (None, Some(f)) if n.is_f64() => (Kind::Double, f.to_string()),
            // u64 beyond i64: keep the digits; they are only ever shown.
            _ => (Kind::Json, n.to_string()),
        },
        Some(other) => (Kind::Json, other.to_string()),
    }
}

/// A value typed in a CSV cell: JSON when it parses as JSON (`true`, `300`, `"x"`,
/// `[1]`), otherwise the text as a string (`v2`).
pub(crate) fn from_cell(text: &str) -> Option<Value> {
    if text.is_empty() {
        return None;
    }
    Some(serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string())))
}

/// The text a CSV cell shows for a value: strings bare when reading them back gives
/// the same string, otherwise JSON.
pub(crate) fn to_cell(value: &Value) -> String {
    match value {
        Value::String(s) if from_cell(s).as_ref() == Some(value) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_values_round_trip_through_keys() {
        for v in [
            json!("v2"),
            json!(true),
            json!(300),
            json!(-7),
            json!(0.5),
            json!([1, "a"]),
            json!({"a": 1}),
        ] {
            let (kind, text) = from_json(Some(&v));
            assert_eq!(to_json(kind, &text), Some(v.clone()), "{v}");
        }
        assert_eq!(from_json(None).0, Kind::None);
    }

    #[test]
    fn borrowed_values_key_like_owned_ones() {
        let mut scratch = String::new();
        assert_eq!(Val::Int(300).key(&mut scratch), (Kind::Int, "300"));
        let (k, t) = from_json(Some(&json!(300)));
        assert_eq!((k, t.as_str()), (Kind::Int, "300"));
        let mut scratch = String::new();
        let (k, t) = Val::Double(0.5).key(&mut scratch);
        assert_eq!(to_json(k, t), Some(json!(0.5)));
    }

    #[test]
    fn cells_are_json_when_they_parse_and_strings_otherwise() {
        assert_eq!(from_cell("true"), Some(json!(true)));
        assert_eq!(from_cell("300"), Some(json!(300)));
        assert_eq!(from_cell("v2"), Some(json!("v2")));
        assert_eq!(from_cell(""), None);
        for v in [
            json!("v2"),
            json!("true"),
            json!(true),
            json!(300),
            json!(""),
        ] {
            assert_eq!(from_cell(&to_cell(&v)).unwrap_or(json!("")), v, "{v}");
        }
    }
}
