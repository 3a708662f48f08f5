//! `blastmap import FILE... [--from FORMAT] [--to yaml|json]`: exports in, the native format out.

use blastmap_core::format::to_yaml;

use crate::args::{GenerateFormat, ImportArgs};
use crate::{input, output, Failure};

pub fn run(args: ImportArgs) -> Result<(), Failure> {
    let loaded = input::load_as_written(&args.input)?.loaded;
    let topology = blastmap_import::to_native(&loaded);
    match args.to {
        GenerateFormat::Yaml => output::print(&to_yaml(&topology)),
        GenerateFormat::Json => output::print_json(&topology),
    }
}
