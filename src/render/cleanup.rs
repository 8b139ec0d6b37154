//! `cleanup`: per file, the automatic edits and what is left to review, then
//! flags.yaml; or one unified diff of every file.

use super::{Printer, Report, changes};
use crate::cleanup::Edit;
use crate::cleanup::service::Cleanup;
use crate::text::plural;
use std::io::{self, Write};

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

impl Report for Cleanup {
    fn command(&self) -> &'static str {
        "cleanup"
    }

    fn human(&self, out: &mut dyn Write, p: &Printer) -> io::Result<()> {
        let paint = p.paint;
        let plan = &self.plan;
        let verb = if self.dry_run { "would keep" } else { "kept" };
        writeln!(
            out,
            "{} `{}`: {verb} {}",
            paint.bold("cleanup"),
            plan.flag,
            plan.keep
        )?;
        for f in &plan.files {
            let edits = plural(f.edits.len(), "automatic edit");
            writeln!(out, "{}: {edits}", paint.magenta(&f.path))?;
            let mut sorted: Vec<&Edit> = f.edits.iter().collect();
            sorted.sort_by_key(|e| e.line);
            for e in sorted {
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
        if let Some((a, b)) = self.flags_file.removed_lines {
            writeln!(
                out,
                "{}: flag `{}` removed (lines {a}-{b})",
                paint.magenta(&self.flags_file.path),
                plan.flag
            )?;
        }
        Ok(())
    }

    fn diff(&self, out: &mut dyn Write) -> io::Result<()> {
        for f in &self.plan.files {
            out.write_all(changes::unified(&f.path, &f.old, &f.new).as_bytes())?;
        }
        let flags = &self.flags_file;
        out.write_all(changes::unified(&flags.path, &flags.old, &flags.new).as_bytes())
    }
}
