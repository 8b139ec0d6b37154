//! Unified diffs of an edit, for `--dry-run`.
//!
//! The edit is already known as one [`Splice`] of whole lines, so the diff is
//! rendered from it directly instead of being rediscovered by a diff algorithm (which
//! could align repeated blank lines differently from what is actually written).

use super::Paint;
use crate::model::edit::{Splice, split_lines};

/// Lines of unchanged context around the change, as in `diff -u`.
pub const CONTEXT: usize = 3;

/// `text` before and after `splice` as a unified diff between `a/{display}` and
/// `b/{display}`, with one hunk. Lines are shown without their terminators; a missing
/// final newline is marked as `diff` does.
pub fn unified(display: &str, text: &str, splice: &Splice, paint: Paint) -> String {
    let lines = split_lines(text);
    let start = splice.start.min(lines.len());
    let end = (splice.start + splice.remove).min(lines.len());
    let from = start.saturating_sub(CONTEXT);
    let to = (end + CONTEXT).min(lines.len());
    let old_count = to - from;
    let new_count = old_count - (end - start) + splice.insert.len();
    // `diff` numbers an empty range by the line before it.
    let range = |first: usize, count: usize| {
        let first = if count == 0 { first } else { first + 1 };
        format!("{first},{count}")
    };
    let mut out = String::new();
    out.push_str(&paint.bold(&format!("--- a/{display}")));
    out.push('\n');
    out.push_str(&paint.bold(&format!("+++ b/{display}")));
    out.push('\n');
    let new_from = from;
    out.push_str(&paint.blue(&format!(
        "@@ -{} +{} @@",
        range(from, old_count),
        range(new_from, new_count)
    )));
    out.push('\n');
    let mut emit = |sign: char, line: &str| {
        let shown = line
            .strip_suffix('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .unwrap_or(line);
        let text = format!("{sign}{shown}");
        out.push_str(&match sign {
            '-' => paint.error(&text),
            '+' => paint.green(&text),
            _ => text,
        });
        out.push('\n');
        if !line.ends_with('\n') {
            out.push_str("\\ No newline at end of file\n");
        }
    };
    lines[from..start].iter().for_each(|l| emit(' ', l));
    lines[start..end].iter().for_each(|l| emit('-', l));
    splice.insert.iter().for_each(|l| emit('+', l));
    lines[end..to].iter().for_each(|l| emit(' ', l));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removal_with_context() {
        let text = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let splice = Splice {
            start: 3,
            remove: 2,
            insert: Vec::new(),
        };
        let diff = unified("f.yaml", text, &splice, Paint::PLAIN);
        assert_eq!(
            diff,
            "--- a/f.yaml\n+++ b/f.yaml\n@@ -1,8 +1,6 @@\n a\n b\n c\n-d\n-e\n f\n g\n h\n"
        );
    }

    #[test]
    fn insertion_at_end_without_newline() {
        let text = "a\nb";
        let splice = Splice {
            start: 1,
            remove: 1,
            insert: vec!["b\n".into(), "c\n".into()],
        };
        let diff = unified("f.yaml", text, &splice, Paint::PLAIN);
        assert_eq!(
            diff,
            "--- a/f.yaml\n+++ b/f.yaml\n@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c\n"
        );
    }
}
