//! Writing flags.yaml text: block style for structure, plain scalars where YAML reads
//! them back as the same string, JSON (valid YAML flow) for everything else.

use serde_json::Value;

/// A string as a YAML scalar that reads back as exactly this string.
pub fn string(s: &str) -> String {
    if is_plain(s) {
        s.to_string()
    } else {
        // A JSON string is a YAML double-quoted scalar with the same escapes.
        serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
    }
}

/// A value as a YAML scalar or flow collection.
pub fn value(v: &Value) -> String {
    match v {
        Value::String(s) => string(s),
        other => other.to_string(),
    }
}

/// A flow list of strings: `[a, "b c"]`.
pub fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let parts: Vec<String> = items.into_iter().map(string).collect();
    format!("[{}]", parts.join(", "))
}

/// Whether `s` can be written without quotes and read back as the same string (and
/// not as a number, boolean, null, date or YAML syntax).
fn is_plain(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let keyword = matches!(
        s.to_ascii_lowercase().as_str(),
        "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "~"
    );
    let numeric = s.parse::<f64>().is_ok()
        || s.starts_with(|c: char| c.is_ascii_digit())
        || s.starts_with(['+', '-', '.']);
    (first.is_ascii_alphabetic() || first == '_' || first == '/')
        && !keyword
        && !numeric
        && !s.ends_with([' ', ':'])
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || " _./@:-".contains(c))
        && !s.contains(": ")
        && !s.contains(" #")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_read_back_as_written() {
        assert_eq!(string("checkout-v2"), "checkout-v2");
        assert_eq!(string("/search/advanced"), "/search/advanced");
        assert_eq!(string("true"), "\"true\"");
        assert_eq!(string("123"), "\"123\"");
        assert_eq!(string("2026-01-01"), "\"2026-01-01\"");
        assert_eq!(string("a: b"), "\"a: b\"");
        assert_eq!(string(""), "\"\"");
        assert_eq!(string("@x"), "\"@x\"");
        assert_eq!(string("ünï"), "\"ünï\"");
        assert_eq!(value(&json!({"a": [1, true]})), "{\"a\":[1,true]}");
        assert_eq!(list(["a", "b c", "No"]), "[a, b c, \"No\"]");
    }
}
