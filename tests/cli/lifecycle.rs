//! `flagctl stale` and `flagctl check` on repositories with dated history: every finding
//! kind of docs/codes.md (lifecycle findings) that needs no code scan, in every format.

use crate::common::Test;
use crate::gitrepo::{GitRepo, ago, ahead};
use serde_json::Value;

/// The flags of one version of flags.yaml, in file order.
#[derive(Default, Clone)]
pub struct Flags(Vec<(String, String)>);

impl Flags {
    /// Adds or replaces a flag; `body` is its fields, one `key: value` per line.
    pub fn set(&mut self, key: &str, body: &str) -> &mut Self {
        let body = body.to_string();
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = body,
            None => self.0.push((key.to_string(), body)),
        }
        self
    }

    /// The whole file, with `settings` lines (may be empty).
    pub fn render(&self, settings: &str) -> String {
        let mut s = String::from("version: 1\n");
        if !settings.is_empty() {
            s.push_str("settings:\n");
            for line in settings.lines() {
                s.push_str(&format!("  {line}\n"));
            }
        }
        s.push_str("flags:\n");
        for (k, body) in &self.0 {
            s.push_str(&format!("  {k}:\n"));
            for line in body.lines() {
                s.push_str(&format!("    {line}\n"));
            }
        }
        s
    }
}

// Permission flags need no `expires`; with a lifetime they can become `overdue`, the
// one way a flag in a valid file is (a flag's own `expires` wins over its type's).
const SETTINGS: &str = "lifetimes:\n  release: 45d\n  permission: 45d";

fn release(owner: &str, rollout: u32, expires: chrono::NaiveDate) -> String {
    format!(
        "type: release\nowner: {owner}\ndescription: test flag\nrollout: {rollout}\nexpires: {expires}"
    )
}

/// The scenario of issue 5: one flag per finding kind, with the history that
/// produces it, relative to `TODAY`.
pub fn scenario() -> GitRepo {
    let r = GitRepo::new();
    let mut f = Flags::default();
    let commit = |f: &Flags, days: u64, author: &str, msg: &str| {
        r.commit_flags(ago(days), author, msg, &f.render(SETTINGS));
    };
    f.set(
        "circuit-breaker",
        "type: operational\nowner: platform\ndescription: open the circuit to the payment provider\nrollout: 100",
    );
    commit(&f, 1095, "Ops Person", "Add circuit breaker");
    f.set(
        "old-release",
        "type: permission\nowner: payments\ndescription: test flag\nrollout: 50",
    );
    commit(&f, 50, "Alice", "Add old-release");
    f.set("launched-flag", &release("checkout", 10, ahead(30)));
    f.set("dead-flag", &release("checkout", 30, ahead(30)));
    commit(&f, 44, "Bob", "Add launched-flag and dead-flag");
    f.set("launched-flag", &release("checkout", 100, ahead(30)));
    commit(&f, 40, "Bob", "Roll launched-flag out to everyone");
    f.set("dead-flag", &release("checkout", 0, ahead(30)));
    commit(&f, 35, "Bob", "Turn dead-flag off");
    f.set("snoozed-flag", &release("search", 25, ahead(10)));
    commit(&f, 20, "Carol", "Add snoozed-flag");
    f.set("snoozed-flag", &release("search", 25, ahead(20)));
    commit(&f, 15, "Carol", "Snooze snoozed-flag");
    f.set("expired-flag", &release("payments", 50, ago(1)));
    f.set(
        "expiring-flag",
        &format!(
            "type: experiment\nowner: recs\ndescription: test flag\nrollout: 50\nexpires: {}",
            ahead(3)
        ),
    );
    commit(&f, 12, "Alice", "Add expired-flag and expiring-flag");
    f.set("snoozed-flag", &release("search", 25, ahead(30)));
    commit(&f, 10, "Carol", "Snooze snoozed-flag again");
    f.set("snoozed-flag", &release("search", 25, ahead(40)));
    commit(&f, 5, "Carol", "Snooze snoozed-flag a third time");
    r
}

/// `(flag, kind)` of every finding in a `stale --format json` document.
pub fn kinds(doc: &Value) -> Vec<(String, String)> {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["flag"].as_str().expect("flag").to_string(),
                f["kind"].as_str().expect("kind").to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// The 1-based line of `  key:` in the file.
pub fn line_of(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| l == format!("  {key}:"))
        .expect("flag line")
        + 1
}

#[test]
fn stale_reports_exact_findings_from_dated_history() {
    let r = scenario();
    let out = r.flagctl(["stale", "--format", "json"]).run().code(0);
    let doc = out.json();
    assert_eq!(doc["history"]["available"], true, "{}", out.stdout);
    assert_eq!(
        kinds(&doc),
        pairs(&[
            ("old-release", "overdue"),
            ("launched-flag", "launched"),
            ("dead-flag", "dead"),
            ("snoozed-flag", "snoozed"),
            ("expired-flag", "expired"),
            ("expiring-flag", "expiring"),
        ])
    );
    let find = |kind: &str| {
        doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["kind"] == kind)
            .cloned()
            .expect("finding")
    };
    // `created` is absent from the file: inferred from the commit that added the flag.
    let overdue = find("overdue");
    assert_eq!(overdue["created"], ago(50).to_string());
    assert_eq!(overdue["created_source"], "git");
    assert_eq!(overdue["owner"], "payments");
    assert!(
        overdue["message"]
            .as_str()
            .expect("message")
            .contains("by Alice"),
        "{overdue}"
    );
    // Fully on since the last change of its evaluation fields, not since creation.
    assert_eq!(find("launched")["since"], ago(40).to_string());
    assert_eq!(find("launched")["since_source"], "git");
    assert_eq!(find("dead")["since"], ago(35).to_string());
    assert_eq!(find("expired")["severity"], "error");
    assert!(
        find("snoozed")["message"]
            .as_str()
            .expect("message")
            .contains("3 times")
    );
    let text = std::fs::read_to_string(r.path().join("flags.yaml")).expect("read");
    assert_eq!(
        find("expired")["line"],
        line_of(&text, "expired-flag") as u64
    );
}

#[test]
fn stale_snapshots_in_every_format() {
    let r = scenario();
    let table = r.flagctl(["stale"]).run().code(0);
    insta::assert_snapshot!("stale_table", table.stdout);
    let json = r.flagctl(["stale", "--format", "json"]).run().code(0);
    insta::assert_snapshot!("stale_json", json.stdout);
    let md = r.flagctl(["stale", "--format", "markdown"]).run().code(0);
    insta::assert_snapshot!("stale_markdown", md.stdout);
}

#[test]
fn warn_within_widens_the_expiring_window() {
    let r = scenario();
    let doc = r
        .flagctl(["stale", "--format", "json", "--warn-within", "45"])
        .run()
        .code(0)
        .json();
    let expiring: Vec<String> = kinds(&doc)
        .into_iter()
        .filter(|(_, k)| k == "expiring")
        .map(|(f, _)| f)
        .collect();
    assert_eq!(
        expiring,
        [
            "launched-flag",
            "dead-flag",
            "snoozed-flag",
            "expiring-flag"
        ]
    );
    let doc = r
        .flagctl(["stale", "--format", "json", "--warn-within", "2"])
        .run()
        .code(0)
        .json();
    assert!(!kinds(&doc).iter().any(|(_, k)| k == "expiring"));
}

#[test]
fn check_fails_on_the_expired_flag_with_an_annotation_on_its_line() {
    let r = scenario();
    let text = std::fs::read_to_string(r.path().join("flags.yaml")).expect("read");
    let line = line_of(&text, "expired-flag");
    let out = r.flagctl(["check", "--format", "github"]).run().code(1);
    let expected = format!(
        "::error file=flags.yaml,line={line},col=3,title=flagctl expired::flag `expired-flag` expired on {} (1 day ago)",
        ago(1)
    );
    assert!(
        out.stdout.lines().any(|l| l.starts_with(&expected)),
        "{expected}\n{}",
        out.stdout
    );
    insta::assert_snapshot!("check_github", out.stdout);
    let text_out = r.flagctl(["check"]).run().code(1);
    insta::assert_snapshot!("check_text", text_out.stdout);
    let json = r.flagctl(["check", "--format", "json"]).run().code(1);
    insta::assert_snapshot!("check_json", json.stdout);
    let sarif = r.flagctl(["check", "--format", "sarif"]).run().code(1);
    insta::assert_snapshot!("check_sarif", sarif.stdout);
}

#[test]
fn check_passes_without_errors_and_strict_fails_on_warnings() {
    let r = GitRepo::new();
    let mut f = Flags::default();
    f.set("soon", &release("team", 50, ahead(3)));
    r.commit_flags(ago(2), "Alice", "Add soon", &f.render(""));
    let out = r.flagctl(["check"]).run().code(0);
    assert!(
        out.stdout.contains("check passed, 0 errors, 1 warning"),
        "{}",
        out.stdout
    );
    r.flagctl(["check", "--strict"]).run().code(1);
    // Outside the warning window nothing is reported at all.
    let out = r
        .flagctl(["check", "--strict", "--warn-within", "1"])
        .run()
        .code(0);
    assert!(out.stdout.contains("check passed, 0 errors, 0 warnings"));
}

#[test]
fn check_reports_validation_errors_and_exits_1() {
    let r = GitRepo::new();
    r.write(
        "flags.yaml",
        "version: 1\nflags:\n  x:\n    type: release\n",
    );
    let out = r.flagctl(["check", "--format", "json"]).run().code(1);
    let doc = out.json();
    let codes: Vec<&str> = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().expect("code"))
        .collect();
    assert!(codes.contains(&"missing-owner"), "{codes:?}");
    assert!(codes.contains(&"missing-expires"), "{codes:?}");
    assert_eq!(doc["passed"], false);
}

#[test]
fn without_history_launched_and_dead_count_from_created() {
    // Not a repository: `created` stands in for the missing history, and says so.
    let r = crate::common::Test::new().flags(&format!(
        "version: 1\nflags:\n  on:\n    type: release\n    owner: a\n    description: d\n    created: {}\n    expires: {}\n",
        ago(35),
        ahead(30)
    ));
    let out = r
        .args(["stale", "--format", "json", "--now", crate::gitrepo::TODAY])
        .run()
        .code(0);
    let doc = out.json();
    assert_eq!(doc["history"]["available"], false);
    assert!(
        doc["history"]["reason"]
            .as_str()
            .expect("reason")
            .contains("is not inside a git repository")
    );
    assert_eq!(kinds(&doc), pairs(&[("on", "launched")]));
    assert_eq!(doc["findings"][0]["since_source"], "created");
    assert!(
        out.stderr.contains("git history unavailable"),
        "{}",
        out.stderr
    );
}

#[test]
fn uncommitted_change_restarts_the_clock() {
    let r = scenario();
    // Ramping the launched flag down in the work tree is a change made today.
    let text = std::fs::read_to_string(r.path().join("flags.yaml")).expect("read");
    let launched = format!(
        "  launched-flag:\n{}",
        indent(&release("checkout", 100, ahead(30)))
    );
    assert!(text.contains(&launched));
    let edited = text.replace(
        &launched,
        &format!(
            "  launched-flag:\n{}",
            indent(&release("checkout", 90, ahead(30)))
        ),
    );
    r.write("flags.yaml", &edited);
    let doc = r
        .flagctl(["stale", "--format", "json"])
        .run()
        .code(0)
        .json();
    assert!(!kinds(&doc).iter().any(|(f, _)| f == "launched-flag"));
}

fn indent(body: &str) -> String {
    body.lines().map(|l| format!("    {l}\n")).collect()
}

#[test]
fn nested_flag_checks_are_findings_in_stale_check_and_audit() {
    let flags = "version: 1\nsettings:\n  scan:\n    patterns:\n      - 'isFeatureEnabled\\(\"([a-z-]+)\"\\)'\nflags:\n  outer-flag:\n    type: operational\n    owner: o\n    description: d\n  inner-flag:\n    type: operational\n    owner: o\n    description: d\n";
    let code = "export function f() {\n  if (isFeatureEnabled(\"outer-flag\")) {\n    if (isFeatureEnabled(\"inner-flag\")) {\n      return 1;\n    }\n  }\n  return 0;\n}\n";
    let t = |args: &[&str]| {
        Test::new()
            .flags(flags)
            .file("src/app.ts", code)
            .args(args)
            .args(["--now", "2026-01-01"])
    };
    let stale = t(&["stale", "--scan", "--format", "json"])
        .run()
        .code(0)
        .json();
    let nested = stale["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["kind"] == "nested")
        .cloned()
        .expect("nested");
    assert_eq!(nested["flag"], "inner-flag");
    assert_eq!(nested["file"], "src/app.ts");
    assert_eq!(nested["line"], 3);
    assert!(
        nested["message"]
            .as_str()
            .expect("message")
            .contains("controlled by flag `outer-flag` (src/app.ts:2)"),
        "{nested}"
    );
    let check = t(&["check", "--scan"]).run().code(0);
    assert!(check.stdout.contains("warning[nested]"), "{}", check.stdout);
    let audit = t(&["audit", "--format", "json"]).run().code(0).json();
    assert_eq!(audit["summary"]["findings"]["nested"], 1, "{audit}");
}
