//! `diff`: flags added, removed and changed between two versions, as text or as a
//! Markdown summary for a pull-request comment.

use super::{Printer, Report, markdown};
use crate::changes::compare::{FileDiff, Present};
use crate::text::short_value;
use serde_json::Value;
use std::io::{self, Write};

/// A field's value for display: `(unset)` when absent, long values cut.
pub fn field_value(v: &Option<Value>) -> String {
    match v {
        None => "(unset)".into(),
        Some(v) => short_value(v, 60),
    }
}

fn describe(p: &Present) -> String {
    let t = p.flag_type.as_deref().unwrap_or("no type");
    match &p.owner {
        Some(o) => format!("{t}, owner {o}"),
        None => format!("{t}, no owner"),
    }
}

impl Report for FileDiff {
    fn command(&self) -> &'static str {
        "diff"
    }

    fn human(&self, out: &mut dyn Write, p: &Printer) -> io::Result<()> {
        let paint = p.paint;
        let title = format!(
            "{}: {} → {}: {} added, {} removed, {} changed",
            self.file,
            self.base,
            self.head_label(),
            self.added.len(),
            self.removed.len(),
            self.changed.len()
        );
        writeln!(out, "{}", paint.bold(&title))?;
        for a in &self.added {
            writeln!(out, "{} {} ({})", paint.green("+"), a.flag, describe(a))?;
        }
        for r in &self.removed {
            writeln!(out, "{} {} ({})", paint.error("-"), r.flag, describe(r))?;
        }
        for c in &self.changed {
            writeln!(out, "{} {}", paint.warning("~"), c.flag)?;
            for f in &c.fields {
                let (old, new) = (field_value(&f.old), field_value(&f.new));
                writeln!(out, "    {}: {old} → {new}", f.field)?;
            }
            for w in &c.warnings {
                writeln!(out, "    {}: {w}", paint.warning("warning"))?;
            }
        }
        Ok(())
    }

    fn markdown(&self, out: &mut dyn Write, _p: &Printer) -> io::Result<()> {
        writeln!(
            out,
            "### Flag changes: {} → {}\n",
            markdown::code(&self.base),
            self.head_label()
        )?;
        if self.is_empty() {
            return writeln!(out, "No flag changed.");
        }
        let mut rows: Vec<Vec<String>> = Vec::new();
        for a in &self.added {
            rows.push(vec![markdown::code(&a.flag), "added".into(), describe(a)]);
        }
        for r in &self.removed {
            rows.push(vec![markdown::code(&r.flag), "removed".into(), describe(r)]);
        }
        for c in &self.changed {
            let fields: Vec<String> = c
                .fields
                .iter()
                .map(|f| {
                    format!(
                        "{}: {} → {}",
                        markdown::code(&f.field),
                        field_value(&f.old),
                        field_value(&f.new)
                    )
                })
                .collect();
            rows.push(vec![
                markdown::code(&c.flag),
                "changed".into(),
                fields.join("<br>"),
            ]);
        }
        out.write_all(markdown::table(&["flag", "change", "details"], &rows).as_bytes())?;
        let warnings: Vec<String> = self
            .changed
            .iter()
            .flat_map(|c| {
                c.warnings
                    .iter()
                    .map(move |w| format!("- {}: {w}\n", markdown::code(&c.flag)))
            })
            .collect();
        if !warnings.is_empty() {
            writeln!(out, "\n**Re-bucketing warnings**\n")?;
            out.write_all(warnings.concat().as_bytes())?;
        }
        Ok(())
    }
}
