//! What is shown: focus (a neighbourhood) and roll-up (one node per region, zone, kind or
//! group, or per band of dependency depths, with edges aggregated).

use std::collections::{BTreeSet, HashMap};

use crate::depth::Bands;
use crate::graph::{Edge, EdgeKind, Graph, RollUpBy};

/// What a shown node stands for: a graph node (by its id), the aggregate of one attribute's
/// value, or a band of dependency depths. Three variants, not one string: a component may well
/// be called `kind:db` or `depth:0-9`, and it is still not the aggregate or the band that
/// would be written so. Displayed as the id, `region:us-east-1` and `depth:1000-1999`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    /// A graph node shown itself: its id.
    Node(String),
    /// The nodes whose attribute `by` has this value.
    Rolled(RollUpBy, String),
    /// The nodes of dependency depths `lo..=hi` (see [`depths`](crate::depths)).
    Band(u32, u32),
}

impl Key {
    /// The graph node's id, for a node shown itself.
    pub fn id(&self) -> Option<&str> {
        match self {
            Key::Node(id) => Some(id),
            Key::Rolled(..) | Key::Band(..) => None,
        }
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Key::Node(id) => f.write_str(id),
            Key::Rolled(by, value) => write!(f, "{}:{value}", by.name()),
            Key::Band(lo, hi) => write!(f, "depth:{lo}-{hi}"),
        }
    }
}

/// Which nodes to roll up: by each attribute in `by`, outermost first, except the aggregates
/// and bands whose key is in `expanded`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RollUp {
    pub by: Vec<RollUpBy>,
    pub expanded: BTreeSet<Key>,
}

impl RollUp {
    /// No roll-up: every node shown.
    pub fn none() -> Self {
        RollUp::default()
    }

    /// Roll up by these attributes, outermost first, nothing expanded.
    pub fn by(by: &[RollUpBy]) -> Self {
        RollUp { by: by.to_vec(), expanded: BTreeSet::new() }
    }

    /// The key of the aggregate for attribute `by` with value `value`.
    pub fn key(by: RollUpBy, value: &str) -> Key {
        Key::Rolled(by, value.to_string())
    }
}

/// One shown node: a node of the graph, or an aggregate of several.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewNode {
    /// The graph node, aggregate or band it is.
    pub key: Key,
    /// `Some((by, value))` for an aggregate.
    pub rolled: Option<(RollUpBy, String)>,
    /// The graph nodes it stands for, ascending.
    pub members: Vec<u32>,
    /// For a band of a roll-up by depth, the lowest and highest depth it holds (see
    /// [`depths`](crate::depths)).
    pub depths: Option<(u32, u32)>,
    /// The region and zone of all members, when they agree.
    pub region: Option<String>,
    pub zone: Option<String>,
}

/// An edge between shown nodes, standing for `count` graph edges of one kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ViewEdge {
    pub from: u32,
    pub to: u32,
    pub kind: EdgeKind,
    pub count: u32,
}

/// The shown graph.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct View {
    pub nodes: Vec<ViewNode>,
    /// Sorted by (from, to, kind); no self-loops.
    pub edges: Vec<ViewEdge>,
    /// For each graph node, the shown node that stands for it (`None` when focused away).
    pub of: Vec<Option<u32>>,
}

/// The nodes within `up` hops of `seeds` along dependents and within `down` hops along
/// dependencies (edges of every kind, followed backwards for "up"). Seeds out of range are
/// ignored.
///
/// ```
/// use blastmap_layout::{focus, Edge, EdgeKind, Graph, NodeInfo};
/// let g = Graph {
///     nodes: ["web", "api", "db"].map(NodeInfo::new).to_vec(),
///     edges: vec![
///         Edge { from: 0, to: 1, kind: EdgeKind::Runtime },
///         Edge { from: 1, to: 2, kind: EdgeKind::Runtime },
///     ],
/// };
/// assert_eq!(focus(&g, &[2], 1, 1), [false, true, true]);
/// ```
///
/// # Complexity
/// O(|V| + |E|) time and space.
pub fn focus(g: &Graph, seeds: &[u32], up: u32, down: u32) -> Vec<bool> {
    let n = g.len();
    let mut out_adj: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut in_adj: Vec<Vec<u32>> = vec![Vec::new(); n];
    for e in g.valid_edges() {
        out_adj[e.from as usize].push(e.to);
        in_adj[e.to as usize].push(e.from);
    }
    let mut keep = vec![false; n];
    let seeds: Vec<u32> = seeds.iter().copied().filter(|&s| (s as usize) < n).collect();
    for &s in &seeds {
        keep[s as usize] = true;
    }
    for (adj, hops) in [(&out_adj, down), (&in_adj, up)] {
        let mut seen = vec![false; n];
        let mut frontier = seeds.clone();
        for &s in &frontier {
            seen[s as usize] = true;
        }
        for _ in 0..hops {
            let mut next = Vec::new();
            for &v in &frontier {
                for &u in &adj[v as usize] {
                    if !seen[u as usize] {
                        seen[u as usize] = true;
                        keep[u as usize] = true;
                        next.push(u);
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            frontier = next;
        }
    }
    keep
}

/// The shown graph: the nodes in `keep` (all when `None`), rolled up as `roll` says.
///
/// A node goes into the aggregate of the first attribute in `roll.by` for which it has a value
/// whose key is not expanded; otherwise it is shown itself. Regions and zones are containers:
/// inside an expanded one the next attributes apply. A group or kind is not: expanding it
/// shows its members. [`RollUpBy::Depth`] takes every node that reaches it: the range of
/// [`depths`](crate::depths) is cut into at most [`BANDS`](crate::BANDS) bands of 1, 2 or 5
/// × 10ⁿ depths ([`Key::Band`]); an expanded band is cut again the same way, down to its
/// nodes once it holds at most [`BAND_MEMBERS`](crate::BAND_MEMBERS). Shown nodes come in
/// order of first appearance, except that bands and the nodes shown inside opened bands
/// come after the others, shallowest first. Edges between shown nodes are aggregated per
/// kind, with their count; edges inside an aggregate disappear.
///
/// ```
/// use blastmap_layout::{view, Edge, EdgeKind, Graph, NodeInfo, RollUp, RollUpBy};
/// let mut a = NodeInfo::new("a");
/// a.region = Some("east".into());
/// let mut b = NodeInfo::new("b");
/// b.region = Some("east".into());
/// let g = Graph {
///     nodes: vec![NodeInfo::new("web"), a, b],
///     edges: vec![
///         Edge { from: 0, to: 1, kind: EdgeKind::Runtime },
///         Edge { from: 0, to: 2, kind: EdgeKind::Runtime },
///     ],
/// };
/// let v = view(&g, None, &RollUp::by(&[RollUpBy::Region]));
/// assert_eq!(v.nodes.len(), 2);
/// assert_eq!(v.nodes[1].key, RollUp::key(RollUpBy::Region, "east"));
/// assert_eq!(v.edges[0].count, 2);
///
/// // By depth: web is one above the region's nodes.
/// let v = view(&g, None, &RollUp::by(&[RollUpBy::Depth]));
/// let keys: Vec<String> = v.nodes.iter().map(|n| n.key.to_string()).collect();
/// assert_eq!(keys, ["depth:0-0", "depth:1-1"]);
/// assert_eq!(v.nodes[0].members, [1, 2]);
/// ```
///
/// # Complexity
/// O(|V| · |by| + |E| + D log D) time for D distinct shown edges (see `aggregate`), O(|V| +
/// |E|) space; with [`RollUpBy::Depth`], plus
/// [`depths`](crate::depths) and O(|V| log |V|) to order the bands.
pub fn view(g: &Graph, keep: Option<&[bool]>, roll: &RollUp) -> View {
    let n = g.len();
    let kept = |v: usize| keep.is_none_or(|k| k.get(v).copied().unwrap_or(false));
    let bands = roll.by.contains(&RollUpBy::Depth).then(|| Bands::new(g, &roll.expanded));
    // The expanded aggregates as borrowed pairs: looked up per node without building a key.
    let expanded: BTreeSet<(RollUpBy, &str)> = roll
        .expanded
        .iter()
        .filter_map(|k| match k {
            Key::Rolled(by, value) => Some((*by, value.as_str())),
            Key::Node(_) | Key::Band(..) => None,
        })
        .collect();
    // Aggregates and bands in order of first appearance, found again by attribute and value
    // (borrowed from the graph) or by depths; the last one found is tried first, as
    // neighbouring nodes often share it.
    let mut index: HashMap<(RollUpBy, &str), u32> = HashMap::new();
    let mut band_index: HashMap<(u32, u32), u32> = HashMap::new();
    let mut last: Option<(RollUpBy, &str, u32)> = None;
    let mut nodes: Vec<ViewNode> = Vec::new();
    // Per shown node: where a roll-up by depth put it (its band, or its own depth), if one did.
    let mut by_depth: Vec<Option<(u32, u32)>> = Vec::new();
    let mut of: Vec<Option<u32>> = vec![None; n];
    for (v, info) in g.nodes.iter().enumerate() {
        if !kept(v) {
            continue;
        }
        let mut shown = Shown::Itself(None);
        for &by in &roll.by {
            if by == RollUpBy::Depth {
                if let Some(bands) = &bands {
                    shown = match bands.band(v) {
                        Some(band) => Shown::Band(band),
                        None => Shown::Itself(bands.depth.get(v).map(|&d| (d, d))),
                    };
                }
                break;
            }
            let Some(value) = info.attr(by) else { continue };
            if !expanded.contains(&(by, value)) {
                shown = Shown::In(by, value);
                break;
            }
            if !by.is_container() {
                break;
            }
        }
        let mut add = |key: Key, rolled: Option<(RollUpBy, String)>, depths, place| {
            nodes.push(ViewNode {
                key,
                rolled,
                members: Vec::new(),
                depths,
                region: info.region.clone(),
                zone: info.zone.clone(),
            });
            by_depth.push(place);
            (nodes.len() - 1) as u32
        };
        let at = match shown {
            Shown::Band(band @ (lo, hi)) => *band_index.entry(band).or_insert_with(|| {
                add(Key::Band(lo, hi), Some((RollUpBy::Depth, format!("{lo}-{hi}"))), Some(band), Some(band))
            }),
            Shown::In(by, value) => match last {
                Some((b, v, at)) if b == by && v == value => at,
                _ => {
                    let at = *index
                        .entry((by, value))
                        .or_insert_with(|| add(RollUp::key(by, value), Some((by, value.to_string())), None, None));
                    last = Some((by, value, at));
                    at
                }
            },
            // Each graph node is its own: never found again by its id, which an aggregate's
            // could equal.
            Shown::Itself(depth) => add(Key::Node(info.id.clone()), None, None, depth),
        };
        let node = &mut nodes[at as usize];
        node.members.push(v as u32);
        if node.region != info.region {
            node.region = None;
        }
        if node.zone != info.zone {
            node.zone = None;
        }
        of[v] = Some(at);
    }
    if bands.is_some() {
        // What a roll-up by depth placed comes after the rest, shallowest first.
        let mut order: Vec<u32> = (0..nodes.len() as u32).collect();
        order.sort_by_key(|&i| (by_depth[i as usize].is_some(), by_depth[i as usize], i));
        let mut moved_to = vec![0u32; nodes.len()];
        for (to, &from) in order.iter().enumerate() {
            moved_to[from as usize] = to as u32;
        }
        let mut old: Vec<Option<ViewNode>> = nodes.into_iter().map(Some).collect();
        nodes = order.iter().filter_map(|&i| old.get_mut(i as usize).and_then(Option::take)).collect();
        for o in of.iter_mut().flatten() {
            *o = moved_to[*o as usize];
        }
    }
    let edges = aggregate(g, &of, nodes.len());
    View { nodes, edges, of }
}

/// The edges between `shown` shown nodes (`of` maps graph nodes to them), one per
/// (from, to, kind) with its count, sorted; edges inside a shown node disappear. Bucketed by
/// `from`, each bucket counted in a table by (to, kind) and only its distinct edges sorted: no
/// sort of every graph edge (a million, when a few hundred aggregates are shown).
///
/// # Complexity
/// O(|V| + |E| + shown · kinds + D log D) time for D distinct shown edges, O(|E| + shown ·
/// kinds) space.
fn aggregate(g: &Graph, of: &[Option<u32>], shown: usize) -> Vec<ViewEdge> {
    let kinds = EdgeKind::ALL.len();
    let ends = |e: &Edge| {
        let (a, b) = (of.get(e.from as usize).copied().flatten()?, of.get(e.to as usize).copied().flatten()?);
        (a != b && (a as usize) < shown && (b as usize) < shown).then_some((a, b))
    };
    let mut start = vec![0usize; shown + 1];
    for e in g.valid_edges() {
        if let Some((a, _)) = ends(e) {
            start[a as usize + 1] += 1;
        }
    }
    for i in 0..shown {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut bucket = vec![(0u32, EdgeKind::Runtime); start[shown]];
    for e in g.valid_edges() {
        if let Some((a, b)) = ends(e) {
            bucket[fill[a as usize]] = (b, e.kind);
            fill[a as usize] += 1;
        }
    }
    // Where (to, kind) went in `edges`; stale unless it points into the current bucket's part.
    let mut slot = vec![usize::MAX; shown * kinds];
    let mut edges: Vec<ViewEdge> = Vec::new();
    for from in 0..shown {
        let first = edges.len();
        for &(to, kind) in &bucket[start[from]..start[from + 1]] {
            let s = &mut slot[to as usize * kinds + kind as usize];
            match edges.get_mut(*s) {
                Some(e) if *s >= first => e.count += 1,
                _ => {
                    *s = edges.len();
                    edges.push(ViewEdge { from: from as u32, to, kind, count: 1 });
                }
            }
        }
        edges[first..].sort_unstable();
    }
    edges
}

/// Where the roll-up puts a node.
enum Shown<'g> {
    /// Shown itself (at this depth, when a roll-up by depth opened down to it).
    Itself(Option<(u32, u32)>),
    /// In the aggregate of this attribute and value.
    In(RollUpBy, &'g str),
    /// In the band of these depths.
    Band((u32, u32)),
}
