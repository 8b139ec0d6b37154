//! `flagctl validate`: every problem in flags.yaml, in one run.

use super::{Ctx, stdout};
use crate::Outcome;
use crate::cli::{Format, ValidateArgs};
use crate::error::Result;
use crate::render::{self, Counts, JSON_VERSION, github, sarif, text};
use serde_json::json;
use std::io::Write;

/// Runs the command.
pub fn run(ctx: &Ctx, args: &ValidateArgs) -> Result<Outcome> {
    let format = ctx.format(
        "validate",
        &[Format::Text, Format::Json, Format::Github, Format::Sarif],
    )?;
    let loaded = ctx.load()?;
    let counts = Counts::of(&loaded.diagnostics);
    let mut out = stdout();
    match format {
        Format::Json => render::write_json(
            &mut out,
            &json!({
                "version": JSON_VERSION,
                "file": loaded.display,
                "valid": counts.errors == 0,
                "errors": counts.errors,
                "warnings": counts.warnings,
                "flags": loaded.file.flags.len(),
                "segments": loaded.file.segments.len(),
                "diagnostics": loaded.diagnostics,
            }),
        )?,
        Format::Github => github::write_all(&mut out, &loaded.diagnostics)?,
        Format::Sarif => render::write_json(&mut out, &sarif::log(&loaded.diagnostics))?,
        _ => {
            text::write_all(&mut out, &loaded.diagnostics, Some(&loaded.text), ctx.paint)?;
            if !ctx.global.quiet {
                writeln!(out, "{}", summary(&loaded.display, &loaded, counts, ctx))?;
            }
        }
    }
    out.flush()?;
    let fail = counts.errors > 0 || (args.strict && counts.warnings > 0);
    Ok(if fail {
        Outcome::Findings
    } else {
        Outcome::Success
    })
}

fn summary(file: &str, loaded: &crate::model::Loaded, counts: Counts, ctx: &Ctx) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if counts.errors == 0 && counts.warnings == 0 {
        ctx.paint.green(&format!(
            "{file}: valid ({}, {})",
            plural(loaded.file.flags.len(), "flag"),
            plural(loaded.file.segments.len(), "segment")
        ))
    } else {
        let verdict = if counts.errors > 0 {
            "invalid"
        } else {
            "valid"
        };
        format!(
            "{file}: {verdict}, {}, {}",
            plural(counts.errors, "error"),
            plural(counts.warnings, "warning")
        )
    }
}
