//! The inference rules (`src/infer.rs`) on fixtures written for them
//! (`tests/fixtures/infer/`): every rule where it applies and where it must not, the notes with
//! their rules, subjects, positions and messages, and an overlay overriding each kind of
//! conclusion (restating it, flipping it).

use blastmap_core::format::RefField;
use blastmap_core::note::{EdgeRef, NoteKind};
use blastmap_core::report::Options;
use blastmap_import::infer::{ENTRY_POINT, LOAD_GENERATOR, TELEMETRY_BACKEND, TELEMETRY_SINK};
use blastmap_import::{load, load_many, Input, Loaded};

use super::*;

fn loaded(name: &str) -> Loaded {
    let text = fixture(&format!("infer/{name}"));
    load(&text, None).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The targets, by name.
fn targets(loaded: &Loaded) -> Vec<blastmap_core::Name> {
    let model = &loaded.compiled.model;
    model.names(model.targets())
}

/// Each note as `rule subject line:column message`.
fn notes(loaded: &Loaded) -> String {
    loaded
        .compiled
        .written
        .notes
        .iter()
        .map(|n| {
            let at = n.pos.map_or("-".to_string(), |p| format!("{}:{}", p.line, p.column));
            format!("{} {} {at} {}", n.rule, n.subject, n.message)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn warnings(loaded: &Loaded) -> Vec<String> {
    loaded.warnings.iter().map(ToString::to_string).collect()
}

#[test]
fn compose_telemetry_load_generators_and_entry_points() {
    let l = loaded("shop-compose.yml");
    // `web → otel-collector`, `api → trace-sink` (named only by api's OTEL_EXPORTER_* variable)
    // and `grafana-proxy → grafana` are observation; `web → locust` a load generator's UI;
    // `api-sidecar` shares the collector's network stack (`network_mode`): that stays `requires`,
    // and so does the collector's own need of its store. `grafana-proxy` (nginx) is not Grafana.
    assert_eq!(
        render(&l),
        r#"
admin (service) | req db
api (service) | req api#1 api#2 | need 1
api#1 (service) | req db | monitored trace-sink otel-collector
api#2 (service) | req db | monitored trace-sink otel-collector
api-sidecar (service) | req otel-collector
checkout-test (service) | req api
db (service)
grafana (service)
grafana-proxy (service) | monitored grafana
locust (service) | req web
otel-collector (service) | req trace-store
trace-sink (service)
trace-store (service)
web (service) | req api grafana-proxy | soft locust | monitored otel-collector
"#
        .trim()
    );
    // `web` and `admin` publish host ports; `api`'s bare `"9000"` is not an entry point, nor are
    // the collector's and locust's published ports.
    assert_eq!(targets(&l), ["web", "admin"]);
    for (id, target) in [
        ("web", Some(true)),
        ("admin", Some(true)),
        ("api", None),
        ("grafana-proxy", None),
        ("api-sidecar", None),
        ("otel-collector", Some(false)),
        ("trace-sink", Some(false)),
        ("trace-store", Some(false)),
        ("grafana", Some(false)),
        ("locust", Some(false)),
        ("checkout-test", Some(false)),
    ] {
        assert_eq!(component(&l, id).target, target, "{id}");
    }
    assert_eq!(
        notes(&l),
        r#"
entry-point web 7:9 `web`: an entry point (it publishes host port `8080:80`): a target
entry-point admin 31:20 `admin`: an entry point (it publishes host port `${ADMIN_PORT:-8081}`): a target
telemetry-sink trace-sink 24:9 `trace-sink`: a telemetry sink (named by `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` of `api`): not a target; `api`: `depends_on: trace-sink` read as monitored_by
telemetry-sink otel-collector 38:12 `otel-collector`: a telemetry sink (image `otel/opentelemetry-collector-contrib:0.120.0`): not a target, though it publishes host port `4317:4317`; `web` and `api`: `depends_on: otel-collector` read as monitored_by
telemetry-backend trace-store 42:3 `trace-store`: part of the telemetry pipeline (only telemetry depends on it: `otel-collector`): not a target
telemetry-sink grafana 51:12 `grafana`: a telemetry sink (image `grafana/grafana:11.0.0`): not a target; `grafana-proxy`: `depends_on: grafana` read as monitored_by
load-generator locust 53:12 `locust`: a load generator (image `locustio/locust:2.31`): not a target, though it publishes host port `8089:8089`; `web`: `depends_on: locust` read as degrades_without
load-generator checkout-test 57:3 `checkout-test`: a load generator (name `checkout-test`): not a target
telemetry-sink web 11:7 `web` → `otel-collector`: requires → monitored_by (telemetry; `depends_on: otel-collector`)
load-generator web 15:7 `web` → `locust`: requires → degrades_without (a load generator; `depends_on: locust`)
telemetry-sink api 26:22 `api` → `trace-sink`: requires → monitored_by, on its 2 replicas (telemetry; `depends_on: trace-sink`)
telemetry-sink api 26:34 `api` → `otel-collector`: requires → monitored_by, on its 2 replicas (telemetry; `depends_on: otel-collector`)
telemetry-sink grafana-proxy 49:18 `grafana-proxy` → `grafana`: requires → monitored_by (telemetry; `depends_on: grafana`)
"#
        .trim()
    );
    assert_eq!(
        warnings(&l),
        [        "7:9: warning: the entry points `web`, `admin` are the targets: `api-sidecar` that nothing here depends on is no longer a target (the file does not say what calls it); write `target: true` or `critical: true` for it in an overlay to analyse it too",
        ]
    );
}

#[test]
fn kubernetes_telemetry_load_generators_and_entry_points() {
    let l = loaded("shop-k8s.yaml");
    // The collector (a custom image, in another namespace) is named by web's
    // OTEL_EXPORTER_OTLP_ENDPOINT; its Deployment is behind it only; Grafana's Service and the
    // Ingress in front of it route to telemetry only; k6 is a load generator. Its LoadBalancer
    // does not make the collector an entry point; the NodePort Service and the shop's Ingress are.
    assert_eq!(
        render(&l),
        r#"
deployment/api (deployment)
deployment/grafana (deployment)
deployment/k6 (deployment) | req service/web
deployment/web (deployment) | req service/api | monitored observability/service/collector
ingress/dashboards (ingress) | req service/dashboards
ingress/shop (ingress) | req service/web
observability/deployment/collector (deployment)
observability/service/collector (service) | req observability/deployment/collector
service/api (service) | req deployment/api
service/dashboards (service) | req deployment/grafana
service/web (service) | req deployment/web
"#
        .trim()
    );
    assert_eq!(targets(&l), ["service/web", "ingress/shop"]);
    assert_eq!(
        notes(&l),
        r#"
telemetry-backend observability/deployment/collector 56:9 `observability/deployment/collector`: part of the telemetry pipeline (only telemetry depends on it: `observability/service/collector`): not a target
load-generator deployment/k6 91:18 `deployment/k6`: a load generator (image `grafana/k6:0.52.0`): not a target
telemetry-sink deployment/grafana 109:18 `deployment/grafana`: a telemetry sink (image `grafana/grafana:11.0.0`): not a target
entry-point service/web 28:9 `service/web`: an entry point (it is a Service of type NodePort): a target
telemetry-sink observability/service/collector 21:22 `observability/service/collector`: a telemetry sink (named by `OTEL_EXPORTER_OTLP_ENDPOINT` of `web`): not a target, though it is a Service of type LoadBalancer; `deployment/web`: an env value naming `observability/service/collector` read as monitored_by
telemetry-sink service/dashboards 114:9 `service/dashboards`: a telemetry sink (in front of `deployment/grafana`): not a target
entry-point ingress/shop 121:9 `ingress/shop`: an entry point (it is an Ingress): a target
telemetry-sink ingress/dashboards 129:9 `ingress/dashboards`: a telemetry sink (in front of `service/dashboards`): not a target, though it is an Ingress
telemetry-sink deployment/web 21:22 `deployment/web` → `observability/service/collector`: requires → monitored_by (telemetry; an env value naming `observability/service/collector`)
"#
        .trim()
    );
    assert!(l.warnings.is_empty(), "{:#?}", l.warnings);
}

#[test]
fn each_changed_edge_has_a_note_the_page_can_draw() {
    let l = loaded("shop-compose.yml");
    let edges: Vec<(&str, &EdgeRef)> =
        l.compiled.written.notes.iter().filter_map(|n| n.edge.as_ref().map(|e| (n.rule.as_str(), e))).collect();
    let edge = |from: &str, to: &str, field, was| EdgeRef {
        from: from.into(),
        to: to.into(),
        field: Some(field),
        was: Some(was),
    };
    assert_eq!(
        edges,
        [
            (TELEMETRY_SINK, &edge("web", "otel-collector", RefField::MonitoredBy, RefField::Requires)),
            (LOAD_GENERATOR, &edge("web", "locust", RefField::DegradesWithout, RefField::Requires)),
            (TELEMETRY_SINK, &edge("api", "trace-sink", RefField::MonitoredBy, RefField::Requires)),
            (TELEMETRY_SINK, &edge("api", "otel-collector", RefField::MonitoredBy, RefField::Requires)),
            (TELEMETRY_SINK, &edge("grafana-proxy", "grafana", RefField::MonitoredBy, RefField::Requires)),
        ]
    );
    // Every note is an inference, in input 0; the rules are the four stable names.
    let notes = &l.compiled.written.notes;
    assert!(notes.iter().all(|n| n.kind == NoteKind::Inferred && n.pos.is_some_and(|p| p.input == 0)));
    let mut rules: Vec<&str> = notes.iter().map(|n| n.rule.as_str()).collect();
    rules.sort_unstable();
    rules.dedup();
    assert_eq!(rules, [ENTRY_POINT, LOAD_GENERATOR, TELEMETRY_BACKEND, TELEMETRY_SINK]);
    // The report carries them, and the collector blinds `web` instead of stopping it.
    let report = blastmap_core::analyze(&l.compiled, &Options::default());
    assert_eq!(report.notes.len(), notes.len());
    assert!(!report.spofs.iter().any(|s| s.component == "otel-collector" || s.component == "trace-store"));
    let blinds: Vec<(&str, &[blastmap_core::Name])> =
        report.blindings.iter().map(|b| (b.failure.as_str(), b.blinded.as_slice())).collect();
    assert!(blinds.contains(&("otel-collector", &["web".into()][..])), "{blinds:?}");
    assert!(blinds.contains(&("trace-store", &["web".into()][..])), "{blinds:?}");
}

#[test]
fn an_overlay_restates_or_flips_every_inference() {
    let compose = fixture("infer/shop-compose.yml");
    let review = "components:
  - id: web
    requires: [otel-collector]      # flipped: here the collector is on the request path
  - id: grafana-proxy
    monitored_by: [grafana]         # restated: confirms the inference
  - id: locust
    target: true                    # flipped: the load generator is analysed too
  - id: admin
    target: false                   # flipped: not an entry point after all
  - id: checkout-test
    target: false                   # restated
";
    let l = load_many(&[Input::new("shop-compose.yml", &compose), Input::new("review.yaml", review)], None)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(component(&l, "web").requires, ["api", "grafana-proxy", "otel-collector"]);
    assert!(component(&l, "web").monitored_by.is_empty());
    assert_eq!(targets(&l), ["web", "locust"]);
    let overlay: Vec<String> = l
        .compiled
        .written
        .notes
        .iter()
        .filter(|n| n.kind == NoteKind::Overlay)
        .map(|n| format!("{} {}", n.rule, n.message))
        .collect();
    assert_eq!(
        overlay,
        [
            "overlay.requires `web` → `otel-collector`: monitored_by → requires (review.yaml:3:16)",
            "overlay.target `locust`: target false → true (review.yaml:7:13)",
            "overlay.target `admin`: target true → false (review.yaml:9:13)",
        ]
    );
    // What restates an inference changes nothing, and says so at its line (the page shows such
    // lines as confirmations of the inference).
    assert_eq!(
        warnings(&l),
        [
            "shop-compose.yml:7:9: warning: the entry points `web`, `admin` are the targets: `api-sidecar` that nothing here depends on is no longer a target (the file does not say what calls it); write `target: true` or `critical: true` for it in an overlay to analyse it too",
            "review.yaml:5:20: warning: `grafana-proxy` → `grafana` is already in `monitored_by`: this changes nothing (a stale overlay?)",
            "review.yaml:11:13: warning: `checkout-test`: `target` is already false: this changes nothing (a stale overlay?)",
        ]
    );
    // With the flip, the collector is a single point of failure of `web` again.
    let report = blastmap_core::analyze(&l.compiled, &Options::default());
    assert!(report.spofs.iter().any(|s| s.component == "otel-collector"), "{:#?}", report.spofs);
}

#[test]
fn without_an_entry_point_the_targets_stay_what_nothing_depends_on() {
    // No published port (bare and absent): the core's rule, and no note about targets.
    let compose = "services:
  web:
    image: shop/web:1
    ports: [\"3000\", 8080]
    depends_on: [db, jaeger]
  worker:
    image: shop/worker:1
    depends_on: [db]
  db:
    image: postgres:16
  jaeger:
    image: ${JAEGER_IMAGE:-jaegertracing/all-in-one:1.57}
";
    let l = load(compose, None).unwrap();
    assert_eq!(targets(&l), ["web", "worker"]);
    assert!(l.warnings.is_empty(), "{:#?}", l.warnings);
    let rules: Vec<&str> =
        l.compiled.written.notes.iter().filter(|n| n.edge.is_none()).map(|n| n.rule.as_str()).collect();
    assert_eq!(rules, [TELEMETRY_SINK]);
    assert_eq!(component(&l, "web").monitored_by, ["jaeger"]);
    assert_eq!(component(&l, "web").target, None);

    // A test client calling `web` would hide it from the core's rule (something depends on it):
    // what only load generators call is an entry point, and the other roots are marked with it.
    let with_client = format!("{compose}  e2e:\n    image: shop/web:1\n    depends_on: [web]\n");
    let l = load(&with_client, None).unwrap();
    assert_eq!(targets(&l), ["web", "worker"]);
    assert_eq!(
        notes(&l),
        "
telemetry-sink jaeger 12:12 `jaeger`: a telemetry sink (image `${JAEGER_IMAGE:-jaegertracing/all-in-one:1.57}`): not a target; `web`: `depends_on: jaeger` read as monitored_by
load-generator e2e 13:3 `e2e`: a load generator (name `e2e`): not a target
entry-point web 2:3 `web`: an entry point (only load generators call it: `e2e`): a target
entry-point worker 6:3 `worker`: a target (nothing here depends on it; marked, as an entry point only load generators call is)
telemetry-sink web 5:22 `web` → `jaeger`: requires → monitored_by (telemetry; `depends_on: jaeger`)"
            .trim()
    );
}

#[test]
fn names_that_only_mention_a_product_are_not_that_product() {
    // `grafana-proxy`, `my-jaeger`, `prometheus-adapter-api`: the product's name followed by a
    // word its own parts do not use (or preceded by any word) is something else; `jaeger-query`,
    // `otel-collector-2` and `prometheus-server` are its parts.
    let compose = "services:
  web:
    image: shop/web:1
    depends_on: [grafana-proxy, my-jaeger, prometheus-adapter-api, jaeger-query, otel-collector-2, prometheus-server]
  grafana-proxy: {image: nginx}
  my-jaeger: {image: shop/tracing:1}
  prometheus-adapter-api: {image: shop/adapter:1}
  jaeger-query: {image: shop/jq:1}
  otel-collector-2: {image: shop/oc:1}
  prometheus-server: {image: shop/ps:1}
";
    let l = load(compose, None).unwrap();
    assert_eq!(component(&l, "web").requires, ["grafana-proxy", "my-jaeger", "prometheus-adapter-api"]);
    assert_eq!(component(&l, "web").monitored_by, ["jaeger-query", "otel-collector-2", "prometheus-server"]);
}

#[test]
fn backstage_entities_named_as_telemetry_or_load_generators() {
    let catalog = "apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: shop
spec:
  type: website
  dependsOn: [component:cart, resource:prometheus, component:locust]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: cart
spec:
  type: service
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: prometheus
spec:
  type: monitoring
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: locust
spec:
  type: tool
";
    let l = load(catalog, None).unwrap();
    let shop = component(&l, "component:shop");
    assert_eq!(shop.requires, ["component:cart"]);
    assert_eq!(shop.monitored_by, ["resource:prometheus"]);
    assert_eq!(shop.degrades_without, ["component:locust"]);
    assert_eq!(targets(&l), ["component:shop"]);
    assert_eq!(
        notes(&l),
        "
telemetry-sink resource:prometheus 19:9 `resource:prometheus`: a telemetry sink (name `prometheus`): not a target; `component:shop`: `dependsOn: resource:prometheus` read as monitored_by
load-generator component:locust 26:9 `component:locust`: a load generator (name `locust`): not a target; `component:shop`: `dependsOn: component:locust` read as degrades_without
telemetry-sink component:shop 7:31 `component:shop` → `resource:prometheus`: requires → monitored_by (telemetry; `dependsOn: resource:prometheus`)
load-generator component:shop 7:52 `component:shop` → `component:locust`: requires → degrades_without (a load generator; `dependsOn: component:locust`)"
            .trim()
    );
}

/// The README's walkthrough ("A real export, your judgement, a review"): what it quotes of
/// `blastmap analyze compose.yml review.yaml` is what the files of `tests/fixtures/infer/`
/// produce, and the review loses the findings it says.
#[test]
fn the_readme_walkthrough_is_true() {
    let compose = fixture("infer/walkthrough-compose.yml");
    let review = fixture("infer/walkthrough-review.yaml");
    let inputs = [Input::new("compose.yml", &compose), Input::new("review.yaml", &review)];
    let l = load_many(&inputs, None).unwrap_or_else(|e| panic!("{e}"));
    let report = blastmap_core::analyze(&l.compiled, &Options::default());
    let text = blastmap_core::render::text(&report, false);
    let warned = warnings(&l);
    let readme_path = format!("{}/../../README.md", env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(&readme_path).unwrap_or_else(|e| panic!("{readme_path}: {e}"));
    let section = readme.split("$ blastmap analyze compose.yml review.yaml").nth(1).expect("the walkthrough");
    let output = section.split("$ blastmap import").next().unwrap_or_default();
    let mut checked = 0;
    for line in output.lines().skip(1).filter(|l| !l.trim().is_empty() && l.trim() != "...") {
        if line.starts_with("review.yaml:") {
            assert!(warned.iter().any(|w| w == line), "README: {line}\nwarnings: {warned:#?}");
        } else {
            assert!(text.lines().any(|t| t == line), "README: {line}\nreport:\n{text}");
        }
        checked += 1;
    }
    assert!(checked >= 10, "{checked} lines checked");
    // The quoted excerpt of compose.yml is the fixture's (every line of it is there).
    let excerpt = readme.split("# compose.yml (excerpt)\n").nth(1).and_then(|s| s.split("```").next()).unwrap();
    for line in excerpt.lines().filter(|l| !l.contains("deploy:")) {
        assert!(compose.contains(line), "README excerpt: {line}");
    }
    let quoted_review = readme.split("# review.yaml, given after").nth(1).and_then(|s| s.split("```").next()).unwrap();
    assert!(review.contains(quoted_review.trim()), "README review:\n{quoted_review}");
    // `diff compose.yml refined.yaml`: the review loses the SPOFs `config` and `legacy-audit`.
    let before = blastmap_core::analyze(&load(&compose, None).unwrap().compiled, &Options::default());
    let spof = |r: &blastmap_core::report::Report, id: &str| r.spofs.iter().any(|s| s.component == id);
    assert!(spof(&before, "config") && spof(&before, "legacy-audit"));
    assert!(!spof(&report, "config") && !spof(&report, "legacy-audit"));
    assert!(!spof(&before, "otel-collector") && !spof(&report, "otel-collector"));
}
