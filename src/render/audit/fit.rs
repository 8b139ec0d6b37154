//! Fitting a document into a size budget, for Markdown that must fit a GitHub comment
//! (65,536 characters). The document is a sequence of [`Block`]s: text kept whole, and
//! lists whose items can be left out from the end, with a line saying how many were.
//!
//! When the whole document is too long, every top-level list is cut to a common cap,
//! the largest that lets the document fit: short lists stay whole and the longest ones
//! are cut first, all to about the same length. A list item may itself be a list (a
//! cleanup plan and its checklist), cut to whatever room is left for it.

/// A part of a document.
#[derive(Debug, Clone)]
pub enum Block {
    /// Text that is kept whole.
    Text(String),
    /// Items that may be left out from the end.
    List(List),
}

/// A list: `head`, items, the line standing for the items left out (if any), `tail`.
#[derive(Debug, Clone, Default)]
pub struct List {
    /// Written before the items (a heading, a table header, `<details>`).
    pub head: String,
    /// The items, in the order they are kept.
    pub items: Vec<Block>,
    /// The line that replaces left-out items: see [`count`].
    pub more: String,
    /// Written after the items (and after the `more` line).
    pub tail: String,
}

/// `template` with `{n}` replaced by `n`, and `{s}` by an `s` unless `n` is one.
fn count(template: &str, n: usize) -> String {
    template
        .replace("{n}", &n.to_string())
        .replace("{s}", if n == 1 { "" } else { "s" })
}

/// Length in characters, which is what GitHub counts.
fn len(s: &str) -> usize {
    s.chars().count()
}

impl Block {
    /// The length of the block with nothing left out.
    fn full_len(&self) -> usize {
        match self {
            Block::Text(t) => len(t),
            Block::List(l) => l.full_len(),
        }
    }

    /// Writes the block, cutting it (if it is a list) to at most `cap` characters
    /// where that is possible; returns what was written.
    fn render(&self, cap: usize) -> String {
        match self {
            Block::Text(t) => t.clone(),
            Block::List(l) => l.render(cap),
        }
    }
}

impl List {
    /// The length of the list with nothing left out.
    fn full_len(&self) -> usize {
        len(&self.head) + self.items.iter().map(Block::full_len).sum::<usize>() + len(&self.tail)
    }

    /// The line for `n` left-out items.
    fn more_line(&self, n: usize) -> String {
        count(&self.more, n)
    }

    /// The list in at most `cap` characters, if its head, tail and `more` line fit in
    /// that; else as short as it gets (no items).
    fn render(&self, cap: usize) -> String {
        let mut out = self.head.clone();
        if self.full_len() <= cap {
            for item in &self.items {
                out.push_str(&item.render(usize::MAX));
            }
            out.push_str(&self.tail);
            return out;
        }
        // Room for the `more` line as long as it can get (every item left out).
        let fixed = len(&self.head) + len(&self.tail) + len(&self.more_line(self.items.len()));
        let budget = cap.saturating_sub(fixed);
        let mut used = 0;
        let mut kept = 0;
        for item in &self.items {
            let piece = item.render(budget - used);
            let n = len(&piece);
            if used + n > budget {
                break;
            }
            out.push_str(&piece);
            used += n;
            kept += 1;
        }
        if kept < self.items.len() {
            out.push_str(&self.more_line(self.items.len() - kept));
        }
        out.push_str(&self.tail);
        out
    }
}

/// Every block, top-level lists cut to `cap` characters each.
fn render_all(blocks: &[Block], cap: usize) -> String {
    blocks.iter().map(|b| b.render(cap)).collect()
}

/// The document in at most `max` characters: whole if it fits; else with the longest
/// lists cut to a common cap; else (when even every list cut to nothing is too long)
/// the leading blocks that fit, followed by `rest`, a line about the `{n}` blocks left
/// out (see [`count`]). Only when `max` cannot even hold the first block is the text cut
/// mid-block, at a line boundary.
pub fn fit(blocks: &[Block], max: usize, rest: &str) -> String {
    let full: usize = blocks.iter().map(Block::full_len).sum();
    if full <= max {
        return render_all(blocks, usize::MAX);
    }
    let shortest = render_all(blocks, 0);
    if len(&shortest) <= max {
        // The largest cap that fits. Cutting is monotone enough for a binary search:
        // `lo` always fits.
        let (mut lo, mut hi) = (0, max);
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            if len(&render_all(blocks, mid)) <= max {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return render_all(blocks, lo);
    }
    leading_blocks(blocks, max, rest)
}

/// The leading blocks (lists as short as they get) that fit in `max` with the `rest`
/// line after them.
fn leading_blocks(blocks: &[Block], max: usize, rest: &str) -> String {
    let rest_line = |n: usize| count(rest, n);
    let mut out = String::new();
    let mut used = 0;
    for (i, block) in blocks.iter().enumerate() {
        let piece = block.render(0);
        let n = len(&piece);
        let after = rest_line(blocks.len() - i - 1);
        let tail = if i + 1 == blocks.len() {
            0
        } else {
            len(&after)
        };
        if used + n + tail > max {
            let note = rest_line(blocks.len() - i);
            if i == 0 {
                return hard_cut(&piece, max.saturating_sub(len(&note))) + &note;
            }
            out.push_str(&note);
            return out;
        }
        out.push_str(&piece);
        used += n;
    }
    out
}

/// The longest prefix of `text` ending at a line end and at most `max` characters.
fn hard_cut(text: &str, max: usize) -> String {
    let prefix: String = text.chars().take(max).collect();
    match prefix.rfind('\n') {
        Some(i) => prefix[..=i].to_string(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(name: &str, items: usize, width: usize) -> Block {
        Block::List(List {
            head: format!("## {name}\n"),
            items: (0..items)
                .map(|i| Block::Text(format!("{i:0width$}\n")))
                .collect(),
            more: "({n} more)\n".into(),
            tail: "\n".into(),
        })
    }

    #[test]
    fn a_document_that_fits_is_unchanged() {
        let doc = [Block::Text("# t\n".into()), list("a", 3, 4)];
        assert_eq!(fit(&doc, 1000, ""), "# t\n## a\n0000\n0001\n0002\n\n");
    }

    #[test]
    fn the_longest_list_is_cut_first() {
        let doc = [list("short", 2, 4), list("long", 100, 9)];
        let out = fit(&doc, 200, "");
        assert!(len(&out) <= 200, "{out}");
        // The short list stays whole; the long one says what it left out.
        assert!(
            out.starts_with("## short\n0000\n0001\n\n## long\n"),
            "{out}"
        );
        let more = out.lines().find(|l| l.ends_with("more)")).expect(&out);
        let kept = out
            .lines()
            .filter(|l| l.len() == 9 && l.bytes().all(|b| b.is_ascii_digit()))
            .count();
        assert_eq!(more, format!("({} more)", 100 - kept));
        assert!(kept > 5, "{out}");
    }

    #[test]
    fn nested_lists_are_cut_to_the_room_left() {
        let inner = |name: &str| list(name, 50, 9);
        let doc = [Block::List(List {
            head: "# plans\n".into(),
            items: vec![inner("x"), inner("y")],
            more: "{n} more plans\n".into(),
            tail: String::new(),
        })];
        let out = fit(&doc, 300, "");
        assert!(len(&out) <= 300, "{out}");
        assert!(out.contains("## x\n000000000\n"), "{out}");
        assert!(out.contains(" more)\n"), "{out}");
    }

    #[test]
    fn whole_blocks_are_dropped_when_cutting_lists_is_not_enough() {
        let doc: Vec<Block> = (0..50).map(|i| list(&format!("s{i}"), 10, 4)).collect();
        let out = fit(&doc, 300, "{n} sections left out\n");
        assert!(len(&out) <= 300, "{out}");
        assert!(out.ends_with(" sections left out\n"), "{out}");
        assert!(out.starts_with("## s0\n(10 more)\n"), "{out}");
    }

    #[test]
    fn a_tiny_budget_still_holds() {
        let doc = [Block::Text("line one\nline two\nline three\n".into())];
        let out = fit(&doc, 25, "(cut)\n");
        assert!(len(&out) <= 25, "{out}");
        assert_eq!(out, "line one\nline two\n(cut)\n");
    }
}
