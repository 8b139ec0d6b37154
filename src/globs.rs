//! Globs over scanned paths, in one dialect for every setting that names files
//! (`settings.scan.exclude`, `settings.scan.areas`). A glob without a `/` matches a
//! file or directory name at any depth (as in `.gitignore`); one with a `/` matches the
//! path relative to the directory holding the flags file, like `settings.scan.paths`
//! (a file outside that directory is matched relative to its scan root), with `*` not
//! crossing `/`. Each glob counts its matches, so one that matches nothing can be
//! reported rather than silently do nothing.

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Compiles one glob in the dialect above (a leading `./` or `/` is ignored).
pub fn compile(text: &str) -> Result<Glob, globset::Error> {
    let t = text.trim_start_matches("./").trim_start_matches('/');
    GlobBuilder::new(t).literal_separator(true).build()
}

/// A list of globs, compiled.
#[derive(Debug)]
pub struct Globs {
    sources: Vec<String>,
    names: GlobSet,
    name_of: Vec<usize>,
    paths: GlobSet,
    path_of: Vec<usize>,
    /// Globs ending in `/**`, without it: a directory they name is matched whole.
    dirs: GlobSet,
    dir_of: Vec<usize>,
    used: Vec<AtomicU64>,
}

impl Globs {
    /// Compiles `sources`; an invalid glob is returned with its index.
    pub fn new<'s>(
        sources: impl IntoIterator<Item = &'s str>,
    ) -> Result<Globs, (usize, globset::Error)> {
        let (mut names, mut paths, mut dirs) = (
            GlobSetBuilder::new(),
            GlobSetBuilder::new(),
            GlobSetBuilder::new(),
        );
        let (mut name_of, mut path_of, mut dir_of) = (Vec::new(), Vec::new(), Vec::new());
        let mut list = Vec::new();
        for (i, source) in sources.into_iter().enumerate() {
            list.push(source.to_string());
            let text = source.trim_start_matches("./").trim_start_matches('/');
            let glob = compile(text).map_err(|e| (i, e))?;
            if text.contains('/') {
                paths.add(glob);
                path_of.push(i);
                if let Some(prefix) = text.strip_suffix("/**").filter(|p| !p.is_empty()) {
                    dirs.add(compile(prefix).map_err(|e| (i, e))?);
                    dir_of.push(i);
                }
            } else {
                names.add(glob);
                name_of.push(i);
            }
        }
        let build = |b: GlobSetBuilder| b.build().map_err(|e| (0, e));
        Ok(Globs {
            used: list.iter().map(|_| AtomicU64::new(0)).collect(),
            sources: list,
            names: build(names)?,
            name_of,
            paths: build(paths)?,
            path_of,
            dirs: build(dirs)?,
            dir_of,
        })
    }

    /// No globs at all.
    pub fn empty() -> Globs {
        Globs {
            sources: Vec::new(),
            names: GlobSet::empty(),
            name_of: Vec::new(),
            paths: GlobSet::empty(),
            path_of: Vec::new(),
            dirs: GlobSet::empty(),
            dir_of: Vec::new(),
            used: Vec::new(),
        }
    }

    /// Whether there are no globs.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// Whether an entry matches: `rel` is its path relative to the flags file's
    /// directory (or its scan root), `name` its file name. A directory also matches a
    /// glob `DIR/**` by its own path. Counts the globs that matched.
    pub fn matches(&self, rel: &Path, name: &OsStr, is_dir: bool) -> bool {
        let mut hit = self.count(&self.names.matches(name), &self.name_of);
        hit |= self.count(&self.paths.matches(rel), &self.path_of);
        if is_dir {
            hit |= self.count(&self.dirs.matches(rel), &self.dir_of);
        }
        hit
    }

    fn count(&self, matched: &[usize], index: &[usize]) -> bool {
        for m in matched {
            if let Some(c) = index.get(*m).and_then(|&g| self.used.get(g)) {
                c.fetch_add(1, Ordering::Relaxed);
            }
        }
        !matched.is_empty()
    }

    /// The globs that matched nothing, as written.
    pub fn unused(&self) -> Vec<String> {
        self.sources
            .iter()
            .zip(&self.used)
            .filter(|(_, n)| n.load(Ordering::Relaxed) == 0)
            .map(|(g, _)| g.clone())
            .collect()
    }
}

/// `path` made absolute and free of `.` and `..` without touching the file system, so
/// entries and the flags file's directory compare as written (canonicalizing would
/// resolve symbolic links in one and not the other).
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map_or_else(|_| path.to_path_buf(), |d| d.join(path))
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The path globs are matched against: relative to `base` (the flags file's
/// directory) when the entry is inside it, else `rel` (relative to its scan root).
pub fn relative<'p>(base: Option<&Path>, path: &'p Path, rel: &'p Path) -> &'p Path {
    base.and_then(|b| path.strip_prefix(b).ok()).unwrap_or(rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_paths_and_directories() {
        let g = Globs::new(["*.md", "src/gen/**", "docs/**", "never/**"]).expect("globs");
        assert!(g.matches(Path::new("a/README.md"), OsStr::new("README.md"), false));
        assert!(g.matches(Path::new("src/gen/x.ts"), OsStr::new("x.ts"), false));
        assert!(g.matches(Path::new("src/gen"), OsStr::new("gen"), true));
        assert!(!g.matches(Path::new("lib/src/gen/x.ts"), OsStr::new("x.ts"), false));
        assert_eq!(g.unused(), ["docs/**", "never/**"]);
        assert!(Globs::new(["a[", "b"]).is_err());
    }
}
