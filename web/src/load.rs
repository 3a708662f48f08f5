//! The one place the page reads a topology: every importer's format, detected from content,
//! and the overlay that refines it.

use blastmap_core::Errors;
use blastmap_import::{FileErrors, Loaded};
use serde::{Deserialize, Serialize};

use crate::protocol::{Input, EXPORT, OVERLAY};

/// An input problem as the editor shows it: which input (0 the export, 1 the overlay), and
/// 1-based line and column when known.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    #[serde(default)]
    pub input: u32,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
    /// False for importer warnings (the topology still loaded).
    pub error: bool,
    /// Not a problem: an explanation of a line (the page reads a warning it knows to be on
    /// purpose this way, such as an overlay line that confirms an inference).
    #[serde(default)]
    pub info: bool,
}

impl Problem {
    /// `line 3, column 7: message` (`overlay line 3, ...` in the overlay), or the message alone.
    pub fn describe(&self) -> String {
        let place = if self.input == 0 { "" } else { "overlay " };
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{place}line {l}, column {c}: {}", self.message),
            (Some(l), None) => format!("{place}line {l}: {}", self.message),
            _ if self.input != 0 => format!("overlay: {}", self.message),
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

/// Reads `inputs` together: the export alone as [`load`] does, or the export and the overlay
/// that refines it (`blastmap_import::load_many`).
///
/// # Errors
/// Every problem found, each in the input it is in.
pub fn load_inputs(inputs: &[Input]) -> Result<Loaded, Vec<Problem>> {
    match inputs {
        [one] => load(&one.text),
        _ => {
            let given: Vec<blastmap_import::Input<'_>> =
                inputs.iter().map(|i| blastmap_import::Input { name: &i.name, text: &i.text, role: i.role }).collect();
            blastmap_import::load_many(&given, None).map_err(|e| file_problems(inputs, e))
        }
    }
}

/// The index of the input called `name`.
fn index_of(inputs: &[Input], name: &str) -> u32 {
    inputs.iter().position(|i| i.name == name).unwrap_or(0) as u32
}

/// The problems of a failure of several inputs: errors of one input name it; errors of the
/// merged inputs say theirs in their positions.
fn file_problems(inputs: &[Input], e: FileErrors) -> Vec<Problem> {
    let whole = (e.files.len() == 1).then(|| index_of(inputs, &e.file));
    let mut out = problems(e.errors);
    for p in &mut out {
        p.input = whole.unwrap_or(p.input);
        beside(inputs, p);
    }
    out
}

/// A problem in a file read beside the export (it has no editor): shown with the export's,
/// naming its file, line and column (`db-1.json:3:11: ...`).
fn beside(inputs: &[Input], p: &mut Problem) {
    let Some(input) = inputs.get(p.input as usize).filter(|i| i.name != EXPORT && i.name != OVERLAY) else { return };
    let place = match (p.line, p.column) {
        (Some(l), Some(c)) => format!("{}:{l}:{c}", input.name),
        (Some(l), None) => format!("{}:{l}", input.name),
        _ => input.name.clone(),
    };
    p.message = format!("{place}: {}", p.message);
    (p.input, p.line, p.column) = (0, None, None);
}

/// The problems of an import failure, for the editor.
pub fn problems(errors: Errors) -> Vec<Problem> {
    errors
        .0
        .into_iter()
        .map(|e| Problem {
            input: e.pos.map_or(0, |p| p.input),
            line: e.pos.map(|p| p.line),
            column: e.pos.map(|p| p.column),
            message: e.message,
            error: true,
            info: false,
        })
        .collect()
}

/// The warnings of a successful import of `inputs`, for the editor.
pub fn warnings(loaded: &Loaded, inputs: &[Input]) -> Vec<Problem> {
    loaded
        .warnings
        .iter()
        .map(|w| Problem {
            input: match (w.pos, &w.file) {
                (Some(p), _) => p.input,
                (None, Some(f)) => index_of(inputs, f),
                (None, None) => 0,
            },
            line: w.pos.map(|p| p.line),
            column: w.pos.map(|p| p.column),
            message: w.message.clone(),
            error: false,
            info: false,
        })
        .map(|mut p| {
            beside(inputs, &mut p);
            p
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
        assert!(warnings(&loaded, &[Input::export("")]).is_empty());
    }

    const COMPOSE: &str = include_str!("../../crates/blastmap-import/tests/fixtures/overlay/shop-compose.yml");

    #[test]
    fn an_overlay_refines_the_export_and_its_problems_are_its_own() {
        let overlay = "overlay: true\ncomponents:\n  - id: frontend\n    requires_at_start: [config]\n  - id: db\n    kind: database\n";
        let loaded = load_inputs(&Input::of(COMPOSE, overlay)).unwrap();
        let notes = &loaded.compiled.written.notes;
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert_eq!(notes[0].message, "`frontend` → `config`: requires → requires_at_start (overlay:4:25)");
        // A value already so is a warning in the overlay, at its line.
        let stale = overlay.replace("kind: database", "image: x").replace("    image: x\n", "    critical: false\n");
        let loaded = load_inputs(&Input::of(COMPOSE, &stale)).unwrap();
        let w = warnings(&loaded, &Input::of(COMPOSE, &stale));
        assert!(w.iter().any(|p| p.input == 1 && p.line == Some(6) && !p.error), "{w:?}");
        // An unknown id is an error in the overlay, at its line.
        let bad = overlay.replace("id: db", "id: dbb");
        let errors = load_inputs(&Input::of(COMPOSE, &bad)).unwrap_err();
        assert_eq!((errors[0].input, errors[0].line), (1, Some(5)), "{errors:?}");
        assert!(errors[0].message.contains("did you mean `db`"), "{}", errors[0].message);
        // An overlay that does not parse: its whole-input error is the overlay's too.
        let errors = load_inputs(&Input::of(COMPOSE, "overlay: true\ncomponents: [\n")).unwrap_err();
        assert_eq!(errors[0].input, 1, "{errors:?}");
        // The export's own errors stay the export's.
        let errors = load_inputs(&Input::of("components:\n  - id: [x\n", overlay)).unwrap_err();
        assert_eq!(errors[0].input, 0, "{errors:?}");
    }

    #[test]
    fn an_unknown_reference_names_its_line() {
        let errors = load("components:\n- id: web\n  requires: [dbb]\n- id: db\n").unwrap_err();
        assert_eq!(errors[0].line, Some(3));
        assert!(errors[0].message.contains("did you mean `db`"), "{}", errors[0].message);
        assert!(errors[0].describe().starts_with("line 3, column "));
    }
}
