//! `blastmap analyze FILE`: every finding, as text, JSON or Markdown (compared with traces, when
//! some are given; with the policy reach of each tailnet policy file among the inputs).

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

use blastmap_core::observed::Limits;
use blastmap_core::report::{analyze_on, Join, Options, Report};
use blastmap_core::{render, Compiled};

use crate::args::{AnalyzeArgs, OutputFormat};
use crate::input::Inputs;
use crate::{input, output, Failure};

/// [`report`] of the design, compared with what traces observed when some inputs were, with
/// the policy section of each policy file among them.
pub fn compared(inputs: &Inputs, options: &Options) -> Report {
    compared_timed(inputs, options, &mut Timings::off())
}

/// [`compared`], each step of the analysis timed in `timings`.
fn compared_timed(inputs: &Inputs, options: &Options, timings: &mut Timings) -> Report {
    let loaded = &inputs.loaded;
    let mut report = report_timed(&loaded.compiled, inputs.bytes, options, timings);
    if loaded.observed.is_some() || !inputs.policy.is_empty() {
        timings.step("comparing with traces and policies");
    }
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
    report_timed(compiled, bytes, options, &mut Timings::off())
}

/// [`report`], each step of the analysis timed in `timings`.
fn report_timed(compiled: &Compiled, bytes: usize, options: &Options, timings: &mut Timings) -> Report {
    let show = bytes >= input::PROGRESS_BYTES && io::stderr().is_terminal();
    let mut progress = |step: &str, done: f32| {
        timings.step(step);
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

/// Runs the two parts [`analyze_on`] may run at once on two threads; both on this one if the
/// system refuses a thread.
struct Threads;

impl Join for Threads {
    fn join<A: Send, B: Send>(&self, a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
        // `b` waits here until the thread takes it, so that it still runs if no thread starts.
        let b = std::sync::Mutex::new(Some(b));
        let take = || b.lock().ok().and_then(|mut b| b.take());
        std::thread::scope(|s| {
            let spawned = std::thread::Builder::new().spawn_scoped(s, || take().map(|b| b()));
            let ra = a();
            let rb = match spawned.map(|h| h.join()) {
                Ok(Ok(Some(rb))) => Some(rb),
                Ok(Err(panic)) => std::panic::resume_unwind(panic),
                Ok(Ok(None)) | Err(_) => take().map(|b| b()),
            };
            match rb {
                Some(rb) => (ra, rb),
                None => unreachable!("`b` is taken once, by the thread or here"),
            }
        })
    }
}

/// How long each stage of a run took (`--timings`): a stage ends where the next begins.
struct Timings {
    on: bool,
    start: Instant,
    last: Instant,
    /// The stage under way, named when it began (the analysis names its steps as they start).
    current: Option<String>,
    done: Vec<(String, Duration)>,
}

impl Timings {
    fn new(on: bool) -> Self {
        let now = Instant::now();
        Timings { on, start: now, last: now, current: None, done: Vec::new() }
    }

    fn off() -> Self {
        Timings::new(false)
    }

    /// The stage under way ends; `next` begins ("done" begins nothing).
    fn step(&mut self, next: &str) {
        if !self.on {
            return;
        }
        let now = Instant::now();
        if let Some(stage) = self.current.take() {
            self.done.push((stage, now - self.last));
        }
        self.last = now;
        self.current = (next != "done").then(|| next.to_string());
    }

    fn print(&mut self) {
        if !self.on {
            return;
        }
        self.step("done");
        let mut err = io::stderr().lock();
        let width = self.done.iter().map(|(s, _)| s.len()).max().unwrap_or(0);
        for (stage, took) in &self.done {
            let _ = writeln!(err, "{stage:<width$}  {:>8.1} ms", took.as_secs_f64() * 1e3);
        }
        let _ = writeln!(err, "{:<width$}  {:>8.1} ms", "total", self.start.elapsed().as_secs_f64() * 1e3);
    }
}

pub fn run(args: AnalyzeArgs) -> Result<(), Failure> {
    let mut timings = Timings::new(args.timings);
    timings.step("reading the inputs and building the model");
    // SARIF points at lines: large native JSON is read with its positions for it.
    let inputs = input::load_compared(&args.input, &args.observed, args.format == OutputFormat::Sarif)?;
    let report = compared_timed(&inputs, &args.budgets.options(), &mut timings);
    timings.step(match args.format {
        OutputFormat::Text => "writing the text report",
        OutputFormat::Json => "writing the JSON report",
        OutputFormat::Markdown => "writing the Markdown report",
        OutputFormat::Sarif => "writing the SARIF report",
    });
    // JSON and SARIF are written while they are serialized: the stage above is their printing.
    let printed = match args.format {
        OutputFormat::Json => output::print_json(&report),
        OutputFormat::Sarif => {
            let uris: Vec<&str> = inputs.names.iter().map(String::as_str).collect();
            let log = blastmap_core::export::sarif_log(&report, &inputs.loaded.compiled, &uris);
            output::print_json(&log)
        }
        OutputFormat::Text | OutputFormat::Markdown => {
            let text = match args.format {
                OutputFormat::Text => render::text(&report, output::color()),
                _ => render::markdown(&report),
            };
            timings.step("printing");
            let printed = output::print(&text);
            std::mem::forget(text);
            printed
        }
    };
    timings.print();
    // The process ends after this: the topology and the report (and the text, above) are left
    // to the system rather than freed one allocation at a time (a tenth of the run at a
    // million edges).
    std::mem::forget((inputs, report));
    printed
}
