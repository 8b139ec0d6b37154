//! The command line: clap definitions and one module per subcommand. Each module is
//! glue: it turns its arguments into a call of a library service, hands the typed
//! report to `render`, and says how the command ended. No subcommand imports another.

mod args;
mod audit;
mod check;
mod cleanup;
mod completions;
mod ctx;
mod diff;
mod edit;
mod eval;
mod explain;
mod export;
mod history;
mod import;
mod init;
mod list;
mod man;
mod new;
mod remove;
mod scan;
mod schema;
mod stale;
mod test;
mod usage;
mod validate;

pub use ctx::Ctx;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use flagctl::error::{Error, Result};
use std::ffi::OsString;

/// How a command ended when it did its job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0: success, nothing found.
    Success,
    /// Exit 1: findings (validation errors, failed check or test).
    Findings,
}

impl Outcome {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Findings => 1,
        }
    }

    /// `Findings` when `failed`, else `Success`.
    pub fn failed_if(failed: bool) -> Outcome {
        if failed {
            Outcome::Findings
        } else {
            Outcome::Success
        }
    }
}

/// Validate, evaluate, scan and audit the feature flags in a git-versioned flags.yaml.
#[derive(Debug, Parser)]
#[command(name = "flagctl", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    global: ctx::Global,
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Check flags.yaml for every problem at once (exit 1 on errors)
    Validate(validate::Args),
    /// List flags with type, owner, dates and state
    List(list::Args),
    /// Show what flags serve to a context, and why
    Eval(eval::Args),
    /// Check that test contexts get the values they expect (exit 1 on a failure)
    Test(test::Args),
    /// Write a new, commented flags.yaml; `--discover` proposes the flags the code uses
    Init(init::Args),
    /// Add a flag to flags.yaml with its required metadata
    New(new::Args),
    /// Delete a flag from flags.yaml and list the code references left to delete
    Remove(remove::Args),
    /// Rewrite the code as if a flag always served one value, then delete the flag
    Cleanup(cleanup::Args),
    /// Report stale flags: expired, expiring, overdue, launched, dead, snoozed
    Stale(stale::Args),
    /// The CI gate: validation errors and expired flags fail (exit 1)
    Check(check::Args),
    /// Show how flags changed between two revisions (default: HEAD and the work tree)
    Diff(diff::Args),
    /// Show every commit that changed a flag, newest first
    History(history::Args),
    /// Find every reference to every flag in code (exit 0 whether or not any is found)
    Scan(scan::Args),
    /// The monthly report: findings, references and history per owner, with cleanup plans
    Audit(audit::Args),
    /// Summarise production usage data (OpenTelemetry, Unleash metrics, CSV/JSONL summaries)
    Usage(usage::Args),
    /// Export flags.yaml for Unleash, flagd or the OpenFeature CLI, with a report of what mapped
    Export(export::Args),
    /// Import flags from an Unleash document into a new flags.yaml
    Import(import::Args),
    /// Explain a diagnostic or finding code (`flagctl explain expired`), or list them all
    Explain(explain::Args),
    /// Print the JSON Schema of flags.yaml, for editor completion
    Schema(schema::Args),
    /// Print shell completions
    Completions(completions::Args),
    /// Print the manual page (roff), e.g. `flagctl man > flagctl.1`
    Man(man::Args),
}

/// Which global options a subcommand reads. Giving one it does not read is a usage
/// error rather than silently ignored.
#[derive(Debug, Clone, Copy)]
pub struct Uses {
    /// `--flags` (and `FLAGCTL_FLAGS`).
    pub flags: bool,
    /// `--rev`.
    pub rev: bool,
    /// `--now`.
    pub now: bool,
    /// `--format` (a command with one output has none).
    pub format: bool,
}

impl Uses {
    /// Reads the flags file, at any revision, as of any day.
    pub const ALL: Uses = Uses {
        flags: true,
        rev: true,
        now: true,
        format: true,
    };
    /// Reads the flags file, at any revision; nothing depends on the date.
    pub const UNDATED: Uses = Uses {
        now: false,
        ..Uses::ALL
    };
}

impl Command {
    fn name(&self) -> &'static str {
        match self {
            Command::Validate(_) => "validate",
            Command::List(_) => "list",
            Command::Eval(_) => "eval",
            Command::Test(_) => "test",
            Command::Init(_) => "init",
            Command::New(_) => "new",
            Command::Remove(_) => "remove",
            Command::Cleanup(_) => "cleanup",
            Command::Stale(_) => "stale",
            Command::Check(_) => "check",
            Command::Diff(_) => "diff",
            Command::History(_) => "history",
            Command::Scan(_) => "scan",
            Command::Audit(_) => "audit",
            Command::Usage(_) => "usage",
            Command::Explain(_) => "explain",
            Command::Export(_) => "export",
            Command::Import(_) => "import",
            Command::Schema(_) => "schema",
            Command::Completions(_) => "completions",
            Command::Man(_) => "man",
        }
    }

    fn uses(&self) -> Uses {
        let none = Uses {
            flags: false,
            rev: false,
            now: false,
            format: false,
        };
        match self {
            Command::Validate(_)
            | Command::List(_)
            | Command::Stale(_)
            | Command::Check(_)
            | Command::Audit(_) => Uses::ALL,
            Command::Eval(_)
            | Command::Test(_)
            | Command::Diff(_)
            | Command::History(_)
            | Command::Scan(_) => Uses::UNDATED,
            // Edits change the work tree's file; `new` and `init` date the flags they add.
            Command::New(_) | Command::Init(_) => Uses {
                flags: true,
                now: true,
                ..none
            },
            Command::Remove(_) => Uses {
                flags: true,
                ..none
            },
            // Edits the work tree; dates only matter for usage data (`constant`).
            Command::Cleanup(_) => Uses {
                rev: false,
                ..Uses::ALL
            },
            Command::Explain(_) => Uses {
                format: true,
                ..none
            },
            // The export's format is `--to`; stale flags (Unleash's `stale`) depend on
            // the date and the file's history.
            Command::Export(_) => Uses {
                format: false,
                ..Uses::ALL
            },
            // Reads another tool's document; dates the flags it writes.
            Command::Import(_) => Uses { now: true, ..none },
            // Reads no flags file; "today" bounds the dates it warns about.
            Command::Usage(_) => Uses {
                now: true,
                format: true,
                ..none
            },
            Command::Schema(_) | Command::Completions(_) | Command::Man(_) => none,
        }
    }
}

/// Parses `args` and runs the command. Clap's own errors (bad usage, `--help`,
/// `--version`) are printed here and mapped to exit 2 and 0.
pub fn run<I, T>(args: I) -> Result<Outcome>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let parsed = Cli::command()
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m).map(|cli| (cli, m)));
    let (cli, matches) = match parsed {
        Ok(ok) => ok,
        Err(e) => {
            let usage = e.use_stderr();
            // Printing help into a closed pipe is not an error either.
            let _ = e.print();
            return if usage {
                Err(Error::Usage(String::new()))
            } else {
                Ok(Outcome::Success)
            };
        }
    };
    let name = cli.command.name();
    ctx::refuse_unused(name, cli.command.uses(), &cli.global, &matches)?;
    let ctx = Ctx::new(cli.global)?;
    match cli.command {
        Command::Validate(args) => validate::run(&ctx, &args),
        Command::List(args) => list::run(&ctx, &args),
        Command::Eval(args) => eval::run(&ctx, &args),
        Command::Test(args) => test::run(&ctx, &args),
        Command::Init(args) => init::run(&ctx, &args),
        Command::New(args) => new::run(&ctx, &args),
        Command::Remove(args) => remove::run(&ctx, &args),
        Command::Cleanup(args) => cleanup::run(&ctx, &args),
        Command::Stale(args) => stale::run(&ctx, &args),
        Command::Check(args) => check::run(&ctx, &args),
        Command::Diff(args) => diff::run(&ctx, &args),
        Command::History(args) => history::run(&ctx, &args),
        Command::Scan(args) => scan::run(&ctx, &args),
        Command::Audit(args) => audit::run(&ctx, &args),
        Command::Usage(args) => usage::run(&ctx, &args),
        Command::Explain(args) => explain::run(&ctx, &args),
        Command::Export(args) => export::run(&ctx, &args),
        Command::Import(args) => import::run(&ctx, &args),
        Command::Schema(args) => schema::run(&ctx, &args),
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => man::run(&args),
    }
}

/// Declares a subcommand's output formats as its own `--format` value enum (so its
/// `--help` lists only those), each mapped onto a [`flagctl::render::Format`]. The
/// first is the default; `[alias]` adds another accepted name.
macro_rules! formats {
    ($name:ident { $($variant:ident $([$alias:literal])? => $format:ident),+ $(,)? }) => {
        /// The output formats of this command.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
        pub enum $name {
            $(
                $(#[value(alias = $alias)])?
                #[allow(missing_docs)]
                $variant,
            )+
        }

        impl $name {
            /// The renderer's format.
            pub fn render(self) -> flagctl::render::Format {
                match self {
                    $($name::$variant => flagctl::render::Format::$format,)+
                }
            }
        }
    };
}
pub(crate) use formats;

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// Clap's own consistency checks (unique argument names, valid defaults), which
    /// otherwise run only when a debug binary parses that subcommand.
    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
