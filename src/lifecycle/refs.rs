//! Findings that need code references: `unreferenced`, `undefined` and
//! `cross-boundary`, and [`CodeRef`], the one shape every source of references (local
//! scans, `--refs` files of other repositories) is mapped onto.

use super::{Finding, sort};
use crate::diag::{Code, Pos};
use crate::model::FlagsFile;
use crate::scan::{Reference, Undefined, shown_path};
use std::collections::HashSet;

/// A reference to a flag key found in code. The scanner's records map onto this one to
/// one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRef {
    /// The flag key the reference names (after alias resolution).
    pub flag: String,
    /// File, shown as `root/path`.
    pub path: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// The service (deployment boundary) the referencing code belongs to, when known.
    pub service: Option<String>,
}

/// The scanner's records as [`CodeRef`]s: references under their canonical flag key,
/// undefined keys under the key itself. Paths are `root/path`, so annotations point at
/// the code line; `service` names the service each root belongs to (`None` for the
/// flags file's own code).
pub fn code_refs(
    references: &[Reference],
    undefined: &[Undefined],
    service: impl Fn(&str) -> Option<String>,
) -> Vec<CodeRef> {
    let code_ref = |flag: &str, root: &str, path: &str, line: u64, column: u64| {
        let pos = Pos::saturating(line, column);
        CodeRef {
            flag: flag.to_string(),
            path: shown_path(root, path),
            line: pos.line,
            column: pos.column,
            service: service(root),
        }
    };
    let refs = references
        .iter()
        .map(|r| code_ref(&r.flag, &r.root, &r.path, r.line, r.column));
    let undefined = undefined
        .iter()
        .map(|u| code_ref(&u.key, &u.root, &u.path, u.line, u.column));
    refs.chain(undefined).collect()
}

/// Findings that need code references: `unreferenced` (a defined flag no reference
/// names), `undefined` (a referenced key flags.yaml does not define; one finding per
/// reference, at the code line) and `cross-boundary` (a reference from a service other
/// than `settings.service`). Sorted.
pub fn reference_findings(file: &FlagsFile, display: &str, refs: &[CodeRef]) -> Vec<Finding> {
    let mut out = unreferenced(file, display, refs);
    out.extend(
        refs.iter()
            .filter_map(|r| undefined(file, display, r).or_else(|| cross_boundary(file, r))),
    );
    sort(&mut out);
    out
}

/// The owner of `flag`, when flags.yaml defines it with one.
fn owner(file: &FlagsFile, flag: &str) -> Option<String> {
    file.flag(flag)
        .and_then(|f| f.owner.as_ref())
        .map(|o| o.value.clone())
}

/// `unreferenced`: every defined flag that no reference names.
fn unreferenced(file: &FlagsFile, display: &str, refs: &[CodeRef]) -> Vec<Finding> {
    let referenced: HashSet<&str> = refs.iter().map(|r| r.flag.as_str()).collect();
    let mut seen = HashSet::new();
    file.flags
        .iter()
        .filter(|f| seen.insert(f.key.as_str()) && !referenced.contains(f.key.as_str()))
        .map(|f| {
            let mut finding = Finding::new(Code::Unreferenced, &f.key, display, f.pos).says(
                format!("no code references flag `{}`", f.key),
                "delete it from flags.yaml",
            );
            finding.owner = owner(file, &f.key);
            finding
        })
        .collect()
}

/// `undefined`: a reference to a key flags.yaml does not define, at the code line.
fn undefined(file: &FlagsFile, display: &str, r: &CodeRef) -> Option<Finding> {
    if file.flag(&r.flag).is_some() {
        return None;
    }
    Some(
        Finding::new(
            Code::Undefined,
            &r.flag,
            &r.path,
            Pos::new(r.line, r.column),
        )
        .says(
            format!(
                "code references flag `{}`, which {display} does not define",
                r.flag
            ),
            "define it in flags.yaml, or remove the reference",
        ),
    )
}

/// `cross-boundary`: a reference from a service other than `settings.service`.
fn cross_boundary(file: &FlagsFile, r: &CodeRef) -> Option<Finding> {
    let own = file.settings.service.as_ref()?.value.as_str();
    let theirs = r.service.as_deref()?;
    if own == theirs || file.flag(&r.flag).is_none() {
        return None;
    }
    let mut f = Finding::new(
        Code::CrossBoundary,
        &r.flag,
        &r.path,
        Pos::new(r.line, r.column),
    )
    .says(
        format!(
            "flag `{}` belongs to service `{own}` but is referenced from `{theirs}`",
            r.flag
        ),
        "let the owning service decide and pass the result on, or move the flag",
    );
    f.owner = owner(file, &r.flag);
    Some(f)
}
