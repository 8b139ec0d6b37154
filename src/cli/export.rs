//! `flagctl export --to unleash|flagd|openfeature`: flags.yaml as another tool's
//! document, with a report of what mapped exactly, what was approximated and what
//! could not map. The work is in `flagctl::interop`.

use super::ctx::stdout;
use super::{Ctx, Outcome};
use flagctl::diag::Code;
use flagctl::error::{Error, Result};
use flagctl::interop::{self, ExportOptions, files};
use flagctl::lifecycle::{self, Options};
use flagctl::model::Loaded;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

/// `flagctl export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The format to write
    #[arg(long, value_enum, value_name = "FORMAT")]
    to: Target,
    /// Apply this environment's overrides
    #[arg(long, short = 'e', value_name = "ENV")]
    environment: Option<String>,
    /// Write the export to FILE instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Write the report as JSON to FILE instead of as text to stderr
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Fail (exit 1, nothing written) when any flag is approximated or lost
    #[arg(long)]
    strict: bool,
}

/// `--to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Target {
    /// Unleash client features (SDK bootstrap and offline mode, Unleash Edge)
    Unleash,
    /// flagd flag definitions
    Flagd,
    /// The OpenFeature CLI flag manifest
    Openfeature,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: &Args) -> Result<Outcome> {
    let loaded = ctx.load_valid()?;
    check_environment(&loaded, args.environment.as_deref())?;
    let format = match args.to {
        Target::Unleash => interop::Format::Unleash,
        Target::Flagd => interop::Format::Flagd,
        Target::Openfeature => interop::Format::Openfeature,
    };
    let opts = ExportOptions {
        environment: args.environment.clone(),
        stale: stale_keys(ctx, &loaded),
    };
    let exported = interop::export(&loaded.file, &loaded.display, format, &opts);
    ctx.side_report(&exported.report, args.report.as_deref())?;
    if args.strict && exported.report.has_loss() {
        return Ok(Outcome::Findings);
    }
    match &args.output {
        Some(path) => files::write_new(path, exported.text.as_bytes(), true)
            .map_err(|e| Error::Usage(e.to_string()))?,
        None => {
            let mut out = stdout();
            out.write_all(exported.text.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(Outcome::Success)
}

/// An environment no flag overrides and `settings.environments` does not list is a
/// typo, not a request for the base targeting.
fn check_environment(loaded: &Loaded, env: Option<&str>) -> Result<()> {
    let Some(env) = env else {
        return Ok(());
    };
    let file = &loaded.file;
    let listed = file
        .settings
        .environments
        .as_ref()
        .is_some_and(|l| l.iter().any(|e| e.value == env));
    let used = file
        .flags
        .iter()
        .any(|f| f.environments.iter().any(|o| o.name == env));
    if listed || used {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "unknown environment `{env}`: it is not in settings.environments and no flag overrides it"
        )))
    }
}

/// Flags flagctl itself finds stale (Unleash's `stale`): expired, overdue, launched or
/// dead (the last two need git history; without it they are simply not found).
fn stale_keys(ctx: &Ctx, loaded: &Loaded) -> BTreeSet<String> {
    let src = ctx.sources(loaded);
    let facts = src.facts(&src.history());
    let opts = Options {
        today: ctx.today,
        warn_within: None,
    };
    lifecycle::findings(&loaded.file, &loaded.display, &facts, &opts)
        .into_iter()
        .filter(|f| {
            matches!(
                f.kind,
                Code::Expired | Code::Overdue | Code::Launched | Code::Dead
            )
        })
        .map(|f| f.flag)
        .collect()
}
