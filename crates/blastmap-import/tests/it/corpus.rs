//! The shared corpus: real exports written by others. Each test pins every component and every
//! edge the file must produce, counted by hand from the file (the counts in the comments), and
//! the warnings it must raise. Without the corpus beside the repository each test returns
//! early ([`corpus`] says so once); the fixtures in `fixtures.rs` cover every importer alone.

use blastmap_core::format::RefField;
use blastmap_core::note::{EdgeRef, NoteKind};
use blastmap_core::report::{FindingKind, Options};
use blastmap_import::{detect, load, Format, Loaded};

use super::*;

/// Imports a corpus file and checks it; `None` when there is no corpus.
fn check(file: &str, format: Format, components: usize, requires: usize, expected: &str) -> Option<Loaded> {
    let text = read(corpus()?, file);
    assert_eq!(detect(&text), format, "{file}: detected format");
    let loaded = load(&text, None).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_eq!(loaded.format, format);
    assert_eq!(render(&loaded), expected.trim(), "{file}: components and edges");
    assert_eq!(loaded.compiled.written.topology.components.len(), components, "{file}: components");
    assert_eq!(requires_edges(&loaded), requires, "{file}: requires edges");
    // Forcing the format gives the same result.
    let forced = load(&text, Some(format)).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_eq!(render(&forced), render(&loaded));
    Some(loaded)
}

#[test]
fn backstage_argocd() {
    // One Resource entity, no relations.
    let Some(loaded) = check(
        "backstage-argocd.yaml",
        Format::Backstage,
        1,
        0,
        r"
resource:argocd (identity-provider)
",
    ) else {
        return;
    };
    assert_eq!(loaded.warnings.len(), 0, "{:#?}", loaded.warnings);
}

#[test]
fn backstage_keycloak() {
    // One Resource entity, no relations.
    let Some(loaded) = check(
        "backstage-keycloak.yaml",
        Format::Backstage,
        1,
        0,
        r"
resource:keycloak (identity-provider)
",
    ) else {
        return;
    };
    assert_eq!(loaded.warnings.len(), 0, "{:#?}", loaded.warnings);
}

#[test]
fn backstage_showcase() {
    // One Component with five `dependsOn` resources, none defined in the file: five placeholders.
    let Some(loaded) = check(
        "backstage-showcase.yaml",
        Format::Backstage,
        6,
        5,
        r"
component:backstage-showcase (website) | req resource:pgdb resource:argocd resource:obc resource:keycloak resource:github
resource:argocd (unresolved)
resource:github (unresolved)
resource:keycloak (unresolved)
resource:obc (unresolved)
resource:pgdb (unresolved)
",
    ) else {
        return;
    };
    assert_eq!(loaded.warnings.len(), 5, "{:#?}", loaded.warnings);
    assert!(loaded.warnings.iter().all(|w| w.message.starts_with("unresolved reference") && w.pos.is_some()));
}

#[test]
fn compose_deathstarbench_socialnetwork() {
    // 27 services; 13 depend on jaeger-agent, 6 of those also on their own MongoDB: 19 edges,
    // of which the 13 on jaeger-agent (image `jaegertracing/all-in-one`) are read as
    // monitored_by: 6 `requires`.
    let Some(loaded) = check(
        "compose-deathstarbench-socialnetwork.yml",
        Format::Compose,
        27,
        6,
        r"
compose-post-service (service) | monitored jaeger-agent
home-timeline-redis (service)
home-timeline-service (service) | monitored jaeger-agent
jaeger-agent (service)
media-frontend (service) | monitored jaeger-agent
media-memcached (service)
media-mongodb (service)
media-service (service) | req media-mongodb | monitored jaeger-agent
nginx-thrift (service) | monitored jaeger-agent
post-storage-memcached (service)
post-storage-mongodb (service)
post-storage-service (service) | req post-storage-mongodb | monitored jaeger-agent
social-graph-mongodb (service)
social-graph-redis (service)
social-graph-service (service) | req social-graph-mongodb | monitored jaeger-agent
text-service (service) | monitored jaeger-agent
unique-id-service (service) | monitored jaeger-agent
url-shorten-memcached (service)
url-shorten-mongodb (service)
url-shorten-service (service) | req url-shorten-mongodb | monitored jaeger-agent
user-memcached (service)
user-mention-service (service) | monitored jaeger-agent
user-mongodb (service)
user-service (service) | req user-mongodb | monitored jaeger-agent
user-timeline-mongodb (service)
user-timeline-redis (service)
user-timeline-service (service) | req user-timeline-mongodb | monitored jaeger-agent
",
    ) else {
        return;
    };
    // Three services publish host ports; with entry points, the others are no longer targets.
    let shown: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(shown, ["56:9: warning: the entry points `post-storage-service`, `nginx-thrift`, `media-frontend` are the targets: `social-graph-service`, `social-graph-redis` and 15 more that nothing here depends on are no longer targets (the file does not say what calls them); write `target: true` or `critical: true` for them in an overlay to analyse them too"]);
}

#[test]
fn compose_eshoponcontainers() {
    // 21 services; depends_on lists of 1+3+2+2+2+1+1+7+7+7+2+2+1 = 38 entries.
    let Some(loaded) = check(
        "compose-eshoponcontainers.yml",
        Format::Compose,
        21,
        38,
        r"
basket-api (service) | req basketdata identity-api rabbitmq
basketdata (service)
catalog-api (service) | req sqldata rabbitmq
identity-api (service) | req sqldata
mobileshoppingagg (service) | req nosqldata sqldata identity-api rabbitmq ordering-api catalog-api basket-api
mobileshoppingapigw (service)
nosqldata (service)
ordering-api (service) | req sqldata rabbitmq
ordering-backgroundtasks (service) | req sqldata rabbitmq
ordering-signalrhub (service) | req nosqldata sqldata identity-api rabbitmq ordering-api catalog-api basket-api
payment-api (service) | req rabbitmq
rabbitmq (service)
seq (service)
sqldata (service)
webhooks-api (service) | req sqldata
webhooks-client (service) | req webhooks-api
webmvc (service) | req webshoppingagg webshoppingapigw
webshoppingagg (service) | req nosqldata sqldata identity-api rabbitmq ordering-api catalog-api basket-api
webshoppingapigw (service)
webspa (service) | req webshoppingagg webshoppingapigw
webstatus (service)
",
    ) else {
        return;
    };
    assert_eq!(loaded.warnings.len(), 0, "{:#?}", loaded.warnings);
}

#[test]
fn compose_opentelemetry_demo_2_2_0() {
    // 28 services; long-form depends_on maps of 2+2+3+9+1+1+2+11+5+1+2+2+3+4+1+3+1+2+1+2 = 58 entries,
    // of which 16 on otel-collector and frontend-proxy's on jaeger and grafana are read as
    // monitored_by, and frontend-proxy's on load-generator as degrades_without: 39 `requires`.
    let Some(loaded) = check(
        "compose-opentelemetry-demo-2.2.0.yml",
        Format::Compose,
        28,
        39,
        r"
accounting (service) | req kafka | monitored otel-collector
ad (service) | req flagd | monitored otel-collector
cart (service) | req valkey-cart flagd | monitored otel-collector
checkout (service) | req cart currency email payment product-catalog shipping kafka flagd | monitored otel-collector
currency (service) | monitored otel-collector
email (service) | monitored otel-collector
flagd (service)
flagd-ui (service) | req flagd | monitored otel-collector
fraud-detection (service) | req kafka | monitored otel-collector
frontend (service) | req ad cart checkout currency product-catalog quote recommendation shipping image-provider flagd | monitored otel-collector
frontend-proxy (service) | req frontend flagd-ui | soft load-generator | monitored jaeger grafana
grafana (service)
image-provider (service) | monitored otel-collector
jaeger (service)
kafka (service)
llm (service) | req flagd
load-generator (service) | req frontend flagd
opensearch (service)
otel-collector (service) | req jaeger opensearch
payment (service) | req flagd | monitored otel-collector
postgresql (service)
product-catalog (service) | req flagd postgresql | monitored otel-collector
product-reviews (service) | req product-catalog llm postgresql | monitored otel-collector
prometheus (service)
quote (service) | monitored otel-collector
recommendation (service) | req product-catalog flagd | monitored otel-collector
shipping (service) | monitored otel-collector
valkey-cart (service)
",
    ) else {
        return;
    };
    let shown: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(shown, ["344:9: warning: the entry point `frontend-proxy` is the target: `accounting`, `fraud-detection` and 1 more that nothing here depends on are no longer targets (the file does not say what calls them); write `target: true` or `critical: true` for them in an overlay to analyse them too"]);
}

#[test]
fn jaeger_dependencies_small() {
    // 7 links between 8 services.
    let Some(loaded) = check(
        "jaeger-dependencies-small.json",
        Format::Jaeger,
        8,
        7,
        r"
Service1 (service) | req Service2 Service3 Service5
Service2 (service) | req Service4
Service3 (service) | req Service7
Service4 (service)
Service5 (service)
Service6 (service) | req Service1
Service7 (service)
Service8 (service) | req Service6
",
    ) else {
        return;
    };
    assert_eq!(loaded.warnings.len(), 0, "{:#?}", loaded.warnings);
}

#[test]
fn k8s_online_boutique() {
    // 12 Deployments, 12 Services (frontend and frontend-external select the same pods), 11
    // ServiceAccounts (no component), and one env reference to a Service not in the file
    // (shoppingassistantservice): 25 components. Edges: 8 + 1 + 1 + 1 + 6 env references, 12
    // Service selectors: 29.
    let Some(loaded) = check(
        "k8s-online-boutique.yaml",
        Format::Kubernetes,
        25,
        29,
        r"
deployment/adservice (deployment)
deployment/cartservice (deployment) | req service/redis-cart
deployment/checkoutservice (deployment) | req service/productcatalogservice service/shippingservice service/paymentservice service/emailservice service/currencyservice service/cartservice
deployment/currencyservice (deployment)
deployment/emailservice (deployment)
deployment/frontend (deployment) | req service/productcatalogservice service/currencyservice service/cartservice service/recommendationservice service/shippingservice service/checkoutservice service/adservice service/shoppingassistantservice
deployment/loadgenerator (deployment) | req service/frontend
deployment/paymentservice (deployment)
deployment/productcatalogservice (deployment)
deployment/recommendationservice (deployment) | req service/productcatalogservice
deployment/redis-cart (deployment)
deployment/shippingservice (deployment)
service/adservice (service) | req deployment/adservice
service/cartservice (service) | req deployment/cartservice
service/checkoutservice (service) | req deployment/checkoutservice
service/currencyservice (service) | req deployment/currencyservice
service/emailservice (service) | req deployment/emailservice
service/frontend (service) | req deployment/frontend
service/frontend-external (service) | req deployment/frontend
service/paymentservice (service) | req deployment/paymentservice
service/productcatalogservice (service) | req deployment/productcatalogservice
service/recommendationservice (service) | req deployment/recommendationservice
service/redis-cart (service) | req deployment/redis-cart
service/shippingservice (service) | req deployment/shippingservice
service/shoppingassistantservice (unresolved)
",
    ) else {
        return;
    };
    assert_eq!(loaded.warnings.len(), 1, "{:#?}", loaded.warnings);
    assert!(loaded.warnings.iter().all(|w| w.message.starts_with("unresolved reference") && w.pos.is_some()));
}

#[test]
fn tailscale_status() {
    // Self and one peer (the exit node in use) of one tailnet, one DERP region, the tailnet's
    // unknown shard; expanded: each node's paths (the peer has no endpoint: no direct path), the
    // tailnet's admin actions and its exit-node group.
    let Some(loaded) = check(
        "tailscale-status.json",
        Format::Tailscale,
        2,
        0,
        r"
coordination:example.tailnet (coordination-shard)
derp:test (derp-region)
example-device (node) | start coordination:example.tailnet | soft example-peer
example-device/direct (direct-path)
example-device/paths (paths) | req example-device/direct derp:test | need 1
example-peer (node) | start coordination:example.tailnet
example-peer/paths (paths) | req derp:test | need 1
example.tailnet/admin (admin-actions) | req coordination:example.tailnet
example.tailnet/exit (exit-nodes) | req example-peer | need 1
",
    ) else {
        return;
    };
    let w: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(w.len(), 2, "{w:#?}");
    assert!(
        w[0].starts_with("11:11: warning: status of `example-device` (tailnet example.tailnet): sees 2 of the 2 nodes"),
        "{w:#?}"
    );
    assert!(
        w[1].starts_with("77:21: warning: the coordination shard of tailnet `example.tailnet` is not in the export"),
        "{w:#?}"
    );
}

#[test]
fn terraform_graph_aws_complete_infra() {
    // 15 declared nodes and 23 `->` lines (Terraform 1.7+ compact form).
    let Some(loaded) = check(
        "terraform-graph-aws-complete-infra.dot",
        Format::Dot,
        15,
        23,
        r"
aws_efs_file_system.efs (aws_efs_file_system)
aws_efs_mount_target.efs_mounts (aws_efs_mount_target) | req aws_efs_file_system.efs aws_security_group.efs_sg aws_subnet.subnet_1 aws_subnet.subnet_2
aws_instance.ec2_instances (aws_instance) | req aws_security_group.ec2_sg aws_subnet.subnet_1 aws_subnet.subnet_2
aws_internet_gateway.igw (aws_internet_gateway) | req aws_vpc.main
aws_lb.alb (aws_lb) | req aws_security_group.alb_sg aws_subnet.subnet_1 aws_subnet.subnet_2
aws_lb.nlb (aws_lb) | req aws_subnet.subnet_1 aws_subnet.subnet_2
aws_route_table.public_rt (aws_route_table) | req aws_internet_gateway.igw
aws_route_table_association.a (aws_route_table_association) | req aws_route_table.public_rt aws_subnet.subnet_1
aws_route_table_association.b (aws_route_table_association) | req aws_route_table.public_rt aws_subnet.subnet_2
aws_security_group.alb_sg (aws_security_group) | req aws_vpc.main
aws_security_group.ec2_sg (aws_security_group) | req aws_security_group.alb_sg
aws_security_group.efs_sg (aws_security_group) | req aws_security_group.ec2_sg
aws_subnet.subnet_1 (aws_subnet) | req aws_vpc.main
aws_subnet.subnet_2 (aws_subnet) | req aws_vpc.main
aws_vpc.main (aws_vpc)
",
    ) else {
        return;
    };
    assert_eq!(loaded.warnings.len(), 0, "{:#?}", loaded.warnings);
}

#[test]
fn terraform_plan_basic() {
    // 8 planned instances (null_resource.baz has count 3); configuration references:
    // bar -> foo, baz[0..2] -> foo, data.baz -> foo and bar: 6 edges. Utility provider `null`: no placement.
    let Some(loaded) = check(
        "terraform-plan-basic.json",
        Format::Terraform,
        8,
        6,
        r"
data.null_data_source.baz (null_data_source) | req null_resource.foo null_resource.bar
module.foo.null_resource.aliased (null_resource)
module.foo.null_resource.foo (null_resource)
null_resource.bar (null_resource) | req null_resource.foo
null_resource.baz[0] (null_resource) | req null_resource.foo
null_resource.baz[1] (null_resource) | req null_resource.foo
null_resource.baz[2] (null_resource) | req null_resource.foo
null_resource.foo (null_resource)
",
    ) else {
        return;
    };
    assert_eq!(loaded.warnings.len(), 0, "{:#?}", loaded.warnings);
}

#[test]
fn terraform_state_multi_module() {
    // 3 resources in 3 modules; nodes depends on cluster and the placement group; provider scaleway.
    let Some(loaded) = check(
        "terraform-state-multi-module.json",
        Format::Terraform,
        3,
        2,
        r"
module.kapsule.scaleway_k8s_cluster_beta.cluster (scaleway_k8s_cluster_beta) | provider=scaleway
module.node_pool.scaleway_k8s_pool_beta.nodes (scaleway_k8s_pool_beta) | req module.kapsule.scaleway_k8s_cluster_beta.cluster scaleway_instance_placement_group.infra | provider=scaleway
scaleway_instance_placement_group.infra (scaleway_instance_placement_group) | provider=scaleway
",
    ) else {
        return;
    };
    assert_eq!(loaded.warnings.len(), 0, "{:#?}", loaded.warnings);
}

#[test]
fn unresolved_placeholders_are_labelled_and_positioned() {
    let Some(dir) = corpus() else { return };
    let loaded = load(&read(dir, "backstage-showcase.yaml"), None).unwrap();
    let pgdb = component(&loaded, "resource:pgdb");
    assert_eq!(pgdb.labels.get("unresolved").map(String::as_str), Some("true"));
    let lines: Vec<u32> = loaded.warnings.iter().filter_map(|w| w.pos).map(|p| p.line).collect();
    assert_eq!(lines, [31, 32, 33, 34, 35]);
    let k8s = load(&read(dir, "k8s-online-boutique.yaml"), None).unwrap();
    assert_eq!(k8s.warnings[0].pos.map(|p| (p.line, p.column)), Some((90, 20)));
    assert!(k8s.warnings[0].message.contains("service/shoppingassistantservice"));
}

#[test]
fn compose_conditions_are_kept_as_labels() {
    let Some(dir) = corpus() else { return };
    let loaded = load(&read(dir, "compose-opentelemetry-demo-2.2.0.yml"), None).unwrap();
    let accounting = component(&loaded, "accounting");
    assert_eq!(accounting.labels.get("depends_on.kafka").map(String::as_str), Some("service_healthy"));
    assert_eq!(accounting.labels.get("depends_on.otel-collector").map(String::as_str), Some("service_started"));
}

#[test]
fn tailscale_labels_and_mesh_fields() {
    let Some(dir) = corpus() else { return };
    let loaded = load(&read(dir, "tailscale-status.json"), None).unwrap();
    let me = component(&loaded, "example-device");
    let label = |c: &blastmap_core::Component, k: &str| c.labels.get(k).cloned().unwrap_or_default();
    assert_eq!(label(me, "self"), "true");
    assert_eq!(label(me, "tailscale_ips"), "100.64.0.1,fd7a:115c:a1e0:ab12:4843:cd96:6200:0001");
    assert_eq!(label(me, "user"), "user@example.com");
    assert_eq!(label(me, "exit_node_in_use"), "example-peer");
    assert_eq!(me.tailnet.as_deref(), Some("example.tailnet"));
    assert_eq!(me.relays, ["derp:test"]);
    assert_eq!(me.direct, None);
    let peer = component(&loaded, "example-peer");
    assert!(peer.exit_node);
    assert_eq!(peer.direct, Some(false));
    assert!(peer.routes.is_empty(), "the exit routes are not subnet routes: {:?}", peer.routes);
    let t = &loaded.compiled.written.topology;
    assert_eq!(t.tailnets.len(), 1);
    assert_eq!(t.tailnets[0].shard, "coordination:example.tailnet");
    assert_eq!(t.relays.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["derp:test"]);
}

#[test]
fn hujson_policy_is_not_a_topology_and_says_where() {
    // Detected as a policy; alone it is not a topology: the error points at its first key.
    let Some(dir) = corpus() else { return };
    let text = read(dir, "tailscale-policy-k8s-operator.hujson");
    assert_eq!(detect(&text), Format::TailscalePolicy);
    let err = load(&text, None).unwrap_err();
    let e = err.first().unwrap();
    assert_eq!(e.pos.map(|p| (p.line, p.column)), Some((4, 2)), "{err}");
    assert!(e.message.contains("not a topology"), "{err}");
}

#[test]
fn every_corpus_file_is_pinned() {
    let Some(dir) = corpus() else { return };
    let pinned = [
        "backstage-argocd.yaml",
        "backstage-keycloak.yaml",
        "backstage-showcase.yaml",
        "compose-deathstarbench-socialnetwork.yml",
        "compose-eshoponcontainers.yml",
        "compose-opentelemetry-demo-2.2.0.yml",
        "jaeger-dependencies-small.json",
        "k8s-online-boutique.yaml",
        "tailscale-policy-k8s-operator.hujson",
        "tailscale-status.json",
        "terraform-graph-aws-complete-infra.dot",
        "terraform-plan-basic.json",
        "terraform-state-multi-module.json",
    ];
    assert_eq!(corpus_files(dir), pinned, "a corpus file was added or removed: pin it here");
}

// The inference rules on the corpus (`src/infer.rs`): what the reports say, as the architect
// reads them.

/// The targets of a loaded topology, by name.
fn targets(loaded: &Loaded) -> Vec<blastmap_core::Name> {
    let model = &loaded.compiled.model;
    model.names(model.targets())
}

#[test]
fn opentelemetry_demo_telemetry_blinds_the_shop_it_does_not_stop_it() {
    let Some(dir) = corpus() else { return };
    let text = read(dir, "compose-opentelemetry-demo-2.2.0.yml");
    let loaded = load(&text, None).unwrap();
    let report = blastmap_core::analyze(&loaded.compiled, &Options::default());
    let telemetry = ["otel-collector", "jaeger", "opensearch"];
    // Not single points of failure of the shop...
    assert!(!report.spofs.iter().any(|s| telemetry.contains(&s.component.as_str())), "{:#?}", report.spofs);
    assert!(!report.findings.iter().any(|f| f.kind == FindingKind::Spof && telemetry.contains(&f.subject.as_str())));
    // ...but failures that blind it: each leaves the 16 services the collector watches unobserved.
    let mut blinding: Vec<(&str, usize)> =
        report.blindings.iter().map(|b| (b.failure.as_str(), b.blinded_count)).collect();
    blinding.sort_unstable();
    assert_eq!(blinding, [("jaeger", 16), ("opensearch", 16), ("otel-collector", 16)]);
    for t in telemetry {
        assert!(report.findings.iter().any(|f| f.kind == FindingKind::Blinding && f.subject == t), "{t}");
    }
    // The one published entry point is the target; the load generator and telemetry are not.
    assert_eq!(targets(&loaded), ["frontend-proxy"]);
    for id in ["load-generator", "otel-collector", "jaeger", "grafana", "prometheus", "opensearch"] {
        assert_eq!(component(&loaded, id).target, Some(false), "{id}");
    }
    assert_eq!(component(&loaded, "frontend-proxy").degrades_without, ["load-generator"]);
    // The real dependencies stay: kafka still takes the shop down.
    assert!(report.spofs.iter().any(|s| s.component == "kafka" && s.takes_down == ["frontend-proxy"]));

    // One note per component per rule, then one per changed edge, each where its evidence is.
    let notes = &loaded.compiled.written.notes;
    assert!(notes.iter().all(|n| n.kind == NoteKind::Inferred));
    let summary: Vec<(&str, &str)> =
        notes.iter().filter(|n| n.edge.is_none()).map(|n| (n.rule.as_str(), n.subject.as_str())).collect();
    assert_eq!(
        summary,
        [
            ("entry-point", "frontend-proxy"),
            ("load-generator", "load-generator"),
            ("telemetry-sink", "jaeger"),
            ("telemetry-sink", "grafana"),
            ("telemetry-sink", "otel-collector"),
            ("telemetry-sink", "prometheus"),
            ("telemetry-backend", "opensearch"),
        ]
    );
    let line = |needle: &str| text.lines().position(|l| l.contains(needle)).map(|i| i as u32 + 1);
    let collector = notes.iter().find(|n| n.subject == "otel-collector" && n.edge.is_none()).unwrap();
    assert_eq!(
        collector.message,
        "`otel-collector`: a telemetry sink (image `${COLLECTOR_CONTRIB_IMAGE}`): not a target; `accounting`, `ad` and 14 more: `depends_on: otel-collector` read as monitored_by"
    );
    assert_eq!(collector.pos.map(|p| p.line), line("image: ${COLLECTOR_CONTRIB_IMAGE}"));
    let opensearch = notes.iter().find(|n| n.subject == "opensearch").unwrap();
    assert_eq!(
        opensearch.message,
        "`opensearch`: part of the telemetry pipeline (only telemetry depends on it: `otel-collector`): not a target"
    );
    let proxy = notes.iter().find(|n| n.rule == "entry-point").unwrap();
    assert_eq!(proxy.pos.map(|p| (p.line, p.column)), line("\"${ENVOY_PORT}:${ENVOY_PORT}\"").map(|l| (l, 9)));
    let edges: Vec<&blastmap_core::note::Note> =
        notes.iter().filter(|n| n.edge.as_ref().is_some_and(|e| e.to == "otel-collector")).collect();
    assert_eq!(edges.len(), 16);
    let first = edges[0];
    assert_eq!(
        first.edge,
        Some(EdgeRef {
            from: "accounting".into(),
            to: "otel-collector".into(),
            field: Some(RefField::MonitoredBy),
            was: Some(RefField::Requires)
        })
    );
    // At accounting's `otel-collector:` key under `depends_on`.
    assert_eq!(first.pos.map(|p| (p.line, p.column)), Some((43, 7)));
    assert_eq!(first.rule, "telemetry-sink");
}

#[test]
fn online_boutique_serves_through_frontend_external_not_the_load_generator() {
    let Some(dir) = corpus() else { return };
    let loaded = load(&read(dir, "k8s-online-boutique.yaml"), None).unwrap();
    assert_eq!(targets(&loaded), ["service/frontend-external"]);
    assert_eq!(component(&loaded, "deployment/loadgenerator").target, Some(false));
    let notes = &loaded.compiled.written.notes;
    let entry = notes.iter().find(|n| n.rule == "entry-point").unwrap();
    assert_eq!(entry.subject, "service/frontend-external");
    assert_eq!(
        entry.message,
        "`service/frontend-external`: an entry point (it is a Service of type LoadBalancer): a target"
    );
    assert_eq!(entry.pos.map(|p| (p.line, p.column)), Some((136, 9)));
    let load = notes.iter().find(|n| n.rule == "load-generator").unwrap();
    assert_eq!(load.subject, "deployment/loadgenerator");
    let report = blastmap_core::analyze(&loaded.compiled, &Options::default());
    assert!(report.spofs.iter().all(|s| s.takes_down == ["service/frontend-external"]), "{:#?}", report.spofs);
    assert!(report.spofs.iter().any(|s| s.component == "deployment/redis-cart"));
}

#[test]
fn eshop_sqldata_stays_the_top_single_point_of_failure() {
    let Some(dir) = corpus() else { return };
    let loaded = load(&read(dir, "compose-eshoponcontainers.yml"), None).unwrap();
    let report = blastmap_core::analyze(&loaded.compiled, &Options::default());
    assert_eq!(report.spofs.first().map(|s| (s.component.as_str(), s.takes_down_count)), Some(("sqldata", 6)));
    assert_eq!(report.criticality.first().map(|c| c.component.as_str()), Some("sqldata"));
    // `seq` (image `datalust/seq`) is a log sink nothing depends on: no longer a target.
    assert_eq!(component(&loaded, "seq").target, Some(false));
    assert_eq!(targets(&loaded).len(), 9);
    // No published ports: no entry points, the targets are what nothing depends on.
    assert!(loaded.compiled.written.notes.iter().all(|n| n.rule != "entry-point"));
}

#[test]
fn the_corpus_policy_checked_against_the_corpus_status() {
    // The k8s operator's policy over the sanitized status export: its warnings, and a reach that
    // says what the export lets it say (no node carries the policy's tags).
    let Some(dir) = corpus() else { return };
    let (status, text) = (read(dir, "tailscale-status.json"), read(dir, "tailscale-policy-k8s-operator.hujson"));
    let inputs = [
        blastmap_import::Input::new("tailscale-status.json", &status),
        blastmap_import::Input::new("tailscale-policy-k8s-operator.hujson", &text),
    ];
    let mut loaded = blastmap_import::load_many(&inputs, None).unwrap_or_else(|e| panic!("{e}"));
    let policy_warnings: Vec<String> = loaded
        .warnings
        .iter()
        .filter(|w| w.file.as_deref() == Some("tailscale-policy-k8s-operator.hujson"))
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        policy_warnings,
        ["tailscale-policy-k8s-operator.hujson:15:3: warning: `autoApprovers.services` is not modelled (Tailscale Services are not in the export)"]
    );
    let (sections, warnings) = blastmap_import::policy::enforce(&mut loaded);
    assert!(warnings.is_empty(), "one tailnet: no choice to say: {warnings:#?}");
    let [s] = sections.as_slice() else { panic!("{sections:#?}") };
    assert_eq!((s.tailnet.as_str(), s.nodes), ("example.tailnet", 2));
    let principals: Vec<(&str, usize)> = s.principals.iter().map(|p| (p.principal.as_str(), p.reaches_count)).collect();
    assert_eq!(
        principals,
        [
            ("tag:k8s", 0),
            ("tag:k8s-operator", 0),
            ("tag:k8s-recorder", 0),
            ("user@example.com", 0),
            ("example-device", 0),
            ("example-peer", 0)
        ]
    );
    let titles: Vec<&str> = s.findings.iter().map(|f| f.title.as_str()).collect();
    assert_eq!(
        titles,
        ["a compromised node tagged `tag:k8s-operator` can apply `tag:k8s`, whose nodes get routes in 10.0.0.0/8 approved without an admin: it can re-route any subnet in 10.0.0.0/8"]
    );
    assert!(s.relays.is_empty());
}
