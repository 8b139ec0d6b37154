//! Replacing a file so that it is never seen half-written: the new contents go to a
//! temporary file in the same directory (so the final rename stays on one file
//! system and is atomic), are flushed to disk, get the original's permissions, and
//! only then are renamed over the original. Any failure before the rename leaves the
//! original untouched and removes the temporary file (`tempfile` deletes it on drop).
//!
//! [`Fault`] lets tests fail each step on purpose, to prove that claim end to end;
//! the binary reads it from the `FLAGCTL_TEST_FAULT` environment variable, which has
//! no other effect than making a write fail.

pub mod kind;

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

/// Atomically replaces the file at `path` with `contents`, provided it still holds
/// `expected` (what the edit was computed from): a file changed by someone else in
/// the meantime is left alone rather than overwritten. A symlink is followed, so the
/// link stays a link.
pub fn replace(
    path: &Path,
    expected: &[u8],
    contents: &[u8],
    fault: Fault,
) -> Result<(), WriteError> {
    let target = std::fs::canonicalize(path).map_err(fail("resolving its path"))?;
    let dir = target.parent().unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(&target)
        .map_err(fail("reading its permissions"))?
        .permissions();
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
            let err = replace(&path, &old, &new, fault).expect_err("fault");
            assert_eq!(std::fs::read(&path).expect("read"), old, "{fault:?}: {err}");
            assert_eq!(entries(dir.path()), ["flags.yaml"], "{fault:?}");
        }
        replace(&path, &old, &new, Fault::None).expect("write");
        assert_eq!(std::fs::read(&path).expect("read"), new);
        assert_eq!(entries(dir.path()), ["flags.yaml"]);
    }

    #[test]
    fn refuses_a_file_changed_since_it_was_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("flags.yaml");
        std::fs::write(&path, "changed by someone else").expect("write");
        let err = replace(&path, b"what we read", b"new", Fault::None).expect_err("changed");
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
        replace(&link, b"old", b"new", Fault::None).expect("write");
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

    #[test]
    fn fault_names() {
        assert_eq!(Fault::parse("write:12"), Some(Fault::Write(12)));
        assert_eq!(Fault::parse("rename"), Some(Fault::Rename));
        assert_eq!(Fault::parse("bogus"), None);
    }
}
