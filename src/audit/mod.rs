//! The monthly audit: lifecycle findings, code references and git history joined
//! into one report per owner, with a cleanup plan for every flag to retire.
//! [`collect`] gathers the inputs, [`build`] decides what the report says; the
//! renderers live in `render::audit`, and JSON is its serde form.

pub mod build;
pub mod collect;

use crate::diag::{Code, Severity};
use crate::lifecycle::Source;
pub use crate::lifecycle::keep::{Candidate, Keep};
use crate::model::{FlagState, FlagType};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// The whole audit report (`flagctl audit --format json`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Audit {
    /// "Today" the report was made for.
    #[serde(skip)]
    pub today: NaiveDate,
    /// The flags file.
    pub file: String,
    /// `settings.service`.
    pub service: Option<String>,
    /// Why git history was unavailable, when it was.
    pub history_unavailable: Option<String>,
    /// Scan roots the references came from (local scans and `--refs` files).
    pub roots: Vec<String>,
    /// Totals and health.
    pub summary: Summary,
    /// One section per owner (flags without an owner under `(no owner)`), sorted.
    pub owners: Vec<OwnerSection>,
    /// Code references to keys flags.yaml does not define.
    pub undefined: Vec<Location>,
    /// The days the usage data covers, when usage data was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_window: Option<crate::usage::Window>,
}

/// The report's summary.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    /// Number of flags.
    pub flags: usize,
    /// Flags per type.
    pub by_type: BTreeMap<String, usize>,
    /// Flags per state (on, off, killed, partial, targeted).
    pub by_state: BTreeMap<String, usize>,
    /// Findings per kind.
    pub findings: BTreeMap<String, usize>,
    /// 100 minus the percentage of flags with a stale finding (expired, overdue,
    /// launched, dead or unreferenced), rounded down: how Unleash scores project health.
    pub health: u32,
    /// Flags added to flags.yaml in the 30 days before today (from git); `null` when
    /// there is no git history to tell.
    pub added_last_30_days: Option<Vec<Change>>,
    /// Flags removed from flags.yaml in the 30 days before today (from git); `null`
    /// when there is no git history to tell.
    pub removed_last_30_days: Option<Vec<Change>>,
    /// The day flags.yaml was first committed (from git). Within the last 30 days every
    /// flag counts as added, which says that flagctl was adopted, not that flags were.
    pub flags_file_added: Option<NaiveDate>,
    /// The oldest temporary flags, oldest first (at most five).
    pub oldest_temporary: Vec<Aged>,
}

/// A flag added or removed by a commit.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    /// Flag key.
    pub flag: String,
    /// Commit date.
    pub date: NaiveDate,
    /// Abbreviated commit id.
    pub commit: String,
    /// Commit author.
    pub author: String,
}

/// A flag and its age.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Aged {
    /// Flag key.
    pub flag: String,
    /// Owner.
    pub owner: Option<String>,
    /// Days since it was created.
    pub age_days: i64,
}

/// The flags of one owner.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OwnerSection {
    /// The owner (team).
    pub owner: String,
    /// Its flags, sorted by key.
    pub flags: Vec<FlagEntry>,
}

/// One flag in the report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FlagEntry {
    /// Flag key.
    pub flag: String,
    /// Line of the key in flags.yaml.
    pub line: u32,
    /// Flag type.
    #[serde(rename = "type")]
    pub flag_type: Option<FlagType>,
    /// on, off, killed, partial N%, targeted.
    #[serde(serialize_with = "crate::text::serialize_display")]
    pub state: FlagState,
    /// When it was created.
    pub created: Option<NaiveDate>,
    /// `file` when written in flags.yaml, `git` when inferred from history.
    pub created_source: Option<Source>,
    /// Days since `created`.
    pub age_days: Option<i64>,
    /// `expires`.
    pub expires: Option<NaiveDate>,
    /// Days until `expires` (negative when expired).
    pub days_left: Option<i64>,
    /// Number of code references.
    pub references: usize,
    /// Files (`root:path` when there are several roots) holding references, sorted.
    pub files: Vec<String>,
    /// Lifecycle findings about it.
    pub findings: Vec<FindingBrief>,
    /// What production evaluated, when usage data was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<FlagUsageBrief>,
    /// What to do to retire it, when it should be retired.
    pub plan: Option<Plan>,
}

/// A flag's evaluations in the usage data.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FlagUsageBrief {
    /// The last evaluation (`null`: none in the data).
    pub last_evaluated: Option<chrono::DateTime<chrono::Utc>>,
    /// Evaluations in the data's window.
    pub evaluations: u64,
    /// Evaluations per day.
    pub daily: Vec<crate::usage::DayCount>,
}

/// A finding as shown in the report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FindingBrief {
    /// Finding kind.
    pub kind: Code,
    /// `error` or `warning`.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
}

/// The cleanup plan of one flag.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Plan {
    /// The recommended action, one sentence.
    pub action: String,
    /// Which code path to keep where the flag is checked: `on` or `off`; `null` when
    /// flags.yaml cannot decide (a split, a partial rollout, targeting) and the owner
    /// must choose among `candidates` first.
    pub keep: Option<Keep>,
    /// What the kept path serves, when `keep` is decided.
    pub kept: Option<Candidate>,
    /// The values the owner chooses among, when `keep` is not decided.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<Candidate>,
    /// Every code location to edit, sorted.
    pub edits: Vec<Location>,
    /// The command to run last, once the code no longer uses the flag.
    pub remove_command: String,
    /// The command that rewrites the code and removes the flag in one step, when the
    /// value to keep is decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cleanup_command: Option<String>,
}

impl Plan {
    /// The edits, one per line of code: a line that names the flag twice (two
    /// spellings of it) is still one place to edit.
    pub fn lines(&self) -> Vec<&Location> {
        per_line(&self.edits)
    }
}

/// `locations` (sorted) with one entry per line and flag: the first one on the line.
pub fn per_line(locations: &[Location]) -> Vec<&Location> {
    let mut out: Vec<&Location> = Vec::with_capacity(locations.len());
    for l in locations {
        let same = out.last().is_some_and(|p| {
            p.line == l.line && p.path == l.path && p.root == l.root && p.flag == l.flag
        });
        if !same {
            out.push(l);
        }
    }
    out
}

/// A place in code.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// Scan root.
    pub root: String,
    /// Path relative to the root.
    pub path: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// The flag key referenced.
    pub flag: String,
    /// The line's text (trimmed).
    pub text: String,
    /// What the reference does (`check`, `definition`, `gate`, `mention`): a cleanup
    /// edits the first three automatically and lists mentions for review.
    #[serde(default)]
    pub role: crate::scan::Role,
}

impl Location {
    /// `root/path:line` (just `path:line` for the `.` root).
    pub fn display(&self) -> String {
        format!(
            "{}:{}",
            crate::scan::shown_path(&self.root, &self.path),
            self.line
        )
    }
}

impl From<&crate::scan::Reference> for Location {
    fn from(r: &crate::scan::Reference) -> Self {
        Location {
            root: r.root.clone(),
            path: r.path.clone(),
            line: crate::diag::Pos::saturating(r.line, r.column).line,
            column: crate::diag::Pos::saturating(r.line, r.column).column,
            flag: r.flag.clone(),
            text: r.text.trim().to_string(),
            role: r.role,
        }
    }
}

impl From<&crate::scan::Undefined> for Location {
    fn from(u: &crate::scan::Undefined) -> Self {
        Location {
            root: u.root.clone(),
            path: u.path.clone(),
            line: crate::diag::Pos::saturating(u.line, u.column).line,
            column: crate::diag::Pos::saturating(u.line, u.column).column,
            flag: u.key.clone(),
            text: u.text.trim().to_string(),
            role: crate::scan::Role::Check,
        }
    }
}

/// What the report says about the flags added in the last 30 days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Added<'a> {
    /// No git history: nobody can tell.
    Unknown,
    /// flags.yaml itself was first committed within the last 30 days, so every flag is
    /// new: listing them would repeat the whole file.
    Adopted {
        /// The day flags.yaml was first committed.
        on: NaiveDate,
        /// How many distinct flags were added since.
        flags: usize,
    },
    /// The flags added, oldest first (empty: none).
    Flags(&'a [Change]),
}

impl Audit {
    /// What to say about the flags added in the last 30 days.
    pub fn added(&self) -> Added<'_> {
        let s = &self.summary;
        let Some(added) = &s.added_last_30_days else {
            return Added::Unknown;
        };
        match s.flags_file_added {
            Some(on) if on >= self.today - chrono::Duration::days(30) => {
                let keys: std::collections::BTreeSet<&str> =
                    added.iter().map(|c| c.flag.as_str()).collect();
                Added::Adopted {
                    on,
                    flags: keys.len(),
                }
            }
            _ => Added::Flags(added),
        }
    }

    /// Keeps only the sections of `owner` (`--owner`); the summary stays whole.
    pub fn only_owner(&mut self, owner: &str) {
        self.owners.retain(|o| o.owner == owner);
    }

    /// Every flag entry, owner by owner.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &FlagEntry)> {
        self.owners
            .iter()
            .flat_map(|o| o.flags.iter().map(move |f| (o.owner.as_str(), f)))
    }
}
