//! `flagctl list`: formats, filters and days-left arithmetic on the bundled file.

use crate::common::{Test, root};

fn list(args: &[&str]) -> crate::common::Output {
    Test::new()
        .current_dir(root())
        .args(["list", "--now", "2026-11-21"])
        .args(args)
        .run()
        .code(0)
}

fn keys(args: &[&str]) -> Vec<String> {
    let out = list(&[args, &["--format", "json"]].concat());
    out.json()["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .map(|f| f["key"].as_str().expect("key").to_string())
        .collect()
}

#[test]
fn snapshot_table() {
    insta::assert_snapshot!(list(&[]).stdout);
}

#[test]
fn snapshot_markdown() {
    insta::assert_snapshot!(list(&["--format", "markdown"]).stdout);
}

#[test]
fn snapshot_json() {
    insta::assert_snapshot!(list(&["--owner", "checkout-team", "--format", "json"]).stdout);
}

#[test]
fn filters() {
    assert_eq!(
        keys(&["--owner", "recs-team"]),
        ["recommendation-algorithm"]
    );
    assert_eq!(
        keys(&["--type", "permission"]),
        ["bulk-import", "beta-api-access"]
    );
    assert!(keys(&["--expired"]).is_empty());
    assert_eq!(keys(&["--expiring", "20"]), ["gift-wrapping"]);
    assert_eq!(
        keys(&["--expiring", "30"]),
        ["express-shipping", "gift-wrapping"]
    );
    assert_eq!(
        keys(&[
            "--type",
            "release",
            "--owner",
            "checkout-team",
            "--expiring",
            "20"
        ]),
        ["gift-wrapping"]
    );
}

#[test]
fn days_left_is_negative_when_expired() {
    let out = Test::new()
        .current_dir(root())
        .args([
            "list",
            "--now",
            "2027-01-01",
            "--expired",
            "--format",
            "json",
        ])
        .run()
        .code(0);
    let flags = out.json()["flags"].as_array().expect("flags").clone();
    let gift = flags
        .iter()
        .find(|f| f["key"] == "gift-wrapping")
        .expect("gift-wrapping");
    assert_eq!(gift["days_left"], -22);
    assert_eq!(gift["state"], "off");
}

#[test]
fn states() {
    let out = list(&["--format", "json"]);
    let json = out.json();
    let state = |key: &str| {
        json["flags"]
            .as_array()
            .expect("flags")
            .iter()
            .find(|f| f["key"] == key)
            .map(|f| f["state"].as_str().expect("state").to_string())
            .expect("flag")
    };
    assert_eq!(state("new-payment-processor"), "partial 10%");
    assert_eq!(state("legacy-tax-service"), "killed");
    assert_eq!(state("gift-wrapping"), "off");
    assert_eq!(state("checkout-v2"), "targeted");
    assert_eq!(state("express-shipping"), "on");
}

#[test]
fn no_match_says_so_unless_quiet() {
    let out = list(&["--owner", "nobody"]);
    assert_eq!(out.stdout, "no flags match\n");
    let out = list(&["--owner", "nobody", "--quiet"]);
    assert_eq!(out.stdout, "");
}
