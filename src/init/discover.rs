//! `init --discover`: scan the code for SDK calls with a literal key, then date each key
//! from git and find its owner in CODEOWNERS.

use super::codeowners::CodeOwners;
use super::{Candidate, Discovery, History, Location, OwnerSource, Proposal, UNOWNED, shapes};
use crate::error::{Error, Result};
use crate::git::{FirstSeen, GitError, Repo};
use crate::model::decode::valid_key;
use crate::model::{FlagType, FlagsFile, Settings};
use crate::scan::{self, Root, ScanOptions, Undefined, shown_path};
use chrono::{Days, NaiveDate};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What to discover, and the defaults of the proposed flags.
#[derive(Debug, Clone)]
pub struct Options {
    /// The directories (or files) to scan.
    pub roots: Vec<Root>,
    /// Where the flags file will be written (never scanned).
    pub flags_path: PathBuf,
    /// The flags file as named in messages.
    pub flags_display: String,
    /// The type of every proposed flag.
    pub flag_type: FlagType,
    /// The owner of keys CODEOWNERS does not cover.
    pub owner: Option<String>,
    /// "Today": the `created` date of keys without history.
    pub today: NaiveDate,
    /// The settings the file will have (lifetimes, exclusions).
    pub settings: Settings,
}

/// The calls of one key found by the scan.
struct Found<'a> {
    calls: Vec<&'a Undefined>,
}

/// Scans `opts.roots` and proposes one flag per key passed to an SDK call.
pub fn discover(opts: &Options) -> Result<Discovery> {
    let mut file = FlagsFile::default();
    file.settings = opts.settings.clone();
    file.settings.scan.patterns.extend(shapes::builtin());
    let mut scan_opts = ScanOptions::new(opts.roots.clone());
    scan_opts.flags_path = Some(opts.flags_path.clone());
    scan_opts.flags_display = opts.flags_display.clone();
    let scanned = scan::scan(&file, &scan_opts)?;

    let mut keys: BTreeMap<&str, Found<'_>> = BTreeMap::new();
    let mut bad: BTreeMap<&str, Vec<&Undefined>> = BTreeMap::new();
    for u in &scanned.undefined {
        if valid_key(&u.key) {
            keys.entry(&u.key)
                .or_insert_with(|| Found { calls: Vec::new() })
                .calls
                .push(u);
        } else {
            bad.entry(&u.key).or_default().push(u);
        }
    }
    let names: Vec<&str> = keys.keys().copied().collect();
    let (history, seen, repo_root) = history(&opts.roots, &names);
    let owners_base = repo_root.unwrap_or_else(|| flags_dir(&opts.flags_path));
    let owners = CodeOwners::find(&owners_base).map_err(|(path, e)| Error::read(path, e))?;
    let methods = shapes::Methods::new();
    let flags = keys
        .iter()
        .map(|(key, found)| {
            let ctx = Inputs {
                opts,
                seen: &seen,
                owners: owners.as_ref(),
                owners_base: &owners_base,
                methods: &methods,
            };
            propose(key, found, &ctx)
        })
        .collect();
    Ok(Discovery {
        today: opts.today,
        file: opts.flags_display.clone(),
        roots: scanned.roots.clone(),
        files_scanned: scanned.stats.files_scanned,
        files_skipped: scanned.stats.skipped.total(),
        flag_type: opts.flag_type,
        default_owner: opts.owner.clone(),
        codeowners: owners.map(|o| o.file),
        history,
        flags,
        skipped: bad.into_iter().map(|(t, u)| candidate(t, &u)).collect(),
    })
}

/// The directory that will hold the flags file.
fn flags_dir(flags_path: &Path) -> PathBuf {
    let abs = crate::globs::absolute(flags_path);
    abs.parent().map(Path::to_path_buf).unwrap_or(abs)
}

/// Dates the keys from the history of the repository holding the first root: the
/// history, the dates, and the repository's root (for CODEOWNERS).
fn history(roots: &[Root], keys: &[&str]) -> (History, FirstSeen, Option<PathBuf>) {
    let unavailable = |reason: String| (History::Unavailable { reason }, FirstSeen::default());
    let Some(first) = roots.first() else {
        let (h, s) = unavailable("nothing was scanned".into());
        return (h, s, None);
    };
    let dir = if first.path.is_file() {
        first
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    } else {
        first.path.clone()
    };
    let repo = match Repo::discover(&dir) {
        Ok(repo) => repo,
        Err(GitError::NotARepo(_)) => {
            let (h, s) = unavailable("the scanned files are not in a git repository".into());
            return (h, s, None);
        }
        Err(e) => {
            let (h, s) = unavailable(e.to_string());
            return (h, s, None);
        }
    };
    let root = repo.root();
    // Roots outside this repository are scanned, but not dated from its history.
    let paths: Vec<String> = roots
        .iter()
        .filter_map(|r| repo.path_in_repo(&r.path).ok())
        .collect();
    let (h, s) = if paths.is_empty() {
        unavailable("the scanned paths are outside the repository".into())
    } else {
        match repo.first_seen(keys, &paths) {
            Ok(s) => (History::Git { commits: s.commits }, s),
            Err(e) => unavailable(e.to_string()),
        }
    };
    (h, s, Some(root))
}

/// What every proposal reads.
struct Inputs<'a> {
    opts: &'a Options,
    seen: &'a FirstSeen,
    owners: Option<&'a CodeOwners>,
    owners_base: &'a Path,
    methods: &'a shapes::Methods,
}

/// The proposed flag for one key.
fn propose(key: &str, found: &Found<'_>, ctx: &Inputs<'_>) -> Proposal {
    let (opts, seen) = (ctx.opts, ctx.seen);
    let mut per_file: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for u in &found.calls {
        *per_file.entry((&u.root, &u.path)).or_default() += 1;
    }
    // The file with the most calls; the first in path order among equals.
    let busiest = per_file
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(k, _)| *k);
    let first = found
        .calls
        .iter()
        .map(|u| Location {
            path: shown_path(&u.root, &u.path),
            line: u.line,
        })
        .min()
        .unwrap_or(Location {
            path: String::new(),
            line: 0,
        });
    let (owner, owner_source) = owner(busiest, opts, ctx.owners, ctx.owners_base);
    let introduced = seen.keys.get(key);
    let created = introduced.map_or(opts.today, |i| i.date);
    let mut methods: Vec<String> = found
        .calls
        .iter()
        .filter_map(|u| ctx.methods.of(&u.text, key))
        .collect();
    methods.sort();
    methods.dedup();
    Proposal {
        key: key.to_string(),
        created,
        commit: introduced.map(|i| i.short.clone()),
        owner,
        owner_source,
        expires: opts
            .settings
            .lifetimes
            .of(opts.flag_type)
            .and_then(|days| u64::try_from(days).ok())
            .and_then(|days| created.checked_add_days(Days::new(days))),
        first,
        calls: found.calls.len(),
        files: per_file.len(),
        methods,
    }
}

/// The owner of the file `busiest` (root and path, as the scan names them), from
/// CODEOWNERS; else `--owner`; else [`UNOWNED`].
fn owner(
    busiest: Option<(&str, &str)>,
    opts: &Options,
    owners: Option<&CodeOwners>,
    owners_base: &Path,
) -> (String, OwnerSource) {
    let from_codeowners = busiest.zip(owners).and_then(|((root, path), owners)| {
        let disk = disk_path(&opts.roots, root, path);
        let rel = repo_relative(&disk, owners_base)?;
        let owned = owners.owner_of(&rel)?;
        let first = owned.owners.first()?.clone();
        Some((
            first,
            OwnerSource::Codeowners {
                line: owned.line,
                path: shown_path(root, path),
            },
        ))
    });
    from_codeowners.unwrap_or_else(|| match &opts.owner {
        Some(o) => (o.clone(), OwnerSource::Option),
        None => (UNOWNED.to_string(), OwnerSource::Placeholder),
    })
}

/// Where a scanned file is on disk, from its root's display name and its path.
fn disk_path(roots: &[Root], root: &str, path: &str) -> PathBuf {
    match roots.iter().find(|r| r.display == root) {
        Some(r) if r.path.is_file() => r.path.parent().unwrap_or(&r.path).join(path),
        Some(r) => r.path.join(path),
        None => PathBuf::from(root).join(path),
    }
}

/// `path` relative to `base`, `/`-separated; symbolic links (a temporary directory
/// under a linked `/tmp`) are resolved on both sides first.
fn repo_relative(path: &Path, base: &Path) -> Option<String> {
    let real = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| crate::globs::absolute(p));
    let rel = real(path).strip_prefix(real(base)).ok()?.to_path_buf();
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

/// A string that is not a valid key, with its first occurrence and why.
fn candidate(text: &str, calls: &[&Undefined]) -> Candidate {
    let first = calls
        .iter()
        .map(|u| Location {
            path: shown_path(&u.root, &u.path),
            line: u.line,
        })
        .min()
        .unwrap_or(Location {
            path: String::new(),
            line: 0,
        });
    Candidate {
        text: text.to_string(),
        first,
        count: calls.len(),
        reason: why_not_key(text),
    }
}

/// Why `text` is not a flag key (keys use letters, digits, `.`, `_`, `:` and `-`).
fn why_not_key(text: &str) -> String {
    let bad = text
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-')));
    match bad {
        None => "it is empty".into(),
        Some(' ') => "it contains a space".into(),
        Some(c) if c.is_whitespace() || c.is_control() => {
            format!("it contains the character U+{:04X}", u32::from(c))
        }
        Some(c) => format!("it contains `{c}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_why_a_string_is_not_a_key() {
        assert_eq!(why_not_key("new checkout"), "it contains a space");
        assert_eq!(why_not_key("flag-${name}"), "it contains `$`");
        assert_eq!(why_not_key("a\tb"), "it contains the character U+0009");
    }

    #[test]
    fn proposes_from_calls_without_git() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        std::fs::create_dir(&src).unwrap();
        std::fs::write(
            src.join("a.ts"),
            "if (client.isEnabled('new-checkout')) {}\nclient.isEnabled('new-checkout');\nisEnabled('a b');\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("CODEOWNERS"), "src/ @web\n").unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let d = discover(&Options {
            roots: vec![Root::from_arg(Path::new("."), dir.path())],
            flags_path: dir.path().join("flags.yaml"),
            flags_display: "flags.yaml".into(),
            flag_type: FlagType::Release,
            owner: None,
            today,
            settings: Settings::default(),
        })
        .unwrap();
        assert!(matches!(d.history, History::Unavailable { .. }));
        assert_eq!(d.flags.len(), 1);
        let f = &d.flags[0];
        assert_eq!((f.key.as_str(), f.calls, f.files), ("new-checkout", 2, 1));
        assert_eq!((f.created, f.owner.as_str()), (today, "@web"));
        assert_eq!(f.expires, today.checked_add_days(Days::new(40)));
        assert_eq!(f.methods, ["isEnabled"]);
        assert_eq!(d.skipped.len(), 1);
        assert_eq!(d.skipped[0].reason, "it contains a space");
    }
}
