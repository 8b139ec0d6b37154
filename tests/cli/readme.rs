//! The README's examples are tests: every ```console block is run from the repository
//! root and its output compared with what the README shows, so an example cannot go
//! stale. Blocks fenced ```sh (or anything but `console`) are not run.
//!
//! In a ```console block, a line starting with `$ ` is a command, run by `sh -c` with
//! the built flagctl first on `PATH`, `COLUMNS=100` and no colors; the lines after it,
//! up to the next `$ ` line or the end of the block, are its output: stdout and stderr
//! together, as a terminal shows them. Trailing whitespace and trailing blank lines are
//! ignored. Two wildcards, for what truly varies or is too long to show:
//! `[..]` inside a line matches any text on that line, and a line holding only `...`
//! matches any number of lines.
//!
//! `UPDATE_README=1 cargo test --test cli readme` rewrites the outputs that differ (and
//! the generated tables) in README.md; review the change with `git diff`.

use crate::common::root;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// Held while a test reads or rewrites README.md, so two rewrites do not interleave.
static README: Mutex<()> = Mutex::new(());

/// The environment variable that turns on rewriting README.md.
const UPDATE: &str = "UPDATE_README";

/// One `$ ` command of a console block and the output the README shows for it.
#[derive(Debug)]
struct Example {
    /// The command line, without `$ `.
    command: String,
    /// The README line (0-based) of the first output line.
    start: usize,
    /// The output lines as written (trailing blank lines excluded).
    expected: Vec<String>,
}

/// Every command of every ```console block of `text`, in order.
fn examples(text: &str) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut fence: Option<bool> = None; // Some(is_console) inside a block
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            fence = match fence {
                None => Some(info.trim() == "console"),
                Some(_) => None,
            };
            continue;
        }
        if fence != Some(true) {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            out.push(Example {
                command: command.to_string(),
                start: n + 1,
                expected: Vec::new(),
            });
        } else if let Some(last) = out.last_mut() {
            last.expected.push(line.to_string());
        }
    }
    for e in &mut out {
        while e.expected.last().is_some_and(|l| l.trim().is_empty()) {
            e.expected.pop();
        }
    }
    out
}

/// Whether `actual` matches `expected`, where `[..]` matches any text.
fn line_matches(expected: &str, actual: &str) -> bool {
    let mut parts = expected.split("[..]");
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// Whether the `actual` lines match the `expected` ones, where a `...` line matches
/// any number of lines.
fn lines_match(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first.trim() == "..." => {
            (0..=actual.len()).any(|skip| lines_match(rest, &actual[skip..]))
        }
        Some((first, rest)) => actual
            .split_first()
            .is_some_and(|(a, tail)| line_matches(first, a) && lines_match(rest, tail)),
    }
}

/// Runs `command` from `dir` with `bin_dir` first on `PATH`; stdout and stderr
/// together, trailing whitespace and blank lines removed.
fn run(command: &str, dir: &Path, bin_dir: &Path) -> Vec<String> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![bin_dir.to_path_buf()];
    dirs.extend(std::env::split_paths(&path));
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("exec 2>&1; {command}"))
        .current_dir(dir)
        .env("PATH", std::env::join_paths(dirs).expect("PATH"))
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .env_remove("FLAGCTL_FLAGS")
        .output()
        .expect("run sh");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines: Vec<String> = text.lines().map(|l| l.trim_end().to_string()).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

/// Why the examples cannot run here, if they cannot: they need git, and the bundled
/// flags.yaml's findings read this repository's full history.
fn cannot_run(root: &Path) -> Option<String> {
    let out = Command::new("git")
        .args(["rev-parse", "--is-shallow-repository"])
        .current_dir(root)
        .output();
    match out {
        Err(e) => Some(format!("git is not available ({e})")),
        Ok(o) if !o.status.success() => Some("the repository root is not a git checkout".into()),
        Ok(o) if String::from_utf8_lossy(&o.stdout).trim() != "false" => {
            Some("the checkout is shallow: the examples read flags.yaml's full history".into())
        }
        Ok(_) => None,
    }
}

/// The built binary's directory.
fn bin_dir() -> PathBuf {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_flagctl"));
    bin.parent().expect("binary directory").to_path_buf()
}

/// The files no example may change.
const PROTECTED: [&str; 2] = ["flags.yaml", "flags.test.yaml"];

#[test]
fn readme_examples_run_as_shown() {
    let _guard = README.lock().unwrap_or_else(|e| e.into_inner());
    let root = root();
    if let Some(reason) = cannot_run(&root) {
        eprintln!("skipped: README examples not run: {reason}");
        return;
    }
    let readme_path = root.join("README.md");
    let mut readme = std::fs::read_to_string(&readme_path).expect("README.md");
    let before: Vec<Vec<u8>> = PROTECTED
        .iter()
        .map(|p| std::fs::read(root.join(p)).expect("protected file"))
        .collect();
    let bin_dir = bin_dir();
    let update = std::env::var_os(UPDATE).is_some();
    let mut failures = Vec::new();
    // Rewrites go bottom-up so earlier line numbers stay valid.
    let mut rewrites: Vec<(usize, usize, Vec<String>)> = Vec::new();
    let all = examples(&readme);
    assert!(all.len() > 20, "found only {} README examples", all.len());
    for example in &all {
        let actual = run(&example.command, &root, &bin_dir);
        let actual_refs: Vec<&str> = actual.iter().map(String::as_str).collect();
        if lines_match(&example.expected, &actual_refs) {
            continue;
        }
        let expected = example.expected.join("\n") + "\n";
        let diff = similar::TextDiff::from_lines(&expected, &(actual.join("\n") + "\n"))
            .unified_diff()
            .header("README.md", "actual")
            .to_string();
        failures.push(format!(
            "README.md:{}: $ {}\n{diff}",
            example.start, example.command
        ));
        rewrites.push((example.start, example.expected.len(), actual));
    }
    for (i, file) in PROTECTED.iter().enumerate() {
        let now = std::fs::read(root.join(file)).expect("protected file");
        assert!(now == before[i], "a README example changed {file}");
    }
    if update && !rewrites.is_empty() {
        readme = rewrite(&readme, rewrites);
        std::fs::write(&readme_path, &readme).expect("write README.md");
        eprintln!("README.md: {} outputs rewritten", failures.len());
        return;
    }
    assert!(
        failures.is_empty(),
        "{} README example(s) differ from what they print:\n\n{}\nIf the new output is \
         right: `{UPDATE}=1 cargo test --test cli readme`, then review `git diff README.md`.",
        failures.len(),
        failures.join("\n")
    );
}

/// `text` with each `(start, len, lines)` range of lines replaced.
fn rewrite(text: &str, mut rewrites: Vec<(usize, usize, Vec<String>)>) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    rewrites.sort_by_key(|r| std::cmp::Reverse(r.0));
    for (start, len, new) in rewrites {
        lines.splice(start..start + len, new);
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// The comment lines around the generated table of evaluation reasons.
const REASONS_START: &str = "<!-- generated from src/eval/mod.rs by the README test -->";
const REASONS_END: &str = "<!-- end of generated reasons -->";

#[test]
fn readme_defines_every_reason_and_error_code() {
    let _guard = README.lock().unwrap_or_else(|e| e.into_inner());
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let start = readme
        .find(REASONS_START)
        .expect("README: start of the reasons table")
        + REASONS_START.len()
        + 1;
    let end = readme[start..]
        .find(REASONS_END)
        .expect("README: end of the reasons table")
        + start;
    let expected = flagctl::render::codes::evaluation_reasons();
    if readme[start..end] == expected {
        return;
    }
    if std::env::var_os(UPDATE).is_some() {
        let updated = format!("{}{expected}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).expect("write README.md");
        return;
    }
    panic!(
        "README.md's table of reasons and error codes is not the enums' (src/eval/mod.rs). \
         Expected:\n{expected}\nRun `{UPDATE}=1 cargo test --test cli readme`."
    );
}

#[test]
fn the_wildcards_match_what_they_say() {
    assert!(line_matches("a [..] c", "a b b c"));
    assert!(line_matches("[..]", ""));
    assert!(!line_matches("a [..] c", "a b d"));
    assert!(!line_matches("abc", "abcd"));
    let expected: Vec<String> = ["one", "...", "four"].map(String::from).to_vec();
    assert!(lines_match(&expected, &["one", "two", "three", "four"]));
    assert!(lines_match(&expected, &["one", "four"]));
    assert!(!lines_match(&expected, &["one", "two"]));
}

#[test]
fn only_console_blocks_are_examples() {
    let text = "```sh\n$ not run\n```\n```console\n$ a\nout\n\n$ b\n```\n";
    let found = examples(text);
    let commands: Vec<&str> = found.iter().map(|e| e.command.as_str()).collect();
    assert_eq!(commands, ["a", "b"]);
    assert_eq!(found[0].expected, ["out"]);
    assert_eq!(found[0].start, 5);
}
