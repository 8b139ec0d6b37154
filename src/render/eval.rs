//! `eval`: a table of results, then (with `--explain`) the steps of each.

use super::table::Table;
use super::{Printer, Report, markdown};
use crate::eval::request::{Evaluation, Explained};
use crate::eval::stream::Rollout;
use crate::eval::{EvalResult, Step};
use crate::text::value;
use std::io::{self, Write};

const HEADER: [&str; 6] = ["flag", "value", "variant", "reason", "rule", "bucket"];

/// `REASON`, or `ERROR (CODE)`.
pub fn reason(r: &EvalResult) -> String {
    match r.error_code {
        Some(code) => format!("{} ({})", r.reason, code.as_str()),
        None => r.reason.to_string(),
    }
}

fn cells(e: &Explained) -> Vec<String> {
    let r = &e.result;
    vec![
        r.flag.to_string(),
        value(r.value),
        r.variant.unwrap_or("-").to_string(),
        reason(r),
        r.rule.unwrap_or("-").to_string(),
        r.bucket.map_or("-".into(), |b| b.to_string()),
    ]
}

/// One `--explain` block: the result, then each step on its own line.
pub fn write_trace(out: &mut dyn Write, r: &EvalResult, steps: &[Step]) -> io::Result<()> {
    writeln!(out, "{} → {} ({})", r.flag, value(r.value), reason(r))?;
    for s in steps {
        writeln!(out, "  {}. {}", s.step, s.text)?;
    }
    Ok(())
}

fn write_traces(out: &mut dyn Write, e: &Evaluation) -> io::Result<()> {
    for r in &e.results {
        if let Some(steps) = &r.explain {
            writeln!(out)?;
            write_trace(out, &r.result, steps)?;
        }
    }
    Ok(())
}

impl Report for Evaluation<'_> {
    fn command(&self) -> &'static str {
        "eval"
    }

    fn human(&self, out: &mut dyn Write, p: &Printer) -> io::Result<()> {
        if !self.results.is_empty() {
            let mut t = Table::new(&HEADER).right(&[5]);
            for r in &self.results {
                t.row(cells(r));
            }
            t.write(out, p)?;
        }
        write_traces(out, self)
    }

    fn markdown(&self, out: &mut dyn Write, _p: &Printer) -> io::Result<()> {
        let rows: Vec<Vec<String>> = self.results.iter().map(cells).collect();
        out.write_all(markdown::table(&HEADER, &rows).as_bytes())?;
        write_traces(out, self)
    }
}

/// The rollout lines under the summary table: configured versus observed.
fn rollout_notes(r: &Rollout) -> Vec<String> {
    r.flags
        .iter()
        .filter_map(|f| {
            let s = f.rollout.as_ref()?;
            let mut line = format!(
                "{}: rollout {}% configured, {:.2}% observed ({} of {} contexts bucketed by {})",
                f.flag, s.configured, s.observed, s.in_rollout, s.bucketed, s.bucket_by
            );
            if s.missing_key > 0 {
                line.push_str(&format!(
                    "; {} without {} got the off value",
                    s.missing_key, s.bucket_by
                ));
            }
            Some(line)
        })
        .collect()
}

const SUMMARY_HEADER: [&str; 6] = [
    "flag",
    "value",
    "variant",
    "contexts",
    "share",
    "configured",
];

fn summary_rows(r: &Rollout) -> Vec<Vec<String>> {
    r.flags
        .iter()
        .flat_map(|f| {
            f.values.iter().map(move |v| {
                vec![
                    f.flag.to_string(),
                    value(v.value),
                    v.variant.unwrap_or("-").to_string(),
                    v.count.to_string(),
                    format!("{:.2}%", v.share),
                    v.configured.map_or("-".into(), |w| format!("{w:.2}%")),
                ]
            })
        })
        .collect()
}

impl Report for Rollout<'_> {
    fn command(&self) -> &'static str {
        "eval"
    }

    fn human(&self, out: &mut dyn Write, p: &Printer) -> io::Result<()> {
        let mut t = Table::new(&SUMMARY_HEADER).right(&[3, 4, 5]);
        for row in summary_rows(self) {
            t.row(row);
        }
        t.write(out, p)?;
        for n in rollout_notes(self) {
            writeln!(out, "{n}")?;
        }
        if !p.quiet {
            let skipped = match self.skipped {
                0 => String::new(),
                n => format!(", {n} malformed lines skipped"),
            };
            writeln!(out, "{} contexts{skipped}", self.contexts)?;
        }
        Ok(())
    }

    fn markdown(&self, out: &mut dyn Write, _p: &Printer) -> io::Result<()> {
        out.write_all(markdown::table(&SUMMARY_HEADER, &summary_rows(self)).as_bytes())?;
        let notes = rollout_notes(self);
        if !notes.is_empty() {
            writeln!(out)?;
        }
        for n in notes {
            writeln!(out, "- {}", markdown::text(&n))?;
        }
        Ok(())
    }
}
