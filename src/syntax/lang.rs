//! The languages flagctl parses, found from a file's name, and how each spells the
//! literals a cleanup writes.

use serde::Serialize;
use serde_json::Value;
use std::path::Path;

/// A language with a bundled tree-sitter grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// `.ts`, `.mts`, `.cts`.
    TypeScript,
    /// `.tsx`.
    Tsx,
    /// `.js`, `.jsx`, `.mjs`, `.cjs` (the grammar includes JSX).
    JavaScript,
    /// `.py`, `.pyi`.
    Python,
    /// `.go`.
    Go,
    /// `.java`.
    Java,
    /// `.kt`, `.kts`.
    Kotlin,
    /// `.rb`, `.rake`, `Gemfile`, `Rakefile`.
    Ruby,
}

impl Lang {
    /// The language of a file, from its name.
    pub fn from_path(path: &Path) -> Option<Lang> {
        let name = path.file_name()?.to_str()?;
        if matches!(name, "Gemfile" | "Rakefile") {
            return Some(Lang::Ruby);
        }
        let ext = name.rsplit_once('.')?.1;
        Some(match ext {
            "ts" | "mts" | "cts" => Lang::TypeScript,
            "tsx" => Lang::Tsx,
            "js" | "jsx" | "mjs" | "cjs" => Lang::JavaScript,
            "py" | "pyi" => Lang::Python,
            "go" => Lang::Go,
            "java" => Lang::Java,
            "kt" | "kts" => Lang::Kotlin,
            "rb" | "rake" => Lang::Ruby,
            _ => return None,
        })
    }

    /// The tree-sitter grammar.
    pub fn grammar(self) -> tree_sitter::Language {
        match self {
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Lang::Python => tree_sitter_python::LANGUAGE.into(),
            Lang::Go => tree_sitter_go::LANGUAGE.into(),
            Lang::Java => tree_sitter_java::LANGUAGE.into(),
            Lang::Kotlin => tree_sitter_kotlin_ng::LANGUAGE.into(),
            Lang::Ruby => tree_sitter_ruby::LANGUAGE.into(),
        }
    }

    /// The name shown in reports.
    pub fn name(self) -> &'static str {
        match self {
            Lang::TypeScript => "TypeScript",
            Lang::Tsx => "TSX",
            Lang::JavaScript => "JavaScript",
            Lang::Python => "Python",
            Lang::Go => "Go",
            Lang::Java => "Java",
            Lang::Kotlin => "Kotlin",
            Lang::Ruby => "Ruby",
        }
    }

    /// TypeScript, TSX or JavaScript.
    pub fn is_js(self) -> bool {
        matches!(self, Lang::TypeScript | Lang::Tsx | Lang::JavaScript)
    }

    /// The line comment marker.
    pub fn line_comment(self) -> &'static str {
        match self {
            Lang::Python | Lang::Ruby => "#",
            _ => "//",
        }
    }

    /// Whether `&&`, `||` and `!` require booleans, so `x && true` is `x` whatever `x`
    /// is (in JavaScript, Python and Ruby it is only so in a condition).
    pub fn strict_booleans(self) -> bool {
        matches!(self, Lang::Go | Lang::Java | Lang::Kotlin)
    }

    /// `true` or `false` in this language.
    pub fn bool_literal(self, value: bool) -> &'static str {
        match (self, value) {
            (Lang::Python, true) => "True",
            (Lang::Python, false) => "False",
            (_, true) => "true",
            (_, false) => "false",
        }
    }

    /// `value` as a literal of this language: booleans, numbers and strings (JSON
    /// arrays and objects have no literal every language shares: `None`).
    pub fn literal(self, value: &Value) -> Option<String> {
        match value {
            Value::Bool(b) => Some(self.bool_literal(*b).to_string()),
            Value::Number(n) => Some(n.to_string()),
            Value::String(s) => Some(self.string_literal(s)),
            Value::Null => Some(
                match self {
                    Lang::Python => "None",
                    Lang::Ruby | Lang::Go => "nil",
                    _ => "null",
                }
                .to_string(),
            ),
            Value::Array(_) | Value::Object(_) => None,
        }
    }

    /// A double-quoted string literal (single quotes in JavaScript and TypeScript,
    /// their usual style) with `\` and the quote escaped.
    pub fn string_literal(self, s: &str) -> String {
        let quote = if self.is_js() { '\'' } else { '"' };
        let mut out = String::with_capacity(s.len() + 2);
        out.push(quote);
        for c in s.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '$' if matches!(self, Lang::Kotlin) => out.push_str("\\$"),
                '#' if matches!(self, Lang::Ruby) => out.push_str("\\#"),
                c if c == quote => {
                    out.push('\\');
                    out.push(c);
                }
                c => out.push(c),
            }
        }
        out.push(quote);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_from_names() {
        let l = |p: &str| Lang::from_path(Path::new(p));
        assert_eq!(l("src/a.tsx"), Some(Lang::Tsx));
        assert_eq!(l("a.mjs"), Some(Lang::JavaScript));
        assert_eq!(l("x/Gemfile"), Some(Lang::Ruby));
        assert_eq!(l("A.kt"), Some(Lang::Kotlin));
        assert_eq!(l("README.md"), None);
        assert_eq!(l("Makefile"), None);
    }

    #[test]
    fn literals() {
        assert_eq!(
            Lang::Python.literal(&Value::Bool(true)).as_deref(),
            Some("True")
        );
        assert_eq!(
            Lang::Go.literal(&serde_json::json!(1.5)).as_deref(),
            Some("1.5")
        );
        assert_eq!(Lang::TypeScript.string_literal("it's"), "'it\\'s'");
        assert_eq!(Lang::Kotlin.string_literal("$x"), "\"\\$x\"");
        assert_eq!(Lang::Java.literal(&serde_json::json!([1])), None);
    }
}
