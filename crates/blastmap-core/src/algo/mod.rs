//! The analyses, one file each, re-exported flat. Every one is exact under the fixed-point
//! semantics of `docs/semantics.md` and documents its complexity; each builds its own findings
//! (a `findings` function beside it, reached as `algo::<analysis>::findings`).

pub(crate) mod availability;
pub(crate) mod blind_spots;
pub(crate) mod blinding;
pub(crate) mod cold_start;
mod cone;
pub(crate) mod cut_sets;
pub(crate) mod cycles;
pub(crate) mod rank;
pub(crate) mod redundancy;
pub(crate) mod restart;
pub(crate) mod security;
mod single;
pub(crate) mod spof;
mod steady;
mod what_if;

pub use availability::{availability, availability_with_limit, Importance, Method, TargetAvailability};
pub use blind_spots::{blind_spots, BlindSpot};
pub use blinding::{blindings, Blinding};
pub use cold_start::{cold_start, ColdStart, NEVER};
pub use cut_sets::{cut_sets, Coverage, CutSets, DoublePoint, Ranked, TargetSearch, DEFAULT_CUT_BUDGET};
pub use cycles::{cycle_path, cycles, runtime_sccs, sccs, Cycle, CycleKind};
pub use rank::{Equivalence, SpofRank};
pub use redundancy::{redundancy, Redundancy, DEFAULT_BUDGET};
pub use restart::{restart_hazards, RestartHazard};
pub use security::{credential_reach, Reach, LEAST_PRIVILEGE};
pub use single::{single_failures, Killers, MostSpecific};
pub use spof::{criticality, spofs, spofs_within, Criticality, Spof};
pub use steady::{steady_state, Steady};
pub use what_if::{what_if, what_if_from, Dependents, Status, WhatIf};
