//! Roll-up by dependency depth: depths against a brute-force oracle, and the bands' properties
//! (every node in exactly one shown node, bands ordered by depth, edges aggregated) on random
//! graphs with random bands opened.

use std::collections::{BTreeMap, BTreeSet};

use blastmap_layout::{depths, view, Edge, EdgeKind, Graph, Key, NodeInfo, RollUp, RollUpBy, View};

/// A seeded generator (no dependency needed for a few random graphs).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u32) -> u32 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % u64::from(n.max(1))) as u32
    }
}

fn chain(n: u32) -> Graph {
    Graph {
        nodes: (0..n).map(|i| NodeInfo::new(format!("c{i}"))).collect(),
        edges: (1..n).map(|i| Edge { from: i - 1, to: i, kind: EdgeKind::Runtime }).collect(),
    }
}

/// A random graph: mostly edges to later nodes (deep), some back (cycles), all kinds.
fn random(rng: &mut Rng, n: u32) -> Graph {
    let mut edges = Vec::new();
    for _ in 0..n * 2 {
        let from = rng.below(n);
        let to = if rng.below(5) == 0 { rng.below(n) } else { from + 1 + rng.below(3) };
        if to < n {
            edges.push(Edge { from, to, kind: EdgeKind::ALL[rng.below(5) as usize] });
        }
    }
    Graph { nodes: (0..n).map(|i| NodeInfo::new(format!("n{i}"))).collect(), edges }
}

/// Depths the slow way: mutual reachability for the cycles, then relaxation until stable.
fn oracle(g: &Graph) -> Vec<u32> {
    let n = g.len();
    let mut reach = vec![vec![false; n]; n];
    for (v, row) in reach.iter_mut().enumerate() {
        row[v] = true;
    }
    for e in g.edges.iter().filter(|e| e.kind.is_dependency()) {
        reach[e.from as usize][e.to as usize] = true;
    }
    for k in 0..n {
        let via = reach[k].clone();
        for row in reach.iter_mut().filter(|row| row[k]) {
            for (r, &v) in row.iter_mut().zip(&via) {
                *r |= v;
            }
        }
    }
    let mut depth = vec![0u32; n];
    loop {
        let mut changed = false;
        for e in g.edges.iter().filter(|e| e.kind.is_dependency()) {
            let (a, b) = (e.from as usize, e.to as usize);
            let bump = if reach[b][a] { depth[b] } else { depth[b] + 1 };
            if depth[a] < bump {
                depth[a] = bump;
                changed = true;
            }
        }
        if !changed {
            return depth;
        }
    }
}

/// The depths a shown node stands for: its band, or its own depth.
fn range(v: &View, node: u32, depth: &[u32]) -> (u32, u32) {
    let n = &v.nodes[node as usize];
    n.depths.unwrap_or_else(|| (depth[n.members[0] as usize], depth[n.members[0] as usize]))
}

/// The properties every view rolled up by depth has.
fn check(g: &Graph, roll: &RollUp) -> View {
    let v = view(g, None, roll);
    let depth = depths(g);
    // Every node in exactly one shown node, and that one is `of`'s.
    let mut seen = vec![0u32; g.len()];
    for (i, node) in v.nodes.iter().enumerate() {
        assert!(!node.members.is_empty());
        assert!(node.members.windows(2).all(|w| w[0] < w[1]), "members ascending");
        for &m in &node.members {
            seen[m as usize] += 1;
            assert_eq!(v.of[m as usize], Some(i as u32));
        }
        match node.depths {
            Some((lo, hi)) => {
                assert_eq!(node.rolled, Some((RollUpBy::Depth, format!("{lo}-{hi}"))));
                assert_eq!(node.key, Key::Band(lo, hi));
                assert!(node.members.iter().all(|&m| (lo..=hi).contains(&depth[m as usize])), "{}", node.key);
            }
            None => assert_eq!(node.members.len(), 1, "a node not in a band is shown itself"),
        }
    }
    assert!(seen.iter().all(|&s| s == 1), "every node in exactly one shown node");
    // Bands (and nodes shown themselves) do not overlap, and are listed by depth.
    let ranges: Vec<(u32, u32)> = (0..v.nodes.len() as u32).map(|i| range(&v, i, &depth)).collect();
    for (i, a) in ranges.iter().enumerate() {
        for b in &ranges[i + 1..] {
            let same_depth = a.0 == a.1 && a == b;
            assert!(same_depth || a.1 < b.0 || b.1 < a.0, "bands {a:?} and {b:?} overlap");
        }
    }
    assert!(ranges.windows(2).all(|w| w[0] <= w[1]), "shown nodes ordered by depth: {ranges:?}");
    // A dependency between two shown nodes points to shallower depths.
    for e in v.edges.iter().filter(|e| e.kind.is_dependency()) {
        let (a, b) = (ranges[e.from as usize], ranges[e.to as usize]);
        assert!(b.1 <= a.0, "edge {a:?} → {b:?} points deeper");
    }
    // Edges aggregated: per (from, to, kind) between different shown nodes, their count.
    let mut counts: BTreeMap<(u32, u32, EdgeKind), u32> = BTreeMap::new();
    for e in &g.edges {
        let (Some(a), Some(b)) = (v.of[e.from as usize], v.of[e.to as usize]) else { continue };
        if a != b {
            *counts.entry((a, b, e.kind)).or_default() += 1;
        }
    }
    let got: BTreeMap<(u32, u32, EdgeKind), u32> = v.edges.iter().map(|e| ((e.from, e.to, e.kind), e.count)).collect();
    assert_eq!(got, counts);
    v
}

#[test]
fn depths_match_the_oracle_on_random_graphs() {
    let mut rng = Rng(13);
    for round in 0..300 {
        let n = 1 + rng.below(40);
        let g = random(&mut rng, n);
        assert_eq!(depths(&g), oracle(&g), "round {round}: {:?}", g.edges);
    }
}

#[test]
fn bands_hold_every_node_once_in_depth_order_with_edges_aggregated() {
    let mut rng = Rng(7);
    for _ in 0..200 {
        let n = 1 + rng.below(900);
        let g = random(&mut rng, n);
        let mut roll = RollUp::by(&[RollUpBy::Depth]);
        let v = check(&g, &roll);
        assert!(v.nodes.len() <= 25, "{} bands", v.nodes.len());
        // Open a few bands, one level at a time, and check again.
        for _ in 0..4 {
            let keys: Vec<Key> = v_keys(&view(&g, None, &roll));
            if keys.is_empty() {
                break;
            }
            roll.expanded.insert(keys[rng.below(keys.len() as u32) as usize].clone());
            check(&g, &roll);
        }
    }
}

fn v_keys(v: &View) -> Vec<Key> {
    v.nodes.iter().filter(|n| n.depths.is_some()).map(|n| n.key.clone()).collect()
}

#[test]
fn a_long_chain_opens_as_a_few_bands_that_open_down_to_its_components() {
    let g = chain(100_000);
    let mut roll = RollUp::by(&[RollUpBy::Depth]);
    let v = check(&g, &roll);
    let keys: Vec<String> = v.nodes.iter().map(|n| n.key.to_string()).collect();
    assert_eq!(keys.len(), 20);
    assert_eq!((keys[0].as_str(), keys[19].as_str()), ("depth:0-4999", "depth:95000-99999"));
    assert_eq!(v.nodes[0].members.len(), 5_000);
    // One edge joins each band to the next shallower one.
    assert_eq!(v.edges.len(), 19);
    assert!(v.edges.iter().all(|e| e.count == 1 && e.from == e.to + 1));
    // Opened, a band is cut again; a band of a screenful shows its components.
    roll.expanded.insert(Key::Band(5000, 9999));
    let v = check(&g, &roll);
    assert_eq!(v.nodes.len(), 19 + 25);
    assert!(v.nodes.iter().any(|n| n.key == Key::Band(5000, 5199)));
    roll.expanded.insert(Key::Band(5000, 5199));
    let v = check(&g, &roll);
    assert_eq!(v.nodes.len(), 19 + 24 + 200);
    // c94999 is 5,000 below the top of the chain: depth 5,000.
    assert!(v.nodes.iter().any(|n| n.key == Key::Node("c94999".into()) && n.depths.is_none()));
}

#[test]
fn depth_rolls_up_only_what_the_attributes_before_it_leave() {
    let mut g = chain(1_000);
    for n in &mut g.nodes[..400] {
        n.region = Some("east".into());
    }
    let v = check_mixed(&g);
    assert_eq!(v.nodes[0].key, RollUp::key(RollUpBy::Region, "east"));
    assert_eq!(v.nodes[0].members.len(), 400);
    // The other 600 are at depths 0..600, in bands of 50.
    assert_eq!(v.nodes.len(), 1 + 12);
    assert!(v.nodes[1..].iter().all(|n| n.depths.is_some() && n.members.len() == 50));
}

fn check_mixed(g: &Graph) -> View {
    let v = view(g, None, &RollUp::by(&[RollUpBy::Region, RollUpBy::Depth]));
    let total: usize = v.nodes.iter().map(|n| n.members.len()).sum();
    assert_eq!(total, g.len());
    let keys: BTreeSet<&Key> = v.nodes.iter().map(|n| &n.key).collect();
    assert_eq!(keys.len(), v.nodes.len(), "keys are unique");
    v
}

#[test]
fn a_component_named_like_a_band_or_an_aggregate_is_neither() {
    // A chain of 400 (rolled up in bands of 20) whose deepest component is called like the band
    // that holds it, one like a narrower band, one like the kind another component rolls into.
    let mut g = chain(400);
    g.nodes[399].id = "depth:0-19".into();
    g.nodes[390].id = "depth:0-0".into();
    g.nodes[395].id = "kind:db".into();
    g.nodes[1].kind = Some("db".into());
    let roll = RollUp::by(&[RollUpBy::Kind, RollUpBy::Depth]);
    let v = check_unique(&g, &roll);
    let band = v.nodes.iter().find(|n| n.key == Key::Band(0, 19)).unwrap();
    assert_eq!(band.members.len(), 20);
    assert!(band.members.contains(&399));
    // Opening the band "depth:0-19" opens the band, not a component. Shown themselves, the
    // components called like a band or an aggregate are each one node of their own: the kind
    // aggregate holds only the component of that kind.
    let mut open = roll.clone();
    open.expanded.insert(Key::Band(0, 19));
    open.expanded.insert(Key::Node("depth:0-0".into()));
    let v = check_unique(&g, &open);
    assert!(v.nodes.iter().all(|n| n.key != Key::Band(0, 19)));
    let named = |id: &str| -> Vec<Vec<u32>> {
        v.nodes.iter().filter(|n| n.key == Key::Node(id.into())).map(|n| n.members.clone()).collect()
    };
    assert_eq!(named("depth:0-19"), [vec![399]]);
    assert_eq!(named("depth:0-0"), [vec![390]]);
    assert_eq!(named("kind:db"), [vec![395]]);
    let kind = v.nodes.iter().find(|n| n.key == RollUp::key(RollUpBy::Kind, "db")).unwrap();
    assert_eq!(kind.members, [1]);
    // Written out, a component and the band it is named after read the same: the key's
    // variant, not its text, tells them apart.
    assert_eq!(Key::Node("depth:0-19".into()).to_string(), Key::Band(0, 19).to_string());
    assert_ne!(Key::Node("depth:0-19".into()), Key::Band(0, 19));
}

/// The view, with every node in one shown node and no two shown nodes under one key.
fn check_unique(g: &Graph, roll: &RollUp) -> View {
    let v = view(g, None, roll);
    let total: usize = v.nodes.iter().map(|n| n.members.len()).sum();
    assert_eq!(total, g.len());
    let keys: BTreeSet<&Key> = v.nodes.iter().map(|n| &n.key).collect();
    assert_eq!(keys.len(), v.nodes.len(), "keys are unique");
    v
}

#[test]
fn a_chain_of_bands_lays_out_in_rows_read_left_to_right_then_down() {
    use blastmap_layout::{layout, Params, GRID_ABOVE};
    let p = Params::default();
    for (n, bands) in [(3_000, 15), (100_000, 20), (2_500, 25)] {
        let v = view(&chain(n), None, &RollUp::by(&[RollUpBy::Depth]));
        assert_eq!(v.nodes.len(), bands);
        let l = layout(&v, &vec![25; v.nodes.len()], &p);
        // Reading order (rows top to bottom, left to right in a row) is depth order, deepest
        // first: each band depends on the next one read.
        let mut read: Vec<usize> = (0..bands).collect();
        read.sort_by(|&a, &b| (l.nodes[a].y, l.nodes[a].x).partial_cmp(&(l.nodes[b].y, l.nodes[b].x)).unwrap());
        let depth = |i: usize| v.nodes[i].depths.unwrap().0;
        assert!(read.windows(2).all(|w| depth(w[0]) > depth(w[1])), "{n}: {read:?}");
        let mut rows: Vec<f32> = l.nodes.iter().map(|at| at.y).collect();
        rows.dedup();
        rows.sort_by(f32::total_cmp);
        rows.dedup();
        assert!(rows.len() > 1 && rows.len() < bands, "{n}: {} rows", rows.len());
        for e in &v.edges {
            let (a, b) = (l.nodes[e.from as usize], l.nodes[e.to as usize]);
            assert!((a.y == b.y && a.x + a.w < b.x) || a.y + a.h < b.y, "{n}: {a:?} → {b:?}");
        }
        // Nothing overlaps, and the drawing is about as wide as tall, not a column: at the
        // page's readable scale (0.7) it fits a graph of 750 × 640 pixels.
        for (i, a) in l.nodes.iter().enumerate() {
            for b in &l.nodes[i + 1..] {
                assert!(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y);
            }
            assert!(a.x >= 0.0 && a.y >= 0.0 && a.x + a.w <= l.width && a.y + a.h <= l.height);
        }
        assert!(l.width * 0.7 <= 750.0 && l.height * 0.7 <= 640.0, "{n}: {} × {}", l.width, l.height);
        assert!(l.bands.is_empty());
    }
    // A short column, or a view with a component in it, keeps the layered layout.
    let v = view(&chain(GRID_ABOVE as u32), None, &RollUp::by(&[RollUpBy::Depth]));
    let l = layout(&v, &vec![0; v.nodes.len()], &p);
    assert!(l.nodes.windows(2).all(|w| w[0].x == w[1].x && w[0].y > w[1].y), "{l:?}");
    let mut roll = RollUp::by(&[RollUpBy::Depth]);
    roll.expanded.insert(Key::Band(0, 199));
    let v = view(&chain(3_000), None, &roll);
    let l = layout(&v, &vec![0; v.nodes.len()], &p);
    let column: BTreeSet<i64> = l.nodes.iter().map(|at| (at.x + at.w / 2.0).round() as i64).collect();
    assert_eq!(column.len(), 1, "one column, as before");
}
