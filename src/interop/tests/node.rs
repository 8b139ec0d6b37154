//! The Unleash Node SDK serving the export from its bootstrap file, and flagd's own
//! evaluator (`@openfeature/flagd-core`) evaluating the flagd export, against flagctl
//! (tests/node/). Skips, saying why, when `node` or the
//! `unleash-client` package is missing. The report's fidelity is judged against
//! Unleash's engine (yggdrasil); the Node SDK differs from it in two known ways: it
//! compares `DATE_*` constraints with the current time whatever the field, and takes an
//! empty stickiness value for a missing one.

use super::fidelity::{Seen, flagctl_context, flagctl_seen, load};
use super::generate::{Domain, Pool};
use crate::eval::Engine;
use crate::interop::unleash::is_toggle;
use crate::interop::{self, ExportOptions, Fidelity, Format};
use serde_json::json;
use std::path::Path;
use std::process::Command;

/// Says why a test skipped, on stderr directly: the test harness captures `println!`
/// and `eprintln!`, which would hide the skip from CI logs.
fn skip(test: &str, why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
}

fn node_ready(script_dir: &Path, package: &str) -> Result<(), String> {
    let probe = Command::new("node")
        .args(["-e", &format!("require.resolve('{package}')")])
        .current_dir(script_dir)
        .output()
        .map_err(|e| format!("node is not installed ({e})"))?;
    if probe.status.success() {
        Ok(())
    } else {
        Err(format!(
            "the {package} npm package is not installed (run `npm install` in tests/node, or set NODE_PATH)"
        ))
    }
}

#[test]
fn unleash_node_sdk_serves_the_export_like_flagctl() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script_dir = root.join("tests/node");
    if let Err(why) = node_ready(&script_dir, "unleash-client") {
        skip("unleash_node_sdk_serves_the_export_like_flagctl", &why);
        return;
    }
    for rel in ["flags.yaml", "fixtures/interop/targeting.yaml"] {
        let file = load(rel);
        let exported = interop::export(&file, rel, Format::Unleash, &ExportOptions::default());
        let engine = Engine::new(&file);
        let pool = Pool::new(&file, Domain::Common);
        let mut rng = fastrand::Rng::with_seed(21);
        let mut lines = String::new();
        for _ in 0..2_000 {
            let mut flat = pool.context(&mut rng, Domain::Common);
            // The Node SDK takes an empty bucketing value for a missing one (Unleash's
            // engine and flagctl hash it); contexts here have no empty values.
            flat.retain(|_, v| !v.is_empty());
            let ctx = flagctl_context(&flat);
            for flag in &file.flags {
                let p = engine.prepare(flag, None);
                let toggle = is_toggle(&p.targeting);
                let seen = flagctl_seen(&engine.evaluate(&p, &ctx, None, None), toggle, false);
                let (enabled, value) = match seen {
                    Seen::Off => (false, None),
                    Seen::On(_, v) => (true, v),
                };
                let line = json!({"flag": flag.key, "context": flat, "toggle": toggle, "enabled": enabled, "value": value});
                lines.push_str(&line.to_string());
                lines.push('\n');
            }
        }
        let script = script_dir.join("unleash_node_sdk.js");
        let (stdout, stderr) = run_script(&script, &exported.text, &lines);
        for line in stdout.lines() {
            println!("Node SDK {rel} {line}");
            let (flag, counts) = line.split_once(' ').unwrap();
            let (a, n) = counts.split_once('/').unwrap();
            let exact = exported
                .report
                .flag(flag)
                .is_some_and(|r| r.fidelity == Fidelity::Exact);
            if exact {
                assert_eq!(
                    a, n,
                    "{rel} {flag}: the Node SDK disagrees with flagctl\n{stderr}"
                );
            }
        }
    }
}

/// Runs `script` on the export and the expectations; returns its stdout and stderr.
fn run_script(script: &Path, export: &str, expected: &str) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("export.json"), export).unwrap();
    std::fs::write(dir.path().join("expected.jsonl"), expected).unwrap();
    let out = Command::new("node")
        .arg(script)
        .arg(dir.path().join("export.json"))
        .arg(dir.path().join("expected.jsonl"))
        .current_dir(script.parent().unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// flagd's evaluator serves every value flagctl serves (off values included), on every
/// flag the flagd report calls exact, over the bundled flags and the fixture.
#[test]
fn flagd_evaluator_serves_the_export_like_flagctl() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script_dir = root.join("tests/node");
    if let Err(why) = node_ready(&script_dir, "@openfeature/flagd-core") {
        skip("flagd_evaluator_serves_the_export_like_flagctl", &why);
        return;
    }
    for rel in ["flags.yaml", "fixtures/interop/targeting.yaml"] {
        let file = load(rel);
        let exported = interop::export(&file, rel, Format::Flagd, &ExportOptions::default());
        let engine = Engine::new(&file);
        let pool = Pool::new(&file, Domain::Common);
        let mut rng = fastrand::Rng::with_seed(8);
        let mut lines = String::new();
        for _ in 0..2_000 {
            let mut flat = pool.context(&mut rng, Domain::Common);
            // JsonLogic's `missing` counts "" as missing (reported `empty-is-missing`).
            flat.retain(|_, v| !v.is_empty());
            let ctx = flagctl_context(&flat);
            for flag in &file.flags {
                let p = engine.prepare(flag, None);
                let r = engine.evaluate(&p, &ctx, None, None);
                let line = json!({"flag": flag.key, "context": flat, "value": r.value});
                lines.push_str(&line.to_string());
                lines.push('\n');
            }
        }
        let (stdout, stderr) =
            run_script(&script_dir.join("flagd_core.js"), &exported.text, &lines);
        // Wherever flagd differs it still serves one of the flag's values, never an error.
        assert!(
            !stderr.contains("flagd \"error"),
            "{rel}: flagd failed to evaluate:\n{stderr}"
        );
        for line in stdout.lines() {
            println!("flagd {rel} {line}");
            let (flag, counts) = line.split_once(' ').unwrap();
            let (a, n) = counts.split_once('/').unwrap();
            let exact = exported
                .report
                .flag(flag)
                .is_some_and(|r| r.fidelity == Fidelity::Exact);
            if exact {
                assert_eq!(a, n, "{rel} {flag}: flagd disagrees with flagctl\n{stderr}");
            }
        }
    }
}
