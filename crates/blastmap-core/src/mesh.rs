//! Mesh networks of the Tailscale kind, first-class: shards, tailnets, relays, and nodes that
//! belong to a tailnet. This module is the one place where that vocabulary is expanded into the
//! generic model, by these rules:
//!
//! 1. Each shard and each relay is a component as written (kinds default to `coordination-shard`
//!    and `relay`).
//! 2. Tailnet `T` on shard `S` gets a component `T/admin` (admin actions: adding and removing
//!    nodes, changing ACLs) that requires `S` at runtime.
//! 3. A node of `T` requires `S` only to start (`requires_at_start`) — it fetches its network map
//!    there — and not at all when `T` caches the map between runs (`cache_netmap: true`). The data
//!    plane does not need the shard: a shard outage leaves connections up.
//! 4. A node of a tailnet (or with `relays`) is reachable through `N/paths`, a 1-of-n group over
//!    its direct path `N/direct` (placed where the node is; unless `direct: false`) and each of its
//!    relays. Redundancy of paths is real only if the alternatives do not share placement.
//! 5. Each subnet route `R` gets `route/R`. With one router it requires that router. With several
//!    (a high-availability group), one is the primary (`primary_routes`, else the first that
//!    advertises it): it keeps serving without the control plane, but failing over to another
//!    router needs the primary's tailnet's shard. So `route/R` is a 1-of-2 group over the primary
//!    and `route/R/failover`, which requires the shard and `route/R/standby` (a 1-of-n group over
//!    the other routers): {shard, primary} is a double point of failure of the route, and an HA
//!    pair is real only if the routers do not share placement. Routers outside any tailnet have no
//!    shard: their route is a plain 1-of-n group. Each tailnet with exit nodes gets `T/exit`, a
//!    1-of-n group over them.
//! 6. `shared_into` is recorded (label and [`Mesh`]); sharing does not add runtime dependencies.
//! 7. `ephemeral: true` (CI runners, autoscaled workers) is recorded (label and [`Mesh`]): such a
//!    node restarts constantly, so if it needs the shard to start, a shard outage will drop it,
//!    not merely could: the outage's finding names it and is hidden for `ephemeral` too
//!    ([`findings`]).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::algo::{what_if, WhatIf};
use crate::error::{suggest, Error, ErrorKind, Errors, Pos};
use crate::finding::{thousands, Context, Finding, FindingKind, Rank, Reason, Severity, EVIDENCE_LIMIT};
use crate::format::{ComponentSpans, Document, Section, Source};
use crate::model::{Model, NodeId};
use crate::name::Name;
use crate::spec::{Component, Topology};

/// A tailnet as the model sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeshTailnet {
    pub id: String,
    pub shard: NodeId,
    pub admin: NodeId,
    pub cache_netmap: bool,
    /// Its nodes, in node order.
    pub nodes: Vec<NodeId>,
    /// Nodes of other tailnets shared into it.
    pub shared_in: Vec<NodeId>,
    /// Its exit-node group, if it has exit nodes.
    pub exit: Option<NodeId>,
    /// Its ephemeral nodes (they restart constantly), in node order.
    pub ephemeral: Vec<NodeId>,
}

/// A subnet route as the model sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeshRoute {
    /// The prefix (`10.1.0.0/16`).
    pub route: String,
    /// Its `route/R` group.
    pub group: NodeId,
    /// The router that keeps serving it without the control plane.
    pub primary: NodeId,
    /// `route/R/failover` (shard and standby routers), for high-availability routes on a tailnet.
    pub failover: Option<NodeId>,
    /// The tailnet of its primary router.
    pub tailnet: Option<String>,
}

/// The mesh vocabulary of a model: which generated components stand for what.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mesh {
    pub tailnets: Vec<MeshTailnet>,
    pub shards: Vec<NodeId>,
    pub relays: Vec<NodeId>,
    /// (node, its `N/paths` group).
    pub paths: Vec<(NodeId, NodeId)>,
    /// The subnet routes, in prefix order.
    pub routes: Vec<MeshRoute>,
}

fn mesh_pos(spans: Option<&ComponentSpans>, field: &str, i: usize) -> Option<Pos> {
    spans.and_then(|s| s.mesh.get(field)).and_then(|v| v.get(i)).copied().flatten()
}

/// Expands the mesh vocabulary into plain components (rules in the module documentation), with
/// the source of each component in the written document.
///
/// # Errors
/// References to unknown tailnets, shards or relays, and tailnets without a shard, with their
/// positions.
pub fn expand(doc: &Document) -> Result<(Document, Vec<Source>), Errors> {
    let t = &doc.topology;
    let mut errors = Vec::new();
    let shard_ids: BTreeSet<&str> = t.shards.iter().map(|s| s.id.as_str()).collect();
    let relay_ids: BTreeSet<&str> = t.relays.iter().map(|s| s.id.as_str()).collect();
    let tailnets: BTreeMap<&str, &crate::spec::Tailnet> = t.tailnets.iter().map(|n| (n.id.as_str(), n)).collect();
    let unknown = |what: &str, name: &str, among: &BTreeSet<&str>, at: Option<Pos>| {
        let hint = suggest(name, among.iter().copied()).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
        Error::new(ErrorKind::UnknownReference, at, format!("`{name}` is not a {what}{hint}"))
    };
    let tailnet_names: BTreeSet<&str> = tailnets.keys().copied().collect();
    for (i, n) in t.tailnets.iter().enumerate() {
        if n.shard.is_empty() {
            let at = doc.tailnet_spans.get(i).and_then(|s| s.id);
            let message = format!("tailnet `{}` has no `shard`: expected the id of the coordination shard it sits on (listed under `shards`)", n.id);
            errors.push(Error::new(ErrorKind::InvalidValue, at, message));
        } else if !shard_ids.contains(n.shard.as_str()) {
            let at = doc.tailnet_spans.get(i).and_then(|s| s.shard);
            errors.push(unknown("shard (listed under `shards`)", &n.shard, &shard_ids, at));
        }
    }
    for (i, c) in t.components.iter().enumerate() {
        let spans = doc.spans_of(i);
        if let Some(tn) = &c.tailnet {
            if !tailnets.contains_key(tn.as_str()) {
                errors.push(unknown(
                    "tailnet (listed under `tailnets`)",
                    tn,
                    &tailnet_names,
                    mesh_pos(spans, "tailnet", 0),
                ));
            }
        }
        for (k, tn) in c.shared_into.iter().enumerate() {
            if !tailnets.contains_key(tn.as_str()) {
                errors.push(unknown(
                    "tailnet (listed under `tailnets`)",
                    tn,
                    &tailnet_names,
                    mesh_pos(spans, "shared_into", k),
                ));
            }
        }
        for (k, r) in c.relays.iter().enumerate() {
            if !relay_ids.contains(r.as_str()) {
                errors.push(unknown("relay (listed under `relays`)", r, &relay_ids, mesh_pos(spans, "relays", k)));
            }
        }
        for (k, r) in c.primary_routes.iter().enumerate() {
            let at = mesh_pos(spans, "primary_routes", k);
            if !c.routes.contains(r) {
                let message = format!(
                    "`{}` is the primary router of `{r}` but does not advertise it: expected `{r}` in its `routes` too",
                    c.id
                );
                errors.push(Error::new(ErrorKind::InvalidValue, at, message));
            } else if let Some(first) = t.components[..i].iter().find(|o| o.primary_routes.contains(r)) {
                let message = format!("`{r}` has two primary routers, `{}` and `{}`: expected one", first.id, c.id);
                errors.push(Error::new(ErrorKind::InvalidValue, at, message));
            }
        }
    }
    if !errors.is_empty() {
        return Err(Errors(errors));
    }

    let mut components: Vec<Component> = Vec::new();
    let mut spans: Vec<ComponentSpans> = Vec::new();
    let mut sources: Vec<Source> = Vec::new();
    let with_kind = |c: &Component, kind: &str| {
        let mut c = c.clone();
        c.kind.get_or_insert_with(|| kind.to_string());
        c
    };
    for (i, s) in t.shards.iter().enumerate() {
        components.push(with_kind(s, "coordination-shard"));
        spans.push(doc.shard_spans.get(i).cloned().unwrap_or_default());
        sources.push(Source { section: Section::Shards, index: i, generated: None });
    }
    for (i, r) in t.relays.iter().enumerate() {
        components.push(with_kind(r, "relay"));
        spans.push(doc.relay_spans.get(i).cloned().unwrap_or_default());
        sources.push(Source { section: Section::Relays, index: i, generated: None });
    }
    for (i, n) in t.tailnets.iter().enumerate() {
        let mut admin = Component::new(format!("{}/admin", n.id));
        admin.kind = Some("admin-actions".into());
        admin.requires = vec![n.shard.clone()];
        admin.labels.insert("tailnet".into(), n.id.clone());
        components.push(admin);
        let at = doc.tailnet_spans.get(i).and_then(|s| s.id);
        spans.push(ComponentSpans { at, id: at, ..ComponentSpans::default() });
        sources.push(Source { section: Section::Tailnets, index: i, generated: Some("tailnet admin actions") });
    }
    let mut generated: Vec<(Component, ComponentSpans, Source)> = Vec::new();
    // Route and exit groups, with the first router (or exit node) they were made from; for
    // routes, the routers' component indices.
    let mut routes: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut exits: BTreeMap<&str, (Vec<&str>, usize)> = BTreeMap::new();
    for (i, c) in t.components.iter().enumerate() {
        let node_spans = doc.spans_of(i).cloned().unwrap_or_default();
        let mut node = c.clone();
        if let Some(tn) = c.tailnet.as_deref().and_then(|tn| tailnets.get(tn)) {
            node.kind.get_or_insert_with(|| "node".into());
            node.labels.insert("tailnet".into(), tn.id.clone());
            if !tn.cache_netmap && !node.requires_at_start.contains(&tn.shard) && !node.requires.contains(&tn.shard) {
                node.requires_at_start.push(tn.shard.clone());
            }
            if c.exit_node {
                exits.entry(tn.id.as_str()).or_insert_with(|| (Vec::new(), i)).0.push(c.id.as_str());
            }
        }
        if !c.shared_into.is_empty() {
            node.labels.insert("shared_into".into(), c.shared_into.join(", "));
        }
        for r in &c.routes {
            routes.entry(r.as_str()).or_default().push(i);
        }
        if c.ephemeral {
            node.labels.insert("ephemeral".into(), "true".into());
        }
        let direct = c.direct.unwrap_or(true);
        if c.tailnet.is_some() || !c.relays.is_empty() {
            let mut options = Vec::new();
            if direct {
                let mut d = Component::new(format!("{}/direct", c.id));
                d.kind = Some("direct-path".into());
                (d.region, d.zone, d.host) = (c.region.clone(), c.zone.clone(), c.host.clone());
                (d.provider, d.power, d.network) = (c.provider.clone(), c.power.clone(), c.network.clone());
                options.push(d.id.clone());
                let source = Source { section: Section::Components, index: i, generated: Some("direct path") };
                generated.push((d, node_spans.clone(), source));
            }
            options.extend(c.relays.iter().cloned());
            if !options.is_empty() {
                let mut p = Component::new(format!("{}/paths", c.id));
                p.kind = Some("paths".into());
                p.need = Some(1);
                p.requires = options;
                let source = Source { section: Section::Components, index: i, generated: Some("paths group") };
                generated.push((p, node_spans.clone(), source));
            }
        }
        // The expanded node says in plain components what its mesh fields said.
        node.tailnet = None;
        node.shared_into.clear();
        node.relays.clear();
        node.routes.clear();
        node.primary_routes.clear();
        node.exit_node = false;
        node.ephemeral = false;
        node.direct = None;
        components.push(node);
        spans.push(node_spans);
        sources.push(Source::written(i));
    }
    let at_entry = |i: usize| {
        let at = doc.spans_of(i).and_then(|s| s.id);
        ComponentSpans { at, id: at, ..ComponentSpans::default() }
    };
    for (route, routers) in routes {
        let primary = primary_router(t, route, &routers);
        let comp = |i: usize| t.components.get(i);
        let name = |i: usize| comp(i).map(|c| c.id.clone()).unwrap_or_default();
        let shard =
            comp(primary).and_then(|c| c.tailnet.as_deref()).and_then(|tn| tailnets.get(tn)).map(|tn| tn.shard.clone());
        let source =
            |rule: &'static str| Source { section: Section::Components, index: primary, generated: Some(rule) };
        let mut r = Component::new(format!("route/{route}"));
        r.kind = Some("subnet-route".into());
        let standby: Vec<String> = routers.iter().filter(|&&i| i != primary).map(|&i| name(i)).collect();
        match (standby.is_empty(), shard) {
            (true, _) => r.requires = vec![name(primary)],
            (false, Some(shard)) => {
                let (failover_id, standby_id) = (format!("route/{route}/failover"), format!("route/{route}/standby"));
                r.need = Some(1);
                r.requires = vec![name(primary), failover_id.clone()];
                let mut f = Component::new(failover_id);
                f.kind = Some("route-failover".into());
                f.requires = vec![shard, standby_id.clone()];
                let mut s = Component::new(standby_id);
                s.kind = Some("standby-routers".into());
                s.need = Some(1);
                s.requires = standby;
                generated.push((f, at_entry(primary), source("subnet route failover (needs the shard)")));
                generated.push((s, at_entry(primary), source("subnet route standby routers")));
            }
            (false, None) => {
                r.need = Some(1);
                r.requires = routers.iter().map(|&i| name(i)).collect();
            }
        }
        generated.push((r, at_entry(primary), source("subnet route group")));
    }
    for (tn, (nodes, first)) in exits {
        let mut e = Component::new(format!("{tn}/exit"));
        e.kind = Some("exit-nodes".into());
        e.need = Some(1);
        e.requires = nodes.iter().map(|s| s.to_string()).collect();
        let source = Source { section: Section::Components, index: first, generated: Some("exit node group") };
        generated.push((e, at_entry(first), source));
    }
    for (c, s, source) in generated {
        components.push(c);
        spans.push(s);
        sources.push(source);
    }
    let topology =
        Topology { name: t.name.clone(), description: t.description.clone(), components, ..Topology::default() };
    Ok((Document { topology, spans, notes: doc.notes.clone(), ..Document::default() }, sources))
}

/// The primary router of `route` among `routers` (component indices, in document order): the one
/// that says so in `primary_routes`, else the first.
fn primary_router(t: &Topology, route: &str, routers: &[usize]) -> usize {
    let says = |&&i: &&usize| t.components.get(i).is_some_and(|c| c.primary_routes.iter().any(|r| r == route));
    routers.iter().find(says).or(routers.first()).copied().unwrap_or(0)
}

/// Reads back the mesh vocabulary from a model built from [`expand`]'s output.
pub fn summarize(t: &Topology, model: &Model) -> Mesh {
    let id = |name: &str| model.lookup(name);
    let mut mesh = Mesh {
        shards: t.shards.iter().filter_map(|s| id(&s.id)).collect(),
        relays: t.relays.iter().filter_map(|r| id(&r.id)).collect(),
        ..Mesh::default()
    };
    for n in &t.tailnets {
        let (Some(shard), Some(admin)) = (id(&n.shard), id(&format!("{}/admin", n.id))) else { continue };
        let members = |f: &dyn Fn(&Component) -> bool| -> Vec<NodeId> {
            let mut v: Vec<NodeId> = t.components.iter().filter(|c| f(c)).filter_map(|c| id(&c.id)).collect();
            v.sort_unstable();
            v
        };
        mesh.tailnets.push(MeshTailnet {
            id: n.id.clone(),
            shard,
            admin,
            cache_netmap: n.cache_netmap,
            nodes: members(&|c| c.tailnet.as_deref() == Some(n.id.as_str())),
            shared_in: members(&|c| c.shared_into.contains(&n.id)),
            exit: id(&format!("{}/exit", n.id)),
            ephemeral: members(&|c| c.ephemeral && c.tailnet.as_deref() == Some(n.id.as_str())),
        });
    }
    let mut by_route: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in t.components.iter().enumerate() {
        for r in &c.routes {
            by_route.entry(r.as_str()).or_default().push(i);
        }
    }
    for (route, routers) in by_route {
        let primary = t.components.get(primary_router(t, route, &routers));
        let (Some(group), Some(primary)) = (id(&format!("route/{route}")), primary) else { continue };
        let Some(primary_id) = id(&primary.id) else { continue };
        mesh.routes.push(MeshRoute {
            route: route.to_string(),
            group,
            primary: primary_id,
            failover: id(&format!("route/{route}/failover")),
            tailnet: primary.tailnet.clone(),
        });
    }
    for c in &t.components {
        if let (Some(v), Some(p)) = (id(&c.id), id(&format!("{}/paths", c.id))) {
            mesh.paths.push((v, p));
        }
    }
    mesh
}

/// What a failure set does to one tailnet, in the mesh's own terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TailnetImpact {
    pub tailnet: String,
    /// Adding or removing nodes and changing ACLs is impossible.
    pub admin_blocked: bool,
    pub nodes: usize,
    /// Nodes down.
    pub nodes_down: Vec<Name>,
    /// Nodes up now that would drop off if they restarted.
    pub drop_if_restarted: Vec<Name>,
    /// The ephemeral ones among them: they restart constantly, so they will drop.
    #[serde(default)]
    pub ephemeral_dropping: Vec<Name>,
    /// Its subnet routes that are down.
    #[serde(default)]
    pub routes_down: Vec<String>,
    /// Its high-availability subnet routes still served by their primary router but unable to
    /// fail over (the shard is down, or every standby router is).
    #[serde(default)]
    pub failover_blocked: Vec<String>,
    /// Nodes up but with every path to them lost.
    pub unreachable: Vec<Name>,
    /// Pairs of its nodes (both up) that lost every path between them.
    pub pairs_cut: usize,
    /// Pairs of its nodes that are both up.
    pub pairs_up: usize,
}

/// Per tailnet, what a what-if does (see [`TailnetImpact`]).
pub fn impact(model: &Model, mesh: &Mesh, w: &WhatIf) -> Vec<TailnetImpact> {
    let down = |v: NodeId| w.steady.is_down(v);
    let path_of: BTreeMap<NodeId, NodeId> = mesh.paths.iter().copied().collect();
    let reachable = |v: NodeId| path_of.get(&v).is_none_or(|&p| !down(p));
    mesh.tailnets
        .iter()
        .map(|t| {
            let up: Vec<NodeId> = t.nodes.iter().copied().filter(|&v| !down(v)).collect();
            let cut = up.iter().filter(|&&v| !reachable(v)).count();
            let ok = up.len() - cut;
            let pairs_up = up.len() * up.len().saturating_sub(1) / 2;
            let dropping: Vec<NodeId> = up.iter().copied().filter(|&v| w.cannot_restart[v as usize]).collect();
            let routes = mesh.routes.iter().filter(|r| r.tailnet.as_deref() == Some(t.id.as_str()));
            let (mut routes_down, mut failover_blocked) = (Vec::new(), Vec::new());
            for r in routes {
                if down(r.group) {
                    routes_down.push(r.route.clone());
                } else if r.failover.is_some_and(down) {
                    failover_blocked.push(r.route.clone());
                }
            }
            TailnetImpact {
                tailnet: t.id.clone(),
                admin_blocked: down(t.admin),
                nodes: t.nodes.len(),
                nodes_down: model.names(&t.nodes.iter().copied().filter(|&v| down(v)).collect::<Vec<_>>()),
                ephemeral_dropping: model.names(
                    &dropping.iter().copied().filter(|v| t.ephemeral.binary_search(v).is_ok()).collect::<Vec<_>>(),
                ),
                drop_if_restarted: model.names(&dropping),
                routes_down,
                failover_blocked,
                unreachable: model.names(&up.iter().copied().filter(|&v| !reachable(v)).collect::<Vec<_>>()),
                pairs_cut: pairs_up - ok * ok.saturating_sub(1) / 2,
                pairs_up,
            }
        })
        .collect()
}

/// One sentence for a failure's effect on the mesh: "shard-2 down: admin actions blocked for
/// tailnets acme, globex; 37 nodes would drop if restarted; connections keep flowing".
pub fn sentence(failed: &str, impacts: &[TailnetImpact]) -> String {
    let blocked: Vec<&str> = impacts.iter().filter(|i| i.admin_blocked).map(|i| i.tailnet.as_str()).collect();
    let restart: usize = impacts.iter().map(|i| i.drop_if_restarted.len()).sum();
    let down: usize = impacts.iter().map(|i| i.nodes_down.len()).sum();
    let cut: usize = impacts.iter().map(|i| i.pairs_cut).sum();
    let mut parts = Vec::new();
    if !blocked.is_empty() {
        parts.push(format!(
            "admin actions blocked for {} {}",
            if blocked.len() == 1 { "tailnet" } else { "tailnets" },
            blocked.join(", ")
        ));
    }
    if down > 0 {
        parts.push(format!("{} {} down", thousands(down), plural_word(down, "node", "nodes")));
    }
    if restart > 0 {
        parts.push(format!("{} {} would drop if restarted", thousands(restart), plural_word(restart, "node", "nodes")));
    }
    let ephemeral: Vec<&str> = impacts.iter().flat_map(|i| &i.ephemeral_dropping).map(Name::as_str).collect();
    if !ephemeral.is_empty() {
        let n = ephemeral.len();
        let shown: Vec<&str> = ephemeral.iter().take(3).copied().collect();
        let more = crate::finding::and_more(n, shown.len());
        parts.push(format!(
            "{} ephemeral {} ({}{more}) {} constantly and will drop",
            thousands(n),
            plural_word(n, "node", "nodes"),
            shown.join(", "),
            plural_word(n, "restarts", "restart")
        ));
    }
    let routes_down: Vec<&str> = impacts.iter().flat_map(|i| &i.routes_down).map(String::as_str).collect();
    if !routes_down.is_empty() {
        parts.push(format!(
            "subnet {} {} down",
            plural_word(routes_down.len(), "route", "routes"),
            routes_down.join(", ")
        ));
    }
    let stuck: Vec<&str> = impacts.iter().flat_map(|i| &i.failover_blocked).map(String::as_str).collect();
    if !stuck.is_empty() {
        parts.push(if stuck.len() == 1 {
            format!("subnet route {} keeps its primary router but cannot fail over", stuck.join(", "))
        } else {
            format!("subnet routes {} keep their primary routers but cannot fail over", stuck.join(", "))
        });
    }
    parts.push(match cut {
        0 => "connections keep flowing".to_string(),
        1 => "1 node pair loses every path".to_string(),
        n => format!("{} node pairs lose every path", thousands(n)),
    });
    format!("{failed} down: {}", parts.join("; "))
}

fn plural_word<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// One shard's or relay's outage, in the mesh's own terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outage {
    pub failure: NodeId,
    /// [`sentence`]'s reading of it.
    pub sentence: String,
    pub tailnets: Vec<TailnetImpact>,
}

/// The effect of each shard's and each relay's outage on the mesh.
///
/// # Complexity
/// One what-if, O(|V| + |E|), per shard and relay.
pub fn outages(model: &Model, mesh: &Mesh) -> Vec<Outage> {
    mesh.shards
        .iter()
        .chain(&mesh.relays)
        .map(|&x| {
            let tailnets = impact(model, mesh, &what_if(model, &[x]));
            Outage { failure: x, sentence: sentence(model.name(x), &tailnets), tailnets }
        })
        .collect()
}

/// One finding per outage that touches a tailnet: high when nodes go down or lose every path, a
/// subnet route goes down, or ephemeral nodes (which restart constantly) would drop. Every one is
/// hidden (`mesh`); one during which ephemeral nodes drop also for `ephemeral`, with those nodes
/// first in its evidence: they look healthy in every diagram, restart during the outage and
/// cannot rejoin.
pub fn findings(outages: &[Outage], cx: &Context) -> Vec<Finding> {
    outages
        .iter()
        .filter_map(|o| {
            let touched: Vec<&TailnetImpact> = o
                .tailnets
                .iter()
                .filter(|i| {
                    i.admin_blocked
                        || !i.drop_if_restarted.is_empty()
                        || !i.nodes_down.is_empty()
                        || i.pairs_cut > 0
                        || !i.routes_down.is_empty()
                        || !i.failover_blocked.is_empty()
                })
                .collect();
            if touched.is_empty() {
                return None;
            }
            let severity = if touched.iter().any(|i| {
                i.pairs_cut > 0
                    || !i.nodes_down.is_empty()
                    || !i.routes_down.is_empty()
                    || !i.ephemeral_dropping.is_empty()
            }) {
                Severity::High
            } else {
                Severity::Medium
            };
            // The ephemeral nodes that will drop first: they are what makes the hazard concrete.
            let mut evidence = vec![cx.name(o.failure)];
            for i in &touched {
                evidence.extend(i.ephemeral_dropping.iter().cloned());
            }
            for i in &touched {
                let ephemeral: BTreeSet<&Name> = i.ephemeral_dropping.iter().collect();
                evidence.extend(i.drop_if_restarted.iter().filter(|v| !ephemeral.contains(v)).cloned());
                evidence.extend(i.unreachable.iter().cloned());
            }
            evidence.truncate(EVIDENCE_LIMIT);
            let finding =
                Finding::new(FindingKind::MeshOutage, severity, cx.name(o.failure), o.sentence.clone(), evidence);
            Some(if touched.iter().any(|i| !i.ephemeral_dropping.is_empty()) {
                finding.ranked(Rank::hidden([Reason::Mesh, Reason::Ephemeral]))
            } else {
                finding
            })
        })
        .collect()
}
