//! Results as JSON text, written by hand into a reused buffer: the batch path writes
//! millions of these, and the field order is part of the contract (`docs/evaluation.md`).

use super::{EvalResult, Step};
use serde::Serialize;

/// Appends `v` as compact JSON. Serializing strings and `serde_json::Value`s into a
/// `Vec` cannot fail; should it ever, `null` keeps the line valid JSON.
fn json<T: Serialize + ?Sized>(buf: &mut Vec<u8>, v: &T) {
    let mark = buf.len();
    if serde_json::to_writer(&mut *buf, v).is_err() {
        buf.truncate(mark);
        buf.extend_from_slice(b"null");
    }
}

fn opt_str(buf: &mut Vec<u8>, v: Option<&str>) {
    match v {
        Some(s) => json(buf, s),
        None => buf.extend_from_slice(b"null"),
    }
}

/// Appends one result as a JSON object: `line` (batch only), then exactly `flag`,
/// `value`, `variant`, `reason`, `rule`, `bucket`, `error_code`, then `explain` when
/// a trace is given. No trailing newline.
pub fn write_result(
    buf: &mut Vec<u8>,
    r: &EvalResult,
    line: Option<u64>,
    explain: Option<&[Step]>,
) {
    buf.push(b'{');
    if let Some(line) = line {
        buf.extend_from_slice(b"\"line\":");
        buf.extend_from_slice(itoa::Buffer::new().format(line).as_bytes());
        buf.push(b',');
    }
    buf.extend_from_slice(b"\"flag\":");
    json(buf, r.flag);
    buf.extend_from_slice(b",\"value\":");
    json(buf, r.value);
    buf.extend_from_slice(b",\"variant\":");
    opt_str(buf, r.variant);
    buf.extend_from_slice(b",\"reason\":\"");
    buf.extend_from_slice(r.reason.as_str().as_bytes());
    buf.extend_from_slice(b"\",\"rule\":");
    opt_str(buf, r.rule);
    buf.extend_from_slice(b",\"bucket\":");
    match r.bucket {
        Some(b) => buf.extend_from_slice(itoa::Buffer::new().format(b).as_bytes()),
        None => buf.extend_from_slice(b"null"),
    }
    buf.extend_from_slice(b",\"error_code\":");
    match r.error_code {
        Some(code) => {
            buf.push(b'"');
            buf.extend_from_slice(code.as_str().as_bytes());
            buf.push(b'"');
        }
        None => buf.extend_from_slice(b"null"),
    }
    if let Some(steps) = explain {
        buf.extend_from_slice(b",\"explain\":");
        let texts: Vec<&str> = steps.iter().map(|s| s.text.as_str()).collect();
        json(buf, &texts);
    }
    buf.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{ErrorCode, Reason};
    use serde_json::json;

    #[test]
    fn field_order_and_nulls() {
        let value = json!({"a": [1, "x\"y"]});
        let r = EvalResult {
            flag: "f\u{e9}",
            value: &value,
            variant: Some("v"),
            reason: Reason::Error,
            rule: None,
            bucket: Some(7),
            error_code: Some(ErrorCode::TargetingKeyMissing),
            step: 4,
        };
        let mut buf = Vec::new();
        write_result(&mut buf, &r, Some(12), None);
        assert_eq!(
            String::from_utf8(buf).expect("utf8"),
            r#"{"line":12,"flag":"fé","value":{"a":[1,"x\"y"]},"variant":"v","reason":"ERROR","rule":null,"bucket":7,"error_code":"TARGETING_KEY_MISSING"}"#
        );
        // The derived Serialize gives the same fields (used by `--format json`).
        let via_serde = serde_json::to_value(r).expect("json");
        let mut buf = Vec::new();
        write_result(&mut buf, &r, None, None);
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&buf).expect("json"),
            via_serde
        );
    }
}
