//! Criterion benchmarks of the roll-up (`view`) on a random graph of 250,000 nodes and a
//! million edges (four regions, thirty kinds, a third of the nodes in 20,000 groups): the first
//! view, one region opened (its ~13,000 replica sets and kinds in parts, ranked by depth), and
//! a kind opened inside it whose 1,500 members go into parts too: with the graph's depths kept
//! from an earlier view, as the page keeps them, and (the kind) without. Run with `cargo bench
//! -p blastmap-layout --bench view`.

use std::cell::OnceCell;

use blastmap_layout::{view, view_with, Edge, EdgeKind, Graph, NodeInfo, RollUp, RollUpBy};
use criterion::{criterion_group, criterion_main, Criterion};

/// The graph described above, the same every run (a fixed linear congruential generator).
fn estate() -> Graph {
    let n = 250_000u32;
    let mut state = 7u64;
    let mut below = |m: u32| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((state >> 33) % u64::from(m)) as u32
    };
    let nodes = (0..n)
        .map(|i| NodeInfo {
            id: format!("n{i}"),
            region: Some(format!("r{}", below(4))),
            kind: Some(format!("k{}", below(30))),
            group: (below(3) == 0).then(|| format!("g{}", below(20_000))),
            ..NodeInfo::default()
        })
        .collect();
    let edges = (0..4 * n).map(|_| Edge { from: below(n), to: below(n), kind: EdgeKind::Runtime }).collect();
    Graph { nodes, edges }
}

fn roll_up(c: &mut Criterion) {
    let g = estate();
    let mut roll = RollUp::by(&[RollUpBy::Region, RollUpBy::Group, RollUpBy::Kind]);
    let mut group = c.benchmark_group("view-250k");
    group.sample_size(20);
    group.bench_function("first", |b| b.iter(|| view(&g, None, &roll)));
    roll.expanded.insert(RollUp::key(RollUpBy::Region, "r0"));
    let kept = OnceCell::new();
    group.bench_function("region-opened", |b| b.iter(|| view_with(&g, None, &roll, &kept)));
    roll.expanded.insert(RollUp::key(RollUpBy::Kind, "k1"));
    group.bench_function("kind-in-parts", |b| b.iter(|| view_with(&g, None, &roll, &kept)));
    group.bench_function("kind-in-parts-depths-anew", |b| b.iter(|| view(&g, None, &roll)));
    group.finish();
}

criterion_group!(layout, roll_up);
criterion_main!(layout);
