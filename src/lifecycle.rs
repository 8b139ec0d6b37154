//! The lifecycle rules of design section 4 as pure functions: from a flags file, what
//! git knows about each flag ([`Facts`]) and "today", to [`Finding`]s. Nothing here
//! reads files or repositories, so every rule is unit-testable and reusable by `stale`,
//! `check` and `audit`.

use crate::changes::RawFile;
use crate::git::FileHistory;
use crate::model::{Flag, FlagState, FlagsFile, Targeting};
use crate::diag::{Code, Diagnostic, Pos, Severity};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// One lifecycle finding about one flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The flag key.
    pub flag: String,
    /// What was found.
    pub kind: Code,
    /// `error` or `warning`.
    pub severity: Severity,
    /// What is wrong, with the dates that show it.
    pub message: String,
    /// What to do about it, concretely.
    pub action: String,
    /// The flag's owner, when it has one.
    pub owner: Option<String>,
    /// The file the finding points into (flags.yaml, or code for `undefined`).
    pub file: String,
    /// 1-based line: the flag's key in flags.yaml, or the code reference.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// `launched` / `dead`: since when the flag has been fully on / off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<NaiveDate>,
    /// Where `since` comes from: `git` (last change of its evaluation fields) or
    /// `created` (no history available).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_source: Option<&'static str>,
    /// `overdue`: when the flag was created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<NaiveDate>,
    /// Where `created` comes from: `file`, or `git` when inferred from the commit that
    /// introduced the flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_source: Option<&'static str>,
}

impl Finding {
    /// The finding as a [`Diagnostic`] (code = kind), for text, GitHub and SARIF output.
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic::new(
            &self.file,
            Pos::new(self.line, self.column),
            self.kind,
            self.severity,
            format!("{}; {}", self.message, self.action),
        )
        .with_flag(self.flag.clone())
    }
}

/// Sorts findings by file, line, kind and flag, so output is stable.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.kind, &a.flag)
            .cmp(&(&b.file, b.line, b.column, b.kind, &b.flag))
    });
}

/// The commit that introduced a flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Introduced {
    /// Commit date.
    pub date: NaiveDate,
    /// Abbreviated commit id.
    pub commit: String,
    /// Author name.
    pub author: String,
}

/// What git history says about one flag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlagFacts {
    /// The commit that introduced the flag (`None` for a flag not committed yet).
    pub introduced: Option<Introduced>,
    /// When its evaluation fields last changed: a commit date, or today for a change
    /// not committed yet.
    pub last_change: Option<NaiveDate>,
    /// How many commits moved `expires` later.
    pub expires_pushed: u32,
}

/// What git history says about every flag, or why it cannot say.
#[derive(Debug, Clone)]
pub enum Facts {
    /// History was read.
    Available(HashMap<String, FlagFacts>),
    /// No history: the sentence says why (not a repository, shallow clone, ...).
    Unavailable(String),
}

impl Facts {
    /// Derives per-flag facts from the file's history. `working` is the working-tree
    /// version when it may differ from the history's starting commit: a flag whose
    /// evaluation fields differ there changed "today", and a flag missing from the
    /// history is new and uncommitted.
    pub fn from_history(
        history: &FileHistory,
        working: Option<&RawFile>,
        today: NaiveDate,
    ) -> Facts {
        let mut out = HashMap::new();
        for (key, h) in &history.flags {
            let date = |i: Option<usize>| i.and_then(|i| history.commit(i));
            let mut facts = FlagFacts {
                introduced: date(h.introduced).map(|c| Introduced {
                    date: c.date,
                    commit: c.short.clone(),
                    author: c.author.clone(),
                }),
                last_change: date(h.last_evaluation_change).map(|c| c.date),
                expires_pushed: h.expires_pushed,
            };
            if let (Some(work), Some(latest)) = (working, &h.latest) {
                if let Some(now) = work.get(key) {
                    if !now.same_evaluation(latest) {
                        facts.last_change = Some(today);
                    }
                    if let (Some(a), Some(b)) = (latest.date("expires"), now.date("expires")) {
                        if b > a {
                            facts.expires_pushed += 1;
                        }
                    }
                }
            }
            if let Some(work) = working {
                if h.latest.is_none() && work.get(key).is_some() {
                    // Removed in history, back in the working tree: new again.
                    facts.introduced = None;
                    facts.last_change = Some(today);
                }
            }
            out.insert(key.clone(), facts);
        }
        if let Some(work) = working {
            for (key, _) in &work.flags {
                out.entry(key.clone()).or_insert_with(|| FlagFacts {
                    introduced: None,
                    last_change: Some(today),
                    expires_pushed: 0,
                });
            }
        }
        Facts::Available(out)
    }

    /// The facts of one flag, when history is available and knows it.
    pub fn get(&self, key: &str) -> Option<&FlagFacts> {
        match self {
            Facts::Available(m) => m.get(key),
            Facts::Unavailable(_) => None,
        }
    }

    /// Why history is unavailable.
    pub fn unavailable(&self) -> Option<&str> {
        match self {
            Facts::Available(_) => None,
            Facts::Unavailable(reason) => Some(reason),
        }
    }
}

/// Options of the rules.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// "Today" (`--now`).
    pub today: NaiveDate,
    /// Days before `expires` that `expiring` starts (`--warn-within`); default
    /// `settings.expiry_warning`.
    pub warn_within: Option<i64>,
}

/// Every lifecycle finding about the flags of `file` (displayed as `display`) that does
/// not need code references: `expired`, `expiring`, `overdue`, `launched`, `dead` and
/// `snoozed`. Sorted.
pub fn findings(file: &FlagsFile, display: &str, facts: &Facts, opts: &Options) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for flag in &file.flags {
        // A duplicated key is a validation error; judge the definition that counts.
        if !seen.insert(flag.key.as_str()) {
            continue;
        }
        flag_findings(flag, file, display, facts, opts, &mut out);
    }
    sort(&mut out);
    out
}

fn plural(n: i64, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn flag_findings(
    flag: &Flag,
    file: &FlagsFile,
    display: &str,
    facts: &Facts,
    opts: &Options,
    out: &mut Vec<Finding>,
) {
    let settings = &file.settings;
    let today = opts.today;
    let key = &flag.key;
    let git = facts.get(key);
    let finding = |kind: Code, message: String, action: &str| Finding {
        flag: key.clone(),
        kind,
        severity: kind.severity(),
        message,
        action: action.to_string(),
        owner: flag.owner.as_ref().map(|o| o.value.clone()),
        file: display.to_string(),
        line: flag.pos.line,
        column: flag.pos.column,
        since: None,
        since_source: None,
        created: None,
        created_source: None,
    };

    if let Some(expires) = &flag.expires {
        let left = (expires.value - today).num_days();
        let window = opts.warn_within.unwrap_or(settings.expiry_warning_days);
        if left < 0 {
            out.push(finding(
                Code::Expired,
                format!(
                    "flag `{key}` expired on {} ({} ago)",
                    expires.value,
                    plural(-left, "day")
                ),
                "remove it from the code and flags.yaml, or move `expires` if it must stay",
            ));
        } else if left <= window {
            let when = match left {
                0 => "today".to_string(),
                n => format!("in {}", plural(n, "day")),
            };
            out.push(finding(
                Code::Expiring,
                format!("flag `{key}` expires on {} ({when})", expires.value),
                "finish the rollout and plan the flag's removal before then",
            ));
        }
    }

    let Some(flag_type) = flag.kind() else {
        return;
    };
    // Types with a lifetime (by default release and experiment) are the temporary ones.
    let lifetime = settings.lifetimes.of(flag_type);

    let created = created(flag, facts).map(|(date, source)| {
        let how = match git.and_then(|g| g.introduced.as_ref()) {
            Some(i) if source == "git" => {
                format!("; inferred from commit {} by {}", i.commit, i.author)
            }
            _ => String::new(),
        };
        (date, source, how)
    });
    if let (Some(days), Some((date, source, how))) = (lifetime, &created) {
        let age = (today - *date).num_days();
        if age > days {
            let mut f = finding(
                Code::Overdue,
                format!(
                    "{flag_type} flag `{key}` was created on {date} ({} ago{how}), beyond the {days}-day lifetime of {flag_type} flags",
                    plural(age, "day")
                ),
                "finish the rollout and remove the flag, or change its type if it is meant to stay",
            );
            f.created = Some(*date);
            f.created_source = Some(source);
            out.push(f);
        }
    }

    if lifetime.is_some() {
        let state = if fully_on(flag) {
            Some(Code::Launched)
        } else if fully_off(flag) {
            Some(Code::Dead)
        } else {
            None
        };
        if let Some(kind) = state {
            // Since when: the last change of its evaluation fields in git; without
            // history, `created` is the best lower bound we have, and the message says
            // so (documented in the README).
            let since = match (git.and_then(|g| g.last_change), facts.unavailable()) {
                (Some(d), _) => Some((d, "git", String::new())),
                (None, Some(_)) => flag.created.as_ref().map(|c| {
                    (
                        c.value,
                        "created",
                        "; without git history this counts from `created`".to_string(),
                    )
                }),
                (None, None) => None,
            };
            if let Some((date, source, note)) = since {
                let days = (today - date).num_days();
                if days >= settings.launched_after_days {
                    let (message, action) = match kind {
                        Code::Launched => (
                            format!(
                                "{flag_type} flag `{key}` has served {} to everyone since {date} ({}{note})",
                                served(&flag.targeting),
                                plural(days, "day")
                            ),
                            "remove the flag and keep the code of its on path",
                        ),
                        _ => (
                            format!(
                                "{flag_type} flag `{key}` has been off for everyone since {date} ({}{note})",
                                plural(days, "day")
                            ),
                            "remove the flag and the code of its on path",
                        ),
                    };
                    let mut f = finding(kind, message, action);
                    f.since = Some(date);
                    f.since_source = Some(source);
                    out.push(f);
                }
            }
        }
    }

    if let Some(g) = git {
        if g.expires_pushed >= 2 {
            out.push(finding(
                Code::Snoozed,
                format!(
                    "the `expires` of flag `{key}` was pushed later {} times",
                    g.expires_pushed
                ),
                "stop snoozing: finish the rollout and remove the flag, or make it operational if it is meant to stay",
            ));
        }
    }
}

/// When a flag was created and where that comes from: `created` as written (`"file"`),
/// else the date of the commit that introduced it (`"git"`, shown as inferred).
pub fn created(flag: &Flag, facts: &Facts) -> Option<(NaiveDate, &'static str)> {
    match (
        &flag.created,
        facts.get(&flag.key).and_then(|g| g.introduced.as_ref()),
    ) {
        (Some(c), _) => Some((c.value, "file")),
        (None, Some(i)) => Some((i.date, "git")),
        (None, None) => None,
    }
}

/// The value a fully-on flag serves, for messages.
fn served(t: &Targeting) -> String {
    match served_values(t).first() {
        Some(v) => format!("`{v}`"),
        None => "its on value".into(),
    }
}

/// Every value the flag can serve when it is on: rule values, variant values (with a
/// positive weight) and, without variants, `value`.
fn served_values(t: &Targeting) -> Vec<Value> {
    let variants: Vec<&crate::model::Variant> = t
        .variants
        .iter()
        .flatten()
        .filter(|v| v.weight.value > 0)
        .collect();
    let mut values: Vec<Value> = Vec::new();
    if variants.is_empty() {
        values.push(t.on_value());
    }
    values.extend(variants.iter().map(|v| v.value.value.clone()));
    for rule in t.rules.iter().flatten() {
        match &rule.serve {
            crate::model::Serve::Value(v) => values.push(v.value.clone()),
            crate::model::Serve::Variant(name) => {
                if let Some(v) = t.variants.iter().flatten().find(|v| v.name == name.value) {
                    values.push(v.value.value.clone());
                }
            }
        }
    }
    values
}

/// The flag's targeting in every scope: the flag itself and each environment override.
fn scopes(flag: &Flag) -> Vec<Targeting> {
    let mut all = vec![flag.targeting.clone()];
    all.extend(
        flag.environments
            .iter()
            .map(|e| flag.targeting.overlay(&e.targeting)),
    );
    all
}

/// On for everyone, everywhere, serving one value: enabled, no kill switch, rollout
/// 100, no segments, and rules and variants (if any) serving only that value.
pub fn fully_on(flag: &Flag) -> bool {
    scopes(flag).iter().all(|t| {
        t.state() == FlagState::On && {
            let values = served_values(t);
            values.windows(2).all(|w| w[0] == w[1])
        }
    })
}

/// Off for everyone, everywhere: disabled, killed or rollout 0.
pub fn fully_off(flag: &Flag) -> bool {
    scopes(flag)
        .iter()
        .all(|t| matches!(t.state(), FlagState::Off | FlagState::Killed))
}

/// A reference to a flag key found in code: the integration point for `--scan`. The
/// scanner's records map onto this one to one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRef {
    /// The flag key the reference names (after alias resolution).
    pub flag: String,
    /// File, relative to the scan root.
    pub path: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// The service (deployment boundary) the referencing code belongs to, when known.
    pub service: Option<String>,
}

/// The scanner's records as [`CodeRef`]s: references under their canonical flag key,
/// undefined keys under the key itself. Paths are `root/path`, so annotations point at
/// the code line; `service` names the service each root belongs to (`None` for the
/// flags file's own code).
pub fn code_refs(
    references: &[crate::scan::Reference],
    undefined: &[crate::scan::Undefined],
    service: impl Fn(&str) -> Option<String>,
) -> Vec<CodeRef> {
    // Lines and columns beyond u32 would need a file of over 4 GiB, well past the
    // scanner's size limit; saturate rather than wrap.
    let code_ref = |flag: &str, root: &str, path: &str, line: u64, column: u64| CodeRef {
        flag: flag.to_string(),
        path: crate::scan::shown_path(root, path),
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
        service: service(root),
    };
    let refs = references
        .iter()
        .map(|r| code_ref(&r.flag, &r.root, &r.path, r.line, r.column));
    let undefined = undefined
        .iter()
        .map(|u| code_ref(&u.key, &u.root, &u.path, u.line, u.column));
    refs.chain(undefined).collect()
}

/// Findings that need code references: `unreferenced` (a defined flag no reference
/// names), `undefined` (a referenced key flags.yaml does not define; one finding per
/// reference, at the code line) and `cross-boundary` (a reference from a service other
/// than `settings.service`). Sorted.
pub fn reference_findings(file: &FlagsFile, display: &str, refs: &[CodeRef]) -> Vec<Finding> {
    let mut out = Vec::new();
    let referenced: HashSet<&str> = refs.iter().map(|r| r.flag.as_str()).collect();
    let service = file.settings.service.as_ref().map(|s| s.value.as_str());
    let base = |flag: &str, kind: Code, message: String, action: &str| Finding {
        flag: flag.to_string(),
        kind,
        severity: kind.severity(),
        message,
        action: action.to_string(),
        owner: file
            .flag(flag)
            .and_then(|f| f.owner.as_ref())
            .map(|o| o.value.clone()),
        file: display.to_string(),
        line: 1,
        column: 1,
        since: None,
        since_source: None,
        created: None,
        created_source: None,
    };
    let mut seen = HashSet::new();
    for flag in &file.flags {
        if seen.insert(flag.key.as_str()) && !referenced.contains(flag.key.as_str()) {
            let mut f = base(
                &flag.key,
                Code::Unreferenced,
                format!("no code references flag `{}`", flag.key),
                "delete it from flags.yaml",
            );
            f.line = flag.pos.line;
            f.column = flag.pos.column;
            out.push(f);
        }
    }
    for r in refs {
        let at = |mut f: Finding| {
            f.file = r.path.clone();
            f.line = r.line;
            f.column = r.column;
            f
        };
        if file.flag(&r.flag).is_none() {
            out.push(at(base(
                &r.flag,
                Code::Undefined,
                format!(
                    "code references flag `{}`, which {display} does not define",
                    r.flag
                ),
                "define it in flags.yaml, or remove the reference",
            )));
        } else if let (Some(own), Some(theirs)) = (service, r.service.as_deref()) {
            if own != theirs {
                out.push(at(base(
                    &r.flag,
                    Code::CrossBoundary,
                    format!(
                        "flag `{}` belongs to service `{own}` but is referenced from `{theirs}`",
                        r.flag
                    ),
                    "let the owning service decide and pass the result on, or move the flag",
                )));
            }
        }
    }
    sort(&mut out);
    out
}

/// `date` plus `days`, saturating at the last representable date (settings and `--now`
/// are user input: no overflow may panic).
fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    date.checked_add_days(chrono::Days::new(days.max(0).unsigned_abs()))
        .unwrap_or(NaiveDate::MAX)
}

/// Checks the change from `base` (flags.yaml at the base revision, as written) to
/// `current` against policy: new temporary flags need an owner and an expiry within
/// `max_expiry` (counted from `created`, or today for a flag added now); a flag whose
/// `expires` was already pushed later twice (`base_facts`) must not be pushed again;
/// and, given code references, a removed flag must not be referenced any more.
pub fn policy(
    base: &RawFile,
    base_facts: &Facts,
    current: &FlagsFile,
    display: &str,
    today: NaiveDate,
    refs: Option<&[CodeRef]>,
) -> Vec<Diagnostic> {
    let settings = &current.settings;
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for flag in &current.flags {
        if !seen.insert(flag.key.as_str()) {
            continue;
        }
        let key = &flag.key;
        let diag = |pos: Pos, code: Code, message: String| {
            Diagnostic::error(display, pos, code, message).with_flag(key.clone())
        };
        match base.get(key) {
            None => {
                let Some(t) = flag.kind().filter(|t| t.is_temporary()) else {
                    continue;
                };
                if flag.owner.is_none() {
                    out.push(diag(
                        flag.pos,
                        Code::NewFlagWithoutOwner,
                        format!("new {t} flag `{key}` has no `owner`; every new flag needs a team responsible for removing it"),
                    ));
                }
                match &flag.expires {
                    None => out.push(diag(
                        flag.pos,
                        Code::NewFlagWithoutExpiry,
                        format!(
                            "new {t} flag `{key}` has no `expires`; plan its removal from day one, e.g. `expires: {}`",
                            add_days(today, settings.max_expiry_days.clamp(0, 3650) / 2)
                        ),
                    )),
                    Some(expires) => {
                        let from = flag.created.as_ref().map_or(today, |c| c.value);
                        let days = (expires.value - from).num_days();
                        if days > settings.max_expiry_days {
                            let since = if flag.created.is_some() { "its `created` date" } else { "today" };
                            out.push(diag(
                                expires.pos,
                                Code::NewFlagExpiryTooFar,
                                format!(
                                    "new {t} flag `{key}` expires {days} days after {since}, more than settings.max_expiry ({} days); pick a date no later than {}",
                                    settings.max_expiry_days,
                                    add_days(from, settings.max_expiry_days)
                                ),
                            ));
                        }
                    }
                }
            }
            Some(old) => {
                let (Some(before), Some(after)) = (old.date("expires"), flag.expires.as_ref())
                else {
                    continue;
                };
                let pushed = base_facts.get(key).map_or(0, |f| f.expires_pushed);
                if after.value > before && pushed >= 2 {
                    out.push(diag(
                        after.pos,
                        Code::SnoozeLimit,
                        format!(
                            "the `expires` of flag `{key}` was already pushed later {pushed} times; moving it again ({before} → {}) is not allowed: finish the rollout and remove the flag, or make it operational",
                            after.value
                        ),
                    ));
                }
            }
        }
    }
    if let Some(refs) = refs {
        for r in refs {
            if base.get(&r.flag).is_some() && current.flag(&r.flag).is_none() {
                out.push(
                    Diagnostic::error(
                        &r.path,
                        Pos::new(r.line, r.column),
                        Code::RemovedButReferenced,
                        format!(
                            "flag `{}` is removed from {display} but this code still references it; remove the reference too",
                            r.flag
                        ),
                    )
                    .with_flag(r.flag.clone()),
                );
            }
        }
    }
    crate::diag::sort(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::load_text;
    use std::path::Path;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn run(yaml: &str, facts: &Facts, today: &str) -> Vec<(String, Code)> {
        let loaded = load_text(Path::new("flags.yaml"), "flags.yaml", yaml, date(today));
        let opts = Options {
            today: date(today),
            warn_within: None,
        };
        findings(&loaded.file, "flags.yaml", facts, &opts)
            .into_iter()
            .map(|f| (f.flag, f.kind))
            .collect()
    }

    const FILE: &str = "version: 1\nflags:\n  on:\n    type: release\n    owner: a\n    created: 2026-01-01\n    expires: 2026-06-01\n  off:\n    type: experiment\n    owner: a\n    created: 2026-01-01\n    expires: 2026-06-01\n    rollout: 0\n  partial:\n    type: release\n    owner: a\n    created: 2026-01-01\n    expires: 2026-06-01\n    rollout: 50\n  ops:\n    type: operational\n    owner: a\n    created: 2020-01-01\n    enabled: false\n";

    #[test]
    fn without_history_launched_and_dead_count_from_created() {
        let facts = Facts::Unavailable("not a repo".into());
        let found = run(FILE, &facts, "2026-03-01");
        assert_eq!(
            found,
            [
                ("on".into(), Code::Overdue),
                ("on".into(), Code::Launched),
                ("off".into(), Code::Overdue),
                ("off".into(), Code::Dead),
                ("partial".into(), Code::Overdue),
            ]
        );
    }

    #[test]
    fn history_dates_the_last_change() {
        let mut m = HashMap::new();
        for k in ["on", "off", "partial", "ops"] {
            m.insert(
                k.to_string(),
                FlagFacts {
                    introduced: None,
                    last_change: Some(date("2026-02-20")),
                    expires_pushed: if k == "partial" { 2 } else { 0 },
                },
            );
        }
        let found = run(FILE, &Facts::Available(m), "2026-03-01");
        assert!(
            !found
                .iter()
                .any(|(_, k)| matches!(k, Code::Launched | Code::Dead))
        );
        assert!(found.contains(&("partial".into(), Code::Snoozed)));
        let found = run(FILE, &Facts::Unavailable(String::new()), "2026-05-25");
        assert!(found.contains(&("on".into(), Code::Expiring)));
        let found = run(FILE, &Facts::Unavailable(String::new()), "2026-06-02");
        assert!(found.contains(&("on".into(), Code::Expired)));
    }

    #[test]
    fn rules_serving_other_values_are_not_fully_on() {
        let yaml = "version: 1\nflags:\n  f:\n    type: release\n    owner: a\n    created: 2026-01-01\n    expires: 2026-06-01\n    rules:\n      - when: { plan: { eq: x } }\n        value: false\n";
        let found = run(yaml, &Facts::Unavailable(String::new()), "2026-03-01");
        assert_eq!(found, [("f".into(), Code::Overdue)]);
    }

    #[test]
    fn references() {
        let loaded = load_text(
            Path::new("flags.yaml"),
            "flags.yaml",
            "version: 1\nsettings:\n  service: api\nflags:\n  a:\n    type: operational\n    owner: o\n  b:\n    type: operational\n    owner: o\n",
            date("2026-01-01"),
        );
        let r = |flag: &str, service: Option<&str>| CodeRef {
            flag: flag.into(),
            path: "src/x.ts".into(),
            line: 3,
            column: 7,
            service: service.map(String::from),
        };
        let found: Vec<(String, Code, String)> = reference_findings(
            &loaded.file,
            "flags.yaml",
            &[r("a", Some("web")), r("zzz", None)],
        )
        .into_iter()
        .map(|f| (f.flag, f.kind, f.file))
        .collect();
        assert_eq!(
            found,
            [
                ("b".into(), Code::Unreferenced, "flags.yaml".into()),
                ("zzz".into(), Code::Undefined, "src/x.ts".into()),
                ("a".into(), Code::CrossBoundary, "src/x.ts".into()),
            ]
        );
    }
}
