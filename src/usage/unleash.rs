//! Unleash client metrics: what Unleash SDKs post to `/api/client/metrics`, one object
//! per line or a JSON array. Each object counts, per toggle, evaluations that returned
//! enabled (`yes`) or disabled (`no`) during a bucket of time (`start`..`stop`), and
//! the variants returned.
//!
//! Mapping: `no` counts the value `false`; each variant other than `disabled` counts
//! `true` with that variant; what is left of `yes` counts `true` without a variant
//! (SDKs count a `getVariant` call in `yes`/`no` and in its variant, and the
//! `disabled` variant is already in `no`). The bucket bounds widen the window even
//! for toggles with no evaluations.

use super::acc::{Acc, Obs};
use super::lines::LineParser;
use super::time::{self, Nanos};
use super::value::Val;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

#[derive(Deserialize)]
struct Metrics<'a> {
    #[serde(rename = "appName", default, borrow)]
    app_name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    bucket: Bucket<'a>,
}

#[derive(Deserialize)]
struct Bucket<'a> {
    start: When,
    #[serde(default)]
    stop: Option<When>,
    #[serde(default, borrow)]
    toggles: BTreeMap<Cow<'a, str>, Toggle<'a>>,
}

#[derive(Deserialize)]
struct Toggle<'a> {
    #[serde(default)]
    yes: u64,
    #[serde(default)]
    no: u64,
    #[serde(default, borrow)]
    variants: BTreeMap<Cow<'a, str>, u64>,
}

/// A bucket bound: an RFC 3339 time (as SDKs send it) or epoch milliseconds.
struct When(Nanos);

impl<'de> Deserialize<'de> for When {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = When;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 time or epoch milliseconds")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<When, E> {
                time::parse_time(v).map(When).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<When, E> {
                i64::try_from(v)
                    .ok()
                    .and_then(|ms| ms.checked_mul(1_000_000))
                    .map(When)
                    .ok_or_else(|| E::custom("time out of range"))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<When, E> {
                v.checked_mul(1_000_000)
                    .map(When)
                    .ok_or_else(|| E::custom("time out of range"))
            }
        }
        d.deserialize_any(V)
    }
}

/// The Unleash metrics line parser (an object or an array of objects per line).
pub(crate) struct Unleash;

impl LineParser for Unleash {
    fn line(&self, line: &[u8], acc: &mut Acc) -> Result<(), String> {
        let first = line.iter().find(|b| !b.is_ascii_whitespace());
        let all: Vec<Metrics<'_>> = if first == Some(&b'[') {
            serde_json::from_slice(line).map_err(|e| e.to_string())?
        } else {
            vec![serde_json::from_slice(line).map_err(|e| e.to_string())?]
        };
        for m in &all {
            add(m, acc);
        }
        Ok(())
    }
}

fn add(m: &Metrics<'_>, acc: &mut Acc) {
    let start = m.bucket.start.0;
    let stop = m.bucket.stop.as_ref().map_or(start, |s| s.0);
    acc.cover(start.min(stop), start.max(stop));
    let service = m.app_name.as_deref();
    for (name, t) in &m.bucket.toggles {
        let mut counted = 0u64;
        let mut put = |value: Val<'_>, variant: Option<&str>, n: u64| {
            if n > 0 {
                let obs = Obs {
                    flag: name.as_ref(),
                    value,
                    variant,
                    service,
                };
                acc.add_range(&obs, start, stop, n);
            }
        };
        for (variant, &n) in &t.variants {
            if variant.as_ref() != "disabled" {
                put(Val::Bool(true), Some(variant.as_ref()), n);
                counted = counted.saturating_add(n);
            }
        }
        put(Val::Bool(true), None, t.yes.saturating_sub(counted));
        put(Val::Bool(false), None, t.no);
        acc.stats.records += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::value::Kind;

    fn read(line: &str) -> Acc {
        let mut acc = Acc::default();
        Unleash.line(line.as_bytes(), &mut acc).unwrap();
        acc
    }

    fn counts(acc: &Acc) -> Vec<String> {
        let mut v: Vec<String> = acc
            .finished()
            .map(|f| {
                format!(
                    "{} {:?} {} {:?} {:?} {}",
                    f.flag, f.kind, f.value, f.variant, f.service, f.series.count
                )
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn yes_no_and_variants_become_values() {
        let acc = read(
            r#"{"appName":"web","instanceId":"i-1","bucket":{"start":"2026-03-01T10:00:00.000Z","stop":"2026-03-01T11:00:00.000Z","toggles":{"a":{"yes":10,"no":3,"variants":{"blue":4,"disabled":3}},"b":{"yes":0,"no":0}}}}"#,
        );
        assert_eq!(
            counts(&acc),
            vec![
                "a Bool false None Some(\"web\") 3",
                "a Bool true None Some(\"web\") 6",
                "a Bool true Some(\"blue\") Some(\"web\") 4",
            ]
        );
        assert_eq!(acc.stats.evaluations, 13);
        assert_eq!(acc.stats.records, 2);
        let w = acc.window().unwrap();
        assert_eq!(w.1 - w.0, 3600 * 1_000_000_000);
        assert!(acc.finished().all(|f| f.kind == Kind::Bool));
    }

    #[test]
    fn arrays_and_epoch_milliseconds_are_read() {
        let acc = read(
            r#"[{"appName":"a","bucket":{"start":0,"stop":1000,"toggles":{"x":{"yes":1}}}},{"appName":"b","bucket":{"start":0,"toggles":{"x":{"no":2}}}}]"#,
        );
        assert_eq!(acc.stats.evaluations, 3);
        assert_eq!(acc.window(), Some((0, 1_000_000_000)));
    }

    #[test]
    fn a_bucket_over_midnight_is_a_span() {
        let acc = read(
            r#"{"appName":"a","bucket":{"start":"2026-03-01T23:00:00Z","stop":"2026-03-02T01:00:00Z","toggles":{"x":{"yes":5}}}}"#,
        );
        let f = acc.finished().next().unwrap();
        assert!(f.series.days.is_empty());
        assert_eq!(f.series.spans.len(), 1);
    }

    #[test]
    fn malformed_metrics_are_errors() {
        let mut acc = Acc::default();
        assert!(Unleash.line(br#"{"appName":"a"}"#, &mut acc).is_err());
        assert!(
            Unleash
                .line(br#"{"bucket":{"start":"soon","toggles":{}}}"#, &mut acc)
                .is_err()
        );
        assert_eq!(acc.stats.evaluations, 0);
    }
}
