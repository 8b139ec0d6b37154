//! Batch evaluation of a JSON Lines stream (`flagctl eval --contexts-file`): reads
//! large chunks of whole lines, evaluates chunks on every core, and writes the results
//! in input order, so the output is the same whatever the number of threads. Memory
//! stays flat: one chunk per thread in flight. With `--summary` the counts become a
//! typed [`Rollout`] report.

use super::batch::{BadLine, FlagCounts, KeySet, Mode, process_chunk};
use super::{Engine, Prepared};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{self, Read, Write};

/// Bytes read per chunk: large enough that thread hand-off costs nothing, small enough
/// that memory stays flat.
const CHUNK: usize = 1 << 20;
/// Longest line accepted, so a file without newlines cannot exhaust memory.
const MAX_LINE: usize = 16 << 20;

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
    fn next_chunk(&mut self) -> io::Result<Option<Chunk>> {
        let mut buf = std::mem::take(&mut self.carry);
        let mut target = self.size;
        loop {
            while buf.len() < target && !self.eof {
                let old = buf.len();
                buf.resize(target, 0);
                let n = loop {
                    match self.reader.read(&mut buf[old..]) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
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
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
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

/// Everything accumulated over the stream.
#[derive(Debug, Default)]
pub struct Totals<'p> {
    /// Per flag, in order (summary mode only).
    pub counts: Vec<FlagCounts<'p>>,
    /// Contexts evaluated.
    pub contexts: u64,
    /// Malformed lines skipped (with `keep_going`).
    pub skipped: u64,
}

/// Why a batch stopped early.
#[derive(Debug)]
pub enum Stop {
    /// Reading the input failed.
    Read(io::Error),
    /// Writing the output failed (a closed pipe, `| head`, is one way).
    Write(io::Error),
    /// A malformed line, without `keep_going`.
    Line(BadLine),
}

/// A batch to run.
pub struct Batch<'a, 'f> {
    /// The engine of the flags file.
    pub engine: &'a Engine<'f>,
    /// The flags to evaluate, prepared.
    pub prepared: &'a [Prepared<'f>],
    /// What to produce.
    pub mode: Mode,
    /// Skip malformed lines instead of stopping.
    pub keep_going: bool,
}

impl<'a, 'f> Batch<'a, 'f> {
    /// Evaluates every line of `input`, writing results to `out` in input order (in
    /// JSON-array mode, joined by commas without the brackets) and calling `skipped`
    /// for each malformed line skipped. Returns the totals so far and, if the batch
    /// stopped early, why.
    pub fn run(
        &self,
        input: impl Read,
        out: &mut dyn Write,
        skipped: &mut dyn FnMut(&BadLine),
    ) -> (Totals<'a>, Option<Stop>) {
        // Output grows with lines times flags: shrink chunks when many flags are
        // evaluated so that memory stays bounded (10,000 flags give chunks of a few lines).
        let size = match self.mode {
            Mode::Summary => CHUNK,
            _ => (CHUNK / self.prepared.len().max(1)).max(256),
        };
        let mut reader = ChunkReader {
            reader: input,
            size,
            carry: Vec::new(),
            next_line: 1,
            eof: false,
        };
        let keys = KeySet::new(self.engine.attributes_used(self.prepared));
        let mut totals = Totals {
            counts: vec![FlagCounts::default(); self.prepared.len()],
            ..Totals::default()
        };
        let mut wrote_any = false;
        let workers = crate::par::threads();
        loop {
            let mut chunks = Vec::with_capacity(workers);
            while chunks.len() < workers {
                match reader.next_chunk() {
                    Ok(Some(c)) => chunks.push(c),
                    Ok(None) => break,
                    Err(e) => return (totals, Some(Stop::Read(e))),
                }
            }
            if chunks.is_empty() {
                return (totals, None);
            }
            let results = crate::par::map(&chunks, |c| {
                process_chunk(
                    self.engine,
                    self.prepared,
                    &keys,
                    &c.bytes,
                    c.first_line,
                    self.mode,
                    self.keep_going,
                )
            });
            for r in results {
                let written = (|| {
                    if self.mode == Mode::JsonArray && !r.out.is_empty() && wrote_any {
                        out.write_all(b",")?;
                    }
                    out.write_all(&r.out)
                })();
                if let Err(e) = written {
                    return (totals, Some(Stop::Write(e)));
                }
                wrote_any |= !r.out.is_empty();
                totals.contexts += r.contexts;
                for bad in &r.skipped {
                    skipped(bad);
                    totals.skipped += 1;
                }
                for (total, c) in totals.counts.iter_mut().zip(r.counts) {
                    total.merge(c);
                }
                if let Some(bad) = r.error {
                    return (totals, Some(Stop::Line(bad)));
                }
            }
        }
    }
}

/// Percent with two decimals, so the JSON is stable across platforms.
fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 10_000.0 / whole as f64).round() / 100.0
    }
}

/// `--summary`: per flag, how many contexts got each value, and the observed versus
/// configured rollout.
#[derive(Debug, Clone, Serialize)]
pub struct Rollout<'p> {
    /// Contexts evaluated.
    pub contexts: u64,
    /// Malformed lines skipped.
    pub skipped: u64,
    /// One entry per flag, in the order asked.
    pub flags: Vec<FlagRollout<'p>>,
}

/// One flag of the summary.
#[derive(Debug, Clone, Serialize)]
pub struct FlagRollout<'p> {
    /// The flag key.
    pub flag: &'p str,
    /// Contexts evaluated for it.
    pub contexts: u64,
    /// The rollout, when below 100%.
    pub rollout: Option<RolloutShare<'p>>,
    /// Each value (and variant) served, most served first.
    pub values: Vec<ValueShare<'p>>,
    /// How many results had each reason.
    pub reasons: BTreeMap<&'static str, u64>,
}

/// Configured versus observed rollout, among contexts that reached the rollout step
/// and had a bucketing key.
#[derive(Debug, Clone, Serialize)]
pub struct RolloutShare<'p> {
    /// The configured percentage.
    pub configured: u8,
    /// The observed percentage.
    pub observed: f64,
    /// Contexts that reached the rollout with a bucketing key.
    pub bucketed: u64,
    /// Of those, how many were inside the rollout.
    pub in_rollout: u64,
    /// Contexts that reached the rollout without the bucketing attribute.
    pub missing_key: u64,
    /// The bucketing attribute.
    pub bucket_by: &'p str,
}

/// One value served.
#[derive(Debug, Clone, Serialize)]
pub struct ValueShare<'p> {
    /// The value.
    pub value: &'p Value,
    /// Its variant, if any.
    pub variant: Option<&'p str>,
    /// How many contexts got it.
    pub count: u64,
    /// Its share of the flag's contexts, in percent.
    pub share: f64,
    /// The variant's share of the total weight, when it is a weighted variant.
    pub configured: Option<f64>,
}

impl<'p> Rollout<'p> {
    /// The summary of `totals` for the flags `prepared`.
    pub fn new(prepared: &'p [Prepared<'p>], totals: &Totals<'p>) -> Rollout<'p> {
        let flags = prepared
            .iter()
            .zip(&totals.counts)
            .map(|(p, c)| FlagRollout {
                flag: &p.flag.key,
                contexts: c.total,
                rollout: share(p, c),
                values: values(p, c),
                reasons: c.reasons.iter().map(|(r, n)| (r.as_str(), *n)).collect(),
            })
            .collect();
        Rollout {
            contexts: totals.contexts,
            skipped: totals.skipped,
            flags,
        }
    }
}

fn share<'p>(p: &'p Prepared, c: &FlagCounts) -> Option<RolloutShare<'p>> {
    let configured = p.targeting.rollout_percent();
    if configured >= 100 {
        return None;
    }
    let bucketed = c.reached_rollout - c.missing_key;
    Some(RolloutShare {
        configured,
        observed: percent(c.in_rollout, bucketed),
        bucketed,
        in_rollout: c.in_rollout,
        missing_key: c.missing_key,
        bucket_by: p.bucket_attribute(),
    })
}

/// Merges equal values served from different places and sorts by count, then text.
fn values<'p>(p: &'p Prepared, c: &FlagCounts<'p>) -> Vec<ValueShare<'p>> {
    let mut rows: Vec<(String, ValueShare)> = Vec::new();
    for &(value, variant, count) in c.served.values() {
        let text = value.to_string();
        match rows
            .iter_mut()
            .find(|(t, r)| *t == text && r.variant == variant)
        {
            Some((_, r)) => r.count += count,
            None => rows.push((
                text,
                ValueShare {
                    value,
                    variant,
                    count,
                    share: 0.0,
                    configured: None,
                },
            )),
        }
    }
    let variants = p.targeting.variants.as_deref().unwrap_or(&[]);
    let total_weight: u64 = variants.iter().map(|v| u64::from(v.weight.value)).sum();
    for (_, r) in &mut rows {
        r.share = percent(r.count, c.total);
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
