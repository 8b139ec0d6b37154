//! Syntax-aware reading of source files: which language a file is in, its tree-sitter
//! syntax tree, and what each flag reference in it does (its [`Role`]).
//!
//! Parsing is the expensive part (tree-sitter reads 5 to 10 MB/s, the token scan well
//! over 1 GB/s), so the scanner first asks the line-local classifier in [`lexical`],
//! which decides the common shapes (a key as the argument of a check call on its line,
//! a comment, a declaration) from the reference's line alone; only files with a
//! reference it cannot decide are parsed, and [`roles`] classifies from the tree.
//! `flagctl cleanup` always parses.

pub mod calls;
pub mod lang;
pub mod lexical;
pub mod nested;
pub mod node;
pub mod roles;

pub use calls::Calls;
pub use lang::Lang;
pub use roles::{Role, RoleInput};

use std::cell::RefCell;
use tree_sitter::{Parser, Tree};

thread_local! {
    /// One parser per thread, reused across files (creating one allocates).
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parses `src` as `lang`. `None` when tree-sitter gives up: an incompatible grammar,
/// or a parse over its work budget ([`work_budget`]). Syntax errors do not make it give
/// up: they become `ERROR` nodes, see [`has_errors`].
pub fn parse(lang: Lang, src: &[u8]) -> Option<Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(Parser::new);
        parser.set_language(&lang.grammar()).ok()?;
        let budget = work_budget(src.len());
        let mut checks = 0u64;
        let mut over_budget = |_: &tree_sitter::ParseState| {
            checks += 1;
            if checks > budget {
                std::ops::ControlFlow::Break(())
            } else {
                std::ops::ControlFlow::Continue(())
            }
        };
        let options = tree_sitter::ParseOptions::new().progress_callback(&mut over_budget);
        let tree = parser.parse_with_options(
            // An empty slice past the end tells tree-sitter the text is over.
            &mut |i, _| src.get(i..).unwrap_or_default(),
            None,
            Some(options),
        );
        if tree.is_none() {
            // A cancelled parse would otherwise resume on the next call.
            parser.reset();
        }
        tree
    })
}

/// How many progress checks (one per 100 parser operations) a parse of `len` bytes may
/// take. Real code needs under three operations per byte; tree-sitter's error recovery on
/// some garbage (found by fuzzing: 1.2 KB of mangled Kotlin) branches without end and
/// grew past 4 GB. A budget of 20 operations per byte, plus a floor for tiny files,
/// stops such a parse in a fraction of a second; the file is then treated as one that
/// does not parse (its references are left for review).
fn work_budget(len: usize) -> u64 {
    1_000 + len as u64 / 5
}

/// Whether the tree holds a syntax error (an `ERROR` or a missing node).
pub fn has_errors(tree: &Tree) -> bool {
    tree.root_node().has_error()
}

/// Number of error and missing nodes, so a rewrite can be refused when it adds one
/// to a file that already had some.
pub fn error_count(tree: &Tree) -> usize {
    let mut count = 0;
    let mut cursor = tree.walk();
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        if !n.has_error() {
            continue;
        }
        if n.is_error() || n.is_missing() {
            count += 1;
        }
        stack.extend(n.children(&mut cursor));
    }
    count
}

/// One reference of a file, for [`file_roles`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileRef {
    /// First byte of the spelling.
    pub start: usize,
    /// Byte after it.
    pub end: usize,
    /// Captured by a scan pattern.
    pub pattern: bool,
    /// The flag (any numbering; nested checks are between different flags).
    pub flag: usize,
}

/// The roles of a file's references, and its nested checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileRoles {
    /// One role per reference, in the order given.
    pub roles: Vec<Role>,
    /// `(outer, inner)` indexes into the references: `inner` is a check inside a
    /// branch controlled by `outer`, a check of another flag.
    pub nested: Vec<(usize, usize)>,
    /// Whether the file was parsed.
    pub parsed: bool,
}

/// Roles of the references of one file (sorted by `start`), from the line classifier
/// where it decides every one, else from the syntax tree. Files in languages without
/// a grammar get `check` for pattern captures and `mention` otherwise.
pub fn file_roles(
    path: &std::path::Path,
    buf: &[u8],
    refs: &[FileRef],
    calls: &Calls,
    definitions_file: bool,
) -> FileRoles {
    let Some(lang) = Lang::from_path(path) else {
        return fallback(refs);
    };
    // A definitions file is always parsed: its declarations need the tree.
    if !definitions_file {
        if let Some((roles, opens)) = line_roles(lang, buf, refs, calls) {
            // A check opening a branch on its line may hold another flag's check:
            // only the tree can tell whether it is nested.
            if !(opens && checked_flags(refs, &roles) >= 2) {
                return FileRoles {
                    roles,
                    ..FileRoles::default()
                };
            }
        }
    }
    let Some(tree) = parse(lang, buf) else {
        return fallback(refs);
    };
    let inputs: Vec<RoleInput> = refs
        .iter()
        .map(|r| RoleInput {
            start: r.start,
            end: r.end,
            pattern: r.pattern,
        })
        .collect();
    let roles = roles::classify(lang, &tree, buf, &inputs, calls, definitions_file);
    let nested = if checked_flags(refs, &roles) >= 2 {
        nested_checks(lang, &tree, buf, refs, &roles, &inputs, calls)
    } else {
        Vec::new()
    };
    FileRoles {
        roles,
        nested,
        parsed: true,
    }
}

/// Roles without a syntax tree: pattern captures are checks, the rest mentions.
fn fallback(refs: &[FileRef]) -> FileRoles {
    FileRoles {
        roles: refs
            .iter()
            .map(|r| {
                if r.pattern {
                    Role::Check
                } else {
                    Role::Mention
                }
            })
            .collect(),
        nested: Vec::new(),
        parsed: false,
    }
}

/// Every reference's role from its line alone, and whether a check opens a branch
/// on its line; `None` as soon as one line does not decide.
fn line_roles(
    lang: Lang,
    buf: &[u8],
    refs: &[FileRef],
    calls: &Calls,
) -> Option<(Vec<Role>, bool)> {
    let mut roles = Vec::with_capacity(refs.len());
    let mut opens = false;
    for (i, r) in refs.iter().enumerate() {
        let (ls, le) = line_bounds(buf, r.start);
        let line = &buf[ls..le];
        // `refs` is sorted by start: the others on this line are one contiguous run,
        // found by binary search (a scan of every reference per reference was
        // quadratic on a file of 100,000 calls).
        let first = refs.partition_point(|o| o.start < ls);
        let others: Vec<(usize, usize)> = refs[first..]
            .iter()
            .enumerate()
            .take_while(|(_, o)| o.start < le)
            .filter(|(j, o)| first + j != i && o.end <= le)
            .map(|(_, o)| (o.start - ls, o.end - ls))
            .collect();
        let prev = prev_line(buf, ls);
        let role = lexical::classify(
            lang,
            line,
            prev,
            r.start - ls,
            r.end - ls,
            &others,
            calls,
            r.pattern,
        )?;
        if role == Role::Check && opens_branch(&buf[r.end..le]) {
            opens = true;
        }
        roles.push(role);
    }
    Some((roles, opens))
}

/// How many different flags the file checks.
fn checked_flags(refs: &[FileRef], roles: &[Role]) -> usize {
    let mut flags: Vec<usize> = refs
        .iter()
        .zip(roles)
        .filter(|(_, role)| **role == Role::Check)
        .map(|(r, _)| r.flag)
        .collect();
    flags.sort_unstable();
    flags.dedup();
    flags.len()
}

/// The `(outer, inner)` pairs of checks nested in another flag's branch, as indexes
/// into `refs`.
fn nested_checks(
    lang: Lang,
    tree: &Tree,
    buf: &[u8],
    refs: &[FileRef],
    roles: &[Role],
    inputs: &[RoleInput],
    calls: &Calls,
) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut owners = Vec::new();
    for (i, (r, role)) in refs.iter().zip(roles).enumerate() {
        if *role != Role::Check {
            continue;
        }
        let s = roles::site(lang, tree, buf, inputs[i], calls, inputs);
        spans.push(nested::CheckSpan {
            flag: r.flag,
            start: s.node.start_byte(),
            end: s.node.end_byte(),
        });
        owners.push(i);
    }
    nested::find(tree, &spans)
        .into_iter()
        .map(|(a, b)| (owners[a], owners[b]))
        .collect()
}

/// Whether the rest of a check's line opens a branch that may hold another check.
fn opens_branch(rest: &[u8]) -> bool {
    let t = rest.trim_ascii_end();
    let t = t.strip_suffix(b"\r").unwrap_or(t);
    t.ends_with(b"{")
        || t.ends_with(b":")
        || t.ends_with(b"(")
        || t.ends_with(b"?")
        || t.ends_with(b"&&")
        || t.ends_with(b"||")
        || t.ends_with(b" and")
        || t.ends_with(b" or")
        || t.ends_with(b"then")
        || t.ends_with(b" do")
        || rest
            .windows(2)
            .any(|w| w == b"? " || w == b"&&" || w == b"||")
        || rest.windows(5).any(|w| w == b" and " || w == b" else")
        || !t.ends_with(b";") && !t.ends_with(b"}") && !t.ends_with(b")")
}

/// The start and end (before `\n`) of the line holding byte `at`.
pub fn line_bounds(buf: &[u8], at: usize) -> (usize, usize) {
    let at = at.min(buf.len());
    let start = memchr::memrchr(b'\n', &buf[..at]).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &buf[at..]).map_or(buf.len(), |i| at + i);
    (start, end)
}

/// The nearest non-blank line before the line starting at `line_start`.
fn prev_line(buf: &[u8], line_start: usize) -> Option<&[u8]> {
    let mut end = line_start.checked_sub(1)?;
    loop {
        let start = memchr::memrchr(b'\n', &buf[..end]).map_or(0, |i| i + 1);
        let line = &buf[start..end];
        if !line.trim_ascii().is_empty() {
            return Some(line);
        }
        end = start.checked_sub(1)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `cleanup` fuzz target: on this mangled Kotlin, tree-sitter's error
    /// recovery grew past 4 GB. The parse stops at its work budget instead, and the
    /// parser still works for the next file.
    #[test]
    fn runaway_error_recovery_stops_at_the_budget() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let src =
            std::fs::read(root.join("fixtures/syntax/runaway-error-recovery.kt")).expect("fixture");
        assert!(parse(Lang::Kotlin, &src).is_none());
        let fine = parse(Lang::Kotlin, b"fun main() { println(1) }\n").expect("parses");
        assert!(!has_errors(&fine));
    }

    /// Wherever the line classifier decides, it agrees with the syntax tree: over
    /// every reference of the cleanup fixtures.
    #[test]
    fn line_classifier_agrees_with_the_tree() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cleanup");
        let spellings: Vec<String> = [
            "new-checkout",
            "new_checkout",
            "NEW_CHECKOUT",
            "newCheckout",
            "NewCheckout",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let calls = Calls::defaults();
        let mut checked = 0;
        for lang_dir in std::fs::read_dir(&root).expect("fixtures") {
            for f in std::fs::read_dir(lang_dir.expect("dir").path()).expect("dir") {
                let path = f.expect("file").path();
                let Some(lang) = Lang::from_path(&path) else {
                    continue;
                };
                let src = std::fs::read_to_string(&path).expect("read");
                let refs = crate::cleanup::rewrite::find_spellings(&src, &spellings);
                let inputs: Vec<RoleInput> = refs
                    .iter()
                    .map(|&(start, end)| RoleInput {
                        start,
                        end,
                        pattern: false,
                    })
                    .collect();
                let tree = parse(lang, src.as_bytes()).expect("parse");
                let tree_roles =
                    roles::classify(lang, &tree, src.as_bytes(), &inputs, &calls, false);
                for (i, r) in inputs.iter().enumerate() {
                    let b = src.as_bytes();
                    let (ls, le) = line_bounds(b, r.start);
                    let others: Vec<(usize, usize)> = inputs
                        .iter()
                        .filter(|o| o.start != r.start && o.start >= ls && o.end <= le)
                        .map(|o| (o.start - ls, o.end - ls))
                        .collect();
                    let lexical = lexical::classify(
                        lang,
                        &b[ls..le],
                        prev_line(b, ls),
                        r.start - ls,
                        r.end - ls,
                        &others,
                        &calls,
                        false,
                    );
                    if let Some(role) = lexical {
                        checked += 1;
                        assert_eq!(role, tree_roles[i], "{}:{}", path.display(), &src[ls..le]);
                    }
                }
            }
        }
        assert!(
            checked > 5,
            "only {checked} references decided by the line classifier"
        );
    }
}
