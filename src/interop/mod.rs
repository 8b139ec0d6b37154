//! Export and import: flags.yaml to Unleash, flagd and the OpenFeature CLI manifest,
//! and Unleash documents to flags.yaml. Every conversion returns a typed [`Report`]
//! of what mapped exactly, what was approximated and what was lost, per flag.

pub mod report;
pub mod unleash;

pub use report::{Fidelity, FlagReport, Issue, Part, Report};

#[cfg(test)]
mod tests;
