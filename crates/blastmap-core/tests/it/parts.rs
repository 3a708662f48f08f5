//! `Model::from_parts`: the model the page rebuilds from its worker's parts is the model the
//! worker compiled (every accessor answers the same), and parts that do not fit are refused.

use blastmap_core::model::{Adjacency, Origin};
use blastmap_core::{compile, format::Document, Model};

use crate::props::{deep_topology, random_topology};

/// Every accessor of `a` and `b` answers the same.
fn assert_same(a: &Model, b: &Model) {
    assert_eq!(a.name, b.name);
    assert_eq!(a.len(), b.len());
    assert_eq!(a.targets(), b.targets());
    assert_eq!(a.edge_count(), b.edge_count());
    for v in a.ids() {
        let (x, y) = (a.node(v), b.node(v));
        assert_eq!(
            (&x.id, &x.kind, &x.origin, x.critical, x.target, x.availability.map(f64::to_bits)),
            (&y.id, &y.kind, &y.origin, y.critical, y.target, y.availability.map(f64::to_bits)),
            "node {v}"
        );
        assert_eq!(b.lookup(&x.id), Some(v));
        assert_eq!(a.need(v), b.need(v), "need of {v}");
        assert_eq!(a.requires(v), b.requires(v));
        assert_eq!(a.placement(v), b.placement(v));
        assert_eq!(a.start(v), b.start(v));
        assert_eq!(a.degrades(v), b.degrades(v));
        assert_eq!(a.monitors(v), b.monitors(v));
        assert_eq!(a.credentials(v), b.credentials(v));
        assert_eq!(a.requires_dependents(v), b.requires_dependents(v));
        assert_eq!(a.placement_dependents(v), b.placement_dependents(v));
        assert_eq!(a.start_dependents(v), b.start_dependents(v));
    }
    assert_eq!(b.lookup("no such id"), None);
}

fn check(text: &str) {
    let compiled = blastmap_core::load(text).unwrap();
    let rebuilt = Model::from_parts(compiled.model.parts()).unwrap();
    assert_same(&compiled.model, &rebuilt);
}

#[test]
fn the_examples_rebuild_to_the_same_model() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            check(&std::fs::read_to_string(&path).unwrap());
            seen += 1;
        }
    }
    assert!(seen >= 10, "{seen} examples");
    // Placement values, k-of-n gates, every edge kind, marked and unmarked targets.
    check(
        "name: t\ncomponents:\n- {id: web, critical: true, requires: [api], degrades_without: [cache], monitored_by: [mon], region: r1, host: h1}\n- {id: api, need: 1, requires: [a1, a2], requires_at_start: [cfg], holds_credentials_for: [db], availability: 0.999}\n- {id: a1, zone: z1}\n- {id: a2, zone: z2}\n- {id: cfg}\n- {id: db, target: false}\n- {id: cache}\n- {id: mon, monitored_by: [mon]}\n",
    );
}

#[test]
fn random_topologies_rebuild_to_the_same_model() {
    for seed in 0..300 {
        for t in [random_topology(seed), deep_topology(seed)] {
            let compiled = compile(Document::from_topology(t)).unwrap();
            assert_same(&compiled.model, &Model::from_parts(compiled.model.parts()).unwrap());
        }
    }
}

#[test]
fn parts_that_do_not_fit_are_refused() {
    let model = blastmap_core::load("components:\n- {id: web, requires: [db], zone: a}\n- {id: db}\n").unwrap().model;
    assert!(matches!(model.node(2).origin, Origin::Placement("zone")));
    let parts = model.parts();
    let mut short = parts.clone();
    short.need.pop();
    assert_eq!(Model::from_parts(short).unwrap_err(), "2 `need`s for 3 nodes");
    let mut fewer = parts.clone();
    fewer.nodes.pop();
    fewer.need.pop();
    assert_eq!(Model::from_parts(fewer).unwrap_err(), "the requires adjacency has 3 rows for 2 nodes");
    let mut empty = parts;
    empty.monitors = Adjacency::default();
    assert_eq!(Model::from_parts(empty).unwrap_err(), "the monitors adjacency has 0 rows for 3 nodes");
    // Rows that are not well formed never make an adjacency.
    assert!(Adjacency::from_rows(vec![0, 1, 1], vec![1]).is_some());
    assert!(Adjacency::from_rows(vec![0, 1, 1], vec![2]).is_none(), "a target beyond the rows");
    assert!(Adjacency::from_rows(vec![0, 2, 1], vec![0, 1]).is_none(), "offsets going back");
    assert!(Adjacency::from_rows(vec![1, 1], vec![0]).is_none(), "not starting at 0");
    assert!(Adjacency::from_rows(vec![0, 1], vec![0, 0]).is_none(), "targets past the last row");
    assert!(Adjacency::from_rows(vec![], vec![]).is_none());
}

#[test]
fn an_id_given_twice_in_parts_is_found_at_its_last_node() {
    // Parts not taken from a model may repeat an id (the doc says what such a model is); the
    // index then answers as a map filled in node order does: the last node with the id.
    let model =
        blastmap_core::load("components:\n- {id: web, requires: [db]}\n- {id: db}\n- {id: api}\n").unwrap().model;
    let mut parts = model.parts();
    parts.nodes[2].id = "web".into();
    let twice = Model::from_parts(parts).unwrap();
    assert_eq!((twice.lookup("web"), twice.lookup("db"), twice.lookup("api")), (Some(2), Some(1), None));
    assert_eq!((twice.name(0), twice.name(2)), ("web", "web"));
}
