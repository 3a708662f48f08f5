//! From the core's model to what the graph draws: the layout crate's [`Graph`] (regions and
//! zones become boxes, other placement values stay nodes), and each shown node's look after a
//! what-if.

use std::collections::BTreeSet;

use blastmap_core::algo::{Status, WhatIf};
use blastmap_core::mesh::Mesh;
use blastmap_core::model::Origin;
use blastmap_core::{Model, NodeId};
use blastmap_layout::{
    Adjacency, Edge, EdgeKind, Graph, Key, Layout, NodeInfo, Params, RollUp, RollUpBy, View, ViewNode, BANDS,
};

/// Above this many nodes a topology opens rolled up.
pub const ROLL_UP_ABOVE: usize = 300;

/// The roll-up a large topology opens with: regions, then groups, then kinds.
pub const DEFAULT_ROLL_UP: [RollUpBy; 3] = [RollUpBy::Region, RollUpBy::Group, RollUpBy::Kind];

/// Above this many nodes (and up to [`ROLL_UP_ABOVE`]) a topology opens with its redundancy
/// groups rolled up: each replica set one node, as architects draw them.
pub const GROUPS_ABOVE: usize = 120;

/// [`DEFAULT_ROLL_UP`], then bands of dependency depth for what none of them rolls up.
pub const DEPTH_ROLL_UP: [RollUpBy; 4] = [RollUpBy::Region, RollUpBy::Group, RollUpBy::Kind, RollUpBy::Depth];

/// Kinds before groups: the first view of an estate whose redundancy groups alone would fill it
/// (thousands of replica sets and no regions, as a cluster's manifests are) shows each kind as
/// one node, and opening a kind shows its groups.
pub const KIND_ROLL_UP: [RollUpBy; 3] = [RollUpBy::Region, RollUpBy::Kind, RollUpBy::Group];

/// The roll-up the drawable `graph` opens with: by region, group and kind above
/// [`ROLL_UP_ABOVE`] nodes, and then by depth when more than [`ROLL_UP_ABOVE`] nodes have
/// none of the three (a chain of a million components would otherwise be laid out whole);
/// by region, kind and group ([`KIND_ROLL_UP`]) when that shows fewer nodes than
/// those and they would be more than [`ROLL_UP_ABOVE`]; by group above [`GROUPS_ABOVE`];
/// else none.
///
/// # Complexity
/// O(|V| log |V|).
pub fn initial_roll_up(graph: &Graph) -> RollUp {
    let nodes = graph.len();
    if nodes > ROLL_UP_ABOVE {
        let loose = graph.nodes.iter().filter(|n| DEFAULT_ROLL_UP.iter().all(|&by| n.attr(by).is_none())).count();
        let by: &[RollUpBy] = if loose > ROLL_UP_ABOVE { &DEPTH_ROLL_UP } else { &DEFAULT_ROLL_UP };
        let shown = first_view_size(graph, by);
        if shown > ROLL_UP_ABOVE && first_view_size(graph, &KIND_ROLL_UP) < shown {
            RollUp::by(&KIND_ROLL_UP)
        } else {
            RollUp::by(by)
        }
    } else if nodes > GROUPS_ABOVE {
        RollUp::by(&[RollUpBy::Group])
    } else {
        RollUp::none()
    }
}

/// How many nodes the first view of `graph` rolled up by `by` shows (nothing opened): one per
/// value a node is rolled up by first, and each node that has none of them, or at most
/// [`BANDS`] bands of them with a roll-up by depth.
fn first_view_size(graph: &Graph, by: &[RollUpBy]) -> usize {
    let mut rolled: BTreeSet<(RollUpBy, &str)> = BTreeSet::new();
    let mut alone: usize = 0;
    for node in &graph.nodes {
        match by.iter().find_map(|&b| node.attr(b).map(|value| (b, value))) {
            Some(aggregate) => {
                rolled.insert(aggregate);
            }
            None => alone += 1,
        }
    }
    rolled.len() + if by.contains(&RollUpBy::Depth) { alone.min(BANDS as usize) } else { alone }
}

/// The drawable graph of a model, with the index maps both ways.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scene {
    pub graph: Graph,
    /// Graph node → model node.
    pub model_of: Vec<NodeId>,
    /// Model node → graph node (`None` for region and zone values, drawn as boxes, and for
    /// placement values of a single component).
    pub graph_of: Vec<Option<u32>>,
    /// Per graph node: `(need, of)` for a k-of-n gate with k < n.
    pub gate: Vec<Option<(u32, u32)>>,
    /// Per graph node: a placement value (host, power, network, provider).
    pub placement: Vec<bool>,
    /// A redundancy group's members whose own kind is not the group's (a Deployment's `pod`s
    /// roll up by kind as a `deployment`): graph node → the kind their boxes say (empty for
    /// none).
    pub own_kind: rustc_hash::FxHashMap<u32, String>,
    /// The graph's edges by node, both ways: an opened aggregate's view is updated from its
    /// members' edges ([`Drawing::opened`]).
    pub adjacency: Adjacency,
    /// The roll-up the graph opens with ([`initial_roll_up`]), worked out once.
    pub opens_with: RollUp,
    /// The graph's dependency depths, worked out by the first view of bands or parts and kept
    /// for the next ([`blastmap_layout::view_with`]).
    pub depths: std::cell::OnceCell<Vec<u32>>,
}

/// Regions and zones are drawn as boxes; a placement value only one component sits on (its
/// own host, say) adds nothing the component does not show, so it is not drawn either. Both
/// can still be failed from the placement picker.
fn is_hidden(model: &Model, v: NodeId) -> bool {
    match model.node(v).origin {
        Origin::Placement("region" | "zone") => true,
        Origin::Placement(_) => model.dependents(v).take(2).count() < 2 && model.start_dependents(v).is_empty(),
        Origin::Component(_) => false,
    }
}

/// The value of placement attribute `attr` of `v`, if it is placed there.
fn placed(model: &Model, v: NodeId, attr: &str) -> Option<String> {
    model.placement(v).iter().find_map(|&p| match model.node(p).origin {
        Origin::Placement(a) if a == attr => model.name(p).split_once(':').map(|(_, value)| value.to_string()),
        _ => None,
    })
}

/// The one value all of `values` share.
fn unanimous(mut values: impl Iterator<Item = Option<String>>) -> Option<String> {
    let first = values.next()??;
    values.all(|v| v.as_deref() == Some(first.as_str())).then_some(first)
}

impl Scene {
    /// The scene of `model`.
    ///
    /// A k-of-n gate and the members that only it requires form a group (roll-up by group).
    /// A node without a region or zone of its own takes the one its group members, or the
    /// components placed on it, all share, so gates and hosts land in the right box.
    ///
    /// # Complexity
    /// O(|V| log |V| + |E|) time, O(|V| + |E|) space.
    pub fn new(model: &Model, mesh: Option<&Mesh>) -> Scene {
        let n = model.len();
        let mut graph_of = vec![None; n];
        let mut model_of = Vec::with_capacity(n);
        for v in model.ids() {
            if !is_hidden(model, v) {
                graph_of[v as usize] = Some(model_of.len() as u32);
                model_of.push(v);
            }
        }
        let mut group: Vec<Option<String>> = vec![None; n];
        // The kind each node rolls up under: a redundancy group's as one, under its gate's kind
        // (the workload's: a Deployment's `pod`s are a `deployment`), else the kind its members
        // share. A roll-up by kind first then keeps replica sets whole, where it split each
        // into its gate and its replicas, under two kinds.
        let mut kind: Vec<Option<String>> = model.ids().map(|v| model.node(v).kind.clone()).collect();
        let mut members: Vec<Vec<NodeId>> = vec![Vec::new(); n];
        for v in model.ids() {
            if !model.is_redundant(v) {
                continue;
            }
            let own: Vec<NodeId> = model
                .requires(v)
                .iter()
                .copied()
                .filter(|&m| {
                    model.requires_dependents(m) == [v]
                        && model.placement_dependents(m).is_empty()
                        && !model.is_redundant(m)
                })
                .collect();
            if !own.is_empty() {
                let shared =
                    kind[v as usize].clone().or_else(|| unanimous(own.iter().map(|&m| kind[m as usize].clone())));
                for &w in std::iter::once(&v).chain(&own) {
                    group[w as usize] = Some(model.name(v).to_string());
                    kind[w as usize] = shared.clone();
                }
                members[v as usize] = own;
            }
        }
        let attr = |v: NodeId, a: &str| -> Option<String> {
            placed(model, v, a).or_else(|| {
                let from: &[NodeId] =
                    if members[v as usize].is_empty() { model.placement_dependents(v) } else { &members[v as usize] };
                if from.is_empty() {
                    None
                } else {
                    unanimous(from.iter().map(|&m| placed(model, m, a)))
                }
            })
        };
        let tailnet = tailnet_of(model, mesh);
        let nodes: Vec<NodeInfo> = model_of
            .iter()
            .map(|&v| {
                let node = model.node(v);
                NodeInfo {
                    id: node.id.to_string(),
                    region: attr(v, "region"),
                    zone: attr(v, "zone"),
                    kind: kind[v as usize].take(),
                    group: group[v as usize].clone(),
                    tailnet: tailnet[v as usize].clone(),
                }
            })
            .collect();
        let mut edges = Vec::with_capacity(model.edge_count());
        for (from, &v) in model_of.iter().enumerate() {
            let from = from as u32;
            let mut add = |targets: &[NodeId], kind: EdgeKind| {
                for &t in targets {
                    if let Some(to) = graph_of[t as usize] {
                        edges.push(Edge { from, to, kind });
                    }
                }
            };
            add(model.requires(v), EdgeKind::Runtime);
            add(model.placement(v), EdgeKind::Runtime);
            add(model.start(v), EdgeKind::Start);
            add(model.degrades(v), EdgeKind::Soft);
            add(model.monitors(v), EdgeKind::Monitor);
            add(model.credentials(v), EdgeKind::Credential);
        }
        let gate = model_of
            .iter()
            .map(|&v| model.is_redundant(v).then(|| (model.need(v), model.requires(v).len() as u32)))
            .collect();
        let placement = model_of.iter().map(|&v| model.node(v).is_placement()).collect();
        let own_kind = (0..model_of.len() as u32)
            .filter_map(|g| {
                let own = &model.node(*model_of.get(g as usize)?).kind;
                (nodes.get(g as usize)?.kind != *own).then(|| (g, own.clone().unwrap_or_default()))
            })
            .collect();
        let graph = Graph { nodes, edges };
        let adjacency = Adjacency::new(&graph);
        let opens_with = initial_roll_up(&graph);
        Scene {
            graph,
            model_of,
            graph_of,
            gate,
            placement,
            own_kind,
            adjacency,
            opens_with,
            depths: Default::default(),
        }
    }

    /// The model node of a component id, when it is drawn.
    pub fn graph_node(&self, model: &Model, id: &str) -> Option<u32> {
        model.lookup(id).and_then(|v| self.graph_of.get(v as usize).copied().flatten())
    }

    /// The main label of a shown node.
    pub fn label(&self, node: &ViewNode) -> String {
        if let (Some(part), Some((by, value))) = (node.part, &node.rolled) {
            let range = format!("{}–{}", grouped(part.lo + 1), grouped(part.hi + 1));
            return match by {
                RollUpBy::Region | RollUpBy::Zone | RollUpBy::Tailnet => format!("{} {value} {range}", by.name()),
                _ => format!("{value} {range}"),
            };
        }
        match &node.rolled {
            Some((RollUpBy::Depth, _)) => match node.depths {
                Some((lo, hi)) if lo < hi => format!("depth {}–{}", grouped(lo), grouped(hi)),
                Some((d, _)) => format!("depth {}", grouped(d)),
                None => "depth".into(),
            },
            Some((by @ (RollUpBy::Region | RollUpBy::Zone | RollUpBy::Tailnet), value)) => {
                format!("{} {value}", by.name())
            }
            Some((_, value)) => value.clone(),
            None => node
                .members
                .first()
                .and_then(|&g| self.graph.nodes.get(g as usize))
                .map(|n| n.id.clone())
                .unwrap_or_default(),
        }
    }

    /// The small second line of a shown node: `need 2/3`, the kind, or what an aggregate holds.
    pub fn subtitle(&self, node: &ViewNode) -> String {
        if let Some(part) = node.part {
            let depths = match part.depths {
                (lo, hi) if lo < hi => format!("depth {}–{}", grouped(lo), grouped(hi)),
                (d, _) => format!("depth {}", grouped(d)),
            };
            return format!("{} of {} · {depths}", grouped(part.hi - part.lo + 1), grouped(part.of));
        }
        match &node.rolled {
            Some((RollUpBy::Region | RollUpBy::Zone | RollUpBy::Tailnet, _)) => {
                format!("{} inside · click to open", grouped(node.members.len() as u32))
            }
            Some((RollUpBy::Depth, _)) => {
                let placed = node.members.iter().any(|&g| self.placement.get(g as usize).copied().unwrap_or(false));
                let what = match (placed, node.members.len()) {
                    (true, _) => "inside",
                    (false, 1) => "component",
                    (false, _) => "components",
                };
                format!("{} {what} · click to open", grouped(node.members.len() as u32))
            }
            Some((by, _)) => format!("{} · {} inside", by.name(), grouped(node.members.len() as u32)),
            None => {
                let Some(&g) = node.members.first() else { return String::new() };
                match self.gate.get(g as usize).copied().flatten() {
                    Some((need, of)) => format!("need {need}/{of}"),
                    None => match self.own_kind.get(&g) {
                        Some(own) => own.clone(),
                        None => self.graph.nodes.get(g as usize).and_then(|n| n.kind.clone()).unwrap_or_default(),
                    },
                }
            }
        }
    }

    /// How wide a shown node's text is, in label characters (the layout sizes nodes by it): its
    /// label or its subtitle, which is set smaller, about 0.8 of a label character.
    pub fn text_width(label: &str, subtitle: &str) -> usize {
        label.chars().count().max((subtitle.chars().count() * 5).div_ceil(6))
    }
}

/// What the graph draws now: the view (after focus and roll-up), its layout and its texts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Drawing {
    pub view: View,
    pub layout: Layout,
    /// Per shown node: main label, small second line, the id a click acts on (a component id,
    /// or an aggregate's key written out: which of the two it is, `aggregate` says, and the
    /// view node's [`Key`](blastmap_layout::Key) holds), and whether it is an aggregate.
    pub labels: Vec<String>,
    pub subtitles: Vec<String>,
    pub ids: Vec<String>,
    pub aggregate: Vec<bool>,
    /// Graph nodes kept by the focus (all when there is none).
    pub shown: usize,
}

impl Drawing {
    /// Focus (on `focus`'s seeds, N hops both ways), roll up (skipped when a focus leaves few
    /// enough nodes to show them all), lay out.
    ///
    /// # Complexity
    /// That of [`blastmap_layout::view`] plus [`blastmap_layout::layout`] on the shown nodes.
    pub fn new(model: &Model, scene: &Scene, focus: Option<(&[String], u32)>, roll: &RollUp) -> Drawing {
        let keep = focus.map(|(ids, hops)| blastmap_layout::focus(&scene.graph, &seeds(model, scene, ids), hops, hops));
        let shown = keep.as_ref().map_or(scene.graph.len(), |k| k.iter().filter(|&&b| b).count());
        let none = RollUp::none();
        let roll = if keep.is_some() && shown <= ROLL_UP_ABOVE { &none } else { roll };
        let view = blastmap_layout::view_with(&scene.graph, keep.as_deref(), roll, &scene.depths);
        Drawing::laid_out(scene, view, shown)
    }

    /// `self` with aggregate `opened` opened (`roll` is its roll-up with `opened` expanded, the
    /// focus unchanged): its view updated from the opened aggregate's members and their edges
    /// ([`View::opened`], the same view [`Drawing::new`] makes from every node and edge), laid
    /// out anew. `None` where `View::opened` declines (a roll-up by depth; a view the focus
    /// left unrolled): make it with [`Drawing::new`].
    pub fn opened(&self, scene: &Scene, roll: &RollUp, opened: &Key) -> Option<Drawing> {
        let view = self.view.opened(&scene.graph, &scene.adjacency, roll, opened, &scene.depths)?;
        Some(Drawing::laid_out(scene, view, self.shown))
    }

    /// The drawing of `view`: its texts and its layout.
    fn laid_out(scene: &Scene, view: View, shown: usize) -> Drawing {
        let labels: Vec<String> = view.nodes.iter().map(|n| scene.label(n)).collect();
        let subtitles: Vec<String> = view.nodes.iter().map(|n| scene.subtitle(n)).collect();
        let widths: Vec<usize> = labels.iter().zip(&subtitles).map(|(l, s)| Scene::text_width(l, s)).collect();
        let layout = blastmap_layout::layout(&view, &widths, &Params::default());
        let ids = view.nodes.iter().map(|n| n.key.to_string()).collect();
        let aggregate = view.nodes.iter().map(|n| n.rolled.is_some()).collect();
        Drawing { view, layout, labels, subtitles, ids, aggregate, shown }
    }

    /// The shown node standing for model node `v`.
    pub fn shown_node(&self, scene: &Scene, v: NodeId) -> Option<u32> {
        let g = scene.graph_of.get(v as usize).copied().flatten()?;
        self.view.of.get(g as usize).copied().flatten()
    }
}

/// `n` with a comma between thousands (`1,000,000`), as the report writes counts.
fn grouped(n: u32) -> String {
    blastmap_core::finding::thousands(n as usize)
}

/// The graph nodes for some ids: a drawn node itself; a region or zone, everything placed in it.
pub fn seeds(model: &Model, scene: &Scene, ids: &[String]) -> Vec<u32> {
    let mut out = Vec::new();
    for id in ids {
        let Some(v) = model.lookup(id) else { continue };
        match scene.graph_of.get(v as usize).copied().flatten() {
            Some(g) => out.push(g),
            None => out.extend(
                model.placement_dependents(v).iter().filter_map(|&d| scene.graph_of.get(d as usize).copied().flatten()),
            ),
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// How a shown node looks after a what-if.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Look {
    /// The worst status among its members; an aggregate with only some members down shows
    /// [`Status::Degraded`] and counts them in `down`.
    pub status: Option<Status>,
    pub cannot_restart: bool,
    pub unmonitored: bool,
    /// Members down or failed, of `total`.
    pub down: u32,
    pub total: u32,
}

impl Look {
    /// The status's name, for CSS classes and tests.
    pub fn class(&self) -> &'static str {
        match self.status {
            Some(Status::Failed) => "failed",
            Some(Status::Down) => "down",
            Some(Status::Degraded) => "degraded",
            _ if self.cannot_restart => "cannot-restart",
            _ if self.unmonitored => "unmonitored",
            _ => "up",
        }
    }
}

/// The look of `node` under `what_if` (all up when `None`).
pub fn look(scene: &Scene, node: &ViewNode, what_if: Option<&WhatIf>) -> Look {
    let total = node.members.len() as u32;
    let Some(w) = what_if else { return Look { total, ..Look::default() } };
    let mut look = Look { total, ..Look::default() };
    let mut failed = 0;
    let mut worst = Status::Up;
    for &g in &node.members {
        let Some(&v) = scene.model_of.get(g as usize) else { continue };
        let i = v as usize;
        let s = w.status.get(i).copied().unwrap_or(Status::Up);
        worst = worst.max(s);
        if matches!(s, Status::Down | Status::Failed) {
            look.down += 1;
        }
        if s == Status::Failed {
            failed += 1;
        }
        look.cannot_restart |= w.cannot_restart.get(i).copied().unwrap_or(false);
        look.unmonitored |= w.unmonitored.get(i).copied().unwrap_or(false);
    }
    look.status = match worst {
        Status::Up => None,
        _ if total > 1 && failed == total => Some(Status::Failed),
        _ if total > 1 && look.down == total => Some(Status::Down),
        _ if total > 1 && look.down > 0 => Some(Status::Degraded),
        s => Some(s),
    };
    look
}

/// Each node's tailnet (mesh networks): its nodes, their paths and direct paths, the tailnet's
/// admin actions and exit-node group.
fn tailnet_of(model: &Model, mesh: Option<&Mesh>) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = vec![None; model.len()];
    let Some(mesh) = mesh else { return out };
    for t in &mesh.tailnets {
        for &v in t.nodes.iter().chain([&t.admin]).chain(t.exit.as_ref()) {
            out[v as usize] = Some(t.id.clone());
        }
    }
    for &(node, paths) in &mesh.paths {
        let t = out[node as usize].clone();
        for &d in model.requires(paths) {
            if model.name(d).ends_with("/direct") {
                out[d as usize].clone_from(&t);
            }
        }
        out[paths as usize] = t;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use blastmap_core::algo::what_if;
    use blastmap_layout::view;

    const YAML: &str = "components:
- {id: web, requires: [api]}
- {id: api, need: 1, requires: [api-1, api-2]}
- {id: api-1, region: east, zone: east-a, host: h1}
- {id: api-2, region: east, zone: east-b, host: h2}
- {id: db, region: west, zone: west-a, power: feed-1}
- {id: worker, requires: [db], monitored_by: [mon], requires_at_start: [api], degrades_without: [web], holds_credentials_for: [db]}
- {id: mon, region: west, zone: west-a, power: feed-1}
";

    fn model() -> Model {
        blastmap_core::load(YAML).unwrap().model
    }

    #[test]
    fn regions_and_zones_become_boxes_other_placement_stays() {
        let m = model();
        let s = Scene::new(&m, None);
        let ids: Vec<&str> = s.graph.nodes.iter().map(|n| n.id.as_str()).collect();
        assert!(ids.contains(&"power:feed-1"), "shared by two components");
        assert!(!ids.contains(&"host:h1"), "a host of one component is not drawn");
        assert!(!ids.iter().any(|i| i.starts_with("region:") || i.starts_with("zone:")));
        let node = |id: &str| &s.graph.nodes[s.graph_node(&m, id).unwrap() as usize];
        assert_eq!(node("api").group.as_deref(), Some("api"));
        assert_eq!(node("api-1").group.as_deref(), Some("api"));
        assert_eq!(node("web").group, None);
        assert_eq!(node("api").region.as_deref(), Some("east"), "a gate takes its members' region");
        assert_eq!(node("api").zone, None, "members in different zones");
        assert_eq!(
            node("power:feed-1").zone.as_deref(),
            Some("west-a"),
            "a placement value takes its components' zone"
        );
        let kinds: Vec<EdgeKind> =
            s.graph.edges.iter().filter(|e| e.from == s.graph_node(&m, "worker").unwrap()).map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [EdgeKind::Runtime, EdgeKind::Start, EdgeKind::Soft, EdgeKind::Monitor, EdgeKind::Credential]
        );
        let api = s.graph_node(&m, "api").unwrap() as usize;
        assert_eq!(s.gate[api], Some((1, 2)));
    }

    #[test]
    fn tailnets_roll_up_with_their_paths_and_admin_actions() {
        let yaml = "shards: [{id: s1}]\ntailnets: [{id: acme, shard: s1}, {id: globex, shard: s1}]\nrelays: [{id: derp}]\ncomponents:\n  - {id: a, tailnet: acme, relays: [derp]}\n  - {id: b, tailnet: acme}\n  - {id: g, tailnet: globex}\n";
        let c = blastmap_core::load(yaml).unwrap();
        let s = Scene::new(&c.model, c.mesh.as_ref());
        let v = view(&s.graph, None, &RollUp::by(&[RollUpBy::Tailnet]));
        let labels: Vec<String> = v.nodes.iter().filter(|n| n.rolled.is_some()).map(|n| s.label(n)).collect();
        assert_eq!(labels, ["tailnet acme", "tailnet globex"]);
        let acme = v.nodes.iter().find(|n| s.label(n) == "tailnet acme").unwrap();
        let mut inside: Vec<&str> = acme.members.iter().map(|&g| s.graph.nodes[g as usize].id.as_str()).collect();
        inside.sort();
        assert_eq!(inside, ["a", "a/direct", "a/paths", "acme/admin", "b", "b/direct", "b/paths"]);
    }

    #[test]
    fn looks_follow_the_what_if_and_aggregate() {
        let m = model();
        let s = Scene::new(&m, None);
        let w = what_if(&m, &[m.lookup("region:east").unwrap()]);
        let v = view(&s.graph, None, &RollUp::none());
        let look_of =
            |id: &str| look(&s, &v.nodes[v.of[s.graph_node(&m, id).unwrap() as usize].unwrap() as usize], Some(&w));
        assert_eq!(look_of("api-1").class(), "down");
        assert_eq!(look_of("web").class(), "down");
        assert_eq!(look_of("worker").class(), "degraded", "its soft dependency web is down");
        assert_eq!(look_of("db").class(), "up");
        assert_eq!(look_of("mon").class(), "up");
        assert_eq!(look_of("power:feed-1").class(), "up");
        let w = what_if(&m, &[m.lookup("db").unwrap()]);
        let rolled = view(&s.graph, None, &RollUp::by(&[RollUpBy::Region]));
        let west = rolled.nodes.iter().find(|n| n.key == RollUp::key(RollUpBy::Region, "west")).unwrap();
        let l = look(&s, west, Some(&w));
        assert_eq!((l.class(), l.down, l.total), ("degraded", 1, 3), "db failed; mon and power:feed-1 up");
        assert_eq!(look(&s, west, None).class(), "up");
    }

    #[test]
    fn a_chain_opens_in_depth_bands_that_say_what_they_hold_and_estates_do_not() {
        let chain: String = std::iter::once("components:\n".to_string())
            .chain((0..2_000).map(|i| format!("- {{id: c{i}, requires: [c{}]}}\n", i + 1)))
            .chain(std::iter::once("- {id: c2000}\n".to_string()))
            .collect();
        let m = blastmap_core::load(&chain).unwrap().model;
        let s = Scene::new(&m, None);
        let roll = initial_roll_up(&s.graph);
        assert_eq!(roll.by, DEPTH_ROLL_UP);
        let d = Drawing::new(&m, &s, None, &roll);
        assert_eq!(d.ids.len(), 21, "2,001 depths in bands of 100");
        assert_eq!((d.labels[0].as_str(), d.subtitles[0].as_str()), ("depth 0–99", "100 components · click to open"));
        assert_eq!(d.labels[20], "depth 2,000");
        assert_eq!(d.subtitles[20], "1 component · click to open");
        assert!(d.aggregate.iter().all(|&a| a));
        // Its status under a what-if is aggregated like any aggregate's: c1990 fails, the
        // 1,990 above it go down, the 10 below stay up.
        let w = blastmap_core::algo::what_if(&m, &[m.lookup("c1990").unwrap()]);
        let band = |id: &str| &d.view.nodes[d.shown_node(&s, m.lookup(id).unwrap()).unwrap() as usize];
        let l = look(&s, band("c1990"), Some(&w));
        assert_eq!((l.class(), l.down, l.total), ("degraded", 90, 100), "c1901–c1990 down, c1991–c2000 up");
        assert_eq!(look(&s, band("c5"), Some(&w)).class(), "down");
        // An estate whose components have a kind or a region opens as before.
        assert_eq!(initial_roll_up(&Scene::new(&model(), None).graph).by, Vec::<RollUpBy>::new());
        let estate: String = std::iter::once("components:\n".to_string())
            .chain((0..400).map(|i| format!("- {{id: s{i}, kind: service, requires: [s{}]}}\n", (i + 1) % 400)))
            .collect();
        let m = blastmap_core::load(&estate).unwrap().model;
        assert_eq!(initial_roll_up(&Scene::new(&m, None).graph).by, DEFAULT_ROLL_UP);
        assert_eq!(grouped(1_234_567), "1,234,567");
    }

    #[test]
    fn thousands_of_replica_sets_without_regions_open_by_kind() {
        // 400 services, each a 1-of-2 gate over its own two pods: 400 redundancy groups and
        // no region, which by region › group › kind would be 400 nodes in the first view.
        let estate: String = std::iter::once("components:\n".to_string())
            .chain((0..400).map(|i| {
                format!(
                    "- {{id: svc{i}, kind: service, need: 1, requires: [pod{i}-a, pod{i}-b]}}\n\
                     - {{id: pod{i}-a, kind: deployment, requires: [svc{n}]}}\n\
                     - {{id: pod{i}-b, kind: deployment, requires: [svc{n}]}}\n",
                    n = (i + 1) % 400
                )
            }))
            .collect();
        let m = blastmap_core::load(&estate).unwrap().model;
        let s = Scene::new(&m, None);
        assert_eq!(first_view_size(&s.graph, &DEFAULT_ROLL_UP), 400);
        let mut roll = initial_roll_up(&s.graph);
        assert_eq!(roll.by, KIND_ROLL_UP);
        let d = Drawing::new(&m, &s, None, &roll);
        let mut labels = d.labels.clone();
        labels.sort();
        // Each replica set rolls up as one, under its gate's kind: not split between a kind of
        // gates and a kind of replicas.
        assert_eq!(labels, ["service"]);
        assert_eq!(d.subtitles[0], "kind · 1,200 inside");
        // Opening a kind shows its members by group: 400 replica sets, in parts of 20 (more
        // than a screenful), each part opening into its replica sets kept whole.
        let service = RollUp::key(RollUpBy::Kind, "service");
        roll.expanded.insert(service);
        let d = Drawing::new(&m, &s, None, &roll);
        assert_eq!(d.ids.len(), 20, "20 parts of the 400 replica sets");
        let part = d.view.nodes.iter().position(|n| n.part.is_some_and(|p| p.lo == 0)).unwrap();
        assert_eq!(d.labels[part], "service 1–20");
        assert!(d.subtitles[part].starts_with("20 of 400 · depth"), "{}", d.subtitles[part]);
        assert_eq!(d.view.nodes[part].members.len(), 60, "20 replica sets of a gate and two pods");
        roll.expanded.insert(d.view.nodes[part].key.clone());
        let d = Drawing::new(&m, &s, None, &roll);
        assert_eq!(d.ids.len(), 19 + 20);
        let sets: Vec<&String> = d.ids.iter().filter(|id| id.starts_with("group:svc")).collect();
        assert_eq!(sets.len(), 20, "{:?}", d.ids);
        assert!(d.view.nodes.iter().all(|n| n.rolled.is_some()), "no replica alone");
        // Opened, a replica set's pods still say their own kind.
        let set = d.view.nodes.iter().find(|n| n.key.to_string().starts_with("group:svc")).unwrap().key.clone();
        roll.expanded.insert(set);
        let d = Drawing::new(&m, &s, None, &roll);
        let pod = d.labels.iter().position(|l| l.starts_with("pod") && l.ends_with("-a")).unwrap();
        assert_eq!((d.subtitles[pod].as_str(), d.aggregate[pod]), ("deployment", false));
        let gate = d.labels.iter().position(|l| l.starts_with("svc")).unwrap();
        assert_eq!(d.subtitles[gate], "need 1/2");
        // Few enough groups (90, beside 300 jobs of one kind) open as before.
        let few: String = estate.lines().take(1 + 3 * 90).map(|l| format!("{l}\n")).collect::<String>()
            + &(0..300).map(|i| format!("- {{id: lone{i}, kind: job}}\n")).collect::<String>();
        let m = blastmap_core::load(&few.replace("svc90]", "svc0]")).unwrap().model;
        assert_eq!(initial_roll_up(&Scene::new(&m, None).graph).by, DEFAULT_ROLL_UP);
    }

    #[test]
    fn a_kind_of_thousands_opens_in_parts_down_to_its_members() {
        // 2,000 services of one kind, each calling the next ten: opened, the kind would draw
        // 2,000 boxes; it shows parts of them by dependency depth instead.
        let estate: String = std::iter::once("components:\n".to_string())
            .chain((0..2_000).map(|i| {
                let calls: Vec<String> = (i + 1..(i + 11).min(2_000)).map(|j| format!("s{j}")).collect();
                format!("- {{id: s{i}, kind: service, requires: [{}]}}\n", calls.join(", "))
            }))
            .collect();
        let m = blastmap_core::load(&estate).unwrap().model;
        let s = Scene::new(&m, None);
        let mut roll = initial_roll_up(&s.graph);
        let kind = Drawing::new(&m, &s, None, &roll);
        assert_eq!((kind.labels[0].as_str(), kind.subtitles[0].as_str()), ("service", "kind · 2,000 inside"));
        let service = RollUp::key(RollUpBy::Kind, "service");
        roll.expanded.insert(service.clone());
        let d = Drawing::new(&m, &s, None, &roll);
        assert_eq!(d.ids.len(), 20, "2,000 in parts of 100");
        // Ranked shallowest first: s1999 calls nothing (depth 0), s0 is deepest. Shown in graph
        // order, the deepest part first.
        let first = d.view.nodes.iter().position(|n| n.part.is_some_and(|p| p.lo == 0)).unwrap();
        assert_eq!(first, 19);
        assert_eq!(
            (d.labels[first].as_str(), d.subtitles[first].as_str(), d.ids[first].as_str()),
            ("service 1–100", "100 of 2,000 · depth 0–99", "kind:service#1-100")
        );
        assert_eq!(d.labels[0], "service 1,901–2,000");
        assert!(d.aggregate.iter().all(|&a| a));
        // The kind opened on the last drawing, updated in place, is the same.
        let base = Drawing::new(&m, &s, None, &initial_roll_up(&s.graph));
        assert!(base.opened(&s, &roll, &service).as_ref() == Some(&d));
        // A part opens into its members (100, at most BAND_MEMBERS), in place as anew.
        let part = d.view.nodes[first].key.clone();
        roll.expanded.insert(part.clone());
        let in_place = d.opened(&s, &roll, &part).expect("a part opens in place");
        let d = Drawing::new(&m, &s, None, &roll);
        assert!(in_place == d);
        assert_eq!(d.ids.len(), 19 + 100);
        let s1999 = d.shown_node(&s, m.lookup("s1999").unwrap()).unwrap() as usize;
        assert_eq!((d.labels[s1999].as_str(), d.aggregate[s1999]), ("s1999", false));
        assert!(d.shown_node(&s, m.lookup("s0").unwrap()).is_some_and(|v| d.aggregate[v as usize]));
    }

    /// Opening aggregates one after another on a generated estate (regions, redundancy
    /// groups, kinds), with a focus and without: each drawing updated from the last is the
    /// drawing made anew; a collapse or a roll-up by depth is declined.
    #[test]
    fn an_opened_aggregate_updates_the_last_drawing_to_the_one_made_anew() {
        let t = blastmap_core::generate::generate(&blastmap_core::generate::Params::for_edges(8_000, 7));
        let c = blastmap_core::compile(blastmap_core::format::Document::from_topology(t)).unwrap();
        let (m, s) = (&c.model, Scene::new(&c.model, None));
        let ids: Vec<String> = vec!["dns-r0".into()];
        for focus in [None, Some((ids.as_slice(), 3))] {
            let mut roll = RollUp::by(&DEFAULT_ROLL_UP);
            let mut d = Drawing::new(m, &s, focus, &roll);
            let mut opened = 0;
            for step in 0..6 {
                // The last aggregate opened each time reaches into groups and kinds.
                let Some(key) = d.view.nodes.iter().rev().find(|n| n.rolled.is_some()).map(|n| n.key.clone()) else {
                    break;
                };
                let before = roll.clone();
                roll.expanded.insert(key.clone());
                let fresh = Drawing::new(m, &s, focus, &roll);
                let updated = d.opened(&s, &roll, &key).expect("an aggregate shown opens in place");
                assert!(updated == fresh, "step {step}: {key} opened");
                assert!(fresh.opened(&s, &before, &key).is_none(), "a collapse is made anew");
                (d, opened) = (updated, opened + 1);
            }
            assert!(opened >= 3, "{opened} aggregates opened (focus {focus:?}, {} kept)", d.shown);
        }
        let mut bands = RollUp::by(&DEPTH_ROLL_UP);
        let d = Drawing::new(m, &s, None, &bands);
        let band = d.view.nodes[0].key.clone();
        bands.expanded.insert(band.clone());
        assert!(d.opened(&s, &bands, &band).is_none(), "bands are made anew");
    }

    #[test]
    fn examples_and_generated_estates_open_as_before_without_depth() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");
        let mut texts: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        assert!(texts.len() > 10);
        let estate = blastmap_core::generate::generate(&blastmap_core::generate::Params::for_edges(20_000, 7));
        texts.push(serde_json::to_string(&estate).unwrap());
        for text in &texts {
            let c = blastmap_core::load(text).unwrap();
            let s = Scene::new(&c.model, c.mesh.as_ref());
            let roll = initial_roll_up(&s.graph);
            assert!(!roll.by.contains(&RollUpBy::Depth), "{}", &text[..60]);
            if s.graph.len() > ROLL_UP_ABOVE {
                assert_eq!(roll.by, DEFAULT_ROLL_UP);
            }
        }
    }

    #[test]
    fn focus_on_a_region_shows_what_is_placed_there_unrolled() {
        let m = model();
        let s = Scene::new(&m, None);
        let d = Drawing::new(&m, &s, Some((&["region:east".to_string()], 0)), &RollUp::by(&DEFAULT_ROLL_UP));
        let mut ids = d.ids.clone();
        ids.sort();
        assert_eq!(ids, ["api-1", "api-2"], "few enough to show without roll-up");
        assert_eq!(d.shown, 2);
        let all = Drawing::new(&m, &s, None, &RollUp::by(&[RollUpBy::Region]));
        assert!(all.ids.contains(&"region:east".to_string()) && all.aggregate.iter().any(|&a| a));
        let web = all.shown_node(&s, m.lookup("web").unwrap()).unwrap();
        assert_eq!(all.labels[web as usize], "web");
        let api = all.shown_node(&s, m.lookup("api-1").unwrap()).unwrap();
        assert_eq!(all.labels[api as usize], "region east");
        assert_eq!(all.subtitles[api as usize], "3 inside · click to open");
    }
}
