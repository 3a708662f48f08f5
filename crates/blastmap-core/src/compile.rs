//! One step from a document as written to what the analyses read: the mesh vocabulary expanded
//! into plain components, the source of every component remembered, the model built and
//! validated. Everything downstream (reports, positions in SARIF, the page) reads a [`Compiled`].
//!
//! Layering inside the core (an invariant; ARCHITECTURE.md): `spec`, `error`, `note` and
//! `format` know nothing of the rest; `model` builds from a plain document; `algo` reads only the
//! model; `mesh` expands documents and reads analyses in its own terms; this module ties them
//! together; `report`, `render`, `diff`, `split` and `export` read what it produces.

use crate::error::{Errors, Pos};
use crate::format::{self, Document, Section, Source};
use crate::mesh::{self, Mesh};
use crate::model::{Model, NodeId, Origin};

/// A document compiled for analysis.
#[derive(Clone, Debug)]
pub struct Compiled {
    /// The document as written (positions point into it).
    pub written: Document,
    /// The plain document the model was built from, when it differs from `written` (the mesh
    /// vocabulary expanded); see [`Compiled::expanded`].
    expansion: Option<Document>,
    /// For each component of `expanded`, where it came from in `written`.
    pub sources: Vec<Source>,
    pub model: Model,
    /// The mesh vocabulary (tailnets, shards, relays), when the document used it.
    pub mesh: Option<Mesh>,
}

impl Compiled {
    /// The plain document the model was built from: `written` with the mesh vocabulary
    /// expanded, or `written` itself when it has none (not copied).
    pub fn expanded(&self) -> &Document {
        self.expansion.as_ref().unwrap_or(&self.written)
    }

    /// Where node `v` stands in the written input: a component's `id`; a generated component's
    /// source entry; a placement value's first use.
    pub fn position(&self, v: NodeId) -> Option<Pos> {
        match self.model.node(v).origin {
            Origin::Component(i) => {
                let source = self.sources.get(i)?;
                self.written.position(source.section, source.index)
            }
            Origin::Placement(attr) => {
                let value = self.model.name(v).split_once(':').map(|(_, value)| value)?;
                let doc = self.expanded();
                doc.topology.components.iter().enumerate().find_map(|(i, c)| {
                    c.placement()
                        .any(|(a, v)| a == attr && v == value)
                        .then(|| doc.spans_of(i).and_then(|s| s.placement.get(attr).copied().flatten().or(s.id)))
                        .flatten()
                })
            }
        }
    }

    /// [`Compiled::position`] of the node with this id.
    pub fn position_of(&self, id: &str) -> Option<Pos> {
        self.model.lookup(id).and_then(|v| self.position(v))
    }

    /// Where node `v` came from, when it is a component (placement values have no source).
    pub fn source(&self, v: NodeId) -> Option<Source> {
        match self.model.node(v).origin {
            Origin::Component(i) => self.sources.get(i).copied(),
            Origin::Placement(_) => None,
        }
    }
}

/// Expands, builds and validates a document.
///
/// # Errors
/// Unknown mesh references and every validation error of [`Model::build`], with positions.
///
/// # Complexity
/// O(|V| + |E|) time and space.
pub fn compile(written: Document) -> Result<Compiled, Errors> {
    if written.topology.uses_mesh() {
        let (expanded, sources) = mesh::expand(&written)?;
        let model = Model::build(&expanded)?;
        let mesh = Some(mesh::summarize(&written.topology, &model));
        return Ok(Compiled { written, expansion: Some(expanded), sources, model, mesh });
    }
    let model = Model::build(&written)?;
    let sources = (0..written.topology.components.len()).map(Source::written).collect();
    Ok(Compiled { written, expansion: None, sources, model, mesh: None })
}

/// Parses the native format (YAML or JSON) and compiles it. When the fast JSON path lost
/// positions and the topology is invalid, reads the text again with positions so that the
/// errors point at lines.
///
/// ```
/// let c = blastmap_core::load("components:\n- {id: web, requires: [db]}\n- {id: db}\n").unwrap();
/// assert_eq!(c.model.targets().len(), 1);
/// ```
///
/// # Errors
/// Everything [`format::parse`] and [`compile`] report.
pub fn load(text: &str) -> Result<Compiled, Errors> {
    let doc = format::parse(text)?;
    let positioned = doc.spans.iter().any(|s| s.id.is_some()) || doc.topology.components.is_empty();
    match compile(doc) {
        Ok(c) => Ok(c),
        Err(errors) if positioned || errors.0.iter().all(|e| e.pos.is_some()) => Err(errors),
        Err(_) => compile(format::parse_spanned(text)?),
    }
}

/// Section of the written document a source names, for messages.
pub fn section_name(section: Section) -> &'static str {
    match section {
        Section::Components => "components",
        Section::Shards => "shards",
        Section::Relays => "relays",
        Section::Tailnets => "tailnets",
    }
}
