//! The cleanup of one flag as a service: choose the value to keep, scan for the flag,
//! rewrite every file that references it, and remove it from flags.yaml, into one
//! [`Cleanup`] that can be shown (nothing written) or [`apply`]d (all or nothing).

use super::{Plan, Request, keep, plan};
use crate::error::{Error, Result};
use crate::fsutil::{Fault, Links, ReplaceAllError, Replacement, replace_all};
use crate::model::Loaded;
use crate::model::edit::{Change, plan_remove, verify};
use crate::scan::{self, ScanOptions};
use crate::suggest::did_you_mean;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The change to flags.yaml.
#[derive(Debug, Clone, Serialize)]
pub struct FlagsEdit {
    /// The file as shown.
    pub path: String,
    /// The lines removed (1-based, inclusive).
    pub removed_lines: Option<(usize, usize)>,
    /// Where it is on disk.
    #[serde(skip)]
    pub disk: PathBuf,
    /// Its text before.
    #[serde(skip)]
    pub old: String,
    /// Its text after.
    #[serde(skip)]
    pub new: String,
}

/// Everything one cleanup changes.
#[derive(Debug, Clone, Serialize)]
pub struct Cleanup {
    /// The code's changes.
    #[serde(flatten)]
    pub plan: Plan,
    /// flags.yaml's change.
    pub flags_file: FlagsEdit,
    /// Nothing is written (`--dry-run`).
    #[serde(skip)]
    pub dry_run: bool,
}

/// What to clean up.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// The flag key.
    pub key: &'a str,
    /// `--keep`: `on`, `off`, a variant name or a JSON value.
    pub keep: Option<&'a str>,
    /// The value production serves to everyone (a `constant` usage finding), which
    /// decides when `keep` is not given.
    pub constant: Option<Value>,
    /// The current directory (scan roots are shown relative to it).
    pub cwd: &'a Path,
    /// "Today", for re-validating flags.yaml after the edit.
    pub today: NaiveDate,
    /// Nothing is written.
    pub dry_run: bool,
}

/// Plans the cleanup of `opts.key` in the flags file of `loaded`.
pub fn prepare(loaded: &Loaded, opts: &Options) -> Result<Cleanup> {
    let key = opts.key;
    let Some(flag) = loaded.file.flag(key) else {
        let hint = did_you_mean(key, loaded.file.flags.iter().map(|f| f.key.as_str()));
        return Err(Error::Usage(format!(
            "no flag `{key}` in {}{hint}",
            loaded.display
        )));
    };
    let keep = match (opts.keep, &opts.constant) {
        (Some(text), _) => keep::parse(flag, text),
        (None, Some(value)) => value.clone(),
        (None, None) => keep::default(flag).map_err(|e| Error::Usage(e.to_string()))?,
    };
    let mut scan_opts = ScanOptions::for_flags_file(loaded, opts.cwd);
    scan_opts.flag = Some(key.to_string());
    let result = scan::scan(&loaded.file, &scan_opts)?;
    let definitions = scan::definition_files(&loaded.file, &scan_opts)?;
    let locate = |r: &scan::Reference| scan_opts.disk_path(r);
    let is_definitions =
        |r: &scan::Reference| definitions.contains(&scan_opts.disk_path(r), Path::new(&r.path));
    let mut spellings = vec![key.to_string()];
    spellings.extend(flag.aliases.iter().map(|a| a.value.clone()));
    spellings.extend(scan::aliases::all(key, &loaded.file.settings.scan.aliases));
    let calls = crate::syntax::Calls::for_settings(&loaded.file.settings.cleanup);
    let code = plan(&Request {
        key,
        spellings,
        keep,
        calls: &calls,
        references: &result.references,
        is_definitions_file: &is_definitions,
        locate: &locate,
    });
    let splice = plan_remove(&loaded.text, &loaded.display, key)?;
    let (flags_text, _) = verify(loaded, &splice, Change::Removed(key), opts.today)?;
    Ok(Cleanup {
        plan: code,
        flags_file: FlagsEdit {
            path: loaded.display.clone(),
            removed_lines: splice.removed_lines(),
            disk: loaded.path.clone(),
            old: loaded.text.clone(),
            new: flags_text,
        },
        dry_run: opts.dry_run,
    })
}

/// Writes every changed file, flags.yaml last, all or nothing (`links`: whether a file
/// with other hard links may be replaced).
pub fn apply(
    cleanup: &Cleanup,
    links: Links,
    fault: Fault,
) -> std::result::Result<(), ReplaceAllError> {
    let mut writes: Vec<Replacement> = cleanup
        .plan
        .files
        .iter()
        .filter(|f| f.old != f.new)
        .map(|f| Replacement {
            path: f.disk.clone(),
            display: f.path.clone(),
            old: f.old.clone(),
            new: f.new.clone(),
        })
        .collect();
    let flags = &cleanup.flags_file;
    writes.push(Replacement {
        path: flags.disk.clone(),
        display: flags.path.clone(),
        old: flags.old.clone(),
        new: flags.new.clone(),
    });
    replace_all(&writes, links, fault)
}
