//! `explain`: the documentation of diagnostic and finding codes, from the one [`Code`]
//! table. `docs/codes.md` is this module's Markdown of every code, checked current by a
//! test.

use super::{Printer, Report, markdown};
use crate::diag::{Category, Code};
use serde::{Serialize, Serializer};
use std::io::{self, Write};

/// Codes to document.
#[derive(Debug, Clone)]
pub struct Codes(pub Vec<Code>);

/// One code's documentation, as JSON.
#[derive(Serialize)]
struct Entry {
    code: Code,
    severity: crate::diag::Severity,
    summary: &'static str,
    explanation: &'static str,
}

impl Serialize for Codes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Doc {
            codes: Vec<Entry>,
        }
        let codes = self
            .0
            .iter()
            .map(|&code| Entry {
                code,
                severity: code.severity(),
                summary: code.summary(),
                explanation: code.explanation(),
            })
            .collect();
        Doc { codes }.serialize(s)
    }
}

impl Report for Codes {
    fn command(&self) -> &'static str {
        "explain"
    }

    fn human(&self, out: &mut dyn Write, p: &Printer) -> io::Result<()> {
        if let [code] = self.0.as_slice() {
            let title = format!("{} ({}): {}", code, code.severity(), code.summary());
            writeln!(out, "{}\n", p.paint.bold(&title))?;
            for line in super::table::wrap(code.explanation(), p.width.clamp(40, 100)) {
                writeln!(out, "{line}")?;
            }
            return Ok(());
        }
        let width = self.0.iter().map(|c| c.as_str().len()).max().unwrap_or(0);
        for code in &self.0 {
            writeln!(
                out,
                "{:width$}  {:7}  {}",
                code.as_str(),
                code.severity().as_str(),
                code.summary()
            )?;
        }
        Ok(())
    }

    fn markdown(&self, out: &mut dyn Write, _p: &Printer) -> io::Result<()> {
        out.write_all(document(&self.0).as_bytes())
    }
}

/// The Markdown reference of `codes`, grouped by category: a table of every code, then
/// each explanation.
pub fn document(codes: &[Code]) -> String {
    let mut s = String::from(
        "# Diagnostic and finding codes\n\n\
         Every problem flagctl reports carries one of these codes: in text output \
         (`error[code]`), in JSON (`code` or `kind`), as the SARIF rule id and in GitHub \
         annotation titles. `flagctl explain CODE` prints one explanation.\n\
         This file is generated from the code table in `src/diag/code.rs` \
         (`flagctl explain --format markdown`); a test keeps it current.\n",
    );
    let categories = [
        Category::Validation,
        Category::Spec,
        Category::Lifecycle,
        Category::Policy,
    ];
    for category in categories {
        let mine: Vec<Code> = codes
            .iter()
            .copied()
            .filter(|c| c.category() == category)
            .collect();
        if mine.is_empty() {
            continue;
        }
        s.push_str(&format!("\n## {}\n\n", category.title()));
        let rows: Vec<Vec<String>> = mine
            .iter()
            .map(|c| {
                vec![
                    format!("[{}](#{})", markdown::code(c.as_str()), c.as_str()),
                    c.severity().to_string(),
                    c.summary().to_string(),
                ]
            })
            .collect();
        s.push_str(&markdown::table(&["code", "severity", "meaning"], &rows));
        for c in mine {
            s.push_str(&format!("\n### {}\n\n{}\n", c.as_str(), c.explanation()));
        }
    }
    s
}

/// The Markdown tables of every evaluation `reason` and `error_code`, each with when it
/// happens, generated from [`Reason`](crate::eval::Reason) and
/// [`ErrorCode`](crate::eval::ErrorCode). The README holds this text and a test keeps
/// it current, so a new reason or error code cannot go undocumented.
pub fn evaluation_reasons() -> String {
    use crate::eval::{ErrorCode, Reason};
    let mut s = String::from("| `reason` | when |\n|---|---|\n");
    for (name, reason) in Reason::ALL {
        s.push_str(&format!("| `{name}` | {} |\n", reason.meaning()));
    }
    s.push_str("\n| `error_code` | when |\n|---|---|\n");
    for code in ErrorCode::ALL {
        s.push_str(&format!("| `{}` | {} |\n", code.as_str(), code.meaning()));
    }
    s
}
