//! Importers: every input format Blastmap reads, detected from content, turned into the core's
//! [`Document`] with warnings for whatever could not be mapped. The native format is one of them.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

use std::fmt;

use blastmap_core::format::Document;
use blastmap_core::{Errors, Model, Pos};
use serde::Serialize;

/// The formats Blastmap reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Format {
    /// Blastmap's own YAML or JSON.
    Native,
}

impl Format {
    pub const ALL: [Format; 1] = [Format::Native];

    /// The name used by `--from`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Native => "native",
        }
    }

    /// Parses a `--from` name.
    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Something an importer could not map, or a reference it could not resolve; the import still
/// succeeds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Warning {
    pub pos: Option<Pos>,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(p) => write!(f, "{p}: warning: {}", self.message),
            None => write!(f, "warning: {}", self.message),
        }
    }
}

/// An imported topology, validated.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub format: Format,
    pub document: Document,
    pub model: Model,
    pub warnings: Vec<Warning>,
}

/// Which format `text` is in, judged from its content.
pub fn detect(_text: &str) -> Format {
    Format::Native
}

/// Reads `text` in `from` (detected when `None`) and builds the model.
///
/// # Errors
/// The format's errors, or the model's validation errors, with positions.
pub fn load(text: &str, from: Option<Format>) -> Result<Loaded, Errors> {
    let format = from.unwrap_or_else(|| detect(text));
    match format {
        Format::Native => {
            let (document, model) = blastmap_core::format::load(text)?;
            Ok(Loaded { format, document, model, warnings: Vec::new() })
        }
    }
}
