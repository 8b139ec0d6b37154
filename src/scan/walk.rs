//! The parallel walk and the per-file search.
//!
//! Each worker thread of the `ignore` crate's walker owns a read buffer and a list of
//! results; files are read whole into the reused buffer and searched once by the
//! [`Matcher`], then by the scan patterns (whose regexes skip to their literal prefix
//! with a fast substring search, so a file without `isFeatureEnabled(` costs one
//! memchr-speed pass). Line, column and text are computed only for hits. Workers merge
//! their results when they finish, and the merged list is sorted, so the output does
//! not depend on scheduling.

use super::matcher::{Hit, Matcher};
use super::records::{
    LineCursor, RefKind, Reference, ScanResult, SkipError, SkipReason, Skipped, Stats, Undefined,
};
use super::{Area, Root, ScanError, ScanOptions};
use crate::globs::{self, Globs};
use crate::model::{FlagsFile, Sp};
use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkBuilder, WalkState};
use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Bytes inspected for a NUL to call a file binary (as git and ripgrep do).
const BINARY_PROBE: usize = 8 * 1024;

/// A compiled scan pattern.
struct Pattern {
    regex: regex::bytes::Regex,
    source: String,
}

/// What every worker shares, read-only.
struct Plan<'a> {
    file: &'a FlagsFile,
    opts: &'a ScanOptions,
    matcher: Matcher,
    patterns: Vec<Pattern>,
    /// Key or literal alias → flag index, for pattern captures.
    resolve: HashMap<&'a str, usize>,
    /// `--flag KEY`: the one flag searched for.
    only: Option<usize>,
    /// The flags file: its name (cheap first check) and canonical path.
    flags_file: Option<(OsString, PathBuf)>,
    /// Which files are tests or docs.
    areas: Areas,
    /// `settings.cleanup.calls`, for roles.
    calls: crate::syntax::Calls,
    /// `settings.scan.definitions`: files that declare flags.
    definitions: PathGlobs,
}

/// The results of one file.
struct FileOut {
    path: String,
    refs: Vec<Reference>,
    undefined: Vec<Undefined>,
    nested: Vec<crate::scan::Nested>,
}

/// What the workers of one root pool together.
#[derive(Default)]
struct Pool {
    files: Vec<FileOut>,
    files_scanned: u64,
    bytes_scanned: u64,
    skipped: Skipped,
    errors: Vec<SkipError>,
}

/// Counters bumped by the entry filter, which runs inside the walker.
#[derive(Default)]
struct FilterCounts {
    hidden: AtomicU64,
    excluded: AtomicU64,
    excluded_dirs: AtomicU64,
}

/// The globs of one setting, compiled in the one dialect of [`crate::globs`], with the
/// directory their `/` globs are relative to (the flags file's).
pub(crate) struct PathGlobs {
    globs: Globs,
    base: Option<PathBuf>,
}

/// The directories of a glob before its first wildcard: `a/b` for `a/b/*.ts`, empty
/// for `**/*.min.js` or a bare file name (which matches at any depth).
fn literal_dir(glob: &str) -> &str {
    let glob = glob.trim_start_matches("./").trim_start_matches('/');
    if !glob.contains('/') {
        return "";
    }
    let wild = glob.find(['*', '?', '[', '{']).unwrap_or(glob.len());
    glob[..wild].rfind('/').map_or("", |slash| &glob[..slash])
}

impl PathGlobs {
    /// Compiles a setting's globs; an invalid one is an error at its position (the
    /// file validated, so this only guards a model built by hand).
    fn new(list: &[Sp<String>], opts: &ScanOptions) -> Result<PathGlobs, ScanError> {
        let globs = Globs::new(list.iter().map(|g| g.value.as_str())).map_err(|(i, e)| {
            let (glob, pos) = list
                .get(i)
                .map_or((String::new(), crate::diag::Pos::START), |g| {
                    (g.value.clone(), g.pos)
                });
            ScanError::BadExclude {
                file: opts.flags_display.clone(),
                line: pos.line,
                column: pos.column,
                glob,
                message: e.kind().to_string(),
            }
        })?;
        Ok(PathGlobs {
            globs,
            base: flags_dir(opts),
        })
    }

    /// Globs without positions (defaults and `settings.scan.areas`): one that does not
    /// compile leaves the set empty rather than stop the scan.
    fn from_strings(list: &[String], opts: &ScanOptions) -> PathGlobs {
        PathGlobs {
            globs: Globs::new(list.iter().map(String::as_str)).unwrap_or_else(|_| Globs::empty()),
            base: flags_dir(opts),
        }
    }

    fn is_empty(&self) -> bool {
        self.globs.is_empty()
    }

    /// The globs that matched nothing although the scan covered where they point (for
    /// roots chosen on the command line):
    /// a glob's literal directory (`frontend/src/openapi` of
    /// `frontend/src/openapi/**`) inside a root, or a root inside it. A scan of
    /// `src/rb` alone says nothing about `vendor/**`, so that glob is not reported.
    fn unused_within(&self, roots: &[&Root]) -> Vec<String> {
        let Some(base) = &self.base else {
            return self.globs.unused();
        };
        self.globs
            .unused()
            .into_iter()
            .filter(|glob| {
                let dir = base.join(literal_dir(glob));
                roots.iter().any(|root| {
                    let root = globs::absolute(&root.path);
                    root.starts_with(&dir) || dir.starts_with(&root)
                })
            })
            .collect()
    }

    /// Whether the entry at `path` (absolute; `rel` relative to its scan root) matches.
    fn matches(&self, path: &Path, rel: &Path, is_dir: bool) -> bool {
        let name = path.file_name().unwrap_or_default();
        let rel = globs::relative(self.base.as_deref(), path, rel);
        self.globs.matches(rel, name, is_dir)
    }
}

/// The directory holding the flags file, absolute: what the `/` globs of the scan
/// settings are relative to.
fn flags_dir(opts: &ScanOptions) -> Option<PathBuf> {
    opts.flags_path
        .as_ref()
        .and_then(|p| globs::absolute(p).parent().map(Path::to_path_buf))
}

/// `settings.scan.areas`, compiled: which files are tests or docs.
struct Areas {
    test: PathGlobs,
    docs: PathGlobs,
}

impl Areas {
    fn new(file: &FlagsFile, opts: &ScanOptions) -> Areas {
        let areas = &file.settings.scan.areas;
        Areas {
            test: PathGlobs::from_strings(&areas.test, opts),
            docs: PathGlobs::from_strings(&areas.docs, opts),
        }
    }

    /// The area of the file at `path` (`rel` relative to its scan root).
    fn of(&self, path: &Path, rel: &Path) -> Area {
        if self.docs.matches(path, rel, false) {
            Area::Docs
        } else if self.test.matches(path, rel, false) {
            Area::Test
        } else {
            Area::Code
        }
    }
}

/// `settings.scan.definitions`: the files that declare flags, where references are
/// definitions rather than uses.
pub struct DefinitionFiles(PathGlobs);

impl DefinitionFiles {
    /// Whether the file at `path` (on disk; `rel` relative to its scan root) is one.
    pub fn contains(&self, path: &Path, rel: &Path) -> bool {
        !self.0.is_empty() && self.0.matches(&globs::absolute(path), rel, false)
    }
}

/// Compiles `settings.scan.definitions` for the flags file of `opts`.
pub fn definition_files(
    file: &FlagsFile,
    opts: &ScanOptions,
) -> Result<DefinitionFiles, ScanError> {
    PathGlobs::new(&file.settings.scan.definitions, opts).map(DefinitionFiles)
}

/// Runs the scan (see [`super::scan`]).
pub fn run(file: &FlagsFile, opts: &ScanOptions) -> Result<ScanResult, ScanError> {
    let only = only_flag(file, opts)?;
    let excludes = Arc::new(PathGlobs::new(&file.settings.scan.exclude, opts)?);
    let roots = check_roots(opts)?;
    let plan = Plan::new(file, opts, only)?;

    let mut stats = Stats {
        max_filesize: opts.max_filesize,
        ..Stats::default()
    };
    let mut files: Vec<(usize, FileOut)> = Vec::new();
    for (ri, root) in roots.iter().enumerate() {
        let pool = walk_root(&plan, root, &excludes);
        stats.files_scanned += pool.files_scanned;
        stats.bytes_scanned += pool.bytes_scanned;
        stats.skipped.add(&pool.skipped);
        stats.errors.extend(pool.errors);
        files.extend(pool.files.into_iter().map(|f| (ri, f)));
    }
    files.sort_by(|a, b| (a.0, &a.1.path).cmp(&(b.0, &b.1.path)));
    stats.errors.sort();
    stats.unused_excludes = if opts.roots_chosen {
        excludes.unused_within(&roots)
    } else {
        excludes.globs.unused()
    };
    Ok(merge(&plan, &roots, stats, files))
}

/// `--flag KEY`: the index of the one flag searched for.
fn only_flag(file: &FlagsFile, opts: &ScanOptions) -> Result<Option<usize>, ScanError> {
    let Some(key) = &opts.flag else {
        return Ok(None);
    };
    file.flags
        .iter()
        .position(|f| &f.key == key)
        .map(Some)
        .ok_or_else(|| ScanError::UnknownFlag {
            key: key.clone(),
            hint: crate::suggest::did_you_mean(key, file.flags.iter().map(|f| f.key.as_str())),
        })
}

/// The roots without repeats. Every root is checked before any is scanned, so a
/// typo fails fast.
fn check_roots(opts: &ScanOptions) -> Result<Vec<&Root>, ScanError> {
    let mut roots: Vec<&Root> = Vec::new();
    for root in &opts.roots {
        if roots.iter().any(|r| r.path == root.path) {
            continue;
        }
        match std::fs::metadata(&root.path) {
            Ok(_) => roots.push(root),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ScanError::MissingRoot {
                    path: root.display.clone(),
                });
            }
            Err(e) => {
                return Err(ScanError::Root {
                    path: root.display.clone(),
                    source: e,
                });
            }
        }
    }
    Ok(roots)
}

impl<'a> Plan<'a> {
    fn new(
        file: &'a FlagsFile,
        opts: &'a ScanOptions,
        only: Option<usize>,
    ) -> Result<Plan<'a>, ScanError> {
        Ok(Plan {
            file,
            opts,
            // Every flag's spellings even with `--flag`: the longest spelling at a place
            // decides which flag it refers to (`checkout.v2` is `checkout-v2`'s dot
            // alias, not `checkout`), and the view of one flag must agree with the full scan.
            matcher: Matcher::new(file, None),
            // The patterns compiled as `regex::Regex` when the file was loaded, so they
            // compile as byte regexes too; one that somehow did not would just not run.
            patterns: file
                .settings
                .scan
                .patterns
                .iter()
                .filter_map(|p| {
                    regex::bytes::Regex::new(&p.source.value)
                        .ok()
                        .map(|regex| Pattern {
                            regex,
                            source: p.source.value.clone(),
                        })
                })
                .collect(),
            resolve: resolve_names(file),
            only,
            flags_file: opts.flags_path.as_ref().and_then(|p| {
                let name = p.file_name()?.to_os_string();
                Some((name, std::fs::canonicalize(p).ok()?))
            }),
            areas: Areas::new(file, opts),
            calls: crate::syntax::Calls::for_settings(&file.settings.cleanup),
            definitions: definition_files(file, opts)?.0,
        })
    }
}

/// Key or literal alias → flag index. Keys first, so a key shadows another flag's
/// alias of the same spelling; among equals the first flag wins.
fn resolve_names(file: &FlagsFile) -> HashMap<&str, usize> {
    let mut resolve: HashMap<&str, usize> = HashMap::new();
    for (i, f) in file.flags.iter().enumerate() {
        resolve.entry(f.key.as_str()).or_insert(i);
    }
    for (i, f) in file.flags.iter().enumerate() {
        for a in &f.aliases {
            resolve.entry(a.value.as_str()).or_insert(i);
        }
    }
    resolve
}

/// The sorted per-file results joined into the scan result, with the area counts
/// and the flags nothing uses.
fn merge(
    plan: &Plan<'_>,
    roots: &[&Root],
    mut stats: Stats,
    files: Vec<(usize, FileOut)>,
) -> ScanResult {
    let mut references = Vec::new();
    let mut undefined = Vec::new();
    let mut nested = Vec::new();
    for (_, f) in files {
        references.extend(f.refs);
        undefined.extend(f.undefined);
        nested.extend(f.nested);
    }
    for r in &references {
        stats.areas.add(r.area);
    }
    // A declaration is not a use: a flag only declared is unreferenced.
    let referenced: HashSet<&str> = references
        .iter()
        .filter(|r| r.role != crate::scan::Role::Definition)
        .map(|r| r.flag.as_str())
        .collect();
    let unreferenced = plan
        .file
        .flags
        .iter()
        .enumerate()
        .filter(|(i, f)| plan.only.is_none_or(|o| o == *i) && !referenced.contains(f.key.as_str()))
        .map(|(_, f)| f.key.clone())
        .collect();
    ScanResult {
        roots: roots.iter().map(|r| r.display.clone()).collect(),
        stats,
        references,
        undefined,
        unreferenced,
        nested,
    }
}

/// Walks one root with the parallel walker.
fn walk_root(plan: &Plan<'_>, root: &Root, excludes: &Arc<PathGlobs>) -> Pool {
    let (base, display) = root_base(root);
    let mut builder = walk_builder(plan.opts, root);
    let counts = Arc::new(FilterCounts::default());
    builder.filter_entry(entry_filter(
        Arc::clone(&counts),
        Arc::clone(excludes),
        base.clone(),
        plan.opts.hidden,
    ));

    let pool = Mutex::new(Pool::default());
    let mut workers = Workers {
        plan,
        base: &base,
        display: &display,
        pool: &pool,
    };
    builder.build_parallel().visit(&mut workers);
    let mut pool = pool.into_inner().unwrap_or_else(|e| e.into_inner());
    pool.skipped.hidden += counts.hidden.load(Ordering::Relaxed);
    pool.skipped.excluded += counts.excluded.load(Ordering::Relaxed);
    pool.skipped.excluded_dirs += counts.excluded_dirs.load(Ordering::Relaxed);
    pool
}

/// The directory paths are reported relative to, and how the root is shown.
/// A file given as a root is reported relative to its directory.
fn root_base(root: &Root) -> (PathBuf, String) {
    if root.path.is_file() {
        let base = root
            .path
            .parent()
            .map_or_else(PathBuf::new, Path::to_path_buf);
        let parent = Path::new(&root.display)
            .parent()
            .map(|p| p.to_string_lossy().into_owned());
        (base, super::normalize(&parent.unwrap_or_default()))
    } else {
        (root.path.clone(), root.display.clone())
    }
}

/// The walker for one root, with the ignore-file options.
fn walk_builder(opts: &ScanOptions, root: &Root) -> WalkBuilder {
    let mut builder = WalkBuilder::new(&root.path);
    let ignores = !opts.no_ignore;
    builder
        // Hidden entries are filtered below instead, so they can be counted.
        .hidden(false)
        .ignore(ignores)
        .git_ignore(ignores)
        .git_exclude(ignores)
        .parents(ignores)
        // A user's global gitignore would make results differ between machines.
        .git_global(false)
        // Honour .gitignore in a tree that is not (or not yet) a git repository, e.g.
        // a source tarball or a fixture.
        .require_git(false)
        .follow_links(opts.follow)
        .threads(opts.threads);
    if ignores {
        builder.add_custom_ignore_filename(".flagctlignore");
    }
    builder
}

/// The entry filter: drops hidden and excluded entries, counting them. It runs
/// inside the walker so excluded directories are never entered.
fn entry_filter(
    counts: Arc<FilterCounts>,
    excludes: Arc<PathGlobs>,
    base: PathBuf,
    hidden: bool,
) -> impl Fn(&DirEntry) -> bool + Send + Sync + 'static {
    move |e| {
        if e.depth() == 0 {
            return true;
        }
        let name = e.file_name();
        if !hidden && name.as_encoded_bytes().first() == Some(&b'.') {
            counts.hidden.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        if excludes.is_empty() {
            return true;
        }
        let is_dir = e.file_type().is_some_and(|t| t.is_dir());
        let rel = e.path().strip_prefix(&base).unwrap_or(e.path());
        if excludes.matches(&globs::absolute(e.path()), rel, is_dir) {
            let c = if is_dir {
                &counts.excluded_dirs
            } else {
                &counts.excluded
            };
            c.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        true
    }
}

/// Builds one [`Worker`] per walker thread.
struct Workers<'s> {
    plan: &'s Plan<'s>,
    base: &'s Path,
    display: &'s str,
    pool: &'s Mutex<Pool>,
}

impl<'s> ParallelVisitorBuilder<'s> for Workers<'s> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(Worker {
            plan: self.plan,
            base: self.base,
            display: self.display,
            pool: self.pool,
            local: Pool::default(),
            buf: Vec::new(),
            hits: Vec::new(),
        })
    }
}

/// One walker thread: its buffers and its share of the results.
struct Worker<'s> {
    plan: &'s Plan<'s>,
    base: &'s Path,
    display: &'s str,
    pool: &'s Mutex<Pool>,
    local: Pool,
    buf: Vec<u8>,
    hits: Vec<Hit>,
}

impl Drop for Worker<'_> {
    fn drop(&mut self) {
        let local = std::mem::take(&mut self.local);
        let mut pool = self.pool.lock().unwrap_or_else(|e| e.into_inner());
        pool.files.extend(local.files);
        pool.files_scanned += local.files_scanned;
        pool.bytes_scanned += local.bytes_scanned;
        pool.skipped.add(&local.skipped);
        pool.errors.extend(local.errors);
    }
}

impl ParallelVisitor for Worker<'_> {
    fn visit(&mut self, entry: Result<DirEntry, ignore::Error>) -> WalkState {
        match entry {
            Ok(e) => self.entry(&e),
            Err(err) => self.error(&err),
        }
        WalkState::Continue
    }
}

/// The innermost cause of a walker error and the path it concerns.
fn unwrap_error(err: &ignore::Error) -> (Option<&Path>, &ignore::Error) {
    match err {
        ignore::Error::WithPath { path, err } => (Some(path.as_path()), unwrap_error(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            unwrap_error(err)
        }
        ignore::Error::Partial(errs) if !errs.is_empty() => unwrap_error(&errs[0]),
        other => (None, other),
    }
}

impl Worker<'_> {
    fn rel(&self, path: &Path) -> String {
        let rel = path.strip_prefix(self.base).unwrap_or(path);
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts.is_empty() {
            // The root itself (a file root has its directory as base, so this is a
            // directory root that could not be read).
            ".".into()
        } else {
            parts.join("/")
        }
    }

    fn record_error(&mut self, path: &Path, reason: SkipReason, message: String) {
        let path = self.rel(path);
        self.local.errors.push(SkipError {
            root: self.display.to_string(),
            path,
            reason,
            message,
        });
    }

    fn error(&mut self, err: &ignore::Error) {
        let (path, cause) = unwrap_error(err);
        match cause {
            ignore::Error::Loop { child, ancestor } => {
                self.local.skipped.symlink_loops += 1;
                let message = format!("leads back to {}", self.rel(ancestor));
                self.record_error(child, SkipReason::SymlinkLoop, message);
            }
            // Errors reading an ignore file leave the rest of the walk intact; they
            // are not about a file to scan.
            ignore::Error::Glob { .. } => {}
            other => {
                self.local.skipped.unreadable += 1;
                let message = match other.io_error() {
                    Some(io) => io_message(io),
                    None => other.to_string(),
                };
                let path = path.map_or_else(|| self.base.to_path_buf(), Path::to_path_buf);
                self.record_error(&path, SkipReason::Unreadable, message);
            }
        }
    }

    fn entry(&mut self, e: &DirEntry) {
        let Some(ft) = e.file_type() else {
            return;
        };
        if ft.is_dir() {
            return;
        }
        if ft.is_symlink() {
            // Only reached without --follow: with it, the walker resolves links.
            self.local.skipped.symlinks += 1;
            return;
        }
        if !ft.is_file() {
            self.local.skipped.special += 1;
            return;
        }
        if let Some((name, canonical)) = &self.plan.flags_file {
            if e.file_name() == name
                && std::fs::canonicalize(e.path()).is_ok_and(|p| &p == canonical)
            {
                self.local.skipped.flags_file += 1;
                return;
            }
        }
        self.file(e.path());
    }

    fn file(&mut self, path: &Path) {
        let max = self.plan.opts.max_filesize;
        let read = |buf: &mut Vec<u8>| -> std::io::Result<Option<()>> {
            let mut f = File::open(path)?;
            let len = f.metadata()?.len();
            if len > max {
                return Ok(None);
            }
            buf.clear();
            // A huge --max-filesize must not abort the process on allocation failure.
            let want = usize::try_from(len).unwrap_or(usize::MAX).saturating_add(1);
            buf.try_reserve(want).map_err(|_| {
                std::io::Error::new(
                    std::io::ErrorKind::OutOfMemory,
                    "not enough memory to read it",
                )
            })?;
            // A file that grows while we read it is still cut at the limit.
            (&mut f).take(max.saturating_add(1)).read_to_end(buf)?;
            Ok((buf.len() as u64 <= max).then_some(()))
        };
        let mut buf = std::mem::take(&mut self.buf);
        match read(&mut buf) {
            Err(e) => {
                self.local.skipped.unreadable += 1;
                self.record_error(path, SkipReason::Unreadable, io_message(&e));
            }
            Ok(None) => self.local.skipped.too_large += 1,
            Ok(Some(())) => {
                let probe = &buf[..buf.len().min(BINARY_PROBE)];
                if memchr::memchr(0, probe).is_some() {
                    self.local.skipped.binary += 1;
                } else {
                    self.local.files_scanned += 1;
                    self.local.bytes_scanned += buf.len() as u64;
                    if let Some(p) = &self.plan.opts.progress {
                        p.files.fetch_add(1, Ordering::Relaxed);
                        p.bytes.fetch_add(buf.len() as u64, Ordering::Relaxed);
                    }
                    self.search(path, &buf);
                }
            }
        }
        // Keep the allocation for the next file, unless one huge file inflated it.
        if buf.capacity() <= 1 << 20 {
            self.buf = buf;
        }
    }

    fn search(&mut self, path: &Path, buf: &[u8]) {
        let plan = self.plan;
        self.hits.clear();
        plan.matcher.find(buf, &mut self.hits);
        let captured = captures(plan, buf);
        if self.hits.is_empty() && captured.is_empty() {
            return;
        }
        let events = events(plan, &self.hits, captured);
        let rel = self.rel(path);
        let area = plan.areas.of(&globs::absolute(path), Path::new(&rel));
        let mut out = FileOut {
            path: rel,
            refs: Vec::new(),
            undefined: Vec::new(),
            nested: Vec::new(),
        };
        let spans = self.record(buf, events, area, &mut out);
        self.assign_roles(path, buf, &spans, &mut out);
        // Same position, several flags (one spelling shared): order by key.
        out.refs
            .sort_by(|a, b| (a.line, a.column, &a.flag).cmp(&(b.line, b.column, &b.flag)));
        self.local.files.push(out);
    }

    /// Turns the events of one file into its references and undefined keys (with
    /// line, column and text), returning the byte spans of the references in the
    /// same order for [`Self::assign_roles`].
    fn record(
        &self,
        buf: &[u8],
        events: Vec<Event<'_>>,
        area: Area,
        out: &mut FileOut,
    ) -> Vec<crate::syntax::FileRef> {
        let plan = self.plan;
        let mut spans: Vec<crate::syntax::FileRef> = Vec::new();
        let mut cursor = LineCursor::new(buf);
        for ev in events {
            match ev {
                Event::Ref {
                    start,
                    end,
                    flag,
                    kind,
                } => {
                    let loc = cursor.locate(start);
                    let context = plan.opts.context.map(|n| cursor.context(loc.span, n));
                    spans.push(crate::syntax::FileRef {
                        start,
                        end,
                        pattern: kind == RefKind::Pattern,
                        flag,
                    });
                    out.refs.push(Reference {
                        flag: plan.file.flags[flag].key.clone(),
                        root: self.display.to_string(),
                        path: out.path.clone(),
                        line: loc.line,
                        column: loc.column,
                        matched: String::from_utf8_lossy(&buf[start..end]).into_owned(),
                        kind,
                        role: crate::scan::Role::Mention,
                        text: loc.text,
                        truncated: loc.truncated,
                        context,
                        area,
                    });
                }
                Event::Undef {
                    start,
                    key,
                    pattern,
                } => {
                    let loc = cursor.locate(start);
                    out.undefined.push(Undefined {
                        key,
                        root: self.display.to_string(),
                        path: out.path.clone(),
                        line: loc.line,
                        column: loc.column,
                        text: loc.text,
                        truncated: loc.truncated,
                        pattern: pattern.to_string(),
                    });
                }
            }
        }
        spans
    }
}

/// One capture of a scan pattern: its byte range, the flag it names (or the
/// unknown key), and the index of the pattern.
type Capture = (usize, usize, Result<usize, String>, usize);

/// What one file holds, in file order, before line and column are computed.
enum Event<'b> {
    Ref {
        start: usize,
        end: usize,
        flag: usize,
        kind: RefKind,
    },
    Undef {
        start: usize,
        key: String,
        pattern: &'b str,
    },
}

/// The captures of every scan pattern in `buf` that name a flag searched for, or
/// (without `--flag`) a key no flag has.
fn captures(plan: &Plan<'_>, buf: &[u8]) -> Vec<Capture> {
    let mut captured: Vec<Capture> = Vec::new();
    for (pi, p) in plan.patterns.iter().enumerate() {
        for caps in p.regex.captures_iter(buf) {
            let Some(g) = caps.get(1) else { continue };
            let Ok(key) = std::str::from_utf8(g.as_bytes()) else {
                continue;
            };
            match plan.resolve.get(key) {
                Some(&flag) if plan.only.is_none_or(|o| o == flag) => {
                    captured.push((g.start(), g.end(), Ok(flag), pi));
                }
                Some(_) => {}
                None if plan.only.is_none() && !key.is_empty() => {
                    captured.push((g.start(), g.end(), Err(key.to_string()), pi));
                }
                None => {}
            }
        }
    }
    captured
}

/// The token hits and the pattern captures as one sorted list of events, each
/// place and flag once.
fn events<'p>(plan: &'p Plan<'_>, hits: &[Hit], captured: Vec<Capture>) -> Vec<Event<'p>> {
    // A capture and a token hit for the same flag at the same place are one
    // reference, of kind `pattern`. A set, not a list: a generated file can hold
    // hundreds of thousands of captures, and a search per hit made it quadratic.
    let pattern_at: HashSet<(usize, usize)> = captured
        .iter()
        .filter_map(|(s, _, r, _)| r.as_ref().ok().map(|&f| (*s, f)))
        .collect();
    let mut events: Vec<Event<'_>> = Vec::new();
    for h in hits {
        for t in plan.matcher.targets(h) {
            if plan.only.is_none_or(|o| o == t.flag) && !pattern_at.contains(&(h.start, t.flag)) {
                events.push(Event::Ref {
                    start: h.start,
                    end: h.end,
                    flag: t.flag,
                    kind: t.kind,
                });
            }
        }
    }
    let mut seen: HashSet<(usize, usize)> = HashSet::with_capacity(captured.len());
    let mut first_at = |at: (usize, usize)| seen.insert(at);
    for (start, end, r, pi) in captured {
        match r {
            // Two patterns capturing the same key at the same place: one record.
            Ok(flag) if first_at((start, flag)) => events.push(Event::Ref {
                start,
                end,
                flag,
                kind: RefKind::Pattern,
            }),
            Ok(_) => {}
            Err(key) if first_at((start, usize::MAX)) => events.push(Event::Undef {
                start,
                key,
                pattern: &plan.patterns[pi].source,
            }),
            Err(_) => {}
        }
    }
    let at = |e: &Event<'_>| match e {
        Event::Ref { start, flag, .. } => (*start, *flag),
        Event::Undef { start, .. } => (*start, usize::MAX),
    };
    events.sort_by_key(at);
    events
}

impl Worker<'_> {
    /// Sets the role of each reference of `out` (in the order of `spans`) and records
    /// the file's nested checks.
    fn assign_roles(
        &self,
        path: &Path,
        buf: &[u8],
        spans: &[crate::syntax::FileRef],
        out: &mut FileOut,
    ) {
        if spans.is_empty() {
            return;
        }
        let definitions_file = !self.plan.definitions.is_empty()
            && self
                .plan
                .definitions
                .matches(&globs::absolute(path), Path::new(&out.path), false);
        let roles = crate::syntax::file_roles(path, buf, spans, &self.plan.calls, definitions_file);
        for (r, role) in out.refs.iter_mut().zip(roles.roles) {
            r.role = role;
        }
        let at = |i: usize| {
            let r = &out.refs[i];
            crate::scan::CheckLocation {
                flag: r.flag.clone(),
                root: r.root.clone(),
                path: r.path.clone(),
                line: r.line,
                column: r.column,
            }
        };
        for (outer, inner) in roles.nested {
            out.nested.push(crate::scan::Nested {
                outer: at(outer),
                inner: at(inner),
            });
        }
        out.nested.sort();
        out.nested.dedup();
    }
}

/// The OS message without Rust's ` (os error N)` suffix.
fn io_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}
