//! Tailnet operators' own exports: several `tailscale status --json` files merged into one
//! estate in the mesh vocabulary, shard overlays and options, and policy files checked against it.

use blastmap_import::{load_many, load_many_with, policy, Format, Input, LoadOptions};

/// Named texts as design inputs.
fn ins<'a>(pairs: &[(&'a str, &'a str)]) -> Vec<Input<'a>> {
    pairs.iter().map(|&(n, t)| Input::new(n, t)).collect()
}

use super::*;

fn tailnet(file: &str) -> String {
    let full = format!("{}/tests/fixtures/tailnet/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn policy_fixture() -> String {
    let full = format!("{}/tests/fixtures/ok/tailscale-policy/acme.hujson", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn statuses() -> Vec<(&'static str, String)> {
    ["laptop.json", "router-b.json", "db-1.json"].into_iter().map(|f| (f, tailnet(f))).collect()
}

fn load_set(order: [usize; 3]) -> blastmap_import::Loaded {
    let s = statuses();
    let inputs: Vec<(&str, &str)> = order.iter().map(|&i| (s[i].0, s[i].1.as_str())).collect();
    load_many(&ins(&inputs), None).unwrap_or_else(|e| panic!("{e}"))
}

const ESTATE: &str = "
acme.com/admin (admin-actions) | req coordination:acme.com
acme.com/exit (exit-nodes) | req exit-1 | need 1
ci-runner (node) | start coordination:acme.com
ci-runner/direct (direct-path)
ci-runner/paths (paths) | req ci-runner/direct derp:fra | need 1
coordination:acme.com (coordination-shard)
coordination:other.ts.net (coordination-shard)
db-1 (node) | start coordination:acme.com
db-1/paths (paths) | req derp:fra peer-relay:203.0.113.9:40000 | need 1
derp:ams (derp-region)
derp:fra (derp-region)
exit-1 (node) | start coordination:acme.com
exit-1/direct (direct-path)
exit-1/paths (paths) | req exit-1/direct derp:fra | need 1
laptop (node) | start coordination:acme.com | soft exit-1
laptop/direct (direct-path)
laptop/paths (paths) | req laptop/direct derp:fra | need 1
nas (node) | start coordination:other.ts.net
nas/direct (direct-path)
nas/paths (paths) | req nas/direct derp:fra | need 1
other.ts.net/admin (admin-actions) | req coordination:other.ts.net
peer-relay:203.0.113.9:40000 (peer-relay) | req router-a
route/10.0.0.0/24 (subnet-route) | req router-a route/10.0.0.0/24/failover | need 1
route/10.0.0.0/24/failover (route-failover) | req coordination:acme.com route/10.0.0.0/24/standby
route/10.0.0.0/24/standby (standby-routers) | req router-b | need 1
router-a (node) | start coordination:acme.com
router-a/direct (direct-path)
router-a/paths (paths) | req router-a/direct derp:fra | need 1
router-b (node) | start coordination:acme.com
router-b/direct (direct-path)
router-b/paths (paths) | req router-b/direct derp:ams | need 1";

#[test]
fn three_statuses_merge_into_one_estate() {
    let loaded = load_set([0, 1, 2]);
    assert_eq!(loaded.formats, [Format::Tailscale; 3]);
    assert_eq!(render(&loaded), ESTATE.trim());
    // Six nodes of acme.com and one shared in; each node once, wherever it was seen.
    let ids: Vec<&str> = loaded.compiled.written.topology.components.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["ci-runner", "exit-1", "laptop", "nas", "router-a", "router-b", "db-1"]);
    // db-1 is first seen by router-b's status.
    assert_eq!(loaded.origins, [0, 0, 0, 0, 0, 0, 1]);
    let label = |id: &str, k: &str| component(&loaded, id).labels.get(k).cloned().unwrap_or_default();
    // router-b's route is seen only in its own status (peers see only primary routes).
    assert_eq!(component(&loaded, "router-b").routes, ["10.0.0.0/24"]);
    assert!(component(&loaded, "router-b").primary_routes.is_empty());
    assert_eq!(component(&loaded, "router-a").primary_routes, ["10.0.0.0/24"]);
    assert_eq!(label("router-b", "tags"), "tag:router");
    assert_eq!(label("router-b", "user"), "", "tagged nodes have no user");
    assert_eq!(label("laptop", "user"), "alice@acme.com");
    assert_eq!(label("laptop", "exit_node_in_use"), "exit-1");
    assert_eq!(label("ci-runner", "online"), "differs");
    assert!(component(&loaded, "exit-1").exit_node);
    assert_eq!(component(&loaded, "db-1").direct, Some(false));
    let nas = component(&loaded, "nas");
    assert_eq!(
        (nas.tailnet.as_deref(), nas.shared_into.as_slice()),
        (Some("other.ts.net"), &["acme.com".to_string()][..])
    );
    let t = &loaded.compiled.written.topology;
    let relay = t.relays.iter().find(|r| r.id == "peer-relay:203.0.113.9:40000").unwrap();
    assert_eq!(relay.requires, ["router-a"]);
    assert_eq!(relay.labels.get("paths").map(String::as_str), Some("router-b->db-1"));
    let shards: Vec<(&str, &str)> = t.tailnets.iter().map(|n| (n.id.as_str(), n.shard.as_str())).collect();
    assert_eq!(shards, [("acme.com", "coordination:acme.com"), ("other.ts.net", "coordination:other.ts.net")]);

    let w: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        w,
        [
            "laptop.json:31:5: warning: `ci-runner` is online in db-1.json but offline in laptop.json: label `online: differs`",
            "laptop.json:33:46: warning: 1 node taken as ephemeral by rule ephemeral-node (by tag `tag:ci`: ci-runner): `tailscale status --json` does not say which nodes are ephemeral; a shard outage drops them when they restart; each is a note; `ephemeral: false` on a node in an overlay undoes it, `ephemeral: true` marks one the rule missed",
            "laptop.json:5:11: warning: status of `laptop` (tailnet acme.com): sees 5 of the 6 nodes of acme.com in these inputs (not db-1), and 1 of other tailnets; 1 offline; a peer's subnet routes show only where it is the primary router, and its relay paths only as `laptop` reaches it",
            "router-b.json:3:11: warning: status of `router-b` (tailnet acme.com): sees 4 of the 6 nodes of acme.com in these inputs (not exit-1, ci-runner); a peer's subnet routes show only where it is the primary router, and its relay paths only as `router-b` reaches it",
            "db-1.json:3:11: warning: status of `db-1` (tailnet acme.com): sees 3 of the 6 nodes of acme.com in these inputs (not laptop, router-a, exit-1); a peer's subnet routes show only where it is the primary router, and its relay paths only as `db-1` reaches it",
            "laptop.json:12:21: warning: the coordination shard of tailnet `acme.com` is not in the export: modelled as `coordination:acme.com`; name the real one with an overlay (`tailnets: [{id: acme.com, shard: SHARD}]` and `shards: [{id: SHARD, ...}]`) or the shard option (`--shard acme.com=SHARD`)",
            "laptop.json:36:5: warning: the coordination shard of tailnet `other.ts.net` is not in the export: modelled as `coordination:other.ts.net`; name the real one with an overlay (`tailnets: [{id: other.ts.net, shard: SHARD}]` and `shards: [{id: SHARD, ...}]`) or the shard option (`--shard other.ts.net=SHARD`)",
        ]
    );
}

/// The rendering with each list in sorted order (the order of a list follows the order in which
/// the files first saw its members).
fn normalized(rendered: &str) -> String {
    rendered
        .lines()
        .map(|l| {
            l.split(" | ")
                .map(|part| {
                    let mut words: Vec<&str> = part.split(' ').collect();
                    if matches!(words.first(), Some(&"req" | &"start" | &"soft")) {
                        words[1..].sort_unstable();
                    }
                    words.join(" ")
                })
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_order_of_the_files_does_not_change_the_estate() {
    for order in [[1, 0, 2], [2, 1, 0], [2, 0, 1]] {
        let loaded = load_set(order);
        assert_eq!(normalized(&render(&loaded)), normalized(ESTATE.trim()), "{order:?}");
        let mut ids: Vec<&str> = loaded.compiled.written.topology.components.iter().map(|c| c.id.as_str()).collect();
        ids.sort_unstable();
        assert_eq!(ids, ["ci-runner", "db-1", "exit-1", "laptop", "nas", "router-a", "router-b"], "{order:?}");
    }
}

#[test]
fn a_node_is_matched_by_id_or_key_never_by_name() {
    // Same name, different node: both kept, under their full MagicDNS names.
    let a = r#"{"CurrentTailnet": {"Name": "a.com", "MagicDNSSuffix": "a.ts.net"},
        "Self": {"ID": "n1", "DNSName": "web.a.ts.net.", "Relay": "fra"}, "Peer": {}}"#;
    let b = r#"{"CurrentTailnet": {"Name": "b.com", "MagicDNSSuffix": "b.ts.net"},
        "Self": {"ID": "n7", "DNSName": "web.b.ts.net.", "Relay": "fra"},
        "Peer": {"nodekey:x": {"DNSName": "web.a.ts.net.", "PublicKey": "nodekey:x", "Relay": "fra"}}}"#;
    let loaded = load_many(&ins(&[("a.json", a), ("b.json", b)]), None).unwrap();
    let ids: Vec<&str> = loaded.compiled.written.topology.components.iter().map(|c| c.id.as_str()).collect();
    // b's peer `web.a.ts.net` has no ID and a key a.json never gave: a third node, shared into
    // b.com, and a warning.
    assert_eq!(ids, ["web.a.ts.net", "web.a.ts.net-2", "web.b.ts.net"]);
    let w: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert!(
        w.contains(&"b.json:3:18: warning: two nodes are called `web.a.ts.net` but share no node ID or key: kept apart, this one as `web.a.ts.net-2`".to_string()),
        "{w:#?}"
    );
    let shared = component(&loaded, "web.a.ts.net-2");
    assert_eq!(shared.tailnet.as_deref(), Some("a.com"));
    assert_eq!(shared.shared_into, ["b.com"]);
    // With the key known on both sides, it is the same node.
    let a2 = a.replace(r#""ID": "n1","#, r#""ID": "n1", "PublicKey": "nodekey:x","#);
    let loaded = load_many(&ins(&[("a.json", &a2), ("b.json", b)]), None).unwrap();
    let ids: Vec<&str> = loaded.compiled.written.topology.components.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["web.a.ts.net", "web.b.ts.net"]);
    assert_eq!(component(&loaded, "web.a.ts.net").shared_into, ["b.com"]);
}

#[test]
fn an_overlay_refines_the_shard_and_its_warning_goes() {
    let s = statuses();
    let overlay = "components: []\nshards:\n  - {id: shard-eu, region: eu-west, add: true}\ntailnets:\n  - {id: acme.com, shard: shard-eu, cache_netmap: true}\n";
    let inputs: Vec<(&str, &str)> =
        s.iter().map(|(n, t)| (*n, t.as_str())).chain([("overlay.yaml", overlay)]).collect();
    let loaded = load_many(&ins(&inputs), None).unwrap_or_else(|e| panic!("{e}"));
    let t = &loaded.compiled.written.topology;
    let acme = t.tailnets.iter().find(|n| n.id == "acme.com").unwrap();
    assert_eq!((acme.shard.as_str(), acme.cache_netmap), ("shard-eu", true));
    let shards: Vec<&str> = t.shards.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(shards, ["coordination:other.ts.net", "shard-eu"], "the placeholder shard no tailnet uses is gone");
    let w: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert!(!w.iter().any(|w| w.contains("`coordination:acme.com`")), "{w:#?}");
    assert!(w.iter().any(|w| w.contains("`coordination:other.ts.net`")), "{w:#?}");
    // Nodes of a tailnet that caches its network map do not need the shard to start.
    assert!(render(&loaded).contains("\nlaptop (node) | soft exit-1\n"), "{}", render(&loaded));
}

#[test]
fn the_shard_option_names_the_shard() {
    let s = statuses();
    let inputs: Vec<(&str, &str)> = s.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let mut options = LoadOptions::default();
    options.add_shard("acme.com = shard-1").unwrap();
    assert_eq!(
        options.add_shard("acme.com").unwrap_err(),
        "`acme.com`: expected TAILNET=SHARD (`example.com=shard-eu`)"
    );
    assert!(options.add_shard("=x").is_err());
    let loaded = load_many_with(&ins(&inputs), None, &options).unwrap();
    let t = &loaded.compiled.written.topology;
    assert_eq!(t.tailnets[0].shard, "shard-1");
    assert_eq!(t.shards[0].id, "shard-1");
    assert_eq!(t.shards[0].kind.as_deref(), Some("coordination-shard"));
    assert!(!loaded.warnings.iter().any(|w| w.message.contains("tailnet `acme.com` is not in the export")));
    let one = blastmap_import::load_with(&s[0].1, None, &options).unwrap();
    assert_eq!(one.compiled.written.topology.tailnets[0].shard, "shard-1");
}

#[test]
fn policy_checked_against_the_estate() {
    let loaded = load_set([0, 1, 2]);
    let check = policy::check(&loaded, &policy_fixture(), None).unwrap();
    assert_eq!(check.tailnet, "acme.com");
    let r = &check.reach;
    let reach = |who: &str| {
        r.nodes.iter().chain(&r.tags).chain(&r.groups).chain(&r.users).find(|x| x.principal == who).unwrap()
    };
    assert_eq!(r.names(&reach("laptop").reaches), ["db-1"]);
    assert_eq!(reach("laptop").routes, ["10.0.0.0/24"]);
    assert!(reach("laptop").internet);
    assert_eq!(r.names(&reach("ci-runner").reaches), ["exit-1", "laptop", "nas", "router-a", "router-b", "db-1"]);
    assert!(reach("router-a").reaches.is_empty());
    assert_eq!(r.names(&reach("group:eng").reaches), ["laptop", "db-1"]);
    assert!(reach("tag:db").reaches.is_empty());
    assert_eq!(reach("group:eng").rules, ["acls[0]", "acls[2]"]);
    assert!(reach("group:ops").reaches.is_empty());
    let titles: Vec<String> = r.findings.iter().map(|f| format!("{:?} {}", f.severity, f.title)).collect();
    assert_eq!(
        titles,
        [
            "High a node tagged `tag:ci` reaches 7 nodes (ci-runner, exit-1, laptop and 4 more), 1 subnet route (10.0.0.0/24) and the internet through exit nodes, by acls[1]",
            "High one compromised account of `group:eng` can apply `tag:router`, whose nodes get routes in 10.0.0.0/16 approved without an admin: it can re-route 10.0.0.0/24 (served by router-a, router-b)",
            "Medium acls[1] lets `tag:ci` open connections to every node on every port (sources: 1 node of the estate)",
            "Medium `peer-relay:203.0.113.9:40000` (on `router-a`) is no path for `db-1` and `router-b`: no grant gives either end `tailscale.com/cap/relay` to `router-a`",
        ]
    );
    let positions: Vec<Option<(u32, u32)>> = r.findings.iter().map(|f| f.pos.map(|p| (p.line, p.column))).collect();
    assert_eq!(positions, [None, Some((17, 16)), Some((23, 3)), None]);
    assert_eq!(r.unevaluated.len(), 1);
    assert_eq!(r.unevaluated[0].selector, "autogroup:admin");
    // The policy's warnings, then the estate's choice of tailnet.
    let w: Vec<String> = check.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(w.len(), 5, "{w:#?}");
    assert!(w[3].contains("`aclz` is not a policy file section"), "{w:#?}");
    assert!(w[4].contains("the policy is applied to `acme.com`"), "{w:#?}");
    // Naming the tailnet: no guess, no warning; an unknown one is an error.
    let named = policy::check(&loaded, &policy_fixture(), Some("acme.com")).unwrap();
    assert_eq!(named.warnings.len(), 4);
    assert_eq!(named.reach, check.reach);
    let err = policy::check(&loaded, &policy_fixture(), Some("acme")).unwrap_err();
    assert!(err.to_string().contains("tailnet `acme` is not in the estate (it has: acme.com, other.ts.net)"), "{err}");
}

#[test]
fn policy_files_among_the_inputs_are_kept_apart() {
    let s = statuses();
    let p = policy_fixture();
    let inputs = [("laptop.json", s[0].1.as_str()), ("policy.hujson", p.as_str())];
    let loaded = load_many(&ins(&inputs), None).unwrap();
    assert_eq!(loaded.formats, [Format::Tailscale, Format::TailscalePolicy]);
    assert_eq!(loaded.format, Format::Tailscale);
    assert_eq!(loaded.policies.len(), 1);
    assert_eq!(loaded.policies[0].0, "policy.hujson");
    assert!(loaded.warnings.iter().any(|w| w.file.as_deref() == Some("policy.hujson") && w.message.contains("aclz")));
    let check = policy::check_policy(&loaded, &loaded.policies[0].1, None).unwrap();
    assert_eq!(check.tailnet, "acme.com");
    // A policy with errors fails the load, naming its file; a policy alone is not a topology.
    let err = load_many(&ins(&[("laptop.json", s[0].1.as_str()), ("p.hujson", "{\"acls\": [}")]), None).unwrap_err();
    assert_eq!(err.file, "p.hujson");
    let err = load_many(&ins(&[("p.hujson", p.as_str())]), None).unwrap_err();
    assert!(err.to_string().starts_with("p.hujson:3:2: a Tailscale policy file is not a topology"), "{err}");
}

#[test]
fn policy_reading_follows_tailscale() {
    // Keys without regard to case, the old `users`/`ports`, IPv6 destinations, a key given twice.
    let text = r#"{
  "ACLs": [{"action": "accept", "users": ["alice@x"], "ports": ["[fd7a::1]:22", "tag:db:5432,5433"], "proto": "tcp"}],
  "Grants": [{"src": ["*"], "dst": ["*"], "ip": ["*"], "srcPosture": ["posture:x"], "colour": 1}],
  "groups": {"group:a": []},
  "groups": {"group:b": ["bob@x"]},
  "tagOwners": {"tag:db": []},
}"#;
    let (p, warnings) = policy::parse(text).unwrap();
    let acl = &p.rules[0];
    assert_eq!(acl.src[0].selector, "alice@x");
    assert_eq!((acl.dst[0].selector.as_str(), acl.dst[0].ports.as_slice()), ("fd7a::1", &["tcp:22".to_string()][..]));
    assert_eq!(acl.dst[1].ports, ["tcp:5432", "tcp:5433"]);
    assert!(p.rules[1].dst[0].all_ports());
    assert_eq!(p.groups.keys().collect::<Vec<_>>(), ["group:b"]);
    let w: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        w,
        [
            "5:3: warning: `groups` is given twice in the policy file: the last one counts",
            "3:56: warning: grants[0]: `srcPosture` is not modelled (device posture is not in the export): reach is computed as if it passed",
            "3:85: warning: grants[0]: `colour` is not a grant field: not read",
        ]
    );
    // Errors: where and what.
    let e =
        policy::parse("{\"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"tag:db\"]}]}").unwrap_err();
    assert_eq!(e.to_string(), "1:54: `tag:db` in `acls[0].dst`: expected `selector:ports` (`tag:db:5432`, `*:*`)");
    let e = policy::parse("{\"acls\": [{\"src\": [\"*\"], \"dst\": [\"*:ssh\"]}]}").unwrap_err();
    assert!(e.to_string().starts_with("1:34: `*:ssh` in `acls[0].dst`: expected `selector:ports`"), "{e}");
    let e = policy::parse("{\"groups\": {\"group:a\": [1]}}").unwrap_err();
    assert_eq!(e.to_string(), "1:25: an entry of `groups.group:a` is a number: expected a string");
}

#[test]
fn policy_detection() {
    assert_eq!(blastmap_import::detect("{\"acls\": []}"), Format::TailscalePolicy);
    assert_eq!(blastmap_import::detect("// policy\n{\n  \"grants\": [],\n}\n"), Format::TailscalePolicy);
    assert_eq!(blastmap_import::detect("{\"tagOwners\": {}, \"x\": [1,,]}"), Format::TailscalePolicy);
    assert_eq!(blastmap_import::detect("{\"components\": [], \"groups\": {}}"), Format::Native);
    assert_eq!(Format::parse("policy"), Some(Format::TailscalePolicy));
}

#[test]
fn the_k8s_operator_policy_against_the_corpus_status() {
    let (Some(status), Some(text)) =
        (corpus_opt("tailscale-status.json"), corpus_opt("tailscale-policy-k8s-operator.hujson"))
    else {
        return;
    };
    let loaded = blastmap_import::load(&status, None).unwrap();
    let check = policy::check(&loaded, &text, None).unwrap();
    let w: Vec<String> = check.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        w,
        ["15:3: warning: `autoApprovers.services` is not modelled (Tailscale Services are not in the export)"]
    );
    let r = &check.reach;
    // No node of the status carries a tag: the grant reaches nothing there, but a new tag:k8s
    // node would reach the other tag:k8s and tag:k8s-operator nodes (none yet).
    assert!(r.nodes.iter().all(|n| n.reaches.is_empty()));
    let tags: Vec<&str> = r.tags.iter().map(|t| t.principal.as_str()).collect();
    assert_eq!(tags, ["tag:k8s", "tag:k8s-operator", "tag:k8s-recorder"]);
    assert_eq!(r.tags[0].rules, Vec::<String>::new());
    // tag:k8s-operator owns tag:k8s, which approves routes in 10.0.0.0/8: a compromised
    // operator node can re-route any subnet there (none of the status's routes is in it).
    let titles: Vec<String> = r.findings.iter().map(|f| format!("{:?} {}", f.severity, f.title)).collect();
    assert_eq!(
        titles,
        ["Medium a compromised node tagged `tag:k8s-operator` can apply `tag:k8s`, whose nodes get routes in 10.0.0.0/8 approved without an admin: it can re-route any subnet in 10.0.0.0/8"]
    );
    assert_eq!(r.findings[0].pos.map(|p| (p.line, p.column)), Some((13, 4)));
}

/// The estate of the three statuses with `policy` (named `file`) beside them.
fn with_policy(file: &str, policy: &str) -> blastmap_import::Loaded {
    let s = statuses();
    let mut inputs: Vec<(&str, &str)> = s.iter().map(|(n, t)| (*n, t.as_str())).collect();
    inputs.push((file, policy));
    load_many(&ins(&inputs), None).unwrap_or_else(|e| panic!("{e}"))
}

fn spofs(loaded: &blastmap_import::Loaded) -> Vec<String> {
    let report = blastmap_core::report::analyze(&loaded.compiled, &blastmap_core::report::Options::default());
    report.spofs.iter().map(|s| format!("{} -> {}", s.component, s.takes_down.join(","))).collect()
}

#[test]
fn a_relay_the_policy_forbids_is_dropped_from_the_paths_and_said() {
    let mut loaded = with_policy("policy.hujson", &policy_fixture());
    let before = spofs(&loaded);
    let (sections, warnings) = policy::enforce(&mut loaded);
    let [section] = sections.as_slice() else { panic!("{sections:#?}") };
    assert_eq!((section.file.as_str(), section.tailnet.as_str(), section.nodes), ("policy.hujson", "acme.com", 7));
    assert_eq!(section.principals[0].principal, "tag:ci");
    let [verdict] = section.relays.as_slice() else { panic!("{:#?}", section.relays) };
    assert!(verdict.dropped);
    assert_eq!(
        verdict.sentence,
        "`peer-relay:203.0.113.9:40000` (on `router-a`) is no path to `db-1` from `router-b` under policy.hujson: dropped from `db-1/paths`; redundancy that counted on it is false"
    );
    // The estate's tailnet was chosen: said.
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(warnings[0].message.contains("name the policy file after it (`TAILNET.hujson`)"), "{warnings:#?}");
    // db-1 is reached through DERP alone now: derp:fra is a single point of its paths.
    assert_eq!(component(&loaded, "db-1").relays, ["derp:fra"]);
    let after = spofs(&loaded);
    assert!(!before.iter().any(|s| s.starts_with("derp:fra ->")), "{before:#?}");
    assert!(after.contains(&"derp:fra -> db-1/paths".to_string()), "{after:#?}");
    let note = loaded.compiled.written.notes.iter().find(|n| n.rule == "policy.forbidden-relay").expect("a note");
    assert_eq!(
        (note.kind, note.subject.as_str(), note.pos.map(|p| p.input)),
        (blastmap_core::note::NoteKind::Policy, "db-1", Some(3))
    );
}

#[test]
fn a_relay_the_policy_allows_stays_and_a_policy_named_after_its_tailnet_needs_no_choice() {
    // router-b may use router-a's relay: nothing is dropped.
    let allowed = policy_fixture().replace(
        r#"{"src": ["tag:ci"], "dst": ["tag:router"], "app": {"tailscale.com/cap/relay": []}},"#,
        r#"{"src": ["tag:router"], "dst": ["tag:router"], "app": {"tailscale.com/cap/relay": []}},"#,
    );
    assert_ne!(allowed, policy_fixture());
    let mut loaded = with_policy("policies/acme.com.hujson", &allowed);
    let (sections, warnings) = policy::enforce(&mut loaded);
    assert!(sections[0].relays.is_empty(), "{:#?}", sections[0].relays);
    assert!(warnings.is_empty(), "named after acme.com: {warnings:#?}");
    assert_eq!(component(&loaded, "db-1").relays, ["derp:fra", "peer-relay:203.0.113.9:40000"]);
    // Named after the other tailnet, it governs that one.
    let mut loaded = with_policy("other.ts.net.hujson", &allowed);
    let (sections, _) = policy::enforce(&mut loaded);
    assert_eq!((sections[0].tailnet.as_str(), sections[0].nodes), ("other.ts.net", 1));
}

/// A native estate where a relay serves two peers of one node (the policy allows one) and a node
/// whose only path is a relay the policy forbids.
const NATIVE_ESTATE: &str = r#"
tailnets: [{id: t, shard: s}]
shards: [{id: s}]
relays:
  - {id: pr, kind: peer-relay, requires: [relay-host], labels: {node: relay-host, paths: "a->db,b->db,a->lonely"}}
  - {id: derp, kind: derp-region}
components:
  - {id: relay-host, tailnet: t, labels: {tags: "tag:relay", tailscale_ips: 100.64.0.1}}
  - {id: a, tailnet: t, labels: {tags: "tag:a", tailscale_ips: 100.64.0.2}}
  - {id: b, tailnet: t, labels: {tags: "tag:b", tailscale_ips: 100.64.0.3}}
  - {id: db, tailnet: t, relays: [pr, derp], labels: {tags: "tag:db", tailscale_ips: 100.64.0.4}}
  - {id: lonely, tailnet: t, direct: false, relays: [pr], labels: {tags: "tag:lonely", tailscale_ips: 100.64.0.5}}
"#;

#[test]
fn a_relay_is_kept_when_some_peer_may_use_it_or_it_is_the_only_path() {
    let policy = r#"{"grants": [{"src": ["tag:b"], "dst": ["tag:relay"], "app": {"tailscale.com/cap/relay": []}}]}"#;
    let mut loaded = load_many(&ins(&[("estate.yaml", NATIVE_ESTATE), ("t.hujson", policy)]), None)
        .unwrap_or_else(|e| panic!("{e}"));
    let (sections, warnings) = policy::enforce(&mut loaded);
    assert!(warnings.is_empty(), "{warnings:#?}");
    let verdicts: Vec<(&str, bool, &str)> =
        sections[0].relays.iter().map(|v| (v.node.as_str(), v.dropped, v.sentence.as_str())).collect();
    assert_eq!(
        verdicts,
        [
            ("db", false, "`pr` (on `relay-host`) is no path to `db` from `a` under t.hujson, but is from `b`: kept in `db/paths` (paths are modelled per node)"),
            ("lonely", false, "`pr` (on `relay-host`) is no path to `lonely` from `a` under t.hujson, and it is the node's only path: kept in `lonely/paths`, so the analysis still counts on a path the policy forbids"),
        ]
    );
    assert_eq!(component(&loaded, "db").relays, ["pr", "derp"]);
    assert!(loaded.compiled.written.notes.iter().all(|n| n.rule != "policy.forbidden-relay"));
}

/// A file of `tests/fixtures/tailnet-ci/`: a status with CI runners and a peer relay at a load
/// balancer's address, and the overlays that name the load balancer.
fn ci(file: &str) -> String {
    fixture(&format!("tailnet-ci/{file}"))
}

fn ephemeral_ids(loaded: &blastmap_import::Loaded) -> Vec<&str> {
    loaded.compiled.written.topology.components.iter().filter(|c| c.ephemeral).map(|c| c.id.as_str()).collect()
}

#[test]
fn ci_runners_are_taken_as_ephemeral_by_a_labelled_rule() {
    let loaded = load_many(&ins(&[("ops-laptop.json", &ci("ops-laptop.json"))]), None).unwrap();
    // By tag:ci (ci-runner-1, -2), by hostname (github-…), as stated (worker-a1b2c); `jenkins`
    // carries tag:ci but its status says `Ephemeral: false`, and that wins.
    assert_eq!(ephemeral_ids(&loaded), ["ci-runner-1", "ci-runner-2", "github-fv-az123-456", "worker-a1b2c"]);
    let notes: Vec<String> = loaded
        .compiled
        .written
        .notes
        .iter()
        .map(|n| format!("{} {:?} {}", n.rule, n.pos.map(|p| (p.line, p.column)), n.message))
        .collect();
    assert_eq!(
        notes,
        [
            "ephemeral-node Some((9, 163)) `ci-runner-1` taken as ephemeral: tag `tag:ci` (rule ephemeral-node; the status export does not say); set `ephemeral: false` in an overlay to undo",
            "ephemeral-node Some((10, 163)) `ci-runner-2` taken as ephemeral: tag `tag:ci` (rule ephemeral-node; the status export does not say); set `ephemeral: false` in an overlay to undo",
            "ephemeral-node Some((11, 72)) `github-fv-az123-456` taken as ephemeral: hostname `github-fv-az123-456` (rule ephemeral-node; the status export does not say); set `ephemeral: false` in an overlay to undo",
        ]
    );
    assert!(loaded.compiled.written.notes.iter().all(|n| n.kind == blastmap_core::note::NoteKind::Inferred));
    let w: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert!(
        w.contains(&"ops-laptop.json:9:163: warning: 3 nodes taken as ephemeral by rule ephemeral-node (by hostname: github-fv-az123-456; by tag `tag:ci`: ci-runner-1, ci-runner-2): `tailscale status --json` does not say which nodes are ephemeral; a shard outage drops them when they restart; each is a note; `ephemeral: false` on a node in an overlay undoes it, `ephemeral: true` marks one the rule missed".to_string()),
        "{w:#?}"
    );
    // The shard's outage names them, ranks them hidden for `ephemeral`, and leads with them.
    let report = blastmap_core::report::analyze(&loaded.compiled, &blastmap_core::report::Options::default());
    let outage = report.mesh.iter().find(|e| e.failure == "coordination:corp.example").expect("the shard");
    assert_eq!(
        outage.tailnets[0].ephemeral_dropping,
        ["ci-runner-1", "ci-runner-2", "github-fv-az123-456", "worker-a1b2c"]
    );
    assert!(
        outage.sentence.contains("; 4 ephemeral nodes (ci-runner-1, ci-runner-2, github-fv-az123-456 and 1 more) restart constantly and will drop;"),
        "{}",
        outage.sentence
    );
    use blastmap_core::finding::{FindingKind, Reason};
    let f = report.findings_of(FindingKind::MeshOutage).next().expect("the outage");
    assert_eq!(f.rank.reasons, [Reason::Mesh, Reason::Ephemeral]);
    assert_eq!(
        f.evidence[..5],
        ["coordination:corp.example", "ci-runner-1", "ci-runner-2", "github-fv-az123-456", "worker-a1b2c"]
    );
    // The corpus status has neither tags nor runner names: nothing is taken.
    if let Some(corpus) = corpus_opt("tailscale-status.json") {
        let loaded = blastmap_import::load(&corpus, None).unwrap();
        assert!(ephemeral_ids(&loaded).is_empty());
        assert!(loaded.compiled.written.notes.is_empty());
    }
}

#[test]
fn an_overlay_undoes_the_rule_or_marks_what_it_missed() {
    let overlay = "components:\n  - {id: ci-runner-1, ephemeral: false}\n  - {id: build-cache, ephemeral: true}\n  - {id: ops-laptop, ephemeral: false}\n";
    let status = ci("ops-laptop.json");
    let loaded = load_many(&ins(&[("ops-laptop.json", &status), ("review.yaml", overlay)]), None).unwrap();
    assert_eq!(ephemeral_ids(&loaded), ["build-cache", "ci-runner-2", "github-fv-az123-456", "worker-a1b2c"]);
    let overlay_notes: Vec<&str> = loaded
        .compiled
        .written
        .notes
        .iter()
        .filter(|n| n.rule == "overlay.ephemeral")
        .map(|n| n.message.as_str())
        .collect();
    assert_eq!(
        overlay_notes,
        [
            "`ci-runner-1`: ephemeral true → false (review.yaml:2:34)",
            "`build-cache`: ephemeral false → true (review.yaml:3:34)"
        ]
    );
    let w: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert!(
        w.contains(&"review.yaml:4:33: warning: `ops-laptop`: `ephemeral` is already false: this changes nothing (a stale overlay?)".to_string()),
        "{w:#?}"
    );
}

#[test]
fn a_stated_ephemeral_marker_is_read_and_a_bad_one_said() {
    let status = |self_extra: &str| {
        format!(
            r#"{{"CurrentTailnet": {{"Name": "x.com", "MagicDNSSuffix": "x.ts.net"}},
  "Self": {{"ID": "n1", "HostName": "ci-runner-1", "DNSName": "ci-runner-1.x.ts.net.", "Tags": ["tag:ci"]{self_extra}}}, "Peer": {{}}}}"#
        )
    };
    let bad = status(r#", "Ephemeral": 1"#);
    let loaded = load_many(&ins(&[("a.json", &bad)]), None).unwrap();
    let w: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert!(
        w.contains(&"a.json:2:120: warning: `Ephemeral` is a number: expected true or false; not read".to_string()),
        "{w:#?}"
    );
    assert_eq!(ephemeral_ids(&loaded), ["ci-runner-1"], "not read: the rule decides");
    // Two statuses that disagree: taken as ephemeral, and said.
    let (yes, no) = (status(r#", "Ephemeral": true"#), status(r#", "Ephemeral": false"#));
    let loaded = load_many(&ins(&[("a.json", &no), ("b.json", &yes)]), None).unwrap();
    assert_eq!(ephemeral_ids(&loaded), ["ci-runner-1"]);
    assert!(loaded.compiled.written.notes.is_empty(), "stated, not inferred");
    let w: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert!(
        w.iter().any(|w| w
            .contains("`ci-runner-1` is `Ephemeral: true` in one status and `false` in another: taken as ephemeral")),
        "{w:#?}"
    );
    let loaded = load_many(&ins(&[("a.json", &no)]), None).unwrap();
    assert!(ephemeral_ids(&loaded).is_empty(), "a stated false wins over tag:ci");
}

/// The relay's `requires`, and the notes of rule relay-behind-lb, of the status with `overlay`.
fn relay_with(overlay: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    let status = ci("ops-laptop.json");
    let loaded = load_many(&ins(&[("ops-laptop.json", &status), ("edge.yaml", overlay)]), None)
        .unwrap_or_else(|e| panic!("{e}"));
    let t = &loaded.compiled.written.topology;
    let relay = t.relays.iter().find(|r| r.id == "peer-relay:198.51.100.40:40000").expect("the peer relay");
    let notes = loaded
        .compiled
        .written
        .notes
        .iter()
        .filter(|n| n.rule == "relay-behind-lb")
        .map(|n| format!("{:?} {}", n.pos.map(|p| (p.input, p.line, p.column)), n.message))
        .collect();
    let warnings = loaded.warnings.iter().map(ToString::to_string).filter(|w| w.starts_with("edge.yaml")).collect();
    (relay.requires.clone(), notes, warnings)
}

#[test]
fn a_relay_behind_a_load_balancer_requires_it_stated_or_inferred() {
    // Stated: the overlay's own edges, and no inference.
    let (requires, notes, _) = relay_with(&ci("edge.yaml"));
    assert_eq!(requires, ["nlb-edge", "relay-0"]);
    assert!(notes.is_empty(), "{notes:#?}");
    // Inferred: the balancer lists the address the status reached the relay at.
    let (requires, notes, _) = relay_with(&ci("edge-endpoints.yaml"));
    assert_eq!(requires, ["relay-0", "nlb-edge"]);
    assert_eq!(
        notes,
        ["Some((1, 8, 13)) `peer-relay:198.51.100.40:40000` → `nlb-edge`: added to requires (the relay is reached at 198.51.100.40:40000, which `nlb-edge` lists in its label `endpoints` as 198.51.100.40:40000: a peer relay advertised through static endpoints behind it depends on it); write the relay's edge to `nlb-edge` in an overlay to state it otherwise"]
    );
    // A bare IP matches too; a stated edge of another meaning wins.
    let bare = ci("edge-endpoints.yaml").replace("198.51.100.40:40000, 198.51.100.40:443", "198.51.100.40");
    assert_eq!(relay_with(&bare).0, ["relay-0", "nlb-edge"]);
    let soft = "components:\n  - {id: nlb-edge, add: true, labels: {endpoints: \"198.51.100.40:40000\"}}\nrelays:\n  - id: \"peer-relay:198.51.100.40:40000\"\n    requires: [relay-0]\n    degrades_without: [nlb-edge]\n";
    let (requires, notes, _) = relay_with(soft);
    assert_eq!((requires, notes.len()), (vec!["relay-0".to_string()], 0));
    // Two components at the address: no guess, a warning.
    let two = "components:\n  - {id: nlb-edge, add: true, labels: {endpoints: \"198.51.100.40:40000\"}}\n  - {id: nat-gw, add: true, labels: {endpoints: 198.51.100.40}}\nrelays:\n  - id: \"peer-relay:198.51.100.40:40000\"\n    requires: [relay-0]\n";
    let (requires, notes, warnings) = relay_with(two);
    assert_eq!((requires, notes.len()), (vec!["relay-0".to_string()], 0), "{two}");
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(warnings[0].contains("which `nlb-edge`, `nat-gw` all list in their label `endpoints`: no dependency inferred (rule relay-behind-lb)"), "{}", warnings[0]);
}

#[test]
fn a_relay_at_no_nodes_address_is_said() {
    let loaded = load_many(&ins(&[("ops-laptop.json", &ci("ops-laptop.json"))]), None).unwrap();
    let w: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert!(
        w.contains(&"ops-laptop.json:15:294: warning: `peer-relay:198.51.100.40:40000`: 198.51.100.40 is no node's address in these inputs, so they do not say which node serves the relay (one advertised through static endpoints behind a load balancer?): an overlay states what it requires (`relays: [{id: \"peer-relay:198.51.100.40:40000\", requires: [NODE]}]`), and give a load balancer in front of it the label `endpoints: \"198.51.100.40:40000\"` (rule relay-behind-lb)".to_string()),
        "{w:#?}"
    );
    let relay =
        loaded.compiled.written.topology.relays.iter().find(|r| r.kind.as_deref() == Some("peer-relay")).unwrap();
    assert!(relay.requires.is_empty(), "nothing invented");
}

/// A status that sees 1,200 peers counts them as every count is written: grouped by thousands.
#[test]
fn a_large_status_counts_its_nodes_in_thousands() {
    let peers: Vec<String> = (0..1_200)
        .map(|i| {
            format!(
                r#""nodekey:p{i}": {{"ID": "p{i}", "PublicKey": "nodekey:p{i}", "HostName": "host-{i}", "DNSName": "host-{i}.acme.ts.net.", "TailscaleIPs": ["100.65.{}.{}"], "Relay": "fra", "Online": true}}"#,
                i / 250,
                i % 250 + 1
            )
        })
        .collect();
    let status = format!(
        r#"{{"BackendState": "Running", "Self": {{"ID": "me", "PublicKey": "nodekey:me", "HostName": "me", "DNSName": "me.acme.ts.net.", "TailscaleIPs": ["100.64.0.1"], "Relay": "fra", "Online": true}}, "CurrentTailnet": {{"Name": "acme.com", "MagicDNSSuffix": "acme.ts.net"}}, "Peer": {{{}}}}}"#,
        peers.join(", ")
    );
    let loaded = load_many(&ins(&[("big.json", &status)]), None).unwrap_or_else(|e| panic!("{e}"));
    let warnings: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert!(warnings.iter().any(|w| w.contains("sees 1,201 of the 1,201 nodes of acme.com")), "{warnings:#?}");
}
