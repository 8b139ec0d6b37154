//! GitHub's CODEOWNERS: who owns a file. The file is looked for where GitHub looks
//! (`.github/`, the root, `docs/`, first found wins); patterns follow `.gitignore`
//! rules as GitHub reads them, and the last matching line wins. A line with a pattern
//! and no owners leaves the files it matches without an owner.

use globset::{GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};

/// Where GitHub looks for the file, in its order of precedence.
pub const LOCATIONS: [&str; 3] = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

/// A parsed CODEOWNERS file.
#[derive(Debug)]
pub struct CodeOwners {
    /// The file, relative to the repository root (one of [`LOCATIONS`]).
    pub file: String,
    rules: Vec<Rule>,
}

#[derive(Debug)]
struct Rule {
    line: u32,
    owners: Vec<String>,
    matcher: GlobSet,
}

/// The line that decides a file's owners.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owned<'a> {
    /// The owners as written (`@org/team`, `@user`, an e-mail address).
    pub owners: &'a [String],
    /// 1-based line in the CODEOWNERS file.
    pub line: u32,
}

impl CodeOwners {
    /// Reads the CODEOWNERS file of the repository whose root is `root`, if it has one.
    /// A file that exists but cannot be read is an error.
    pub fn find(root: &Path) -> Result<Option<CodeOwners>, (PathBuf, std::io::Error)> {
        for rel in LOCATIONS {
            let path = root.join(rel);
            match std::fs::read(&path) {
                Ok(bytes) => return Ok(Some(parse(rel, &String::from_utf8_lossy(&bytes)))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                // A directory of that name is no CODEOWNERS file either.
                Err(_) if path.is_dir() => {}
                Err(e) => return Err((path, e)),
            }
        }
        Ok(None)
    }

    /// The line that decides the owners of `rel` (a `/`-separated path relative to the
    /// repository root), when one matches and names owners.
    pub fn owner_of(&self, rel: &str) -> Option<Owned<'_>> {
        let rule = self.rules.iter().rev().find(|r| r.matcher.is_match(rel))?;
        (!rule.owners.is_empty()).then_some(Owned {
            owners: &rule.owners,
            line: rule.line,
        })
    }
}

/// Parses CODEOWNERS text; `file` names it. Lines whose pattern is not a valid glob
/// are skipped, as GitHub skips them (and flags them in its own UI).
pub fn parse(file: &str, text: &str) -> CodeOwners {
    let mut rules = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let Some((pattern, owners)) = split_line(raw) else {
            continue;
        };
        if let Some(matcher) = compile(&pattern) {
            rules.push(Rule {
                line: u32::try_from(i + 1).unwrap_or(u32::MAX),
                owners,
                matcher,
            });
        }
    }
    CodeOwners {
        file: file.to_string(),
        rules,
    }
}

/// A line's pattern and owners; `None` for blank lines and comments. `\#` starts a
/// pattern with `#`; a `#` word after the pattern starts a comment.
fn split_line(raw: &str) -> Option<(String, Vec<String>)> {
    let line = raw.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let mut words = line.split_whitespace();
    let pattern = words.next()?.replace("\\#", "#");
    let owners = words
        .take_while(|w| !w.starts_with('#'))
        .map(String::from)
        .collect();
    Some((pattern, owners))
}

/// The globs of one pattern. As in `.gitignore`: a pattern with a `/` before its end
/// is anchored at the root, one without matches at any depth, a trailing `/` matches
/// only directories, and a directory's match covers everything in it. As GitHub
/// documents, `docs/*` covers the files directly in `docs` but not deeper ones.
fn compile(pattern: &str) -> Option<GlobSet> {
    let dir_only = pattern.ends_with('/');
    let trimmed = pattern.trim_end_matches('/');
    if trimmed.is_empty() || pattern.starts_with('!') {
        return None;
    }
    let body = if trimmed.contains('/') {
        trimmed.trim_start_matches('/').to_string()
    } else {
        format!("**/{trimmed}")
    };
    let mut globs = Vec::new();
    if !dir_only {
        globs.push(body.clone());
    }
    if !body.ends_with("/*") || dir_only {
        globs.push(format!("{body}/**"));
    }
    let mut set = GlobSetBuilder::new();
    for g in globs {
        set.add(crate::globs::compile(&g).ok()?);
    }
    set.build().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "\
# Default owners
*                       @acme/core
*.js                    @acme/web   # inline comment
/docs/                  @acme/docs
apps/                   @acme/apps
/services/payments      @acme/payments @alice
docs/*                  @acme/writers
/generated/
\\#odd                  @acme/odd
";

    fn owner(rel: &str) -> Option<(String, u32)> {
        let c = parse(".github/CODEOWNERS", FILE);
        c.owner_of(rel).map(|o| (o.owners.join(" "), o.line))
    }

    #[test]
    fn the_last_matching_line_wins() {
        assert_eq!(owner("README.md"), Some(("@acme/core".into(), 2)));
        assert_eq!(owner("src/app.js"), Some(("@acme/web".into(), 3)));
        assert_eq!(owner("docs/guide/intro.md"), Some(("@acme/docs".into(), 4)));
        assert_eq!(owner("docs/intro.md"), Some(("@acme/writers".into(), 7)));
        assert_eq!(owner("x/apps/y/z.ts"), Some(("@acme/apps".into(), 5)));
        assert_eq!(
            owner("services/payments/api/x.go"),
            Some(("@acme/payments @alice".into(), 6))
        );
        assert_eq!(
            owner("lib/services/payments/x.go"),
            Some(("@acme/core".into(), 2))
        );
        assert_eq!(owner("#odd"), Some(("@acme/odd".into(), 9)));
        // A pattern without owners takes ownership away.
        assert_eq!(owner("generated/a.ts"), None);
    }

    #[test]
    fn found_where_github_looks() {
        let dir = tempfile::tempdir().unwrap();
        assert!(CodeOwners::find(dir.path()).unwrap().is_none());
        std::fs::write(dir.path().join("CODEOWNERS"), "* @root\n").unwrap();
        std::fs::create_dir(dir.path().join(".github")).unwrap();
        std::fs::write(dir.path().join(".github/CODEOWNERS"), "* @github\n").unwrap();
        let found = CodeOwners::find(dir.path()).unwrap().unwrap();
        assert_eq!(found.file, ".github/CODEOWNERS");
        assert_eq!(found.owner_of("a").unwrap().owners, ["@github"]);
    }
}
