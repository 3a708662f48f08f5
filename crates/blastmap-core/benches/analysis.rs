//! Criterion benchmarks: the full analysis and one what-if on generated topologies of 10k, 100k
//! and 1M dependency edges, and the full analysis of the deep shapes (a 1,000,000-component
//! `requires` chain, a 100,000-component `requires_at_start` chain, a 1,000-deep spine under
//! 100,000 leaves). Run with `cargo bench -p blastmap-core --bench analysis`.

use blastmap_core::format::Document;
use blastmap_core::generate::{chain, generate, spine, start_chain, Params};
use blastmap_core::report::{analyze, Options};
use blastmap_core::{algo, compile, Compiled};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

fn model(edges: usize) -> Compiled {
    compiled(generate(&Params::for_edges(edges, 1)))
}

fn compiled(t: blastmap_core::Topology) -> Compiled {
    match compile(Document::from_topology(t)) {
        Ok(m) => m,
        Err(e) => panic!("generated topology is invalid: {e}"),
    }
}

fn benches(c: &mut Criterion) {
    for edges in [10_000usize, 100_000, 1_000_000] {
        let m = model(edges);
        let label = format!("{}k", edges / 1000);
        let mut g = c.benchmark_group("analysis");
        if edges >= 1_000_000 {
            g.sample_size(10);
        }
        g.bench_with_input(BenchmarkId::new("full", &label), &m, |b, m| b.iter(|| analyze(m, &Options::default())));
        g.finish();
        let m = &m.model;
        let hub = m.lookup("dns-r0").unwrap_or(0);
        let leaf = m.lookup("s0-0-r0").unwrap_or(0);
        let mut g = c.benchmark_group("what_if");
        g.bench_with_input(BenchmarkId::new("hub", &label), m, |b, m| b.iter(|| algo::what_if(m, &[hub])));
        g.bench_with_input(BenchmarkId::new("replica", &label), m, |b, m| b.iter(|| algo::what_if(m, &[leaf])));
        g.finish();
    }
}

fn deep(c: &mut Criterion) {
    let mut g = c.benchmark_group("deep");
    g.sample_size(10);
    for (label, t) in [
        ("chain-1M", chain(1_000_000)),
        ("start-chain-100k", start_chain(100_000)),
        ("spine-1k-100k", spine(1_000, 100_000)),
    ] {
        let m = compiled(t);
        g.bench_with_input(BenchmarkId::new("full", label), &m, |b, m| b.iter(|| analyze(m, &Options::default())));
    }
    g.finish();
}

criterion_group!(analysis, benches, deep);
criterion_main!(analysis);
