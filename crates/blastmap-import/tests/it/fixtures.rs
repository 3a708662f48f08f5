//! The importers' own fixtures, written for these tests (no corpus needed), at least one of each
//! kind per format: `tests/fixtures/ok/<format>/*` with each file's exact components, edges and
//! warnings (line, column and message); `tests/fixtures/err/<format>/*` with the line, column and
//! message of the error each must fail with.

use blastmap_import::{detect, load, Format};

use super::*;

/// Every fixture file under `kind` (`ok` or `err`), as `format/file`.
fn listed(kind: &str) -> Vec<String> {
    fixtures(kind).into_iter().map(|(path, _)| path).collect()
}

/// A policy's rules, one line each: `acl 0 SRC... -> DST:PORTS...` (and the app capabilities).
fn render_rules(p: &blastmap_core::policy::Policy) -> String {
    p.rules
        .iter()
        .map(|r| {
            let kind = if r.kind == blastmap_core::policy::RuleKind::Acl { "acl" } else { "grant" };
            let src: Vec<&str> = r.src.iter().map(|t| t.selector.as_str()).collect();
            let dst: Vec<String> = r
                .dst
                .iter()
                .map(|t| {
                    if t.ports.is_empty() {
                        t.selector.clone()
                    } else {
                        format!("{}:{}", t.selector, t.ports.join(","))
                    }
                })
                .collect();
            let app = if r.app.is_empty() { String::new() } else { format!(": app {}", r.app.join(" ")) };
            format!("{kind} {} {} -> {}{app}", r.index, src.join(" "), dst.join(" "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// (file, format, expected components and edges, expected warnings as displayed)
const OK: &[(&str, Format, &str, &[&str])] = &[
    (
        "dot/hand-written.dot",
        Format::Dot,
        "
alerting (service) | req store
api (service) | req store | start config | soft cache | monitored alerting
cache (service)
config (service)
dc_central (datacenter) | network=peering-chi
dc_east (datacenter) | network=peering-nyc
dc_west (datacenter) | network=peering-nyc
lb (service) | req api
store (database) | req dc_east dc_west dc_central | need 2",
        &[
            "19:18: warning: `api` lists itself in `requires`: not mapped (it means nothing there)",
        ],
    ),
    (
        "dot/reverse-undirected.dot",
        Format::Dot,
        "
api (-) | req db
db (-)
web (-) | req api",
        &[
            "3:6: warning: undirected graph: each `a -- b` is read as `a` requires `b`",
        ],
    ),
    (
        "dot/terraform-classic.dot",
        Format::Dot,
        "
aws_instance.web (aws_instance) | req aws_subnet.a | provider=aws
aws_subnet.a (aws_subnet) | req module.net.aws_vpc.main | provider=aws
module.net.aws_vpc.main (aws_vpc) | provider=aws",
        &[
            "9:3: warning: Terraform graph: 1 `var.` node(s): not a resource, so not a component; dependencies through it are kept as direct edges",
            "10:3: warning: Terraform graph: 1 `local.` node(s): not a resource, so not a component; dependencies through it are kept as direct edges",
            "11:3: warning: Terraform graph: 1 module node(s): not a resource, so not a component; dependencies through it are kept as direct edges",
            "21:3: warning: Terraform graph: the `root` node: not a resource, so not a component; dependencies through it are kept as direct edges",
        ],
    ),
    (
        "dot/terraform-compact.dot",
        Format::Dot,
        "
aws_db_instance.orders (aws_db_instance) | req aws_subnet.private_a aws_subnet.private_b
aws_lb.public (aws_lb) | req aws_subnet.private_a aws_subnet.private_b
aws_subnet.private_a (aws_subnet) | req aws_vpc.shop
aws_subnet.private_b (aws_subnet) | req aws_vpc.shop
aws_vpc.shop (aws_vpc)
data.aws_ami.base (aws_ami)
module.app.aws_autoscaling_group.web (aws_autoscaling_group) | req aws_lb.public module.app.aws_launch_template.web
module.app.aws_launch_template.web (aws_launch_template) | req data.aws_ami.base aws_db_instance.orders",
        &[],
    ),
    (
        "compose/replicas-and-conditions.yml",
        Format::Compose,
        "
api (service) | req db volume:shared | start migrate | soft cache
cache (service)
db (service)
ghost (unresolved)
legacy (service) | req ghost
migrate (service) | req db
volume:shared (volume)
web (service) | req web#1 web#2 web#3 | need 1 | zone=eu-1a
web#1 (service) | req api | zone=eu-1a
web#2 (service) | req api | zone=eu-1a
web#3 (service) | req api | zone=eu-1a
worker (service) | req worker#1 worker#2 | need 1
worker#1 (service) | req db volume:shared
worker#2 (service) | req db volume:shared",
        &[
            "34:21: warning: `external_links` is not mapped: it refers to things outside this file",
            "35:18: warning: unresolved reference: `ghost` (in `requires` of `legacy`) is not defined here; added as a placeholder component",
        ],
    ),
    (
        "compose/version-3-legacy.yml",
        Format::Compose,
        "
app (service) | req db search config | region=eu-west
config (service)
db (service)
proxy (service) | req app | host=edge-1
reports (service) | req db
search (service)",
        &[
            "21:56: warning: placement constraint `node.role == worker` is not mapped",
            "32:17: warning: `search` has 0 replicas: it does not run; kept as a component",
            "35:7: warning: `extends` is not mapped: it refers to things outside this file",
        ],
    ),
    (
        "kubernetes/replicas-zones-pdb.yaml",
        Format::Kubernetes,
        "
data/service/db (unresolved)
deployment/api (deployment) | req deployment/api#1 deployment/api#2 deployment/api#3 | need 2
deployment/api#1 (pod) | req data/service/db | zone=eu-1a
deployment/api#2 (pod) | req data/service/db | zone=eu-1b
deployment/api#3 (pod) | req data/service/db | zone=eu-1a
deployment/worker (deployment) | req service/api | start service/migrations | zone=eu-1a
ingress/web (ingress) | req service/api
job/migrate (job)
service/api (service) | req deployment/api
service/external-db (external)
service/migrations (service) | req job/migrate",
        &[
            "82:29: warning: unresolved reference: ConfigMap `missing-config` is not defined here; its values are not read",
            "128:9: warning: kind `HorizontalPodAutoscaler` (`api`) is not mapped",
            "107:9: warning: the entry point `ingress/web` is the target: `deployment/worker` and `service/external-db` that nothing here depends on are no longer targets (the file does not say what calls them); write `target: true` or `critical: true` for them in an overlay to analyse them too",
            "38:22: warning: unresolved reference: `data/service/db` (in `requires` of `deployment/api#1`) is not defined here; added as a placeholder component",
        ],
    ),
    (
        "kubernetes/statefulset-and-env.yaml",
        Format::Kubernetes,
        "
ops/service/mailer (unresolved)
shop/cronjob/nightly-report (cronjob) | req shop/service/cart ops/service/mailer
shop/deployment/cart-blue (deployment) | req shop/service/rabbitmq
shop/deployment/cart-green (deployment) | req shop/service/rabbitmq
shop/service/cart (service) | req shop/deployment/cart-blue shop/deployment/cart-green | need 1
shop/service/rabbitmq (service) | req shop/statefulset/rabbitmq
shop/statefulset/rabbitmq (statefulset) | req shop/statefulset/rabbitmq#1 shop/statefulset/rabbitmq#2 shop/statefulset/rabbitmq#3 | need 1
shop/statefulset/rabbitmq#1 (pod)
shop/statefulset/rabbitmq#2 (pod)
shop/statefulset/rabbitmq#3 (pod)",
        &[
            "114:9: warning: kind `ServiceMonitor` (`cart`) is not mapped",
            "108:26: warning: unresolved reference: `ops/service/mailer` (in `requires` of `shop/cronjob/nightly-report`) is not defined here; added as a placeholder component",
        ],
    ),
    (
        "tailscale/exit-node-in-use.json",
        Format::Tailscale,
        "
ana-macbook (node) | start coordination:ana@example.com | soft exit-nyc
ana-macbook/direct (direct-path)
ana-macbook/paths (paths) | req ana-macbook/direct derp:nyc | need 1
ana@example.com/admin (admin-actions) | req coordination:ana@example.com
ana@example.com/exit (exit-nodes) | req exit-nyc exit-sfo | need 1
coordination:ana@example.com (coordination-shard)
derp:nyc (derp-region)
derp:sfo (derp-region)
exit-nyc (node) | start coordination:ana@example.com
exit-nyc/direct (direct-path)
exit-nyc/paths (paths) | req exit-nyc/direct derp:nyc | need 1
exit-sfo (node) | start coordination:ana@example.com
exit-sfo/paths (paths) | req derp:sfo | need 1
localhost (node) | start coordination:ana@example.com",
        &[
            "5:11: warning: status of `ana-macbook` (tailnet ana@example.com): sees 4 of the 4 nodes of ana@example.com in these inputs; 1 offline; a peer's subnet routes show only where it is the primary router, and its relay paths only as `ana-macbook` reaches it",
            "15:21: warning: the coordination shard of tailnet `ana@example.com` is not in the export: modelled as `coordination:ana@example.com`; name the real one with an overlay (`tailnets: [{id: ana@example.com, shard: SHARD}]` and `shards: [{id: SHARD, ...}]`) or the shard option (`--shard ana@example.com=SHARD`)",
        ]
    ),
    (
        "tailscale/ha-subnet-routers.json",
        Format::Tailscale,
        "
acme.com/admin (admin-actions) | req coordination:acme.com
coordination:acme.com (coordination-shard)
derp:ams (derp-region)
derp:fra (derp-region)
laptop (node) | start coordination:acme.com
laptop/paths (paths) | req derp:fra | need 1
peer-relay:100.64.0.9:7777 (peer-relay)
route/10.0.0.0/16 (subnet-route) | req router-a route/10.0.0.0/16/failover | need 1
route/10.0.0.0/16/failover (route-failover) | req coordination:acme.com route/10.0.0.0/16/standby
route/10.0.0.0/16/standby (standby-routers) | req router-b | need 1
router-a (node) | start coordination:acme.com
router-a/direct (direct-path)
router-a/paths (paths) | req router-a/direct derp:fra | need 1
router-b (node) | start coordination:acme.com
router-b/paths (paths) | req derp:ams peer-relay:100.64.0.9:7777 | need 1",
        &[
            "13:5: warning: peer `nodekey:c` is a string: expected an object; not mapped",
            "12:48: warning: `peer-relay:100.64.0.9:7777`: 100.64.0.9 is no node's address in these inputs, so they do not say which node serves the relay (one advertised through static endpoints behind a load balancer?): an overlay states what it requires (`relays: [{id: \"peer-relay:100.64.0.9:7777\", requires: [NODE]}]`), and give a load balancer in front of it the label `endpoints: \"100.64.0.9:7777\"` (rule relay-behind-lb)",
            "4:11: warning: status of `laptop` (tailnet acme.com): sees 3 of the 3 nodes of acme.com in these inputs; 1 offline; a peer's subnet routes show only where it is the primary router, and its relay paths only as `laptop` reaches it",
            "3:21: warning: the coordination shard of tailnet `acme.com` is not in the export: modelled as `coordination:acme.com`; name the real one with an overlay (`tailnets: [{id: acme.com, shard: SHARD}]` and `shards: [{id: SHARD, ...}]`) or the shard option (`--shard acme.com=SHARD`)",
        ]
    ),
    (
        "jaeger/bare-list.json",
        Format::Jaeger,
        "
catalog (service) | req postgres redis
checkout (service) | req payments catalog
frontend (service) | req checkout catalog
payments (service)
postgres (service)
redis (service)",
        &[
            "6:35: warning: `payments` calls itself: not mapped (a component cannot require itself)",
            "8:3: warning: link without a `parent` and a `child` service name: skipped",
        ],
    ),
    (
        "jaeger/wrapped.json",
        Format::Jaeger,
        "
a (service) | req b
b (service) | req c
c (service)",
        &[
            "4:30: warning: `a` calls itself: not mapped (a component cannot require itself)",
            "5:5: warning: link without a `parent` and a `child` service name: skipped",
            "6:51: warning: `extra` of a dependency link is not mapped",
        ],
    ),
    (
        "service-graph/prometheus.prom",
        Format::ServiceGraph,
        "
api (service) | req orders-db
orders-db (service)
queue \"main\" (service) | req worker
web (service) | req api
worker (service)",
        &[
            "3:1: warning: labels `http_method` of the request totals are summed over (only `client`, `server` and `connection_type` are read)",
            "6:62: warning: `api` calls itself: not mapped (a component cannot require itself)",
            "8:1: warning: a `traces_service_graph_request_total` series without a `client` and a `server` label: skipped",
            "9:1: warning: 1 sample of another metric is not read (`otel_traces_service_graph_unpaired_spans_total`): only `traces_service_graph_request_total` says who calls whom",
        ],
    ),
    (
        "service-graph/otlp.json",
        Format::ServiceGraph,
        "
checkout (service) | req kafka
frontend (service) | req checkout
kafka (service)",
        &[
            "36:38: warning: 1 sample of another metric is not read (`traces_service_graph_request_failed_total`): only `traces_service_graph_request_total` says who calls whom",
        ],
    ),
    (
        "service-graph/otlp-lines.jsonl",
        Format::ServiceGraph,
        "
a (service) | req b
b (service) | req c
c (service)",
        &[],
    ),
    (
        "backstage/apis-and-namespaces.yaml",
        Format::Backstage,
        "
api:orders-api (openapi) | req component:orders component:eu/orders-replica | need 1
component:eu/orders-replica (service)
component:orders (service) | req resource:orders-db
component:reports (unresolved) | req resource:orders-db
component:web (website) | req api:orders-api
resource:orders-db (database)",
        &[
            "54:9: warning: kind `Location` (`more`) is not mapped",
            "49:18: warning: unresolved reference: `component:reports` (`dependencyOf` of `resource:orders-db`) is not defined here; added as a placeholder component",
        ],
    ),
    (
        "backstage/catalog-part-1.yaml",
        Format::Backstage,
        "
api:platform/rates (unresolved)
component:fraud-check (service)
component:payments (service) | req resource:ledger-db component:fraud-check api:platform/rates
resource:ledger-db (unresolved)",
        &[
            "31:9: warning: kind `Template` (`new-service`) is not mapped",
            "14:7: warning: unresolved reference: `resource:ledger-db` (in `requires` of `component:payments`) is not defined here; added as a placeholder component",
            "16:18: warning: unresolved reference: `api:platform/rates` (in `requires` of `component:payments`) is not defined here; added as a placeholder component",
        ],
    ),
    (
        "backstage/catalog-part-2.yaml",
        Format::Backstage,
        "
api:platform/rates (grpc) | req component:platform/rates-eu component:platform/rates-us | need 1
component:platform/rates-eu (service)
component:platform/rates-us (service)
resource:ledger-db (database)",
        &[],
    ),
    (
        "terraform/plan-count-and-data.json",
        Format::Terraform,
        "
azurerm_linux_virtual_machine.app[0] (azurerm_linux_virtual_machine) | req azurerm_resource_group.shop data.azurerm_key_vault.secrets | region=westeurope | zone=1 | provider=azurerm
azurerm_linux_virtual_machine.app[1] (azurerm_linux_virtual_machine) | req azurerm_resource_group.shop data.azurerm_key_vault.secrets | region=westeurope | zone=2 | provider=azurerm
azurerm_resource_group.shop (azurerm_resource_group) | region=westeurope | provider=azurerm
data.azurerm_key_vault.secrets (azurerm_key_vault) | req azurerm_resource_group.shop | region=westeurope | provider=azurerm
null_resource.smoke_test (null_resource) | req azurerm_linux_virtual_machine.app[0] azurerm_linux_virtual_machine.app[1]",
        &[
            "38:36: warning: `local.common_tags`: locals are not in `terraform show -json`, so dependencies through them are not seen",
            "46:62: warning: `aws_instance.gone` has no instances here: no dependency on it",
        ],
    ),
    (
        "terraform/plan-modules.json",
        Format::Terraform,
        "
aws_lb.front (aws_lb) | req module.app.aws_instance.vm | region=eu-west-1 | provider=aws
aws_subnet.a (aws_subnet) | region=eu-west-1 | zone=eu-west-1a | provider=aws
module.app.aws_instance.vm (aws_instance) | req aws_subnet.a | region=eu-west-1 | provider=aws",
        &[
            "23:56: warning: `local.cidr`: locals are not in `terraform show -json`, so dependencies through them are not seen",
        ],
    ),
    (
        "terraform/raw-state-v4.tfstate",
        Format::Terraform,
        "
google_compute_firewall.gone (unresolved)
google_compute_instance.web[0] (google_compute_instance) | req google_compute_network.vpc module.db.google_sql_database_instance.main | zone=europe-west1-b | provider=google
google_compute_instance.web[1] (google_compute_instance) | req google_compute_network.vpc module.db.google_sql_database_instance.main google_compute_firewall.gone | zone=europe-west1-c | provider=google
google_compute_network.vpc (google_compute_network) | provider=google
module.db.google_sql_database_instance.main (google_sql_database_instance) | req google_compute_network.vpc | region=europe-west1 | provider=google
random_password.db (random_password)",
        &[
            "45:105: warning: unresolved reference: `google_compute_firewall.gone` (in `requires` of `google_compute_instance.web[1]`) is not defined here; added as a placeholder component",
        ],
    ),
    (
        "terraform/state-show-json.json",
        Format::Terraform,
        "
aws_instance.web[0] (aws_instance) | req aws_subnet.a module.db.aws_db_instance.main | region=us-east-1 | zone=us-east-1a | provider=aws
aws_instance.web[1] (aws_instance) | req aws_subnet.a | region=us-east-1 | zone=us-east-1b | provider=aws
aws_subnet.a (aws_subnet) | region=us-east-1 | zone=us-east-1a | provider=aws
aws_subnet.missing (unresolved)
module.db.aws_db_instance.main (aws_db_instance) | req aws_subnet.missing | zone=us-east-1b | provider=aws
random_id.suffix (random_id)",
        &[
            "26:27: warning: unresolved reference: `aws_subnet.missing` (in `requires` of `module.db.aws_db_instance.main`) is not defined here; added as a placeholder component",
        ],
    ),
    (
        // Not a topology: the rules as read (kind index src -> dst ports), and its warnings.
        "tailscale-policy/acme.hujson",
        Format::TailscalePolicy,
        "
acl 0 group:eng -> office-lan:* tag:db:5432
acl 1 tag:ci -> *:*
acl 2 autogroup:member -> autogroup:self:* autogroup:internet:*
grant 0 tag:ci -> tag:router: app tailscale.com/cap/relay
grant 1 autogroup:admin -> tag:router:tcp:22",
        &[
            "30:2: warning: `ssh` is recorded, not analysed: Tailscale SSH access is not part of the reach",
            "33:2: warning: `tests` is known but not modelled: policy tests are not run",
            "36:2: warning: `randomizeClientPort` is known but not modelled: a client port setting, not topology",
            "37:2: warning: `aclz` is not a policy file section: not read",
        ]
    ),
    (
        "native/overlay.yaml",
        Format::Native,
        "
checkout-api (service) | req sqldata | region=us-east-1
sqldata (database)",
        &[],
    ),
];

/// (file, format, error line, error column, part of the message)
const ERR: &[(&str, Format, u32, u32, &str)] = &[
    ("dot/attribute-without-value.dot", Format::Dot, 3, 11, "expected `=` after attribute `shape`"),
    ("dot/bad-character.dot", Format::Dot, 3, 16, "unexpected character `@`"),
    ("dot/edge-without-target.dot", Format::Dot, 7, 21, "expected a node name, `{` or `subgraph`, found `;`"),
    ("dot/missing-brace.dot", Format::Dot, 3, 1, "expected `}` to close the graph"),
    ("dot/unterminated-string.dot", Format::Dot, 3, 8, "unterminated string"),
    ("compose/services-not-a-mapping.yml", Format::Compose, 2, 11, "expected a `services:` mapping"),
    ("compose/tab-indented-service.yml", Format::Compose, 8, 2, "tabs disallowed"),
    ("compose/unclosed-flow.yml", Format::Compose, 4, 5, "not valid YAML"),
    ("kubernetes/bad-indentation.yaml", Format::Kubernetes, 5, 10, "mapping values are not allowed"),
    ("kubernetes/unterminated-quote.yaml", Format::Kubernetes, 10, 1, "quoted scalar"),
    ("tailscale/cut-short.json", Format::Tailscale, 11, 1, "EOF while parsing a value"),
    ("tailscale/not-status.json", Format::Tailscale, 1, 1, "tailscale status --json"),
    ("tailscale/trailing-comma.json", Format::Tailscale, 2, 28, "trailing comma"),
    ("jaeger/data-not-a-list.json", Format::Jaeger, 3, 5, "expected a list"),
    ("jaeger/missing-comma.json", Format::Jaeger, 3, 3, "expected `,` or `]`"),
    ("jaeger/unquoted-key.json", Format::Jaeger, 4, 6, "key must be a string"),
    ("service-graph/missing-equals.prom", Format::ServiceGraph, 1, 56, "expected `=` after label `server`"),
    ("service-graph/otlp-line-cut-short.jsonl", Format::ServiceGraph, 2, 94, "EOF while parsing a value"),
    (
        "service-graph/unclosed-value.prom",
        Format::ServiceGraph,
        2,
        64,
        "expected `\"` to close the value of label `server`",
    ),
    (
        "service-graph/value-not-a-number.prom",
        Format::ServiceGraph,
        3,
        62,
        "`twelve`: expected a number as the sample's value",
    ),
    ("backstage/tab-indent.yaml", Format::Backstage, 4, 2, "tabs"),
    ("backstage/unclosed-list.yaml", Format::Backstage, 6, 14, "unclosed bracket"),
    ("backstage/unterminated-quote.yaml", Format::Backstage, 14, 1, "multiline quoted scalar"),
    ("terraform/bad-bracket.json", Format::Terraform, 4, 35, "expected value"),
    ("terraform/truncated.json", Format::Terraform, 7, 1, "EOF while parsing"),
    (
        "terraform/version-without-resources.json",
        Format::Terraform,
        1,
        1,
        "or a state file (`version` and `resources`)",
    ),
    ("native/need-zero.yaml", Format::Native, 5, 11, "`need` of `db` is 0"),
    ("tailscale-policy/unclosed.hujson", Format::TailscalePolicy, 2, 10, "unclosed array: expected `]`"),
    ("tailscale-policy/acls-not-a-list.hujson", Format::TailscalePolicy, 4, 10, "`acls` is a mapping: expected a list"),
    ("native/unknown-reference.yaml", Format::Native, 3, 16, "did you mean `db`?"),
];

#[test]
fn ok_fixtures_import_exactly() {
    for (file, format, expected, warnings_expected) in OK {
        let text = fixture(&format!("ok/{file}"));
        assert_eq!(detect(&text), *format, "{file}: detected format");
        let (rendered, warnings) = if *format == Format::TailscalePolicy {
            let (p, warnings) = blastmap_import::policy::parse(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
            (render_rules(&p), warnings)
        } else {
            let loaded = load(&text, Some(*format)).unwrap_or_else(|e| panic!("{file}: {e}"));
            (render(&loaded), loaded.warnings)
        };
        assert_eq!(rendered, expected.trim(), "{file}");
        let shown: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(shown, *warnings_expected, "{file}: warnings");
    }
}

#[test]
fn err_fixtures_fail_at_their_line() {
    for (file, format, line, column, message) in ERR {
        let text = fixture(&format!("err/{file}"));
        let errors = if *format == Format::TailscalePolicy {
            assert_eq!(detect(&text), *format, "{file}: detected format");
            match blastmap_import::policy::parse(&text) {
                Ok((p, _)) => panic!("{file}: expected an error, read {}", render_rules(&p)),
                Err(e) => e,
            }
        } else {
            match load(&text, Some(*format)) {
                Ok(l) => panic!("{file}: expected an error, imported {}", render(&l)),
                Err(e) => e,
            }
        };
        let first = errors.first().unwrap();
        let pos = first.pos.unwrap_or_else(|| panic!("{file}: error without a position: {first}"));
        assert_eq!((pos.line, pos.column), (*line, *column), "{file}: {first}");
        assert!(first.message.contains(message), "{file}: `{}` does not say `{message}`", first.message);
    }
}

#[test]
fn every_fixture_is_checked() {
    let ok: Vec<String> = OK.iter().map(|(f, ..)| (*f).to_string()).collect();
    let err: Vec<String> = ERR.iter().map(|(f, ..)| (*f).to_string()).collect();
    let (mut ok_sorted, mut err_sorted) = (ok.clone(), err.clone());
    ok_sorted.sort();
    err_sorted.sort();
    assert_eq!(listed("ok"), ok_sorted);
    assert_eq!(listed("err"), err_sorted);
    // Each importer has both kinds.
    for f in Format::ALL {
        assert!(ok.iter().any(|o| o.starts_with(&format!("{f}/"))), "no ok fixture for {f}");
        assert!(err.iter().any(|e| e.starts_with(&format!("{f}/"))), "no err fixture for {f}");
    }
}

#[test]
fn warnings_say_what_was_not_mapped() {
    let loaded = load(&fixture("ok/compose/replicas-and-conditions.yml"), None).unwrap();
    let messages: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "34:21: warning: `external_links` is not mapped: it refers to things outside this file",
            "35:18: warning: unresolved reference: `ghost` (in `requires` of `legacy`) is not defined here; added as a placeholder component",
        ]
    );
    let k8s = load(&fixture("ok/kubernetes/replicas-zones-pdb.yaml"), None).unwrap();
    assert!(k8s.warnings[0].message.contains("ConfigMap `missing-config`"));
    assert!(k8s.warnings[1].message.contains("HorizontalPodAutoscaler"));
    // One warning for a reference copied into three replicas.
    assert_eq!(k8s.warnings.iter().filter(|w| w.message.contains("data/service/db")).count(), 1);
}

#[test]
fn format_names_round_trip() {
    for f in Format::ALL {
        assert_eq!(Format::parse(f.name()), Some(f));
    }
    assert_eq!(Format::parse("k8s"), Some(Format::Kubernetes));
    assert_eq!(Format::parse("docker-compose"), Some(Format::Compose));
    assert_eq!(Format::parse("xml"), None);
}

#[test]
fn small_inputs() {
    let dot = load("digraph { ; a -> b ;; }", None).unwrap();
    assert_eq!(render(&dot), "a (-) | req b\nb (-)");

    let list = "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: web}\n    spec:\n      template:\n        metadata: {labels: {app: web}}\n        spec: {containers: [{name: web, image: web}]}\n  - apiVersion: v1\n    kind: Service\n    metadata: {name: web}\n    spec: {selector: {app: web}}\n";
    let k8s = load(list, Some(Format::Kubernetes)).unwrap();
    assert_eq!(render(&k8s), "deployment/web (deployment)\nservice/web (service) | req deployment/web");

    let empty = load("[]", Some(Format::Jaeger)).unwrap();
    assert!(empty.compiled.written.topology.components.is_empty());
    assert_eq!(empty.warnings.len(), 1);
}
