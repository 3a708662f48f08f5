//! Tailscale policy files (HuJSON): read into the core's [`Policy`], and checked against an
//! imported estate ([`check`]): who can reach whom, and the policy findings
//! ([`blastmap_core::policy`] has the rules of evaluation).
//!
//! | input | becomes |
//! |---|---|
//! | `acls` (`action`, `src`, `dst` as `selector:ports`, `proto`; the old `users`/`ports` too) | rules; ports recorded per destination (`tcp:22` with a `proto`) |
//! | `grants` (`src`, `dst`, `ip`, `app`, `via`) | rules; `ip` is each destination's ports; a grant without `ip` gives no network reach; `app` capability names are kept (`tailscale.com/cap/relay` decides peer relays) |
//! | `groups`, `tagOwners`, `hosts` | the same, as plain maps |
//! | `autoApprovers.routes`, `autoApprovers.exitNode` | route and exit-node approvers |
//! | `ssh`, `nodeAttrs` | recorded (not analysed) |
//! | `tests`, `sshTests`, `postures`, `defaultSrcPosture`, `ipsets`, `derpMap`, `disableIPv4`, `OneCSNATRoute`, `randomizeClientPort`, `autoApprovers.services`, a grant's `srcPosture` | known, not modelled: one warning each |
//! | any other key | a warning at its position (never dropped silently) |
//! | a key given twice | the last one counts (as Tailscale reads it), with a warning |
//!
//! Keys are matched without regard to case, as Tailscale's reader does. The estate's nodes are
//! the components of one tailnet (the mesh vocabulary's `tailnet`, and nodes `shared_into` it),
//! with labels `tags` and `tailscale_ips` (comma-separated) and `user`, as the status importer
//! writes them; a native estate can carry the same labels.

use std::collections::BTreeMap;

use blastmap_core::note::{Note, NoteKind};
use blastmap_core::policy::{
    self, Estate, NodeAttr, Policy, PolicyNode, PolicyReach, RelayUse, RouteApprovers, Rule, RuleKind, SshRule,
    TagOwners, Target,
};
use blastmap_core::policy_report::{PolicySection, RelayVerdict};
use blastmap_core::split::SplitPolicyCheck;
use blastmap_core::{compile, Error, ErrorKind, Errors, Pos};
use serde::Serialize;

use crate::tree::Node;
use crate::{hujson, Loaded, Warning};

/// Top-level keys Tailscale knows that this analysis does not use, and why.
const UNMODELLED: [(&str, &str); 9] = [
    ("tests", "policy tests are not run"),
    ("sshtests", "SSH tests are not run"),
    ("postures", "device posture is not in the export: reach is computed as if every posture passed"),
    ("defaultsrcposture", "device posture is not in the export: reach is computed as if every posture passed"),
    ("ipsets", "IP sets are not modelled: selectors naming them match nothing"),
    ("derpmap", "a custom DERP map is not modelled: relays come from the estate"),
    ("disableipv4", "address families are not modelled"),
    ("onecsnatroute", "a client routing setting, not topology"),
    ("randomizeclientport", "a client port setting, not topology"),
];

fn invalid(pos: Option<Pos>, message: impl Into<String>) -> Errors {
    Errors::one(Error::new(ErrorKind::InvalidValue, pos, message.into()))
}

/// An object's entry: (key lowercased, key as written, its position, value).
type Entry<'a> = (String, &'a str, Option<Pos>, &'a Node);

struct Reader {
    warnings: Vec<Warning>,
}

impl Reader {
    fn warn(&mut self, pos: Option<Pos>, message: impl Into<String>) {
        self.warnings.push(Warning::new(None, pos, message.into()));
    }

    /// The entries of an object, keys lowercased; a key given twice keeps its last value.
    fn object<'a>(&mut self, n: &'a Node, what: &str) -> Result<Vec<Entry<'a>>, Errors> {
        if !n.is_map() {
            return Err(invalid(n.pos, format!("{what} is {}: expected an object", n.describe())));
        }
        let mut out: Vec<(String, &str, Option<Pos>, &Node)> = Vec::new();
        for (key, kpos, value) in n.entries() {
            let lower = key.to_ascii_lowercase();
            if let Some(i) = out.iter().position(|(k, ..)| *k == lower) {
                self.warn(kpos, format!("`{key}` is given twice in {what}: the last one counts"));
                out.remove(i);
            }
            out.push((lower, key, kpos, value));
        }
        Ok(out)
    }

    fn strings(&mut self, n: &Node, what: &str) -> Result<Vec<(String, Option<Pos>)>, Errors> {
        if n.is_null() {
            return Ok(Vec::new());
        }
        if let Some(s) = n.as_str() {
            return Ok(vec![(s.to_string(), n.pos)]);
        }
        if !matches!(n.value, crate::tree::Value::Seq(_)) {
            return Err(invalid(n.pos, format!("{what} is {}: expected a list of strings", n.describe())));
        }
        n.as_seq()
            .iter()
            .map(|s| match s.as_str() {
                Some(v) => Ok((v.to_string(), s.pos)),
                None => Err(invalid(s.pos, format!("an entry of {what} is {}: expected a string", s.describe()))),
            })
            .collect()
    }

    /// Checks that `n` is a list (or null).
    fn list(&mut self, n: &Node, what: &str) -> Result<(), Errors> {
        if matches!(n.value, crate::tree::Value::Seq(_)) || n.is_null() {
            return Ok(());
        }
        Err(invalid(n.pos, format!("{what} is {}: expected a list", n.describe())))
    }

    fn plain(&mut self, n: &Node, what: &str) -> Result<Vec<String>, Errors> {
        Ok(self.strings(n, what)?.into_iter().map(|(s, _)| s).collect())
    }

    fn targets(&mut self, n: &Node, what: &str, ports: &[String]) -> Result<Vec<Target>, Errors> {
        Ok(self.strings(n, what)?.into_iter().map(|(s, pos)| Target::new(s, ports.to_vec(), pos)).collect())
    }

    fn acl(&mut self, index: usize, n: &Node) -> Result<Rule, Errors> {
        let what = format!("acls[{index}]");
        let mut rule = Rule {
            kind: RuleKind::Acl,
            index,
            pos: n.pos,
            src: Vec::new(),
            dst: Vec::new(),
            network: true,
            app: Vec::new(),
            via: Vec::new(),
        };
        let entries = self.object(n, &what)?;
        let proto =
            entries.iter().find(|(k, ..)| k == "proto").and_then(|(.., v)| v.scalar_text()).filter(|p| !p.is_empty());
        for (key, name, kpos, v) in entries {
            match key.as_str() {
                "action" => {
                    let action = v.as_str().unwrap_or_default();
                    if action != "accept" {
                        self.warn(v.pos, format!("{what}: action `{action}` is not `accept`: the rule is ignored"));
                        rule.network = false;
                    }
                }
                "src" | "users" => rule.src = self.targets(v, &format!("`{what}.{name}`"), &[])?,
                "dst" | "ports" => {
                    for (text, pos) in self.strings(v, &format!("`{what}.{name}`"))? {
                        let Some((sel, ports)) = split_ports(&text) else {
                            return Err(invalid(
                                pos,
                                format!(
                                    "`{text}` in `{what}.{name}`: expected `selector:ports` (`tag:db:5432`, `*:*`)"
                                ),
                            ));
                        };
                        let ports = ports
                            .split(',')
                            .map(str::trim)
                            .map(|p| match &proto {
                                Some(pr) => format!("{pr}:{p}"),
                                None => p.to_string(),
                            })
                            .collect();
                        rule.dst.push(Target::new(sel, ports, pos));
                    }
                }
                "proto" => {}
                _ => self.warn(kpos, format!("{what}: `{name}` is not an ACL field: not read")),
            }
        }
        Ok(rule)
    }

    fn grant(&mut self, index: usize, n: &Node) -> Result<Rule, Errors> {
        let what = format!("grants[{index}]");
        let mut rule = Rule {
            kind: RuleKind::Grant,
            index,
            pos: n.pos,
            src: Vec::new(),
            dst: Vec::new(),
            network: false,
            app: Vec::new(),
            via: Vec::new(),
        };
        let entries = self.object(n, &what)?;
        let ip = match entries.iter().find(|(k, ..)| k == "ip") {
            Some((.., v)) => self.plain(v, &format!("`{what}.ip`"))?,
            None => Vec::new(),
        };
        rule.network = !ip.is_empty();
        for (key, name, kpos, v) in entries {
            match key.as_str() {
                "src" => rule.src = self.targets(v, &format!("`{what}.src`"), &[])?,
                "dst" => rule.dst = self.targets(v, &format!("`{what}.dst`"), &ip)?,
                "ip" => {}
                "app" => rule.app = self.object(v, &format!("`{what}.app`"))?.into_iter().map(|(_, k, ..)| k.to_string()).collect(),
                "via" => rule.via = self.plain(v, &format!("`{what}.via`"))?,
                "srcposture" => self.warn(kpos, format!("{what}: `srcPosture` is not modelled (device posture is not in the export): reach is computed as if it passed")),
                _ => self.warn(kpos, format!("{what}: `{name}` is not a grant field: not read")),
            }
        }
        Ok(rule)
    }
}

/// `tag:db:5432` → (`tag:db`, `5432`); `[fd7a::1]:22` → (`fd7a::1`, `22`).
fn split_ports(text: &str) -> Option<(&str, &str)> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix('[') {
        let (addr, ports) = rest.split_once("]:")?;
        return is_ports(ports).then_some((addr, ports));
    }
    let (sel, ports) = text.rsplit_once(':')?;
    (!sel.is_empty() && is_ports(ports)).then_some((sel, ports))
}

/// `*`, or ports and ranges separated by commas (`22`, `80,443`, `1000-2000`).
fn is_ports(text: &str) -> bool {
    let number = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    text == "*"
        || text.split(',').map(str::trim).all(|p| match p.split_once('-') {
            Some((a, b)) => number(a) && number(b),
            None => number(p),
        })
}

/// Reads a policy file.
///
/// # Errors
/// HuJSON syntax errors, and sections of the wrong type, with their line and column.
pub fn parse(text: &str) -> Result<(Policy, Vec<Warning>), Errors> {
    let root = hujson::parse(text)?;
    let mut r = Reader { warnings: Vec::new() };
    let mut p = Policy::default();
    let top = r.object(&root, "the policy file")?;
    let mut acls = Vec::new();
    let mut grants = Vec::new();
    for (key, name, kpos, v) in top {
        match key.as_str() {
            "acls" | "grants" => {
                r.list(v, &format!("`{name}`"))?;
                for (i, item) in v.as_seq().iter().enumerate() {
                    if key == "acls" {
                        acls.push(r.acl(i, item)?);
                    } else {
                        grants.push(r.grant(i, item)?);
                    }
                }
            }
            "groups" => {
                for (_, g, gpos, members) in r.object(v, "`groups`")? {
                    if !g.starts_with("group:") {
                        r.warn(gpos, format!("group `{g}` does not start with `group:`: rules cannot name it"));
                    }
                    let list = r.plain(members, &format!("`groups.{g}`"))?;
                    p.groups.insert(g.to_string(), list);
                }
            }
            "tagowners" => {
                for (_, t, tpos, owners) in r.object(v, "`tagOwners`")? {
                    let owners = r.plain(owners, &format!("`tagOwners.{t}`"))?;
                    p.tag_owners.push(TagOwners { tag: t.to_string(), owners, pos: tpos });
                }
            }
            "hosts" => {
                for (_, h, hpos, target) in r.object(v, "`hosts`")? {
                    match target.as_str() {
                        Some(t) => {
                            p.hosts.insert(h.to_string(), t.to_string());
                        }
                        None => {
                            r.warn(hpos, format!("host `{h}` is {}: expected an address; not read", target.describe()))
                        }
                    }
                }
            }
            "autoapprovers" => {
                for (k, kname, kp, section) in r.object(v, "`autoApprovers`")? {
                    match k.as_str() {
                        "routes" => {
                            for (_, prefix, ppos, approvers) in r.object(section, "`autoApprovers.routes`")? {
                                let approvers = r.plain(approvers, &format!("`autoApprovers.routes.{prefix}`"))?;
                                p.route_approvers.push(RouteApprovers {
                                    prefix: prefix.to_string(),
                                    approvers,
                                    pos: ppos,
                                });
                            }
                        }
                        "exitnode" => {
                            p.exit_node_approvers = r.plain(section, "`autoApprovers.exitNode`")?;
                            p.exit_node_approvers_pos = kp;
                        }
                        "services" => r.warn(
                            kp,
                            "`autoApprovers.services` is not modelled (Tailscale Services are not in the export)",
                        ),
                        _ => r.warn(kp, format!("`autoApprovers.{kname}` is not a known field: not read")),
                    }
                }
            }
            "ssh" => {
                r.list(v, "`ssh`")?;
                for (i, item) in v.as_seq().iter().enumerate() {
                    let what = format!("ssh[{i}]");
                    let mut rule = SshRule {
                        action: String::new(),
                        src: Vec::new(),
                        dst: Vec::new(),
                        users: Vec::new(),
                        pos: item.pos,
                    };
                    for (k, _, _, val) in r.object(item, &what)? {
                        match k.as_str() {
                            "action" => rule.action = val.as_str().unwrap_or_default().to_string(),
                            "src" => rule.src = r.plain(val, &format!("`{what}.src`"))?,
                            "dst" => rule.dst = r.plain(val, &format!("`{what}.dst`"))?,
                            "users" => rule.users = r.plain(val, &format!("`{what}.users`"))?,
                            _ => {}
                        }
                    }
                    p.ssh.push(rule);
                }
                r.warn(kpos, "`ssh` is recorded, not analysed: Tailscale SSH access is not part of the reach");
            }
            "nodeattrs" => {
                r.list(v, "`nodeAttrs`")?;
                for (i, item) in v.as_seq().iter().enumerate() {
                    let what = format!("nodeAttrs[{i}]");
                    let mut attr = NodeAttr { target: Vec::new(), attr: Vec::new(), pos: item.pos };
                    for (k, _, _, val) in r.object(item, &what)? {
                        match k.as_str() {
                            "target" => attr.target = r.plain(val, &format!("`{what}.target`"))?,
                            "attr" => attr.attr = r.plain(val, &format!("`{what}.attr`"))?,
                            _ => {}
                        }
                    }
                    p.node_attrs.push(attr);
                }
                r.warn(kpos, "`nodeAttrs` is recorded, not analysed");
            }
            other => match UNMODELLED.iter().find(|(k, _)| *k == other) {
                Some((_, why)) => r.warn(kpos, format!("`{name}` is known but not modelled: {why}")),
                None => r.warn(kpos, format!("`{name}` is not a policy file section: not read")),
            },
        }
    }
    p.rules = acls;
    p.rules.extend(grants);
    Ok((p, r.warnings))
}

/// A policy checked against an estate.
#[derive(Clone, Debug, Serialize)]
pub struct PolicyCheck {
    /// The tailnet whose nodes the policy governs.
    pub tailnet: String,
    pub estate: Estate,
    pub reach: PolicyReach,
    /// The policy file's warnings, then the estate's (which tailnet was chosen, ...).
    pub warnings: Vec<Warning>,
}

fn csv(s: Option<&String>) -> Vec<String> {
    s.map(|s| s.split(',').map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect()).unwrap_or_default()
}

/// The nodes of `tailnet` (and those shared into it) as the policy sees them. `None` picks the
/// estate's only tailnet, or the one with most nodes (with a warning saying so).
///
/// # Errors
/// An estate without tailnets, or a tailnet it does not have.
pub fn estate(loaded: &Loaded, tailnet: Option<&str>) -> Result<(String, Estate, Vec<Warning>), Errors> {
    let t = &loaded.compiled.written.topology;
    let mut warnings = Vec::new();
    let names: Vec<&str> = t.tailnets.iter().map(|n| n.id.as_str()).collect();
    let own = |name: &str| t.components.iter().filter(|c| c.tailnet.as_deref() == Some(name)).count();
    let chosen = match tailnet {
        Some(name) if names.contains(&name) => name.to_string(),
        Some(name) => {
            return Err(Errors::one(Error::new(
                ErrorKind::UnknownReference,
                None,
                format!("tailnet `{name}` is not in the estate (it has: {})", names.join(", ")),
            )))
        }
        None => {
            let Some(best) = names.iter().copied().max_by(|a, b| own(a).cmp(&own(b)).then(b.cmp(a))) else {
                return Err(Errors::one(Error::new(
                    ErrorKind::InvalidValue,
                    None,
                    "the estate has no tailnet: a policy governs the nodes of one (import `tailscale status --json`, or give nodes a `tailnet`)",
                )));
            };
            if names.len() > 1 {
                warnings.push(Warning {
                    file: None,
                    pos: None,
                    message: format!(
                        "the estate has tailnets {}: the policy is applied to `{best}` (the one with most nodes); to check another, name the policy file after it (`TAILNET.hujson`)",
                        names.join(", ")
                    ),
                    unserved_relay: None,
                });
            }
            best.to_string()
        }
    };
    let estate = estate_of(t, &chosen);
    Ok((chosen, estate, warnings))
}

/// The nodes of `tailnet` in `t` (and those shared into it) as a policy sees them, with the peer
/// relays they use.
pub fn estate_of(t: &blastmap_core::Topology, tailnet: &str) -> Estate {
    let mut estate = Estate::default();
    let relays: BTreeMap<&str, &blastmap_core::Component> = t.relays.iter().map(|r| (r.id.as_str(), r)).collect();
    for c in &t.components {
        let mine = c.tailnet.as_deref() == Some(tailnet);
        if !mine && !c.shared_into.iter().any(|s| s == tailnet) {
            continue;
        }
        let mut ips = csv(c.labels.get("tailscale_ips"));
        if ips.is_empty() {
            ips = csv(c.labels.get("tailscale_ip"));
        }
        estate.nodes.push(PolicyNode {
            id: c.id.clone(),
            tags: csv(c.labels.get("tags")),
            user: c.labels.get("user").cloned(),
            ips,
            routes: c.routes.clone(),
            exit_node: c.exit_node,
            shared: !mine,
        });
    }
    let in_estate = |id: &str| estate.nodes.iter().any(|n| n.id == id);
    let mut uses = Vec::new();
    for n in &estate.nodes {
        let Some(c) = t.components.iter().find(|c| c.id == n.id) else { continue };
        for r in &c.relays {
            let Some(relay) = relays.get(r.as_str()) else { continue };
            if relay.kind.as_deref() != Some("peer-relay") {
                continue;
            }
            let server = relay.labels.get("node").filter(|s| in_estate(s)).cloned();
            let peers: Vec<String> = csv(relay.labels.get("paths"))
                .into_iter()
                .filter_map(|p| p.split_once("->").filter(|(_, to)| *to == n.id).map(|(from, _)| from.to_string()))
                .collect();
            if peers.is_empty() {
                uses.push(RelayUse { node: n.id.clone(), peer: None, relay: r.clone(), server: server.clone() });
            }
            for p in peers {
                uses.push(RelayUse { node: n.id.clone(), peer: Some(p), relay: r.clone(), server: server.clone() });
            }
        }
    }
    estate.relay_uses = uses;
    estate
}

/// Checks policy `text` against the estate of `loaded` (the tailnet chosen as by [`estate`]).
///
/// # Errors
/// The policy's syntax and type errors with their positions; an estate without tailnets.
pub fn check(loaded: &Loaded, text: &str, tailnet: Option<&str>) -> Result<PolicyCheck, Errors> {
    let (p, mut warnings) = parse(text)?;
    let (tailnet, estate, more) = estate(loaded, tailnet)?;
    warnings.extend(more);
    let reach = policy::reach(&p, &estate);
    Ok(PolicyCheck { tailnet, estate, reach, warnings })
}

/// Checks an already read policy (as [`crate::load_many`] keeps them in [`Loaded::policies`]).
///
/// # Errors
/// An estate without tailnets, or a tailnet it does not have.
pub fn check_policy(loaded: &Loaded, p: &Policy, tailnet: Option<&str>) -> Result<PolicyCheck, Errors> {
    let (tailnet, estate, warnings) = estate(loaded, tailnet)?;
    let reach = policy::reach(p, &estate);
    Ok(PolicyCheck { tailnet, estate, reach, warnings })
}

/// The tailnet a policy file is named after (`acme.com.hujson`, `acme.com.policy.json` for
/// `acme.com`), when the estate has it.
fn named_tailnet<'a>(loaded: &'a Loaded, file: &str) -> Option<&'a str> {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    loaded
        .compiled
        .written
        .topology
        .tailnets
        .iter()
        .map(|t| t.id.as_str())
        .filter(|t| base.strip_prefix(t).is_some_and(|rest| rest.is_empty() || rest.starts_with('.')))
        .max_by_key(|t| t.len())
}

/// What the analysis does with the peer relays `check` found the policy makes no path: by node
/// and relay, dropped from the node's paths when no peer the estate records may use it and the
/// node keeps another path; kept, and said, otherwise.
fn relay_verdicts(loaded: &Loaded, check: &PolicyCheck, file: &str) -> Vec<RelayVerdict> {
    let t = &loaded.compiled.written.topology;
    // (node, relay) -> (server, forbidden peers, allowed peers, some use names no peer)
    type Uses = (String, Vec<String>, Vec<String>, bool);
    let mut by: BTreeMap<(&str, &str), Uses> = BTreeMap::new();
    for f in &check.reach.forbidden_relays {
        let e =
            by.entry((f.node.as_str(), f.relay.as_str())).or_insert_with(|| (f.server.clone(), vec![], vec![], false));
        match &f.peer {
            Some(p) => e.1.push(p.clone()),
            None => e.3 = true,
        }
    }
    for u in &check.estate.relay_uses {
        let Some(e) = by.get_mut(&(u.node.as_str(), u.relay.as_str())) else { continue };
        let forbidden =
            check.reach.forbidden_relays.iter().any(|f| f.node == u.node && f.relay == u.relay && f.peer == u.peer);
        if !forbidden {
            e.2.push(u.peer.clone().unwrap_or_else(|| "a peer the export does not name".into()));
        }
    }
    let mut out = Vec::new();
    for ((node, relay), (server, mut forbidden, mut allowed, _)) in by {
        forbidden.sort();
        forbidden.dedup();
        allowed.sort();
        allowed.dedup();
        let c = t.components.iter().find(|c| c.id == node);
        // The node keeps a path without every relay this policy makes no path to it.
        let gone = |r: &String| check.reach.forbidden_relays.iter().any(|f| f.node == node && &f.relay == r);
        let other = c.is_some_and(|c| c.direct != Some(false) || c.relays.iter().any(|r| !gone(r)));
        let whom = if forbidden.is_empty() { String::new() } else { format!(" from {}", quoted(&forbidden)) };
        let head = format!("`{relay}` (on `{server}`) is no path to `{node}`{whom} under {file}");
        let (dropped, sentence) = if !allowed.is_empty() {
            (
                false,
                format!(
                    "{head}, but is from {}: kept in `{node}/paths` (paths are modelled per node)",
                    quoted(&allowed)
                ),
            )
        } else if !other {
            (false, format!("{head}, and it is the node's only path: kept in `{node}/paths`, so the analysis still counts on a path the policy forbids"))
        } else {
            (true, format!("{head}: dropped from `{node}/paths`; redundancy that counted on it is false"))
        };
        out.push(RelayVerdict {
            node: node.to_string(),
            relay: relay.to_string(),
            server,
            forbidden_for: forbidden,
            allowed_for: allowed,
            dropped,
            sentence,
        });
    }
    out
}

fn quoted(items: &[String]) -> String {
    items.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
}

/// Checks every policy file among the inputs ([`Loaded::policies`]) against the estate, and
/// makes the analysis honest about what they forbid: a peer relay a policy makes no path to a
/// node is dropped from the node's paths ([`RelayVerdict`] says when it is kept instead, and
/// why), with a note ([`NoteKind::Policy`], rule `policy.forbidden-relay`) at the policy file.
/// Each policy applies to the tailnet it is named after (`acme.com.hujson`), else to the
/// estate's only or largest tailnet (a warning says which).
///
/// Returns one section per policy checked, for `Report::police`, and warnings: the policies'
/// choice of tailnet, and each policy that could not be checked (an estate without tailnets).
///
/// # Complexity
/// [`blastmap_core::policy::reach`] per policy, then one recompilation of the topology when a
/// relay is dropped.
pub fn enforce(loaded: &mut Loaded) -> (Vec<PolicySection>, Vec<Warning>) {
    let mut sections = Vec::new();
    let mut warnings = Vec::new();
    let mut drops: Vec<(usize, RelayVerdict)> = Vec::new();
    let inputs: Vec<usize> = loaded
        .formats
        .iter()
        .enumerate()
        .filter(|(_, f)| **f == crate::Format::TailscalePolicy)
        .map(|(i, _)| i)
        .collect();
    for (k, (file, p)) in loaded.policies.iter().enumerate() {
        let tailnet = named_tailnet(loaded, file);
        match check_policy(loaded, p, tailnet) {
            Err(e) => {
                let message = e.0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("; ");
                warnings.push(Warning {
                    file: Some(file.clone()),
                    pos: None,
                    message: format!("the policy is not checked: {message}"),
                    unserved_relay: None,
                });
            }
            Ok(check) => {
                warnings.extend(check.warnings.iter().cloned().map(|mut w| {
                    w.file = Some(file.clone());
                    w
                }));
                let verdicts = relay_verdicts(loaded, &check, file);
                let input = inputs.get(k).copied().unwrap_or_default();
                drops.extend(verdicts.iter().filter(|v| v.dropped).map(|v| (input, v.clone())));
                sections.push(PolicySection::new(
                    file,
                    &check.tailnet,
                    check.estate.nodes.len(),
                    &check.reach,
                    verdicts,
                ));
            }
        }
    }
    if drops.is_empty() {
        return (sections, warnings);
    }
    let mut doc = loaded.compiled.written.clone();
    for (input, v) in &drops {
        if let Some(c) = doc.topology.components.iter_mut().find(|c| c.id == v.node) {
            c.relays.retain(|r| *r != v.relay);
        }
        doc.notes.push(Note {
            kind: NoteKind::Policy,
            rule: "policy.forbidden-relay".into(),
            subject: v.node.clone(),
            edge: None,
            pos: Some(Pos { input: u32::try_from(*input).unwrap_or(u32::MAX), ..Pos::START }),
            message: v.sentence.clone(),
        });
    }
    match compile(doc) {
        Ok(compiled) => loaded.compiled = compiled,
        Err(e) => warnings.push(Warning {
            file: None,
            pos: None,
            message: format!(
                "the relays the policy makes no path could not be dropped ({e}): the analysis still counts on them"
            ),
            unserved_relay: None,
        }),
    }
    (sections, warnings)
}

/// Checks a region split of the estate of `loaded` against every policy among its inputs: each
/// policy is applied, unchanged, to each tailnet its tailnet is split into
/// ([`blastmap_core::split::check_policy`] says what is compared). A policy's tailnet is chosen
/// as by [`enforce`]; a policy whose tailnet the split leaves alone, or that cannot be checked,
/// is a warning.
pub fn check_split(loaded: &Loaded, split: &blastmap_core::split::Split) -> (Vec<SplitPolicyCheck>, Vec<Warning>) {
    let mut checks = Vec::new();
    let mut warnings = Vec::new();
    for (file, p) in &loaded.policies {
        let warn = |message: String| Warning::new(Some(file.clone()), None, message);
        let (tailnet, before, _) = match estate(loaded, named_tailnet(loaded, file)) {
            Ok(x) => x,
            Err(e) => {
                let message = e.0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("; ");
                warnings.push(warn(format!("the split is not checked against the policy: {message}")));
                continue;
            }
        };
        let Some(proposal) = split.proposals.iter().find(|x| x.tailnet == tailnet) else {
            warnings.push(warn(format!(
                "the policy governs tailnet `{tailnet}`, which the split leaves as it is: nothing to check"
            )));
            continue;
        };
        let mut after: Vec<(String, Estate)> =
            proposal.slices.iter().map(|(slice, _, _)| (slice.clone(), estate_of(&split.after, slice))).collect();
        if split.after.tailnets.iter().any(|x| x.id == tailnet) {
            after.push((tailnet.clone(), estate_of(&split.after, &tailnet)));
        }
        // Where each node is shared after the split, among the tailnets compared.
        let ids: Vec<&str> = after.iter().map(|(t, _)| t.as_str()).collect();
        let shared: Vec<(String, Vec<String>)> = split
            .after
            .components
            .iter()
            .map(|c| {
                (c.id.clone(), c.shared_into.iter().filter(|s| ids.contains(&s.as_str())).cloned().collect::<Vec<_>>())
            })
            .filter(|(_, s)| !s.is_empty())
            .collect();
        checks.push(blastmap_core::split::check_policy(file, &tailnet, p, &before, &after, &shared));
    }
    (checks, warnings)
}
