//! `flagctl validate`: one fixture per check of docs/flags-file.md (validation), each
//! asserting the exact set of diagnostics (code, line, column); hostile inputs; snapshots.

use crate::common::{Test, fixture, root};
use std::collections::BTreeSet;

/// Runs validate on a fixture and returns (exit code, set of "code@line:col").
fn diagnostics(path: &std::path::Path) -> (i32, BTreeSet<String>, serde_json::Value) {
    let out = Test::new()
        .args([
            "validate",
            "--format",
            "json",
            "--now",
            "2026-11-21",
            "--flags",
        ])
        .args([path.to_str().expect("utf8 path")])
        .run();
    let json = out.json();
    let set = json["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| {
            format!(
                "{}@{}:{}",
                d["code"].as_str().expect("code"),
                d["line"],
                d["column"]
            )
        })
        .collect();
    (out.code, set, json)
}

/// The `# expect: code@line:col, ...` header of a fixture.
fn expected(path: &std::path::Path) -> BTreeSet<String> {
    let bytes = std::fs::read(path).expect("read fixture");
    let text = String::from_utf8_lossy(&bytes);
    match text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# expect: "))
    {
        Some(list) => list.split(',').map(|e| e.trim().to_string()).collect(),
        // An empty file cannot carry its own expectation.
        None => ["empty-file@1:1".to_string()].into(),
    }
}

#[test]
fn every_invalid_fixture_reports_exactly_its_diagnostics() {
    let dir = fixture("invalid");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures/invalid")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    assert!(paths.len() >= 30, "only {} fixtures", paths.len());
    let mut failures = Vec::new();
    for path in &paths {
        let want = expected(path);
        let (code, got, _) = diagnostics(path);
        let warnings_only = want.iter().all(|e| {
            ["missing-description@", "expired@", "semver-prefix@"]
                .iter()
                .any(|w| e.starts_with(w))
        });
        let want_code = if warnings_only { 0 } else { 1 };
        if got != want || code != want_code {
            failures.push(format!(
                "{}: exit {code} (want {want_code})\n  want {want:?}\n  got  {got:?}",
                path.file_name().expect("name").to_string_lossy()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn messages_say_how_to_fix() {
    let (_, _, json) = diagnostics(&fixture("invalid/unknown-field.yaml"));
    let message = json["diagnostics"][0]["message"].as_str().expect("message");
    assert!(message.contains("did you mean `owner`?"), "{message}");
    let (_, _, json) = diagnostics(&fixture("invalid/unknown-operator.yaml"));
    let message = json["diagnostics"][0]["message"].as_str().expect("message");
    assert!(message.contains("did you mean `starts_with`?"), "{message}");
    let (_, _, json) = diagnostics(&fixture("invalid/duplicate-flag-key.yaml"));
    let message = json["diagnostics"][0]["message"].as_str().expect("message");
    assert!(message.contains("first defined on line 4"), "{message}");
}

#[test]
fn all_problems_are_reported_in_one_run() {
    let out = Test::new()
        .flags(
            "version: 1\nflags:\n  a:\n    ownr: x\n    type: release\n    rollout: 150\n  b:\n    type: nope\n    owner: y\n    description: d\n",
        )
        .args(["validate", "--format", "json"])
        .run()
        .code(1);
    let json = out.json();
    let codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .map(|d| d["code"].as_str().expect("code"))
        .collect();
    for code in [
        "unknown-field",
        "missing-owner",
        "missing-expires",
        "invalid-rollout",
        "unknown-type",
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
}

#[test]
fn warnings_fail_only_with_strict() {
    let t = || Test::new().flags("version: 1\nflags:\n  a:\n    type: operational\n    owner: t\n");
    t().args(["validate"]).run().code(0);
    t().args(["validate", "--strict"]).run().code(1);
}

#[test]
fn unreadable_flags_file_is_exit_2() {
    let out = Test::new()
        .file("flags.yaml/inner", "")
        .args(["validate", "--flags", "flags.yaml"])
        .run()
        .code(2);
    assert!(out.stderr.contains("is a directory"), "{}", out.stderr);
}

#[test]
fn alias_bomb_is_rejected_quickly() {
    let mut text = String::from(
        "version: 1\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..10u8 {
        let (prev, cur) = ((b'a' + i - 1) as char, (b'a' + i) as char);
        text.push_str(&format!(
            "{cur}: &{cur} [{}]\n",
            vec![format!("*{prev}"); 9].join(",")
        ));
    }
    let out = Test::new()
        .flags(&text)
        .args(["validate", "--format", "json"])
        .run()
        .code(1);
    assert_eq!(out.json()["diagnostics"][0]["code"], "resource-limit");
}

#[test]
fn deep_nesting_is_rejected() {
    let text = format!(
        "version: 1\nflags: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let out = Test::new()
        .flags(&text)
        .args(["validate", "--format", "json"])
        .run()
        .code(1);
    assert_eq!(out.json()["diagnostics"][0]["code"], "resource-limit");
    let block: String = (0..100_000)
        .map(|i| format!("{}k:\n", " ".repeat(i % 200)))
        .collect();
    let out = Test::new()
        .flags(&block)
        .args(["validate", "--format", "json"])
        .run();
    assert_eq!(out.code, 1);
}

#[test]
fn huge_file_is_rejected_without_reading_it() {
    let t = Test::new();
    let path = t.path().join("flags.yaml");
    let file = std::fs::File::create(&path).expect("create");
    // A sparse 100 MB file: rejected from its size alone.
    file.set_len(100 * 1024 * 1024).expect("set_len");
    let out = t.args(["validate", "--format", "json"]).run().code(1);
    let json = out.json();
    assert_eq!(json["diagnostics"][0]["code"], "resource-limit");
    assert!(
        json["diagnostics"][0]["message"]
            .as_str()
            .expect("msg")
            .contains("64 MiB")
    );
}

fn typo_example() -> Test {
    Test::new().current_dir(root()).args([
        "validate",
        "--flags",
        "fixtures/examples/typo.yaml",
        "--now",
        "2026-11-21",
    ])
}

#[test]
fn snapshot_text() {
    let out = typo_example().run().code(1);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn snapshot_json() {
    let out = typo_example().args(["--format", "json"]).run().code(1);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn snapshot_github() {
    let out = typo_example().args(["--format", "github"]).run().code(1);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn snapshot_sarif() {
    let out = typo_example().args(["--format", "sarif"]).run().code(1);
    let mut log = out.json();
    log["runs"][0]["tool"]["driver"]["version"] = "VERSION".into();
    insta::assert_json_snapshot!(log);
}

#[test]
fn color_always_marks_errors_and_never_is_plain() {
    let out = typo_example().args(["--color", "always"]).run();
    assert!(
        out.stdout.contains("\x1b[1;31merror[unknown-field]"),
        "{}",
        out.stdout
    );
    let out = typo_example().args(["--color", "never"]).run();
    assert!(!out.stdout.contains('\x1b'));
}

/// Large files are parsed and decoded on several threads; the diagnostics must be the
/// same as for a small file: exact positions, a duplicate spotted across the pieces.
#[test]
fn large_file_diagnostics_are_exact() {
    let mut text = String::from("version: 1\nflags:\n");
    for i in 0..3000 {
        text.push_str(&format!(
            "  flag-{i}:\n    description: \"Flag #{i}: it's [fine]\"\n    type: operational\n    owner: team-{}\n\n",
            i % 7
        ));
    }
    // Errors early, late, and a duplicate of the first flag at the very end.
    let text = text.replacen("    owner: team-3\n", "    ownr: team-3\n", 1);
    let text = text.replacen(
        "  flag-2900:\n    description",
        "  flag-2900:\n    rollout: 101\n    description",
        1,
    );
    let text =
        format!("{text}  flag-0:\n    description: again\n    type: operational\n    owner: t\n");
    let out = Test::new()
        .flags(&text)
        .args(["validate", "--format", "json"])
        .run()
        .code(1);
    let got: Vec<String> = out.json()["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .map(|d| {
            format!(
                "{}@{}:{}",
                d["code"].as_str().expect("code"),
                d["line"],
                d["column"]
            )
        })
        .collect();
    // flag-3 starts on line 3 + 5*3 = 18; its owner line is 21. flag-2900 starts on
    // line 14503; the duplicate flag-0 follows the 3000 five-line blocks.
    assert_eq!(
        got,
        [
            "missing-owner@18:3",
            "unknown-field@21:5",
            "invalid-rollout@14504:14",
            "duplicate-key@15004:3"
        ]
    );
}

#[test]
fn a_file_read_but_not_understood_is_exit_1_for_validate_and_2_for_the_rest() {
    // The rule: `validate` reports what is wrong *in* a file it could read (not UTF-8,
    // not YAML, not a flags file) as diagnostics, exit 1. A file it cannot read at all
    // is exit 2, and so is any unusable file for every other command.
    let latin1 = b"version: 1\nflags:\n  caf\xe9:\n    type: operational\n    owner: o\n";
    let out = Test::new()
        .file("flags.yaml", latin1.as_slice())
        .args(["validate", "--format", "json"])
        .run()
        .code(1);
    assert_eq!(out.json()["diagnostics"][0]["code"], "not-utf8");
    let out = Test::new()
        .file("flags.yaml", latin1.as_slice())
        .args(["list"])
        .run()
        .code(2);
    assert!(out.stderr.contains("not valid UTF-8"), "{}", out.stderr);
    let out = Test::new()
        .args(["validate", "--flags", "missing.yaml"])
        .run()
        .code(2);
    assert!(
        out.stderr.starts_with("error: cannot read missing.yaml"),
        "{}",
        out.stderr
    );
    let out = Test::new()
        .file("dir/x", "")
        .args(["validate", "--flags", "dir"])
        .run()
        .code(2);
    assert!(out.stderr.contains("dir is a directory"), "{}", out.stderr);
}

#[test]
fn carets_underline_the_whole_scalar() {
    let flags = "version: 1\nflags:\n  a:\n    type: release\n    owner: x\n    description: d\n    created: 2026-01-01\n    expires: tomorrow please\n    rollout: \"fifty: percent\"\n";
    let out = Test::new()
        .flags(flags)
        .args(["validate", "--color", "never"])
        .run()
        .code(1);
    // `tomorrow please` is 15 characters, the quoted rollout 16 with its quotes.
    assert!(
        out.stdout
            .contains("8 |     expires: tomorrow please\n  |              ^^^^^^^^^^^^^^^\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("9 |     rollout: \"fifty: percent\"\n  |              ^^^^^^^^^^^^^^^^\n"),
        "{}",
        out.stdout
    );
    let sarif = Test::new()
        .flags(flags)
        .args(["validate", "--format", "sarif"])
        .run()
        .code(1)
        .json();
    let regions: Vec<(u64, u64, u64)> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            (
                region["startLine"].as_u64().expect("line"),
                region["startColumn"].as_u64().expect("column"),
                region["endColumn"].as_u64().expect("end column"),
            )
        })
        .collect();
    assert_eq!(regions, [(8, 14, 29), (9, 14, 30)]);
}
