//! Everything that touches git goes through this module, with git2 (libgit2 built
//! without OpenSSL or ssh): flagctl never runs the `git` program.
//!
//! - [`Repo::locate`] finds the repository holding the flags file and its path there;
//! - [`Repo::read_at`] reads the file as of a revision (`--rev`, `diff`, `check --base`);
//! - [`Repo::file_commits`] finds, in one walk, the commits that changed the file
//!   (following renames), and [`Repo::blob_text`] reads each version;
//!   `changes::history` turns them into the history of each flag;
//! - [`Repo::first_seen`] dates, in one walk, when strings first appeared in code.
//!
//! Every failure is a [`GitError`] whose message says why history is unavailable, so
//! commands that can work without it go on and say so, and the others stop cleanly.

mod introduced;
mod link;
mod walk;

pub use introduced::{FirstSeen, Introduced};
pub use link::Unfollowable;
pub use walk::{Changed, CommitInfo, FileCommits};

/// Identifies a blob (one version of a file) in the repository.
pub type BlobId = git2::Oid;

use git2::{ErrorCode, Repository};
use std::path::{Path, PathBuf};

/// Why git could not answer.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// No repository contains the flags file.
    #[error("{} is not inside a git repository", .0.display())]
    NotARepo(PathBuf),
    /// A shallow clone lacks the commits the history walk needs.
    #[error(
        "the repository is a shallow clone, so the history of {0} is incomplete; fetch with full history, e.g. fetch-depth: 0 with actions/checkout, or `git fetch --unshallow`"
    )]
    Shallow(String),
    /// `HEAD` points to a branch without commits.
    #[error("the repository has no commits yet, so {0} has no history")]
    NoCommits(String),
    /// The file is not in the starting commit.
    #[error("{path} is not committed yet (it is not in {rev}), so it has no history")]
    NotCommitted {
        /// Path in the repository.
        path: String,
        /// The revision looked at.
        rev: String,
    },
    /// A revision that does not resolve to a commit.
    #[error("unknown revision `{rev}`: {message}")]
    BadRevision {
        /// As given.
        rev: String,
        /// libgit2's explanation.
        message: String,
    },
    /// The file does not exist at the revision.
    #[error("{path} does not exist at {rev}")]
    NotAtRevision {
        /// Path in the repository.
        path: String,
        /// As given.
        rev: String,
    },
    /// The flags file lies outside the repository's working tree.
    #[error("{} is outside the working tree of the repository at {}", .file.display(), .workdir.display())]
    Outside {
        /// The flags file.
        file: PathBuf,
        /// The working tree.
        workdir: PathBuf,
    },
    /// The flags file is committed as a symbolic link that cannot be followed inside
    /// the repository at that revision.
    #[error(
        "{path} at {rev} {reason}; commit the file itself, or a link to a file inside the repository"
    )]
    Link {
        /// Path in the repository.
        path: String,
        /// The revision looked at.
        rev: String,
        /// Why the link cannot be followed.
        reason: link::Unfollowable,
    },
    /// Any other libgit2 failure (corrupt objects, missing objects of a partial clone).
    #[error("git: {0}")]
    Git(String),
}

impl From<git2::Error> for GitError {
    fn from(e: git2::Error) -> Self {
        GitError::Git(e.message().to_string())
    }
}

/// A repository opened for reading.
pub struct Repo {
    repo: Repository,
}

impl Repo {
    /// Opens the repository containing `dir`, searching parent directories like git.
    pub fn discover(dir: &Path) -> Result<Repo, GitError> {
        // flagctl only reads, and re-hashing every blob it reads (SHA-1 with collision
        // detection) was half the cost of walking a long history; git itself does not
        // verify objects on read either.
        git2::opts::strict_hash_verification(false);
        match Repository::discover(dir) {
            Ok(repo) => Ok(Repo { repo }),
            Err(e) if e.code() == ErrorCode::NotFound => Err(GitError::NotARepo(dir.into())),
            Err(e) => Err(e.into()),
        }
    }

    /// Opens the repository holding `file` (which need not exist in the working tree)
    /// and returns the file's path in the repository, `/`-separated. In a bare
    /// repository, which has no working tree, the path is taken relative to the
    /// repository directory.
    pub fn locate(file: &Path) -> Result<(Repo, String), GitError> {
        let absolute = absolute(file);
        let dir = absolute
            .ancestors()
            .skip(1)
            .find(|d| d.is_dir())
            .unwrap_or(Path::new("."));
        let repo = Repo::discover(dir)?;
        let rel = repo.relative(&absolute)?;
        Ok((repo, rel))
    }

    /// Whether this is a shallow clone.
    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow()
    }

    /// `file`'s path in the repository.
    fn relative(&self, file: &Path) -> Result<String, GitError> {
        let base = self.repo.workdir().unwrap_or_else(|| self.repo.path());
        let base = base.canonicalize().unwrap_or_else(|_| base.to_path_buf());
        // Canonicalize the directory (the file itself may be gone from the work tree),
        // so symlinked temporary directories compare equal.
        let parent = file.parent().unwrap_or(Path::new("."));
        let parent = parent
            .canonicalize()
            .unwrap_or_else(|_| parent.to_path_buf());
        let name = file.file_name().map(PathBuf::from).unwrap_or_default();
        let full = parent.join(name);
        let rel = full.strip_prefix(&base).map_err(|_| GitError::Outside {
            file: file.to_path_buf(),
            workdir: base.clone(),
        })?;
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Ok(parts.join("/"))
    }

    /// The commit a revision names (`HEAD`, a branch, a tag, a sha, `HEAD~2`).
    pub fn commit(&self, rev: &str) -> Result<git2::Commit<'_>, GitError> {
        let bad = |e: git2::Error| GitError::BadRevision {
            rev: rev.to_string(),
            message: e.message().to_string(),
        };
        let object = self.repo.revparse_single(rev).map_err(bad)?;
        object.peel_to_commit().map_err(bad)
    }

    /// The commit `HEAD` points to; detached heads work too.
    fn head(&self, path: &str) -> Result<git2::Commit<'_>, GitError> {
        match self.repo.head() {
            Ok(head) => Ok(head.peel_to_commit()?),
            Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => {
                Err(GitError::NoCommits(path.to_string()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The bytes of `path` as of `rev`, without touching the working tree. A file
    /// committed as a symbolic link is read through the link, inside the tree.
    pub fn read_at(&self, rev: &str, path: &str) -> Result<Vec<u8>, GitError> {
        let commit = self.commit(rev)?;
        let found =
            link::blob_at(&self.repo, &commit.tree()?, path).map_err(|reason| GitError::Link {
                path: path.to_string(),
                rev: rev.to_string(),
                reason,
            })?;
        match found {
            Some(id) => Ok(self.repo.find_blob(id)?.content().to_vec()),
            None => Err(GitError::NotAtRevision {
                path: path.to_string(),
                rev: rev.to_string(),
            }),
        }
    }

    /// The commits that changed `path`, walking back from `start` (default `HEAD`);
    /// `changes::history` turns them into the history of each flag.
    pub fn file_commits(&self, start: Option<&str>, path: &str) -> Result<FileCommits, GitError> {
        if self.repo.is_shallow() {
            return Err(GitError::Shallow(path.to_string()));
        }
        let commit = match start {
            Some(rev) => self.commit(rev)?,
            None => self.head(path)?,
        };
        walk::walk(&self.repo, commit, path, start.unwrap_or("HEAD"))
    }

    /// The text of a blob; `None` when it is not UTF-8.
    pub fn blob_text(&self, blob: BlobId) -> Result<Option<String>, GitError> {
        let blob = self.repo.find_blob(blob)?;
        Ok(String::from_utf8(blob.content().to_vec()).ok())
    }
}

fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    }
}

/// A commit time as a calendar date in the committer's own time zone.
pub(crate) fn date_of(time: git2::Time) -> chrono::NaiveDate {
    use chrono::{DateTime, FixedOffset, Offset, Utc};
    // An offset beyond ±24h can only come from a corrupt commit; read it as UTC.
    let offset = FixedOffset::east_opt(time.offset_minutes() * 60).unwrap_or(Utc.fix());
    DateTime::from_timestamp(time.seconds(), 0)
        .map(|t| t.with_timezone(&offset).date_naive())
        .unwrap_or_default()
}

/// Reads the flags file at `path` as of `rev` and validates it, as `--rev` does for
/// every command. `display` names the file in diagnostics.
pub fn load_at(
    path: &Path,
    display: &str,
    rev: &str,
    today: chrono::NaiveDate,
) -> Result<crate::model::Loaded, GitError> {
    let (repo, rel) = Repo::locate(path)?;
    let bytes = repo.read_at(rev, &rel)?;
    Ok(crate::model::load::load_bytes(path, display, &bytes, today))
}
