fn main() {
    let path = std::env::args().nth(1).expect("path");
    let text = std::fs::read_to_string(&path).expect("read");
    let t = std::time::Instant::now();
    let root = flagctl::model::yaml::parse(&text).expect("parse");
    eprintln!("parse  {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let mut dec = flagctl::model::decode::Decoder::new("f");
    let file = flagctl::model::decode::decode(&root, &mut dec);
    eprintln!("decode {:?}", t.elapsed());
    let t = std::time::Instant::now();
    flagctl::model::check::check(&file, chrono::NaiveDate::from_ymd_opt(2026, 11, 21).expect("d"), &mut dec);
    eprintln!("check  {:?}", t.elapsed());
}
