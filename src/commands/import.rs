//! `flagctl import --from unleash`: an Unleash document as a new flags.yaml. The work
//! is in [`crate::interop`]; this reads the input, writes the file and the report.

use super::{Ctx, stdout};
use crate::Outcome;
use crate::cli::{Format, ImportArgs};
use crate::error::{Error, Result};
use crate::interop::{self, files};
use std::io::{Read, Write};
use std::path::Path;

/// Runs the command.
pub fn run(ctx: &Ctx, args: &ImportArgs) -> Result<Outcome> {
    ctx.format("import", &[Format::Text])?;
    if ctx.global.rev.is_some() {
        return Err(Error::Usage(
            "`import` does not use --rev: it reads an Unleash document and writes a new flags file"
                .into(),
        ));
    }
    let (text, source) = read_input(&args.file)?;
    let imported =
        interop::import_unleash(&text, &source, args.owner.clone(), ctx.today).map_err(|e| {
            Error::Invalid {
                file: source.clone(),
                line: e.source.line() as u32,
                column: e.source.column() as u32,
                message: format!("not an Unleash document: {e}"),
            }
        })?;
    write_report(ctx, &imported.report, args.report.as_deref())?;
    if args.strict && imported.report.has_loss() {
        return Ok(Outcome::Findings);
    }
    if args.output.as_os_str() == "-" {
        let mut out = stdout();
        out.write_all(imported.text.as_bytes())?;
        out.flush()?;
    } else {
        files::write_new(&args.output, imported.text.as_bytes(), args.force)
            .map_err(|e| Error::Usage(e.to_string()))?;
    }
    Ok(Outcome::Success)
}

fn read_input(path: &Path) -> Result<(String, String)> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Error::read("stdin", e))?;
        return Ok((text, "stdin".into()));
    }
    let text = std::fs::read_to_string(path).map_err(|e| Error::read(path, e))?;
    Ok((text, path.display().to_string()))
}

fn write_report(ctx: &Ctx, report: &interop::Report, path: Option<&Path>) -> Result<()> {
    match path {
        Some(path) => {
            let mut text = Vec::new();
            crate::report::write_json(&mut text, report)?;
            files::write_new(path, &text, true).map_err(|e| Error::Usage(e.to_string()))
        }
        None if ctx.global.quiet => Ok(()),
        None => {
            let mut err = std::io::stderr().lock();
            interop::report::write_text(&mut err, report)?;
            Ok(())
        }
    }
}
