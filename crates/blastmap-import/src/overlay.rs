//! Overlays: a native file that refines, by id, what the inputs before it define, so that the
//! architect's judgement ("this edge is start order only", "this is telemetry", "these run in
//! zone a", "checkout is what matters") applies to an imported export without rewriting it.
//!
//! Rules (`docs/overlays.md` is the user's version):
//! - An entry whose id an earlier input defines refines it: each scalar field the overlay writes
//!   (`kind`, `need`, `critical`, `target`, `availability`/`mtbf`/`mttr`, placement, `tailnet`,
//!   `direct`, `exit_node`, `ephemeral`) replaces the value; `labels` merge, the overlay winning.
//! - Dependency lists add edges. An edge the component already has in another of `requires`,
//!   `requires_at_start`, `degrades_without`, `monitored_by` moves (an edge has one meaning) and
//!   keeps the position of its reference; `holds_credentials_for`, `shared_into`, `relays` and
//!   `routes` only add. On a replicated workload (a group over `ID#1` .. `ID#n`, as the compose
//!   and Kubernetes importers make them) edges change where the workload's dependencies are:
//!   on its replicas, unless the group itself lists the id.
//! - `drop: [x]` removes the component's edges to `x` in every list (its replicas' too); an id it
//!   does not list is an error at that entry (the overlay is stale). Drops apply before the lists.
//! - An id no earlier input defines is an error at its `id` with "did you mean", unless the
//!   entry says `add: true` (a new component); `add: true` on an id that exists is an error too.
//! - `critical: true` on a component marked `target: false` makes it a target again, unless the
//!   overlay also writes `target`.
//! - Every change is a [`Note`] (kind overlay, rule `overlay.<field>`, the overlay's position);
//!   every value written that changes nothing is a warning (a stale overlay), never silent.
//!
//! `shards` and `relays` entries follow the same rules; `tailnets` refine by id (`shard`,
//! `cache_netmap`, `labels`). References an overlay adds are checked where all inputs are merged
//! (`build::finish`): an unknown id there is an error with "did you mean", as in any native file.

use std::collections::{BTreeMap, BTreeSet};

use blastmap_core::error::suggest;
use blastmap_core::format::{ComponentSpans, Document, RefField, TailnetSpans};
use blastmap_core::note::{EdgeRef, Note, NoteKind};
use blastmap_core::spec::{Tailnet, PLACEMENT_ATTRIBUTES};
use blastmap_core::{Component, Error, ErrorKind, Pos};
use rustc_hash::FxHashMap;

use crate::build::Part;
use crate::Warning;

/// The lists between which an edge moves: one edge, one meaning. Credentials are apart (a trust
/// edge is not a failure dependency).
const MEANINGS: [RefField; 4] =
    [RefField::Requires, RefField::RequiresAtStart, RefField::DegradesWithout, RefField::MonitoredBy];

/// The mesh lists of a component: an overlay only adds to them.
const MESH_LISTS: [&str; 3] = ["shared_into", "relays", "routes"];

/// The inputs merged so far, which an overlay refines.
pub(crate) struct Merged<'a> {
    pub components: &'a mut Vec<Component>,
    pub spans: &'a mut Vec<ComponentSpans>,
    /// The input each component came from.
    pub origin: &'a mut Vec<usize>,
    /// Component ids to their index in `components`.
    pub index: &'a mut FxHashMap<String, usize>,
    /// The mesh sections (shards, tailnets, relays) of the merged inputs.
    pub base: &'a mut Option<Document>,
    /// The names of the inputs before the overlay (`origin` indexes them).
    pub files: &'a [Option<String>],
}

/// What an overlay changed (notes), what it wrote in vain (warnings) and what is wrong with it
/// (errors, each at its position; what could be applied was).
pub(crate) struct Applied {
    pub notes: Vec<Note>,
    pub warnings: Vec<Warning>,
    pub errors: Vec<Error>,
}

/// Applies overlay `part` (input number `input`, named `file`) to the inputs merged before it.
/// Its errors, each at its position: unknown ids, `add: true` on ids that exist, stale `drop`
/// entries, an edge given two meanings, duplicate entries, `need` beyond the dependencies.
///
/// # Complexity
/// O(R + E · L · (n + 1)) for R references in the merged inputs (read once, for the hint about
/// ids they only reference), E overlay entries, L the longest dependency list they touch and n
/// replicas of a workload; plus one "did you mean" search over the known ids per unknown id.
pub(crate) fn apply(merged: Merged<'_>, input: usize, file: &str, part: Part) -> Applied {
    let mut log = Log { file, notes: Vec::new(), warnings: Vec::new(), errors: Vec::new() };
    let referenced: BTreeSet<String> = merged
        .components
        .iter()
        .flat_map(|c| RefField::ALL.into_iter().flat_map(move |f| f.of(c).iter()))
        .filter(|r| !merged.index.contains_key(r.as_str()))
        .cloned()
        .collect();
    let rest = part.rest.unwrap_or_default();
    let entries = part.components.into_iter().zip(part.spans);
    let mut section = Section {
        list: merged.components,
        spans: merged.spans,
        index: merged.index,
        origin: Some((merged.origin, input)),
        files: merged.files,
        noun: "component",
        referenced,
        replicas: true,
    };
    section.apply(&mut log, entries);
    apply_mesh(&mut log, merged.base, rest);
    // In the order the overlay reads (entries apply fields in a fixed order; drops first).
    let key = |p: Option<Pos>| p.map_or((u32::MAX, u32::MAX), |p| (p.line, p.column));
    log.notes.sort_by_key(|n| key(n.pos));
    log.warnings.sort_by_key(|w| key(w.pos));
    Applied { notes: log.notes, warnings: log.warnings, errors: log.errors }
}

/// The overlay's `shards`, `relays` and `tailnets`, applied to the merged mesh sections.
fn apply_mesh(log: &mut Log<'_>, base: &mut Option<Document>, mut rest: Document) {
    let t = &mut rest.topology;
    if t.shards.is_empty() && t.relays.is_empty() && t.tailnets.is_empty() {
        return;
    }
    let base = base.get_or_insert_with(Document::default);
    let doc = &mut *base;
    for (noun, list, spans, entries, entry_spans) in [
        ("shard", &mut doc.topology.shards, &mut doc.shard_spans, std::mem::take(&mut t.shards), &mut rest.shard_spans),
        ("relay", &mut doc.topology.relays, &mut doc.relay_spans, std::mem::take(&mut t.relays), &mut rest.relay_spans),
    ] {
        spans.resize(list.len(), ComponentSpans::default());
        entry_spans.resize(entries.len(), ComponentSpans::default());
        let mut index: FxHashMap<String, usize> = FxHashMap::default();
        for (i, c) in list.iter().enumerate() {
            index.entry(c.id.clone()).or_insert(i);
        }
        let mut section = Section {
            list,
            spans,
            index: &mut index,
            origin: None,
            files: &[],
            noun,
            referenced: BTreeSet::new(),
            replicas: false,
        };
        section.apply(log, entries.into_iter().zip(std::mem::take(entry_spans)));
    }
    doc.tailnet_spans.resize(doc.topology.tailnets.len(), TailnetSpans::default());
    rest.tailnet_spans.resize(t.tailnets.len(), TailnetSpans::default());
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for (n, s) in std::mem::take(&mut t.tailnets).into_iter().zip(std::mem::take(&mut rest.tailnet_spans)) {
        if !seen.insert(n.id.clone()) {
            log.error(
                ErrorKind::DuplicateId,
                s.id,
                format!("tailnet `{}` twice in this overlay: expected each id once", n.id),
            );
            continue;
        }
        let found = doc.topology.tailnets.iter().position(|e| e.id == n.id);
        match (found, n.add) {
            (Some(_), true) => log.error(
                ErrorKind::DuplicateId,
                s.add.or(s.id),
                format!("tailnet `{}` is already defined: `add: true` would define it twice; without `add` this entry refines it", n.id),
            ),
            (Some(j), false) => {
                if let (Some(t), Some(ts)) = (doc.topology.tailnets.get_mut(j), doc.tailnet_spans.get_mut(j)) {
                    refine_tailnet(log, t, ts, &n, &s);
                }
            }
            (None, true) => {
                let message = format!("tailnet `{}`: added", n.id);
                log.note("overlay.add", &n.id, None, s.id, message);
                doc.topology.tailnets.push(Tailnet { add: false, ..n });
                doc.tailnet_spans.push(s);
            }
            (None, false) => {
                let names: Vec<&str> = doc.topology.tailnets.iter().map(|t| t.id.as_str()).collect();
                log.unknown(s.id, "tailnet", &n.id, names, false);
            }
        }
    }
}

fn refine_tailnet(log: &mut Log<'_>, t: &mut Tailnet, ts: &mut TailnetSpans, n: &Tailnet, s: &TailnetSpans) {
    let who = format!("tailnet `{}`", n.id);
    let mut wrote = false;
    if s.shard.is_some() || !n.shard.is_empty() {
        wrote = true;
        let pos = s.shard.or(s.id);
        let mut slot = Some(std::mem::take(&mut t.shard)).filter(|v| !v.is_empty());
        log.set(&n.id, &who, "shard", &mut slot, Some(n.shard.clone()), pos);
        t.shard = slot.unwrap_or_default();
        ts.shard = pos;
    }
    if s.cache_netmap.is_some() || n.cache_netmap {
        wrote = true;
        let pos = s.cache_netmap.or(s.id);
        log.set(&n.id, &who, "cache_netmap", &mut t.cache_netmap, n.cache_netmap, pos);
        ts.cache_netmap = pos;
    }
    if s.labels.is_some() || !n.labels.is_empty() {
        wrote = true;
        log.labels(&n.id, &who, &mut t.labels, &n.labels, s.labels.or(s.id));
    }
    if !wrote {
        log.stale(s.id, format!("tailnet `{}`: this entry writes nothing but its id", n.id));
    }
}

/// One section of entries with ids (components, shards, relays) that an overlay refines.
struct Section<'a> {
    list: &'a mut Vec<Component>,
    spans: &'a mut Vec<ComponentSpans>,
    index: &'a mut FxHashMap<String, usize>,
    /// For components: the input of each, and the overlay's input number (for added ones).
    origin: Option<(&'a mut Vec<usize>, usize)>,
    files: &'a [Option<String>],
    /// `component`, `shard`, `relay`: for messages.
    noun: &'static str,
    /// Ids earlier inputs reference without defining (they will be placeholders).
    referenced: BTreeSet<String>,
    /// Whether a group over `ID#1..ID#n` holds its dependencies on its replicas.
    replicas: bool,
}

impl Section<'_> {
    fn apply(&mut self, log: &mut Log<'_>, entries: impl Iterator<Item = (Component, ComponentSpans)>) {
        let mut seen: BTreeSet<String> = BTreeSet::new();
        for (c, s) in entries {
            if !seen.insert(c.id.clone()) {
                let message =
                    format!("`{}` twice in this overlay: expected each id once (one entry says it all)", c.id);
                log.error(ErrorKind::DuplicateId, s.id, message);
                continue;
            }
            match (self.index.get(&c.id).copied(), c.add) {
                (Some(j), true) => {
                    let first = self.defined_in(j);
                    let message = format!("`{}` is already defined{first}: `add: true` would define it twice; without `add` this entry refines it", c.id);
                    log.error(ErrorKind::DuplicateId, s.fields.get("add").copied().flatten().or(s.id), message);
                }
                (Some(j), false) => self.refine(log, j, &c, &s),
                (None, true) => self.add(log, c, s),
                (None, false) => {
                    let known: Vec<&str> = self.list.iter().map(|c| c.id.as_str()).collect();
                    let placeholder = self.referenced.contains(&c.id);
                    log.unknown(s.id.or(s.at), self.noun, &c.id, known, placeholder);
                }
            }
        }
    }

    /// " (in compose.yml)", when the component's input is known.
    fn defined_in(&self, j: usize) -> String {
        let Some((origin, _)) = &self.origin else { return String::new() };
        match origin.get(j).and_then(|&fi| self.files.get(fi)).cloned().flatten() {
            Some(f) if !f.is_empty() => format!(" (in {f})"),
            _ => String::new(),
        }
    }

    fn add(&mut self, log: &mut Log<'_>, mut c: Component, s: ComponentSpans) {
        if !c.drop.is_empty() {
            let at = s.drop.first().copied().flatten().or(s.id);
            let message = format!("`drop` on `{}`, which this overlay adds: it has no edges to drop yet", c.id);
            log.error(ErrorKind::InvalidValue, at, message);
            return;
        }
        c.add = false;
        let message = format!("`{}`: added ({})", c.id, self.noun);
        log.note("overlay.add", &c.id, None, s.id, message);
        let i = self.list.len();
        self.index.insert(c.id.clone(), i);
        self.list.push(c);
        self.spans.push(s);
        if let Some((origin, input)) = &mut self.origin {
            origin.push(*input);
        }
    }

    /// The replicas that hold the dependencies of `list[j]`: the `ID#k` it requires.
    fn replicas_of(&self, j: usize) -> Vec<usize> {
        let Some(c) = self.list.get(j).filter(|_| self.replicas) else { return Vec::new() };
        let prefix = format!("{}#", c.id);
        c.requires
            .iter()
            .filter(|r| r.strip_prefix(&prefix).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())))
            .filter_map(|r| self.index.get(r.as_str()).copied())
            .collect()
    }

    fn refine(&mut self, log: &mut Log<'_>, j: usize, c: &Component, s: &ComponentSpans) {
        let replicas = self.replicas_of(j);
        let mut wrote = false;
        if let (Some(t), Some(ts)) = (self.list.get_mut(j), self.spans.get_mut(j)) {
            wrote |= scalars(log, t, ts, c, s);
        }
        for (k, x) in c.drop.iter().enumerate() {
            wrote = true;
            self.drop(log, j, &replicas, x, s.drop.get(k).copied().flatten().or(s.id));
        }
        let mut meaning: BTreeMap<&str, RefField> = BTreeMap::new();
        for field in MEANINGS {
            for (k, x) in field.of(c).iter().enumerate() {
                wrote = true;
                let pos = s.reference(field, k).or(s.id);
                if let Some(first) = meaning.insert(x, field).filter(|&f| f != field) {
                    let message = format!(
                        "`{x}` is in both `{}` and `{}` of this entry: an edge has one meaning; keep the one you mean",
                        first.name(),
                        field.name()
                    );
                    log.error(ErrorKind::DuplicateReference, pos, message);
                    continue;
                }
                self.mean(log, j, &replicas, x, field, pos);
            }
        }
        if let (Some(t), Some(ts)) = (self.list.get_mut(j), self.spans.get_mut(j)) {
            wrote |= additions(log, t, ts, c, s);
            if s.fields.contains_key("need") || c.need.is_some() {
                let n = t.requires.len();
                if t.need.is_some_and(|k| usize::try_from(k).map_or(true, |k| k > n)) {
                    let message = format!(
                        "`need` of `{}` is {} but it requires {n}: expected at most {n}",
                        c.id,
                        t.need.unwrap_or_default()
                    );
                    log.error(ErrorKind::InvalidNeed, s.field("need"), message);
                }
            }
        }
        if !wrote {
            log.stale(s.id, format!("`{}`: this entry writes nothing but its id", c.id));
        }
    }

    /// `drop: [x]`: the edges of `list[j]` (and its replicas) to `x`, in every list.
    fn drop(&mut self, log: &mut Log<'_>, j: usize, replicas: &[usize], x: &str, pos: Option<Pos>) {
        let mut was: BTreeSet<RefField> = BTreeSet::new();
        let mut on_replicas = 0;
        for h in std::iter::once(j).chain(replicas.iter().copied()) {
            if let (Some(c), Some(cs)) = (self.list.get_mut(h), self.spans.get_mut(h)) {
                let mut had = false;
                for field in RefField::ALL {
                    if remove(c, cs, field, x).is_some() {
                        was.insert(field);
                        had = true;
                    }
                }
                on_replicas += usize::from(had && h != j);
            }
        }
        let id = self.list.get(j).map(|c| c.id.clone()).unwrap_or_default();
        let Some(&first) = was.first() else {
            let listed: BTreeSet<&str> = std::iter::once(j)
                .chain(replicas.iter().copied())
                .filter_map(|h| self.list.get(h))
                .flat_map(|c| RefField::ALL.into_iter().flat_map(move |f| f.of(c).iter().map(String::as_str)))
                .collect();
            let hint = suggest(x, listed.iter().copied()).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
            let message =
                format!("`{id}` has no edge to `{x}` to drop (the overlay is stale: has the export changed?){hint}");
            log.error(ErrorKind::UnknownReference, pos, message);
            return;
        };
        let names: Vec<&str> = was.iter().map(|f| f.name()).collect();
        let edge = EdgeRef { from: id.clone(), to: x.to_string(), field: None, was: Some(first) };
        let on = if on_replicas > 0 { format!(", on {on_replicas} of its replicas") } else { String::new() };
        let message = format!("`{id}` → `{x}`: {} dropped{on}", names.join(", "));
        log.note("overlay.drop", &id, Some(edge), pos, message);
    }

    /// `field: [x]`: the edge of `list[j]` to `x` means `field` now (moved from another meaning,
    /// or added).
    fn mean(&mut self, log: &mut Log<'_>, j: usize, replicas: &[usize], x: &str, field: RefField, pos: Option<Pos>) {
        let own = self.list.get(j).is_some_and(|c| MEANINGS.iter().any(|f| f.of(c).iter().any(|r| r == x)));
        let holders: Vec<usize> = if own || replicas.is_empty() { vec![j] } else { replicas.to_vec() };
        let mut was: BTreeSet<RefField> = BTreeSet::new();
        let mut added = false;
        for &h in &holders {
            let (Some(c), Some(cs)) = (self.list.get_mut(h), self.spans.get_mut(h)) else { continue };
            // A moved edge keeps the position of its reference (the export's, or none): the
            // overlay did not make the reference, only its meaning.
            let mut at = None;
            for other in MEANINGS.into_iter().filter(|&f| f != field) {
                if let Some(p) = remove(c, cs, other, x) {
                    was.insert(other);
                    at = at.or(p);
                }
            }
            if !field.of(c).iter().any(|r| r == x) {
                push(c, cs, field, x, if was.is_empty() { pos } else { at });
                added = true;
            }
        }
        let id = self.list.get(j).map(|c| c.id.clone()).unwrap_or_default();
        let on = if holders == [j] { String::new() } else { format!(", on its {} replicas", holders.len()) };
        let rule = format!("overlay.{}", field.name());
        if let Some(&first) = was.first() {
            let names: Vec<&str> = was.iter().map(|f| f.name()).collect();
            let edge = EdgeRef { from: id.clone(), to: x.to_string(), field: Some(field), was: Some(first) };
            let message = format!("`{id}` → `{x}`: {} → {}{on}", names.join(", "), field.name());
            log.note(&rule, &id, Some(edge), pos, message);
        } else if added {
            let edge = EdgeRef { from: id.clone(), to: x.to_string(), field: Some(field), was: None };
            let message = format!("`{id}` → `{x}`: added to {}{on}", field.name());
            log.note(&rule, &id, Some(edge), pos, message);
        } else {
            log.stale(pos, format!("`{id}` → `{x}` is already in `{}`", field.name()));
        }
    }
}

/// The scalar fields an overlay entry writes, applied to `t`. True when it wrote any.
fn scalars(log: &mut Log<'_>, t: &mut Component, ts: &mut ComponentSpans, c: &Component, s: &ComponentSpans) -> bool {
    let id = c.id.clone();
    let who = format!("`{id}`");
    let who = who.as_str();
    let written = |name: &str| s.fields.contains_key(name);
    let mut wrote = false;
    if written("kind") || c.kind.is_some() {
        wrote = true;
        log.set(&id, who, "kind", &mut t.kind, c.kind.clone(), s.field("kind"));
        ts.fields.insert("kind", s.field("kind"));
    }
    if written("need") || c.need.is_some() {
        wrote = true;
        log.set(&id, who, "need", &mut t.need, c.need, s.field("need"));
        ts.need = s.field("need");
        ts.fields.insert("need", ts.need);
    }
    let target_written = written("target") || c.target.is_some();
    if written("critical") || c.critical {
        wrote = true;
        log.set(&id, who, "critical", &mut t.critical, c.critical, s.field("critical"));
        ts.fields.insert("critical", s.field("critical"));
        if c.critical && t.target == Some(false) && !target_written {
            let message = format!("`{id}`: target false → (unset): critical, so a target again");
            log.note("overlay.target", &id, None, s.field("critical"), message);
            t.target = None;
        }
    }
    if target_written {
        wrote = true;
        log.set(&id, who, "target", &mut t.target, c.target, s.field("target"));
        ts.fields.insert("target", s.field("target"));
    }
    // One availability figure: `availability`, or `mtbf` with `mttr`; writing one replaces the other.
    if written("availability") || c.availability.is_some() {
        wrote = true;
        log.set(&id, who, "availability", &mut t.availability, c.availability, s.field("availability"));
        ts.availability = s.field("availability");
        ts.fields.insert("availability", ts.availability);
        if c.availability.is_some() && (t.mtbf.is_some() || t.mttr.is_some()) {
            let message = format!("`{id}`: mtbf/mttr dropped: availability replaces them");
            log.note("overlay.availability", &id, None, s.field("availability"), message);
            (t.mtbf, t.mttr) = (None, None);
        }
    }
    for (name, new) in [("mtbf", c.mtbf), ("mttr", c.mttr)] {
        if written(name) || new.is_some() {
            wrote = true;
            let slot = if name == "mtbf" { &mut t.mtbf } else { &mut t.mttr };
            log.set(&id, who, name, slot, new, s.field(name));
            ts.fields.insert(name, s.field(name));
        }
    }
    if c.mtbf.is_some() && c.availability.is_none() && t.availability.is_some() {
        let message = format!("`{id}`: availability dropped: mtbf/mttr replace it");
        log.note("overlay.mtbf", &id, None, s.field("mtbf"), message);
        t.availability = None;
    }
    for attr in PLACEMENT_ATTRIBUTES {
        let new = placement(c, attr);
        if s.placement.contains_key(attr) || new.is_some() {
            wrote = true;
            let pos = s.placement.get(attr).copied().flatten().or(s.id);
            if let Some(slot) = placement_mut(t, attr) {
                log.set(&id, who, attr, slot, new, pos);
            }
            ts.placement.insert(attr, pos);
        }
    }
    if s.mesh.contains_key("tailnet") || c.tailnet.is_some() {
        wrote = true;
        let pos = s.mesh.get("tailnet").and_then(|v| v.first().copied().flatten()).or(s.id);
        log.set(&id, who, "tailnet", &mut t.tailnet, c.tailnet.clone(), pos);
        ts.mesh.insert("tailnet", vec![pos]);
    }
    if written("direct") || c.direct.is_some() {
        wrote = true;
        log.set(&id, who, "direct", &mut t.direct, c.direct, s.field("direct"));
        ts.fields.insert("direct", s.field("direct"));
    }
    if written("exit_node") || c.exit_node {
        wrote = true;
        log.set(&id, who, "exit_node", &mut t.exit_node, c.exit_node, s.field("exit_node"));
        ts.fields.insert("exit_node", s.field("exit_node"));
    }
    // Says, or undoes, what rule ephemeral-node took from a status export's tags and names.
    if written("ephemeral") || c.ephemeral {
        wrote = true;
        log.set(&id, who, "ephemeral", &mut t.ephemeral, c.ephemeral, s.field("ephemeral"));
        ts.fields.insert("ephemeral", s.field("ephemeral"));
    }
    if written("labels") || !c.labels.is_empty() {
        wrote = true;
        log.labels(&id, who, &mut t.labels, &c.labels, s.field("labels"));
    }
    wrote
}

/// The lists an overlay only adds to: `holds_credentials_for` and the mesh lists. True when the
/// entry wrote any.
fn additions(log: &mut Log<'_>, t: &mut Component, ts: &mut ComponentSpans, c: &Component, s: &ComponentSpans) -> bool {
    let id = &c.id;
    let mut wrote = false;
    let field = RefField::HoldsCredentialsFor;
    for (k, x) in field.of(c).iter().enumerate() {
        wrote = true;
        let pos = s.reference(field, k).or(s.id);
        if field.of(t).iter().any(|r| r == x) {
            log.stale(pos, format!("`{id}` → `{x}` is already in `{}`", field.name()));
            continue;
        }
        push(t, ts, field, x, pos);
        let edge = EdgeRef { from: id.clone(), to: x.clone(), field: Some(field), was: None };
        let message = format!("`{id}` → `{x}`: added to {}", field.name());
        log.note("overlay.holds_credentials_for", id, Some(edge), pos, message);
    }
    for name in MESH_LISTS {
        let items = mesh_list(c, name).cloned().unwrap_or_default();
        for (k, x) in items.iter().enumerate() {
            wrote = true;
            let pos = s.mesh.get(name).and_then(|v| v.get(k).copied().flatten()).or(s.id);
            let Some(list) = mesh_list_mut(t, name) else { continue };
            if list.contains(x) {
                log.stale(pos, format!("`{id}`: `{x}` is already in `{name}`"));
                continue;
            }
            list.push(x.clone());
            let n = list.len();
            let positions = ts.mesh.entry(name).or_default();
            positions.resize(n.saturating_sub(1), None);
            positions.push(pos);
            log.note(&format!("overlay.{name}"), id, None, pos, format!("`{id}`: {name} + `{x}`"));
        }
    }
    wrote
}

/// Removes `to` from list `field` of `c`, with its position. `Some(position)` when it was there.
fn remove(c: &mut Component, cs: &mut ComponentSpans, field: RefField, to: &str) -> Option<Option<Pos>> {
    let list = field.of_mut(c);
    let k = list.iter().position(|r| r == to)?;
    list.remove(k);
    let positions = cs.refs.get_mut(&field);
    Some(positions.filter(|p| k < p.len()).and_then(|p| p.remove(k)))
}

/// Appends `to` to list `field` of `c`, with its position.
fn push(c: &mut Component, cs: &mut ComponentSpans, field: RefField, to: &str, pos: Option<Pos>) {
    let list = field.of_mut(c);
    list.push(to.to_string());
    let n = list.len();
    let positions = cs.refs.entry(field).or_default();
    positions.resize(n.saturating_sub(1), None);
    positions.push(pos);
}

fn placement(c: &Component, attr: &str) -> Option<String> {
    c.placement().find(|&(a, _)| a == attr).map(|(_, v)| v.to_string())
}

fn placement_mut<'c>(c: &'c mut Component, attr: &str) -> Option<&'c mut Option<String>> {
    match attr {
        "region" => Some(&mut c.region),
        "zone" => Some(&mut c.zone),
        "host" => Some(&mut c.host),
        "provider" => Some(&mut c.provider),
        "power" => Some(&mut c.power),
        "network" => Some(&mut c.network),
        _ => None,
    }
}

fn mesh_list<'c>(c: &'c Component, name: &str) -> Option<&'c Vec<String>> {
    match name {
        "shared_into" => Some(&c.shared_into),
        "relays" => Some(&c.relays),
        "routes" => Some(&c.routes),
        _ => None,
    }
}

fn mesh_list_mut<'c>(c: &'c mut Component, name: &str) -> Option<&'c mut Vec<String>> {
    match name {
        "shared_into" => Some(&mut c.shared_into),
        "relays" => Some(&mut c.relays),
        "routes" => Some(&mut c.routes),
        _ => None,
    }
}

/// How a value reads in a note: `a`, true, 0.999, or (unset).
trait Show {
    fn show(&self) -> String;
}

impl Show for bool {
    fn show(&self) -> String {
        self.to_string()
    }
}

impl Show for Option<String> {
    fn show(&self) -> String {
        self.as_deref().map_or_else(|| "(unset)".into(), |v| format!("`{v}`"))
    }
}

impl Show for Option<bool> {
    fn show(&self) -> String {
        self.map_or_else(|| "(unset)".into(), |v| v.to_string())
    }
}

impl Show for Option<u32> {
    fn show(&self) -> String {
        self.map_or_else(|| "(unset)".into(), |v| v.to_string())
    }
}

impl Show for Option<f64> {
    fn show(&self) -> String {
        self.map_or_else(|| "(unset)".into(), |v| v.to_string())
    }
}

/// What an overlay changed, wrote in vain, and got wrong, as it is applied.
struct Log<'a> {
    file: &'a str,
    notes: Vec<Note>,
    warnings: Vec<Warning>,
    errors: Vec<Error>,
}

impl Log<'_> {
    /// `review.yaml:7:9`.
    fn at(&self, pos: Option<Pos>) -> String {
        match pos {
            Some(p) => format!("{}:{p}", self.file),
            None => self.file.to_string(),
        }
    }

    fn note(&mut self, rule: &str, subject: &str, edge: Option<EdgeRef>, pos: Option<Pos>, what: String) {
        let message = format!("{what} ({})", self.at(pos));
        let note =
            Note { kind: NoteKind::Overlay, rule: rule.to_string(), subject: subject.to_string(), edge, pos, message };
        self.notes.push(note);
    }

    /// A value written that changes nothing.
    fn stale(&mut self, pos: Option<Pos>, what: String) {
        let message = format!("{what}: this changes nothing (a stale overlay?)");
        self.warnings.push(Warning::new(Some(self.file.to_string()), pos, message));
    }

    fn error(&mut self, kind: ErrorKind, pos: Option<Pos>, message: String) {
        self.errors.push(Error::new(kind, pos, message));
    }

    /// An overlay entry whose id no earlier input defines.
    fn unknown(&mut self, pos: Option<Pos>, noun: &str, id: &str, known: Vec<&str>, placeholder: bool) {
        let hint = if placeholder {
            "; earlier inputs only reference it: say `add: true` to define it".to_string()
        } else {
            let mean = suggest(id, known).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
            format!("{mean} (a new {noun} needs `add: true`)")
        };
        let message = format!("no earlier input defines {noun} `{id}`: an overlay refines what they define{hint}");
        self.error(ErrorKind::UnknownReference, pos, message);
    }

    /// Sets scalar `field` of `subject` (the note's subject; `who` names it in messages) to
    /// `value`: a note when it changes, a warning when it was already so.
    fn set<T: PartialEq + Show>(
        &mut self,
        subject: &str,
        who: &str,
        field: &str,
        slot: &mut T,
        value: T,
        pos: Option<Pos>,
    ) {
        if *slot == value {
            self.stale(pos, format!("{who}: `{field}` is already {}", value.show()));
            return;
        }
        let message = format!("{who}: {field} {} → {}", slot.show(), value.show());
        self.note(&format!("overlay.{field}"), subject, None, pos, message);
        *slot = value;
    }

    /// Merges `new` labels into `labels`, the overlay winning.
    fn labels(
        &mut self,
        subject: &str,
        who: &str,
        labels: &mut BTreeMap<String, String>,
        new: &BTreeMap<String, String>,
        pos: Option<Pos>,
    ) {
        for (k, v) in new {
            let value = Some(v.clone());
            let was = labels.insert(k.clone(), v.clone());
            if was == value {
                self.stale(pos, format!("{who}: label `{k}` is already `{v}`"));
                continue;
            }
            let message = format!("{who}: label {k} {} → {}", was.show(), value.show());
            self.note("overlay.labels", subject, None, pos, message);
        }
    }
}
