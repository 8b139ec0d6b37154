//! `flagctl scan` on the hand-counted fixture tree `fixtures/scan/repo` (copied into a
//! temporary directory, so symlink loops, unreadable files and huge lines can be added
//! without touching the repository).
//!
//! The fixture covers Go, Java, Kotlin, TypeScript, Python and Ruby, plus Markdown.
//! Hard cases, each asserted below: `checkout` inside `checkout-v2`, `checkouts`,
//! `new_checkout_flow` (no match); aliases in every style (kebab, snake,
//! screaming_snake, camel, pascal, dot) and a literal alias; keys in comments and
//! strings; a pattern capture that is also a key (one record, kind `pattern`); an
//! undefined key; a gitignored directory, a `.ignore`d file and a `.flagctlignore`d
//! directory (not scanned, not counted); an excluded minified file and an excluded
//! directory; a binary file; a Latin-1 (invalid UTF-8) file; a file without a trailing
//! newline; CRLF line endings; a 4,000-character line; hidden files.

use crate::common::{Output, Test, root};
use serde_json::Value;
use std::path::Path;

/// A test whose temporary directory holds a copy of `fixtures/scan/repo`.
fn fixture() -> Test {
    fn copy(t: Test, dir: &Path, rel: &str) -> Test {
        let mut t = t;
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("fixture dir")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for p in entries {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            let rel = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            t = if p.is_dir() {
                copy(t, &p, &rel)
            } else {
                t.file(&rel, std::fs::read(&p).expect("read fixture"))
            };
        }
        t
    }
    copy(Test::new(), &root().join("fixtures/scan/repo"), "")
}

/// `path:line:col flag matched kind` for every reference.
fn records(json: &Value) -> Vec<String> {
    json["references"]
        .as_array()
        .expect("references")
        .iter()
        .map(|r| {
            format!(
                "{}{}:{}:{} {} {} {}",
                match r["root"].as_str() {
                    Some(".") | None => String::new(),
                    Some(root) => format!("{root}|"),
                },
                r["path"].as_str().unwrap_or("?"),
                r["line"],
                r["column"],
                r["flag"].as_str().unwrap_or("?"),
                r["matched"].as_str().unwrap_or("?"),
                r["kind"].as_str().unwrap_or("?"),
            )
        })
        .collect()
}

/// Every reference in the fixture, counted by hand from the files.
const EXPECTED: &[&str] = &[
    // Markdown: a key in backquotes and the literal alias.
    "docs/flags.md:4:4 new-payment-processor new-payment-processor key",
    "docs/flags.md:4:32 new-payment-processor USE_NEW_PROCESSOR alias",
    // Go: `package checkout` is the short key as a whole token; the comment's
    // `checkout-v2` is a key in a comment; two pattern captures that are also keys
    // (one record each, kind pattern); `new_checkout_flow`, `newCheckoutFlow` and
    // `checkouts` do not match.
    "src/go/checkout.go:1:9 checkout checkout key",
    "src/go/checkout.go:3:4 checkout-v2 checkout-v2 key",
    "src/go/checkout.go:5:25 checkout-v2 checkout-v2 pattern",
    "src/go/checkout.go:8:25 checkout checkout pattern",
    // Java: screaming_snake alias in a comment and as a constant, literal alias,
    // key in a string, pattern.
    "src/java/PaymentService.java:4:19 new-payment-processor NEW_PAYMENT_PROCESSOR alias",
    "src/java/PaymentService.java:4:56 new-payment-processor USE_NEW_PROCESSOR alias",
    "src/java/PaymentService.java:5:25 new-payment-processor NEW_PAYMENT_PROCESSOR alias",
    "src/java/PaymentService.java:5:50 new-payment-processor new-payment-processor key",
    "src/java/PaymentService.java:6:46 new-payment-processor USE_NEW_PROCESSOR alias",
    "src/java/PaymentService.java:9:40 new-payment-processor new-payment-processor pattern",
    // Kotlin: camel, screaming_snake, pascal and dot aliases of `sdk-v2` (digits stay
    // with their word); `sdkV2Client`, `sdk_v2_timeout`, `darkModeEnabled` do not match.
    "src/kotlin/Theme.kt:3:4 sdk-v2 sdkV2 alias",
    "src/kotlin/Theme.kt:3:15 sdk-v2 SDK_V2 alias",
    "src/kotlin/Theme.kt:5:36 sdk-v2 SdkV2 alias",
    "src/kotlin/Theme.kt:6:27 sdk-v2 sdk.v2 alias",
    // Python (no trailing newline): screaming_snake and snake aliases, the dot alias
    // `checkout.v2` (the longer spelling wins over `checkout`), a key in the last line.
    "src/py/pricing.py:3:1 new-payment-processor NEW_PAYMENT_PROCESSOR alias",
    "src/py/pricing.py:3:26 new-payment-processor new_payment_processor alias",
    "src/py/pricing.py:7:14 checkout-v2 checkout.v2 alias",
    "src/py/pricing.py:8:19 checkout-v2 CHECKOUT_V2 alias",
    "src/py/pricing.py:10:27 checkout checkout key",
    // Ruby, Latin-1: the column counts the invalid byte as one character.
    "src/rb/menu.rb:1:14 sdk-v2 sdk_v2 alias",
    "src/rb/menu.rb:4:21 sdk-v2 sdk_v2 alias",
    "src/rb/menu.rb:4:56 sdk-v2 sdk-v2 pattern",
    // TypeScript with CRLF: a pattern with single quotes, a key in a string;
    // `dark-mode-v2` does not match `dark-mode`.
    "src/ts/banner.ts:4:42 new-payment-processor new-payment-processor pattern",
    "src/ts/banner.ts:5:47 checkout checkout key",
    // A 4,043-character line.
    "src/ts/long_line.ts:1:2023 new-payment-processor newPaymentProcessor alias",
];

fn scan_json(t: Test, args: &[&str]) -> (Output, Value) {
    let out = t
        .args(["scan", "--format", "json"])
        .args(args)
        .run()
        .code(0);
    let json = out.json();
    (out, json)
}

#[test]
fn finds_exactly_the_hand_counted_references() {
    let (out, json) = scan_json(fixture(), &[]);
    assert_eq!(records(&json), EXPECTED);
    assert!(
        out.stderr.is_empty(),
        "json mode prints nothing on stderr: {}",
        out.stderr
    );
    assert_eq!(json["version"], 1);
    assert_eq!(json["roots"], serde_json::json!(["."]));
    assert_eq!(json["unreferenced"], serde_json::json!(["dark-mode"]));
    let undefined = &json["undefined"];
    assert_eq!(undefined.as_array().map(Vec::len), Some(1));
    assert_eq!(undefined[0]["key"], "chekout-v3");
    assert_eq!(undefined[0]["path"], "src/go/checkout.go");
    assert_eq!(
        (&undefined[0]["line"], &undefined[0]["column"]),
        (&13.into(), &25.into())
    );
    let top: Vec<&String> = json.as_object().expect("object").keys().collect();
    assert_eq!(
        top,
        [
            "version",
            "command",
            "flagctl",
            "roots",
            "stats",
            "references",
            "undefined",
            "unreferenced",
            "nested"
        ]
    );
}

#[test]
fn every_skipped_file_is_counted_by_reason() {
    let (_, json) = scan_json(fixture(), &[]);
    let stats = &json["stats"];
    // docs/flags.md and the seven source files of six languages.
    assert_eq!(stats["files_scanned"], 8);
    assert_eq!(
        stats["skipped"],
        serde_json::json!({
            "binary": 1,          // assets/logo.png
            "too_large": 0,
            "unreadable": 0,
            "excluded": 1,        // web/dist/app.min.js (**/*.min.js)
            "excluded_dirs": 1,   // vendor (vendor/**)
            "hidden": 5,          // .config/ .flagctlignore .gitattributes .gitignore src/py/.ignore
            "symlinks": 0,
            "symlink_loops": 0,
            "special": 0,
            "flags_file": 1,
        })
    );
    let files = std::fs::read_dir(root().join("fixtures/scan/repo/src"))
        .expect("src")
        .count();
    assert_eq!(files, 6, "one directory per language");
}

#[test]
fn text_fields_are_the_line_without_its_ending() {
    let (_, json) = scan_json(fixture(), &[]);
    let refs = json["references"].as_array().expect("refs");
    let at = |path: &str, line: u64| {
        refs.iter()
            .find(|r| r["path"] == path && r["line"] == line)
            .expect("record")
    };
    // CRLF: no `\r` in the text.
    assert_eq!(
        at("src/ts/banner.ts", 4)["text"],
        "  const newProcessor = isFeatureEnabled('new-payment-processor');"
    );
    // Latin-1: the invalid byte becomes U+FFFD in the text only.
    assert!(
        at("src/rb/menu.rb", 1)["text"]
            .as_str()
            .expect("text")
            .starts_with("# Caf\u{fffd} menu: sdk_v2")
    );
    // The long line: 300 characters around the match, marked.
    let long = at("src/ts/long_line.ts", 1);
    let text = long["text"].as_str().expect("text");
    assert_eq!(long["truncated"], true);
    assert_eq!(text.chars().count(), 300);
    assert_eq!(&text[100..119], "newPaymentProcessor");
    assert_eq!(at("src/go/checkout.go", 1)["truncated"], false);
}

#[test]
fn snapshot_text() {
    let out = fixture().args(["scan"]).run().code(0);
    insta::assert_snapshot!("scan_text", out.stdout);
    insta::assert_snapshot!("scan_text_stderr", out.stderr);
}

#[test]
fn snapshot_summary() {
    let out = fixture().args(["scan", "--summary"]).run().code(0);
    insta::assert_snapshot!("scan_summary", out.stdout);
}

#[test]
fn snapshot_json() {
    let out = fixture()
        .args(["scan", "--format", "json", "--flag", "sdk-v2", "-C", "1"])
        .run()
        .code(0);
    insta::assert_snapshot!("scan_json_flag_context", out.stdout);
}

#[test]
fn snapshot_csv() {
    let out = fixture().args(["scan", "--format", "csv"]).run().code(0);
    insta::assert_snapshot!("scan_csv", out.stdout);
}

#[test]
fn snapshot_text_with_context() {
    let out = fixture()
        .args(["scan", "--flag", "checkout", "-C", "2"])
        .run()
        .code(0);
    insta::assert_snapshot!("scan_text_flag_context", out.stdout);
}

#[test]
fn flag_restricts_to_one_flag() {
    let (_, json) = scan_json(fixture(), &["--flag", "checkout"]);
    assert_eq!(
        records(&json),
        [
            "src/go/checkout.go:1:9 checkout checkout key",
            "src/go/checkout.go:8:25 checkout checkout pattern",
            "src/py/pricing.py:10:27 checkout checkout key",
            "src/ts/banner.ts:5:47 checkout checkout key",
        ]
    );
    assert_eq!(json["undefined"], serde_json::json!([]));
    assert_eq!(json["unreferenced"], serde_json::json!([]));
    let (_, json) = scan_json(fixture(), &["--flag", "dark-mode"]);
    assert_eq!(json["references"], serde_json::json!([]));
    assert_eq!(json["unreferenced"], serde_json::json!(["dark-mode"]));
    let out = fixture().args(["scan", "--flag", "chekout"]).run().code(2);
    assert_eq!(
        out.stderr,
        "error: unknown flag `chekout`; did you mean `checkout`?\n"
    );
}

#[test]
fn context_lines_are_recorded() {
    let (_, json) = scan_json(fixture(), &["--flag", "checkout", "-C", "1"]);
    let first = &json["references"][0];
    assert_eq!(
        first["context"],
        serde_json::json!({ "before": [], "after": [""] })
    );
    let last_py = &json["references"][2];
    assert_eq!(
        last_py["context"],
        serde_json::json!({ "before": ["        return order.total * 0.9"], "after": [] })
    );
    let (_, json) = scan_json(fixture(), &[]);
    assert!(json["references"][0].get("context").is_none());
}

#[test]
fn several_roots_each_record_carries_its_root() {
    let (_, json) = scan_json(fixture(), &["src/rb", "src/go/", "./src/rb"]);
    assert_eq!(json["roots"], serde_json::json!(["src/rb", "src/go"]));
    assert_eq!(
        records(&json),
        [
            "src/rb|menu.rb:1:14 sdk-v2 sdk_v2 alias",
            "src/rb|menu.rb:4:21 sdk-v2 sdk_v2 alias",
            "src/rb|menu.rb:4:56 sdk-v2 sdk-v2 pattern",
            "src/go|checkout.go:1:9 checkout checkout key",
            "src/go|checkout.go:3:4 checkout-v2 checkout-v2 key",
            "src/go|checkout.go:5:25 checkout-v2 checkout-v2 pattern",
            "src/go|checkout.go:8:25 checkout checkout pattern",
        ]
    );
    // Text output shows paths from the current directory.
    let out = fixture()
        .args(["scan", "src/rb", "src/java/PaymentService.java"])
        .run()
        .code(0);
    assert!(
        out.stdout
            .starts_with("src/rb/menu.rb:1:14: sdk-v2 (sdk_v2, mention)\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "src/java/PaymentService.java:9:40: new-payment-processor (new-payment-processor, check)\n"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn default_roots_are_relative_to_the_flags_file() {
    let t = fixture();
    let dir = t.path().join("src");
    let (_, json) = scan_json(t.current_dir(&dir), &[]);
    assert_eq!(json["roots"], serde_json::json!([".."]));
    assert_eq!(
        records(&json).len(),
        EXPECTED.len(),
        "same references from a subdirectory"
    );
    assert_eq!(json["references"][0]["root"], "..");
}

#[test]
fn missing_path_is_exit_2() {
    let out = fixture().args(["scan", "src", "nope"]).run().code(2);
    assert_eq!(
        out.stderr,
        "error: cannot scan `nope`: no such file or directory\n"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_options_are_exit_2() {
    let out = fixture()
        .args(["scan", "--max-filesize", "lots"])
        .run()
        .code(2);
    assert!(out.stderr.contains("--max-filesize"), "{}", out.stderr);
    let out = fixture()
        .args(["scan", "--summary", "--format", "json"])
        .run()
        .code(2);
    assert!(out.stderr.contains("--summary"), "{}", out.stderr);
    let out = fixture().args(["scan", "--format", "sarif"]).run().code(2);
    assert!(out.stderr.contains("invalid value"), "{}", out.stderr);
}

#[test]
fn invalid_exclude_glob_points_at_the_flags_file() {
    let out = Test::new()
        .flags("version: 1\nsettings:\n  scan:\n    exclude: [\"a/**\", \"b/[x\"]\nflags: {}\n")
        .args(["scan"])
        .run()
        .code(2);
    assert!(
        out.stderr.starts_with(
            "error: flags.yaml:4:23: settings.scan.exclude: `b/[x` is not a valid glob"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn hidden_and_no_ignore_widen_the_scan() {
    let (_, json) = scan_json(fixture(), &["--hidden", "--flag", "checkout-v2"]);
    let recs = records(&json);
    assert!(
        recs.contains(&".config/flags.local.yaml:1:1 checkout-v2 checkout-v2 key".to_string()),
        "{recs:?}"
    );
    assert_eq!(json["stats"]["skipped"]["hidden"], 0);
    let (_, json) = scan_json(fixture(), &["--no-ignore", "--flag", "checkout-v2"]);
    let recs = records(&json);
    for expected in [
        "docs/archive/old.md:1:10 checkout-v2 checkout-v2 key",
        "src/py/legacy_pricing.py:1:1 checkout-v2 CHECKOUT_V2 alias",
    ] {
        assert!(
            recs.contains(&expected.to_string()),
            "{expected} in {recs:?}"
        );
    }
    let (_, json) = scan_json(fixture(), &["--no-ignore", "--flag", "checkout"]);
    assert!(
        records(&json).contains(&"generated/flags_gen.go:3:19 checkout checkout key".to_string())
    );
}

#[test]
fn output_is_deterministic_across_thread_counts() {
    let run = |threads: &str| {
        fixture()
            .args(["scan", "--format", "json", "-j", threads])
            .run()
            .code(0)
            .stdout
    };
    let one = run("1");
    assert_eq!(one, run("4"));
    assert_eq!(one, run("8"));
}

#[cfg(unix)]
#[test]
fn symlinks_are_skipped_and_loops_detected_with_follow() {
    let t = fixture();
    std::os::unix::fs::symlink("..", t.path().join("src/go/loop")).expect("symlink");
    std::os::unix::fs::symlink("menu.rb", t.path().join("src/rb/menu_link.rb")).expect("symlink");
    let (out, json) = {
        let out = t.args(["scan", "--format", "json"]).run().code(0);
        let json = out.json();
        (out, json)
    };
    drop(out);
    assert_eq!(json["stats"]["skipped"]["symlinks"], 2);
    assert_eq!(records(&json), EXPECTED);

    let t = fixture();
    std::os::unix::fs::symlink("..", t.path().join("src/go/loop")).expect("symlink");
    std::os::unix::fs::symlink("menu.rb", t.path().join("src/rb/menu_link.rb")).expect("symlink");
    let out = t.args(["scan", "--follow"]).run().code(0);
    assert!(
        out.stderr
            .contains("warning: symbolic link loop at src/go/loop: leads back to src\n"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout
            .contains("src/rb/menu_link.rb:4:56: sdk-v2 (sdk-v2, check)\n"),
        "{}",
        out.stdout
    );
    let t = fixture();
    std::os::unix::fs::symlink("..", t.path().join("src/go/loop")).expect("symlink");
    let (_, json) = scan_json(t, &["--follow"]);
    assert_eq!(json["stats"]["skipped"]["symlink_loops"], 1);
    assert_eq!(json["stats"]["errors"][0]["reason"], "symlink_loop");
    assert_eq!(records(&json), EXPECTED);
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_counted_and_named() {
    use std::os::unix::fs::PermissionsExt;
    let t = fixture().file("src/secret.go", "const K = \"checkout\"\n");
    let path = t.path().join("src/secret.go");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&path).is_ok() {
        eprintln!(
            "skipped unreadable_files_are_counted_and_named: running as root, which reads any file"
        );
        return;
    }
    let out = t.args(["scan"]).run().code(0);
    assert!(
        out.stderr
            .contains("warning: cannot read src/secret.go: Permission denied\n"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("1 unreadable"), "{}", out.stderr);
}

#[test]
fn huge_lines_and_the_size_limit() {
    // A single 50 MB line with a reference at its end, and one in the middle.
    let mut line = vec![b'x'; 50 * 1024 * 1024];
    line.extend_from_slice(b" SDK_V2\n");
    line[25 * 1024 * 1024..25 * 1024 * 1024 + 10].copy_from_slice(b" checkout ");
    let t = fixture().file("big/blob.js", &line);
    let (_, json) = scan_json(t, &["--flag", "sdk-v2", "--max-filesize", "64M"]);
    let big: Vec<String> = records(&json)
        .into_iter()
        .filter(|r| r.starts_with("big/"))
        .collect();
    assert_eq!(
        big,
        [format!(
            "big/blob.js:1:{} sdk-v2 SDK_V2 alias",
            50 * 1024 * 1024 + 2
        )]
    );
    let t = fixture().file("big/blob.js", &line);
    let (_, json) = scan_json(t, &[]);
    assert_eq!(json["stats"]["skipped"]["too_large"], 1);
    assert_eq!(json["stats"]["max_filesize"], 10 * 1024 * 1024);
    assert_eq!(records(&json), EXPECTED);
}

#[test]
fn references_are_found_whatever_the_result_is_exit_0() {
    let out = Test::new()
        .flags("version: 1\nflags:\n  a-flag:\n    type: operational\n    owner: me\n")
        .file("src/x.txt", "nothing here\n")
        .args(["scan"])
        .run()
        .code(0);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr
            .starts_with("scanned 1 file (13 B) in .: 0 references to 0 of 1 flag\n"),
        "{}",
        out.stderr
    );
    let out = Test::new()
        .flags("version: 1\nflags:\n  a-flag:\n    type: operational\n    owner: me\n")
        .file("src/x.txt", "nothing here\n")
        .args(["scan", "--quiet"])
        .run()
        .code(0);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[test]
fn colors_on_request() {
    let out = fixture()
        .args(["scan", "--color", "always", "src/rb"])
        .run()
        .code(0);
    assert!(
        out.stdout.contains(
            "\x1b[35msrc/rb/menu.rb\x1b[0m:1:14: \x1b[1msdk-v2\x1b[0m (\x1b[32msdk_v2\x1b[0m, mention)"
        ),
        "{:?}",
        out.stdout
    );
}

#[test]
fn closed_pipe_is_not_an_error() {
    let (status, stderr) = Test::new()
        .flags("version: 1\nflags:\n  k:\n    type: operational\n    owner: me\n")
        .file("src/many.txt", "k ".repeat(200_000))
        .args(["scan"])
        .run_closing_stdout_early();
    assert!(status.success(), "status {status:?}, stderr {stderr}");
}

#[test]
fn fixture_hard_cases_are_intact() {
    // Guards against a checkout that rewrote the fixture (line endings, encodings).
    let read = |rel: &str| std::fs::read(root().join("fixtures/scan/repo").join(rel)).expect(rel);
    assert!(
        read("src/ts/banner.ts")
            .windows(2)
            .all(|w| w[1] != b'\n' || w[0] == b'\r')
    );
    assert!(std::str::from_utf8(&read("src/rb/menu.rb")).is_err());
    assert!(read("assets/logo.png")[..16].contains(&0));
    assert!(!read("src/py/pricing.py").ends_with(b"\n"));
    assert!(read("src/ts/long_line.ts").len() > 4000);
    assert!(
        root()
            .join("fixtures/scan/repo/generated/flags_gen.go")
            .is_file()
    );
}

/// Runs as root too (where permissions cannot make a file unreadable): a dangling
/// link followed with `--follow` cannot be read, and is counted and named.
#[cfg(unix)]
#[test]
fn dangling_links_followed_are_unreadable_and_named() {
    let t = fixture();
    std::os::unix::fs::symlink("gone.go", t.path().join("src/go/dangling.go")).expect("symlink");
    let (_, json) = scan_json(t, &["--follow"]);
    assert_eq!(json["stats"]["skipped"]["unreadable"], 1);
    assert_eq!(json["stats"]["errors"][0]["path"], "src/go/dangling.go");
    assert_eq!(json["stats"]["errors"][0]["reason"], "unreadable");
    assert_eq!(records(&json), EXPECTED);
}

#[test]
fn exclude_globs_are_relative_to_the_flags_file_and_unused_ones_are_reported() {
    // `paths` and `exclude` are both relative to the directory holding flags.yaml, so
    // this glob excludes the generated client under the one scan root; the second glob
    // matches nothing and says so instead of silently doing nothing.
    let flags = "version: 1\nsettings:\n  scan:\n    paths: [frontend/src]\n    exclude: [\"frontend/src/openapi/**\", \"backend/**\"]\nflags:\n  checkout:\n    type: operational\n    owner: o\n    description: d\n";
    let out = Test::new()
        .flags(flags)
        .file("frontend/src/app.ts", "if (flags.checkout) {}\n")
        .file("frontend/src/openapi/client.ts", "const checkout = 1;\n")
        .args(["scan", "--format", "json"])
        .run()
        .code(0);
    let doc = out.json();
    let paths: Vec<&str> = doc["references"]
        .as_array()
        .expect("references")
        .iter()
        .filter_map(|r| r["path"].as_str())
        .collect();
    assert_eq!(paths, ["app.ts"]);
    assert_eq!(doc["stats"]["skipped"]["excluded_dirs"], 1);
    assert_eq!(
        doc["stats"]["unused_excludes"],
        serde_json::json!(["backend/**"])
    );
    let out = Test::new()
        .flags(flags)
        .file("frontend/src/app.ts", "if (flags.checkout) {}\n")
        .args(["scan"])
        .run()
        .code(0);
    assert!(
        out.stderr
            .contains("note: settings.scan.exclude `frontend/src/openapi/**` matched nothing"),
        "{}",
        out.stderr
    );
    // A scan of a path chosen on the command line reports only the globs that point
    // inside it: it never looked at `backend/`.
    let out = Test::new()
        .flags(flags)
        .file("frontend/src/app.ts", "if (flags.checkout) {}\n")
        .args(["scan", "--format", "json", "frontend/src"])
        .run()
        .code(0);
    assert_eq!(
        out.json()["stats"]["unused_excludes"],
        serde_json::json!(["frontend/src/openapi/**"])
    );
}

#[test]
fn references_in_tests_and_docs_do_not_keep_a_flag_alive() {
    let flags = "version: 1\nsettings:\n  scan:\n    areas:\n      docs: [\"*.md\", \"*.txt\"]\nflags:\n  checkout:\n    type: operational\n    owner: o\n    description: d\n  search:\n    type: operational\n    owner: o\n    description: d\n";
    let t = || {
        Test::new()
            .flags(flags)
            .file("src/app.ts", "if (flags.search) {}\n")
            .file("src/app.test.ts", "mock({ checkout: true });\n")
            .file("tests/e2e.py", "checkout = True\n")
            .file("notes.txt", "checkout is on\n")
    };
    let doc = t().args(["scan", "--format", "json"]).run().code(0).json();
    let areas: Vec<(&str, &str)> = doc["references"]
        .as_array()
        .expect("references")
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap_or(""),
                r["area"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        areas,
        [
            ("notes.txt", "docs"),
            ("src/app.test.ts", "test"),
            ("src/app.ts", "code"),
            ("tests/e2e.py", "test")
        ]
    );
    assert_eq!(
        doc["stats"]["areas"],
        serde_json::json!({"code": 1, "test": 2, "docs": 1})
    );
    let stale = t()
        .args(["stale", "--scan", "--format", "json", "--now", "2026-01-01"])
        .run()
        .code(0)
        .json();
    let finding = stale["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["kind"] == "unreferenced")
        .cloned()
        .expect("unreferenced");
    assert_eq!(finding["flag"], "checkout");
    assert_eq!(
        finding["message"],
        "no production code references flag `checkout`; its remaining references are in tests (2) and docs (1)"
    );
    let summary = t().args(["scan", "--summary"]).run().code(0);
    assert!(
        summary.stdout.contains("references ┆ code ┆ test ┆ docs"),
        "{}",
        summary.stdout
    );
}

#[test]
fn a_common_word_key_is_reported_noisy() {
    let flags =
        "version: 1\nflags:\n  demo:\n    type: operational\n    owner: o\n    description: d\n";
    let code: String = (0..12)
        .map(|i| format!("// demo {i}: run the demo\n"))
        .collect();
    let out = Test::new()
        .flags(flags)
        .file("src/a.go", code)
        .args(["stale", "--scan", "--format", "json", "--now", "2026-01-01"])
        .run()
        .code(0);
    let doc = out.json();
    assert_eq!(doc["findings"][0]["kind"], "noisy-key", "{}", out.stdout);
    assert!(
        doc["findings"][0]["action"]
            .as_str()
            .expect("action")
            .contains("settings.scan.patterns"),
    );
}
