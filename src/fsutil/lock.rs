//! One editor at a time: an exclusive advisory lock on a sidecar file next to the
//! flags file, held from reading the file to renaming the new text over it.
//!
//! The lock is on `.NAME.lock`, not on the flags file itself, because the edit
//! replaces the flags file by a rename: a lock on the old inode would protect nothing
//! once the new one is in place. The sidecar is deleted when the holder lets go, so
//! it only exists while an edit runs (or after one was killed, until the next edit).
//! Deleting it opens a race, closed by checking after locking that the path still
//! names the locked file: a waiter that locked a deleted sidecar starts over.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long an edit waits for another one to finish before giving up.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// How often a waiting edit tries again.
const POLL: Duration = Duration::from_millis(10);

/// A held lock; dropping it releases the lock and deletes the sidecar.
#[derive(Debug)]
pub struct EditLock {
    /// Held open for its lock, which closing it releases.
    _file: File,
    path: PathBuf,
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process held it for the whole timeout.
    #[error("another flagctl has been editing it for {} s (it holds {}); try again when it is done", .waited.as_secs(), .path.display())]
    Busy {
        /// The sidecar lock file.
        path: PathBuf,
        /// How long this process waited.
        waited: Duration,
    },
    /// The sidecar could not be created or locked.
    #[error("cannot lock {}: {source}", .path.display())]
    Io {
        /// The sidecar lock file.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
}

impl EditLock {
    /// The sidecar lock file of `target` (which should be the real file, symlinks
    /// resolved, so every path to it shares one lock).
    pub fn path_for(target: &Path) -> PathBuf {
        let name = target
            .file_name()
            .map_or_else(|| "flags".into(), |n| n.to_string_lossy().into_owned());
        target
            .parent()
            .unwrap_or(Path::new("."))
            .join(format!(".{name}.lock"))
    }

    /// Takes the lock of `target`, waiting up to `timeout` for another holder.
    pub fn acquire(target: &Path, timeout: Duration) -> Result<EditLock, LockError> {
        let path = Self::path_for(target);
        let io_error = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        let start = Instant::now();
        loop {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io_error)?;
            match try_lock(&file) {
                // The previous holder may have deleted the sidecar between our open
                // and our lock: then we hold a lock nobody else can see. Start over.
                Ok(true) if names_file(&path, &file) => {
                    return Ok(EditLock { _file: file, path });
                }
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => return Err(io_error(e)),
            }
            if start.elapsed() >= timeout {
                return Err(LockError::Busy {
                    path,
                    waited: start.elapsed(),
                });
            }
            std::thread::sleep(POLL);
        }
    }
}

impl Drop for EditLock {
    fn drop(&mut self) {
        // Delete first, then unlock (the file is closed right after this): a waiter
        // that gets the lock of the deleted file sees that the path no longer names
        // it and retries.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Takes an exclusive `flock(2)` on `file` without waiting: `Ok(false)` when another
/// open file holds it. The lock goes away when the file is closed, also when the
/// process is killed, so a crash never leaves a stuck lock.
#[cfg(unix)]
fn try_lock(file: &File) -> io::Result<bool> {
    use rustix::fs::{FlockOperation, flock};
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(true),
        Err(e) if e == rustix::io::Errno::WOULDBLOCK => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Without `flock(2)` there is no lock: edits are only ordered by the "changed since
/// it was read" check.
#[cfg(not(unix))]
fn try_lock(_file: &File) -> io::Result<bool> {
    Ok(true)
}

/// Whether `path` still names the open `file`.
#[cfg(unix)]
fn names_file(path: &Path, file: &File) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(path), file.metadata()) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Elsewhere a locked file cannot be deleted, so the path always names it.
#[cfg(not(unix))]
fn names_file(_path: &Path, _file: &File) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_no_sidecar_left() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("flags.yaml");
        std::fs::write(&target, "x").expect("write");
        let held = EditLock::acquire(&target, TIMEOUT).expect("lock");
        assert!(dir.path().join(".flags.yaml.lock").exists());
        let err = EditLock::acquire(&target, Duration::from_millis(50)).expect_err("busy");
        assert!(matches!(err, LockError::Busy { .. }), "{err}");
        assert!(err.to_string().contains("another flagctl"), "{err}");
        drop(held);
        assert!(!dir.path().join(".flags.yaml.lock").exists());
        let again = EditLock::acquire(&target, Duration::from_millis(50)).expect("free again");
        drop(again);
    }

    #[test]
    fn threads_take_turns() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("flags.yaml");
        let counter = dir.path().join("counter");
        std::fs::write(&counter, "0").expect("write");
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for _ in 0..20 {
                        let _lock = EditLock::acquire(&target, TIMEOUT).expect("lock");
                        // A read-modify-write that loses updates without the lock.
                        let n: u32 = std::fs::read_to_string(&counter)
                            .expect("read")
                            .parse()
                            .expect("number");
                        std::thread::yield_now();
                        std::fs::write(&counter, (n + 1).to_string()).expect("write");
                    }
                });
            }
        });
        assert_eq!(std::fs::read_to_string(&counter).expect("read"), "160");
        assert!(!dir.path().join(".flags.yaml.lock").exists());
    }
}
