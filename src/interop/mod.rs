//! Export and import: flags.yaml to Unleash, flagd and the OpenFeature CLI manifest,
//! and Unleash documents to flags.yaml. Every conversion returns a typed [`Report`]
//! of what mapped exactly, what was approximated and what was lost, per flag.

pub mod files;
pub mod flagd;
pub mod import_text;
pub mod openfeature;
pub mod report;
pub mod unleash;
pub mod yaml_out;

pub use report::{Fidelity, FlagReport, Format, Issue, Part, Report};
pub use unleash::ExportOptions;

use crate::model::FlagsFile;
use report::Direction;

/// An export: the document's text and what happened to each flag.
#[derive(Debug, Clone)]
pub struct Exported {
    /// The document, ending in a newline.
    pub text: String,
    /// The report.
    pub report: Report,
}

/// Exports `file` (shown as `source` in the report) to `format`.
pub fn export(file: &FlagsFile, source: &str, format: Format, opts: &ExportOptions) -> Exported {
    let (text, flags) = match format {
        Format::Unleash => {
            let (doc, flags) = unleash::export(file, opts);
            (json_text(&doc), flags)
        }
        Format::Flagd => {
            let (doc, flags) = flagd::export(file, opts.environment.as_deref());
            (json_text(&doc), flags)
        }
        Format::Openfeature => {
            let (doc, flags) = openfeature::export(file, opts.environment.as_deref());
            (json_text(&doc), flags)
        }
    };
    Exported {
        text,
        report: Report::new(
            Direction::Export,
            format,
            source,
            opts.environment.clone(),
            flags,
        ),
    }
}

/// An import: the flags.yaml text and what happened to each flag.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The flags file.
    pub text: String,
    /// The report.
    pub report: Report,
}

/// Imports an Unleash document (client features, features with environments, or an
/// Unleash export) as flags.yaml text. `owner` is the owner of flags whose project
/// names none; `today` decides which flags are already past their expiry.
pub fn import_unleash(
    text: &str,
    source: &str,
    owner: Option<String>,
    today: chrono::NaiveDate,
) -> Result<Imported, unleash::import::ReadError> {
    let drafts = unleash::import::convert(text, today)?;
    let opts = import_text::TextOptions {
        owner,
        source: source.to_string(),
    };
    let text = import_text::write(&drafts, &opts);
    let report = Report::new(
        Direction::Import,
        Format::Unleash,
        source,
        None,
        drafts.reports,
    );
    Ok(Imported { text, report })
}

/// Pretty JSON with a final newline. Serializing these documents cannot fail: they
/// hold only strings, numbers and maps with string keys.
fn json_text<T: serde::Serialize>(doc: &T) -> String {
    let mut text = serde_json::to_string_pretty(doc).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests;
