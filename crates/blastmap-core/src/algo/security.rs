//! Security blast radius: what a compromised component reaches through the credentials it
//! holds, transitively (compromise travels along `holds_credentials_for`; failure does not).

use crate::finding::{Context, Finding, FindingKind, Severity};
use crate::model::{Model, NodeId};

/// Holders reaching at least this many components are least-privilege findings of high severity.
pub const LEAST_PRIVILEGE: usize = 10;

/// What one credential holder's compromise reaches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reach {
    pub component: NodeId,
    /// Components it holds credentials for itself.
    pub direct: Vec<NodeId>,
    /// Everything compromise reaches from it, transitively, itself excluded, in node order.
    pub reaches: Vec<NodeId>,
}

/// The credential reach of every component that holds credentials, widest first.
///
/// ```
/// use blastmap_core::{algo::credential_reach, load};
/// let yaml = "components:\n- {id: bot, holds_credentials_for: [crm]}\n- {id: crm, holds_credentials_for: [mail]}\n- {id: mail}\n";
/// let m = load(yaml).unwrap().model;
/// let r = credential_reach(&m);
/// assert_eq!(m.names(&r[0].reaches), ["crm", "mail"]);
/// ```
///
/// # Complexity
/// O(H · (|V| + |E_cred|)) for H credential holders (a breadth-first search each).
pub fn credential_reach(model: &Model) -> Vec<Reach> {
    let mut seen = vec![u32::MAX; model.len()];
    let mut out: Vec<Reach> = Vec::new();
    for v in model.ids().filter(|&v| !model.credentials(v).is_empty()) {
        seen[v as usize] = v;
        let mut queue = vec![v];
        let mut reaches = Vec::new();
        while let Some(u) = queue.pop() {
            for &w in model.credentials(u) {
                if seen[w as usize] != v {
                    seen[w as usize] = v;
                    reaches.push(w);
                    queue.push(w);
                }
            }
        }
        reaches.sort_unstable();
        out.push(Reach { component: v, direct: model.credentials(v).to_vec(), reaches });
    }
    out.sort_by(|a, b| b.reaches.len().cmp(&a.reaches.len()).then(a.component.cmp(&b.component)));
    out
}

/// One finding per holder whose compromise reaches two or more components (high from
/// [`LEAST_PRIVILEGE`] on).
pub fn findings(reach: &[Reach], cx: &Context) -> Vec<Finding> {
    reach
        .iter()
        .filter(|r| r.reaches.len() >= 2)
        .map(|r| {
            let high = r.reaches.len() >= LEAST_PRIVILEGE;
            let title = format!(
                "credential reach: compromise of `{}` reaches {} components ({} through its own credentials){}",
                cx.model.name(r.component),
                r.reaches.len(),
                r.direct.len(),
                if high { ": least privilege" } else { "" }
            );
            let severity = if high { Severity::High } else { Severity::Medium };
            let evidence = cx.evidence(&[r.component], &r.reaches);
            Finding::new(FindingKind::CredentialReach, severity, cx.name(r.component), title, evidence)
                .critical(r.reaches.iter().any(|&v| cx.is_critical(v)))
        })
        .collect()
}
