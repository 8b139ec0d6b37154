//! The commits that changed the flags file, found in one walk: children before
//! parents, tracking the file's path per commit (following renames: when a commit
//! has the file and a parent does not, rename detection runs on that commit only),
//! keeping the commits whose blob differs from every parent's. What the changes mean
//! flag by flag is `changes::history`'s business.

use super::{GitError, date_of};
use chrono::NaiveDate;
use git2::{DiffFindOptions, Oid, Repository, Sort};
use serde::Serialize;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::rc::Rc;

/// A commit that changed the flags file.
#[derive(Debug, Clone, Serialize)]
pub struct CommitInfo {
    /// Full hex id.
    pub sha: String,
    /// Abbreviated id (7 characters).
    pub short: String,
    /// Commit date (committer time, in the committer's time zone).
    pub date: NaiveDate,
    /// Author name.
    pub author: String,
    /// Author email.
    pub email: String,
    /// First line of the message.
    pub summary: String,
    /// The file's path in this commit (differs from today's after a rename).
    pub path: String,
    /// Committer time in seconds, to order commits of parallel branches.
    #[serde(skip)]
    pub time: i64,
}
/// The id of the blob at `path` in `tree`, symbolic links followed inside the tree.
/// At a historical commit, a link that cannot be followed reads as no file: the
/// history of that lineage stops there (the starting commit reports it instead).
fn blob_at(repo: &Repository, tree: &git2::Tree<'_>, path: &str) -> Option<Oid> {
    super::link::blob_at(repo, tree, path).ok().flatten()
}

/// The path `path` had in `parent` when `child` renamed it, found with libgit2's
/// rename detection. Only called when the file appears in `child`, which is rare.
fn renamed_from(
    repo: &Repository,
    parent: &git2::Tree<'_>,
    child: &git2::Tree<'_>,
    path: &str,
) -> Result<Option<String>, GitError> {
    let mut diff = repo.diff_tree_to_tree(Some(parent), Some(child), None)?;
    let mut find = DiffFindOptions::new();
    find.renames(true);
    diff.find_similar(Some(&mut find))?;
    for delta in diff.deltas() {
        let new = delta
            .new_file()
            .path()
            .map(|p| p.to_string_lossy().replace('\\', "/"));
        if delta.status() == git2::Delta::Renamed && new.as_deref() == Some(path) {
            return Ok(delta
                .old_file()
                .path()
                .map(|p| p.to_string_lossy().replace('\\', "/")));
        }
    }
    Ok(None)
}

/// Where the walk stands at a commit not yet visited: the file's path there (`None`
/// once the lineage predates the file) and its blob, when a child already looked.
struct Track {
    path: Option<Rc<str>>,
    blob: Option<Option<Oid>>,
}

/// A commit whose blob differs from all its parents' blobs.
pub struct Changed {
    /// The commit.
    pub info: CommitInfo,
    /// The file's blob in this commit.
    pub blob: Oid,
    /// The first parent's blob, which the change is measured against.
    pub parent: Option<Oid>,
    /// The other parents' blobs (a merge): a flag that the merge leaves as one of
    /// them had it came from that side, where its own commits already counted.
    pub others: Vec<Oid>,
}

/// The commits that changed the file, oldest first, and its blob at the start.
pub struct FileCommits {
    /// The file's path at the starting commit.
    pub path: String,
    /// Commits whose blob differs from every parent's, oldest first.
    pub changed: Vec<Changed>,
    /// The file's blob at the starting commit.
    pub start_blob: Oid,
}

pub(crate) fn walk(
    repo: &Repository,
    start: git2::Commit<'_>,
    path: &str,
    rev: &str,
) -> Result<FileCommits, GitError> {
    let start_blob = start_blob(repo, &start, path, rev)?;
    let mut revwalk = repo.revwalk()?;
    revwalk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)?;
    revwalk.push(start.id())?;
    let mut tracks = Tracks {
        repo,
        track: HashMap::new(),
    };
    tracks.track.insert(
        start.id(),
        Track {
            path: Some(Rc::from(path)),
            blob: Some(Some(start_blob)),
        },
    );
    let mut changed: Vec<Changed> = Vec::new();
    for oid in revwalk {
        let oid = oid?;
        let Some(t) = tracks.track.remove(&oid) else {
            continue;
        };
        let commit = repo.find_commit(oid)?;
        let Some(path) = t.path else {
            tracks.predates(&commit);
            continue;
        };
        let tree = commit.tree()?;
        let blob = match t.blob {
            Some(b) => b,
            None => blob_at(repo, &tree, &path),
        };
        let Some(blob) = blob else {
            // The file is not here: this lineage predates it.
            tracks.predates(&commit);
            continue;
        };
        let parent_blobs = tracks.parents(&commit, &tree, &path)?;
        if parent_blobs.iter().all(|p| *p != Some(blob)) {
            changed.push(Changed {
                info: info(&commit, &path),
                blob,
                parent: parent_blobs.first().copied().flatten(),
                others: parent_blobs.iter().skip(1).copied().flatten().collect(),
            });
        }
    }
    changed.reverse();
    Ok(FileCommits {
        path: path.to_string(),
        changed,
        start_blob,
    })
}

/// The file's blob at the starting commit, where its absence (or a link that cannot
/// be followed) is an error rather than the end of a lineage.
fn start_blob(
    repo: &Repository,
    start: &git2::Commit<'_>,
    path: &str,
    rev: &str,
) -> Result<Oid, GitError> {
    let start_tree = start.tree()?;
    let found = super::link::blob_at(repo, &start_tree, path).map_err(|reason| GitError::Link {
        path: path.to_string(),
        rev: rev.to_string(),
        reason,
    })?;
    found.ok_or_else(|| GitError::NotCommitted {
        path: path.to_string(),
        rev: rev.to_string(),
    })
}

/// The commits the walk has yet to visit, with where the file is in each.
struct Tracks<'r> {
    repo: &'r Repository,
    track: HashMap<Oid, Track>,
}

impl Tracks<'_> {
    /// Marks the parents of `commit` as before the file, unless another child
    /// already found it there.
    fn predates(&mut self, commit: &git2::Commit<'_>) {
        for p in commit.parent_ids() {
            self.track.entry(p).or_insert(Track {
                path: None,
                blob: None,
            });
        }
    }

    /// The file's blob in each parent of `commit` (following a rename), each parent
    /// tracked with the path the file has there.
    fn parents(
        &mut self,
        commit: &git2::Commit<'_>,
        tree: &git2::Tree<'_>,
        path: &Rc<str>,
    ) -> Result<Vec<Option<Oid>>, GitError> {
        let repo = self.repo;
        let mut parent_blobs: Vec<Option<Oid>> = Vec::new();
        for parent in commit.parents() {
            let ptree = parent.tree()?;
            let (ppath, pblob) = match blob_at(repo, &ptree, path) {
                Some(b) => (Some(path.clone()), Some(b)),
                None => match renamed_from(repo, &ptree, tree, path)? {
                    Some(old) => {
                        let b = blob_at(repo, &ptree, &old);
                        (Some(Rc::from(old.as_str())), b)
                    }
                    None => (None, None),
                },
            };
            parent_blobs.push(pblob);
            let found = Track {
                path: ppath,
                blob: Some(pblob),
            };
            // A lineage that has the file wins over one that does not.
            match self.track.entry(parent.id()) {
                Entry::Occupied(mut e) => {
                    if e.get().path.is_none() && found.path.is_some() {
                        e.insert(found);
                    }
                }
                Entry::Vacant(e) => {
                    e.insert(found);
                }
            }
        }
        Ok(parent_blobs)
    }
}

fn info(commit: &git2::Commit<'_>, path: &str) -> CommitInfo {
    let sha = commit.id().to_string();
    let author = commit.author();
    CommitInfo {
        short: sha.chars().take(7).collect(),
        sha,
        date: date_of(commit.time()),
        author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
        summary: commit
            .summary_bytes()
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .unwrap_or_default(),
        path: path.to_string(),
        time: commit.time().seconds(),
    }
}
