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
