//! `history`: a flag's commits, newest first, with the fields each changed.

use super::diff::field_value;
use super::{Printer, Report, markdown};
use crate::changes::log::{Entry, FlagLog};
use crate::text::plural;
use std::io::{self, Write};

/// The change as lines: `added`, `removed`, or `field: old → new` per field.
fn what(e: &Entry) -> Vec<String> {
    if e.fields.is_empty() {
        return vec![e.change.as_str().to_string()];
    }
    e.fields
        .iter()
        .map(|f| {
            format!(
                "{}: {} → {}",
                f.field,
                field_value(&f.old),
                field_value(&f.new)
            )
        })
        .collect()
}

impl Report for FlagLog {
    fn command(&self) -> &'static str {
        "history"
    }

    fn human(&self, out: &mut dyn Write, p: &Printer) -> io::Result<()> {
        let paint = p.paint;
        if !p.quiet {
            let title = format!(
                "{} in {}: {}, newest first",
                self.flag,
                self.file,
                plural(self.commits.len(), "change")
            );
            writeln!(out, "{}\n", paint.bold(&title))?;
        }
        for (i, e) in self.commits.iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            let head = match (&e.date, &e.short, &e.author) {
                (Some(d), Some(s), Some(a)) => {
                    format!(
                        "{d}  {}  {}  {}",
                        paint.warning(s),
                        paint.bold(a),
                        e.summary
                    )
                }
                _ => paint.warning(&e.summary),
            };
            writeln!(out, "{head}")?;
            for line in what(e) {
                writeln!(out, "    {line}")?;
            }
        }
        Ok(())
    }

    fn markdown(&self, out: &mut dyn Write, _p: &Printer) -> io::Result<()> {
        let rows: Vec<Vec<String>> = self
            .commits
            .iter()
            .map(|e| {
                vec![
                    e.date.map_or("-".into(), |d| d.to_string()),
                    e.short.as_deref().map_or("-".into(), markdown::code),
                    e.author.clone().unwrap_or_else(|| "-".into()),
                    e.summary.clone(),
                    what(e).join("<br>"),
                ]
            })
            .collect();
        let header = ["date", "commit", "author", "summary", "changes"];
        out.write_all(markdown::table(&header, &rows).as_bytes())
    }
}
