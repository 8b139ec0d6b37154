//! `flagctl stale`: lifecycle findings (design section 4) from flags.yaml and its git
//! history. It reports; `check` is the command that gates.

use super::{Ctx, note, stdout};
use crate::Outcome;
use crate::changes::RawFile;
use crate::cli::{Format, StaleArgs};
use crate::error::Result;
use crate::git::{FileHistory, GitError, Repo};
use crate::lifecycle::{self, CodeRef, Facts, Finding, Options};
use crate::model::{FlagsFile, Loaded};
use crate::render::{self, Counts, JSON_VERSION, markdown};
use crate::scan::{self, Root, ScanOptions};
use comfy_table::{Cell, Color, ContentArrangement};
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

/// The history of the flags file of `loaded`, from `--rev` when given, else `HEAD`.
pub fn git_history(ctx: &Ctx, loaded: &Loaded) -> std::result::Result<FileHistory, GitError> {
    let (repo, rel) = Repo::locate(&loaded.path)?;
    repo.history(ctx.global.rev.as_deref(), &rel)
}

/// What `history` says about the flags of `loaded`, or why it is unavailable. Without
/// `--rev`, uncommitted changes of the work tree count as changes made today.
pub fn facts_of(
    ctx: &Ctx,
    loaded: &Loaded,
    history: &std::result::Result<FileHistory, GitError>,
) -> Facts {
    match history {
        Ok(h) => {
            let working = match ctx.global.rev {
                None => RawFile::parse(&loaded.text).ok(),
                Some(_) => None,
            };
            Facts::from_history(h, working.as_ref(), ctx.today)
        }
        Err(e) => Facts::Unavailable(e.to_string()),
    }
}

/// [`git_history`] and [`facts_of`] in one call.
pub fn git_facts(ctx: &Ctx, loaded: &Loaded) -> Facts {
    facts_of(ctx, loaded, &git_history(ctx, loaded))
}

/// The code references for `--scan [PATH...]`: `None` without `--scan`, else every
/// reference to a flag of `loaded` (and every key a `settings.scan.patterns` pattern
/// captures that it does not define) under PATHs, or `settings.scan.paths` when no
/// path is given.
pub fn scan_refs(
    ctx: &Ctx,
    loaded: &Loaded,
    paths: Option<&[PathBuf]>,
) -> Result<Option<Vec<CodeRef>>> {
    match paths {
        None => Ok(None),
        Some(paths) => scan_code(ctx, loaded, &loaded.file, paths).map(Some),
    }
}

/// Scans for the flags of `file` (the flags of `loaded`, possibly with more, such as
/// the flags `check --base` sees removed) with the settings and roots of `loaded`:
/// `paths` when given, else `settings.scan.paths`. Files that could not be read are
/// named on stderr.
pub fn scan_code(
    ctx: &Ctx,
    loaded: &Loaded,
    file: &FlagsFile,
    paths: &[PathBuf],
) -> Result<Vec<CodeRef>> {
    let mut opts = ScanOptions::for_flags_file(loaded, &ctx.cwd);
    if !paths.is_empty() {
        opts.roots = paths.iter().map(|p| Root::from_arg(p, &ctx.cwd)).collect();
    }
    let result = scan::scan(file, &opts)?;
    for line in super::scan::error_lines(&result) {
        note(ctx, &line);
    }
    Ok(lifecycle::code_refs(
        &result.references,
        &result.undefined,
        |_| None,
    ))
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: &StaleArgs) -> Result<Outcome> {
    let format = ctx.format("stale", &[Format::Table, Format::Json, Format::Markdown])?;
    let loaded = ctx.load_valid()?;
    let refs = scan_refs(ctx, &loaded, args.scan.as_deref())?;
    let facts = git_facts(ctx, &loaded);
    if let Some(reason) = facts.unavailable() {
        note(
            ctx,
            &format!(
                "note: git history unavailable: {reason}; `snoozed` is not checked, `created` is not inferred, and `launched`/`dead` count from `created`"
            ),
        );
    }
    let opts = Options {
        today: ctx.today,
        warn_within: args.warn_within.map(i64::from),
    };
    let mut findings = lifecycle::findings(&loaded.file, &loaded.display, &facts, &opts);
    if let Some(refs) = refs {
        findings.extend(lifecycle::reference_findings(
            &loaded.file,
            &loaded.display,
            &refs,
        ));
        lifecycle::sort(&mut findings);
    }
    let mut out = stdout();
    match format {
        Format::Json => {
            let history = match facts.unavailable() {
                None => json!({ "available": true }),
                Some(reason) => json!({ "available": false, "reason": reason }),
            };
            render::write_json(
                &mut out,
                &json!({
                    "version": JSON_VERSION,
                    "today": ctx.today,
                    "file": loaded.display,
                    "history": history,
                    "findings": findings,
                }),
            )?;
        }
        Format::Markdown => write!(out, "{}", markdown_report(&findings))?,
        _ => write_tables(&mut out, &findings, ctx, &loaded.display)?,
    }
    out.flush()?;
    Ok(Outcome::Success)
}

/// Findings grouped by owner (owners sorted, "no owner" last), each group in the
/// findings' own order.
pub fn by_owner(findings: &[Finding]) -> Vec<(String, Vec<&Finding>)> {
    let mut groups: BTreeMap<(bool, String), Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        let key = match &f.owner {
            Some(o) => (false, o.clone()),
            None => (true, "(no owner)".to_string()),
        };
        groups.entry(key).or_default().push(f);
    }
    groups.into_iter().map(|((_, o), fs)| (o, fs)).collect()
}

fn location(f: &Finding) -> String {
    format!("{}:{}", f.file, f.line)
}

fn summary(findings: &[Finding], file: &str) -> String {
    let diags: Vec<_> = findings.iter().map(Finding::to_diagnostic).collect();
    let c = Counts::of(&diags);
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    format!(
        "{} in {file} ({}, {})",
        plural(findings.len(), "finding"),
        plural(c.errors, "error"),
        plural(c.warnings, "warning")
    )
}

fn write_tables<W: Write>(out: &mut W, findings: &[Finding], ctx: &Ctx, file: &str) -> Result<()> {
    if findings.is_empty() {
        if !ctx.global.quiet {
            writeln!(
                out,
                "{}",
                ctx.paint.green(&format!("no stale flags in {file}"))
            )?;
        }
        return Ok(());
    }
    for (i, (owner, group)) in by_owner(findings).into_iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", ctx.paint.bold(&owner))?;
        let mut t =
            crate::render::table::new(["flag", "finding", "where", "details", "action"], ctx.paint);
        // Long messages wrap rather than make the table wider than a terminal.
        t.set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(120);
        for f in group {
            let kind = Cell::new(f.kind.as_str());
            let kind = match f.severity {
                render::Severity::Error => kind.fg(Color::Red),
                render::Severity::Warning => kind.fg(Color::Yellow),
            };
            t.add_row(vec![
                Cell::new(&f.flag),
                kind,
                Cell::new(location(f)),
                Cell::new(&f.message),
                Cell::new(&f.action),
            ]);
        }
        writeln!(out, "{t}")?;
    }
    if !ctx.global.quiet {
        writeln!(out, "\n{}", summary(findings, file))?;
    }
    Ok(())
}

/// The Markdown report: one section and table per owner.
pub fn markdown_report(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "No stale flags.\n".into();
    }
    let mut s = String::new();
    for (owner, group) in by_owner(findings) {
        s.push_str(&format!("## {}\n\n", markdown::cell(&owner)));
        let rows: Vec<Vec<String>> = group
            .iter()
            .map(|f| {
                vec![
                    format!("`{}`", f.flag),
                    f.kind.as_str().to_string(),
                    format!("`{}`", location(f)),
                    f.message.clone(),
                    f.action.clone(),
                ]
            })
            .collect();
        s.push_str(&markdown::table(
            &["flag", "finding", "where", "details", "action"],
            &rows,
        ));
        s.push('\n');
    }
    s
}
