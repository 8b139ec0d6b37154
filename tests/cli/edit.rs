//! `flagctl new` and `flagctl remove`: round trips on every layout the editor supports
//! (comments, blank lines, block and flow styles, quoting, CRLF, no final newline),
//! byte-identical remainders, refusals, and proof that a failure at any step leaves
//! the original file byte-identical with no temporary file behind.

use crate::common::{Output, Test, fixture};
use std::io::Write;
use std::path::Path;

const NOW: &str = "2026-11-21";

/// The fixtures that hold flags, with their keys in file order.
const WITH_FLAGS: &[(&str, &[&str])] = &[
    (
        "block.yaml",
        &["checkout-v2", "search-cache-ttl", "stripe-circuit-breaker"],
    ),
    ("compact.yaml", &["alpha", "beta", "gamma"]),
    ("flow-values.yaml", &["dark-mode", "fast-search", "old-api"]),
    ("flow-map.yaml", &["dark-mode", "fast-search", "old-api"]),
];

fn text(name: &str) -> String {
    std::fs::read_to_string(fixture(&format!("edit/{name}"))).expect("fixture")
}

fn crlf(text: &str) -> String {
    text.replace('\n', "\r\n")
}

/// Runs flagctl on `flags` and returns the output and the flags file afterwards.
fn run(flags: &str, args: &[&str]) -> (Output, String) {
    // `new` dates the flag it adds; `remove` reads no date and refuses `--now`.
    let now: &[&str] = if args.first() == Some(&"new") {
        &["--now", NOW]
    } else {
        &[]
    };
    let (out, dir) = Test::new().flags(flags).args(args).args(now).run_keep();
    let after = std::fs::read_to_string(dir.path().join("flags.yaml")).expect("read back");
    assert_eq!(leftovers(dir.path()), ["flags.yaml"], "files left behind");
    (out, after)
}

/// The names in `dir`, sorted: a failed write must not leave a temporary file.
fn leftovers(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// Asserts `after` is `before` with one contiguous run of lines removed (every other
/// line byte-identical, terminators included) and returns the removed lines.
fn removed_run<'a>(before: &'a str, after: &str) -> Vec<&'a str> {
    let (b, a) = (lines(before), lines(after));
    let prefix = b.iter().zip(&a).take_while(|(x, y)| x == y).count();
    let suffix = b[prefix..]
        .iter()
        .rev()
        .zip(a[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    assert_eq!(
        prefix + suffix,
        a.len(),
        "more than a removal:\n--- before\n{before}\n--- after\n{after}"
    );
    b[prefix..b.len() - suffix].to_vec()
}

/// Asserts `after` is `before` with lines inserted at one place, allowing the one line
/// before them to change (gaining a line terminator, or `flags: {}` becoming
/// `flags:`); returns the inserted lines.
fn inserted_run<'a>(before: &str, after: &'a str) -> Vec<&'a str> {
    let (b, a) = (lines(before), lines(after));
    let prefix = b.iter().zip(&a).take_while(|(x, y)| x == y).count();
    let suffix = b[prefix..]
        .iter()
        .rev()
        .zip(a[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    assert!(
        prefix + suffix + 1 >= b.len(),
        "more than an insertion:\n--- before\n{before}\n--- after\n{after}"
    );
    a[prefix..a.len() - suffix].to_vec()
}

fn validate(text: &str) {
    let (out, _) = run(text, &["validate"]);
    out.code(0);
}

#[test]
fn remove_each_flag_leaves_the_rest_byte_identical() {
    for (name, keys) in WITH_FLAGS {
        let original = text(name);
        for key in *keys {
            let (out, after) = run(&original, &["remove", key]);
            let out = out.code(0);
            assert!(
                out.stdout.contains(&format!("removed flag `{key}`")),
                "{}",
                out.stdout
            );
            let removed = removed_run(&original, &after);
            assert!(
                removed
                    .iter()
                    .map(|l| l.trim_start().replace('"', ""))
                    .any(|l| l.starts_with(&format!("{key}:"))),
                "{name} {key}: removed {removed:?}"
            );
            validate(&after);
            let (out, _) = run(&after, &["list", "--format", "json"]);
            let left: Vec<String> = out.code(0).json()["flags"]
                .as_array()
                .expect("flags")
                .iter()
                .map(|f| f["key"].as_str().expect("key").to_string())
                .collect();
            let expected: Vec<&str> = keys.iter().copied().filter(|k| k != key).collect();
            assert_eq!(left, expected, "{name} {key}");

            // The same edit on CRLF text: same lines, CRLF kept everywhere.
            let (out, after_crlf) = run(&crlf(&original), &["remove", key]);
            out.code(0);
            assert_eq!(after_crlf, crlf(&after), "{name} {key} with CRLF");
        }
    }
}

#[test]
fn remove_first_middle_and_last_diffs() {
    let original = text("block.yaml");
    for key in ["checkout-v2", "search-cache-ttl", "stripe-circuit-breaker"] {
        let (out, after) = run(&original, &["remove", key, "--dry-run"]);
        let out = out.code(0);
        assert_eq!(after, original, "--dry-run must not write");
        insta::assert_snapshot!(format!("remove_block_{key}"), out.stdout);
    }
}

#[test]
fn remove_in_flow_style_and_without_final_newline() {
    let (out, _) = run(&text("flow-map.yaml"), &["remove", "old-api", "--dry-run"]);
    insta::assert_snapshot!(out.code(0).stdout);
    let (out, after) = run(&text("compact.yaml"), &["remove", "gamma"]);
    out.code(0);
    assert!(after.ends_with("        owner: \"team-b\"\n"), "{after}");
}

#[test]
fn removing_the_only_flag_leaves_an_empty_flags_section() {
    let original = "version: 1\nflags:\n  only: { type: permission, owner: t, description: x }\n";
    let (out, after) = run(original, &["remove", "only"]);
    out.code(0);
    assert_eq!(after, "version: 1\nflags:\n");
    validate(&after);
}

/// `new` in each layout: the diff shows the style it picked.
#[test]
fn new_follows_the_file_style() {
    let names = [
        "block.yaml",
        "compact.yaml",
        "flow-values.yaml",
        "flow-map.yaml",
        "empty-flow.yaml",
        "no-flags.yaml",
    ];
    for name in names {
        let original = text(name);
        let args = [
            "new",
            "brand-new",
            "--type",
            "release",
            "--owner",
            "web team",
            "--description",
            "Try: the new thing",
        ];
        let (out, after) = run(&original, &[&args[..], &["--dry-run"]].concat());
        let out = out.code(0);
        assert_eq!(after, original, "--dry-run must not write");
        insta::assert_snapshot!(
            format!("new_{}", name.trim_end_matches(".yaml")),
            out.stdout
        );

        let (out, after) = run(&original, &args);
        let out = out.code(0);
        assert!(
            out.stdout.contains("added release flag `brand-new`"),
            "{}",
            out.stdout
        );
        let inserted = inserted_run(&original, &after);
        assert!(
            inserted.iter().any(|l| l.contains("brand-new")),
            "{inserted:?}"
        );
        validate(&after);
        let (out, _) = run(&after, &["list", "--format", "json", "--owner", "web team"]);
        let flag = &out.code(0).json()["flags"][0];
        assert_eq!(flag["key"], "brand-new");
        assert_eq!(flag["created"], NOW);
        assert_eq!(flag["description"], "Try: the new thing");

        // CRLF in, CRLF out: no bare LF anywhere.
        let (out, after_crlf) = run(&crlf(&original), &args);
        out.code(0);
        assert_eq!(after_crlf, crlf(&after), "{name} with CRLF");
        assert!(!after_crlf.replace("\r\n", "").contains('\n'));
    }
}

/// `new` then `remove` gives back the original file, byte for byte.
#[test]
fn new_then_remove_round_trips() {
    for name in ["block.yaml", "flow-values.yaml", "flow-map.yaml"] {
        for original in [text(name), crlf(&text(name))] {
            let (out, added) = run(
                &original,
                &["new", "round-trip", "--type", "permission", "--owner", "t"],
            );
            out.code(0);
            let (out, after) = run(&added, &["remove", "round-trip"]);
            out.code(0);
            assert_eq!(after, original, "{name}");
        }
    }
    // Without a final newline the file gains one, and nothing else changes.
    let original = text("compact.yaml");
    let (_, added) = run(
        &original,
        &["new", "x", "--type", "permission", "--owner", "t"],
    );
    let (out, after) = run(&added, &["remove", "x"]);
    out.code(0);
    assert_eq!(after, format!("{original}\n"));
}

fn expires_of(flags: &str, args: &[&str]) -> Option<String> {
    let (out, after) = run(flags, &[&["new", "f", "--owner", "t"], args].concat());
    out.code(0);
    let (out, _) = run(&after, &["list", "--format", "json"]);
    let json = out.code(0).json();
    let flag = json["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .find(|f| f["key"] == "f")
        .expect("new flag")
        .clone();
    flag["expires"].as_str().map(String::from)
}

#[test]
fn new_expiry_defaults_and_durations() {
    let block = text("block.yaml");
    // settings.lifetimes.release is 30d in block.yaml; experiment keeps the default 40d.
    assert_eq!(
        expires_of(&block, &["--type", "release"]).as_deref(),
        Some("2026-12-21")
    );
    assert_eq!(
        expires_of(&block, &["--type", "experiment"]).as_deref(),
        Some("2026-12-31")
    );
    assert_eq!(
        expires_of(&block, &["--type", "release", "--expires", "2w"]).as_deref(),
        Some("2026-12-05")
    );
    assert_eq!(
        expires_of(&block, &["--type", "release", "--expires", "2027-02-01"]).as_deref(),
        Some("2027-02-01")
    );
    assert_eq!(expires_of(&block, &["--type", "operational"]), None);
}

/// Runs a command that must be refused: exit 2, the message on stderr, file untouched.
fn refused(flags: &str, args: &[&str], message: &str) -> Output {
    let (out, after) = run(flags, args);
    let out = out.code(2);
    assert!(
        out.stderr.contains(message),
        "expected {message:?} in:\n{}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert_eq!(after, flags, "the file must be unchanged");
    out
}

#[test]
fn refusals() {
    let block = text("block.yaml");
    let new = |key: &'static str| ["new", key, "--type", "permission", "--owner", "t"];
    refused(
        &block,
        &new("checkout-v2"),
        "flags.yaml:12:3: flag `checkout-v2` already exists",
    );
    refused(&block, &new("my flag!"), "did you mean `my-flag`?");
    refused(&block, &new(""), "the flag key is empty");
    refused(
        &block,
        &["remove", "chekout-v2"],
        "no flag `chekout-v2` in flags.yaml; did you mean `checkout-v2`?",
    );
    let release = ["new", "f", "--type", "release", "--owner", "t"];
    refused(
        &block,
        &[&release[..], &["--expires", "2020-01-01"]].concat(),
        "is in the past",
    );
    refused(
        &block,
        &[&release[..], &["--expires", "soon"]].concat(),
        "--expires: `soon` is not a date",
    );
    refused(
        &block,
        &["new", "f", "--type", "release", "--owner", " "],
        "--owner is empty",
    );
    refused(
        "version: 1\nsettings:\n  lifetimes:\n    release: never\nflags:\n",
        &release,
        "settings.lifetimes.release is `never`",
    );
    // An edit the validator rejects: beyond max_expiry (180 days by default).
    refused(
        &block,
        &[&release[..], &["--expires", "400d"]].concat(),
        "would make flags.yaml invalid (expires-too-late",
    );
    // Removing a flag whose anchor another flag uses would break the file.
    refused(
        &text("anchor.yaml"),
        &["remove", "base"],
        "flags.yaml:4:10: the edit would make the file invalid here",
    );
    // Several flags on one line: refused, not guessed at.
    let one_line = text("one-line-flow.yaml");
    refused(&one_line, &["remove", "a"], "one flag per line");
    refused(&one_line, &new("c"), "one flag per line");
    // A file that is already invalid is not edited at all.
    let invalid = std::fs::read_to_string(fixture("invalid/missing-owner.yaml")).expect("fixture");
    refused(&invalid, &new("c"), "run `flagctl validate`");
    refused(
        &invalid,
        &["remove", "checkout-v2"],
        "run `flagctl validate`",
    );
    refused(
        &block,
        &["remove", "checkout-v2", "--format", "json"],
        "unexpected argument '--format' found",
    );
}

/// A failure injected at every step of the write leaves the original byte-identical
/// and no temporary file (checked by `run`).
#[test]
fn a_failure_at_any_step_leaves_the_file_untouched() {
    let block = text("block.yaml");
    let edits: [&[&str]; 2] = [
        &["remove", "search-cache-ttl"],
        &["new", "f", "--type", "permission", "--owner", "t"],
    ];
    let faults = [
        "create",
        "write:0",
        "write:17",
        "write:1000000",
        "permissions",
        "sync",
        "changed",
        "rename",
    ];
    for original in [block.clone(), crlf(&block)] {
        for edit in edits {
            for fault in faults {
                let (out, dir) = Test::new()
                    .flags(&original)
                    .args(edit)
                    .env("FLAGCTL_TEST_FAULT", fault)
                    .run_keep();
                let out = out.code(2);
                assert!(
                    out.stderr.contains("the file is unchanged"),
                    "{fault}: {}",
                    out.stderr
                );
                let after = std::fs::read(dir.path().join("flags.yaml")).expect("read");
                assert_eq!(after, original.as_bytes(), "{fault}");
                assert_eq!(leftovers(dir.path()), ["flags.yaml"], "{fault}");
            }
        }
    }
}

/// A directory where the temporary file cannot be created: a real OS failure.
#[cfg(unix)]
#[test]
fn read_only_directory_leaves_the_file_untouched() {
    use std::os::unix::fs::PermissionsExt;
    let block = text("block.yaml");
    let test = Test::new().flags(&block).args(["remove", "checkout-v2"]);
    let dir = test.path().to_path_buf();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    // root ignores directory permissions, so the failure cannot be provoked.
    let probe = dir.join("probe");
    if std::fs::write(&probe, "").is_ok() {
        let _ = std::fs::remove_file(&probe);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED read_only_directory_leaves_the_file_untouched: running as root, which ignores directory permissions"
        );
        return;
    }
    let (out, tmp) = test.run_keep();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = out.code(2);
    assert!(
        out.stderr.contains("creating a temporary file"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("the file is unchanged"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("flags.yaml")).expect("read"),
        block
    );
    assert_eq!(leftovers(tmp.path()), ["flags.yaml"]);
}
