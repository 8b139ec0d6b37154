//! GitHub-flavoured Markdown, escaped per context: a pipe must be escaped inside a
//! table cell (even inside a code span there) but not in a paragraph, where `\|` would
//! show literally.

/// A table cell: pipes escaped, newlines turned into `<br>`.
pub fn cell(text: &str) -> String {
    text.replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}

/// Paragraph or heading text with Markdown's inline syntax escaped.
pub fn text(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for ch in text.chars() {
        if matches!(ch, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>') {
            s.push('\\');
        }
        s.push(if ch == '\n' { ' ' } else { ch });
    }
    s
}

/// An inline code span that shows `text` literally, whatever backticks it holds.
pub fn code(text: &str) -> String {
    let text = text.replace(['\r', '\n'], " ");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    // A span that starts or ends with a backtick needs a space inside the fence.
    if text.starts_with('`') || text.ends_with('`') {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

/// A table; every cell is escaped with [`cell`].
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut s = String::new();
    s.push_str(&format!("| {} |\n", header.join(" | ")));
    s.push_str(&format!(
        "|{}\n",
        header.iter().map(|_| "---|").collect::<String>()
    ));
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        s.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_depends_on_context() {
        assert_eq!(code("a|b"), "`a|b`");
        assert_eq!(cell(&code("a|b")), "`a\\|b`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(text("a_b *c*"), "a\\_b \\*c\\*");
    }
}
