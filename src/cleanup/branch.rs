//! Choosing the branch of an `if`, `elif`/`elsif` chain or ternary whose condition
//! became a constant, as a replacement text.

use super::constant::{self, Const};
use super::text::{self, Splice};
use crate::syntax::Lang;
use crate::syntax::node;
use tree_sitter::Node;

/// Statements after which the rest of a block never runs.
fn is_exit(kind: &str) -> bool {
    matches!(
        kind,
        "return_statement"
            | "throw_statement"
            | "raise_statement"
            | "return"
            | "break_statement"
            | "continue_statement"
            | "throw_expression"
            | "jump_expression"
            | "break"
            | "next"
    )
}

/// Whether a node kind is a block of statements.
fn is_block(kind: &str) -> bool {
    matches!(
        kind,
        "statement_block" | "block" | "control_structure_body" | "then" | "else" | "body_statement"
    )
}

/// The truth of a condition node, if constant.
fn truth(n: Node<'_>, src: &[u8]) -> Option<bool> {
    match constant::value(n, src)? {
        Const::Bool(b) => Some(b),
        _ => None,
    }
}

/// The condition, consequence and alternative of an `if`.
fn parts(n: Node<'_>) -> (Option<Node<'_>>, Option<Node<'_>>, Option<Node<'_>>) {
    let cond = n.child_by_field_name("condition");
    let mut cons = n.child_by_field_name("consequence");
    let mut alt = n.child_by_field_name("alternative");
    if cons.is_none() {
        // Kotlin: `if (c) A else B`, positional.
        let mut c = n.walk();
        let mut after_else = false;
        for ch in n.children(&mut c) {
            if !ch.is_named() {
                after_else |= ch.kind() == "else";
                continue;
            }
            if cond.is_some_and(|x| x.id() == ch.id()) {
                continue;
            }
            if after_else {
                alt = alt.or(Some(ch));
            } else if cons.is_none() {
                cons = Some(ch);
            }
        }
    }
    (cond, cons, alt)
}

/// The statements a branch runs, as (start, end) of their text, and whether the last
/// one always exits.
fn body<'t>(b: Node<'t>) -> Option<(usize, usize, bool, Node<'t>)> {
    let mut inner = b;
    // `else_clause` wraps its statement or block.
    if matches!(b.kind(), "else_clause" | "else") && b.named_child_count() >= 1 {
        let last = b.named_child((b.named_child_count() - 1) as u32)?;
        if b.kind() == "else_clause" {
            inner = last;
        }
    }
    if is_block(inner.kind()) || inner.kind() == "else" {
        let mut c = inner.walk();
        let stmts: Vec<Node<'_>> = inner
            .named_children(&mut c)
            .filter(|s| s.kind() != "statement_list")
            .collect();
        // Go: `{ statement_list }`.
        let stmts = if stmts.is_empty() {
            let mut c2 = inner.walk();
            inner
                .named_children(&mut c2)
                .flat_map(|l| {
                    let mut c3 = l.walk();
                    l.named_children(&mut c3).collect::<Vec<_>>()
                })
                .collect()
        } else {
            stmts
        };
        let first = stmts.first()?;
        let last = stmts.last()?;
        return Some((
            first.start_byte(),
            last.end_byte(),
            is_exit(last.kind()),
            inner,
        ));
    }
    Some((
        inner.start_byte(),
        inner.end_byte(),
        is_exit(inner.kind()),
        inner,
    ))
}

/// Lines starting inside multi-line strings of `n`, which re-indenting must not touch.
fn string_lines(n: Node<'_>, src: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut stack = vec![n];
    let mut c = n.walk();
    while let Some(x) = stack.pop() {
        if node::is_string(x.kind()) || node::is_comment(x.kind()) && x.kind().contains("block") {
            let (s, e) = (x.start_byte(), x.end_byte());
            let mut at = s;
            while let Some(i) = src[at..e].find('\n') {
                at += i + 1;
                if node::is_string(x.kind()) {
                    out.push(at);
                }
            }
            continue;
        }
        stack.extend(x.children(&mut c));
    }
    out
}

/// The splice resolving an `if` statement whose condition is constant, or `None`.
pub fn resolve_if(lang: Lang, n: Node<'_>, src: &str) -> Option<Splice> {
    let (cond, cons, alt) = parts(n);
    let b = truth(cond?, src.as_bytes())?;
    let indent = text::indent_at(src, n.start_byte()).to_string();
    let chosen = if b { cons } else { alt };
    let Some(chosen) = chosen else {
        return Some(text::delete(
            src,
            n.start_byte(),
            n.end_byte(),
            "constant-if",
        ));
    };
    // `else if` / `elif` / `elsif`: the rest of the chain becomes the statement.
    if matches!(chosen.kind(), "if_statement" | "if_expression") {
        return Some(Splice {
            start: n.start_byte(),
            end: n.end_byte(),
            with: src[chosen.start_byte()..chosen.end_byte()].to_string(),
            rule: "constant-if",
        });
    }
    if matches!(chosen.kind(), "elif_clause" | "elsif") {
        let keyword_end = chosen.child(0)?.end_byte();
        let with = format!("if{}", &src[keyword_end..n.end_byte()]);
        return Some(Splice {
            start: n.start_byte(),
            end: n.end_byte(),
            with,
            rule: "constant-if",
        });
    }
    let (s, e, exits, inner) = body(chosen)?;
    let keep = string_lines(inner, src);
    let mut with = text::reindent(src, s, e, &indent, &keep);
    let mut end = n.end_byte();
    if exits {
        // Everything after the `if` in its block is unreachable now.
        let mut sib = n.next_named_sibling();
        while let Some(x) = sib {
            end = x.end_byte();
            sib = x.next_named_sibling();
        }
    }
    if with.trim().is_empty() {
        return Some(text::delete(src, n.start_byte(), end, "constant-if"));
    }
    if lang == Lang::Python && with.trim() == "pass" && end == n.end_byte() {
        return Some(text::delete(src, n.start_byte(), end, "constant-if"));
    }
    with.shrink_to_fit();
    Some(Splice {
        start: n.start_byte(),
        end,
        with,
        rule: if exits && end != n.end_byte() {
            "unreachable"
        } else {
            "constant-if"
        },
    })
}

/// The splice for an `elif`/`elsif` clause (not the first branch) whose condition is
/// constant: `true` makes it the `else` and drops the clauses after it; `false`
/// drops it.
pub fn resolve_elif(lang: Lang, n: Node<'_>, src: &str) -> Option<Splice> {
    let cond = n.child_by_field_name("condition")?;
    let b = truth(cond, src.as_bytes())?;
    let parent = n.parent()?;
    if !b {
        let end = n.next_sibling().map_or(n.end_byte(), |s| s.start_byte());
        let end = if n.next_named_sibling().is_none() && lang == Lang::Ruby {
            n.end_byte()
        } else {
            end
        };
        return Some(Splice {
            start: n.start_byte(),
            end,
            with: String::new(),
            rule: "constant-if",
        });
    }
    let cons = n.child_by_field_name("consequence")?;
    let with = match lang {
        Lang::Python => format!(
            "else:{}",
            &src[cond.end_byte()..cons.end_byte()]
                .trim_start_matches(':')
                .trim_end_matches('\n')
        ),
        _ => format!("else{}", &src[cond.end_byte()..cons.end_byte()]),
    };
    let end = if lang == Lang::Ruby {
        // Keep the `end` of the whole `if`.
        parent
            .child(parent.child_count().checked_sub(1)? as u32)?
            .start_byte()
    } else {
        parent.end_byte()
    };
    let with = if lang == Lang::Ruby {
        format!(
            "{}\n{}",
            with.trim_end(),
            text::indent_at(src, parent.start_byte())
        )
    } else {
        with
    };
    Some(Splice {
        start: n.start_byte(),
        end,
        with,
        rule: "constant-if",
    })
}

/// The splice for a ternary or conditional expression with a constant condition.
pub fn resolve_ternary(n: Node<'_>, src: &str) -> Option<Splice> {
    let (cond, a, b) = if n.kind() == "conditional_expression" {
        (n.named_child(1)?, n.named_child(0)?, n.named_child(2)?)
    } else {
        (
            n.child_by_field_name("condition")?,
            n.child_by_field_name("consequence")?,
            n.child_by_field_name("alternative")?,
        )
    };
    let t = truth(cond, src.as_bytes())?;
    let chosen = if t { a } else { b };
    Some(Splice {
        start: n.start_byte(),
        end: n.end_byte(),
        with: src[chosen.start_byte()..chosen.end_byte()].to_string(),
        rule: "constant-ternary",
    })
}

/// The splice for a statement-modifier `x if cond` / `x unless cond` (Ruby).
pub fn resolve_modifier(n: Node<'_>, src: &str) -> Option<Splice> {
    let cond = n.child_by_field_name("condition")?;
    let body = n.child_by_field_name("body")?;
    let mut t = truth(cond, src.as_bytes())?;
    if n.kind() == "unless_modifier" {
        t = !t;
    }
    Some(if t {
        Splice {
            start: n.start_byte(),
            end: n.end_byte(),
            with: src[body.start_byte()..body.end_byte()].to_string(),
            rule: "constant-if",
        }
    } else {
        text::delete(src, n.start_byte(), n.end_byte(), "constant-if")
    })
}

/// Kotlin's `if (c) a else b` used as a value, with a constant condition: the chosen
/// expression (a block keeps its braces: it is left alone).
pub fn resolve_ternary_kotlin(n: Node<'_>, src: &str) -> Option<Splice> {
    let (cond, cons, alt) = parts(n);
    let t = truth(cond?, src.as_bytes())?;
    let chosen = if t { cons? } else { alt? };
    if is_block(chosen.kind()) {
        return None;
    }
    Some(Splice {
        start: n.start_byte(),
        end: n.end_byte(),
        with: src[chosen.start_byte()..chosen.end_byte()].to_string(),
        rule: "constant-ternary",
    })
}
