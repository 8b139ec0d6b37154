//! Argument types shared by several subcommands.

use flagctl::model::FlagType;

/// `--type`: a flag type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TypeArg {
    /// Temporary: ship code dark, then roll out.
    Release,
    /// Long-lived: operational control (circuit breakers, tuning).
    Operational,
    /// Temporary: A/B tests.
    Experiment,
    /// Long-lived: entitlements.
    Permission,
}

impl From<TypeArg> for FlagType {
    fn from(t: TypeArg) -> FlagType {
        match t {
            TypeArg::Release => FlagType::Release,
            TypeArg::Operational => FlagType::Operational,
            TypeArg::Experiment => FlagType::Experiment,
            TypeArg::Permission => FlagType::Permission,
        }
    }
}

/// `--usage PATH`: production usage data for commands that judge flags by it.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct UsageArgs {
    /// Usage data (OpenTelemetry OTLP JSON, Unleash metrics, CSV/JSONL or flagctl usage
    /// summaries; files, directories or `-`); repeatable. Adds the usage findings
    #[arg(id = "usage", long = "usage", value_name = "PATH")]
    pub usage_paths: Vec<std::path::PathBuf>,
}

impl UsageArgs {
    /// The usage data, when any was given; its warnings (malformed lines, timestamps
    /// in the future) go to stderr.
    pub fn read(&self, ctx: &super::Ctx) -> flagctl::error::Result<Option<flagctl::usage::Usage>> {
        if self.usage_paths.is_empty() {
            return Ok(None);
        }
        let data =
            flagctl::usage::read_paths(&self.usage_paths, &flagctl::usage::Options::default())?;
        for w in flagctl::usage::warnings(&data, ctx.today) {
            ctx.note(&format!("{}: {w}", ctx.printer.paint.warning("warning")));
        }
        Ok(Some(data))
    }
}
