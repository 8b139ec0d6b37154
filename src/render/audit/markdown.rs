//! The audit as Markdown, ready to paste into a GitHub issue or pull-request comment:
//! the summary and one table per owner first, then the cleanup plans, one collapsed
//! `<details>` block per flag, then the keys referenced but not defined.
//!
//! A comment holds 65,536 characters, so the report is fitted into `--max-chars`: when
//! it is longer, the longest sections are cut, each with a line saying how many items
//! were left out and how to see them (see [`super::fit`]). Text is escaped for where it
//! goes: table cells, paragraphs, code spans and HTML each have their own rules.

use super::fit::{Block, List, fit};
use super::html::escape;
use crate::audit::{Added, Audit, Change, FlagEntry, Location, per_line};
use crate::lifecycle::Source;
use crate::render::markdown::{cell, code, table, text};
use crate::text::plural;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The default `--max-chars`: a GitHub comment holds 65,536 characters; the rest is
/// room for a line of the user's own.
pub const MAX_CHARS: usize = 65_000;

/// Renders the report in at most `max_chars` characters.
pub fn render(audit: &Audit, max_chars: usize) -> String {
    let rest = "\n_{n} more section{s} left out to fit the report in `--max-chars`; \
                `--owner OWNER` gives one team's part, `--format html` or `--format json` \
                the whole report._\n";
    fit(&blocks(audit), max_chars, rest)
}

/// The report as blocks, in order.
fn blocks(audit: &Audit) -> Vec<Block> {
    let mut out = vec![Block::Text(intro(audit))];
    out.push(added(audit));
    out.push(changes(
        "Removed in the last 30 days",
        audit.summary.removed_last_30_days.as_deref(),
    ));
    out.push(Block::Text(summary_rest(audit)));
    if !audit.owners.is_empty() {
        out.push(Block::Text("## Flags by owner\n\n".into()));
    }
    let usage = audit.usage_window.is_some();
    for section in &audit.owners {
        out.push(owner_table(&section.owner, &section.flags, usage));
    }
    if audit.entries().any(|(_, f)| f.plan.is_some()) {
        out.push(Block::Text("## Cleanup plans\n\n".into()));
    }
    for section in &audit.owners {
        let plans: Vec<Block> = section.flags.iter().filter_map(plan).collect();
        if plans.is_empty() {
            continue;
        }
        out.push(Block::List(List {
            head: format!("### {}\n\n", text(&section.owner)),
            items: plans,
            more: format!(
                "_{{n}} more cleanup plan{{s}} left out to fit; {}, `--format html` or `--format json` shows them all._\n\n",
                code(&owner_arg(&section.owner))
            ),
            tail: String::new(),
        }));
    }
    if !audit.undefined.is_empty() {
        out.push(undefined(&audit.undefined));
    }
    out
}

/// Title, one-line overview and the first summary lines.
fn intro(audit: &Audit) -> String {
    let mut s = String::new();
    let sum = &audit.summary;
    let _ = writeln!(s, "# Feature flag audit — {}\n", audit.today);
    let service = audit
        .service
        .as_deref()
        .map(|x| format!(" of {}", code(x)))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "Flags file {}{service}: **{}**, health **{}%** (100 minus the share of flags with a stale finding).\n",
        code(&audit.file),
        plural(sum.flags, "flag"),
        sum.health
    );
    if let Some(reason) = &audit.history_unavailable {
        let _ = writeln!(s, "> Git history unavailable: {}\n", text(reason));
    }
    let _ = writeln!(s, "## Summary\n");
    let _ = writeln!(s, "- By type: {}", counts(&sum.by_type));
    let _ = writeln!(s, "- By state: {}", counts(&sum.by_state));
    let _ = writeln!(s, "- Findings: {}", counts(&sum.findings));
    s
}

fn counts(m: &BTreeMap<String, usize>) -> String {
    if m.is_empty() {
        return "none".into();
    }
    m.iter()
        .map(|(k, v)| format!("{} {v}", text(k)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The "Added in the last 30 days" line.
fn added(audit: &Audit) -> Block {
    const LABEL: &str = "Added in the last 30 days";
    match audit.added() {
        Added::Unknown => changes(LABEL, None),
        Added::Adopted { on, flags } => Block::Text(format!(
            "- {LABEL}: {} ({} was added on {on})\n",
            plural(flags, "flag"),
            code(&audit.file)
        )),
        Added::Flags(list) => changes(LABEL, Some(list)),
    }
}

/// A summary line listing flag changes; `None`: no history to tell.
fn changes(label: &str, list: Option<&[Change]>) -> Block {
    match list {
        None => Block::Text(format!("- {label}: unknown (no history)\n")),
        Some([]) => Block::Text(format!("- {label}: none\n")),
        Some(list) => Block::List(List {
            head: format!("- {label}: "),
            items: list
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    Block::Text(format!(
                        "{}{} ({}, {} by {})",
                        if i == 0 { "" } else { ", " },
                        code(&c.flag),
                        c.date,
                        c.commit,
                        text(&c.author)
                    ))
                })
                .collect(),
            more: ", and {n} more (`--format json` lists them)".into(),
            tail: "\n".into(),
        }),
    }
}

/// The summary lines after the recent changes.
fn summary_rest(audit: &Audit) -> String {
    let mut s = String::new();
    let sum = &audit.summary;
    let oldest = if sum.oldest_temporary.is_empty() {
        "none".to_string()
    } else {
        sum.oldest_temporary
            .iter()
            .map(|a| {
                format!(
                    "{} ({} days, {})",
                    code(&a.flag),
                    a.age_days,
                    text(a.owner.as_deref().unwrap_or("no owner"))
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(s, "- Oldest temporary flags: {oldest}");
    if !audit.roots.is_empty() {
        let roots: Vec<String> = audit.roots.iter().map(|r| code(r)).collect();
        let _ = writeln!(s, "- Code scanned: {}", roots.join(", "));
    }
    if let Some(w) = &audit.usage_window {
        let _ = writeln!(
            s,
            "- Usage data: {} to {} ({} days)",
            w.first_day(),
            w.last_day(),
            w.days()
        );
    }
    s.push('\n');
    s
}

/// `--owner NAME`, quoted for a POSIX shell when the name needs it.
fn owner_arg(owner: &str) -> String {
    let plain = owner
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./@:+".contains(c));
    if plain && !owner.is_empty() {
        format!("--owner {owner}")
    } else {
        format!("--owner '{}'", owner.replace('\'', r"'\''"))
    }
}

/// One owner's table of flags.
fn owner_table(owner: &str, flags: &[FlagEntry], usage: bool) -> Block {
    let mut header = vec!["flag", "type", "age", "expires", "state", "refs"];
    if usage {
        header.push("last evaluated");
    }
    header.push("findings");
    Block::List(List {
        head: format!("### {}\n\n{}", text(owner), table(&header, &[])),
        items: flags
            .iter()
            .map(|f| Block::Text(table_row(&row(f, usage))))
            .collect(),
        more: format!(
            "\n_{{n}} more flag{{s}} left out to fit; {}, `--format html` or `--format json` shows them all._\n",
            code(&owner_arg(owner))
        ),
        tail: "\n".into(),
    })
}

/// A table row, every cell escaped for a table.
fn table_row(cells: &[String]) -> String {
    let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
    format!("| {} |\n", cells.join(" | "))
}

fn row(f: &FlagEntry, usage: bool) -> Vec<String> {
    let findings = if f.findings.is_empty() {
        "-".to_string()
    } else {
        f.findings
            .iter()
            .map(|x| x.kind.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let age = match (f.age_days, f.created_source) {
        (Some(d), Some(Source::Git)) => format!("{d}d (git)"),
        (Some(d), _) => format!("{d}d"),
        _ => "-".into(),
    };
    let days = |n: i64| {
        if n == 1 {
            "1 day".to_string()
        } else {
            format!("{n} days")
        }
    };
    let expires = match (f.expires, f.days_left) {
        (Some(e), Some(d)) if d < 0 => format!("{e} ({} ago)", days(-d)),
        (Some(e), Some(d)) => format!("{e} (in {})", days(d)),
        _ => "-".into(),
    };
    let mut cells = vec![
        code(&f.flag),
        f.flag_type.map_or("-".into(), |t| t.to_string()),
        age,
        expires,
        f.state.to_string(),
        f.references.to_string(),
    ];
    if usage {
        cells.push(super::last_evaluated(f));
    }
    cells.push(findings);
    cells
}

/// A paragraph from a message that marks code with backticks (finding messages and
/// actions): the marked parts become code spans, the rest is escaped as text.
fn prose(message: &str) -> String {
    let parts: Vec<&str> = message.split('`').collect();
    if parts.len() % 2 == 0 {
        // An odd number of backticks: nothing can be read as code.
        return text(message);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| if i % 2 == 1 { code(p) } else { text(p) })
        .collect()
}

/// A code line as quoted in a checklist, cut when it is very long.
fn snippet(line: &str) -> String {
    match super::clip(line) {
        (all, false) => code(all),
        (cut, true) => format!("{} …", code(cut)),
    }
}

/// One flag's cleanup plan, collapsed: findings, action and what to keep, then a
/// checklist with one item per line of code to edit.
fn plan(f: &FlagEntry) -> Option<Block> {
    let p = f.plan.as_ref()?;
    let lines = p.lines();
    let kinds: Vec<&str> = f.findings.iter().map(|x| x.kind.as_str()).collect();
    let places = super::places(lines.len());
    let mut head = format!(
        "<details><summary><code>{}</code>: {} · {places}</summary>\n\n",
        escape(&f.flag),
        escape(&kinds.join(", "))
    );
    for finding in &f.findings {
        let _ = writeln!(head, "- **{}**: {}", finding.kind, prose(&finding.message));
    }
    let _ = writeln!(head, "- **Action**: {}", prose(&p.action));
    if let Some(keep) = super::keep_text(p) {
        let _ = writeln!(head, "- **Keep**: {}", text(&keep));
    }
    head.push('\n');
    let items = lines
        .iter()
        .map(|e| {
            Block::Text(format!(
                "- [ ] {} — {}\n",
                code(&e.display()),
                snippet(&e.text)
            ))
        })
        .collect();
    Some(Block::List(List {
        head,
        items,
        more: format!(
            "- {{n}} more place{{s}} left out to fit; {} lists them all\n",
            code(&format!("flagctl scan --flag {}", f.flag))
        ),
        tail: format!(
            "{}- [ ] then run {}\n\n</details>\n\n",
            p.cleanup_command
                .as_deref()
                .map(|c| format!("- [ ] or all at once: {}\n", code(c)))
                .unwrap_or_default(),
            code(&p.remove_command)
        ),
    }))
}

/// Keys the code uses that flags.yaml does not define.
fn undefined(locations: &[Location]) -> Block {
    Block::List(List {
        head: "## Referenced but not defined\n\nCode uses these keys, but flags.yaml does not define them (a typo, or a flag deleted too early):\n\n".into(),
        items: per_line(locations)
            .into_iter()
            .map(|u| {
                Block::Text(format!(
                    "- {} at {}: {}\n",
                    code(&u.flag),
                    code(&u.display()),
                    snippet(&u.text)
                ))
            })
            .collect(),
        more: "- {n} more left out to fit; `--format json` lists them all\n".into(),
        tail: "\n".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_keep_their_code_spans_and_escape_the_rest() {
        assert_eq!(
            prose("flag `a|b` is *not* used"),
            "flag `a|b` is \\*not\\* used"
        );
        // An unpaired backtick cannot open a code span: it is shown as is.
        assert_eq!(prose("it's `odd"), "it's \\`odd");
    }

    #[test]
    fn owner_hints_are_quoted_for_the_shell_when_needed() {
        assert_eq!(owner_arg("checkout-team"), "--owner checkout-team");
        assert_eq!(owner_arg("(no owner)"), "--owner '(no owner)'");
        assert_eq!(owner_arg("it's us"), "--owner 'it'\\''s us'");
    }

    #[test]
    fn long_code_lines_are_cut_in_checklists() {
        let line = "x".repeat(500);
        let s = snippet(&line);
        assert!(s.ends_with("` …"), "{s}");
        assert_eq!(s.chars().count(), super::super::SNIPPET_CHARS + 4);
    }
}
