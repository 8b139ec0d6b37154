//! `flagctl usage`: the bundled usage fixtures in every format, summaries read back,
//! stdin and gzip, and what happens to bad input.

use crate::common::{Test, fixture, root};
use std::io::Write;

fn usage(args: &[&str]) -> crate::common::Output {
    Test::new()
        .current_dir(root())
        .args(["usage", "fixtures/usage", "--now", "2026-03-10"])
        .args(args)
        .run()
}

#[test]
fn snapshot_table() {
    // Wide enough for the values column not to wrap (100 columns wraps it).
    let out = Test::new()
        .current_dir(root())
        .env("COLUMNS", "160")
        .args(["usage", "fixtures/usage", "--now", "2026-03-10"])
        .run()
        .code(0);
    insta::assert_snapshot!(out.stdout);
    assert_eq!(out.stderr, "", "no warnings on clean fixtures");
}

#[test]
fn snapshot_explain_usage() {
    let out = usage(&["--explain-usage", "--quiet"]).code(0);
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn snapshot_csv() {
    insta::assert_snapshot!(usage(&["--format", "csv"]).code(0).stdout);
}

#[test]
fn json_summary_is_itself_an_input_with_the_same_data() {
    let first = usage(&["--format", "json"]).code(0);
    let doc = first.json();
    assert_eq!(doc["format"], "flagctl-usage");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["window"]["start"], "2026-03-02T00:00:00Z");
    assert_eq!(doc["window"]["end"], "2026-03-08T16:00:00Z");
    assert_eq!(doc["window"]["days"], 7);
    assert_eq!(doc["inputs"].as_array().map(Vec::len), Some(4));

    let again = Test::new()
        .file("2026-03.json", &first.stdout)
        .args([
            "usage",
            "2026-03.json",
            "--format",
            "json",
            "--explain-usage",
        ])
        .run()
        .code(0);
    assert!(
        again.stderr.contains("2026-03.json: flagctl usage summary"),
        "{}",
        again.stderr
    );
    let back = again.json();
    assert_eq!(back["window"], doc["window"]);
    assert_eq!(back["flags"], doc["flags"]);
}

#[test]
fn csv_summary_reads_back_to_the_same_flags() {
    let csv = usage(&["--format", "csv"]).code(0).stdout;
    let json = usage(&["--format", "json"]).code(0).json();
    let back = Test::new()
        .file("summary.csv", &csv)
        .args(["usage", "summary.csv", "--format", "json"])
        .run()
        .code(0)
        .json();
    assert_eq!(back["flags"], json["flags"]);
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn stdin_and_gzip() {
    let logs = std::fs::read(fixture("usage/otel-logs.jsonl")).unwrap();
    let out = Test::new()
        .stdin(gzip(&logs))
        .args(["usage", "-", "--format", "json", "--explain-usage"])
        .run()
        .code(0);
    assert!(
        out.stderr
            .starts_with("-: OTLP JSON (gzip), 3 lines, 9 records"),
        "{}",
        out.stderr
    );
    assert_eq!(out.json()["flags"][0]["flag"], "checkout-v3");
}

#[test]
fn malformed_and_truncated_lines_are_warnings_not_failures() {
    let mut logs = std::fs::read_to_string(fixture("usage/otel-logs.jsonl")).unwrap();
    logs.insert_str(0, "{\"resourceLogs\": [oops feature_flag\n");
    let cut = logs.len() - 40;
    let out = Test::new()
        .file("logs.jsonl", &logs[..cut])
        .args(["usage", "logs.jsonl", "--now", "2026-03-10"])
        .run()
        .code(0);
    assert!(
        out.stderr
            .contains("warning: logs.jsonl: skipped 2 lines that could not be read (line 1, 4): "),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout
            .contains("usage data covers 2026-03-02 to 2026-03-05"),
        "{}",
        out.stdout
    );
}

#[test]
fn unknown_formats_and_missing_paths_exit_2() {
    let out = Test::new()
        .file("app.log", "2026-03-01 INFO started\n")
        .args(["usage", "app.log"])
        .run()
        .code(2);
    assert!(
        out.stderr
            .contains("app.log: not usage data flagctl can read")
            && out.stderr.contains("OTLP JSON")
            && out.stderr.contains("Unleash client metrics"),
        "{}",
        out.stderr
    );
    let out = Test::new().args(["usage", "nowhere.jsonl"]).run().code(2);
    assert!(
        out.stderr.starts_with("error: cannot read nowhere.jsonl"),
        "{}",
        out.stderr
    );
    Test::new().args(["usage"]).run().code(2);
    let out = Test::new()
        .file("a.csv", "flag,last_evaluated\n")
        .args(["usage", "a.csv", "--format", "markdown"])
        .run()
        .code(2);
    assert!(
        out.stderr.contains("[possible values: table, json, csv]"),
        "{}",
        out.stderr
    );
}

#[test]
fn future_dates_are_tolerated_with_a_warning() {
    let out = Test::new()
        .file(
            "s.jsonl",
            "{\"flag\":\"a\",\"last_evaluated\":\"2031-01-01\"}\n",
        )
        .args(["usage", "s.jsonl", "--now", "2026-03-10"])
        .run()
        .code(0);
    assert!(out.stderr.contains("dated after today"), "{}", out.stderr);
}

/// The bundled flags.yaml with usage data passed to another command.
fn with_usage(args: &[&str]) -> Test {
    Test::new()
        .current_dir(crate::common::root())
        .args(args)
        .args(["--usage", "fixtures/usage"])
}

#[test]
fn stale_and_check_report_usage_findings_within_the_window() {
    let doc = with_usage(&["stale", "--now", "2026-03-09", "--format", "json"])
        .run()
        .code(0)
        .json();
    let found: Vec<(String, String, bool)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["usage"].is_object())
        .map(|f| {
            (
                f["kind"].as_str().unwrap_or("").to_string(),
                f["flag"].as_str().unwrap_or("").to_string(),
                f["usage"]["conclusive"].as_bool().unwrap_or(true),
            )
        })
        .collect();
    assert!(
        found.contains(&("evaluated-undefined".into(), "checkout-v3".into(), true)),
        "{found:?}"
    );
    // Seven days of data: `unused` says so, and is not conclusive.
    assert!(
        found.contains(&("unused".into(), "bulk-import".into(), false)),
        "{found:?}"
    );
    let message = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["kind"] == "unused" && f["flag"] == "bulk-import")
        .and_then(|f| f["message"].as_str())
        .expect("message")
        .to_string();
    assert!(
        message.contains("in the 7 days the usage data covers"),
        "{message}"
    );
    assert!(!message.contains("not evaluated in 90 days"), "{message}");
    // The gate fails on the undefined key, and not on a week of `unused`.
    let out = with_usage(&["check", "--now", "2026-03-09", "--format", "json"])
        .run()
        .code(1);
    let doc = out.json();
    let codes: Vec<&str> = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(codes, ["evaluated-undefined"]);
}

#[test]
fn list_shows_the_last_evaluation() {
    let doc = with_usage(&["list", "--now", "2026-03-09", "--format", "json"])
        .run()
        .code(0)
        .json();
    let last = |key: &str| {
        doc["flags"]
            .as_array()
            .expect("flags")
            .iter()
            .find(|f| f["key"] == key)
            .map(|f| f["last_evaluated"].clone())
            .expect("flag")
    };
    assert_eq!(last("express-shipping"), "2026-03-07T11:00:00Z");
    assert_eq!(last("bulk-import"), serde_json::Value::Null);
    let table = with_usage(&["list", "--now", "2026-03-09"]).run().code(0);
    assert!(table.stdout.contains("last evaluated"), "{}", table.stdout);
}

#[test]
fn a_constant_flag_keeps_the_value_production_serves() {
    let t = Test::new()
        .current_dir(crate::common::root())
        .file("usage.csv", "flag,last_evaluated,count,value,service,first_evaluated\nexpress-shipping,2026-11-30,5000,true,storefront,2026-11-20\n");
    let csv = t.path().join("usage.csv");
    let doc = t
        .args([
            "audit",
            "--now",
            "2026-12-02",
            "--format",
            "json",
            "--usage",
        ])
        .args([csv.to_str().expect("utf8")])
        .run()
        .code(0)
        .json();
    assert_eq!(doc["usage_window"]["days"], 11);
    let entry = doc["owners"]
        .as_array()
        .expect("owners")
        .iter()
        .flat_map(|o| o["flags"].as_array().expect("flags").iter())
        .find(|f| f["flag"] == "express-shipping")
        .cloned()
        .expect("express-shipping");
    assert_eq!(entry["findings"][0]["kind"], "constant");
    assert_eq!(entry["plan"]["keep"], "on");
    assert_eq!(entry["plan"]["kept"]["value"], true);
    assert_eq!(entry["usage"]["evaluations"], 5000);
}
