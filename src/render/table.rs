//! The one table style of every terminal table: a condensed UTF-8 frame with a bold
//! header, fitted to the terminal. When a table is wider than [`Printer::width`], only
//! the columns marked as prose are wrapped (at spaces); keys, paths and numbers are
//! never broken, so they can still be copied and searched for.

use super::Printer;
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

/// Narrowest a prose column is squeezed to before the table is allowed to overflow.
const MIN_PROSE: usize = 12;

/// Colors a cell: `(row, column, plain text) -> text to print` (widths are measured on
/// the plain text).
type Style<'a> = Box<dyn Fn(usize, usize, &str) -> String + 'a>;

/// A table being built.
pub struct Table<'a> {
    header: Vec<&'a str>,
    rows: Vec<Vec<String>>,
    right: Vec<usize>,
    prose: Vec<usize>,
    style: Option<Style<'a>>,
}

impl<'a> Table<'a> {
    /// A table with these column headers.
    pub fn new(header: &[&'a str]) -> Table<'a> {
        Table {
            header: header.to_vec(),
            rows: Vec::new(),
            right: Vec::new(),
            prose: Vec::new(),
            style: None,
        }
    }

    /// Right-aligns these columns (numbers).
    pub fn right(mut self, columns: &[usize]) -> Self {
        self.right = columns.to_vec();
        self
    }

    /// Lets these columns wrap when the table is too wide.
    pub fn prose(mut self, columns: &[usize]) -> Self {
        self.prose = columns.to_vec();
        self
    }

    /// Colors cells.
    pub fn style(mut self, style: impl Fn(usize, usize, &str) -> String + 'a) -> Self {
        self.style = Some(Box::new(style));
        self
    }

    /// Adds a row (missing cells are empty).
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Column widths that fit `width`, shrinking prose columns only.
    fn widths(&self, width: usize) -> Vec<usize> {
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.width()).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                let longest = cell.lines().map(UnicodeWidthStr::width).max().unwrap_or(0);
                *w = (*w).max(longest);
            }
        }
        // Each column costs its width plus two spaces and a separator; one more for the
        // left border.
        let total = |w: &[usize]| w.iter().map(|c| c + 3).sum::<usize>() + 1;
        // A prose column never gets narrower than its longest word: a key or path in
        // prose (`recommendation-algorithm`) stays whole and the table goes wider.
        let floor: Vec<usize> = (0..widths.len())
            .map(|c| {
                let longest_word = self
                    .rows
                    .iter()
                    .filter_map(|row| row.get(c))
                    .flat_map(|cell| cell.split_whitespace())
                    .map(UnicodeWidthStr::width)
                    .max()
                    .unwrap_or(0);
                longest_word.max(MIN_PROSE)
            })
            .collect();
        let mut over = total(&widths).saturating_sub(width);
        while over > 0 {
            let widest = self
                .prose
                .iter()
                .copied()
                .filter(|&c| widths.get(c).is_some_and(|&w| w > floor[c]))
                .max_by_key(|&c| widths[c]);
            let Some(c) = widest else { break };
            widths[c] -= 1;
            over -= 1;
        }
        widths
    }

    /// Writes the table.
    pub fn write(&self, out: &mut dyn Write, p: &Printer) -> io::Result<()> {
        let widths = self.widths(p.width);
        let rule = |left: &str, fill: &str, mid: &str, right: &str| {
            let parts: Vec<String> = widths.iter().map(|w| fill.repeat(w + 2)).collect();
            format!("{left}{}{right}\n", parts.join(mid))
        };
        out.write_all(rule("┌", "─", "┬", "┐").as_bytes())?;
        let head: Vec<String> = self.header.iter().map(|h| h.to_string()).collect();
        self.write_row(out, &widths, &head, None, p)?;
        out.write_all(rule("╞", "═", "╪", "╡").as_bytes())?;
        for (r, row) in self.rows.iter().enumerate() {
            self.write_row(out, &widths, row, Some(r), p)?;
        }
        out.write_all(rule("└", "─", "┴", "┘").as_bytes())
    }

    /// One row, over as many lines as its wrapped cells need. `row` is `None` for the
    /// header.
    fn write_row(
        &self,
        out: &mut dyn Write,
        widths: &[usize],
        cells: &[String],
        row: Option<usize>,
        p: &Printer,
    ) -> io::Result<()> {
        let lines: Vec<Vec<String>> = widths
            .iter()
            .enumerate()
            .map(|(c, &w)| {
                let text = cells.get(c).map_or("", String::as_str);
                if self.prose.contains(&c) {
                    wrap(text, w)
                } else {
                    text.lines().map(String::from).collect()
                }
            })
            .collect();
        let height = lines.iter().map(Vec::len).max().unwrap_or(0).max(1);
        for i in 0..height {
            let mut s = String::from("│");
            for (c, &w) in widths.iter().enumerate() {
                let plain = lines[c].get(i).map_or("", String::as_str);
                let shown = match (row, &self.style) {
                    (None, _) => p.paint.bold(plain),
                    (Some(r), Some(style)) if !plain.is_empty() => style(r, c, plain),
                    _ => plain.to_string(),
                };
                let pad = " ".repeat(w.saturating_sub(plain.width()));
                if self.right.contains(&c) {
                    s.push_str(&format!(" {pad}{shown} "));
                } else {
                    s.push_str(&format!(" {shown}{pad} "));
                }
                s.push_str(if c + 1 == widths.len() { "│" } else { "┆" });
            }
            s.push('\n');
            out.write_all(s.as_bytes())?;
        }
        Ok(())
    }
}

/// Breaks `text` into lines of at most `width` columns at spaces; a word longer than
/// the width is cut.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let needed = if line.is_empty() { 0 } else { 1 } + word.width();
            if !line.is_empty() && line.width() + needed > width {
                lines.push(std::mem::take(&mut line));
            }
            let mut word = word;
            while word.width() > width {
                let cut = cut_at(
                    word,
                    width
                        .saturating_sub(line.width() + usize::from(!line.is_empty()))
                        .max(1),
                );
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(&word[..cut]);
                lines.push(std::mem::take(&mut line));
                word = &word[cut..];
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// The byte index after the longest prefix of `word` at most `width` columns wide (at
/// least one character).
fn cut_at(word: &str, width: usize) -> usize {
    let mut used = 0;
    for (i, ch) in word.char_indices() {
        let w = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
        if used + w > width && i > 0 {
            return i;
        }
        used += w;
    }
    word.len()
}

/// The width tables are fitted to: `COLUMNS` when set, else the terminal's width when
/// stdout is one, else 100.
pub fn terminal_width() -> usize {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
    {
        return n;
    }
    terminal_size::terminal_size().map_or(100, |(w, _)| usize::from(w.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(t: &Table, width: usize) -> String {
        let mut out = Vec::new();
        let p = Printer {
            width,
            ..Printer::PLAIN
        };
        t.write(&mut out, &p).expect("write");
        String::from_utf8(out).expect("utf8")
    }

    #[test]
    fn fits_by_wrapping_prose_only() {
        let mut t = Table::new(&["key", "path", "details"]).prose(&[2]);
        t.row(vec![
            "a-flag".into(),
            "src/some/long/path.ts".into(),
            "a long sentence that explains what is wrong with this flag".into(),
        ]);
        let text = render(&t, 60);
        assert!(text.lines().all(|l| l.width() <= 60), "{text}");
        assert!(text.contains("src/some/long/path.ts"), "{text}");
        let wide = render(&t, 200);
        assert_eq!(wide.lines().count(), 5, "{wide}");
    }

    #[test]
    fn prose_never_cuts_a_word() {
        let mut t = Table::new(&["flag", "advice"]).prose(&[1]);
        t.row(vec![
            "a".into(),
            "remove `recommendation-algorithm` and its branches from the code".into(),
        ]);
        let text = render(&t, 30);
        assert!(text.contains("`recommendation-algorithm`"), "{text}");
    }

    #[test]
    fn wraps_words_and_cuts_long_ones() {
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("", 3), [""]);
    }
}
