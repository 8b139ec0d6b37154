//! `flagctl usage PATH...`: read production usage data and print the summary. The work
//! is in `flagctl::usage`; the rendering in `flagctl::render::usage`.

use super::{Ctx, Outcome};
use flagctl::error::Result;
use flagctl::usage;
use std::io::Write;
use std::path::PathBuf;

super::formats!(Format {
    Table ["text"] => Human,
    Json => Json,
    Csv => Csv,
});

/// `flagctl usage`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Usage data: files, directories (read recursively) or `-` for stdin; formats are
    /// detected from content, gzip from its magic bytes
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
    /// Say which format was detected in each input and what it held (on stderr)
    #[arg(long)]
    explain_usage: bool,
    /// Worker threads [default: one per CPU]
    #[arg(
        short = 'j',
        long,
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true
    )]
    threads: usize,
    /// Output format (`json` is itself a valid usage input)
    #[arg(long, value_enum)]
    format: Option<Format>,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: &Args) -> Result<Outcome> {
    let format = ctx.format("usage", args.format, Format::Table)?;
    let opts = usage::Options {
        threads: args.threads,
    };
    let data = usage::read_paths(&args.paths, &opts)?;
    if args.explain_usage {
        // Asked for explicitly, so printed even with --quiet.
        let mut err = std::io::stderr().lock();
        for s in &data.inputs {
            writeln!(err, "{}", usage::explain(s))?;
        }
    }
    let warnings: Vec<String> = usage::warnings(&data, ctx.today)
        .into_iter()
        .map(|w| format!("{}: {w}", ctx.printer.paint.warning("warning")))
        .collect();
    ctx.notes(&warnings);
    ctx.emit(&data, format.render())?;
    Ok(Outcome::Success)
}
