//! Git repositories built by tests with git2 itself, so tests do not depend on the git
//! program: every commit has explicit author and committer dates.

#![allow(dead_code)]

use crate::common::Test;
use chrono::{Days, NaiveDate};
use git2::{IndexAddOption, Oid, Repository, Signature, Time};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// "Today" in the git tests; every date is relative to it.
pub const TODAY: &str = "2026-06-01";

/// `TODAY` as a date.
pub fn today() -> NaiveDate {
    NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").expect("date")
}

/// The date `n` days before `TODAY`.
pub fn ago(n: u64) -> NaiveDate {
    today() - Days::new(n)
}

/// The date `n` days after `TODAY`.
pub fn ahead(n: u64) -> NaiveDate {
    today() + Days::new(n)
}

/// A repository in a temporary directory.
pub struct GitRepo {
    dir: TempDir,
    pub repo: Repository,
}

impl GitRepo {
    /// `git init` in a fresh temporary directory.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = Repository::init(dir.path()).expect("init");
        GitRepo { dir, repo }
    }

    /// The working tree.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file in the working tree.
    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let path = self.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, text).expect("write");
        self
    }

    /// Moves a file in the working tree.
    pub fn rename(&self, from: &str, to: &str) -> &Self {
        let to_path = self.path().join(to);
        if let Some(parent) = to_path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::rename(self.path().join(from), to_path).expect("rename");
        self
    }

    /// Commits the whole working tree on `date` (noon UTC) as `author`.
    pub fn commit(&self, date: NaiveDate, author: &str, message: &str) -> Oid {
        let mut index = self.repo.index().expect("index");
        index
            .add_all(["*"], IndexAddOption::DEFAULT, None)
            .expect("add");
        index.update_all(["*"], None).expect("update");
        index.write().expect("write index");
        let tree_id = index.write_tree().expect("tree");
        let tree = self.repo.find_tree(tree_id).expect("find tree");
        let seconds = date
            .and_hms_opt(12, 0, 0)
            .expect("noon")
            .and_utc()
            .timestamp();
        let email = format!("{}@example.com", author.to_lowercase().replace(' ', "."));
        let sig = Signature::new(author, &email, &Time::new(seconds, 0)).expect("signature");
        let parent = self.repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        self.repo
            .commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .expect("commit")
    }

    /// Writes flags.yaml and commits it.
    pub fn commit_flags(&self, date: NaiveDate, author: &str, message: &str, yaml: &str) -> Oid {
        self.write("flags.yaml", yaml);
        self.commit(date, author, message)
    }

    /// Marks the repository as a shallow clone cut at HEAD, as `git clone --depth 1`
    /// leaves it (libgit2 reads `.git/shallow`).
    pub fn make_shallow(&self) {
        let head = self.repo.head().expect("head").target().expect("oid");
        std::fs::write(self.repo.path().join("shallow"), format!("{head}\n")).expect("write");
    }

    /// A flagctl run in the working tree, with `--now TODAY` for the commands whose
    /// output depends on the date (the others refuse it).
    pub fn flagctl<I: IntoIterator<Item = S>, S: AsRef<str>>(&self, args: I) -> Test {
        let args: Vec<String> = args.into_iter().map(|a| a.as_ref().to_string()).collect();
        let undated = ["diff", "history", "remove", "eval", "test", "scan"];
        let command = args.iter().find(|a| !a.starts_with('-'));
        let test = Test::new().current_dir(self.path()).args(&args);
        if command.is_some_and(|c| undated.contains(&c.as_str())) {
            test
        } else {
            test.args(["--now", TODAY])
        }
    }

    /// A bare clone of this repository in a new temporary directory.
    pub fn bare_clone(&self) -> (TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("bare.git");
        git2::build::RepoBuilder::new()
            .bare(true)
            .clone(self.path().to_str().expect("utf8"), &target)
            .expect("bare clone");
        (dir, target)
    }
}
