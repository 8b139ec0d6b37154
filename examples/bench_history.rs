//! Writes a `git fast-import` stream of a flags.yaml history, for
//! `benches/git_history.sh`: the first FLAGS commits each add one flag, every later
//! commit changes one flag (a rollout step or an `expires` pushed later).
//!
//! Usage: `cargo run --release --example bench_history -- FLAGS COMMITS | git fast-import`

use std::fmt::Write as _;
use std::io::{self, Write};

struct Flag {
    rollout: u32,
    /// Days after 2026-01-01.
    expires: u32,
}

fn render(flags: &[Flag]) -> String {
    let mut s = String::from("version: 1\nsettings:\n  service: bench\nflags:\n");
    for (i, f) in flags.iter().enumerate() {
        let day = f.expires % 365;
        let (month, dom) = (day / 28 + 1, day % 28 + 1);
        let _ = write!(
            s,
            "  flag-{i:05}:\n    type: release\n    owner: team-{}\n    description: Benchmark flag {i}\n    expires: {}-{month:02}-{dom:02}\n    rollout: {}\n",
            i % 40,
            2026 + f.expires / 365,
            f.rollout
        );
    }
    s
}

fn main() -> io::Result<()> {
    let args: Vec<u32> = std::env::args()
        .skip(1)
        .map(|a| a.parse().unwrap_or(0))
        .collect();
    let (n_flags, n_commits) = match args.as_slice() {
        [f, c] if *f > 0 && c >= f => (*f as usize, *c as usize),
        _ => {
            eprintln!("usage: bench_history FLAGS COMMITS (COMMITS >= FLAGS > 0)");
            std::process::exit(2);
        }
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut flags: Vec<Flag> = Vec::new();
    let start: u64 = 1_704_067_200; // 2024-01-01
    for c in 0..n_commits {
        let message = if c < n_flags {
            flags.push(Flag {
                rollout: (c % 10) as u32 * 10,
                expires: 30 + (c % 200) as u32,
            });
            format!("Add flag-{c:05}")
        } else {
            let i = (c * 7919) % n_flags;
            let f = &mut flags[i];
            if c % 3 == 0 {
                f.expires += 14;
                format!("Push expiry of flag-{i:05}")
            } else {
                f.rollout = (f.rollout + 10) % 110;
                format!("Roll flag-{i:05} to {}%", f.rollout)
            }
        };
        let body = render(&flags);
        let time = start + c as u64 * 3600;
        writeln!(out, "commit refs/heads/main\nmark :{}", c + 1)?;
        writeln!(out, "author Bench <bench@example.com> {time} +0000")?;
        writeln!(out, "committer Bench <bench@example.com> {time} +0000")?;
        writeln!(out, "data {}\n{message}", message.len())?;
        if c > 0 {
            writeln!(out, "from :{c}")?;
        }
        writeln!(out, "M 100644 inline flags.yaml\ndata {}", body.len())?;
        out.write_all(body.as_bytes())?;
        writeln!(out)?;
    }
    out.flush()
}
