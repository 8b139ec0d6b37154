//! Human-readable diagnostics: a header, the location, the offending line and a caret
//! line under the offending text (in the style of rustc and ruff).

use super::Paint;
use crate::diag::{Diagnostic, Severity};
// Lines as positions count them (a lone `\r` ends a line too).
use crate::model::yaml::lines;
use std::io::{self, Write};

/// Writes one diagnostic. `source` is the text of the file it points into, when
/// available, to show the offending line.
pub fn write_diagnostic(
    out: &mut dyn Write,
    d: &Diagnostic,
    source: Option<&str>,
    paint: Paint,
) -> io::Result<()> {
    let line = source.and_then(|s| lines(s).nth(d.line.saturating_sub(1) as usize));
    write_with_line(out, d, line, paint)
}

/// Writes one diagnostic quoting `line`, the text of the line it points at.
fn write_with_line(
    out: &mut dyn Write,
    d: &Diagnostic,
    line: Option<&str>,
    paint: Paint,
) -> io::Result<()> {
    let label = match d.severity {
        Severity::Error => paint.error(&format!("error[{}]", d.code)),
        Severity::Warning => paint.warning(&format!("warning[{}]", d.code)),
    };
    writeln!(out, "{label}: {}", paint.bold(&d.message))?;
    let gutter = " ".repeat(d.line.to_string().len());
    writeln!(
        out,
        "{gutter}{} {}:{}:{}",
        paint.blue("-->"),
        escape(&d.file),
        d.line,
        d.column
    )?;
    let Some(line) = line else {
        return writeln!(out);
    };
    let line = line.trim_end_matches('\r');
    let bar = paint.blue("|");
    writeln!(out, "{gutter} {bar}")?;
    writeln!(
        out,
        "{} {bar} {}",
        paint.blue(&d.line.to_string()),
        escape(&line.replace('\t', " "))
    )?;
    let col = d.column.saturating_sub(1) as usize;
    let width = match d.end {
        Some(end) if end.line == d.line && end.column > d.column => {
            (end.column - d.column) as usize
        }
        _ => token_width(line, col),
    };
    let marker = "^".repeat(width);
    let marker = match d.severity {
        Severity::Error => paint.error(&marker),
        Severity::Warning => paint.warning(&marker),
    };
    // Padding by repetition: a `{:width$}` format panics on widths over 65,535.
    writeln!(out, "{gutter} {bar} {}{marker}", " ".repeat(col))?;
    writeln!(out)
}

/// Width of the token starting at character `col`: up to the next space, colon or
/// bracket, at least 1. Used when a diagnostic does not know where its text ends.
fn token_width(line: &str, col: usize) -> usize {
    line.chars()
        .skip(col)
        .take_while(|c| !c.is_whitespace() && !matches!(c, ':' | ',' | '[' | ']' | '{' | '}'))
        .count()
        .max(1)
}

/// Writes every diagnostic; each quotes its line from the matching source, if any.
pub fn write_all(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &[(&str, &str)],
    paint: Paint,
) -> io::Result<()> {
    // Each source is cut into lines once, when a diagnostic first needs it: finding
    // the line anew for each of 5,000 warnings in a 3 MB file was quadratic.
    let mut indexed: Vec<Option<Vec<&str>>> = vec![None; sources.len()];
    for d in diagnostics {
        let line = sources
            .iter()
            .position(|(file, _)| *file == d.file)
            .and_then(|i| {
                let index = indexed[i].get_or_insert_with(|| lines(sources[i].1).collect());
                index.get(d.line.saturating_sub(1) as usize).copied()
            });
        write_with_line(out, d, line, paint)?;
    }
    Ok(())
}

/// Text from files and file names made safe for a terminal: control characters
/// (newlines, escape sequences) are shown as `\n`, `\x1b` and so on, as `ls` and `git`
/// quote them, so a hostile name cannot move the cursor or recolor the screen.
pub fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut s = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            c if c.is_control() => {
                let code = u32::from(c);
                if code <= 0xff {
                    s.push_str(&format!("\\x{code:02x}"));
                } else {
                    s.push_str(&format!("\\u{{{code:x}}}"));
                }
            }
            c => s.push(c),
        }
    }
    std::borrow::Cow::Owned(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Code, Pos, Span};

    fn render(d: &Diagnostic, source: &str) -> String {
        let mut out = Vec::new();
        write_diagnostic(&mut out, d, Some(source), Paint::PLAIN).expect("write");
        String::from_utf8(out).expect("utf8")
    }

    #[test]
    fn caret_under_token() {
        let d = Diagnostic::error(
            "flags.yaml",
            Pos::new(2, 5),
            Code::UnknownField,
            "unknown field `ownr`",
        );
        let text = render(&d, "a:\n    ownr: x\n");
        assert!(text.contains("2 |     ownr: x\n  |     ^^^^\n"), "{text}");
    }

    #[test]
    fn carets_under_a_known_span() {
        let d = Diagnostic::error(
            "flags.yaml",
            Span::new(Pos::new(1, 10), Pos::new(1, 25)),
            Code::InvalidDate,
            "not a date",
        );
        let text = render(&d, "expires: tomorrow please\n");
        assert!(text.contains("|          ^^^^^^^^^^^^^^^\n"), "{text}");
    }

    #[test]
    fn huge_columns_and_hostile_names() {
        let d = Diagnostic::error("a\nb\x1b[31m", Pos::new(1, 70_000), Code::YamlSyntax, "x");
        let text = render(&d, &"a".repeat(70_001));
        assert!(text.contains("a\\nb\\x1b[31m:1:70000"), "{text}");
        assert!(!text.contains('\x1b'));
    }
}
