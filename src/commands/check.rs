//! `flagctl check`: the CI gate. Validation errors and expired flags fail (exit 1);
//! `expiring` warns; `--strict` fails on warnings; `--base REV` also checks the change
//! since REV against policy.

use super::stale::{scan_code, scan_refs};
use super::{Ctx, note, stdout};
use crate::Outcome;
use crate::changes::RawFile;
use crate::cli::{CheckArgs, Format};
use crate::error::{Error, Result};
use crate::git::{GitError, Repo};
use crate::diag::Code;
use crate::lifecycle::{self, CodeRef, Facts, Options};
use crate::model::{self, FlagsFile, Loaded};
use crate::render::{self, Counts, Diagnostic, JSON_VERSION, github, sarif, text};
use serde_json::json;
use std::io::Write;

/// Runs the command.
pub fn run(ctx: &Ctx, args: &CheckArgs) -> Result<Outcome> {
    let format = ctx.format(
        "check",
        &[Format::Text, Format::Json, Format::Github, Format::Sarif],
    )?;
    let loaded = ctx.load()?;
    let mut diags = diagnostics(ctx, args, &loaded)?;
    let base = match &args.base {
        Some(rev) => Some(read_base(ctx, rev, &loaded)?),
        None => None,
    };
    let refs = match (&args.scan, &base) {
        (None, _) => None,
        (Some(paths), None) => scan_refs(ctx, &loaded, Some(paths))?,
        // Code that still names a flag removed since the base matches no flag of the
        // working file, so scan for the removed flags (keys and aliases) too.
        (Some(paths), Some(b)) => Some(scan_code(ctx, &loaded, &b.with_removed, paths)?),
    };
    if let Some(b) = &base {
        let policy = lifecycle::policy(
            &b.raw,
            &b.facts,
            &loaded.file,
            &loaded.display,
            ctx.today,
            refs.as_deref(),
        );
        // A policy violation says more than the generic validation error on the same
        // spot (`new-flag-without-owner` over `missing-owner`): keep only the former.
        diags.retain(|d| {
            !(matches!(
                d.code,
                Code::MissingOwner | Code::MissingExpires | Code::ExpiresTooLate
            ) && policy.iter().any(|p| p.file == d.file && p.line == d.line))
        });
        diags.extend(policy);
    }
    if let Some(refs) = &refs {
        // A reference to a flag removed since the base is already reported as
        // `removed-but-referenced`; it is not also `undefined`.
        let removed = |r: &&CodeRef| {
            base.as_ref().is_some_and(|b| b.raw.get(&r.flag).is_some())
                && loaded.file.flag(&r.flag).is_none()
        };
        let refs: Vec<CodeRef> = refs.iter().filter(|r| !removed(r)).cloned().collect();
        diags.extend(
            lifecycle::reference_findings(&loaded.file, &loaded.display, &refs)
                .iter()
                .filter(|f| matches!(f.kind, Code::Undefined | Code::Unreferenced))
                .map(lifecycle::Finding::to_diagnostic),
        );
    }
    crate::diag::sort(&mut diags);
    let counts = Counts::of(&diags);
    let fail = counts.errors > 0 || (args.strict && counts.warnings > 0);
    let mut out = stdout();
    match format {
        Format::Json => render::write_json(
            &mut out,
            &json!({
                "version": JSON_VERSION,
                "file": loaded.display,
                "today": ctx.today,
                "passed": !fail,
                "errors": counts.errors,
                "warnings": counts.warnings,
                "diagnostics": diags,
            }),
        )?,
        Format::Github => github::write_all(&mut out, &diags)?,
        Format::Sarif => render::write_json(&mut out, &sarif::log(&diags))?,
        _ => {
            for d in &diags {
                // Only diagnostics in flags.yaml get its line quoted; the ones on code
                // lines (`undefined`, `removed-but-referenced`) name their location.
                let source = (d.file == loaded.display).then_some(loaded.text.as_str());
                text::write_diagnostic(&mut out, d, source, ctx.paint)?;
            }
            if !ctx.global.quiet {
                let plural =
                    |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
                let line = format!(
                    "{}: check {}, {}, {}",
                    loaded.display,
                    if fail { "failed" } else { "passed" },
                    plural(counts.errors, "error"),
                    plural(counts.warnings, "warning")
                );
                let line = if fail {
                    ctx.paint.error(&line)
                } else {
                    ctx.paint.green(&line)
                };
                writeln!(out, "{line}")?;
            }
        }
    }
    out.flush()?;
    Ok(if fail {
        Outcome::Findings
    } else {
        Outcome::Success
    })
}

/// Validation diagnostics plus `expired` (an error here) and `expiring`.
fn diagnostics(ctx: &Ctx, args: &CheckArgs, loaded: &Loaded) -> Result<Vec<Diagnostic>> {
    // Validation warns about expired flags; the gate reports them as `expired` errors.
    let mut diags: Vec<Diagnostic> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.code != Code::Expired)
        .cloned()
        .collect();
    let opts = Options {
        today: ctx.today,
        warn_within: args.warn_within.map(i64::from),
    };
    // Expiry needs no history: keep the gate fast and independent of clone depth.
    let facts = Facts::Unavailable(String::new());
    diags.extend(
        lifecycle::findings(&loaded.file, &loaded.display, &facts, &opts)
            .iter()
            .filter(|f| matches!(f.kind, Code::Expired | Code::Expiring))
            .map(lifecycle::Finding::to_diagnostic),
    );
    Ok(diags)
}

/// flags.yaml at the base revision of `check --base`, and what is needed to judge the
/// change from it.
struct Base {
    /// The file at the base, as written.
    raw: RawFile,
    /// What git history up to the base says about its flags (the snooze counts).
    facts: Facts,
    /// The working file's flags plus the flags removed since the base (as defined
    /// there, with their aliases): what `--scan` searches for, so code still using a
    /// removed flag is found.
    with_removed: FlagsFile,
}

/// Reads flags.yaml at `base` and its history.
fn read_base(ctx: &Ctx, base: &str, loaded: &Loaded) -> Result<Base> {
    let (repo, rel) = Repo::locate(&loaded.path)?;
    let text = match repo.read_at(base, &rel) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        // The change adds flags.yaml itself: every flag in it is new.
        Err(GitError::NotAtRevision { .. }) => String::new(),
        Err(e) => return Err(e.into()),
    };
    let display = format!("{} at {base}", loaded.display);
    let raw = RawFile::parse(&text).map_err(|e| Error::Invalid {
        file: display.clone(),
        line: e.pos.line,
        column: e.pos.column,
        message: e.message,
    })?;
    let facts = match repo.history(Some(base), &rel) {
        Ok(h) => Facts::from_history(&h, None, ctx.today),
        Err(GitError::NotCommitted { .. }) => Facts::Available(Default::default()),
        Err(e) => {
            note(ctx, &format!("note: the snooze limit is not checked: {e}"));
            Facts::Unavailable(e.to_string())
        }
    };
    // The base parsed as YAML above; its model may still have validation problems
    // (they were the base's to fix), which do not stop its flags from being searched.
    let old = model::load_text(&loaded.path, &display, &text, ctx.today);
    let mut with_removed = loaded.file.clone();
    let mut added = std::collections::HashSet::new();
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
