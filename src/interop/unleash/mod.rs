//! Unleash: the client features document ([`doc`]), the export of flags.yaml into it
//! ([`export`]) and the import of Unleash documents into flags.yaml ([`import`]).

pub mod constraints;
pub mod doc;
pub mod export;
pub mod import;
pub mod logic;

pub use doc::ClientFeatures;
pub use export::{ExportOptions, export, is_toggle, payload};
