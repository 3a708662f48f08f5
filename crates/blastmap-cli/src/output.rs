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

/// Serializes `value` as pretty JSON with a final newline.
pub fn json<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    let mut s = serde_json::to_string_pretty(value).map_err(|e| Failure::Other(e.into()))?;
    s.push('\n');
    Ok(s)
}
