//! Errors in a topology: what is wrong, and where (1-based line and column) when that is known.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A position in the input, 1-based, columns counted in characters. When several inputs are
/// merged, `input` says which one (its index in the order they were given; 0 for a single input).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Pos {
    #[serde(default, skip_serializing_if = "is_zero")]
    pub input: u32,
    pub line: u32,
    pub column: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Pos {
    /// Line 1, column 1 of the (first) input: where an error about the whole input points.
    pub const START: Pos = Pos { input: 0, line: 1, column: 1 };

    /// A position in the first (or only) input.
    pub fn new(line: u32, column: u32) -> Self {
        Pos { input: 0, line, column }
    }

    /// The same position, in input `input`.
    pub fn in_input(self, input: u32) -> Self {
        Pos { input, ..self }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// What kind of mistake an [`Error`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text is not well-formed YAML or JSON.
    Syntax,
    /// Nothing but whitespace and comments.
    Empty,
    /// A field the format does not have.
    UnknownField,
    /// A value of the wrong type or out of range.
    InvalidValue,
    /// A reference to an id that no component has.
    UnknownReference,
    /// Two components with the same id.
    DuplicateId,
    /// The same id twice in one list.
    DuplicateReference,
    /// `need` below 1 or above the number of `requires`.
    InvalidNeed,
    /// A component that requires itself.
    SelfReference,
}

/// One problem in a topology, with its position when known.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Error {
    pub kind: ErrorKind,
    pub pos: Option<Pos>,
    pub message: String,
}

impl Error {
    pub fn new(kind: ErrorKind, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Error { kind, pos, message: message.into() }
    }

    /// The input is empty (or blank); `expected` says what it should hold.
    pub fn empty_input(expected: &str) -> Self {
        Error::new(ErrorKind::Empty, Some(Pos::START), format!("the input is empty: expected {expected}"))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(pos) => write!(f, "{pos}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

/// All the problems found in one input, in the order they occur (never empty).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Errors(pub Vec<Error>);

impl Errors {
    pub fn one(error: Error) -> Self {
        Errors(vec![error])
    }

    /// The first error.
    pub fn first(&self) -> Option<&Error> {
        self.0.first()
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

impl From<Error> for Errors {
    fn from(e: Error) -> Self {
        Errors::one(e)
    }
}

/// "Did you mean" for an unknown name: the closest candidate within a small edit distance.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).clamp(1, 4);
    candidates
        .into_iter()
        .map(|c| (edit_distance(name, c, limit + 1), c))
        .filter(|&(d, _)| d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// Levenshtein distance, stopping early once it exceeds `cap`.
fn edit_distance(a: &str, b: &str, cap: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > cap {
        return cap + 1;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > cap {
            return cap + 1;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let ids = ["event-store", "dc-east", "dc-west"];
        assert_eq!(suggest("event-stor", ids), Some("event-store"));
        assert_eq!(suggest("dc-esat", ids), Some("dc-east"));
        assert_eq!(suggest("billing", ids), None);
    }
}
