//! flags.yaml as flagd flag definitions: typed `variants`, a `defaultVariant` and
//! JsonLogic `targeting` that walks flagctl's evaluation order as nested `if`s.
//! Segment conditions are shared `$evaluators`.
//!
//! flagd buckets with its own hash and mapping (`fractional`), so a percentage served
//! by flagd selects other users than flagctl and Unleash: every rollout and variant
//! split is reported `re-bucketed`.

use super::report::{FlagReport, Issue, Part};
use crate::model::condition::{Operator, SemverOp};
use crate::model::{Condition, Flag, FlagsFile, Serve, Sp, Targeting};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The schema flagd documents for flag definitions.
pub const SCHEMA: &str = "https://flagd.dev/schema/v0/flags.json";

/// The flagd document and a report per flag.
pub fn export(file: &FlagsFile, environment: Option<&str>) -> (Value, Vec<FlagReport>) {
    let mut flags = BTreeMap::new();
    let mut evaluators = BTreeMap::new();
    let mut reports = Vec::new();
    for seg in file.segments.iter().filter(|s| !s.when.is_empty()) {
        let mut scratch = FlagReport::new("", None);
        evaluators.insert(seg.key.clone(), all(&seg.when, &mut scratch));
    }
    for flag in &file.flags {
        let (def, report) = flag_definition(file, flag, environment);
        flags.insert(flag.key.clone(), def);
        reports.push(report);
    }
    let mut doc = serde_json::Map::new();
    doc.insert("$schema".into(), Value::String(SCHEMA.into()));
    doc.insert("flags".into(), json!(flags));
    if !evaluators.is_empty() {
        doc.insert("$evaluators".into(), json!(evaluators));
    }
    (Value::Object(doc), reports)
}

/// Variant names for a flag's values: its own variants keep their names, `value` is
/// `on`, `off` is `off`, a rule's literal value is named after the rule.
struct Names {
    variants: BTreeMap<String, Value>,
}

impl Names {
    fn name(&mut self, preferred: &str, v: &Value) -> String {
        if let Some((n, _)) = self.variants.iter().find(|(_, x)| *x == v) {
            return n.clone();
        }
        let mut name = preferred.to_string();
        while self.variants.contains_key(&name) {
            name.push('_');
        }
        self.variants.insert(name.clone(), v.clone());
        name
    }
}

fn flag_definition(file: &FlagsFile, flag: &Flag, env: Option<&str>) -> (Value, FlagReport) {
    let t = flag.targeting_for(env);
    let mut rep = FlagReport::new(&flag.key, Some(flag.pos.line));
    let mut names = Names {
        variants: BTreeMap::new(),
    };
    for v in t.variants.iter().flatten() {
        names.variants.insert(v.name.clone(), v.value.value.clone());
    }
    let off = names.name("off", &t.off_value());
    // Variants with weight serve instead of the implicit `value`, which may not even
    // have their type.
    let split = t.variants.iter().flatten().any(|v| v.weight.value > 0);
    let on = if split && t.value.is_none() {
        off.clone()
    } else {
        names.name("on", &t.on_value())
    };
    for rule in t.rules.iter().flatten() {
        if let Serve::Value(v) = &rule.serve {
            names.name(&format!("rule-{}", rule.label()), &v.value);
        }
    }
    let targeting = if t.is_killed() || !t.is_enabled() {
        None
    } else {
        Some(targeting(file, flag, &t, &mut names, &on, &off, &mut rep))
    };
    let default = if targeting.is_some() && t.is_static() {
        &on
    } else {
        &off
    };
    let mut def = serde_json::Map::new();
    def.insert("state".into(), json!("ENABLED"));
    def.insert("variants".into(), json!(names.variants));
    def.insert("defaultVariant".into(), json!(default));
    if let Some(tg) = targeting.filter(|_| !t.is_static()) {
        def.insert("targeting".into(), tg);
    }
    for part in [Part::Enabled, Part::KillSwitch, Part::Value, Part::Off] {
        rep.exact(part);
    }
    rep.finish();
    (Value::Object(def), rep)
}

/// The nested `if` for flagctl's order: segments, rollout, rules, variants, value.
fn targeting(
    file: &FlagsFile,
    flag: &Flag,
    t: &Targeting,
    names: &mut Names,
    on: &str,
    off: &str,
    rep: &mut FlagReport,
) -> Value {
    let bucket = t.bucket_attribute().to_string();
    let salt = t
        .salt
        .as_ref()
        .map_or(flag.key.as_str(), |s| s.value.as_str());
    let key = json!({"cat": [format!("{salt}:"), {"var": bucket}]});
    let missing = json!({"missing": [bucket]});
    // The tail: variants or the on value.
    let variants = t.variants.as_deref().unwrap_or(&[]);
    let mut tail = if variants.iter().any(|v| v.weight.value > 0) {
        rep.issue(Issue::ReBucketed, variants.first().map(|v| v.pos.line));
        rep.issue(Issue::EmptyIsMissing, variants.first().map(|v| v.pos.line));
        let mut args = vec![key.clone()];
        args.extend(variants.iter().map(|v| json!([v.name, v.weight.value])));
        json!({"if": [missing.clone(), off, {"fractional": args}]})
    } else {
        json!(on)
    };
    for rule in t.rules.iter().flatten().rev() {
        let value = match &rule.serve {
            Serve::Value(v) => names.name(&format!("rule-{}", rule.label()), &v.value),
            Serve::Variant(n) => n.value.clone(),
        };
        let mut cond = rule_condition(file, rule, &bucket, rep);
        if let Some(r) = rule.rollout.as_ref().filter(|r| r.value < 100) {
            rep.issue(Issue::ReBucketed, Some(r.pos.line));
            cond = json!({"and": [cond, {"!": missing.clone()}, in_rollout(&key, r.value)]});
        }
        tail = json!({"if": [cond, value, tail]});
    }
    let rollout = t.rollout_percent();
    if rollout < 100 {
        let line = t.rollout.as_ref().map(|r| r.pos.line);
        rep.issue(Issue::ReBucketed, line);
        rep.issue(Issue::EmptyIsMissing, line);
        let inside = json!({"and": [{"!": missing}, in_rollout(&key, rollout)]});
        tail = json!({"if": [inside, tail, off]});
    }
    if let Some(segs) = t.segments.as_ref().filter(|s| !s.is_empty()) {
        tail = json!({"if": [membership(file, segs, &bucket, rep), tail, off]});
    }
    tail
}

/// `fractional` splitting the bucket key into "in" (the percentage) and "out".
fn in_rollout(key: &Value, percent: u8) -> Value {
    if percent == 0 {
        return never();
    }
    json!({"==": [{"fractional": [key, ["in", percent], ["out", 100 - percent]]}, "in"]})
}

fn rule_condition(
    file: &FlagsFile,
    rule: &crate::model::Rule,
    bucket: &str,
    rep: &mut FlagReport,
) -> Value {
    let mut parts: Vec<Value> = rule.when.iter().map(|c| condition(c, rep)).collect();
    if !rule.segments.is_empty() {
        parts.push(membership(file, &rule.segments, bucket, rep));
    }
    match parts.len() {
        0 => json!({"!": [false]}),
        1 => parts.remove(0),
        _ => json!({"and": parts}),
    }
}

/// In any of the segments: a listed user, the shared evaluator, or named by the context.
fn membership(file: &FlagsFile, names: &[Sp<String>], bucket: &str, rep: &mut FlagReport) -> Value {
    let mut any = Vec::new();
    for name in names {
        let Some(seg) = file.segment(&name.value) else {
            continue;
        };
        if !seg.users.is_empty() {
            any.push(json!({"in": [{"var": bucket}, seg.users]}));
        }
        if !seg.when.is_empty() {
            // The evaluator is shared; what its conditions lose, this flag loses.
            all(&seg.when, rep);
            any.push(json!({"$ref": seg.key}));
        }
        any.push(json!({"==": [{"var": "segment"}, seg.key]}));
        any.push(json!({"in": [seg.key, {"var": "segments"}]}));
    }
    json!({"or": any})
}

fn all(conds: &[Condition], rep: &mut FlagReport) -> Value {
    let parts: Vec<Value> = conds.iter().map(|c| condition(c, rep)).collect();
    if parts.len() == 1 {
        return parts.into_iter().next().unwrap_or(json!({"!": [false]}));
    }
    json!({"and": parts})
}

fn condition(c: &Condition, rep: &mut FlagReport) -> Value {
    if c.ignore_case {
        if let Some(op) = c.ops.iter().find(|o| !matches!(o, Operator::Exists(_))) {
            let operator = op.name().into();
            rep.issue(Issue::CaseSensitive { operator }, Some(c.pos.line));
        }
    }
    let mut parts: Vec<Value> = c.ops.iter().map(|op| operator(c, op, rep)).collect();
    if parts.len() == 1 {
        parts.remove(0)
    } else {
        json!({"and": parts})
    }
}

/// One operator as JsonLogic over the condition's attribute.
fn operator(c: &Condition, op: &Operator, rep: &mut FlagReport) -> Value {
    let line = Some(c.pos.line);
    let var = json!({"var": c.attribute});
    // JavaScript compares null with numbers and strings; flagctl's missing never holds.
    let present = json!({"!=": [var, null]});
    let any = |items: Vec<Value>| match items.len() {
        1 => items.into_iter().next().unwrap_or_else(never),
        _ => json!({"or": items}),
    };
    match op {
        Operator::Eq(v) => json!({"==": [var, v]}),
        Operator::Neq(v) => json!({"!=": [var, v]}),
        Operator::In(vs) => json!({"in": [var, vs]}),
        Operator::NotIn(vs) => json!({"!": {"in": [var, vs]}}),
        Operator::Contains(vs) => any(vs.iter().map(|s| json!({"in": [s, var]})).collect()),
        Operator::StartsWith(vs) => any(vs
            .iter()
            .map(|s| json!({"starts_with": [var, s]}))
            .collect()),
        Operator::EndsWith(vs) => any(vs.iter().map(|s| json!({"ends_with": [var, s]})).collect()),
        Operator::Gt(n) | Operator::Gte(n) | Operator::Lt(n) | Operator::Lte(n) => {
            rep.issue(Issue::LooseComparison, line);
            let name = match op {
                Operator::Gt(_) => ">",
                Operator::Gte(_) => ">=",
                Operator::Lt(_) => "<",
                _ => "<=",
            };
            json!({"and": [present, {name: [var, n]}]})
        }
        Operator::Before(t) | Operator::After(t) => {
            rep.issue(Issue::DateAsText, line);
            let at = t
                .with_timezone(&chrono::Utc)
                .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
            let name = if matches!(op, Operator::Before(_)) {
                "<"
            } else {
                ">"
            };
            json!({"and": [present, {name: [var, at]}]})
        }
        Operator::Semver(kind, v) => {
            let name = match kind {
                SemverOp::Eq => "=",
                SemverOp::Gt => ">",
                SemverOp::Gte => ">=",
                SemverOp::Lt => "<",
                SemverOp::Lte => "<=",
            };
            json!({"sem_ver": [var, name, v.to_string()]})
        }
        Operator::Exists(present) => {
            rep.issue(Issue::EmptyIsMissing, line);
            let missing = json!({"missing": [c.attribute]});
            if *present {
                json!({"!": missing})
            } else {
                json!({"!!": missing})
            }
        }
        Operator::Matches(_) | Operator::InCidr(_) => {
            let operator = op.name().into();
            rep.issue(Issue::UnsupportedOperator { operator }, line);
            never()
        }
        // A SemVer operand written with a `v` holds for nothing, here as in flagctl.
        Operator::Unsatisfiable { .. } => never(),
    }
}

/// A rule that never holds (a JsonLogic rule object, as `$evaluators` require).
fn never() -> Value {
    json!({"!": [true]})
}
