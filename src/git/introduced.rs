//! When strings first appeared in a repository's history: for `init --discover`, the
//! first commit that introduced each flag key found in code.
//!
//! One walk, oldest commit first (by commit time), looking only at the files each
//! commit changed: a key first appears in some file a commit adds or modifies, and the
//! earliest such commit is met first, so the walk stops as soon as every key is dated.
//! A key counts as present when it stands quoted (`"key"`, `'key'`, `` `key` ``), the
//! way code passes it to an SDK: the same word in prose does not date the flag.

use super::{GitError, Repo, date_of};
use aho_corasick::AhoCorasick;
use chrono::NaiveDate;
use git2::{Delta, DiffOptions, Oid, Sort};
use std::collections::HashMap;

/// Blobs larger than this are not searched (generated files, data).
const MAX_BLOB: usize = 10 * 1024 * 1024;

/// The commit that first introduced a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Introduced {
    /// The commit's date, in its committer's time zone.
    pub date: NaiveDate,
    /// Its abbreviated id.
    pub short: String,
}

/// What the walk found.
#[derive(Debug, Clone, Default)]
pub struct FirstSeen {
    /// Keys found in some commit; the others are not committed.
    pub keys: HashMap<String, Introduced>,
    /// Commits read.
    pub commits: usize,
}

impl Repo {
    /// The working tree's root (the repository directory for a bare repository).
    pub fn root(&self) -> std::path::PathBuf {
        self.repo
            .workdir()
            .unwrap_or_else(|| self.repo.path())
            .to_path_buf()
    }

    /// `path`'s location in the repository, `/`-separated (`""` for the root itself).
    pub fn path_in_repo(&self, path: &std::path::Path) -> Result<String, GitError> {
        let joined = self.relative(&path.join("x"))?;
        Ok(joined
            .strip_suffix("x")
            .unwrap_or_default()
            .trim_end_matches('/')
            .to_string())
    }

    /// When each of `keys` first appeared quoted in a file under one of `paths`
    /// (repository paths; empty or `""` for the whole tree), walking `HEAD`'s history
    /// once.
    pub fn first_seen(&self, keys: &[&str], paths: &[String]) -> Result<FirstSeen, GitError> {
        if self.repo.is_shallow() {
            return Err(GitError::Shallow("the scanned files".into()));
        }
        let head = self.head("the scanned files")?;
        let needles: Vec<String> = keys
            .iter()
            .flat_map(|k| ['"', '\'', '`'].map(|q| format!("{q}{k}{q}")))
            .collect();
        let finder =
            AhoCorasick::new(&needles).map_err(|e| GitError::Git(format!("key search: {e}")))?;
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(Sort::TIME | Sort::REVERSE)?;
        walk.push(head.id())?;
        let mut opts = DiffOptions::new();
        for p in paths.iter().filter(|p| !p.is_empty()) {
            opts.pathspec(p);
        }
        let mut seen = FirstSeen::default();
        let mut dated = vec![false; keys.len()];
        let mut left = keys.len();
        for oid in walk {
            if left == 0 {
                break;
            }
            let commit = self.repo.find_commit(oid?)?;
            seen.commits += 1;
            // A merge brings in files its other parents' own commits introduced.
            if commit.parent_count() > 1 {
                continue;
            }
            let found = self.changed_blobs(&commit, &mut opts)?;
            for blob in found {
                let Some(hits) = self.search(blob, &finder)? else {
                    continue;
                };
                // Three needles (quote styles) per key, in key order.
                for k in hits.into_iter().map(|n| n / 3) {
                    let (Some(slot), Some(key)) = (dated.get_mut(k), keys.get(k)) else {
                        continue;
                    };
                    if *slot {
                        continue;
                    }
                    *slot = true;
                    left -= 1;
                    seen.keys.insert(
                        key.to_string(),
                        Introduced {
                            date: date_of(commit.time()),
                            short: commit.id().to_string().chars().take(7).collect(),
                        },
                    );
                }
            }
        }
        Ok(seen)
    }

    /// The blobs a (non-merge) commit adds or modifies under the pathspec.
    fn changed_blobs(
        &self,
        commit: &git2::Commit<'_>,
        opts: &mut DiffOptions,
    ) -> Result<Vec<Oid>, GitError> {
        let tree = commit.tree()?;
        let parent = match commit.parent(0) {
            Ok(p) => Some(p.tree()?),
            Err(_) => None,
        };
        let diff = self
            .repo
            .diff_tree_to_tree(parent.as_ref(), Some(&tree), Some(opts))?;
        Ok(diff
            .deltas()
            .filter(|d| {
                matches!(
                    d.status(),
                    Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied
                )
            })
            .map(|d| d.new_file().id())
            .collect())
    }

    /// The needle indexes found in a blob; `None` for binary or very large blobs.
    fn search(&self, id: Oid, finder: &AhoCorasick) -> Result<Option<Vec<usize>>, GitError> {
        let blob = self.repo.find_blob(id)?;
        let bytes = blob.content();
        if bytes.len() > MAX_BLOB || blob.is_binary() {
            return Ok(None);
        }
        let mut hits: Vec<usize> = finder
            .find_overlapping_iter(bytes)
            .map(|m| m.pattern().as_usize())
            .collect();
        hits.sort_unstable();
        hits.dedup();
        Ok(Some(hits))
    }
}
