//! Text edits of flags.yaml that keep every other byte of the file as it was.
//!
//! flagctl never re-serializes the document: a YAML emitter would drop comments, blank
//! lines and quoting. Instead an edit is one [`Splice`] of whole lines, placed using
//! the positions the parser ([`yaml`]) records for every key: a flag spans from its
//! key line to its last content line before the next flag's key. What is left
//! outside the splice is the original text, byte for byte, line endings included.
//!
//! Because that placement is a heuristic over text, every edit is also checked the
//! other way round before it is written ([`verify`]): the edited text is parsed and
//! validated, and its document must equal the original's with exactly the one flag
//! added or removed. An edit that would change anything else is refused.
//!
//! Layouts handled: `flags:` as a block mapping (any indentation, flag bodies in block
//! or one-line flow style), as a flow mapping written one flag per line
//! (`flags: {` ... `}`), empty (`flags:`, `flags: {}`, `flags: ~`) or missing. A flow
//! mapping that puts several flags on one line is refused with a message.

use super::error::ModelError as Error;
use super::yaml::{self, Kind, Node};
use super::{FlagType, Loaded, load_text};
use crate::diag::{Diagnostic, Severity};
use chrono::NaiveDate;

/// One contiguous replacement of whole lines: the only shape of edit flagctl makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Splice {
    /// 0-based index of the first line replaced, or of the line before which the new
    /// lines go when nothing is removed.
    pub start: usize,
    /// How many lines are removed.
    pub remove: usize,
    /// The lines put in their place, each with its line terminator.
    pub insert: Vec<String>,
}

impl Splice {
    /// The text with the splice applied.
    pub fn apply(&self, text: &str) -> String {
        let lines = split_lines(text);
        let start = self.start.min(lines.len());
        let end = (self.start + self.remove).min(lines.len());
        let mut out =
            String::with_capacity(text.len() + self.insert.iter().map(String::len).sum::<usize>());
        lines[..start].iter().for_each(|l| out.push_str(l));
        self.insert.iter().for_each(|l| out.push_str(l));
        lines[end..].iter().for_each(|l| out.push_str(l));
        out
    }

    /// The 1-based first and last line removed, when any are.
    pub fn removed_lines(&self) -> Option<(usize, usize)> {
        (self.remove > 0).then(|| (self.start + 1, self.start + self.remove))
    }
}

/// The lines of `text`, each with its terminator (`\n` or `\r\n`); the last may have none.
pub fn split_lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// A flag to add, with every field already decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFlag {
    /// The key (already checked with [`valid_key`](super::decode::valid_key)).
    pub key: String,
    /// `description`, if given.
    pub description: Option<String>,
    /// `type`.
    pub flag_type: FlagType,
    /// `owner`.
    pub owner: String,
    /// `created`: today.
    pub created: NaiveDate,
    /// `expires`, if any.
    pub expires: Option<NaiveDate>,
}

impl NewFlag {
    /// The fields in the order they are written (the order of the example in `docs/flags-file.md`).
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(d) = &self.description {
            out.push(("description", d.clone()));
        }
        out.push(("type", self.flag_type.as_str().to_string()));
        out.push(("owner", self.owner.clone()));
        out.push(("created", self.created.format("%Y-%m-%d").to_string()));
        if let Some(e) = self.expires {
            out.push(("expires", e.format("%Y-%m-%d").to_string()));
        }
        out
    }
}

/// What an edit is meant to change, checked by [`verify`].
#[derive(Debug, Clone, Copy)]
pub enum Change<'a> {
    /// The flag with this key is gone; nothing else changed.
    Removed(&'a str),
    /// This flag was added; nothing else changed.
    Added(&'a NewFlag),
}

/// The splice that deletes flag `key`: its key line through its last line, the
/// comment lines directly above it written at the key's indentation, and one run of
/// blank lines that separated it from its neighbours (the blank lines after it, or for
/// the last flag the blank lines before it).
pub fn plan_remove(text: &str, display: &str, key: &str) -> Result<Splice, Error> {
    let root = parse(text, display)?;
    let doc = Doc::new(text, display, &root)?;
    let Some(section) = doc.flags_section()? else {
        return Err(Error::Edit(format!("{display} has no `flags:` section")));
    };
    let i = section
        .entries
        .iter()
        .position(|e| e.key == key)
        .ok_or_else(|| Error::Edit(format!("no flag `{key}` in {display}")))?;
    section.require_own_lines(&doc)?;
    let (mut first, mut last) = (section.attached_start(&doc, i), section.body_end(&doc, i));
    if i + 1 < section.entries.len() {
        while last + 1 < section.next_line(i) && is_blank(doc.line(last + 1)) {
            last += 1;
        }
    } else {
        let floor = section.floor(&doc, i);
        while first - 1 > floor && is_blank(doc.line(first - 1)) {
            first -= 1;
        }
    }
    Ok(Splice {
        start: first - 1,
        remove: last + 1 - first,
        insert: Vec::new(),
    })
}

/// The splice that appends `flag` to the `flags:` mapping in the file's own style:
/// the indentation of the existing flag keys and fields, block or one-line flow flag
/// bodies, quoting, blank lines between flags, and line endings. An empty `flags:`
/// (`{}`, `~`) becomes a block mapping; a missing one is appended at the end.
pub fn plan_new(text: &str, display: &str, flag: &NewFlag) -> Result<Splice, Error> {
    let root = parse(text, display)?;
    let doc = Doc::new(text, display, &root)?;
    let Some(section) = doc.flags_section()? else {
        // No `flags:` at all: append a section at the end of the file.
        let style = Style::fresh(&doc);
        let mut lines = Vec::new();
        if doc.lines.last().is_some_and(|l| !is_blank(l)) {
            lines.push(doc.eol.to_string());
        }
        lines.push(format!("flags:{}", doc.eol));
        lines.extend(style.render(&doc, flag));
        return Ok(doc.insert_after(doc.lines.len(), lines));
    };
    section.require_own_lines(&doc)?;
    match &section.layout {
        Layout::Block if !section.entries.is_empty() => {
            let style = Style::detect(&doc, &section);
            let mut lines = Vec::new();
            if style.blank_between {
                lines.push(doc.eol.to_string());
            }
            lines.extend(style.render(&doc, flag));
            let last = section.entries.len() - 1;
            Ok(doc.insert_after(section.body_end(&doc, last), lines))
        }
        Layout::Flow { close } => new_in_flow(&doc, &section, *close, flag),
        Layout::Block | Layout::Empty { .. } => first_flag(&doc, &section, flag),
    }
}

/// A new flag in a flow mapping, before its closing `}` on line `close`.
fn new_in_flow(
    doc: &Doc<'_>,
    section: &Section,
    close: usize,
    flag: &NewFlag,
) -> Result<Splice, Error> {
    let mut style = Style::detect(doc, section);
    style.flow_values = true;
    if !section.entries.is_empty() {
        let before = (section.key_line..close)
            .rev()
            .map(|n| doc.line(n))
            .find(|l| !is_blank(l) && !is_comment(l))
            .unwrap_or_default();
        if !body(before).trim_end().ends_with(',') {
            return Err(doc.refuse(
                close,
                "`flags:` is a flow mapping whose last flag has no trailing comma; add a `,` after it (or write `flags:` as a block mapping) and run the command again",
            ));
        }
    }
    let mut lines = style.render(doc, flag);
    for line in &mut lines {
        let at = line.len() - doc.eol.len();
        line.insert(at, ',');
    }
    Ok(Splice {
        start: close - 1,
        remove: 0,
        insert: lines,
    })
}

/// The first flag under a `flags:` with none, the key line rewritten when it held an
/// inline empty value (`flags: {}`).
fn first_flag(doc: &Doc<'_>, section: &Section, flag: &NewFlag) -> Result<Splice, Error> {
    let style = Style::fresh(doc);
    let flags_line = section.key_line;
    // Comments written under an empty `flags:` ("add flags below") stay above the new flag.
    let mut after = flags_line;
    while after < doc.lines.len()
        && is_comment(doc.line(after + 1))
        && indent(doc.line(after + 1)) > indent(doc.line(flags_line))
    {
        after += 1;
    }
    let rendered = style.render(doc, flag);
    match &section.layout {
        Layout::Empty {
            rewrite: Some(line),
        } => {
            let mut insert = vec![line.clone()];
            insert.extend((flags_line + 1..=after).map(|n| doc.terminated(n)));
            insert.extend(rendered);
            Ok(Splice {
                start: flags_line - 1,
                remove: after + 1 - flags_line,
                insert,
            })
        }
        _ => Ok(doc.insert_after(after, rendered)),
    }
}

/// Applies `splice` to the original text, parses and validates the result, and
/// checks that it differs from the original by exactly `change`. Returns the new text
/// and the edited file, or an error that says why the edit is refused (the file on
/// disk has not been touched at that point).
pub fn verify(
    original: &Loaded,
    splice: &Splice,
    change: Change<'_>,
    today: NaiveDate,
) -> Result<(String, Loaded), Error> {
    let new_text = splice.apply(&original.text);
    let edited = load_text(&original.path, &original.display, &new_text, today);
    let was_error = |d: &Diagnostic| {
        original
            .diagnostics
            .iter()
            .any(|o| o.severity == Severity::Error && o.code == d.code && o.message == d.message)
    };
    if let Some(d) = edited
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error && !was_error(d))
    {
        // Point at the line as numbered in the file on disk, which the user can open.
        let line = d.line as usize;
        let inserted = splice.start + splice.insert.len();
        let problem = format!("{}: {}", d.code, d.message);
        return Err(if line > splice.start && line <= inserted {
            Error::Edit(format!(
                "the new lines would make {} invalid ({problem}); it is unchanged",
                original.display
            ))
        } else {
            let line = if line > inserted {
                line - splice.insert.len() + splice.remove
            } else {
                line
            };
            Error::Invalid {
                file: d.file.clone(),
                line: line as u32,
                column: d.column,
                message: format!(
                    "the edit would make the file invalid here ({problem}); {} is unchanged",
                    original.display
                ),
            }
        });
    }
    let unexpected = || {
        Error::Edit(format!(
            "refusing to write {}: the edited file would differ in more than the one flag (an unusual layout?); it is unchanged — please make this edit by hand and report the file's layout",
            original.display
        ))
    };
    let (Ok(old), Ok(new)) = (yaml::parse(&original.text), yaml::parse(&new_text)) else {
        return Err(unexpected());
    };
    let key = match change {
        Change::Removed(k) => k,
        Change::Added(f) => f.key.as_str(),
    };
    let (old_rest, old_flag) = without_flag(&old, key);
    let (new_rest, new_flag) = without_flag(&new, key);
    let ok = same(&old_rest, &new_rest)
        && match change {
            Change::Removed(_) => old_flag.is_some() && new_flag.is_none(),
            Change::Added(f) => {
                old_flag.is_none() && new_flag.is_some_and(|n| has_fields(&n, &f.fields()))
            }
        };
    if ok {
        Ok((new_text, edited))
    } else {
        Err(unexpected())
    }
}

fn parse(text: &str, display: &str) -> Result<Node, Error> {
    yaml::parse(text).map_err(|e| Error::Invalid {
        file: display.to_string(),
        line: e.pos.line,
        column: e.pos.column,
        message: e.message,
    })
}

/// The document with flag `key` taken out of `flags:` (returned separately), and an
/// empty or null `flags:` dropped, so that "no flags" compares equal in every spelling.
fn without_flag(root: &Node, key: &str) -> (Node, Option<Node>) {
    let mut root = root.clone();
    let mut taken = None;
    if let Kind::Map(entries) = &mut root.kind {
        for (k, v) in entries.iter_mut() {
            if k.as_str() != Some("flags") {
                continue;
            }
            if let Kind::Map(flags) = &mut v.kind {
                if let Some(i) = flags
                    .iter()
                    .position(|(fk, _)| fk.scalar_text().as_deref() == Some(key))
                {
                    taken = Some(flags.remove(i).1);
                }
            }
        }
        entries.retain(|(k, v)| {
            k.as_str() != Some("flags")
                || !matches!(&v.kind, Kind::Null)
                    && !matches!(&v.kind, Kind::Map(m) if m.is_empty())
        });
    }
    (root, taken)
}

/// Structural equality, ignoring positions.
fn same(a: &Node, b: &Node) -> bool {
    match (&a.kind, &b.kind) {
        (Kind::Float(x), Kind::Float(y)) => x.to_bits() == y.to_bits(),
        (Kind::Seq(x), Kind::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Kind::Map(x), Kind::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k1, v1), (k2, v2))| same(k1, k2) && same(v1, v2))
        }
        (x, y) => x == y,
    }
}

fn has_fields(node: &Node, fields: &[(&str, String)]) -> bool {
    let Kind::Map(entries) = &node.kind else {
        return false;
    };
    entries.len() == fields.len()
        && entries.iter().zip(fields).all(|((k, v), (name, value))| {
            k.as_str() == Some(name) && v.as_str() == Some(value.as_str())
        })
}

/// The text being edited, as lines.
struct Doc<'t> {
    display: &'t str,
    lines: Vec<&'t str>,
    /// The file's line terminator, from its first line (LF for a one-line file).
    eol: &'static str,
    root: &'t [(Node, Node)],
}

impl<'t> Doc<'t> {
    fn new(text: &'t str, display: &'t str, root: &'t Node) -> Result<Self, Error> {
        let lines = split_lines(text);
        let eol = match lines.first() {
            Some(l) if l.ends_with("\r\n") => "\r\n",
            _ => "\n",
        };
        let root = match &root.kind {
            Kind::Map(entries) => entries.as_slice(),
            Kind::Null => &[],
            _ => {
                return Err(Error::Invalid {
                    file: display.to_string(),
                    line: root.pos.line,
                    column: root.pos.column,
                    message: "the top level of the file is not a mapping".into(),
                });
            }
        };
        Ok(Doc {
            display,
            lines,
            eol,
            root,
        })
    }

    /// Line `n` (1-based), or "" past the end.
    fn line(&self, n: usize) -> &'t str {
        n.checked_sub(1)
            .and_then(|i| self.lines.get(i))
            .copied()
            .unwrap_or("")
    }

    /// Line `n` with a line terminator, adding the file's own if it has none.
    fn terminated(&self, n: usize) -> String {
        let l = self.line(n);
        if l.ends_with('\n') {
            l.to_string()
        } else {
            format!("{l}{}", self.eol)
        }
    }

    /// The splice that puts `lines` after line `n` (1-based; 0 for the very start),
    /// ending line `n` first if it is the last line and has no terminator.
    fn insert_after(&self, n: usize, mut lines: Vec<String>) -> Splice {
        if n >= 1 && !self.line(n).ends_with('\n') {
            lines.insert(0, self.terminated(n));
            return Splice {
                start: n - 1,
                remove: 1,
                insert: lines,
            };
        }
        Splice {
            start: n,
            remove: 0,
            insert: lines,
        }
    }

    fn refuse(&self, line: usize, message: &str) -> Error {
        Error::Invalid {
            file: self.display.to_string(),
            line: line as u32,
            column: 1,
            message: message.to_string(),
        }
    }

    /// Finds `flags:` and works out its layout.
    fn flags_section(&self) -> Result<Option<Section>, Error> {
        let Some(idx) = self
            .root
            .iter()
            .position(|(k, _)| k.as_str() == Some("flags"))
        else {
            return Ok(None);
        };
        let (key, value) = &self.root[idx];
        let key_line = key.pos.line as usize;
        let end = self
            .root
            .get(idx + 1)
            .map_or(self.lines.len() + 1, |(k, _)| k.pos.line as usize);
        let entries: Vec<Entry> = match &value.kind {
            Kind::Map(m) => m
                .iter()
                .map(|(k, _)| Entry {
                    key: k.scalar_text().unwrap_or_default(),
                    line: k.pos.line as usize,
                    column: k.pos.column as usize,
                })
                .collect(),
            _ => Vec::new(),
        };
        let written = self.key_line(key)?;
        let layout = self.layout(&written, key_line, end, entries.is_empty())?;
        Ok(Some(Section {
            key_line,
            end,
            layout,
            entries,
        }))
    }

    /// The line of the `flags:` key, taken apart.
    fn key_line(&self, key: &Node) -> Result<KeyLine<'t>, Error> {
        let key_line = key.pos.line as usize;
        let column = key.pos.column as usize - 1;
        // What follows `flags:` on its line, minus a trailing comment.
        let after_key: String = body(self.line(key_line)).chars().skip(column).collect();
        let rest = after_key
            .strip_prefix("\"flags\"")
            .or_else(|| after_key.strip_prefix("'flags'"))
            .or_else(|| after_key.strip_prefix("flags"))
            .map(|r| r.trim_start())
            .and_then(|r| r.strip_prefix(':'))
            .ok_or_else(|| {
                self.refuse(
                    key_line,
                    "cannot find the `:` after `flags`; write `flags:` on a line of its own",
                )
            })?;
        let (value, comment) = match rest.find(" #") {
            Some(i) => (rest[..i].trim(), &rest[rest[..i].trim_end().len()..]),
            None if rest.trim_start().starts_with('#') => ("", rest),
            None => (rest.trim(), ""),
        };
        Ok(KeyLine {
            line: self.line(key_line),
            column,
            name: after_key[..after_key.len() - rest.len()].to_string(),
            value: value.to_string(),
            comment: comment.to_string(),
        })
    }

    /// How the `flags:` mapping is written, refusing the forms line edits cannot
    /// handle safely.
    fn layout(
        &self,
        written: &KeyLine<'_>,
        key_line: usize,
        end: usize,
        no_entries: bool,
    ) -> Result<Layout, Error> {
        let value_text = written.value.as_str();
        let empty_value = matches!(
            value_text,
            "" | "{}" | "{ }" | "~" | "null" | "Null" | "NULL"
        );
        if no_entries && empty_value {
            let rewrite = (!value_text.is_empty()).then(|| {
                let keep: String = body(written.line).chars().take(written.column).collect();
                format!("{keep}{}{}{}", written.name, written.comment, self.eol)
            });
            return Ok(Layout::Empty { rewrite });
        }
        if value_text.starts_with('{')
            || value_text.is_empty()
                && self
                    .first_content_after(key_line)
                    .is_some_and(|l| l.trim_start().starts_with('{'))
        {
            let close = (key_line + 1..end)
                .rev()
                .find(|&n| !is_blank(self.line(n)) && !is_comment(self.line(n)))
                .filter(|&n| body(self.line(n)).trim_start().starts_with('}'));
            return match close {
                Some(close) => Ok(Layout::Flow { close }),
                None => Err(self.refuse(
                    key_line,
                    "`flags:` is a flow mapping (`{ ... }`) that does not end with `}` on a line of its own; flagctl edits flow mappings written one flag per line — write `flags:` as a block mapping, or edit by hand",
                )),
            };
        }
        if value_text.is_empty() {
            return Ok(Layout::Block);
        }
        Err(self.refuse(
            key_line,
            "`flags:` is written in a form flagctl does not edit (an anchor, tag or alias?); write it as a plain block mapping, or edit by hand",
        ))
    }

    fn first_content_after(&self, n: usize) -> Option<&'t str> {
        (n + 1..=self.lines.len())
            .map(|i| self.line(i))
            .find(|l| !is_blank(l) && !is_comment(l))
    }
}

/// The line of the `flags:` key, taken apart.
struct KeyLine<'t> {
    /// The whole line.
    line: &'t str,
    /// Characters before the key.
    column: usize,
    /// The key as written, through its `:`.
    name: String,
    /// The value on the key's line, trimmed: empty for a block mapping.
    value: String,
    /// The trailing comment, with the spaces before it.
    comment: String,
}

/// How `flags:` is written.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Layout {
    /// `flags:` followed by indented `key:` lines.
    Block,
    /// `flags: {` ... with the closing `}` alone on line `close` (1-based).
    Flow { close: usize },
    /// No flags; `rewrite` is the `flags:` line rewritten without its inline empty
    /// value (`{}`, `~`), when it has one.
    Empty { rewrite: Option<String> },
}

/// A flag key in the text.
#[derive(Debug, Clone)]
struct Entry {
    key: String,
    /// 1-based line of the key.
    line: usize,
    /// 1-based column (in characters) of the key.
    column: usize,
}

impl Entry {
    fn indent(&self) -> usize {
        self.column - 1
    }
}

/// The `flags:` mapping in the text.
struct Section {
    /// 1-based line of `flags:`.
    key_line: usize,
    /// 1-based line of the next top-level key, or one past the last line.
    end: usize,
    layout: Layout,
    entries: Vec<Entry>,
}

impl Section {
    /// Every flag key must start its own line (only indentation before it), and keys
    /// must come in line order inside the section; otherwise line edits are unsafe.
    fn require_own_lines(&self, doc: &Doc<'_>) -> Result<(), Error> {
        let mut prev = self.key_line;
        for e in &self.entries {
            let prefix: String = body(doc.line(e.line)).chars().take(e.indent()).collect();
            if e.line <= prev || e.line >= self.end || !prefix.chars().all(|c| c == ' ') {
                return Err(Error::Invalid {
                    file: doc.display.to_string(),
                    line: e.line as u32,
                    column: e.column as u32,
                    message: format!(
                        "flag `{}` does not start on a line of its own (is `flags:` a flow mapping on one line?); flagctl edits flags written one flag per line — write `flags:` as a block mapping, or edit by hand",
                        e.key
                    ),
                });
            }
            prev = e.line;
        }
        Ok(())
    }

    /// The line after flag `i`'s region: the next flag's key, else the end of the mapping.
    fn next_line(&self, i: usize) -> usize {
        match (self.entries.get(i + 1), &self.layout) {
            (Some(next), _) => next.line,
            (None, Layout::Flow { close }) => *close,
            (None, _) => self.end,
        }
    }

    /// The last line of flag `i`: the last line before the next key that is content,
    /// or a comment indented deeper than the flag's key (a commented-out field).
    /// Blank lines and shallower comments after it belong to what follows.
    fn body_end(&self, doc: &Doc<'_>, i: usize) -> usize {
        let e = &self.entries[i];
        (e.line + 1..self.next_line(i))
            .rev()
            .find(|&n| {
                let l = doc.line(n);
                let separator = is_blank(l) || is_comment(l) && indent(l) <= e.indent();
                !separator
            })
            .unwrap_or(e.line)
    }

    /// The line above which flag `i`'s region cannot reach.
    fn floor(&self, doc: &Doc<'_>, i: usize) -> usize {
        if i == 0 {
            self.key_line
        } else {
            self.body_end(doc, i - 1)
        }
    }

    /// The first line of flag `i` counting the comment lines directly above its key
    /// written at the key's indentation (comments further left, such as section
    /// headers, stay).
    fn attached_start(&self, doc: &Doc<'_>, i: usize) -> usize {
        let e = &self.entries[i];
        let floor = self.floor(doc, i);
        let mut s = e.line;
        while s - 1 > floor && is_comment(doc.line(s - 1)) && indent(doc.line(s - 1)) == e.indent()
        {
            s -= 1;
        }
        s
    }
}

/// How the existing flags are written, counted, so a new flag can follow the majority.
#[derive(Default)]
struct Tally {
    /// Flags whose fields are a flow mapping on the key's line, and block ones.
    flow: usize,
    block: usize,
    /// The first block flag's field indentation relative to its key.
    offset: Option<usize>,
    /// Quoted and plain text values (`description`, `owner`, `type`, `ticket`).
    quoted: usize,
    plain: usize,
    /// The quote character of every quoted key and value.
    quote_chars: Vec<char>,
    /// Quoted and plain keys.
    keys_quoted: usize,
    keys_plain: usize,
}

impl Tally {
    /// Counts the flags of the `flags:` mapping; a flow flag also sets whether
    /// `style` puts a space inside its braces (the last one counted decides).
    fn of(doc: &Doc<'_>, flags: &[(Node, Node)], style: &mut Style) -> Tally {
        let char_at = |line: u32, column: u32| {
            body(doc.line(line as usize))
                .chars()
                .nth(column as usize - 1)
        };
        let mut t = Tally::default();
        for (k, v) in flags {
            match char_at(k.pos.line, k.pos.column) {
                Some(q @ ('"' | '\'')) => {
                    t.keys_quoted += 1;
                    t.quote_chars.push(q);
                }
                _ => t.keys_plain += 1,
            }
            let Kind::Map(fields) = &v.kind else { continue };
            let Some((first, _)) = fields.first() else {
                continue;
            };
            if first.pos.line == k.pos.line {
                t.flow += 1;
                style.brace_space = char_at(v.pos.line, v.pos.column + 1) == Some(' ');
            } else {
                t.block += 1;
                t.offset
                    .get_or_insert(first.pos.column.saturating_sub(k.pos.column) as usize);
            }
            for (fk, fv) in fields {
                if !matches!(
                    fk.as_str(),
                    Some("description" | "owner" | "type" | "ticket")
                ) {
                    continue;
                }
                match char_at(fv.pos.line, fv.pos.column) {
                    Some(q @ ('"' | '\'')) => {
                        t.quoted += 1;
                        t.quote_chars.push(q);
                    }
                    _ => t.plain += 1,
                }
            }
        }
        t
    }
}

/// How new flags are written, detected from the existing ones.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Style {
    key_indent: usize,
    /// Indentation of fields relative to the key.
    field_offset: usize,
    /// Write the flag's fields as a one-line flow mapping.
    flow_values: bool,
    /// `{ a: 1 }` rather than `{a: 1}`.
    brace_space: bool,
    /// Quote every value with this character (the file quotes all of its values).
    quote_all: Option<char>,
    /// Quote keys with this character (the file quotes all of its flag keys).
    quote_keys: Option<char>,
    /// The quote used where quoting is needed.
    quote: char,
    /// A blank line between flags.
    blank_between: bool,
}

impl Style {
    /// For a file without flags: the indentation of other block mappings, else 2.
    fn fresh(doc: &Doc<'_>) -> Style {
        let unit = doc
            .root
            .iter()
            .find_map(|(k, v)| match &v.kind {
                Kind::Map(m) => m
                    .first()
                    .filter(|(fk, _)| fk.pos.line > k.pos.line && fk.pos.column > k.pos.column)
                    .map(|(fk, _)| (fk.pos.column - k.pos.column) as usize),
                _ => None,
            })
            .unwrap_or(2);
        Style {
            key_indent: unit,
            field_offset: unit,
            flow_values: false,
            brace_space: true,
            quote_all: None,
            quote_keys: None,
            quote: '"',
            blank_between: false,
        }
    }

    fn detect(doc: &Doc<'_>, section: &Section) -> Style {
        let mut style = Style::fresh(doc);
        let Some(last) = section.entries.last() else {
            return style;
        };
        style.key_indent = last.indent();
        let flags = doc
            .root
            .iter()
            .find(|(k, _)| k.as_str() == Some("flags"))
            .map(|(_, v)| v);
        let Some(Node {
            kind: Kind::Map(flags),
            ..
        }) = flags
        else {
            return style;
        };
        let t = Tally::of(doc, flags, &mut style);
        style.flow_values = t.flow > t.block;
        if let Some(o) = t.offset.filter(|&o| o > 0) {
            style.field_offset = o;
        }
        let singles = t.quote_chars.iter().filter(|&&c| c == '\'').count();
        style.quote = if singles * 2 > t.quote_chars.len() {
            '\''
        } else {
            '"'
        };
        if t.quoted > 0 && t.plain == 0 {
            style.quote_all = Some(style.quote);
        }
        if t.keys_quoted > 0 && t.keys_plain == 0 {
            style.quote_keys = Some(style.quote);
        }
        let n = section.entries.len();
        let separated = (1..n)
            .filter(|&i| is_blank(doc.line(section.attached_start(doc, i) - 1)))
            .count();
        style.blank_between = n >= 2 && separated * 2 >= n - 1;
        style
    }

    /// The flag's lines, with the file's line terminator.
    fn render(&self, doc: &Doc<'_>, flag: &NewFlag) -> Vec<String> {
        let pad = " ".repeat(self.key_indent);
        let key = match self.quote_keys {
            Some(q) => quote(&flag.key, q),
            None => self.scalar(&flag.key, false, true),
        };
        let fields = flag.fields();
        if self.flow_values {
            let inner: Vec<String> = fields
                .iter()
                .map(|(name, value)| format!("{name}: {}", self.scalar(value, true, false)))
                .collect();
            let sp = if self.brace_space { " " } else { "" };
            return vec![format!(
                "{pad}{key}: {{{sp}{}{sp}}}{}",
                inner.join(", "),
                doc.eol
            )];
        }
        let field_pad = " ".repeat(self.key_indent + self.field_offset);
        let mut out = vec![format!("{pad}{key}:{}", doc.eol)];
        for (name, value) in fields {
            out.push(format!(
                "{field_pad}{name}: {}{}",
                self.scalar(&value, false, false),
                doc.eol
            ));
        }
        out
    }

    fn scalar(&self, value: &str, flow: bool, is_key: bool) -> String {
        match self.quote_all.filter(|_| !is_key) {
            Some(q) => quote(value, q),
            None if plain_ok(value, flow) => value.to_string(),
            None => quote(value, self.quote),
        }
    }
}

/// Whether `value` reads back as exactly this string when written unquoted. Asking
/// the parser is simpler and surer than restating YAML's rules for plain scalars.
fn plain_ok(value: &str, flow: bool) -> bool {
    if value.is_empty()
        || value.chars().any(char::is_control)
        || (flow && value.contains([',', '[', ']', '{', '}']))
    {
        return false;
    }
    match yaml::parse(&format!("k: {value}\n")) {
        Ok(Node {
            kind: Kind::Map(entries),
            ..
        }) => entries.len() == 1 && entries[0].1.kind == Kind::Str(value.to_string()),
        _ => false,
    }
}

/// `value` in single or double quotes (double when it holds control characters,
/// which only double quotes can escape).
fn quote(value: &str, q: char) -> String {
    if q == '\'' && !value.chars().any(char::is_control) {
        return format!("'{}'", value.replace('\'', "''"));
    }
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The line without its terminator.
fn body(line: &str) -> &str {
    line.strip_suffix('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .unwrap_or(line)
}

fn is_blank(line: &str) -> bool {
    body(line).trim().is_empty()
}

fn is_comment(line: &str) -> bool {
    body(line).trim_start().starts_with('#')
}

fn indent(line: &str) -> usize {
    line.bytes().take_while(|&b| b == b' ').count()
}
