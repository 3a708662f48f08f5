//! Integration tests of the core: the examples' pinned findings, snapshots of reports,
//! format errors, and the analyses against a brute-force oracle on random topologies.

// The oracle indexes by node number on purpose: it reads like the definitions it checks.
#![allow(clippy::needless_range_loop)]

mod budget;
mod deep;
mod docs;
mod examples;
mod format;
mod hostile;
mod join;
mod mesh;
mod observed;
mod oracle;
mod parts;
mod policy;
mod props;
mod rank;
mod scram;
mod self_reference;
mod snapshots;
