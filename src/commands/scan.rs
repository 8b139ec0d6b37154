//! `flagctl scan`: runs the scanner ([`crate::scan`]) over the given roots (default
//! `settings.scan.paths`) and renders its result as text, a summary table, JSON or
//! CSV. Exit 0 whether or not references are found: `check` is the gate.

use super::{Ctx, note, stdout};
use crate::Outcome;
use crate::cli::{Format, ScanArgs};
use crate::error::{Error, Result};
use crate::model::FlagsFile;
use crate::report::{self, Paint};
use crate::scan::shown_path;
use crate::scan::{self, Progress, Reference, Root, ScanOptions, ScanResult, Skipped};
use comfy_table::{Cell, CellAlignment, Color};
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Runs the command.
pub fn run(ctx: &Ctx, args: &ScanArgs) -> Result<Outcome> {
    let format = ctx.format("scan", &[Format::Text, Format::Json, Format::Csv])?;
    if args.summary && format != Format::Text {
        return Err(Error::Usage(format!(
            "--summary prints a table; it cannot be combined with --format {}",
            format.name()
        )));
    }
    let max_filesize = parse_size(&args.max_filesize).ok_or_else(|| {
        Error::Usage(format!(
            "--max-filesize: expected a size such as 10M, 512K or 1048576, got `{}`",
            args.max_filesize
        ))
    })?;
    let loaded = ctx.load_valid()?;
    let mut opts = ScanOptions::for_flags_file(&loaded, &ctx.cwd);
    if !args.paths.is_empty() {
        opts.roots = args
            .paths
            .iter()
            .map(|p| Root::from_arg(p, &ctx.cwd))
            .collect();
    }
    opts.max_filesize = max_filesize;
    opts.follow = args.follow;
    opts.hidden = args.hidden;
    opts.no_ignore = args.no_ignore;
    opts.threads = args.threads;
    opts.context = args.context;
    opts.flag = args.flag.clone();

    let show_progress = !ctx.global.quiet && std::io::stderr().is_terminal();
    let result = if show_progress {
        let progress = Arc::new(Progress::default());
        opts.progress = Some(Arc::clone(&progress));
        with_progress(&progress, || scan::scan(&loaded.file, &opts))?
    } else {
        scan::scan(&loaded.file, &opts)?
    };

    let mut out = stdout();
    match format {
        Format::Json => report::write_json(&mut out, &result)?,
        Format::Csv => write_csv(&mut out, &result)?,
        _ if args.summary => write_summary(&mut out, &result, &loaded.file, ctx.paint)?,
        _ => write_text(&mut out, &result, ctx.paint)?,
    }
    out.flush()?;
    if format != Format::Json {
        for line in stderr_report(&result) {
            note(ctx, &line);
        }
    }
    Ok(Outcome::Success)
}

/// Runs `f` while a thread redraws a one-line progress indicator on stderr (only
/// after half a second, so short scans print nothing), then erases it.
fn with_progress<T: Send>(progress: &Progress, f: impl FnOnce() -> T + Send) -> T {
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        // No progress line if no thread can be had; the scan itself goes on.
        let ticker = std::thread::Builder::new().spawn_scoped(s, || {
            let start = Instant::now();
            let mut drawn = false;
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                if start.elapsed() < Duration::from_millis(500) {
                    continue;
                }
                let files = progress.files.load(Ordering::Relaxed);
                let bytes = progress.bytes.load(Ordering::Relaxed);
                let _ = write!(
                    std::io::stderr(),
                    "\r\x1b[Kscanning: {files} files, {}",
                    human_bytes(bytes)
                );
                drawn = true;
            }
            if drawn {
                let _ = write!(std::io::stderr(), "\r\x1b[K");
            }
        });
        let value = f();
        done.store(true, Ordering::Relaxed);
        if let Ok(ticker) = ticker {
            let _ = ticker.join();
        }
        value
    })
}

/// `10M`, `512k`, `1G`, `2MiB`, `1048576` → bytes.
fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let number: u64 = t[..digits].parse().ok()?;
    let unit = match t[digits..].to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return None,
    };
    number.checked_mul(unit)
}

/// `1.5 MiB`.
fn human_bytes(n: u64) -> String {
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

/// `path:line:col: flag (matched)`, and with `-C N` the lines around it.
fn write_text<W: Write>(out: &mut W, result: &ScanResult, paint: Paint) -> std::io::Result<()> {
    for r in &result.references {
        writeln!(
            out,
            "{}:{}:{}: {} ({})",
            paint.magenta(&shown_path(&r.root, &r.path)),
            r.line,
            r.column,
            paint.bold(&r.flag),
            paint.green(&r.matched)
        )?;
        if let Some(ctx) = &r.context {
            write_context(out, r, ctx, paint)?;
        }
    }
    for u in &result.undefined {
        writeln!(
            out,
            "{}:{}:{}: {} {}",
            paint.magenta(&shown_path(&u.root, &u.path)),
            u.line,
            u.column,
            paint.error("undefined"),
            paint.bold(&u.key)
        )?;
    }
    Ok(())
}

/// The `-C N` block under a reference: numbered lines, the reference's marked `>`.
fn write_context<W: Write>(
    out: &mut W,
    r: &Reference,
    ctx: &scan::Context,
    paint: Paint,
) -> std::io::Result<()> {
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
        writeln!(
            out,
            "  {mark} {} {text}",
            paint.blue(&format!("{n:>width$} |"))
        )?;
    }
    writeln!(out)
}

/// The table of references per flag, unreferenced flags included (file order), then
/// the undefined keys.
fn write_summary<W: Write>(
    out: &mut W,
    result: &ScanResult,
    file: &FlagsFile,
    paint: Paint,
) -> std::io::Result<()> {
    struct Row<'a> {
        refs: usize,
        files: usize,
        first: Option<&'a Reference>,
        last_file: Option<(&'a str, &'a str)>,
    }
    let mut rows: HashMap<&str, Row<'_>> = HashMap::new();
    for r in &result.references {
        let row = rows.entry(r.flag.as_str()).or_insert(Row {
            refs: 0,
            files: 0,
            first: None,
            last_file: None,
        });
        row.refs += 1;
        // References are sorted by root and path, so a new file shows as a change.
        if row.last_file != Some((r.root.as_str(), r.path.as_str())) {
            row.files += 1;
            row.last_file = Some((&r.root, &r.path));
        }
        row.first.get_or_insert(r);
    }
    let mut t = crate::report::table::new(
        ["flag", "owner", "references", "files", "first location"],
        paint,
    );
    let unreferenced: std::collections::HashSet<&str> =
        result.unreferenced.iter().map(String::as_str).collect();
    let shown: Vec<&str> = file
        .flags
        .iter()
        .map(|f| f.key.as_str())
        .filter(|k| rows.contains_key(k) || unreferenced.contains(k))
        .collect();
    for key in shown {
        let owner = file
            .flag(key)
            .and_then(|f| f.owner.as_ref())
            .map_or("-".to_string(), |o| o.value.clone());
        let row = rows.get(key);
        let refs = row.map_or(0, |r| r.refs);
        let count = |n: usize| {
            let c = Cell::new(n).set_alignment(CellAlignment::Right);
            if n == 0 { c.fg(Color::Yellow) } else { c }
        };
        let first = row.and_then(|r| r.first).map_or("-".to_string(), |r| {
            format!("{}:{}:{}", shown_path(&r.root, &r.path), r.line, r.column)
        });
        t.add_row(vec![
            Cell::new(key),
            Cell::new(owner),
            count(refs),
            count(row.map_or(0, |r| r.files)),
            Cell::new(first),
        ]);
    }
    writeln!(out, "{t}")?;
    if !result.undefined.is_empty() {
        writeln!(
            out,
            "\n{}",
            paint.bold("undefined keys (captured by a scan pattern, not in the flags file):")
        )?;
        for u in &result.undefined {
            writeln!(
                out,
                "  {} at {}:{}:{}",
                paint.error(&u.key),
                shown_path(&u.root, &u.path),
                u.line,
                u.column
            )?;
        }
    }
    Ok(())
}

/// One row per reference, then one per undefined key (kind `undefined`, the key in
/// both `flag` and `matched`).
fn write_csv<W: Write>(out: &mut W, result: &ScanResult) -> std::io::Result<()> {
    writeln!(
        out,
        "flag,root,path,line,column,matched,kind,text,truncated"
    )?;
    for r in &result.references {
        writeln!(
            out,
            "{},{},{},{},{},{},{},{},{}",
            csv(&r.flag),
            csv(&r.root),
            csv(&r.path),
            r.line,
            r.column,
            csv(&r.matched),
            r.kind.as_str(),
            csv(&r.text),
            r.truncated
        )?;
    }
    for u in &result.undefined {
        writeln!(
            out,
            "{},{},{},{},{},{},undefined,{},{}",
            csv(&u.key),
            csv(&u.root),
            csv(&u.path),
            u.line,
            u.column,
            csv(&u.key),
            csv(&u.text),
            u.truncated
        )?;
    }
    Ok(())
}

/// RFC 4180 quoting, when needed.
fn csv(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) || field.starts_with(' ') || field.ends_with(' ') {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// The lines printed on stderr after text and CSV output: what was scanned, what was
/// found, every skip reason with its count, and the files that could not be read.
fn stderr_report(result: &ScanResult) -> Vec<String> {
    let s = &result.stats;
    let flags: std::collections::HashSet<&str> =
        result.references.iter().map(|r| r.flag.as_str()).collect();
    let searched = flags.len() + result.unreferenced.len();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut lines = vec![format!(
        "scanned {} ({}) in {}: {} to {} of {} {}{}",
        plural(s.files_scanned as usize, "file", "files"),
        human_bytes(s.bytes_scanned),
        result.roots.join(", "),
        plural(result.references.len(), "reference", "references"),
        flags.len(),
        searched,
        if searched == 1 { "flag" } else { "flags" },
        match result.undefined.len() {
            0 => String::new(),
            n => format!(", {}", plural(n, "undefined key", "undefined keys")),
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
    lines.extend(error_lines(result));
    lines
}

/// One `warning:` line per file that could not be read and per symbolic link loop, so
/// commands that scan as a side job (`stale --scan`, `check --scan`, `remove`) do not
/// drop them silently either.
pub fn error_lines(result: &ScanResult) -> Vec<String> {
    result
        .stats
        .errors
        .iter()
        .map(|e| {
            let what = if e.reason == "symlink_loop" {
                "symbolic link loop at"
            } else {
                "cannot read"
            };
            format!(
                "warning: {what} {}: {}",
                shown_path(&e.root, &e.path),
                e.message
            )
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("10M"), Some(10 << 20));
        assert_eq!(parse_size("512k"), Some(512 << 10));
        assert_eq!(parse_size("2GiB"), Some(2 << 30));
        assert_eq!(parse_size("123"), Some(123));
        assert_eq!(parse_size("ten"), None);
        assert_eq!(parse_size("1T"), None);
        assert_eq!(parse_size("99999999999999999999G"), None);
        assert_eq!(human_bytes(10 << 20), "10.0 MiB");
        assert_eq!(human_bytes(12), "12 B");
    }

    #[test]
    fn csv_quoting() {
        assert_eq!(csv("plain"), "plain");
        assert_eq!(csv("a,b"), "\"a,b\"");
        assert_eq!(csv("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
