//! Exports for other tools: SARIF (code-scanning annotations at the component's line) and
//! Open-PSA MEF fault trees (for reference fault-tree analyzers such as scram).

use std::fmt::Write as _;

use serde::Serialize;

use crate::compile::Compiled;
use crate::error::Pos;
use crate::model::{Model, NodeId};
use crate::report::{FindingKind, Report, Severity};

fn rule_description(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::Deadlock => "Components that can never come up in a cold start: a dependency cycle blocks them.",
        FindingKind::Spof => "A component whose single failure takes down a target.",
        FindingKind::FalseRedundancy => {
            "A k-of-n group that tolerates fewer failures than it declares: its members share a dependency."
        }
        FindingKind::BlindSpot => "A single failure takes down a component and every monitor of it.",
        FindingKind::Blinding => {
            "A single failure leaves components running but unobserved: every monitor they have goes down."
        }
        FindingKind::Cycle => "A dependency cycle (runtime, or closed by a start-time dependency).",
        FindingKind::RestartHazard => {
            "Components that stay up during a failure but could not start again while it lasts."
        }
        FindingKind::DoublePoint => "A minimal set of two or three failures that takes down targets.",
        FindingKind::CredentialReach => "What a compromised component reaches through the credentials it holds.",
        FindingKind::MeshOutage => "What a coordination shard's or relay's outage does to the tailnets on it.",
        FindingKind::HiddenDependency => {
            "A call the traces observed that the design does not declare, weighed by what it would change as a dependency."
        }
        FindingKind::UnobservedDependency => "A declared dependency the traces never show: a question for the review.",
        FindingKind::PolicyAllowsAll => "A tailnet policy rule that lets its sources reach every node on every port.",
        FindingKind::PolicyBlastRadius => {
            "What a compromised tag, group or node may reach under the tailnet policy (security blast radius)."
        }
        FindingKind::RouteTakeover => {
            "An account or tag that can get subnet routes or an exit node approved without an admin, and re-route traffic."
        }
        FindingKind::ForbiddenRelay => {
            "A peer relay the tailnet policy does not let a node use: it is no path, and redundancy that counted on it is false."
        }
    }
}

/// A finding's title as a SARIF plain-text message: ids quoted with `'` instead of backticks,
/// control characters made visible ([`crate::render::visible`]; JSON would carry them, a viewer
/// might not show them as they are), and `\`, `[` and `]` escaped with a backslash, so that no id
/// reads as one of SARIF's embedded links (`[text](target)`).
fn sarif_message(model: &Model, longest: usize, title: &str) -> String {
    let is_id = |s: &str| model.lookup(s).is_some();
    let mut out = String::with_capacity(title.len());
    for piece in crate::render::pieces(title, &is_id, longest) {
        let (quote, text) = match piece {
            crate::render::Piece::Words(w) => ("", w),
            crate::render::Piece::Id(id) => ("'", id),
        };
        out.push_str(quote);
        for c in crate::render::visible(text).chars() {
            if matches!(c, '\\' | '[' | ']') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push_str(quote);
    }
    out
}

/// The findings as SARIF 2.1.0, each located at its subject's line in the input it stands in
/// (`uris[pos.input]`; the first when the position is unknown), as pretty JSON with a final
/// newline: [`sarif_log`] written to a string.
pub fn sarif(report: &Report, compiled: &Compiled, uris: &[&str]) -> String {
    let mut s = serde_json::to_string_pretty(&sarif_log(report, compiled, uris)).unwrap_or_default();
    s.push('\n');
    s
}

/// The SARIF 2.1.0 log of [`sarif`], to serialize where it is written: each result is made as
/// the serializer reaches it, so a report of 160,000 findings is never held as a JSON tree
/// (that took 2.5 GB and 3 s at a million edges). Keys in alphabetical order, as before.
pub fn sarif_log<'a>(report: &'a Report, compiled: &'a Compiled, uris: &'a [&'a str]) -> impl Serialize + 'a {
    let rules = FindingKind::ALL
        .iter()
        .map(|&k| Rule { id: k.name(), name: k.name(), short_description: Text { text: rule_description(k) } })
        .collect();
    let driver = Driver { name: "blastmap", rules, version: env!("CARGO_PKG_VERSION") };
    SarifLog {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run { results: Results { report, compiled, uris }, tool: Tool { driver } }],
        version: "2.1.0",
    }
}

#[derive(Serialize)]
struct SarifLog<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
struct Run<'a> {
    results: Results<'a>,
    tool: Tool,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
struct Driver {
    name: &'static str,
    rules: Vec<Rule>,
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: &'static str,
    short_description: Text<&'static str>,
}

#[derive(Serialize)]
struct Text<T> {
    text: T,
}

/// The report's findings as SARIF results, each made when it is serialized.
struct Results<'a> {
    report: &'a Report,
    compiled: &'a Compiled,
    uris: &'a [&'a str],
}

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let model = &self.compiled.model;
        let longest = model.ids().map(|v| model.name(v).len()).max().unwrap_or(0);
        serializer.collect_seq(self.report.findings.iter().map(|f| {
            let level = match f.severity {
                Severity::Critical | Severity::High => "error",
                Severity::Medium => "warning",
                Severity::Low => "note",
            };
            let pos = self.compiled.position_of(&f.subject).unwrap_or(Pos::START);
            let uri = self.uris.get(pos.input as usize).or(self.uris.first()).copied().unwrap_or("");
            SarifResult {
                level,
                locations: [Location {
                    logical_locations: [Logical { kind: "component", name: f.subject.as_str() }],
                    physical_location: Physical {
                        artifact_location: Artifact { uri },
                        region: Region { start_column: pos.column, start_line: pos.line },
                    },
                }],
                message: Text { text: sarif_message(model, longest, &f.title) },
                partial_fingerprints: Fingerprints { v1: format!("{}:{}", f.kind.name(), f.evidence.join(",")) },
                rule_id: f.kind.name(),
            }
        }))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    level: &'static str,
    locations: [Location<'a>; 1],
    message: Text<String>,
    partial_fingerprints: Fingerprints,
    rule_id: &'static str,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "blastmap/v1")]
    v1: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    logical_locations: [Logical<'a>; 1],
    physical_location: Physical<'a>,
}

#[derive(Serialize)]
struct Logical<'a> {
    kind: &'static str,
    name: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical<'a> {
    artifact_location: Artifact<'a>,
    region: Region,
}

#[derive(Serialize)]
struct Artifact<'a> {
    uri: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_column: u32,
    start_line: u32,
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The model as an Open-PSA MEF fault tree: one top gate `top_I` per target I. Node `i`'s own
/// failure is basic event `e{i}` (probability 1 − availability; 0 for components without a figure, which never fail); its loss is gate
/// `g{i}` = OR(e{i}, loss of each placement value, ATLEAST(n − need + 1, loss of requires)).
///
/// # Errors
/// Fault trees cannot express cycles: a runtime cycle is reported by its members.
pub fn open_psa(model: &Model) -> Result<String, String> {
    if let Some(c) = crate::algo::cycles(model).into_iter().find(|c| c.kind == crate::algo::CycleKind::Runtime) {
        return Err(format!(
            "Open-PSA fault trees cannot express dependency cycles: {}",
            model.names(&c.members).join(", ")
        ));
    }
    // A node with nothing beneath it is its basic event; otherwise its gate.
    let has_gate = |v: NodeId| !model.requires(v).is_empty() || !model.placement(v).is_empty();
    let loss = |v: NodeId| {
        if has_gate(v) {
            format!("<gate name=\"g{v}\"/>")
        } else {
            format!("<basic-event name=\"e{v}\"/>")
        }
    };
    let mut out = String::from("<?xml version=\"1.0\"?>\n<opsa-mef>\n");
    let name = model.name.as_deref().unwrap_or("topology");
    let _ = writeln!(out, "<define-fault-tree name=\"blastmap\">\n<label>{}</label>", xml_escape(name));
    for &t in model.targets() {
        let _ = writeln!(
            out,
            "<define-gate name=\"top_{t}\"><label>{} down</label>{}</define-gate>",
            xml_escape(model.name(t)),
            loss(t)
        );
    }
    for v in model.ids().filter(|&v| has_gate(v)) {
        let mut args = vec![format!("<basic-event name=\"e{v}\"/>")];
        args.extend(model.placement(v).iter().map(|&u| loss(u)));
        let reqs: Vec<String> = model.requires(v).iter().map(|&u| loss(u)).collect();
        let k = model.tolerance(v) as usize + 1;
        match reqs.len() {
            0 => {}
            _ if k == 1 => args.extend(reqs),
            n if k == n => args.push(format!("<and>{}</and>", reqs.concat())),
            _ => args.push(format!("<atleast min=\"{k}\">{}</atleast>", reqs.concat())),
        }
        // A dependency that is both placement and a require appears once in an OR.
        let mut seen = std::collections::BTreeSet::new();
        args.retain(|a| seen.insert(a.clone()));
        let body = if args.len() == 1 { args.concat() } else { format!("<or>{}</or>", args.concat()) };
        let _ = writeln!(
            out,
            "<define-gate name=\"g{v}\"><label>{} down</label>{body}</define-gate>",
            xml_escape(model.name(v))
        );
    }
    out.push_str("</define-fault-tree>\n<model-data>\n");
    for v in model.ids() {
        let prob = format!("<float value=\"{}\"/>", 1.0 - model.node(v).availability.unwrap_or(1.0));
        let _ = writeln!(
            out,
            "<define-basic-event name=\"e{v}\"><label>{}</label>{prob}</define-basic-event>",
            xml_escape(model.name(v))
        );
    }
    out.push_str("</model-data>\n</opsa-mef>\n");
    Ok(out)
}
