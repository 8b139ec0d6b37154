//! Unleash documents into flags.yaml drafts: client features (`features` with
//! `strategies`), features with per-environment strategies (`environments`), and
//! Unleash's export (`features`, `featureStrategies`, `featureEnvironments`).
//!
//! Strategies become rules in order. The trailing strategies that serve the same thing
//! (the on value or one variant split) become the flag's gate instead: flag-level
//! segments (one per strategy's constraints) and rollout, with the value or variants.
//! That keeps "matched no strategy" off, as in Unleash, and it is exact when every
//! earlier strategy includes the conditions of one of them (as flagctl's export writes
//! them); otherwise they stay rules.

use super::doc::{Constraint, Feature, Segment, Strategy, Variant};
use crate::interop::report::{FlagReport, Issue, Part};
use crate::model::FlagType;
use crate::model::condition::parse_version;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// One flag as it will be written.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// The key.
    pub key: String,
    /// `description`.
    pub description: Option<String>,
    /// `type`.
    pub flag_type: Option<FlagType>,
    /// `created`.
    pub created: Option<chrono::NaiveDate>,
    /// Marked stale in Unleash.
    pub stale: bool,
    /// The Unleash project.
    pub project: Option<String>,
    /// `expires`: created (or today) + the type's default lifetime, for temporary types.
    pub expires: Option<chrono::NaiveDate>,
    /// Evaluation fields, base environment.
    pub base: Targeting,
    /// Other environments whose fields differ.
    pub environments: BTreeMap<String, Targeting>,
}

/// Evaluation fields of a draft.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Targeting {
    /// `enabled`.
    pub enabled: bool,
    /// `rollout` (below 100).
    pub rollout: Option<u8>,
    /// `bucket_by` (when not userId).
    pub bucket_by: Option<String>,
    /// `salt` (when not the key).
    pub salt: Option<String>,
    /// Flag-level segments.
    pub segments: Vec<String>,
    /// Rules in order.
    pub rules: Vec<DraftRule>,
    /// Weighted variants.
    pub variants: Vec<(String, Value, i64)>,
    /// `value`.
    pub value: Option<Value>,
    /// `off`.
    pub off: Option<Value>,
}

/// A rule of a draft.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DraftRule {
    /// Conditions.
    pub when: Vec<Cond>,
    /// Segments (any of).
    pub segments: Vec<String>,
    /// Rollout (below 100).
    pub rollout: Option<u8>,
    /// The value served.
    pub value: Value,
    /// The flag variant served, when the value is one of the flag's variants.
    pub variant: Option<String>,
}

/// One attribute's operators.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cond {
    /// The attribute.
    pub attribute: String,
    /// Compare strings case-insensitively.
    pub ignore_case: bool,
    /// Operator name and operand.
    pub ops: Vec<(&'static str, Value)>,
}

/// A segment written to flags.yaml.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DraftSegment {
    /// Its key.
    pub key: String,
    /// A description.
    pub description: String,
    /// Its conditions.
    pub when: Vec<Cond>,
}

/// Everything an import produces before it is written.
#[derive(Debug, Clone, Default)]
pub struct Drafts {
    /// Flags in input order.
    pub flags: Vec<Draft>,
    /// Segments, sorted by key.
    pub segments: Vec<DraftSegment>,
    /// Environment names seen.
    pub environments: Vec<String>,
    /// One report per flag.
    pub reports: Vec<FlagReport>,
}

/// Why a document could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{source}")]
pub struct ReadError {
    /// The JSON error (it carries line and column).
    pub source: serde_json::Error,
}

/// The shapes of document Unleash produces.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AnyDocument {
    #[serde(default)]
    features: Vec<AnyFeature>,
    #[serde(default)]
    segments: Vec<Segment>,
    #[serde(default)]
    feature_strategies: Vec<ExportStrategy>,
    #[serde(default)]
    feature_environments: Vec<ExportEnvironment>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AnyFeature {
    #[serde(flatten)]
    feature: Feature,
    #[serde(default)]
    environments: Vec<FeatureEnvironment>,
}

#[derive(Debug, Default, Deserialize)]
struct FeatureEnvironment {
    name: String,
    #[serde(default)]
    enabled: bool,
    #[serde(default)]
    strategies: Vec<Strategy>,
    #[serde(default)]
    variants: Vec<Variant>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExportStrategy {
    feature_name: String,
    #[serde(default)]
    environment: Option<String>,
    #[serde(default)]
    disabled: Option<bool>,
    #[serde(flatten)]
    strategy: Strategy,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExportEnvironment {
    feature_name: String,
    #[serde(default)]
    environment: Option<String>,
    #[serde(default)]
    enabled: bool,
    #[serde(default)]
    variants: Vec<Variant>,
}

/// Each feature with its state per environment, and the segments.
type ParsedDocument = (Vec<(Feature, BTreeMap<String, EnvState>)>, Vec<Segment>);

/// One environment's worth of a feature, whatever the document's shape.
struct EnvState {
    enabled: bool,
    strategies: Vec<Strategy>,
    variants: Vec<Variant>,
}

/// Reads any of the supported documents: each feature with its state per environment
/// (none for a client features document), and the segments.
fn parse(text: &str) -> Result<ParsedDocument, ReadError> {
    let doc: AnyDocument = serde_json::from_str(text).map_err(|source| ReadError { source })?;
    let mut out = Vec::new();
    for any in doc.features {
        let mut envs = BTreeMap::new();
        for e in any.environments {
            envs.insert(
                e.name,
                EnvState {
                    enabled: e.enabled,
                    strategies: e.strategies,
                    variants: e.variants,
                },
            );
        }
        let name = any.feature.name.clone();
        for e in doc
            .feature_environments
            .iter()
            .filter(|e| e.feature_name == name)
        {
            let env = e.environment.clone().unwrap_or_else(|| "default".into());
            let mut strategies: Vec<(i64, Strategy)> = doc
                .feature_strategies
                .iter()
                .filter(|s| s.feature_name == name && s.disabled != Some(true))
                .filter(|s| s.environment.as_deref().is_none_or(|x| x == env))
                .map(|s| (s.strategy.sort_order.unwrap_or(0), s.strategy.clone()))
                .collect();
            strategies.sort_by_key(|(o, _)| *o);
            envs.insert(
                env,
                EnvState {
                    enabled: e.enabled,
                    strategies: strategies.into_iter().map(|(_, s)| s).collect(),
                    variants: e.variants.clone(),
                },
            );
        }
        out.push((any.feature, envs));
    }
    Ok((out, doc.segments))
}

/// Converts a parsed document into drafts. `today` decides what is already expired.
pub fn convert(text: &str, today: chrono::NaiveDate) -> Result<Drafts, ReadError> {
    let (features, segments) = parse(text)?;
    let mut conv = Converter {
        segments: segments.into_iter().map(|s| (s.id, s)).collect(),
        used: BTreeMap::new(),
    };
    let mut drafts = Drafts::default();
    for (feature, envs) in features {
        for e in envs.keys() {
            if !drafts.environments.contains(e) {
                drafts.environments.push(e.clone());
            }
        }
        let (draft, report) = conv.feature(feature, envs, today);
        if let Some(d) = draft {
            drafts.flags.push(d);
        }
        drafts.reports.push(report);
    }
    if drafts.environments.len() < 2 {
        // One environment is the base: no overrides, nothing to list.
        drafts.environments.clear();
    }
    drafts.environments.sort();
    drafts.segments = conv.used.into_values().collect();
    Ok(drafts)
}

struct Converter {
    segments: BTreeMap<i64, Segment>,
    used: BTreeMap<String, DraftSegment>,
}

/// The draft's metadata: type, description, dates, project; evaluation fields empty.
fn metadata(feature: &Feature, today: chrono::NaiveDate, rep: &mut FlagReport) -> Draft {
    let mut draft = Draft {
        key: feature.name.clone(),
        description: feature.description.clone().filter(|d| !d.is_empty()),
        flag_type: Some(match feature.feature_type.as_deref() {
            Some("experiment") => FlagType::Experiment,
            Some("operational" | "kill-switch") => FlagType::Operational,
            Some("permission") => FlagType::Permission,
            _ => FlagType::Release,
        }),
        created: feature
            .created_at
            .as_deref()
            .and_then(|c| c.get(..10))
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
        stale: feature.stale == Some(true),
        project: feature.project.clone().filter(|p| p != "default"),
        ..Draft::default()
    };
    if draft.stale {
        rep.issue(Issue::Stale, None);
    }
    let lifetime = crate::model::Lifetimes::default();
    if let Some(days) = draft.flag_type.and_then(|t| lifetime.of(t)) {
        let expires = draft.created.unwrap_or(today) + chrono::Duration::days(days);
        if expires < today {
            rep.issue(Issue::AlreadyExpired, None);
        }
        draft.expires = Some(expires);
    }
    draft
}

/// The base environment: `production` when present, else the first by name.
fn base_env(envs: &BTreeMap<String, EnvState>) -> Option<&str> {
    if envs.contains_key("production") {
        Some("production")
    } else {
        envs.keys().next().map(String::as_str)
    }
}

impl Converter {
    fn feature(
        &mut self,
        feature: Feature,
        envs: BTreeMap<String, EnvState>,
        today: chrono::NaiveDate,
    ) -> (Option<Draft>, FlagReport) {
        let mut rep = FlagReport::new(&feature.name, None);
        if !crate::model::decode::valid_key(&feature.name) {
            rep.issue(Issue::InvalidKey, None);
            rep.finish();
            return (None, rep);
        }
        if !feature.dependencies.is_empty() {
            rep.issue(Issue::Dependencies, None);
        }
        let mut draft = metadata(&feature, today, &mut rep);
        let top = EnvState {
            enabled: feature.enabled,
            strategies: feature.strategies.clone(),
            variants: feature.variants.clone(),
        };
        match base_env(&envs) {
            None => draft.base = self.targeting(&feature, &top, &mut rep),
            Some(base) => {
                let base = base.to_string();
                for (name, state) in &envs {
                    let t = self.targeting(&feature, state, &mut rep);
                    if *name == base {
                        draft.base = t;
                    } else {
                        draft.environments.insert(name.clone(), t);
                    }
                }
                let base_t = draft.base.clone();
                draft.environments.retain(|_, t| *t != base_t);
            }
        }
        if broken_in_unleash(&rep) {
            // Unleash's engine cannot compile such a feature and serves it off.
            draft.base.enabled = false;
            for t in draft.environments.values_mut() {
                t.enabled = false;
            }
        }
        for part in [
            Part::Enabled,
            Part::Rollout,
            Part::Rules,
            Part::Value,
            Part::Type,
        ] {
            rep.exact(part);
        }
        if draft.description.is_some() {
            rep.exact(Part::Description);
        }
        if draft.created.is_some() {
            rep.exact(Part::Created);
        }
        rep.finish();
        (Some(draft), rep)
    }

    /// One environment's strategies as evaluation fields.
    fn targeting(
        &mut self,
        feature: &Feature,
        state: &EnvState,
        rep: &mut FlagReport,
    ) -> Targeting {
        let mut t = Targeting {
            enabled: state.enabled,
            ..Targeting::default()
        };
        let mut strategies: Vec<Parsed> = Vec::new();
        // No strategy at all enables the feature for everyone in Unleash's engine.
        let everyone = [Strategy {
            name: "default".into(),
            ..Strategy::default()
        }];
        let listed = if state.strategies.is_empty() {
            &everyone[..]
        } else {
            &state.strategies[..]
        };
        for s in listed {
            if let Some(p) = self.strategy(feature, s, rep) {
                strategies.push(p);
            }
        }
        self.bucketing(feature, &strategies, &state.variants, &mut t, rep);
        let feature_split = split(&state.variants, rep);
        let valued = !state.variants.is_empty()
            || strategies
                .iter()
                .any(|s| !matches!(s.serves, Serves::Enabled));
        if !valued {
            self.toggle(&strategies, &mut t);
            return t;
        }
        // A strategy without variants serves the feature's variants.
        for s in &mut strategies {
            if matches!(s.serves, Serves::Enabled) {
                s.serves = match feature_split.as_deref() {
                    // One variant is served whatever the bucket, key or not.
                    Some([(name, value, _)]) => Serves::One(name.clone(), value.clone()),
                    Some(v) => Serves::Split(v.to_vec()),
                    None => {
                        rep.issue(
                            Issue::BadPayload {
                                variant: "disabled".into(),
                            },
                            None,
                        );
                        Serves::Nothing
                    }
                };
            }
        }
        strategies.retain(|s| !matches!(s.serves, Serves::Nothing));
        self.valued(feature, strategies, &mut t, rep);
        t
    }

    /// The flag's one `bucket_by` and `salt`, from the strategies that bucket.
    fn bucketing(
        &self,
        feature: &Feature,
        strategies: &[Parsed],
        variants: &[Variant],
        t: &mut Targeting,
        rep: &mut FlagReport,
    ) {
        let mut seen: Vec<(String, String)> = strategies
            .iter()
            .filter(|s| s.rollout.is_some() || matches!(s.serves, Serves::Split(_)))
            .map(|s| (s.stickiness.clone(), s.group.clone()))
            .collect();
        if variants.len() > 1 {
            let sticky = variants
                .first()
                .and_then(|v| v.stickiness.clone())
                .unwrap_or_else(|| "default".into());
            seen.push((sticky, feature.name.clone()));
        }
        seen.dedup();
        let Some((stickiness, group)) = seen.first().cloned() else {
            return;
        };
        if seen
            .iter()
            .any(|s| *s != (stickiness.clone(), group.clone()))
        {
            rep.issue(Issue::MixedBucketing, None);
        }
        let attribute = match stickiness.as_str() {
            "default" => {
                rep.issue(Issue::DefaultStickiness, None);
                "userId".to_string()
            }
            "random" => {
                rep.issue(Issue::RandomStickiness, None);
                "userId".to_string()
            }
            other => other.to_string(),
        };
        if attribute != "userId" {
            t.bucket_by = Some(attribute);
        }
        if group != feature.name {
            t.salt = Some(group);
        }
    }

    fn toggle(&self, strategies: &[Parsed], t: &mut Targeting) {
        match strategies {
            [] => {
                // No strategy: Unleash's engine enables the feature for everyone.
                t.value = None;
            }
            [only] if only.conds().is_empty() && only.segments.is_empty() => {
                t.rollout = only.rollout;
            }
            _ => {
                t.value = Some(Value::Bool(false));
                t.rules = strategies
                    .iter()
                    .map(|s| s.rule(Value::Bool(true)))
                    .collect();
            }
        }
    }

    /// Rules for all but the trailing group serving one thing; the group is the gate.
    fn valued(
        &mut self,
        feature: &Feature,
        strategies: Vec<Parsed>,
        t: &mut Targeting,
        rep: &mut FlagReport,
    ) {
        let Some(last) = strategies.last() else {
            return;
        };
        let start = strategies
            .iter()
            .rposition(|s| s.serves != last.serves || s.rollout != last.rollout)
            .map_or(0, |i| i + 1);
        let (rules, group) = strategies.split_at(start);
        let covered = rules.iter().all(|r| group.iter().any(|g| r.includes(g)));
        if !covered {
            for r in rules.iter().chain(group) {
                if matches!(r.serves, Serves::Split(_)) {
                    rep.issue(Issue::SplitInRule, None);
                }
            }
        }
        let (rules, group) = if covered {
            (rules, group)
        } else {
            (&strategies[..], &[][..])
        };
        for r in rules {
            match &r.serves {
                Serves::One(name, v) => {
                    let mut rule = r.rule(v.clone());
                    rule.variant = Some(name.clone());
                    t.rules.push(rule);
                }
                _ => continue,
            }
        }
        let off = placeholder(&strategies);
        t.off = Some(off.clone());
        rep.issue(Issue::OffValuePlaceholder, None);
        let Some(first) = group.first() else {
            // Nothing matched in Unleash serves the caller's default.
            t.value = Some(off);
            for rule in &mut t.rules {
                rule.variant = None;
            }
            return;
        };
        t.rollout = first.rollout;
        self.gate_segments(feature, group, t, rep);
        match &first.serves {
            Serves::One(_, v) => t.value = Some(v.clone()),
            Serves::Split(vs) => {
                t.variants = vs.clone();
                if group.iter().any(|g| !g.needs_key) {
                    rep.issue(Issue::RandomWithoutKey, None);
                }
            }
            _ => {}
        }
        // A rule serving one of the split's variants serves it by name, as flagctl's
        // export wrote it; other rules serve their value.
        for rule in &mut t.rules {
            let named = rule.variant.take();
            rule.variant = named.filter(|n| {
                t.variants
                    .iter()
                    .any(|(vn, vv, _)| vn == n && *vv == rule.value)
            });
        }
    }

    /// The flag-level segments that make the trailing group the flag's gate: one per
    /// strategy, with its conditions (none when a strategy holds for everyone).
    fn gate_segments(
        &mut self,
        feature: &Feature,
        group: &[Parsed],
        t: &mut Targeting,
        rep: &mut FlagReport,
    ) {
        if group
            .iter()
            .any(|g| g.conds().is_empty() && g.segments.is_empty())
        {
            return;
        }
        for (i, g) in group.iter().enumerate() {
            let key = format!("{}.{}", feature.name, i + 1);
            let mut when = g.conds();
            for s in &g.segments {
                if let Some(seg) = self.used.get(s) {
                    when.extend(seg.when.iter().cloned());
                }
            }
            let segment = DraftSegment {
                key: key.clone(),
                description: format!("Strategy {} of {} in Unleash", g.index + 1, feature.name),
                when: merge(when, rep),
            };
            self.used.insert(key.clone(), segment);
            t.segments.push(key);
        }
    }

    /// The flags.yaml segments for a strategy's Unleash segment ids (defined once,
    /// from the segment's constraints); an empty segment holds for everyone and needs
    /// no condition.
    fn segment_keys(&mut self, ids: &[i64], rep: &mut FlagReport) -> Vec<String> {
        let mut keys = Vec::new();
        for id in ids {
            let Some(seg) = self.segments.get(id) else {
                rep.issue(Issue::UndefinedSegment { id: *id }, None);
                continue;
            };
            if seg.constraints.is_empty() {
                continue;
            }
            let key = seg
                .name
                .clone()
                .filter(|n| crate::model::decode::valid_key(n))
                .unwrap_or_else(|| format!("segment-{id}"));
            if !self.used.contains_key(&key) {
                let conds = seg
                    .constraints
                    .iter()
                    .filter_map(|c| constraint(c, rep))
                    .collect();
                let segment = DraftSegment {
                    key: key.clone(),
                    description: format!("Unleash segment {id}"),
                    when: merge(conds, rep),
                };
                self.used.insert(key.clone(), segment);
            }
            keys.push(key);
        }
        keys
    }

    /// One strategy's conditions, rollout and what it serves; `None` when flagctl
    /// cannot evaluate it at all.
    fn strategy(
        &mut self,
        feature: &Feature,
        s: &Strategy,
        rep: &mut FlagReport,
    ) -> Option<Parsed> {
        let Activation {
            rollout,
            stickiness,
            group,
            mut when,
        } = activation(feature, s, rep)?;
        when.extend(s.constraints.iter().cloned());
        let raw = when.clone();
        let mut segments = self.segment_keys(&s.segments, rep);
        let mut when: Vec<Cond> = when.iter().filter_map(|c| constraint(c, rep)).collect();
        // Unleash requires all of a strategy's segments, flags.yaml any of a rule's: more
        // than one is written as their conditions.
        if segments.len() > 1 {
            for key in segments.drain(..) {
                if let Some(seg) = self.used.get(&key) {
                    when.extend(seg.when.iter().cloned());
                }
            }
        }
        let variants = split(&s.variants, rep);
        let serves = match variants.as_deref() {
            None => Serves::Enabled,
            Some([(name, value, _)]) => Serves::One(name.clone(), value.clone()),
            Some(vs) => Serves::Split(vs.to_vec()),
        };
        // A 100% rollout still needs the stickiness field.
        let sticky_field = !matches!(stickiness.as_str(), "default" | "random");
        let needs_key = rollout == Some(100) && sticky_field;
        let rollout = rollout.filter(|p| *p < 100);
        let when = merge(when, rep);
        let stickiness = if matches!(serves, Serves::Split(_)) || rollout.is_some() || needs_key {
            stickiness
        } else {
            "userId".into()
        };
        Some(Parsed {
            index: s.sort_order.unwrap_or(0) as usize,
            needs_key,
            raw,
            segment_ids: s.segments.clone(),
            when,
            segments,
            rollout,
            stickiness,
            group,
            serves,
        })
    }
}

/// The constraint operators Unleash knows.
const OPERATORS: &[&str] = &[
    "IN",
    "NOT_IN",
    "STR_CONTAINS",
    "STR_STARTS_WITH",
    "STR_ENDS_WITH",
    "NUM_EQ",
    "NUM_GT",
    "NUM_GTE",
    "NUM_LT",
    "NUM_LTE",
    "DATE_AFTER",
    "DATE_BEFORE",
    "SEMVER_EQ",
    "SEMVER_GT",
    "SEMVER_GTE",
    "SEMVER_LT",
    "SEMVER_LTE",
    "REGEX",
    "IN_CIDR",
];

/// Whether the feature holds something Unleash's engine refuses to compile (an unknown
/// operator, a segment that does not exist): it then serves the feature off.
fn broken_in_unleash(rep: &FlagReport) -> bool {
    rep.findings.iter().any(|f| match &f.issue {
        Issue::UndefinedSegment { .. } => true,
        Issue::UnknownOperator { operator } => {
            let name = operator.trim_start_matches("inverted ");
            !OPERATORS.contains(&name)
        }
        _ => false,
    })
}

/// How a strategy activates: its rollout, stickiness and group, and the constraints its
/// type implies (userWithId's list).
struct Activation {
    rollout: Option<u8>,
    stickiness: String,
    group: String,
    when: Vec<Constraint>,
}

/// The activation of a strategy, or `None` (reported) for one flagctl cannot model.
fn activation(feature: &Feature, s: &Strategy, rep: &mut FlagReport) -> Option<Activation> {
    let param = |k: &str| s.parameters.get(k).cloned();
    let percent = |k: &str| {
        param(k)
            .and_then(|p| p.trim().parse::<u8>().ok())
            .map(|p| p.min(100))
    };
    let plain = |when| Activation {
        rollout: None,
        stickiness: "userId".into(),
        group: feature.name.clone(),
        when,
    };
    Some(match s.name.as_str() {
        "default" => plain(Vec::new()),
        "flexibleRollout" => Activation {
            rollout: Some(percent("rollout").unwrap_or(0)),
            stickiness: param("stickiness").unwrap_or_else(|| "default".into()),
            group: param("groupId").unwrap_or_else(|| feature.name.clone()),
            when: Vec::new(),
        },
        "gradualRolloutUserId" | "gradualRolloutSessionId" => Activation {
            rollout: Some(percent("percentage").unwrap_or(0)),
            stickiness: if s.name.ends_with("UserId") {
                "userId"
            } else {
                "sessionId"
            }
            .into(),
            group: param("groupId").unwrap_or_default(),
            when: Vec::new(),
        },
        "userWithId" => {
            let ids = param("userIds").unwrap_or_default();
            plain(vec![Constraint {
                context_name: "userId".into(),
                operator: "IN".into(),
                values: Some(ids.split(',').map(|u| u.trim().to_string()).collect()),
                ..Constraint::default()
            }])
        }
        "gradualRolloutRandom" => {
            rep.issue(Issue::RandomStickiness, None);
            return None;
        }
        other => {
            let strategy = other.to_string();
            rep.issue(Issue::UnsupportedStrategy { strategy }, None);
            return None;
        }
    })
}

/// What a strategy serves when it is the first to match.
#[derive(Debug, Clone, PartialEq)]
enum Serves {
    /// The feature is on (a toggle, or the feature's variants).
    Enabled,
    /// One variant: its name and value.
    One(String, Value),
    /// A weighted split.
    Split(Vec<(String, Value, i64)>),
    /// Nothing flagctl can serve.
    Nothing,
}

struct Parsed {
    index: usize,
    /// A 100% flexibleRollout: only contexts with the stickiness field match.
    needs_key: bool,
    /// Its constraints as written, to compare strategies.
    raw: Vec<Constraint>,
    /// Its segment ids as written.
    segment_ids: Vec<i64>,
    when: Vec<Cond>,
    segments: Vec<String>,
    rollout: Option<u8>,
    stickiness: String,
    group: String,
    serves: Serves,
}

impl Parsed {
    /// Its conditions, with the stickiness field's presence when the rollout needs it
    /// (a variant split needs it in flagctl anyway).
    fn conds(&self) -> Vec<Cond> {
        let mut out = self.when.clone();
        if self.needs_key && !matches!(self.serves, Serves::Split(_)) {
            out.push(Cond {
                attribute: self.stickiness.clone(),
                ignore_case: false,
                ops: vec![("exists", Value::Bool(true))],
            });
        }
        out
    }

    fn rule(&self, value: Value) -> DraftRule {
        DraftRule {
            when: self.conds(),
            segments: if self.segments.len() == 1 {
                self.segments.clone()
            } else {
                Vec::new()
            },
            rollout: self.rollout,
            value,
            variant: None,
        }
    }

    /// Whether matching `self` implies matching `g` (its conditions include g's, its
    /// rollout is within g's).
    fn includes(&self, g: &Parsed) -> bool {
        let needs_key = g.needs_key && !matches!(g.serves, Serves::Split(_));
        g.raw.iter().all(|c| self.raw.contains(c))
            && g.segment_ids.iter().all(|s| self.segment_ids.contains(s))
            && (!needs_key || self.needs_key || self.rollout.is_some())
            && match (self.rollout, g.rollout) {
                (_, None) => true,
                (Some(a), Some(b)) => a <= b,
                (None, Some(_)) => false,
            }
    }
}

/// Variants with their values, or `None` when there are none.
fn split(variants: &[Variant], rep: &mut FlagReport) -> Option<Vec<(String, Value, i64)>> {
    if variants.is_empty() {
        return None;
    }
    if variants.iter().any(|v| !v.overrides.is_empty()) {
        rep.issue(Issue::VariantOverrides, None);
    }
    Some(
        variants
            .iter()
            .map(|v| {
                let value = match &v.payload {
                    None => Value::String(v.name.clone()),
                    Some(p) => match p.kind.as_str() {
                        "number" => serde_json::from_str::<serde_json::Number>(&p.value)
                            .map(Value::Number)
                            .unwrap_or_else(|_| {
                                rep.issue(
                                    Issue::BadPayload {
                                        variant: v.name.clone(),
                                    },
                                    None,
                                );
                                Value::String(p.value.clone())
                            }),
                        "json" => serde_json::from_str(&p.value).unwrap_or_else(|_| {
                            rep.issue(
                                Issue::BadPayload {
                                    variant: v.name.clone(),
                                },
                                None,
                            );
                            Value::String(p.value.clone())
                        }),
                        _ => Value::String(p.value.clone()),
                    },
                };
                (v.name.clone(), value, v.weight.max(0))
            })
            .collect(),
    )
}

/// A value of the same JSON type as the ones served, for `off`.
fn placeholder(strategies: &[Parsed]) -> Value {
    let sample = strategies.iter().find_map(|s| match &s.serves {
        Serves::One(_, v) => Some(v.clone()),
        Serves::Split(vs) => vs.first().map(|v| v.1.clone()),
        _ => None,
    });
    match sample {
        Some(Value::Number(_)) => Value::from(0),
        Some(Value::Bool(_)) => Value::Bool(false),
        Some(Value::Object(_)) => Value::Object(serde_json::Map::new()),
        Some(Value::Array(_)) => Value::Array(Vec::new()),
        _ => Value::String("off".into()),
    }
}

/// A constraint as it was read: its values as JSON strings, and the single value.
struct Operands<'c> {
    c: &'c Constraint,
    values: Vec<Value>,
    single: Option<String>,
}

impl Operands<'_> {
    /// A condition on the constraint's field.
    fn cond(&self, ignore_case: bool, ops: Vec<(&'static str, Value)>) -> Option<Cond> {
        Some(Cond {
            attribute: self.c.context_name.clone(),
            ignore_case,
            ops,
        })
    }

    /// A condition that is always false (`in: []`) or, negated, always true.
    fn constant(&self, holds: bool) -> Option<Cond> {
        self.cond(
            false,
            vec![(
                if holds { "not_in" } else { "in" },
                Value::Array(Vec::new()),
            )],
        )
    }

    /// Reports the constraint as one flagctl cannot express.
    fn lost(&self, rep: &mut FlagReport) -> Option<Cond> {
        let inverted = if self.c.inverted { "inverted " } else { "" };
        let operator = format!("{inverted}{}", self.c.operator);
        rep.issue(Issue::UnknownOperator { operator }, None);
        None
    }

    fn number(&self) -> Option<Value> {
        self.single
            .as_deref()
            .and_then(|s| s.trim().parse::<f64>().ok())
            .map(Value::from)
    }
}

/// One Unleash constraint as one flagctl condition.
fn constraint(c: &Constraint, rep: &mut FlagReport) -> Option<Cond> {
    let o = Operands {
        c,
        values: c
            .values
            .iter()
            .flatten()
            .map(|v| Value::String(v.clone()))
            .collect(),
        single: c
            .value
            .clone()
            .or_else(|| c.values.as_ref().and_then(|v| v.first().cloned())),
    };
    if c.context_name == "currentTime" {
        rep.issue(Issue::CurrentTimeDefault, None);
    }
    let inv = c.inverted;
    match c.operator.as_str() {
        "IN" | "NOT_IN" => {
            let name = if (c.operator == "IN") != inv {
                "in"
            } else {
                "not_in"
            };
            o.cond(false, vec![(name, Value::Array(o.values.clone()))])
        }
        // Every string contains "" (in Unleash's engine; the Node SDK drops empty values).
        "STR_CONTAINS" if o.values == [Value::String(String::new())] => {
            o.cond(false, vec![("exists", Value::Bool(!inv))])
        }
        "STR_CONTAINS" | "STR_STARTS_WITH" | "STR_ENDS_WITH" if !inv => {
            let name = match c.operator.as_str() {
                "STR_CONTAINS" => "contains",
                "STR_STARTS_WITH" => "starts_with",
                _ => "ends_with",
            };
            o.cond(
                c.case_insensitive,
                vec![(name, Value::Array(o.values.clone()))],
            )
        }
        // flagctl's export writes presence as REGEX `^`.
        "REGEX" if o.single.as_deref() == Some(super::constraints::PRESENT) => {
            o.cond(false, vec![("exists", Value::Bool(!inv))])
        }
        "REGEX" => regex_constraint(&o, rep),
        "NUM_EQ" | "NUM_GT" | "NUM_GTE" | "NUM_LT" | "NUM_LTE" => number_constraint(&o, rep),
        "DATE_AFTER" | "DATE_BEFORE" if !inv => {
            rep.issue(Issue::DateOnlyContext, None);
            let name = if c.operator == "DATE_AFTER" {
                "after"
            } else {
                "before"
            };
            o.cond(false, vec![(name, Value::String(o.single.clone()?))])
        }
        "SEMVER_EQ" | "SEMVER_GT" | "SEMVER_GTE" | "SEMVER_LT" | "SEMVER_LTE" => {
            semver_constraint(&o, rep)
        }
        "IN_CIDR" if !inv => {
            rep.issue(Issue::LenientAddress, None);
            // Unleash's engine skips entries that are not networks; so does this.
            let nets = o
                .values
                .iter()
                .filter(|v| {
                    v.as_str()
                        .and_then(crate::model::condition::Cidr::parse)
                        .is_some()
                })
                .cloned()
                .collect();
            o.cond(false, vec![("in_cidr", Value::Array(nets))])
        }
        _ => o.lost(rep),
    }
}

fn regex_constraint(o: &Operands, rep: &mut FlagReport) -> Option<Cond> {
    let pattern = o.single.clone().unwrap_or_default();
    let compiles = regex::RegexBuilder::new(&pattern)
        .size_limit(1 << 20)
        .build()
        .is_ok();
    if !compiles {
        // Unleash's engine reads a regex it cannot compile as `false`, then inverts it.
        return o.constant(o.c.inverted);
    }
    if o.c.inverted {
        return o.lost(rep);
    }
    o.cond(
        o.c.case_insensitive,
        vec![("matches", Value::String(pattern))],
    )
}

fn number_constraint(o: &Operands, rep: &mut FlagReport) -> Option<Cond> {
    rep.issue(Issue::LenientNumber, None);
    let inv = o.c.inverted;
    if o.c.operator == "NUM_EQ" {
        if inv {
            return o.lost(rep);
        }
        let n = o.number()?;
        return o.cond(false, vec![("gte", n.clone()), ("lte", n)]);
    }
    if inv {
        rep.issue(
            Issue::InvertedConstraint {
                operator: o.c.operator.clone(),
            },
            None,
        );
    }
    // An inverted comparison is the opposite one (except for missing fields).
    let name = match (o.c.operator.as_str(), inv) {
        ("NUM_GT", false) | ("NUM_LTE", true) => "gt",
        ("NUM_GTE", false) | ("NUM_LT", true) => "gte",
        ("NUM_LT", false) | ("NUM_GTE", true) => "lt",
        _ => "lte",
    };
    o.cond(false, vec![(name, o.number()?)])
}

fn semver_constraint(o: &Operands, rep: &mut FlagReport) -> Option<Cond> {
    let v = o.single.clone()?;
    if v.starts_with('v') {
        // Unleash's engine turns such a constraint into `false`, inverted or not.
        return o.constant(false);
    }
    if semver::Version::parse(&v).is_err() {
        return o.lost(rep);
    }
    if parse_version(" 1.0.0").is_some() {
        rep.issue(Issue::LenientSemver, None);
    }
    let inv = o.c.inverted;
    if inv {
        if o.c.operator == "SEMVER_EQ" {
            return o.lost(rep);
        }
        rep.issue(
            Issue::InvertedConstraint {
                operator: o.c.operator.clone(),
            },
            None,
        );
    }
    let name = match (o.c.operator.as_str(), inv) {
        ("SEMVER_EQ", _) => "semver_eq",
        ("SEMVER_GT", false) | ("SEMVER_LTE", true) => "semver_gt",
        ("SEMVER_GTE", false) | ("SEMVER_LT", true) => "semver_gte",
        ("SEMVER_LT", false) | ("SEMVER_GTE", true) => "semver_lt",
        _ => "semver_lte",
    };
    o.cond(false, vec![(name, Value::String(v))])
}

/// Conditions on the same attribute as one condition (flags.yaml has one key per
/// attribute); what cannot be combined is reported and the first kept.
fn merge(conds: Vec<Cond>, rep: &mut FlagReport) -> Vec<Cond> {
    let mut out: Vec<Cond> = Vec::new();
    for c in conds {
        let Some(existing) = out.iter_mut().find(|e| e.attribute == c.attribute) else {
            out.push(c);
            continue;
        };
        let case_differs = existing.ignore_case != c.ignore_case;
        for (name, operand) in c.ops {
            let clash = existing.ops.iter().position(|(n, _)| *n == name);
            match (clash, name) {
                (None, _) if !case_differs => existing.ops.push((name, operand)),
                (Some(i), "in") => {
                    // Both must hold: the intersection.
                    if let (Value::Array(a), Value::Array(b)) = (&mut existing.ops[i].1, operand) {
                        a.retain(|v| b.contains(v));
                    }
                }
                (Some(i), "not_in") => {
                    if let (Value::Array(a), Value::Array(b)) = (&mut existing.ops[i].1, operand) {
                        a.extend(b.into_iter().filter(|v| !a.contains(v)).collect::<Vec<_>>());
                    }
                }
                _ => rep.issue(
                    Issue::ConflictingConstraints {
                        attribute: c.attribute.clone(),
                    },
                    None,
                ),
            }
        }
    }
    out
}
