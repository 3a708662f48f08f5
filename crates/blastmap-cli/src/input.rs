//! Reading a topology from a file or standard input, reporting errors as `FILE:LINE:COLUMN: message`.

use std::io::{self, IsTerminal, Read, Write};
use std::path::Path;

use anyhow::Context;
use blastmap_import::Loaded;

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

/// Reads and loads a topology; on bad input prints every error with its position and returns
/// [`Failure::Reported`].
pub fn load(path: &Path) -> Result<(String, usize, Loaded), Failure> {
    let (name, text) = read(path)?;
    let big = text.len() >= PROGRESS_BYTES && io::stderr().is_terminal();
    if big {
        eprint!("\rreading {name} ({} MB)…", text.len() >> 20);
    }
    let loaded = blastmap_import::load(&text, None);
    if big {
        eprint!("\r\x1b[K");
    }
    match loaded {
        Ok(loaded) => {
            let mut err = io::stderr().lock();
            for w in &loaded.warnings {
                let _ = writeln!(err, "{name}:{w}");
            }
            Ok((name, text.len(), loaded))
        }
        Err(errors) => {
            let mut err = io::stderr().lock();
            for e in &errors.0 {
                let _ = match e.pos {
                    Some(p) => writeln!(err, "{name}:{}:{}: {}", p.line, p.column, e.message),
                    None => writeln!(err, "{name}: {}", e.message),
                };
            }
            Err(Failure::Reported)
        }
    }
}
