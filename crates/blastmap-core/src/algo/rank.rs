//! How hidden a single point of failure is, and which single failures are the same failure
//! under other names (`docs/semantics.md`, "Hidden first"), read off the forest of K.

use rustc_hash::FxHashMap;

use crate::algo::single::{DownIndex, Killers, SparseMin};
use crate::finding::Reason;
use crate::model::{Model, NodeId};

/// Single failures grouped by equivalence: a and b are equivalent when failing either takes
/// down exactly the same components, a and b aside (D(a) \ {a, b} = D(b) \ {a, b}), and that
/// is something or one of them takes the other down (two failures that take down nothing but
/// themselves are not the same failure). The classes are the transitive closure of that (every
/// member of a class C takes down the same components outside C).
#[derive(Clone, Debug, Default)]
pub struct Equivalence {
    /// `class[v]`: the smallest node of v's class.
    class: Vec<NodeId>,
}

impl Equivalence {
    /// Groups every node.
    ///
    /// Each node gets a random 128-bit weight r(v) (fixed by its index), and each D(x) the sum
    /// of its members' weights, h(x), from prefix sums over the forest's Euler tour (D(x) is a
    /// union of subtree ranges). Then a ~ b exactly when one of three cases holds: neither takes
    /// the other down and h(a) − r(a) = h(b) − r(b); a takes b down and h(a) − r(a) = h(b); or
    /// each takes the other down (h(a) = h(b)). Nodes are joined by equal keys of those forms
    /// (a union-find), so the classes are exact up to a 2^-128 chance of a sum collision per
    /// pair. (The first form needs D(a) to hold more than a.)
    ///
    /// ```
    /// use blastmap_core::{algo::{single_failures, Equivalence}, load};
    /// let yaml = "components:\n- {id: app, requires: [dc, cache]}\n- {id: dc, region: r}\n- {id: cache}\n- {id: other, requires: [cache]}\n";
    /// let m = load(yaml).unwrap().model;
    /// let e = Equivalence::new(&m, &single_failures(&m));
    /// let id = |s: &str| m.lookup(s).unwrap();
    /// assert_eq!(e.class(id("dc")), e.class(id("region:r"))); // a data center and the only region it is in
    /// assert_ne!(e.class(id("dc")), e.class(id("cache"))); // the cache takes `other` down too
    /// ```
    ///
    /// # Complexity
    /// O(|V| + Σ|own|) time, O(|V|) space.
    pub fn new(model: &Model, killers: &Killers) -> Self {
        let n = model.len();
        let weight = |v: usize| -> u128 {
            let a = splitmix(v as u64 ^ 0x5eed_0001);
            let b = splitmix(a ^ 0x5eed_0002);
            (u128::from(a) << 64) | u128::from(b)
        };
        let mut by_tour = vec![0u128; n];
        for v in 0..n {
            if let Some(slot) = by_tour.get_mut(killers.tour_position(v as NodeId)) {
                *slot = weight(v);
            }
        }
        let mut prefix = Vec::with_capacity(n + 1);
        prefix.push(0u128);
        let mut sum = 0u128;
        for w in by_tour {
            sum = sum.wrapping_add(w);
            prefix.push(sum);
        }
        let range = |(a, b): (usize, usize)| match (prefix.get(a), prefix.get(b)) {
            (Some(x), Some(y)) => y.wrapping_sub(*x),
            _ => 0,
        };
        // h, and whether the failure takes down nothing but itself (then it is not joined by
        // that alone), in one walk over the holders.
        let mut h: Vec<u128> = Vec::with_capacity(n);
        let mut alone: Vec<bool> = Vec::with_capacity(n);
        for x in 0..n as NodeId {
            let (mut sum, mut size) = (0u128, 0usize);
            for r in killers.down_ranges(x) {
                sum = sum.wrapping_add(range(r));
                size += r.1 - r.0;
            }
            h.push(sum);
            alone.push(size <= 1);
        }
        let g: Vec<u128> = (0..n).map(|x| h[x].wrapping_sub(weight(x))).collect();
        let mut first_h: FxHashMap<u128, NodeId> = FxHashMap::with_capacity_and_hasher(n, Default::default());
        let mut first_g: FxHashMap<u128, NodeId> = FxHashMap::with_capacity_and_hasher(n, Default::default());
        for v in 0..n as NodeId {
            first_h.entry(h[v as usize]).or_insert(v);
            if !alone[v as usize] {
                first_g.entry(g[v as usize]).or_insert(v);
            }
        }
        let mut parent: Vec<NodeId> = (0..n as NodeId).collect();
        for v in 0..n as NodeId {
            let same_rest = if alone[v as usize] { None } else { first_g.get(&g[v as usize]) };
            let keys = [same_rest, first_h.get(&h[v as usize]), first_h.get(&g[v as usize])];
            for &u in keys.into_iter().flatten() {
                union(&mut parent, v, u);
            }
        }
        // Roots are the smallest member (union keeps the smaller root).
        let class = (0..n as NodeId).map(|v| find(&mut parent, v)).collect();
        Equivalence { class }
    }

    /// The smallest node of v's class (v itself when it is alone).
    pub fn class(&self, v: NodeId) -> NodeId {
        self.class.get(v as usize).copied().unwrap_or(v)
    }
}

fn find(parent: &mut [NodeId], mut v: NodeId) -> NodeId {
    while parent[v as usize] != v {
        let up = parent[parent[v as usize] as usize];
        parent[v as usize] = up;
        v = up;
    }
    v
}

fn union(parent: &mut [NodeId], a: NodeId, b: NodeId) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        parent[ra.max(rb) as usize] = ra.min(rb);
    }
}

fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// How hidden one single point of failure is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpofRank {
    /// Why it is hidden, sorted (empty: obvious).
    pub reasons: Vec<Reason>,
    /// Obvious only: the target on whose own plain `requires` chain it stands; every other
    /// target it takes down, it takes down through this one.
    pub target: Option<NodeId>,
}

/// Ranks single points of failure (docs/semantics.md, "Hidden first"). For x taking down the
/// targets T(x) (x itself left out):
/// - placement: D(x) holds a placement value that takes down a target;
/// - redundancy group: D(x) \ {x} holds a k-of-n gate (tolerance > 0) that takes down a target;
/// - shared by targets: |T(x)| ≥ 2 and no t0 in T(x) takes down all the others;
///
/// and obvious when none holds: then every target it takes down is reached by a chain of plain
/// `requires` (from gates that need all of them) through the one target t0 that takes down the
/// others.
pub(crate) struct SpofRanker<'k> {
    killers: &'k Killers,
    targets: &'k DownIndex<'k>,
    placement: DownIndex<'k>,
    groups: DownIndex<'k>,
    in_groups: Vec<bool>,
    /// Targets that take down another target, and the table of their largest target counts.
    upstream: DownIndex<'k>,
    upstream_keys: Vec<NodeId>,
    upstream_max: Option<SparseMin>,
}

impl<'k> SpofRanker<'k> {
    /// # Complexity
    /// O(|V| + Σ|own|), plus O(u log u) for the u targets that take down another target.
    pub(crate) fn new(model: &Model, killers: &'k Killers, targets: &'k DownIndex<'k>) -> Self {
        let kills_target = |y: NodeId| targets.count(y) > 0;
        let placement: Vec<NodeId> =
            model.ids().filter(|&y| !model.placement_dependents(y).is_empty() && kills_target(y)).collect();
        let groups: Vec<NodeId> = model.ids().filter(|&y| model.is_redundant(y) && kills_target(y)).collect();
        let mut in_groups = vec![false; model.len()];
        for &y in &groups {
            in_groups[y as usize] = true;
        }
        let up: Vec<NodeId> = model.targets().iter().copied().filter(|&t| targets.count(t) >= 2).collect();
        let upstream = DownIndex::new(killers, &up);
        // SparseMin finds the smallest: keys are "most targets taken down" reversed.
        let upstream_keys: Vec<NodeId> = upstream.members().iter().map(|&t| u32::MAX - targets.count(t)).collect();
        let upstream_max = (!upstream_keys.is_empty()).then(|| SparseMin::new(&upstream_keys));
        SpofRanker {
            killers,
            targets,
            placement: DownIndex::new(killers, &placement),
            groups: DownIndex::new(killers, &groups),
            in_groups,
            upstream,
            upstream_keys,
            upstream_max,
        }
    }

    /// The rank of x, a single point of failure taking down `count` targets besides itself, the
    /// first of them `first`.
    ///
    /// # Complexity
    /// O(h log |V|) for the h nodes holding x.
    pub(crate) fn rank(&self, x: NodeId, count: u32, first: Option<NodeId>) -> SpofRank {
        let mut reasons = Vec::new();
        if self.placement.count(x) > 0 {
            reasons.push(Reason::Placement);
        }
        let itself = u32::from(self.in_groups.get(x as usize).copied().unwrap_or(false));
        if self.groups.count(x) > itself {
            reasons.push(Reason::RedundancyGroup);
        }
        let cover = if count <= 1 { first } else { self.covering(x, count) };
        if cover.is_none() {
            reasons.push(Reason::SharedByTargets);
        }
        reasons.sort_unstable();
        let target = if reasons.is_empty() { cover } else { None };
        SpofRank { reasons, target }
    }

    /// A target t0 ≠ x that x takes down and that takes down every other target x takes down
    /// (`count` of them): the one that takes down the most targets, if it covers them.
    fn covering(&self, x: NodeId, count: u32) -> Option<NodeId> {
        let table = self.upstream_max.as_ref()?;
        let ids = self.upstream.members();
        // x's own position among the members, to leave it out.
        let k = self.killers;
        let own = ids.binary_search_by_key(&k.tour_position(x), |&t| k.tour_position(t)).ok();
        let mut best: Option<(NodeId, NodeId)> = None; // (key, target)
        let mut consider = |a: usize, b: usize| {
            if a < b {
                let at = table.argmin(&self.upstream_keys, a, b);
                let key = (self.upstream_keys[at], ids[at]);
                if best.is_none_or(|b| key < b) {
                    best = Some(key);
                }
            }
        };
        for (a, b) in self.upstream.ranges(x) {
            match own {
                Some(p) if a <= p && p < b => {
                    consider(a, p);
                    consider(p + 1, b);
                }
                _ => consider(a, b),
            }
        }
        let (_, t0) = best?;
        // t0 takes down the targets it covers; x taking t0 down, they are among x's (or x and
        // t0 take each other down, and then they take down the same).
        (self.targets.count(t0) >= count).then_some(t0)
    }
}
