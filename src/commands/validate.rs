//! `flagctl validate`: every problem in flags.yaml, in one run.

use super::{Ctx, stdout};
use crate::Outcome;
use crate::cli::{Format, ValidateArgs};
use crate::error::Result;
use crate::report::{self, Counts, JSON_VERSION, github, sarif, text};
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
        Format::Json => report::write_json(
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
        Format::Sarif => report::write_json(&mut out, &sarif::log(&loaded.diagnostics, describe))?,
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

/// One line describing each diagnostic code (SARIF rule descriptions).
pub fn describe(code: &str) -> String {
    match code {
        "yaml-syntax" => "The file is not valid YAML",
        "tab-indentation" => "YAML indentation must use spaces, not tabs",
        "not-utf8" => "The file is not UTF-8",
        "empty-file" => "The file is empty",
        "resource-limit" => "The file exceeds size, nesting or alias limits",
        "missing-version" => "`version` is missing",
        "unsupported-version" => "`version` is not 1",
        "duplicate-key" => "A key is defined twice",
        "unknown-field" => "A field name is not part of the format",
        "invalid-type" => "A field has the wrong kind of value",
        "missing-owner" => "A flag has no owner",
        "missing-type" => "A flag has no type",
        "unknown-type" => "A flag type is not release, operational, experiment or permission",
        "missing-expires" => "A temporary flag has no expiry date",
        "missing-field" => "A required field is missing",
        "invalid-date" => "A date is not a valid YYYY-MM-DD date",
        "expires-before-created" => "A flag expires before it was created",
        "expires-too-late" => "A flag expires later than settings.max_expiry allows",
        "invalid-rollout" => "A rollout is not an integer from 0 to 100",
        "invalid-weight" => "Variant weights are negative or all zero",
        "undefined-segment" => "A segment is used but not defined",
        "undefined-variant" => "A rule serves a variant that is not defined",
        "unknown-environment" => "An environment is not listed in settings.environments",
        "unknown-operator" => "A condition uses an unknown operator",
        "invalid-operand" => "A condition operand is invalid (regex, CIDR, version, number, date)",
        "type-mismatch" => "Values served by one flag have different types",
        "invalid-key" => "A flag or segment key has characters outside [A-Za-z0-9._:-]",
        "invalid-rule" => "A rule serves nothing or both a value and a variant",
        "invalid-duration" => "A duration is not like 30d, 6w or never",
        "invalid-pattern" => "A scan pattern does not compile or has no capture group",
        "unknown-alias-style" => "An alias style is unknown",
        "missing-description" => "A flag has no description",
        "expired" => "A flag is past its expiry date",
        other => return format!("flagctl {other}"),
    }
    .to_string()
}
