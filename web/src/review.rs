//! The review of an export, as the page runs it: what the export said before the overlay (the
//! baseline), what each click writes into the overlay (an edge's meaning, a component's
//! criticality, target, placement or need), and what each note offers (accept or flip an
//! inference, revert an overlay change). Plain Rust, tested natively; the text itself is
//! written by [`crate::overlay_text`].

use std::collections::{BTreeMap, BTreeSet};

use blastmap_core::format::{Document, RefField};
use blastmap_core::model::Origin;
use blastmap_core::note::{Note, NoteKind};
use blastmap_core::{Component, Model, Topology};
use serde::{Deserialize, Serialize};

use crate::overlay_text::{self, Change, Key, Scalar, MEANINGS};

/// What the export said of a component before the overlay (an importer's inferences included).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    #[serde(default)]
    pub critical: bool,
    #[serde(default)]
    pub target: Option<bool>,
    #[serde(default)]
    pub need: Option<u32>,
    #[serde(default)]
    pub kind: Option<String>,
    /// Placement values by attribute (`zone` → `eu-west-1a`).
    #[serde(default)]
    pub placement: BTreeMap<String, String>,
    /// Its edges with one of the four meanings, by the id they point to.
    #[serde(default)]
    pub edges: BTreeMap<String, RefField>,
}

impl Baseline {
    fn of(c: &Component) -> Baseline {
        let mut edges = BTreeMap::new();
        for f in MEANINGS {
            for to in f.of(c) {
                edges.entry(to.clone()).or_insert(f);
            }
        }
        let placement = [("region", &c.region), ("zone", &c.zone), ("host", &c.host)]
            .into_iter()
            .filter_map(|(k, v)| v.clone().map(|v| (k.to_string(), v)))
            .collect();
        Baseline { critical: c.critical, target: c.target, need: c.need, kind: c.kind.clone(), placement, edges }
    }

    /// The value of `key` as the export had it.
    fn scalar(&self, key: Key) -> Option<Scalar> {
        match key {
            Key::Critical => Some(Scalar::Bool(self.critical)),
            Key::Target => self.target.map(Scalar::Bool),
            Key::Need => self.need.map(Scalar::Int),
            Key::Kind => self.kind.clone().map(Scalar::Text),
            Key::Region | Key::Zone | Key::Host => self.placement.get(key.name()).cloned().map(Scalar::Text),
            _ => None,
        }
    }
}

/// `catalog` for `catalog#2`: the stem of a replica id.
fn stem(id: &str) -> Option<&str> {
    let (stem, n) = id.rsplit_once('#')?;
    (!stem.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).then_some(stem)
}

/// The baseline of the components `subjects` names (and their replicas `ID#n`), read from the
/// export alone.
///
/// # Complexity
/// O(C) for C components of the export.
pub fn baseline(export: &Topology, subjects: &BTreeSet<&str>) -> BTreeMap<String, Baseline> {
    export
        .components
        .iter()
        .filter(|c| subjects.contains(c.id.as_str()) || stem(&c.id).is_some_and(|s| subjects.contains(s)))
        .map(|c| (c.id.clone(), Baseline::of(c)))
        .collect()
}

/// The ids the baseline is wanted for: the subjects of the notes and the edges' ends.
pub fn subjects(notes: &[Note]) -> BTreeSet<&str> {
    notes
        .iter()
        .flat_map(|n| std::iter::once(n.subject.as_str()).chain(n.edge.as_ref().map(|e| e.from.as_str())))
        .collect()
}

/// The replica group whose dependencies `id` holds (`catalog` for `catalog#1`), when it is one.
pub fn group_of(model: &Model, id: &str) -> Option<String> {
    let g = stem(id)?;
    let (v, r) = (model.lookup(g)?, model.lookup(id)?);
    model.requires(v).contains(&r).then(|| g.to_string())
}

/// The replicas of group `id` (`ID#n` that it requires), in order.
pub fn replicas(model: &Model, id: &str) -> Vec<String> {
    let Some(v) = model.lookup(id) else { return Vec::new() };
    model.requires(v).iter().map(|&r| model.name(r)).filter(|r| stem(r) == Some(id)).map(str::to_string).collect()
}

/// The meaning of the edge `from` → `to` in `model` (one of the four), if it has one.
pub fn meaning_in(model: &Model, from: &str, to: &str) -> Option<RefField> {
    let (v, t) = (model.lookup(from)?, model.lookup(to)?);
    [
        (RefField::Requires, model.requires(v)),
        (RefField::RequiresAtStart, model.start(v)),
        (RefField::DegradesWithout, model.degrades(v)),
        (RefField::MonitoredBy, model.monitors(v)),
    ]
    .into_iter()
    .find_map(|(f, list)| list.contains(&t).then_some(f))
}

/// How many notes of each kind: (inferred, overlay, observed).
pub fn note_counts(notes: &[Note]) -> (usize, usize, usize) {
    notes.iter().fold((0, 0, 0), |(i, o, b), n| match n.kind {
        NoteKind::Inferred => (i + 1, o, b),
        NoteKind::Overlay => (i, o + 1, b),
        NoteKind::Observed => (i, o, b + 1),
        // Policy notes are counted apart (they are no review of the export).
        NoteKind::Policy => (i, o, b),
    })
}

/// How the page names a meaning (`None`: dropped).
pub fn meaning_name(m: Option<RefField>) -> &'static str {
    match m {
        Some(RefField::Requires) => "requires",
        Some(RefField::RequiresAtStart) => "start order only",
        Some(RefField::DegradesWithout) => "soft (degrades)",
        Some(RefField::MonitoredBy) => "telemetry",
        Some(RefField::HoldsCredentialsFor) => "credentials",
        None => "dropped",
    }
}

/// A review action of the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Refine {
    /// The edge `from` → `to` means `meaning` (`None`: dropped). Unless `explicit`, a meaning
    /// the export already gives it takes the overlay's word back instead of repeating it.
    Edge { from: String, to: String, meaning: Option<RefField>, explicit: bool },
    /// `key` of `id` is `value` (`None`: the overlay stops writing it). Unless `explicit`, the
    /// export's own value takes the overlay's word back.
    Scalar { id: String, key: Key, value: Option<Scalar>, explicit: bool },
}

/// What a review action writes: the overlay entry, the change, and a sentence saying it.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub id: String,
    pub change: Change,
    pub what: String,
}

/// What the review knows: the current model, the baseline and the overlay as it reads now.
pub struct Context<'a> {
    pub model: &'a Model,
    pub baseline: &'a BTreeMap<String, Baseline>,
    pub overlay: Option<&'a Document>,
}

impl Context<'_> {
    /// The meaning of `from` → `to` in the export: the baseline's, for the components the
    /// overlay touched (a group's edge stands on its replicas); else the current one.
    pub fn export_meaning(&self, from: &str, to: &str) -> Option<RefField> {
        let own = |id: &str| self.baseline.get(id).map(|b| b.edges.get(to).copied());
        let replica = replicas(self.model, from).into_iter().find_map(|r| own(&r).flatten());
        match own(from) {
            Some(Some(m)) => Some(m),
            Some(None) => replica,
            None => meaning_in(self.model, from, to)
                .or(replica)
                .or_else(|| replicas(self.model, from).iter().find_map(|r| meaning_in(self.model, r, to))),
        }
    }

    /// The overlay entry for `id`, when the overlay reads and has one.
    pub fn entry(&self, id: &str) -> Option<&Component> {
        self.overlay.and_then(|d| overlay_text::entry(d, id))
    }

    /// The current value of `key` of `id`, as the model has it.
    fn current(&self, id: &str, key: Key) -> Option<Scalar> {
        let v = self.model.lookup(id)?;
        let node = self.model.node(v);
        match key {
            Key::Critical => Some(Scalar::Bool(node.critical)),
            Key::Target => node.target.map(Scalar::Bool),
            Key::Need => Some(Scalar::Int(self.model.need(v))),
            Key::Kind => node.kind.clone().map(Scalar::Text),
            Key::Region | Key::Zone | Key::Host | Key::Provider | Key::Power | Key::Network => {
                placement_of(self.model, id, key.name()).map(Scalar::Text)
            }
            Key::Availability => None,
        }
    }

    /// The export's value of `key` of `id`.
    fn export_value(&self, id: &str, key: Key) -> Option<Scalar> {
        match self.baseline.get(id) {
            Some(b) => b.scalar(key),
            None => self.current(id, key),
        }
    }

    /// What `r` writes into the overlay.
    ///
    /// # Errors
    /// Why it writes nothing (it names a component the topology lacks).
    pub fn plan(&self, r: &Refine) -> Result<Plan, String> {
        match r {
            Refine::Edge { from, to, meaning, explicit } => {
                if self.model.lookup(from).is_none() {
                    return Err(format!("`{from}` is not in the topology"));
                }
                let holder = group_of(self.model, from).unwrap_or_else(|| from.clone());
                let export = self.export_meaning(&holder, to).or_else(|| self.export_meaning(from, to));
                let change = match meaning {
                    None if export.is_none() => Change::Forget { to: to.clone() },
                    None => Change::Drop { to: to.clone() },
                    Some(m) if !explicit && Some(*m) == export => Change::Forget { to: to.clone() },
                    Some(m) => Change::Mean { to: to.clone(), field: *m },
                };
                let on = if holder == *from { String::new() } else { format!(" (on every replica of `{holder}`)") };
                let what = match (&change, meaning) {
                    (Change::Forget { .. }, Some(m)) => {
                        format!("`{holder}` → `{to}`: {}, as the export says{on}", meaning_name(Some(*m)))
                    }
                    (Change::Forget { .. }, None) => format!("`{holder}` → `{to}`: removed{on}"),
                    (_, m) => format!("`{holder}` → `{to}`: {}{on}", meaning_name(*m)),
                };
                Ok(Plan { id: holder, change, what })
            }
            Refine::Scalar { id, key, value, explicit } => {
                if self.model.lookup(id).is_none() {
                    return Err(format!("`{id}` is not in the topology"));
                }
                let back = !explicit && *value == self.export_value(id, *key);
                let change = match value {
                    Some(v) if !back => Change::Set { key: *key, value: v.clone() },
                    _ => Change::Unset { key: *key },
                };
                let shown = match value {
                    Some(Scalar::Bool(b)) => b.to_string(),
                    Some(Scalar::Int(n)) => n.to_string(),
                    Some(Scalar::Text(t)) => format!("`{t}`"),
                    None => "as the export says".into(),
                };
                let what = if back && value.is_some() {
                    format!("`{id}`: {} {shown}, as the export says", key.name())
                } else {
                    format!("`{id}`: {} {shown}", key.name())
                };
                Ok(Plan { id: id.clone(), change, what })
            }
        }
    }
}

/// The value of placement attribute `attr` of `id` in `model`.
pub fn placement_of(model: &Model, id: &str, attr: &str) -> Option<String> {
    let v = model.lookup(id)?;
    model.placement(v).iter().find_map(|&p| match model.node(p).origin {
        Origin::Placement(a) if a == attr => model.name(p).split_once(':').map(|(_, value)| value.to_string()),
        _ => None,
    })
}

/// Where a reviewed inference stands in the overlay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The overlay says nothing of it yet.
    Open,
    /// The overlay writes it explicitly.
    Accepted,
    /// The overlay writes the opposite.
    Flipped,
}

/// What a note offers: accept and flip (inferences), revert (the overlay's own changes).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Offers {
    pub accept: Option<Refine>,
    pub flip: Option<Refine>,
    pub revert: Option<Refine>,
    pub verdict: Option<Verdict>,
}

/// The target value an inference without an edge concluded (a load generator: `false`; an
/// entry point: `true`), read from the baseline (what the export alone says).
fn inferred_target(ctx: &Context<'_>, note: &Note) -> Option<bool> {
    match ctx.baseline.get(&note.subject) {
        Some(b) => b.target,
        None => ctx.model.lookup(&note.subject).and_then(|v| ctx.model.node(v).target),
    }
}

/// What `note` offers in `ctx`.
pub fn offers(ctx: &Context<'_>, note: &Note) -> Offers {
    match (note.kind, &note.edge) {
        (NoteKind::Inferred, Some(e)) => {
            let holder = group_of(ctx.model, &e.from).unwrap_or_else(|| e.from.clone());
            let edge = |meaning| Refine::Edge { from: e.from.clone(), to: e.to.clone(), meaning, explicit: true };
            let verdict = ctx.entry(&holder).map_or(Verdict::Open, |c| {
                let listed = MEANINGS.into_iter().find(|f| f.of(c).contains(&e.to));
                match (listed, c.drop.contains(&e.to)) {
                    (Some(f), _) if Some(f) == e.field => Verdict::Accepted,
                    (None, true) if e.field.is_none() => Verdict::Accepted,
                    (Some(_), _) | (None, true) => Verdict::Flipped,
                    (None, false) => Verdict::Open,
                }
            });
            Offers {
                accept: Some(edge(e.field)),
                flip: (e.was != e.field).then(|| edge(e.was)),
                revert: None,
                verdict: Some(verdict),
            }
        }
        (NoteKind::Inferred, None) => {
            let Some(b) = inferred_target(ctx, note) else { return Offers::default() };
            let set = |v: bool| Refine::Scalar {
                id: note.subject.clone(),
                key: Key::Target,
                value: Some(Scalar::Bool(v)),
                explicit: true,
            };
            let verdict = match ctx.entry(&note.subject).and_then(|c| c.target) {
                Some(t) if t == b => Verdict::Accepted,
                Some(_) => Verdict::Flipped,
                None => Verdict::Open,
            };
            Offers { accept: Some(set(b)), flip: Some(set(!b)), revert: None, verdict: Some(verdict) }
        }
        (NoteKind::Overlay, Some(e)) => {
            let listed = ctx
                .entry(&e.from)
                .is_some_and(|c| MEANINGS.iter().any(|f| f.of(c).contains(&e.to)) || c.drop.contains(&e.to));
            let revert = (listed && note.rule != "overlay.holds_credentials_for").then(|| Refine::Edge {
                from: e.from.clone(),
                to: e.to.clone(),
                meaning: e.was,
                explicit: false,
            });
            Offers { revert, ..Offers::default() }
        }
        (NoteKind::Overlay, None) => {
            let key = note.rule.strip_prefix("overlay.").and_then(Key::parse);
            let written = |k: Key| {
                ctx.overlay.is_some_and(|d| {
                    d.topology.components.iter().zip(&d.spans).any(|(c, s)| {
                        c.id == note.subject && (s.fields.contains_key(k.name()) || s.placement.contains_key(k.name()))
                    })
                })
            };
            let revert = key.filter(|&k| written(k)).map(|key| Refine::Scalar {
                id: note.subject.clone(),
                key,
                value: None,
                explicit: false,
            });
            Offers { revert, ..Offers::default() }
        }
        (NoteKind::Observed | NoteKind::Policy, _) => Offers::default(),
    }
}

/// The overlay lines that write what an inference concluded (the inferences the overlay
/// accepts), by line, with the inference's rule. The overlay warns that such a line "changes
/// nothing": here that is a confirmation, written on purpose so the review records it.
pub fn confirmations(ctx: &Context<'_>, notes: &[Note]) -> BTreeMap<u32, String> {
    let Some(doc) = ctx.overlay else { return BTreeMap::new() };
    let mut out = BTreeMap::new();
    for n in notes.iter().filter(|n| n.kind == NoteKind::Inferred) {
        if offers(ctx, n).verdict != Some(Verdict::Accepted) {
            continue;
        }
        let holder = n
            .edge
            .as_ref()
            .map_or_else(|| n.subject.clone(), |e| group_of(ctx.model, &e.from).unwrap_or_else(|| e.from.clone()));
        let Some(i) = doc.topology.components.iter().position(|c| c.id == holder) else { continue };
        let (Some(c), Some(spans)) = (doc.topology.components.get(i), doc.spans.get(i)) else { continue };
        let pos = match &n.edge {
            Some(e) => match e.field {
                Some(f) => f.of(c).iter().position(|r| *r == e.to).and_then(|k| spans.reference(f, k)),
                None => c.drop.iter().position(|r| *r == e.to).and_then(|k| spans.drop.get(k).copied().flatten()),
            },
            None => spans.fields.get("target").copied().flatten(),
        };
        if let Some(p) = pos {
            out.insert(p.line, n.rule.clone());
        }
    }
    out
}

/// Edge provenance marks: an inference changed it, the overlay changed it, and (when traces
/// were compared) declared and observed, observed only, declared only.
pub const INFERRED: u8 = 1;
pub const OVERLAY: u8 = 2;
pub const BOTH: u8 = 4;
pub const OBSERVED_ONLY: u8 = 8;
pub const DECLARED_ONLY: u8 = 16;

/// The marks, one bit each, with their names as the legend and the filter say them.
pub const MARKS: [(u8, &str, &str); 5] = [
    (OVERLAY, "overlay", "changed by the overlay"),
    (INFERRED, "inferred", "inferred by the importer"),
    (DECLARED_ONLY, "declared-only", "declared, never observed"),
    (OBSERVED_ONLY, "observed-only", "observed, not declared"),
    (BOTH, "both", "declared and observed"),
];

/// The mark a note puts on its edge.
fn mark(note: &Note) -> u8 {
    match note.kind {
        NoteKind::Inferred => INFERRED,
        NoteKind::Overlay => OVERLAY,
        NoteKind::Observed => match note.rule.as_str() {
            "observed.both" => BOTH,
            "observed.only" => OBSERVED_ONLY,
            "declared.only" => DECLARED_ONLY,
            _ => 0,
        },
        NoteKind::Policy => 0,
    }
}

/// Each edge's marks, by (from, to), for the edges the notes leave in the topology.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Marks(BTreeMap<(String, String), u8>);

impl Marks {
    pub fn of(notes: &[Note]) -> Marks {
        let mut marks: BTreeMap<(String, String), u8> = BTreeMap::new();
        for n in notes {
            let Some(e) = n.edge.as_ref().filter(|e| e.field.is_some() || n.kind == NoteKind::Observed) else {
                continue;
            };
            *marks.entry((e.from.clone(), e.to.clone())).or_default() |= mark(n);
        }
        Marks(marks)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every mark some edge has.
    pub fn present(&self) -> u8 {
        self.0.values().fold(0, |a, &m| a | m)
    }

    /// The marks of edge `from` → `to` (a replica's edge carries its group's notes).
    pub fn get(&self, from: &str, to: &str) -> u8 {
        let key = |f: &str| self.0.get(&(f.to_string(), to.to_string())).copied().unwrap_or(0);
        key(from) | stem(from).map_or(0, key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use blastmap_core::note::EdgeRef;

    const COMPOSE: &str = include_str!("../../crates/blastmap-import/tests/fixtures/overlay/shop-compose.yml");

    fn merged(overlay: &str) -> (blastmap_import::Loaded, BTreeMap<String, Baseline>) {
        let inputs = crate::protocol::Input::of(COMPOSE, overlay);
        let loaded = crate::load::load_inputs(&inputs).unwrap();
        let export = crate::load::load(COMPOSE).unwrap();
        let b = baseline(&export.compiled.written.topology, &subjects(&loaded.compiled.written.notes));
        (loaded, b)
    }

    fn edge(from: &str, to: &str, meaning: Option<RefField>) -> Refine {
        Refine::Edge { from: from.into(), to: to.into(), meaning, explicit: false }
    }

    #[test]
    fn an_edge_click_writes_the_meaning_or_takes_the_overlays_word_back() {
        let overlay = "overlay: true\ncomponents:\n  - id: frontend\n    requires_at_start: [config]\n";
        let (l, b) = merged(overlay);
        let doc = overlay_text::read(overlay).unwrap();
        let ctx = Context { model: &l.compiled.model, baseline: &b, overlay: Some(&doc) };
        assert_eq!(b["frontend"].edges["config"], RefField::Requires, "the export's meaning");
        let p = ctx.plan(&edge("frontend", "collector", Some(RefField::MonitoredBy))).unwrap();
        assert_eq!(p.change, Change::Mean { to: "collector".into(), field: RefField::MonitoredBy });
        assert_eq!(p.what, "`frontend` → `collector`: telemetry");
        // Back to what the export says: the overlay's line goes.
        let p = ctx.plan(&edge("frontend", "config", Some(RefField::Requires))).unwrap();
        assert_eq!((p.id.as_str(), &p.change), ("frontend", &Change::Forget { to: "config".into() }));
        assert_eq!(p.what, "`frontend` → `config`: requires, as the export says");
        // Explicit (accepting an inference): written all the same.
        let explicit = Refine::Edge {
            from: "frontend".into(),
            to: "config".into(),
            meaning: Some(RefField::Requires),
            explicit: true,
        };
        assert!(matches!(ctx.plan(&explicit).unwrap().change, Change::Mean { .. }));
        // Dropping an export edge is a drop.
        let p = ctx.plan(&edge("payments", "legacy-audit", None)).unwrap();
        assert_eq!(p.change, Change::Drop { to: "legacy-audit".into() });
        // A replica's edge is written on its group, for every replica.
        let p = ctx.plan(&edge("catalog#2", "collector", Some(RefField::MonitoredBy))).unwrap();
        assert_eq!(p.id, "catalog");
        assert_eq!(p.what, "`catalog` → `collector`: telemetry (on every replica of `catalog`)");
        assert!(ctx.plan(&edge("nope", "db", None)).is_err());
    }

    #[test]
    fn a_replicated_workloads_edge_knows_its_export_meaning_after_the_overlay_moved_it() {
        let overlay = "overlay: true\ncomponents:\n  - id: catalog\n    monitored_by: [collector]\n";
        let (l, b) = merged(overlay);
        assert!(b.contains_key("catalog#1"), "replicas are in the baseline: {:?}", b.keys());
        let doc = overlay_text::read(overlay).unwrap();
        let ctx = Context { model: &l.compiled.model, baseline: &b, overlay: Some(&doc) };
        assert_eq!(ctx.export_meaning("catalog", "collector"), Some(RefField::Requires));
        let p = ctx.plan(&edge("catalog#1", "collector", Some(RefField::Requires))).unwrap();
        assert_eq!((p.id.as_str(), p.change), ("catalog", Change::Forget { to: "collector".into() }));
        // Its note offers the same revert.
        let note = l.compiled.written.notes.iter().find(|n| n.rule == "overlay.monitored_by").unwrap();
        let revert = offers(&ctx, note).revert.unwrap();
        assert_eq!(ctx.plan(&revert).unwrap().change, Change::Forget { to: "collector".into() });
    }

    #[test]
    fn scalars_written_or_taken_back() {
        let overlay = "overlay: true\ncomponents:\n  - id: db\n    zone: eu-west-1a\n";
        let (l, b) = merged(overlay);
        let doc = overlay_text::read(overlay).unwrap();
        let ctx = Context { model: &l.compiled.model, baseline: &b, overlay: Some(&doc) };
        let set = |id: &str, key, value| Refine::Scalar { id: id.into(), key, value, explicit: false };
        let p = ctx.plan(&set("frontend", Key::Critical, Some(Scalar::Bool(true)))).unwrap();
        assert_eq!(p.change, Change::Set { key: Key::Critical, value: Scalar::Bool(true) });
        assert_eq!(p.what, "`frontend`: critical true");
        let p = ctx.plan(&set("db", Key::Zone, Some(Scalar::Text("eu-west-1b".into())))).unwrap();
        assert_eq!(p.change, Change::Set { key: Key::Zone, value: Scalar::Text("eu-west-1b".into()) });
        // The export had no zone for db: unset is what it says.
        let p = ctx.plan(&set("db", Key::Zone, None)).unwrap();
        assert_eq!(p.change, Change::Unset { key: Key::Zone });
        // The overlay's note about the zone offers the revert.
        let note = l.compiled.written.notes.iter().find(|n| n.rule == "overlay.zone").unwrap();
        assert_eq!(offers(&ctx, note).revert, Some(set("db", Key::Zone, None)));
    }

    fn inferred(subject: &str, edge: Option<EdgeRef>) -> Note {
        Note {
            kind: NoteKind::Inferred,
            rule: "test.rule".into(),
            subject: subject.into(),
            edge,
            pos: None,
            message: "m".into(),
        }
    }

    #[test]
    fn inferences_offer_accept_and_flip_and_know_their_verdict() {
        let export = "components:\n  - {id: web, monitored_by: [otel], critical: true}\n  - {id: otel}\n  - {id: loadgen, requires: [web], target: false}\n";
        let l = crate::load::load(export).unwrap();
        let telemetry = inferred(
            "web",
            Some(EdgeRef {
                from: "web".into(),
                to: "otel".into(),
                field: Some(RefField::MonitoredBy),
                was: Some(RefField::Requires),
            }),
        );
        let loadgen = inferred("loadgen", None);
        let notes = [telemetry.clone(), loadgen.clone()];
        let b = baseline(&l.compiled.written.topology, &subjects(&notes));
        for (overlay, verdicts) in [
            ("", [Verdict::Open, Verdict::Open]),
            (
                "components:\n  - {id: web, monitored_by: [otel]}\n  - {id: loadgen, target: false}\n",
                [Verdict::Accepted; 2],
            ),
            ("components:\n  - {id: web, requires: [otel]}\n  - {id: loadgen, target: true}\n", [Verdict::Flipped; 2]),
        ] {
            let doc = overlay_text::read(overlay);
            let ctx = Context { model: &l.compiled.model, baseline: &b, overlay: doc.as_ref() };
            let got: Vec<_> = notes.iter().map(|n| offers(&ctx, n).verdict.unwrap()).collect();
            assert_eq!(got, verdicts, "{overlay}");
        }
        // An accepted inference's lines are confirmations, not stale lines.
        let accepted = overlay_text::read(
            "components:\n  - {id: web, monitored_by: [otel]}\n  - id: loadgen\n    target: false\n",
        );
        let ctx = Context { model: &l.compiled.model, baseline: &b, overlay: accepted.as_ref() };
        let lines: Vec<u32> = confirmations(&ctx, &notes).into_keys().collect();
        assert_eq!(lines, [2, 4]);
        let ctx = Context { model: &l.compiled.model, baseline: &b, overlay: None };
        let o = offers(&ctx, &telemetry);
        let accept = ctx.plan(&o.accept.unwrap()).unwrap();
        assert_eq!(accept.change, Change::Mean { to: "otel".into(), field: RefField::MonitoredBy });
        let flip = ctx.plan(&o.flip.unwrap()).unwrap();
        assert_eq!(flip.change, Change::Mean { to: "otel".into(), field: RefField::Requires });
        let o = offers(&ctx, &loadgen);
        assert_eq!(
            ctx.plan(&o.accept.unwrap()).unwrap().change,
            Change::Set { key: Key::Target, value: Scalar::Bool(false) }
        );
        assert_eq!(
            ctx.plan(&o.flip.unwrap()).unwrap().change,
            Change::Set { key: Key::Target, value: Scalar::Bool(true) }
        );
    }

    #[test]
    fn the_importers_own_inferences_offer_accept_and_flip() {
        // Notes as the compose importer makes them (`blastmap_import::infer`), not written here.
        const SHOP: &str = include_str!("../../crates/blastmap-import/tests/fixtures/infer/walkthrough-compose.yml");
        let l = crate::load::load(SHOP).unwrap();
        let notes = &l.compiled.written.notes;
        let b = baseline(&l.compiled.written.topology, &subjects(notes));
        let ctx = Context { model: &l.compiled.model, baseline: &b, overlay: None };
        let collector = |field| Change::Mean { to: "otel-collector".into(), field };
        // A replicated service's edge: written on its group.
        let edge = notes.iter().find(|n| n.edge.as_ref().is_some_and(|e| e.from == "catalog")).unwrap();
        let o = offers(&ctx, edge);
        assert_eq!(o.verdict, Some(Verdict::Open));
        let accept = ctx.plan(&o.accept.unwrap()).unwrap();
        assert_eq!((accept.id.as_str(), accept.change), ("catalog", collector(RefField::MonitoredBy)));
        assert_eq!(ctx.plan(&o.flip.unwrap()).unwrap().change, collector(RefField::Requires));
        // The sink and the entry point: their target.
        let target = |v| Change::Set { key: Key::Target, value: Scalar::Bool(v) };
        let sink = notes.iter().find(|n| n.rule == "telemetry-sink" && n.edge.is_none()).unwrap();
        let o = offers(&ctx, sink);
        assert_eq!(
            (ctx.plan(&o.accept.unwrap()).unwrap().change, ctx.plan(&o.flip.unwrap()).unwrap().change),
            (target(false), target(true))
        );
        let entry = notes.iter().find(|n| n.rule == "entry-point").unwrap();
        let o = offers(&ctx, entry);
        assert_eq!(
            (ctx.plan(&o.accept.unwrap()).unwrap().change, ctx.plan(&o.flip.unwrap()).unwrap().change),
            (target(true), target(false))
        );
        // Every edge the inferences changed is marked.
        let marks = Marks::of(notes);
        assert_eq!(marks.get("catalog#2", "otel-collector"), INFERRED);
        assert_eq!(marks.get("frontend", "otel-collector"), INFERRED);
    }

    #[test]
    fn edges_carry_the_marks_of_their_notes_replicas_their_groups() {
        let observed = |rule: &str, from: &str, to: &str| Note {
            kind: NoteKind::Observed,
            rule: rule.into(),
            subject: from.into(),
            edge: Some(EdgeRef { from: from.into(), to: to.into(), field: Some(RefField::Requires), was: None }),
            pos: None,
            message: String::new(),
        };
        let (l, _) = merged("overlay: true\ncomponents:\n  - id: catalog\n    monitored_by: [collector]\n  - id: payments\n    drop: [legacy-audit]\n");
        let mut notes = l.compiled.written.notes.clone();
        notes.push(observed("observed.only", "a", "b"));
        notes.push(observed("declared.only", "a", "c"));
        let marks = Marks::of(&notes);
        assert_eq!(marks.get("catalog#2", "collector"), OVERLAY);
        assert_eq!(marks.get("payments", "legacy-audit"), 0, "a dropped edge is not drawn");
        assert_eq!((marks.get("a", "b"), marks.get("a", "c")), (OBSERVED_ONLY, DECLARED_ONLY));
        assert_eq!(marks.present(), OVERLAY | OBSERVED_ONLY | DECLARED_ONLY);
    }
}
