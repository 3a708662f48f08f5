//! Tailnet policy files (Tailscale's ACLs and grants) as plain data, and what they let each node,
//! tag, group and user reach: the security blast radius of a compromised node or account, tags
//! whose owners can get subnet routes approved, rules that allow everything, and peer relays the
//! policy does not let a node use. Pure: the importer (`blastmap-import`'s `policy` module) reads
//! the HuJSON text into [`Policy`] and the estate into [`Estate`]; [`reach`] does the rest.
//!
//! Rules of evaluation (Tailscale's, as far as the export lets them be evaluated):
//! - Every rule is an allow rule and reach is their union. Reach is per node: ports and
//!   protocols are recorded on each [`Target`] but a node that may open any connection to
//!   another reaches it. A grant with only `app` capabilities gives no network reach.
//! - Sources and destinations: `*` (every node), `tag:T` (nodes carrying T), `group:G` (untagged
//!   nodes of its users), a user (`alice@example.com`: her untagged nodes), `autogroup:member`
//!   (untagged nodes of the tailnet's own users), `autogroup:tagged`, `autogroup:shared` (nodes
//!   of other tailnets), `autogroup:danger-all` (every node), hosts (`hosts:` names), IP addresses
//!   and CIDRs (the nodes whose Tailscale addresses fall in them). Destinations also take
//!   `autogroup:self` (the source's own untagged nodes, for an untagged source) and
//!   `autogroup:internet` (the internet through exit nodes); an address or CIDR destination that
//!   overlaps a subnet route reaches that route (through its routers), and `*` reaches every route
//!   and the internet.
//! - Roles (`autogroup:admin`, `autogroup:owner`, ...), IP sets and names defined nowhere cannot
//!   be evaluated from the export: they match nothing and are listed in
//!   [`PolicyReach::unevaluated`], never dropped silently.
//! - Principals: a node is itself (its tags, or its user when untagged, and its addresses); a tag
//!   `T` is a new node carrying only `T`; a user is a new untagged node of that user (whose
//!   `autogroup:self` is the user's existing untagged nodes); a group is the union of its users.
//!   New nodes have no address yet, so rules naming addresses do not apply to them.
//! - A peer relay is a path between two nodes only if a grant with the `tailscale.com/cap/relay`
//!   capability has one end of the connection as source and the relay's node as destination.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::algo::LEAST_PRIVILEGE;
use crate::error::Pos;
use crate::finding::and_more;
use crate::report::Severity;

/// The capability a grant gives to let its sources use its destinations as peer relays.
pub const RELAY_CAPABILITY: &str = "tailscale.com/cap/relay";

/// A tailnet policy file, as far as the analyses use it (other sections are kept by the reader
/// as known but unmodelled).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Policy {
    /// `acls` and `grants`, in file order (ACLs first).
    pub rules: Vec<Rule>,
    /// `groups`: group name (`group:eng`) to its users.
    pub groups: BTreeMap<String, Vec<String>>,
    /// `tagOwners`: who may apply each tag.
    pub tag_owners: Vec<TagOwners>,
    /// `hosts`: names for addresses and CIDRs.
    pub hosts: BTreeMap<String, String>,
    /// `autoApprovers.routes`.
    pub route_approvers: Vec<RouteApprovers>,
    /// `autoApprovers.exitNode`.
    pub exit_node_approvers: Vec<String>,
    /// Where `autoApprovers.exitNode` stands.
    pub exit_node_approvers_pos: Option<Pos>,
    /// `ssh` rules (recorded; Tailscale SSH reach is not analysed).
    pub ssh: Vec<SshRule>,
    /// `nodeAttrs` (recorded).
    pub node_attrs: Vec<NodeAttr>,
}

/// Which section a rule comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    Acl,
    Grant,
}

/// One ACL (`action: accept`) or grant.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rule {
    pub kind: RuleKind,
    /// Its index in its section.
    pub index: usize,
    pub pos: Option<Pos>,
    pub src: Vec<Target>,
    pub dst: Vec<Target>,
    /// False for a grant with only `app` capabilities: no network access.
    pub network: bool,
    /// Application capabilities a grant gives (`tailscale.com/cap/relay`, ...).
    pub app: Vec<String>,
    /// A grant's `via` (routers or exit nodes the traffic must go through), recorded.
    pub via: Vec<String>,
}

impl Rule {
    /// `acls[0]`, `grants[3]`.
    pub fn name(&self) -> String {
        match self.kind {
            RuleKind::Acl => format!("acls[{}]", self.index),
            RuleKind::Grant => format!("grants[{}]", self.index),
        }
    }
}

/// A source or destination selector, with the ports it opens (destinations only: ACL
/// `dst: ["tag:db:5432"]`, or a grant's `ip` list; `*` is every port).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Target {
    pub selector: String,
    pub ports: Vec<String>,
    pub pos: Option<Pos>,
}

impl Target {
    pub fn new(selector: impl Into<String>, ports: Vec<String>, pos: Option<Pos>) -> Self {
        Target { selector: selector.into(), ports, pos }
    }

    /// Every port of every protocol.
    pub fn all_ports(&self) -> bool {
        self.ports.iter().any(|p| p == "*")
    }
}

/// One `tagOwners` entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TagOwners {
    pub tag: String,
    pub owners: Vec<String>,
    pub pos: Option<Pos>,
}

/// One `autoApprovers.routes` entry: routes inside `prefix` advertised by a node of one of the
/// approvers are approved without an admin.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RouteApprovers {
    pub prefix: String,
    pub approvers: Vec<String>,
    pub pos: Option<Pos>,
}

/// One `ssh` rule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SshRule {
    pub action: String,
    pub src: Vec<String>,
    pub dst: Vec<String>,
    pub users: Vec<String>,
    pub pos: Option<Pos>,
}

/// One `nodeAttrs` entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeAttr {
    pub target: Vec<String>,
    pub attr: Vec<String>,
    pub pos: Option<Pos>,
}

/// A node of the estate as the policy sees it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PolicyNode {
    pub id: String,
    /// ACL tags (`tag:ci`).
    pub tags: Vec<String>,
    /// Login of its user (meaningful for untagged nodes).
    pub user: Option<String>,
    /// Tailscale addresses.
    pub ips: Vec<String>,
    /// Subnet routes it advertises.
    pub routes: Vec<String>,
    pub exit_node: bool,
    /// A node of another tailnet (shared in): the policy's tags and members do not apply to it.
    pub shared: bool,
}

/// A node's use of a peer relay: `node` is reached through `relay` (from `peer`, when known),
/// a relay served by node `server` (when known).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RelayUse {
    pub node: String,
    pub peer: Option<String>,
    pub relay: String,
    pub server: Option<String>,
}

/// The nodes a policy governs, and the peer relays they use.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Estate {
    pub nodes: Vec<PolicyNode>,
    pub relay_uses: Vec<RelayUse>,
}

/// What a principal is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Principal {
    Node,
    Tag,
    Group,
    User,
}

/// What one principal may open connections to.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reach {
    /// Node id, `tag:T`, `group:G` or the user's login.
    pub principal: String,
    pub kind: Principal,
    /// Nodes it reaches (itself excluded), as indices into the estate's nodes (the order of
    /// [`PolicyReach::nodes`]; [`PolicyReach::names`] gives their ids). Indices, not ids: a broad
    /// policy over thousands of nodes reaches millions of pairs.
    pub reaches: Vec<u32>,
    /// Subnet routes it reaches, sorted.
    pub routes: Vec<String>,
    /// It may use exit nodes to reach the internet.
    pub internet: bool,
    /// The rules that give it reach (`acls[0]`, `grants[2]`), in file order.
    pub rules: Vec<String>,
}

/// The kinds of policy finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyFindingKind {
    /// A rule lets its sources reach every node on every port.
    AllowsEverything,
    /// What a compromised tag reaches; a group that reaches widely; a node that reaches more than
    /// its tags or user do, through rules naming its addresses.
    BlastRadius,
    /// An account (or tagged node) that can get subnet routes or an exit node approved without
    /// an admin, directly or by applying a tag it owns.
    RouteTakeover,
    /// A peer relay the policy does not let the node use: it is no path.
    ForbiddenRelay,
}

/// One policy finding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicyFinding {
    pub kind: PolicyFindingKind,
    pub severity: Severity,
    /// The rule, principal or relay it is about.
    pub subject: String,
    /// One line a person reads.
    pub title: String,
    /// Node ids to highlight.
    pub evidence: Vec<String>,
    /// Where in the policy file (the rule, the `tagOwners` or `autoApprovers` entry).
    pub pos: Option<Pos>,
}

/// A selector that could not be evaluated from the export (it matched nothing).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Unevaluated {
    pub selector: String,
    pub pos: Option<Pos>,
    pub why: String,
}

/// A peer relay that is no path: `(node, relay)`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ForbiddenRelay {
    pub node: String,
    pub peer: Option<String>,
    pub relay: String,
    pub server: String,
}

/// Everything [`reach`] computes.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PolicyReach {
    /// One per estate node, in estate order.
    pub nodes: Vec<Reach>,
    /// Every tag owned, carried or named, sorted.
    pub tags: Vec<Reach>,
    /// Every group defined, sorted.
    pub groups: Vec<Reach>,
    /// Every user in a group, on a node or named, sorted.
    pub users: Vec<Reach>,
    /// Most severe first.
    pub findings: Vec<PolicyFinding>,
    /// Peer relays the policy does not let the node use.
    pub forbidden_relays: Vec<ForbiddenRelay>,
    /// Selectors that matched nothing because the export cannot say what they are.
    pub unevaluated: Vec<Unevaluated>,
}

// ---------------------------------------------------------------------------------------------
// Addresses.

/// An IPv4 or IPv6 prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Cidr {
    v6: bool,
    addr: u128,
    bits: u32,
}

impl Cidr {
    fn width(v6: bool) -> u32 {
        if v6 {
            128
        } else {
            32
        }
    }

    fn mask(v6: bool, bits: u32) -> u128 {
        let width = Cidr::width(v6);
        let full = if v6 { u128::MAX } else { u128::from(u32::MAX) };
        if bits == 0 {
            0
        } else {
            (full << (width - bits.min(width))) & full
        }
    }

    fn parse(text: &str) -> Option<Cidr> {
        let text = text.trim();
        let (addr, bits) = match text.split_once('/') {
            Some((a, b)) => (a, Some(b.parse::<u32>().ok()?)),
            None => (text, None),
        };
        let ip: IpAddr = addr.trim_start_matches('[').trim_end_matches(']').parse().ok()?;
        let (v6, value) = match ip {
            IpAddr::V4(a) => (false, u128::from(u32::from(a))),
            IpAddr::V6(a) => (true, u128::from(a)),
        };
        let bits = bits.unwrap_or(Cidr::width(v6));
        if bits > Cidr::width(v6) {
            return None;
        }
        Some(Cidr { v6, addr: value & Cidr::mask(v6, bits), bits })
    }

    /// `other` lies inside `self`.
    fn covers(&self, other: &Cidr) -> bool {
        self.v6 == other.v6 && self.bits <= other.bits && other.addr & Cidr::mask(self.v6, self.bits) == self.addr
    }

    fn overlaps(&self, other: &Cidr) -> bool {
        self.covers(other) || other.covers(self)
    }

    fn is_default_route(&self) -> bool {
        self.bits == 0
    }
}

// ---------------------------------------------------------------------------------------------
// Selectors.

const ROLES: [&str; 7] = [
    "autogroup:admin",
    "autogroup:owner",
    "autogroup:it-admin",
    "autogroup:network-admin",
    "autogroup:billing-admin",
    "autogroup:auditor",
    "autogroup:nonroot",
];

/// Who a source or destination node is.
#[derive(Clone, Copy, Debug)]
struct Ident<'a> {
    tags: &'a [String],
    user: Option<&'a str>,
    ips: &'a [Cidr],
    shared: bool,
}

impl Ident<'_> {
    fn tagged(&self) -> bool {
        !self.tags.is_empty()
    }
}

/// What a selector means, resolved once.
#[derive(Clone, Debug)]
enum Sel {
    All,
    Member,
    Tagged,
    Shared,
    Tag(String),
    Users(BTreeSet<String>),
    Addr(Cidr),
    SelfNodes,
    Internet,
    /// Matches nothing (the reason is in `unevaluated`).
    Nothing,
}

struct Resolver<'a> {
    policy: &'a Policy,
    unevaluated: BTreeSet<Unevaluated>,
}

impl Resolver<'_> {
    fn skip(&mut self, t: &Target, why: impl Into<String>) -> Sel {
        self.unevaluated.insert(Unevaluated { selector: t.selector.clone(), pos: t.pos, why: why.into() });
        Sel::Nothing
    }

    fn resolve(&mut self, t: &Target, as_dst: bool) -> Sel {
        let s = t.selector.trim();
        match s {
            "*" | "autogroup:danger-all" => return Sel::All,
            "autogroup:member" => return Sel::Member,
            "autogroup:tagged" => return Sel::Tagged,
            "autogroup:shared" => return Sel::Shared,
            "autogroup:self" if as_dst => return Sel::SelfNodes,
            "autogroup:internet" if as_dst => return Sel::Internet,
            "autogroup:self" | "autogroup:internet" => {
                return self.skip(t, "only valid as a destination");
            }
            _ => {}
        }
        if ROLES.contains(&s) {
            return self.skip(t, "a role: who holds it is not in the export, so it matched no node");
        }
        if s.starts_with("autogroup:") {
            return self.skip(t, "an autogroup this analysis does not know");
        }
        if s.starts_with("tag:") {
            return Sel::Tag(s.to_string());
        }
        if let Some(users) = self.policy.groups.get(s) {
            return Sel::Users(users.iter().cloned().collect());
        }
        if s.starts_with("group:") {
            return self.skip(t, "not defined under `groups`");
        }
        if s.starts_with("ipset:") {
            return self.skip(t, "IP sets are not modelled");
        }
        if s.contains('@') {
            return Sel::Users(BTreeSet::from([s.to_string()]));
        }
        if let Some(c) = Cidr::parse(s) {
            return Sel::Addr(c);
        }
        if let Some(target) = self.policy.hosts.get(s) {
            return match Cidr::parse(target) {
                Some(c) => Sel::Addr(c),
                None => self.skip(t, format!("host `{s}` is `{target}`, not an address or CIDR")),
            };
        }
        self.skip(t, "not a user, group, tag, host, address or autogroup")
    }
}

/// Whether node identity `n` is selected by `sel` (`SelfNodes`/`Internet` never: they are
/// handled by the caller).
fn selects(sel: &Sel, n: &Ident<'_>) -> bool {
    match sel {
        Sel::All => true,
        Sel::Member => !n.tagged() && !n.shared,
        Sel::Tagged => n.tagged() && !n.shared,
        Sel::Shared => n.shared,
        Sel::Tag(t) => !n.shared && n.tags.iter().any(|x| x == t),
        Sel::Users(users) => !n.tagged() && n.user.is_some_and(|u| users.contains(u)),
        Sel::Addr(c) => n.ips.iter().any(|ip| c.covers(ip)),
        Sel::SelfNodes | Sel::Internet | Sel::Nothing => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Bitsets over nodes.

#[derive(Clone, Debug, PartialEq, Eq)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Self {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn set(&mut self, i: usize) {
        if let Some(w) = self.0.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }
    fn get(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
    fn union(&mut self, other: &Bits) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a |= b;
        }
    }
}

/// The nodes each principal reaches, as bitsets.
#[derive(Default)]
struct Principals {
    nodes: Vec<Bits>,
    tags: BTreeMap<String, Bits>,
    users: BTreeMap<String, Bits>,
}

/// A rule's destinations, evaluated once.
struct Compiled {
    src: Vec<Sel>,
    nodes: Bits,
    routes: BTreeSet<usize>,
    internet: bool,
    self_nodes: bool,
}

struct Engine<'a> {
    estate: &'a Estate,
    idents: Vec<Ident<'a>>,
    routes: Vec<(String, Option<Cidr>)>,
    rules: Vec<(&'a Rule, Compiled)>,
}

impl Engine<'_> {
    /// A principal's reach, and the nodes it reaches as a bitset (itself included).
    fn reach(&self, p: &Ident<'_>, me: Option<usize>, principal: String, kind: Principal) -> (Reach, Bits) {
        let n = self.estate.nodes.len();
        let mut nodes = Bits::new(n);
        let mut routes = BTreeSet::new();
        let mut internet = false;
        let mut rules = Vec::new();
        for (rule, c) in &self.rules {
            if !c.src.iter().any(|s| selects(s, p)) {
                continue;
            }
            nodes.union(&c.nodes);
            if c.self_nodes && !p.tagged() && !p.shared {
                for (i, q) in self.idents.iter().enumerate() {
                    if !q.tagged() && !q.shared && q.user.is_some() && q.user == p.user {
                        nodes.set(i);
                    }
                }
            }
            routes.extend(c.routes.iter().copied());
            internet |= c.internet;
            if c.nodes.0.iter().any(|w| *w != 0) || !c.routes.is_empty() || c.internet || c.self_nodes {
                rules.push(rule.name());
            }
        }
        let reaches = (0..n).filter(|&i| nodes.get(i) && Some(i) != me).map(index).collect();
        let mut routes: Vec<String> =
            routes.into_iter().filter_map(|r| self.routes.get(r).map(|(s, _)| s.clone())).collect();
        routes.sort();
        (Reach { principal, kind, reaches, routes, internet, rules }, nodes)
    }
}

fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl PolicyReach {
    /// The ids of the nodes at `indices` (as in [`Reach::reaches`]).
    pub fn names(&self, indices: &[u32]) -> Vec<&str> {
        indices.iter().filter_map(|&i| self.nodes.get(i as usize)).map(|n| n.principal.as_str()).collect()
    }
}

fn parsed(ips: &[String]) -> Vec<Cidr> {
    ips.iter().filter_map(|ip| Cidr::parse(ip)).filter(|c| c.bits == Cidr::width(c.v6)).collect()
}

/// Who may reach whom under `policy`, for every node, tag, group and user of `estate`, and the
/// policy findings (rules in the module documentation).
///
/// ```
/// use blastmap_core::policy::{reach, Estate, Policy, PolicyNode, Rule, RuleKind, Target};
/// let node = |id: &str, tag: &str, ip: &str| PolicyNode {
///     id: id.into(),
///     tags: vec![tag.into()],
///     ips: vec![ip.into()],
///     ..PolicyNode::default()
/// };
/// let estate = Estate {
///     nodes: vec![node("ci", "tag:ci", "100.64.0.1"), node("db", "tag:db", "100.64.0.2")],
///     relay_uses: vec![],
/// };
/// let rule = Rule {
///     kind: RuleKind::Acl,
///     index: 0,
///     pos: None,
///     src: vec![Target::new("tag:ci", vec![], None)],
///     dst: vec![Target::new("tag:db", vec!["5432".into()], None)],
///     network: true,
///     app: vec![],
///     via: vec![],
/// };
/// let policy = Policy { rules: vec![rule], ..Policy::default() };
/// let r = reach(&policy, &estate);
/// assert_eq!(r.names(&r.nodes[0].reaches), ["db"]);
/// assert!(r.nodes[1].reaches.is_empty());
/// assert_eq!(r.names(&r.tags.iter().find(|t| t.principal == "tag:ci").unwrap().reaches), ["db"]);
/// ```
///
/// # Complexity
/// For N nodes, R rules of at most S selectors, P principals (nodes, tags, groups, users) and
/// routes Q: selectors are resolved once, each rule's destinations are evaluated over the nodes
/// and routes once, O(R·S·(N + Q)), and each principal's reach is a union of bitsets,
/// O(P·R·(S + N/64)) plus O(N) per rule with `autogroup:self`; the blast-radius findings compare
/// each node's bitset with its identity's, O(N·N/64). Extra space O(R·N/64 + P·N/64), and the
/// output: one `u32` per reachable (principal, node) pair, O(P·N) under a broad policy (measured:
/// 5,000 nodes and 200 rules, 15 M pairs, about 1 s of CPU and 190 MB).
pub fn reach(policy: &Policy, estate: &Estate) -> PolicyReach {
    let mut resolver = Resolver { policy, unevaluated: BTreeSet::new() };
    let ips: Vec<Vec<Cidr>> = estate.nodes.iter().map(|n| parsed(&n.ips)).collect();
    let idents: Vec<Ident<'_>> = estate
        .nodes
        .iter()
        .zip(&ips)
        .map(|(n, ips)| Ident { tags: &n.tags, user: n.user.as_deref(), ips, shared: n.shared })
        .collect();
    let mut routes: Vec<(String, Option<Cidr>)> = Vec::new();
    for n in &estate.nodes {
        for r in &n.routes {
            if !routes.iter().any(|(s, _)| s == r) {
                routes.push((r.clone(), Cidr::parse(r)));
            }
        }
    }
    let mut compiled = Vec::new();
    for rule in policy.rules.iter().filter(|r| r.network) {
        let src: Vec<Sel> = rule.src.iter().map(|t| resolver.resolve(t, false)).collect();
        let mut c = Compiled {
            src,
            nodes: Bits::new(estate.nodes.len()),
            routes: BTreeSet::new(),
            internet: false,
            self_nodes: false,
        };
        for t in &rule.dst {
            let sel = resolver.resolve(t, true);
            match &sel {
                Sel::SelfNodes => c.self_nodes = true,
                Sel::Internet => c.internet = true,
                Sel::All => {
                    c.internet = true;
                    c.routes.extend(0..routes.len());
                }
                Sel::Addr(cidr) => {
                    c.internet |= cidr.is_default_route();
                    for (k, (_, r)) in routes.iter().enumerate() {
                        if r.is_some_and(|r| r.overlaps(cidr)) {
                            c.routes.insert(k);
                        }
                    }
                }
                _ => {}
            }
            for (i, n) in idents.iter().enumerate() {
                if selects(&sel, n) {
                    c.nodes.set(i);
                }
            }
        }
        compiled.push((rule, c));
    }
    let engine = Engine { estate, idents: idents.clone(), routes, rules: compiled };

    let mut out = PolicyReach::default();
    let mut bits = Principals::default();
    for (i, (n, ident)) in estate.nodes.iter().zip(&idents).enumerate() {
        let (r, b) = engine.reach(ident, Some(i), n.id.clone(), Principal::Node);
        out.nodes.push(r);
        bits.nodes.push(b);
    }
    // Principals named anywhere.
    let mut tags: BTreeSet<String> = policy.tag_owners.iter().map(|t| t.tag.clone()).collect();
    let mut users: BTreeSet<String> = policy.groups.values().flatten().cloned().collect();
    for n in estate.nodes.iter().filter(|n| !n.shared) {
        tags.extend(n.tags.iter().cloned());
        if n.tags.is_empty() {
            users.extend(n.user.iter().cloned());
        }
    }
    for t in policy.rules.iter().flat_map(|r| r.src.iter().chain(&r.dst)) {
        let s = t.selector.trim();
        if s.starts_with("tag:") {
            tags.insert(s.to_string());
        } else if s.contains('@') && !s.starts_with("group:") {
            users.insert(s.to_string());
        }
    }
    for tag in &tags {
        let t = std::slice::from_ref(tag);
        let ident = Ident { tags: t, user: None, ips: &[], shared: false };
        let (r, b) = engine.reach(&ident, None, tag.clone(), Principal::Tag);
        out.tags.push(r);
        bits.tags.insert(tag.clone(), b);
    }
    let mut by_user: BTreeMap<&str, usize> = BTreeMap::new();
    for u in &users {
        let ident = Ident { tags: &[], user: Some(u), ips: &[], shared: false };
        let (r, b) = engine.reach(&ident, None, u.clone(), Principal::User);
        by_user.insert(u.as_str(), out.users.len());
        out.users.push(r);
        bits.users.insert(u.clone(), b);
    }
    for (g, members) in &policy.groups {
        let mut nodes = Bits::new(estate.nodes.len());
        let mut routes: BTreeSet<&str> = BTreeSet::new();
        let mut names: BTreeSet<&str> = BTreeSet::new();
        let mut internet = false;
        for m in members {
            let (Some(r), Some(b)) = (by_user.get(m.as_str()).and_then(|&i| out.users.get(i)), bits.users.get(m))
            else {
                continue;
            };
            nodes.union(b);
            routes.extend(r.routes.iter().map(String::as_str));
            names.extend(r.rules.iter().map(String::as_str));
            internet |= r.internet;
        }
        out.groups.push(Reach {
            principal: g.clone(),
            kind: Principal::Group,
            reaches: (0..estate.nodes.len()).filter(|&i| nodes.get(i)).map(index).collect(),
            routes: routes.into_iter().map(str::to_string).collect(),
            internet,
            rules: policy.rules.iter().map(Rule::name).filter(|n| names.contains(n.as_str())).collect(),
        });
    }

    let mut findings = Vec::new();
    allows_everything(&engine, &mut findings);
    blast_radius(&out, &bits, estate, &mut findings);
    route_takeover(policy, estate, &mut findings);
    out.forbidden_relays = forbidden_relays(policy, estate, &mut resolver, &mut findings);
    findings.sort_by(|a, b| {
        a.severity.cmp(&b.severity).then(a.kind.cmp(&b.kind)).then(b.evidence.len().cmp(&a.evidence.len()))
    });
    out.findings = findings;
    out.unevaluated = resolver.unevaluated.into_iter().collect();
    out
}

fn list<S: AsRef<str>>(ids: &[S], most: usize) -> String {
    let shown: Vec<&str> = ids.iter().take(most).map(AsRef::as_ref).collect();
    shown.join(", ") + &and_more(ids.len(), most)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", crate::finding::thousands(n))
    }
}

fn allows_everything(engine: &Engine<'_>, out: &mut Vec<PolicyFinding>) {
    for (rule, c) in &engine.rules {
        let everything = rule.dst.iter().any(|t| t.selector.trim() == "*" && t.all_ports());
        if !everything {
            continue;
        }
        let everyone = rule.src.iter().any(|t| matches!(t.selector.trim(), "*" | "autogroup:danger-all"));
        let who: Vec<String> = rule.src.iter().map(|t| format!("`{}`", t.selector)).collect();
        let sources: Vec<String> = engine
            .idents
            .iter()
            .enumerate()
            .filter(|(_, n)| c.src.iter().any(|s| selects(s, n)))
            .filter_map(|(i, _)| engine.estate.nodes.get(i).map(|n| n.id.clone()))
            .collect();
        out.push(PolicyFinding {
            kind: PolicyFindingKind::AllowsEverything,
            severity: if everyone { Severity::High } else { Severity::Medium },
            subject: rule.name(),
            title: format!(
                "{} lets {} open connections to every node on every port (sources: {} of the estate)",
                rule.name(),
                who.join(", "),
                plural(sources.len(), "node", "nodes")
            ),
            evidence: sources,
            pos: rule.pos,
        });
    }
}

/// Blast-radius findings: every tag that reaches anything; groups that reach widely; nodes that
/// reach more than their identity (their tags, or their user) does, through rules naming their
/// addresses. Not every node and user: with a broad policy that would be one finding per node.
fn blast_radius(r: &PolicyReach, bits: &Principals, estate: &Estate, out: &mut Vec<PolicyFinding>) {
    let nodes = estate.nodes.len();
    let wide = |x: &Reach| x.reaches.len() >= LEAST_PRIVILEGE || (nodes > 1 && 2 * x.reaches.len() >= nodes);
    let tags = r.tags.iter().filter(|t| !t.reaches.is_empty() || !t.routes.is_empty());
    let groups = r.groups.iter().filter(|g| wide(g));
    let mut beyond: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for (i, n) in estate.nodes.iter().enumerate().filter(|(_, n)| !n.shared) {
        let Some(mine) = bits.nodes.get(i) else { continue };
        let mut identity = Bits::new(nodes);
        if n.tags.is_empty() {
            if let Some(b) = n.user.as_ref().and_then(|u| bits.users.get(u)) {
                identity.union(b);
            }
        } else {
            for b in n.tags.iter().filter_map(|t| bits.tags.get(t)) {
                identity.union(b);
            }
        }
        let extra: Vec<u32> = (0..nodes).filter(|&j| j != i && mine.get(j) && !identity.get(j)).map(index).collect();
        if !extra.is_empty() {
            beyond.insert(n.id.as_str(), extra);
        }
    }
    let nodes_beyond = r.nodes.iter().filter(|x| beyond.contains_key(x.principal.as_str()));
    for x in tags.chain(groups).chain(nodes_beyond) {
        let what = match x.kind {
            Principal::Tag => format!("a node tagged `{}`", x.principal),
            Principal::Group => format!("an account of `{}`", x.principal),
            _ => format!("`{}`", x.principal),
        };
        let mut what_it_reaches = vec![if x.reaches.is_empty() {
            "no node".to_string()
        } else {
            let first = r.names(x.reaches.get(..3).unwrap_or(&x.reaches));
            format!(
                "{} ({}{})",
                plural(x.reaches.len(), "node", "nodes"),
                list(&first, 3),
                and_more(x.reaches.len(), 3)
            )
        }];
        if !x.routes.is_empty() {
            what_it_reaches.push(format!(
                "{} ({})",
                plural(x.routes.len(), "subnet route", "subnet routes"),
                list(&x.routes, 3)
            ));
        }
        if x.internet {
            what_it_reaches.push("the internet through exit nodes".into());
        }
        let last = what_it_reaches.pop().unwrap_or_default();
        let reached =
            if what_it_reaches.is_empty() { last } else { format!("{} and {last}", what_it_reaches.join(", ")) };
        out.push(PolicyFinding {
            kind: PolicyFindingKind::BlastRadius,
            severity: if wide(x) { Severity::High } else { Severity::Medium },
            subject: x.principal.clone(),
            title: match beyond.get(x.principal.as_str()).filter(|_| x.kind == Principal::Node) {
                Some(extra) => format!(
                    "{what} reaches {reached}, by {}; {} only through rules naming its addresses ({})",
                    x.rules.join(", "),
                    plural(extra.len(), "node", "nodes"),
                    list(&r.names(extra.get(..3).unwrap_or(extra)), 3) + &and_more(extra.len(), 3)
                ),
                None => format!("{what} reaches {reached}, by {}", x.rules.join(", ")),
            },
            evidence: r.names(&x.reaches).into_iter().map(str::to_string).collect(),
            pos: None,
        });
    }
}

/// Who can apply `tag`, transitively through tags owning tags: (owner, chain of tags from the
/// owner's tag down to `tag`).
fn owners_of(policy: &Policy, tag: &str) -> Vec<(String, Vec<String>)> {
    let owners: BTreeMap<&str, &[String]> =
        policy.tag_owners.iter().map(|t| (t.tag.as_str(), t.owners.as_slice())).collect();
    let mut out = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::from([tag.to_string()]);
    let mut queue: Vec<(String, Vec<String>)> = vec![(tag.to_string(), vec![tag.to_string()])];
    while let Some((t, chain)) = queue.pop() {
        for o in owners.get(t.as_str()).copied().unwrap_or_default() {
            if ROLES.contains(&o.as_str()) {
                continue;
            }
            out.push((o.clone(), chain.clone()));
            if o.starts_with("tag:") && seen.insert(o.clone()) {
                let mut next = vec![o.clone()];
                next.extend(chain.iter().cloned());
                queue.push((o.clone(), next));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn route_takeover(policy: &Policy, estate: &Estate, out: &mut Vec<PolicyFinding>) {
    // (prefix, its CIDR (none for the exit node), approvers, position)
    type Entry<'a> = (String, Option<Cidr>, &'a [String], Option<Pos>);
    let mut entries: Vec<Entry<'_>> = policy
        .route_approvers
        .iter()
        .map(|a| (a.prefix.clone(), Cidr::parse(&a.prefix), a.approvers.as_slice(), a.pos))
        .collect();
    if !policy.exit_node_approvers.is_empty() {
        entries.push(("exit node".into(), None, &policy.exit_node_approvers, policy.exit_node_approvers_pos));
    }
    for (prefix, cidr, approvers, pos) in entries {
        // Estate routes inside the prefix, and their routers.
        let exit = cidr.is_none();
        let mut covered: Vec<String> = Vec::new();
        let mut routers: Vec<String> = Vec::new();
        for n in &estate.nodes {
            let mine: Vec<&String> = n
                .routes
                .iter()
                .filter(|r| cidr.is_some_and(|c| Cidr::parse(r).is_some_and(|r| c.covers(&r))))
                .collect();
            if !mine.is_empty() || (exit && n.exit_node) {
                routers.push(n.id.clone());
            }
            for r in mine {
                if !covered.contains(r) {
                    covered.push(r.clone());
                }
            }
        }
        covered.sort();
        let what = if exit { "an exit node".to_string() } else { format!("routes in {prefix}") };
        let effect = if exit {
            if routers.is_empty() {
                "the internet traffic of whoever picks it".to_string()
            } else {
                format!("the internet traffic of whoever picks it (exit nodes now: {})", list(&routers, 3))
            }
        } else if covered.is_empty() {
            format!("any subnet in {prefix}")
        } else {
            format!("{} (served by {})", list(&covered, 3), list(&routers, 3))
        };
        let live = exit || !covered.is_empty();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        for a in approvers {
            if ROLES.contains(&a.as_str()) {
                continue;
            }
            let mut paths: Vec<(String, String)> = Vec::new();
            if a.starts_with("tag:") {
                for (owner, chain) in owners_of(policy, a) {
                    let via = chain.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", which can apply ");
                    paths.push((owner, format!("can apply {via}, whose nodes get {what} approved without an admin")));
                }
            } else {
                paths.push((a.clone(), format!("gets {what} approved without an admin")));
            }
            for (owner, how) in paths {
                if !seen.insert(owner.clone()) {
                    continue;
                }
                let who = if owner.starts_with("tag:") {
                    format!("a compromised node tagged `{owner}`")
                } else if owner.starts_with("group:") {
                    format!("one compromised account of `{owner}`")
                } else if owner.starts_with("autogroup:") {
                    format!("any account of `{owner}`")
                } else {
                    format!("the account `{owner}`")
                };
                out.push(PolicyFinding {
                    kind: PolicyFindingKind::RouteTakeover,
                    severity: if live { Severity::High } else { Severity::Medium },
                    subject: owner.clone(),
                    title: format!("{who} {how}: it can re-route {effect}"),
                    evidence: routers.clone(),
                    pos,
                });
            }
        }
    }
}

fn forbidden_relays(
    policy: &Policy,
    estate: &Estate,
    resolver: &mut Resolver<'_>,
    out: &mut Vec<PolicyFinding>,
) -> Vec<ForbiddenRelay> {
    let ips: BTreeMap<&str, Vec<Cidr>> = estate.nodes.iter().map(|n| (n.id.as_str(), parsed(&n.ips))).collect();
    let node = |id: &str| estate.nodes.iter().find(|n| n.id == id);
    let relay_rules: Vec<(Vec<Sel>, Vec<Sel>)> = policy
        .rules
        .iter()
        .filter(|r| r.app.iter().any(|a| a == RELAY_CAPABILITY))
        .map(|r| {
            (
                r.src.iter().map(|t| resolver.resolve(t, false)).collect(),
                r.dst.iter().map(|t| resolver.resolve(t, true)).collect(),
            )
        })
        .collect();
    let ident = |id: &str| -> Option<Ident<'_>> {
        let n = node(id)?;
        let ips = ips.get(id).map(Vec::as_slice).unwrap_or_default();
        Some(Ident { tags: &n.tags, user: n.user.as_deref(), ips, shared: n.shared })
    };
    let mut forbidden = Vec::new();
    for u in &estate.relay_uses {
        let Some(server) = u.server.as_deref() else {
            resolver.unevaluated.insert(Unevaluated {
                selector: u.relay.clone(),
                pos: None,
                why: "a peer relay whose node is not in the estate: whether the policy allows it is not checked".into(),
            });
            continue;
        };
        let Some(dst) = ident(server) else { continue };
        let ends: Vec<Ident<'_>> =
            std::iter::once(u.node.as_str()).chain(u.peer.as_deref()).filter_map(ident).collect();
        let allowed = relay_rules.iter().any(|(src, dsts)| {
            dsts.iter().any(|d| selects(d, &dst)) && ends.iter().any(|e| src.iter().any(|s| selects(s, e)))
        });
        if allowed {
            continue;
        }
        let between = match &u.peer {
            Some(p) => format!("`{}` and `{p}`", u.node),
            None => format!("`{}`", u.node),
        };
        out.push(PolicyFinding {
            kind: PolicyFindingKind::ForbiddenRelay,
            severity: Severity::Medium,
            subject: u.relay.clone(),
            title: format!(
                "`{}` (on `{server}`) is no path for {between}: no grant gives either end `{RELAY_CAPABILITY}` to `{server}`",
                u.relay
            ),
            evidence: std::iter::once(u.node.clone()).chain(u.peer.clone()).chain([server.to_string()]).collect(),
            pos: None,
        });
        forbidden.push(ForbiddenRelay {
            node: u.node.clone(),
            peer: u.peer.clone(),
            relay: u.relay.clone(),
            server: server.to_string(),
        });
    }
    forbidden.sort();
    forbidden.dedup();
    forbidden
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs() {
        let c = |s| Cidr::parse(s).unwrap();
        assert!(c("10.0.0.0/8").covers(&c("10.1.2.0/24")));
        assert!(!c("10.1.2.0/24").covers(&c("10.0.0.0/8")));
        assert!(c("10.1.2.0/24").overlaps(&c("10.0.0.0/8")));
        assert!(c("0.0.0.0/0").covers(&c("100.64.0.1")));
        assert!(!c("0.0.0.0/0").covers(&c("fd7a::1")));
        assert!(c("fd7a:115c:a1e0::/48").covers(&c("fd7a:115c:a1e0:ab12::1")));
        assert_eq!(c("10.1.2.3/8"), c("10.0.0.0/8"));
        assert!(Cidr::parse("10.0.0.0/33").is_none());
        assert!(Cidr::parse("host").is_none());
    }
}
