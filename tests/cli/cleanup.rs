//! `flagctl cleanup`: the rewrite of real flag code, its diff, and all-or-nothing writes.

use crate::common::{Test, fixture};

fn ts_project() -> Test {
    let dir = fixture("cleanup/ts");
    Test::new()
        .flags(&std::fs::read_to_string(dir.join("flags.yaml")).expect("flags"))
        .file("app.ts", std::fs::read(dir.join("app.ts")).expect("app.ts"))
}

#[test]
fn keep_on_rewrites_typescript_and_removes_the_flag() {
    let (out, dir) = ts_project()
        .args(["cleanup", "new-checkout", "--keep", "on"])
        .run_keep();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let app = std::fs::read_to_string(dir.path().join("app.ts")).expect("app");
    insta::assert_snapshot!("cleanup_ts_keep_on", app);
    let flags = std::fs::read_to_string(dir.path().join("flags.yaml")).expect("flags");
    assert!(!flags.contains("new-checkout"), "{flags}");
    // The result still parses.
    let tree =
        flagctl::syntax::parse(flagctl::syntax::Lang::TypeScript, app.as_bytes()).expect("parse");
    assert!(!flagctl::syntax::has_errors(&tree));
}

#[test]
fn keep_off_keeps_the_legacy_path_and_drops_gated_entries() {
    let (out, dir) = ts_project()
        .args(["cleanup", "new-checkout", "--keep", "off"])
        .run_keep();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let app = std::fs::read_to_string(dir.path().join("app.ts")).expect("app");
    insta::assert_snapshot!("cleanup_ts_keep_off", app);
}

#[test]
fn dry_run_diff_writes_nothing() {
    let (out, dir) = ts_project()
        .args([
            "cleanup",
            "new-checkout",
            "--keep",
            "on",
            "--dry-run",
            "--format",
            "diff",
        ])
        .run_keep();
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("cleanup_ts_diff", out.stdout);
    let app = std::fs::read_to_string(dir.path().join("app.ts")).expect("app");
    assert!(app.contains("isEnabled('new-checkout'"));
}

#[test]
fn a_failed_write_leaves_every_file_as_it_was() {
    let (out, dir) = ts_project()
        .args(["cleanup", "new-checkout", "--keep", "on"])
        .env("FLAGCTL_TEST_FAULT", "rename")
        .run_keep();
    assert_eq!(out.code, 2, "{}", out.stdout);
    let app = std::fs::read_to_string(dir.path().join("app.ts")).expect("app");
    let original = std::fs::read_to_string(fixture("cleanup/ts/app.ts")).expect("fixture");
    assert_eq!(
        app, original,
        "app.ts was written before flags.yaml failed and must be restored"
    );
}

#[test]
fn an_undecided_flag_needs_keep() {
    let out = Test::new()
        .flags("version: 1\nflags:\n  exp:\n    type: experiment\n    owner: a\n    expires: 2030-01-01\n    description: x\n    off: a\n    variants:\n      a: { value: a, weight: 50 }\n      b: { value: b, weight: 50 }\n")
        .args(["cleanup", "exp"])
        .run();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("choose what to keep with --keep (on, off, a, b)"),
        "{}",
        out.stderr
    );
}
