//! `blastmap analyze FILE`: every finding, as text, JSON or Markdown (compared with traces, when
//! some are given; with the policy reach of each tailnet policy file among the inputs).

use std::io::{self, IsTerminal};

use blastmap_core::observed::Limits;
use blastmap_core::report::{analyze_on, Options, Report, Threads};
use blastmap_core::{render, Compiled};

use crate::args::{AnalyzeArgs, OutputFormat};
use crate::input::Inputs;
use crate::{input, output, Failure};

/// [`report`] of the design, compared with what traces observed when some inputs were, with
/// the policy section of each policy file among them.
pub fn compared(inputs: &Inputs, options: &Options) -> Report {
    let loaded = &inputs.loaded;
    let mut report = report(&loaded.compiled, inputs.bytes, options);
    if let Some(observation) = &loaded.observed {
        report.observe(&loaded.compiled, observation, &Limits::default());
    }
    for section in &inputs.policy {
        report.police(&loaded.compiled.model, section.clone());
    }
    report
}

/// Runs the analysis, with a progress line on a terminal for big inputs.
pub fn report(compiled: &Compiled, bytes: usize, options: &Options) -> Report {
    let show = bytes >= input::PROGRESS_BYTES && io::stderr().is_terminal();
    let mut progress = |step: &str, done: f32| {
        if show {
            eprint!("\r\x1b[Kanalyzing: {step} ({:.0}%)", done * 100.0);
        }
    };
    let report = analyze_on(compiled, options, &mut progress, &Threads);
    if show {
        eprint!("\r\x1b[K");
    }
    report
}

pub fn run(args: AnalyzeArgs) -> Result<(), Failure> {
    let inputs = input::load_compared(&args.input, &args.observed)?;
    let report = compared(&inputs, &args.budgets.options());
    let text = match args.format {
        OutputFormat::Text => render::text(&report, output::color()),
        OutputFormat::Json => output::json(&report)?,
        OutputFormat::Markdown => render::markdown(&report),
        OutputFormat::Sarif => {
            let uris: Vec<&str> = inputs.names.iter().map(String::as_str).collect();
            blastmap_core::export::sarif(&report, &inputs.loaded.compiled, &uris)
        }
    };
    let printed = output::print(&text);
    // The process ends after this: the topology, the report and its text are left to the system
    // rather than freed one allocation at a time (a tenth of the run at a million edges).
    std::mem::forget((inputs, report, text));
    printed
}
