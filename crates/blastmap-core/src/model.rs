//! The compiled topology: every component and every implicit placement value as a node, with
//! compact adjacency lists per edge kind. Built once from a [`Document`], validated on the way.

use std::collections::BTreeMap;
use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use crate::error::{suggest, Error, ErrorKind, Errors};
use crate::format::{Document, RefField};
use crate::name::Name;
use crate::spec::PLACEMENT_ATTRIBUTES;

/// Index of a node in a [`Model`].
pub type NodeId = u32;

/// Errors beyond this many are not collected: the first ones are what a user fixes.
const MAX_ERRORS: usize = 100;

/// Adjacency lists in compressed sparse row form: the neighbours of `v` are
/// `targets[offsets[v]..offsets[v + 1]]`.
#[derive(Clone, Debug, Default)]
pub struct Adjacency {
    offsets: Vec<u32>,
    targets: Vec<NodeId>,
}

impl Adjacency {
    /// An adjacency to be filled row by row ([`Adjacency::push_row`]), from node 0 on.
    pub(crate) fn with_rows(rows: usize) -> Self {
        Adjacency::with_room(rows, 0)
    }

    /// [`Adjacency::with_rows`] with room for `edges` edges.
    pub(crate) fn with_room(rows: usize, edges: usize) -> Self {
        let mut offsets = Vec::with_capacity(rows + 1);
        offsets.push(0);
        Adjacency { offsets, targets: Vec::with_capacity(edges) }
    }

    /// Appends the neighbours of the next node.
    pub(crate) fn push_row(&mut self, row: &[NodeId]) {
        self.targets.extend_from_slice(row);
        self.offsets.push(self.targets.len() as u32);
    }

    /// Ends the adjacency at `n` nodes: the rows not pushed are empty.
    pub(crate) fn finish(mut self, n: usize) -> Self {
        let end = self.targets.len() as u32;
        self.offsets.resize(n + 1, end);
        self
    }

    /// Reverses the edges of an adjacency over `n` nodes.
    pub(crate) fn reversed(&self, n: usize) -> Self {
        let mut count = vec![0u32; n + 1];
        for &t in &self.targets {
            count[t as usize + 1] += 1;
        }
        for i in 0..n {
            count[i + 1] += count[i];
        }
        let offsets = count.clone();
        let mut fill = count;
        let mut targets = vec![0; self.targets.len()];
        for v in 0..n {
            for &t in self.get(v as NodeId) {
                let slot = &mut fill[t as usize];
                targets[*slot as usize] = v as NodeId;
                *slot += 1;
            }
        }
        Adjacency { offsets, targets }
    }

    /// An adjacency from its compressed rows (the neighbours of `v` are
    /// `targets[offsets[v]..offsets[v + 1]]`), when they are well formed: `offsets` starts at 0,
    /// never decreases and ends at `targets.len()`, and every target is a node (below
    /// `offsets.len() - 1`). `None` otherwise.
    ///
    /// # Complexity
    /// O(|V| + |E|).
    pub fn from_rows(offsets: Vec<u32>, targets: Vec<NodeId>) -> Option<Adjacency> {
        let n = offsets.len().checked_sub(1)?;
        let sorted = offsets.first() == Some(&0) && offsets.windows(2).all(|w| w.first() <= w.get(1));
        let ends = offsets.last().is_some_and(|&e| e as usize == targets.len());
        (sorted && ends && targets.iter().all(|&t| (t as usize) < n)).then_some(Adjacency { offsets, targets })
    }

    /// The neighbours of `v`.
    pub fn get(&self, v: NodeId) -> &[NodeId] {
        let v = v as usize;
        match (self.offsets.get(v), self.offsets.get(v + 1)) {
            (Some(&a), Some(&b)) => &self.targets[a as usize..b as usize],
            _ => &[],
        }
    }

    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.targets.len()
    }
}

/// Node ids to node numbers: every id in one buffer (node `v`'s is `text[ends[v - 1]..ends[v]]`),
/// found through a table of node numbers by its Fx hash. A million references are looked up
/// while the model is built: the ids side by side (a few MB) stay in cache, where ids owned one
/// by one lie scattered among everything the parser allocated, and the table holds 4 bytes a
/// slot instead of a `String` and a number.
#[derive(Clone, Debug, Default)]
struct Index {
    text: String,
    ends: Vec<usize>,
    table: HashTable<NodeId>,
}

impl Index {
    fn with_capacity(nodes: usize, bytes: usize) -> Self {
        Index {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(nodes),
            table: HashTable::with_capacity(nodes),
        }
    }

    /// The id of node `v` (empty past the end).
    fn name(&self, v: NodeId) -> &str {
        id_in(&self.text, &self.ends, v)
    }

    /// The node whose id is `id`.
    fn get(&self, id: &str) -> Option<NodeId> {
        self.table.find(FxBuildHasher.hash_one(id), |&v| self.name(v) == id).copied()
    }

    /// Adds `id` as the next node. An id already there is found at the new node from then on
    /// (the last one wins, as in a map).
    fn push(&mut self, id: &str) -> NodeId {
        let hash = FxBuildHasher.hash_one(id);
        let Index { text, ends, table } = self;
        let v = ends.len() as NodeId;
        text.push_str(id);
        ends.push(text.len());
        match table.find_mut(hash, |&u| id_in(text, ends, u) == id) {
            Some(slot) => *slot = v,
            None => {
                table.insert_unique(hash, v, |&u| FxBuildHasher.hash_one(id_in(text, ends, u)));
            }
        }
        v
    }

    /// Every id, in node order.
    fn names(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.ends.len() as NodeId).map(|v| self.name(v))
    }
}

/// Node `v`'s id in an [`Index`]'s buffer.
fn id_in<'a>(text: &'a str, ends: &[usize], v: NodeId) -> &'a str {
    let v = v as usize;
    let start = match v.checked_sub(1) {
        Some(u) => ends.get(u).copied().unwrap_or(usize::MAX),
        None => 0,
    };
    ends.get(v).and_then(|&end| text.get(start..end)).unwrap_or_default()
}

/// What a node stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A component written in the topology, with its index there.
    Component(usize),
    /// An implicit placement value (`attribute:value`).
    Placement(&'static str),
}

/// A node: a component or a placement value.
#[derive(Clone, Debug)]
pub struct Node {
    /// The id (`region:us-east-1` for placement values).
    pub id: Name,
    pub kind: Option<String>,
    pub origin: Origin,
    pub critical: bool,
    /// `target:` as written (`None`: decided by the rule in [`Model::targets`]).
    pub target: Option<bool>,
    pub availability: Option<f64>,
}

impl Node {
    /// True for implicit placement values.
    pub fn is_placement(&self) -> bool {
        matches!(self.origin, Origin::Placement(_))
    }
}

/// What a [`Model`] is made of, without what it derives (the reverse adjacencies, the index of
/// ids, the targets): [`Model::parts`] gives them, [`Model::from_parts`] rebuilds the model. The
/// page's worker sends these to the page, which then holds the same model without parsing,
/// compiling or validating the topology again.
#[derive(Clone, Debug, Default)]
pub struct Parts {
    pub name: Option<String>,
    pub nodes: Vec<Node>,
    /// Per node: how many of its `requires` must be up.
    pub need: Vec<u32>,
    pub requires: Adjacency,
    pub placement: Adjacency,
    pub start: Adjacency,
    pub degrades: Adjacency,
    pub monitors: Adjacency,
    pub credentials: Adjacency,
}

/// A validated topology, ready for analysis.
///
/// Semantics (`docs/semantics.md`): node `v` is up when it has not failed, all of its `placement` nodes are
/// up and at least `need(v)` of its `requires` are up.
#[derive(Clone, Debug)]
pub struct Model {
    pub name: Option<String>,
    nodes: Vec<Node>,
    index: Index,
    requires: Adjacency,
    need: Vec<u32>,
    placement: Adjacency,
    start: Adjacency,
    degrades: Adjacency,
    monitors: Adjacency,
    credentials: Adjacency,
    /// Reverse of `requires`.
    requires_dependents: Adjacency,
    /// Reverse of `placement`.
    placement_dependents: Adjacency,
    /// Reverse of `start`.
    start_dependents: Adjacency,
    targets: Vec<NodeId>,
}

impl Model {
    /// Builds and validates the model of a plain document (no mesh vocabulary: [`crate::compile`]
    /// expands that first): every reference resolves, ids are unique, `need` is within range,
    /// self-references are those that mean something (the rules in `docs/semantics.md`).
    ///
    /// # Errors
    /// Each problem with its position when the document has one.
    ///
    /// # Complexity
    /// O(|V| + |E|) time and space, plus the (Fx) hashing of ids.
    pub fn build(doc: &Document) -> Result<Model, Errors> {
        let comps = &doc.topology.components;
        let mut errors: Vec<Error> = Vec::new();
        if doc.topology.uses_mesh() {
            let message =
                "this document uses the mesh vocabulary: compile it (blastmap_core::compile) to expand it first";
            return Err(Errors::one(Error::new(ErrorKind::InvalidValue, None, message)));
        }
        if doc.topology.overlay {
            let message = "this file is an overlay (`overlay: true`): it refines the components of an export; give it after the export it refines (`blastmap analyze export.yml overlay.yaml`)";
            return Err(Errors::one(Error::new(ErrorKind::InvalidValue, Some(crate::error::Pos::START), message)));
        }
        let push = |errors: &mut Vec<Error>, e: Error| {
            if errors.len() < MAX_ERRORS {
                errors.push(e);
            }
        };
        let spans = |i: usize| doc.spans_of(i);

        // Placement values are usually few beside the components: room for a quarter more nodes
        // saves rehashing every id once they come.
        let bytes: usize = comps.iter().map(|c| c.id.len()).sum();
        let mut nodes: Vec<Node> = Vec::with_capacity(comps.len());
        let mut index = Index::with_capacity(comps.len() + comps.len() / 4, bytes + bytes / 4);
        for (i, c) in comps.iter().enumerate() {
            if c.id.chars().all(char::is_whitespace) {
                push(
                    &mut errors,
                    Error::new(ErrorKind::InvalidValue, spans(i).and_then(|s| s.id), "empty `id`: expected a name"),
                );
            }
            if let Some(first) = index.get(&c.id) {
                let first_line = match nodes[first as usize].origin {
                    Origin::Component(j) => {
                        spans(j).and_then(|s| s.id).map(|p| format!(" (first defined at line {})", p.line))
                    }
                    Origin::Placement(_) => None,
                };
                push(
                    &mut errors,
                    Error::new(
                        ErrorKind::DuplicateId,
                        spans(i).and_then(|s| s.id),
                        format!(
                            "duplicate id `{}`{}: expected each component id once",
                            c.id,
                            first_line.unwrap_or_default()
                        ),
                    ),
                );
                continue;
            }
            index.push(&c.id);
            nodes.push(Node {
                id: Name::from(c.id.as_str()),
                kind: c.kind.clone(),
                origin: Origin::Component(i),
                critical: c.critical,
                target: c.target,
                availability: c.effective_availability(),
            });
            let overlay_only = |field: &str, at: Option<crate::error::Pos>| {
                Error::new(
                    ErrorKind::InvalidValue,
                    at,
                    format!("`{field}` of `{}` belongs in an overlay (a file with `overlay: true`, given after the export it refines)", c.id),
                )
            };
            if c.add {
                push(&mut errors, overlay_only("add", spans(i).and_then(|s| s.field("add"))));
            }
            if !c.drop.is_empty() {
                let at = spans(i).and_then(|s| s.drop.first().copied().flatten().or(s.id));
                push(&mut errors, overlay_only("drop", at));
            }
        }
        // Implicit placement nodes, in order of first use; an explicit component of the same name
        // stands for the placement value (so `zone:a` can itself be placed in a region).
        let mut node_of_component: Vec<Option<NodeId>> = vec![None; comps.len()];
        for (v, n) in nodes.iter().enumerate() {
            if let Origin::Component(i) = n.origin {
                node_of_component[i] = Some(v as NodeId);
            }
        }
        // `attr:value` ids are written into one buffer, and copied only for a new value. Each
        // component's placement nodes are resolved here, once: `placed[placed_end[i - 1]..
        // placed_end[i]]` are component `i`'s, in attribute order.
        let mut key = String::new();
        let mut placed: Vec<NodeId> = Vec::with_capacity(comps.len());
        let mut placed_end: Vec<usize> = Vec::with_capacity(comps.len());
        // References written per kind: room for every edge, so that no row list grows by copies.
        let mut written = [0usize; RefField::ALL.len()];
        for c in comps {
            for (count, field) in written.iter_mut().zip(RefField::ALL) {
                *count += field.of(c).len();
            }
            for (attr, value) in c.placement() {
                key.clear();
                key.push_str(attr);
                key.push(':');
                key.push_str(value);
                let u = match index.get(&key) {
                    Some(u) => u,
                    None => {
                        let u = index.push(&key);
                        nodes.push(Node {
                            id: Name::from(key.as_str()),
                            kind: Some(attr.to_string()),
                            origin: Origin::Placement(attr),
                            critical: false,
                            target: None,
                            availability: None,
                        });
                        u
                    }
                };
                placed.push(u);
            }
            placed_end.push(placed.len());
        }
        let n = nodes.len();
        // Components are nodes 0.. in order (when no id repeats: otherwise the model is not
        // built), so each kind's rows are pushed as its components are read; placement values
        // have no dependencies of their own.
        let rows = node_of_component.len();
        let [requires_n, start_n, degrades_n, monitors_n, credentials_n] = written;
        let mut requires = Adjacency::with_room(rows, requires_n);
        let mut need = vec![0u32; n];
        let mut placement = Adjacency::with_room(rows, placed.len());
        let mut start = Adjacency::with_room(rows, start_n);
        let mut degrades = Adjacency::with_room(rows, degrades_n);
        let mut monitors = Adjacency::with_room(rows, monitors_n);
        let mut credentials = Adjacency::with_room(rows, credentials_n);

        let resolve = |name: &str| index.get(name);
        let candidates = || index.names();
        let mut resolved: Vec<NodeId> = Vec::new();
        let mut placed_start = 0;
        for (i, c) in comps.iter().enumerate() {
            let placed_here = placed_end.get(i).map_or(&[][..], |&end| {
                let row = placed.get(placed_start..end).unwrap_or_default();
                placed_start = end;
                row
            });
            let Some(v) = node_of_component[i] else { continue };
            let mut required = 0;
            for field in RefField::ALL {
                let list = field.of(c);
                resolved.clear();
                for (k, name) in list.iter().enumerate() {
                    // Where the reference stands: looked up only for a message.
                    let at = || spans(i).and_then(|s| s.reference(field, k));
                    let Some(u) = resolve(name) else {
                        let hint =
                            suggest(name, candidates()).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
                        push(
                            &mut errors,
                            Error::new(
                                ErrorKind::UnknownReference,
                                at(),
                                format!("`{}` in `{}` of `{}` is not a component id{hint}", name, field.name(), c.id),
                            ),
                        );
                        continue;
                    };
                    if u == v {
                        if let Some(why) = self_reference_error(field) {
                            let message = format!("`{}` lists itself in `{}`: {why}", c.id, field.name());
                            push(&mut errors, Error::new(ErrorKind::SelfReference, at(), message));
                            continue;
                        }
                    }
                    if resolved.contains(&u) {
                        push(
                            &mut errors,
                            Error::new(
                                ErrorKind::DuplicateReference,
                                at(),
                                format!("`{}` is listed twice in `{}` of `{}`", name, field.name(), c.id),
                            ),
                        );
                        continue;
                    }
                    resolved.push(u);
                }
                let slot = match field {
                    RefField::Requires => {
                        required = resolved.len() as u32;
                        &mut requires
                    }
                    RefField::RequiresAtStart => &mut start,
                    RefField::DegradesWithout => &mut degrades,
                    RefField::MonitoredBy => &mut monitors,
                    RefField::HoldsCredentialsFor => &mut credentials,
                };
                slot.push_row(&resolved);
            }
            let declared = c.requires.len() as u32;
            need[v as usize] = match c.need {
                None => required,
                Some(k) if k > declared => {
                    let at = spans(i).and_then(|s| s.need.or(s.id));
                    push(
                        &mut errors,
                        Error::new(
                            ErrorKind::InvalidNeed,
                            at,
                            format!("`need: {k}` of `{}` is more than its {declared} `requires`: expected at most {declared}", c.id),
                        ),
                    );
                    0
                }
                Some(k) => k,
            };
            resolved.clear();
            for ((attr, _), &u) in c.placement().zip(placed_here) {
                if u == v {
                    let at = spans(i).and_then(|s| s.placement.get(attr).copied().flatten());
                    push(
                        &mut errors,
                        Error::new(ErrorKind::SelfReference, at, format!("`{}` is placed in itself", c.id)),
                    );
                } else {
                    resolved.push(u);
                }
            }
            placement.push_row(&resolved);
        }
        if !errors.is_empty() {
            return Err(Errors(errors));
        }
        let parts = Parts {
            name: doc.topology.name.clone(),
            nodes,
            need,
            requires: requires.finish(n),
            placement: placement.finish(n),
            start: start.finish(n),
            degrades: degrades.finish(n),
            monitors: monitors.finish(n),
            credentials: credentials.finish(n),
        };
        Ok(Model::derive(parts, index))
    }

    /// The parts the model is made of, for [`Model::from_parts`].
    ///
    /// # Complexity
    /// O(|V| + |E|) time and space (a copy).
    pub fn parts(&self) -> Parts {
        Parts {
            name: self.name.clone(),
            nodes: self.nodes.clone(),
            need: self.need.clone(),
            requires: self.requires.clone(),
            placement: self.placement.clone(),
            start: self.start.clone(),
            degrades: self.degrades.clone(),
            monitors: self.monitors.clone(),
            credentials: self.credentials.clone(),
        }
    }

    /// Rebuilds a model from the parts [`Model::parts`] gave: the reverse adjacencies, the index
    /// of ids and the targets are derived again, as [`Model::build`] derives them.
    ///
    /// The topology is not validated again: that was done when the model was built. Only the
    /// shape of the parts is checked (as many `need`s and rows of every adjacency as nodes), so
    /// that parts that do not fit cannot make the model index out of range. Parts that fit but
    /// were not taken from a built model (a reference to itself in `requires`, a `need` above
    /// the `requires`, an id twice) make a model the analyses were not written for.
    ///
    /// # Errors
    /// What does not fit, when the parts do not make a model of `nodes.len()` nodes.
    ///
    /// # Complexity
    /// O(|V| + |E|) time and space, plus the (Fx) hashing of ids.
    ///
    /// # Example
    /// ```
    /// let compiled = blastmap_core::load("components:\n- {id: web, requires: [db]}\n- {id: db}\n").unwrap();
    /// let model = blastmap_core::Model::from_parts(compiled.model.parts()).unwrap();
    /// assert_eq!(model.requires_dependents(model.lookup("db").unwrap()), [0]);
    /// assert_eq!(model.targets(), compiled.model.targets());
    /// ```
    pub fn from_parts(parts: Parts) -> Result<Model, String> {
        let Parts { name, nodes, need, requires, placement, start, degrades, monitors, credentials } = parts;
        let n = nodes.len();
        if need.len() != n {
            return Err(format!("{} `need`s for {n} nodes", need.len()));
        }
        let kinds = [
            ("requires", &requires),
            ("placement", &placement),
            ("start", &start),
            ("degrades", &degrades),
            ("monitors", &monitors),
            ("credentials", &credentials),
        ];
        for (kind, rows) in kinds {
            let rows_n = rows.offsets.len().saturating_sub(1);
            // Well formed ([`Adjacency::from_rows`], or taken from a model): its targets are
            // below its rows.
            if rows_n != n || rows.offsets.len() != n + 1 {
                return Err(format!("the {kind} adjacency has {rows_n} rows for {n} nodes"));
            }
        }
        let bytes = nodes.iter().map(|node| node.id.len()).sum();
        let mut index = Index::with_capacity(n, bytes);
        for node in &nodes {
            index.push(&node.id);
        }
        let parts = Parts { name, nodes, need, requires, placement, start, degrades, monitors, credentials };
        Ok(Model::derive(parts, index))
    }

    /// The model of `parts` with what it derives from them: the reverse adjacencies and the
    /// targets (`index` is the parts' ids, which [`Model::build`] fills as it validates).
    fn derive(parts: Parts, index: Index) -> Model {
        let Parts { name, nodes, need, requires, placement, start, degrades, monitors, credentials } = parts;
        let n = nodes.len();
        let requires_dependents = requires.reversed(n);
        let placement_dependents = placement.reversed(n);
        let start_dependents = start.reversed(n);
        let mut model = Model {
            name,
            nodes,
            index,
            requires,
            need,
            placement,
            start,
            degrades,
            monitors,
            credentials,
            requires_dependents,
            placement_dependents,
            start_dependents,
            targets: Vec::new(),
        };
        model.targets = model.compute_targets();
        model
    }

    fn compute_targets(&self) -> Vec<NodeId> {
        let marked: Vec<NodeId> = self
            .ids()
            .filter(|&v| {
                let n = self.node(v);
                (n.critical || n.target == Some(true)) && n.target != Some(false)
            })
            .collect();
        if !marked.is_empty() {
            return marked;
        }
        self.ids()
            .filter(|&v| {
                let n = self.node(v);
                !n.is_placement()
                    && n.target != Some(false)
                    && self.dependents(v).all(|d| d == v)
                    && self.start_dependents.get(v).iter().all(|&d| d == v)
            })
            .collect()
    }

    /// Number of nodes (components and placement values).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when the model has no nodes.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// All node ids, in order.
    pub fn ids(&self) -> impl Iterator<Item = NodeId> + '_ {
        0..self.nodes.len() as NodeId
    }

    /// The node `v`.
    pub fn node(&self, v: NodeId) -> &Node {
        &self.nodes[v as usize]
    }

    /// The id string of `v`.
    pub fn name(&self, v: NodeId) -> &str {
        &self.nodes[v as usize].id
    }

    /// Looks a node up by id (`region:us-east-1` for placement values).
    pub fn lookup(&self, id: &str) -> Option<NodeId> {
        self.index.get(id)
    }

    /// Resolves ids, suggesting a near name for unknown ones.
    ///
    /// # Errors
    /// The first id that is not in the model.
    pub fn lookup_all<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> Result<Vec<NodeId>, String> {
        ids.into_iter()
            .map(|id| {
                self.lookup(id).ok_or_else(|| {
                    let hint =
                        suggest(id, self.index.names()).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
                    format!("no component or placement value `{id}`{hint}")
                })
            })
            .collect()
    }

    /// Declared runtime dependencies of `v`, of which `need(v)` must be up.
    pub fn requires(&self, v: NodeId) -> &[NodeId] {
        self.requires.get(v)
    }

    /// How many of [`Model::requires`] must be up.
    pub fn need(&self, v: NodeId) -> u32 {
        self.need[v as usize]
    }

    /// Placement values of `v`, all required.
    pub fn placement(&self, v: NodeId) -> &[NodeId] {
        self.placement.get(v)
    }

    /// Start-time dependencies of `v`, all required to start.
    pub fn start(&self, v: NodeId) -> &[NodeId] {
        self.start.get(v)
    }

    /// Soft dependencies of `v`.
    pub fn degrades(&self, v: NodeId) -> &[NodeId] {
        self.degrades.get(v)
    }

    /// Monitors of `v`.
    pub fn monitors(&self, v: NodeId) -> &[NodeId] {
        self.monitors.get(v)
    }

    /// What `v` holds credentials for.
    pub fn credentials(&self, v: NodeId) -> &[NodeId] {
        self.credentials.get(v)
    }

    /// Nodes that list `v` in their `requires`.
    pub fn requires_dependents(&self, v: NodeId) -> &[NodeId] {
        self.requires_dependents.get(v)
    }

    /// Nodes placed on `v`.
    pub fn placement_dependents(&self, v: NodeId) -> &[NodeId] {
        self.placement_dependents.get(v)
    }

    /// Nodes that depend on `v` at runtime (through `requires` or placement).
    pub fn dependents(&self, v: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.requires_dependents(v).iter().chain(self.placement_dependents(v)).copied()
    }

    /// Nodes that need `v` to start.
    pub fn start_dependents(&self, v: NodeId) -> &[NodeId] {
        self.start_dependents.get(v)
    }

    /// All runtime dependencies of `v`: requires, then placement.
    pub fn runtime_deps(&self, v: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.requires(v).iter().chain(self.placement(v)).copied()
    }

    /// How many `requires` of `v` may be down while `v` stays up.
    pub fn tolerance(&self, v: NodeId) -> u32 {
        self.requires(v).len() as u32 - self.need(v)
    }

    /// True when `v` is a k-of-n gate with k < n.
    pub fn is_redundant(&self, v: NodeId) -> bool {
        self.tolerance(v) > 0
    }

    /// The targets: the critical components and entry points (`target: true`), or, when there
    /// are none, the components nothing else depends on; never a component with `target: false`.
    pub fn targets(&self) -> &[NodeId] {
        &self.targets
    }

    /// Number of runtime dependency edges (requires and placement).
    pub fn runtime_edge_count(&self) -> usize {
        self.requires.edge_count() + self.placement.edge_count()
    }

    /// Number of edges of every kind.
    pub fn edge_count(&self) -> usize {
        self.runtime_edge_count()
            + self.start.edge_count()
            + self.degrades.edge_count()
            + self.monitors.edge_count()
            + self.credentials.edge_count()
    }

    /// The id of `v` as reports hold it: shared, not copied.
    pub fn shared_name(&self, v: NodeId) -> Name {
        self.nodes[v as usize].id.clone()
    }

    /// Node names, for reports (shared, not copied).
    pub fn names(&self, ids: &[NodeId]) -> Vec<Name> {
        ids.iter().map(|&v| self.shared_name(v)).collect()
    }

    /// Nodes grouped by placement attribute, for menus: attribute -> values.
    pub fn placement_values(&self) -> BTreeMap<&'static str, Vec<NodeId>> {
        let mut out: BTreeMap<&'static str, Vec<NodeId>> = BTreeMap::new();
        for v in self.ids() {
            if let Origin::Placement(attr) = self.node(v).origin {
                out.entry(attr).or_default().push(v);
            }
        }
        out
    }
}

/// Why a component may not list itself in `field`, or `None` when it may (a component that
/// monitors itself, or needs itself to start: both mean something, and are reported).
fn self_reference_error(field: RefField) -> Option<&'static str> {
    match field {
        RefField::Requires => Some(
            "a component cannot need itself to run (while it is up that edge says nothing); if it needs itself to start again, a bootstrap loop, write it in `requires_at_start`, which is reported as a cold-start deadlock",
        ),
        RefField::DegradesWithout => {
            Some("a component cannot be degraded by its own loss (when it is down it is down, not degraded)")
        }
        RefField::HoldsCredentialsFor => Some(
            "a compromised component already controls itself; list the other components its credentials open",
        ),
        RefField::RequiresAtStart | RefField::MonitoredBy => None,
    }
}

/// True when `id` has the form of a placement value (`region:x`).
pub fn is_placement_id(id: &str) -> bool {
    id.split_once(':').is_some_and(|(a, v)| !v.is_empty() && PLACEMENT_ATTRIBUTES.contains(&a))
}
