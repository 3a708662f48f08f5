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

fn policy() -> String {
    import_fixture("ok/tailscale-policy/acme.hujson")
}

#[test]
fn a_policy_beside_the_estate_gives_the_report_a_policy_section_and_findings() {
    let mut files = statuses();
    files.push(policy());
    let o = run(&args(&["analyze"], &files, &["--shard", "acme.com=shard-eu", "-f", "json"]), None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let p = &r["policy"][0];
    assert_eq!((p["tailnet"].as_str(), p["nodes"].as_u64()), (Some("acme.com"), Some(7)));
    assert_eq!(p["principals"][0]["principal"], "tag:ci");
    assert_eq!(p["principals"][0]["reaches_count"], 7);
    assert_eq!(p["relays"][0]["dropped"], true);
    let kinds: Vec<&str> =
        r["findings"].as_array().expect("findings").iter().filter_map(|f| f["kind"].as_str()).collect();
    for k in ["policy-blast-radius", "route-takeover", "policy-allows-all", "forbidden-relay"] {
        assert!(kinds.contains(&k), "{k}: {kinds:?}");
    }
    // The forbidden relay left derp:fra the only way to db-1: a single point of failure now.
    assert!(r["spofs"].as_array().expect("spofs").iter().any(|s| s["component"] == "derp:fra"), "{}", r["spofs"]);
    assert!(stderr(&o).contains("the policy is applied to `acme.com` (the one with most nodes)"), "{}", stderr(&o));

    // Text: the section leads with the findings; the note says what was dropped.
    let o = run(&args(&["analyze"], &files, &[]), None);
    let text = stdout(&o);
    let at = text.find("\nPolicy reach (").expect(&text);
    assert!(text[at..].contains("one compromised account of group:eng can apply tag:router"), "{text}");
    assert!(
        text.contains("  policy, input 4\n    peer-relay:203.0.113.9:40000 (on router-a) is no path to db-1"),
        "{text}"
    );

    // check denies policy kinds with a policy, and fails closed without one.
    let o = run(&args(&["check"], &files, &["--deny", "route-takeover"]), None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains(": route-takeover: one compromised account of `group:eng`"), "{}", stdout(&o));
    let o = run(&args(&["check"], &files, &["--deny", "forbidden-relay:critical"]), None);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let estate = statuses();
    let o = run(&args(&["check"], &estate, &["--deny", "policy-blast-radius,hidden-dependency"]), None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).ends_with(": not ok: hidden-dependency not checked without traces; policy-blast-radius not checked without a policy file; give them, or pass --allow-partial to accept partial answers\n"),
        "{}",
        stdout(&o)
    );
    let o = run(&args(&["check"], &estate, &["--deny", "policy-blast-radius", "--allow-partial"]), None);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // SARIF names the new rules.
    let o = run(&args(&["analyze"], &files, &["-f", "sarif"]), None);
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).expect("SARIF JSON");
    let rules: Vec<&str> = s["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(rules.contains(&"route-takeover") && rules.contains(&"forbidden-relay"), "{rules:?}");
    let results = s["runs"][0]["results"].as_array().expect("results");
    assert!(results.iter().any(|r| r["ruleId"] == "policy-blast-radius"), "{results:#?}");
}

#[test]
fn a_policy_without_an_estate_of_tailnets_is_said_not_checked() {
    let design = format!("{}/../blastmap-core/tests/fixtures/ok/quorum.yaml", env!("CARGO_MANIFEST_DIR"));
    let o = run(&["check", &design, &policy(), "--deny", "route-takeover"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("warning: the policy is not checked: the estate has no tailnet"), "{}", stderr(&o));
    assert!(stdout(&o).contains("route-takeover not checked without a policy file"), "{}", stdout(&o));
}

#[test]
fn split_of_a_status_estate_is_checked_against_the_policy() {
    let mut files = statuses();
    // Without regions, the split says where to give them.
    let o = run(&args(&["split"], &files, &["--shard", "acme.com=shard-eu"]), None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(
            "`tailscale status --json` does not say where nodes run: give each node's `region` in an overlay"
        ),
        "{}",
        stderr(&o)
    );
    files.push(import_fixture("tailnet/regions.yaml"));
    files.push(import_fixture("tailnet/acme.com.hujson"));
    let o = run(&args(&["split"], &files, &["--shard", "acme.com=shard-eu", "-f", "json"]), None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(r["proposals"][0]["shared"], serde_json::json!([["db-1", ["acme.com-us"]]]));
    let p = &r["policy"][0];
    assert_eq!(p["tailnet"], "acme.com");
    assert_eq!(p["after"], serde_json::json!(["acme.com-eu", "acme.com-us"]));
    // The shared database: CI no longer reaches it by its tag.
    assert_eq!(
        p["lost"][0],
        serde_json::json!({"node": "db-1", "shared_into": ["acme.com-us"], "principals": ["ci-runner"]})
    );
    // Routers reach what is shared in: a path the policy does not open today.
    assert_eq!(
        p["opened"][0],
        serde_json::json!({"node": "db-1", "shared_into": ["acme.com-us"], "principals": ["router-b", "tag:router"]})
    );
    let severities: Vec<&str> =
        p["findings"].as_array().expect("findings").iter().filter_map(|f| f["severity"].as_str()).collect();
    assert_eq!(severities, ["high", "high", "low"]);
    // Named after its tailnet: no warning about which tailnet it governs.
    assert!(!stderr(&o).contains("the policy is applied to"), "{}", stderr(&o));
    let o = run(&args(&["split"], &files, &["--shard", "acme.com=shard-eu"]), None);
    let text = stdout(&o);
    assert!(text.contains("Policy "), "{text}");
    assert!(text.contains("applied to acme.com-eu, acme.com-us (was acme.com):\n  HIGH     `db-1` is shared into `acme.com-us`, but under the same policy `ci-runner` no longer reaches it"), "{text}");
    assert!(text.contains("  HIGH     after the split `router-b` and `tag:router` reach `db-1`, which the policy does not allow today\n"), "{text}");
}

/// A file of the importer's `tests/fixtures/tailnet-ci/`: a status with CI runners and a node
/// reached through a peer relay at a load balancer's address, and overlays naming the balancer.
fn ci(file: &str) -> String {
    import_fixture(&format!("tailnet-ci/{file}"))
}

/// `analyze FILES -f json`: the single points of failure and the redundancy entries.
fn spofs_and_redundancy(files: &[&str]) -> (serde_json::Value, serde_json::Value) {
    let o = run(&[&["analyze"], files, &["-f", "json"]].concat(), None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    (r["spofs"].clone(), r["redundancy"].clone())
}

#[test]
fn a_relay_behind_a_load_balancer_is_a_single_point_of_the_paths_that_relied_on_it() {
    let (status, edge) = (ci("ops-laptop.json"), ci("edge.yaml"));
    // gpu-box has no direct path: its DERP region and its peer relay, both behind nlb-edge.
    let (spofs, redundancy) = spofs_and_redundancy(&[&status, &edge]);
    let lb = spofs.as_array().expect("spofs").iter().find(|s| s["component"] == "nlb-edge").expect("nlb-edge");
    assert_eq!(lb["takes_down"], serde_json::json!(["gpu-box/paths"]));
    let paths = redundancy.as_array().expect("redundancy").iter().find(|r| r["component"] == "gpu-box/paths");
    let paths = paths.expect("gpu-box/paths");
    assert_eq!(
        (&paths["declared_tolerance"], &paths["actual_tolerance"], &paths["minimal_failure"]),
        (&serde_json::json!(1), &serde_json::json!(0), &serde_json::json!(["nlb-edge"]))
    );
    // Exactly as natively: the estate written out as a native file, analysed alone.
    let o = run(&["import", &status, &edge], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let native = std::env::temp_dir().join(format!("blastmap-relay-lb-{}.yaml", std::process::id()));
    std::fs::write(&native, &o.stdout).expect("write the native estate");
    let natively = spofs_and_redundancy(&[native.to_str().expect("a path")]);
    let _ = std::fs::remove_file(&native);
    assert_eq!(natively, (spofs.clone(), redundancy.clone()));
    // The balancer's addresses instead of the relay's edge: rule relay-behind-lb, same estate.
    assert_eq!(spofs_and_redundancy(&[&status, &ci("edge-endpoints.yaml")]), (spofs, redundancy));
    let o = run(&["analyze", &status, &ci("edge-endpoints.yaml")], None);
    let text = stdout(&o);
    assert!(text.contains("  HIGH     single point of failure: nlb-edge takes down gpu-box/paths — hidden: defeats a redundancy group\n"), "{text}");
    assert!(text.contains("  HIGH     false redundancy: gpu-box/paths declares 1-of-2 (tolerates 1) but nlb-edge alone takes it down\n"), "{text}");
    assert!(
        text.contains(
            "  inferred by the importer, input 2\n    peer-relay:198.51.100.40:40000 → nlb-edge: added to requires"
        ),
        "{text}"
    );
    // Stated (by the overlay or the rule), the relay's address at no node is no longer warned.
    let unserved = "peer-relay:198.51.100.40:40000`: 198.51.100.40 is no node's address in these inputs";
    assert!(!stderr(&o).contains(unserved), "{}", stderr(&o));
    let o = run(&["analyze", &status, &edge], None);
    assert!(!stderr(&o).contains(unserved), "{}", stderr(&o));
    // Without an overlay the status alone cannot say it: the relay's redundancy looks real, and
    // the import says what it could not tell.
    let o = run(&["analyze", &status], None);
    assert!(stderr(&o).contains(unserved), "{}", stderr(&o));
    let (spofs, _) = spofs_and_redundancy(&[&status]);
    assert!(
        spofs.as_array().expect("spofs").iter().all(|s| s["takes_down"] != serde_json::json!(["gpu-box/paths"])),
        "{spofs}"
    );
}

#[test]
fn ephemeral_ci_runners_make_the_shard_outage_concrete() {
    let status = ci("ops-laptop.json");
    let o = run(&["analyze", &status], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let line = "  HIGH     coordination:corp.example down: admin actions blocked for tailnet corp.example; 9 nodes would drop if restarted; 4 ephemeral nodes (ci-runner-1, ci-runner-2, github-fv-az123-456 and 1 more) restart constantly and will drop; connections keep flowing\n";
    assert!(stdout(&o).contains(line), "{}", stdout(&o));
    assert!(stderr(&o).contains(": warning: 3 nodes taken as ephemeral by rule ephemeral-node (by hostname: github-fv-az123-456; by tag `tag:ci`: ci-runner-1, ci-runner-2): `tailscale status --json` does not say which nodes are ephemeral"), "{}", stderr(&o));
    let o = run(&["analyze", &status, "-f", "markdown"], None);
    assert!(stdout(&o).contains("4 ephemeral nodes (ci-runner-1, ci-runner-2, github-fv-az123-456 and 1 more) restart constantly and will drop"), "{}", stdout(&o));
    let o = run(&["analyze", &status, "-f", "json"], None);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let outage =
        r["findings"].as_array().expect("findings").iter().find(|f| f["kind"] == "mesh-outage").expect("the outage");
    assert_eq!(outage["rank"], serde_json::json!({"class": "hidden", "reasons": ["mesh", "ephemeral"]}));
    assert_eq!(outage["evidence"][1], "ci-runner-1");
    // An overlay undoes the rule: one ephemeral node is left, the one whose status says so.
    let dir = std::env::temp_dir().join(format!("blastmap-ephemeral-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let review = dir.join("review.yaml");
    let undo = "components:\n  - {id: ci-runner-1, ephemeral: false}\n  - {id: ci-runner-2, ephemeral: false}\n  - {id: github-fv-az123-456, ephemeral: false}\n";
    std::fs::write(&review, undo).expect("write the overlay");
    let o = run(&["analyze", &status, review.to_str().expect("a path")], None);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        stdout(&o).contains("; 1 ephemeral node (worker-a1b2c) restarts constantly and will drop;"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("    ci-runner-1: ephemeral true → false ("), "{}", stdout(&o));
    assert!(stdout(&o).contains("review.yaml:2:34)\n"), "{}", stdout(&o));
}
