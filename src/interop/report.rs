//! The typed report of an export or import: per flag, what mapped exactly, what was
//! approximated and how, and what could not map at all, each with the line it comes
//! from. Rendering is a separate function per format ([`write_text`], and JSON through
//! serde).

use serde::Serialize;
use std::fmt;
use std::io::{self, Write};

/// Which format the flags went to (export) or came from (import).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Unleash client features (or, on import, an Unleash export).
    Unleash,
    /// flagd flag definitions.
    Flagd,
    /// The OpenFeature CLI manifest.
    Openfeature,
}

impl Format {
    /// The name in sentences.
    pub fn display(self) -> &'static str {
        match self {
            Format::Unleash => "Unleash",
            Format::Flagd => "flagd",
            Format::Openfeature => "the OpenFeature manifest",
        }
    }

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Unleash => "unleash",
            Format::Flagd => "flagd",
            Format::Openfeature => "openfeature",
        }
    }
}

/// Export or import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// flags.yaml to another format.
    Export,
    /// Another format to flags.yaml.
    Import,
}

/// How faithfully something was carried over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Fidelity {
    /// Evaluates identically.
    Exact,
    /// Carried over, but some contexts evaluate differently (the issue says which).
    Approximated,
    /// Could not be carried over.
    Lost,
}

/// A part of a flag that mapped exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// `enabled`.
    Enabled,
    /// `kill_switch`.
    KillSwitch,
    /// `rollout`, `bucket_by` and `salt`.
    Rollout,
    /// Flag-level `segments`.
    Segments,
    /// `rules`, in order.
    Rules,
    /// `variants` with their weights.
    Variants,
    /// `value` (and the values rules serve).
    Value,
    /// `off`.
    Off,
    /// `type`.
    Type,
    /// `description`.
    Description,
    /// `created`.
    Created,
    /// `expires`.
    Expires,
    /// `owner`.
    Owner,
}

/// Something that did not map exactly. Each kind says why; its [`Issue::fidelity`] says
/// whether it was approximated or lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Issue {
    /// flagctl reads a leading `v` or surrounding spaces in a context's version; the
    /// target does not, so such contexts fail `semver_*` there.
    LenientSemver,
    /// flagctl reads a date without a time in the context (`2026-01-22`); the target
    /// reads only RFC 3339 times, so such contexts fail `before`/`after` there.
    DateOnlyContext,
    /// `before`/`after` on a field other than `currentTime`: Unleash's engine (yggdrasil,
    /// Edge, the SDKs built on it) reads the field, but the Node SDK compares the current
    /// time whatever the field.
    DateFieldIgnored,
    /// A list value that is empty or has surrounding spaces: the Node SDK drops empty
    /// values and trims the others; Unleash's engine keeps them as written.
    UntrimmedValue {
        /// The value.
        text: String,
    },
    /// The time has more than millisecond precision; the target's format keeps
    /// milliseconds.
    DatePrecision,
    /// flagctl trims spaces around a context's number and does not read `inf`; the
    /// target does the opposite.
    LenientNumber,
    /// flagctl trims spaces around a context's address and matches IPv4-mapped IPv6
    /// addresses against IPv4 networks; the target does neither.
    LenientAddress,
    /// The target substitutes the current time when the context has no `currentTime`.
    CurrentTimeDefault,
    /// A boolean flag with variants: the target's `isEnabled` cannot split by variant
    /// weight; read the variant (its payload is the value) instead.
    BooleanVariants,
    /// The flag serves `true` when off; the target serves `false` for a flag that is off.
    OffIsTrue,
    /// The bucketing attribute is a name the target reserves (`default`, `random`).
    ReservedStickiness {
        /// The attribute.
        attribute: String,
    },
    /// A string the target's rule compiler cannot quote (a `"` in a name or group, or a
    /// trailing backslash): the target would turn the whole flag off.
    UnquotableString {
        /// The string.
        text: String,
    },
    /// A rule serving `false` that has its own rollout cannot be negated (the target
    /// cannot express "bucket above N"); later rules and the on value ignore it.
    NegatedRollout {
        /// The rule's name (or index).
        rule: String,
    },
    /// Expanding the rules into strategies would need more than the limit.
    TooComplex {
        /// How many strategies were needed.
        strategies: usize,
    },
    /// The variant weights add up to more than the target can hold.
    WeightOverflow,
    /// A case-insensitive comparison the target only has through its REGEX operator.
    CaseInsensitiveViaRegex,
    /// The target buckets with a different hash: other users fall in the rollout or
    /// variant than with flagctl and Unleash.
    ReBucketed,
    /// An operator the target has no equivalent for.
    UnsupportedOperator {
        /// The flagctl operator name.
        operator: String,
    },
    /// `ignore_case` on an operator the target only compares case-sensitively.
    CaseSensitive {
        /// The flagctl operator name.
        operator: String,
    },
    /// JsonLogic compares with JavaScript's coercions (`"" < 1`, `null < 1`); flagctl
    /// compares numbers only.
    LooseComparison,
    /// `before`/`after` compared as text: right only for times written alike (UTC, same
    /// precision).
    DateAsText,
    /// JsonLogic's `missing` counts an empty string as missing; flagctl does not.
    EmptyIsMissing,
    /// Targeting the format cannot carry at all (the OpenFeature manifest holds only a
    /// key, a type, a default and a description).
    TargetingNotCarried,
    /// Values of mixed JSON types where the target needs one type.
    MixedValueTypes,
    /// Import: an Unleash strategy flagctl does not model.
    UnsupportedStrategy {
        /// The strategy's name.
        strategy: String,
    },
    /// Import: `random` stickiness (or gradualRolloutRandom): not reproducible.
    RandomStickiness,
    /// Import: `default` stickiness falls back from userId to sessionId to random;
    /// flagctl buckets by userId only.
    DefaultStickiness,
    /// Import: strategies bucket by different attributes or groups; flagctl has one
    /// `bucket_by` and `salt` per flag.
    MixedBucketing,
    /// Import: a context without the stickiness field gets a random variant in Unleash,
    /// the off value in flagctl.
    RandomWithoutKey,
    /// Import: a strategy splits between several variants but is not the last one.
    SplitInRule,
    /// Import: the feature depends on other features (flagctl never nests flags).
    Dependencies,
    /// Import: variant overrides (pinning context values to a variant).
    VariantOverrides,
    /// Import: an inverted constraint flagctl has no operator for.
    InvertedConstraint {
        /// The Unleash operator.
        operator: String,
    },
    /// Import: two constraints flagctl cannot combine on one attribute.
    ConflictingConstraints {
        /// The context field.
        attribute: String,
    },
    /// Import: an operator flagctl does not have.
    UnknownOperator {
        /// The Unleash operator.
        operator: String,
    },
    /// Import: a strategy references a segment the document does not define.
    UndefinedSegment {
        /// The segment id.
        id: i64,
    },
    /// Import: Unleash has no value for a flag that is off; flags.yaml needs one, so a
    /// placeholder was written.
    OffValuePlaceholder,
    /// Import: the feature is marked stale in Unleash.
    Stale,
    /// Import: the flag is already past its expiry (created + the type's lifetime).
    AlreadyExpired,
    /// Import: a value could not be read from a variant's payload.
    BadPayload {
        /// The variant.
        variant: String,
    },
    /// Import: the feature name is not a valid flags.yaml key.
    InvalidKey,
}

impl Issue {
    /// Whether this approximates or loses.
    pub fn fidelity(&self) -> Fidelity {
        use Issue::*;
        match self {
            LenientSemver
            | DateOnlyContext
            | DatePrecision
            | LenientNumber
            | LenientAddress
            | CurrentTimeDefault
            | BooleanVariants
            | ReBucketed
            | CaseInsensitiveViaRegex
            | DefaultStickiness
            | CaseSensitive { .. }
            | RandomWithoutKey
            | DateFieldIgnored
            | UntrimmedValue { .. }
            | LooseComparison
            | DateAsText
            | EmptyIsMissing
            | InvertedConstraint { .. } => Fidelity::Approximated,
            // Informational: nothing about evaluation is lost. An SDK serves the caller's default when a flag is off; flags.yaml must name
            // one, which changes nothing an SDK reading Unleash would see.
            Stale | AlreadyExpired | OffValuePlaceholder | TargetingNotCarried => Fidelity::Exact,
            _ => Fidelity::Lost,
        }
    }

    /// One sentence for the text report.
    pub fn message(&self) -> String {
        use Issue::*;
        match self {
            LenientSemver => "semver: flagctl reads a version padded with spaces (` 1.2.3`) in a context, the target may not".into(),
            DateOnlyContext => "before/after: a context date without a time (2026-01-22) matches in flagctl, never in the target".into(),
            DateFieldIgnored => "before/after on a field: Unleash's engine reads the field, the Node SDK compares the current time instead".into(),
            UntrimmedValue { text } => format!("{text:?}: the Node SDK drops empty values and trims spaces, Unleash's engine keeps them"),
            DatePrecision => "before/after: the time is cut to milliseconds".into(),
            LenientNumber => "numbers: flagctl trims spaces around a context number and rejects `inf`, the target does the opposite".into(),
            LenientAddress => "in_cidr: flagctl trims the address and matches IPv4-mapped IPv6 addresses, the target does neither".into(),
            CurrentTimeDefault => "`currentTime` missing from a context is the current time in the target, missing in flagctl".into(),
            BooleanVariants => "boolean variants: isEnabled is true whichever variant is drawn; read the variant's payload".into(),
            OffIsTrue => "`off: true`: the target serves false for a flag that is off".into(),
            ReservedStickiness { attribute } => format!("bucket_by `{attribute}` is a reserved stickiness name in the target"),
            UnquotableString { text } => format!("`{text}` cannot be quoted in the target's rule language; the flag would always be off"),
            NegatedRollout { rule } => format!("rule `{rule}` serves false under a rollout, which cannot be negated; later rules ignore it"),
            TooComplex { strategies } => format!("the rules expand to {strategies} strategies, more than the limit"),
            WeightOverflow => "variant weights add up to more than 2^31-1".into(),
            CaseInsensitiveViaRegex => "ignore_case equality is exported as an anchored case-insensitive REGEX".into(),
            ReBucketed => "re-bucketed: the target hashes differently, so other users fall in the rollout and variants".into(),
            UnsupportedOperator { operator } => format!("operator `{operator}` has no equivalent in the target"),
            CaseSensitive { operator } => format!("`{operator}` with ignore_case compares case-sensitively in the target"),
            TargetingNotCarried => "the manifest carries the key, type, default (the off value) and description; targeting stays in flags.yaml".into(),
            LooseComparison => "comparisons use JavaScript coercion (\"\" < 1 and null < 1 hold), flagctl compares numbers only".into(),
            DateAsText => "before/after compare the text: right only for times written alike (UTC, same precision)".into(),
            EmptyIsMissing => "an empty string counts as missing in JsonLogic, as present in flagctl".into(),
            MixedValueTypes => "values of different types".into(),
            UnsupportedStrategy { strategy } => format!("strategy `{strategy}` has no flagctl equivalent"),
            RandomStickiness => "random stickiness cannot be reproduced by a deterministic bucket".into(),
            DefaultStickiness => "`default` stickiness falls back to sessionId and random; flagctl buckets by userId only".into(),
            MixedBucketing => "strategies bucket by different attributes or groups; flagctl has one bucket_by and salt per flag".into(),
            RandomWithoutKey => "a context without the stickiness field gets a random variant in Unleash, the off value in flagctl".into(),
            SplitInRule => "a strategy that splits between variants before the last strategy cannot be a flagctl rule".into(),
            Dependencies => "dependencies on other flags (flagctl never nests flags)".into(),
            VariantOverrides => "variant overrides are not carried".into(),
            InvertedConstraint { operator } => format!("inverted {operator}: a context missing the field or with a non-matching type evaluates differently"),
            ConflictingConstraints { attribute } => format!("constraints on `{attribute}` that cannot be combined into one condition"),
            UnknownOperator { operator } => format!("operator {operator} is unknown to flagctl"),
            UndefinedSegment { id } => format!("segment {id} is not defined in the document"),
            OffValuePlaceholder => "Unleash serves the caller's default when off; `off` was set to a placeholder".into(),
            Stale => "marked stale in Unleash".into(),
            AlreadyExpired => "already past created + the type's lifetime".into(),
            BadPayload { variant } => format!("the payload of variant `{variant}` cannot be read"),
            InvalidKey => "the name is not a valid flags.yaml key".into(),
        }
    }
}

/// An issue with the line it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Approximated or lost (or exact for purely informational findings).
    pub fidelity: Fidelity,
    /// Why.
    #[serde(flatten)]
    pub issue: Issue,
    /// The flags.yaml line (export) or `None` when the source has no lines.
    pub line: Option<u32>,
}

/// What happened to one flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlagReport {
    /// The flag key.
    pub flag: String,
    /// Where the flag is defined (export only).
    pub line: Option<u32>,
    /// The overall fidelity: the worst of its findings.
    pub fidelity: Fidelity,
    /// The parts that mapped exactly.
    pub exact: Vec<Part>,
    /// What did not, sorted by line.
    pub findings: Vec<Finding>,
}

impl FlagReport {
    /// A report for `flag` with nothing recorded yet.
    pub fn new(flag: &str, line: Option<u32>) -> Self {
        FlagReport {
            flag: flag.to_string(),
            line,
            fidelity: Fidelity::Exact,
            exact: Vec::new(),
            findings: Vec::new(),
        }
    }

    /// Records a part that mapped exactly.
    pub fn exact(&mut self, part: Part) {
        if !self.exact.contains(&part) {
            self.exact.push(part);
        }
    }

    /// Records an issue at `line`.
    pub fn issue(&mut self, issue: Issue, line: Option<u32>) {
        let finding = Finding {
            fidelity: issue.fidelity(),
            issue,
            line,
        };
        if !self.findings.contains(&finding) {
            self.findings.push(finding);
        }
    }

    /// Sorts and computes the overall fidelity; call once when done.
    pub fn finish(&mut self) {
        self.exact.sort();
        self.findings.sort_by_key(|f| (f.line, f.fidelity));
        self.fidelity = self
            .findings
            .iter()
            .map(|f| f.fidelity)
            .max()
            .unwrap_or(Fidelity::Exact);
    }

    /// Whether anything was approximated or lost.
    pub fn has_loss(&self) -> bool {
        self.fidelity != Fidelity::Exact
    }
}

/// The report of one export or import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Export or import.
    pub direction: Direction,
    /// The other format.
    pub format: Format,
    /// The file read.
    pub source: String,
    /// The environment whose overrides were applied (export).
    pub environment: Option<String>,
    /// Flag counts by fidelity.
    pub summary: Summary,
    /// One entry per flag, sorted by key.
    pub flags: Vec<FlagReport>,
}

/// How many flags mapped how.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Flags that mapped exactly.
    pub exact: usize,
    /// Flags with an approximation and no loss.
    pub approximated: usize,
    /// Flags with a loss.
    pub lost: usize,
}

impl Report {
    /// Builds the report from per-flag reports (sorted here).
    pub fn new(
        direction: Direction,
        format: Format,
        source: &str,
        environment: Option<String>,
        mut flags: Vec<FlagReport>,
    ) -> Self {
        flags.sort_by(|a, b| a.flag.cmp(&b.flag));
        let mut summary = Summary::default();
        for f in &flags {
            match f.fidelity {
                Fidelity::Exact => summary.exact += 1,
                Fidelity::Approximated => summary.approximated += 1,
                Fidelity::Lost => summary.lost += 1,
            }
        }
        Report {
            direction,
            format,
            source: source.to_string(),
            environment,
            summary,
            flags,
        }
    }

    /// Whether any flag approximated or lost something (`--strict` fails on it).
    pub fn has_loss(&self) -> bool {
        self.flags.iter().any(FlagReport::has_loss)
    }

    /// The report of one flag.
    pub fn flag(&self, key: &str) -> Option<&FlagReport> {
        self.flags.iter().find(|f| f.flag == key)
    }
}

impl fmt::Display for Fidelity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Fidelity::Exact => "exact",
            Fidelity::Approximated => "approximated",
            Fidelity::Lost => "lost",
        })
    }
}

/// Writes the report as text: one line per flag that is not exact and one per finding,
/// then a summary line. `file` prefixes locations (`flags.yaml:12`).
pub fn write_text(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    for flag in &report.flags {
        let shown: Vec<&Finding> = flag
            .findings
            .iter()
            .filter(|f| f.fidelity != Fidelity::Exact || report.direction == Direction::Import)
            .collect();
        if shown.is_empty() {
            continue;
        }
        writeln!(out, "{}: {}", flag.flag, flag.fidelity)?;
        for f in shown {
            let at = match f.line {
                Some(line) => format!("{}:{line}: ", report.source),
                None => String::new(),
            };
            let label = match f.fidelity {
                Fidelity::Exact => "note",
                Fidelity::Approximated => "approximated",
                Fidelity::Lost => "lost",
            };
            let message = f
                .issue
                .message()
                .replace("the target", report.format.display());
            writeln!(out, "  {at}{label}: {message}")?;
        }
    }
    let s = report.summary;
    let verb = match report.direction {
        Direction::Export => "exported to",
        Direction::Import => "imported from",
    };
    writeln!(
        out,
        "{} flags {verb} {}: {} exact, {} approximated, {} lost",
        report.flags.len(),
        report.format.as_str(),
        s.exact,
        s.approximated,
        s.lost
    )
}
