//! Single-failure effects for every candidate at once: for each node `v`, the set K(v) of nodes
//! whose failure alone takes `v` down (v included), stored as a forest of shared parts.
//!
//! K is transitive (x ∈ K(y) and y ∈ K(v) give x ∈ K(v)), so every node `v` with other killers
//! points at one of them, `next(v)`, chosen with K(next) as large as possible, and stores only
//! `own(v) = K(v) \ K(next(v))`. The `next` pointers form a forest and K(v) is the disjoint
//! union of `own` along v's path to its root: a chain of n components costs n entries, not
//! n²/2. The forest is built in one pass over the condensation of the runtime graph,
//! dependencies first:
//! - a node outside any cycle is killed by `x` when the dependencies `x` kills weigh more than
//!   its tolerance (each of `requires` weighs 1, each placement value weighs tolerance + 1);
//!   `next` is its heaviest dependency that alone outweighs the tolerance or, for a k-of-n
//!   gate, the lowest common ancestor of its `requires` in the forest (it kills all of them),
//!   whichever has the larger K. `own(v)` is tallied from each dependency's path only down to
//!   where it meets next's: below that, everything is shared. What the walk meets that K(next)
//!   holds through next's side of the meeting point must not count twice: that side is marked
//!   when it costs about what the walk does; otherwise each member met is looked for at next's
//!   ancestors at the depths where the nodes holding it sit (level ancestors by jump pointers);
//! - a strongly connected component C is solved as a fixed point per candidate: its members
//!   and what its outside dependencies' paths hold below L, the lowest common ancestor of them
//!   all. Every failure in K(L) takes all of C's outside dependencies down, so it does to C
//!   exactly what L does: members that L's failure takes down point at L. Members joined both
//!   ways by dependencies that alone take their dependent down fall together: such a class is
//!   one candidate and one unit of propagation, and its first member stores its K for all. A
//!   class under such a dependency p of another class (K(p) ⊆ K(class)) points at p and stores
//!   only what p's K lacks, as outside cycles: a chain closed into a cycle stores O(length).
//!
//! After the pass an Euler tour of the forest answers "does x kill v" in O(log) and makes
//! "the nodes x takes down" a union of subtree ranges, which is how the other analyses read K
//! without walking whole sets.

use std::cell::OnceCell;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rustc_hash::FxHashMap;

use crate::algo::cycles::{runtime_sccs, sccs};
use crate::model::{Adjacency, Model, NodeId};

/// No node: the `next` of a root, the common ancestor of nodes in different trees.
const NONE: NodeId = NodeId::MAX;

/// K(v) for every node, the single failures that take it down, as a forest of shared parts.
#[derive(Clone, Debug, Default)]
pub struct Killers {
    /// `next[v]`: the node whose K is the shared part of K(v) (`NONE` at a root).
    next: Vec<NodeId>,
    /// Number of nodes above `v` on its path to the root.
    depth: Vec<u32>,
    /// Jump pointers for level-ancestor and common-ancestor queries in O(log |V|).
    jump: Vec<NodeId>,
    /// |K(v)|.
    size: Vec<u32>,
    /// own(v) is `own[own_start[v]..own_start[v] + own_len[v]]`, sorted.
    own_start: Vec<usize>,
    own_len: Vec<u32>,
    own: Vec<NodeId>,
    /// Euler tour: the subtree of `v` is the range `tin[v]..tin[v] + sub[v]`.
    tin: Vec<u32>,
    sub: Vec<u32>,
    /// The nodes whose own set holds `x`, by `tin`: `holders[holders_at[x]..holders_at[x + 1]]`.
    /// No two lie on one path, so their subtrees are disjoint.
    holders_at: Vec<usize>,
    holders: Vec<NodeId>,
}

impl Killers {
    /// The nodes whose single failure takes `v` down, `v` included, in node order.
    ///
    /// # Complexity
    /// O(|K(v)| log |K(v)|): it builds the whole set. [`Killers::kills`] and
    /// [`Killers::size`] answer without it.
    pub fn of(&self, v: NodeId) -> Vec<NodeId> {
        let mut out = Vec::with_capacity(self.size(v));
        for a in self.path(v) {
            out.extend_from_slice(self.own(a));
        }
        out.sort_unstable();
        out
    }

    /// |K(v)|: how many single failures take `v` down, `v` included.
    pub fn size(&self, v: NodeId) -> usize {
        self.size.get(v as usize).map_or(0, |&s| s as usize)
    }

    /// True when failing `x` alone takes `v` down.
    ///
    /// # Complexity
    /// O(log h) for the h nodes whose own set holds `x`.
    pub fn kills(&self, x: NodeId, v: NodeId) -> bool {
        let Some(&t) = self.tin.get(v as usize) else { return false };
        let holders = self.holders(x);
        // The holder whose subtree would contain v is the last one entered before it.
        let i = holders.partition_point(|&h| self.tin[h as usize] <= t);
        i > 0 && holders.get(i - 1).is_some_and(|&h| t < self.tin[h as usize] + self.sub[h as usize])
    }

    /// `counts[x]` = |D(x)|: how many nodes failing `x` takes down, `x` included.
    ///
    /// # Complexity
    /// O(|V| + Σ|own|): D(x) is the disjoint union of the subtrees of the nodes holding `x`.
    pub fn down_counts(&self) -> Vec<u32> {
        (0..self.next.len() as NodeId).map(|x| self.holders(x).iter().map(|&h| self.sub[h as usize]).sum()).collect()
    }

    /// Σ|K(v)|: the size of the whole single-failure relation (not stored as such).
    pub fn total(&self) -> usize {
        self.size.iter().map(|&s| s as usize).sum()
    }

    /// Σ|own(v)|: what the forest stores of that relation.
    pub fn stored(&self) -> usize {
        self.own.len()
    }

    /// The single failure in K(v) \ {v} that takes down the fewest nodes (then the lowest id):
    /// the most specific single cause of v's failure, if any.
    ///
    /// D only grows up the forest (x ∈ K(y) gives D(x) ⊇ D(y), strictly unless x and y take
    /// each other down, which only members of one cycle do), so it lies in own(v) or in the own
    /// set of the first node above v that stores one: next(v), or, when next(v) is a member of
    /// a cycle that shares its class's K and stores nothing, the class's first member, whose own
    /// set holds the whole class.
    ///
    /// # Complexity
    /// O(|own(v)| + |own(a)|) for that node a.
    pub fn most_specific(&self, v: NodeId, down_counts: &[u32]) -> Option<NodeId> {
        self.most_specific_of_many(down_counts).of(v)
    }

    /// [`Killers::most_specific`] for many nodes, each own set above them scanned once.
    pub fn most_specific_of_many<'k>(&'k self, down_counts: &'k [u32]) -> MostSpecific<'k> {
        MostSpecific { killers: self, down_counts, best: FxHashMap::default() }
    }

    /// The first node above `v` that stores an own set (see [`Killers::most_specific`]).
    fn above(&self, v: NodeId) -> Option<NodeId> {
        self.segment(v, None).skip(1).find(|&a| !self.own(a).is_empty())
    }

    /// own(v) = K(v) \ K(next(v)), in node order.
    pub(crate) fn own(&self, v: NodeId) -> &[NodeId] {
        let (Some(&start), Some(&len)) = (self.own_start.get(v as usize), self.own_len.get(v as usize)) else {
            return &[];
        };
        self.own.get(start..start + len as usize).unwrap_or_default()
    }

    /// `v`, `next(v)`, `next(next(v))`, … up to its root: K(v) is the union of their own sets.
    pub(crate) fn path(&self, v: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.segment(v, None)
    }

    /// The nodes of v's path below `stop` (an ancestor of `v`, or `None` for the whole path):
    /// their own sets hold K(v) \ K(stop).
    pub(crate) fn segment(&self, v: NodeId, stop: Option<NodeId>) -> impl Iterator<Item = NodeId> + '_ {
        let stop = stop.unwrap_or(NONE);
        let mut at = if (v as usize) < self.next.len() { v } else { NONE };
        std::iter::from_fn(move || {
            if at == NONE || at == stop {
                return None;
            }
            let here = at;
            at = self.next[here as usize];
            Some(here)
        })
    }

    /// The lowest common ancestor of `a` and `b` in the forest: the node with the largest K
    /// contained in both K(a) and K(b) along their paths (`None` in different trees).
    pub(crate) fn lca(&self, a: NodeId, b: NodeId) -> Option<NodeId> {
        let l = lca(&self.next, &self.depth, &self.jump, a, b);
        (l != NONE).then_some(l)
    }

    /// The lowest common ancestor of all of `nodes` (`None` for none, or in different trees).
    pub(crate) fn lca_all(&self, nodes: impl IntoIterator<Item = NodeId>) -> Option<NodeId> {
        let l = lca_all(&self.next, &self.depth, &self.jump, nodes);
        (l != NONE).then_some(l)
    }

    /// D(x), the nodes failing `x` takes down (`x` included), as disjoint ranges of Euler-tour
    /// positions (see [`Killers::tour_position`]).
    ///
    /// # Complexity
    /// O(h) for the h nodes whose own set holds `x`.
    pub(crate) fn down_ranges(&self, x: NodeId) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.holders(x).iter().map(|&h| {
            let start = self.tin[h as usize] as usize;
            (start, start + self.sub[h as usize] as usize)
        })
    }

    /// The Euler-tour position of `v` (a number below |V|, one per node).
    pub(crate) fn tour_position(&self, v: NodeId) -> usize {
        self.tin.get(v as usize).map_or(0, |&t| t as usize)
    }

    /// The nodes whose own set holds `x`, by Euler-tour order.
    fn holders(&self, x: NodeId) -> &[NodeId] {
        let x = x as usize;
        match (self.holders_at.get(x), self.holders_at.get(x + 1)) {
            (Some(&a), Some(&b)) => self.holders.get(a..b).unwrap_or_default(),
            _ => &[],
        }
    }
}

/// The most specific single killers of many nodes ([`Killers::most_specific_of_many`]). The
/// own set above a node can hold a whole class (a ring of 20,000 Deployments that fall
/// together: 40,000 nodes), and every gate of the class shares it: its best two, by nodes
/// taken down then id, are kept once found (the best may be the node asked about itself).
pub struct MostSpecific<'k> {
    killers: &'k Killers,
    down_counts: &'k [u32],
    best: FxHashMap<NodeId, [Option<(u32, NodeId)>; 2]>,
}

impl MostSpecific<'_> {
    /// [`Killers::most_specific`] of `v`.
    ///
    /// # Complexity
    /// O(|own(v)|) plus, the first time an own set above is asked for, O(|own(a)|) for it.
    pub fn of(&mut self, v: NodeId) -> Option<NodeId> {
        let (k, down_counts) = (self.killers, self.down_counts);
        let rank = |x: NodeId| (down_counts.get(x as usize).copied().unwrap_or(u32::MAX), x);
        let own = k.own(v).iter().copied().filter(|&x| x != v).map(rank).min();
        let above = k.above(v).and_then(|a| {
            let best = self.best.entry(a).or_insert_with(|| {
                let mut best = [None, None];
                for x in k.own(a).iter().copied().map(rank) {
                    if best[0].is_none_or(|b| x < b) {
                        best = [Some(x), best[0]];
                    } else if best[1].is_none_or(|b| x < b) {
                        best[1] = Some(x);
                    }
                }
                best
            });
            best.iter().flatten().copied().find(|&(_, x)| x != v)
        });
        own.into_iter().chain(above).min().map(|(_, x)| x)
    }
}

/// A set of nodes indexed by the forest's Euler tour, to count and list those a single failure
/// takes down without walking every set that holds it (targets, for single points of failure
/// and criticality).
pub(crate) struct DownIndex<'k> {
    killers: &'k Killers,
    /// `before[i]`: members whose tour position is below `i` (length |V| + 1).
    before: Vec<u32>,
    /// Members in tour order.
    ids: Vec<NodeId>,
    /// Range-minimum table over `ids`, built on the first list that needs it.
    rmq: OnceCell<SparseMin>,
}

impl<'k> DownIndex<'k> {
    /// # Complexity
    /// O(|V| + m) for m members.
    pub(crate) fn new(killers: &'k Killers, members: &[NodeId]) -> Self {
        let n = killers.tin.len();
        let mut by_tin = vec![NONE; n];
        for &v in members {
            if let Some(&t) = killers.tin.get(v as usize) {
                by_tin[t as usize] = v;
            }
        }
        let mut before = Vec::with_capacity(n + 1);
        let mut ids = Vec::with_capacity(members.len());
        before.push(0);
        for v in by_tin {
            if v != NONE {
                ids.push(v);
            }
            before.push(ids.len() as u32);
        }
        DownIndex { killers, before, ids, rmq: OnceCell::new() }
    }

    /// The members in Euler-tour order (what [`DownIndex::ranges`] index).
    pub(crate) fn members(&self) -> &[NodeId] {
        &self.ids
    }

    /// Index ranges (into `ids`) of the members failing `x` takes down.
    pub(crate) fn ranges(&self, x: NodeId) -> impl Iterator<Item = (usize, usize)> + '_ {
        let k = self.killers;
        k.holders(x).iter().filter_map(move |&h| {
            let start = k.tin[h as usize] as usize;
            let end = start + k.sub[h as usize] as usize;
            let (a, b) = (self.before[start] as usize, self.before[end] as usize);
            (a < b).then_some((a, b))
        })
    }

    /// How many members failing `x` takes down.
    ///
    /// # Complexity
    /// O(h) for the h nodes holding `x`.
    pub(crate) fn count(&self, x: NodeId) -> u32 {
        self.ranges(x).map(|(a, b)| (b - a) as u32).sum()
    }

    /// The members failing `x` takes down, the `limit` first in node order, and how many in all.
    ///
    /// # Complexity
    /// O(h + c log c) for c = min(count, limit) and the h nodes holding `x`, once a range
    /// minimum table over the members is built (O(m log m), on the first list cut by `limit`).
    pub(crate) fn list(&self, x: NodeId, limit: usize) -> (Vec<NodeId>, u32) {
        let ranges: Vec<(usize, usize)> = self.ranges(x).collect();
        let count: usize = ranges.iter().map(|(a, b)| b - a).sum();
        let mut out: Vec<NodeId> = Vec::with_capacity(count.min(limit));
        if count <= limit {
            for (a, b) in ranges {
                out.extend_from_slice(&self.ids[a..b]);
            }
        } else {
            // The smallest ids over the ranges: always split the range holding the smallest left.
            let rmq = self.rmq.get_or_init(|| SparseMin::new(&self.ids));
            // (smallest id, its position, range start, range end)
            type Ranges = BinaryHeap<Reverse<(NodeId, usize, usize, usize)>>;
            let mut heap = Ranges::new();
            let push = |heap: &mut Ranges, a: usize, b: usize| {
                if a < b {
                    let at = rmq.argmin(&self.ids, a, b);
                    heap.push(Reverse((self.ids[at], at, a, b)));
                }
            };
            for (a, b) in ranges {
                push(&mut heap, a, b);
            }
            while out.len() < limit {
                let Some(Reverse((id, at, a, b))) = heap.pop() else { break };
                out.push(id);
                push(&mut heap, a, at);
                push(&mut heap, at + 1, b);
            }
        }
        out.sort_unstable();
        (out, count as u32)
    }
}

/// Sparse table of range minima over a slice of ids: position of the smallest in any range.
pub(crate) struct SparseMin {
    /// `levels[k][i]`: position of the smallest of `ids[i..i + 2^k]`.
    levels: Vec<Vec<u32>>,
}

impl SparseMin {
    pub(crate) fn new(ids: &[NodeId]) -> Self {
        let mut levels: Vec<Vec<u32>> = vec![(0..ids.len() as u32).collect()];
        let mut width = 1;
        while 2 * width <= ids.len() {
            let Some(prev) = levels.last() else { break };
            let level = (0..=ids.len() - 2 * width)
                .map(|i| {
                    let (a, b) = (prev[i], prev[i + width]);
                    if ids[b as usize] < ids[a as usize] {
                        b
                    } else {
                        a
                    }
                })
                .collect();
            levels.push(level);
            width *= 2;
        }
        SparseMin { levels }
    }

    /// Position of the smallest of `ids[a..b]` (a < b).
    pub(crate) fn argmin(&self, ids: &[NodeId], a: usize, b: usize) -> usize {
        let k = (usize::BITS - 1 - (b - a).leading_zeros()) as usize;
        let level = &self.levels[k];
        let (x, y) = (level[a] as usize, level[b - (1 << k)] as usize);
        if ids[y] < ids[x] {
            y
        } else {
            x
        }
    }
}

/// Level ancestor: the ancestor of `v` at depth `d` (d ≤ depth of v), by jump pointers.
fn ancestor_at(next: &[NodeId], depth: &[u32], jump: &[NodeId], mut v: NodeId, d: u32) -> NodeId {
    while depth[v as usize] > d {
        let j = jump[v as usize];
        v = if depth[j as usize] >= d { j } else { next[v as usize] };
    }
    v
}

/// Lowest common ancestor by jump pointers (`NONE` when either is `NONE` or the trees differ).
fn lca(next: &[NodeId], depth: &[u32], jump: &[NodeId], a: NodeId, b: NodeId) -> NodeId {
    if a == NONE || b == NONE {
        return NONE;
    }
    let d = depth[a as usize].min(depth[b as usize]);
    let (mut a, mut b) = (ancestor_at(next, depth, jump, a, d), ancestor_at(next, depth, jump, b, d));
    // At equal depths the jump pointers have equal depths too (they depend on depth alone).
    while a != b {
        let (ja, jb) = (jump[a as usize], jump[b as usize]);
        if ja != jb && ja != a {
            (a, b) = (ja, jb);
        } else {
            (a, b) = (next[a as usize], next[b as usize]);
            if a == NONE || b == NONE {
                return NONE;
            }
        }
    }
    a
}

fn lca_all(next: &[NodeId], depth: &[u32], jump: &[NodeId], nodes: impl IntoIterator<Item = NodeId>) -> NodeId {
    let mut nodes = nodes.into_iter();
    let Some(mut l) = nodes.next() else { return NONE };
    for v in nodes {
        l = lca(next, depth, jump, l, v);
        if l == NONE {
            break;
        }
    }
    l
}

/// The forest while it is built: nodes are added as leaves, dependencies first.
struct Forest {
    next: Vec<NodeId>,
    depth: Vec<u32>,
    jump: Vec<NodeId>,
    size: Vec<u32>,
    own_start: Vec<usize>,
    own_len: Vec<u32>,
    own: Vec<NodeId>,
    /// The depths of the nodes other than `x` whose own set holds `x` (`x` always holds itself),
    /// distinct: the first in `holder_depth[x]` (`NONE` for none), more in
    /// `more_depths[more_depths_at[x]]` (ascending). A path meets at most one holder of `x`, at one of them.
    holder_depth: Vec<u32>,
    more_depths_at: Vec<u32>,
    more_depths: Vec<Vec<u32>>,
}

impl Forest {
    fn new(n: usize) -> Self {
        Forest {
            next: vec![NONE; n],
            depth: vec![0; n],
            jump: vec![NONE; n],
            size: vec![0; n],
            own_start: vec![0; n],
            own_len: vec![0; n],
            own: Vec::with_capacity(n),
            holder_depth: vec![NONE; n],
            more_depths_at: vec![NONE; n],
            more_depths: Vec::new(),
        }
    }

    fn own(&self, v: NodeId) -> &[NodeId] {
        let start = self.own_start[v as usize];
        &self.own[start..start + self.own_len[v as usize] as usize]
    }

    fn lca(&self, a: NodeId, b: NodeId) -> NodeId {
        lca(&self.next, &self.depth, &self.jump, a, b)
    }

    fn lca_all(&self, nodes: impl IntoIterator<Item = NodeId>) -> NodeId {
        lca_all(&self.next, &self.depth, &self.jump, nodes)
    }

    /// x ∈ K(y): some node holding `x` lies on y's path. Looks at y's ancestor at each depth
    /// where a holder of `x` sits.
    ///
    /// # Complexity
    /// O(d · log |V|) for the d distinct depths of the nodes holding `x`.
    fn contains(&self, y: NodeId, x: NodeId) -> bool {
        if y == NONE {
            return false;
        }
        let at = |d: u32| ancestor_at(&self.next, &self.depth, &self.jump, y, d);
        let top = self.depth[y as usize];
        let dx = self.depth[x as usize];
        if dx <= top && at(dx) == x {
            return true;
        }
        let holds = |d: u32| d <= top && self.own(at(d)).binary_search(&x).is_ok();
        let first = self.holder_depth[x as usize];
        if first == NONE {
            return false;
        }
        holds(first)
            || self
                .more_depths
                .get(self.more_depths_at[x as usize] as usize)
                .is_some_and(|more| more.iter().any(|&d| holds(d)))
    }

    /// Calls `f` with each own set on u's path below its meeting point with `stop`'s path: they
    /// hold K(u) \ K(meeting point). The flag says whether `stop` lies off u's path: only then
    /// can they hold members of K(stop) (through nodes on stop's side of the meeting point);
    /// otherwise the meeting point is `stop` and own sets along one path are disjoint.
    fn segment(&self, u: NodeId, stop: NodeId, mut f: impl FnMut(&[NodeId], bool)) {
        let end = self.lca(u, stop);
        let beside = end != stop;
        let mut a = u;
        while a != NONE && a != end {
            f(self.own(a), beside);
            a = self.next[a as usize];
        }
    }

    /// Adds `v` under `next` with its own set (sorted, `v` included, or empty for a member of a
    /// cycle whose K is its class's, stored by `next`).
    fn add(&mut self, v: NodeId, next: NodeId, own: &[NodeId]) {
        let vi = v as usize;
        self.own_start[vi] = self.own.len();
        self.own_len[vi] = own.len() as u32;
        self.own.extend_from_slice(own);
        self.next[vi] = next;
        if next == NONE {
            self.depth[vi] = 0;
            self.jump[vi] = v;
            self.size[vi] = own.len() as u32;
        } else {
            let p = next as usize;
            self.depth[vi] = self.depth[p] + 1;
            self.size[vi] = self.size[p] + own.len() as u32;
            // Skew-binary jump pointers (Myers): jumps of lengths 1, 1, 3, 1, 1, 3, 7, …
            let j = self.jump[p] as usize;
            let jj = self.jump[j];
            self.jump[vi] =
                if self.depth[p] - self.depth[j] == self.depth[j] - self.depth[jj as usize] { jj } else { next };
        }
        let d = self.depth[vi];
        for &x in own.iter().filter(|&&x| x != v) {
            let xi = x as usize;
            let first = self.holder_depth[xi];
            if first == NONE {
                self.holder_depth[xi] = d;
            } else if first != d {
                let slot = &mut self.more_depths_at[xi];
                if *slot == NONE {
                    *slot = self.more_depths.len() as u32;
                    self.more_depths.push(Vec::new());
                }
                if let Some(more) = self.more_depths.get_mut(*slot as usize) {
                    if let Err(i) = more.binary_search(&d) {
                        more.insert(i, d);
                    }
                }
            }
        }
    }

    /// The finished forest, with its Euler tour and the holders of each node.
    fn finish(self) -> Killers {
        let n = self.next.len();
        // Children in node order, as adjacency in compressed form.
        let mut child_at = vec![0usize; n + 1];
        for &p in &self.next {
            if p != NONE {
                child_at[p as usize + 1] += 1;
            }
        }
        for i in 0..n {
            child_at[i + 1] += child_at[i];
        }
        let mut fill = child_at.clone();
        let mut children = vec![0 as NodeId; child_at[n]];
        for (v, &p) in self.next.iter().enumerate() {
            if p != NONE {
                children[fill[p as usize]] = v as NodeId;
                fill[p as usize] += 1;
            }
        }
        let mut tin = vec![0u32; n];
        let mut sub = vec![0u32; n];
        // The nodes in tour order.
        let mut tour: Vec<NodeId> = Vec::with_capacity(n);
        let mut clock = 0u32;
        let mut stack: Vec<(NodeId, usize)> = Vec::new();
        for root in (0..n).filter(|&v| self.next[v] == NONE) {
            tin[root] = clock;
            clock += 1;
            tour.push(root as NodeId);
            stack.push((root as NodeId, child_at[root]));
            while let Some(top) = stack.last_mut() {
                let (v, at) = *top;
                if at < child_at[v as usize + 1] {
                    top.1 += 1;
                    let c = children[at];
                    tin[c as usize] = clock;
                    clock += 1;
                    tour.push(c);
                    stack.push((c, child_at[c as usize]));
                } else {
                    sub[v as usize] = clock - tin[v as usize];
                    stack.pop();
                }
            }
        }
        // Holders of each node, by tour position: filled in tour order, so no list needs sorting.
        let mut holders_at = vec![0usize; n + 1];
        for &x in &self.own {
            holders_at[x as usize + 1] += 1;
        }
        for i in 0..n {
            holders_at[i + 1] += holders_at[i];
        }
        let mut fill = holders_at.clone();
        let mut holders = vec![0 as NodeId; self.own.len()];
        for &w in &tour {
            let start = self.own_start[w as usize];
            for &x in &self.own[start..start + self.own_len[w as usize] as usize] {
                holders[fill[x as usize]] = w;
                fill[x as usize] += 1;
            }
        }
        Killers {
            next: self.next,
            depth: self.depth,
            jump: self.jump,
            size: self.size,
            own_start: self.own_start,
            own_len: self.own_len,
            own: self.own,
            tin,
            sub,
            holders_at,
            holders,
        }
    }
}

/// A reusable tally over node ids: add weights, then read back the touched ids. An id can be
/// excluded on first touch (it is in the shared part already).
struct Tally {
    weight: Vec<u64>,
    touched: Vec<NodeId>,
}

/// Weight of an excluded id.
const EXCLUDED: u64 = u64::MAX;

impl Tally {
    fn new(n: usize) -> Self {
        Tally { weight: vec![0; n], touched: Vec::new() }
    }

    /// Adds `w` (≥ 1) to `x`, unless `excluded(x)` said no on its first touch.
    fn add(&mut self, x: NodeId, w: u64, excluded: impl FnOnce(NodeId) -> bool) {
        let slot = &mut self.weight[x as usize];
        if *slot == 0 {
            self.touched.push(x);
            if excluded(x) {
                *slot = EXCLUDED;
                return;
            }
        }
        if *slot != EXCLUDED {
            *slot += w;
        }
    }

    /// The kept ids whose weight exceeds `threshold`; resets the tally.
    fn drain_above(&mut self, threshold: u64, out: &mut Vec<NodeId>) {
        for &x in &self.touched {
            let w = self.weight[x as usize];
            if w != EXCLUDED && w > threshold {
                out.push(x);
            }
            self.weight[x as usize] = 0;
        }
        self.touched.clear();
    }
}

/// Computes K(v) for every node, as a forest of shared parts.
///
/// ```
/// use blastmap_core::{algo::single_failures, load};
/// let yaml = "components:\n- {id: app, requires: [db]}\n- {id: db, need: 1, requires: [a, b]}\n- {id: a, zone: z1}\n- {id: b, zone: z1}\n";
/// let m = load(yaml).unwrap().model;
/// let k = single_failures(&m);
/// let z1 = m.lookup("zone:z1").unwrap();
/// assert!(k.kills(z1, m.lookup("app").unwrap()));
/// assert!(!k.kills(m.lookup("a").unwrap(), m.lookup("app").unwrap()));
/// assert_eq!(k.size(m.lookup("app").unwrap()), 3); // app, db, zone:z1
/// ```
///
/// # Complexity
/// Time O((|V| + |E| + Σ_(v→u) |seg(u)|·h) · log |V| + Σ_C |cands(C)|·|E(C)|), where seg(u) is
/// the part of K(u) a dependent does not share with its `next` (what it must tally), h the
/// number of nodes holding one of its members (a membership test each), and the last term is
/// over runtime cycles C with their candidate killers (each costs the part of C its failure
/// reaches, at most |E(C)|, counting a class of members that fall together once); space
/// O(|V| + Σ|own|). A ring of plain `requires` is one class: O(|C|). A chain, a spine
/// under many leaves and a k-of-n group over shared infrastructure share everything:
/// O(|V| log |V|) in all, whatever the depth.
pub fn single_failures(model: &Model) -> Killers {
    let n = model.len();
    let mut pass =
        Pass { forest: Forest::new(n), tally: Tally::new(n), mark: vec![0; n], meets: Vec::new(), own: Vec::new() };
    let mut scratch = CycleScratch::new(n);
    for comp in runtime_sccs(model) {
        match comp.as_slice() {
            &[v] => pass.single(model, v),
            members => scratch.solve(model, members, &mut pass.forest),
        }
    }
    pass.forest.finish()
}

/// Working memory of the pass over nodes outside cycles.
struct Pass {
    forest: Forest,
    tally: Tally,
    /// `mark[x] == v + 1`: x is in the part of K(next(v)) that v's dependencies could meet.
    mark: Vec<u32>,
    /// Per dependency of the node at hand: (dependency, weight, where its path meets next's).
    meets: Vec<(NodeId, u64, NodeId)>,
    own: Vec<NodeId>,
}

impl Pass {
    /// Adds `v`, outside any cycle, to the forest: its `next`, and own(v) tallied from the part
    /// of each dependency's path below where it meets next's.
    fn single(&mut self, model: &Model, v: NodeId) {
        let f = &self.forest;
        let next = choose_next(model, f, v);
        let tolerance = u64::from(model.tolerance(v));
        let size = |a: NodeId| if a == NONE { 0 } else { f.size[a as usize] as usize };
        let deps =
            model.requires(v).iter().map(|&u| (u, 1)).chain(model.placement(v).iter().map(|&u| (u, tolerance + 1)));
        // A dependency whose path meets next's below next itself can hold members of K(next)
        // (through nodes on next's side of the meeting point): those must not count again.
        self.meets.clear();
        let (mut walked, mut shallowest) = (0usize, next);
        for (u, w) in deps {
            let m = f.lca(u, next);
            walked += size(u) - size(m);
            if m != next && shallowest != NONE && (m == NONE || f.depth[m as usize] < f.depth[shallowest as usize]) {
                shallowest = m;
            }
            self.meets.push((u, w, m));
        }
        // Mark next's side below the shallowest meeting point when that costs about what the
        // walk does; otherwise test each member met (depths of its holders, level ancestors).
        let epoch = v + 1;
        let marked = shallowest != next && size(next) - size(shallowest) <= 2 * walked + 64;
        if marked {
            let mut a = next;
            while a != shallowest && a != NONE {
                for &x in f.own(a) {
                    self.mark[x as usize] = epoch;
                }
                a = f.next[a as usize];
            }
        }
        let mark = &self.mark;
        for &(u, w, m) in &self.meets {
            let beside = m != next;
            let mut a = u;
            while a != m && a != NONE {
                for &x in f.own(a) {
                    self.tally
                        .add(x, w, |x| beside && if marked { mark[x as usize] == epoch } else { f.contains(next, x) });
                }
                a = f.next[a as usize];
            }
        }
        self.own.clear();
        self.own.push(v);
        self.tally.drain_above(tolerance, &mut self.own);
        self.own.sort_unstable();
        self.forest.add(v, next, &self.own);
    }
}

/// The `next` of a node outside any cycle: the dependency with the largest K among those that
/// alone outweigh its tolerance, and, for a gate that needs some of its `requires`, the lowest
/// common ancestor of them all (its failure takes every one of them down).
fn choose_next(model: &Model, forest: &Forest, v: NodeId) -> NodeId {
    let tolerance = model.tolerance(v);
    let mut best = NONE;
    let mut consider = |u: NodeId| {
        if u != NONE && (best == NONE || forest.size[u as usize] > forest.size[best as usize]) {
            best = u;
        }
    };
    for &u in model.placement(v) {
        consider(u);
    }
    if tolerance == 0 {
        for &u in model.requires(v) {
            consider(u);
        }
    } else if model.need(v) > 0 {
        consider(forest.lca_all(model.requires(v).iter().copied()));
    }
    best
}

/// Working memory for solving one runtime cycle per candidate.
struct CycleScratch {
    /// Local index of each node in the current component, or `NONE`.
    local: Vec<u32>,
}

impl CycleScratch {
    fn new(n: usize) -> Self {
        CycleScratch { local: vec![NONE; n] }
    }

    /// Adds the members of one runtime cycle to the forest.
    ///
    /// Members joined by "hard" edges both ways (a dependency whose failure alone outweighs
    /// the dependent's tolerance: a plain `requires`, a placement) take each other down, so they
    /// have one K and fall together. Such a class is one candidate and one unit of
    /// propagation, and its first member stores the class's K: the others point at it with
    /// nothing of their own. A ring of n plain `requires` costs O(n), not n per member. A class
    /// with a hard dependency in another class points at it and stores only what it adds.
    fn solve(&mut self, model: &Model, members: &[NodeId], forest: &mut Forest) {
        for (i, &v) in members.iter().enumerate() {
            self.local[v as usize] = i as u32;
        }
        let m = members.len();
        let tolerance: Vec<i64> = members.iter().map(|&v| i64::from(model.tolerance(v))).collect();
        // Edges inside the component, as dependents: for local u, (local v, weight).
        let mut inner: Vec<Vec<(u32, i64)>> = vec![Vec::new(); m];
        // Edges from outside: (outside dependency u, local v, weight).
        let mut outside: Vec<(NodeId, u32, i64)> = Vec::new();
        for (i, &v) in members.iter().enumerate() {
            let deps = model
                .requires(v)
                .iter()
                .map(|&u| (u, 1))
                .chain(model.placement(v).iter().map(|&u| (u, tolerance[i] + 1)));
            for (u, w) in deps {
                match self.local[u as usize] {
                    NONE => outside.push((u, i as u32, w)),
                    j => inner[j as usize].push((i as u32, w)),
                }
            }
        }
        let classes = Classes::new(&inner, &tolerance);
        // Everything in K(shared) takes every outside dependency down, as `shared` itself does.
        let shared = forest.lca_all(outside.iter().map(|e| e.0));
        // Outside hits below it: (candidate x, local v, weight) for each outside dependency u
        // of v with x ∈ K(u) \ K(shared) (`shared` is on u's path: nothing to test). No member
        // is among them: a member in K(u) would put u in the cycle.
        let mut hits: Vec<(NodeId, u32, i64)> = Vec::new();
        for &(u, v, w) in &outside {
            forest.segment(u, shared, |part, _| hits.extend(part.iter().map(|&x| (x, v, w))));
        }
        hits.sort_unstable();

        let mut state = Propagation::new(&tolerance, classes.len());
        // What `shared` (and so all of K(shared)) does: every outside dependency down.
        let mut by_shared = vec![false; classes.len()];
        if shared != NONE {
            for &(_, v, w) in &outside {
                state.hit(&classes, v, w);
            }
            state.spread(&classes);
            by_shared.clone_from(&state.down);
            state.reset(&tolerance);
        }
        // A class under a hard dependency p (p's failure alone takes it down, so K(p) ⊆ K(c))
        // stores only K(c) \ K(p): a candidate is recorded at the classes it takes down whose
        // parent it leaves up. p must share c's fate under `shared`, or K(shared) would be lost
        // from K(c).
        let parent: Vec<u32> = (0..classes.len())
            .map(|c| {
                let fits = |&&p: &&u32| !by_shared[c] || by_shared[p as usize];
                classes.hard_deps(c as u32).iter().find(fits).copied().unwrap_or(NONE)
            })
            .collect();
        state.set_parents(parent);
        // K(c) \ K(parent(c)) of each class, from this cycle's candidates.
        let mut results: Vec<Vec<NodeId>> = vec![Vec::new(); classes.len()];
        for group in hits.chunk_by(|a, b| a.0 == b.0) {
            for &(_, v, w) in group {
                state.hit(&classes, v, w);
            }
            state.spread(&classes);
            for &c in &state.record {
                results[c as usize].push(group[0].0);
            }
            state.reset(&tolerance);
        }
        // The classes as candidates, dependents first. A class whose failure takes the last one
        // down (a hard dependency of it) goes on from what that one took down: D(c) is the
        // closure of D(last) and c. A chain closed into a cycle costs its length, not its
        // length per member.
        let mut last = NONE;
        for &c in classes.order().iter().rev() {
            if last != NONE && classes.hard_deps(last).binary_search(&c).is_err() {
                state.reset(&tolerance);
            }
            state.fail(c);
            state.spread(&classes);
            for &d in &state.record {
                results[d as usize].extend(classes.members(c).iter().map(|&i| members[i as usize]));
            }
            last = c;
        }
        state.reset(&tolerance);
        // Hard dependencies first: a class's parent is in the forest before it.
        let first = |c: u32| members[classes.members(c)[0] as usize];
        for &c in classes.order() {
            let own = &mut results[c as usize];
            own.sort_unstable();
            let next = match state.parent[c as usize] {
                NONE if by_shared[c as usize] => shared,
                NONE => NONE,
                p => first(p),
            };
            forest.add(first(c), next, own);
            for &i in &classes.members(c)[1..] {
                forest.add(members[i as usize], first(c), &[]);
            }
        }
        for &v in members {
            self.local[v as usize] = NONE;
        }
    }
}

/// How much work, in multiples of a cycle's members and edges, [`derived_hard`] may do.
const DERIVING_WORK: usize = 8;

/// Hard edges between members of one cycle that no single edge is: `u` kills, each by a hard
/// edge, dependencies of `g` that together outweigh `g`'s tolerance though none does alone
/// (the two replicas a Deployment needs one of, both calling one service: the service alone
/// takes the Deployment down). Sound: `u`'s failure takes those dependencies down and so `g`.
/// As (`at`, `to`): the edges leaving local member `u` are `to[at[u]..at[u + 1]]`. It
/// stops, keeping what it found, after [`DERIVING_WORK`] times the cycle's members and edges
/// (a hub's dependents each with many dependents of their own): finding fewer only costs time.
///
/// Without them, a cycle through such gates (thousands of Deployments calling each other) is
/// one class per member, each candidate propagating through most of the cycle: O(n²).
fn derived_hard(inner: &[Vec<(u32, i64)>], tolerance: &[i64]) -> (Vec<usize>, Vec<u32>) {
    let m = inner.len();
    let is_hard = |v: u32, w: i64| w > tolerance[v as usize];
    let budget = DERIVING_WORK * (m + inner.iter().map(Vec::len).sum::<usize>());
    let (mut at, mut to) = (Vec::with_capacity(m + 1), Vec::new());
    at.push(0);
    // The weight `u`'s hard dependents put on each of their dependents, and which those are.
    let mut weight = vec![0i64; m];
    let mut touched: Vec<u32> = Vec::new();
    let mut work = 0usize;
    for u in 0..m {
        if work <= budget {
            for &(r, w) in &inner[u] {
                if !is_hard(r, w) {
                    continue;
                }
                work += inner[r as usize].len() + 1;
                // A hard edge on from `r` is a hard path already.
                for &(g, w) in inner[r as usize].iter().filter(|&&(g, w)| !is_hard(g, w)) {
                    if weight[g as usize] == 0 {
                        touched.push(g);
                    }
                    weight[g as usize] += w;
                }
            }
            for &g in &touched {
                if g as usize != u && weight[g as usize] > tolerance[g as usize] {
                    to.push(g);
                }
                weight[g as usize] = 0;
            }
            touched.clear();
        }
        at.push(to.len());
    }
    (at, to)
}

/// The members of one cycle grouped by the hard edges between them (a class takes itself
/// down whole), with the edges that leave each class and the hard ones that enter it.
struct Classes {
    /// `of[i]`: the class of local member i.
    of: Vec<u32>,
    /// Members of class c: `members[member_at[c]..member_at[c + 1]]`, ascending.
    member_at: Vec<usize>,
    members: Vec<u32>,
    /// Edges leaving class c, as (local dependent, weight): `out[out_at[c]..out_at[c + 1]]`.
    out_at: Vec<usize>,
    out: Vec<(u32, i64)>,
    /// The other classes with a hard edge into each class, ascending.
    hard_deps: Adjacency,
    /// Every class, hard dependencies before their dependents.
    order: Vec<u32>,
}

impl Classes {
    /// Hard edges are the direct ones and those [`derived_hard`] finds.
    ///
    /// # Complexity
    /// O(m + e log e) for m members and e edges between them, plus the derivation's work
    /// (at most [`DERIVING_WORK`] times m + e).
    fn new(inner: &[Vec<(u32, i64)>], tolerance: &[i64]) -> Self {
        let is_hard = |v: u32, w: i64| w > tolerance[v as usize];
        let (derived_at, derived) = derived_hard(inner, tolerance);
        let also = |u: NodeId| derived.get(derived_at[u as usize]..derived_at[u as usize + 1]).unwrap_or(&[]);
        let hard = |u: NodeId| {
            inner[u as usize].iter().filter(|&&(v, w)| is_hard(v, w)).map(|e| e.0).chain(also(u).iter().copied())
        };
        // Tarjan's order over dependent edges: dependents first.
        let mut groups: Vec<(usize, Vec<u32>)> = sccs(inner.len(), hard).into_iter().enumerate().collect();
        for (_, g) in &mut groups {
            g.sort_unstable();
        }
        groups.sort_unstable_by_key(|(_, g)| g[0]);
        let mut of = vec![0u32; inner.len()];
        let (mut member_at, mut members) = (vec![0], Vec::with_capacity(inner.len()));
        for (c, (_, g)) in groups.iter().enumerate() {
            for &i in g {
                of[i as usize] = c as u32;
            }
            members.extend_from_slice(g);
            member_at.push(members.len());
        }
        let mut order: Vec<u32> = (0..groups.len() as u32).collect();
        order.sort_unstable_by_key(|&c| std::cmp::Reverse(groups[c as usize].0));
        let (mut out_at, mut out) = (vec![0], Vec::new());
        let mut hard_in: Vec<(u32, u32)> = Vec::new();
        for (c, (_, g)) in groups.iter().enumerate() {
            for &u in g {
                for &(v, w) in &inner[u as usize] {
                    let d = of[v as usize];
                    if d != c as u32 {
                        out.push((v, w));
                        if is_hard(v, w) {
                            hard_in.push((d, c as u32));
                        }
                    }
                }
                // Derived edges are no edges to propagate along: only what falls with what.
                for &v in also(u) {
                    let d = of[v as usize];
                    if d != c as u32 {
                        hard_in.push((d, c as u32));
                    }
                }
            }
            out_at.push(out.len());
        }
        hard_in.sort_unstable();
        hard_in.dedup();
        let mut hard_deps = Adjacency::with_room(groups.len(), hard_in.len());
        let (mut rest, mut row) = (hard_in.as_slice(), Vec::new());
        for d in 0..groups.len() as u32 {
            let here = rest.partition_point(|e| e.0 == d);
            row.clear();
            row.extend(rest[..here].iter().map(|e| e.1));
            hard_deps.push_row(&row);
            rest = &rest[here..];
        }
        Classes { of, member_at, members, out_at, out, hard_deps, order }
    }

    fn hard_deps(&self, c: u32) -> &[u32] {
        self.hard_deps.get(c)
    }

    fn order(&self) -> &[u32] {
        &self.order
    }

    fn len(&self) -> usize {
        self.member_at.len() - 1
    }

    fn members(&self, c: u32) -> &[u32] {
        &self.members[self.member_at[c as usize]..self.member_at[c as usize + 1]]
    }

    fn out(&self, c: u32) -> &[(u32, i64)] {
        &self.out[self.out_at[c as usize]..self.out_at[c as usize + 1]]
    }
}

/// Failure propagation inside one cycle, class by class: `left[i]` is how much more member i
/// tolerates. Only what a candidate touched is reset after it: a cycle costs what its
/// candidates take down, not its size per candidate.
struct Propagation {
    left: Vec<i64>,
    /// Per class.
    down: Vec<bool>,
    /// Every class set down, once each, in the order it went down.
    queue: Vec<u32>,
    /// How much of `queue` has spread its failure.
    spread: usize,
    /// Members whose `left` changed (maybe more than once each).
    touched: Vec<u32>,
    /// The class each class stores its K under (`NONE` for none), and each class's children.
    parent: Vec<u32>,
    children: Adjacency,
    /// The classes down whose parent is up: those that record the candidate at hand
    /// (`at[c]` is c's place in `record`, or `NONE`).
    record: Vec<u32>,
    at: Vec<u32>,
}

impl Propagation {
    fn new(tolerance: &[i64], classes: usize) -> Self {
        Propagation {
            left: tolerance.to_vec(),
            down: vec![false; classes],
            queue: Vec::new(),
            spread: 0,
            touched: Vec::new(),
            parent: vec![NONE; classes],
            children: Adjacency::default(),
            record: Vec::new(),
            at: vec![NONE; classes],
        }
    }

    /// Sets each class's parent (no class failed yet).
    fn set_parents(&mut self, parent: Vec<u32>) {
        let mut up = Adjacency::with_rows(parent.len());
        for &p in &parent {
            up.push_row(if p == NONE { &[] } else { std::slice::from_ref(&p) });
        }
        self.children = up.finish(parent.len()).reversed(parent.len());
        self.parent = parent;
    }

    fn fail(&mut self, c: u32) {
        let ci = c as usize;
        if self.down[ci] {
            return;
        }
        self.down[ci] = true;
        self.queue.push(c);
        let p = self.parent[ci];
        if p == NONE || !self.down[p as usize] {
            self.at[ci] = self.record.len() as u32;
            self.record.push(c);
        }
        for &child in self.children.get(c) {
            let child = child as usize;
            let at = self.at[child];
            if at != NONE {
                self.at[child] = NONE;
                self.record.swap_remove(at as usize);
                if let Some(&moved) = self.record.get(at as usize) {
                    self.at[moved as usize] = at;
                }
            }
        }
    }

    /// Member i loses `w` of its tolerance; past it, its whole class goes down.
    fn hit(&mut self, classes: &Classes, i: u32, w: i64) {
        let c = classes.of[i as usize];
        if !self.down[c as usize] {
            self.touched.push(i);
            self.left[i as usize] -= w;
            if self.left[i as usize] < 0 {
                self.fail(c);
            }
        }
    }

    /// Spreads the failures not spread yet.
    fn spread(&mut self, classes: &Classes) {
        while let Some(&c) = self.queue.get(self.spread) {
            self.spread += 1;
            for &(v, w) in classes.out(c) {
                self.hit(classes, v, w);
            }
        }
    }

    fn reset(&mut self, tolerance: &[i64]) {
        for &i in &self.touched {
            self.left[i as usize] = tolerance[i as usize];
        }
        for &c in &self.queue {
            self.down[c as usize] = false;
        }
        for &c in &self.record {
            self.at[c as usize] = NONE;
        }
        self.touched.clear();
        self.queue.clear();
        self.record.clear();
        self.spread = 0;
    }
}
