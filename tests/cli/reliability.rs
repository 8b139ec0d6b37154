//! Defects found by a hostile-input campaign, one test each: inputs that used to panic,
//! wrong answers on odd but valid files, and files that are not what they seem.

use crate::common::Test;
use std::io::Write;

/// A valid one-flag file with `extra` appended to the flag's body.
fn flag_with(extra: &str) -> String {
    format!(
        "version: 1\nflags:\n  a:\n    description: d\n    type: operational\n    owner: team\n{extra}"
    )
}

/// A duration whose last character is multibyte used to panic every command that
/// loaded the file (slicing the unit off by bytes); one that overflows used to wrap to
/// a negative lifetime. Both are now `invalid-duration`.
#[test]
fn odd_durations_are_diagnostics_not_panics() {
    for setting in ["expiry_warning: 5é", "max_expiry: 2000000000000000000w"] {
        let flags = format!("version: 1\nsettings:\n  {setting}\nflags: {{}}\n");
        let out = Test::new()
            .flags(&flags)
            .args(["validate", "--format", "json"])
            .run()
            .code(1);
        let codes: Vec<String> = out.json()["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| d["code"].as_str().expect("code").to_string())
            .collect();
        assert_eq!(codes, ["invalid-duration"], "{setting}");
        let out = Test::new().flags(&flags).args(["list"]).run().code(2);
        assert!(
            out.stderr.contains("not a duration") || out.stderr.contains("too long"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn new_with_a_multibyte_or_overflowing_expiry_is_a_usage_error() {
    for expires in ["5é", "2000000000000000000w", "é"] {
        let out = Test::new()
            .flags("version: 1\nflags: {}\n")
            .args([
                "new",
                "x",
                "--type",
                "release",
                "--owner",
                "t",
                "--expires",
                expires,
            ])
            .run()
            .code(2);
        assert!(
            out.stderr.contains("--expires"),
            "{expires}: {}",
            out.stderr
        );
        if expires.ends_with('w') {
            assert!(out.stderr.contains("too long a duration"), "{}", out.stderr);
        }
    }
}

/// `100.0` is the integer 100 (as JSON Schema's `integer` says), so it is accepted and
/// evaluates as a full rollout; a fraction is refused with the number as written.
#[test]
fn rollout_written_as_a_float_with_zero_fraction_is_that_integer() {
    let out = Test::new()
        .flags(&flag_with("    rollout: 100.0\n    off: x\n    variants:\n      one: { value: x, weight: 50.0 }\n      two: { value: y, weight: 1e1 }\n"))
        .args(["validate"])
        .run();
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let out = Test::new()
        .flags(&flag_with("    rollout: 0.0\n"))
        .args(["eval", "a", "-c", "userId=u1", "--format", "json"])
        .run()
        .code(0);
    assert!(out.stdout.contains("false"), "{}", out.stdout);
    for (written, says) in [
        ("12.5", "is 12.5, not a whole number"),
        ("101.0", "is 101.0, outside 0..100"),
        ("1e300", "is 1e300, outside 0..100"),
    ] {
        let out = Test::new()
            .flags(&flag_with(&format!("    rollout: {written}\n")))
            .args(["validate"])
            .run()
            .code(1);
        assert!(out.stdout.contains(says), "{written}: {}", out.stdout);
    }
}

/// A syntax error found at the end of the file points at the last line, not one past it.
#[test]
fn syntax_error_at_end_of_file_is_on_the_last_line() {
    for text in [
        "version: 1\nflags:\n  a: \"unterminated\n",
        "version: 1\nflags:\n  a: \"unterminated\n\n",
        "version: 1\nflags:\n  a: 'x\n",
    ] {
        let lines = text.lines().count() as u64;
        let out = Test::new()
            .flags(text)
            .args(["validate", "--format", "json"])
            .run()
            .code(1);
        let d = &out.json()["diagnostics"][0];
        assert_eq!(d["code"], "yaml-syntax", "{text:?}");
        let line = d["line"].as_u64().expect("line");
        assert!(line <= lines, "{text:?}: line {line} of {lines}");
    }
}

/// Found by the `load` fuzz target: an empty complex key (`? # comment`) is placed by
/// the parser after the final newline; its `unknown-field` diagnostic must still point
/// at a line of the file.
#[test]
fn empty_value_at_end_of_file_is_reported_on_the_last_line() {
    let text = "# expect: x\n ? # comment\n  # another\n";
    let out = Test::new()
        .flags(text)
        .args(["validate", "--format", "json"])
        .run()
        .code(1);
    for d in out.json()["diagnostics"].as_array().expect("diagnostics") {
        let line = d["line"].as_u64().expect("line");
        assert!(line <= 3, "{d}");
    }
}

/// `--contexts` naming a directory or a named pipe says what it is (and never blocks
/// reading a pipe); a missing file still says it does not exist.
#[cfg(unix)]
#[test]
fn contexts_path_that_is_not_a_file_says_what_it_is() {
    let t = Test::new().flags(&flag_with("")).file("dir/keep", "");
    let fifo = t.path().join("pipe");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status();
    let mut cases = vec![
        ("dir", "is a directory"),
        ("/dev/null", "is a character device"),
        ("missing.yaml", "does not exist"),
    ];
    match status {
        Ok(s) if s.success() => cases.push(("pipe", "is a FIFO")),
        _ => {
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED the FIFO case: mkfifo is not available"
            );
        }
    }
    let dir = t.path().to_path_buf();
    let _keep = t;
    for (path, says) in cases {
        let out = Test::new()
            .current_dir(&dir)
            .args(["eval", "a", "--contexts", path, "-c", "someone"])
            .run()
            .code(2);
        assert!(out.stderr.contains(says), "{path}: {}", out.stderr);
    }
}
