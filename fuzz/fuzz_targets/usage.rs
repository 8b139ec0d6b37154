//! The usage-data reader on arbitrary bytes: format detection (OTLP JSON and
//! protobuf, Unleash metrics, CSV and JSON lines, a flagctl summary, gzip), then the
//! summary. Beyond "no panic": whatever it reads, written as a summary and read back,
//! gives the same flags and window, and the CSV writer accepts it.
#![no_main]

use flagctl::usage::{read_bytes, write_csv};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(usage) = read_bytes(data) else {
        return;
    };
    let summary = serde_json::to_vec(&usage).expect("a summary serializes");
    let again = read_bytes(&summary).expect("a summary reads back");
    assert_eq!(again.flags, usage.flags, "flags change through a summary");
    assert_eq!(again.window, usage.window, "window changes through a summary");
    write_csv(Vec::new(), &usage).expect("csv");
});
