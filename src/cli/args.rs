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
