//! `flagctl diff [BASE] [HEAD]`: flags added, removed and changed between two versions
//! of flags.yaml (default: `HEAD` and the work tree).

use super::{Ctx, Outcome};
use flagctl::changes::compare;
use flagctl::error::{Error, Result};

super::formats!(Format {
    Text => Human,
    Json => Json,
    Markdown => Markdown,
});

/// `flagctl diff`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The old revision, or `BASE..HEAD` [default: HEAD]
    #[arg(value_name = "BASE")]
    base: Option<String>,
    /// The new revision [default: the work tree]
    #[arg(value_name = "HEAD")]
    head: Option<String>,
    /// Output format
    #[arg(long, value_enum)]
    format: Option<Format>,
}

/// Splits `A..B`, `A..` and `..B` (an empty side means `HEAD`, as in git).
fn sides(args: &Args) -> Result<(String, Option<String>)> {
    match (&args.base, &args.head) {
        (None, None) => Ok(("HEAD".into(), None)),
        (Some(b), head) if b.contains("..") => {
            if head.is_some() {
                return Err(Error::Usage(
                    "give either `BASE..HEAD` or `BASE HEAD`, not both".into(),
                ));
            }
            if b.contains("...") {
                return Err(Error::Usage(
                    "`BASE...HEAD` (merge base) is not supported; use `BASE..HEAD`".into(),
                ));
            }
            let (a, c) = b.split_once("..").unwrap_or((b, ""));
            let or_head = |s: &str| if s.is_empty() { "HEAD" } else { s }.to_string();
            Ok((or_head(a), Some(or_head(c))))
        }
        (Some(b), head) => Ok((b.clone(), head.clone())),
        (None, Some(_)) => Err(Error::Usage("HEAD given without BASE".into())),
    }
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: &Args) -> Result<Outcome> {
    let format = ctx.format("diff", args.format, Format::Text)?;
    let (base, mut head) = sides(args)?;
    // `--rev` names the file's version everywhere: here it stands in for HEAD.
    if head.is_none() {
        head = ctx.global.rev.clone();
    }
    let path = ctx.flags_path()?;
    let report = compare::between(&path, &ctx.display(&path), &base, head.as_deref())?;
    ctx.emit(&report, format.render())?;
    Ok(Outcome::Success)
}
