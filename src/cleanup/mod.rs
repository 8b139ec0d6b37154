//! `flagctl cleanup`: rewrite the code as if a flag always served one value, then
//! delete the flag from flags.yaml, as one change.
//!
//! [`service::prepare`] gathers the inputs and [`plan`] computes every file's new
//! text (nothing is written); [`service::apply`] then writes them atomically, all or
//! nothing. Each file is rewritten by
//! [`rewrite::rewrite`] and re-parsed: a file that would gain a syntax error is left
//! as it is and reported.

pub mod branch;
pub mod constant;
pub mod imports;
pub mod inline;
pub mod keep;
pub mod rewrite;
pub mod service;
pub mod text;

use crate::scan::Reference;
use crate::syntax::{self, Calls, Lang};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One automatic edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    /// 1-based line of the original file where the replaced text starts (for text an
    /// earlier edit wrote: where the text that edit replaced started).
    pub line: u64,
    /// 1-based line of the original file where it ends.
    pub end_line: u64,
    /// Which rule made it: `check`, `constant-if`, `boolean`, `inline`, `definition`, ...
    pub rule: &'static str,
    /// The text replaced.
    pub removed: String,
    /// The text put in its place.
    pub inserted: String,
}

/// Why a reference is left for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewReason {
    /// An identifier or text that shares the spelling.
    Mention,
    /// A comment that mentions the flag (not a removal note).
    Comment,
    /// The kept value has no literal in the language (a list or an object).
    NoLiteral,
    /// An alias constant still used by code this cleanup does not rewrite.
    StillUsed,
    /// A method named after the flag that does not override one: its callers decide.
    Accessor,
    /// A gate in something other than a list of entries.
    Gate,
    /// The file's language has no grammar.
    UnsupportedLanguage,
    /// The rewritten file would not parse; it was left untouched.
    WouldNotParse,
}

impl ReviewReason {
    /// A short explanation.
    pub fn describe(self) -> &'static str {
        match self {
            ReviewReason::Mention => "mentions the flag",
            ReviewReason::Comment => "a comment mentions the flag",
            ReviewReason::NoLiteral => "the kept value has no literal in this language",
            ReviewReason::StillUsed => "alias constant still used elsewhere",
            ReviewReason::Accessor => "a method named after the flag: decide what its callers get",
            ReviewReason::Gate => "a gate outside a list of entries",
            ReviewReason::UnsupportedLanguage => "language not supported: edit by hand",
            ReviewReason::WouldNotParse => "the rewrite would not parse: file left untouched",
        }
    }
}

/// A place left for review.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Review {
    /// 1-based line (in the original file).
    pub line: u64,
    /// Why.
    pub reason: ReviewReason,
    /// The line's text, trimmed.
    pub text: String,
}

/// The change to one file.
#[derive(Debug, Clone, Serialize)]
pub struct FileChange {
    /// The file as shown (relative to the current directory).
    pub path: String,
    /// Its language, when supported.
    pub language: Option<Lang>,
    /// Automatic edits.
    pub edits: Vec<Edit>,
    /// What is left to review.
    pub review: Vec<Review>,
    /// Where it is on disk.
    #[serde(skip)]
    pub disk: PathBuf,
    /// The text read.
    #[serde(skip)]
    pub old: String,
    /// The text to write (equal to `old` when nothing changes).
    #[serde(skip)]
    pub new: String,
}

/// Everything a cleanup does.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// The flag.
    pub flag: String,
    /// The value kept.
    pub keep: Value,
    /// The files with references, sorted by path.
    pub files: Vec<FileChange>,
}

/// Where to find a reference's file on disk.
pub type Locate<'a> = &'a dyn Fn(&Reference) -> PathBuf;

/// Inputs of [`plan`].
pub struct Request<'a> {
    /// The flag key.
    pub key: &'a str,
    /// Every spelling of the flag.
    pub spellings: Vec<String>,
    /// The value kept.
    pub keep: Value,
    /// Check calls.
    pub calls: &'a Calls,
    /// The references (a scan restricted to the flag).
    pub references: &'a [Reference],
    /// Paths (as shown) of files matching `settings.scan.definitions`.
    pub is_definitions_file: &'a dyn Fn(&Reference) -> bool,
    /// The file of a reference on disk.
    pub locate: Locate<'a>,
}

/// Computes the new text of every file with a reference. Unreadable files are
/// reported for review.
pub fn plan(req: &Request<'_>) -> Plan {
    let mut by_file: BTreeMap<String, Vec<&Reference>> = BTreeMap::new();
    for r in req.references {
        by_file
            .entry(crate::scan::shown_path(&r.root, &r.path))
            .or_default()
            .push(r);
    }
    let mut spellings = req.spellings.clone();
    spellings.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    spellings.dedup();
    let mut files = Vec::new();
    let mut unresolved: Vec<String> = Vec::new();
    // Two passes: the first finds alias spellings that stay in some file, whose
    // declarations must then stay too.
    for pass in 0..2 {
        files.clear();
        let mut found = Vec::new();
        for (shown, refs) in &by_file {
            let first = refs[0];
            let disk = (req.locate)(first);
            let old = std::fs::read_to_string(&disk).unwrap_or_default();
            let lang = Lang::from_path(&disk);
            let mut change = FileChange {
                path: shown.clone(),
                language: lang,
                edits: Vec::new(),
                review: Vec::new(),
                disk,
                new: old.clone(),
                old,
            };
            let Some(lang) = lang else {
                change.review = refs
                    .iter()
                    .map(|r| review(r, ReviewReason::UnsupportedLanguage))
                    .collect();
                files.push(change);
                continue;
            };
            let job = rewrite::Job {
                lang,
                spellings: &spellings,
                calls: req.calls,
                keep: &req.keep,
                definitions_file: (req.is_definitions_file)(first),
                keep_declarations: &unresolved,
            };
            match rewrite::rewrite(&job, &change.old) {
                Some(out) if parses_as_well(lang, &change.old, &out.text) => {
                    found.extend(out.unresolved.clone());
                    change.new = out.text;
                    change.edits = out.edits;
                    change.review = out.review;
                }
                _ => {
                    change.review = refs
                        .iter()
                        .map(|r| review(r, ReviewReason::WouldNotParse))
                        .collect();
                }
            }
            files.push(change);
        }
        if pass == 0 {
            found.sort();
            found.dedup();
            if found.is_empty() {
                break;
            }
            unresolved = found;
        }
    }
    Plan {
        flag: req.key.to_string(),
        keep: req.keep.clone(),
        files,
    }
}

fn review(r: &Reference, reason: ReviewReason) -> Review {
    Review {
        line: r.line,
        reason,
        text: r.text.trim().to_string(),
    }
}

/// Whether `new` has no more syntax errors than `old`.
pub fn parses_as_well(lang: Lang, old: &str, new: &str) -> bool {
    let count = |t: &str| syntax::parse(lang, t.as_bytes()).map(|tree| syntax::error_count(&tree));
    match (count(old), count(new)) {
        (Some(a), Some(b)) => b <= a,
        _ => false,
    }
}
