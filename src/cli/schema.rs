//! `flagctl schema`: the JSON Schema of flags.yaml.

use super::ctx::stdout;
use super::{Ctx, Outcome};
use flagctl::error::Result;
use flagctl::model::schema;
use flagctl::render;
use std::io::Write;

/// `flagctl schema`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Prints the schema (a JSON Schema document, not a report: no envelope).
pub fn run(_ctx: &Ctx, _args: &Args) -> Result<Outcome> {
    let mut out = stdout();
    render::write_json(&mut out, &schema::json_schema())?;
    out.flush()?;
    Ok(Outcome::Success)
}
