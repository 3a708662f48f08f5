//! The report's policy section: for each tailnet policy file, who may reach how much (widest
//! first, each list cut at [`REACH_NAMES`] names beside its full count), the policy's findings,
//! and what the analysis did with the peer relays the policy makes no path. Built from
//! [`crate::policy::reach`] by the importer's `policy::enforce`; added to a report with
//! [`crate::report::Report::police`], which also turns the policy's findings into report
//! findings (so `check --deny` can deny them).

use serde::{Deserialize, Serialize};

use crate::finding::{Finding, FindingKind, EVIDENCE_LIMIT};
use crate::model::Model;
use crate::policy::{PolicyFinding, PolicyFindingKind, PolicyReach, Principal, Reach, Unevaluated};

/// How many node names each principal's entry keeps (its count is always whole). A broad policy
/// over thousands of nodes reaches millions of pairs: the section keeps the widest principals'
/// first names, and says so.
pub const REACH_NAMES: usize = 20;

/// One policy file checked against the estate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicySection {
    /// The policy file's name, as given.
    pub file: String,
    /// The tailnet whose nodes it governs.
    pub tailnet: String,
    /// How many nodes it governs (the tailnet's, and those shared into it).
    pub nodes: usize,
    /// Every node, tag, group and user, widest reach first (then tags, groups, users, nodes, each
    /// by name).
    pub principals: Vec<PrincipalReach>,
    /// Most severe first (as [`crate::policy::reach`] orders them).
    pub findings: Vec<PolicyFinding>,
    /// Peer relays the policy makes no path, by node and relay, and what the analysis did.
    pub relays: Vec<RelayVerdict>,
    /// Selectors that matched nothing because the export cannot say what they are.
    pub unevaluated: Vec<Unevaluated>,
}

/// What one principal may open connections to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PrincipalReach {
    /// Node id, `tag:T`, `group:G` or a user's login.
    pub principal: String,
    pub kind: Principal,
    /// How many nodes it reaches (itself excluded).
    pub reaches_count: usize,
    /// The first [`REACH_NAMES`] of them, in estate order.
    pub reaches: Vec<String>,
    /// Subnet routes it reaches.
    pub routes: Vec<String>,
    /// It may reach the internet through exit nodes.
    pub internet: bool,
    /// The rules that give it reach (`acls[0]`, `grants[2]`).
    pub rules: Vec<String>,
}

/// A peer relay the policy makes no path to a node, and whether the analysis dropped it from
/// the node's paths.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RelayVerdict {
    pub node: String,
    pub relay: String,
    /// The node that serves the relay.
    pub server: String,
    /// Peers that may not reach `node` through it (empty: the export names no peer).
    pub forbidden_for: Vec<String>,
    /// Peers that may (paths are modelled per node, so the relay then stays).
    pub allowed_for: Vec<String>,
    /// Dropped from `node/paths`: redundancy that counted on it is false.
    pub dropped: bool,
    /// One line a person reads: what the policy says and what the analysis did.
    pub sentence: String,
}

impl PolicySection {
    /// The section of policy `file` over `nodes` nodes of `tailnet`, from what
    /// [`crate::policy::reach`] computed.
    ///
    /// # Complexity
    /// O(P log P) for P principals, plus [`REACH_NAMES`] names each.
    pub fn new(file: &str, tailnet: &str, nodes: usize, reach: &PolicyReach, relays: Vec<RelayVerdict>) -> Self {
        let entry = |r: &Reach| PrincipalReach {
            principal: r.principal.clone(),
            kind: r.kind,
            reaches_count: r.reaches.len(),
            reaches: reach
                .names(r.reaches.get(..REACH_NAMES).unwrap_or(&r.reaches))
                .into_iter()
                .map(str::to_string)
                .collect(),
            routes: r.routes.clone(),
            internet: r.internet,
            rules: r.rules.clone(),
        };
        let mut principals: Vec<PrincipalReach> =
            reach.tags.iter().chain(&reach.groups).chain(&reach.users).chain(&reach.nodes).map(entry).collect();
        principals.sort_by(|a, b| {
            b.reaches_count
                .cmp(&a.reaches_count)
                .then(b.routes.len().cmp(&a.routes.len()))
                .then(rank(a.kind).cmp(&rank(b.kind)))
                .then(a.principal.cmp(&b.principal))
        });
        PolicySection {
            file: file.to_string(),
            tailnet: tailnet.to_string(),
            nodes,
            principals,
            findings: reach.findings.clone(),
            relays,
            unevaluated: reach.unevaluated.clone(),
        }
    }

    /// The principal named `name` (a node id, `tag:T`, `group:G` or a login).
    pub fn principal(&self, name: &str) -> Option<&PrincipalReach> {
        self.principals.iter().find(|p| p.principal == name)
    }

    /// True when some principal's list of names was cut at [`REACH_NAMES`].
    pub fn cut(&self) -> bool {
        self.principals.iter().any(|p| p.reaches_count > p.reaches.len())
    }
}

/// Among principals that reach as much: tags, then groups, users and nodes.
fn rank(k: Principal) -> u8 {
    match k {
        Principal::Tag => 0,
        Principal::Group => 1,
        Principal::User => 2,
        Principal::Node => 3,
    }
}

/// The report's finding kind of a policy finding.
pub fn kind(k: PolicyFindingKind) -> FindingKind {
    match k {
        PolicyFindingKind::AllowsEverything => FindingKind::PolicyAllowsAll,
        PolicyFindingKind::BlastRadius => FindingKind::PolicyBlastRadius,
        PolicyFindingKind::RouteTakeover => FindingKind::RouteTakeover,
        PolicyFindingKind::ForbiddenRelay => FindingKind::ForbiddenRelay,
    }
}

/// True for the kinds a policy file gives (shown in the report's policy section; `check` cannot
/// check them without one).
pub fn is_policy_kind(k: FindingKind) -> bool {
    matches!(
        k,
        FindingKind::PolicyAllowsAll
            | FindingKind::PolicyBlastRadius
            | FindingKind::RouteTakeover
            | FindingKind::ForbiddenRelay
    )
}

/// A policy finding as a report finding: the evidence capped at [`EVIDENCE_LIMIT`], critical
/// when a node it names is a component marked `critical`.
pub fn finding(model: &Model, f: &PolicyFinding) -> Finding {
    let critical = f.evidence.iter().any(|id| model.lookup(id).is_some_and(|v| model.node(v).critical));
    let evidence = f.evidence.iter().take(EVIDENCE_LIMIT).map(String::as_str);
    Finding::new(kind(f.kind), f.severity, f.subject.as_str(), f.title.clone(), evidence).critical(critical)
}
