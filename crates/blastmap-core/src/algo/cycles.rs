//! Dependency cycles: strongly connected components of the runtime graph, and those that only
//! close through a start-time edge.

use serde::{Deserialize, Serialize};

use crate::finding::{walk_some, Context, Finding, FindingKind, Rank, Reason, Severity};
use crate::model::{Model, NodeId};

/// Which edges close a cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CycleKind {
    /// Runtime edges alone (requires, placement).
    Runtime,
    /// Needs at least one start-time edge to close.
    Start,
}

/// A strongly connected component of two or more nodes, or one node that needs itself to start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cycle {
    pub kind: CycleKind,
    /// Members in node order.
    pub members: Vec<NodeId>,
    /// One closed walk through the members, from the first back to it: each needs the next.
    pub path: Vec<NodeId>,
}

/// Strongly connected components of the graph whose edges go from each node to `deps(node)`,
/// dependencies first (a reverse topological order of the condensation: every component comes
/// after the components it depends on).
///
/// ```
/// use blastmap_core::algo::sccs;
/// // 0 → 1 ⇄ 2 → 3: the component of 3 first, then {1, 2}, then 0.
/// let deps = |v: u32| match v { 0 => vec![1], 1 => vec![2], 2 => vec![1, 3], _ => vec![] };
/// let mut c = sccs(4, deps);
/// c[1].sort();
/// assert_eq!(c, [vec![3], vec![1, 2], vec![0]]);
/// ```
///
/// # Complexity
/// O(|V| + |E|) time and space: Tarjan's algorithm with an explicit stack (no recursion, so a
/// dependency chain of any length fits a web worker's small stack).
pub fn sccs<I>(n: usize, deps: impl Fn(NodeId) -> I) -> Vec<Vec<NodeId>>
where
    I: IntoIterator<Item = NodeId>,
{
    const UNSEEN: u32 = u32::MAX;
    // `index[v]`: discovery order; `low[v]`: the lowest index reachable from v's subtree that
    // is still on the component stack (`UNSEEN` again once v's component is emitted).
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<NodeId> = Vec::new();
    let mut calls: Vec<(NodeId, I::IntoIter)> = Vec::new();
    let mut out: Vec<Vec<NodeId>> = Vec::new();
    let mut counter = 0u32;
    for root in 0..n as NodeId {
        if index[root as usize] != UNSEEN {
            continue;
        }
        index[root as usize] = counter;
        low[root as usize] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root as usize] = true;
        calls.push((root, deps(root).into_iter()));
        while let Some((v, edges)) = calls.last_mut() {
            let v = *v;
            if let Some(u) = edges.next() {
                let ui = u as usize;
                if ui >= n {
                    continue;
                }
                if index[ui] == UNSEEN {
                    index[ui] = counter;
                    low[ui] = counter;
                    counter += 1;
                    stack.push(u);
                    on_stack[ui] = true;
                    calls.push((u, deps(u).into_iter()));
                } else if on_stack[ui] {
                    low[v as usize] = low[v as usize].min(index[ui]);
                }
                continue;
            }
            calls.pop();
            if let Some((parent, _)) = calls.last() {
                let p = *parent as usize;
                low[p] = low[p].min(low[v as usize]);
            }
            if low[v as usize] == index[v as usize] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w as usize] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                out.push(component);
            }
        }
    }
    out
}

/// SCCs of the runtime graph (requires and placement), dependencies first.
pub fn runtime_sccs(model: &Model) -> Vec<Vec<NodeId>> {
    sccs(model.len(), |v| model.runtime_deps(v))
}

/// Every dependency cycle: runtime SCCs (kind [`CycleKind::Runtime`]) and the SCCs of runtime and
/// start-time edges together that are not runtime SCCs (kind [`CycleKind::Start`]), including a
/// component that lists itself in `requires_at_start` (it can never start again).
///
/// ```
/// use blastmap_core::{algo::{cycles, CycleKind}, load};
/// let m = load("components:\n- {id: a, requires: [b]}\n- {id: b, requires_at_start: [a]}\n").unwrap().model;
/// assert_eq!(cycles(&m)[0].kind, CycleKind::Start);
/// ```
///
/// # Complexity
/// O(|V| + |E|) time and space.
pub fn cycles(model: &Model) -> Vec<Cycle> {
    let normalize = |sets: Vec<Vec<NodeId>>| {
        let mut out: Vec<Vec<NodeId>> = sets
            .into_iter()
            .filter(|c| c.len() > 1)
            .map(|mut c| {
                c.sort_unstable();
                c
            })
            .collect();
        out.sort();
        out
    };
    let runtime = normalize(runtime_sccs(model));
    let start_deps = |v: NodeId| model.runtime_deps(v).chain(model.start(v).iter().copied()).collect::<Vec<_>>();
    let mut both = normalize(sccs(model.len(), |v| model.runtime_deps(v).chain(model.start(v).iter().copied())));
    // A component that needs itself to start is a cycle of its own, unless it is in a larger one.
    let in_larger: std::collections::BTreeSet<NodeId> = both.iter().flatten().copied().collect();
    both.extend(model.ids().filter(|&v| model.start(v).contains(&v) && !in_larger.contains(&v)).map(|v| vec![v]));
    both.sort();
    let mut out: Vec<Cycle> = runtime
        .iter()
        .map(|m| Cycle {
            kind: CycleKind::Runtime,
            path: cycle_path(m, |v| model.runtime_deps(v).collect::<Vec<_>>()),
            members: m.clone(),
        })
        .collect();
    out.extend(both.into_iter().filter(|m| runtime.binary_search(m).is_err()).map(|members| Cycle {
        kind: CycleKind::Start,
        path: cycle_path(&members, start_deps),
        members,
    }));
    out
}

/// One finding per cycle (medium: a cycle is a risk to read, not an outage by itself).
pub fn findings(cycles: &[Cycle], cx: &Context) -> Vec<Finding> {
    cycles
        .iter()
        .map(|c| {
            let path = cx.names(&c.path);
            let title = match (c.kind, c.members.len()) {
                (CycleKind::Start, 1) => {
                    format!("start-time dependency cycle: `{}` needs itself to start", cx.model.name(c.members[0]))
                }
                (CycleKind::Runtime, _) => format!("runtime dependency cycle: {}", walk_some(&path)),
                (CycleKind::Start, _) => format!("start-time dependency cycle: {}", walk_some(&path)),
            };
            let subject = cx.name(c.members[0]);
            let reasons = match c.kind {
                CycleKind::Runtime => vec![Reason::Cycle],
                CycleKind::Start => vec![Reason::Cycle, Reason::StartTime],
            };
            Finding::new(FindingKind::Cycle, Severity::Medium, subject, title, cx.names(&c.members))
                .critical(c.members.iter().any(|&v| cx.touches(v)))
                .ranked(Rank::hidden(reasons))
        })
        .collect()
}

/// One closed walk through the members of an SCC, starting and ending at its first member:
/// the cycle a person can follow. `deps` gives the edges considered.
pub fn cycle_path<I>(members: &[NodeId], deps: impl Fn(NodeId) -> I) -> Vec<NodeId>
where
    I: IntoIterator<Item = NodeId>,
{
    let Some(&start) = members.first() else { return Vec::new() };
    let inside = |v: NodeId| members.binary_search(&v).is_ok();
    // Breadth-first search from the start's dependencies back to the start, shortest cycle first.
    let mut parent: std::collections::HashMap<NodeId, NodeId> = std::collections::HashMap::new();
    let mut queue = std::collections::VecDeque::new();
    for u in deps(start) {
        if inside(u) && !parent.contains_key(&u) {
            parent.insert(u, start);
            queue.push_back(u);
        }
    }
    while let Some(v) = queue.pop_front() {
        if v == start {
            break;
        }
        for u in deps(v) {
            if inside(u) && !parent.contains_key(&u) {
                parent.insert(u, v);
                queue.push_back(u);
            }
        }
    }
    let mut path = vec![start];
    let mut at = start;
    while let Some(&p) = parent.get(&at) {
        if p == start {
            break;
        }
        path.push(p);
        at = p;
        if path.len() > members.len() {
            break;
        }
    }
    path.push(start);
    // Built backwards from the start (following parents); reverse to read as "a requires b".
    path.reverse();
    path
}
