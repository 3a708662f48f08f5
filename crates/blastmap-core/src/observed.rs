//! Declared versus observed: the design says what depends on what, traces say what calls what.
//! This module matches the services the traces name to the design's components, marks every
//! dependency edge between matched components as declared and observed, declared only or
//! observed only, and weighs each call the design does not declare (a hidden dependency) by what
//! it would change if it were a `requires`. The rules are in `docs/semantics.md`, section 6.
//!
//! The analysis runs on the declared design: observed calls are findings, never edges of the
//! report's model. To weigh them, the design is analysed again with the hidden calls added as
//! `requires` — once with all of them, and once per call when there are few enough
//! ([`Limits`]); a change is attributed to the calls that cause it alone, else to the calls
//! that carry it (see [`compare`]).
//!
//! Matching an observed name (first rule that finds anything wins; two or more candidates at
//! that rule are reported as ambiguous, never guessed):
//!
//! | rule | observed | declared |
//! |---|---|---|
//! | `exact` | `checkout` | `checkout` |
//! | `case` | `Checkout` | `checkout` |
//! | `normalised` | `checkoutservice.shop.svc.cluster.local` | `shop/deployment/checkout` |
//! | `compose-container` | `shop-checkout-1` | `checkout` |
//!
//! [`normalise`] turns a name into a [`Key`], the same way on both sides: lowercase; a replica
//! suffix `#N` dropped; a Backstage kind (`component:`, `resource:`, `api:`) dropped; a
//! Kubernetes kind (`deployment/`, `service/`, `statefulset/`, ...) dropped, with the namespace
//! before it kept (`shop/deployment/cart`); `NS/NAME` read as a namespace and a name; the DNS
//! forms `NAME.NS.svc[.cluster.local]` and `NAME.NS` read the same way; a final `-service`,
//! `_service` or `service` dropped (`cartservice`, `cart-service` → `cart`). Declared
//! components with one key are one logical service when one of them reaches all the others
//! through `requires` (a Kubernetes Service, its workload and the workload's replicas; a
//! compose service and its replicas): calls arrive at that one (the *front*), leave from the
//! members that hold the dependencies.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::algo::{self, Killers};
use crate::compile::Compiled;
use crate::error::Pos;
use crate::finding::{few_or_count, first_and_more, Context, Finding, FindingKind, Severity};
use crate::format::{Document, RefField};
use crate::model::{Model, NodeId, Origin};
use crate::note::{EdgeRef, Note, NoteKind};
use crate::spec::{Component, Topology};

/// One service the traces name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObservedService {
    pub name: String,
    /// Where it stands in its input (the input is `pos.input`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pos: Option<Pos>,
}

/// One observed call: `from` called `to` (`count` times, when the export says).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Call {
    pub from: String,
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pos: Option<Pos>,
}

/// What traces observed: services and the calls between them, as named by the traces.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub services: Vec<ObservedService>,
    pub calls: Vec<Call>,
}

impl Observation {
    /// The calls a topology read as observed holds: every `requires`, `requires_at_start` and
    /// `degrades_without` edge is a call (whatever the file calls it, it was seen), every
    /// component a service. A label `calls.TO: N` (what the Jaeger and service-graph importers
    /// write) is the number of calls to `TO`. `monitored_by`, `holds_credentials_for` and
    /// placement say nothing about calls and are not read (the importer warns about them).
    ///
    /// ```
    /// use blastmap_core::{format::parse, observed::Observation};
    /// let doc = parse("components:\n- {id: web, requires: [db], labels: {calls.db: '12'}}\n- {id: db}\n").unwrap();
    /// let o = Observation::from_document(&doc);
    /// assert_eq!((o.services.len(), o.calls[0].to.as_str(), o.calls[0].count), (2, "db", Some(12)));
    /// ```
    pub fn from_document(doc: &Document) -> Self {
        let mut out = Observation::default();
        for (i, c) in doc.topology.components.iter().enumerate() {
            let spans = doc.spans_of(i);
            out.services.push(ObservedService { name: c.id.clone(), pos: spans.and_then(|s| s.id.or(s.at)) });
            for field in [RefField::Requires, RefField::RequiresAtStart, RefField::DegradesWithout] {
                for (k, to) in field.of(c).iter().enumerate() {
                    let count = c.labels.get(&format!("calls.{to}")).and_then(|n| n.trim().parse::<u64>().ok());
                    let pos = spans.and_then(|s| s.reference(field, k));
                    out.calls.push(Call { from: c.id.clone(), to: to.clone(), count, pos });
                }
            }
        }
        out
    }

    /// Adds another input's observations.
    pub fn extend(&mut self, other: Observation) {
        self.services.extend(other.services);
        self.calls.extend(other.calls);
    }
}

/// A name reduced by [`normalise`]: what an observed name and a component id are compared by.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub namespace: Option<String>,
    pub name: String,
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{ns}/{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// Kubernetes kinds a `KIND/NAME` id or name may start with (the Kubernetes importer's ids).
const KUBERNETES_KINDS: [&str; 12] = [
    "deployment",
    "statefulset",
    "daemonset",
    "replicaset",
    "replicationcontroller",
    "job",
    "cronjob",
    "pod",
    "service",
    "ingress",
    "deploy",
    "svc",
];

/// Backstage kinds a `KIND:NAME` ref may start with (the Backstage importer's ids).
const BACKSTAGE_KINDS: [&str; 3] = ["component", "resource", "api"];

/// The suffixes dropped from a name's end (the first that fits, when something is left).
const SERVICE_SUFFIXES: [&str; 3] = ["-service", "_service", "service"];

/// The key a name is compared by (the module's table): lowercase, replica suffix, kind
/// prefixes, namespace (`NS/NAME`, `NAME.NS`, `NAME.NS.svc[.cluster.local]`), and a
/// `-service`/`service` suffix.
///
/// ```
/// use blastmap_core::observed::normalise;
/// let k = normalise("cartservice.shop.svc.cluster.local");
/// assert_eq!((k.namespace.as_deref(), k.name.as_str()), (Some("shop"), "cart"));
/// assert_eq!(normalise("shop/deployment/cart-service#2"), k);
/// assert_eq!(normalise("Cart").to_string(), "cart");
/// ```
pub fn normalise(name: &str) -> Key {
    let mut s = name.trim().to_lowercase();
    // Replica suffix: `cart#2`.
    if let Some((base, n)) = s.rsplit_once('#') {
        if !base.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) {
            s = base.to_string();
        }
    }
    // Backstage kind: `component:shop/cart`.
    if let Some((kind, rest)) = s.split_once(':') {
        if BACKSTAGE_KINDS.contains(&kind) && !rest.is_empty() {
            s = rest.to_string();
        }
    }
    let mut namespace: Option<String> = None;
    let parts: Vec<&str> = s.split('/').collect();
    let (ns, rest) = match parts.as_slice() {
        [ns, kind, name] if KUBERNETES_KINDS.contains(kind) && !ns.is_empty() => (Some(*ns), *name),
        [kind, name] if KUBERNETES_KINDS.contains(kind) => (None, *name),
        [ns, name] if !ns.is_empty() && !name.is_empty() => (Some(*ns), *name),
        _ => (None, s.as_str()),
    };
    if let Some(ns) = ns {
        namespace = Some(ns.to_string());
    }
    let mut rest = rest.to_string();
    // DNS: `cart.shop.svc.cluster.local`, `cart.shop.svc`, `cart.shop`.
    let svc = rest.find(".svc.").or_else(|| rest.strip_suffix(".svc").map(str::len));
    if let Some(end) = svc {
        rest.truncate(end);
    }
    if let Some((name, ns)) = rest.split_once('.') {
        if !name.is_empty() && !ns.is_empty() && !ns.contains('.') {
            if namespace.is_none() {
                namespace = Some(ns.to_string());
            }
            rest = name.to_string();
        }
    }
    for suffix in SERVICE_SUFFIXES {
        if let Some(stem) = rest.strip_suffix(suffix) {
            let stem = stem.trim_end_matches(['-', '_', '.']);
            if !stem.is_empty() {
                rest = stem.to_string();
                break;
            }
        }
    }
    Key { namespace, name: rest }
}

/// How an observed name found its component.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchRule {
    /// The name is a component id.
    Exact,
    /// The name is a component id but for case.
    Case,
    /// The name and the id have the same [`Key`].
    Normalised,
    /// `PROJECT-SERVICE-N` (a compose container name): the service's key, after dropping the
    /// replica number and a project prefix.
    ComposeContainer,
}

impl MatchRule {
    pub fn name(self) -> &'static str {
        match self {
            MatchRule::Exact => "exact",
            MatchRule::Case => "case",
            MatchRule::Normalised => "normalised",
            MatchRule::ComposeContainer => "compose-container",
        }
    }
}

/// Bounds of the analysis of hidden calls.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Hidden calls weighed one by one (each with its own analysis) at most; beyond, only all
    /// together.
    pub one_by_one: usize,
    /// Work the analyses of hidden calls may do in all, in model elements visited (nodes, edges
    /// and single-failure pairs per analysis); beyond, only all together, and the attribution
    /// of a change to the calls that carry it is coarser.
    pub budget: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { one_by_one: 64, budget: 20_000_000 }
    }
}

/// An observed name and the component it matched.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatchEntry {
    pub observed: String,
    /// The front of the matched service (where calls arrive).
    pub component: String,
    pub rule: MatchRule,
    /// What both normalised to (rules `normalised` and `compose-container`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// An observed name that fits several components at the first rule that finds any.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AmbiguousEntry {
    pub observed: String,
    pub rule: MatchRule,
    pub candidates: Vec<String>,
}

/// An observed service no component matches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnmatchedEntry {
    pub name: String,
    /// What it calls and what calls it, as the traces name them.
    pub calls: Vec<String>,
    pub called_by: Vec<String>,
}

/// A component that would become a single point of failure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpofChange {
    pub component: String,
    pub takes_down: Vec<String>,
}

/// A k-of-n group whose members would share a dependency that takes it down.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GateChange {
    pub component: String,
    /// The single failures that would take it down.
    pub taken_down_by: Vec<String>,
}

/// What a hidden call changes when it is a `requires`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Effects {
    pub spofs: Vec<SpofChange>,
    pub broken_redundancy: Vec<GateChange>,
    /// New runtime cycles, by members.
    pub cycles: Vec<Vec<String>>,
}

impl Effects {
    pub fn is_empty(&self) -> bool {
        self.spofs.is_empty() && self.broken_redundancy.is_empty() && self.cycles.is_empty()
    }
}

/// A call the traces saw and the design does not declare.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HiddenEntry {
    /// The caller: the member of the matched service its calls leave from.
    pub from: String,
    /// The callee: the front of the matched service, or the observed name when the design does
    /// not have it (`in_design` false).
    pub to: String,
    pub in_design: bool,
    /// The calls as the traces name them (`caller → callee`).
    pub observed_as: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calls: Option<u64>,
    /// What this call changes as a `requires`: alone (`alone` true), or, when the calls were
    /// only weighed together, the changes it carries.
    pub effects: Effects,
    pub alone: bool,
    /// Changes that need other hidden calls too, which this one carries.
    pub with_others: Effects,
}

/// A declared dependency between matched components that the traces never show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnobservedEntry {
    pub from: String,
    pub to: String,
    /// The kinds it is declared as.
    pub fields: Vec<RefField>,
}

/// The comparison of the design with what traces observed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ObservedReport {
    /// Distinct service names the traces give.
    pub services: usize,
    /// Distinct (caller, callee) pairs the traces give.
    pub calls: usize,
    pub matches: Vec<MatchEntry>,
    pub ambiguous: Vec<AmbiguousEntry>,
    /// Observed services that are not in the design.
    pub unmatched: Vec<UnmatchedEntry>,
    /// Components no observed name matched (fronts of services; placement values are never
    /// observed and not listed).
    pub unobserved_components: Vec<String>,
    /// Hidden dependencies, most consequential first.
    pub hidden: Vec<HiddenEntry>,
    /// Declared dependencies between matched components never observed.
    pub unobserved: Vec<UnobservedEntry>,
    /// One note per dependency edge between matched components: rule `observed.both`,
    /// `declared.only` (each declared edge, with its kind) or `observed.only` (from the caller
    /// to the callee's front, `field` none: the design does not have it).
    pub marks: Vec<Note>,
    /// Declared dependencies with an end the traces never name: not compared.
    pub not_compared: usize,
    /// True when every hidden call was also weighed alone.
    pub one_by_one: bool,
}

/// A comparison: the report section, its findings, and what was cut (one sentence each).
#[derive(Clone, Debug, Default)]
pub struct Comparison {
    pub report: ObservedReport,
    pub findings: Vec<Finding>,
    pub incomplete: Vec<String>,
}

/// Components that share a key and form one logical service.
#[derive(Clone, Debug)]
struct Unit {
    key: Key,
    /// Where calls arrive: the member that reaches all others through `requires`.
    front: NodeId,
    /// Where calls leave from: the smallest member that reaches every holder.
    source: NodeId,
    /// The members that hold the service's dependencies (no `requires` into the unit).
    holders: Vec<NodeId>,
    members: Vec<NodeId>,
}

struct Units {
    units: Vec<Unit>,
    /// The unit of each node (`None` for placement values).
    of: Vec<Option<usize>>,
    by_name: BTreeMap<String, Vec<usize>>,
    by_lower: BTreeMap<String, Vec<NodeId>>,
}

/// The members of `group` (marked in `inside`) that `from` reaches through `requires`, itself
/// included, in node order.
fn reach_within(model: &Model, from: NodeId, inside: &[bool]) -> Vec<NodeId> {
    let mut seen = vec![from];
    let mut stack = vec![from];
    while let Some(v) = stack.pop() {
        for &u in model.requires(v) {
            if inside[u as usize] && !seen.contains(&u) {
                seen.push(u);
                stack.push(u);
            }
        }
    }
    seen.sort_unstable();
    seen
}

impl Units {
    /// # Complexity
    /// O(|V| + Σ over keys of g · e_g) for groups of g components with e_g edges among them.
    fn build(model: &Model) -> Units {
        let mut groups: BTreeMap<Key, Vec<NodeId>> = BTreeMap::new();
        let mut by_lower: BTreeMap<String, Vec<NodeId>> = BTreeMap::new();
        for v in model.ids().filter(|&v| !model.node(v).is_placement()) {
            groups.entry(normalise(model.name(v))).or_default().push(v);
            by_lower.entry(model.name(v).to_lowercase()).or_default().push(v);
        }
        let mut inside = vec![false; model.len()];
        let mut of: Vec<Option<usize>> = vec![None; model.len()];
        let mut units: Vec<Unit> = Vec::new();
        for (key, members) in groups {
            for &m in &members {
                inside[m as usize] = true;
            }
            let reach: Vec<Vec<NodeId>> = members.iter().map(|&m| reach_within(model, m, &inside)).collect();
            let mut order: Vec<usize> = (0..members.len()).collect();
            order.sort_by_key(|&i| (Reverse(reach[i].len()), members[i]));
            for i in order {
                let front = members[i];
                if of[front as usize].is_some() {
                    continue;
                }
                let unit_members: Vec<NodeId> =
                    reach[i].iter().copied().filter(|&u| of[u as usize].is_none()).collect();
                let index = units.len();
                for &u in &unit_members {
                    of[u as usize] = Some(index);
                }
                let in_unit = |u: NodeId| unit_members.binary_search(&u).is_ok();
                let holders: Vec<NodeId> =
                    unit_members.iter().copied().filter(|&u| !model.requires(u).iter().any(|&w| in_unit(w))).collect();
                // The smallest member reaching every holder (the front always does).
                let source = unit_members
                    .iter()
                    .filter_map(|&u| {
                        let j = members.binary_search(&u).ok()?;
                        let r = reach.get(j)?;
                        holders.iter().all(|h| r.binary_search(h).is_ok()).then_some((r.len(), u))
                    })
                    .min()
                    .map_or(front, |(_, u)| u);
                units.push(Unit { key: key.clone(), front, source, holders, members: unit_members });
            }
            for &m in &members {
                inside[m as usize] = false;
            }
        }
        // Units in the order of their fronts (what every list of them follows).
        units.sort_by_key(|u| u.front);
        for (i, u) in units.iter().enumerate() {
            for &m in &u.members {
                of[m as usize] = Some(i);
            }
        }
        let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, u) in units.iter().enumerate() {
            by_name.entry(u.key.name.clone()).or_default().push(i);
        }
        Units { units, of, by_name, by_lower }
    }

    fn unit(&self, i: usize) -> Option<&Unit> {
        self.units.get(i)
    }

    /// The units with this key: the namespace must agree when the observed name has one (a
    /// component without a namespace is taken when none has that namespace).
    fn with_key(&self, key: &Key) -> Vec<usize> {
        let candidates = self.by_name.get(&key.name).map(Vec::as_slice).unwrap_or_default();
        let Some(ns) = &key.namespace else { return candidates.to_vec() };
        let ns_of = |i: &usize| self.unit(*i).and_then(|u| u.key.namespace.as_deref());
        let same: Vec<usize> = candidates.iter().copied().filter(|i| ns_of(i) == Some(ns.as_str())).collect();
        if !same.is_empty() {
            return same;
        }
        candidates.iter().copied().filter(|i| ns_of(i).is_none()).collect()
    }
}

/// What an observed name resolved to.
#[derive(Clone, Debug, PartialEq)]
enum Resolved {
    Unit(usize, MatchRule, Option<Key>),
    Ambiguous(MatchRule, Vec<usize>),
    Unmatched,
}

fn pick(units: Vec<usize>, rule: MatchRule, key: Option<Key>) -> Option<Resolved> {
    let mut units = units;
    units.sort_unstable();
    units.dedup();
    match units.as_slice() {
        [] => None,
        [one] => Some(Resolved::Unit(*one, rule, key)),
        _ => Some(Resolved::Ambiguous(rule, units)),
    }
}

/// The module's matching rules, in order.
fn resolve(name: &str, model: &Model, units: &Units) -> Resolved {
    if let Some(v) = model.lookup(name).filter(|&v| !model.node(v).is_placement()) {
        if let Some(u) = units.of[v as usize] {
            return Resolved::Unit(u, MatchRule::Exact, None);
        }
    }
    let lower = units.by_lower.get(&name.to_lowercase()).map(Vec::as_slice).unwrap_or_default();
    if let Some(r) = pick(lower.iter().filter_map(|&v| units.of[v as usize]).collect(), MatchRule::Case, None) {
        return r;
    }
    let key = normalise(name);
    if let Some(r) = pick(units.with_key(&key), MatchRule::Normalised, Some(key.clone())) {
        return r;
    }
    // `PROJECT-SERVICE-N`: the replica number, then a project prefix (the longest rest first).
    let lowered = name.trim().to_lowercase();
    let Some(cut) = lowered.rfind(['-', '_']) else { return Resolved::Unmatched };
    let (rest, n) = (lowered.get(..cut).unwrap_or_default(), lowered.get(cut + 1..).unwrap_or_default());
    if rest.is_empty() || n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return Resolved::Unmatched;
    }
    let starts = std::iter::once(0).chain(rest.match_indices(['-', '_']).map(|(i, _)| i + 1));
    for start in starts {
        let Some(service) = rest.get(start..).filter(|s| !s.is_empty()) else { continue };
        let key = normalise(service);
        if let Some(r) = pick(units.with_key(&key), MatchRule::ComposeContainer, Some(key)) {
            return r;
        }
    }
    Resolved::Unmatched
}

/// Calls between two services, as observed.
#[derive(Clone, Debug, Default)]
struct Seen {
    names: BTreeSet<(String, String)>,
    count: Option<u64>,
    pos: Option<Pos>,
}

impl Seen {
    fn add(&mut self, call: &Call) {
        self.names.insert((call.from.clone(), call.to.clone()));
        if let Some(n) = call.count {
            self.count = Some(self.count.unwrap_or(0).saturating_add(n));
        }
        if self.pos.is_none() {
            self.pos = call.pos;
        }
    }

    /// "`a` → `b`, 12 calls".
    fn describe(&self) -> String {
        let names: Vec<String> = self.names.iter().map(|(a, b)| format!("{a} → {b}")).collect();
        let names = if names.len() > 3 {
            format!("{}, … +{}", names.iter().take(3).cloned().collect::<Vec<_>>().join(", "), names.len() - 3)
        } else {
            names.join(", ")
        };
        match self.count {
            Some(n) => format!("{names}, {n} calls"),
            None => names,
        }
    }
}

/// A declared dependency: `from` lists `to` in `field`.
type DeclaredEdge = (NodeId, NodeId, RefField);

/// Where a hidden call goes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Callee {
    Unit(usize),
    /// An observed name no component matches, with the id it has in the augmented models.
    Unknown(String, String),
}

#[derive(Clone, Debug)]
struct Hidden {
    from: usize,
    to: Callee,
    seen: Seen,
}

/// Changes one augmented analysis shows against the declared design, by names.
#[derive(Clone, Debug, Default)]
struct Changes {
    /// (new killer, target)
    spofs: BTreeSet<(String, String)>,
    /// (gate, new killer of its k-of-n part)
    broken: BTreeSet<(String, String)>,
    /// New runtime cycles (members, in node order) and the hidden calls inside each.
    cycles: BTreeMap<Vec<String>, BTreeSet<usize>>,
}

/// The declared design with some hidden calls added as `requires`.
struct Augmented {
    model: Model,
    synthetic: Vec<bool>,
    /// For each declared k-of-n gate that had to be split, the node holding its k-of-n part.
    quorum: BTreeMap<NodeId, NodeId>,
    /// For each hidden call of the run: its index, the callers (the holders) and the callee,
    /// as nodes of this model, and the callee in the declared one (`None` for a service the
    /// design does not have).
    edges: Vec<(usize, Vec<NodeId>, NodeId, Option<NodeId>)>,
}

/// The declared design, analysed once.
struct Base<'a> {
    model: &'a Model,
    doc: &'a Document,
    killers: Killers,
    scc: Vec<usize>,
}

impl Base<'_> {
    fn component_index(&self, v: NodeId) -> Option<usize> {
        match self.model.node(v).origin {
            Origin::Component(i) => Some(i),
            Origin::Placement(_) => None,
        }
    }

    /// The design with the hidden calls `which` as `requires` of their callers' holders. A
    /// holder that is a k-of-n gate is split first: it requires a new node holding its k-of-n
    /// part, and the callee, all of them (so the call is a hard dependency, not one more
    /// alternative).
    fn augment(&self, units: &Units, hidden: &[Hidden], which: &[usize]) -> Result<Augmented, crate::Errors> {
        let mut topology = Topology { components: self.doc.topology.components.clone(), ..Topology::default() };
        let mut taken: BTreeSet<String> = hidden
            .iter()
            .filter_map(|h| match &h.to {
                Callee::Unknown(_, id) => Some(id.clone()),
                Callee::Unit(_) => None,
            })
            .collect();
        let mut fresh = |base: String| {
            let mut id = base.clone();
            let mut k = 2;
            while self.model.lookup(&id).is_some() || taken.contains(&id) {
                id = format!("{base}-{k}");
                k += 1;
            }
            taken.insert(id.clone());
            id
        };
        let mut quorum_ids: BTreeMap<NodeId, String> = BTreeMap::new();
        let mut standins: BTreeSet<String> = BTreeSet::new();
        let mut planned: Vec<(usize, Vec<NodeId>, String)> = Vec::new();
        for &h in which {
            let Some(call) = hidden.get(h) else { continue };
            let Some(from) = units.unit(call.from) else { continue };
            let to = match &call.to {
                Callee::Unit(u) => match units.unit(*u) {
                    Some(u) => self.model.name(u.front).to_string(),
                    None => continue,
                },
                Callee::Unknown(_, id) => {
                    standins.insert(id.clone());
                    id.clone()
                }
            };
            for &holder in &from.holders {
                let Some(ci) = self.component_index(holder) else { continue };
                let Some(c) = topology.components.get_mut(ci) else { continue };
                let n = c.requires.len();
                match c.need {
                    Some(k) if (k as usize) < n && !quorum_ids.contains_key(&holder) => {
                        let id = fresh(format!("{}~quorum", c.id));
                        let mut part = Component::new(&id);
                        part.requires = std::mem::take(&mut c.requires);
                        part.need = c.need.take();
                        part.target = Some(false);
                        c.requires = vec![id.clone()];
                        topology.components.push(part);
                        quorum_ids.insert(holder, id);
                    }
                    Some(_) => c.need = None,
                    None => {}
                }
                if let Some(c) = topology.components.get_mut(ci) {
                    if !c.requires.contains(&to) {
                        c.requires.push(to.clone());
                    }
                }
            }
            planned.push((h, from.holders.clone(), to));
        }
        for id in &standins {
            let mut c = Component::new(id);
            c.kind = Some("observed".into());
            c.target = Some(false);
            topology.components.push(c);
        }
        let model = Model::build(&Document::from_topology(topology))?;
        let declared = self.doc.topology.components.len();
        let synthetic = model
            .ids()
            .map(|v| match model.node(v).origin {
                Origin::Component(i) => i >= declared && !standins.contains(model.name(v)),
                Origin::Placement(_) => false,
            })
            .collect();
        let quorum = quorum_ids.iter().filter_map(|(&g, id)| Some((g, model.lookup(id)?))).collect::<BTreeMap<_, _>>();
        let edges = planned
            .into_iter()
            .filter_map(|(h, holders, to)| {
                let holders = holders.iter().filter_map(|&v| model.lookup(self.model.name(v))).collect();
                Some((h, holders, model.lookup(&to)?, self.model.lookup(&to)))
            })
            .collect();
        Ok(Augmented { model, synthetic, quorum, edges })
    }

    /// What the augmented design loses against the declared one: new single points of failure
    /// of declared targets, new single failures of declared k-of-n gates, new runtime cycles.
    fn changes(&self, aug: &Augmented, killers: &Killers) -> Changes {
        let mut out = Changes::default();
        let base = self.model;
        let new_killers = |of_aug: NodeId, of_base: NodeId, skip: &[NodeId]| -> Vec<String> {
            killers
                .of(of_aug)
                .iter()
                .filter(|&&x| !skip.contains(&x) && !aug.synthetic[x as usize])
                .map(|&x| aug.model.name(x))
                .filter(|name| base.lookup(name).is_none_or(|bx| !self.killers.kills(bx, of_base)))
                .map(str::to_string)
                .collect()
        };
        for &t in base.targets() {
            let Some(at) = aug.model.lookup(base.name(t)) else { continue };
            for x in new_killers(at, t, &[at]) {
                out.spofs.insert((x, base.name(t).to_string()));
            }
        }
        for g in base.ids().filter(|&g| base.is_redundant(g)) {
            let Some(ag) = aug.model.lookup(base.name(g)) else { continue };
            let part = aug.quorum.get(&g).copied().unwrap_or(ag);
            for x in new_killers(part, g, &[part, ag]) {
                out.broken.insert((base.name(g).to_string(), x));
            }
        }
        for scc in algo::runtime_sccs(&aug.model).into_iter().filter(|c| c.len() > 1) {
            let mut members = scc;
            members.sort_unstable();
            let inside = |v: NodeId| members.binary_search(&v).is_ok();
            // A call closes a new cycle when its caller and callee are in it now and were not in
            // one cycle before.
            let base_scc = |v: NodeId| base.lookup(aug.model.name(v)).and_then(|b| self.scc.get(b as usize).copied());
            let closing: BTreeSet<usize> = aug
                .edges
                .iter()
                .filter(|(_, holders, to, declared)| {
                    declared.is_some()
                        && inside(*to)
                        && holders.iter().any(|&h| inside(h) && base_scc(h) != base_scc(*to))
                })
                .map(|(h, ..)| *h)
                .collect();
            if !closing.is_empty() {
                let names: Vec<String> = members
                    .iter()
                    .filter(|&&v| !aug.synthetic[v as usize])
                    .map(|&v| aug.model.name(v).to_string())
                    .collect();
                out.cycles.insert(names, closing);
            }
        }
        out
    }
}

/// Nodes that depend at runtime on any of `from`, themselves included.
fn upstream(model: &Model, from: &[NodeId]) -> Vec<bool> {
    let mut seen = vec![false; model.len()];
    let mut stack: Vec<NodeId> = from.to_vec();
    for &v in from {
        seen[v as usize] = true;
    }
    while let Some(v) = stack.pop() {
        for u in model.dependents(v) {
            if !seen[u as usize] {
                seen[u as usize] = true;
                stack.push(u);
            }
        }
    }
    seen
}

/// Changes attributed to hidden calls: per call, its own and those it shares.
#[derive(Clone, Debug, Default)]
struct Attributed {
    own: Changes,
    shared: Changes,
}

fn effects(changes: &Changes) -> Effects {
    let mut spofs: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (x, t) in &changes.spofs {
        spofs.entry(x).or_default().push(t.clone());
    }
    let mut gates: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (g, x) in &changes.broken {
        gates.entry(g).or_default().push(x.clone());
    }
    Effects {
        spofs: spofs.into_iter().map(|(c, t)| SpofChange { component: c.to_string(), takes_down: t }).collect(),
        broken_redundancy: gates
            .into_iter()
            .map(|(g, x)| GateChange { component: g.to_string(), taken_down_by: x })
            .collect(),
        cycles: changes.cycles.keys().cloned().collect(),
    }
}

/// Weighs the hidden calls (see [`compare`]); returns per call what it changes and whether
/// each was weighed alone, with what was cut.
fn weigh(
    compiled: &Compiled,
    units: &Units,
    hidden: &[Hidden],
    limits: &Limits,
    incomplete: &mut Vec<String>,
) -> (Vec<Attributed>, bool) {
    let mut out = vec![Attributed::default(); hidden.len()];
    if hidden.is_empty() {
        return (out, true);
    }
    let model = &compiled.model;
    let mut scc = vec![usize::MAX; model.len()];
    for (i, c) in algo::runtime_sccs(model).into_iter().enumerate() {
        for v in c {
            scc[v as usize] = i;
        }
    }
    let base = Base { model, doc: compiled.expanded(), killers: algo::single_failures(model), scc };
    let size = (model.len() + model.edge_count()) as u64;
    let work = size.saturating_add(base.killers.total() as u64);
    let n = hidden.len() as u64;
    let one_by_one = hidden.len() <= limits.one_by_one && n.saturating_add(1).saturating_mul(work) <= limits.budget;
    let all: Vec<usize> = (0..hidden.len()).collect();
    let together = match base.augment(units, hidden, &all) {
        Ok(aug) => aug,
        Err(e) => {
            incomplete.push(format!(
                "the hidden dependencies could not be weighed (the design with them does not build: {e}); they are listed without their consequences"
            ));
            return (out, false);
        }
    };
    let killers = algo::single_failures(&together.model);
    let all_changes = base.changes(&together, &killers);
    let mut explained = Changes::default();
    if one_by_one {
        for (h, slot) in out.iter_mut().enumerate() {
            let Ok(aug) = base.augment(units, hidden, &[h]) else { continue };
            let k = algo::single_failures(&aug.model);
            let own = base.changes(&aug, &k);
            explained.spofs.extend(own.spofs.iter().cloned());
            explained.broken.extend(own.broken.iter().cloned());
            explained.cycles.extend(own.cycles.iter().map(|(m, e)| (m.clone(), e.clone())));
            slot.own = own;
        }
    } else {
        incomplete.push(format!(
            "{} hidden dependencies were weighed all together, not one by one (at most {} one by one, and {} model elements of work; this design needs {} per analysis): each change is attributed to the hidden calls that carry it",
            hidden.len(),
            limits.one_by_one,
            limits.budget,
            work
        ));
    }
    // Changes no call makes alone (all of them, when not weighed one by one): attributed to the
    // calls that carry them — the killer takes down the callee, and the caller is upstream of
    // what is taken down.
    let carry_cost = n.saturating_mul(size);
    let precise = carry_cost <= limits.budget;
    if !precise {
        incomplete.push(format!(
            "the attribution of changes to hidden calls is coarse: {} calls on a design of {} elements exceed the budget of {}; a change is attributed to every call whose callee the failure takes down",
            hidden.len(),
            size,
            limits.budget
        ));
    }
    let mut ups: BTreeMap<usize, Vec<bool>> = BTreeMap::new();
    let carriers = |x: &str, at: &str, ups: &mut BTreeMap<usize, Vec<bool>>| -> Vec<usize> {
        let (Some(x), Some(at)) = (together.model.lookup(x), together.model.lookup(at)) else { return Vec::new() };
        let mut found = Vec::new();
        for (h, holders, to, _) in &together.edges {
            if !killers.kills(x, *to) {
                continue;
            }
            let up = !precise || ups.entry(*h).or_insert_with(|| upstream(&together.model, holders))[at as usize];
            if up {
                found.push(*h);
            }
        }
        found
    };
    for (x, t) in all_changes.spofs.difference(&explained.spofs) {
        for h in carriers(x, t, &mut ups) {
            if let Some(slot) = out.get_mut(h) {
                let changes = if one_by_one { &mut slot.shared } else { &mut slot.own };
                changes.spofs.insert((x.clone(), t.clone()));
            }
        }
    }
    for (g, x) in all_changes.broken.difference(&explained.broken) {
        let part = model
            .lookup(g)
            .and_then(|bg| together.quorum.get(&bg).map(|&q| together.model.name(q).to_string()))
            .unwrap_or_else(|| g.clone());
        for h in carriers(x, &part, &mut ups) {
            if let Some(slot) = out.get_mut(h) {
                let changes = if one_by_one { &mut slot.shared } else { &mut slot.own };
                changes.broken.insert((g.clone(), x.clone()));
            }
        }
    }
    for (members, closing) in &all_changes.cycles {
        if explained.cycles.contains_key(members) {
            continue;
        }
        for &h in closing {
            if let Some(slot) = out.get_mut(h) {
                let changes = if one_by_one { &mut slot.shared } else { &mut slot.own };
                changes.cycles.insert(members.clone(), closing.clone());
            }
        }
    }
    (out, one_by_one)
}

/// Compares the declared design with what traces observed: matches names, marks the edges
/// between matched components, and weighs every hidden call.
///
/// A hidden call is weighed by analysing the declared design with it as a `requires` of the
/// caller's holders (the members that hold its dependencies; a k-of-n holder keeps its k-of-n
/// part and needs the callee besides): a target gains a single point of failure, a k-of-n
/// gate gains a single failure that takes it down (its members now share a dependency), or a
/// runtime cycle closes through it. All hidden calls are added together once; when there are
/// at most [`Limits::one_by_one`] and the budget allows, each is also added alone, and the
/// changes no call makes alone are attributed to the calls that carry them (the failure takes
/// down the callee and the caller is upstream of what goes down). What was cut is said in
/// `Comparison::incomplete`.
///
/// ```
/// use blastmap_core::{load, observed::{compare, Limits, Observation}, format::parse};
/// let design = load("components:\n- {id: web, requires: [db]}\n- {id: db}\n- {id: auth}\n").unwrap();
/// let traces = parse("components:\n- {id: web, requires: [db, auth]}\n- {id: db}\n- {id: auth}\n").unwrap();
/// let c = compare(&design, &Observation::from_document(&traces), &Limits::default());
/// assert_eq!((c.report.hidden[0].from.as_str(), c.report.hidden[0].to.as_str()), ("web", "auth"));
/// assert_eq!(c.report.hidden[0].effects.spofs[0].component, "auth");
/// ```
///
/// # Complexity
/// Matching: O(|V| + S·log|V|) for S observed names (plus, per key shared by g components,
/// O(g·e_g)). Marks: O(|V| + |E|). Weighing h hidden calls: one analysis of single failures
/// and cycles of the design with them (O(|V| + |E| + Σ|K|)), plus h more when weighed one by
/// one, plus one upstream search per call that carries a change (O(|V| + |E|) each), all
/// within [`Limits::budget`].
pub fn compare(compiled: &Compiled, observation: &Observation, limits: &Limits) -> Comparison {
    let model = &compiled.model;
    let units = Units::build(model);
    let cx = Context::new(model);
    let name = |v: NodeId| model.name(v).to_string();
    let front = |u: usize| units.unit(u).map_or_else(String::new, |u| name(u.front));
    let source = |u: usize| units.unit(u).map_or_else(String::new, |u| name(u.source));

    // Every name the traces give, resolved once.
    let mut names: BTreeMap<&str, Resolved> = BTreeMap::new();
    let all_names = observation
        .services
        .iter()
        .map(|s| s.name.as_str())
        .chain(observation.calls.iter().flat_map(|c| [c.from.as_str(), c.to.as_str()]));
    for n in all_names {
        if !names.contains_key(n) {
            names.insert(n, resolve(n, model, &units));
        }
    }
    let mut report = ObservedReport { services: names.len(), ..ObservedReport::default() };
    let mut matched: BTreeSet<usize> = BTreeSet::new();
    for (&observed, r) in &names {
        match r {
            Resolved::Unit(u, rule, key) => {
                matched.insert(*u);
                report.matches.push(MatchEntry {
                    observed: observed.to_string(),
                    component: front(*u),
                    rule: *rule,
                    key: key.as_ref().map(Key::to_string),
                });
            }
            Resolved::Ambiguous(rule, candidates) => report.ambiguous.push(AmbiguousEntry {
                observed: observed.to_string(),
                rule: *rule,
                candidates: candidates.iter().map(|&u| front(u)).collect(),
            }),
            Resolved::Unmatched => {}
        }
    }

    // Observed calls, by services.
    let mut pairs: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut observed: BTreeMap<(usize, usize), Seen> = BTreeMap::new();
    let mut to_unknown: BTreeMap<(usize, String), Seen> = BTreeMap::new();
    let mut unmatched: BTreeMap<&str, (BTreeSet<&str>, BTreeSet<&str>)> = BTreeMap::new();
    for (&n, r) in &names {
        if *r == Resolved::Unmatched {
            unmatched.entry(n).or_default();
        }
    }
    for call in &observation.calls {
        pairs.insert((&call.from, &call.to));
        let from = names.get(call.from.as_str());
        let to = names.get(call.to.as_str());
        if let Some((calls, _)) = unmatched.get_mut(call.from.as_str()) {
            calls.insert(&call.to);
        }
        if let Some((_, called_by)) = unmatched.get_mut(call.to.as_str()) {
            called_by.insert(&call.from);
        }
        match (from, to) {
            (Some(Resolved::Unit(a, ..)), Some(Resolved::Unit(b, ..))) if a != b => {
                observed.entry((*a, *b)).or_default().add(call);
            }
            (Some(Resolved::Unit(a, ..)), Some(Resolved::Unmatched)) => {
                to_unknown.entry((*a, call.to.clone())).or_default().add(call);
            }
            _ => {}
        }
    }
    report.calls = pairs.len();
    report.unmatched = unmatched
        .into_iter()
        .map(|(n, (calls, called_by))| UnmatchedEntry {
            name: n.to_string(),
            calls: calls.into_iter().map(str::to_string).collect(),
            called_by: called_by.into_iter().map(str::to_string).collect(),
        })
        .collect();
    let mut unobserved_units: Vec<&Unit> =
        units.units.iter().enumerate().filter(|(i, _)| !matched.contains(i)).map(|(_, u)| u).collect();
    unobserved_units.sort_by_key(|u| u.front);
    report.unobserved_components = unobserved_units.iter().map(|u| name(u.front)).collect();

    // Declared dependencies between services.
    let mut declared: BTreeMap<(usize, usize), Vec<DeclaredEdge>> = BTreeMap::new();
    for (a, unit) in units.units.iter().enumerate() {
        for &m in &unit.members {
            let lists = [
                (RefField::Requires, model.requires(m)),
                (RefField::RequiresAtStart, model.start(m)),
                (RefField::DegradesWithout, model.degrades(m)),
                (RefField::MonitoredBy, model.monitors(m)),
            ];
            for (field, targets) in lists {
                for &u in targets {
                    let Some(b) = units.of[u as usize] else { continue };
                    if b == a {
                        continue;
                    }
                    if matched.contains(&a) && matched.contains(&b) {
                        declared.entry((a, b)).or_default().push((m, u, field));
                    } else {
                        report.not_compared += 1;
                    }
                }
            }
        }
    }

    // Marks, unobserved dependencies and hidden calls, in the order of the callers' fronts.
    let order = |&(a, b): &(usize, usize)| (units.unit(a).map(|u| u.front), units.unit(b).map(|u| u.front));
    let mut keys: Vec<(usize, usize)> = declared.keys().chain(observed.keys()).copied().collect();
    keys.sort_by_key(order);
    keys.dedup();
    let mut hidden: Vec<Hidden> = Vec::new();
    for key in keys {
        let seen = observed.get(&key);
        match (declared.get(&key), seen) {
            (Some(edges), _) => {
                for &(m, u, field) in edges {
                    let (rule, how) = match seen {
                        Some(s) => ("observed.both", format!("declared and observed ({})", s.describe())),
                        None => ("declared.only", "declared, never observed".to_string()),
                    };
                    report.marks.push(Note {
                        kind: NoteKind::Observed,
                        rule: rule.into(),
                        subject: name(m),
                        edge: Some(EdgeRef { from: name(m), to: name(u), field: Some(field), was: None }),
                        pos: compiled.position(m),
                        message: format!("`{}` → `{}` ({}): {how}", model.name(m), model.name(u), field.name()),
                    });
                }
                if seen.is_none() {
                    let mut fields: Vec<RefField> = edges.iter().map(|e| e.2).collect();
                    fields.sort_unstable();
                    fields.dedup();
                    report.unobserved.push(UnobservedEntry { from: source(key.0), to: front(key.1), fields });
                }
            }
            (None, Some(s)) => {
                report.marks.push(Note {
                    kind: NoteKind::Observed,
                    rule: "observed.only".into(),
                    subject: source(key.0),
                    edge: Some(EdgeRef { from: source(key.0), to: front(key.1), field: None, was: None }),
                    pos: s.pos,
                    message: format!(
                        "`{}` → `{}`: observed ({}), not declared",
                        source(key.0),
                        front(key.1),
                        s.describe()
                    ),
                });
                hidden.push(Hidden { from: key.0, to: Callee::Unit(key.1), seen: s.clone() });
            }
            (None, None) => {}
        }
    }
    // One stand-in per service the design does not have, whoever calls it.
    let mut standins: BTreeMap<String, String> = BTreeMap::new();
    for ((a, to), seen) in to_unknown {
        let id = match standins.get(&to) {
            Some(id) => id.clone(),
            None => {
                let mut id = to.clone();
                let mut k = 2;
                while model.lookup(&id).is_some() || standins.values().any(|v| *v == id) {
                    id = format!("{to}~observed-{k}");
                    k += 1;
                }
                standins.insert(to.clone(), id.clone());
                id
            }
        };
        hidden.push(Hidden { from: a, to: Callee::Unknown(to, id), seen });
    }

    let mut incomplete = Vec::new();
    let (weighed, one_by_one) = weigh(compiled, &units, &hidden, limits, &mut incomplete);
    report.one_by_one = one_by_one;
    let mut ranked: Vec<(Severity, usize, usize, usize, HiddenEntry, Finding)> = Vec::new();
    for (h, w) in hidden.iter().zip(weighed) {
        let from = source(h.from);
        let (to, in_design) = match &h.to {
            Callee::Unit(u) => (front(*u), true),
            Callee::Unknown(observed, _) => (observed.clone(), false),
        };
        let entry = HiddenEntry {
            from: from.clone(),
            to: to.clone(),
            in_design,
            observed_as: h.seen.names.iter().map(|(a, b)| format!("{a} → {b}")).collect(),
            calls: h.seen.count,
            effects: effects(&w.own),
            alone: one_by_one,
            with_others: effects(&w.shared),
        };
        let (finding, severity) = hidden_finding(&entry, &cx);
        let targets: BTreeSet<&str> =
            entry.effects.spofs.iter().flat_map(|s| s.takes_down.iter().map(String::as_str)).collect();
        ranked.push((
            severity,
            targets.len(),
            entry.effects.broken_redundancy.len(),
            entry.effects.cycles.len(),
            entry,
            finding,
        ));
    }
    ranked.sort_by(|a, b| {
        (a.0, Reverse(a.1), Reverse(a.2), Reverse(a.3)).cmp(&(b.0, Reverse(b.1), Reverse(b.2), Reverse(b.3)))
    });
    let mut findings = Vec::new();
    for (_, _, _, _, entry, finding) in ranked {
        report.hidden.push(entry);
        findings.push(finding);
    }
    for u in &report.unobserved {
        let fields: Vec<&str> = u.fields.iter().map(|f| f.name()).collect();
        let title = format!("declared, never observed: `{}` → `{}` ({})", u.from, u.to, fields.join(", "));
        let touches = model.lookup(&u.from).is_some_and(|v| cx.touches(v));
        findings.push(
            Finding::new(
                FindingKind::UnobservedDependency,
                Severity::Low,
                u.from.clone(),
                title,
                vec![u.from.clone(), u.to.clone()],
            )
            .critical(touches),
        );
    }
    Comparison { report, findings, incomplete }
}

/// The finding of one hidden call, and its severity: high when, alone (or as weighed), it
/// makes a single point of failure or breaks a redundancy; medium when it closes a cycle, or
/// does harm only with other hidden calls; low when it changes none of these.
fn hidden_finding(entry: &HiddenEntry, cx: &Context) -> (Finding, Severity) {
    let mut title = if entry.in_design {
        format!(
            "hidden dependency: `{}` calls `{}` at runtime but the design does not declare it",
            entry.from, entry.to
        )
    } else {
        format!("hidden dependency: `{}` calls `{}`, which the design does not have", entry.from, entry.to)
    };
    let e = &entry.effects;
    let clauses = |e: &Effects| -> Vec<String> {
        let mut out = Vec::new();
        if !e.spofs.is_empty() {
            let killers: Vec<String> = e.spofs.iter().map(|s| s.component.clone()).collect();
            let targets: BTreeSet<String> = e.spofs.iter().flat_map(|s| s.takes_down.iter().cloned()).collect();
            let targets: Vec<String> = targets.into_iter().collect();
            let what = if killers.len() == 1 { "a single point of failure" } else { "single points of failure" };
            out.push(format!("make {} {what} of {}", first_and_more(&killers), few_or_count(&targets, "targets")));
        }
        if !e.broken_redundancy.is_empty() {
            let gates: Vec<String> = e.broken_redundancy.iter().map(|g| g.component.clone()).collect();
            let by: BTreeSet<String> =
                e.broken_redundancy.iter().flat_map(|g| g.taken_down_by.iter().cloned()).collect();
            let by: Vec<String> = by.into_iter().collect();
            out.push(format!(
                "break the redundancy of {} ({} alone would take it down)",
                few_or_count(&gates, "groups"),
                first_and_more(&by)
            ));
        }
        if let Some(cycle) = e.cycles.first() {
            out.push(format!("close a runtime cycle through {}", few_or_count(cycle, "components")));
        }
        out
    };
    let own = clauses(e);
    let shared = clauses(&entry.with_others);
    if !own.is_empty() {
        let how = if entry.alone {
            "as a requirement it would"
        } else {
            "as a requirement, with the other hidden calls, it would"
        };
        title.push_str(&format!("; {how} {}", own.join(", and ")));
    } else if !shared.is_empty() {
        title.push_str(&format!("; with other hidden calls it would {}", shared.join(", and ")));
    } else {
        title.push_str("; as a requirement it would change no single point of failure, redundancy or cycle");
    }
    let severity = if !e.spofs.is_empty() || !e.broken_redundancy.is_empty() {
        Severity::High
    } else if !e.cycles.is_empty() || !entry.with_others.is_empty() {
        Severity::Medium
    } else {
        Severity::Low
    };
    let mut evidence: Vec<String> = vec![entry.from.clone()];
    if entry.in_design {
        evidence.push(entry.to.clone());
    }
    for effects in [e, &entry.with_others] {
        for s in &effects.spofs {
            evidence.push(s.component.clone());
            evidence.extend(s.takes_down.iter().cloned());
        }
        for g in &effects.broken_redundancy {
            evidence.push(g.component.clone());
            evidence.extend(g.taken_down_by.iter().cloned());
        }
        for c in &effects.cycles {
            evidence.extend(c.iter().cloned());
        }
    }
    let mut seen = BTreeSet::new();
    evidence.retain(|n| cx.model.lookup(n).is_some() && seen.insert(n.clone()));
    evidence.truncate(crate::finding::EVIDENCE_LIMIT);
    let critical = evidence.iter().filter_map(|n| cx.model.lookup(n)).any(|v| cx.is_critical(v))
        || cx.model.lookup(&entry.from).is_some_and(|v| cx.touches(v));
    let finding =
        Finding::new(FindingKind::HiddenDependency, severity, entry.from.clone(), title, evidence).critical(critical);
    (finding, severity)
}
