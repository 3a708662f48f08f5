//! Monitoring blind spots: single failures that take down a component and every monitor of it.

use crate::algo::single::Killers;
use crate::model::{Model, NodeId};

/// A monitored component that some single failure leaves down and unobserved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlindSpot {
    pub component: NodeId,
    pub monitors: Vec<NodeId>,
    /// The single failures that take down the component and all its monitors, in node order.
    pub failures: Vec<NodeId>,
}

/// Blind spots of every monitored component: K(v) ∩ ⋂ K(m) over its monitors m.
///
/// ```
/// use blastmap_core::{algo::{blind_spots, single_failures}, format::load};
/// let yaml = "components:\n- {id: consul, monitored_by: [telemetry]}\n- {id: telemetry, requires: [consul]}\n";
/// let (_, m) = load(yaml).unwrap();
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
