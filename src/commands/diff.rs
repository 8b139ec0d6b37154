//! `flagctl diff [BASE] [HEAD]`: flags added, removed and changed between two versions
//! of flags.yaml (default: `HEAD` and the work tree), with warnings for changes that
//! move users between buckets.

use super::{Ctx, stdout};
use crate::Outcome;
use crate::changes::{self, FieldChange, RawFile, RawFlag};
use crate::cli::{DiffArgs, Format};
use crate::error::{Error, Result};
use crate::git::{GitError, Repo};
use crate::render::{self, JSON_VERSION, markdown};
use serde::Serialize;
use serde_json::{Value, json};
use std::io::Write;

/// A flag that exists on one side only.
#[derive(Debug, Serialize)]
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
#[derive(Debug, Serialize)]
pub struct Changed {
    /// The flag key.
    pub flag: String,
    /// Fields, old → new.
    pub fields: Vec<FieldChange>,
    /// Changes that move users between buckets or variants.
    pub warnings: Vec<String>,
}

/// The difference between two versions of the file.
#[derive(Debug, Serialize)]
pub struct FileDiff {
    /// Flags only in the new version, in its order.
    pub added: Vec<Present>,
    /// Flags only in the old version, in its order.
    pub removed: Vec<Present>,
    /// Flags in both whose fields differ, in the new version's order.
    pub changed: Vec<Changed>,
}

/// Compares two versions.
pub fn compare(old: &RawFile, new: &RawFile) -> FileDiff {
    let present = |key: &str, f: &RawFlag| Present {
        flag: key.to_string(),
        flag_type: f.text("type"),
        owner: f.text("owner"),
    };
    let mut d = FileDiff {
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
    };
    for (key, f) in &new.flags {
        match old.get(key) {
            None => d.added.push(present(key, f)),
            Some(o) => {
                let fields = changes::diff_flag(o, f);
                if !fields.is_empty() {
                    d.changed.push(Changed {
                        flag: key.clone(),
                        warnings: changes::rebucket_warnings(key, o, f),
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

/// Splits `A..B`, `A..` and `..B` (an empty side means `HEAD`, as in git).
fn sides(args: &DiffArgs) -> Result<(String, Option<String>)> {
    match (&args.base, &args.head) {
        (None, None) => Ok(("HEAD".into(), None)),
        (Some(b), head) if b.contains("..") => {
            if head.is_some() {
                return Err(Error::Usage(
                    "give either `BASE..HEAD` or `BASE HEAD`, not both".into(),
                ));
            }
            if b.contains("...") {
                return Err(Error::Usage(
                    "`BASE...HEAD` (merge base) is not supported; use `BASE..HEAD`".into(),
                ));
            }
            let (a, c) = b.split_once("..").unwrap_or((b, ""));
            let or_head = |s: &str| {
                if s.is_empty() {
                    "HEAD".to_string()
                } else {
                    s.to_string()
                }
            };
            Ok((or_head(a), Some(or_head(c))))
        }
        (Some(b), head) => Ok((b.clone(), head.clone())),
        (None, Some(_)) => Err(Error::Usage("HEAD given without BASE".into())),
    }
}

fn parse(text: &str, label: &str) -> Result<RawFile> {
    RawFile::parse(text).map_err(|e| Error::Invalid {
        file: label.to_string(),
        line: e.pos.line,
        column: e.pos.column,
        message: e.message,
    })
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: &DiffArgs) -> Result<Outcome> {
    let format = ctx.format("diff", &[Format::Text, Format::Json, Format::Markdown])?;
    let (base, mut head) = sides(args)?;
    // `--rev` names the file's version everywhere: here it stands in for HEAD.
    if head.is_none() {
        head = ctx.global.rev.clone();
    }
    let path = ctx.flags_path()?;
    let display = path
        .strip_prefix(&ctx.cwd)
        .unwrap_or(&path)
        .to_string_lossy()
        .into_owned();
    let (repo, rel) = Repo::locate(&path)?;
    // A side without the file (the change that adds flags.yaml) has no flags.
    let at = |rev: &str| -> Result<RawFile> {
        match repo.read_at(rev, &rel) {
            Ok(bytes) => parse(
                &String::from_utf8_lossy(&bytes),
                &format!("{display} at {rev}"),
            ),
            Err(GitError::NotAtRevision { .. }) => Ok(RawFile::default()),
            Err(e) => Err(e.into()),
        }
    };
    let old = at(&base)?;
    let (new, head_label) = match &head {
        Some(rev) => (at(rev)?, rev.clone()),
        None => {
            let text = std::fs::read(&path).map_err(|e| Error::read(&path, e))?;
            (
                parse(&String::from_utf8_lossy(&text), &display)?,
                "working tree".to_string(),
            )
        }
    };
    let diff = compare(&old, &new);
    let mut out = stdout();
    match format {
        Format::Json => render::write_json(
            &mut out,
            &json!({
                "version": JSON_VERSION,
                "file": display,
                "base": base,
                "head": head,
                "added": diff.added,
                "removed": diff.removed,
                "changed": diff.changed,
            }),
        )?,
        Format::Markdown => write!(out, "{}", markdown_report(&diff, &base, &head_label))?,
        _ => write_text(&mut out, &diff, ctx, &display, &base, &head_label)?,
    }
    out.flush()?;
    Ok(Outcome::Success)
}

/// A value for display: strings bare, everything else as compact JSON, long values cut.
pub fn show(v: &Option<Value>) -> String {
    let s = match v {
        None => return "(unset)".into(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    };
    let s = s.replace('\n', "\\n");
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(59).collect::<String>())
    } else {
        s
    }
}

fn describe(p: &Present) -> String {
    let t = p.flag_type.as_deref().unwrap_or("no type");
    match &p.owner {
        Some(o) => format!("{t}, owner {o}"),
        None => format!("{t}, no owner"),
    }
}

fn write_text<W: Write>(
    out: &mut W,
    d: &FileDiff,
    ctx: &Ctx,
    file: &str,
    base: &str,
    head: &str,
) -> Result<()> {
    let p = ctx.paint;
    writeln!(
        out,
        "{}",
        p.bold(&format!(
            "{file}: {base} → {head}: {} added, {} removed, {} changed",
            d.added.len(),
            d.removed.len(),
            d.changed.len()
        ))
    )?;
    for a in &d.added {
        writeln!(out, "{} {} ({})", p.green("+"), a.flag, describe(a))?;
    }
    for r in &d.removed {
        writeln!(out, "{} {} ({})", p.error("-"), r.flag, describe(r))?;
    }
    for c in &d.changed {
        writeln!(out, "{} {}", p.warning("~"), c.flag)?;
        for f in &c.fields {
            writeln!(out, "    {}: {} → {}", f.field, show(&f.old), show(&f.new))?;
        }
        for w in &c.warnings {
            writeln!(out, "    {}: {w}", p.warning("warning"))?;
        }
    }
    Ok(())
}

/// A Markdown summary for a pull-request comment.
pub fn markdown_report(d: &FileDiff, base: &str, head: &str) -> String {
    let mut s = format!("### Flag changes: `{base}` → {head}\n\n");
    if d.added.is_empty() && d.removed.is_empty() && d.changed.is_empty() {
        s.push_str("No flag changed.\n");
        return s;
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    for a in &d.added {
        rows.push(vec![format!("`{}`", a.flag), "added".into(), describe(a)]);
    }
    for r in &d.removed {
        rows.push(vec![format!("`{}`", r.flag), "removed".into(), describe(r)]);
    }
    for c in &d.changed {
        let fields: Vec<String> = c
            .fields
            .iter()
            .map(|f| format!("`{}`: {} → {}", f.field, show(&f.old), show(&f.new)))
            .collect();
        rows.push(vec![
            format!("`{}`", c.flag),
            "changed".into(),
            fields.join("<br>"),
        ]);
    }
    s.push_str(&markdown::table(&["flag", "change", "details"], &rows));
    let warnings: Vec<String> = d
        .changed
        .iter()
        .flat_map(|c| {
            c.warnings
                .iter()
                .map(move |w| format!("- `{}`: {w}\n", c.flag))
        })
        .collect();
    if !warnings.is_empty() {
        s.push_str("\n**Re-bucketing warnings**\n\n");
        s.extend(warnings);
    }
    s
}
