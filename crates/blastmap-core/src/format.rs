//! Reading the native format (YAML, or JSON as its subset) into a [`Document`]: the
//! [`Topology`] plus the position of every id and reference, so that later errors and findings
//! can point at a line.
//!
//! Small inputs go through serde-saphyr with spans. Large JSON takes serde_json, about ten
//! times faster; if it then fails validation it is read again with spans, so the error still has
//! its line and column.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::{Location, Spanned};

use crate::error::{Error, ErrorKind, Errors, Pos};
use crate::spec::{Component, Tailnet, Topology};

/// JSON larger than this is read with serde_json first (no spans unless there is an error).
const FAST_JSON_BYTES: usize = 1 << 20;

/// The reference lists of a component, in the order they appear in [`Component`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefField {
    Requires,
    RequiresAtStart,
    DegradesWithout,
    MonitoredBy,
    HoldsCredentialsFor,
}

impl RefField {
    pub const ALL: [RefField; 5] = [
        RefField::Requires,
        RefField::RequiresAtStart,
        RefField::DegradesWithout,
        RefField::MonitoredBy,
        RefField::HoldsCredentialsFor,
    ];

    /// The field's name in the format.
    pub fn name(self) -> &'static str {
        match self {
            RefField::Requires => "requires",
            RefField::RequiresAtStart => "requires_at_start",
            RefField::DegradesWithout => "degrades_without",
            RefField::MonitoredBy => "monitored_by",
            RefField::HoldsCredentialsFor => "holds_credentials_for",
        }
    }

    /// Parses a field name as written in the format.
    pub fn parse(name: &str) -> Option<RefField> {
        RefField::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The list this field names in a component, to change.
    pub fn of_mut(self, c: &mut Component) -> &mut Vec<String> {
        match self {
            RefField::Requires => &mut c.requires,
            RefField::RequiresAtStart => &mut c.requires_at_start,
            RefField::DegradesWithout => &mut c.degrades_without,
            RefField::MonitoredBy => &mut c.monitored_by,
            RefField::HoldsCredentialsFor => &mut c.holds_credentials_for,
        }
    }

    /// The list this field names in a component.
    pub fn of(self, c: &Component) -> &[String] {
        match self {
            RefField::Requires => &c.requires,
            RefField::RequiresAtStart => &c.requires_at_start,
            RefField::DegradesWithout => &c.degrades_without,
            RefField::MonitoredBy => &c.monitored_by,
            RefField::HoldsCredentialsFor => &c.holds_credentials_for,
        }
    }
}

/// A section of a written document that holds entries with ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Components,
    Shards,
    Relays,
    Tailnets,
}

/// Where a component of an expanded document came from: an entry of the written document, as
/// written or generated from it by a rule of the mesh vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Source {
    pub section: Section,
    /// The entry's index in its section.
    pub index: usize,
    /// `None` when the component is the entry as written; else the rule that generated it.
    pub generated: Option<&'static str>,
}

impl Source {
    /// Component `index` of the `components` section, as written.
    pub fn written(index: usize) -> Self {
        Source { section: Section::Components, index, generated: None }
    }
}

/// Where a component's parts stand in the input. `None` where the input had no positions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ComponentSpans {
    /// The component itself (its first key).
    pub at: Option<Pos>,
    /// Its `id` value.
    pub id: Option<Pos>,
    /// Its `need` value.
    pub need: Option<Pos>,
    /// Its `availability` value.
    pub availability: Option<Pos>,
    /// Each reference, by field, in list order.
    pub refs: BTreeMap<RefField, Vec<Option<Pos>>>,
    /// Each placement value, by attribute.
    pub placement: BTreeMap<&'static str, Option<Pos>>,
    /// Mesh fields (`tailnet`, `shared_into`, `relays`, `routes`), each item's position.
    pub mesh: BTreeMap<&'static str, Vec<Option<Pos>>>,
    /// Every scalar field written, by name (`kind`, `need`, `critical`, `target`,
    /// `availability`, `mtbf`, `mttr`, `direct`, `exit_node`, `labels`, `add`), with where its
    /// value stands: what an overlay writes replaces, and its notes point there. A field absent
    /// here was not written (placement attributes are in `placement`, mesh fields in `mesh`).
    pub fields: BTreeMap<&'static str, Option<Pos>>,
    /// Overlay `drop` entries, in list order.
    pub drop: Vec<Option<Pos>>,
}

/// Where a tailnet's parts stand in the input.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TailnetSpans {
    pub id: Option<Pos>,
    pub shard: Option<Pos>,
    pub cache_netmap: Option<Pos>,
    /// Its `labels` mapping, when written.
    pub labels: Option<Pos>,
    /// Its `add` value, when written (overlays).
    pub add: Option<Pos>,
}

impl ComponentSpans {
    /// The position of reference `index` of `field`.
    pub fn reference(&self, field: RefField, index: usize) -> Option<Pos> {
        self.refs.get(&field).and_then(|v| v.get(index)).copied().flatten()
    }

    /// Where scalar field `name` stands, else where the component does.
    pub fn field(&self, name: &str) -> Option<Pos> {
        self.fields.get(name).copied().flatten().or(self.id).or(self.at)
    }

    /// Every position, for marking them as belonging to input `input`.
    pub fn positions_mut(&mut self) -> impl Iterator<Item = &mut Pos> {
        let singles = [&mut self.at, &mut self.id, &mut self.need, &mut self.availability].into_iter();
        singles
            .chain(self.refs.values_mut().flatten())
            .chain(self.placement.values_mut())
            .chain(self.mesh.values_mut().flatten())
            .chain(self.fields.values_mut())
            .chain(self.drop.iter_mut())
            .flatten()
    }
}

impl TailnetSpans {
    /// Every position, for marking them as belonging to input `input`.
    pub fn positions_mut(&mut self) -> impl Iterator<Item = &mut Pos> {
        [&mut self.id, &mut self.shard, &mut self.cache_netmap, &mut self.labels, &mut self.add].into_iter().flatten()
    }
}

/// A parsed topology and the positions of its parts (one [`ComponentSpans`] per component).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Document {
    pub topology: Topology,
    pub spans: Vec<ComponentSpans>,
    /// Positions of `shards`, `relays` and `tailnets`, one per entry (empty without positions).
    pub shard_spans: Vec<ComponentSpans>,
    pub relay_spans: Vec<ComponentSpans>,
    pub tailnet_spans: Vec<TailnetSpans>,
    /// What the topology holds that its inputs did not plainly declare: inferences, overlay
    /// refinements, observations (see [`crate::note`]).
    pub notes: Vec<crate::note::Note>,
}

impl Document {
    /// A document without positions, for topologies built in code or by an importer.
    pub fn from_topology(topology: Topology) -> Self {
        let spans = vec![ComponentSpans::default(); topology.components.len()];
        Document { topology, spans, ..Document::default() }
    }

    /// Positions of component `index` (default when unknown).
    pub fn spans_of(&self, index: usize) -> Option<&ComponentSpans> {
        self.spans.get(index)
    }

    /// Where an entry of a section stands (its `id`).
    pub fn position(&self, section: Section, index: usize) -> Option<Pos> {
        let of = |spans: &[ComponentSpans]| spans.get(index).and_then(|s| s.id.or(s.at));
        match section {
            Section::Components => of(&self.spans),
            Section::Shards => of(&self.shard_spans),
            Section::Relays => of(&self.relay_spans),
            Section::Tailnets => self.tailnet_spans.get(index).and_then(|s| s.id),
        }
    }

    /// Marks every position in the document as belonging to input `input`.
    pub fn set_input(&mut self, input: u32) {
        let comps = self.spans.iter_mut().chain(&mut self.shard_spans).chain(&mut self.relay_spans);
        for p in comps.flat_map(ComponentSpans::positions_mut) {
            p.input = input;
        }
        for p in self.tailnet_spans.iter_mut().flat_map(TailnetSpans::positions_mut) {
            p.input = input;
        }
        for n in &mut self.notes {
            if let Some(p) = &mut n.pos {
                p.input = input;
            }
        }
    }
}

type S<T> = Spanned<T>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopology {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    overlay: bool,
    components: Vec<S<RawComponent>>,
    #[serde(default)]
    shards: Vec<S<RawComponent>>,
    #[serde(default)]
    tailnets: Vec<S<RawTailnet>>,
    #[serde(default)]
    relays: Vec<S<RawComponent>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTailnet {
    id: S<String>,
    #[serde(default)]
    shard: Option<S<String>>,
    #[serde(default)]
    cache_netmap: Option<S<bool>>,
    #[serde(default)]
    labels: Option<S<BTreeMap<String, String>>>,
    #[serde(default)]
    add: Option<S<bool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComponent {
    id: S<String>,
    #[serde(default)]
    kind: Option<S<String>>,
    #[serde(default)]
    requires: Vec<S<String>>,
    #[serde(default)]
    need: Option<S<i64>>,
    #[serde(default)]
    requires_at_start: Vec<S<String>>,
    #[serde(default)]
    degrades_without: Vec<S<String>>,
    #[serde(default)]
    monitored_by: Vec<S<String>>,
    #[serde(default)]
    holds_credentials_for: Vec<S<String>>,
    #[serde(default)]
    critical: Option<S<bool>>,
    #[serde(default)]
    target: Option<S<bool>>,
    #[serde(default)]
    availability: Option<S<f64>>,
    #[serde(default)]
    mtbf: Option<S<f64>>,
    #[serde(default)]
    mttr: Option<S<f64>>,
    #[serde(default)]
    region: Option<S<String>>,
    #[serde(default)]
    zone: Option<S<String>>,
    #[serde(default)]
    host: Option<S<String>>,
    #[serde(default)]
    provider: Option<S<String>>,
    #[serde(default)]
    power: Option<S<String>>,
    #[serde(default)]
    network: Option<S<String>>,
    #[serde(default)]
    tailnet: Option<S<String>>,
    #[serde(default)]
    shared_into: Vec<S<String>>,
    #[serde(default)]
    relays: Vec<S<String>>,
    #[serde(default)]
    direct: Option<S<bool>>,
    #[serde(default)]
    routes: Vec<S<String>>,
    #[serde(default)]
    primary_routes: Vec<S<String>>,
    #[serde(default)]
    exit_node: Option<S<bool>>,
    #[serde(default)]
    ephemeral: Option<S<bool>>,
    #[serde(default)]
    labels: Option<S<BTreeMap<String, String>>>,
    #[serde(default)]
    add: Option<S<bool>>,
    #[serde(default)]
    drop: Vec<S<String>>,
}

fn pos(l: &Location) -> Option<Pos> {
    let (line, column) = (l.line(), l.column());
    (line > 0).then(|| Pos::new(line.min(u32::MAX as u64) as u32, column.min(u32::MAX as u64) as u32))
}

fn split_list(items: Vec<S<String>>) -> (Vec<String>, Vec<Option<Pos>>) {
    items.into_iter().map(|s| (s.value, pos(&s.referenced))).unzip()
}

fn split_opt(item: Option<S<String>>) -> (Option<String>, Option<Pos>) {
    match item {
        Some(s) => (Some(s.value), pos(&s.referenced)),
        None => (None, None),
    }
}

/// Structural checks that need positions: values out of range. Reference checks happen when the
/// [`crate::Model`] is built.
fn convert(raw: RawTopology, errors: &mut Vec<Error>) -> Document {
    let (components, spans) = raw.components.into_iter().map(|sc| convert_component(sc, errors)).unzip();
    let (shards, shard_spans) = raw.shards.into_iter().map(|sc| convert_component(sc, errors)).unzip();
    let (relays, relay_spans) = raw.relays.into_iter().map(|sc| convert_component(sc, errors)).unzip();
    let (tailnets, tailnet_spans) = raw
        .tailnets
        .into_iter()
        .map(|st| {
            let t = st.value;
            let spans = TailnetSpans {
                id: pos(&t.id.referenced),
                shard: t.shard.as_ref().and_then(|s| pos(&s.referenced)),
                cache_netmap: t.cache_netmap.as_ref().and_then(|s| pos(&s.referenced)),
                labels: t.labels.as_ref().and_then(|s| pos(&s.referenced)),
                add: t.add.as_ref().and_then(|s| pos(&s.referenced)),
            };
            let tailnet = Tailnet {
                id: t.id.value,
                shard: t.shard.map(|s| s.value).unwrap_or_default(),
                cache_netmap: t.cache_netmap.is_some_and(|c| c.value),
                labels: t.labels.map(|l| l.value).unwrap_or_default(),
                add: t.add.is_some_and(|a| a.value),
            };
            (tailnet, spans)
        })
        .unzip();
    Document {
        topology: Topology {
            name: raw.name,
            description: raw.description,
            overlay: raw.overlay,
            components,
            shards,
            tailnets,
            relays,
        },
        spans,
        shard_spans,
        relay_spans,
        tailnet_spans,
        notes: Vec::new(),
    }
}

/// What is wrong with a component's values, in report order: the field each problem is about,
/// its kind and message. Shared by the positioned reading and the fast JSON path.
fn value_problems(
    id: &str,
    need: Option<i64>,
    availability: Option<f64>,
    mtbf: Option<f64>,
    mttr: Option<f64>,
) -> Vec<(&'static str, ErrorKind, String)> {
    let mut out = Vec::new();
    if let Some(n) = need.filter(|&n| n < 1 || u32::try_from(n).is_err()) {
        out.push((
            "need",
            ErrorKind::InvalidNeed,
            format!("`need` of `{id}` is {n}: expected a whole number of at least 1"),
        ));
    }
    if let Some(a) = availability.filter(|a| !(*a > 0.0 && *a <= 1.0)) {
        out.push((
            "availability",
            ErrorKind::InvalidValue,
            format!("`availability` of `{id}` is {a}: expected a probability in (0, 1], such as 0.9995"),
        ));
    }
    for (name, value) in [("mtbf", mtbf), ("mttr", mttr)] {
        if let Some(h) = value.filter(|h| !(h.is_finite() && *h > 0.0)) {
            out.push((
                name,
                ErrorKind::InvalidValue,
                format!("`{name}` of `{id}` is {h}: expected a positive number of hours"),
            ));
        }
    }
    if mtbf.is_some() != mttr.is_some() {
        out.push((
            if mtbf.is_some() { "mtbf" } else { "mttr" },
            ErrorKind::InvalidValue,
            format!("`{id}` has only one of `mtbf` and `mttr`: expected both (hours), or `availability`"),
        ));
    }
    if availability.is_some() && mtbf.is_some() {
        out.push((
            "mtbf",
            ErrorKind::InvalidValue,
            format!("`{id}` has both `availability` and `mtbf`/`mttr`: expected one or the other"),
        ));
    }
    out
}

/// True when `c`'s values are all valid (the fast JSON path keeps a topology only then).
fn values_ok(c: &Component) -> bool {
    value_problems(&c.id, c.need.map(i64::from), c.availability, c.mtbf, c.mttr).is_empty()
}

/// One component and its positions; range errors go to `errors`.
fn convert_component(sc: S<RawComponent>, errors: &mut Vec<Error>) -> (Component, ComponentSpans) {
    let at = pos(&sc.referenced);
    let r = sc.value;
    let mut cs = ComponentSpans { at, id: pos(&r.id.referenced), ..ComponentSpans::default() };
    cs.need = r.need.as_ref().and_then(|n| pos(&n.referenced));
    cs.availability = r.availability.as_ref().and_then(|a| pos(&a.referenced));
    let (mtbf_at, mttr_at) =
        (r.mtbf.as_ref().and_then(|v| pos(&v.referenced)), r.mttr.as_ref().and_then(|v| pos(&v.referenced)));
    for (name, written, at) in [
        ("need", r.need.is_some(), cs.need),
        ("availability", r.availability.is_some(), cs.availability),
        ("mtbf", r.mtbf.is_some(), mtbf_at),
        ("mttr", r.mttr.is_some(), mttr_at),
    ] {
        if written {
            cs.fields.insert(name, at);
        }
    }
    let (need, availability) = (r.need.map(|n| n.value), r.availability.map(|a| a.value));
    let (mtbf, mttr) = (r.mtbf.map(|v| v.value), r.mttr.map(|v| v.value));
    for (field, kind, message) in value_problems(&r.id.value, need, availability, mtbf, mttr) {
        let at = match field {
            "need" => cs.need,
            "availability" => cs.availability,
            "mtbf" => mtbf_at,
            _ => mttr_at,
        };
        errors.push(Error::new(kind, at, message));
    }
    let need = need.and_then(|n| u32::try_from(n).ok()).filter(|&n| n >= 1);
    let mut refs = |field: RefField, list: Vec<S<String>>| {
        let (values, positions) = split_list(list);
        cs.refs.insert(field, positions);
        values
    };
    let requires = refs(RefField::Requires, r.requires);
    let requires_at_start = refs(RefField::RequiresAtStart, r.requires_at_start);
    let degrades_without = refs(RefField::DegradesWithout, r.degrades_without);
    let monitored_by = refs(RefField::MonitoredBy, r.monitored_by);
    let holds_credentials_for = refs(RefField::HoldsCredentialsFor, r.holds_credentials_for);
    let mut place = |attr: &'static str, v: Option<S<String>>| {
        let (value, p) = split_opt(v);
        if value.is_some() {
            cs.placement.insert(attr, p);
        }
        value
    };
    let region = place("region", r.region);
    let zone = place("zone", r.zone);
    let host = place("host", r.host);
    let provider = place("provider", r.provider);
    let power = place("power", r.power);
    let network = place("network", r.network);
    let mut mesh = |name: &'static str, list: Vec<S<String>>| {
        let (values, positions) = split_list(list);
        if !values.is_empty() {
            cs.mesh.insert(name, positions);
        }
        values
    };
    let shared_into = mesh("shared_into", r.shared_into);
    let relays = mesh("relays", r.relays);
    let routes = mesh("routes", r.routes);
    let primary_routes = mesh("primary_routes", r.primary_routes);
    let (tailnet, tailnet_at) = split_opt(r.tailnet);
    if tailnet.is_some() {
        cs.mesh.insert("tailnet", vec![tailnet_at]);
    }
    let mut flag = |name: &'static str, v: Option<S<bool>>| {
        v.map(|v| {
            cs.fields.insert(name, pos(&v.referenced));
            v.value
        })
    };
    let critical = flag("critical", r.critical).unwrap_or(false);
    let target = flag("target", r.target);
    let add = flag("add", r.add).unwrap_or(false);
    let direct = flag("direct", r.direct);
    let exit_node = flag("exit_node", r.exit_node).unwrap_or(false);
    let ephemeral = flag("ephemeral", r.ephemeral).unwrap_or(false);
    let labels = r.labels.map(|l| {
        cs.fields.insert("labels", pos(&l.referenced));
        l.value
    });
    let kind = r.kind.map(|k| {
        cs.fields.insert("kind", pos(&k.referenced));
        k.value
    });
    let (drop, drop_at) = split_list(r.drop);
    cs.drop = drop_at;
    let component = Component {
        id: r.id.value,
        kind,
        requires,
        need,
        requires_at_start,
        degrades_without,
        monitored_by,
        holds_credentials_for,
        critical,
        target,
        availability,
        mtbf,
        mttr,
        region,
        zone,
        host,
        provider,
        power,
        network,
        tailnet,
        shared_into,
        relays,
        direct,
        routes,
        primary_routes,
        exit_node,
        ephemeral,
        labels: labels.unwrap_or_default(),
        add,
        drop,
    };
    (component, cs)
}

/// Parser limits: generous enough for a whole estate (a million references), small enough that a
/// hostile input cannot exhaust the page's memory.
fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = 40_000_000;
    budget.max_nodes = 20_000_000;
    budget.max_total_scalar_bytes = 512 << 20;
    budget.max_reader_input_bytes = Some(512 << 20);
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options
}

fn is_blank(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t == "---"
    })
}

/// First line of a parser message, without the location it may already carry.
fn clean_message(message: &str) -> String {
    let mut first = message.lines().next().unwrap_or_default().trim();
    first = first.strip_prefix("error: ").unwrap_or(first);
    // "line 5 column 7: message" → "message"
    if let Some(rest) = first.strip_prefix("line ") {
        if let Some((_, msg)) = rest.split_once(": ") {
            first = msg;
        }
    }
    let first = match first.find(" at line ") {
        Some(i) => &first[..i],
        None => first,
    };
    first.trim_end_matches('.').to_string()
}

fn classify(message: &str) -> ErrorKind {
    if message.contains("expected sequence start") || message.contains("expected mapping start") {
        ErrorKind::InvalidValue
    } else if message.contains("unknown field") {
        ErrorKind::UnknownField
    } else if message.contains("invalid type") || message.contains("invalid value") || message.contains("missing field")
    {
        ErrorKind::InvalidValue
    } else {
        ErrorKind::Syntax
    }
}

fn read_spanned(text: &str) -> Result<RawTopology, Error> {
    serde_saphyr::from_str_with_options::<RawTopology>(text, options()).map_err(|e| {
        let message = clean_message(&e.to_string());
        let p = e.location().as_ref().and_then(pos);
        Error::new(classify(&message), p, explain(&message))
    })
}

/// Adds what the format expected to serde's terse messages.
fn explain(message: &str) -> String {
    if message.contains("missing field `components`") {
        return "missing `components`: expected a mapping with a `components:` list".into();
    }
    if message.contains("unknown field") {
        return message.replace("expected one of", "expected one of the fields");
    }
    if message.contains("expected sequence start") {
        return "expected a list here, such as `[a, b]`".into();
    }
    if message.contains("expected mapping start") {
        return "expected a mapping here, such as `{id: api}`".into();
    }
    message.to_string()
}

/// Reads the native format, YAML or JSON, without checking references (see [`crate::Model::build`]).
///
/// # Errors
/// Syntax errors, unknown fields, wrong types and out-of-range values, each with its position.
pub fn parse(text: &str) -> Result<Document, Errors> {
    if is_blank(text) {
        return Err(Errors::one(Error::empty_input("a topology with a `components:` list")));
    }
    let fast = is_large_json(text);
    if fast {
        // Anything wrong is read again below, for the messages.
        if let Some(doc) = parse_large_json(text) {
            return Ok(doc);
        }
    }
    let raw = if fast {
        match serde_json::from_str::<RawTopology>(text) {
            Ok(raw) => raw,
            Err(e) => {
                let message = clean_message(&e.to_string());
                let p = Pos::new(e.line() as u32, e.column() as u32);
                return Err(Errors::one(Error::new(classify(&message), Some(p), explain(&message))));
            }
        }
    } else {
        read_spanned(text).map_err(Errors::one)?
    };
    let mut errors = Vec::new();
    let doc = convert(raw, &mut errors);
    if errors.is_empty() {
        Ok(doc)
    } else if fast {
        // serde_json keeps no positions: read again with them, for the messages.
        let mut errors = Vec::new();
        convert(read_spanned(text).map_err(Errors::one)?, &mut errors);
        Err(Errors(errors))
    } else {
        Err(Errors(errors))
    }
}

fn is_large_json(text: &str) -> bool {
    text.len() >= FAST_JSON_BYTES && text.trim_start().starts_with('{')
}

/// Large JSON (1 MiB or more) in the native format, read straight into the spec types: five
/// times faster than through the position-keeping wrappers, and without positions. `None` for
/// smaller text, text that is not a valid native topology (another format, a syntax error, an
/// unknown field, a value out of range): [`parse`] reads those with positions, for the
/// messages. What this reads is what [`parse`] gives for the same text.
///
/// # Complexity
/// O(n) in the text's length.
pub fn parse_large_json(text: &str) -> Option<Document> {
    if !is_large_json(text) {
        return None;
    }
    let topology = serde_json::from_str::<Topology>(text).ok()?;
    let valid = topology.components.iter().chain(&topology.shards).chain(&topology.relays).all(values_ok);
    valid.then(|| Document::from_topology(topology))
}

/// Reads the native format with positions, whatever its size (the slow path [`parse`] takes
/// for large JSON only when something is wrong).
///
/// # Errors
/// As [`parse`].
pub fn parse_spanned(text: &str) -> Result<Document, Errors> {
    if is_blank(text) {
        return Err(Errors::one(Error::empty_input("a topology with a `components:` list")));
    }
    let mut errors = Vec::new();
    let doc = convert(read_spanned(text).map_err(Errors::one)?, &mut errors);
    if errors.is_empty() {
        Ok(doc)
    } else {
        Err(Errors(errors))
    }
}

/// Serializes a topology as YAML (the native format).
pub fn to_yaml(topology: &Topology) -> String {
    serde_saphyr::to_string(topology).unwrap_or_default()
}
