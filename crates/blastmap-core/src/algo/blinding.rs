//! Blinding failures: single failures that leave components running but unobserved, because
//! every monitor they have goes down while they stay up. A telemetry collector is not on the
//! request path; its failure blinds what it watches instead of stopping it.

use crate::algo::single::Killers;
use crate::finding::{few_or_total, first, Context, Finding, FindingKind, Severity};
use crate::model::{Model, NodeId};

/// What one single failure blinds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blinding {
    pub failure: NodeId,
    /// Monitored components that stay up while every one of their monitors goes down, in node
    /// order. A component that monitors itself is never blinded while it is up.
    pub blinded: Vec<NodeId>,
}

/// For each single failure x, the monitored components v with x ∉ K(v) and x ∈ K(m) for every
/// monitor m of v (v not among its own monitors).
///
/// ⋂ K(m) \ K(v) is read off the forest of [`Killers`]: the monitors share all of K(P) for P
/// their lowest common ancestor, of which only the part of P's path below where it meets v's
/// can be missing from K(v); the rest lies below P on the shortest monitor's path.
///
/// ```
/// use blastmap_core::{algo::{blindings, single_failures}, load};
/// let yaml = "components:\n- {id: shop, monitored_by: [collector]}\n- {id: collector, requires: [jaeger]}\n- {id: jaeger}\n";
/// let c = load(yaml).unwrap();
/// let b = blindings(&c.model, &single_failures(&c.model));
/// assert_eq!(c.model.names(&b.iter().map(|b| b.failure).collect::<Vec<_>>()), ["collector", "jaeger"]);
/// ```
///
/// # Complexity
/// O(Σ_v (|seg(M(v))| · |M(v)| + |seg(P, v)|) · log |V|) over monitored components v with
/// monitors M(v): seg(M(v)) is the shortest monitor's path below P, seg(P, v) P's path below
/// where it meets v's. The output (Σ over failures of what each blinds) is within that.
pub fn blindings(model: &Model, killers: &Killers) -> Vec<Blinding> {
    let mut by_failure: Vec<Vec<NodeId>> = vec![Vec::new(); model.len()];
    for v in model.ids() {
        let monitors = model.monitors(v);
        if monitors.is_empty() || monitors.contains(&v) {
            continue;
        }
        let shared = killers.lca_all(monitors.iter().copied());
        let Some(&shortest) = monitors.iter().min_by_key(|&&m| killers.size(m)) else { continue };
        let blinds = |x: NodeId| !killers.kills(x, v);
        // Below P on the shortest monitor's path (none of it in K(P): own sets along one path
        // are disjoint): failures every monitor shares.
        for a in killers.segment(shortest, shared) {
            for &x in killers.own(a) {
                if monitors.iter().all(|&m| m == shortest || killers.kills(x, m)) && blinds(x) {
                    by_failure[x as usize].push(v);
                }
            }
        }
        // K(P) \ K(v): only P's path below where it meets v's can hold any.
        if let Some(p) = shared {
            for a in killers.segment(p, killers.lca(p, v)) {
                for &x in killers.own(a) {
                    if blinds(x) {
                        by_failure[x as usize].push(v);
                    }
                }
            }
        }
    }
    by_failure
        .into_iter()
        .enumerate()
        .filter(|(_, b)| !b.is_empty())
        .map(|(x, blinded)| Blinding { failure: x as NodeId, blinded })
        .collect()
}

/// One finding per blinding failure, widest first: high when it blinds a target.
pub fn findings(blindings: &[Blinding], cx: &Context) -> Vec<Finding> {
    let is_target = |v: NodeId| cx.model.targets().binary_search(&v).is_ok();
    let mut sorted: Vec<&Blinding> = blindings.iter().collect();
    sorted.sort_by(|a, b| b.blinded.len().cmp(&a.blinded.len()).then(a.failure.cmp(&b.failure)));
    sorted
        .into_iter()
        .map(|b| {
            let what = few_or_total(&cx.names(first(&b.blinded)), b.blinded.len(), "components");
            let title = format!(
                "monitoring single point: `{}` down leaves {what} running unobserved (every monitor they have goes down with it)",
                cx.model.name(b.failure)
            );
            let severity = if b.blinded.iter().any(|&v| is_target(v)) { Severity::High } else { Severity::Medium };
            let evidence = cx.evidence(&[b.failure], &b.blinded);
            Finding::new(FindingKind::Blinding, severity, cx.name(b.failure), title, evidence)
                .critical(b.blinded.iter().any(|&v| cx.touches(v)))
        })
        .collect()
}
