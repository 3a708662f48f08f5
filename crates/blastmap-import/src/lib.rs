//! Importers: every input format Blastmap reads, detected from content, turned into the core's
//! [`Document`] with warnings for whatever could not be mapped. The native format is one of them.
//!
//! Entry points: [`detect`], [`load`] (one input), [`load_many`] (several inputs merged into one
//! topology, each in its [`Role`]: design, overlay or observed traces), [`load_with`] and [`load_many_with`] (the
//! same with [`LoadOptions`]), [`to_native`] (the native form of what was imported), and
//! [`policy::check`] (a Tailscale policy file against an imported estate). Each format has its
//! module and its mapping table in README.md; overlays are `docs/overlays.md`. No importer
//! panics, on any input: positions are checked,
//! nesting is bounded, and the crate denies `unwrap`, `expect` and `panic!`.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

use std::collections::BTreeMap;
use std::fmt;

use blastmap_core::format::Document;
use blastmap_core::observed::Observation;
use blastmap_core::{compile, Compiled, Error, ErrorKind, Errors, Pos, Topology};
use serde::Serialize;

pub mod backstage;
mod build;
pub mod compose;
pub mod dot;
pub mod hujson;
pub mod infer;
pub mod jaeger;
pub mod kubernetes;
mod overlay;
pub mod policy;
mod replicas;
pub mod servicegraph;
pub mod tailscale;
pub mod terraform;
mod tree;

use build::{finish, Part};
pub use build::{FileErrors, UNRESOLVED_LABEL};

/// The formats Blastmap reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Format {
    /// Blastmap's own YAML or JSON.
    Native,
    /// Graphviz DOT: `terraform graph` (classic and 1.7+ forms) and hand-written digraphs.
    Dot,
    /// docker-compose files.
    Compose,
    /// Kubernetes manifests, one or more YAML documents.
    Kubernetes,
    /// `tailscale status --json`.
    Tailscale,
    /// Jaeger / OpenTelemetry service dependencies: `[{parent, child, callCount}]`.
    Jaeger,
    /// Backstage catalog entities, one or more YAML documents.
    Backstage,
    /// `terraform show -json` (plan or state) and raw state files.
    Terraform,
    /// A Tailscale policy file (HuJSON): not a topology, but checked against one
    /// ([`policy::check`]).
    TailscalePolicy,
    /// OpenTelemetry service graphs: the `servicegraph` connector's request totals, in
    /// Prometheus text exposition or OTLP JSON metrics.
    ServiceGraph,
}

impl Format {
    pub const ALL: [Format; 10] = [
        Format::Native,
        Format::Dot,
        Format::Compose,
        Format::Kubernetes,
        Format::Tailscale,
        Format::Jaeger,
        Format::Backstage,
        Format::Terraform,
        Format::TailscalePolicy,
        Format::ServiceGraph,
    ];

    /// The name used by `--from`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Native => "native",
            Format::Dot => "dot",
            Format::Compose => "compose",
            Format::Kubernetes => "kubernetes",
            Format::Tailscale => "tailscale",
            Format::Jaeger => "jaeger",
            Format::Backstage => "backstage",
            Format::Terraform => "terraform",
            Format::TailscalePolicy => "tailscale-policy",
            Format::ServiceGraph => "service-graph",
        }
    }

    /// True for what traces observed (Jaeger dependencies, service graphs): next to a design
    /// among the inputs of [`load_many`], such an input is compared with it ([`Role::Auto`]).
    pub fn is_trace(self) -> bool {
        matches!(self, Format::Jaeger | Format::ServiceGraph)
    }

    /// Parses a `--from` name (also `k8s`, `docker-compose`, `graphviz`, `otel`, `tf`,
    /// `servicegraph`, `policy`, `hujson`).
    pub fn parse(name: &str) -> Option<Format> {
        let name = name.trim().to_ascii_lowercase();
        let alias = match name.as_str() {
            "k8s" => Some(Format::Kubernetes),
            "docker-compose" => Some(Format::Compose),
            "graphviz" | "gv" => Some(Format::Dot),
            "otel" | "opentelemetry" => Some(Format::Jaeger),
            "tf" => Some(Format::Terraform),
            "policy" | "hujson" | "acl" | "acls" => Some(Format::TailscalePolicy),
            "servicegraph" | "service_graph" => Some(Format::ServiceGraph),
            "yaml" | "json" => Some(Format::Native),
            _ => None,
        };
        alias.or_else(|| Format::ALL.into_iter().find(|f| f.name() == name))
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Something an importer could not map, or a reference it could not resolve; the import still
/// succeeds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Warning {
    /// The input's name, when several were merged by [`load_many`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub pos: Option<Pos>,
    pub message: String,
    /// The peer relay this warning says no input serves: the warning no longer holds once the
    /// merged inputs state what that relay requires (an overlay, or the rule `relay-behind-lb`).
    #[serde(skip)]
    pub(crate) unserved_relay: Option<String>,
}

impl Warning {
    pub(crate) fn new(file: Option<String>, pos: Option<Pos>, message: String) -> Self {
        Warning { file, pos, message, unserved_relay: None }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}:")?;
        }
        match self.pos {
            Some(p) => write!(f, "{p}: warning: {}", self.message),
            None => write!(f, "warning: {}", self.message),
        }
    }
}

/// What an input is for, when several are merged by [`load_many`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Role {
    /// Decided from the inputs: a native file that says `overlay: true`, or a native file given
    /// after an input in another format (`compose.yml review.yaml`), is an overlay; a trace
    /// export (Jaeger, service graph: [`Format::is_trace`]) given beside a design is
    /// [`Role::Observed`] (`compose.yml jaeger.json`; alone, or beside other trace exports only,
    /// or with [`LoadOptions::traces_as_design`], it is the design); anything else is part of
    /// the design.
    #[default]
    Auto,
    /// Part of the design: merged with the inputs before it (identical definitions of an id are
    /// one component, different ones are renamed `STEM/ID`). A native file that says
    /// `overlay: true` is an overlay all the same.
    Design,
    /// Refines, by id, what the inputs before it define (`docs/overlays.md`). Always read as
    /// native, whatever `from` says; it cannot come first.
    Overlay,
    /// What traces observed, to compare with the design (`blastmap_core::observed`): not
    /// merged into the topology but read into [`Loaded::observed`]. In any format: every
    /// dependency (`requires`, `requires_at_start`, `degrades_without`) is an observed call.
    Observed,
}

/// One input of [`load_many`]: its name (for messages), its text and its role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Input<'a> {
    pub name: &'a str,
    pub text: &'a str,
    pub role: Role,
}

impl<'a> Input<'a> {
    /// An input whose role is decided from the inputs ([`Role::Auto`]).
    pub fn new(name: &'a str, text: &'a str) -> Self {
        Input { name, text, role: Role::Auto }
    }

    /// An overlay ([`Role::Overlay`]): refines the inputs before it.
    pub fn overlay(name: &'a str, text: &'a str) -> Self {
        Input { name, text, role: Role::Overlay }
    }

    /// The same input in `role`.
    pub fn with_role(self, role: Role) -> Self {
        Input { role, ..self }
    }
}

/// An imported topology, compiled and validated.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The format of the first input of the design (of the first input, when none is).
    pub format: Format,
    /// The format of each input, in order.
    pub formats: Vec<Format>,
    /// The role each input was read in, in order: [`Role::Design`], [`Role::Overlay`] or
    /// [`Role::Observed`] (never [`Role::Auto`]).
    pub roles: Vec<Role>,
    /// The merged document (`compiled.written`), its expansion and its model. Every position in
    /// it knows its input (`Pos::input`, an index into the inputs as given).
    pub compiled: Compiled,
    /// For each component of `compiled.written`, the index of the input it came from
    /// (`usize::MAX` for placeholders of unresolved references).
    pub origins: Vec<usize>,
    pub warnings: Vec<Warning>,
    /// What the [`Role::Observed`] inputs observed, all of them together (`None` without any);
    /// positions say which input (`Pos::input`).
    pub observed: Option<Observation>,
    /// Tailscale policy files among the inputs (name, policy), read but not part of the
    /// topology: check them with [`policy::check_policy`].
    pub policies: Vec<(String, blastmap_core::policy::Policy)>,
}

/// Options of [`load_with`] and [`load_many_with`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// `--shard TAILNET=SHARD`: the coordination shard each tailnet sits on, which status exports
    /// do not say (without it a tailnet gets the shard `coordination:TAILNET`, and a warning).
    pub shards: BTreeMap<String, String>,
    /// A trace export given in [`Role::Auto`] is part of the design even beside a design (for
    /// commands that do not compare with traces). Its format is known only once the input is
    /// read, so this is decided here, where each input is detected once.
    pub traces_as_design: bool,
    /// Read native JSON with positions whatever its size: large JSON is otherwise read by the
    /// fast path, without them ([`blastmap_core::format::parse_large_json`]), and an output
    /// that points at lines (SARIF) would put every result at line 1.
    pub positions: bool,
}

impl LoadOptions {
    /// Reads one `TAILNET=SHARD` argument into [`LoadOptions::shards`].
    ///
    /// # Errors
    /// A text without `=`, or with an empty side, and what was expected.
    pub fn add_shard(&mut self, arg: &str) -> Result<(), String> {
        match arg.split_once('=') {
            Some((t, s)) if !t.trim().is_empty() && !s.trim().is_empty() => {
                self.shards.insert(t.trim().to_string(), s.trim().to_string());
                Ok(())
            }
            _ => Err(format!("`{arg}`: expected TAILNET=SHARD (`example.com=shard-eu`)")),
        }
    }
}

/// Which format `text` is in, judged from its content (never from a file name). Text that looks
/// like none of the importers' formats is [`Format::Native`], whose parser then says what it
/// expected.
pub fn detect(text: &str) -> Format {
    if might_be_prometheus(text) && servicegraph::looks_like_prometheus(text) {
        return Format::ServiceGraph;
    }
    let body = strip_leading_comments(text);
    let lower_start: String = body.chars().take(16).collect::<String>().to_ascii_lowercase();
    if lower_start.starts_with("digraph") || lower_start.starts_with("graph") || lower_start.starts_with("strict") {
        return Format::Dot;
    }
    if body.starts_with('{') || body.starts_with('[') {
        if let Some(f) = detect_json(body) {
            return f;
        }
        if body.starts_with('{') {
            if let Some(f) = detect_hujson(text) {
                return f;
            }
        }
        // OTLP JSON Lines: one metrics request per line.
        let first = body.lines().next().unwrap_or_default();
        if first.len() < body.trim_end().len() && detect_json(first) == Some(Format::ServiceGraph) {
            return Format::ServiceGraph;
        }
    }
    detect_yaml(text)
}

fn strip_leading_comments(text: &str) -> &str {
    let mut rest = text.strip_prefix('\u{feff}').unwrap_or(text);
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("//") {
            rest = r.split_once('\n').map_or("", |(_, r)| r);
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.split_once("*/").map_or("", |(_, r)| r);
        } else if rest.starts_with('#') && !rest.starts_with("#{") {
            rest = rest.split_once('\n').map_or("", |(_, r)| r);
        } else {
            return rest;
        }
    }
}

/// The shape of a JSON document as far as detection needs it: its top-level keys, and whether it
/// is (or holds under `data`) a list of `{parent, child}` records. Reads the text once without
/// building values.
#[derive(Default)]
struct Probe {
    keys: std::collections::BTreeSet<String>,
    jaeger: bool,
}

/// Keys of one JSON object (values skipped); empty for anything else.
struct Keys(std::collections::BTreeSet<String>);

impl<'de> serde::Deserialize<'de> for Keys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Keys;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut keys = std::collections::BTreeSet::new();
                while let Some(k) = map.next_key::<String>()? {
                    map.next_value::<serde::de::IgnoredAny>()?;
                    keys.insert(k);
                }
                Ok(Keys(keys))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Keys, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Keys(Default::default()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Keys, E> {
                Ok(Keys(Default::default()))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Keys, E> {
                Ok(Keys(Default::default()))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Keys, E> {
                Ok(Keys(Default::default()))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Keys, E> {
                Ok(Keys(Default::default()))
            }
            fn visit_str<E>(self, _: &str) -> Result<Keys, E> {
                Ok(Keys(Default::default()))
            }
            fn visit_unit<E>(self) -> Result<Keys, E> {
                Ok(Keys(Default::default()))
            }
        }
        d.deserialize_any(V)
    }
}

/// True for a list whose first element is a `{parent, child}` record.
struct JaegerList(bool);

impl<'de> serde::Deserialize<'de> for JaegerList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = JaegerList;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<JaegerList, A::Error> {
                let first = seq.next_element::<Keys>()?;
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(JaegerList(first.is_some_and(|k| k.0.contains("parent") && k.0.contains("child"))))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<JaegerList, A::Error> {
                <Keys as serde::Deserialize>::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(JaegerList(false))
            }
            fn visit_bool<E>(self, _: bool) -> Result<JaegerList, E> {
                Ok(JaegerList(false))
            }
            fn visit_i64<E>(self, _: i64) -> Result<JaegerList, E> {
                Ok(JaegerList(false))
            }
            fn visit_u64<E>(self, _: u64) -> Result<JaegerList, E> {
                Ok(JaegerList(false))
            }
            fn visit_f64<E>(self, _: f64) -> Result<JaegerList, E> {
                Ok(JaegerList(false))
            }
            fn visit_str<E>(self, _: &str) -> Result<JaegerList, E> {
                Ok(JaegerList(false))
            }
            fn visit_unit<E>(self) -> Result<JaegerList, E> {
                Ok(JaegerList(false))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> serde::Deserialize<'de> for Probe {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Probe;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object or list")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Probe, A::Error> {
                let mut probe = Probe::default();
                while let Some(k) = map.next_key::<String>()? {
                    if k == "data" {
                        probe.jaeger = map.next_value::<JaegerList>()?.0;
                    } else {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                    probe.keys.insert(k);
                }
                Ok(probe)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Probe, A::Error> {
                let list =
                    <JaegerList as serde::Deserialize>::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
                Ok(Probe { jaeger: list.0, ..Probe::default() })
            }
        }
        d.deserialize_any(V)
    }
}

fn detect_json(text: &str) -> Option<Format> {
    let probe: Probe = serde_json::from_str(text).ok()?;
    let has = |k: &str| probe.keys.contains(k);
    if probe.jaeger {
        return Some(Format::Jaeger);
    }
    if has("resourceMetrics") {
        return Some(Format::ServiceGraph);
    }
    if has("components") {
        return Some(Format::Native);
    }
    if is_policy(probe.keys.iter().map(String::as_str)) {
        return Some(Format::TailscalePolicy);
    }
    if has("BackendState") || (has("Self") && has("Peer")) {
        return Some(Format::Tailscale);
    }
    let tf_show = has("format_version")
        && (has("planned_values")
            || has("values")
            || has("resource_changes")
            || has("configuration")
            || has("prior_state"));
    let tf_state = has("terraform_version") && has("resources");
    if tf_show || tf_state {
        return Some(Format::Terraform);
    }
    None
}

/// Top-level keys of a Tailscale policy file (any of them, matched without case).
fn is_policy<'a>(mut keys: impl Iterator<Item = &'a str>) -> bool {
    keys.any(|k| matches!(k.to_ascii_lowercase().as_str(), "acls" | "grants" | "tagowners" | "groups"))
}

/// JSON with comments or trailing commas: a policy file when its top-level keys say so, or, when
/// it does not parse, when it names one of them as a key (so its error is a policy file's).
fn detect_hujson(text: &str) -> Option<Format> {
    if let Ok(root) = hujson::parse(text) {
        return is_policy(root.entries().map(|(k, ..)| k)).then_some(Format::TailscalePolicy);
    }
    let lower = text.to_ascii_lowercase();
    let named = ["\"acls\"", "\"grants\"", "\"tagowners\""].iter().any(|key| {
        lower.match_indices(key).any(|(i, k)| lower.get(i + k.len()..).is_some_and(|r| r.trim_start().starts_with(':')))
    });
    named.then_some(Format::TailscalePolicy)
}

fn detect_yaml(text: &str) -> Format {
    let mut api_version = false;
    let mut kind = false;
    for line in text.lines() {
        let l = line.trim_end();
        if l.starts_with(' ') || l.starts_with('\t') || l.starts_with('#') {
            continue;
        }
        let l = l.trim_start_matches('-').trim_start();
        if let Some(v) = l.strip_prefix("apiVersion:") {
            if v.contains("backstage.io/") {
                return Format::Backstage;
            }
            api_version = true;
        } else if l.starts_with("kind:") {
            kind = true;
        } else if l.starts_with("services:") {
            return Format::Compose;
        } else if l.starts_with("components:") {
            return Format::Native;
        }
    }
    if api_version && kind {
        Format::Kubernetes
    } else {
        Format::Native
    }
}

/// False when `text` cannot be Prometheus text with the service graph's counter: its name
/// ([`servicegraph::REQUEST_TOTAL`]) ends in `_request_total`, and that is not in the text. One
/// vectorised search, where the line-by-line scan reads millions of lines of an estate's JSON.
fn might_be_prometheus(text: &str) -> bool {
    text.contains("_request_total")
}

/// Large JSON that reads as a native topology ([`blastmap_core::format::parse_large_json`]),
/// read before any detection: [`detect`] would read the whole text once more (as long as
/// parsing it, at a million edges), and such text is what it calls native (without
/// `_request_total` in it, no line is Prometheus text, and its top-level keys are the native
/// format's, `components` among them). `None` for anything else, which is detected.
fn large_native(text: &str) -> Option<Document> {
    if might_be_prometheus(text) {
        return None;
    }
    blastmap_core::format::parse_large_json(text)
}

/// Runs the importer of `format` (neither a status nor a policy: those are read together, by
/// [`load_many_with`]) on `text`.
fn import(text: &str, format: Format) -> Result<Part, Errors> {
    match format {
        Format::Native => blastmap_core::format::parse(text).map(Part::from_document),
        Format::Dot => dot::import(text),
        Format::Compose => compose::import(text),
        Format::Kubernetes => kubernetes::import(text),
        Format::Tailscale => tailscale::import(text),
        Format::Jaeger => jaeger::import(text),
        Format::Backstage => backstage::import(text),
        Format::Terraform => terraform::import(text),
        Format::TailscalePolicy => Ok(Part::new()),
        Format::ServiceGraph => servicegraph::import(text),
    }
}

/// The error for a policy file given without a topology.
fn policy_alone(text: &str) -> Errors {
    let pos = match hujson::parse(text) {
        Ok(root) => root.entries().next().and_then(|(_, p, _)| p).or(root.pos),
        Err(e) => return e,
    };
    Errors::one(Error::new(
        ErrorKind::InvalidValue,
        pos.or(Some(Pos::START)),
        "a Tailscale policy file is not a topology: load it together with the estate it governs (`tailscale status --json` files, or a native file with tailnets)",
    ))
}

/// Reads `text` in `from` (detected when `None`) and builds the model.
///
/// # Errors
/// The format's errors, or the model's validation errors, with positions.
pub fn load(text: &str, from: Option<Format>) -> Result<Loaded, Errors> {
    load_with(text, from, &LoadOptions::default())
}

/// [`load`] with options (the shards of tailnets, for status exports).
///
/// # Errors
/// The format's errors, or the model's validation errors, with positions.
pub fn load_with(text: &str, from: Option<Format>, options: &LoadOptions) -> Result<Loaded, Errors> {
    let native = |compiled: Compiled| {
        let origins = vec![0; compiled.written.topology.components.len()];
        Loaded {
            format: Format::Native,
            formats: vec![Format::Native],
            roles: vec![Role::Design],
            compiled,
            origins,
            warnings: Vec::new(),
            policies: Vec::new(),
            observed: None,
        }
    };
    if from.is_none() {
        // Errors are reported by the path below, which reads the text again with positions.
        if let Some(compiled) = large_native(text).and_then(|doc| compile(doc).ok()) {
            return Ok(native(compiled));
        }
    }
    let format = from.unwrap_or_else(|| detect(text));
    let part = match format {
        Format::Native => return Ok(native(blastmap_core::load(text)?)),
        Format::TailscalePolicy => return Err(policy_alone(text)),
        Format::Tailscale => {
            let mut parts = tailscale::import_many(&[(None, text)], &options.shards).map_err(|(_, e)| e)?;
            parts.pop().unwrap_or_default()
        }
        _ => import(text, format)?,
    };
    let (document, origins, warnings) = finish(vec![(None, part)]).map_err(|e| e.errors)?;
    let compiled = compile(document)?;
    let roles = vec![Role::Design];
    Ok(Loaded {
        format,
        formats: vec![format],
        roles,
        compiled,
        origins,
        warnings,
        policies: Vec::new(),
        observed: None,
    })
}

/// Reads several inputs and merges them into one topology. Each input's format is `from` when
/// given (overlays are always native), else detected from its content; its [`Role`] decides
/// whether it is merged or refines the inputs before it.
///
/// Design inputs merge: identical definitions from different inputs are one component; a
/// different definition of an id already defined by an earlier input is renamed `STEM/ID`
/// (STEM: the input's name without directory and extension), references inside its own input
/// follow the rename, and a warning says so (for a native file, also how to refine instead).
/// References between inputs resolve by id, so a native file can tie a compose service to a
/// Terraform resource. References no input defines become placeholder components with a
/// warning (in native inputs they are errors).
///
/// Overlays refine, by id, what the inputs before them define (`docs/overlays.md`): each change
/// is a note in the document (`compiled.written.notes`, then the report's), each value that
/// changes nothing a warning.
///
/// Observed inputs (a trace export beside a design, or any input given as [`Role::Observed`])
/// are not merged: their calls go to [`Loaded::observed`], for
/// `blastmap_core::report::Report::observe` to compare with the design.
///
/// ```
/// use blastmap_import::{load_many, Input, Role};
/// let compose = "services:\n  web:\n    depends_on: [db]\n  db: {}\n  auth: {}\n";
/// let traces = r#"[{"parent": "web", "child": "db"}, {"parent": "web", "child": "auth"}]"#;
/// let loaded = load_many(&[Input::new("compose.yml", compose), Input::new("jaeger.json", traces)], None).unwrap();
/// assert_eq!(loaded.roles, [Role::Design, Role::Observed]);
/// assert_eq!(loaded.observed.unwrap().calls.len(), 2);
/// assert_eq!(loaded.compiled.written.topology.components.len(), 3, "the design alone");
/// ```
///
/// ```
/// use blastmap_import::{load_many, Input};
/// let compose = "services:\n  web:\n    depends_on: [config]\n  config: {}\n";
/// let review = "components:\n  - id: web\n    requires_at_start: [config]\n";
/// let loaded = load_many(&[Input::new("compose.yml", compose), Input::new("review.yaml", review)], None).unwrap();
/// let web = &loaded.compiled.written.topology.components[0];
/// assert_eq!((web.requires.len(), web.requires_at_start.as_slice()), (0, ["config".to_string()].as_slice()));
/// assert_eq!(loaded.compiled.written.notes[0].rule, "overlay.requires_at_start");
/// ```
///
/// # Errors
/// The first input that does not parse, an overlay's errors (unknown ids, stale drops, ...),
/// observed inputs without a design, or the merged model's validation errors, with the name of
/// the input they are in.
pub fn load_many(inputs: &[Input<'_>], from: Option<Format>) -> Result<Loaded, FileErrors> {
    load_many_with(inputs, from, &LoadOptions::default())
}

/// [`load_many`] with options (the shards of tailnets, for status exports). Status exports are
/// read together (a node seen by several is one node); policy files are read into
/// [`Loaded::policies`], not into the topology.
///
/// # Errors
/// As [`load_many`].
pub fn load_many_with(inputs: &[Input<'_>], from: Option<Format>, options: &LoadOptions) -> Result<Loaded, FileErrors> {
    // Every input's format first, native ones parsed: whether a trace export is observed depends
    // on whether a design stands beside it, anywhere among the inputs.
    let mut read: Vec<(Format, Option<Document>)> = Vec::with_capacity(inputs.len());
    for input in inputs {
        let in_file = |errors| FileErrors::in_file(input.name, errors);
        if (from.is_none() || input.role == Role::Overlay) && !options.positions {
            if let Some(doc) = large_native(input.text) {
                read.push((Format::Native, Some(doc)));
                continue;
            }
        }
        let format = if input.role == Role::Overlay {
            let detected = detect(input.text);
            if detected != Format::Native {
                let message = format!(
                    "an overlay is a native file (a `components:` list refining the inputs before it); this input looks like {detected}: give it without `--overlay` to merge it"
                );
                return Err(in_file(Errors::one(Error::new(ErrorKind::InvalidValue, Some(Pos::START), message))));
            }
            Format::Native
        } else {
            from.unwrap_or_else(|| detect(input.text))
        };
        let doc = match format {
            Format::Native if options.positions => {
                Some(blastmap_core::format::parse_spanned(input.text).map_err(in_file)?)
            }
            Format::Native => Some(blastmap_core::format::parse(input.text).map_err(in_file)?),
            _ => None,
        };
        read.push((format, doc));
    }
    if !inputs.is_empty() && read.iter().all(|(f, _)| *f == Format::TailscalePolicy) {
        let first = inputs.first().map_or(("", ""), |i| (i.name, i.text));
        return Err(FileErrors::in_file(first.0, policy_alone(first.1)));
    }
    // Status exports are read together: a node several of them see is one node.
    let statuses: Vec<(Option<&str>, &str)> = inputs
        .iter()
        .zip(&read)
        .filter(|(_, (f, _))| *f == Format::Tailscale)
        .map(|(i, _)| (Some(i.name), i.text))
        .collect();
    let mut status_parts = tailscale::import_many(&statuses, &options.shards)
        .map_err(|(i, errors)| {
            let file = statuses.get(i).and_then(|(n, _)| *n).unwrap_or_default();
            FileErrors::in_file(file, errors)
        })?
        .into_iter();
    let roles = roles(inputs, &read, options.traces_as_design);
    let formats: Vec<Format> = read.iter().map(|(f, _)| *f).collect();
    if let Some(loaded) = single_native(inputs, &mut read, &roles) {
        return Ok(loaded);
    }
    let first_design =
        roles.iter().zip(&formats).position(|(&r, &f)| r == Role::Design && f != Format::TailscalePolicy);
    if first_design.is_none() && roles.contains(&Role::Observed) {
        let message = "every input is read as observed traces: give the design to compare them with too";
        let name = inputs.first().map_or("", |i| i.name);
        return Err(FileErrors::in_file(
            name,
            Errors::one(Error::new(ErrorKind::InvalidValue, Some(Pos::START), message)),
        ));
    }
    let mut parts = Vec::with_capacity(inputs.len());
    let mut observed: Option<Observation> = None;
    let mut side_warnings = Vec::new();
    let mut policies = Vec::new();
    for (i, ((input, (format, doc)), &role)) in inputs.iter().zip(read).zip(&roles).enumerate() {
        let (name, text) = (input.name, input.text);
        let in_file = |errors| FileErrors::in_file(name, errors);
        let part = match doc {
            Some(doc) if role == Role::Overlay => {
                // An overlay needs to know which fields it writes: positions (the fast JSON path
                // has none).
                let positioned = doc.spans.iter().all(|s| s.id.is_some());
                let doc = if positioned { doc } else { blastmap_core::format::parse_spanned(text).map_err(in_file)? };
                let mut part = Part::from_document(doc);
                part.overlay = true;
                part
            }
            Some(doc) => Part::from_document(doc),
            None if format == Format::TailscalePolicy => {
                let (p, warnings) = policy::parse(text).map_err(in_file)?;
                side_warnings.extend(warnings.into_iter().map(|mut w| {
                    w.file = Some(name.to_string());
                    w
                }));
                policies.push((name.to_string(), p));
                Part::new()
            }
            None if format == Format::Tailscale => status_parts.next().unwrap_or_default(),
            None => import(text, format).map_err(in_file)?,
        };
        if role == Role::Observed {
            let (observation, warnings) = observe(part, i, name);
            observed.get_or_insert_with(Observation::default).extend(observation);
            side_warnings.extend(warnings);
            // An empty part keeps every later input's index (positions name their input by it).
            parts.push((Some(name.to_string()), Part::new()));
            continue;
        }
        if role == Role::Overlay && first_design.is_none_or(|d| d > i) {
            let message = "this file is an overlay: it refines the inputs given before it, and none is; give the export it refines first (`blastmap analyze export.yml review.yaml`, or `--overlay review.yaml`)";
            return Err(in_file(Errors::one(Error::new(ErrorKind::InvalidValue, Some(Pos::START), message))));
        }
        parts.push((Some(name.to_string()), part));
    }
    let (mut document, origins, mut warnings) = finish(parts)?;
    let names: Vec<String> = inputs.iter().map(|i| i.name.to_string()).collect();
    if formats.contains(&Format::Tailscale) {
        // Peer relays of a status behind a load balancer the other inputs declare (`infer`).
        for (pos, message) in infer::relays_behind_load_balancers(&mut document) {
            let file = pos.and_then(|p| names.get(p.input as usize)).cloned();
            warnings.push(Warning::new(file, pos, message));
        }
        // A relay at no node's address was warned about on import; once an overlay or the rule
        // above states what it requires (each a note in the report), the warning is answered.
        let served = |id: &String| document.topology.relays.iter().any(|r| &r.id == id && !r.requires.is_empty());
        warnings.retain(|w| !w.unserved_relay.as_ref().is_some_and(served));
    }
    warnings.extend(side_warnings);
    let compiled = compile(document).map_err(|errors| FileErrors::new(&names, errors))?;
    let format = first_design.or(Some(0)).and_then(|i| formats.get(i)).copied().unwrap_or(Format::Native);
    Ok(Loaded { format, formats, roles, compiled, origins, warnings, policies, observed })
}

/// One native design without the mesh vocabulary, compiled as read: there is nothing to merge,
/// rename or resolve, and [`finish`] would give back the same document (its components and
/// name, no description) after copying every component twice. `None` when the inputs are
/// anything else, and when the document does not compile: then the general path reports its
/// errors (the order the tests pin) from a second reading with positions (large JSON is read
/// the first time without them).
fn single_native(inputs: &[Input<'_>], read: &mut [(Format, Option<Document>)], roles: &[Role]) -> Option<Loaded> {
    let ([input], [(Format::Native, slot)], [Role::Design]) = (inputs, read, roles) else {
        return None;
    };
    if slot.as_ref().is_none_or(|d| d.topology.uses_mesh()) {
        return None;
    }
    let mut doc = slot.take()?;
    doc.topology.description = None;
    let n = doc.topology.components.len();
    match compile(doc) {
        Ok(compiled) => Some(Loaded {
            format: Format::Native,
            formats: vec![Format::Native],
            roles: vec![Role::Design],
            compiled,
            origins: vec![0; n],
            warnings: Vec::new(),
            policies: Vec::new(),
            observed: None,
        }),
        Err(_) => {
            let text = input.text;
            *slot = blastmap_core::format::parse_spanned(text).or_else(|_| blastmap_core::format::parse(text)).ok();
            None
        }
    }
}

/// The role each input is read in ([`Role`]'s rules): a native file is an overlay when it says
/// `overlay: true`, is given as one, or is given (in [`Role::Auto`]) after an input in another
/// format (a policy file is not one: it holds rules, not components); a trace export in
/// [`Role::Auto`] is observed when a design stands beside it (part of the design with
/// `traces_as_design`).
fn roles(inputs: &[Input<'_>], read: &[(Format, Option<Document>)], traces_as_design: bool) -> Vec<Role> {
    let mut imported = false;
    let mut roles = Vec::with_capacity(inputs.len());
    for (input, (format, doc)) in inputs.iter().zip(read) {
        let role = match (input.role, doc) {
            (Role::Observed, _) => Role::Observed,
            (role, Some(doc)) if doc.topology.overlay || role == Role::Overlay || (role == Role::Auto && imported) => {
                Role::Overlay
            }
            (Role::Auto, None) if format.is_trace() && !traces_as_design => Role::Auto,
            _ => Role::Design,
        };
        imported |= doc.is_none() && *format != Format::TailscalePolicy;
        roles.push(role);
    }
    let beside_design = roles.iter().zip(read).any(|(&r, (f, _))| r == Role::Design && *f != Format::TailscalePolicy);
    roles
        .into_iter()
        .map(|r| match r {
            Role::Auto if beside_design => Role::Observed,
            Role::Auto => Role::Design,
            r => r,
        })
        .collect()
}

/// An observed input's calls (its dependencies: `requires`, `requires_at_start`,
/// `degrades_without`), with its warnings and one for what an observed input does not say.
fn observe(part: Part, input: usize, name: &str) -> (Observation, Vec<Warning>) {
    let index = u32::try_from(input).unwrap_or(u32::MAX);
    let mut warnings: Vec<Warning> = part
        .warnings
        .into_iter()
        .map(|mut w| {
            w.pos = w.pos.map(|p| p.in_input(index));
            w.file = Some(name.to_string());
            w
        })
        .collect();
    let mut spans = part.spans;
    for p in spans.iter_mut().flat_map(blastmap_core::format::ComponentSpans::positions_mut) {
        p.input = index;
    }
    let components = part.components;
    let unread: usize =
        components.iter().map(|c| c.monitored_by.len() + c.holds_credentials_for.len() + c.placement().count()).sum();
    let mesh = part.rest.as_ref().is_some_and(|d| d.topology.uses_mesh());
    if unread > 0 || mesh {
        warnings.push(Warning {
            file: Some(name.to_string()),
            pos: None,
            message: format!(
                "read as observed traces: only dependencies are calls; {unread} `monitored_by`, `holds_credentials_for` and placement values{} are not read",
                if mesh { " and the mesh sections" } else { "" }
            ),
            unserved_relay: None,
        });
    }
    let doc = Document { topology: Topology { components, ..Topology::default() }, spans, ..Document::default() };
    (Observation::from_document(&doc), warnings)
}

/// The native form of an imported topology, for `blastmap import --to yaml|json`
/// (print it with [`blastmap_core::format::to_yaml`] or `serde_json::to_string_pretty`).
pub fn to_native(loaded: &Loaded) -> Topology {
    loaded.compiled.written.topology.clone()
}
