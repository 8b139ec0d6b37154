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

/// Prints why a browser test is skipped, straight to stderr (which the test harness
/// does not capture), so the skip is visible in CI logs.
fn skip(test: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: no chromium on PATH (.ci/run installs it with apt-get install chromium)"
    );
}

/// Runs headless Chromium on `page` with `args` (a window size, `--dump-dom`,
/// `--screenshot=PATH`) and returns what it printed on stdout.
fn headless(browser: &Path, page: &Path, args: &[String]) -> String {
    let profile = tempfile::tempdir().expect("profile dir");
    let out = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Asserts that `html` loads nothing from elsewhere.
fn assert_self_contained(html: &str) {
    let svg_ns = "xmlns=\"http://www.w3.org/2000/svg\"";
    assert_eq!(
        html.matches("http").count(),
        html.matches(svg_ns).count(),
        "only the SVG namespace may name a URL"
    );
    assert!(
        !html.contains("<script src") && !html.contains("<link ") && !html.contains("url("),
        "the report must be self-contained"
    );
}

#[test]
fn audit_html_renders_in_a_real_browser() {
    let Some(browser) = chromium() else {
        return skip("audit_html_renders_in_a_real_browser");
    };
    let repo = workspace();
    let (_dir, scan) = other_service_scan(&repo);
    let html = audit(&repo, &scan, "html");
    assert_self_contained(&html);
    let page = repo.path().join("audit.html");
    std::fs::write(&page, &html).expect("write html");
    let dom = headless(&browser, &page, &["--dump-dom".to_string()]);
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

/// The workspace made harder to lay out: a long key owned by a long team name, code
/// under a deep generated path with a minified line, and usage data.
fn crowded_workspace() -> (GitRepo, tempfile::TempDir, PathBuf) {
    let repo = workspace();
    let mut flags = std::fs::read_to_string(repo.path().join("flags.yaml")).expect("flags");
    let key = "checkout-experience-redesign-for-returning-customers-in-the-eu-region";
    flags += &flag(
        key,
        "release",
        "checkout-platform-and-payments-infrastructure-team",
        &dates(ago(200), ago(20)),
    );
    repo.commit_flags(ago(200), "Eve", "Add a long key", &flags);
    let deep = "services/checkout/generated/openapi-clients/typescript/src/models/checkout-configuration-response-with-localized-payment-methods/index.ts";
    let minified = format!(
        "var a=isFeatureEnabled(\"{key}\")&&isFeatureEnabled(\"expired-flag\");{}",
        "b.c(d,e,f,g);".repeat(40)
    );
    repo.write(deep, &format!("{minified}\n"));
    let mut csv = String::from("flag,last_evaluated,count\n");
    for day in 1..=28u64 {
        csv += &format!("old-release,{},{}\n", ago(day), 100 + day * 7 % 40);
        if day % 3 == 0 {
            csv += &format!("{key},{},{}\n", ago(day), day * 11);
        }
    }
    csv += &format!("expired-flag,{},5\n", ago(2));
    // Outside the repository, so that the scan does not count its lines as references.
    let dir = tempfile::tempdir().expect("tempdir");
    let usage = dir.path().join("usage.csv");
    std::fs::write(&usage, csv).expect("usage");
    (repo, dir, usage)
}

/// A script that opens every plan, then writes what the layout measures into the
/// page, for `--dump-dom` to read back.
const PROBE: &str = "<script>document.querySelectorAll('details').forEach(function(d){d.open=true});var e=document.documentElement,w=document.querySelector('.wide'),p=document.createElement('pre');p.id='probe';p.textContent=JSON.stringify({scrollWidth:e.scrollWidth,clientWidth:e.clientWidth,innerWidth:innerWidth,tableScroll:w.scrollWidth,tableClient:w.clientWidth});document.body.appendChild(p)</script>";

#[test]
fn audit_html_fits_1280_pixels_without_horizontal_scrolling() {
    let Some(browser) = chromium() else {
        return skip("audit_html_fits_1280_pixels_without_horizontal_scrolling");
    };
    let (repo, _dir, usage) = crowded_workspace();
    let usage = format!("--usage={}", usage.display());
    let html = repo
        .flagctl(["audit", "--format", "html", usage.as_str()])
        .run()
        .code(0)
        .stdout;
    assert_self_contained(&html);
    // The chart: titled axes, several ticks, a legend of the states present only.
    assert!(
        html.contains(">Number of flags</text>")
            && html.contains(">Age (days since the flag was created)</text>")
    );
    let legend: Vec<&str> = html
        .split("<li data-state=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert_eq!(legend, ["on", "partial", "off"]);
    assert!(
        html.matches("text-anchor=\"end\" fill=\"#57606a\"").count() >= 4,
        "too few ticks"
    );
    // Findings are badges; plans are collapsed; usage adds a sparkline per flag.
    assert!(html.contains("<span class=\"badge error\" title=\"flag `expired-flag` expired"));
    assert!(html.matches("<details class=\"plan\" id=\"plan-").count() >= 6);
    assert!(!html.contains("<details open"), "plans start collapsed");
    assert_eq!(html.matches("<svg class=\"spark\"").count(), 9);
    assert!(html.contains(&format!("<td class=\"nw\">{}</td>", ago(1))));
    // Laid out by a real browser at 1,280 x 900, every plan open: nothing overflows.
    let page = repo.path().join("audit.html");
    std::fs::write(&page, html.replace("</body>", &format!("{PROBE}</body>"))).expect("write");
    let dom = headless(
        &browser,
        &page,
        &["--window-size=1280,900".into(), "--dump-dom".into()],
    );
    let probe = dom
        .split("<pre id=\"probe\">")
        .nth(1)
        .and_then(|s| s.split("</pre>").next())
        .expect("the probe ran");
    let m: serde_json::Value = serde_json::from_str(probe).expect("probe json");
    let n = |k: &str| m[k].as_u64().expect(k);
    assert_eq!(n("innerWidth"), 1280, "{m}");
    assert!(
        n("scrollWidth") <= n("innerWidth"),
        "the page scrolls sideways: {m}"
    );
    assert!(
        n("scrollWidth") <= n("clientWidth"),
        "the page scrolls sideways: {m}"
    );
    assert!(
        n("tableScroll") <= n("tableClient"),
        "the table scrolls sideways: {m}"
    );
    // A screenshot to look at, next to the page: target/tmp/audit-1280x900.{png,html}.
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("audit-1280x900.png");
    let _ = std::fs::remove_file(&shot);
    let _ = std::fs::copy(&page, shot.with_extension("html"));
    headless(
        &browser,
        &page,
        &[
            "--window-size=1280,900".into(),
            format!("--screenshot={}", shot.display()),
        ],
    );
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "empty screenshot"
    );
    let _ = writeln!(std::io::stderr(), "screenshot: {}", shot.display());
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

/// A flags file of one expired release flag, `key`, owned by `owner`, with a scan
/// pattern for `isFeatureEnabled("key")`.
fn one_flag(key: &str, owner: &str) -> String {
    format!(
        "{}  {key}:\n    description: d\n    type: release\n    owner: {owner}\n    created: 2026-01-01\n    expires: 2026-02-01\n",
        HEAD.replace("  service: checkout-api\n", "")
    )
}

#[test]
fn markdown_escapes_per_context_and_lists_each_line_once() {
    // Two spellings of the flag on one line, pipes in the code, and an undefined key
    // used twice on one line.
    let t = Test::new().flags(&one_flag("pipe-flag", "web-team")).file(
        "web/a.ts",
        "if (isEnabled(\"pipe-flag\") || PIPE_FLAG) { x = a | b; }\nreturn isFeatureEnabled('ghost') || isFeatureEnabled('ghost');\n",
    );
    let dir = t.path().to_path_buf();
    let run = |format: &str| {
        Test::new()
            .current_dir(&dir)
            .args(["audit", "--now", TODAY, "--format", format])
            .run()
            .code(0)
            .stdout
    };
    let md = run("markdown");
    let line = "- [ ] `web/a.ts:1` — `if (isEnabled(\"pipe-flag\") || PIPE_FLAG) { x = a | b; }`\n";
    assert_eq!(md.matches(line).count(), 1, "{md}");
    assert!(
        md.contains("- `ghost` at `web/a.ts:2`: `return isFeatureEnabled('ghost') || isFeatureEnabled('ghost');`\n"),
        "{md}"
    );
    assert_eq!(md.matches("`ghost` at").count(), 1, "{md}");
    // A pipe is escaped in table cells only: elsewhere `\|` would show literally.
    for l in md.lines().filter(|l| !l.starts_with('|')) {
        assert!(!l.contains("\\|"), "escaped pipe outside a table: {l}");
    }
    // JSON keeps both references (with their columns); every view lists the line once.
    let json: serde_json::Value = serde_json::from_str(&run("json")).expect("json");
    let edits = &json["owners"][0]["flags"][0]["plan"]["edits"];
    assert_eq!(edits.as_array().map(Vec::len), Some(2), "{edits}");
    let text = run("table");
    assert_eq!(text.matches("web/a.ts:1").count(), 1, "{text}");
    assert_eq!(text.matches("web/a.ts:2").count(), 1, "{text}");
    let html = run("html");
    assert_eq!(html.matches("<code>web/a.ts:1</code>").count(), 1, "{html}");
}

/// `n` expired flags owned by ten teams, each referenced from a source file and a
/// test, so that every flag has a cleanup plan with two places to edit.
fn big_workspace(n: usize) -> Test {
    let mut yaml = HEAD.replace("  service: checkout-api\n", "");
    let mut files: Vec<String> = vec![String::new(); 100];
    for i in 0..n {
        let key = format!("flag-{i:04}");
        yaml.push_str(&format!(
            "  {key}:\n    description: flag number {i} of a big file\n    type: release\n    owner: team-{}\n    created: 2026-01-01\n    expires: 2026-02-01\n",
            i % 10
        ));
        files[i % 100].push_str(&format!(
            "if (isFeatureEnabled(\"{key}\")) {{ renderTheNewCheckoutPage(user, cart, {i}); }}\n"
        ));
    }
    let mut t = Test::new().flags(&yaml);
    for (i, text) in files.iter().enumerate() {
        t = t
            .file(&format!("src/page{i}.ts"), text)
            .file(&format!("test/page{i}.test.ts"), text);
    }
    t
}

#[test]
fn markdown_fits_max_chars_on_a_2000_flag_file() {
    let t = big_workspace(2000);
    let dir = t.path().to_path_buf();
    let run = |extra: &[&str]| {
        Test::new()
            .current_dir(&dir)
            .args(["audit", "--now", TODAY, "--format", "markdown"])
            .args(extra)
            .run()
            .code(0)
            .stdout
    };
    for (max, args) in [(65_000, vec![]), (20_000, vec!["--max-chars", "20000"])] {
        let md = run(&args);
        let chars = md.chars().count();
        assert!(chars <= max, "{chars} characters, more than {max}");
        assert!(chars > max * 9 / 10, "cut too much: {chars} of {max}");
        // Summary, then every owner's table, then the plans.
        assert!(md.starts_with("# Feature flag audit"), "{md}");
        assert!(md.contains("**2000 flags**"), "{md}");
        let tables = md.find("## Flags by owner").expect("tables");
        let plans = md.find("## Cleanup plans").expect("plans");
        assert!(tables < plans);
        for team in 0..10 {
            assert!(
                md.contains(&format!("### team-{team}\n\n| flag |")),
                "team-{team}"
            );
        }
        // Whole structures only: every <details> closed, table rows right under a
        // table, cut lines after a blank line.
        assert_eq!(
            md.matches("<details>").count(),
            md.matches("</details>").count()
        );
        let lines: Vec<&str> = md.lines().collect();
        for pair in lines.windows(2) {
            if pair[1].starts_with('|') && !pair[1].starts_with("| flag |") {
                assert!(pair[0].starts_with('|'), "{pair:?}");
            }
            if pair[1].starts_with('_') {
                assert!(pair[0].is_empty(), "{pair:?}");
            }
        }
        assert!(
            md.contains("more flags left out to fit; `--owner team-0`, `--format html` or `--format json` shows them all._"),
            "no cut line for tables"
        );
        assert!(
            md.contains("more cleanup plans left out to fit"),
            "no cut line for plans"
        );
    }
}

#[test]
fn a_small_report_is_unchanged_by_the_limit() {
    let repo = workspace();
    let (_dir, scan) = other_service_scan(&repo);
    let default = audit(&repo, &scan, "markdown");
    let refs = format!("--refs={}", scan.display());
    let root = format!("--root=billing={}", scan.display());
    let unlimited = repo
        .flagctl([
            "audit",
            "--format",
            "markdown",
            refs.as_str(),
            root.as_str(),
            "--max-chars",
            "100000000",
        ])
        .run()
        .code(0)
        .stdout;
    assert_eq!(default, unlimited);
    assert!(!default.contains("left out"), "{default}");
}

#[test]
fn max_chars_is_for_markdown_and_not_tiny() {
    let t = || Test::new().flags(&one_flag("a", "t"));
    let out = t()
        .args(["audit", "--format", "json", "--max-chars", "5000"])
        .run()
        .code(2);
    assert!(
        out.stderr
            .contains("--max-chars applies to --format markdown only"),
        "{}",
        out.stderr
    );
    let out = t()
        .args(["audit", "--format", "markdown", "--max-chars", "10"])
        .run()
        .code(2);
    assert!(
        out.stderr.contains("--max-chars must be at least 1000"),
        "{}",
        out.stderr
    );
}

#[test]
fn added_in_the_last_30_days_without_history_is_unknown() {
    let t = Test::new().flags(&one_flag("a", "t"));
    let dir = t.path().to_path_buf();
    let run = |format: &str| {
        Test::new()
            .current_dir(&dir)
            .args(["audit", "--now", TODAY, "--format", format])
            .run()
            .code(0)
            .stdout
    };
    assert!(
        run("markdown").contains("- Added in the last 30 days: unknown (no history)\n- Removed in the last 30 days: unknown (no history)\n")
    );
    assert!(run("table").contains("added in the last 30 days: unknown (no history)\n"));
    assert!(run("html").contains("<li>Added in the last 30 days: unknown (no history)</li>"));
    let json: serde_json::Value = serde_json::from_str(&run("json")).expect("json");
    assert_eq!(
        json["summary"]["added_last_30_days"],
        serde_json::Value::Null
    );
    assert_eq!(
        json["summary"]["removed_last_30_days"],
        serde_json::Value::Null
    );
}

#[test]
fn added_in_the_first_month_counts_flags_instead_of_listing_them() {
    let release = |key: &str| flag(key, "release", "t", &dates(ago(12), ahead(20)));
    let adopted = GitRepo::new();
    let three = format!("{HEAD}{}{}{}", release("a"), release("b"), release("c"));
    adopted.commit_flags(ago(12), "Ann", "Adopt flagctl", &three);
    adopted.commit_flags(ago(5), "Bob", "Add d", &format!("{three}{}", release("d")));
    let md = adopted
        .flagctl(["audit", "--format", "markdown"])
        .run()
        .code(0)
        .stdout;
    let on = ago(12);
    assert!(
        md.contains(&format!(
            "- Added in the last 30 days: 4 flags (`flags.yaml` was added on {on})\n"
        )),
        "{md}"
    );
    let text = adopted.flagctl(["audit"]).run().code(0).stdout;
    assert!(
        text.contains(&format!(
            "added in the last 30 days: 4 flags (flags.yaml was added on {on})\n"
        )),
        "{text}"
    );
    let json = adopted
        .flagctl(["audit", "--format", "json"])
        .run()
        .code(0)
        .json();
    assert_eq!(json["summary"]["flags_file_added"], on.to_string());
    assert_eq!(
        json["summary"]["added_last_30_days"]
            .as_array()
            .map(Vec::len),
        Some(4)
    );
    // Once flags.yaml is older than 30 days, the flags added are listed.
    let older = GitRepo::new();
    older.commit_flags(ago(40), "Ann", "Adopt flagctl", &three);
    older.commit_flags(ago(5), "Bob", "Add d", &format!("{three}{}", release("d")));
    let md = older
        .flagctl(["audit", "--format", "markdown"])
        .run()
        .code(0)
        .stdout;
    assert!(
        md.contains(&format!("- Added in the last 30 days: `d` ({}, ", ago(5))),
        "{md}"
    );
}

/// Seven days of usage data in which a flag was never evaluated: the `unused` finding
/// says so, but it is not conclusive (the rule asks for 90 days), so the flag does not
/// count against the health score and gets no cleanup plan.
#[test]
fn inconclusive_usage_does_not_make_a_flag_stale() {
    let flags = "version: 1\nflags:\n  kill-a:\n    type: operational\n    owner: ops\n    description: d\n    created: 2026-01-01\n  kill-b:\n    type: operational\n    owner: ops\n    description: d\n    created: 2026-01-01\n";
    let out = Test::new()
        .flags(flags)
        .file(
            "src/app.ts",
            "if (isEnabled('kill-a')) {}\nif (isEnabled('kill-b')) {}\n",
        )
        .file(
            "usage.csv",
            "flag,first_evaluated,last_evaluated,count\nkill-a,2026-11-24,2026-11-30,500\n",
        )
        .args([
            "audit",
            "--now",
            "2026-12-01",
            "--usage",
            "usage.csv",
            "--format",
            "json",
        ])
        .run()
        .code(0);
    let doc = out.json();
    assert_eq!(doc["summary"]["health"], 100, "{}", doc["summary"]);
    let b = doc["owners"]
        .as_array()
        .expect("owners")
        .iter()
        .flat_map(|o| o["flags"].as_array().expect("flags").iter())
        .find(|f| f["flag"] == "kill-b")
        .expect("kill-b");
    let kinds: Vec<&str> = b["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["unused", "referenced-not-evaluated"], "{b}");
    assert!(b["plan"].is_null(), "{b}");
}
