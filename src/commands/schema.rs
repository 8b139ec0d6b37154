//! `flagctl schema`: the JSON Schema of flags.yaml.

use super::Ctx;
use crate::Outcome;
use crate::error::Result;
use crate::model::schema;
use crate::render;
use std::io::Write;

/// Prints the schema.
pub fn run(_ctx: &Ctx) -> Result<Outcome> {
    let mut out = super::stdout();
    render::write_json(&mut out, &schema::json_schema())?;
    out.flush()?;
    Ok(Outcome::Success)
}
