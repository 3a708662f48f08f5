//! Failure propagation restricted to the cone of one node (everything it depends on at
//! runtime): the inner loop of the exhaustive searches for small failure sets.

use crate::model::{Model, NodeId};

/// Working memory for propagating small failure sets inside one node's cone.
pub(crate) struct ConeSearch {
    /// Per node, what one propagation reads of it, side by side (one cache line, not three).
    slots: Vec<Slot>,
    cone_epoch: u32,
    epoch: u32,
    queue: Vec<NodeId>,
}

/// A node's state in [`ConeSearch`].
#[derive(Clone, Copy, Default)]
struct Slot {
    /// `cone == cone_epoch`: the node is in the current cone.
    cone: u32,
    /// `epoch == epoch`: `left` is the current propagation's.
    epoch: u32,
    /// Failures of its dependencies it can still take, or [`DOWN`].
    left: u32,
}

/// [`Slot::left`] of a node that is down.
const DOWN: u32 = u32::MAX;

impl ConeSearch {
    pub(crate) fn new(n: usize) -> Self {
        ConeSearch { slots: vec![Slot::default(); n], cone_epoch: 0, epoch: 0, queue: Vec::new() }
    }

    /// Nodes `v` depends on at runtime (v excluded), in node order; marks the cone.
    pub(crate) fn cone(&mut self, model: &Model, v: NodeId) -> Vec<NodeId> {
        self.cone_epoch += 1;
        let e = self.cone_epoch;
        self.slots[v as usize].cone = e;
        let mut stack = vec![v];
        let mut out = Vec::new();
        while let Some(u) = stack.pop() {
            for d in model.runtime_deps(u) {
                let slot = &mut self.slots[d as usize];
                if slot.cone != e {
                    slot.cone = e;
                    out.push(d);
                    stack.push(d);
                }
            }
        }
        out.sort_unstable();
        out
    }

    /// Does failing `set` take `target` down? Propagates inside the cone only.
    pub(crate) fn kills(&mut self, model: &Model, set: &[NodeId], target: NodeId) -> bool {
        self.epoch += 1;
        let e = self.epoch;
        let ce = self.cone_epoch;
        self.queue.clear();
        for &x in set {
            let slot = &mut self.slots[x as usize];
            (slot.epoch, slot.left) = (e, DOWN);
            self.queue.push(x);
        }
        let mut head = 0;
        while let Some(&u) = self.queue.get(head) {
            head += 1;
            let requires = model.requires_dependents(u).iter().map(|&v| (v, false));
            let placed = model.placement_dependents(u).iter().map(|&v| (v, true));
            for (v, hard) in requires.chain(placed) {
                let slot = &mut self.slots[v as usize];
                if slot.cone != ce {
                    continue;
                }
                if slot.epoch != e {
                    (slot.epoch, slot.left) = (e, model.tolerance(v));
                }
                if slot.left == DOWN {
                    continue;
                }
                if hard || slot.left == 0 {
                    slot.left = DOWN;
                    if v == target {
                        return true;
                    }
                    self.queue.push(v);
                } else {
                    slot.left -= 1;
                }
            }
        }
        false
    }
}

/// Advances `idx` (strictly increasing indices below `n`) to the next combination in
/// lexicographic order; false after the last.
pub(crate) fn next_combination(idx: &mut [usize], n: usize) -> bool {
    let k = idx.len();
    let mut i = k;
    while i > 0 {
        i -= 1;
        if idx[i] < n - k + i {
            idx[i] += 1;
            for j in i + 1..k {
                idx[j] = idx[j - 1] + 1;
            }
            return true;
        }
    }
    false
}
