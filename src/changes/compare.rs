//! `flagctl diff`: flags added, removed and changed between two versions of flags.yaml,
//! with warnings for changes that move users between buckets.

use super::{FieldChange, RawFile, RawFlag, diff_flag, rebucket_warnings};
use crate::error::{Error, Result};
use crate::git::{GitError, Repo};
use serde::Serialize;
use std::path::Path;

/// A flag that exists on one side only.
#[derive(Debug, Clone, Serialize)]
pub struct Present {
    /// The flag key.
    pub flag: String,
    /// `type`, as written.
    #[serde(rename = "type")]
    pub flag_type: Option<String>,
    /// `owner`, as written.
    pub owner: Option<String>,
}

/// A flag whose fields changed.
#[derive(Debug, Clone, Serialize)]
pub struct Changed {
    /// The flag key.
    pub flag: String,
    /// Fields, old → new.
    pub fields: Vec<FieldChange>,
    /// Changes that move users between buckets or variants.
    pub warnings: Vec<String>,
}

/// The difference between two versions of the file.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FileDiff {
    /// The flags file.
    pub file: String,
    /// The old revision.
    pub base: String,
    /// The new revision; `null` for the work tree.
    pub head: Option<String>,
    /// Flags only in the new version, in its order.
    pub added: Vec<Present>,
    /// Flags only in the old version, in its order.
    pub removed: Vec<Present>,
    /// Flags in both whose fields differ, in the new version's order.
    pub changed: Vec<Changed>,
}

impl FileDiff {
    /// The new side as people read it: the revision, or "working tree".
    pub fn head_label(&self) -> &str {
        self.head.as_deref().unwrap_or("working tree")
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Compares two versions.
pub fn compare(old: &RawFile, new: &RawFile) -> FileDiff {
    let present = |key: &str, f: &RawFlag| Present {
        flag: key.to_string(),
        flag_type: f.text("type"),
        owner: f.text("owner"),
    };
    let mut d = FileDiff::default();
    for (key, f) in &new.flags {
        match old.get(key) {
            None => d.added.push(present(key, f)),
            Some(o) => {
                let fields = diff_flag(o, f);
                if !fields.is_empty() {
                    d.changed.push(Changed {
                        flag: key.clone(),
                        warnings: rebucket_warnings(key, o, f),
                        fields,
                    });
                }
            }
        }
    }
    for (key, f) in &old.flags {
        if new.get(key).is_none() {
            d.removed.push(present(key, f));
        }
    }
    d
}

/// Compares the flags file at `path` (shown as `display`) at revision `base` with
/// revision `head`, or with the work tree when `head` is `None`. A side without the
/// file (the change that adds flags.yaml) has no flags.
pub fn between(path: &Path, display: &str, base: &str, head: Option<&str>) -> Result<FileDiff> {
    let (repo, rel) = Repo::locate(path)?;
    let parse = |text: &[u8], label: &str| {
        RawFile::parse(&String::from_utf8_lossy(text)).map_err(|e| Error::Invalid {
            file: label.to_string(),
            line: e.pos.line,
            column: e.pos.column,
            message: e.message,
        })
    };
    let at = |rev: &str| -> Result<RawFile> {
        match repo.read_at(rev, &rel) {
            Ok(bytes) => parse(&bytes, &format!("{display} at {rev}")),
            Err(GitError::NotAtRevision { .. }) => Ok(RawFile::default()),
            Err(e) => Err(e.into()),
        }
    };
    let old = at(base)?;
    let new = match head {
        Some(rev) => at(rev)?,
        None => parse(
            &std::fs::read(path).map_err(|e| Error::read(path, e))?,
            display,
        )?,
    };
    Ok(FileDiff {
        file: display.to_string(),
        base: base.to_string(),
        head: head.map(String::from),
        ..compare(&old, &new)
    })
}
