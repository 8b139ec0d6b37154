//! Finding every spelling of every flag in a buffer in one pass, at a cost that does
//! not grow with the number of flags.
//!
//! A reference must stand as a whole token: the bytes just before and after it are not
//! in `[A-Za-z0-9_-]`. So instead of searching for each spelling, the matcher walks
//! the buffer once, cuts it into maximal runs of those bytes ("tokens"), and looks each
//! token up in a hash table (the way `typos` checks identifiers against a dictionary).
//! A spelling that contains other bytes (`new.payment.processor`, a literal alias
//! `Flags.NEW`) is filed under its first token and the rest is compared in place.
//! Tokens whose length no spelling has are rejected before hashing, which skips most
//! of the short identifiers and keywords of real code.
//!
//! This was measured against one Aho-Corasick automaton over the whole buffer (see
//! `benches/scan.sh`): with hundreds of thousands of spellings the automaton falls out
//! of the CPU caches, while the table stays flat.
//!
//! At one position the longest spelling wins, and matches do not overlap: in
//! `new.payment.processor` the dot alias is found, not a flag `new` inside it.
//! Spellings that start with a byte outside the token set (only possible for literal
//! aliases) are rare; they go through a small Aho-Corasick automaton of their own.

use super::aliases;
use super::records::RefKind;
use crate::model::FlagsFile;
use aho_corasick::{AhoCorasick, MatchKind};

/// Bytes that make up a token: `[A-Za-z0-9_-]`.
const TOKEN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
        b += 1;
    }
    t
};

/// Whether `b` is a token byte.
#[inline]
pub fn is_token_byte(b: u8) -> bool {
    TOKEN[b as usize]
}

/// A flag a spelling stands for, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// Index into `FlagsFile::flags`.
    pub flag: usize,
    /// `Key` or `Alias`.
    pub kind: RefKind,
}

/// One spelling and the flags it stands for.
#[derive(Debug, Clone)]
struct Needle {
    text: Box<[u8]>,
    /// Flags this spelling refers to. Usually one; several only when two flags produce
    /// the same spelling at the same rank (then each gets a record).
    targets: Vec<Target>,
    /// 0 for keys, 1 for literal aliases, 2 for generated aliases: when spellings
    /// collide, a key beats any alias and a literal alias beats a generated one.
    rank: u8,
}

/// A spelling found in a buffer: `buf[start..end]` is `needle`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset just past the last byte.
    pub end: usize,
    needle: u32,
}

/// The compiled spellings of a set of flags.
#[derive(Debug, Clone)]
pub struct Matcher {
    needles: Vec<Needle>,
    table: Table,
    /// Bit `min(len, 63)` is set when some spelling's first token has that length.
    lengths: u64,
    /// Spellings that do not start with a token byte, and their needle indexes.
    odd: Option<(AhoCorasick, Vec<u32>)>,
}

impl Matcher {
    /// Compiles the keys, literal aliases and generated aliases of the flags of `file`
    /// (only of `only` when given: the flag indexes to search for).
    pub fn new(file: &FlagsFile, only: Option<&[usize]>) -> Matcher {
        let styles = &file.settings.scan.aliases;
        let mut spellings: Vec<(String, Target, u8)> = Vec::new();
        let selected: Vec<usize> = match only {
            Some(list) => list.to_vec(),
            None => (0..file.flags.len()).collect(),
        };
        for i in selected {
            let Some(flag) = file.flags.get(i) else {
                continue;
            };
            let key = |kind| Target { flag: i, kind };
            spellings.push((flag.key.clone(), key(RefKind::Key), 0));
            for alias in &flag.aliases {
                spellings.push((alias.value.clone(), key(RefKind::Alias), 1));
            }
            for alias in aliases::all(&flag.key, styles) {
                spellings.push((alias, key(RefKind::Alias), 2));
            }
        }
        Self::from_spellings(spellings)
    }

    /// Compiles `(spelling, target, rank)` triples.
    fn from_spellings(spellings: Vec<(String, Target, u8)>) -> Matcher {
        let mut index: std::collections::HashMap<String, usize> = Default::default();
        let mut needles: Vec<Needle> = Vec::new();
        for (text, target, rank) in spellings {
            if text.is_empty() {
                continue;
            }
            match index.get(&text) {
                Some(&i) => {
                    let n = &mut needles[i];
                    if rank < n.rank {
                        n.rank = rank;
                        n.targets = vec![target];
                    } else if rank == n.rank && !n.targets.iter().any(|t| t.flag == target.flag) {
                        n.targets.push(target);
                    }
                }
                None => {
                    index.insert(text.clone(), needles.len());
                    needles.push(Needle {
                        text: text.into_bytes().into_boxed_slice(),
                        targets: vec![target],
                        rank,
                    });
                }
            }
        }
        let mut table = Table::with_capacity(needles.len());
        let mut lengths = 0u64;
        let mut odd_ids = Vec::new();
        let mut odd_texts = Vec::new();
        for (i, n) in needles.iter().enumerate() {
            let head = n.text.iter().take_while(|&&b| is_token_byte(b)).count();
            if head == 0 {
                odd_ids.push(i as u32);
                odd_texts.push(n.text.clone());
                continue;
            }
            lengths |= 1 << head.min(63);
            table.insert(&n.text[..head], i as u32);
        }
        // Longest spelling first under each head, so the first that fits wins.
        table.sort_lists(|a, b| {
            needles[*b as usize]
                .text
                .len()
                .cmp(&needles[*a as usize].text.len())
        });
        let odd = if odd_ids.is_empty() {
            None
        } else {
            // Building an automaton over a handful of short strings cannot fail; if it
            // ever did, those spellings are simply not searched.
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&odd_texts)
                .ok()
                .map(|ac| (ac, odd_ids))
        };
        Matcher {
            needles,
            table,
            lengths,
            odd,
        }
    }

    /// Number of distinct spellings.
    pub fn len(&self) -> usize {
        self.needles.len()
    }

    /// Whether there is nothing to search for.
    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }

    /// The flags a hit stands for.
    pub fn targets(&self, hit: &Hit) -> &[Target] {
        &self.needles[hit.needle as usize].targets
    }

    /// Appends every hit in `buf` to `hits`, in increasing offset order, without
    /// overlaps.
    pub fn find(&self, buf: &[u8], hits: &mut Vec<Hit>) {
        let first = hits.len();
        let n = buf.len();
        let mut i = 0;
        while i < n {
            // Skip to the next token.
            while i < n && !TOKEN[buf[i] as usize] {
                i += 1;
            }
            let start = i;
            while i < n && TOKEN[buf[i] as usize] {
                i += 1;
            }
            let len = i - start;
            if len == 0 || self.lengths & (1 << len.min(63)) == 0 {
                continue;
            }
            let Some(list) = self.table.get(&buf[start..i]) else {
                continue;
            };
            for &id in list {
                let text = &self.needles[id as usize].text;
                let end = start + text.len();
                // The token equals the head; the rest of a longer spelling must follow
                // and end at a boundary.
                if end <= n && buf[i..end] == text[len..] && (end == n || !TOKEN[buf[end] as usize])
                {
                    hits.push(Hit {
                        start,
                        end,
                        needle: id,
                    });
                    i = end;
                    break;
                }
            }
        }
        if let Some((ac, ids)) = &self.odd {
            let before = hits.len();
            for m in ac.find_iter(buf) {
                let (s, e) = (m.start(), m.end());
                let ok_before = s == 0 || !TOKEN[buf[s - 1] as usize];
                let ok_after = e == n || !TOKEN[buf[e] as usize];
                if ok_before && ok_after {
                    hits.push(Hit {
                        start: s,
                        end: e,
                        needle: ids[m.pattern().as_usize()],
                    });
                }
            }
            if hits.len() > before {
                // Merge the two sorted runs, then drop any hit overlapping an earlier,
                // longer one.
                hits[first..].sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
                let mut kept = first;
                let mut last_end = 0;
                for j in first..hits.len() {
                    if kept == first || hits[j].start >= last_end {
                        last_end = hits[j].end;
                        hits[kept] = hits[j];
                        kept += 1;
                    }
                }
                hits.truncate(kept);
            }
        }
    }
}

/// Open-addressing hash table from a token to the needles filed under it. Faster than
/// `std::collections::HashMap` here because the hash is cheap and a probe compares an
/// inline hash before touching the key bytes.
#[derive(Debug, Clone)]
struct Table {
    /// `(hash, entry index + 1)`; 0 means empty.
    slots: Vec<(u64, u32)>,
    mask: usize,
    entries: Vec<(Box<[u8]>, Vec<u32>)>,
}

impl Table {
    fn with_capacity(n: usize) -> Table {
        // At most half full, so probes stay short.
        let size = (n.max(8) * 2).next_power_of_two();
        Table {
            slots: vec![(0, 0); size],
            mask: size - 1,
            entries: Vec::new(),
        }
    }

    fn insert(&mut self, key: &[u8], needle: u32) {
        let h = hash(key);
        let mut s = h as usize & self.mask;
        loop {
            let (sh, e) = self.slots[s];
            if e == 0 {
                self.entries.push((key.into(), vec![needle]));
                self.slots[s] = (h, self.entries.len() as u32);
                return;
            }
            if sh == h && *self.entries[e as usize - 1].0 == *key {
                self.entries[e as usize - 1].1.push(needle);
                return;
            }
            s = (s + 1) & self.mask;
        }
    }

    fn sort_lists(&mut self, cmp: impl Fn(&u32, &u32) -> std::cmp::Ordering) {
        for (_, list) in &mut self.entries {
            list.sort_by(&cmp);
        }
    }

    #[inline]
    fn get(&self, key: &[u8]) -> Option<&[u32]> {
        let h = hash(key);
        let mut s = h as usize & self.mask;
        loop {
            let (sh, e) = self.slots[s];
            if e == 0 {
                return None;
            }
            if sh == h {
                let (k, list) = &self.entries[e as usize - 1];
                if **k == *key {
                    return Some(list);
                }
            }
            s = (s + 1) & self.mask;
        }
    }
}

/// A fast non-cryptographic hash (FxHash's mixing over 8-byte words). Flag files are
/// trusted input and the table is per run, so flooding resistance is not needed.
#[inline]
fn hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    // Mix the high bits down: the slot index uses the low bits.
    h ^ (h >> 29)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(spellings: &[(&str, usize, RefKind, u8)]) -> Matcher {
        Matcher::from_spellings(
            spellings
                .iter()
                .map(|&(s, flag, kind, rank)| (s.to_string(), Target { flag, kind }, rank))
                .collect(),
        )
    }

    fn found(m: &Matcher, text: &str) -> Vec<(usize, String)> {
        let mut hits = Vec::new();
        m.find(text.as_bytes(), &mut hits);
        hits.iter()
            .map(|h| (h.start, text[h.start..h.end].to_string()))
            .collect()
    }

    #[test]
    fn whole_tokens_only() {
        let m = matcher(&[
            ("checkout", 0, RefKind::Key, 0),
            ("checkout-v2", 1, RefKind::Key, 0),
        ]);
        let text =
            "checkout checkout-v2 checkouts new_checkout_flow checkout-v2x x-checkout (checkout)";
        assert_eq!(
            found(&m, text),
            [
                (0, "checkout".to_string()),
                (9, "checkout-v2".to_string()),
                (74, "checkout".to_string())
            ]
        );
    }

    #[test]
    fn spellings_with_dots_longest_first() {
        let m = matcher(&[
            ("new", 0, RefKind::Key, 0),
            ("new.payment.processor", 1, RefKind::Alias, 2),
            ("payment", 2, RefKind::Key, 0),
        ]);
        assert_eq!(
            found(
                &m,
                "a.new.payment.processor.b new.payment.processorX new.payment"
            ),
            [
                (2, "new.payment.processor".to_string()),
                // `new` and `payment` stand alone: `.` is not a token byte.
                (26, "new".to_string()),
                (30, "payment".to_string()),
                (49, "new".to_string()),
                (53, "payment".to_string())
            ]
        );
    }

    #[test]
    fn collisions_keep_the_best_rank() {
        let m = matcher(&[
            ("foo_bar", 0, RefKind::Key, 0),
            ("foo_bar", 1, RefKind::Alias, 2),
            ("fooBar", 1, RefKind::Alias, 2),
            ("fooBar", 2, RefKind::Alias, 2),
        ]);
        let mut hits = Vec::new();
        m.find(b"foo_bar fooBar", &mut hits);
        assert_eq!(
            m.targets(&hits[0]),
            [Target {
                flag: 0,
                kind: RefKind::Key
            }]
        );
        assert_eq!(m.targets(&hits[1]).len(), 2);
    }

    #[test]
    fn odd_spellings_and_edges() {
        let m = matcher(&[("$FLAG", 0, RefKind::Alias, 1), ("k", 1, RefKind::Key, 0)]);
        assert_eq!(
            found(&m, "k $FLAG a$FLAG $FLAGS k"),
            [
                (0, "k".to_string()),
                (2, "$FLAG".to_string()),
                (22, "k".to_string())
            ]
        );
        assert_eq!(found(&m, ""), []);
        assert_eq!(found(&m, "\u{e9}k\u{e9}"), [(2, "k".to_string())]);
    }

    #[test]
    fn long_tokens_and_invalid_utf8() {
        let long = "a".repeat(100);
        let m = matcher(&[(&long, 0, RefKind::Key, 0), ("b", 1, RefKind::Key, 0)]);
        let text = format!("{long} {long}a");
        assert_eq!(found(&m, &text), [(0, long.clone())]);
        let mut hits = Vec::new();
        m.find(b"\xff\xfeb\xff", &mut hits);
        assert_eq!(hits.len(), 1);
    }

    #[test]
    fn table_grows_without_losing_entries() {
        let spellings: Vec<(String, Target, u8)> = (0..10_000)
            .map(|i| {
                (
                    format!("flag-{i}"),
                    Target {
                        flag: i,
                        kind: RefKind::Key,
                    },
                    0,
                )
            })
            .collect();
        let m = Matcher::from_spellings(spellings);
        let mut hits = Vec::new();
        m.find(b"flag-0 flag-9999 flag-10000", &mut hits);
        assert_eq!(hits.len(), 2);
        assert_eq!(m.targets(&hits[1])[0].flag, 9999);
    }
}
