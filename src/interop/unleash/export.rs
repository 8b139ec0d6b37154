//! flags.yaml as an Unleash client features document.
//!
//! How flagctl's evaluation order becomes Unleash's: Unleash enables a feature when any
//! strategy matches, and takes the variant from the first matching strategy. So each
//! rule becomes strategies (its conditions AND the flag's gate) in rule order, carrying
//! the rule's value as a one-variant payload, followed by the strategies of the on
//! value or the variant split. A boolean flag has no payloads: a rule serving `false`
//! must instead be negated into every later strategy. Flag-level segments are "in any
//! of", so each way of being in a segment (listed user, its conditions, the context's
//! `segment`/`segments` attribute) is its own strategy.

use super::constraints::{self, constraint, quotable_name, quotable_value};
use super::doc::{ClientFeatures, Constraint, Feature, Payload, Segment, Strategy, Variant};
use super::logic::{self, Conj, Expr};
use crate::interop::report::{FlagReport, Issue, Part};
use crate::model::{Flag, FlagsFile, Rule, Serve, Sp, Targeting};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What the export needs besides the file.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// Apply this environment's overrides.
    pub environment: Option<String>,
    /// Keys of flags to mark `stale` (from flagctl's own findings).
    pub stale: BTreeSet<String>,
}

/// The export of a whole file: the document and a report per flag.
pub fn export(file: &FlagsFile, opts: &ExportOptions) -> (ClientFeatures, Vec<FlagReport>) {
    let mut ex = Exporter::new(file);
    let mut features = Vec::new();
    let mut reports = Vec::new();
    for flag in &file.flags {
        let (feature, report) = ex.feature(flag, opts);
        features.push(feature);
        reports.push(report);
    }
    features.sort_by(|a, b| a.name.cmp(&b.name));
    let segments = ex
        .used
        .iter()
        .filter_map(|id| {
            let (name, constraints, _) = ex.when_segments.get(id)?;
            Some(Segment {
                id: *id,
                name: Some(name.clone()),
                constraints: constraints.clone(),
            })
        })
        .collect();
    (
        ClientFeatures {
            version: 2,
            features,
            segments,
        },
        reports,
    )
}

/// The payload carrying a flagctl value.
pub fn payload(v: &Value) -> Payload {
    let (kind, value) = match v {
        Value::String(s) => ("string", s.clone()),
        Value::Number(n) => ("number", n.to_string()),
        other => ("json", other.to_string()),
    };
    Payload {
        kind: kind.to_string(),
        value,
    }
}

/// Whether a flag serves only booleans and has no variants: such a flag is read with
/// `isEnabled`, every other one with `getVariant`.
pub fn is_toggle(t: &Targeting) -> bool {
    t.variants.as_ref().is_none_or(|v| v.is_empty())
        && t.on_value().is_boolean()
        && t.off_value().is_boolean()
        && t.rules.iter().flatten().all(|r| match &r.serve {
            Serve::Value(v) => v.value.is_boolean(),
            Serve::Variant(_) => false,
        })
}

/// What a strategy serves.
enum Serves {
    /// Nothing: a toggle.
    Nothing,
    /// One variant carrying a value.
    One(String, Payload),
    /// The flag's weighted variants, on the strategy (a salt of its own).
    Split(Vec<Variant>),
}

/// A segment's key, its conditions as constraints, and what they lose (with lines).
type WhenSegment = (String, Vec<Constraint>, Vec<(Issue, u32)>);

struct Exporter<'f> {
    file: &'f FlagsFile,
    /// Segments with conditions, as Unleash segments: id to (name, constraints, issues
    /// with their lines).
    when_segments: BTreeMap<i64, WhenSegment>,
    when_ids: HashMap<String, i64>,
    used: BTreeSet<i64>,
}

impl<'f> Exporter<'f> {
    /// Numbers the segments that have conditions, in key order, so ids are stable.
    fn new(file: &'f FlagsFile) -> Self {
        let mut keys: Vec<&crate::model::Segment> = file
            .segments
            .iter()
            .filter(|s| !s.when.is_empty())
            .collect();
        keys.sort_by(|a, b| a.key.cmp(&b.key));
        keys.dedup_by(|a, b| a.key == b.key);
        let mut when_segments = BTreeMap::new();
        let mut when_ids = HashMap::new();
        for (i, seg) in keys.into_iter().enumerate() {
            let id = i as i64 + 1;
            let mut cs = Vec::new();
            let mut issues = Vec::new();
            for cond in &seg.when {
                let (expr, found) = constraints::condition(cond);
                issues.extend(found.into_iter().map(|i| (i, cond.pos.line)));
                if let Expr::And(parts) = expr {
                    cs.extend(parts.into_iter().filter_map(|p| match p {
                        Expr::Constraint(c) => Some(c),
                        _ => None,
                    }));
                }
            }
            when_ids.insert(seg.key.clone(), id);
            when_segments.insert(id, (seg.key.clone(), cs, issues));
        }
        Exporter {
            file,
            when_segments,
            when_ids,
            used: BTreeSet::new(),
        }
    }

    fn feature(&mut self, flag: &Flag, opts: &ExportOptions) -> (Feature, FlagReport) {
        let t = flag.targeting_for(opts.environment.as_deref());
        let mut rep = FlagReport::new(&flag.key, Some(flag.pos.line));
        let bucket = t.bucket_attribute().to_string();
        let salt = t
            .salt
            .as_ref()
            .map_or(flag.key.as_str(), |s| s.value.as_str());
        self.check_bucketing(&t, &bucket, salt, flag, &mut rep);
        let gate = self.gate(&t, &bucket, &mut rep);
        let rules: Vec<Expr> = t
            .rules
            .iter()
            .flatten()
            .map(|r| self.rule(r, &bucket, &mut rep))
            .collect();
        let (mut strategies, variants) = if is_toggle(&t) {
            let sticky = (bucket.as_str(), salt);
            (
                self.toggle_strategies(&t, &gate, &rules, sticky, &mut rep),
                Vec::new(),
            )
        } else {
            self.valued_strategies(flag, &t, &gate, &rules, &bucket, salt, &mut rep)
        };
        if strategies.is_empty() {
            // No strategy would mean "on for everyone" to Unleash: say "nobody" instead
            // (with a payload, so the document still says what type the flag serves).
            let serves = if is_toggle(&t) {
                Serves::Nothing
            } else {
                Serves::One("value".into(), payload(&t.on_value()))
            };
            strategies.push(never(&bucket, salt, &serves));
        }
        for (i, s) in strategies.iter_mut().enumerate() {
            s.sort_order = Some(i as i64);
        }
        self.note_parts(flag, &t, &mut rep);
        let feature = Feature {
            name: flag.key.clone(),
            feature_type: flag.kind().map(|k| k.as_str().to_string()),
            description: flag.description.as_ref().map(|d| d.value.clone()),
            created_at: flag
                .created
                .as_ref()
                .map(|c| format!("{}T00:00:00.000Z", c.value)),
            enabled: t.is_enabled() && !t.is_killed(),
            stale: Some(opts.stale.contains(&flag.key)),
            impression_data: Some(false),
            project: None,
            strategies,
            variants,
            dependencies: Vec::new(),
        };
        rep.finish();
        (feature, rep)
    }

    fn check_bucketing(
        &self,
        t: &Targeting,
        bucket: &str,
        salt: &str,
        flag: &Flag,
        rep: &mut FlagReport,
    ) {
        let line = t.bucket_by.as_ref().map_or(flag.pos.line, |b| b.pos.line);
        if matches!(bucket, "default" | "random") {
            rep.issue(
                Issue::ReservedStickiness {
                    attribute: bucket.to_string(),
                },
                Some(line),
            );
        }
        if !quotable_name(bucket) {
            rep.issue(
                Issue::UnquotableString {
                    text: bucket.into(),
                },
                Some(line),
            );
        }
        if !quotable_name(salt) {
            let line = t.salt.as_ref().map_or(flag.pos.line, |s| s.pos.line);
            rep.issue(Issue::UnquotableString { text: salt.into() }, Some(line));
        }
    }

    fn note_parts(&self, flag: &Flag, t: &Targeting, rep: &mut FlagReport) {
        let parts = [
            (true, Part::Enabled),
            (t.kill_switch.is_some(), Part::KillSwitch),
            (
                t.rollout.is_some() || t.bucket_by.is_some() || t.salt.is_some(),
                Part::Rollout,
            ),
            (t.segments.is_some(), Part::Segments),
            (t.rules.is_some(), Part::Rules),
            (t.variants.is_some(), Part::Variants),
            (true, Part::Value),
            (
                is_toggle(t) && !t.off_value().as_bool().unwrap_or(false),
                Part::Off,
            ),
            (flag.flag_type.is_some(), Part::Type),
            (flag.description.is_some(), Part::Description),
            (flag.created.is_some(), Part::Created),
        ];
        for (applies, part) in parts {
            if applies {
                rep.exact(part);
            }
        }
    }

    /// Flag-level segments AND the rollout.
    fn gate(&mut self, t: &Targeting, bucket: &str, rep: &mut FlagReport) -> Expr {
        let mut parts = Vec::new();
        if let Some(segs) = t.segments.as_ref().filter(|s| !s.is_empty()) {
            parts.push(self.membership(segs, bucket, rep));
        }
        let rollout = t.rollout_percent();
        if rollout < 100 {
            parts.push(Expr::Rollout(rollout));
        }
        Expr::And(parts)
    }

    /// Being in any of `names`: a listed user, a segment's conditions, or the context
    /// naming the segment.
    fn membership(&mut self, names: &[Sp<String>], bucket: &str, rep: &mut FlagReport) -> Expr {
        let mut users: BTreeSet<&str> = BTreeSet::new();
        let mut alternatives = Vec::new();
        for name in names {
            let Some(seg) = self.file.segment(&name.value) else {
                continue;
            };
            users.extend(seg.users.iter().map(String::as_str));
            if let Some(&id) = self.when_ids.get(&seg.key) {
                self.used.insert(id);
                if let Some((_, cs, issues)) = self.when_segments.get(&id) {
                    for (issue, line) in issues {
                        rep.issue(issue.clone(), Some(*line));
                    }
                    alternatives.push(Expr::Segment(id, cs.clone()));
                }
            }
        }
        let mut out = Vec::new();
        if !users.is_empty() {
            for u in users.iter().filter(|u| !quotable_value(u)) {
                rep.issue(
                    Issue::UnquotableString {
                        text: u.to_string(),
                    },
                    None,
                );
            }
            let users = users.into_iter().map(str::to_string).collect();
            out.push(Expr::Constraint(constraint(bucket, "IN", users, false)));
        }
        out.extend(alternatives);
        let named: BTreeSet<String> = names.iter().map(|n| n.value.clone()).collect();
        let named: Vec<String> = named.into_iter().collect();
        for attr in ["segment", "segments"] {
            out.push(Expr::Constraint(constraint(
                attr,
                "IN",
                named.clone(),
                false,
            )));
        }
        Expr::Or(out)
    }

    /// A rule's own conditions: `when`, its segments and its rollout.
    fn rule(&mut self, rule: &Rule, bucket: &str, rep: &mut FlagReport) -> Expr {
        let mut parts = Vec::new();
        for cond in &rule.when {
            let (expr, issues) = constraints::condition(cond);
            for issue in issues {
                rep.issue(issue, Some(cond.pos.line));
            }
            parts.push(expr);
        }
        if !rule.segments.is_empty() {
            parts.push(self.membership(&rule.segments, bucket, rep));
        }
        if let Some(r) = rule.rollout.as_ref().filter(|r| r.value < 100) {
            parts.push(Expr::Rollout(r.value));
        }
        Expr::And(parts)
    }

    /// A flag read with `isEnabled`: the strategies under which it serves `true`.
    fn toggle_strategies(
        &self,
        t: &Targeting,
        gate: &Expr,
        rules: &[Expr],
        sticky: (&str, &str),
        rep: &mut FlagReport,
    ) -> Vec<Strategy> {
        let on = t.on_value().as_bool().unwrap_or(true);
        if t.off_value().as_bool() == Some(true) {
            let line = t.off.as_ref().map(|o| o.pos.line);
            rep.issue(Issue::OffIsTrue, line);
        }
        let serves: Vec<bool> = t
            .rules
            .iter()
            .flatten()
            .map(|r| match &r.serve {
                Serve::Value(v) => v.value.as_bool().unwrap_or(false),
                Serve::Variant(_) => false,
            })
            .collect();
        // Each rule with what it serves; the negations of the `false` ones so far.
        let pairs: Vec<(&Expr, bool)> = rules.iter().zip(serves.iter().copied()).collect();
        let negated = |before: &[(&Expr, bool)]| -> Vec<Expr> {
            before
                .iter()
                .filter(|(_, serves_true)| !serves_true)
                .map(|(rule, _)| logic::not((*rule).clone()))
                .collect()
        };
        let mut alternatives = Vec::new();
        for (j, (rule, serves_true)) in pairs.iter().enumerate() {
            let (before, after) = pairs.split_at(j);
            let later_false = after.iter().skip(1).any(|(_, s)| !s);
            // A rule serving true before no `false` rule adds nothing to an on value of true.
            if !serves_true || (on && !later_false) {
                continue;
            }
            let mut all = vec![gate.clone(), (*rule).clone()];
            all.extend(negated(before));
            alternatives.push(Expr::And(all));
        }
        if on {
            let mut all = vec![gate.clone()];
            all.extend(negated(&pairs));
            alternatives.push(Expr::And(all));
        }
        let formula = Expr::Or(alternatives);
        if logic::has_not_rollout(&formula) {
            for (rule, &s) in t.rules.iter().flatten().zip(&serves) {
                if !s && rule.rollout.as_ref().is_some_and(|r| r.value < 100) {
                    rep.issue(
                        Issue::NegatedRollout { rule: rule.label() },
                        Some(rule.pos.line),
                    );
                }
            }
        }
        self.expand(&formula, rep)
            .into_iter()
            .map(|c| to_strategy(c, &Serves::Nothing, Some(sticky)))
            .collect()
    }

    /// A flag read with `getVariant`: rule strategies in order, each with its value as a
    /// one-variant payload, then the variant split or the on value.
    #[allow(clippy::too_many_arguments)]
    fn valued_strategies(
        &self,
        flag: &Flag,
        t: &Targeting,
        gate: &Expr,
        rules: &[Expr],
        bucket: &str,
        salt: &str,
        rep: &mut FlagReport,
    ) -> (Vec<Strategy>, Vec<Variant>) {
        let variants = t.variants.as_deref().unwrap_or(&[]);
        let sticky = Some((bucket, salt));
        let mut out = Vec::new();
        for (rule, expr) in t.rules.iter().flatten().zip(rules) {
            let (name, value) = match &rule.serve {
                Serve::Value(v) => (rule.label(), &v.value),
                Serve::Variant(n) => match variants.iter().find(|v| v.name == n.value) {
                    Some(v) => (v.name.clone(), &v.value.value),
                    None => continue,
                },
            };
            let serves = Serves::One(name, payload(value));
            let formula = Expr::And(vec![gate.clone(), expr.clone()]);
            out.extend(
                self.expand(&formula, rep)
                    .into_iter()
                    .map(|c| to_strategy(c, &serves, sticky)),
            );
        }
        let total: u64 = variants.iter().map(|v| u64::from(v.weight.value)).sum();
        if variants.is_empty() || total == 0 {
            let serves = Serves::One("value".into(), payload(&t.on_value()));
            out.extend(
                self.expand(gate, rep)
                    .into_iter()
                    .map(|c| to_strategy(c, &serves, sticky)),
            );
            return (out, Vec::new());
        }
        if total > i32::MAX as u64 {
            rep.issue(Issue::WeightOverflow, variants.first().map(|v| v.pos.line));
        }
        if variants.iter().all(|v| v.value.value.is_boolean()) {
            rep.issue(Issue::BooleanVariants, variants.first().map(|v| v.pos.line));
        }
        let exported: Vec<Variant> = variants
            .iter()
            .map(|v| Variant {
                name: v.name.clone(),
                weight: i64::from(v.weight.value),
                weight_type: None,
                stickiness: Some(bucket.to_string()),
                payload: Some(payload(&v.value.value)),
                overrides: Vec::new(),
            })
            .collect();
        // Variants need the bucketing attribute, as a 100% flexibleRollout does.
        let formula = Expr::And(vec![gate.clone(), Expr::Rollout(t.rollout_percent())]);
        let conjs = self.expand(&formula, rep);
        // Feature-level variants hash with the feature's name; a salt of its own needs
        // the variants on each strategy, whose groupId is the salt.
        if salt == flag.key {
            out.extend(
                conjs
                    .into_iter()
                    .map(|c| to_strategy(c, &Serves::Nothing, sticky)),
            );
            (out, exported)
        } else {
            let serves = Serves::Split(exported);
            out.extend(conjs.into_iter().map(|c| to_strategy(c, &serves, sticky)));
            (out, Vec::new())
        }
    }

    fn expand(&self, formula: &Expr, rep: &mut FlagReport) -> Vec<Conj> {
        match logic::dnf(formula) {
            Ok(conjs) => conjs,
            Err(logic::TooComplex(n)) => {
                rep.issue(Issue::TooComplex { strategies: n }, None);
                Vec::new()
            }
        }
    }
}

/// A strategy that matches nobody.
fn never(bucket: &str, salt: &str, serves: &Serves) -> Strategy {
    to_strategy(
        Conj {
            rollout: Some(0),
            ..Conj::default()
        },
        serves,
        Some((bucket, salt)),
    )
}

/// One conjunction as a strategy: `flexibleRollout` when a rollout applies (also at
/// 100%, which requires the stickiness field), else `default`.
fn to_strategy(c: Conj, serves: &Serves, sticky: Option<(&str, &str)>) -> Strategy {
    let mut parameters = BTreeMap::new();
    let flexible = c.rollout.is_some() || matches!(serves, Serves::Split(_));
    if flexible {
        if let Some((bucket, salt)) = sticky {
            parameters.insert("rollout".into(), c.rollout.unwrap_or(100).to_string());
            parameters.insert("stickiness".into(), bucket.to_string());
            parameters.insert("groupId".into(), salt.to_string());
        }
    }
    let variants = match serves {
        Serves::Nothing => Vec::new(),
        Serves::One(name, p) => vec![Variant {
            name: name.clone(),
            weight: 1000,
            weight_type: Some("fix".into()),
            stickiness: None,
            payload: Some(p.clone()),
            overrides: Vec::new(),
        }],
        Serves::Split(vs) => vs
            .iter()
            .map(|v| Variant {
                stickiness: None,
                ..v.clone()
            })
            .collect(),
    };
    Strategy {
        name: if flexible {
            "flexibleRollout"
        } else {
            "default"
        }
        .into(),
        sort_order: None,
        parameters,
        constraints: c.constraints,
        segments: c.segments,
        variants,
    }
}
