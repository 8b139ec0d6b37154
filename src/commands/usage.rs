//! `flagctl usage PATH...`: summarise production usage data. The work is in
//! [`crate::usage`]; this file maps arguments in and renders the typed [`Usage`].

use super::{Ctx, note, stdout};
use crate::Outcome;
use crate::cli::{Format, UsageArgs};
use crate::error::{Error, Result};
use crate::report::Paint;
use crate::usage::{self, FlagUsage, Usage, UsageError, ValueCount};
use std::io::Write;

/// Runs the command.
pub fn run(ctx: &Ctx, args: &UsageArgs) -> Result<Outcome> {
    let format = ctx.format("usage", &[Format::Table, Format::Json, Format::Csv])?;
    let opts = usage::Options {
        threads: args.threads,
    };
    let data = usage::read_paths(&args.paths, &opts).map_err(to_error)?;
    if args.explain_usage {
        // Asked for explicitly, so printed even with --quiet.
        let mut err = std::io::stderr().lock();
        for s in &data.inputs {
            writeln!(err, "{}", usage::explain(s))?;
        }
    }
    for w in usage::warnings(&data, ctx.today) {
        note(ctx, &format!("{}: {w}", ctx.paint.warning("warning")));
    }
    let mut out = stdout();
    match format {
        Format::Json => usage::write_json(&mut out, &data)?,
        Format::Csv => usage::write_csv(&mut out, &data)?,
        _ => write_table(&mut out, &data, ctx.paint, ctx.global.quiet)?,
    }
    out.flush()?;
    Ok(Outcome::Success)
}

fn to_error(e: UsageError) -> Error {
    match e {
        UsageError::Io { path, source } => Error::read(path, source),
        other => Error::Usage(other.to_string()),
    }
}

const HEADER: [&str; 6] = [
    "flag",
    "last evaluated",
    "first evaluated",
    "evaluations",
    "values",
    "services",
];

/// The window line and one row per flag.
fn write_table<W: Write>(
    out: &mut W,
    data: &Usage,
    paint: Paint,
    quiet: bool,
) -> std::io::Result<()> {
    if !quiet {
        match &data.window {
            Some(w) => writeln!(
                out,
                "usage data covers {} to {} ({} day{}): {} evaluations of {} flag{}",
                w.first_day(),
                w.last_day(),
                w.days(),
                if w.days() == 1 { "" } else { "s" },
                data.flags.iter().map(|f| f.count).sum::<u64>(),
                data.flags.len(),
                if data.flags.len() == 1 { "" } else { "s" },
            )?,
            None => writeln!(out, "no flag evaluations found")?,
        }
    }
    if data.flags.is_empty() {
        return Ok(());
    }
    let rows: Vec<Vec<String>> = data.flags.iter().map(cells).collect();
    crate::report::table::write_rows(out, &HEADER, &rows, &[3], paint, |_, _, t| t.to_string())
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
    let p = (n * 100 + total / 2) / total;
    match p {
        0 if n > 0 => 1,
        100 if n < total => 99,
        p => p,
    }
}
