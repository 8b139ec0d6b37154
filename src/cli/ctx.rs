//! The global options and what every command needs from them, resolved once: "today",
//! the printer (colors, width, quiet), the current directory, and loading the flags
//! file (as of `--rev` when given).

use super::Uses;
use chrono::NaiveDate;
use clap::ValueEnum;
use clap::parser::ValueSource;
use flagctl::error::{Error, Result};
use flagctl::model::{self, Loaded, ModelError};
use flagctl::render::{self, Paint, Printer, Report};
use std::io::{BufWriter, IsTerminal, Stdout, Write};
use std::path::PathBuf;

/// Options accepted by every command.
#[derive(Debug, Clone, clap::Args)]
pub struct Global {
    /// The flags file [default: flags.yaml found by walking up from the current directory]
    #[arg(long, global = true, env = "FLAGCTL_FLAGS", value_name = "PATH")]
    pub flags: Option<PathBuf>,
    /// Read the flags file as of git revision REV (branch, tag, sha), not the work tree
    #[arg(long, global = true, value_name = "REV")]
    pub rev: Option<String>,
    /// Treat DATE (YYYY-MM-DD) as today, for reproducible reports
    #[arg(long, global = true, value_name = "DATE")]
    pub now: Option<String>,
    /// When to use colors (NO_COLOR turns `auto` off)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print only results: no summaries, hints or progress
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// The output format, before the subcommand (`flagctl --format json list`); each
    /// subcommand's own `--format` lists what it supports
    #[arg(long = "format", value_name = "FORMAT", hide = true)]
    pub format: Option<String>,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Color when writing to a terminal and NO_COLOR is unset.
    Auto,
    /// Always color.
    Always,
    /// Never color.
    Never,
}

/// Refuses a global option that `command` does not read, naming what it accepts. An
/// option set through the environment (`FLAGCTL_FLAGS`) is not refused: it applies to
/// every command that reads it.
pub fn refuse_unused(
    command: &str,
    uses: Uses,
    global: &Global,
    matches: &clap::ArgMatches,
) -> Result<()> {
    let given_flags = find_source(matches, "flags") == Some(ValueSource::CommandLine);
    let unused = [
        ("--flags", given_flags && !uses.flags),
        ("--rev", global.rev.is_some() && !uses.rev),
        ("--now", global.now.is_some() && !uses.now),
        ("--format", global.format.is_some() && !uses.format),
    ];
    let Some((option, _)) = unused.iter().find(|(_, bad)| *bad) else {
        return Ok(());
    };
    if *option == "--format" {
        return Err(Error::Usage(format!(
            "`flagctl {command}` has one output and no --format"
        )));
    }
    let mut accepted: Vec<&str> = Vec::new();
    for (name, used) in [
        ("--flags", uses.flags),
        ("--rev", uses.rev),
        ("--now", uses.now),
    ] {
        if used {
            accepted.push(name);
        }
    }
    accepted.extend(["--color", "--quiet"]);
    Err(Error::Usage(format!(
        "`flagctl {command}` does not use {option}; its global options are {}",
        accepted.join(", ")
    )))
}

/// Where an argument's value came from, looking through the subcommand's matches
/// (global options are recorded on both).
fn find_source(matches: &clap::ArgMatches, id: &str) -> Option<ValueSource> {
    let sub = matches.subcommand().map(|(_, m)| m);
    [Some(matches), sub]
        .into_iter()
        .flatten()
        .filter_map(|m| m.value_source(id))
        .find(|s| *s == ValueSource::CommandLine)
        .or_else(|| matches.value_source(id))
}

/// What every command needs: global options resolved once.
pub struct Ctx {
    /// The global options as given.
    pub global: Global,
    /// "Today": `--now`, else the system date.
    pub today: NaiveDate,
    /// How human output is drawn.
    pub printer: Printer,
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
        let stdout_tty = std::io::stdout().is_terminal();
        let enabled = match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && stdout_tty
            }
        };
        let cwd = std::env::current_dir().map_err(|e| Error::read(".", e))?;
        Ok(Ctx {
            printer: Printer {
                paint: Paint { enabled },
                width: render::table::terminal_width(),
                quiet: global.quiet,
            },
            global,
            today,
            cwd,
        })
    }

    /// The format: the subcommand's `--format`, else the one given before the
    /// subcommand (checked against the subcommand's formats), else `default`.
    pub fn format<F: ValueEnum + Copy>(
        &self,
        command: &str,
        given: Option<F>,
        default: F,
    ) -> Result<F> {
        if let Some(f) = given {
            return Ok(f);
        }
        let Some(name) = &self.global.format else {
            return Ok(default);
        };
        F::from_str(name, true).map_err(|_| {
            let names: Vec<String> = F::value_variants()
                .iter()
                .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_string()))
                .collect();
            Error::Usage(format!(
                "`{command}` does not support --format {name}; use one of: {}",
                names.join(", ")
            ))
        })
    }

    /// Where the flags file is. With `--rev` it may exist only in history, so a missing
    /// file means `flags.yaml` in the current directory.
    pub fn flags_path(&self) -> Result<PathBuf> {
        match model::discover(self.global.flags.as_deref(), &self.cwd) {
            Err(ModelError::NotFound { .. }) if self.global.rev.is_some() => {
                Ok(self.cwd.join("flags.yaml"))
            }
            other => Ok(other?),
        }
    }

    /// A path as shown in messages: relative to the current directory when inside it.
    pub fn display(&self, path: &std::path::Path) -> String {
        path.strip_prefix(&self.cwd)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned()
    }

    /// Finds and reads the flags file (as of `--rev` when given, without touching the
    /// work tree). Content problems are diagnostics in the result; only a missing or
    /// unreadable file is an error.
    pub fn load(&self) -> Result<Loaded> {
        let path = self.flags_path()?;
        let display = self.display(&path);
        match &self.global.rev {
            Some(rev) => Ok(flagctl::git::load_at(&path, &display, rev, self.today)?),
            None => Ok(model::load_path(&path, &display, self.today)?),
        }
    }

    /// Loads the flags file and refuses it if it has validation errors.
    pub fn load_valid(&self) -> Result<Loaded> {
        let loaded = self.load()?;
        loaded.require_valid()?;
        Ok(loaded)
    }

    /// The sources of the lifecycle services for `loaded`.
    pub fn sources<'a>(&'a self, loaded: &'a Loaded) -> flagctl::lifecycle::gather::Sources<'a> {
        flagctl::lifecycle::gather::Sources {
            loaded,
            rev: self.global.rev.as_deref(),
            today: self.today,
            cwd: &self.cwd,
        }
    }

    /// Writes a line to stderr unless `--quiet`.
    pub fn note(&self, message: &str) {
        if !self.global.quiet {
            let _ = writeln!(std::io::stderr(), "{message}");
        }
    }

    /// Writes each line to stderr unless `--quiet`.
    pub fn notes(&self, messages: &[String]) {
        for m in messages {
            self.note(m);
        }
    }

    /// Writes a report that accompanies a command's real output (the fidelity report
    /// of `export` and `import`): as text on stderr unless `--quiet`, or as JSON in the
    /// common envelope to `path`, written atomically.
    pub fn side_report<R: Report>(&self, report: &R, path: Option<&std::path::Path>) -> Result<()> {
        match path {
            Some(path) => {
                let mut text = Vec::new();
                render::json(&mut text, report)?;
                flagctl::interop::files::write_new(path, &text, true)
                    .map_err(|e| Error::Usage(e.to_string()))
            }
            None if self.printer.quiet => Ok(()),
            None => {
                let mut err = std::io::stderr().lock();
                render::emit(&mut err, report, render::Format::Human, &self.printer)?;
                Ok(())
            }
        }
    }

    /// Renders `report` to stdout in `format`.
    pub fn emit<R: Report>(&self, report: &R, format: render::Format) -> Result<()> {
        let mut out = stdout();
        render::emit(&mut out, report, format, &self.printer)?;
        out.flush()?;
        Ok(())
    }
}

/// Buffered stdout. Callers must `flush` it so write errors (a closed pipe) surface.
pub fn stdout() -> BufWriter<Stdout> {
    BufWriter::with_capacity(64 * 1024, std::io::stdout())
}
