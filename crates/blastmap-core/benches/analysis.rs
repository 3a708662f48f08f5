//! Criterion benchmarks: the full analysis and one what-if on generated topologies of 10k, 100k
//! and 1M dependency edges. Run with `cargo bench -p blastmap-core --bench analysis`.

use blastmap_core::format::Document;
use blastmap_core::generate::{generate, Params};
use blastmap_core::report::{analyze, Options};
use blastmap_core::{algo, compile, Compiled};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

fn model(edges: usize) -> Compiled {
    let doc = Document::from_topology(generate(&Params::for_edges(edges, 1)));
    match compile(doc) {
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

criterion_group!(analysis, benches);
criterion_main!(analysis);
