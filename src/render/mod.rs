//! Rendering typed reports. Every command's library service returns a typed report
//! (a struct of enums, dates and numbers, never pre-formatted text); this module turns
//! it into each output format. A report implements [`Report`]: its JSON is its serde
//! form inside the one [`envelope`](json) every command shares, and it overrides the
//! emitters of the other formats it supports. The CLI decides which formats a command
//! offers; [`emit`] dispatches.
//!
//! Shared pieces: [`Paint`] (colors), [`table`] (the one table style, fitted to the
//! terminal), [`markdown`] (escaping per context), [`text`] (diagnostics with the
//! offending line), [`github`], [`sarif`], [`junit`].

pub mod audit;
pub mod changes;
pub mod check;
pub mod cleanup;
pub mod codes;
pub mod diff;
pub mod eval;
pub mod github;
pub mod history;
pub mod init;
pub mod interop;
pub mod list;
pub mod markdown;
pub mod paint;
pub mod plan;
pub mod sarif;
pub mod scan;
pub mod stale;
pub mod table;
pub mod test;
pub mod text;
pub mod unified;
pub mod usage;

pub use paint::Paint;

use crate::diag::Diagnostic;
use chrono::NaiveDate;
use serde::Serialize;
use std::io::{self, Write};

/// Version of every JSON document flagctl prints; bumped on breaking changes.
pub const JSON_VERSION: u32 = 1;

/// Every output format. Each command accepts a subset (its `--help` lists them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human-readable text or tables.
    Human,
    /// One JSON document in the common envelope.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// GitHub-flavoured Markdown, for issues and pull-request comments.
    Markdown,
    /// A self-contained HTML page.
    Html,
    /// GitHub Actions workflow-command annotations.
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// JUnit XML, for CI test reports.
    Junit,
    /// Comma-separated values.
    Csv,
    /// A unified diff.
    Diff,
}

/// How human output is drawn: colors, width, and whether to print only results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Printer {
    /// Colors.
    pub paint: Paint,
    /// Columns available to tables (the terminal's width, `COLUMNS`, else 100).
    pub width: usize,
    /// `--quiet`: no summaries, hints or progress.
    pub quiet: bool,
}

impl Printer {
    /// No colors, 100 columns: what tests and files get.
    pub const PLAIN: Printer = Printer {
        paint: Paint::PLAIN,
        width: 100,
        quiet: false,
    };
}

/// A command's typed result, renderable in the formats the command offers.
pub trait Report: Serialize {
    /// The subcommand, as written in the JSON envelope's `command`.
    fn command(&self) -> &'static str;

    /// "Today", for reports whose content depends on the date.
    fn today(&self) -> Option<NaiveDate> {
        None
    }

    /// The human format: text or tables.
    fn human(&self, out: &mut dyn Write, p: &Printer) -> io::Result<()>;

    /// Markdown.
    fn markdown(&self, _out: &mut dyn Write, _p: &Printer) -> io::Result<()> {
        unsupported(self.command(), "markdown")
    }

    /// The diagnostics behind `github` and `sarif` output.
    fn diagnostics(&self) -> Option<&[Diagnostic]> {
        None
    }

    /// JUnit XML.
    fn junit(&self, _out: &mut dyn Write) -> io::Result<()> {
        unsupported(self.command(), "junit")
    }

    /// CSV.
    fn csv(&self, _out: &mut dyn Write) -> io::Result<()> {
        unsupported(self.command(), "csv")
    }

    /// A self-contained HTML page.
    fn html(&self, _out: &mut dyn Write) -> io::Result<()> {
        unsupported(self.command(), "html")
    }

    /// A unified diff of the files the command changes.
    fn diff(&self, _out: &mut dyn Write) -> io::Result<()> {
        unsupported(self.command(), "diff")
    }
}

/// The error for a format a report does not render. The CLI offers each command only
/// the formats its report renders, so this is a programming error surfaced politely.
fn unsupported(command: &str, format: &str) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        format!("`{command}` has no {format} output"),
    ))
}

/// Writes `report` in `format`.
pub fn emit<R: Report>(
    out: &mut dyn Write,
    report: &R,
    format: Format,
    p: &Printer,
) -> io::Result<()> {
    match format {
        Format::Human => report.human(out, p),
        Format::Json => json(out, report),
        Format::Markdown => report.markdown(out, p),
        Format::Github => match report.diagnostics() {
            Some(d) => github::write_all(out, d),
            None => unsupported(report.command(), "github"),
        },
        Format::Sarif => match report.diagnostics() {
            Some(d) => write_json(out, &sarif::log(d)),
            None => unsupported(report.command(), "sarif"),
        },
        Format::Junit => report.junit(out),
        Format::Csv => report.csv(out),
        Format::Html => report.html(out),
        Format::Jsonl => unsupported(report.command(), "jsonl"),
        Format::Diff => report.diff(out),
    }
}

/// The envelope every JSON document shares: `version`, `command`, `flagctl` (the
/// version that wrote it), `today` where dates matter, then the report's own fields.
#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    version: u32,
    command: &'a str,
    flagctl: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    today: Option<NaiveDate>,
    #[serde(flatten)]
    payload: &'a T,
}

/// Writes `report` as pretty JSON inside the common envelope.
pub fn json<R: Report>(out: &mut dyn Write, report: &R) -> io::Result<()> {
    write_json(
        out,
        &Envelope {
            version: JSON_VERSION,
            command: report.command(),
            flagctl: env!("CARGO_PKG_VERSION"),
            today: report.today(),
            payload: report,
        },
    )
}

/// Writes `value` as pretty JSON followed by a newline (documents that are not
/// reports, such as the JSON Schema and SARIF, have their own standard shapes).
pub fn write_json<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::from)?;
    writeln!(out)
}
