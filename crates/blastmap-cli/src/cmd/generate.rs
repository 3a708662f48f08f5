//! `blastmap generate`: a seeded topology of realistic shape, for benchmarks and demos.

use blastmap_core::generate::{generate, Params};

use crate::args::{GenerateArgs, GenerateFormat};
use crate::{output, Failure};

pub fn run(args: GenerateArgs) -> Result<(), Failure> {
    let topology = generate(&Params::for_edges(args.edges, args.seed));
    let text = match args.format {
        GenerateFormat::Json => output::json(&topology)?,
        GenerateFormat::Yaml => blastmap_core::format::to_yaml(&topology),
    };
    output::print(&text)
}
