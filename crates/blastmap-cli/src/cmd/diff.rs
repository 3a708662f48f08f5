//! `blastmap diff BEFORE AFTER`: two designs side by side.

use blastmap_core::{diff, render};

use crate::args::{DiffArgs, OutputFormat};
use crate::cmd::analyze::report;
use crate::{input, output, Failure};

pub fn run(args: DiffArgs) -> Result<(), Failure> {
    let before = input::load_paths(std::slice::from_ref(&args.before), None, &args.shards)?;
    let after = input::load_paths(std::slice::from_ref(&args.after), None, &args.shards)?;
    let (b, a) = (&before.loaded.compiled, &after.loaded.compiled);
    let options = args.budgets.options();
    let br = report(b, before.bytes, &options);
    let ar = report(a, after.bytes, &options);
    let d = diff::diff((&b.model, &br), (&a.model, &ar));
    let text = match args.format {
        OutputFormat::Text => render::diff_text(&d, output::color()),
        OutputFormat::Json => output::json(&d)?,
        OutputFormat::Markdown | OutputFormat::Sarif => render::diff_markdown(&d),
    };
    output::print(&text)
}
