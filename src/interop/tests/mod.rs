//! Tests of the conversions as a whole: fidelity against Unleash's engine, round trips
//! and the Unleash client specification.

mod fidelity;
mod generate;
mod node;
mod roundtrip;
mod schemas;
mod spec;

/// Exports do not depend on the order of flags and segments in flags.yaml, so moving
/// a flag does not show as a change in a committed export.
#[test]
fn exports_are_independent_of_file_order() {
    use crate::interop::{ExportOptions, Format, export};
    let file = fidelity::load("fixtures/interop/targeting.yaml");
    let mut shuffled = file.clone();
    shuffled.flags.reverse();
    shuffled.segments.reverse();
    shuffled.index();
    for format in [Format::Unleash, Format::Flagd, Format::Openfeature] {
        let opts = ExportOptions::default();
        let a = export(&file, "x", format, &opts);
        let b = export(&shuffled, "x", format, &opts);
        assert_eq!(a.text, b.text, "{format:?}");
        assert_eq!(a.report, b.report, "{format:?}");
    }
}
