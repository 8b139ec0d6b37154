//! Findings that need code references: `unreferenced`, `undefined` and
//! `cross-boundary`, and [`CodeRef`], the one shape every source of references (local
//! scans, `--refs` files of other repositories) is mapped onto.

use super::{Finding, sort};
use crate::diag::{Code, Pos};
use crate::model::FlagsFile;
use crate::scan::{Area, RefKind, Reference, Undefined, shown_path};
use std::collections::{HashMap, HashSet};

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
    /// Production code, a test or documentation: only code keeps a flag alive.
    pub area: Area,
    /// How the reference was spelled: the key itself, an alias or a pattern capture.
    pub kind: Option<RefKind>,
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
            area: Area::Code,
            kind: None,
        }
    };
    let refs = references.iter().map(|r| CodeRef {
        area: r.area,
        kind: Some(r.kind),
        ..code_ref(&r.flag, &r.root, &r.path, r.line, r.column)
    });
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
    out.extend(noisy_keys(file, display, refs));
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

/// `unreferenced`: every defined flag that no production code references. References
/// in tests and docs remain to be deleted, and the message says where they are.
fn unreferenced(file: &FlagsFile, display: &str, refs: &[CodeRef]) -> Vec<Finding> {
    let mut elsewhere: HashMap<&str, [usize; 2]> = HashMap::new();
    let mut in_code: HashSet<&str> = HashSet::new();
    for r in refs {
        match r.area {
            Area::Code => {
                in_code.insert(&r.flag);
            }
            Area::Test => elsewhere.entry(&r.flag).or_default()[0] += 1,
            Area::Docs => elsewhere.entry(&r.flag).or_default()[1] += 1,
        }
    }
    let mut seen = HashSet::new();
    file.flags
        .iter()
        .filter(|f| seen.insert(f.key.as_str()) && !in_code.contains(f.key.as_str()))
        .map(|f| {
            let key = &f.key;
            let (message, action) = match elsewhere.get(key.as_str()) {
                None => (
                    format!("no code references flag `{key}`"),
                    "delete it from flags.yaml",
                ),
                Some([tests, docs]) => {
                    let mut places = Vec::new();
                    if *tests > 0 {
                        places.push(format!("tests ({tests})"));
                    }
                    if *docs > 0 {
                        places.push(format!("docs ({docs})"));
                    }
                    (
                        format!(
                            "no production code references flag `{key}`; its remaining references are in {}",
                            places.join(" and ")
                        ),
                        "delete it from flags.yaml, and the tests and docs that still name it",
                    )
                }
            };
            let mut finding = Finding::new(Code::Unreferenced, key, display, f.pos).says(message, action);
            finding.owner = owner(file, key);
            finding
        })
        .collect()
}

/// Fewest references before a key can be called noisy.
const NOISY_MIN: usize = 10;

/// `noisy-key`: a flag whose key is one common word (`demo`, `checkout`) and whose
/// references are nearly all that bare word: most are probably unrelated uses of the
/// word, which drown the real ones in every report.
fn noisy_keys(file: &FlagsFile, display: &str, refs: &[CodeRef]) -> Vec<Finding> {
    let mut counts: HashMap<&str, (usize, usize)> = HashMap::new();
    for r in refs {
        let c = counts.entry(&r.flag).or_default();
        c.0 += 1;
        if r.kind == Some(RefKind::Key) {
            c.1 += 1;
        }
    }
    let mut seen = HashSet::new();
    file.flags
        .iter()
        .filter(|f| seen.insert(f.key.as_str()) && f.key.chars().all(|c| c.is_ascii_lowercase()))
        .filter_map(|f| {
            let &(total, bare) = counts.get(f.key.as_str())?;
            if total < NOISY_MIN || bare * 10 < total * 8 {
                return None;
            }
            let key = &f.key;
            let mut finding = Finding::new(Code::NoisyKey, key, display, f.pos).says(
                format!(
                    "flag `{key}` is a common word: {bare} of its {total} references are the bare word `{key}`, most of them probably not the flag"
                ),
                "add a settings.scan.patterns call shape so only SDK calls count, or rename the flag to something distinctive",
            );
            finding.owner = owner(file, key);
            Some(finding)
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

/// `nested`: a check of one flag inside a branch controlled by another flag's check,
/// at the inner check.
pub fn nested_findings(file: &FlagsFile, nested: &[crate::scan::Nested]) -> Vec<Finding> {
    let mut out: Vec<Finding> = nested
        .iter()
        .map(|n| {
            let (inner, outer) = (&n.inner, &n.outer);
            let at = |c: &crate::scan::CheckLocation| shown_path(&c.root, &c.path);
            let mut f = Finding::new(
                Code::Nested,
                &inner.flag,
                &at(inner),
                Pos::saturating(inner.line, inner.column),
            )
            .says(
                format!(
                    "flag `{}` is checked inside a branch controlled by flag `{}` ({}:{})",
                    inner.flag,
                    outer.flag,
                    at(outer),
                    outer.line
                ),
                "never nest flags: decide the outer flag first and pass the result on, or merge the two",
            );
            f.owner = owner(file, &inner.flag);
            f
        })
        .collect();
    sort(&mut out);
    out
}
