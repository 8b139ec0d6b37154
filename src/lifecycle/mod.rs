//! The lifecycle rules (`docs/codes.md`, lifecycle findings) as pure functions: from a
//! flags file, what git knows about each flag ([`Facts`]), code references
//! ([`CodeRef`]) and "today", to [`Finding`]s. The rules read no files and no
//! repositories, so each is unit-testable; [`gather`] is the service that collects
//! their inputs for `stale`, `check` and `audit`.

pub mod facts;
pub mod gather;
pub mod keep;
pub mod policy;
pub mod refs;
pub mod report;
mod rules;

pub use facts::{Facts, FlagFacts, Introduced};
pub use refs::{CodeRef, code_refs, nested_findings, reference_findings};
pub use report::{Gate, HistoryStatus, Stale};
pub use rules::{created, fully_off, fully_on};

use crate::diag::{Code, Diagnostic, Pos, Severity};
use crate::model::FlagsFile;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashSet;

/// Where a date in a finding comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Written in flags.yaml.
    File,
    /// Read from git history.
    Git,
    /// Without history: the flag's `created` date, a lower bound.
    Created,
}

/// One lifecycle finding about one flag.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The flag key.
    pub flag: String,
    /// What was found.
    pub kind: Code,
    /// `error` or `warning`.
    pub severity: Severity,
    /// What is wrong, with the dates that show it.
    pub message: String,
    /// What to do about it, concretely.
    pub action: String,
    /// The flag's owner, when it has one.
    pub owner: Option<String>,
    /// The file the finding points into (flags.yaml, or code for `undefined`).
    pub file: String,
    /// 1-based line: the flag's key in flags.yaml, or the code reference.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// `launched` / `dead`: since when the flag has been fully on / off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<NaiveDate>,
    /// Where `since` comes from: `git` (last change of its evaluation fields) or
    /// `created` (no history available).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_source: Option<Source>,
    /// `overdue`: when the flag was created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<NaiveDate>,
    /// Where `created` comes from: `file`, or `git` when inferred from the commit that
    /// introduced the flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_source: Option<Source>,
    /// The usage data behind a usage finding (`unused`, `constant`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<Evidence>,
}

/// What usage data showed for a usage finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The days the claim rests on.
    pub covered: crate::usage::Covered,
    /// Whether the data covers as many days as the rule asks for; a finding that is
    /// not conclusive says what the data shows but is not enough to act on alone.
    pub conclusive: bool,
    /// The last evaluation, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_evaluated: Option<chrono::DateTime<chrono::Utc>>,
    /// Evaluations counted for the claim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluations: Option<u64>,
    /// The services that evaluated the flag.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    /// `constant`: the value production always got, which its cleanup keeps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep: Option<serde_json::Value>,
    /// `constant`: the variant production always got.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep_variant: Option<String>,
}

impl From<crate::usage::UsageFinding> for Finding {
    fn from(u: crate::usage::UsageFinding) -> Finding {
        let mut f = Finding::new(u.kind, &u.flag, &u.file, Pos::new(u.line, u.column))
            .says(u.message, &u.action);
        f.severity = u.severity;
        f.owner = u.owner;
        f.usage = Some(Evidence {
            covered: u.covered,
            conclusive: u.conclusive,
            last_evaluated: u.last_evaluated,
            evaluations: u.evaluations,
            services: u.services,
            keep: u.keep,
            keep_variant: u.keep_variant,
        });
        f
    }
}

impl Finding {
    /// A finding of `kind` about `flag`, at `pos` in `file`, with the kind's usual
    /// severity and no dates.
    pub fn new(kind: Code, flag: &str, file: &str, pos: Pos) -> Finding {
        Finding {
            flag: flag.to_string(),
            kind,
            severity: kind.severity(),
            message: String::new(),
            action: String::new(),
            owner: None,
            file: file.to_string(),
            line: pos.line,
            column: pos.column,
            since: None,
            since_source: None,
            created: None,
            created_source: None,
            usage: None,
        }
    }

    /// Sets the message and the action.
    pub fn says(mut self, message: String, action: &str) -> Finding {
        self.message = message;
        self.action = action.to_string();
        self
    }

    /// The finding as a [`Diagnostic`] (code = kind), for text, GitHub and SARIF output.
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic::new(
            &self.file,
            Pos::new(self.line, self.column),
            self.kind,
            self.severity,
            format!("{}; {}", self.message, self.action),
        )
        .with_flag(self.flag.clone())
    }
}

/// Sorts findings by file, line, kind and flag, so output is stable.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.kind, &a.flag)
            .cmp(&(&b.file, b.line, b.column, b.kind, &b.flag))
    });
}

/// Options of the rules.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// "Today" (`--now`).
    pub today: NaiveDate,
    /// Days before `expires` that `expiring` starts (`--warn-within`); default
    /// `settings.expiry_warning`.
    pub warn_within: Option<i64>,
}

/// Every lifecycle finding about the flags of `file` (displayed as `display`) that does
/// not need code references: `expired`, `expiring`, `overdue`, `launched`, `dead` and
/// `snoozed`. Sorted.
pub fn findings(file: &FlagsFile, display: &str, facts: &Facts, opts: &Options) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for flag in &file.flags {
        // A duplicated key is a validation error; judge the definition that counts.
        if !seen.insert(flag.key.as_str()) {
            continue;
        }
        let rule = rules::Rule {
            flag,
            settings: &file.settings,
            display,
            facts,
            opts,
        };
        out.extend(rule.expiry());
        out.extend(rule.overdue());
        out.extend(rule.launched_or_dead());
        out.extend(rule.snoozed());
    }
    sort(&mut out);
    out
}

#[cfg(test)]
mod tests;
