//! `flagctl completions SHELL`.

use crate::Outcome;
use crate::cli::{Cli, CompletionsArgs};
use crate::error::Result;
use clap::CommandFactory;
use std::io::Write;

/// Prints the completion script for the shell.
pub fn run(args: &CompletionsArgs) -> Result<Outcome> {
    let mut out = super::stdout();
    clap_complete::generate(args.shell, &mut Cli::command(), "flagctl", &mut out);
    out.flush()?;
    Ok(Outcome::Success)
}
