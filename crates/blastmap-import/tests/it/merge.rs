//! `load_many`: several inputs, one topology; colliding ids; native overlays; `to_native`.

use blastmap_import::{load, load_many, to_native, Format, Input, Role};

use super::*;

#[test]
fn backstage_entities_from_three_files_resolve_each_other() {
    let Some(dir) = corpus() else { return };
    let (a, b, c) = (
        read(dir, "backstage-showcase.yaml"),
        read(dir, "backstage-argocd.yaml"),
        read(dir, "backstage-keycloak.yaml"),
    );
    let loaded = load_many(
        &[Input::new("showcase.yaml", &a), Input::new("argocd.yaml", &b), Input::new("keycloak.yaml", &c)],
        None,
    )
    .unwrap();
    assert_eq!(loaded.formats, [Format::Backstage; 3]);
    assert_eq!(
        render(&loaded),
        "
component:backstage-showcase (website) | req resource:pgdb resource:argocd resource:obc resource:keycloak resource:github
resource:argocd (identity-provider)
resource:github (unresolved)
resource:keycloak (identity-provider)
resource:obc (unresolved)
resource:pgdb (unresolved)"
            .trim()
    );
    // Only the three still missing are reported, each in the file that names it.
    let w: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(w.len(), 3, "{w:#?}");
    assert!(w.iter().all(|w| w.starts_with("showcase.yaml:")), "{w:#?}");
}

#[test]
fn identical_definitions_merge_and_different_ones_are_renamed() {
    let a = "services:\n  db:\n    image: postgres\n  api:\n    depends_on: [db]\n";
    let same = "services:\n  db:\n    image: postgres\n  web:\n    depends_on: [db]\n";
    let loaded = load_many(&[Input::new("a.yml", a), Input::new("b.yml", same)], None).unwrap();
    assert_eq!(render(&loaded), "api (service) | req db\ndb (service)\nweb (service) | req db");
    assert!(loaded.warnings.is_empty());

    let other = "services:\n  db:\n    image: mysql\n  web:\n    depends_on: [db]\n";
    let loaded = load_many(&[Input::new("a.yml", a), Input::new("dir/b.yml", other)], None).unwrap();
    assert_eq!(render(&loaded), "api (service) | req db\nb/db (service)\ndb (service)\nweb (service) | req b/db");
    let w = &loaded.warnings[0];
    assert_eq!(w.file.as_deref(), Some("dir/b.yml"));
    assert_eq!(w.pos.map(|p| p.line), Some(2));
    assert!(w.message.contains("renamed `b/db`") && w.message.contains("a.yml"), "{w}");
}

#[test]
fn a_native_overlay_ties_formats_together() {
    let Some(dir) = corpus() else { return };
    let compose = read(dir, "compose-eshoponcontainers.yml");
    let state = read(dir, "terraform-state-multi-module.json");
    // After an export, a native file is an overlay: new components say `add: true`.
    let overlay = "components:\n  - id: sqldata-host\n    add: true\n    requires: [module.node_pool.scaleway_k8s_pool_beta.nodes]\n  - id: shop\n    add: true\n    critical: true\n    requires: [webmvc, sqldata-host]\n";
    let loaded = load_many(
        &[Input::new("compose.yml", &compose), Input::new("state.json", &state), Input::new("overlay.yaml", overlay)],
        None,
    )
    .unwrap();
    assert_eq!(loaded.formats, [Format::Compose, Format::Terraform, Format::Native]);
    assert_eq!(loaded.roles, [Role::Design, Role::Design, Role::Overlay]);
    assert_eq!(loaded.compiled.written.topology.components.len(), 21 + 3 + 2);
    assert_eq!(component(&loaded, "shop").requires, ["webmvc", "sqldata-host"]);
    assert_eq!(loaded.origins.last(), Some(&2));
    assert!(loaded.warnings.is_empty(), "{:#?}", loaded.warnings);
    let rules: Vec<&str> = loaded.compiled.written.notes.iter().map(|n| n.rule.as_str()).collect();
    // eShop's `seq` (image `datalust/seq`) is read as a telemetry sink, then the overlay adds.
    assert_eq!(rules, ["telemetry-sink", "overlay.add", "overlay.add"]);
}

#[test]
fn native_unknown_references_are_errors_with_the_file() {
    let Some(dir) = corpus() else { return };
    let overlay = "components:\n  - id: shop\n    add: true\n    requires: [webmcv]\n";
    let compose = read(dir, "compose-eshoponcontainers.yml");
    let err = load_many(&[Input::new("compose.yml", &compose), Input::new("overlay.yaml", overlay)], None).unwrap_err();
    assert_eq!(err.file, "overlay.yaml");
    let e = err.errors.first().unwrap();
    assert_eq!(e.pos.map(|p| p.line), Some(4));
    assert!(e.message.contains("did you mean `webmvc`?"), "{e}");
    assert!(err.to_string().starts_with("overlay.yaml:4:16: "), "{err}");
}

#[test]
fn syntax_errors_name_their_file() {
    let err =
        load_many(&[Input::new("ok.dot", "digraph { a -> b }"), Input::new("bad.dot", "digraph {\n a -> \n")], None)
            .unwrap_err();
    assert_eq!(err.file, "bad.dot");
    assert_eq!(err.errors.first().and_then(|e| e.pos).map(|p| p.line), Some(3));
}

#[test]
fn to_native_round_trips_through_yaml_and_json() {
    let Some(dir) = corpus() else { return };
    for file in ["k8s-online-boutique.yaml", "tailscale-status.json", "terraform-graph-aws-complete-infra.dot"] {
        let loaded = load(&read(dir, file), None).unwrap();
        let native = to_native(&loaded);
        let yaml = blastmap_core::format::to_yaml(&native);
        let again = load(&yaml, None).unwrap_or_else(|e| panic!("{file}: {e}\n{yaml}"));
        assert_eq!(again.format, Format::Native);
        assert_eq!(render(&again), render(&loaded), "{file} via YAML");
        let json = serde_json::to_string_pretty(&native).unwrap();
        let again = load(&json, None).unwrap();
        assert_eq!(render(&again), render(&loaded), "{file} via JSON");
    }
}

#[test]
fn native_validation_errors_keep_their_file_in_a_merge() {
    let Some(dir) = corpus() else { return };
    let jaeger = read(dir, "jaeger-dependencies-small.json");
    let native = "components:\n  - id: api\n    add: true\n    need: 3\n    requires: [Service1]\n";
    let err = load_many(&[Input::new("deps.json", &jaeger), Input::new("native.yaml", native)], None).unwrap_err();
    assert_eq!(err.file, "native.yaml");
    let e = err.errors.first().unwrap();
    assert_eq!(e.kind, blastmap_core::ErrorKind::InvalidNeed);
    assert_eq!(e.pos.map(|p| p.line), Some(4));
}

#[test]
fn errors_of_merged_inputs_name_the_input_they_are_in() {
    // Same line and column in both inputs: only the input index tells them apart.
    let a = "components:\n  - { id: a, need: 1, requires: [b] }\n  - { id: b }\n";
    let b = "components:\n  - { id: c, need: 3, requires: [a] }\n";
    let e = load_many(&[Input::new("first.yaml", a), Input::new("second.yaml", b)], None).expect_err("need too large");
    assert_eq!(e.file, "second.yaml");
    let shown = e.to_string();
    assert!(shown.starts_with("second.yaml:2:"), "{shown}");
    assert_eq!(e.errors.first().and_then(|e| e.pos).map(|p| p.input), Some(1));
    // Components keep the positions of their own input.
    let ok = load_many(
        &[Input::new("first.yaml", a), Input::new("second.yaml", "components:\n  - { id: c, requires: [a] }\n")],
        None,
    )
    .expect("valid");
    let c = ok.compiled.position_of("c").expect("c has a position");
    assert_eq!((c.input, c.line), (1, 2));
    let a = ok.compiled.position_of("a").expect("a has a position");
    assert_eq!((a.input, a.line), (0, 2));
}

#[test]
fn catalog_files_of_two_teams_resolve_each_other() {
    let (a, b) = (fixture("ok/backstage/catalog-part-1.yaml"), fixture("ok/backstage/catalog-part-2.yaml"));
    let loaded =
        load_many(&[Input::new("payments/catalog-info.yaml", &a), Input::new("platform/catalog-info.yaml", &b)], None)
            .unwrap();
    assert_eq!(loaded.formats, [Format::Backstage; 2]);
    assert_eq!(
        render(&loaded),
        "
api:platform/rates (grpc) | req component:platform/rates-eu component:platform/rates-us | need 1
component:fraud-check (service)
component:payments (service) | req resource:ledger-db component:fraud-check api:platform/rates
component:platform/rates-eu (service)
component:platform/rates-us (service)
resource:ledger-db (database)"
            .trim()
    );
    // Alone, the first file left two placeholders; together only the unmapped Template is left.
    let w: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(w, ["payments/catalog-info.yaml:31:9: warning: kind `Template` (`new-service`) is not mapped"]);
}

#[test]
fn a_native_overlay_ties_the_fixtures_of_two_formats_together() {
    let compose = fixture("ok/compose/version-3-legacy.yml");
    let state = fixture("ok/terraform/raw-state-v4.tfstate");
    // After an export, a native file is an overlay: new components say `add: true`.
    let overlay = "components:\n  - id: db-vm\n    add: true\n    requires: [module.db.google_sql_database_instance.main]\n  - id: shop\n    add: true\n    critical: true\n    requires: [proxy, db-vm]\n";
    let loaded = load_many(
        &[
            Input::new("compose.yml", &compose),
            Input::new("state.tfstate", &state),
            Input::new("overlay.yaml", overlay),
        ],
        None,
    )
    .unwrap();
    assert_eq!(loaded.formats, [Format::Compose, Format::Terraform, Format::Native]);
    assert_eq!(loaded.compiled.written.topology.components.len(), 6 + 6 + 2);
    assert_eq!(component(&loaded, "shop").requires, ["proxy", "db-vm"]);
    // The input each component came from; the placeholder for the state's missing firewall has none.
    let origin = |id: &str| {
        let i = loaded.compiled.written.topology.components.iter().position(|c| c.id == id).unwrap();
        loaded.origins[i]
    };
    assert_eq!((origin("proxy"), origin("google_compute_network.vpc"), origin("shop")), (0, 1, 2));
    assert_eq!(origin("google_compute_firewall.gone"), usize::MAX);
    // Each input's warnings, named by their file.
    let files: Vec<&str> = loaded.warnings.iter().filter_map(|w| w.file.as_deref()).collect();
    assert_eq!(files, ["compose.yml", "compose.yml", "compose.yml", "state.tfstate"]);

    let typo = "components:\n  - id: shop\n    add: true\n    requires: [proxi]\n";
    let err = load_many(&[Input::new("compose.yml", &compose), Input::new("overlay.yaml", typo)], None).unwrap_err();
    assert!(err.to_string().starts_with("overlay.yaml:4:16: "), "{err}");
    assert!(err.to_string().contains("did you mean `proxy`?"), "{err}");
}

#[test]
fn every_ok_fixture_round_trips_through_the_native_format() {
    for (path, format) in fixtures("ok") {
        if format == Format::TailscalePolicy {
            continue; // rules over an estate, not a topology
        }
        let loaded = load(&fixture(&format!("ok/{path}")), Some(format)).unwrap();
        let native = to_native(&loaded);
        let yaml = blastmap_core::format::to_yaml(&native);
        let again = load(&yaml, None).unwrap_or_else(|e| panic!("{path}: {e}\n{yaml}"));
        assert_eq!(again.format, Format::Native, "{path}");
        assert_eq!(render(&again), render(&loaded), "{path} via YAML");
        let json = serde_json::to_string_pretty(&native).unwrap();
        let again = load(&json, None).unwrap_or_else(|e| panic!("{path}: {e}\n{json}"));
        assert_eq!(render(&again), render(&loaded), "{path} via JSON");
    }
}

#[test]
fn one_large_native_json_through_load_many_locates_its_errors_and_loads_as_alone() {
    // Over a megabyte (the parser's fast path, without positions), one bad reference at the end.
    let mut text = String::from("{\"description\": \"d\", \"components\": [\n");
    for i in 0..30_000 {
        text.push_str(&format!("  {{\"id\": \"svc-{i}\", \"requires\": [\"db\"], \"region\": \"r{}\"}},\n", i % 3));
    }
    text.push_str("  {\"id\": \"db\", \"requires\": [\"svc-O\"]}\n]}\n");
    assert!(text.len() > 1 << 20);
    let e = load_many(&[Input::new("big.json", &text)], None).unwrap_err();
    let line = text.lines().count() as u32 - 1;
    assert_eq!(e.errors.0[0].pos.map(|p| (p.line, p.column)), Some((line, 29)), "{e}");
    assert!(e.to_string().contains("did you mean `svc-0`"), "{e}");

    let fixed = text.replace("\"svc-O\"", "\"region:r1\"");
    let many = load_many(&[Input::new("big.json", &fixed)], None).unwrap();
    let alone = load(&fixed, None).unwrap();
    assert_eq!(many.compiled.model.len(), alone.compiled.model.len());
    assert_eq!(many.compiled.written.topology.components, alone.compiled.written.topology.components);
    assert_eq!(many.origins, vec![0; 30_001]);
    assert!(many.warnings.is_empty());
    // As when merged: the description is not carried (only the names of the inputs are).
    assert_eq!(many.compiled.written.topology.description, None);
}

#[test]
fn large_native_json_loads_the_same_read_before_detection_or_after() {
    // Over a megabyte: read as native before anything is detected, unless `_request_total` is
    // in it (then detection runs first, and still finds it native).
    let mut text = String::from("{\"components\": [\n");
    for i in 0..30_000 {
        text.push_str(&format!("  {{\"id\": \"svc-{i}\", \"requires\": [\"db\"], \"zone\": \"z{}\"}},\n", i % 3));
    }
    text.push_str("  {\"id\": \"db\", \"region\": \"eu\"}\n]}\n");
    assert!(text.len() > 1 << 20);
    let named = text.replace("\"db\"", "\"db_request_total\"");
    let early = load_many(&[Input::new("big.json", &text)], None).unwrap();
    let stated = load_many(&[Input::new("big.json", &text)], Some(Format::Native)).unwrap();
    let detected = load_many(&[Input::new("big.json", &named)], None).unwrap();
    assert_eq!((early.format, detected.format), (Format::Native, Format::Native));
    assert_eq!(early.compiled.written.topology, stated.compiled.written.topology);
    assert_eq!(early.compiled.model.len(), detected.compiled.model.len());
    assert_eq!(early.compiled.model.lookup("zone:z2"), stated.compiled.model.lookup("zone:z2"));
    let alone = load(&text, None).unwrap();
    assert_eq!(alone.compiled.written.topology.components, early.compiled.written.topology.components);
    assert_eq!(load(&named, None).unwrap().format, Format::Native);
}
