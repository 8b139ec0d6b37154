//! The `--explain` trace: one line per step of the evaluation order (`docs/evaluation.md`) that evaluation took. The
//! text is built only when a trace was asked for, so plain evaluation pays nothing.

use super::context::{Attributes, lookup};
use crate::model::condition::SemverOp;
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

/// The name of an operator as written in flags.yaml.
pub fn op_name(op: &Operator) -> &'static str {
    match op {
        Operator::Eq(_) => "eq",
        Operator::Neq(_) => "neq",
        Operator::In(_) => "in",
        Operator::NotIn(_) => "not_in",
        Operator::Contains(_) => "contains",
        Operator::StartsWith(_) => "starts_with",
        Operator::EndsWith(_) => "ends_with",
        Operator::Matches(_) => "matches",
        Operator::Gt(_) => "gt",
        Operator::Gte(_) => "gte",
        Operator::Lt(_) => "lt",
        Operator::Lte(_) => "lte",
        Operator::Before(_) => "before",
        Operator::After(_) => "after",
        Operator::Semver(SemverOp::Eq, _) => "semver_eq",
        Operator::Semver(SemverOp::Gt, _) => "semver_gt",
        Operator::Semver(SemverOp::Gte, _) => "semver_gte",
        Operator::Semver(SemverOp::Lt, _) => "semver_lt",
        Operator::Semver(SemverOp::Lte, _) => "semver_lte",
        Operator::InCidr(_) => "in_cidr",
        Operator::Exists(_) => "exists",
    }
}

/// Why a condition failed: "`route` = \"/home\" fails starts_with".
pub fn failed_condition<C: Attributes + ?Sized>(cond: &Condition, ctx: &C) -> String {
    let attr = lookup(ctx, &cond.path, &cond.attribute);
    let op = cond
        .ops
        .iter()
        .find(|op| !super::conditions::op_holds(op, attr, cond.ignore_case))
        .map_or("?", op_name);
    match attr {
        Some(v) => format!("`{}` = {} fails {op}", cond.attribute, show(v)),
        None => format!("`{}` is missing, fails {op}", cond.attribute),
    }
}
