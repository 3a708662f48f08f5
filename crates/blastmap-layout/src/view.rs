//! What is shown: focus (a neighbourhood) and roll-up (one node per region, zone, kind or
//! group, with edges aggregated).

use std::collections::BTreeSet;

use crate::graph::{EdgeKind, Graph, RollUpBy};

/// Which nodes to roll up: by each attribute in `by`, outermost first, except the aggregates
/// whose key (`"region:us-east-1"`, see [`ViewNode::key`]) is in `expanded`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RollUp {
    pub by: Vec<RollUpBy>,
    pub expanded: BTreeSet<String>,
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
    pub fn key(by: RollUpBy, value: &str) -> String {
        format!("{}:{value}", by.name())
    }
}

/// One shown node: a node of the graph, or an aggregate of several.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewNode {
    /// The graph node's id, or `"by:value"` for an aggregate.
    pub key: String,
    /// `Some((by, value))` for an aggregate.
    pub rolled: Option<(RollUpBy, String)>,
    /// The graph nodes it stands for, ascending.
    pub members: Vec<u32>,
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
/// shows its members. Edges between shown nodes are
/// aggregated per kind, with their count; edges inside an aggregate disappear.
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
/// assert_eq!(v.nodes[1].key, "region:east");
/// assert_eq!(v.edges[0].count, 2);
/// ```
///
/// # Complexity
/// O(|V| · |by| + |E| log |E|) time, O(|V| + |E|) space.
pub fn view(g: &Graph, keep: Option<&[bool]>, roll: &RollUp) -> View {
    let n = g.len();
    let kept = |v: usize| keep.is_none_or(|k| k.get(v).copied().unwrap_or(false));
    // Key of each node's representative, then shown nodes in order of first appearance.
    let mut index: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let mut nodes: Vec<ViewNode> = Vec::new();
    let mut of: Vec<Option<u32>> = vec![None; n];
    for (v, info) in g.nodes.iter().enumerate() {
        if !kept(v) {
            continue;
        }
        let mut rolled = None;
        for &by in &roll.by {
            let Some(value) = info.attr(by) else { continue };
            let key = RollUp::key(by, value);
            if !roll.expanded.contains(&key) {
                rolled = Some((key, by, value.to_string()));
                break;
            }
            if !by.is_container() {
                break;
            }
        }
        let (key, rolled) = match rolled {
            Some((key, by, value)) => (key, Some((by, value))),
            None => (info.id.clone(), None),
        };
        let at = *index.entry(key.clone()).or_insert_with(|| {
            nodes.push(ViewNode {
                key,
                rolled,
                members: Vec::new(),
                region: info.region.clone(),
                zone: info.zone.clone(),
            });
            (nodes.len() - 1) as u32
        });
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
    let mut raw: Vec<(u32, u32, EdgeKind)> = g
        .valid_edges()
        .filter_map(|e| {
            let (a, b) = (of[e.from as usize]?, of[e.to as usize]?);
            (a != b).then_some((a, b, e.kind))
        })
        .collect();
    raw.sort_unstable();
    let mut edges: Vec<ViewEdge> = Vec::new();
    for (from, to, kind) in raw {
        match edges.last_mut() {
            Some(last) if last.from == from && last.to == to && last.kind == kind => last.count += 1,
            _ => edges.push(ViewEdge { from, to, kind, count: 1 }),
        }
    }
    View { nodes, edges, of }
}
