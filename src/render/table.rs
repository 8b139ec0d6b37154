//! The one table style of every terminal table (comfy-table's condensed UTF-8 frame,
//! bold header). Colors inside cells go through comfy-table, which measures widths
//! correctly only when it applies the styles itself.

use super::Paint;
use comfy_table::{Attribute, Cell, ContentArrangement, Table, presets};

/// A table with `header`, styled when `paint` is enabled.
pub fn new<I, S>(header: I, paint: Paint) -> Table
where
    I: IntoIterator<Item = S>,
    S: ToString,
{
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(
            header
                .into_iter()
                .map(|h| Cell::new(h).add_attribute(Attribute::Bold)),
        );
    if paint.enabled {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t
}

/// Streams a table in the same style as [`new`] straight to `out`. For the commands
/// that print one row per flag (`list`, `eval`): at 10,000 rows comfy-table's per-cell
/// layout costs a quarter of the run, and these tables need no wrapping. Columns in
/// `right` are right-aligned; `style` may color a cell's text (widths are measured on
/// the plain text).
pub fn write_rows<W: std::io::Write>(
    out: &mut W,
    header: &[&str],
    rows: &[Vec<String>],
    right: &[usize],
    paint: Paint,
    style: impl Fn(usize, usize, &str) -> String,
) -> std::io::Result<()> {
    use unicode_width::UnicodeWidthStr;
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let rule = |left: &str, fill: &str, mid: &str, right: &str| {
        let parts: Vec<String> = widths.iter().map(|w| fill.repeat(w + 2)).collect();
        format!("{left}{}{right}\n", parts.join(mid))
    };
    let line = |cells: &mut dyn Iterator<Item = (usize, &str, String)>| {
        let mut s = String::from("│");
        for (i, plain, shown) in cells {
            let pad = " ".repeat(widths[i].saturating_sub(plain.width()));
            if right.contains(&i) {
                s.push_str(&format!(" {pad}{shown} "));
            } else {
                s.push_str(&format!(" {shown}{pad} "));
            }
            s.push_str(if i + 1 == widths.len() { "│" } else { "┆" });
        }
        s.push('\n');
        s
    };
    out.write_all(rule("┌", "─", "┬", "┐").as_bytes())?;
    let mut head = header
        .iter()
        .enumerate()
        .map(|(i, h)| (i, *h, paint.bold(h)));
    out.write_all(line(&mut head).as_bytes())?;
    out.write_all(rule("╞", "═", "╪", "╡").as_bytes())?;
    for (r, row) in rows.iter().enumerate() {
        let mut cells = row
            .iter()
            .enumerate()
            .map(|(i, c)| (i, c.as_str(), style(r, i, c)));
        out.write_all(line(&mut cells).as_bytes())?;
    }
    out.write_all(rule("└", "─", "┴", "┘").as_bytes())
}
