//! `flagctl audit` end to end: a repository built with dated commits in which every
//! finding kind occurs, code in several languages, a second service's scan merged
//! with `--refs`; JSON and Markdown asserted exactly (snapshots), the HTML opened in a
//! real browser, and a three-way `--refs` merge.

use crate::common::Test;
use crate::gitrepo::{GitRepo, TODAY, ago, ahead};
use chrono::NaiveDate;
use std::io::Write;
use std::path::{Path, PathBuf};

const HEAD: &str = "version: 1
settings:
  service: checkout-api
  lifetimes:
    permission: 40d
  scan:
    patterns:
      - 'isFeatureEnabled\\(\\s*[\"'']([A-Za-z0-9._:-]+)[\"'']'
flags:
";

/// A flag block; `extra` lines are indented under the key.
fn flag(key: &str, kind: &str, owner: &str, extra: &[String]) -> String {
    let mut s = format!(
        "  {key}:\n    description: {key} for the audit test\n    type: {kind}\n    owner: {owner}\n"
    );
    for line in extra {
        s.push_str(&format!("    {line}\n"));
    }
    s
}

fn dates(created: NaiveDate, expires: NaiveDate) -> Vec<String> {
    vec![format!("created: {created}"), format!("expires: {expires}")]
}

/// The fixture workspace. TODAY is 2026-06-01; `launched_after` and lifetimes are the
/// defaults (30 and 40 days).
fn workspace() -> GitRepo {
    let repo = GitRepo::new();
    let ops = flag("ops-circuit", "operational", "platform-team", &[]);
    // 3 years ago: an operational flag, no `created` (inferred from git): no finding.
    let mut flags = ops.clone();
    repo.commit_flags(
        ago(1100),
        "Olga",
        "Add ops-circuit",
        &format!("{HEAD}{flags}"),
    );
    // 50 days ago: a permission flag (no `expires`) past the 40-day lifetime its type
    // has here (overdue), partly rolled out.
    flags += &flag(
        "old-release",
        "permission",
        "checkout-team",
        &[
            vec![format!("created: {}", ago(50))],
            vec!["rollout: 50".into()],
        ]
        .concat(),
    );
    repo.commit_flags(ago(50), "Ann", "Add old-release", &format!("{HEAD}{flags}"));
    // 40 days ago: fully on since (launched).
    flags += &flag(
        "launched-flag",
        "release",
        "checkout-team",
        &dates(ago(40), ahead(30)),
    );
    repo.commit_flags(
        ago(40),
        "Ann",
        "Add launched-flag",
        &format!("{HEAD}{flags}"),
    );
    // 35 days ago: fully off since (dead), and a permission flag no code uses.
    flags += &flag(
        "dead-flag",
        "release",
        "payments-team",
        &[dates(ago(35), ahead(30)), vec!["rollout: 0".into()]].concat(),
    );
    flags += &flag("unused-permission", "permission", "payments-team", &[]);
    repo.commit_flags(
        ago(35),
        "Bob",
        "Add dead-flag and unused-permission",
        &format!("{HEAD}{flags}"),
    );
    // 30 days ago: a flag whose expiry is then pushed later three times (snoozed).
    let snoozed = |expires: NaiveDate| {
        flag(
            "snoozed-flag",
            "experiment",
            "growth-team",
            &[
                dates(ago(30), expires),
                vec![
                    "off: a".into(),
                    "variants:".into(),
                    "  a: { value: a, weight: 1 }".into(),
                    "  b: { value: b, weight: 1 }".into(),
                ],
            ]
            .concat(),
        )
    };
    let with_snooze = |expires: NaiveDate, date: NaiveDate, msg: &str| {
        repo.commit_flags(
            date,
            "Carol",
            msg,
            &format!("{HEAD}{flags}{}", snoozed(expires)),
        );
    };
    with_snooze(ago(5), ago(30), "Add snoozed-flag");
    with_snooze(ahead(5), ago(25), "Snooze snoozed-flag");
    with_snooze(ahead(15), ago(15), "Snooze snoozed-flag again");
    with_snooze(ahead(25), ago(12), "Snooze snoozed-flag once more");
    flags += &snoozed(ahead(25));
    // 20 days ago: a flag that expired yesterday; 10 days ago, one expiring in 3 days.
    flags += &flag(
        "expired-flag",
        "release",
        "checkout-team",
        &[dates(ago(20), ago(1)), vec!["rollout: 30".into()]].concat(),
    );
    repo.commit_flags(
        ago(20),
        "Ann",
        "Add expired-flag",
        &format!("{HEAD}{flags}"),
    );
    flags += &flag(
        "expiring-flag",
        "release",
        "growth-team",
        &dates(ago(10), ahead(3)),
    );
    // A flag added and removed within the last 30 days.
    let temp = flag(
        "temp-flag",
        "release",
        "growth-team",
        &dates(ago(9), ahead(20)),
    );
    repo.commit_flags(
        ago(9),
        "Dan",
        "Add temp-flag",
        &format!("{HEAD}{flags}{temp}"),
    );
    repo.commit_flags(ago(8), "Dan", "Remove temp-flag", &format!("{HEAD}{flags}"));
    // The code, in several languages.
    repo.write(
        "src/checkout.go",
        "package checkout\n\nfunc Pay() {\n\tif flags.IsEnabled(\"old-release\") {\n\t\tnewFlow()\n\t}\n\tif flags.IsEnabled(\"expired-flag\") {\n\t\tfast()\n\t}\n}\n",
    );
    repo.write(
        "app/payments.py",
        "def charge(order):\n    if client.is_enabled(\"launched_flag\"):\n        return new_charge(order)\n    if DEAD_FLAG:\n        return legacy(order)\n    return charge_v1(order)\n",
    );
    repo.write(
        "web/cart.ts",
        "export function cart() {\n  const layout = isFeatureEnabled(\"snoozed-flag\");\n  const ghost = isFeatureEnabled('ghost-flag');\n  return expiringFlag ? layout : ghost;\n}\n",
    );
    repo.write(
        "src/main/java/Ops.java",
        "class Ops {\n  boolean open() { return flags.get(\"ops-circuit\"); }\n}\n",
    );
    repo.commit(ago(5), "Ann", "Code");
    repo
}

/// The scan of another service's repository, as its own CI job would produce it.
fn other_service_scan(repo: &GitRepo) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let code = dir.path().join("billing");
    std::fs::create_dir_all(&code).expect("mkdir");
    std::fs::write(
        code.join("invoice.rb"),
        "def invoice\n  Flags.on?(\"ops-circuit\")\nend\n",
    )
    .expect("write");
    let flags = repo.path().join("flags.yaml");
    let out = Test::new()
        .current_dir(&code)
        .args(["scan", ".", "--format", "json", "--flags"])
        .args([flags.to_str().expect("utf8")])
        .run()
        .code(0);
    let scan = dir.path().join("billing-scan.json");
    std::fs::write(&scan, out.stdout).expect("write scan");
    (dir, scan)
}

fn audit(repo: &GitRepo, scan: &Path, format: &str) -> String {
    let refs = format!("--refs={}", scan.display());
    let root = format!("--root=billing={}", scan.display());
    repo.flagctl(["audit", "--format", format, refs.as_str(), root.as_str()])
        .run()
        .code(0)
        .stdout
}

#[test]
fn audit_json_covers_every_finding_kind() {
    let repo = workspace();
    let (_dir, scan) = other_service_scan(&repo);
    let json: serde_json::Value = serde_json::from_str(&audit(&repo, &scan, "json")).expect("json");
    let findings = &json["summary"]["findings"];
    for kind in [
        "expired",
        "expiring",
        "overdue",
        "launched",
        "dead",
        "snoozed",
        "unreferenced",
        "undefined",
        "cross-boundary",
    ] {
        assert!(
            findings[kind].as_u64().unwrap_or(0) > 0,
            "no {kind} in {findings}"
        );
    }
    insta::assert_json_snapshot!(json);
}

#[test]
fn audit_markdown() {
    let repo = workspace();
    let (_dir, scan) = other_service_scan(&repo);
    let md = audit(&repo, &scan, "markdown");
    // The cleanup plan names exact code lines and the command to run last.
    assert!(
        md.contains("- [ ] `src/checkout.go:4` — `if flags.IsEnabled(\"old-release\") {`"),
        "{md}"
    );
    assert!(
        md.contains("- [ ] then run `flagctl remove dead-flag`"),
        "{md}"
    );
    insta::assert_snapshot!(md);
}

#[test]
fn audit_owner_filter_and_unknown_owner() {
    let repo = workspace();
    let out = repo
        .flagctl(["audit", "--format", "json", "--owner", "payments-team"])
        .run()
        .code(0);
    let json = out.json();
    let owners: Vec<&str> = json["owners"]
        .as_array()
        .expect("owners")
        .iter()
        .map(|o| o["owner"].as_str().expect("owner"))
        .collect();
    assert_eq!(owners, ["payments-team"]);
    let out = repo
        .flagctl(["audit", "--owner", "payment-team"])
        .run()
        .code(2);
    assert!(
        out.stderr.contains("did you mean `payments-team`?"),
        "{}",
        out.stderr
    );
}

#[test]
fn audit_refs_merge_of_three_scans() {
    // `only-third` is referenced only in the third repository: unreferenced in none.
    let flags = "version: 1\nsettings:\n  service: core\nflags:\n  everywhere:\n    description: d\n    type: operational\n    owner: t\n  only-third:\n    description: d\n    type: operational\n    owner: t\n  nowhere:\n    description: d\n    type: operational\n    owner: t\n";
    let t = Test::new()
        .flags(flags)
        .file("a/main.go", "x := everywhere\n")
        .file("b/app.py", "everywhere = 1\n")
        .file("c/web.ts", "use(\"everywhere\", \"only-third\")\n");
    let dir = t.path().to_path_buf();
    let mut scans = Vec::new();
    for repo in ["a", "b", "c"] {
        let out = Test::new()
            .current_dir(dir.join(repo))
            .args(["scan", ".", "--format", "json", "--flags", "../flags.yaml"])
            .run()
            .code(0);
        let path = dir.join(format!("{repo}.json"));
        std::fs::write(&path, out.stdout).expect("write");
        scans.push(path.to_string_lossy().into_owned());
    }
    let out = t
        .args([
            "audit",
            "--no-scan",
            "--format",
            "json",
            "--now",
            TODAY,
            "--refs",
        ])
        .args(&scans)
        .args(["--root", &format!("svc-c={}", scans[2])])
        .run()
        .code(0);
    let json = out.json();
    let entries: Vec<&serde_json::Value> = json["owners"][0]["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .collect();
    let get = |key: &str| {
        entries
            .iter()
            .find(|f| f["flag"] == key)
            .copied()
            .expect("flag")
    };
    let kinds = |key: &str| -> Vec<String> {
        get(key)["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["kind"].as_str().expect("kind").to_string())
            .collect()
    };
    assert_eq!(kinds("nowhere"), ["unreferenced"]);
    assert!(!kinds("only-third").contains(&"unreferenced".to_string()));
    assert_eq!(
        get("only-third")["files"],
        serde_json::json!(["svc-c/web.ts"])
    );
    assert_eq!(get("everywhere")["references"], 3);
    assert_eq!(json["roots"], serde_json::json!(["a", "b", "svc-c"]));
    // Roots named after other services than `core` make their references cross-boundary.
    assert!(kinds("everywhere").contains(&"cross-boundary".to_string()));
}

#[test]
fn audit_refs_file_errors_are_exit_2() {
    let t = Test::new()
        .flags("version: 1\nflags: {}\n")
        .file("bad.json", "{\"version\": 1, \"roots\": [");
    let out = t.args(["audit", "--refs", "bad.json"]).run().code(2);
    assert!(out.stderr.contains("bad.json:1:"), "{}", out.stderr);
    let out = Test::new()
        .flags("version: 1\nflags: {}\n")
        .args(["audit", "--root", "nameonly"])
        .run()
        .code(2);
    assert!(
        out.stderr.contains("--root takes NAME=PATH"),
        "{}",
        out.stderr
    );
}

/// Finds a Chromium (or Chrome) binary.
fn chromium() -> Option<PathBuf> {
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .find_map(|name| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join(name))
                .find(|p| p.is_file())
        })
    })
}

#[test]
fn audit_html_renders_in_a_real_browser() {
    let Some(browser) = chromium() else {
        // Written straight to stderr, which the test harness does not capture, so the
        // skip is visible in CI logs.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED audit_html_renders_in_a_real_browser: no chromium on PATH (.ci/run installs it with apt-get install chromium)"
        );
        return;
    };
    let repo = workspace();
    let (_dir, scan) = other_service_scan(&repo);
    let html = audit(&repo, &scan, "html");
    assert!(
        !html.contains("http://")
            || html
                .matches("http://")
                .all(|_| html.contains("xmlns=\"http://www.w3.org/2000/svg\""))
    );
    assert!(
        !html.contains("<script src") && !html.contains("<link "),
        "the report must be self-contained"
    );
    let page = repo.path().join("audit.html");
    std::fs::write(&page, &html).expect("write html");
    let profile = tempfile::tempdir().expect("profile dir");
    let out = std::process::Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The DOM as the browser built it: every flag has a table row, the chart has bars.
    for flag in [
        "ops-circuit",
        "old-release",
        "launched-flag",
        "dead-flag",
        "unused-permission",
        "snoozed-flag",
        "expired-flag",
        "expiring-flag",
    ] {
        assert!(
            dom.contains(&format!("<tr data-flag=\"{flag}\">")),
            "no row for {flag}"
        );
    }
    assert!(dom.contains("<svg id=\"age-chart\""), "no chart");
    assert!(
        dom.matches("class=\"bar\"").count() >= 3,
        "chart has too few bars"
    );
    assert!(
        dom.contains("id=\"plan-dead-flag\""),
        "no cleanup plan for dead-flag"
    );
}

#[test]
fn a_split_experiment_leaves_the_kept_value_to_its_owner() {
    // The bundled pricing-page-layout splits 40/30/30 between three layouts; once it has
    // expired its plan must not claim a rollout to keep.
    let out = Test::new()
        .current_dir(crate::common::root())
        .args(["audit", "--now", "2027-06-01", "--format", "json"])
        .run()
        .code(0);
    let doc = out.json();
    let entry = doc["owners"]
        .as_array()
        .expect("owners")
        .iter()
        .flat_map(|o| o["flags"].as_array().expect("flags").iter())
        .find(|f| f["flag"] == "pricing-page-layout")
        .expect("pricing-page-layout");
    let plan = &entry["plan"];
    assert_eq!(plan["keep"], serde_json::Value::Null, "{plan}");
    let variants: Vec<&str> = plan["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .filter_map(|c| c["variant"].as_str())
        .collect();
    assert_eq!(variants, ["classic", "compact", "comparison"]);
    assert!(
        plan["action"]
            .as_str()
            .expect("action")
            .starts_with("Decide which variant wins")
    );
}
