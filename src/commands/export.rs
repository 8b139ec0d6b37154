//! `flagctl export`: flags.yaml for Unleash, flagd or the OpenFeature CLI. The work is
//! in [`crate::interop`]; this reads the file, picks the stale flags, writes the
//! document and the report.

use super::{Ctx, stdout};
use crate::Outcome;
use crate::changes::RawFile;
use crate::cli::{ExportArgs, ExportTarget, Format};
use crate::error::{Error, Result};
use crate::git::Repo;
use crate::interop::{self, ExportOptions, Report, files};
use crate::lifecycle::{self, Facts, Kind, Options};
use crate::model::Loaded;
use std::collections::BTreeSet;
use std::io::Write;

/// Runs the command.
pub fn run(ctx: &Ctx, args: &ExportArgs) -> Result<Outcome> {
    ctx.format("export", &[Format::Text])?;
    let loaded = ctx.load_valid()?;
    check_environment(&loaded, args.environment.as_deref())?;
    let format = match args.to {
        ExportTarget::Unleash => interop::Format::Unleash,
        ExportTarget::Flagd => interop::Format::Flagd,
        ExportTarget::Openfeature => interop::Format::Openfeature,
    };
    let opts = ExportOptions {
        environment: args.environment.clone(),
        stale: stale_keys(ctx, &loaded),
    };
    let exported = interop::export(&loaded.file, &loaded.display, format, &opts);
    write_report(ctx, &exported.report, args.report.as_deref())?;
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
    let listed = loaded
        .file
        .settings
        .environments
        .as_ref()
        .is_some_and(|l| l.iter().any(|e| e.value == env));
    let used = loaded
        .file
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

/// Flags flagctl itself finds stale: expired, overdue, launched or dead (the last two
/// need git history; without it they are simply not found).
fn stale_keys(ctx: &Ctx, loaded: &Loaded) -> BTreeSet<String> {
    let history = Repo::locate(&loaded.path)
        .and_then(|(repo, rel)| repo.history(ctx.global.rev.as_deref(), &rel));
    let facts = match history {
        Ok(h) => {
            let working = match ctx.global.rev {
                None => RawFile::parse(&loaded.text).ok(),
                Some(_) => None,
            };
            Facts::from_history(&h, working.as_ref(), ctx.today)
        }
        Err(e) => Facts::Unavailable(e.to_string()),
    };
    let opts = Options {
        today: ctx.today,
        warn_within: None,
    };
    lifecycle::findings(&loaded.file, &loaded.display, &facts, &opts)
        .into_iter()
        .filter(|f| {
            matches!(
                f.kind,
                Kind::Expired | Kind::Overdue | Kind::Launched | Kind::Dead
            )
        })
        .map(|f| f.flag)
        .collect()
}

/// The report as text on stderr (unless `--quiet`), or as JSON to `path`.
fn write_report(ctx: &Ctx, report: &Report, path: Option<&std::path::Path>) -> Result<()> {
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
