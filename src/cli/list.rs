//! `flagctl list`: the flags with type, owner, dates and state.

use super::args::{TypeArg, UsageArgs};
use super::{Ctx, Outcome};
use flagctl::error::Result;
use flagctl::model::list::{Filter, listing};

super::formats!(Format {
    Table ["text"] => Human,
    Json => Json,
    Markdown => Markdown,
});

/// `flagctl list`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only flags owned by OWNER
    #[arg(long, value_name = "OWNER")]
    owner: Option<String>,
    /// Only flags of this type
    #[arg(long = "type", value_name = "TYPE", value_enum)]
    flag_type: Option<TypeArg>,
    /// Only flags past their expiry date
    #[arg(long)]
    expired: bool,
    /// Only flags expiring within DAYS days (not yet expired)
    #[arg(long, value_name = "DAYS")]
    expiring: Option<u32>,
    #[command(flatten)]
    usage: UsageArgs,
    /// Output format
    #[arg(long, value_enum)]
    format: Option<Format>,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: &Args) -> Result<Outcome> {
    let format = ctx.format("list", args.format, Format::Table)?;
    let loaded = ctx.load_valid()?;
    let filter = Filter {
        owner: args.owner.clone(),
        flag_type: args.flag_type.map(Into::into),
        expired: args.expired,
        expiring: args.expiring,
    };
    let mut report = listing(&loaded.file, &filter, ctx.today);
    if let Some(usage) = args.usage.read(ctx)? {
        for row in &mut report.flags {
            let aliases = loaded
                .file
                .flag(&row.key)
                .into_iter()
                .flat_map(|f| &f.aliases);
            let last = usage.last_evaluated(&row.key, aliases.map(|a| a.value.as_str()));
            row.last_evaluated = Some(last);
        }
    }
    ctx.emit(&report, format.render())?;
    Ok(Outcome::Success)
}
