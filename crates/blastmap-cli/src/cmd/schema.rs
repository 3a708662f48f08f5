//! `blastmap schema`: the JSON Schema of the native format.

use crate::{output, Failure};

pub fn run() -> Result<(), Failure> {
    output::print(&blastmap_core::spec::json_schema())
}
