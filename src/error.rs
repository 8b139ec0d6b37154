//! Errors that stop a command (exit code 2). Problems *in* a flags file are
//! [`Diagnostic`](crate::render::Diagnostic)s instead, so they can all be reported.

use std::path::PathBuf;

/// Why flagctl could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No flags file was found by walking up from the current directory.
    #[error(
        "no flags.yaml found in {} or any parent directory; pass --flags PATH or set FLAGCTL_FLAGS",
        .start.display()
    )]
    NotFound {
        /// Where the search started.
        start: PathBuf,
    },
    /// A file could not be read or written.
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
        source: crate::fsutil::WriteError,
    },
    /// Bad command-line usage that clap cannot express (unknown flag key, bad date).
    #[error("{0}")]
    Usage(String),
    /// Git could not answer (not a repository, unknown revision, shallow clone, ...).
    #[error("{0}")]
    Git(#[from] crate::git::GitError),
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
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Output(e)
    }
}

/// Result with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
