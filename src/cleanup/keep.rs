//! Which value a cleanup keeps: from `--keep` (`on`, `off`, a variant name or a JSON
//! value), else from the flag's state, the way the audit plan decides.

use crate::model::{Flag, FlagState};
use serde_json::Value;

/// Why no value could be chosen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeepError {
    /// The flag is split or partly rolled out: the owner decides.
    #[error("`{flag}` is {state}: choose what to keep with --keep ({candidates})")]
    Undecided {
        /// The flag.
        flag: String,
        /// Its state.
        state: String,
        /// What --keep could be.
        candidates: String,
    },
}

/// The value `--keep TEXT` names for `flag`.
pub fn parse(flag: &Flag, text: &str) -> Value {
    let t = &flag.targeting;
    match text {
        "on" => t
            .value
            .as_ref()
            .map_or(Value::Bool(true), |v| v.value.clone()),
        "off" => t
            .off
            .as_ref()
            .map_or(Value::Bool(false), |v| v.value.clone()),
        _ => {
            if let Some(v) = t.variants.iter().flatten().find(|v| v.name == text) {
                return v.value.value.clone();
            }
            serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
        }
    }
}

/// The value to keep when `--keep` is not given: on when the flag serves its on value
/// to everyone, off when it is off or killed; anything else is the owner's decision.
pub fn default(flag: &Flag) -> Result<Value, KeepError> {
    let t = &flag.targeting;
    let variants: Vec<&str> = t
        .variants
        .iter()
        .flatten()
        .filter(|v| v.weight.value > 0)
        .map(|v| v.name.as_str())
        .collect();
    let state = t.state();
    match state {
        FlagState::On if variants.len() <= 1 && t.rules.as_ref().is_none_or(Vec::is_empty) => {
            Ok(match variants.first() {
                Some(name) => parse(flag, name),
                None => parse(flag, "on"),
            })
        }
        FlagState::Off | FlagState::Killed => Ok(parse(flag, "off")),
        _ => {
            let mut candidates = vec!["on".to_string(), "off".to_string()];
            candidates.extend(variants.iter().map(|v| v.to_string()));
            Err(KeepError::Undecided {
                flag: flag.key.clone(),
                state: if variants.len() > 1 {
                    "split between variants".to_string()
                } else {
                    state.to_string()
                },
                candidates: candidates.join(", "),
            })
        }
    }
}
