//! `flagctl new KEY`: add a flag with its required metadata, in the file's own style.

use super::args::TypeArg;
use super::ctx::stdout;
use super::{Ctx, Outcome, edit};
use chrono::{Days, NaiveDate};
use flagctl::diag::Severity;
use flagctl::error::{Error, Result};
use flagctl::model::decode::valid_key;
use flagctl::model::duration::{parse_date, parse_days};
use flagctl::model::edit::{Change, NewFlag, plan_new};
use flagctl::model::{FlagType, Lifetimes, Loaded};
use std::io::Write;

/// `flagctl new`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The new flag's key: letters, digits, `.`, `_`, `:` and `-`
    key: String,
    /// The flag's type
    #[arg(long = "type", value_name = "TYPE", value_enum)]
    flag_type: TypeArg,
    /// The team responsible for the flag
    #[arg(long, value_name = "OWNER")]
    owner: String,
    /// Removal date (YYYY-MM-DD) or time from today (30d, 6w) [default for release and experiment flags: the type's lifetime from today]
    #[arg(long, value_name = "DATE|DURATION")]
    expires: Option<String>,
    /// What the flag is for
    #[arg(long, value_name = "TEXT")]
    description: Option<String>,
    /// Print the change as a unified diff instead of writing it
    #[arg(long)]
    dry_run: bool,
    /// Replace flags.yaml even if it has other hard links (they keep the old content)
    #[arg(long)]
    force: bool,
}

/// Runs `flagctl new`.
pub fn run(ctx: &Ctx, args: &Args) -> Result<Outcome> {
    let key = args.key.as_str();
    if !valid_key(key) {
        return Err(Error::Usage(invalid_key(key)));
    }
    let flag_type = FlagType::from(args.flag_type);
    let owner = args.owner.trim();
    if owner.is_empty() {
        return Err(Error::Usage(
            "--owner is empty; name the team responsible for the flag".into(),
        ));
    }
    let editing = edit::load_for_edit(ctx, args.dry_run)?;
    let loaded = &editing.loaded;
    check_new_key(ctx, loaded, key)?;
    let flag = NewFlag {
        key: key.to_string(),
        description: args
            .description
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(String::from),
        flag_type,
        owner: owner.to_string(),
        created: ctx.today,
        expires: expiry(
            args.expires.as_deref(),
            flag_type,
            &loaded.file.settings.lifetimes,
            ctx.today,
        )?,
    };
    let splice = plan_new(&loaded.text, &loaded.display, &flag)?;
    let edited = edit::apply(
        ctx,
        loaded,
        &splice,
        Change::Added(&flag),
        args.dry_run,
        args.force,
    )?;
    report_added(ctx, args, loaded, &edited, &flag)?;
    Ok(Outcome::Success)
}

/// Refuses a key the file already has, and warns about one that differs from an
/// existing key only in case or separators.
fn check_new_key(ctx: &Ctx, loaded: &Loaded, key: &str) -> Result<()> {
    if let Some(existing) = loaded.file.flag(key) {
        return Err(Error::Invalid {
            file: loaded.display.clone(),
            line: existing.pos.line,
            column: existing.pos.column,
            message: format!("flag `{key}` already exists; choose another key, or edit this one"),
        });
    }
    // `checkout_v2` next to `checkout-v2` is legal, but the scanner's generated aliases
    // would make their code references indistinguishable.
    if let Some(twin) = loaded.file.flags.iter().find(|f| fold(&f.key) == fold(key)) {
        ctx.note(
            &format!(
                "warning: `{key}` differs from the existing flag `{}` only in case or separators; their code references will be hard to tell apart",
                twin.key
            ),
        );
    }
    Ok(())
}

/// The new flag's warnings, then (unless a dry run or quiet) where it was added.
fn report_added(
    ctx: &Ctx,
    args: &Args,
    loaded: &Loaded,
    edited: &Loaded,
    flag: &NewFlag,
) -> Result<()> {
    let key = flag.key.as_str();
    let Some(added) = edited.file.flag(key) else {
        return Ok(());
    };
    // Warnings about the new flag (no description) are worth saying once, now.
    for d in edited.diagnostics.iter().filter(|d| {
        d.severity == Severity::Warning && d.line >= added.pos.line && d.line < added.pos.line + 8
    }) {
        ctx.note(&format!("warning: {}", d.message));
    }
    if !args.dry_run && !ctx.printer.quiet {
        let expires = flag
            .expires
            .map_or_else(|| "no expiry".to_string(), |e| format!("expires {e}"));
        let mut out = stdout();
        writeln!(
            out,
            "added {} flag `{key}` to {} at line {} (owner {}, {expires})",
            flag.flag_type, loaded.display, added.pos.line, flag.owner
        )?;
        out.flush()?;
    }
    Ok(())
}

/// The expiry date: `--expires` as a date or a time from today; else, for temporary
/// types, the type's lifetime from today; else none.
fn expiry(
    arg: Option<&str>,
    flag_type: FlagType,
    lifetimes: &Lifetimes,
    today: NaiveDate,
) -> Result<Option<NaiveDate>> {
    let after = |days: i64| {
        u64::try_from(days)
            .ok()
            .and_then(|d| today.checked_add_days(Days::new(d)))
            .ok_or_else(|| Error::Usage(format!("--expires: {days} days from today is not a date")))
    };
    let date = match arg {
        Some(text) => match parse_days(text) {
            Ok(days) => after(days)?,
            // Digits and a unit: a duration, whose own error says what is wrong.
            Err(m) if looks_like_duration(text) => {
                return Err(Error::Usage(format!("--expires: {m}")));
            }
            Err(_) => parse_date(text).map_err(|m| {
                Error::Usage(format!(
                    "--expires: {m}, or give a time from today such as `30d` or `6w`"
                ))
            })?,
        },
        None if flag_type.is_temporary() => match lifetimes.of(flag_type) {
            Some(days) => after(days)?,
            None => {
                return Err(Error::Usage(format!(
                    "{flag_type} flags need an expiry and settings.lifetimes.{flag_type} is `never`; pass --expires DATE or --expires 30d"
                )));
            }
        },
        None => return Ok(None),
    };
    if date < today {
        return Err(Error::Usage(format!(
            "--expires {date} is in the past (today is {today}); give a later date"
        )));
    }
    Ok(Some(date))
}

/// `123d` or `4w`, whatever the size of the number.
fn looks_like_duration(text: &str) -> bool {
    text.strip_suffix(['d', 'w'])
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The error for an invalid key, suggesting the key with its bad characters replaced.
fn invalid_key(key: &str) -> String {
    if key.is_empty() {
        return "the flag key is empty; use letters, digits, `.`, `_`, `:` or `-`".into();
    }
    let mut fixed = String::new();
    for c in key.trim().chars() {
        let ok = c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-');
        match (ok, fixed.ends_with('-')) {
            (true, _) => fixed.push(c),
            (false, false) => fixed.push('-'),
            (false, true) => {}
        }
    }
    let fixed = fixed.trim_matches('-');
    let hint = if fixed.is_empty() {
        String::new()
    } else {
        format!("; did you mean `{fixed}`?")
    };
    format!(
        "`{key}` is not a valid flag key: use only letters, digits, `.`, `_`, `:` and `-`{hint}"
    )
}

/// The key with case and separators folded away, to spot near-twins.
fn fold(key: &str) -> String {
    key.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}
