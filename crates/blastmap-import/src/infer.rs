//! Labelled inferences: what an export's own words (images, service names, environment
//! variables, published ports, Service types) say about a component's role, applied to the
//! edges and targets the importer read, each application a [`Note`] of kind `inferred` with the
//! rule's name and where its evidence stands. The compose, Kubernetes and Backstage importers
//! describe what they read as [`Unit`]s; [`apply`] runs the rules over them.
//!
//! The rules (the import README's "Inference rules" table is the user's version):
//! - [`TELEMETRY_SINK`]: a component whose image (`otel/opentelemetry-collector-contrib`,
//!   `jaegertracing/*`, `grafana/*`, `prom/*`, `fluent/*`, `${JAEGERTRACING_IMAGE}`, ...), name
//!   (`otel-collector`, `jaeger-agent`, `prometheus`: a product's name, followed only by words
//!   such as `agent`, `collector`, `server`, `query`) or a well-known environment variable of
//!   another component (`OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4318`,
//!   `JAEGER_AGENT_HOST`, `ZIPKIN_*`, `DD_AGENT_HOST`, `*_COLLECTOR_HOST`, and a
//!   `${OTEL_COLLECTOR_HOST}` in any value) says it is telemetry. A Kubernetes Service or Ingress
//!   in front of telemetry only is telemetry too.
//! - [`TELEMETRY_BACKEND`]: a component only telemetry components depend on (OpenSearch behind
//!   the collector) is part of the telemetry pipeline.
//! - Effect of both: a declared dependency (`depends_on`, `links`, an environment reference) of
//!   a component that is not telemetry on one that is becomes `monitored_by` (it is observed
//!   through it; `requires_at_start` stays); edges among telemetry stay (a collector without its
//!   backend is blind); telemetry components are `target: false`.
//! - [`LOAD_GENERATOR`]: a load generator or test client (locust, k6, loadgenerator, vegeta,
//!   jmeter, wrk, `*-test`, `e2e`, ...; by image and name) is `target: false`, and a declared
//!   `requires` on it becomes `degrades_without`. It is never telemetry.
//! - [`ENTRY_POINT`]: a component the importer saw exposed (a compose service publishing a host
//!   port, a Kubernetes Service of type LoadBalancer or NodePort, an Ingress) that is neither
//!   telemetry nor a load generator is `target: true`. With entry points, the components nothing
//!   depends on are no longer targets (the core's rule): a warning names them.
//!
//! Nothing is invented: no edge is added, only the meaning of a declared one changes; an edge
//! that shares fate (`network_mode: service:x`, `volumes_from`, a shared volume, a Service's
//! selector) is never re-read. Each rule gives one note per component it applies to (its
//! evidence, the edges it changed) and one note per changed edge, with an [`EdgeRef`] for the
//! page to draw; an overlay overrides any of them by restating the edge or `target`.
//!
//! Two rules read tailnet estates (`tailscale status --json`, whose nodes carry no `ephemeral`
//! field and whose peer relays are known only by the address a peer was reached at):
//! - [`EPHEMERAL_NODE`]: a node is taken as `ephemeral` by a tag conventionally given to the auth
//!   keys of ephemeral nodes ([`EPHEMERAL_TAGS`], matched exactly) or a CI runner's hostname
//!   ([`ephemeral_evidence`] states the prefixes). The status importer applies it; an overlay
//!   `ephemeral: false` on the node undoes it.
//! - [`RELAY_BEHIND_LB`]: a peer relay (`peer-relay:IP:PORT`) reached at an address that a
//!   component of the estate (a load balancer an overlay or native file declares) lists in its
//!   label [`ENDPOINTS_LABEL`] requires that component. Both facts are the inputs'; the rule only
//!   joins them, and never when several components list the address or the relay already has an
//!   edge to the component (the operator's own statement wins).

use std::collections::{BTreeMap, BTreeSet};

use blastmap_core::format::{Document, RefField};
use blastmap_core::note::{EdgeRef, Note, NoteKind};
use blastmap_core::Pos;
use rustc_hash::FxHashMap;

use crate::build::Part;

/// Rule: a telemetry or observability sink, by image, name or another component's env var.
pub const TELEMETRY_SINK: &str = "telemetry-sink";
/// Rule: a component only telemetry components depend on.
pub const TELEMETRY_BACKEND: &str = "telemetry-backend";
/// Rule: a load generator or test client.
pub const LOAD_GENERATOR: &str = "load-generator";
/// Rule: an entry point (a published host port, a LoadBalancer or NodePort Service, an Ingress).
pub const ENTRY_POINT: &str = "entry-point";
/// Rule: a tailnet node taken as ephemeral by its tags or its hostname.
pub const EPHEMERAL_NODE: &str = "ephemeral-node";
/// Rule: a peer relay reached at an address a declared component (a load balancer) answers at.
pub const RELAY_BEHIND_LB: &str = "relay-behind-lb";

/// Tags conventionally given to the auth keys of ephemeral nodes (CI runners, autoscaled
/// workers), matched exactly.
pub const EPHEMERAL_TAGS: &[&str] = &[
    "tag:ci",
    "tag:ci-runner",
    "tag:runner",
    "tag:ephemeral",
    "tag:github-actions",
    "tag:github-runner",
    "tag:gitlab-runner",
    "tag:buildkite",
];

/// Hostname prefixes of CI runners, whatever follows.
const RUNNER_PREFIXES: &[&str] = &["github-runner-", "gitlab-runner-", "buildkite-", "ci-runner-"];

/// Hostname prefixes that name a CI runner when what follows ends in a digit (an instance number
/// or a run id): `github-` as tailscale/github-action names a runner (`github-` and the runner's
/// own hostname, `github-fv-az123-456`), `ci-4821`, GitLab's Kubernetes executor pods
/// (`runner-abc123-project-42-concurrent-0`). `github-mirror` and `ci-server` are not runners.
const NUMBERED_PREFIXES: &[&str] = &["github-", "ci-", "runner-"];

/// The label in which a component lists the addresses it answers at (`IP` or `IP:PORT`, comma
/// separated): a load balancer in front of a peer relay's static endpoints.
pub const ENDPOINTS_LABEL: &str = "endpoints";

/// Why rule [`EPHEMERAL_NODE`] takes a node as ephemeral.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EphemeralEvidence {
    /// By a tag (else by a hostname).
    pub by_tag: bool,
    /// The tag or the hostname.
    pub what: String,
    pub pos: Option<Pos>,
}

impl EphemeralEvidence {
    /// "tag `tag:ci`", "hostname `github-runner-7`".
    pub fn words(&self) -> String {
        format!("{} `{}`", if self.by_tag { "tag" } else { "hostname" }, self.what)
    }
}

/// Whether a hostname reads as a CI runner's ([`RUNNER_PREFIXES`], [`NUMBERED_PREFIXES`]), in
/// lowercase.
fn runner_hostname(name: &str) -> bool {
    let name = name.trim().to_ascii_lowercase();
    let after = |p: &&str| name.strip_prefix(*p).filter(|rest| !rest.is_empty());
    RUNNER_PREFIXES.iter().any(|p| after(p).is_some())
        || NUMBERED_PREFIXES.iter().filter_map(after).any(|rest| rest.ends_with(|c: char| c.is_ascii_digit()))
}

/// Rule [`EPHEMERAL_NODE`] on one node: the first of its tags in [`EPHEMERAL_TAGS`], else the
/// first of its names (`HostName`, the first label of its MagicDNS name) that reads as a CI
/// runner's; `None` when neither says ephemeral.
pub(crate) fn ephemeral_evidence(
    tags: &[(String, Option<Pos>)],
    names: &[(String, Option<Pos>)],
) -> Option<EphemeralEvidence> {
    let tag = tags.iter().find(|(t, _)| EPHEMERAL_TAGS.contains(&t.trim()));
    if let Some((t, pos)) = tag {
        return Some(EphemeralEvidence { by_tag: true, what: t.trim().to_string(), pos: *pos });
    }
    let name = names.iter().find(|(n, _)| runner_hostname(n));
    name.map(|(n, pos)| EphemeralEvidence { by_tag: false, what: n.trim().to_string(), pos: *pos })
}

/// The note of rule [`EPHEMERAL_NODE`] on node `id`.
pub(crate) fn ephemeral_note(id: &str, why: &EphemeralEvidence) -> Note {
    let message = format!(
        "`{id}` taken as ephemeral: {} (rule {EPHEMERAL_NODE}; the status export does not say); set `ephemeral: false` in an overlay to undo",
        why.words()
    );
    note(EPHEMERAL_NODE, id, None, why.pos, message)
}

/// The address a peer relay made by the status importer is reached at (`IP:PORT`), from its id.
fn relay_address(id: &str) -> Option<&str> {
    id.strip_prefix("peer-relay:").map(str::trim).filter(|a| !a.is_empty())
}

/// The host of `IP:PORT`, `[IPv6]:PORT`, or a bare address.
fn address_host(a: &str) -> &str {
    let a = a.trim();
    if let Some(rest) = a.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match a.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => a,
    }
}

/// Whether `listed` (an entry of a component's [`ENDPOINTS_LABEL`]) is the address `at`: the
/// same `IP:PORT`, or the same IP when `listed` has no port.
fn same_address(listed: &str, at: &str) -> bool {
    let (listed, at) = (listed.trim().to_ascii_lowercase(), at.trim().to_ascii_lowercase());
    if listed.is_empty() {
        return false;
    }
    if listed == at {
        return true;
    }
    let bare = address_host(&listed) == listed.trim_start_matches('[').trim_end_matches(']');
    bare && address_host(&listed) == address_host(&at)
}

/// Rule [`RELAY_BEHIND_LB`] over a merged estate: each peer relay `peer-relay:IP:PORT` whose
/// address exactly one component (outside any tailnet) lists in its label [`ENDPOINTS_LABEL`]
/// requires that component, with a note at the label. A relay that already has an edge to it
/// (in `requires`, `requires_at_start`, `degrades_without` or `monitored_by`) is left as
/// stated; an address several components list gives a warning and no edge. Returns the
/// warnings, each with its position.
///
/// # Complexity
/// O(R · C · A) for R peer relays, C components and A addresses in their labels.
pub(crate) fn relays_behind_load_balancers(doc: &mut Document) -> Vec<(Option<Pos>, String)> {
    let mut warnings = Vec::new();
    let listed: Vec<(usize, Vec<&str>)> = doc
        .topology
        .components
        .iter()
        .enumerate()
        .filter(|(_, c)| c.tailnet.is_none())
        .filter_map(|(i, c)| c.labels.get(ENDPOINTS_LABEL).map(|l| (i, l.split(',').collect())))
        .collect();
    if listed.is_empty() {
        return warnings;
    }
    let mut edges: Vec<(usize, String, Option<Pos>, String)> = Vec::new();
    for (r, relay) in doc.topology.relays.iter().enumerate() {
        let Some(at) = relay_address(&relay.id) else { continue };
        let matches: Vec<(usize, &str)> = listed
            .iter()
            .filter_map(|(i, addrs)| addrs.iter().find(|a| same_address(a, at)).map(|a| (*i, a.trim())))
            .collect();
        let comp = |i: usize| doc.topology.components.get(i);
        let label_pos = |i: usize| doc.spans.get(i).and_then(|s| s.field("labels"));
        match matches.as_slice() {
            [] => {}
            [(i, listed_as)] => {
                let Some(lb) = comp(*i) else { continue };
                let stated =
                    [RefField::Requires, RefField::RequiresAtStart, RefField::DegradesWithout, RefField::MonitoredBy]
                        .iter()
                        .any(|f| f.of(relay).contains(&lb.id));
                if stated || lb.id == relay.id {
                    continue;
                }
                let message = format!(
                    "`{}` → `{}`: added to requires (the relay is reached at {at}, which `{}` lists in its label `{ENDPOINTS_LABEL}` as {listed_as}: a peer relay advertised through static endpoints behind it depends on it); write the relay's edge to `{}` in an overlay to state it otherwise",
                    relay.id, lb.id, lb.id, lb.id
                );
                edges.push((r, lb.id.clone(), label_pos(*i), message));
            }
            many => {
                let names: Vec<String> =
                    many.iter().filter_map(|(i, _)| comp(*i)).map(|c| format!("`{}`", c.id)).collect();
                let pos = many.first().and_then(|(i, _)| label_pos(*i));
                warnings.push((
                    pos,
                    format!(
                        "`{}` is reached at {at}, which {} all list in their label `{ENDPOINTS_LABEL}`: no dependency inferred (rule {RELAY_BEHIND_LB}); say which the relay requires in an overlay",
                        relay.id,
                        names.join(", ")
                    ),
                ));
            }
        }
    }
    doc.relay_spans.resize(doc.topology.relays.len(), blastmap_core::format::ComponentSpans::default());
    for (r, lb, pos, message) in edges {
        let Some(relay) = doc.topology.relays.get_mut(r) else { continue };
        relay.requires.push(lb.clone());
        let n = relay.requires.len();
        let id = relay.id.clone();
        if let Some(s) = doc.relay_spans.get_mut(r) {
            let positions = s.refs.entry(RefField::Requires).or_default();
            positions.resize(n.saturating_sub(1), None);
            positions.push(pos);
        }
        let edge = EdgeRef { from: id.clone(), to: lb, field: Some(RefField::Requires), was: None };
        doc.notes.push(note(RELAY_BEHIND_LB, &id, Some(edge), pos, message));
    }
    warnings
}

/// A dependency the importer read from a declaration the rules may re-read (not one of shared
/// fate): `to` (a component id), its meaning as read, how the file says it, and where.
#[derive(Clone, Debug)]
pub(crate) struct Declared {
    pub to: String,
    pub field: RefField,
    /// `depends_on`, `links`, `env` (as the notes quote it).
    pub how: &'static str,
    pub pos: Option<Pos>,
}

/// What an importer read about one component it made (a compose service, a Kubernetes
/// workload, Service or Ingress, a Backstage entity).
#[derive(Clone, Debug, Default)]
pub(crate) struct Unit {
    /// Its component in the part.
    pub index: usize,
    /// The replicas that hold its dependencies (empty: the component itself).
    pub members: Vec<usize>,
    /// Its name as written (a compose service, a Kubernetes object's `metadata.name`).
    pub name: String,
    pub name_pos: Option<Pos>,
    /// Other names the file's values may use for it (a compose `container_name`, `hostname`).
    pub aliases: Vec<String>,
    /// The Kubernetes namespace (empty elsewhere, and for `default`).
    pub ns: String,
    pub image: Option<(String, Option<Pos>)>,
    /// Environment variables: name, value (empty when only the name is written), position.
    pub env: Vec<(String, String, Option<Pos>)>,
    /// Why it is exposed, as a clause after "it" (`publishes host port \`8080:80\``, `is an
    /// Ingress`), and where.
    pub entry: Option<(String, Option<Pos>)>,
    /// A Kubernetes Service or Ingress: it is what it routes to.
    pub front: bool,
    pub declared: Vec<Declared>,
}

/// A component's role, with the evidence.
#[derive(Clone, Debug, PartialEq)]
enum Role {
    Plain,
    Telemetry { rule: &'static str, why: String, pos: Option<Pos> },
    LoadGenerator { why: String, pos: Option<Pos> },
}

impl Role {
    fn telemetry(&self) -> bool {
        matches!(self, Role::Telemetry { .. })
    }
}

/// Words of a name: lowercase, split on anything that is not a letter or a digit.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_ascii_lowercase).collect()
}

/// Telemetry products, as the words their names start with.
const PRODUCTS: &[&[&str]] = &[
    &["otel"],
    &["otelcol"],
    &["opentelemetry", "collector"],
    &["collector", "contrib"],
    &["jaeger"],
    &["jaegertracing"],
    &["zipkin"],
    &["openzipkin"],
    &["tempo"],
    &["prometheus"],
    &["alertmanager"],
    &["pushgateway"],
    &["grafana"],
    &["loki"],
    &["promtail"],
    &["fluentd"],
    &["fluentbit"],
    &["fluent", "bit"],
    &["datadog"],
    &["dd", "agent"],
    &["filebeat"],
    &["metricbeat"],
    &["packetbeat"],
    &["auditbeat"],
    &["elastic", "agent"],
    &["apm", "server"],
    &["signoz"],
    &["victoriametrics"],
    &["victoria", "metrics"],
    &["vmagent"],
    &["vmalert"],
    &["node", "exporter"],
    &["cadvisor"],
    &["mimir"],
];

/// Words that may follow a product's name in the name of one of its parts (`jaeger-agent`,
/// `otel-collector`, `prometheus-server`); any other word (`grafana-proxy`) means the
/// component is something else that mentions the product.
const ROLE_WORDS: &[&str] = &[
    "agent",
    "all",
    "allinone",
    "collector",
    "compactor",
    "contrib",
    "core",
    "daemon",
    "distributor",
    "exporter",
    "gateway",
    "in",
    "ingester",
    "k8s",
    "one",
    "oss",
    "querier",
    "query",
    "server",
    "sidecar",
    "ui",
    "web",
];

/// Image namespaces that hold only telemetry (`jaegertracing/all-in-one`, `prom/prometheus`,
/// `docker.elastic.co/beats/filebeat`, `quay.io/prometheus/alertmanager`).
const TELEMETRY_NAMESPACES: &[&str] = &[
    "jaegertracing",
    "openzipkin",
    "prom",
    "prometheus",
    "grafana",
    "fluent",
    "signoz",
    "victoriametrics",
    "datadog",
    "datadoghq",
    "beats",
    "datalust",
    "timberio",
    "openobserve",
];

/// Load generators and test clients, as words of a name or an image.
const LOAD_WORDS: &[&str] = &[
    "locust",
    "locustio",
    "k6",
    "loadgenerator",
    "loadgen",
    "loadtest",
    "loadtester",
    "vegeta",
    "jmeter",
    "wrk",
    "wrk2",
    "gatling",
    "artillery",
    "tsung",
    "siege",
    "e2e",
];
const LOAD_PAIRS: &[[&str; 2]] =
    &[["load", "generator"], ["load", "gen"], ["load", "test"], ["load", "tester"], ["traffic", "generator"]];

/// The telemetry product a name's words say, when they are a product's name followed only by
/// role words (or digits: `prometheus-2`).
fn telemetry_words(w: &[String]) -> Option<String> {
    PRODUCTS.iter().find_map(|p| {
        let starts = w.len() >= p.len() && w.iter().zip(p.iter()).all(|(a, b)| a == b);
        let rest = w.get(p.len()..).unwrap_or_default();
        let roles = rest.iter().all(|r| ROLE_WORDS.contains(&r.as_str()) || r.bytes().all(|b| b.is_ascii_digit()));
        (starts && roles).then(|| p.join("-"))
    })
}

/// Whether a name's words say load generator or test client.
fn load_words(w: &[String]) -> bool {
    w.iter().any(|x| LOAD_WORDS.contains(&x.as_str()))
        || w.windows(2).any(|p| match p {
            [a, b] => LOAD_PAIRS.iter().any(|[x, y]| a == x && b == y),
            _ => false,
        })
        || w.last().is_some_and(|x| x == "test" || x == "tests")
}

/// Variables an image or value refers to (`${NAME}`, `${NAME:-default}`, `$NAME`): names and
/// defaults.
fn variables(s: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(k) = rest.find('$') {
        let after = rest.get(k + 1..).unwrap_or_default();
        if let Some(inner) = after.strip_prefix('{') {
            let end = inner.find('}').unwrap_or(inner.len());
            let body = inner.get(..end).unwrap_or_default();
            let (name, default) = match body.find([':', '-', '?', '+']) {
                Some(i) => {
                    let d = body.get(i..).unwrap_or_default().trim_start_matches([':', '-', '?', '+']);
                    (body.get(..i).unwrap_or_default(), (!d.is_empty()).then(|| d.to_string()))
                }
                None => (body, None),
            };
            if !name.is_empty() {
                out.push((name.to_string(), default));
            }
            rest = inner.get(end..).unwrap_or_default();
        } else {
            let end = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
            if end > 0 {
                out.push((after.get(..end).unwrap_or_default().to_string(), None));
            }
            rest = after.get(end..).unwrap_or_default();
        }
    }
    out
}

/// What an image says: a telemetry product (with the words that say it) or a load generator.
fn image_role(image: &str) -> Option<Result<String, ()>> {
    image_role_at(image, 0)
}

/// Defaults of defaults (`${A:-${B:-image}}`) are read this deep, no deeper.
const MAX_NESTING: usize = 8;

fn image_role_at(image: &str, depth: usize) -> Option<Result<String, ()>> {
    if image.contains('$') {
        for (name, default) in variables(image) {
            let nested = default.as_deref().filter(|_| depth < MAX_NESTING);
            if let Some(found) = nested.and_then(|d| image_role_at(d, depth + 1)) {
                return Some(found);
            }
            let mut w = words(&name);
            if w.last().is_some_and(|x| matches!(x.as_str(), "image" | "img" | "repo" | "repository")) {
                w.pop();
            }
            if load_words(&w) {
                return Some(Err(()));
            }
            if let Some(p) = telemetry_words(&w) {
                return Some(Ok(p));
            }
        }
        return None;
    }
    let path = image.split('@').next().unwrap_or(image);
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.last().copied().unwrap_or_default();
    let repo = last.split(':').next().unwrap_or(last);
    let w = words(repo);
    if load_words(&w) {
        return Some(Err(()));
    }
    if let Some(p) = telemetry_words(&w) {
        return Some(Ok(p));
    }
    let namespace = segments.len().checked_sub(2).and_then(|i| segments.get(i)).map(|s| s.to_ascii_lowercase());
    namespace.filter(|n| TELEMETRY_NAMESPACES.contains(&n.as_str())).map(|n| Ok(format!("{n}/{repo}")))
}

/// Whether an environment variable's name says its value names a telemetry endpoint
/// (`OTEL_EXPORTER_OTLP_ENDPOINT`, `JAEGER_AGENT_HOST`, `ZIPKIN_*`, `DD_AGENT_HOST`,
/// `*_COLLECTOR_HOST`, `COLLECTOR_SERVICE_ADDR`).
fn telemetry_var(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    let w: Vec<&str> = n.split('_').collect();
    let endpoint = w.last().is_some_and(|l| {
        matches!(*l, "HOST" | "HOSTNAME" | "ADDR" | "ADDRESS" | "URI" | "URL" | "URLS" | "ENDPOINT" | "PORT")
    });
    n.contains("OTEL_EXPORTER_")
        || n.starts_with("ZIPKIN_")
        || n.starts_with("JAEGER_")
        || n.starts_with("DD_AGENT_")
        || n.starts_with("DD_TRACE_AGENT_")
        || n == "DD_DOGSTATSD_URL"
        || n.starts_with("ELASTIC_APM_SERVER_URL")
        || (w.contains(&"COLLECTOR") && endpoint)
}

/// The host names a value names, as `(name, namespace)`: `host`, `host:port`,
/// `scheme://user@host.ns.svc.cluster.local:port/path`, lists of those; a variable such as
/// `${OTEL_COLLECTOR_HOST}` names `otel-collector` (its name without the last word, in
/// lowercase with `-`), and its default a host. Literal hosts count only when `literal`.
fn hosts(value: &str, literal: bool, depth: usize) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for (var, default) in variables(value) {
        if telemetry_var(&var) {
            let w: Vec<String> = words(&var);
            let stem = w.get(..w.len().saturating_sub(1)).unwrap_or_default().join("-");
            if !stem.is_empty() {
                out.push((stem, None));
            }
            if let Some(d) = default.filter(|_| depth < MAX_NESTING) {
                out.extend(hosts(&d, true, depth + 1));
            }
        }
    }
    if !literal {
        return out;
    }
    for token in value.split(|c: char| c.is_whitespace() || c == ',' || c == ';') {
        if token.contains('$') {
            continue;
        }
        let rest = token.split_once("://").map_or(token, |(_, r)| r);
        let rest = rest.rsplit('@').next().unwrap_or(rest);
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let host = rest.get(..end).unwrap_or_default().split(':').next().unwrap_or_default();
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let base = host.strip_suffix(".cluster.local").unwrap_or(&host);
        let base = base.strip_suffix(".svc").unwrap_or(base);
        let labels: Vec<&str> = base.split('.').collect();
        match labels.as_slice() {
            [name] if !name.is_empty() => out.push(((*name).to_string(), None)),
            [name, ns] if !name.is_empty() && !ns.is_empty() => {
                out.push(((*name).to_string(), Some((*ns).to_string())));
            }
            _ => {}
        }
    }
    out
}

/// Moves `to` from list `from` to list `into` of component `i`, keeping its position. False
/// when `i` does not list it in `from`.
fn move_edge(part: &mut Part, i: usize, to: &str, from: RefField, into: RefField) -> bool {
    let Some(c) = part.components.get_mut(i) else { return false };
    let list = from.of_mut(c);
    let Some(k) = list.iter().position(|r| r == to) else { return false };
    list.remove(k);
    let already = into.of(c).iter().any(|r| r == to);
    if !already {
        into.of_mut(c).push(to.to_string());
    }
    let n = into.of(c).len();
    if let Some(s) = part.spans.get_mut(i) {
        let pos = s.refs.get_mut(&from).filter(|p| k < p.len()).and_then(|p| p.remove(k));
        if !already {
            let positions = s.refs.entry(into).or_default();
            positions.resize(n.saturating_sub(1), None);
            positions.push(pos);
        }
    }
    true
}

/// "`a`, `b` and 16 more".
fn few(names: &[String]) -> String {
    let shown: Vec<String> = names.iter().take(2).map(|n| format!("`{n}`")).collect();
    match names.len() {
        0 => String::new(),
        1 | 2 => shown.join(" and "),
        n => format!("{} and {} more", shown.join(", "), n - 2),
    }
}

/// One changed edge: the unit's component id, the target, the meanings, where, how written.
struct Change {
    from: String,
    to: String,
    was: RefField,
    now: RefField,
    pos: Option<Pos>,
    how: &'static str,
    replicas: usize,
}

/// Runs the rules over `units` (what the importer read) and applies them to `part`: meanings of
/// declared edges, `target` of components, notes, and a warning naming the components that an
/// entry point leaves out of the targets.
///
/// # Complexity
/// O(U·A·log U + (C + R)·d) for U units with A environment values in all, C components with R
/// references, and d the largest number of dependencies of one component (a component that
/// turns out telemetry checks the dependents of what it needs, once each).
pub(crate) fn apply(part: &mut Part, units: &[Unit]) {
    let n = part.components.len();
    let mut roles: Vec<Role> = vec![Role::Plain; n];
    // The unit of each component (its own, or its group's for a replica).
    let mut unit_of: Vec<Option<usize>> = vec![None; n];
    for (u, unit) in units.iter().enumerate() {
        for &i in std::iter::once(&unit.index).chain(&unit.members) {
            if let Some(slot) = unit_of.get_mut(i) {
                *slot = Some(u);
            }
        }
    }
    let id = |part: &Part, i: usize| part.components.get(i).map(|c| c.id.clone()).unwrap_or_default();
    let set = |roles: &mut Vec<Role>, unit: &Unit, role: Role| {
        for &i in std::iter::once(&unit.index).chain(&unit.members) {
            if let Some(slot) = roles.get_mut(i) {
                *slot = role.clone();
            }
        }
    };

    // Images and names.
    for unit in units {
        let by_image = unit.image.as_ref().and_then(|(img, pos)| image_role(img).map(|r| (r, img, *pos)));
        let name_words = words(&unit.name);
        let role = match by_image {
            Some((Err(()), img, pos)) => Role::LoadGenerator { why: format!("image `{img}`"), pos },
            _ if load_words(&name_words) => {
                Role::LoadGenerator { why: format!("name `{}`", unit.name), pos: unit.name_pos }
            }
            Some((Ok(_), img, pos)) => Role::Telemetry { rule: TELEMETRY_SINK, why: format!("image `{img}`"), pos },
            None if telemetry_words(&name_words).is_some() => {
                Role::Telemetry { rule: TELEMETRY_SINK, why: format!("name `{}`", unit.name), pos: unit.name_pos }
            }
            None => Role::Plain,
        };
        set(&mut roles, unit, role);
    }
    // Well-known environment variables of other components that name a unit: by (namespace,
    // name), a Service before a workload of the same name (a value names the Service).
    let mut by_name: FxHashMap<(&str, &str), usize> = FxHashMap::default();
    for (u, unit) in units.iter().enumerate() {
        for name in std::iter::once(&unit.name).chain(&unit.aliases) {
            let key = (norm_ns(&unit.ns), name.as_str());
            let front_there = by_name.get(&key).and_then(|&k| units.get(k)).is_some_and(|k| k.front);
            if !front_there {
                by_name.insert(key, u);
            }
        }
    }
    for (u, unit) in units.iter().enumerate() {
        for (var, value, pos) in &unit.env {
            for (host, ns) in hosts(value, telemetry_var(var), 0) {
                let ns = ns.unwrap_or_else(|| unit.ns.clone());
                let found =
                    by_name.get(&(norm_ns(&ns), host.as_str())).filter(|&&t| t != u).and_then(|&t| units.get(t));
                if let Some(t) = found {
                    if roles.get(t.index) == Some(&Role::Plain) {
                        let why = format!("named by `{var}` of `{}`", unit.name);
                        set(&mut roles, t, Role::Telemetry { rule: TELEMETRY_SINK, why, pos: *pos });
                    }
                }
            }
        }
    }

    // Services and Ingresses in front of telemetry (or load generators) only, and components
    // only telemetry depends on: a worklist from what is known, along the edges (which do not
    // change before every role is known).
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, c) in part.components.iter().enumerate() {
        for f in [RefField::Requires, RefField::RequiresAtStart, RefField::DegradesWithout] {
            for r in f.of(c) {
                if let Some(slot) = part.find(r).and_then(|t| dependents.get_mut(t)) {
                    slot.push(i);
                }
            }
        }
    }
    let owner_of = |i: usize| unit_of.get(i).copied().flatten().and_then(|u| units.get(u));
    let is_member = |i: usize| owner_of(i).is_some_and(|u| u.index != i);
    let mut queue: Vec<usize> = (0..n).filter(|&i| roles.get(i) != Some(&Role::Plain)).collect();
    while let Some(t) = queue.pop() {
        let telemetry = roles.get(t).is_some_and(Role::telemetry);
        // Fronts whose every backend is now of one role.
        for &d in dependents.get(t).map(Vec::as_slice).unwrap_or_default() {
            let Some(front) = owner_of(d).filter(|u| u.front && u.index == d) else { continue };
            if roles.get(d) != Some(&Role::Plain) {
                continue;
            }
            let behind: Vec<usize> = part
                .components
                .get(d)
                .map(|c| c.requires.iter().filter_map(|r| part.find(r)).collect())
                .unwrap_or_default();
            let Some(&first) = behind.first() else { continue };
            let what = format!("in front of `{}`", id(part, first));
            let role = if behind.iter().all(|&b| roles.get(b).is_some_and(Role::telemetry)) {
                Role::Telemetry { rule: TELEMETRY_SINK, why: what, pos: front.name_pos }
            } else if behind.iter().all(|&b| matches!(roles.get(b), Some(Role::LoadGenerator { .. }))) {
                Role::LoadGenerator { why: what, pos: front.name_pos }
            } else {
                continue;
            };
            set(&mut roles, front, role);
            queue.push(d);
        }
        if !telemetry {
            continue;
        }
        // What t needs, when only telemetry needs it.
        let needs: Vec<usize> = part
            .components
            .get(t)
            .map(|c| {
                [RefField::Requires, RefField::RequiresAtStart, RefField::DegradesWithout]
                    .into_iter()
                    .flat_map(|f| f.of(c).iter().filter_map(|r| part.find(r)))
                    .collect()
            })
            .unwrap_or_default();
        for d in needs {
            if is_member(d) || roles.get(d) != Some(&Role::Plain) {
                continue;
            }
            let ds = dependents.get(d).map(Vec::as_slice).unwrap_or_default();
            if !ds.iter().all(|&x| roles.get(x).is_some_and(Role::telemetry)) {
                continue;
            }
            let mut names: Vec<String> = ds.iter().map(|&x| owner(part, units, &unit_of, x)).collect();
            names.dedup();
            let why = format!("only telemetry depends on it: {}", few(&names));
            let pos = part.spans.get(d).and_then(|s| s.id.or(s.at));
            let role = Role::Telemetry { rule: TELEMETRY_BACKEND, why, pos };
            match owner_of(d) {
                Some(unit) => {
                    set(&mut roles, unit, role);
                    queue.extend(std::iter::once(unit.index).chain(unit.members.iter().copied()));
                }
                None => {
                    if let Some(slot) = roles.get_mut(d) {
                        *slot = role;
                    }
                    queue.push(d);
                }
            }
        }
    }

    // Effects on declared edges.
    let mut changes: Vec<Change> = Vec::new();
    for unit in units {
        let own = roles.get(unit.index).cloned().unwrap_or(Role::Plain);
        let holders: Vec<usize> = if unit.members.is_empty() { vec![unit.index] } else { unit.members.clone() };
        for d in &unit.declared {
            let Some(t) = part.find(&d.to) else { continue };
            let target = roles.get(t).cloned().unwrap_or(Role::Plain);
            let now = match (&own, &target, d.field) {
                (Role::Telemetry { .. }, _, _) | (_, Role::Plain, _) => continue,
                (_, Role::Telemetry { .. }, RefField::Requires | RefField::DegradesWithout) => RefField::MonitoredBy,
                (Role::Plain, Role::LoadGenerator { .. }, RefField::Requires) => RefField::DegradesWithout,
                _ => continue,
            };
            let moved = holders.iter().filter(|&&h| move_edge(part, h, &d.to, d.field, now)).count();
            if moved > 0 {
                changes.push(Change {
                    from: id(part, unit.index),
                    to: d.to.clone(),
                    was: d.field,
                    now,
                    pos: d.pos,
                    how: d.how,
                    replicas: if unit.members.is_empty() { 0 } else { moved },
                });
            }
        }
    }

    // Targets and notes: one per component per rule, then one per changed edge.
    let mut notes: Vec<Note> = Vec::new();
    let mut entries: Vec<(String, Option<Pos>)> = Vec::new();
    let mut changed_to: BTreeMap<&str, Vec<&Change>> = BTreeMap::new();
    for c in &changes {
        changed_to.entry(c.to.as_str()).or_default().push(c);
    }
    for i in 0..n {
        let member = unit_of.get(i).copied().flatten().is_some_and(|u| units.get(u).is_some_and(|u| u.index != i));
        if member {
            continue;
        }
        let me = id(part, i);
        let unit = unit_of.get(i).copied().flatten().and_then(|u| units.get(u));
        let mine: &[&Change] = changed_to.get(me.as_str()).map(Vec::as_slice).unwrap_or_default();
        let (rule, why, pos, what) = match roles.get(i) {
            Some(Role::Telemetry { rule, why, pos }) => {
                let what =
                    if *rule == TELEMETRY_BACKEND { "part of the telemetry pipeline" } else { "a telemetry sink" };
                (*rule, why.clone(), *pos, what)
            }
            Some(Role::LoadGenerator { why, pos }) => (LOAD_GENERATOR, why.clone(), *pos, "a load generator"),
            _ => {
                if let Some((why, pos)) = unit.and_then(|u| u.entry.clone()) {
                    set_target(part, i, true);
                    entries.push((me.clone(), pos));
                    notes.push(note(
                        ENTRY_POINT,
                        &me,
                        None,
                        pos,
                        format!("`{me}`: an entry point (it {why}): a target"),
                    ));
                }
                continue;
            }
        };
        set_target(part, i, false);
        let exposed = unit.and_then(|u| u.entry.as_ref()).map(|(w, _)| format!(", though it {w}")).unwrap_or_default();
        let mut message = format!("`{me}`: {what} ({why}): not a target{exposed}");
        let mut hows: BTreeMap<(&str, RefField), Vec<String>> = BTreeMap::new();
        for c in mine {
            hows.entry((c.how, c.now)).or_default().push(c.from.clone());
        }
        for ((how, now), froms) in &hows {
            message.push_str(&format!("; {}: {} read as {}", few(froms), said(how, &me), now.name()));
        }
        notes.push(note(rule, &me, None, pos, message));
    }
    if entries.is_empty() {
        driven_entries(part, &roles, &unit_of, units, &mut notes);
    }
    let rule_of = |to: &str| match part.find(to).and_then(|t| roles.get(t)) {
        Some(Role::Telemetry { rule, .. }) => *rule,
        _ => LOAD_GENERATOR,
    };
    for c in &changes {
        let rule = rule_of(&c.to);
        let on = if c.replicas > 0 { format!(", on its {} replicas", c.replicas) } else { String::new() };
        let because = if rule == LOAD_GENERATOR { "a load generator" } else { "telemetry" };
        let message = format!(
            "`{}` → `{}`: {} → {}{on} ({because}; {})",
            c.from,
            c.to,
            c.was.name(),
            c.now.name(),
            said(c.how, &c.to)
        );
        let edge = EdgeRef { from: c.from.clone(), to: c.to.clone(), field: Some(c.now), was: Some(c.was) };
        notes.push(note(rule, &c.from, Some(edge), c.pos, message));
    }
    part.notes.extend(notes);

    // With entry points, the components nothing depends on are no longer targets: say which.
    if let Some((_, pos)) = entries.first() {
        let depended: BTreeSet<&str> = part
            .components
            .iter()
            .flat_map(|c| {
                // What the core's rule counts: runtime and start dependents.
                c.requires.iter().chain(&c.requires_at_start).map(String::as_str)
            })
            .collect();
        let left: Vec<String> = part
            .components
            .iter()
            .filter(|c| c.target.is_none() && !c.critical && !depended.contains(c.id.as_str()))
            .map(|c| c.id.clone())
            .collect();
        if !left.is_empty() {
            let names: Vec<String> = entries.iter().map(|(e, _)| e.clone()).collect();
            let one = left.len() == 1;
            let message = format!(
                "{}: {} that nothing here depends on {} (the file does not say what calls {}); write `target: true` or `critical: true` for {} in an overlay to analyse {} too",
                if names.len() == 1 {
                    format!("the entry point {} is the target", few_all(&names))
                } else {
                    format!("the entry points {} are the targets", few_all(&names))
                },
                few(&left),
                if one { "is no longer a target" } else { "are no longer targets" },
                if one { "it" } else { "them" },
                if one { "it" } else { "them" },
                if one { "it" } else { "them" },
            );
            part.warn(*pos, message);
        }
    }
}

/// How the file declares a dependency on `to`: "`depends_on: to`", "an env value naming `to`".
fn said(how: &str, to: &str) -> String {
    if how == "env" {
        format!("an env value naming `{to}`")
    } else {
        format!("`{how}: {to}`")
    }
}

/// Without a published entry point, the core's targets are the components nothing depends on,
/// and a load generator's calls hide the entry it drives. When that happens, what only load
/// generators depend on is an entry point, and (since marked targets replace the core's rule)
/// the components nothing depends on are marked targets too, each with a note.
fn driven_entries(part: &mut Part, roles: &[Role], unit_of: &[Option<usize>], units: &[Unit], notes: &mut Vec<Note>) {
    let n = part.components.len();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, c) in part.components.iter().enumerate() {
        for r in c.requires.iter().chain(&c.requires_at_start) {
            if let Some(slot) = part.find(r).and_then(|t| dependents.get_mut(t)) {
                slot.push(i);
            }
        }
    }
    let load = |d: &usize| matches!(roles.get(*d), Some(Role::LoadGenerator { .. }));
    let mut driven: Vec<(usize, Vec<String>)> = Vec::new();
    let mut roots: Vec<usize> = Vec::new();
    for i in 0..n {
        let member = unit_of.get(i).copied().flatten().is_some_and(|u| units.get(u).is_some_and(|u| u.index != i));
        let open = part.components.get(i).is_some_and(|c| c.target.is_none() && !c.critical);
        if member || !open || roles.get(i) != Some(&Role::Plain) {
            continue;
        }
        let ds = dependents.get(i).map(Vec::as_slice).unwrap_or_default();
        if ds.is_empty() {
            roots.push(i);
        } else if ds.iter().all(load) {
            let mut names: Vec<String> = ds.iter().map(|&d| owner(part, units, unit_of, d)).collect();
            names.dedup();
            driven.push((i, names));
        }
    }
    if driven.is_empty() {
        return;
    }
    let id = |part: &Part, i: usize| part.components.get(i).map(|c| c.id.clone()).unwrap_or_default();
    for (i, by) in driven {
        let me = id(part, i);
        set_target(part, i, true);
        let pos = part.spans.get(i).and_then(|s| s.id.or(s.at));
        let message = format!("`{me}`: an entry point (only load generators call it: {}): a target", few(&by));
        notes.push(note(ENTRY_POINT, &me, None, pos, message));
    }
    for i in roots {
        let me = id(part, i);
        set_target(part, i, true);
        let pos = part.spans.get(i).and_then(|s| s.id.or(s.at));
        let message = format!(
            "`{me}`: a target (nothing here depends on it; marked, as an entry point only load generators call is)"
        );
        notes.push(note(ENTRY_POINT, &me, None, pos, message));
    }
}

/// "`a`, `b`, `c`" (every name).
fn few_all(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// The id of the unit a component belongs to (its group, for a replica).
fn owner(part: &Part, units: &[Unit], unit_of: &[Option<usize>], i: usize) -> String {
    let at = unit_of.get(i).copied().flatten().and_then(|u| units.get(u)).map_or(i, |u| u.index);
    part.components.get(at).map(|c| c.id.clone()).unwrap_or_default()
}

fn norm_ns(ns: &str) -> &str {
    if ns == "default" {
        ""
    } else {
        ns
    }
}

fn set_target(part: &mut Part, i: usize, value: bool) {
    if let Some(c) = part.comp(i) {
        c.target = Some(value);
    }
}

fn note(rule: &str, subject: &str, edge: Option<EdgeRef>, pos: Option<Pos>, message: String) -> Note {
    Note { kind: NoteKind::Inferred, rule: rule.to_string(), subject: subject.to_string(), edge, pos, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(s: &str) -> Option<Result<String, ()>> {
        image_role(s)
    }

    #[test]
    fn images_say_telemetry_or_load() {
        for t in [
            "otel/opentelemetry-collector-contrib:0.120.0",
            "${COLLECTOR_CONTRIB_IMAGE}",
            "${JAEGERTRACING_IMAGE}",
            "${GRAFANA_IMAGE}",
            "jaegertracing/all-in-one:latest",
            "docker.elastic.co/beats/filebeat:8.1.0",
            "quay.io/prometheus/alertmanager",
            "gcr.io/datadoghq/agent:7",
            "prom/prometheus@sha256:abc",
            "grafana/loki:2.9",
            "${X_IMAGE:-grafana/grafana:10}",
        ] {
            assert!(matches!(image(t), Some(Ok(_))), "{t}");
        }
        for l in ["grafana/k6", "locustio/locust:2.0", "x/microservices-demo/loadgenerator:v1", "${LOCUST_IMAGE}"] {
            assert_eq!(image(l), Some(Err(())), "{l}");
        }
        for p in ["postgres:16", "${IMAGE_NAME}:${DEMO_VERSION}-cart", "${FLAGD_IMAGE}", "acme/grafana-proxy", "redis"]
        {
            assert_eq!(image(p), None, "{p}");
        }
    }

    #[test]
    fn names_say_telemetry_only_as_a_products_part() {
        let t = |s: &str| telemetry_words(&words(s)).is_some();
        assert!(t("otel-collector") && t("jaeger-agent") && t("prometheus") && t("jaeger_query") && t("loki-2"));
        assert!(!t("grafana-proxy") && !t("my-jaeger") && !t("checkout") && !t("vector"));
        let l = |s: &str| load_words(&words(s));
        assert!(l("load-generator") && l("loadgenerator") && l("checkout-test") && l("e2e") && l("k6-runner"));
        assert!(!l("testing-api") && !l("payment") && !l("contest"));
    }

    #[test]
    fn ephemeral_by_tag_or_runner_hostname() {
        let p = |v: &[&str]| v.iter().map(|s| ((*s).to_string(), None)).collect::<Vec<_>>();
        let why = |tags: &[&str], names: &[&str]| ephemeral_evidence(&p(tags), &p(names)).map(|e| e.words());
        assert_eq!(why(&["tag:prod", "tag:ci"], &["github-runner-7"]).as_deref(), Some("tag `tag:ci`"));
        assert_eq!(why(&["tag:cicd"], &["laptop"]), None, "tags match exactly");
        for runner in [
            "github-runner-x",
            "gitlab-runner-abc",
            "buildkite-agent-i-0ab",
            "ci-runner-7",
            "github-fv-az123-456",
            "CI-4821",
            "runner-abc123-project-42-concurrent-0",
        ] {
            assert_eq!(why(&[], &[runner]), Some(format!("hostname `{runner}`")), "{runner}");
        }
        for not in ["github-mirror", "ci-server", "ci-", "runner-x", "laptop-3", "my-ci-7", "github-runner-"] {
            assert_eq!(why(&[], &[not]), None, "{not}");
        }
    }

    #[test]
    fn addresses_match_with_or_without_the_port() {
        assert!(same_address("203.0.113.9:40000", "203.0.113.9:40000"));
        assert!(same_address(" 203.0.113.9 ", "203.0.113.9:40000"));
        assert!(!same_address("203.0.113.9:3478", "203.0.113.9:40000"));
        assert!(!same_address("203.0.113.90", "203.0.113.9:40000"));
        assert!(same_address("2001:DB8::1", "[2001:db8::1]:40000"));
        assert!(same_address("[2001:db8::1]:40000", "[2001:db8::1]:40000"));
        assert!(!same_address("[2001:db8::1]:1", "[2001:db8::1]:40000"));
        assert!(!same_address("", "203.0.113.9:40000"));
    }

    #[test]
    fn values_name_hosts() {
        assert_eq!(
            hosts("http://${OTEL_COLLECTOR_HOST}:${OTEL_COLLECTOR_PORT_HTTP}", false, 0),
            [("otel-collector".to_string(), None)]
        );
        assert_eq!(
            hosts("http://otel.obs.svc.cluster.local:4317", true, 0),
            [("otel".to_string(), Some("obs".to_string()))]
        );
        assert_eq!(hosts("jaeger", true, 0), [("jaeger".to_string(), None)]);
        assert!(hosts("http://jaeger:14268", false, 0).is_empty());
        assert!(hosts("a.b.example.com:80", true, 0).is_empty());
    }
}
