//! End-to-end tests of the readers: generated inputs of every format with known answers.

use super::*;
use chrono::NaiveDate;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

/// 2026-03-01T00:00:00Z in nanoseconds.
const MAR1: i64 = 1_772_323_200_000_000_000;
const HOUR: i64 = 3_600_000_000_000;
const DAY: i64 = 24 * HOUR;

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn attr(key: &str, value: serde_json::Value) -> serde_json::Value {
    json!({ "key": key, "value": value })
}

fn s(v: &str) -> serde_json::Value {
    json!({ "stringValue": v })
}

/// A current-generation evaluation log record (`eventName` field).
fn log_new(t: i64, key: &str, variant: &str, value: serde_json::Value) -> serde_json::Value {
    json!({
        "timeUnixNano": t.to_string(),
        "observedTimeUnixNano": t.to_string(),
        "severityNumber": 9,
        "eventName": "feature_flag.evaluation",
        "attributes": [
            attr("feature_flag.key", s(key)),
            attr("feature_flag.result.variant", s(variant)),
            attr("feature_flag.result.value", value),
            attr("feature_flag.result.reason", s("targeting_match")),
            attr("feature_flag.provider.name", s("flagd")),
            attr("feature_flag.set.id", s("proj-1")),
            attr("some.unknown.attribute", json!({"arrayValue": {"values": [s("x")]}})),
        ]
    })
}

/// An older-generation log record (`event.name` attribute, time as a number).
fn log_old(t: i64, key: &str, variant: &str) -> serde_json::Value {
    json!({
        "timeUnixNano": t,
        "attributes": [
            attr("event.name", s("feature_flag")),
            attr("feature_flag.key", s(key)),
            attr("feature_flag.variant", s(variant)),
            attr("feature_flag.provider_name", s("Flag Manager")),
        ]
    })
}

fn logs(service: &str, records: Vec<serde_json::Value>) -> String {
    json!({"resourceLogs": [{
        "resource": {"attributes": [attr("service.name", s(service)), attr("host.name", s("h1"))]},
        "scopeLogs": [{"scope": {"name": "openfeature"}, "logRecords": records}]
    }]})
    .to_string()
}

fn spans(service: &str, events: Vec<(i64, &str, &str)>) -> String {
    let events: Vec<_> = events
        .into_iter()
        .map(|(t, key, variant)| {
            json!({
                "timeUnixNano": t.to_string(),
                "name": "feature_flag",
                "attributes": [
                    attr("feature_flag.key", s(key)),
                    attr("feature_flag.variant", s(variant)),
                    attr("feature_flag.provider_name", s("unleash")),
                ]
            })
        })
        .collect();
    json!({"resourceSpans": [{
        "resource": {"attributes": [attr("service.name", s(service))]},
        "scopeSpans": [{"spans": [{
            "traceId": "5B8EFFF798038103D269B633813FC60C",
            "spanId": "EEE19B7EC3C1B174",
            "name": "GET /checkout",
            "startTimeUnixNano": (MAR1 + HOUR).to_string(),
            "endTimeUnixNano": (MAR1 + 2 * HOUR).to_string(),
            "attributes": [attr("http.route", s("/checkout"))],
            "events": events
        }]}]
    }]})
    .to_string()
}

fn otlp_sample() -> String {
    let lines = [
        logs(
            "checkout",
            vec![
                log_new(
                    MAR1 + HOUR,
                    "new-checkout",
                    "on",
                    json!({"boolValue": true}),
                ),
                log_new(
                    MAR1 + 2 * HOUR,
                    "new-checkout",
                    "on",
                    json!({"boolValue": true}),
                ),
                log_new(
                    MAR1 + DAY,
                    "new-checkout",
                    "off",
                    json!({"boolValue": false}),
                ),
                // An ordinary log line in the same batch: not an evaluation.
                json!({"timeUnixNano": (MAR1 + 3 * DAY).to_string(), "body": s("GET /feature_flag 200")}),
            ],
        ),
        logs(
            "search",
            vec![log_old(MAR1 + 2 * DAY, "search-ttl", "long")],
        ),
        logs(
            "search",
            vec![log_new(
                MAR1 + 2 * DAY,
                "search-ttl",
                "short",
                json!({"intValue": "60"}),
            )],
        ),
        spans(
            "checkout",
            vec![(MAR1 + HOUR, "new-checkout", "on"), (0, "legacy", "true")],
        ),
        // A log line without any flag: skipped unparsed, still numbered.
        r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"hello"}}]}]}]}"#
            .to_string(),
    ];
    lines.join("\n") + "\n"
}

#[test]
fn otlp_logs_and_span_events_of_both_generations() {
    let u = read_bytes(otlp_sample().as_bytes()).unwrap();
    let src = &u.inputs[0];
    assert_eq!(src.format, SourceFormat::OtlpJson);
    assert_eq!(src.lines, 5);
    assert_eq!(src.evaluations, 7);
    let shapes = src.otlp.unwrap();
    assert_eq!(
        (
            shapes.log_event_name,
            shapes.log_event_attribute,
            shapes.span_events
        ),
        (4, 1, 2)
    );
    let keys: Vec<&str> = u.flags.iter().map(|f| f.flag.as_str()).collect();
    assert_eq!(keys, ["legacy", "new-checkout", "search-ttl"]);

    let nc = u.flag("new-checkout").unwrap();
    assert_eq!(nc.count, 4);
    assert_eq!(rfc3339(nc.first_evaluated), "2026-03-01T01:00:00Z");
    assert_eq!(rfc3339(nc.last_evaluated), "2026-03-02T00:00:00Z");
    assert_eq!(nc.values[0].value, Some(json!(true)));
    assert_eq!(nc.values[0].count, 2, "log events carry the value");
    let daily: Vec<(String, u64)> = nc
        .daily
        .iter()
        .map(|d| (d.date.to_string(), d.count))
        .collect();
    assert_eq!(daily, [("2026-03-01".into(), 3), ("2026-03-02".into(), 1)]);
    assert_eq!(nc.services.len(), 1);
    assert_eq!(nc.services[0].service, "checkout");

    let ttl = u.flag("search-ttl").unwrap();
    let vals: Vec<_> = ttl
        .values
        .iter()
        .map(|v| (v.value.clone(), v.variant.clone()))
        .collect();
    assert!(
        vals.contains(&(Some(json!(60)), Some("short".into()))),
        "{vals:?}"
    );
    assert!(vals.contains(&(None, Some("long".into()))), "{vals:?}");

    // A span event without a time takes the span's start.
    let legacy = u.flag("legacy").unwrap();
    assert_eq!(rfc3339(legacy.first_evaluated), "2026-03-01T01:00:00Z");

    let w = u.window.unwrap();
    assert_eq!(rfc3339(w.start), "2026-03-01T01:00:00Z");
    assert_eq!(rfc3339(w.end), "2026-03-03T00:00:00Z");
    assert_eq!(w.days(), 3);
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn gzip_is_detected_by_its_magic_bytes_and_gives_the_same_answer() {
    let plain = read_bytes(otlp_sample().as_bytes()).unwrap();
    // Two concatenated members, as appending to a .gz file makes.
    let text = otlp_sample();
    let (a, b) = text.split_at(text.find('\n').unwrap() + 1);
    let mut zipped = gzip(a.as_bytes());
    zipped.extend(gzip(b.as_bytes()));
    let unzipped = read_bytes(&zipped).unwrap();
    assert_eq!(unzipped.inputs[0].compression, Some(Compression::Gzip));
    assert_eq!(plain.data(), unzipped.data());
}

#[test]
fn truncated_and_malformed_lines_are_skipped_and_counted() {
    let mut text = otlp_sample();
    text.insert_str(0, "{\"resourceLogs\": [ not json feature_flag\n");
    let last = logs(
        "x",
        vec![log_new(MAR1, "cut", "on", json!({"boolValue": true}))],
    );
    text.push_str(&last[..last.len() / 2]);
    let u = read_bytes(text.as_bytes()).unwrap();
    let src = &u.inputs[0];
    assert_eq!(src.skipped.count, 2);
    assert_eq!(src.skipped.lines, vec![1, 7]);
    assert!(src.skipped.first_error.is_some());
    assert_eq!(src.evaluations, 7, "the good lines still count");
    assert!(u.flag("cut").is_none());
}

#[test]
fn future_timestamps_and_pretty_documents_are_read() {
    let year_3000 = 32_503_680_000_000_000_000_i128;
    let far = "9223372036854775807"; // the last representable instant
    let doc =
        serde_json::to_string_pretty(&json!({"resourceLogs": [{"scopeLogs": [{"logRecords": [
            {"timeUnixNano": far, "eventName": "feature_flag.evaluation",
             "attributes": [attr("feature_flag.key", s("future"))]},
            {"timeUnixNano": year_3000.to_string(), "eventName": "feature_flag.evaluation",
             "attributes": [attr("feature_flag.key", s("beyond"))]},
        ]}]}]}))
        .unwrap();
    let u = read_bytes(doc.as_bytes()).unwrap();
    assert_eq!(u.inputs[0].format, SourceFormat::OtlpJson);
    assert!(u.flag("future").is_some());
    // Past the year 2262 an instant has no nanosecond count: ignored, counted.
    assert!(u.flag("beyond").is_none());
    assert_eq!(u.inputs[0].incomplete, 1);
}

fn unleash(app: &str, start: &str, stop: &str, toggles: serde_json::Value) -> serde_json::Value {
    json!({"appName": app, "instanceId": "i-1", "environment": "production",
           "bucket": {"start": start, "stop": stop, "toggles": toggles}})
}

#[test]
fn unleash_metrics_as_lines_or_an_array_give_the_same_answer() {
    let items = [
        unleash(
            "web",
            "2026-03-01T10:00:00.000Z",
            "2026-03-01T11:00:00.000Z",
            json!({"new-checkout": {"yes": 90, "no": 10, "variants": {}}}),
        ),
        unleash(
            "api",
            "2026-03-05T10:00:00.000Z",
            "2026-03-05T11:00:00.000Z",
            json!({"new-checkout": {"yes": 5, "no": 0}, "idle": {"yes": 0, "no": 0}}),
        ),
    ];
    let lines: Vec<String> = items.iter().map(|i| i.to_string()).collect();
    let by_line = read_bytes(lines.join("\n").as_bytes()).unwrap();
    let array = read_bytes(serde_json::to_string_pretty(&items).unwrap().as_bytes()).unwrap();
    assert_eq!(by_line.inputs[0].format, SourceFormat::UnleashMetrics);
    assert_eq!(array.inputs[0].format, SourceFormat::UnleashMetrics);
    assert_eq!(by_line.data(), array.data());
    let nc = by_line.flag("new-checkout").unwrap();
    assert_eq!(nc.count, 105);
    assert_eq!(nc.values[0].value, Some(json!(true)));
    assert_eq!(nc.values[0].count, 95);
    assert!(by_line.flag("idle").is_none(), "no evaluations, no entry");
    let w = by_line.window.unwrap();
    assert_eq!(rfc3339(w.start), "2026-03-01T10:00:00Z");
    assert_eq!(rfc3339(w.end), "2026-03-05T11:00:00Z", "bucket bounds");
}

#[test]
fn csv_and_jsonl_summaries_with_known_answers() {
    let csv = "flag,last_evaluated,count,value,variant,service,first_evaluated\n\
               a,2026-03-10,100,true,on,web,2026-03-10\n\
               a,2026-03-12T08:00:00Z,50,false,off,api,\n\
               b,2026-03-11,7,\"{\"\"ttl\"\":60}\",,,\n";
    let jsonl = [
        r#"{"flag":"a","last_evaluated":"2026-03-10","count":100,"value":true,"variant":"on","service":"web"}"#,
        r#"{"flag":"a","last_evaluated":"2026-03-12T08:00:00Z","count":50,"value":false,"variant":"off","service":"api"}"#,
        r#"{"flag":"b","last_evaluated":"2026-03-11","count":7,"value":{"ttl":60}}"#,
    ]
    .join("\n");
    let from_csv = read_bytes(csv.as_bytes()).unwrap();
    let from_jsonl = read_bytes(jsonl.as_bytes()).unwrap();
    assert_eq!(from_csv.inputs[0].format, SourceFormat::SummaryCsv);
    assert_eq!(from_jsonl.inputs[0].format, SourceFormat::SummaryJsonl);
    assert_eq!(from_csv.data(), from_jsonl.data());
    let a = from_csv.flag("a").unwrap();
    assert_eq!(a.count, 150);
    assert_eq!(a.services.len(), 2);
    assert_eq!(a.last_evaluated.date_naive(), date("2026-03-12"));
    assert_eq!(
        from_csv.flag("b").unwrap().values[0].value,
        Some(json!({"ttl": 60}))
    );
    assert_eq!(from_csv.window.unwrap().days(), 3);
}

/// Reads `usage` written as JSON, and as CSV, back.
fn round_trip(u: &Usage) -> (Usage, Usage) {
    let mut json_out = Vec::new();
    crate::render::json(&mut json_out, u).unwrap();
    let mut csv_out = Vec::new();
    write_csv(&mut csv_out, u).unwrap();
    let from_json = read_bytes(&json_out).unwrap();
    assert_eq!(from_json.inputs[0].format, SourceFormat::FlagctlSummary);
    let from_csv = read_bytes(&csv_out).unwrap();
    assert_eq!(from_csv.inputs[0].format, SourceFormat::SummaryCsv);
    (from_json, from_csv)
}

#[test]
fn summaries_round_trip() {
    let mut inputs = otlp_sample();
    inputs.push_str(
        &unleash(
            "web",
            "2026-03-01T23:00:00Z",
            "2026-03-02T01:00:00Z",
            json!({"new-checkout": {"yes": 3, "no": 1, "variants": {"blue": 2}}}),
        )
        .to_string(),
    );
    // Two inputs (OTLP, then Unleash across midnight) read as one.
    let dir = tempfile::tempdir().unwrap();
    let (otlp, unl) = inputs.split_at(inputs.rfind("{\"appName").unwrap());
    std::fs::write(dir.path().join("a.jsonl"), otlp).unwrap();
    std::fs::write(dir.path().join("b.json"), unl).unwrap();
    let u = read_paths(&[dir.path().to_path_buf()], &Options::default()).unwrap();
    assert_eq!(u.inputs.len(), 2);
    assert!(
        u.flag("new-checkout").unwrap().undated > 0,
        "the span survives"
    );

    let (from_json, from_csv) = round_trip(&u);
    assert_eq!(from_json.data(), u.data());
    // CSV keeps every per-flag figure; the window is rebuilt from the rows.
    assert_eq!(from_csv.flags, u.flags);
    // And a summary of a summary is the same summary.
    let (again, _) = round_trip(&from_json);
    assert_eq!(again.data(), u.data());
}

#[test]
fn directories_are_read_recursively_in_sorted_order() {
    let dir = tempfile::tempdir().unwrap();
    let row = |d: &str| format!(r#"{{"flag":"a","last_evaluated":"{d}"}}"#);
    std::fs::create_dir_all(dir.path().join("2026/03")).unwrap();
    std::fs::write(dir.path().join("2026/03/02.jsonl"), row("2026-03-02")).unwrap();
    std::fs::write(dir.path().join("2026/03/01.jsonl"), row("2026-03-01")).unwrap();
    std::fs::write(dir.path().join("2026/.hidden"), "garbage").unwrap();
    std::fs::write(
        dir.path().join("0.jsonl.gz"),
        gzip(row("2026-02-28").as_bytes()),
    )
    .unwrap();
    let u = read_paths(&[dir.path().to_path_buf()], &Options::default()).unwrap();
    let names: Vec<String> = u
        .inputs
        .iter()
        .map(|s| {
            PathBuf::from(&s.path)
                .strip_prefix(dir.path())
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(
        names,
        ["0.jsonl.gz", "2026/03/01.jsonl", "2026/03/02.jsonl"]
    );
    assert_eq!(u.flag("a").unwrap().count, 3);

    let empty = tempfile::tempdir().unwrap();
    let err = read_paths(&[empty.path().to_path_buf()], &Options::default()).unwrap_err();
    assert!(matches!(err, UsageError::EmptyDirectory { .. }), "{err}");
}

#[test]
fn an_unknown_format_names_the_formats() {
    let err = read_bytes(b"timestamp level message\n").unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, UsageError::UnknownFormat { .. }));
    for name in [
        "OTLP JSON",
        "Unleash client metrics",
        "CSV",
        "JSON Lines",
        "flagctl usage summary",
    ] {
        assert!(msg.contains(name), "{name}: {msg}");
    }
}

#[test]
fn a_broken_summary_document_is_an_error_with_its_position() {
    let err = read_bytes(b"{\n  \"format\": \"flagctl-usage\",\n  \"flags\": [\n}").unwrap_err();
    assert!(matches!(err, UsageError::Invalid { line: 4, .. }), "{err}");
}

#[test]
fn recent_values_never_overstate_the_evidence() {
    // One value on the last days, another in a span that reaches into them.
    let csv = "flag,first_evaluated,last_evaluated,count,value\n\
               a,2026-03-20,2026-03-20,500,true\n\
               a,2026-03-29,2026-03-29,600,true\n\
               a,2026-03-10,2026-03-26,900,false\n\
               a,2026-03-27,2026-03-28,40,true\n";
    let u = read_bytes(csv.as_bytes()).unwrap();
    let a = u.flag("a").unwrap();
    let r = a.since(date("2026-03-25"));
    assert_eq!(r.values.len(), 2, "the span's value may fall on those days");
    assert_eq!(r.evaluations, 640, "only counts certainly on those days");
    let r = a.since(date("2026-03-27"));
    assert_eq!(r.values.len(), 1);
    assert_eq!(r.evaluations, 640);
}

#[test]
fn mutated_inputs_never_panic() {
    // A cheap stand-in for the fuzz target until it runs: flip, drop and cut bytes of
    // every format and read the result.
    let summary = {
        let u = read_bytes(otlp_sample().as_bytes()).unwrap();
        let mut out = Vec::new();
        crate::render::json(&mut out, &u).unwrap();
        out
    };
    let unleash_doc = serde_json::to_vec_pretty(&[unleash(
        "web",
        "2026-03-01T10:00:00Z",
        "2026-03-02T10:00:00Z",
        json!({"a": {"yes": 1, "no": 2, "variants": {"x": 1}}}),
    )])
    .unwrap();
    let seeds: Vec<Vec<u8>> = vec![
        otlp_sample().into_bytes(),
        gzip(otlp_sample().as_bytes()),
        summary,
        unleash_doc,
        b"flag,last_evaluated,count,value\na,2026-03-01,3,true\n".to_vec(),
    ];
    let mut rng = fastrand::Rng::with_seed(13);
    for i in 0..1500 {
        let mut data = seeds[i % seeds.len()].clone();
        for _ in 0..rng.usize(1..8) {
            if data.is_empty() {
                break;
            }
            let at = rng.usize(..data.len());
            match rng.u8(..3) {
                0 => data[at] = rng.u8(..),
                1 => {
                    data.remove(at);
                }
                _ => data.truncate(at),
            }
        }
        let _ = read_bytes(&data);
    }
}
