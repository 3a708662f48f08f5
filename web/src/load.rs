//! The one place the page reads a topology: every importer's format, detected from content.

use blastmap_core::Errors;
use blastmap_import::Loaded;
use serde::{Deserialize, Serialize};

/// An input problem as the editor shows it: 1-based line and column when known.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
    /// False for importer warnings (the topology still loaded).
    pub error: bool,
}

impl Problem {
    /// `line 3, column 7: message`, or the message alone.
    pub fn describe(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("line {l}, column {c}: {}", self.message),
            (Some(l), None) => format!("line {l}: {}", self.message),
            _ => self.message.clone(),
        }
    }
}

/// Reads `text` in whatever format it is in (`blastmap_import::load` detects it).
///
/// # Errors
/// Every problem the importer or the model's validation found, with positions.
pub fn load(text: &str) -> Result<Loaded, Vec<Problem>> {
    blastmap_import::load(text, None).map_err(problems)
}

/// The problems of an import failure, for the editor.
pub fn problems(errors: Errors) -> Vec<Problem> {
    errors
        .0
        .into_iter()
        .map(|e| Problem {
            line: e.pos.map(|p| p.line),
            column: e.pos.map(|p| p.column),
            message: e.message,
            error: true,
        })
        .collect()
}

/// The warnings of a successful import, for the editor.
pub fn warnings(loaded: &Loaded) -> Vec<Problem> {
    loaded
        .warnings
        .iter()
        .map(|w| Problem {
            line: w.pos.map(|p| p.line),
            column: w.pos.map(|p| p.column),
            message: w.message.clone(),
            error: false,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_the_native_format() {
        let loaded = load("components:\n- {id: web, requires: [db]}\n- {id: db}\n").unwrap();
        assert_eq!(loaded.compiled.model.len(), 2);
        assert!(warnings(&loaded).is_empty());
    }

    #[test]
    fn an_unknown_reference_names_its_line() {
        let errors = load("components:\n- id: web\n  requires: [dbb]\n- id: db\n").unwrap_err();
        assert_eq!(errors[0].line, Some(3));
        assert!(errors[0].message.contains("did you mean `db`"), "{}", errors[0].message);
        assert!(errors[0].describe().starts_with("line 3, column "));
    }
}
