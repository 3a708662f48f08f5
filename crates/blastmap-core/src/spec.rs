//! The native topology format: the plain data a user writes, in YAML or JSON.
//!
//! These types are the published schema (`schema/blastmap.schema.json` is generated from them).
//! They carry no positions and no derived state; [`crate::Model`] is built from them.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The placement attributes. Each value `v` of attribute `a` becomes an implicit shared-fate
/// component `a:v` that every component placed there requires.
pub const PLACEMENT_ATTRIBUTES: [&str; 6] = ["region", "zone", "host", "provider", "power", "network"];

/// A topology: named components and the dependencies between them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Blastmap topology")]
pub struct Topology {
    /// A name for the topology, shown in reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Free text shown with the topology.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// This file is an overlay: it refines, by id, the components of the inputs given before it
    /// (an imported export) instead of defining a topology of its own. See `docs/overlays.md`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub overlay: bool,
    /// The components. Ids are unique; references point at ids or at placement values (`region:eu-west-1`).
    pub components: Vec<Component>,
    /// Mesh networks: coordination shards (components; each tailnet sits on exactly one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shards: Vec<Component>,
    /// Mesh networks: tailnets, each on one shard.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tailnets: Vec<Tailnet>,
    /// Mesh networks: relays (DERP regions and peer relays), components with their placement.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relays: Vec<Component>,
}

/// A tailnet: a mesh network whose control plane lives on one coordination shard.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tailnet {
    /// Unique id (`acme`).
    pub id: String,
    /// The shard it sits on (an id from `shards`). Required, except in an overlay that refines
    /// another field of a tailnet defined before it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub shard: String,
    /// Nodes keep their network map on disk between runs: a restart does not need the shard.
    #[serde(default, skip_serializing_if = "is_false")]
    pub cache_netmap: bool,
    /// Free-form labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Overlay only: this entry adds a tailnet the inputs before it do not define.
    #[serde(default, skip_serializing_if = "is_false")]
    pub add: bool,
}

/// One component: a gate that is up when it has not failed and at least `need` of its `requires`
/// (and all of its placement) are up.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Component {
    /// Unique id.
    pub id: String,
    /// Free-form kind: service, database, datacenter, group, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Runtime dependencies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<String>,
    /// How many of `requires` must be up (default: all). `need: 1` over replicas is a 1-of-n group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub need: Option<u32>,
    /// Needed only to start or restart, not to keep running.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires_at_start: Vec<String>,
    /// Soft dependencies: losing one degrades this component, it stays up.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub degrades_without: Vec<String>,
    /// The components that observe this one. Never propagates failure.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub monitored_by: Vec<String>,
    /// Trust edges: compromise of this component reaches these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holds_credentials_for: Vec<String>,
    /// What the business cares about. Critical components are targets, and findings that touch
    /// them are `critical` (`check --deny spof:critical`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub critical: bool,
    /// `true`: an entry point (requests arrive here), a target of the analysis. `false`: never a
    /// target (a load generator, a test client). Targets are the critical components and entry
    /// points, or, when there are none, every component nothing depends on; `target: false`
    /// removes a component from either.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<bool>,
    /// Steady-state availability, a probability in (0, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub availability: Option<f64>,
    /// Mean time between failures, in hours (with `mttr`, instead of `availability`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0))]
    pub mtbf: Option<f64>,
    /// Mean time to repair, in hours (with `mtbf`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0))]
    pub mttr: Option<f64>,
    /// Placement: the region this component runs in (implicit component `region:VALUE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Placement: availability zone (implicit component `zone:VALUE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// Placement: host or node (implicit component `host:VALUE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Placement: cloud or hosting provider (implicit component `provider:VALUE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Placement: power feed (implicit component `power:VALUE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power: Option<String>,
    /// Placement: network, uplink or peering point (implicit component `network:VALUE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    /// Mesh: the tailnet this node belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tailnet: Option<String>,
    /// Mesh: tailnets this node is shared into.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shared_into: Vec<String>,
    /// Mesh: relays this node can be reached through (DERP home region, peer relays).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relays: Vec<String>,
    /// Mesh: whether a direct path to the node exists (default true for tailnet nodes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct: Option<bool>,
    /// Mesh: subnet routes this node advertises (`10.1.0.0/16`); several routers of one route
    /// form a high-availability group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<String>,
    /// Mesh: the routes (among `routes`) this node is the primary router of: the router that
    /// keeps serving them without the control plane. Without it, a route's primary is the first
    /// router that advertises it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub primary_routes: Vec<String>,
    /// Mesh: this node offers itself as an exit node.
    #[serde(default, skip_serializing_if = "is_false")]
    pub exit_node: bool,
    /// Mesh: the node restarts often (CI runners, autoscaled workers): a restart during a shard
    /// outage is not a hypothesis but a matter of time.
    #[serde(default, skip_serializing_if = "is_false")]
    pub ephemeral: bool,
    /// Free-form labels (team, system, owner, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Overlay only: this entry adds a component the inputs before it do not define (without it,
    /// an overlay entry with an unknown id is an error, so that a typo cannot add a component).
    #[serde(default, skip_serializing_if = "is_false")]
    pub add: bool,
    /// Overlay only: drop this component's dependencies on these ids, whatever their kind
    /// (`requires`, `requires_at_start`, `degrades_without`, `monitored_by`,
    /// `holds_credentials_for`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drop: Vec<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Component {
    /// A component with this id and nothing else.
    pub fn new(id: impl Into<String>) -> Self {
        Component { id: id.into(), ..Component::default() }
    }

    /// Steady-state availability: `availability`, else mtbf / (mtbf + mttr).
    pub fn effective_availability(&self) -> Option<f64> {
        match (self.availability, self.mtbf, self.mttr) {
            (Some(a), _, _) => Some(a),
            (None, Some(f), Some(r)) if f + r > 0.0 => Some(f / (f + r)),
            _ => None,
        }
    }

    /// True when this component is a target by what it says of itself: critical or an entry
    /// point, and not `target: false`.
    pub fn marked_target(&self) -> bool {
        (self.critical || self.target == Some(true)) && self.target != Some(false)
    }

    /// The placement values of this component as `(attribute, value)` pairs, in attribute order.
    pub fn placement(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let values = [&self.region, &self.zone, &self.host, &self.provider, &self.power, &self.network];
        PLACEMENT_ATTRIBUTES.into_iter().zip(values).filter_map(|(a, v)| v.as_deref().map(|v| (a, v)))
    }
}

impl Topology {
    /// True when the topology uses the mesh vocabulary (shards, tailnets, relays, or mesh fields
    /// on a component), which [`crate::compile`] expands into plain components.
    pub fn uses_mesh(&self) -> bool {
        !self.shards.is_empty()
            || !self.tailnets.is_empty()
            || !self.relays.is_empty()
            || self.components.iter().any(|c| {
                c.tailnet.is_some()
                    || !c.relays.is_empty()
                    || !c.routes.is_empty()
                    || !c.primary_routes.is_empty()
                    || c.exit_node
                    || c.ephemeral
                    || !c.shared_into.is_empty()
            })
    }
}

/// The JSON Schema of the native format, generated from [`Topology`].
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Topology);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
