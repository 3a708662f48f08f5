//! Property tests: on thousands of random small topologies (k-of-n gates, runtime and
//! start-time cycles, placement, monitors, soft dependencies) every analysis agrees exactly
//! with the brute-force [`Oracle`].

use std::collections::{BTreeMap, BTreeSet};

use blastmap_core::algo::{self, Status};
use blastmap_core::format::Document;
use blastmap_core::report::{analyze, Options};
use blastmap_core::spec::{Component, Topology};
use blastmap_core::{compile, Compiled, Name};
use proptest::prelude::*;

use crate::oracle::Oracle;

/// A seeded xorshift generator for the random topologies (and policies, `policy.rs`).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub fn pick<'a>(&mut self, pool: &[&'a str]) -> &'a str {
        pool[self.below(pool.len())]
    }
}

/// A random valid topology of up to 8 components and a few placement values.
pub fn random_topology(seed: u64) -> Topology {
    let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let n = 1 + r.below(8);
    let density = 15 + r.below(35) as u64;
    let mut comps: Vec<Component> = (0..n).map(|i| Component::new(format!("c{i}"))).collect();
    let mut placed: Vec<String> = Vec::new();
    for c in comps.iter_mut() {
        if r.chance(30) {
            c.region = Some(format!("r{}", r.below(2)));
            placed.push(format!("region:{}", c.region.as_deref().unwrap_or_default()));
        }
        if r.chance(30) {
            c.zone = Some(format!("z{}", r.below(3)));
            placed.push(format!("zone:{}", c.zone.as_deref().unwrap_or_default()));
        }
        if r.chance(10) {
            c.host = Some("h0".into());
            placed.push("host:h0".into());
        }
    }
    placed.sort();
    placed.dedup();
    for i in 0..n {
        let me = format!("c{i}");
        let others: Vec<String> = (0..n).filter(|&j| j != i).map(|j| format!("c{j}")).collect();
        let pick = |r: &mut Rng, p: u64, pool: &[String]| -> Vec<String> {
            pool.iter().filter(|_| r.chance(p)).cloned().collect()
        };
        let c = &mut comps[i];
        c.requires = pick(&mut r, density, &others);
        if !placed.is_empty() && r.chance(10) {
            let p = placed[r.below(placed.len())].clone();
            c.requires.push(p);
        }
        if !c.requires.is_empty() && r.chance(50) {
            c.need = Some(1 + r.below(c.requires.len()) as u32);
        }
        c.requires_at_start =
            pick(&mut r, density / 3, &others).into_iter().filter(|s| !c.requires.contains(s)).collect();
        // A component may need itself to start (a bootstrap loop) or monitor itself.
        if r.chance(4) {
            c.requires_at_start.push(me.clone());
        }
        c.degrades_without = pick(&mut r, 10, &others);
        c.monitored_by = pick(&mut r, 15, &others);
        if r.chance(6) {
            c.monitored_by.push(me.clone());
        }
        c.critical = r.chance(12);
        c.target = match r.below(20) {
            0 => Some(true),
            1 => Some(false),
            _ => None,
        };
        c.holds_credentials_for = pick(&mut r, 12, &others);
        if r.chance(40) {
            c.availability = Some(0.5 + r.below(50) as f64 / 100.0);
        }
        assert_ne!(c.id, "", "{me}");
    }
    Topology { name: Some(format!("random-{seed}")), components: comps, ..Topology::default() }
}

/// A random deep topology of a few hundred components: a long chain (each component mostly
/// requires the one before), with k-of-n gates over nearby components, diamonds, branches,
/// placement values, two-component cycles on the chain and hung off it, start-time
/// dependencies, monitors (a few of themselves) and a few critical components.
pub fn deep_topology(seed: u64) -> Topology {
    let mut r = Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1);
    let n = 60 + r.below(300);
    let name = |i: usize| format!("c{i}");
    let mut comps: Vec<Component> = (0..n).map(|i| Component::new(name(i))).collect();
    let gates = r.below(25) as u64;
    for i in 1..n {
        let pred = if r.chance(90) { i - 1 } else { r.below(i) };
        let mut requires = vec![pred];
        match r.below(100) as u64 {
            k if k < gates => {
                // A gate over up to four components near i, `pred` among them.
                for _ in 0..1 + r.below(3) {
                    let d = i - 1 - r.below(i.min(6));
                    if !requires.contains(&d) {
                        requires.push(d);
                    }
                }
                if requires.len() > 1 && r.chance(80) {
                    comps[i].need = Some(1 + r.below(requires.len() - 1) as u32);
                }
            }
            k if k < gates + 8 && i >= 2 => {
                // A diamond: two paths back to a common ancestor.
                let d = i - 2 - r.below((i - 1).min(4));
                if !requires.contains(&d) {
                    requires.push(d);
                }
            }
            _ => {}
        }
        comps[i].requires = requires.into_iter().map(name).collect();
    }
    // Two-component cycles: on the chain (c{i} also requires c{i+1}), or hung off it.
    for _ in 0..r.below(4) {
        let i = r.below(n - 1);
        let next = name(i + 1);
        if comps[i + 1].requires.contains(&name(i)) && !comps[i].requires.contains(&next) {
            comps[i].requires.push(next);
        }
    }
    for k in 0..r.below(3) {
        let at = name(r.below(n));
        let (a, b) = (format!("loop{k}-a"), format!("loop{k}-b"));
        let mut ca = Component::new(a.clone());
        ca.requires = vec![b.clone(), at];
        if r.chance(50) {
            ca.need = Some(1);
        }
        let mut cb = Component::new(b);
        cb.requires = vec![a.clone()];
        comps.push(ca);
        comps.push(cb);
        // Something further down the chain depends on the loop.
        let later = r.below(n);
        if !comps[later].requires.contains(&a) {
            comps[later].requires.push(a);
        }
    }
    let total = comps.len();
    let ids: Vec<String> = comps.iter().map(|c| c.id.clone()).collect();
    for i in 0..total {
        let me = ids[i].clone();
        let c = &mut comps[i];
        if r.chance(6) {
            c.zone = Some(format!("z{}", r.below(3)));
        }
        if r.chance(3) {
            c.host = Some(format!("h{}", r.below(2)));
        }
        if r.chance(6) {
            let s = ids[r.below(total)].clone();
            if !c.requires.contains(&s) {
                c.requires_at_start.push(s);
            }
        }
        if r.chance(8) {
            let m = ids[r.below(total)].clone();
            c.monitored_by.push(m);
            if r.chance(30) {
                let other = ids[r.below(total)].clone();
                if !c.monitored_by.contains(&other) {
                    c.monitored_by.push(other);
                }
            }
        } else if r.chance(2) {
            c.monitored_by.push(me);
        }
        c.critical = r.chance(2);
        if r.chance(2) {
            c.target = Some(false);
        }
    }
    Topology { name: Some(format!("deep-{seed}")), components: comps, ..Topology::default() }
}

/// A random long runtime cycle: a chain of `requires` (`c{i}` requires `c{i+1}`) closed by
/// its last member requiring one of the first, with chords, gates along it (the closing one
/// among them), outside components and placement values under it, and a component above it:
/// classes that fall together, classes under a hard dependency and chains closed by a soft
/// edge, side by side.
pub fn cyclic_topology(seed: u64) -> Topology {
    let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5BD1_E995 | 1);
    let n = 3 + r.below(60);
    let name = |i: usize| format!("c{i}");
    let outside = 1 + r.below(4);
    // No gates in a third of them: the cycle then falls together whole.
    let gates = r.below(3) as u64 * 25;
    let mut comps: Vec<Component> = (0..n).map(|i| Component::new(name(i))).collect();
    for j in 0..outside {
        let mut o = Component::new(format!("o{j}"));
        if j > 0 && r.chance(50) {
            o.requires = vec![format!("o{}", r.below(j))];
        }
        comps.push(o);
    }
    for i in 0..n {
        let mut requires = vec![if i + 1 < n { name(i + 1) } else { name(r.below((n - 1).min(3))) }];
        if r.chance(20) {
            let d = name(r.below(n));
            if d != name(i) && !requires.contains(&d) {
                requires.push(d);
            }
        }
        if r.chance(15) {
            let o = format!("o{}", r.below(outside));
            if !requires.contains(&o) {
                requires.push(o);
            }
        }
        if requires.len() > 1 && r.chance(gates) {
            comps[i].need = Some(1 + r.below(requires.len() - 1) as u32);
        }
        if r.chance(10) {
            comps[i].zone = Some(format!("z{}", r.below(2)));
        }
        comps[i].requires = requires;
    }
    let mut top = Component::new("top");
    top.requires = vec![name(r.below(n))];
    comps.push(top);
    Topology { name: Some(format!("cyclic-{seed}")), components: comps, ..Topology::default() }
}

/// The single-failure analyses of a deep topology against one-failure-at-a-time propagation,
/// with their lists cut at `limit`.
fn check_deep(t: &Topology, limit: usize) {
    let c = model(t);
    let m = &c.model;
    let o = Oracle::new(t);
    let n = o.n();
    // Oracle index -> model id (both number components first, then placement values).
    let id: Vec<u32> = o.ids.iter().map(|s| m.lookup(s).expect("same ids")).collect();
    let down: Vec<Vec<bool>> = (0..n).map(|x| o.down_after_one(x)).collect();
    let dies = |x: usize, v: usize| down[x][v];
    let ids_of = |xs: &mut dyn Iterator<Item = usize>| -> Vec<u32> {
        let mut v: Vec<u32> = xs.map(|x| id[x]).collect();
        v.sort_unstable();
        v
    };
    let k = algo::single_failures(m);
    let counts = k.down_counts();
    let mut many = k.most_specific_of_many(&counts);
    for v in 0..n {
        let want = ids_of(&mut (0..n).filter(|&x| dies(x, v)));
        assert_eq!(k.of(id[v]), want, "K({})", o.ids[v]);
        assert_eq!(k.size(id[v]), want.len(), "|K({})|", o.ids[v]);
        for x in 0..n {
            assert_eq!(k.kills(id[x], id[v]), dies(x, v), "{} kills {}", o.ids[x], o.ids[v]);
        }
        assert_eq!(counts[id[v] as usize] as usize, down[v].iter().filter(|&&d| d).count(), "|D({})|", o.ids[v]);
        // The most specific single killer: fewest nodes down, then the lowest id.
        let specific =
            (0..n).filter(|&x| x != v && dies(x, v)).map(|x| (counts[id[x] as usize], id[x])).min().map(|p| p.1);
        assert_eq!(k.most_specific(id[v], &counts), specific, "most specific killer of {}", o.ids[v]);
        assert_eq!(many.of(id[v]), specific, "most specific killer of {}, of many", o.ids[v]);
    }

    let targets: Vec<usize> = o.targets();
    let spofs = algo::spofs(m, &k, limit);
    let mut want_spofs = Vec::new();
    for x in 0..n {
        let all = ids_of(&mut targets.iter().copied().filter(|&t| t != x && dies(x, t)));
        if !all.is_empty() {
            let critical = targets.iter().any(|&t| t != x && dies(x, t) && o.critical[t]);
            want_spofs.push((id[x], all.iter().take(limit).copied().collect::<Vec<_>>(), all.len() as u32, critical));
        }
    }
    want_spofs.sort();
    let got: Vec<_> =
        spofs.iter().map(|s| (s.component, s.takes_down.clone(), s.takes_down_count, s.takes_down_critical)).collect();
    assert_eq!(got, want_spofs, "spofs cut at {limit}");

    let crit = algo::criticality(m, &k, &counts);
    for c in &crit {
        let x = o.index(m.name(c.component));
        let hit = targets.iter().filter(|&&t| dies(x, t)).count() as u32;
        assert_eq!(c.targets_down, hit, "targets down by {}", o.ids[x]);
    }

    for b in algo::blind_spots(m, &k, limit) {
        let v = o.index(m.name(b.component));
        let all = ids_of(&mut (0..n).filter(|&x| dies(x, v) && o.monitors[v].iter().all(|&w| dies(x, w))));
        assert_eq!(b.failures_count as usize, all.len(), "blind spot count of {}", o.ids[v]);
        assert_eq!(b.failures.len(), all.len().min(limit), "blind spot list of {}", o.ids[v]);
        assert!(b.failures.windows(2).all(|w| w[0] < w[1]), "in node order");
        assert!(b.failures.iter().all(|x| all.binary_search(x).is_ok()), "blind spot failures of {}", o.ids[v]);
    }
    let blind_count = algo::blind_spots(m, &k, limit).len();
    let want_blind = (0..n)
        .filter(|&v| !o.monitors[v].is_empty())
        .filter(|&v| (0..n).any(|x| dies(x, v) && o.monitors[v].iter().all(|&w| dies(x, w))))
        .count();
    assert_eq!(blind_count, want_blind, "blind spots");

    let mut want_blinding: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    let mut want_restart: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for x in 0..n {
        let blinded = ids_of(&mut (0..n).filter(|&v| {
            let ms = &o.monitors[v];
            !ms.is_empty() && !ms.contains(&v) && !dies(x, v) && ms.iter().all(|&w| dies(x, w))
        }));
        if !blinded.is_empty() {
            want_blinding.insert(id[x], blinded);
        }
        let stuck = ids_of(&mut (0..n).filter(|&v| !dies(x, v) && o.start[v].iter().any(|&s| dies(x, s))));
        if !stuck.is_empty() {
            want_restart.insert(id[x], stuck);
        }
    }
    let got: BTreeMap<u32, Vec<u32>> = algo::blindings(m, &k).into_iter().map(|b| (b.failure, b.blinded)).collect();
    assert_eq!(got, want_blinding, "blindings");
    let got: BTreeMap<u32, Vec<u32>> =
        algo::restart_hazards(m, &k).into_iter().map(|h| (h.failure, h.cannot_restart)).collect();
    assert_eq!(got, want_restart, "restart hazards");
}

fn model(t: &Topology) -> Compiled {
    compile(Document::from_topology(t.clone())).expect("generated topologies are valid")
}

fn check_analyses(t: &Topology) {
    let c = model(t);
    let o = Oracle::new(t);
    let report = analyze(
        &c,
        &Options {
            redundancy_budget: u64::MAX,
            criticality_limit: usize::MAX,
            cut_budget: u64::MAX,
            double_point_limit: usize::MAX,
            ..Options::default()
        },
    );
    let name_of = |v: usize| o.ids[v].clone();

    let targets: Vec<String> = o.targets().into_iter().map(name_of).collect();
    assert_eq!(report.targets, targets, "targets");

    let spofs: BTreeMap<String, Vec<String>> =
        report.spofs.iter().map(|s| (s.component.to_string(), owned(&s.takes_down))).collect();
    assert_eq!(spofs, o.spofs(), "spofs");

    let down = o.single_down();
    let mut crit: Vec<(String, u32)> =
        report.criticality.iter().map(|c| (c.component.to_string(), c.components_down)).collect();
    crit.sort();
    let mut want: Vec<(String, u32)> =
        (0..o.n()).filter(|&x| down[x].len() > 1).map(|x| (name_of(x), down[x].len() as u32 - 1)).collect();
    want.sort();
    assert_eq!(crit, want, "criticality");

    let gates: Vec<String> = (0..o.n()).filter(|&v| o.need[v] < o.requires[v].len()).map(name_of).collect();
    assert_eq!(report.redundancy.iter().map(|r| r.component.clone()).collect::<Vec<_>>(), gates, "redundancy gates");
    for r in &report.redundancy {
        let v = o.index(&r.component);
        assert!(r.exact, "{}: search should be exact on small inputs", r.component);
        assert_eq!(r.declared_tolerance as usize, o.requires[v].len() - o.need[v], "declared {}", r.component);
        let min = o.min_kill(v);
        assert_eq!(r.actual_tolerance as usize + 1, min, "actual tolerance of {}", r.component);
        let set: Vec<usize> = r.minimal_failure.iter().map(|s| o.index(s)).collect();
        assert_eq!(set.len(), min, "witness size for {}", r.component);
        assert!(!set.contains(&v));
        assert!(o.kills(&set, v), "witness {:?} must take {} down", r.minimal_failure, r.component);
    }

    let runtime = o.sccs(&|v| o.runtime_edges(v));
    let all = o.sccs(&|v| o.all_edges(v));
    let got_runtime: BTreeSet<Vec<String>> =
        report.cycles.iter().filter(|c| c.kind == algo::CycleKind::Runtime).map(|c| sorted(&c.components)).collect();
    let got_start: BTreeSet<Vec<String>> =
        report.cycles.iter().filter(|c| c.kind == algo::CycleKind::Start).map(|c| sorted(&c.components)).collect();
    assert_eq!(got_runtime, runtime, "runtime cycles");
    assert_eq!(got_start, all.difference(&runtime).cloned().collect(), "start cycles");
    for c in &report.cycles {
        // The path is a closed walk through members, each requiring the next.
        assert_eq!(c.path.first(), c.path.last());
        for w in c.path.windows(2) {
            let (a, b) = (o.index(&w[0]), o.index(&w[1]));
            let edges = if c.kind == algo::CycleKind::Runtime { o.runtime_edges(a) } else { o.all_edges(a) };
            assert!(edges.contains(&b), "cycle path step {} -> {}", w[0], w[1]);
        }
    }

    let blind: BTreeMap<String, Vec<String>> =
        report.blind_spots.iter().map(|b| (b.component.to_string(), owned(&b.failures))).collect();
    assert_eq!(blind, o.blind_spots(), "blind spots");

    let blindings: BTreeMap<String, Vec<String>> =
        report.blindings.iter().map(|b| (b.failure.to_string(), owned(&b.blinded))).collect();
    assert_eq!(blindings, o.blindings(), "blindings");

    let restart: BTreeMap<String, Vec<String>> =
        report.restart_hazards.iter().map(|h| (h.failure.to_string(), owned(&h.cannot_restart))).collect();
    assert_eq!(restart, o.restart_hazards(), "restart hazards");

    // Double and triple points: every minimal cut set of order 2 and 3, per target.
    let mut want: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
    for t in o.targets() {
        for set in o.minimal_cut_sets(t, 3).into_iter().filter(|s| s.len() >= 2) {
            let mut names: Vec<String> = set.iter().map(|&x| name_of(x)).collect();
            names.sort();
            want.entry(names).or_default().push(name_of(t));
        }
    }
    // Every set once, an entry's own or one of its equivalents'.
    let got: BTreeMap<Vec<String>, Vec<String>> = report
        .double_points
        .iter()
        .flat_map(|d| std::iter::once(&d.components).chain(&d.equivalent).map(|s| (sorted(s), owned(&d.takes_down))))
        .collect();
    let listed: usize = report.double_points.iter().map(|d| 1 + d.equivalent.len()).sum();
    assert_eq!(listed, got.len(), "each double point listed once");
    assert!(report.double_points_complete);
    assert_eq!(got, want, "double points");
    for d in &report.double_points {
        let set: Vec<usize> = d.components.iter().map(|s| o.index(s)).collect();
        let down = o.up_after(&set).iter().filter(|u| !**u).count() - set.len();
        assert_eq!(d.components_down as usize, down, "components down for {:?}", d.components);
    }
    check_ranking(&report, &o);

    // Credential reach: the transitive closure of holds_credentials_for.
    let mut want_reach: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (i, c) in t.components.iter().enumerate() {
        if c.holds_credentials_for.is_empty() {
            continue;
        }
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut stack: Vec<String> = c.holds_credentials_for.clone();
        while let Some(x) = stack.pop() {
            if x != t.components[i].id && seen.insert(x.clone()) {
                if let Some(cx) = t.components.iter().find(|k| k.id == x) {
                    stack.extend(cx.holds_credentials_for.iter().cloned());
                }
            }
        }
        want_reach.insert(c.id.clone(), seen.into_iter().collect());
    }
    let got_reach: BTreeMap<String, Vec<String>> =
        report.credential_reach.iter().map(|r| (r.component.to_string(), sorted(&r.reaches))).collect();
    assert_eq!(got_reach, want_reach, "credential reach");

    // Availability: enumeration over every state of the fallible components.
    assert_eq!(
        report.availability.is_empty(),
        t.components.iter().all(|c| c.availability.is_none()) || report.targets.is_empty()
    );
    for a in &report.availability {
        let target = o.index(&a.target);
        assert_eq!(a.method, "exact");
        let exact = o.availability(t, target, None);
        assert!((a.availability - exact).abs() < 1e-9, "availability of {}: {} vs {exact}", a.target, a.availability);
        for i in &a.dominated_by {
            let x = o.index(&i.component);
            let birnbaum = o.availability(t, target, Some((x, true))) - o.availability(t, target, Some((x, false)));
            assert!((i.birnbaum - birnbaum).abs() < 1e-9, "Birnbaum of {} for {}", i.component, a.target);
        }
    }

    let (waves, stuck) = o.cold_start();
    assert_eq!(report.cold_start.waves, waves, "cold start waves");
    assert_eq!(report.cold_start.deadlocked, stuck, "deadlocked");
    check_blocking_cycles(&o, &report.cold_start.deadlocked, &report.cold_start.blocking_cycles);
}

#[test]
fn availability_matches_closed_forms_and_monte_carlo_brackets_it() {
    let p: f64 = 0.9;
    let yaml = format!(
        "components:\n- {{id: series, requires: [a, b, c]}}\n- {{id: parallel, need: 1, requires: [a, b, c]}}\n- {{id: quorum, need: 2, requires: [a, b, c]}}\n- {{id: a, availability: {p}}}\n- {{id: b, availability: {p}}}\n- {{id: c, mtbf: 900, mttr: 100}}\n"
    );
    let c = blastmap_core::load(&yaml).expect("valid");
    let m = &c.model;
    let exact = algo::availability(m, 1);
    let by_name = |n: &str| exact.iter().find(|a| m.name(a.target) == n).expect("target").availability;
    assert!((by_name("series") - p.powi(3)).abs() < 1e-12);
    assert!((by_name("parallel") - (1.0 - (1.0 - p).powi(3))).abs() < 1e-12);
    let two_of_three = 3.0 * p * p * (1.0 - p) + p.powi(3);
    assert!((by_name("quorum") - two_of_three).abs() < 1e-12);
    // Forcing Monte Carlo (a diagram limit of 2 nodes) must bracket the exact values.
    for a in algo::availability_with_limit(m, 7, 2) {
        assert_eq!(a.method, algo::Method::MonteCarlo);
        let want = by_name(m.name(a.target));
        assert!(a.interval.0 <= want && want <= a.interval.1, "{}: {:?} vs {want}", m.name(a.target), a.interval);
    }
}

/// The findings' ranks and the equivalent failures agree with the oracle's reading of
/// `docs/semantics.md` ("Hidden first").
fn check_ranking(report: &blastmap_core::report::Report, o: &Oracle) {
    use blastmap_core::finding::{Class, FindingKind};
    let class = o.equivalence();
    let names = |r: &[blastmap_core::finding::Reason]| -> BTreeSet<String> {
        r.iter()
            .map(|x| serde_json::to_value(x).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default())
            .collect()
    };
    let down = o.single_down();
    let targets = o.targets();
    let spofs: BTreeSet<usize> = report.spofs.iter().map(|s| o.index(&s.component)).collect();
    for f in report.findings_of(FindingKind::Spof) {
        let x = o.index(&f.subject);
        // A class is hidden for the union of its members' reasons.
        let want: BTreeSet<String> = spofs
            .iter()
            .filter(|&&y| class[y] == class[x])
            .flat_map(|&y| o.spof_reasons(y))
            .map(String::from)
            .collect();
        assert_eq!(names(&f.rank.reasons), want, "reasons of {}", f.subject);
        assert_eq!(f.rank.class == Class::Hidden, !want.is_empty(), "class of {}", f.subject);
        if f.rank.class == Class::Obvious {
            // Its target takes down every other target it takes down, and is reached from it
            // by plain requires alone.
            let t0 = o.index(f.rank.target.as_deref().expect("an obvious one names its target"));
            let hit: Vec<usize> = targets.iter().copied().filter(|&t| t != x && down[x].contains(&t)).collect();
            assert!(o.covering(&hit, &down).contains(&t0), "{} covers what {} takes down", o.ids[t0], f.subject);
            assert!(o.plain_path(t0, x), "a plain requires chain from {} to {}", o.ids[t0], f.subject);
        }
        // Equivalents: the shown one lists the others of its class that are single points.
        match &f.rank.same_as {
            Some(shown) => assert_eq!(class[o.index(shown)], class[x], "{} same as {shown}", f.subject),
            None => {
                let mut got: Vec<usize> = f.rank.equivalent.iter().map(|e| o.index(e)).collect();
                got.push(x);
                got.sort_unstable();
                let want: Vec<usize> = spofs.iter().copied().filter(|&y| class[y] == class[x]).collect();
                assert_eq!(got, want, "equivalents of {}", f.subject);
            }
        }
    }
    // Double points: equivalent sets merged, and only those; ranked as the oracle reads them.
    let classes_of = |s: &[usize]| -> Vec<usize> {
        let mut c: Vec<usize> = s.iter().map(|&v| class[v]).collect();
        c.sort_unstable();
        c
    };
    let outside = |a: &[usize], b: &[usize]| -> (Vec<usize>, Vec<usize>) {
        let (ua, ub) = (o.up_after(a), o.up_after(b));
        let keep = |v: &usize| !a.contains(v) && !b.contains(v);
        ((0..o.n()).filter(keep).filter(|&v| !ua[v]).collect(), (0..o.n()).filter(keep).filter(|&v| !ub[v]).collect())
    };
    let idx = |s: &[Name]| -> Vec<usize> { s.iter().map(|n| o.index(n)).collect() };
    let doubles: Vec<_> = report.double_points.iter().collect();
    for (i, d) in doubles.iter().enumerate() {
        let set = idx(&d.components);
        let hit = idx(&d.takes_down);
        let mut want: BTreeSet<&str> = o.set_reasons(&set, &hit);
        for e in &d.equivalent {
            let other = idx(e);
            assert_eq!(
                classes_of(&other),
                classes_of(&set),
                "{:?} ≡ {:?}: members pairwise equivalent",
                e,
                d.components
            );
            let (a, b) = outside(&set, &other);
            assert_eq!(a, b, "{:?} ≡ {:?}: the same components down outside them", e, d.components);
            want.extend(o.set_reasons(&other, &hit));
        }
        let want: BTreeSet<String> = want.into_iter().map(String::from).collect();
        let f = report
            .findings_of(FindingKind::DoublePoint)
            .find(|f| {
                f.evidence.starts_with(&d.components)
                    && f.evidence.get(d.components.len()..).is_some_and(|rest| d.takes_down.starts_with(rest))
            })
            .expect("a finding per double point");
        assert_eq!(names(&f.rank.reasons), want, "reasons of {:?}", d.components);
        for other in doubles.iter().skip(i + 1) {
            let o_set = idx(&other.components);
            if classes_of(&o_set) == classes_of(&set) && other.takes_down == d.takes_down {
                let (a, b) = outside(&set, &o_set);
                assert_ne!(a, b, "{:?} and {:?} are equivalent: one entry", d.components, other.components);
            }
        }
    }
}

fn sorted<S: AsRef<str>>(v: &[S]) -> Vec<String> {
    let mut v = owned(v);
    v.sort();
    v
}

/// A report's names as the oracle's strings.
fn owned<S: AsRef<str>>(v: &[S]) -> Vec<String> {
    v.iter().map(|s| s.as_ref().to_string()).collect()
}

/// The blocking cycles are exactly the strongly connected sets (two or more) of the deadlocked
/// subgraph that depend on no other deadlocked node.
fn check_blocking_cycles(o: &Oracle, stuck: &[Name], got: &[Vec<Name>]) {
    let d: BTreeSet<usize> = stuck.iter().map(|s| o.index(s)).collect();
    let edges = |v: usize| -> Vec<usize> {
        if d.contains(&v) {
            o.all_edges(v).into_iter().filter(|u| d.contains(u)).collect()
        } else {
            Vec::new()
        }
    };
    let sccs = o.sccs(&edges);
    let want: BTreeSet<Vec<String>> = sccs
        .into_iter()
        .filter(|c| {
            let members: BTreeSet<usize> = c.iter().map(|s| o.index(s)).collect();
            members.iter().all(|&v| edges(v).iter().all(|u| members.contains(u)))
        })
        .collect();
    let got: BTreeSet<Vec<String>> = got.iter().map(|c| sorted(c)).collect();
    assert_eq!(got, want, "blocking cycles");
}

fn check_what_if(t: &Topology, failed_seed: u64) {
    let c = model(t);
    let m = &c.model;
    let o = Oracle::new(t);
    let mut r = Rng(failed_seed | 1);
    let k = r.below(4).min(o.n());
    let mut failed: Vec<usize> = (0..k).map(|_| r.below(o.n())).collect();
    failed.sort_unstable();
    failed.dedup();
    let ids: Vec<u32> = failed.iter().map(|&f| m.lookup(&o.ids[f]).expect("same ids")).collect();
    let w = algo::what_if(m, &ids);
    // The page's walk from the down nodes gives exactly the same answer.
    let from = algo::what_if_from(m, &algo::Dependents::new(m), &ids);
    assert_eq!(from.status, w.status, "statuses of what_if_from");
    assert_eq!(from.cannot_restart, w.cannot_restart, "cannot restart, what_if_from");
    assert_eq!(from.unmonitored, w.unmonitored, "unmonitored, what_if_from");
    assert_eq!(from.steady.order, w.steady.order, "down order, what_if_from");
    assert_eq!(from.steady.cause, w.steady.cause, "causes, what_if_from");
    let up = o.up_after(&failed);
    for v in 0..o.n() {
        let id = m.lookup(&o.ids[v]).expect("same ids");
        let status = w.status[id as usize];
        let expected = if failed.contains(&v) {
            Status::Failed
        } else if !up[v] {
            Status::Down
        } else if o.requires[v].iter().chain(&o.degrades[v]).any(|&d| !up[d]) {
            Status::Degraded
        } else {
            Status::Up
        };
        assert_eq!(status, expected, "status of {}", o.ids[v]);
        assert_eq!(
            w.cannot_restart[id as usize],
            up[v] && o.start[v].iter().any(|&s| !up[s]),
            "cannot restart {}",
            o.ids[v]
        );
        assert_eq!(
            w.unmonitored[id as usize],
            !o.monitors[v].is_empty() && o.monitors[v].iter().all(|&x| !up[x]),
            "unmonitored {}",
            o.ids[v]
        );
        // A down node's explanation starts at a failed node and each step depends on the previous.
        if !up[v] {
            let path: Vec<usize> = w.explain(m, id).iter().map(|&p| o.index(m.name(p))).collect();
            assert_eq!(path.last(), Some(&v));
            assert!(failed.contains(&path[0]), "path of {} starts at a failure", o.ids[v]);
            for s in path.windows(2) {
                assert!(!up[s[0]] && o.runtime_edges(s[1]).contains(&s[0]), "path step");
            }
        }
    }
}

/// A seed that once failed: a double point whose covering target is not the one that takes
/// down the most targets.
#[test]
fn past_failures_agree_with_brute_force() {
    check_analyses(&random_topology(11_751_888_455_638_898_237));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn analyses_agree_with_brute_force(seed in any::<u64>()) {
        check_analyses(&random_topology(seed));
    }

    #[test]
    fn what_if_agrees_with_brute_force(seed in any::<u64>(), failed in any::<u64>()) {
        check_what_if(&random_topology(seed), failed);
    }

    #[test]
    fn single_failures_match_one_at_a_time_propagation(seed in any::<u64>()) {
        let t = random_topology(seed);
        let c = model(&t);
        let m = &c.model;
        let k = algo::single_failures(m);
        for x in m.ids() {
            let s = algo::steady_state(m, &[x]);
            for v in m.ids() {
                prop_assert_eq!(k.kills(x, v), s.is_down(v), "{} kills {}", m.name(x), m.name(v));
            }
        }
    }
}

/// The single points of failure each target gains and loses between two designs
/// (`diff::diff`'s `spof_changes`, and the targets added and removed), against the oracle's
/// single points of failure of each, by name.
fn check_spof_changes(before: &Topology, after: &Topology) {
    let by_target = |t: &Topology| {
        let o = Oracle::new(t);
        let mut out: BTreeMap<String, BTreeSet<String>> =
            o.targets().into_iter().map(|t| (o.ids[t].clone(), BTreeSet::new())).collect();
        for (x, hit) in o.spofs() {
            for t in hit {
                out.entry(t).or_default().insert(x.clone());
            }
        }
        out
    };
    let (b, a) = (by_target(before), by_target(after));
    let mut expected = Vec::new();
    for (t, bs) in &b {
        if let Some(as_) = a.get(t) {
            let gained: Vec<String> = as_.difference(bs).cloned().collect();
            let lost: Vec<String> = bs.difference(as_).cloned().collect();
            if !gained.is_empty() || !lost.is_empty() {
                expected.push((t.clone(), gained, lost));
            }
        }
    }
    let (cb, ca) = (model(before), model(after));
    let options = Options::default();
    let d = blastmap_core::diff::diff((&cb.model, &analyze(&cb, &options)), (&ca.model, &analyze(&ca, &options)));
    let got: Vec<(String, Vec<String>, Vec<String>)> =
        d.spof_changes.into_iter().map(|c| (c.target, c.gained, c.lost)).collect();
    assert_eq!(got, expected);
    let added: Vec<String> = a.keys().filter(|t| !b.contains_key(*t)).cloned().collect();
    let removed: Vec<String> = b.keys().filter(|t| !a.contains_key(*t)).cloned().collect();
    assert_eq!((d.targets_added, d.targets_removed), (added, removed));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn diff_spof_changes_agree_with_brute_force(before in any::<u64>(), after in any::<u64>()) {
        check_spof_changes(&random_topology(before), &random_topology(after));
    }
}

proptest! {
    // A few hundred components each: fewer cases, each checks every pair of nodes.
    #![proptest_config(ProptestConfig { cases: 150, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn deep_topologies_agree_with_one_failure_at_a_time(seed in any::<u64>()) {
        let t = deep_topology(seed);
        check_deep(&t, usize::MAX);
        check_deep(&t, 3);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn long_cycles_agree_with_one_failure_at_a_time(seed in any::<u64>()) {
        let t = cyclic_topology(seed);
        check_deep(&t, usize::MAX);
        check_deep(&t, 3);
    }
}

#[test]
fn cyclic_topologies_cover_the_shapes_of_long_cycles() {
    // Long cycles that fall together whole, and long cycles whose members do not (closed by a
    // gate, or cut by gates along them) must both occur, or the property above proves little.
    let (mut together, mut apart) = (0, 0);
    for seed in 0..200 {
        let c = model(&cyclic_topology(seed));
        let m = &c.model;
        let k = algo::single_failures(m);
        for cy in algo::cycles(m).iter().filter(|cy| cy.kind == algo::CycleKind::Runtime && cy.members.len() > 10) {
            let sizes: BTreeSet<usize> = cy.members.iter().map(|&v| k.size(v)).collect();
            together += usize::from(sizes.len() == 1);
            apart += usize::from(sizes.len() > 5);
        }
    }
    assert!(together > 20 && apart > 20, "{together} {apart}");
}

#[test]
fn deep_topologies_cover_the_interesting_shapes() {
    // Deep paths, gates, cycles, blind spots, blindings, restart hazards and cut lists must all
    // occur, or the deep property proves little.
    let (mut deep, mut gates, mut cycles, mut blind, mut blinding, mut restart, mut cut) = (0, 0, 0, 0, 0, 0, 0);
    for seed in 0..40 {
        let c = model(&deep_topology(seed));
        let m = &c.model;
        let k = algo::single_failures(m);
        deep += usize::from(m.ids().any(|v| k.size(v) > 50));
        gates += usize::from(m.ids().any(|v| m.is_redundant(v)));
        cycles += usize::from(algo::cycles(m).iter().any(|c| c.kind == algo::CycleKind::Runtime));
        blind += usize::from(!algo::blind_spots(m, &k, 3).is_empty());
        blinding += usize::from(!algo::blindings(m, &k).is_empty());
        restart += usize::from(!algo::restart_hazards(m, &k).is_empty());
        cut += usize::from(algo::spofs(m, &k, 3).iter().any(|s| s.takes_down_count > 3));
    }
    assert!(
        deep > 30 && gates > 30 && cycles > 20 && blind > 10 && blinding > 10 && restart > 20 && cut > 10,
        "{deep} {gates} {cycles} {blind} {blinding} {restart} {cut}"
    );
}

#[test]
fn random_topologies_cover_the_interesting_shapes() {
    // The generator must produce gates, runtime cycles, start cycles, deadlocks and placement,
    // or the properties above prove little.
    let (mut gates, mut runtime_cycles, mut deadlocks, mut placement, mut false_redundancy) = (0, 0, 0, 0, 0);
    // Cycles whose members fall together (the solver stores their K once) and cycles whose
    // members do not all have one K (classes and single members side by side).
    let (mut together, mut mixed) = (0, 0);
    for seed in 0..500 {
        let t = random_topology(seed);
        let c = model(&t);
        let k = algo::single_failures(&c.model);
        for cy in algo::cycles(&c.model).iter().filter(|cy| cy.kind == algo::CycleKind::Runtime) {
            let first = cy.members[0];
            together += usize::from(cy.members[1..].iter().any(|&v| k.kills(v, first) && k.kills(first, v)));
            mixed += usize::from(cy.members.iter().any(|&v| k.of(v) != k.of(first)));
        }
        let r = analyze(&c, &Options::default());
        gates += usize::from(!r.redundancy.is_empty());
        false_redundancy += usize::from(
            r.redundancy.iter().any(|g| g.actual_tolerance < g.declared_tolerance && g.actual_tolerance > 0),
        );
        runtime_cycles += usize::from(r.cycles.iter().any(|c| c.kind == algo::CycleKind::Runtime));
        deadlocks += usize::from(!r.cold_start.deadlocked.is_empty());
        placement += usize::from(r.summary.placement_values > 0);
    }
    assert!(
        gates > 100 && runtime_cycles > 50 && deadlocks > 50 && placement > 100,
        "{gates} {runtime_cycles} {deadlocks} {placement}"
    );
    assert!(false_redundancy > 0, "some gate must have an actual tolerance between 0 and declared");
    assert!(together > 50 && mixed > 20, "{together} {mixed}");
}

/// A random small mesh: one or two shards, tailnets on them (some caching the network map),
/// nodes in them (some ephemeral, some without a direct path, some needing another node or a
/// plain component to start or to run), relays, and plain components that need nodes.
pub fn random_mesh(seed: u64) -> Topology {
    let mut r = Rng(seed.wrapping_mul(0xD6E8_FEB8_6659_FD93) | 1);
    let shards: Vec<Component> = (0..1 + r.below(2)).map(|i| Component::new(format!("s{i}"))).collect();
    let tailnets: Vec<blastmap_core::spec::Tailnet> = (0..1 + r.below(2))
        .map(|i| blastmap_core::spec::Tailnet {
            id: format!("t{i}"),
            shard: format!("s{}", r.below(shards.len())),
            cache_netmap: r.chance(25),
            ..Default::default()
        })
        .collect();
    let relays: Vec<Component> = (0..r.below(3)).map(|i| Component::new(format!("relay{i}"))).collect();
    let n = 1 + r.below(6);
    let mut comps: Vec<Component> = Vec::new();
    for i in 0..n {
        let mut c = Component::new(format!("n{i}"));
        c.tailnet = Some(format!("t{}", r.below(tailnets.len())));
        c.ephemeral = r.chance(40);
        c.relays = relays.iter().filter(|_| r.chance(50)).map(|x| x.id.clone()).collect();
        if r.chance(20) {
            c.direct = Some(false);
        }
        if i > 0 && r.chance(25) {
            c.requires_at_start.push(format!("n{}", r.below(i)));
        }
        if r.chance(20) {
            c.requires.push("dep".into());
        }
        comps.push(c);
    }
    let mut dep = Component::new("dep");
    if r.chance(30) {
        dep.requires_at_start.push("s0".into());
    }
    comps.push(dep);
    let mut app = Component::new("app");
    app.requires = (0..n).filter(|_| r.chance(30)).map(|i| format!("n{i}")).collect();
    comps.push(app);
    Topology { name: Some(format!("mesh-{seed}")), components: comps, shards, relays, tailnets, ..Topology::default() }
}

/// Each shard's and relay's outage, read per tailnet, against the brute-force [`Oracle`] on the
/// expanded topology: the ephemeral nodes that drop are exactly those up after the failure whose
/// start needs something down, and the outage's finding is hidden for `ephemeral` exactly then,
/// with them first in its evidence.
fn check_mesh(t: &Topology) {
    use blastmap_core::finding::{Class, FindingKind, Reason};
    let c = compile(Document::from_topology(t.clone())).expect("a valid mesh");
    let expanded = &c.expanded().topology;
    let o = Oracle::new(expanded);
    let report = analyze(&c, &Options::default());
    for entry in &report.mesh {
        let up = o.up_after(&[o.index(&entry.failure)]);
        let mut all: Vec<String> = Vec::new();
        for tn in &entry.tailnets {
            let want: Vec<String> = t
                .components
                .iter()
                .filter(|n| n.ephemeral && n.tailnet.as_deref() == Some(tn.tailnet.as_str()))
                .map(|n| o.index(&n.id))
                .filter(|&v| up[v] && o.start[v].iter().any(|&s| !up[s]))
                .map(|v| o.ids[v].clone())
                .collect();
            assert_eq!(
                tn.ephemeral_dropping, want,
                "{} down: ephemeral nodes of {} dropping",
                entry.failure, tn.tailnet
            );
            all.extend(want);
        }
        let finding = report.findings_of(FindingKind::MeshOutage).find(|f| f.subject == entry.failure);
        match finding {
            Some(f) => {
                assert_eq!(f.rank.class, Class::Hidden, "{}", f.title);
                assert_eq!(f.rank.reasons.contains(&Reason::Ephemeral), !all.is_empty(), "{}", f.title);
                assert!(f.rank.reasons.contains(&Reason::Mesh), "{}", f.title);
                assert_eq!(
                    f.evidence.get(1..=all.len()).map(owned),
                    Some(all.clone()),
                    "ephemeral nodes lead: {}",
                    f.title
                );
                if !all.is_empty() {
                    assert_eq!(f.severity, blastmap_core::finding::Severity::High, "{}", f.title);
                    let count = format!("{} ephemeral node", all.len());
                    assert!(f.title.contains(&count), "{count}: {}", f.title);
                }
            }
            None => assert!(all.is_empty(), "{} drops ephemeral nodes {all:?} without a finding", entry.failure),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mesh_outages_agree_with_brute_force(seed in any::<u64>()) {
        check_mesh(&random_mesh(seed));
    }
}

#[test]
fn random_meshes_drop_ephemeral_nodes_often_enough() {
    // The property proves little unless outages drop ephemeral nodes, and some do not.
    let (mut dropping, mut calm) = (0, 0);
    for seed in 0..200 {
        let c = compile(Document::from_topology(random_mesh(seed))).expect("a valid mesh");
        let report = analyze(&c, &Options::default());
        for e in &report.mesh {
            if e.tailnets.iter().any(|t| !t.ephemeral_dropping.is_empty()) {
                dropping += 1;
            } else {
                calm += 1;
            }
        }
    }
    assert!(dropping > 50 && calm > 50, "{dropping} {calm}");
}
