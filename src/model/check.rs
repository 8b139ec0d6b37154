//! Checks that need the whole decoded file: required metadata, expiry rules,
//! references to segments, environments and variants, and value types.

use super::decode::Decoder;
use super::*;
use crate::diag::Code;
use crate::suggest::did_you_mean;
use chrono::NaiveDate;
use serde_json::Value;

/// Runs every cross-field check, relative to `today` (for the `expired` warning).
pub fn check(file: &FlagsFile, today: NaiveDate, dec: &mut Decoder) {
    let segment_names: Vec<&str> = file.segments.iter().map(|s| s.key.as_str()).collect();
    for flag in &file.flags {
        check_metadata(flag, &file.settings, today, dec);
        check_targeting(flag, &flag.targeting, &segment_names, dec);
        for env in &flag.environments {
            if let Some(allowed) = &file.settings.environments {
                if !allowed.iter().any(|a| a.value == env.name) {
                    let hint = did_you_mean(&env.name, allowed.iter().map(|a| a.value.as_str()));
                    let list = allowed
                        .iter()
                        .map(|a| a.value.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    dec.error(
                        env.pos,
                        Code::UnknownEnvironment,
                        format!(
                            "flag `{}` overrides environment `{}`, which is not in settings.environments ({list}){hint}",
                            flag.key, env.name
                        ),
                    );
                }
            }
            let merged = flag.targeting.overlay(&env.targeting);
            check_targeting(flag, &env.targeting, &segment_names, dec);
            // Rules in an override may name variants defined at the flag level.
            check_variant_refs(flag, &merged, dec);
        }
        check_variant_refs(flag, &flag.targeting, dec);
        check_value_types(flag, dec);
    }
}

fn check_metadata(flag: &Flag, settings: &Settings, today: NaiveDate, dec: &mut Decoder) {
    let key = &flag.key;
    if flag.description.is_none() {
        dec.warning(
            flag.pos,
            Code::MissingDescription,
            format!("flag `{key}` has no `description`; say what it does so reviewers and the audit can tell"),
        );
    }
    let temporary = flag.kind().is_some_and(FlagType::is_temporary);
    if let (Some(created), Some(expires)) = (&flag.created, &flag.expires) {
        if expires.value < created.value {
            dec.error(
                expires.pos,
                Code::ExpiresBeforeCreated,
                format!(
                    "flag `{key}` expires on {} but was created on {}; expiry must come after creation",
                    expires.value, created.value
                ),
            );
        } else if temporary && (expires.value - created.value).num_days() > settings.max_expiry_days
        {
            dec.error(
                expires.pos,
                Code::ExpiresTooLate,
                format!(
                    "flag `{key}` expires {} days after it was created, more than settings.max_expiry ({} days); pick an earlier date",
                    (expires.value - created.value).num_days(),
                    settings.max_expiry_days
                ),
            );
        } else if let Some((t, days)) = flag
            .kind()
            .and_then(|t| Some((t, settings.lifetimes.of(t)?)))
        {
            // The flag's own `expires` wins over its type's lifetime (a flag with one is
            // never `overdue`); a date beyond the lifetime is worth saying once, here,
            // where the decision is made.
            let span = (expires.value - created.value).num_days();
            if span > days {
                dec.warning(
                    expires.pos,
                    Code::ExpiryBeyondLifetime,
                    format!(
                        "flag `{key}` expires {span} days after it was created, beyond the {days}-day lifetime of {t} flags (settings.lifetimes.{t}); fine if the team means it, or pick an earlier date"
                    ),
                );
            }
        }
    }
    if let Some(expires) = &flag.expires {
        if today > expires.value {
            dec.warning(
                expires.pos,
                Code::Expired,
                format!(
                    "flag `{key}` expired on {} ({} days ago); remove it from code and flags.yaml, or move `expires` if it must stay",
                    expires.value,
                    (today - expires.value).num_days()
                ),
            );
        }
    }
}

fn check_segment_refs(flag: &Flag, refs: &[Sp<String>], known: &[&str], dec: &mut Decoder) {
    for r in refs {
        if !known.contains(&r.value.as_str()) {
            let hint = did_you_mean(&r.value, known.iter().copied());
            dec.error(
                r.pos,
                Code::UndefinedSegment,
                format!(
                    "flag `{}` uses segment `{}`, which is not defined under `segments:`{hint}",
                    flag.key, r.value
                ),
            );
        }
    }
}

fn check_targeting(flag: &Flag, t: &Targeting, known: &[&str], dec: &mut Decoder) {
    if let Some(segs) = &t.segments {
        check_segment_refs(flag, segs, known, dec);
    }
    for rule in t.rules.iter().flatten() {
        check_segment_refs(flag, &rule.segments, known, dec);
    }
    if let Some(variants) = &t.variants {
        if !variants.is_empty() && variants.iter().all(|v| v.weight.value == 0) {
            dec.error(
                variants[0].weight.pos,
                Code::InvalidWeight,
                format!(
                    "every variant of flag `{}` has weight 0; give at least one a positive weight",
                    flag.key
                ),
            );
        }
    }
}

fn check_variant_refs(flag: &Flag, t: &Targeting, dec: &mut Decoder) {
    let names: Vec<&str> = t
        .variants
        .iter()
        .flatten()
        .map(|v| v.name.as_str())
        .collect();
    for rule in t.rules.iter().flatten() {
        if let Serve::Variant(v) = &rule.serve {
            if !names.contains(&v.value.as_str()) {
                let hint = did_you_mean(&v.value, names.iter().copied());
                let message = format!(
                    "rule `{}` of flag `{}` serves variant `{}`, which is not defined under `variants:`{hint}",
                    rule.label(),
                    flag.key,
                    v.value
                );
                if !dec
                    .diagnostics
                    .iter()
                    .any(|d| d.line == v.pos.line && d.message == message)
                {
                    dec.error(v.pos, Code::UndefinedVariant, message);
                }
            }
        }
    }
}

/// The kind of a JSON value, for type-consistency messages.
pub fn value_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "object",
    }
}

/// Every value a flag can serve must have one type. The implicit `value: true` and
/// `off: false` count only where they can be served: `off` always can; `value` only
/// when the flag (in that environment) has no variants.
fn check_value_types(flag: &Flag, dec: &mut Decoder) {
    let mut explicit: Vec<(&'static str, String, &Sp<Value>)> = Vec::new();
    let mut scopes: Vec<&Targeting> = vec![&flag.targeting];
    scopes.extend(flag.environments.iter().map(|e| &e.targeting));
    for t in &scopes {
        if let Some(v) = &t.value {
            explicit.push((value_kind(&v.value), "`value`".into(), v));
        }
        if let Some(v) = &t.off {
            explicit.push((value_kind(&v.value), "`off`".into(), v));
        }
        for rule in t.rules.iter().flatten() {
            if let Serve::Value(v) = &rule.serve {
                explicit.push((
                    value_kind(&v.value),
                    format!("the value of rule `{}`", rule.label()),
                    v,
                ));
            }
        }
        for var in t.variants.iter().flatten() {
            explicit.push((
                value_kind(&var.value.value),
                format!("the value of variant `{}`", var.name),
                &var.value,
            ));
        }
    }
    let Some(&(kind, ref first_what, first)) = explicit.first() else {
        return; // a plain boolean flag
    };
    for (k, what, v) in &explicit[1..] {
        if *k != kind {
            dec.error(
                v.pos,
                Code::TypeMismatch,
                format!(
                    "{what} of flag `{}` is a {k}, but {first_what} (line {}) is a {kind}; every value a flag serves must have the same type",
                    flag.key, first.pos.line
                ),
            );
        }
    }
    if kind == "boolean" {
        return;
    }
    if flag.targeting.off.is_none() {
        dec.error(
            flag.pos,
            Code::TypeMismatch,
            format!(
                "flag `{}` serves {kind} values but has no `off`, so it would serve the implicit `false` when off; add `off:` with a {kind}",
                flag.key
            ),
        );
    }
    let has_variants = flag
        .targeting
        .variants
        .as_ref()
        .is_some_and(|v| !v.is_empty());
    if flag.targeting.value.is_none() && !has_variants {
        dec.error(
            flag.pos,
            Code::TypeMismatch,
            format!(
                "flag `{}` serves {kind} values but has no `value`, so it would serve the implicit `true` when on; add `value:` with a {kind}",
                flag.key
            ),
        );
    }
}
