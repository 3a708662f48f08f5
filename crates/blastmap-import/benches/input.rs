//! Criterion benchmarks of the input path: the native text (JSON and YAML) of a generated
//! topology of 100k and 1M dependency edges, read by [`blastmap_import::load`] and
//! [`blastmap_import::load_many`] (one input) to a `Compiled`, and the same through the full
//! analysis; for JSON also each stage alone (`detect`, `parse` to a `Document`, `compile` of a
//! parsed document, `Model::build` of it); and Kubernetes manifests of 1,000 and 8,000
//! Deployments, each with its Service and environment references to three earlier ones, read to
//! a `Compiled` (`kubernetes-8000`: the selectors once made this quadratic). Run with `cargo
//! bench -p blastmap-import --bench input` (a filter such as `-- json-1000k` runs a part).

use blastmap_core::format::{parse, to_yaml, Document};
use blastmap_core::generate::{generate, Params};
use blastmap_core::report::{analyze, Options};
use blastmap_core::{compile, Model};
use blastmap_import::{detect, load, load_many, Input, Loaded};
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};

fn loaded(result: Result<Loaded, impl std::fmt::Display>) -> Loaded {
    match result {
        Ok(l) => l,
        Err(e) => panic!("generated topology does not load: {e}"),
    }
}

fn parsed(text: &str) -> Document {
    match parse(text) {
        Ok(doc) => doc,
        Err(e) => panic!("generated topology does not parse: {e:?}"),
    }
}

/// `n` Deployments with a Service each; Deployment `i` names three earlier Services in its
/// environment (a DAG, as manifests mostly are) and has one to three replicas.
fn manifests(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        let env: String = [7, 13, 31]
            .iter()
            .filter(|_| i > 0)
            .map(|k| {
                format!(
                    "\n            - name: DEP{k}_ADDR\n              value: \"svc{}:8080\"",
                    (i * k + 1) % i.max(1)
                )
            })
            .collect();
        let env = if env.is_empty() { " []".to_string() } else { env };
        out.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc{i}\nspec:\n  replicas: {}\n  selector:\n    matchLabels:\n      app: svc{i}\n  template:\n    metadata:\n      labels:\n        app: svc{i}\n    spec:\n      containers:\n        - name: server\n          image: example/svc{i}:1.0\n          env:{env}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc{i}\nspec:\n  selector:\n    app: svc{i}\n  ports:\n    - port: 8080\n",
            1 + i % 3
        ));
    }
    out
}

fn importers(c: &mut Criterion) {
    let mut g = c.benchmark_group("input");
    g.sample_size(10);
    for n in [1_000usize, 8_000] {
        let text = manifests(n);
        g.bench_with_input(BenchmarkId::new("load", format!("kubernetes-{n}")), &text, |b, t| {
            b.iter(|| loaded(load(t, None)))
        });
    }
    g.finish();
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
        let label = format!("json-{size}");
        let doc = parsed(&json);
        g.bench_with_input(BenchmarkId::new("stage-detect", &label), &json, |b, t| b.iter(|| detect(t)));
        g.bench_with_input(BenchmarkId::new("stage-parse", &label), &json, |b, t| b.iter(|| parsed(t)));
        g.bench_with_input(BenchmarkId::new("stage-compile", &label), &doc, |b, d| {
            b.iter_batched(|| d.clone(), compile, BatchSize::LargeInput)
        });
        g.bench_with_input(BenchmarkId::new("stage-build", &label), &doc, |b, d| b.iter(|| Model::build(d)));
        drop(doc);
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

criterion_group!(input, importers, benches);
criterion_main!(input);
