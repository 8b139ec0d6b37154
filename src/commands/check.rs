//! `flagctl check`: the CI gate. Validation errors and expired flags fail (exit 1);
//! `expiring` warns; `--strict` fails on warnings; `--base REV` also checks the change
//! since REV against policy.

use super::stale::scan_refs;
use super::{Ctx, note, stdout, validate};
use crate::Outcome;
use crate::changes::RawFile;
use crate::cli::{CheckArgs, Format};
use crate::error::{Error, Result};
use crate::git::{GitError, Repo};
use crate::lifecycle::{self, Facts, Kind, Options};
use crate::model::Loaded;
use crate::report::{self, Counts, Diagnostic, JSON_VERSION, github, sarif, text};
use serde_json::json;
use std::io::Write;

/// One line describing any code `check` can report (SARIF rule descriptions).
pub fn describe(code: &str) -> String {
    match lifecycle::describe(code) {
        Some(d) => d.to_string(),
        None => validate::describe(code),
    }
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: &CheckArgs) -> Result<Outcome> {
    let format = ctx.format(
        "check",
        &[Format::Text, Format::Json, Format::Github, Format::Sarif],
    )?;
    let refs = scan_refs(&args.scan)?;
    let loaded = ctx.load()?;
    let mut diags = diagnostics(ctx, args, &loaded)?;
    if let Some(base) = &args.base {
        let policy = policy(ctx, base, &loaded, refs.as_deref())?;
        // A policy violation says more than the generic validation error on the same
        // spot (`new-flag-without-owner` over `missing-owner`): keep only the former.
        diags.retain(|d| {
            !(matches!(
                d.code,
                "missing-owner" | "missing-expires" | "expires-too-late"
            ) && policy.iter().any(|p| p.file == d.file && p.line == d.line))
        });
        diags.extend(policy);
    }
    if let Some(refs) = &refs {
        diags.extend(
            lifecycle::reference_findings(&loaded.file, &loaded.display, refs)
                .iter()
                .filter(|f| f.kind == Kind::Undefined)
                .map(lifecycle::Finding::to_diagnostic),
        );
    }
    report::diagnostic::sort(&mut diags);
    let counts = Counts::of(&diags);
    let fail = counts.errors > 0 || (args.strict && counts.warnings > 0);
    let mut out = stdout();
    match format {
        Format::Json => report::write_json(
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
        Format::Sarif => report::write_json(&mut out, &sarif::log(&diags, describe))?,
        _ => {
            text::write_all(&mut out, &diags, Some(&loaded.text), ctx.paint)?;
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
        .filter(|d| d.code != "expired")
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
            .filter(|f| matches!(f.kind, Kind::Expired | Kind::Expiring))
            .map(lifecycle::Finding::to_diagnostic),
    );
    Ok(diags)
}

/// Policy violations of the change from `base` to the loaded file.
fn policy(
    ctx: &Ctx,
    base: &str,
    loaded: &Loaded,
    refs: Option<&[lifecycle::CodeRef]>,
) -> Result<Vec<Diagnostic>> {
    let (repo, rel) = Repo::locate(&loaded.path)?;
    let base_file = match repo.read_at(base, &rel) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            RawFile::parse(&text).map_err(|e| Error::Invalid {
                file: format!("{} at {base}", loaded.display),
                line: e.pos.line,
                column: e.pos.column,
                message: e.message,
            })?
        }
        // The change adds flags.yaml itself: every flag in it is new.
        Err(GitError::NotAtRevision { .. }) => RawFile::default(),
        Err(e) => return Err(e.into()),
    };
    let facts = match repo.history(Some(base), &rel) {
        Ok(h) => Facts::from_history(&h, None, ctx.today),
        Err(GitError::NotCommitted { .. }) => Facts::Available(Default::default()),
        Err(e) => {
            note(ctx, &format!("note: the snooze limit is not checked: {e}"));
            Facts::Unavailable(e.to_string())
        }
    };
    Ok(lifecycle::policy(
        &base_file,
        &facts,
        &loaded.file,
        &loaded.display,
        ctx.today,
        refs,
    ))
}
