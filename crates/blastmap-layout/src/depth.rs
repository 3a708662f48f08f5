//! Dependency depth, and the bands of depths a shape no attribute rolls up opens with: a chain of
//! a million components first shows about twenty aggregates ("depth 0–49,999"), each opening
//! into narrower bands down to the components. The same cut ([`cut`]) makes the parts of an
//! opened aggregate too large to show, ranked by depth.

use std::collections::BTreeSet;

use crate::graph::Graph;
use crate::view::Key;

/// At most this many bands in a roll-up by depth, and in each band once opened.
pub const BANDS: u32 = 25;

/// An opened band of at most this many nodes shows them, not narrower bands.
pub const BAND_MEMBERS: usize = 300;

/// Each node's dependency depth: 0 for a node that depends on nothing, else one more than the
/// deepest of its dependencies (runtime, start-time and soft edges). The nodes of a cycle
/// depend on each other and share one depth (that of their strongly connected component in
/// the condensation), so a dependency edge never points to a deeper node, and it points to a
/// shallower one exactly when it leaves a cycle.
///
/// ```
/// use blastmap_layout::{depths, Edge, EdgeKind, Graph, NodeInfo};
/// let runtime = |from, to| Edge { from, to, kind: EdgeKind::Runtime };
/// let g = Graph {
///     nodes: ["web", "api", "db", "lock"].map(NodeInfo::new).to_vec(),
///     // web → api → db, and db ⇄ lock: a cycle shares one depth.
///     edges: vec![runtime(0, 1), runtime(1, 2), runtime(2, 3), runtime(3, 2)],
/// };
/// assert_eq!(depths(&g), [2, 1, 0, 0]);
/// ```
///
/// # Complexity
/// O(|V| + |E|) time and space (Tarjan's algorithm with an explicit stack, then one pass over
/// the condensation as its components complete).
pub fn depths(g: &Graph) -> Vec<u32> {
    const UNSET: u32 = u32::MAX;
    let n = g.len();
    // Dependency edges as rows: `targets[start[v]..start[v + 1]]`.
    let mut start = vec![0u32; n + 1];
    let deps = || g.valid_edges().filter(|e| e.kind.is_dependency());
    for e in deps() {
        start[e.from as usize + 1] += 1;
    }
    for v in 0..n {
        start[v + 1] += start[v];
    }
    let mut fill = start.clone();
    let mut targets = vec![0u32; start[n] as usize];
    for e in deps() {
        let at = &mut fill[e.from as usize];
        targets[*at as usize] = e.to;
        *at += 1;
    }
    let row = |v: u32| start[v as usize] as usize..start[v as usize + 1] as usize;

    let mut index = vec![UNSET; n];
    let mut low = vec![0u32; n];
    // A node's component, numbered as they complete; until then a visited node is on `stack`.
    let mut comp = vec![UNSET; n];
    let mut comps = 0u32;
    let mut depth = vec![0u32; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut calls: Vec<(u32, usize)> = Vec::new();
    let mut members: Vec<u32> = Vec::new();
    let mut next = 0u32;
    for root in 0..n as u32 {
        if index[root as usize] != UNSET {
            continue;
        }
        index[root as usize] = next;
        low[root as usize] = next;
        next += 1;
        stack.push(root);
        calls.push((root, row(root).start));
        while let Some(&mut (v, ref mut at)) = calls.last_mut() {
            let vi = v as usize;
            if *at < row(v).end {
                let w = targets[*at];
                *at += 1;
                let wi = w as usize;
                if index[wi] == UNSET {
                    index[wi] = next;
                    low[wi] = next;
                    next += 1;
                    stack.push(w);
                    calls.push((w, row(w).start));
                } else if comp[wi] == UNSET {
                    low[vi] = low[vi].min(index[wi]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent as usize] = low[parent as usize].min(low[vi]);
            }
            if low[vi] != index[vi] {
                continue;
            }
            // `v` roots a component: its members are on the stack down to `v`. Every other
            // component they depend on completed before it, with its depth.
            let from = stack.iter().rposition(|&m| m == v).unwrap_or(0);
            members.clear();
            members.extend(stack.drain(from..));
            for &m in &members {
                comp[m as usize] = comps;
            }
            let mut d = 0u32;
            for &m in &members {
                for &t in &targets[row(m)] {
                    if comp[t as usize] != comps {
                        d = d.max(depth[t as usize] + 1);
                    }
                }
            }
            comps += 1;
            for &m in &members {
                depth[m as usize] = d;
            }
        }
    }
    depth
}

/// The smallest of 1, 2, 5, 10, 20, 50, … that cuts `span` depths into at most [`BANDS`].
fn band_width(span: u32) -> u32 {
    let mut unit = 1u32;
    loop {
        for step in [1u32, 2, 5] {
            let w = unit.saturating_mul(step);
            if span.div_ceil(w) <= BANDS || w == u32::MAX {
                return w;
            }
        }
        unit = unit.saturating_mul(10);
    }
}

/// The bands of a roll-up by depth, with which are open.
pub(crate) struct Bands<'d> {
    pub depth: &'d [u32],
    /// `below[d]`: the nodes shallower than `d` (so a band's size is a difference).
    below: Vec<usize>,
    deepest: u32,
    open: BTreeSet<(u32, u32)>,
}

impl<'d> Bands<'d> {
    /// The bands of nodes of these depths (as [`depths`] gives them), with the opened bands
    /// among `expanded` keys.
    pub fn new(depth: &'d [u32], expanded: &BTreeSet<Key>) -> Bands<'d> {
        let deepest = depth.iter().copied().max().unwrap_or(0);
        let mut below = vec![0usize; deepest as usize + 2];
        for &d in depth {
            below[d as usize + 1] += 1;
        }
        for d in 0..=deepest as usize {
            below[d + 1] += below[d];
        }
        let open = expanded
            .iter()
            .filter_map(|k| match *k {
                Key::Band(lo, hi) => Some((lo, hi)),
                Key::Node(_) | Key::Rolled(..) | Key::Part(..) => None,
            })
            .collect();
        Bands { depth, below, deepest, open }
    }

    fn size(&self, (lo, hi): (u32, u32)) -> usize {
        let at = |d: u32| self.below.get(d as usize).copied().unwrap_or(0);
        at(hi.saturating_add(1)) - at(lo)
    }

    /// The band node `v` is rolled into: the widest band holding its depth that is not open.
    /// `None` when every band down to it is open (it is shown itself).
    pub fn band(&self, v: usize) -> Option<(u32, u32)> {
        let d = self.depth.get(v).copied()?;
        cut(d, self.deepest, |band| self.open.contains(&band), |band| self.size(band))
    }
}

/// The range holding `x` that a roll-up shows, where `0..=last` is cut into at most [`BANDS`]
/// ranges of 1, 2 or 5 × 10ⁿ values (aligned to multiples of the width); a range `is_open`
/// says is cut again the same way when it holds more than [`BAND_MEMBERS`] (`size`) and more
/// than one value, and shows its members otherwise (`None`: `x`'s member is shown itself).
/// Bands of depth cut depths so; the parts of an opened aggregate too large to show cut ranks.
pub(crate) fn cut(
    x: u32,
    last: u32,
    is_open: impl Fn((u32, u32)) -> bool,
    size: impl Fn((u32, u32)) -> usize,
) -> Option<(u32, u32)> {
    let (mut lo, mut hi) = (0u32, last);
    loop {
        let w = band_width(hi - lo + 1);
        let start = (x / w).saturating_mul(w).max(lo);
        let range = (start, start.saturating_add(w - 1).min(hi));
        if !is_open(range) {
            return Some(range);
        }
        if range.0 == range.1 || size(range) <= BAND_MEMBERS {
            return None;
        }
        (lo, hi) = range;
    }
}
