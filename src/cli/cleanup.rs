//! `flagctl cleanup KEY`: rewrite the code as if the flag always served one value,
//! then delete it from flags.yaml, as one change. The work is in
//! `flagctl::cleanup::service`.

use super::args::UsageArgs;
use super::{Ctx, Outcome, edit};
use flagctl::cleanup::service::{self, Options};
use flagctl::diag::Code;
use flagctl::error::{Error, Result};
use flagctl::fsutil::{Fault, Links};
use flagctl::lifecycle::gather;

super::formats!(Format {
    Text => Human,
    Json => Json,
    Diff => Diff,
});

/// `flagctl cleanup`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The key of the flag to retire
    key: String,
    /// The value the code keeps: on, off, a variant name or a JSON value [default: what
    /// the audit plan keeps: the value production always gets (with --usage), on when
    /// fully rolled out, off when off or killed]
    #[arg(long, value_name = "VALUE")]
    keep: Option<String>,
    /// Show what would change without writing anything
    #[arg(long)]
    dry_run: bool,
    /// Replace files even if they have other hard links (they keep the old content)
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    usage: UsageArgs,
    /// Output format
    #[arg(long, value_enum)]
    format: Option<Format>,
}

/// Runs `flagctl cleanup`.
pub fn run(ctx: &Ctx, args: &Args) -> Result<Outcome> {
    let format = ctx.format("cleanup", args.format, Format::Text)?;
    // Held until every file is written: no other edit of flags.yaml can land between
    // this read and the cleanup's rename.
    let editing = edit::load_for_edit(ctx, args.dry_run)?;
    let loaded = &editing.loaded;
    // A `constant` usage finding decides the value to keep, as in the audit plan.
    let constant = match args.usage.read(ctx)? {
        Some(usage) => gather::usage_findings(&ctx.sources(loaded), &usage, None)
            .into_iter()
            .find(|f| f.kind == Code::Constant && f.flag == args.key)
            .and_then(|f| f.usage.and_then(|u| u.keep)),
        None => None,
    };
    let opts = Options {
        key: &args.key,
        keep: args.keep.as_deref(),
        constant,
        cwd: &ctx.cwd,
        today: ctx.today,
        dry_run: args.dry_run,
    };
    let cleanup = service::prepare(loaded, &opts)?;
    ctx.emit(&cleanup, format.render())?;
    if !args.dry_run {
        let links = if args.force {
            Links::Break
        } else {
            Links::Refuse
        };
        service::apply(&cleanup, links, Fault::from_env()).map_err(|e| Error::Write {
            file: e.file,
            source: e.source,
        })?;
    }
    Ok(Outcome::Success)
}
