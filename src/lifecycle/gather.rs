//! The lifecycle services: gather what the rules need (git history, code references)
//! and run them, for `stale` ([`stale`]) and the CI gate `check` ([`gate`]).

use super::policy::{self, Base};
use super::{CodeRef, Facts, Finding, Gate, HistoryStatus, Options, Stale};
use crate::changes::FileHistory;
use crate::changes::RawFile;
use crate::diag::{self, Code, Counts, Diagnostic};
use crate::error::Result;
use crate::git::{GitError, Repo};
use crate::model::{FlagsFile, Loaded};
use crate::scan::{self, Area, Root, ScanOptions};
use crate::usage::{self, Rules, Usage};
use chrono::NaiveDate;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Which version of flags.yaml is read, and as of which day.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    /// The flags file as loaded.
    pub loaded: &'a Loaded,
    /// `--rev`: the file was read at this revision instead of the work tree.
    pub rev: Option<&'a str>,
    /// "Today".
    pub today: NaiveDate,
    /// The current directory, which scan roots are relative to.
    pub cwd: &'a Path,
}

impl Sources<'_> {
    /// The history of the flags file, from `rev` when given, else `HEAD`.
    pub fn history(&self) -> std::result::Result<FileHistory, GitError> {
        let (repo, rel) = Repo::locate(&self.loaded.path)?;
        crate::changes::history(&repo, self.rev, &rel)
    }

    /// What `history` says about each flag, or why it cannot say. Without `rev`,
    /// uncommitted changes of the work tree count as changes made today.
    pub fn facts(&self, history: &std::result::Result<FileHistory, GitError>) -> Facts {
        match history {
            Ok(h) => {
                let working = match self.rev {
                    None => RawFile::parse(&self.loaded.text).ok(),
                    Some(_) => None,
                };
                Facts::from_history(h, working.as_ref(), self.today)
            }
            Err(e) => Facts::Unavailable(e.to_string()),
        }
    }

    /// Scans for the flags of `file` (those of `loaded`, possibly with more, such as
    /// the flags `check --base` sees removed) under `roots`, else the file's
    /// `settings.scan.paths`.
    pub fn scan(&self, file: &FlagsFile, roots: &[PathBuf]) -> Result<Scanned> {
        let mut opts = ScanOptions::for_flags_file(self.loaded, self.cwd);
        if !roots.is_empty() {
            opts.roots = roots.iter().map(|p| Root::from_arg(p, self.cwd)).collect();
        }
        let result = scan::scan(file, &opts)?;
        Ok(Scanned {
            refs: super::code_refs(&result.references, &result.undefined, |_| None),
            nested: super::nested_findings(file, &result.nested),
            warnings: result.warnings(),
        })
    }
}

/// What a scan found, for the lifecycle rules.
#[derive(Debug, Clone, Default)]
pub struct Scanned {
    /// Every reference, undefined keys included.
    pub refs: Vec<CodeRef>,
    /// `nested` findings.
    pub nested: Vec<Finding>,
    /// One warning per file that could not be read.
    pub warnings: Vec<String>,
}

/// The usage findings (`unused`, `constant`, `evaluated-undefined`, and with code
/// references `referenced-not-evaluated` and `evaluated-not-referenced`) of the flags
/// of `src`, with the thresholds of its settings. Only references from production
/// code count as references.
pub fn usage_findings(src: &Sources, usage: &Usage, refs: Option<&[CodeRef]>) -> Vec<Finding> {
    let settings = &src.loaded.file.settings;
    let rules = Rules {
        today: src.today,
        unused_after_days: settings.unused_after_days,
        constant_min_evaluations: settings.constant_min_evaluations,
        launched_after_days: settings.launched_after_days,
    };
    let referenced: Option<HashSet<String>> = refs.map(|refs| {
        refs.iter()
            .filter(|r| r.area == Area::Code)
            .map(|r| r.flag.clone())
            .collect()
    });
    let file = &src.loaded.file;
    usage::findings(
        file,
        &src.loaded.display,
        usage,
        &rules,
        referenced.as_ref(),
    )
    .into_iter()
    .map(Finding::from)
    .collect()
}

/// What `stale` reports: the lifecycle findings, plus the reference findings when
/// `scan` names roots to scan (empty: `settings.scan.paths`), plus the usage findings
/// when there is usage data.
pub fn stale(
    src: &Sources,
    warn_within: Option<i64>,
    scan: Option<&[PathBuf]>,
    usage: Option<&Usage>,
) -> Result<(Stale, Vec<String>)> {
    let mut warnings = Vec::new();
    let mut nested = Vec::new();
    let refs = match scan {
        Some(roots) => {
            let scanned = src.scan(&src.loaded.file, roots)?;
            warnings.extend(scanned.warnings);
            nested = scanned.nested;
            Some(scanned.refs)
        }
        None => None,
    };
    let facts = src.facts(&src.history());
    let opts = Options {
        today: src.today,
        warn_within,
    };
    let display = &src.loaded.display;
    let mut findings = super::findings(&src.loaded.file, display, &facts, &opts);
    if let Some(refs) = &refs {
        findings.extend(super::reference_findings(&src.loaded.file, display, refs));
    }
    findings.extend(nested);
    if let Some(usage) = usage {
        findings.extend(usage_findings(src, usage, refs.as_deref()));
    }
    super::sort(&mut findings);
    let report = Stale {
        today: src.today,
        file: display.clone(),
        history: HistoryStatus::of(&facts),
        findings,
    };
    Ok((report, warnings))
}

/// What the CI gate is asked to check.
#[derive(Debug, Clone, Default)]
pub struct GateOptions {
    /// Fail on warnings too.
    pub strict: bool,
    /// `--warn-within` days.
    pub warn_within: Option<i64>,
    /// `--base REV`: also judge the change since REV against policy.
    pub base: Option<String>,
    /// `--scan`: roots to scan for undefined (or removed) flags; empty for
    /// `settings.scan.paths`.
    pub scan: Option<Vec<PathBuf>>,
}

/// Whether a usage finding belongs in the CI gate: an evaluated key flags.yaml does
/// not define always; the others only when the data covers as long as their rule asks
/// (a gate must not fail on a week of data).
fn gates(f: &Finding) -> bool {
    f.kind == Code::EvaluatedUndefined || f.usage.as_ref().is_some_and(|u| u.conclusive)
}

/// The CI gate (`check`): validation, `expired` (an error here) and `expiring`; with a
/// base revision, the change policy; with a scan, undefined and unreferenced flags and
/// removed flags still referenced; with usage data, the usage findings it can stand
/// on. Returns the report and notes for stderr.
pub fn gate(
    src: &Sources,
    opts: &GateOptions,
    usage: Option<&Usage>,
) -> Result<(Gate, Vec<String>)> {
    let loaded = src.loaded;
    let mut notes = Vec::new();
    let mut diags = expiry_gate(src, opts.warn_within);
    let base = match &opts.base {
        Some(rev) => {
            let base = Base::read(loaded, rev, src.today)?;
            if let Some(reason) = base.facts.unavailable() {
                notes.push(format!("note: the snooze limit is not checked: {reason}"));
            }
            Some(base)
        }
        None => None,
    };
    let refs = match (&opts.scan, &base) {
        (None, _) => None,
        (Some(roots), None) => Some(src.scan(&loaded.file, roots)?),
        // Code that still names a flag removed since the base matches no flag of the
        // working file, so scan for the removed flags (keys and aliases) too.
        (Some(roots), Some(b)) => Some(src.scan(&b.with_removed, roots)?),
    };
    let mut nested = Vec::new();
    let refs = refs.map(|scanned| {
        notes.extend(scanned.warnings);
        nested = scanned.nested;
        scanned.refs
    });
    diags.extend(nested.iter().map(Finding::to_diagnostic));
    if let Some(b) = &base {
        apply_policy(src, b, refs.as_deref(), &mut diags);
    }
    if let Some(refs) = &refs {
        diags.extend(reference_diagnostics(loaded, base.as_ref(), refs));
    }
    if let Some(usage) = usage {
        diags.extend(
            usage_findings(src, usage, refs.as_deref())
                .iter()
                .filter(|f| gates(f))
                .map(Finding::to_diagnostic),
        );
    }
    diag::sort(&mut diags);
    let counts = Counts::of(&diags);
    let report = Gate {
        today: src.today,
        file: loaded.display.clone(),
        passed: !counts.fail(opts.strict),
        errors: counts.errors,
        warnings: counts.warnings,
        diagnostics: diags,
        source: loaded.text.clone(),
    };
    Ok((report, notes))
}

/// Adds the policy violations of the changes since `base` to `diags`.
fn apply_policy(src: &Sources, base: &Base, refs: Option<&[CodeRef]>, diags: &mut Vec<Diagnostic>) {
    let loaded = src.loaded;
    let found = policy::policy(base, &loaded.file, &loaded.display, src.today, refs);
    // A policy violation says more than the generic validation error on the same
    // spot (`new-flag-without-owner` over `missing-owner`): keep only the former.
    diags.retain(|d| {
        !(matches!(
            d.code,
            Code::MissingOwner | Code::MissingExpires | Code::ExpiresTooLate
        ) && found.iter().any(|p| p.file == d.file && p.line == d.line))
    });
    diags.extend(found);
}

/// The `undefined` and `unreferenced` findings of the scanned references.
fn reference_diagnostics(
    loaded: &Loaded,
    base: Option<&Base>,
    refs: &[CodeRef],
) -> Vec<Diagnostic> {
    // A reference to a flag removed since the base is already reported as
    // `removed-but-referenced`; it is not also `undefined`.
    let kept: Vec<CodeRef> = refs
        .iter()
        .filter(|r| !base.is_some_and(|b| b.removed(&r.flag, &loaded.file)))
        .cloned()
        .collect();
    super::reference_findings(&loaded.file, &loaded.display, &kept)
        .iter()
        .filter(|f| matches!(f.kind, Code::Undefined | Code::Unreferenced))
        .map(Finding::to_diagnostic)
        .collect()
}

/// Validation diagnostics with `expired` turned into an error, plus `expiring`.
fn expiry_gate(src: &Sources, warn_within: Option<i64>) -> Vec<Diagnostic> {
    let loaded = src.loaded;
    // Validation warns about expired flags; the gate reports them as `expired` errors.
    let mut diags: Vec<Diagnostic> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.code != Code::Expired)
        .cloned()
        .collect();
    let opts = Options {
        today: src.today,
        warn_within,
    };
    // Expiry needs no history: keep the gate fast and independent of clone depth.
    let facts = Facts::Unavailable(String::new());
    diags.extend(
        super::findings(&loaded.file, &loaded.display, &facts, &opts)
            .iter()
            .filter(|f| matches!(f.kind, Code::Expired | Code::Expiring))
            .map(Finding::to_diagnostic),
    );
    diags
}
