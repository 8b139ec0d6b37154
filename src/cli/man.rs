//! `flagctl man`: the manual page, generated from the same definitions as `--help`.

use super::ctx::stdout;
use super::{Cli, Outcome};
use clap::CommandFactory;
use flagctl::error::Result;
use std::io::Write;

/// `flagctl man`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Prints the roff manual page of flagctl and its subcommands.
pub fn run(_args: &Args) -> Result<Outcome> {
    let mut out = stdout();
    let cmd = Cli::command();
    clap_mangen::Man::new(cmd.clone()).render(&mut out)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        // Each subcommand as a section of the same page: `man flagctl` shows them all.
        writeln!(out, ".SH \"FLAGCTL {}\"", sub.get_name().to_uppercase())?;
        let name = format!("flagctl-{}", sub.get_name());
        let sub = sub.clone().name(name.clone()).bin_name(name);
        let man = clap_mangen::Man::new(sub);
        man.render_description_section(&mut out)?;
        man.render_options_section(&mut out)?;
    }
    out.flush()?;
    Ok(Outcome::Success)
}
