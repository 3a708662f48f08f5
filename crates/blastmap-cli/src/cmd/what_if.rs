//! `blastmap what-if FILE --fail ID...`: what goes down, degrades, cannot restart or goes
//! unmonitored, and the path that explains each.

use std::io::Write;

use blastmap_core::algo::what_if;
use blastmap_core::render;
use blastmap_core::report::WhatIfReport;

use crate::args::{OutputFormat, WhatIfArgs};
use crate::{input, output, Failure};

pub fn run(args: WhatIfArgs) -> Result<(), Failure> {
    let inputs = input::load(&args.input)?;
    let (name, compiled) = (inputs.name(), &inputs.loaded.compiled);
    let model = &compiled.model;
    let failed = match model.lookup_all(args.fail.iter().map(String::as_str)) {
        Ok(ids) => ids,
        Err(message) => {
            let _ = writeln!(std::io::stderr(), "{name}: --fail: {}", render::visible(&message));
            return Err(Failure::Reported);
        }
    };
    let w = WhatIfReport::new(model, compiled.mesh.as_ref(), &what_if(model, &failed));
    match args.format {
        OutputFormat::Text => output::print(&render::what_if_text(&w, output::color())),
        OutputFormat::Json => output::print_json(&w),
        OutputFormat::Markdown | OutputFormat::Sarif => output::print(&render::what_if_markdown(&w)),
    }
}
