//! `tests/fixtures/ok/<format>/*`: each file's exact components, edges and warning lines.
//! `tests/fixtures/err/<format>/*`: each file's error line (and column) and message.

use blastmap_import::{detect, load, Format};

use super::*;

fn fixture(path: &str) -> String {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// Every fixture file under `kind` (`ok` or `err`), as `format/file`.
fn listed(kind: &str) -> Vec<String> {
    let root = format!("{}/tests/fixtures/{kind}", env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for d in std::fs::read_dir(&root).unwrap() {
        let d = d.unwrap();
        for f in std::fs::read_dir(d.path()).unwrap() {
            out.push(format!("{}/{}", d.file_name().to_string_lossy(), f.unwrap().file_name().to_string_lossy()));
        }
    }
    out.sort();
    out
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

/// (file, format, expected components and edges, expected warning lines)
const OK: &[(&str, Format, &str, &[u32])] = &[
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
        &[19],
    ),
    (
        "dot/reverse-undirected.dot",
        Format::Dot,
        "
api (-) | req db
db (-)
web (-) | req api",
        &[3],
    ),
    (
        "dot/terraform-classic.dot",
        Format::Dot,
        "
aws_instance.web (aws_instance) | req aws_subnet.a | provider=aws
aws_subnet.a (aws_subnet) | req module.net.aws_vpc.main | provider=aws
module.net.aws_vpc.main (aws_vpc) | provider=aws",
        &[9, 10, 11, 21],
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
web (group) | req web#1 web#2 web#3 | need 1 | zone=eu-1a
web#1 (service) | req api | zone=eu-1a
web#2 (service) | req api | zone=eu-1a
web#3 (service) | req api | zone=eu-1a
worker (group) | req worker#1 worker#2 | need 1
worker#1 (service) | req db volume:shared
worker#2 (service) | req db volume:shared",
        &[34, 35],
    ),
    (
        "kubernetes/replicas-zones-pdb.yaml",
        Format::Kubernetes,
        "
data/service/db (unresolved)
deployment/api (group) | req deployment/api#1 deployment/api#2 deployment/api#3 | need 2
deployment/api#1 (pod) | req data/service/db | zone=eu-1a
deployment/api#2 (pod) | req data/service/db | zone=eu-1b
deployment/api#3 (pod) | req data/service/db | zone=eu-1a
deployment/worker (deployment) | req service/api | start service/migrations | zone=eu-1a
ingress/web (ingress) | req service/api
job/migrate (job)
service/api (service) | req deployment/api
service/external-db (external)
service/migrations (service) | req job/migrate",
        &[82, 128, 38],
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
route/10.0.0.0/16 (subnet-route) | req router-a router-b | need 1
router-a (node) | start coordination:acme.com
router-a/direct (direct-path)
router-a/paths (paths) | req router-a/direct derp:fra | need 1
router-b (node) | start coordination:acme.com
router-b/paths (paths) | req derp:ams peer-relay:100.64.0.9:7777 | need 1",
        &[13, 4, 3],
    ),
    (
        "jaeger/wrapped.json",
        Format::Jaeger,
        "
a (service) | req b
b (service) | req c
c (service)",
        &[4, 5, 6],
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
        &[54, 49],
    ),
    (
        "terraform/plan-modules.json",
        Format::Terraform,
        "
aws_lb.front (aws_lb) | req module.app.aws_instance.vm | region=eu-west-1 | provider=aws
aws_subnet.a (aws_subnet) | region=eu-west-1 | zone=eu-west-1a | provider=aws
module.app.aws_instance.vm (aws_instance) | req aws_subnet.a | region=eu-west-1 | provider=aws",
        &[23],
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
        &[26],
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
        &[30, 33, 36, 37],
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
    ("dot/missing-brace.dot", Format::Dot, 3, 1, "expected `}` to close the graph"),
    ("dot/unterminated-string.dot", Format::Dot, 3, 8, "unterminated string"),
    ("compose/services-not-a-mapping.yml", Format::Compose, 2, 11, "expected a `services:` mapping"),
    ("compose/unclosed-flow.yml", Format::Compose, 4, 5, "not valid YAML"),
    ("kubernetes/bad-indentation.yaml", Format::Kubernetes, 5, 10, "mapping values are not allowed"),
    ("kubernetes/unterminated-quote.yaml", Format::Kubernetes, 10, 1, "quoted scalar"),
    ("tailscale/not-status.json", Format::Tailscale, 1, 1, "tailscale status --json"),
    ("tailscale/trailing-comma.json", Format::Tailscale, 2, 28, "trailing comma"),
    ("jaeger/data-not-a-list.json", Format::Jaeger, 3, 5, "expected a list"),
    ("jaeger/missing-comma.json", Format::Jaeger, 3, 3, "expected `,` or `]`"),
    ("backstage/tab-indent.yaml", Format::Backstage, 4, 2, "tabs"),
    ("backstage/unclosed-list.yaml", Format::Backstage, 6, 14, "unclosed bracket"),
    ("terraform/bad-bracket.json", Format::Terraform, 4, 35, "expected value"),
    ("terraform/truncated.json", Format::Terraform, 7, 1, "EOF while parsing"),
    ("native/need-zero.yaml", Format::Native, 5, 11, "`need` of `db` is 0"),
    ("tailscale-policy/unclosed.hujson", Format::TailscalePolicy, 2, 10, "unclosed array: expected `]`"),
    ("tailscale-policy/acls-not-a-list.hujson", Format::TailscalePolicy, 4, 10, "`acls` is a mapping: expected a list"),
    ("native/unknown-reference.yaml", Format::Native, 3, 16, "did you mean `db`?"),
];

#[test]
fn ok_fixtures_import_exactly() {
    for (file, format, expected, warning_lines) in OK {
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
        let lines: Vec<u32> = warnings.iter().map(|w| w.pos.map_or(0, |p| p.line)).collect();
        assert_eq!(lines, *warning_lines, "{file}: warning lines {warnings:#?}");
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
    assert!(empty.document.topology.components.is_empty());
    assert_eq!(empty.warnings.len(), 1);
}
