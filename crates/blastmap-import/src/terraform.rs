//! Terraform: `terraform show -json` of a plan or of the state, and raw state files
//! (`terraform.tfstate`, version 4).
//!
//! | input | becomes |
//! |---|---|
//! | each resource instance (`planned_values` of a plan, `values` of a state, `resources[].instances[]` of a raw state), data sources included | a component with its address as id (`module.vpc.aws_subnet.a[0]`); kind: the resource type; labels `mode: data`, `module`, `action` (from `resource_changes`) |
//! | `depends_on` (state), `dependencies` (raw state) | `requires` of every instance of the named resource (all resources of a named module) |
//! | plan `configuration`: `references` in a resource's expressions, `count`/`for_each`, and `depends_on` | `requires` between the instances of both resources; `var.x` in a module follows the module call's argument, `module.m.out` follows the output's expression |
//! | provider (`provider_name`, `provider`) other than utility providers (null, random, local, tls, time, template, external, archive, http, terraform, cloudinit) | placement `provider` (`aws`, `google`, `scaleway`, ...) |
//! | provider configuration `region` (constant), attribute `region` or `location`, the region in an `arn` | placement `region` |
//! | attribute `availability_zone` or `zone` | placement `zone` |
//! | `local.x` references | warning, once per local: locals are not in the JSON, so dependencies through them are not seen |
//! | a reference to a resource without instances | warning, no edge |
//! | a dependency on an address the file does not have (raw state) | placeholder and an unresolved-reference warning |
//! | an address given twice | the first is read; warning |
//! | an `index_key` that is not a number or text | read without the index; warning |
//! | a reference to a module the configuration does not have, to an output it does not have, or that is not an address; a module call without `module`; a child module that is not a mapping; `depends_on`/`dependencies` entries that are not text | warning: not mapped |
//! | references through module inputs and outputs that lead back to each other (a cycle) | followed 64 deep, then a warning |
//! | outputs, variables, resources only in `prior_state` or being destroyed | not mapped: the plan's result is what is analysed |

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use blastmap_core::format::RefField;
use blastmap_core::{Error, ErrorKind, Errors, Pos};

use crate::build::Part;
use crate::tree::{self, Node, MAX_DEPTH};

const UTILITY_PROVIDERS: [&str; 11] =
    ["null", "random", "local", "tls", "time", "template", "external", "archive", "http", "terraform", "cloudinit"];

/// `registry.terraform.io/hashicorp/aws`, `provider["registry.terraform.io/hashicorp/aws"].east`, `aws` → `aws`.
fn provider_short(p: &str) -> String {
    let p = p.trim();
    let inner = match p.find("provider[") {
        Some(i) => p.get(i + 9..).and_then(|r| r.split(']').next()).unwrap_or_default(),
        None => p,
    };
    let inner = inner.trim_matches(|c| c == '"' || c == '\\');
    let last = inner.rsplit('/').next().unwrap_or(inner);
    last.split('.').next().unwrap_or(last).trim_matches('"').to_string()
}

/// The address without its instance index: `a.b[0]` → `a.b`.
fn base(addr: &str) -> &str {
    if addr.ends_with(']') {
        if let Some(i) = addr.rfind('[') {
            return addr.get(..i).unwrap_or(addr);
        }
    }
    addr
}

/// Region from an ARN: `arn:aws:ec2:us-east-1:123:...`.
fn arn_region(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    (parts.next() == Some("arn")).then_some(())?;
    parts.nth(2).filter(|r| !r.is_empty())
}

/// A resource instance as the input describes it.
struct Resource<'n> {
    addr: &'n str,
    module: &'n str,
    typ: &'n str,
    mode: &'n str,
    provider: Option<&'n str>,
    values: Option<&'n Node>,
    pos: Option<Pos>,
}

struct Tf<'a> {
    part: Part,
    /// Base address → instance ids (component indices).
    instances: BTreeMap<String, Vec<usize>>,
    /// Module address (with its final dot, empty for the root) → instance ids, in input order.
    by_module: BTreeMap<String, Vec<usize>>,
    /// Provider config key → region.
    provider_regions: BTreeMap<String, (String, Option<Pos>)>,
    warned_locals: BTreeSet<String>,
    config: Option<&'a Node>,
    /// References followed so far: modules whose outputs and inputs refer to each other could
    /// otherwise be followed exponentially often.
    steps: usize,
}

/// The module calls that lead to a module, each with its caller's address prefix.
type Calls<'a> = Vec<(&'a Node, String)>;

/// At most this many references are followed in one file.
const MAX_STEPS: usize = 1_000_000;

impl<'a> Tf<'a> {
    /// Adds the component of a resource instance; false (with a warning) when its address is
    /// already taken.
    fn add_instance(&mut self, r: &Resource<'_>) -> bool {
        let Resource { addr, module, typ, mode, provider, values, pos } = *r;
        if self.part.has(addr) {
            self.part.warn(pos, format!("resource `{addr}` appears twice: the first is read, this one is not"));
            return false;
        }
        let i = self.part.add(addr, Some(if typ.is_empty() { "resource" } else { typ }), pos);
        if mode == "data" {
            self.part.label(i, "mode", "data");
        }
        if !module.is_empty() {
            self.part.label(i, "module", module.trim_end_matches('.'));
        }
        if let Some(p) =
            provider.map(provider_short).filter(|p| !p.is_empty() && !UTILITY_PROVIDERS.contains(&p.as_str()))
        {
            self.part.place(i, "provider", &p, pos);
        }
        if let Some(v) = values {
            let region = v.get("region").or_else(|| v.get("location")).filter(|n| n.as_str().is_some());
            if let Some(r) = region {
                self.part.place(i, "region", r.as_str().unwrap_or_default(), r.pos);
            } else if let Some(a) = v.get("arn") {
                if let Some(r) = a.as_str().and_then(arn_region) {
                    self.part.place(i, "region", r, a.pos);
                }
            }
            if let Some(z) = v.get("availability_zone").or_else(|| v.get("zone")).filter(|n| n.as_str().is_some()) {
                self.part.place(i, "zone", z.as_str().unwrap_or_default(), z.pos);
            }
        }
        self.instances.entry(base(addr).to_string()).or_default().push(i);
        self.by_module.entry(module.to_string()).or_default().push(i);
        true
    }

    /// Resources of a `show -json` module (`root_module`) and of its `child_modules`, in order
    /// (iterative: the tree bounds the depth, no recursion follows it).
    fn module_values(&mut self, root: &Node) {
        for m in modules(root, &mut self.part) {
            let module = m.get("address").and_then(Node::as_str).map(|a| format!("{a}.")).unwrap_or_default();
            // Null is nothing to read (a value cut for nesting too deep is said where it was cut).
            for r in m.get("resources").map(Node::as_seq).unwrap_or_default().iter().filter(|r| !r.is_null()) {
                let Some(addr) = r.get("address").and_then(Node::as_str) else {
                    self.part.warn(r.pos, "resource without `address`: not mapped");
                    continue;
                };
                let s = |k: &str| r.get(k).and_then(Node::as_str).unwrap_or_default().to_string();
                let pos = r.get("address").and_then(|a| a.pos).or(r.pos);
                let (typ, mode) = (s("type"), s("mode"));
                let provider = r.get("provider_name").and_then(Node::as_str);
                self.add_instance(&Resource {
                    addr,
                    module: &module,
                    typ: &typ,
                    mode: &mode,
                    provider,
                    values: r.get("values"),
                    pos,
                });
            }
        }
    }

    /// `depends_on` of `show -json` state resources, after all instances exist.
    fn module_depends(&mut self, root: &Node) {
        for m in modules(root, &mut self.part) {
            for r in m.get("resources").map(Node::as_seq).unwrap_or_default() {
                let Some(addr) = r.get("address").and_then(Node::as_str) else {
                    continue;
                };
                let Some(from) = self.part.find(addr) else {
                    continue;
                };
                for d in r.get("depends_on").map(Node::as_seq).unwrap_or_default() {
                    match d.as_str() {
                        Some(target) => self.depend(&[from], target, d.pos, true),
                        None => self.part.warn(
                            d.pos,
                            format!(
                                "`depends_on` entry of `{addr}` is {}: expected a resource address; not mapped",
                                d.describe()
                            ),
                        ),
                    }
                }
            }
        }
    }

    /// `from` require every instance of `target` (a resource or a module address).
    fn depend(&mut self, from: &[usize], target: &str, pos: Option<Pos>, placeholder: bool) {
        let target = base(target);
        let ids: Vec<usize> = match self.instances.get(target) {
            Some(ids) => ids.clone(),
            None if self.is_module(target) => {
                let mut ids: Vec<usize> = self.within(target).flatten().copied().collect();
                ids.sort_unstable();
                ids
            }
            None => Vec::new(),
        };
        if ids.is_empty() {
            if placeholder {
                for &f in from {
                    self.part.link(f, RefField::Requires, target, pos);
                }
            } else {
                self.part.warn(pos, format!("`{target}` has no instances here: no dependency on it"));
            }
            return;
        }
        let names: Vec<String> =
            ids.iter().filter_map(|&i| self.part.components.get(i).map(|c| c.id.clone())).collect();
        for &f in from {
            for n in &names {
                self.part.link(f, RefField::Requires, n, pos);
            }
        }
    }

    fn is_module(&self, target: &str) -> bool {
        target.starts_with("module.") && self.within(target).next().is_some()
    }

    /// The instances of module `target` and of the modules within it, module by module: the
    /// addresses that start with `target.` sort together.
    fn within<'s>(&'s self, target: &str) -> impl Iterator<Item = &'s Vec<usize>> + 's {
        let prefix = format!("{target}.");
        self.by_module
            .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
            .take_while(move |(module, _)| module.starts_with(&prefix))
            .map(|(_, ids)| ids)
    }

    /// Raw state file: `resources[].instances[]`.
    fn raw_state(&mut self, root: &Node) {
        let mut deps: Vec<(usize, &Node)> = Vec::new();
        for r in root.get("resources").map(Node::as_seq).unwrap_or_default() {
            let s = |k: &str| r.get(k).and_then(Node::as_str).unwrap_or_default().to_string();
            let (module, mode, typ, name) = (s("module"), s("mode"), s("type"), s("name"));
            if typ.is_empty() || name.is_empty() {
                self.part.warn(r.pos, "resource without `type` and `name`: not mapped");
                continue;
            }
            let module = if module.is_empty() { String::new() } else { format!("{module}.") };
            let data = if mode == "data" { "data." } else { "" };
            let base_addr = format!("{module}{data}{typ}.{name}");
            let provider = r.get("provider").and_then(Node::as_str);
            let instances = r.get("instances").map(Node::as_seq).unwrap_or_default();
            for inst in instances {
                let addr = match inst.get("index_key") {
                    Some(k) => match &k.value {
                        tree::Value::Int(n) => format!("{base_addr}[{n}]"),
                        tree::Value::Str(s) => format!("{base_addr}[\"{s}\"]"),
                        tree::Value::Null => base_addr.clone(),
                        _ => {
                            self.part.warn(k.pos, format!("`index_key` of an instance of `{base_addr}` is {}: expected a number or text; read as `{base_addr}`", k.describe()));
                            base_addr.clone()
                        }
                    },
                    None => base_addr.clone(),
                };
                let pos = r.get("name").and_then(|n| n.pos).or(r.pos);
                let added = self.add_instance(&Resource {
                    addr: &addr,
                    module: &module,
                    typ: &typ,
                    mode: &mode,
                    provider,
                    values: inst.get("attributes"),
                    pos,
                });
                if let (true, Some(i)) = (added, self.part.find(&addr)) {
                    deps.push((i, inst));
                }
            }
        }
        for (i, inst) in deps {
            for (target, pos) in self.part.texts(inst.get("dependencies"), "`dependencies`") {
                self.depend(&[i], target, pos, true);
            }
        }
    }

    /// The resources (config addresses, with module prefix) an expression refers to.
    fn resolve_refs(
        &mut self,
        refs: Vec<(String, Option<Pos>)>,
        module: &str,
        calls: &[(&'a Node, String)],
        depth: usize,
    ) -> Vec<(String, Option<Pos>)> {
        let mut out = Vec::new();
        for (r, pos) in refs {
            self.steps += 1;
            if self.steps == MAX_STEPS {
                self.part.warn(pos, format!("more than {MAX_STEPS} references to follow: the rest are not mapped"));
            }
            if self.steps >= MAX_STEPS {
                return out;
            }
            let parts: Vec<&str> = r.split('.').collect();
            let through_module = matches!(parts.as_slice(), ["var", _, ..] | ["module", _, _, ..]);
            if through_module && depth >= MAX_DEPTH {
                self.part.warn(pos, format!("`{r}`: references followed through {MAX_DEPTH} module inputs and outputs (a cycle?); what it refers to is not followed"));
                continue;
            }
            match parts.as_slice() {
                ["var", name, ..] => {
                    // A module's input: follow the call's argument in the parent module.
                    if let Some((call, parent)) = calls.last() {
                        let inner = collect_refs(call.at(&["expressions", name]));
                        let up = calls.get(..calls.len().saturating_sub(1)).unwrap_or_default();
                        out.extend(self.resolve_refs(inner, parent, up, depth + 1));
                    }
                }
                ["local", name, ..] => {
                    let key = format!("{module}local.{name}");
                    if self.warned_locals.insert(key.clone()) {
                        self.part.warn(pos, format!("`{key}`: locals are not in `terraform show -json`, so dependencies through them are not seen"));
                    }
                }
                ["module", name, output, ..] => {
                    let name = name.split('[').next().unwrap_or(name);
                    let call = self.module_call(module, name);
                    if let Some(call) = call {
                        if call.at(&["module", "outputs", output]).is_none() {
                            self.part.warn(pos, format!("`{r}`: module `{module}module.{name}` has no output `{output}` in the configuration; no dependency through it"));
                        }
                        let inner = collect_refs(call.at(&["module", "outputs", output, "expression"]));
                        let child = format!("{module}module.{name}.");
                        let mut deeper: Vec<(&'a Node, String)> = calls.to_vec();
                        deeper.push((call, module.to_string()));
                        out.extend(self.resolve_refs(inner, &child, &deeper, depth + 1));
                    } else {
                        self.part.warn(pos, format!("`{r}`: module `{module}module.{name}` is not in the configuration; no dependency through it"));
                    }
                }
                ["module", name] => out.push((format!("{module}module.{name}"), pos)),
                ["data", typ, name, ..] => out.push((format!("{module}data.{typ}.{}", base(name)), pos)),
                ["each" | "count" | "path" | "self" | "terraform", ..] => {}
                [typ, name, ..] => out.push((format!("{module}{typ}.{}", base(name)), pos)),
                _ => self.part.warn(pos, format!("reference `{r}` is not an address: not mapped")),
            }
        }
        out
    }

    /// The `module_calls` entry `name` of the module at address `module` (`""` for root).
    fn module_call(&self, module: &str, name: &str) -> Option<&'a Node> {
        let config: &'a Node = self.config?;
        let mut m = config.get("root_module")?;
        let mut rest = module;
        while let Some(r) = rest.strip_prefix("module.") {
            let (n, after) = r.split_once('.').unwrap_or((r, ""));
            m = m.get("module_calls")?.get(n.split('[').next().unwrap_or(n))?.get("module")?;
            rest = after;
        }
        m.get("module_calls")?.get(name)
    }

    /// Plan `configuration`: references between configured resources, module by module (the
    /// modules in order, iteratively: the tree bounds the depth, no recursion follows it).
    fn configuration(&mut self, root: &'a Node) {
        // (module, its address prefix, the module calls that lead to it with their callers' prefixes)
        let mut stack: Vec<(&'a Node, String, Calls<'a>)> = vec![(root, String::new(), Vec::new())];
        while let Some((m, module, calls)) = stack.pop() {
            self.configured_resources(m, &module, &calls);
            let children: Vec<(&str, Option<Pos>, &'a Node)> =
                m.get("module_calls").map(|c| c.entries().collect()).unwrap_or_default();
            for (name, pos, call) in children.into_iter().rev() {
                match call.get("module") {
                    Some(child) => {
                        let mut deeper = calls.clone();
                        deeper.push((call, module.clone()));
                        stack.push((child, format!("{module}module.{name}."), deeper));
                    }
                    None => self.part.warn(pos, format!("module call `{module}module.{name}` has no `module`: the references inside it are not read")),
                }
            }
        }
    }

    /// The references of the resources configured in one module.
    fn configured_resources(&mut self, m: &'a Node, module: &str, calls: &[(&'a Node, String)]) {
        for r in m.get("resources").map(Node::as_seq).unwrap_or_default() {
            let Some(addr) = r.get("address").and_then(Node::as_str) else {
                self.part.warn(r.pos, "configured resource without `address`: its references are not read");
                continue;
            };
            let full = format!("{module}{addr}");
            let from: Vec<usize> = self.instances.get(&full).cloned().unwrap_or_default();
            if let Some(key) = r.get("provider_config_key").and_then(Node::as_str) {
                // `module:aws` without its own configuration inherits the root's `aws`.
                let inherited = key.rsplit(':').next().unwrap_or(key);
                if let Some((region, rpos)) =
                    self.provider_regions.get(key).or_else(|| self.provider_regions.get(inherited)).cloned()
                {
                    for &f in &from {
                        let has = self.part.components.get(f).is_some_and(|c| c.region.is_some());
                        if !has {
                            self.part.place(f, "region", &region, rpos);
                        }
                    }
                }
            }
            // A configured resource without instances (`count = 0`, or not in the plan's result)
            // has nothing to connect.
            if from.is_empty() {
                continue;
            }
            let mut refs = collect_refs(r.get("expressions"));
            refs.extend(collect_refs(r.get("count_expression")));
            refs.extend(collect_refs(r.get("for_each_expression")));
            for d in r.get("depends_on").map(Node::as_seq).unwrap_or_default() {
                match d.as_str() {
                    Some(s) => refs.push((s.to_string(), d.pos)),
                    None => self.part.warn(
                        d.pos,
                        format!(
                            "`depends_on` entry of `{full}` is {}: expected a resource address; not mapped",
                            d.describe()
                        ),
                    ),
                }
            }
            let targets = self.resolve_refs(refs, module, calls, 0);
            let mut seen = BTreeSet::new();
            for (t, pos) in targets {
                if seen.insert(t.clone()) && t != full {
                    self.depend(&from, &t, pos, false);
                }
            }
        }
    }
}

/// A `show -json` module and all its `child_modules`, in order (depth first, iteratively). A
/// child module that is not a mapping is said (null is nothing to read).
fn modules<'n>(root: &'n Node, part: &mut Part) -> Vec<&'n Node> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(m) = stack.pop() {
        out.push(m);
        for c in m.get("child_modules").map(Node::as_seq).unwrap_or_default().iter().rev() {
            if c.is_map() {
                stack.push(c);
            } else if !c.is_null() {
                part.warn(c.pos, format!("child module is {}, not a module: not read", c.describe()));
            }
        }
    }
    out
}

/// Every `references` list inside an expression tree, in document order (iteratively: the tree
/// bounds the depth, no recursion follows it).
fn collect_refs(n: Option<&Node>) -> Vec<(String, Option<Pos>)> {
    enum Item<'n> {
        Walk(&'n Node),
        Refs(&'n Node),
    }
    let mut out = Vec::new();
    let mut stack: Vec<Item<'_>> = n.into_iter().map(Item::Walk).collect();
    while let Some(item) = stack.pop() {
        match item {
            Item::Refs(v) => out.extend(v.as_seq().iter().filter_map(|r| r.as_str().map(|s| (s.to_string(), r.pos)))),
            Item::Walk(n) => {
                let before = stack.len();
                for (k, _, v) in n.entries() {
                    stack.push(if k == "references" { Item::Refs(v) } else { Item::Walk(v) });
                }
                stack.extend(n.as_seq().iter().map(Item::Walk));
                // The first child is taken first.
                if let Some(children) = stack.get_mut(before..) {
                    children.reverse();
                }
            }
        }
    }
    out
}

pub(crate) fn import(text: &str) -> Result<Part, Errors> {
    let (root, said) = tree::json(text)?;
    let is_show = root.get("format_version").is_some();
    let is_raw = root.get("resources").is_some() && root.get("version").is_some();
    if !root.is_map() || !(is_show || is_raw) {
        return Err(Errors::one(Error::new(
            ErrorKind::InvalidValue,
            root.pos.or(Some(Pos::START)),
            "expected `terraform show -json` output (`format_version` with `planned_values` or `values`) or a state file (`version` and `resources`)",
        )));
    }
    let mut tf = Tf {
        part: Part::new(),
        instances: BTreeMap::new(),
        by_module: BTreeMap::new(),
        provider_regions: BTreeMap::new(),
        warned_locals: BTreeSet::new(),
        config: root.get("configuration"),
        steps: 0,
    };
    tf.part.warn_all(said);
    if let Some(pc) = root.at(&["configuration", "provider_config"]) {
        for (key, _, p) in pc.entries() {
            if let Some(r) = p.at(&["expressions", "region", "constant_value"]) {
                if let Some(region) = r.as_str() {
                    tf.provider_regions.insert(key.to_string(), (region.to_string(), r.pos));
                }
            }
        }
    }
    if is_raw && !is_show {
        tf.raw_state(&root);
    } else if let Some(pv) = root.at(&["planned_values", "root_module"]) {
        tf.module_values(pv);
        if let Some(changes) = root.get("resource_changes") {
            for c in changes.as_seq() {
                let addr = c.get("address").and_then(Node::as_str).unwrap_or_default();
                let actions: Vec<String> = c
                    .at(&["change", "actions"])
                    .map(Node::as_seq)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(Node::scalar_text)
                    .collect();
                if let (Some(i), false) = (tf.part.find(addr), actions.is_empty()) {
                    tf.part.label(i, "action", actions.join(","));
                }
            }
        }
        if let Some(prior) = root.at(&["prior_state", "values", "root_module"]) {
            tf.module_depends(prior);
        }
        if let Some(cfg) = root.at(&["configuration", "root_module"]) {
            tf.configuration(cfg);
        }
    } else if let Some(v) = root.at(&["values", "root_module"]) {
        tf.module_values(v);
        tf.module_depends(v);
        if let Some(cfg) = root.at(&["configuration", "root_module"]) {
            tf.configuration(cfg);
        }
    } else {
        tf.part.warn(root.pos, "no `planned_values` or `values`: the file holds no resources");
    }
    if tf.part.components.is_empty() {
        tf.part.warn(root.pos, "no resources: the topology is empty");
    }
    Ok(tf.part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(provider_short("provider[\"registry.terraform.io/scaleway/scaleway\"]"), "scaleway");
        assert_eq!(provider_short("registry.terraform.io/hashicorp/aws"), "aws");
        assert_eq!(provider_short("null.aliased"), "null");
        assert_eq!(base("a.b[0]"), "a.b");
        assert_eq!(base("module.m[\"x\"].a.b"), "module.m[\"x\"].a.b");
        assert_eq!(arn_region("arn:aws:ec2:us-east-1:123:instance/i-1"), Some("us-east-1"));
        assert_eq!(arn_region("arn:aws:iam::123:role/x"), None);
    }
}
