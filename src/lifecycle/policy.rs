//! The change policy of `check --base REV`: a change to flags.yaml is judged against
//! the file at the base revision. New temporary flags need an owner and an expiry
//! within `max_expiry`; a flag already snoozed twice may not be snoozed again; a flag
//! removed from flags.yaml may not stay referenced by code.

use super::{CodeRef, Facts};
use crate::changes::RawFile;
use crate::diag::{Code, Diagnostic, Pos};
use crate::error::{Error, Result};
use crate::git::{GitError, Repo};
use crate::model::{self, Flag, FlagType, FlagsFile, Loaded};
use chrono::NaiveDate;
use std::collections::HashSet;

/// flags.yaml at the base revision of `check --base`, and what is needed to judge the
/// change from it.
#[derive(Debug)]
pub struct Base {
    /// The file at the base, as written.
    pub raw: RawFile,
    /// What git history up to the base says about its flags (the snooze counts).
    pub facts: Facts,
    /// The working file's flags plus the flags removed since the base (as defined
    /// there, with their aliases): what a scan searches for, so code still using a
    /// removed flag is found.
    pub with_removed: FlagsFile,
}

impl Base {
    /// Reads flags.yaml (the file of `loaded`) at revision `rev` and its history. A
    /// history that cannot be read leaves the snooze limit unchecked; the reason is in
    /// `facts`.
    pub fn read(loaded: &Loaded, rev: &str, today: NaiveDate) -> Result<Base> {
        let (repo, rel) = Repo::locate(&loaded.path)?;
        let text = match repo.read_at(rev, &rel) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            // The change adds flags.yaml itself: every flag in it is new.
            Err(GitError::NotAtRevision { .. }) => String::new(),
            Err(e) => return Err(e.into()),
        };
        let display = format!("{} at {rev}", loaded.display);
        let raw = RawFile::parse(&text).map_err(|e| Error::Invalid {
            file: display.clone(),
            line: e.pos.line,
            column: e.pos.column,
            message: e.message,
        })?;
        let facts = match crate::changes::history(&repo, Some(rev), &rel) {
            Ok(h) => Facts::from_history(&h, None, today),
            Err(GitError::NotCommitted { .. }) => Facts::Available(Default::default()),
            Err(e) => Facts::Unavailable(e.to_string()),
        };
        // The base parsed as YAML above; its model may still have validation problems
        // (they were the base's to fix), which do not stop its flags from being searched.
        let old = model::load_text(&loaded.path, &display, &text, today);
        let mut with_removed = loaded.file.clone();
        let mut added = HashSet::new();
        for flag in old.file.flags {
            // A key duplicated in the base counts once (its first definition, as in
            // validation).
            if loaded.file.flag(&flag.key).is_none() && added.insert(flag.key.clone()) {
                with_removed.flags.push(flag);
            }
        }
        if !added.is_empty() {
            with_removed.index();
        }
        Ok(Base {
            raw,
            facts,
            with_removed,
        })
    }

    /// Whether `key` was defined at the base but is gone from `current`.
    pub fn removed(&self, key: &str, current: &FlagsFile) -> bool {
        self.raw.get(key).is_some() && current.flag(key).is_none()
    }
}

/// `date` plus `days`, saturating at the last representable date (settings and `--now`
/// are user input: no overflow may panic).
fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    date.checked_add_days(chrono::Days::new(days.max(0).unsigned_abs()))
        .unwrap_or(NaiveDate::MAX)
}

/// Checks the change from `base` to `current` (displayed as `display`) against policy;
/// with code references, also that no removed flag is still referenced. Sorted.
pub fn policy(
    base: &Base,
    current: &FlagsFile,
    display: &str,
    today: NaiveDate,
    refs: Option<&[CodeRef]>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for flag in &current.flags {
        if !seen.insert(flag.key.as_str()) {
            continue;
        }
        let judge = Judge {
            flag,
            current,
            display,
            today,
        };
        match base.raw.get(&flag.key) {
            None => {
                let Some(t) = flag.kind().filter(|t| t.is_temporary()) else {
                    continue;
                };
                out.extend(judge.new_without_owner(t));
                out.extend(judge.new_expiry(t));
            }
            Some(old) => out.extend(judge.snooze(old.date("expires"), &base.facts)),
        }
    }
    for r in refs.unwrap_or_default() {
        if base.removed(&r.flag, current) {
            out.push(removed_but_referenced(r, display));
        }
    }
    crate::diag::sort(&mut out);
    out
}

/// One flag of the changed file, judged.
struct Judge<'a> {
    flag: &'a Flag,
    current: &'a FlagsFile,
    display: &'a str,
    today: NaiveDate,
}

impl Judge<'_> {
    fn error(&self, pos: Pos, code: Code, message: String) -> Diagnostic {
        Diagnostic::error(self.display, pos, code, message).with_flag(self.flag.key.clone())
    }

    /// `new-flag-without-owner`.
    fn new_without_owner(&self, t: FlagType) -> Option<Diagnostic> {
        self.flag.owner.is_none().then(|| {
            self.error(
                self.flag.pos,
                Code::NewFlagWithoutOwner,
                format!(
                    "new {t} flag `{}` has no `owner`; every new flag needs a team responsible for removing it",
                    self.flag.key
                ),
            )
        })
    }

    /// `new-flag-without-expiry`, or `new-flag-expiry-too-far` counted from `created`
    /// (today for a flag added now).
    fn new_expiry(&self, t: FlagType) -> Option<Diagnostic> {
        let settings = &self.current.settings;
        let key = &self.flag.key;
        let Some(expires) = &self.flag.expires else {
            return Some(self.error(
                self.flag.pos,
                Code::NewFlagWithoutExpiry,
                format!(
                    "new {t} flag `{key}` has no `expires`; plan its removal from day one, e.g. `expires: {}`",
                    add_days(self.today, settings.max_expiry_days.clamp(0, 3650) / 2)
                ),
            ));
        };
        let from = self.flag.created.as_ref().map_or(self.today, |c| c.value);
        let days = (expires.value - from).num_days();
        if days <= settings.max_expiry_days {
            return None;
        }
        let since = if self.flag.created.is_some() {
            "its `created` date"
        } else {
            "today"
        };
        Some(self.error(
            expires.pos,
            Code::NewFlagExpiryTooFar,
            format!(
                "new {t} flag `{key}` expires {days} days after {since}, more than settings.max_expiry ({} days); pick a date no later than {}",
                settings.max_expiry_days,
                add_days(from, settings.max_expiry_days)
            ),
        ))
    }

    /// `snooze-limit`: `expires` pushed later again after two pushes.
    fn snooze(&self, before: Option<NaiveDate>, base_facts: &Facts) -> Option<Diagnostic> {
        let (before, after) = (before?, self.flag.expires.as_ref()?);
        let key = &self.flag.key;
        let pushed = base_facts.get(key).map_or(0, |f| f.expires_pushed);
        (after.value > before && pushed >= 2).then(|| {
            self.error(
                after.pos,
                Code::SnoozeLimit,
                format!(
                    "the `expires` of flag `{key}` was already pushed later {pushed} times; moving it again ({before} → {}) is not allowed: finish the rollout and remove the flag, or make it operational",
                    after.value
                ),
            )
        })
    }
}

/// `removed-but-referenced`, at the code line.
fn removed_but_referenced(r: &CodeRef, display: &str) -> Diagnostic {
    Diagnostic::error(
        &r.path,
        Pos::new(r.line, r.column),
        Code::RemovedButReferenced,
        format!(
            "flag `{}` is removed from {display} but this code still references it; remove the reference too",
            r.flag
        ),
    )
    .with_flag(r.flag.clone())
}
