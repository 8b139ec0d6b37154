//! `flagctl history FLAG`: every commit that changed one flag, newest first, with the
//! fields it changed, following renames of flags.yaml.

use super::{FieldChange, RawFile, diff_flag};
use crate::changes::{Change, history};
use crate::diag::{Code, Pos};
use crate::error::{Error, Result};
use crate::git::Repo;
use crate::model::Loaded;
use crate::suggest::did_you_mean;
use chrono::NaiveDate;
use serde::Serialize;

/// What a commit did to the flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// The flag appeared.
    Added,
    /// The flag disappeared.
    Removed,
    /// Some of its fields changed.
    Changed,
}

impl ChangeKind {
    /// `added`, `removed` or `changed`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }
}

/// One line of a flag's history.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Full commit id (`null` for uncommitted changes in the work tree).
    pub sha: Option<String>,
    /// Abbreviated commit id.
    pub short: Option<String>,
    /// Commit date.
    pub date: Option<NaiveDate>,
    /// Author name.
    pub author: Option<String>,
    /// Author email.
    pub email: Option<String>,
    /// First line of the commit message.
    pub summary: String,
    /// The file's path in that commit.
    pub path: String,
    /// What happened to the flag.
    pub change: ChangeKind,
    /// Fields changed, old → new (empty for `added` and `removed`).
    pub fields: Vec<FieldChange>,
}

/// The history of one flag.
#[derive(Debug, Clone, Serialize)]
pub struct FlagLog {
    /// The flag key.
    pub flag: String,
    /// The flags file.
    pub file: String,
    /// Newest first; uncommitted changes of the work tree come first.
    pub commits: Vec<Entry>,
}

/// The history of `key` in the file of `loaded`, from `rev` (else `HEAD` plus the
/// uncommitted changes of the work tree). A key that never appeared is an error that
/// suggests the closest key.
pub fn flag_log(loaded: &Loaded, rev: Option<&str>, key: &str) -> Result<FlagLog> {
    let (repo, rel) = Repo::locate(&loaded.path)?;
    let history = history(&repo, rev, &rel)?;
    let mut commits: Vec<Entry> = Vec::new();
    if rev.is_none() {
        commits.extend(uncommitted(loaded, &history, &rel, key)?);
    }
    if let Some(h) = history.flag(key) {
        for ev in h.events.iter().rev() {
            let Some(c) = history.commit(ev.commit) else {
                continue;
            };
            let (change, fields) = match &ev.change {
                Change::Added => (ChangeKind::Added, Vec::new()),
                Change::Removed => (ChangeKind::Removed, Vec::new()),
                Change::Changed { fields } => (ChangeKind::Changed, fields.clone()),
            };
            commits.push(Entry {
                sha: Some(c.sha.clone()),
                short: Some(c.short.clone()),
                date: Some(c.date),
                author: Some(c.author.clone()),
                email: Some(c.email.clone()),
                summary: c.summary.clone(),
                path: c.path.clone(),
                change,
                fields,
            });
        }
    }
    if commits.is_empty() {
        let mut keys: Vec<&str> = history.flags.keys().map(String::as_str).collect();
        keys.extend(loaded.file.flags.iter().map(|f| f.key.as_str()));
        keys.sort_unstable();
        keys.dedup();
        return Err(Error::Usage(format!(
            "flag `{key}` never appeared in {}{}",
            loaded.display,
            did_you_mean(key, keys)
        )));
    }
    Ok(FlagLog {
        flag: key.to_string(),
        file: loaded.display.clone(),
        commits,
    })
}

/// The flags of the work-tree file. One that does not parse stops the command (exit
/// 2, naming the file and the place), as `diff` and `stale` do: read as "no flags",
/// it would report every flag as removed in uncommitted changes.
fn working_flags(loaded: &Loaded) -> Result<RawFile> {
    let invalid = |pos: Pos, message: String| Error::Invalid {
        file: loaded.display.clone(),
        line: pos.line,
        column: pos.column,
        message,
    };
    // The loader keeps no text for a file it could not take as text (not UTF-8, too
    // large); its diagnostic says why. (An empty text is otherwise an empty file.)
    if loaded.text.is_empty() {
        if let Some(d) = loaded
            .diagnostics
            .iter()
            .find(|d| matches!(d.code, Code::NotUtf8 | Code::ResourceLimit))
        {
            return Err(invalid(d.pos(), d.message.clone()));
        }
    }
    RawFile::parse(&loaded.text).map_err(|e| invalid(e.pos, e.message))
}

/// The uncommitted edit of `key` in the work tree, as the newest entry.
fn uncommitted(
    loaded: &Loaded,
    history: &crate::changes::FileHistory,
    rel: &str,
    key: &str,
) -> Result<Option<Entry>> {
    let working = working_flags(loaded)?;
    let now = working.get(key);
    let latest = history.flag(key).and_then(|h| h.latest.as_ref());
    let (change, fields) = match (latest, now) {
        (None, Some(_)) => (ChangeKind::Added, Vec::new()),
        (Some(_), None) => (ChangeKind::Removed, Vec::new()),
        (Some(a), Some(b)) => {
            let fields = diff_flag(a, b);
            if fields.is_empty() {
                return Ok(None);
            }
            (ChangeKind::Changed, fields)
        }
        (None, None) => return Ok(None),
    };
    Ok(Some(Entry {
        sha: None,
        short: None,
        date: None,
        author: None,
        email: None,
        summary: "uncommitted changes in the work tree".into(),
        path: rel.to_string(),
        change,
        fields,
    }))
}
