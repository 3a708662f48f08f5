//! Times the comparison with traces on a generated topology: `cargo run --release -p
//! blastmap-core --example observed -- EDGES HIDDEN`. The traces name every service (each a
//! 1-of-3 or 2-of-3 group), show every declared call between services, and HIDDEN calls more
//! from a service to one of a lower layer that it does not declare.

use std::collections::BTreeSet;
use std::time::Instant;

use blastmap_core::format::Document;
use blastmap_core::generate::{generate, Params};
use blastmap_core::observed::{compare, Call, Limits, Observation, ObservedService};
use blastmap_core::{algo, compile};

fn main() {
    let mut args = std::env::args().skip(1);
    let edges: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let hidden: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(16);
    let topology = generate(&Params::for_edges(edges, 1));
    let compiled = compile(Document::from_topology(topology.clone())).expect("valid");
    let m = &compiled.model;
    // Services: the groups `sL-i`; a replica `sL-i-rN` calls what it requires, as its service.
    let service = |id: &str| -> Option<String> {
        let base = id.rsplit_once("-r").map_or(id, |(b, _)| b);
        (base.starts_with('s') && base.contains('-') && m.lookup(base).is_some()).then(|| base.to_string())
    };
    let mut services: BTreeSet<String> = BTreeSet::new();
    let mut calls: BTreeSet<(String, String)> = BTreeSet::new();
    for c in &topology.components {
        let Some(from) = service(&c.id) else { continue };
        services.insert(from.clone());
        for r in &c.requires {
            if let Some(to) = service(r).filter(|to| *to != from) {
                calls.insert((from.clone(), to));
            }
        }
    }
    let list: Vec<&String> = services.iter().collect();
    let mut added = 0;
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    while added < hidden && list.len() > 1 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let a = list[(seed % list.len() as u64) as usize];
        let b = list[((seed >> 20) % list.len() as u64) as usize];
        // From a higher layer to a lower one: no cycle needed to make a difference.
        let layer = |s: &str| s.get(1..).and_then(|r| r.split('-').next()).and_then(|l| l.parse::<u32>().ok());
        if a != b && layer(a) > layer(b) && calls.insert((a.clone(), b.clone())) {
            added += 1;
        }
    }
    let observation = Observation {
        services: services.iter().map(|s| ObservedService { name: s.clone(), pos: None }).collect(),
        calls: calls.iter().map(|(a, b)| Call { from: a.clone(), to: b.clone(), count: Some(1), pos: None }).collect(),
    };
    let k = algo::single_failures(m);
    println!(
        "{} nodes, {} edges, sum |K| = {}; traces: {} services, {} calls ({} hidden)",
        m.len(),
        m.edge_count(),
        k.total(),
        observation.services.len(),
        observation.calls.len(),
        added
    );
    let t = Instant::now();
    let c = compare(&compiled, &observation, &Limits::default());
    let weighed = if c.report.one_by_one { "one by one and together" } else { "together only" };
    println!(
        "compare {:?}: {} matched, {} hidden ({weighed}), {} marks, {} findings, {} cut",
        t.elapsed(),
        c.report.matches.len(),
        c.report.hidden.len(),
        c.report.marks.len(),
        c.findings.len(),
        c.incomplete.len()
    );
    for reason in &c.incomplete {
        println!("  cut: {reason}");
    }
}
