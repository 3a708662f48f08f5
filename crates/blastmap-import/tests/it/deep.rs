//! Input nested far past the importers' limit (64 levels): an error or a warning, never a stack
//! overflow. Each import runs on a thread with a bounded stack: 1 MiB in release, the default
//! stack of the page's web worker (wasm32); 4 MiB in debug builds, whose frames are about eight
//! times larger (serde-saphyr's 64 levels take about 0.3 MiB in release, 2.5 MiB in debug).

use blastmap_import::{load, Format, Loaded};

const LEVELS: usize = 10_000;

fn stack() -> usize {
    if cfg!(debug_assertions) {
        4 << 20
    } else {
        1 << 20
    }
}

/// `load` on a thread with the bounded stack (an overflow aborts the test binary: a failure).
fn load_bounded(text: String, format: Format) -> Result<Loaded, String> {
    std::thread::Builder::new()
        .stack_size(stack())
        .spawn(move || load(&text, Some(format)).map_err(|e| e.to_string()))
        .unwrap()
        .join()
        .unwrap()
}

/// The warnings, less the two every Tailscale status carries (what the status sees, and the
/// modelled coordination shard), which `tailnet.rs` tests.
fn messages(loaded: &Loaded) -> Vec<String> {
    let every_status = |m: &str| m.starts_with("status of `") || m.starts_with("the coordination shard of tailnet");
    loaded.warnings.iter().filter(|w| !every_status(&w.message)).map(ToString::to_string).collect()
}

/// `[[[...]]]` and `{"a": {"a": ...}}`, `levels` deep.
fn lists(levels: usize) -> String {
    "[".repeat(levels) + &"]".repeat(levels)
}

fn maps(levels: usize) -> String {
    "{\"a\": ".repeat(levels) + "1" + &"}".repeat(levels)
}

#[test]
fn dot_subgraphs() {
    let text = format!("digraph {{\n{} a -> b {}\n}}", "subgraph {".repeat(LEVELS), "}".repeat(LEVELS));
    let e = load_bounded(text, Format::Dot).unwrap_err();
    assert_eq!(e, "2:650: subgraphs nested more than 64 deep");
    // 64 levels are read.
    let text = format!("digraph {{ {} a -> b {} }}", "{".repeat(64), "}".repeat(64));
    assert!(load_bounded(text, Format::Dot).is_ok());
}

#[test]
fn yaml_importers() {
    // Flow nesting (10,000 levels) and block nesting (200: the text grows with the square).
    let block = |levels: usize| -> String {
        (0..levels).map(|i| format!("{}x:\n", "  ".repeat(i))).collect::<String>() + &"  ".repeat(levels) + "y: 1\n"
    };
    let cases = [
        (Format::Compose, format!("services:\n  web:\n    x: {}\n", lists(LEVELS))),
        (
            Format::Compose,
            format!("services:\n  web:\n{}", block(200).lines().map(|l| format!("    {l}\n")).collect::<String>()),
        ),
        (
            Format::Kubernetes,
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: x}}\ndata: {}\n", maps(LEVELS)),
        ),
        (Format::Kubernetes, format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: x}}\n{}", block(200))),
        (
            Format::Backstage,
            format!(
                "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: x}}\nspec: {}\n",
                lists(LEVELS)
            ),
        ),
        (
            Format::Backstage,
            format!("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: x}}\n{}", block(200)),
        ),
    ];
    // At the limit, read whole on the bounded stack.
    let at_limit = format!("services:\n  web:\n    x: {}\n", lists(61));
    assert!(load_bounded(at_limit, Format::Compose).is_ok());
    for (format, text) in cases {
        let e = load_bounded(text, format).unwrap_err();
        let refused = e.contains("recursion limit exceeded") || e.contains("budget breached: Depth");
        assert!(e.contains("not valid YAML") && refused, "{format}: {e}");
    }
}

#[test]
fn json_importers_cut_with_a_warning() {
    let tailscale = format!("{{\n\"Self\": {{\"HostName\": \"me\", \"x\": {}}},\n\"Peer\": {{}}\n}}", lists(LEVELS));
    let loaded = load_bounded(tailscale, Format::Tailscale).unwrap();
    assert!(loaded.compiled.written.topology.components.iter().any(|c| c.id == "me"));
    let w = messages(&loaded);
    assert_eq!(w, ["2:95: warning: nested deeper than 64 levels: this list and everything in it are not read"]);

    let jaeger = format!("[\n{{\"parent\": \"a\", \"child\": \"b\", \"x\": {}}}\n]", maps(LEVELS));
    let loaded = load_bounded(jaeger, Format::Jaeger).unwrap();
    assert_eq!(loaded.compiled.written.topology.components.len(), 2);
    let w = messages(&loaded);
    assert!(
        w.iter().any(|w| w.starts_with("2:") && w.contains("nested deeper than 64 levels: this mapping")),
        "{w:#?}"
    );
    assert!(w.iter().any(|w| w.contains("`x` of a dependency link is not mapped")), "{w:#?}");
}

/// Terraform modules nested 100 deep: the JSON is cut where it passes 64 levels, and the warning
/// is at the module where the cut is; every module above it is read.
#[test]
fn terraform_modules_nested_deep() {
    let depth = 100;
    let mut module = String::from("{\"resources\": [], \"child_modules\": []}");
    for d in (1..=depth).rev() {
        let address: String = (1..=d).map(|i| format!("module.m{i}")).collect::<Vec<_>>().join(".");
        module = format!(
            "{{\"address\": \"{address}\", \"resources\": [{{\"address\": \"{address}.null_resource.r\", \"type\": \"null_resource\", \"mode\": \"managed\"}}],\n\"child_modules\": [{module}]}}"
        );
    }
    let text = format!(
        "{{\"format_version\": \"1.2\", \"planned_values\": {{\"root_module\": {{\"resources\": [], \"child_modules\": [{module}]}}}}}}"
    );
    let loaded = load_bounded(text, Format::Terraform).unwrap();
    // planned_values (1), root_module (2), then two levels per module (module d at 2 + 2d): the
    // resources of modules 1..=29 are read; module 30's resource (a mapping at level 64) and
    // module 31 are cut, each said where it stands.
    assert_eq!(loaded.compiled.written.topology.components.len(), 29);
    assert_eq!(
        messages(&loaded),
        [
            "30:369: warning: nested deeper than 64 levels: this mapping and everything in it are not read",
            "31:19: warning: nested deeper than 64 levels: this mapping and everything in it are not read",
        ]
    );

    // And 10,000 levels of lists.
    let text = format!("{{\"format_version\": \"1.2\", \"planned_values\": {}}}", lists(LEVELS));
    let loaded = load_bounded(text, Format::Terraform).unwrap();
    assert!(messages(&loaded).iter().any(|w| w.contains("nested deeper than 64 levels")));
}

/// Module outputs and inputs that refer to each other: followed 64 deep, then said.
#[test]
fn terraform_reference_cycles_through_modules() {
    let text = r#"{
  "format_version": "1.2",
  "planned_values": {"root_module": {"resources": [
    {"address": "aws_instance.r", "type": "aws_instance", "mode": "managed", "provider_name": "registry.terraform.io/hashicorp/aws"}
  ]}},
  "configuration": {"root_module": {
    "resources": [{"address": "aws_instance.r", "expressions": {"ami": {"references": ["module.a.out"]}}}],
    "module_calls": {"a": {
      "expressions": {"x": {"references": ["module.a.out"]}},
      "module": {"outputs": {"out": {"expression": {"references": ["var.x"]}}}}
    }}
  }}
}"#;
    let loaded = load_bounded(text.to_string(), Format::Terraform).unwrap();
    let w = messages(&loaded);
    assert_eq!(w.len(), 1, "{w:#?}");
    assert!(w[0].contains("references followed through 64 module inputs and outputs (a cycle?)"), "{w:#?}");
}

#[test]
fn native_input() {
    // The core's own reader (not this crate's): refused, with a position.
    for text in [format!("components: {}\n", lists(LEVELS)), format!("{{\"components\": {}}}", lists(LEVELS))] {
        assert!(load_bounded(text, Format::Native).is_err());
    }
}

#[test]
fn inference_reads_nested_defaults_and_long_pipelines_without_recursing() {
    // `${A:-${A:-...}}` 100,000 deep in an image and in an env value: the rules read defaults
    // 8 deep, no deeper.
    let nested = format!("{}grafana/grafana{}", "${A:-".repeat(100_000), "}".repeat(100_000));
    let text = format!(
        "services:\n  web:\n    image: '{nested}'\n    environment:\n      - 'OTEL_EXPORTER_OTLP_ENDPOINT={nested}'\n"
    );
    let loaded = load_bounded(text, Format::Compose).unwrap();
    assert_eq!(loaded.compiled.written.topology.components.len(), 1);
    // A collector behind a chain of 20,000 stores only telemetry depends on: each is part of
    // the pipeline (a worklist, not rounds over the whole file).
    let n = 20_000;
    let mut compose =
        String::from("services:\n  app:\n    depends_on: [otel-collector]\n  otel-collector:\n    depends_on: [s0]\n");
    for i in 0..n {
        compose.push_str(&format!("  s{i}:\n"));
        if i + 1 < n {
            compose.push_str(&format!("    depends_on: [s{}]\n", i + 1));
        }
    }
    let loaded = load_bounded(compose, Format::Compose).unwrap();
    let backends = loaded.compiled.written.notes.iter().filter(|n| n.rule == "telemetry-backend").count();
    assert_eq!(backends, n);
}
