//! Blastmap's pure core: the topology model, the native format, and the failure analyses.
//!
//! Data flows one way: text → [`format::parse`] → [`format::Document`] → [`compile()`] →
//! [`algo`] → [`report::Report`] → [`render`]. No I/O, no clock, no threads, nothing
//! target-specific: the same code runs in the CLI and, compiled to WebAssembly, in the page.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod algo;
pub mod compile;
pub mod diff;
pub mod error;
pub mod export;
pub mod finding;
pub mod format;
pub mod generate;
pub mod mesh;
pub mod model;
pub mod name;
pub mod note;
pub mod observed;
pub mod policy;
pub mod policy_report;
pub mod render;
pub mod report;
pub mod spec;
pub mod split;

pub use compile::{compile, load, Compiled};
pub use error::{Error, ErrorKind, Errors, Pos};
pub use model::{Model, NodeId};
pub use name::Name;
pub use report::{analyze, Report};
pub use spec::{Component, Topology};
