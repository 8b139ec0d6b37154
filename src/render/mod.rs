//! Rendering: the [`Diagnostic`] type and the output formats shared by commands.

pub mod plan;
pub mod audit;
pub mod diff;
pub mod github;
pub mod markdown;
pub mod paint;
pub mod sarif;
pub mod table;
pub mod text;

pub use crate::diag::{Counts, Diagnostic, Pos, Severity};
pub use paint::Paint;

/// Version of every JSON document flagctl prints; bumped on breaking changes.
pub const JSON_VERSION: u32 = 1;

/// Writes `value` as pretty JSON followed by a newline.
pub fn write_json<W: std::io::Write, T: serde::Serialize>(
    out: &mut W,
    value: &T,
) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(std::io::Error::from)?;
    writeln!(out)
}
