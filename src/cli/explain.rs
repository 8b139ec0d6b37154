//! `flagctl explain [CODE]`: what a diagnostic or finding code means and how to fix
//! it, in the style of `rustc --explain` and `ruff rule`. Without a code, every code.

use super::{Ctx, Outcome};
use flagctl::diag::Code;
use flagctl::error::{Error, Result};
use flagctl::render::codes::Codes;
use flagctl::suggest::did_you_mean;

super::formats!(Format {
    Text => Human,
    Json => Json,
    Markdown => Markdown,
});

/// `flagctl explain`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The code, e.g. `expired` or `unknown-field` [default: list every code]
    #[arg(value_name = "CODE")]
    code: Option<String>,
    /// Output format
    #[arg(long, value_enum)]
    format: Option<Format>,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: &Args) -> Result<Outcome> {
    let format = ctx.format("explain", args.format, Format::Text)?;
    let codes = match &args.code {
        None => Code::ALL.to_vec(),
        Some(name) => match Code::parse(name) {
            Some(code) => vec![code],
            None => {
                let hint = did_you_mean(name, Code::ALL.iter().map(|c| c.as_str()));
                return Err(Error::Usage(format!(
                    "unknown code `{name}`{hint}; `flagctl explain` lists every code"
                )));
            }
        },
    };
    ctx.emit(&Codes(codes), format.render())?;
    Ok(Outcome::Success)
}
