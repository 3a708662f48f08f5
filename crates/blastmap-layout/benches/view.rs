//! Criterion benchmarks of the roll-up (`view`) on a random graph of 250,000 nodes and a
//! million edges (four regions, thirty kinds, a third of the nodes in 20,000 groups): the first
//! view, one region opened (its ~13,000 replica sets and kinds in parts, ranked by depth), one
//! of its parts opened (updated in place from the region's view, as the page does, and anew),
//! and a kind opened inside it whose 1,500 members go into parts too: with the graph's depths kept
//! from an earlier view, as the page keeps them, and (the kind) without. Run with `cargo bench
//! -p blastmap-layout --bench view`.

use std::cell::OnceCell;

use blastmap_layout::{view, view_with, Adjacency, Edge, EdgeKind, Graph, NodeInfo, RollUp, RollUpBy};
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
    // One of the region's parts opened: in place (as the page opens it) and anew.
    let adj = Adjacency::new(&g);
    let region = view_with(&g, None, &roll, &kept);
    let part = region.nodes.iter().find(|n| n.part.is_some()).map(|n| n.key.clone()).expect("the region in parts");
    let mut in_part = roll.clone();
    in_part.expanded.insert(part.clone());
    group.bench_function("part-opened-in-place", |b| b.iter(|| region.opened(&g, &adj, &in_part, &part, &kept)));
    group.bench_function("part-opened-anew", |b| b.iter(|| view_with(&g, None, &in_part, &kept)));
    roll.expanded.insert(RollUp::key(RollUpBy::Kind, "k1"));
    group.bench_function("kind-in-parts", |b| b.iter(|| view_with(&g, None, &roll, &kept)));
    group.bench_function("kind-in-parts-depths-anew", |b| b.iter(|| view(&g, None, &roll)));
    group.finish();
}

criterion_group!(layout, roll_up);
criterion_main!(layout);
