//! `scan`: one line per reference (with `-C N` context), a summary table per flag, CSV,
//! and the lines about what was scanned and skipped that go to stderr.

use super::table::Table;
use super::text::escape;
use super::{Printer, Report};
use crate::model::FlagsFile;
use crate::scan::{AreaCounts, Context, Reference, ScanResult, Skipped, shown_path};
use crate::text::plural;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::io::{self, Write};

/// A scan as `flagctl scan` shows it: the result (its JSON), and for `--summary` the
/// flags file whose flags are listed with their owners.
#[derive(Debug, Serialize)]
pub struct ScanView<'a> {
    /// What the scan found.
    #[serde(flatten)]
    pub result: &'a ScanResult,
    /// The flags scanned for.
    #[serde(skip)]
    pub file: &'a FlagsFile,
    /// Show the table of references per flag instead of one line per reference.
    #[serde(skip)]
    pub summary: bool,
}

impl Report for ScanView<'_> {
    fn command(&self) -> &'static str {
        "scan"
    }

    fn human(&self, out: &mut dyn Write, p: &Printer) -> io::Result<()> {
        if self.summary {
            write_summary(out, self.result, self.file, p)
        } else {
            write_text(out, self.result, p)
        }
    }

    fn csv(&self, out: &mut dyn Write) -> io::Result<()> {
        write_csv(out, self.result).map_err(|e| io::Error::other(e.to_string()))
    }
}

/// `path:line:col: flag (matched)`, and with `-C N` the lines around it.
fn write_text(out: &mut dyn Write, result: &ScanResult, p: &Printer) -> io::Result<()> {
    let paint = p.paint;
    for r in &result.references {
        writeln!(
            out,
            "{}:{}:{}: {} ({}, {})",
            paint.magenta(&escape(&shown_path(&r.root, &r.path))),
            r.line,
            r.column,
            paint.bold(&r.flag),
            paint.green(&escape(&r.matched)),
            r.role.as_str()
        )?;
        if let Some(ctx) = &r.context {
            write_context(out, r, ctx, p)?;
        }
    }
    for u in &result.undefined {
        writeln!(
            out,
            "{}:{}:{}: {} {}",
            paint.magenta(&escape(&shown_path(&u.root, &u.path))),
            u.line,
            u.column,
            paint.error("undefined"),
            paint.bold(&escape(&u.key))
        )?;
    }
    write_nested(out, result, p)
}

/// One line per nested check: the inner check's place, both keys and the outer
/// check's place.
fn write_nested(out: &mut dyn Write, result: &ScanResult, p: &Printer) -> io::Result<()> {
    for n in &result.nested {
        let inner = format!(
            "{}:{}:{}",
            shown_path(&n.inner.root, &n.inner.path),
            n.inner.line,
            n.inner.column
        );
        let outer = format!(
            "{}:{}:{}",
            shown_path(&n.outer.root, &n.outer.path),
            n.outer.line,
            n.outer.column
        );
        writeln!(
            out,
            "{}: {} `{}` is checked inside a branch controlled by `{}` ({})",
            p.paint.magenta(&escape(&inner)),
            p.paint.warning("nested"),
            n.inner.flag,
            n.outer.flag,
            escape(&outer)
        )?;
    }
    Ok(())
}

/// The `-C N` block under a reference: numbered lines, the reference's marked `>`.
fn write_context(out: &mut dyn Write, r: &Reference, ctx: &Context, p: &Printer) -> io::Result<()> {
    let first = r.line.saturating_sub(ctx.before.len() as u64);
    let last = r.line + ctx.after.len() as u64;
    let width = last.to_string().len();
    let lines = ctx
        .before
        .iter()
        .chain(std::iter::once(&r.text))
        .chain(ctx.after.iter());
    for (i, text) in lines.enumerate() {
        let n = first + i as u64;
        let mark = if n == r.line { ">" } else { " " };
        let number = format!("{n:>width$} |");
        writeln!(out, "  {mark} {} {}", p.paint.blue(&number), escape(text))?;
    }
    writeln!(out)
}

/// One flag's line of the summary, gathered from its references.
struct SummaryRow<'a> {
    areas: AreaCounts,
    files: usize,
    first: Option<&'a Reference>,
    last_file: Option<(&'a str, &'a str)>,
}

/// The summary rows of the flags that have references.
fn summary_rows(result: &ScanResult) -> HashMap<&str, SummaryRow<'_>> {
    let mut rows: HashMap<&str, SummaryRow<'_>> = HashMap::new();
    for r in &result.references {
        let row = rows.entry(r.flag.as_str()).or_insert(SummaryRow {
            areas: AreaCounts::default(),
            files: 0,
            first: None,
            last_file: None,
        });
        row.areas.add(r.area);
        // References are sorted by root and path, so a new file shows as a change.
        if row.last_file != Some((r.root.as_str(), r.path.as_str())) {
            row.files += 1;
            row.last_file = Some((&r.root, &r.path));
        }
        row.first.get_or_insert(r);
    }
    rows
}

/// The table of references per flag, unreferenced flags included (file order), then
/// the undefined keys.
fn write_summary(
    out: &mut dyn Write,
    result: &ScanResult,
    file: &FlagsFile,
    p: &Printer,
) -> io::Result<()> {
    let rows = summary_rows(result);
    let unreferenced: HashSet<&str> = result.unreferenced.iter().map(String::as_str).collect();
    let shown: Vec<&str> = file
        .flags
        .iter()
        .map(|f| f.key.as_str())
        .filter(|k| rows.contains_key(k) || unreferenced.contains(k))
        .collect();
    let empty = AreaCounts::default();
    let counts: Vec<(AreaCounts, usize)> = shown
        .iter()
        .map(|k| rows.get(k).map_or((empty, 0), |r| (r.areas, r.files)))
        .collect();
    // No reference from production code: the flag is unreferenced where it matters.
    let style = |r: usize, c: usize, text: &str| match (c, counts.get(r)) {
        (2..=6, Some((a, _))) if a.code == 0 => p.paint.warning(text),
        _ => text.to_string(),
    };
    let header = [
        "flag",
        "owner",
        "references",
        "code",
        "test",
        "docs",
        "files",
        "first location",
    ];
    let mut t = Table::new(&header).right(&[2, 3, 4, 5, 6]).style(style);
    for (key, (areas, files)) in shown.iter().zip(&counts) {
        let owner = file
            .flag(key)
            .and_then(|f| f.owner.as_ref())
            .map_or("-".to_string(), |o| o.value.clone());
        let first = rows
            .get(key)
            .and_then(|r| r.first)
            .map_or("-".to_string(), |r| {
                let at = format!("{}:{}:{}", shown_path(&r.root, &r.path), r.line, r.column);
                escape(&at).into_owned()
            });
        t.row(vec![
            key.to_string(),
            owner,
            (areas.code + areas.test + areas.docs).to_string(),
            areas.code.to_string(),
            areas.test.to_string(),
            areas.docs.to_string(),
            files.to_string(),
            first,
        ]);
    }
    t.write(out, p)?;
    if !result.nested.is_empty() {
        writeln!(out)?;
        write_nested(out, result, p)?;
    }
    write_undefined(out, result, p)
}

/// The keys scan patterns captured that the flags file does not define.
fn write_undefined(out: &mut dyn Write, result: &ScanResult, p: &Printer) -> io::Result<()> {
    if result.undefined.is_empty() {
        return Ok(());
    }
    let title = "undefined keys (captured by a scan pattern, not in the flags file):";
    writeln!(out, "\n{}", p.paint.bold(title))?;
    for u in &result.undefined {
        let at = format!("{}:{}:{}", shown_path(&u.root, &u.path), u.line, u.column);
        writeln!(
            out,
            "  {} at {}",
            p.paint.error(&escape(&u.key)),
            escape(&at)
        )?;
    }
    Ok(())
}

/// One row per reference, then one per undefined key (kind `undefined`, the key in
/// both `flag` and `matched`).
fn write_csv(out: &mut dyn Write, result: &ScanResult) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "flag",
        "root",
        "path",
        "line",
        "column",
        "matched",
        "kind",
        "role",
        "area",
        "text",
        "truncated",
    ])?;
    for r in &result.references {
        w.write_record([
            r.flag.as_str(),
            &r.root,
            &r.path,
            &r.line.to_string(),
            &r.column.to_string(),
            &r.matched,
            r.kind.as_str(),
            r.role.as_str(),
            r.area.as_str(),
            &r.text,
            if r.truncated { "true" } else { "false" },
        ])?;
    }
    for u in &result.undefined {
        w.write_record([
            u.key.as_str(),
            &u.root,
            &u.path,
            &u.line.to_string(),
            &u.column.to_string(),
            &u.key,
            "undefined",
            "check",
            "code",
            &u.text,
            if u.truncated { "true" } else { "false" },
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// The lines for stderr after text and CSV output: what was scanned, what was found,
/// every skip reason with its count, and the files that could not be read.
pub fn stderr_report(result: &ScanResult) -> Vec<String> {
    let s = &result.stats;
    let flags: HashSet<&str> = result.references.iter().map(|r| r.flag.as_str()).collect();
    let searched = flags.len() + result.unreferenced.len();
    let mut lines = vec![format!(
        "scanned {} ({}) in {}: {} to {} of {}{}",
        plural(s.files_scanned, "file"),
        human_bytes(s.bytes_scanned),
        escape(&result.roots.join(", ")),
        plural(result.references.len(), "reference"),
        flags.len(),
        plural(searched, "flag"),
        match result.undefined.len() {
            0 => String::new(),
            n => format!(", {}", plural(n, "undefined key")),
        }
    )];
    // Name a few; the summary table (or JSON) has them all.
    const NAMED: usize = 10;
    match result.unreferenced.len() {
        0 => {}
        n if n <= NAMED => lines.push(format!("unreferenced: {}", result.unreferenced.join(", "))),
        n => lines.push(format!(
            "unreferenced: {} and {} more (see --summary)",
            result.unreferenced[..NAMED].join(", "),
            n - NAMED
        )),
    }
    if s.skipped.total() > 0 {
        lines.push(format!(
            "skipped {}: {}",
            s.skipped.total(),
            skip_reasons(&s.skipped, s.max_filesize).join(", ")
        ));
    }
    lines.extend(result.warnings().iter().map(|w| escape(w).into_owned()));
    lines
}

/// `2 binary`, `1 too large (over 10.0 MiB)`, ... for each non-zero reason.
fn skip_reasons(k: &Skipped, max: u64) -> Vec<String> {
    let too_large = format!("too large (over {})", human_bytes(max));
    [
        (k.binary, "binary", "binary"),
        (k.too_large, too_large.as_str(), too_large.as_str()),
        (k.unreadable, "unreadable", "unreadable"),
        (k.excluded, "excluded", "excluded"),
        (
            k.excluded_dirs,
            "excluded directory",
            "excluded directories",
        ),
        (k.hidden, "hidden", "hidden"),
        (
            k.symlinks,
            "symbolic link (use --follow)",
            "symbolic links (use --follow)",
        ),
        (k.symlink_loops, "symbolic link loop", "symbolic link loops"),
        (k.special, "special file", "special files"),
        (k.flags_file, "flags file", "flags files"),
    ]
    .iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
    .collect()
}

/// `1.5 MiB`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(human_bytes(10 << 20), "10.0 MiB");
        assert_eq!(human_bytes(12), "12 B");
    }
}
