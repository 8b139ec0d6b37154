//! Why the flags file could not be found, read or edited. Problems *in* its content are
//! [`Diagnostic`](crate::diag::Diagnostic)s instead, so they can all be reported at once.

use std::path::PathBuf;

/// Why the flags file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// No flags file was found by walking up from the current directory.
    #[error(
        "no flags.yaml found in {} or any parent directory; pass --flags PATH or set FLAGCTL_FLAGS",
        .start.display()
    )]
    NotFound {
        /// Where the search started.
        start: PathBuf,
    },
    /// The file could not be read.
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The path names something that is not a regular file.
    #[error("{display} is {what}; pass the flags file itself with --flags")]
    NotAFile {
        /// The path as shown.
        display: String,
        /// "a directory", "a FIFO", ...
        what: &'static str,
    },
    /// The file (or the edit asked of it) has a problem at a known place.
    #[error("{file}:{line}:{column}: {message}")]
    Invalid {
        /// The file as shown.
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// What is wrong.
        message: String,
    },
    /// An edit that cannot be made (no `flags:` section, no such flag).
    #[error("{0}")]
    Edit(String),
}
