//! Sentences about what was read, for `--explain-usage` and for warnings, so every
//! command that takes usage data says the same thing the same way.

use super::source::{Source, SourceFormat};
use super::summary::Usage;
use chrono::NaiveDate;

fn plural(n: u64, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// One line per input: the detected format and what it held.
pub fn explain(source: &Source) -> String {
    let mut s = format!("{}: {}", source.path, source.format);
    if let Some(c) = source.compression {
        s.push_str(&format!(" ({})", c.as_str()));
    }
    if source.format == SourceFormat::Empty {
        return s;
    }
    s.push_str(&format!(
        ", {}, {}, {}",
        plural(source.lines, "line"),
        plural(source.records, "record"),
        plural(source.evaluations, "evaluation")
    ));
    if let Some(o) = &source.otlp {
        let mut parts = Vec::new();
        for (n, what) in [
            (o.log_event_name, "log records named by `eventName`"),
            (
                o.log_event_attribute,
                "log records named by an `event.name` attribute",
            ),
            (
                o.log_unnamed,
                "log records with `feature_flag.key` and no event name",
            ),
            (o.span_events, "`feature_flag` span events"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        if !parts.is_empty() {
            s.push_str(&format!(" ({})", parts.join(", ")));
        }
    }
    if source.skipped.count > 0 {
        s.push_str(&format!(
            ", {} skipped",
            plural(source.skipped.count, "line")
        ));
    }
    s
}

/// Warnings about what was read: skipped lines (with their numbers), incomplete
/// records, evaluations dated after `today`, inputs without any evaluation.
pub fn warnings(usage: &Usage, today: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    for s in &usage.inputs {
        let k = &s.skipped;
        if k.count > 0 {
            let lines: Vec<String> = k.lines.iter().map(u64::to_string).collect();
            let more = if k.count > k.lines.len() as u64 {
                ", ..."
            } else {
                ""
            };
            out.push(format!(
                "{}: skipped {} that could not be read (line {}{more}): {}",
                s.path,
                plural(k.count, "line"),
                lines.join(", "),
                k.first_error.as_deref().unwrap_or("malformed")
            ));
        }
        if s.incomplete > 0 {
            out.push(format!(
                "{}: ignored {} without a flag key or a time",
                s.path,
                plural(s.incomplete, "flag evaluation record")
            ));
        }
        if s.format != SourceFormat::Empty && s.evaluations == 0 && s.skipped.count == 0 {
            out.push(format!("{}: no flag evaluations found", s.path));
        }
    }
    if let Some(w) = &usage.window {
        if w.last_day() > today {
            out.push(format!(
                "the data has evaluations dated after today ({}, latest {}); findings count only up to today",
                today,
                w.last_day()
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::read_bytes;

    #[test]
    fn explains_format_and_counts_and_warns_about_skipped_lines() {
        let text = "{\"flag\":\"a\",\"last_evaluated\":\"2030-01-01\",\"count\":3}\nnot json\n";
        let u = read_bytes(text.as_bytes()).unwrap();
        assert_eq!(
            explain(&u.inputs[0]),
            "<input>: JSON Lines summary, 2 lines, 1 record, 3 evaluations, 1 line skipped"
        );
        let w = warnings(&u, "2026-01-01".parse().unwrap());
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[0].starts_with("<input>: skipped 1 line that could not be read (line 2): "));
        assert!(w[1].contains("dated after today"));
    }
}
