//! Roll-up by attributes on random graphs with focus and random aggregates opened, against the
//! rule written out the slow way: which shown node each node goes to (parts of an opened
//! aggregate too large to show its members included), and the edges between shown nodes per
//! kind with their counts, sorted.

use std::collections::{BTreeMap, BTreeSet};

use blastmap_layout::{
    depths, view, view_with, Adjacency, Edge, EdgeKind, Graph, Key, NodeInfo, RollUp, RollUpBy, View, BANDS,
    BAND_MEMBERS,
};

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
    with_values(rng, n, [3, 2, 4, 6])
}

/// A random graph whose nodes take one of this many regions, zones, kinds and groups, or none.
fn with_values(rng: &mut Rng, n: u32, [regions, zones, kinds, groups]: [u32; 4]) -> Graph {
    let nodes = (0..n)
        .map(|i| NodeInfo {
            id: format!("n{i}"),
            region: rng.value("r", regions),
            zone: rng.value("z", zones),
            kind: rng.value("k", kinds),
            group: rng.value("g", groups),
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

/// The key node `v` is shown under, before parts: the first attribute with a value not
/// expanded; an expanded container lets the next ones apply, an expanded kind only a group
/// after it, an expanded group shows its members. With the opened aggregates passed on the way.
fn expected_key(g: &Graph, v: usize, roll: &RollUp) -> (Key, Vec<(RollUpBy, String)>) {
    let info = &g.nodes[v];
    let mut rest: &[RollUpBy] = &roll.by;
    let mut passed = Vec::new();
    while let Some((&by, after)) = rest.split_first() {
        rest = after;
        let Some(value) = info.attr(by) else { continue };
        let key = RollUp::key(by, value);
        if !roll.expanded.contains(&key) {
            return (key, passed);
        }
        passed.push((by, value.to_string()));
        match by {
            RollUpBy::Region | RollUpBy::Zone => {}
            RollUpBy::Kind => {
                let group = rest.contains(&RollUpBy::Group).then(|| info.attr(RollUpBy::Group)).flatten();
                return match group {
                    Some(value) if !roll.expanded.contains(&RollUp::key(RollUpBy::Group, value)) => {
                        (RollUp::key(RollUpBy::Group, value), passed)
                    }
                    Some(value) => {
                        passed.push((RollUpBy::Group, value.to_string()));
                        (Key::Node(info.id.clone()), passed)
                    }
                    None => (Key::Node(info.id.clone()), passed),
                };
            }
            _ => break,
        }
    }
    (Key::Node(info.id.clone()), passed)
}

/// `lo..=hi` cut into at most `BANDS` ranges: the narrowest of 1, 2, 5, 10, 20, 50, … that
/// is enough, ranges starting at multiples of it (the first at `lo`), listed in order.
fn ranges(lo: u32, hi: u32) -> Vec<(u32, u32)> {
    let span = u64::from(hi - lo) + 1;
    let width = (0..10)
        .flat_map(|e| [1u64, 2, 5].map(|m| m * 10u64.pow(e)))
        .find(|&w| span.div_ceil(w) <= u64::from(BANDS))
        .expect("a width");
    let mut out = Vec::new();
    let mut start = u64::from(lo);
    while start <= u64::from(hi) {
        let end = ((start / width + 1) * width - 1).min(u64::from(hi));
        out.push((start as u32, end as u32));
        start = end + 1;
    }
    out
}

/// The key each kept node is shown under: [`expected_key`], except inside opened aggregates
/// that show more than `BAND_MEMBERS` things. What an opened aggregate shows: each node on a
/// way through it is one thing there, the key it is shown under, or, when it passes an
/// aggregate opened inside, that aggregate (which keeps its place). Such an aggregate's things
/// are ranked by depth then graph order (a thing's shallowest node, then its first) and a node
/// goes into the listed range holding its thing's rank that is not opened, an opened range
/// listed again while it holds more than `BAND_MEMBERS` and more than one; at the outermost
/// aggregate where such a range holds it. With the thing each node is put in a part as.
fn expected_keys(g: &Graph, keep: &[bool], roll: &RollUp) -> (Vec<Option<Key>>, Vec<Option<Key>>) {
    type Path = Vec<(RollUpBy, String)>;
    let mut keys: Vec<Option<Key>> = vec![None; g.nodes.len()];
    // Per node, the opened aggregates it passes (each as the path to it) with its thing there.
    let mut chains: Vec<Vec<(Path, Key)>> = vec![Vec::new(); g.nodes.len()];
    for v in (0..g.nodes.len()).filter(|&v| keep[v]) {
        let (key, passed) = expected_key(g, v, roll);
        for j in 1..=passed.len() {
            let thing = match passed.get(j) {
                Some((by, value)) => RollUp::key(*by, value),
                None => key.clone(),
            };
            chains[v].push((passed[..j].to_vec(), thing));
        }
        keys[v] = Some(key);
    }
    let depth = depths(g);
    // Per opened aggregate, each thing's shallowest depth and first node.
    let mut first: BTreeMap<&Path, BTreeMap<&Key, (u32, usize)>> = BTreeMap::new();
    for (v, chain) in chains.iter().enumerate() {
        for (path, thing) in chain {
            let at = first.entry(path).or_default().entry(thing).or_insert((u32::MAX, usize::MAX));
            *at = (*at).min((depth[v], v));
        }
    }
    // The ranks of the things of those showing more than `BAND_MEMBERS`.
    let mut ranks: BTreeMap<&Path, BTreeMap<&Key, u32>> = BTreeMap::new();
    for (path, things) in &first {
        if things.len() > BAND_MEMBERS {
            let mut ranked: Vec<((u32, usize), &Key)> = things.iter().map(|(&t, &k)| (k, t)).collect();
            ranked.sort();
            ranks.insert(path, ranked.iter().enumerate().map(|(r, &(_, t))| (t, r as u32)).collect());
        }
    }
    let mut things: Vec<Option<Key>> = vec![None; g.nodes.len()];
    for (v, chain) in chains.iter().enumerate() {
        'levels: for (path, thing) in chain {
            let Some(rank_of) = ranks.get(path) else { continue };
            let rank = rank_of[thing];
            let mut listed = ranges(0, rank_of.len() as u32 - 1);
            loop {
                let &(lo, hi) = listed.iter().find(|&&(lo, hi)| lo <= rank && rank <= hi).expect("a range holds it");
                if !roll.expanded.contains(&Key::Part(path.clone(), lo, hi)) {
                    keys[v] = Some(Key::Part(path.clone(), lo, hi));
                    things[v] = Some(thing.clone());
                    break 'levels;
                }
                if lo == hi || (hi - lo + 1) as usize <= BAND_MEMBERS {
                    break;
                }
                listed = ranges(lo, hi);
            }
        }
    }
    (keys, things)
}

fn check(g: &Graph, keep: &[bool], roll: &RollUp) -> View {
    let v = view(g, Some(keep), roll);
    let (expected, things) = expected_keys(g, keep, roll);
    for (node, kept) in keep.iter().enumerate() {
        match v.of[node] {
            Some(at) => {
                assert!(kept);
                let shown = &v.nodes[at as usize];
                assert_eq!(Some(&shown.key), expected[node].as_ref());
                assert!(shown.members.contains(&(node as u32)));
                if let (Key::Part(path, lo, hi), Some(part)) = (&shown.key, shown.part) {
                    assert_eq!((part.lo, part.hi, part.of > part.hi), (*lo, *hi, true));
                    let held: BTreeSet<&Key> =
                        shown.members.iter().filter_map(|&m| things[m as usize].as_ref()).collect();
                    assert_eq!(held.len() as u32, hi - lo + 1, "{}", shown.key);
                    assert_eq!(shown.rolled.as_ref(), path.last());
                } else {
                    assert!(shown.part.is_none() && !matches!(shown.key, Key::Part(..)));
                }
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
        // The depths kept as the page keeps them; or none kept before opening (then worked
        // out by the first opening in place that needs them).
        let depths = std::cell::OnceCell::new();
        let mut shown = v;
        for _ in 0..5 {
            let keys: Vec<Key> = shown.nodes.iter().filter(|n| n.rolled.is_some()).map(|n| n.key.clone()).collect();
            if keys.is_empty() {
                break;
            }
            let key = keys[rng.below(keys.len() as u32) as usize].clone();
            roll.expanded.insert(key.clone());
            let opened = shown.opened(&g, &adj, &roll, &key, &depths);
            shown = check(&g, &keep, &roll);
            assert_eq!(opened.as_ref(), Some(&shown), "{key} opened in place as the view made anew");
        }
    }
}

/// Opened aggregates with hundreds of members shown themselves or aggregates kept whole (few
/// kinds and regions, no groups to thousands: a region's groups, an opened kind's replica
/// sets; regions, kinds and groups opened, then parts): every node
/// in the part the rule puts its thing in, at most `BANDS` parts a level, the parts opening
/// down to what they hold.
#[test]
fn opened_aggregates_too_large_to_show_go_into_parts() {
    let mut rng = Rng(41);
    let orders: [&[RollUpBy]; 4] = [
        &[RollUpBy::Region, RollUpBy::Group, RollUpBy::Kind],
        &[RollUpBy::Kind, RollUpBy::Group],
        &[RollUpBy::Region, RollUpBy::Kind, RollUpBy::Group],
        &[RollUpBy::Kind, RollUpBy::Group],
    ];
    let (mut parted, mut sets, mut in_regions, mut closings) = (0, 0, 0, 0);
    let (mut in_place_parted, mut parts_opened) = (0, 0);
    for round in 0..30 {
        let n = 300 + rng.below(3_000);
        // Few kinds; no group, one, or hundreds (replica sets kept whole in an opened kind).
        let values = [1 + rng.below(2), 0, 1 + rng.below(2), [0, 1, 3_000, 3_000][rng.below(4) as usize]];
        let g = with_values(&mut rng, n, values);
        let keep: Vec<bool> = (0..n).map(|_| round % 3 != 0 || rng.below(8) > 0).collect();
        let mut roll = RollUp::by(orders[round % orders.len()]);
        let adj = Adjacency::new(&g);
        let depths = std::cell::OnceCell::new();
        let mut shown = check(&g, &keep, &roll);
        for _ in 0..12 {
            let keys: Vec<Key> = shown.nodes.iter().filter(|n| n.rolled.is_some()).map(|n| n.key.clone()).collect();
            if keys.is_empty() {
                break;
            }
            // Parts mostly, when there are some, so that they open down to what they hold; then
            // mostly regions and kinds (hundreds of groups would otherwise be picked first).
            let parts: Vec<&Key> = keys.iter().filter(|k| matches!(k, Key::Part(..))).collect();
            let wide: Vec<&Key> =
                keys.iter().filter(|k| matches!(k, Key::Rolled(RollUpBy::Region | RollUpBy::Kind, _))).collect();
            let pick = |from: &[&Key], rng: &mut Rng| from[rng.below(from.len() as u32) as usize].clone();
            // Now and then, with parts opened, one closed again: what opened aggregates inside
            // it showed goes back into it.
            let opened_parts: Vec<Key> = roll.expanded.iter().filter(|k| matches!(k, Key::Part(..))).cloned().collect();
            if !opened_parts.is_empty() && rng.below(5) == 0 {
                let closed = &opened_parts[rng.below(opened_parts.len() as u32) as usize];
                roll.expanded.remove(closed);
                closings += 1;
                shown = check(&g, &keep, &roll);
                continue;
            }
            let key = match (parts.len(), wide.len()) {
                (0, 0) => keys[rng.below(keys.len() as u32) as usize].clone(),
                (0, _) if rng.below(4) > 0 => pick(&wide, &mut rng),
                (0, _) => keys[rng.below(keys.len() as u32) as usize].clone(),
                // Mostly parts, down to what they hold; sometimes what an opened part shows.
                _ if rng.below(3) > 0 => pick(&parts, &mut rng),
                _ => keys[rng.below(keys.len() as u32) as usize].clone(),
            };
            roll.expanded.insert(key.clone());
            // Opened in place (parts or not: only what it held moves), as made anew.
            let opened = shown.opened(&g, &adj, &roll, &key, &depths);
            let was_parted = shown.nodes.iter().any(|n| n.part.is_some());
            shown = check(&g, &keep, &roll);
            let parts: Vec<_> = shown.nodes.iter().filter_map(|n| n.part).collect();
            assert_eq!(opened.as_ref(), Some(&shown), "{key} opened in place as the view made anew");
            in_place_parted += usize::from(was_parted || !parts.is_empty());
            parts_opened += usize::from(matches!(key, Key::Part(..)));
            parted += usize::from(!parts.is_empty());
            // Parts holding replica sets: groups among what they hold.
            let holds_sets = |n: &blastmap_layout::ViewNode| {
                n.part.is_some() && n.members.iter().any(|&m| g.nodes[m as usize].group.is_some())
            };
            sets += usize::from(
                matches!(roll.by.as_slice(), [.., RollUpBy::Kind, RollUpBy::Group])
                    && shown.nodes.iter().any(holds_sets),
            );
            // Parts of an opened region: its groups and kinds, kept whole, among what they hold.
            in_regions += usize::from(
                shown.nodes.iter().any(|n| n.part.is_some() && matches!(n.rolled, Some((RollUpBy::Region, _)))),
            );
            let mut per_level: BTreeMap<(u32, String), usize> = BTreeMap::new();
            for node in shown.nodes.iter().filter(|n| n.part.is_some()) {
                let Key::Part(path, lo, hi) = &node.key else { unreachable!() };
                let part = node.part.expect("a part");
                assert!(part.depths.0 <= part.depths.1);
                let width = hi - lo + 1;
                *per_level.entry((width, format!("{path:?}"))).or_default() += 1;
            }
            assert!(per_level.values().all(|&c| c <= 2 * BANDS as usize), "{per_level:?}");
        }
    }
    assert!(
        parted > 20 && sets > 5 && in_regions > 5 && closings > 5 && in_place_parted > 50 && parts_opened > 20,
        "parts seen in {parted} views, of replica sets in {sets}, of a region's aggregates in {in_regions}; \
         {closings} closed again; {in_place_parted} opened in place with parts, {parts_opened} of them parts"
    );
}

/// Parts of parts (an opened aggregate of more than 5,000 things is cut in parts of 500, each
/// of those in parts of 20): opened in place one after another, down to what they hold and
/// into a replica set, each view as made anew and as the rule says.
#[test]
fn parts_of_parts_open_in_place_as_made_anew() {
    let mut rng = Rng(23);
    // An opened kind's members; a region's members; a region's replica sets, kept whole.
    let cases: [(&[RollUpBy], [u32; 4], u32, Key); 3] = [
        (&[RollUpBy::Kind, RollUpBy::Group], [0, 0, 1, 0], 11_000, RollUp::key(RollUpBy::Kind, "k0")),
        (&[RollUpBy::Region, RollUpBy::Kind], [1, 0, 0, 0], 11_000, RollUp::key(RollUpBy::Region, "r0")),
        (&[RollUpBy::Region, RollUpBy::Group], [1, 0, 0, 20_000], 14_000, RollUp::key(RollUpBy::Region, "r0")),
    ];
    let mut nested = 0;
    for (by, values, n, first) in cases {
        let n = n + rng.below(1_000);
        let g = with_values(&mut rng, n, values);
        let keep = vec![true; g.len()];
        let adj = Adjacency::new(&g);
        let depths = std::cell::OnceCell::new();
        let mut roll = RollUp::by(by);
        let mut shown = view(&g, None, &roll);
        let mut key = first;
        for step in 0..5 {
            roll.expanded.insert(key.clone());
            let opened = shown.opened(&g, &adj, &roll, &key, &depths);
            // By the rule (slow at this size) the last time only.
            shown = if step == 4 { check(&g, &keep, &roll) } else { view(&g, None, &roll) };
            assert_eq!(opened.as_ref(), Some(&shown), "{key} opened in place as the view made anew");
            nested += usize::from(
                shown.nodes.iter().any(|n| matches!(&n.key, Key::Part(_, lo, hi) if hi - lo < 100))
                    && matches!(&key, Key::Part(_, lo, hi) if hi - lo >= 100),
            );
            // A part next (the narrowest shown, at random among them), else an aggregate.
            let narrowest = shown.nodes.iter().filter_map(|n| n.part.map(|p| p.hi - p.lo)).min();
            let parts: Vec<&Key> = shown
                .nodes
                .iter()
                .filter(|n| n.part.is_some_and(|p| Some(p.hi - p.lo) == narrowest))
                .map(|n| &n.key)
                .collect();
            let aggregates: Vec<&Key> = shown.nodes.iter().filter(|n| n.rolled.is_some()).map(|n| &n.key).collect();
            let from = if parts.is_empty() { &aggregates } else { &parts };
            let Some(next) = from.get(rng.below(from.len() as u32) as usize) else { break };
            key = (*next).clone();
        }
    }
    assert_eq!(nested, 3, "each case opened a part of 500 into parts of 20");
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
    let kept = std::cell::OnceCell::new();
    let east = RollUp::key(RollUpBy::Region, "r0");
    let mut opened = roll.clone();
    opened.expanded.insert(east.clone());
    assert!(v.opened(&g, &adj, &opened, &east, &kept).is_some());
    let node = v.nodes.iter().find(|n| n.rolled.is_none()).map(|n| n.key.clone()).unwrap_or(Key::Node("n0".into()));
    let mut with_node = roll.clone();
    with_node.expanded.insert(node.clone());
    assert!(v.opened(&g, &adj, &with_node, &node, &kept).is_none(), "a component is not opened");
    let absent = RollUp::key(RollUpBy::Region, "nowhere");
    let mut with_absent = roll.clone();
    with_absent.expanded.insert(absent.clone());
    assert!(v.opened(&g, &adj, &with_absent, &absent, &kept).is_none(), "not shown");
    assert!(v.opened(&g, &adj, &roll, &east, &kept).is_none(), "the roll-up does not expand it");
    let mut by_depth = opened.clone();
    by_depth.by.push(RollUpBy::Depth);
    assert!(v.opened(&g, &adj, &by_depth, &east, &kept).is_none(), "bands are made anew");
    let other = Adjacency::new(&random(&mut Rng(6), 61));
    assert!(v.opened(&g, &other, &opened, &east, &kept).is_none(), "another graph's adjacency");
}

/// The depths a caller keeps per graph are worked out once, by the first view that needs them
/// (parts here), and used after; another graph's are not.
#[test]
fn depths_kept_by_the_caller_are_filled_once_and_others_ignored() {
    let g = with_values(&mut Rng(9), 1_000, [1, 0, 1, 0]);
    let mut roll = RollUp::by(&[RollUpBy::Kind]);
    let kept = std::cell::OnceCell::new();
    view_with(&g, None, &roll, &kept);
    assert!(kept.get().is_none(), "nothing opened: no depths asked for");
    roll.expanded.insert(RollUp::key(RollUpBy::Kind, "k0"));
    let v = view_with(&g, None, &roll, &kept);
    assert!(v.nodes.iter().any(|n| n.part.is_some()), "about 500 of kind k0: in parts");
    assert_eq!(kept.get(), Some(&depths(&g)));
    assert_eq!(v, view(&g, None, &roll));
    let other = std::cell::OnceCell::from(vec![0; 3]);
    assert_eq!(view_with(&g, None, &roll, &other), v, "another graph's depths are not used");
}
