//! `usage`: the window the data covers, then one row per flag; CSV as the plain
//! summary format (which reads back as usage data).

use super::table::Table;
use super::{Printer, Report};
use crate::usage::{FlagUsage, Usage, ValueCount};
use std::io::{self, Write};

const HEADER: [&str; 6] = [
    "flag",
    "last evaluated",
    "first evaluated",
    "evaluations",
    "values",
    "services",
];

impl Report for Usage {
    fn command(&self) -> &'static str {
        "usage"
    }

    fn human(&self, out: &mut dyn Write, p: &Printer) -> io::Result<()> {
        if !p.quiet {
            writeln!(out, "{}", headline(self))?;
        }
        if self.flags.is_empty() {
            return Ok(());
        }
        let mut t = Table::new(&HEADER).right(&[3]).prose(&[4]);
        for f in &self.flags {
            t.row(cells(f));
        }
        t.write(out, p)
    }

    fn csv(&self, out: &mut dyn Write) -> io::Result<()> {
        crate::usage::write_csv(out, self)
    }
}

/// "usage data covers D1 to D2 (N days): E evaluations of F flags".
fn headline(u: &Usage) -> String {
    let s = |n: usize| if n == 1 { "" } else { "s" };
    match &u.window {
        Some(w) => format!(
            "usage data covers {} to {} ({} day{}): {} evaluations of {} flag{}",
            w.first_day(),
            w.last_day(),
            w.days(),
            s(w.days() as usize),
            u.flags.iter().map(|f| f.count).sum::<u64>(),
            u.flags.len(),
            s(u.flags.len()),
        ),
        None => "no flag evaluations found".into(),
    }
}

fn cells(f: &FlagUsage) -> Vec<String> {
    vec![
        f.flag.clone(),
        f.last_evaluated.date_naive().to_string(),
        f.first_evaluated.date_naive().to_string(),
        f.count.to_string(),
        values(f),
        f.services
            .iter()
            .map(|s| s.service.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    ]
}

/// The three most frequent values with their share, then how many more.
fn values(f: &FlagUsage) -> String {
    const SHOWN: usize = 3;
    let mut parts: Vec<String> = f
        .values
        .iter()
        .take(SHOWN)
        .map(|v| format!("{} {}%", label(v), percent(v.count, f.count)))
        .collect();
    if f.values.len() > SHOWN {
        parts.push(format!("+{} more", f.values.len() - SHOWN));
    }
    parts.join(", ")
}

/// A value as JSON, with its variant in parentheses when that says more.
fn label(v: &ValueCount) -> String {
    match (&v.value, &v.variant) {
        _ if v.other_values => "(other values)".into(),
        (Some(value), Some(variant)) if value.as_str() != Some(variant) => {
            format!("{value} ({variant})")
        }
        (Some(value), _) => value.to_string(),
        (None, Some(variant)) => format!("({variant})"),
        (None, None) => "(no value)".into(),
    }
}

/// A share rounded to a whole percent, never shown as 0% or 100% when it is not.
fn percent(n: u64, total: u64) -> u64 {
    if total == 0 {
        return 0;
    }
    match (n * 100 + total / 2) / total {
        0 if n > 0 => 1,
        100 if n < total => 99,
        p => p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_never_round_to_all_or_nothing() {
        assert_eq!(percent(1, 1000), 1);
        assert_eq!(percent(999, 1000), 99);
        assert_eq!(percent(1, 2), 50);
        assert_eq!(percent(0, 0), 0);
    }
}
