//! `new` and `remove` under pressure: many at once on one file, a file with other hard
//! links or another owner, leftovers of a killed edit, and an edit lock held too long.

use crate::common::Test;
use std::path::Path;
use std::process::Command;

fn flags_with(keys: &[String]) -> String {
    let mut s = String::from("version: 1\nflags:\n");
    for k in keys {
        s.push_str(&format!(
            "  {k}:\n    description: d\n    type: operational\n    owner: team\n"
        ));
    }
    s
}

/// Runs one flagctl per argument list, all at once, in `dir`; returns each exit code
/// with its stderr.
fn all_at_once(dir: &Path, runs: &[Vec<String>]) -> Vec<(i32, String)> {
    let children: Vec<_> = runs
        .iter()
        .map(|args| {
            Command::new(assert_cmd::cargo::cargo_bin("flagctl"))
                .current_dir(dir)
                .env_remove("FLAGCTL_FLAGS")
                .env("NO_COLOR", "1")
                .args(args)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().expect("wait");
            (
                out.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        })
        .collect()
}

/// The flag keys of the file in `dir`, which must be valid.
fn keys_of_valid_file(dir: &Path) -> Vec<String> {
    let out = Test::new()
        .current_dir(dir)
        .args(["list", "--format", "json"])
        .run()
        .code(0);
    out.json()["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .map(|f| f["key"].as_str().expect("key").to_string())
        .collect()
}

/// Twenty `new` at once, twice over: every one that says it added its flag did (it
/// used to lose about one in ten), and the file stays valid. Exit 2 is allowed only
/// for an edit that gave up waiting for the lock.
#[test]
fn concurrent_new_loses_no_flag() {
    for round in 0..2 {
        let t = Test::new().flags(&flags_with(&[]));
        let dir = t.path().to_path_buf();
        let runs: Vec<Vec<String>> = (0..20)
            .map(|i| {
                [
                    "new",
                    &format!("k{round}-{i:02}"),
                    "--type",
                    "operational",
                    "--owner",
                    "team",
                    "--description",
                    "d",
                ]
                .map(String::from)
                .to_vec()
            })
            .collect();
        let results = all_at_once(&dir, &runs);
        let keys = keys_of_valid_file(&dir);
        let mut ok = 0;
        for (args, (code, stderr)) in runs.iter().zip(&results) {
            match code {
                0 => {
                    ok += 1;
                    assert!(
                        keys.contains(&args[1]),
                        "{} exited 0 but is missing: {keys:?}",
                        args[1]
                    );
                }
                2 => assert!(stderr.contains("edit lock"), "{}: {stderr}", args[1]),
                _ => panic!("{}: exit {code}: {stderr}", args[1]),
            }
        }
        assert!(ok > 0, "no edit succeeded: {results:?}");
        assert_eq!(keys.len(), ok, "{keys:?}");
        drop(t);
    }
}

/// Twenty `remove` at once, twice over: every one that says it removed its flag did.
#[test]
fn concurrent_remove_resurrects_no_flag() {
    for round in 0..2 {
        let all: Vec<String> = (0..20).map(|i| format!("r{round}-{i:02}")).collect();
        let t = Test::new().flags(&flags_with(&all));
        let dir = t.path().to_path_buf();
        let runs: Vec<Vec<String>> = all
            .iter()
            .map(|k| vec!["remove".to_string(), k.clone()])
            .collect();
        let results = all_at_once(&dir, &runs);
        let keys = keys_of_valid_file(&dir);
        for (args, (code, stderr)) in runs.iter().zip(&results) {
            match code {
                0 => assert!(
                    !keys.contains(&args[1]),
                    "{} exited 0 but is still there",
                    args[1]
                ),
                2 => assert!(stderr.contains("edit lock"), "{}: {stderr}", args[1]),
                _ => panic!("{}: exit {code}: {stderr}", args[1]),
            }
        }
        let removed = results.iter().filter(|(c, _)| *c == 0).count();
        assert!(removed > 0, "no removal succeeded: {results:?}");
        assert_eq!(keys.len() + removed, all.len(), "{keys:?}");
        drop(t);
    }
}

/// An edit that cannot get the lock within a few seconds gives up with exit 2 and a
/// clear message, and leaves the file alone.
#[cfg(unix)]
#[test]
fn an_edit_waits_for_the_lock_then_gives_up() {
    let flags = flags_with(&["a".to_string()]);
    let t = Test::new().flags(&flags);
    let dir = t.path().to_path_buf();
    let lock = std::fs::File::create(dir.join(".flags.yaml.lock")).expect("lock file");
    rustix::fs::flock(&lock, rustix::fs::FlockOperation::LockExclusive).expect("lock");
    let started = std::time::Instant::now();
    let out = Test::new()
        .current_dir(&dir)
        .args(["new", "b", "--type", "operational", "--owner", "team"])
        .run()
        .code(2);
    assert!(started.elapsed() >= std::time::Duration::from_secs(4));
    assert!(
        out.stderr
            .contains("waiting for the edit lock: another flagctl has been editing it"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("the file is unchanged"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("flags.yaml")).expect("read"),
        flags
    );
    drop(lock);
    // Released: the next edit goes through and tidies the lock file away.
    Test::new()
        .current_dir(&dir)
        .args(["new", "b", "--type", "operational", "--owner", "team"])
        .run()
        .code(0);
    assert!(!dir.join(".flags.yaml.lock").exists());
    drop(t);
}

/// With another hard link, an edit would leave that name with the old content: it is
/// refused unless `--force`.
#[cfg(unix)]
#[test]
fn hard_linked_file_needs_force() {
    let flags = flags_with(&["a".to_string()]);
    let t = Test::new().flags(&flags);
    let dir = t.path().to_path_buf();
    std::fs::hard_link(dir.join("flags.yaml"), dir.join("copy.yaml")).expect("link");
    for args in [
        vec!["new", "b", "--type", "operational", "--owner", "team"],
        vec!["remove", "a"],
    ] {
        let out = Test::new().current_dir(&dir).args(&args).run().code(2);
        assert!(
            out.stderr.contains("it has 2 hard links"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(out.stderr.contains("pass --force"), "{}", out.stderr);
        assert_eq!(
            std::fs::read_to_string(dir.join("flags.yaml")).expect("read"),
            flags
        );
    }
    Test::new()
        .current_dir(&dir)
        .args([
            "new",
            "b",
            "--type",
            "operational",
            "--owner",
            "team",
            "--force",
        ])
        .run()
        .code(0);
    assert!(
        std::fs::read_to_string(dir.join("flags.yaml"))
            .expect("read")
            .contains("  b:")
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("copy.yaml")).expect("read"),
        flags
    );
    drop(t);
}

/// Run as root, an edit keeps the file's owner and group (it used to hand the file
/// to root).
#[cfg(unix)]
#[test]
fn edit_keeps_owner_and_group() {
    use std::os::unix::fs::MetadataExt;
    let t = Test::new().flags(&flags_with(&["a".to_string()]));
    let dir = t.path().to_path_buf();
    let path = dir.join("flags.yaml");
    if std::os::unix::fs::chown(&path, Some(1234), Some(5678)).is_err() {
        println!("skipped: giving a file away needs root");
        return;
    }
    for args in [
        vec!["new", "b", "--type", "operational", "--owner", "team"],
        vec!["remove", "a"],
    ] {
        Test::new().current_dir(&dir).args(&args).run().code(0);
        let meta = std::fs::metadata(&path).expect("meta");
        assert_eq!((meta.uid(), meta.gid()), (1234, 5678), "{args:?}");
    }
    drop(t);
}

/// A temporary file left by a killed edit is deleted by the next edit once it is more
/// than a minute old; a younger one (an edit still running) is left alone.
#[test]
fn next_edit_removes_old_leftovers() {
    let t = Test::new()
        .flags(&flags_with(&["a".to_string()]))
        .file(".flags.yaml.k1ll3d.tmp", "version: 1\nfla")
        .file(".flags.yaml.y0ung1.tmp", "version: 1\nfla");
    let dir = t.path().to_path_buf();
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(120);
    std::fs::File::options()
        .write(true)
        .open(dir.join(".flags.yaml.k1ll3d.tmp"))
        .and_then(|f| f.set_modified(old))
        .expect("age it");
    Test::new()
        .current_dir(&dir)
        .args(["remove", "a"])
        .run()
        .code(0);
    assert!(!dir.join(".flags.yaml.k1ll3d.tmp").exists());
    assert!(dir.join(".flags.yaml.y0ung1.tmp").exists());
    drop(t);
}
