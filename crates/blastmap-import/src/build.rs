//! What every importer builds: a [`Part`] (components, their positions, warnings), and how parts
//! become one [`Document`]: merging several inputs, resolving references, adding placeholders.
//!
//! Rules (README.md, "Merging and unresolved references"):
//! - A reference to an id no input defines becomes a placeholder component (kind `unresolved`,
//!   label `unresolved: "true"`) and a warning at the reference. Native inputs are the exception:
//!   there an unknown reference is an error, as it is when a native file is read alone.
//! - When several inputs define the same id, identical definitions are one component; otherwise
//!   the later definition is renamed `STEM/ID` (STEM: its file name without directory and
//!   extension), the references inside its own file follow the rename, and a warning says so
//!   (for a native file, also how to refine instead).
//! - The mesh sections (`shards`, `tailnets`, `relays`) of every design input merge by id: a
//!   native input's definition replaces an importer's, an importer's shard no tailnet uses any
//!   more is dropped, and two different definitions of the same kind keep the first, with a
//!   warning. An overlay refines them by id like components.
//! - An overlay part is not merged but applied to what the parts before it define
//!   ([`crate::overlay`]); its notes go into the document.
//! - A reference is checked as strictly as the input it stands in (its position's input): an
//!   edge an overlay adds to an imported component is checked like native input.

use std::collections::{BTreeMap, BTreeSet};

use blastmap_core::error::suggest;
use blastmap_core::format::{ComponentSpans, Document, RefField};
use blastmap_core::note::Note;
use blastmap_core::{Component, Error, ErrorKind, Errors, Pos};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::overlay::{self, Merged};
use crate::replicas::{self, Replicas};
use crate::tree::{self, Node};
use crate::Warning;

/// Label set on placeholder components.
pub const UNRESOLVED_LABEL: &str = "unresolved";

/// Components read from one input, before references are resolved.
#[derive(Clone, Debug, Default)]
pub(crate) struct Part {
    pub name: Option<String>,
    pub components: Vec<Component>,
    pub spans: Vec<ComponentSpans>,
    pub warnings: Vec<Warning>,
    /// The warnings said so far: one per message and position.
    warned: FxHashSet<(Option<Pos>, String)>,
    index: FxHashMap<String, usize>,
    /// Unknown references are errors (native input), not placeholders.
    pub strict: bool,
    /// A native document without its components: the rest of the native format (the mesh
    /// sections and their positions), carried into the merged document.
    pub rest: Option<Document>,
    /// An overlay: refines what the parts before it define instead of being merged.
    pub overlay: bool,
    /// Warnings `(tailnet, pos, message)` that hold only while the tailnet keeps the definition
    /// this (imported) part gave it: a native input refining the tailnet makes them moot.
    pub tailnet_notes: Vec<(String, Option<Pos>, String)>,
    /// What the importer inferred ([`crate::infer`]): carried into the document.
    pub notes: Vec<Note>,
}

impl Part {
    pub fn new() -> Self {
        Part::default()
    }

    /// A native document: kept as written, references checked strictly.
    pub fn from_document(mut doc: Document) -> Self {
        let components = std::mem::take(&mut doc.topology.components);
        let spans = std::mem::take(&mut doc.spans);
        let rest = doc.clone();
        doc.topology.components = components;
        doc.spans = spans;
        let mut part = Part { name: doc.topology.name.clone(), strict: true, ..Part::default() };
        let n = doc.topology.components.len();
        let mut spans = doc.spans;
        spans.resize(n, ComponentSpans::default());
        for (i, c) in doc.topology.components.iter().enumerate() {
            part.index.entry(c.id.clone()).or_insert(i);
        }
        let mut rest = rest;
        rest.topology.name = None;
        rest.topology.description = None;
        part.components = doc.topology.components;
        part.spans = spans;
        part.rest = Some(rest);
        part
    }

    pub fn has(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }

    pub fn find(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The component `id`, created (with `kind`, at `pos`) when it does not exist yet.
    pub fn add(&mut self, id: &str, kind: Option<&str>, pos: Option<Pos>) -> usize {
        if let Some(i) = self.find(id) {
            return i;
        }
        let i = self.components.len();
        let mut c = Component::new(id);
        c.kind = kind.map(str::to_string);
        self.components.push(c);
        self.spans.push(ComponentSpans { at: pos, id: pos, ..ComponentSpans::default() });
        self.index.insert(id.to_string(), i);
        i
    }

    pub fn comp(&mut self, i: usize) -> Option<&mut Component> {
        self.components.get_mut(i)
    }

    /// Adds a warning, once per message and position.
    pub fn warn(&mut self, pos: Option<Pos>, message: impl Into<String>) {
        let message = message.into();
        if self.warned.insert((pos, message.clone())) {
            self.warnings.push(Warning::new(None, pos, message));
        }
    }

    /// Adds the warning that no input serves the peer relay `relay` (withdrawn by
    /// [`crate::load_many`] when the merged inputs state what the relay requires).
    pub fn warn_unserved_relay(&mut self, pos: Option<Pos>, message: String, relay: &str) {
        if self.warned.insert((pos, message.clone())) {
            self.warnings.push(Warning { unserved_relay: Some(relay.to_string()), ..Warning::new(None, pos, message) });
        }
    }

    /// Adds the warnings a reader gave about the text (`tree::json`'s cuts).
    pub fn warn_all(&mut self, said: Vec<(Option<Pos>, String)>) {
        for (pos, message) in said {
            self.warn(pos, message);
        }
    }

    /// The text entries of a list field (a lone text counts as a list of one), with a warning
    /// for each entry that is not text and for a value that is neither; `what` names the field
    /// in messages (`` `links` ``).
    pub fn texts<'n>(&mut self, n: Option<&'n Node>, what: &str) -> Vec<(&'n str, Option<Pos>)> {
        let Some(n) = n else {
            return Vec::new();
        };
        if let Some(s) = n.as_str() {
            return vec![(s, n.pos)];
        }
        if !matches!(n.value, tree::Value::Seq(_)) {
            if !n.is_null() {
                self.warn(n.pos, format!("{what} is {}: expected a list; not mapped", n.describe()));
            }
            return Vec::new();
        }
        let mut out = Vec::new();
        for item in n.as_seq() {
            match item.as_str() {
                Some(s) => out.push((s, item.pos)),
                None => self.warn(item.pos, format!("{what} entry is {}: expected text; not mapped", item.describe())),
            }
        }
        out
    }

    pub fn label(&mut self, i: usize, key: &str, value: impl Into<String>) {
        if let Some(c) = self.comp(i) {
            c.labels.insert(key.to_string(), value.into());
        }
    }

    pub fn set_kind(&mut self, i: usize, kind: &str) {
        if let Some(c) = self.comp(i) {
            c.kind = Some(kind.to_string());
        }
    }

    pub fn set_need(&mut self, i: usize, need: u32, pos: Option<Pos>) {
        if let Some(c) = self.components.get_mut(i) {
            c.need = Some(need);
        }
        if let Some(s) = self.spans.get_mut(i) {
            s.need = pos;
        }
    }

    /// Sets placement attribute `attr` (one of the core's six) of component `i`.
    pub fn place(&mut self, i: usize, attr: &'static str, value: &str, pos: Option<Pos>) {
        let value = value.trim();
        if value.is_empty() {
            return;
        }
        let Some(c) = self.components.get_mut(i) else {
            return;
        };
        let slot = match attr {
            "region" => &mut c.region,
            "zone" => &mut c.zone,
            "host" => &mut c.host,
            "provider" => &mut c.provider,
            "power" => &mut c.power,
            "network" => &mut c.network,
            _ => return,
        };
        *slot = Some(value.to_string());
        if let Some(s) = self.spans.get_mut(i) {
            s.placement.insert(attr, pos);
        }
    }

    /// Makes component `i` (id `id`) a group, keeping its kind (the workload's), over replica
    /// components `ID#1..ID#m` of `kind`, placed at `at`, as [`replicas::plan`] models the group `r`: as
    /// declared up to [`replicas::MAX_REPLICAS`] replicas, with fewer members beyond (then with a
    /// warning, and labels `replicas` and `need` holding the real figures). With one replica `i`
    /// stays its own single member; with none it is kept, with a warning. Returns the members,
    /// which carry the workload's own dependencies, each with the index of the spread value it
    /// stands in.
    pub fn replicate(&mut self, i: usize, id: &str, r: &Replicas, kind: &str, at: Option<Pos>) -> Vec<(usize, usize)> {
        let n = r.count;
        if n <= 1 {
            if n <= 0 {
                self.label(i, "replicas", n.to_string());
                self.warn(r.count_pos, format!("`{id}` has {n} replicas: it does not run; kept as a component"));
            }
            return vec![(i, 0)];
        }
        let plan = replicas::plan(n, r.need, r.spread);
        self.set_need(i, u32::try_from(plan.need).unwrap_or(1), r.need_pos.or(r.count_pos));
        self.label(i, "replicas", n.to_string());
        if let Some(message) = replicas::capped_warning(id, r, &plan) {
            self.label(i, "need", r.need.clamp(1, n).to_string());
            self.warn(r.count_pos, message);
        }
        let pos = r.count_pos;
        plan.slots
            .iter()
            .enumerate()
            .map(|(k, &slot)| {
                let rid = format!("{id}#{}", k + 1);
                let ri = self.add(&rid, Some(kind), at);
                self.link(i, RefField::Requires, &rid, pos);
                (ri, slot)
            })
            .collect()
    }

    /// Adds `to` to list `field` of component `from`, once. A self-reference is a warning.
    pub fn link(&mut self, from: usize, field: RefField, to: &str, pos: Option<Pos>) {
        let Some(c) = self.components.get_mut(from) else {
            return;
        };
        // A component may monitor itself or need itself to start (both are reported); any other
        // self-reference means nothing and is not mapped.
        if c.id == to && !matches!(field, RefField::MonitoredBy | RefField::RequiresAtStart) {
            let message = format!("`{to}` lists itself in `{}`: not mapped (it means nothing there)", field.name());
            self.warn(pos, message);
            return;
        }
        let list = list_mut(c, field);
        if list.iter().any(|r| r == to) {
            return;
        }
        list.push(to.to_string());
        if let Some(s) = self.spans.get_mut(from) {
            let positions = s.refs.entry(field).or_default();
            let n = list.len();
            positions.resize(n.saturating_sub(1), None);
            positions.push(pos);
        }
    }
}

/// Errors of one or more inputs, each shown with the name of the input it is in.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{}", display_file_errors(.files, .errors))]
pub struct FileErrors {
    /// The name of the input of the first error, as given to [`crate::load_many`].
    pub file: String,
    /// Every input's name, in order: an error's `pos.input` indexes it.
    pub files: Vec<String>,
    pub errors: Errors,
}

impl FileErrors {
    /// Errors whose positions say which of `files` they are in.
    pub fn new(files: &[String], errors: Errors) -> Self {
        let name = |e: &Error| e.pos.and_then(|p| files.get(p.input as usize)).or(files.first()).cloned();
        let file = errors.first().and_then(name).unwrap_or_default();
        FileErrors { file, files: files.to_vec(), errors }
    }

    /// Errors all in the one input `file`.
    pub fn in_file(file: &str, errors: Errors) -> Self {
        FileErrors { file: file.to_string(), files: vec![file.to_string()], errors }
    }
}

fn display_file_errors(files: &[String], errors: &Errors) -> String {
    let name =
        |e: &Error| e.pos.and_then(|p| files.get(p.input as usize)).or(files.first()).cloned().unwrap_or_default();
    errors.0.iter().map(|e| format!("{}:{e}", name(e))).collect::<Vec<_>>().join("\n")
}

/// The stem of an input name: `dir/compose.prod.yml` → `compose.prod`.
pub(crate) fn stem(name: &str) -> &str {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match base.rfind('.') {
        Some(i) if i > 0 => base.get(..i).unwrap_or(base),
        _ => base,
    }
}

/// A component made only to stand for a reference target.
fn is_placeholder(c: &Component) -> bool {
    c.labels.get(UNRESOLVED_LABEL).is_some_and(|v| v == "true")
}

fn list_mut(c: &mut Component, field: RefField) -> &mut Vec<String> {
    match field {
        RefField::Requires => &mut c.requires,
        RefField::RequiresAtStart => &mut c.requires_at_start,
        RefField::DegradesWithout => &mut c.degrades_without,
        RefField::MonitoredBy => &mut c.monitored_by,
        RefField::HoldsCredentialsFor => &mut c.holds_credentials_for,
    }
}

fn rename_refs(c: &mut Component, renames: &FxHashMap<String, String>) {
    for list in [
        &mut c.requires,
        &mut c.requires_at_start,
        &mut c.degrades_without,
        &mut c.monitored_by,
        &mut c.holds_credentials_for,
    ] {
        for r in list.iter_mut() {
            if let Some(new) = renames.get(r.as_str()) {
                r.clone_from(new);
            }
        }
    }
}

/// The mesh sections of all inputs, merged by id (rules in the module documentation).
#[derive(Default)]
struct Sections {
    doc: Document,
    /// Per section (`shards`, `relays`, `tailnets`) and id: defined by a native input?
    native: BTreeMap<(&'static str, String), bool>,
    native_tailnets: BTreeSet<String>,
    any: bool,
}

impl Sections {
    fn merge(&mut self, rest: Document, strict: bool, file: Option<&str>, warnings: &mut Vec<Warning>) {
        if rest == Document::default() {
            return;
        }
        self.any = true;
        let mut conflict = |what: &str, id: &str| {
            warnings.push(Warning {
                file: file.map(str::to_string),
                pos: None,
                message: format!("`{id}` in `{what}` is also defined, differently, by an earlier input: the first definition is kept"),
                unserved_relay: None,
            });
        };
        let t = rest.topology;
        for (section, list, spans, mine, my_spans) in [
            ("shards", &mut self.doc.topology.shards, &mut self.doc.shard_spans, t.shards, rest.shard_spans),
            ("relays", &mut self.doc.topology.relays, &mut self.doc.relay_spans, t.relays, rest.relay_spans),
        ] {
            for (k, c) in mine.into_iter().enumerate() {
                let span = my_spans.get(k).cloned().unwrap_or_default();
                let key = (section, c.id.clone());
                match list.iter().position(|x| x.id == c.id) {
                    None => {
                        list.push(c);
                        spans.resize(list.len() - 1, ComponentSpans::default());
                        spans.push(span);
                        self.native.insert(key, strict);
                    }
                    Some(j) if list.get(j) == Some(&c) => {}
                    Some(j) if strict && !self.native.get(&key).copied().unwrap_or(false) => {
                        if let Some(slot) = list.get_mut(j) {
                            *slot = c;
                        }
                        if let Some(slot) = spans.get_mut(j) {
                            *slot = span;
                        }
                        self.native.insert(key, true);
                    }
                    Some(_) if !strict && self.native.get(&key).copied().unwrap_or(false) => {}
                    Some(_) => conflict(section, &c.id),
                }
            }
        }
        for (k, n) in t.tailnets.into_iter().enumerate() {
            let span = rest.tailnet_spans.get(k).cloned().unwrap_or_default();
            let key = ("tailnets", n.id.clone());
            let list = &mut self.doc.topology.tailnets;
            match list.iter().position(|x| x.id == n.id) {
                None => {
                    if strict {
                        self.native_tailnets.insert(n.id.clone());
                    }
                    list.push(n);
                    self.doc.tailnet_spans.resize(list.len() - 1, Default::default());
                    self.doc.tailnet_spans.push(span);
                    self.native.insert(key, strict);
                }
                Some(j) if list.get(j) == Some(&n) => {
                    if strict {
                        self.native_tailnets.insert(n.id.clone());
                        self.native.insert(key, true);
                    }
                }
                Some(j) if strict && !self.native.get(&key).copied().unwrap_or(false) => {
                    self.native_tailnets.insert(n.id.clone());
                    if let Some(slot) = list.get_mut(j) {
                        *slot = n;
                    }
                    if let Some(slot) = self.doc.tailnet_spans.get_mut(j) {
                        *slot = span;
                    }
                    self.native.insert(key, true);
                }
                Some(_) if !strict && self.native.get(&key).copied().unwrap_or(false) => {}
                Some(_) => conflict("tailnets", &n.id),
            }
        }
    }

    /// The merged sections; importers' shards no tailnet uses are dropped.
    fn finish(&mut self) -> Option<Document> {
        if !self.any {
            return None;
        }
        let mut doc = std::mem::take(&mut self.doc);
        let used: BTreeSet<String> = doc.topology.tailnets.iter().map(|t| t.shard.clone()).collect();
        let keep: Vec<bool> = doc
            .topology
            .shards
            .iter()
            .map(|s| used.contains(&s.id) || self.native.get(&("shards", s.id.clone())).copied().unwrap_or(false))
            .collect();
        let mut k = keep.iter();
        doc.topology.shards.retain(|_| k.next().copied().unwrap_or(true));
        let mut k = keep.iter();
        if doc.shard_spans.len() == keep.len() {
            doc.shard_spans.retain(|_| k.next().copied().unwrap_or(true));
        }
        Some(doc)
    }
}

/// Merges parts (with their input names; `None` for a single unnamed input), resolves
/// references, and returns the document, the input each component came from, and the warnings.
///
/// # Errors
/// Unknown references in native inputs.
pub(crate) fn finish(parts: Vec<(Option<String>, Part)>) -> Result<(Document, Vec<usize>, Vec<Warning>), FileErrors> {
    let mut components: Vec<Component> = Vec::new();
    let mut spans: Vec<ComponentSpans> = Vec::new();
    let mut origin: Vec<usize> = Vec::new();
    let mut warnings: Vec<Warning> = Vec::new();
    let mut index: FxHashMap<String, usize> = FxHashMap::default();
    let mut names: Vec<String> = Vec::new();
    let mut files: Vec<Option<String>> = Vec::new();
    let mut strict: Vec<bool> = Vec::new();
    let mut notes: Vec<Note> = Vec::new();
    // Errors of strict inputs (native files, overlays), by input: reported together, the first
    // input's only.
    let mut native_errors: BTreeMap<usize, Vec<Error>> = BTreeMap::new();

    let mut sections = Sections::default();
    let mut tailnet_notes: Vec<(String, Option<String>, Option<Pos>, String)> = Vec::new();
    for (fi, (file, mut part)) in parts.into_iter().enumerate() {
        let file_name = file.clone().unwrap_or_default();
        // Every position of this input says so (errors of merged inputs name the right file).
        let input = u32::try_from(fi).unwrap_or(u32::MAX);
        for p in part.spans.iter_mut().flat_map(ComponentSpans::positions_mut) {
            p.input = input;
        }
        if let Some(rest) = &mut part.rest {
            rest.set_input(input);
        }
        for p in part
            .warnings
            .iter_mut()
            .filter_map(|w| w.pos.as_mut())
            .chain(part.notes.iter_mut().filter_map(|n| n.pos.as_mut()))
        {
            p.input = input;
        }
        if part.overlay {
            warnings.extend(part.warnings.drain(..).map(|mut w| {
                w.file.clone_from(&file);
                w
            }));
            // What the overlay writes of the mesh sections is native: it silences the importers'
            // warnings about those tailnets (say, an unknown shard the overlay now names).
            if let Some(rest) = &part.rest {
                sections.native_tailnets.extend(rest.topology.tailnets.iter().map(|t| t.id.clone()));
                for (section, list) in [("shards", &rest.topology.shards), ("relays", &rest.topology.relays)] {
                    for c in list {
                        sections.native.insert((section, c.id.clone()), true);
                    }
                }
            }
            let mut base = sections.any.then(|| std::mem::take(&mut sections.doc));
            let merged = Merged {
                components: &mut components,
                spans: &mut spans,
                origin: &mut origin,
                index: &mut index,
                base: &mut base,
                files: &files,
            };
            let applied = overlay::apply(merged, fi, &file_name, part);
            if let Some(doc) = base {
                sections.doc = doc;
                sections.any = true;
            }
            native_errors.entry(fi).or_default().extend(applied.errors);
            notes.extend(applied.notes);
            warnings.extend(applied.warnings);
            files.push(file);
            strict.push(true);
            continue;
        }
        if let Some(n) = &part.name {
            names.push(n.clone());
        }
        warnings.extend(part.warnings.into_iter().map(|mut w| {
            w.file.clone_from(&file);
            w
        }));
        let mut renames: FxHashMap<String, String> = FxHashMap::default();
        let mut skip: FxHashSet<usize> = FxHashSet::default();
        for (i, c) in part.components.iter().enumerate() {
            let Some(&j) = index.get(&c.id) else { continue };
            if components.get(j) == Some(c) {
                skip.insert(i);
                continue;
            }
            // A placeholder merges into the definition, whichever input comes first.
            if let Some(earlier) = components.get_mut(j) {
                if is_placeholder(c) || is_placeholder(earlier) {
                    let (mut keep, other) = if is_placeholder(earlier) {
                        (c.clone(), earlier.clone())
                    } else {
                        (earlier.clone(), c.clone())
                    };
                    for field in RefField::ALL {
                        for r in field.of(&other) {
                            let self_ref = *r == keep.id;
                            let list = list_mut(&mut keep, field);
                            if !list.contains(r) && !self_ref {
                                list.push(r.clone());
                            }
                        }
                    }
                    if is_placeholder(earlier) {
                        if let (Some(s), Some(new_span)) = (spans.get_mut(j), part.spans.get(i)) {
                            *s = new_span.clone();
                        }
                        if let Some(o) = origin.get_mut(j) {
                            *o = fi;
                        }
                    }
                    *earlier = keep;
                    skip.insert(i);
                    continue;
                }
            }
            let base = format!("{}/{}", stem(&file_name), c.id);
            let mut new = base.clone();
            let mut k = 2;
            while index.contains_key(&new) || part.index.contains_key(&new) {
                new = format!("{base}-{k}");
                k += 1;
            }
            let first = files.get(origin.get(j).copied().unwrap_or(0)).cloned().flatten().unwrap_or_default();
            let refine = if part.strict {
                format!("; to refine `{}` instead, mark this file `overlay: true` or give it with `--overlay`", c.id)
            } else {
                String::new()
            };
            warnings.push(Warning {
                file: file.clone(),
                pos: part.spans.get(i).and_then(|s| s.id),
                message: format!(
                    "`{}` is also defined, differently, in {first}: this definition is renamed `{new}`{refine}",
                    c.id
                ),
                unserved_relay: None,
            });
            renames.insert(c.id.clone(), new);
        }
        if let Some(mut rest) = part.rest {
            for c in rest.topology.shards.iter_mut().chain(rest.topology.relays.iter_mut()) {
                rename_refs(c, &renames);
            }
            sections.merge(rest, part.strict, file.as_deref(), &mut warnings);
        }
        tailnet_notes.extend(part.tailnet_notes.into_iter().map(|(t, pos, m)| (t, file.clone(), pos, m)));
        notes.extend(part.notes.into_iter().map(|mut n| {
            for id in std::iter::once(&mut n.subject).chain(n.edge.iter_mut().flat_map(|e| [&mut e.from, &mut e.to])) {
                if let Some(new) = renames.get(id.as_str()) {
                    id.clone_from(new);
                }
            }
            n
        }));
        for (i, (mut c, s)) in part.components.into_iter().zip(part.spans).enumerate() {
            if skip.contains(&i) {
                continue;
            }
            if let Some(new) = renames.get(&c.id) {
                c.id.clone_from(new);
            }
            rename_refs(&mut c, &renames);
            index.entry(c.id.clone()).or_insert(components.len());
            components.push(c);
            spans.push(s);
            origin.push(fi);
        }
        files.push(file);
        strict.push(part.strict);
    }

    let base = sections.finish();
    for (t, file, pos, message) in tailnet_notes {
        if base.as_ref().is_some_and(|b| b.topology.tailnets.iter().any(|x| x.id == t))
            && !sections.native_tailnets.contains(&t)
        {
            warnings.push(Warning::new(file, pos, message));
        }
    }
    // Ids that resolve: components and the placement values some component uses.
    let mut known: BTreeSet<String> = components.iter().map(|c| c.id.clone()).collect();
    for c in &components {
        for (attr, value) in c.placement() {
            known.insert(format!("{attr}:{value}"));
        }
    }
    // Ids the core's mesh expansion will generate (`N/paths`, `T/admin`, shards, relays) are
    // known too: a native input may reference them.
    let mut probe = base.clone().unwrap_or_default();
    probe.topology.components.clone_from(&components);
    probe.spans.clone_from(&spans);
    if probe.topology.uses_mesh() {
        if let Ok((expanded, _)) = blastmap_core::mesh::expand(&probe) {
            known.extend(expanded.topology.components.into_iter().map(|c| c.id));
        }
    }
    let mut placeholders: BTreeMap<String, Option<Pos>> = BTreeMap::new();
    let mut warned: BTreeSet<(String, usize, Option<Pos>)> = BTreeSet::new();
    for (i, c) in components.iter().enumerate() {
        for field in RefField::ALL {
            for (k, r) in field.of(c).iter().enumerate() {
                if known.contains(r) {
                    continue;
                }
                let pos = spans.get(i).and_then(|s| s.reference(field, k));
                // The input the reference stands in (an overlay's edge on an imported component
                // is the overlay's), else the component's.
                let fi = pos.map_or_else(|| origin.get(i).copied().unwrap_or(0), |p| p.input as usize);
                if strict.get(fi).copied().unwrap_or(false) {
                    let hint = suggest(r, known.iter().map(String::as_str))
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    let message = format!("`{r}` in `{}` of `{}` is not a component id{hint}", field.name(), c.id);
                    native_errors.entry(fi).or_default().push(Error::new(ErrorKind::UnknownReference, pos, message));
                    continue;
                }
                if !warned.insert((r.clone(), fi, pos)) {
                    // The same reference copied into several replicas: said once.
                    continue;
                }
                warnings.push(Warning {
                    file: files.get(fi).cloned().flatten(),
                    pos,
                    message: format!(
                        "unresolved reference: `{r}` (in `{}` of `{}`) is not defined here; added as a placeholder component",
                        field.name(),
                        c.id
                    ),
                    unserved_relay: None,
                });
                placeholders.entry(r.clone()).or_insert(pos);
            }
        }
    }
    for (id, _) in placeholders {
        let mut c = Component::new(&id);
        c.kind = Some("unresolved".into());
        c.labels.insert(UNRESOLVED_LABEL.into(), "true".into());
        known.insert(id);
        components.push(c);
        spans.push(ComponentSpans::default());
        origin.push(usize::MAX);
    }
    // `need` can only count what is there (native input keeps its own value: the model reports it).
    for (i, c) in components.iter_mut().enumerate() {
        let fi = origin.get(i).copied().unwrap_or(0);
        if strict.get(fi).copied().unwrap_or(false) {
            continue;
        }
        if let Some(k) = c.need {
            let n = u32::try_from(c.requires.len()).unwrap_or(u32::MAX);
            if k > n || k == 0 {
                warnings.push(Warning {
                    file: files.get(fi).cloned().flatten(),
                    pos: spans.get(i).and_then(|s| s.need.or(s.id)),
                    message: format!("`{}` needs {k} of its {n} dependencies: set to {}", c.id, n.max(1).min(k.max(1))),
                    unserved_relay: None,
                });
                c.need = if n == 0 { None } else { Some(k.clamp(1, n)) };
            }
        }
    }
    if let Some((_, mut errors)) = native_errors.into_iter().find(|(_, e)| !e.is_empty()) {
        errors.sort_by_key(|e| e.pos.map(|p| (p.line, p.column)));
        let names: Vec<String> = files.iter().map(|f| f.clone().unwrap_or_default()).collect();
        return Err(FileErrors::new(&names, Errors(errors)));
    }
    let name = if names.is_empty() { None } else { Some(names.join(" + ")) };
    let mut document = base.unwrap_or_default();
    document.notes.extend(notes);
    document.topology.name = name;
    document.topology.components = components;
    document.spans = spans;
    Ok((document, origin, warnings))
}
