//! `flagctl cleanup`: the rewrite of real flag code, its diff, and all-or-nothing writes.

use crate::common::{Test, fixture};
use std::io::Write;

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
            .contains("choose what to keep with --keep (a, b)"),
        "{}",
        out.stderr
    );
}

/// Copies `fixtures/cleanup/<lang>` into a fresh directory.
fn project(lang: &str) -> Test {
    let dir = fixture(&format!("cleanup/{lang}"));
    let mut t = Test::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixture")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        t = t.file(&name, std::fs::read(dir.join(&name)).expect("read"));
    }
    t
}

/// Runs `cmd` in `dir` with `FLAGS_ON` set to `on`; `None` (with a printed reason)
/// when the tool is not installed.
fn run_program(dir: &std::path::Path, cmd: &[&str], on: &str) -> Option<String> {
    let out = std::process::Command::new(cmd[0])
        .args(&cmd[1..])
        .current_dir(dir)
        .env("FLAGS_ON", on)
        .output();
    match out {
        Ok(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).into_owned()),
        Ok(o) => panic!("{cmd:?} failed: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => {
            // Straight to stderr (not captured), so the skip shows in CI logs.
            let _ = writeln!(std::io::stderr(), "SKIPPED running {}: {e}", cmd[0]);
            None
        }
    }
}

/// For each kept value: the rewritten main file matches its snapshot, still parses,
/// and (where the toolchain is installed) the program prints what it printed before
/// with the flag forced to that value.
fn check_language(
    lang: &str,
    main: &str,
    syntax: flagctl::syntax::Lang,
    build: &[&[&str]],
    run: Result<&[&str], &str>,
) {
    let run = match run {
        Ok(run) => run,
        Err(why) => {
            // Printed straight to stderr, so the skip shows in CI logs.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED running the {lang} fixture: {why}"
            );
            &[]
        }
    };
    for keep in ["on", "off"] {
        let t = project(lang);
        let before = {
            let dir = t.path();
            let mut ok = !run.is_empty();
            for b in build {
                ok = ok && run_program(dir, b, "").is_some();
            }
            if ok {
                run_program(dir, run, if keep == "on" { "new-checkout" } else { "" })
            } else {
                None
            }
        };
        let (out, dir) = t
            .args(["cleanup", "new-checkout", "--keep", keep])
            .run_keep();
        assert_eq!(out.code, 0, "{}", out.stderr);
        let text = std::fs::read_to_string(dir.path().join(main)).expect("main");
        insta::assert_snapshot!(format!("cleanup_{lang}_keep_{keep}"), text);
        let tree = flagctl::syntax::parse(syntax, text.as_bytes()).expect("parse");
        assert!(
            !flagctl::syntax::has_errors(&tree),
            "{lang} keep {keep} does not parse:\n{text}"
        );
        if let Some(before) = before {
            for b in build {
                run_program(dir.path(), b, "").expect("build");
            }
            let after = run_program(dir.path(), run, "").expect("run");
            assert_eq!(
                after, before,
                "{lang} keep {keep}: the program changed behaviour"
            );
        }
    }
}

#[test]
fn python_fixture() {
    check_language(
        "py",
        "app.py",
        flagctl::syntax::Lang::Python,
        &[],
        Ok(&["python3", "app.py"]),
    );
}

#[test]
fn javascript_fixture() {
    check_language(
        "js",
        "app.js",
        flagctl::syntax::Lang::JavaScript,
        &[],
        Ok(&["node", "app.js"]),
    );
}

#[test]
fn java_fixture() {
    check_language(
        "java",
        "Checkout.java",
        flagctl::syntax::Lang::Java,
        &[&["javac", "-d", "out", "Checkout.java", "Flags.java"]],
        Ok(&["java", "-cp", "out", "Checkout"]),
    );
}

#[test]
fn go_fixture() {
    check_language(
        "go",
        "main.go",
        flagctl::syntax::Lang::Go,
        &[],
        Ok(&["go", "run", "main.go"]),
    );
}

#[test]
fn ruby_fixture() {
    check_language(
        "ruby",
        "checkout.rb",
        flagctl::syntax::Lang::Ruby,
        &[],
        Ok(&["ruby", "checkout.rb"]),
    );
}

#[test]
fn kotlin_fixture() {
    // The rewrite is checked by its snapshot and a parse.
    check_language(
        "kotlin",
        "Checkout.kt",
        flagctl::syntax::Lang::Kotlin,
        &[],
        Err("no Kotlin compiler is installed here or in CI"),
    );
}

#[test]
fn tsx_fixture() {
    // The rewrite is checked by its snapshot and a parse.
    check_language(
        "tsx",
        "Checkout.tsx",
        flagctl::syntax::Lang::Tsx,
        &[],
        Err("a React component needs a bundler and a DOM to run"),
    );
}

const TWO_FLAGS: &str = "version: 1\nsettings:\n  scan:\n    definitions: [src/flags.ts]\nflags:\n  new-checkout:\n    type: release\n    owner: web\n    expires: 2030-01-01\n    description: x\n  dark-mode:\n    type: release\n    owner: web\n    expires: 2030-01-01\n    description: y\n";

#[test]
fn scan_reports_nested_checks_and_definition_only_flags() {
    let out = Test::new()
        .flags(TWO_FLAGS)
        .file("src/flags.ts", "export type FlagKey = 'new-checkout' | 'dark-mode';\n")
        .file(
            "src/app.ts",
            "if (isEnabled('new-checkout')) {\n  if (isEnabled('dark-mode')) {\n    paint();\n  }\n}\n",
        )
        .args(["scan", "--format", "json"])
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let nested = json["nested"].as_array().expect("nested");
    assert_eq!(nested.len(), 1, "{nested:?}");
    assert_eq!(nested[0]["outer"]["flag"], "new-checkout");
    assert_eq!(nested[0]["inner"]["flag"], "dark-mode");
    assert_eq!(nested[0]["inner"]["line"], 2);
    let roles: Vec<(&str, &str)> = json["references"]
        .as_array()
        .expect("refs")
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap_or(""),
                r["role"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        roles,
        [
            ("src/app.ts", "check"),
            ("src/app.ts", "check"),
            ("src/flags.ts", "definition"),
            ("src/flags.ts", "definition")
        ]
    );

    // A flag declared in the definitions file and used nowhere else is unreferenced.
    let out = Test::new()
        .flags(TWO_FLAGS)
        .file(
            "src/flags.ts",
            "export type FlagKey = 'new-checkout' | 'dark-mode';\n",
        )
        .file("src/app.ts", "if (isEnabled('dark-mode')) { paint(); }\n")
        .args(["scan", "--format", "json"])
        .run();
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(json["unreferenced"], serde_json::json!(["new-checkout"]));
}

#[test]
fn cleanup_settings_are_validated() {
    let out = Test::new()
        .flags("version: 1\nsettings:\n  scan:\n    definitions: [\"src/[\"]\n  cleanup:\n    calls: [isOn]\n    call: [x]\nflags: {}\n")
        .args(["validate"])
        .run();
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("settings.scan.definitions: `src/[` is not a valid glob"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("unknown-field"), "{}", out.stdout);
}
