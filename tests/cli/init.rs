//! `flagctl init [--discover]`: a new, commented flags.yaml that validates, never
//! written over an existing one; with `--discover`, one flag per key the code passes
//! to an SDK call, dated from git history and owned per CODEOWNERS.

use crate::common::Test;
use crate::gitrepo::{GitRepo, TODAY, ago, ahead};

/// The written flag `key`'s block: from its key line to the next blank line.
fn block<'a>(text: &'a str, key: &str) -> &'a str {
    let start = text
        .find(&format!("\n  {key}:\n"))
        .unwrap_or_else(|| panic!("no flag `{key}` in:\n{text}"));
    let rest = &text[start + 1..];
    &rest[..rest.find("\n\n").unwrap_or(rest.len())]
}

#[test]
fn init_writes_a_commented_file_that_validates() {
    let (out, dir) = Test::new().args(["--now", TODAY, "init"]).run_keep();
    let out = out.code(0);
    assert_eq!(
        out.stdout,
        "created flags.yaml with 0 flags; check it with `flagctl validate`\n"
    );
    let written = std::fs::read_to_string(dir.path().join("flags.yaml")).unwrap();
    insta::assert_snapshot!("init_blank", written);
    let out = Test::new()
        .current_dir(dir.path())
        .args(["--now", TODAY, "validate"])
        .run()
        .code(0);
    assert!(out.stdout.contains("valid (0 flags"), "{}", out.stdout);
    // The next step a new user takes works on what init wrote.
    Test::new()
        .current_dir(dir.path())
        .args([
            "--now", TODAY, "new", "a-flag", "--type", "release", "--owner", "web",
        ])
        .args(["--description", "A flag"])
        .run()
        .code(0);
    Test::new()
        .current_dir(dir.path())
        .args(["--now", TODAY, "validate"])
        .run()
        .code(0);
}

#[test]
fn init_never_overwrites_a_flags_file() {
    for extra in [vec![], vec!["--discover"], vec!["--dry-run"]] {
        let t = Test::new()
            .flags("keep me\n")
            .args(["--now", TODAY, "init"])
            .args(&extra);
        let (out, dir) = t.run_keep();
        let out = out.code(2);
        assert!(
            out.stderr
                .contains("flags.yaml already exists; `flagctl init` never overwrites"),
            "{}",
            out.stderr
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("flags.yaml")).unwrap(),
            "keep me\n"
        );
    }
}

#[test]
fn init_writes_here_or_at_flags_not_where_a_parent_file_is() {
    // A flags.yaml in a parent directory does not stop a new one here.
    let t = Test::new()
        .flags("version: 1\nflags: {}\n")
        .file("svc/README", "");
    let svc = t.path().join("svc");
    let (out, dir) = t
        .current_dir(&svc)
        .args(["--now", TODAY, "init"])
        .run_keep();
    out.code(0);
    assert!(dir.path().join("svc/flags.yaml").is_file());

    let (out, dir) = Test::new()
        .file("config/.keep", "")
        .args(["--now", TODAY, "--flags", "config/flags.yaml", "init"])
        .run_keep();
    let out = out.code(0);
    assert!(
        out.stdout.starts_with("created config/flags.yaml"),
        "{}",
        out.stdout
    );
    assert!(dir.path().join("config/flags.yaml").is_file());
    assert!(!dir.path().join("flags.yaml").exists());
}

#[test]
fn dry_run_prints_the_file_and_writes_nothing() {
    let (out, dir) = Test::new()
        .args(["--now", TODAY, "init", "--dry-run"])
        .run_keep();
    let out = out.code(0);
    assert!(
        out.stdout.starts_with("# The feature flags"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.ends_with("flags: {}\n"), "{}", out.stdout);
    assert!(!dir.path().join("flags.yaml").exists());
}

#[test]
fn discovery_options_need_discover() {
    for args in [
        vec!["src"],
        vec!["--owner", "web"],
        vec!["--type", "release"],
    ] {
        let out = Test::new()
            .args(["--now", TODAY, "init"])
            .args(&args)
            .run()
            .code(2);
        assert!(
            out.stderr.contains("--discover"),
            "{args:?}: {}",
            out.stderr
        );
    }
}

/// A repository using several SDKs in four languages, with a CODEOWNERS file that
/// leaves `services/` without an owner, a plan that names a key in prose long before
/// the code uses it, and one key added in a later commit.
fn sdk_repo() -> GitRepo {
    let repo = GitRepo::new();
    repo.write(
        "docs/plan.md",
        "Next quarter: new-checkout, behind a flag.\n",
    );
    repo.commit(ago(300), "Ada", "plan");
    repo.write(
        ".github/CODEOWNERS",
        "# Owners\n*.md        @acme/docs\n/web/       @acme/web\n/api/       @acme/api\n",
    )
    .write(
        "web/checkout.ts",
        "import { OpenFeature } from '@openfeature/web-sdk';\n\
         const client = OpenFeature.getClient();\n\
         if (client.getBooleanValue('new-checkout', false)) {\n  render();\n}\n\
         const dark = useFlag(\"dark-mode\");\n\
         gb.isOn(`flag-${name}`);\n",
    )
    .write(
        "api/main.go",
        "package main\n\n\
         func handle() {\n\
         \tif ld.BoolVariation(\"new-checkout\", user, false) {\n\t\tnewFlow()\n\t}\n\
         \tif ld.BoolVariation(\"new-checkout\", user, false) {\n\t\tlog()\n\t}\n}\n",
    )
    .write(
        "api/limits.py",
        "def limit(client):\n    return client.get_boolean_value(\"ops.rate-limit\", False)\n",
    );
    repo.commit(ago(100), "Ada", "checkout behind flags");
    repo.write(
        "services/Billing.java",
        "class Billing {\n  boolean v2() {\n    return client.getBooleanValue(\"billing-v2\", false);\n  }\n\
         \x20 boolean legacy() { return unleash.isEnabled(\"new checkout\"); }\n}\n",
    );
    repo.commit(ago(20), "Bob", "billing v2");
    repo
}

#[test]
fn discover_proposes_a_flag_per_key_from_git_and_codeowners() {
    let repo = sdk_repo();
    let out = repo.flagctl(["init", "--discover"]).run().code(0);
    insta::assert_snapshot!("init_discover_report", out.stderr);
    let written = std::fs::read_to_string(repo.path().join("flags.yaml")).unwrap();
    insta::assert_snapshot!("init_discover_flags", written);

    // `created` is the date of the commit that introduced the key in code (not the
    // plan that named it in prose); `expires` adds the release lifetime (40 days).
    let checkout = block(&written, "new-checkout");
    assert!(
        checkout.contains(&format!("created: {}\n", ago(100))),
        "{checkout}"
    );
    assert!(
        checkout.contains(&format!("expires: {}", ago(60))),
        "{checkout}"
    );
    let billing = block(&written, "billing-v2");
    assert!(
        billing.contains(&format!("created: {}\n", ago(20))),
        "{billing}"
    );
    assert!(
        billing.contains(&format!("expires: {}", ahead(20))),
        "{billing}"
    );
    // The owner of the file with the most calls (two in api/main.go, one in web/).
    assert!(checkout.contains("owner: \"@acme/api\""), "{checkout}");
    assert!(block(&written, "dark-mode").contains("owner: \"@acme/web\""));
    // No CODEOWNERS line covers services/: a valid placeholder, listed on stderr.
    assert!(billing.contains("owner: unowned"), "{billing}");
    assert!(
        out.stderr
            .contains("1 key has no owner from CODEOWNERS: billing-v2; set --owner"),
        "{}",
        out.stderr
    );
    // Strings that are not keys are skipped, and said so.
    assert!(!written.contains("new checkout"));
    assert!(out.stderr.contains("\"new checkout\": it contains a space"));
    assert!(out.stderr.contains("\"flag-${name}\": it contains `$`"));
    repo.flagctl(["validate"]).run().code(0);
    // Every proposed flag is now referenced from code.
    let out = repo.flagctl(["stale", "--scan", "--format", "json"]).run();
    assert!(!out.stdout.contains("unreferenced"), "{}", out.stdout);
}

#[test]
fn discover_without_git_dates_flags_today_and_says_so() {
    let t = Test::new()
        .file("src/a.ts", "if (unleash.isEnabled('kill-search')) {}\n")
        .file(
            "src/b.py",
            "if client.is_enabled('kill-search'):\n    pass\n",
        )
        .args([
            "--now",
            TODAY,
            "init",
            "--discover",
            "--type",
            "operational",
        ])
        .args(["--owner", "search-team"]);
    let (out, dir) = t.run_keep();
    let out = out.code(0);
    assert!(
        out.stderr.contains(&format!(
            "created: no git history (the scanned files are not in a git repository), so every flag is dated today ({TODAY})"
        )),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(
            "1 key has no owner from CODEOWNERS and got --owner `search-team`: kill-search"
        )
    );
    let written = std::fs::read_to_string(dir.path().join("flags.yaml")).unwrap();
    let flag = block(&written, "kill-search");
    assert_eq!(
        flag.trim_end(),
        format!(
            "  kill-search:\n    description: \"TODO: describe kill-search\"\n    type: operational\n    owner: search-team\n    created: {TODAY}\n"
        )
        .trim_end()
    );
    assert!(
        written.contains(
            "# Found in 2 calls in 2 files (isEnabled, is_enabled); first at src/a.ts:1.\n"
        )
    );
    Test::new()
        .current_dir(dir.path())
        .args(["--now", TODAY, "validate"])
        .run()
        .code(0);
}

#[test]
fn discover_scans_the_paths_given() {
    let t = Test::new()
        .file("a/x.ts", "isEnabled('in-a')\n")
        .file("b/y.ts", "isEnabled('in-b')\n")
        .args(["--now", TODAY, "init", "--discover", "b", "--dry-run"]);
    let out = t.run().code(0);
    assert!(out.stdout.contains("\n  in-b:\n"), "{}", out.stdout);
    assert!(!out.stdout.contains("in-a"), "{}", out.stdout);
    assert!(
        out.stderr
            .starts_with("scanned 1 file in b: 1 flag key in 1 SDK call\n"),
        "{}",
        out.stderr
    );
}
