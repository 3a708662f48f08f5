//! `blastmap split FILE --by region`: per-region tailnets proposed, and the design before and
//! after compared: shard outages per tailnet, findings gained and lost, and, with a tailnet
//! policy file among the inputs, the reach it gives before and after (the same policy applied to
//! each new tailnet).

use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::Context;
use blastmap_core::format::{to_yaml, Document};
use blastmap_core::report::{Options, Report};
use blastmap_core::{compile, diff, render, split};
use serde_json::json;

use crate::args::{OutputFormat, SplitArgs};
use crate::cmd::analyze::report;
use crate::{input, output, Failure};

fn outages(report: &Report) -> Vec<(String, String)> {
    report.mesh.iter().map(|m| (m.failure.to_string(), m.sentence.clone())).collect()
}

pub fn run(args: SplitArgs) -> Result<(), Failure> {
    let inputs = input::load(&args.input)?;
    let (name, bytes, before) = (inputs.name(), inputs.bytes, &inputs.loaded.compiled);
    let proposal = match split::split_by(&before.written.topology, &args.by) {
        Ok(p) => p,
        Err(message) => {
            let _ = writeln!(std::io::stderr(), "{name}: {}", blastmap_core::render::visible(&message));
            let unplaced = before.written.topology.components.iter().all(|c| c.placement().all(|(a, _)| a != args.by));
            if unplaced && inputs.loaded.formats.contains(&blastmap_import::Format::Tailscale) {
                let _ = writeln!(
                    std::io::stderr(),
                    "{name}: `tailscale status --json` does not say where nodes run: give each node's `{}` in an overlay after the status files (`components: [{{id: NODE, {}: VALUE}}]`)",
                    args.by,
                    args.by
                );
            }
            return Err(Failure::Reported);
        }
    };
    // The same policy applied to each tailnet after the split, compared with today.
    let (checks, warnings) = blastmap_import::policy::check_split(&inputs.loaded, &proposal);
    for w in &warnings {
        let _ = writeln!(std::io::stderr(), "{}", blastmap_core::render::visible(&w.to_string()));
    }
    let after = match compile(Document::from_topology(proposal.after.clone())) {
        Ok(m) => m,
        Err(e) => return Err(Failure::Other(anyhow::anyhow!("the proposed topology is invalid: {e}"))),
    };
    let br = report(before, bytes, &Options::default());
    let ar = report(&after, bytes, &Options::default());
    let d = diff::diff((&before.model, &br), (&after.model, &ar));
    if let Some(path) = &args.output {
        std::fs::write(path, to_yaml(&proposal.after)).with_context(|| format!("writing {}", path.display()))?;
    }
    if args.format == OutputFormat::Json {
        return output::print_json(&json!({
            "proposals": proposal.proposals,
            "outages_before": outages(&br),
            "outages_after": outages(&ar),
            "diff": d,
            "policy": checks,
        }));
    }
    let mut out = String::new();
    for p in &proposal.proposals {
        let _ = writeln!(out, "Split of tailnet {} by {}:", p.tailnet, args.by);
        for (slice, shard, nodes) in &p.slices {
            let new = if p.new_shards.contains(shard) { " (new shard)" } else { "" };
            let _ = writeln!(out, "  {slice:<24} on {shard}{new}, {}", render::counted(*nodes, "node"));
        }
        for (node, into) in &p.shared {
            let _ = writeln!(out, "  share {node} into {}", into.join(", "));
        }
    }
    let _ = writeln!(out, "\nShard and relay outages, before:");
    for (_, s) in outages(&br) {
        let _ = writeln!(out, "  {s}");
    }
    let _ = writeln!(out, "after:");
    for (_, s) in outages(&ar) {
        let _ = writeln!(out, "  {s}");
    }
    for c in &checks {
        policy_text(&mut out, c);
    }
    out.push('\n');
    out.push_str(&render::diff_text(&d, output::color() && args.format == OutputFormat::Text));
    if let Some(path) = &args.output {
        let _ = writeln!(out, "\nProposed topology written to {}", path.display());
    }
    output::print(&out)
}

/// The split checked against one policy: its findings, or that reach is unchanged.
fn policy_text(out: &mut String, c: &split::SplitPolicyCheck) {
    let visible = |s: &str| render::visible(s).into_owned();
    let _ = writeln!(
        out,
        "\nPolicy {} applied to {} (was {}):",
        visible(&c.file),
        visible(&c.after.join(", ")),
        visible(&c.tailnet)
    );
    if c.findings.is_empty() {
        let _ = writeln!(out, "  every principal reaches the same nodes as today");
    }
    for f in &c.findings {
        let _ = writeln!(out, "  {:<8} {}", format!("{:?}", f.severity).to_uppercase(), visible(&f.title));
    }
}
