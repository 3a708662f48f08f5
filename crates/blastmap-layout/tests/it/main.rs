//! Tests of the layout crate: focus, roll-up and the layered layout, on small hand-made graphs.

mod depth;
mod rollup;

use blastmap_layout::{
    focus, layout, view, BandKind, Edge, EdgeKind, Graph, Layout, NodeInfo, Params, RollUp, RollUpBy, View,
};

fn node(id: &str, region: Option<&str>, zone: Option<&str>) -> NodeInfo {
    NodeInfo { id: id.into(), region: region.map(Into::into), zone: zone.map(Into::into), ..NodeInfo::default() }
}

fn graph(nodes: Vec<NodeInfo>, edges: &[(u32, u32, EdgeKind)]) -> Graph {
    Graph { nodes, edges: edges.iter().map(|&(from, to, kind)| Edge { from, to, kind }).collect() }
}

fn plain(ids: &[&str], edges: &[(u32, u32)]) -> Graph {
    let edges: Vec<_> = edges.iter().map(|&(a, b)| (a, b, EdgeKind::Runtime)).collect();
    graph(ids.iter().map(|i| NodeInfo::new(*i)).collect(), &edges)
}

fn lay(v: &View) -> Layout {
    let chars: Vec<usize> = v.nodes.iter().map(|n| n.key.to_string().chars().count()).collect();
    layout(v, &chars, &Params::default())
}

/// Pairs of edges between adjacent layers that cross.
fn crossings(v: &View, l: &Layout) -> usize {
    let spans: Vec<(u32, f32, f32)> = v
        .edges
        .iter()
        .map(|e| (l.nodes[e.to as usize].layer, l.nodes[e.from as usize].top().0, l.nodes[e.to as usize].top().0))
        .collect();
    let mut count = 0;
    for (i, a) in spans.iter().enumerate() {
        for b in &spans[i + 1..] {
            if a.0 == b.0 && (a.1 - b.1) * (a.2 - b.2) < 0.0 {
                count += 1;
            }
        }
    }
    count
}

#[test]
fn layers_put_dependencies_below() {
    let g = plain(&["web", "api", "db", "cache"], &[(0, 1), (1, 2), (1, 3), (0, 3)]);
    let l = lay(&view(&g, None, &RollUp::none()));
    let layers: Vec<u32> = l.nodes.iter().map(|p| p.layer).collect();
    assert_eq!(layers, [2, 1, 0, 0]);
    assert_eq!(l.layers, 3);
    assert!(l.nodes[0].y < l.nodes[1].y && l.nodes[1].y < l.nodes[2].y);
}

#[test]
fn cycles_are_layered_without_looping() {
    let g = plain(&["a", "b", "c", "top"], &[(0, 1), (1, 2), (2, 0), (3, 0)]);
    let l = lay(&view(&g, None, &RollUp::none()));
    let layers: Vec<u32> = l.nodes.iter().map(|p| p.layer).collect();
    // The DFS from `a` ignores the edge c → a that closes the cycle.
    assert_eq!(layers, [2, 1, 0, 3]);
}

#[test]
fn crossing_reduction_untangles_two_layers() {
    // Initial order puts x before y below a, b; a → y and b → x cross until reordered.
    let g = plain(&["a", "b", "x", "y"], &[(0, 3), (1, 2)]);
    let v = view(&g, None, &RollUp::none());
    let untangled = lay(&v);
    assert_eq!(crossings(&v, &untangled), 0);
    let none = layout(&v, &[], &Params { sweeps: 0, ..Params::default() });
    assert_eq!(crossings(&v, &none), 1, "the test graph starts tangled");
}

#[test]
fn nodes_in_a_layer_never_overlap() {
    let ids: Vec<String> = (0..40).map(|i| format!("service-{i}")).collect();
    let mut nodes: Vec<NodeInfo> = ids.iter().map(|i| NodeInfo::new(i.as_str())).collect();
    for (i, n) in nodes.iter_mut().enumerate() {
        n.region = Some(["east", "west"][i % 2].into());
        n.zone = Some(["a", "b", "c"][i % 3].into());
    }
    let edges: Vec<(u32, u32, EdgeKind)> = (10..40).map(|i| (i, (i * 7) % 10, EdgeKind::Runtime)).collect();
    let g = graph(nodes, &edges);
    let l = lay(&view(&g, None, &RollUp::none()));
    assert_no_overlap(&l);
}

fn assert_no_overlap(l: &Layout) {
    for (i, a) in l.nodes.iter().enumerate() {
        for b in &l.nodes[i + 1..] {
            let apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
            assert!(apart, "{a:?} overlaps {b:?}");
        }
    }
}

#[test]
fn a_wide_layer_wraps_onto_lines_and_keeps_dependencies_below() {
    // 120 services on 60 hosts: a bottom layer of 60 side by side would be 6,000 wide.
    let mut ids: Vec<String> = (0..120).map(|i| format!("service-{i}")).collect();
    ids.extend((0..60).map(|i| format!("host-{i}")));
    let edges: Vec<(u32, u32)> = (0..120).map(|i| (i, 120 + i / 2)).collect();
    let g = plain(&ids.iter().map(String::as_str).collect::<Vec<_>>(), &edges);
    let v = view(&g, None, &RollUp::none());
    let l = lay(&v);
    assert!(l.width < 5_000.0, "width {}", l.width);
    assert_no_overlap(&l);
    for &(from, to) in &edges {
        let (a, b) = (&l.nodes[from as usize], &l.nodes[to as usize]);
        assert!(a.y + a.h < b.y, "{from} is drawn above its dependency {to}");
    }
    assert!(l.nodes.iter().all(|n| n.x >= 0.0 && n.x + n.w <= l.width && n.y + n.h <= l.height));
    // The order within a layer reads left to right, then line by line.
    let hosts: Vec<&blastmap_layout::Placed> = l.nodes[120..].iter().collect();
    let lines: std::collections::BTreeSet<i64> = hosts.iter().map(|n| n.y as i64).collect();
    assert!(lines.len() > 1, "the host layer wraps");
}

#[test]
fn placed_nodes_sit_inside_their_region_and_zone_boxes() {
    let g = graph(
        vec![
            node("web", None, None),
            node("api-1", Some("east"), Some("east-a")),
            node("api-2", Some("east"), Some("east-b")),
            node("db", Some("west"), Some("west-a")),
            node("dns", Some("west"), None),
        ],
        &[
            (0, 1, EdgeKind::Runtime),
            (0, 2, EdgeKind::Runtime),
            (1, 3, EdgeKind::Runtime),
            (2, 3, EdgeKind::Start),
            (3, 4, EdgeKind::Soft),
        ],
    );
    let v = view(&g, None, &RollUp::none());
    let l = lay(&v);
    let inside = |p: &blastmap_layout::Placed, kind: BandKind, label: &str| {
        let b = l.bands.iter().find(|b| b.kind == kind && b.label == label).unwrap_or_else(|| panic!("no box {label}"));
        p.x >= b.x && p.x + p.w <= b.x + b.w && p.y >= b.y && p.y + p.h <= b.y + b.h
    };
    assert!(inside(&l.nodes[1], BandKind::Region, "east") && inside(&l.nodes[1], BandKind::Zone, "east-a"));
    assert!(inside(&l.nodes[2], BandKind::Zone, "east-b"));
    assert!(inside(&l.nodes[3], BandKind::Region, "west") && inside(&l.nodes[3], BandKind::Zone, "west-a"));
    assert!(inside(&l.nodes[4], BandKind::Region, "west"));
    assert!(!inside(&l.nodes[0], BandKind::Region, "east") && !inside(&l.nodes[0], BandKind::Region, "west"));
    let regions: Vec<&str> = l.bands.iter().filter(|b| b.kind == BandKind::Region).map(|b| b.label.as_str()).collect();
    assert_eq!(regions, ["east", "west"]);
    assert!(l.nodes.iter().all(|p| p.x >= 0.0 && p.x + p.w <= l.width && p.y + p.h <= l.height));
}

#[test]
fn roll_up_aggregates_nodes_and_edges() {
    let g = graph(
        vec![
            node("web", None, None),
            node("a", Some("east"), None),
            node("b", Some("east"), None),
            node("c", Some("west"), None),
        ],
        &[
            (0, 1, EdgeKind::Runtime),
            (0, 2, EdgeKind::Runtime),
            (0, 2, EdgeKind::Monitor),
            (1, 2, EdgeKind::Runtime),
            (2, 3, EdgeKind::Runtime),
        ],
    );
    let v = view(&g, None, &RollUp::by(&[RollUpBy::Region]));
    let keys: Vec<String> = v.nodes.iter().map(|n| n.key.to_string()).collect();
    assert_eq!(keys, ["web", "region:east", "region:west"]);
    assert_eq!(v.nodes[1].members, [1, 2]);
    assert_eq!(v.nodes[1].rolled, Some((RollUpBy::Region, "east".into())));
    assert_eq!(v.of, [Some(0), Some(1), Some(1), Some(2)]);
    let edges: Vec<(u32, u32, EdgeKind, u32)> = v.edges.iter().map(|e| (e.from, e.to, e.kind, e.count)).collect();
    // a → b is inside the aggregate and disappears.
    assert_eq!(edges, [(0, 1, EdgeKind::Runtime, 2), (0, 1, EdgeKind::Monitor, 1), (1, 2, EdgeKind::Runtime, 1)]);

    let mut roll = RollUp::by(&[RollUpBy::Region]);
    roll.expanded.insert(RollUp::key(RollUpBy::Region, "east"));
    let v = view(&g, None, &roll);
    let keys: Vec<String> = v.nodes.iter().map(|n| n.key.to_string()).collect();
    assert_eq!(keys, ["web", "a", "b", "region:west"]);
}

#[test]
fn nested_roll_up_falls_through_to_the_next_attribute_when_expanded() {
    let mut nodes = vec![
        node("g", Some("east"), None),
        node("g-r0", Some("east"), Some("a")),
        node("g-r1", Some("east"), Some("b")),
    ];
    for n in &mut nodes {
        n.group = Some("g".into());
        n.kind = Some("service".into());
    }
    let g = graph(nodes, &[(0, 1, EdgeKind::Runtime), (0, 2, EdgeKind::Runtime)]);
    let mut roll = RollUp::by(&[RollUpBy::Region, RollUpBy::Group, RollUpBy::Kind]);
    let keys = |roll: &RollUp| view(&g, None, roll).nodes.iter().map(|n| n.key.to_string()).collect::<Vec<_>>();
    assert_eq!(keys(&roll), ["region:east"]);
    roll.expanded.insert(RollUp::key(RollUpBy::Region, "east"));
    assert_eq!(keys(&roll), ["group:g"]);
    let v = view(&g, None, &roll);
    assert_eq!(v.nodes[0].region.as_deref(), Some("east"));
    assert_eq!(v.nodes[0].zone, None, "members in different zones: no zone");
    roll.expanded.insert(RollUp::key(RollUpBy::Group, "g"));
    assert_eq!(keys(&roll), ["g", "g-r0", "g-r1"], "an expanded group shows its members, not their kind");
}

#[test]
fn focus_follows_hops_in_both_directions() {
    // top → mid → base → floor, side → base
    let g = plain(&["top", "mid", "base", "floor", "side"], &[(0, 1), (1, 2), (2, 3), (4, 2)]);
    assert_eq!(focus(&g, &[2], 1, 1), [false, true, true, true, true]);
    assert_eq!(focus(&g, &[2], 2, 0), [true, true, true, false, true]);
    assert_eq!(focus(&g, &[2], 0, 0), [false, false, true, false, false]);
    assert_eq!(focus(&g, &[99], 3, 3), [false; 5], "seeds out of range are ignored");
    let keep = focus(&g, &[1], 1, 1);
    let v = view(&g, Some(&keep), &RollUp::none());
    let keys: Vec<String> = v.nodes.iter().map(|n| n.key.to_string()).collect();
    assert_eq!(keys, ["top", "mid", "base"]);
    assert_eq!(v.of[3], None);
    assert_eq!(v.edges.len(), 2);
}

#[test]
fn empty_and_out_of_range_inputs_are_harmless() {
    let l = lay(&view(&Graph::default(), None, &RollUp::none()));
    assert_eq!(l, Layout::default());
    let g = plain(&["a"], &[(0, 7), (9, 0)]);
    let v = view(&g, None, &RollUp::none());
    assert!(v.edges.is_empty());
    assert_eq!(lay(&v).nodes.len(), 1);
}

#[test]
fn a_large_layered_graph_has_few_crossings_after_sweeps() {
    // A 6-layer graph where each node depends on two nodes of the layer below, shuffled.
    let per = 30u32;
    let layers = 6u32;
    let ids: Vec<String> = (0..per * layers).map(|i| format!("n{i}")).collect();
    let mut seed = 7u64;
    let mut rnd = |n: u32| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) % u64::from(n)) as u32
    };
    let mut edges = Vec::new();
    for l in 1..layers {
        for i in 0..per {
            let v = l * per + i;
            let a = (l - 1) * per + (i + rnd(3)) % per;
            let b = (l - 1) * per + (i + per - rnd(3)) % per;
            edges.push((v, a));
            if b != a {
                edges.push((v, b));
            }
        }
    }
    // Scramble the node order so the initial order is poor.
    let perm: Vec<u32> = (0..per * layers).map(|i| (i * 97) % (per * layers)).collect();
    let g = plain(
        &ids.iter().map(String::as_str).collect::<Vec<_>>(),
        &edges.iter().map(|&(a, b)| (perm[a as usize], perm[b as usize])).collect::<Vec<_>>(),
    );
    let v = view(&g, None, &RollUp::none());
    // Crossings are counted along one line per layer: no wrapping here.
    let unwrapped = Params { wrap_width: f32::INFINITY, ..Params::default() };
    let before = crossings(&v, &layout(&v, &[], &Params { sweeps: 0, ..unwrapped }));
    let after = crossings(&v, &layout(&v, &[], &unwrapped));
    assert!(after * 4 < before, "crossings {before} -> {after}");
}

#[test]
fn many_columns_wrap_together_to_a_shape_that_fits_a_screen() {
    // Six zones of 150 independent nodes each, side by side: not a strip.
    let mut nodes = Vec::new();
    for z in 0..6 {
        for i in 0..150 {
            nodes.push(node(&format!("n-{z}-{i}"), Some(["east", "west"][z % 2]), Some(&format!("zone-{z}"))));
        }
    }
    let chars: Vec<usize> = nodes.iter().map(|n| n.id.chars().count()).collect();
    let l = layout(&view(&graph(nodes, &[]), None, &RollUp::none()), &chars, &Params::default());
    // About as wide as tall (`wrap_aspect`, the graph panel's shape), give or take the
    // estimate of the lines each layer needs.
    let aspect = l.width / l.height;
    assert!((0.9..6.0).contains(&aspect), "{} x {}", l.width, l.height);
    assert_no_overlap(&l);
}

#[test]
fn a_row_of_parts_under_a_column_wraps_to_fit_the_panel() {
    // What opening a kind of 20,000 Deployments drew: a column of 20, and under it a row of
    // 25 parts with long labels, about 4,400 wide. Unwrapped (the drawing 4,500 wide before
    // wrapping, twice as wide as tall) Fit showed a thin strip; the row wraps onto lines now.
    let mut ids: Vec<String> = (0..20).map(|i| format!("c{i}")).collect();
    ids.extend((0..25).map(|i| format!("deployment {},001–{},000", i, i + 1)));
    let mut edges: Vec<(u32, u32)> = (0..19).map(|i| (i, i + 1)).collect();
    edges.extend((20..45).map(|p| (19, p)));
    let g = plain(&ids.iter().map(String::as_str).collect::<Vec<_>>(), &edges);
    let chars: Vec<usize> = ids.iter().map(|id| id.chars().count()).collect();
    let l = layout(&view(&g, None, &RollUp::none()), &chars, &Params::default());
    let lines: std::collections::BTreeSet<i64> = l.nodes[20..].iter().map(|p| p.y.round() as i64).collect();
    assert!(lines.len() >= 3, "the row of 25 on {} lines", lines.len());
    assert!(l.width <= 1.5 * l.height, "{} x {}", l.width, l.height);
    assert_no_overlap(&l);
}

#[test]
fn a_column_of_thousands_wraps_to_a_shape_that_fits_a_screen() {
    // 3,000 independent nodes in one layer: neither a strip nor a tower.
    let ids: Vec<String> = (0..3_000).map(|i| format!("node-{i}")).collect();
    let g = plain(&ids.iter().map(String::as_str).collect::<Vec<_>>(), &[]);
    let l = lay(&view(&g, None, &RollUp::none()));
    // About as wide as tall (`wrap_aspect`, the graph panel's shape), give or take the
    // estimate of the lines each layer needs.
    let aspect = l.width / l.height;
    assert!((0.9..6.0).contains(&aspect), "{} x {}", l.width, l.height);
    assert_no_overlap(&l);
}

#[test]
fn a_deep_chain_lays_out_without_recursion() {
    // 50,000 nodes, each depending on the next: one layer each. Layering and ordering walk it
    // with explicit stacks; a recursive walk would overflow the test thread's 2 MB stack.
    let n = 50_000u32;
    let ids: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
    let edges: Vec<(u32, u32)> = (0..n - 1).map(|i| (i, i + 1)).collect();
    let g = plain(&ids.iter().map(String::as_str).collect::<Vec<_>>(), &edges);
    let v = view(&g, None, &RollUp::none());
    let l = lay(&v);
    let mut layers: Vec<u32> = l.nodes.iter().map(|p| p.layer).collect();
    layers.sort_unstable();
    layers.dedup();
    assert_eq!(layers.len(), n as usize);
    assert_eq!(l.nodes[(n - 1) as usize].layer, 0, "the last depends on nothing");
}
