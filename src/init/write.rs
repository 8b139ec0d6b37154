//! The text `flagctl init` writes: the header, the settings block at its defaults, and
//! either no flags or the proposed ones, each under a comment saying where it was found.

use super::template::{HEADER, settings_block};
use super::{Discovery, History, OwnerSource, Proposal};
use crate::interop::yaml_out::string;
use crate::model::Settings;
use std::fmt::Write;

/// A flags file with every setting at its default and no flags.
pub fn blank(settings: &Settings) -> String {
    format!("{HEADER}{}\nflags: {{}}\n", settings_block(settings))
}

/// A flags file with the flags `d` proposes, sorted by key.
pub fn write(d: &Discovery, settings: &Settings) -> String {
    let mut out = String::from(HEADER);
    let _ = writeln!(
        out,
        "# The flags were proposed by `flagctl init --discover` from {} SDK calls: check\n# each description, owner and date.",
        d.calls()
    );
    out.push_str(&settings_block(settings));
    if d.flags.is_empty() {
        out.push_str("\nflags: {}\n");
        return out;
    }
    out.push_str("\nflags:\n");
    for (i, f) in d.flags.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        flag(&mut out, f, d);
    }
    out
}

/// One proposed flag with its comment.
fn flag(out: &mut String, f: &Proposal, d: &Discovery) {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let methods = if f.methods.is_empty() {
        String::new()
    } else {
        format!(" ({})", f.methods.join(", "))
    };
    let _ = writeln!(
        out,
        "  # Found in {} in {}{methods}; first at {}:{}.",
        plural(f.calls, "call"),
        plural(f.files, "file"),
        one_line(&f.first.path),
        f.first.line
    );
    let created = match (&f.commit, &d.history) {
        (Some(c), _) => format!("created: first committed in {c}"),
        (None, History::Git { .. }) => "created: today (not committed yet)".into(),
        (None, History::Unavailable { .. }) => "created: today (no git history)".into(),
    };
    let owner = match (&f.owner_source, &d.codeowners) {
        (OwnerSource::Codeowners { line, path }, Some(file)) => {
            format!("owner: {file} line {line}, for {}", one_line(path))
        }
        (OwnerSource::Codeowners { line, path }, None) => {
            format!("owner: CODEOWNERS line {line}, for {}", one_line(path))
        }
        (OwnerSource::Option, _) => "owner: --owner (no CODEOWNERS line)".into(),
        (OwnerSource::Placeholder, _) => "owner: unknown, set it".into(),
    };
    let _ = writeln!(out, "  # {created}; {owner}.");
    let _ = writeln!(out, "  {}:", string(&f.key));
    let description = format!("TODO: describe {}", f.key);
    let _ = writeln!(out, "    description: {}", string(&description));
    let _ = writeln!(out, "    type: {}", d.flag_type);
    let _ = writeln!(out, "    owner: {}", string(&f.owner));
    let _ = writeln!(out, "    created: {}", f.created);
    if let Some(e) = f.expires {
        let _ = writeln!(out, "    expires: {e}");
    }
}

/// A file name fit for a YAML comment: a line break in it would end the comment.
fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], "?")
}
