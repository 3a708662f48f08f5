//! docker-compose files (Compose Specification and the `version: "3.x"` files before it).
//!
//! Compose declares start order, not the call graph: only what the file says becomes an edge,
//! no edge is made from environment variables (they are read only to recognise telemetry, by
//! the inference rules of [`crate::infer`]).
//!
//! | input | becomes |
//! |---|---|
//! | each service under `services:` | a component, kind `service`, label `image` |
//! | `depends_on: [b]`, or long form with `condition: service_started \| service_healthy` | `requires: b`, label `depends_on.b: <condition>` |
//! | long form `condition: service_completed_successfully` | `requires_at_start: b` (a one-shot job needed to start) |
//! | long form `required: false` | `degrades_without: b` |
//! | long form `condition` not one of compose's three, `required` not a boolean | read as `service_started` / `true`, and a warning |
//! | `links: [b, "b:alias"]` | `requires: b` |
//! | `network_mode: "service:b"` | `requires: b` (shares b's network stack) |
//! | `volumes_from: [b, "b:ro"]` | `requires: b` |
//! | `deploy.replicas: n` or `scale: n`, n > 1 | the service is a group (its kind kept, `need: 1`) over components `name#1` .. `name#n`, each holding the service's dependencies; over 64 replicas, 1 of 64 members (see "Replica groups over the cap"), label `replicas` with the real count, and a warning |
//! | a replica count that is not a whole number; `deploy.replicas` and `scale` both set and different | one replica / `deploy.replicas`, and a warning |
//! | `deploy.replicas: 0` | the component, label `replicas: "0"`, and a warning |
//! | a named volume (top-level `volumes:`) mounted by two or more services | a component `volume:NAME`, kind `volume`, required by each (shared data: real shared fate) |
//! | `deploy.placement.constraints: node.hostname == h` / `node.labels.{region,zone} == v` | placement `host` / `region` / `zone` |
//! | `ports` publishing a host port (`"8080:80"`, `"127.0.0.1:8080:80"`, `"${PORT}:${PORT}"`, long form with `published`) | an entry point, `target: true` (rule `entry-point`), unless the service is telemetry or a load generator; a bare container port (`"3000"`, `8080`) is not one (Docker picks a random host port for it) |
//! | `image`, the service name, `environment` (list or mapping) | read by the inference rules ([`crate::infer`]): telemetry sinks and load generators (`target: false`, their `depends_on`/`links` re-read) |
//! | networks, bind mounts, one-service volumes, build, logging, `x-*` | not mapped: on one Docker host these share only the host, which the file does not name |
//! | `volumes_from: container:...`, `network_mode: container:...`, `extends`, `external_links` | warning: not mapped |
//! | a placement constraint other than `==` on the keys above; entries of `links`, `volumes_from`, `constraints` that are not text; `network_mode` that is not text | warning: not mapped |
//! | a dependency on a service the file does not define | placeholder and warning (unresolved) |

use std::collections::BTreeMap;

use blastmap_core::format::RefField;
use blastmap_core::{Error, ErrorKind, Errors, Pos};

use crate::build::Part;
use crate::infer::{self, Declared, Unit};
use crate::replicas::Replicas;
use crate::tree::{self, Node};

/// The `depends_on` conditions compose knows.
const CONDITIONS: [&str; 3] = ["service_started", "service_healthy", "service_completed_successfully"];

struct Dep {
    name: String,
    pos: Option<Pos>,
    field: RefField,
    condition: Option<String>,
    /// The key that declares it; only `depends_on` and `links` may be re-read by the inference
    /// rules (the others share fate: a network stack, a volume).
    how: &'static str,
}

fn deps_of(svc: &Node, part: &mut Part) -> Vec<Dep> {
    let mut deps = Vec::new();
    if let Some(d) = svc.get("depends_on") {
        match &d.value {
            tree::Value::Seq(items) => {
                for item in items {
                    match item.as_str() {
                        Some(name) => deps.push(Dep {
                            name: name.to_string(),
                            pos: item.pos,
                            field: RefField::Requires,
                            condition: None,
                            how: "depends_on",
                        }),
                        None => part.warn(
                            item.pos,
                            format!("`depends_on` entry is {}: expected a service name", item.describe()),
                        ),
                    }
                }
            }
            tree::Value::Map(_) => {
                for (name, kpos, spec) in d.entries() {
                    let condition = spec.get("condition").and_then(Node::as_str).map(str::to_string);
                    if let (Some(c), Some(n)) = (&condition, spec.get("condition")) {
                        if !CONDITIONS.contains(&c.as_str()) {
                            part.warn(n.pos, format!("condition `{c}` of `depends_on.{name}` is not one of {}: read as `service_started`", CONDITIONS.join(", ")));
                        }
                    }
                    let required_node = spec.get("required");
                    let required = match required_node.map(|r| (r, r.as_bool())) {
                        None => true,
                        Some((_, Some(b))) => b,
                        Some((r, None)) => {
                            let what = r.scalar_text().map_or_else(|| r.describe().to_string(), |s| format!("`{s}`"));
                            part.warn(
                                r.pos,
                                format!(
                                    "`required` of `depends_on.{name}` is {what}: expected true or false; read as true"
                                ),
                            );
                            true
                        }
                    };
                    let field = if !required {
                        RefField::DegradesWithout
                    } else if condition.as_deref() == Some("service_completed_successfully") {
                        RefField::RequiresAtStart
                    } else {
                        RefField::Requires
                    };
                    for (key, p, _) in spec.entries() {
                        if !matches!(key, "condition" | "required" | "restart") {
                            part.warn(p, format!("`depends_on.{name}.{key}` is not mapped"));
                        }
                    }
                    deps.push(Dep { name: name.to_string(), pos: kpos, field, condition, how: "depends_on" });
                }
            }
            _ => part.warn(
                d.pos,
                format!("`depends_on` is {}: expected a list or a mapping of service names", d.describe()),
            ),
        }
    }
    for (s, pos) in part.texts(svc.get("links"), "`links`") {
        let name = s.split(':').next().unwrap_or(s);
        deps.push(Dep { name: name.to_string(), pos, field: RefField::Requires, condition: None, how: "links" });
    }
    if let Some(n) = svc.get("network_mode") {
        match n.as_str() {
            Some(s) => {
                if let Some(name) = s.strip_prefix("service:") {
                    deps.push(Dep {
                        name: name.to_string(),
                        pos: n.pos,
                        field: RefField::Requires,
                        condition: None,
                        how: "network_mode",
                    });
                } else if s.starts_with("container:") {
                    part.warn(n.pos, format!("`network_mode: {s}` names a container outside this file: not mapped"));
                }
            }
            None => part.warn(n.pos, format!("`network_mode` is {}: expected text; not mapped", n.describe())),
        }
    }
    for (s, pos) in part.texts(svc.get("volumes_from"), "`volumes_from`") {
        if s.starts_with("container:") {
            part.warn(pos, format!("`volumes_from: {s}` names a container outside this file: not mapped"));
        } else {
            let name = s.split(':').next().unwrap_or(s);
            deps.push(Dep {
                name: name.to_string(),
                pos,
                field: RefField::Requires,
                condition: None,
                how: "volumes_from",
            });
        }
    }
    for key in ["extends", "external_links"] {
        if let Some(n) = svc.get(key) {
            part.warn(n.pos, format!("`{key}` is not mapped: it refers to things outside this file"));
        }
    }
    deps
}

/// Named volumes a service mounts (short `name:/path` and long `{type: volume, source: name}`).
fn named_volumes(svc: &Node, declared: &BTreeMap<String, Option<Pos>>) -> Vec<(String, Option<Pos>)> {
    let mut out = Vec::new();
    for v in svc.get("volumes").map(Node::as_seq).unwrap_or_default() {
        let source = match v.as_str() {
            Some(s) => s.split(':').next().map(str::to_string),
            None => v.get("source").and_then(Node::as_str).map(str::to_string),
        };
        if let Some(source) = source {
            if declared.contains_key(&source) {
                out.push((source, v.pos));
            }
        }
    }
    out
}

/// The replica count (`deploy.replicas`, else `scale`) and where it stands; 1 when neither is set.
fn replicas(svc: &Node, name: &str, part: &mut Part) -> (i64, Option<Pos>) {
    let deploy = svc.at(&["deploy", "replicas"]);
    let scale = svc.get("scale");
    if let (Some(d), Some(s)) = (deploy, scale) {
        if d.as_i64() != s.as_i64() {
            part.warn(
                s.pos,
                format!("`{name}` sets both `deploy.replicas` and `scale` (compose refuses different values): `deploy.replicas` is read"),
            );
        }
    }
    let Some(n) = deploy.or(scale) else {
        return (1, None);
    };
    match n.as_i64() {
        Some(r) => (r, n.pos),
        None => {
            let what = n.scalar_text().map_or_else(|| n.describe().to_string(), |s| format!("`{s}`"));
            part.warn(
                n.pos,
                format!("the replica count of `{name}` is {what}: expected a whole number; modelled as one replica"),
            );
            (1, n.pos)
        }
    }
}

fn constraints(svc: &Node, part: &mut Part, i: usize) {
    for (text, pos) in part.texts(svc.at(&["deploy", "placement", "constraints"]), "`deploy.placement.constraints`") {
        let Some((key, value)) = text.split_once("==") else {
            part.warn(
                pos,
                format!("placement constraint `{text}` is not mapped (only `==` constraints place a service)"),
            );
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        let attr = match key {
            "node.hostname" => "host",
            "node.labels.region" | "node.labels.topology.kubernetes.io/region" => "region",
            "node.labels.zone" | "node.labels.topology.kubernetes.io/zone" => "zone",
            _ => {
                part.warn(pos, format!("placement constraint `{text}` is not mapped"));
                continue;
            }
        };
        part.place(i, attr, value, pos);
    }
}

pub(crate) fn import(text: &str) -> Result<Part, Errors> {
    let (docs, said) = tree::yaml_documents(text)?;
    let Some(root) = docs.first() else {
        return Err(Errors::one(Error::empty_input("a compose file with `services:`")));
    };
    let Some(services) = root.get("services").filter(|s| s.is_map()) else {
        return Err(Errors::one(Error::new(
            ErrorKind::InvalidValue,
            root.get("services").map_or(root.pos, |s| s.pos),
            "expected a `services:` mapping of service names to their definitions",
        )));
    };
    let mut part = Part::new();
    part.warn_all(said);
    part.name = root.get("name").and_then(Node::as_str).map(str::to_string);
    if let Some(extra) = docs.get(1) {
        part.warn(extra.pos, "a compose file has one document: the documents after the first are not read");
    }
    let declared: BTreeMap<String, Option<Pos>> =
        root.get("volumes").map(|v| v.entries().map(|(k, p, _)| (k.to_string(), p)).collect()).unwrap_or_default();

    // Which services mount each named volume.
    let mut mounts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, _, svc) in services.entries() {
        for (vol, _) in named_volumes(svc, &declared) {
            let users = mounts.entry(vol).or_default();
            if !users.iter().any(|u| u == name) {
                users.push(name.to_string());
            }
        }
    }
    for (vol, users) in &mounts {
        if users.len() >= 2 {
            let pos = declared.get(vol).copied().flatten();
            part.add(&format!("volume:{vol}"), Some("volume"), pos);
        }
    }

    let mut units: Vec<Unit> = Vec::new();
    for (name, kpos, svc) in services.entries() {
        if !svc.is_map() && !svc.is_null() {
            part.warn(
                svc.pos.or(kpos),
                format!("service `{name}` is {}: expected a mapping; not mapped", svc.describe()),
            );
            continue;
        }
        let deps = deps_of(svc, &mut part);
        let i = part.add(name, Some("service"), kpos);
        if let Some(image) = svc.get("image").and_then(Node::as_str) {
            part.label(i, "image", image);
        }
        constraints(svc, &mut part, i);
        let (n, npos) = replicas(svc, name, &mut part);
        let group = Replicas { count: n, count_pos: npos, need: 1, ..Replicas::default() };
        // The components that carry the service's own dependencies.
        let members: Vec<usize> =
            part.replicate(i, name, &group, "service", kpos).into_iter().map(|(m, _)| m).collect();
        if members != [i] {
            // Replicas run where the service is placed.
            let placement: Vec<(&'static str, String)> = part
                .components
                .get(i)
                .map(|c| c.placement().map(|(a, v)| (a, v.to_string())).collect())
                .unwrap_or_default();
            for &m in &members {
                for (attr, value) in &placement {
                    part.place(m, attr, value, npos);
                }
            }
        }
        for m in &members {
            for d in &deps {
                part.link(*m, d.field, &d.name, d.pos);
            }
            for (vol, vpos) in named_volumes(svc, &declared) {
                if mounts.get(&vol).is_some_and(|u| u.len() >= 2) {
                    part.link(*m, RefField::Requires, &format!("volume:{vol}"), vpos);
                }
            }
        }
        for d in &deps {
            if let Some(c) = &d.condition {
                part.label(i, &format!("depends_on.{}", d.name), c.clone());
            }
        }
        units.push(unit(name, kpos, svc, i, &members, &deps));
    }
    if part.components.is_empty() {
        part.warn(services.pos, "no services: the topology is empty");
    }
    infer::apply(&mut part, &units);
    Ok(part)
}

/// What the inference rules read of service `name` (component `i`, its dependencies held by
/// `members`): image, names, environment, the first host port it publishes, and the
/// dependencies `depends_on` and `links` declare.
fn unit(name: &str, kpos: Option<Pos>, svc: &Node, i: usize, members: &[usize], deps: &[Dep]) -> Unit {
    let image = svc.get("image").and_then(|n| n.as_str().map(|s| (s.to_string(), n.pos)));
    let aliases =
        ["container_name", "hostname"].iter().filter_map(|k| svc.get(k).and_then(Node::as_str)).map(str::to_string);
    let declared = deps
        .iter()
        .filter(|d| matches!(d.how, "depends_on" | "links"))
        .map(|d| Declared { to: d.name.clone(), field: d.field, how: d.how, pos: d.pos })
        .collect();
    Unit {
        index: i,
        members: if members == [i] { Vec::new() } else { members.to_vec() },
        name: name.to_string(),
        name_pos: kpos,
        aliases: aliases.collect(),
        ns: String::new(),
        image,
        env: environment(svc),
        entry: published(svc),
        front: false,
        declared,
    }
}

/// `environment:` as a list (`KEY=VALUE`, `KEY`) or a mapping: name, value, position.
fn environment(svc: &Node) -> Vec<(String, String, Option<Pos>)> {
    let Some(env) = svc.get("environment") else { return Vec::new() };
    let mut out = Vec::new();
    for item in env.as_seq() {
        if let Some(s) = item.as_str() {
            let (k, v) = s.split_once('=').unwrap_or((s, ""));
            out.push((k.trim().to_string(), v.to_string(), item.pos));
        }
    }
    for (k, kpos, v) in env.entries() {
        out.push((k.to_string(), v.scalar_text().unwrap_or_default(), v.pos.or(kpos)));
    }
    out
}

/// The first `ports:` entry that publishes a host port explicitly (`"8080:80"`,
/// `"127.0.0.1:8080:80"`, `"${PORT}:${PORT}"`, long form with `published`), as the notes say
/// it. A bare container port (`"3000"`) is not one: Docker picks a random host port for it.
fn published(svc: &Node) -> Option<(String, Option<Pos>)> {
    for p in svc.get("ports").map(Node::as_seq).unwrap_or_default() {
        if let Some(text) = p.scalar_text() {
            // `${VAR:-8080}` holds a colon that is not the host/container separator.
            let mut plain = String::new();
            let mut depth = 0usize;
            let mut chars = text.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '$' if chars.peek() == Some(&'{') => depth += 1,
                    '}' if depth > 0 => {
                        depth -= 1;
                        plain.push('V');
                    }
                    _ if depth > 0 => {}
                    _ => plain.push(c),
                }
            }
            let plain = plain.split('/').next().unwrap_or_default();
            // An IPv6 host address is in brackets: `[::1]:8080:80`.
            let plain = plain.rsplit(']').next().unwrap_or(plain);
            if plain.split(':').filter(|s| !s.is_empty()).count() >= 2 {
                return Some((format!("publishes host port `{text}`"), p.pos));
            }
        } else if let Some(host) = p.get("published").and_then(Node::scalar_text).filter(|h| !h.is_empty()) {
            return Some((format!("publishes host port `{host}`"), p.get("published").and_then(|n| n.pos)));
        }
    }
    None
}
