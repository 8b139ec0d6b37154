//! flagctl: the lifecycle of feature flags kept in a git-versioned `flags.yaml`.
//!
//! The binary is a thin wrapper around [`run`]. Library modules return typed errors
//! ([`error::Error`]) and [`report::Diagnostic`]s; only `main` turns them into text
//! and exit codes.

pub mod audit;
pub mod changes;
pub mod cleanup;
pub mod cli;
pub mod commands;
pub mod error;
pub mod eval;
pub mod fsutil;
pub mod git;
pub mod lifecycle;
pub mod model;
pub mod report;
pub mod scan;
pub mod suggest;
pub mod syntax;

use clap::Parser;
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
}

/// Parses `args` and runs the command. Clap's own errors (bad usage, `--help`,
/// `--version`) are printed here and mapped to exit 2 and 0.
pub fn run<I, T>(args: I) -> Result<Outcome, error::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let usage = e.use_stderr();
            // Printing help into a closed pipe is not an error either.
            let _ = e.print();
            return if usage {
                Err(error::Error::Usage(String::new()))
            } else {
                Ok(Outcome::Success)
            };
        }
    };
    commands::dispatch(cli)
}
