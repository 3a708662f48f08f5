//! `blastmap split FILE --by region`: per-region tailnets proposed, and the design before and
//! after compared: shard outages per tailnet, findings gained and lost.

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
    report.mesh.iter().map(|m| (m.failure.clone(), m.sentence.clone())).collect()
}

pub fn run(args: SplitArgs) -> Result<(), Failure> {
    let inputs = input::load(&args.input)?;
    let (name, bytes, before) = (inputs.name(), inputs.bytes, &inputs.loaded.compiled);
    let proposal = match split::split_by(&before.written.topology, &args.by) {
        Ok(p) => p,
        Err(message) => {
            let _ = writeln!(std::io::stderr(), "{name}: {}", blastmap_core::render::visible(&message));
            return Err(Failure::Reported);
        }
    };
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
    let text = match args.format {
        OutputFormat::Json => output::json(&json!({
            "proposals": proposal.proposals,
            "outages_before": outages(&br),
            "outages_after": outages(&ar),
            "diff": d,
        }))?,
        _ => {
            let mut out = String::new();
            for p in &proposal.proposals {
                let _ = writeln!(out, "Split of tailnet {} by {}:", p.tailnet, args.by);
                for (slice, shard, nodes) in &p.slices {
                    let new = if p.new_shards.contains(shard) { " (new shard)" } else { "" };
                    let _ = writeln!(out, "  {slice:<24} on {shard}{new}, {nodes} nodes");
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
            out.push('\n');
            out.push_str(&render::diff_text(&d, output::color() && args.format == OutputFormat::Text));
            if let Some(path) = &args.output {
                let _ = writeln!(out, "\nProposed topology written to {}", path.display());
            }
            out
        }
    };
    output::print(&text)
}
