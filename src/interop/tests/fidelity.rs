//! The Unleash export evaluated by Unleash's own engine (yggdrasil) against flagctl's
//! evaluation, over 10,000 generated contexts per flag and environment.

use super::generate::{Domain, Flat, Pool};
use crate::eval::{Engine, Reason};
use crate::interop::report::{Fidelity, FlagReport};
use crate::interop::unleash::{self, ExportOptions, is_toggle};
use crate::model::{FlagsFile, load_text};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use unleash_yggdrasil::{Context as UContext, EngineState, UpdateMessage};

const CONTEXTS: usize = 10_000;

/// A flags file from the repository, which must be valid.
pub fn load(rel: &str) -> FlagsFile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let loaded = load_text(&path, rel, &text, today);
    loaded.require_valid().unwrap();
    loaded.file
}

/// The Unleash context for a flat context: its well-known fields, and properties.
pub fn unleash_context(flat: &Flat) -> UContext {
    let mut properties = HashMap::new();
    let mut ctx = UContext {
        user_id: None,
        session_id: None,
        environment: None,
        app_name: None,
        current_time: None,
        remote_address: None,
        properties: None,
    };
    for (k, v) in flat {
        let slot = match k.as_str() {
            "userId" => &mut ctx.user_id,
            "sessionId" => &mut ctx.session_id,
            "environment" => &mut ctx.environment,
            "appName" => &mut ctx.app_name,
            "currentTime" => &mut ctx.current_time,
            "remoteAddress" => &mut ctx.remote_address,
            _ => {
                properties.insert(k.clone(), v.clone());
                continue;
            }
        };
        *slot = Some(v.clone());
    }
    ctx.properties = Some(properties);
    ctx
}

/// A flat context as a flagctl context.
pub fn flagctl_context(flat: &Flat) -> crate::eval::Context {
    flat.iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect()
}

/// The value a payload carries.
pub fn payload_value(kind: &str, text: &str) -> Option<Value> {
    match kind {
        "string" | "csv" => Some(Value::String(text.to_string())),
        "number" => serde_json::from_str::<serde_json::Number>(text)
            .ok()
            .map(Value::Number),
        _ => serde_json::from_str(text).ok(),
    }
}

/// What an SDK observes: off (disabled), or on with a variant and its value.
#[derive(Debug, Clone, PartialEq)]
pub enum Seen {
    /// Disabled (the SDK serves the caller's default).
    Off,
    /// Enabled; for a toggle neither name nor value.
    On(Option<String>, Option<Value>),
}

/// Loads an exported document into a fresh yggdrasil engine.
pub fn engine(doc: &unleash::ClientFeatures) -> EngineState {
    let engine = EngineState::default();
    let json = serde_json::to_string(doc).unwrap();
    let state: UpdateMessage = serde_json::from_str(&json).unwrap();
    let warnings = engine.take_state(state);
    assert!(warnings.is_none(), "yggdrasil warnings: {warnings:?}");
    engine
}

/// What yggdrasil serves for `flag`.
pub fn unleash_seen(engine: &EngineState, flag: &str, toggle: bool, ctx: &UContext) -> Seen {
    if toggle {
        return if engine.is_enabled(flag, ctx, &None) {
            Seen::On(None, None)
        } else {
            Seen::Off
        };
    }
    let v = engine.get_variant(flag, ctx, &None);
    if !v.feature_enabled {
        return Seen::Off;
    }
    let value = v
        .payload
        .as_ref()
        .and_then(|p| payload_value(&p.payload_type, &p.value));
    Seen::On(Some(v.name), value)
}

/// What flagctl serves, as an SDK reading the export would see it.
pub fn flagctl_seen(result: &crate::eval::EvalResult, toggle: bool, variant_named: bool) -> Seen {
    let on = result.step >= 5 && result.reason != Reason::Error;
    if toggle {
        return if on && result.value == &Value::Bool(true) {
            Seen::On(None, None)
        } else {
            Seen::Off
        };
    }
    if !on {
        return Seen::Off;
    }
    let name = if variant_named {
        result.variant.map(str::to_string)
    } else {
        None
    };
    Seen::On(name, Some(result.value.clone()))
}

/// Agreement of flagctl and yggdrasil on one flag over `n` contexts.
pub fn agreement(
    file: &FlagsFile,
    env: Option<&str>,
    flag: &str,
    domain: Domain,
    n: usize,
    seed: u64,
) -> Agreement {
    let opts = ExportOptions {
        environment: env.map(str::to_string),
        ..ExportOptions::default()
    };
    let (doc, _) = unleash::export(file, &opts);
    let ygg = engine(&doc);
    let eng = Engine::new(file);
    let f = file.flag(flag).unwrap();
    let prepared = eng.prepare(f, env);
    let toggle = is_toggle(&prepared.targeting);
    let pool = Pool::new(file, domain);
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut agree = 0;
    let mut first = None;
    let mut outcomes: Vec<Seen> = Vec::new();
    for _ in 0..n {
        let flat = pool.context(&mut rng, domain);
        let ours = eng.evaluate(&prepared, &flagctl_context(&flat), None, None);
        let expected = flagctl_seen(&ours, toggle, true);
        let mut got = unleash_seen(&ygg, flag, toggle, &unleash_context(&flat));
        // Rule values travel as one-variant payloads named after the rule: compare names
        // only where flagctl names a variant.
        if let (Seen::On(name, _), Seen::On(None, _)) = (&mut got, &expected) {
            *name = None;
        }
        if !outcomes.contains(&expected) {
            outcomes.push(expected.clone());
        }
        if got == expected {
            agree += 1;
        } else if first.is_none() {
            first = Some((flat, expected, got));
        }
    }
    Agreement {
        agree,
        first,
        outcomes: outcomes.len(),
    }
}

/// How one flag compared.
pub struct Agreement {
    /// Contexts on which both served the same.
    pub agree: usize,
    /// The first context on which they differed, with flagctl's and Unleash's result.
    pub first: Option<(Flat, Seen, Seen)>,
    /// How many different results flagctl served (a test over one result proves little).
    pub outcomes: usize,
}

fn reports(file: &FlagsFile, env: Option<&str>) -> Vec<FlagReport> {
    let opts = ExportOptions {
        environment: env.map(str::to_string),
        ..ExportOptions::default()
    };
    unleash::export(file, &opts).1
}

/// Every flag of `rel` in every environment: 100% agreement on flags without a loss
/// warning (all inputs), and on approximated flags over the inputs both read alike.
/// Prints the figures.
fn check_file(rel: &str) {
    let file = load(rel);
    let mut envs: Vec<Option<String>> = vec![None];
    if let Some(list) = &file.settings.environments {
        envs.extend(list.iter().map(|e| Some(e.value.clone())));
    }
    for env in &envs {
        let env = env.as_deref();
        for rep in reports(&file, env) {
            let domain = match rep.fidelity {
                Fidelity::Exact => Domain::Full,
                Fidelity::Approximated => Domain::Common,
                Fidelity::Lost => continue,
            };
            let a = agreement(&file, env, &rep.flag, domain, CONTEXTS, 7);
            let full = agreement(&file, env, &rep.flag, Domain::Full, 2_000, 11);
            println!(
                "{rel} {:<12} {:<26} {:<12} {}/{CONTEXTS} over {} outcomes (all inputs: {}/2000)",
                env.unwrap_or("-"),
                rep.flag,
                rep.fidelity.to_string(),
                a.agree,
                a.outcomes,
                full.agree
            );
            assert!(
                a.first.is_none(),
                "{rel} env {env:?} flag {}: {}/{CONTEXTS}; first difference: {:?}",
                rep.flag,
                a.agree,
                a.first
            );
        }
    }
}

#[test]
fn bundled_flags_agree_with_unleash_engine() {
    check_file("flags.yaml");
}

#[test]
fn fixtures_agree_with_unleash_engine() {
    for rel in [
        "fixtures/edit/anchor.yaml",
        "fixtures/edit/block.yaml",
        "fixtures/edit/compact.yaml",
        "fixtures/edit/flow-map.yaml",
        "fixtures/edit/flow-values.yaml",
        "fixtures/edit/one-line-flow.yaml",
        "fixtures/interop/targeting.yaml",
    ] {
        check_file(rel);
    }
}
