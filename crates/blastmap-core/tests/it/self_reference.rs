//! Self-references that mean something are accepted and reported: a component that monitors
//! itself is blind to its own failure; one that needs itself to start deadlocks a cold start.
//! The others are refused with the reason (`tests/fixtures/err/self-*.yaml`).

use blastmap_core::report::{analyze, FindingKind, Options};
use blastmap_core::{load, Pos};

#[test]
fn a_component_that_monitors_itself_is_a_blind_spot_for_its_own_failure() {
    let c =
        load("components:\n  - { id: alerting, requires: [consul], monitored_by: [alerting] }\n  - { id: consul }\n")
            .expect("monitoring oneself is valid");
    let r = analyze(&c, &Options::default());
    let b = r.blind_spots.iter().find(|b| b.component == "alerting").expect("a blind spot");
    assert_eq!(b.monitors, ["alerting"]);
    assert_eq!(b.failures, ["alerting", "consul"]);
    let f = r.findings_of(FindingKind::BlindSpot).next().expect("a finding");
    assert!(f.title.contains("monitors itself"), "{}", f.title);
    // Nothing blinds it while it is up: it watches itself.
    assert!(r.blindings.is_empty());
}

#[test]
fn a_second_monitor_that_survives_closes_the_self_monitoring_blind_spot() {
    let c = load(
        "components:\n  - { id: alerting, requires: [consul], monitored_by: [alerting, pager] }\n  - { id: consul }\n  - { id: pager }\n",
    )
    .expect("valid");
    let r = analyze(&c, &Options::default());
    assert!(r.blind_spots.is_empty(), "{:?}", r.blind_spots);
}

#[test]
fn a_component_that_needs_itself_to_start_deadlocks_the_cold_start() {
    let c = load("components:\n  - { id: dns, requires_at_start: [dns] }\n  - { id: web, requires: [dns] }\n")
        .expect("a bootstrap loop is valid input");
    let r = analyze(&c, &Options::default());
    assert_eq!(r.cold_start.deadlocked, ["dns", "web"]);
    assert_eq!(r.cold_start.blocking_cycles, [vec!["dns".to_string()]]);
    let deadlock = r.findings_of(FindingKind::Deadlock).next().expect("deadlock finding");
    assert!(deadlock.title.contains("`dns` needs itself to start, blocking 1 more"), "{}", deadlock.title);
    let cycle = r.findings_of(FindingKind::Cycle).next().expect("cycle finding");
    assert!(cycle.title.contains("`dns` needs itself to start"), "{}", cycle.title);
    assert_eq!(r.cycles[0].path, ["dns", "dns"]);
    // It keeps running once up: no runtime effect, no restart hazard of its own making.
    assert!(r.restart_hazards.iter().all(|h| h.failure != "dns" || !h.cannot_restart.contains(&"dns".into())));
}

#[test]
fn refused_self_references_say_why_at_their_position() {
    let e = load("components:\n  - { id: a, requires: [a] }\n").expect_err("refused");
    let first = e.first().expect("one error");
    assert_eq!(first.pos, Some(Pos::new(2, 25)));
    assert!(first.message.contains("cannot need itself to run"), "{}", first.message);
}
