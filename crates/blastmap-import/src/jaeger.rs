//! Jaeger and OpenTelemetry service dependencies (`/api/dependencies`,
//! `[{parent, child, callCount}]`, bare or wrapped as `{"data": [...]}`).
//!
//! | input | becomes |
//! |---|---|
//! | each service named as `parent` or `child` | a component, kind `service` |
//! | `{parent: a, child: b}` | `a` requires `b` (a caller cannot serve without its callee) |
//! | `callCount: n` | label `calls.<child>: n` on the parent |
//! | `source` | ignored (which store the link came from) |
//! | a link of a service to itself | warning, no edge |
//! | an entry without `parent` or `child`, any other key | warning |
//! | `callCount` that is not a number | warning: not mapped |

use blastmap_core::format::RefField;
use blastmap_core::{Error, ErrorKind, Errors, Pos};

use crate::build::Part;
use crate::tree::{self, Node};

fn expected(pos: Option<Pos>, what: &str) -> Errors {
    Errors::one(Error::new(
        ErrorKind::InvalidValue,
        pos.or(Some(Pos::START)),
        format!("{what}: expected a list of {{\"parent\", \"child\", \"callCount\"}} links, or {{\"data\": [...]}}"),
    ))
}

pub(crate) fn import(text: &str) -> Result<Part, Errors> {
    let (root, said) = tree::json(text)?;
    let list = if root.get("data").is_some() { root.get("data").unwrap_or(&tree::NULL) } else { &root };
    if !matches!(list.value, tree::Value::Seq(_)) {
        return Err(expected(list.pos_or(root.pos), &format!("found {}", list.describe())));
    }
    let mut part = Part::new();
    part.warn_all(said);
    for entry in list.as_seq() {
        if !entry.is_map() {
            part.warn(entry.pos, format!("link is {}, not a mapping: skipped", entry.describe()));
            continue;
        }
        let name = |key: &str| entry.get(key).and_then(Node::as_str).map(str::trim).filter(|s| !s.is_empty());
        let (Some(parent), Some(child)) = (name("parent"), name("child")) else {
            part.warn(entry.pos, "link without a `parent` and a `child` service name: skipped");
            continue;
        };
        for (key, pos, _) in entry.entries() {
            if !matches!(key, "parent" | "child" | "callCount" | "source") {
                part.warn(pos, format!("`{key}` of a dependency link is not mapped"));
            }
        }
        let ppos = entry.get("parent").and_then(|n| n.pos);
        let cpos = entry.get("child").and_then(|n| n.pos);
        let p = part.add(parent, Some("service"), ppos);
        part.add(child, Some("service"), cpos);
        if parent == child {
            part.warn(cpos, format!("`{parent}` calls itself: not mapped (a component cannot require itself)"));
            continue;
        }
        part.link(p, RefField::Requires, child, cpos);
        if let Some(c) = entry.get("callCount") {
            match c.scalar_text() {
                Some(count) => part.label(p, &format!("calls.{child}"), count),
                None => part.warn(c.pos, format!("`callCount` is {}: expected a number; not mapped", c.describe())),
            }
        }
    }
    if part.components.is_empty() {
        part.warn(list.pos, "no dependency links: the topology is empty");
    }
    Ok(part)
}
