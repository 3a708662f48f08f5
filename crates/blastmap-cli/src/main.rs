//! The `blastmap` binary: parses arguments, dispatches to one subcommand, maps the outcome to an
//! exit code (0 clean, 1 denied findings, 2 bad input or usage).

mod args;
mod cmd;
mod input;
mod output;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

/// mimalloc, not the system allocator: a large estate's run is mostly fresh allocations, which
/// mimalloc serves from arenas backed by huge pages (see the workspace manifest for numbers).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How a command ended when it did not simply succeed.
#[derive(Debug)]
pub enum Failure {
    /// `check` found denied findings (exit 1).
    Denied,
    /// Bad input, already reported on stderr (exit 2).
    Reported,
    /// Anything else (exit 2).
    Other(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Other(e)
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Other(e.into())
    }
}

fn dispatch(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Analyze(a) => cmd::analyze::run(a),
        Command::WhatIf(a) => cmd::what_if::run(a),
        Command::Check(a) => cmd::check::run(a),
        Command::Diff(a) => cmd::diff::run(a),
        Command::Export(a) => cmd::export::run(a),
        Command::Split(a) => cmd::split::run(a),
        Command::Import(a) => cmd::import::run(a),
        Command::Schema => cmd::schema::run(),
        Command::Generate(a) => cmd::generate::run(a),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Denied) => ExitCode::from(1),
        Err(Failure::Reported) => ExitCode::from(2),
        Err(Failure::Other(e)) => {
            if e.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe) {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(io::stderr(), "error: {e:#}");
            ExitCode::from(2)
        }
    }
}
