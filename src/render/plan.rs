//! The cleanup plan for a retired flag: the code references still to delete.
//!
//! `flagctl remove` prints it after editing flags.yaml. It takes the audit's
//! [`Location`] records, so any source of references (the scanner, or scans of other
//! repositories merged by `audit --refs`) can feed it.

use super::Paint;
use crate::audit::Location;
use std::io::{self, Write};

/// Writes the plan for `flag`: each reference as `[root/]path:line:column: text`,
/// sorted by root, path and position; or a line saying none remain.
pub fn write_plan(
    out: &mut dyn Write,
    flag: &str,
    refs: &[Location],
    paint: Paint,
) -> io::Result<()> {
    let mut refs: Vec<&Location> = refs.iter().filter(|r| r.flag == flag).collect();
    refs.sort();
    if refs.is_empty() {
        return writeln!(out, "no code references to `{flag}` remain");
    }
    let files = {
        let mut paths: Vec<(&str, &str)> = refs
            .iter()
            .map(|r| (r.root.as_str(), r.path.as_str()))
            .collect();
        paths.dedup();
        paths.len()
    };
    let s = |n: usize| if n == 1 { "" } else { "s" };
    writeln!(
        out,
        "{} delete {} reference{} to `{flag}` in {files} file{}:",
        paint.bold("cleanup plan:"),
        refs.len(),
        s(refs.len()),
        s(files)
    )?;
    for r in refs {
        let at = format!("{}:{}", r.display(), r.column);
        writeln!(out, "  {}: {}", paint.magenta(&at), r.text.trim())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(path: &str, line: u32, text: &str) -> Location {
        Location {
            root: ".".into(),
            flag: "f".into(),
            path: path.into(),
            line,
            column: 5,
            text: text.into(),
            role: crate::scan::Role::Mention,
        }
    }

    #[test]
    fn sorted_and_counted() {
        let mut out = Vec::new();
        let refs = [
            r("b.rs", 2, "  if f {"),
            r("a.ts", 9, "flag('f')"),
            r("a.ts", 1, "x"),
        ];
        write_plan(&mut out, "f", &refs, Paint::PLAIN).expect("write");
        assert_eq!(
            String::from_utf8(out).expect("utf8"),
            "cleanup plan: delete 3 references to `f` in 2 files:\n  a.ts:1:5: x\n  a.ts:9:5: flag('f')\n  b.rs:2:5: if f {\n"
        );
        let mut out = Vec::new();
        write_plan(&mut out, "g", &refs, Paint::PLAIN).expect("write");
        assert_eq!(
            String::from_utf8(out).expect("utf8"),
            "no code references to `g` remain\n"
        );
    }
}
