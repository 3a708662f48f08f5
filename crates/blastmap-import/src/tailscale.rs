//! `tailscale status --json`: this node (`Self`) and its peers (`Peer`), as this node sees them.
//!
//! Node ids are the first label of the MagicDNS name (`example-peer`), else `HostName`, else `ID`.
//! The rules for a tailnet (`docs/semantics.md`, "Meshes"): a node needs the coordination service to start (it hands out
//! the network map), not to keep running; a node is reachable through one of its direct path, its
//! home DERP region or a peer relay.
//!
//! | input | becomes |
//! |---|---|
//! | `Self` and each `Peer` | a component, kind `tailscale-node`; labels `os`, `dns_name`, `tailscale_ip`, `online` (and `self: "true"`) |
//! | the coordination service | a component `coordination:<CurrentTailnet.Name>` (kind `control-plane`), in `requires_at_start` of every node |
//! | `Relay: "fra"` (home DERP region) | a component `derp:fra` (kind `derp-region`) |
//! | `Addrs` or `CurAddr` not empty | a component `NODE/direct` (kind `direct-path`): the node's direct UDP path |
//! | `PeerRelay` not empty | a component `peer-relay:<value>` (kind `peer-relay`) |
//! | a node's paths | the node requires its one path, or a group `NODE/path` (kind `group`, `need: 1`) over several |
//! | `AllowedIPs`/`PrimaryRoutes` beyond the node's own addresses | a component `route:<prefix>` (kind `route`) that requires every node advertising it (`need: 1`: HA subnet routers) |
//! | `0.0.0.0/0` and `::/0` (`ExitNodeOption`) | a component `exit-node` (kind `route`) over the nodes that offer it |
//! | a peer with `ExitNode: true` (the exit node in use) | `Self` has `degrades_without: exit-node` |
//! | `User`, `Health`, `CertDomains`, capabilities, traffic counters | not mapped (not topology) |
//! | a peer that is not a JSON object | warning |
//! | `Peer` that is not an object; entries of `TailscaleIPs`, `AllowedIPs`, `PrimaryRoutes` that are not text | warning: not mapped |

use std::collections::BTreeMap;

use blastmap_core::format::RefField;
use blastmap_core::{Error, ErrorKind, Errors, Pos};

use crate::build::Part;
use crate::tree::{self, Node};

fn text<'a>(n: &'a Node, key: &str) -> Option<&'a str> {
    n.get(key).and_then(Node::as_str).map(str::trim).filter(|s| !s.is_empty())
}

fn node_id(n: &Node) -> Option<String> {
    let dns = text(n, "DNSName").and_then(|d| d.split('.').next()).filter(|s| !s.is_empty());
    dns.or_else(|| text(n, "HostName")).or_else(|| text(n, "ID")).map(str::to_string)
}

fn strings(n: &Node, key: &str, part: &mut Part) -> Vec<(String, Option<Pos>)> {
    part.texts(n.get(key), &format!("`{key}`")).into_iter().map(|(s, p)| (s.to_string(), p)).collect()
}

fn is_own_address(prefix: &str, ips: &[(String, Option<Pos>)]) -> bool {
    let (addr, bits) = prefix.split_once('/').unwrap_or((prefix, ""));
    let host_bits = if addr.contains(':') { "128" } else { "32" };
    (bits.is_empty() || bits == host_bits) && ips.iter().any(|(ip, _)| ip == addr)
}

pub(crate) fn import(text_in: &str) -> Result<Part, Errors> {
    let (root, said) = tree::json(text_in)?;
    if !root.is_map() || (root.get("Self").is_none() && root.get("Peer").is_none()) {
        return Err(Errors::one(Error::new(
            ErrorKind::InvalidValue,
            root.pos.or(Some(Pos::START)),
            "expected the output of `tailscale status --json`: an object with `Self` and `Peer`",
        )));
    }
    let mut part = Part::new();
    part.warn_all(said);
    let tailnet = root
        .at(&["CurrentTailnet", "Name"])
        .and_then(Node::as_str)
        .or_else(|| text(&root, "MagicDNSSuffix"))
        .unwrap_or("tailnet")
        .to_string();
    part.name = Some(format!("tailnet {tailnet}"));
    let coordination = format!("coordination:{tailnet}");
    let cpos = root.get("CurrentTailnet").and_then(|n| n.pos).or(root.pos);
    let coord = part.add(&coordination, Some("control-plane"), cpos);
    part.label(coord, "tailnet", tailnet.clone());

    let mut nodes: Vec<(&Node, bool, Option<Pos>)> = Vec::new();
    if let Some(me) = root.get("Self") {
        if me.is_map() {
            nodes.push((me, true, me.pos));
        } else if !me.is_null() {
            part.warn(me.pos, format!("`Self` is {}: expected an object; not mapped", me.describe()));
        }
    }
    if let Some(peers) = root.get("Peer").filter(|p| !p.is_map() && !p.is_null()) {
        part.warn(peers.pos, format!("`Peer` is {}: expected an object of peers; not mapped", peers.describe()));
    }
    if let Some(peers) = root.get("Peer") {
        for (key, kpos, peer) in peers.entries() {
            if peer.is_map() {
                nodes.push((peer, false, kpos));
            } else {
                part.warn(kpos, format!("peer `{key}` is {}: expected an object; not mapped", peer.describe()));
            }
        }
    }

    let mut routes: BTreeMap<String, (Vec<String>, Option<Pos>)> = BTreeMap::new();
    let mut self_id: Option<usize> = None;
    let mut exit_in_use: Option<Option<Pos>> = None;
    for (n, is_self, pos) in nodes {
        let Some(mut id) = node_id(n) else {
            part.warn(pos, "node without `DNSName`, `HostName` or `ID`: not mapped");
            continue;
        };
        if part.has(&id) {
            let suffix = text(n, "ID").unwrap_or("2").to_string();
            part.warn(pos, format!("two nodes are called `{id}`: this one is `{id}-{suffix}`"));
            id = format!("{id}-{suffix}");
        }
        let npos = n.get("DNSName").and_then(|d| d.pos).or(pos);
        let i = part.add(&id, Some("tailscale-node"), npos);
        if is_self {
            part.label(i, "self", "true");
            self_id = Some(i);
        }
        if let Some(os) = text(n, "OS") {
            part.label(i, "os", os);
        }
        if let Some(dns) = text(n, "DNSName") {
            part.label(i, "dns_name", dns.trim_end_matches('.'));
        }
        let ips = strings(n, "TailscaleIPs", &mut part);
        if let Some((ip, _)) = ips.first() {
            part.label(i, "tailscale_ip", ip.clone());
        }
        if let Some(online) = n.get("Online").and_then(Node::as_bool) {
            part.label(i, "online", online.to_string());
        }
        part.link(i, RefField::RequiresAtStart, &coordination, cpos);

        // Paths to the node.
        let mut paths: Vec<(String, Option<Pos>)> = Vec::new();
        if let Some(relay) = text(n, "Relay") {
            let rid = format!("derp:{relay}");
            part.add(&rid, Some("derp-region"), n.get("Relay").and_then(|r| r.pos));
            paths.push((rid, n.get("Relay").and_then(|r| r.pos)));
        }
        let direct = text(n, "CurAddr").is_some() || !n.get("Addrs").map(Node::as_seq).unwrap_or_default().is_empty();
        if direct {
            let did = format!("{id}/direct");
            let dpos = n
                .get("CurAddr")
                .filter(|c| c.as_str().is_some_and(|s| !s.is_empty()))
                .or_else(|| n.get("Addrs"))
                .and_then(|a| a.pos);
            part.add(&did, Some("direct-path"), dpos);
            paths.push((did, dpos));
        }
        if let Some(pr) = text(n, "PeerRelay") {
            let pid = format!("peer-relay:{pr}");
            let ppos = n.get("PeerRelay").and_then(|r| r.pos);
            part.add(&pid, Some("peer-relay"), ppos);
            paths.push((pid, ppos));
        }
        match paths.as_slice() {
            [] => {}
            [(only, p)] => part.link(i, RefField::Requires, only, *p),
            several => {
                let gid = format!("{id}/path");
                let g = part.add(&gid, Some("group"), npos);
                for (p, pp) in several {
                    part.link(g, RefField::Requires, p, *pp);
                }
                part.set_need(g, 1, npos);
                part.link(i, RefField::Requires, &gid, npos);
            }
        }

        // Routes it serves.
        let mut served = strings(n, "AllowedIPs", &mut part);
        served.extend(strings(n, "PrimaryRoutes", &mut part));
        for (prefix, ppos) in served {
            if is_own_address(&prefix, &ips) {
                continue;
            }
            let rid = if prefix == "0.0.0.0/0" || prefix == "::/0" {
                "exit-node".to_string()
            } else {
                format!("route:{prefix}")
            };
            let entry = routes.entry(rid).or_insert_with(|| (Vec::new(), ppos));
            if !entry.0.contains(&id) {
                entry.0.push(id.clone());
            }
        }
        if !is_self && n.get("ExitNode").and_then(Node::as_bool) == Some(true) {
            exit_in_use = Some(n.get("ExitNode").and_then(|e| e.pos));
        }
    }
    for (rid, (routers, pos)) in &routes {
        let r = part.add(rid, Some("route"), *pos);
        for router in routers {
            part.link(r, RefField::Requires, router, *pos);
        }
        if routers.len() > 1 {
            part.set_need(r, 1, *pos);
        }
    }
    if let (Some(me), Some(pos)) = (self_id, exit_in_use) {
        if part.has("exit-node") {
            part.link(me, RefField::DegradesWithout, "exit-node", pos);
        }
    }
    Ok(part)
}
