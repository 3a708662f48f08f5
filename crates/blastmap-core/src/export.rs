//! Exports for other tools: SARIF (code-scanning annotations at the component's line) and
//! Open-PSA MEF fault trees (for reference fault-tree analyzers such as scram).

use std::fmt::Write as _;

use serde_json::json;

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
/// (`uris[pos.input]`; the first when the position is unknown).
pub fn sarif(report: &Report, compiled: &Compiled, uris: &[&str]) -> String {
    let model = &compiled.model;
    let rules: Vec<serde_json::Value> = FindingKind::ALL
        .iter()
        .map(|&k| {
            json!({
                "id": k.name(),
                "name": k.name(),
                "shortDescription": { "text": rule_description(k) },
            })
        })
        .collect();
    let longest = model.ids().map(|v| model.name(v).len()).max().unwrap_or(0);
    let results: Vec<serde_json::Value> = report
        .findings
        .iter()
        .map(|f| {
            let level = match f.severity {
                Severity::Critical | Severity::High => "error",
                Severity::Medium => "warning",
                Severity::Low => "note",
            };
            let pos = compiled.position_of(&f.subject).unwrap_or(Pos::START);
            let uri = uris.get(pos.input as usize).or(uris.first()).copied().unwrap_or("");
            json!({
                "ruleId": f.kind.name(),
                "level": level,
                "message": { "text": sarif_message(model, longest, &f.title) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": { "startLine": pos.line, "startColumn": pos.column }
                    },
                    "logicalLocations": [{ "name": f.subject, "kind": "component" }]
                }],
                "partialFingerprints": { "blastmap/v1": format!("{}:{}", f.kind.name(), f.evidence.join(",")) }
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "blastmap", "version": env!("CARGO_PKG_VERSION"), "rules": rules } },
            "results": results
        }]
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
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
