//! `flagctl test`: spec discovery, passing and failing tests, formats, spec validation.

use crate::common::{Test, root};

#[test]
fn bundled_specs_cover_every_flag_and_pass() {
    let out = Test::new().current_dir(root()).args(["test"]).run().code(0);
    let last = out.stdout.lines().last().unwrap_or_default();
    assert!(last.ends_with(" passed, 0 failed"), "{}", out.stdout);
    // Every flag of the bundled flags.yaml has at least one test.
    let flags = Test::new()
        .current_dir(root())
        .args(["--now", "2026-11-21", "list", "--format", "json"])
        .run()
        .code(0)
        .json();
    let spec = std::fs::read_to_string(root().join("flags.test.yaml")).expect("flags.test.yaml");
    for f in flags["flags"].as_array().expect("flags") {
        let key = f["key"].as_str().expect("key");
        assert!(
            spec.contains(&format!("flag: {key}\n")),
            "flags.test.yaml has no test for `{key}`"
        );
    }
}

const FLAGS: &str = r#"version: 1
settings:
  environments: [staging, production]
  contexts: contexts.yaml
segments:
  enterprise:
    when:
      plan: { eq: enterprise }
flags:
  search-cache-ttl:
    type: operational
    owner: search-team
    description: d
    value: 300
    off: 300
    rules:
      - name: enterprise
        segments: [enterprise]
        value: 600
  rollout:
    type: operational
    owner: t
    description: d
    rollout: 10
"#;

const CONTEXTS: &str = "contexts:\n  enterprise-admin: { userId: u-1, plan: enterprise }\n  free-user: { userId: u-2, plan: free }\n";

const SPEC: &str = r#"tests:
  - name: enterprise users get the long TTL
    flag: search-cache-ttl
    context: enterprise-admin
    expect: 600
    reason: TARGETING_MATCH
  - name: free users get the long TTL too (wrong on purpose)
    flag: search-cache-ttl
    context: free-user
    env: production
    expect: 600
    reason: TARGETING_MATCH
  - name: bucket 10 is in
    flag: rollout
    context: { userId: whoever }
    bucket: 10
    expect: true
  - name: bucket 11 is out (wrong on purpose)
    flag: rollout
    context: {}
    bucket: 11
    expect: true
    reason: SPLIT
"#;

fn project() -> Test {
    Test::new().flags(FLAGS).file("contexts.yaml", CONTEXTS)
}

#[test]
fn failures_show_position_expected_actual_and_trace() {
    let out = project()
        .file("flags.test.yaml", SPEC)
        .args(["test"])
        .run()
        .code(1);
    assert_eq!(out.stdout.lines().last(), Some("2 passed, 2 failed"));
    insta::assert_snapshot!("failing_text", out.stdout);
}

#[test]
fn quiet_prints_only_failures_and_the_summary() {
    let out = project()
        .file("flags.test.yaml", SPEC)
        .args(["test", "--quiet"])
        .run()
        .code(1);
    assert!(!out.stdout.contains("ok "), "{}", out.stdout);
    assert_eq!(out.stdout.lines().last(), Some("2 passed, 2 failed"));
}

#[test]
fn junit_report() {
    let out = project()
        .file("flags.test.yaml", SPEC)
        .args(["test", "--format", "junit"])
        .run()
        .code(1);
    assert_eq!(out.stderr.trim(), "2 passed, 2 failed");
    insta::assert_snapshot!("failing_junit", out.stdout);
}

#[test]
fn json_report() {
    let out = project()
        .file("flags.test.yaml", SPEC)
        .args(["test", "--format", "json"])
        .run()
        .code(1);
    let doc = out.json();
    assert_eq!(doc["passed"], 2);
    assert_eq!(doc["failed"], 2);
    let second = &doc["tests"][1];
    assert_eq!(second["passed"], false);
    assert_eq!(second["line"], 11);
    assert_eq!(second["actual"]["value"], 300);
    assert_eq!(second["actual"]["reason"], "DEFAULT");
    insta::assert_snapshot!("failing_json", out.stdout);
}

#[test]
fn discovers_flags_test_yaml_and_tests_flags_dir() {
    let pass = "tests:\n  - flag: rollout\n    bucket: 1\n    expect: true\n";
    let out = project()
        .file("flags.test.yaml", pass)
        .file("tests/flags/b.yaml", pass)
        .file("tests/flags/a.yml", pass)
        .file("tests/flags/notes.txt", "not a spec")
        .args(["test"])
        .run()
        .code(0);
    assert_eq!(out.stdout.lines().last(), Some("3 passed, 0 failed"));
    // Explicit SPEC arguments replace discovery.
    let out = project()
        .file("flags.test.yaml", SPEC)
        .file("only.yaml", pass)
        .args(["test", "only.yaml"])
        .run()
        .code(0);
    assert_eq!(out.stdout.lines().last(), Some("1 passed, 0 failed"));
    let out = project().args(["test"]).run().code(2);
    assert!(out.stderr.contains("no test specs found"), "{}", out.stderr);
}

#[test]
fn invalid_specs_are_reported_with_positions_and_exit_2() {
    let spec = r#"tests:
  - name: typo everywhere
    flag: search-cache-tl
    context: enterprise-admn
    env: prod
    bucket: 101
    reason: MATCH
    expct: 600
  - flag: rollout
    context: 3
    expect: true
unknown: 1
"#;
    let out = project()
        .file("flags.test.yaml", spec)
        .args(["test"])
        .run()
        .code(2);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    insta::assert_snapshot!("invalid_spec_stderr", out.stderr);
    let out = project()
        .file(
            "flags.test.yaml",
            "tests:\n  - flag: rollout\n    context: free-user\n    expect: true\n",
        )
        .args(["test", "--contexts", "none.yaml"])
        .run()
        .code(2);
    assert!(
        out.stderr.contains("none.yaml does not exist"),
        "{}",
        out.stderr
    );
    let out = project()
        .file("flags.test.yaml", "tests: [\n")
        .args(["test"])
        .run()
        .code(2);
    assert!(out.stderr.contains("flags.test.yaml:"), "{}", out.stderr);
}
