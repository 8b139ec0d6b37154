//! Starting a flags file: `flagctl init` writes a commented flags.yaml with every
//! setting at its default ([`blank`]); `init --discover` first finds the flag keys the
//! code already passes to SDK calls ([`discover`]) and proposes one flag per key, dated
//! from git history and owned per CODEOWNERS ([`write`]). What is written always
//! validates.

pub mod codeowners;
mod discover;
pub mod shapes;
pub mod template;
mod write;

pub use discover::{Options, discover};
pub use write::{blank, write};

use crate::model::FlagType;
use chrono::NaiveDate;
use serde::Serialize;

/// The owner written for a key whose owner could not be inferred and no `--owner` was
/// given: valid, so the file validates, and easy to search for.
pub const UNOWNED: &str = "unowned";

/// What `init --discover` found, and the flags it proposes.
#[derive(Debug, Clone, Serialize)]
pub struct Discovery {
    /// "Today": the date of keys without history.
    #[serde(skip)]
    pub today: NaiveDate,
    /// The flags file being written, as shown.
    pub file: String,
    /// The scanned roots, as shown.
    pub roots: Vec<String>,
    /// Files searched.
    pub files_scanned: u64,
    /// Files not searched (binary, too large, hidden, unreadable...).
    pub files_skipped: u64,
    /// The type given to every proposed flag.
    #[serde(rename = "type")]
    pub flag_type: FlagType,
    /// `--owner`, for keys CODEOWNERS does not cover.
    pub default_owner: Option<String>,
    /// The CODEOWNERS file used, relative to the repository root.
    pub codeowners: Option<String>,
    /// Where `created` dates came from.
    pub history: History,
    /// One proposed flag per valid key, sorted by key.
    pub flags: Vec<Proposal>,
    /// Strings passed to SDK calls that are not valid flag keys, sorted by text.
    pub skipped: Vec<Candidate>,
}

impl Discovery {
    /// Keys whose owner CODEOWNERS did not give.
    pub fn without_owner(&self) -> Vec<&str> {
        self.flags
            .iter()
            .filter(|f| !matches!(f.owner_source, OwnerSource::Codeowners { .. }))
            .map(|f| f.key.as_str())
            .collect()
    }

    /// Calls found, over all keys.
    pub fn calls(&self) -> usize {
        self.flags.iter().map(|f| f.calls).sum()
    }
}

/// Where `created` dates came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum History {
    /// The history of the repository holding the scanned code.
    Git {
        /// Commits read.
        commits: usize,
    },
    /// No usable history: every flag is dated today.
    Unavailable {
        /// Why (not a repository, shallow clone, no commits).
        reason: String,
    },
}

/// A proposed flag.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    /// The key.
    pub key: String,
    /// The first commit's date, else today.
    pub created: NaiveDate,
    /// The abbreviated id of the commit that introduced the key, when one did.
    pub commit: Option<String>,
    /// The owner written.
    pub owner: String,
    /// Where the owner came from.
    pub owner_source: OwnerSource,
    /// `created` plus the type's lifetime; none for permanent types.
    pub expires: Option<NaiveDate>,
    /// The first call, in path and line order.
    pub first: Location,
    /// Calls passing the key.
    pub calls: usize,
    /// Files with such calls.
    pub files: usize,
    /// The methods called, sorted.
    pub methods: Vec<String>,
}

/// Where the owner of a proposed flag came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum OwnerSource {
    /// A CODEOWNERS line, for the file with the most calls.
    Codeowners {
        /// The line.
        line: u32,
        /// The file whose owner it is, as shown.
        path: String,
    },
    /// `--owner`.
    Option,
    /// [`UNOWNED`].
    Placeholder,
}

/// A file and line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// The file, as shown (relative to the current directory).
    pub path: String,
    /// 1-based line.
    pub line: u64,
}

/// A string passed to an SDK call that is not a valid flag key.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    /// The string.
    pub text: String,
    /// Its first occurrence.
    pub first: Location,
    /// Occurrences.
    pub count: usize,
    /// Why it is not a key.
    pub reason: String,
}
