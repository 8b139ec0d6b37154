//! Finding and reading the flags file.

use super::decode::{Decoder, decode};
use super::error::ModelError as Error;
use super::{FlagsFile, check, yaml};
use crate::diag::{Code, Counts, Diagnostic, Pos, Severity};
use chrono::NaiveDate;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// A flags file together with everything validation found in it.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The path as shown in messages (as given, or relative to the current directory).
    pub display: String,
    /// The path on disk.
    pub path: PathBuf,
    /// The file's text (empty when it was not UTF-8).
    pub text: String,
    /// The decoded model, possibly partial when there are errors.
    pub file: FlagsFile,
    /// Every problem found, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

/// `flagctl validate`: every problem in the file, and whether it passes.
#[derive(Debug, Clone, Serialize)]
pub struct Validation<'a> {
    /// The file as shown.
    pub file: &'a str,
    /// No errors (and with `strict`, no warnings either): exit 0.
    pub passed: bool,
    /// Diagnostics with severity error.
    pub errors: usize,
    /// Diagnostics with severity warning.
    pub warnings: usize,
    /// Number of flags (duplicates included).
    pub flags: usize,
    /// Number of segments.
    pub segments: usize,
    /// Every diagnostic, sorted by position.
    pub diagnostics: &'a [Diagnostic],
    /// The file's text, to quote its lines in text output.
    #[serde(skip)]
    pub source: &'a str,
}

impl Loaded {
    /// The validation report; `strict` fails on warnings too.
    pub fn validation(&self, strict: bool) -> Validation<'_> {
        let counts = Counts::of(&self.diagnostics);
        Validation {
            file: &self.display,
            passed: !counts.fail(strict),
            errors: counts.errors,
            warnings: counts.warnings,
            flags: self.file.flags.len(),
            segments: self.file.segments.len(),
            diagnostics: &self.diagnostics,
            source: &self.text,
        }
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// Fails with the first error when the file is invalid: commands other than
    /// `validate` and `check` refuse to act on a broken file.
    pub fn require_valid(&self) -> Result<(), Error> {
        let errors: Vec<&Diagnostic> = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        match errors.first() {
            None => Ok(()),
            Some(first) => {
                let more = match errors.len() {
                    1 => String::new(),
                    n => format!(" (and {} more; run `flagctl validate`)", n - 1),
                };
                Err(Error::Invalid {
                    file: first.file.clone(),
                    line: first.line,
                    column: first.column,
                    message: format!("{}{more}", first.message),
                })
            }
        }
    }
}

/// Where the flags file is: `explicit` (from `--flags` or `FLAGCTL_FLAGS`) or the
/// first `flags.yaml` (or `flags.yml`) found walking up from `start`.
pub fn discover(explicit: Option<&Path>, start: &Path) -> Result<PathBuf, Error> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    for dir in start.ancestors() {
        for name in ["flags.yaml", "flags.yml"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    Err(Error::NotFound {
        start: start.to_path_buf(),
    })
}

/// Reads and validates the file at `path`. Only a file that cannot be read at all is an
/// `Err`; everything about its content is a diagnostic.
pub fn load_path(path: &Path, display: &str, today: NaiveDate) -> Result<Loaded, Error> {
    let meta = std::fs::metadata(path).map_err(|e| Error::Read {
        path: path.to_path_buf(),
        source: e,
    })?;
    if meta.is_dir() {
        return Err(Error::NotAFile {
            display: display.to_string(),
            what: "a directory",
        });
    }
    // Check the size before reading so a huge file never lands in memory.
    if meta.len() > yaml::MAX_FILE_BYTES as u64 {
        let message = format!(
            "the file is {} bytes, more than the {} MiB limit for a flags file",
            meta.len(),
            yaml::MAX_FILE_BYTES / (1024 * 1024)
        );
        return Ok(failed(
            path,
            display,
            Pos::START,
            Code::ResourceLimit,
            message,
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::Read {
        path: path.to_path_buf(),
        source: e,
    })?;
    Ok(load_bytes(path, display, &bytes, today))
}

/// Validates in-memory bytes (a file at a git revision, or test input).
pub fn load_bytes(path: &Path, display: &str, bytes: &[u8], today: NaiveDate) -> Loaded {
    match std::str::from_utf8(bytes) {
        Ok(text) => load_text(path, display, text, today),
        Err(e) => {
            // The bytes before the first invalid one are UTF-8, and counted in lines
            // as the YAML parser would count them.
            let valid = String::from_utf8_lossy(&bytes[..e.valid_up_to()]);
            let pos = yaml::end_of(&valid);
            let message = format!(
                "the file is not valid UTF-8 (byte 0x{:02x} at offset {}); save it as UTF-8",
                bytes[e.valid_up_to()],
                e.valid_up_to()
            );
            failed(path, display, pos, Code::NotUtf8, message)
        }
    }
}

/// Validates text.
pub fn load_text(path: &Path, display: &str, text: &str, today: NaiveDate) -> Loaded {
    let mut dec = Decoder::new(display);
    let file = match yaml::parse(text) {
        Ok(root) => {
            let file = decode(&root, &mut dec);
            check::check(&file, today, &mut dec);
            // Freeing the tree of a large file takes a tenth of the load time; nothing
            // waits for it, so let another thread do it.
            if text.len() >= 1024 * 1024 {
                // If no thread can be had, the tree is freed here when the closure is.
                let _ = std::thread::Builder::new().spawn(move || drop(root));
            }
            file
        }
        Err(e) => {
            dec.error(e.pos, e.code, e.message);
            FlagsFile::default()
        }
    };
    let mut diagnostics = dec.diagnostics;
    crate::diag::sort(&mut diagnostics);
    Loaded {
        display: display.to_string(),
        path: path.to_path_buf(),
        text: text.to_string(),
        file,
        diagnostics,
    }
}

fn failed(path: &Path, display: &str, pos: Pos, code: Code, message: String) -> Loaded {
    Loaded {
        display: display.to_string(),
        path: path.to_path_buf(),
        text: String::new(),
        file: FlagsFile::default(),
        diagnostics: vec![Diagnostic::error(display, pos, code, message)],
    }
}
