//! Joins lifecycle findings, code references and git history into an [`Audit`].
//! Pure: the command gathers the inputs (scans, `--refs` files, history) and this
//! module decides what the report says.

use super::*;
use crate::changes::{Change as GitChange, FileHistory};
use crate::diag::Code;
use crate::lifecycle::keep::{self, Candidate, Decision, Keep};
use crate::lifecycle::{self, CodeRef, Facts, Finding};
use crate::model::{Flag, FlagsFile};
use crate::scan::{Nested, Reference, Undefined};
use crate::usage::{DayCount, FlagUsage, Usage};
use std::collections::{BTreeSet, HashMap};

/// Finding kinds that make a flag stale for the health score and call for a plan.
const STALE: [Code; 7] = [
    Code::Expired,
    Code::Overdue,
    Code::Launched,
    Code::Dead,
    Code::Unreferenced,
    Code::Unused,
    Code::Constant,
];

/// Whether a finding makes its flag stale: a stale kind, except an `unused` finding
/// from less data than `settings.unused_after` asks for (seven days without an
/// evaluation do not make a flag unused: the finding still shows, the score does not
/// count it). A `constant` finding rests on its own evaluation count
/// (`settings.constant_min_evaluations`), so it counts however long the window.
fn makes_stale(f: &Finding) -> bool {
    let inconclusive_unused =
        f.kind == Code::Unused && f.usage.as_ref().is_some_and(|u| !u.conclusive);
    STALE.contains(&f.kind) && !inconclusive_unused
}

/// References gathered from local scans and `--refs` files, each root labelled with
/// the service it belongs to.
#[derive(Debug, Default, Clone)]
pub struct Refs {
    /// Root labels, in the order they were added.
    pub roots: Vec<String>,
    /// Every reference, `root` set to the root's label.
    pub references: Vec<Reference>,
    /// Every undefined key, `root` set to the root's label.
    pub undefined: Vec<Undefined>,
    /// Root label => the service it belongs to (`None`: the flags file's own service).
    pub services: HashMap<String, Option<String>>,
    /// Checks nested in another flag's branch, `root`s set to the root's label.
    pub nested: Vec<Nested>,
}

/// One scan's records under one root.
pub struct Records {
    /// References.
    pub references: Vec<Reference>,
    /// Undefined keys.
    pub undefined: Vec<Undefined>,
    /// Nested checks.
    pub nested: Vec<Nested>,
}

impl Refs {
    /// Adds one scan's records under `label`; `service` is `None` for code of the
    /// flags file's own service.
    pub fn add(&mut self, label: &str, service: Option<String>, records: Records) {
        let Records {
            references,
            undefined,
            nested,
        } = records;
        if !self.roots.iter().any(|r| r == label) {
            self.roots.push(label.to_string());
        }
        self.services.insert(label.to_string(), service);
        self.references.extend(references.into_iter().map(|mut r| {
            r.root = label.to_string();
            r
        }));
        self.nested.extend(nested.into_iter().map(|mut n| {
            n.inner.root = label.to_string();
            n.outer.root = label.to_string();
            n
        }));
        self.undefined.extend(undefined.into_iter().map(|mut u| {
            u.root = label.to_string();
            u
        }));
    }

    /// The references as lifecycle [`CodeRef`]s, undefined keys included.
    pub fn code_refs(&self) -> Vec<CodeRef> {
        lifecycle::code_refs(&self.references, &self.undefined, |root| {
            self.services.get(root).cloned().flatten()
        })
    }
}

/// Everything the report is made from.
pub struct Inputs<'a> {
    /// The flags file.
    pub file: &'a FlagsFile,
    /// Its name in messages.
    pub display: &'a str,
    /// "Today".
    pub today: NaiveDate,
    /// Per-flag git facts (or why there are none).
    pub facts: &'a Facts,
    /// The file's history, for flags added and removed recently.
    pub history: Option<&'a FileHistory>,
    /// Code references.
    pub refs: &'a Refs,
    /// Production usage data, when given.
    pub usage: Option<&'a Usage>,
    /// The usage findings (from `lifecycle::gather::usage_findings`).
    pub usage_findings: Vec<Finding>,
}

/// Builds the report.
pub fn build(input: &Inputs) -> Audit {
    let file = input.file;
    let findings = all_findings(input);
    let mut by_flag: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for f in &findings {
        by_flag.entry(f.flag.as_str()).or_default().push(f);
    }
    let mut refs_by_flag: HashMap<&str, Vec<Location>> = HashMap::new();
    for r in &input.refs.references {
        refs_by_flag
            .entry(r.flag.as_str())
            .or_default()
            .push(Location::from(r));
    }

    let mut sections: BTreeMap<String, Vec<FlagEntry>> = BTreeMap::new();
    let mut summary = empty_summary(file.flags.len(), &findings);
    let mut stale_flags = 0;
    let mut seen = std::collections::HashSet::new();
    for flag in &file.flags {
        if !seen.insert(flag.key.as_str()) {
            continue;
        }
        let mine: &[&Finding] = by_flag.get(flag.key.as_str()).map_or(&[], Vec::as_slice);
        let edits = refs_by_flag.remove(flag.key.as_str()).unwrap_or_default();
        if mine.iter().any(|f| makes_stale(f)) {
            stale_flags += 1;
        }
        let entry = flag_entry(input, flag, mine, edits);
        count(&mut summary, flag, &entry);
        let owner = flag
            .owner
            .as_ref()
            .map_or_else(|| "(no owner)".to_string(), |o| o.value.clone());
        sections.entry(owner).or_default().push(entry);
    }
    // An empty file is perfectly healthy.
    summary.health = (100 * (summary.flags - stale_flags))
        .checked_div(summary.flags)
        .map_or(100, |h| h as u32);
    summary
        .oldest_temporary
        .sort_by(|a, b| b.age_days.cmp(&a.age_days).then(a.flag.cmp(&b.flag)));
    summary.oldest_temporary.truncate(5);
    if let Some(history) = input.history {
        recent_changes(&mut summary, history, input.today);
    }
    let owners = sections
        .into_iter()
        .map(|(owner, mut flags)| {
            flags.sort_by(|a, b| a.flag.cmp(&b.flag));
            OwnerSection { owner, flags }
        })
        .collect();
    let mut undefined: Vec<Location> = input.refs.undefined.iter().map(Location::from).collect();
    undefined.sort();
    Audit {
        today: input.today,
        file: input.display.to_string(),
        service: file.settings.service.as_ref().map(|s| s.value.clone()),
        history_unavailable: input.facts.unavailable().map(str::to_string),
        roots: input.refs.roots.clone(),
        summary,
        owners,
        undefined,
        usage_window: input.usage.and_then(|u| u.window),
    }
}

/// The lifecycle, reference, nesting and usage findings of every flag.
fn all_findings(input: &Inputs) -> Vec<Finding> {
    let file = input.file;
    let opts = lifecycle::Options {
        today: input.today,
        warn_within: None,
    };
    let mut findings = lifecycle::findings(file, input.display, input.facts, &opts);
    findings.extend(lifecycle::reference_findings(
        file,
        input.display,
        &input.refs.code_refs(),
    ));
    findings.extend(lifecycle::nested_findings(file, &input.refs.nested));
    findings.extend(input.usage_findings.iter().cloned());
    findings
}

/// The summary before any flag is counted, with the findings counted by kind.
fn empty_summary(flags: usize, findings: &[Finding]) -> Summary {
    let mut summary = Summary {
        flags,
        by_type: BTreeMap::new(),
        by_state: BTreeMap::new(),
        findings: BTreeMap::new(),
        health: 100,
        added_last_30_days: None,
        removed_last_30_days: None,
        flags_file_added: None,
        oldest_temporary: Vec::new(),
    };
    for f in findings {
        *summary
            .findings
            .entry(f.kind.as_str().to_string())
            .or_default() += 1;
    }
    summary
}

/// Counts one flag in the summary: its type, its state, and its age if temporary.
fn count(summary: &mut Summary, flag: &Flag, entry: &FlagEntry) {
    let type_name = entry.flag_type.map_or("unknown", |t| t.as_str());
    *summary.by_type.entry(type_name.to_string()).or_default() += 1;
    *summary
        .by_state
        .entry(entry.state.group().to_string())
        .or_default() += 1;
    if let (Some(age), Some(t)) = (entry.age_days, entry.flag_type) {
        if t.is_temporary() {
            summary.oldest_temporary.push(Aged {
                flag: flag.key.clone(),
                owner: flag.owner.as_ref().map(|o| o.value.clone()),
                age_days: age,
            });
        }
    }
}

/// One flag's row: its dates, references, findings, usage and cleanup plan.
fn flag_entry(
    input: &Inputs,
    flag: &Flag,
    mine: &[&Finding],
    mut edits: Vec<Location>,
) -> FlagEntry {
    let kinds: BTreeSet<Code> = mine.iter().map(|f| f.kind).collect();
    let created = lifecycle::created(flag, input.facts);
    edits.sort();
    let files: BTreeSet<String> = edits
        .iter()
        .map(|e| crate::scan::shown_path(&e.root, &e.path))
        .collect();
    FlagEntry {
        flag: flag.key.clone(),
        line: flag.pos.line,
        flag_type: flag.kind(),
        state: flag.targeting.state(),
        created: created.map(|(d, _)| d),
        created_source: created.map(|(_, s)| s),
        age_days: created.map(|(d, _)| (input.today - d).num_days()),
        expires: flag.expires.as_ref().map(|e| e.value),
        days_left: flag
            .expires
            .as_ref()
            .map(|e| (e.value - input.today).num_days()),
        references: edits.len(),
        files: files.into_iter().collect(),
        findings: brief(mine),
        usage: input.usage.map(|u| usage_brief(u, flag)),
        plan: plan(flag, mine, &kinds, edits),
    }
}

/// What production evaluated of a flag, under its key and all its aliases.
fn usage_brief(usage: &Usage, flag: &Flag) -> FlagUsageBrief {
    let names =
        std::iter::once(flag.key.as_str()).chain(flag.aliases.iter().map(|a| a.value.as_str()));
    let seen: Vec<&FlagUsage> = names.filter_map(|n| usage.flag(n)).collect();
    FlagUsageBrief {
        last_evaluated: seen.iter().map(|s| s.last_evaluated).max(),
        evaluations: seen.iter().map(|s| s.count).sum(),
        daily: daily(&seen),
    }
}

/// The flags added and removed in the 30 days before `today`, and when the flags file
/// itself was first committed.
fn recent_changes(summary: &mut Summary, history: &FileHistory, today: NaiveDate) {
    let since = today - chrono::Duration::days(30);
    let (mut added, mut removed) = (Vec::new(), Vec::new());
    for (key, event, commit) in history.events_since(since) {
        let change = Change {
            flag: key.to_string(),
            date: commit.date,
            commit: commit.short.clone(),
            author: commit.author.clone(),
        };
        match event.change {
            GitChange::Added => added.push(change),
            GitChange::Removed => removed.push(change),
            GitChange::Changed { .. } => {}
        }
    }
    summary.added_last_30_days = Some(added);
    summary.removed_last_30_days = Some(removed);
    summary.flags_file_added = history.commits.first().map(|c| c.date);
}

/// One line per finding kind; references found several times are counted.
fn brief(findings: &[&Finding]) -> Vec<FindingBrief> {
    let mut out: Vec<(FindingBrief, usize)> = Vec::new();
    for f in findings {
        match out.iter_mut().find(|(b, _)| b.kind == f.kind) {
            Some((_, n)) => *n += 1,
            None => out.push((
                FindingBrief {
                    kind: f.kind,
                    severity: f.severity,
                    message: f.message.clone(),
                },
                1,
            )),
        }
    }
    out.into_iter()
        .map(|(mut b, n)| {
            if n > 1 {
                b.message = format!("{} (and {} more references)", b.message, n - 1);
            }
            b
        })
        .collect()
}

/// The evaluations per day of a flag under all its names.
fn daily(seen: &[&FlagUsage]) -> Vec<DayCount> {
    let mut days: BTreeMap<NaiveDate, u64> = BTreeMap::new();
    for s in seen {
        for d in &s.daily {
            *days.entry(d.date).or_default() += d.count;
        }
    }
    days.into_iter()
        .map(|(date, count)| DayCount { date, count })
        .collect()
}

/// What production evaluated, when usage data says so: the kept path of a `constant`
/// flag.
fn constant_keep(flag: &Flag, findings: &[&Finding]) -> Option<(Keep, Candidate)> {
    let evidence = findings
        .iter()
        .find(|f| f.kind == Code::Constant)?
        .usage
        .as_ref()?;
    let value = evidence.keep.clone()?;
    let keep = if value == flag.targeting.off_value() {
        Keep::Off
    } else {
        Keep::On
    };
    let variant = evidence.keep_variant.clone();
    Some((keep, Candidate { variant, value }))
}

/// The cleanup plan, when a stale finding says the flag should go.
fn plan(
    flag: &Flag,
    findings: &[&Finding],
    kinds: &BTreeSet<Code>,
    edits: Vec<Location>,
) -> Option<Plan> {
    if !findings.iter().any(|f| makes_stale(f)) {
        return None;
    }
    let key = &flag.key;
    let remove_command = format!("flagctl remove {key}");
    if edits.is_empty() {
        return Some(Plan {
            action: "Delete the flag from flags.yaml: no code uses it.".into(),
            cleanup_command: None,
            keep: None,
            kept: None,
            candidates: Vec::new(),
            edits,
            remove_command,
        });
    }
    if let Some((keep, kept)) = constant_keep(flag, findings) {
        let what = kept_what(&kept);
        return Some(Plan {
            action: format!(
                "Remove the flag and keep the code path that serves {what}: production has served nothing else lately."
            ),
            cleanup_command: cleanup_command(&flag.key, Some(keep), Some(&kept)),
            keep: Some(keep),
            kept: Some(kept),
            candidates: Vec::new(),
            edits,
            remove_command,
        });
    }
    let (action, keep, kept, candidates) = decide(flag, kinds, &remove_command);
    Some(Plan {
        action,
        cleanup_command: cleanup_command(key, keep, kept.as_ref()),
        keep,
        kept,
        candidates,
        edits,
        remove_command,
    })
}

/// How the kept value is named in an action: the variant, else the JSON value.
fn kept_what(kept: &Candidate) -> String {
    match &kept.variant {
        Some(v) => format!("variant `{v}`"),
        None => format!("`{}`", kept.value),
    }
}

/// The action of a flag whose code is still used, from what its targeting says
/// stays: the path to keep (and why), or the candidates when nothing is decided.
fn decide(
    flag: &Flag,
    kinds: &BTreeSet<Code>,
    remove_command: &str,
) -> (String, Option<Keep>, Option<Candidate>, Vec<Candidate>) {
    match keep::decide(flag) {
        Decision::Keep(Keep::Off, kept) => {
            let why = if kinds.contains(&Code::Dead) {
                "it has been off for everyone long enough"
            } else {
                "it is off for everyone"
            };
            (
                format!("Remove the flag and the code behind it: {why}."),
                Some(Keep::Off),
                Some(kept),
                Vec::new(),
            )
        }
        Decision::Keep(Keep::On, kept) => {
            let why = if kinds.contains(&Code::Launched) {
                "it has been on for everyone long enough"
            } else {
                "it serves the same value to everyone"
            };
            let what = kept_what(&kept);
            (
                format!("Remove the flag and keep the code path that serves {what}: {why}."),
                Some(Keep::On),
                Some(kept),
                Vec::new(),
            )
        }
        Decision::Undecided(candidates) => {
            let split = candidates.iter().filter(|c| c.variant.is_some()).count() > 1;
            let action = if split {
                format!(
                    "Decide which variant wins, then rewrite the code to serve it and run `{remove_command}`."
                )
            } else {
                format!(
                    "Finish the rollout (or roll it back) and decide which value stays, then rewrite the code and run `{remove_command}`."
                )
            };
            (action, None, None, candidates)
        }
    }
}

/// The `flagctl cleanup` command that rewrites the code to keep `kept`: `--keep on` or
/// `off` when that is the value, else the value itself (a variant name, or JSON).
fn cleanup_command(key: &str, keep: Option<Keep>, kept: Option<&Candidate>) -> Option<String> {
    let keep = keep?;
    let value = match kept {
        Some(Candidate {
            variant: Some(v), ..
        }) => v.clone(),
        Some(Candidate {
            value: serde_json::Value::Bool(_),
            ..
        })
        | None => keep.as_str().to_string(),
        Some(c) => shell_word(&c.value.to_string()),
    };
    Some(format!("flagctl cleanup {key} --keep {value}"))
}

/// `text` quoted for a POSIX shell when it holds anything but plain word characters.
fn shell_word(text: &str) -> String {
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/'))
    {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}
