//! Command-line definitions (clap derive). Options documented here appear in `--help`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Validate, evaluate, scan and audit the feature flags in a git-versioned flags.yaml.
#[derive(Debug, Parser)]
#[command(name = "flagctl", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options accepted by every command.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// The flags file [default: flags.yaml found by walking up from the current directory]
    #[arg(long, global = true, env = "FLAGCTL_FLAGS", value_name = "PATH")]
    pub flags: Option<PathBuf>,
    /// Read the flags file as of git revision REV (branch, tag, sha), not the work tree
    #[arg(long, global = true, value_name = "REV")]
    pub rev: Option<String>,
    /// Treat DATE (YYYY-MM-DD) as today, for reproducible reports
    #[arg(long, global = true, value_name = "DATE")]
    pub now: Option<String>,
    /// Output format (each command lists the ones it supports)
    #[arg(long, global = true, value_enum)]
    pub format: Option<Format>,
    /// When to use colors (NO_COLOR turns `auto` off)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print only results: no summaries, hints or progress
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Color when writing to a terminal and NO_COLOR is unset.
    Auto,
    /// Always color.
    Always,
    /// Never color.
    Never,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable table (the default).
    Table,
    /// Human-readable text (same as table).
    Text,
    /// JSON document with a `version` field.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// Markdown, for issues and pull-request comments.
    Markdown,
    /// Self-contained HTML report.
    Html,
    /// GitHub Actions workflow-command annotations.
    Github,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// JUnit XML.
    Junit,
    /// Comma-separated values.
    Csv,
}

impl Format {
    /// The name as typed on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Text => "text",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Github => "github",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Csv => "csv",
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check flags.yaml for every problem at once (exit 1 on errors)
    Validate(ValidateArgs),
    /// List flags with type, owner, dates and state
    List(ListArgs),
    /// Show what flags serve to a context, and why
    Eval(EvalArgs),
    /// Check that test contexts get the values they expect (exit 1 on a failure)
    Test(TestArgs),
    /// Add a flag to flags.yaml with its required metadata
    New(NewArgs),
    /// Delete a flag from flags.yaml and list the code references left to delete
    Remove(RemoveArgs),
    /// Report stale flags: expired, expiring, overdue, launched, dead, snoozed
    Stale(StaleArgs),
    /// The CI gate: validation errors and expired flags fail (exit 1)
    Check(CheckArgs),
    /// Show how flags changed between two revisions (default: HEAD and the work tree)
    Diff(DiffArgs),
    /// Show every commit that changed a flag, newest first
    History(HistoryArgs),
    /// Find every reference to every flag in code (exit 0 whether or not any is found)
    Scan(ScanArgs),
    /// The monthly report: findings, references and history per owner, with cleanup plans
    Audit(AuditArgs),
    /// Print the JSON Schema of flags.yaml, for editor completion
    Schema,
    /// Print shell completions
    Completions(CompletionsArgs),
}

/// `flagctl validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Fail (exit 1) on warnings too
    #[arg(long)]
    pub strict: bool,
}

/// `flagctl list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only flags owned by OWNER
    #[arg(long, value_name = "OWNER")]
    pub owner: Option<String>,
    /// Only flags of this type
    #[arg(long = "type", value_name = "TYPE", value_parser = ["release", "operational", "experiment", "permission"])]
    pub flag_type: Option<String>,
    /// Only flags past their expiry date
    #[arg(long)]
    pub expired: bool,
    /// Only flags expiring within DAYS days (not yet expired)
    #[arg(long, value_name = "DAYS")]
    pub expiring: Option<u32>,
}

/// `flagctl eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Flags to evaluate (keys or aliases) [default: every flag]
    #[arg(value_name = "FLAG")]
    pub keys: Vec<String>,
    /// A context attribute KEY=VALUE (dots nest: account.plan=pro; numbers and booleans
    /// are typed), or the NAME of a context in the contexts file; repeatable, applied in order
    #[arg(long, short = 'c', value_name = "KEY=VALUE|NAME")]
    pub context: Vec<String>,
    /// The context as a JSON object; --context entries are applied on top
    #[arg(long, value_name = "JSON")]
    pub context_json: Option<String>,
    /// The named contexts file [default: settings.contexts, else fixtures/contexts.yaml]
    #[arg(long, value_name = "PATH")]
    pub contexts: Option<PathBuf>,
    /// Apply this environment's overrides
    #[arg(long, short = 'e', value_name = "NAME")]
    pub env: Option<String>,
    /// Print each step of the evaluation for each flag
    #[arg(long, conflicts_with = "contexts_file")]
    pub explain: bool,
    /// Evaluate every context of a JSON Lines file (`-` for stdin): one result per
    /// context and flag (jsonl), or with --summary the counts per value
    #[arg(long, value_name = "FILE", conflicts_with_all = ["context", "context_json"])]
    pub contexts_file: Option<PathBuf>,
    /// With --contexts-file: per flag, how many contexts got each value and the observed
    /// versus configured rollout
    #[arg(long, requires = "contexts_file")]
    pub summary: bool,
    /// With --contexts-file: skip malformed lines (reported on stderr) instead of stopping
    #[arg(long, requires = "contexts_file")]
    pub keep_going: bool,
}

/// `flagctl test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Spec files [default: flags.test.yaml and tests/flags/*.yaml next to flags.yaml]
    #[arg(value_name = "SPEC")]
    pub specs: Vec<PathBuf>,
    /// The named contexts file [default: settings.contexts, else fixtures/contexts.yaml]
    #[arg(long, value_name = "PATH")]
    pub contexts: Option<PathBuf>,
}

/// `flagctl new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The new flag's key: letters, digits, `.`, `_`, `:` and `-`
    pub key: String,
    /// The flag's type
    #[arg(long = "type", value_name = "TYPE", value_parser = ["release", "operational", "experiment", "permission"])]
    pub flag_type: String,
    /// The team responsible for the flag
    #[arg(long, value_name = "OWNER")]
    pub owner: String,
    /// Removal date (YYYY-MM-DD) or time from today (30d, 6w) [default for release and experiment flags: the type's lifetime from today]
    #[arg(long, value_name = "DATE|DURATION")]
    pub expires: Option<String>,
    /// What the flag is for
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// Print the change as a unified diff instead of writing it
    #[arg(long)]
    pub dry_run: bool,
    /// Replace flags.yaml even if it has other hard links (they keep the old content)
    #[arg(long)]
    pub force: bool,
}

/// `flagctl remove`.
#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The key of the flag to delete
    pub key: String,
    /// Print the change as a unified diff instead of writing it
    #[arg(long)]
    pub dry_run: bool,
    /// Replace flags.yaml even if it has other hard links (they keep the old content)
    #[arg(long)]
    pub force: bool,
}

/// `flagctl stale`.
#[derive(Debug, Args)]
pub struct StaleArgs {
    /// Report `expiring` this many days before `expires` [default: settings.expiry_warning]
    #[arg(long, value_name = "DAYS")]
    pub warn_within: Option<u32>,
    /// Also scan code for references (unreferenced, undefined, cross-boundary findings)
    #[arg(long, value_name = "PATH", num_args = 0..)]
    pub scan: Option<Vec<PathBuf>>,
}

/// `flagctl check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Fail (exit 1) on warnings too
    #[arg(long)]
    pub strict: bool,
    /// Warn this many days before a flag expires [default: settings.expiry_warning]
    #[arg(long, value_name = "DAYS")]
    pub warn_within: Option<u32>,
    /// Check the change from git revision REV to the work tree against policy
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Also scan code for references to undefined (or removed) flags
    #[arg(long, value_name = "PATH", num_args = 0..)]
    pub scan: Option<Vec<PathBuf>>,
}

/// `flagctl diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old revision, or `BASE..HEAD` [default: HEAD]
    #[arg(value_name = "BASE")]
    pub base: Option<String>,
    /// The new revision [default: the work tree]
    #[arg(value_name = "HEAD")]
    pub head: Option<String>,
}

/// `flagctl history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The flag key
    #[arg(value_name = "FLAG")]
    pub flag: String,
}

/// `flagctl scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Directories or files to scan [default: settings.scan.paths, relative to the flags file]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Only references to this flag (the view used when deleting it)
    #[arg(long, value_name = "KEY")]
    pub flag: Option<String>,
    /// A table of references per flag, unreferenced flags included, instead of one line per reference
    #[arg(long)]
    pub summary: bool,
    /// Show (and record in JSON) N lines of context around each reference
    #[arg(short = 'C', long, value_name = "N")]
    pub context: Option<usize>,
    /// Skip files larger than SIZE (bytes, or with a K, M or G suffix)
    #[arg(long, value_name = "SIZE", default_value = "10M")]
    pub max_filesize: String,
    /// Follow symbolic links (loops are detected and skipped)
    #[arg(short = 'L', long)]
    pub follow: bool,
    /// Scan hidden files and directories too
    #[arg(long)]
    pub hidden: bool,
    /// Do not honour .gitignore, .ignore and .flagctlignore files
    #[arg(long)]
    pub no_ignore: bool,
    /// Worker threads [default: one per CPU]
    #[arg(
        short = 'j',
        long,
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true
    )]
    pub threads: usize,
}

/// `flagctl audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Code to scan [default: settings.scan.paths, relative to the flags file]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Merge the JSON of `flagctl scan --format json` run in other repositories
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub refs: Vec<PathBuf>,
    /// Name a scan root (a PATH, a root recorded in a --refs file, or the --refs file
    /// itself) after the service it belongs to; repeatable
    #[arg(long, value_name = "NAME=PATH")]
    pub root: Vec<String>,
    /// Only this owner's part of the report (the summary still covers every flag)
    #[arg(long, value_name = "OWNER")]
    pub owner: Option<String>,
    /// Do not scan local code; use only --refs
    #[arg(long)]
    pub no_scan: bool,
}

/// `flagctl completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, powershell or elvish
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
