//! The top bar's requests: report exports, comparisons and splits go to the analysis worker
//! (it holds the full report, and says why when it has none); the SVG export is drawn from the
//! graph on the page. Also the reach view's request: the worker holds the policies.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use super::super::graph_view::{export, Exporter};
use crate::browser;
use crate::examples;
use crate::protocol::Request;
use crate::state::{Action, Analysis, Notice, Reach, State};

/// Exports `markdown` or `json` (the worker's full report) or `svg` (the graph as drawn).
pub fn on_export(
    analysis: Option<Rc<Analysis>>,
    send: Callback<Request>,
    exporter: Rc<RefCell<Option<Exporter>>>,
    dispatch: UseReducerDispatcher<State>,
) -> Callback<&'static str> {
    Callback::from(move |kind: &'static str| {
        if matches!(kind, "markdown" | "json") {
            return send.emit(Request::Export { format: kind.into() });
        }
        let svg = analysis.as_ref().and_then(|a| {
            let stem = a.report.name.clone().unwrap_or_else(|| "topology".into());
            exporter.borrow().as_ref().and_then(export::svg_file).map(|svg| (stem, svg))
        });
        match svg {
            Some((stem, svg)) => browser::download(&format!("{stem}.svg"), "image/svg+xml", &svg),
            None => dispatch.dispatch(Action::Notice(Some(Notice::warning(
                "Nothing exported: no graph is drawn yet; open an example, a file or paste a topology first.",
            )))),
        }
    })
}

/// Compares the current design with an example (by name).
pub fn on_compare(send: Callback<Request>) -> Callback<&'static str> {
    Callback::from(move |name: &'static str| {
        if let Some(ex) = examples::find(name) {
            send.emit(Request::Compare { against: ex.text.to_string() });
        }
    })
}

/// Splits the current design's tailnets by region and compares.
pub fn on_split(send: Callback<Request>) -> Callback<()> {
    Callback::from(move |()| send.emit(Request::Split { by: "region".into() }))
}

/// Asks the worker for everything the picked principal may reach, when one is picked and again
/// after each analysis (the worker answers in order, so after the analysis it holds).
#[hook]
pub fn use_reach(reach: Option<Reach>, analysis: Option<Rc<Analysis>>, send: Callback<Request>) {
    use_effect_with((reach, analysis.map(super::super::Ptr)), move |(reach, _)| {
        if let Some(r) = reach {
            send.emit(Request::Reach { file: r.file.clone(), principal: r.principal.clone() });
        }
    });
}
