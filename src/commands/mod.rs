//! One module per subcommand. Each takes its parsed arguments and a [`Ctx`], does its
//! orchestration, and returns an [`Outcome`].

pub mod audit;
pub mod check;
pub mod cleanup;
pub mod completions;
pub mod diff;
pub mod eval;
pub mod history;
pub mod list;
pub mod new;
pub mod remove;
pub mod scan;
pub mod schema;
pub mod stale;
pub mod test;
pub mod validate;
mod write;

use crate::Outcome;
use crate::cli::{Cli, ColorChoice, Command, Format, Global};
use crate::error::{Error, Result};
use crate::model::{self, Loaded};
use crate::report::Paint;
use chrono::NaiveDate;
use std::io::{BufWriter, IsTerminal, Stdout, Write};
use std::path::PathBuf;

/// What every command needs: global options resolved once.
pub struct Ctx {
    /// The global options as given.
    pub global: Global,
    /// "Today": `--now`, else the system date.
    pub today: NaiveDate,
    /// Colors for stdout.
    pub paint: Paint,
    /// The current directory.
    pub cwd: PathBuf,
}

impl Ctx {
    /// Resolves the global options.
    pub fn new(global: Global) -> Result<Self> {
        let today = match &global.now {
            Some(text) => model::duration::parse_date(text)
                .map_err(|m| Error::Usage(format!("--now: {m}")))?,
            None => chrono::Local::now().date_naive(),
        };
        let enabled = match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        };
        let cwd = std::env::current_dir().map_err(|e| Error::read(".", e))?;
        Ok(Ctx {
            global,
            today,
            paint: Paint { enabled },
            cwd,
        })
    }

    /// The output format, checked against the ones a command supports (the first is
    /// the default). `text` and `table` are the same human format.
    pub fn format(&self, command: &str, supported: &[Format]) -> Result<Format> {
        let Some(asked) = self.global.format else {
            return Ok(supported[0]);
        };
        let human = |f: Format| matches!(f, Format::Table | Format::Text);
        if supported.contains(&asked) {
            return Ok(asked);
        }
        if human(asked) {
            if let Some(f) = supported.iter().find(|f| human(**f)) {
                return Ok(*f);
            }
        }
        let names: Vec<&str> = supported.iter().map(|f| f.name()).collect();
        Err(Error::Usage(format!(
            "`{command}` does not support --format {}; use one of: {}",
            asked.name(),
            names.join(", ")
        )))
    }

    /// Where the flags file is. With `--rev` it may exist only in history, so a missing
    /// file means `flags.yaml` in the current directory.
    pub fn flags_path(&self) -> Result<PathBuf> {
        match model::discover(self.global.flags.as_deref(), &self.cwd) {
            Err(Error::NotFound { .. }) if self.global.rev.is_some() => {
                Ok(self.cwd.join("flags.yaml"))
            }
            other => other,
        }
    }

    /// Finds and reads the flags file (as of `--rev` when given, without touching the
    /// work tree). Content problems are diagnostics in the result; only a missing or
    /// unreadable file is an error.
    pub fn load(&self) -> Result<Loaded> {
        let path = self.flags_path()?;
        let display = path
            .strip_prefix(&self.cwd)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        match &self.global.rev {
            Some(rev) => crate::git::load_at(&path, &display, rev, self.today),
            None => model::load_path(&path, &display, self.today),
        }
    }

    /// Loads the flags file and refuses it if it has validation errors.
    pub fn load_valid(&self) -> Result<Loaded> {
        let loaded = self.load()?;
        loaded.require_valid()?;
        Ok(loaded)
    }
}

/// Buffered stdout. Callers must `flush` it so write errors (a closed pipe) surface.
pub fn stdout() -> BufWriter<Stdout> {
    BufWriter::with_capacity(64 * 1024, std::io::stdout())
}

/// Writes a line to stderr unless `--quiet`.
pub fn note(ctx: &Ctx, message: &str) {
    if !ctx.global.quiet {
        let _ = writeln!(std::io::stderr(), "{message}");
    }
}

/// Runs the parsed command.
pub fn dispatch(cli: Cli) -> Result<Outcome> {
    let ctx = Ctx::new(cli.global)?;
    match cli.command {
        Command::Validate(args) => validate::run(&ctx, &args),
        Command::List(args) => list::run(&ctx, &args),
        Command::Eval(args) => eval::run(&ctx, &args),
        Command::Test(args) => test::run(&ctx, &args),
        Command::New(args) => new::run(&ctx, &args),
        Command::Remove(args) => remove::run(&ctx, &args),
        Command::Cleanup(args) => cleanup::run(&ctx, &args),
        Command::Stale(args) => stale::run(&ctx, &args),
        Command::Check(args) => check::run(&ctx, &args),
        Command::Diff(args) => diff::run(&ctx, &args),
        Command::History(args) => history::run(&ctx, &args),
        Command::Audit(args) => audit::run(&ctx, &args),
        Command::Scan(args) => scan::run(&ctx, &args),
        Command::Schema => schema::run(&ctx),
        Command::Completions(args) => completions::run(&args),
    }
}
