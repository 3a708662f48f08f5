//! The analysis worker's entry point (built by Trunk with `data-type="worker"`).

fn main() {
    blastmap_web::worker::run();
}
