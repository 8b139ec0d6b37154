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

/// Whether running `n` always ends in an exit: an exit statement, or a `try` whose
/// body and every handler end in one (and that has no `finally`).
fn always_exits(n: Node<'_>) -> bool {
    if is_exit(n.kind()) {
        return true;
    }
    if n.kind() != "try_statement" {
        return false;
    }
    let mut c = n.walk();
    let parts: Vec<Node<'_>> = n.named_children(&mut c).collect();
    if parts.iter().any(|p| p.kind().contains("finally")) {
        return false;
    }
    parts.iter().all(|p| {
        let block = if p.kind().contains("catch") || p.kind().contains("except") {
            p.child_by_field_name("body")
                .or_else(|| p.named_child(p.named_child_count().saturating_sub(1) as u32))
        } else {
            Some(*p)
        };
        block.is_some_and(|b| {
            let mut c2 = b.walk();
            let last = b.named_children(&mut c2).last();
            last.is_some_and(always_exits)
        })
    })
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
            always_exits(*last),
            inner,
        ));
    }
    Some((
        inner.start_byte(),
        inner.end_byte(),
        always_exits(inner),
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

/// A `switch` on a constant: the statements of the matching case (or the default),
/// without its closing `break`, in place of the whole statement. Left alone when the
/// chosen case falls through into the next one.
pub fn resolve_switch(n: Node<'_>, src: &str) -> Option<Splice> {
    let b = src.as_bytes();
    let subject = n
        .child_by_field_name("condition")
        .or_else(|| n.child_by_field_name("value"))?;
    let value = constant::value(subject, b)?;
    let cases = switch_cases(n);
    let case = chosen_case(&cases, &value, b)?;
    let stmts = case_statements(case);
    let last_is_case = cases.last().is_some_and(|l| l.id() == case.id());
    // Go's cases never fall through.
    let go = n.kind() == "expression_switch_statement";
    let (keep, ends) = match stmts.last() {
        Some(l) if l.kind() == "break_statement" => (&stmts[..stmts.len() - 1], true),
        Some(l) => (&stmts[..], always_exits(*l) || go || last_is_case),
        None => (&stmts[..], go || last_is_case),
    };
    if !ends {
        return None;
    }
    let indent = text::indent_at(src, n.start_byte()).to_string();
    let with = match (keep.first(), keep.last()) {
        (Some(f), Some(l)) => text::reindent(src, f.start_byte(), l.end_byte(), &indent, &[]),
        _ => String::new(),
    };
    if with.is_empty() {
        return Some(text::delete(
            src,
            n.start_byte(),
            n.end_byte(),
            "constant-switch",
        ));
    }
    Some(Splice {
        start: n.start_byte(),
        end: n.end_byte(),
        with,
        rule: "constant-switch",
    })
}

/// The cases of a `switch`, the default among them, in source order.
fn switch_cases(n: Node<'_>) -> Vec<Node<'_>> {
    let body = n.child_by_field_name("body").unwrap_or(n);
    let mut c = body.walk();
    body.named_children(&mut c)
        .filter(|x| {
            matches!(
                x.kind(),
                "switch_block_statement_group"
                    | "switch_case"
                    | "switch_default"
                    | "expression_case"
                    | "default_case"
            )
        })
        .collect()
}

/// The first case whose label equals `value`, else the default.
fn chosen_case<'t>(cases: &[Node<'t>], value: &Const, b: &[u8]) -> Option<Node<'t>> {
    let mut chosen: Option<Node<'_>> = None;
    let mut default: Option<Node<'_>> = None;
    for case in cases {
        let mut c2 = case.walk();
        let kids: Vec<Node<'_>> = case.named_children(&mut c2).collect();
        let labels: Vec<Node<'_>> = match case.kind() {
            "switch_block_statement_group" => kids
                .iter()
                .filter(|k| k.kind() == "switch_label")
                .copied()
                .collect(),
            _ => case.child_by_field_name("value").into_iter().collect(),
        };
        let is_default = matches!(case.kind(), "switch_default" | "default_case")
            || labels
                .iter()
                .any(|l| node::text(*l, b).trim_start().starts_with("default"));
        if is_default {
            default = Some(*case);
            continue;
        }
        let matches = labels.iter().any(|l| {
            let mut c3 = l.walk();
            let vals: Vec<Node<'_>> = if l.named_child_count() > 0 {
                l.named_children(&mut c3).collect()
            } else {
                vec![*l]
            };
            vals.iter()
                .any(|v| constant::value(*v, b).as_ref() == Some(value))
        });
        if matches && chosen.is_none() {
            chosen = Some(*case);
        }
    }
    chosen.or(default)
}

/// The statements of a case, without its labels (a Go `statement_list` flattened).
fn case_statements(case: Node<'_>) -> Vec<Node<'_>> {
    let mut c4 = case.walk();
    case.named_children(&mut c4)
        .filter(|k| {
            !matches!(k.kind(), "switch_label")
                && case
                    .child_by_field_name("value")
                    .is_none_or(|v| v.id() != k.id())
        })
        .flat_map(|k| {
            if k.kind() == "statement_list" {
                let mut c5 = k.walk();
                k.named_children(&mut c5).collect::<Vec<_>>()
            } else {
                vec![k]
            }
        })
        .collect()
}
