//! What-if: fail any set of components or placement values and read every component's status,
//! with the dependency path that explains it. [`what_if`] classifies every node; the page, which
//! answers a what-if per click, walks only what the down nodes touch ([`what_if_from`]).

use serde::{Deserialize, Serialize};

use crate::algo::steady::{propagate, steady_state, Kinds, Steady};
use crate::model::{Adjacency, Model, NodeId};

/// A node's status after a failure set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Up,
    /// Up, but a soft dependency is down or a k-of-n gate lost members.
    Degraded,
    /// Down because its dependencies are.
    Down,
    /// In the failure set.
    Failed,
}

/// Every node's state after a failure set.
#[derive(Clone, Debug)]
pub struct WhatIf {
    pub failed: Vec<NodeId>,
    pub status: Vec<Status>,
    /// Up, but a start-time dependency is down: it would not come back after a restart.
    pub cannot_restart: Vec<bool>,
    /// Every monitor of it is down.
    pub unmonitored: Vec<bool>,
    pub steady: Steady,
}

impl WhatIf {
    /// True when anything about `v` changed: not up, or flagged.
    pub fn affected(&self, v: NodeId) -> bool {
        let i = v as usize;
        self.status[i] != Status::Up || self.cannot_restart[i] || self.unmonitored[i]
    }

    /// The targets that are down or failed, in node order.
    pub fn targets_down(&self, model: &Model) -> Vec<NodeId> {
        model.targets().iter().copied().filter(|&t| self.steady.is_down(t)).collect()
    }

    /// The dependency path that explains `v`'s state, from a failed node to `v`: the chain of
    /// failures for down nodes; for degraded ones, the chain to the lost dependency; for
    /// cannot-restart, the chain to the start-time dependency that is down; for unmonitored,
    /// the chain to a monitor. Empty when `v` is up and unaffected.
    pub fn explain(&self, model: &Model, v: NodeId) -> Vec<NodeId> {
        let i = v as usize;
        let through = |d: NodeId| {
            let mut p = self.steady.path(d);
            p.push(v);
            p
        };
        let first_down = |deps: &[NodeId]| deps.iter().copied().find(|&d| self.steady.is_down(d));
        match self.status[i] {
            Status::Failed | Status::Down => return self.steady.path(v),
            Status::Degraded => {
                if let Some(d) = first_down(model.requires(v)).or_else(|| first_down(model.degrades(v))) {
                    return through(d);
                }
            }
            Status::Up => {}
        }
        if self.cannot_restart[i] {
            if let Some(d) = first_down(model.start(v)) {
                return through(d);
            }
        }
        if self.unmonitored[i] {
            if let Some(&m) = model.monitors(v).first() {
                return self.steady.path(m);
            }
        }
        Vec::new()
    }
}

/// Fails `failed` and classifies every node.
///
/// ```
/// use blastmap_core::{algo::{what_if, Status}, load};
/// let yaml = "components:\n- {id: api, requires: [db], degrades_without: [cache], monitored_by: [mon]}\n- {id: db}\n- {id: cache}\n- {id: mon, requires: [db]}\n";
/// let m = load(yaml).unwrap().model;
/// let w = what_if(&m, &[m.lookup("cache").unwrap()]);
/// assert_eq!(w.status[m.lookup("api").unwrap() as usize], Status::Degraded);
/// let w = what_if(&m, &[m.lookup("db").unwrap()]);
/// let api = m.lookup("api").unwrap();
/// assert!(w.unmonitored[api as usize]);
/// assert_eq!(m.names(&w.explain(&m, api)), ["db", "api"]);
/// ```
///
/// # Complexity
/// O(|V| + |E|) time and O(|V|) extra space.
pub fn what_if(model: &Model, failed: &[NodeId]) -> WhatIf {
    let steady = steady_state(model, failed);
    let n = model.len();
    let down = |v: NodeId| steady.is_down(v);
    let mut status = vec![Status::Up; n];
    let mut cannot_restart = vec![false; n];
    let mut unmonitored = vec![false; n];
    for v in model.ids() {
        let i = v as usize;
        status[i] = if steady.failed[i] {
            Status::Failed
        } else if down(v) {
            Status::Down
        } else if model.requires(v).iter().chain(model.degrades(v)).any(|&d| down(d)) {
            Status::Degraded
        } else {
            Status::Up
        };
        cannot_restart[i] = !down(v) && model.start(v).iter().any(|&s| down(s));
        let monitors = model.monitors(v);
        unmonitored[i] = !monitors.is_empty() && monitors.iter().all(|&m| down(m));
    }
    WhatIf { failed: failed.to_vec(), status, cannot_restart, unmonitored, steady }
}

/// The reverse edges a what-if walks from the down nodes that the model does not index: who
/// lists a node as a soft dependency, and what it monitors; and whether the model has gates
/// and start-time edges at all. Built once per model for [`what_if_from`].
#[derive(Clone, Debug, Default)]
pub struct Dependents {
    soft: Adjacency,
    watched: Adjacency,
    /// Some node has a start-time dependency.
    start: bool,
    /// Some node is a k-of-n gate with k < n: without one, whatever requires a down node is
    /// down too, never only degraded.
    gates: bool,
    /// Some node is placed on a placement value.
    placement: bool,
}

impl Dependents {
    /// The reverse `degrades` and `monitors` edges of `model`.
    ///
    /// # Complexity
    /// O(|V| + |E|) time and space.
    pub fn new(model: &Model) -> Dependents {
        let n = model.len();
        let reversed = |edges: fn(&Model, NodeId) -> &[NodeId]| {
            let mut forward = Adjacency::with_rows(n);
            for v in model.ids() {
                forward.push_row(edges(model, v));
            }
            forward.finish(n).reversed(n)
        };
        let start = model.ids().any(|v| !model.start(v).is_empty());
        let gates = model.ids().any(|v| model.is_redundant(v));
        let placement = model.ids().any(|v| !model.placement(v).is_empty());
        Dependents { soft: reversed(Model::degrades), watched: reversed(Model::monitors), start, gates, placement }
    }

    /// The nodes that list `v` as a soft dependency.
    pub fn soft(&self, v: NodeId) -> &[NodeId] {
        self.soft.get(v)
    }

    /// The nodes `v` monitors.
    pub fn watched(&self, v: NodeId) -> &[NodeId] {
        self.watched.get(v)
    }
}

/// [`what_if`], touching only what the down nodes reach: a node other than a down one can only
/// be degraded, unable to restart or unmonitored through an edge to a down node, so the statuses
/// are found by walking the edges into the down nodes (`dependents`, built once per model)
/// rather than every node's dependencies. The result is the same as [`what_if`]'s.
///
/// ```
/// use blastmap_core::{algo::{what_if, what_if_from, Dependents, Status}, load};
/// let yaml = "components:\n- {id: api, requires: [db], degrades_without: [cache], monitored_by: [mon]}\n- {id: db}\n- {id: cache}\n- {id: mon, requires: [db]}\n";
/// let m = load(yaml).unwrap().model;
/// let index = Dependents::new(&m);
/// let db = [m.lookup("db").unwrap()];
/// let (w, all) = (what_if_from(&m, &index, &db), what_if(&m, &db));
/// assert_eq!((w.status, w.unmonitored), (all.status, all.unmonitored));
/// // A chain has no gate, placement, soft, start-time or monitoring edge: only the order is walked.
/// let chain = load("components:\n- {id: a, requires: [b]}\n- {id: b, requires: [c]}\n- {id: c}\n").unwrap().model;
/// let c = [chain.lookup("c").unwrap()];
/// let (w, all) = (what_if_from(&chain, &Dependents::new(&chain), &c), what_if(&chain, &c));
/// assert_eq!((&w.status, &w.steady.order, &w.steady.cause), (&all.status, &all.steady.order, &all.steady.cause));
/// assert_eq!(chain.names(&w.explain(&chain, chain.lookup("a").unwrap())), ["c", "b", "a"]);
/// ```
///
/// # Complexity
/// O(|V|) time to clear the arrays, plus O(|E_down|): the edges into and out of the nodes that
/// go down. O(|V|) extra space.
pub fn what_if_from(model: &Model, dependents: &Dependents, failed: &[NodeId]) -> WhatIf {
    // Without gates no count of lost dependencies is kept (the first loss takes a node down),
    // and without placement no row of placement dependents is read.
    let steady = propagate(model, failed, Kinds { gates: dependents.gates, placement: dependents.placement });
    let n = model.len();
    let down = |v: NodeId| steady.is_down(v);
    let mut status = vec![Status::Up; n];
    let mut cannot_restart = vec![false; n];
    let mut unmonitored = vec![false; n];
    // The kinds of edge the model has none of are not walked at all (a chain of a million
    // `requires` has no soft, start-time or monitoring edge to read a million empty rows of),
    // nor `requires` when no gate tolerates a loss (all that requires a down node is down).
    let (soft, start, watched) =
        (dependents.soft.edge_count() > 0, dependents.start, dependents.watched.edge_count() > 0);
    let gates = dependents.gates;
    // The order starts with the failure set; nothing after it failed itself.
    let failures =
        steady.order.iter().take_while(|&&u| steady.failed.get(u as usize).copied().unwrap_or(false)).count();
    for (j, &u) in steady.order.iter().enumerate() {
        if let Some(s) = status.get_mut(u as usize) {
            *s = if j < failures { Status::Failed } else { Status::Down };
        }
    }
    // Then the edges into the down nodes, of the kinds the model has (none: no walk at all).
    let walked: &[NodeId] = if gates || soft || start || watched { &steady.order } else { &[] };
    for &u in walked {
        let requires = if gates { model.requires_dependents(u) } else { &[] };
        for &v in requires.iter().chain(if soft { dependents.soft(u) } else { &[] }) {
            if !down(v) {
                if let Some(s) = status.get_mut(v as usize) {
                    *s = Status::Degraded;
                }
            }
        }
        for &v in if start { model.start_dependents(u) } else { &[] } {
            if !down(v) {
                if let Some(c) = cannot_restart.get_mut(v as usize) {
                    *c = true;
                }
            }
        }
        for &v in if watched { dependents.watched(u) } else { &[] } {
            if let Some(flag) = unmonitored.get_mut(v as usize) {
                if !*flag && model.monitors(v).iter().all(|&m| down(m)) {
                    *flag = true;
                }
            }
        }
    }
    WhatIf { failed: failed.to_vec(), status, cannot_restart, unmonitored, steady }
}
