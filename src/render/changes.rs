//! A unified diff of two versions of a file (`cleanup --format diff`). The common
//! head and tail are cut first, so the line alignment (a longest common subsequence)
//! only runs over the changed middle.

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// The unified diff from `old` to `new` under the names `a/{path}` and `b/{path}`;
/// empty when they are equal.
pub fn unified(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = align(&a, &b);
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    // Group operations into hunks with CONTEXT lines around changes.
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| !matches!(o, Op::Same(..)))
        .map(|(i, _)| i)
        .collect();
    let mut i = 0;
    while i < changed.len() {
        let mut j = i;
        while j + 1 < changed.len() && changed[j + 1] - changed[j] <= 2 * CONTEXT + 1 {
            j += 1;
        }
        let from = changed[i].saturating_sub(CONTEXT);
        let to = (changed[j] + CONTEXT + 1).min(ops.len());
        let (mut a0, mut b0) = (None, None);
        let (mut ac, mut bc) = (0, 0);
        let mut body = String::new();
        for op in &ops[from..to] {
            match *op {
                Op::Same(x, y) => {
                    a0.get_or_insert(x);
                    b0.get_or_insert(y);
                    ac += 1;
                    bc += 1;
                    push(&mut body, ' ', a[x]);
                }
                Op::Del(x, y) => {
                    a0.get_or_insert(x);
                    b0.get_or_insert(y);
                    ac += 1;
                    push(&mut body, '-', a[x]);
                }
                Op::Ins(x, y) => {
                    a0.get_or_insert(x);
                    b0.get_or_insert(y);
                    bc += 1;
                    push(&mut body, '+', b[y]);
                }
            }
        }
        let start = |first: Option<usize>, count: usize| {
            let f = first.unwrap_or(0);
            if count == 0 { f } else { f + 1 }
        };
        out.push_str(&format!(
            "@@ -{},{} +{},{} @@\n",
            start(a0, ac),
            ac,
            start(b0, bc),
            bc
        ));
        out.push_str(&body);
        i = j + 1;
    }
    out
}

fn push(out: &mut String, mark: char, line: &str) {
    out.push(mark);
    out.push_str(line.strip_suffix('\n').unwrap_or(line));
    out.push('\n');
    if !line.ends_with('\n') {
        out.push_str("\\ No newline at end of file\n");
    }
}

/// One aligned line: (index in old, index in new) at the point it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Same(usize, usize),
    Del(usize, usize),
    Ins(usize, usize),
}

/// A shortest edit script from `a` to `b`.
fn align(a: &[&str], b: &[&str]) -> Vec<Op> {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut ops: Vec<Op> = (0..head).map(|i| Op::Same(i, i)).collect();
    // Longest common subsequence table over the middle.
    let (n, m) = (ma.len(), mb.len());
    let mut t = vec![0u32; (n + 1) * (m + 1)];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i * (m + 1) + j] = if ma[i] == mb[j] {
                t[(i + 1) * (m + 1) + j + 1] + 1
            } else {
                t[(i + 1) * (m + 1) + j].max(t[i * (m + 1) + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && ma[i] == mb[j] {
            ops.push(Op::Same(head + i, head + j));
            i += 1;
            j += 1;
        } else if j < m && (i == n || t[i * (m + 1) + j + 1] > t[(i + 1) * (m + 1) + j]) {
            ops.push(Op::Ins(head + i, head + j));
            j += 1;
        } else {
            ops.push(Op::Del(head + i, head + j));
            i += 1;
        }
    }
    for k in 0..tail {
        ops.push(Op::Same(a.len() - tail + k, b.len() - tail + k));
    }
    ops
}

/// The 0-based lines of `old` that the diff to `new` removes (deleted or changed).
pub fn removed_lines(old: &str, new: &str) -> Vec<usize> {
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    align(&a, &b)
        .into_iter()
        .filter_map(|o| match o {
            Op::Del(x, _) => Some(x),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_hunk() {
        let d = unified("f", "a\nb\nc\n", "a\nc\nd\n");
        assert_eq!(d, "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n c\n+d\n");
        assert_eq!(removed_lines("a\nb\nc\n", "a\nc\n"), [1]);
        assert_eq!(unified("f", "x\n", "x\n"), "");
    }
}
