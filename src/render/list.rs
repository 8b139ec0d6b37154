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
    vec![
        r.key.clone(),
        opt(r.flag_type.map(|t| t.to_string())),
        opt(r.owner.clone()),
        opt(r.created.map(|d| d.to_string())),
        opt(r.expires.map(|d| d.to_string())),
        opt(r.days_left.map(|d| d.to_string())),
        r.state.to_string(),
    ]
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
        let mut t = Table::new(&HEADER).right(&[5]).style(style);
        for r in &self.flags {
            t.row(cells(r));
        }
        t.write(out, p)
    }

    fn markdown(&self, out: &mut dyn Write, _p: &Printer) -> io::Result<()> {
        let rows: Vec<Vec<String>> = self.flags.iter().map(cells).collect();
        out.write_all(markdown::table(&HEADER, &rows).as_bytes())
    }
}
