//! What every importer builds: a [`Part`] (components, their positions, warnings), and how parts
//! become one [`Document`]: merging several inputs, resolving references, adding placeholders.
//!
//! Rules (README.md, "Merging and unresolved references"):
//! - A reference to an id no input defines becomes a placeholder component (kind `unresolved`,
//!   label `unresolved: "true"`) and a warning at the reference. Native inputs are the exception:
//!   there an unknown reference is an error, as it is when a native file is read alone.
//! - When several inputs define the same id, identical definitions are one component; otherwise
//!   the later definition is renamed `STEM/ID` (STEM: its file name without directory and
//!   extension), the references inside its own file follow the rename, and a warning says so.
//! - The mesh sections (`shards`, `tailnets`, `relays`) of every input merge by id: a native
//!   input's definition replaces an importer's (an overlay refines a tailnet's shard), an
//!   importer's shard no tailnet uses any more is dropped, and two different definitions of the
//!   same kind keep the first, with a warning.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use blastmap_core::error::suggest;
use blastmap_core::format::{ComponentSpans, Document, RefField};
use blastmap_core::{Component, Error, ErrorKind, Errors, Pos};

use crate::Warning;

/// Label set on placeholder components.
pub const UNRESOLVED_LABEL: &str = "unresolved";

/// Replica groups larger than this are modelled with this many members (and a warning).
pub(crate) const MAX_REPLICAS: i64 = 64;

/// Components read from one input, before references are resolved.
#[derive(Clone, Debug, Default)]
pub(crate) struct Part {
    pub name: Option<String>,
    pub components: Vec<Component>,
    pub spans: Vec<ComponentSpans>,
    pub warnings: Vec<Warning>,
    index: HashMap<String, usize>,
    /// Unknown references are errors (native input), not placeholders.
    pub strict: bool,
    /// A native document without its components: the rest of the native format (the mesh
    /// sections and their positions), carried into the merged document.
    pub rest: Option<Document>,
    /// Warnings `(tailnet, pos, message)` that hold only while the tailnet keeps the definition
    /// this (imported) part gave it: a native input refining the tailnet makes them moot.
    pub tailnet_notes: Vec<(String, Option<Pos>, String)>,
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

    pub fn warn(&mut self, pos: Option<Pos>, message: impl Into<String>) {
        self.warnings.push(Warning { file: None, pos, message: message.into() });
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

    /// Adds `to` to list `field` of component `from`, once. A self-reference is a warning.
    /// Makes component `i` (id `id`) a 1-of-n group over `n` replica components `ID#1..ID#n` of
    /// `kind` (at most [`MAX_REPLICAS`], with a warning beyond), placed at `at`; `pos` is where the
    /// count stands. With one replica `i` stays its own single member; with none it is kept, with a
    /// warning. Returns the members, which carry the workload's own dependencies.
    pub fn replicate(
        &mut self,
        i: usize,
        id: &str,
        n: i64,
        kind: &str,
        at: Option<Pos>,
        pos: Option<Pos>,
    ) -> Vec<usize> {
        if n <= 1 {
            if n <= 0 {
                self.label(i, "replicas", n.to_string());
                self.warn(pos, format!("`{id}` has {n} replicas: it does not run; kept as a component"));
            }
            return vec![i];
        }
        if n > MAX_REPLICAS {
            self.warn(pos, format!("`{id}` has {n} replicas: modelled as {MAX_REPLICAS}"));
        }
        self.set_kind(i, "group");
        self.set_need(i, 1, pos);
        self.label(i, "replicas", n.to_string());
        (1..=n.min(MAX_REPLICAS))
            .map(|r| {
                let rid = format!("{id}#{r}");
                let ri = self.add(&rid, Some(kind), at);
                self.link(i, RefField::Requires, &rid, pos);
                ri
            })
            .collect()
    }

    pub fn link(&mut self, from: usize, field: RefField, to: &str, pos: Option<Pos>) {
        let Some(c) = self.components.get_mut(from) else {
            return;
        };
        if c.id == to {
            let message = format!("`{to}` depends on itself: not mapped (a component cannot require itself)");
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

/// An input's errors, with the input's name.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{}", display_file_errors(.file, .errors))]
pub struct FileErrors {
    /// The input's name as given to [`crate::load_many`].
    pub file: String,
    pub errors: Errors,
}

fn display_file_errors(file: &str, errors: &Errors) -> String {
    errors.0.iter().map(|e| format!("{file}:{e}")).collect::<Vec<_>>().join("\n")
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

fn rename_refs(c: &mut Component, renames: &HashMap<String, String>) {
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
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    let mut files: Vec<Option<String>> = Vec::new();
    let mut strict: Vec<bool> = Vec::new();

    let mut sections = Sections::default();
    let mut notes: Vec<(String, Option<String>, Option<Pos>, String)> = Vec::new();
    for (fi, (file, part)) in parts.into_iter().enumerate() {
        let file_name = file.clone().unwrap_or_default();
        if let Some(n) = &part.name {
            names.push(n.clone());
        }
        warnings.extend(part.warnings.into_iter().map(|mut w| {
            w.file.clone_from(&file);
            w
        }));
        let mut renames: HashMap<String, String> = HashMap::new();
        let mut skip: HashSet<usize> = HashSet::new();
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
            warnings.push(Warning {
                file: file.clone(),
                pos: part.spans.get(i).and_then(|s| s.id),
                message: format!(
                    "`{}` is also defined, differently, in {first}: this definition is renamed `{new}`",
                    c.id
                ),
            });
            renames.insert(c.id.clone(), new);
        }
        if let Some(mut rest) = part.rest {
            for c in rest.topology.shards.iter_mut().chain(rest.topology.relays.iter_mut()) {
                rename_refs(c, &renames);
            }
            sections.merge(rest, part.strict, file.as_deref(), &mut warnings);
        }
        notes.extend(part.tailnet_notes.into_iter().map(|(t, pos, m)| (t, file.clone(), pos, m)));
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
    for (t, file, pos, message) in notes {
        if base.as_ref().is_some_and(|b| b.topology.tailnets.iter().any(|x| x.id == t))
            && !sections.native_tailnets.contains(&t)
        {
            warnings.push(Warning { file, pos, message });
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
    if blastmap_core::mesh::uses_mesh(&probe.topology) {
        if let Ok(expanded) = blastmap_core::mesh::expand(&probe) {
            known.extend(expanded.topology.components.into_iter().map(|c| c.id));
        }
    }
    let mut placeholders: BTreeMap<String, Option<Pos>> = BTreeMap::new();
    let mut native_errors: BTreeMap<usize, Vec<Error>> = BTreeMap::new();
    let mut warned: BTreeSet<(String, usize, Option<Pos>)> = BTreeSet::new();
    for (i, c) in components.iter().enumerate() {
        let fi = origin.get(i).copied().unwrap_or(0);
        for field in RefField::ALL {
            for (k, r) in field.of(c).iter().enumerate() {
                if known.contains(r) {
                    continue;
                }
                let pos = spans.get(i).and_then(|s| s.reference(field, k));
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
                });
                c.need = if n == 0 { None } else { Some(k.clamp(1, n)) };
            }
        }
    }
    if let Some((fi, errors)) = native_errors.into_iter().next() {
        let file = files.get(fi).cloned().flatten().unwrap_or_default();
        return Err(FileErrors { file, errors: Errors(errors) });
    }
    let name = if names.is_empty() { None } else { Some(names.join(" + ")) };
    let mut document = base.unwrap_or_default();
    document.topology.name = name;
    document.topology.components = components;
    document.spans = spans;
    Ok((document, origin, warnings))
}
