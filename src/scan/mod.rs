//! Code references: walks source trees in parallel and finds
//! every reference to every flag, by key, alias or SDK call pattern.
//!
//! This is a library API: `flagctl scan` renders its [`ScanResult`], and `stale --scan`,
//! `check` (undefined references) and `audit` (cleanup plans, `--refs` merging of
//! other repositories' scans) reuse it. Call [`ScanOptions::for_flags_file`] for the
//! roots and settings of a flags file, adjust the options, then [`scan`].

pub mod aliases;
pub mod matcher;
pub mod records;
mod walk;

pub use walk::{DefinitionFiles, definition_files};

pub use records::{
    Area, AreaCounts, CheckLocation, Context, Nested, RefKind, Reference, Role, ScanResult,
    SkipError, SkipReason, Skipped, Stats, Undefined,
};

use crate::model::{FlagsFile, Loaded};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

/// Default `--max-filesize`: 10 MiB.
pub const DEFAULT_MAX_FILESIZE: u64 = 10 * 1024 * 1024;

/// A directory (or file) to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    /// Where it is on disk.
    pub path: PathBuf,
    /// How records name it: as given on the command line, or relative to the current
    /// directory for the roots of `settings.scan.paths`.
    pub display: String,
}

impl Root {
    /// A root given on the command line, relative to `cwd`.
    pub fn from_arg(arg: &Path, cwd: &Path) -> Root {
        let text = arg.to_string_lossy();
        let trimmed = text.trim_end_matches(['/', '\\']);
        let display = if trimmed.is_empty() {
            text.as_ref()
        } else {
            trimmed
        };
        Root {
            path: cwd.join(arg),
            display: normalize(display),
        }
    }
}

/// Counters a caller can poll from another thread to show progress.
#[derive(Debug, Default)]
pub struct Progress {
    /// Files scanned so far.
    pub files: AtomicU64,
    /// Bytes scanned so far.
    pub bytes: AtomicU64,
}

/// What to scan and how.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// The roots, scanned in this order (duplicates are scanned once).
    pub roots: Vec<Root>,
    /// The flags file, which is never scanned.
    pub flags_path: Option<PathBuf>,
    /// The flags file as named in messages (invalid `settings.scan.exclude` globs).
    pub flags_display: String,
    /// Files larger than this many bytes are skipped.
    pub max_filesize: u64,
    /// Follow symbolic links (loops are detected and counted).
    pub follow: bool,
    /// Scan hidden files and directories too.
    pub hidden: bool,
    /// Do not honour `.gitignore`, `.ignore` and `.flagctlignore`.
    pub no_ignore: bool,
    /// Worker threads; 0 picks one per CPU.
    pub threads: usize,
    /// Lines of context to record around each reference (`-C N`).
    pub context: Option<usize>,
    /// Search only for this flag key (`--flag KEY`); undefined keys are then not
    /// reported.
    pub flag: Option<String>,
    /// Counters updated as files are scanned.
    pub progress: Option<Arc<Progress>>,
    /// The roots were chosen on the command line instead of `settings.scan.paths`:
    /// an exclude glob pointing outside them is then not reported as matching
    /// nothing (the scan never looked there).
    pub roots_chosen: bool,
}

impl ScanOptions {
    /// Options for `roots` with every default: 10 MiB limit, no symlinks followed,
    /// ignore files honoured, no context.
    pub fn new(roots: Vec<Root>) -> ScanOptions {
        ScanOptions {
            roots,
            flags_path: None,
            flags_display: "flags.yaml".into(),
            max_filesize: DEFAULT_MAX_FILESIZE,
            follow: false,
            hidden: false,
            no_ignore: false,
            threads: 0,
            context: None,
            flag: None,
            progress: None,
            roots_chosen: false,
        }
    }

    /// Options for a loaded flags file: its `settings.scan.paths` as roots (relative
    /// to the file's directory, displayed relative to `cwd`), skipping the file itself.
    pub fn for_flags_file(loaded: &Loaded, cwd: &Path) -> ScanOptions {
        let mut opts = ScanOptions::new(default_roots(&loaded.file, &loaded.path, cwd));
        opts.flags_path = Some(loaded.path.clone());
        opts.flags_display = loaded.display.clone();
        opts
    }
}

impl ScanOptions {
    /// Where the file of a reference found by this scan is on disk.
    pub fn disk_path(&self, r: &Reference) -> PathBuf {
        let root = self.roots.iter().find(|root| root.display == r.root);
        let base = match root {
            // A file given as a root is reported relative to its directory.
            Some(root) if root.path.is_file() => root
                .path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
            Some(root) => root.path.clone(),
            None => PathBuf::from(&r.root),
        };
        base.join(&r.path)
    }
}

/// `settings.scan.paths`, relative to the directory holding the flags file at
/// `flags_path`, named relative to `cwd`.
pub fn default_roots(file: &FlagsFile, flags_path: &Path, cwd: &Path) -> Vec<Root> {
    let abs = cwd.join(flags_path);
    let dir = abs.parent().unwrap_or(cwd).to_path_buf();
    file.settings
        .scan
        .paths
        .iter()
        .map(|p| {
            let path = dir.join(p);
            let display = normalize(&relative_to(&path, cwd).to_string_lossy());
            Root { path, display }
        })
        .collect()
}

/// `path` relative to `base` when both are absolute (with `..` where needed), else
/// `path` itself. Purely lexical: symbolic links are not resolved.
fn relative_to(path: &Path, base: &Path) -> PathBuf {
    fn clean(p: &Path) -> Vec<Component<'_>> {
        let mut out: Vec<Component<'_>> = Vec::new();
        for c in p.components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                    out.pop();
                }
                other => out.push(other),
            }
        }
        out
    }
    if !path.is_absolute() || !base.is_absolute() {
        return path.to_path_buf();
    }
    let (p, b) = (clean(path), clean(base));
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &p[common..] {
        out.push(c.as_os_str());
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// `./src/` → `src`, `a/./b` → `a/b`, `` → `.`, with `/` separators.
fn normalize(text: &str) -> String {
    let absolute = text.starts_with(['/', '\\']);
    let parts: Vec<&str> = text
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    match (absolute, parts.is_empty()) {
        (true, _) => format!("/{}", parts.join("/")),
        (false, true) => ".".into(),
        (false, false) => parts.join("/"),
    }
}

/// Why a scan could not run (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// A root does not exist.
    #[error("cannot scan `{path}`: no such file or directory")]
    MissingRoot {
        /// The root as given.
        path: String,
    },
    /// A root exists but cannot be inspected.
    #[error("cannot scan `{path}`: {source}")]
    Root {
        /// The root as given.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A `settings.scan.exclude` glob does not parse.
    #[error("{file}:{line}:{column}: invalid exclude glob `{glob}`: {message}")]
    BadExclude {
        /// The flags file.
        file: String,
        /// 1-based line of the glob.
        line: u32,
        /// 1-based column.
        column: u32,
        /// The glob as written.
        glob: String,
        /// What is wrong.
        message: String,
    },
    /// `--flag KEY` names no flag.
    #[error("unknown flag `{key}`{hint}")]
    UnknownFlag {
        /// The key given.
        key: String,
        /// A "did you mean" suggestion, or empty.
        hint: String,
    },
}

/// Scans `opts.roots` for references to the flags of `file`.
///
/// Every file met is either scanned or counted in `stats.skipped`; unreadable files do
/// not stop the scan. The result is sorted (root in the order given, then path, line,
/// column, flag), so it is identical whatever the thread scheduling.
pub fn scan(file: &FlagsFile, opts: &ScanOptions) -> Result<ScanResult, ScanError> {
    walk::run(file, opts)
}

/// The path of a record as seen from the current directory: `root/path` (just `path`
/// for the `.` root).
pub fn shown_path(root: &str, path: &str) -> String {
    match root {
        "" | "." => path.to_string(),
        r if r.ends_with('/') => format!("{r}{path}"),
        r => format!("{r}/{path}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_root_names() {
        assert_eq!(normalize("./src/"), "src");
        assert_eq!(normalize("."), ".");
        assert_eq!(normalize(""), ".");
        assert_eq!(normalize("../svc-a"), "../svc-a");
        assert_eq!(normalize("/abs/./x"), "/abs/x");
        assert_eq!(normalize("a//b"), "a/b");
    }

    #[test]
    fn relative_paths() {
        let r = |p: &str, b: &str| relative_to(Path::new(p), Path::new(b));
        assert_eq!(r("/repo/.", "/repo"), PathBuf::from("."));
        assert_eq!(r("/repo/src", "/repo"), PathBuf::from("src"));
        assert_eq!(r("/repo/src", "/repo/sub/dir"), PathBuf::from("../../src"));
        assert_eq!(r("/repo/./a/../b", "/repo"), PathBuf::from("b"));
    }
}
