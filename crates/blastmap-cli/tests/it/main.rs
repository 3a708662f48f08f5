//! The `blastmap` binary end to end: exit codes, error positions, standard input, the JSON
//! report's shape, and transcripts of the text output.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

mod tailnet;

const BIN: &str = env!("CARGO_BIN_EXE_blastmap");

fn fixture(name: &str) -> String {
    format!("{}/../blastmap-core/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("blastmap runs");
    if let Some(text) = stdin {
        child.stdin.take().expect("stdin").write_all(text.as_bytes()).expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("blastmap finishes")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn analyze_prints_a_readable_report() {
    let o = run(&["analyze", &fixture("ok/quorum.yaml")], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn analyze_json_has_the_documented_keys_and_shapes() {
    let o = run(&["analyze", &fixture("ok/cold-start.json"), "--format", "json"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout.ends_with(b"}\n"), "the report ends with a newline");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["targets"], serde_json::json!(["web", "node-agent"]));
    assert_eq!(v["spofs"][0]["component"], "api");
    assert_eq!(v["spofs"][0]["takes_down"], serde_json::json!(["web", "node-agent"]));
    let r = &v["redundancy"][0];
    assert_eq!(r["component"], "db");
    for key in ["need", "of", "declared_tolerance", "actual_tolerance", "minimal_failure"] {
        assert!(r.get(key).is_some(), "redundancy lacks {key}");
    }
    assert_eq!(
        v["cycles"],
        serde_json::json!([{"kind": "start", "components": ["config", "discovery"], "path": ["config", "discovery", "config"]}])
    );
    assert_eq!(v["cold_start"]["deadlocked"], serde_json::json!(["web", "api", "config", "discovery", "node-agent"]));
    assert_eq!(v["cold_start"]["waves"][0], serde_json::json!(["db-a", "db-b", "cache"]));
    assert!(v["blind_spots"].is_array());
    assert_eq!(v["restart_hazards"][0]["failure"], "config");
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let text = std::fs::read_to_string(fixture("ok/quorum.yaml")).expect("fixture");
    let o = run(&["analyze", "-", "-f", "markdown"], Some(&text));
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("## Blastmap: quorum-behind-one-peering-point"));
}

#[test]
fn bad_input_exits_2_with_file_line_column() {
    let path = fixture("err/unknown-reference.yaml");
    let o = run(&["analyze", &path], None);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o).lines().next().unwrap_or_default(),
        format!("{path}:6:20: `event-stor` in `requires` of `api` is not a component id; did you mean `event-store`?")
    );
    let o = run(&["analyze", "-"], Some("components:\n  - {id: a, need: 0, requires: [b]}\n  - {id: b}\n"));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("<stdin>:2:19: "), "{}", stderr(&o));
    let o = run(&["analyze", "/nonexistent/topology.yaml"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/nonexistent/topology.yaml"));
}

#[test]
fn check_exits_1_on_denied_findings_and_0_otherwise() {
    let quorum = fixture("ok/quorum.yaml");
    let o = run(&["check", &quorum, "--deny", "false-redundancy"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("false-redundancy: false redundancy: event-store declares 2-of-3"));
    let o = run(&["check", &quorum, "--deny", "cycle,deadlock"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = run(&["check", &fixture("ok/cold-start.json"), "--deny", "deadlock"], None);
    assert_eq!(o.status.code(), Some(1));
    let o = run(&["check", &quorum, "--deny", "spofs"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown kind `spofs`"));
}

#[test]
fn what_if_explains_each_affected_component() {
    let o = run(
        &["what-if", &fixture("ok/two-of-three-across-zones.yaml"), "--fail", "zone:a", "--fail", "power:feed-1"],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!(stdout(&o));
    let o = run(&["what-if", &fixture("ok/quorum.yaml"), "--fail", "network:peering-ny", "-f", "json"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean `network:peering-nyc`?"), "{}", stderr(&o));
    let o = run(&["what-if", &fixture("ok/quorum.yaml"), "--fail", "network:peering-nyc", "-f", "json"], None);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["targets_down"], serde_json::json!(["incidents-api", "alerting"]));
    let api =
        v["affected"].as_array().expect("list").iter().find(|a| a["component"] == "incidents-api").expect("affected");
    assert_eq!(api["status"], "down");
    assert_eq!(api["unmonitored"], true);
    assert_eq!(api["path"], serde_json::json!(["network:peering-nyc", "dc-west", "event-store", "incidents-api"]));
}

#[test]
fn schema_and_generate_produce_valid_output() {
    let o = run(&["schema"], None);
    let schema: serde_json::Value = serde_json::from_slice(&o.stdout).expect("schema JSON");
    assert_eq!(schema["title"], "Blastmap topology");
    let o = run(&["generate", "--edges", "3000", "--seed", "4"], None);
    assert_eq!(o.status.code(), Some(0));
    let generated = stdout(&o);
    let o = run(&["check", "-", "--deny", "restart-hazard"], Some(&generated));
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    // The deep shapes: a spine of 3 under 2 leaves, each spine node a SPOF of both leaves.
    let o = run(&["generate", "--shape", "spine", "--depth", "3", "--leaves", "2"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&["analyze", "-", "-f", "json"], Some(&stdout(&o)));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(r["targets"], serde_json::json!(["l0", "l1"]));
    assert_eq!(r["spofs"].as_array().map(Vec::len), Some(3));
    let o = run(&["generate", "--shape", "start-chain", "--depth", "4", "--format", "yaml"], None);
    let r = run(&["analyze", "-", "-f", "json"], Some(&stdout(&o)));
    let r: serde_json::Value = serde_json::from_slice(&r.stdout).expect("JSON");
    assert_eq!(r["cold_start"]["waves"].as_array().map(Vec::len), Some(4));
}

fn example(name: &str) -> String {
    format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn diff_of_the_region_split_shows_what_the_split_fixes_and_costs() {
    let before = example("tailnet-split-before.yaml");
    let after = example("tailnet-split-after.yaml");
    let o = run(&["diff", &before, &after, "-f", "json"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let titles = |key: &str| -> Vec<String> {
        d[key].as_array().expect("list").iter().map(|f| f["title"].as_str().unwrap_or_default().to_string()).collect()
    };
    // The split removes the us-east outage's hold on EU nodes that restart...
    assert_eq!(
        titles("lost"),
        ["restart hazard: while `region:us-east` is down, 4 components stay up but could not start again"]
    );
    // ...and brings the new EU shard's own single points of failure.
    let gained = titles("gained");
    assert!(
        gained.contains(&"single point of failure: `shard-euw1` takes down `acme-eu-admin`".to_string()),
        "{gained:?}"
    );
    let changed: Vec<(String, String)> = d["changed"]
        .as_array()
        .expect("list")
        .iter()
        .map(|c| {
            (
                c["before"]["title"].as_str().unwrap_or_default().into(),
                c["after"]["title"].as_str().unwrap_or_default().into(),
            )
        })
        .collect();
    assert!(changed.contains(&(
        "restart hazard: while `shard-use1` is down, 8 components stay up but could not start again".into(),
        "restart hazard: while `shard-use1` is down, 4 components stay up but could not start again".into()
    )));
    assert_eq!(d["targets_added"], serde_json::json!(["acme-eu-admin", "acme-us-admin"]));
    assert_eq!(d["targets_removed"], serde_json::json!(["acme-admin"]));
    let eu = d["placement_blast"]
        .as_array()
        .expect("list")
        .iter()
        .find(|p| p["placement"] == "region:eu-west")
        .expect("eu-west");
    assert_eq!(eu["before"], serde_json::json!({"targets_down": 1, "components_down": 11}));
    assert_eq!(eu["after"], serde_json::json!({"targets_down": 2, "components_down": 14}));
    let o = run(&["diff", &before, &after], None);
    assert!(stdout(&o).contains("Findings lost (1)"));
}

/// Runs `analyze --format sarif` on `path` and checks that every result stands at a line of it
/// that holds the component's id (or, for a placement value `network:x`, its value); the results.
fn sarif_at_component_lines(path: &str) -> Vec<serde_json::Value> {
    let o = run(&["analyze", path, "--format", "sarif"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).expect("SARIF JSON");
    assert_eq!(s["version"], "2.1.0");
    let results = s["runs"][0]["results"].as_array().expect("results").clone();
    let text = std::fs::read_to_string(path).expect("input");
    let lines: Vec<&str> = text.lines().collect();
    for r in &results {
        let subject = r["locations"][0]["logicalLocations"][0]["name"].as_str().expect("subject");
        let line = r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().expect("line") as usize;
        let source_line = lines.get(line - 1).copied().unwrap_or_default();
        let needle = subject.split_once(':').map_or(subject, |(_, v)| v);
        assert!(source_line.contains(needle), "{subject} located at line {line}: {source_line}");
    }
    results
}

#[test]
fn sarif_locates_findings_at_the_component_line() {
    let results = sarif_at_component_lines(&example("pagerduty-shared-peering.yaml"));
    assert!(results.iter().any(|r| r["ruleId"] == "false-redundancy" && r["level"] == "error"));
}

/// JSON of a mebibyte or more is read by a fast path without positions; SARIF asks for them, so
/// its results still stand at their components' lines, not all at line 1.
#[test]
fn sarif_of_a_large_json_topology_locates_findings_too() {
    let generated = run(&["generate", "--edges", "40000", "--format", "json"], None);
    assert!(generated.stdout.len() >= 1 << 20, "{} bytes: not large", generated.stdout.len());
    let input = std::env::temp_dir().join(format!("blastmap-large-sarif-{}.json", std::process::id()));
    std::fs::write(&input, &generated.stdout).expect("write the input");
    let results = sarif_at_component_lines(&input.to_string_lossy());
    let _ = std::fs::remove_file(&input);
    let first_line = results.iter().filter(|r| r["locations"][0]["physicalLocation"]["region"]["startLine"] == 1);
    assert!(results.len() > 100 && first_line.count() == 0, "{} results", results.len());
}

#[test]
fn check_can_deny_only_findings_that_touch_critical_components() {
    // Nothing in the quorum fixture is marked critical: its SPOFs fail `spof`, not `spof:critical`.
    let quorum = fixture("ok/quorum.yaml");
    let o = run(&["check", &quorum, "--deny", "spof:critical"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = run(&["check", &quorum, "--deny", "spof"], None);
    assert_eq!(o.status.code(), Some(1));
    let o = run(&["check", &example("tailnet-split-after.yaml"), "--deny", "spof:critical"], None);
    assert_eq!(o.status.code(), Some(1));
    let o = run(&["check", &quorum, "--deny", "spof:everything"], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn export_open_psa_refuses_cycles_and_writes_fault_trees() {
    let o = run(&["export", &example("pagerduty-shared-peering.yaml"), "--to", "open-psa"], None);
    assert_eq!(o.status.code(), Some(0));
    let xml = stdout(&o);
    assert!(xml.contains("<opsa-mef>") && xml.contains("<atleast min=\"2\">"), "the 2-of-3 quorum is an atleast gate");
    let o = run(
        &["export", "-", "--to", "open-psa"],
        Some("components:\n- {id: a, requires: [b]}\n- {id: b, requires: [a]}\n"),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot express dependency cycles: a, b"));
}

#[test]
fn split_proposes_regional_tailnets_and_writes_the_after_design() {
    let out = std::env::temp_dir().join(format!("blastmap-split-{}.yaml", std::process::id()));
    let o =
        run(&["split", &example("tailnet-estate.yaml"), "--by", "region", "-o", out.to_str().expect("utf-8")], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("acme-ap-south            on shard-ap-south (new shard), 20 nodes"), "{text}");
    assert!(text.contains("share acme-us-east-00 into acme-eu-west"));
    assert!(text.contains(
        "shard-1 down: admin actions blocked for tailnets globex, acme-us-east; 63 nodes would drop if restarted"
    ));
    // The written proposal is itself a valid topology.
    let o = run(&["check", out.to_str().expect("utf-8"), "--deny", "deadlock"], None);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let _ = std::fs::remove_file(&out);
    let o = run(&["split", &example("pagerduty-shared-peering.yaml")], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no tailnet spans more than one `region`"));
}

/// The shared corpus of real exports beside the repository (`../shared/corpus/`), or `None`
/// after one line on standard error saying its tests are skipped (this clone stands alone).
fn corpus() -> Option<&'static Path> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
        if dir.is_dir() {
            Some(dir)
        } else {
            let _ = writeln!(
                std::io::stderr(),
                "corpus tests skipped: ../shared/corpus not found (looked in {})",
                dir.display()
            );
            None
        }
    })
    .as_deref()
}

#[test]
fn import_converts_exports_and_analyze_merges_several_files() {
    let Some(dir) = corpus() else { return };
    let file = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let o = run(&["import", &file("jaeger-dependencies-small.json"), "--to", "json"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t: serde_json::Value = serde_json::from_slice(&o.stdout).expect("native JSON");
    assert_eq!(t["components"].as_array().map(Vec::len), Some(8));
    // The native output reads back as the same topology.
    let o2 = run(&["import", "-", "--to", "yaml"], Some(&stdout(&o)));
    assert_eq!(o2.status.code(), Some(0), "{}", stderr(&o2));
    // eShopOnContainers: one SQL Server instance behind six targets.
    let o = run(&["analyze", &file("compose-eshoponcontainers.yml"), "-f", "json"], None);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let sql =
        r["spofs"].as_array().expect("spofs").iter().find(|s| s["component"] == "sqldata").expect("sqldata is a SPOF");
    assert_eq!(sql["takes_down"].as_array().map(Vec::len), Some(6));
    // Two formats at once: compose plus a Terraform plan, merged into one topology.
    let o = run(
        &["analyze", &file("compose-eshoponcontainers.yml"), &file("terraform-plan-basic.json"), "-f", "json"],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(r["summary"]["components"], 29);
    // Unresolved references are warnings with a position, and the import still succeeds.
    let o = run(&["analyze", &file("k8s-online-boutique.yaml")], None);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("k8s-online-boutique.yaml:90:20: warning: unresolved reference"), "{}", stderr(&o));
    let o = run(&["analyze", "--from", "yaml", &file("k8s-online-boutique.yaml")], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn import_and_analyze_read_the_importers_own_fixtures() {
    let file = |path: &str| format!("{}/../blastmap-import/tests/fixtures/ok/{path}", env!("CARGO_MANIFEST_DIR"));
    let o = run(&["import", &file("jaeger/bare-list.json"), "--to", "json"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t: serde_json::Value = serde_json::from_slice(&o.stdout).expect("native JSON");
    assert_eq!(t["components"].as_array().map(Vec::len), Some(6));
    // The warnings are on standard error, at their line and column.
    assert!(stderr(&o).contains("bare-list.json:6:35: warning: `payments` calls itself"), "{}", stderr(&o));
    // Two formats at once: a compose file and a raw Terraform state, merged into one topology.
    let o = run(
        &["analyze", &file("compose/version-3-legacy.yml"), &file("terraform/raw-state-v4.tfstate"), "-f", "json"],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(r["summary"]["components"], 12);
    let o = run(&["analyze", &file("kubernetes/statefulset-and-env.yaml")], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("statefulset-and-env.yaml:108:26: warning: unresolved reference: `ops/service/mailer`"),
        "{}",
        stderr(&o)
    );
    let o = run(&["analyze", "--from", "yaml", &file("kubernetes/statefulset-and-env.yaml")], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn hostile_ids_reach_the_terminal_escaped() {
    // An id that clears the screen, turns red and rings the bell; a name that starts a heading.
    let bad = "db\u{1b}[2J\u{1b}[31m\u{7}";
    let topology = serde_json::json!({
        "name": "shop\n# injected",
        "components": [{"id": "web", "requires": [bad]}, {"id": bad}],
    })
    .to_string();
    for args in [
        vec!["check", "-", "--deny", "spof"],
        vec!["analyze", "-"],
        vec!["analyze", "-", "--format", "markdown"],
        vec!["what-if", "-", "--fail", bad],
        vec!["what-if", "-", "--fail", bad, "--format", "markdown"],
    ] {
        let o = run(&args, Some(&topology));
        assert!(o.status.code() == Some(0) || o.status.code() == Some(1), "{args:?}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{args:?}: raw control character in {out:?}");
        assert!(out.contains("db\\x1b[2J\\x1b[31m\\x07"), "{args:?}: {out}");
        assert!(!out.lines().any(|l| l.starts_with("# injected")), "{args:?}: {out}");
    }
    // Errors and warnings quote the input too.
    let unknown = serde_json::json!({"components": [{"id": "web", "requires": [bad]}]}).to_string();
    let o = run(&["analyze", "-"], Some(&unknown));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`db\\x1b[2J\\x1b[31m\\x07` in `requires` of `web` is not a component id"),
        "{}",
        stderr(&o)
    );
    let dot = "digraph { web -> db [dep=\"\u{1b}[2Jz\"] }";
    let o = run(&["analyze", "-"], Some(dot));
    assert!(stderr(&o).contains("warning: unknown dependency type `\\x1b[2Jz`"), "{}", stderr(&o));
    for o in [run(&["analyze", "-"], Some(&unknown)), o, run(&["what-if", "-", "--fail", bad], Some(&unknown))] {
        assert!(!stderr(&o).chars().any(|c| c.is_control() && c != '\n'), "{:?}", stderr(&o));
    }
}

fn overlay_fixture(name: &str) -> String {
    format!("{}/../blastmap-import/tests/fixtures/overlay/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn overlay_refines_an_export_and_the_report_lists_its_notes() {
    let (compose, review) = (overlay_fixture("shop-compose.yml"), overlay_fixture("shop-review.yaml"));
    let o = run(&["analyze", &compose, "--overlay", &review, "-f", "json"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "a review that changes everything it says warns of nothing");
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let notes = r["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), 13, "every note in JSON");
    assert_eq!(notes[2]["rule"], "overlay.requires_at_start");
    assert_eq!(
        notes[2]["edge"],
        serde_json::json!({"from": "frontend", "to": "config", "field": "requires_at_start", "was": "requires"})
    );
    assert_eq!(notes[2]["pos"], serde_json::json!({"input": 1, "line": 7, "column": 25}));
    assert!(!r["spofs"].as_array().expect("spofs").iter().any(|s| s["component"] == "collector"));
    assert_eq!(r["blindings"][0]["failure"], "collector");
    // Text: one line per note, capped.
    let o = run(&["analyze", &compose, "--overlay", &review], None);
    let text = stdout(&o);
    let section = text.split("From overlays and inferences (13)\n").nth(1).expect("the notes section");
    let lines: Vec<&str> = section.lines().collect();
    assert_eq!(lines.first(), Some(&"  overlay, input 2"));
    assert!(
        lines.get(3).is_some_and(|l| l.starts_with("    frontend → config: requires → requires_at_start (")
            && l.ends_with("shop-review.yaml:7:25)")),
        "{section}"
    );
    assert_eq!(lines.len(), 14, "{section}");
    assert_eq!(lines.last(), Some(&"  … and 1 more (use --format json for all)"));
    // Markdown lists them all.
    let o = run(&["analyze", &compose, "--overlay", &review, "-f", "markdown"], None);
    let md = stdout(&o);
    assert!(
        md.contains(
            "### From overlays and inferences (13)\n\n*overlay, input 2*\n\n- `frontend`: critical false → true ("
        ),
        "{md}"
    );
    assert_eq!(md.matches("shop-review.yaml:").count(), 13);
}

#[test]
fn a_native_file_after_an_export_is_an_overlay() {
    let compose = overlay_fixture("shop-compose.yml");
    let dir = std::env::temp_dir().join(format!("blastmap-overlay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let review = dir.join("review.yaml");
    std::fs::write(&review, "components:\n  - id: frontend\n    requires_at_start: [config]\n    critical: false\n")
        .expect("write");
    let review = review.to_str().expect("utf-8");
    let o = run(&["analyze", &compose, review, "-f", "json"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(
        r["notes"][0]["message"],
        format!("`frontend` → `config`: requires → requires_at_start ({review}:3:25)")
    );
    // The value that changes nothing is a warning at its line.
    assert_eq!(stderr(&o), format!("{review}:4:15: warning: `frontend`: `critical` is already false: this changes nothing (a stale overlay?)\n"));
    // `import` writes the refined topology.
    let o = run(&["import", &compose, "--overlay", review], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("- id: frontend\n  kind: service\n  requires:\n  - checkout\n  - catalog\n  - collector\n  requires_at_start:\n  - config\n"), "{}", stdout(&o));
    // An unknown id exits 2 at its line and column, with "did you mean".
    std::fs::write(dir.join("typo.yaml"), "components:\n  - id: frontnd\n    critical: true\n").expect("write");
    let typo = dir.join("typo.yaml");
    let typo = typo.to_str().expect("utf-8");
    let o = run(&["check", &compose, "--overlay", typo], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(&format!("{typo}:2:9: no earlier input defines component `frontnd`")),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("did you mean `frontend`?"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A 1-of-`n` group whose members each need one of `shared` (YAML).
fn one_of_n_over(n: usize, shared: &[&str]) -> String {
    let members: Vec<String> = (0..n).map(|i| format!("m{i}")).collect();
    let mut yaml = format!("components:\n  - {{id: group, need: 1, requires: [{}]}}\n", members.join(", "));
    for m in &members {
        yaml.push_str(&format!("  - {{id: {m}, need: 1, requires: [{}]}}\n", shared.join(", ")));
    }
    for s in shared {
        yaml.push_str(&format!("  - {{id: {s}}}\n"));
    }
    yaml
}

/// A 1-of-`n` group whose members each need one of their own two replicas: as redundant as
/// declared, which a cut search cannot show (YAML).
fn one_of_n_over_own_pairs(n: usize) -> String {
    let members: Vec<String> = (0..n).map(|i| format!("m{i}")).collect();
    let mut yaml = format!("components:\n  - {{id: group, need: 1, requires: [{}]}}\n", members.join(", "));
    for m in &members {
        yaml.push_str(&format!(
            "  - {{id: {m}, need: 1, requires: [{m}-a, {m}-b]}}\n  - {{id: {m}-a}}\n  - {{id: {m}-b}}\n"
        ));
    }
    yaml
}

#[test]
fn check_finds_false_redundancy_past_an_exhausted_search() {
    // The exact search runs out at size 3 over 303 components; the greedy witness settles it.
    let o = run(&["check", "-", "--deny", "false-redundancy"], Some(&one_of_n_over(300, &["a", "b", "c"])));
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert_eq!(
        stdout(&o),
        "<stdin>: false-redundancy: false redundancy: group declares tolerance 299 but tolerates 2: a, b, c together take it down\n<stdin>: 1 denied finding\n"
    );
}

#[test]
fn check_fails_closed_on_a_cut_analysis_unless_allowed_partial() {
    let undecided = one_of_n_over_own_pairs(4);
    // --budget 10 cuts the search of `group`; its greedy witness (8) does not beat 3.
    let o = run(&["check", "-", "--deny", "false-redundancy", "--budget", "10"], Some(&undecided));
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("<stdin>: false-redundancy: cut short: group: undecided: the search ran out of budget among the pairs (no single failure takes it down), and no greedy witness beats the declaration: it tolerates between 1 and 3 failures (declared 3)"),
        "{out}"
    );
    assert!(out.contains("`--budget 286` decides it"), "{out}");
    assert!(
        out.ends_with("<stdin>: not ok: no false-redundancy findings in what was searched, but 1 result was cut short by a budget (false-redundancy) and may hide some; raise --budget / --cut-budget as said above, or pass --allow-partial to accept partial answers\n"),
        "{out}"
    );
    let o = run(&["check", "-", "--deny", "false-redundancy", "--budget", "10", "--allow-partial"], Some(&undecided));
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).ends_with("<stdin>: ok with partial answers (--allow-partial): no false-redundancy findings in what was searched, but 1 result was cut short by a budget (false-redundancy)\n"), "{}", stdout(&o));
    // The budget it names settles it: the group really tolerates 3.
    let o = run(&["check", "-", "--deny", "false-redundancy", "--budget", "286"], Some(&undecided));
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o), "<stdin>: ok, no false-redundancy findings\n");
    // A cut of a kind that is not denied does not fail the check.
    let o = run(&["check", "-", "--deny", "spof,cycle", "--budget", "10"], Some(&undecided));
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // KIND:critical fails closed only when the cut may hide a critical finding.
    let o = run(&["check", "-", "--deny", "false-redundancy:critical", "--budget", "10"], Some(&undecided));
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let critical = undecided.replace("{id: group,", "{id: group, critical: true,");
    let o = run(&["check", "-", "--deny", "false-redundancy:critical", "--budget", "10"], Some(&critical));
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("false-redundancy: cut short: group: undecided"), "{}", stdout(&o));
}

#[test]
fn check_fails_closed_on_a_cut_double_point_search() {
    // Four replicas of which one suffices: no double or triple point, 6 pairs and 4 triples to try.
    let yaml = "components:\n  - {id: app, need: 1, requires: [a, b, c, d]}\n  - {id: a}\n  - {id: b}\n  - {id: c}\n  - {id: d}\n";
    let o = run(&["check", "-", "--deny", "double-point", "--cut-budget", "3"], Some(yaml));
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert_eq!(
        stdout(&o),
        "<stdin>: double-point: cut short: the double/triple point search ran out of budget after 3 sets: 0 of 1 targets searched completely, 1 partly (app: pairs cut short); `--cut-budget 10` finishes it\n\
         <stdin>: not ok: no double-point findings in what was searched, but 1 result was cut short by a budget (double-point) and may hide some; raise --budget / --cut-budget as said above, or pass --allow-partial to accept partial answers\n"
    );
    let o = run(&["check", "-", "--deny", "double-point", "--cut-budget", "3", "--allow-partial"], Some(yaml));
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = run(&["check", "-", "--deny", "double-point", "--cut-budget", "10"], Some(yaml));
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o), "<stdin>: ok, no double-point findings\n");
    // Denied findings and a cut: both said, exit 1 even with --allow-partial.
    let quorum = "components:\n  - {id: app, need: 2, requires: [a, b, c]}\n  - {id: a}\n  - {id: b}\n  - {id: c}\n";
    let o = run(&["check", "-", "--deny", "double-point", "--cut-budget", "1", "--allow-partial"], Some(quorum));
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("double-point: double point of failure: a, b together take down app"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).ends_with(
            "<stdin>: 1 denied finding; 1 result was cut short by a budget (double-point), so there may be more\n"
        ),
        "{}",
        stdout(&o)
    );
}

#[test]
fn diff_does_not_call_fixed_what_a_budget_left_out_of_the_after_report() {
    let dir = std::env::temp_dir();
    let before = dir.join(format!("blastmap-budget-before-{}.yaml", std::process::id()));
    let after = dir.join(format!("blastmap-budget-after-{}.yaml", std::process::id()));
    std::fs::write(&before, "components:\n  - {id: app, need: 1, requires: [a, b]}\n  - {id: a}\n  - {id: b}\n")
        .expect("write");
    // The after design adds shared supplies, declared (so tried) first: two sets do not reach
    // {a, b}.
    std::fs::write(
        &after,
        "components:\n  - {id: app, need: 1, requires: [a, b]}\n  - {id: s1}\n  - {id: s2}\n  - {id: a, need: 1, requires: [s1, s2]}\n  - {id: b, need: 1, requires: [s1, s2]}\n",
    )
    .expect("write");
    let (b, a) = (before.to_str().expect("utf-8"), after.to_str().expect("utf-8"));
    let o = run(&["diff", b, a, "--cut-budget", "2"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("Findings lost (0)"), "{text}");
    assert!(text.contains("Findings missing after only because a budget cut the after analysis (not fixed: unknown) (1)\n  ?- MEDIUM   double point of failure: a, b together take down app"), "{text}");
    assert!(text.contains("cut: the double/triple point search ran out of budget after 2 sets"), "{text}");
    let o = run(&["diff", b, a, "--cut-budget", "2", "-f", "json"], None);
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(d["lost"], serde_json::json!([]));
    assert_eq!(d["lost_uncertain"][0]["finding"]["kind"], "double-point");
    // With the default budget the after search is complete, and {a, b} is still there.
    let o = run(&["diff", b, a], None);
    assert!(!stdout(&o).contains("not fixed: unknown"), "{}", stdout(&o));
    let _ = std::fs::remove_file(&before);
    let _ = std::fs::remove_file(&after);
}

fn observed_fixture(name: &str) -> String {
    format!("{}/../blastmap-import/tests/fixtures/observed/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_trace_export_beside_a_design_is_compared_with_it() {
    let (compose, jaeger) = (observed_fixture("shop-compose.yml"), observed_fixture("shop-jaeger.json"));
    let o = run(&["analyze", &compose, &jaeger], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("\nDeclared vs observed (the traces name 8 services and 8 calls: 7 in the design, 1 not in it, 0 ambiguous)\n  Hidden dependencies (observed, not declared) (1)\n    HIGH     hidden dependency: catalog calls currency at runtime but the design does not declare it; as a requirement it would make currency a single point of failure of frontend, and break the redundancy of catalog (currency alone would take it down)\n"),
        "{out}"
    );
    assert!(out.contains("    LOW      declared, never observed: checkout → cart (requires)\n"), "{out}");
    // The same order the other way round; JSON and Markdown carry the section.
    let o = run(&["analyze", &jaeger, &compose, "-f", "json"], None);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(r["observed"]["hidden"][0]["to"], "currency");
    assert_eq!(r["observed"]["unmatched"][0]["name"], "loadgenerator");
    assert_eq!(r["summary"]["components"], 10, "the traces are not merged into the design");
    let o = run(&["analyze", &compose, &jaeger, "-f", "markdown"], None);
    assert!(stdout(&o).contains("\n### Declared vs observed\n"), "{}", stdout(&o));
    // Alone, a Jaeger export is a design; `import` merges it with the design, as it always did.
    let o = run(&["analyze", &jaeger], None);
    assert_eq!(o.status.code(), Some(0));
    assert!(!stdout(&o).contains("Declared vs observed"));
    let o = run(&["import", &compose, &jaeger, "--to", "json"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t: serde_json::Value = serde_json::from_slice(&o.stdout).expect("native JSON");
    assert!(t["components"].as_array().expect("components").iter().any(|c| c["id"] == "loadgenerator"));
}

#[test]
fn observed_flag_compares_a_native_design_with_native_traces() {
    let (design, traces) = (observed_fixture("checkout-design.yaml"), observed_fixture("checkout-traces.yaml"));
    let o = run(&["analyze", &design, "--observed", &traces], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let section: Vec<&str> = out.split("\nDeclared vs observed").nth(1).expect("the section").lines().collect();
    assert_eq!(
        section[2],
        "    HIGH     hidden dependency: checkout calls fraud-score at runtime but the design does not declare it; as a requirement it would make fraud-score a single point of failure of storefront"
    );
    assert_eq!(
        section[3],
        "    MEDIUM   hidden dependency: payments-a calls ledger, which the design does not have; with other hidden calls it would make ledger a single point of failure of storefront, and break the redundancy of payments (ledger alone would take it down)"
    );
    // Both kinds can be denied; `:critical` keys on the critical storefront.
    let o = run(&["check", &design, "--observed", &traces, "--deny", "hidden-dependency:critical"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).ends_with(": 3 denied findings\n"), "{}", stdout(&o));
    let o = run(&["check", &design, "--observed", &traces, "--deny", "unobserved-dependency"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("unobserved-dependency: declared, never observed: checkout → inventory (requires)"));
    // Without traces, denying them cannot be answered: the check fails closed and says why,
    // unless partial answers are accepted.
    let o = run(&["check", &design, "--deny", "hidden-dependency,spof"], None);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains(": hidden-dependency: not checked: no traces to compare with (give a Jaeger or service-graph export, or --observed FILE)\n"), "{out}");
    let o = run(&["check", &design, "--deny", "hidden-dependency", "--allow-partial"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o)
            .ends_with(": ok with partial answers (--allow-partial): hidden-dependency not checked without traces\n"),
        "{}",
        stdout(&o)
    );
    let o = run(&["check", &design, "--deny", "hidden-dependency"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).ends_with(": not ok: hidden-dependency not checked without traces; give them, or pass --allow-partial to accept partial answers\n"),
        "{}",
        stdout(&o)
    );
    // SARIF has the rules and the results.
    let o = run(&["analyze", &design, "--observed", &traces, "-f", "sarif"], None);
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).expect("SARIF JSON");
    let results = s["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.iter().filter(|r| r["ruleId"] == "hidden-dependency").count(), 3);
    // A broken observed file exits 2 at its line and column.
    let o = run(&["analyze", &design, "--observed", "-"], Some("components:\n  - id: web\n    requires: [db\n"));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("<stdin>:"), "{}", stderr(&o));
}

#[test]
fn a_kubernetes_design_and_a_service_graph_compare_by_namespaced_names() {
    let (k8s, graph) = (observed_fixture("shop-k8s.yaml"), observed_fixture("shop-servicegraph.prom"));
    let o = run(&["analyze", &k8s, &graph, "-f", "json"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("shop-servicegraph.prom:13:1: warning: 3 samples of other metrics are not read"),
        "{}",
        stderr(&o)
    );
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(r["observed"]["hidden"][0]["from"], "shop/deployment/checkoutservice");
    assert_eq!(r["observed"]["hidden"][0]["to"], "shippingservice.shop.svc.cluster.local");
    let o = run(&["import", &graph], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("- id: frontend.shop\n  kind: service\n"), "{}", stdout(&o));
}

#[test]
fn analyze_timings_name_each_stage_on_standard_error_and_leave_the_report_alone() {
    let file = fixture("ok/quorum.yaml");
    let plain = run(&["analyze", &file], None);
    let timed = run(&["analyze", "--timings", &file], None);
    assert_eq!(timed.status.code(), Some(0), "{}", stderr(&timed));
    assert_eq!(stdout(&timed), stdout(&plain));
    let err = stderr(&timed);
    let stages: Vec<&str> = err.lines().map(|l| l.rsplitn(3, ' ').nth(2).unwrap_or_default().trim_end()).collect();
    assert_eq!(
        stages,
        [
            "reading the inputs and building the model",
            "single failures",
            "single points of failure, redundancy, double points of failure",
            "report",
            "writing the text report",
            "printing",
            "total",
        ],
        "{err}"
    );
    assert!(err.lines().all(|l| l.ends_with(" ms")), "{err}");
    assert!(stderr(&plain).is_empty(), "{}", stderr(&plain));
}

/// The JSON report is written while it is serialized: a reader that stops early (`| head`) is
/// not an error, a full disk is.
#[test]
fn a_json_report_cut_by_its_reader_is_not_an_error_and_a_full_disk_is() {
    let generated = run(&["generate", "--edges", "20000", "--format", "json"], None);
    assert_eq!(generated.status.code(), Some(0), "{}", stderr(&generated));
    let input = std::env::temp_dir().join(format!("blastmap-json-pipe-{}.json", std::process::id()));
    std::fs::write(&input, &generated.stdout).expect("write the input");
    let path = input.to_string_lossy().into_owned();
    let mut child = Command::new(BIN)
        .args(["analyze", &path, "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("blastmap runs");
    let mut head = [0u8; 64];
    std::io::Read::read_exact(&mut child.stdout.take().expect("stdout"), &mut head).expect("the report starts");
    let o = child.wait_with_output().expect("blastmap finishes");
    assert_eq!(head.first(), Some(&b'{'));
    assert_eq!((o.status.code(), stderr(&o)), (Some(0), String::new()));
    if Path::new("/dev/full").exists() {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
        let o = Command::new(BIN)
            .args(["analyze", &path, "--format", "json"])
            .stdout(full)
            .stderr(Stdio::piped())
            .output()
            .expect("blastmap runs");
        assert_ne!(o.status.code(), Some(0));
        assert!(stderr(&o).contains("No space left"), "{}", stderr(&o));
    }
    let _ = std::fs::remove_file(&input);
}
