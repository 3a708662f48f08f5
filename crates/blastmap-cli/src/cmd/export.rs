//! `blastmap export FILE --to open-psa`: the topology in another tool's format.

use std::io::Write;

use crate::args::{ExportArgs, ExportFormat};
use crate::{input, output, Failure};

pub fn run(args: ExportArgs) -> Result<(), Failure> {
    let inputs = input::load(&args.input)?;
    let name = inputs.name();
    match args.to {
        ExportFormat::OpenPsa => match blastmap_core::export::open_psa(&inputs.loaded.compiled.model) {
            Ok(xml) => output::print(&xml),
            Err(message) => {
                let _ = writeln!(std::io::stderr(), "{name}: {}", blastmap_core::render::visible(&message));
                Err(Failure::Reported)
            }
        },
    }
}
