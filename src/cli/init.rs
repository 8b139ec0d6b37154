//! `flagctl init [--discover [PATH...]]`: write a new, commented flags.yaml; with
//! `--discover`, one proposed flag per key the code passes to an SDK call. The work is
//! in `flagctl::init`.

use super::args::TypeArg;
use super::ctx::stdout;
use super::{Ctx, Outcome};
use flagctl::error::{Error, Result};
use flagctl::init::{self, Discovery};
use flagctl::interop::files::{self, WriteFileError};
use flagctl::model::{FlagsFile, Settings, load_text};
use flagctl::scan::{Root, default_roots};
use std::io::Write;
use std::path::{Path, PathBuf};

/// `flagctl init`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Propose a flag for each key passed to an SDK call in the code (OpenFeature,
    /// Unleash, LaunchDarkly, GrowthBook, Flagsmith, ConfigCat, isFeatureEnabled)
    #[arg(long)]
    discover: bool,
    /// Where to look for SDK calls [default: the directory that will hold flags.yaml]
    #[arg(value_name = "PATH", requires = "discover")]
    paths: Vec<PathBuf>,
    /// The type of the proposed flags
    #[arg(long = "type", value_name = "TYPE", value_enum, requires = "discover")]
    flag_type: Option<TypeArg>,
    /// Owner of proposed flags that CODEOWNERS does not assign [default: `unowned`]
    #[arg(long, value_name = "OWNER", requires = "discover")]
    owner: Option<String>,
    /// Print the file instead of writing it
    #[arg(long)]
    dry_run: bool,
}

/// Runs `flagctl init`.
pub fn run(ctx: &Ctx, args: &Args) -> Result<Outcome> {
    // Not the walk-up search of other commands: a flags.yaml in a parent directory is
    // no reason not to start one here.
    let target = ctx.cwd.join(
        ctx.global
            .flags
            .clone()
            .unwrap_or_else(|| PathBuf::from("flags.yaml")),
    );
    let display = ctx.display(&target);
    if target.symlink_metadata().is_ok() {
        return Err(exists(&display));
    }
    let settings = Settings::default();
    let (text, count) = if args.discover {
        let found = discover(ctx, args, &target, &display, &settings)?;
        ctx.side_report(&found, None)?;
        (init::write(&found, &settings), found.flags.len())
    } else {
        (init::blank(&settings), 0)
    };
    // What init writes must validate; refuse rather than leave a broken file.
    let loaded = load_text(&target, &display, &text, ctx.today);
    if loaded.has_errors() {
        let first = loaded.diagnostics.first().map(|d| d.message.clone());
        return Err(Error::Usage(format!(
            "the generated flags file does not validate ({}); nothing was written; please report this",
            first.unwrap_or_default()
        )));
    }
    if args.dry_run {
        let mut out = stdout();
        out.write_all(text.as_bytes())?;
        out.flush()?;
        return Ok(Outcome::Success);
    }
    files::write_new(&target, text.as_bytes(), false).map_err(|e| match e {
        WriteFileError::Exists(_) => exists(&display),
        other => Error::Usage(other.to_string()),
    })?;
    if !ctx.printer.quiet {
        let mut out = stdout();
        let flags = match count {
            1 => "1 flag".to_string(),
            n => format!("{n} flags"),
        };
        writeln!(
            out,
            "created {display} with {flags}; check it with `flagctl validate`"
        )?;
        out.flush()?;
    }
    Ok(Outcome::Success)
}

/// Scans the code and proposes the flags.
fn discover(
    ctx: &Ctx,
    args: &Args,
    target: &Path,
    display: &str,
    settings: &Settings,
) -> Result<Discovery> {
    let owner = match args.owner.as_deref().map(str::trim) {
        Some("") => {
            return Err(Error::Usage(
                "--owner is empty; name the team responsible for the flags".into(),
            ));
        }
        other => other.map(String::from),
    };
    let roots = if args.paths.is_empty() {
        let mut file = FlagsFile::default();
        file.settings = settings.clone();
        default_roots(&file, target, &ctx.cwd)
    } else {
        args.paths
            .iter()
            .map(|p| Root::from_arg(p, &ctx.cwd))
            .collect()
    };
    init::discover(&init::Options {
        roots,
        flags_path: target.to_path_buf(),
        flags_display: display.to_string(),
        flag_type: args.flag_type.unwrap_or(TypeArg::Release).into(),
        owner,
        today: ctx.today,
        settings: settings.clone(),
    })
}

/// The error for an existing flags file.
fn exists(display: &str) -> Error {
    Error::Usage(format!(
        "{display} already exists; `flagctl init` never overwrites a flags file: edit it, or add flags with `flagctl new`"
    ))
}
