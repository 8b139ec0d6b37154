//! Temporary files left by an edit that was killed (`SIGKILL`, power loss) between
//! creating its temporary file and renaming it: the next edit of the same file
//! deletes them. Only files named as [`replace`](super::replace) names them
//! (`.NAME.XXXXXX.tmp` next to the file), that are regular files, and that were last
//! modified more than [`MIN_AGE`] ago, so that a live edit by a process that does not
//! take the edit lock (an older flagctl) is never disturbed.

use std::path::Path;
use std::time::{Duration, SystemTime};

/// How old a leftover must be before it is deleted.
pub const MIN_AGE: Duration = Duration::from_secs(60);

/// The prefix and suffix of the temporary files of `name`.
pub fn affixes(name: &str) -> (String, &'static str) {
    (format!(".{name}."), ".tmp")
}

/// Deletes the leftover temporary files of `target` (the real file, links resolved)
/// older than `min_age` as of `now`; returns how many were deleted. Errors (a file
/// that vanished, a directory that cannot be listed) are ignored: this is tidying,
/// and the edit itself does not depend on it.
pub fn remove(target: &Path, min_age: Duration, now: SystemTime) -> usize {
    let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else {
        return 0;
    };
    let (prefix, suffix) = affixes(&name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        // At least one character between prefix and suffix: `.flags.yaml..tmp` is
        // not one of ours.
        let ours = file_name.len() > prefix.len() + suffix.len()
            && file_name.starts_with(&prefix)
            && file_name.ends_with(suffix);
        if !ours {
            continue;
        }
        // `DirEntry::metadata` does not follow symlinks: a link is never ours.
        let Ok(meta) = entry.metadata() else { continue };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age >= min_age);
        if meta.is_file() && old && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_only_old_leftovers_of_this_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("flags.yaml");
        for name in [
            "flags.yaml",
            ".flags.yaml.abc123.tmp",
            ".flags.yaml.def456.tmp",
            ".flags.yaml..tmp",
            ".flags.yaml.lock",
            ".other.yaml.abc123.tmp",
            "flags.yaml.abc123.tmp",
        ] {
            std::fs::write(dir.path().join(name), "x").expect("write");
        }
        std::fs::create_dir(dir.path().join(".flags.yaml.dir.tmp")).expect("mkdir");
        // Nothing is a minute old yet.
        assert_eq!(remove(&target, MIN_AGE, SystemTime::now()), 0);
        let later = SystemTime::now() + Duration::from_secs(61);
        assert_eq!(remove(&target, MIN_AGE, later), 2);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                ".flags.yaml..tmp",
                ".flags.yaml.dir.tmp",
                ".flags.yaml.lock",
                ".other.yaml.abc123.tmp",
                "flags.yaml",
                "flags.yaml.abc123.tmp"
            ]
        );
    }
}
