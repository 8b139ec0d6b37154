//! Small text helpers shared by messages and renderers, so every sentence counts and
//! shows values the same way.

use serde_json::Value;
use std::fmt::Display;

/// `1 flag`, `2 flags`: `n` and `word`, with an `s` unless `n` is one.
pub fn plural<N: Display + PartialEq + From<u8>>(n: N, word: &str) -> String {
    let s = if n == N::from(1) { "" } else { "s" };
    format!("{n} {word}{s}")
}

/// A served value as people read it: strings bare, everything else as compact JSON.
pub fn value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A value on one line of at most `max` characters (newlines escaped, the rest cut
/// with `…`), for diff and history listings.
pub fn short_value(v: &Value, max: usize) -> String {
    let s = value(v).replace('\n', "\\n");
    if s.chars().count() > max {
        let kept: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{kept}…")
    } else {
        s
    }
}

/// Serializes a value by its `Display` text (for enums whose JSON is a sentence
/// fragment, such as a flag state `partial 10%`).
pub fn serialize_display<T: Display, S: serde::Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_and_values() {
        assert_eq!(plural(1usize, "flag"), "1 flag");
        assert_eq!(plural(0i64, "day"), "0 days");
        assert_eq!(value(&Value::from("a")), "a");
        assert_eq!(value(&serde_json::json!({"a": 1})), r#"{"a":1}"#);
        assert_eq!(short_value(&Value::from("abcdef"), 4), "abc…");
    }
}
