//! Inlining a variable whose only assignment became a literal: `const useNew =
//! true;` disappears and its uses read `true`, so they simplify in turn.

use super::constant;
use super::text::{self, Splice};
use crate::syntax::{Lang, node};
use tree_sitter::Node;

/// A binding of a name to a literal: the name, the literal's text, the statements to
/// delete and the node within which the name is used.
struct Binding<'t> {
    name: String,
    value: String,
    delete: Vec<Node<'t>>,
    scope: Node<'t>,
    /// Uses before this byte are not this binding's.
    from: usize,
}

/// The splices inlining the binding declared by `n`, if `n` declares one.
pub fn inline(
    lang: Lang,
    n: Node<'_>,
    src: &str,
    touched: &dyn Fn(Node<'_>) -> bool,
) -> Vec<Splice> {
    let Some(b) = binding(lang, n, src) else {
        return Vec::new();
    };
    // Only bindings the rewrite made (their value or their assignment is new).
    if !b.delete.iter().any(|d| touched(*d)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut ok = true;
    let mut stack = vec![b.scope];
    while let Some(x) = stack.pop() {
        if b.delete.iter().any(|d| node::contains(*d, x)) {
            continue;
        }
        let mut c = x.walk();
        stack.extend(x.children(&mut c));
        if x.start_byte() < b.from
            || !node::is_identifier(x.kind())
            || node::text(x, src.as_bytes()) != b.name
        {
            continue;
        }
        match use_site(x, src) {
            Use::Read(target) => out.push(Splice {
                start: target.start_byte(),
                end: target.end_byte(),
                with: b.value.clone(),
                rule: "inline",
            }),
            Use::NotOurs => {}
            Use::Blocks => ok = false,
        }
    }
    if !ok {
        return Vec::new();
    }
    for d in &b.delete {
        out.push(text::delete(src, d.start_byte(), d.end_byte(), "inline"));
    }
    out
}

enum Use<'t> {
    /// A read; replace this node.
    Read(Node<'t>),
    /// Another thing with the same name (a property, a key).
    NotOurs,
    /// An assignment, a declaration shadowing it, a shorthand property: do not inline.
    Blocks,
}

fn use_site<'t>(x: Node<'t>, src: &str) -> Use<'t> {
    let Some(p) = x.parent() else {
        return Use::Read(x);
    };
    let field_is = |f: &str| p.child_by_field_name(f).is_some_and(|c| c.id() == x.id());
    if node::is_member(p.kind()) {
        let obj = node::member_object(p);
        if obj.is_some_and(|o| o.id() == x.id()) {
            return Use::Read(x);
        }
        // `this.name`
        if obj.is_some_and(|o| matches!(node::text(o, src.as_bytes()), "this" | "self")) {
            return use_site_of(p, src);
        }
        return Use::NotOurs;
    }
    if matches!(
        p.kind(),
        "pair" | "keyword_argument" | "keyed_element" | "named_argument"
    ) && (field_is("key") || field_is("name"))
    {
        return Use::NotOurs;
    }
    if p.kind().contains("shorthand") || x.kind().contains("shorthand") {
        return Use::Blocks;
    }
    if p.kind().contains("assignment")
        && (field_is("left") || p.named_child(0).is_some_and(|c| c.id() == x.id()))
    {
        return Use::Blocks;
    }
    if p.kind().contains("declarator")
        || p.kind().contains("parameter")
        || p.kind().contains("update")
        || p.kind() == "variable_declaration"
    {
        return Use::Blocks;
    }
    // The name of a method, a call of a method, a type: another thing with this name.
    if field_is("name") || field_is("method") {
        return Use::NotOurs;
    }
    Use::Read(x)
}

fn use_site_of<'t>(member: Node<'t>, _src: &str) -> Use<'t> {
    match member.parent() {
        Some(p)
            if p.kind().contains("assignment")
                && p.child_by_field_name("left")
                    .is_some_and(|l| l.id() == member.id()) =>
        {
            Use::Blocks
        }
        _ => Use::Read(member),
    }
}

/// The literal binding declared by `n`.
fn binding<'t>(lang: Lang, n: Node<'t>, src: &str) -> Option<Binding<'t>> {
    match n.kind() {
        "lexical_declaration" | "variable_declaration" | "local_variable_declaration"
            if n.named_child_count() >= 1 =>
        {
            declaration(lang, n, src.as_bytes())
        }
        "field_declaration" => field(n, src),
        "property_declaration" => kotlin_val(n, src.as_bytes()),
        "short_var_declaration" => go_short_var(n, src.as_bytes()),
        "expression_statement" | "assignment" if matches!(lang, Lang::Python | Lang::Ruby) => {
            script_assignment(lang, n, src)
        }
        _ => None,
    }
}

/// The text of `v` if it is a literal.
fn literal(v: Node<'_>, b: &[u8]) -> Option<String> {
    constant::value(v, b)
        .is_some()
        .then(|| node::text(v, b).to_string())
}

/// A binding whose statement `n` is deleted whole, in scope from its end.
fn statement_binding<'t>(n: Node<'t>, name: String, value: String) -> Option<Binding<'t>> {
    Some(Binding {
        name,
        value,
        delete: vec![n],
        scope: n.parent()?,
        from: n.end_byte(),
    })
}

/// `const NAME = literal;` (JavaScript, TypeScript, Java): one declarator only. A
/// JavaScript `var` is function-scoped and hoisted, so its scope is not its block.
fn declaration<'t>(lang: Lang, n: Node<'t>, b: &[u8]) -> Option<Binding<'t>> {
    let mut c = n.walk();
    let decls: Vec<Node<'_>> = n
        .named_children(&mut c)
        .filter(|d| d.kind() == "variable_declarator")
        .collect();
    if decls.len() != 1 {
        return None;
    }
    let d = decls[0];
    let name = d.child_by_field_name("name")?;
    if !node::is_identifier(name.kind()) {
        return None;
    }
    let value = literal(d.child_by_field_name("value")?, b)?;
    if n.kind() == "variable_declaration" && lang.is_js() && node::text(n, b).starts_with("var") {
        return None;
    }
    statement_binding(n, node::text(name, b).to_string(), value)
}

/// Kotlin `val NAME = literal` (a `var` can be reassigned).
fn kotlin_val<'t>(n: Node<'t>, b: &[u8]) -> Option<Binding<'t>> {
    let t = node::text(n, b);
    if !t.trim_start().starts_with("val") && !t.contains(" val ") {
        return None;
    }
    let mut c = n.walk();
    let kids: Vec<Node<'_>> = n.named_children(&mut c).collect();
    let name = kids.iter().find(|k| k.kind() == "variable_declaration")?;
    let name = name.named_child(0)?;
    let value = literal(*kids.last()?, b)?;
    statement_binding(n, node::text(name, b).to_string(), value)
}

/// Go `name := literal`, one name only.
fn go_short_var<'t>(n: Node<'t>, b: &[u8]) -> Option<Binding<'t>> {
    let left = n.child_by_field_name("left")?;
    let right = n.child_by_field_name("right")?;
    if left.named_child_count() != 1 || right.named_child_count() != 1 {
        return None;
    }
    let value = literal(right.named_child(0)?, b)?;
    statement_binding(n, node::text(left.named_child(0)?, b).to_string(), value)
}

/// Python or Ruby `name = literal`: these have no declarations, so the name must be
/// assigned only once in its scope.
fn script_assignment<'t>(lang: Lang, n: Node<'t>, src: &str) -> Option<Binding<'t>> {
    let b = src.as_bytes();
    let a = if n.kind() == "assignment" {
        n
    } else {
        n.named_child(0).filter(|a| a.kind() == "assignment")?
    };
    let stmt = if n.kind() == "assignment" && lang == Lang::Python {
        return None;
    } else {
        n
    };
    let left = a.child_by_field_name("left")?;
    if left.kind() != "identifier" {
        return None;
    }
    let value = literal(a.child_by_field_name("right")?, b)?;
    let name = node::text(left, b).to_string();
    let scope = stmt.parent()?;
    // Only assigned once in its scope.
    let assigned = count_assignments(scope, &name, src);
    if assigned != 1 {
        return None;
    }
    Some(Binding {
        name,
        value,
        delete: vec![stmt],
        scope,
        from: stmt.end_byte(),
    })
}

fn count_assignments(scope: Node<'_>, name: &str, src: &str) -> usize {
    let mut n = 0;
    let mut stack = vec![scope];
    while let Some(x) = stack.pop() {
        if x.kind().contains("assignment") {
            if let Some(l) = x.child_by_field_name("left") {
                if node::text(l, src.as_bytes()) == name {
                    n += 1;
                }
            }
        }
        let mut c = x.walk();
        stack.extend(x.children(&mut c));
    }
    n
}

/// A Java `final` field set once, by its initializer or by `this.f = literal;` in a
/// constructor.
fn field<'t>(n: Node<'t>, src: &str) -> Option<Binding<'t>> {
    let b = src.as_bytes();
    let text = node::text(n, b);
    let mods = n
        .named_child(0)
        .filter(|m| m.kind() == "modifiers")
        .map(|m| node::text(m, b))
        .unwrap_or("");
    if !mods.contains("final") || !mods.contains("private") {
        let _ = text;
        return None;
    }
    let d = n.child_by_field_name("declarator")?;
    let name = node::text(d.child_by_field_name("name")?, b).to_string();
    let class = n.parent()?;
    if let Some(v) = d.child_by_field_name("value") {
        let value = literal(v, b)?;
        return Some(Binding {
            name,
            value,
            delete: vec![n],
            scope: class,
            from: class.start_byte(),
        });
    }
    // The one assignment in a constructor.
    let mut found: Vec<(Node<'t>, String)> = Vec::new();
    let mut other = false;
    let mut stack = vec![class];
    while let Some(x) = stack.pop() {
        if x.kind() == "assignment_expression" {
            if let Some(l) = x.child_by_field_name("left") {
                let lt = node::text(l, b);
                if lt == name || lt == format!("this.{name}") {
                    match (x.child_by_field_name("right"), x.parent()) {
                        (Some(r), Some(stmt))
                            if constant::value(r, b).is_some()
                                && stmt.kind() == "expression_statement" =>
                        {
                            found.push((stmt, node::text(r, b).to_string()));
                        }
                        _ => other = true,
                    }
                }
            }
        }
        let mut c = x.walk();
        stack.extend(x.children(&mut c));
    }
    if other || found.len() != 1 {
        return None;
    }
    let (stmt, value) = found.pop()?;
    let _ = text::line_start;
    Some(Binding {
        name,
        value,
        delete: vec![n, stmt],
        scope: class,
        from: class.start_byte(),
    })
}
