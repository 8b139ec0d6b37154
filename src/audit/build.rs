//! Joins lifecycle findings, code references and git history into an [`Audit`].
//! Pure: the command gathers the inputs (scans, `--refs` files, history) and this
//! module decides what the report says.

use super::*;
use crate::git::{Change as GitChange, FileHistory};
use crate::lifecycle::{self, CodeRef, Facts, Finding, Kind};
use crate::model::{FlagState, FlagsFile};
use crate::report::JSON_VERSION;
use crate::scan::{Reference, Undefined};
use std::collections::{BTreeSet, HashMap};

/// Finding kinds that make a flag stale for the health score and call for a plan.
const STALE: [Kind; 5] = [
    Kind::Expired,
    Kind::Overdue,
    Kind::Launched,
    Kind::Dead,
    Kind::Unreferenced,
];

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
}

impl Refs {
    /// Adds one scan's records under `label`; `service` is `None` for code of the
    /// flags file's own service.
    pub fn add(
        &mut self,
        label: &str,
        service: Option<String>,
        references: Vec<Reference>,
        undefined: Vec<Undefined>,
    ) {
        if !self.roots.iter().any(|r| r == label) {
            self.roots.push(label.to_string());
        }
        self.services.insert(label.to_string(), service);
        self.references.extend(references.into_iter().map(|mut r| {
            r.root = label.to_string();
            r
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
}

/// Builds the report.
pub fn build(input: &Inputs) -> Audit {
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
    let mut summary = Summary {
        flags: file.flags.len(),
        by_type: BTreeMap::new(),
        by_state: BTreeMap::new(),
        findings: BTreeMap::new(),
        health: 100,
        added_last_30_days: Vec::new(),
        removed_last_30_days: Vec::new(),
        oldest_temporary: Vec::new(),
    };
    for f in &findings {
        *summary
            .findings
            .entry(f.kind.as_str().to_string())
            .or_default() += 1;
    }
    let mut stale_flags = 0;
    let mut seen = std::collections::HashSet::new();
    for flag in &file.flags {
        if !seen.insert(flag.key.as_str()) {
            continue;
        }
        let type_name = flag.kind().map(|t| t.as_str().to_string());
        *summary
            .by_type
            .entry(type_name.clone().unwrap_or_else(|| "unknown".into()))
            .or_default() += 1;
        let state = flag.targeting.state();
        *summary
            .by_state
            .entry(state_group(state).to_string())
            .or_default() += 1;
        let created = lifecycle::created(flag, input.facts);
        let age_days = created.map(|(d, _)| (input.today - d).num_days());
        if let (Some(age), Some(t)) = (age_days, flag.kind()) {
            if t.is_temporary() {
                summary.oldest_temporary.push(Aged {
                    flag: flag.key.clone(),
                    owner: flag.owner.as_ref().map(|o| o.value.clone()),
                    age_days: age,
                });
            }
        }
        let mine: &[&Finding] = by_flag.get(flag.key.as_str()).map_or(&[], Vec::as_slice);
        let kinds: BTreeSet<Kind> = mine.iter().map(|f| f.kind).collect();
        if kinds.iter().any(|k| STALE.contains(k)) {
            stale_flags += 1;
        }
        let mut edits = refs_by_flag.remove(flag.key.as_str()).unwrap_or_default();
        edits.sort();
        let files: BTreeSet<String> = edits
            .iter()
            .map(|e| crate::scan::shown_path(&e.root, &e.path))
            .collect();
        let plan = plan(&flag.key, state, &kinds, edits.clone());
        let entry = FlagEntry {
            flag: flag.key.clone(),
            line: flag.pos.line,
            flag_type: type_name,
            state: state.to_string(),
            created: created.map(|(d, _)| d),
            created_source: created.map(|(_, s)| s.to_string()),
            age_days,
            expires: flag.expires.as_ref().map(|e| e.value),
            days_left: flag
                .expires
                .as_ref()
                .map(|e| (e.value - input.today).num_days()),
            references: edits.len(),
            files: files.into_iter().collect(),
            findings: brief(mine),
            plan,
        };
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
        let since = input.today - chrono::Duration::days(30);
        for (key, event, commit) in history.events_since(since) {
            let change = Change {
                flag: key.to_string(),
                date: commit.date,
                commit: commit.short.clone(),
                author: commit.author.clone(),
            };
            match event.change {
                GitChange::Added => summary.added_last_30_days.push(change),
                GitChange::Removed => summary.removed_last_30_days.push(change),
                GitChange::Changed { .. } => {}
            }
        }
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
        version: JSON_VERSION,
        today: input.today,
        file: input.display.to_string(),
        service: file.settings.service.as_ref().map(|s| s.value.clone()),
        history_unavailable: input.facts.unavailable().map(str::to_string),
        roots: input.refs.roots.clone(),
        summary,
        owners,
        undefined,
    }
}

/// `partial 10%` and `partial 50%` count as one state in the summary.
fn state_group(state: FlagState) -> &'static str {
    match state {
        FlagState::Killed => "killed",
        FlagState::Off => "off",
        FlagState::Partial(_) => "partial",
        FlagState::Targeted => "targeted",
        FlagState::On => "on",
    }
}

/// One line per finding kind; references found several times are counted.
fn brief(findings: &[&Finding]) -> Vec<FindingBrief> {
    let mut out: Vec<(FindingBrief, usize)> = Vec::new();
    for f in findings {
        match out.iter_mut().find(|(b, _)| b.kind == f.kind.as_str()) {
            Some((_, n)) => *n += 1,
            None => out.push((
                FindingBrief {
                    kind: f.kind.as_str().to_string(),
                    severity: f.severity.as_str().to_string(),
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

/// The cleanup plan, when a stale finding says the flag should go.
fn plan(key: &str, state: FlagState, kinds: &BTreeSet<Kind>, edits: Vec<Location>) -> Option<Plan> {
    if !kinds.iter().any(|k| STALE.contains(k)) {
        return None;
    }
    let has_code = !edits.is_empty();
    let (action, keep) = if kinds.contains(&Kind::Dead) {
        (
            "Remove the flag and the code behind it: it has been off for everyone long enough.",
            "off",
        )
    } else if kinds.contains(&Kind::Launched) {
        (
            "Remove the flag and keep the code it enables: it has been on for everyone long enough.",
            "on",
        )
    } else if !has_code {
        ("Delete the flag from flags.yaml: no code uses it.", "")
    } else {
        match state {
            FlagState::On => (
                "Remove the flag and keep the on path: it is fully rolled out.",
                "on",
            ),
            FlagState::Off | FlagState::Killed => (
                "Remove the flag and the code behind it: it is off for everyone.",
                "off",
            ),
            FlagState::Partial(_) | FlagState::Targeted => (
                "Finish the rollout (or roll it back), then remove the flag: it is still partially on.",
                "decide",
            ),
        }
    };
    let cleanup_command = (has_code && matches!(keep, "on" | "off"))
        .then(|| format!("flagctl cleanup {key} --keep {keep}"));
    Some(Plan {
        action: action.to_string(),
        keep: (has_code && !keep.is_empty()).then(|| keep.to_string()),
        edits,
        remove_command: format!("flagctl remove {key}"),
        cleanup_command,
    })
}
