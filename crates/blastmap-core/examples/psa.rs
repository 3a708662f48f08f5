//! Writes the Open-PSA export of a topology file: `cargo run -p blastmap-core --example psa -- FILE`.
fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let text = std::fs::read_to_string(path).unwrap_or_default();
    match blastmap_core::load(&text) {
        Ok(c) => match blastmap_core::export::open_psa(&c.model) {
            Ok(x) => print!("{x}"),
            Err(e) => eprintln!("{e}"),
        },
        Err(e) => eprintln!("{e}"),
    }
}
