//! No input may panic the loader: thousands of deterministic mutations of the bundled
//! flags.yaml (byte flips, deletions, duplications, truncations) must all load, with
//! or without diagnostics.

use chrono::NaiveDate;
use std::path::Path;

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn mutated_flag_files_never_panic() {
    let original = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("flags.yaml"))
        .expect("flags.yaml");
    let today = NaiveDate::from_ymd_opt(2026, 11, 21).expect("date");
    let alphabet = b" :-[]{}#&*!|>'\"\t\n,?%@`0123456789abcdefxyz\xc3\xa9\xff";
    let mut rng = Rng(0x5eed_f1a6);
    for i in 0..3000 {
        let mut bytes = original.clone();
        for _ in 0..=rng.below(4) {
            let at = rng.below(bytes.len());
            match rng.below(5) {
                0 => bytes[at] = alphabet[rng.below(alphabet.len())],
                1 => {
                    let end = (at + rng.below(40)).min(bytes.len());
                    bytes.drain(at..end);
                }
                2 => {
                    let end = (at + rng.below(200)).min(bytes.len());
                    let copy = bytes[at..end].to_vec();
                    let to = rng.below(bytes.len());
                    bytes.splice(to..to, copy);
                }
                3 => bytes.truncate(at),
                _ => bytes.insert(at, alphabet[rng.below(alphabet.len())]),
            }
            if bytes.is_empty() {
                break;
            }
        }
        let loaded =
            flagctl::model::load::load_bytes(Path::new("flags.yaml"), "flags.yaml", &bytes, today);
        for d in &loaded.diagnostics {
            assert!(
                d.line >= 1 && d.column >= 1,
                "mutation {i}: bad position in {d:?}"
            );
        }
    }
}
