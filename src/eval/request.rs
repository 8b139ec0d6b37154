//! What `flagctl eval` and `flagctl test` are asked: which flags, in which environment,
//! for which context (built from `KEY=VALUE` pairs, JSON and named contexts), and the
//! typed report of the answers ([`Evaluation`]).

use super::context::{Context, NamedContexts, decode_contexts, parse_cli_value, set_path};
use super::{EvalResult, Step};
use crate::diag::Severity;
use crate::error::{Error, Result};
use crate::model::{Flag, FlagsFile, Loaded};
use crate::suggest::did_you_mean;
use serde::Serialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Rejects an environment that `settings.environments` does not list.
pub fn check_env(file: &FlagsFile, env: Option<&str>) -> Result<()> {
    let (Some(env), Some(allowed)) = (env, &file.settings.environments) else {
        return Ok(());
    };
    if allowed.iter().any(|a| a.value == env) {
        return Ok(());
    }
    let names: Vec<&str> = allowed.iter().map(|a| a.value.as_str()).collect();
    Err(Error::Usage(format!(
        "--env: unknown environment `{env}`{}; settings.environments lists {}",
        did_you_mean(env, names.iter().copied()),
        names.join(", ")
    )))
}

/// The flags named (keys or aliases), or every flag in file order.
pub fn choose_flags<'f>(file: &'f FlagsFile, names: &[String]) -> Result<Vec<&'f Flag>> {
    if names.is_empty() {
        return Ok(file.flags.iter().collect());
    }
    let mut out: Vec<&Flag> = Vec::new();
    for name in names {
        let flag = file.flag(name).or_else(|| {
            file.flags
                .iter()
                .find(|f| f.aliases.iter().any(|a| a.value == *name))
        });
        match flag {
            Some(f) if !out.iter().any(|o| o.key == f.key) => out.push(f),
            Some(_) => {}
            None => {
                let hint = did_you_mean(name, file.flags.iter().map(|f| f.key.as_str()));
                return Err(Error::Usage(format!(
                    "unknown flag `{name}`{hint} (`flagctl list` shows every flag)"
                )));
            }
        }
    }
    Ok(out)
}

/// Where the named contexts file is: `explicit` (`--contexts`), else
/// `settings.contexts`, else `fixtures/contexts.yaml`, the latter two relative to the
/// flags file's directory.
pub fn contexts_path(loaded: &Loaded, explicit: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    let dir = loaded.path.parent().unwrap_or(Path::new("."));
    match &loaded.file.settings.contexts {
        Some(p) => dir.join(&p.value),
        None => dir.join("fixtures").join("contexts.yaml"),
    }
}

/// A contexts file as read: its name as shown, and its contexts.
pub type Contexts = (String, NamedContexts);

/// Loads the named contexts file. A missing file is `Ok(None)` unless it is
/// `required` (a named context was asked for) or was given explicitly. A file with
/// errors is refused, pointing at the first one. `cwd` only shortens the name shown.
pub fn load_contexts(
    loaded: &Loaded,
    explicit: Option<&Path>,
    required: bool,
    cwd: &Path,
) -> Result<Option<Contexts>> {
    let path = contexts_path(loaded, explicit);
    let display = path
        .strip_prefix(cwd)
        .unwrap_or(&path)
        .to_string_lossy()
        .into_owned();
    match std::fs::metadata(&path) {
        Ok(meta) => {
            // A directory or a named pipe is no contexts file (and reading a FIFO
            // would block): say what it is.
            if let Some(what) = crate::fsutil::kind::not_a_file(&meta) {
                return Err(Error::Usage(format!(
                    "the contexts file {display} is {what}, not a regular file; pass --contexts PATH naming a YAML file"
                )));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if required || explicit.is_some() {
                return Err(Error::Usage(format!(
                    "the contexts file {display} does not exist; create it, set settings.contexts or pass --contexts PATH"
                )));
            }
            return Ok(None);
        }
        Err(e) => return Err(Error::read(&path, e)),
    }
    let text = std::fs::read_to_string(&path).map_err(|e| Error::read(&path, e))?;
    let (contexts, diagnostics) = decode_contexts(&display, &text);
    let errors: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if let Some(first) = errors.first() {
        let more = match errors.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        return Err(Error::Invalid {
            file: first.file.clone(),
            line: first.line,
            column: first.column,
            message: format!("{}{more}", first.message),
        });
    }
    Ok(Some((display, contexts)))
}

/// How a context is given on the command line.
#[derive(Debug, Clone, Default)]
pub struct ContextSpec<'a> {
    /// `--context-json`: a JSON object, applied first.
    pub json: Option<&'a str>,
    /// Each `--context`: `KEY=VALUE`, or the name of a context in the contexts file.
    pub items: &'a [String],
    /// `--contexts`: the named contexts file.
    pub contexts: Option<&'a Path>,
}

/// Builds the context: `json`, then each item in order.
pub fn build_context(loaded: &Loaded, spec: &ContextSpec, cwd: &Path) -> Result<Context> {
    let mut context = match spec.json {
        None => Context::new(),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(m)) => m,
            Ok(other) => {
                return Err(Error::Usage(format!(
                    "--context-json must be a JSON object such as '{{\"userId\": \"u-1\"}}', not {}",
                    crate::model::check::value_kind(&other)
                )));
            }
            Err(e) => {
                return Err(Error::Usage(format!(
                    "--context-json is not valid JSON: {e}"
                )));
            }
        },
    };
    let mut named: Option<Contexts> = None;
    for item in spec.items {
        if let Some((key, value)) = item.split_once('=') {
            if key.is_empty() {
                return Err(Error::Usage(format!(
                    "--context {item}: the attribute name before `=` is empty"
                )));
            }
            set_path(&mut context, key, parse_cli_value(value));
            continue;
        }
        if named.is_none() {
            named = load_contexts(loaded, spec.contexts, true, cwd)?;
        }
        let Some((display, contexts)) = &named else {
            return Err(Error::Usage(format!(
                "--context {item}: not KEY=VALUE, and there is no contexts file to find a context named `{item}` in"
            )));
        };
        let Some(found) = contexts.get(item) else {
            return Err(Error::Usage(format!(
                "--context {item}: no context named `{item}` in {display}{}; for an attribute write KEY=VALUE",
                did_you_mean(item, contexts.names())
            )));
        };
        for (k, v) in found {
            context.insert(k.clone(), v.clone());
        }
    }
    Ok(context)
}

/// One evaluation with, under `--explain`, the steps taken.
#[derive(Debug, Clone, Serialize)]
pub struct Explained<'p> {
    /// The result.
    #[serde(flatten)]
    pub result: EvalResult<'p>,
    /// The steps, when asked for.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "step_texts")]
    pub explain: Option<Vec<Step>>,
}

fn step_texts<S: serde::Serializer>(
    steps: &Option<Vec<Step>>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    let texts: Vec<&str> = steps.iter().flatten().map(|st| st.text.as_str()).collect();
    texts.serialize(s)
}

/// `flagctl eval`: what each flag serves to one context, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation<'p> {
    /// The environment whose overrides applied.
    pub env: Option<String>,
    /// One result per flag, in the order asked.
    pub results: Vec<Explained<'p>>,
}
