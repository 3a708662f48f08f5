//! Integration tests of the core: the examples' pinned findings, snapshots of reports,
//! format errors, and the analyses against a brute-force oracle on random topologies.

mod examples;
mod format;
mod oracle;
mod props;
mod scram;
mod snapshots;
