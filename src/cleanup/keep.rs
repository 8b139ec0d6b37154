//! Which value a cleanup keeps: from `--keep` (`on`, `off`, a variant name or a JSON
//! value), else from the flag's state, the way the audit plan decides.

use crate::lifecycle::keep::{Decision, decide};
use crate::model::Flag;
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

/// The value to keep when `--keep` is not given: what the audit plan keeps (see
/// [`crate::lifecycle::keep`]); a split, a partial rollout or targeting is the owner's
/// decision, and the error lists the candidates.
pub fn default(flag: &Flag) -> Result<Value, KeepError> {
    match decide(flag) {
        Decision::Keep(_, kept) => Ok(kept.value),
        Decision::Undecided(candidates) => {
            let names: Vec<String> = candidates
                .iter()
                .map(|c| match &c.variant {
                    Some(v) => v.clone(),
                    None => c.value.to_string(),
                })
                .collect();
            let split = candidates.iter().filter(|c| c.variant.is_some()).count() > 1;
            Err(KeepError::Undecided {
                flag: flag.key.clone(),
                state: if split {
                    "split between variants".to_string()
                } else {
                    flag.targeting.state().to_string()
                },
                candidates: names.join(", "),
            })
        }
    }
}
