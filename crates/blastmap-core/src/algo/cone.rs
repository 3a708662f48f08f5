//! Failure propagation restricted to the cone of one node (everything it depends on at
//! runtime): the inner loop of the exhaustive searches for small failure sets.

use crate::model::{Model, NodeId};

/// Working memory for propagating small failure sets inside one node's cone.
pub(crate) struct ConeSearch {
    /// `stamp[v] == epoch` marks v as in the current cone.
    cone_stamp: Vec<u32>,
    cone_epoch: u32,
    left: Vec<i64>,
    left_stamp: Vec<u32>,
    epoch: u32,
    queue: Vec<NodeId>,
}

impl ConeSearch {
    pub(crate) fn new(n: usize) -> Self {
        ConeSearch {
            cone_stamp: vec![0; n],
            cone_epoch: 0,
            left: vec![0; n],
            left_stamp: vec![0; n],
            epoch: 0,
            queue: Vec::new(),
        }
    }

    /// Nodes `v` depends on at runtime (v excluded), in node order; marks the cone.
    pub(crate) fn cone(&mut self, model: &Model, v: NodeId) -> Vec<NodeId> {
        self.cone_epoch += 1;
        let e = self.cone_epoch;
        self.cone_stamp[v as usize] = e;
        let mut stack = vec![v];
        let mut out = Vec::new();
        while let Some(u) = stack.pop() {
            for d in model.runtime_deps(u) {
                if self.cone_stamp[d as usize] != e {
                    self.cone_stamp[d as usize] = e;
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
            self.left_stamp[x as usize] = e;
            self.left[x as usize] = -1;
            self.queue.push(x);
        }
        let mut head = 0;
        while let Some(&u) = self.queue.get(head) {
            head += 1;
            let requires = model.requires_dependents(u).iter().map(|&v| (v, false));
            let placed = model.placement_dependents(u).iter().map(|&v| (v, true));
            for (v, hard) in requires.chain(placed) {
                let vi = v as usize;
                if self.cone_stamp[vi] != ce {
                    continue;
                }
                if self.left_stamp[vi] != e {
                    self.left_stamp[vi] = e;
                    self.left[vi] = i64::from(model.tolerance(v));
                }
                if self.left[vi] < 0 {
                    continue;
                }
                self.left[vi] = if hard { -1 } else { self.left[vi] - 1 };
                if self.left[vi] < 0 {
                    if v == target {
                        return true;
                    }
                    self.queue.push(v);
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
