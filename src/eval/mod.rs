//! The evaluation engine (`docs/evaluation.md`): what a flag serves to a context, and why.
//! No I/O happens here; commands load files and print results.
//!
//! Usage: build an [`Engine`] once per flags file, [`Engine::prepare`] each flag once
//! per environment (this applies overrides and resolves segment and variant names, so
//! the per-context work is only matching and hashing), then call [`Engine::evaluate`]
//! for each context.

pub mod batch;
pub mod conditions;
pub mod context;
pub mod explain;
pub mod hash;
pub mod output;
pub mod request;
pub mod spec;
mod steps;
pub mod stream;
pub mod suite;

pub use context::Context;
pub use explain::Step;

use crate::model::{Condition, Flag, FlagsFile, Serve, Targeting};
use conditions::condition_holds;
use context::Attributes;
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;

static TRUE: Value = Value::Bool(true);
static FALSE: Value = Value::Bool(false);
static NULL: Value = Value::Null;

/// Why a value was served (OpenFeature's vocabulary, plus `KILL_SWITCH`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Reason {
    /// The flag has no targeting: everyone gets `value`.
    Static,
    /// A rule or the flag's segments matched.
    TargetingMatch,
    /// A percentage decided: rollout or variants.
    Split,
    /// The context is in none of the flag's segments.
    Default,
    /// `enabled: false`.
    Disabled,
    /// `kill_switch: true`.
    KillSwitch,
    /// Evaluation failed; see the error code.
    Error,
}

impl Reason {
    /// Every reason with its name.
    pub const ALL: [(&'static str, Reason); 7] = [
        ("STATIC", Reason::Static),
        ("TARGETING_MATCH", Reason::TargetingMatch),
        ("SPLIT", Reason::Split),
        ("DEFAULT", Reason::Default),
        ("DISABLED", Reason::Disabled),
        ("KILL_SWITCH", Reason::KillSwitch),
        ("ERROR", Reason::Error),
    ];

    /// The name used in output and test specs.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Static => "STATIC",
            Reason::TargetingMatch => "TARGETING_MATCH",
            Reason::Split => "SPLIT",
            Reason::Default => "DEFAULT",
            Reason::Disabled => "DISABLED",
            Reason::KillSwitch => "KILL_SWITCH",
            Reason::Error => "ERROR",
        }
    }

    /// When this reason is given, in one sentence: the README's table of reasons is
    /// generated from it (and checked by a test), so a new reason is documented.
    pub fn meaning(self) -> &'static str {
        match self {
            Reason::Static => {
                "The flag has no targeting (no segments, rollout 100, no rules, no variants): everyone gets `value`."
            }
            Reason::TargetingMatch => {
                "A rule matched (`rule` names it), or the context is in one of the flag's `segments` and nothing later decided."
            }
            Reason::Split => {
                "A percentage decided: the bucket fell inside or outside a `rollout` below 100, or picked a weighted variant."
            }
            Reason::Default => {
                "The context is in none of the flag's `segments` (off value), or rules or variants exist and none applied (`value`)."
            }
            Reason::Disabled => "`enabled: false`: everyone gets the off value.",
            Reason::KillSwitch => {
                "`kill_switch: true`: everyone gets the off value, whatever else the flag says."
            }
            Reason::Error => "The flag could not be evaluated; `error_code` says why.",
        }
    }

    /// Parses a reason name.
    pub fn parse(s: &str) -> Option<Reason> {
        Self::ALL.iter().find(|(n, _)| *n == s).map(|(_, r)| *r)
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why evaluation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// No flag has this key.
    FlagNotFound,
    /// A bucket was needed but the context lacks the `bucket_by` attribute.
    TargetingKeyMissing,
}

impl ErrorCode {
    /// Every error code, in documentation order.
    pub const ALL: [ErrorCode; 2] = [ErrorCode::FlagNotFound, ErrorCode::TargetingKeyMissing];

    /// When this error happens, in one sentence (the README's table is generated from
    /// it and checked by a test).
    pub fn meaning(self) -> &'static str {
        match self {
            ErrorCode::FlagNotFound => "No flag in flags.yaml has this key or alias.",
            ErrorCode::TargetingKeyMissing => {
                "A rollout below 100 or a variant split needs a bucket, but the context lacks the `bucket_by` attribute (default `userId`) or holds a list or an object there."
            }
        }
    }

    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::FlagNotFound => "FLAG_NOT_FOUND",
            ErrorCode::TargetingKeyMissing => "TARGETING_KEY_MISSING",
        }
    }
}

/// The result of one evaluation. Serializes to exactly the JSON fields of `docs/evaluation.md`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EvalResult<'p> {
    /// The flag key.
    pub flag: &'p str,
    /// The value served.
    pub value: &'p Value,
    /// The variant served, if any.
    pub variant: Option<&'p str>,
    /// Why.
    pub reason: Reason,
    /// The matched rule's name (its index when unnamed).
    pub rule: Option<&'p str>,
    /// The context's rollout bucket (1..=100), when one was computed.
    pub bucket: Option<u8>,
    /// Set when `reason` is `ERROR`.
    pub error_code: Option<ErrorCode>,
    /// Which step of the evaluation order decided (1..=7; 0 for an unknown flag). Used by the
    /// rollout summary; not part of the JSON contract.
    #[serde(skip)]
    pub step: u8,
}

impl<'p> EvalResult<'p> {
    /// The result for a key that names no flag.
    pub fn not_found(flag: &'p str) -> Self {
        EvalResult {
            flag,
            value: &NULL,
            variant: None,
            reason: Reason::Error,
            rule: None,
            bucket: None,
            error_code: Some(ErrorCode::FlagNotFound),
            step: 0,
        }
    }
}

/// A segment with its `users` in a set, ready for matching.
#[derive(Debug)]
struct SegmentData<'f> {
    key: &'f str,
    users: HashSet<&'f str>,
    when: &'f [Condition],
}

/// Evaluates the flags of one file.
#[derive(Debug)]
pub struct Engine<'f> {
    file: &'f FlagsFile,
    segments: Vec<SegmentData<'f>>,
    segment_index: HashMap<&'f str, usize>,
}

/// A rule with its segment and variant names resolved.
#[derive(Debug)]
struct RuleData {
    label: String,
    /// Indexes into the engine's segments; `None` for an undefined name (never matches).
    segments: Vec<Option<usize>>,
    /// Index into the flag's variants when the rule serves a variant.
    variant: Option<Option<usize>>,
}

/// One flag in one environment, with everything that does not depend on the context
/// worked out once.
#[derive(Debug)]
pub struct Prepared<'f> {
    /// The flag as written.
    pub flag: &'f Flag,
    /// The environment, when one was given and the flag overrides it.
    pub env: Option<String>,
    /// The evaluation fields with the environment's overrides applied.
    pub targeting: Cow<'f, Targeting>,
    salt: String,
    bucket_attr: String,
    bucket_path: Vec<String>,
    /// Flag-level segments; `None` when absent or empty.
    segments: Option<Vec<Option<usize>>>,
    rules: Vec<RuleData>,
    total_weight: u32,
    is_static: bool,
}

impl Prepared<'_> {
    /// The hash group: `salt`, defaulting to the flag key.
    pub fn salt(&self) -> &str {
        &self.salt
    }

    /// The bucketing attribute (`bucket_by`, default `userId`).
    pub fn bucket_attribute(&self) -> &str {
        &self.bucket_attr
    }

    /// The value served when off.
    pub fn off_value(&self) -> &Value {
        self.targeting.off.as_ref().map_or(&FALSE, |v| &v.value)
    }

    /// The value served when on and nothing else applies.
    pub fn on_value(&self) -> &Value {
        self.targeting.value.as_ref().map_or(&TRUE, |v| &v.value)
    }
}

impl<'f> Engine<'f> {
    /// Prepares the file's segments for matching.
    pub fn new(file: &'f FlagsFile) -> Self {
        let segments = file
            .segments
            .iter()
            .map(|s| SegmentData {
                key: &s.key,
                users: s.users.iter().map(String::as_str).collect(),
                when: &s.when,
            })
            .collect::<Vec<_>>();
        let mut segment_index = HashMap::with_capacity(segments.len());
        for (i, s) in segments.iter().enumerate() {
            segment_index.entry(s.key).or_insert(i);
        }
        Engine {
            file,
            segments,
            segment_index,
        }
    }

    /// The flags file.
    pub fn file(&self) -> &'f FlagsFile {
        self.file
    }

    fn segment_index(&self, name: &str) -> Option<usize> {
        self.segment_index.get(name).copied()
    }

    /// The top-level context attributes that evaluating `flags` can read: batch
    /// evaluation keeps only these from each line. Includes the literal dotted names,
    /// which a context may hold as single keys.
    pub fn attributes_used(&self, flags: &[Prepared]) -> Vec<String> {
        let mut out: Vec<String> = vec!["segment".into(), "segments".into()];
        let mut add = |path: &[String], attribute: &str| {
            for name in path
                .first()
                .map(String::as_str)
                .into_iter()
                .chain([attribute])
            {
                if !out.iter().any(|o| o == name) {
                    out.push(name.to_string());
                }
            }
        };
        for s in &self.segments {
            for c in s.when {
                add(&c.path, &c.attribute);
            }
        }
        for p in flags {
            add(&p.bucket_path, &p.bucket_attr);
            for rule in p.targeting.rules.iter().flatten() {
                for c in &rule.when {
                    add(&c.path, &c.attribute);
                }
            }
        }
        out
    }

    /// Applies `env`'s overrides to `flag` and resolves names, once, for many
    /// evaluations.
    pub fn prepare(&self, flag: &'f Flag, env: Option<&str>) -> Prepared<'f> {
        let targeting = flag.targeting_for(env);
        let env = env
            .filter(|e| flag.environments.iter().any(|o| o.name == *e))
            .map(str::to_string);
        let salt = targeting
            .salt
            .as_ref()
            .map_or_else(|| flag.key.clone(), |s| s.value.clone());
        let bucket_attr = targeting.bucket_attribute().to_string();
        let bucket_path = bucket_attr.split('.').map(str::to_string).collect();
        let segments = targeting
            .segments
            .as_ref()
            .filter(|s| !s.is_empty())
            .map(|s| s.iter().map(|n| self.segment_index(&n.value)).collect());
        let variants = targeting.variants.as_deref().unwrap_or(&[]);
        let rules = targeting
            .rules
            .iter()
            .flatten()
            .map(|r| RuleData {
                label: r.label(),
                segments: r
                    .segments
                    .iter()
                    .map(|n| self.segment_index(&n.value))
                    .collect(),
                variant: match &r.serve {
                    Serve::Value(_) => None,
                    Serve::Variant(name) => {
                        Some(variants.iter().position(|v| v.name == name.value))
                    }
                },
            })
            .collect();
        let total_weight = variants
            .iter()
            .fold(0u32, |t, v| t.saturating_add(v.weight.value));
        let is_static = targeting.is_static();
        Prepared {
            flag,
            env,
            targeting,
            salt,
            bucket_attr,
            bucket_path,
            segments,
            rules,
            total_weight,
            is_static,
        }
    }

    /// How the context is in segment `idx`, if it is: `users`, `when`, or its
    /// `segment`/`segments` attribute.
    fn membership<C: Attributes + ?Sized>(
        &self,
        idx: Option<usize>,
        ctx: &C,
        key: Option<&str>,
    ) -> Option<&'static str> {
        let seg = self.segments.get(idx?)?;
        if key.is_some_and(|k| seg.users.contains(k)) {
            return Some("listed in users");
        }
        if named_in(ctx, seg.key) {
            return Some("by the context's segment attribute");
        }
        // An empty `when` would hold vacuously; it must not put everyone in the segment.
        if !seg.when.is_empty() && seg.when.iter().all(|c| condition_holds(c, ctx)) {
            return Some("its conditions hold");
        }
        None
    }

    /// The first of `segs` the context is in, with how.
    pub(super) fn first_segment<C: Attributes + ?Sized>(
        &self,
        segs: &[Option<usize>],
        ctx: &C,
        key: Option<&str>,
    ) -> Option<(&'f str, &'static str)> {
        segs.iter().find_map(|&i| {
            let how = self.membership(i, ctx, key)?;
            Some((self.segments.get(i?)?.key, how))
        })
    }

    /// Evaluates a prepared flag for `ctx` in the order of `docs/evaluation.md`.
    /// `pin` fixes the rollout bucket (1..=100) instead of hashing, for tests;
    /// `trace`, when given, receives each step.
    pub fn evaluate<'p, C: Attributes + ?Sized>(
        &self,
        p: &'p Prepared<'f>,
        ctx: &C,
        pin: Option<u8>,
        trace: Option<&mut Vec<Step>>,
    ) -> EvalResult<'p> {
        steps::Evaluation::new(self, p, ctx, pin, trace).run()
    }
}

/// Whether the context names `segment` in its `segment` or `segments` attribute (as
/// the seed's `isFeatureEnabled` does).
fn named_in<C: Attributes + ?Sized>(ctx: &C, segment: &str) -> bool {
    ["segment", "segments"]
        .iter()
        .any(|attr| match ctx.attr(attr) {
            Some(Value::String(s)) => s == segment,
            Some(Value::Array(items)) => items.iter().any(|i| i.as_str() == Some(segment)),
            _ => false,
        })
}

#[cfg(test)]
mod tests;
