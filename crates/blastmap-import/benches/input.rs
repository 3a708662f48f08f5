//! Criterion benchmarks of the input path: the native text (JSON and YAML) of a generated
//! topology of 100k and 1M dependency edges, read by [`blastmap_import::load`] and
//! [`blastmap_import::load_many`] (one input) to a `Compiled`, and the same through the full
//! analysis. Run with `cargo bench -p blastmap-import --bench input` (a filter such as
//! `-- 100k` runs a part).

use blastmap_core::format::to_yaml;
use blastmap_core::generate::{generate, Params};
use blastmap_core::report::{analyze, Options};
use blastmap_import::{load, load_many, Input, Loaded};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

fn loaded(result: Result<Loaded, impl std::fmt::Display>) -> Loaded {
    match result {
        Ok(l) => l,
        Err(e) => panic!("generated topology does not load: {e}"),
    }
}

fn benches(c: &mut Criterion) {
    for edges in [100_000usize, 1_000_000] {
        let topology = generate(&Params::for_edges(edges, 1));
        let json = serde_json::to_string_pretty(&topology).unwrap_or_default();
        let yaml = to_yaml(&topology);
        drop(topology);
        let size = format!("{}k", edges / 1000);
        let mut g = c.benchmark_group("input");
        g.sample_size(10);
        for (format, text) in [("json", &json), ("yaml", &yaml)] {
            let label = format!("{format}-{size}");
            g.bench_with_input(BenchmarkId::new("load", &label), text, |b, t| b.iter(|| loaded(load(t, None))));
            g.bench_with_input(BenchmarkId::new("load_many", &label), text, |b, t| {
                b.iter(|| loaded(load_many(&[Input::new("generated", t)], None)))
            });
            g.bench_with_input(BenchmarkId::new("load_many+analyze", &label), text, |b, t| {
                b.iter(|| {
                    let l = loaded(load_many(&[Input::new("generated", t)], None));
                    analyze(&l.compiled, &Options::default())
                })
            });
        }
        g.finish();
    }
}

criterion_group!(input, benches);
criterion_main!(input);
