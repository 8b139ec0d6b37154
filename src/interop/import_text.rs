//! Import drafts written as flags.yaml text: commented, in the order of the format's
//! documentation, and valid (the import tests load what this writes).

use super::report::{Fidelity, FlagReport};
use super::unleash::import::{Cond, Draft, DraftRule, DraftSegment, Drafts, Targeting};
use super::yaml_out::{list, string, value};
use serde_json::Value;
use std::fmt::Write;

/// Who owns imported flags, and where the text came from.
#[derive(Debug, Clone)]
pub struct TextOptions {
    /// Owner of flags whose Unleash project names none.
    pub owner: Option<String>,
    /// The input, for the header comment.
    pub source: String,
}

/// The flags file for `drafts`.
pub fn write(drafts: &Drafts, opts: &TextOptions) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Imported from Unleash ({}) by `flagctl import`.\n# Review the flags with comments, then run `flagctl validate`.\nversion: 1",
        opts.source
    );
    if !drafts.environments.is_empty() {
        let envs = list(drafts.environments.iter().map(String::as_str));
        let _ = writeln!(out, "\nsettings:\n  environments: {envs}");
    }
    if !drafts.segments.is_empty() {
        out.push_str("\nsegments:\n");
        for seg in &drafts.segments {
            segment(&mut out, seg);
        }
    }
    out.push_str("\nflags:");
    if drafts.flags.is_empty() {
        out.push_str(" {}\n");
        return out;
    }
    out.push('\n');
    for (i, d) in drafts.flags.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let report = drafts.reports.iter().find(|r| r.flag == d.key);
        flag(&mut out, d, report, opts);
    }
    out
}

fn segment(out: &mut String, seg: &DraftSegment) {
    let _ = writeln!(out, "  {}:", string(&seg.key));
    let _ = writeln!(out, "    description: {}", string(&seg.description));
    if !seg.when.is_empty() {
        out.push_str("    when:\n");
        for c in &seg.when {
            let _ = writeln!(out, "      {}", condition(c));
        }
    }
}

fn flag(out: &mut String, d: &Draft, report: Option<&FlagReport>, opts: &TextOptions) {
    let _ = writeln!(out, "  {}:", string(&d.key));
    for f in report.into_iter().flat_map(|r| &r.findings) {
        let what = match f.fidelity {
            Fidelity::Exact => "note",
            Fidelity::Approximated => "approximated",
            Fidelity::Lost => "lost",
        };
        let _ = writeln!(out, "    # {what}: {}", f.issue.message());
    }
    let description = d
        .description
        .clone()
        .unwrap_or_else(|| format!("{} (imported from Unleash)", d.key));
    let _ = writeln!(out, "    description: {}", string(&description));
    if let Some(t) = d.flag_type {
        let _ = writeln!(out, "    type: {t}");
    }
    let owner = d
        .project
        .clone()
        .or_else(|| opts.owner.clone())
        .unwrap_or_else(|| "unowned".into());
    let _ = writeln!(out, "    owner: {}", string(&owner));
    if let Some(c) = d.created {
        let _ = writeln!(out, "    created: {c}");
    }
    if let Some(e) = d.expires {
        let _ = writeln!(out, "    expires: {e}");
    }
    targeting(out, &d.base, None, 4);
    if !d.environments.is_empty() {
        out.push_str("    environments:\n");
        for (name, t) in &d.environments {
            let _ = writeln!(out, "      {}:", string(name));
            targeting(out, t, Some(&d.base), 8);
        }
    }
}

/// A field's name, how it is shown, and whether the targeting sets it.
type Field<'a> = (&'a str, &'a dyn Fn(&Targeting) -> String, bool);

/// The evaluation fields; with `base`, only those that differ from it.
fn targeting(out: &mut String, t: &Targeting, base: Option<&Targeting>, indent: usize) {
    let pad = " ".repeat(indent);
    let differs = |f: &dyn Fn(&Targeting) -> String| base.is_none_or(|b| f(b) != f(t));
    let fields: [Field; 6] = [
        ("enabled", &|t| t.enabled.to_string(), !t.enabled),
        (
            "rollout",
            &|t| t.rollout.unwrap_or(100).to_string(),
            t.rollout.is_some(),
        ),
        (
            "bucket_by",
            &|t| string(t.bucket_by.as_deref().unwrap_or("userId")),
            t.bucket_by.is_some(),
        ),
        (
            "salt",
            &|t| t.salt.as_deref().map(string).unwrap_or_default(),
            t.salt.is_some(),
        ),
        (
            "segments",
            &|t| list(t.segments.iter().map(String::as_str)),
            !t.segments.is_empty(),
        ),
        (
            "value",
            &|t| t.value.as_ref().map_or("true".into(), value),
            t.value.is_some(),
        ),
    ];
    for (name, show, present) in fields {
        let shown = show(t);
        if (base.is_none() && present) || (base.is_some() && differs(show) && !shown.is_empty()) {
            let _ = writeln!(out, "{pad}{name}: {shown}");
        }
    }
    if let Some(off) = t
        .off
        .as_ref()
        .filter(|_| base.is_none_or(|b| b.off != t.off))
    {
        let _ = writeln!(out, "{pad}off: {}", value(off));
    }
    if !t.rules.is_empty() && base.is_none_or(|b| b.rules != t.rules) {
        let _ = writeln!(out, "{pad}rules:");
        for r in &t.rules {
            rule(out, r, indent + 2);
        }
    }
    if !t.variants.is_empty() && base.is_none_or(|b| b.variants != t.variants) {
        let _ = writeln!(out, "{pad}variants:");
        for (name, v, weight) in &t.variants {
            let _ = writeln!(
                out,
                "{pad}  {}: {{ value: {}, weight: {weight} }}",
                string(name),
                value(v)
            );
        }
    }
}

fn rule(out: &mut String, r: &DraftRule, indent: usize) {
    let pad = " ".repeat(indent);
    let mut first = true;
    let mut line = |out: &mut String, text: String| {
        let lead = if first { "- " } else { "  " };
        first = false;
        let _ = writeln!(out, "{pad}{lead}{text}");
    };
    if !r.when.is_empty() {
        line(out, "when:".into());
        for c in &r.when {
            let _ = writeln!(out, "{pad}    {}", condition(c));
        }
    }
    if !r.segments.is_empty() {
        line(
            out,
            format!("segments: {}", list(r.segments.iter().map(String::as_str))),
        );
    }
    if let Some(p) = r.rollout {
        line(out, format!("rollout: {p}"));
    }
    match &r.variant {
        Some(name) => line(out, format!("variant: {}", string(name))),
        None => line(out, format!("value: {}", value(&r.value))),
    }
}

/// `attr: { op: operand, ignore_case: true }`.
fn condition(c: &Cond) -> String {
    let mut ops: Vec<String> = c
        .ops
        .iter()
        .map(|(name, operand)| format!("{name}: {}", operand_text(operand)))
        .collect();
    if c.ignore_case {
        ops.push("ignore_case: true".into());
    }
    format!("{}: {{ {} }}", string(&c.attribute), ops.join(", "))
}

fn operand_text(v: &Value) -> String {
    match v {
        Value::Array(items) if items.iter().all(Value::is_string) => {
            list(items.iter().filter_map(Value::as_str))
        }
        other => value(other),
    }
}
