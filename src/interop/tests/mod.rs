//! Tests of the conversions as a whole: fidelity against Unleash's engine, round trips
//! and the Unleash client specification.

mod fidelity;
mod generate;
mod node;
mod roundtrip;
mod schemas;
mod spec;
