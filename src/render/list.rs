//! `list`: one row per flag.

use super::table::Table;
use super::{Printer, Report, markdown};
use crate::model::list::{Listing, Row};
use std::io::{self, Write};

const HEADER: [&str; 7] = [
    "flag",
    "type",
    "owner",
    "created",
    "expires",
    "days left",
    "state",
];

fn cells(r: &Row) -> Vec<String> {
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let mut cells = vec![
        r.key.clone(),
        opt(r.flag_type.map(|t| t.to_string())),
        opt(r.owner.clone()),
        opt(r.created.map(|d| d.to_string())),
        opt(r.expires.map(|d| d.to_string())),
        opt(r.days_left.map(|d| d.to_string())),
        r.state.to_string(),
    ];
    if let Some(last) = r.last_evaluated {
        cells.push(last.map_or("not in the data".into(), |t| t.date_naive().to_string()));
    }
    cells
}

/// The header, with the usage column when the rows carry usage data.
fn header(l: &Listing) -> Vec<&'static str> {
    let mut h = HEADER.to_vec();
    if l.flags.iter().any(|r| r.last_evaluated.is_some()) {
        h.push("last evaluated");
    }
    h
}

impl Report for Listing {
    fn command(&self) -> &'static str {
        "list"
    }

    fn today(&self) -> Option<chrono::NaiveDate> {
        Some(self.today)
    }

    fn human(&self, out: &mut dyn Write, p: &Printer) -> io::Result<()> {
        if self.flags.is_empty() {
            if !p.quiet {
                writeln!(out, "no flags match")?;
            }
            return Ok(());
        }
        // Days left: red once expired, yellow within two weeks.
        let style = |r: usize, col: usize, text: &str| match (col, self.flags[r].days_left) {
            (5, Some(d)) if d < 0 => p.paint.error(text),
            (5, Some(d)) if d <= 14 => p.paint.warning(text),
            _ => text.to_string(),
        };
        let mut t = Table::new(&header(self)).right(&[5]).style(style);
        for r in &self.flags {
            t.row(cells(r));
        }
        t.write(out, p)
    }

    fn markdown(&self, out: &mut dyn Write, _p: &Printer) -> io::Result<()> {
        let rows: Vec<Vec<String>> = self.flags.iter().map(cells).collect();
        out.write_all(markdown::table(&header(self), &rows).as_bytes())
    }
}
