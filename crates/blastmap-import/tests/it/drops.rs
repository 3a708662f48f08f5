//! Nothing is dropped in silence: every piece of input an importer reads but cannot map gives a
//! warning at its position, once; and what looks like a drop but is not one is shown here.

use blastmap_import::{load, Format, Loaded};

use super::*;

/// The warnings, less the two every Tailscale status carries (what the status sees, and the
/// modelled coordination shard), which `tailnet.rs` tests.
fn messages(loaded: &Loaded) -> Vec<String> {
    let every_status = |m: &str| m.starts_with("status of `") || m.starts_with("the coordination shard of tailnet");
    loaded.warnings.iter().filter(|w| !every_status(&w.message)).map(ToString::to_string).collect()
}

fn loaded(text: &str, format: Format) -> Loaded {
    load(text, Some(format)).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

#[test]
fn keys_given_twice_keep_the_last_and_say_so() {
    let text = "services:\n  web:\n    image: a\n  web:\n    image: b\n    depends_on: [db]\n  db: {}\n";
    let l = loaded(text, Format::Compose);
    assert_eq!(render(&l), "db (service)\nweb (service) | req db");
    assert_eq!(component(&l, "web").labels.get("image").map(String::as_str), Some("b"));
    assert_eq!(
        messages(&l),
        ["2:3: warning: `web` is given again later in this mapping (at 4:3): this value is not read"]
    );
    // In a large mapping too.
    let many =
        format!("services:\n{}  s3: {{image: x}}\n", (0..10).map(|i| format!("  s{i}: {{}}\n")).collect::<String>());
    let l = loaded(&many, Format::Compose);
    assert_eq!(l.compiled.written.topology.components.len(), 10);
    assert_eq!(component(&l, "s3").labels.get("image").map(String::as_str), Some("x"));
    assert_eq!(
        messages(&l),
        ["5:3: warning: `s3` is given again later in this mapping (at 12:3): this value is not read"]
    );
    // JSON too (the Tailscale status here).
    let json = "{\"Self\": {\"HostName\": \"a\", \"HostName\": \"b\"}, \"Peer\": {}}";
    let l = loaded(json, Format::Tailscale);
    assert!(l.compiled.written.topology.components.iter().any(|c| c.id == "b"));
    assert_eq!(
        messages(&l),
        ["1:11: warning: `HostName` is given again later in this mapping (at 1:28): this value is not read"]
    );
}

#[test]
fn keys_and_names_are_text_as_written() {
    // YAML 1.1 would read `y`, `on` and `no` as booleans and `1` as a number: kept as written.
    let text = "services:\n  y:\n    depends_on: [on, '1']\n  on: {}\n  1: {}\n  no:\n    deploy: {replicas: 1}\n";
    let l = loaded(text, Format::Compose);
    assert_eq!(render(&l), "1 (service)\nno (service)\non (service)\ny (service) | req on 1");
    assert!(l.warnings.is_empty(), "{:#?}", l.warnings);
    // `yes`/`no` still read as booleans where a boolean is expected.
    let text = "services:\n  a:\n    depends_on:\n      b: {condition: service_started, required: no}\n  b: {}\n";
    assert_eq!(render(&loaded(text, Format::Compose)), "a (service) | soft b\nb (service)");
    // A null key is said.
    let l = loaded("services:\n  ~: {}\n  a: {}\n", Format::Compose);
    assert_eq!(messages(&l), ["2:3: warning: a key that is null, not text: this entry is not read"]);
}

#[test]
fn compose_entries_that_are_not_read() {
    let text = "services:
  a:
    links: [b, {x: 1}]
    volumes_from: [7]
    network_mode: [x]
    depends_on:
      b: {condition: service_healty, required: maybe}
    deploy:
      placement:
        constraints: [node.role != manager, 5]
  b: {}
";
    let l = loaded(text, Format::Compose);
    assert_eq!(render(&l), "a (service) | req b\nb (service)");
    assert_eq!(
        messages(&l),
        [
            "7:22: warning: condition `service_healty` of `depends_on.b` is not one of service_started, service_healthy, service_completed_successfully: read as `service_started`",
            "7:48: warning: `required` of `depends_on.b` is `maybe`: expected true or false; read as true",
            "3:16: warning: `links` entry is a mapping: expected text; not mapped",
            "5:19: warning: `network_mode` is a list: expected text; not mapped",
            "4:20: warning: `volumes_from` entry is a number: expected text; not mapped",
            "10:45: warning: `deploy.placement.constraints` entry is a number: expected text; not mapped",
            "10:23: warning: placement constraint `node.role != manager` is not mapped (only `==` constraints place a service)",
        ]
    );
}

#[test]
fn kubernetes_config_map_keys_that_are_missing() {
    let text = "apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {A: db:5432}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: empty}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: web
          env:
            - {name: A, valueFrom: {configMapKeyRef: {name: cfg, key: A}}}
            - {name: B, valueFrom: {configMapKeyRef: {name: cfg, key: B}}}
            - {name: C, valueFrom: {configMapKeyRef: {name: cfg, key: C, optional: true}}}
            - {name: D, valueFrom: {configMapKeyRef: {name: empty, key: D}}}
";
    let l = loaded(text, Format::Kubernetes);
    assert_eq!(component(&l, "deployment/web").requires, ["service/db"]);
    let w = messages(&l);
    assert!(
        w.contains(&"20:54: warning: ConfigMap `cfg` has no key `B`: nothing is read for it".to_string()),
        "{w:#?}"
    );
    assert!(
        w.contains(&"22:54: warning: ConfigMap `empty` has no key `D`: nothing is read for it".to_string()),
        "{w:#?}"
    );
    assert!(!w.iter().any(|w| w.contains("key `C`")), "{w:#?}");
}

#[test]
fn lists_of_references_with_entries_that_are_not_text() {
    let backstage = "apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: web, title: [x]}
spec:
  type: {a: 1}
  owner: team
  dependsOn: [resource:db, 3]
  consumesApis: {a: b}
";
    let l = loaded(backstage, Format::Backstage);
    assert_eq!(component(&l, "component:web").requires, ["resource:db"]);
    assert_eq!(component(&l, "component:web").kind.as_deref(), Some("component"));
    let w = messages(&l);
    for expected in [
        "3:30: warning: `title` is a list: expected text; not mapped",
        "5:9: warning: `spec.type` is a mapping: expected text; the kind is `component`",
        "7:28: warning: `spec.dependsOn` entry is a number: expected text; not mapped",
        "8:17: warning: `spec.consumesApis` is a mapping: expected a list; not mapped",
    ] {
        assert!(w.contains(&expected.to_string()), "{expected}\n{w:#?}");
    }

    let tailscale = "{\"Self\": {\"HostName\": \"a\", \"TailscaleIPs\": [\"100.64.0.1\"], \"AllowedIPs\": [\"100.64.0.1/32\", 5, \"10.0.0.0/8\"]}, \"Peer\": []}";
    let l = loaded(tailscale, Format::Tailscale);
    assert_eq!(component(&l, "a").routes, ["10.0.0.0/8"]);
    assert_eq!(
        messages(&l),
        [
            "1:119: warning: `Peer` is a list: expected an object of peers; not mapped",
            "1:92: warning: `AllowedIPs` entry is a number: expected text; not mapped",
        ]
    );

    let jaeger = "[{\"parent\": \"a\", \"child\": \"b\", \"callCount\": {\"n\": 1}}]";
    let w = messages(&loaded(jaeger, Format::Jaeger));
    assert_eq!(w, ["1:45: warning: `callCount` is a mapping: expected a number; not mapped"]);
}

#[test]
fn terraform_what_is_not_read() {
    let state = r#"{"version": 4, "terraform_version": "1.6.0", "resources": [
  {"mode": "managed", "type": "aws_instance", "name": "a", "instances": [
    {"index_key": true, "attributes": {}, "dependencies": ["aws_vpc.main", 7]},
    {"attributes": {}}
  ]},
  {"mode": "managed", "type": "aws_vpc", "name": "main", "instances": [{"attributes": {}}]}
]}"#;
    let l = loaded(state, Format::Terraform);
    assert_eq!(render(&l), "aws_instance.a (aws_instance) | req aws_vpc.main\naws_vpc.main (aws_vpc)");
    assert_eq!(
        messages(&l),
        [
            "3:19: warning: `index_key` of an instance of `aws_instance.a` is a boolean: expected a number or text; read as `aws_instance.a`",
            "2:55: warning: resource `aws_instance.a` appears twice: the first is read, this one is not",
            "3:76: warning: `dependencies` entry is a number: expected text; not mapped",
        ]
    );

    let plan = r#"{"format_version": "1.2",
  "planned_values": {"root_module": {"resources": [
    {"address": "aws_instance.r", "type": "aws_instance", "mode": "managed"}
  ], "child_modules": ["m"]}},
  "configuration": {"root_module": {
    "resources": [{"address": "aws_instance.r", "depends_on": [1],
      "expressions": {"a": {"references": ["module.gone.out", "module.m.missing", "x"]}}}],
    "module_calls": {"m": {"module": {"outputs": {}}}, "n": {}}
  }}
}"#;
    let l = loaded(plan, Format::Terraform);
    assert_eq!(
        messages(&l),
        [
            "4:24: warning: child module is a string, not a module: not read",
            "6:64: warning: `depends_on` entry of `aws_instance.r` is a number: expected a resource address; not mapped",
            "7:44: warning: `module.gone.out`: module `module.gone` is not in the configuration; no dependency through it",
            "7:63: warning: `module.m.missing`: module `module.m` has no output `missing` in the configuration; no dependency through it",
            "7:83: warning: reference `x` is not an address: not mapped",
            "8:56: warning: module call `module.n` has no `module`: the references inside it are not read",
        ]
    );
}

#[test]
fn dot_attributes() {
    // Presentation is not topology: with or without it, the same import.
    let plain = "digraph { a [need=1]; a -> b; a -> c }";
    let styled = "digraph { rankdir=LR; node [shape=box, color=red, xlabel=x]; a [need=1, fontsize=9, label=a]; a -> b [color=blue, style=dashed]; a -> c [weight=2] }";
    assert_eq!(render(&loaded(styled, Format::Dot)), render(&loaded(plain, Format::Dot)));
    assert!(loaded(styled, Format::Dot).warnings.is_empty());
    // A near miss of a name that is read is said, once per place it is written.
    let text = "digraph {\n node [regoin=eu];\n a [nedd=2, critical=ture];\n a -> b [deps=start];\n a -> c;\n}";
    let l = loaded(text, Format::Dot);
    assert_eq!(
        messages(&l),
        [
            "3:22: warning: `critical` of `a` is `ture`: expected true or false; read as false",
            "3:10: warning: node attribute `nedd` is not read: did you mean `need`?",
            "2:15: warning: node attribute `regoin` is not read: did you mean `region`?",
            "4:15: warning: edge attribute `deps` is not read: did you mean `dep`?",
        ]
    );
}

/// Things the importers pass over that are not drops: what they are is in the comments.
#[test]
fn what_is_passed_over_is_not_topology() {
    // A bare word in an environment value that names no Service is not a reference (it could be
    // anything: a log level, a user name); `host:port` forms of unknown names are placeholders.
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - {name: web, env: [{name: A, value: debug}, {name: B, value: \"cache:6379\"}]}\n";
    let l = loaded(text, Format::Kubernetes);
    assert_eq!(component(&l, "deployment/web").requires, ["service/cache"]);
    // A Tailscale node's own address in AllowedIPs is not a route it serves.
    let ts = "{\"Self\": {\"HostName\": \"a\", \"TailscaleIPs\": [\"100.64.0.1\"], \"AllowedIPs\": [\"100.64.0.1/32\"]}, \"Peer\": {}}";
    let l = loaded(ts, Format::Tailscale);
    assert!(component(&l, "a").routes.is_empty());
    assert!(messages(&l).is_empty(), "{:#?}", l.warnings);
    // Backstage organisation entities carry no failure dependency.
    let org = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team}\n---\napiVersion: backstage.io/v1alpha1\nkind: System\nmetadata: {name: shop}\n";
    let l = load(org, Some(Format::Backstage)).unwrap();
    assert!(l.compiled.written.topology.components.is_empty() && l.warnings.is_empty());
}

/// Thousands of YAML documents (a rendered Helm chart) are read, not refused.
#[test]
fn many_yaml_documents_are_read() {
    let text: String = (0..3000).map(|i| format!("---\napiVersion: v1\nkind: Service\nmetadata: {{name: s{i}}}\nspec: {{type: ExternalName, externalName: x}}\n")).collect();
    let l = loaded(&text, Format::Kubernetes);
    assert_eq!(l.compiled.written.topology.components.len(), 3000);
}
