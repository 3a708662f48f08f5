//! Notes: what the input did not say but the topology now holds — an importer's inference, an
//! overlay's refinement, an edge seen only in traces — each with where it came from, so that
//! nothing in a report is invented in silence.

use serde::{Deserialize, Serialize};

use crate::error::Pos;
use crate::format::RefField;

/// Where a fact that is not plainly declared came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoteKind {
    /// An importer's reading of the export (a telemetry sink, an entry point, a load generator).
    Inferred,
    /// An overlay's refinement (the architect's judgement, reviewed with the export).
    Overlay,
    /// A comparison of the declared design with what traces observed.
    Observed,
    /// What a tailnet policy file changed in the analysis (a peer relay it forbids is no path).
    Policy,
}

/// One dependency edge a note is about: `from` lists `to` in `field`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EdgeRef {
    pub from: String,
    pub to: String,
    /// Its kind now (`None` when the note says it was dropped, or, for an `observed.only` mark,
    /// that the design does not have it).
    pub field: Option<RefField>,
    /// Its kind before the note's change (`None` when the note added it).
    pub was: Option<RefField>,
}

/// A fact the topology holds that its input did not plainly declare.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Note {
    pub kind: NoteKind,
    /// A stable name of the rule that made it (`compose.telemetry-sink`, `overlay.critical`).
    pub rule: String,
    /// The component it is about.
    pub subject: String,
    /// The edge it is about, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edge: Option<EdgeRef>,
    /// Where it stands in its input (the input is `pos.input`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pos: Option<Pos>,
    /// One line a person reads, saying what was concluded and why.
    pub message: String,
}
