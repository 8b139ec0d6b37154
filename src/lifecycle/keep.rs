//! Which code path a flag's cleanup keeps, when flags.yaml alone decides it: a flag
//! off everywhere keeps its off path; a flag that serves one value to everyone
//! everywhere keeps that. A split (variants with more than one weight above zero), a
//! partial rollout, targeting, rules serving different values or environments that
//! disagree leave the decision to the owner, with the candidates listed.

use super::rules::{fully_off, served_values};
use crate::model::{Flag, FlagState, Targeting};
use serde::Serialize;
use serde_json::Value;

/// Which path of the code checking a flag survives its removal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Keep {
    /// The path taken when the flag is on.
    On,
    /// The path taken when the flag is off.
    Off,
}

impl Keep {
    /// `on` or `off`.
    pub fn as_str(self) -> &'static str {
        match self {
            Keep::On => "on",
            Keep::Off => "off",
        }
    }
}

/// A value the flag serves, with the variant that serves it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// The variant, when a variant serves it.
    pub variant: Option<String>,
    /// The value.
    pub value: Value,
}

/// What flags.yaml says a cleanup keeps.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// This path, serving this value.
    Keep(Keep, Candidate),
    /// The owner must choose among these values first.
    Undecided(Vec<Candidate>),
}

/// Decides from the flag as written, in every environment.
pub fn decide(flag: &Flag) -> Decision {
    let scopes = scopes(flag);
    let off = flag.targeting.off_value();
    if fully_off(flag) {
        return Decision::Keep(
            Keep::Off,
            Candidate {
                variant: None,
                value: off,
            },
        );
    }
    let mut served: Vec<Candidate> = Vec::new();
    let mut everyone_on = true;
    for t in &scopes {
        match t.state() {
            FlagState::On => {}
            FlagState::Off | FlagState::Killed => add(&mut served, None, t.off_value()),
            FlagState::Partial(_) | FlagState::Targeted => {
                everyone_on = false;
                add(&mut served, None, t.off_value());
            }
        }
        if !matches!(t.state(), FlagState::Off | FlagState::Killed) {
            for c in candidates(t) {
                add(&mut served, c.variant, c.value);
            }
        }
    }
    match served.as_slice() {
        [only] if everyone_on => Decision::Keep(Keep::On, only.clone()),
        _ => Decision::Undecided(served),
    }
}

/// The flag's targeting in every scope: the flag itself and each environment override.
fn scopes(flag: &Flag) -> Vec<Targeting> {
    let mut all = vec![flag.targeting.clone()];
    all.extend(
        flag.environments
            .iter()
            .map(|e| flag.targeting.overlay(&e.targeting)),
    );
    all
}

/// The values one scope serves when on, with their variants.
fn candidates(t: &Targeting) -> Vec<Candidate> {
    let variants: Vec<Candidate> = t
        .variants
        .iter()
        .flatten()
        .filter(|v| v.weight.value > 0)
        .map(|v| Candidate {
            variant: Some(v.name.clone()),
            value: v.value.value.clone(),
        })
        .collect();
    let mut out = variants;
    for value in served_values(t) {
        if !out.iter().any(|c| c.value == value) {
            out.push(Candidate {
                variant: None,
                value,
            });
        }
    }
    out
}

/// Adds a candidate unless its value is already there (a variant name wins over none).
fn add(list: &mut Vec<Candidate>, variant: Option<String>, value: Value) {
    match list.iter_mut().find(|c| c.value == value) {
        Some(c) => {
            if c.variant.is_none() {
                c.variant = variant;
            }
        }
        None => list.push(Candidate { variant, value }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::load_text;

    fn decision(body: &str) -> Decision {
        let yaml = format!(
            "version: 1\nflags:\n  f:\n    type: experiment\n    owner: o\n    description: d\n    expires: 2030-01-01\n{body}"
        );
        let loaded = load_text(
            "flags.yaml".as_ref(),
            "flags.yaml",
            &yaml,
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"),
        );
        assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
        decide(&loaded.file.flags[0])
    }

    fn values(d: &Decision) -> Vec<Value> {
        match d {
            Decision::Undecided(c) => c.iter().map(|c| c.value.clone()).collect(),
            Decision::Keep(..) => Vec::new(),
        }
    }

    #[test]
    fn a_split_is_not_a_rollout() {
        let d = decision(
            "    off: a\n    variants:\n      x: { value: a, weight: 40 }\n      y: { value: b, weight: 30 }\n      z: { value: c, weight: 30 }\n",
        );
        assert_eq!(values(&d), ["a", "b", "c"]);
    }

    #[test]
    fn one_value_for_everyone_is_kept() {
        assert!(matches!(decision(""), Decision::Keep(Keep::On, _)));
        let d = decision(
            "    off: a\n    variants:\n      x: { value: b, weight: 100 }\n      y: { value: c, weight: 0 }\n",
        );
        assert_eq!(
            d,
            Decision::Keep(
                Keep::On,
                Candidate {
                    variant: Some("x".into()),
                    value: "b".into()
                }
            )
        );
        assert!(matches!(
            decision("    enabled: false\n"),
            Decision::Keep(Keep::Off, _)
        ));
    }

    #[test]
    fn partial_rollouts_rules_and_environments_are_the_owners_call() {
        assert_eq!(values(&decision("    rollout: 10\n")), [false, true]);
        let d = decision("    rules:\n      - when: { plan: { eq: x } }\n        value: false\n");
        assert_eq!(values(&d), [true, false]);
        let d = decision("    environments:\n      production: { enabled: false }\n");
        assert_eq!(values(&d), [true, false]);
    }
}
