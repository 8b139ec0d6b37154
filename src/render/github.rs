//! GitHub Actions workflow commands: `::error file=F,line=L,col=C,title=T::message`,
//! which GitHub shows as annotations on the exact line of a pull request.

use crate::diag::{Diagnostic, Severity};
use std::io::{self, Write};

/// Escapes a message per the workflow-command rules.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (also `:` and `,`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Writes one annotation per diagnostic.
pub fn write_all(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(
            out,
            "::{level} file={},line={},col={},title={}::{}",
            escape_property(&d.file),
            d.line,
            d.column,
            escape_property(&format!("flagctl {}", d.code)),
            escape_data(&d.message)
        )?;
    }
    Ok(())
}
