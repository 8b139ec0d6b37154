//! The scanner's fast path: the role of a reference from its own line, when the line
//! alone decides it. Tokens around the reference are read with a small lexer (quotes
//! and comment markers of the file's language); anything it is not sure of (a
//! statement continued from the previous line, an object entry whose braces are on
//! other lines, a line inside a block comment or a multi-line string) is `None`, and
//! the file is then parsed. The rules mirror [`super::roles`]; a test runs both over
//! the same sources and requires them to agree wherever this one decides.

use super::{Calls, Lang, Role};
use std::ops::ControlFlow;

/// A token of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    Ident(&'a [u8]),
    /// A quoted string: its content.
    Str(&'a [u8]),
    Punct(&'a [u8]),
}

/// Where a token is on the line.
#[derive(Debug, Clone, Copy)]
struct Spanned<'a> {
    tok: Tok<'a>,
    start: usize,
    end: usize,
}

/// The line's tokens up to a line comment; `None` if a string is not closed on the
/// line (a multi-line string: undecidable here).
fn tokens<'a>(lang: Lang, line: &'a [u8]) -> Option<(Vec<Spanned<'a>>, Option<usize>)> {
    let comment = lang.line_comment().as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < line.len() {
        let b = line[i];
        if line[i..].starts_with(comment) {
            return Some((out, Some(i)));
        }
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b == b'"' || b == b'\'' || b == b'`' {
            if b == b'`' || line[i..].starts_with(b"\"\"\"") || line[i..].starts_with(b"'''") {
                return None;
            }
            let mut j = i + 1;
            while j < line.len() && line[j] != b {
                j += if line[j] == b'\\' { 2 } else { 1 };
            }
            if j >= line.len() {
                return None;
            }
            out.push(Spanned {
                tok: Tok::Str(&line[i + 1..j]),
                start: i,
                end: j + 1,
            });
            i = j + 1;
            continue;
        }
        if super::super::scan::matcher::is_token_byte(b) || b == b'$' || b == b'@' {
            let mut j = i + 1;
            while j < line.len()
                && (super::super::scan::matcher::is_token_byte(line[j]) || line[j] == b'$')
            {
                j += 1;
            }
            // Ruby predicate methods.
            if lang == Lang::Ruby && j < line.len() && matches!(line[j], b'?' | b'!') {
                j += 1;
            }
            out.push(Spanned {
                tok: Tok::Ident(&line[i..j]),
                start: i,
                end: j,
            });
            i = j;
            continue;
        }
        let two = line.get(i..i + 2).unwrap_or(&[]);
        let len = if matches!(
            two,
            b"==" | b"!=" | b"&&" | b"||" | b"=>" | b"->" | b"<=" | b">=" | b"::" | b"?." | b"?:"
        ) {
            2
        } else {
            1
        };
        out.push(Spanned {
            tok: Tok::Punct(&line[i..i + len]),
            start: i,
            end: i + len,
        });
        i += len;
    }
    Some((out, None))
}

/// Keywords that open a parenthesised condition, not a call.
fn is_keyword(word: &[u8]) -> bool {
    matches!(
        word,
        b"if"
            | b"while"
            | b"for"
            | b"switch"
            | b"return"
            | b"catch"
            | b"when"
            | b"elif"
            | b"not"
            | b"and"
            | b"or"
            | b"in"
            | b"case"
            | b"await"
            | b"new"
            | b"typeof"
    )
}

/// Whether the statement holding this line started on an earlier line.
fn continues(lang: Lang, prev: Option<&[u8]>, line: &[u8]) -> bool {
    let t = trim(line);
    if t.first().is_some_and(|b| {
        matches!(
            b,
            b'.' | b')' | b']' | b'}' | b'+' | b'-' | b'*' | b'&' | b'|' | b'?' | b':'
        )
    }) {
        return true;
    }
    let Some(prev) = prev else { return false };
    let p = trim(prev);
    if p.starts_with(lang.line_comment().as_bytes()) {
        return false;
    }
    let Some(&last) = p.last() else { return false };
    match last {
        b'(' | b',' | b'[' | b'+' | b'-' | b'*' | b'/' | b'&' | b'|' | b'=' | b'?' | b'.'
        | b'\\' | b'>' | b'<' | b'!' => true,
        b':' => lang != Lang::Python,
        b'{' => false,
        _ => false,
    }
}

fn trim(s: &[u8]) -> &[u8] {
    let s = s.strip_suffix(b"\r").unwrap_or(s);
    let start = s
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &s[start..end.max(start)]
}

/// An open bracket before the reference: its kind and the name called with it.
#[derive(Debug, Clone, Copy)]
struct Open<'a> {
    bracket: u8,
    name: Option<&'a [u8]>,
}

/// The role of the reference at `line[start..end]`, if the line decides it. `prev` is
/// the previous non-blank line; `others` are the other references on the line (as
/// offsets in `line`).
#[allow(clippy::too_many_arguments)]
pub fn classify(
    lang: Lang,
    line: &[u8],
    prev: Option<&[u8]>,
    start: usize,
    end: usize,
    others: &[(usize, usize)],
    calls: &Calls,
    pattern: bool,
) -> Option<Role> {
    let t = trim(line);
    if lang != Lang::Python && lang != Lang::Ruby && (t.starts_with(b"*") || t.starts_with(b"/*")) {
        return Some(Role::Mention);
    }
    let (toks, comment) = tokens(lang, line)?;
    if comment.is_some_and(|c| c <= start) {
        return Some(Role::Mention);
    }
    // Block comments and strings spanning lines are the parser's business.
    if toks.iter().any(|t| t.tok == Tok::Punct(b"/"))
        && line.windows(2).any(|w| w == b"/*" || w == b"*/")
    {
        return None;
    }
    let at = toks.iter().position(|t| {
        (t.start == start && t.end == end) || (t.start + 1 == start && t.end == end + 1)
    })?;
    let is_str = matches!(toks[at].tok, Tok::Str(_));
    if is_str && toks[at].end - toks[at].start != end - start + 2 {
        return Some(Role::Mention);
    }
    let continued = continues(lang, prev, line);
    let stack = open_brackets(&toks, at)?;
    if let ControlFlow::Break(role) = call_role(&toks, at, &stack, calls, pattern) {
        return role;
    }
    if continued || pattern {
        return None;
    }
    let reference = Reference {
        line,
        toks: &toks,
        at,
        is_str,
        others,
    };
    reference.statement_role(&stack)
}

/// The brackets open at token `at`, innermost last; `None` if one closes that the
/// line did not open.
fn open_brackets<'a>(toks: &[Spanned<'a>], at: usize) -> Option<Vec<Open<'a>>> {
    let mut stack: Vec<Open<'_>> = Vec::new();
    for (i, s) in toks[..at].iter().enumerate() {
        match s.tok {
            Tok::Punct(b"(") | Tok::Punct(b"[") | Tok::Punct(b"{") => {
                let name = match (i.checked_sub(1).map(|j| toks[j].tok), s.tok) {
                    (Some(Tok::Ident(n)), Tok::Punct(b"(")) if !is_keyword(n) => Some(n),
                    _ => None,
                };
                let bracket = match s.tok {
                    Tok::Punct(p) => p[0],
                    _ => b'(',
                };
                stack.push(Open { bracket, name });
            }
            Tok::Punct(b")") | Tok::Punct(b"]") | Tok::Punct(b"}") => {
                stack.pop()?;
            }
            _ => {}
        }
    }
    Some(stack)
}

/// The role decided by the calls around the reference: an argument of a check call
/// (or, for a pattern match, of any call) or a chained check is a check; inside a
/// call that only counts when qualified, the parser decides.
fn call_role(
    toks: &[Spanned<'_>],
    at: usize,
    stack: &[Open<'_>],
    calls: &Calls,
    pattern: bool,
) -> ControlFlow<Option<Role>> {
    let is_check_name = |n: &[u8]| {
        std::str::from_utf8(n).is_ok_and(|n| calls.has_name(n) && !calls.qualified_only(n))
    };
    let qualified = |n: &[u8]| std::str::from_utf8(n).is_ok_and(|n| calls.qualified_only(n));
    if stack.iter().any(|o| o.name.is_some_and(qualified)) {
        return ControlFlow::Break(None);
    }
    if stack.iter().any(|o| o.name.is_some_and(is_check_name)) {
        return ControlFlow::Break(Some(Role::Check));
    }
    if pattern && stack.iter().any(|o| o.name.is_some()) {
        return ControlFlow::Break(Some(Role::Check));
    }
    match chain_check(&toks[at + 1..], stack.len(), &is_check_name, &qualified) {
        Some(true) => ControlFlow::Break(Some(Role::Check)),
        None => ControlFlow::Break(None),
        Some(false) => ControlFlow::Continue(()),
    }
}

/// The reference being classified, on its line of tokens.
struct Reference<'l, 't> {
    line: &'l [u8],
    toks: &'t [Spanned<'l>],
    /// Its token.
    at: usize,
    /// Whether that token is a quoted string.
    is_str: bool,
    /// The other references on the line.
    others: &'t [(usize, usize)],
}

impl Reference<'_, '_> {
    /// The role from the shape of the statement, once no call decided it.
    fn statement_role(&self, stack: &[Open<'_>]) -> Option<Role> {
        let (toks, at) = (self.toks, self.at);
        let prev_tok = at.checked_sub(1).map(|i| toks[i].tok);
        let next_tok = toks.get(at + 1).map(|s| s.tok);
        let innermost = stack.last().map(|o| o.bracket);
        if prev_tok == Some(Tok::Ident(b"case")) {
            return Some(Role::Definition);
        }
        if matches!(next_tok, Some(Tok::Punct(b":" | b"?:" | b"?" | b"!")))
            || matches!(prev_tok, Some(Tok::Punct(b":")))
        {
            // Object entries and gates when the braces are on this line; otherwise a
            // label, a type annotation or an entry of a literal opened above.
            return None;
        }
        if matches!(prev_tok, Some(Tok::Punct(b"|"))) || matches!(next_tok, Some(Tok::Punct(b"|")))
        {
            return None;
        }
        if innermost.is_some_and(|b| b != b'(') {
            return None;
        }
        // Declarations and assignments at the start of a statement.
        if stack.is_empty() {
            if let ControlFlow::Break(role) = self.assignment_role(next_tok) {
                return role;
            }
        }
        if toks.first().is_some_and(|t| {
            matches!(
                t.tok,
                Tok::Ident(
                    b"def" | b"fun" | b"func" | b"function" | b"enum" | b"interface" | b"type"
                )
            )
        }) {
            return None;
        }
        Some(Role::Mention)
    }

    /// The role of a reference outside any bracket, from where it stands relative
    /// to an `=`: the name declared, or the value given.
    fn assignment_role(&self, next_tok: Option<Tok<'_>>) -> ControlFlow<Option<Role>> {
        let (line, toks, at) = (self.line, self.toks, self.at);
        let line_continues = trim(line).last().is_some_and(|b| {
            matches!(
                b,
                b'(' | b',' | b'=' | b'+' | b'&' | b'|' | b'.' | b'\\' | b'{' | b'['
            )
        });
        if let Some(eq) = toks.iter().position(|t| t.tok == Tok::Punct(b"=")) {
            if eq > at {
                // The reference is in the name part.
                if line_continues {
                    return ControlFlow::Break(None);
                }
                let value_has_ref = self.others.iter().any(|&(s, _)| {
                    s > toks[eq].start && s > 0 && matches!(line[s - 1], b'"' | b'\'' | b':')
                });
                return ControlFlow::Break(Some(if value_has_ref {
                    Role::Definition
                } else {
                    Role::Mention
                }));
            }
            // The reference is in the value part.
            if self.is_str
                && at == eq + 1
                && matches!(
                    toks.get(at + 1).map(|t| t.tok),
                    None | Some(Tok::Punct(b";"))
                )
            {
                return ControlFlow::Break(Some(Role::Definition));
            }
            let name_has_ref = self.others.iter().any(|&(s, _)| s < toks[eq].start);
            if name_has_ref {
                return ControlFlow::Break(None);
            }
        }
        if matches!(next_tok, Some(Tok::Punct(b"("))) || line_continues {
            // A method named after the flag, or its declaration.
            return ControlFlow::Break(None);
        }
        ControlFlow::Continue(())
    }
}

/// Whether the reference is the start of a method chain that ends in a check call on
/// this line: `Some(true)`; `None` when a qualified check name is involved.
fn chain_check(
    after: &[Spanned<'_>],
    open: usize,
    is_check: &dyn Fn(&[u8]) -> bool,
    qualified: &dyn Fn(&[u8]) -> bool,
) -> Option<bool> {
    let mut depth: isize = 0;
    let mut i = 0;
    while i < after.len() {
        match after[i].tok {
            Tok::Punct(b"(") | Tok::Punct(b"[") => depth += 1,
            Tok::Punct(b")") | Tok::Punct(b"]") => {
                depth -= 1;
                if depth < -(open as isize) {
                    return Some(false);
                }
            }
            Tok::Punct(b"." | b"?." | b"::") if depth <= 0 => {
                if let (Some(Tok::Ident(n)), Some(Tok::Punct(b"("))) = (
                    after.get(i + 1).map(|t| t.tok),
                    after.get(i + 2).map(|t| t.tok),
                ) {
                    if qualified(n) {
                        return None;
                    }
                    if is_check(n) {
                        return Some(true);
                    }
                }
            }
            Tok::Ident(_) if depth <= 0 => {}
            _ if depth <= 0 => return Some(false),
            _ => {}
        }
        i += 1;
    }
    Some(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(lang: Lang, line: &str, prev: Option<&str>, spelling: &str) -> Option<Role> {
        let start = line.find(spelling).expect("spelling");
        let others: Vec<(usize, usize)> = ["k-x", "K_X", "kX", "k_x", "KX"]
            .iter()
            .flat_map(|s| line.match_indices(s))
            .filter(|(i, _)| *i != start)
            .map(|(i, m)| (i, i + m.len()))
            .collect();
        classify(
            lang,
            line.as_bytes(),
            prev.map(str::as_bytes),
            start,
            start + spelling.len(),
            &others,
            &Calls::defaults(),
            false,
        )
    }

    #[test]
    fn decides_the_common_shapes() {
        use Role::*;
        let ts = Lang::TypeScript;
        assert_eq!(
            role(
                ts,
                "  if (flags.isFeatureEnabled(\"k-x\")) { go(); }",
                None,
                "k-x"
            ),
            Some(Check)
        );
        assert_eq!(role(ts, "  // TODO remove k-x", None, "k-x"), Some(Mention));
        assert_eq!(
            role(ts, "  v = config.kX || defaults.kX", None, "kX"),
            Some(Mention)
        );
        assert_eq!(role(ts, "  K_X = \"k-x\"", None, "k-x"), Some(Definition));
        assert_eq!(role(ts, "  K_X = \"k-x\"", None, "K_X"), Some(Definition));
        assert_eq!(
            role(ts, "  k_x = settings.get(KX)", None, "k_x"),
            Some(Mention)
        );
        assert_eq!(
            role(ts, "  k_x = settings.get(KX)", None, "KX"),
            Some(Mention)
        );
        assert_eq!(
            role(
                Lang::Java,
                "  x = Flags.K_X.bindTo(s).value();",
                None,
                "K_X"
            ),
            Some(Mention)
        );
        assert_eq!(
            role(ts, "  flags.get('k-x'),", Some("isFeatureEnabled("), "k-x"),
            None
        );
        assert_eq!(role(ts, "  'k-x': true,", Some("{"), "k-x"), None);
        assert_eq!(role(ts, "  log(`k-x`)", None, "k-x"), None);
        assert_eq!(role(Lang::Python, "    # k-x", None, "k-x"), Some(Mention));
        assert_eq!(
            role(Lang::Ruby, "  if Flipper.enabled?(\"k-x\")", None, "k-x"),
            Some(Check)
        );
    }
}
