//! Reading topologies from files or standard input, in any supported format, merged when there
//! are several (overlays given with `--overlay` last); errors as `FILE:LINE:COLUMN: message`,
//! warnings likewise.

use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use blastmap_core::render::visible;
use blastmap_import::{Format, Input, Loaded, Role};

use crate::args::InputArgs;
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
}

impl Inputs {
    /// The first input's name, for messages about the whole topology.
    pub fn name(&self) -> &str {
        self.names.first().map_or("", String::as_str)
    }
}

/// Loads the inputs of a command: its files, then its `--overlay` files.
pub fn load(input: &InputArgs) -> Result<Inputs, Failure> {
    load_with_overlays(&input.files, &input.overlay, input.from.as_deref())
}

/// Reads and loads one or more files (merged); on bad input prints every error with its
/// position and returns [`Failure::Reported`].
pub fn load_paths(paths: &[PathBuf], from: Option<&str>) -> Result<Inputs, Failure> {
    load_with_overlays(paths, &[], from)
}

/// [`load_paths`] of `paths`, then of `overlays` as overlays (they refine what `paths` define).
pub fn load_with_overlays(paths: &[PathBuf], overlays: &[PathBuf], from: Option<&str>) -> Result<Inputs, Failure> {
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
    for p in paths.iter().chain(overlays) {
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
            let role = if i < paths.len() { Role::Auto } else { Role::Overlay };
            Input::new(n, t).with_role(role)
        })
        .collect();
    let loaded = blastmap_import::load_many(&inputs, format);
    if big {
        eprint!("\r\x1b[K");
    }
    match loaded {
        Ok(loaded) => {
            let mut err = io::stderr().lock();
            // Warnings and errors quote the input: shown with control characters escaped.
            for w in &loaded.warnings {
                let _ = match &w.file {
                    Some(_) => writeln!(err, "{}", visible(&w.to_string())),
                    None => writeln!(err, "{first}:{}", visible(&w.to_string())),
                };
            }
            Ok(Inputs { names, bytes, loaded })
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
