//! Monitoring blind spots: single failures that take down a component and every monitor of it.

use crate::algo::single::Killers;
use crate::finding::{first, first_and_more_of, join, Context, Finding, FindingKind, Severity};
use crate::model::{Model, NodeId};

/// A monitored component that some single failure leaves down and unobserved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlindSpot {
    pub component: NodeId,
    pub monitors: Vec<NodeId>,
    /// The single failures that take down the component and all its monitors, in node order:
    /// all of them, or, when `failures_count` is larger, the `limit` given to [`blind_spots`]
    /// met first walking from the component towards its root causes.
    pub failures: Vec<NodeId>,
    /// How many single failures do so in all.
    pub failures_count: u32,
}

/// Blind spots of every monitored component: K(v) ∩ ⋂ K(m) over its monitors m. A component
/// that monitors itself (a Prometheus scraping itself) is blind to every failure that takes it
/// down, its own included, unless another monitor survives it.
///
/// The intersection is read off the forest of [`Killers`]: it holds all of K(P) for P the
/// lowest common ancestor of the component and its monitors, and what lies below P on the
/// shortest of their paths and in every other K.
///
/// ```
/// use blastmap_core::{algo::{blind_spots, single_failures}, load};
/// let yaml = "components:\n- {id: consul, monitored_by: [telemetry]}\n- {id: telemetry, requires: [consul]}\n";
/// let m = load(yaml).unwrap().model;
/// let b = blind_spots(&m, &single_failures(&m), 1_000);
/// assert_eq!(m.names(&b[0].failures), ["consul"]);
/// ```
///
/// # Complexity
/// O(Σ_v (|seg(v)| · |M(v)| · log |V| + |M(v)| log |V| + min(limit, count(v)))) over monitored
/// components v with monitors M(v), where seg(v) is the shortest part of their K sets below
/// their common ancestor.
pub fn blind_spots(model: &Model, killers: &Killers, limit: usize) -> Vec<BlindSpot> {
    let mut group: Vec<NodeId> = Vec::new();
    model
        .ids()
        .filter(|&v| !model.monitors(v).is_empty())
        .filter_map(|v| {
            let monitors = model.monitors(v);
            group.clear();
            group.push(v);
            group.extend(monitors.iter().copied().filter(|&m| m != v));
            let shared = killers.lca_all(group.iter().copied());
            let base = shared.map_or(0, |p| killers.size(p));
            let &shortest = group.iter().min_by_key(|&&w| killers.size(w))?;
            // Below the common ancestor on the shortest path (none of it in K(P): own sets along
            // one path are disjoint), what every other K holds too.
            let mut failures: Vec<NodeId> = Vec::new();
            for a in killers.segment(shortest, shared) {
                failures.extend(
                    killers
                        .own(a)
                        .iter()
                        .copied()
                        .filter(|&x| group.iter().all(|&y| y == shortest || killers.kills(x, y))),
                );
            }
            let count = failures.len() + base;
            if count == 0 {
                return None;
            }
            failures.truncate(limit);
            if let Some(p) = shared {
                for a in killers.path(p) {
                    if failures.len() >= limit {
                        break;
                    }
                    let room = limit - failures.len();
                    failures.extend(killers.own(a).iter().take(room));
                }
            }
            failures.sort_unstable();
            Some(BlindSpot { component: v, monitors: monitors.to_vec(), failures, failures_count: count as u32 })
        })
        .collect()
}

/// One finding per blind spot.
pub fn findings(blind: &[BlindSpot], cx: &Context) -> Vec<Finding> {
    blind
        .iter()
        .map(|b| {
            let name = cx.model.name(b.component);
            let failures = first_and_more_of(&cx.names(first(&b.failures)), b.failures_count as usize);
            let title = if b.monitors == [b.component] {
                format!("monitoring blind spot: `{name}` monitors itself: when {failures} fails, nothing notices it is down")
            } else {
                format!(
                    "monitoring blind spot: `{name}` and all its monitors ({}) go down together when {failures} fails",
                    join(&cx.names(&b.monitors))
                )
            };
            let mut head = vec![b.component];
            head.extend(b.monitors.iter().copied().filter(|&m| m != b.component));
            let evidence = cx.evidence(&head, &b.failures);
            Finding::new(FindingKind::BlindSpot, Severity::High, cx.name(b.component), title, evidence)
                .critical(cx.touches(b.component))
        })
        .collect()
}
