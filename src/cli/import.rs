//! `flagctl import --from unleash FILE`: an Unleash document as a new flags.yaml, with a
//! report of what mapped and what could not. The work is in `flagctl::interop`.

use super::ctx::stdout;
use super::{Ctx, Outcome};
use flagctl::error::{Error, Result};
use flagctl::interop::{self, files};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// `flagctl import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The format to read
    #[arg(long, value_enum, value_name = "FORMAT")]
    from: Source,
    /// The document to read: Unleash client features or an Unleash export (`-` for stdin)
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The flags file to write (`-` for stdout)
    #[arg(long, short = 'o', value_name = "FILE", default_value = "flags.yaml")]
    output: PathBuf,
    /// Owner of flags whose Unleash project names none [default: the project]
    #[arg(long, value_name = "OWNER")]
    owner: Option<String>,
    /// Overwrite the output file if it exists
    #[arg(long)]
    force: bool,
    /// Write the report as JSON to FILE instead of as text to stderr
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Refuse the import (exit 1, nothing written) when anything is approximated or lost
    #[arg(long)]
    strict: bool,
}

/// `--from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Source {
    /// Unleash client features, or an Unleash export
    Unleash,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: &Args) -> Result<Outcome> {
    let Source::Unleash = args.from;
    let (text, source) = read_input(&args.file)?;
    let imported =
        interop::import_unleash(&text, &source, args.owner.clone(), ctx.today).map_err(|e| {
            Error::Invalid {
                file: source.clone(),
                line: u32::try_from(e.source.line()).unwrap_or(u32::MAX),
                column: u32::try_from(e.source.column()).unwrap_or(u32::MAX),
                message: format!("not an Unleash document: {e}"),
            }
        })?;
    ctx.side_report(&imported.report, args.report.as_deref())?;
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
