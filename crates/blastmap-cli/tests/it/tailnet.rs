//! Tailnet operators' inputs end to end: status exports with `--shard`, policy files beside them
//! (the report's policy section, its findings, `check`), and `split` checked against the policy.

use super::{run, stderr, stdout};

/// A fixture of the importer's tests (`tests/fixtures/{path}` of blastmap-import).
fn import_fixture(path: &str) -> String {
    format!("{}/../blastmap-import/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))
}

/// The three status exports of tailnet acme.com.
fn statuses() -> Vec<String> {
    ["laptop.json", "router-b.json", "db-1.json"].into_iter().map(|f| import_fixture(&format!("tailnet/{f}"))).collect()
}

fn args<'a>(head: &[&'a str], files: &'a [String], tail: &[&'a str]) -> Vec<&'a str> {
    head.iter().copied().chain(files.iter().map(String::as_str)).chain(tail.iter().copied()).collect()
}

#[test]
fn shard_names_where_a_tailnet_lives_on_every_command() {
    let files = statuses();
    let o = run(&args(&["import"], &files, &["--shard", "acme.com=shard-eu"]), None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("- id: acme.com\n  shard: shard-eu\n"), "{}", stdout(&o));
    assert!(!stderr(&o).contains("tailnet `acme.com` is not in the export"), "{}", stderr(&o));
    // The other tailnet is still modelled, and said.
    assert!(
        stderr(&o).contains("the coordination shard of tailnet `other.ts.net` is not in the export"),
        "{}",
        stderr(&o)
    );
    let commands: [(&[&str], i32); 4] = [
        (&["analyze"], 0),
        (&["check", "--deny", "mesh-outage"], 1),
        (&["export", "--to", "open-psa"], 0),
        (&["what-if", "--fail", "shard-eu"], 0),
    ];
    for (cmd, code) in commands {
        let o = run(&args(cmd, &files, &["--shard", "acme.com=shard-eu"]), None);
        assert_eq!(o.status.code(), Some(code), "{cmd:?}: {}", stderr(&o));
        assert!(stdout(&o).contains("shard-eu"), "{cmd:?}: {}", stdout(&o));
    }
    // diff reads both sides with the same shards.
    let o = run(&["diff", &files[0], &files[1], "--shard", "acme.com=shard-eu", "-f", "json"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("tailnet `acme.com` is not in the export"), "{}", stderr(&o));
}

#[test]
fn a_malformed_shard_says_what_was_expected() {
    let files = statuses();
    let o = run(&args(&["analyze"], &files, &["--shard", "acme.com"]), None);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "--shard: `acme.com`: expected TAILNET=SHARD (`example.com=shard-eu`)\n");
}
