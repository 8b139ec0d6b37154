//! `validate` and `check`: diagnostics with the offending line, then a verdict.

use super::{Printer, Report, text};
use crate::diag::Diagnostic;
use crate::lifecycle::Gate;
use crate::model::Validation;
use crate::text::plural;
use std::io::{self, Write};

impl Report for Validation<'_> {
    fn command(&self) -> &'static str {
        "validate"
    }

    fn human(&self, out: &mut dyn Write, p: &Printer) -> io::Result<()> {
        text::write_all(out, self.diagnostics, &[(self.file, self.source)], p.paint)?;
        if p.quiet {
            return Ok(());
        }
        let line = if self.errors == 0 && self.warnings == 0 {
            p.paint.green(&format!(
                "{}: valid ({}, {})",
                self.file,
                plural(self.flags, "flag"),
                plural(self.segments, "segment")
            ))
        } else {
            format!(
                "{}: {}, {}, {}",
                self.file,
                if self.errors > 0 { "invalid" } else { "valid" },
                plural(self.errors, "error"),
                plural(self.warnings, "warning")
            )
        };
        writeln!(out, "{line}")
    }

    fn diagnostics(&self) -> Option<&[Diagnostic]> {
        Some(self.diagnostics)
    }
}

impl Report for Gate {
    fn command(&self) -> &'static str {
        "check"
    }

    fn today(&self) -> Option<chrono::NaiveDate> {
        Some(self.today)
    }

    fn human(&self, out: &mut dyn Write, p: &Printer) -> io::Result<()> {
        // Only diagnostics in flags.yaml get its line quoted; those on code lines
        // (`undefined`, `removed-but-referenced`) name their location.
        text::write_all(
            out,
            &self.diagnostics,
            &[(&self.file, &self.source)],
            p.paint,
        )?;
        if p.quiet {
            return Ok(());
        }
        let line = format!(
            "{}: check {}, {}, {}",
            self.file,
            if self.passed { "passed" } else { "failed" },
            plural(self.errors, "error"),
            plural(self.warnings, "warning")
        );
        let line = if self.passed {
            p.paint.green(&line)
        } else {
            p.paint.error(&line)
        };
        writeln!(out, "{line}")
    }

    fn diagnostics(&self) -> Option<&[Diagnostic]> {
        Some(&self.diagnostics)
    }
}
