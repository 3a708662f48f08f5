//! The topologies in `examples/`, one per outage described in `examples/README.md`, and the
//! findings each must produce, pinned to exact ids and numbers. Plus: every
//! `examples/*.yaml` loads, so a new or edited example cannot be broken silently.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use blastmap_core::algo::{self, Status};
use blastmap_core::format::Document;
use blastmap_core::report::{analyze, Options, RedundancyEntry, Report, WhatIfReport};
use blastmap_core::{load, Compiled, Model, Name};

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// Loads `examples/NAME.yaml`.
fn example(name: &str) -> Compiled {
    let path = examples_dir().join(format!("{name}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    load(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn report_of(name: &str) -> (Document, Model, Report) {
    let c = example(name);
    let report = analyze(&c, &Options::default());
    (c.written, c.model, report)
}

fn what_if(model: &Model, failed: &[&str]) -> WhatIfReport {
    let ids = model.lookup_all(failed.iter().copied()).unwrap_or_else(|e| panic!("{e}"));
    WhatIfReport::new(model, None, &algo::what_if(model, &ids))
}

fn strings(ids: &[&str]) -> Vec<Name> {
    ids.iter().map(|&s| Name::from(s)).collect()
}

fn set<'a>(ids: impl IntoIterator<Item = &'a str>) -> BTreeSet<Name> {
    ids.into_iter().map(Name::from).collect()
}

/// What the single failure of `id` takes down, or `None` when it is not a SPOF.
fn spof<'a>(report: &'a Report, id: &str) -> Option<&'a [Name]> {
    report.spofs.iter().find(|s| s.component == id).map(|s| s.takes_down.as_slice())
}

fn spof_ids(report: &Report) -> BTreeSet<Name> {
    report.spofs.iter().map(|s| s.component.clone()).collect()
}

fn redundancy<'a>(report: &'a Report, id: &str) -> &'a RedundancyEntry {
    report.redundancy.iter().find(|r| r.component == id).unwrap_or_else(|| panic!("no redundancy entry for `{id}`"))
}

/// (need, of, declared, actual, minimal failure), and the search was exact.
fn assert_redundancy(report: &Report, id: &str, need: u32, of: u32, declared: u32, actual: u32, minimal: &[&str]) {
    let r = redundancy(report, id);
    assert!(r.exact, "`{id}`: the tolerance search should be exact on an example");
    assert_eq!(
        (r.need, r.of, r.declared_tolerance, r.actual_tolerance, r.minimal_failure.clone()),
        (need, of, declared, actual, strings(minimal)),
        "redundancy of `{id}`"
    );
}

/// The proof of a redundancy entry really takes the gate down.
fn assert_minimal_failure_kills(model: &Model, report: &Report) {
    for r in &report.redundancy {
        let failed: Vec<&str> = r.minimal_failure.iter().map(Name::as_str).collect();
        let w = what_if(model, &failed);
        let status = w.affected.iter().find(|a| a.component == r.component).map(|a| a.status);
        assert!(
            matches!(status, Some(Status::Down)),
            "failing {failed:?} should take `{}` down, got {status:?}",
            r.component
        );
    }
}

fn blind_spot_failures<'a>(report: &'a Report, id: &str) -> Option<&'a [Name]> {
    report.blind_spots.iter().find(|b| b.component == id).map(|b| b.failures.as_slice())
}

fn restart_hazard<'a>(report: &'a Report, failure: &str) -> Option<&'a [Name]> {
    report.restart_hazards.iter().find(|h| h.failure == failure).map(|h| h.cannot_restart.as_slice())
}

fn wave_of(report: &Report, id: &str) -> usize {
    report
        .cold_start
        .waves
        .iter()
        .position(|w| w.iter().any(|c| c == id))
        .unwrap_or_else(|| panic!("`{id}` is in no cold-start wave"))
}

fn no_deadlock(report: &Report) {
    assert!(report.cold_start.deadlocked.is_empty(), "deadlocked: {:?}", report.cold_start.deadlocked);
    assert!(report.cycles.is_empty(), "cycles: {:?}", report.cycles);
}

/// Component ids of the written components (not placement values) whose `kind` is `kind`.
fn of_kind<'a>(doc: &'a Document, kind: &str) -> Vec<&'a str> {
    doc.topology.components.iter().filter(|c| c.kind.as_deref() == Some(kind)).map(|c| c.id.as_str()).collect()
}

const EXAMPLES: [&str; 8] = [
    "roblox-2021-consul",
    "aws-us-east-1-2021",
    "pagerduty-shared-peering",
    "salesforce-power-failover",
    "azure-2021-dns-aad",
    "salesloft-drift-tokens",
    "tailscale-coordination-shards",
    "tailscale-relays",
];

#[test]
fn every_example_file_loads_and_is_realistic() {
    let mut found = BTreeSet::new();
    for entry in std::fs::read_dir(examples_dir()).expect("examples/ exists") {
        let path = entry.expect("readable entry").path();
        let ext = path.extension().and_then(|e| e.to_str());
        if !matches!(ext, Some("yaml" | "yml" | "json")) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let c = load(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (doc, model) = (&c.written, &c.model);
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        assert_eq!(
            doc.topology.name.as_deref(),
            Some(stem.as_str()),
            "{}: `name:` should be the file name",
            path.display()
        );
        assert!(
            doc.topology.description.as_deref().is_some_and(|d| d.len() > 100),
            "{}: needs a description",
            path.display()
        );
        assert!(!model.targets().is_empty(), "{}: no targets", path.display());
        let report = analyze(&c, &Options::default());
        assert!(!report.findings.is_empty(), "{}: an example should find something", path.display());
        found.insert(stem);
    }
    for name in EXAMPLES {
        assert!(found.contains(name), "examples/{name}.yaml is missing");
        let doc = example(name).written;
        let n = doc.topology.components.len();
        assert!((20..=60).contains(&n), "{name}: {n} components, expected tens (20 to 60)");
    }
}

#[test]
fn every_example_is_documented_in_the_readme() {
    let readme = std::fs::read_to_string(examples_dir().join("README.md")).expect("examples/README.md");
    for name in EXAMPLES {
        assert!(readme.contains(&format!("{name}.yaml")), "examples/README.md does not mention {name}.yaml");
    }
}

#[test]
fn every_redundancy_proof_takes_its_gate_down() {
    for name in EXAMPLES {
        let (_, model, report) = report_of(name);
        assert_minimal_failure_kills(&model, &report);
    }
}

/// Roblox, October 2021: Consul is a SPOF for all services; telemetry monitors Consul but
/// requires it.
#[test]
fn roblox_consul_takes_everything_and_blinds_telemetry() {
    let (_, model, r) = report_of("roblox-2021-consul");
    let services = [
        "website",
        "mobile-api",
        "join-experience",
        "avatar-service",
        "chat",
        "friends-presence",
        "economy",
        "developer-hub",
    ];
    assert_eq!(r.targets, strings(&services));
    assert_eq!(spof(&r, "consul"), Some(strings(&services).as_slice()), "consul takes down every service");
    assert_eq!(spof(&r, "consul-streaming"), Some(strings(&services).as_slice()));
    assert_eq!(
        spof_ids(&r),
        set([
            "consul-streaming",
            "consul",
            "edge-load-balancers",
            "cache-fleet",
            "sql-databases",
            "datastore-service",
            "auth-service",
            "matchmaking",
            "game-servers",
            "asset-delivery",
        ])
    );
    // No single Consul server or host matters: the quorum survives any one.
    for i in 1..=5 {
        assert_eq!(spof(&r, &format!("consul-server-{i}")), None);
        assert_eq!(spof(&r, &format!("host:consul-host-{i}")), None);
    }

    // Five servers, quorum three: declared tolerance 2, actual 0, because they share the write path.
    assert_redundancy(&r, "consul", 3, 5, 2, 0, &["consul-streaming"]);
    assert_redundancy(&r, "cache-fleet", 1, 2, 1, 0, &["consul"]);
    assert_redundancy(&r, "sql-databases", 1, 2, 1, 1, &["sql-primary", "sql-standby"]);
    assert_eq!(r.redundancy.len(), 3);

    // The blind spot: telemetry watches Consul and needs it.
    let consul = r.blind_spots.iter().find(|b| b.component == "consul").expect("consul is a blind spot");
    assert_eq!(consul.monitors, strings(&["telemetry"]));
    assert_eq!(consul.failures, strings(&["consul-streaming", "consul"]));
    let blind: Vec<&str> = r.blind_spots.iter().map(|b| b.component.as_str()).collect();
    assert_eq!(blind, ["consul", "nomad", "vault", "website", "mobile-api", "join-experience"]);
    for b in &r.blind_spots {
        assert_eq!(b.failures, strings(&["consul-streaming", "consul"]), "blind spot of `{}`", b.component);
    }
    // The dashboards and paging that hang off telemetry watch nothing themselves; no other
    // component is blind.
    assert_eq!(blind_spot_failures(&r, "telemetry"), None);

    // Nomad and Vault are only needed to (re)start: their loss is a restart hazard, not an outage.
    assert_eq!(
        restart_hazard(&r, "nomad"),
        Some(
            strings(&[
                "cache-cluster-a",
                "cache-cluster-b",
                "auth-service",
                "website",
                "mobile-api",
                "matchmaking",
                "game-servers",
                "avatar-service",
                "asset-delivery",
                "chat",
                "friends-presence",
                "economy",
                "developer-hub",
            ])
            .as_slice()
        )
    );
    assert_eq!(
        restart_hazard(&r, "vault"),
        Some(strings(&["datastore-service", "auth-service", "game-servers", "economy"]).as_slice())
    );
    assert_eq!(r.restart_hazards.len(), 2);

    let top: Vec<(&str, u32, u32)> =
        r.criticality.iter().take(2).map(|c| (c.component.as_str(), c.targets_down, c.components_down)).collect();
    assert_eq!(top, [("consul-streaming", 8, 28), ("consul", 8, 22)]);

    // Cold start: Consul first, and the telemetry that should diagnose it only after it.
    no_deadlock(&r);
    assert_eq!(r.cold_start.waves.len(), 9);
    assert_eq!(wave_of(&r, "consul"), 2);
    assert!(wave_of(&r, "telemetry") > wave_of(&r, "consul"));

    let w = what_if(&model, &["consul"]);
    assert_eq!(w.targets_down, strings(&services));
    let consul_state = w.affected.iter().find(|a| a.component == "consul").expect("consul affected");
    assert!(consul_state.unmonitored, "with consul down, nobody watches consul");
    let telemetry = w.affected.iter().find(|a| a.component == "telemetry").expect("telemetry affected");
    assert_eq!((telemetry.status, telemetry.path.clone()), (Status::Down, strings(&["consul", "telemetry"])));
}

/// AWS us-east-1, December 2021: the region takes down workloads deployed only in us-west-2.
#[test]
fn aws_us_east_1_takes_down_us_west_2_workloads() {
    let (doc, model, r) = report_of("aws-us-east-1-2021");
    let region_of = |id: &str| {
        doc.topology
            .components
            .iter()
            .find(|c| c.id == id)
            .and_then(|c| c.region.clone())
            .unwrap_or_else(|| panic!("`{id}` has no region"))
    };
    let east_kills = ["payments-worker", "inventory-sync", "ops-console-access", "deploy-pipeline", "legacy-reporting"];
    assert_eq!(spof(&r, "region:us-east-1"), Some(strings(&east_kills).as_slice()));
    // Four of the five are placed only in us-west-2.
    let west_only: Vec<&str> = east_kills.iter().copied().filter(|&t| region_of(t) == "us-west-2").collect();
    assert_eq!(west_only, ["payments-worker", "inventory-sync", "ops-console-access", "deploy-pipeline"]);

    let w = what_if(&model, &["region:us-east-1"]);
    assert_eq!(w.targets_down, strings(&east_kills));
    assert_eq!(w.targets_total, 10);
    let path = |id: &str| w.affected.iter().find(|a| a.component == id).map(|a| a.path.clone()).unwrap_or_default();
    assert_eq!(path("payments-worker"), strings(&["region:us-east-1", "sts-global-endpoint", "payments-worker"]));
    assert_eq!(path("ops-console-access"), strings(&["region:us-east-1", "console-signin", "ops-console-access"]));
    assert_eq!(path("deploy-pipeline"), strings(&["region:us-east-1", "iam-control-plane", "deploy-pipeline"]));
    // The same shape through the regional STS endpoint survives; so does the two-region site.
    for up in ["orders-api", "checkout", "search-indexer", "marketing-site", "fleet-capacity"] {
        assert!(!w.targets_down.iter().any(|t| t == up), "`{up}` should survive us-east-1");
    }
    let marketing = w.affected.iter().find(|a| a.component == "marketing-site").expect("marketing-site affected");
    assert_eq!(marketing.status, Status::Degraded);
    // fleet-capacity stays up but could not boot again: it assumes its role at start.
    let fleet = w.affected.iter().find(|a| a.component == "fleet-capacity").expect("fleet-capacity affected");
    assert_eq!((fleet.status, fleet.cannot_restart), (Status::Up, true));

    assert_eq!(spof(&r, "sts-global-endpoint"), Some(strings(&["payments-worker", "inventory-sync"]).as_slice()));
    assert_eq!(spof(&r, "sts-usw2-endpoint"), Some(strings(&["checkout", "orders-api"]).as_slice()));
    assert_eq!(
        spof(&r, "iam-control-plane"),
        Some(strings(&["payments-worker", "inventory-sync", "ops-console-access", "deploy-pipeline"]).as_slice())
    );
    assert_eq!(spof(&r, "region:us-west-2").map(<[Name]>::len), Some(8));
    assert_eq!(r.spofs.len(), 16);

    assert_redundancy(&r, "marketing-site", 1, 2, 1, 1, &["marketing-origin-use1", "marketing-origin-usw2"]);
    assert_eq!(r.redundancy.len(), 1);
    assert_eq!(
        r.restart_hazards.iter().map(|h| h.failure.as_str()).collect::<Vec<_>>(),
        ["aws-internal-network-use1", "iam-control-plane", "sts-global-endpoint", "region:us-east-1"]
    );
    assert!(r.restart_hazards.iter().all(|h| h.cannot_restart == strings(&["fleet-capacity"])));
    assert!(r.blind_spots.is_empty());
    no_deadlock(&r);
    let top: Vec<(&str, u32, u32)> =
        r.criticality.iter().take(3).map(|c| (c.component.as_str(), c.targets_down, c.components_down)).collect();
    assert_eq!(top, [("region:us-west-2", 8, 18), ("ec2-usw2", 7, 9), ("region:us-east-1", 5, 12)]);
}

/// PagerDuty: a 2-of-3 quorum over three DCs, two of which share a peering point.
#[test]
fn pagerduty_quorum_has_no_tolerance_behind_one_peering_point() {
    let (_, model, r) = report_of("pagerduty-shared-peering");
    // Declared tolerance 1, actual 0, and the peering point is the proof.
    assert_redundancy(&r, "event-store", 2, 3, 1, 0, &["network:peering-sjc"]);
    assert_redundancy(&r, "zookeeper", 2, 3, 1, 0, &["network:peering-sjc"]);
    assert_redundancy(&r, "events-api", 1, 3, 2, 0, &["event-store"]);
    assert_eq!(r.redundancy.len(), 3);

    let everything = [
        "events-api",
        "email-ingest",
        "sms-notifications",
        "phone-notifications",
        "email-notifications",
        "push-notifications",
        "web-app",
        "mobile-api",
    ];
    assert_eq!(r.targets, strings(&everything));
    assert_eq!(spof(&r, "network:peering-sjc"), Some(strings(&everything).as_slice()));
    assert_eq!(spof(&r, "event-store"), Some(strings(&everything).as_slice()));
    // Any one data center alone is survivable, and so is the other peering point.
    for survivable in [
        "dc-aws-us-west-1",
        "dc-aws-us-west-2",
        "dc-linode-newark",
        "network:peering-ewr",
        "region:us-west-1",
        "cassandra-newark",
    ] {
        assert_eq!(spof(&r, survivable), None, "`{survivable}` should not be a SPOF");
    }
    assert_eq!(
        spof_ids(&r),
        set([
            "event-store",
            "zookeeper",
            "events-api",
            "incident-service",
            "escalation-engine",
            "notification-scheduler",
            "notification-dispatcher",
            "twilio-sms",
            "twilio-voice",
            "sendgrid",
            "apns-fcm",
            "network:peering-sjc",
        ])
    );
    let top: Vec<(&str, u32, u32)> =
        r.criticality.iter().take(2).map(|c| (c.component.as_str(), c.targets_down, c.components_down)).collect();
    assert_eq!(top, [("network:peering-sjc", 8, 24), ("event-store", 8, 16)]);

    // Paging about the store goes through the store: a blind spot. External synthetics are not.
    assert_eq!(r.blind_spots.len(), 1);
    assert_eq!(r.blind_spots[0].component, "event-store");
    assert_eq!(r.blind_spots[0].monitors, strings(&["internal-alerting"]));
    assert_eq!(r.blind_spots[0].failures, strings(&["event-store", "network:peering-sjc"]));

    assert!(r.restart_hazards.is_empty());
    no_deadlock(&r);
    assert_eq!(wave_of(&r, "event-store"), 2);

    let w = what_if(&model, &["network:peering-sjc"]);
    assert_eq!(w.targets_down, strings(&everything));
    let newark = w.affected.iter().find(|a| a.component == "cassandra-newark");
    assert!(newark.is_none(), "the Newark replica itself stays up: {newark:?}");
}

/// Salesforce: the power feed is a SPOF, and the failover path depends on the failed site.
#[test]
fn salesforce_failover_depends_on_the_site_it_replaces() {
    let (_, model, r) = report_of("salesforce-power-failover");
    let na14 = ["na14-web-ui", "na14-api", "na14-apex-async", "na14-reports", "na14-attachments", "na14-email-to-case"];
    assert_eq!(spof(&r, "power:was-feed-b"), Some(strings(&na14).as_slice()));
    assert_eq!(spof(&r, "region:washington-dc"), Some(strings(&na14).as_slice()));
    assert_eq!(spof(&r, "power:was-feed-a"), None, "feed A carries no single point");
    assert_eq!(
        spof_ids(&r),
        set([
            "na14-database",
            "na14-app",
            "na14-search",
            "fileforce",
            "email-relay",
            "login-salesforce-com",
            "identity-service",
            "region:washington-dc",
            "power:was-feed-b",
            "region:chicago",
            "power:chi-feed-b",
        ])
    );

    // The failover group: declared 1, actual 0, and the proof is the Washington feed.
    assert_redundancy(&r, "na14-database", 1, 2, 1, 0, &["power:was-feed-b"]);
    assert_redundancy(&r, "was-db-cluster-nodes", 1, 4, 3, 0, &["power:was-feed-b"]);
    assert_redundancy(&r, "na14-app", 1, 2, 1, 0, &["na14-database"]);
    assert_redundancy(&r, "fileforce", 1, 2, 1, 1, &["fileforce-washington", "fileforce-chicago"]);
    assert_redundancy(&r, "identity-service", 1, 2, 1, 1, &["identity-washington", "identity-chicago"]);
    assert_eq!(r.redundancy.len(), 5);

    // The Chicago path goes down through the orchestrator that lives in Washington.
    let w = what_if(&model, &["power:was-feed-b"]);
    assert_eq!(w.targets_down, strings(&na14));
    let chicago = w.affected.iter().find(|a| a.component == "na14-db-chicago").expect("chicago affected");
    assert_eq!(
        (chicago.status, chicago.path.clone()),
        (Status::Down, strings(&["power:was-feed-b", "failover-orchestrator", "na14-db-chicago"]))
    );
    // login.salesforce.com is itself multi-site and survives.
    assert!(!w.targets_down.iter().any(|t| t == "login-salesforce-com"));
    // Chicago's trust site still watches the database.
    let db = w.affected.iter().find(|a| a.component == "na14-database").expect("db affected");
    assert!(!db.unmonitored);

    let top: Vec<(&str, u32, u32)> =
        r.criticality.iter().take(2).map(|c| (c.component.as_str(), c.targets_down, c.components_down)).collect();
    assert_eq!(top, [("region:washington-dc", 6, 25), ("power:was-feed-b", 6, 21)]);
    assert!(r.blind_spots.is_empty());
    assert!(r.restart_hazards.is_empty());
    no_deadlock(&r);
}

/// Azure 2021: DNS and AAD sign-in under everything top the criticality ranking.
#[test]
fn azure_dns_and_identity_top_the_criticality_ranking() {
    let (_, model, r) = report_of("azure-2021-dns-aad");
    let all = r.targets.len() as u32;
    assert_eq!(all, 9);
    let top: Vec<(&str, u32, u32)> =
        r.criticality.iter().take(4).map(|c| (c.component.as_str(), c.targets_down, c.components_down)).collect();
    assert_eq!(
        top,
        [("azure-dns", all, 21), ("aad-token-signing-keys", all, 17), ("aad-sign-in", all, 16), ("blob-storage", 3, 5)]
    );
    for id in ["azure-dns", "aad-token-signing-keys", "aad-sign-in"] {
        assert_eq!(spof(&r, id), Some(r.targets.as_slice()), "`{id}` takes down every target");
    }
    // The only components that take down every target are DNS and identity.
    let everything: Vec<&str> =
        r.spofs.iter().filter(|s| s.takes_down.len() == all as usize).map(|s| s.component.as_str()).collect();
    assert_eq!(everything, ["azure-dns", "aad-token-signing-keys", "aad-sign-in"]);

    // Regions: two stamps each, so a region takes no target down.
    for region in ["region:eastus", "region:westeurope"] {
        let c = r.criticality.iter().find(|c| c.component == region).expect("region ranked");
        assert_eq!((c.targets_down, c.components_down), (0, 6), "{region}");
        assert!(what_if(&model, &[region]).targets_down.is_empty());
    }
    // ...but the regional stamps of ARM and Key Vault all sign in through AAD.
    assert_redundancy(&r, "azure-resource-manager", 1, 2, 1, 0, &["aad-sign-in"]);
    assert_redundancy(&r, "key-vault", 1, 2, 1, 0, &["aad-sign-in"]);
    assert_redundancy(&r, "cosmos-db", 1, 2, 1, 1, &["cosmos-eastus", "cosmos-westeurope"]);
    let false_redundancy: Vec<&str> = r
        .redundancy
        .iter()
        .filter(|e| e.actual_tolerance < e.declared_tolerance)
        .map(|e| e.component.as_str())
        .collect();
    assert_eq!(false_redundancy, ["azure-resource-manager", "key-vault"]);

    let w = what_if(&model, &["azure-dns"]);
    assert_eq!(w.targets_down, r.targets);
    let xbox = w.affected.iter().find(|a| a.component == "xbox-live-sign-in").expect("xbox affected");
    assert_eq!(xbox.path, strings(&["azure-dns", "aad-sign-in", "xbox-live-sign-in"]));
    assert!(r.blind_spots.is_empty());
    no_deadlock(&r);
}

/// Salesloft–Drift: the chat bot holds credentials for every tenant; its failure reaches none.
#[test]
fn drift_chatbot_holds_credentials_for_every_tenant() {
    let (doc, model, r) = report_of("salesloft-drift-tokens");
    let bot = model.lookup("drift-chatbot").expect("bot");
    let held: BTreeSet<Name> = model.names(model.credentials(bot)).into_iter().collect();
    let mut tenants: Vec<&str> = of_kind(&doc, "salesforce-org");
    tenants.extend(of_kind(&doc, "google-workspace-tenant"));
    assert_eq!(tenants.len(), 16);
    let expected: BTreeSet<Name> = set(tenants.iter().copied().filter(|&t| t != "salesforce-org-oscorp"));
    assert_eq!(held.len(), 15);
    assert_eq!(held, expected, "the bot holds a token for every connected tenant, and only those");

    // The attack path: GitHub -> Drift's AWS account -> the bot -> every tenant.
    let mut reached = BTreeSet::new();
    let mut stack = vec![model.lookup("salesloft-github").expect("github")];
    while let Some(v) = stack.pop() {
        for &u in model.credentials(v) {
            if reached.insert(model.shared_name(u)) {
                stack.push(u);
            }
        }
    }
    for t in &expected {
        assert!(reached.contains(t), "compromise of salesloft-github should reach `{t}`");
    }
    assert!(!reached.contains("salesforce-org-oscorp"));
    assert_eq!(reached.len(), 18);

    // For availability the bot is harmless to the tenants: failure does not follow trust edges.
    let w = what_if(&model, &["drift-chatbot"]);
    assert_eq!(w.targets_down, strings(&["drift-chat-widget"]));
    assert!(w
        .affected
        .iter()
        .all(|a| !a.component.starts_with("salesforce-org-") && !a.component.starts_with("google-workspace-")));
    assert_eq!(spof(&r, "drift-chatbot"), Some(strings(&["drift-chat-widget"]).as_slice()));
    let cadences = w.affected.iter().find(|a| a.component == "salesloft-cadences").expect("cadences affected");
    assert_eq!(cadences.status, Status::Degraded);

    assert_eq!(r.targets.len(), 18);
    assert_eq!(spof(&r, "salesforce-api").map(<[Name]>::len), Some(13));
    assert_eq!(
        spof_ids(&r),
        set([
            "drift-token-store",
            "drift-chatbot",
            "salesloft-platform",
            "salesforce-platform",
            "salesforce-api",
            "google-workspace",
            "region:us-east-1"
        ])
    );
    assert!(r.redundancy.is_empty());
    assert!(r.blind_spots.is_empty());
    assert!(r.restart_hazards.is_empty());
    no_deadlock(&r);
}

/// Tailscale coordination: a shard outage leaves connections up, admin actions down, and the
/// nodes that would need the shard to restart flagged.
#[test]
fn tailscale_shard_outage_is_a_restart_hazard_not_an_outage() {
    let (_, model, r) = report_of("tailscale-coordination-shards");
    let shard1_nodes =
        ["acme-laptop-alice", "acme-laptop-bob", "acme-ci-runner", "globex-laptop-carol", "globex-k8s-operator"];
    assert_eq!(restart_hazard(&r, "coord-shard-1"), Some(strings(&shard1_nodes).as_slice()));
    assert_eq!(restart_hazard(&r, "host:ctrl-shard-1"), Some(strings(&shard1_nodes).as_slice()));
    assert_eq!(
        restart_hazard(&r, "coord-shard-2"),
        Some(strings(&["initech-laptop-dave", "initech-build-server", "initech-nas"]).as_slice())
    );
    assert_eq!(
        restart_hazard(&r, "coord-shard-3"),
        Some(strings(&["umbrella-laptop-erin", "umbrella-lab-gpu", "umbrella-exit-node"]).as_slice())
    );
    assert_eq!(r.restart_hazards.len(), 6);
    // Nodes with a cached network map need no shard to start.
    assert!(r
        .restart_hazards
        .iter()
        .all(|h| !h.cannot_restart.iter().any(|c| c == "acme-prod-db" || c == "globex-staging-api")));

    // The shard is a SPOF of its tailnets' admin actions only.
    assert_eq!(spof(&r, "coord-shard-1"), Some(strings(&["acme-admin", "globex-admin"]).as_slice()));
    assert_eq!(spof(&r, "coord-shard-2"), Some(strings(&["initech-admin"]).as_slice()));
    assert_eq!(spof(&r, "admin-api").map(<[Name]>::len), Some(4));

    let w = what_if(&model, &["coord-shard-1"]);
    assert_eq!(w.targets_down, strings(&["acme-admin", "globex-admin"]));
    let mut cannot: Vec<&str> = Vec::new();
    for a in &w.affected {
        match a.component.as_str() {
            "coord-shard-1" => assert_eq!(a.status, Status::Failed),
            "acme-admin" | "globex-admin" => assert_eq!(a.status, Status::Down),
            other => {
                assert_eq!(a.status, Status::Up, "`{other}` should stay up");
                assert!(a.cannot_restart, "`{other}`");
                assert_eq!(a.path, strings(&["coord-shard-1", other]));
                cannot.push(other);
            }
        }
    }
    assert_eq!(cannot, shard1_nodes);
    // Every connection stays up, including the one into another shard's tailnet.
    assert!(!w.affected.iter().any(|a| a.component.contains("-to-")));

    assert_redundancy(&r, "control-frontend", 1, 2, 1, 1, &["control-lb-1", "control-lb-2"]);
    assert_eq!(r.redundancy.len(), 1);
    assert!(r.blind_spots.is_empty());
    no_deadlock(&r);
    // Cold start: nodes on shard 1 come up only after it.
    assert!(wave_of(&r, "acme-laptop-alice") > wave_of(&r, "coord-shard-1"));
    assert_eq!(wave_of(&r, "acme-prod-db"), 0);
}

/// Tailscale relays: a 1-of-n over paths is real only when the paths share no region or host.
#[test]
fn tailscale_relays_real_and_fake_redundancy() {
    let (_, model, r) = report_of("tailscale-relays");
    assert_eq!(
        r.targets,
        strings(&["alice-to-prod-db", "berlin-to-build-cache", "sensor-to-analytics", "dev-box-to-render-node"])
    );

    // Real: three independent paths, tolerance 2 as declared.
    assert_redundancy(
        &r,
        "alice-prod-db-paths",
        1,
        3,
        2,
        2,
        &["direct-alice-prod-db", "derp-nyc", "peer-relay-chicago"],
    );
    assert_redundancy(&r, "sfo-tokyo-paths", 1, 3, 2, 2, &["direct-sfo-tokyo", "derp-sfo", "peer-relay-oregon"]);
    // Fake: DERP fra and the peer relay share a host; three paths are really two.
    assert_redundancy(&r, "berlin-fra-paths", 1, 3, 2, 1, &["host:fra-relay-box", "direct-berlin-fra"]);
    // Fake: both relays in one region, no direct path; two paths are really one.
    assert_redundancy(&r, "sgp-sensor-analytics-paths", 1, 2, 1, 0, &["region:sin"]);
    assert_eq!(r.redundancy.len(), 4);
    let false_redundancy: Vec<&str> = r
        .redundancy
        .iter()
        .filter(|e| e.actual_tolerance < e.declared_tolerance)
        .map(|e| e.component.as_str())
        .collect();
    assert_eq!(false_redundancy, ["berlin-fra-paths", "sgp-sensor-analytics-paths"]);

    // No relay or DERP region is a SPOF of a real pair; region:sin is of the fake one.
    assert_eq!(spof(&r, "region:sin"), Some(strings(&["sensor-to-analytics"]).as_slice()));
    for relay in [
        "derp-nyc",
        "derp-fra",
        "derp-sin",
        "peer-relay-fra",
        "host:fra-relay-box",
        "region:fra",
        "region:nyc",
        "region:chicago",
    ] {
        assert_eq!(spof(&r, relay), None, "`{relay}` should not be a SPOF");
    }
    assert_eq!(r.spofs.len(), 23);

    // region:fra takes the shared box, and both relays with it: the Berlin pair hangs on its
    // direct path alone.
    let w = what_if(&model, &["region:fra"]);
    assert!(w.targets_down.is_empty());
    let berlin = w.affected.iter().find(|a| a.component == "berlin-fra-paths").expect("berlin paths affected");
    assert_eq!(berlin.status, Status::Degraded);
    let w = what_if(&model, &["region:fra", "direct-berlin-fra"]);
    assert_eq!(w.targets_down, strings(&["berlin-to-build-cache"]));
    // The real pairs survive any two of their paths failing.
    let w = what_if(&model, &["region:nyc", "region:chicago"]);
    assert!(w.targets_down.is_empty());

    assert!(r.blind_spots.is_empty());
    assert!(r.restart_hazards.is_empty());
    no_deadlock(&r);
}

#[test]
fn salesforce_availability_is_dominated_by_the_power_feed() {
    let (_, _, report) = report_of("salesforce-power-failover");
    let ui = report.availability.iter().find(|a| a.target == "na14-web-ui").expect("na14-web-ui");
    assert_eq!(ui.method, "exact");
    // The feed alone (0.9995) caps it; the redundant app pods and load balancers barely matter.
    assert!(ui.availability < 0.9995 && ui.availability > 0.9994, "{}", ui.availability);
    assert_eq!(ui.dominated_by[0].component, "power:was-feed-b");
    assert!(ui.dominated_by[0].fussell_vesely > 0.99);
}

/// The SARIF log is serialized field by field as the serializer reaches each result
/// (`export::sarif_log`): checked against the document the report describes, built here as a
/// JSON tree, for every example and a generated estate: the same results in the same order,
/// each at its subject's position with its rule, level and fingerprint, and the text exactly
/// the pretty print of that tree (keys in alphabetical order, as a JSON tree prints them).
#[test]
fn the_sarif_log_is_the_document_the_report_describes() {
    use blastmap_core::export::sarif;
    use blastmap_core::report::{FindingKind, Severity};
    use blastmap_core::Pos;
    let mut inputs: Vec<(String, Compiled)> = EXAMPLES.iter().map(|n| (n.to_string(), example(n))).collect();
    let generated = blastmap_core::generate::generate(&blastmap_core::generate::Params::for_edges(3_000, 7));
    inputs.push(("generated".into(), blastmap_core::compile(Document::from_topology(generated)).expect("compiles")));
    for (name, c) in &inputs {
        let report = analyze(c, &Options::default());
        let text = sarif(&report, c, &["estate.yaml"]);
        let log: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let pretty = serde_json::to_string_pretty(&log).expect("prints");
        assert_eq!(text, format!("{pretty}\n"), "{name}: the text is the tree's pretty print");
        let run = &log["runs"][0];
        let rules: Vec<&str> =
            run["tool"]["driver"]["rules"].as_array().expect("rules").iter().filter_map(|r| r["id"].as_str()).collect();
        assert_eq!(rules, FindingKind::ALL.iter().map(|k| k.name()).collect::<Vec<_>>(), "{name}");
        let results = run["results"].as_array().expect("results");
        assert_eq!(results.len(), report.findings.len(), "{name}");
        for (r, f) in results.iter().zip(&report.findings) {
            let pos = c.position_of(&f.subject).unwrap_or(Pos::START);
            let level = match f.severity {
                Severity::Critical | Severity::High => "error",
                Severity::Medium => "warning",
                Severity::Low => "note",
            };
            let expected = serde_json::json!({
                "ruleId": f.kind.name(),
                "level": level,
                "message": r["message"],
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": "estate.yaml" },
                        "region": { "startLine": pos.line, "startColumn": pos.column }
                    },
                    "logicalLocations": [{ "name": f.subject.as_str(), "kind": "component" }]
                }],
                "partialFingerprints": { "blastmap/v1": format!("{}:{}", f.kind.name(), f.evidence.join(",")) }
            });
            assert_eq!(r, &expected, "{name}: {}", f.title);
            let message = r["message"]["text"].as_str().expect("message");
            assert!(!message.is_empty() && !message.contains('`'), "{name}: {message}");
        }
    }
}
