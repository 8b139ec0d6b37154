//! `flagctl history FLAG`: every commit that changed a flag, newest first, with the
//! fields it changed, following renames of flags.yaml.

use super::{Ctx, stdout};
use crate::Outcome;
use crate::changes::{self, FieldChange, RawFile};
use crate::cli::{Format, HistoryArgs};
use crate::error::{Error, Result};
use crate::git::{Change, Repo};
use crate::model::Loaded;
use crate::report::Pos;
use crate::report::{self, JSON_VERSION, markdown};
use crate::suggest::did_you_mean;
use serde::Serialize;
use serde_json::json;
use std::io::Write;

/// One line of a flag's history.
#[derive(Debug, Serialize)]
pub struct Entry {
    /// Full commit id (`null` for uncommitted changes in the work tree).
    pub sha: Option<String>,
    /// Abbreviated commit id.
    pub short: Option<String>,
    /// Commit date.
    pub date: Option<chrono::NaiveDate>,
    /// Author name.
    pub author: Option<String>,
    /// Author email.
    pub email: Option<String>,
    /// First line of the commit message.
    pub summary: String,
    /// The file's path in that commit.
    pub path: String,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    /// Fields changed, old → new (empty for `added` and `removed`).
    pub fields: Vec<FieldChange>,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: &HistoryArgs) -> Result<Outcome> {
    let format = ctx.format("history", &[Format::Text, Format::Json, Format::Markdown])?;
    let loaded = ctx.load()?;
    let (repo, rel) = Repo::locate(&loaded.path)?;
    let start = ctx.global.rev.as_deref();
    let history = repo.history(start, &rel)?;
    let key = args.flag.as_str();
    let mut entries: Vec<Entry> = Vec::new();
    // Uncommitted edits of the work tree come first, as the newest change.
    if start.is_none() {
        let working = working_flags(&loaded)?;
        let now = working.get(key);
        let latest = history.flag(key).and_then(|h| h.latest.as_ref());
        let uncommitted = match (latest, now) {
            (None, Some(_)) => Some(("added", Vec::new())),
            (Some(_), None) => Some(("removed", Vec::new())),
            (Some(a), Some(b)) => {
                let fields = changes::diff_flag(a, b);
                (!fields.is_empty()).then_some(("changed", fields))
            }
            (None, None) => None,
        };
        if let Some((change, fields)) = uncommitted {
            entries.push(Entry {
                sha: None,
                short: None,
                date: None,
                author: None,
                email: None,
                summary: "uncommitted changes in the work tree".into(),
                path: rel.clone(),
                change,
                fields,
            });
        }
    }
    if let Some(h) = history.flag(key) {
        for ev in h.events.iter().rev() {
            let Some(c) = history.commit(ev.commit) else {
                continue;
            };
            let (change, fields) = match &ev.change {
                Change::Added => ("added", Vec::new()),
                Change::Removed => ("removed", Vec::new()),
                Change::Changed { fields } => ("changed", fields.clone()),
            };
            entries.push(Entry {
                sha: Some(c.sha.clone()),
                short: Some(c.short.clone()),
                date: Some(c.date),
                author: Some(c.author.clone()),
                email: Some(c.email.clone()),
                summary: c.summary.clone(),
                path: c.path.clone(),
                change,
                fields,
            });
        }
    }
    if entries.is_empty() {
        let mut keys: Vec<&str> = history.flags.keys().map(String::as_str).collect();
        keys.extend(loaded.file.flags.iter().map(|f| f.key.as_str()));
        keys.sort_unstable();
        keys.dedup();
        return Err(Error::Usage(format!(
            "flag `{key}` never appeared in {}{}",
            loaded.display,
            did_you_mean(key, keys.into_iter())
        )));
    }
    let mut out = stdout();
    match format {
        Format::Json => report::write_json(
            &mut out,
            &json!({
                "version": JSON_VERSION,
                "flag": key,
                "file": loaded.display,
                "commits": entries,
            }),
        )?,
        Format::Markdown => {
            let rows: Vec<Vec<String>> = entries
                .iter()
                .map(|e| {
                    vec![
                        e.date.map_or("-".into(), |d| d.to_string()),
                        e.short.clone().map_or("-".into(), |s| format!("`{s}`")),
                        e.author.clone().unwrap_or_else(|| "-".into()),
                        e.summary.clone(),
                        what(e).join("<br>"),
                    ]
                })
                .collect();
            write!(
                out,
                "{}",
                markdown::table(&["date", "commit", "author", "summary", "changes"], &rows)
            )?;
        }
        _ => {
            let p = ctx.paint;
            if !ctx.global.quiet {
                let n = entries.len();
                writeln!(
                    out,
                    "{}\n",
                    p.bold(&format!(
                        "{key} in {}: {n} change{}, newest first",
                        loaded.display,
                        if n == 1 { "" } else { "s" }
                    ))
                )?;
            }
            for (i, e) in entries.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                let head = match (&e.date, &e.short, &e.author) {
                    (Some(d), Some(s), Some(a)) => {
                        format!("{d}  {}  {}  {}", p.warning(s), p.bold(a), e.summary)
                    }
                    _ => p.warning(&e.summary),
                };
                writeln!(out, "{head}")?;
                for line in what(e) {
                    writeln!(out, "    {line}")?;
                }
            }
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}

/// The flags of the work-tree file. One that does not parse stops the command (exit
/// 2, naming the file and the place), as `diff` and `stale` do: read as "no flags",
/// it would report every flag as removed in uncommitted changes.
fn working_flags(loaded: &Loaded) -> Result<RawFile> {
    let invalid = |pos: Pos, message: String| Error::Invalid {
        file: loaded.display.clone(),
        line: pos.line,
        column: pos.column,
        message,
    };
    // The loader keeps no text for a file it could not take as text (not UTF-8, too
    // large); its diagnostic says why. (An empty text is otherwise an empty file.)
    let unreadable = ["not-utf8", "resource-limit"];
    if loaded.text.is_empty() {
        if let Some(d) = loaded
            .diagnostics
            .iter()
            .find(|d| unreadable.contains(&d.code))
        {
            return Err(invalid(Pos::new(d.line, d.column), d.message.clone()));
        }
    }
    RawFile::parse(&loaded.text).map_err(|e| invalid(e.pos, e.message))
}

/// The change as lines: `added`, `removed`, or `field: old → new` per field.
fn what(e: &Entry) -> Vec<String> {
    if e.fields.is_empty() {
        return vec![e.change.to_string()];
    }
    e.fields
        .iter()
        .map(|f| {
            format!(
                "{}: {} → {}",
                f.field,
                super::diff::show(&f.old),
                super::diff::show(&f.new)
            )
        })
        .collect()
}
