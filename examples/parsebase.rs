fn main() {
    let path = std::env::args().nth(1).expect("path");
    let text = std::fs::read_to_string(&path).expect("read");
    let t = std::time::Instant::now();
    let mut o = serde_saphyr::Options::default();
    let mut b = serde_saphyr::Budget::default();
    b.max_nodes = 10_000_000;
    b.max_events = 20_000_000;
    o.budget = Some(b);
    let _: serde::de::IgnoredAny = serde_saphyr::from_str_with_options(&text, o).expect("ignored");
    eprintln!("ignored-any {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let mut n = 0usize;
    for ev in serde_saphyr::granit_parser::Parser::new_from_str(&text) {
        let _ = ev.expect("event");
        n += 1;
    }
    eprintln!("raw events {n} {:?}", t.elapsed());
}
