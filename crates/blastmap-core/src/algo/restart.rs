//! Restart hazards: components that stay up through a failure but could not start again while
//! it lasts, because a start-time dependency is down.

use crate::algo::single::Killers;
use crate::finding::{Context, Finding, FindingKind, Severity};
use crate::model::{Model, NodeId};

/// What one single failure leaves unable to restart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RestartHazard {
    pub failure: NodeId,
    /// Up in steady state, but with a start-time dependency down; in node order.
    pub cannot_restart: Vec<NodeId>,
}

/// For each single failure x, the components v with x ∉ K(v) and x ∈ K(s) for one of v's
/// start-time dependencies s.
///
/// K(s) \ K(v) is read off the forest of [`Killers`]: s's path is walked only until it meets
/// v's (everything above is in K(v)).
///
/// ```
/// use blastmap_core::{algo::{restart_hazards, single_failures}, load};
/// let yaml = "components:\n- {id: node, requires_at_start: [control]}\n- {id: control}\n";
/// let m = load(yaml).unwrap().model;
/// let h = restart_hazards(&m, &single_failures(&m));
/// assert_eq!(m.names(&h[0].cannot_restart), ["node"]);
/// ```
///
/// # Complexity
/// O(|V| + Σ_v Σ_(s ∈ start(v)) |seg(s, v)| · log |V|) time, where seg(s, v) is the part of
/// s's path below where it meets v's; the output is within that.
pub fn restart_hazards(model: &Model, killers: &Killers) -> Vec<RestartHazard> {
    let mut by_failure: Vec<Vec<NodeId>> = vec![Vec::new(); model.len()];
    // `seen[x] == v + 1`: x already counted for v (several start dependencies can share it).
    let mut seen: Vec<u32> = vec![0; model.len()];
    for v in model.ids() {
        for &s in model.start(v) {
            for a in killers.segment(s, killers.lca(s, v)) {
                for &x in killers.own(a) {
                    if seen[x as usize] != v + 1 && !killers.kills(x, v) {
                        seen[x as usize] = v + 1;
                        by_failure[x as usize].push(v);
                    }
                }
            }
        }
    }
    by_failure
        .into_iter()
        .enumerate()
        .filter(|(_, v)| !v.is_empty())
        .map(|(x, cannot_restart)| RestartHazard { failure: x as NodeId, cannot_restart })
        .collect()
}

/// One finding per failure that leaves components unable to restart, widest first.
pub fn findings(hazards: &[RestartHazard], cx: &Context) -> Vec<Finding> {
    let mut sorted: Vec<&RestartHazard> = hazards.iter().collect();
    sorted.sort_by(|a, b| b.cannot_restart.len().cmp(&a.cannot_restart.len()).then(a.failure.cmp(&b.failure)));
    sorted
        .into_iter()
        .map(|h| {
            let stays = match h.cannot_restart.as_slice() {
                [one] => format!("`{}` stays up", cx.model.name(*one)),
                all => format!("{} components stay up", crate::finding::thousands(all.len())),
            };
            let title = format!(
                "restart hazard: while `{}` is down, {stays} but could not start again",
                cx.model.name(h.failure)
            );
            let evidence = cx.evidence(&[h.failure], &h.cannot_restart);
            Finding::new(FindingKind::RestartHazard, Severity::Medium, cx.name(h.failure), title, evidence)
                .critical(h.cannot_restart.iter().any(|&v| cx.touches(v)))
        })
        .collect()
}
