//! Observed inputs: a trace export beside a design is read as what traces observed (not merged),
//! alone it is still a design; explicit `Role::Observed` in any format; positions that name their
//! input; and the comparisons the fixtures pin — a compose design with a Jaeger export, a
//! Kubernetes design with a namespaced service graph, and the corpus pair (a shape test: the
//! Jaeger export is not of the boutique).

use blastmap_core::observed::{Limits, MatchRule};
use blastmap_core::report::{analyze, FindingKind, Options, Severity};
use blastmap_core::Report;
use blastmap_import::{load_many, load_many_with, Format, Input, LoadOptions, Loaded, Role};

use super::*;

fn observed_fixture(name: &str) -> String {
    fixture(&format!("observed/{name}"))
}

/// The design's report, compared with what the loaded inputs observed.
fn compared(loaded: &Loaded) -> Report {
    let mut report = analyze(&loaded.compiled, &Options::default());
    let observation = loaded.observed.as_ref().expect("observed inputs");
    report.observe(&loaded.compiled, observation, &Limits::default());
    report
}

#[test]
fn a_trace_export_beside_a_design_is_observed_and_alone_is_the_design() {
    let compose = observed_fixture("shop-compose.yml");
    let jaeger = observed_fixture("shop-jaeger.json");
    let both = load_many(&[Input::new("compose.yml", &compose), Input::new("jaeger.json", &jaeger)], None).unwrap();
    assert_eq!(both.roles, [Role::Design, Role::Observed]);
    assert_eq!(both.formats, [Format::Compose, Format::Jaeger]);
    assert_eq!(both.compiled.written.topology.components.len(), 10, "the compose design alone");
    let observed = both.observed.as_ref().unwrap();
    assert_eq!(observed.calls.len(), 8);
    let first = &observed.calls[0];
    assert_eq!((first.from.as_str(), first.to.as_str(), first.count), ("loadgenerator", "frontend", Some(5012)));
    assert_eq!(first.pos.map(|p| (p.input, p.line)), Some((1, 2)), "positions name the observed input");

    // Given first, the trace export is observed all the same, and the design keeps its input index.
    let swapped = load_many(&[Input::new("jaeger.json", &jaeger), Input::new("compose.yml", &compose)], None).unwrap();
    assert_eq!(swapped.roles, [Role::Observed, Role::Design]);
    assert_eq!(swapped.format, Format::Compose);
    let pos = swapped.compiled.position_of("frontend").unwrap();
    assert_eq!((pos.input, pos.line), (1, 3));

    // Alone, or beside another trace export only, it is the design, as it always was.
    let alone = load_many(&[Input::new("jaeger.json", &jaeger)], None).unwrap();
    assert_eq!((alone.roles.as_slice(), alone.observed.is_none()), ([Role::Design].as_slice(), true));
    let prom = observed_fixture("shop-servicegraph.prom");
    let traces = load_many(&[Input::new("jaeger.json", &jaeger), Input::new("graph.prom", &prom)], None).unwrap();
    assert_eq!(traces.roles, [Role::Design, Role::Design]);
    // A native file after it refines it (an overlay), as it always did.
    let review = "components:\n  - id: frontend\n    critical: true\n";
    let refined = load_many(&[Input::new("jaeger.json", &jaeger), Input::new("review.yaml", review)], None).unwrap();
    assert_eq!(refined.roles, [Role::Design, Role::Overlay]);
    // Asked to, it is part of the design beside another (what `import` and `what-if` do).
    let merged = load_many(
        &[Input::new("compose.yml", &compose), Input::new("jaeger.json", &jaeger).with_role(Role::Design)],
        None,
    )
    .unwrap();
    assert_eq!(merged.roles, [Role::Design, Role::Design]);
    assert!(merged.observed.is_none());
    // The same with the option (the CLI's, which then detects each input once), in any order,
    // and a native file after the trace export still refines it.
    let options = LoadOptions { traces_as_design: true, ..LoadOptions::default() };
    let inputs = [Input::new("compose.yml", &compose), Input::new("jaeger.json", &jaeger)];
    let merged_too = load_many_with(&inputs, None, &options).unwrap();
    assert_eq!(merged_too.roles, [Role::Design, Role::Design]);
    assert!(merged_too.observed.is_none());
    assert_eq!(merged_too.compiled.written.topology, merged.compiled.written.topology);
    let swapped = [Input::new("jaeger.json", &jaeger), Input::new("compose.yml", &compose)];
    assert_eq!(load_many_with(&swapped, None, &options).unwrap().roles, [Role::Design, Role::Design]);
    let refined = [Input::new("jaeger.json", &jaeger), Input::new("review.yaml", review)];
    assert_eq!(load_many_with(&refined, None, &options).unwrap().roles, [Role::Design, Role::Overlay]);
}

#[test]
fn any_input_can_be_given_as_observed_and_says_what_it_does_not_read() {
    let design = "components:\n  - id: web\n    requires: [db]\n  - id: db\n";
    let traces = "components:\n  - id: web\n    requires: [db, auth]\n    monitored_by: [db]\n    region: eu\n  - id: db\n  - id: auth\n";
    let loaded = load_many(
        &[Input::new("design.yaml", design), Input::new("traces.yaml", traces).with_role(Role::Observed)],
        None,
    )
    .unwrap();
    assert_eq!(loaded.roles, [Role::Design, Role::Observed]);
    let calls: Vec<(&str, &str)> =
        loaded.observed.as_ref().unwrap().calls.iter().map(|c| (c.from.as_str(), c.to.as_str())).collect();
    assert_eq!(calls, [("web", "db"), ("web", "auth")]);
    let warnings: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["traces.yaml:warning: read as observed traces: only dependencies are calls; 2 `monitored_by`, `holds_credentials_for` and placement values are not read"]
    );
    // Nothing to compare with is an error that says so.
    let e = load_many(&[Input::new("traces.yaml", traces).with_role(Role::Observed)], None).unwrap_err();
    assert_eq!(e.file, "traces.yaml");
    assert!(e.to_string().contains("give the design to compare them with too"), "{e}");
}

#[test]
fn a_compose_design_and_a_jaeger_export_of_the_same_shop() {
    let compose = observed_fixture("shop-compose.yml");
    let jaeger = observed_fixture("shop-jaeger.json");
    let loaded = load_many(&[Input::new("compose.yml", &compose), Input::new("jaeger.json", &jaeger)], None).unwrap();
    let report = compared(&loaded);
    let o = report.observed.as_ref().unwrap();
    let rules: Vec<(&str, &str, MatchRule)> =
        o.matches.iter().map(|m| (m.observed.as_str(), m.component.as_str(), m.rule)).collect();
    assert_eq!(
        rules,
        [
            ("cartservice", "cart", MatchRule::Normalised),
            ("catalog", "catalog", MatchRule::Exact),
            ("checkoutservice", "checkout", MatchRule::Normalised),
            ("currency", "currency", MatchRule::Exact),
            ("frontend", "frontend", MatchRule::Exact),
            ("payment", "payment", MatchRule::Exact),
            ("redis", "redis", MatchRule::Exact),
        ]
    );
    assert_eq!(o.unmatched.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(), ["loadgenerator"]);
    assert_eq!(o.unobserved_components, ["ad"]);
    assert_eq!(o.not_compared, 1, "frontend → ad: ad is never observed");
    // The one hidden call: catalog's replicas call currency. As a requirement, currency would
    // take the storefront down and break catalog's two replicas.
    let hidden: Vec<_> = report.findings_of(FindingKind::HiddenDependency).collect();
    assert_eq!(hidden.len(), 1);
    assert_eq!(hidden[0].severity, Severity::High);
    assert_eq!(
        hidden[0].title,
        "hidden dependency: `catalog` calls `currency` at runtime but the design does not declare it; as a requirement it would make `currency` a single point of failure of `frontend`, and break the redundancy of `catalog` (`currency` alone would take it down)"
    );
    assert_eq!(o.hidden[0].calls, Some(5234));
    assert_eq!(o.hidden[0].observed_as, ["catalog → currency"]);
    // The declared edge never seen.
    let unobserved: Vec<&str> =
        report.findings_of(FindingKind::UnobservedDependency).map(|f| f.title.as_str()).collect();
    assert_eq!(unobserved, ["declared, never observed: `checkout` → `cart` (requires)"]);
    // Marks: one per declared edge between matched services (the replicas hold catalog's none),
    // and the hidden one.
    let marks: Vec<(&str, String)> = o
        .marks
        .iter()
        .map(|n| {
            let e = n.edge.as_ref().unwrap();
            (n.rule.as_str(), format!("{} → {}", e.from, e.to))
        })
        .collect();
    assert_eq!(
        marks,
        [
            ("observed.both", "frontend → cart".to_string()),
            ("observed.both", "frontend → catalog".to_string()),
            ("observed.both", "frontend → checkout".to_string()),
            ("observed.both", "cart → redis".to_string()),
            ("observed.only", "catalog → currency".to_string()),
            ("declared.only", "checkout → cart".to_string()),
            ("observed.both", "checkout → catalog".to_string()),
            ("observed.both", "checkout → payment".to_string()),
        ]
    );
    // The observed-only mark points at the call in the Jaeger export.
    let only = o.marks.iter().find(|n| n.rule == "observed.only").unwrap();
    assert_eq!(only.pos.map(|p| (p.input, p.line)), Some((1, 9)));
}

#[test]
fn a_kubernetes_design_and_a_service_graph_with_namespaced_names() {
    let k8s = observed_fixture("shop-k8s.yaml");
    let prom = observed_fixture("shop-servicegraph.prom");
    let loaded = load_many(&[Input::new("shop-k8s.yaml", &k8s), Input::new("graph.prom", &prom)], None).unwrap();
    assert_eq!(loaded.roles, [Role::Design, Role::Observed]);
    assert_eq!(loaded.formats, [Format::Kubernetes, Format::ServiceGraph]);
    let warnings: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["graph.prom:13:1: warning: 3 samples of other metrics are not read (`traces_service_graph_request_failed_total`, `traces_service_graph_request_server_seconds_bucket`, `traces_service_graph_request_server_seconds_count`): only `traces_service_graph_request_total` says who calls whom"]
    );
    let report = compared(&loaded);
    let o = report.observed.as_ref().unwrap();
    // `frontend.shop` and `cartservice.shop.svc.cluster.local` are the Services of namespace shop.
    let matched = |observed: &str| o.matches.iter().find(|m| m.observed == observed).map(|m| m.component.as_str());
    assert_eq!(matched("frontend.shop"), Some("shop/service/frontend"));
    assert_eq!(matched("cartservice.shop.svc.cluster.local"), Some("shop/service/cartservice"));
    assert_eq!(matched("cartservice.shop"), Some("shop/service/cartservice"));
    assert_eq!(matched("redis-cart.shop"), Some("shop/service/redis-cart"));
    assert!(o.matches.iter().all(|m| m.rule == MatchRule::Normalised));
    assert!(o.ambiguous.is_empty());
    let unmatched: Vec<&str> = o.unmatched.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(unmatched, ["shippingservice.shop.svc.cluster.local", "user"]);
    // Calls leave from the Deployment (its replicas hold the dependencies), arrive at the Service.
    let hidden: Vec<(&str, &str, Severity)> = report
        .findings_of(FindingKind::HiddenDependency)
        .zip(&o.hidden)
        .map(|(f, h)| (h.from.as_str(), h.to.as_str(), f.severity))
        .collect();
    assert_eq!(
        hidden,
        [
            ("shop/deployment/checkoutservice", "shippingservice.shop.svc.cluster.local", Severity::High),
            ("shop/deployment/frontend", "shop/service/currencyservice", Severity::Low),
        ]
    );
    assert!(!o.hidden[0].in_design);
    assert_eq!(o.hidden[0].effects.spofs[0].takes_down, ["shop/service/frontend"]);
    let unobserved: Vec<&str> =
        report.findings_of(FindingKind::UnobservedDependency).map(|f| f.title.as_str()).collect();
    assert_eq!(
        unobserved,
        ["declared, never observed: `shop/deployment/checkoutservice` → `shop/service/currencyservice` (requires)"]
    );
    // Every declared edge between services the graph names is compared; none is left out.
    assert_eq!(o.not_compared, 0);
}

#[test]
fn the_corpus_boutique_beside_a_jaeger_export_of_another_system() {
    let Some(dir) = corpus() else { return };
    // A shape test: the Jaeger export is of another system, so nothing matches and nothing is
    // invented — every observed name is listed as not in the design, every declared dependency
    // as not compared.
    let k8s = read(dir, "k8s-online-boutique.yaml");
    let jaeger = read(dir, "jaeger-dependencies-small.json");
    let loaded = load_many(&[Input::new("boutique.yaml", &k8s), Input::new("deps.json", &jaeger)], None).unwrap();
    assert_eq!(loaded.roles, [Role::Design, Role::Observed]);
    let report = compared(&loaded);
    let o = report.observed.as_ref().unwrap();
    assert_eq!((o.services, o.calls), (8, 7));
    assert!(o.matches.is_empty() && o.hidden.is_empty() && o.marks.is_empty());
    let unmatched: Vec<&str> = o.unmatched.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(
        unmatched,
        ["Service1", "Service2", "Service3", "Service4", "Service5", "Service6", "Service7", "Service8"]
    );
    assert_eq!(o.unmatched[0].calls, ["Service2", "Service3", "Service5"]);
    // 12 workloads (each one service with its Service), the shopping assistant's placeholder
    // and the frontend's external Service; 18 dependencies between them.
    assert_eq!(o.unobserved_components.len(), 14, "{:?}", o.unobserved_components);
    assert_eq!(o.not_compared, 18);
    assert!(report.findings_of(FindingKind::HiddenDependency).next().is_none());
    assert!(report.findings_of(FindingKind::UnobservedDependency).next().is_none());
}
