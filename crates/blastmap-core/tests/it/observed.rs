//! Declared versus observed: each normalisation rule, ambiguity, the marks on edges, the
//! weighing of hidden calls (single points of failure, broken redundancy, cycles, nothing;
//! alone, together, and when the budget cuts), the report section on every surface, and the
//! weighing against a brute-force oracle on random topologies.

use std::collections::{BTreeMap, BTreeSet};

use blastmap_core::format::{parse, Document, RefField};
use blastmap_core::observed::{compare, normalise, Comparison, Key, Limits, MatchRule, Observation};
use blastmap_core::report::{analyze, FindingKind, Options, Severity};
use blastmap_core::spec::Topology;
use blastmap_core::{compile, load, render, Compiled, Report};

use crate::oracle::Oracle;
use crate::props::random_topology;

fn design(yaml: &str) -> Compiled {
    load(yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"))
}

/// Observed calls written `a -> b` one per line (services alone as a bare name).
fn traces(lines: &str) -> Observation {
    let mut o = Observation::default();
    for line in lines.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match line.split_once("->") {
            Some((a, b)) => o.calls.push(blastmap_core::observed::Call {
                from: a.trim().into(),
                to: b.trim().into(),
                count: Some(1),
                pos: None,
            }),
            None => o.services.push(blastmap_core::observed::ObservedService { name: line.into(), pos: None }),
        }
    }
    o
}

fn compared(yaml: &str, calls: &str) -> Comparison {
    compare(&design(yaml), &traces(calls), &Limits::default())
}

/// The component an observed name matched, and by which rule.
fn matched(c: &Comparison, observed: &str) -> Option<(String, MatchRule)> {
    c.report.matches.iter().find(|m| m.observed == observed).map(|m| (m.component.clone(), m.rule))
}

fn key(ns: Option<&str>, name: &str) -> Key {
    Key { namespace: ns.map(str::to_string), name: name.into() }
}

#[test]
fn each_normalisation_rule_reduces_a_name_to_its_key() {
    let cases = [
        // case
        ("Cart", key(None, "cart")),
        // namespace, three ways, and a Kubernetes id with one
        ("shop/cart", key(Some("shop"), "cart")),
        ("cart.shop", key(Some("shop"), "cart")),
        ("cart.shop.svc.cluster.local", key(Some("shop"), "cart")),
        ("cart.shop.svc", key(Some("shop"), "cart")),
        ("shop/deployment/cart", key(Some("shop"), "cart")),
        // service suffixes
        ("cartservice", key(None, "cart")),
        ("cart-service", key(None, "cart")),
        ("cart_service", key(None, "cart")),
        ("service", key(None, "service")),
        // Kubernetes kinds
        ("deployment/cart", key(None, "cart")),
        ("service/cart", key(None, "cart")),
        ("statefulset/cart", key(None, "cart")),
        ("daemonset/cart", key(None, "cart")),
        // Backstage kinds
        ("component:shop/cart", key(Some("shop"), "cart")),
        ("resource:pgdb", key(None, "pgdb")),
        // replica suffix
        ("cart#12", key(None, "cart")),
        ("deployment/cartservice#2", key(None, "cart")),
        // what stays: a host name of three labels, a `#` not followed by digits
        ("api.stripe.com", key(None, "api.stripe.com")),
        ("cart#a", key(None, "cart#a")),
    ];
    for (name, want) in cases {
        assert_eq!(normalise(name), want, "{name}");
    }
}

#[test]
fn names_match_by_the_first_rule_that_finds_a_component() {
    let c = compared(
        "components:\n- {id: frontend, requires: [cart, checkout]}\n- {id: cart}\n- {id: checkout}\n- {id: shop/deployment/ad}\n",
        "frontend -> cart\nFrontend\nshop-checkout-1\ncartservice\nad.shop.svc.cluster.local\nad-2\n",
    );
    assert_eq!(matched(&c, "frontend"), Some(("frontend".into(), MatchRule::Exact)));
    assert_eq!(matched(&c, "Frontend"), Some(("frontend".into(), MatchRule::Case)));
    assert_eq!(matched(&c, "cartservice"), Some(("cart".into(), MatchRule::Normalised)));
    assert_eq!(matched(&c, "ad.shop.svc.cluster.local"), Some(("shop/deployment/ad".into(), MatchRule::Normalised)));
    assert_eq!(matched(&c, "shop-checkout-1"), Some(("checkout".into(), MatchRule::ComposeContainer)));
    assert_eq!(matched(&c, "ad-2"), Some(("shop/deployment/ad".into(), MatchRule::ComposeContainer)));
    let keyed = c.report.matches.iter().find(|m| m.observed == "ad.shop.svc.cluster.local").unwrap();
    assert_eq!(keyed.key.as_deref(), Some("shop/ad"));
}

#[test]
fn a_service_its_workload_and_replicas_are_one_service_called_at_its_front() {
    // A Kubernetes Service, its Deployment, and the Deployment's replicas share a key: one
    // service. Calls arrive at the Service and leave from the Deployment.
    let yaml = "components:
- {id: deployment/frontend, requires: [service/cart]}
- {id: service/frontend, requires: [deployment/frontend]}
- {id: service/cart, requires: [deployment/cart]}
- {id: deployment/cart, need: 1, requires: ['deployment/cart#1', 'deployment/cart#2']}
- {id: 'deployment/cart#1'}
- {id: 'deployment/cart#2'}
- {id: service/redis, requires: [deployment/redis]}
- {id: deployment/redis}
";
    let c = compared(yaml, "frontend -> cartservice\ncartservice -> redis\n");
    assert_eq!(matched(&c, "cartservice"), Some(("service/cart".into(), MatchRule::Normalised)));
    assert_eq!(matched(&c, "frontend"), Some(("service/frontend".into(), MatchRule::Normalised)));
    assert!(c.report.ambiguous.is_empty(), "{:?}", c.report.ambiguous);
    // frontend → cart is declared (by the Deployment); cart → redis is not, and leaves from the
    // Deployment whose replicas hold the dependencies.
    let hidden = &c.report.hidden;
    assert_eq!(hidden.len(), 1, "{hidden:?}");
    assert_eq!((hidden[0].from.as_str(), hidden[0].to.as_str()), ("deployment/cart", "service/redis"));
    // Both replicas would need redis: it breaks the replica group and takes down the front door.
    let e = &hidden[0].effects;
    assert_eq!(e.broken_redundancy[0].component, "deployment/cart");
    assert!(e.spofs.iter().any(|s| s.component == "service/redis" && s.takes_down == ["service/frontend"]), "{e:?}");
}

#[test]
fn two_components_with_one_key_are_ambiguous_never_guessed() {
    let yaml = "components:\n- {id: web, requires: [cart, cart-service]}\n- {id: cart}\n- {id: cart-service}\n- {id: shop/deployment/db}\n- {id: billing/deployment/db}\n";
    let c = compared(yaml, "web -> cartservice\nweb -> db\nweb -> db.shop\nweb -> cart\n");
    let ambiguous: BTreeMap<&str, &Vec<String>> =
        c.report.ambiguous.iter().map(|a| (a.observed.as_str(), &a.candidates)).collect();
    assert_eq!(ambiguous["cartservice"], &vec!["cart".to_string(), "cart-service".to_string()]);
    assert_eq!(ambiguous["db"], &vec!["shop/deployment/db".to_string(), "billing/deployment/db".to_string()]);
    // A namespace settles it; an exact id always does.
    assert_eq!(matched(&c, "db.shop"), Some(("shop/deployment/db".into(), MatchRule::Normalised)));
    assert_eq!(matched(&c, "cart"), Some(("cart".into(), MatchRule::Exact)));
    // Calls of ambiguous names are not compared: no hidden dependency is made up from them.
    assert!(c.report.hidden.iter().all(|h| h.to != "cart-service"), "{:?}", c.report.hidden);
    let text = render_text(yaml, "web -> cartservice\nweb -> cart\n");
    assert!(text.contains("ambiguous, so not compared (1): cartservice fits cart, cart-service"), "{text}");
}

#[test]
fn every_edge_between_matched_components_is_marked_with_its_kind() {
    let yaml = "components:
- {id: frontend, requires: [cart, ad], requires_at_start: [config], monitored_by: [otel]}
- {id: cart, requires: [redis]}
- {id: ad}
- {id: redis}
- {id: config}
- {id: otel}
- {id: checkout}
";
    let c = compared(yaml, "frontend -> cart\ncart -> redis\nfrontend -> checkout\nfrontend -> otel\nconfig\nad\n");
    let marks: BTreeSet<(String, String, String, Option<RefField>)> = c
        .report
        .marks
        .iter()
        .map(|n| {
            let e = n.edge.as_ref().unwrap();
            (n.rule.clone(), e.from.clone(), e.to.clone(), e.field)
        })
        .collect();
    let m = |rule: &str, from: &str, to: &str, field: Option<RefField>| (rule.into(), from.into(), to.into(), field);
    let want: BTreeSet<_> = [
        m("observed.both", "frontend", "cart", Some(RefField::Requires)),
        m("observed.both", "cart", "redis", Some(RefField::Requires)),
        m("observed.both", "frontend", "otel", Some(RefField::MonitoredBy)),
        m("declared.only", "frontend", "ad", Some(RefField::Requires)),
        m("declared.only", "frontend", "config", Some(RefField::RequiresAtStart)),
        m("observed.only", "frontend", "checkout", None),
    ]
    .into_iter()
    .collect();
    assert_eq!(marks, want);
    assert!(c.report.marks.iter().all(|n| n.kind == blastmap_core::note::NoteKind::Observed));
    // Each declared-only edge is a low finding naming its kind; checkout is a hidden dependency.
    let titles: Vec<&str> = c.findings.iter().map(|f| f.title.as_str()).collect();
    assert!(titles.contains(&"declared, never observed: `frontend` → `ad` (requires)"), "{titles:?}");
    assert!(titles.contains(&"declared, never observed: `frontend` → `config` (requires_at_start)"), "{titles:?}");
    let unobserved: Vec<_> = c.findings.iter().filter(|f| f.kind == FindingKind::UnobservedDependency).collect();
    assert!(unobserved.iter().all(|f| f.severity == Severity::Low));
    assert_eq!(c.report.hidden[0].to, "checkout");
}

#[test]
fn unmatched_names_on_both_sides_are_listed_with_their_calls() {
    let c = compared(
        "components:\n- {id: frontend, requires: [cart]}\n- {id: cart}\n- {id: redis}\n",
        "loadgenerator -> frontend\nfrontend -> cart\nfrontend -> fraud\n",
    );
    let unmatched: BTreeMap<&str, (&Vec<String>, &Vec<String>)> =
        c.report.unmatched.iter().map(|u| (u.name.as_str(), (&u.calls, &u.called_by))).collect();
    assert_eq!(unmatched["loadgenerator"], (&vec!["frontend".to_string()], &vec![]));
    assert_eq!(unmatched["fraud"], (&vec![], &vec!["frontend".to_string()]));
    assert_eq!(c.report.unobserved_components, ["redis"]);
    // A call to a service the design does not have is a hidden dependency too, weighed with a
    // stand-in for the service.
    let fraud = c.report.hidden.iter().find(|h| h.to == "fraud").unwrap();
    assert!(!fraud.in_design);
    assert_eq!(fraud.effects.spofs[0].component, "fraud");
    let f = c.findings.iter().find(|f| f.kind == FindingKind::HiddenDependency).unwrap();
    assert_eq!(
        f.title,
        "hidden dependency: `frontend` calls `fraud`, which the design does not have; as a requirement it would make `fraud` a single point of failure of `frontend`"
    );
    assert_eq!(f.evidence, ["frontend"], "evidence names only components of the design");
}

#[test]
fn a_hidden_call_that_makes_a_single_point_of_failure_is_high() {
    let c =
        compared("components:\n- {id: web, requires: [db]}\n- {id: db}\n- {id: auth}\n", "web -> db\nweb -> auth\n");
    let f = &c.findings[0];
    assert_eq!((f.kind, f.severity), (FindingKind::HiddenDependency, Severity::High));
    assert_eq!(
        f.title,
        "hidden dependency: `web` calls `auth` at runtime but the design does not declare it; as a requirement it would make `auth` a single point of failure of `web`"
    );
    assert_eq!(f.evidence, ["web", "auth"]);
}

#[test]
fn a_hidden_call_from_a_k_of_n_gate_is_a_hard_dependency_not_one_more_alternative() {
    // `web` is 1-of-2 over its backends; the call to `auth` does not make it 1-of-3.
    let c = compared(
        "components:\n- {id: web, need: 1, requires: [a, b]}\n- {id: a}\n- {id: b}\n- {id: auth}\n",
        "web -> auth\n",
    );
    assert_eq!(c.report.hidden[0].effects.spofs[0].component, "auth");
    assert!(c.report.hidden[0].effects.broken_redundancy.is_empty(), "web's own 1-of-2 still holds");
}

#[test]
fn a_hidden_call_that_closes_a_cycle_is_medium() {
    let c = compared("components:\n- {id: a, requires: [b]}\n- {id: b}\n- {id: c, requires: [a]}\n", "b -> a\n");
    let h = &c.report.hidden[0];
    assert_eq!(h.effects.cycles, [vec!["a".to_string(), "b".to_string()]]);
    assert!(h.effects.spofs.is_empty(), "a and b already take c down");
    assert_eq!(c.findings[0].severity, Severity::Medium);
    assert!(c.findings[0].title.ends_with("as a requirement it would close a runtime cycle through `a`, `b`"));
}

#[test]
fn a_hidden_call_that_changes_nothing_is_still_reported_low() {
    let c = compared("components:\n- {id: web, requires: [api, db]}\n- {id: api}\n- {id: db}\n", "api -> db\n");
    assert_eq!(c.findings[0].severity, Severity::Low);
    assert!(c.findings[0]
        .title
        .ends_with("as a requirement it would change no single point of failure, redundancy or cycle"));
}

/// A 1-of-2 store whose two members each call `cfg`: neither call alone changes anything,
/// together they break the store.
const SHARED: &str = "components:
- {id: web, requires: [store]}
- {id: store, need: 1, requires: [a, b]}
- {id: a}
- {id: b}
- {id: cfg}
";

#[test]
fn changes_that_need_several_hidden_calls_are_attributed_to_each_that_carries_them() {
    let c = compared(SHARED, "a -> cfg\nb -> cfg\n");
    assert!(c.report.one_by_one);
    assert!(c.incomplete.is_empty(), "{:?}", c.incomplete);
    for h in &c.report.hidden {
        assert!(h.effects.is_empty(), "{h:?}");
        assert_eq!(h.with_others.broken_redundancy[0].component, "store");
        assert_eq!(h.with_others.broken_redundancy[0].taken_down_by, ["cfg"]);
        assert_eq!(h.with_others.spofs[0].takes_down, ["web"]);
    }
    assert!(c.findings.iter().all(|f| f.severity == Severity::Medium));
    assert!(c.findings[0].title.contains("; with other hidden calls it would make `cfg` a single point of failure of `web`, and break the redundancy of `store` (`cfg` alone would take it down)"), "{}", c.findings[0].title);
}

#[test]
fn beyond_the_limits_the_calls_are_weighed_together_and_the_report_says_so() {
    let all_together = Limits { one_by_one: 1, ..Limits::default() };
    let c = compare(&design(SHARED), &traces("a -> cfg\nb -> cfg\n"), &all_together);
    assert!(!c.report.one_by_one);
    assert_eq!(c.incomplete.len(), 1, "{:?}", c.incomplete);
    assert!(c.incomplete[0].starts_with("2 hidden dependencies were weighed all together, not one by one"));
    for h in &c.report.hidden {
        assert!(!h.alone);
        assert_eq!(h.effects.broken_redundancy[0].component, "store");
    }
    assert!(c.findings[0].title.contains("as a requirement, with the other hidden calls, it would make"));
    // Without the budget for the upstream searches, the attribution is coarse, and said to be.
    let c = compare(&design(SHARED), &traces("a -> cfg\nb -> cfg\n"), &Limits { one_by_one: 64, budget: 0 });
    assert_eq!(c.incomplete.len(), 2, "{:?}", c.incomplete);
    assert!(c.incomplete[1].starts_with("the attribution of changes to hidden calls is coarse"));
    assert!(c.report.hidden.iter().all(|h| !h.effects.is_empty()));
}

fn render_text(yaml: &str, calls: &str) -> String {
    render::text(&observed_report(yaml, calls), false)
}

fn observed_report(yaml: &str, calls: &str) -> Report {
    let compiled = design(yaml);
    let mut report = analyze(&compiled, &Options::default());
    report.observe(&compiled, &traces(calls), &Limits::default());
    report
}

#[test]
fn the_report_leads_its_observed_section_with_hidden_dependencies() {
    let yaml = "components:\n- {id: web, requires: [db, ad]}\n- {id: db}\n- {id: ad}\n- {id: auth}\n";
    let report = observed_report(yaml, "web -> db\nweb -> auth\nbot -> web\nad\n");
    let kinds: Vec<FindingKind> = report.findings.iter().map(|f| f.kind).collect();
    assert!(kinds.contains(&FindingKind::HiddenDependency) && kinds.contains(&FindingKind::UnobservedDependency));
    assert!(report.findings.windows(2).all(|w| w[0].severity <= w[1].severity), "most severe first");
    let text = render::text(&report, false);
    let section = text.split("\nDeclared vs observed").nth(1).expect("the section");
    let lines: Vec<&str> = section.lines().collect();
    assert_eq!(lines[0], " (the traces name 5 services and 3 calls: 4 in the design, 1 not in it, 0 ambiguous)");
    assert_eq!(lines[1], "  Hidden dependencies (observed, not declared) (1)");
    assert!(lines[2].starts_with("    HIGH     hidden dependency: web calls auth at runtime"), "{section}");
    assert_eq!(lines[3], "  Declared, never observed (1)");
    assert_eq!(lines[4], "    LOW      declared, never observed: web → ad (requires)");
    assert_eq!(lines[5], "  observed but not in the design (1): bot (calls web)");
    // The per-kind sections above do not repeat them.
    assert_eq!(text.matches("hidden dependency: web calls auth").count(), 1);
    let md = render::markdown(&report);
    assert!(md.contains("\n### Declared vs observed\n"), "{md}");
    assert!(
        md.contains(
            "#### Hidden dependencies (observed, not declared) (1)\n\n- **High** hidden dependency: `web` calls `auth`"
        ),
        "{md}"
    );
    assert!(md.contains("| Hidden dependencies (observed, not declared) | 1 |"));
    assert!(md.contains("- observed but not in the design (1): `bot` (calls `web`)"), "{md}");
    // JSON carries the whole section.
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["observed"]["hidden"][0]["to"], "auth");
    assert_eq!(json["observed"]["marks"][0]["rule"], "observed.both");
    let back: Report = serde_json::from_value(json).unwrap();
    assert_eq!(back, report);
}

#[test]
fn without_traces_nothing_is_said_about_them() {
    let report = analyze(&design("components:\n- {id: web, requires: [db]}\n- {id: db}\n"), &Options::default());
    assert!(report.observed.is_none());
    assert!(!serde_json::to_string(&report).unwrap().contains("observed"));
    assert!(!render::text(&report, false).contains("Declared vs observed"));
    assert!(!render::markdown(&report).contains("Hidden dependencies"), "no zero count claims a comparison");
}

#[test]
fn the_comparison_does_not_depend_on_the_order_of_the_calls() {
    let yaml = "components:\n- {id: web, requires: [db, ad]}\n- {id: db}\n- {id: ad}\n- {id: auth}\n- {id: cache}\n";
    let calls = ["web -> db", "web -> auth", "db -> cache", "bot -> web", "web -> fraud"];
    let forward = compared(yaml, &calls.join("\n"));
    let mut reversed = calls;
    reversed.reverse();
    let backward = compared(yaml, &reversed.join("\n"));
    assert_eq!(forward.report, backward.report);
    assert_eq!(forward.findings, backward.findings);
}

#[test]
fn an_observed_native_file_gives_its_dependencies_as_calls() {
    let doc = parse(
        "components:\n- {id: web, requires: [db], requires_at_start: [cfg], degrades_without: [ads], monitored_by: [otel], labels: {calls.db: '7'}}\n- {id: db}\n",
    )
    .unwrap();
    let o = Observation::from_document(&doc);
    let calls: Vec<(&str, &str, Option<u64>)> =
        o.calls.iter().map(|c| (c.from.as_str(), c.to.as_str(), c.count)).collect();
    assert_eq!(calls, [("web", "db", Some(7)), ("web", "cfg", None), ("web", "ads", None)]);
    assert_eq!(o.calls[0].pos.map(|p| (p.line, p.column)), Some((2, 24)));
    assert_eq!(o.services.len(), 2);
}

/// Down nodes of the oracle's topology after `failed`, with `hard` (caller, callee) edges that
/// must be up besides everything the topology says.
fn down_with(o: &Oracle, hard: &[(usize, usize)], failed: usize) -> Vec<bool> {
    let mut up = vec![true; o.n()];
    up[failed] = false;
    loop {
        let mut changed = false;
        for v in 0..o.n() {
            let ok = o.placement[v].iter().all(|&u| up[u])
                && o.requires[v].iter().filter(|&&u| up[u]).count() >= o.need[v]
                && hard.iter().filter(|(a, _)| *a == v).all(|&(_, b)| up[b]);
            if up[v] && !ok {
                up[v] = false;
                changed = true;
            }
        }
        if !changed {
            return up.into_iter().map(|u| !u).collect();
        }
    }
}

/// The changes the oracle sees with `hard` edges added: (killer, target) and (gate, killer).
/// Pairs of names: (killer, target) or (gate, killer).
type Pairs = BTreeSet<(String, String)>;

fn oracle_changes(o: &Oracle, hard: &[(usize, usize)]) -> (Pairs, Pairs) {
    let targets = o.targets();
    let (mut spofs, mut broken) = (BTreeSet::new(), BTreeSet::new());
    for x in 0..o.n() {
        let before = down_with(o, &[], x);
        let after = down_with(o, hard, x);
        for &t in &targets {
            if t != x && after[t] && !before[t] {
                spofs.insert((o.ids[x].clone(), o.ids[t].clone()));
            }
        }
        for g in (0..o.n()).filter(|&g| o.need[g] < o.requires[g].len()) {
            let part_down = o.requires[g].iter().filter(|&&u| after[u]).count() > o.requires[g].len() - o.need[g];
            if g != x && part_down && !before[g] {
                broken.insert((o.ids[g].clone(), o.ids[x].clone()));
            }
        }
    }
    (spofs, broken)
}

/// Random calls among the components of `t` (no self-calls).
fn random_calls(t: &Topology, seed: u64) -> Vec<(usize, usize)> {
    let n = t.components.len();
    let mut s = seed.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let count = (next() % 5) as usize;
    (0..count).map(|_| ((next() % n as u64) as usize, (next() % n as u64) as usize)).filter(|(a, b)| a != b).collect()
}

#[test]
fn the_weighing_of_hidden_calls_agrees_with_brute_force() {
    let mut weighed = 0;
    for seed in 0..2500u64 {
        let t = random_topology(seed);
        let calls = random_calls(&t, seed);
        if calls.is_empty() {
            continue;
        }
        let compiled = compile(Document::from_topology(t.clone())).unwrap();
        let ids: Vec<&str> = t.components.iter().map(|c| c.id.as_str()).collect();
        let mut observation = Observation::default();
        for &(a, b) in &calls {
            observation.calls.push(blastmap_core::observed::Call {
                from: ids[a].into(),
                to: ids[b].into(),
                count: None,
                pos: None,
            });
        }
        let c = compare(&compiled, &observation, &Limits::default());
        let o = Oracle::new(&t);
        let hidden_pairs: Vec<(usize, usize)> =
            c.report.hidden.iter().map(|h| (o.index(&h.from), o.index(&h.to))).collect();
        // Hidden: observed, and no declared edge of the four kinds from caller to callee.
        let declared = |a: usize, b: usize| {
            o.requires[a].contains(&b)
                || o.start[a].contains(&b)
                || o.degrades[a].contains(&b)
                || o.monitors[a].contains(&b)
        };
        let want: BTreeSet<(usize, usize)> = calls.iter().copied().filter(|&(a, b)| !declared(a, b)).collect();
        assert_eq!(hidden_pairs.iter().copied().collect::<BTreeSet<_>>(), want, "seed {seed}: hidden calls");
        let flat = |e: &blastmap_core::observed::Effects| {
            let spofs: BTreeSet<(String, String)> =
                e.spofs.iter().flat_map(|s| s.takes_down.iter().map(|t| (s.component.clone(), t.clone()))).collect();
            let broken: BTreeSet<(String, String)> = e
                .broken_redundancy
                .iter()
                .flat_map(|g| g.taken_down_by.iter().map(|x| (g.component.clone(), x.clone())))
                .collect();
            (spofs, broken)
        };
        let mut union = (BTreeSet::new(), BTreeSet::new());
        for (h, &pair) in c.report.hidden.iter().zip(&hidden_pairs) {
            assert!(h.alone, "seed {seed}: small inputs are weighed one by one");
            assert_eq!(flat(&h.effects), oracle_changes(&o, &[pair]), "seed {seed}: {} → {} alone", h.from, h.to);
            for e in [&h.effects, &h.with_others] {
                let (s, b) = flat(e);
                union.0.extend(s);
                union.1.extend(b);
            }
            weighed += 1;
        }
        // Every change all the hidden calls make together is attributed to one of them.
        assert_eq!(union, oracle_changes(&o, &hidden_pairs), "seed {seed}: together");
    }
    assert!(weighed > 1000, "only {weighed} hidden calls weighed");
}

#[test]
fn hostile_observed_names_come_out_as_the_text_they_are() {
    let name = "evil`\u{1b}[2J<b>|x\n# h";
    let compiled = design("components:\n- {id: web}\n");
    let call = |from: &str, to: &str| blastmap_core::observed::Call {
        from: from.into(),
        to: to.into(),
        count: None,
        pos: None,
    };
    let observation = Observation { services: Vec::new(), calls: vec![call("web", name), call(name, "web")] };
    let mut report = analyze(&compiled, &Options::default());
    report.observe(&compiled, &observation, &Limits::default());
    let text = render::text(&report, false);
    assert!(!text.contains('\u{1b}') && !text.contains("\n# h"), "{text}");
    assert!(text.contains("evil`\\x1b[2J<b>|x\\n# h"), "{text}");
    let md = render::markdown(&report);
    assert!(!md.contains("<b>") || md.contains("``evil`\\x1b[2J<b>|x\\n# h``"), "{md}");
    assert!(!md.contains("\n# h"), "{md}");
}

#[test]
fn callers_of_one_service_the_design_does_not_have_share_its_stand_in() {
    // Both replicas call `ledger`: together, not alone, it takes the group down.
    let c = compared(SHARED, "a -> ledger\nb -> ledger\n");
    assert_eq!(c.report.unmatched[0].called_by, ["a", "b"]);
    for h in &c.report.hidden {
        assert!(!h.in_design && h.effects.is_empty(), "{h:?}");
        assert_eq!(h.with_others.spofs[0].component, "ledger");
        assert_eq!(h.with_others.broken_redundancy[0].component, "store");
    }
}
