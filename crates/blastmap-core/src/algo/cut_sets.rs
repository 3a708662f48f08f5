//! Minimal failure sets (cut sets) of size 2 and 3 per target: the "double and triple points of
//! failure" that a single-failure review misses.

use std::collections::{BTreeMap, BTreeSet};

use crate::algo::cone::{next_combination, ConeSearch};
use crate::algo::single::Killers;
use crate::algo::steady::steady_state;
use crate::finding::{few_or_count, join, Context, Finding, FindingKind, Severity};
use crate::model::{Model, NodeId};

/// Default number of candidate sets the search may try, over all targets.
pub const DEFAULT_CUT_BUDGET: u64 = 100_000;

/// Minimal cut sets of order 2..=`max_order` for every target.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CutSets {
    /// Per target (in target order): its minimal cut sets of order 2 and up, each sorted, in
    /// order of size then members. Order-1 cut sets are K(target).
    pub per_target: Vec<(NodeId, Vec<Vec<NodeId>>)>,
    /// False when the budget cut the search: then the lists are what was found, not all.
    pub complete: bool,
    /// Candidate sets tried.
    pub tried: u64,
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
}

impl CutSets {
    /// The `limit` most damaging cut sets: most targets first, then smaller sets, then by
    /// members. Also returns how many distinct sets there were.
    ///
    /// # Complexity
    /// O(S log S) for S sets, plus one steady-state propagation, O(|V| + |E|), per set kept.
    pub fn ranked(&self, model: &Model, limit: usize) -> (Vec<DoublePoint>, usize) {
        let mut doubles: Vec<(Vec<NodeId>, Vec<NodeId>)> = self.by_set().into_iter().collect();
        let total = doubles.len();
        doubles.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.len().cmp(&b.0.len())).then(a.0.cmp(&b.0)));
        doubles.truncate(limit);
        let ranked = doubles
            .into_iter()
            .map(|(set, takes_down)| {
                let components_down = (steady_state(model, &set).order.len() - set.len()) as u32;
                DoublePoint { set, takes_down, components_down }
            })
            .collect();
        (ranked, total)
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
}

/// Finds, for each target t, every minimal set S with 2 ≤ |S| ≤ `max_order` (at most 3) whose failure takes
/// t down. Members come from t's cone (what it depends on at runtime) minus K(t) (a set holding a
/// single point of failure is not minimal); sets are tried smallest first, and a triple holding a
/// cut pair is skipped.
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
/// Per target with a cone of c candidates: O((c² + c³) · e) for the cone's e edges, capped by
/// `budget` tried sets overall (then `complete` is false).
pub fn cut_sets(model: &Model, killers: &Killers, max_order: usize, budget: u64) -> CutSets {
    let mut search = ConeSearch::new(model.len());
    let mut out = CutSets { per_target: Vec::new(), complete: true, tried: 0 };
    for &t in model.targets() {
        let cone: Vec<NodeId> = search.cone(model, t).into_iter().filter(|&x| !killers.kills(x, t)).collect();
        let mut found: Vec<Vec<NodeId>> = Vec::new();
        let mut pairs: BTreeSet<(NodeId, NodeId)> = BTreeSet::new();
        'sizes: for size in 2..=max_order.min(3).min(cone.len()) {
            let mut idx: Vec<usize> = (0..size).collect();
            let mut set = vec![0; size];
            loop {
                for (slot, &i) in set.iter_mut().zip(&idx) {
                    *slot = cone[i];
                }
                let holds_pair =
                    size > 2 && (0..size).any(|a| (a + 1..size).any(|b| pairs.contains(&(set[a], set[b]))));
                if !holds_pair {
                    out.tried += 1;
                    if out.tried > budget {
                        out.complete = false;
                        break 'sizes;
                    }
                    if search.kills(model, &set, t) {
                        if size == 2 {
                            pairs.insert((set[0], set[1]));
                        }
                        found.push(set.clone());
                    }
                }
                if !next_combination(&mut idx, cone.len()) {
                    break;
                }
            }
        }
        out.per_target.push((t, found));
        if !out.complete {
            break;
        }
    }
    out
}

/// One finding per double or triple point kept in the report.
pub fn findings(points: &[DoublePoint], cx: &Context) -> Vec<Finding> {
    points
        .iter()
        .map(|d| {
            let what = few_or_count(&cx.names(&d.takes_down), "targets");
            let title = format!(
                "{} point of failure: {} together take down {what} ({} {})",
                if d.set.len() == 2 { "double" } else { "triple" },
                join(&cx.names(&d.set)),
                d.components_down,
                if d.components_down == 1 { "component" } else { "components" }
            );
            let evidence = cx.evidence(&d.set, &d.takes_down);
            Finding::new(FindingKind::DoublePoint, Severity::Medium, cx.name(d.set[0]), title, evidence)
                .critical(d.takes_down.iter().any(|&t| cx.is_critical(t)))
        })
        .collect()
}
