//! The typed reports of the lifecycle services: [`Stale`] (`flagctl stale`) and
//! [`Gate`] (`flagctl check`).

use super::{Facts, Finding};
use crate::diag::Diagnostic;
use chrono::NaiveDate;
use serde::Serialize;

/// Whether git history was read, and why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryStatus {
    /// History was read.
    pub available: bool,
    /// Why it was not (not a repository, a shallow clone, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl HistoryStatus {
    /// The status behind `facts`.
    pub fn of(facts: &Facts) -> HistoryStatus {
        HistoryStatus {
            available: facts.unavailable().is_none(),
            reason: facts.unavailable().map(String::from),
        }
    }
}

/// `flagctl stale`: the findings about the flags of one file.
#[derive(Debug, Clone, Serialize)]
pub struct Stale {
    /// "Today" the findings are relative to.
    #[serde(skip)]
    pub today: NaiveDate,
    /// The flags file.
    pub file: String,
    /// Whether git history informed the findings.
    pub history: HistoryStatus,
    /// Every finding, sorted by position.
    pub findings: Vec<Finding>,
}

/// `flagctl check`: the CI gate's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Gate {
    /// "Today" the check ran for.
    #[serde(skip)]
    pub today: NaiveDate,
    /// The flags file.
    pub file: String,
    /// Whether the gate passed (exit 0).
    pub passed: bool,
    /// Diagnostics with severity error.
    pub errors: usize,
    /// Diagnostics with severity warning.
    pub warnings: usize,
    /// Every diagnostic, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The flags file's text, to quote its lines in text output.
    #[serde(skip)]
    pub source: String,
}
