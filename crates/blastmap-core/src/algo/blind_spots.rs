//! Monitoring blind spots: single failures that take down a component and every monitor of it.

use crate::algo::single::Killers;
use crate::finding::{first_and_more, join, Context, Finding, FindingKind, Severity};
use crate::model::{Model, NodeId};

/// A monitored component that some single failure leaves down and unobserved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlindSpot {
    pub component: NodeId,
    pub monitors: Vec<NodeId>,
    /// The single failures that take down the component and all its monitors, in node order.
    pub failures: Vec<NodeId>,
}

/// Blind spots of every monitored component: K(v) ∩ ⋂ K(m) over its monitors m. A component
/// that monitors itself (a Prometheus scraping itself) is blind to every failure that takes it
/// down, its own included, unless another monitor survives it.
///
/// ```
/// use blastmap_core::{algo::{blind_spots, single_failures}, load};
/// let yaml = "components:\n- {id: consul, monitored_by: [telemetry]}\n- {id: telemetry, requires: [consul]}\n";
/// let m = load(yaml).unwrap().model;
/// let b = blind_spots(&m, &single_failures(&m));
/// assert_eq!(m.names(&b[0].failures), ["consul"]);
/// ```
///
/// # Complexity
/// O(Σ_v (|K(v)| + Σ_m |K(m)|)) over monitored components v with monitors m.
pub fn blind_spots(model: &Model, killers: &Killers) -> Vec<BlindSpot> {
    model
        .ids()
        .filter(|&v| !model.monitors(v).is_empty())
        .filter_map(|v| {
            let monitors = model.monitors(v);
            let failures: Vec<NodeId> =
                killers.of(v).iter().copied().filter(|&x| monitors.iter().all(|&m| killers.kills(x, m))).collect();
            (!failures.is_empty()).then(|| BlindSpot { component: v, monitors: monitors.to_vec(), failures })
        })
        .collect()
}

/// One finding per blind spot.
pub fn findings(blind: &[BlindSpot], cx: &Context) -> Vec<Finding> {
    blind
        .iter()
        .map(|b| {
            let name = cx.model.name(b.component);
            let failures = first_and_more(&cx.names(&b.failures));
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
