//! The audit as Markdown, ready to paste into an issue: summary, then one section per
//! owner with a table of its flags and a checklist cleanup plan per flag to retire.

use crate::audit::{Audit, FlagEntry};
use crate::lifecycle::Source;
use crate::render::markdown::{cell, table};
use std::fmt::Write;

/// Renders the report.
pub fn render(audit: &Audit) -> String {
    let mut s = String::new();
    let s_ = &mut s;
    let sum = &audit.summary;
    let _ = writeln!(s_, "# Feature flag audit — {}\n", audit.today);
    let service = audit
        .service
        .as_deref()
        .map(|x| format!(" of `{x}`"))
        .unwrap_or_default();
    let _ = writeln!(
        s_,
        "Flags file `{}`{service}: **{} flags**, health **{}%** (100 minus the share of flags with a stale finding).\n",
        audit.file, sum.flags, sum.health
    );
    if let Some(reason) = &audit.history_unavailable {
        let _ = writeln!(s_, "> Git history unavailable: {reason}\n");
    }
    let _ = writeln!(s_, "## Summary\n");
    let counts = |m: &std::collections::BTreeMap<String, usize>| {
        if m.is_empty() {
            "none".to_string()
        } else {
            m.iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let _ = writeln!(s_, "- By type: {}", counts(&sum.by_type));
    let _ = writeln!(s_, "- By state: {}", counts(&sum.by_state));
    let _ = writeln!(s_, "- Findings: {}", counts(&sum.findings));
    let changes = |v: &[crate::audit::Change]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.iter()
                .map(|c| format!("`{}` ({}, {} by {})", c.flag, c.date, c.commit, c.author))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let _ = writeln!(
        s_,
        "- Added in the last 30 days: {}",
        changes(&sum.added_last_30_days)
    );
    let _ = writeln!(
        s_,
        "- Removed in the last 30 days: {}",
        changes(&sum.removed_last_30_days)
    );
    let oldest = if sum.oldest_temporary.is_empty() {
        "none".to_string()
    } else {
        sum.oldest_temporary
            .iter()
            .map(|a| {
                format!(
                    "`{}` ({} days, {})",
                    a.flag,
                    a.age_days,
                    a.owner.as_deref().unwrap_or("no owner")
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(s_, "- Oldest temporary flags: {oldest}");
    if !audit.roots.is_empty() {
        let _ = writeln!(
            s_,
            "- Code scanned: {}",
            audit
                .roots
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let _ = writeln!(s_);

    for section in &audit.owners {
        let _ = writeln!(s_, "## {}\n", section.owner);
        let usage = audit.usage_window.is_some();
        let rows: Vec<Vec<String>> = section.flags.iter().map(|f| row(f, usage)).collect();
        let mut header = vec!["flag", "type", "age", "expires", "state", "refs"];
        if usage {
            header.push("last evaluated");
        }
        header.push("findings");
        s_.push_str(&table(&header, &rows));
        let _ = writeln!(s_);
        for f in section.flags.iter().filter(|f| f.plan.is_some()) {
            plan(s_, f);
        }
    }
    if !audit.undefined.is_empty() {
        let _ = writeln!(s_, "## Referenced but not defined\n");
        let _ = writeln!(
            s_,
            "Code uses these keys, but flags.yaml does not define them (a typo, or a flag deleted too early):\n"
        );
        for u in &audit.undefined {
            let _ = writeln!(
                s_,
                "- `{}` at `{}`: `{}`",
                u.flag,
                u.display(),
                cell(&u.text)
            );
        }
        let _ = writeln!(s_);
    }
    s
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
        format!("`{}`", f.flag),
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

fn plan(s: &mut String, f: &FlagEntry) {
    let Some(p) = &f.plan else { return };
    let _ = writeln!(s, "### Cleanup: `{}`\n", f.flag);
    for finding in &f.findings {
        let _ = writeln!(s, "- **{}**: {}", finding.kind, finding.message);
    }
    let _ = writeln!(s, "- **Action**: {}", p.action);
    if let Some(keep) = super::keep_text(p) {
        let _ = writeln!(s, "- **Keep**: {}", super::super::markdown::text(&keep));
    }
    let _ = writeln!(s);
    for e in &p.edits {
        let _ = writeln!(s, "- [ ] `{}` — `{}`", e.display(), cell(&e.text));
    }
    if let Some(c) = &p.cleanup_command {
        let _ = writeln!(s, "- [ ] or all at once: `{c}`");
    }
    let _ = writeln!(s, "- [ ] then run `{}`", p.remove_command);
    let _ = writeln!(s);
}
