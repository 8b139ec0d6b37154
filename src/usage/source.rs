//! What was read from each input: its detected format, compression, what it held and
//! what had to be skipped (for `--explain-usage` and warnings).

use serde::Serialize;
use std::fmt;

/// The formats flagctl detects, from content (never from the file name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceFormat {
    /// OTLP JSON as the OpenTelemetry Collector's file exporter writes it: one
    /// `ExportLogsServiceRequest` or `ExportTraceServiceRequest` per line (or one
    /// pretty-printed request).
    OtlpJson,
    /// Unleash client metrics (`appName`, `bucket.toggles`), one object per line or a
    /// JSON array.
    UnleashMetrics,
    /// A plain summary as CSV with a header row (`flag`, `last_evaluated`, ...).
    SummaryCsv,
    /// A plain summary as JSON Lines (`flag`, `last_evaluated`, ...).
    SummaryJsonl,
    /// A flagctl usage summary (`flagctl usage --format json`).
    FlagctlSummary,
    /// An empty input (nothing to read, nothing to detect).
    Empty,
}

impl SourceFormat {
    /// Every format that holds data, with a description (for errors and help).
    pub const KNOWN: [SourceFormat; 5] = [
        SourceFormat::OtlpJson,
        SourceFormat::UnleashMetrics,
        SourceFormat::SummaryCsv,
        SourceFormat::SummaryJsonl,
        SourceFormat::FlagctlSummary,
    ];

    /// What the format is, in words.
    pub fn describe(self) -> &'static str {
        match self {
            SourceFormat::OtlpJson => {
                "OTLP JSON (OpenTelemetry Collector file exporter: logs with `feature_flag.evaluation` events, or traces with `feature_flag` span events)"
            }
            SourceFormat::UnleashMetrics => {
                "Unleash client metrics (`appName`, `bucket.toggles`; one object per line or a JSON array)"
            }
            SourceFormat::SummaryCsv => {
                "a CSV summary with a header row naming `flag` and `last_evaluated`"
            }
            SourceFormat::SummaryJsonl => {
                "a JSON Lines summary with `flag` and `last_evaluated` on every line"
            }
            SourceFormat::FlagctlSummary => {
                "a flagctl usage summary (`flagctl usage --format json`)"
            }
            SourceFormat::Empty => "empty",
        }
    }
}

impl fmt::Display for SourceFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SourceFormat::OtlpJson => "OTLP JSON",
            SourceFormat::UnleashMetrics => "Unleash client metrics",
            SourceFormat::SummaryCsv => "CSV summary",
            SourceFormat::SummaryJsonl => "JSON Lines summary",
            SourceFormat::FlagctlSummary => "flagctl usage summary",
            SourceFormat::Empty => "empty",
        })
    }
}

/// How an input was compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// gzip (recognised by its magic bytes; concatenated members are read in turn).
    Gzip,
}

impl Compression {
    /// The name used in JSON and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
        }
    }
}

/// Lines (or records) that could not be read and were skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// How many.
    pub count: u64,
    /// The first few line numbers (1-based), for the warning.
    pub lines: Vec<u64>,
    /// Why the first one was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_error: Option<String>,
}

impl Skipped {
    /// How many line numbers are kept.
    pub const KEEP: usize = 5;

    /// Records a skipped line.
    pub fn push(&mut self, line: u64, error: impl FnOnce() -> String) {
        self.count += 1;
        if self.lines.len() < Self::KEEP {
            self.lines.push(line);
        }
        if self.first_error.is_none() {
            self.first_error = Some(error());
        }
    }

    /// Folds in `other`, whose line numbers are all later.
    pub fn extend(&mut self, other: Skipped) {
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
        self.count += other.count;
        let room = Self::KEEP.saturating_sub(self.lines.len());
        self.lines.extend(other.lines.into_iter().take(room));
    }
}

/// How flag evaluations were found in an OTLP input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OtlpShapes {
    /// Log records named by the `eventName` field (current OTLP).
    pub log_event_name: u64,
    /// Log records named by an `event.name` attribute (older SDKs).
    pub log_event_attribute: u64,
    /// Log records with `feature_flag.key` but no event name.
    pub log_unnamed: u64,
    /// Span events named `feature_flag`.
    pub span_events: u64,
}

/// What was read from one input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    /// The path as given (or found under a given directory); `-` for stdin.
    pub path: String,
    /// The detected format.
    pub format: SourceFormat,
    /// The compression, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression: Option<Compression>,
    /// Lines read (for line-based inputs; 1 for a single JSON document).
    pub lines: u64,
    /// Evaluation records read: OTLP events, Unleash toggles, summary rows or series.
    pub records: u64,
    /// Evaluations counted.
    pub evaluations: u64,
    /// For OTLP inputs: how the evaluation records were recognised.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub otlp: Option<OtlpShapes>,
    /// Flag evaluation records without a usable key or time, ignored.
    pub incomplete: u64,
    /// Lines that could not be read.
    pub skipped: Skipped,
}
