//! One version of flags.yaml as a list of flags, and the flags that differ from its
//! parent version: what the history walk replays commit by commit.
//!
//! Parsing 5,000 versions of a 2,000-flag file whole would dominate `stale` and
//! `history`, so a version is built in the cheapest way that is still exact:
//! 1. *incremental* — the parent was split into one text chunk per flag; only the
//!    region between the common prefix and suffix of the two texts is re-split and
//!    re-parsed;
//! 2. *chunked* — the text splits into chunks ([`split_flags`]); chunks whose text
//!    also appears in the parent reuse the parent's parsed flag;
//! 3. *full* — the whole text is parsed ([`RawFile::parse`]): always correct, and the
//!    reference the two fast paths are tested against.

use super::{Chunk, RawFile, RawFlag, Split, diff_flag, split_flags};
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// One version of the file, split into flags.
pub(crate) struct Version {
    pub(crate) text: String,
    /// Set when the text was split; `flags[i]` then belongs to `chunks[i]`.
    pub(crate) split: Option<Split>,
    pub(crate) flags: Vec<(Rc<str>, Rc<RawFlag>)>,
}

/// A flag that differs between a version and its parent.
pub(crate) struct Delta {
    pub(crate) key: Rc<str>,
    pub(crate) old: Option<Rc<RawFlag>>,
    pub(crate) new: Option<Rc<RawFlag>>,
}

/// Builds a version from its text and the deltas from `parent`. Returns `None` for
/// text that is not UTF-8 or not YAML (and then no deltas).
pub(crate) fn build(
    text: Option<String>,
    parent: Option<&Version>,
) -> (Option<Rc<Version>>, Vec<Delta>) {
    let Some(text) = text else {
        return (None, Vec::new());
    };
    if !fast_paths() {
        return build_full(text, parent);
    }
    if let Some((p, split)) = parent.and_then(|p| p.split.as_ref().map(|s| (p, s))) {
        if let Some((split, flags, deltas)) = build_incremental(&text, p, split) {
            let version = Version {
                text,
                split: Some(split),
                flags,
            };
            return (Some(Rc::new(version)), deltas);
        }
    }
    if let Some(split) = split_flags(&text) {
        if let Some(result) = build_chunked(&text, &split.chunks, parent) {
            let (flags, deltas) = result;
            let version = Version {
                text,
                split: Some(split),
                flags,
            };
            return (Some(Rc::new(version)), deltas);
        }
    }
    build_full(text, parent)
}

/// Parses the whole text: always correct, the reference the fast paths are tested
/// against.
fn build_full(text: String, parent: Option<&Version>) -> (Option<Rc<Version>>, Vec<Delta>) {
    let Ok(file) = RawFile::parse(&text) else {
        return (None, Vec::new());
    };
    let flags: Vec<(Rc<str>, Rc<RawFlag>)> = file
        .flags
        .into_iter()
        .map(|(k, f)| (Rc::from(k.as_str()), f))
        .collect();
    let deltas = match parent {
        Some(p) => key_deltas(&p.flags, &flags),
        None => added(&flags),
    };
    let version = Version {
        text,
        split: None,
        flags,
    };
    (Some(Rc::new(version)), deltas)
}

type Flags = Vec<(Rc<str>, Rc<RawFlag>)>;

#[cfg(test)]
thread_local! {
    static FAST: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Turns the split and incremental paths off (`false`) or on, on this thread: tests
/// compare the fast paths with full parsing.
#[cfg(test)]
pub(crate) fn set_fast_paths(on: bool) {
    FAST.with(|f| f.set(on));
}

/// Whether to use the split and incremental paths.
fn fast_paths() -> bool {
    #[cfg(test)]
    {
        FAST.with(|f| f.get())
    }
    #[cfg(not(test))]
    {
        true
    }
}

fn added(flags: &[(Rc<str>, Rc<RawFlag>)]) -> Vec<Delta> {
    let mut seen = HashSet::new();
    flags
        .iter()
        .filter(|(k, _)| seen.insert(k.clone()))
        .map(|(k, f)| Delta {
            key: k.clone(),
            old: None,
            new: Some(f.clone()),
        })
        .collect()
}

/// Deltas between two versions matched by key (the general, slower path).
fn key_deltas(old: &[(Rc<str>, Rc<RawFlag>)], new: &[(Rc<str>, Rc<RawFlag>)]) -> Vec<Delta> {
    let mut before: HashMap<&str, &Rc<RawFlag>> = HashMap::new();
    for (k, f) in old {
        before.entry(k).or_insert(f);
    }
    let mut seen: HashSet<&str> = HashSet::new();
    let mut deltas = Vec::new();
    for (k, f) in new {
        if !seen.insert(k) {
            continue;
        }
        match before.get(&**k) {
            Some(o) if Rc::ptr_eq(o, f) || diff_flag(o, f).is_empty() => {}
            Some(o) => deltas.push(Delta {
                key: k.clone(),
                old: Some((*o).clone()),
                new: Some(f.clone()),
            }),
            None => deltas.push(Delta {
                key: k.clone(),
                old: None,
                new: Some(f.clone()),
            }),
        }
    }
    for (k, f) in old {
        if !seen.contains(&**k) && before.get(&**k).is_some_and(|b| Rc::ptr_eq(b, f)) {
            seen.insert(k);
            deltas.push(Delta {
                key: k.clone(),
                old: Some(f.clone()),
                new: None,
            });
        }
    }
    deltas
}

/// The fast path for a version whose parent was split: only the bytes between the
/// common prefix and the common suffix of the two texts changed, so every chunk
/// outside them is the parent's (shifted by the change in length), and only the
/// chunks overlapping the change are rescanned and compared. `None` when the change
/// reaches outside the `flags:` section or alters its structure.
/// Parses a chunk whose text changed, recording what changed against `parent` (the
/// flag the chunk replaces, if any): the same key is a change, a new key is the old
/// one removed and the new one added, no parent is an addition. `None` when the chunk
/// does not parse on its own (the caller falls back to parsing the whole file).
fn reparse(
    chunk: &str,
    parent: Option<&(Rc<str>, Rc<RawFlag>)>,
    deltas: &mut Vec<Delta>,
) -> Option<(Rc<str>, Rc<RawFlag>)> {
    let (key, flag) = super::parse_chunk(chunk)?;
    let flag = Rc::new(flag);
    let key: Rc<str> = match parent {
        // Keep the parent's key allocation when the key is unchanged.
        Some((pkey, _)) if **pkey == *key => pkey.clone(),
        _ => Rc::from(key.as_str()),
    };
    match parent {
        Some((pkey, pflag)) if *pkey == key => deltas.push(Delta {
            key: key.clone(),
            old: Some(pflag.clone()),
            new: Some(flag.clone()),
        }),
        Some((pkey, pflag)) => {
            deltas.push(Delta {
                key: pkey.clone(),
                old: Some(pflag.clone()),
                new: None,
            });
            deltas.push(Delta {
                key: key.clone(),
                old: None,
                new: Some(flag.clone()),
            });
        }
        None => deltas.push(Delta {
            key: key.clone(),
            old: None,
            new: Some(flag.clone()),
        }),
    }
    Some((key, flag))
}

/// Records every parent flag no chunk of the new version took as removed.
fn record_removed<'a>(
    parent: impl Iterator<Item = (&'a (Rc<str>, Rc<RawFlag>), &'a bool)>,
    deltas: &mut Vec<Delta>,
) {
    for ((key, flag), used) in parent {
        if !used {
            deltas.push(Delta {
                key: key.clone(),
                old: Some(flag.clone()),
                new: None,
            });
        }
    }
}

fn build_incremental(
    text: &str,
    parent: &Version,
    psplit: &Split,
) -> Option<(Split, Flags, Vec<Delta>)> {
    let (old, new) = (parent.text.as_bytes(), text.as_bytes());
    let chunks = &psplit.chunks;
    let (first, last) = (chunks.first()?, chunks.last()?);
    let p = super::common_prefix(old, new);
    let s = super::common_suffix(&old[p..], &new[p..]);
    let pe = old.len() - s;
    if p < first.span.start || pe > last.span.end {
        return None;
    }
    // Chunks [a, b] overlap the change; the one ending right at it is included, since
    // lines appended to a flag belong to it.
    let a = chunks.partition_point(|c| c.span.end < p);
    let b = chunks
        .partition_point(|c| c.span.start <= pe)
        .checked_sub(1)?;
    if a > b {
        return None;
    }
    let shift = |i: usize| (i + new.len()).checked_sub(old.len());
    let start = chunks[a].span.start;
    let end = shift(chunks[b].span.end)?;
    if end < start
        || end > new.len()
        || (end < new.len() && new.get(end.checked_sub(1)?) != Some(&b'\n'))
    {
        return None;
    }
    let region = super::split_region(text, start..end, psplit.indent)?;
    let ptext = parent.text.as_str();
    let old_range = a..=b;
    let mut used = vec![false; b + 1 - a];
    let mut middle: Flags = Vec::with_capacity(region.len());
    let mut deltas = Vec::new();
    for c in &region {
        let key_text = &text[c.key.clone()];
        let matched = old_range
            .clone()
            .find(|&i| !used[i - a] && &ptext[chunks[i].key.clone()] == key_text);
        match matched {
            Some(i) if ptext[chunks[i].span.clone()] == text[c.span.clone()] => {
                used[i - a] = true;
                middle.push(parent.flags[i].clone());
            }
            Some(i) => {
                used[i - a] = true;
                middle.push(reparse(
                    &text[c.span.clone()],
                    Some(&parent.flags[i]),
                    &mut deltas,
                )?);
            }
            None => middle.push(reparse(&text[c.span.clone()], None, &mut deltas)?),
        }
    }
    record_removed(parent.flags[a..].iter().zip(&used), &mut deltas);
    let mut new_chunks: Vec<Chunk> = Vec::with_capacity(chunks.len() + region.len());
    new_chunks.extend_from_slice(&chunks[..a]);
    new_chunks.extend(region);
    for c in &chunks[b + 1..] {
        new_chunks.push(Chunk {
            key: shift(c.key.start)?..shift(c.key.end)?,
            span: shift(c.span.start)?..shift(c.span.end)?,
        });
    }
    let mut flags: Flags = Vec::with_capacity(new_chunks.len());
    flags.extend_from_slice(&parent.flags[..a]);
    flags.extend(middle);
    flags.extend_from_slice(&parent.flags[b + 1..]);
    let split = Split {
        chunks: new_chunks,
        indent: psplit.indent,
    };
    Some((split, flags, fold(deltas)))
}

/// Builds the flags of a split version, reusing the parent's parsed flag wherever a
/// chunk's text is unchanged. Returns `None` when a changed chunk does not parse on
/// its own; the caller then parses the whole file.
fn build_chunked(
    text: &str,
    chunks: &[Chunk],
    parent: Option<&Version>,
) -> Option<(Flags, Vec<Delta>)> {
    let Some((parent, pchunks)) = parent.and_then(|p| p.split.as_ref().map(|s| (p, &s.chunks)))
    else {
        let mut flags = Vec::with_capacity(chunks.len());
        for c in chunks {
            let (key, flag) = super::parse_chunk(&text[c.span.clone()])?;
            flags.push((Rc::from(key.as_str()), Rc::new(flag)));
        }
        let deltas = match parent {
            Some(p) => key_deltas(&p.flags, &flags),
            None => added(&flags),
        };
        return Some((flags, deltas));
    };
    let ptext = parent.text.as_str();
    let mut used = vec![false; pchunks.len()];
    let mut by_key: Option<HashMap<&str, usize>> = None;
    let mut next = 0;
    let mut flags: Flags = Vec::with_capacity(chunks.len());
    let mut deltas = Vec::new();
    for c in chunks {
        let key_text = &text[c.key.clone()];
        // Versions mostly keep their flags in the same order: try the next parent chunk
        // first, and index the parent by key only when the orders diverge.
        let matched = if pchunks
            .get(next)
            .is_some_and(|p| &ptext[p.key.clone()] == key_text)
        {
            Some(next)
        } else {
            let index = by_key.get_or_insert_with(|| {
                let mut m = HashMap::with_capacity(pchunks.len());
                for (i, p) in pchunks.iter().enumerate() {
                    m.entry(&ptext[p.key.clone()]).or_insert(i);
                }
                m
            });
            index.get(key_text).copied()
        };
        match matched {
            Some(i) if !used[i] => {
                used[i] = true;
                next = i + 1;
                let (pkey, pflag) = &parent.flags[i];
                if ptext[pchunks[i].span.clone()] == text[c.span.clone()] {
                    flags.push((pkey.clone(), pflag.clone()));
                } else {
                    flags.push(reparse(
                        &text[c.span.clone()],
                        Some(&parent.flags[i]),
                        &mut deltas,
                    )?);
                }
            }
            // A duplicate key in this version: validation reports it; the first
            // definition is the one that counts.
            Some(_) => {
                let (key, flag) = super::parse_chunk(&text[c.span.clone()])?;
                flags.push((Rc::from(key.as_str()), Rc::new(flag)));
            }
            None => flags.push(reparse(&text[c.span.clone()], None, &mut deltas)?),
        }
    }
    record_removed(parent.flags.iter().zip(&used), &mut deltas);
    // A flag moved between chunks with a new spelling of its key (`a` → `"a"`) shows up
    // as removed and added in one commit; fold such pairs into a change.
    Some((flags, fold(deltas)))
}

/// Merges a removal and an addition of the same key in one commit into one change,
/// and drops changes that leave the flag's fields as they were.
fn fold(deltas: Vec<Delta>) -> Vec<Delta> {
    if deltas.len() < 2 {
        return deltas;
    }
    let mut by_key: HashMap<Rc<str>, Delta> = HashMap::new();
    let mut order: Vec<Rc<str>> = Vec::new();
    for d in deltas {
        match by_key.entry(d.key.clone()) {
            Entry::Occupied(mut e) => {
                let prev = e.get_mut();
                if prev.old.is_none() {
                    prev.old = d.old;
                }
                if prev.new.is_none() {
                    prev.new = d.new;
                }
            }
            Entry::Vacant(e) => {
                order.push(d.key.clone());
                e.insert(d);
            }
        }
    }
    order
        .into_iter()
        .filter_map(|k| by_key.remove(&k))
        .filter(|d| match (&d.old, &d.new) {
            (Some(a), Some(b)) => !diff_flag(a, b).is_empty(),
            _ => true,
        })
        .collect()
}
