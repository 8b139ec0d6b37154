//! `flagctl validate`: every problem in flags.yaml, in one run.

use super::{Ctx, Outcome};
use flagctl::error::Result;

super::formats!(Format {
    Text => Human,
    Json => Json,
    Github => Github,
    Sarif => Sarif,
});

/// `flagctl validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Fail (exit 1) on warnings too
    #[arg(long)]
    strict: bool,
    /// Output format
    #[arg(long, value_enum)]
    format: Option<Format>,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: &Args) -> Result<Outcome> {
    let format = ctx.format("validate", args.format, Format::Text)?;
    let loaded = ctx.load()?;
    let report = loaded.validation(args.strict);
    ctx.emit(&report, format.render())?;
    Ok(Outcome::failed_if(!report.passed))
}
