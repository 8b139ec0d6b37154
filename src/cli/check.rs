//! `flagctl check`: the CI gate. Validation errors and expired flags fail (exit 1);
//! `expiring` warns; `--strict` fails on warnings; `--base REV` also checks the change
//! since REV against policy; `--scan` adds undefined and unreferenced flags.

use super::args::UsageArgs;
use super::{Ctx, Outcome};
use flagctl::error::Result;
use flagctl::lifecycle::gather::{self, GateOptions};
use std::path::PathBuf;

super::formats!(Format {
    Text => Human,
    Json => Json,
    Github => Github,
    Sarif => Sarif,
});

/// `flagctl check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Fail (exit 1) on warnings too
    #[arg(long)]
    strict: bool,
    /// Warn this many days before a flag expires [default: settings.expiry_warning]
    #[arg(long, value_name = "DAYS")]
    warn_within: Option<u32>,
    /// Check the change from git revision REV to the work tree against policy
    #[arg(long, value_name = "REV")]
    base: Option<String>,
    /// Also scan code for references to undefined (or removed) flags
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
    let format = ctx.format("check", args.format, Format::Text)?;
    let loaded = ctx.load()?;
    let opts = GateOptions {
        strict: args.strict,
        warn_within: args.warn_within.map(i64::from),
        base: args.base.clone(),
        scan: args.scan.clone(),
    };
    let usage = args.usage.read(ctx)?;
    let (report, notes) = gather::gate(&ctx.sources(&loaded), &opts, usage.as_ref())?;
    ctx.notes(&notes);
    ctx.emit(&report, format.render())?;
    Ok(Outcome::failed_if(!report.passed))
}
