//! Steady state after a failure set: the greatest fixed point of "up", found by propagating
//! failure through dependents with a countdown per gate.

use crate::model::{Model, NodeId};

/// Marks "no cause": the node failed itself, or is up.
pub const NONE: NodeId = NodeId::MAX;

/// Which nodes are down after a failure set, and why.
#[derive(Clone, Debug)]
pub struct Steady {
    /// `down[v]`: v is down (failed itself or lost its dependencies).
    pub down: Vec<bool>,
    /// `failed[v]`: v is in the failure set.
    pub failed: Vec<bool>,
    /// `cause[v]`: the dependency whose loss brought v down ([`NONE`] for failed or up nodes).
    pub cause: Vec<NodeId>,
    /// Down nodes in the order they went down (the failure set first).
    pub order: Vec<NodeId>,
}

impl Steady {
    /// True when `v` is down.
    pub fn is_down(&self, v: NodeId) -> bool {
        self.down[v as usize]
    }

    /// The chain of failures that explains why `v` is down, from a failed node to `v`.
    /// Empty when `v` is up.
    pub fn path(&self, v: NodeId) -> Vec<NodeId> {
        let mut path = Vec::new();
        if !self.is_down(v) {
            return path;
        }
        let mut at = v;
        loop {
            path.push(at);
            let c = self.cause[at as usize];
            if c == NONE || path.len() > self.down.len() {
                break;
            }
            at = c;
        }
        path.reverse();
        path
    }
}

/// Fails `failed` and propagates: a node goes down when a placement value of it is down, or when
/// more of its `requires` are down than its tolerance (n − need) allows. Start-time, soft,
/// monitoring and credential edges do not propagate failure.
///
/// ```
/// use blastmap_core::{algo::steady_state, load};
/// let m = load("components:\n- {id: app, requires: [db]}\n- {id: db}\n").unwrap().model;
/// let s = steady_state(&m, &[m.lookup("db").unwrap()]);
/// assert!(s.is_down(m.lookup("app").unwrap()));
/// ```
///
/// # Complexity
/// O(|V| + |E|) time and O(|V|) extra space; the propagation itself touches only the edges out
/// of nodes that go down.
pub fn steady_state(model: &Model, failed: &[NodeId]) -> Steady {
    propagate(model, failed, Kinds { gates: true, placement: true })
}

/// What a model has, as far as [`propagate`] is concerned: `false` only when the caller knows
/// the model has none.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Kinds {
    /// Some node tolerates a loss (a k-of-n gate with k < n). Without one, what requires a
    /// down node is down: no count of lost dependencies is kept or read.
    pub gates: bool,
    /// Some node is placed on a placement value: without one, no row of placement dependents
    /// is read.
    pub placement: bool,
}

/// [`steady_state`], skipping what the model has none of ([`Kinds`]). Same result as
/// [`steady_state`] when `kinds` is true of the model.
///
/// # Complexity
/// As [`steady_state`]'s.
pub(crate) fn propagate(model: &Model, failed: &[NodeId], kinds: Kinds) -> Steady {
    let n = model.len();
    let mut down = vec![false; n];
    let mut is_failed = vec![false; n];
    let mut cause = vec![NONE; n];
    // How many of its `requires` each node has lost: it goes down past its tolerance. Counted
    // up from zero, so a node nothing touches costs no read of its tolerance (a click on the
    // page answers a what-if over a million nodes). Without gates, the first loss is past it.
    let mut lost = if kinds.gates { vec![0u32; n] } else { Vec::new() };
    // Room for every node: a failure that takes a deep chain down pushes them all, and growing
    // by doubling copied the order about twice over.
    let mut order = Vec::with_capacity(n);
    for &f in failed {
        if (f as usize) < n && !is_failed[f as usize] {
            is_failed[f as usize] = true;
            down[f as usize] = true;
            order.push(f);
        }
    }
    let mut head = 0;
    while let Some(&u) = order.get(head) {
        head += 1;
        for &v in model.requires_dependents(u) {
            let vi = v as usize;
            if !down[vi] {
                let past = match lost.get_mut(vi) {
                    Some(count) => {
                        *count += 1;
                        *count > model.tolerance(v)
                    }
                    None => true,
                };
                if past {
                    down[vi] = true;
                    cause[vi] = u;
                    order.push(v);
                }
            }
        }
        for &v in if kinds.placement { model.placement_dependents(u) } else { &[] } {
            let vi = v as usize;
            if !down[vi] {
                down[vi] = true;
                cause[vi] = u;
                order.push(v);
            }
        }
    }
    Steady { down, failed: is_failed, cause, order }
}
