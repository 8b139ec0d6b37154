//! Human-readable diagnostics: a header, the location, the offending line and a caret
//! under the column (in the style of rustc and ruff).

use super::{Diagnostic, Paint, Severity};
use std::io::{self, Write};

/// Writes one diagnostic. `source` is the text of the file it points into, when
/// available, to show the offending line.
pub fn write_diagnostic<W: Write>(
    out: &mut W,
    d: &Diagnostic,
    source: Option<&str>,
    paint: Paint,
) -> io::Result<()> {
    let label = match d.severity {
        Severity::Error => paint.error(&format!("error[{}]", d.code)),
        Severity::Warning => paint.warning(&format!("warning[{}]", d.code)),
    };
    writeln!(out, "{label}: {}", paint.bold(&d.message))?;
    let gutter = d.line.to_string().len();
    writeln!(
        out,
        "{:gutter$}{} {}:{}:{}",
        "",
        paint.blue("-->"),
        d.file,
        d.line,
        d.column
    )?;
    let Some(line) = source.and_then(|s| s.lines().nth(d.line.saturating_sub(1) as usize)) else {
        return writeln!(out);
    };
    let line = line.trim_end_matches('\r');
    let bar = paint.blue("|");
    writeln!(out, "{:gutter$} {bar}", "")?;
    writeln!(
        out,
        "{} {bar} {}",
        paint.blue(&d.line.to_string()),
        line.replace('\t', " ")
    )?;
    let col = d.column.saturating_sub(1) as usize;
    let width = token_width(line, col);
    let marker = "^".repeat(width);
    let marker = match d.severity {
        Severity::Error => paint.error(&marker),
        Severity::Warning => paint.warning(&marker),
    };
    writeln!(out, "{:gutter$} {bar} {:col$}{marker}", "", "")?;
    writeln!(out)
}

/// Width of the token starting at character `col`: up to the next space, colon or
/// bracket, at least 1.
fn token_width(line: &str, col: usize) -> usize {
    line.chars()
        .skip(col)
        .take_while(|c| !c.is_whitespace() && !matches!(c, ':' | ',' | '[' | ']' | '{' | '}'))
        .count()
        .max(1)
}

/// Writes all diagnostics followed by a summary line for `file`.
pub fn write_all<W: Write>(
    out: &mut W,
    diagnostics: &[Diagnostic],
    source: Option<&str>,
    paint: Paint,
) -> io::Result<()> {
    for d in diagnostics {
        write_diagnostic(out, d, source, paint)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Code, Pos};

    #[test]
    fn caret_under_token() {
        let d = Diagnostic::error(
            "flags.yaml",
            Pos::new(2, 5),
            Code::UnknownField,
            "unknown field `ownr`",
        );
        let mut out = Vec::new();
        write_diagnostic(&mut out, &d, Some("a:\n    ownr: x\n"), Paint::PLAIN).expect("write");
        let text = String::from_utf8(out).expect("utf8");
        assert!(text.contains("2 |     ownr: x\n  |     ^^^^\n"), "{text}");
    }
}
