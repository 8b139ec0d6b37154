//! End-to-end tests: every test runs the built `flagctl` binary. One test binary (as
//! in `just`) keeps link time down; each command has its own module.

mod architecture;
mod audit;
mod basics;
mod cleanup;
mod code_refs;
mod common;
mod edit;
mod edit_safety;
mod eval;
mod git;
mod git_shapes;
mod gitrepo;
mod init;
mod interop;
mod lifecycle;
mod list;
mod readme;
mod reliability;
mod sarif;
mod scan;
mod test_cmd;
mod usage;
mod validate;
