//! Blastmap's page: a Yew app over the core, compiled to WebAssembly, and the worker that parses
//! and analyses off the main thread. The only crate that touches the DOM; no analysis logic.
//!
//! Plain-Rust modules (tested natively): [`state`], [`load`], [`protocol`], [`share`],
//! [`scene`], [`wire`], [`examples`], [`overlay_text`], [`review`], [`reach`]. Browser modules: [`components`], [`hooks`], [`browser`], [`worker`].

pub mod browser;
pub mod components;
pub mod examples;
pub mod hooks;
pub mod load;
pub mod overlay_text;
pub mod protocol;
pub mod reach;
pub mod review;
pub mod scene;
pub mod share;
pub mod state;
pub mod wire;
pub mod worker;
