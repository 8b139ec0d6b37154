//! `flagctl list`: the flags with type, owner, dates and state.

use super::{Ctx, stdout};
use crate::Outcome;
use crate::cli::{Format, ListArgs};
use crate::error::Result;
use crate::model::{Flag, FlagsFile};
use crate::render::{self, JSON_VERSION, markdown};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;
use std::io::Write;

/// One row of the listing.
#[derive(Debug, Serialize)]
pub struct Row {
    /// Flag key.
    pub key: String,
    /// Flag type.
    #[serde(rename = "type")]
    pub flag_type: Option<String>,
    /// Owner.
    pub owner: Option<String>,
    /// `created`, when written.
    pub created: Option<NaiveDate>,
    /// `expires`, when written.
    pub expires: Option<NaiveDate>,
    /// Days until `expires` (negative when expired).
    pub days_left: Option<i64>,
    /// on, off, killed, partial N%, targeted.
    pub state: String,
    /// Description.
    pub description: Option<String>,
}

/// Builds the rows for `file`, filtered.
pub fn rows(file: &FlagsFile, args: &ListArgs, today: NaiveDate) -> Vec<Row> {
    file.flags
        .iter()
        .filter(|f| keep(f, args, today))
        .map(|f| Row {
            key: f.key.clone(),
            flag_type: f.kind().map(|t| t.to_string()),
            owner: f.owner.as_ref().map(|o| o.value.clone()),
            created: f.created.as_ref().map(|c| c.value),
            expires: f.expires.as_ref().map(|e| e.value),
            days_left: days_left(f, today),
            state: f.targeting.state().to_string(),
            description: f.description.as_ref().map(|d| d.value.clone()),
        })
        .collect()
}

fn days_left(f: &Flag, today: NaiveDate) -> Option<i64> {
    f.expires.as_ref().map(|e| (e.value - today).num_days())
}

fn keep(f: &Flag, args: &ListArgs, today: NaiveDate) -> bool {
    let left = days_left(f, today);
    args.owner
        .as_ref()
        .is_none_or(|o| f.owner.as_ref().is_some_and(|fo| &fo.value == o))
        && args
            .flag_type
            .as_ref()
            .is_none_or(|t| f.kind().is_some_and(|k| k.as_str() == t))
        && (!args.expired || left.is_some_and(|d| d < 0))
        && args
            .expiring
            .is_none_or(|days| left.is_some_and(|d| d >= 0 && d <= i64::from(days)))
}

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
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    vec![
        r.key.clone(),
        opt(&r.flag_type),
        opt(&r.owner),
        r.created.map_or("-".into(), |d| d.to_string()),
        r.expires.map_or("-".into(), |d| d.to_string()),
        r.days_left.map_or("-".into(), |d| d.to_string()),
        r.state.clone(),
    ]
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: &ListArgs) -> Result<Outcome> {
    let format = ctx.format("list", &[Format::Table, Format::Json, Format::Markdown])?;
    let loaded = ctx.load_valid()?;
    let rows = rows(&loaded.file, args, ctx.today);
    let mut out = stdout();
    match format {
        Format::Json => render::write_json(
            &mut out,
            &json!({ "version": JSON_VERSION, "today": ctx.today, "flags": rows }),
        )?,
        Format::Markdown => {
            let body: Vec<Vec<String>> = rows.iter().map(cells).collect();
            write!(out, "{}", markdown::table(&HEADER, &body))?;
        }
        _ => {
            if rows.is_empty() {
                if !ctx.global.quiet {
                    writeln!(out, "no flags match")?;
                }
            } else {
                let body: Vec<Vec<String>> = rows.iter().map(cells).collect();
                // Days left: red once expired, yellow within two weeks.
                let style = |r: usize, col: usize, text: &str| match (col, rows[r].days_left) {
                    (5, Some(d)) if d < 0 => ctx.paint.error(text),
                    (5, Some(d)) if d <= 14 => ctx.paint.warning(text),
                    _ => text.to_string(),
                };
                crate::render::table::write_rows(&mut out, &HEADER, &body, &[5], ctx.paint, style)?;
            }
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}
