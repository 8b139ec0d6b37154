//! OTLP JSON (the protobuf JSON mapping, as the OpenTelemetry Collector's file exporter
//! writes it): flag evaluations are log records whose event name is
//! `feature_flag.evaluation` (current semantic conventions, `feature_flag.result.*`
//! attributes) or `feature_flag` (older ones), and span events named `feature_flag`
//! (`feature_flag.variant`, `feature_flag.provider_name`). The event name is the log
//! record's `eventName` field in current OTLP, an `event.name` attribute before it.
//!
//! Lines are deserialized borrowing from the input: strings without escapes are not
//! copied, attribute values are kept as raw JSON and decoded only for the few keys
//! read, and every other field is skipped unparsed.

use super::acc::{Acc, Obs};
use super::lines::LineParser;
use super::time::Nanos;
use super::value::Val;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// The current event name of a flag evaluation log record.
pub(crate) const EVENT_EVALUATION: &str = "feature_flag.evaluation";
/// The older event name (log records and span events).
pub(crate) const EVENT_FEATURE_FLAG: &str = "feature_flag";

#[derive(Deserialize)]
struct Request<'a> {
    #[serde(rename = "resourceLogs", default, borrow)]
    resource_logs: Vec<ResourceLogs<'a>>,
    #[serde(rename = "resourceSpans", default, borrow)]
    resource_spans: Vec<ResourceSpans<'a>>,
}

#[derive(Deserialize)]
struct Resource<'a> {
    #[serde(default, borrow)]
    attributes: Vec<KeyValue<'a>>,
}

#[derive(Deserialize)]
struct ResourceLogs<'a> {
    #[serde(default, borrow)]
    resource: Option<Resource<'a>>,
    #[serde(rename = "scopeLogs", default, borrow)]
    scope_logs: Vec<ScopeLogs<'a>>,
}

#[derive(Deserialize)]
struct ScopeLogs<'a> {
    #[serde(rename = "logRecords", default, borrow)]
    log_records: Vec<LogRecord<'a>>,
}

#[derive(Deserialize)]
struct LogRecord<'a> {
    #[serde(rename = "timeUnixNano", default)]
    time: Stamp,
    #[serde(rename = "observedTimeUnixNano", default)]
    observed: Stamp,
    #[serde(rename = "eventName", default, borrow)]
    event_name: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    attributes: Vec<KeyValue<'a>>,
    #[serde(default, borrow)]
    body: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct ResourceSpans<'a> {
    #[serde(default, borrow)]
    resource: Option<Resource<'a>>,
    #[serde(rename = "scopeSpans", default, borrow)]
    scope_spans: Vec<ScopeSpans<'a>>,
}

#[derive(Deserialize)]
struct ScopeSpans<'a> {
    #[serde(default, borrow)]
    spans: Vec<SpanRecord<'a>>,
}

#[derive(Deserialize)]
struct SpanRecord<'a> {
    #[serde(rename = "startTimeUnixNano", default)]
    start: Stamp,
    #[serde(default, borrow)]
    events: Vec<SpanEvent<'a>>,
}

#[derive(Deserialize)]
struct SpanEvent<'a> {
    #[serde(rename = "timeUnixNano", default)]
    time: Stamp,
    #[serde(default, borrow)]
    name: Cow<'a, str>,
    #[serde(default, borrow)]
    attributes: Vec<KeyValue<'a>>,
}

#[derive(Deserialize)]
struct KeyValue<'a> {
    #[serde(borrow)]
    key: Cow<'a, str>,
    #[serde(default, borrow)]
    value: Option<&'a RawValue>,
}

/// An `AnyValue`, decoded only for the attributes flagctl reads.
#[derive(Deserialize, Default)]
struct AnyValue<'a> {
    #[serde(rename = "stringValue", default, borrow)]
    string: Option<Cow<'a, str>>,
    #[serde(rename = "boolValue", default)]
    boolean: Option<bool>,
    #[serde(rename = "intValue", default)]
    int: Option<Stamp>,
    #[serde(rename = "doubleValue", default)]
    double: Option<f64>,
    #[serde(rename = "arrayValue", default, borrow)]
    array: Option<&'a RawValue>,
    #[serde(rename = "kvlistValue", default, borrow)]
    kvlist: Option<&'a RawValue>,
}

/// A `fixed64`/`int64` field: the JSON mapping writes it as a string of digits, and
/// some producers as a plain number; both are accepted. Zero means "not set".
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Stamp(i128);

impl<'de> Deserialize<'de> for Stamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Stamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a string of digits")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Stamp, E> {
                Ok(Stamp(i128::from(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Stamp, E> {
                Ok(Stamp(i128::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Stamp, E> {
                // Some encoders print large integers in exponent form.
                if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e30 {
                    Ok(Stamp(v as i128))
                } else {
                    Err(E::custom("not an integer"))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Stamp, E> {
                let digits = v.strip_prefix('-').unwrap_or(v);
                let ok = !digits.is_empty()
                    && digits.len() <= 38
                    && digits.bytes().all(|b| b.is_ascii_digit());
                match v.parse::<i128>() {
                    Ok(n) if ok => Ok(Stamp(n)),
                    _ => Err(E::custom(format!("`{v}` is not an integer"))),
                }
            }
            fn visit_unit<E: de::Error>(self) -> Result<Stamp, E> {
                Ok(Stamp(0))
            }
        }
        d.deserialize_any(V)
    }
}

impl Stamp {
    /// The instant, when set and representable.
    fn nanos(self) -> Option<Nanos> {
        if self.0 == 0 {
            None
        } else {
            Nanos::try_from(self.0).ok()
        }
    }
}

/// The attributes of one flag evaluation record, in either generation.
#[derive(Default)]
struct Attrs<'a> {
    event_name: Option<Cow<'a, str>>,
    key: Option<Cow<'a, str>>,
    variant: Option<Cow<'a, str>>,
    value: Option<&'a RawValue>,
    error: bool,
}

impl<'a> Attrs<'a> {
    fn read(attributes: &[KeyValue<'a>]) -> Result<Self, String> {
        let mut a = Attrs::default();
        for kv in attributes {
            let Some(raw) = kv.value else { continue };
            match &*kv.key {
                "event.name" => a.event_name = string(raw)?,
                "feature_flag.key" => a.key = string(raw)?,
                "feature_flag.result.variant" => a.variant = string(raw)?,
                "feature_flag.variant" if a.variant.is_none() => a.variant = string(raw)?,
                "feature_flag.result.value" => a.value = Some(raw),
                "error.type" => a.error = true,
                "feature_flag.result.reason" | "feature_flag.evaluation.reason" => {
                    a.error |= string(raw)?.is_some_and(|r| r.eq_ignore_ascii_case("error"));
                }
                _ => {}
            }
        }
        Ok(a)
    }
}

/// The string of a `{"stringValue": ...}` (other kinds are rendered as text).
fn string<'a>(raw: &'a RawValue) -> Result<Option<Cow<'a, str>>, String> {
    let v: AnyValue<'a> = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
    Ok(match v {
        AnyValue {
            string: Some(s), ..
        } => Some(s),
        AnyValue {
            int: Some(Stamp(i)),
            ..
        } => Some(Cow::Owned(i.to_string())),
        AnyValue {
            boolean: Some(b), ..
        } => Some(Cow::Borrowed(if b { "true" } else { "false" })),
        _ => None,
    })
}

/// A decoded `AnyValue` as an owned JSON value (arrays and maps included).
fn json_of(v: &AnyValue<'_>) -> Result<serde_json::Value, String> {
    use serde_json::Value;
    Ok(if let Some(s) = &v.string {
        Value::String(s.to_string())
    } else if let Some(b) = v.boolean {
        Value::Bool(b)
    } else if let Some(Stamp(i)) = v.int {
        i64::try_from(i).map_or(Value::Null, Value::from)
    } else if let Some(f) = v.double {
        serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
    } else if let Some(raw) = v.array {
        #[derive(Deserialize)]
        struct Array<'a> {
            #[serde(default, borrow)]
            values: Vec<AnyValue<'a>>,
        }
        let a: Array<'_> = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
        Value::Array(a.values.iter().map(json_of).collect::<Result<_, _>>()?)
    } else if let Some(raw) = v.kvlist {
        Value::Object(kvlist(raw)?.into_iter().collect())
    } else {
        Value::Null
    })
}

/// A `kvlistValue`: `{"values": [...]}` per the mapping, or a bare list of pairs as
/// some examples write it.
fn kvlist(raw: &RawValue) -> Result<Vec<(String, serde_json::Value)>, String> {
    #[derive(Deserialize)]
    struct List<'a> {
        #[serde(default, borrow)]
        values: Vec<KeyValue<'a>>,
    }
    let pairs: Vec<KeyValue<'_>> = if raw.get().trim_start().starts_with('[') {
        serde_json::from_str(raw.get()).map_err(|e| e.to_string())?
    } else {
        serde_json::from_str::<List<'_>>(raw.get())
            .map_err(|e| e.to_string())?
            .values
    };
    pairs
        .iter()
        .map(|kv| {
            let v = match kv.value {
                Some(raw) => {
                    let any: AnyValue<'_> =
                        serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
                    json_of(&any)?
                }
                None => serde_json::Value::Null,
            };
            Ok((kv.key.to_string(), v))
        })
        .collect()
}

/// A value to count, borrowing when it is a plain string, with `holder` owning any
/// text built for it.
fn value_of<'v>(raw: Option<&'v RawValue>, holder: &'v mut String) -> Result<Val<'v>, String> {
    let Some(raw) = raw else { return Ok(Val::None) };
    let any: AnyValue<'v> = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
    if let Some(Cow::Borrowed(s)) = any.string {
        return Ok(Val::Str(s));
    }
    let json = json_of(&any)?;
    Ok(val_of_json(json, holder))
}

/// A decoded JSON value as a value to count.
fn val_of_json(json: serde_json::Value, holder: &mut String) -> Val<'_> {
    use serde_json::Value;
    match json {
        Value::Null => Val::None,
        Value::Bool(b) => Val::Bool(b),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Val::Int(i),
            (None, Some(f)) => Val::Double(f),
            _ => {
                *holder = n.to_string();
                Val::Json(holder)
            }
        },
        Value::String(s) => {
            *holder = s;
            Val::Str(holder)
        }
        other => {
            *holder = other.to_string();
            Val::Json(holder)
        }
    }
}

/// The value in the body of an evaluation event, for the semantic conventions that
/// carried it there (`{"kvlistValue": {"values": [{"key": "value", ...}]}}`).
fn body_value(body: &RawValue) -> Result<Option<serde_json::Value>, String> {
    let any: AnyValue<'_> = serde_json::from_str(body.get()).map_err(|e| e.to_string())?;
    let Some(raw) = any.kvlist else {
        return Ok(None);
    };
    Ok(kvlist(raw)?
        .into_iter()
        .find(|(k, v)| k == "value" && !v.is_null())
        .map(|(_, v)| v))
}

/// The service name among resource attributes.
fn service<'a>(resource: &'a Option<Resource<'a>>) -> Result<Option<Cow<'a, str>>, String> {
    let Some(r) = resource else { return Ok(None) };
    for kv in &r.attributes {
        if kv.key == "service.name" {
            if let Some(raw) = kv.value {
                return string(raw);
            }
        }
    }
    Ok(None)
}

/// How a record was recognised as a flag evaluation.
#[derive(Clone, Copy)]
enum Shape {
    LogEventName,
    LogEventAttribute,
    LogUnnamed,
    SpanEvent,
}

/// One flag evaluation found in a line, ready to count.
struct Found<'a> {
    attrs: Attrs<'a>,
    body: Option<&'a RawValue>,
    time: Option<Nanos>,
    service: Option<usize>,
    shape: Shape,
}

/// The OTLP JSON line parser.
pub(crate) struct Otlp;

impl LineParser for Otlp {
    fn line(&self, line: &[u8], acc: &mut Acc) -> Result<(), String> {
        // Most lines of a general log export carry no flag evaluation at all: skip them
        // without parsing (they still had to be valid to count, but a line that cannot
        // mention a flag cannot contribute one).
        if memchr::memmem::find(line, b"feature_flag").is_none() {
            return Ok(());
        }
        // One UTF-8 check of the whole line is cheaper than one per string.
        let text = std::str::from_utf8(line).map_err(|e| format!("not UTF-8: {e}"))?;
        let req: Request<'_> = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut services: Vec<Option<Cow<'_, str>>> = Vec::new();
        let mut found: Vec<Found<'_>> = Vec::new();
        for rl in &req.resource_logs {
            let svc = push_service(&mut services, &rl.resource)?;
            for sl in &rl.scope_logs {
                for rec in &sl.log_records {
                    log_record(rec, svc, &mut found)?;
                }
            }
        }
        for rs in &req.resource_spans {
            let svc = push_service(&mut services, &rs.resource)?;
            for ss in &rs.scope_spans {
                for span in &ss.spans {
                    for ev in &span.events {
                        span_event(ev, span.start, svc, &mut found)?;
                    }
                }
            }
        }
        count(&found, &services, acc)
    }
}

fn push_service<'a>(
    services: &mut Vec<Option<Cow<'a, str>>>,
    resource: &'a Option<Resource<'a>>,
) -> Result<Option<usize>, String> {
    services.push(service(resource)?);
    Ok(Some(services.len() - 1))
}

fn log_record<'a>(
    rec: &'a LogRecord<'a>,
    service: Option<usize>,
    found: &mut Vec<Found<'a>>,
) -> Result<(), String> {
    let attrs = Attrs::read(&rec.attributes)?;
    let named = rec.event_name.as_deref().filter(|n| !n.is_empty());
    let (name, shape) = match (named, &attrs.event_name) {
        (Some(n), _) => (Some(n), Shape::LogEventName),
        (None, Some(n)) => (Some(&**n), Shape::LogEventAttribute),
        (None, None) => (None, Shape::LogUnnamed),
    };
    let is_flag = match name {
        Some(n) => n == EVENT_EVALUATION || n == EVENT_FEATURE_FLAG,
        None => attrs.key.is_some(),
    };
    if is_flag {
        let time = rec.time.nanos().or_else(|| rec.observed.nanos());
        found.push(Found {
            body: rec.body,
            attrs,
            time,
            service,
            shape,
        });
    }
    Ok(())
}

fn span_event<'a>(
    ev: &'a SpanEvent<'a>,
    span_start: Stamp,
    service: Option<usize>,
    found: &mut Vec<Found<'a>>,
) -> Result<(), String> {
    if ev.name != EVENT_FEATURE_FLAG && ev.name != EVENT_EVALUATION {
        return Ok(());
    }
    found.push(Found {
        attrs: Attrs::read(&ev.attributes)?,
        body: None,
        time: ev.time.nanos().or_else(|| span_start.nanos()),
        service,
        shape: Shape::SpanEvent,
    });
    Ok(())
}

/// Counts what a line held. Values are decoded first, so a line with a bad value
/// adds nothing (it is skipped whole).
fn count(
    found: &[Found<'_>],
    services: &[Option<Cow<'_, str>>],
    acc: &mut Acc,
) -> Result<(), String> {
    let mut holders: Vec<String> = vec![String::new(); found.len()];
    let mut ready = Vec::with_capacity(found.len());
    for (f, holder) in found.iter().zip(holders.iter_mut()) {
        let value = match (f.attrs.value, f.body) {
            (None, Some(body)) => match body_value(body)? {
                Some(json) => val_of_json(json, holder),
                None => Val::None,
            },
            (raw, _) => value_of(raw, holder)?,
        };
        ready.push(value);
    }
    for (f, value) in found.iter().zip(ready) {
        let (Some(key), Some(t)) = (f.attrs.key.as_deref(), f.time) else {
            acc.stats.incomplete += 1;
            continue;
        };
        let service = f
            .service
            .and_then(|i| services.get(i))
            .and_then(|s| s.as_deref());
        let obs = Obs {
            flag: key,
            value,
            variant: f.attrs.variant.as_deref(),
            service,
        };
        acc.add(&obs, t, 1, f.attrs.error);
        acc.stats.records += 1;
        match f.shape {
            Shape::LogEventName => acc.stats.log_event_name += 1,
            Shape::LogEventAttribute => acc.stats.log_event_attribute += 1,
            Shape::LogUnnamed => acc.stats.log_unnamed += 1,
            Shape::SpanEvent => acc.stats.span_events += 1,
        }
    }
    Ok(())
}
