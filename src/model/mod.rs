//! The flags file: its types ([`FlagsFile`] and below), how it is found and read
//! ([`load`]), decoded from YAML with positions ([`decode`]) and validated ([`check`]).

pub mod check;
pub mod condition;
pub mod decode;
pub mod duration;
pub mod edit;
pub mod error;
pub mod list;
pub mod load;
pub mod schema;
pub mod yaml;

pub use condition::{Condition, Operator};
pub use error::ModelError;
pub use load::{Loaded, Validation, discover, load_path, load_text};

use crate::diag::{Pos, Span};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::fmt;

/// `rollout` when absent: everyone.
pub const DEFAULT_ROLLOUT: u8 = 100;

/// `bucket_by` when absent.
pub const DEFAULT_BUCKET_BY: &str = "userId";

/// A value with the position it was written at.
#[derive(Debug, Clone, PartialEq)]
pub struct Sp<T> {
    /// The value.
    pub value: T,
    /// Where it starts in the file.
    pub pos: Pos,
    /// Where it ends (exclusive); equal to `pos` when only the start is known.
    pub end: Pos,
}

impl<T> Sp<T> {
    /// Wraps a value with its position.
    pub fn new(value: T, pos: Pos) -> Self {
        Sp {
            value,
            pos,
            end: pos,
        }
    }

    /// Wraps a value decoded from `node`, keeping where the node ends so diagnostics
    /// underline the whole scalar.
    pub fn of(value: T, node: &yaml::Node) -> Self {
        Sp {
            value,
            pos: node.pos,
            end: node.end,
        }
    }

    /// Another value written at the same place (a string decoded into an enum).
    pub fn with_value<U>(&self, value: U) -> Sp<U> {
        Sp {
            value,
            pos: self.pos,
            end: self.end,
        }
    }

    /// Where the value is written.
    pub fn span(&self) -> Span {
        Span::new(self.pos, self.end)
    }
}

/// A parsed flags file. Built even when the file has errors, from whatever parts were
/// readable, so later commands can still show what they can.
#[derive(Debug, Clone, Default)]
pub struct FlagsFile {
    /// `version:` as written (1 is the only supported version).
    pub version: Option<Sp<i64>>,
    /// `settings:` with defaults filled in.
    pub settings: Settings,
    /// `segments:` in file order.
    pub segments: Vec<Segment>,
    /// `flags:` in file order.
    pub flags: Vec<Flag>,
    segment_index: HashMap<String, usize>,
    flag_index: HashMap<String, usize>,
}

impl FlagsFile {
    /// Builds the lookup indexes; called once the lists are final. The first definition
    /// of a duplicated key wins (the duplicate itself is a validation error).
    pub fn index(&mut self) {
        self.segment_index.clear();
        self.flag_index.clear();
        for (i, s) in self.segments.iter().enumerate() {
            self.segment_index.entry(s.key.clone()).or_insert(i);
        }
        for (i, f) in self.flags.iter().enumerate() {
            self.flag_index.entry(f.key.clone()).or_insert(i);
        }
    }

    /// The flag with this key.
    pub fn flag(&self, key: &str) -> Option<&Flag> {
        self.flag_index.get(key).map(|&i| &self.flags[i])
    }

    /// The segment with this key.
    pub fn segment(&self, key: &str) -> Option<&Segment> {
        self.segment_index.get(key).map(|&i| &self.segments[i])
    }
}

/// `settings:`.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The deployment boundary that owns these flags.
    pub service: Option<Sp<String>>,
    /// Expected lifetime per flag type.
    pub lifetimes: Lifetimes,
    /// `check` warns this many days before a flag expires.
    pub expiry_warning_days: i64,
    /// Furthest `expires` may be after `created`, in days, for temporary types.
    pub max_expiry_days: i64,
    /// Fully on / fully off this many days means stale.
    pub launched_after_days: i64,
    /// Not evaluated in production for this many days means `unused`.
    pub unused_after_days: i64,
    /// Evaluations over `launched_after` before one value means `constant`.
    pub constant_min_evaluations: u64,
    /// Allowed environment names; `None` allows any.
    pub environments: Option<Vec<Sp<String>>>,
    /// How code is scanned for references.
    pub scan: ScanSettings,
    /// Named test contexts file, relative to the flags file.
    pub contexts: Option<Sp<String>>,
    /// How `flagctl cleanup` recognises flag checks.
    pub cleanup: CleanupSettings,
}

/// `settings.cleanup`.
#[derive(Debug, Clone, Default)]
pub struct CleanupSettings {
    /// Function or method names (optionally qualified: `flags.isEnabled`) whose calls
    /// check a flag; `None` means the built-in list of common SDK methods.
    pub calls: Option<Vec<Sp<String>>>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            service: None,
            lifetimes: Lifetimes::default(),
            expiry_warning_days: 14,
            max_expiry_days: 180,
            launched_after_days: 30,
            unused_after_days: 90,
            constant_min_evaluations: 1000,
            environments: None,
            scan: ScanSettings::default(),
            contexts: None,
            cleanup: CleanupSettings::default(),
        }
    }
}

/// Expected lifetime of each flag type, in days; `None` means permanent ("never").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetimes {
    /// `release` (default 40 days).
    pub release: Option<i64>,
    /// `experiment` (default 40 days).
    pub experiment: Option<i64>,
    /// `operational` (default never).
    pub operational: Option<i64>,
    /// `permission` (default never).
    pub permission: Option<i64>,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Lifetimes {
            release: Some(40),
            experiment: Some(40),
            operational: None,
            permission: None,
        }
    }
}

impl Lifetimes {
    /// The lifetime of a flag type.
    pub fn of(&self, t: FlagType) -> Option<i64> {
        match t {
            FlagType::Release => self.release,
            FlagType::Experiment => self.experiment,
            FlagType::Operational => self.operational,
            FlagType::Permission => self.permission,
        }
    }
}

/// `settings.scan`.
#[derive(Debug, Clone)]
pub struct ScanSettings {
    /// Roots, relative to the flags file's directory.
    pub paths: Vec<String>,
    /// Glob patterns of paths not to scan.
    pub exclude: Vec<Sp<String>>,
    /// Generated alias styles.
    pub aliases: Vec<AliasStyle>,
    /// SDK call patterns whose first capture group is a flag key.
    pub patterns: Vec<ScanPattern>,
    /// Which files are tests or docs rather than production code.
    pub areas: Areas,
    /// Globs of files that declare flags (a union of keys, a constants class):
    /// references there are definitions, not uses.
    pub definitions: Vec<Sp<String>>,
}

/// `settings.scan.areas`: globs (relative to the flags file's directory, or names)
/// of test and documentation files. References there do not keep a flag alive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Areas {
    /// Test files.
    pub test: Vec<String>,
    /// Documentation.
    pub docs: Vec<String>,
}

impl Areas {
    /// The default test globs.
    pub const TEST: [&'static str; 8] = [
        "*.test.*",
        "*.spec.*",
        "*_test.go",
        "test_*.py",
        "**/tests/**",
        "**/__tests__/**",
        "**/spec/**",
        "**/src/test/**",
    ];
    /// The default documentation globs.
    pub const DOCS: [&'static str; 3] = ["*.md", "CHANGELOG*", "**/docs/**"];
}

impl Default for Areas {
    fn default() -> Self {
        Areas {
            test: Areas::TEST.iter().map(|g| g.to_string()).collect(),
            docs: Areas::DOCS.iter().map(|g| g.to_string()).collect(),
        }
    }
}

impl Default for ScanSettings {
    fn default() -> Self {
        ScanSettings {
            paths: vec![".".into()],
            exclude: Vec::new(),
            aliases: vec![
                AliasStyle::Kebab,
                AliasStyle::Snake,
                AliasStyle::ScreamingSnake,
                AliasStyle::Camel,
                AliasStyle::Pascal,
            ],
            patterns: Vec::new(),
            areas: Areas::default(),
            definitions: Vec::new(),
        }
    }
}

/// A compiled `settings.scan.patterns` entry.
#[derive(Debug, Clone)]
pub struct ScanPattern {
    /// The regex as written.
    pub source: Sp<String>,
    /// The compiled regex.
    pub regex: regex::Regex,
}

/// A naming style in which code may spell a flag key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AliasStyle {
    /// `new-payment-processor`
    Kebab,
    /// `new_payment_processor`
    Snake,
    /// `NEW_PAYMENT_PROCESSOR`
    ScreamingSnake,
    /// `newPaymentProcessor`
    Camel,
    /// `NewPaymentProcessor`
    Pascal,
    /// `new.payment.processor`
    Dot,
}

impl AliasStyle {
    /// Every style, with its name in flags.yaml.
    pub const ALL: [(&'static str, AliasStyle); 6] = [
        ("kebab", AliasStyle::Kebab),
        ("snake", AliasStyle::Snake),
        ("screaming_snake", AliasStyle::ScreamingSnake),
        ("camel", AliasStyle::Camel),
        ("pascal", AliasStyle::Pascal),
        ("dot", AliasStyle::Dot),
    ];
}

/// A named group of contexts.
#[derive(Debug, Clone)]
pub struct Segment {
    /// The segment's key.
    pub key: String,
    /// Where the key is written.
    pub pos: Pos,
    /// Free text.
    pub description: Option<String>,
    /// Values of the flag's bucketing attribute that are members.
    pub users: Vec<String>,
    /// Conditions that all must hold for membership.
    pub when: Vec<Condition>,
}

/// The four flag types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FlagType {
    /// Temporary: ship code dark, then roll out.
    Release,
    /// Long-lived: operational control (circuit breakers, tuning).
    Operational,
    /// Temporary: A/B tests.
    Experiment,
    /// Long-lived: entitlements.
    Permission,
}

impl FlagType {
    /// Every type with its name.
    pub const ALL: [(&'static str, FlagType); 4] = [
        ("release", FlagType::Release),
        ("operational", FlagType::Operational),
        ("experiment", FlagType::Experiment),
        ("permission", FlagType::Permission),
    ];

    /// The name used in flags.yaml.
    pub fn as_str(self) -> &'static str {
        match self {
            FlagType::Release => "release",
            FlagType::Operational => "operational",
            FlagType::Experiment => "experiment",
            FlagType::Permission => "permission",
        }
    }

    /// Parses a type name.
    pub fn parse(s: &str) -> Option<FlagType> {
        Self::ALL.iter().find(|(n, _)| *n == s).map(|(_, t)| *t)
    }

    /// Release and experiment flags are meant to be removed.
    pub fn is_temporary(self) -> bool {
        matches!(self, FlagType::Release | FlagType::Experiment)
    }
}

impl fmt::Display for FlagType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One flag.
#[derive(Debug, Clone)]
pub struct Flag {
    /// The flag key.
    pub key: String,
    /// Where the key is written.
    pub pos: Pos,
    /// Free text.
    pub description: Option<Sp<String>>,
    /// release, operational, experiment or permission.
    pub flag_type: Option<Sp<FlagType>>,
    /// The team responsible for it.
    pub owner: Option<Sp<String>>,
    /// When it was created (else inferred from git).
    pub created: Option<Sp<NaiveDate>>,
    /// When it must be gone.
    pub expires: Option<Sp<NaiveDate>>,
    /// Cleanup ticket or link.
    pub ticket: Option<Sp<String>>,
    /// Free-form tags.
    pub tags: Vec<String>,
    /// Extra names the code uses for this flag.
    pub aliases: Vec<Sp<String>>,
    /// The evaluation fields at the top level of the flag.
    pub targeting: Targeting,
    /// Per-environment overrides of evaluation fields, in file order.
    pub environments: Vec<EnvOverride>,
}

impl Flag {
    /// The flag's targeting with the overrides of `env` applied (or the base targeting
    /// when `env` is `None` or has no override).
    pub fn targeting_for(&self, env: Option<&str>) -> std::borrow::Cow<'_, Targeting> {
        match env.and_then(|e| self.environments.iter().find(|o| o.name == e)) {
            Some(o) => std::borrow::Cow::Owned(self.targeting.overlay(&o.targeting)),
            None => std::borrow::Cow::Borrowed(&self.targeting),
        }
    }

    /// The flag type, if valid.
    pub fn kind(&self) -> Option<FlagType> {
        self.flag_type.as_ref().map(|t| t.value)
    }
}

/// An `environments.NAME` override.
#[derive(Debug, Clone)]
pub struct EnvOverride {
    /// Environment name.
    pub name: String,
    /// Where the name is written.
    pub pos: Pos,
    /// Only the fields written under this environment are `Some`.
    pub targeting: Targeting,
}

/// The evaluation fields of a flag (section 2 and 3.1). Every field is optional so the
/// same type serves both the flag and its environment overrides.
#[derive(Debug, Clone, Default)]
pub struct Targeting {
    /// `enabled` (default true).
    pub enabled: Option<Sp<bool>>,
    /// `kill_switch` (default false).
    pub kill_switch: Option<Sp<bool>>,
    /// `rollout` percent, 0..=100 (default 100).
    pub rollout: Option<Sp<u8>>,
    /// Flag-level `segments`.
    pub segments: Option<Vec<Sp<String>>>,
    /// Context attribute used for buckets (default `userId`).
    pub bucket_by: Option<Sp<String>>,
    /// Hash group (default the flag key).
    pub salt: Option<Sp<String>>,
    /// Served when on and nothing else applies (default `true`).
    pub value: Option<Sp<Value>>,
    /// Served when off (default `false`).
    pub off: Option<Sp<Value>>,
    /// Targeting rules, first match wins.
    pub rules: Option<Vec<Rule>>,
    /// Weighted variants, in file order.
    pub variants: Option<Vec<Variant>>,
}

impl Targeting {
    /// `self` with every field that `over` sets replaced.
    pub fn overlay(&self, over: &Targeting) -> Targeting {
        fn pick<T: Clone>(base: &Option<T>, over: &Option<T>) -> Option<T> {
            over.clone().or_else(|| base.clone())
        }
        Targeting {
            enabled: pick(&self.enabled, &over.enabled),
            kill_switch: pick(&self.kill_switch, &over.kill_switch),
            rollout: pick(&self.rollout, &over.rollout),
            segments: pick(&self.segments, &over.segments),
            bucket_by: pick(&self.bucket_by, &over.bucket_by),
            salt: pick(&self.salt, &over.salt),
            value: pick(&self.value, &over.value),
            off: pick(&self.off, &over.off),
            rules: pick(&self.rules, &over.rules),
            variants: pick(&self.variants, &over.variants),
        }
    }

    /// `enabled`, defaulting to true.
    pub fn is_enabled(&self) -> bool {
        self.enabled.as_ref().is_none_or(|e| e.value)
    }

    /// `kill_switch`, defaulting to false.
    pub fn is_killed(&self) -> bool {
        self.kill_switch.as_ref().is_some_and(|k| k.value)
    }

    /// `rollout`, defaulting to 100.
    pub fn rollout_percent(&self) -> u8 {
        self.rollout.as_ref().map_or(DEFAULT_ROLLOUT, |r| r.value)
    }

    /// `bucket_by`, defaulting to `userId`.
    pub fn bucket_attribute(&self) -> &str {
        self.bucket_by
            .as_ref()
            .map_or(DEFAULT_BUCKET_BY, |b| b.value.as_str())
    }

    /// The value served when on (default `true`).
    pub fn on_value(&self) -> Value {
        self.value
            .as_ref()
            .map_or(Value::Bool(true), |v| v.value.clone())
    }

    /// The value served when off (default `false`).
    pub fn off_value(&self) -> Value {
        self.off
            .as_ref()
            .map_or(Value::Bool(false), |v| v.value.clone())
    }

    /// True when nothing targets: no segments, rollout 100, no rules, no variants.
    pub fn is_static(&self) -> bool {
        self.segments.as_ref().is_none_or(|s| s.is_empty())
            && self.rollout_percent() == 100
            && self.rules.as_ref().is_none_or(|r| r.is_empty())
            && self.variants.as_ref().is_none_or(|v| v.is_empty())
    }
}

/// One targeting rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// `name`, if given.
    pub name: Option<String>,
    /// Position in the rules list (0-based), used as its name when unnamed.
    pub index: usize,
    /// Where the rule starts.
    pub pos: Pos,
    /// Conditions that must all hold.
    pub when: Vec<Condition>,
    /// Segments of which the context must be in at least one.
    pub segments: Vec<Sp<String>>,
    /// Optional percentage of the flag's bucket.
    pub rollout: Option<Sp<u8>>,
    /// What the rule serves.
    pub serve: Serve,
}

impl Rule {
    /// The name shown in results: `name`, else the index.
    pub fn label(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.index.to_string())
    }
}

/// What a rule serves.
#[derive(Debug, Clone)]
pub enum Serve {
    /// A literal value.
    Value(Sp<Value>),
    /// The value of a named variant.
    Variant(Sp<String>),
}

/// A weighted variant.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Variant name.
    pub name: String,
    /// Where the name is written.
    pub pos: Pos,
    /// The value it serves.
    pub value: Sp<Value>,
    /// Relative weight (non-negative).
    pub weight: Sp<u32>,
}

/// What a flag serves at a glance, for `list` and the lifecycle rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "state", content = "percent")]
pub enum FlagState {
    /// `kill_switch: true`.
    Killed,
    /// `enabled: false` or `rollout: 0`.
    Off,
    /// `rollout` between 1 and 99.
    Partial(u8),
    /// On, but only for contexts matched by flag-level segments.
    Targeted,
    /// On for everyone (rules and variants may still pick what is served).
    On,
}

impl fmt::Display for FlagState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FlagState::Killed => f.write_str("killed"),
            FlagState::Off => f.write_str("off"),
            FlagState::Partial(p) => write!(f, "partial {p}%"),
            FlagState::Targeted => f.write_str("targeted"),
            FlagState::On => f.write_str("on"),
        }
    }
}

impl FlagState {
    /// The state without its percentage (`partial 10%` and `partial 50%` are both
    /// `partial`), for counts and charts.
    pub fn group(self) -> &'static str {
        match self {
            FlagState::Killed => "killed",
            FlagState::Off => "off",
            FlagState::Partial(_) => "partial",
            FlagState::Targeted => "targeted",
            FlagState::On => "on",
        }
    }
}

impl Targeting {
    /// The flag's state under these evaluation fields.
    pub fn state(&self) -> FlagState {
        if self.is_killed() {
            FlagState::Killed
        } else if !self.is_enabled() || self.rollout_percent() == 0 {
            FlagState::Off
        } else if self.rollout_percent() < 100 {
            FlagState::Partial(self.rollout_percent())
        } else if self.segments.as_ref().is_some_and(|s| !s.is_empty()) {
            FlagState::Targeted
        } else {
            FlagState::On
        }
    }
}
