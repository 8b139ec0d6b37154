//! Text edits on source files: byte-range replacements applied together, whole-line
//! deletions, and re-indentation of a block lifted out of its braces.

/// One replacement of `text[start..end]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Splice {
    /// First byte replaced.
    pub start: usize,
    /// Byte after the last one replaced.
    pub end: usize,
    /// The new text.
    pub with: String,
    /// The rule that made it.
    pub rule: &'static str,
}

/// Applies non-overlapping splices (any order) to `text`. Overlapping ones are
/// dropped, keeping the one that starts first (the outermost for nested nodes).
/// Returns the new text and the splices applied, in order.
pub fn apply(text: &str, mut splices: Vec<Splice>) -> (String, Vec<Splice>) {
    splices.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut kept: Vec<Splice> = Vec::new();
    for s in splices {
        if kept.last().is_some_and(|k| {
            s.start < k.end || (s.start == k.start && k.start == k.end && s.start == s.end)
        }) {
            continue;
        }
        kept.push(s);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for s in &kept {
        out.push_str(&text[at..s.start]);
        out.push_str(&s.with);
        at = s.end;
    }
    out.push_str(&text[at..]);
    (out, kept)
}

/// Start of the line holding byte `at`.
pub fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// End of the line holding byte `at` (before its `\n`).
pub fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i)
}

/// The indentation of the line holding byte `at`.
pub fn indent_at(text: &str, at: usize) -> &str {
    let s = line_start(text, at);
    let rest = &text[s..];
    let n = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    &rest[..n]
}

/// The range to delete to remove `text[start..end]`: whole lines (with their line
/// ending) when nothing else is on them (a trailing `;` or `,` counts as part of the
/// node), else just the range.
pub fn deletion(text: &str, start: usize, end: usize) -> (usize, usize) {
    let ls = line_start(text, start);
    let le = line_end(text, end);
    let before_blank = text[ls..start].trim().is_empty();
    let after = text[end..le].trim();
    let after_blank = after.is_empty() || after == ";" || after == ",";
    if before_blank && after_blank {
        let mut stop = if le < text.len() { le + 1 } else { le };
        // Deleting lines between two blank lines would leave two in a row: take one.
        let prev_blank = ls > 0 && text[line_start(text, ls - 1)..ls].trim().is_empty();
        let next_blank = stop < text.len() && text[stop..line_end(text, stop)].trim().is_empty();
        if prev_blank && next_blank {
            stop = (line_end(text, stop) + 1).min(text.len());
        }
        (ls, stop)
    } else {
        (start, end)
    }
}

/// A splice deleting `text[start..end]` (see [`deletion`]).
pub fn delete(text: &str, start: usize, end: usize, rule: &'static str) -> Splice {
    let (s, e) = deletion(text, start, end);
    Splice {
        start: s,
        end: e,
        with: String::new(),
        rule,
    }
}

/// The lines of `text[start..end]` (from the start of `start`'s line), their common
/// indentation removed and `indent` put before every non-blank line but the first,
/// which starts at the column being replaced. Lines listed in `keep` (by their start
/// offset: continuation lines of multi-line strings) are left as they are.
pub fn reindent(text: &str, start: usize, end: usize, indent: &str, keep: &[usize]) -> String {
    // A statement that shares its first line with other code starts where it starts.
    let ls = line_start(text, start);
    let from = if text[ls..start].trim().is_empty() {
        ls
    } else {
        start
    };
    let block = &text[from..end];
    let mut offset = from;
    let mut lines: Vec<(usize, &str)> = Vec::new();
    for l in block.split_inclusive('\n') {
        lines.push((offset, l));
        offset += l.len();
    }
    let common = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i > 0 || from == ls)
        .map(|(_, x)| x)
        .filter(|(o, l)| !l.trim().is_empty() && !keep.contains(o))
        .map(|(_, l)| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let mut out = String::new();
    for (i, (o, l)) in lines.iter().enumerate() {
        if keep.contains(o) {
            out.push_str(l);
            continue;
        }
        let body = if l.trim().is_empty() {
            l.trim_start_matches([' ', '\t'])
        } else {
            &l[common.min(l.len())..]
        };
        if i > 0 && !l.trim().is_empty() {
            out.push_str(indent);
        }
        out.push_str(body);
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deletes_whole_lines_when_alone() {
        let t = "a\n  b;\nc\n";
        let s = t.find('b').expect("b");
        assert_eq!(deletion(t, s, s + 1), (2, 7));
        let t = "x = b + c\n";
        assert_eq!(deletion(t, 4, 5), (4, 5));
    }

    #[test]
    fn reindents_a_lifted_block() {
        let t = "if (x) {\n        a();\n        if (y) {\n            b();\n        }\n    }";
        let s = t.find("a()").expect("a");
        let e = t.rfind("        }").expect("end") + 9;
        assert_eq!(
            reindent(t, s, e, "    ", &[]),
            "a();\n    if (y) {\n        b();\n    }"
        );
    }

    #[test]
    fn applies_outermost_of_overlapping() {
        let sp = |s, e, w: &str| Splice {
            start: s,
            end: e,
            with: w.into(),
            rule: "t",
        };
        let (out, kept) = apply("abcdef", vec![sp(2, 3, "X"), sp(1, 4, "Y"), sp(5, 6, "")]);
        assert_eq!(out, "aYe");
        assert_eq!(kept.len(), 2);
    }
}
