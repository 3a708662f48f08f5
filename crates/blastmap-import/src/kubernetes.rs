//! Kubernetes manifests: one or more YAML documents (`---`), and `kind: List`.
//!
//! Ids are `KIND/NAME` in lowercase kind (`deployment/frontend`, `service/redis-cart`), prefixed
//! with `NAMESPACE/` outside the `default` namespace.
//!
//! | input | becomes |
//! |---|---|
//! | Deployment, StatefulSet, ReplicaSet, ReplicationController, DaemonSet, Job, CronJob, Pod | a component `KIND/NAME` (kind: the Kubernetes kind), label `image` |
//! | `spec.replicas: n`, n > 1 | the workload is a group (kind `group`, `need: 1`) over `KIND/NAME#1` .. `#n` (kind `pod`), each holding the workload's dependencies |
//! | PodDisruptionBudget selecting a replicated workload | `need` of its group: `minAvailable` (number or percentage, rounded up), or n − `maxUnavailable` |
//! | Service with a selector | a component `service/NAME` that requires every workload whose pod labels match (`need: 1` when several do) |
//! | Service `type: ExternalName` | a component, label `external_name` |
//! | Ingress | a component `ingress/NAME` that requires the Services of its backends |
//! | container `env[].value` naming a Service (`name`, `name:port`, `name.ns`, `name.ns.svc[.cluster.local]`, URLs) | the workload requires `service/NAME` |
//! | the same in an init container | `requires_at_start` (needed to start, not to run) |
//! | `envFrom.configMapRef`, `env[].valueFrom.configMapKeyRef` | the referenced ConfigMap values are read the same way |
//! | `host:port` or `*.svc` names of Services the file does not define | placeholder `service/NAME` and an unresolved-reference warning |
//! | `nodeSelector` / required node affinity on `topology.kubernetes.io/zone`, `…/region`, `kubernetes.io/hostname` with one value | placement `zone` / `region` / `host` |
//! | several zones allowed and replicas spread (topologySpreadConstraints or anti-affinity on zone) | replicas placed round-robin over the listed zones |
//! | spread over zones that the manifest does not name | label `spread`, and a warning: the zones are decided by the scheduler |
//! | ServiceAccount, Role(Binding), ClusterRole(Binding), Namespace, Secret, ConfigMap, LimitRange, ResourceQuota, CustomResourceDefinition | no component (no failure dependency; ConfigMaps are read through references) |
//! | any other kind, or a document without `kind`/`metadata.name` | warning |
//! | a ConfigMap reference the file does not define | warning (no placeholder: it is data, not a component) |
//! | Secrets, volumes, probes, resources, HPAs | not mapped (Secrets' values are not in manifests; HPAs get a warning as an unmapped kind) |

use std::collections::BTreeMap;

use blastmap_core::format::RefField;
use blastmap_core::{Error, Errors, Pos};

use crate::build::{Part, MAX_REPLICAS};
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
    services: BTreeMap<(String, String), BTreeMap<String, String>>,
    config_maps: BTreeMap<(String, String), &'a Node>,
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
                    match ctx.config_maps.get(&(o.ns.clone(), cm.to_string())) {
                        Some(data) => {
                            if let Some(v) = data.get(k) {
                                values.extend(v.scalar_text().map(|s| (s, v.pos)));
                            }
                        }
                        None => {
                            let optional = r.get("optional").and_then(Node::as_bool).unwrap_or(false);
                            if !optional {
                                part.warn(r.pos, format!("unresolved reference: ConfigMap `{cm}` is not defined here; its values are not read"));
                            }
                        }
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
                let values: Vec<String> = expr
                    .get("values")
                    .map(Node::as_seq)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(Node::scalar_text)
                    .collect();
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

pub(crate) fn import(text: &str) -> Result<Part, Errors> {
    let docs = tree::yaml_documents(text)?;
    if docs.is_empty() {
        return Err(Errors::one(Error::empty_input("Kubernetes objects (`apiVersion`, `kind`, `metadata`)")));
    }
    let mut part = Part::new();
    let objects = collect(&docs, &mut part);

    let mut ctx = Ctx { services: BTreeMap::new(), config_maps: BTreeMap::new() };
    for o in &objects {
        match o.kind.as_str() {
            "Service" => {
                let sel = labels_of(o.node.at(&["spec", "selector"]));
                ctx.services.insert((o.ns.clone(), o.name.clone()), sel);
            }
            "ConfigMap" => {
                if let Some(data) = o.node.get("data") {
                    ctx.config_maps.insert((o.ns.clone(), o.name.clone()), data);
                }
            }
            _ => {}
        }
    }

    // Workloads: (namespace, pod labels, id, replicas) for selectors.
    let mut workloads: Vec<(String, BTreeMap<String, String>, String, i64)> = Vec::new();
    for o in objects.iter().filter(|o| WORKLOADS.contains(&o.kind.as_str())) {
        let id = object_id(&o.kind, &o.ns, &o.name);
        let template = pod_template(o);
        let labels = if o.kind == "Pod" {
            labels_of(o.node.at(&["metadata", "labels"]))
        } else {
            labels_of(template.and_then(|t| t.at(&["metadata", "labels"])))
        };
        let spec = template.and_then(|t| t.get("spec")).unwrap_or(&tree::NULL);
        let i = part.add(&id, Some(&o.kind.to_ascii_lowercase()), o.name_pos);
        if !o.ns.is_empty() {
            part.label(i, "namespace", o.ns.clone());
        }
        if let Some(image) =
            spec.get("containers").and_then(|c| c.as_seq().first()).and_then(|c| c.get("image")).and_then(Node::as_str)
        {
            part.label(i, "image", image);
        }
        let replicas_node = o.node.at(&["spec", "replicas"]);
        let replicas = match o.kind.as_str() {
            "Deployment" | "StatefulSet" | "ReplicaSet" | "ReplicationController" => {
                replicas_node.and_then(Node::as_i64).unwrap_or(1)
            }
            _ => 1,
        };
        let rpos = replicas_node.and_then(|n| n.pos);
        if o.kind == "DaemonSet" {
            part.label(i, "replicas", "one per node");
        }
        let deps = workload_deps(&ctx, o, spec, &labels, &mut part);
        let constraints = node_constraints(spec);
        let spread = spread_keys(spec);
        let members = part.replicate(i, &id, replicas, "pod", o.name_pos, rpos);
        for (attr, values, pos) in &constraints {
            let spread_here = spread.iter().any(|(k, _)| match *attr {
                "zone" => ZONE_KEYS.contains(&k.as_str()),
                "region" => REGION_KEYS.contains(&k.as_str()),
                _ => k == HOST_KEY,
            });
            match values.as_slice() {
                [one] => {
                    for &m in &members {
                        part.place(m, attr, one, *pos);
                    }
                    if members.len() > 1 || members.first() != Some(&i) {
                        part.place(i, attr, one, *pos);
                    }
                }
                many if spread_here && members.len() > 1 => {
                    for (k, &m) in members.iter().enumerate() {
                        if let Some(v) = many.get(k % many.len().max(1)) {
                            part.place(m, attr, v, *pos);
                        }
                    }
                }
                many => part.label(i, &format!("allowed_{attr}s"), many.join(",")),
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
        for &m in &members {
            for (target, field, pos) in &deps {
                part.link(m, *field, target, *pos);
            }
        }
        workloads.push((o.ns.clone(), labels, id, replicas));
    }

    for o in &objects {
        match o.kind.as_str() {
            k if WORKLOADS.contains(&k) => {}
            "Service" => {
                let id = object_id("service", &o.ns, &o.name);
                let i = part.add(&id, Some("service"), o.name_pos);
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
                let targets: Vec<&String> = workloads
                    .iter()
                    .filter(|(ns, labels, _, _)| *ns == o.ns && selects(&selector, labels))
                    .map(|(_, _, id, _)| id)
                    .collect();
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
            "PodDisruptionBudget" => {
                let selector_node = o.node.at(&["spec", "selector", "matchLabels"]);
                let selector = labels_of(selector_node);
                let targets: Vec<(&String, i64)> = workloads
                    .iter()
                    .filter(|(ns, labels, _, _)| *ns == o.ns && selects(&selector, labels))
                    .map(|(_, _, id, r)| (id, *r))
                    .collect();
                if targets.is_empty() {
                    part.warn(o.name_pos, format!("PodDisruptionBudget `{}` selects no workload defined here", o.name));
                }
                let min = o.node.at(&["spec", "minAvailable"]);
                let max = o.node.at(&["spec", "maxUnavailable"]);
                for (id, n) in targets {
                    let Some(i) = part.find(id) else { continue };
                    part.label(i, "pdb", o.name.clone());
                    if n <= 1 {
                        continue;
                    }
                    let count = |node: &Node| -> Option<i64> {
                        match node.as_str() {
                            Some(s) if s.ends_with('%') => s
                                .trim_end_matches('%')
                                .trim()
                                .parse::<i64>()
                                .ok()
                                .map(|p| n.saturating_mul(p.clamp(0, 100)).saturating_add(99) / 100),
                            _ => node.as_i64(),
                        }
                    };
                    let need = match (min, max) {
                        (Some(m), _) => count(m).map(|k| (k, m.pos)),
                        (None, Some(m)) => count(m).map(|u| (n.saturating_sub(u), m.pos)),
                        (None, None) => None,
                    };
                    let Some((k, pos)) = need else {
                        part.warn(
                            o.name_pos,
                            format!(
                                "PodDisruptionBudget `{}` has no usable `minAvailable` or `maxUnavailable`: not mapped",
                                o.name
                            ),
                        );
                        continue;
                    };
                    let k = k.clamp(1, n.min(MAX_REPLICAS));
                    part.set_need(i, u32::try_from(k).unwrap_or(1), pos);
                }
            }
            k if SILENT.contains(&k) => {}
            other => part.warn(o.name_pos, format!("kind `{other}` (`{}`) is not mapped", o.name)),
        }
    }
    Ok(part)
}

#[cfg(test)]
mod tests {
    use super::*;

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
