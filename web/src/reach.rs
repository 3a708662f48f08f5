//! The worker's side of the reach view: the tailnet policies of the last analysis with the
//! estates they govern, and everything one principal may reach under one of them
//! ([`blastmap_core::policy::reach`], computed on the first request and kept until the next
//! analysis). The report's policy section keeps only each principal's first names; the view
//! shows them all.

use std::cell::RefCell;

use blastmap_core::policy::{Estate, Policy, PolicyReach, Principal, Reach};
use blastmap_core::policy_report::PolicySection;

use crate::protocol::{ReachView, Response};

/// One policy of the last analysis.
struct Held {
    file: String,
    tailnet: String,
    policy: Policy,
    estate: Estate,
    /// Computed on the first request.
    reach: Option<PolicyReach>,
}

thread_local! {
    /// The analysis the policies come from, and its policies.
    static HELD: RefCell<(u64, Vec<Held>)> = const { RefCell::new((0, Vec::new())) };
}

/// Keeps the policies of analysis `id` (those `sections` say were checked) with the estates they
/// govern. Call before the topology leaves `loaded`.
///
/// # Complexity
/// O(N·C) per policy for N estate nodes among C components (the importer's `estate_of`).
pub fn hold(id: u64, loaded: &blastmap_import::Loaded, sections: &[PolicySection]) {
    let held = sections
        .iter()
        .filter_map(|s| {
            let (_, policy) = loaded.policies.iter().find(|(file, _)| *file == s.file)?;
            let (tailnet, estate, _) = blastmap_import::policy::estate(loaded, Some(&s.tailnet)).ok()?;
            Some(Held { file: s.file.clone(), tailnet, policy: policy.clone(), estate, reach: None })
        })
        .collect();
    HELD.with(|h| *h.borrow_mut() = (id, held));
}

/// The estate's nodes that are principal `x`: the node itself, the nodes carrying the tag, the
/// untagged nodes of the user, or of the group's users (nodes shared in are none of them).
fn origin(policy: &Policy, estate: &Estate, x: &Reach) -> Vec<String> {
    let own = |n: &&blastmap_core::policy::PolicyNode| !n.shared;
    let untagged_of = |users: &[String]| -> Vec<String> {
        estate
            .nodes
            .iter()
            .filter(own)
            .filter(|n| n.tags.is_empty() && n.user.as_ref().is_some_and(|u| users.contains(u)))
            .map(|n| n.id.clone())
            .collect()
    };
    match x.kind {
        Principal::Node => vec![x.principal.clone()],
        Principal::Tag => {
            estate.nodes.iter().filter(own).filter(|n| n.tags.contains(&x.principal)).map(|n| n.id.clone()).collect()
        }
        Principal::User => untagged_of(std::slice::from_ref(&x.principal)),
        Principal::Group => untagged_of(policy.groups.get(&x.principal).map_or(&[][..], Vec::as_slice)),
    }
}

/// What `principal` may reach under policy `file` of the analysis held.
pub fn answer(file: &str, principal: &str) -> Response {
    HELD.with(|h| {
        let mut h = h.borrow_mut();
        let id = h.0;
        let failed = |message: String| Response::ReachFailed { id, principal: principal.to_string(), message };
        let Some(held) = h.1.iter_mut().find(|p| p.file == file) else {
            return failed(format!("no policy file `{file}` was checked in the last analysis"));
        };
        let Held { file, tailnet, policy, estate, reach } = held;
        let reach = reach.get_or_insert_with(|| blastmap_core::policy::reach(policy, estate));
        let Some(x) = reach
            .nodes
            .iter()
            .chain(&reach.tags)
            .chain(&reach.groups)
            .chain(&reach.users)
            .find(|x| x.principal == principal)
        else {
            return failed(format!("`{principal}` is no node, tag, group or user of {file}"));
        };
        Response::Reach {
            id,
            view: Box::new(ReachView {
                file: file.clone(),
                tailnet: tailnet.clone(),
                principal: x.principal.clone(),
                kind: x.kind,
                origin: origin(policy, estate, x),
                reached: reach.names(&x.reaches).into_iter().map(str::to_string).collect(),
                nodes: estate.nodes.len(),
                routes: x.routes.clone(),
                internet: x.internet,
            }),
        }
    })
}
