//! Budgets never turn a finding into silence: a tolerance search cut short reports bounds that
//! bracket the truth and a false-redundancy finding whenever its greedy witness beats the
//! declaration (else an incomplete entry); a cut double-point search says which targets it
//! searched how far; a diff does not call "fixed" what a cut left out.

use std::collections::{BTreeMap, BTreeSet};

use blastmap_core::algo::{self, Coverage};
use blastmap_core::diff::diff;
use blastmap_core::format::Document;
use blastmap_core::report::{analyze, FindingKind, Options, RedundancyEntry, Report};
use blastmap_core::spec::{Component, Topology};
use blastmap_core::{compile, load, render, Compiled};
use proptest::prelude::*;

use crate::oracle::Oracle;
use crate::props::random_topology;

/// A 1-of-`n` group whose members each need one of three shared components: declared
/// tolerance n − 1, actual 2 (`a`, `b` and `c` together take every member down).
fn one_of_n_over_three_shared(n: usize) -> String {
    let members: Vec<String> = (0..n).map(|i| format!("m{i}")).collect();
    let mut yaml =
        format!("name: one-of-{n}\ncomponents:\n  - {{id: group, need: 1, requires: [{}]}}\n", members.join(", "));
    for m in &members {
        yaml.push_str(&format!("  - {{id: {m}, need: 1, requires: [a, b, c]}}\n"));
    }
    yaml.push_str("  - {id: a}\n  - {id: b}\n  - {id: c}\n");
    yaml
}

/// A 1-of-`n` group whose members each need one of their own two replicas: really as redundant
/// as declared, but the greedy picks replicas (two per member) and cannot show it.
fn one_of_n_over_own_pairs(n: usize) -> String {
    let members: Vec<String> = (0..n).map(|i| format!("m{i}")).collect();
    let mut yaml =
        format!("name: own-pairs-{n}\ncomponents:\n  - {{id: group, need: 1, requires: [{}]}}\n", members.join(", "));
    for m in &members {
        yaml.push_str(&format!(
            "  - {{id: {m}, need: 1, requires: [{m}-a, {m}-b]}}\n  - {{id: {m}-a}}\n  - {{id: {m}-b}}\n"
        ));
    }
    yaml
}

fn analyzed(yaml: &str, options: &Options) -> Report {
    analyze(&load(yaml).expect("valid topology"), options)
}

/// A component with its `need` and `requires`.
fn gate(id: String, need: Option<u32>, requires: Vec<String>) -> Component {
    Component { id, need, requires, ..Component::default() }
}

/// A gate that needs one of `n` independent components.
fn hub(n: usize) -> Compiled {
    let members: Vec<String> = (0..n).map(|i| format!("m{i}")).collect();
    let mut components = vec![gate("hub".into(), Some(1), members.clone())];
    components.extend(members.iter().map(|m| gate(m.clone(), None, Vec::new())));
    let t = Topology { components, ..Topology::default() };
    compile(Document::from_topology(t)).expect("valid topology")
}

/// The greedy witness is bounded too. A gate that needs one of n components made it update
/// every member's score after each of n picks: at 100,000 the CLI ran for 80 s and was killed at
/// 23 GB; at 20,000 (here) that is 4·10^8 queued scores. Its answer now is the bounds the
/// search proved, said as undecided. (With a budget under the 20,000 members, the check that
/// settles independent members at once gives up: the search and the greedy run.)
#[test]
fn a_gate_over_twenty_thousand_components_gets_bounds_not_an_endless_greedy_search() {
    let report = analyze(&hub(20_000), &Options { redundancy_budget: 10_000, ..Options::default() });
    let r = &report.redundancy[0];
    assert_eq!(r.component, "hub");
    assert_eq!((r.declared_tolerance, r.at_least, r.actual_tolerance, r.exact), (19_999, 1, 19_999, false));
    assert_eq!(report.findings_of(FindingKind::FalseRedundancy).count(), 0);
    let cut: Vec<&str> = report
        .incomplete
        .iter()
        .filter(|i| i.analysis == FindingKind::FalseRedundancy)
        .map(|i| i.reason.as_str())
        .collect();
    assert_eq!(cut.len(), 1, "{cut:?}");
    assert!(cut[0].contains("undecided") && cut[0].contains("between 1 and 19999"), "{}", cut[0]);
}

/// A gate over members that share nothing and hold no gate below them: every failure takes
/// down at most one member, so it takes all n to take the gate down, and the declaration is
/// exact without a search (a gate needing 2 of 40 such replicas was undecided after the budget
/// ran out on sets of 4: 5,000 of them took a minute).
#[test]
fn a_gate_over_independent_members_is_exact_without_a_search() {
    let report = analyze(&hub(20_000), &Options::default());
    let r = &report.redundancy[0];
    assert_eq!((r.declared_tolerance, r.at_least, r.actual_tolerance, r.exact), (19_999, 19_999, 19_999, true));
    assert!(report.incomplete.iter().all(|i| i.analysis != FindingKind::FalseRedundancy), "{:?}", report.incomplete);

    // 200 gates, each needing 2 of its own 40 replicas, each replica on its own host.
    let mut components = Vec::new();
    for g in 0..200 {
        let replicas: Vec<String> = (0..40).map(|i| format!("r{g}-{i}")).collect();
        components.push(gate(format!("g{g}"), Some(2), replicas.clone()));
        components.extend(
            replicas.into_iter().map(|id| Component { host: Some(format!("h-{id}")), ..gate(id, None, Vec::new()) }),
        );
    }
    let c = compile(Document::from_topology(Topology { components, ..Topology::default() })).expect("valid topology");
    let report = analyze(&c, &Options::default());
    assert_eq!(report.redundancy.len(), 200);
    assert!(report.redundancy.iter().all(|r| (r.actual_tolerance, r.exact) == (38, true)));
    assert!(report.incomplete.iter().all(|i| i.analysis != FindingKind::FalseRedundancy), "{:?}", report.incomplete);

    // Two replicas on one host: that host takes two down, and the search decides (need 2 of 6:
    // the host and three more take five down, tolerance 3 of the declared 4).
    let mut components = vec![gate("g".into(), Some(2), (0..6).map(|i| format!("r{i}")).collect())];
    components.extend(
        (0..6).map(|i| Component { host: Some(format!("h{}", i.max(1))), ..gate(format!("r{i}"), None, Vec::new()) }),
    );
    let c = compile(Document::from_topology(Topology { components, ..Topology::default() })).expect("valid topology");
    let r = &analyze(&c, &Options::default()).redundancy[0];
    assert_eq!((r.declared_tolerance, r.actual_tolerance, r.exact), (4, 3, true));
    assert_eq!(r.minimal_failure.len(), 4);
}

/// `consumers` gates that each need one of the same `pool` components.
fn pool(consumers: usize, pool: usize) -> Compiled {
    let members: Vec<String> = (0..pool).map(|i| format!("p{i}")).collect();
    let mut components: Vec<Component> =
        (0..consumers).map(|i| gate(format!("c{i}"), Some(1), members.clone())).collect();
    components.extend(members.iter().map(|m| gate(m.clone(), None, Vec::new())));
    compile(Document::from_topology(Topology { components, ..Topology::default() })).expect("valid topology")
}

/// Consumers of one pool are searched once (300 of them over 300 took a minute, one search per
/// gate), and each has the answer it has alone: exact where the budget settles it, the same
/// bounds where it does not.
#[test]
fn gates_over_one_pool_each_have_the_answer_they_have_alone() {
    // A budget under the pool's size keeps the search (the members are independent: the check
    // that settles them at once gives up past the budget).
    for (size, budget) in [(12, 200_000), (40, 30)] {
        let options = Options { redundancy_budget: budget, ..Options::default() };
        let alone = analyze(&pool(1, size), &options).redundancy.remove(0);
        let all = analyze(&pool(50, size), &options).redundancy;
        assert_eq!(all.len(), 50);
        for (i, r) in all.iter().enumerate() {
            assert_eq!(r.component, format!("c{i}"));
            assert_eq!(RedundancyEntry { component: alone.component.clone(), ..r.clone() }, alone, "pool of {size}");
        }
        assert_eq!(alone.exact, size == 12, "{alone:?}");
    }
}

#[test]
fn a_one_of_300_group_over_three_shared_components_is_found_false_when_the_search_runs_out() {
    let report = analyzed(&one_of_n_over_three_shared(300), &Options::default());
    let r = &report.redundancy[0];
    assert_eq!(r.component, "group");
    assert_eq!((r.declared_tolerance, r.at_least, r.actual_tolerance, r.exact), (299, 2, 2, true));
    assert_eq!(r.minimal_failure, ["a", "b", "c"]);
    let titles: Vec<&str> = report.findings_of(FindingKind::FalseRedundancy).map(|f| f.title.as_str()).collect();
    assert_eq!(
        titles,
        ["false redundancy: `group` declares tolerance 299 but tolerates 2: `a`, `b`, `c` together take it down"]
    );
    // The bounds met: nothing about the gate is left undecided.
    assert!(report.incomplete.iter().all(|i| i.analysis != FindingKind::FalseRedundancy), "{:?}", report.incomplete);
}

#[test]
fn a_witness_between_the_bounds_is_a_finding_with_both_bounds() {
    // A budget of 10 tries only pairs: the lower bound is 1, the greedy witness has 3 members.
    let report = analyzed(&one_of_n_over_three_shared(8), &Options { redundancy_budget: 10, ..Options::default() });
    let r = &report.redundancy[0];
    assert_eq!((r.declared_tolerance, r.at_least, r.actual_tolerance, r.exact), (7, 1, 2, false));
    let f = report.findings_of(FindingKind::FalseRedundancy).next().expect("a finding");
    assert_eq!(
        f.title,
        "false redundancy: `group` tolerates at most 2 (at least 1: no single failure takes it down) of its declared 7: `a`, `b`, `c` together take it down"
    );
    let cut: Vec<_> = report.incomplete.iter().filter(|i| i.analysis == FindingKind::FalseRedundancy).collect();
    assert_eq!(cut.len(), 1);
    assert_eq!(cut[0].subject.as_deref(), Some("group"));
    // Every set of up to 2 failures among the 11 it depends on: C(11, 2) = 55.
    assert!(
        cut[0].reason.contains("so its redundancy is false either way; `--budget 55` settles"),
        "{}",
        cut[0].reason
    );
    let settled = analyzed(&one_of_n_over_three_shared(8), &Options { redundancy_budget: 55, ..Options::default() });
    assert!(settled.redundancy[0].exact);
    assert_eq!(settled.redundancy[0].actual_tolerance, 2);
}

#[test]
fn when_the_greedy_cannot_beat_the_declaration_the_gate_is_undecided_not_fine() {
    let report = analyzed(&one_of_n_over_own_pairs(12), &Options::default());
    let r = &report.redundancy[0];
    assert_eq!(r.component, "group");
    assert!(!r.exact);
    assert_eq!((r.declared_tolerance, r.actual_tolerance), (11, 11));
    assert!(r.at_least >= 2 && r.at_least < 11, "{r:?}");
    assert_eq!(report.findings_of(FindingKind::FalseRedundancy).count(), 0);
    let cut: Vec<_> = report.incomplete.iter().filter(|i| i.analysis == FindingKind::FalseRedundancy).collect();
    assert_eq!(cut.len(), 1);
    assert!(cut[0].reason.starts_with("`group`: undecided: the search ran out of budget after every set of up to"));
    assert!(cut[0].reason.contains(&format!("it tolerates between {} and 11 failures (declared 11)", r.at_least)));
    assert!(cut[0].reason.contains("`--budget "), "{}", cut[0].reason);
    // And the people reading the report are told.
    let text = render::text(&report, false);
    assert!(text.contains("Incomplete analyses ("), "{text}");
    assert!(text.contains("false-redundancy: group: undecided:"), "{text}");
    assert!(render::markdown(&report).contains("### Incomplete analyses ("));
}

#[test]
fn an_empty_report_with_a_cut_analysis_does_not_say_no_findings() {
    // Three replicas, a budget of one set: nothing found, nothing proven.
    let yaml = "components:\n  - {id: group, need: 1, requires: [a, b, c]}\n  - {id: a}\n  - {id: b}\n  - {id: c}\n";
    let report = analyzed(yaml, &Options { redundancy_budget: 1, cut_budget: 0, ..Options::default() });
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    let text = render::text(&report, false);
    assert!(!text.contains("No findings:"), "{text}");
    assert!(text.contains("No findings found, but 2 results were cut short by a budget (below)"), "{text}");
}

/// A random layered topology of wide k-of-n gates over shared components and zones (at most 13
/// nodes, sometimes with a runtime cycle): the shape where small budgets cut tolerance searches
/// and the greedy witness matters.
pub fn random_layers(seed: u64) -> Topology {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut below = |n: usize| -> usize {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let (leaves, mids, tops) = (2 + below(3), 2 + below(4), 1 + below(2));
    let mut comps: Vec<Component> = Vec::new();
    for i in 0..leaves {
        let mut c = Component::new(format!("l{i}"));
        if below(10) < 3 {
            c.zone = Some(format!("z{}", below(2)));
        }
        comps.push(c);
    }
    let pick = |below: &mut dyn FnMut(usize) -> usize, pool: &[String], percent: usize| -> Vec<String> {
        pool.iter().filter(|_| below(100) < percent).cloned().collect()
    };
    let leaf_ids: Vec<String> = (0..leaves).map(|i| format!("l{i}")).collect();
    let mid_ids: Vec<String> = (0..mids).map(|i| format!("m{i}")).collect();
    for i in 0..mids {
        let mut c = Component::new(mid_ids[i].clone());
        c.requires = pick(&mut below, &leaf_ids, 60);
        c.requires.extend(pick(&mut below, &mid_ids[..i], 20));
        // Now and then a later member: a runtime cycle.
        if i + 1 < mids && below(10) == 0 {
            c.requires.push(mid_ids[i + 1].clone());
        }
        if c.requires.is_empty() {
            c.requires.push(leaf_ids[below(leaves)].clone());
        }
        c.need = Some(1 + below(c.requires.len()) as u32);
        comps.push(c);
    }
    for i in 0..tops {
        let mut c = Component::new(format!("t{i}"));
        c.requires = pick(&mut below, &mid_ids, 75);
        c.requires.extend(pick(&mut below, &leaf_ids, 15));
        if c.requires.is_empty() {
            c.requires.push(mid_ids[below(mids)].clone());
        }
        c.need = Some(1 + below(c.requires.len().div_ceil(2)) as u32);
        comps.push(c);
    }
    Topology { name: Some(format!("layers-{seed}")), components: comps, ..Topology::default() }
}

fn compiled(t: &Topology) -> Compiled {
    compile(Document::from_topology(t.clone())).expect("generated topologies are valid")
}

/// With any budget: the bounds bracket the oracle's tolerance, the witness takes the gate down
/// and has `actual + 1` members, a finding exists exactly when the witness beats the
/// declaration, and every inexact gate has its incomplete entry.
fn check_redundancy_bounds(t: &Topology, budget: u64) {
    let c = compiled(t);
    let o = Oracle::new(t);
    let report = analyze(&c, &Options { redundancy_budget: budget, cut_budget: 0, ..Options::default() });
    let false_gates: BTreeSet<&str> =
        report.findings_of(FindingKind::FalseRedundancy).map(|f| f.subject.as_str()).collect();
    let cut_gates: BTreeSet<&str> = report
        .incomplete
        .iter()
        .filter(|i| i.analysis == FindingKind::FalseRedundancy)
        .filter_map(|i| i.subject.as_deref())
        .collect();
    for r in &report.redundancy {
        let v = o.index(&r.component);
        let truth = o.min_kill(v) - 1;
        let (lo, hi) = (r.at_least as usize, r.actual_tolerance as usize);
        assert!(lo <= truth && truth <= hi, "{}: {lo}..{hi} must bracket {truth} (budget {budget})", r.component);
        if r.exact {
            assert_eq!((lo, hi), (truth, truth), "{}: exact", r.component);
        }
        assert!(hi <= r.declared_tolerance as usize);
        let set: Vec<usize> = r.minimal_failure.iter().map(|s| o.index(s)).collect();
        assert_eq!(set.len(), hi + 1, "{}: witness size", r.component);
        assert!(!set.contains(&v) && o.kills(&set, v), "{}: witness {:?}", r.component, r.minimal_failure);
        let name = r.component.as_str();
        assert_eq!(false_gates.contains(name), hi < r.declared_tolerance as usize, "{name}: finding");
        assert_eq!(cut_gates.contains(name), !r.exact, "{name}: incomplete entry");
    }
}

/// With any cut budget: every double point reported is a true minimal cut set of what it takes
/// down; targets searched completely have all theirs, and targets whose pairs were all tried
/// have all their pairs; the incomplete entry names exactly the targets not fully searched; the
/// budget it names finishes the search.
fn check_cut_coverage(t: &Topology, budget: u64) {
    let c = compiled(t);
    let m = &c.model;
    let o = Oracle::new(t);
    let k = algo::single_failures(m);
    let cuts = algo::cut_sets(m, &k, 3, budget);
    assert!(cuts.tried <= budget);
    for ((target, sets), search) in cuts.per_target.iter().zip(&cuts.searches) {
        assert_eq!(*target, search.target);
        let ot = o.index(m.name(*target));
        let want: BTreeSet<Vec<String>> = o
            .minimal_cut_sets(ot, 3)
            .into_iter()
            .filter(|s| s.len() >= 2)
            .map(|s| sorted(s.iter().map(|&x| o.ids[x].clone()).collect()))
            .collect();
        let got: BTreeSet<Vec<String>> =
            sets.iter().map(|s| sorted(m.names(s).iter().map(|n| n.to_string()).collect())).collect();
        assert!(got.is_subset(&want), "{}: {got:?} not all minimal cut sets ({want:?})", m.name(*target));
        let pairs = |s: &BTreeSet<Vec<String>>| -> BTreeSet<Vec<String>> {
            s.iter().filter(|x| x.len() == 2).cloned().collect()
        };
        match search.coverage {
            Coverage::Complete => assert_eq!(got, want, "{}: complete", m.name(*target)),
            Coverage::Partial { through: 2 } => assert_eq!(pairs(&got), pairs(&want), "{}: pairs", m.name(*target)),
            Coverage::Partial { .. } => assert!(search.tried > 0),
            Coverage::NotSearched => assert!(got.is_empty() && search.tried == 0),
        }
    }
    let report = analyze(&c, &Options { redundancy_budget: 0, cut_budget: budget, ..Options::default() });
    let cut: Vec<_> =
        report.incomplete.iter().filter(|i| i.analysis == FindingKind::DoublePoint && !i.targets.is_empty()).collect();
    let not_done: Vec<String> = cuts
        .searches
        .iter()
        .filter(|s| s.coverage != Coverage::Complete)
        .map(|s| m.name(s.target).to_string())
        .collect();
    assert_eq!(report.double_points_complete, not_done.is_empty());
    if not_done.is_empty() {
        assert!(cut.is_empty());
    } else {
        assert_eq!(cut.len(), 1);
        assert_eq!(cut[0].targets, not_done);
        // The budget named finishes the search; a target not reached is not sized.
        let all_sized = cuts.searches.iter().all(|s| s.candidates.is_some());
        assert_eq!(cuts.budget_to_finish().is_some(), all_sized);
        if let Some(enough) = cuts.budget_to_finish() {
            assert!(algo::cut_sets(m, &k, 3, enough).complete, "a budget of {enough} finishes the search");
        }
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn cut_tolerance_searches_bracket_the_truth(seed in any::<u64>(), budget in 1u64..=50) {
        check_redundancy_bounds(&random_topology(seed), budget);
        check_redundancy_bounds(&random_layers(seed), budget);
    }

    #[test]
    fn cut_double_point_searches_say_how_far_they_got(seed in any::<u64>(), budget in 0u64..=60) {
        check_cut_coverage(&random_topology(seed), budget);
        check_cut_coverage(&random_layers(seed), budget);
    }
}

#[test]
fn random_topologies_exercise_the_cut_paths() {
    // Small budgets must actually cut searches, find witnesses past the cut, and leave gates
    // undecided, or the properties above prove little.
    let (mut cut, mut found_past_cut, mut undecided) = (0, 0, 0);
    for seed in 0..1000 {
        let c = compiled(&random_layers(seed));
        let r = analyze(&c, &Options { redundancy_budget: 3, cut_budget: 0, ..Options::default() });
        for g in r.redundancy.iter().filter(|g| !g.exact) {
            cut += 1;
            found_past_cut += usize::from(g.actual_tolerance < g.declared_tolerance);
            undecided += usize::from(g.actual_tolerance == g.declared_tolerance);
        }
    }
    assert!(cut > 100 && found_past_cut > 20 && undecided > 20, "{cut} {found_past_cut} {undecided}");
}

#[test]
fn one_huge_target_does_not_starve_the_others() {
    // `group`'s search needs millions of sets; `small` needs 3 pairs and a triple. Declared
    // first, the huge target used to take the whole budget.
    let mut yaml = one_of_n_over_three_shared(300);
    yaml.push_str(
        "  - {id: small, need: 2, requires: [x, y, z], target: true}\n  - {id: x}\n  - {id: y}\n  - {id: z}\n",
    );
    yaml = yaml.replace("{id: group, need: 1,", "{id: group, target: true, need: 1,");
    let c = load(&yaml).expect("valid");
    let m = &c.model;
    let cuts = algo::cut_sets(m, &algo::single_failures(m), 3, algo::DEFAULT_CUT_BUDGET);
    let by_name: BTreeMap<&str, Coverage> = cuts.searches.iter().map(|s| (m.name(s.target), s.coverage)).collect();
    assert_eq!(by_name["small"], Coverage::Complete);
    assert_eq!(by_name["group"], Coverage::Partial { through: 2 });
    let small = m.lookup("small").expect("small");
    let sets = &cuts.per_target.iter().find(|(t, _)| *t == small).expect("small's sets").1;
    assert_eq!(sets.len(), 3, "the three pairs of x, y, z");
    let report = analyze(&c, &Options::default());
    let cut = report.incomplete.iter().find(|i| i.analysis == FindingKind::DoublePoint).expect("cut entry");
    assert_eq!(cut.targets, ["group"]);
    assert!(
        cut.reason.contains(
            "1 of 2 targets searched completely, 1 partly (`group`: pairs only); `--cut-budget 4636308` finishes it"
        ),
        "{}",
        cut.reason
    );
    let text = render::text(&report, false);
    assert!(
        text.contains("double-point: the double/triple point search ran out of budget after 100,000 sets"),
        "{text}"
    );
}

#[test]
fn targets_with_nothing_to_search_are_complete_without_a_search() {
    let yaml = "components:\n  - {id: web, requires: [api]}\n  - {id: api, requires: [db]}\n  - {id: db}\n";
    let c = load(yaml).expect("valid");
    let m = &c.model;
    let cuts = algo::cut_sets(m, &algo::single_failures(m), 3, 0);
    assert!(cuts.complete);
    assert_eq!(cuts.searches[0].coverage, Coverage::Complete);
    assert_eq!((cuts.searches[0].candidates, cuts.tried), (Some(0), 0));
}

#[test]
fn the_top_n_cut_is_said_and_shown() {
    // An app that needs twenty 1-of-2 groups: twenty double points, one per pair of replicas.
    let mut yaml = String::from("components:\n  - {id: app, requires: [");
    yaml.push_str(&(0..20).map(|i| format!("g{i}")).collect::<Vec<_>>().join(", "));
    yaml.push_str("]}\n");
    for i in 0..20 {
        yaml.push_str(&format!(
            "  - {{id: g{i}, need: 1, requires: [r{i}a, r{i}b]}}\n  - {{id: r{i}a}}\n  - {{id: r{i}b}}\n"
        ));
    }
    let report = analyzed(&yaml, &Options { double_point_limit: 5, ..Options::default() });
    assert_eq!((report.double_points.len(), report.double_points_total), (5, 20));
    let cut = report.incomplete.iter().find(|i| i.analysis == FindingKind::DoublePoint).expect("top-N entry");
    assert_eq!(
        cut.reason,
        "the report keeps the 5 most damaging of 20 double and triple points; the other 15 are left out"
    );
    assert!(cut.targets.is_empty() && !cut.critical);
    let text = render::text(&report, false);
    assert!(text.contains("Double and triple points of failure (showing 5 of 20)"), "{text}");
    assert!(render::markdown(&report).contains("| Double and triple points of failure | showing 5 of 20 |"));
    assert!(render::markdown(&report).contains("### Double and triple points of failure (showing 5 of 20)"));
}

#[test]
fn a_finding_the_after_report_left_out_by_a_budget_is_not_fixed() {
    // Before: twelve members over two shared components (tolerates 1 of a declared 11), found
    // exactly. After: each member over its own pair, where the search runs out undecided.
    let before = load(&one_of_n_over_three_shared(12).replace("[a, b, c]", "[a, b]").replace("  - {id: c}\n", ""))
        .expect("valid");
    let after = load(&one_of_n_over_own_pairs(12).replace("own-pairs-12", "one-of-12")).expect("valid");
    let options = Options { cut_budget: 1_000, ..Options::default() };
    let (br, ar) = (analyze(&before, &options), analyze(&after, &options));
    assert_eq!(br.findings_of(FindingKind::FalseRedundancy).count(), 1);
    assert!(ar.incomplete.iter().any(|i| i.subject.as_deref() == Some("group")));
    let d = diff((&before.model, &br), (&after.model, &ar));
    assert!(d.lost.iter().all(|f| f.kind != FindingKind::FalseRedundancy), "{:?}", d.lost);
    let uncertain: Vec<(&str, &str)> =
        d.lost_uncertain.iter().map(|u| (u.finding.subject.as_str(), u.reason.as_str())).collect();
    assert!(uncertain.iter().any(|(s, r)| *s == "group" && r.starts_with("`group`: undecided")), "{uncertain:?}");
    let text = render::diff_text(&d, false);
    assert!(
        text.contains("Findings missing after only because a budget cut the after analysis (not fixed: unknown)"),
        "{text}"
    );
    assert!(text.contains("?- HIGH     false redundancy: group declares tolerance 11 but tolerates 1"), "{text}");
    assert!(render::diff_markdown(&d).contains("### Missing after only because a budget cut the after analysis"));
    // The same pair with budgets that finish every search: the finding is really lost.
    let after_small = load(&one_of_n_over_own_pairs(3)).expect("valid");
    let before_small = load(&one_of_n_over_three_shared(3).replace("[a, b, c]", "[a, b]").replace("  - {id: c}\n", ""))
        .expect("valid");
    let (br, ar) = (analyze(&before_small, &Options::default()), analyze(&after_small, &Options::default()));
    assert!(ar.incomplete.is_empty());
    let d = diff((&before_small.model, &br), (&after_small.model, &ar));
    assert!(d.lost_uncertain.is_empty());
    assert!(d.lost.iter().any(|f| f.kind == FindingKind::FalseRedundancy && f.subject == "group"));
}

#[test]
fn a_double_point_the_after_search_did_not_reach_is_not_fixed() {
    let before =
        load("components:\n  - {id: app, need: 1, requires: [a, b]}\n  - {id: a}\n  - {id: b}\n").expect("valid");
    let after = load(
        "components:\n  - {id: app, need: 1, requires: [a, b]}\n  - {id: a, requires: [c]}\n  - {id: b}\n  - {id: c}\n",
    )
    .expect("valid");
    let (br, ar) =
        (analyze(&before, &Options::default()), analyze(&after, &Options { cut_budget: 0, ..Options::default() }));
    assert_eq!(br.double_points.len(), 1);
    assert!(ar.double_points.is_empty() && !ar.double_points_complete);
    let d = diff((&before.model, &br), (&after.model, &ar));
    assert!(d.lost.iter().all(|f| f.kind != FindingKind::DoublePoint));
    assert_eq!(d.lost_uncertain.len(), 1);
    assert!(d.lost_uncertain[0].reason.contains("0 of 1 targets searched completely, 1 not at all (`app`)"));
    // A set of components the after design no longer has is lost, cut or not.
    let renamed =
        load("components:\n  - {id: app, need: 1, requires: [x, y]}\n  - {id: x}\n  - {id: y}\n").expect("valid");
    let rr = analyze(&renamed, &Options { cut_budget: 0, ..Options::default() });
    let d = diff((&before.model, &br), (&renamed.model, &rr));
    assert!(d.lost_uncertain.is_empty(), "{:?}", d.lost_uncertain);
    assert_eq!(d.lost.iter().filter(|f| f.kind == FindingKind::DoublePoint).count(), 1);
}
