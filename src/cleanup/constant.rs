//! Constant values of expressions after checks were replaced by literals, and the
//! folding rules of boolean algebra and comparisons. A call is a side effect: an
//! operand that may have one is never dropped.

use crate::syntax::Lang;
use crate::syntax::node;
use tree_sitter::Node;

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Const {
    /// `true` / `false`.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string's content.
    Str(String),
    /// `null`, `nil`, `None`.
    Null,
}

/// The value of `n` if it is a literal (through parentheses and `!`).
pub fn value(n: Node<'_>, src: &[u8]) -> Option<Const> {
    let text = node::text(n, src);
    match n.kind() {
        // Kotlin's grammar reads `true` as an identifier; no language lets one bind it.
        "identifier" if matches!(text, "true" | "false") => {
            return Some(Const::Bool(text == "true"));
        }
        "true" | "false" | "boolean_literal" | "boolean" => {
            return match text {
                "true" | "True" => Some(Const::Bool(true)),
                "false" | "False" => Some(Const::Bool(false)),
                _ => None,
            };
        }
        "null" | "null_literal" | "nil" | "none" | "None" => return Some(Const::Null),
        "parenthesized_expression" | "parenthesized_statements" => {
            if n.named_child_count() == 1 {
                return value(n.named_child(0)?, src);
            }
            return None;
        }
        "unary_expression" | "not_operator" | "unary" | "prefix_expression" => {
            let op = n.child(0)?;
            let operand = n.named_child(n.named_child_count().checked_sub(1)? as u32)?;
            let v = value(operand, src)?;
            return match (node::text(op, src), v) {
                ("!" | "not", Const::Bool(b)) => Some(Const::Bool(!b)),
                ("-", Const::Num(x)) => Some(Const::Num(-x)),
                _ => None,
            };
        }
        _ => {}
    }
    if node::is_string(n.kind()) {
        let (s, e) = node::string_content(n, src)?;
        let raw = std::str::from_utf8(&src[s..e]).ok()?;
        if raw.contains('\\') {
            return None;
        }
        return Some(Const::Str(raw.to_string()));
    }
    let k = n.kind();
    if k.contains("integer")
        || k.contains("float")
        || k == "number"
        || k.contains("number_literal")
        || k.contains("decimal")
        || k == "int_literal"
    {
        let t: String = text
            .chars()
            .filter(|c| *c != '_')
            .collect::<String>()
            .trim_end_matches(['L', 'l', 'f', 'F', 'd', 'D'])
            .to_string();
        return t.parse::<f64>().ok().map(Const::Num);
    }
    None
}

/// Whether evaluating `n` can have no side effect: literals, names, member reads and
/// operators over those. A call, an assignment, `new`, `await` are side effects.
pub fn is_pure(n: Node<'_>) -> bool {
    let k = n.kind();
    if node::is_call(k)
        || k.contains("assignment")
        || k.contains("update")
        || matches!(
            k,
            "new_expression"
                | "object_creation_expression"
                | "await_expression"
                | "yield"
                | "yield_expression"
        )
    {
        return false;
    }
    let mut c = n.walk();
    let kids: Vec<Node<'_>> = n.named_children(&mut c).collect();
    kids.into_iter().all(is_pure)
}

/// The operator of a binary node, as written.
pub fn operator<'s>(n: Node<'_>, src: &'s [u8]) -> Option<&'s str> {
    if let Some(op) = n.child_by_field_name("operator") {
        return Some(node::text(op, src));
    }
    // Kotlin's conjunction/disjunction and comparison nodes: the middle child.
    let op = n.child(1)?;
    (!op.is_named()).then(|| node::text(op, src))
}

/// Whether a node kind is a binary expression.
pub fn is_binary(kind: &str) -> bool {
    matches!(
        kind,
        "binary_expression"
            | "boolean_operator"
            | "binary"
            | "comparison_operator"
            | "conjunction_expression"
            | "disjunction_expression"
            | "equality_expression"
            | "comparison_expression"
    )
}

/// What a binary node over literals folds to: `Some(Ok(text))` replaces it by that
/// text, `Some(Err(side))` by the source of one operand (`0` left, `1` right).
pub enum Fold {
    /// Replace by this literal.
    Literal(String),
    /// Replace by the left (0) or right (1) operand's source.
    Operand(usize),
}

/// Folds a binary node with at least one constant operand. `boolean_context`: the
/// value is only tested for truth (a condition), so `x && true` is `x` even where
/// `&&` returns an operand rather than a boolean.
pub fn fold_binary(lang: Lang, n: Node<'_>, src: &[u8], boolean_context: bool) -> Option<Fold> {
    let op = operator(n, src)?;
    let left = n.child_by_field_name("left").or_else(|| n.named_child(0))?;
    let right = n
        .child_by_field_name("right")
        .or_else(|| n.named_child(1))?;
    let (l, r) = (value(left, src), value(right, src));
    let lit = |b: bool| Some(Fold::Literal(lang.bool_literal(b).to_string()));
    let plain_ok = boolean_context || lang.strict_booleans();
    match op {
        "&&" | "and" => match (l, r) {
            (Some(Const::Bool(true)), _) => Some(Fold::Operand(1)),
            (Some(Const::Bool(false)), _) => lit(false),
            (_, Some(Const::Bool(true))) if plain_ok => Some(Fold::Operand(0)),
            (_, Some(Const::Bool(false))) if is_pure(left) && plain_ok => lit(false),
            _ => None,
        },
        "||" | "or" => match (l, r) {
            (Some(Const::Bool(true)), _) => lit(true),
            (Some(Const::Bool(false)), _) => Some(Fold::Operand(1)),
            (_, Some(Const::Bool(false))) if plain_ok => Some(Fold::Operand(0)),
            (_, Some(Const::Bool(true))) if is_pure(left) && plain_ok => lit(true),
            _ => None,
        },
        "==" | "===" | "!=" | "!==" | "is" | "is not" => {
            let (l, r) = (l?, r?);
            let eq = match (&l, &r) {
                (Const::Num(a), Const::Num(b)) => a == b,
                _ => l == r,
            };
            let negate = matches!(op, "!=" | "!==" | "is not");
            lit(eq != negate)
        }
        "<" | "<=" | ">" | ">=" => match (l?, r?) {
            (Const::Num(a), Const::Num(b)) => lit(match op {
                "<" => a < b,
                "<=" => a <= b,
                ">" => a > b,
                _ => a >= b,
            }),
            _ => None,
        },
        _ => None,
    }
}
