//! Imports the rewrite left unused: Go rejects them, linters flag them elsewhere.
//! Only an import whose names were used before the rewrite and are not any more is
//! deleted; imports that were already unused are none of this tool's business.

use super::text::{self, Splice};
use crate::syntax::{Lang, node};
use std::collections::HashMap;
use tree_sitter::{Node, Tree};

/// An import (or one name of a multi-name import): the node to delete and the name
/// it binds.
struct Import<'t> {
    node: Node<'t>,
    name: String,
    /// Whether `node` is one specifier among others (deleted with its comma).
    specifier: bool,
}

fn is_import(kind: &str) -> bool {
    matches!(
        kind,
        "import_declaration"
            | "import_statement"
            | "import_from_statement"
            | "import"
            | "import_header"
    )
}

/// The imports of a file.
fn imports<'t>(lang: Lang, tree: &'t Tree, src: &str) -> Vec<Import<'t>> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        let mut c = n.walk();
        if !is_import(n.kind()) && n.kind() != "import_spec" {
            stack.extend(n.children(&mut c));
            continue;
        }
        match lang {
            Lang::Java | Lang::Kotlin => out.extend(jvm_import(n, b)),
            Lang::Go => {
                // A declaration holds the specs, one import each.
                if n.kind() != "import_spec" {
                    stack.extend(n.children(&mut c));
                    continue;
                }
                out.extend(go_import(n, b));
            }
            Lang::Python => python_imports(n, b, &mut out),
            _ if lang.is_js() => js_imports(n, b, &mut out),
            _ => {}
        }
    }
    out
}

/// A Java or Kotlin import: the last segment or the alias; wildcards bind nothing
/// we can name.
fn jvm_import<'t>(n: Node<'t>, b: &[u8]) -> Option<Import<'t>> {
    let t = node::text(n, b);
    if t.contains('*') {
        return None;
    }
    let body = t.trim_end_matches(';').trim();
    let name = match body.split(" as ").nth(1) {
        Some(alias) => alias.trim(),
        None => body.rsplit(['.', ' ']).next().unwrap_or(""),
    };
    Some(Import {
        node: n,
        name: name.to_string(),
        specifier: false,
    })
}

/// A Go import spec: the alias or the last path segment. Blank and dot imports
/// bind no name; a lone spec is deleted with its declaration.
fn go_import<'t>(n: Node<'t>, b: &[u8]) -> Option<Import<'t>> {
    let name = match n.child_by_field_name("name") {
        Some(a) => node::text(a, b).to_string(),
        None => n
            .child_by_field_name("path")
            .map(|p| {
                node::text(p, b)
                    .trim_matches(['"', '`'])
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .to_string()
            })
            .unwrap_or_default(),
    };
    if name == "_" || name == "." {
        return None;
    }
    let single = n.parent().is_some_and(|p| p.kind() == "import_declaration");
    let target = if single { n.parent().unwrap_or(n) } else { n };
    Some(Import {
        node: target,
        name,
        specifier: false,
    })
}

/// The names a Python `import` or `from … import` binds (`import a.b` binds `a`).
fn python_imports<'t>(n: Node<'t>, b: &[u8], out: &mut Vec<Import<'t>>) {
    let names: Vec<Node<'_>> = {
        let mut c2 = n.walk();
        n.children_by_field_name("name", &mut c2).collect()
    };
    let many = names.len() > 1;
    for nm in names {
        let bound = match nm.kind() {
            "aliased_import" => nm
                .child_by_field_name("alias")
                .map(|a| node::text(a, b).to_string()),
            _ => {
                let t = node::text(nm, b);
                Some(
                    if n.kind() == "import_statement" {
                        t.split('.').next().unwrap_or(t)
                    } else {
                        t
                    }
                    .to_string(),
                )
            }
        };
        if let Some(name) = bound {
            out.push(Import {
                node: if many { nm } else { n },
                name,
                specifier: many,
            });
        }
    }
}

/// The names a JavaScript or TypeScript import binds: default, namespace and named
/// specifiers.
fn js_imports<'t>(n: Node<'t>, b: &[u8], out: &mut Vec<Import<'t>>) {
    let mut specs = Vec::new();
    let mut s2 = vec![n];
    while let Some(x) = s2.pop() {
        let mut c3 = x.walk();
        match x.kind() {
            "import_specifier" => {
                let nm = x
                    .child_by_field_name("alias")
                    .or_else(|| x.child_by_field_name("name"));
                if let Some(nm) = nm {
                    specs.push((x, node::text(nm, b).to_string()));
                }
            }
            "namespace_import" => {
                if let Some(id) = x.named_child(0) {
                    specs.push((x, node::text(id, b).to_string()));
                }
            }
            "identifier" if x.parent().is_some_and(|p| p.kind() == "import_clause") => {
                specs.push((x, node::text(x, b).to_string()));
            }
            _ => s2.extend(x.children(&mut c3)),
        }
    }
    let many = specs.len() > 1;
    for (x, name) in specs {
        out.push(Import {
            node: if many { x } else { n },
            name,
            specifier: many,
        });
    }
}

/// Identifier occurrences outside imports, by name.
fn uses(tree: &Tree, src: &str) -> HashMap<String, usize> {
    let b = src.as_bytes();
    let mut out = HashMap::new();
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        if is_import(n.kind()) || n.kind() == "import_spec" {
            continue;
        }
        if n.child_count() == 0 && (node::is_identifier(n.kind()) || n.kind() == "constant") {
            *out.entry(node::text(n, b).to_string()).or_insert(0) += 1;
        }
        // Names inside doc comments (`{@link Flags#X}`) keep an import used.
        if node::is_comment(n.kind()) {
            for w in node::text(n, b).split(|c: char| !c.is_alphanumeric() && c != '_') {
                if !w.is_empty() {
                    *out.entry(w.to_string()).or_insert(0) += 1;
                }
            }
        }
        let mut c = n.walk();
        stack.extend(n.children(&mut c));
    }
    out
}

/// Splices deleting the imports of `new` that the rewrite left unused.
pub fn unused(lang: Lang, old: &Tree, old_src: &str, new: &Tree, new_src: &str) -> Vec<Splice> {
    let before = uses(old, old_src);
    let after = uses(new, new_src);
    let mut out = Vec::new();
    let list = imports(lang, new, new_src);
    // Multi-name imports whose every name goes are deleted whole.
    let mut gone_by_parent: HashMap<usize, (usize, usize)> = HashMap::new();
    for i in &list {
        if i.specifier {
            let stmt = statement_of(i.node);
            let e = gone_by_parent.entry(stmt.id()).or_insert((0, 0));
            e.0 += 1;
        }
    }
    let is_gone = |i: &Import<'_>| {
        before.get(&i.name).copied().unwrap_or(0) > 0
            && after.get(&i.name).copied().unwrap_or(0) == 0
    };
    for i in &list {
        if i.specifier && is_gone(i) {
            let stmt = statement_of(i.node);
            if let Some(e) = gone_by_parent.get_mut(&stmt.id()) {
                e.1 += 1;
            }
        }
    }
    let mut whole_done = Vec::new();
    for i in &list {
        if !is_gone(i) {
            continue;
        }
        if i.specifier {
            let stmt = statement_of(i.node);
            if gone_by_parent
                .get(&stmt.id())
                .is_some_and(|(all, gone)| all == gone)
            {
                if !whole_done.contains(&stmt.id()) {
                    whole_done.push(stmt.id());
                    out.push(text::delete(
                        new_src,
                        stmt.start_byte(),
                        stmt.end_byte(),
                        "unused-import",
                    ));
                }
                continue;
            }
            out.push(specifier(i.node, new_src));
        } else {
            out.push(text::delete(
                new_src,
                i.node.start_byte(),
                i.node.end_byte(),
                "unused-import",
            ));
        }
    }
    out
}

fn statement_of(n: Node<'_>) -> Node<'_> {
    let mut cur = n;
    while let Some(p) = cur.parent() {
        if is_import(p.kind()) {
            return p;
        }
        cur = p;
    }
    cur
}

/// Deletes one name of a multi-name import with a comma next to it.
fn specifier(n: Node<'_>, src: &str) -> Splice {
    let b = src.as_bytes();
    if let Some(c) = n.next_sibling().filter(|c| node::text(*c, b) == ",") {
        let end = c.next_sibling().map_or(c.end_byte(), |x| x.start_byte());
        return Splice {
            start: n.start_byte(),
            end,
            with: String::new(),
            rule: "unused-import",
        };
    }
    if let Some(c) = n.prev_sibling().filter(|c| node::text(*c, b) == ",") {
        return Splice {
            start: c.start_byte(),
            end: n.end_byte(),
            with: String::new(),
            rule: "unused-import",
        };
    }
    text::delete(src, n.start_byte(), n.end_byte(), "unused-import")
}
