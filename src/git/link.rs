//! Following symbolic links inside a committed tree. git stores a link as a blob
//! holding the target path (mode 120000); reading that blob as flags.yaml would parse
//! the path text. A link is resolved the way the file system would resolve it in a
//! checkout of that revision: component by component, relative to the link's
//! directory, `..` included, as long as every step stays inside the tree.

use git2::{Oid, Repository, Tree};
use std::collections::VecDeque;
use std::path::Path;

/// git's file mode for a symbolic link.
const LINK_MODE: i32 = 0o120000;

/// Links followed in one resolution before giving up (Linux's limit is 40 too).
const MAX_HOPS: usize = 40;

/// Why a link cannot be followed inside the tree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unfollowable {
    /// The target is absolute or climbs above the repository's root.
    #[error("is a symbolic link to `{0}`, outside the repository")]
    Outside(String),
    /// Links point at each other, or the chain is too long.
    #[error("is a symbolic link in a loop (or a chain of more than {MAX_HOPS} links)")]
    Loop,
    /// The link's target is not a UTF-8 path.
    #[error("is a symbolic link whose target is not a UTF-8 path")]
    NotUtf8,
}

/// The blob at `path` in `tree` (`/`-separated), with every symbolic link on the way
/// followed inside the tree. `Ok(None)` when nothing (or a directory) is there, as a
/// checkout would have no file to read; `Err` when a link cannot be followed.
pub fn blob_at(
    repo: &Repository,
    tree: &Tree<'_>,
    path: &str,
) -> Result<Option<Oid>, Unfollowable> {
    let mut pending: VecDeque<String> = components(path).collect();
    let mut done: Vec<String> = Vec::new();
    let mut hops = 0;
    // The last link target followed, to name in an error.
    let mut target_text = path.to_string();
    while let Some(part) = pending.pop_front() {
        if part == ".." {
            // Climbing above the root leaves the repository.
            if done.pop().is_none() {
                return Err(Unfollowable::Outside(target_text));
            }
            continue;
        }
        done.push(part);
        let here = done.join("/");
        let Ok(entry) = tree.get_path(Path::new(&here)) else {
            return Ok(None);
        };
        if entry.filemode() == LINK_MODE {
            hops += 1;
            if hops > MAX_HOPS {
                return Err(Unfollowable::Loop);
            }
            let Ok(blob) = repo.find_blob(entry.id()) else {
                return Ok(None);
            };
            let target = std::str::from_utf8(blob.content()).map_err(|_| Unfollowable::NotUtf8)?;
            if target.starts_with('/') || target.is_empty() {
                return Err(Unfollowable::Outside(target.to_string()));
            }
            done.pop();
            let mut next: VecDeque<String> = components(target).collect();
            next.extend(pending);
            pending = next;
            target_text = target.to_string();
            continue;
        }
        let last = pending.is_empty();
        match entry.kind() {
            Some(git2::ObjectType::Blob) if last => return Ok(Some(entry.id())),
            Some(git2::ObjectType::Tree) if !last => {}
            _ => return Ok(None),
        }
    }
    Ok(None)
}

/// The non-empty, non-`.` parts of a `/`-separated path.
fn components(path: &str) -> impl Iterator<Item = String> + '_ {
    path.split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree built from (path, content, is_link) entries.
    fn tree<'r>(repo: &'r Repository, entries: &[(&str, &str, bool)]) -> Tree<'r> {
        let mut index = git2::Index::new().expect("index");
        for (path, content, link) in entries {
            let id = repo.blob(content.as_bytes()).expect("blob");
            let entry = git2::IndexEntry {
                ctime: git2::IndexTime::new(0, 0),
                mtime: git2::IndexTime::new(0, 0),
                dev: 0,
                ino: 0,
                mode: if *link { 0o120000 } else { 0o100644 },
                uid: 0,
                gid: 0,
                file_size: content.len() as u32,
                id,
                flags: 0,
                flags_extended: 0,
                path: path.as_bytes().to_vec(),
            };
            index.add(&entry).expect("add");
        }
        let id = index.write_tree_to(repo).expect("write tree");
        repo.find_tree(id).expect("tree")
    }

    #[test]
    fn follows_links_inside_the_tree() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = Repository::init(dir.path()).expect("init");
        let t = tree(
            &repo,
            &[
                ("config/flags.yaml", "real", false),
                ("flags.yaml", "config/flags.yaml", true),
                ("cfg", "config", true),
                ("via-dir.yaml", "cfg/flags.yaml", true),
                ("sub/up.yaml", "../config/./flags.yaml", true),
                ("chain.yaml", "flags.yaml", true),
                ("out.yaml", "../../etc/passwd", true),
                ("abs.yaml", "/etc/passwd", true),
                ("loop-a", "loop-b", true),
                ("loop-b", "loop-a", true),
                ("dangling.yaml", "nowhere.yaml", true),
                ("to-dir.yaml", "config", true),
            ],
        );
        let real = repo.blob(b"real").expect("blob");
        let at = |p: &str| blob_at(&repo, &t, p);
        for p in [
            "config/flags.yaml",
            "flags.yaml",
            "via-dir.yaml",
            "sub/up.yaml",
            "chain.yaml",
            "cfg/flags.yaml",
        ] {
            assert_eq!(at(p), Ok(Some(real)), "{p}");
        }
        assert_eq!(
            at("out.yaml"),
            Err(Unfollowable::Outside("../../etc/passwd".into()))
        );
        assert_eq!(
            at("abs.yaml"),
            Err(Unfollowable::Outside("/etc/passwd".into()))
        );
        assert_eq!(at("loop-a"), Err(Unfollowable::Loop));
        assert_eq!(at("dangling.yaml"), Ok(None));
        assert_eq!(at("to-dir.yaml"), Ok(None));
        assert_eq!(at("missing.yaml"), Ok(None));
        assert_eq!(at("config"), Ok(None));
    }
}
