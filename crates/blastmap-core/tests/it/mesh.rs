//! The mesh vocabulary: expansion rules, findings in the mesh's own terms, what-if per tailnet,
//! and the region-split review, on a small hand-written mesh and on examples/tailnet-estate.yaml.

use blastmap_core::algo::what_if;
use blastmap_core::format::Document;
use blastmap_core::report::{analyze, Options, WhatIfReport};
use blastmap_core::{compile, load, split, Compiled, Name};

const SMALL: &str = "
shards:
  - { id: shard-1, region: us-east }
tailnets:
  - { id: acme, shard: shard-1 }
  - { id: globex, shard: shard-1, cache_netmap: true }
relays:
  - { id: derp-nyc, region: us-east }
  - { id: relay-1, host: edge-1 }
components:
  - { id: a, tailnet: acme, region: us-east, zone: z1, relays: [derp-nyc, relay-1], routes: [10.0.0.0/8] }
  - { id: b, tailnet: acme, region: us-east, zone: z2, direct: false, relays: [derp-nyc], routes: [10.0.0.0/8] }
  - { id: g, tailnet: globex, exit_node: true, shared_into: [acme] }
  - { id: app, requires: [route/10.0.0.0/8, a/paths], critical: true }
";

fn estate() -> Compiled {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/tailnet-estate.yaml"))
        .expect("example");
    load(&text).expect("valid estate")
}

#[test]
fn expansion_follows_the_written_rules() {
    let c = load(SMALL).expect("valid mesh");
    let m = &c.model;
    let id = |s: &str| m.lookup(s).unwrap_or_else(|| panic!("{s} exists"));
    let names = |v: &[u32]| m.names(v);
    // Rule 2: admin actions require the shard at runtime.
    assert_eq!(names(m.requires(id("acme/admin"))), ["shard-1"]);
    assert_eq!(names(m.requires(id("globex/admin"))), ["shard-1"]);
    // Rule 3: nodes need the shard only to start, and not with a cached map.
    assert_eq!(names(m.start(id("a"))), ["shard-1"]);
    assert!(m.start(id("g")).is_empty());
    assert!(m.requires(id("a")).is_empty());
    // Rule 4: paths are 1-of-n over the direct path (placed with the node) and the relays.
    assert_eq!(names(m.requires(id("a/paths"))), ["a/direct", "derp-nyc", "relay-1"]);
    assert_eq!(m.need(id("a/paths")), 1);
    assert_eq!(names(m.placement(id("a/direct"))), ["region:us-east", "zone:z1"]);
    assert_eq!(names(m.requires(id("b/paths"))), ["derp-nyc"]);
    // Rule 5: a route is served by its primary router (`a`, the first to advertise it), or by
    // a failover to the standby routers, which needs the shard; exit nodes are 1-of-n groups.
    assert_eq!(names(m.requires(id("route/10.0.0.0/8"))), ["a", "route/10.0.0.0/8/failover"]);
    assert_eq!(m.need(id("route/10.0.0.0/8")), 1);
    assert_eq!(names(m.requires(id("route/10.0.0.0/8/failover"))), ["shard-1", "route/10.0.0.0/8/standby"]);
    assert_eq!(m.need(id("route/10.0.0.0/8/failover")), 2);
    assert_eq!(names(m.requires(id("route/10.0.0.0/8/standby"))), ["b"]);
    assert_eq!(names(m.requires(id("globex/exit"))), ["g"]);
    let mesh = c.mesh.as_ref().expect("mesh summary");
    assert_eq!(mesh.tailnets.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), ["acme", "globex"]);
    assert_eq!(names(&mesh.tailnets[0].shared_in), ["g"]);
}

#[test]
fn a_shard_outage_speaks_the_mesh_vocabulary() {
    let c = load(SMALL).expect("valid mesh");
    let report = analyze(&c, &Options::default());
    let shard = report.mesh.iter().find(|e| e.failure == "shard-1").expect("shard entry");
    assert_eq!(shard.sentence, "shard-1 down: admin actions blocked for tailnets acme, globex; 2 nodes would drop if restarted; subnet route 10.0.0.0/8 keeps its primary router but cannot fail over; connections keep flowing");
    // {shard, primary router} is a double point of failure of what needs the route.
    let pair = report.double_points.iter().find(|d| d.components == ["shard-1", "a"]).expect("shard + primary");
    assert_eq!(pair.takes_down, ["app"]);
    let derp = report.mesh.iter().find(|e| e.failure == "derp-nyc").expect("derp entry");
    assert_eq!(derp.sentence, "derp-nyc down: 1 node pair loses every path");
    // The route's two routers share the region: its redundancy is not real.
    let route = report.redundancy.iter().find(|r| r.component == "route/10.0.0.0/8").expect("route group");
    assert_eq!((route.declared_tolerance, route.actual_tolerance), (1, 0));
    assert_eq!(route.minimal_failure, ["region:us-east"]);
}

#[test]
fn estate_findings_are_pinned() {
    let c = estate();
    let m = &c.model;
    let report = analyze(&c, &Options::default());
    let sentences: Vec<&str> = report.mesh.iter().map(|e| e.sentence.as_str()).collect();
    assert_eq!(
        sentences,
        [
            "shard-1 down: admin actions blocked for tailnets acme, globex; 123 nodes would drop if restarted; subnet route 10.20.0.0/16 keeps its primary router but cannot fail over; connections keep flowing",
            "shard-2 down: admin actions blocked for tailnets initech, hooli; 80 nodes would drop if restarted; connections keep flowing",
            "shard-3 down: admin actions blocked for tailnet umbrella; 40 nodes would drop if restarted; connections keep flowing",
            "derp-nyc down: 1,840 node pairs lose every path",
            "derp-fra down: 785 node pairs lose every path",
            "derp-sin down: 482 node pairs lose every path",
            "relay-nyc-1 down: connections keep flowing",
            "relay-fra-1 down: connections keep flowing",
        ]
    );
    // The HA router pair's failover needs shard-1, which stands in the primary router's zone:
    // that zone alone takes the route down (the primary with it, and the failover with the shard).
    let route = report.redundancy.iter().find(|r| r.component == "route/10.20.0.0/16").expect("HA router pair");
    assert_eq!(
        (route.declared_tolerance, route.actual_tolerance, route.minimal_failure.clone()),
        (1, 0, vec![Name::from("zone:use1-a")])
    );
    // What-if by concept: the EU DERP region; five EU acme nodes behind strict NAT without a peer
    // relay become unreachable, and with them 600 of acme's 7503 node pairs.
    let derp = m.lookup("derp-fra").expect("derp-fra");
    let w = WhatIfReport::new(m, c.mesh.as_ref(), &what_if(m, &[derp]));
    let acme = w.tailnets.iter().find(|t| t.tailnet == "acme").expect("acme");
    assert_eq!(
        acme.unreachable,
        ["acme-eu-west-04", "acme-eu-west-14", "acme-eu-west-19", "acme-eu-west-29", "acme-eu-west-34"]
    );
    assert_eq!((acme.pairs_cut, acme.pairs_up, acme.admin_blocked), (600, 7503, false));
    assert!(w.targets_down.is_empty());
    let shard = m.lookup("shard-1").expect("shard-1");
    let w = WhatIfReport::new(m, c.mesh.as_ref(), &what_if(m, &[shard]));
    let globex = w.tailnets.iter().find(|t| t.tailnet == "globex").expect("globex");
    assert!(globex.admin_blocked && globex.drop_if_restarted.is_empty(), "globex caches its network map");
}

#[test]
fn region_split_of_the_estate() {
    let doc = estate().written;
    let s = split::split_by(&doc.topology, "region").expect("acme spans regions");
    assert_eq!(s.proposals.len(), 1);
    let p = &s.proposals[0];
    assert_eq!(p.tailnet, "acme");
    assert_eq!(
        p.slices,
        [
            ("acme-ap-south".to_string(), "shard-ap-south".to_string(), 20),
            ("acme-eu-west".to_string(), "shard-3".to_string(), 40),
            ("acme-us-east".to_string(), "shard-1".to_string(), 63)
        ]
    );
    assert_eq!(p.new_shards, ["shard-ap-south"]);
    assert_eq!(p.shared, [("acme-us-east-00".to_string(), vec!["acme-eu-west".to_string()])]);
    let after = compile(Document::from_topology(s.after)).expect("the proposal is valid");
    let report = analyze(&after, &Options::default());
    let shard1 = report.mesh.iter().find(|e| e.failure == "shard-1").expect("shard-1");
    assert_eq!(shard1.sentence, "shard-1 down: admin actions blocked for tailnets globex, acme-us-east; 63 nodes would drop if restarted; subnet route 10.20.0.0/16 keeps its primary router but cannot fail over; connections keep flowing");
    assert!(split::split_by(&doc.topology, "colour").is_err());
    let small = load(SMALL).expect("valid").written;
    assert!(split::split_by(&small.topology, "region").is_err(), "nothing spans two regions");
    assert!(small.topology.uses_mesh());
}

#[test]
fn positions_of_mesh_components_point_at_what_produced_them() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/tailnet-estate.yaml"))
        .expect("example");
    let c = load(&text).expect("valid estate");
    let lines: Vec<&str> = text.lines().collect();
    let line_of = |v: u32| {
        let p = c.position(v).unwrap_or_else(|| panic!("{} has a position", c.model.name(v)));
        lines[p.line as usize - 1]
    };
    let mut checked = 0;
    for v in c.model.ids().filter(|&v| !c.model.node(v).is_placement()) {
        let name = c.model.name(v);
        // A generated component points at the entry it was generated from: its node, its tailnet.
        let written = match c.source(v).expect("components have sources").generated {
            None => name.to_string(),
            Some(_) => name.split('/').next().unwrap_or(name).to_string(),
        };
        if name.starts_with("route/") {
            continue; // checked below: the first router
        }
        assert!(line_of(v).contains(&written), "{name}: line `{}` should name `{written}`", line_of(v));
        checked += 1;
    }
    assert!(checked > 300, "only {checked} checked");
    // SARIF points every finding at its subject's line, not at line 1.
    let report = analyze(&c, &Options::default());
    let sarif: serde_json::Value =
        serde_json::from_str(&blastmap_core::export::sarif(&report, &c, &["estate.yaml"])).expect("json");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for r in results {
        let subject = r["locations"][0]["logicalLocations"][0]["name"].as_str().expect("subject");
        let line = r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().expect("line") as usize;
        let want = c.position_of(subject).map_or(1, |p| p.line as usize);
        assert_eq!(line, want, "{subject}");
        if !subject.contains(':') {
            let written = subject.split('/').next().unwrap_or(subject);
            assert!(lines[line - 1].contains(written), "{subject} at line {line}: `{}`", lines[line - 1]);
        }
    }
}

#[test]
fn the_primary_router_is_the_one_that_says_so_and_ephemeral_nodes_will_drop() {
    let text = "
shards: [{ id: s1 }]
tailnets: [{ id: corp, shard: s1 }]
components:
  - { id: r1, tailnet: corp, zone: a, routes: [10.1.0.0/16] }
  - { id: r2, tailnet: corp, zone: b, routes: [10.1.0.0/16], primary_routes: [10.1.0.0/16] }
  - { id: ci-1, tailnet: corp, ephemeral: true }
  - { id: laptop, tailnet: corp }
  - { id: db-client, requires: [route/10.1.0.0/16], critical: true }
";
    let c = load(text).expect("valid");
    let m = &c.model;
    let id = |s: &str| m.lookup(s).unwrap_or_else(|| panic!("{s}"));
    assert_eq!(m.names(m.requires(id("route/10.1.0.0/16"))), ["r2", "route/10.1.0.0/16/failover"]);
    assert_eq!(m.names(m.requires(id("route/10.1.0.0/16/standby"))), ["r1"]);
    let mesh = c.mesh.as_ref().expect("mesh");
    assert_eq!(m.name(mesh.routes[0].primary), "r2");
    assert_eq!(m.names(&mesh.tailnets[0].ephemeral), ["ci-1"]);
    let report = analyze(&c, &Options::default());
    let s1 = report.mesh.iter().find(|e| e.failure == "s1").expect("s1");
    assert_eq!(s1.tailnets[0].ephemeral_dropping, ["ci-1"]);
    assert_eq!(s1.tailnets[0].failover_blocked, ["10.1.0.0/16"]);
    assert!(s1.sentence.contains("; 1 ephemeral node (ci-1) restarts constantly and will drop;"), "{}", s1.sentence);
    let finding = report
        .findings_of(blastmap_core::finding::FindingKind::MeshOutage)
        .find(|f| f.subject == "s1")
        .expect("finding");
    assert_eq!(finding.severity, blastmap_core::report::Severity::High, "ephemeral nodes make the hazard concrete");
    // Hidden, and for the ephemeral nodes too: they lead its evidence.
    use blastmap_core::finding::{Class, Reason};
    assert_eq!(
        (finding.rank.class, finding.rank.reasons.as_slice()),
        (Class::Hidden, &[Reason::Mesh, Reason::Ephemeral][..])
    );
    assert_eq!(finding.evidence, ["s1", "ci-1", "r1", "r2", "laptop"]);
    let shown = blastmap_core::render::text(&report, false);
    assert!(shown.contains("1 ephemeral node (ci-1) restarts constantly and will drop"), "{shown}");
    assert!(blastmap_core::render::markdown(&report).contains("1 ephemeral node (ci-1) restarts constantly"));
    // Without ephemeral nodes the outage is hidden in the mesh's terms only.
    let calm = load(&text.replace("ephemeral: true", "ephemeral: false")).expect("valid");
    let r = analyze(&calm, &Options::default());
    let f =
        r.findings_of(blastmap_core::finding::FindingKind::MeshOutage).find(|f| f.subject == "s1").expect("finding");
    assert_eq!(f.rank.reasons, [Reason::Mesh]);
    // Shard and primary together: the route fails; either alone: it keeps serving.
    assert!(report.double_points.iter().any(|d| d.components == ["s1", "r2"]));
    assert!(report.spofs.iter().all(|s| s.component != "s1" && s.component != "r2"));
    // What-if by concept: the primary fails while the shard is up: the route fails over.
    let w = WhatIfReport::new(m, c.mesh.as_ref(), &what_if(m, &[id("r2")]));
    assert!(w.targets_down.is_empty());
    let w = WhatIfReport::new(m, c.mesh.as_ref(), &what_if(m, &[id("r2"), id("s1")]));
    assert_eq!(w.targets_down, ["db-client"]);
    assert_eq!(w.tailnets[0].routes_down, ["10.1.0.0/16"]);
    // Errors: a primary of a route the node does not advertise; two primaries.
    let bad = text.replace("primary_routes: [10.1.0.0/16]", "primary_routes: [10.9.0.0/16]");
    let e = load(&bad).expect_err("not advertised");
    assert!(e.to_string().contains("does not advertise it"), "{e}");
    let two = text
        .replace("zone: a, routes: [10.1.0.0/16] }", "zone: a, routes: [10.1.0.0/16], primary_routes: [10.1.0.0/16] }");
    let e = load(&two).expect_err("two primaries");
    assert!(e.to_string().contains("has two primary routers, `r1` and `r2`"), "{e}");
}
