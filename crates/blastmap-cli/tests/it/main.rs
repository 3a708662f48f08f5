//! The `blastmap` binary end to end: exit codes, error positions, standard input, the JSON
//! report's shape, and transcripts of the text output.

use std::io::Write;
use std::process::{Command, Output, Stdio};

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
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["targets"], serde_json::json!(["web", "node-agent"]));
    assert_eq!(v["spofs"][0]["component"], "api");
    assert_eq!(v["spofs"][0]["takes_down"], serde_json::json!(["web", "node-agent"]));
    let r = &v["redundancy"][0];
    assert_eq!(r["component"], "db");
    for key in ["need", "of", "declared_tolerance", "actual_tolerance", "minimal_failure"] {
        assert!(r.get(key).is_some(), "redundancy lacks {key}");
    }
    assert_eq!(v["cycles"], serde_json::json!([{"kind": "start", "components": ["config", "discovery"], "path": ["config", "discovery", "config"]}]));
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
    let o = run(&["what-if", &fixture("ok/two-of-three-across-zones.yaml"), "--fail", "zone:a", "--fail", "power:feed-1"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!(stdout(&o));
    let o = run(&["what-if", &fixture("ok/quorum.yaml"), "--fail", "network:peering-ny", "-f", "json"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean `network:peering-nyc`?"), "{}", stderr(&o));
    let o = run(&["what-if", &fixture("ok/quorum.yaml"), "--fail", "network:peering-nyc", "-f", "json"], None);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["targets_down"], serde_json::json!(["incidents-api", "alerting"]));
    let api = v["affected"].as_array().expect("list").iter().find(|a| a["component"] == "incidents-api").expect("affected");
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
}
