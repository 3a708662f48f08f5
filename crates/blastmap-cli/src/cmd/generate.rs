//! `blastmap generate`: a seeded topology of realistic shape, or one of the deep shapes (a chain,
//! a start-time chain, a spine under many leaves), for benchmarks and demos.

use blastmap_core::generate::{chain, generate, spine, start_chain, Params};

use crate::args::{GenerateArgs, GenerateFormat, Shape};
use crate::{output, Failure};

pub fn run(args: GenerateArgs) -> Result<(), Failure> {
    let topology = match args.shape {
        None => generate(&Params::for_edges(args.edges, args.seed)),
        Some(Shape::Chain) => chain(args.depth),
        Some(Shape::StartChain) => start_chain(args.depth),
        Some(Shape::Spine) => spine(args.depth, args.leaves),
    };
    match args.format {
        GenerateFormat::Json => output::print_json(&topology),
        GenerateFormat::Yaml => output::print(&blastmap_core::format::to_yaml(&topology)),
    }
}
