//! Replacing a file so that it is never seen half-written: the new contents go to a
//! temporary file in the same directory (so the final rename stays on one file
//! system and is atomic), get the original's owner (where permitted) and
//! permissions, are flushed to disk, and only then are renamed over the original;
//! the directory is flushed too. Any failure before the rename leaves the original
//! untouched and removes the temporary file (`tempfile` deletes it on drop). A kill
//! in that window can leave the temporary file behind; the next replace of the same
//! file deletes such leftovers ([`leftovers`]). Editors serialize on [`lock`].
//!
//! [`Fault`] lets tests fail each step on purpose, to prove that claim end to end;
//! the binary reads it from the `FLAGCTL_TEST_FAULT` environment variable, which has
//! no other effect than making a write fail.

pub mod kind;
pub mod leftovers;
pub mod lock;

use std::io::Write;
use std::path::Path;

/// A step of [`replace`] to fail on purpose (for tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fault {
    /// Fail nothing.
    #[default]
    None,
    /// Fail creating the temporary file.
    Create,
    /// Write this many bytes of the temporary file, then fail.
    Write(usize),
    /// Fail copying the original's permissions.
    Permissions,
    /// Fail flushing to disk.
    Sync,
    /// Behave as if the original changed since it was read.
    Changed,
    /// Fail the final rename.
    Rename,
}

impl Fault {
    /// The environment variable read by [`Fault::from_env`].
    pub const ENV: &'static str = "FLAGCTL_TEST_FAULT";

    /// `create`, `write:N`, `permissions`, `sync`, `changed` or `rename`.
    pub fn parse(text: &str) -> Option<Fault> {
        Some(match text {
            "create" => Fault::Create,
            "permissions" => Fault::Permissions,
            "sync" => Fault::Sync,
            "changed" => Fault::Changed,
            "rename" => Fault::Rename,
            _ => Fault::Write(text.strip_prefix("write:")?.parse().ok()?),
        })
    }

    /// The fault named by `FLAGCTL_TEST_FAULT`, if set (an unknown name fails the
    /// write before it starts, so a typo in a test cannot pass silently).
    pub fn from_env() -> Fault {
        match std::env::var(Self::ENV) {
            Ok(v) if !v.is_empty() => Fault::parse(&v).unwrap_or(Fault::Create),
            _ => Fault::None,
        }
    }
}

/// Why [`replace`] failed, and at which step. The original file is unchanged.
#[derive(Debug, thiserror::Error)]
#[error("{step}: {source}")]
pub struct WriteError {
    /// What was being done, as a phrase ("creating a temporary file in /dir").
    pub step: String,
    /// The underlying error.
    pub source: std::io::Error,
}

fn fail(step: impl Into<String>) -> impl FnOnce(std::io::Error) -> WriteError {
    let step = step.into();
    move |source| WriteError { step, source }
}

fn injected(step: &str) -> WriteError {
    WriteError {
        step: step.to_string(),
        source: std::io::Error::other(format!("fault injected by {}", Fault::ENV)),
    }
}

/// What [`replace`] does with a file that has other hard links: a rename gives the
/// path a new file, and the other names keep the old content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// Refuse, saying so (the default of `new` and `remove`).
    Refuse,
    /// Replace anyway (`--force`): the other names keep the old content.
    Break,
}

/// Atomically replaces the file at `path` with `contents`, provided it still holds
/// `expected` (what the edit was computed from): a file changed by someone else in
/// the meantime is left alone rather than overwritten. A symlink is followed, so the
/// link stays a link; a file with other hard links is refused unless `links` is
/// [`Links::Break`].
pub fn replace(
    path: &Path,
    expected: &[u8],
    contents: &[u8],
    links: Links,
    fault: Fault,
) -> Result<(), WriteError> {
    let target = std::fs::canonicalize(path).map_err(fail("resolving its path"))?;
    let dir = target.parent().unwrap_or(Path::new("."));
    let meta = std::fs::metadata(&target).map_err(fail("reading its permissions"))?;
    let permissions = meta.permissions();
    check_links(&meta, links)?;
    if permissions.readonly() {
        return Err(WriteError {
            step: "checking its permissions".into(),
            source: std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "the file is read-only",
            ),
        });
    }
    let name = target
        .file_name()
        .map_or_else(|| "flags".into(), |n| n.to_string_lossy().into_owned());
    leftovers::remove(&target, leftovers::MIN_AGE, std::time::SystemTime::now());
    let creating = format!("creating a temporary file in {}", dir.display());
    if fault == Fault::Create {
        return Err(injected(&creating));
    }
    // A dot-name so that scans and editors ignore it during its short life.
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail(creating))?;
    if let Fault::Write(n) = fault {
        let part = contents.get(..n).unwrap_or(contents);
        tmp.write_all(part)
            .map_err(fail("writing the temporary file"))?;
        return Err(injected("writing the temporary file"));
    }
    tmp.write_all(contents)
        .map_err(fail("writing the temporary file"))?;
    if fault == Fault::Permissions {
        return Err(injected("copying the file's permissions"));
    }
    // Owner first: changing the owner may clear set-id bits the mode then restores.
    copy_owner(tmp.as_file(), &meta);
    tmp.as_file()
        .set_permissions(permissions)
        .map_err(fail("copying the file's permissions"))?;
    if fault == Fault::Sync {
        return Err(injected("flushing the temporary file to disk"));
    }
    tmp.as_file()
        .sync_all()
        .map_err(fail("flushing the temporary file to disk"))?;
    let now = std::fs::read(&target).map_err(fail("re-reading it before replacing it"))?;
    if now != expected || fault == Fault::Changed {
        return Err(WriteError {
            step: "checking it before replacing it".into(),
            source: std::io::Error::other(
                "it changed while flagctl was editing it; run the command again",
            ),
        });
    }
    if fault == Fault::Rename {
        return Err(injected("renaming the temporary file over it"));
    }
    tmp.persist(&target)
        .map_err(|e| fail("renaming the temporary file over it")(e.error))?;
    // Make the rename itself durable. The new file is in place whatever happens here,
    // so a failure is not worth reporting (and directories cannot be opened on Windows).
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Refuses a file with other hard links unless told to break them.
fn check_links(meta: &std::fs::Metadata, links: Links) -> Result<(), WriteError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let n = meta.nlink();
        if n > 1 && links == Links::Refuse {
            return Err(WriteError {
                step: "checking its hard links".into(),
                source: std::io::Error::other(format!(
                    "it has {n} hard links, and replacing it would leave the other {} with the old content; pass --force to replace it anyway",
                    if n == 2 {
                        "name".to_string()
                    } else {
                        format!("{} names", n - 1)
                    }
                )),
            });
        }
    }
    #[cfg(not(unix))]
    let _ = (meta, links);
    Ok(())
}

/// Gives the temporary file the original's owner and group, where permitted: only
/// root may give a file away, while an owner may still set a group it belongs to.
/// Best effort: a file system without owners must not stop the edit.
fn copy_owner(tmp: &std::fs::File, original: &std::fs::Metadata) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, fchown};
        let Ok(now) = tmp.metadata() else { return };
        if (now.uid(), now.gid()) == (original.uid(), original.gid()) {
            return;
        }
        if fchown(tmp, Some(original.uid()), Some(original.gid())).is_err() {
            let _ = fchown(tmp, None, Some(original.gid()));
        }
    }
    #[cfg(not(unix))]
    let _ = (tmp, original);
}

/// One file of [`replace_all`]: where, what was read, what to write, and its name in
/// messages.
#[derive(Debug, Clone)]
pub struct Replacement {
    /// The file.
    pub path: std::path::PathBuf,
    /// Its name in messages.
    pub display: String,
    /// What was read (the write is refused if the file changed since).
    pub old: String,
    /// What to write.
    pub new: String,
}

/// Why [`replace_all`] failed: the file and the step. Every file written before it
/// was restored.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {file}: {source}; no file was changed")]
pub struct ReplaceAllError {
    /// The file that could not be written.
    pub file: String,
    /// The step that failed.
    pub source: WriteError,
}

/// [`replace`]s every file, in order; if one fails, the files already written get their
/// old text back, so the change is all or nothing. `fault` applies to the last file
/// (flags.yaml, which `cleanup` writes last), which lets tests fail a write after
/// others succeeded.
pub fn replace_all(
    files: &[Replacement],
    links: Links,
    fault: Fault,
) -> Result<(), ReplaceAllError> {
    let mut done: Vec<&Replacement> = Vec::new();
    for (i, w) in files.iter().enumerate() {
        if w.old == w.new {
            continue;
        }
        let f = if i + 1 == files.len() {
            fault
        } else {
            Fault::None
        };
        if let Err(source) = replace(&w.path, w.old.as_bytes(), w.new.as_bytes(), links, f) {
            for d in done.iter().rev() {
                // Best effort: the file holds what this run wrote, so this succeeds
                // unless the disk itself went away.
                let _ = replace(
                    &d.path,
                    d.new.as_bytes(),
                    d.old.as_bytes(),
                    Links::Break,
                    Fault::None,
                );
            }
            return Err(ReplaceAllError {
                file: w.display.clone(),
                source,
            });
        }
        done.push(w);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn every_fault_leaves_the_original_and_no_temporary_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("flags.yaml");
        let old = b"version: 1\nflags:\n  a: {}\n".to_vec();
        let new = b"version: 1\nflags:\n".to_vec();
        let faults = [
            Fault::Create,
            Fault::Write(0),
            Fault::Write(5),
            Fault::Write(usize::MAX),
            Fault::Permissions,
            Fault::Sync,
            Fault::Changed,
            Fault::Rename,
        ];
        for fault in faults {
            std::fs::write(&path, &old).expect("write");
            let err = replace(&path, &old, &new, Links::Refuse, fault).expect_err("fault");
            assert_eq!(std::fs::read(&path).expect("read"), old, "{fault:?}: {err}");
            assert_eq!(entries(dir.path()), ["flags.yaml"], "{fault:?}");
        }
        replace(&path, &old, &new, Links::Refuse, Fault::None).expect("write");
        assert_eq!(std::fs::read(&path).expect("read"), new);
        assert_eq!(entries(dir.path()), ["flags.yaml"]);
    }

    #[test]
    fn refuses_a_file_changed_since_it_was_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("flags.yaml");
        std::fs::write(&path, "changed by someone else").expect("write");
        let err = replace(&path, b"what we read", b"new", Links::Refuse, Fault::None)
            .expect_err("changed");
        assert!(
            err.to_string()
                .contains("changed while flagctl was editing"),
            "{err}"
        );
        assert_eq!(
            std::fs::read(&path).expect("read"),
            b"changed by someone else"
        );
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions_and_symlinks() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real.yaml");
        let link = dir.path().join("flags.yaml");
        std::fs::write(&real, "old").expect("write");
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        replace(&link, b"old", b"new", Links::Refuse, Fault::None).expect("write");
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("meta")
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&real).expect("read"), b"new");
        let mode = std::fs::metadata(&real).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn hard_links_are_refused_unless_broken() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("flags.yaml");
        let other = dir.path().join("other.yaml");
        std::fs::write(&path, "old").expect("write");
        std::fs::hard_link(&path, &other).expect("link");
        let err = replace(&path, b"old", b"new", Links::Refuse, Fault::None).expect_err("refused");
        assert!(err.to_string().contains("2 hard links"), "{err}");
        assert!(err.to_string().contains("--force"), "{err}");
        assert_eq!(std::fs::read(&path).expect("read"), b"old");
        replace(&path, b"old", b"new", Links::Break, Fault::None).expect("forced");
        assert_eq!(std::fs::read(&path).expect("read"), b"new");
        assert_eq!(std::fs::read(&other).expect("read"), b"old");
    }

    /// As root, the replaced file keeps its owner and group (it used to become
    /// root's); as anyone else the test has nothing to show and says so.
    #[cfg(unix)]
    #[test]
    fn keeps_owner_and_group() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("flags.yaml");
        std::fs::write(&path, "old").expect("write");
        if std::os::unix::fs::chown(&path, Some(1234), Some(5678)).is_err() {
            println!("skipped: not permitted to give a file away (not root)");
            return;
        }
        replace(&path, b"old", b"new", Links::Refuse, Fault::None).expect("write");
        let meta = std::fs::metadata(&path).expect("meta");
        assert_eq!((meta.uid(), meta.gid()), (1234, 5678));
        assert_eq!(std::fs::read(&path).expect("read"), b"new");
    }

    #[test]
    fn old_leftovers_are_removed_by_the_next_replace() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("flags.yaml");
        std::fs::write(&path, "old").expect("write");
        let stale = dir.path().join(".flags.yaml.k1ll3d.tmp");
        let fresh = dir.path().join(".flags.yaml.4l1v3.tmp");
        std::fs::write(&stale, "half").expect("write");
        std::fs::write(&fresh, "half").expect("write");
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(120);
        std::fs::File::options()
            .write(true)
            .open(&stale)
            .and_then(|f| f.set_modified(old))
            .expect("age it");
        replace(&path, b"old", b"new", Links::Refuse, Fault::None).expect("write");
        assert!(!stale.exists());
        assert!(fresh.exists());
    }

    #[test]
    fn fault_names() {
        assert_eq!(Fault::parse("write:12"), Some(Fault::Write(12)));
        assert_eq!(Fault::parse("rename"), Some(Fault::Rename));
        assert_eq!(Fault::parse("bogus"), None);
    }

    #[test]
    fn a_failed_replace_all_restores_the_files_written_before() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = dir.path().join("a.ts");
        let b = dir.path().join("flags.yaml");
        std::fs::write(&a, "old a").expect("write");
        std::fs::write(&b, "old b").expect("write");
        let w = |p: &std::path::PathBuf, old: &str, new: &str| Replacement {
            path: p.clone(),
            display: "x".into(),
            old: old.into(),
            new: new.into(),
        };
        let files = [w(&a, "old a", "new a"), w(&b, "old b", "new b")];
        replace_all(&files, Links::Refuse, Fault::Rename).expect_err("fault");
        assert_eq!(std::fs::read_to_string(&a).expect("a"), "old a");
        assert_eq!(std::fs::read_to_string(&b).expect("b"), "old b");
        replace_all(&files, Links::Refuse, Fault::None).expect("write");
        assert_eq!(std::fs::read_to_string(&a).expect("a"), "new a");
    }
}
