//! `flagctl audit`: the monthly report from the flags file, its git history, a scan of
//! local code and the scans of other repositories.

use super::args::UsageArgs;
use super::{Ctx, Outcome};
use flagctl::audit::collect::{Options, collect};
use flagctl::error::Error;
use flagctl::error::Result;
use flagctl::render::audit::markdown;
use std::io::Write;
use std::path::PathBuf;

/// The smallest `--max-chars`: room for the summary and a line per section.
const MIN_CHARS: usize = 1000;

super::formats!(Format {
    Table ["text"] => Human,
    Markdown => Markdown,
    Html => Html,
    Json => Json,
});

/// `flagctl audit`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Code to scan [default: settings.scan.paths, relative to the flags file]
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Merge the JSON of `flagctl scan --format json` run in other repositories
    #[arg(long, value_name = "FILE", num_args = 1..)]
    refs: Vec<PathBuf>,
    /// Name a scan root (a PATH, a root recorded in a --refs file, or the --refs file
    /// itself) after the service it belongs to; repeatable
    #[arg(long, value_name = "NAME=PATH")]
    root: Vec<String>,
    /// Only this owner's part of the report (the summary still covers every flag)
    #[arg(long, value_name = "OWNER")]
    owner: Option<String>,
    /// Do not scan local code; use only --refs
    #[arg(long)]
    no_scan: bool,
    /// Longest Markdown report, in characters: a longer one has its longest sections
    /// cut, each saying what was left out [default: 65000, what a GitHub comment holds]
    #[arg(long, value_name = "N")]
    max_chars: Option<usize>,
    #[command(flatten)]
    usage: UsageArgs,
    /// Output format
    #[arg(long, value_enum)]
    format: Option<Format>,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: &Args) -> Result<Outcome> {
    let format = ctx.format("audit", args.format, Format::Table)?;
    let max_chars = max_chars(args.max_chars, format)?;
    let loaded = ctx.load_valid()?;
    let opts = Options {
        paths: args.paths.clone(),
        refs: args.refs.clone(),
        roots: args.root.clone(),
        owner: args.owner.clone(),
        no_scan: args.no_scan,
    };
    let usage = args.usage.read(ctx)?;
    let (report, notes) = collect(&ctx.sources(&loaded), &opts, usage.as_ref())?;
    ctx.notes(&notes);
    if format == Format::Markdown {
        let mut out = super::ctx::stdout();
        out.write_all(markdown::render(&report, max_chars).as_bytes())?;
        out.flush()?;
    } else {
        ctx.emit(&report, format.render())?;
    }
    Ok(Outcome::Success)
}

/// `--max-chars`, which only Markdown output has.
fn max_chars(given: Option<usize>, format: Format) -> Result<usize> {
    match given {
        Some(_) if format != Format::Markdown => Err(Error::Usage(
            "--max-chars applies to --format markdown only".into(),
        )),
        Some(n) if n < MIN_CHARS => Err(Error::Usage(format!(
            "--max-chars must be at least {MIN_CHARS}, not {n}"
        ))),
        Some(n) => Ok(n),
        None => Ok(markdown::MAX_CHARS),
    }
}
