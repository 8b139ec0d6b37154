//! The `--explain` trace: one line per step of the evaluation order (`docs/evaluation.md`) that evaluation took. The
//! text is built only when a trace was asked for, so plain evaluation pays nothing.

use super::context::{Attributes, lookup};
use crate::model::{Condition, Operator};
use serde::Serialize;
use serde_json::Value;

/// One step taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The step of the evaluation order (1..=7; 0 for the environment note).
    pub step: u8,
    /// What happened, e.g. "rollout 25: ... → bucket 61 > 25 → off (SPLIT)".
    pub text: String,
}

/// Records steps into an optional trace.
pub(super) struct Tracer<'t> {
    steps: Option<&'t mut Vec<Step>>,
}

impl<'t> Tracer<'t> {
    pub(super) fn new(steps: Option<&'t mut Vec<Step>>) -> Self {
        Tracer { steps }
    }

    /// Whether a trace is being recorded.
    pub(super) fn on(&self) -> bool {
        self.steps.is_some()
    }

    /// Records a line built only when tracing.
    pub(super) fn step_with(&mut self, step: u8, text: impl FnOnce() -> String) {
        if let Some(steps) = self.steps.as_deref_mut() {
            steps.push(Step { step, text: text() });
        }
    }
}

/// A value as compact JSON.
pub fn show(v: &Value) -> String {
    v.to_string()
}

/// Why a condition failed: "`route` = \"/home\" fails starts_with".
pub fn failed_condition<C: Attributes + ?Sized>(cond: &Condition, ctx: &C) -> String {
    let attr = lookup(ctx, &cond.path, &cond.attribute);
    let op = cond
        .ops
        .iter()
        .find(|op| !super::conditions::op_holds(op, attr, cond.ignore_case))
        .map_or("?", Operator::name);
    match attr {
        Some(v) => format!("`{}` = {} fails {op}", cond.attribute, show(v)),
        None => format!("`{}` is missing, fails {op}", cond.attribute),
    }
}
