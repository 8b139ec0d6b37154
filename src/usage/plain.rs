//! Plain summaries anyone can produce from their own pipeline: one row per flag (or per
//! flag × value × service × day) with `flag` and `last_evaluated` (a date or an RFC
//! 3339 time), and optionally `first_evaluated`, `count` (default 1), `value`,
//! `variant` and `service`. As CSV with a header row, or as JSON Lines.
//!
//! A row whose first and last evaluation fall on the same day counts on that day;
//! otherwise its count is known only within that range (a span).

use super::acc::{Acc, Obs};
use super::lines::LineParser;
use super::time;
use super::value::{self, Val};
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;
use std::io::Read;

/// The columns a CSV summary must have.
pub(crate) const REQUIRED: [&str; 2] = ["flag", "last_evaluated"];

/// One row, whatever it was read from.
struct Row<'a> {
    flag: &'a str,
    last: &'a str,
    first: Option<&'a str>,
    count: Option<u64>,
    value: Option<&'a Value>,
    variant: Option<&'a str>,
    service: Option<&'a str>,
}

fn add_row(row: &Row<'_>, acc: &mut Acc) -> Result<(), String> {
    if row.flag.is_empty() {
        return Err("empty `flag`".into());
    }
    let last = time::parse_time(row.last).map_err(|e| format!("last_evaluated: {e}"))?;
    let first = match row.first.filter(|f| !f.trim().is_empty()) {
        Some(f) => time::parse_time(f).map_err(|e| format!("first_evaluated: {e}"))?,
        None => last,
    };
    let n = row.count.unwrap_or(1);
    let (kind, text) = value::from_json(row.value);
    let obs = Obs {
        flag: row.flag,
        value: Val::from_key(kind, &text),
        variant: row.variant.filter(|v| !v.is_empty()),
        service: row.service.filter(|s| !s.is_empty()),
    };
    if n == 0 {
        // "Not evaluated" rows still say the data covers those days.
        acc.cover(first.min(last), first.max(last));
    } else {
        acc.add_range(&obs, first, last, n);
    }
    acc.stats.records += 1;
    Ok(())
}

#[derive(Deserialize)]
struct JsonRow<'a> {
    #[serde(borrow)]
    flag: Cow<'a, str>,
    #[serde(borrow)]
    last_evaluated: Cow<'a, str>,
    #[serde(default, borrow)]
    first_evaluated: Option<Cow<'a, str>>,
    #[serde(default)]
    count: Option<u64>,
    #[serde(default)]
    value: Option<Value>,
    #[serde(default, borrow)]
    variant: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    service: Option<Cow<'a, str>>,
}

/// The JSON Lines summary parser.
pub(crate) struct JsonRows;

impl LineParser for JsonRows {
    fn line(&self, line: &[u8], acc: &mut Acc) -> Result<(), String> {
        let r: JsonRow<'_> = serde_json::from_slice(line).map_err(|e| e.to_string())?;
        add_row(
            &Row {
                flag: &r.flag,
                last: &r.last_evaluated,
                first: r.first_evaluated.as_deref(),
                count: r.count,
                value: r.value.as_ref(),
                variant: r.variant.as_deref(),
                service: r.service.as_deref(),
            },
            acc,
        )
    }
}

/// True when a CSV header line names the required columns.
pub(crate) fn is_csv_header(line: &[u8]) -> bool {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        .from_reader(line);
    let mut rec = csv::StringRecord::new();
    matches!(r.read_record(&mut rec), Ok(true))
        && REQUIRED
            .iter()
            .all(|name| rec.iter().any(|h| h.eq_ignore_ascii_case(name)))
}

/// What reading a CSV summary produced.
pub(crate) struct CsvOut {
    pub acc: Acc,
    pub lines: u64,
    pub skipped: super::source::Skipped,
}

/// Reads a CSV summary (header row first). Rows that cannot be read are skipped
/// with their line numbers; only an I/O error stops.
pub(crate) fn read_csv(reader: &mut dyn Read) -> std::io::Result<CsvOut> {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(reader);
    let mut out = CsvOut {
        acc: Acc::default(),
        lines: 0,
        skipped: Default::default(),
    };
    let headers = match r.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(csv_io(e)),
    };
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let cols = [
        col("flag"),
        col("last_evaluated"),
        col("first_evaluated"),
        col("count"),
        col("value"),
        col("variant"),
        col("service"),
    ];
    let mut rec = csv::StringRecord::new();
    loop {
        let line = r.position().line() + 1;
        match r.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let line = rec.position().map_or(line, |p| p.line());
                out.lines = line;
                if let Err(e) = csv_row(&rec, &cols, &mut out.acc) {
                    out.skipped.push(line, || e);
                }
            }
            Err(e) if e.is_io_error() => return Err(csv_io(e)),
            Err(e) => {
                out.lines = line;
                out.skipped.push(line, || e.to_string());
            }
        }
    }
    out.lines = out.lines.max(1);
    Ok(out)
}

fn csv_io(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{other:?}")),
    }
}

fn csv_row(
    rec: &csv::StringRecord,
    cols: &[Option<usize>; 7],
    acc: &mut Acc,
) -> Result<(), String> {
    let cell = |i: usize| cols[i].and_then(|c| rec.get(c)).filter(|s| !s.is_empty());
    let count = match cell(3) {
        Some(c) => Some(
            c.parse::<u64>()
                .map_err(|_| format!("count `{c}` is not a whole number"))?,
        ),
        None => None,
    };
    let value = cell(4).and_then(value::from_cell);
    add_row(
        &Row {
            flag: cell(0).ok_or("no `flag`")?,
            last: cell(1).ok_or("no `last_evaluated`")?,
            first: cell(2),
            count,
            value: value.as_ref(),
            variant: cell(5),
            service: cell(6),
        },
        acc,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_count_per_day_or_as_spans() {
        let text = "flag,last_evaluated,count,value,service,first_evaluated\n\
                    a,2026-03-02,5,true,web,\n\
                    a,2026-03-05T10:00:00Z,7,false,web,2026-03-01\n\
                    b,not-a-date,1,,,\n\
                    c,2026-03-03,,v2,,\n";
        let out = read_csv(&mut text.as_bytes()).unwrap();
        assert_eq!(out.lines, 5);
        assert_eq!(out.skipped.count, 1);
        assert_eq!(out.skipped.lines, vec![4]);
        assert_eq!(out.acc.stats.evaluations, 13);
        let mut spans = 0;
        for f in out.acc.finished() {
            spans += f.series.spans.len();
        }
        assert_eq!(spans, 1, "the row from 03-01 to 03-05 is a span");
    }

    #[test]
    fn headers_need_flag_and_last_evaluated() {
        assert!(is_csv_header(b"flag,last_evaluated,count"));
        assert!(is_csv_header(b"Flag , Last_Evaluated"));
        assert!(!is_csv_header(b"flag,count"));
        assert!(!is_csv_header(b"hello world"));
    }

    #[test]
    fn json_rows_take_typed_values() {
        let mut acc = Acc::default();
        JsonRows
            .line(
                br#"{"flag":"ttl","last_evaluated":"2026-03-01","count":3,"value":300,"extra":1}"#,
                &mut acc,
            )
            .unwrap();
        let f = acc.finished().next().unwrap();
        assert_eq!((f.kind, f.value), (value::Kind::Int, "300"));
        assert!(JsonRows.line(br#"{"flag":"x"}"#, &mut acc).is_err());
    }
}
