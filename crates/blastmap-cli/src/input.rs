//! Reading topologies from files or standard input, in any supported format, merged when there
//! are several (overlays given with `--overlay`, then traces given with `--observed`, last), with
//! the tailnets' shards `--shard` names; errors as `FILE:LINE:COLUMN: message`, warnings likewise.

use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use blastmap_core::policy_report::PolicySection;
use blastmap_core::render::visible;
use blastmap_import::{Format, Input, LoadOptions, Loaded, Role};

use crate::args::{InputArgs, ObservedArgs, ShardArgs};
use crate::Failure;

/// Inputs larger than this show progress on a terminal.
pub const PROGRESS_BYTES: usize = 2 << 20;

/// The text of `path` (`-` is standard input) and the name to show in messages.
pub fn read(path: &Path) -> Result<(String, String), Failure> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        io::stdin().read_to_string(&mut text).context("reading standard input")?;
        return Ok(("<stdin>".into(), text));
    }
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok((path.display().to_string(), text))
}

/// What a command read: the inputs' names (in order: `Pos::input` indexes them), their total
/// size, and the merged topology.
pub struct Inputs {
    pub names: Vec<String>,
    pub bytes: usize,
    pub loaded: Loaded,
    /// Each policy file among the inputs checked against the estate (the relays it makes no
    /// path already dropped from `loaded`: [`blastmap_import::policy::enforce`]).
    pub policy: Vec<PolicySection>,
}

impl Inputs {
    /// The first input's name, for messages about the whole topology.
    pub fn name(&self) -> &str {
        self.names.first().map_or("", String::as_str)
    }
}

/// Loads the inputs of a command that does not compare with traces: its files (a trace export
/// among them is part of the design, as it always was), then its `--overlay` files.
pub fn load(input: &InputArgs) -> Result<Inputs, Failure> {
    load_inputs(&input.files, &input.overlay, &[], input.from.as_deref(), &input.shards, Reading::police())
}

/// [`load`] without checking policy files against the estate: the topology as the inputs
/// wrote it (for `import`, which converts and does not analyse).
pub fn load_as_written(input: &InputArgs) -> Result<Inputs, Failure> {
    load_inputs(&input.files, &input.overlay, &[], input.from.as_deref(), &input.shards, Reading::default())
}

/// Loads the inputs of `analyze` and `check`: its files (a trace export beside a design is
/// observed), its `--overlay` files, then its `--observed` files; with `positions`, large
/// native JSON with its positions too (for SARIF, which points at lines).
pub fn load_compared(input: &InputArgs, observed: &ObservedArgs, positions: bool) -> Result<Inputs, Failure> {
    let (files, from) = (&input.files, input.from.as_deref());
    load_inputs(
        files,
        &input.overlay,
        &observed.observed,
        from,
        &input.shards,
        Reading { compare: true, police: true, positions },
    )
}

/// Reads and loads one or more files (merged); on bad input prints every error with its
/// position and returns [`Failure::Reported`].
pub fn load_paths(paths: &[PathBuf], from: Option<&str>, shards: &ShardArgs) -> Result<Inputs, Failure> {
    load_inputs(paths, &[], &[], from, shards, Reading::police())
}

/// The load options `--shard` asks for; a malformed value is reported (what was expected) and
/// is [`Failure::Reported`].
pub fn options(shards: &ShardArgs) -> Result<LoadOptions, Failure> {
    let mut options = LoadOptions::default();
    for arg in &shards.shard {
        if let Err(message) = options.add_shard(arg) {
            let _ = writeln!(io::stderr(), "--shard: {}", visible(&message));
            return Err(Failure::Reported);
        }
    }
    Ok(options)
}

/// How [`load_inputs`] reads the inputs: see there.
#[derive(Clone, Copy, Debug, Default)]
struct Reading {
    compare: bool,
    police: bool,
    positions: bool,
}

impl Reading {
    /// Policy files checked against the estate, nothing compared, no positions asked for.
    fn police() -> Reading {
        Reading { police: true, ..Reading::default() }
    }
}

/// Loads `paths`, then `overlays` as overlays (they refine what `paths` define), then
/// `observed` as observed traces, tailnets on the shards `shards` names. With `reading.compare`, a
/// trace export among `paths` beside a design is observed too ([`Role::Auto`]); without, it is
/// part of the design. With `reading.police`, policy files among them are checked against the
/// estate ([`blastmap_import::policy::enforce`]: the relays they make no path are dropped, and
/// said). With `reading.positions`, large native JSON is read with its positions too.
fn load_inputs(
    paths: &[PathBuf],
    overlays: &[PathBuf],
    observed: &[PathBuf],
    from: Option<&str>,
    shards: &ShardArgs,
    reading: Reading,
) -> Result<Inputs, Failure> {
    let Reading { compare, police, positions } = reading;
    let mut options = options(shards)?;
    options.traces_as_design = !compare;
    options.positions = positions;
    let format = match from {
        None => None,
        Some(name) => match Format::parse(name) {
            Some(f) => Some(f),
            None => {
                let known: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                let _ = writeln!(io::stderr(), "--from: unknown format `{name}`: expected one of {}", known.join(", "));
                return Err(Failure::Reported);
            }
        },
    };
    let mut texts = Vec::with_capacity(paths.len() + overlays.len());
    for p in paths.iter().chain(overlays).chain(observed) {
        texts.push(read(p)?);
    }
    let bytes: usize = texts.iter().map(|(_, t)| t.len()).sum();
    let names: Vec<String> = texts.iter().map(|(n, _)| n.clone()).collect();
    let first = names.first().cloned().unwrap_or_default();
    let big = bytes >= PROGRESS_BYTES && io::stderr().is_terminal();
    if big {
        eprint!("\rreading {} MB…", bytes >> 20);
    }
    let inputs: Vec<Input<'_>> = texts
        .iter()
        .enumerate()
        .map(|(i, (n, t))| {
            let role = if i >= paths.len() + overlays.len() {
                Role::Observed
            } else if i >= paths.len() {
                Role::Overlay
            } else {
                Role::Auto
            };
            Input::new(n, t).with_role(role)
        })
        .collect();
    let loaded = blastmap_import::load_many_with(&inputs, format, &options);
    if big {
        eprint!("\r\x1b[K");
    }
    match loaded {
        Ok(mut loaded) => {
            let (policy, policy_warnings) =
                if police { blastmap_import::policy::enforce(&mut loaded) } else { Default::default() };
            let mut err = io::stderr().lock();
            // Warnings and errors quote the input: shown with control characters escaped.
            for w in loaded.warnings.iter().chain(&policy_warnings) {
                let _ = match &w.file {
                    Some(_) => writeln!(err, "{}", visible(&w.to_string())),
                    None => writeln!(err, "{first}:{}", visible(&w.to_string())),
                };
            }
            Ok(Inputs { names, bytes, loaded, policy })
        }
        Err(e) => {
            let mut err = io::stderr().lock();
            for line in e.to_string().lines() {
                let _ = writeln!(err, "{}", visible(line));
            }
            Err(Failure::Reported)
        }
    }
}
