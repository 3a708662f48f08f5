//! False redundancy: for every k-of-n gate, declared tolerance (n − k) against actual tolerance
//! (the size of the smallest failure set that takes it down, minus one), with one smallest set.

use std::cell::OnceCell;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::algo::cone::{next_combination, ConeSearch};
use crate::algo::cycles::runtime_sccs;
use crate::algo::single::Killers;
use crate::finding::{join, Context, Finding, FindingKind, Severity};
use crate::model::{Model, NodeId};

/// How many failure sets one gate's search may try before it settles for a bound.
pub const DEFAULT_BUDGET: u64 = 200_000;

/// The tolerance of one k-of-n gate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redundancy {
    pub component: NodeId,
    pub need: u32,
    pub of: u32,
    /// n − need.
    pub declared: u32,
    /// Smallest failure set size minus one (an upper bound when `exact` is false).
    pub actual: u32,
    /// A failure set of size `actual + 1` that takes the component down (the component itself
    /// excluded).
    pub minimal_failure: Vec<NodeId>,
    /// False when the search budget ran out and the bounds do not meet: then `actual` is an
    /// upper bound (a witness of `actual + 1` failures exists) and `at_least` a lower one (every
    /// set of up to `at_least` failures was tried).
    pub exact: bool,
    pub at_least: u32,
    /// When the budget ran out: the budget that settles the exact tolerance (every set of up to
    /// `actual` failures in the cone); `None` when it exceeds `u64` (beyond any budget).
    pub budget_to_settle: Option<u64>,
}

impl Redundancy {
    /// True when the gate tolerates fewer failures than it declares.
    pub fn is_false(&self) -> bool {
        self.actual < self.declared
    }
}

/// Tolerance of every gate whose `need` is below its number of `requires`.
///
/// The smallest set is found by size: a single failure comes straight from K(v) (the most
/// specific one: the killer that takes down the fewest nodes); larger sets are searched
/// exhaustively, smallest size first, over the nodes `v` depends on, propagating each candidate
/// set inside that cone only. Failing `n − need + 1` of the `requires` always works, which bounds
/// the search.
///
/// When `budget` set evaluations are spent before the search ends, every set of the sizes
/// finished is known not to kill (the lower bound, `at_least`), and a greedy hitting set gives a
/// witness (the upper bound): fail the cone node that most reduces the slack of the gates it
/// feeds (Σ over up dependents of 1/(slack + 1), a placement edge counting 1), propagate, repeat
/// until `v` is down, then drop the members not needed. When the witness is smaller than
/// `n − need + 1` the gate is falsely redundant whatever the exact answer; when the bounds meet
/// the answer is exact.
///
/// Gates outside runtime cycles with the same `need`, `requires` and placement (every consumer
/// of one replica pool) have the same cone and the same answer: it is searched once.
///
/// ```
/// use blastmap_core::{algo::{redundancy, single_failures}, load};
/// let yaml = "components:\n- {id: store, need: 2, requires: [a, b, c]}\n- {id: a, network: nyc}\n- {id: b, network: nyc}\n- {id: c, network: chi}\n";
/// let m = load(yaml).unwrap().model;
/// let k = single_failures(&m);
/// let r = &redundancy(&m, &k, &k.down_counts(), 10_000)[0];
/// assert_eq!((r.declared, r.actual), (1, 0));
/// assert_eq!(m.name(r.minimal_failure[0]), "network:nyc");
/// ```
///
/// A gate whose cone holds no other gate and whose `requires` have disjoint K sets (a pool of
/// independent replicas) is exact without a search: every failure takes down at most one
/// member, so it takes `n − need + 1`.
///
/// # Complexity
/// O(|own(v)|) for a gate with a single point of failure, plus O(|own(a)|) once for each own set
/// above one (see [`MostSpecific`](crate::algo::MostSpecific)); O(c + Σ |K(r)|) for one over independent members (given up past
/// `budget` members). Otherwise, per gate with a cone of c
/// nodes and e edges, O(C(c, s) · e) for the smallest killing size s, capped by `budget` set
/// evaluations (then the result is a bound). A gate whose budget runs out adds the greedy
/// witness: O((c + u) log c) for u ≤ max(4 · budget, 64 · c) score updates (past that the
/// witness is given up and the gate is undecided between its bounds), plus O(w · e) to drop the
/// unneeded members of a witness of w ≤ 2 · (n − need + 1) (done only when w propagations fit
/// in the same work).
pub fn redundancy(model: &Model, killers: &Killers, down_counts: &[u32], budget: u64) -> Vec<Redundancy> {
    let mut search = ConeSearch::new(model.len());
    let mut greedy = Greedy::new(model.len());
    let in_cycle: OnceCell<Vec<bool>> = OnceCell::new();
    let mut searched: FxHashMap<(u32, &[NodeId], &[NodeId]), Redundancy> = FxHashMap::default();
    let mut specific = killers.most_specific_of_many(down_counts);
    model
        .ids()
        .filter(|&v| model.is_redundant(v))
        .map(|v| {
            let need = model.need(v);
            let of = model.requires(v).len() as u32;
            let declared = of - need;
            let single = specific.of(v);
            let base = Redundancy {
                component: v,
                need,
                of,
                declared,
                actual: declared,
                minimal_failure: Vec::new(),
                exact: true,
                at_least: 0,
                budget_to_settle: None,
            };
            if let Some(x) = single {
                return Redundancy { actual: 0, minimal_failure: vec![x], ..base };
            }
            // Gates outside cycles with the same `need`, `requires` and placement have the same
            // cone and the same answer (every consumer of one replica pool, say): searched once.
            let in_cycle = in_cycle.get_or_init(|| {
                let mut in_cycle = vec![false; model.len()];
                for c in runtime_sccs(model).into_iter().filter(|c| c.len() > 1) {
                    for v in c {
                        in_cycle[v as usize] = true;
                    }
                }
                in_cycle
            });
            let key = (need, model.requires(v), model.placement(v));
            if !in_cycle[v as usize] {
                if let Some(same) = searched.get(&key) {
                    return Redundancy { component: v, ..Redundancy::clone(same) };
                }
            }
            let trivial: Vec<NodeId> = model.requires(v).iter().copied().take(declared as usize + 1).collect();
            let r = match smallest(&mut search, &mut greedy, model, killers, v, declared, budget) {
                Found::Set(set) => {
                    Redundancy { actual: set.len() as u32 - 1, minimal_failure: set, at_least: 0, ..base }
                }
                Found::None => Redundancy { minimal_failure: trivial, ..base },
                Found::OutOfBudget { at_least, witness, cone } => {
                    let (actual, minimal_failure) = match witness {
                        Some(w) if w.len() as u32 <= declared => (w.len() as u32 - 1, w),
                        _ => (declared, trivial),
                    };
                    Redundancy {
                        actual,
                        minimal_failure,
                        exact: actual == at_least,
                        at_least,
                        budget_to_settle: sets_up_to(cone, actual),
                        ..base
                    }
                }
            };
            if !in_cycle[v as usize] {
                searched.insert(key, r.clone());
            }
            r
        })
        .map(|mut r| {
            if r.exact {
                r.at_least = r.actual;
            }
            r
        })
        .collect()
}

enum Found {
    /// A killing set smaller than declared + 1.
    Set(Vec<NodeId>),
    /// No killing set of size 2..=max_size exists.
    None,
    /// The budget ran out: no killing set is smaller than `at_least + 1`; `witness` is the
    /// greedy killing set, if one of at most twice the declared size was found; `cone` is the
    /// number of candidates searched.
    OutOfBudget { at_least: u32, witness: Option<Vec<NodeId>>, cone: usize },
}

/// Smallest killing set of `v` of size 2..=max_size, by exhaustive search in its cone; when the
/// budget runs out, the sizes finished and a greedy witness.
fn smallest(
    search: &mut ConeSearch,
    greedy: &mut Greedy,
    model: &Model,
    killers: &Killers,
    v: NodeId,
    max_size: u32,
    budget: u64,
) -> Found {
    // No set of two or more to try: no cone to walk (a gate of a big cycle would walk the cycle).
    if max_size < 2 {
        return Found::None;
    }
    let cone = search.cone(model, v);
    if one_at_a_time(model, killers, v, &cone, budget) {
        return Found::None;
    }
    let mut spent = 0u64;
    for size in 2..=max_size as usize {
        if size > cone.len() {
            break;
        }
        let mut idx: Vec<usize> = (0..size).collect();
        let mut set = vec![0; size];
        loop {
            for (slot, &i) in set.iter_mut().zip(&idx) {
                *slot = cone[i];
            }
            spent += 1;
            if spent > budget {
                let limit = 2 * (max_size as usize + 1);
                let work = greedy_work(budget, &cone);
                let witness = greedy
                    .witness(model, v, &cone, limit, work)
                    .map(|w| minimize(search, model, v, w, work / cone.len().max(1) as u64));
                return Found::OutOfBudget { at_least: size as u32 - 1, witness, cone: cone.len() };
            }
            if search.kills(model, &set, v) {
                return Found::Set(set);
            }
            if !next_combination(&mut idx, cone.len()) {
                break;
            }
        }
    }
    Found::None
}

/// True when every set of failures takes down at most as many of v's `requires` as it has
/// members, so that no set of `max_size` or fewer takes `v` down: nothing in v's cone is a gate
/// (so a set takes down the union of what its members take down alone), and no single failure
/// takes down two of v's `requires` (their K sets are disjoint). The common pool of independent
/// replicas: without this, a gate needing 2 of 40 was undecided after the budget's sets of up
/// to 4 failures, where the answer is its declaration.
///
/// # Complexity
/// O(c + Σ |K(r)|) over v's `requires` r, given up (false) past `budget` members walked.
fn one_at_a_time(model: &Model, killers: &Killers, v: NodeId, cone: &[NodeId], budget: u64) -> bool {
    if cone.iter().any(|&u| model.tolerance(u) > 0) {
        return false;
    }
    let mut seen: FxHashSet<NodeId> = FxHashSet::default();
    let mut walked = 0u64;
    for &r in model.requires(v) {
        for a in killers.path(r) {
            for &x in killers.own(a) {
                walked += 1;
                if walked > budget || !seen.insert(x) {
                    return false;
                }
            }
        }
    }
    true
}

/// Σ C(c, s) for 2 ≤ s ≤ `max_size`: the sets an exhaustive search of a cone of `c` candidates
/// tries to rule out every killing set of up to `max_size` failures; `None` past `u64`.
fn sets_up_to(c: usize, max_size: u32) -> Option<u64> {
    let c = c as u128;
    let mut total: u64 = 0;
    let mut binom: u128 = c; // C(c, 1)
    for s in 2..=u128::from(max_size) {
        if s > c {
            break;
        }
        // C(c, s) = C(c, s − 1) · (c − s + 1) / s, exact at each step.
        binom = binom.checked_mul(c - s + 1)? / s;
        total = total.checked_add(u64::try_from(binom).ok()?)?;
    }
    Some(total)
}

/// The work the greedy witness of a gate whose exhaustive search spent `budget` may do: as many
/// score updates as the budget had set evaluations, four times over, and at least 64 per node of
/// the cone. Without a bound, a gate that needs one of 100,000 `requires` updates every member's
/// score after each of its 100,000 picks: 10^10 updates, and a queue of tens of GB.
fn greedy_work(budget: u64, cone: &[NodeId]) -> u64 {
    budget.saturating_mul(4).max(64 * cone.len() as u64)
}

/// Drops the members of a killing set that are not needed (first picked first), keeping the
/// rest sorted. Each try is one propagation in the cone `search` holds; a set of more than
/// `tries` members is kept whole (still a witness, only not minimal).
fn minimize(search: &mut ConeSearch, model: &Model, v: NodeId, mut set: Vec<NodeId>, tries: u64) -> Vec<NodeId> {
    if set.len() as u64 > tries {
        set.sort_unstable();
        return set;
    }
    let mut i = 0;
    while i < set.len() {
        let x = set.remove(i);
        if !search.kills(model, &set, v) {
            set.insert(i, x);
            i += 1;
        }
    }
    set.sort_unstable();
    set
}

/// A score in the greedy's queue: higher first, then the lower node id.
#[derive(Clone, Copy, Debug)]
struct Scored {
    score: f64,
    node: NodeId,
    version: u32,
}

impl PartialEq for Scored {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Scored {}

impl Ord for Scored {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score.total_cmp(&other.score).then(other.node.cmp(&self.node)).then(self.version.cmp(&other.version))
    }
}

impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Working memory of the greedy hitting set, reused across gates.
struct Greedy {
    /// `stamp[u] == epoch` marks u as in the current cone (the gate included).
    stamp: Vec<u32>,
    epoch: u32,
    /// Failures a node still absorbs before it goes down (down when negative).
    slack: Vec<i64>,
    down: Vec<bool>,
    /// Σ over up dependents in the cone of 1/(slack + 1) (1 for a placement edge).
    score: Vec<f64>,
    /// Bumped on every score change; queue entries with an older version are stale.
    version: Vec<u32>,
    queue: BinaryHeap<Scored>,
    fallen: Vec<NodeId>,
    /// Score updates the current witness may still make (see [`greedy_work`]).
    work_left: u64,
}

impl Greedy {
    fn new(n: usize) -> Self {
        Greedy {
            stamp: vec![0; n],
            epoch: 0,
            slack: vec![0; n],
            down: vec![false; n],
            score: vec![0.0; n],
            version: vec![0; n],
            queue: BinaryHeap::new(),
            fallen: Vec::new(),
            work_left: 0,
        }
    }

    fn in_cone(&self, u: NodeId) -> bool {
        self.stamp[u as usize] == self.epoch
    }

    /// The weight edge `u → d` adds to u's score while d is up.
    fn weight(&self, d: NodeId, placement: bool) -> f64 {
        if placement {
            1.0
        } else {
            1.0 / (self.slack[d as usize] as f64 + 1.0)
        }
    }

    /// Adds `delta` to u's score and queues the new score (u must be an up candidate).
    fn bump(&mut self, u: NodeId, delta: f64) {
        self.work_left = self.work_left.saturating_sub(1);
        let ui = u as usize;
        self.score[ui] += delta;
        self.version[ui] = self.version[ui].wrapping_add(1);
        self.queue.push(Scored { score: self.score[ui], node: u, version: self.version[ui] });
    }

    /// A set of at most `limit` nodes of `cone` whose failure takes `v` down, picked greedily
    /// (see [`redundancy`]); `None` when `limit` picks do not take it down, or when the picks
    /// need more than `work` score updates.
    fn witness(&mut self, model: &Model, v: NodeId, cone: &[NodeId], limit: usize, work: u64) -> Option<Vec<NodeId>> {
        self.epoch = self.epoch.wrapping_add(1);
        self.queue.clear();
        self.work_left = work;
        for &u in cone.iter().chain([&v]) {
            let ui = u as usize;
            self.stamp[ui] = self.epoch;
            self.slack[ui] = i64::from(model.tolerance(u));
            self.down[ui] = false;
            self.score[ui] = 0.0;
        }
        for &u in cone {
            let requires = model.requires_dependents(u).iter().map(|&d| (d, false));
            let placed = model.placement_dependents(u).iter().map(|&d| (d, true));
            let score: f64 =
                requires.chain(placed).filter(|&(d, _)| self.in_cone(d)).map(|(d, p)| self.weight(d, p)).sum();
            self.score[u as usize] = score;
            self.version[u as usize] = self.version[u as usize].wrapping_add(1);
            self.queue.push(Scored { score, node: u, version: self.version[u as usize] });
        }
        let mut picked = Vec::new();
        while !self.down[v as usize] {
            if picked.len() >= limit || self.work_left == 0 {
                return None;
            }
            let x = loop {
                let top = self.queue.pop()?;
                let xi = top.node as usize;
                if top.version == self.version[xi] && !self.down[xi] && top.node != v {
                    break top.node;
                }
            };
            picked.push(x);
            self.fail(model, x);
        }
        Some(picked)
    }

    /// Takes `x` down and propagates inside the cone, keeping the scores of up nodes current
    /// (it stops where the work runs out: the witness is then given up).
    fn fail(&mut self, model: &Model, x: NodeId) {
        self.fallen.clear();
        self.fallen.push(x);
        self.down[x as usize] = true;
        let mut head = 0;
        while let Some(&u) = self.fallen.get(head) {
            head += 1;
            // u no longer counts toward the scores of what it depends on.
            let requires = model.requires(u).iter().map(|&w| (w, false));
            let placed = model.placement(u).iter().map(|&w| (w, true));
            for (w, p) in requires.chain(placed) {
                if self.in_cone(w) && !self.down[w as usize] {
                    let delta = -self.weight(u, p);
                    self.bump(w, delta);
                }
            }
            // Its dependents lose slack (or go down outright, for placement).
            let requires = model.requires_dependents(u).iter().map(|&d| (d, false));
            let placed = model.placement_dependents(u).iter().map(|&d| (d, true));
            for (d, p) in requires.chain(placed) {
                if self.work_left == 0 {
                    return;
                }
                let di = d as usize;
                if !self.in_cone(d) || self.down[di] {
                    continue;
                }
                if p || self.slack[di] == 0 {
                    self.down[di] = true;
                    self.fallen.push(d);
                    continue;
                }
                // The weight of every requires edge into d rises from 1/(s + 1) to 1/s.
                let before = self.weight(d, false);
                self.slack[di] -= 1;
                let delta = self.weight(d, false) - before;
                for &w in model.requires(d) {
                    if self.in_cone(w) && !self.down[w as usize] {
                        self.bump(w, delta);
                    }
                }
            }
        }
    }
}

/// One finding per gate that tolerates fewer failures than it declares, naming a smallest
/// failure set that takes it down (or, when the budget ran out, the greedy witness and the
/// bounds).
pub fn findings(gates: &[Redundancy], cx: &Context) -> Vec<Finding> {
    gates
        .iter()
        .filter(|r| r.is_false())
        .map(|r| {
            let failing = join(&cx.names(&r.minimal_failure));
            let name = cx.model.name(r.component);
            let title = if r.actual == 0 {
                format!(
                    "false redundancy: `{name}` declares {}-of-{} (tolerates {}) but {failing} alone takes it down",
                    r.need, r.of, r.declared
                )
            } else if r.exact {
                format!(
                    "false redundancy: `{name}` declares tolerance {} but tolerates {}: {failing} together take it down",
                    r.declared, r.actual
                )
            } else {
                format!(
                    "false redundancy: `{name}` tolerates at most {} ({}) of its declared {}: {failing} together take it down",
                    r.actual,
                    lower_bound_text(r.at_least),
                    r.declared
                )
            };
            let mut evidence = vec![cx.name(r.component)];
            evidence.extend(cx.names(&r.minimal_failure));
            Finding::new(FindingKind::FalseRedundancy, Severity::High, cx.name(r.component), title, evidence)
                .critical(cx.touches(r.component))
        })
        .collect()
}

/// "at least 2: searched every set of up to 2", the lower bound of a search the budget cut.
pub fn lower_bound_text(at_least: u32) -> String {
    if at_least <= 1 {
        format!("at least {at_least}: no single failure takes it down")
    } else {
        format!("at least {at_least}: searched every set of up to {at_least}")
    }
}
