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
    /// Find every reference to every flag in code (exit 0 whether or not any is found)
    Scan(ScanArgs),
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

/// `flagctl completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, powershell or elvish
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
