//! Diagnostics: the one type behind every problem flagctl reports. Validation errors,
//! test-spec errors, lifecycle findings and policy violations all become a
//! [`Diagnostic`] carrying a [`Code`], and every output format (text, JSON, GitHub
//! annotations, SARIF) renders that same value.
//!
//! This module is a leaf: it imports nothing else of flagctl, so every other module may
//! depend on it (see `docs/architecture.md`).

mod code;

pub use code::{Category, Code};

use serde::Serialize;
use std::fmt;

/// A 1-based line and column in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in characters).
    pub column: u32,
}

impl Pos {
    /// Line 1, column 1: used for whole-file problems.
    pub const START: Pos = Pos { line: 1, column: 1 };

    /// A position from a 1-based line and column.
    pub const fn new(line: u32, column: u32) -> Self {
        Pos { line, column }
    }

    /// A position from 1-based numbers of any width, saturating at `u32::MAX` (a line
    /// past that would need a file far larger than any limit flagctl accepts).
    pub fn saturating(line: u64, column: u64) -> Self {
        let narrow = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        Pos::new(narrow(line), narrow(column))
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A range in a file: from `start` up to (not including) `end`. Text output underlines
/// it; a span on one line whose end is unknown underlines one token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Span {
    /// Where it starts.
    pub start: Pos,
    /// Where it ends (exclusive); equal to `start` when only the start is known.
    pub end: Pos,
}

impl Span {
    /// A span known only by its start.
    pub const fn at(start: Pos) -> Self {
        Span { start, end: start }
    }

    /// A span from `start` to `end`.
    pub const fn new(start: Pos, end: Pos) -> Self {
        Span { start, end }
    }

    /// Whether the end is known (the span covers at least one character).
    pub fn has_end(&self) -> bool {
        self.end > self.start
    }
}

impl From<Pos> for Span {
    fn from(pos: Pos) -> Self {
        Span::at(pos)
    }
}

/// How serious a diagnostic is. Errors fail `validate` and `check`; warnings fail them
/// only with `--strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Must be fixed.
    Error,
    /// Worth fixing.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem at one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// File the problem is in, as the user named it (or relative to the scan root).
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// Where the offending text ends, when known (exclusive).
    #[serde(skip)]
    pub end: Option<Pos>,
    /// What kind of problem this is.
    pub code: Code,
    /// `error` or `warning`.
    pub severity: Severity,
    /// What is wrong and how to fix it.
    pub message: String,
    /// The flag this is about, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the code's usual severity.
    pub fn of(file: &str, at: impl Into<Span>, code: Code, message: impl Into<String>) -> Self {
        Self::new(file, at, code, code.severity(), message)
    }

    /// An error at `at` in `file`.
    pub fn error(file: &str, at: impl Into<Span>, code: Code, message: impl Into<String>) -> Self {
        Self::new(file, at, code, Severity::Error, message)
    }

    /// A warning at `at` in `file`.
    pub fn warning(
        file: &str,
        at: impl Into<Span>,
        code: Code,
        message: impl Into<String>,
    ) -> Self {
        Self::new(file, at, code, Severity::Warning, message)
    }

    /// A diagnostic with an explicit severity.
    pub fn new(
        file: &str,
        at: impl Into<Span>,
        code: Code,
        severity: Severity,
        message: impl Into<String>,
    ) -> Self {
        let span = at.into();
        Diagnostic {
            file: file.to_string(),
            line: span.start.line,
            column: span.start.column,
            end: span.has_end().then_some(span.end),
            code,
            severity,
            message: message.into(),
            flag: None,
        }
    }

    /// Attaches the flag key this diagnostic is about.
    pub fn with_flag(mut self, flag: impl Into<String>) -> Self {
        self.flag = Some(flag.into());
        self
    }

    /// The position as a [`Pos`].
    pub fn pos(&self) -> Pos {
        Pos::new(self.line, self.column)
    }

    /// The span: from the position to the end, when known.
    pub fn span(&self) -> Span {
        let start = self.pos();
        Span::new(start, self.end.unwrap_or(start))
    }
}

/// Sorts diagnostics by file, line, column, code and message, so output is stable.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.code, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.code, &b.message))
    });
}

/// Counts of errors and warnings.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Diagnostics with severity error.
    pub errors: usize,
    /// Diagnostics with severity warning.
    pub warnings: usize,
}

impl Counts {
    /// Tallies a list of diagnostics.
    pub fn of(diagnostics: &[Diagnostic]) -> Self {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        Counts {
            errors,
            warnings: diagnostics.len() - errors,
        }
    }

    /// Whether these counts fail a gate: any error, or with `strict` any warning.
    pub fn fail(&self, strict: bool) -> bool {
        self.errors > 0 || (strict && self.warnings > 0)
    }
}
