//! Writing results to standard output; color only on a terminal and without NO_COLOR.

use std::io::{self, IsTerminal, Write};

use crate::Failure;

/// True when stdout is a terminal that accepts color.
pub fn color() -> bool {
    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Writes `text` to stdout (a closed pipe is not an error).
pub fn print(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(Failure::from),
    }
}

/// Writes `value` to stdout as pretty JSON with a final newline while it is serialized, through
/// a buffer, instead of building the whole text first (a report at a million edges is ~150 MB
/// of JSON, which a string would first fault in page by page). A closed pipe is not an error;
/// another error leaves what was written so far and fails the command.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Failure> {
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let written = serde_json::to_writer_pretty(&mut out, value)
        .map_err(io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(Failure::from),
    }
}
