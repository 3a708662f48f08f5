//! Single-failure effects for every candidate at once: for each node `v`, the set K(v) of nodes
//! whose failure alone takes `v` down (v included).
//!
//! K is computed in one pass over the condensation of the runtime graph, dependencies first:
//! - a node outside any cycle is killed by `x` when the dependencies `x` kills weigh more than
//!   its tolerance (each of `requires` weighs 1, each placement value weighs tolerance + 1), so
//!   K(v) = {v} ∪ {x : Σ weight of deps u with x ∈ K(u) > n − need};
//! - a strongly connected component C is solved as a fixed point per candidate: the candidates
//!   are C's members and everything that kills one of C's outside dependencies; for each, the
//!   failure is propagated inside C from the outside dependencies it kills.

use crate::algo::cycles::runtime_sccs;
use crate::model::{Model, NodeId};

/// K(v) for every node: the single failures that take it down.
#[derive(Clone, Debug, Default)]
pub struct Killers {
    sets: Vec<Vec<NodeId>>,
}

impl Killers {
    /// The nodes whose single failure takes `v` down, `v` included, in node order.
    pub fn of(&self, v: NodeId) -> &[NodeId] {
        self.sets.get(v as usize).map_or(&[], Vec::as_slice)
    }

    /// True when failing `x` alone takes `v` down.
    pub fn kills(&self, x: NodeId, v: NodeId) -> bool {
        self.of(v).binary_search(&x).is_ok()
    }

    /// `counts[x]` = |D(x)|: how many nodes failing `x` takes down, `x` included.
    ///
    /// # Complexity
    /// O(|V| + Σ|K(v)|).
    pub fn down_counts(&self) -> Vec<u32> {
        let mut counts = vec![0u32; self.sets.len()];
        for set in &self.sets {
            for &x in set {
                counts[x as usize] += 1;
            }
        }
        counts
    }

    /// Σ|K(v)|: the size of the whole single-failure relation.
    pub fn total(&self) -> usize {
        self.sets.iter().map(Vec::len).sum()
    }
}

/// A reusable tally over node ids: add weights, then read back the touched ids.
struct Tally {
    weight: Vec<u64>,
    touched: Vec<NodeId>,
}

impl Tally {
    fn new(n: usize) -> Self {
        Tally { weight: vec![0; n], touched: Vec::new() }
    }

    fn add(&mut self, x: NodeId, w: u64) {
        let slot = &mut self.weight[x as usize];
        if *slot == 0 {
            self.touched.push(x);
        }
        *slot += w;
    }

    /// The ids whose weight exceeds `threshold`, sorted; resets the tally.
    fn drain_above(&mut self, threshold: u64, out: &mut Vec<NodeId>) {
        for &x in &self.touched {
            if self.weight[x as usize] > threshold {
                out.push(x);
            }
            self.weight[x as usize] = 0;
        }
        self.touched.clear();
    }
}

/// Computes K(v) for every node.
///
/// ```
/// use blastmap_core::{algo::single_failures, load};
/// let yaml = "components:\n- {id: app, requires: [db]}\n- {id: db, need: 1, requires: [a, b]}\n- {id: a, zone: z1}\n- {id: b, zone: z1}\n";
/// let m = load(yaml).unwrap().model;
/// let k = single_failures(&m);
/// let z1 = m.lookup("zone:z1").unwrap();
/// assert!(k.kills(z1, m.lookup("app").unwrap()));
/// assert!(!k.kills(m.lookup("a").unwrap(), m.lookup("app").unwrap()));
/// ```
///
/// # Complexity
/// Time O(|V| + |E| + Σ_(v→u) |K(u)| + Σ_C |cands(C)|·|E(C)|), where the last term is over
/// runtime cycles C with their candidate killers; space O(|V| + Σ|K(v)|). K(u) stays small
/// where redundancy is real (a 1-of-n group keeps only what its members share), so on layered
/// topologies the pass is near-linear in the size of its output.
pub fn single_failures(model: &Model) -> Killers {
    let n = model.len();
    let mut sets: Vec<Vec<NodeId>> = vec![Vec::new(); n];
    let mut tally = Tally::new(n);
    let mut scratch = CycleScratch::new(n);
    for comp in runtime_sccs(model) {
        match comp.as_slice() {
            &[v] => {
                let tolerance = u64::from(model.tolerance(v));
                for &u in model.requires(v) {
                    for &x in &sets[u as usize] {
                        tally.add(x, 1);
                    }
                }
                for &u in model.placement(v) {
                    for &x in &sets[u as usize] {
                        tally.add(x, tolerance + 1);
                    }
                }
                let mut set = Vec::with_capacity(tally.touched.len() + 1);
                tally.drain_above(tolerance, &mut set);
                set.push(v);
                set.sort_unstable();
                sets[v as usize] = set;
            }
            members => scratch.solve(model, members, &mut sets),
        }
    }
    Killers { sets }
}

/// Working memory for solving one runtime cycle per candidate.
struct CycleScratch {
    /// Local index of each node in the current component, or `NONE`.
    local: Vec<u32>,
}

const NONE: u32 = u32::MAX;

impl CycleScratch {
    fn new(n: usize) -> Self {
        CycleScratch { local: vec![NONE; n] }
    }

    fn solve(&mut self, model: &Model, members: &[NodeId], sets: &mut [Vec<NodeId>]) {
        for (i, &v) in members.iter().enumerate() {
            self.local[v as usize] = i as u32;
        }
        let m = members.len();
        let tolerance: Vec<i64> = members.iter().map(|&v| i64::from(model.tolerance(v))).collect();
        // Edges inside the component, as dependents: for local u, (local v, weight).
        let mut inner: Vec<Vec<(u32, i64)>> = vec![Vec::new(); m];
        // Outside hits: (candidate x, local v, weight) for each outside dependency u of v with x ∈ K(u).
        let mut hits: Vec<(NodeId, u32, i64)> = Vec::new();
        for (i, &v) in members.iter().enumerate() {
            let deps = model
                .requires(v)
                .iter()
                .map(|&u| (u, 1))
                .chain(model.placement(v).iter().map(|&u| (u, tolerance[i] + 1)));
            for (u, w) in deps {
                match self.local[u as usize] {
                    NONE => hits.extend(sets[u as usize].iter().map(|&x| (x, i as u32, w))),
                    j => inner[j as usize].push((i as u32, w)),
                }
            }
        }
        hits.sort_unstable();
        let mut candidates: Vec<NodeId> = hits.iter().map(|h| h.0).chain(members.iter().copied()).collect();
        candidates.sort_unstable();
        candidates.dedup();

        let mut left = tolerance.clone();
        let mut down = vec![false; m];
        let mut queue: Vec<u32> = Vec::new();
        let mut results: Vec<Vec<NodeId>> = vec![Vec::new(); m];
        let mut h = 0;
        for &x in &candidates {
            // Seed: x itself if it is a member, then the outside dependencies x kills.
            let own = self.local[x as usize];
            if own != NONE {
                down[own as usize] = true;
                queue.push(own);
            }
            while h < hits.len() && hits[h].0 < x {
                h += 1;
            }
            while h < hits.len() && hits[h].0 == x {
                let (_, v, w) = hits[h];
                h += 1;
                let vi = v as usize;
                if !down[vi] {
                    left[vi] -= w;
                    if left[vi] < 0 {
                        down[vi] = true;
                        queue.push(v);
                    }
                }
            }
            let mut head = 0;
            while let Some(&u) = queue.get(head) {
                head += 1;
                for &(v, w) in &inner[u as usize] {
                    let vi = v as usize;
                    if !down[vi] {
                        left[vi] -= w;
                        if left[vi] < 0 {
                            down[vi] = true;
                            queue.push(v);
                        }
                    }
                }
            }
            for i in 0..m {
                if down[i] {
                    results[i].push(x);
                }
                down[i] = false;
                left[i] = tolerance[i];
            }
            queue.clear();
        }
        for (i, &v) in members.iter().enumerate() {
            sets[v as usize] = std::mem::take(&mut results[i]);
            self.local[v as usize] = NONE;
        }
    }
}
