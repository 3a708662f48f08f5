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
    let printed = match args.format {
        OutputFormat::Text => output::print(&render::diff_text(&d, output::color())),
        OutputFormat::Json => output::print_json(&d),
        OutputFormat::Markdown | OutputFormat::Sarif => output::print(&render::diff_markdown(&d)),
    };
    // The process ends after this: both designs and reports are left to the system rather than
    // freed one allocation at a time (as `analyze` does).
    std::mem::forget((before, after, br, ar, d));
    printed
}
