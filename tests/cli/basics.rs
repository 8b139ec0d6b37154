//! Global behaviour: discovery, exit codes, errors, closed pipes.

use crate::common::{Test, root};

#[test]
fn bundled_flags_file_validates_clean() {
    let out = Test::new()
        .current_dir(root())
        .args(["validate", "--strict", "--now", "2026-11-21"])
        .run()
        .code(0);
    assert!(
        out.stdout
            .contains("flags.yaml: valid (13 flags, 4 segments)"),
        "{}",
        out.stdout
    );
}

#[test]
fn discovers_flags_yaml_in_a_parent_directory() {
    let t = Test::new()
        .flags("version: 1\nflags: {}\n")
        .file("a/b/keep", "");
    let dir = t.path().join("a/b");
    let out = t.current_dir(&dir).args(["validate"]).run().code(0);
    assert!(out.stdout.contains("valid (0 flags"), "{}", out.stdout);
}

#[test]
fn flagctl_flags_env_overrides_discovery() {
    let t = Test::new().file("elsewhere/my-flags.yaml", "version: 1\nflags: {}\n");
    let path = t.path().join("elsewhere/my-flags.yaml");
    let out = t
        .env("FLAGCTL_FLAGS", path.to_str().expect("utf8"))
        .args(["validate"])
        .run()
        .code(0);
    assert!(
        out.stdout.contains("my-flags.yaml: valid"),
        "{}",
        out.stdout
    );
}

#[test]
fn missing_file_is_exit_2_with_one_sentence() {
    let out = Test::new().args(["validate"]).run().code(2);
    assert!(
        out.stderr.starts_with("error: no flags.yaml found in "),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1);
    let out = Test::new()
        .args(["list", "--flags", "nope.yaml"])
        .run()
        .code(2);
    assert!(
        out.stderr.starts_with("error: cannot read nope.yaml: "),
        "{}",
        out.stderr
    );
}

#[test]
fn bad_arguments_are_exit_2() {
    Test::new().args(["validate", "--bogus"]).run().code(2);
    Test::new().args(["frobnicate"]).run().code(2);
    let out = Test::new()
        .flags("version: 1\n")
        .args(["list", "--now", "2026-13-01"])
        .run()
        .code(2);
    assert!(out.stderr.contains("--now"), "{}", out.stderr);
    // Each command's --format lists only its own formats.
    let out = Test::new()
        .flags("version: 1\n")
        .args(["list", "--format", "sarif"])
        .run()
        .code(2);
    assert!(
        out.stderr
            .contains("invalid value 'sarif' for '--format <FORMAT>'")
            && out
                .stderr
                .contains("[possible values: table, json, markdown]"),
        "{}",
        out.stderr
    );
    // Given before the subcommand, it is checked against the subcommand's formats.
    let out = Test::new()
        .flags("version: 1\n")
        .args(["--format", "sarif", "list"])
        .run()
        .code(2);
    assert!(
        out.stderr
            .contains("`list` does not support --format sarif; use one of: table, json, markdown"),
        "{}",
        out.stderr
    );
    let out = Test::new()
        .flags("version: 1\n")
        .args(["--format", "json", "list"])
        .run()
        .code(0);
    assert_eq!(out.json()["command"], "list");
}

#[test]
fn global_options_a_command_ignores_are_refused() {
    let flags = "version: 1\nflags: {}\n";
    for (args, option) in [
        (
            &[
                "new",
                "x",
                "--type",
                "operational",
                "--owner",
                "o",
                "--rev",
                "HEAD",
            ][..],
            "--rev",
        ),
        (&["remove", "x", "--now", "2026-01-01"][..], "--now"),
        (&["eval", "--now", "2026-01-01"][..], "--now"),
        (&["schema", "--flags", "flags.yaml"][..], "--flags"),
        (&["diff", "--now", "2026-01-01"][..], "--now"),
    ] {
        let out = Test::new().flags(flags).args(args).run().code(2);
        assert!(
            out.stderr
                .contains(&format!("does not use {option}; its global options are")),
            "{args:?}: {}",
            out.stderr
        );
    }
    let out = Test::new()
        .flags(flags)
        .args(["--format", "json", "remove", "x"])
        .run()
        .code(2);
    assert!(
        out.stderr.contains("has one output and no --format"),
        "{}",
        out.stderr
    );
    // FLAGCTL_FLAGS applies to every command that reads the file; the others ignore it.
    Test::new()
        .env("FLAGCTL_FLAGS", "flags.yaml")
        .args(["schema"])
        .run()
        .code(0);
}

#[test]
fn help_and_version_exit_0() {
    let out = Test::new().args(["--help"]).run().code(0);
    assert!(out.stdout.contains("validate"));
    Test::new().args(["--version"]).run().code(0);
}

#[test]
fn other_commands_refuse_an_invalid_file() {
    let out = Test::new()
        .flags("version: 1\nflags:\n  a:\n    type: release\n")
        .args(["list"])
        .run()
        .code(2);
    assert!(
        out.stderr.starts_with("error: flags.yaml:3:3: "),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("(and 1 more; run `flagctl validate`)"),
        "{}",
        out.stderr
    );
}

#[test]
fn closed_pipe_is_not_an_error() {
    // Far more output than a pipe buffer holds, so the write really hits EPIPE.
    let mut text = String::from("version: 1\nflags:\n");
    for i in 0..5000 {
        text.push_str(&format!(
            "  flag-{i}:\n    type: operational\n    owner: team-{i}\n    description: d\n"
        ));
    }
    let (status, stderr) = Test::new()
        .flags(&text)
        .args(["list", "--format", "json"])
        .run_closing_stdout_early();
    assert!(status.success(), "status {status:?}, stderr {stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = Test::new().args(["completions", shell]).run().code(0);
        assert!(out.stdout.contains("validate"), "{shell}");
    }
}

#[test]
fn schema_is_json_and_committed_copy_is_current() {
    let out = Test::new().args(["schema"]).run().code(0);
    let schema = out.json();
    assert_eq!(schema["properties"]["version"]["const"], 1);
    assert!(
        schema["properties"]["flags"]["additionalProperties"]["properties"]["kill_switch"]
            .is_object()
    );
    let committed =
        std::fs::read_to_string(root().join("flags.schema.json")).expect("flags.schema.json");
    assert_eq!(
        committed, out.stdout,
        "flags.schema.json is stale: run `cargo run -- schema > flags.schema.json`"
    );
}

#[test]
fn codes_doc_is_current_and_explain_knows_every_code() {
    let out = Test::new()
        .args(["explain", "--format", "markdown"])
        .run()
        .code(0);
    let committed = std::fs::read_to_string(root().join("docs/codes.md")).expect("docs/codes.md");
    assert_eq!(
        committed, out.stdout,
        "docs/codes.md is stale: run `cargo run -- explain --format markdown > docs/codes.md`"
    );
    let out = Test::new().args(["explain", "expired"]).run().code(0);
    assert!(
        out.stdout
            .starts_with("expired (error): A flag is past its expiry date\n"),
        "{}",
        out.stdout
    );
    let out = Test::new().args(["explain", "expird"]).run().code(2);
    assert!(
        out.stderr.contains("did you mean `expired`?"),
        "{}",
        out.stderr
    );
    let all = Test::new()
        .args(["explain", "--format", "json"])
        .run()
        .code(0)
        .json();
    assert_eq!(all["command"], "explain");
    assert!(all["codes"].as_array().is_some_and(|c| c.len() > 40));
}

#[test]
fn man_page_covers_every_subcommand() {
    let out = Test::new().args(["man"]).run().code(0);
    assert!(out.stdout.contains(".TH flagctl 1"), "{}", out.stdout);
    for sub in ["VALIDATE", "EVAL", "SCAN", "AUDIT", "EXPLAIN"] {
        assert!(
            out.stdout.contains(&format!(".SH \"FLAGCTL {sub}\"")),
            "{sub}"
        );
    }
}
