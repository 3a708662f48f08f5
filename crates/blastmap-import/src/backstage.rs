//! Backstage catalog entities: one or more YAML documents (`catalog-info.yaml`).
//!
//! Ids are entity refs in lowercase kind: `component:backstage-showcase`, `resource:pgdb`,
//! `api:petstore`, with `namespace/` before the name outside the `default` namespace
//! (`component:shop/cart`). References are normalised the same way, so `Resource:default/pgdb`
//! and `resource:pgdb` are one component.
//!
//! | input | becomes |
//! |---|---|
//! | `kind: Component`, `Resource`, `API` | a component; kind: `spec.type` (else the entity kind, lowercase) |
//! | `spec.dependsOn: [ref]` | `requires: ref` (kind defaults to `component`) |
//! | `spec.dependencyOf: [ref]` | `ref` requires this entity |
//! | `spec.providesApis: [ref]` | the API requires this component (`need: 1` when several provide it) |
//! | `spec.consumesApis: [ref]` | `requires: ref` (kind defaults to `api`) |
//! | `spec.system`, `spec.owner`, `spec.lifecycle`, `spec.subcomponentOf`, `metadata.title` | labels `system`, `owner`, `lifecycle`, `subcomponent_of`, `title` |
//! | `kind: System`, `Domain`, `Group`, `User` | no component: organisation, carried as labels of the members |
//! | `kind: Location`, `Template`, any other kind | warning: not mapped (a Location's targets are other files: pass them too) |
//! | a ref to an entity not in the input | placeholder and an unresolved-reference warning |
//! | a ref list that is neither a ref nor a list, entries that are not text; a label or `spec.type` that is not text | warning: not mapped (the kind is then the entity kind) |
//! | an entity named as telemetry (`otel-collector`, `prometheus`, `jaeger-query`) or as a load generator (`locust`, `*-test`) | the inference rules ([`crate::infer`]): `target: false`, and a `dependsOn`/`consumesApis` on it read as `monitored_by` / `degrades_without`, each a note; the catalog does not say what is exposed, so no entry points are inferred |

use blastmap_core::format::RefField;
use blastmap_core::{Error, Errors, Pos};

use crate::build::{Part, UNRESOLVED_LABEL};
use crate::infer::{self, Declared, Unit};
use crate::tree::{self, Node};

/// `[kind:][namespace/]name` → `kind:name` or `kind:namespace/name`.
fn entity_ref(r: &str, default_kind: &str, default_ns: &str) -> String {
    let r = r.trim();
    let (kind, rest) = match r.split_once(':') {
        Some((k, rest)) if !k.contains('/') => (k.to_ascii_lowercase(), rest),
        _ => (default_kind.to_string(), r),
    };
    let (ns, name) = match rest.split_once('/') {
        Some((ns, name)) => (ns.to_ascii_lowercase(), name),
        None => (default_ns.to_string(), rest),
    };
    if ns.is_empty() || ns == "default" {
        format!("{kind}:{name}")
    } else {
        format!("{kind}:{ns}/{name}")
    }
}

/// The entity refs of `spec.KEY`: one ref or a list (entries that are not text are said).
fn refs(spec: &Node, key: &str, part: &mut Part) -> Vec<(String, Option<Pos>)> {
    part.texts(spec.get(key), &format!("`spec.{key}`")).into_iter().map(|(s, p)| (s.to_string(), p)).collect()
}

/// Label `label` of component `i` from a scalar (a list or mapping there is said, not mapped).
fn scalar_label(part: &mut Part, i: usize, n: Option<&Node>, label: &str) {
    let Some(n) = n else { return };
    match n.scalar_text() {
        Some(v) => part.label(i, label, v),
        None if n.is_null() => {}
        None => part.warn(n.pos, format!("`{label}` is {}: expected text; not mapped", n.describe())),
    }
}

pub(crate) fn import(text: &str) -> Result<Part, Errors> {
    let (docs, said) = tree::yaml_documents(text)?;
    if docs.is_empty() {
        return Err(Errors::one(Error::empty_input("Backstage entities (`apiVersion: backstage.io/v1alpha1`)")));
    }
    let mut part = Part::new();
    part.warn_all(said);
    // (api ref, provider id, position); (target ref, dependent id... reversed), resolved after all entities exist.
    let mut provides: Vec<(String, String, Option<Pos>)> = Vec::new();
    let mut dependency_of: Vec<(String, String, Option<Pos>)> = Vec::new();
    let mut units: Vec<Unit> = Vec::new();
    for d in &docs {
        if !d.is_map() {
            part.warn(d.pos, format!("document is {}, not a Backstage entity: not mapped", d.describe()));
            continue;
        }
        let kind = d.get("kind").and_then(Node::as_str).unwrap_or_default();
        let name_node = d.at(&["metadata", "name"]);
        let name = name_node.and_then(Node::scalar_text).unwrap_or_default();
        let npos = name_node.and_then(|n| n.pos).or(d.pos);
        if kind.is_empty() || name.is_empty() {
            part.warn(d.pos, "entity without `kind` or `metadata.name`: not mapped");
            continue;
        }
        let ns = d.at(&["metadata", "namespace"]).and_then(Node::scalar_text).unwrap_or_default();
        match kind {
            "Component" | "Resource" | "API" => {}
            "System" | "Domain" | "Group" | "User" => continue,
            other => {
                part.warn(npos, format!("kind `{other}` (`{name}`) is not mapped"));
                continue;
            }
        }
        let id = entity_ref(&format!("{kind}:{name}"), "component", &ns);
        let spec = d.get("spec").unwrap_or(&tree::NULL);
        let typ = spec.get("type");
        if let Some(t) = typ.filter(|t| t.as_str().is_none() && !t.is_null()) {
            part.warn(
                t.pos,
                format!("`spec.type` is {}: expected text; the kind is `{}`", t.describe(), kind.to_ascii_lowercase()),
            );
        }
        let comp_kind = typ.and_then(Node::as_str).map_or_else(|| kind.to_ascii_lowercase(), str::to_string);
        if part.has(&id) {
            part.warn(npos, format!("entity `{id}` is defined twice: the first definition is kept"));
            continue;
        }
        let i = part.add(&id, Some(&comp_kind), npos);
        for (key, label) in [
            ("system", "system"),
            ("owner", "owner"),
            ("lifecycle", "lifecycle"),
            ("subcomponentOf", "subcomponent_of"),
        ] {
            scalar_label(&mut part, i, spec.get(key), label);
        }
        scalar_label(&mut part, i, d.at(&["metadata", "title"]), "title");
        let mut declared = Vec::new();
        for (key, default_kind) in [("dependsOn", "component"), ("consumesApis", "api")] {
            for (r, pos) in refs(spec, key, &mut part) {
                let to = entity_ref(&r, default_kind, &ns);
                part.link(i, RefField::Requires, &to, pos);
                declared.push(Declared { to, field: RefField::Requires, how: key, pos });
            }
        }
        units.push(Unit { index: i, name: name.clone(), name_pos: npos, ns: ns.clone(), declared, ..Unit::default() });
        for (r, pos) in refs(spec, "providesApis", &mut part) {
            provides.push((entity_ref(&r, "api", &ns), id.clone(), pos));
        }
        for (r, pos) in refs(spec, "dependencyOf", &mut part) {
            dependency_of.push((entity_ref(&r, "component", &ns), id.clone(), pos));
        }
    }
    let placeholder = |part: &mut Part, id: &str, what: &str, pos: Option<Pos>| -> Option<usize> {
        if let Some(i) = part.find(id) {
            return Some(i);
        }
        part.warn(
            pos,
            format!("unresolved reference: `{id}` ({what}) is not defined here; added as a placeholder component"),
        );
        let i = part.add(id, Some("unresolved"), None);
        part.label(i, UNRESOLVED_LABEL, "true");
        Some(i)
    };
    for (api, provider, pos) in provides {
        let Some(a) = placeholder(&mut part, &api, &format!("provided by `{provider}`"), pos) else {
            continue;
        };
        part.link(a, RefField::Requires, &provider, pos);
        let n = part.components.get(a).map_or(0, |c| c.requires.len());
        if n > 1 {
            part.set_need(a, 1, pos);
        }
    }
    for (target, dependent, pos) in dependency_of {
        let Some(t) = placeholder(&mut part, &target, &format!("`dependencyOf` of `{dependent}`"), pos) else {
            continue;
        };
        part.link(t, RefField::Requires, &dependent, pos);
    }
    infer::apply(&mut part, &units);
    Ok(part)
}

#[cfg(test)]
mod tests {
    use super::entity_ref;

    #[test]
    fn refs_are_normalised() {
        assert_eq!(entity_ref("resource:pgdb", "component", ""), "resource:pgdb");
        assert_eq!(entity_ref("Resource:default/pgdb", "component", ""), "resource:pgdb");
        assert_eq!(entity_ref("petstore", "api", "shop"), "api:shop/petstore");
        assert_eq!(entity_ref("component:other/cart", "component", "shop"), "component:other/cart");
    }
}
