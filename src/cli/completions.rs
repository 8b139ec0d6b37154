//! `flagctl completions SHELL`.

use super::ctx::stdout;
use super::{Cli, Outcome};
use clap::CommandFactory;
use flagctl::error::Result;
use std::io::Write;

/// `flagctl completions`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// bash, zsh, fish, powershell or elvish
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// Prints the completion script for the shell.
pub fn run(args: &Args) -> Result<Outcome> {
    let mut out = stdout();
    clap_complete::generate(args.shell, &mut Cli::command(), "flagctl", &mut out);
    out.flush()?;
    Ok(Outcome::Success)
}
