//! Turns the YAML [`Node`] tree into a [`FlagsFile`], reporting every structural
//! problem (unknown or duplicate fields, wrong types, bad dates, out-of-range rollouts,
//! bad operators) as a [`Diagnostic`] and carrying on, so one run shows them all.
//! Cross-references between parts of the file are checked afterwards in `check`.

use super::condition::decode_when;
use super::duration::{parse_date, parse_days, parse_lifetime};
use super::yaml::{Kind, Node};
use super::*;
use crate::diag::{Code, Diagnostic, Pos};
use crate::suggest::did_you_mean;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;

/// A field label such as ``flag `x` rollout``, formatted only when a diagnostic needs
/// it: loading a large file must not build one string per field.
pub struct Label<'a>(pub &'a dyn fmt::Display, pub &'a str);

impl fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.0, self.1)
    }
}

/// Like [`Label`], with the child in backticks: ``flag `x` when `plan` ``.
pub struct Quoted<'a>(pub &'a dyn fmt::Display, pub &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}`", self.0, self.1)
    }
}

/// Field names accepted in each mapping, used for unknown-field checks, suggestions
/// and the JSON Schema.
pub mod fields {
    /// Top level.
    pub const ROOT: &[&str] = &["version", "settings", "segments", "flags"];
    /// `settings:`.
    pub const SETTINGS: &[&str] = &[
        "service",
        "lifetimes",
        "expiry_warning",
        "max_expiry",
        "launched_after",
        "unused_after",
        "constant_min_evaluations",
        "environments",
        "scan",
        "contexts",
        "cleanup",
    ];
    /// `settings.lifetimes:`.
    pub const LIFETIMES: &[&str] = &["release", "experiment", "operational", "permission"];
    /// `settings.scan:`.
    pub const SCAN: &[&str] = &[
        "paths",
        "exclude",
        "aliases",
        "patterns",
        "areas",
        "definitions",
    ];
    /// `settings.scan.areas:`.
    pub const AREAS: &[&str] = &["test", "docs"];
    /// `settings.cleanup:`.
    pub const CLEANUP: &[&str] = &["calls"];
    /// A segment.
    pub const SEGMENT: &[&str] = &["description", "users", "when"];
    /// Evaluation fields: allowed on a flag and under `environments.NAME`.
    pub const TARGETING: &[&str] = &[
        "enabled",
        "kill_switch",
        "rollout",
        "segments",
        "bucket_by",
        "salt",
        "value",
        "off",
        "rules",
        "variants",
    ];
    /// Flag metadata (in addition to the evaluation fields).
    pub const FLAG_META: &[&str] = &[
        "description",
        "type",
        "owner",
        "created",
        "expires",
        "ticket",
        "tags",
        "aliases",
        "environments",
    ];
    /// A rule.
    pub const RULE: &[&str] = &["name", "when", "segments", "rollout", "value", "variant"];
    /// A variant.
    pub const VARIANT: &[&str] = &["value", "weight"];
}

/// Collects diagnostics for one file while decoding.
pub struct Decoder {
    /// The file name used in diagnostics.
    pub file: String,
    /// Everything found so far.
    pub diagnostics: Vec<Diagnostic>,
    /// Compiled `matches` regexes by (pattern, ignore_case): files repeat the same
    /// pattern across many flags, and compiling is the costliest part of loading.
    pub regexes: std::collections::HashMap<(String, bool), regex::Regex>,
}

impl Decoder {
    /// A decoder reporting against `file`.
    pub fn new(file: &str) -> Self {
        Decoder {
            file: file.to_string(),
            diagnostics: Vec::new(),
            regexes: std::collections::HashMap::new(),
        }
    }

    /// Records an error.
    pub fn error(&mut self, pos: impl Into<Span>, code: Code, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::error(&self.file, pos, code, message));
    }

    /// Records a warning.
    pub fn warning(&mut self, pos: impl Into<Span>, code: Code, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::warning(&self.file, pos, code, message));
    }

    /// Reports `node` not being of the expected shape.
    pub fn wrong_type(&mut self, node: &Node, what: &dyn fmt::Display, expected: &str) {
        self.error(
            node.span(),
            Code::InvalidType,
            format!("{what} must be {expected}, not {}", node.describe()),
        );
    }

    /// The entries of a mapping, or `None` (with an error) when `node` is not one.
    /// A null node (an empty value) is treated as an empty mapping.
    pub fn map<'n>(
        &mut self,
        node: &'n Node,
        what: &dyn fmt::Display,
    ) -> Option<&'n [(Node, Node)]> {
        match &node.kind {
            Kind::Map(entries) => Some(entries),
            Kind::Null => Some(&[]),
            _ => {
                self.wrong_type(node, what, "a mapping");
                None
            }
        }
    }

    /// The entries of a mapping with known field names: unknown fields (with a
    /// suggestion) and repeated fields are reported, and only the first occurrence of
    /// each known field is returned.
    pub fn fields<'n>(
        &mut self,
        node: &'n Node,
        what: &dyn fmt::Display,
        known: &[&[&str]],
    ) -> Vec<(&'n str, &'n Node, &'n Node)> {
        let Some(entries) = self.map(node, what) else {
            return Vec::new();
        };
        let mut out: Vec<(&str, &Node, &Node)> = Vec::new();
        for (key, value) in entries {
            let Some(name) = key.as_str() else {
                let text = key
                    .scalar_text()
                    .unwrap_or_else(|| key.describe().to_string());
                self.error(
                    key.span(),
                    Code::UnknownField,
                    format!("unknown field `{text}` in {what}; field names are strings"),
                );
                continue;
            };
            if !known.iter().any(|set| set.contains(&name)) {
                let hint = did_you_mean(name, known.iter().flat_map(|s| s.iter().copied()));
                let hint = if hint.is_empty() {
                    format!(
                        "; expected one of {}",
                        known
                            .iter()
                            .flat_map(|s| s.iter())
                            .map(|f| format!("`{f}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                } else {
                    hint
                };
                self.error(
                    key.span(),
                    Code::UnknownField,
                    format!("unknown field `{name}` in {what}{hint}"),
                );
                continue;
            }
            if let Some((_, first, _)) = out.iter().find(|(n, _, _)| *n == name) {
                let line = first.pos.line;
                self.error(
                    key.span(),
                    Code::DuplicateKey,
                    format!("`{name}` is set twice in {what} (first on line {line}); remove one"),
                );
                continue;
            }
            out.push((name, key, value));
        }
        out
    }

    /// A string scalar (numbers and booleans are accepted as their text, so
    /// `owner: 42` is the owner "42"). Null yields `None` silently.
    pub fn string(&mut self, node: &Node, what: &dyn fmt::Display) -> Option<Sp<String>> {
        match &node.kind {
            Kind::Null => None,
            Kind::Seq(_) | Kind::Map(_) => {
                self.wrong_type(node, what, "a string");
                None
            }
            _ => node.scalar_text().map(|s| Sp::of(s, node)),
        }
    }

    /// A list of strings; a single string is accepted as a one-item list.
    pub fn string_list(&mut self, node: &Node, what: &dyn fmt::Display) -> Vec<Sp<String>> {
        match &node.kind {
            Kind::Null => Vec::new(),
            Kind::Seq(items) => items
                .iter()
                .filter_map(|item| self.string(item, &Label(&"each entry of", &what.to_string())))
                .collect(),
            Kind::Map(_) => {
                self.wrong_type(node, what, "a list of strings");
                Vec::new()
            }
            _ => self.string(node, what).into_iter().collect(),
        }
    }

    /// A list of globs in the scanner's dialect, each checked, so a file that
    /// validates never fails to scan.
    pub fn glob_list(&mut self, node: &Node, what: &dyn fmt::Display) -> Vec<Sp<String>> {
        let globs = self.string_list(node, what);
        for glob in &globs {
            if let Err(e) = crate::globs::compile(&glob.value) {
                self.error(
                    glob.span(),
                    Code::InvalidPattern,
                    format!("{what}: `{}` is not a valid glob: {}", glob.value, e.kind()),
                );
            }
        }
        globs
    }

    /// A boolean.
    pub fn boolean(&mut self, node: &Node, what: &dyn fmt::Display) -> Option<Sp<bool>> {
        match node.kind {
            Kind::Bool(b) => Some(Sp::of(b, node)),
            Kind::Null => None,
            _ => {
                self.wrong_type(node, what, "`true` or `false`");
                None
            }
        }
    }

    /// A rollout percentage: an integer from 0 to 100. A number written with a zero
    /// fraction (`100.0`) is that integer, as in JSON Schema's `integer`.
    pub fn rollout(&mut self, node: &Node, what: &dyn fmt::Display) -> Option<Sp<u8>> {
        let message = match (&node.kind, whole(node)) {
            (Kind::Null, _) => return None,
            (_, Some(i)) if (0..=100).contains(&i) => return Some(Sp::of(i as u8, node)),
            (Kind::Int(i), _) => {
                format!("{what} is {i}, outside 0..100; use a whole percentage from 0 to 100")
            }
            (Kind::Float(f), _) if f.is_finite() && f.fract() == 0.0 => format!(
                "{what} is {}, outside 0..100; use a whole percentage from 0 to 100",
                float_text(*f)
            ),
            (Kind::Float(f), None) => format!(
                "{what} is {}, not a whole number; use an integer percentage from 0 to 100",
                float_text(*f)
            ),
            (Kind::Str(s), _) => {
                format!("{what} is the string `{s}`; write a bare integer from 0 to 100 (no `%`)")
            }
            _ => format!(
                "{what} must be an integer from 0 to 100, not {}",
                node.describe()
            ),
        };
        self.error(node.span(), Code::InvalidRollout, message);
        None
    }

    /// A `YYYY-MM-DD` date.
    pub fn date(&mut self, node: &Node, what: &dyn fmt::Display) -> Option<Sp<NaiveDate>> {
        let text = self.string(node, what)?;
        match parse_date(&text.value) {
            Ok(d) => Some(text.with_value(d)),
            Err(msg) => {
                self.error(text.span(), Code::InvalidDate, format!("{what}: {msg}"));
                None
            }
        }
    }

    /// A flag value: any YAML value but null.
    pub fn value(&mut self, node: &Node, what: &dyn fmt::Display) -> Option<Sp<serde_json::Value>> {
        if matches!(node.kind, Kind::Null) {
            self.error(
                node.span(),
                Code::InvalidType,
                format!("{what} is empty; give a value (quote `\"\"` for an empty string)"),
            );
            return None;
        }
        Some(Sp::of(node.to_json(), node))
    }
}

/// The integer a number node stands for: an integer, or a float with a zero fraction
/// (`100.0`, `1e2`) inside i64's range.
fn whole(node: &Node) -> Option<i64> {
    match node.kind {
        Kind::Int(i) => Some(i),
        // 2^63 is exactly representable; anything at or past it does not fit.
        Kind::Float(f) if f.fract() == 0.0 && f.abs() < 9_223_372_036_854_775_808.0 => {
            Some(f as i64)
        }
        _ => None,
    }
}

/// A float as a user would write it: `12.5`, `1e300`, `.nan`.
fn float_text(f: f64) -> String {
    if f.is_nan() {
        ".nan".into()
    } else if f.is_infinite() {
        if f > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        }
    } else {
        format!("{f:?}")
    }
}

/// Checks a flag or segment key: non-empty and only `[A-Za-z0-9._:-]`.
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

/// Decodes the whole document.
pub fn decode(root: &Node, dec: &mut Decoder) -> FlagsFile {
    let mut file = FlagsFile::default();
    if let Kind::Null = root.kind {
        dec.error(
            Pos::START,
            Code::EmptyFile,
            "the file is empty; start it with `version: 1` and a `flags:` mapping",
        );
        return file;
    }
    let mut saw_version = false;
    for (name, key, value) in dec.fields(root, &"the top level", &[fields::ROOT]) {
        match name {
            "version" => {
                saw_version = true;
                match value.kind {
                    Kind::Int(1) => file.version = Some(Sp::of(1, value)),
                    Kind::Int(v) => dec.error(
                        value.span(),
                        Code::UnsupportedVersion,
                        format!(
                            "`version: {v}` is not supported; this flagctl reads format version 1"
                        ),
                    ),
                    _ => dec.error(
                        value.span(),
                        Code::UnsupportedVersion,
                        format!("`version` must be the integer 1, not {}", value.describe()),
                    ),
                }
            }
            "settings" => file.settings = decode_settings(value, dec),
            "segments" => file.segments = decode_segments(value, dec),
            "flags" => file.flags = decode_flags(value, dec),
            _ => unreachable_field(dec, key),
        }
    }
    if !saw_version {
        dec.error(
            Pos::START,
            Code::MissingVersion,
            "`version` is missing; add `version: 1` at the top of the file",
        );
    }
    file.index();
    file
}

// `fields()` only returns known names, so a match arm for "other" cannot be reached;
// report it rather than panic, should the lists and the match ever drift apart.
fn unreachable_field(dec: &mut Decoder, key: &Node) {
    dec.error(
        key.span(),
        Code::UnknownField,
        "field is not handled by this version of flagctl",
    );
}

fn decode_settings(node: &Node, dec: &mut Decoder) -> Settings {
    let mut s = Settings::default();
    for (name, key, value) in dec.fields(node, &"settings", &[fields::SETTINGS]) {
        match name {
            "service" => s.service = dec.string(value, &"settings.service"),
            "lifetimes" => decode_lifetimes(value, dec, &mut s.lifetimes),
            "expiry_warning" | "max_expiry" | "launched_after" | "unused_after" => {
                decode_days_setting(name, value, dec, &mut s)
            }
            "constant_min_evaluations" => match value.kind {
                Kind::Int(n) if n > 0 => s.constant_min_evaluations = n.unsigned_abs(),
                _ => dec.wrong_type(
                    value,
                    &"settings.constant_min_evaluations",
                    "a whole number above 0",
                ),
            },
            "environments" => {
                let names = dec.string_list(value, &"settings.environments");
                report_repeats(dec, &names, &"settings.environments");
                s.environments = Some(names);
            }
            "scan" => decode_scan(value, dec, &mut s.scan),
            "contexts" => s.contexts = dec.string(value, &"settings.contexts"),
            "cleanup" => decode_cleanup(value, dec, &mut s.cleanup),
            _ => unreachable_field(dec, key),
        }
    }
    s
}

/// `settings.lifetimes`: the default lifetime of each flag type.
fn decode_lifetimes(node: &Node, dec: &mut Decoder, lifetimes: &mut Lifetimes) {
    for (t, _, v) in dec.fields(node, &"settings.lifetimes", &[fields::LIFETIMES]) {
        let Some(text) = dec.string(v, &format!("settings.lifetimes.{t}")) else {
            continue;
        };
        match parse_lifetime(&text.value) {
            Ok(days) => match t {
                "release" => lifetimes.release = days,
                "experiment" => lifetimes.experiment = days,
                "operational" => lifetimes.operational = days,
                _ => lifetimes.permission = days,
            },
            Err(msg) => dec.error(
                text.span(),
                Code::InvalidDuration,
                format!("settings.lifetimes.{t}: {msg}, or `never`"),
            ),
        }
    }
}

/// One of the settings that is a number of days (`expiry_warning`, `max_expiry`,
/// `launched_after`, `unused_after`).
fn decode_days_setting(name: &str, value: &Node, dec: &mut Decoder, s: &mut Settings) {
    let Some(text) = dec.string(value, &format!("settings.{name}")) else {
        return;
    };
    match parse_days(&text.value) {
        Ok(days) => match name {
            "expiry_warning" => s.expiry_warning_days = days,
            "max_expiry" => s.max_expiry_days = days,
            "unused_after" => s.unused_after_days = days,
            _ => s.launched_after_days = days,
        },
        Err(msg) => dec.error(
            text.span(),
            Code::InvalidDuration,
            format!("settings.{name}: {msg}"),
        ),
    }
}

/// `settings.cleanup`: the check calls, each a function or method name.
fn decode_cleanup(node: &Node, dec: &mut Decoder, cleanup: &mut CleanupSettings) {
    for (name, key, v) in dec.fields(node, &"settings.cleanup", &[fields::CLEANUP]) {
        match name {
            "calls" => {
                let calls = dec.string_list(v, &"settings.cleanup.calls");
                for c in &calls {
                    if c.value.trim().is_empty() || c.value.contains(char::is_whitespace) {
                        dec.error(
                            c.span(),
                            Code::InvalidPattern,
                            format!("settings.cleanup.calls: `{}` is not a function or method name (e.g. `isEnabled` or `flags.isEnabled`)", c.value),
                        );
                    }
                }
                cleanup.calls = Some(calls);
            }
            _ => unreachable_field(dec, key),
        }
    }
}

fn report_repeats(dec: &mut Decoder, items: &[Sp<String>], what: &dyn fmt::Display) {
    let mut first_line: HashMap<&str, u32> = HashMap::with_capacity(items.len());
    for item in items {
        match first_line.entry(&item.value) {
            Entry::Occupied(first) => dec.error(
                item.span(),
                Code::DuplicateKey,
                format!(
                    "`{}` is listed twice in {what} (first on line {}); remove one",
                    item.value,
                    first.get()
                ),
            ),
            Entry::Vacant(slot) => {
                slot.insert(item.pos.line);
            }
        }
    }
}

fn decode_scan(node: &Node, dec: &mut Decoder, scan: &mut ScanSettings) {
    for (name, key, value) in dec.fields(node, &"settings.scan", &[fields::SCAN]) {
        match name {
            "paths" => {
                scan.paths = dec
                    .string_list(value, &"settings.scan.paths")
                    .into_iter()
                    .map(|p| p.value)
                    .collect();
            }
            "exclude" => scan.exclude = dec.glob_list(value, &"settings.scan.exclude"),
            "areas" => {
                for (area, _, list) in dec.fields(value, &"settings.scan.areas", &[fields::AREAS]) {
                    let what = format!("settings.scan.areas.{area}");
                    let globs = dec
                        .glob_list(list, &what)
                        .into_iter()
                        .map(|g| g.value)
                        .collect();
                    match area {
                        "test" => scan.areas.test = globs,
                        _ => scan.areas.docs = globs,
                    }
                }
            }
            "definitions" => {
                scan.definitions = dec.glob_list(value, &"settings.scan.definitions");
            }
            "aliases" => {
                scan.aliases.clear();
                for style in dec.string_list(value, &"settings.scan.aliases") {
                    match AliasStyle::ALL.iter().find(|(n, _)| *n == style.value) {
                        Some((_, s)) if !scan.aliases.contains(s) => scan.aliases.push(*s),
                        Some(_) => {}
                        None => {
                            let names = AliasStyle::ALL.iter().map(|(n, _)| *n);
                            let hint = did_you_mean(&style.value, names);
                            dec.error(
                                style.span(),
                                Code::UnknownAliasStyle,
                                format!(
                                    "unknown alias style `{}`{hint}; styles are kebab, snake, screaming_snake, camel, pascal, dot",
                                    style.value
                                ),
                            );
                        }
                    }
                }
            }
            "patterns" => {
                for source in dec.string_list(value, &"settings.scan.patterns") {
                    match regex::Regex::new(&source.value) {
                        Ok(re) if re.captures_len() >= 2 => {
                            scan.patterns.push(ScanPattern { source, regex: re })
                        }
                        Ok(_) => dec.error(
                            source.span(),
                            Code::InvalidPattern,
                            "scan pattern has no capture group; wrap the flag key in parentheses, e.g. `isEnabled\\(\"([^\"]+)\"\\)`",
                        ),
                        Err(e) => dec.error(
                            source.span(),
                            Code::InvalidPattern,
                            format!("scan pattern does not compile: {}", one_line(&e.to_string())),
                        ),
                    }
                }
            }
            _ => unreachable_field(dec, key),
        }
    }
}

/// Reports globs that the scanner's glob dialect rejects, so a file that validates
/// never fails to scan.
/// Collapses a multi-line library error (regex errors draw a caret diagram) to its
/// last meaningful line.
pub fn one_line(text: &str) -> String {
    text.lines()
        .rev()
        .find(|l| l.trim_start().starts_with("error:"))
        .map(|l| {
            l.trim_start()
                .trim_start_matches("error:")
                .trim()
                .to_string()
        })
        .unwrap_or_else(|| text.lines().collect::<Vec<_>>().join(" "))
}

/// The mapping's keys as text, with duplicate and invalid keys reported; used for the
/// `segments:` and `flags:` mappings.
fn keyed_entries<'n>(
    node: &'n Node,
    dec: &mut Decoder,
    what: &dyn fmt::Display,
) -> Vec<(String, &'n Node, &'n Node)> {
    let Some(entries) = dec.map(node, &format!("`{what}`")) else {
        return Vec::new();
    };
    let mut out: Vec<(String, &Node, &Node)> = Vec::new();
    // Key => line of its first definition: a linear search per key made 10,000 flags
    // quadratic.
    let mut first_line: std::collections::HashMap<String, u32> =
        std::collections::HashMap::with_capacity(entries.len());
    for (key, value) in entries {
        let Some(name) = key
            .scalar_text()
            .filter(|_| !matches!(key.kind, Kind::Null))
        else {
            dec.error(
                key.span(),
                Code::InvalidKey,
                format!("{what} keys must be plain strings"),
            );
            continue;
        };
        if !valid_key(&name) {
            let message = if name.is_empty() {
                format!(
                    "{what} key is empty; give it a name of letters, digits, `.`, `_`, `:` or `-`"
                )
            } else {
                format!(
                    "{what} key `{name}` has characters outside [A-Za-z0-9._:-]; use letters, digits, `.`, `_`, `:` or `-`"
                )
            };
            dec.error(key.span(), Code::InvalidKey, message);
        }
        if let Some(line) = first_line.get(&name) {
            dec.error(
                key.span(),
                Code::DuplicateKey,
                format!("duplicate {what} key `{name}` (first defined on line {line}); rename or remove one"),
            );
            continue;
        }
        first_line.insert(name.clone(), key.pos.line);
        out.push((name, key, value));
    }
    out
}

fn decode_segments(node: &Node, dec: &mut Decoder) -> Vec<Segment> {
    let mut out = Vec::new();
    for (name, key, value) in keyed_entries(node, dec, &"segment") {
        let what = format!("segment `{name}`");
        let mut seg = Segment {
            key: name.clone(),
            pos: key.pos,
            description: None,
            users: Vec::new(),
            when: Vec::new(),
        };
        for (field, _, v) in dec.fields(value, &what, &[fields::SEGMENT]) {
            match field {
                "description" => {
                    seg.description = dec.string(v, &Label(&what, "description")).map(|s| s.value)
                }
                "users" => {
                    seg.users = dec
                        .string_list(v, &Label(&what, "users"))
                        .into_iter()
                        .map(|u| u.value)
                        .collect()
                }
                _ => seg.when = decode_when(v, dec, &Label(&what, "when")),
            }
        }
        out.push(seg);
    }
    out
}

/// Flags are independent of each other, so large files decode on several threads,
/// each with its own [`Decoder`]; diagnostics are merged (and later sorted).
fn decode_flags(node: &Node, dec: &mut Decoder) -> Vec<Flag> {
    const PER_THREAD_MIN: usize = 1_000;
    let entries = keyed_entries(node, dec, &"flag");
    let threads = crate::par::threads();
    if threads < 2 || entries.len() < 2 * PER_THREAD_MIN {
        return entries
            .into_iter()
            .map(|(name, key, value)| decode_flag(name, key.pos, value, dec))
            .collect();
    }
    let chunk = entries.len().div_ceil(threads);
    let file = dec.file.clone();
    let work = |part: &[(String, &Node, &Node)]| {
        let mut local = Decoder::new(&file);
        let flags: Vec<Flag> = part
            .iter()
            .map(|(name, key, value)| decode_flag(name.clone(), key.pos, value, &mut local))
            .collect();
        (flags, local.diagnostics)
    };
    let parts: Vec<&[(String, &Node, &Node)]> = entries.chunks(chunk).collect();
    let results = crate::par::map(&parts, |part| work(part));
    let mut out = Vec::with_capacity(entries.len());
    for (flags, diagnostics) in results {
        out.extend(flags);
        dec.diagnostics.extend(diagnostics);
    }
    out
}

fn decode_flag(key: String, pos: Pos, node: &Node, dec: &mut Decoder) -> Flag {
    let what = format!("flag `{key}`");
    let mut flag = Flag {
        key,
        pos,
        description: None,
        flag_type: None,
        owner: None,
        created: None,
        expires: None,
        ticket: None,
        tags: Vec::new(),
        aliases: Vec::new(),
        targeting: Targeting::default(),
        environments: Vec::new(),
    };
    let entries = dec.fields(node, &what, &[fields::FLAG_META, fields::TARGETING]);
    for &(name, _, value) in &entries {
        let field = Label(&what, name);
        match name {
            "description" => flag.description = dec.string(value, &field),
            "type" => flag.flag_type = decode_type(value, dec, &field),
            "owner" => {
                flag.owner = dec
                    .string(value, &field)
                    .filter(|o| !o.value.trim().is_empty())
            }
            "created" => flag.created = dec.date(value, &field),
            "expires" => flag.expires = dec.date(value, &field),
            "ticket" => flag.ticket = dec.string(value, &field),
            "tags" => {
                flag.tags = dec
                    .string_list(value, &field)
                    .into_iter()
                    .map(|t| t.value)
                    .collect()
            }
            "aliases" => flag.aliases = dec.string_list(value, &field),
            "environments" => flag.environments = decode_environments(value, dec, &what),
            _ => {}
        }
    }
    flag.targeting = decode_targeting(&entries, dec, &what);
    check_required(&flag, &entries, dec);
    flag
}

/// A flag's `type`, one of the four.
fn decode_type(value: &Node, dec: &mut Decoder, field: &Label<'_>) -> Option<Sp<FlagType>> {
    let t = dec.string(value, field)?;
    if let Some(ft) = FlagType::parse(&t.value) {
        return Some(t.with_value(ft));
    }
    let hint = did_you_mean(&t.value, FlagType::ALL.iter().map(|(n, _)| *n));
    dec.error(
        t.span(),
        Code::UnknownType,
        if hint.is_empty() {
            format!(
                "unknown flag type `{}`; use release, operational, experiment or permission",
                t.value
            )
        } else {
            format!("unknown flag type `{}`{hint}", t.value)
        },
    );
    None
}

/// Reports the fields every flag needs (`owner`, `type`) and those a temporary flag
/// needs (`expires`).
fn check_required(flag: &Flag, entries: &[(&str, &Node, &Node)], dec: &mut Decoder) {
    // "Missing" only when the field is absent or empty: a value of the wrong kind was
    // already reported, and one message per problem is enough.
    let present = |field: &str| {
        entries.iter().any(|(n, _, v)| {
            *n == field
                && !matches!(&v.kind, Kind::Null)
                && v.as_str().is_none_or(|s| !s.trim().is_empty())
        })
    };
    let (key, pos) = (&flag.key, flag.pos);
    if !present("owner") {
        dec.error(
            pos,
            Code::MissingOwner,
            format!("flag `{key}` has no `owner`; add `owner: TEAM` naming who will remove it"),
        );
    }
    if !present("type") {
        dec.error(
            pos,
            Code::MissingType,
            format!("flag `{key}` has no `type`; add `type:` release, operational, experiment or permission"),
        );
    }
    if let Some(t) = flag
        .kind()
        .filter(|t| t.is_temporary() && !present("expires"))
    {
        dec.error(
            pos,
            Code::MissingExpires,
            format!("{t} flag `{key}` has no `expires`; temporary flags need a removal date, e.g. `expires: 2026-12-31`"),
        );
    }
}

fn decode_environments(
    node: &Node,
    dec: &mut Decoder,
    what: &dyn fmt::Display,
) -> Vec<EnvOverride> {
    let mut out: Vec<EnvOverride> = Vec::new();
    let Some(entries) = dec.map(node, &Label(what, "environments")) else {
        return out;
    };
    let mut first_line: HashMap<String, u32> = HashMap::new();
    for (key, value) in entries {
        let Some(name) = key.scalar_text() else {
            dec.error(
                key.span(),
                Code::InvalidKey,
                "environment names must be plain strings",
            );
            continue;
        };
        if let Some(line) = first_line.get(&name) {
            dec.error(
                key.span(),
                Code::DuplicateKey,
                format!(
                    "environment `{name}` is set twice in {what} (first on line {line}); remove one"
                ),
            );
            continue;
        }
        first_line.insert(name.clone(), key.pos.line);
        let env_what = format!("{what} environment `{name}`");
        let entries = dec.fields(value, &env_what, &[fields::TARGETING]);
        let targeting = decode_targeting(&entries, dec, &env_what);
        out.push(EnvOverride {
            name,
            pos: key.pos,
            targeting,
        });
    }
    out
}

fn decode_targeting(
    entries: &[(&str, &Node, &Node)],
    dec: &mut Decoder,
    what: &dyn fmt::Display,
) -> Targeting {
    let mut t = Targeting::default();
    for &(name, _, value) in entries {
        let field = Label(what, name);
        match name {
            "enabled" => t.enabled = dec.boolean(value, &field),
            "kill_switch" => t.kill_switch = dec.boolean(value, &field),
            "rollout" => t.rollout = dec.rollout(value, &field),
            "segments" => t.segments = Some(dec.string_list(value, &field)),
            "bucket_by" => t.bucket_by = dec.string(value, &field),
            "salt" => t.salt = dec.string(value, &field),
            "value" => t.value = dec.value(value, &field),
            "off" => t.off = dec.value(value, &field),
            "rules" => t.rules = Some(decode_rules(value, dec, what)),
            "variants" => t.variants = Some(decode_variants(value, dec, what)),
            _ => {}
        }
    }
    t
}

fn decode_rules(node: &Node, dec: &mut Decoder, what: &dyn fmt::Display) -> Vec<Rule> {
    let items: &[Node] = match &node.kind {
        Kind::Seq(items) => items,
        Kind::Null => &[],
        _ => {
            dec.wrong_type(node, &Label(what, "rules"), "a list of rules");
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let rule_what = format!("{what} rule {}", index + 1);
        let entries = dec.fields(item, &rule_what, &[fields::RULE]);
        if !matches!(item.kind, Kind::Map(_)) {
            continue;
        }
        let mut rule = Rule {
            name: None,
            index,
            pos: item.pos,
            when: Vec::new(),
            segments: Vec::new(),
            rollout: None,
            serve: Serve::Value(Sp::of(serde_json::Value::Bool(true), item)),
        };
        let (mut value, mut variant) = (None, None);
        for (name, _, v) in entries {
            let field = format!("{rule_what} {name}");
            match name {
                "name" => rule.name = dec.string(v, &field).map(|n| n.value),
                "when" => rule.when = decode_when(v, dec, &field),
                "segments" => rule.segments = dec.string_list(v, &field),
                "rollout" => rule.rollout = dec.rollout(v, &field),
                "value" => value = dec.value(v, &field),
                _ => variant = dec.string(v, &field),
            }
        }
        rule.serve = match (value, variant) {
            (Some(v), None) => Serve::Value(v),
            (None, Some(v)) => Serve::Variant(v),
            (Some(v), Some(_)) => {
                dec.error(
                    item.span(),
                    Code::InvalidRule,
                    format!("{rule_what} sets both `value` and `variant`; keep one"),
                );
                Serve::Value(v)
            }
            (None, None) => {
                dec.error(
                    item.span(),
                    Code::InvalidRule,
                    format!("{rule_what} serves nothing; add `value: ...` or `variant: NAME`"),
                );
                continue;
            }
        };
        out.push(rule);
    }
    out
}

fn decode_variants(node: &Node, dec: &mut Decoder, what: &dyn fmt::Display) -> Vec<Variant> {
    let mut out: Vec<Variant> = Vec::new();
    let Some(entries) = dec.map(node, &Label(what, "variants")) else {
        return out;
    };
    // Names of the variants decoded so far (one that failed to decode is no duplicate).
    let mut first_line: HashMap<String, u32> = HashMap::new();
    for (key, value) in entries {
        let Some(name) = key.scalar_text() else {
            dec.error(
                key.span(),
                Code::InvalidKey,
                "variant names must be plain strings",
            );
            continue;
        };
        if let Some(line) = first_line.get(&name) {
            dec.error(
                key.span(),
                Code::DuplicateKey,
                format!(
                    "variant `{name}` is defined twice (first on line {line}); rename or remove one"
                ),
            );
            continue;
        }
        let var_what = format!("{what} variant `{name}`");
        let (mut val, mut weight) = (None, None);
        for (field, _, v) in dec.fields(value, &var_what, &[fields::VARIANT]) {
            if field == "value" {
                val = dec.value(v, &format!("{var_what} value"));
                continue;
            }
            match whole(v) {
                Some(w) if w >= 0 && w <= i64::from(u32::MAX) => weight = Some(Sp::of(w as u32, v)),
                Some(w) if w < 0 => dec.error(
                    v.span(),
                    Code::InvalidWeight,
                    format!("{var_what} has weight {w}; weights must be zero or positive"),
                ),
                _ => dec.error(
                    v.span(),
                    Code::InvalidWeight,
                    format!(
                        "{var_what} weight must be a whole number, not {}",
                        v.describe()
                    ),
                ),
            }
        }
        let missing = |field: &str| format!("{var_what} has no `{field}`; add `{field}: ...`");
        match (val, weight) {
            (Some(value), Some(weight)) => {
                first_line.insert(name.clone(), key.pos.line);
                out.push(Variant {
                    name,
                    pos: key.pos,
                    value,
                    weight,
                })
            }
            (None, _) if !has_field(value, "value") => {
                dec.error(key.span(), Code::MissingField, missing("value"))
            }
            (_, None) if !has_field(value, "weight") => {
                dec.error(key.span(), Code::MissingField, missing("weight"))
            }
            _ => {}
        }
    }
    out
}

fn has_field(node: &Node, name: &str) -> bool {
    matches!(&node.kind, Kind::Map(entries) if entries.iter().any(|(k, _)| k.as_str() == Some(name)))
}
