//! Replica groups over the cap: the model keeps the group's tolerance, so the analyses conclude
//! what they would on the real group; PodDisruptionBudgets and their edge cases.

use blastmap_core::report::{analyze, Options, Report};
use blastmap_import::{load, Format, Loaded};

use super::*;

/// A Deployment `web` with `replicas` and, when given, a PodDisruptionBudget `budget:` line
/// (`minAvailable: 90`, ...), optionally spread over `zones`.
fn deployment(replicas: &str, budget: Option<&str>, zones: &[&str]) -> String {
    let mut s = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers: [{{name: web, image: web}}]\n"
    );
    if !zones.is_empty() {
        s.push_str(&format!(
            "      affinity:\n        nodeAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n            nodeSelectorTerms:\n              - matchExpressions:\n                  - {{key: topology.kubernetes.io/zone, operator: In, values: [{}]}}\n      topologySpreadConstraints:\n        - {{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule}}\n",
            zones.join(", ")
        ));
    }
    if let Some(b) = budget {
        s.push_str(&format!(
            "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  {b}\n  selector:\n    matchLabels: {{app: web}}\n"
        ));
    }
    s
}

fn k8s(text: &str) -> Loaded {
    load(text, Some(Format::Kubernetes)).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn messages(loaded: &Loaded) -> Vec<String> {
    loaded.warnings.iter().map(ToString::to_string).collect()
}

/// The group's `need` and member count, and its redundancy entry's declared and actual tolerance
/// (the smallest set of failures that takes it down, less one).
fn group(loaded: &Loaded, report: &Report, id: &str) -> (u32, usize, u32, u32) {
    let c = component(loaded, id);
    let members = c.requires.iter().filter(|r| r.starts_with(&format!("{id}#"))).count();
    let entry = report
        .redundancy
        .iter()
        .find(|r| r.component == id)
        .unwrap_or_else(|| panic!("no redundancy entry for `{id}`: {:#?}", report.redundancy));
    (c.need.unwrap(), members, entry.declared_tolerance, entry.actual_tolerance)
}

/// No single point of failure is a replica of `id`.
fn no_replica_spof(report: &Report, id: &str) {
    let replicas: Vec<&str> =
        report.spofs.iter().map(|s| s.component.as_str()).filter(|c| c.starts_with(&format!("{id}#"))).collect();
    assert!(replicas.is_empty(), "replicas reported as single points of failure: {replicas:?}");
}

#[test]
fn a_budget_over_the_cap_keeps_its_tolerance() {
    let cases = [
        ("maxUnavailable: 10", "allows 10 unavailable (PodDisruptionBudget `web`)"),
        ("minAvailable: 90", "needs 90 available (PodDisruptionBudget `web`)"),
        ("minAvailable: 90%", "needs 90% available, 90 of 100 (PodDisruptionBudget `web`)"),
        ("maxUnavailable: \"10%\"", "allows 10% unavailable, 10 of 100 (PodDisruptionBudget `web`)"),
    ];
    for (budget, said) in cases {
        let loaded = k8s(&deployment("100", Some(budget), &[]));
        let report = analyze(&loaded.compiled, &Options::default());
        assert_eq!(group(&loaded, &report, "deployment/web"), (54, 64, 10, 10), "{budget}");
        assert!(report.findings.is_empty(), "{budget}: {:#?}", report.findings);
        no_replica_spof(&report, "deployment/web");
        let web = component(&loaded, "deployment/web");
        assert_eq!(web.labels.get("replicas").map(String::as_str), Some("100"));
        assert_eq!(web.labels.get("need").map(String::as_str), Some("90"));
        assert_eq!(web.labels.get("pdb").map(String::as_str), Some("web"));
        assert_eq!(
            messages(&loaded),
            [format!(
                "6:13: warning: `deployment/web` has 100 replicas and {said}: modelled as 54 of 64 members, which keeps its tolerance of 10 failures"
            )],
            "{budget}"
        );
    }
}

#[test]
fn without_a_budget_a_large_group_needs_one_of_the_cap() {
    let loaded = k8s(&deployment("100", None, &[]));
    let report = analyze(&loaded.compiled, &Options::default());
    assert_eq!(group(&loaded, &report, "deployment/web"), (1, 64, 63, 63));
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(
        messages(&loaded),
        ["6:13: warning: `deployment/web` has 100 replicas and needs 1 of them up: modelled as 1 of 64 members, which tolerate 63 member failures instead of 99 (both far beyond any failure set the analyses search)"]
    );
}

#[test]
fn compose_replicas_over_the_cap() {
    let text = "services:\n  web:\n    image: web\n    depends_on: [db]\n    deploy:\n      replicas: 200\n  db:\n    image: postgres\n";
    let loaded = load(text, Some(Format::Compose)).unwrap();
    let report = analyze(&loaded.compiled, &Options::default());
    // `db`, which every replica needs, takes the group down alone.
    assert_eq!(group(&loaded, &report, "web"), (1, 64, 63, 0));
    no_replica_spof(&report, "web");
    // The dependency every replica shares is still what takes the group down.
    let db = report.spofs.iter().find(|s| s.component == "db").expect("db is a single point of failure");
    assert!(db.takes_down.iter().any(|t| t == "web"), "{db:?}");
    assert_eq!(component(&loaded, "web#64").requires, ["db"]);
    assert_eq!(component(&loaded, "web").labels.get("replicas").map(String::as_str), Some("200"));
    assert_eq!(
        messages(&loaded),
        ["6:17: warning: `web` has 200 replicas and needs 1 of them up: modelled as 1 of 64 members, which tolerate 63 member failures instead of 199 (both far beyond any failure set the analyses search)"]
    );
    // `scale` is read the same way.
    let scaled = load("services:\n  web:\n    scale: 200\n", Some(Format::Compose)).unwrap();
    assert_eq!(component(&scaled, "web").need, Some(1));
    assert_eq!(component(&scaled, "web").requires.len(), 64);
}

#[test]
fn a_spread_group_keeps_what_a_zone_failure_takes() {
    // 100 replicas over three zones (34/33/33) tolerate 10 failures: losing any zone takes the
    // real group down. Modelled with 11 per zone and need 23, a zone is still a single point of
    // failure, and no replica is.
    let loaded = k8s(&deployment("100", Some("maxUnavailable: 10"), &["a", "b", "c"]));
    let report = analyze(&loaded.compiled, &Options::default());
    assert_eq!(group(&loaded, &report, "deployment/web"), (23, 33, 10, 0));
    no_replica_spof(&report, "deployment/web");
    for zone in ["zone:a", "zone:b", "zone:c"] {
        assert!(report.spofs.iter().any(|s| s.component == zone), "{zone}: {:#?}", report.spofs);
    }
    let in_zone_a =
        loaded.compiled.written.topology.components.iter().filter(|c| c.zone.as_deref() == Some("a")).count();
    assert_eq!(in_zone_a, 11);
    assert_eq!(
        messages(&loaded),
        ["6:13: warning: `deployment/web` has 100 replicas over 3 zones (34/33/33 per zone) and allows 10 unavailable (PodDisruptionBudget `web`): modelled as 23 of 33 members (11/11/11 per zone), which keeps its tolerance of 10 failures and what losing any of its zones takes down"]
    );

    // Tolerating 40 over two zones of 50: losing a zone takes the group down. Kept with 41 per
    // zone (at most 64 per zone when the tolerance is under 64).
    let loaded = k8s(&deployment("100", Some("maxUnavailable: 40"), &["a", "b"]));
    let report = analyze(&loaded.compiled, &Options::default());
    assert_eq!(group(&loaded, &report, "deployment/web"), (42, 82, 40, 0));
    assert!(report.spofs.iter().any(|s| s.component == "zone:a"), "{:#?}", report.spofs);
    no_replica_spof(&report, "deployment/web");

    // 300 replicas needing 198 over three zones: losing a zone leaves two failures to spare, so
    // two zones (the smallest killing set), or a zone and three replicas, take it down. The model
    // keeps both with 63 members.
    let loaded = k8s(&deployment("300", Some("minAvailable: 198"), &["a", "b", "c"]));
    let report = analyze(&loaded.compiled, &Options::default());
    assert_eq!(group(&loaded, &report, "deployment/web"), (40, 63, 23, 1));
    no_replica_spof(&report, "deployment/web");
    assert_eq!(
        messages(&loaded),
        ["6:13: warning: `deployment/web` has 300 replicas over 3 zones (100/100/100 per zone) and needs 198 available (PodDisruptionBudget `web`): modelled as 40 of 63 members (21/21/21 per zone), which tolerate 23 member failures instead of 102 (both beyond any failure set the analyses search) and keep what losing any of its zones, with up to 8 more replica failures, takes down"]
    );
}

#[test]
fn budgets_within_the_cap() {
    // minAvailable above the replica count: every eviction is blocked; the group needs them all.
    let loaded = k8s(&deployment("3", Some("minAvailable: 5"), &[]));
    assert_eq!(component(&loaded, "deployment/web").need, Some(3));
    assert_eq!(
        messages(&loaded),
        ["18:17: warning: PodDisruptionBudget `web` needs 5 replicas of `deployment/web` available, more than its 3: it blocks every voluntary eviction (a node drain waits forever); modelled as needing all 3 of its replicas"]
    );
    // maxUnavailable 0 blocks evictions too.
    let loaded = k8s(&deployment("3", Some("maxUnavailable: 0"), &[]));
    assert_eq!(component(&loaded, "deployment/web").need, Some(3));
    assert!(messages(&loaded)[0].contains("allows no replica of `deployment/web` to be unavailable"));
    // Both fields: Kubernetes refuses the budget; minAvailable is read, and it is said.
    let loaded = k8s(&deployment("3", Some("minAvailable: 2\n  maxUnavailable: 2"), &[]));
    assert_eq!(component(&loaded, "deployment/web").need, Some(2));
    assert_eq!(
        messages(&loaded),
        ["19:19: warning: PodDisruptionBudget `web` sets both `minAvailable` and `maxUnavailable` (Kubernetes refuses such a budget): `minAvailable` is read"]
    );
    // A budget allowing everything: the default need of one.
    let loaded = k8s(&deployment("3", Some("maxUnavailable: 100%"), &[]));
    assert_eq!(component(&loaded, "deployment/web").need, Some(1));
    assert!(messages(&loaded)[0].contains("allows every replica of `deployment/web` to be unavailable"));
    // Percentages round up, as Kubernetes does: 50% of 3 is 2.
    let loaded = k8s(&deployment("3", Some("minAvailable: 50%"), &[]));
    assert_eq!(component(&loaded, "deployment/web").need, Some(2));
    assert!(loaded.warnings.is_empty(), "{:#?}", loaded.warnings);
    // Not a count or a percentage Kubernetes accepts.
    for bad in ["minAvailable: 150%", "minAvailable: many", "maxUnavailable: -1"] {
        let loaded = k8s(&deployment("3", Some(bad), &[]));
        assert_eq!(component(&loaded, "deployment/web").need, Some(1), "{bad}");
        let w = messages(&loaded);
        assert!(w.len() == 1 && w[0].contains("expected a whole number or a percentage"), "{bad}: {w:#?}");
    }
}

#[test]
fn a_budget_on_one_replica() {
    // One replica: no group. A budget that needs it blocks every eviction, and says so.
    let loaded = k8s(&deployment("1", Some("minAvailable: 1"), &[]));
    let web = component(&loaded, "deployment/web");
    assert_eq!((web.kind.as_deref(), web.need, web.requires.len()), (Some("deployment"), None, 0));
    assert_eq!(web.labels.get("pdb").map(String::as_str), Some("web"));
    assert_eq!(
        messages(&loaded),
        ["18:17: warning: PodDisruptionBudget `web` allows no replica of `deployment/web` to be unavailable: it blocks every voluntary eviction (a node drain waits forever); modelled as needing its one replica"]
    );
    let loaded = k8s(&deployment("1", Some("maxUnavailable: 1"), &[]));
    assert!(loaded.warnings.is_empty(), "{:#?}", loaded.warnings);
    assert_eq!(component(&loaded, "deployment/web").need, None);
}

#[test]
fn budgets_that_select_oddly() {
    let two = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  replicas: 4\n  template:\n    metadata: {labels: {tier: web, app: a}}\n    spec: {containers: [{name: a, image: a}]}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b}\nspec:\n  replicas: 4\n  template:\n    metadata: {labels: {tier: web, app: b}}\n    spec: {containers: [{name: b, image: b}]}\n";
    // A count over two workloads says nothing of each: not mapped, and said.
    let count = format!("{two}---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: web}}\nspec:\n  minAvailable: 6\n  selector: {{matchLabels: {{tier: web}}}}\n");
    let loaded = k8s(&count);
    assert_eq!(component(&loaded, "deployment/a").need, Some(1));
    assert!(messages(&loaded)[0].contains("a count over several workloads says nothing of each one"));
    // A percentage is applied to each.
    let loaded = k8s(&count.replace("minAvailable: 6", "minAvailable: 75%"));
    assert_eq!(component(&loaded, "deployment/a").need, Some(3));
    assert_eq!(component(&loaded, "deployment/b").need, Some(3));
    assert!(messages(&loaded)[0].contains("its percentage is applied to each workload"));
    // Two budgets on one workload: the larger need, and a warning.
    let both = format!("{two}---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: one}}\nspec:\n  minAvailable: 2\n  selector: {{matchLabels: {{app: a}}}}\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: two}}\nspec:\n  minAvailable: 3\n  selector: {{matchLabels: {{app: a}}}}\n");
    let loaded = k8s(&both);
    assert_eq!(component(&loaded, "deployment/a").need, Some(3));
    assert!(messages(&loaded)[0].contains("selected by PodDisruptionBudgets `one` and `two`"));
    // matchExpressions are not read, and that is said.
    let expr = format!("{two}---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: x}}\nspec:\n  minAvailable: 2\n  selector:\n    matchExpressions: [{{key: app, operator: In, values: [a]}}]\n");
    let w = messages(&k8s(&expr));
    assert!(w[0].contains("`matchExpressions` of PodDisruptionBudget `x` are not read"), "{w:#?}");
    assert!(w[1].contains("has no `matchLabels`: not mapped"), "{w:#?}");
}

#[test]
fn replica_counts_that_are_not_numbers_are_said() {
    let loaded = k8s(&deployment("\"{{ .Values.replicas }}\"", None, &[]));
    assert_eq!(component(&loaded, "deployment/web").kind.as_deref(), Some("deployment"));
    assert_eq!(
        messages(&loaded),
        ["6:13: warning: `spec.replicas` of `deployment/web` is `{{ .Values.replicas }}`: expected a whole number; modelled as one replica"]
    );
    let compose = load("services:\n  web:\n    deploy: {replicas: two}\n", Some(Format::Compose)).unwrap();
    assert_eq!(
        messages(&compose),
        ["3:24: warning: the replica count of `web` is `two`: expected a whole number; modelled as one replica"]
    );
    let both = load("services:\n  web:\n    deploy: {replicas: 2}\n    scale: 3\n", Some(Format::Compose)).unwrap();
    assert_eq!(component(&both, "web").requires.len(), 2);
    assert!(messages(&both)[0].contains("sets both `deploy.replicas` and `scale`"));
}
