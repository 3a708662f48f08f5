//! Command-line arguments (clap derive; the doc comments are the help text).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Blastmap finds the failures an architecture diagram hides: single points of failure, false
/// redundancy, dependency cycles, monitoring blind spots, cold-start deadlocks.
#[derive(Debug, Parser)]
#[command(name = "blastmap", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyze a topology and print every finding.
    Analyze(AnalyzeArgs),
    /// Fail components or placement values and show what goes down and why.
    WhatIf(WhatIfArgs),
    /// Exit 1 when a denied kind of finding exists or a budget cut a denied analysis short (for
    /// CI), 0 when neither.
    Check(CheckArgs),
    /// Compare two designs (before and after): findings gained and lost, SPOF changes, blast
    /// radius per placement value.
    Diff(DiffArgs),
    /// Propose per-region (or per-zone, ...) tailnets for tailnets that span several, and show
    /// the design before and after side by side.
    Split(SplitArgs),
    /// Export a topology for another tool (`open-psa`: an Open-PSA MEF fault tree).
    Export(ExportArgs),
    /// Convert exports (DOT, compose, Kubernetes, tailscale status, Jaeger, Backstage,
    /// Terraform) into Blastmap's native format, merging several files into one topology.
    Import(ImportArgs),
    /// Print the JSON Schema of the native format.
    Schema,
    /// Write a generated topology of realistic shape (for benchmarks and demos).
    Generate(GenerateArgs),
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Markdown,
    /// SARIF 2.1.0 for code-scanning annotations (analyze only).
    Sarif,
}

/// Where the topology comes from.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Topology files, in any supported format (detected from content); several are merged into
    /// one topology. A native file given after a file in another format, or one that says
    /// `overlay: true`, refines what the files before it define (docs/overlays.md). For
    /// `analyze` and `check`, a Jaeger or service-graph file beside a design is what traces
    /// observed, compared with it. `-` reads standard input.
    #[arg(value_name = "FILE", required = true, num_args = 1..)]
    pub files: Vec<PathBuf>,
    /// A native file that refines, by id, what the FILEs define (an overlay: edge kinds,
    /// placement, what is critical; docs/overlays.md). Repeatable; read after the FILEs, in order.
    #[arg(long, value_name = "FILE")]
    pub overlay: Vec<PathBuf>,
    /// Read every input as this format instead of detecting it: native, dot, compose,
    /// kubernetes, tailscale, jaeger, backstage, terraform, tailscale-policy, service-graph.
    #[arg(long, value_name = "FORMAT")]
    pub from: Option<String>,
    #[command(flatten)]
    pub shards: ShardArgs,
}

/// Where tailnets live (status exports do not say).
#[derive(Debug, Args, Default)]
pub struct ShardArgs {
    /// The coordination shard tailnet TAILNET sits on (`tailscale status --json` does not say;
    /// without it the tailnet gets the shard `coordination:TAILNET`, and a warning). Repeatable.
    #[arg(long = "shard", value_name = "TAILNET=SHARD")]
    pub shard: Vec<String>,
}

/// Traces to compare with the design.
#[derive(Debug, Args)]
pub struct ObservedArgs {
    /// What traces observed, compared with the design (FILEs): a Jaeger `/api/dependencies`
    /// export, an OpenTelemetry service graph (Prometheus text or OTLP JSON), or a native file
    /// whose dependencies are the observed calls. Repeatable. A Jaeger or service-graph file
    /// among the FILEs, beside a design, is read so without this flag.
    #[arg(long, value_name = "FILE")]
    pub observed: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub observed: ObservedArgs,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    #[command(flatten)]
    pub budgets: BudgetArgs,
    /// Print how long each stage took (reading, each step of the analysis, writing the report)
    /// to standard error, after the report.
    #[arg(long)]
    pub timings: bool,
}

/// How much work the searches that can be cut may do; a cut result is reported as a bound or a
/// partial list, never silently.
#[derive(Debug, Args)]
pub struct BudgetArgs {
    /// Failure sets one k-of-n gate's tolerance search may try before it reports bounds.
    #[arg(long, default_value_t = blastmap_core::algo::DEFAULT_BUDGET)]
    pub budget: u64,
    /// Candidate sets the double/triple point search may try over all targets.
    #[arg(long, default_value_t = blastmap_core::algo::DEFAULT_CUT_BUDGET)]
    pub cut_budget: u64,
}

impl BudgetArgs {
    /// The analysis options these budgets ask for.
    pub fn options(&self) -> blastmap_core::report::Options {
        blastmap_core::report::Options {
            redundancy_budget: self.budget,
            cut_budget: self.cut_budget,
            ..blastmap_core::report::Options::default()
        }
    }
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The design before the change.
    #[arg(value_name = "BEFORE")]
    pub before: PathBuf,
    /// The design after the change.
    #[arg(value_name = "AFTER")]
    pub after: PathBuf,
    #[command(flatten)]
    pub shards: ShardArgs,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    #[command(flatten)]
    pub budgets: BudgetArgs,
}

#[derive(Debug, Args)]
pub struct SplitArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The placement attribute to split by.
    #[arg(long, default_value = "region")]
    pub by: String,
    /// Write the proposed topology (native YAML) to this file.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Output format of the review.
    #[arg(long, short, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GenerateFormat::Yaml)]
    pub to: GenerateFormat,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Target format.
    #[arg(long, value_enum)]
    pub to: ExportFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Open-PSA Model Exchange Format fault tree (for scram and other fault-tree analyzers).
    OpenPsa,
}

#[derive(Debug, Args)]
pub struct WhatIfArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// A component id or placement value (`region:us-east-1`) to fail; repeat for several.
    #[arg(long = "fail", value_name = "ID", required = true)]
    pub fail: Vec<String>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub observed: ObservedArgs,
    /// Kinds of finding that fail the check, comma-separated: spof, false-redundancy, cycle,
    /// blind-spot, blinding, deadlock, restart-hazard, double-point, credential-reach, mesh-outage,
    /// hidden-dependency, unobserved-dependency (with traces to compare), policy-allows-all,
    /// policy-blast-radius, route-takeover, forbidden-relay (with a tailnet policy file). Add `:critical` to
    /// deny only findings that touch a component marked `critical` (e.g. `spof:critical`: a SPOF
    /// that takes down a critical target).
    #[arg(long, value_delimiter = ',', default_value = "spof,false-redundancy,cycle,blind-spot,deadlock")]
    pub deny: Vec<String>,
    /// Pass when a budget cut a denied analysis short and nothing denied was found in what it
    /// did search. Without it the check fails closed: a cut answer is not an "ok".
    #[arg(long)]
    pub allow_partial: bool,
    #[command(flatten)]
    pub budgets: BudgetArgs,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Approximate number of dependency edges (the realistic shape).
    #[arg(long, default_value_t = 10_000)]
    pub edges: usize,
    /// A deep shape instead of the realistic one: `chain` (a `requires` chain of `--depth`
    /// components), `start-chain` (the same with `requires_at_start`) or `spine` (a `requires`
    /// chain of `--depth` under `--leaves` leaves that each require its top).
    #[arg(long, value_enum)]
    pub shape: Option<Shape>,
    /// The depth of a deep shape.
    #[arg(long, default_value_t = 100_000)]
    pub depth: usize,
    /// The leaves under a `spine`.
    #[arg(long, default_value_t = 100_000)]
    pub leaves: usize,
    /// Seed; the same seed gives the same topology.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GenerateFormat::Json)]
    pub format: GenerateFormat,
}

/// The deep shapes of `generate --shape`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Shape {
    Chain,
    StartChain,
    Spine,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GenerateFormat {
    Json,
    Yaml,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn from_help_names_every_format() {
        let mut cmd = Cli::command();
        let analyze = cmd.find_subcommand_mut("analyze").map(|c| c.render_long_help().to_string()).unwrap_or_default();
        for f in blastmap_import::Format::ALL {
            assert!(analyze.contains(f.name()), "--from help lacks `{}`:\n{analyze}", f.name());
        }
        assert!(analyze.contains("--shard <TAILNET=SHARD>"), "{analyze}");
    }
}
