//! Histories that are not a straight line, and files that are not plain files: merge
//! commits, fast-forwards, octopus merges, flags.yaml committed as a symbolic link,
//! and an unparsable work-tree file under `history`.

use crate::gitrepo::{GitRepo, ago, ahead};
use crate::lifecycle::kinds;
use git2::{Oid, Signature, Time};

/// A release flag body with this expiry.
fn flag(key: &str, rollout: u32, expires: chrono::NaiveDate) -> String {
    format!(
        "  {key}:\n    description: d\n    type: release\n    owner: team\n    created: {}\n    rollout: {rollout}\n    expires: {expires}\n",
        ago(60)
    )
}

fn file(flags: &[String]) -> String {
    format!("version: 1\nflags:\n{}", flags.concat())
}

/// Commits `files` (path, content; a content starting with `->` is a symbolic link to
/// the rest) with explicit `parents`, without moving any reference.
fn commit(
    r: &GitRepo,
    parents: &[Oid],
    days_ago: u64,
    author: &str,
    files: &[(&str, &str)],
) -> Oid {
    let mut index = git2::Index::new().expect("index");
    for (path, content) in files {
        let (mode, bytes) = match content.strip_prefix("->") {
            Some(target) => (0o120000, target.as_bytes()),
            None => (0o100644, content.as_bytes()),
        };
        let id = r.repo.blob(bytes).expect("blob");
        index
            .add(&git2::IndexEntry {
                ctime: git2::IndexTime::new(0, 0),
                mtime: git2::IndexTime::new(0, 0),
                dev: 0,
                ino: 0,
                mode,
                uid: 0,
                gid: 0,
                file_size: bytes.len() as u32,
                id,
                flags: 0,
                flags_extended: 0,
                path: path.as_bytes().to_vec(),
            })
            .expect("add");
    }
    let tree = r
        .repo
        .find_tree(index.write_tree_to(&r.repo).expect("tree"))
        .expect("tree");
    let seconds = ago(days_ago)
        .and_hms_opt(12, 0, 0)
        .expect("noon")
        .and_utc()
        .timestamp();
    let sig = Signature::new(author, "a@example.com", &Time::new(seconds, 0)).expect("sig");
    let parents: Vec<git2::Commit> = parents
        .iter()
        .map(|p| r.repo.find_commit(*p).expect("parent"))
        .collect();
    let parents: Vec<&git2::Commit> = parents.iter().collect();
    r.repo
        .commit(None, &sig, &sig, &format!("by {author}"), &tree, &parents)
        .expect("commit")
}

/// Points the current branch at `head` and makes the work tree match `files`.
fn check_out(r: &GitRepo, head: Oid, files: &[(&str, &str)]) {
    r.repo
        .reference("refs/heads/master", head, true, "test")
        .expect("ref");
    r.repo.set_head("refs/heads/master").expect("head");
    for (path, content) in files {
        let full = r.path().join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        match content.strip_prefix("->") {
            Some(target) => std::os::unix::fs::symlink(target, &full).expect("symlink"),
            None => std::fs::write(&full, content).expect("write"),
        }
    }
}

/// `history KEY` as (author, change, fields) rows, newest first.
fn history(r: &GitRepo, key: &str) -> Vec<(String, String, Vec<String>)> {
    let doc = r
        .flagctl(["history", key, "--format", "json"])
        .run()
        .code(0)
        .json();
    doc["commits"]
        .as_array()
        .expect("commits")
        .iter()
        .map(|c| {
            (
                c["author"].as_str().unwrap_or("-").to_string(),
                c["change"].as_str().expect("change").to_string(),
                c["fields"]
                    .as_array()
                    .expect("fields")
                    .iter()
                    .map(|f| f["field"].as_str().expect("field").to_string())
                    .collect(),
            )
        })
        .collect()
}

fn row(author: &str, change: &str, fields: &[&str]) -> (String, String, Vec<String>) {
    (
        author.to_string(),
        change.to_string(),
        fields.iter().map(|f| f.to_string()).collect(),
    )
}

/// A branch pushes `a`'s expiry once while main changes `b`; the merge commit must not
/// count the snooze a second time (it did: "pushed later 2 times", `snoozed`, and
/// the next legitimate snooze failed `check --base` with `snooze-limit`).
#[cfg(unix)]
#[test]
fn a_change_merged_with_a_merge_commit_counts_once() {
    let r = GitRepo::new();
    let (d1, d2, d3) = (ahead(10), ahead(20), ahead(30));
    let base = commit(
        &r,
        &[],
        50,
        "Base",
        &[("flags.yaml", &file(&[flag("a", 50, d1), flag("b", 50, d1)]))],
    );
    let snooze = commit(
        &r,
        &[base],
        40,
        "Brancher",
        &[("flags.yaml", &file(&[flag("a", 50, d2), flag("b", 50, d1)]))],
    );
    let main = commit(
        &r,
        &[base],
        30,
        "Mainer",
        &[("flags.yaml", &file(&[flag("a", 50, d1), flag("b", 70, d1)]))],
    );
    let merged = file(&[flag("a", 50, d2), flag("b", 70, d1)]);
    let merge = commit(
        &r,
        &[main, snooze],
        20,
        "Merger",
        &[("flags.yaml", &merged)],
    );
    check_out(&r, merge, &[("flags.yaml", &merged)]);

    assert_eq!(
        history(&r, "a"),
        [
            row("Brancher", "changed", &["expires"]),
            row("Base", "added", &[])
        ]
    );
    assert_eq!(
        history(&r, "b"),
        [
            row("Mainer", "changed", &["rollout"]),
            row("Base", "added", &[])
        ]
    );
    let doc = r
        .flagctl(["stale", "--format", "json"])
        .run()
        .code(0)
        .json();
    assert!(!kinds(&doc).iter().any(|(_, k)| k == "snoozed"), "{doc}");
    // One snooze so far: a second one is still allowed.
    std::fs::write(
        r.path().join("flags.yaml"),
        file(&[flag("a", 50, d3), flag("b", 70, d1)]),
    )
    .expect("write");
    let out = r
        .flagctl(["check", "--base", "HEAD", "--format", "json"])
        .run();
    assert!(!out.stdout.contains("snooze-limit"), "{}", out.stdout);
}

/// A merge that resolves a conflict (a value neither side had) is the merge's own
/// change; so is an edit made only in the merge commit.
#[cfg(unix)]
#[test]
fn a_merge_records_what_no_parent_had() {
    let r = GitRepo::new();
    let d = ahead(10);
    let base = commit(
        &r,
        &[],
        50,
        "Base",
        &[("flags.yaml", &file(&[flag("a", 10, d)]))],
    );
    let left = commit(
        &r,
        &[base],
        40,
        "Left",
        &[("flags.yaml", &file(&[flag("a", 20, d)]))],
    );
    let right = commit(
        &r,
        &[base],
        30,
        "Right",
        &[("flags.yaml", &file(&[flag("a", 30, d)]))],
    );
    let resolved = file(&[flag("a", 25, d)]);
    let merge = commit(
        &r,
        &[left, right],
        20,
        "Merger",
        &[("flags.yaml", &resolved)],
    );
    check_out(&r, merge, &[("flags.yaml", &resolved)]);
    let rows = history(&r, "a");
    assert_eq!(
        rows.first(),
        Some(&row("Merger", "changed", &["rollout"])),
        "{rows:?}"
    );
    assert_eq!(
        rows.iter().filter(|x| x.0 == "Merger").count(),
        1,
        "{rows:?}"
    );
}

/// Three branches merged at once: each branch's change is counted on its branch only.
#[cfg(unix)]
#[test]
fn an_octopus_merge_counts_each_branch_once() {
    let r = GitRepo::new();
    let (d1, d2) = (ahead(10), ahead(20));
    let flags = |a: u32, b: u32, c: chrono::NaiveDate| {
        file(&[flag("a", a, d1), flag("b", b, d1), flag("c", 50, c)])
    };
    let base = commit(&r, &[], 50, "Base", &[("flags.yaml", &flags(10, 10, d1))]);
    let one = commit(
        &r,
        &[base],
        45,
        "One",
        &[("flags.yaml", &flags(20, 10, d1))],
    );
    let two = commit(
        &r,
        &[base],
        40,
        "Two",
        &[("flags.yaml", &flags(10, 20, d1))],
    );
    let three = commit(
        &r,
        &[base],
        35,
        "Three",
        &[("flags.yaml", &flags(10, 10, d2))],
    );
    let all = flags(20, 20, d2);
    let merge = commit(
        &r,
        &[one, two, three],
        30,
        "Octopus",
        &[("flags.yaml", &all)],
    );
    check_out(&r, merge, &[("flags.yaml", &all)]);
    assert_eq!(
        history(&r, "a"),
        [
            row("One", "changed", &["rollout"]),
            row("Base", "added", &[])
        ]
    );
    assert_eq!(
        history(&r, "b"),
        [
            row("Two", "changed", &["rollout"]),
            row("Base", "added", &[])
        ]
    );
    assert_eq!(
        history(&r, "c"),
        [
            row("Three", "changed", &["expires"]),
            row("Base", "added", &[])
        ]
    );
}

/// A fast-forward is a straight line: every commit counts once.
#[cfg(unix)]
#[test]
fn a_fast_forward_counts_each_commit() {
    let r = GitRepo::new();
    let (d1, d2, d3) = (ahead(10), ahead(20), ahead(30));
    let base = commit(
        &r,
        &[],
        50,
        "Base",
        &[("flags.yaml", &file(&[flag("a", 50, d1)]))],
    );
    let first = commit(
        &r,
        &[base],
        40,
        "First",
        &[("flags.yaml", &file(&[flag("a", 50, d2)]))],
    );
    let last = file(&[flag("a", 50, d3)]);
    let second = commit(&r, &[first], 30, "Second", &[("flags.yaml", &last)]);
    check_out(&r, second, &[("flags.yaml", &last)]);
    assert_eq!(
        history(&r, "a"),
        [
            row("Second", "changed", &["expires"]),
            row("First", "changed", &["expires"]),
            row("Base", "added", &[])
        ]
    );
    let doc = r
        .flagctl(["stale", "--format", "json"])
        .run()
        .code(0)
        .json();
    assert!(
        kinds(&doc).contains(&("a".into(), "snoozed".into())),
        "{doc}"
    );
}

/// flags.yaml committed as a symbolic link is read through the link at every
/// revision (git stores the link's text, which flagctl used to parse).
#[cfg(unix)]
#[test]
fn flags_file_committed_as_a_symlink() {
    let r = GitRepo::new();
    let d = ahead(10);
    let old = file(&[flag("a", 100, d)]);
    let new = file(&[flag("a", 7, d)]);
    let c1 = commit(
        &r,
        &[],
        40,
        "One",
        &[
            ("config/flags.yaml", &old),
            ("flags.yaml", "->config/flags.yaml"),
        ],
    );
    let c2 = commit(
        &r,
        &[c1],
        30,
        "Two",
        &[
            ("config/flags.yaml", &new),
            ("flags.yaml", "->config/flags.yaml"),
        ],
    );
    check_out(
        &r,
        c2,
        &[
            ("config/flags.yaml", &new),
            ("flags.yaml", "->config/flags.yaml"),
        ],
    );

    let doc = r
        .flagctl(["diff", "HEAD~1", "HEAD", "--format", "json"])
        .run()
        .code(0)
        .json();
    assert_eq!(doc["changed"].as_array().map(Vec::len), Some(1), "{doc}");
    let out = r
        .flagctl(["--rev", "HEAD~1", "list", "--format", "json"])
        .run()
        .code(0);
    assert!(out.stdout.contains("\"a\""), "{}", out.stdout);
    assert_eq!(
        history(&r, "a"),
        [
            row("Two", "changed", &["rollout"]),
            row("One", "added", &[])
        ]
    );
}

#[cfg(unix)]
#[test]
fn a_committed_symlink_pointing_outside_the_repository_is_an_error() {
    let r = GitRepo::new();
    let c = commit(
        &r,
        &[],
        30,
        "One",
        &[("flags.yaml", "->../elsewhere/flags.yaml")],
    );
    r.repo
        .reference("refs/heads/master", c, true, "test")
        .expect("ref");
    r.write("flags.yaml", &file(&[flag("a", 100, ahead(10))]));
    for args in [
        vec!["diff"],
        vec!["--rev", "HEAD", "list"],
        vec!["history", "a"],
    ] {
        let out = r.flagctl(&args).run().code(2);
        assert!(
            out.stderr
                .contains("symbolic link to `../elsewhere/flags.yaml`, outside the repository"),
            "{args:?}: {}",
            out.stderr
        );
    }
}

/// `history` with a work-tree file that does not parse stops with exit 2 naming the
/// file, as `diff` and `stale` do (it used to report every flag removed).
#[test]
fn history_with_an_unparsable_work_tree_file_is_exit_2() {
    let r = GitRepo::new();
    r.commit_flags(ago(10), "One", "add", &file(&[flag("a", 100, ahead(10))]));
    for broken in [
        &b"version: 1\nflags:\n  a: [\n"[..],
        b"version: 1\nflags:\n  a: \xff\n",
    ] {
        std::fs::write(r.path().join("flags.yaml"), broken).expect("write");
        let out = r.flagctl(["history", "a"]).run().code(2);
        assert!(out.stderr.contains("flags.yaml:"), "{}", out.stderr);
        assert!(!out.stdout.contains("removed"), "{}", out.stdout);
    }
}
