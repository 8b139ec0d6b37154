//! Language-independent questions about tree-sitter nodes: is this a comment, a
//! string (and what does it hold), a member access, a call (and what are its name,
//! receiver and arguments)? The seven grammars name these nodes differently; this is
//! the one place that knows the names.

use tree_sitter::Node;

/// Whether a node kind is a comment.
pub fn is_comment(kind: &str) -> bool {
    kind.contains("comment")
}

/// Whether a node kind is a string literal (or a Ruby symbol, which code uses the
/// same way for flag keys).
pub fn is_string(kind: &str) -> bool {
    matches!(
        kind,
        "string"
            | "string_literal"
            | "interpreted_string_literal"
            | "raw_string_literal"
            | "template_string"
            | "simple_symbol"
            | "delimited_symbol"
            | "hash_key_symbol"
    )
}

/// The byte range of a string literal's content (inside the quotes), when the literal
/// is one plain piece: no interpolation, no concatenation.
pub fn string_content(node: Node<'_>, src: &[u8]) -> Option<(usize, usize)> {
    let (s, e) = (node.start_byte(), node.end_byte());
    match node.kind() {
        "simple_symbol" => return Some((s + 1, e)),
        "hash_key_symbol" => return Some((s, e)),
        _ => {}
    }
    let n = node.child_count();
    if n >= 2 {
        let first = node.child(0)?;
        let last = node.child((n - 1) as u32)?;
        // Interpolated pieces make the text dynamic.
        let mut cursor = node.walk();
        if node
            .named_children(&mut cursor)
            .any(|c| c.kind().contains("interpolation") || c.kind() == "template_substitution")
        {
            return None;
        }
        return Some((first.end_byte(), last.start_byte()));
    }
    // A string lexed as one token: strip a quote on each side.
    let text = src.get(s..e)?;
    let q = *text.first()?;
    if text.len() >= 2 && matches!(q, b'"' | b'\'' | b'`') && text.last() == Some(&q) {
        return Some((s + 1, e - 1));
    }
    None
}

/// Whether a node kind is a member access (`a.b`, `a::B`).
pub fn is_member(kind: &str) -> bool {
    matches!(
        kind,
        "member_expression"
            | "field_access"
            | "navigation_expression"
            | "attribute"
            | "selector_expression"
            | "scoped_identifier"
            | "scope_resolution"
    )
}

/// The last part of a member access (`b` in `a.b`).
pub fn member_property(node: Node<'_>) -> Option<Node<'_>> {
    for field in ["property", "field", "attribute", "name"] {
        if let Some(p) = node.child_by_field_name(field) {
            return Some(p);
        }
    }
    let n = node.named_child_count();
    if n >= 2 {
        node.named_child((n - 1) as u32)
    } else {
        None
    }
}

/// The first part of a member access (`a` in `a.b`).
pub fn member_object(node: Node<'_>) -> Option<Node<'_>> {
    for field in ["object", "operand", "scope"] {
        if let Some(p) = node.child_by_field_name(field) {
            return Some(p);
        }
    }
    node.named_child(0)
}

/// The parts of a call.
#[derive(Debug, Clone, Copy)]
pub struct Call<'t> {
    /// The whole call.
    pub node: Node<'t>,
    /// The called function or method's name.
    pub name: Node<'t>,
    /// What comes before the name: `client.isEnabled` for `client.isEnabled(...)`.
    pub callee: Node<'t>,
    /// The object the method is called on, if any.
    pub receiver: Option<Node<'t>>,
    /// The argument list, if any.
    pub args: Option<Node<'t>>,
}

/// Whether a node kind is a call.
pub fn is_call(kind: &str) -> bool {
    matches!(kind, "call_expression" | "method_invocation" | "call")
}

/// The parts of a call node, in any of the grammars.
pub fn call(node: Node<'_>) -> Option<Call<'_>> {
    match node.kind() {
        "method_invocation" => Some(Call {
            node,
            name: node.child_by_field_name("name")?,
            callee: node.child_by_field_name("name")?,
            receiver: node.child_by_field_name("object"),
            args: node.child_by_field_name("arguments"),
        }),
        "call" if node.child_by_field_name("method").is_some() => Some(Call {
            node,
            name: node.child_by_field_name("method")?,
            callee: node.child_by_field_name("method")?,
            receiver: node.child_by_field_name("receiver"),
            args: node.child_by_field_name("arguments"),
        }),
        "call_expression" | "call" => {
            let callee = node
                .child_by_field_name("function")
                .or_else(|| node.named_child(0))?;
            let args = node.child_by_field_name("arguments").or_else(|| {
                let mut c = node.walk();
                node.named_children(&mut c)
                    .find(|n| matches!(n.kind(), "value_arguments" | "argument_list"))
            });
            let (name, receiver) = if is_member(callee.kind()) {
                (member_property(callee)?, member_object(callee))
            } else {
                (callee, None)
            };
            Some(Call {
                node,
                name,
                callee,
                receiver,
                args,
            })
        }
        _ => None,
    }
}

/// Whether `inner` lies within `outer` (or is it).
pub fn contains(outer: Node<'_>, inner: Node<'_>) -> bool {
    outer.start_byte() <= inner.start_byte() && inner.end_byte() <= outer.end_byte()
}

/// Whether a node kind is a statement or declaration that ends an upward search for
/// the expression a reference belongs to.
pub fn is_statement(kind: &str) -> bool {
    kind.ends_with("_statement")
        || kind.ends_with("_declaration")
        || kind.ends_with("_definition")
        || matches!(
            kind,
            "block"
                | "statement_block"
                | "class_body"
                | "program"
                | "module"
                | "source_file"
                | "assignment"
                | "local_variable_declaration"
                | "lexical_declaration"
                | "variable_declaration"
                | "body_statement"
                | "then"
        )
}

/// Whether a node kind is a function or lambda: a check inside one is evaluated when
/// it is called, not where it is written.
pub fn is_function(kind: &str) -> bool {
    matches!(
        kind,
        "arrow_function"
            | "function_expression"
            | "function"
            | "lambda"
            | "lambda_expression"
            | "lambda_literal"
            | "func_literal"
            | "method_declaration"
            | "method_definition"
            | "function_declaration"
            | "function_definition"
            | "constructor_declaration"
            | "method"
            | "singleton_method"
            | "block"
    ) && kind != "block"
}

/// The text of a node.
pub fn text<'s>(node: Node<'_>, src: &'s [u8]) -> &'s str {
    std::str::from_utf8(&src[node.start_byte()..node.end_byte()]).unwrap_or("")
}

/// Whether a node kind is an identifier of any sort.
pub fn is_identifier(kind: &str) -> bool {
    kind.ends_with("identifier") || matches!(kind, "constant" | "simple_identifier")
}
