//! `flagctl stale`: lifecycle findings from flags.yaml and its git history. It reports;
//! `check` is the command that gates.

use super::args::UsageArgs;
use super::{Ctx, Outcome};
use flagctl::error::Result;
use flagctl::lifecycle::gather;
use std::path::PathBuf;

super::formats!(Format {
    Table ["text"] => Human,
    Json => Json,
    Markdown => Markdown,
});

/// `flagctl stale`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Report `expiring` this many days before `expires` [default: settings.expiry_warning]
    #[arg(long, value_name = "DAYS")]
    warn_within: Option<u32>,
    /// Also scan code for references (unreferenced, undefined, cross-boundary findings)
    #[arg(long, value_name = "PATH", num_args = 0..)]
    scan: Option<Vec<PathBuf>>,
    #[command(flatten)]
    usage: UsageArgs,
    /// Output format
    #[arg(long, value_enum)]
    format: Option<Format>,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: &Args) -> Result<Outcome> {
    let format = ctx.format("stale", args.format, Format::Table)?;
    let loaded = ctx.load_valid()?;
    let usage = args.usage.read(ctx)?;
    let (report, warnings) = gather::stale(
        &ctx.sources(&loaded),
        args.warn_within.map(i64::from),
        args.scan.as_deref(),
        usage.as_ref(),
    )?;
    ctx.notes(&warnings);
    if let Some(reason) = &report.history.reason {
        ctx.note(&format!(
            "note: git history unavailable: {reason}; `snoozed` is not checked, `created` is not inferred, and `launched`/`dead` count from `created`"
        ));
    }
    ctx.emit(&report, format.render())?;
    Ok(Outcome::Success)
}
