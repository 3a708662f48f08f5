//! Kubernetes manifests: one or more YAML documents (`---`), and `kind: List`.
//!
//! Ids are `KIND/NAME` in lowercase kind (`deployment/frontend`, `service/redis-cart`), prefixed
//! with `NAMESPACE/` outside the `default` namespace.
//!
//! | input | becomes |
//! |---|---|
//! | Deployment, StatefulSet, ReplicaSet, ReplicationController, DaemonSet, Job, CronJob, Pod | a component `KIND/NAME` (kind: the Kubernetes kind), label `image` |
//! | `spec.replicas: n`, n > 1 | the workload is a group (its kind kept: `deployment`, `statefulset`…; `need: 1`) over `KIND/NAME#1` .. `#n` (kind `pod`), each holding the workload's dependencies; over 64 replicas, fewer members that keep what the analyses conclude (see "Replica groups over the cap"), labels `replicas` and `need` with the real figures, and a warning |
//! | `spec.replicas` that is not a whole number (a template placeholder) | one replica, and a warning |
//! | PodDisruptionBudget selecting a replicated workload (by `matchLabels`) | `need` of its group: `minAvailable` (number or percentage, rounded up), or n − `maxUnavailable` (number or percentage, rounded up, as Kubernetes does); label `pdb` |
//! | a budget that needs every replica or more (it blocks every voluntary eviction) | `need` of all replicas, and a warning |
//! | a budget that allows every replica to be unavailable | `need: 1`, as without a budget, and a warning |
//! | a budget with both fields (Kubernetes refuses it), a value that is not a count or a percentage from 0% to 100%, `matchExpressions`, no `matchLabels` | warning (`minAvailable` is read when both are set; the rest is not mapped) |
//! | a budget selecting several workloads | a percentage is applied to each, a count is not mapped (it counts their pods together); warning |
//! | two budgets selecting one workload | the larger `need`, and a warning (Kubernetes refuses to evict its pods) |
//! | Service with a selector | a component `service/NAME` that requires every workload whose pod labels match (`need: 1` when several do) |
//! | Service `type: ExternalName` | a component, label `external_name` |
//! | Ingress | a component `ingress/NAME` that requires the Services of its backends; an entry point (`target: true`, rule `entry-point`) unless it routes to telemetry only |
//! | Service `type: LoadBalancer` or `NodePort` | an entry point (`target: true`, rule `entry-point`) unless it selects telemetry or load generators only; the workloads behind it stay ordinary components |
//! | the first container's image, the workload's name, container `env` (values, and ConfigMap values they read) | read by the inference rules ([`crate::infer`]): telemetry sinks and load generators (`target: false`, env references to them re-read) |
//! | container `env[].value` naming a Service (`name`, `name:port`, `name.ns`, `name.ns.svc[.cluster.local]`, URLs) | the workload requires `service/NAME` |
//! | the same in an init container | `requires_at_start` (needed to start, not to run) |
//! | `envFrom.configMapRef`, `env[].valueFrom.configMapKeyRef` | the referenced ConfigMap values are read the same way |
//! | `host:port` or `*.svc` names of Services the file does not define | placeholder `service/NAME` and an unresolved-reference warning |
//! | `nodeSelector` / required node affinity on `topology.kubernetes.io/zone`, `…/region`, `kubernetes.io/hostname` with one value | placement `zone` / `region` / `host` |
//! | several zones allowed and replicas spread (topologySpreadConstraints or anti-affinity on zone) | replicas placed round-robin over the listed zones |
//! | several zones allowed, replicas not spread | label `allowed_zones`, and a warning: the scheduler decides, so no zone is set |
//! | spread over zones that the manifest does not name | label `spread`, and a warning: the zones are decided by the scheduler |
//! | ServiceAccount, Role(Binding), ClusterRole(Binding), Namespace, Secret, ConfigMap, LimitRange, ResourceQuota, CustomResourceDefinition | no component (no failure dependency; ConfigMaps are read through references) |
//! | any other kind, or a document without `kind`/`metadata.name` | warning |
//! | a ConfigMap reference the file does not define | warning (no placeholder: it is data, not a component) |
//! | a `configMapKeyRef` key the ConfigMap does not have (not `optional`) | warning |
//! | Secrets, volumes, probes, resources, HPAs | not mapped (Secrets' values are not in manifests; HPAs get a warning as an unmapped kind) |

use std::collections::BTreeMap;

use blastmap_core::format::RefField;
use blastmap_core::{Error, Errors, Pos};
use rustc_hash::FxHashMap;

use crate::build::Part;
use crate::infer::{self, Declared, Unit};
use crate::replicas::{Replicas, MAX_REPLICAS};
use crate::tree::{self, Node};

const WORKLOADS: [&str; 8] =
    ["Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "DaemonSet", "Job", "CronJob", "Pod"];
const SILENT: [&str; 11] = [
    "ServiceAccount",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "Namespace",
    "Secret",
    "ConfigMap",
    "LimitRange",
    "ResourceQuota",
    "CustomResourceDefinition",
];
const ZONE_KEYS: [&str; 2] = ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"];
const REGION_KEYS: [&str; 2] = ["topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region"];
const HOST_KEY: &str = "kubernetes.io/hostname";

struct Object<'a> {
    kind: String,
    name: String,
    ns: String,
    name_pos: Option<Pos>,
    node: &'a Node,
}

fn object_id(kind: &str, ns: &str, name: &str) -> String {
    let kind = kind.to_ascii_lowercase();
    if ns.is_empty() || ns == "default" {
        format!("{kind}/{name}")
    } else {
        format!("{ns}/{kind}/{name}")
    }
}

fn labels_of(n: Option<&Node>) -> BTreeMap<String, String> {
    n.map(|n| n.entries().filter_map(|(k, _, v)| v.scalar_text().map(|v| (k.to_string(), v))).collect())
        .unwrap_or_default()
}

fn selects(selector: &BTreeMap<String, String>, labels: &BTreeMap<String, String>) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// The workloads by namespace and label, for selectors: a selector is tried on the workloads
/// that carry the rarest of its labels, not on every workload (with a Service per workload,
/// trying all made the import quadratic: 8,000 Deployments and their Services took ~30 s).
struct Selection<'w, 'a> {
    workloads: &'w [Workload<'a>],
    /// (namespace, label, value) -> the workloads carrying that label, in manifest order.
    carrying: FxHashMap<(&'w str, &'w str, &'w str), Vec<usize>>,
}

impl<'w, 'a> Selection<'w, 'a> {
    fn new(workloads: &'w [Workload<'a>]) -> Self {
        let mut carrying: FxHashMap<(&str, &str, &str), Vec<usize>> = FxHashMap::default();
        for (i, w) in workloads.iter().enumerate() {
            for (k, v) in &w.labels {
                carrying.entry((w.o.ns.as_str(), k.as_str(), v.as_str())).or_default().push(i);
            }
        }
        Selection { workloads, carrying }
    }

    /// The workloads in namespace `ns` that `selector` selects, in manifest order (none for an
    /// empty selector).
    fn select(&self, ns: &str, selector: &BTreeMap<String, String>) -> Vec<&'w Workload<'a>> {
        let rarest = selector
            .iter()
            .map(|(k, v)| self.carrying.get(&(ns, k.as_str(), v.as_str())).map_or(&[][..], Vec::as_slice))
            .min_by_key(|carriers| carriers.len())
            .unwrap_or_default();
        rarest.iter().filter_map(|&i| self.workloads.get(i)).filter(|w| selects(selector, &w.labels)).collect()
    }
}

/// The pod template of a workload (`spec.template`, `spec.jobTemplate.spec.template`, or the Pod).
fn pod_template<'a>(o: &Object<'a>) -> Option<&'a Node> {
    match o.kind.as_str() {
        "Pod" => Some(o.node),
        "CronJob" => o.node.at(&["spec", "jobTemplate", "spec", "template"]),
        _ => o.node.at(&["spec", "template"]),
    }
}

/// A reference found in a value: the Service's name and namespace, and whether it must be a
/// Service (a `host:port`, URL or `.svc` form) even when the file does not define it.
struct HostRef {
    name: String,
    ns: Option<String>,
    explicit: bool,
}

fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.bytes().all(|b| b.is_ascii_digit())
}

/// Host names in an env value: `svc`, `svc:port`, `scheme://user@svc.ns.svc.cluster.local:port/path`,
/// comma- or space-separated lists of those.
fn host_refs(value: &str) -> Vec<HostRef> {
    let mut out = Vec::new();
    for token in value.split(|c: char| c.is_whitespace() || c == ',' || c == ';') {
        let (rest, url) = match token.split_once("://") {
            Some((_, r)) => (r, true),
            None => (token, false),
        };
        let rest = rest.rsplit('@').next().unwrap_or(rest);
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let hostport = rest.get(..end).unwrap_or_default();
        let (host, port) = match hostport.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        };
        let has_port = port.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        if port.is_some() && !has_port {
            continue;
        }
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let base = host.strip_suffix(".cluster.local").unwrap_or(&host);
        let (base, svc_suffix) = match base.strip_suffix(".svc") {
            Some(b) => (b, true),
            None => (base, false),
        };
        let labels: Vec<&str> = base.split('.').collect();
        let (name, ns) = match labels.as_slice() {
            [name] => (*name, None),
            [name, ns] => (*name, Some((*ns).to_string())),
            _ => continue,
        };
        if !is_dns_label(name) || name == "localhost" || ns.as_deref().is_some_and(|n| !is_dns_label(n)) {
            continue;
        }
        let explicit = svc_suffix || (ns.is_none() && (has_port || url));
        out.push(HostRef { name: name.to_string(), ns, explicit });
    }
    out
}

struct Ctx<'a> {
    /// Services by (namespace, name), with their selectors.
    services: FxHashMap<(String, String), BTreeMap<String, String>>,
    config_maps: FxHashMap<(String, String), &'a Node>,
}

/// The dependencies of one workload: `(target id, field, position)`.
fn workload_deps(
    ctx: &Ctx<'_>,
    o: &Object<'_>,
    spec: &Node,
    own_labels: &BTreeMap<String, String>,
    part: &mut Part,
) -> Vec<(String, RefField, Option<Pos>)> {
    let mut deps: Vec<(String, RefField, Option<Pos>)> = Vec::new();
    let groups = [("containers", RefField::Requires), ("initContainers", RefField::RequiresAtStart)];
    for (key, field) in groups {
        for c in spec.get(key).map(Node::as_seq).unwrap_or_default() {
            let mut values: Vec<(String, Option<Pos>)> = Vec::new();
            for e in c.get("env").map(Node::as_seq).unwrap_or_default() {
                if let Some(v) = e.get("value").and_then(Node::scalar_text) {
                    values.push((v, e.get("value").and_then(|n| n.pos)));
                }
                if let Some(r) = e.at(&["valueFrom", "configMapKeyRef"]) {
                    let cm = r.get("name").and_then(Node::as_str).unwrap_or_default();
                    let k = r.get("key").and_then(Node::as_str).unwrap_or_default();
                    let optional = r.get("optional").and_then(Node::as_bool).unwrap_or(false);
                    match ctx.config_maps.get(&(o.ns.clone(), cm.to_string())) {
                        Some(data) => match data.get(k) {
                            Some(v) => values.extend(v.scalar_text().map(|s| (s, v.pos))),
                            None if optional => {}
                            None => {
                                part.warn(r.pos, format!("ConfigMap `{cm}` has no key `{k}`: nothing is read for it"))
                            }
                        },
                        None if optional => {}
                        None => part.warn(
                            r.pos,
                            format!(
                                "unresolved reference: ConfigMap `{cm}` is not defined here; its values are not read"
                            ),
                        ),
                    }
                }
            }
            for e in c.get("envFrom").map(Node::as_seq).unwrap_or_default() {
                let Some(r) = e.get("configMapRef") else {
                    continue;
                };
                let cm = r.get("name").and_then(Node::as_str).unwrap_or_default();
                match ctx.config_maps.get(&(o.ns.clone(), cm.to_string())) {
                    Some(data) => {
                        for (_, _, v) in data.entries() {
                            values.extend(v.scalar_text().map(|s| (s, v.pos)));
                        }
                    }
                    None => part.warn(
                        r.pos,
                        format!("unresolved reference: ConfigMap `{cm}` is not defined here; its values are not read"),
                    ),
                }
            }
            for (value, pos) in values {
                for h in host_refs(&value) {
                    let ns = h.ns.clone().unwrap_or_else(|| o.ns.clone());
                    let defined = ctx.services.get(&(ns.clone(), h.name.clone()));
                    if defined.is_none() && !h.explicit {
                        continue;
                    }
                    if defined.is_some_and(|sel| selects(sel, own_labels)) {
                        part.warn(
                            pos,
                            format!("`{value}` names the workload's own Service `{}`: not a dependency", h.name),
                        );
                        continue;
                    }
                    let id = object_id("service", &ns, &h.name);
                    if deps.iter().any(|(d, f, _)| *d == id && (*f == field || *f == RefField::Requires)) {
                        continue;
                    }
                    deps.push((id, field, pos));
                }
            }
        }
    }
    deps
}

/// The environment of a pod spec's containers, for the inference rules: name, value (a
/// literal, or read from a ConfigMap), position.
fn environment(ctx: &Ctx<'_>, o: &Object<'_>, spec: &Node) -> Vec<(String, String, Option<Pos>)> {
    let mut out = Vec::new();
    for c in spec.get("containers").map(Node::as_seq).unwrap_or_default() {
        for e in c.get("env").map(Node::as_seq).unwrap_or_default() {
            let Some(name) = e.get("name").and_then(Node::as_str) else { continue };
            let value = e.get("value").or_else(|| {
                let r = e.at(&["valueFrom", "configMapKeyRef"])?;
                let cm = ctx.config_maps.get(&(o.ns.clone(), r.get("name")?.as_str()?.to_string()))?;
                cm.get(r.get("key")?.as_str()?)
            });
            if let Some(v) = value.and_then(|v| v.scalar_text().map(|t| (t, v.pos))) {
                out.push((name.to_string(), v.0, v.1));
            }
        }
        for e in c.get("envFrom").map(Node::as_seq).unwrap_or_default() {
            let cm = e.at(&["configMapRef", "name"]).and_then(Node::as_str);
            let Some(data) = cm.and_then(|cm| ctx.config_maps.get(&(o.ns.clone(), cm.to_string()))) else { continue };
            for (k, _, v) in data.entries() {
                if let Some(t) = v.scalar_text() {
                    out.push((k.to_string(), t, v.pos));
                }
            }
        }
    }
    out
}

/// Zone, region and host constraints of a pod spec: `(attr, allowed values, position)`.
fn node_constraints(spec: &Node) -> Vec<(&'static str, Vec<String>, Option<Pos>)> {
    let attr_of = |key: &str| {
        if ZONE_KEYS.contains(&key) {
            Some("zone")
        } else if REGION_KEYS.contains(&key) {
            Some("region")
        } else if key == HOST_KEY {
            Some("host")
        } else {
            None
        }
    };
    let mut out = Vec::new();
    for (key, _, v) in spec.get("nodeSelector").map(|n| n.entries().collect::<Vec<_>>()).unwrap_or_default() {
        if let (Some(attr), Some(value)) = (attr_of(key), v.scalar_text()) {
            out.push((attr, vec![value], v.pos));
        }
    }
    let terms =
        spec.at(&["affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"]);
    for term in terms.map(Node::as_seq).unwrap_or_default() {
        for expr in term.get("matchExpressions").map(Node::as_seq).unwrap_or_default() {
            let key = expr.get("key").and_then(Node::as_str).unwrap_or_default();
            let op = expr.get("operator").and_then(Node::as_str).unwrap_or_default();
            if let (Some(attr), "In") = (attr_of(key), op) {
                let mut values: Vec<String> = Vec::new();
                for v in expr.get("values").map(Node::as_seq).unwrap_or_default().iter().filter_map(Node::scalar_text) {
                    if !values.contains(&v) {
                        values.push(v);
                    }
                }
                if !values.is_empty() {
                    out.push((attr, values, expr.pos));
                }
            }
        }
    }
    out
}

/// The topology keys the replicas are spread over (spread constraints and pod anti-affinity).
fn spread_keys(spec: &Node) -> Vec<(String, Option<Pos>)> {
    let mut keys = Vec::new();
    for c in spec.get("topologySpreadConstraints").map(Node::as_seq).unwrap_or_default() {
        if let Some(k) = c.get("topologyKey") {
            keys.extend(k.as_str().map(|s| (s.to_string(), k.pos)));
        }
    }
    for kind in ["requiredDuringSchedulingIgnoredDuringExecution", "preferredDuringSchedulingIgnoredDuringExecution"] {
        for t in spec.at(&["affinity", "podAntiAffinity", kind]).map(Node::as_seq).unwrap_or_default() {
            let term = t.get("podAffinityTerm").unwrap_or(t);
            if let Some(k) = term.get("topologyKey") {
                keys.extend(k.as_str().map(|s| (s.to_string(), k.pos)));
            }
        }
    }
    keys
}

fn collect<'a>(docs: &'a [Node], part: &mut Part) -> Vec<Object<'a>> {
    let mut items: Vec<&'a Node> = Vec::new();
    for d in docs {
        if d.get("kind").and_then(Node::as_str) == Some("List")
            || (d.get("items").is_some() && d.get("kind").and_then(Node::as_str).is_some_and(|k| k.ends_with("List")))
        {
            items.extend(d.get("items").map(Node::as_seq).unwrap_or_default());
        } else {
            items.push(d);
        }
    }
    let mut out = Vec::new();
    for n in items {
        if !n.is_map() {
            part.warn(n.pos, format!("document is {}, not a Kubernetes object: not mapped", n.describe()));
            continue;
        }
        let kind = n.get("kind").and_then(Node::as_str).unwrap_or_default().to_string();
        let name_node = n.at(&["metadata", "name"]);
        let name = name_node.and_then(Node::scalar_text).unwrap_or_default();
        if kind.is_empty() || name.is_empty() {
            part.warn(n.pos, "object without `kind` or `metadata.name`: not mapped");
            continue;
        }
        let ns = n.at(&["metadata", "namespace"]).and_then(Node::scalar_text).unwrap_or_default();
        let ns = if ns == "default" { String::new() } else { ns };
        out.push(Object { kind, name, ns, name_pos: name_node.and_then(|x| x.pos).or(n.pos), node: n });
    }
    out
}

/// A workload object, with its pod labels and declared replica count.
struct Workload<'a> {
    o: &'a Object<'a>,
    id: String,
    labels: BTreeMap<String, String>,
    replicas: i64,
    rpos: Option<Pos>,
}

fn plural(attr: &str) -> &'static str {
    match attr {
        "zone" => "zones",
        "region" => "regions",
        "host" => "hosts",
        _ => "values",
    }
}

/// What PodDisruptionBudgets say of one workload: how many replicas must stay up, where, and in
/// words ("allows 10 unavailable (PodDisruptionBudget `web`)").
struct Budget {
    pdb: String,
    need: i64,
    pos: Option<Pos>,
    from: String,
}

/// `minAvailable` / `maxUnavailable`: a count or a percentage of the replicas.
enum Amount {
    Count(i64),
    Percent(i64),
}

fn amount(n: &Node) -> Option<Amount> {
    match n.as_str().map(str::trim) {
        Some(s) if s.ends_with('%') => {
            s.trim_end_matches('%').trim().parse::<i64>().ok().filter(|p| (0..=100).contains(p)).map(Amount::Percent)
        }
        _ => n.as_i64().filter(|c| *c >= 0).map(Amount::Count),
    }
}

/// The budget of every workload a PodDisruptionBudget selects, read before the workloads are
/// built (a group's size depends on it). Kubernetes rounds percentages up, for both fields.
fn disruption_budgets(
    objects: &[Object<'_>],
    selection: &Selection<'_, '_>,
    part: &mut Part,
) -> BTreeMap<String, Budget> {
    let mut budgets: BTreeMap<String, Budget> = BTreeMap::new();
    for o in objects.iter().filter(|o| o.kind == "PodDisruptionBudget") {
        let pdb = &o.name;
        let selector_node = o.node.at(&["spec", "selector"]);
        if let Some(e) = selector_node.and_then(|s| s.get("matchExpressions")) {
            part.warn(
                e.pos,
                format!(
                    "`matchExpressions` of PodDisruptionBudget `{pdb}` are not read: it selects by `matchLabels` only"
                ),
            );
        }
        let selector = labels_of(selector_node.and_then(|s| s.get("matchLabels")));
        if selector.is_empty() {
            part.warn(o.name_pos, format!("PodDisruptionBudget `{pdb}` has no `matchLabels`: not mapped"));
            continue;
        }
        let targets = selection.select(&o.ns, &selector);
        if targets.is_empty() {
            part.warn(o.name_pos, format!("PodDisruptionBudget `{pdb}` selects no workload defined here"));
            continue;
        }
        let min = o.node.at(&["spec", "minAvailable"]);
        let max = o.node.at(&["spec", "maxUnavailable"]);
        if let (Some(_), Some(m)) = (min, max) {
            part.warn(m.pos, format!("PodDisruptionBudget `{pdb}` sets both `minAvailable` and `maxUnavailable` (Kubernetes refuses such a budget): `minAvailable` is read"));
        }
        let Some((field, node)) = min.map(|m| ("minAvailable", m)).or_else(|| max.map(|m| ("maxUnavailable", m)))
        else {
            part.warn(
                o.name_pos,
                format!("PodDisruptionBudget `{pdb}` has no `minAvailable` or `maxUnavailable`: not mapped"),
            );
            continue;
        };
        let Some(a) = amount(node) else {
            let what = node.scalar_text().map_or_else(|| node.describe().to_string(), |s| format!("`{s}`"));
            part.warn(node.pos, format!("`{field}` of PodDisruptionBudget `{pdb}` is {what}: expected a whole number or a percentage from 0% to 100%; not mapped"));
            continue;
        };
        if targets.len() > 1 {
            let names = targets.iter().map(|w| format!("`{}`", w.id)).collect::<Vec<_>>().join(", ");
            if matches!(a, Amount::Count(_)) {
                part.warn(node.pos, format!("PodDisruptionBudget `{pdb}` counts the pods of {names} together: a count over several workloads says nothing of each one, so it is not mapped"));
                continue;
            }
            part.warn(node.pos, format!("PodDisruptionBudget `{pdb}` counts the pods of {names} together: its percentage is applied to each workload"));
        }
        for w in targets {
            let n = w.replicas;
            if n <= 0 {
                continue;
            }
            let (need, from) = match (field, &a) {
                ("minAvailable", Amount::Count(c)) => (*c, format!("needs {c} available")),
                ("minAvailable", Amount::Percent(p)) => {
                    let k = n.saturating_mul(*p).saturating_add(99) / 100;
                    (k, format!("needs {p}% available, {k} of {n}"))
                }
                (_, Amount::Count(u)) => (n.saturating_sub(*u), format!("allows {u} unavailable")),
                (_, Amount::Percent(p)) => {
                    let u = n.saturating_mul(*p).saturating_add(99) / 100;
                    (n - u, format!("allows {p}% unavailable, {u} of {n}"))
                }
            };
            let id = &w.id;
            let all = if n == 1 { "its one replica".to_string() } else { format!("all {n} of its replicas") };
            let need = if need > n {
                part.warn(node.pos, format!("PodDisruptionBudget `{pdb}` needs {need} replicas of `{id}` available, more than its {n}: it blocks every voluntary eviction (a node drain waits forever); modelled as needing {all}"));
                n
            } else if need == n {
                part.warn(node.pos, format!("PodDisruptionBudget `{pdb}` allows no replica of `{id}` to be unavailable: it blocks every voluntary eviction (a node drain waits forever); modelled as needing {all}"));
                n
            } else if need <= 0 && n > 1 {
                part.warn(node.pos, format!("PodDisruptionBudget `{pdb}` allows every replica of `{id}` to be unavailable: modelled as needing one replica, as without a budget"));
                1
            } else {
                need.max(1)
            };
            let budget =
                Budget { pdb: pdb.clone(), need, pos: node.pos, from: format!("{from} (PodDisruptionBudget `{pdb}`)") };
            match budgets.get(id) {
                Some(earlier) => {
                    part.warn(o.name_pos, format!("`{id}` is selected by PodDisruptionBudgets `{}` and `{pdb}` (Kubernetes then refuses to evict its pods): the larger need is read", earlier.pdb));
                    if budget.need > earlier.need {
                        budgets.insert(id.clone(), budget);
                    }
                }
                None => {
                    budgets.insert(id.clone(), budget);
                }
            }
        }
    }
    budgets
}

pub(crate) fn import(text: &str) -> Result<Part, Errors> {
    let (docs, said) = tree::yaml_documents(text)?;
    if docs.is_empty() {
        return Err(Errors::one(Error::empty_input("Kubernetes objects (`apiVersion`, `kind`, `metadata`)")));
    }
    let mut part = Part::new();
    part.warn_all(said);
    let objects = collect(&docs, &mut part);

    let mut ctx = Ctx { services: FxHashMap::default(), config_maps: FxHashMap::default() };
    for o in &objects {
        match o.kind.as_str() {
            "Service" => {
                let sel = labels_of(o.node.at(&["spec", "selector"]));
                ctx.services.insert((o.ns.clone(), o.name.clone()), sel);
            }
            "ConfigMap" => {
                let data = o.node.get("data").unwrap_or(&tree::NULL);
                ctx.config_maps.insert((o.ns.clone(), o.name.clone()), data);
            }
            _ => {}
        }
    }

    // Workloads, with their pod labels (for selectors) and replica counts.
    let mut workloads: Vec<Workload<'_>> = Vec::new();
    for o in objects.iter().filter(|o| WORKLOADS.contains(&o.kind.as_str())) {
        let id = object_id(&o.kind, &o.ns, &o.name);
        let labels = if o.kind == "Pod" {
            labels_of(o.node.at(&["metadata", "labels"]))
        } else {
            labels_of(pod_template(o).and_then(|t| t.at(&["metadata", "labels"])))
        };
        let replicas_node = o.node.at(&["spec", "replicas"]);
        let counted = matches!(o.kind.as_str(), "Deployment" | "StatefulSet" | "ReplicaSet" | "ReplicationController");
        let replicas = match replicas_node.filter(|_| counted) {
            None => 1,
            Some(n) => n.as_i64().unwrap_or_else(|| {
                let what = n.scalar_text().map_or_else(|| n.describe().to_string(), |s| format!("`{s}`"));
                part.warn(
                    n.pos,
                    format!("`spec.replicas` of `{id}` is {what}: expected a whole number; modelled as one replica"),
                );
                1
            }),
        };
        let rpos = replicas_node.and_then(|n| n.pos);
        workloads.push(Workload { o, id, labels, replicas, rpos });
    }
    let selection = Selection::new(&workloads);
    let budgets = disruption_budgets(&objects, &selection, &mut part);
    let mut units: Vec<Unit> = Vec::new();

    for w in &workloads {
        let (o, id) = (w.o, &w.id);
        let template = pod_template(o);
        let spec = template.and_then(|t| t.get("spec")).unwrap_or(&tree::NULL);
        let i = part.add(id, Some(&o.kind.to_ascii_lowercase()), o.name_pos);
        if !o.ns.is_empty() {
            part.label(i, "namespace", o.ns.clone());
        }
        if let Some(image) =
            spec.get("containers").and_then(|c| c.as_seq().first()).and_then(|c| c.get("image")).and_then(Node::as_str)
        {
            part.label(i, "image", image);
        }
        if o.kind == "DaemonSet" {
            part.label(i, "replicas", "one per node");
        }
        let deps = workload_deps(&ctx, o, spec, &w.labels, &mut part);
        let constraints = node_constraints(spec);
        let spread = spread_keys(spec);
        let spread_on = |attr: &str| {
            spread.iter().any(|(k, _)| match attr {
                "zone" => ZONE_KEYS.contains(&k.as_str()),
                "region" => REGION_KEYS.contains(&k.as_str()),
                _ => k == HOST_KEY,
            })
        };
        // The placement attributes the replicas are spread over, round-robin over the values.
        let spread_attrs: Vec<&str> =
            constraints.iter().filter(|(a, v, _)| v.len() > 1 && spread_on(a)).map(|(a, _, _)| *a).collect();
        let mut group = Replicas { count: w.replicas, count_pos: w.rpos, need: 1, ..Replicas::default() };
        if let [attr] = spread_attrs.as_slice() {
            group.spread = constraints.iter().find(|(a, _, _)| a == attr).map_or(0, |(_, v, _)| v.len());
            group.spread_what = plural(attr);
        } else if spread_attrs.len() > 1 && w.replicas > MAX_REPLICAS {
            part.warn(w.rpos, format!("`{id}` spreads its replicas over several placement attributes ({}): the {MAX_REPLICAS} modelled members are spread round-robin over each, so what the analyses say about failures of these values is approximate", spread_attrs.join(", ")));
        }
        if let Some(b) = budgets.get(id) {
            part.label(i, "pdb", b.pdb.clone());
            group.need = b.need;
            group.need_pos = b.pos;
            group.need_from = Some(b.from.clone());
        }
        let members = part.replicate(i, id, &group, "pod", o.name_pos);
        let grouped = members.len() > 1 || members.first().is_some_and(|&(m, _)| m != i);
        for (attr, values, pos) in &constraints {
            match values.as_slice() {
                [one] => {
                    for &(m, _) in &members {
                        part.place(m, attr, one, *pos);
                    }
                    if grouped {
                        part.place(i, attr, one, *pos);
                    }
                }
                many if spread_on(attr) && members.len() > 1 => {
                    let single = spread_attrs.len() == 1;
                    for (k, &(m, slot)) in members.iter().enumerate() {
                        let at = if single { slot } else { k % many.len().max(1) };
                        if let Some(v) = many.get(at) {
                            part.place(m, attr, v, *pos);
                        }
                    }
                }
                many => {
                    part.label(i, &format!("allowed_{attr}s"), many.join(","));
                    part.warn(
                        *pos,
                        format!(
                            "`{id}` may run in any of the {} {}: the scheduler decides, so no {attr} is set",
                            plural(attr),
                            many.join(", ")
                        ),
                    );
                }
            }
        }
        for (key, pos) in &spread {
            let placed = constraints.iter().any(|(a, v, _)| {
                v.len() > 1
                    && ((*a == "zone" && ZONE_KEYS.contains(&key.as_str()))
                        || (*a == "region" && REGION_KEYS.contains(&key.as_str())))
            });
            part.label(i, "spread", key.clone());
            if !placed
                && members.len() > 1
                && (ZONE_KEYS.contains(&key.as_str()) || REGION_KEYS.contains(&key.as_str()))
            {
                part.warn(*pos, format!("`{id}` spreads its replicas over `{key}`, but the manifest does not name the values: the scheduler decides, so no placement is set"));
            }
        }
        for &(m, _) in &members {
            for (target, field, pos) in &deps {
                part.link(m, *field, target, *pos);
            }
        }
        let image = spec
            .get("containers")
            .and_then(|c| c.as_seq().first())
            .and_then(|c| c.get("image"))
            .and_then(|n| n.as_str().map(|s| (s.to_string(), n.pos)));
        units.push(Unit {
            index: i,
            members: if grouped { members.iter().map(|&(m, _)| m).collect() } else { Vec::new() },
            name: o.name.clone(),
            name_pos: o.name_pos,
            ns: o.ns.clone(),
            image,
            env: environment(&ctx, o, spec),
            declared: deps
                .iter()
                .map(|(to, field, pos)| Declared { to: to.clone(), field: *field, how: "env", pos: *pos })
                .collect(),
            ..Unit::default()
        });
    }

    for o in &objects {
        match o.kind.as_str() {
            k if WORKLOADS.contains(&k) => {}
            "Service" => {
                let id = object_id("service", &o.ns, &o.name);
                let i = part.add(&id, Some("service"), o.name_pos);
                let kind = o.node.at(&["spec", "type"]);
                let entry = kind
                    .and_then(|k| k.as_str().map(|t| (t, k.pos)))
                    .filter(|(t, _)| matches!(*t, "LoadBalancer" | "NodePort"))
                    .map(|(t, pos)| (format!("is a Service of type {t}"), pos));
                units.push(Unit {
                    index: i,
                    name: o.name.clone(),
                    name_pos: o.name_pos,
                    ns: o.ns.clone(),
                    entry,
                    front: true,
                    ..Unit::default()
                });
                let selector_node = o.node.at(&["spec", "selector"]);
                let selector = labels_of(selector_node);
                if let Some(ext) = o.node.at(&["spec", "externalName"]).and_then(Node::as_str) {
                    part.set_kind(i, "external");
                    part.label(i, "external_name", ext);
                    continue;
                }
                if selector.is_empty() {
                    part.warn(o.name_pos, format!("Service `{}` has no selector: its endpoints are not in the manifests, so it requires nothing", o.name));
                    continue;
                }
                let targets: Vec<&String> = selection.select(&o.ns, &selector).into_iter().map(|w| &w.id).collect();
                if targets.is_empty() {
                    part.warn(
                        selector_node.and_then(|n| n.pos).or(o.name_pos),
                        format!("Service `{}` selects no workload defined here", o.name),
                    );
                }
                for t in &targets {
                    part.link(i, RefField::Requires, t, selector_node.and_then(|n| n.pos));
                }
                if targets.len() > 1 {
                    part.set_need(i, 1, selector_node.and_then(|n| n.pos));
                }
            }
            "Ingress" => {
                let id = object_id("ingress", &o.ns, &o.name);
                let i = part.add(&id, Some("ingress"), o.name_pos);
                units.push(Unit {
                    index: i,
                    name: o.name.clone(),
                    name_pos: o.name_pos,
                    ns: o.ns.clone(),
                    entry: Some(("is an Ingress".to_string(), o.name_pos)),
                    front: true,
                    ..Unit::default()
                });
                let mut backends: Vec<&Node> = Vec::new();
                backends.extend(o.node.at(&["spec", "defaultBackend"]));
                for rule in o.node.at(&["spec", "rules"]).map(Node::as_seq).unwrap_or_default() {
                    for p in rule.at(&["http", "paths"]).map(Node::as_seq).unwrap_or_default() {
                        backends.extend(p.get("backend"));
                    }
                }
                for b in backends {
                    let svc = b.at(&["service", "name"]).or_else(|| b.get("serviceName"));
                    if let Some(name) = svc.and_then(Node::as_str) {
                        part.link(i, RefField::Requires, &object_id("service", &o.ns, name), svc.and_then(|n| n.pos));
                    } else {
                        part.warn(b.pos, "Ingress backend without a Service name: not mapped");
                    }
                }
            }
            // Read before the workloads were built (`disruption_budgets`).
            "PodDisruptionBudget" => {}
            k if SILENT.contains(&k) => {}
            other => part.warn(o.name_pos, format!("kind `{other}` (`{}`) is not mapped", o.name)),
        }
    }
    infer::apply(&mut part, &units);
    Ok(part)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Labels from a small vocabulary, so that selectors and workloads meet often.
    fn labels() -> impl Strategy<Value = BTreeMap<String, String>> {
        proptest::collection::btree_map(
            prop::sample::select(vec!["app", "tier", "env"]).prop_map(String::from),
            prop::sample::select(vec!["x", "y", "z"]).prop_map(String::from),
            0..3,
        )
    }

    fn namespace() -> impl Strategy<Value = String> {
        prop::sample::select(vec!["", "a", "b"]).prop_map(String::from)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// The index answers what trying every workload answers, in the same order.
        #[test]
        fn selection_agrees_with_trying_every_workload(
            placed in proptest::collection::vec((namespace(), labels()), 0..12),
            selectors in proptest::collection::vec((namespace(), labels()), 1..6),
        ) {
            let objects: Vec<Object<'_>> = placed
                .iter()
                .enumerate()
                .map(|(i, (ns, _))| Object {
                    kind: "Deployment".into(),
                    name: format!("w{i}"),
                    ns: ns.clone(),
                    name_pos: None,
                    node: &tree::NULL,
                })
                .collect();
            let workloads: Vec<Workload<'_>> = objects
                .iter()
                .zip(&placed)
                .map(|(o, (_, labels))| Workload { o, id: o.name.clone(), labels: labels.clone(), replicas: 1, rpos: None })
                .collect();
            let selection = Selection::new(&workloads);
            for (ns, selector) in &selectors {
                let indexed: Vec<&str> = selection.select(ns, selector).iter().map(|w| w.id.as_str()).collect();
                let tried: Vec<&str> = workloads
                    .iter()
                    .filter(|w| &w.o.ns == ns && selects(selector, &w.labels))
                    .map(|w| w.id.as_str())
                    .collect();
                prop_assert_eq!(indexed, tried);
            }
        }
    }

    fn names(v: &str) -> Vec<(String, Option<String>, bool)> {
        host_refs(v).into_iter().map(|h| (h.name, h.ns, h.explicit)).collect()
    }

    #[test]
    fn finds_service_names_in_values() {
        assert_eq!(names("cartservice:7070"), vec![("cartservice".into(), None, true)]);
        assert_eq!(
            names("http://user:pw@api.shop.svc.cluster.local:80/x"),
            vec![("api".into(), Some("shop".into()), true)]
        );
        assert_eq!(names("redis"), vec![("redis".into(), None, false)]);
        assert!(names("8080").is_empty());
        assert!(names("localhost:80").is_empty());
        assert!(names("10.0.0.1:80").is_empty());
        assert!(names("a.b.c.example.com").is_empty());
    }
}
