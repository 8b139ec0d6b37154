//! The CSV summary: one row per flag × value × service × day (plus one per count known
//! only within a range of days), in the plain summary format flagctl reads. Reading it
//! back gives the same per-flag figures and daily series; only the window may shrink
//! to the rows' own times (the JSON summary keeps it exactly).

use super::summary::{Series, Usage};
use super::time::rfc3339;
use super::value;
use chrono::{DateTime, NaiveDate, Utc};

/// The header row.
pub const CSV_HEADER: [&str; 7] = [
    "flag",
    "first_evaluated",
    "last_evaluated",
    "count",
    "value",
    "variant",
    "service",
];

/// Writes `usage` as a CSV summary.
pub fn write_csv<W: std::io::Write>(out: W, usage: &Usage) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_HEADER).map_err(csv_err)?;
    for flag in &usage.flags {
        for s in &flag.series {
            for row in rows(s) {
                let value = s.value.as_ref().map(value::to_cell).unwrap_or_default();
                w.write_record([
                    flag.flag.as_str(),
                    &row.0,
                    &row.1,
                    &row.2.to_string(),
                    &value,
                    s.variant.as_deref().unwrap_or_default(),
                    s.service.as_deref().unwrap_or_default(),
                ])
                .map_err(csv_err)?;
            }
        }
    }
    w.flush()
}

/// (first, last, count) per row of one series. A day's row carries the series' exact
/// first (or last) instant on the day it happened, so both survive a round trip; other
/// days are written as plain dates.
fn rows(s: &Series) -> Vec<(String, String, u64)> {
    let at = |t: DateTime<Utc>, day: NaiveDate| {
        if t.date_naive() == day {
            Some(rfc3339(t))
        } else {
            None
        }
    };
    let mut out = Vec::new();
    for d in &s.daily {
        let first = at(s.first_evaluated, d.date);
        let last = at(s.last_evaluated, d.date);
        let (first, last) = match (first, last) {
            (Some(f), Some(l)) => (f, l),
            (Some(f), None) => (f.clone(), f),
            (None, Some(l)) => (l.clone(), l),
            (None, None) => (d.date.to_string(), d.date.to_string()),
        };
        out.push((first, last, d.count));
    }
    for sp in &s.spans {
        out.push((
            rfc3339(sp.first_evaluated),
            rfc3339(sp.last_evaluated),
            sp.count,
        ));
    }
    out
}

fn csv_err(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}
