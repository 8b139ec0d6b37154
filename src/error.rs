//! Errors that stop a service (the CLI maps them to exit code 2). Problems *in* a
//! flags file are [`Diagnostic`](crate::diag::Diagnostic)s instead, so they can all be
//! reported. The lower modules have their own error types ([`ModelError`],
//! [`GitError`], [`ScanError`], [`WriteError`]); this one joins them for the services
//! above them, so no lower module depends on it.

use crate::fsutil::WriteError;
use crate::git::GitError;
use crate::model::ModelError;
use crate::scan::ScanError;
use std::path::PathBuf;

/// Why flagctl could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The flags file could not be found, read or edited.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// Git could not answer (not a repository, unknown revision, shallow clone, ...).
    #[error(transparent)]
    Git(#[from] GitError),
    /// A scan could not run.
    #[error(transparent)]
    Scan(#[from] ScanError),
    /// Usage data could not be read.
    #[error(transparent)]
    UsageData(#[from] crate::usage::UsageError),
    /// A file other than the flags file could not be read or written.
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        /// read, write, ...
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// An input file is malformed (for commands other than `validate`).
    #[error("{file}:{line}:{column}: {message}")]
    Invalid {
        /// The file.
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// What is wrong.
        message: String,
    },
    /// Replacing a file failed part way; the file itself is unchanged.
    #[error("cannot write {file}: {source}; the file is unchanged")]
    Write {
        /// The file, as shown to the user.
        file: String,
        /// The step that failed and why.
        source: WriteError,
    },
    /// A request that cannot be met as given (an unknown flag key, a bad date).
    #[error("{0}")]
    Usage(String),
    /// Writing output failed (other than a closed pipe, which is not an error).
    #[error("cannot write output: {0}")]
    Output(std::io::Error),
}

impl Error {
    /// An I/O error reading `path`.
    pub fn read(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action: "read",
            path: path.into(),
            source,
        }
    }

    /// Whether this is a write into a closed pipe (`flagctl scan | head`), which is not
    /// a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Output(e)
    }
}

/// Result with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
