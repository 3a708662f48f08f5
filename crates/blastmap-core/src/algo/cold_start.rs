//! Cold start: from everything down, the waves in which components come up (the order to
//! restore them in), and what never comes up because a cycle blocks it.

use crate::algo::cycles::sccs;
use crate::finding::{join_some, Context, Finding, FindingKind, Rank, Reason, Severity};
use crate::model::{Model, NodeId};

/// Wave of a node that never comes up.
pub const NEVER: u32 = u32::MAX;

/// Waves and deadlocks of a cold start.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColdStart {
    /// `waves[i]`: the components that come up in round i + 1, in node order. Implicit
    /// placement values are up from the start and not listed.
    pub waves: Vec<Vec<NodeId>>,
    /// Components that never come up, in node order.
    pub deadlocked: Vec<NodeId>,
    /// The cycles among deadlocked components that block the rest: strongly connected
    /// components of the deadlocked set with no dependency on another deadlocked component
    /// (a component that needs itself to start is such a cycle on its own).
    pub cycles: Vec<Vec<NodeId>>,
    /// `wave[v]`: 1-based wave of `v`, 0 for implicit placement values, `u32::MAX` when it never
    /// comes up.
    pub wave: Vec<u32>,
}

/// All dependencies a node needs to start: requires (counted against `need`), placement and
/// start-time dependencies (all of them).
fn start_deps(model: &Model, v: NodeId) -> impl Iterator<Item = NodeId> + '_ {
    model.runtime_deps(v).chain(model.start(v).iter().copied())
}

/// Cold start: the least fixed point of "up", computed in rounds. Implicit placement values are
/// up from the beginning; in round r every component comes up whose runtime need, placement and
/// start-time dependencies were all met after round r − 1.
///
/// ```
/// use blastmap_core::{algo::cold_start, load};
/// let m = load("components:\n- {id: app, requires: [db], requires_at_start: [config]}\n- {id: db}\n- {id: config}\n").unwrap().model;
/// let c = cold_start(&m);
/// assert_eq!(c.waves.len(), 2);
/// assert!(c.deadlocked.is_empty());
/// ```
///
/// # Complexity
/// O(|V| + |E|) time and space: each node comes up once and then notifies its dependents.
pub fn cold_start(model: &Model) -> ColdStart {
    let n = model.len();
    // Remaining requirements: `need` more of `requires`, and every placement and start dependency.
    let mut need_left: Vec<i64> = model.ids().map(|v| i64::from(model.need(v))).collect();
    let mut all_left: Vec<usize> = model.ids().map(|v| model.placement(v).len() + model.start(v).len()).collect();
    let mut wave = vec![NEVER; n];
    let implicit = |v: NodeId| model.node(v).is_placement();
    // Notifies the dependents of `u`, which just came up; returns those that are now ready.
    let notify = |u: NodeId, need_left: &mut [i64], all_left: &mut [usize], ready: &mut Vec<NodeId>| {
        for &v in model.requires_dependents(u) {
            need_left[v as usize] -= 1;
            if need_left[v as usize] == 0 && all_left[v as usize] == 0 {
                ready.push(v);
            }
        }
        for &v in model.placement_dependents(u).iter().chain(model.start_dependents(u)) {
            all_left[v as usize] -= 1;
            if need_left[v as usize] <= 0 && all_left[v as usize] == 0 {
                ready.push(v);
            }
        }
    };
    let mut ignored = Vec::new();
    for v in model.ids().filter(|&v| implicit(v)) {
        wave[v as usize] = 0;
        notify(v, &mut need_left, &mut all_left, &mut ignored);
    }
    let mut current: Vec<NodeId> =
        model.ids().filter(|&v| !implicit(v) && need_left[v as usize] <= 0 && all_left[v as usize] == 0).collect();
    let mut waves = Vec::new();
    let mut round = 1u32;
    while !current.is_empty() {
        for &v in &current {
            wave[v as usize] = round;
        }
        let mut ready = Vec::new();
        for &u in &current {
            notify(u, &mut need_left, &mut all_left, &mut ready);
        }
        ready.retain(|&v| wave[v as usize] == NEVER);
        ready.sort_unstable();
        ready.dedup();
        waves.push(std::mem::replace(&mut current, ready));
        round += 1;
    }
    let stuck = |v: NodeId| wave[v as usize] == NEVER;
    let deadlocked: Vec<NodeId> = model.ids().filter(|&v| stuck(v)).collect();
    let cycles = blocking_cycles(model, &deadlocked, &stuck);
    ColdStart { waves, deadlocked, cycles, wave }
}

/// The sink SCCs (two or more members) of the dependency graph restricted to deadlocked nodes.
fn blocking_cycles(model: &Model, deadlocked: &[NodeId], stuck: &dyn Fn(NodeId) -> bool) -> Vec<Vec<NodeId>> {
    if deadlocked.is_empty() {
        return Vec::new();
    }
    // Local indices for the deadlocked subgraph.
    let local = |v: NodeId| deadlocked.binary_search(&v).ok().map(|i| i as NodeId);
    let deps = |i: NodeId| -> Vec<NodeId> {
        let v = deadlocked[i as usize];
        start_deps(model, v).filter(|&u| stuck(u)).filter_map(local).collect()
    };
    let comps = sccs(deadlocked.len(), deps);
    let mut comp_of = vec![0usize; deadlocked.len()];
    for (c, members) in comps.iter().enumerate() {
        for &i in members {
            comp_of[i as usize] = c;
        }
    }
    let mut out: Vec<Vec<NodeId>> = comps
        .iter()
        .enumerate()
        .filter(|(c, members)| {
            let cyclic = members.len() > 1 || members.iter().any(|&i| deps(i).contains(&i));
            cyclic && members.iter().all(|&i| deps(i).iter().all(|&j| comp_of[j as usize] == *c))
        })
        .map(|(_, members)| {
            let mut m: Vec<NodeId> = members.iter().map(|&i| deadlocked[i as usize]).collect();
            m.sort_unstable();
            m
        })
        .collect();
    out.sort();
    out
}

/// One critical finding per blocking cycle: what waits for what, and how much more it blocks.
pub fn findings(cold: &ColdStart, cx: &Context) -> Vec<Finding> {
    cold.cycles
        .iter()
        .map(|c| {
            let blocked = cold.deadlocked.iter().filter(|v| c.binary_search(v).is_err()).count();
            let more = if blocked > 0 {
                format!(", blocking {} more", crate::finding::thousands(blocked))
            } else {
                String::new()
            };
            let title = match c.as_slice() {
                [one] => format!("cold start deadlocks: `{}` needs itself to start{more}", cx.model.name(*one)),
                _ => format!("cold start deadlocks: {} wait for each other{more}", join_some(&cx.names(c))),
            };
            // A start-time edge inside the blocking cycle: it closes through `requires_at_start`.
            let inside = |u: &NodeId| c.binary_search(u).is_ok();
            let start = c.iter().any(|&v| cx.model.start(v).iter().any(inside));
            let reasons = [Reason::Cycle].into_iter().chain(start.then_some(Reason::StartTime));
            Finding::new(FindingKind::Deadlock, Severity::Critical, cx.name(c[0]), title, cx.names(c))
                .critical(cold.deadlocked.iter().any(|&v| cx.touches(v)))
                .ranked(Rank::hidden(reasons))
        })
        .collect()
}
