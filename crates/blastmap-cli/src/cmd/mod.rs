//! One module per subcommand.

pub mod analyze;
pub mod check;
pub mod diff;
pub mod export;
pub mod generate;
pub mod import;
pub mod schema;
pub mod split;
pub mod what_if;
