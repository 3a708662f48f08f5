//! Hidden first: each class of the ranking (`docs/semantics.md`, "Hidden first") on a small
//! hand-made topology, equivalent failures shown once, and the order and folding of reports.

use blastmap_core::finding::{Class, Finding, FindingKind, Reason};
use blastmap_core::load;
use blastmap_core::render;
use blastmap_core::report::{analyze, Options, Report};

fn report(yaml: &str) -> Report {
    analyze(&load(yaml).expect("valid topology"), &Options::default())
}

fn finding<'a>(r: &'a Report, kind: FindingKind, subject: &str) -> &'a Finding {
    r.findings_of(kind).find(|f| f.subject == subject).unwrap_or_else(|| panic!("no {kind:?} finding on `{subject}`"))
}

#[test]
fn a_plain_requires_chain_is_obvious_and_names_its_target() {
    let r = report("components:\n- {id: app, requires: [api]}\n- {id: api, requires: [db]}\n- {id: db}\n");
    for id in ["api", "db"] {
        let f = finding(&r, FindingKind::Spof, id);
        assert_eq!(f.rank.class, Class::Obvious, "{id}");
        assert!(f.rank.reasons.is_empty());
        assert_eq!(f.rank.target.as_deref(), Some("app"));
    }
}

#[test]
fn a_placement_value_is_hidden_and_so_is_what_it_is_the_same_failure_as() {
    // zone:a holds only `a`: failing either takes down the same (app); they are one entry.
    let r = report("components:\n- {id: app, requires: [a, b]}\n- {id: a, zone: a}\n- {id: b}\n");
    let zone = finding(&r, FindingKind::Spof, "zone:a");
    assert_eq!(zone.rank.class, Class::Hidden);
    assert_eq!(zone.rank.reasons, vec![Reason::Placement]);
    // `a` and `b` each take down exactly app too: all three are equivalent; a written
    // component is shown before the placement value.
    let a = finding(&r, FindingKind::Spof, "a");
    assert_eq!(a.rank.equivalent, vec!["b".to_string(), "zone:a".to_string()]);
    assert_eq!(zone.rank.same_as.as_deref(), Some("a"));
    assert_eq!(a.rank.reasons, vec![Reason::Placement], "a class is hidden for its members' reasons");
}

#[test]
fn a_failure_that_defeats_a_redundancy_group_is_hidden() {
    let r = report(
        "components:\n- {id: app, requires: [pool]}\n- {id: pool, need: 1, requires: [r1, r2]}\n- {id: r1, requires: [db]}\n- {id: r2, requires: [db]}\n- {id: db}\n",
    );
    let db = finding(&r, FindingKind::Spof, "db");
    assert_eq!(db.rank.reasons, vec![Reason::RedundancyGroup]);
    // The pool itself failing is its own plain failure: app's direct neighbour.
    assert_eq!(finding(&r, FindingKind::Spof, "pool").rank.class, Class::Obvious);
}

#[test]
fn a_failure_several_targets_share_is_hidden_unless_one_target_carries_the_others() {
    let shared = report("components:\n- {id: shop, requires: [db]}\n- {id: admin, requires: [db]}\n- {id: db}\n");
    assert_eq!(finding(&shared, FindingKind::Spof, "db").rank.reasons, vec![Reason::SharedByTargets]);
    // `shop` is an entry point that needs `api`, another entry point: db reaches shop through api.
    let through = report(
        "components:\n- {id: shop, target: true, requires: [api]}\n- {id: api, target: true, requires: [db]}\n- {id: db}\n",
    );
    let db = finding(&through, FindingKind::Spof, "db");
    assert_eq!(db.rank.class, Class::Obvious);
    assert_eq!(db.rank.target.as_deref(), Some("api"));
}

#[test]
fn start_time_monitoring_and_loops_are_hidden_by_kind() {
    let r = report(
        "components:\n- {id: app, requires: [db], requires_at_start: [vault], monitored_by: [mon]}\n- {id: db}\n- {id: vault, requires_at_start: [ca]}\n- {id: ca, requires_at_start: [vault]}\n- {id: mon}\n",
    );
    let kinds = [
        (FindingKind::RestartHazard, Reason::StartTime),
        (FindingKind::Blinding, Reason::Monitoring),
        (FindingKind::Cycle, Reason::StartTime),
        (FindingKind::Deadlock, Reason::StartTime),
    ];
    for (kind, reason) in kinds {
        let f = r.findings_of(kind).next().unwrap_or_else(|| panic!("a {kind:?} finding"));
        assert_eq!(f.rank.class, Class::Hidden, "{kind:?}");
        assert!(f.rank.reasons.contains(&reason), "{kind:?}: {:?}", f.rank.reasons);
    }
}

#[test]
fn a_group_used_up_as_declared_is_an_obvious_double_point_and_placement_makes_it_hidden() {
    let r = report(
        "components:\n- {id: app, requires: [pool]}\n- {id: pool, need: 1, requires: [a, b]}\n- {id: a}\n- {id: b, zone: z}\n",
    );
    let pair = r.findings_of(FindingKind::DoublePoint).find(|f| f.evidence.starts_with(&["a".into(), "b".into()]));
    let pair = pair.expect("{a, b}");
    // b and zone:z are equivalent, so {a, b} and {a, zone:z} are one entry, hidden through the zone.
    assert_eq!(r.double_points.len(), 1, "{:?}", r.double_points);
    assert_eq!(r.double_points[0].equivalent, vec![vec!["a".to_string(), "zone:z".to_string()]]);
    assert_eq!(pair.rank.reasons, vec![Reason::Placement]);
    assert!(pair.title.contains("equivalent: `a`, `zone:z`"), "{}", pair.title);

    let plain = report(
        "components:\n- {id: app, requires: [pool]}\n- {id: pool, need: 1, requires: [a, b]}\n- {id: a}\n- {id: b}\n",
    );
    let f = plain.findings_of(FindingKind::DoublePoint).next().expect("{a, b}");
    assert_eq!(f.rank.class, Class::Obvious);
    assert_eq!(f.rank.target.as_deref(), Some("app"));
}

#[test]
fn data_centers_and_their_only_regions_are_one_double_point() {
    let r = report(
        "components:\n- {id: app, requires: [store]}\n- {id: store, need: 1, requires: [dc1, dc2]}\n- {id: dc1, region: east}\n- {id: dc2, region: west}\n",
    );
    assert_eq!(r.double_points.len(), 1, "{:?}", r.double_points);
    let d = &r.double_points[0];
    assert_eq!(d.components, vec!["dc1".to_string(), "dc2".to_string()], "written components are the name shown");
    assert_eq!(d.equivalent.len(), 3);
    assert_eq!(d.components_down, 2);
    assert_eq!(r.double_points_total, 4);
    assert!(r.incomplete.is_empty(), "every set is in the report: {:?}", r.incomplete);
}

#[test]
fn reports_lead_with_hidden_findings_and_fold_the_obvious_ones_per_target() {
    let r = report(
        "components:\n- {id: checkout, requires: [pay, cart, tax, db]}\n- {id: pay}\n- {id: cart}\n- {id: tax}\n- {id: db, zone: a}\n- {id: other, zone: a}\n- {id: admin, requires: [other]}\n",
    );
    let spofs: Vec<&Finding> = r.findings_of(FindingKind::Spof).collect();
    let first_obvious = spofs.iter().position(|f| f.rank.class == Class::Obvious).expect("obvious ones");
    assert!(spofs[..first_obvious].iter().all(|f| f.rank.class == Class::Hidden));
    assert!(spofs[first_obvious..].iter().all(|f| f.rank.class == Class::Obvious), "hidden first");
    let text = render::text(&r, false);
    assert!(text.contains("  HIGH     single point of failure: zone:a takes down checkout, admin — hidden: through a placement value, shared by several targets\n"), "{text}");
    assert!(
        text.contains(
            "  HIGH     checkout: also 4 single-instance dependencies, direct or chained (obvious): pay, cart, tax, db\n"
        ),
        "{text}"
    );
    let md = render::markdown(&r);
    assert!(
        md.contains(
            "- **High** `checkout`: also 4 single-instance dependencies, direct or chained (obvious): `pay`, `cart`, `tax`, `db`\n"
        ),
        "{md}"
    );
    // Nothing dropped: every single point of failure is a finding with its rank.
    assert_eq!(spofs.len(), r.spofs.len());
}

#[test]
fn a_fold_line_says_and_only_after_a_hidden_line_that_takes_its_target_down() {
    let r = report(
        "components:\n- {id: web, requires: [x]}\n- {id: api, requires: [y]}\n- {id: x, zone: z}\n- {id: y, zone: z}\n- {id: solo, requires: [db]}\n- {id: db}\n",
    );
    let text = render::text(&r, false);
    assert!(text.contains("  HIGH     single point of failure: zone:z takes down web, api"), "{text}");
    assert!(
        text.contains("  HIGH     web: also 1 single-instance dependency, direct or chained (obvious): x\n"),
        "{text}"
    );
    assert!(
        text.contains("  HIGH     solo: 1 single-instance dependency, direct or chained (obvious): db\n"),
        "{text}"
    );
    let md = render::markdown(&r);
    assert!(
        md.contains("- **High** `solo`: 1 single-instance dependency, direct or chained (obvious): `db`\n"),
        "{md}"
    );
}

#[test]
fn a_fold_lists_its_widest_failures_first_with_what_each_takes_down() {
    // `db` takes down `orders` and `checkout`; `pay` only `checkout`. Report order is `pay`, `db`.
    let r = report(
        "components:\n- {id: checkout, requires: [pay, orders]}\n- {id: orders, requires: [db]}\n- {id: pay}\n- {id: db}\n",
    );
    let text = render::text(&r, false);
    assert!(
        text.contains("checkout: 3 single-instance dependencies, direct or chained (obvious), widest first: db (2 down), orders (1 down), pay (1 down)\n"),
        "{text}"
    );
    // Members that take down as much are listed without counts (the previous test's fold).
    let flat = render::text(
        &report("components:\n- {id: checkout, requires: [pay, cart]}\n- {id: pay}\n- {id: cart}\n"),
        false,
    );
    assert!(
        flat.contains("checkout: 2 single-instance dependencies, direct or chained (obvious): pay, cart\n"),
        "{flat}"
    );
}

/// The text report reads the names each finding quotes from the report itself, and takes those
/// a single point of failure takes down from the `targets` list: every such name must be there,
/// or a title would show it quoted.
#[test]
fn what_a_single_point_of_failure_takes_down_is_among_the_targets_and_shown_as_ids() {
    use blastmap_core::format::Document;
    use blastmap_core::generate::{generate, Params};
    for seed in 1..=3 {
        let compiled = blastmap_core::compile(Document::from_topology(generate(&Params::for_edges(3_000, seed))))
            .expect("a generated topology compiles");
        let r = analyze(&compiled, &Options::default());
        let spofs: Vec<&Finding> = r.findings_of(FindingKind::Spof).collect();
        assert!(!spofs.is_empty(), "seed {seed}: a generated estate has single points of failure");
        for f in &spofs {
            for name in f.evidence.iter().skip(1) {
                assert!(r.targets.contains(name), "seed {seed}: `{name}` in {f:?} is not a target");
            }
        }
        let text = render::text(&r, false);
        let section = text.split("\nSingle points of failure").nth(1).expect("a section of them");
        let section = section.split("\n\n").next().unwrap_or_default();
        assert!(!section.contains('`'), "seed {seed}: ids in titles are shown unquoted:\n{section}");
    }
}
