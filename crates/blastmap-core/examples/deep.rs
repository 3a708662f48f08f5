//! Times each phase of the full analysis on the deep shapes:
//! `cargo run --release -p blastmap-core --example deep -- chain 1000000`,
//! `… -- start-chain 100000`, `… -- spine 1000 100000` (depth, leaves). A last argument
//! `availability` gives every component an availability of 0.999 (the availability analysis
//! then runs too).

use std::time::Instant;

use blastmap_core::format::Document;
use blastmap_core::generate::{chain, spine, start_chain};
use blastmap_core::report::{analyze_with_progress, Options};
use blastmap_core::{algo, compile};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize, default: usize| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(default);
    let t0 = Instant::now();
    let with_availability = args.last().is_some_and(|a| a == "availability");
    let mut topology = match args.first().map(String::as_str) {
        Some("chain") | None => chain(number(1, 1_000_000)),
        Some("start-chain") => start_chain(number(1, 100_000)),
        Some("spine") => spine(number(1, 1_000), number(2, 100_000)),
        Some(other) => {
            eprintln!("unknown shape `{other}`: expected chain N, start-chain N or spine DEPTH LEAVES");
            std::process::exit(2);
        }
    };
    if with_availability {
        for c in &mut topology.components {
            c.availability = Some(0.999);
        }
    }
    let t1 = Instant::now();
    let compiled = compile(Document::from_topology(topology)).expect("generated topologies are valid");
    let m = &compiled.model;
    println!(
        "generate {:?}, compile {:?}: {} nodes, {} runtime edges, {} edges, {} targets",
        t1 - t0,
        t1.elapsed(),
        m.len(),
        m.runtime_edge_count(),
        m.edge_count(),
        m.targets().len()
    );
    let t = Instant::now();
    let k = algo::single_failures(m);
    println!("single_failures alone {:?} (sum |K| = {})", t.elapsed(), k.total());
    drop(k);
    let t = Instant::now();
    let mut last = Instant::now();
    let mut phases = Vec::new();
    let mut previous = String::from("start");
    let report = analyze_with_progress(&compiled, &Options::default(), &mut |step, _| {
        phases.push(format!("{previous} {:?}", last.elapsed()));
        previous = step.to_string();
        last = Instant::now();
    });
    println!("full analyze {:?} ({} findings)", t.elapsed(), report.findings.len());
    for p in phases.iter().skip(1) {
        println!("  {p}");
    }
    let t = Instant::now();
    let json = serde_json::to_string(&report).expect("reports serialize");
    println!("report as JSON {:?} ({} bytes)", t.elapsed(), json.len());
}
