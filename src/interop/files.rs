//! Writing an export or import to disk: all or nothing (a temporary file in the same
//! directory, flushed, then renamed), and never over an existing file unless asked.

use std::io::Write;
use std::path::Path;

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteFileError {
    /// The file exists and overwriting was not allowed.
    #[error("{} already exists; pass --force to overwrite it", .0.display())]
    Exists(std::path::PathBuf),
    /// The OS refused.
    #[error("cannot write {}: {source}", .path.display())]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Writes `contents` to `path` atomically; an existing file is replaced only when
/// `overwrite` is set (and checked again at the rename, so a file created meanwhile is
/// not clobbered either).
pub fn write_new(path: &Path, contents: &[u8], overwrite: bool) -> Result<(), WriteFileError> {
    let io = |source| WriteFileError::Io {
        path: path.to_path_buf(),
        source,
    };
    if !overwrite && path.exists() {
        return Err(WriteFileError::Exists(path.to_path_buf()));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".flagctl.")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(contents).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    let result = if overwrite {
        tmp.persist(path).map(drop)
    } else {
        tmp.persist_noclobber(path).map(drop)
    };
    result.map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            WriteFileError::Exists(path.to_path_buf())
        } else {
            io(e.error)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_overwrites_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        write_new(&path, b"one", false).unwrap();
        assert!(matches!(
            write_new(&path, b"two", false),
            Err(WriteFileError::Exists(_))
        ));
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        write_new(&path, b"two", true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
    }
}
