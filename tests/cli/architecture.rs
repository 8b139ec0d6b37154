//! `docs/architecture.md` lists each module's dependencies; this checks the table
//! against the `crate::` imports of the shipped (non-test) code, and that there is no
//! cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The flagctl modules named after `crate::` in `code` (`crate::a::b`, `crate::{a, b::c}`).
fn imports(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            for part in group.split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// Shipped code only: a trailing `#[cfg(test)] mod tests` and test-only files are cut.
fn shipped(path: &Path, code: &str) -> String {
    let p = path.to_string_lossy();
    if p.ends_with("tests.rs") || p.contains("/tests/") {
        return String::new();
    }
    match code.find("#[cfg(test)]\nmod tests") {
        Some(cut) => code[..cut].to_string(),
        None => code.to_string(),
    }
}

fn collect(dir: &Path, src: &Path, graph: &mut Graph) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            collect(&path, src, graph);
            continue;
        }
        let rel = path.strip_prefix(src).expect("inside src");
        let top = rel
            .components()
            .next()
            .expect("component")
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if matches!(top.as_str(), "main" | "lib" | "cli") {
            continue; // the binary and the crate root may use everything
        }
        let code = std::fs::read_to_string(&path).expect("read");
        let deps = graph.entry(top.clone()).or_default();
        for m in imports(&shipped(&path, &code)) {
            if m != top {
                deps.insert(m);
            }
        }
    }
}

/// The table of docs/architecture.md: `| `a`, `b` | `c`, `d` |` rows.
fn documented(doc: &str) -> Graph {
    let names = |cell: &str| -> Vec<String> {
        cell.split(',')
            .map(|n| n.trim().trim_matches('`').to_string())
            .filter(|n| !n.is_empty() && n != "—")
            .collect()
    };
    let mut graph = Graph::new();
    let start = doc
        .find("| module | depends on |")
        .expect("dependency table");
    for line in doc[start..].lines().skip(2) {
        let Some(row) = line.strip_prefix('|') else {
            break;
        };
        let cells: Vec<&str> = row.split('|').collect();
        for module in names(cells[0]) {
            graph.entry(module).or_default().extend(names(cells[1]));
        }
    }
    graph
}

#[test]
fn the_documented_dependencies_are_the_real_ones_and_acyclic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut real = Graph::new();
    collect(&root.join("src"), &root.join("src"), &mut real);
    let doc = std::fs::read_to_string(root.join("docs/architecture.md")).expect("doc");
    let documented = documented(&doc);
    // Modules without flagctl imports may be left out of the real graph.
    for (m, deps) in &documented {
        if deps.is_empty() {
            real.entry(m.clone()).or_default();
        }
    }
    assert_eq!(
        documented, real,
        "docs/architecture.md's dependency table differs from the code"
    );
    // No cycles: a depth-first search never meets a module on its own path.
    fn visit<'a>(m: &'a str, g: &'a Graph, path: &mut Vec<&'a str>, done: &mut BTreeSet<&'a str>) {
        assert!(!path.contains(&m), "dependency cycle: {path:?} -> {m}");
        if !done.insert(m) {
            return;
        }
        path.push(m);
        for d in g.get(m).into_iter().flatten() {
            visit(d, g, path, done);
        }
        path.pop();
    }
    let mut done = BTreeSet::new();
    for m in real.keys() {
        visit(m, &real, &mut Vec::new(), &mut done);
    }
}
