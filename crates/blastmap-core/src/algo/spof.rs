//! Single points of failure per target, and the criticality ranking, read off K.

use crate::algo::single::Killers;
use crate::finding::{few_or_count, Context, Finding, FindingKind, Severity};
use crate::model::{Model, NodeId};

/// A node whose single failure takes down at least one target other than itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spof {
    pub component: NodeId,
    /// The targets it takes down, in node order.
    pub takes_down: Vec<NodeId>,
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

/// Single points of failure, in node order.
///
/// ```
/// use blastmap_core::{algo::{single_failures, spofs}, load};
/// let m = load("components:\n- {id: web, requires: [consul]}\n- {id: consul}\n").unwrap().model;
/// let s = spofs(&m, &single_failures(&m));
/// assert_eq!(m.name(s[0].component), "consul");
/// ```
///
/// # Complexity
/// O(|V| + Σ_targets |K(t)|) time.
pub fn spofs(model: &Model, killers: &Killers) -> Vec<Spof> {
    let mut takes: Vec<Vec<NodeId>> = vec![Vec::new(); model.len()];
    for &t in model.targets() {
        for &x in killers.of(t) {
            if x != t {
                takes[x as usize].push(t);
            }
        }
    }
    takes
        .into_iter()
        .enumerate()
        .filter(|(_, t)| !t.is_empty())
        .map(|(x, mut takes_down)| {
            takes_down.sort_unstable();
            Spof { component: x as NodeId, takes_down }
        })
        .collect()
}

/// Every node that takes down something besides itself, most critical first: by targets taken
/// down, then by nodes taken down, then in node order.
///
/// # Complexity
/// O(|V| log |V| + Σ_targets |K(t)|) given the down counts.
pub fn criticality(model: &Model, killers: &Killers, down_counts: &[u32]) -> Vec<Criticality> {
    let mut targets_down = vec![0u32; model.len()];
    for &t in model.targets() {
        for &x in killers.of(t) {
            targets_down[x as usize] += 1;
        }
    }
    let mut out: Vec<Criticality> = model
        .ids()
        .filter(|&x| down_counts[x as usize] > 1)
        .map(|x| Criticality {
            component: x,
            targets_down: targets_down[x as usize],
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

/// One finding per single point of failure, widest first (critical when a target is critical).
pub fn findings(spofs: &[Spof], cx: &Context) -> Vec<Finding> {
    let severity = if cx.critical_targets { Severity::Critical } else { Severity::High };
    let mut out: Vec<(usize, Finding)> = spofs
        .iter()
        .map(|s| {
            let what = few_or_count(&cx.names(&s.takes_down), "targets");
            let title = format!("single point of failure: `{}` takes down {what}", cx.model.name(s.component));
            let evidence = cx.evidence(&[s.component], &s.takes_down);
            let critical = s.takes_down.iter().any(|&t| cx.is_critical(t));
            let f = Finding::new(FindingKind::Spof, severity, cx.name(s.component), title, evidence);
            (s.takes_down.len(), f.critical(critical))
        })
        .collect();
    out.sort_by_key(|f| std::cmp::Reverse(f.0));
    out.into_iter().map(|(_, f)| f).collect()
}
