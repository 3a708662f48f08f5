//! Custom hooks: the analysis worker, and opening what the URL fragment or storage holds.

pub mod use_analysis;
pub mod use_initial_text;
