//! Times each analysis on a generated topology: `cargo run --release -p blastmap-core --example scale -- EDGES`.

use std::time::Instant;

use blastmap_core::format::Document;
use blastmap_core::generate::{generate, Params};
use blastmap_core::{algo, compile};

fn main() {
    let edges: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let t0 = Instant::now();
    let topology = generate(&Params::for_edges(edges, 1));
    let doc = Document::from_topology(topology);
    let t1 = Instant::now();
    let compiled = compile(doc).expect("valid");
    let m = &compiled.model;
    println!(
        "generate {:?}, build {:?}: {} nodes, {} runtime edges, {} edges",
        t1 - t0,
        t1.elapsed(),
        m.len(),
        m.runtime_edge_count(),
        m.edge_count()
    );
    let t = Instant::now();
    let k = algo::single_failures(m);
    println!(
        "single_failures {:?} (sum |K| = {}, stored {}, max {})",
        t.elapsed(),
        k.total(),
        k.stored(),
        m.ids().map(|v| k.size(v)).max().unwrap_or(0)
    );
    let t = Instant::now();
    let dc = k.down_counts();
    let s = algo::spofs(m, &k, blastmap_core::report::LIST_LIMIT);
    let c = algo::criticality(m, &k, &dc);
    println!("spofs+criticality {:?} ({} spofs, {} ranked)", t.elapsed(), s.len(), c.len());
    let t = Instant::now();
    let r = algo::redundancy(m, &k, &dc, algo::DEFAULT_BUDGET);
    println!(
        "redundancy {:?} ({} gates, {} false, {} bounded)",
        t.elapsed(),
        r.len(),
        r.iter().filter(|g| g.is_false()).count(),
        r.iter().filter(|g| !g.exact).count()
    );
    let t = Instant::now();
    let cy = algo::cycles(m);
    println!("cycles {:?} ({})", t.elapsed(), cy.len());
    let t = Instant::now();
    let b = algo::blind_spots(m, &k, blastmap_core::report::LIST_LIMIT);
    println!("blind_spots {:?} ({})", t.elapsed(), b.len());
    let t = Instant::now();
    let bl = algo::blindings(m, &k);
    println!("blindings {:?} ({})", t.elapsed(), bl.len());
    let t = Instant::now();
    let cs = algo::cold_start(m);
    println!("cold_start {:?} ({} waves, {} deadlocked)", t.elapsed(), cs.waves.len(), cs.deadlocked.len());
    let t = Instant::now();
    let h = algo::restart_hazards(m, &k);
    println!("restart {:?} ({})", t.elapsed(), h.len());
    let t = Instant::now();
    let mut last = Instant::now();
    let mut phases = Vec::new();
    let rep = blastmap_core::report::analyze_with_progress(&compiled, &Default::default(), &mut |step, _| {
        phases.push(format!("{step} @{:?}", last.elapsed()));
        last = Instant::now();
    });
    println!("full analyze {:?} ({} findings)", t.elapsed(), rep.findings.len());
    println!("  phases (time spent before each step starts): {}", phases.join(", "));
    let t = Instant::now();
    let text = blastmap_core::render::text(&rep, false);
    println!("render text {:?} ({} bytes)", t.elapsed(), text.len());
    let t = Instant::now();
    let w = algo::what_if(m, &[m.lookup("dns-r0").unwrap_or(0)]);
    println!("what-if dns-r0 {:?} ({} down)", t.elapsed(), w.steady.order.len());
}
