//! Blastmap's graph layout, pure and DOM-free: the page hands it a [`Graph`] and draws what
//! comes back.
//!
//! Three steps, each a plain function:
//! 1. [`focus`]: keep only the neighbourhood of some nodes, N hops up and down.
//! 2. [`view`]: roll nodes up into one node per region, zone, kind or group, or per band of
//!    dependency [`depths`] for shapes no attribute rolls up, with their edges aggregated;
//!    expanded groups show their members, expanded bands narrower bands.
//! 3. [`layout`]: a layered layout — longest-path layering over dependency edges, barycenter
//!    crossing reduction, and placement bands (a column per region, zone boxes inside); a
//!    chain's bands of depth alone, in rows read left to right then down.
//!
//! A hand-written layout rather than a general Sugiyama crate: NOTES.md measured rust-sugiyama
//! at 1.5 s for 5,000 nodes against ~20 ms for this approach, and the page needs the latter.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod depth;
mod graph;
mod layered;
mod view;

pub use depth::{depths, BANDS, BAND_MEMBERS};
pub use graph::{Edge, EdgeKind, Graph, NodeInfo, RollUpBy};
pub use layered::{layout, Band, BandKind, Layout, Params, Placed, GRID_ABOVE};
pub use view::{focus, view, view_with, Adjacency, Key, Part, RollUp, View, ViewEdge, ViewNode};
