//! Overlays (`docs/overlays.md`): an export refined by id — scalars replaced, edges moved,
//! added and dropped, components added — with a note per change, a warning per value that
//! changes nothing, and errors at the overlay's line and column. Fixtures in
//! `tests/fixtures/overlay/` are written for the purpose: an export and its review per format.

use blastmap_core::format::RefField;
use blastmap_core::note::{EdgeRef, NoteKind};
use blastmap_core::report::{FindingKind, Options};
use blastmap_core::ErrorKind;
use blastmap_import::{load_many, FileErrors, Format, Input, Loaded, Role};

use super::*;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/overlay/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `design` (a native file) refined by `overlay`, given as an overlay.
fn refine(design: &str, overlay: &str) -> Result<Loaded, FileErrors> {
    load_many(&[Input::new("design.yaml", design), Input::overlay("review.yaml", overlay)], None)
}

fn refined(design: &str, overlay: &str) -> Loaded {
    refine(design, overlay).unwrap_or_else(|e| panic!("{e}"))
}

/// The notes' messages, one a line.
fn notes(loaded: &Loaded) -> String {
    loaded.compiled.written.notes.iter().map(|n| n.message.as_str()).collect::<Vec<_>>().join("\n")
}

fn rules(loaded: &Loaded) -> Vec<&str> {
    loaded.compiled.written.notes.iter().map(|n| n.rule.as_str()).collect()
}

fn warnings(loaded: &Loaded) -> String {
    loaded.warnings.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

/// The first error, as the CLI shows it (`FILE:LINE:COLUMN: message`).
fn first_error(e: &FileErrors) -> String {
    e.to_string().lines().next().unwrap_or_default().to_string()
}

#[test]
fn a_compose_review_refines_the_export_by_id() {
    let (compose, review) = (fixture("shop-compose.yml"), fixture("shop-review.yaml"));
    let loaded = load_many(&[Input::new("shop-compose.yml", &compose), Input::new("shop-review.yaml", &review)], None)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.formats, [Format::Compose, Format::Native]);
    assert_eq!(loaded.roles, [Role::Design, Role::Overlay]);
    assert_eq!(
        render(&loaded),
        "
catalog (service) | req catalog#1 catalog#2 | need 1
catalog#1 (service) | req db | monitored collector
catalog#2 (service) | req db | monitored collector
checkout (service) | req payments db | monitored collector
collector (service)
config (service)
db (database) | zone=eu-west-1a
frontend (service) | req checkout catalog | start config | monitored collector | region=eu-west-1
legacy-audit (service)
payments (service) | req db
prometheus (monitoring) | region=eu-west-1"
            .trim()
    );
    assert_eq!(
        notes(&loaded),
        "
`frontend`: critical false → true (shop-review.yaml:5:15)
`frontend`: region (unset) → `eu-west-1` (shop-review.yaml:6:13)
`frontend` → `config`: requires → requires_at_start (shop-review.yaml:7:25)
`frontend` → `collector`: requires → monitored_by (shop-review.yaml:8:20)
`checkout`: critical false → true (shop-review.yaml:10:15)
`checkout` → `collector`: requires → monitored_by (shop-review.yaml:11:20)
`catalog` → `collector`: requires → monitored_by, on its 2 replicas (shop-review.yaml:13:20)
`payments` → `legacy-audit`: requires dropped (shop-review.yaml:15:12)
`payments`: availability (unset) → 0.999 (shop-review.yaml:16:19)
`db`: kind `service` → `database` (shop-review.yaml:18:11)
`db`: zone (unset) → `eu-west-1a` (shop-review.yaml:19:11)
`db`: label owner (unset) → `data-team` (shop-review.yaml:20:13)
`prometheus`: added (component) (shop-review.yaml:21:9)"
            .trim()
    );
    let c = component(&loaded, "db");
    assert_eq!(c.labels.get("owner").map(String::as_str), Some("data-team"));
    assert_eq!(c.labels.get("image").map(String::as_str), Some("postgres:16"), "labels merge");
    assert_eq!(component(&loaded, "payments").availability, Some(0.999));
    assert!(component(&loaded, "checkout").critical);
    // Refined components keep their input; added ones are the overlay's.
    let ids: Vec<&str> = loaded.compiled.written.topology.components.iter().map(|c| c.id.as_str()).collect();
    let origin = |id: &str| ids.iter().position(|&i| i == id).and_then(|i| loaded.origins.get(i).copied());
    assert_eq!((origin("db"), origin("prometheus")), (Some(0), Some(1)));
    assert!(loaded.warnings.is_empty(), "{}", warnings(&loaded));
}

#[test]
fn moving_telemetry_to_monitored_by_changes_the_analysis() {
    let compose = fixture("shop-compose.yml");
    let options = Options::default();
    let before = load_many(&[Input::new("shop-compose.yml", &compose)], None).unwrap();
    let before = blastmap_core::analyze(&before.compiled, &options);
    assert!(before.spofs.iter().any(|s| s.component == "collector"), "{:?}", before.spofs);
    assert!(before.blindings.is_empty());

    let review = "components:\n  - id: frontend\n    monitored_by: [collector]\n  - id: checkout\n    monitored_by: [collector]\n  - id: catalog\n    monitored_by: [collector]\n";
    let loaded = load_many(&[Input::new("shop-compose.yml", &compose), Input::new("review.yaml", review)], None)
        .unwrap_or_else(|e| panic!("{e}"));
    let after = blastmap_core::analyze(&loaded.compiled, &options);
    assert!(!after.spofs.iter().any(|s| s.component == "collector"), "{:?}", after.spofs);
    assert!(!after.findings.iter().any(|f| f.kind == FindingKind::Spof && f.subject == "collector"));
    let blinding: Vec<_> = after.blindings.iter().filter(|b| b.failure == "collector").collect();
    assert_eq!(blinding.len(), 1, "{:?}", after.blindings);
    assert_eq!(blinding[0].blinded, ["frontend", "checkout", "catalog#1", "catalog#2"]);
    assert!(after.findings.iter().any(|f| f.kind == FindingKind::Blinding && f.subject == "collector"));
    // The report carries the overlay's notes.
    assert_eq!(after.notes.len(), 3);
    assert!(after.notes.iter().all(|n| n.kind == NoteKind::Overlay && n.pos.map(|p| p.input) == Some(1)));
}

#[test]
fn every_scalar_is_replaced_and_labels_merge() {
    let design = "components:\n  - id: api\n    kind: service\n    requires: [a, b]\n    target: false\n    mtbf: 100\n    mttr: 1\n    labels: {team: web, tier: front}\n  - { id: a }\n  - { id: b }\n";
    let overlay = "components:
  - id: api
    kind: gateway
    need: 1
    critical: true
    target: true
    availability: 0.9995
    region: eu
    zone: eu-a
    host: h1
    provider: aws
    power: feed-1
    network: uplink-1
    labels: {team: edge, owner: ops}
";
    let loaded = refined(design, overlay);
    let api = component(&loaded, "api");
    assert_eq!(api.kind.as_deref(), Some("gateway"));
    assert_eq!(api.need, Some(1));
    assert!(api.critical);
    assert_eq!(api.target, Some(true));
    assert_eq!((api.availability, api.mtbf, api.mttr), (Some(0.9995), None, None), "one availability figure");
    let placement: Vec<(&str, &str)> = api.placement().collect();
    assert_eq!(
        placement,
        [
            ("region", "eu"),
            ("zone", "eu-a"),
            ("host", "h1"),
            ("provider", "aws"),
            ("power", "feed-1"),
            ("network", "uplink-1")
        ]
    );
    let labels: Vec<(&str, &str)> = api.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(labels, [("owner", "ops"), ("team", "edge"), ("tier", "front")]);
    assert_eq!(
        rules(&loaded),
        [
            "overlay.kind",
            "overlay.need",
            "overlay.critical",
            "overlay.target",
            "overlay.availability",
            "overlay.availability",
            "overlay.region",
            "overlay.zone",
            "overlay.host",
            "overlay.provider",
            "overlay.power",
            "overlay.network",
            "overlay.labels",
            "overlay.labels",
        ]
    );
    assert!(notes(&loaded).contains("`api`: mtbf/mttr dropped: availability replaces them (review.yaml:7:19)"));
    assert!(loaded.warnings.is_empty(), "{}", warnings(&loaded));
    // And back: mtbf/mttr replace an availability.
    let loaded = refined(
        "components:\n  - { id: api, availability: 0.99 }\n",
        "components:\n  - { id: api, mtbf: 1000, mttr: 2 }\n",
    );
    let api = component(&loaded, "api");
    assert_eq!((api.availability, api.mtbf, api.mttr), (None, Some(1000.0), Some(2.0)));
    assert_eq!(rules(&loaded), ["overlay.mtbf", "overlay.mtbf", "overlay.mttr"]);
}

#[test]
fn an_edge_moves_between_any_two_meanings() {
    const MEANINGS: [RefField; 4] =
        [RefField::Requires, RefField::RequiresAtStart, RefField::DegradesWithout, RefField::MonitoredBy];
    for was in MEANINGS {
        for now in MEANINGS.into_iter().filter(|&f| f != was) {
            let design = format!("components:\n  - id: a\n    {}: [b]\n  - id: b\n", was.name());
            let overlay = format!("components:\n  - id: a\n    {}: [b]\n", now.name());
            let loaded = refined(&design, &overlay);
            let a = component(&loaded, "a");
            for f in RefField::ALL {
                let expected: &[&str] = if f == now { &["b"] } else { &[] };
                assert_eq!(f.of(a), expected, "{} → {}: {}", was.name(), now.name(), f.name());
            }
            let note = loaded.compiled.written.notes.first().expect("a note");
            assert_eq!(note.rule, format!("overlay.{}", now.name()));
            assert_eq!(note.edge, Some(EdgeRef { from: "a".into(), to: "b".into(), field: Some(now), was: Some(was) }));
            assert_eq!(
                note.message,
                format!("`a` → `b`: {} → {} (review.yaml:3:{})", was.name(), now.name(), now.name().len() + 8)
            );
        }
    }
}

#[test]
fn new_edges_are_added_and_credentials_only_add() {
    let design = "components:\n  - { id: a, requires: [b] }\n  - { id: b }\n  - { id: c }\n";
    let overlay = "components:\n  - id: a\n    holds_credentials_for: [b]\n    degrades_without: [c]\n";
    let loaded = refined(design, overlay);
    let a = component(&loaded, "a");
    assert_eq!(
        (a.requires.as_slice(), a.holds_credentials_for.as_slice()),
        (&["b".to_string()][..], &["b".to_string()][..])
    );
    assert_eq!(a.degrades_without, ["c"]);
    let edges: Vec<_> = loaded.compiled.written.notes.iter().map(|n| n.edge.clone()).collect();
    assert_eq!(
        edges,
        [
            Some(EdgeRef { from: "a".into(), to: "b".into(), field: Some(RefField::HoldsCredentialsFor), was: None }),
            Some(EdgeRef { from: "a".into(), to: "c".into(), field: Some(RefField::DegradesWithout), was: None }),
        ]
    );
    assert_eq!(notes(&loaded), "`a` → `b`: added to holds_credentials_for (review.yaml:3:29)\n`a` → `c`: added to degrades_without (review.yaml:4:24)");
}

#[test]
fn drop_removes_every_edge_to_the_id() {
    let design = "components:\n  - { id: a, requires: [b, c], monitored_by: [b], holds_credentials_for: [b] }\n  - { id: b }\n  - { id: c }\n";
    let loaded = refined(design, "components:\n  - id: a\n    drop: [b]\n");
    let a = component(&loaded, "a");
    assert_eq!(a.requires, ["c"]);
    assert!(a.monitored_by.is_empty() && a.holds_credentials_for.is_empty());
    let note = &loaded.compiled.written.notes[0];
    assert_eq!(note.rule, "overlay.drop");
    assert_eq!(
        note.edge,
        Some(EdgeRef { from: "a".into(), to: "b".into(), field: None, was: Some(RefField::Requires) })
    );
    assert_eq!(note.message, "`a` → `b`: requires, monitored_by, holds_credentials_for dropped (review.yaml:3:12)");
    // The positions of the edges left still match their lists.
    let spans = loaded.compiled.written.spans_of(0).unwrap();
    assert_eq!(spans.reference(RefField::Requires, 0).map(|p| p.column), Some(28));
}

#[test]
fn a_stale_drop_is_an_error_at_its_entry() {
    let design = "components:\n  - { id: a, requires: [billing] }\n  - { id: billing }\n";
    let e = refine(design, "components:\n  - id: a\n    drop: [biling]\n").unwrap_err();
    assert_eq!(e.file, "review.yaml");
    assert_eq!(
        first_error(&e),
        "review.yaml:3:12: `a` has no edge to `biling` to drop (the overlay is stale: has the export changed?); did you mean `billing`?"
    );
}

#[test]
fn an_unknown_id_is_an_error_with_did_you_mean_unless_it_says_add() {
    let design = "components:\n  - { id: checkout }\n  - { id: payments }\n";
    let e = refine(design, "components:\n  - id: paymnets\n    critical: true\n").unwrap_err();
    let err = e.errors.first().unwrap();
    assert_eq!(err.kind, ErrorKind::UnknownReference);
    assert_eq!(
        first_error(&e),
        "review.yaml:2:9: no earlier input defines component `paymnets`: an overlay refines what they define; did you mean `payments`? (a new component needs `add: true`)"
    );
    let loaded = refined(
        design,
        "components:\n  - { id: fraud, add: true, kind: service }\n  - { id: payments, requires: [fraud] }\n",
    );
    assert_eq!(component(&loaded, "fraud").kind.as_deref(), Some("service"));
    assert!(!component(&loaded, "fraud").add, "`add` is the overlay's, not the topology's");
    assert_eq!(component(&loaded, "payments").requires, ["fraud"]);
    assert_eq!(rules(&loaded), ["overlay.add", "overlay.requires"]);
}

#[test]
fn add_on_an_id_that_exists_is_an_error() {
    let design = "components:\n  - { id: checkout }\n";
    let e = refine(design, "components:\n  - id: checkout\n    add: true\n").unwrap_err();
    assert_eq!(e.errors.first().unwrap().kind, ErrorKind::DuplicateId);
    assert_eq!(
        first_error(&e),
        "review.yaml:3:10: `checkout` is already defined (in design.yaml): `add: true` would define it twice; without `add` this entry refines it"
    );
}

#[test]
fn an_id_only_referenced_by_the_export_needs_add() {
    let compose = "services:\n  web:\n    depends_on: [otel]\n";
    let overlay = "components:\n  - { id: otel, kind: telemetry }\n";
    let e = load_many(&[Input::new("compose.yml", compose), Input::new("review.yaml", overlay)], None).unwrap_err();
    assert_eq!(
        first_error(&e),
        "review.yaml:2:11: no earlier input defines component `otel`: an overlay refines what they define; earlier inputs only reference it: say `add: true` to define it"
    );
    let overlay = "components:\n  - { id: otel, add: true, kind: telemetry }\n  - { id: web, monitored_by: [otel] }\n";
    let loaded = load_many(&[Input::new("compose.yml", compose), Input::new("review.yaml", overlay)], None).unwrap();
    assert_eq!(render(&loaded), "otel (telemetry)\nweb (service) | monitored otel");
    // Only the unresolved-reference warning of the export is gone: nothing is a placeholder now.
    assert!(loaded.warnings.is_empty(), "{}", warnings(&loaded));
}

#[test]
fn a_moved_reference_to_a_placeholder_stays_a_placeholder() {
    // The overlay did not make the reference, only its meaning: no error, the export's warning.
    let compose = "services:\n  web:\n    depends_on: [otel]\n";
    let overlay = "components:\n  - { id: web, monitored_by: [otel] }\n";
    let loaded = load_many(&[Input::new("compose.yml", compose), Input::new("review.yaml", overlay)], None)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(render(&loaded), "otel (unresolved)\nweb (service) | monitored otel");
    assert_eq!(warnings(&loaded), "compose.yml:3:18: warning: unresolved reference: `otel` (in `monitored_by` of `web`) is not defined here; added as a placeholder component");
}

#[test]
fn a_reference_to_an_unknown_id_is_an_error_in_the_overlay() {
    let compose = fixture("shop-compose.yml");
    let overlay = "components:\n  - id: checkout\n    requires: [fraud-chek]\n";
    let e =
        load_many(&[Input::new("shop-compose.yml", &compose), Input::new("review.yaml", overlay)], None).unwrap_err();
    assert_eq!(e.file, "review.yaml");
    let err = e.errors.first().unwrap();
    assert_eq!(
        (err.kind, err.pos.map(|p| (p.input, p.line, p.column))),
        (ErrorKind::UnknownReference, Some((1, 3, 16)))
    );
    let overlay = "components:\n  - id: checkout\n    requires: [paymnts]\n";
    let e =
        load_many(&[Input::new("shop-compose.yml", &compose), Input::new("review.yaml", overlay)], None).unwrap_err();
    assert_eq!(
        first_error(&e),
        "review.yaml:3:16: `paymnts` in `requires` of `checkout` is not a component id; did you mean `payments`?"
    );
}

#[test]
fn every_error_of_an_overlay_is_reported_in_order() {
    let compose = fixture("shop-compose.yml");
    let overlay = "components:
  - id: chekout
    kind: x
  - id: db
    add: true
  - id: payments
    drop: [legacy-audti]
  - id: config
    requires: [cnfig]
  - id: frontend
    requires: [db]
    monitored_by: [db]
  - id: frontend
  - id: checkout
    need: 4
";
    let e =
        load_many(&[Input::new("shop-compose.yml", &compose), Input::new("review.yaml", overlay)], None).unwrap_err();
    let lines: Vec<(u32, u32)> = e.errors.0.iter().filter_map(|e| e.pos.map(|p| (p.line, p.column))).collect();
    assert_eq!(lines, [(2, 9), (5, 10), (7, 12), (9, 16), (12, 20), (13, 9), (15, 11)], "{e}");
    assert!(e.errors.0.iter().all(|e| e.pos.is_some_and(|p| p.input == 1)));
    let shown = e.to_string();
    assert!(
        shown.contains(
            "review.yaml:12:20: `db` is in both `requires` and `monitored_by` of this entry: an edge has one meaning"
        ),
        "{shown}"
    );
    assert!(shown.contains("review.yaml:13:9: `frontend` twice in this overlay"), "{shown}");
    assert!(
        shown.contains("review.yaml:15:11: `need` of `checkout` is 4 but it requires 3: expected at most 3"),
        "{shown}"
    );
}

#[test]
fn critical_makes_a_component_marked_not_a_target_a_target_again() {
    let design = "components:\n  - { id: loadgen, target: false, requires: [web] }\n  - { id: web }\n";
    let loaded = refined(design, "components:\n  - { id: loadgen, critical: true }\n");
    let c = component(&loaded, "loadgen");
    assert_eq!((c.critical, c.target), (true, None));
    assert_eq!(rules(&loaded), ["overlay.critical", "overlay.target"]);
    assert!(loaded.compiled.model.targets().iter().any(|&v| loaded.compiled.model.name(v) == "loadgen"));
    // Unless the overlay writes `target` too.
    let loaded = refined(design, "components:\n  - { id: loadgen, critical: true, target: false }\n");
    let c = component(&loaded, "loadgen");
    assert_eq!((c.critical, c.target), (true, Some(false)));
    assert!(loaded.warnings.iter().any(|w| w.message.contains("`target` is already false")));
}

#[test]
fn values_that_change_nothing_are_warnings() {
    let design =
        "components:\n  - { id: a, kind: service, requires: [b], zone: z1, labels: {team: x} }\n  - { id: b }\n";
    let overlay = "components:\n  - id: a\n    kind: service\n    requires: [b]\n    zone: z1\n    labels: {team: x}\n  - id: b\n";
    let loaded = refined(design, overlay);
    assert!(loaded.compiled.written.notes.is_empty());
    assert_eq!(
        warnings(&loaded),
        "
review.yaml:3:11: warning: `a`: `kind` is already `service`: this changes nothing (a stale overlay?)
review.yaml:4:16: warning: `a` → `b` is already in `requires`: this changes nothing (a stale overlay?)
review.yaml:5:11: warning: `a`: `zone` is already `z1`: this changes nothing (a stale overlay?)
review.yaml:6:13: warning: `a`: label `team` is already `x`: this changes nothing (a stale overlay?)
review.yaml:7:9: warning: `b`: this entry writes nothing but its id: this changes nothing (a stale overlay?)"
            .trim()
    );
    assert!(loaded.warnings.iter().all(|w| w.pos.is_some_and(|p| p.input == 1)));
}

#[test]
fn positions_of_notes_name_the_overlay_input_and_moved_edges_keep_theirs() {
    let compose = fixture("shop-compose.yml");
    let (review, second) = (
        "components:\n  - { id: frontend, requires_at_start: [config] }\n",
        "components:\n  - { id: config, kind: configuration }\n",
    );
    let loaded = load_many(
        &[
            Input::new("shop-compose.yml", &compose),
            Input::new("review.yaml", review),
            Input::overlay("second.yaml", second),
        ],
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.roles, [Role::Design, Role::Overlay, Role::Overlay]);
    let at: Vec<(u32, u32, u32)> =
        loaded.compiled.written.notes.iter().filter_map(|n| n.pos.map(|p| (p.input, p.line, p.column))).collect();
    assert_eq!(at, [(1, 2, 41), (2, 2, 25)]);
    // The moved edge's reference still stands where compose wrote it (line 8 of the export).
    let frontend = loaded.compiled.written.topology.components.iter().position(|c| c.id == "frontend").unwrap();
    let p = loaded.compiled.written.spans_of(frontend).unwrap().reference(RefField::RequiresAtStart, 0).unwrap();
    assert_eq!((p.input, p.line), (0, 8));
}

#[test]
fn kubernetes_manifests_refined_on_their_replicas() {
    let (k8s, review) = (fixture("boutique-k8s.yaml"), fixture("boutique-review.yaml"));
    let loaded = load_many(&[Input::new("boutique-k8s.yaml", &k8s), Input::new("boutique-review.yaml", &review)], None)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.formats, [Format::Kubernetes, Format::Native]);
    assert_eq!(
        render(&loaded),
        "
deployment/cart (deployment) | req deployment/cart#1 deployment/cart#2 | need 2
deployment/cart#1 (pod) | req service/redis-cart | monitored service/otel-collector
deployment/cart#2 (pod) | req service/redis-cart | monitored service/otel-collector
deployment/frontend (deployment) | req service/cart | monitored service/otel-collector
deployment/otel-collector (deployment)
deployment/redis-cart (database) | zone=europe-west1-b
service/cart (service) | req deployment/cart
service/frontend (service) | req deployment/frontend
service/otel-collector (service) | req deployment/otel-collector
service/redis-cart (service) | req deployment/redis-cart"
            .trim()
    );
    assert_eq!(
        notes(&loaded),
        "
`deployment/otel-collector`: a telemetry sink (image `otel/opentelemetry-collector:0.98.0`): not a target
`service/otel-collector`: a telemetry sink (name `otel-collector`): not a target; `deployment/frontend` and `deployment/cart`: an env value naming `service/otel-collector` read as monitored_by
`deployment/frontend` → `service/otel-collector`: requires → monitored_by (telemetry; an env value naming `service/otel-collector`)
`deployment/cart` → `service/otel-collector`: requires → monitored_by, on its 2 replicas (telemetry; an env value naming `service/otel-collector`)
`deployment/frontend`: critical false → true (boutique-review.yaml:5:15)
`deployment/cart`: need 1 → 2 (boutique-review.yaml:8:11)
`deployment/redis-cart`: kind `deployment` → `database` (boutique-review.yaml:11:11)
`deployment/redis-cart`: zone (unset) → `europe-west1-b` (boutique-review.yaml:12:11)"
            .trim()
    );
    // The importer read the collector as telemetry already: the review's lines that say so
    // confirm it, and change nothing (the page shows them as confirmations).
    assert_eq!(
        warnings(&loaded),
        "
boutique-review.yaml:6:20: warning: `deployment/frontend` → `service/otel-collector` is already in `monitored_by`: this changes nothing (a stale overlay?)
boutique-review.yaml:9:20: warning: `deployment/cart` → `service/otel-collector` is already in `monitored_by`: this changes nothing (a stale overlay?)"
            .trim()
    );
    // Both replicas needed: either one down takes the cart down.
    let report = blastmap_core::analyze(&loaded.compiled, &Options::default());
    assert!(report.spofs.iter().any(|s| s.component == "deployment/cart#1"), "{:?}", report.spofs);
    let typo = "components:\n  - { id: deployment/frontnd, critical: true }\n";
    let e = load_many(&[Input::new("boutique-k8s.yaml", &k8s), Input::new("review.yaml", typo)], None).unwrap_err();
    assert!(first_error(&e).starts_with("review.yaml:2:11: no earlier input defines component `deployment/frontnd`"));
    assert!(first_error(&e).contains("did you mean `deployment/frontend`?"), "{e}");
}

#[test]
fn a_terraform_plan_refined_by_a_native_file_after_it() {
    let (plan, review) = (fixture("app-plan.json"), fixture("app-review.yaml"));
    // No `overlay: true`: a native file after an export is an overlay.
    assert!(!review.contains("overlay:"));
    let loaded = load_many(&[Input::new("app-plan.json", &plan), Input::new("app-review.yaml", &review)], None)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.roles, [Role::Design, Role::Overlay]);
    assert_eq!(
        render(&loaded),
        "
aws_cloudwatch_log_group.app (aws_cloudwatch_log_group) | region=eu-west-1 | provider=aws
aws_db_instance.main (aws_db_instance) | region=eu-west-1 | zone=eu-west-1b | provider=aws
aws_instance.app (aws_instance) | req aws_db_instance.main | soft aws_cloudwatch_log_group.app | region=eu-west-1 | zone=eu-west-1a | provider=aws
aws_lb.front (aws_lb) | req aws_instance.app | region=eu-west-1 | provider=aws"
            .trim()
    );
    assert_eq!(
        notes(&loaded),
        "
`aws_lb.front`: critical false → true (app-review.yaml:4:15)
`aws_instance.app` → `aws_cloudwatch_log_group.app`: requires → degrades_without (app-review.yaml:6:24)
`aws_db_instance.main`: zone `eu-west-1a` → `eu-west-1b` (app-review.yaml:8:11)
`aws_db_instance.main`: mtbf (unset) → 8760 (app-review.yaml:9:11)
`aws_db_instance.main`: mttr (unset) → 2 (app-review.yaml:10:11)"
            .trim()
    );
    // The app and its database no longer share a zone.
    let report = blastmap_core::analyze(&loaded.compiled, &Options::default());
    let zone_a = report.spofs.iter().find(|s| s.component == "zone:eu-west-1a").expect("zone a still takes the app");
    assert_eq!(zone_a.takes_down, ["aws_lb.front"]);
    assert!(report.spofs.iter().any(|s| s.component == "zone:eu-west-1b"));
    assert!(!report.spofs.iter().any(|s| s.component == "aws_cloudwatch_log_group.app"));
    let e = load_many(
        &[
            Input::new("app-plan.json", &plan),
            Input::new("review.yaml", "components:\n  - { id: aws_db_instance.man, zone: b }\n"),
        ],
        None,
    )
    .unwrap_err();
    assert!(first_error(&e).contains("did you mean `aws_db_instance.main`?"), "{e}");
}

#[test]
fn mesh_entries_refine_by_id() {
    let design = "shards:\n  - { id: s1, region: us }\n  - { id: s2, region: eu }\ntailnets:\n  - { id: acme, shard: s1 }\nrelays:\n  - { id: derp-nyc, region: us }\ncomponents:\n  - { id: n1, tailnet: acme, relays: [derp-nyc] }\n";
    let overlay = "overlay: true
shards:
  - { id: s1, zone: us-1a }
relays:
  - { id: derp-fra, add: true, region: eu }
tailnets:
  - { id: acme, shard: s2, cache_netmap: true, labels: {owner: net} }
components:
  - { id: n1, relays: [derp-fra], direct: false }
";
    let loaded = refined(design, overlay);
    let t = &loaded.compiled.written.topology;
    assert_eq!(t.shards[0].zone.as_deref(), Some("us-1a"));
    assert_eq!(t.relays.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["derp-nyc", "derp-fra"]);
    assert_eq!((t.tailnets[0].shard.as_str(), t.tailnets[0].cache_netmap), ("s2", true));
    assert_eq!(t.components[0].relays, ["derp-nyc", "derp-fra"]);
    assert_eq!(t.components[0].direct, Some(false));
    assert_eq!(
        rules(&loaded),
        [
            "overlay.zone",
            "overlay.add",
            "overlay.shard",
            "overlay.cache_netmap",
            "overlay.labels",
            "overlay.relays",
            "overlay.direct"
        ]
    );
    assert!(notes(&loaded).contains("tailnet `acme`: shard `s1` → `s2` (review.yaml:7:24)"), "{}", notes(&loaded));
    let e =
        refine(design, "overlay: true\ncomponents: []\ntailnets:\n  - { id: acm, cache_netmap: true }\n").unwrap_err();
    assert!(first_error(&e).starts_with("review.yaml:4:11: no earlier input defines tailnet `acm`"), "{e}");
    assert!(first_error(&e).contains("did you mean `acme`?"), "{e}");
}

#[test]
fn native_files_after_native_files_merge_and_the_rename_says_how_to_refine() {
    let a = "components:\n  - { id: db, kind: database }\n";
    let b = "components:\n  - { id: db, kind: cache }\n";
    let loaded = load_many(&[Input::new("a.yaml", a), Input::new("b.yaml", b)], None).unwrap();
    assert_eq!(loaded.roles, [Role::Design, Role::Design]);
    assert_eq!(render(&loaded), "b/db (cache)\ndb (database)");
    assert_eq!(
        warnings(&loaded),
        "b.yaml:2:11: warning: `db` is also defined, differently, in a.yaml: this definition is renamed `b/db`; to refine `db` instead, mark this file `overlay: true` or give it with `--overlay`"
    );
    // The same file marked as an overlay, or given as one, refines.
    for (loaded, line) in [
        (load_many(&[Input::new("a.yaml", a), Input::new("b.yaml", &format!("overlay: true\n{b}"))], None).unwrap(), 3),
        (load_many(&[Input::new("a.yaml", a), Input::overlay("b.yaml", b)], None).unwrap(), 2),
    ] {
        assert_eq!(render(&loaded), "db (cache)");
        assert_eq!(notes(&loaded), format!("`db`: kind `database` → `cache` (b.yaml:{line}:21)"));
    }
    // `Role::Design` keeps a native file after an export a design.
    let compose = "services:\n  db: {}\n";
    let loaded =
        load_many(&[Input::new("c.yml", compose), Input::new("b.yaml", b).with_role(Role::Design)], None).unwrap();
    assert_eq!(render(&loaded), "b/db (cache)\ndb (service)");
}

#[test]
fn an_overlay_comes_after_what_it_refines_and_is_native() {
    let e =
        load_many(&[Input::overlay("review.yaml", "components: []\n"), Input::new("a.yaml", "components: []\n")], None)
            .unwrap_err();
    assert_eq!(e.file, "review.yaml");
    assert!(
        first_error(&e).starts_with(
            "review.yaml:1:1: this file is an overlay: it refines the inputs given before it, and none is"
        ),
        "{e}"
    );
    let e = load_many(&[Input::new("review.yaml", "overlay: true\ncomponents: []\n")], None).unwrap_err();
    assert!(first_error(&e).starts_with("review.yaml:1:1: this file is an overlay"), "{e}");
    let compose = "services:\n  db: {}\n";
    let e = load_many(&[Input::new("a.yml", compose), Input::overlay("b.yml", compose)], None).unwrap_err();
    assert_eq!(
        first_error(&e),
        "b.yml:1:1: an overlay is a native file (a `components:` list refining the inputs before it); this input looks like compose: give it without `--overlay` to merge it"
    );
}
