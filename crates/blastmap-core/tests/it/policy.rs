//! The policy reach analysis against a brute-force evaluation of the rules, pair by pair, on
//! thousands of small random policies and estates; and its findings on a hand-made tailnet.

use std::collections::BTreeSet;

use blastmap_core::policy::{
    reach, Estate, Policy, PolicyFindingKind, PolicyNode, RelayUse, RouteApprovers, Rule, RuleKind, TagOwners, Target,
};
use proptest::prelude::*;

use crate::props::Rng;

const TAGS: [&str; 3] = ["tag:a", "tag:b", "tag:c"];
const USERS: [&str; 3] = ["u1@x", "u2@x", "u3@x"];

fn random_case(seed: u64) -> (Policy, Estate) {
    let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let n = 1 + r.below(8);
    let mut nodes = Vec::new();
    for i in 0..n {
        let tags: Vec<String> = if r.chance(50) {
            Vec::new()
        } else {
            TAGS.iter().filter(|_| r.chance(40)).map(|t| t.to_string()).collect()
        };
        let routes = if r.chance(25) { vec![format!("10.0.{}.0/24", r.below(3))] } else { Vec::new() };
        nodes.push(PolicyNode {
            id: format!("n{i}"),
            tags,
            user: Some(r.pick(&USERS).to_string()),
            ips: vec![format!("100.64.0.{}", i + 1)],
            routes,
            exit_node: r.chance(10),
            shared: r.chance(10),
        });
    }
    let mut policy = Policy::default();
    for g in ["group:g1", "group:g2"] {
        if r.chance(80) {
            policy.groups.insert(g.into(), USERS.iter().filter(|_| r.chance(50)).map(|u| u.to_string()).collect());
        }
    }
    policy.hosts.insert("h1".into(), format!("100.64.0.{}", 1 + r.below(8)));
    policy.hosts.insert("h2".into(), "10.0.0.0/16".into());
    policy.hosts.insert("bad".into(), "not-an-address".into());
    let ip1 = format!("100.64.0.{}", 1 + r.below(8));
    let src_pool: Vec<&str> = vec![
        "*",
        "tag:a",
        "tag:b",
        "tag:c",
        "group:g1",
        "group:g2",
        "group:missing",
        "u1@x",
        "u2@x",
        "autogroup:member",
        "autogroup:tagged",
        "autogroup:shared",
        "autogroup:admin",
        "autogroup:danger-all",
        "autogroup:self",
        &ip1,
        "100.64.0.0/30",
        "h1",
        "bad",
        "ipset:x",
        "nowhere",
    ];
    let mut dst_pool = src_pool.clone();
    dst_pool.extend(["autogroup:internet", "10.0.1.0/24", "h2", "0.0.0.0/0", "10.0.0.0/8"]);
    for k in 0..1 + r.below(5) {
        let grant = r.chance(40);
        let ports = vec![if r.chance(50) { "*".to_string() } else { "22".to_string() }];
        let src = (0..1 + r.below(3)).map(|_| Target::new(r.pick(&src_pool), vec![], None)).collect();
        let dst = (0..1 + r.below(3)).map(|_| Target::new(r.pick(&dst_pool), ports.clone(), None)).collect();
        policy.rules.push(Rule {
            kind: if grant { RuleKind::Grant } else { RuleKind::Acl },
            index: k,
            pos: None,
            src,
            dst,
            network: !(grant && r.chance(25)),
            app: Vec::new(),
            via: Vec::new(),
        });
    }
    (policy, Estate { nodes, relay_uses: Vec::new() })
}

/// A principal as the oracle sees it.
struct Who {
    tags: Vec<String>,
    user: Option<String>,
    ip: Option<u32>,
    shared: bool,
    me: Option<usize>,
}

fn ipv4(s: &str) -> Option<u32> {
    let parts: Vec<u32> = s.split('.').map(|p| p.parse().ok()).collect::<Option<Vec<u32>>>()?;
    (parts.len() == 4 && parts.iter().all(|p| *p < 256)).then(|| parts.iter().fold(0, |a, p| a * 256 + p))
}

/// (network, prefix length) of an IPv4 address or CIDR.
fn cidr(s: &str) -> Option<(u32, u32)> {
    let (a, bits) = match s.split_once('/') {
        Some((a, b)) => (a, b.parse().ok()?),
        None => (s, 32),
    };
    let ip = ipv4(a)?;
    let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
    Some((ip & mask, bits))
}

fn within(ip: u32, (net, bits): (u32, u32)) -> bool {
    let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
    ip & mask == net
}

fn overlap(a: (u32, u32), b: (u32, u32)) -> bool {
    within(a.0, b) || within(b.0, a)
}

fn host(p: &Policy, s: &str) -> Option<(u32, u32)> {
    cidr(s).or_else(|| p.hosts.get(s).and_then(|h| cidr(h)))
}

/// Does selector `s` select `w` (as a source, or a destination node)?
fn matches(p: &Policy, s: &str, w: &Who) -> bool {
    let tagged = !w.tags.is_empty();
    match s {
        "*" | "autogroup:danger-all" => true,
        "autogroup:member" => !tagged && !w.shared,
        "autogroup:tagged" => tagged && !w.shared,
        "autogroup:shared" => w.shared,
        _ if s.starts_with("tag:") => !w.shared && w.tags.iter().any(|t| t == s),
        _ if s.starts_with("group:") => {
            !tagged && p.groups.get(s).is_some_and(|m| w.user.as_ref().is_some_and(|u| m.contains(u)))
        }
        _ if s.contains('@') => !tagged && w.user.as_deref() == Some(s),
        _ if s.starts_with("autogroup:") || s.starts_with("ipset:") => false,
        _ => match (host(p, s), w.ip) {
            (Some(c), Some(ip)) => within(ip, c),
            _ => false,
        },
    }
}

fn node_who(n: &PolicyNode, i: usize) -> Who {
    Who {
        tags: n.tags.clone(),
        user: n.user.clone(),
        ip: n.ips.first().and_then(|s| ipv4(s)),
        shared: n.shared,
        me: Some(i),
    }
}

/// (nodes reached, routes reached, internet), evaluated rule by rule and pair by pair.
fn oracle(p: &Policy, e: &Estate, w: &Who) -> (Vec<String>, Vec<String>, bool) {
    let mut nodes = Vec::new();
    for (i, m) in e.nodes.iter().enumerate() {
        if w.me == Some(i) {
            continue;
        }
        let target = node_who(m, i);
        let ok = p.rules.iter().filter(|r| r.network).any(|r| {
            r.src.iter().any(|s| matches(p, &s.selector, w))
                && r.dst.iter().any(|d| {
                    if d.selector == "autogroup:self" {
                        w.tags.is_empty()
                            && !w.shared
                            && target.tags.is_empty()
                            && !target.shared
                            && target.user.is_some()
                            && target.user == w.user
                    } else {
                        matches(p, &d.selector, &target)
                    }
                })
        });
        if ok {
            nodes.push(m.id.clone());
        }
    }
    let mut routes = BTreeSet::new();
    let mut internet = false;
    for r in p.rules.iter().filter(|r| r.network) {
        if !r.src.iter().any(|s| matches(p, &s.selector, w)) {
            continue;
        }
        for d in &r.dst {
            let s = d.selector.as_str();
            if s == "*" || s == "autogroup:danger-all" || s == "autogroup:internet" {
                internet = true;
            }
            for n in &e.nodes {
                for route in &n.routes {
                    let hit = s == "*"
                        || s == "autogroup:danger-all"
                        || host(p, s).zip(cidr(route)).is_some_and(|(a, b)| overlap(a, b));
                    if hit {
                        routes.insert(route.clone());
                    }
                }
            }
            if host(p, s).is_some_and(|c| c.1 == 0) {
                internet = true;
            }
        }
    }
    (nodes, routes.into_iter().collect(), internet)
}

fn check_case(seed: u64) {
    let (p, e) = random_case(seed);
    let r = reach(&p, &e);
    let got = |x: &blastmap_core::policy::Reach| {
        (r.names(&x.reaches).into_iter().map(str::to_string).collect::<Vec<_>>(), x.routes.clone(), x.internet)
    };
    for (i, n) in e.nodes.iter().enumerate() {
        let want = oracle(&p, &e, &node_who(n, i));
        assert_eq!(got(&r.nodes[i]), want, "seed {seed}: node {}\n{p:#?}\n{e:#?}", n.id);
    }
    for t in &r.tags {
        let w = Who { tags: vec![t.principal.clone()], user: None, ip: None, shared: false, me: None };
        assert_eq!(got(t), oracle(&p, &e, &w), "seed {seed}: {}\n{p:#?}\n{e:#?}", t.principal);
    }
    for u in &r.users {
        let w = Who { tags: vec![], user: Some(u.principal.clone()), ip: None, shared: false, me: None };
        assert_eq!(got(u), oracle(&p, &e, &w), "seed {seed}: {}\n{p:#?}\n{e:#?}", u.principal);
    }
    for g in &r.groups {
        let mut nodes = BTreeSet::new();
        let mut routes = BTreeSet::new();
        let mut internet = false;
        for m in &p.groups[&g.principal] {
            let w = Who { tags: vec![], user: Some(m.clone()), ip: None, shared: false, me: None };
            let (n, rt, i) = oracle(&p, &e, &w);
            nodes.extend(n);
            routes.extend(rt);
            internet |= i;
        }
        let ordered: Vec<String> = e.nodes.iter().filter(|n| nodes.contains(&n.id)).map(|n| n.id.clone()).collect();
        assert_eq!(got(g), (ordered, routes.into_iter().collect(), internet), "seed {seed}: {}", g.principal);
    }
    // Every tag on a node of the tailnet and every user in a group is a principal.
    for n in e.nodes.iter().filter(|n| !n.shared) {
        for t in &n.tags {
            assert!(r.tags.iter().any(|x| &x.principal == t), "seed {seed}: {t} missing");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn reach_agrees_with_the_rules_pair_by_pair(seed in any::<u64>()) {
        check_case(seed);
    }
}

fn node(id: &str, tags: &[&str], user: &str, ip: &str, routes: &[&str]) -> PolicyNode {
    PolicyNode {
        id: id.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        user: (!user.is_empty()).then(|| user.to_string()),
        ips: vec![ip.into()],
        routes: routes.iter().map(|r| r.to_string()).collect(),
        exit_node: false,
        shared: false,
    }
}

fn rule(kind: RuleKind, index: usize, src: &[&str], dst: &[&str], ports: &[&str]) -> Rule {
    let ports: Vec<String> = ports.iter().map(|p| p.to_string()).collect();
    Rule {
        kind,
        index,
        pos: None,
        src: src.iter().map(|s| Target::new(*s, vec![], None)).collect(),
        dst: dst.iter().map(|d| Target::new(*d, ports.clone(), None)).collect(),
        network: !ports.is_empty(),
        app: Vec::new(),
        via: Vec::new(),
    }
}

#[test]
fn findings_on_a_small_tailnet() {
    let estate = Estate {
        nodes: vec![
            node("laptop", &[], "alice@x", "100.64.0.1", &[]),
            node("router-a", &["tag:router"], "", "100.64.0.2", &["10.1.0.0/24"]),
            node("router-b", &["tag:router"], "", "100.64.0.3", &["10.1.0.0/24"]),
            node("ci", &["tag:ci"], "", "100.64.0.4", &[]),
            node("db", &["tag:db"], "", "100.64.0.5", &[]),
        ],
        relay_uses: vec![
            RelayUse {
                node: "db".into(),
                peer: Some("laptop".into()),
                relay: "pr".into(),
                server: Some("router-a".into()),
            },
            RelayUse { node: "ci".into(), peer: None, relay: "pr".into(), server: Some("router-a".into()) },
            RelayUse { node: "ci".into(), peer: None, relay: "elsewhere".into(), server: None },
        ],
    };
    let mut relay = rule(RuleKind::Grant, 1, &["tag:ci"], &["tag:router"], &[]);
    relay.app = vec!["tailscale.com/cap/relay".into()];
    let policy = Policy {
        rules: vec![
            rule(RuleKind::Acl, 0, &["*"], &["*"], &["*"]),
            rule(RuleKind::Grant, 0, &["tag:ci"], &["tag:db"], &["tcp:5432"]),
            relay,
        ],
        groups: [("group:eng".to_string(), vec!["alice@x".to_string()])].into(),
        tag_owners: vec![
            TagOwners { tag: "tag:router".into(), owners: vec!["group:eng".into()], pos: None },
            TagOwners { tag: "tag:ci".into(), owners: vec!["tag:router".into(), "autogroup:admin".into()], pos: None },
        ],
        route_approvers: vec![RouteApprovers {
            prefix: "10.0.0.0/8".into(),
            approvers: vec!["tag:ci".into()],
            pos: None,
        }],
        ..Policy::default()
    };
    let r = reach(&policy, &estate);
    let kinds: Vec<(PolicyFindingKind, &str)> = r.findings.iter().map(|f| (f.kind, f.subject.as_str())).collect();
    assert_eq!(
        kinds,
        [
            (PolicyFindingKind::AllowsEverything, "acls[0]"),
            (PolicyFindingKind::BlastRadius, "tag:ci"),
            (PolicyFindingKind::BlastRadius, "tag:db"),
            (PolicyFindingKind::BlastRadius, "tag:router"),
            (PolicyFindingKind::BlastRadius, "group:eng"),
            (PolicyFindingKind::RouteTakeover, "group:eng"),
            (PolicyFindingKind::RouteTakeover, "tag:router"),
            (PolicyFindingKind::ForbiddenRelay, "pr"),
        ],
        "{:#?}",
        r.findings
    );
    let titles: Vec<&str> = r.findings.iter().map(|f| f.title.as_str()).collect();
    assert_eq!(
        titles[0],
        "acls[0] lets `*` open connections to every node on every port (sources: 5 nodes of the estate)"
    );
    assert_eq!(
        titles[1],
        "a node tagged `tag:ci` reaches 5 nodes (laptop, router-a, router-b and 2 more), 1 subnet route (10.1.0.0/24) and the internet through exit nodes, by acls[0], grants[0]"
    );
    assert_eq!(titles[4], "an account of `group:eng` reaches 5 nodes (laptop, router-a, router-b and 2 more), 1 subnet route (10.1.0.0/24) and the internet through exit nodes, by acls[0]");
    assert_eq!(
        titles[5],
        "one compromised account of `group:eng` can apply `tag:router`, which can apply `tag:ci`, whose nodes get routes in 10.0.0.0/8 approved without an admin: it can re-route 10.1.0.0/24 (served by router-a, router-b)"
    );
    assert_eq!(
        titles[7],
        "`pr` (on `router-a`) is no path for `db` and `laptop`: no grant gives either end `tailscale.com/cap/relay` to `router-a`"
    );
    // ci may use the relay (the grant's source); the relay whose node is unknown is said, not judged.
    assert_eq!(r.forbidden_relays.len(), 1);
    assert!(r.unevaluated.iter().any(|u| u.selector == "elsewhere"), "{:#?}", r.unevaluated);
    assert_eq!(r.names(&r.nodes[3].reaches), ["laptop", "router-a", "router-b", "db"]);
}

#[test]
fn a_node_reaching_beyond_its_tags_is_a_finding() {
    let estate = Estate {
        nodes: vec![
            node("db", &["tag:db"], "", "100.64.0.5", &[]),
            node("db-2", &["tag:db"], "", "100.64.0.6", &[]),
            node("router", &["tag:router"], "", "100.64.0.2", &[]),
            node("laptop", &[], "alice@x", "100.64.0.1", &[]),
        ],
        relay_uses: Vec::new(),
    };
    let policy = Policy {
        rules: vec![
            rule(RuleKind::Acl, 0, &["100.64.0.5"], &["tag:router", "alice@x"], &["22"]),
            rule(RuleKind::Acl, 1, &["tag:db"], &["tag:db"], &["5432"]),
        ],
        ..Policy::default()
    };
    let r = reach(&policy, &estate);
    let titles: Vec<&str> = r.findings.iter().map(|f| f.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "`db` reaches 3 nodes (db-2, router, laptop), by acls[0], acls[1]; 2 nodes only through rules naming its addresses (router, laptop)",
            "a node tagged `tag:db` reaches 2 nodes (db, db-2), by acls[1]",
        ]
    );
    // db-2 reaches only what its tag gives: no finding of its own.
    assert_eq!(r.names(&r.nodes[1].reaches), ["db"]);
}

/// The report's policy section: principals widest first with their lists cut at `REACH_NAMES`
/// beside the full count, the findings as report findings of their own kinds (critical when they
/// name a critical component), text and Markdown sections that lead with the findings.
#[test]
fn the_report_section_ranks_principals_cuts_lists_and_adds_findings() {
    use blastmap_core::policy_report::{is_policy_kind, PolicySection, REACH_NAMES};
    use blastmap_core::report::{FindingKind, Report};

    let n = REACH_NAMES + 5;
    let mut nodes: Vec<PolicyNode> =
        (0..n).map(|i| node(&format!("n{i:02}"), &["tag:fleet"], "", &format!("100.64.1.{i}"), &[])).collect();
    nodes.push(node("ci", &["tag:ci"], "", "100.64.0.4", &[]));
    nodes.push(node("db", &["tag:db"], "", "100.64.0.5", &[]));
    let estate = Estate { nodes, relay_uses: Vec::new() };
    let policy = Policy {
        rules: vec![
            rule(RuleKind::Acl, 0, &["tag:ci"], &["*"], &["*"]),
            rule(RuleKind::Acl, 1, &["tag:fleet"], &["tag:db"], &["5432"]),
        ],
        ..Policy::default()
    };
    let r = reach(&policy, &estate);
    let section = PolicySection::new("acme.hujson", "acme.com", estate.nodes.len(), &r, Vec::new());
    let top: Vec<(&str, usize, usize)> =
        section.principals.iter().take(3).map(|p| (p.principal.as_str(), p.reaches_count, p.reaches.len())).collect();
    // tag:ci (a new node) reaches every node; the node ci every node but itself.
    assert_eq!(top, [("tag:ci", n + 2, REACH_NAMES), ("ci", n + 1, REACH_NAMES), ("tag:fleet", 1, 1)]);
    assert!(section.cut());
    assert_eq!(section.principal("tag:fleet").map(|p| p.reaches.as_slice()), Some(&["db".to_string()][..]));

    let topology = format!(
        "components:\n  - {{id: db, critical: true}}\n  - id: ci\n{}",
        (0..n).map(|i| format!("  - id: n{i:02}\n")).collect::<String>()
    );
    let compiled = blastmap_core::load(&topology).unwrap();
    let mut report = Report::default();
    report.police(&compiled.model, section.clone());
    let kinds: Vec<(FindingKind, bool)> = report.findings.iter().map(|f| (f.kind, f.critical)).collect();
    // The rule's evidence is its sources (ci, not critical); what tag:ci reaches includes db.
    assert!(kinds.contains(&(FindingKind::PolicyAllowsAll, false)), "{kinds:?}");
    assert!(kinds.contains(&(FindingKind::PolicyBlastRadius, true)), "{kinds:?}");
    assert_eq!(report.findings.len(), section.findings.len());
    assert!(report.findings.iter().all(|f| is_policy_kind(f.kind)));
    assert!(report.findings.windows(2).all(|w| w[0].severity <= w[1].severity));

    let text = blastmap_core::render::text(&report, false);
    let at = text.find("Policy reach (acme.hujson on tailnet acme.com: 27 nodes, ").expect(&text);
    let section_text = &text[at..];
    // Findings first, then the widest reach, then the cut said.
    let first_finding = section_text.find("HIGH     a node tagged tag:ci reaches 27 nodes").expect(section_text);
    let widest = section_text.find("Widest reach").expect(section_text);
    assert!(first_finding < widest, "{section_text}");
    assert!(
        section_text.contains("    tag:ci    27 nodes (n00, n01, n02 … +24); the internet through exit nodes\n"),
        "{section_text}"
    );
    assert!(section_text.contains(&format!("keeps its first {REACH_NAMES} names beside its count")), "{section_text}");
    // Not repeated among the generic sections.
    assert!(!text[..at].contains("acls[0] lets"), "{text}");
    let md = blastmap_core::render::markdown(&report);
    assert!(md.contains("### Policy reach: `acme.hujson` on tailnet `acme.com`"), "{md}");
    assert!(
        md.contains(
            "| `tag:ci` | 27 nodes (`n00`, `n01`, `n02`, `n03`, `n04` … +22); the internet through exit nodes |"
        ),
        "{md}"
    );
    assert!(md.contains("| Policy: route takeover | 0 |"), "{md}");
    // Without a policy the table does not claim a check.
    assert!(!blastmap_core::render::markdown(&Report::default()).contains("Policy:"));
    // The JSON round-trips.
    let json = serde_json::to_string(&report).unwrap();
    let back: Report = serde_json::from_str(&json).unwrap();
    assert_eq!(back.policy, report.policy);
}

/// A split compared under the same policy: a shared node reached by `*` stays reached, pairs cut
/// between the new tailnets are one low finding, and a rule on shared nodes opens new paths.
#[test]
fn a_split_keeps_or_loses_reach_as_the_policy_says() {
    use blastmap_core::split::check_policy;
    let mut db = node("db", &["tag:db"], "", "100.64.0.3", &[]);
    let before = Estate {
        nodes: vec![
            node("a", &["tag:app"], "", "100.64.0.1", &[]),
            node("b", &["tag:app"], "", "100.64.0.2", &[]),
            db.clone(),
        ],
        relay_uses: Vec::new(),
    };
    // After: a and db in east, b in west with db shared into it.
    let east = Estate { nodes: vec![before.nodes[0].clone(), db.clone()], relay_uses: Vec::new() };
    db.shared = true;
    let west = Estate { nodes: vec![before.nodes[1].clone(), db], relay_uses: Vec::new() };
    let after = [("t-east".to_string(), east), ("t-west".to_string(), west)];
    let shared = [("db".to_string(), vec!["t-west".to_string()])];

    let everyone = Policy { rules: vec![rule(RuleKind::Acl, 0, &["*"], &["*"], &["*"])], ..Policy::default() };
    let c = check_policy("p", "t", &everyone, &before, &after, &shared);
    assert!(c.opened.is_empty(), "{:#?}", c.opened);
    let lost: Vec<(&str, Vec<&str>)> =
        c.lost.iter().map(|l| (l.node.as_str(), l.principals.iter().map(String::as_str).collect())).collect();
    // db stays in east: as a node it no longer reaches b (tags reach across: a new node may
    // carry them in either tailnet).
    assert_eq!(lost, [("a", vec!["b"]), ("b", vec!["a", "db"])]);
    assert_eq!(c.findings.len(), 1);
    assert_eq!(
        c.findings[0].title,
        "the split cuts 3 principal-to-node reaches the policy allows today, to `a` and `b` in other tailnets (nothing in the design depends on them, so they are not shared)"
    );

    let by_tag = Policy {
        rules: vec![
            rule(RuleKind::Acl, 0, &["tag:app"], &["tag:db"], &["5432"]),
            rule(RuleKind::Acl, 1, &["tag:app"], &["autogroup:shared"], &["*"]),
        ],
        ..Policy::default()
    };
    let c = check_policy("p", "t", &by_tag, &before, &after, &shared);
    // b reached db by its tag; in t-west db is shared, and autogroup:shared lets b reach it:
    // nothing lost for db, and nothing new either (b reached it before).
    assert!(c.lost.iter().all(|l| l.node != "db"), "{:#?}", c.lost);
    let by_tag_only = Policy { rules: vec![by_tag.rules[0].clone()], ..Policy::default() };
    let c = check_policy("p", "t", &by_tag_only, &before, &after, &shared);
    assert_eq!(c.lost[0].node, "db");
    assert_eq!(c.lost[0].principals, ["b"]);
    assert_eq!(c.findings[0].severity, blastmap_core::report::Severity::High);
    let shared_only = Policy { rules: vec![by_tag.rules[1].clone()], ..Policy::default() };
    let c = check_policy("p", "t", &shared_only, &before, &after, &shared);
    assert_eq!(c.opened.len(), 1, "{:#?}", c.opened);
    assert_eq!(
        (c.opened[0].node.as_str(), c.opened[0].principals.as_slice()),
        ("db", &["b".to_string(), "tag:app".to_string()][..])
    );
}
