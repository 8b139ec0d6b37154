//! `stale`: findings grouped by owner, as tables or Markdown.

use super::table::Table;
use super::{Printer, Report, markdown};
use crate::diag::Severity;
use crate::lifecycle::{Finding, Stale};
use crate::text::plural;
use std::collections::BTreeMap;
use std::io::{self, Write};

const HEADER: [&str; 5] = ["flag", "finding", "where", "details", "action"];

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

fn summary(s: &Stale) -> String {
    let errors = s
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    format!(
        "{} in {} ({}, {})",
        plural(s.findings.len(), "finding"),
        s.file,
        plural(errors, "error"),
        plural(s.findings.len() - errors, "warning")
    )
}

impl Report for Stale {
    fn command(&self) -> &'static str {
        "stale"
    }

    fn today(&self) -> Option<chrono::NaiveDate> {
        Some(self.today)
    }

    fn human(&self, out: &mut dyn Write, p: &Printer) -> io::Result<()> {
        if self.findings.is_empty() {
            if !p.quiet {
                let line = format!("no stale flags in {}", self.file);
                writeln!(out, "{}", p.paint.green(&line))?;
            }
            return Ok(());
        }
        for (i, (owner, group)) in by_owner(&self.findings).into_iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            writeln!(out, "{}", p.paint.bold(&owner))?;
            let style = |r: usize, c: usize, text: &str| match (c, group[r].severity) {
                (1, Severity::Error) => p.paint.error(text),
                (1, Severity::Warning) => p.paint.warning(text),
                _ => text.to_string(),
            };
            // Long messages wrap rather than make the table wider than the terminal.
            let mut t = Table::new(&HEADER).prose(&[3, 4]).style(style);
            for f in &group {
                t.row(vec![
                    f.flag.clone(),
                    f.kind.to_string(),
                    location(f),
                    f.message.clone(),
                    f.action.clone(),
                ]);
            }
            t.write(out, p)?;
        }
        if !p.quiet {
            writeln!(out, "\n{}", summary(self))?;
        }
        Ok(())
    }

    fn markdown(&self, out: &mut dyn Write, _p: &Printer) -> io::Result<()> {
        if self.findings.is_empty() {
            return writeln!(out, "No stale flags.");
        }
        for (owner, group) in by_owner(&self.findings) {
            writeln!(out, "## {}\n", markdown::text(&owner))?;
            let rows: Vec<Vec<String>> = group
                .iter()
                .map(|f| {
                    vec![
                        markdown::code(&f.flag),
                        f.kind.to_string(),
                        markdown::code(&location(f)),
                        f.message.clone(),
                        f.action.clone(),
                    ]
                })
                .collect();
            out.write_all(markdown::table(&HEADER, &rows).as_bytes())?;
            writeln!(out)?;
        }
        Ok(())
    }
}
