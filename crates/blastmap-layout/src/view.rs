//! What is shown: focus (a neighbourhood) and roll-up (one node per region, zone, kind or
//! group, or per band of dependency depths, with edges aggregated; an opened aggregate too
//! large to show its members in parts of them).

use std::cell::OnceCell;
use std::collections::BTreeSet;

use rustc_hash::FxHashMap;

use crate::depth::{cut, depths, Bands, BAND_MEMBERS};
use crate::graph::{Edge, EdgeKind, Graph, NodeInfo, RollUpBy};

/// What a shown node stands for: a graph node (by its id), the aggregate of one attribute's
/// value, a band of dependency depths, or a part of an opened aggregate. Four variants, not
/// one string: a component may well be called `kind:db` or `depth:0-9`, and it is still not
/// the aggregate or the band that would be written so. Displayed as the id,
/// `region:us-east-1`, `depth:1000-1999` and `region:east/kind:service#1-500`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    /// A graph node shown itself: its id.
    Node(String),
    /// The nodes whose attribute `by` has this value.
    Rolled(RollUpBy, String),
    /// The nodes of dependency depths `lo..=hi` (see [`depths`](crate::depths)).
    Band(u32, u32),
    /// The things ranked `lo..=hi` (from 0) among those an opened aggregate would show, when
    /// they are more than [`BAND_MEMBERS`](crate::BAND_MEMBERS): the members it shows
    /// themselves and the aggregates it holds (an opened region's groups or kinds, an opened
    /// kind's replica sets, kept whole, opened or not); ranked by dependency depth (an
    /// aggregate's shallowest member's), then in graph order (its first member's). The
    /// aggregate is named by the opened aggregates on their way, outermost first (kind
    /// `service` opened inside region `east` is `[(Region, east), (Kind, service)]`).
    Part(Vec<(RollUpBy, String)>, u32, u32),
}

impl Key {
    /// The graph node's id, for a node shown itself.
    pub fn id(&self) -> Option<&str> {
        match self {
            Key::Node(id) => Some(id),
            Key::Rolled(..) | Key::Band(..) | Key::Part(..) => None,
        }
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Key::Node(id) => f.write_str(id),
            Key::Rolled(by, value) => write!(f, "{}:{value}", by.name()),
            Key::Band(lo, hi) => write!(f, "depth:{lo}-{hi}"),
            Key::Part(path, lo, hi) => {
                for (i, (by, value)) in path.iter().enumerate() {
                    write!(f, "{}{}:{value}", if i == 0 { "" } else { "/" }, by.name())?;
                }
                write!(f, "#{}-{}", u64::from(*lo) + 1, u64::from(*hi) + 1)
            }
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
    /// For a part of an opened aggregate ([`Key::Part`]), where it lies among the members.
    /// Its `rolled` is the innermost opened aggregate.
    pub part: Option<Part>,
    /// The region and zone of all members, when they agree.
    pub region: Option<String>,
    pub zone: Option<String>,
}

/// Where a part of an opened aggregate lies among the things the aggregate would show
/// ([`Key::Part`]): members shown themselves, aggregates kept whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    /// Its things' ranks, `lo..=hi` from 0, of `of`.
    pub lo: u32,
    pub hi: u32,
    pub of: u32,
    /// The lowest and highest dependency depth among its members.
    pub depths: (u32, u32),
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
/// inside an expanded one the next attributes apply. A group is not: expanding it shows its
/// members. A kind holds the groups a later [`RollUpBy::Group`] names (inside an expanded kind
/// its replica sets stay rolled up) and otherwise shows its members. [`RollUpBy::Depth`]
/// takes every node that reaches it: the range of [`depths`](crate::depths) is cut into at
/// most [`BANDS`](crate::BANDS) bands of 1, 2 or 5 × 10ⁿ depths ([`Key::Band`]); an expanded
/// band is cut again the same way, down to its nodes once it holds at most
/// [`BAND_MEMBERS`](crate::BAND_MEMBERS). An opened aggregate that would show more than
/// [`BAND_MEMBERS`](crate::BAND_MEMBERS) things, members themselves and aggregates kept whole
/// (eight thousand services of one kind, a region's nine thousand replica sets), shows them
/// in parts ([`Key::Part`]): ranked by dependency depth, then in graph order, and cut into
/// ranges as depths are into bands, an opened part cut again down to what it holds.
/// Shown nodes come in
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
/// |E|) space; with [`RollUpBy::Depth`] or parts, plus
/// [`depths`](crate::depths) and O(|V| log |V|) to order the bands or rank the parts.
pub fn view(g: &Graph, keep: Option<&[bool]>, roll: &RollUp) -> View {
    view_with(g, keep, roll, &OnceCell::new())
}

/// [`view`], with `g`'s [`depths`](crate::depths) kept in `depths` (worked out there the first
/// time a roll-up by depth or parts need them, taken from there after, if they are `g`'s: as
/// many as it has nodes). The page keeps one per graph: a view of bands or parts then costs no
/// pass over every edge.
pub fn view_with<'g>(g: &'g Graph, keep: Option<&[bool]>, roll: &RollUp, depths: &OnceCell<Vec<u32>>) -> View {
    let n = g.len();
    let kept = |v: usize| keep.is_none_or(|k| k.get(v).copied().unwrap_or(false));
    let computed = OnceCell::new();
    let depth_of = || depths_in(g, depths, &computed);
    let bands = roll.by.contains(&RollUpBy::Depth).then(|| Bands::new(depth_of(), &roll.expanded));
    let expanded = Expanded::of(roll);
    // Aggregates and bands in order of first appearance, found again by attribute and value
    // (borrowed from the graph) or by depths; the last one found is tried first, as
    // neighbouring nodes often share it.
    let mut index: FxHashMap<(RollUpBy, &'g str), u32> = FxHashMap::default();
    let mut band_index: FxHashMap<(u32, u32), u32> = FxHashMap::default();
    let mut part_index: FxHashMap<(u32, u32), u32> = FxHashMap::default();
    let mut last: Option<(RollUpBy, &'g str, u32)> = None;
    let mut nodes: Vec<ViewNode> = Vec::new();
    // Per shown node: where a roll-up by depth put it (its band, or its own depth), if one did.
    let mut by_depth: Vec<Option<(u32, u32)>> = Vec::new();
    let mut of: Vec<Option<u32>> = vec![None; n];
    // Shows graph node `v` where `shown` says (the parts of `parts`, for a part).
    let mut show = |v: usize, shown: Shown<'g>, parts: &Parts| {
        let info = &g.nodes[v];
        // A new shown node, and where a roll-up by depth put it.
        let mut add = |node: ViewNode, place| {
            nodes.push(node);
            by_depth.push(place);
            (nodes.len() - 1) as u32
        };
        let at = match shown {
            Shown::Band(band @ (lo, hi)) => *band_index.entry(band).or_insert_with(|| {
                let rolled = Some((RollUpBy::Depth, format!("{lo}-{hi}")));
                add(ViewNode::first(Key::Band(lo, hi), rolled, Some(band), info), Some(band))
            }),
            Shown::In(by, value) | Shown::Within(by, value) => match last {
                Some((b, v, at)) if b == by && v == value => at,
                _ => {
                    let at =
                        *index.entry((by, value)).or_insert_with(|| add(ViewNode::aggregate(by, value, info), None));
                    last = Some((by, value, at));
                    at
                }
            },
            Shown::Part(at, range @ (lo, hi)) => *part_index.entry((at, lo)).or_insert_with(|| {
                let node = match parts.aggregates.get(at as usize) {
                    Some(part) => part.node(range, info),
                    None => ViewNode::first(Key::Part(Vec::new(), lo, hi), None, None, info),
                };
                add(node, None)
            }),
            // Each graph node is its own: never found again by its id, which an aggregate's
            // could equal.
            Shown::Itself(depth) => add(ViewNode::itself(info), depth),
            Shown::Member => add(ViewNode::itself(info), None),
        };
        nodes[at as usize].join(v as u32, info);
        of[v] = Some(at);
    };
    // Members shown themselves and aggregates inside opened ones wait, with their way through
    // the opened aggregates, until every node is placed, for the parts: then they are shown,
    // and the nodes put back in order of first appearance.
    let mut waiting: Vec<(usize, Shown<'g>, u32)> = Vec::new();
    let (mut ways, mut way) = (Ways::default(), Vec::new());
    for (v, info) in g.nodes.iter().enumerate() {
        if !kept(v) {
            continue;
        }
        way.clear();
        match walk(info, v, &roll.by, &expanded, bands.as_ref(), |at| way.push(at)) {
            shown @ (Shown::Member | Shown::Within(..)) => waiting.push((v, shown, ways.number(&way))),
            shown => show(v, shown, &Parts::default()),
        }
    }
    if !waiting.is_empty() {
        let parts = Parts::new(&waiting, &ways, &expanded, roll, depth_of, None).unwrap_or_default();
        for (i, &(v, shown, _)) in waiting.iter().enumerate() {
            match parts.of(i) {
                Some((at, range)) => show(v, Shown::Part(at, range), &parts),
                None => show(v, shown, &parts),
            }
        }
        // As made in one pass: members ascending, nodes by first member.
        for node in nodes.iter_mut().filter(|n| !n.members.is_sorted()) {
            node.members.sort_unstable();
        }
        let mut order: Vec<u32> = (0..nodes.len() as u32).collect();
        order.sort_by_key(|&i| nodes[i as usize].members.first().copied().unwrap_or(u32::MAX));
        by_depth = order.iter().map(|&i| by_depth[i as usize]).collect();
        nodes = in_order(nodes, &mut of, &order);
    }
    if bands.is_some() {
        // What a roll-up by depth placed comes after the rest, shallowest first.
        let mut order: Vec<u32> = (0..nodes.len() as u32).collect();
        order.sort_by_key(|&i| (by_depth[i as usize].is_some(), by_depth[i as usize], i));
        nodes = in_order(nodes, &mut of, &order);
    }
    let edges = aggregate(g, &of, nodes.len());
    View { nodes, edges, of }
}

/// Each graph node's edges, leaving and arriving (those whose ends both exist), as the node at
/// the other end and the kind: built once per graph, it lets [`View::opened`] visit only the
/// edges of the nodes an opened aggregate held.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Adjacency {
    /// `out[out_start[v]..out_start[v + 1]]`: the edges leaving `v`.
    out_start: Vec<usize>,
    out: Vec<(u32, EdgeKind)>,
    /// `into[into_start[v]..into_start[v + 1]]`: the edges arriving at `v`.
    into_start: Vec<usize>,
    into: Vec<(u32, EdgeKind)>,
}

impl Adjacency {
    /// The edges of every node of `g`.
    ///
    /// # Complexity
    /// O(|V| + |E|) time and space.
    pub fn new(g: &Graph) -> Adjacency {
        let n = g.len();
        // By `at` (one end of an edge), the other end.
        let index = |at: fn(&Edge) -> u32, other: fn(&Edge) -> u32| {
            let mut start = vec![0usize; n + 1];
            for e in g.valid_edges() {
                start[at(e) as usize + 1] += 1;
            }
            for i in 0..n {
                start[i + 1] += start[i];
            }
            let mut fill = start.clone();
            let mut list = vec![(0u32, EdgeKind::Runtime); start[n]];
            for e in g.valid_edges() {
                let slot = &mut fill[at(e) as usize];
                list[*slot] = (other(e), e.kind);
                *slot += 1;
            }
            (start, list)
        };
        let (out_start, out) = index(|e| e.from, |e| e.to);
        let (into_start, into) = index(|e| e.to, |e| e.from);
        Adjacency { out_start, out, into_start, into }
    }

    fn of<'a>(start: &[usize], list: &'a [(u32, EdgeKind)], v: u32) -> &'a [(u32, EdgeKind)] {
        match start.get(v as usize..v as usize + 2) {
            Some(&[a, b]) => list.get(a..b).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Whether it was built for a graph of `n` nodes.
    pub fn fits(&self, n: usize) -> bool {
        self.out_start.len() == n + 1
    }
}

impl View {
    /// This view, made by [`view`] of `g` (with focus or not), after `opened`, one of its
    /// aggregates or parts, is opened: what `view(g, keep, roll)` gives for the same focus and
    /// `roll` (this view's roll-up with `opened` added to what it expands), made from the
    /// members of `opened` and the edges around them and around the aggregates they join, not
    /// from every node and edge. Only those members move: a part elsewhere holds what it held
    /// (a thing keeps its rank among its aggregate's things whatever is opened inside it), and
    /// an opened part's things are ranked among themselves, their aggregate's ranks `lo..=hi`.
    /// `adj` is `g`'s [`Adjacency`], `depths` its depths as [`view_with`] keeps them (worked
    /// out there if the members go into parts and they are not yet). `None` (make the view
    /// anew) when `roll` rolls up by depth, does not expand `opened`, or `opened` is not an
    /// aggregate or part here.
    ///
    /// # Complexity
    /// O(|V| + S log S + D) time for S shown nodes and D shown edges (the new index of every
    /// graph node and shown edge), plus the members of `opened` and of the aggregates they
    /// join, their edges, sorting the shown edges those count, and ranking the things they
    /// make (with the depths, if not kept, when there are more than
    /// [`BAND_MEMBERS`](crate::BAND_MEMBERS)).
    pub fn opened(
        &self,
        g: &Graph,
        adj: &Adjacency,
        roll: &RollUp,
        opened: &Key,
        depths: &OnceCell<Vec<u32>>,
    ) -> Option<View> {
        let gone = self.nodes.iter().position(|n| &n.key == opened && n.rolled.is_some())?;
        if roll.by.contains(&RollUpBy::Depth) || !roll.expanded.contains(opened) || !adj.fits(g.len()) {
            return None;
        }
        let expanded = Expanded::of(roll);
        // The aggregates shown, by attribute and value, and the nodes the opened one's members
        // go to: aggregates already shown (which grow) or new nodes after the old ones.
        let mut index: FxHashMap<(RollUpBy, &str), u32> = self
            .nodes
            .iter()
            .enumerate()
            .filter(|&(i, n)| i != gone && n.part.is_none())
            .filter_map(|(i, n)| n.rolled.as_ref().map(|(by, value)| ((*by, value.as_str()), i as u32)))
            .collect();
        let mut nodes = self.nodes.clone();
        let members = std::mem::take(&mut nodes[gone].members);
        let mut of = self.of.clone();
        let mut grew = vec![false; nodes.len()];
        // Where each member goes, as `view` places it: members shown themselves and aggregates
        // inside opened ones wait with their ways for the parts.
        let mut waiting: Vec<(usize, Shown, u32)> = Vec::new();
        let mut placed: Vec<(usize, Shown)> = Vec::new();
        let (mut ways, mut way) = (Ways::default(), Vec::new());
        for &m in &members {
            let info = g.nodes.get(m as usize)?;
            way.clear();
            match walk(info, m as usize, &roll.by, &expanded, None, |at| way.push(at)) {
                shown @ (Shown::Member | Shown::Within(..)) => waiting.push((m as usize, shown, ways.number(&way))),
                shown => placed.push((m as usize, shown)),
            }
        }
        // An opened part's things are ranks `lo..=hi` of all its aggregate's things.
        let base = match (opened, self.nodes[gone].part) {
            (Key::Part(path, lo, hi), Some(part)) => {
                let numbers = path.iter().map(|(by, value)| expanded.get(*by, value)).collect::<Option<Vec<u32>>>()?;
                let way = ways.list.iter().position(|w| *w == numbers)?;
                Some(Base { way: way as u32, lo: *lo, hi: *hi, of: part.of })
            }
            (Key::Part(..), None) => return None,
            _ => None,
        };
        let computed = OnceCell::new();
        let parts = if waiting.is_empty() {
            Parts::default()
        } else {
            Parts::new(&waiting, &ways, &expanded, roll, || depths_in(g, depths, &computed), base)?
        };
        let waited = waiting
            .iter()
            .enumerate()
            .map(|(i, &(v, shown, _))| (v, parts.of(i).map_or(shown, |(at, range)| Shown::Part(at, range))));
        let mut part_index: FxHashMap<(u32, u32), u32> = FxHashMap::default();
        for (m, shown) in placed.into_iter().chain(waited) {
            let info = &g.nodes[m];
            let mut add = |node: ViewNode| {
                nodes.push(node);
                (nodes.len() - 1) as u32
            };
            let at = match shown {
                Shown::In(by, value) | Shown::Within(by, value) => match index.get(&(by, value)) {
                    Some(&at) => at,
                    None => {
                        let at = add(ViewNode::aggregate(by, value, info));
                        index.insert((by, value), at);
                        at
                    }
                },
                Shown::Part(at, range) => {
                    let part = parts.aggregates.get(at as usize)?;
                    *part_index.entry((at, range.0)).or_insert_with(|| add(part.node(range, info)))
                }
                Shown::Member | Shown::Itself(_) => add(ViewNode::itself(info)),
                Shown::Band(_) => return None,
            };
            nodes[at as usize].join(m as u32, info);
            of[m] = Some(at);
            if let Some(grown) = grew.get_mut(at as usize) {
                *grown = true;
            }
        }
        grew.resize(nodes.len(), true);
        for (node, _) in nodes.iter_mut().zip(&grew).filter(|(_, &grown)| grown) {
            node.members.sort_unstable();
        }
        // Nodes in order of first appearance, as `view` makes them: by their first member.
        let mut first: Vec<(u32, u32)> = (0..nodes.len() as u32)
            .filter(|&i| i as usize != gone)
            .map(|i| (nodes[i as usize].members.first().copied().unwrap_or(u32::MAX), i))
            .collect();
        first.sort_unstable();
        let order: Vec<u32> = first.into_iter().map(|(_, i)| i).collect();
        let moved_to = positions(&order, nodes.len());
        for o in of.iter_mut().flatten() {
            *o = moved_to[*o as usize];
        }
        // The aggregates that grew (and the new nodes) count their edges again; every other
        // edge keeps its count.
        let mut recount = vec![false; order.len()];
        for (i, &grown) in grew.iter().enumerate() {
            if grown && i != gone {
                recount[moved_to[i] as usize] = true;
            }
        }
        let stays = |i: u32| i as usize != gone && !grew[i as usize];
        let kept: Vec<ViewEdge> = self
            .edges
            .iter()
            .filter(|e| stays(e.from) && stays(e.to))
            .map(|e| ViewEdge { from: moved_to[e.from as usize], to: moved_to[e.to as usize], ..*e })
            .collect();
        // Counted per recounted node as `aggregate` counts: in a table by (other end, kind)
        // whose entries are stale unless they point into this node's part of the list.
        let kinds = EdgeKind::ALL.len();
        let (mut out_slot, mut in_slot) =
            (vec![usize::MAX; order.len() * kinds], vec![usize::MAX; order.len() * kinds]);
        let (mut leaving, mut arriving): (Vec<ViewEdge>, Vec<ViewEdge>) = (Vec::new(), Vec::new());
        let shown = |v: u32| of.get(v as usize).copied().flatten();
        for (at, &from) in order.iter().enumerate() {
            if !recount[at] {
                continue;
            }
            let (at, first_out, first_in) = (at as u32, leaving.len(), arriving.len());
            for &m in &nodes[from as usize].members {
                for &(to, kind) in Adjacency::of(&adj.out_start, &adj.out, m) {
                    if let Some(to) = shown(to).filter(|&to| to != at) {
                        let slot = &mut out_slot[to as usize * kinds + kind as usize];
                        tally(&mut leaving, slot, first_out, ViewEdge { from: at, to, kind, count: 1 });
                    }
                }
                for &(from, kind) in Adjacency::of(&adj.into_start, &adj.into, m) {
                    // An edge between two recounted nodes was counted where it leaves.
                    if let Some(from) = shown(from).filter(|&f| f != at && !recount[f as usize]) {
                        let slot = &mut in_slot[from as usize * kinds + kind as usize];
                        tally(&mut arriving, slot, first_in, ViewEdge { from, to: at, kind, count: 1 });
                    }
                }
            }
            leaving[first_out..].sort_unstable();
        }
        // Each list sorted (the edges kept keep their order: old nodes keep theirs), merged.
        arriving.sort_unstable();
        let edges = merge(merge(kept, leaving), arriving);
        Some(View { nodes: reordered(nodes, &order), edges, of })
    }
}

impl ViewNode {
    /// Graph node `info` shown itself.
    fn itself(info: &NodeInfo) -> ViewNode {
        ViewNode::first(Key::Node(info.id.clone()), None, None, info)
    }

    /// The aggregate of `by` and `value`, whose first member is `info`.
    fn aggregate(by: RollUpBy, value: &str, info: &NodeInfo) -> ViewNode {
        ViewNode::first(RollUp::key(by, value), Some((by, value.to_string())), None, info)
    }

    /// A shown node whose first member is `info` (which [`ViewNode::join`] then adds).
    fn first(key: Key, rolled: Option<(RollUpBy, String)>, depths: Option<(u32, u32)>, info: &NodeInfo) -> ViewNode {
        ViewNode {
            key,
            rolled,
            members: Vec::new(),
            depths,
            part: None,
            region: info.region.clone(),
            zone: info.zone.clone(),
        }
    }

    /// Adds graph node `v` (`info`) to the members; the region and zone stay only while all
    /// members agree.
    fn join(&mut self, v: u32, info: &NodeInfo) {
        self.members.push(v);
        if self.region != info.region {
            self.region = None;
        }
        if self.zone != info.zone {
            self.zone = None;
        }
    }
}

/// Where each of `len` nodes goes when they are put in `order` (`u32::MAX` for one left out).
fn positions(order: &[u32], len: usize) -> Vec<u32> {
    let mut to = vec![u32::MAX; len];
    for (at, &from) in order.iter().enumerate() {
        to[from as usize] = at as u32;
    }
    to
}

/// The shown `nodes` in `order` (a permutation of their indices), `of` renumbered to match.
fn in_order(nodes: Vec<ViewNode>, of: &mut [Option<u32>], order: &[u32]) -> Vec<ViewNode> {
    let moved_to = positions(order, nodes.len());
    for o in of.iter_mut().flatten() {
        *o = moved_to[*o as usize];
    }
    reordered(nodes, order)
}

/// `nodes` in `order` (indices into them; those left out are dropped).
fn reordered(nodes: Vec<ViewNode>, order: &[u32]) -> Vec<ViewNode> {
    let mut old: Vec<Option<ViewNode>> = nodes.into_iter().map(Some).collect();
    order.iter().filter_map(|&i| old.get_mut(i as usize).and_then(Option::take)).collect()
}

/// Counts `edge` into `list`, where `slot` says where its (other end, kind) went: stale
/// unless it points at or after `first`, where the edges of the shown node at hand begin.
fn tally(list: &mut Vec<ViewEdge>, slot: &mut usize, first: usize, edge: ViewEdge) {
    match list.get_mut(*slot) {
        Some(e) if *slot >= first => e.count += 1,
        _ => {
            *slot = list.len();
            list.push(edge);
        }
    }
}

/// Two sorted lists of edges as one, sorted.
fn merge(a: Vec<ViewEdge>, b: Vec<ViewEdge>) -> Vec<ViewEdge> {
    if b.is_empty() {
        return a;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
        let next = if x <= y { a.next() } else { b.next() };
        out.extend(next);
    }
    out.extend(a);
    out.extend(b);
    out
}

/// The expanded aggregates of a roll-up as borrowed pairs, numbered: looked up per node
/// without building a key, and a node's way through them written as their numbers.
struct Expanded<'r> {
    number: FxHashMap<(RollUpBy, &'r str), u32>,
    /// By number.
    keys: Vec<(RollUpBy, &'r str)>,
}

impl<'r> Expanded<'r> {
    fn of(roll: &'r RollUp) -> Expanded<'r> {
        let keys: Vec<(RollUpBy, &str)> = roll
            .expanded
            .iter()
            .filter_map(|k| match k {
                Key::Rolled(by, value) => Some((*by, value.as_str())),
                Key::Node(_) | Key::Band(..) | Key::Part(..) => None,
            })
            .collect();
        let number = keys.iter().enumerate().map(|(i, &k)| (k, i as u32)).collect();
        Expanded { number, keys }
    }

    /// The number of the aggregate of `by` and `value`, if it is expanded.
    fn get(&self, by: RollUpBy, value: &str) -> Option<u32> {
        self.number.get(&(by, value)).copied()
    }

    /// The opened aggregates of a way ([`Ways`]), outermost first, as a part's key names them.
    fn path(&self, way: &[u32]) -> Vec<(RollUpBy, String)> {
        way.iter().filter_map(|&at| self.keys.get(at as usize)).map(|&(by, value)| (by, value.to_string())).collect()
    }
}

/// The ways nodes take through the opened aggregates (their numbers in [`Expanded`], outermost
/// first), numbered with the ways they go on from (all but their last opened aggregate) before
/// them. Neighbouring nodes mostly take the same way: the last one is tried first.
#[derive(Default)]
struct Ways {
    list: Vec<Vec<u32>>,
    /// The way each goes on from, if it passes more than one opened aggregate.
    parent: Vec<Option<u32>>,
    number: FxHashMap<Vec<u32>, u32>,
    last: u32,
}

impl Ways {
    /// The number of `way` (not empty).
    fn number(&mut self, way: &[u32]) -> u32 {
        if self.list.get(self.last as usize).is_some_and(|w| w.as_slice() == way) {
            return self.last;
        }
        let at = match self.number.get(way) {
            Some(&at) => at,
            None => {
                let parent = (way.len() > 1).then(|| self.number(&way[..way.len() - 1]));
                self.list.push(way.to_vec());
                self.parent.push(parent);
                let at = (self.list.len() - 1) as u32;
                self.number.insert(way.to_vec(), at);
                at
            }
        };
        self.last = at;
        at
    }

    fn len(&self) -> usize {
        self.list.len()
    }
}

/// Where the roll-up by `by` (its expanded aggregates in `expanded`, its bands of depth in
/// `bands`) puts graph node `v`: the aggregate of the first attribute with a value not
/// expanded (an expanded container lets the next attributes apply; an expanded group or kind
/// shows its members), the band of its depth at [`RollUpBy::Depth`], or itself: as a member
/// of the opened aggregates on its way ([`Shown::Member`], which [`Parts`] may put in a part),
/// or as nothing rolls it up. An aggregate inside opened ones (a region's groups, an opened
/// kind's replica sets) is [`Shown::Within`] them, and [`Parts`] may put it in a part too.
/// Tells `passed` each opened aggregate on the way (its number in `expanded`), outermost
/// first: the node's way ([`Ways`]).
fn walk<'g>(
    info: &'g NodeInfo,
    v: usize,
    by: &[RollUpBy],
    expanded: &Expanded,
    bands: Option<&Bands>,
    mut passed: impl FnMut(u32),
) -> Shown<'g> {
    // Inside an opened kind only a group named after it applies (replica sets stay whole).
    let mut in_kind = false;
    let mut opened = false;
    for &by in by {
        if in_kind && by != RollUpBy::Group {
            continue;
        }
        if by == RollUpBy::Depth {
            return match bands {
                Some(bands) => match bands.band(v) {
                    Some(band) => Shown::Band(band),
                    None => Shown::Itself(bands.depth.get(v).map(|&d| (d, d))),
                },
                None => Shown::Itself(None),
            };
        }
        let Some(value) = info.attr(by) else { continue };
        let Some(at) = expanded.get(by, value) else {
            return if opened { Shown::Within(by, value) } else { Shown::In(by, value) };
        };
        passed(at);
        opened = true;
        match by {
            _ if by.is_container() => {}
            RollUpBy::Kind => in_kind = true,
            _ => break,
        }
    }
    if opened {
        Shown::Member
    } else {
        Shown::Itself(None)
    }
}

/// The parts of the opened aggregates too large to show what they hold ([`Key::Part`]).
#[derive(Default)]
struct Parts {
    /// The aggregates that would show more than [`BAND_MEMBERS`] things.
    aggregates: Vec<PartedAggregate>,
    /// For each node waiting ([`Parts::new`]), the part it is put in, if any: its aggregate
    /// (an index into `aggregates`) and its range of ranks.
    of: Vec<Option<(u32, (u32, u32))>>,
}

/// An opened aggregate cut into parts: the opened aggregates on its things' way, outermost
/// first, and each thing's depth, in rank order from rank `first` (0, or an opened part's
/// first rank: [`Base`]), of `of` things in all.
struct PartedAggregate {
    path: Vec<(RollUpBy, String)>,
    depths: Vec<u32>,
    first: u32,
    of: u32,
}

/// A part being opened in place ([`View::opened`]): the way (among its members') of the
/// aggregate it is a part of, and its ranks `lo..=hi` among that aggregate's `of` things.
#[derive(Clone, Copy)]
struct Base {
    way: u32,
    lo: u32,
    hi: u32,
    of: u32,
}

impl Parts {
    /// The parts [`view`] shows: the things each opened aggregate would show (of the nodes in
    /// `waiting`, where [`walk`] put them, each with its way in `ways`: a member shown itself,
    /// an aggregate within the way's opened aggregates, or an aggregate opened inside it, which
    /// keeps its place among them), where they are more than [`BAND_MEMBERS`], ranked by
    /// dependency depth (`depth`, asked for only then) then graph order (an aggregate's
    /// shallowest and first member's, an opened one's counting all it holds) and cut as [`cut`]
    /// says, with the parts opened in `roll.expanded`. A node goes into the part holding it at
    /// the outermost aggregate where one does: an opened aggregate's members stay in the part
    /// holding it until that part is opened. With a `base`, the nodes waiting are those of an
    /// opened part and the things of its way are that part's ranks among all of its
    /// aggregate's: `None` if they are not as many.
    ///
    /// # Complexity
    /// O(W + A log A) for the W nodes waiting and A ways; with some aggregate cut, plus the
    /// depths and O(M log M) to rank its M things.
    fn new<'g, 'd>(
        waiting: &[(usize, Shown<'g>, u32)],
        ways: &Ways,
        expanded: &Expanded,
        roll: &RollUp,
        depth: impl FnOnce() -> &'d [u32],
        base: Option<Base>,
    ) -> Option<Parts> {
        // The things, numbered, with the way each is one of: first each way passing more than
        // one opened aggregate, as one of the things of the way it goes on from; then what each
        // waiting node is shown as (aggregates numbered in order of first appearance).
        let mut way_of: Vec<u32> = Vec::new();
        let mut as_thing: Vec<Option<u32>> = vec![None; ways.len()];
        for (w, parent) in ways.parent.iter().enumerate() {
            if let Some(parent) = *parent {
                way_of.push(parent);
                as_thing[w] = Some(way_of.len() as u32 - 1);
            }
        }
        let mut thing_of: Vec<u32> = Vec::with_capacity(waiting.len());
        let mut aggregate: FxHashMap<(u32, RollUpBy, &'g str), u32> = FxHashMap::default();
        let mut last: Option<((u32, RollUpBy, &'g str), u32)> = None;
        for &(_, shown, way) in waiting {
            let thing = match shown {
                Shown::Within(by, value) => match last {
                    Some((key, thing)) if key == (way, by, value) => thing,
                    _ => {
                        let next = way_of.len() as u32;
                        let thing = *aggregate.entry((way, by, value)).or_insert(next);
                        if thing == next {
                            way_of.push(way);
                        }
                        last = Some(((way, by, value), thing));
                        thing
                    }
                },
                _ => {
                    way_of.push(way);
                    way_of.len() as u32 - 1
                }
            };
            thing_of.push(thing);
        }
        let mut count = vec![0usize; ways.len()];
        for &w in &way_of {
            count[w as usize] += 1;
        }
        // (An opened part's things, if no more than that, show themselves: their cut would not
        // cut them.)
        let cut_up = |w: u32| count[w as usize] > BAND_MEMBERS;
        if !(0..ways.len() as u32).any(cut_up) {
            return Some(Parts::default());
        }
        let depth = depth();
        // Each thing's rank key: its shallowest depth and first node; an opened aggregate's
        // over every node on a way through it (ways come after the ones they go on from).
        let mut key = vec![(u32::MAX, u32::MAX); way_of.len()];
        let mut under = vec![(u32::MAX, u32::MAX); ways.len()];
        for (&(v, _, way), &thing) in waiting.iter().zip(&thing_of) {
            let k = (depth.get(v).copied().unwrap_or(0), v as u32);
            key[thing as usize] = key[thing as usize].min(k);
            under[way as usize] = under[way as usize].min(k);
        }
        for w in (0..ways.len()).rev() {
            if let (Some(parent), Some(thing)) = (ways.parent[w], as_thing[w]) {
                under[parent as usize] = under[parent as usize].min(under[w]);
                key[thing as usize] = under[w];
            }
        }
        // Per way cut into parts, its things.
        let mut aggregate_of: Vec<Option<usize>> = vec![None; ways.len()];
        let mut things: Vec<Vec<u32>> = Vec::new();
        for (thing, &w) in way_of.iter().enumerate().filter(|&(_, &w)| cut_up(w)) {
            let at = *aggregate_of[w as usize].get_or_insert_with(|| {
                things.push(Vec::new());
                things.len() - 1
            });
            things[at].push(thing as u32);
        }
        let mut part_of: Vec<Option<(u32, (u32, u32))>> = vec![None; way_of.len()];
        let mut aggregates = Vec::with_capacity(things.len());
        for (at, mut ranked) in things.into_iter().enumerate() {
            ranked.sort_unstable_by_key(|&t| key[t as usize]);
            let w = way_of[ranked[0] as usize];
            let (first, of) = match base.filter(|b| b.way == w) {
                Some(b) if b.hi.checked_sub(b.lo).map(|d| d as usize + 1) == Some(ranked.len()) && b.hi < b.of => {
                    (b.lo, b.of)
                }
                Some(_) => return None,
                None => (0, ranked.len() as u32),
            };
            let way = ways.list.get(w as usize).map_or(&[][..], Vec::as_slice);
            let path = expanded.path(way);
            let open: BTreeSet<(u32, u32)> = roll
                .expanded
                .iter()
                .filter_map(|k| match k {
                    Key::Part(p, lo, hi) if *p == path => Some((*lo, *hi)),
                    _ => None,
                })
                .collect();
            for (rank, &thing) in (first..).zip(&ranked) {
                let range = cut(rank, of - 1, |r| open.contains(&r), |(lo, hi)| (hi - lo + 1) as usize);
                part_of[thing as usize] = range.map(|range| (at as u32, range));
            }
            let depths = ranked.iter().map(|&t| key[t as usize].0).collect();
            aggregates.push(PartedAggregate { path, depths, first, of });
        }
        // The part each way's nodes are in before their own things are: the one holding it (or
        // an aggregate it goes on from) in the way it goes on from, outermost first.
        let mut held: Vec<Option<(u32, (u32, u32))>> = vec![None; ways.len()];
        for w in 0..ways.len() {
            if let (Some(parent), Some(thing)) = (ways.parent[w], as_thing[w]) {
                held[w] = held[parent as usize].or(part_of[thing as usize]);
            }
        }
        let of =
            waiting.iter().zip(&thing_of).map(|(&(_, _, w), &t)| held[w as usize].or(part_of[t as usize])).collect();
        Some(Parts { aggregates, of })
    }

    /// The part the `i`th node waiting is put in, if any.
    fn of(&self, i: usize) -> Option<(u32, (u32, u32))> {
        self.of.get(i).copied().flatten()
    }
}

impl PartedAggregate {
    /// Where the part of ranks `lo..=hi` lies.
    fn part(&self, (lo, hi): (u32, u32)) -> Part {
        let at =
            |rank: u32| rank.checked_sub(self.first).and_then(|i| self.depths.get(i as usize)).copied().unwrap_or(0);
        Part { lo, hi, of: self.of, depths: (at(lo), at(hi)) }
    }

    /// The shown node of its part of ranks `lo..=hi`, whose first member is `info`.
    fn node(&self, (lo, hi): (u32, u32), info: &NodeInfo) -> ViewNode {
        let key = Key::Part(self.path.clone(), lo, hi);
        ViewNode { part: Some(self.part((lo, hi))), ..ViewNode::first(key, self.path.last().cloned(), None, info) }
    }
}

/// `g`'s dependency depths: those in `kept` if they are `g`'s (worked out there the first
/// time), else worked out into `computed`.
fn depths_in<'a>(g: &Graph, kept: &'a OnceCell<Vec<u32>>, computed: &'a OnceCell<Vec<u32>>) -> &'a [u32] {
    match kept.get_or_init(|| depths(g)) {
        d if d.len() == g.len() => d.as_slice(),
        _ => computed.get_or_init(|| depths(g)).as_slice(),
    }
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
            tally(&mut edges, s, first, ViewEdge { from: from as u32, to, kind, count: 1 });
        }
        edges[first..].sort_unstable();
    }
    edges
}

/// Where the roll-up puts a node.
#[derive(Clone, Copy)]
enum Shown<'g> {
    /// Shown itself (at this depth, when a roll-up by depth opened down to it).
    Itself(Option<(u32, u32)>),
    /// Shown itself as a member of the opened aggregates on its way.
    Member,
    /// In the aggregate of this attribute and value, inside the opened aggregates on its way:
    /// an aggregate an opened region or zone holds, or a replica set kept whole inside an
    /// opened kind.
    Within(RollUpBy, &'g str),
    /// In the part of an opened aggregate (an index into [`Parts::aggregates`]) of these ranks.
    Part(u32, (u32, u32)),
    /// In the aggregate of this attribute and value.
    In(RollUpBy, &'g str),
    /// In the band of these depths.
    Band((u32, u32)),
}
