//! `tailscale status --json` (Go's `ipnstate.Status`): the node it was taken on (`Self`) and its
//! peers (`Peer`), as that node sees them, in the mesh vocabulary (tailnets, shards, relays).
//! Several status files, taken on different nodes or in different tailnets, merge into one
//! estate: a node seen twice is one node, matched by its stable node `ID` or its public key
//! (never by name).
//!
//! Node ids are the first label of the MagicDNS name (`example-peer`), else `HostName`, else
//! `ID`; two different nodes with the same first label get their full MagicDNS names (and, with
//! the same full name, `-ID`, with a warning). Nodes are listed in id order, whatever the order
//! of the files.
//!
//! | input | becomes |
//! |---|---|
//! | `CurrentTailnet.Name` (else `MagicDNSSuffix`) | a tailnet (`tailnets:`), label `magic_dns_suffix` |
//! | the tailnet's coordination shard (not in the export) | shard `coordination:TAILNET` (kind `coordination-shard`), and one warning saying how to name the real one: an overlay refining the tailnet, or the `shards` load option (`--shard TAILNET=SHARD`) |
//! | `Self` and each `Peer` | a component with `tailnet`; labels `os`, `dns_name`, `tailscale_ips`, `tags` (`Tags`), `user` (the `User` entry's `LoginName`, untagged nodes only), `online` (`differs` when the inputs disagree, with a warning), `expired`, and `self: "true"` on a node a status was taken on |
//! | a peer with `ShareeNode`, or whose MagicDNS name lies outside the tailnet's suffix | a node of its own tailnet (named after its suffix, or the tailnet of another input with that suffix) with `shared_into` this tailnet |
//! | `Relay` (home DERP region) | relay `derp:REGION` (kind `derp-region`) among the node's `relays` |
//! | `PeerRelay` (`ip:port:vni:N`, the path the observer uses to the peer) | relay `peer-relay:IP:PORT` (kind `peer-relay`) among the peer's `relays`; it `requires` the node whose endpoint or Tailscale address is IP (label `node`); label `paths` lists `observer->peer`; IP no node's address (a relay behind a load balancer): a warning saying how to state what it requires (rule `relay-behind-lb`, [`crate::infer`], reads a load balancer's `endpoints` label) |
//! | `Ephemeral: true`/`false` (no client emits it today) | `ephemeral` as stated; statuses that disagree: `true`, with a warning; not a boolean: warning |
//! | `Tags`, `HostName` (no `Ephemeral`) | `ephemeral: true` by rule `ephemeral-node` ([`crate::infer::ephemeral_evidence`]), a note per node, one warning counting them by evidence |
//! | `Addrs`/`CurAddr` empty in every status that sees the node | `direct: false` (no direct path) |
//! | `AllowedIPs` and `PrimaryRoutes` beyond the node's own addresses | `routes`; `primary_routes` lists those it is the primary router for (the route's other routers are its standbys) |
//! | `ExitNodeOption`, or `AllowedIPs` with `0.0.0.0/0` and `::/0` | `exit_node: true` |
//! | a peer with `ExitNode: true`, or `ExitNodeStatus.ID` | the status's own node `degrades_without` that exit node; label `exit_node_in_use` |
//! | each status file | a warning: how many of its tailnet's nodes it sees, and that a peer's routes show only where it is primary and its paths only as seen from that node |
//! | `Health`, `CertDomains`, capabilities, traffic counters, key expiry dates | not mapped (not topology) |
//! | a peer that is not a JSON object, a node without `DNSName`, `HostName` or `ID` | warning |

use std::collections::{BTreeMap, BTreeSet};

use blastmap_core::finding::{and_more, thousands};
use blastmap_core::format::{Document, RefField, TailnetSpans};
use blastmap_core::spec::Tailnet;
use blastmap_core::{Component, Error, ErrorKind, Errors, Pos};

use crate::build::Part;
use crate::infer;
use crate::tree::{self, Node};

fn text<'a>(n: &'a Node, key: &str) -> Option<&'a str> {
    n.get(key).and_then(Node::as_str).map(str::trim).filter(|s| !s.is_empty())
}

fn strings(n: &Node, key: &str) -> Vec<String> {
    n.get(key).map(Node::as_seq).unwrap_or_default().iter().filter_map(|s| s.as_str().map(str::to_string)).collect()
}

fn is_own_address(prefix: &str, ips: &[String]) -> bool {
    let (addr, bits) = prefix.split_once('/').unwrap_or((prefix, ""));
    let host_bits = if addr.contains(':') { "128" } else { "32" };
    (bits.is_empty() || bits == host_bits) && ips.iter().any(|ip| ip == addr)
}

/// The host of an endpoint `1.2.3.4:41641` or `[fd7a::1]:41641`.
fn endpoint_host(ep: &str) -> &str {
    let ep = ep.trim();
    if let Some(rest) = ep.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match ep.rsplit_once(':') {
        Some((host, _)) if !host.contains(':') => host,
        _ => ep,
    }
}

/// `PeerRelay` (`ip:port:vni:N`) without the session's VNI.
fn relay_address(value: &str) -> &str {
    match value.find(":vni:") {
        Some(i) => value.get(..i).unwrap_or(value),
        None => value,
    }
}

fn warn(parts: &mut [Part], fi: usize, pos: Option<Pos>, message: String) {
    if let Some(p) = parts.get_mut(fi) {
        p.warn(pos, message);
    }
}

/// One status file, read.
struct File<'a> {
    name: Option<&'a str>,
    root: Node,
    tailnet: String,
    suffix: Option<String>,
    pos: Option<Pos>,
    users: BTreeMap<String, String>,
    /// What the JSON reader said about the text (nesting it cut).
    said: Vec<(Option<Pos>, String)>,
}

/// One node as one file sees it.
struct Obs<'a> {
    file: usize,
    is_self: bool,
    n: &'a Node,
    pos: Option<Pos>,
    map_key: Option<&'a str>,
}

impl Obs<'_> {
    fn dns(&self) -> Option<&str> {
        text(self.n, "DNSName").map(|d| d.trim_end_matches('.')).filter(|d| !d.is_empty())
    }
    fn suffix(&self) -> Option<&str> {
        self.dns().and_then(|d| d.split_once('.')).map(|(_, s)| s)
    }
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while let Some(&p) = parent.get(i) {
        if p == i {
            break;
        }
        let grand = parent.get(p).copied().unwrap_or(p);
        if let Some(slot) = parent.get_mut(i) {
            *slot = grand;
        }
        i = p;
    }
    i
}

fn read<'a>(name: Option<&'a str>, text_in: &str) -> Result<File<'a>, Errors> {
    let (root, said) = tree::json(text_in)?;
    if !root.is_map() || (root.get("Self").is_none() && root.get("Peer").is_none()) {
        return Err(Errors::one(Error::new(
            ErrorKind::InvalidValue,
            root.pos.or(Some(Pos::START)),
            "expected the output of `tailscale status --json`: an object with `Self` and `Peer`",
        )));
    }
    let suffix = root
        .at(&["CurrentTailnet", "MagicDNSSuffix"])
        .and_then(Node::as_str)
        .or_else(|| text(&root, "MagicDNSSuffix"))
        .map(|s| s.trim().trim_matches('.').to_string())
        .filter(|s| !s.is_empty());
    let tailnet = root
        .at(&["CurrentTailnet", "Name"])
        .and_then(Node::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or_else(|| suffix.clone())
        .unwrap_or_else(|| "tailnet".to_string());
    let pos = root.get("CurrentTailnet").and_then(|n| n.pos).or(root.pos);
    let mut users = BTreeMap::new();
    if let Some(u) = root.get("User") {
        for (id, _, profile) in u.entries() {
            if let Some(login) = text(profile, "LoginName") {
                users.insert(id.to_string(), login.to_string());
            }
        }
    }
    // `name` borrows the caller's; the file's own text is parsed into `root`.
    Ok(File { name, root, tailnet, suffix, pos, users, said })
}

/// What the files say about one node, merged.
#[derive(Default)]
struct Merged {
    obs: Vec<usize>,
    tailnet: String,
    shared_into: BTreeSet<String>,
    id: String,
}

/// Reads status files (name, text) and returns one part per file.
///
/// # Errors
/// The index of the first file that is not a status, and its errors.
pub(crate) fn import_many(
    inputs: &[(Option<&str>, &str)],
    shards: &BTreeMap<String, String>,
) -> Result<Vec<Part>, (usize, Errors)> {
    let mut files = Vec::with_capacity(inputs.len());
    for (i, (name, t)) in inputs.iter().enumerate() {
        files.push(read(*name, t).map_err(|e| (i, e))?);
    }
    let mut parts: Vec<Part> = files
        .iter_mut()
        .map(|f| {
            let mut part = Part::new();
            part.warn_all(std::mem::take(&mut f.said));
            part
        })
        .collect();

    // Every node as every file sees it.
    let mut obs: Vec<Obs<'_>> = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        if let Some(me) = f.root.get("Self") {
            if me.is_map() {
                obs.push(Obs { file: fi, is_self: true, n: me, pos: me.pos, map_key: None });
            } else if !me.is_null() {
                warn(&mut parts, fi, me.pos, format!("`Self` is {}: expected an object; not mapped", me.describe()));
            }
        }
        if let Some(peers) = f.root.get("Peer") {
            if !peers.is_map() && !peers.is_null() {
                let what = peers.describe();
                warn(&mut parts, fi, peers.pos, format!("`Peer` is {what}: expected an object of peers; not mapped"));
            }
            for (key, kpos, peer) in peers.entries() {
                if peer.is_map() {
                    obs.push(Obs { file: fi, is_self: false, n: peer, pos: kpos, map_key: Some(key) });
                } else {
                    warn(
                        &mut parts,
                        fi,
                        kpos,
                        format!("peer `{key}` is {}: expected an object; not mapped", peer.describe()),
                    );
                }
            }
        }
    }
    let usable: Vec<bool> = obs
        .iter()
        .map(|o| text(o.n, "DNSName").is_some() || text(o.n, "HostName").is_some() || text(o.n, "ID").is_some())
        .collect();
    for (o, ok) in obs.iter().zip(&usable) {
        if !ok {
            warn(&mut parts, o.file, o.pos, "node without `DNSName`, `HostName` or `ID`: not mapped".into());
            continue;
        }
        // The lists read with `strings`: what is not text in them is said, not skipped in silence.
        for key in ["TailscaleIPs", "Tags", "Addrs", "AllowedIPs", "PrimaryRoutes"] {
            let Some(list) = o.n.get(key) else { continue };
            if list.is_null() {
                continue;
            }
            if !list.is_seq() {
                let what = list.describe();
                warn(&mut parts, o.file, list.pos, format!("`{key}` is {what}: expected a list; not mapped"));
                continue;
            }
            for entry in list.as_seq().iter().filter(|e| e.as_str().is_none()) {
                let what = entry.describe();
                warn(&mut parts, o.file, entry.pos, format!("`{key}` entry is {what}: expected text; not mapped"));
            }
        }
    }

    // The same node seen twice: same stable ID or public key.
    let mut parent: Vec<usize> = (0..obs.len()).collect();
    let mut by_identity: BTreeMap<String, usize> = BTreeMap::new();
    for (i, o) in obs.iter().enumerate() {
        if !usable.get(i).copied().unwrap_or(false) {
            continue;
        }
        let mut ids: Vec<String> = Vec::new();
        if let Some(id) = text(o.n, "ID") {
            ids.push(format!("id {id}"));
        }
        if let Some(k) = text(o.n, "PublicKey") {
            ids.push(format!("key {k}"));
        }
        if let Some(k) = o.map_key {
            ids.push(format!("key {}", k.trim()));
        }
        for ident in ids {
            match by_identity.get(&ident) {
                Some(&j) => {
                    let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                    if let Some(slot) = parent.get_mut(a.max(b)) {
                        *slot = a.min(b);
                    }
                }
                None => {
                    by_identity.insert(ident, i);
                }
            }
        }
    }
    let mut groups: Vec<Merged> = Vec::new();
    let mut group_of: BTreeMap<usize, usize> = BTreeMap::new();
    let mut node_of_obs: Vec<Option<usize>> = vec![None; obs.len()];
    for i in 0..obs.len() {
        if !usable.get(i).copied().unwrap_or(false) {
            continue;
        }
        let root = find(&mut parent, i);
        let g = *group_of.entry(root).or_insert_with(|| {
            groups.push(Merged::default());
            groups.len() - 1
        });
        if let Some(m) = groups.get_mut(g) {
            m.obs.push(i);
        }
        if let Some(slot) = node_of_obs.get_mut(i) {
            *slot = Some(g);
        }
    }

    // Tailnets: each file's own, and those of nodes shared in, named after their suffix.
    let by_suffix: BTreeMap<&str, &str> =
        files.iter().filter_map(|f| f.suffix.as_deref().map(|s| (s, f.tailnet.as_str()))).collect();
    let own = |o: &Obs<'_>| -> bool {
        let Some(f) = files.get(o.file) else { return false };
        if o.is_self {
            return true;
        }
        let sharee = o.n.get("ShareeNode").and_then(Node::as_bool) == Some(true);
        let inside = match (o.suffix(), f.suffix.as_deref()) {
            (Some(s), Some(mine)) => s.eq_ignore_ascii_case(mine),
            _ => true,
        };
        !sharee && inside
    };
    let mut unknown_tailnet: BTreeSet<(usize, String)> = BTreeSet::new();
    for m in &mut groups {
        let mut home: Option<String> = None;
        let mut foreign: Option<String> = None;
        for &i in &m.obs {
            let Some(o) = obs.get(i) else { continue };
            let Some(f) = files.get(o.file) else { continue };
            if own(o) {
                home.get_or_insert_with(|| f.tailnet.clone());
            } else {
                m.shared_into.insert(f.tailnet.clone());
                let named = match o.suffix() {
                    Some(s) => by_suffix.get(s).map_or_else(|| s.to_string(), |t| (*t).to_string()),
                    None => {
                        unknown_tailnet.insert((o.file, f.tailnet.clone()));
                        format!("unknown:{}", f.tailnet)
                    }
                };
                foreign.get_or_insert(named);
            }
        }
        m.tailnet = home.or(foreign).unwrap_or_else(|| "tailnet".into());
        let tailnet = m.tailnet.clone();
        m.shared_into.remove(&tailnet);
    }

    // Ids.
    let base = |m: &Merged| -> (String, Option<String>, String) {
        let first = |f: &dyn Fn(&Obs<'_>) -> Option<String>| m.obs.iter().filter_map(|&i| obs.get(i)).find_map(f);
        let dns = first(&|o| o.dns().map(str::to_string));
        let short = dns
            .as_deref()
            .and_then(|d| d.split('.').next())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .or_else(|| first(&|o| text(o.n, "HostName").map(str::to_string)))
            .or_else(|| first(&|o| text(o.n, "ID").map(str::to_string)))
            .unwrap_or_else(|| "node".into());
        let stable = first(&|o| text(o.n, "ID").map(str::to_string)).unwrap_or_else(|| "2".into());
        (short, dns, stable)
    };
    let bases: Vec<(String, Option<String>, String)> = groups.iter().map(base).collect();
    // How many nodes share each short name (counted once: comparing every pair was quadratic).
    let mut named: BTreeMap<&str, usize> = BTreeMap::new();
    for (short, ..) in &bases {
        *named.entry(short.as_str()).or_default() += 1;
    }
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for (m, (short, dns, stable)) in groups.iter_mut().zip(&bases) {
        let clash = named.get(short.as_str()).is_some_and(|&n| n > 1);
        let mut id = if clash { dns.clone().unwrap_or_else(|| short.clone()) } else { short.clone() };
        if taken.contains(&id) {
            let first = m.obs.first().and_then(|&i| obs.get(i));
            let message = format!(
                "two nodes are called `{id}` but share no node ID or key: kept apart, this one as `{id}-{stable}`"
            );
            warn(&mut parts, first.map_or(0, |o| o.file), first.and_then(|o| o.pos), message);
            id = format!("{id}-{stable}");
        }
        let stem = id.clone();
        let mut k = 2;
        while taken.contains(&id) {
            id = format!("{stem}-{k}");
            k += 1;
        }
        taken.insert(id.clone());
        m.id = id;
    }

    // Components.
    let mut relays: BTreeMap<String, (Component, Option<Pos>, usize)> = BTreeMap::new();
    let mut relay_paths: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut endpoints: Vec<(String, usize)> = Vec::new();
    let mut primaries: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut nodes: Vec<(usize, Component, Option<Pos>)> = Vec::new();
    let mut taken_ephemeral: Vec<(String, infer::EphemeralEvidence, usize)> = Vec::new();
    for (g, m) in groups.iter().enumerate() {
        let seen: Vec<&Obs<'_>> = m.obs.iter().filter_map(|&i| obs.get(i)).collect();
        let Some(first) = seen.first() else { continue };
        let mut c = Component::new(m.id.clone());
        c.tailnet = Some(m.tailnet.clone());
        c.shared_into = m.shared_into.iter().cloned().collect();
        let pick = |key: &str| seen.iter().find_map(|o| text(o.n, key));
        if let Some(os) = pick("OS") {
            c.labels.insert("os".into(), os.to_string());
        }
        if let Some(dns) = seen.iter().find_map(|o| o.dns()) {
            c.labels.insert("dns_name".into(), dns.to_string());
        }
        let mut ips: Vec<String> = Vec::new();
        let mut tags: Vec<String> = Vec::new();
        let mut routes: Vec<String> = Vec::new();
        let mut primary: Vec<String> = Vec::new();
        let mut direct = false;
        let mut exit = false;
        let mut online: BTreeMap<bool, Vec<String>> = BTreeMap::new();
        let mut user: Option<String> = None;
        // Rule ephemeral-node's evidence: tags and names, where they stand; and a stated marker.
        let mut tag_evidence: Vec<(String, Option<Pos>)> = Vec::new();
        let mut names: Vec<(String, Option<Pos>)> = Vec::new();
        let mut stated: BTreeMap<bool, Option<Pos>> = BTreeMap::new();
        for o in &seen {
            let f = files.get(o.file);
            for t in o.n.get("Tags").map(Node::as_seq).unwrap_or_default() {
                if let Some(tag) = t.as_str() {
                    tag_evidence.push((tag.to_string(), t.pos));
                }
            }
            if let Some(h) = o.n.get("HostName").filter(|h| h.as_str().is_some()) {
                names.push((h.as_str().unwrap_or_default().to_string(), h.pos));
            }
            if let Some(label) = o.dns().and_then(|d| d.split('.').next()) {
                names.push((label.to_string(), o.n.get("DNSName").and_then(|d| d.pos)));
            }
            match o.n.get("Ephemeral") {
                Some(e) if e.as_bool().is_some() => {
                    stated.entry(e.as_bool() == Some(true)).or_insert(e.pos);
                }
                Some(e) if !e.is_null() => {
                    let what = e.describe();
                    warn(&mut parts, o.file, e.pos, format!("`Ephemeral` is {what}: expected true or false; not read"));
                }
                _ => {}
            }
            for ip in strings(o.n, "TailscaleIPs") {
                if !ips.contains(&ip) {
                    ips.push(ip);
                }
            }
            for t in strings(o.n, "Tags") {
                if !tags.contains(&t) {
                    tags.push(t);
                }
            }
            if user.is_none() {
                let uid = o.n.get("UserID").and_then(Node::scalar_text);
                user = uid.and_then(|u| f.and_then(|f| f.users.get(&u)).cloned());
            }
            let addrs = strings(o.n, "Addrs");
            let cur = text(o.n, "CurAddr");
            direct |= cur.is_some() || !addrs.is_empty();
            for ep in addrs.iter().map(String::as_str).chain(cur) {
                endpoints.push((endpoint_host(ep).to_string(), g));
            }
            let allowed = strings(o.n, "AllowedIPs");
            exit |= o.n.get("ExitNodeOption").and_then(Node::as_bool) == Some(true)
                || (allowed.iter().any(|a| a == "0.0.0.0/0") && allowed.iter().any(|a| a == "::/0"));
            let prim = strings(o.n, "PrimaryRoutes");
            for r in allowed.iter().chain(&prim) {
                if r == "0.0.0.0/0"
                    || r == "::/0"
                    || is_own_address(r, &ips)
                    || is_own_address(r, &strings(o.n, "TailscaleIPs"))
                {
                    continue;
                }
                if !routes.contains(r) {
                    routes.push(r.clone());
                }
            }
            for r in prim {
                primaries.entry(r.clone()).or_default().insert(m.id.clone());
                if !primary.contains(&r) {
                    primary.push(r);
                }
            }
            if let Some(on) = o.n.get("Online").and_then(Node::as_bool) {
                let who = f.map(|f| f.name.unwrap_or("the status").to_string()).unwrap_or_default();
                online.entry(on).or_default().push(who);
            }
            if let Some(region) = text(o.n, "Relay") {
                let rid = format!("derp:{region}");
                relays.entry(rid.clone()).or_insert_with(|| {
                    let mut r = Component::new(rid.clone());
                    r.kind = Some("derp-region".into());
                    r.labels.insert("derp_region".into(), region.to_string());
                    (r, o.n.get("Relay").and_then(|r| r.pos), o.file)
                });
                if !c.relays.contains(&rid) {
                    c.relays.push(rid);
                }
            }
            if let Some(pr) = text(o.n, "PeerRelay") {
                let addr = relay_address(pr);
                let rid = format!("peer-relay:{addr}");
                relays.entry(rid.clone()).or_insert_with(|| {
                    let mut r = Component::new(rid.clone());
                    r.kind = Some("peer-relay".into());
                    (r, o.n.get("PeerRelay").and_then(|r| r.pos), o.file)
                });
                let observer = obs
                    .iter()
                    .enumerate()
                    .find(|(_, x)| x.file == o.file && x.is_self)
                    .and_then(|(i, _)| node_of_obs.get(i).copied().flatten())
                    .and_then(|h| groups.get(h))
                    .map(|h| h.id.clone());
                if let Some(from) = observer {
                    relay_paths.entry(rid.clone()).or_default().insert(format!("{from}->{}", m.id));
                }
                if !c.relays.contains(&rid) {
                    c.relays.push(rid);
                }
            }
            if o.n.get("Expired").and_then(Node::as_bool) == Some(true) {
                c.labels.insert("expired".into(), "true".into());
            }
            if o.is_self {
                c.labels.insert("self".into(), "true".into());
            }
        }
        for ip in &ips {
            endpoints.push((ip.clone(), g));
        }
        if !ips.is_empty() {
            c.labels.insert("tailscale_ips".into(), ips.join(","));
        }
        if !tags.is_empty() {
            c.labels.insert("tags".into(), tags.join(","));
        }
        // Tagged nodes belong to the pseudo-user `tagged-devices`: their identity is their tags.
        if let Some(u) = user.filter(|_| tags.is_empty()) {
            c.labels.insert("user".into(), u);
        }
        match (online.get(&true), online.get(&false)) {
            (Some(_), None) => {
                c.labels.insert("online".into(), "true".into());
            }
            (None, Some(_)) => {
                c.labels.insert("online".into(), "false".into());
            }
            (Some(yes), Some(no)) => {
                c.labels.insert("online".into(), "differs".into());
                warn(
                    &mut parts,
                    first.file,
                    first.pos,
                    format!(
                        "`{}` is online in {} but offline in {}: label `online: differs`",
                        m.id,
                        yes.join(", "),
                        no.join(", ")
                    ),
                );
            }
            (None, None) => {}
        }
        c.primary_routes = primary;
        c.routes = routes;
        c.exit_node = exit;
        // Ephemeral: as stated (a client that says so), else by rule ephemeral-node.
        match (stated.get(&true), stated.get(&false)) {
            (Some(_), None) => c.ephemeral = true,
            (None, Some(_)) => {}
            (Some(&yes), Some(_)) => {
                c.ephemeral = true;
                let message = format!(
                    "`{}` is `Ephemeral: true` in one status and `false` in another: taken as ephemeral (a restart during a shard outage drops it)",
                    m.id
                );
                warn(&mut parts, first.file, yes, message);
            }
            (None, None) => {
                if let Some(why) = infer::ephemeral_evidence(&tag_evidence, &names) {
                    c.ephemeral = true;
                    if let Some(p) = parts.get_mut(first.file) {
                        p.notes.push(infer::ephemeral_note(&m.id, &why));
                    }
                    taken_ephemeral.push((m.id.clone(), why, first.file));
                }
            }
        }
        if !direct {
            c.direct = Some(false);
        }
        nodes.push((first.file, c, first.pos));
    }
    for (route, routers) in &primaries {
        if routers.len() > 1 {
            let list: Vec<&str> = routers.iter().map(String::as_str).collect();
            warn(
                &mut parts,
                0,
                None,
                format!(
                    "route {route} has several primary routers across these inputs ({}): taken at different times?",
                    list.join(", ")
                ),
            );
        }
    }

    // Exit nodes in use: the status's own node degrades without it.
    let ids: BTreeMap<String, usize> = groups
        .iter()
        .enumerate()
        .flat_map(|(g, m)| {
            m.obs.iter().filter_map(|&i| obs.get(i)).filter_map(move |o| text(o.n, "ID").map(|id| (id.to_string(), g)))
        })
        .collect();
    let mut exits: Vec<(usize, String, Option<Pos>)> = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        let me = obs
            .iter()
            .enumerate()
            .find(|(_, o)| o.file == fi && o.is_self)
            .and_then(|(i, _)| node_of_obs.get(i).copied().flatten());
        let Some(me) = me else { continue };
        let mut used: Option<(usize, Option<Pos>)> = obs
            .iter()
            .enumerate()
            .filter(|(_, o)| o.file == fi && !o.is_self)
            .find(|(_, o)| o.n.get("ExitNode").and_then(Node::as_bool) == Some(true))
            .and_then(|(i, o)| {
                node_of_obs.get(i).copied().flatten().map(|g| (g, o.n.get("ExitNode").and_then(|e| e.pos)))
            });
        if used.is_none() {
            let st = f.root.at(&["ExitNodeStatus", "ID"]);
            used = st.and_then(|n| n.as_str().and_then(|id| ids.get(id)).map(|&g| (g, n.pos)));
        }
        if let Some((g, pos)) = used {
            if let Some(exit) = groups.get(g) {
                exits.push((me, exit.id.clone(), pos));
            }
        }
    }

    // Peer relays: the node serving each, when its address is known (otherwise a warning, which
    // `crate::load_many_with` withdraws when another input states what the relay requires).
    for (rid, (relay, pos, fi)) in relays.iter_mut() {
        if relay.kind.as_deref() != Some("peer-relay") {
            continue;
        }
        let addr = rid.trim_start_matches("peer-relay:");
        let host = endpoint_host(addr);
        if let Some(m) = endpoints.iter().find(|(h, _)| h == host).and_then(|(_, g)| groups.get(*g)) {
            relay.labels.insert("node".into(), m.id.clone());
            relay.requires.push(m.id.clone());
        } else {
            let message = format!(
                "`{rid}`: {host} is no node's address in these inputs, so they do not say which node serves the relay (one advertised through static endpoints behind a load balancer?): an overlay states what it requires (`relays: [{{id: \"{rid}\", requires: [NODE]}}]`), and give a load balancer in front of it the label `{}: \"{addr}\"` (rule {})",
                infer::ENDPOINTS_LABEL,
                infer::RELAY_BEHIND_LB
            );
            if let Some(p) = parts.get_mut(*fi) {
                p.warn_unserved_relay(*pos, message, rid);
            }
        }
        if let Some(p) = relay_paths.get(rid.as_str()) {
            relay.labels.insert("paths".into(), p.iter().cloned().collect::<Vec<_>>().join(","));
        }
    }

    // Components in id order: the estate does not depend on the order of the files.
    nodes.sort_by(|a, b| a.1.id.cmp(&b.1.id));
    for (fi, c, pos) in nodes {
        let Some(part) = parts.get_mut(fi) else { continue };
        let i = part.add(&c.id, None, pos);
        if let Some(slot) = part.comp(i) {
            *slot = c;
        }
        if let Some(s) = part.spans.get_mut(i) {
            s.mesh.insert("tailnet", vec![pos]);
        }
    }
    for (me, exit, pos) in &exits {
        let Some(m) = groups.get(*me) else { continue };
        let fi = m.obs.first().and_then(|&i| obs.get(i)).map_or(0, |o| o.file);
        if let Some(part) = parts.get_mut(fi) {
            if let Some(i) = part.find(&m.id) {
                part.label(i, "exit_node_in_use", exit.clone());
                part.link(i, RefField::DegradesWithout, exit, *pos);
            }
        }
    }

    // The sections: tailnets, their shards, relays; carried by the first part.
    let mut rest = Document::default();
    let mut tailnets: Vec<(String, Option<Pos>, usize)> = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        if !tailnets.iter().any(|(t, ..)| *t == f.tailnet) {
            tailnets.push((f.tailnet.clone(), f.pos, fi));
        }
    }
    for m in &groups {
        if !tailnets.iter().any(|(t, ..)| *t == m.tailnet) {
            let first = m.obs.first().and_then(|&i| obs.get(i));
            tailnets.push((m.tailnet.clone(), first.and_then(|o| o.pos), first.map_or(0, |o| o.file)));
        }
    }
    for (t, pos, fi) in &tailnets {
        let shard = match shards.get(t) {
            Some(s) => s.clone(),
            None => {
                let sid = format!("coordination:{t}");
                let note = (
                    t.clone(),
                    *pos,
                    format!(
                        "the coordination shard of tailnet `{t}` is not in the export: modelled as `{sid}`; name the real one with an overlay (`tailnets: [{{id: {t}, shard: SHARD}}]` and `shards: [{{id: SHARD, ...}}]`) or the shard option (`--shard {t}=SHARD`)"
                    ),
                );
                if let Some(part) = parts.get_mut(*fi) {
                    part.tailnet_notes.push(note);
                }
                sid
            }
        };
        if !rest.topology.shards.iter().any(|s| s.id == shard) {
            let mut s = Component::new(shard.clone());
            s.kind = Some("coordination-shard".into());
            rest.topology.shards.push(s);
            rest.shard_spans.push(blastmap_core::format::ComponentSpans { at: *pos, id: *pos, ..Default::default() });
        }
        let mut tn = Tailnet { id: t.clone(), shard, ..Tailnet::default() };
        if let Some(suffix) = files.iter().find(|f| f.tailnet == *t).and_then(|f| f.suffix.clone()) {
            tn.labels.insert("magic_dns_suffix".into(), suffix);
        } else if !t.starts_with("unknown:") {
            tn.labels.insert("magic_dns_suffix".into(), t.clone());
        }
        rest.topology.tailnets.push(tn);
        rest.tailnet_spans.push(TailnetSpans { id: *pos, ..TailnetSpans::default() });
    }
    for (r, pos, _) in relays.into_values() {
        rest.topology.relays.push(r);
        rest.relay_spans.push(blastmap_core::format::ComponentSpans { at: pos, id: pos, ..Default::default() });
    }
    for (fi, t) in &unknown_tailnet {
        warn(
            &mut parts,
            *fi,
            None,
            format!("a node shared with tailnet `{t}` has no MagicDNS name: its own tailnet is not in the export; modelled as `unknown:{t}`"),
        );
    }

    // What rule ephemeral-node took, in one warning: the export does not say it.
    taken_ephemeral.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some((_, first_why, first_file)) = taken_ephemeral.first() {
        let mut by: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for (id, why, _) in &taken_ephemeral {
            let key = if why.by_tag { format!("tag `{}`", why.what) } else { "hostname".to_string() };
            by.entry(key).or_default().push(id.as_str());
        }
        let groups: Vec<String> = by
            .iter()
            .map(|(key, ids)| {
                let shown: Vec<&str> = ids.iter().take(3).copied().collect();
                format!("by {key}: {}{}", shown.join(", "), and_more(ids.len(), shown.len()))
            })
            .collect();
        let n = taken_ephemeral.len();
        let message = format!(
            "{n} {} taken as ephemeral by rule {} ({}): `tailscale status --json` does not say which nodes are ephemeral; a shard outage drops them when they restart; each is a note; `ephemeral: false` on a node in an overlay undoes it, `ephemeral: true` marks one the rule missed",
            if n == 1 { "node" } else { "nodes" },
            infer::EPHEMERAL_NODE,
            groups.join("; ")
        );
        warn(&mut parts, *first_file, first_why.pos, message);
    }

    // What each file could and could not see.
    for (fi, f) in files.iter().enumerate() {
        let of_tailnet: Vec<usize> =
            groups.iter().enumerate().filter(|(_, m)| m.tailnet == f.tailnet).map(|(g, _)| g).collect();
        let seen: BTreeSet<usize> = obs
            .iter()
            .enumerate()
            .filter(|(_, o)| o.file == fi)
            .filter_map(|(i, _)| node_of_obs.get(i).copied().flatten())
            .collect();
        let sees = of_tailnet.iter().filter(|g| seen.contains(g)).count();
        let missing: Vec<&str> = of_tailnet
            .iter()
            .filter(|g| !seen.contains(g))
            .filter_map(|&g| groups.get(g))
            .map(|m| m.id.as_str())
            .collect();
        let shared_in = seen.iter().filter(|&&g| groups.get(g).is_some_and(|m| m.tailnet != f.tailnet)).count();
        let offline =
            obs.iter().filter(|o| o.file == fi && o.n.get("Online").and_then(Node::as_bool) == Some(false)).count();
        let me = obs
            .iter()
            .enumerate()
            .find(|(_, o)| o.file == fi && o.is_self)
            .and_then(|(i, _)| node_of_obs.get(i).copied().flatten())
            .and_then(|g| groups.get(g))
            .map_or_else(|| "a node".to_string(), |m| format!("`{}`", m.id));
        let mut msg = format!(
            "status of {me} (tailnet {}): sees {} of the {} nodes of {} in these inputs",
            f.tailnet,
            thousands(sees),
            thousands(of_tailnet.len()),
            f.tailnet
        );
        if !missing.is_empty() {
            let shown: Vec<&str> = missing.iter().take(5).copied().collect();
            msg.push_str(&format!(" (not {}{})", shown.join(", "), and_more(missing.len(), shown.len())));
        }
        if shared_in > 0 {
            msg.push_str(&format!(", and {shared_in} of other tailnets"));
        }
        if offline > 0 {
            msg.push_str(&format!("; {offline} offline"));
        }
        msg.push_str(&format!(
            "; a peer's subnet routes show only where it is the primary router, and its relay paths only as {me} reaches it"
        ));
        let pos = f.root.get("Self").and_then(|s| s.pos).or(f.pos);
        warn(&mut parts, fi, pos, msg);
    }

    if let Some(first) = parts.first_mut() {
        first.name = Some(files.first().map_or_else(String::new, |f| format!("tailnet {}", f.tailnet)));
        first.rest = Some(rest);
    }
    Ok(parts)
}

/// One status file alone.
pub(crate) fn import(text_in: &str) -> Result<Part, Errors> {
    let mut parts = import_many(&[(None, text_in)], &BTreeMap::new()).map_err(|(_, e)| e)?;
    Ok(parts.pop().unwrap_or_default())
}
