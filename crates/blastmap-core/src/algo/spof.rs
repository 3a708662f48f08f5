//! Single points of failure per target, and the criticality ranking, read off K.

use crate::algo::rank::{Equivalence, SpofRank, SpofRanker};
use crate::algo::single::{DownIndex, Killers};
use crate::finding::{
    few_or_total, first, Class, Context, Finding, FindingKind, Rank, Reason, Severity, EVIDENCE_LIMIT,
};
use crate::model::{Model, NodeId};

/// A node whose single failure takes down at least one target other than itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spof {
    pub component: NodeId,
    /// The targets it takes down, in node order: all of them, or the first `limit` given to
    /// [`spofs`] when `takes_down_count` is larger.
    pub takes_down: Vec<NodeId>,
    /// How many targets it takes down in all.
    pub takes_down_count: u32,
    /// One of them is critical (listed or not).
    pub takes_down_critical: bool,
    /// How hidden it is (see [`crate::algo::rank`]).
    pub rank: SpofRank,
}

/// What failing one node takes down.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Criticality {
    pub component: NodeId,
    /// Targets taken down (itself included if it is one).
    pub targets_down: u32,
    /// Other nodes taken down (targets included, itself excluded).
    pub components_down: u32,
}

/// Single points of failure, in node order, each listing at most `limit` targets (the first in
/// node order) beside the full count.
///
/// ```
/// use blastmap_core::{algo::{single_failures, spofs}, load};
/// let m = load("components:\n- {id: web, requires: [consul]}\n- {id: consul}\n").unwrap().model;
/// let s = spofs(&m, &single_failures(&m), 1_000);
/// assert_eq!(m.name(s[0].component), "consul");
/// assert_eq!(s[0].takes_down_count, 1);
/// ```
///
/// # Complexity
/// O(|V| + Σ|own| + Σ_x min(count(x), limit) · log) time: the targets x takes down are the
/// targets in the subtrees of the forest nodes holding x, counted by range (see
/// [`Killers`]), and listed smallest first.
pub fn spofs(model: &Model, killers: &Killers, limit: usize) -> Vec<Spof> {
    spofs_within(model, killers, limit, usize::MAX)
}

/// [`spofs`], the lists holding at most `total` targets together: each at most the largest
/// limit up to `limit` that keeps them within it, and at least 3 (`limit` if smaller). Tens of
/// thousands of equivalent single points of failure in one cycle, each taking down the same
/// thousand targets, would otherwise list tens of millions of names.
///
/// # Complexity
/// As [`spofs`], plus O(S log limit) for the S single points of failure to find the limit.
pub fn spofs_within(model: &Model, killers: &Killers, limit: usize, total: usize) -> Vec<Spof> {
    let targets = DownIndex::new(killers, model.targets());
    let critical: Vec<NodeId> = model.targets().iter().copied().filter(|&t| model.node(t).critical).collect();
    let critical_targets = DownIndex::new(killers, &critical);
    let is_target = |x: NodeId| model.targets().binary_search(&x).is_ok();
    let ranker = SpofRanker::new(model, killers, &targets);
    // Each single point of failure, with whether it is a target and how many others it takes down.
    let counted: Vec<(NodeId, u32, u32)> = model
        .ids()
        .filter_map(|x| {
            let itself = u32::from(is_target(x));
            let count = targets.count(x).saturating_sub(itself);
            (count > 0).then_some((x, itself, count))
        })
        .collect();
    let limit = shared_limit(counted.iter().map(|e| e.2 as usize), limit, total);
    counted
        .into_iter()
        .map(|(x, itself, count)| {
            let (mut takes_down, _) = targets.list(x, limit.saturating_add(itself as usize));
            takes_down.retain(|&t| t != x);
            takes_down.truncate(limit);
            let itself_critical = u32::from(model.node(x).critical && itself == 1);
            let takes_down_critical = critical_targets.count(x) > itself_critical;
            let rank = ranker.rank(x, count, takes_down.first().copied());
            Spof { component: x, takes_down, takes_down_count: count, takes_down_critical, rank }
        })
        .collect()
}

/// The most each of lists of these lengths may keep so that they keep at most `total` in all:
/// `limit` if that is within it, else the largest that is, and at least 3 (`limit` if smaller).
fn shared_limit(lengths: impl Iterator<Item = usize> + Clone, limit: usize, total: usize) -> usize {
    let kept = |each: usize| lengths.clone().map(|n| n.min(each)).fold(0usize, usize::saturating_add);
    if kept(limit) <= total {
        return limit;
    }
    let (mut lo, mut hi) = (limit.min(3), limit);
    // `kept(lo)` is the floor's, within `total` or not; `kept(hi)` is over it.
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if kept(mid) <= total {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Every node that takes down something besides itself, most critical first: by targets taken
/// down, then by nodes taken down, then in node order.
///
/// # Complexity
/// O(|V| log |V| + Σ|own|) given the down counts.
pub fn criticality(model: &Model, killers: &Killers, down_counts: &[u32]) -> Vec<Criticality> {
    let targets = DownIndex::new(killers, model.targets());
    let mut out: Vec<Criticality> = model
        .ids()
        .filter(|&x| down_counts[x as usize] > 1)
        .map(|x| Criticality {
            component: x,
            targets_down: targets.count(x),
            components_down: down_counts[x as usize] - 1,
        })
        .collect();
    out.sort_by(|a, b| {
        b.targets_down
            .cmp(&a.targets_down)
            .then(b.components_down.cmp(&a.components_down))
            .then(a.component.cmp(&b.component))
    });
    out
}

/// One finding per single point of failure, widest first (critical when a target is critical),
/// ranked. Equivalent ones (`equivalence`) stand together, the one to show first (a written
/// component before a placement value before a generated one, `generated[v]`; then the one that
/// takes down most components, `down_counts[v]`, since members of a class differ by the class
/// members they take down; then node order)
/// listing the others in its rank, each other one naming it in `same_as`; a class is hidden when
/// any member is, for the union of their reasons.
pub fn findings(spofs: &[Spof], cx: &Context, equivalence: &Equivalence, down_counts: &[u32]) -> Vec<Finding> {
    let severity = if cx.critical_targets { Severity::Critical } else { Severity::High };
    let mut order: Vec<&Spof> = spofs.iter().collect();
    order.sort_by_key(|s| std::cmp::Reverse(s.takes_down_count));
    // Classes in order of their widest member; members by preference.
    let mut classes: std::collections::BTreeMap<NodeId, Vec<&Spof>> = std::collections::BTreeMap::new();
    let mut first_seen: Vec<NodeId> = Vec::new();
    for s in &order {
        let c = equivalence.class(s.component);
        let members = classes.entry(c).or_default();
        if members.is_empty() {
            first_seen.push(c);
        }
        members.push(s);
    }
    let preference = |s: &&Spof| {
        let down = down_counts.get(s.component as usize).copied().unwrap_or(0);
        (cx.is_generated(s.component), cx.model.node(s.component).is_placement(), std::cmp::Reverse(down), s.component)
    };
    let mut out = Vec::with_capacity(spofs.len());
    for c in first_seen {
        let Some(mut members) = classes.remove(&c) else { continue };
        members.sort_by_key(preference);
        let mut reasons: Vec<Reason> = members.iter().flat_map(|s| s.rank.reasons.iter().copied()).collect();
        reasons.sort_unstable();
        reasons.dedup();
        let shown = members.first().map(|s| cx.name(s.component)).unwrap_or_default();
        for (i, s) in members.iter().enumerate() {
            let what = few_or_total(&cx.names(first(&s.takes_down)), s.takes_down_count as usize, "targets");
            let title = format!("single point of failure: `{}` takes down {what}", cx.model.name(s.component));
            let evidence = cx.evidence(&[s.component], &s.takes_down);
            let mut rank = Rank::hidden(reasons.iter().copied());
            if rank.class == Class::Obvious {
                rank.target = s.rank.target.map(|t| cx.name(t));
            }
            if i == 0 {
                let others: Vec<NodeId> = members.iter().skip(1).map(|o| o.component).collect();
                rank.equivalent = cx.names(others.get(..EVIDENCE_LIMIT).unwrap_or(&others));
                rank.equivalent_count = others.len();
            } else {
                rank.same_as = Some(shown.clone());
            }
            let f = Finding::new(FindingKind::Spof, severity, cx.name(s.component), title, evidence);
            out.push(f.critical(s.takes_down_critical).ranked(rank));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each list keeps what the limit allows while they fit the total; past it, the largest
    /// limit that fits, never below 3.
    #[test]
    fn lists_share_their_total() {
        let lengths = [5usize, 10, 1_000, 1_000];
        assert_eq!(shared_limit(lengths.iter().copied(), 1_000, usize::MAX), 1_000);
        assert_eq!(shared_limit(lengths.iter().copied(), 1_000, 2_015), 1_000, "exactly the total");
        // 5 + 10 + 2p ≤ 1,015 at p = 500, not 501.
        assert_eq!(shared_limit(lengths.iter().copied(), 1_000, 1_015), 500);
        assert_eq!(shared_limit(lengths.iter().copied(), 1_000, 4), 3, "at least 3");
        assert_eq!(shared_limit(lengths.iter().copied(), 2, 4), 2, "the limit if below 3");
        assert_eq!(shared_limit(std::iter::empty(), 1_000, 0), 1_000);
    }
}
