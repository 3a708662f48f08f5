//! The input: nodes with the attributes roll-up groups by, and typed edges between them.

/// What an edge means. Edges point from the node that has the relation to the other one:
/// `a requires b` is `a → b`, `a monitored_by m` is `a → m`, `a holds_credentials_for t` is `a → t`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeKind {
    /// Needed to keep running (`requires` and placement).
    Runtime,
    /// Needed only to start (`requires_at_start`).
    Start,
    /// Soft: losing it degrades (`degrades_without`).
    Soft,
    /// Observed by (`monitored_by`).
    Monitor,
    /// Holds credentials for (`holds_credentials_for`).
    Credential,
}

impl EdgeKind {
    pub const ALL: [EdgeKind; 5] =
        [EdgeKind::Runtime, EdgeKind::Start, EdgeKind::Soft, EdgeKind::Monitor, EdgeKind::Credential];

    /// True for edges the layering follows: dependencies of any strength.
    pub fn is_dependency(self) -> bool {
        matches!(self, EdgeKind::Runtime | EdgeKind::Start | EdgeKind::Soft)
    }

    /// A short name (CSS classes, legends).
    pub fn name(self) -> &'static str {
        match self {
            EdgeKind::Runtime => "runtime",
            EdgeKind::Start => "start",
            EdgeKind::Soft => "soft",
            EdgeKind::Monitor => "monitor",
            EdgeKind::Credential => "credential",
        }
    }
}

/// An attribute nodes can be rolled up by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RollUpBy {
    Region,
    Zone,
    Kind,
    /// A k-of-n gate together with the members only it requires.
    Group,
    /// A mesh network: a tailnet's nodes, their paths and its admin actions.
    Tailnet,
    /// Bands of dependency depth ([`depths`](crate::depths)): not an attribute of a node but
    /// of its place in the graph, for shapes no attribute rolls up (a chain of a million).
    /// It takes every node the attributes before it leave; attributes after it never apply.
    Depth,
}

impl RollUpBy {
    pub const ALL: [RollUpBy; 6] =
        [RollUpBy::Region, RollUpBy::Zone, RollUpBy::Kind, RollUpBy::Group, RollUpBy::Tailnet, RollUpBy::Depth];

    /// The attribute's name.
    pub fn name(self) -> &'static str {
        match self {
            RollUpBy::Region => "region",
            RollUpBy::Zone => "zone",
            RollUpBy::Kind => "kind",
            RollUpBy::Group => "group",
            RollUpBy::Tailnet => "tailnet",
            RollUpBy::Depth => "depth",
        }
    }

    /// True for placement containers (region, zone): inside an expanded one, finer roll-ups
    /// still apply.
    pub fn is_container(self) -> bool {
        matches!(self, RollUpBy::Region | RollUpBy::Zone)
    }

    /// Parses [`RollUpBy::name`].
    pub fn parse(name: &str) -> Option<RollUpBy> {
        RollUpBy::ALL.into_iter().find(|b| b.name() == name)
    }
}

/// One node of the input graph.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeInfo {
    /// Unique id; also the label.
    pub id: String,
    pub region: Option<String>,
    pub zone: Option<String>,
    pub kind: Option<String>,
    /// The group this node belongs to (a gate's own id for the gate and its members).
    pub group: Option<String>,
    /// The tailnet this node belongs to (mesh networks).
    pub tailnet: Option<String>,
}

impl NodeInfo {
    /// A node with this id and no attributes.
    pub fn new(id: impl Into<String>) -> Self {
        NodeInfo { id: id.into(), ..NodeInfo::default() }
    }

    /// The value of attribute `by` (`None` for [`RollUpBy::Depth`], which is the graph's).
    pub fn attr(&self, by: RollUpBy) -> Option<&str> {
        match by {
            RollUpBy::Region => self.region.as_deref(),
            RollUpBy::Zone => self.zone.as_deref(),
            RollUpBy::Kind => self.kind.as_deref(),
            RollUpBy::Group => self.group.as_deref(),
            RollUpBy::Tailnet => self.tailnet.as_deref(),
            RollUpBy::Depth => None,
        }
    }
}

/// A directed edge between node indices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edge {
    pub from: u32,
    pub to: u32,
    pub kind: EdgeKind,
}

/// The input graph. Edges whose ends are out of range are ignored everywhere.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    pub nodes: Vec<NodeInfo>,
    pub edges: Vec<Edge>,
}

impl Graph {
    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when there are no nodes.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Edges whose ends both exist.
    pub(crate) fn valid_edges(&self) -> impl Iterator<Item = &Edge> {
        let n = self.nodes.len() as u32;
        self.edges.iter().filter(move |e| e.from < n && e.to < n)
    }
}
