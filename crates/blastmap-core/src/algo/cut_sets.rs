//! Minimal failure sets (cut sets) of size 2 and 3 per target: the "double and triple points of
//! failure" that a single-failure review misses.

use std::collections::{BTreeMap, BTreeSet};

use crate::algo::cone::{next_combination, ConeSearch};
use crate::algo::rank::Equivalence;
use crate::algo::single::{DownIndex, Killers};
use crate::algo::steady::steady_state;
use crate::finding::{few_or_count, join, Context, Finding, FindingKind, Rank, Reason, Severity};
use crate::model::{Model, NodeId};

/// Default number of candidate sets the search may try, over all targets.
pub const DEFAULT_CUT_BUDGET: u64 = 100_000;

/// Minimal cut sets of order 2..=`max_order` for every target.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CutSets {
    /// Per target (in target order): its minimal cut sets of order 2 and up, each sorted, in
    /// order of size then members. Order-1 cut sets are K(target). Lists of targets whose
    /// search the budget cut (see `searches`) hold what was found, not all.
    pub per_target: Vec<(NodeId, Vec<Vec<NodeId>>)>,
    /// Per target, in the same order: how far its search got.
    pub searches: Vec<TargetSearch>,
    /// False when the budget cut the search of some target.
    pub complete: bool,
    /// Candidate sets tried (those skipped for holding a cut pair included).
    pub tried: u64,
}

/// How far the search of one target got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coverage {
    /// Every candidate set up to the order asked for was tried (or there was none to try).
    Complete,
    /// Every set of up to `through` failures was tried (1: none of its pairs for sure), and the
    /// sets of the next order only in part or not at all.
    Partial { through: usize },
    /// None of its candidate sets was tried.
    NotSearched,
}

/// The search of one target's cut sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TargetSearch {
    pub target: NodeId,
    /// How many candidates it has (the nodes it depends on at runtime that do not take it down
    /// alone); `None` when the budget ran out before its cone was built.
    pub candidates: Option<usize>,
    /// Candidate sets tried for it.
    pub tried: u64,
    /// Candidate sets a complete search of it tries (saturating); `None` when not known.
    pub needed: Option<u64>,
    pub coverage: Coverage,
}

/// The cut sets kept for a report (the most damaging), with what the cut left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ranked {
    /// The most damaging entries, at most the limit asked for; each stands for itself and the
    /// sets equivalent to it.
    pub kept: Vec<DoublePoint>,
    /// How many distinct sets there were.
    pub total: usize,
    /// How many of them the kept entries stand for (the entries and their equivalent sets).
    pub kept_sets: usize,
    /// Some set left out takes down a critical target.
    pub left_out_critical: bool,
}

/// One minimal cut set with what it takes down, for reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DoublePoint {
    /// The failures, sorted.
    pub set: Vec<NodeId>,
    /// Targets it takes down and for which it is minimal.
    pub takes_down: Vec<NodeId>,
    /// Every node it takes down, itself excluded.
    pub components_down: u32,
    /// Why it is hidden, sorted (empty: obvious, the declared tolerance of a group used up).
    pub reasons: Vec<Reason>,
    /// Obvious only: the target it takes down.
    pub target: Option<NodeId>,
    /// Sets equivalent to it (sorted each, in rank order): of the same size, their members
    /// pairwise equivalent single failures ([`Equivalence`]), taking down the same targets and
    /// exactly the same components outside the two sets.
    pub equivalent: Vec<Vec<NodeId>>,
}

impl CutSets {
    /// The `limit` most damaging cut sets: most targets first, then smaller sets, then by
    /// members; equivalent sets merged into one entry (the first by that order, with a written
    /// component before a placement value before a generated one, `prefer` giving each node's
    /// key, lowest first), each entry ranked; with how many distinct sets there were and
    /// whether a set left out takes down a critical target.
    ///
    /// Ranking (docs/semantics.md, "Hidden first"), for a set S taking down the targets T(S)
    /// for which it is minimal: placement when D(S) holds a placement value; redundancy group
    /// when D(S) \ S holds a k-of-n gate declared to tolerate at least |S| failures; shared by
    /// targets when |T(S)| ≥ 2 and no target of T(S) takes down all the others; obvious
    /// otherwise.
    ///
    /// # Complexity
    /// O(S log S) for S sets, plus one steady-state propagation, O(|V| + |E|), per
    /// set kept and per set tried as the equivalent of a kept one (at most 20 per entry kept
    /// beyond the kept ones: what is left is left out, and counted so), and O(c · |T| log |V|) per
    /// entry for its T targets, c of them taking down as many targets as it does.
    pub fn ranked(
        &self,
        model: &Model,
        killers: &Killers,
        equivalence: &Equivalence,
        prefer: &dyn Fn(NodeId) -> (bool, bool, NodeId),
        limit: usize,
    ) -> Ranked {
        let mut doubles: Vec<(Vec<NodeId>, Vec<NodeId>)> = self.by_set().into_iter().collect();
        let total = doubles.len();
        doubles.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.len().cmp(&b.0.len())).then(a.0.cmp(&b.0)));
        let classes = |set: &[NodeId]| {
            let mut c: Vec<NodeId> = set.iter().map(|&v| equivalence.class(v)).collect();
            c.sort_unstable();
            c
        };
        let targets = DownIndex::new(killers, model.targets());
        // (entry, its class key, its down set)
        let mut kept: Vec<(DoublePoint, Vec<NodeId>, Vec<bool>)> = Vec::new();
        let mut merged = vec![false; doubles.len()];
        // Kept entries by (member classes, targets): only those can take a set as equivalent.
        let mut by_key: BTreeMap<(Vec<NodeId>, Vec<NodeId>), Vec<usize>> = BTreeMap::new();
        // Propagations spent on sets beyond the kept entries (looking for their equivalents):
        // once spent, the sets left are left out, and counted so.
        let mut checks = limit.saturating_mul(MERGE_CHECKS);
        for (i, (set, takes_down)) in doubles.iter().enumerate() {
            let key = classes(set);
            let candidates: Vec<usize> = by_key.get(&(key.clone(), takes_down.clone())).cloned().unwrap_or_default();
            if kept.len() >= limit {
                if candidates.is_empty() || checks == 0 {
                    continue;
                }
                checks -= 1;
            }
            let down = steady_state(model, set).down;
            let same = candidates.into_iter().find(|&j| {
                let (entry, _, first) = &kept[j];
                let outside = |v: usize| !set.contains(&(v as NodeId)) && !entry.set.contains(&(v as NodeId));
                (0..down.len()).all(|v| !outside(v) || down[v] == first[v])
            });
            if let Some(j) = same {
                let other = rank_set(model, killers, &targets, set, takes_down, &down);
                let entry = &mut kept[j].0;
                entry.reasons.extend(other.reasons);
                entry.reasons.sort_unstable();
                entry.reasons.dedup();
                if !entry.reasons.is_empty() {
                    entry.target = None;
                }
                entry.equivalent.push(set.clone());
                merged[i] = true;
                continue;
            }
            if kept.len() >= limit {
                continue;
            }
            merged[i] = true;
            let point = rank_set(model, killers, &targets, set, takes_down, &down);
            by_key.entry((key.clone(), takes_down.clone())).or_default().push(kept.len());
            kept.push((point, key, down));
        }
        let left_out_critical =
            doubles.iter().zip(&merged).any(|((_, targets), &m)| !m && targets.iter().any(|&t| model.node(t).critical));
        let kept_sets = merged.iter().filter(|&&m| m).count();
        // Each entry shown under its preferred set.
        let order_key = |set: &[NodeId]| {
            let mut keys: Vec<(bool, bool, NodeId)> = set.iter().map(|&v| prefer(v)).collect();
            keys.sort_unstable();
            keys
        };
        let kept = kept
            .into_iter()
            .map(|(mut d, _, _)| {
                let best =
                    d.equivalent.iter().enumerate().min_by_key(|(_, s)| order_key(s)).map(|(i, s)| (i, order_key(s)));
                if let Some((i, key)) = best {
                    if key < order_key(&d.set) {
                        std::mem::swap(&mut d.set, &mut d.equivalent[i]);
                        d.equivalent.sort_by_key(|s| order_key(s));
                        d.components_down = (steady_state(model, &d.set).order.len() - d.set.len()) as u32;
                    }
                }
                d
            })
            .collect();
        Ranked { kept, total, kept_sets, left_out_critical }
    }

    /// Every distinct cut set with the targets it takes down (for which it is minimal).
    pub fn by_set(&self) -> BTreeMap<Vec<NodeId>, Vec<NodeId>> {
        let mut out: BTreeMap<Vec<NodeId>, Vec<NodeId>> = BTreeMap::new();
        for (t, sets) in &self.per_target {
            for s in sets {
                out.entry(s.clone()).or_default().push(*t);
            }
        }
        out
    }

    /// The budget that lets the whole search finish (the sets a complete search of every target
    /// tries), saturating at `u64::MAX`; `None` when some target was not reached, so its size
    /// is not known.
    pub fn budget_to_finish(&self) -> Option<u64> {
        self.searches.iter().try_fold(0u64, |sum, s| s.needed.map(|n| sum.saturating_add(n)))
    }
}

/// Finds, for each target t, every minimal set S with 2 ≤ |S| ≤ `max_order` (at most 3) whose failure takes
/// t down. Members come from t's cone (what it depends on at runtime) minus K(t) (a set holding a
/// single point of failure is not minimal); sets are tried smallest first, and a triple holding a
/// cut pair is skipped.
///
/// The budget is spread so that no target starves the others: every target's pairs are searched
/// before any triples, and each order in two passes. The first, in target order, grants each
/// target at most 1,000 sets: small searches finish there, and every target reached is sized.
/// The second gives what is left to the unfinished ones, smallest remaining search first, each
/// an equal share of what is left (what a small search does not use goes to the larger ones).
/// So a budget of [`CutSets::budget_to_finish`] finishes every search, and one huge target takes
/// at most its share. A target whose cone lies inside K(t) is skipped without building the cone.
/// `searches` says, per target, how far its search got.
///
/// ```
/// use blastmap_core::{algo::{cut_sets, single_failures}, load};
/// let yaml = "components:\n- {id: app, need: 1, requires: [a, b]}\n- {id: a, zone: z1}\n- {id: b, zone: z2}\n";
/// let m = load(yaml).unwrap().model;
/// let c = cut_sets(&m, &single_failures(&m), 2, 10_000);
/// assert_eq!(c.per_target[0].1.len(), 4); // {a,b}, {a,zone:z2}, {zone:z1,b}, {zone:z1,zone:z2}
/// ```
///
/// # Complexity
/// Per target with a cone of c candidates and e edges: O((c + e) · log |K(t)|) to list its
/// candidates, once per pass that searches it, and O((c² + c³) · e) to search it, capped by
/// `budget` tried sets overall (then `complete` is false); a large target is listed only when it
/// gets at least 1,000 sets, so at most 4 · budget / 1,000 large cones are walked. A target
/// whose cone lies inside K(t) costs O(Σ over K(t) of its degree · log |K(t)|).
pub fn cut_sets(model: &Model, killers: &Killers, max_order: usize, budget: u64) -> CutSets {
    let max_order = max_order.min(3);
    let targets = model.targets();
    let mut search = ConeSearch::new(model.len());
    let mut inside = InsideKillers::new(model.len());
    let mut state: Vec<Target> = targets
        .iter()
        .map(|&t| {
            // A target whose cone lies inside K(t) has nothing to search: complete, unbuilt.
            let empty = inside.check(model, killers, t);
            Target { size: empty.then_some(0), through: if empty { max_order } else { 1 }, ..Target::default() }
        })
        .collect();
    let mut tried = 0u64;
    for order in 2..=max_order {
        // First pass, in target order: each target gets at most SHARE_FLOOR sets, enough to
        // finish the small ones and to size every target it reaches.
        for (i, &t) in targets.iter().enumerate() {
            let st = &mut state[i];
            if st.through + 1 != order {
                continue;
            }
            if st.size.is_some_and(|c| c < order) {
                st.through = max_order;
                continue;
            }
            let left = budget - tried;
            if left == 0 {
                break;
            }
            let cands = candidates(&mut search, model, killers, t);
            st.size = Some(cands.len());
            if cands.len() < order {
                st.through = max_order;
                continue;
            }
            tried += st.search(&mut search, model, t, &cands, order, left.min(SHARE_FLOOR));
        }
        // Second pass: what is left goes to the unfinished targets, smallest remaining search
        // first, each an equal share of what is left (what one does not use goes to the next).
        let mut open: Vec<(u64, usize)> = state
            .iter()
            .enumerate()
            .filter(|(_, st)| st.through + 1 == order && st.resume.is_some())
            .map(|(i, st)| (st.remaining(order), i))
            .collect();
        open.sort_unstable();
        for (k, &(_, i)) in open.iter().enumerate() {
            let left = budget - tried;
            if left == 0 {
                break;
            }
            let share = left.div_ceil((open.len() - k) as u64);
            let t = targets[i];
            let cands = candidates(&mut search, model, killers, t);
            tried += state[i].search(&mut search, model, t, &cands, order, share);
        }
    }
    let searches: Vec<TargetSearch> = targets
        .iter()
        .zip(&state)
        .map(|(&t, st)| {
            let needed = st.size.map(|c| (2..=max_order).fold(0u64, |sum, k| sum.saturating_add(binomial(c, k))));
            let coverage = if st.through >= max_order {
                Coverage::Complete
            } else if st.tried == 0 {
                Coverage::NotSearched
            } else {
                Coverage::Partial { through: st.through }
            };
            TargetSearch { target: t, candidates: st.size, tried: st.tried, needed, coverage }
        })
        .collect();
    let per_target = targets
        .iter()
        .zip(state)
        .map(|(&t, st)| {
            let mut sets = st.found;
            sets.sort_by(|a, b| a.len().cmp(&b.len()).then(a.cmp(b)));
            (t, sets)
        })
        .collect();
    let complete = searches.iter().all(|s| s.coverage == Coverage::Complete);
    CutSets { per_target, searches, complete, tried }
}

/// Sets beyond the kept entries tried as equivalents of one, per entry kept (one steady-state
/// propagation each).
const MERGE_CHECKS: usize = 20;

/// One kept set, ranked (see [`CutSets::ranked`]); `down` is its steady state.
fn rank_set(
    model: &Model,
    killers: &Killers,
    targets: &DownIndex,
    set: &[NodeId],
    takes_down: &[NodeId],
    down: &[bool],
) -> DoublePoint {
    let downed = || (0..down.len() as NodeId).filter(|&v| down[v as usize]);
    let components_down = (downed().count() - set.len()) as u32;
    let mut reasons = Vec::new();
    if downed().any(|v| !model.placement_dependents(v).is_empty()) {
        reasons.push(Reason::Placement);
    }
    if downed().any(|g| !set.contains(&g) && model.tolerance(g) as usize >= set.len()) {
        reasons.push(Reason::RedundancyGroup);
    }
    // A target that takes down all the others: it takes down at least as many targets. (Not
    // always the one that takes down the most: that may take down targets S is not minimal for.)
    let need = takes_down.len() as u32;
    let mut candidates: Vec<NodeId> = takes_down.iter().copied().filter(|&t| targets.count(t) >= need).collect();
    candidates.sort_by_key(|&t| (std::cmp::Reverse(targets.count(t)), t));
    let covered = if takes_down.len() <= 1 {
        takes_down.first().copied()
    } else {
        candidates.into_iter().find(|&t0| takes_down.iter().all(|&t| t == t0 || killers.kills(t0, t)))
    };
    if covered.is_none() {
        reasons.push(Reason::SharedByTargets);
    }
    let target = if reasons.is_empty() { covered } else { None };
    DoublePoint {
        set: set.to_vec(),
        takes_down: takes_down.to_vec(),
        components_down,
        reasons,
        target,
        equivalent: Vec::new(),
    }
}

/// Sets one target may try in the first pass over the targets: small searches finish within
/// it, and a large one costs at least this many sets per cone built (so a budget spread over
/// thousands of large targets does not turn into thousands of cone walks for a few sets each).
const SHARE_FLOOR: u64 = 1_000;

/// The search state of one target.
#[derive(Clone, Debug, Default)]
struct Target {
    /// Number of candidates, once its cone was built.
    size: Option<usize>,
    /// Every set of up to this many failures was tried (singles are K).
    through: usize,
    tried: u64,
    /// Where the search of the current order stopped: the next combination to try.
    resume: Option<Vec<usize>>,
    /// Sets tried in the current order.
    tried_in_order: u64,
    found: Vec<Vec<NodeId>>,
}

impl Target {
    /// Sets of `order` candidates not tried yet.
    fn remaining(&self, order: usize) -> u64 {
        binomial(self.size.unwrap_or(0), order).saturating_sub(self.tried_in_order)
    }

    /// Tries at most `cap` sets of `order` of the candidates `cands` of `t` (`search` must hold
    /// t's cone), from where the last call stopped; adds those that take t down (sorted) to
    /// `found`. A triple holding a pair already found is counted but not propagated. Returns
    /// the sets tried.
    fn search(
        &mut self,
        search: &mut ConeSearch,
        model: &Model,
        t: NodeId,
        cands: &[NodeId],
        order: usize,
        cap: u64,
    ) -> u64 {
        let pairs: BTreeSet<(NodeId, NodeId)> =
            self.found.iter().filter_map(|s| if let [a, b] = s.as_slice() { Some((*a, *b)) } else { None }).collect();
        let holds_pair = |set: &[NodeId]| {
            set.iter().enumerate().any(|(i, &a)| set.iter().skip(i + 1).any(|&b| pairs.contains(&(a.min(b), a.max(b)))))
        };
        let mut idx: Vec<usize> = match self.resume.take() {
            Some(idx) if idx.len() == order => idx,
            _ => {
                self.tried_in_order = 0;
                (0..order).collect()
            }
        };
        let mut set = vec![0; order];
        let mut spent = 0u64;
        loop {
            if spent >= cap {
                self.resume = Some(idx);
                break;
            }
            for (slot, &i) in set.iter_mut().zip(&idx) {
                *slot = cands[i];
            }
            spent += 1;
            if !(order > 2 && holds_pair(&set)) && search.kills(model, &set, t) {
                let mut sorted = set.clone();
                sorted.sort_unstable();
                self.found.push(sorted);
            }
            if !next_combination(&mut idx, cands.len()) {
                self.through = order;
                break;
            }
        }
        self.tried += spent;
        self.tried_in_order += spent;
        spent
    }
}

/// Target t's candidates: its cone minus K(t), in node order. Leaves t's cone marked in `search`.
fn candidates(search: &mut ConeSearch, model: &Model, killers: &Killers, t: NodeId) -> Vec<NodeId> {
    search.cone(model, t).into_iter().filter(|&x| !killers.kills(x, t)).collect()
}

/// C(n, k), saturating at `u64::MAX`.
fn binomial(n: usize, k: usize) -> u64 {
    if k > n {
        return 0;
    }
    let mut out: u128 = 1;
    for i in 0..k as u128 {
        out = out * (n as u128 - i) / (i + 1);
        if out > u128::from(u64::MAX) {
            return u64::MAX;
        }
    }
    out as u64
}

/// The cheap test for a target with nothing to search: does everything it depends on take it
/// down alone? Walks its cone and stops at the first node outside K(t), so it never visits
/// more than K(t).
struct InsideKillers {
    stamp: Vec<u32>,
    epoch: u32,
    stack: Vec<NodeId>,
}

impl InsideKillers {
    fn new(n: usize) -> Self {
        InsideKillers { stamp: vec![0; n], epoch: 0, stack: Vec::new() }
    }

    /// True when t's cone lies inside K(t): t has no candidates.
    fn check(&mut self, model: &Model, killers: &Killers, t: NodeId) -> bool {
        self.epoch = self.epoch.wrapping_add(1);
        let e = self.epoch;
        self.stack.clear();
        self.stack.push(t);
        self.stamp[t as usize] = e;
        while let Some(u) = self.stack.pop() {
            for d in model.runtime_deps(u) {
                if self.stamp[d as usize] != e {
                    if !killers.kills(d, t) {
                        return false;
                    }
                    self.stamp[d as usize] = e;
                    self.stack.push(d);
                }
            }
        }
        true
    }
}

/// One finding per double or triple point kept in the report, ranked; an entry that stands for
/// equivalent sets names them.
pub fn findings(points: &[DoublePoint], cx: &Context) -> Vec<Finding> {
    points
        .iter()
        .map(|d| {
            let what = few_or_count(&cx.names(&d.takes_down), "targets");
            let same = match d.equivalent.as_slice() {
                [] => String::new(),
                sets => {
                    let shown: Vec<String> = sets.iter().take(3).map(|s| join(&cx.names(s))).collect();
                    format!("; equivalent: {}{}", shown.join("; "), crate::finding::and_more(sets.len(), 3))
                }
            };
            let title = format!(
                "{} point of failure: {} together take down {what} ({} {}){same}",
                if d.set.len() == 2 { "double" } else { "triple" },
                join(&cx.names(&d.set)),
                d.components_down,
                if d.components_down == 1 { "component" } else { "components" }
            );
            let evidence = cx.evidence(&d.set, &d.takes_down);
            let mut rank = Rank::hidden(d.reasons.iter().copied());
            rank.target = d.target.map(|t| cx.name(t));
            let subject = d.set.first().map(|&v| cx.name(v)).unwrap_or_default();
            Finding::new(FindingKind::DoublePoint, Severity::Medium, subject, title, evidence)
                .critical(d.takes_down.iter().any(|&t| cx.is_critical(t)))
                .ranked(rank)
        })
        .collect()
}
