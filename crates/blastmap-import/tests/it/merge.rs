//! `load_many`: several inputs, one topology; colliding ids; native overlays; `to_native`.

use blastmap_import::{load, load_many, to_native, Format};

use super::*;

#[test]
fn backstage_entities_from_three_files_resolve_each_other() {
    skip_without_corpus!();
    let (a, b, c) =
        (corpus("backstage-showcase.yaml"), corpus("backstage-argocd.yaml"), corpus("backstage-keycloak.yaml"));
    let loaded = load_many(&[("showcase.yaml", &a), ("argocd.yaml", &b), ("keycloak.yaml", &c)], None).unwrap();
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
    let loaded = load_many(&[("a.yml", a), ("b.yml", same)], None).unwrap();
    assert_eq!(render(&loaded), "api (service) | req db\ndb (service)\nweb (service) | req db");
    assert!(loaded.warnings.is_empty());

    let other = "services:\n  db:\n    image: mysql\n  web:\n    depends_on: [db]\n";
    let loaded = load_many(&[("a.yml", a), ("dir/b.yml", other)], None).unwrap();
    assert_eq!(render(&loaded), "api (service) | req db\nb/db (service)\ndb (service)\nweb (service) | req b/db");
    let w = &loaded.warnings[0];
    assert_eq!(w.file.as_deref(), Some("dir/b.yml"));
    assert_eq!(w.pos.map(|p| p.line), Some(2));
    assert!(w.message.contains("renamed `b/db`") && w.message.contains("a.yml"), "{w}");
}

#[test]
fn a_native_overlay_ties_formats_together() {
    skip_without_corpus!();
    let compose = corpus("compose-eshoponcontainers.yml");
    let state = corpus("terraform-state-multi-module.json");
    let overlay = "components:\n  - id: sqldata-host\n    requires: [module.node_pool.scaleway_k8s_pool_beta.nodes]\n  - id: shop\n    critical: true\n    requires: [webmvc, sqldata-host]\n";
    let loaded =
        load_many(&[("compose.yml", &compose), ("state.json", &state), ("overlay.yaml", overlay)], None).unwrap();
    assert_eq!(loaded.formats, [Format::Compose, Format::Terraform, Format::Native]);
    assert_eq!(loaded.document.topology.components.len(), 21 + 3 + 2);
    assert_eq!(component(&loaded, "shop").requires, ["webmvc", "sqldata-host"]);
    assert_eq!(loaded.origins.last(), Some(&2));
    assert!(loaded.warnings.is_empty(), "{:#?}", loaded.warnings);
}

#[test]
fn native_unknown_references_are_errors_with_the_file() {
    skip_without_corpus!();
    let overlay = "components:\n  - id: shop\n    requires: [webmcv]\n";
    let compose = corpus("compose-eshoponcontainers.yml");
    let err = load_many(&[("compose.yml", &compose), ("overlay.yaml", overlay)], None).unwrap_err();
    assert_eq!(err.file, "overlay.yaml");
    let e = err.errors.first().unwrap();
    assert_eq!(e.pos.map(|p| p.line), Some(3));
    assert!(e.message.contains("did you mean `webmvc`?"), "{e}");
    assert!(err.to_string().starts_with("overlay.yaml:3:16: "), "{err}");
}

#[test]
fn syntax_errors_name_their_file() {
    let err = load_many(&[("ok.dot", "digraph { a -> b }"), ("bad.dot", "digraph {\n a -> \n")], None).unwrap_err();
    assert_eq!(err.file, "bad.dot");
    assert_eq!(err.errors.first().and_then(|e| e.pos).map(|p| p.line), Some(3));
}

#[test]
fn to_native_round_trips_through_yaml_and_json() {
    skip_without_corpus!();
    for file in ["k8s-online-boutique.yaml", "tailscale-status.json", "terraform-graph-aws-complete-infra.dot"] {
        let loaded = load(&corpus(file), None).unwrap();
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
    skip_without_corpus!();
    let jaeger = corpus("jaeger-dependencies-small.json");
    let native = "components:\n  - id: api\n    need: 3\n    requires: [Service1]\n";
    let err = load_many(&[("deps.json", &jaeger), ("native.yaml", native)], None).unwrap_err();
    assert_eq!(err.file, "native.yaml");
    let e = err.errors.first().unwrap();
    assert_eq!(e.kind, blastmap_core::ErrorKind::InvalidNeed);
    assert_eq!(e.pos.map(|p| p.line), Some(3));
}
