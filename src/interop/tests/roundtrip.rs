//! `import(export(x))` evaluates as `x` does, for every flag that exports without loss
//! and that the import does not report lost: over the bundled flags, the fixtures and
//! generated flags files. (A `false` rule on a string operator is negated on export into
//! an inverted constraint that flags.yaml has no operator for; the import says so.)

use super::fidelity::{flagctl_context, flagctl_seen};
use super::generate::{Domain, Pool, flags_file};
use crate::eval::Engine;
use crate::interop::unleash::is_toggle;
use crate::interop::{self, ExportOptions, Fidelity, Format};
use crate::model::{FlagsFile, load_text};
use std::path::Path;

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

fn parse(text: &str, name: &str) -> FlagsFile {
    let loaded = load_text(Path::new(name), name, text, today());
    if let Err(e) = loaded.require_valid() {
        panic!("{name} is invalid: {e}\n{text}");
    }
    loaded.file
}

/// Checks every lossless flag of `x` over `n` contexts; returns how many flags were
/// checked.
fn round_trip(x: &FlagsFile, name: &str, n: usize, seed: u64, reported_lost: &mut usize) -> usize {
    let mut envs: Vec<Option<String>> = vec![None];
    for f in &x.flags {
        for e in &f.environments {
            if !envs.contains(&Some(e.name.clone())) {
                envs.push(Some(e.name.clone()));
            }
        }
    }
    let mut checked = 0;
    for env in envs {
        let opts = ExportOptions {
            environment: env.clone(),
            ..ExportOptions::default()
        };
        let exported = interop::export(x, name, Format::Unleash, &opts);
        let imported =
            interop::import_unleash(&exported.text, "export.json", None, today()).unwrap();
        let y = parse(&imported.text, "imported.yaml");
        let (ex, ey) = (Engine::new(x), Engine::new(&y));
        let pool = Pool::new(x, Domain::Full);
        let mut rng = fastrand::Rng::with_seed(seed);
        let contexts: Vec<_> = (0..n)
            .map(|_| pool.context(&mut rng, Domain::Full))
            .collect();
        for rep in exported
            .report
            .flags
            .iter()
            .filter(|r| r.fidelity == Fidelity::Exact)
        {
            // What the import cannot carry (an inverted string constraint written by
            // negating a `false` rule) it must say; such flags are counted, not compared.
            let back = imported.report.flag(&rep.flag).map(|r| r.fidelity);
            if back == Some(Fidelity::Lost) {
                *reported_lost += 1;
                continue;
            }
            let (fx, fy) = (x.flag(&rep.flag).unwrap(), y.flag(&rep.flag).unwrap());
            let (px, py) = (ex.prepare(fx, env.as_deref()), ey.prepare(fy, None));
            let toggle = is_toggle(&px.targeting);
            assert_eq!(toggle, is_toggle(&py.targeting), "{name} {}", rep.flag);
            for flat in &contexts {
                let ctx = flagctl_context(flat);
                let a = flagctl_seen(&ex.evaluate(&px, &ctx, None, None), toggle, false);
                let b = flagctl_seen(&ey.evaluate(&py, &ctx, None, None), toggle, false);
                assert_eq!(
                    a, b,
                    "{name} env {env:?} flag {} differs for {flat:?}\n--- exported\n{}\n--- imported\n{}",
                    rep.flag, exported.text, imported.text
                );
            }
            checked += 1;
        }
    }
    checked
}

#[test]
fn bundled_and_fixture_flags_round_trip() {
    for rel in [
        "flags.yaml",
        "fixtures/interop/targeting.yaml",
        "fixtures/edit/block.yaml",
    ] {
        let text =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap();
        let mut lost = 0;
        let checked = round_trip(&parse(&text, rel), rel, 3_000, 5, &mut lost);
        println!("{rel}: {checked} flags round-tripped, {lost} reported lost by the import");
        assert!(checked > 0, "{rel}: no lossless flag");
    }
}

/// 300 generated files, 500 contexts each (about 300 of their flags export exactly).
#[test]
fn generated_flags_round_trip() {
    let mut rng = fastrand::Rng::with_seed(0xf1a9);
    let mut checked = 0;
    let mut lost = 0;
    for i in 0..300 {
        let text = flags_file(&mut rng);
        let x = parse(&text, &format!("generated-{i}.yaml"));
        checked += round_trip(
            &x,
            &format!("generated-{i}.yaml:\n{text}"),
            500,
            i,
            &mut lost,
        );
    }
    println!("{checked} lossless flags round-tripped, {lost} reported lost by the import");
    assert!(checked > 250, "only {checked} lossless flags");
}
