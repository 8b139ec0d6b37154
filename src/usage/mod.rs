//! Production usage data: what services actually evaluated, read offline from the
//! telemetry teams already export, so flag findings can rest on evidence ("never
//! evaluated", "always the same value") and never claim more than the data covers.
//!
//! - [`read_paths`] reads files, directories and stdin, detecting each input's format
//!   from its content ([`SourceFormat`]): OTLP JSON (logs and traces), Unleash client
//!   metrics, plain CSV/JSON Lines summaries and flagctl's own summary. Inputs stream
//!   (line-based ones on every core); memory grows with flags × values × days, never
//!   with events.
//! - [`Usage`] is the result: the [`Window`] the data covers and, per flag, first/last
//!   evaluation, counts, values, services and a daily series. Its JSON (as the `usage`
//!   command prints it) is itself a valid input; [`write_csv`] writes a CSV summary.
//! - [`findings`] turns usage, a flags file and (optionally) code references into
//!   [`UsageFinding`]s: `unused`, `constant`, `evaluated-undefined`,
//!   `referenced-not-evaluated` and `evaluated-not-referenced`.
//! - [`read_bytes`] is the fuzzing entry point.

mod acc;
mod csv_out;
mod error;
mod explain;
mod findings;
mod lines;
mod otlp;
mod plain;
mod read;
mod source;
mod summary;
mod time;
mod unleash;
mod value;

pub use csv_out::{CSV_HEADER, write_csv};
pub use error::UsageError;
pub use explain::{explain, warnings};
pub use findings::{Covered, Rules, UsageFinding, findings};
pub use read::{Input, Options, expand, read_bytes, read_paths};
pub use source::{Compression, OtlpShapes, Skipped, Source, SourceFormat};
pub use summary::{
    DayCount, FORMAT_MARKER, FlagUsage, Recent, Series, ServiceCount, Span, Usage, ValueCount,
    Window,
};
pub use time::rfc3339;

#[cfg(test)]
mod tests;
