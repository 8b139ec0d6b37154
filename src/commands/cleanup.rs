//! `flagctl cleanup KEY`: rewrite the code as if the flag always served one value,
//! then delete it from flags.yaml, as one change. The work is in [`crate::cleanup`];
//! this file gathers the inputs and renders the plan.

use super::{Ctx, stdout, write};
use crate::Outcome;
use crate::cleanup::{self, Plan, diff};
use crate::cli::{CleanupArgs, Format};
use crate::error::{Error, Result};
use crate::fsutil::Fault;
use crate::model::edit::{self, Change};
use crate::report::Paint;
use crate::scan::{self, Reference, ScanOptions};
use crate::suggest::did_you_mean;
use std::io::Write;

/// Runs `flagctl cleanup`.
pub fn run(ctx: &Ctx, args: &CleanupArgs) -> Result<Outcome> {
    let format = ctx.format("cleanup", &[Format::Text, Format::Json, Format::Diff])?;
    let key = args.key.as_str();
    let loaded = write::load_for_edit(ctx)?;
    let Some(flag) = loaded.file.flag(key) else {
        let hint = did_you_mean(key, loaded.file.flags.iter().map(|f| f.key.as_str()));
        return Err(Error::Usage(format!(
            "no flag `{key}` in {}{hint}",
            loaded.display
        )));
    };
    let keep = match &args.keep {
        Some(text) => cleanup::keep::parse(flag, text),
        None => cleanup::keep::default(flag).map_err(|e| Error::Usage(e.to_string()))?,
    };
    let mut opts = ScanOptions::for_flags_file(&loaded, &ctx.cwd);
    opts.flag = Some(key.to_string());
    let result = scan::scan(&loaded.file, &opts)?;
    let globs = scan::definition_globs(&loaded.file, &loaded.display)?;
    let roots = opts.roots.clone();
    let locate = |r: &Reference| {
        let base = roots
            .iter()
            .find(|root| root.display == r.root)
            .map_or_else(
                || ctx.cwd.clone(),
                |root| {
                    if root.path.is_file() {
                        root.path
                            .parent()
                            .map(|p| p.to_path_buf())
                            .unwrap_or_default()
                    } else {
                        root.path.clone()
                    }
                },
            );
        base.join(&r.path)
    };
    let is_definitions = |r: &Reference| {
        !globs.is_empty()
            && (globs.is_match(&r.path) || globs.is_match(scan::shown_path(&r.root, &r.path)))
    };
    let mut spellings = vec![key.to_string()];
    spellings.extend(flag.aliases.iter().map(|a| a.value.clone()));
    spellings.extend(scan::aliases::all(key, &loaded.file.settings.scan.aliases));
    let calls = loaded.file.settings.cleanup.compiled();
    let plan = cleanup::plan(&cleanup::Request {
        key,
        spellings,
        keep,
        calls: &calls,
        references: &result.references,
        is_definitions_file: &is_definitions,
        locate: &locate,
    });
    let splice = edit::plan_remove(&loaded.text, &loaded.display, key)?;
    let (flags_text, _) = edit::verify(&loaded, &splice, Change::Removed(key), ctx.today)?;

    let mut out = stdout();
    match format {
        Format::Json => crate::report::write_json(&mut out, &plan)?,
        Format::Diff => write_diff(&mut out, &plan, &loaded.display, &loaded.text, &flags_text)?,
        _ => write_text(
            &mut out,
            &plan,
            &loaded.display,
            splice.removed_lines(),
            args.dry_run,
            ctx.paint,
        )?,
    }
    out.flush()?;
    if args.dry_run {
        return Ok(Outcome::Success);
    }
    let mut writes: Vec<cleanup::Write> = plan
        .files
        .iter()
        .filter(|f| f.old != f.new)
        .map(|f| cleanup::Write {
            path: f.disk.clone(),
            display: f.path.clone(),
            old: f.old.clone(),
            new: f.new.clone(),
        })
        .collect();
    writes.push(cleanup::Write {
        path: loaded.path.clone(),
        display: loaded.display.clone(),
        old: loaded.text.clone(),
        new: flags_text,
    });
    cleanup::write_all(&writes, Fault::from_env()).map_err(|e| Error::Write {
        file: e.file,
        source: e.source,
    })?;
    Ok(Outcome::Success)
}

/// Per file: the automatic edits, then what is left to review; then flags.yaml.
fn write_text<W: Write>(
    out: &mut W,
    plan: &Plan,
    flags_display: &str,
    removed: Option<(usize, usize)>,
    dry_run: bool,
    paint: Paint,
) -> std::io::Result<()> {
    let verb = if dry_run { "would keep" } else { "kept" };
    writeln!(
        out,
        "{} `{}`: {verb} {}",
        paint.bold("cleanup"),
        plan.flag,
        plan.keep
    )?;
    for f in &plan.files {
        let n = f.edits.len();
        writeln!(
            out,
            "{}: {n} automatic edit{}",
            paint.magenta(&f.path),
            if n == 1 { "" } else { "s" }
        )?;
        let mut edits: Vec<&cleanup::Edit> = f.edits.iter().collect();
        edits.sort_by_key(|e| e.line);
        for e in edits {
            let removed = one_line(&e.removed);
            let inserted = one_line(&e.inserted);
            let what = if inserted.is_empty() {
                format!("deleted `{removed}`")
            } else {
                format!("`{removed}` -> `{inserted}`")
            };
            writeln!(out, "  {}:{}: {}: {what}", f.path, e.line, e.rule)?;
        }
        for r in &f.review {
            writeln!(
                out,
                "  {} {}:{}: {}: {}",
                paint.warning("review"),
                f.path,
                r.line,
                r.reason.describe(),
                r.text
            )?;
        }
    }
    if let Some((a, b)) = removed {
        writeln!(
            out,
            "{}: flag `{}` removed (lines {a}-{b})",
            paint.magenta(flags_display),
            plan.flag
        )?;
    }
    Ok(())
}

/// The first line of `text`, shortened, for one-line summaries.
fn one_line(text: &str) -> String {
    let t = text.trim();
    let first = t.lines().next().unwrap_or("").trim();
    let mut s: String = first.chars().take(60).collect();
    if s.len() < first.len() || t.lines().count() > 1 {
        s.push_str(" ...");
    }
    s
}

/// One unified diff of every file, flags.yaml included.
fn write_diff<W: Write>(
    out: &mut W,
    plan: &Plan,
    flags_display: &str,
    flags_old: &str,
    flags_new: &str,
) -> std::io::Result<()> {
    for f in &plan.files {
        out.write_all(diff::unified(&f.path, &f.old, &f.new).as_bytes())?;
    }
    out.write_all(diff::unified(flags_display, flags_old, flags_new).as_bytes())
}
