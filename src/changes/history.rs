//! The history of the flags file, flag by flag: the commits that changed the file
//! (from [`Repo::file_commits`], one walk) replayed oldest first. Each version is
//! built from its parent ([`super::versions`]): only the flags whose text changed are
//! parsed, so 5,000 versions of a 2,000-flag file cost a few thousand small parses,
//! not 5,000 parses of the whole file. Versions that do not parse at all (a broken
//! historical commit) are skipped, as if the commit had not touched the file.

use super::versions::{Delta, Version, build};
use super::{FieldChange, RawFlag, diff_flag};
use crate::git::{BlobId, CommitInfo, FileCommits, GitError, Repo};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// The history of `path`, walking back from `start` (default `HEAD`).
pub fn history(repo: &Repo, start: Option<&str>, path: &str) -> Result<FileHistory, GitError> {
    let commits = repo.file_commits(start, path)?;
    replay(repo, commits)
}

/// What a commit did to one flag.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "change", rename_all = "lowercase")]
pub enum Change {
    /// The flag appeared.
    Added,
    /// The flag disappeared.
    Removed,
    /// Fields changed.
    Changed {
        /// The fields, old → new.
        fields: Vec<FieldChange>,
    },
}

/// One commit's change to one flag.
#[derive(Debug, Clone)]
pub struct FlagEvent {
    /// Index into [`FileHistory::commits`].
    pub commit: usize,
    /// What changed.
    pub change: Change,
}

/// What the history says about one flag.
#[derive(Debug, Clone, Default)]
pub struct FlagHistory {
    /// The commit that introduced the flag (the latest one, if it was removed and
    /// added again).
    pub introduced: Option<usize>,
    /// The latest commit that changed its evaluation fields (its introduction counts).
    pub last_evaluation_change: Option<usize>,
    /// How many commits moved `expires` to a later date.
    pub expires_pushed: u32,
    /// Every commit that changed the flag, oldest first.
    pub events: Vec<FlagEvent>,
    /// The flag as of the starting commit (`None` if it was removed before).
    pub latest: Option<Rc<RawFlag>>,
}

/// The history of the flags file from a starting commit.
#[derive(Debug, Clone)]
pub struct FileHistory {
    /// The file's path in the repository at the starting commit.
    pub path: String,
    /// Commits that changed the file, oldest first.
    pub commits: Vec<CommitInfo>,
    /// Per flag key, every flag that ever appeared.
    pub flags: HashMap<String, FlagHistory>,
}

impl FileHistory {
    /// The history of one flag.
    pub fn flag(&self, key: &str) -> Option<&FlagHistory> {
        self.flags.get(key)
    }

    /// The commit at `index`.
    pub fn commit(&self, index: usize) -> Option<&CommitInfo> {
        self.commits.get(index)
    }

    /// Every flag event of commits dated on or after `since`, oldest first (then by
    /// flag key): e.g. the flags added and removed in the last 30 days.
    pub fn events_since(&self, since: NaiveDate) -> Vec<(&str, &FlagEvent, &CommitInfo)> {
        let mut out: Vec<(&str, &FlagEvent, &CommitInfo)> = self
            .flags
            .iter()
            .flat_map(|(k, h)| h.events.iter().map(move |e| (k.as_str(), e)))
            .filter_map(|(k, e)| {
                let c = self.commits.get(e.commit)?;
                (c.date >= since).then_some((k, e, c))
            })
            .collect();
        out.sort_by(|a, b| (a.1.commit, a.0).cmp(&(b.1.commit, b.0)));
        out
    }
}

fn replay(repo: &Repo, commits: FileCommits) -> Result<FileHistory, GitError> {
    let FileCommits {
        path,
        changed,
        start_blob,
    } = commits;
    let mut cache = Versions::new(repo, &changed, start_blob);
    let mut history = FileHistory {
        path,
        commits: Vec::with_capacity(changed.len()),
        flags: HashMap::new(),
    };
    for c in changed {
        let parent = match c.parent {
            Some(p) => cache.get(p)?,
            None => None,
        };
        let (version, mut deltas) = build(repo.blob_text(c.blob)?, parent.as_deref());
        if !c.others.is_empty() {
            let others = c
                .others
                .iter()
                .map(|p| cache.get(*p))
                .collect::<Result<Vec<_>, GitError>>()?;
            deltas = merged_in(deltas, &others);
        }
        let version = match version_or_parent(version, parent.as_ref()) {
            Some(v) => v,
            None => Rc::new(Version {
                text: String::new(),
                split: None,
                flags: Vec::new(),
            }),
        };
        cache.release(c.parent.iter().chain(&c.others));
        cache.keep(c.blob, version);
        let index = history.commits.len();
        let time = c.info.time;
        history.commits.push(c.info);
        history.record(index, time, deltas);
    }
    if let Some(v) = cache.get(start_blob)? {
        let mut seen = HashSet::new();
        for (key, flag) in &v.flags {
            if seen.insert(key.clone()) {
                history.flags.entry(key.to_string()).or_default().latest = Some(flag.clone());
            }
        }
    }
    Ok(history)
}

/// The versions a later commit still needs as its parent. Keeping only those, a
/// linear history holds one or two versions in memory, not thousands.
struct Versions<'r> {
    repo: &'r Repo,
    /// Blob → how many later commits (and the start) still read it.
    uses: HashMap<BlobId, usize>,
    versions: HashMap<BlobId, Rc<Version>>,
}

impl<'r> Versions<'r> {
    fn new(repo: &'r Repo, changed: &[crate::git::Changed], start_blob: BlobId) -> Self {
        let mut uses: HashMap<BlobId, usize> = HashMap::new();
        for c in changed {
            for p in c.parent.iter().chain(&c.others) {
                *uses.entry(*p).or_default() += 1;
            }
        }
        *uses.entry(start_blob).or_default() += 1;
        Versions {
            repo,
            uses,
            versions: HashMap::new(),
        }
    }

    /// The version of `blob`: kept, or built on its own (`None` if it does not parse).
    fn get(&self, blob: BlobId) -> Result<Option<Rc<Version>>, GitError> {
        Ok(match self.versions.get(&blob) {
            Some(v) => Some(v.clone()),
            None => build(self.repo.blob_text(blob)?, None).0,
        })
    }

    /// One use each of the parents is done; versions nobody needs any more go.
    fn release<'b>(&mut self, parents: impl Iterator<Item = &'b BlobId>) {
        for p in parents {
            if let Some(n) = self.uses.get_mut(p) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    self.versions.remove(p);
                }
            }
        }
    }

    /// Keeps `version` if a later commit or the start reads `blob`.
    fn keep(&mut self, blob: BlobId, version: Rc<Version>) {
        if self.uses.get(&blob).is_some_and(|n| *n > 0) {
            self.versions.insert(blob, version);
        }
    }
}

impl FileHistory {
    /// Records the deltas of the commit at `index` (committed at `time`) in the
    /// flags' histories.
    fn record(&mut self, index: usize, time: i64, deltas: Vec<Delta>) {
        for d in deltas {
            let fh = self.flags.entry(d.key.to_string()).or_default();
            // Commits replay in graph order, which their dates need not follow: the
            // last evaluation change is the latest by commit time.
            let later = |prev: Option<usize>, commits: &[CommitInfo]| {
                prev.and_then(|p| commits.get(p))
                    .is_none_or(|p| p.time <= time)
            };
            match (d.old, d.new) {
                (None, Some(_)) => {
                    fh.introduced = Some(index);
                    fh.last_evaluation_change = Some(index);
                    fh.events.push(FlagEvent {
                        commit: index,
                        change: Change::Added,
                    });
                }
                (Some(_), None) => fh.events.push(FlagEvent {
                    commit: index,
                    change: Change::Removed,
                }),
                (Some(old), Some(new)) => {
                    let fields = diff_flag(&old, &new);
                    if fields.is_empty() {
                        continue;
                    }
                    if !old.same_evaluation(&new) && later(fh.last_evaluation_change, &self.commits)
                    {
                        fh.last_evaluation_change = Some(index);
                    }
                    if let (Some(a), Some(b)) = (old.date("expires"), new.date("expires")) {
                        if b > a {
                            fh.expires_pushed += 1;
                        }
                    }
                    fh.events.push(FlagEvent {
                        commit: index,
                        change: Change::Changed { fields },
                    });
                }
                (None, None) => {}
            }
        }
    }
}

/// The deltas of a merge (measured against its first parent) that the merge made
/// itself. A flag the merge leaves exactly as another parent has it (present with the
/// same fields, or absent) came in from that side: the commits on that side already
/// recorded the change, and counting it again at the merge would count a snooze
/// twice. What remains is what no parent had: conflict resolutions and edits made in
/// the merge commit. An unparsable other parent removes nothing.
fn merged_in(deltas: Vec<Delta>, others: &[Option<Rc<Version>>]) -> Vec<Delta> {
    let sides: Vec<HashMap<&str, &Rc<RawFlag>>> = others
        .iter()
        .flatten()
        .map(|v| {
            let mut m = HashMap::with_capacity(v.flags.len());
            for (k, f) in &v.flags {
                m.entry(&**k).or_insert(f);
            }
            m
        })
        .collect();
    deltas
        .into_iter()
        .filter(|d| {
            !sides.iter().any(|side| match (side.get(&*d.key), &d.new) {
                (None, None) => true,
                (Some(theirs), Some(ours)) => {
                    Rc::ptr_eq(theirs, ours) || diff_flag(theirs, ours).is_empty()
                }
                _ => false,
            })
        })
        .collect()
}

/// A version that failed to parse stands in for nothing: the commit is treated as
/// not having changed the flags.
fn version_or_parent(v: Option<Rc<Version>>, parent: Option<&Rc<Version>>) -> Option<Rc<Version>> {
    v.or_else(|| parent.cloned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::Repo;
    use git2::{Signature, Time};

    /// A deterministic pseudo-random sequence (no dependency needed for a test).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) as usize) % n
        }
    }

    fn render(flags: &[(String, u32, u32, bool)], settings: u32, comment: bool) -> String {
        let mut s = format!("version: 1\nsettings:\n  expiry_warning: {settings}d\nflags:\n");
        if comment {
            s.push_str("  # temporary flags below\n");
        }
        for (key, rollout, expires, extra) in flags {
            s.push_str(&format!(
                "  {key}:\n    type: release\n    owner: team\n    rollout: {rollout}\n    expires: 2026-{:02}-{:02}\n",
                expires / 28 % 12 + 1,
                expires % 28 + 1
            ));
            if *extra {
                s.push_str("    description: |\n      multi\n      line\n\n");
            }
        }
        s.push_str("segments: {}\n");
        s
    }

    fn summary(h: &FileHistory) -> Vec<String> {
        let mut out: Vec<String> = h
            .flags
            .iter()
            .map(|(k, f)| {
                let events: Vec<String> = f
                    .events
                    .iter()
                    .map(|e| format!("{}:{:?}", e.commit, e.change))
                    .collect();
                format!(
                    "{k} introduced={:?} last={:?} pushed={} latest={:?} events={events:?}",
                    f.introduced, f.last_evaluation_change, f.expires_pushed, f.latest
                )
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn fast_paths_agree_with_full_parsing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = git2::Repository::init(dir.path()).expect("init");
        let mut rng = Lcg(7);
        let mut flags: Vec<(String, u32, u32, bool)> = Vec::new();
        let mut settings = 14;
        let mut comment = false;
        let mut next_key = 0;
        for c in 0..150u32 {
            match rng.next(10) {
                0 | 1 => {
                    let at = rng.next(flags.len() + 1);
                    flags.insert(at, (format!("flag-{next_key}"), 50, 40, false));
                    next_key += 1;
                }
                2 if !flags.is_empty() => {
                    let at = rng.next(flags.len());
                    flags.remove(at);
                }
                3 if flags.len() > 1 => {
                    let (i, j) = (rng.next(flags.len()), rng.next(flags.len()));
                    flags.swap(i, j);
                }
                4 => settings += 1,
                5 => comment = !comment,
                6 if !flags.is_empty() => {
                    let i = rng.next(flags.len());
                    flags[i].3 = !flags[i].3;
                }
                7 if !flags.is_empty() => {
                    let i = rng.next(flags.len());
                    flags[i].2 += 5;
                }
                _ if !flags.is_empty() => {
                    let i = rng.next(flags.len());
                    flags[i].1 = (flags[i].1 + 10) % 110;
                }
                _ => {}
            }
            let mut text = render(&flags, settings, comment);
            if c == 77 {
                text.push_str("  broken: [\n"); // an invalid historical version
            }
            std::fs::write(dir.path().join("flags.yaml"), text).expect("write");
            let mut index = repo.index().expect("index");
            index
                .add_path(std::path::Path::new("flags.yaml"))
                .expect("add");
            let tree = repo
                .find_tree(index.write_tree().expect("tree"))
                .expect("tree");
            let sig = Signature::new(
                "T",
                "t@x",
                &Time::new(1_700_000_000 + i64::from(c) * 3600, 0),
            )
            .expect("sig");
            let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
            let parents: Vec<&git2::Commit> = parent.iter().collect();
            repo.commit(Some("HEAD"), &sig, &sig, &format!("c{c}"), &tree, &parents)
                .expect("commit");
        }
        let r = Repo::discover(dir.path()).expect("repo");
        let fast = history(&r, None, "flags.yaml").expect("history");
        super::super::versions::set_fast_paths(false);
        let full = history(&r, None, "flags.yaml").expect("history");
        super::super::versions::set_fast_paths(true);
        assert!(fast.commits.len() > 100, "{}", fast.commits.len());
        assert_eq!(summary(&fast), summary(&full));
        let last = fast.commits.last().expect("commits").date;
        let recent = fast.events_since(last);
        assert!(!recent.is_empty());
        assert!(recent.iter().all(|(_, _, c)| c.date == last));
        assert!(
            recent
                .windows(2)
                .all(|w| (w[0].1.commit, w[0].0) <= (w[1].1.commit, w[1].0))
        );
    }
}
