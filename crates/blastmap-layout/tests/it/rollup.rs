//! Roll-up by attributes on random graphs with focus and random aggregates opened, against the
//! rule written out the slow way: which shown node each node goes to, and the edges between
//! shown nodes per kind with their counts, sorted.

use std::collections::{BTreeMap, BTreeSet};

use blastmap_layout::{view, Adjacency, Edge, EdgeKind, Graph, Key, NodeInfo, RollUp, RollUpBy, View};

/// A seeded generator (no dependency needed for a few random graphs).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u32) -> u32 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % u64::from(n.max(1))) as u32
    }

    /// One of a few values, or none.
    fn value(&mut self, name: &str, of: u32) -> Option<String> {
        let v = self.below(of + 1);
        (v < of).then(|| format!("{name}{v}"))
    }
}

/// A random graph with regions, zones, kinds and groups (some missing), edges of every kind,
/// repeated ones included.
fn random(rng: &mut Rng, n: u32) -> Graph {
    let nodes = (0..n)
        .map(|i| NodeInfo {
            id: format!("n{i}"),
            region: rng.value("r", 3),
            zone: rng.value("z", 2),
            kind: rng.value("k", 4),
            group: rng.value("g", 6),
            ..NodeInfo::default()
        })
        .collect();
    let mut edges: Vec<Edge> = (0..n * 4)
        .map(|_| Edge { from: rng.below(n), to: rng.below(n), kind: EdgeKind::ALL[rng.below(5) as usize] })
        .collect();
    // Some with ends out of range (ignored everywhere), some sorted by where they leave (as the
    // page's are).
    if rng.below(4) == 0 {
        edges.push(Edge { from: n, to: 0, kind: EdgeKind::Runtime });
        edges.push(Edge { from: 0, to: n + 3, kind: EdgeKind::Soft });
    }
    if rng.below(2) == 0 {
        edges.sort_by_key(|e| e.from);
    }
    Graph { nodes, edges }
}

/// The key node `v` is shown under: the first attribute with a value not expanded; an expanded
/// container lets the next ones apply, an expanded kind only a group after it, an expanded
/// group shows its members.
fn expected_key(g: &Graph, v: usize, roll: &RollUp) -> Key {
    let info = &g.nodes[v];
    let mut rest: &[RollUpBy] = &roll.by;
    while let Some((&by, after)) = rest.split_first() {
        rest = after;
        let Some(value) = info.attr(by) else { continue };
        let key = RollUp::key(by, value);
        if !roll.expanded.contains(&key) {
            return key;
        }
        match by {
            RollUpBy::Region | RollUpBy::Zone => {}
            RollUpBy::Kind => {
                let group = rest.contains(&RollUpBy::Group).then(|| info.attr(RollUpBy::Group)).flatten();
                return match group.map(|value| RollUp::key(RollUpBy::Group, value)) {
                    Some(key) if !roll.expanded.contains(&key) => key,
                    _ => Key::Node(info.id.clone()),
                };
            }
            _ => break,
        }
    }
    Key::Node(info.id.clone())
}

fn check(g: &Graph, keep: &[bool], roll: &RollUp) -> View {
    let v = view(g, Some(keep), roll);
    for (node, kept) in keep.iter().enumerate() {
        match v.of[node] {
            Some(at) => {
                assert!(kept);
                let shown = &v.nodes[at as usize];
                assert_eq!(shown.key, expected_key(g, node, roll));
                assert!(shown.members.contains(&(node as u32)));
            }
            None => assert!(!kept),
        }
    }
    let keys: BTreeSet<&Key> = v.nodes.iter().map(|n| &n.key).collect();
    assert_eq!(keys.len(), v.nodes.len(), "one shown node per key");
    let mut counts: BTreeMap<(u32, u32, EdgeKind), u32> = BTreeMap::new();
    for e in &g.edges {
        let (Some(&Some(a)), Some(&Some(b))) = (v.of.get(e.from as usize), v.of.get(e.to as usize)) else { continue };
        if a != b {
            *counts.entry((a, b, e.kind)).or_default() += 1;
        }
    }
    let got: Vec<((u32, u32, EdgeKind), u32)> = v.edges.iter().map(|e| ((e.from, e.to, e.kind), e.count)).collect();
    let want: Vec<((u32, u32, EdgeKind), u32)> = counts.into_iter().collect();
    assert_eq!(got, want, "edges per (from, to, kind) with their counts, in that order");
    v
}

#[test]
fn attribute_roll_ups_follow_the_rule_and_aggregate_every_edge_in_order() {
    let mut rng = Rng(17);
    let orders: [&[RollUpBy]; 4] = [
        &[RollUpBy::Region, RollUpBy::Group, RollUpBy::Kind],
        &[RollUpBy::Region, RollUpBy::Zone, RollUpBy::Group],
        &[RollUpBy::Group],
        &[RollUpBy::Region, RollUpBy::Kind, RollUpBy::Group],
    ];
    for round in 0..150 {
        let n = 1 + rng.below(400);
        let g = random(&mut rng, n);
        let keep: Vec<bool> = (0..n).map(|_| round % 2 == 0 || rng.below(4) > 0).collect();
        let mut roll = RollUp::by(orders[round % orders.len()]);
        let v = check(&g, &keep, &roll);
        // Open a few aggregates, one after another, and check again; the view updated for each
        // opened aggregate is the view made anew.
        let adj = Adjacency::new(&g);
        let mut shown = v;
        for _ in 0..5 {
            let keys: Vec<Key> = shown.nodes.iter().filter(|n| n.rolled.is_some()).map(|n| n.key.clone()).collect();
            if keys.is_empty() {
                break;
            }
            let key = keys[rng.below(keys.len() as u32) as usize].clone();
            roll.expanded.insert(key.clone());
            let opened = shown.opened(&g, &adj, &roll, &key);
            shown = check(&g, &keep, &roll);
            assert_eq!(opened.as_ref(), Some(&shown), "{key} opened in place of the view made anew");
        }
    }
}

/// The view updated in place declines (the page then makes it anew) what it cannot update: a
/// key that is not an aggregate shown, a roll-up that does not expand it or rolls up by
/// depth, an adjacency of another graph.
#[test]
fn opening_in_place_declines_what_it_cannot_update() {
    let g = random(&mut Rng(5), 60);
    let adj = Adjacency::new(&g);
    let roll = RollUp::by(&[RollUpBy::Region, RollUpBy::Kind]);
    let v = view(&g, None, &roll);
    let east = RollUp::key(RollUpBy::Region, "r0");
    let mut opened = roll.clone();
    opened.expanded.insert(east.clone());
    assert!(v.opened(&g, &adj, &opened, &east).is_some());
    let node = v.nodes.iter().find(|n| n.rolled.is_none()).map(|n| n.key.clone()).unwrap_or(Key::Node("n0".into()));
    let mut with_node = roll.clone();
    with_node.expanded.insert(node.clone());
    assert!(v.opened(&g, &adj, &with_node, &node).is_none(), "a component is not opened");
    let absent = RollUp::key(RollUpBy::Region, "nowhere");
    let mut with_absent = roll.clone();
    with_absent.expanded.insert(absent.clone());
    assert!(v.opened(&g, &adj, &with_absent, &absent).is_none(), "not shown");
    assert!(v.opened(&g, &adj, &roll, &east).is_none(), "the roll-up does not expand it");
    let mut by_depth = opened.clone();
    by_depth.by.push(RollUpBy::Depth);
    assert!(v.opened(&g, &adj, &by_depth, &east).is_none(), "bands are made anew");
    let other = Adjacency::new(&random(&mut Rng(6), 61));
    assert!(v.opened(&g, &other, &opened, &east).is_none(), "another graph's adjacency");
}
