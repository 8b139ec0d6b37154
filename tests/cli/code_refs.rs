//! The scanner wired into the lifecycle commands: `stale --scan`, `check --scan`,
//! `check --base REV --scan` and the cleanup plan of `remove`, on a git repository with
//! a small source tree whose references are counted by hand below.

use crate::gitrepo::{GitRepo, ago};
use serde_json::Value;

/// Three flags: `new-checkout` is used through the SDK pattern, `legacy-search` only
/// through its screaming-snake alias, and `old-banner` nowhere (`old-banner-v2` is
/// another token). The pattern also captures `dark-mode`, which is not defined.
const FLAGS: &str = r#"version: 1
settings:
  scan:
    paths: [src]
    aliases: [kebab, snake, screaming_snake, camel]
    patterns:
      - 'isEnabled\("([^"]+)"\)'
flags:
  new-checkout:
    type: operational
    owner: web
    description: the new checkout page
  old-banner:
    type: operational
    owner: web
    description: the old promotion banner
  legacy-search:
    type: operational
    owner: search
    description: the previous search backend
"#;

/// Line 4 column 18: `new-checkout` (pattern); line 7 column 18: `dark-mode`
/// (undefined); line 10: `old-banner-v2`, which is not `old-banner`.
const APP_TS: &str = r#"import { isEnabled } from "./flags";

export function render() {
  if (isEnabled("new-checkout")) {
    return checkout();
  }
  if (isEnabled("dark-mode")) {
    return dark();
  }
  return banner("old-banner-v2");
}
"#;

/// Line 2 column 14: `LEGACY_SEARCH`, the alias of `legacy-search`; line 5 column 7:
/// `legacy_search` in a comment.
const SEARCH_PY: &str = "def search(q):\n    if flags.LEGACY_SEARCH:\n        return old(q)\n    return new(q)\n# legacy_search goes once the new backend is proven\n";

/// The repository with everything committed 10 days ago.
fn repo() -> GitRepo {
    let r = GitRepo::new();
    r.write("src/web/app.ts", APP_TS);
    r.write("src/api/search.py", SEARCH_PY);
    r.commit_flags(ago(10), "Alice", "Flags and code", FLAGS);
    r
}

/// `(flag, kind, file, line, column)` of every finding of `stale --format json`.
fn findings(doc: &Value) -> Vec<(String, String, String, u64, u64)> {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["flag"].as_str().expect("flag").to_string(),
                f["kind"].as_str().expect("kind").to_string(),
                f["file"].as_str().expect("file").to_string(),
                f["line"].as_u64().expect("line"),
                f["column"].as_u64().expect("column"),
            )
        })
        .collect()
}

fn finding(
    flag: &str,
    kind: &str,
    file: &str,
    line: u64,
    column: u64,
) -> (String, String, String, u64, u64) {
    (flag.into(), kind.into(), file.into(), line, column)
}

#[test]
fn stale_scan_reports_unreferenced_and_undefined_at_their_lines() {
    let r = repo();
    let out = r
        .flagctl(["stale", "--scan", "--format", "json"])
        .run()
        .code(0);
    assert_eq!(
        findings(&out.json()),
        [
            // Sorted by file: flags.yaml, then the code file, as seen from the
            // repository root (root `src` joined with the path under it).
            finding("old-banner", "unreferenced", "flags.yaml", 13, 3),
            finding("dark-mode", "undefined", "src/web/app.ts", 7, 18),
        ],
        "{}",
        out.stdout
    );
    assert_eq!(out.stderr, "", "nothing unreadable, nothing to note");
    let doc = out.json();
    let undefined = &doc["findings"][1];
    assert_eq!(undefined["severity"], "error");
    assert_eq!(undefined["owner"], Value::Null);

    // Explicit roots replace settings.scan.paths: without src/api, `legacy-search`
    // is unreferenced too.
    let doc = r
        .flagctl(["stale", "--scan", "src/web", "--format", "json"])
        .run()
        .code(0)
        .json();
    assert_eq!(
        findings(&doc),
        [
            finding("old-banner", "unreferenced", "flags.yaml", 13, 3),
            finding("legacy-search", "unreferenced", "flags.yaml", 17, 3),
            finding("dark-mode", "undefined", "src/web/app.ts", 7, 18),
        ]
    );

    // The table names the code line too.
    let out = r.flagctl(["stale", "--scan"]).run().code(0);
    assert!(out.stdout.contains("src/web/app.ts:7"), "{}", out.stdout);
    assert!(
        out.stdout
            .ends_with("2 findings in flags.yaml (1 error, 1 warning)\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn stale_scan_of_a_missing_path_exits_2() {
    let r = repo();
    let out = r.flagctl(["stale", "--scan", "nope"]).run().code(2);
    assert!(
        out.stderr
            .contains("cannot scan `nope`: no such file or directory"),
        "{}",
        out.stderr
    );
}

#[test]
fn check_scan_annotates_the_undefined_reference_on_its_code_line() {
    let r = repo();
    let out = r
        .flagctl(["check", "--scan", "--format", "github"])
        .run()
        .code(1);
    assert_eq!(
        out.stdout,
        "::warning file=flags.yaml,line=13,col=3,title=flagctl unreferenced::no code references flag `old-banner`; delete it from flags.yaml\n\
         ::error file=src/web/app.ts,line=7,col=18,title=flagctl undefined::code references flag `dark-mode`, which flags.yaml does not define; define it in flags.yaml, or remove the reference\n"
    );

    // Text output names the code location without quoting a flags.yaml line there.
    let out = r.flagctl(["check", "--scan"]).run().code(1);
    assert!(
        out.stdout.contains(
            "error[undefined]: code references flag `dark-mode`, which flags.yaml does not define; define it in flags.yaml, or remove the reference\n --> src/web/app.ts:7:18\n\n"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .ends_with("flags.yaml: check failed, 1 error, 1 warning\n"),
        "{}",
        out.stdout
    );

    // Without the undefined reference, the unreferenced flag is only a warning:
    // `check` passes, and `--strict` fails.
    r.write(
        "src/web/app.ts",
        &APP_TS.replace("isEnabled(\"dark-mode\")", "darkMode()"),
    );
    r.flagctl(["check", "--scan"]).run().code(0);
    r.flagctl(["check", "--scan", "--strict"]).run().code(1);
    // Without --scan, code is not looked at.
    r.flagctl(["check"]).run().code(0);
}

#[test]
fn check_base_scan_reports_a_removed_flag_still_referenced() {
    let r = repo();
    let removed = FLAGS.replace(
        "  legacy-search:\n    type: operational\n    owner: search\n    description: the previous search backend\n",
        "",
    );
    assert_ne!(removed, FLAGS);
    r.write("flags.yaml", &removed);
    let out = r
        .flagctl(["check", "--base", "HEAD", "--scan", "--format", "json"])
        .run()
        .code(1);
    let doc = out.json();
    let diags: Vec<(String, String, u64, u64)> = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().expect("code").to_string(),
                d["file"].as_str().expect("file").to_string(),
                d["line"].as_u64().expect("line"),
                d["column"].as_u64().expect("column"),
            )
        })
        .collect();
    let d = |code: &str, file: &str, line: u64, column: u64| {
        (code.to_string(), file.to_string(), line, column)
    };
    // Both spellings of the removed flag are found (the alias and the snake-case
    // comment), each once: as `removed-but-referenced`, not also as `undefined`.
    assert_eq!(
        diags,
        [
            d("unreferenced", "flags.yaml", 13, 3),
            d("removed-but-referenced", "src/api/search.py", 2, 14),
            d("removed-but-referenced", "src/api/search.py", 5, 3),
            d("undefined", "src/web/app.ts", 7, 18),
        ],
        "{}",
        out.stdout
    );
    assert_eq!(
        doc["diagnostics"][1]["message"],
        "flag `legacy-search` is removed from flags.yaml but this code still references it; remove the reference too"
    );

    let out = r
        .flagctl(["check", "--base", "HEAD", "--scan", "--format", "github"])
        .run()
        .code(1);
    assert!(
        out.stdout.contains(
            "::error file=src/api/search.py,line=2,col=14,title=flagctl removed-but-referenced::flag `legacy-search` is removed"
        ),
        "{}",
        out.stdout
    );

    // Without --scan the removal itself breaks no policy.
    r.flagctl(["check", "--base", "HEAD"]).run().code(0);
}

#[test]
fn remove_prints_the_cleanup_plan_with_every_reference() {
    let r = repo();
    let out = r.flagctl(["remove", "legacy-search"]).run().code(0);
    assert_eq!(
        out.stdout,
        "removed flag `legacy-search` from flags.yaml (lines 17-20)\n\
         cleanup plan: delete 2 references to `legacy-search` in 1 file:\n  \
         src/api/search.py:2:14: if flags.LEGACY_SEARCH:\n  \
         src/api/search.py:5:3: # legacy_search goes once the new backend is proven\n"
    );
    assert_eq!(out.stderr, "");
    let after = std::fs::read_to_string(r.path().join("flags.yaml")).expect("read");
    assert!(!after.contains("legacy-search"), "{after}");

    let out = r.flagctl(["remove", "new-checkout"]).run().code(0);
    assert_eq!(
        out.stdout,
        "removed flag `new-checkout` from flags.yaml (lines 9-12)\n\
         cleanup plan: delete 1 reference to `new-checkout` in 1 file:\n  \
         src/web/app.ts:4:18: if (isEnabled(\"new-checkout\")) {\n\
         to rewrite the code automatically, restore flags.yaml and run: flagctl cleanup new-checkout --keep on\n"
    );

    let out = r.flagctl(["remove", "old-banner"]).run().code(0);
    assert!(
        out.stdout
            .ends_with("no code references to `old-banner` remain\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn remove_completes_when_the_scan_cannot_run() {
    let r = repo();
    r.write(
        "flags.yaml",
        &FLAGS.replace("paths: [src]", "paths: [src, gone]"),
    );
    let out = r.flagctl(["remove", "old-banner"]).run().code(0);
    assert_eq!(
        out.stderr,
        "note: no cleanup plan: cannot scan `gone`: no such file or directory\n"
    );
    assert!(
        out.stdout.contains(
            "next: find the code that still uses it with `flagctl scan --flag old-banner` and delete it"
        ),
        "{}",
        out.stdout
    );
    let after = std::fs::read_to_string(r.path().join("flags.yaml")).expect("read");
    assert!(!after.contains("old-banner:"), "{after}");
}
