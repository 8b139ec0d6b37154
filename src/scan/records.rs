//! The scan's results, as typed values that serialize to (and deserialize from) the
//! JSON of `flagctl scan --format json`, so `flagctl audit --refs` can merge the scans
//! of other repositories.
//!
//! Also the helpers that turn a byte offset of a hit into its line, column and text:
//! they run only for hits, never for every line.

pub use crate::syntax::Role;
pub use crate::syntax::nested::{CheckLocation, Nested};
use memchr::{memchr, memrchr};
use serde::{Deserialize, Serialize};

/// Longest `text` (and context line), in characters, kept in a record.
pub const MAX_TEXT_CHARS: usize = 300;

/// Characters of a long line kept before the match when the line is cut.
const LEAD_CHARS: usize = 100;

/// Everything one scan found: the JSON document of `flagctl scan --format json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanResult {
    /// The scanned roots, in the order given.
    pub roots: Vec<String>,
    /// How many files were scanned and how many skipped, by reason.
    pub stats: Stats,
    /// One record per reference, sorted by root (in the order of `roots`), path, line,
    /// column and flag.
    pub references: Vec<Reference>,
    /// Keys captured by `settings.scan.patterns` that flags.yaml does not define, in
    /// the same order.
    pub undefined: Vec<Undefined>,
    /// Keys of the flags (of those scanned for) with no reference other than
    /// definitions, in file order.
    pub unreferenced: Vec<String>,
    /// Checks of a flag inside a branch controlled by another flag's check, sorted.
    #[serde(default)]
    pub nested: Vec<Nested>,
}

/// How a reference was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RefKind {
    /// The flag key itself, as a whole token.
    Key,
    /// A literal alias (`aliases:`) or a generated one (`settings.scan.aliases`).
    Alias,
    /// The capture group of a `settings.scan.patterns` regex. When a pattern captures
    /// a key that is also found as a token at the same place, the one record has this
    /// kind: the pattern is the stronger evidence.
    Pattern,
}

impl RefKind {
    /// `key`, `alias` or `pattern`.
    pub fn as_str(self) -> &'static str {
        match self {
            RefKind::Key => "key",
            RefKind::Alias => "alias",
            RefKind::Pattern => "pattern",
        }
    }
}

/// One occurrence of a flag in code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// The flag key.
    pub flag: String,
    /// The root this file was found under, as given (or relative to the current
    /// directory for the default roots).
    pub root: String,
    /// The file, relative to `root`, with `/` separators.
    pub path: String,
    /// 1-based line.
    pub line: u64,
    /// 1-based column, in characters (Unicode scalar values; in invalid UTF-8 every
    /// byte that does not continue a sequence counts as one).
    pub column: u64,
    /// The text found: the key, the alias spelling, or the pattern's capture.
    pub matched: String,
    /// How it was found.
    pub kind: RefKind,
    /// What it does: `check`, `definition`, `gate` or `mention` (scans written before
    /// roles existed read as `mention`).
    #[serde(default)]
    pub role: Role,
    /// The line's text (without the line ending), invalid UTF-8 replaced by U+FFFD,
    /// cut to 300 characters around the match when longer.
    pub text: String,
    /// Whether `text` was cut.
    #[serde(default)]
    pub truncated: bool,
    /// Lines around the reference, with `-C N`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
    /// Whether the file is production code, a test or documentation
    /// (`settings.scan.areas`). Only code keeps a flag alive.
    #[serde(default)]
    pub area: Area,
}

/// References per area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AreaCounts {
    /// In production code.
    pub code: u64,
    /// In tests.
    pub test: u64,
    /// In documentation.
    pub docs: u64,
}

impl AreaCounts {
    /// Counts one reference in `area`.
    pub fn add(&mut self, area: Area) {
        match area {
            Area::Code => self.code += 1,
            Area::Test => self.test += 1,
            Area::Docs => self.docs += 1,
        }
    }
}

/// What kind of file a reference is in.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Area {
    /// Production code.
    #[default]
    Code,
    /// Tests.
    Test,
    /// Documentation.
    Docs,
}

impl Area {
    /// `code`, `test` or `docs`.
    pub fn as_str(self) -> &'static str {
        match self {
            Area::Code => "code",
            Area::Test => "test",
            Area::Docs => "docs",
        }
    }
}

/// Lines before and after a reference (`-C N`), each cut to 300 characters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Context {
    /// Up to N lines before, in file order.
    pub before: Vec<String>,
    /// Up to N lines after, in file order.
    pub after: Vec<String>,
}

/// A key captured by a scan pattern that flags.yaml does not define.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Undefined {
    /// The captured key.
    pub key: String,
    /// The root, as in [`Reference::root`].
    pub root: String,
    /// The file, relative to `root`.
    pub path: String,
    /// 1-based line.
    pub line: u64,
    /// 1-based column, in characters.
    pub column: u64,
    /// The line's text, as in [`Reference::text`].
    pub text: String,
    /// Whether `text` was cut.
    #[serde(default)]
    pub truncated: bool,
    /// The pattern that captured it, as written in flags.yaml.
    pub pattern: String,
}

/// Counts for the whole scan. Every file the walk met is either scanned or counted
/// under one reason in `skipped`. Missing fields read as 0, so scans written by other
/// versions still merge.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Stats {
    /// Files searched.
    pub files_scanned: u64,
    /// Bytes searched.
    pub bytes_scanned: u64,
    /// The size limit in bytes (`--max-filesize`).
    pub max_filesize: u64,
    /// Files (and pruned directories) not searched, by reason.
    pub skipped: Skipped,
    /// The paths behind `skipped.unreadable` and `skipped.symlink_loops`, with the
    /// operating system's message.
    #[serde(default)]
    pub errors: Vec<SkipError>,
    /// `settings.scan.exclude` globs that excluded nothing: usually a glob written
    /// relative to the wrong directory.
    #[serde(default)]
    pub unused_excludes: Vec<String>,
    /// References per area.
    #[serde(default)]
    pub areas: AreaCounts,
}

/// Why files were not searched. Files excluded by `.gitignore`, `.ignore` or
/// `.flagctlignore` are outside the scanned tree (as in ripgrep) and not counted here;
/// `--no-ignore` scans them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Skipped {
    /// A NUL byte in the first 8 KiB.
    pub binary: u64,
    /// Larger than `--max-filesize`.
    pub too_large: u64,
    /// Could not be opened or read (see `errors`).
    pub unreadable: u64,
    /// Files matched by `settings.scan.exclude`.
    pub excluded: u64,
    /// Directories matched by `settings.scan.exclude`, not descended into.
    pub excluded_dirs: u64,
    /// Hidden files and directories (name starting with `.`), not descended into;
    /// `--hidden` scans them.
    pub hidden: u64,
    /// Symbolic links not followed (without `--follow`).
    pub symlinks: u64,
    /// Symbolic links that lead back to a directory being walked (with `--follow`).
    pub symlink_loops: u64,
    /// FIFOs, sockets and devices, which are never opened.
    pub special: u64,
    /// The flags file itself.
    pub flags_file: u64,
}

impl Skipped {
    /// The sum of every reason.
    pub fn total(&self) -> u64 {
        self.binary
            + self.too_large
            + self.unreadable
            + self.excluded
            + self.excluded_dirs
            + self.hidden
            + self.symlinks
            + self.symlink_loops
            + self.special
            + self.flags_file
    }

    /// Adds another tally to this one.
    pub fn add(&mut self, o: &Skipped) {
        self.binary += o.binary;
        self.too_large += o.too_large;
        self.unreadable += o.unreadable;
        self.excluded += o.excluded;
        self.excluded_dirs += o.excluded_dirs;
        self.hidden += o.hidden;
        self.symlinks += o.symlinks;
        self.symlink_loops += o.symlink_loops;
        self.special += o.special;
        self.flags_file += o.flags_file;
    }
}

/// A file the scan could not read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SkipError {
    /// The root, as in [`Reference::root`].
    pub root: String,
    /// The path relative to the root.
    pub path: String,
    /// Why it was not read.
    pub reason: SkipReason,
    /// What the operating system said.
    pub message: String,
}

/// Why a file could not be scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The operating system refused to read it.
    Unreadable,
    /// A symbolic link leads back to a directory above it.
    SymlinkLoop,
}

impl ScanResult {
    /// The lines for stderr about what the scan could not do: one warning per file
    /// that could not be read, one note per exclude glob that excluded nothing.
    pub fn warnings(&self) -> Vec<String> {
        let unread = self.stats.errors.iter().map(|e| {
            let what = match e.reason {
                SkipReason::SymlinkLoop => "symbolic link loop at",
                SkipReason::Unreadable => "cannot read",
            };
            format!(
                "warning: {what} {}: {}",
                super::shown_path(&e.root, &e.path),
                e.message
            )
        });
        let unused = self.stats.unused_excludes.iter().map(|g| {
            format!(
                "note: settings.scan.exclude `{g}` matched nothing; globs with a `/` are relative to the directory holding the flags file"
            )
        });
        unread.chain(unused).collect()
    }
}

/// Where a hit is: computed incrementally for hits in increasing offset order, so a
/// file costs one pass over the bytes up to its last hit, however many hits it has
/// (even on a single 50 MB line).
pub struct LineCursor<'a> {
    buf: &'a [u8],
    /// Offset up to which newlines have been counted.
    offset: usize,
    /// 1-based line number at `offset`.
    line: u64,
    /// Start of the line holding `offset`.
    line_start: usize,
    /// End of that line (before `\n`), once looked up.
    line_end: Option<usize>,
    /// The last column computed on this line: (offset, column).
    last_col: (usize, u64),
}

/// A hit's line, column and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// 1-based line.
    pub line: u64,
    /// 1-based column in characters.
    pub column: u64,
    /// The line's text, possibly cut.
    pub text: String,
    /// Whether it was cut.
    pub truncated: bool,
    /// Start and end offsets of the line (without its ending).
    pub span: (usize, usize),
}

impl<'a> LineCursor<'a> {
    /// A cursor at the start of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        LineCursor {
            buf,
            offset: 0,
            line: 1,
            line_start: 0,
            line_end: None,
            last_col: (0, 1),
        }
    }

    /// Locates the hit starting at `at`, which must not be before the previous one.
    pub fn locate(&mut self, at: usize) -> Located {
        let at = at.min(self.buf.len());
        if at > self.offset {
            let skipped = &self.buf[self.offset..at];
            let newlines = memchr::memchr_iter(b'\n', skipped).count() as u64;
            if newlines > 0 {
                self.line += newlines;
                // The last newline before `at` starts the hit's line.
                self.line_start =
                    memrchr(b'\n', skipped).map_or(self.line_start, |i| self.offset + i + 1);
                self.line_end = None;
                self.last_col = (self.line_start, 1);
            }
            self.offset = at;
        }
        let line_end = match self.line_end {
            Some(e) => e,
            None => {
                let e = memchr(b'\n', &self.buf[at..]).map_or(self.buf.len(), |i| at + i);
                self.line_end = Some(e);
                e
            }
        };
        let (from, col) = if self.last_col.0 <= at {
            self.last_col
        } else {
            (self.line_start, 1)
        };
        let column = col + char_count(&self.buf[from..at]);
        self.last_col = (at, column);
        let mut end = line_end;
        if end > self.line_start && self.buf[end - 1] == b'\r' {
            end -= 1;
        }
        let end = end.max(self.line_start);
        let (text, truncated) = window(&self.buf[self.line_start..end], at - self.line_start);
        Located {
            line: self.line,
            column,
            text,
            truncated,
            span: (self.line_start, end),
        }
    }

    /// Up to `n` lines before and after the line spanning `span`, each cut to 300
    /// characters.
    pub fn context(&self, span: (usize, usize), n: usize) -> Context {
        let mut before = Vec::new();
        let mut start = span.0;
        while before.len() < n && start > 0 {
            // `start - 1` is the newline ending the previous line.
            let prev_end = start - 1;
            let prev_start = memrchr(b'\n', &self.buf[..prev_end]).map_or(0, |i| i + 1);
            before.push(cut(&self.buf[prev_start..prev_end]));
            start = prev_start;
        }
        before.reverse();
        let mut after = Vec::new();
        let mut next = memchr(b'\n', &self.buf[span.1..]).map(|i| span.1 + i + 1);
        while after.len() < n {
            let Some(s) = next.filter(|&s| s < self.buf.len()) else {
                break;
            };
            let e = memchr(b'\n', &self.buf[s..]).map_or(self.buf.len(), |i| s + i);
            after.push(cut(&self.buf[s..e]));
            next = (e < self.buf.len()).then_some(e + 1);
        }
        Context { before, after }
    }
}

/// Number of characters in `bytes`: bytes that do not continue a UTF-8 sequence.
fn char_count(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count() as u64
}

/// Whether `b` starts a character (is not a UTF-8 continuation byte).
fn is_char_start(b: u8) -> bool {
    (b as i8) >= -0x40
}

/// A line cut to at most 300 characters from its start, without `\r`.
fn cut(line: &[u8]) -> String {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    window(line, 0).0
}

/// The text of `line` for a hit at byte `at`: the whole line when it has at most 300
/// characters, else 300 characters starting up to 100 characters before the hit.
fn window(line: &[u8], at: usize) -> (String, bool) {
    // A line of at most 300 bytes has at most 300 characters.
    if line.len() <= MAX_TEXT_CHARS {
        return (String::from_utf8_lossy(line).into_owned(), false);
    }
    let mut start = at.min(line.len());
    let mut lead = 0;
    while start > 0 && lead < LEAD_CHARS {
        start -= 1;
        if is_char_start(line[start]) {
            lead += 1;
        }
    }
    while start > 0 && !is_char_start(line[start]) {
        start -= 1;
    }
    let mut end = start;
    let mut chars = 0;
    while end < line.len() && chars < MAX_TEXT_CHARS {
        end += 1;
        // Consume the continuation bytes of this character too.
        while end < line.len() && !is_char_start(line[end]) {
            end += 1;
        }
        chars += 1;
    }
    let truncated = start > 0 || end < line.len();
    (
        String::from_utf8_lossy(&line[start..end]).into_owned(),
        truncated,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_columns_and_text() {
        let buf = "one\r\ntwo héllo x\nthree".as_bytes();
        let mut c = LineCursor::new(buf);
        let a = c.locate(0);
        assert_eq!((a.line, a.column, a.text.as_str()), (1, 1, "one"));
        let x = buf.iter().position(|&b| b == b'x').expect("x");
        let b = c.locate(x);
        assert_eq!((b.line, b.column, b.text.as_str()), (2, 11, "two héllo x"));
        let t = c.locate(buf.len() - 5);
        assert_eq!((t.line, t.column, t.text.as_str()), (3, 1, "three"));
        assert_eq!(
            c.context(b.span, 5),
            Context {
                before: vec!["one".into()],
                after: vec!["three".into()]
            }
        );
    }

    #[test]
    fn several_hits_on_one_line_count_columns_incrementally() {
        let buf = b"aa bb cc\n";
        let mut c = LineCursor::new(buf);
        assert_eq!(c.locate(3).column, 4);
        assert_eq!(c.locate(6).column, 7);
    }

    #[test]
    fn long_lines_are_cut_around_the_hit() {
        let mut line = "x".repeat(1000);
        line.replace_range(500..503, "KEY");
        let mut c = LineCursor::new(line.as_bytes());
        let l = c.locate(500);
        assert!(l.truncated);
        assert_eq!(l.text.chars().count(), 300);
        assert_eq!(l.text.find("KEY"), Some(100));
        assert_eq!(l.column, 501);
        // A hit near the start keeps the start.
        let mut c = LineCursor::new(line.as_bytes());
        assert!(c.locate(3).text.starts_with("xxx"));
    }

    #[test]
    fn invalid_utf8_is_replaced_in_text_only() {
        let buf = b"\xff\xfe key\n";
        let mut c = LineCursor::new(buf);
        let l = c.locate(3);
        assert_eq!(l.column, 4);
        assert_eq!(l.text, "\u{fffd}\u{fffd} key");
    }

    #[test]
    fn scan_json_reads_back() {
        let result = ScanResult {
            roots: vec![".".into()],
            stats: Stats {
                files_scanned: 2,
                skipped: Skipped {
                    binary: 1,
                    ..Skipped::default()
                },
                ..Stats::default()
            },
            references: vec![Reference {
                flag: "a".into(),
                root: ".".into(),
                path: "x.go".into(),
                line: 3,
                column: 7,
                matched: "A".into(),
                kind: RefKind::Alias,
                role: Role::Check,
                text: "use(A)".into(),
                truncated: false,
                context: Some(Context::default()),
                area: Area::Test,
            }],
            undefined: vec![],
            unreferenced: vec!["b".into()],
            nested: vec![],
        };
        let json = serde_json::to_string(&result).expect("serialize");
        let back: ScanResult = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, result);
        // Fields added later default when reading older documents.
        let old = r#"{"version":1,"roots":[],"stats":{"files_scanned":1},"references":[],"undefined":[],"unreferenced":[]}"#;
        let back: ScanResult = serde_json::from_str(old).expect("old document");
        assert_eq!(back.stats.files_scanned, 1);
    }

    #[test]
    fn context_at_file_edges() {
        let buf = b"a\nb\nc";
        let mut c = LineCursor::new(buf);
        let l = c.locate(0);
        assert_eq!(
            c.context(l.span, 1),
            Context {
                before: vec![],
                after: vec!["b".into()]
            }
        );
        let l = c.locate(4);
        assert_eq!(
            c.context(l.span, 2),
            Context {
                before: vec!["a".into(), "b".into()],
                after: vec![]
            }
        );
    }
}
