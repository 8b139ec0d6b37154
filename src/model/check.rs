//! Checks that need the whole decoded file: required metadata, expiry rules,
//! references to segments, environments and variants, and value types.

use super::decode::Decoder;
use super::*;
use crate::diag::Code;
use crate::suggest::did_you_mean;
use chrono::NaiveDate;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// Runs every cross-field check, relative to `today` (for the `expired` warning).
///
/// Every lookup is a hash lookup and every "did you mean" draws on one budget per
/// file ([`Hints`]), so the checks cost time in proportion to the file, whatever its
/// shape (tens of thousands of segments, environments, variants or references).
pub fn check(file: &FlagsFile, today: NaiveDate, dec: &mut Decoder) {
    let segments = Names::new(file.segments.iter().map(|s| s.key.as_str()));
    let allowed = file
        .settings
        .environments
        .as_ref()
        .map(|envs| Names::new(envs.iter().map(|a| a.value.as_str())));
    let mut hints = Hints::default();
    for flag in &file.flags {
        check_metadata(flag, &file.settings, today, dec);
        check_targeting(flag, &flag.targeting, &segments, &mut hints, dec);
        for env in &flag.environments {
            if let Some(allowed) = &allowed {
                check_environment(flag, env, allowed, &mut hints, dec);
            }
            check_targeting(flag, &env.targeting, &segments, &mut hints, dec);
        }
        check_variant_refs(flag, &mut hints, dec);
        check_value_types(flag, dec);
    }
}

/// A set of names that keeps their order, for lookups and for suggestions.
struct Names<'a> {
    order: Vec<&'a str>,
    set: HashSet<&'a str>,
}

impl<'a> Names<'a> {
    fn new(names: impl Iterator<Item = &'a str>) -> Self {
        let order: Vec<&str> = names.collect();
        let set = order.iter().copied().collect();
        Names { order, set }
    }

    fn contains(&self, name: &str) -> bool {
        self.set.contains(name)
    }
}

fn variant_names(t: &Targeting) -> Names<'_> {
    Names::new(t.variants.iter().flatten().map(|v| v.name.as_str()))
}

/// Suggestions compare a name with every candidate; tens of thousands of undefined
/// references to tens of thousands of names would make that quadratic, so a file gets
/// a budget of comparisons, after which messages go without a "did you mean".
struct Hints {
    left: usize,
}

impl Default for Hints {
    fn default() -> Self {
        // About 30 ms of comparisons; a file with a few typos never comes near it.
        Hints { left: 100_000 }
    }
}

impl Hints {
    fn did_you_mean(&mut self, input: &str, candidates: &Names<'_>) -> String {
        let cost = candidates.order.len().max(1);
        if cost > self.left {
            self.left = 0;
            return String::new();
        }
        self.left -= cost;
        did_you_mean(input, candidates.order.iter().copied())
    }
}

/// Names listed in a message: a few, then how many more.
fn listing(names: &Names<'_>) -> String {
    const SHOWN: usize = 10;
    let mut text = names.order[..names.order.len().min(SHOWN)].join(", ");
    if names.order.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.order.len() - SHOWN));
    }
    text
}

fn check_environment(
    flag: &Flag,
    env: &EnvOverride,
    allowed: &Names<'_>,
    hints: &mut Hints,
    dec: &mut Decoder,
) {
    if allowed.contains(&env.name) {
        return;
    }
    let hint = hints.did_you_mean(&env.name, allowed);
    dec.error(
        env.pos,
        Code::UnknownEnvironment,
        format!(
            "flag `{}` overrides environment `{}`, which is not in settings.environments ({}){hint}",
            flag.key,
            env.name,
            listing(allowed)
        ),
    );
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
                expires.span(),
                Code::ExpiresBeforeCreated,
                format!(
                    "flag `{key}` expires on {} but was created on {}; expiry must come after creation",
                    expires.value, created.value
                ),
            );
        } else if temporary && (expires.value - created.value).num_days() > settings.max_expiry_days
        {
            dec.error(
                expires.span(),
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
                    expires.span(),
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
                expires.span(),
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

fn check_segment_refs(
    flag: &Flag,
    refs: &[Sp<String>],
    known: &Names<'_>,
    hints: &mut Hints,
    dec: &mut Decoder,
) {
    for r in refs {
        if !known.contains(&r.value) {
            let hint = hints.did_you_mean(&r.value, known);
            dec.error(
                r.span(),
                Code::UndefinedSegment,
                format!(
                    "flag `{}` uses segment `{}`, which is not defined under `segments:`{hint}",
                    flag.key, r.value
                ),
            );
        }
    }
}

fn check_targeting(
    flag: &Flag,
    t: &Targeting,
    known: &Names<'_>,
    hints: &mut Hints,
    dec: &mut Decoder,
) {
    if let Some(segs) = &t.segments {
        check_segment_refs(flag, segs, known, hints, dec);
    }
    for rule in t.rules.iter().flatten() {
        check_segment_refs(flag, &rule.segments, known, hints, dec);
    }
    if let Some(variants) = &t.variants {
        if !variants.is_empty() && variants.iter().all(|v| v.weight.value == 0) {
            dec.error(
                variants[0].weight.span(),
                Code::InvalidWeight,
                format!(
                    "every variant of flag `{}` has weight 0; give at least one a positive weight",
                    flag.key
                ),
            );
        }
    }
}

/// Where a rule's variant is missing: the flag's own `variants`, or those of an
/// environment override that inherits the flag's rules.
struct Missing<'a> {
    env: Option<&'a str>,
    names: Names<'a>,
}

/// Reports every rule that serves a variant its scope does not define. An override's
/// rules see the override's variants, else the flag's; the flag's rules are checked
/// against the flag's variants and against those of every override that sets
/// `variants` but not `rules`. Each rule is reported once, for the first scope that
/// lacks its variant; the work is linear in the flag's size (see [`first_missing`]).
fn check_variant_refs(flag: &Flag, hints: &mut Hints, dec: &mut Decoder) {
    let own = Rc::new(Missing {
        env: None,
        names: variant_names(&flag.targeting),
    });
    for env in &flag.environments {
        let Some(rules) = &env.targeting.rules else {
            continue;
        };
        let scope = match &env.targeting.variants {
            Some(_) => Rc::new(Missing {
                env: Some(env.name.as_str()),
                names: variant_names(&env.targeting),
            }),
            None => own.clone(),
        };
        for (rule, v) in served_variants(rules) {
            if !scope.names.contains(&v.value) {
                undefined_variant(flag, rule, v, &scope, hints, dec);
            }
        }
    }
    let Some(rules) = &flag.targeting.rules else {
        return;
    };
    let inheriting = flag
        .environments
        .iter()
        .filter(|e| e.targeting.rules.is_none() && e.targeting.variants.is_some());
    let wanted = served_variants(rules).map(|(_, v)| v.value.as_str());
    let missing = first_missing(wanted, own, inheriting);
    for (rule, v) in served_variants(rules) {
        if let Some(scope) = missing.get(v.value.as_str()) {
            undefined_variant(flag, rule, v, scope, hints, dec);
        }
    }
}

fn undefined_variant(
    flag: &Flag,
    rule: &Rule,
    v: &Sp<String>,
    scope: &Missing<'_>,
    hints: &mut Hints,
    dec: &mut Decoder,
) {
    let hint = hints.did_you_mean(&v.value, &scope.names);
    let under = match scope.env {
        Some(env) => format!("`variants:` of environment `{env}`"),
        None => "`variants:`".to_string(),
    };
    dec.error(
        v.span(),
        Code::UndefinedVariant,
        format!(
            "rule `{}` of flag `{}` serves variant `{}`, which is not defined under {under}{hint}",
            rule.label(),
            flag.key,
            v.value
        ),
    );
}

/// The rules that serve a variant, with the variant's name.
fn served_variants(rules: &[Rule]) -> impl Iterator<Item = (&Rule, &Sp<String>)> {
    rules.iter().filter_map(|r| match &r.serve {
        Serve::Variant(v) => Some((r, v)),
        Serve::Value(_) => None,
    })
}

/// For each name in `wanted` that some scope lacks, the first such scope: the flag's
/// own variants, then each override in order. Linear: an override whose variants
/// include every name still pending costs its own size; otherwise the pending names
/// are scanned once, and each one found missing leaves the pending set for good, so
/// the scan costs what it removes plus what the override holds.
fn first_missing<'a>(
    wanted: impl Iterator<Item = &'a str>,
    flag_scope: Rc<Missing<'a>>,
    inheriting: impl Iterator<Item = &'a EnvOverride>,
) -> HashMap<&'a str, Rc<Missing<'a>>> {
    let mut missing = HashMap::new();
    let mut pending: HashSet<&str> = HashSet::new();
    for name in wanted {
        if !flag_scope.names.contains(name) {
            missing.insert(name, flag_scope.clone());
        } else {
            pending.insert(name);
        }
    }
    for env in inheriting {
        if pending.is_empty() {
            break;
        }
        let names = variant_names(&env.targeting);
        let present = names.set.iter().filter(|n| pending.contains(*n)).count();
        if present == pending.len() {
            continue;
        }
        let gone: Vec<&str> = pending
            .iter()
            .copied()
            .filter(|n| !names.contains(n))
            .collect();
        let scope = Rc::new(Missing {
            env: Some(env.name.as_str()),
            names,
        });
        for name in gone {
            pending.remove(name);
            missing.insert(name, scope.clone());
        }
    }
    missing
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
                v.span(),
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
