//! flagctl: the lifecycle of feature flags kept in a git-versioned `flags.yaml`.
//!
//! This is the core library; the `flagctl` binary is a thin command line over it.
//! Each capability is a service that returns a typed report, and [`render`] turns any
//! report into each output format. `docs/architecture.md` maps the modules and the
//! direction of their dependencies.
//!
//! Evaluating a flag from Rust code, without the command line:
//!
//! ```
//! use flagctl::eval::{Context, Engine, Reason};
//! use flagctl::model::load_text;
//!
//! let yaml = "version: 1\nflags:\n  new-checkout:\n    type: release\n    owner: web\n    \
//!             expires: 2030-01-01\n    description: New checkout\n    rollout: 50\n";
//! let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
//! let loaded = load_text("flags.yaml".as_ref(), "flags.yaml", yaml, today);
//! assert!(!loaded.has_errors());
//!
//! let engine = Engine::new(&loaded.file);
//! let flag = engine.prepare(loaded.file.flag("new-checkout").unwrap(), None);
//! let mut context = Context::new();
//! context.insert("userId".into(), "123".into());
//! let result = engine.evaluate(&flag, &context, None, None);
//! assert_eq!(result.reason, Reason::Split);
//! assert!(result.bucket.is_some());
//! ```

pub mod audit;
pub mod changes;
pub mod cleanup;
pub mod diag;
pub mod error;
pub mod eval;
pub mod fsutil;
pub mod git;
pub(crate) mod globs;
pub mod init;
pub mod interop;
pub mod lifecycle;
pub mod model;
pub(crate) mod par;
pub mod render;
pub mod scan;
pub mod suggest;
pub mod syntax;
pub mod text;
pub mod usage;
