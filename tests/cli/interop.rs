//! `flagctl export` and `flagctl import`: the real exports of the bundled flags.yaml
//! (snapshots), the report, `--strict`, `--environment`, and imports that validate.

use crate::common::{Test, fixture, root};

const NOW: &str = "2026-12-01";

/// The bundled flags.yaml in a directory of its own (no git history, so `stale`
/// depends only on the dates).
fn bundled() -> Test {
    bundled_undated().args(["--now", NOW])
}

/// The same, for commands whose output does not depend on the date (and refuse --now).
fn bundled_undated() -> Test {
    let text = std::fs::read_to_string(root().join("flags.yaml")).expect("flags.yaml");
    Test::new().flags(&text)
}

#[test]
fn export_unleash_of_the_bundled_flags() {
    let out = bundled().args(["export", "--to", "unleash"]).run().code(0);
    insta::assert_snapshot!("export_unleash", out.stdout);
    insta::assert_snapshot!("export_unleash_report", out.stderr);
    let doc = out.json();
    assert_eq!(doc["version"], 2);
    // Expired on NOW: marked stale.
    let gift = doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "gift-wrapping")
        .unwrap();
    assert_eq!(gift["stale"], true);
    assert_eq!(gift["enabled"], false);
}

#[test]
fn export_flagd_of_the_bundled_flags() {
    let out = bundled().args(["export", "--to", "flagd"]).run().code(0);
    insta::assert_snapshot!("export_flagd", out.stdout);
    insta::assert_snapshot!("export_flagd_report", out.stderr);
}

#[test]
fn export_openfeature_of_the_bundled_flags() {
    let out = bundled()
        .args(["export", "--to", "openfeature"])
        .run()
        .code(0);
    insta::assert_snapshot!("export_openfeature", out.stdout);
    assert_eq!(
        out.json()["flags"]["search-cache-ttl"]["flagType"],
        "integer"
    );
}

#[test]
fn export_applies_the_environment() {
    let out = bundled()
        .args([
            "export",
            "--to",
            "unleash",
            "--environment",
            "production",
            "-q",
        ])
        .run()
        .code(0);
    let doc = out.json();
    let npp = doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "new-payment-processor")
        .unwrap();
    assert_eq!(npp["strategies"][0]["parameters"]["rollout"], "5");
    assert!(out.stderr.is_empty(), "--quiet: {}", out.stderr);
    let out = bundled()
        .args(["export", "--to", "unleash", "-e", "moon"])
        .run()
        .code(2);
    assert!(
        out.stderr.contains("unknown environment `moon`"),
        "{}",
        out.stderr
    );
}

#[test]
fn export_writes_files_and_a_json_report() {
    let (out, dir) = bundled()
        .args([
            "export",
            "--to",
            "unleash",
            "-o",
            "out/unleash.json",
            "--report",
            "report.json",
        ])
        .file("out/.keep", "")
        .run_keep();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
    let doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/unleash.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(doc["features"].as_array().unwrap().len(), 13);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    assert_eq!(report["direction"], "export");
    assert_eq!(report["summary"]["approximated"], 3);
    let mqr = report["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["flag"] == "mobile-quick-reorder")
        .unwrap();
    let kinds: Vec<&str> = mqr["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["lenient-address", "lenient-semver"]);
    assert_eq!(mqr["findings"][1]["line"], 169);
}

#[test]
fn strict_export_fails_on_any_loss_and_writes_nothing() {
    let (out, dir) = bundled()
        .args([
            "export",
            "--to",
            "unleash",
            "--strict",
            "-o",
            "unleash.json",
        ])
        .run_keep();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("3 approximated"), "{}", out.stderr);
    assert!(!dir.path().join("unleash.json").exists());
    let lossless = "version: 1\nflags:\n  a:\n    description: d\n    type: operational\n    owner: o\n    rollout: 30\n";
    Test::new()
        .flags(lossless)
        .args(["export", "--to", "unleash", "--strict"])
        .run()
        .code(0);
}

#[test]
fn import_writes_a_valid_flags_file_and_never_overwrites() {
    let export = fixture("interop/unleash-export.json");
    let export = export.to_str().unwrap();
    let t = Test::new().args([
        "--now", NOW, "import", "--from", "unleash", export, "--owner", "platform",
    ]);
    let (out, dir) = t.run_keep();
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("import_unleash_report", out.stderr);
    let written = std::fs::read_to_string(dir.path().join("flags.yaml")).unwrap();
    // The header names the export as given on the command line: an absolute path that
    // depends on the checkout.
    insta::assert_snapshot!(
        "import_unleash_flags",
        written.replace(export, "fixtures/interop/unleash-export.json")
    );
    Test::new()
        .flags(&written)
        .args(["--now", NOW, "validate"])
        .run()
        .code(0);

    // An existing file stays unless --force.
    let t = Test::new()
        .flags("keep me\n")
        .args(["--now", NOW, "import", "--from", "unleash", export]);
    let (out, dir) = t.run_keep();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("already exists; pass --force"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("flags.yaml")).unwrap(),
        "keep me\n"
    );
    let t = Test::new().flags("keep me\n").args([
        "--now", NOW, "import", "--from", "unleash", export, "--force",
    ]);
    let (out, dir) = t.run_keep();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        std::fs::read_to_string(dir.path().join("flags.yaml"))
            .unwrap()
            .starts_with("# Imported from Unleash")
    );
}

#[test]
fn strict_import_refuses_a_lossy_document() {
    let export = fixture("interop/unleash-export.json");
    let t = Test::new().args([
        "import",
        "--from",
        "unleash",
        export.to_str().unwrap(),
        "--strict",
    ]);
    let (out, dir) = t.run_keep();
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("strategy `remoteAddress` has no flagctl equivalent"),
        "{}",
        out.stderr
    );
    assert!(!dir.path().join("flags.yaml").exists());
}

#[test]
fn import_of_an_export_round_trips_through_the_cli() {
    let (out, dir) = bundled()
        .args(["export", "--to", "unleash", "-o", "unleash.json", "-q"])
        .run_keep();
    assert_eq!(out.code, 0);
    let out = Test::new()
        .current_dir(dir.path())
        .args([
            "--now",
            NOW,
            "import",
            "--from",
            "unleash",
            "unleash.json",
            "-o",
            "-",
        ])
        .run()
        .code(0);
    Test::new()
        .flags(&out.stdout)
        .args(["--now", NOW, "validate"])
        .run()
        .code(0);
    // Same answers for a few contexts.
    for ctx in [
        "userId=u-1001",
        "plan=enterprise",
        "email=A@EXAMPLE.COM",
        "route=/search/advanced/x",
    ] {
        let a = bundled_undated()
            .args(["eval", "-c", ctx, "--format", "json"])
            .run()
            .code(0)
            .json();
        let b = Test::new()
            .flags(&out.stdout)
            .args(["eval", "-c", ctx, "--format", "json"])
            .run()
            .code(0)
            .json();
        let by_flag = |v: &serde_json::Value, key: &serde_json::Value| {
            v["results"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["flag"] == *key)
                .cloned()
                .unwrap()
        };
        for x in a["results"].as_array().unwrap() {
            // Off, Unleash serves the caller's default: compare what is served on.
            if x["reason"] == "STATIC" || x["reason"] == "TARGETING_MATCH" {
                let y = by_flag(&b, &x["flag"]);
                assert_eq!(x["value"], y["value"], "{ctx}: {x} vs {y}");
            }
        }
    }
}

#[test]
fn import_refuses_options_it_does_not_use() {
    let out = Test::new()
        .args(["--rev", "HEAD", "import", "--from", "unleash", "x.json"])
        .run()
        .code(2);
    assert!(out.stderr.contains("does not use --rev"), "{}", out.stderr);
    let out = Test::new()
        .args(["--format", "json", "export", "--to", "unleash"])
        .flags("version: 1\nflags: {}\n")
        .run()
        .code(2);
    assert!(
        out.stderr.contains("has one output and no --format"),
        "{}",
        out.stderr
    );
}

#[test]
fn import_reports_a_malformed_document_with_its_position() {
    let out = Test::new()
        .file("bad.json", "{\"features\": [ {\"name\": 3} ]}")
        .args(["import", "--from", "unleash", "bad.json"])
        .run()
        .code(2);
    assert!(
        out.stderr.starts_with("error: bad.json:1:"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("not an Unleash document"),
        "{}",
        out.stderr
    );
}
