//! The audit report: a terminal summary with a table per owner, Markdown for issues
//! and pull requests (fitted to a comment's size), and a self-contained HTML page.

pub mod fit;
pub mod html;
pub mod markdown;

use super::table::Table;
use super::{Printer, Report};
use crate::audit::{Added, Audit, Candidate, Change, Keep, Plan};
use crate::text::{plural, value};
use std::collections::BTreeMap;
use std::io::{self, Write};

impl Report for Audit {
    fn command(&self) -> &'static str {
        "audit"
    }

    fn today(&self) -> Option<chrono::NaiveDate> {
        Some(self.today)
    }

    fn human(&self, out: &mut dyn Write, p: &Printer) -> io::Result<()> {
        write_summary(out, self, p)?;
        for section in &self.owners {
            writeln!(out)?;
            writeln!(out, "{}", p.paint.bold(&section.owner))?;
            let mut header = vec!["flag", "type", "age", "expires", "state", "refs"];
            if self.usage_window.is_some() {
                header.push("last evaluated");
            }
            header.push("findings");
            let last = header.len() - 1;
            let mut t = Table::new(&header).right(&[5]).prose(&[last]);
            for f in &section.flags {
                let findings: Vec<&str> = f.findings.iter().map(|x| x.kind.as_str()).collect();
                let mut row = vec![
                    f.flag.clone(),
                    f.flag_type.map_or("-".into(), |t| t.to_string()),
                    f.age_days.map_or("-".into(), |d| format!("{d}d")),
                    f.expires.map_or("-".into(), |d| d.to_string()),
                    f.state.to_string(),
                    f.references.to_string(),
                ];
                if self.usage_window.is_some() {
                    row.push(last_evaluated(f));
                }
                row.push(if findings.is_empty() {
                    "-".into()
                } else {
                    findings.join(", ")
                });
                t.row(row);
            }
            t.write(out, p)?;
            for f in &section.flags {
                let Some(plan) = &f.plan else { continue };
                writeln!(
                    out,
                    "  {} {}: {}",
                    p.paint.warning("cleanup"),
                    f.flag,
                    plan.action
                )?;
                if let Some(keep) = keep_text(plan) {
                    writeln!(out, "    keep: {keep}")?;
                }
                for e in plan.lines() {
                    let at = p.paint.magenta(&e.display());
                    writeln!(out, "    {at}  {} ({})", e.text, e.role.as_str())?;
                }
                match &plan.cleanup_command {
                    Some(c) => writeln!(out, "    automatic: {c}")?,
                    None => writeln!(out, "    then: {}", plan.remove_command)?,
                }
            }
        }
        if !self.undefined.is_empty() {
            writeln!(out)?;
            writeln!(out, "{}", p.paint.error("referenced but not defined"))?;
            for u in crate::audit::per_line(&self.undefined) {
                let at = p.paint.magenta(&u.display());
                writeln!(out, "  {}  {at}  {}", u.flag, u.text)?;
            }
        }
        Ok(())
    }

    fn markdown(&self, out: &mut dyn Write, _p: &Printer) -> io::Result<()> {
        out.write_all(markdown::render(self, markdown::MAX_CHARS).as_bytes())
    }

    fn html(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(html::render(self).as_bytes())
    }
}

/// The summary lines at the top of the terminal report.
fn write_summary(out: &mut dyn Write, audit: &Audit, p: &Printer) -> io::Result<()> {
    let s = &audit.summary;
    let title = format!("Feature flag audit — {}", audit.today);
    writeln!(out, "{}", p.paint.bold(&title))?;
    writeln!(
        out,
        "{} in {}, health {}%",
        plural(s.flags, "flag"),
        audit.file,
        s.health
    )?;
    let join = |m: &BTreeMap<String, usize>| {
        m.iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(out, "by type: {}", join(&s.by_type))?;
    writeln!(out, "by state: {}", join(&s.by_state))?;
    let findings = if s.findings.is_empty() {
        "none".into()
    } else {
        join(&s.findings)
    };
    writeln!(out, "findings: {findings}")?;
    let added = match audit.added() {
        Added::Unknown => changes(None),
        Added::Adopted { on, flags } => {
            format!(
                "{} ({} was added on {on})",
                plural(flags, "flag"),
                audit.file
            )
        }
        Added::Flags(list) => changes(Some(list)),
    };
    writeln!(out, "added in the last 30 days: {added}")?;
    writeln!(
        out,
        "removed in the last 30 days: {}",
        changes(s.removed_last_30_days.as_deref())
    )?;
    if let Some(reason) = &audit.history_unavailable {
        let line = format!("git history unavailable: {reason}");
        writeln!(out, "{}", p.paint.dim(&line))?;
    }
    Ok(())
}

/// Longest code line quoted in a plan, in characters.
pub(super) const SNIPPET_CHARS: usize = 120;

/// A code line as quoted in a plan: a very long one (minified code) is cut, and the
/// flag says so.
pub(super) fn clip(line: &str) -> (&str, bool) {
    match line.char_indices().nth(SNIPPET_CHARS) {
        Some((end, _)) => (&line[..end], true),
        None => (line, false),
    }
}

/// How many lines of code a cleanup plan edits, in words.
pub(super) fn places(n: usize) -> String {
    match n {
        0 => "no code to edit".into(),
        n => format!("{} to edit", plural(n, "place")),
    }
}

/// Flag changes in a summary line; `None`: no history to tell.
fn changes(list: Option<&[Change]>) -> String {
    match list {
        None => "unknown (no history)".into(),
        Some([]) => "none".into(),
        Some(v) => v
            .iter()
            .map(|c| c.flag.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The last evaluation of a flag in the usage data, as a date.
pub(super) fn last_evaluated(f: &crate::audit::FlagEntry) -> String {
    match f.usage.as_ref().map(|u| u.last_evaluated) {
        Some(Some(t)) => t.date_naive().to_string(),
        Some(None) => "never".into(),
        None => "-".into(),
    }
}

/// A served value with its variant: `v2 (variant treatment)`.
fn candidate(c: &Candidate) -> String {
    match &c.variant {
        Some(v) => format!("{} (variant {v})", value(&c.value)),
        None => value(&c.value),
    }
}

/// Which path the cleanup keeps, in words, or who decides among what.
pub(super) fn keep_text(plan: &Plan) -> Option<String> {
    match (plan.keep, &plan.kept) {
        (Some(Keep::On), Some(c)) => Some(format!(
            "the code path taken when the flag is on, which serves {}",
            candidate(c)
        )),
        (Some(Keep::On), None) => Some("the code path taken when the flag is on".into()),
        (Some(Keep::Off), _) => Some("the code path taken when the flag is off".into()),
        (None, _) if !plan.candidates.is_empty() => {
            let list: Vec<String> = plan.candidates.iter().map(candidate).collect();
            Some(format!(
                "not decided by flags.yaml: the owner chooses among {}",
                list.join(", ")
            ))
        }
        (None, _) => None,
    }
}
