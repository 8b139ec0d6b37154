//! Cutting the `flags:` block of a file into one text chunk per flag without parsing
//! it, so the history walk can re-parse only the flags whose text changed.

use super::RawFlag;
use crate::model::yaml::{self, Kind};
use std::ops::Range;

/// Where one flag's text sits in a file: its key and the lines up to the next flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// The key as written (quotes included), for matching a flag across versions
    /// without parsing.
    pub key: Range<usize>,
    /// The flag's lines, from its key to the next flag or the end of `flags:`.
    pub span: Range<usize>,
}

/// The flags of a file split into chunks, and the indentation of their keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// One chunk per flag, in file order; consecutive chunks are contiguous.
    pub chunks: Vec<Chunk>,
    /// Indentation (in spaces) of the flag keys.
    pub indent: usize,
}

/// Splits the `flags:` section of a block-style file into one chunk per flag, by
/// indentation alone, so that a history walk parses only the flags that changed.
/// Returns `None` for anything it does not recognise with certainty (flow style,
/// tabs, several documents, complex keys, a second `flags:`): callers then parse the
/// whole file, which is always correct, only slower.
pub fn split_flags(text: &str) -> Option<Split> {
    let bytes = text.as_bytes();
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut in_flags = false;
    let mut seen_flags = false;
    let mut child_indent: Option<usize> = None;
    let mut start = 0;
    while start < bytes.len() {
        let end = memchr_newline(bytes, start).map_or(bytes.len(), |i| i + 1);
        let line = &text[start..end];
        let content = line.trim_end_matches(['\n', '\r']);
        let indent = content.len() - content.trim_start_matches(' ').len();
        let rest = &content[indent..];
        let blank = rest.is_empty() || rest.starts_with('#');
        if rest.starts_with('\t') {
            return None;
        }
        if !blank && indent == 0 {
            // A top-level line: document markers and directives are beyond this splitter.
            if rest.starts_with("---") || rest.starts_with("...") || rest.starts_with('%') {
                return None;
            }
            if in_flags {
                if let Some(last) = chunks.last_mut() {
                    last.span.end = start;
                }
                in_flags = false;
            }
            if let Some(after) = rest.strip_prefix("flags:") {
                let after = after.trim_start();
                if seen_flags || !(after.is_empty() || after.starts_with('#')) {
                    return None;
                }
                seen_flags = true;
                in_flags = true;
            } else if rest.starts_with(['"', '\'', '?', '{', '[', '&', '*', '!']) {
                // A key written so that it might still be `flags` (quoted, tagged, ...).
                return None;
            }
        } else if in_flags && !blank {
            match child_indent {
                None => child_indent = Some(indent),
                Some(c) if indent < c => return None,
                _ => {}
            }
            if Some(indent) == child_indent {
                if rest.starts_with(['-', '?', '{', '[', '&', '*', '!', '|', '>']) {
                    return None;
                }
                let key_len = key_length(rest)?;
                if let Some(last) = chunks.last_mut() {
                    last.span.end = start;
                }
                let key_start = start + indent;
                chunks.push(Chunk {
                    key: key_start..key_start + key_len,
                    span: start..end,
                });
            } else if let Some(last) = chunks.last_mut() {
                last.span.end = end;
            }
        } else if in_flags && blank {
            if let Some(last) = chunks.last_mut() {
                last.span.end = end;
            }
        }
        start = end;
    }
    if !seen_flags {
        return None;
    }
    Some(Split {
        chunks,
        indent: child_indent.unwrap_or(2),
    })
}

/// Splits `range` of `text`, which must hold whole flags of a `flags:` section whose
/// keys are indented by `indent`, into chunks. The incremental path of the history
/// walk rescans only the part of a version that differs from its parent with this.
/// `None` when the region does not start with a key or contains anything less
/// indented than a key (the structure changed: parse the whole file instead).
pub fn split_region(text: &str, range: Range<usize>, indent: usize) -> Option<Vec<Chunk>> {
    let bytes = text.as_bytes();
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut start = range.start;
    while start < range.end {
        let end = memchr_newline(bytes, start)
            .map_or(bytes.len(), |i| i + 1)
            .min(range.end);
        let content = text.get(start..end)?.trim_end_matches(['\n', '\r']);
        let own = content.len() - content.trim_start_matches(' ').len();
        let rest = &content[own..];
        if rest.starts_with('\t') {
            return None;
        }
        let blank = rest.is_empty() || rest.starts_with('#');
        if !blank && own < indent {
            return None;
        }
        if !blank && own == indent {
            if rest.starts_with(['-', '?', '{', '[', '&', '*', '!', '|', '>']) {
                return None;
            }
            let key_len = key_length(rest)?;
            let key_start = start + own;
            chunks.push(Chunk {
                key: key_start..key_start + key_len,
                span: start..end,
            });
        } else {
            chunks.last_mut()?.span.end = end;
        }
        start = end;
    }
    Some(chunks)
}

/// Length of the common prefix of two byte strings (compared in blocks, so the
/// comparison runs at memcmp speed).
pub fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 256;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + BLOCK <= n && a[i..i + BLOCK] == b[i..i + BLOCK] {
        i += BLOCK;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

/// Length of the common suffix of two byte strings.
pub fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 256;
    let n = a.len().min(b.len());
    let (la, lb) = (a.len(), b.len());
    let mut i = 0;
    while i + BLOCK <= n && a[la - i - BLOCK..la - i] == b[lb - i - BLOCK..lb - i] {
        i += BLOCK;
    }
    while i < n && a[la - i - 1] == b[lb - i - 1] {
        i += 1;
    }
    i
}

fn memchr_newline(bytes: &[u8], from: usize) -> Option<usize> {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map(|i| from + i)
}

/// Length of the mapping key at the start of `rest` (a line's content after its
/// indentation), or `None` when the line is not a simple `key:` line.
fn key_length(rest: &str) -> Option<usize> {
    let b = rest.as_bytes();
    if let Some(&q @ (b'"' | b'\'')) = b.first() {
        let mut i = 1;
        while i < b.len() {
            if b[i] == b'\\' && q == b'"' {
                i += 2;
                continue;
            }
            if b[i] == q {
                if q == b'\'' && b.get(i + 1) == Some(&b'\'') {
                    i += 2;
                    continue;
                }
                return (b.get(i + 1) == Some(&b':')).then_some(i + 1);
            }
            i += 1;
        }
        return None;
    }
    // A plain key ends at the first `:` followed by a space or the end of the line
    // (keys may contain `:` themselves, e.g. `team:flag`).
    let mut i = 0;
    while i < b.len() {
        if b[i] == b':' && matches!(b.get(i + 1), None | Some(b' ' | b'\t' | b'\r')) {
            return (i > 0).then_some(i);
        }
        if b[i] == b' ' && b.get(i + 1) == Some(&b'#') {
            return None;
        }
        i += 1;
    }
    None
}

/// Parses one chunk (a single `key: {fields}` entry) into its key and fields, or
/// `None` when it does not stand alone (an alias to an anchor defined elsewhere, a
/// syntax error): the caller then parses the whole file.
pub fn parse_chunk(text: &str) -> Option<(String, RawFlag)> {
    let node = yaml::parse(text).ok()?;
    match node.kind {
        Kind::Map(entries) if entries.len() == 1 => {
            let (k, v) = entries.into_iter().next()?;
            Some((k.scalar_text()?, RawFlag::from_node(&v)))
        }
        _ => None,
    }
}
