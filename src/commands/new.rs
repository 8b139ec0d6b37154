//! `flagctl new KEY`: add a flag with its required metadata, in the file's own style.

use super::{Ctx, note, stdout, write};
use crate::Outcome;
use crate::cli::{Format, NewArgs};
use crate::error::{Error, Result};
use crate::model::decode::valid_key;
use crate::model::duration::{parse_date, parse_days};
use crate::model::edit::{self, Change, NewFlag};
use crate::model::{FlagType, Lifetimes};
use crate::report::Severity;
use chrono::{Days, NaiveDate};
use std::io::Write;

/// Runs `flagctl new`.
pub fn run(ctx: &Ctx, args: &NewArgs) -> Result<Outcome> {
    ctx.format("new", &[Format::Text])?;
    let key = args.key.as_str();
    if !valid_key(key) {
        return Err(Error::Usage(invalid_key(key)));
    }
    let flag_type = FlagType::parse(&args.flag_type).ok_or_else(|| {
        Error::Usage(format!(
            "unknown flag type `{}`; use release, operational, experiment or permission",
            args.flag_type
        ))
    })?;
    let owner = args.owner.trim();
    if owner.is_empty() {
        return Err(Error::Usage(
            "--owner is empty; name the team responsible for the flag".into(),
        ));
    }
    let editing = write::load_for_edit(ctx, args.dry_run)?;
    let loaded = &editing.loaded;
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
        note(
            ctx,
            &format!(
                "warning: `{key}` differs from the existing flag `{}` only in case or separators; their code references will be hard to tell apart",
                twin.key
            ),
        );
    }
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
    let splice = edit::plan_new(&loaded.text, &loaded.display, &flag)?;
    let edited = write::apply(
        ctx,
        loaded,
        &splice,
        Change::Added(&flag),
        args.dry_run,
        args.force,
    )?;
    let Some(added) = edited.file.flag(key) else {
        return Ok(Outcome::Success);
    };
    // Warnings about the new flag (no description) are worth saying once, now.
    for d in edited.diagnostics.iter().filter(|d| {
        d.severity == Severity::Warning && d.line >= added.pos.line && d.line < added.pos.line + 8
    }) {
        note(ctx, &format!("warning: {}", d.message));
    }
    if !args.dry_run && !ctx.global.quiet {
        let expires = flag
            .expires
            .map_or_else(|| "no expiry".to_string(), |e| format!("expires {e}"));
        let mut out = stdout();
        writeln!(
            out,
            "added {flag_type} flag `{key}` to {} at line {} (owner {owner}, {expires})",
            loaded.display, added.pos.line
        )?;
        out.flush()?;
    }
    Ok(Outcome::Success)
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
