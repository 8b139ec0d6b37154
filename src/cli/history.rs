//! `flagctl history FLAG`: every commit that changed a flag, newest first.

use super::{Ctx, Outcome};
use flagctl::changes::flag_log;
use flagctl::error::Result;

super::formats!(Format {
    Text => Human,
    Json => Json,
    Markdown => Markdown,
});

/// `flagctl history`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The flag key
    #[arg(value_name = "FLAG")]
    flag: String,
    /// Output format
    #[arg(long, value_enum)]
    format: Option<Format>,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: &Args) -> Result<Outcome> {
    let format = ctx.format("history", args.format, Format::Text)?;
    let loaded = ctx.load()?;
    let report = flag_log(&loaded, ctx.global.rev.as_deref(), &args.flag)?;
    ctx.emit(&report, format.render())?;
    Ok(Outcome::Success)
}
