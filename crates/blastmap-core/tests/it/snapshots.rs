//! Snapshots of the reports a person reads (text, Markdown) and of the JSON report, for every
//! topology under `tests/fixtures/ok/`. Review changes with `cargo insta review`.

use blastmap_core::algo::what_if;
use blastmap_core::load;
use blastmap_core::render;
use blastmap_core::report::{analyze, Options, WhatIfReport};

#[test]
fn reports() {
    insta::glob!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ok"), "*.*", |path| {
        let text = std::fs::read_to_string(path).expect("fixture");
        let compiled = load(&text).expect("valid fixture");
        let report = analyze(&compiled, &Options::default());
        insta::assert_snapshot!("text", render::text(&report, false));
        insta::assert_snapshot!("markdown", render::markdown(&report));
        insta::assert_json_snapshot!("json", report);
    });
}

#[test]
fn what_if_of_a_placement_value() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ok/two-of-three-across-zones.yaml"
    ))
    .expect("fixture");
    let m = load(&text).expect("valid").model;
    let failed = m.lookup_all(["zone:a", "power:feed-1"]).expect("known");
    let w = WhatIfReport::new(&m, None, &what_if(&m, &failed));
    insta::assert_snapshot!(render::what_if_text(&w, false));
    insta::assert_json_snapshot!(w);
}

#[test]
fn budget_cuts_are_said_in_text_and_markdown() {
    // A 2-of-4 group with no single point of failure: its tolerance needs a search of pairs.
    let text =
        "components:\n- {id: app, need: 2, requires: [a, b, c, d]}\n- {id: a}\n- {id: b}\n- {id: c}\n- {id: d}\n";
    let model = load(text).expect("valid");
    let exact = analyze(&model, &Options::default());
    assert!(exact.redundancy[0].exact && exact.double_points_complete);
    for shown in [render::text(&exact, false), render::markdown(&exact)] {
        assert!(!shown.contains("budget"), "{shown}");
    }
    let cut = analyze(&model, &Options { redundancy_budget: 1, cut_budget: 1, ..Options::default() });
    assert!(!cut.redundancy[0].exact && !cut.double_points_complete);
    let text = render::text(&cut, false);
    assert!(text.contains("No findings found, but 2 results were cut short by a budget"), "{text}");
    assert!(text.contains("Incomplete analyses (2)"), "{text}");
    assert!(text.contains("false-redundancy: app: undecided: the search ran out of budget among the pairs"), "{text}");
    assert!(text.contains("double-point: the double/triple point search ran out of budget after 1 set:"), "{text}");
    let md = render::markdown(&cut);
    assert!(md.contains("**Partial answers:** 2 results were cut short by a budget"), "{md}");
    assert!(md.contains("### Incomplete analyses (2)"), "{md}");
    assert!(md.contains("- **false-redundancy** `app`: undecided"), "{md}");
}

#[test]
fn notes_are_listed_by_kind_and_input_one_line_each() {
    use blastmap_core::note::{Note, NoteKind};
    use blastmap_core::{Pos, Report};
    let note = |kind, input, i: usize| Note {
        kind,
        rule: "test.rule".into(),
        subject: format!("c{i}"),
        edge: None,
        pos: Some(Pos::new(1, 1).in_input(input)),
        message: format!("`c{i}`: note {i}"),
    };
    let mut report = Report::default();
    report.notes.push(note(NoteKind::Overlay, 2, 0));
    report.notes.push(note(NoteKind::Inferred, 0, 1));
    report.notes.push(note(NoteKind::Overlay, 1, 2));
    report.notes.extend((3..15).map(|i| note(NoteKind::Overlay, 2, i)));
    let text = render::text(&report, false);
    let section = text.split_once("From overlays and inferences (15)\n").map(|(_, s)| s).expect("the section");
    let lines: Vec<&str> = section.lines().collect();
    assert_eq!(
        lines,
        [
            "  inferred by the importer, input 1",
            "    c1: note 1",
            "  overlay, input 2",
            "    c2: note 2",
            "  overlay, input 3",
            "    c0: note 0",
            "    c3: note 3",
            "    c4: note 4",
            "    c5: note 5",
            "    c6: note 6",
            "    c7: note 7",
            "    c8: note 8",
            "    c9: note 9",
            "    c10: note 10",
            "    c11: note 11",
            "  … and 3 more (use --format json for all)",
        ]
    );
    let md = render::markdown(&report);
    assert!(
        md.contains("### From overlays and inferences (15)\n\n*inferred by the importer, input 1*\n\n- `c1`: note 1\n"),
        "{md}"
    );
    assert_eq!(md.matches("\n- `c").count(), 15, "Markdown lists all of them");
    // No notes, no section.
    assert!(!render::text(&Report::default(), false).contains("From overlays"));
}

/// The criticality table's columns line up when a name is longer than the usual column (a
/// Terraform module address): the counts start at the same place on every row.
#[test]
fn criticality_columns_line_up_past_long_names() {
    let text = "components:
- {id: web, requires: [module.kapsule.scaleway_k8s_cluster_beta.cluster, db]}
- {id: module.kapsule.scaleway_k8s_cluster_beta.cluster}
- {id: db}
";
    let report = analyze(&load(text).expect("valid"), &Options::default());
    let out = render::text(&report, false);
    let rows: Vec<&str> = out
        .split("Criticality (what each failure takes down)\n")
        .nth(1)
        .expect("a criticality table")
        .lines()
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert!(rows.len() >= 2, "{out}");
    let at: Vec<usize> = rows.iter().map(|r| r.find(" target").expect("a count")).collect();
    assert!(at.iter().all(|&a| a == at[0]), "{rows:#?}");
}
