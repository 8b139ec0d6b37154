//! Gathers what the audit is made from: a scan of local code, the `flagctl scan
//! --format json` output of other repositories (`--refs`), each root labelled with the
//! service it belongs to, and git history; then [`build`](super::build::build)s the
//! report.

use super::build::{Inputs, Records, Refs, build};
use super::{Audit, Location};
use crate::error::{Error, Result};
use crate::lifecycle::gather::{self, Sources};
use crate::model::Loaded;
use crate::scan::{self, Root, ScanOptions, ScanResult};
use crate::suggest::did_you_mean;
use crate::usage::Usage;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What to audit.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Local code to scan; empty for `settings.scan.paths`.
    pub paths: Vec<PathBuf>,
    /// Scans of other repositories (`flagctl scan --format json` output).
    pub refs: Vec<PathBuf>,
    /// `NAME=PATH`: the service a scan root (or a `--refs` file) belongs to.
    pub roots: Vec<String>,
    /// Only this owner's part of the report (the summary still covers every flag).
    pub owner: Option<String>,
    /// Do not scan local code.
    pub no_scan: bool,
}

/// Builds the audit of the file of `src`, with production usage data when given.
/// Returns the report and notes for stderr.
pub fn collect(
    src: &Sources,
    opts: &Options,
    usage: Option<&Usage>,
) -> Result<(Audit, Vec<String>)> {
    let loaded = src.loaded;
    let names = root_names(&opts.roots)?;
    let own = loaded
        .file
        .settings
        .service
        .as_ref()
        .map(|s| s.value.clone());
    // A root named after another service is that service's code; unnamed local roots
    // belong to the flags file's own service.
    let service_of = |label: &str| Some(label.to_string()).filter(|l| Some(l) != own.as_ref());
    let mut notes = Vec::new();
    let mut refs = Refs::default();
    if !opts.no_scan {
        let result = scan::scan(&loaded.file, &scan_options(loaded, &opts.paths, src.cwd))?;
        notes.extend(result.warnings());
        for (root, label, named) in labelled(&result, &names, None) {
            let service = if named { service_of(&label) } else { None };
            refs.add(&label, service, records_of(&result, &root));
        }
    }
    for path in &opts.refs {
        let result = read_refs(path)?;
        for (root, label, _) in labelled(&result, &names, Some(path)) {
            refs.add(&label, service_of(&label), records_of(&result, &root));
        }
    }
    let history = src.history();
    let facts = src.facts(&history);
    if let Some(reason) = facts.unavailable() {
        notes.push(format!("note: {reason}"));
    }
    let code_refs = refs.code_refs();
    let usage_findings = usage
        .map(|u| gather::usage_findings(src, u, Some(&code_refs)))
        .unwrap_or_default();
    let mut audit = build(&Inputs {
        file: &loaded.file,
        display: &loaded.display,
        today: src.today,
        facts: &facts,
        history: history.as_ref().ok(),
        refs: &refs,
        usage,
        usage_findings,
    });
    if let Some(owner) = &opts.owner {
        if !audit.owners.iter().any(|o| &o.owner == owner) {
            let hint = did_you_mean(owner, audit.owners.iter().map(|o| o.owner.as_str()));
            return Err(Error::Usage(format!(
                "no flags are owned by `{owner}`{hint}"
            )));
        }
        audit.only_owner(owner);
        audit.undefined.clear();
    }
    Ok((audit, notes))
}

/// Scan options for `paths` (empty: `settings.scan.paths`), never scanning the flags
/// file itself.
fn scan_options(loaded: &Loaded, paths: &[PathBuf], cwd: &Path) -> ScanOptions {
    let mut opts = ScanOptions::for_flags_file(loaded, cwd);
    if !paths.is_empty() {
        opts.roots = paths.iter().map(|p| Root::from_arg(p, cwd)).collect();
    }
    opts
}

/// Reads a `--refs` file: the JSON of `flagctl scan --format json`.
fn read_refs(path: &Path) -> Result<ScanResult> {
    let text = std::fs::read(path).map_err(|e| Error::read(path, e))?;
    serde_json::from_slice(&text).map_err(|e| Error::Invalid {
        file: path.display().to_string(),
        line: u32::try_from(e.line()).unwrap_or(u32::MAX),
        column: u32::try_from(e.column()).unwrap_or(u32::MAX),
        message: format!("not the JSON output of `flagctl scan --format json`: {e}"),
    })
}

/// The code references to `key` left to delete once it is removed: a scan of
/// `settings.scan.paths` restricted to `key`, whose records name the flag by its key
/// whichever alias or pattern matched. `loaded` must still define `key`. Returns the
/// references and one warning per file that could not be read.
pub fn references_to(
    loaded: &Loaded,
    key: &str,
    cwd: &Path,
) -> Result<(Vec<Location>, Vec<String>)> {
    let mut opts = ScanOptions::for_flags_file(loaded, cwd);
    opts.flag = Some(key.to_string());
    let result = scan::scan(&loaded.file, &opts)?;
    let refs = result.references.iter().map(Location::from).collect();
    Ok((refs, result.warnings()))
}

/// Parses `--root NAME=PATH` options into PATH => NAME.
fn root_names(specs: &[String]) -> Result<HashMap<String, String>> {
    specs
        .iter()
        .map(|spec| match spec.split_once('=') {
            Some((name, path)) if !name.is_empty() && !path.is_empty() => {
                Ok((normalize(path), name.to_string()))
            }
            _ => Err(Error::Usage(format!(
                "--root takes NAME=PATH (a scan root or a --refs file), not `{spec}`"
            ))),
        })
        .collect()
}

fn normalize(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    trimmed.strip_prefix("./").unwrap_or(trimmed).to_string()
}

/// Each root of a scan with its label: the `--root` name given for the root (or for
/// the `--refs` file it came from), else the root itself, else (for a `.` root of a
/// `--refs` file, which names nothing) the file's stem. The flag says whether a
/// `--root` name applied.
fn labelled(
    result: &ScanResult,
    names: &HashMap<String, String>,
    file: Option<&Path>,
) -> Vec<(String, String, bool)> {
    let file_name = file.map(|f| normalize(&f.to_string_lossy()));
    result
        .roots
        .iter()
        .map(|root| {
            let by_file = file_name.as_ref().and_then(|f| names.get(f));
            let by_root = names.get(&normalize(root));
            match (by_file, by_root) {
                (Some(n), _) | (None, Some(n)) => (root.clone(), n.clone(), true),
                _ if root == "." && file.is_some() => {
                    let stem = file
                        .and_then(|f| f.file_stem())
                        .map_or_else(|| root.clone(), |s| s.to_string_lossy().into_owned());
                    (root.clone(), stem, false)
                }
                _ => (root.clone(), root.clone(), false),
            }
        })
        .collect()
}

fn records_of(result: &ScanResult, root: &str) -> Records {
    Records {
        references: result
            .references
            .iter()
            .filter(|r| r.root == root)
            .cloned()
            .collect(),
        undefined: result
            .undefined
            .iter()
            .filter(|u| u.root == root)
            .cloned()
            .collect(),
        nested: result
            .nested
            .iter()
            .filter(|n| n.inner.root == root)
            .cloned()
            .collect(),
    }
}
