//! `flagctl eval`: context sources, every format, `--explain`, batch evaluation.

use crate::common::{Test, root};
use serde_json::{Value, json};

/// Runs `flagctl eval ARGS` on the bundled flags.yaml and fixtures/contexts.yaml.
fn bundled(args: &[&str]) -> Test {
    Test::new().current_dir(root()).args(["eval"]).args(args)
}

/// A small flags file exercising each step, with the design's hash vectors (salt
/// `gr1`, user `123` is rollout bucket 73 and variant bucket 96).
const FLAGS: &str = r#"version: 1
settings:
  environments: [staging, production]
segments:
  beta:
    users: ["123", u-1]
  enterprise:
    when:
      plan: { eq: enterprise }
flags:
  rollout-flag:
    type: operational
    owner: t
    description: d
    salt: gr1
    rollout: 73
    aliases: [ROLLOUT_FLAG]
    environments:
      production: { rollout: 72 }
  ttl:
    type: operational
    owner: t
    description: d
    value: 300
    off: 0
    rules:
      - name: enterprise
        segments: [enterprise]
        value: 600
      - when:
          account.tier: { in: [gold] }
        value: 900
  experiment:
    type: operational
    owner: t
    description: d
    salt: gr1
    off: none
    variants:
      control: { value: v1, weight: 95 }
      treatment: { value: v2, weight: 5 }
"#;

fn local(args: &[&str]) -> Test {
    Test::new().flags(FLAGS).args(["eval"]).args(args)
}

#[test]
fn table_for_every_bundled_flag() {
    let out = bundled(&["--context", "enterprise-admin"]).run().code(0);
    insta::assert_snapshot!("bundled_table", out.stdout);
}

#[test]
fn json_results_have_exactly_the_contract_fields() {
    let out = bundled(&["--context", "eu-shopper", "--format", "json"])
        .run()
        .code(0);
    let doc = out.json();
    assert_eq!(doc["command"], "eval");
    assert_eq!(doc["version"], 1);
    let list = doc["results"].as_array().expect("array");
    assert_eq!(list.len(), 13);
    for r in list {
        let keys: Vec<&str> = r
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "flag",
                "value",
                "variant",
                "reason",
                "rule",
                "bucket",
                "error_code"
            ]
        );
    }
    insta::assert_snapshot!("bundled_json", out.stdout);
}

#[test]
fn jsonl_and_markdown() {
    let out = bundled(&["-c", "free-user", "--format", "jsonl"])
        .run()
        .code(0);
    assert_eq!(out.stdout.lines().count(), 13);
    insta::assert_snapshot!("bundled_jsonl", out.stdout);
    let out = bundled(&["-c", "free-user", "--format", "markdown"])
        .run()
        .code(0);
    insta::assert_snapshot!("bundled_markdown", out.stdout);
}

#[test]
fn explain_prints_each_step() {
    let out = bundled(&[
        "new-payment-processor",
        "search-cache-ttl",
        "mobile-quick-reorder",
        "checkout-v2",
        "-c",
        "mobile-old-app",
        "--explain",
    ])
    .run()
    .code(0);
    insta::assert_snapshot!("explain_table", out.stdout);
    let out = bundled(&[
        "recommendation-algorithm",
        "-c",
        "staff-member",
        "--env",
        "production",
        "--explain",
        "--format",
        "json",
    ])
    .run()
    .code(0);
    let r = &out.json()["results"][0];
    assert_eq!(r["variant"], "treatment");
    let steps: Vec<&str> = r["explain"]
        .as_array()
        .expect("explain")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        steps.last().copied(),
        Some("rule `staff-see-treatment` matches → variant `treatment` = \"v2\" (TARGETING_MATCH)")
    );
}

#[test]
fn hash_vectors_end_to_end() {
    // Rollout bucket of ("gr1", "123") is 73: in at rollout 73, out at 72.
    let out = local(&[
        "rollout-flag",
        "experiment",
        "-c",
        "userId=123",
        "--format",
        "json",
    ])
    .run()
    .code(0);
    assert_eq!(
        out.json()["results"],
        json!([
            {"flag": "rollout-flag", "value": true, "variant": null, "reason": "SPLIT", "rule": null, "bucket": 73, "error_code": null},
            {"flag": "experiment", "value": "v2", "variant": "treatment", "reason": "SPLIT", "rule": null, "bucket": 73, "error_code": null}
        ])
    );
    let out = local(&[
        "ROLLOUT_FLAG",
        "-c",
        "userId=123",
        "--env",
        "production",
        "--format",
        "json",
    ])
    .run()
    .code(0);
    assert_eq!(
        out.json()["results"][0]["value"],
        false,
        "aliases name flags too"
    );
    assert_eq!(out.json()["results"][0]["reason"], "SPLIT");
}

#[test]
fn context_sources_combine_in_order() {
    // --context-json is the base; each --context applies on top; dots nest.
    let out = local(&[
        "ttl",
        "--context-json",
        r#"{"plan": "enterprise", "account": {"tier": "silver"}}"#,
        "-c",
        "plan=free",
        "-c",
        "account.tier=gold",
        "--format",
        "jsonl",
    ])
    .run()
    .code(0);
    let r: Value = serde_json::from_str(out.stdout.trim()).expect("json");
    assert_eq!(r["value"], 900);
    assert_eq!(r["rule"], "1");
    // Numbers on the command line are typed, and still match string users.
    let out = local(&[
        "rollout-flag",
        "-c",
        "userId=123",
        "-c",
        "segment=beta",
        "--format",
        "json",
    ])
    .run()
    .code(0);
    assert_eq!(out.json()["results"][0]["bucket"], 73);
    // Named contexts, with an attribute overridden after.
    let t = Test::new()
        .flags(&FLAGS.replace("settings:\n", "settings:\n  contexts: ctx/named.yaml\n"))
        .file(
            "ctx/named.yaml",
            "contexts:\n  big: { userId: u-9, plan: enterprise }\n",
        )
        .args(["eval", "ttl", "-c", "big", "--format", "json"]);
    assert_eq!(t.run().code(0).json()["results"][0]["value"], 600);
    let out = Test::new()
        .flags(FLAGS)
        .file(
            "other.yaml",
            "contexts:\n  big: { userId: u-9, plan: enterprise }\n",
        )
        .args([
            "eval",
            "ttl",
            "--contexts",
            "other.yaml",
            "-c",
            "big",
            "-c",
            "plan=free",
            "--format",
            "json",
        ])
        .run()
        .code(0);
    assert_eq!(out.json()["results"][0]["value"], 300);
}

#[test]
fn usage_errors_exit_2() {
    let out = local(&["rollout-flg"]).run().code(2);
    assert!(
        out.stderr
            .contains("unknown flag `rollout-flg`; did you mean `rollout-flag`?"),
        "{}",
        out.stderr
    );
    let out = local(&["--env", "producton"]).run().code(2);
    assert!(
        out.stderr.contains("did you mean `production`?"),
        "{}",
        out.stderr
    );
    let out = local(&["--context-json", "[1]"]).run().code(2);
    assert!(
        out.stderr.contains("must be a JSON object"),
        "{}",
        out.stderr
    );
    let out = local(&["--context-json", "{nope"]).run().code(2);
    assert!(out.stderr.contains("not valid JSON"), "{}", out.stderr);
    let out = local(&["-c", "nobody"]).run().code(2);
    assert!(out.stderr.contains("contexts file"), "{}", out.stderr);
    let out = bundled(&["-c", "free-usr"]).run().code(2);
    assert!(
        out.stderr.contains("did you mean `free-user`?"),
        "{}",
        out.stderr
    );
    let out = local(&["--format", "sarif"]).run().code(2);
    assert!(
        out.stderr
            .contains("invalid value 'sarif' for '--format <FORMAT>'"),
        "{}",
        out.stderr
    );
    Test::new()
        .flags("version: 1\nflags:\n  a:\n    type: bogus\n")
        .args(["eval"])
        .run()
        .code(2);
    let out = Test::new()
        .flags(FLAGS)
        .file("bad.yaml", "contexts:\n  x: [1]\n")
        .args(["eval", "--contexts", "bad.yaml", "-c", "x"])
        .run()
        .code(2);
    assert!(
        out.stderr.starts_with("error: bad.yaml:2:6: "),
        "{}",
        out.stderr
    );
}

fn jsonl(lines: &[Value]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn batch_streams_jsonl_with_line_numbers() {
    let input = format!(
        "{}\n{}",
        jsonl(&[
            json!({"userId": "123", "plan": "enterprise"}),
            json!({"userId": "u-2"})
        ]),
        // Blank line above, no trailing newline below, CRLF tolerated.
        "{\"plan\":\"free\"}\r\n{\"userId\":\"999\",\"unused\":[1,{\"deep\":true}]}"
    );
    let out = Test::new()
        .flags(FLAGS)
        .file("users.jsonl", &input)
        .args([
            "eval",
            "ttl",
            "rollout-flag",
            "--contexts-file",
            "users.jsonl",
        ])
        .run()
        .code(0);
    insta::assert_snapshot!("batch_jsonl", out.stdout);
    // The same from stdin, and as one JSON array.
    let from_stdin = local(&["ttl", "rollout-flag", "--contexts-file", "-"])
        .stdin(input.clone())
        .run()
        .code(0);
    assert_eq!(from_stdin.stdout, out.stdout);
    let array = local(&[
        "ttl",
        "rollout-flag",
        "--contexts-file",
        "-",
        "--format",
        "json",
    ])
    .stdin(input)
    .run()
    .code(0)
    .json()["results"]
        .clone();
    let lines: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("jsonl"))
        .collect();
    assert_eq!(array, Value::Array(lines));
}

#[test]
fn batch_output_does_not_depend_on_chunking() {
    // Enough lines for several chunks, so several threads run; output stays in order.
    let mut input = String::new();
    for i in 0..60_000 {
        input.push_str(&format!(
            "{{\"userId\":\"user-{i}\",\"plan\":\"free\",\"pad\":\"{}\"}}\n",
            "x".repeat(i % 40)
        ));
    }
    let out = local(&["rollout-flag", "--contexts-file", "-"])
        .stdin(input)
        .run()
        .code(0);
    let numbers: Vec<u64> = out
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).expect("json")["line"]
                .as_u64()
                .expect("line")
        })
        .collect();
    assert_eq!(numbers, (1..=60_000).collect::<Vec<_>>());
}

#[test]
fn malformed_lines_stop_or_are_skipped() {
    let input = "{\"userId\":\"a\"}\n{\"userId\": }\n[1,2]\n{\"userId\":\"b\"}\n";
    let out = local(&["rollout-flag", "--contexts-file", "users.jsonl"])
        .file("users.jsonl", input)
        .run()
        .code(2);
    assert_eq!(
        out.stdout.lines().count(),
        1,
        "lines before the error are written"
    );
    assert!(
        out.stderr
            .starts_with("error: users.jsonl:2:12: invalid JSON: expected value"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--keep-going"), "{}", out.stderr);
    let out = local(&[
        "rollout-flag",
        "--contexts-file",
        "users.jsonl",
        "--keep-going",
    ])
    .file("users.jsonl", input)
    .run()
    .code(0);
    let lines: Vec<u64> = out
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).expect("json")["line"]
                .as_u64()
                .expect("line")
        })
        .collect();
    assert_eq!(lines, [1, 4]);
    insta::assert_snapshot!("batch_keep_going_stderr", out.stderr);
    let out = local(&["--contexts-file", "missing.jsonl"]).run().code(2);
    assert!(
        out.stderr.contains("cannot read missing.jsonl"),
        "{}",
        out.stderr
    );
    // Batch and single-context options do not mix.
    local(&["--contexts-file", "-", "-c", "a=b"]).run().code(2);
    local(&["--contexts-file", "-", "--explain"]).run().code(2);
    local(&["--summary"]).run().code(2);
}

#[test]
fn summary_counts_values_and_observed_rollout() {
    let mut input = String::new();
    for i in 0..10_000 {
        input.push_str(&format!("{{\"userId\":\"u-{i}\"}}\n"));
    }
    input.push_str("{\"plan\":\"enterprise\"}\n");
    let out = local(&[
        "rollout-flag",
        "experiment",
        "ttl",
        "--contexts-file",
        "-",
        "--summary",
    ])
    .stdin(input.clone())
    .run()
    .code(0);
    insta::assert_snapshot!("batch_summary_table", out.stdout);
    let out = local(&[
        "rollout-flag",
        "experiment",
        "--contexts-file",
        "-",
        "--summary",
        "--format",
        "json",
    ])
    .stdin(input.clone())
    .run()
    .code(0);
    let doc = out.json();
    assert_eq!(doc["contexts"], 10_001);
    let rollout = &doc["flags"][0]["rollout"];
    assert_eq!(rollout["configured"], 73);
    assert_eq!(rollout["missing_key"], 1);
    assert_eq!(rollout["bucketed"], 10_000);
    let observed = rollout["observed"].as_f64().expect("observed");
    assert!(
        (observed - 73.0).abs() < 1.5,
        "observed {observed}% for 73%"
    );
    insta::assert_snapshot!("batch_summary_json", out.stdout);
    let out = local(&[
        "experiment",
        "--contexts-file",
        "-",
        "--summary",
        "--format",
        "markdown",
    ])
    .stdin(input)
    .run()
    .code(0);
    insta::assert_snapshot!("batch_summary_markdown", out.stdout);
}

#[test]
fn semver_is_exact_as_in_the_sdks() {
    // `v5.2.0` is no version to Unleash's SDKs: the condition never holds, and an
    // attribute written with a `v` fails it too.
    let flags = "version: 1\nflags:\n  f:\n    description: d\n    type: operational\n    owner: o\n    rules:\n      - name: modern\n        when:\n          appVersion: { semver_gte: 5.2.0 }\n        value: false\n      - name: prefixed\n        when:\n          appVersion: { semver_gte: v5.2.0 }\n        value: false\n";
    let reason = |version: &str| {
        let out = Test::new()
            .flags(flags)
            .args([
                "eval",
                "f",
                "-c",
                &format!("appVersion={version}"),
                "--format",
                "json",
            ])
            .run()
            .code(0);
        out.json()["results"][0]["rule"].clone()
    };
    assert_eq!(reason("6.0.0"), "modern");
    assert_eq!(reason("v6.0.0"), Value::Null);
    assert_eq!(reason("5.1.9"), Value::Null);
}

/// `flagctl eval --contexts-file users.jsonl | head` closes stdout early: a write
/// error, not "cannot read users.jsonl", and not an error at all.
#[test]
fn batch_into_a_closed_pipe_is_not_a_read_error() {
    let lines: String = (0..50_000)
        .map(|i| format!("{{\"userId\":\"u-{i}\"}}\n"))
        .collect();
    let (status, stderr) = Test::new()
        .flags("version: 1\nflags:\n  k:\n    type: operational\n    owner: me\n    rollout: 50\n")
        .file("users.jsonl", lines)
        .args(["eval", "--contexts-file", "users.jsonl"])
        .run_closing_stdout_early();
    assert!(status.success(), "status {status:?}, stderr {stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}
