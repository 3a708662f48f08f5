//! The deep shapes, analysed in full at sizes a debug build runs quickly: a `requires` chain, a
//! `requires_at_start` chain and a spine under many leaves. No recursion may overflow a test
//! thread's stack, the forest of single failures must share what the shapes share, and the
//! report's lists are cut, with their counts, and say so.

use blastmap_core::format::Document;
use blastmap_core::generate::{chain, spine, start_chain};
use blastmap_core::report::{analyze, Options, Report, LIST_LIMIT};
use blastmap_core::{algo, compile, render, Compiled, Name, Topology};

fn compiled(t: Topology) -> Compiled {
    compile(Document::from_topology(t)).expect("generated shapes are valid")
}

fn report(c: &Compiled) -> Report {
    analyze(c, &Options::default())
}

/// A ring of `n` components `{prefix}0…`, each requiring the next `width` (needing one of them
/// when there are several).
fn ring(prefix: &str, n: usize, width: usize) -> Compiled {
    compiled(ring_of(prefix, n, width))
}

/// [`ring`], as a topology to add to.
fn ring_of(prefix: &str, n: usize, width: usize) -> Topology {
    let components = (0..n)
        .map(|i| blastmap_core::Component {
            id: format!("{prefix}{i}"),
            need: (width > 1).then_some(1),
            requires: (1..=width).map(|d| format!("{prefix}{}", (i + d) % n)).collect(),
            ..Default::default()
        })
        .collect();
    Topology { components, ..Topology::default() }
}

#[test]
fn a_requires_chain_shares_every_single_failure() {
    let n = 20_000;
    let c = compiled(chain(n));
    let m = &c.model;
    let k = algo::single_failures(m);
    let (top, bottom) = (m.lookup("c0").expect("the top"), m.lookup("c19999").expect("the bottom"));
    assert_eq!(k.size(top), n);
    assert_eq!(k.stored(), n, "one own entry per component");
    assert!(k.kills(bottom, top) && !k.kills(top, bottom));
    assert_eq!(k.down_counts()[bottom as usize] as usize, n);
    assert_eq!(k.of(m.lookup("c19997").expect("near the bottom")), [19_997, 19_998, 19_999]);

    let r = report(&c);
    assert_eq!(r.targets, ["c0"]);
    assert_eq!(r.spofs.len(), n - 1);
    assert!(r.spofs.iter().all(|s| s.takes_down == ["c0"] && s.takes_down_count == 1));
    assert_eq!(r.criticality[0].component, "c19999");
    assert_eq!((r.criticality[0].targets_down, r.criticality[0].components_down), (1, n as u32 - 1));
    assert!(r.cycles.is_empty());
    assert_eq!(r.cold_start.waves.len(), n);
    assert!(r.cold_start.deadlocked.is_empty());
    assert!(r.incomplete.is_empty());
}

#[test]
fn a_start_chain_takes_one_wave_per_component() {
    let n = 20_000;
    let c = compiled(start_chain(n));
    let r = report(&c);
    assert_eq!(r.targets, ["c0"]);
    assert!(r.spofs.is_empty(), "no runtime dependency");
    assert!(r.cycles.is_empty());
    assert_eq!(r.cold_start.waves.len(), n);
    assert_eq!(
        (r.cold_start.waves[0].as_slice(), r.cold_start.waves[n - 1].as_slice()),
        (&[Name::from("c19999")][..], &[Name::from("c0")][..])
    );
    // Each component's failure leaves the one above unable to start again.
    assert_eq!(r.restart_hazards.len(), n - 1);
    let first = &r.restart_hazards[0];
    assert_eq!(
        (first.failure.as_str(), first.cannot_restart.as_slice(), first.cannot_restart_count),
        ("c1", &[Name::from("c0")][..], 1)
    );
}

#[test]
fn a_spine_under_many_leaves_cuts_its_lists_and_says_so() {
    let (depth, leaves) = (200, 5_000);
    let c = compiled(spine(depth, leaves));
    let m = &c.model;
    let k = algo::single_failures(m);
    assert_eq!(k.stored(), depth + leaves, "the leaves share the spine");
    assert_eq!(k.total(), depth * (depth + 1) / 2 + leaves * (depth + 1));
    let leaf = m.lookup("l4999").expect("a leaf");
    assert_eq!(k.of(leaf).len(), depth + 1);
    assert_eq!(k.down_counts()[m.lookup("s199").expect("the bottom") as usize] as usize, depth + leaves);

    let r = report(&c);
    assert_eq!(r.targets.len(), leaves);
    assert_eq!(r.spofs.len(), depth);
    for s in &r.spofs {
        assert_eq!(s.takes_down_count, leaves, "`{}`", s.component);
        assert_eq!(s.takes_down.len(), LIST_LIMIT);
        // The first in node order: the leaves are declared after the spine, l0 first.
        assert_eq!((s.takes_down[0].as_str(), s.takes_down[LIST_LIMIT - 1].as_str()), ("l0", "l999"));
    }
    assert_eq!(r.criticality[0].component, "s199");
    assert_eq!(r.criticality[0].targets_down, leaves as u32);
    assert_eq!(r.criticality[0].components_down, (depth + leaves - 1) as u32);
    let spof = r.findings_of(blastmap_core::report::FindingKind::Spof).next().expect("a finding");
    assert!(spof.title.ends_with("takes down 5,000 targets"), "{}", spof.title);

    let text = render::text(&r, false);
    assert!(
        text.contains(
            "single points of failure: 200 lists cut; s0 takes down 5,000 targets: 1,000 listed … and 4,000 more"
        ),
        "{text}"
    );
    assert!(render::markdown(&r).contains("… and 4,000 more"));
}

#[test]
fn lists_under_the_limit_are_not_said_to_be_cut() {
    let c = compiled(spine(3, 10));
    let r = report(&c);
    assert!(r.spofs.iter().all(|s| s.takes_down.len() == s.takes_down_count));
    assert!(render::cut_lists(&r).is_empty());
    assert!(!render::text(&r, false).contains("cut"));
}

/// A cycle of 1,000 `requires`: its deadlock and cycle titles name the first members, how many
/// more, and the way back, not a line of 1,000 names; the evidence and the report's lists keep
/// them all.
#[test]
fn a_long_cycle_is_named_in_short_titles_and_listed_in_full() {
    let n = 1_000;
    let r = report(&ring("r", n, 1));
    let titles: Vec<&str> = r.findings.iter().map(|f| f.title.as_str()).collect();
    let deadlock = "cold start deadlocks: `r0`, `r1`, `r2`, `r3`, `r4`, `r5`, `r6`, `r7`, `r8`, `r9`, `r10`, `r11` and 988 more wait for each other";
    let cycle =
        "runtime dependency cycle: r0 → r1 → r2 → r3 → r4 → r5 → r6 → r7 → r8 → r9 → r10 → r11 → … 988 more … → r0";
    assert!(titles.contains(&deadlock), "{titles:?}");
    assert!(titles.contains(&cycle), "{titles:?}");
    assert!(r.findings.iter().all(|f| f.evidence.len() == n), "the evidence names every member");
    assert_eq!((r.cycles[0].components.len(), r.cycles[0].path.len()), (n, n + 1));
    let text = render::text(&r, false);
    let longest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(longest < 400, "a line of {longest} characters");
}

/// 5,000 Deployments in a ring, each needing one of its two replicas, both of which call the
/// next Deployment: any Deployment's failure takes every replica set down (the two replicas
/// share the dependency, so the redundancy is not real), a replica's only itself and what it
/// needs. The gates fall together, one candidate stored once: propagated one Deployment at a
/// time, each took most of the ring down again (8,000 with random calls between them: 16 s and
/// 1 GB natively; now 30 ms).
#[test]
fn deployments_calling_each_other_in_a_ring_fall_together() {
    let n = 5_000;
    let mut components = Vec::new();
    for i in 0..n {
        let next = format!("d{}", (i + 1) % n);
        components.push(blastmap_core::Component {
            id: format!("d{i}"),
            need: Some(1),
            requires: vec![format!("d{i}-a"), format!("d{i}-b")],
            ..Default::default()
        });
        for replica in ["a", "b"] {
            components.push(blastmap_core::Component {
                id: format!("d{i}-{replica}"),
                requires: vec![next.clone()],
                ..Default::default()
            });
        }
    }
    let c = compiled(Topology { components, ..Topology::default() });
    let m = &c.model;
    let k = algo::single_failures(m);
    let at = |id: String| m.lookup(&id).expect("a component");
    assert!((0..n).all(|i| k.size(at(format!("d{i}"))) == n), "a Deployment falls with any Deployment");
    assert!((0..n).all(|i| k.size(at(format!("d{i}-a"))) == n + 1), "a replica with them and itself");
    assert!(k.kills(at("d17".into()), at("d4242".into())) && !k.kills(at("d17-a".into()), at("d17".into())));
    assert!(k.stored() <= 3 * n, "{} entries stored for {} nodes", k.stored(), 3 * n);
    let r = report(&c);
    assert!(r.redundancy.iter().all(|g| g.actual_tolerance == 0 && g.exact), "no replica set tolerates a failure");
    assert!(r.incomplete.is_empty(), "{:?}", r.incomplete);
}

/// A ring of 50 `requires` under 40 targets: each member takes every target down. With lists
/// of at most 30 and 1,000 names in all, each lists 20, the first in node order, beside its
/// full count; the report says the lists were cut.
#[test]
fn equivalent_single_points_share_the_names_listed() {
    let mut t = ring_of("r", 50, 1);
    t.components.extend((0..40).map(|i| blastmap_core::Component {
        id: format!("t{i}"),
        requires: vec![format!("r{}", i % 50)],
        ..Default::default()
    }));
    let c = compiled(t);
    let k = algo::single_failures(&c.model);
    let within = algo::spofs_within(&c.model, &k, 30, 1_000);
    assert_eq!(within.len(), 50);
    assert!(within.iter().all(|s| (s.takes_down.len(), s.takes_down_count) == (20, 40)));
    assert_eq!(within, algo::spofs(&c.model, &k, 20), "the same lists as a limit of 20");
    assert_eq!(algo::spofs_within(&c.model, &k, 30, 1_500), algo::spofs(&c.model, &k, 30), "within the total");
}

/// A pair deadlocked at cold start under 1,200 components that need it: the title counts what
/// it blocks grouped by thousands, as every count the report writes.
#[test]
fn what_a_deadlock_blocks_is_counted_in_thousands() {
    let mut components: Vec<blastmap_core::Component> = ["a", "b"]
        .iter()
        .zip(["b", "a"])
        .map(|(id, next)| blastmap_core::Component {
            id: id.to_string(),
            requires: vec![next.to_string()],
            ..Default::default()
        })
        .collect();
    components.extend((0..1_200).map(|i| blastmap_core::Component {
        id: format!("u{i}"),
        requires: vec!["a".to_string()],
        ..Default::default()
    }));
    let r = report(&compiled(Topology { components, ..Topology::default() }));
    let titles: Vec<&str> = r.findings.iter().map(|f| f.title.as_str()).collect();
    assert!(titles.contains(&"cold start deadlocks: `a`, `b` wait for each other, blocking 1,200 more"), "{titles:?}");
}

/// A ring of 20,000 gates, each needing one of the next two: one cycle whose single failures
/// take nothing else down. Each candidate's propagation touches a member or two, and a gate that
/// tolerates one failure has no set of two to search: both used to cost the whole ring per
/// member (O(n²): a ring of 100,000 ran over two minutes; now half a second natively).
#[test]
fn a_ring_of_gates_costs_what_its_failures_reach() {
    let n = 20_000;
    let c = ring("g", n, 2);
    let k = algo::single_failures(&c.model);
    assert!(c.model.ids().all(|v| k.size(v) == 1), "no single failure takes another gate down");
    let r = report(&c);
    assert_eq!(r.redundancy.len(), n);
    assert!(r.redundancy.iter().all(|g| (g.actual_tolerance, g.exact) == (1, true)));
    assert!(r.incomplete.is_empty(), "{:?}", r.incomplete);
}

/// A ring of 20,000 plain `requires`: every member's failure takes the whole ring down, so
/// every member has the same 20,000 killers. They are stored once (the ring used to store them
/// per member: O(n²), 536 MB and 3.5 s for 8,000 natively, out of memory at 100,000).
#[test]
fn a_ring_of_requires_stores_its_killers_once() {
    let n = 20_000;
    let c = ring("r", n, 1);
    let m = &c.model;
    let k = algo::single_failures(m);
    assert!(m.ids().all(|v| k.size(v) == n), "every member falls with any other");
    assert_eq!(k.stored(), n, "one own entry per member, in one place");
    let (a, b) = (m.lookup("r17").expect("a member"), m.lookup("r12345").expect("another"));
    assert!(k.kills(a, b) && k.kills(b, a));
    assert_eq!(k.of(a).len(), n);
    assert!(k.down_counts().iter().all(|&d| d as usize == n));
    let r = report(&c);
    assert_eq!(r.cycles.len(), 1);
    assert_eq!(r.cycles[0].components.len(), n);
    assert!(r.incomplete.is_empty(), "{:?}", r.incomplete);
}

/// A chain of 20,000 plain `requires` closed into a cycle by its last member needing one of
/// the first and a spare: `c{i}` falls with any of `c{i}`…`c{19999}`. Each member stores only
/// itself under its dependency (the cycle used to store n²/2 entries and propagate each
/// member's failure along the whole chain: 8,000 took 1.5–2.2 s and 305 MB natively, 100,000
/// fifty seconds).
#[test]
fn a_chain_closed_by_a_gate_stores_each_member_once() {
    let n = 20_000;
    let mut components: Vec<blastmap_core::Component> = (0..n)
        .map(|i| blastmap_core::Component {
            id: format!("c{i}"),
            requires: vec![format!("c{}", i + 1)],
            ..Default::default()
        })
        .collect();
    components[n - 1].requires = vec!["c0".into(), "spare".into()];
    components[n - 1].need = Some(1);
    components.push(blastmap_core::Component { id: "spare".into(), ..Default::default() });
    let c = compiled(Topology { components, ..Topology::default() });
    let m = &c.model;
    let k = algo::single_failures(m);
    let at = |i: usize| m.lookup(&format!("c{i}")).expect("a member");
    assert!((0..n).all(|i| k.size(at(i)) == n - i), "c{{i}} falls with c{{i}}…c{{n-1}} and nothing else");
    assert_eq!(k.stored(), n + 1, "one own entry per node");
    assert!(k.kills(at(n - 1), at(0)) && !k.kills(at(0), at(n - 1)));
    let r = report(&c);
    assert_eq!(r.cycles.len(), 1);
    assert!(r.incomplete.is_empty(), "{:?}", r.incomplete);
}
