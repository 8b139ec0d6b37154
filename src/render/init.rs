//! `init --discover`: what was scanned, the keys found, where dates and owners came
//! from, and the strings skipped. Written to stderr beside the new flags file.

use super::{Printer, Report};
use crate::init::{Discovery, History, codeowners};
use std::io::{self, Write};

/// Skipped strings listed one per line; more are counted.
const LIST_SKIPPED: usize = 20;

impl Report for Discovery {
    fn command(&self) -> &'static str {
        "init"
    }

    fn today(&self) -> Option<chrono::NaiveDate> {
        Some(self.today)
    }

    fn human(&self, out: &mut dyn Write, p: &Printer) -> io::Result<()> {
        let skipped = match self.files_skipped {
            0 => String::new(),
            n => format!(" ({n} skipped)"),
        };
        writeln!(
            out,
            "scanned {} in {}{skipped}: {} in {}",
            count(
                usize::try_from(self.files_scanned).unwrap_or(usize::MAX),
                "file"
            ),
            self.roots.join(", "),
            count(self.flags.len(), "flag key"),
            count(self.calls(), "SDK call"),
        )?;
        if self.flags.is_empty() {
            return skipped_strings(out, self);
        }
        created(out, self)?;
        expired(out, self)?;
        owners(out, self, p)?;
        skipped_strings(out, self)
    }
}

/// `1 flag key`, `2 flag keys`.
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Where the `created` dates came from.
fn created(out: &mut dyn Write, d: &Discovery) -> io::Result<()> {
    match &d.history {
        History::Git { commits } => {
            let dated = d.flags.iter().filter(|f| f.commit.is_some()).count();
            writeln!(
                out,
                "created: {dated} of {} from the first commit with the key ({} read)",
                d.flags.len(),
                count(*commits, "commit")
            )?;
            let new: Vec<&str> = d
                .flags
                .iter()
                .filter(|f| f.commit.is_none())
                .map(|f| f.key.as_str())
                .collect();
            if !new.is_empty() {
                writeln!(
                    out,
                    "created: {} not committed yet, dated today ({}): {}",
                    count(new.len(), "key"),
                    d.today,
                    new.join(", ")
                )?;
            }
            Ok(())
        }
        History::Unavailable { reason } => writeln!(
            out,
            "created: no git history ({reason}), so every flag is dated today ({})",
            d.today
        ),
    }
}

/// Proposed flags whose lifetime has already run out: a decision, not a typo.
fn expired(out: &mut dyn Write, d: &Discovery) -> io::Result<()> {
    let past = d
        .flags
        .iter()
        .filter(|f| f.expires.is_some_and(|e| e < d.today))
        .count();
    if past == 0 {
        return Ok(());
    }
    writeln!(
        out,
        "expires: {} already past `created` plus the {} lifetime; remove {} or move `expires`",
        if past == 1 {
            "1 flag is".to_string()
        } else {
            format!("{past} flags are")
        },
        d.flag_type,
        if past == 1 { "it" } else { "them" }
    )
}

/// How many owners CODEOWNERS gave, and the keys it did not cover.
fn owners(out: &mut dyn Write, d: &Discovery, p: &Printer) -> io::Result<()> {
    let missing = d.without_owner();
    match &d.codeowners {
        Some(file) => writeln!(
            out,
            "owner: {} of {} from {file}",
            d.flags.len() - missing.len(),
            d.flags.len()
        )?,
        None => writeln!(
            out,
            "owner: no CODEOWNERS file ({})",
            codeowners::LOCATIONS.join(", ")
        )?,
    }
    if missing.is_empty() {
        return Ok(());
    }
    let what = count(missing.len(), "key");
    let (have, action) = match &d.default_owner {
        Some(o) => (
            format!(
                "{} no owner from CODEOWNERS and got --owner `{o}`",
                has(missing.len())
            ),
            format!("edit {} to change them", d.file),
        ),
        None => (
            format!("{} no owner from CODEOWNERS", has(missing.len())),
            format!("set --owner or edit {}", d.file),
        ),
    };
    writeln!(
        out,
        "{}: {what} {have}: {}; {action}",
        p.paint.warning("warning"),
        missing.join(", ")
    )
}

fn has(n: usize) -> &'static str {
    if n == 1 { "has" } else { "have" }
}

/// The strings passed to SDK calls that are not keys.
fn skipped_strings(out: &mut dyn Write, d: &Discovery) -> io::Result<()> {
    if d.skipped.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "skipped {} passed to SDK calls that {}:",
        count(d.skipped.len(), "string"),
        if d.skipped.len() == 1 {
            "is not a valid flag key"
        } else {
            "are not valid flag keys"
        }
    )?;
    for c in d.skipped.iter().take(LIST_SKIPPED) {
        let times = match c.count {
            1 => String::new(),
            n => format!(", {n} calls"),
        };
        writeln!(
            out,
            "  {}:{}: {:?}: {}{times}",
            c.first.path, c.first.line, c.text, c.reason
        )?;
    }
    if d.skipped.len() > LIST_SKIPPED {
        writeln!(out, "  ... and {} more", d.skipped.len() - LIST_SKIPPED)?;
    }
    Ok(())
}
