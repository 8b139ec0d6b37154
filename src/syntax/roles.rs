//! What a reference does, read from the syntax tree: a [`Role`], and the node that a
//! cleanup edits for it (a [`Site`]).

use super::node::{self, Call};
use super::{Calls, Lang};
use serde::{Deserialize, Serialize};
use tree_sitter::{Node, Tree};

/// What a reference does, beside how it was spelled (its kind).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// An argument (or the receiver) of a flag-check call, or a call matched by a
    /// scan pattern: the code asks the flag's value here.
    Check,
    /// A declaration or configuration entry of the flag: an alias constant, a union
    /// or interface member, an object or dict entry keyed by the flag, a `case` arm, a
    /// method named after it, anything in a `settings.scan.definitions` file. Not a use.
    Definition,
    /// A property whose value is the key, switching a piece of configuration on the
    /// flag (`{ path: '/new', flag: 'key' }`).
    Gate,
    /// Anything else: a comment, docs, an identifier that shares the spelling.
    #[default]
    Mention,
}

impl Role {
    /// `check`, `definition`, `gate` or `mention`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Check => "check",
            Role::Definition => "definition",
            Role::Gate => "gate",
            Role::Mention => "mention",
        }
    }
}

/// One reference to classify: its bytes in the file, and whether a scan pattern
/// captured it (a pattern describes a check call).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleInput {
    /// First byte of the spelling.
    pub start: usize,
    /// Byte after the spelling.
    pub end: usize,
    /// Captured by a `settings.scan.patterns` regex.
    pub pattern: bool,
}

/// The shape a reference was found in, which decides what a cleanup does with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// In a comment.
    Comment,
    /// Inside a longer string, or an identifier that only shares the spelling.
    Other,
    /// The check call (node: the expression that yields the flag's value).
    CheckCall,
    /// `const X = 'key'` and the like (node: the declaration statement).
    AliasDeclaration,
    /// `| 'key'` in a union of literal types (node: the literal type).
    UnionMember,
    /// `key?: boolean;` in an interface or class (node: the member).
    TypeMember,
    /// `{ key: ... }` (node: the pair).
    ObjectKey,
    /// `case 'key':` (node: the case clause).
    CaseLabel,
    /// An enum constant named after the flag (node: the constant).
    EnumConstant,
    /// A method or function named after the flag (node: its declaration).
    Accessor,
    /// `{ flag: 'key' }` (node: the pair).
    GatePair,
}

/// A classified reference.
#[derive(Debug, Clone, Copy)]
pub struct Site<'t> {
    /// Its role.
    pub role: Role,
    /// Its shape.
    pub shape: Shape,
    /// The node a cleanup edits (see [`Shape`]).
    pub node: Node<'t>,
    /// The spelling's own node: the string literal or the (qualified) name.
    pub operand: Node<'t>,
}

/// Classifies every reference of a parsed file (`refs` sorted by start).
/// `definitions_file`: the file matches `settings.scan.definitions`, so what is not a
/// comment is a definition.
pub fn classify(
    lang: Lang,
    tree: &Tree,
    src: &[u8],
    refs: &[RoleInput],
    calls: &Calls,
    definitions_file: bool,
) -> Vec<Role> {
    debug_assert!(
        refs.is_sorted_by_key(|r| r.start),
        "references sorted by start"
    );
    refs.iter()
        .map(|r| {
            let s = site(lang, tree, src, *r, calls, refs);
            match s.role {
                Role::Mention if s.shape == Shape::Comment => Role::Mention,
                _ if definitions_file => Role::Definition,
                role => role,
            }
        })
        .collect()
}

/// The site of one reference. `all` are every reference of the file, sorted by start
/// (a declaration whose name and value both spell the flag is a definition).
pub fn site<'t>(
    lang: Lang,
    tree: &'t Tree,
    src: &[u8],
    r: RoleInput,
    calls: &Calls,
    all: &[RoleInput],
) -> Site<'t> {
    let root = tree.root_node();
    let leaf = root
        .descendant_for_byte_range(r.start, r.end)
        .unwrap_or(root);
    let site = |role, shape, node, operand| Site {
        role,
        shape,
        node,
        operand,
    };
    // A comment node may have children (a doc comment's tags): look a little up.
    let mut n = Some(leaf);
    for _ in 0..3 {
        let Some(x) = n else { break };
        if node::is_comment(x.kind()) {
            return site(Role::Mention, Shape::Comment, x, x);
        }
        n = x.parent();
    }
    let Some(operand) = operand(leaf, src, r) else {
        return site(Role::Mention, Shape::Other, leaf, leaf);
    };
    if let Some(call) = enclosing_check(operand, src, calls, r.pattern) {
        return site(
            Role::Check,
            Shape::CheckCall,
            check_expression(call, src),
            operand,
        );
    }
    let (role, shape, node) = declaration(lang, operand, src, all);
    site(role, shape, node, operand)
}

/// The node that stands for the reference: the string literal whose whole content it
/// is, or the identifier, extended to the member access it ends (`Flags.KEY`).
fn operand<'t>(leaf: Node<'t>, src: &[u8], r: RoleInput) -> Option<Node<'t>> {
    let mut n = leaf;
    for _ in 0..3 {
        if node::is_string(n.kind()) {
            let (s, e) = node::string_content(n, src)?;
            return (s == r.start && e == r.end).then_some(n);
        }
        match n.parent() {
            Some(p) => n = p,
            None => break,
        }
    }
    if leaf.start_byte() != r.start || leaf.end_byte() != r.end {
        return None;
    }
    let mut op = leaf;
    while let Some(p) = op.parent() {
        let is_property = node::is_member(p.kind())
            && node::member_property(p).is_some_and(|m| m.id() == op.id());
        if !is_property {
            break;
        }
        op = p;
    }
    Some(op)
}

/// The nearest call around `operand` (in its arguments or its receiver chain, within
/// one expression) that checks a flag.
fn enclosing_check<'t>(
    operand: Node<'t>,
    src: &[u8],
    calls: &Calls,
    pattern: bool,
) -> Option<Call<'t>> {
    let mut cur = operand;
    while let Some(p) = cur.parent() {
        if node::is_function(p.kind()) || (node::is_statement(p.kind()) && !node::is_call(p.kind()))
        {
            return None;
        }
        if let Some(c) = node::call(p) {
            let named = node::contains(c.name, operand);
            let in_args = c.args.is_some_and(|a| node::contains(a, operand));
            let matches = calls.matches(node::text(c.name, src), node::text(c.callee, src));
            if !named && (matches || (pattern && in_args)) {
                return Some(c);
            }
        }
        cur = p;
    }
    None
}

/// The expression that yields the flag's value: the call, or `call.value` for the
/// `*Details` calls that return an object with the value inside.
fn check_expression<'t>(call: Call<'t>, src: &[u8]) -> Node<'t> {
    let name = node::text(call.name, src);
    if name.ends_with("Details") {
        if let Some(p) = call.node.parent() {
            if node::is_member(p.kind())
                && node::member_property(p).is_some_and(|m| node::text(m, src) == "value")
            {
                return p;
            }
        }
    }
    call.node
}

/// Declarations, configuration entries and gates.
fn declaration<'t>(
    lang: Lang,
    operand: Node<'t>,
    src: &[u8],
    all: &[RoleInput],
) -> (Role, Shape, Node<'t>) {
    let mut op = operand;
    let Some(mut p) = op.parent() else {
        return (Role::Mention, Shape::Other, op);
    };
    // Go wraps composite-literal keys and values, and case values, in one more node.
    if matches!(
        p.kind(),
        "literal_element" | "expression_list" | "value_argument" | "variable_declaration"
    ) {
        if let Some(pp) = p.parent() {
            op = p;
            p = pp;
        }
    }
    if let Some(found) = declared_in(p, op) {
        return found;
    }
    if let Some((name, value, stmt)) = binding(lang, p) {
        let is_ref = |n: Node<'_>| {
            starting_in(all, n.start_byte(), n.start_byte() + 1)
                .iter()
                .any(|r| r.end == n.end_byte())
        };
        let value_is_key =
            value.is_some_and(|v| v.id() == op.id() && node::is_string(operand.kind()));
        let names_flag = name.is_some_and(|n| node::contains(n, op) || is_ref(n));
        let value_mentions = value.is_some_and(|v| has_key_inside(v, all, src));
        if value_is_key || (names_flag && value_mentions) {
            return (Role::Definition, Shape::AliasDeclaration, stmt);
        }
    }
    (Role::Mention, Shape::Other, operand)
}

/// The role of `op` from the kind of its parent `p` when that kind decides it: an
/// object key or a gate, a union or type member, a case label, an enum constant, an
/// accessor's name.
fn declared_in<'t>(p: Node<'t>, op: Node<'t>) -> Option<(Role, Shape, Node<'t>)> {
    let field_is =
        |f: &str, n: Node<'_>| p.child_by_field_name(f).is_some_and(|c| c.id() == n.id());
    match p.kind() {
        "pair" | "keyed_element" => {
            let key = p.child_by_field_name("key").or_else(|| p.named_child(0));
            if key.is_some_and(|k| node::contains(k, op)) {
                return Some((Role::Definition, Shape::ObjectKey, p));
            }
            Some((Role::Gate, Shape::GatePair, p))
        }
        "literal_type" if p.parent().is_some_and(|u| u.kind() == "union_type") => {
            Some((Role::Definition, Shape::UnionMember, p))
        }
        "property_signature"
        | "public_field_definition"
        | "method_signature"
        | "abstract_method_signature"
            if field_is("name", op) =>
        {
            Some((Role::Definition, Shape::TypeMember, p))
        }
        "switch_case" | "switch_label" | "expression_case" | "when_entry" | "case_clause"
        | "case_pattern" | "when" | "pattern" => {
            let clause = if p.kind() == "switch_label" {
                p.parent().unwrap_or(p)
            } else {
                p
            };
            let clause = if matches!(clause.kind(), "case_pattern" | "pattern") {
                clause.parent().unwrap_or(clause)
            } else {
                clause
            };
            Some((Role::Definition, Shape::CaseLabel, clause))
        }
        "enum_constant" | "enum_entry" | "enum_assignment" | "enum_body" => {
            let n = if p.kind() == "enum_body" { op } else { p };
            Some((Role::Definition, Shape::EnumConstant, n))
        }
        "method_declaration"
        | "function_declaration"
        | "method_definition"
        | "function_definition"
        | "method"
            if field_is("name", op) =>
        {
            Some((Role::Definition, Shape::Accessor, p))
        }
        _ => None,
    }
}

/// Whether a quoted reference (the key as a string) lies inside `n`.
fn has_key_inside(n: Node<'_>, all: &[RoleInput], src: &[u8]) -> bool {
    starting_in(all, n.start_byte(), n.end_byte())
        .iter()
        .any(|r| {
            r.end <= n.end_byte()
                && r.start
                    .checked_sub(1)
                    .and_then(|i| src.get(i))
                    .is_some_and(|b| matches!(b, b'"' | b'\'' | b'`' | b':'))
        })
}

/// The references of `all` (sorted by start) that start in `lo..hi`: a binary search,
/// so asking for each of a file's 100,000 references stays linear overall.
fn starting_in(all: &[RoleInput], lo: usize, hi: usize) -> &[RoleInput] {
    let first = all.partition_point(|r| r.start < lo);
    let len = all[first..].partition_point(|r| r.start < hi);
    &all[first..first + len]
}

/// For a declaration or assignment node: its name, its value and the statement to
/// delete to remove it.
pub fn binding<'t>(
    lang: Lang,
    p: Node<'t>,
) -> Option<(Option<Node<'t>>, Option<Node<'t>>, Node<'t>)> {
    fn stmt_of(n: Node<'_>) -> Node<'_> {
        let mut s = n;
        while let Some(pp) = s.parent() {
            if matches!(
                pp.kind(),
                "lexical_declaration"
                    | "variable_declaration"
                    | "local_variable_declaration"
                    | "field_declaration"
                    | "constant_declaration"
                    | "expression_statement"
                    | "const_declaration"
                    | "var_declaration"
                    | "property_declaration"
            ) {
                s = pp;
            } else {
                break;
            }
        }
        // A Go const block with several specs: delete only this spec.
        if matches!(s.kind(), "const_declaration" | "var_declaration") && s.named_child_count() > 1
        {
            return n;
        }
        s
    }
    let _ = lang;
    match p.kind() {
        "variable_declarator" => Some((
            p.child_by_field_name("name"),
            p.child_by_field_name("value"),
            stmt_of(p),
        )),
        "assignment" | "assignment_expression" => Some((
            p.child_by_field_name("left").or_else(|| p.named_child(0)),
            p.child_by_field_name("right")
                .or_else(|| p.named_child(p.named_child_count().saturating_sub(1) as u32)),
            stmt_of(p),
        )),
        "const_spec" | "var_spec" => Some((
            p.child_by_field_name("name"),
            p.child_by_field_name("value"),
            stmt_of(p),
        )),
        "property_declaration" => {
            let mut c = p.walk();
            let kids: Vec<Node<'_>> = p.named_children(&mut c).collect();
            let name = kids
                .iter()
                .find(|k| k.kind() == "variable_declaration")
                .copied();
            let value = kids
                .iter()
                .rev()
                .find(|k| !matches!(k.kind(), "variable_declaration" | "modifiers"))
                .copied();
            Some((name, value, stmt_of(p)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(lang: Lang, src: &str, spelling: &str) -> Vec<Role> {
        let tree = super::super::parse(lang, src.as_bytes()).expect("parse");
        let refs: Vec<RoleInput> = src
            .match_indices(spelling)
            .map(|(i, m)| RoleInput {
                start: i,
                end: i + m.len(),
                pattern: false,
            })
            .collect();
        classify(
            lang,
            &tree,
            src.as_bytes(),
            &refs,
            &Calls::defaults(),
            false,
        )
    }

    use Role::*;

    #[test]
    fn typescript_shapes() {
        let src = r#"
type Flag = 'a' | 'new-checkout';
// TODO remove new-checkout
if (client.isEnabled('new-checkout')) { go(); }
const routes = [{ path: '/x', flag: 'new-checkout' }];
const mocks = { flags: { 'new-checkout': true } };
const NEW = 'new-checkout';
log('new-checkout is on');
"#;
        assert_eq!(
            roles(Lang::TypeScript, src, "new-checkout"),
            [
                Definition, Mention, Check, Gate, Definition, Definition, Mention
            ]
        );
        let src = "interface F { newCheckout?: boolean }\nconst x = flags.newCheckout;\n";
        assert_eq!(
            roles(Lang::TypeScript, src, "newCheckout"),
            [Definition, Mention]
        );
    }

    #[test]
    fn java_chains_and_constants() {
        let src = r#"class A {
  static final String NEW_CHECKOUT = "new-checkout";
  void f() { if (Flags.NEW_CHECKOUT.bindTo(src).with(a).value()) { g(); } }
}"#;
        let tree = super::super::parse(Lang::Java, src.as_bytes()).expect("parse");
        let calls = Calls::new(["value"]);
        let mut refs: Vec<RoleInput> = src
            .match_indices("NEW_CHECKOUT")
            .chain(src.match_indices("new-checkout"))
            .map(|(i, m)| RoleInput {
                start: i,
                end: i + m.len(),
                pattern: false,
            })
            .collect();
        refs.sort_by_key(|r| r.start); // as the scanner hands them over
        let got = classify(Lang::Java, &tree, src.as_bytes(), &refs, &calls, false);
        // The constant's name, its value, then the check through it.
        assert_eq!(got, [Definition, Definition, Check]);
    }

    #[test]
    fn python_go_kotlin_ruby() {
        assert_eq!(
            roles(
                Lang::Python,
                "if client.is_enabled(\"k-x\"):\n    a()\nd = {\"k-x\": 1}\n# k-x\n",
                "k-x"
            ),
            [Check, Definition, Mention]
        );
        assert_eq!(
            roles(
                Lang::Go,
                "package a\nconst K = \"k-x\"\nfunc f() { if c.BoolVariation(\"k-x\", u, false) { a() } }\n",
                "k-x"
            ),
            [Definition, Check]
        );
        assert_eq!(
            roles(
                Lang::Kotlin,
                "fun f() { if (flags.isEnabled(\"k-x\")) { a() } }\n",
                "k-x"
            ),
            [Check]
        );
        assert_eq!(
            roles(Lang::Ruby, "if Flipper.enabled?(:k_x)\n  a\nend\n", "k_x"),
            [Check]
        );
    }
}
