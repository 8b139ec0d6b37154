//! Line-by-line reading on every core: the input is cut into large chunks at line
//! boundaries, worker threads parse the lines of each chunk into their own
//! accumulator, and the accumulators are merged at the end. Memory holds a few chunks
//! at a time, whatever the input's size. A line that cannot be parsed is skipped and
//! counted with its line number; so is a truncated last line.

use super::acc::Acc;
use super::source::Skipped;
use std::io::{self, Read};
use std::sync::Mutex;
use std::sync::mpsc;

/// Parses one line into an accumulator.
pub(crate) trait LineParser: Sync {
    /// Reads `line` (without its newline). An error skips the line, and nothing of it
    /// must have been added to `acc`.
    fn line(&self, line: &[u8], acc: &mut Acc) -> Result<(), String>;
}

/// What reading the lines produced.
#[derive(Debug, Default)]
pub(crate) struct LinesOut {
    pub acc: Acc,
    pub lines: u64,
    pub skipped: Skipped,
}

/// The size chunks are cut at (the next newline after it).
const CHUNK: usize = 4 << 20;

/// Longest line read; a longer one is skipped (without holding it in memory).
const MAX_LINE: usize = 512 << 20;

enum Piece {
    /// Whole lines (the last one may lack its newline at the end of input).
    Lines(Vec<u8>),
    /// One line longer than [`MAX_LINE`], dropped.
    TooLong,
}

struct Chunker<'r> {
    reader: &'r mut dyn Read,
    carry: Vec<u8>,
    eof: bool,
}

impl Chunker<'_> {
    /// The next piece, reading into `buf` (a recycled buffer).
    fn next(&mut self, mut buf: Vec<u8>) -> io::Result<Option<Piece>> {
        buf.clear();
        buf.append(&mut self.carry);
        let mut target = CHUNK;
        loop {
            while buf.len() < target && !self.eof {
                let want = (target - buf.len()) as u64;
                if (&mut *self.reader).take(want).read_to_end(&mut buf)? == 0 {
                    self.eof = true;
                }
            }
            if self.eof {
                return Ok((!buf.is_empty()).then_some(Piece::Lines(buf)));
            }
            if let Some(nl) = memchr::memrchr(b'\n', &buf) {
                self.carry.extend_from_slice(&buf[nl + 1..]);
                buf.truncate(nl + 1);
                return Ok(Some(Piece::Lines(buf)));
            }
            if buf.len() >= MAX_LINE {
                self.skip_line()?;
                return Ok(Some(Piece::TooLong));
            }
            target = (target * 2).min(MAX_LINE);
        }
    }

    /// Drops input up to and including the next newline.
    fn skip_line(&mut self) -> io::Result<()> {
        let mut block = vec![0u8; 1 << 20];
        loop {
            let n = match self.reader.read(&mut block) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if let Some(nl) = memchr::memchr(b'\n', &block[..n]) {
                self.carry.extend_from_slice(&block[nl + 1..n]);
                return Ok(());
            }
        }
    }
}

/// The outcome of one chunk, with line numbers relative to it.
#[derive(Debug, Default)]
struct ChunkOut {
    index: usize,
    lines: u64,
    skipped: Skipped,
}

fn parse_piece(index: usize, piece: &Piece, parser: &dyn LineParser, acc: &mut Acc) -> ChunkOut {
    let mut out = ChunkOut {
        index,
        ..ChunkOut::default()
    };
    let data = match piece {
        Piece::Lines(data) => data.as_slice(),
        Piece::TooLong => {
            out.lines = 1;
            out.skipped
                .push(1, || format!("line longer than {} MiB", MAX_LINE >> 20));
            return out;
        }
    };
    let mut start = 0;
    let mut ends = memchr::memchr_iter(b'\n', data);
    loop {
        let end = match ends.next() {
            Some(e) => e,
            None if start < data.len() => data.len(),
            None => break,
        };
        out.lines += 1;
        let mut line = &data[start..end];
        start = end + 1;
        if let [rest @ .., b'\r'] = line {
            line = rest;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if let Err(e) = parser.line(line, acc) {
            out.skipped.push(out.lines, || e);
        }
    }
    out
}

/// Reads every line of `reader` with `parser` on up to `threads` threads.
pub(crate) fn read_lines(
    reader: &mut dyn Read,
    parser: &dyn LineParser,
    threads: usize,
) -> io::Result<LinesOut> {
    let mut chunker = Chunker {
        reader,
        carry: Vec::new(),
        eof: false,
    };
    let Some(first) = chunker.next(Vec::with_capacity(CHUNK))? else {
        return Ok(LinesOut::default());
    };
    if chunker.eof || threads <= 1 {
        // Small input (or one thread): no threads to start.
        return serial(chunker, first, parser);
    }
    parallel(chunker, first, parser, threads)
}

fn serial(mut chunker: Chunker<'_>, first: Piece, parser: &dyn LineParser) -> io::Result<LinesOut> {
    let mut acc = Acc::default();
    let mut outs = vec![parse_piece(0, &first, parser, &mut acc)];
    let mut index = 1;
    let mut buf = recycle(first);
    while let Some(piece) = chunker.next(buf)? {
        outs.push(parse_piece(index, &piece, parser, &mut acc));
        index += 1;
        buf = recycle(piece);
    }
    Ok(finish(acc, outs))
}

fn recycle(piece: Piece) -> Vec<u8> {
    match piece {
        Piece::Lines(buf) => buf,
        Piece::TooLong => Vec::with_capacity(CHUNK),
    }
}

type Work = Mutex<mpsc::Receiver<(usize, Piece)>>;

fn parallel(
    mut chunker: Chunker<'_>,
    first: Piece,
    parser: &dyn LineParser,
    threads: usize,
) -> io::Result<LinesOut> {
    let (send, recv) = mpsc::sync_channel::<(usize, Piece)>(threads * 2);
    let (give_back, returned) = mpsc::channel::<Vec<u8>>();
    let work: Work = Mutex::new(recv);
    std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for _ in 0..threads {
            let (work, give_back) = (&work, give_back.clone());
            let spawned = std::thread::Builder::new()
                .name("usage-parse".into())
                .spawn_scoped(scope, move || worker(work, parser, &give_back));
            // A refused thread is not an error: fewer workers do the same work.
            if let Ok(h) = spawned {
                handles.push(h);
            }
        }
        drop(give_back);
        if handles.is_empty() {
            drop(send);
            return serial(chunker, first, parser);
        }
        let produced = produce(&mut chunker, first, &send, &returned);
        drop(send);
        let mut acc = Acc::default();
        let mut outs = Vec::new();
        let mut failed = false;
        for h in handles {
            match h.join() {
                Ok((a, o)) => {
                    acc.merge(a);
                    outs.extend(o);
                }
                // Only a bug panics a worker; its chunks are lost, so say so rather
                // than report partial counts as complete.
                Err(_) => failed = true,
            }
        }
        produced?;
        if failed {
            return Err(io::Error::other("internal error: a parsing thread failed"));
        }
        Ok(finish(acc, outs))
    })
}

fn produce(
    chunker: &mut Chunker<'_>,
    first: Piece,
    send: &mpsc::SyncSender<(usize, Piece)>,
    returned: &mpsc::Receiver<Vec<u8>>,
) -> io::Result<()> {
    let mut index = 0;
    let mut piece = first;
    loop {
        if send.send((index, piece)).is_err() {
            return Ok(());
        }
        index += 1;
        let buf = returned
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(CHUNK));
        match chunker.next(buf)? {
            Some(p) => piece = p,
            None => return Ok(()),
        }
    }
}

fn worker(
    work: &Work,
    parser: &dyn LineParser,
    give_back: &mpsc::Sender<Vec<u8>>,
) -> (Acc, Vec<ChunkOut>) {
    let mut acc = Acc::default();
    let mut outs = Vec::new();
    loop {
        let next = match work.lock() {
            Ok(recv) => recv.recv(),
            Err(_) => break,
        };
        let Ok((index, piece)) = next else { break };
        outs.push(parse_piece(index, &piece, parser, &mut acc));
        if let Piece::Lines(buf) = piece {
            let _ = give_back.send(buf);
        }
    }
    (acc, outs)
}

/// Orders the chunk outcomes and turns their line numbers absolute.
fn finish(acc: Acc, mut outs: Vec<ChunkOut>) -> LinesOut {
    outs.sort_by_key(|o| o.index);
    let mut result = LinesOut {
        acc,
        ..LinesOut::default()
    };
    for o in outs {
        let base = result.lines;
        let mut skipped = o.skipped;
        for l in &mut skipped.lines {
            *l += base;
        }
        result.skipped.extend(skipped);
        result.lines += o.lines;
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::acc::Obs;
    use crate::usage::value::Val;

    /// Counts lines that are a decimal number as evaluations of flag "n" at that time.
    struct Numbers;

    impl LineParser for Numbers {
        fn line(&self, line: &[u8], acc: &mut Acc) -> Result<(), String> {
            let text = std::str::from_utf8(line).map_err(|e| e.to_string())?;
            let t: i64 = text
                .trim()
                .parse()
                .map_err(|_| format!("not a number: {text}"))?;
            let obs = Obs {
                flag: "n",
                value: Val::None,
                variant: None,
                service: None,
            };
            acc.add(&obs, t, 1, false);
            Ok(())
        }
    }

    fn run(input: &[u8], threads: usize) -> LinesOut {
        let mut r = input;
        read_lines(&mut r, &Numbers, threads).unwrap()
    }

    #[test]
    fn bad_and_truncated_lines_are_skipped_with_their_numbers() {
        let out = run(b"1\n2\nx\n\n3\r\n4\n{\"trunc", 1);
        assert_eq!(out.lines, 7);
        assert_eq!(out.acc.stats.evaluations, 4);
        assert_eq!(out.skipped.count, 2);
        assert_eq!(out.skipped.lines, vec![3, 7]);
        assert_eq!(out.skipped.first_error.as_deref(), Some("not a number: x"));
    }

    #[test]
    fn threads_give_the_same_answer_across_many_chunks() {
        // Enough lines for several chunks, with a bad line near the end.
        let mut input = Vec::new();
        let n = 1_500_000u64;
        for i in 0..n {
            if i == n - 3 {
                input.extend_from_slice(b"bad\n");
            } else {
                input.extend_from_slice(format!("{i}\n").as_bytes());
            }
        }
        assert!(input.len() > 2 * CHUNK);
        let one = run(&input, 1);
        let two = run(&input, 2);
        assert_eq!(one.lines, n);
        assert_eq!(two.lines, n);
        assert_eq!(two.skipped.lines, vec![n - 2]);
        assert_eq!(one.skipped, two.skipped);
        assert_eq!(one.acc.stats, two.acc.stats);
        assert_eq!(two.acc.window(), Some((0, n as i64 - 1)));
    }

    #[test]
    fn empty_input_has_no_lines() {
        let out = run(b"", 2);
        assert_eq!(out.lines, 0);
        assert_eq!(out.skipped.count, 0);
    }
}
