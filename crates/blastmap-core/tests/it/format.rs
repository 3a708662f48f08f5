//! The native format's errors: every `tests/fixtures/err/` file must fail at the line and column
//! its first line announces (`# expect: LINE:COLUMN KIND words of the message`); JSON files,
//! which cannot carry comments, are listed here. Plus the fast JSON path and round trips.

use std::path::Path;

use blastmap_core::format::{parse, to_yaml};
use blastmap_core::load;
use blastmap_core::{spec, ErrorKind};

fn kind_name(k: ErrorKind) -> String {
    serde_json::to_value(k).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// Asserts that `text` fails with its first error at `line:column`, of `kind`, mentioning `words`.
fn check_error(name: &str, text: &str, line: u32, column: u32, kind: &str, words: &str) {
    let errors = match load(text) {
        Ok(_) => panic!("{name}: expected an error"),
        Err(e) => e,
    };
    let first = errors.first().expect("at least one error");
    let pos = first.pos.unwrap_or_else(|| panic!("{name}: error without position: {first}"));
    assert_eq!((pos.line, pos.column), (line, column), "{name}: {first}");
    assert_eq!(kind_name(first.kind), kind, "{name}: {first}");
    assert!(first.message.contains(words), "{name}: `{}` should mention `{words}`", first.message);
}

#[test]
fn error_fixtures_point_at_the_right_place() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/err");
    let mut seen = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir).expect("fixtures").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    for path in entries.iter().filter(|p| p.extension().is_some_and(|e| e == "yaml")) {
        let text = std::fs::read_to_string(path).expect("readable");
        let header = text.lines().next().and_then(|l| l.strip_prefix("# expect: ")).expect("expect header");
        let mut parts = header.splitn(3, ' ');
        let (at, kind, words) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let (line, column) = at.split_once(':').expect("LINE:COLUMN");
        check_error(
            &path.display().to_string(),
            &text,
            line.parse().expect("line"),
            column.parse().expect("column"),
            kind,
            words,
        );
        seen += 1;
    }
    assert!(seen >= 10, "only {seen} error fixtures");
    let json = |name: &str| std::fs::read_to_string(dir.join(name)).expect("fixture");
    check_error("json-unknown-reference", &json("json-unknown-reference.json"), 3, 38, "unknown-reference", "cache");
    check_error("json-syntax", &json("json-syntax.json"), 4, 11, "syntax", "trailing content");
}

#[test]
fn all_errors_are_reported_not_only_the_first() {
    let text = "components:\n  - {id: a, requires: [x]}\n  - {id: b, requires: [y]}\n  - {id: a}\n";
    let errors = load(text).expect_err("invalid");
    let lines: Vec<u32> = errors.0.iter().filter_map(|e| e.pos).map(|p| p.line).collect();
    assert_eq!(lines, [4, 2, 3]);
}

#[test]
fn large_json_takes_the_fast_path_and_still_locates_errors() {
    // Over a megabyte of valid components, then one bad reference near the end.
    let mut text = String::from("{\"components\": [\n");
    for i in 0..30_000 {
        text.push_str(&format!("  {{\"id\": \"svc-{i}\", \"requires\": [\"db\"], \"region\": \"r{}\"}},\n", i % 3));
    }
    text.push_str("  {\"id\": \"db\", \"requires\": [\"svc-O\"]}\n]}\n");
    assert!(text.len() > 1 << 20);
    let line = text.lines().count() as u32 - 1;
    check_error("large", &text, line, 29, "unknown-reference", "did you mean `svc-0`");
    let fixed = text.replace("\"svc-O\"", "\"region:r1\"");
    let model = load(&fixed).expect("valid").model;
    assert_eq!(model.len(), 30_001 + 3);
}

#[test]
fn large_json_with_a_bad_value_is_reported_as_the_small_one_is() {
    // The fast path takes large JSON straight into the spec types; every value check of the
    // positioned path must still reject, at the same place.
    let filler: String =
        (0..30_000).map(|i| format!("  {{\"id\": \"svc-{i}\", \"requires\": [\"db\"], \"need\": 1}},\n")).collect();
    for (bad, kind) in [
        ("\"need\": 0", "invalid-need"),
        ("\"availability\": 1.5", "invalid-value"),
        ("\"mtbf\": -1, \"mttr\": 2", "invalid-value"),
        ("\"mtbf\": 100", "invalid-value"),
        ("\"availability\": 0.9, \"mtbf\": 100, \"mttr\": 1", "invalid-value"),
    ] {
        let text = format!("{{\"components\": [\n{filler}  {{\"id\": \"db\", {bad}}}\n]}}\n");
        assert!(text.len() > 1 << 20);
        let errors = load(&text).expect_err(bad);
        let e = &errors.0[0];
        let small = load(&format!("{{\"components\": [{{\"id\": \"db\", {bad}}}]}}")).expect_err(bad);
        assert_eq!(kind_name(e.kind), kind_name(small.0[0].kind), "{bad}: {e}");
        assert_eq!(kind_name(e.kind), kind, "{bad}: {e}");
        assert_eq!(e.pos.map(|p| p.line), Some(30_002), "{bad}: {e}");
    }
}

#[test]
fn yaml_and_json_of_the_same_topology_agree_and_round_trip() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ok");
    for name in ["quorum.yaml", "cold-start.json", "two-of-three-across-zones.yaml"] {
        let text = std::fs::read_to_string(dir.join(name)).expect("fixture");
        let doc = parse(&text).expect("valid");
        let yaml = to_yaml(&doc.topology);
        let again = parse(&yaml).expect("own YAML parses");
        assert_eq!(again.topology, doc.topology, "{name} through YAML");
        let json = serde_json::to_string(&doc.topology).expect("json");
        let again = parse(&json).expect("own JSON parses");
        assert_eq!(again.topology, doc.topology, "{name} through JSON");
    }
}

#[test]
fn published_schema_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema/blastmap.schema.json");
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    let fresh = spec::json_schema();
    if current != fresh {
        if std::env::var_os("BLASTMAP_UPDATE_SCHEMA").is_some() {
            std::fs::write(&path, &fresh).expect("write schema");
        } else {
            panic!("schema/blastmap.schema.json is stale: run `BLASTMAP_UPDATE_SCHEMA=1 cargo test -p blastmap-core --test it format`");
        }
    }
    let schema: serde_json::Value = serde_json::from_str(&fresh).expect("schema is JSON");
    let props = &schema["$defs"]["Component"]["properties"];
    for field in [
        "id",
        "kind",
        "requires",
        "need",
        "requires_at_start",
        "degrades_without",
        "monitored_by",
        "holds_credentials_for",
        "critical",
        "availability",
        "region",
        "zone",
        "host",
        "provider",
        "power",
        "network",
        "labels",
    ] {
        assert!(props.get(field).is_some(), "schema lacks {field}");
    }
}

#[test]
fn hostile_inputs_error_instead_of_panicking() {
    let deep = format!("components: {}{}", "[".repeat(10_000), "]".repeat(10_000));
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\ncomponents: []\n";
    for text in [
        deep.as_str(),
        bomb,
        "\u{feff}",
        "{",
        "components: [{id: 1}]",
        "- a\n- b",
        "components:\n  - id: a\n    need: -3\n    requires: [b]\n  - id: b",
    ] {
        let _ = load(text);
    }
}

#[test]
fn written_fields_are_recorded_with_their_positions() {
    // An overlay replaces what it writes and nothing else: the reader records what was written,
    // even a value equal to the default (`critical: false`).
    let text = "components:
  - id: a
    kind: service
    need: 1
    requires: [b]
    critical: false
    target: true
    mtbf: 100
    mttr: 2
    direct: false
    exit_node: false
    labels: {team: x}
    add: true
  - { id: b, availability: 0.99 }
tailnets:
  - { id: t, cache_netmap: false, labels: {o: p}, add: true }
";
    let doc = parse(text).expect("parses");
    let fields: Vec<(&str, (u32, u32))> =
        doc.spans[0].fields.iter().map(|(k, p)| (*k, p.map(|p| (p.line, p.column)).unwrap_or_default())).collect();
    assert_eq!(
        fields,
        [
            ("add", (13, 10)),
            ("critical", (6, 15)),
            ("direct", (10, 13)),
            ("exit_node", (11, 16)),
            ("kind", (3, 11)),
            ("labels", (12, 13)),
            ("mtbf", (8, 11)),
            ("mttr", (9, 11)),
            ("need", (4, 11)),
            ("target", (7, 13)),
        ]
    );
    let b: Vec<&str> = doc.spans[1].fields.keys().copied().collect();
    assert_eq!(b, ["availability"]);
    let c = &doc.topology.components[0];
    assert_eq!((c.direct, c.exit_node, c.labels.len(), c.add), (Some(false), false, 1, true));
    let t = &doc.tailnet_spans[0];
    assert_eq!((t.labels.map(|p| p.column), t.add.map(|p| p.column)), (Some(43), Some(56)));
    assert!(doc.topology.tailnets[0].add);
}

/// `text` as JSON of at least a megabyte (the fast path's size): the topology with a
/// description that long.
fn large_json(topology: &spec::Topology) -> String {
    let mut t = topology.clone();
    t.description = Some(format!("{}\u{e9}\\ \"end\"", "x".repeat(1 << 20)));
    serde_json::to_string_pretty(&t).unwrap()
}

/// The fast path reads what the positioned path reads, or nothing.
fn assert_fast_reads_as_positioned(text: &str) {
    let fast = blastmap_core::format::parse_large_json(text).expect("valid large JSON takes the fast path");
    let positioned = blastmap_core::format::parse_spanned(text).unwrap();
    let (f, p) = (&fast.topology, &positioned.topology);
    assert_eq!((&f.name, f.description == p.description, f.overlay), (&p.name, true, p.overlay));
    for (a, b) in f.components.iter().zip(&p.components).chain(f.shards.iter().zip(&p.shards)) {
        assert_eq!(a, b);
    }
    assert_eq!(f, p);
    assert_eq!(fast.spans.len(), positioned.spans.len());
    assert!(fast.spans.iter().all(|s| s.id.is_none()), "the fast path has no positions");
}

#[test]
fn the_fast_json_path_reads_what_the_positioned_path_reads() {
    use crate::props::{deep_topology, random_topology};
    // Escapes and non-ASCII in every kind of string: ids, references, placement, kinds, labels.
    let escaped = |s: &str| format!("{s}\"\\/\u{e9}\t\u{1F600}\n");
    for seed in 0..40 {
        for mut t in [random_topology(seed), deep_topology(seed)] {
            for (i, c) in t.components.iter_mut().enumerate() {
                if i % 3 == 0 {
                    c.id = escaped(&c.id);
                    c.requires.iter_mut().for_each(|r| *r = escaped(r));
                    c.kind = Some(escaped("service"));
                    c.labels.insert(escaped("team"), escaped("core"));
                    c.region = c.region.as_deref().map(escaped);
                }
                if i % 5 == 1 {
                    (c.availability, c.critical, c.target) = (Some(0.999_5), true, Some(false));
                }
            }
            assert_fast_reads_as_positioned(&large_json(&t));
        }
    }
    // The mesh vocabulary, and a generated estate over a megabyte without padding.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let mesh = parse(&std::fs::read_to_string(format!("{dir}/tailnet-estate.yaml")).unwrap()).unwrap();
    assert!(mesh.topology.uses_mesh());
    assert_fast_reads_as_positioned(&large_json(&mesh.topology));
    let generated = blastmap_core::generate::generate(&blastmap_core::generate::Params::for_edges(30_000, 7));
    let text = serde_json::to_string_pretty(&generated).unwrap();
    assert!(text.len() > 1 << 20);
    assert_fast_reads_as_positioned(&text);
}
