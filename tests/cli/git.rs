//! Git behaviour: `--rev`, `diff`, `history`, `check --base`, renames of flags.yaml,
//! and the failure modes (not a repository, shallow clone, bare repository, detached
//! HEAD, file not committed yet).

use crate::common::Test;
use crate::gitrepo::{GitRepo, TODAY, ago, ahead};
use crate::lifecycle::{Flags, kinds, scenario};

fn release(owner: &str, rollout: u32, expires: chrono::NaiveDate) -> String {
    format!(
        "type: release\nowner: {owner}\ndescription: test flag\nrollout: {rollout}\nexpires: {expires}"
    )
}

#[test]
fn not_a_repository() {
    let t = Test::new().flags(&format!(
        "version: 1\nflags:\n  a:\n    type: release\n    owner: o\n    description: d\n    rollout: 50\n    expires: {}\n",
        ago(1)
    ));
    let dir = t.path().to_path_buf();
    // What needs no history works...
    let (out, _keep) = t
        .args(["stale", "--format", "json", "--now", TODAY])
        .run_keep();
    let out = out.code(0);
    assert_eq!(
        kinds(&out.json()),
        [("a".to_string(), "expired".to_string())]
    );
    Test::new()
        .current_dir(&dir)
        .args(["check", "--now", TODAY])
        .run()
        .code(1);
    // ...and what needs it says why, in one sentence, with exit 2.
    for args in [
        vec!["history", "a"],
        vec!["diff"],
        vec!["--rev", "HEAD", "list"],
        vec!["check", "--base", "HEAD"],
    ] {
        let out = Test::new().current_dir(&dir).args(&args).run().code(2);
        assert!(
            out.stderr.starts_with("error: ")
                && out.stderr.contains("is not inside a git repository"),
            "{args:?}: {}",
            out.stderr
        );
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    }
}

#[test]
fn shallow_clone_says_to_fetch_full_history() {
    let r = scenario();
    r.make_shallow();
    let out = r.flagctl(["stale", "--format", "json"]).run().code(0);
    let doc = out.json();
    assert_eq!(doc["history"]["available"], false);
    let reason = doc["history"]["reason"].as_str().expect("reason");
    assert!(reason.contains("shallow clone"), "{reason}");
    assert!(reason.contains("fetch-depth: 0"), "{reason}");
    // Expiry needs no history and is still reported.
    assert!(kinds(&doc).contains(&("expired-flag".into(), "expired".into())));
    assert!(!kinds(&doc).iter().any(|(_, k)| k == "snoozed"));
    let out = r.flagctl(["history", "snoozed-flag"]).run().code(2);
    assert!(
        out.stderr
            .contains("fetch with full history, e.g. fetch-depth: 0"),
        "{}",
        out.stderr
    );
}

#[test]
fn shallow_clone_made_by_git() {
    let Ok(status) = std::process::Command::new("git").arg("--version").output() else {
        println!(
            "skipped: the git program is not installed (git2 shallow marker test covers this)"
        );
        return;
    };
    if !status.status.success() {
        println!("skipped: `git --version` failed");
        return;
    }
    let r = scenario();
    let target = tempfile::tempdir().expect("tempdir");
    let url = format!("file://{}", r.path().display());
    let clone = target.path().join("clone");
    let ok = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url])
        .arg(&clone)
        .status()
        .expect("git clone");
    assert!(ok.success());
    let out = Test::new()
        .current_dir(&clone)
        .args(["stale", "--now", TODAY])
        .run()
        .code(0);
    assert!(out.stderr.contains("fetch-depth: 0"), "{}", out.stderr);
}

#[test]
fn bare_repository_reads_revisions() {
    let r = scenario();
    let (_keep, bare) = r.bare_clone();
    let out = Test::new()
        .current_dir(&bare)
        .args(["--rev", "HEAD", "stale", "--format", "json", "--now", TODAY])
        .run()
        .code(0);
    let doc = out.json();
    assert_eq!(doc["history"]["available"], true, "{}", out.stdout);
    assert!(kinds(&doc).contains(&("snoozed-flag".into(), "snoozed".into())));
    // Without --rev there is no working tree to read.
    Test::new().current_dir(&bare).args(["stale"]).run().code(2);
}

#[test]
fn detached_head_works() {
    let r = scenario();
    let head = r.repo.head().expect("head").target().expect("oid");
    r.repo.set_head_detached(head).expect("detach");
    let doc = r
        .flagctl(["stale", "--format", "json"])
        .run()
        .code(0)
        .json();
    assert!(kinds(&doc).contains(&("snoozed-flag".into(), "snoozed".into())));
}

#[test]
fn file_not_committed_yet() {
    // A repository without commits.
    let r = GitRepo::new();
    let mut f = Flags::default();
    f.set("a", &release("o", 100, ahead(30)));
    r.write("flags.yaml", &f.render(""));
    let out = r.flagctl(["stale", "--format", "json"]).run().code(0);
    assert!(
        out.json()["history"]["reason"]
            .as_str()
            .expect("reason")
            .contains("no commits yet"),
        "{}",
        out.stdout
    );
    let out = r.flagctl(["history", "a"]).run().code(2);
    assert!(out.stderr.contains("no commits yet"), "{}", out.stderr);
    // A repository with commits, but not of flags.yaml.
    let r = GitRepo::new();
    r.write("README", "hi\n");
    r.commit(ago(3), "Alice", "Initial");
    r.write("flags.yaml", &f.render(""));
    let out = r.flagctl(["stale", "--format", "json"]).run().code(0);
    assert!(
        out.json()["history"]["reason"]
            .as_str()
            .expect("reason")
            .contains("flags.yaml is not committed yet"),
        "{}",
        out.stdout
    );
    r.flagctl(["validate"]).run().code(0);
}

#[test]
fn history_follows_a_rename_of_the_flags_file() {
    let r = GitRepo::new();
    let mut f = Flags::default();
    f.set("snoozy", &release("o", 50, ahead(5)));
    f.set("other", &release("o", 50, ahead(90)));
    r.write("config/flags.yml", &f.render(""));
    r.commit(ago(60), "Alice", "Add flags");
    f.set("snoozy", &release("o", 50, ahead(10)));
    r.write("config/flags.yml", &f.render(""));
    r.commit(ago(50), "Alice", "Snooze");
    r.rename("config/flags.yml", "flags.yaml");
    r.commit(ago(40), "Bob", "Move flags to the root");
    f.set("snoozy", &release("o", 50, ahead(20)));
    r.write("flags.yaml", &f.render(""));
    r.commit(ago(30), "Bob", "Snooze again");
    let doc = r
        .flagctl(["stale", "--format", "json"])
        .run()
        .code(0)
        .json();
    let found = kinds(&doc);
    assert!(
        found.contains(&("snoozy".into(), "snoozed".into())),
        "{found:?}"
    );
    // `created` is inferred from before the rename.
    let audit = r
        .flagctl(["audit", "--no-scan", "--format", "json"])
        .run()
        .code(0)
        .json();
    let snoozy = audit["owners"][0]["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .find(|f| f["flag"] == "snoozy")
        .cloned()
        .expect("snoozy");
    assert_eq!(snoozy["created"], ago(60).to_string());
    assert_eq!(snoozy["created_source"], "git");
    let out = r
        .flagctl(["history", "snoozy", "--format", "json"])
        .run()
        .code(0);
    let doc = out.json();
    let paths: Vec<&str> = doc["commits"]
        .as_array()
        .expect("commits")
        .iter()
        .map(|c| c["path"].as_str().expect("path"))
        .collect();
    assert_eq!(
        paths,
        ["flags.yaml", "config/flags.yml", "config/flags.yml"]
    );
}

#[test]
fn rev_reads_an_older_commit_without_touching_the_work_tree() {
    let r = scenario();
    let before = std::fs::read_to_string(r.path().join("flags.yaml")).expect("read");
    // Six commits back, snoozed-flag did not exist yet and dead-flag was still on.
    let out = r
        .flagctl(["--rev", "HEAD~5", "list", "--format", "json"])
        .run()
        .code(0);
    let keys: Vec<String> = out.json()["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["key"].as_str().expect("key"),
                f["state"].as_str().expect("state")
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            "circuit-breaker on",
            "old-release partial 50%",
            "launched-flag on",
            "dead-flag off",
        ]
    );
    // Lifecycle findings are relative to that revision's history too.
    let doc = r
        .flagctl(["--rev", "HEAD~5", "stale", "--format", "json"])
        .run()
        .code(0)
        .json();
    assert!(!kinds(&doc).iter().any(|(f, _)| f == "snoozed-flag"));
    r.flagctl(["--rev", "HEAD~5", "validate"]).run().code(0);
    let after = std::fs::read_to_string(r.path().join("flags.yaml")).expect("read");
    assert_eq!(before, after);
    let out = r.flagctl(["--rev", "no-such-branch", "list"]).run().code(2);
    assert!(
        out.stderr
            .starts_with("error: unknown revision `no-such-branch`"),
        "{}",
        out.stderr
    );
}

fn diff_repo() -> GitRepo {
    let r = GitRepo::new();
    let base = "version: 1\nflags:\n  ramp:\n    type: release\n    owner: o\n    description: d\n    expires: 2026-09-01\n    rollout: 50\n    environments:\n      production: { rollout: 20 }\n  salty:\n    type: release\n    owner: o\n    description: d\n    expires: 2026-09-01\n    salt: one\n    bucket_by: userId\n  exp:\n    type: experiment\n    owner: o\n    description: d\n    expires: 2026-09-01\n    off: v1\n    variants:\n      control: { value: v1, weight: 50 }\n      treatment: { value: v2, weight: 50 }\n  weights:\n    type: experiment\n    owner: o\n    description: d\n    expires: 2026-09-01\n    off: v1\n    variants:\n      control: { value: v1, weight: 50 }\n      treatment: { value: v2, weight: 50 }\n  gone:\n    type: operational\n    owner: o\n    description: d\n";
    r.commit_flags(ago(10), "Alice", "Base", base);
    let head = "version: 1\nflags:\n  ramp:\n    type: release\n    owner: o\n    description: d\n    expires: 2026-09-01\n    rollout: 30\n    environments:\n      production: { rollout: 10 }\n  salty:\n    type: release\n    owner: o\n    description: d\n    expires: 2026-09-01\n    salt: two\n    bucket_by: accountId\n  exp:\n    type: experiment\n    owner: o\n    description: d\n    expires: 2026-09-01\n    off: v1\n    variants:\n      treatment: { value: v2, weight: 50 }\n      control: { value: v1, weight: 50 }\n  weights:\n    type: experiment\n    owner: o\n    description: d\n    expires: 2026-09-01\n    off: v1\n    variants:\n      control: { value: v1, weight: 10 }\n      treatment: { value: v2, weight: 90 }\n  fresh:\n    type: release\n    owner: p\n    description: d\n    expires: 2026-08-01\n";
    r.commit_flags(ago(5), "Bob", "Head", head);
    r
}

#[test]
fn diff_reports_changes_and_rebucketing_in_every_format() {
    let r = diff_repo();
    let text = r.flagctl(["diff", "HEAD~1", "HEAD"]).run().code(0);
    insta::assert_snapshot!("diff_text", text.stdout);
    let same = r.flagctl(["diff", "HEAD~1..HEAD"]).run().code(0);
    assert_eq!(same.stdout, text.stdout);
    let json = r
        .flagctl(["diff", "HEAD~1..HEAD", "--format", "json"])
        .run()
        .code(0);
    insta::assert_snapshot!("diff_json", json.stdout);
    let md = r
        .flagctl(["diff", "HEAD~1", "HEAD", "--format", "markdown"])
        .run()
        .code(0);
    insta::assert_snapshot!("diff_markdown", md.stdout);
    let doc = json.json();
    let warnings: Vec<String> = doc["changed"]
        .as_array()
        .expect("changed")
        .iter()
        .flat_map(|c| {
            c["warnings"]
                .as_array()
                .expect("warnings")
                .iter()
                .map(|w| {
                    format!(
                        "{}: {}",
                        c["flag"].as_str().expect("flag"),
                        w.as_str().expect("w")
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        warnings,
        [
            "ramp: rollout lowered from 50% to 30%: users in buckets 31-50 stop getting the flag",
            "ramp: rollout lowered from 20% to 10% in production: users in buckets 11-20 stop getting the flag",
            "salty: salt changed from `one` to `two`: every user is bucketed anew",
            "salty: bucket_by changed from `userId` to `accountId`: every user is bucketed anew",
            "exp: variants reordered: users move between variants",
            "weights: variant weights changed: users move between variants",
        ]
    );
    assert_eq!(doc["added"][0]["flag"], "fresh");
    assert_eq!(doc["removed"][0]["flag"], "gone");
}

#[test]
fn diff_defaults_to_head_and_the_work_tree() {
    let r = diff_repo();
    let out = r.flagctl(["diff"]).run().code(0);
    assert!(
        out.stdout
            .starts_with("flags.yaml: HEAD → working tree: 0 added, 0 removed, 0 changed"),
        "{}",
        out.stdout
    );
    let text = std::fs::read_to_string(r.path().join("flags.yaml")).expect("read");
    r.write("flags.yaml", &text.replace("rollout: 30", "rollout: 100"));
    let out = r.flagctl(["diff", "--format", "json"]).run().code(0);
    let doc = out.json();
    assert_eq!(doc["base"], "HEAD");
    assert_eq!(doc["head"], serde_json::Value::Null);
    assert_eq!(doc["changed"][0]["fields"][0]["field"], "rollout");
    assert_eq!(doc["changed"][0]["fields"][0]["old"], 30);
    assert_eq!(doc["changed"][0]["fields"][0]["new"], 100);
}

#[test]
fn history_lists_commits_newest_first() {
    let r = scenario();
    let text = r.flagctl(["history", "snoozed-flag"]).run().code(0);
    insta::assert_snapshot!("history_text", text.stdout);
    let json = r
        .flagctl(["history", "launched-flag", "--format", "json"])
        .run()
        .code(0);
    insta::assert_snapshot!("history_json", json.stdout);
    let md = r
        .flagctl(["history", "dead-flag", "--format", "markdown"])
        .run()
        .code(0);
    insta::assert_snapshot!("history_markdown", md.stdout);
    let out = r.flagctl(["history", "snozed-flag"]).run().code(2);
    assert!(
        out.stderr
            .contains("never appeared in flags.yaml; did you mean `snoozed-flag`"),
        "{}",
        out.stderr
    );
}

#[test]
fn check_base_enforces_change_policy() {
    let r = scenario();
    let text = std::fs::read_to_string(r.path().join("flags.yaml")).expect("read");
    // A change that breaks every policy rule at once.
    let mut changed = text.replace(
        &format!("expires: {}", ahead(40)),
        &format!("expires: {}", ahead(50)),
    );
    changed.push_str(&format!(
        "  no-owner:\n    type: release\n    description: d\n    expires: {}\n  no-expiry:\n    type: experiment\n    owner: o\n    description: d\n  too-far:\n    type: release\n    owner: o\n    description: d\n    expires: {}\n  fine-ops:\n    type: operational\n    owner: o\n    description: d\n",
        ahead(30),
        ahead(400)
    ));
    r.write("flags.yaml", &changed);
    let out = r
        .flagctl(["check", "--base", "HEAD", "--format", "json"])
        .run()
        .code(1);
    let doc = out.json();
    let codes: Vec<String> = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["code"].as_str().expect("code"),
                d["flag"].as_str().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            "snooze-limit snoozed-flag",
            "expired expired-flag",
            "expiring expiring-flag",
            "new-flag-without-owner no-owner",
            "new-flag-without-expiry no-expiry",
            "new-flag-expiry-too-far too-far",
        ]
    );
    insta::assert_snapshot!(
        "check_base_text",
        r.flagctl(["check", "--base", "HEAD"]).run().code(1).stdout
    );
    // Without --base the same file fails only on validation and expiry.
    let doc = r
        .flagctl(["check", "--format", "json"])
        .run()
        .code(1)
        .json();
    let codes: Vec<&str> = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().expect("code"))
        .collect();
    assert_eq!(
        codes,
        ["expired", "expiring", "missing-owner", "missing-expires"]
    );
}

#[test]
fn check_base_against_a_revision_without_the_file() {
    let r = GitRepo::new();
    r.write("README", "hi\n");
    r.commit(ago(3), "Alice", "Initial");
    let mut f = Flags::default();
    f.set("new", "type: release\nowner: o\ndescription: d");
    r.write("flags.yaml", &f.render(""));
    let out = r
        .flagctl(["check", "--base", "HEAD", "--format", "github"])
        .run()
        .code(1);
    assert!(
        out.stdout.contains(
            "title=flagctl new-flag-without-expiry::new release flag `new` has no `expires`"
        ),
        "{}",
        out.stdout
    );
}
