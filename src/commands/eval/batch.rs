//! `flagctl eval --contexts-file`: reads JSON Lines in large chunks of whole lines,
//! evaluates chunks on every core (one chunk per thread, scoped), and writes the results
//! in input order, so the output is the same whatever the number of threads.

use super::super::{Ctx, stdout};
use super::show_value;
use crate::Outcome;
use crate::cli::{EvalArgs, Format};
use crate::error::{Error, Result};
use crate::eval::batch::{ChunkResult, FlagCounts, KeySet, Mode, process_chunk};
use crate::eval::{Engine, Prepared};
use crate::render::{self, JSON_VERSION, markdown};
use comfy_table::{Cell, CellAlignment};
use serde_json::{Value, json};
use std::io::{Read, Write};

/// Bytes read per chunk: large enough that thread hand-off costs nothing, small enough
/// that memory stays flat.
const CHUNK: usize = 1 << 20;
/// Longest line accepted, so a file without newlines cannot exhaust memory.
const MAX_LINE: usize = 16 << 20;
/// How many skipped lines are reported one by one with `--keep-going`.
const SHOW_SKIPPED: usize = 20;

/// Whole lines, and the number of the first.
struct Chunk {
    bytes: Vec<u8>,
    first_line: u64,
}

/// Splits a stream into chunks that end at a newline.
struct ChunkReader<R> {
    reader: R,
    /// Bytes to read per chunk (at least; a chunk always ends at a newline).
    size: usize,
    carry: Vec<u8>,
    next_line: u64,
    eof: bool,
}

impl<R: Read> ChunkReader<R> {
    fn next_chunk(&mut self) -> std::io::Result<Option<Chunk>> {
        let mut buf = std::mem::take(&mut self.carry);
        let mut target = self.size;
        loop {
            while buf.len() < target && !self.eof {
                let old = buf.len();
                buf.resize(target, 0);
                let n = loop {
                    match self.reader.read(&mut buf[old..]) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    }
                };
                buf.truncate(old + n);
                self.eof = n == 0;
            }
            if self.eof {
                if buf.is_empty() {
                    return Ok(None);
                }
                return Ok(Some(self.take(buf)));
            }
            if let Some(last) = buf.iter().rposition(|&b| b == b'\n') {
                self.carry = buf[last + 1..].to_vec();
                buf.truncate(last + 1);
                return Ok(Some(self.take(buf)));
            }
            if buf.len() >= MAX_LINE {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "line {} is longer than {} MiB; is this a JSON Lines file?",
                        self.next_line,
                        MAX_LINE >> 20
                    ),
                ));
            }
            target = buf.len() + self.size;
        }
    }

    fn take(&mut self, bytes: Vec<u8>) -> Chunk {
        let first_line = self.next_line;
        self.next_line += bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        Chunk { bytes, first_line }
    }
}

/// Runs batch evaluation.
pub(super) fn run(
    ctx: &Ctx,
    args: &EvalArgs,
    engine: &Engine,
    prepared: &[Prepared],
) -> Result<Outcome> {
    let supported: &[Format] = if args.summary {
        &[Format::Table, Format::Json, Format::Markdown]
    } else {
        &[Format::Jsonl, Format::Json]
    };
    let format = ctx.format("eval --contexts-file", supported)?;
    let mode = match format {
        _ if args.summary => Mode::Summary,
        Format::Json => Mode::JsonArray,
        _ => Mode::Jsonl,
    };
    let path = args.contexts_file.as_deref().unwrap_or("-".as_ref());
    let (display, input): (String, Box<dyn Read>) = if path.as_os_str() == "-" {
        ("<stdin>".into(), Box::new(std::io::stdin().lock()))
    } else {
        let file = std::fs::File::open(path).map_err(|e| Error::read(path, e))?;
        (path.to_string_lossy().into_owned(), Box::new(file))
    };
    // Output grows with lines times flags: shrink chunks when many flags are evaluated
    // so that memory stays bounded (a 10,000-flag file gives chunks of a few lines).
    let size = match mode {
        Mode::Summary => CHUNK,
        _ => (CHUNK / prepared.len().max(1)).max(256),
    };
    let mut reader = ChunkReader {
        reader: input,
        size,
        carry: Vec::new(),
        next_line: 1,
        eof: false,
    };
    let keys = KeySet::new(engine.attributes_used(prepared));
    let keys = &keys;
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 8));
    let mut out = stdout();
    let mut totals = Totals {
        counts: vec![FlagCounts::default(); prepared.len()],
        ..Totals::default()
    };
    if mode == Mode::JsonArray {
        out.write_all(b"[")?;
    }
    loop {
        let mut chunks = Vec::with_capacity(workers);
        while chunks.len() < workers {
            match reader.next_chunk().map_err(|e| Error::read(path, e))? {
                Some(c) => chunks.push(c),
                None => break,
            }
        }
        if chunks.is_empty() {
            break;
        }
        let keep_going = args.keep_going;
        let results: Vec<ChunkResult> = std::thread::scope(|s| {
            let work = |c: &Chunk| {
                process_chunk(
                    engine,
                    prepared,
                    keys,
                    &c.bytes,
                    c.first_line,
                    mode,
                    keep_going,
                )
            };
            // A thread the OS refuses is not an error: that chunk is processed here.
            let handles: Vec<_> = chunks[1..]
                .iter()
                .map(|c| {
                    std::thread::Builder::new()
                        .spawn_scoped(s, move || work(c))
                        .map_err(|_| c)
                })
                .collect();
            let mut all = vec![process_chunk(
                engine,
                prepared,
                keys,
                &chunks[0].bytes,
                chunks[0].first_line,
                mode,
                keep_going,
            )];
            // A worker cannot panic short of a bug; if one does, surface it as is.
            all.extend(handles.into_iter().map(|h| match h {
                Ok(h) => h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
                Err(c) => work(c),
            }));
            all
        });
        for r in results {
            if mode == Mode::JsonArray && !r.out.is_empty() && totals.wrote_any {
                out.write_all(b",")?;
            }
            totals.wrote_any |= !r.out.is_empty();
            out.write_all(&r.out)?;
            totals.contexts += r.contexts;
            for bad in &r.skipped {
                if totals.skipped < SHOW_SKIPPED as u64 {
                    let _ = writeln!(
                        std::io::stderr(),
                        "warning: {display}:{}:{}: {}; skipped",
                        bad.line,
                        bad.column,
                        bad.message
                    );
                }
                totals.skipped += 1;
            }
            for (total, c) in totals.counts.iter_mut().zip(r.counts) {
                total.merge(c);
            }
            if let Some(bad) = r.error {
                out.flush()?;
                return Err(Error::Invalid {
                    file: display,
                    line: bad.line.min(u64::from(u32::MAX)) as u32,
                    column: bad.column.min(u64::from(u32::MAX)) as u32,
                    message: format!(
                        "{} (pass --keep-going to skip malformed lines)",
                        bad.message
                    ),
                });
            }
        }
    }
    match mode {
        Mode::JsonArray => out.write_all(if totals.wrote_any { b"\n]\n" } else { b"]\n" })?,
        Mode::Summary => write_summary(&mut out, ctx, format, prepared, &totals)?,
        Mode::Jsonl => {}
    }
    out.flush()?;
    if totals.skipped > 0 {
        let _ = writeln!(
            std::io::stderr(),
            "warning: skipped {} malformed line{} of {display}",
            totals.skipped,
            if totals.skipped == 1 { "" } else { "s" }
        );
    }
    Ok(Outcome::Success)
}

/// Everything accumulated over the chunks.
#[derive(Default)]
struct Totals<'p> {
    counts: Vec<FlagCounts<'p>>,
    contexts: u64,
    skipped: u64,
    wrote_any: bool,
}

/// One row of the summary: a value (and variant) with its count.
struct ValueRow<'p> {
    value: &'p Value,
    variant: Option<&'p str>,
    count: u64,
    /// The variant's share of the total weight, when it is a weighted variant.
    configured: Option<f64>,
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        // Two decimals, so the JSON is stable across platforms.
        (part as f64 * 10_000.0 / whole as f64).round() / 100.0
    }
}

/// Merges equal values served from different places and sorts by count, then text.
fn value_rows<'p>(p: &'p Prepared, c: &FlagCounts<'p>) -> Vec<ValueRow<'p>> {
    let mut rows: Vec<(String, ValueRow)> = Vec::new();
    for &(value, variant, count) in c.served.values() {
        let text = value.to_string();
        match rows
            .iter_mut()
            .find(|(t, r)| *t == text && r.variant == variant)
        {
            Some((_, r)) => r.count += count,
            None => rows.push((
                text,
                ValueRow {
                    value,
                    variant,
                    count,
                    configured: None,
                },
            )),
        }
    }
    let variants = p.targeting.variants.as_deref().unwrap_or(&[]);
    let total_weight: u64 = variants.iter().map(|v| u64::from(v.weight.value)).sum();
    for (_, r) in &mut rows {
        if let Some(v) = r
            .variant
            .and_then(|n| variants.iter().find(|v| v.name == n))
        {
            r.configured = Some(percent(u64::from(v.weight.value), total_weight));
        }
    }
    rows.sort_by(|(ta, a), (tb, b)| {
        b.count
            .cmp(&a.count)
            .then_with(|| ta.cmp(tb))
            .then_with(|| a.variant.cmp(&b.variant))
    });
    rows.into_iter().map(|(_, r)| r).collect()
}

/// The rollout line: configured versus observed, among contexts that reached the
/// rollout step and had a bucketing key.
fn rollout_json(p: &Prepared, c: &FlagCounts) -> Value {
    let configured = p.targeting.rollout_percent();
    if configured >= 100 {
        return Value::Null;
    }
    let bucketed = c.reached_rollout - c.missing_key;
    json!({
        "configured": configured,
        "observed": percent(c.in_rollout, bucketed),
        "bucketed": bucketed,
        "in_rollout": c.in_rollout,
        "missing_key": c.missing_key,
        "bucket_by": p.bucket_attribute(),
    })
}

fn write_summary<W: Write>(
    out: &mut W,
    ctx: &Ctx,
    format: Format,
    prepared: &[Prepared],
    totals: &Totals,
) -> Result<()> {
    let flags: Vec<(&Prepared, &FlagCounts, Vec<ValueRow>)> = prepared
        .iter()
        .zip(&totals.counts)
        .map(|(p, c)| (p, c, value_rows(p, c)))
        .collect();
    if format == Format::Json {
        let list: Vec<Value> = flags
            .iter()
            .map(|(p, c, rows)| {
                let mut reasons: Vec<(&str, u64)> =
                    c.reasons.iter().map(|(r, n)| (r.as_str(), *n)).collect();
                reasons.sort();
                json!({
                    "flag": p.flag.key,
                    "contexts": c.total,
                    "rollout": rollout_json(p, c),
                    "values": rows.iter().map(|r| json!({
                        "value": r.value,
                        "variant": r.variant,
                        "count": r.count,
                        "share": percent(r.count, c.total),
                        "configured": r.configured,
                    })).collect::<Vec<_>>(),
                    "reasons": reasons
                        .into_iter()
                        .map(|(r, n)| (r.to_string(), Value::from(n)))
                        .collect::<serde_json::Map<String, Value>>(),
                })
            })
            .collect();
        let doc = json!({
            "version": JSON_VERSION,
            "contexts": totals.contexts,
            "skipped": totals.skipped,
            "flags": list,
        });
        render::write_json(out, &doc)?;
        return Ok(());
    }
    let header = [
        "flag",
        "value",
        "variant",
        "contexts",
        "share",
        "configured",
    ];
    let mut body: Vec<Vec<String>> = Vec::new();
    for (p, c, rows) in &flags {
        for r in rows {
            body.push(vec![
                p.flag.key.clone(),
                show_value(r.value),
                r.variant.unwrap_or("-").to_string(),
                r.count.to_string(),
                format!("{:.2}%", percent(r.count, c.total)),
                r.configured.map_or("-".into(), |w| format!("{w:.2}%")),
            ]);
        }
    }
    let mut notes = Vec::new();
    for (p, c, _) in &flags {
        let configured = p.targeting.rollout_percent();
        if configured >= 100 {
            continue;
        }
        let bucketed = c.reached_rollout - c.missing_key;
        let mut line = format!(
            "{}: rollout {configured}% configured, {:.2}% observed ({} of {} contexts bucketed by {})",
            p.flag.key,
            percent(c.in_rollout, bucketed),
            c.in_rollout,
            bucketed,
            p.bucket_attribute()
        );
        if c.missing_key > 0 {
            line.push_str(&format!(
                "; {} without {} got the off value",
                c.missing_key,
                p.bucket_attribute()
            ));
        }
        notes.push(line);
    }
    if format == Format::Markdown {
        write!(out, "{}", markdown::table(&header, &body))?;
        if !notes.is_empty() {
            writeln!(out)?;
        }
        for n in &notes {
            writeln!(out, "- {}", markdown::cell(n))?;
        }
    } else {
        let mut t = crate::render::table::new(header, ctx.paint);
        for row in body {
            t.add_row(row.into_iter().enumerate().map(|(i, s)| {
                let cell = Cell::new(s);
                if i >= 3 {
                    cell.set_alignment(CellAlignment::Right)
                } else {
                    cell
                }
            }));
        }
        writeln!(out, "{t}")?;
        for n in &notes {
            writeln!(out, "{n}")?;
        }
        if !ctx.global.quiet {
            writeln!(
                out,
                "{} contexts{}",
                totals.contexts,
                if totals.skipped > 0 {
                    format!(", {} malformed lines skipped", totals.skipped)
                } else {
                    String::new()
                }
            )?;
        }
    }
    Ok(())
}
