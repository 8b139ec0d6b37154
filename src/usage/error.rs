//! Why usage data could not be read. Problems inside an input (a malformed line, a
//! truncated last line) are not errors: they are skipped and counted per source.

use super::source::SourceFormat;
use std::path::PathBuf;

/// An input that stops reading.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    /// A file or directory could not be read.
    #[error("cannot read {}: {source}", .path.display())]
    Io {
        /// The path (`-` for stdin).
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The content matches no format flagctl reads.
    #[error("{}: not usage data flagctl can read ({reason}); expected {}", .path.display(), expected())]
    UnknownFormat {
        /// The input.
        path: PathBuf,
        /// What was found instead.
        reason: String,
    },
    /// A format flagctl recognises but does not read.
    #[error("{}: {what}", .path.display())]
    Unsupported {
        /// The input.
        path: PathBuf,
        /// What it is and what to do instead.
        what: String,
    },
    /// A single JSON document (not JSON Lines) too large to read whole.
    #[error("{}: a single JSON document larger than {} MiB; write one JSON object per line (JSON Lines) so it can be streamed", .path.display(), .limit >> 20)]
    TooLarge {
        /// The input.
        path: PathBuf,
        /// The limit in bytes.
        limit: u64,
    },
    /// A directory given as input holds no files.
    #[error("{}: the directory holds no usage files", .path.display())]
    EmptyDirectory {
        /// The directory.
        path: PathBuf,
    },
    /// A flagctl summary whose content is invalid (it is read whole, so it is not
    /// skipped line by line).
    #[error("{}:{line}:{column}: {message}", .path.display())]
    Invalid {
        /// The input.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// 1-based column.
        column: u64,
        /// What is wrong.
        message: String,
    },
}

fn expected() -> String {
    let names: Vec<&str> = SourceFormat::KNOWN.iter().map(|f| f.describe()).collect();
    names.join(", or ")
}
