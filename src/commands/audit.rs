//! `flagctl audit`: the monthly report. Gathers the inputs (the flags file, its git
//! history, a scan of local code and the `--refs` scans of other repositories) and
//! hands them to [`crate::audit::build`].

use super::{Ctx, note, stale, stdout};
use crate::Outcome;
use crate::audit::build::{Inputs, Refs, build};
use crate::audit::{Audit, html, markdown};
use crate::cli::{AuditArgs, Format};
use crate::error::{Error, Result};
use crate::report::{self, Paint};
use crate::scan::{self, Root, ScanOptions, ScanResult};
use comfy_table::Cell;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// Runs the command.
pub fn run(ctx: &Ctx, args: &AuditArgs) -> Result<Outcome> {
    let format = ctx.format(
        "audit",
        &[Format::Table, Format::Markdown, Format::Html, Format::Json],
    )?;
    let loaded = ctx.load_valid()?;
    let names = root_names(&args.root)?;
    let own = loaded
        .file
        .settings
        .service
        .as_ref()
        .map(|s| s.value.clone());
    // A root named after another service is that service's code; unnamed local roots
    // belong to the flags file's own service.
    let service_of = |label: &str| Some(label.to_string()).filter(|l| Some(l) != own.as_ref());

    let mut refs = Refs::default();
    if !args.no_scan {
        let mut opts = if args.paths.is_empty() {
            ScanOptions::for_flags_file(&loaded, &ctx.cwd)
        } else {
            let mut o = ScanOptions::new(
                args.paths
                    .iter()
                    .map(|p| Root::from_arg(p, &ctx.cwd))
                    .collect(),
            );
            o.flags_path = Some(loaded.path.clone());
            o.flags_display = loaded.display.clone();
            o
        };
        opts.threads = 0;
        let result = scan::scan(&loaded.file, &opts)?;
        for (root, label, named) in labelled(&result, &names, None) {
            let service = if named { service_of(&label) } else { None };
            let (r, u) = records_of(&result, &root);
            refs.add(&label, service, r, u);
        }
    }
    for path in &args.refs {
        let text = std::fs::read(path).map_err(|e| Error::read(path, e))?;
        let result: ScanResult = serde_json::from_slice(&text).map_err(|e| Error::Invalid {
            file: path.display().to_string(),
            line: e.line() as u32,
            column: e.column() as u32,
            message: format!("not the JSON output of `flagctl scan --format json`: {e}"),
        })?;
        for (root, label, _) in labelled(&result, &names, Some(path)) {
            let (r, u) = records_of(&result, &root);
            refs.add(&label, service_of(&label), r, u);
        }
    }

    let history = stale::git_history(ctx, &loaded);
    let facts = stale::facts_of(ctx, &loaded, &history);
    if let Some(reason) = facts.unavailable() {
        note(ctx, &format!("note: {reason}"));
    }
    let mut audit = build(&Inputs {
        file: &loaded.file,
        display: &loaded.display,
        today: ctx.today,
        facts: &facts,
        history: history.as_ref().ok(),
        refs: &refs,
    });
    if let Some(owner) = &args.owner {
        if !audit.owners.iter().any(|o| &o.owner == owner) {
            let owners = audit.owners.iter().map(|o| o.owner.as_str());
            let hint = crate::suggest::did_you_mean(owner, owners);
            return Err(Error::Usage(format!(
                "no flags are owned by `{owner}`{hint}"
            )));
        }
        audit.only_owner(owner);
        audit.undefined.clear();
    }
    let mut out = stdout();
    match format {
        Format::Json => report::write_json(&mut out, &audit)?,
        Format::Markdown => out.write_all(markdown::render(&audit).as_bytes())?,
        Format::Html => out.write_all(html::render(&audit).as_bytes())?,
        _ => terminal(&mut out, &audit, ctx.paint)?,
    }
    out.flush()?;
    Ok(Outcome::Success)
}

/// Parses `--root NAME=PATH` options into PATH => NAME.
fn root_names(specs: &[String]) -> Result<HashMap<String, String>> {
    specs
        .iter()
        .map(|spec| match spec.split_once('=') {
            Some((name, path)) if !name.is_empty() && !path.is_empty() => {
                Ok((normalize(path), name.to_string()))
            }
            _ => Err(Error::Usage(format!(
                "--root takes NAME=PATH (a scan root or a --refs file), not `{spec}`"
            ))),
        })
        .collect()
}

fn normalize(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    trimmed.strip_prefix("./").unwrap_or(trimmed).to_string()
}

/// Each root of a scan with its label: the `--root` name given for the root (or for
/// the `--refs` file it came from), else the root itself, else (for a `.` root of a
/// `--refs` file, which names nothing) the file's stem. The flag says whether a
/// `--root` name applied.
fn labelled(
    result: &ScanResult,
    names: &HashMap<String, String>,
    file: Option<&Path>,
) -> Vec<(String, String, bool)> {
    let file_name = file.map(|f| normalize(&f.to_string_lossy()));
    result
        .roots
        .iter()
        .map(|root| {
            let by_file = file_name.as_ref().and_then(|f| names.get(f));
            let by_root = names.get(&normalize(root));
            match (by_file, by_root) {
                (Some(n), _) | (None, Some(n)) => (root.clone(), n.clone(), true),
                _ if root == "." && file.is_some() => {
                    let stem = file
                        .and_then(|f| f.file_stem())
                        .map_or_else(|| root.clone(), |s| s.to_string_lossy().into_owned());
                    (root.clone(), stem, false)
                }
                _ => (root.clone(), root.clone(), false),
            }
        })
        .collect()
}

fn records_of(result: &ScanResult, root: &str) -> (Vec<scan::Reference>, Vec<scan::Undefined>) {
    (
        result
            .references
            .iter()
            .filter(|r| r.root == root)
            .cloned()
            .collect(),
        result
            .undefined
            .iter()
            .filter(|u| u.root == root)
            .cloned()
            .collect(),
    )
}

/// The terminal rendering: the summary, then per owner a table and the plans.
fn terminal<W: Write>(out: &mut W, audit: &Audit, paint: Paint) -> std::io::Result<()> {
    let s = &audit.summary;
    writeln!(
        out,
        "{}",
        paint.bold(&format!("Feature flag audit — {}", audit.today))
    )?;
    writeln!(
        out,
        "{} flags in {}, health {}%",
        s.flags, audit.file, s.health
    )?;
    let join = |m: &std::collections::BTreeMap<String, usize>| {
        m.iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(out, "by type: {}", join(&s.by_type))?;
    writeln!(out, "by state: {}", join(&s.by_state))?;
    writeln!(
        out,
        "findings: {}",
        if s.findings.is_empty() {
            "none".into()
        } else {
            join(&s.findings)
        }
    )?;
    let changes = |v: &[crate::audit::Change]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.iter()
                .map(|c| c.flag.clone())
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    writeln!(
        out,
        "added in the last 30 days: {}",
        changes(&s.added_last_30_days)
    )?;
    writeln!(
        out,
        "removed in the last 30 days: {}",
        changes(&s.removed_last_30_days)
    )?;
    if let Some(reason) = &audit.history_unavailable {
        writeln!(
            out,
            "{}",
            paint.dim(&format!("git history unavailable: {reason}"))
        )?;
    }
    for section in &audit.owners {
        writeln!(out)?;
        writeln!(out, "{}", paint.bold(&section.owner))?;
        let mut t = crate::report::table::new(
            [
                "flag", "type", "age", "expires", "state", "refs", "findings",
            ],
            paint,
        );
        for f in &section.flags {
            let findings: Vec<&str> = f.findings.iter().map(|x| x.kind.as_str()).collect();
            t.add_row(vec![
                Cell::new(&f.flag),
                Cell::new(f.flag_type.as_deref().unwrap_or("-")),
                Cell::new(f.age_days.map_or("-".into(), |d| format!("{d}d"))),
                Cell::new(f.expires.map_or("-".into(), |d| d.to_string())),
                Cell::new(&f.state),
                Cell::new(f.references),
                Cell::new(if findings.is_empty() {
                    "-".into()
                } else {
                    findings.join(", ")
                }),
            ]);
        }
        writeln!(out, "{t}")?;
        for f in section.flags.iter() {
            let Some(p) = &f.plan else { continue };
            writeln!(
                out,
                "  {} {}: {}",
                paint.warning("cleanup"),
                f.flag,
                p.action
            )?;
            if let Some(keep) = &p.keep {
                writeln!(out, "    keep the {keep} path")?;
            }
            for e in &p.edits {
                writeln!(
                    out,
                    "    {}  {} ({})",
                    paint.magenta(&e.display()),
                    e.text,
                    e.role.as_str()
                )?;
            }
            match &p.cleanup_command {
                Some(c) => writeln!(out, "    automatic: {c}")?,
                None => writeln!(out, "    then: {}", p.remove_command)?,
            }
        }
    }
    if !audit.undefined.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", paint.error("referenced but not defined"))?;
        for u in &audit.undefined {
            writeln!(
                out,
                "  {}  {}  {}",
                u.flag,
                paint.magenta(&u.display()),
                u.text
            )?;
        }
    }
    Ok(())
}
