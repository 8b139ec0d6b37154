//! Rewriting one file as if a flag always served one value: the references are
//! classified on the syntax tree, each is turned into an edit (or a note for review),
//! then the code those edits touched is simplified, round after round, until nothing
//! changes. Only touched code is simplified, so the rest of the file stays as written.

use super::branch;
use super::constant::{self, Fold};
use super::imports;
use super::text::{self, Splice};
use super::{Edit, Review, ReviewReason};
use crate::syntax::roles::{self, RoleInput, Shape};
use crate::syntax::{self, Calls, Lang, Role, node};
use serde_json::Value;
use tree_sitter::Node;

/// What the rewrite of one file needs.
pub struct Job<'a> {
    /// The file's language.
    pub lang: Lang,
    /// Every spelling of the flag (key, aliases), longest first.
    pub spellings: &'a [String],
    /// Check calls.
    pub calls: &'a Calls,
    /// The value the flag now always serves.
    pub keep: &'a Value,
    /// The file matches `settings.scan.definitions`.
    pub definitions_file: bool,
    /// Alias names still used somewhere that will not be rewritten: their declarations stay.
    pub keep_declarations: &'a [String],
}

/// The result for one file.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// The new text.
    pub text: String,
    /// The edits made, in order.
    pub edits: Vec<Edit>,
    /// What is left for a person.
    pub review: Vec<Review>,
    /// Spellings at mentions that stay in the code (identifiers, not comments).
    pub unresolved: Vec<String>,
}

/// Rounds of simplification before giving up on a fixed point (each round shrinks the
/// code, so real code converges in a few).
const MAX_ROUNDS: usize = 50;

/// Rewrites `src`.
pub fn rewrite(job: &Job<'_>, src: &str) -> Option<Outcome> {
    let tree = syntax::parse(job.lang, src.as_bytes())?;
    let refs = find_spellings(src, job.spellings);
    let inputs: Vec<RoleInput> = refs
        .iter()
        .map(|&(start, end)| RoleInput {
            start,
            end,
            pattern: false,
        })
        .collect();
    let mut out = Outcome::default();
    let (mut splices, pending) = reference_edits(job, &tree, src, &inputs, &mut out);
    splices.extend(handles(job, &tree, src, &inputs));
    let (current, kept) = text::apply(src, splices);
    drop_handled(&mut out, &pending, &kept);
    let mut history = History {
        original: src,
        rounds: Vec::new(),
    };
    record(&mut out.edits, &mut history, src, &kept);
    let mut current = simplify(
        job,
        current,
        new_ranges(&kept),
        &mut out.edits,
        &mut history,
    );
    if let Some(t) = syntax::parse(job.lang, current.as_bytes()) {
        let unused = imports::unused(job.lang, &tree, src, &t, &current);
        if !unused.is_empty() {
            let (next, kept) = text::apply(&current, unused);
            record(&mut out.edits, &mut history, &current, &kept);
            current = next;
        }
    }
    out.text = current;
    out.review.sort();
    out.review.dedup();
    Some(out)
}

/// The edit of each reference, or its review item in `out`. Also returns where each
/// review item is (and its spelling), to drop those an edit took care of.
fn reference_edits(
    job: &Job<'_>,
    tree: &tree_sitter::Tree,
    src: &str,
    inputs: &[RoleInput],
    out: &mut Outcome,
) -> (Vec<Splice>, Vec<(usize, String)>) {
    let mut splices = Vec::new();
    let mut pending: Vec<(usize, String)> = Vec::new();
    for r in inputs {
        let site = roles::site(job.lang, tree, src.as_bytes(), *r, job.calls, inputs);
        let line = line_of(src, r.start);
        let spelled = &src[r.start..r.end];
        match edit_for(job, tree, src, site, spelled) {
            Ok(Some(s)) => splices.push(s),
            Ok(None) => {}
            Err(reason) => {
                if reason == ReviewReason::Mention && site.shape != Shape::Comment {
                    out.unresolved.push(spelled.to_string());
                }
                pending.push((r.start, spelled.to_string()));
                out.review.push(Review {
                    line,
                    reason,
                    text: src[text::line_start(src, r.start)..text::line_end(src, r.start)]
                        .trim()
                        .to_string(),
                });
            }
        }
    }
    (splices, pending)
}

/// Drops the review items (and unresolved spellings) inside a kept splice: a
/// handle's edit took care of them.
fn drop_handled(out: &mut Outcome, pending: &[(usize, String)], kept: &[Splice]) {
    let handled = |at: usize| kept.iter().any(|k| k.start <= at && at < k.end);
    let mut keep_review = pending.iter().map(|(at, _)| !handled(*at));
    out.review.retain(|_| keep_review.next().unwrap_or(true));
    out.unresolved = pending
        .iter()
        .filter(|(at, s)| !handled(*at) && out.unresolved.contains(s))
        .map(|(_, s)| s.clone())
        .collect();
}

/// Simplifies the touched code round after round (inlining a variable when nothing
/// else is left) until nothing changes, recording every round's edits.
fn simplify(
    job: &Job<'_>,
    mut current: String,
    mut touched: Vec<(usize, usize)>,
    edits: &mut Vec<Edit>,
    history: &mut History<'_>,
) -> String {
    for _ in 0..MAX_ROUNDS {
        let Some(t) = syntax::parse(job.lang, current.as_bytes()) else {
            break;
        };
        let mut cands = simplifications(job, t.root_node(), &current, &touched);
        if cands.is_empty() {
            cands = inlines(job, t.root_node(), &current, &touched);
        }
        if cands.is_empty() {
            break;
        }
        let (next, kept) = text::apply(&current, cands);
        record(edits, history, &current, &kept);
        touched = remap(&touched, &kept);
        current = next;
    }
    current
}

/// Byte ranges of whole-token occurrences of the spellings (longest first at a place).
pub fn find_spellings(src: &str, spellings: &[String]) -> Vec<(usize, usize)> {
    let b = src.as_bytes();
    let tok = |i: usize| {
        b.get(i)
            .is_some_and(|&c| crate::scan::matcher::is_token_byte(c))
    };
    let mut out: Vec<(usize, usize)> = Vec::new();
    for s in spellings {
        for (i, _) in src.match_indices(s.as_str()) {
            let e = i + s.len();
            if (i > 0 && tok(i - 1)) || tok(e) {
                continue;
            }
            if out.iter().any(|&(a, z)| i < z && a < e) {
                continue;
            }
            out.push((i, e));
        }
    }
    out.sort_unstable();
    out
}

fn line_of(src: &str, at: usize) -> u64 {
    src[..at].bytes().filter(|&c| c == b'\n').count() as u64 + 1
}

/// The edit for one classified reference, or why it is left for review.
fn edit_for(
    job: &Job<'_>,
    tree: &tree_sitter::Tree,
    src: &str,
    site: roles::Site<'_>,
    spelled: &str,
) -> Result<Option<Splice>, ReviewReason> {
    let _ = tree;
    let n = site.node;
    if let Some(acc) = override_accessor(job, n, src) {
        return Ok(Some(delete_declaration(acc, src, "accessor")));
    }
    match site.shape {
        Shape::Comment => {
            if is_removal_comment(n, src, spelled) {
                return Ok(Some(text::delete(
                    src,
                    n.start_byte(),
                    n.end_byte(),
                    "removal-comment",
                )));
            }
            Err(ReviewReason::Comment)
        }
        Shape::CheckCall => {
            let lit = job.lang.literal(job.keep).ok_or(ReviewReason::NoLiteral)?;
            Ok(Some(Splice {
                start: n.start_byte(),
                end: n.end_byte(),
                with: lit,
                rule: "check",
            }))
        }
        Shape::AliasDeclaration => {
            if job.keep_declarations.iter().any(|k| k == spelled) && !job.definitions_file {
                return Err(ReviewReason::StillUsed);
            }
            Ok(Some(delete_declaration(n, src, "definition")))
        }
        Shape::UnionMember => Ok(Some(union_member(n, src))),
        Shape::ObjectKey | Shape::EnumConstant => Ok(Some(list_item(n, src, "definition"))),
        Shape::TypeMember | Shape::CaseLabel => Ok(Some(text::delete(
            src,
            n.start_byte(),
            n.end_byte(),
            "definition",
        ))),
        Shape::GatePair => gate(job, n, src),
        Shape::Accessor => Err(ReviewReason::Accessor),
        Shape::Other => {
            if job.definitions_file {
                return Ok(entry(site.operand).map(|e| delete_declaration(e, src, "definition")));
            }
            if let Some(s) = test_override(job, site.operand, src) {
                return Ok(Some(s));
            }
            if site.role == Role::Mention && in_binding_value(site.operand).is_some() {
                // A handle to the flag (`x = Flags.KEY.bindTo(source)`): see `handles`.
                return Ok(None);
            }
            Err(ReviewReason::Mention)
        }
    }
}

/// An overriding method named after the flag, which the interface's default replaces
/// once the flag is gone.
fn override_accessor<'t>(job: &Job<'_>, n: Node<'t>, src: &str) -> Option<Node<'t>> {
    let mut cur = Some(n);
    while let Some(x) = cur {
        if matches!(
            x.kind(),
            "method_declaration" | "function_declaration" | "method_definition"
        ) {
            let name = x.child_by_field_name("name")?;
            let name = node::text(name, src.as_bytes());
            if !job.spellings.iter().any(|s| s == name) {
                return None;
            }
            let mods = {
                let mut c = x.walk();
                x.children(&mut c)
                    .find(|k| k.kind() == "modifiers")
                    .map(|m| node::text(m, src.as_bytes()).to_string())
            };
            let overrides = mods.is_some_and(|m| m.contains("@Override") || m.contains("override"));
            return overrides.then_some(x);
        }
        cur = x.parent();
    }
    None
}

/// Deletes a declaration with the comments right above it (its documentation).
fn delete_declaration(n: Node<'_>, src: &str, rule: &'static str) -> Splice {
    let mut start = n.start_byte();
    let mut prev = n.prev_sibling();
    while let Some(p) = prev {
        let gap = &src[p.end_byte()..start];
        if !node::is_comment(p.kind()) || gap.matches('\n').count() != 1 || !gap.trim().is_empty() {
            break;
        }
        // Only a comment alone on its lines.
        if !src[text::line_start(src, p.start_byte())..p.start_byte()]
            .trim()
            .is_empty()
        {
            break;
        }
        start = p.start_byte();
        prev = p.prev_sibling();
    }
    text::delete(src, start, n.end_byte(), rule)
}

/// A comment alone on its lines that says to remove the flag.
fn is_removal_comment(n: Node<'_>, src: &str, spelled: &str) -> bool {
    let (s, e) = text::deletion(src, n.start_byte(), n.end_byte());
    if s == n.start_byte() && e == n.end_byte() {
        return false;
    }
    let t = node::text(n, src.as_bytes());
    // Documentation says what code does; a removal note is a short remark.
    if t.starts_with("/**") || t.lines().count() > 3 {
        return false;
    }
    // The note and the flag on the same line: "TODO: remove KEY after the rollout".
    t.lines().filter(|l| l.contains(spelled)).any(|l| {
        let l = l.to_lowercase();
        [
            "todo", "fixme", "remove", "delete", "clean up", "cleanup", "drop ",
        ]
        .iter()
        .any(|w| l.contains(w))
    })
}

/// Deletes a union member with one `|` next to it.
fn union_member(n: Node<'_>, src: &str) -> Splice {
    if let Some(prev) = n
        .prev_sibling()
        .filter(|p| node::text(*p, src.as_bytes()) == "|")
    {
        let (ls, le) = (
            text::line_start(src, prev.start_byte()),
            text::line_end(src, n.end_byte()),
        );
        if src[ls..prev.start_byte()].trim().is_empty() && src[n.end_byte()..le].trim().is_empty() {
            return text::delete(src, prev.start_byte(), n.end_byte(), "definition");
        }
        let start = prev
            .prev_sibling()
            .map_or(prev.start_byte(), |x| x.end_byte());
        return Splice {
            start,
            end: n.end_byte(),
            with: String::new(),
            rule: "definition",
        };
    }
    if let Some(next) = n
        .next_sibling()
        .filter(|p| node::text(*p, src.as_bytes()) == "|")
    {
        let end = next
            .next_sibling()
            .map_or(next.end_byte(), |x| x.start_byte());
        return Splice {
            start: n.start_byte(),
            end,
            with: String::new(),
            rule: "definition",
        };
    }
    text::delete(src, n.start_byte(), n.end_byte(), "definition")
}

/// Deletes an element of a comma-separated list (object entry, array element, enum
/// constant) with its comma.
fn list_item(n: Node<'_>, src: &str, rule: &'static str) -> Splice {
    let next = n.next_sibling();
    if let Some(c) = next.filter(|c| node::text(*c, src.as_bytes()) == ",") {
        let (s, e) = text::deletion(src, n.start_byte(), c.end_byte());
        if s != n.start_byte() {
            return Splice {
                start: s,
                end: e,
                with: String::new(),
                rule,
            };
        }
        let end = c
            .next_sibling()
            .map_or(c.end_byte(), |x| x.start_byte().max(c.end_byte()));
        let end = if src[c.end_byte()..end].contains('\n') {
            c.end_byte()
        } else {
            end
        };
        return Splice {
            start: n.start_byte(),
            end,
            with: String::new(),
            rule,
        };
    }
    if let Some(c) = n
        .prev_sibling()
        .filter(|c| node::text(*c, src.as_bytes()) == ",")
    {
        let (s, e) = text::deletion(src, n.start_byte(), n.end_byte());
        if s != n.start_byte() {
            return Splice {
                start: s,
                end: e,
                with: String::new(),
                rule,
            };
        }
        return Splice {
            start: c.start_byte(),
            end: n.end_byte(),
            with: String::new(),
            rule,
        };
    }
    text::delete(src, n.start_byte(), n.end_byte(), rule)
}

/// A gate: keep on drops the property; keep off drops the entry that holds it.
fn gate(job: &Job<'_>, pair: Node<'_>, src: &str) -> Result<Option<Splice>, ReviewReason> {
    let on = !matches!(job.keep, Value::Bool(false) | Value::Null);
    if on {
        return Ok(Some(list_item(pair, src, "gate")));
    }
    let object = pair.parent().ok_or(ReviewReason::Gate)?;
    let holder = object.parent().ok_or(ReviewReason::Gate)?;
    if matches!(holder.kind(), "array" | "list" | "array_literal") {
        return Ok(Some(list_item(object, src, "gate")));
    }
    Err(ReviewReason::Gate)
}

/// The entry of a definitions file holding `n`: the nearest statement, member, pair
/// or list element.
fn entry(n: Node<'_>) -> Option<Node<'_>> {
    let mut cur = n;
    while let Some(p) = cur.parent() {
        if matches!(
            p.kind(),
            "program"
                | "module"
                | "source_file"
                | "class_body"
                | "interface_body"
                | "object"
                | "dictionary"
                | "hash"
                | "array"
                | "list"
                | "enum_body"
                | "statement_block"
                | "block"
                | "union_type"
                | "object_type"
                | "statement_list"
                | "declaration_list"
                | "const_declaration"
                | "var_declaration"
        ) {
            return Some(cur);
        }
        cur = p;
    }
    None
}

/// A statement of a test that forces the flag (`flags.override('key', …)`,
/// `source.withBooleanFlag(Flags.KEY.id(), false)`): it goes with the flag.
fn test_override(job: &Job<'_>, operand: Node<'_>, src: &str) -> Option<Splice> {
    let mut arg = operand;
    // `Flags.KEY.id()`
    if let Some(p) = arg.parent().and_then(|p| {
        if node::is_member(p.kind()) {
            p.parent()
        } else {
            Some(p)
        }
    }) {
        if let Some(c) = node::call(p) {
            if c.receiver.is_some_and(|r| r.id() == arg.id())
                && c.args.is_some_and(|a| a.named_child_count() == 0)
            {
                arg = p;
            }
        }
    }
    let args = arg.parent()?;
    let call = node::call(args.parent()?)?;
    if call.args.map(|a| a.id()) != Some(args.id()) {
        return None;
    }
    let name = node::text(call.name, src.as_bytes()).to_lowercase();
    let forcing = [
        "override",
        "withbooleanflag",
        "withintflag",
        "withstringflag",
        "withdoubleflag",
        "withlongflag",
        "withlistflag",
        "withjacksonflag",
        "setflag",
        "mockflag",
        "stubflag",
        "forceflag",
        "enableflag",
        "disableflag",
        "set_flag",
        "override_flag",
    ];
    if !forcing.iter().any(|f| name == *f) && !name.starts_with("with") {
        return None;
    }
    if job.calls.matches(
        node::text(call.name, src.as_bytes()),
        node::text(call.callee, src.as_bytes()),
    ) {
        return None;
    }
    // The statement must be only this call (or `x = x.call(...)`).
    let mut stmt = call.node;
    while let Some(p) = stmt.parent() {
        if p.kind() == "expression_statement" {
            return Some(text::delete(
                src,
                p.start_byte(),
                p.end_byte(),
                "test-override",
            ));
        }
        if p.kind().contains("assignment") || node::is_call(p.kind()) || node::is_member(p.kind()) {
            stmt = p;
            continue;
        }
        return None;
    }
    None
}

/// When `operand` is inside the value of a declaration or assignment (and not a
/// check), that binding's name node and statement.
fn in_binding_value(operand: Node<'_>) -> Option<(Node<'_>, Node<'_>)> {
    let mut cur = operand;
    while let Some(p) = cur.parent() {
        if let Some((name, value, stmt)) = roles::binding(Lang::Java, p) {
            let (name, value) = (name?, value?);
            if node::contains(value, operand) && !node::contains(name, operand) {
                return Some((name, stmt));
            }
            return None;
        }
        if node::is_statement(p.kind()) {
            return None;
        }
        cur = p;
    }
    None
}

/// Handles: a variable or field bound to the flag (`this.f = Flags.KEY.bindTo(src)`)
/// whose every use is a check (`f.value()`, `f.with(x).value()`): the uses become the
/// kept value, the binding and the field declaration go.
fn handles(job: &Job<'_>, tree: &tree_sitter::Tree, src: &str, refs: &[RoleInput]) -> Vec<Splice> {
    let mut out = Vec::new();
    let root = tree.root_node();
    let Some(lit) = job.lang.literal(job.keep) else {
        return out;
    };
    for r in refs {
        let Some(leaf) = root.descendant_for_byte_range(r.start, r.end) else {
            continue;
        };
        let site = roles::site(job.lang, tree, src.as_bytes(), *r, job.calls, refs);
        if site.role != Role::Mention || override_accessor(job, site.node, src).is_some() {
            continue;
        }
        let _ = leaf;
        let Some((name_node, stmt)) = in_binding_value(site.operand) else {
            continue;
        };
        let name_node = if node::is_member(name_node.kind()) {
            match node::member_property(name_node) {
                Some(p) => p,
                None => continue,
            }
        } else {
            name_node
        };
        let name = node::text(name_node, src.as_bytes()).to_string();
        if name.is_empty() {
            continue;
        }
        let mut uses = Vec::new();
        let mut decls = Vec::new();
        let mut ok = true;
        visit(root, &mut |n| {
            if !node::is_identifier(n.kind()) || node::text(n, src.as_bytes()) != name {
                return;
            }
            if node::contains(stmt, n) {
                return;
            }
            let parent = n.parent();
            if parent.is_some_and(|p| p.kind() == "variable_declarator")
                && parent
                    .and_then(|p| p.parent())
                    .is_some_and(|pp| pp.kind() == "field_declaration")
            {
                decls.push(parent.and_then(|p| p.parent()).unwrap_or(n));
                return;
            }
            match check_chain(job, n, src) {
                Some(c) => uses.push(c),
                None => ok = false,
            }
        });
        if !ok || uses.is_empty() {
            continue;
        }
        for u in uses {
            out.push(Splice {
                start: u.0,
                end: u.1,
                with: lit.clone(),
                rule: "check",
            });
        }
        out.push(text::delete(
            src,
            stmt.start_byte(),
            stmt.end_byte(),
            "handle",
        ));
        for d in decls {
            out.push(text::delete(src, d.start_byte(), d.end_byte(), "handle"));
        }
    }
    out
}

/// When identifier `n` (maybe as `this.n`) starts a chain ending in a check call, the
/// chain's byte range.
fn check_chain(job: &Job<'_>, n: Node<'_>, src: &str) -> Option<(usize, usize)> {
    let mut cur = n;
    if let Some(p) = cur.parent() {
        if node::is_member(p.kind()) && node::member_property(p).is_some_and(|m| m.id() == n.id()) {
            cur = p;
        }
    }
    loop {
        let p = cur.parent()?;
        if let Some(c) = node::call(p) {
            if c.receiver.is_some_and(|r| r.id() == cur.id()) {
                if job.calls.matches(
                    node::text(c.name, src.as_bytes()),
                    node::text(c.callee, src.as_bytes()),
                ) {
                    return Some((p.start_byte(), p.end_byte()));
                }
                cur = p;
                continue;
            }
            return None;
        }
        if node::is_member(p.kind()) && node::member_object(p).is_some_and(|o| o.id() == cur.id()) {
            cur = p;
            continue;
        }
        return None;
    }
}

/// Calls `f` on every node under `n`.
fn visit<'t>(n: Node<'t>, f: &mut dyn FnMut(Node<'t>)) {
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        f(x);
        let mut c = x.walk();
        stack.extend(x.children(&mut c));
    }
}

/// Whether `n` overlaps a touched range.
fn is_touched(n: Node<'_>, touched: &[(usize, usize)]) -> bool {
    touched
        .iter()
        .any(|&(s, e)| n.start_byte() <= e && s <= n.end_byte())
}

/// Whether `n`'s value is only tested for truth.
fn in_condition(n: Node<'_>) -> bool {
    let mut cur = n;
    while let Some(p) = cur.parent() {
        if p.child_by_field_name("condition")
            .is_some_and(|c| node::contains(c, cur))
        {
            return true;
        }
        if constant::is_binary(p.kind())
            || matches!(
                p.kind(),
                "parenthesized_expression"
                    | "unary_expression"
                    | "not_operator"
                    | "unary"
                    | "prefix_expression"
            )
        {
            cur = p;
            continue;
        }
        return false;
    }
    false
}

/// One round of simplifications of touched code, innermost first.
fn simplifications(
    job: &Job<'_>,
    root: Node<'_>,
    src: &str,
    touched: &[(usize, usize)],
) -> Vec<Splice> {
    let mut cands: Vec<Splice> = Vec::new();
    visit(root, &mut |n| {
        if !is_touched(n, touched) {
            return;
        }
        if let Some(s) = simplification(job, n, src) {
            cands.push(s);
        }
    });
    // Innermost first: smaller splices win over the ones enclosing them this round.
    cands.sort_by_key(|s| s.end - s.start);
    let mut picked: Vec<Splice> = Vec::new();
    for c in cands {
        if picked
            .iter()
            .any(|p| c.start < p.end.max(p.start + 1) && p.start < c.end.max(c.start + 1))
        {
            continue;
        }
        picked.push(c);
    }
    picked
}

/// The simplification of one node, if its kind has one and it applies.
fn simplification(job: &Job<'_>, n: Node<'_>, src: &str) -> Option<Splice> {
    let b = src.as_bytes();
    let k = n.kind();
    if constant::is_binary(k) {
        fold_binary(job, n, b)
    } else if matches!(
        k,
        "unary_expression" | "not_operator" | "unary" | "prefix_expression"
    ) {
        match constant::value(n, b) {
            Some(constant::Const::Bool(v)) => Some(Splice {
                start: n.start_byte(),
                end: n.end_byte(),
                with: job.lang.bool_literal(v).to_string(),
                rule: "boolean",
            }),
            _ => None,
        }
    } else if k == "parenthesized_expression" {
        unwrap_literal(n, b)
    } else if matches!(
        k,
        "ternary_expression" | "conditional_expression" | "conditional"
    ) {
        branch::resolve_ternary(n, src)
    } else if matches!(k, "if_statement" | "if" | "unless")
        || (k == "if_expression"
            && n.parent()
                .is_some_and(|p| !p.kind().contains("declaration") && p.kind() != "assignment"))
    {
        branch::resolve_if(job.lang, n, src)
    } else if matches!(k, "elif_clause" | "elsif") {
        branch::resolve_elif(job.lang, n, src)
    } else if matches!(
        k,
        "switch_expression" | "switch_statement" | "expression_switch_statement"
    ) {
        branch::resolve_switch(n, src)
    } else if matches!(k, "if_modifier" | "unless_modifier") {
        branch::resolve_modifier(n, src)
    } else if k == "if_expression" {
        // A Kotlin `if` whose value is used: an expression, like a ternary.
        branch::resolve_ternary_kotlin(n, src)
    } else {
        None
    }
}

/// A binary operation on constants folded to a literal or to one of its operands.
fn fold_binary(job: &Job<'_>, n: Node<'_>, b: &[u8]) -> Option<Splice> {
    let with = match constant::fold_binary(job.lang, n, b, in_condition(n))? {
        Fold::Literal(t) => t,
        Fold::Operand(i) => {
            let o = n
                .child_by_field_name(if i == 0 { "left" } else { "right" })
                .or_else(|| n.named_child(i as u32))
                .unwrap_or(n);
            node::text(o, b).to_string()
        }
    };
    Some(Splice {
        start: n.start_byte(),
        end: n.end_byte(),
        with,
        rule: "boolean",
    })
}

/// `(literal)` → `literal`, except as a condition, whose parentheses the syntax needs.
fn unwrap_literal(n: Node<'_>, b: &[u8]) -> Option<Splice> {
    let is_condition = n.parent().is_none_or(|p| {
        p.child_by_field_name("condition")
            .is_some_and(|c| c.id() == n.id())
    });
    if is_condition {
        return None;
    }
    let c = n.named_child(0)?;
    if constant::value(c, b).is_none() || c.child_count() != 0 {
        return None;
    }
    Some(Splice {
        start: n.start_byte(),
        end: n.end_byte(),
        with: node::text(c, b).to_string(),
        rule: "boolean",
    })
}

/// The splices inlining one touched variable bound to a literal.
fn inlines(job: &Job<'_>, root: Node<'_>, src: &str, touched: &[(usize, usize)]) -> Vec<Splice> {
    let mut found = Vec::new();
    let is_new = |n: Node<'_>| is_touched(n, touched);
    visit(root, &mut |n| {
        if found.is_empty() {
            let s = super::inline::inline(job.lang, n, src, &is_new);
            if !s.is_empty() {
                found = s;
            }
        }
    });
    found
}

/// The ranges of the new text written by `kept` splices.
fn new_ranges(kept: &[Splice]) -> Vec<(usize, usize)> {
    let mut delta: isize = 0;
    let mut out = Vec::new();
    for s in kept {
        let start = (s.start as isize + delta) as usize;
        out.push((start.saturating_sub(1), start + s.with.len() + 1));
        delta += s.with.len() as isize - (s.end - s.start) as isize;
    }
    out
}

/// Touched ranges moved through `kept` splices, plus the ranges they wrote.
fn remap(touched: &[(usize, usize)], kept: &[Splice]) -> Vec<(usize, usize)> {
    let shift = |at: usize| -> usize {
        let mut d: isize = 0;
        for s in kept {
            if s.end <= at {
                d += s.with.len() as isize - (s.end - s.start) as isize;
            } else if s.start < at {
                return (s.start as isize + d) as usize + s.with.len();
            }
        }
        (at as isize + d).max(0) as usize
    };
    let mut out: Vec<(usize, usize)> = touched.iter().map(|&(s, e)| (shift(s), shift(e))).collect();
    out.extend(new_ranges(kept));
    out
}

/// Adds the applied splices of a round to the edit list (positions in the text they
/// applied to).
fn record(edits: &mut Vec<Edit>, history: &mut History<'_>, before: &str, kept: &[Splice]) {
    for s in kept {
        // A deleted line ends with its newline, which belongs to that line.
        let end = if s.end > s.start && before.as_bytes().get(s.end - 1) == Some(&b'\n') {
            s.end - 1
        } else {
            s.end
        };
        edits.push(Edit {
            line: line_of(history.original, history.to_original(s.start)),
            end_line: line_of(history.original, history.to_original(end)),
            rule: s.rule,
            removed: before[s.start..s.end].to_string(),
            inserted: s.with.clone(),
        });
    }
    history.rounds.push(kept.to_vec());
}

/// The splices applied so far, to give every edit the line it had in the original.
struct History<'a> {
    original: &'a str,
    rounds: Vec<Vec<Splice>>,
}

impl History<'_> {
    /// Where byte `pos` of the current text was in the original (for text a splice
    /// wrote: where the text it replaced started).
    fn to_original(&self, mut pos: usize) -> usize {
        for round in self.rounds.iter().rev() {
            let mut delta: isize = 0;
            let mut mapped = None;
            for s in round {
                let new_start = (s.start as isize + delta) as usize;
                if pos < new_start {
                    break;
                }
                if pos < new_start + s.with.len() {
                    mapped = Some(s.start);
                    break;
                }
                delta += s.with.len() as isize - (s.end - s.start) as isize;
            }
            pos = mapped.unwrap_or_else(|| (pos as isize - delta).max(0) as usize);
        }
        pos.min(self.original.len())
    }
}
