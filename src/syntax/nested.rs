//! Nested flags: a check inside a branch that another flag's check controls (an `if`,
//! a ternary, the right side of `&&`/`||`). "Never nest flags": the code behind both is
//! impossible to reason about, and neither flag can be removed alone.

use super::node;
use serde::{Deserialize, Serialize};
use tree_sitter::{Node, Tree};

/// One check of a parsed file: the flag it checks and the check expression's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckSpan {
    /// Index of the flag (any numbering the caller likes).
    pub flag: usize,
    /// First byte of the check expression.
    pub start: usize,
    /// Byte after it.
    pub end: usize,
}

/// Where a check is, in a `nested` finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CheckLocation {
    /// The flag key.
    pub flag: String,
    /// The scan root.
    pub root: String,
    /// The file, relative to the root.
    pub path: String,
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
}

/// A `nested` finding: `inner` is checked in a branch that `outer` controls.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Nested {
    /// The controlling check.
    pub outer: CheckLocation,
    /// The check inside its branch.
    pub inner: CheckLocation,
}

/// Pairs `(outer, inner)` of indexes into `checks` where `inner` checks another flag
/// inside a branch controlled by `outer`. Sorted, without duplicates.
pub fn find(tree: &Tree, checks: &[CheckSpan]) -> Vec<(usize, usize)> {
    let root = tree.root_node();
    let mut out = Vec::new();
    for (i, a) in checks.iter().enumerate() {
        let Some(node) = root.descendant_for_byte_range(a.start, a.end) else {
            continue;
        };
        let regions = controlled(node);
        for (j, b) in checks.iter().enumerate() {
            if b.flag == a.flag {
                continue;
            }
            if regions.iter().any(|&(s, e)| s <= b.start && b.end <= e) {
                out.push((i, j));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The byte ranges whose execution depends on the value of the expression at `check`.
fn controlled(check: Node<'_>) -> Vec<(usize, usize)> {
    let mut regions = Vec::new();
    let mut cur = check;
    while let Some(p) = cur.parent() {
        let kind = p.kind();
        if is_logical(p) {
            let left = p.child_by_field_name("left").or_else(|| p.named_child(0));
            if left.is_some_and(|l| node::contains(l, cur)) {
                if let Some(r) = p.child_by_field_name("right").or_else(|| p.named_child(1)) {
                    regions.push((r.start_byte(), r.end_byte()));
                }
            }
        } else if is_branching(kind) {
            let cond = condition(p);
            if cond.is_some_and(|c| node::contains(c, cur)) {
                let mut c = p.walk();
                for child in p.named_children(&mut c) {
                    if !node::contains(child, cur) {
                        regions.push((child.start_byte(), child.end_byte()));
                    }
                }
            }
            break;
        } else if !matches!(
            kind,
            "parenthesized_expression"
                | "unary_expression"
                | "not_operator"
                | "unary"
                | "prefix_expression"
                | "condition"
                | "binary_expression"
                | "boolean_operator"
                | "binary"
        ) {
            break;
        }
        cur = p;
    }
    regions
}

/// `&&`, `||`, `and`, `or`.
fn is_logical(n: Node<'_>) -> bool {
    if !matches!(
        n.kind(),
        "binary_expression"
            | "boolean_operator"
            | "binary"
            | "conjunction_expression"
            | "disjunction_expression"
    ) {
        return false;
    }
    if matches!(
        n.kind(),
        "conjunction_expression" | "disjunction_expression"
    ) {
        return true;
    }
    let Some(op) = n.child_by_field_name("operator") else {
        return false;
    };
    matches!(op.kind(), "&&" | "||" | "and" | "or")
}

/// Nodes whose branches a condition selects.
fn is_branching(kind: &str) -> bool {
    matches!(
        kind,
        "if_statement"
            | "if_expression"
            | "if"
            | "unless"
            | "elif_clause"
            | "ternary_expression"
            | "conditional_expression"
            | "conditional"
            | "if_modifier"
            | "unless_modifier"
    )
}

/// The condition of a branching node.
fn condition(n: Node<'_>) -> Option<Node<'_>> {
    if let Some(c) = n.child_by_field_name("condition") {
        return Some(c);
    }
    // Python's `a if cond else b`: the middle operand.
    if n.kind() == "conditional_expression" {
        return n.named_child(1);
    }
    n.named_child(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{Lang, parse};

    fn spans(src: &str, needles: &[(&str, usize)]) -> Vec<CheckSpan> {
        needles
            .iter()
            .map(|(n, flag)| {
                let s = src.find(n).expect("needle");
                CheckSpan {
                    flag: *flag,
                    start: s,
                    end: s + n.len(),
                }
            })
            .collect()
    }

    #[test]
    fn if_ternary_and_logical() {
        let src = "if (isOn('a')) { if (isOn('b')) { x(); } }\nconst y = isOn('c') ? isOn('d') : 0;\nconst z = isOn('e') && isOn('f');\nif (isOn('g')) {} isOn('h');\n";
        let tree = parse(Lang::TypeScript, src.as_bytes()).expect("parse");
        let checks = spans(
            src,
            &[
                ("isOn('a')", 0),
                ("isOn('b')", 1),
                ("isOn('c')", 2),
                ("isOn('d')", 3),
                ("isOn('e')", 4),
                ("isOn('f')", 5),
                ("isOn('g')", 6),
                ("isOn('h')", 7),
            ],
        );
        assert_eq!(find(&tree, &checks), [(0, 1), (2, 3), (4, 5)]);
    }

    #[test]
    fn python_blocks() {
        let src = "if is_on('a'):\n    if is_on('b'):\n        x()\nis_on('c')\n";
        let tree = parse(Lang::Python, src.as_bytes()).expect("parse");
        let checks = spans(
            src,
            &[("is_on('a')", 0), ("is_on('b')", 1), ("is_on('c')", 2)],
        );
        assert_eq!(find(&tree, &checks), [(0, 1)]);
    }
}
