//! Reading inputs: paths expanded (directories recursively, in sorted order; `-` for
//! stdin), gzip recognised by its magic bytes, each input's format detected from its
//! first line, then streamed into one accumulator.

use super::acc::Acc;
use super::error::UsageError;
use super::lines::{self, LineParser};
use super::otlp::Otlp;
use super::plain::{self, JsonRows};
use super::source::{Compression, OtlpShapes, Skipped, Source, SourceFormat};
use super::summary::{self, FORMAT_MARKER, SummaryIn, Usage};
use super::unleash::Unleash;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::io::{self, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};

/// How to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Worker threads for line-based inputs; 0 = [`crate::par::threads`].
    pub threads: usize,
}

impl Options {
    fn threads(&self) -> usize {
        match self.threads {
            0 => crate::par::threads(),
            n => n,
        }
    }
}

/// Longest first line looked at to detect the format.
const HEAD_MAX: u64 = 16 << 20;

/// Largest single JSON document (not JSON Lines) read whole.
pub(crate) const DOC_MAX: u64 = 256 << 20;

/// One input to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input (`-`).
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Input {
    /// The path shown in reports.
    pub fn display(&self) -> String {
        match self {
            Input::Stdin => "-".into(),
            Input::File(p) => p.display().to_string(),
        }
    }

    fn path(&self) -> PathBuf {
        match self {
            Input::Stdin => PathBuf::from("-"),
            Input::File(p) => p.clone(),
        }
    }
}

/// The files behind `paths`: `-` is stdin, a directory gives every file below it
/// (hidden ones excepted) in sorted order, a file itself.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<Input>, UsageError> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Input::Stdin);
            continue;
        }
        let meta = std::fs::metadata(p).map_err(|source| UsageError::Io {
            path: p.clone(),
            source,
        })?;
        if !meta.is_dir() {
            out.push(Input::File(p.clone()));
            continue;
        }
        let before = out.len();
        let walk = ignore::WalkBuilder::new(p)
            .standard_filters(false)
            .hidden(true)
            .follow_links(true)
            .sort_by_file_name(|a, b| a.cmp(b))
            .build();
        for entry in walk {
            let entry = entry.map_err(|e| UsageError::Io {
                path: p.clone(),
                source: io::Error::other(e.to_string()),
            })?;
            if entry.file_type().is_some_and(|t| t.is_file()) {
                out.push(Input::File(entry.into_path()));
            }
        }
        if out.len() == before {
            return Err(UsageError::EmptyDirectory { path: p.clone() });
        }
    }
    Ok(out)
}

/// Reads every input in `paths` (see [`expand`]) and merges them.
pub fn read_paths(paths: &[PathBuf], opts: &Options) -> Result<Usage, UsageError> {
    let inputs = expand(paths)?;
    let mut total = Acc::default();
    let mut sources = Vec::new();
    for input in &inputs {
        let path = input.path();
        let io_err = |source| UsageError::Io {
            path: path.clone(),
            source,
        };
        let reader: Box<dyn Read> = match input {
            Input::Stdin => Box::new(io::stdin().lock()),
            Input::File(p) => Box::new(std::fs::File::open(p).map_err(io_err)?),
        };
        let (acc, source) = read_source(reader, &path, input.display(), opts)?;
        total.merge(acc);
        sources.push(source);
    }
    Ok(Usage::from_acc(&total, sources))
}

/// Detects and reads one input held in memory: the entry point for fuzzing (any bytes
/// give a result or a typed error, never a panic).
pub fn read_bytes(data: &[u8]) -> Result<Usage, UsageError> {
    let opts = Options { threads: 1 };
    let (acc, source) = read_source(
        Box::new(data),
        Path::new("<input>"),
        "<input>".into(),
        &opts,
    )?;
    Ok(Usage::from_acc(&acc, vec![source]))
}

/// Reads one input: decompression, detection, then the format's reader.
pub fn read_source(
    reader: Box<dyn Read + '_>,
    path: &Path,
    display: String,
    opts: &Options,
) -> Result<(Acc, Source), UsageError> {
    let io_err = |source| UsageError::Io {
        path: path.to_path_buf(),
        source,
    };
    let (mut reader, compression) = decompress(reader, path).map_err(|e| match e {
        Opened::Io(e) => io_err(e),
        Opened::Usage(e) => e,
    })?;
    let (head, detected) = detect_input(&mut reader, path)?;
    let mut rest = Cursor::new(head).chain(reader);
    let mut source = Source {
        path: display,
        format: detected.format(),
        compression,
        lines: 0,
        records: 0,
        evaluations: 0,
        otlp: None,
        incomplete: 0,
        skipped: Skipped::default(),
    };
    let (acc, lines, skipped) = match detected {
        Detected::Empty => (Acc::default(), 0, Skipped::default()),
        Detected::Lines(format) => {
            let parser = parser(format);
            let out = lines::read_lines(&mut rest, parser, opts.threads()).map_err(io_err)?;
            (out.acc, out.lines, out.skipped)
        }
        Detected::Csv => {
            let out = plain::read_csv(&mut rest).map_err(io_err)?;
            (out.acc, out.lines, out.skipped)
        }
        Detected::Document => {
            let (format, out) = read_document(&mut rest, path)?;
            source.format = format;
            (out.acc, out.lines, out.skipped)
        }
    };
    source.lines = lines;
    source.skipped = skipped;
    source.records = acc.stats.records;
    source.evaluations = acc.stats.evaluations;
    source.incomplete = acc.stats.incomplete;
    if source.format == SourceFormat::OtlpJson {
        source.otlp = Some(OtlpShapes {
            log_event_name: acc.stats.log_event_name,
            log_event_attribute: acc.stats.log_event_attribute,
            log_unnamed: acc.stats.log_unnamed,
            span_events: acc.stats.span_events,
        });
    }
    Ok((acc, source))
}

enum Opened {
    Io(io::Error),
    Usage(UsageError),
}

/// Wraps `reader` in a gzip decoder when its first bytes are gzip's magic.
fn decompress<'r>(
    reader: Box<dyn Read + 'r>,
    path: &Path,
) -> Result<(Box<dyn Read + 'r>, Option<Compression>), Opened> {
    let mut reader = reader;
    let mut magic = Vec::with_capacity(4);
    (&mut reader)
        .take(4)
        .read_to_end(&mut magic)
        .map_err(Opened::Io)?;
    let whole: Box<dyn Read + 'r> = Box::new(Cursor::new(magic.clone()).chain(reader));
    match magic.as_slice() {
        [0x1f, 0x8b, ..] => Ok((
            Box::new(BufReader::with_capacity(
                256 << 10,
                flate2::read::MultiGzDecoder::new(BufReader::with_capacity(256 << 10, whole)),
            )),
            Some(Compression::Gzip),
        )),
        [0x28, 0xb5, 0x2f, 0xfd] => Err(Opened::Usage(UsageError::Unsupported {
            path: path.to_path_buf(),
            what: "zstd-compressed; decompress it first (`zstd -d`), or set the Collector's file exporter to write uncompressed or gzip'd JSON".into(),
        })),
        _ => Ok((whole, None)),
    }
}

/// Lines looked at to detect a format when the first ones are malformed.
const PROBE_LINES: usize = 64;

/// The start of an input, read a line at a time for detection.
struct Head {
    bytes: Vec<u8>,
    /// Where the line being read starts.
    line_start: usize,
    /// Non-blank complete lines read.
    lines: usize,
    /// No more to read (end of input, or [`HEAD_MAX`]).
    done: bool,
}

impl Head {
    /// Reads until one more non-blank line is complete; false once nothing is left.
    fn more(&mut self, reader: &mut dyn Read) -> io::Result<bool> {
        let want = self.lines + 1;
        let mut block = vec![0u8; 64 << 10];
        while !self.done {
            let n = match reader.read(&mut block) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                self.done = true;
                break;
            }
            let scanned = self.bytes.len();
            self.bytes.extend_from_slice(&block[..n]);
            for nl in memchr::memchr_iter(b'\n', &self.bytes[scanned..]) {
                let end = scanned + nl;
                if !self.bytes[self.line_start..end]
                    .iter()
                    .all(u8::is_ascii_whitespace)
                {
                    self.lines += 1;
                }
                self.line_start = end + 1;
            }
            if self.bytes.len() as u64 >= HEAD_MAX {
                self.done = true;
            }
            if self.lines >= want {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Detects the format, reading more lines while the first ones do not tell.
fn detect_input(reader: &mut dyn Read, path: &Path) -> Result<(Vec<u8>, Detected), UsageError> {
    let mut head = Head {
        bytes: Vec::new(),
        line_start: 0,
        lines: 0,
        done: false,
    };
    loop {
        let more = head.more(reader).map_err(|source| UsageError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if let Some(d) = detect(&head.bytes, !more || head.lines >= PROBE_LINES, path)? {
            return Ok((head.bytes, d));
        }
    }
}

/// How an input is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Detected {
    /// Nothing but whitespace.
    Empty,
    /// One JSON value per line, of this format.
    Lines(SourceFormat),
    /// A CSV summary.
    Csv,
    /// One JSON document over several lines (pretty-printed, or an array).
    Document,
}

impl Detected {
    fn format(self) -> SourceFormat {
        match self {
            Detected::Empty => SourceFormat::Empty,
            Detected::Lines(f) => f,
            Detected::Csv => SourceFormat::SummaryCsv,
            // Refined once the document is read.
            Detected::Document => SourceFormat::Empty,
        }
    }
}

/// The keys that tell formats apart.
#[derive(Deserialize)]
struct Probe<'a> {
    #[serde(rename = "resourceLogs", default)]
    resource_logs: Option<IgnoredAny>,
    #[serde(rename = "resourceSpans", default)]
    resource_spans: Option<IgnoredAny>,
    #[serde(rename = "resourceMetrics", default)]
    resource_metrics: Option<IgnoredAny>,
    #[serde(rename = "appName", default)]
    app_name: Option<IgnoredAny>,
    #[serde(default)]
    bucket: Option<IgnoredAny>,
    #[serde(default)]
    flag: Option<IgnoredAny>,
    #[serde(default)]
    last_evaluated: Option<IgnoredAny>,
    #[serde(default, borrow)]
    format: Option<Cow<'a, str>>,
}

fn unknown(path: &Path, reason: impl Into<String>) -> UsageError {
    UsageError::UnknownFormat {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// The format of one JSON object, from its keys.
fn classify(json: &[u8], path: &Path) -> Result<SourceFormat, UsageError> {
    let first = json.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'[') {
        let items: Vec<&RawValue> = serde_json::from_slice(json)
            .map_err(|e| unknown(path, format!("invalid JSON array: {e}")))?;
        let Some(item) = items.first() else {
            return Err(unknown(path, "an empty JSON array"));
        };
        return classify(item.get().as_bytes(), path);
    }
    let p: Probe<'_> = serde_json::from_slice(json)
        .map_err(|e| unknown(path, format!("the first line is not a JSON object: {e}")))?;
    if p.format.as_deref() == Some(FORMAT_MARKER) {
        Ok(SourceFormat::FlagctlSummary)
    } else if p.resource_logs.is_some() || p.resource_spans.is_some() {
        Ok(SourceFormat::OtlpJson)
    } else if p.resource_metrics.is_some() {
        Err(UsageError::Unsupported {
            path: path.to_path_buf(),
            what: "OTLP metrics; flag evaluations are read from OTLP logs (`feature_flag.evaluation` events) and traces (`feature_flag` span events)".into(),
        })
    } else if p.app_name.is_some() && p.bucket.is_some() {
        Ok(SourceFormat::UnleashMetrics)
    } else if p.flag.is_some() && p.last_evaluated.is_some() {
        Ok(SourceFormat::SummaryJsonl)
    } else {
        Err(unknown(
            path,
            "a JSON object with none of the keys that identify a format",
        ))
    }
}

/// The non-blank lines of `head`: complete ones, and the last one too when `all`.
fn head_lines(head: &[u8], all: bool) -> Vec<&[u8]> {
    let mut lines: Vec<&[u8]> = head.split(|b| *b == b'\n').collect();
    if !all {
        lines.pop();
    }
    lines
        .into_iter()
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .map(|l| l.trim_ascii())
        .collect()
}

/// Decides how to read an input from its first lines; `None` asks for another line.
/// `complete` says no more will come.
fn detect(head: &[u8], complete: bool, path: &Path) -> Result<Option<Detected>, UsageError> {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let lines = head_lines(head, complete);
    let Some(first) = lines.first() else {
        return Ok(complete.then_some(Detected::Empty));
    };
    let first_problem = match first.first() {
        Some(b'{' | b'[') => match serde_json::from_slice::<IgnoredAny>(first) {
            // A first line that is a whole JSON value means JSON Lines.
            Ok(_) => match classify(first, path) {
                Ok(f) => return Ok(Some(Detected::Lines(f))),
                Err(e @ UsageError::Unsupported { .. }) => return Err(e),
                Err(e) => e,
            },
            // One that ends before its value does starts a document over several lines.
            Err(e) if e.classify() == serde_json::error::Category::Eof => {
                return Ok(Some(Detected::Document));
            }
            Err(e) => unknown(path, format!("line 1 is not valid JSON: {e}")),
        },
        _ if plain::is_csv_header(first) => return Ok(Some(Detected::Csv)),
        _ => {
            return Err(unknown(
                path,
                "the first line is neither JSON nor a CSV header naming `flag` and `last_evaluated`",
            ));
        }
    };
    // A malformed first line (JSON Lines whose first record is broken): the next
    // lines tell; that line is then skipped like any other malformed line.
    for line in &lines[1..] {
        if serde_json::from_slice::<IgnoredAny>(line).is_ok() {
            match classify(line, path) {
                Ok(f) => return Ok(Some(Detected::Lines(f))),
                Err(e @ UsageError::Unsupported { .. }) => return Err(e),
                Err(_) => {}
            }
        }
    }
    if complete {
        Err(first_problem)
    } else {
        Ok(None)
    }
}

fn parser(format: SourceFormat) -> &'static dyn LineParser {
    match format {
        SourceFormat::UnleashMetrics => &Unleash,
        SourceFormat::SummaryJsonl | SourceFormat::SummaryCsv => &JsonRows,
        SourceFormat::FlagctlSummary => &SummaryLine,
        SourceFormat::OtlpJson | SourceFormat::Empty => &Otlp,
    }
}

/// A flagctl summary written on one line.
struct SummaryLine;

impl LineParser for SummaryLine {
    fn line(&self, line: &[u8], acc: &mut Acc) -> Result<(), String> {
        let s: SummaryIn = serde_json::from_slice(line).map_err(|e| e.to_string())?;
        let mut part = Acc::default();
        summary::add_summary(&mut part, &s)?;
        acc.merge(part);
        Ok(())
    }
}

/// Reads a JSON document spread over several lines, whole: a pretty-printed
/// request, metrics object or summary, or a JSON array of them.
fn read_document(
    reader: &mut dyn Read,
    path: &Path,
) -> Result<(SourceFormat, lines::LinesOut), UsageError> {
    let mut doc = Vec::new();
    reader
        .take(DOC_MAX + 1)
        .read_to_end(&mut doc)
        .map_err(|source| UsageError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    if doc.len() as u64 > DOC_MAX {
        return Err(UsageError::TooLarge {
            path: path.to_path_buf(),
            limit: DOC_MAX,
        });
    }
    let doc = doc.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&doc);
    let invalid = |e: serde_json::Error| UsageError::Invalid {
        path: path.to_path_buf(),
        line: e.line() as u64,
        column: e.column() as u64,
        message: e.to_string(),
    };
    let lines = memchr::memchr_iter(b'\n', doc).count() as u64 + u64::from(!doc.ends_with(b"\n"));
    let mut out = lines::LinesOut {
        lines,
        ..Default::default()
    };
    // Parse once for syntax, so a broken document is an error with its position.
    let items: Vec<&RawValue> = if doc.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        serde_json::from_slice(doc).map_err(invalid)?
    } else {
        vec![serde_json::from_slice(doc).map_err(invalid)?]
    };
    let Some(first) = items.first() else {
        return Ok((SourceFormat::Empty, out));
    };
    let format = classify(first.get().as_bytes(), path)?;
    if format == SourceFormat::FlagctlSummary {
        let s: SummaryIn = serde_json::from_slice(doc).map_err(invalid)?;
        summary::add_summary(&mut out.acc, &s).map_err(|message| UsageError::Invalid {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message,
        })?;
        return Ok((format, out));
    }
    let parser = parser(format);
    for item in items {
        let text = item.get();
        if let Err(e) = parser.line(text.as_bytes(), &mut out.acc) {
            // The item's line: count newlines before it in the document.
            let offset = (text.as_ptr() as usize).saturating_sub(doc.as_ptr() as usize);
            let line = memchr::memchr_iter(b'\n', doc.get(..offset).unwrap_or_default()).count();
            out.skipped.push(line as u64 + 1, || e);
        }
    }
    Ok((format, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detected(text: &str) -> Result<Detected, UsageError> {
        let mut r = text.as_bytes();
        detect_input(&mut r, Path::new("x")).map(|(_, d)| d)
    }

    #[test]
    fn formats_are_detected_from_the_first_line() {
        assert_eq!(
            detected("{\"resourceLogs\":[]}\n").unwrap(),
            Detected::Lines(SourceFormat::OtlpJson)
        );
        assert_eq!(
            detected("\n\n{\"resourceSpans\":[]}").unwrap(),
            Detected::Lines(SourceFormat::OtlpJson)
        );
        assert_eq!(
            detected("{\"appName\":\"a\",\"bucket\":{}}\n").unwrap(),
            Detected::Lines(SourceFormat::UnleashMetrics)
        );
        assert_eq!(
            detected("[{\"appName\":\"a\",\"bucket\":{}}]\n").unwrap(),
            Detected::Lines(SourceFormat::UnleashMetrics)
        );
        assert_eq!(
            detected("{\"flag\":\"a\",\"last_evaluated\":\"2026-01-01\"}").unwrap(),
            Detected::Lines(SourceFormat::SummaryJsonl)
        );
        assert_eq!(detected("flag,last_evaluated\n").unwrap(), Detected::Csv);
        assert_eq!(
            detected("{\n  \"format\": 1\n").unwrap(),
            Detected::Document
        );
        assert_eq!(detected(" \n\t").unwrap(), Detected::Empty);
    }

    #[test]
    fn unknown_content_is_a_typed_error_naming_the_formats() {
        for text in ["hello\n", "{\"a\":1}\n", "{\"a\":}\n", "[]\n"] {
            let err = detected(text).unwrap_err();
            assert!(
                matches!(err, UsageError::UnknownFormat { .. }),
                "{text}: {err}"
            );
            let msg = err.to_string();
            assert!(
                msg.contains("OTLP JSON") && msg.contains("Unleash"),
                "{msg}"
            );
        }
        assert!(matches!(
            detected("{\"resourceMetrics\":[]}\n"),
            Err(UsageError::Unsupported { .. })
        ));
    }

    #[test]
    fn zstd_is_named() {
        let err = read_bytes(&[0x28, 0xb5, 0x2f, 0xfd, 0, 0]).unwrap_err();
        assert!(err.to_string().contains("zstd"), "{err}");
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let samples: [&[u8]; 8] = [
            b"",
            b"\x1f\x8b",
            b"\x1f\x8b\x08\x00garbage",
            b"[",
            b"{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"attributes\":5}]}]}]}",
            b"flag,last_evaluated\n\xff\xfe,\n",
            b"{\n\"format\":\"flagctl-usage\",\"flags\":[{\"flag\":\"a\",\"series\":[{\"first_evaluated\":\"x\"}]}]}",
            b"[{\"appName\":\"a\",\"bucket\":{\"start\":1e300}}\n]",
        ];
        for s in samples {
            let _ = read_bytes(s);
        }
    }
}
