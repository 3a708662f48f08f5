//! Writes a generated topology of about N components as JSON, and reports on stderr how long
//! the page's steps take natively for it: the worker's model, packing it for the page,
//! unpacking it there, the scene and the layout.
//!
//! Usage: `cargo run --release -p blastmap-web --example gen_topology -- 5000 > t.json`, or
//! `-- FILE.json` to time the steps on a native JSON topology (nothing is written).

use std::time::Instant;

use blastmap_core::generate::{generate, Params};
use blastmap_core::{compile, format::Document};
use blastmap_layout::RollUp;
use blastmap_web::scene::{initial_roll_up, Drawing, Scene};
use blastmap_web::wire::Packed;

fn main() {
    let arg = std::env::args().nth(1).unwrap_or_default();
    let topology = if let Ok(components) = arg.parse::<usize>() {
        // Each service is a group of three replicas (4 components); the hubs add about 48.
        let services = (components.saturating_sub(48) / 4).max(8);
        let params = Params { seed: 7, services, layers: (services / 2).clamp(2, 22), regions: 3, cycles: 3 };
        let topology = generate(&params);
        match serde_json::to_string(&topology) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("cannot serialize: {e}");
                std::process::exit(1);
            }
        }
        topology
    } else {
        let text = std::fs::read_to_string(&arg).unwrap_or_else(|e| {
            eprintln!("{arg}: {e}");
            std::process::exit(1)
        });
        match blastmap_core::format::parse(&text) {
            Ok(doc) => doc.topology,
            Err(e) => {
                eprintln!("{arg}: {e}");
                std::process::exit(1);
            }
        }
    };
    let t = Instant::now();
    let compiled = match compile(Document::from_topology(topology)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("invalid generated topology: {e}");
            std::process::exit(1);
        }
    };
    let build = t.elapsed();
    // What crosses from the worker: the model packed there, unpacked on the page.
    let t = Instant::now();
    let packed = Packed::of(&compiled.model, compiled.mesh.as_ref());
    let pack = t.elapsed();
    let t = Instant::now();
    let Some((model, mesh)) = packed.unpack() else {
        eprintln!("the packed model does not unpack");
        std::process::exit(1);
    };
    let unpack = t.elapsed();
    let t = Instant::now();
    let scene = Scene::new(&model, mesh.as_ref());
    let scene_time = t.elapsed();
    let roll = initial_roll_up(&scene.graph);
    let t = Instant::now();
    let drawing = Drawing::new(&model, &scene, None, &roll);
    let draw = t.elapsed();
    let t = Instant::now();
    let full = Drawing::new(&model, &scene, None, &RollUp::none());
    let full_time = t.elapsed();
    eprintln!(
        "{} nodes: model (worker) {:.1} ms, packed {:.1} ms ({:.1} MB), unpacked (page) {:.1} ms, scene {:.1} ms, first view ({} shown) {:.1} ms, everything unrolled ({} nodes, {} edges) {:.1} ms",
        model.len(),
        build.as_secs_f64() * 1e3,
        pack.as_secs_f64() * 1e3,
        (packed.words.len() * 4 + packed.bytes.len()) as f64 / 1e6,
        unpack.as_secs_f64() * 1e3,
        scene_time.as_secs_f64() * 1e3,
        drawing.view.nodes.len(),
        draw.as_secs_f64() * 1e3,
        full.view.nodes.len(),
        full.view.edges.len(),
        full_time.as_secs_f64() * 1e3
    );
}
