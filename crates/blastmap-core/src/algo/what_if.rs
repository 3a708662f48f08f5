//! What-if: fail any set of components or placement values and read every component's status,
//! with the dependency path that explains it.

use serde::{Deserialize, Serialize};

use crate::algo::steady::{steady_state, Steady};
use crate::model::{Model, NodeId};

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
