//! Sends every new text to the analysis worker and turns its answers into actions. A worker
//! busy with a stale text is terminated and replaced, so typing never waits for an old analysis.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use yew::prelude::*;

use crate::protocol::{Request, Response};
use crate::state::{Action, Analysis, Parsed, State};

/// The worker's script, built by Trunk from the `blastmap-worker` bin.
const WORKER_URL: &str = "./blastmap-worker_loader.js";

/// What the page knows about its worker.
#[derive(Default)]
struct Link {
    /// The worker said [`Response::Ready`]; before that, requests wait in `pending`.
    ready: bool,
    /// A request is being worked on.
    busy: bool,
    pending: Option<String>,
    /// The page's model of the topology being analysed, built from [`Response::Parsed`] while
    /// the worker analyses it, waiting for [`Response::Done`].
    parsed: Option<(u64, Parsed)>,
}

struct Spawned {
    worker: web_sys::Worker,
    link: Rc<RefCell<Link>>,
    _onmessage: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl Spawned {
    /// Sends an analysis request (at most one waits for the worker to be ready).
    fn send(&self, message: String) {
        let mut link = self.link.borrow_mut();
        link.busy = true;
        if link.ready {
            let _ = self.worker.post_message(&JsValue::from_str(&message));
        } else {
            link.pending = Some(message);
        }
    }
}

fn on_response(dispatch: &UseReducerDispatcher<State>, link: &RefCell<Link>, response: Response) {
    match response {
        Response::Export { file_name, mime, content } => crate::browser::download(&file_name, &mime, &content),
        Response::Parsed { id, format, topology, warnings, parse_ms } => {
            match Parsed::new(*topology, format, warnings, parse_ms) {
                Ok(parsed) => link.borrow_mut().parsed = Some((id, parsed)),
                Err(problems) => dispatch.dispatch(Action::Worker(Rc::new(Response::Failed { id, problems }))),
            }
        }
        Response::Done { id, report, totals, analyze_ms } => {
            let parsed = link.borrow_mut().parsed.take().filter(|(p, _)| *p == id);
            if let Some((_, parsed)) = parsed {
                let warnings = parsed.warnings.clone();
                let analysis = Analysis::new(parsed, *report, totals, analyze_ms);
                dispatch.dispatch(Action::Loaded { revision: id, analysis: Rc::new(analysis), warnings });
            }
        }
        other => dispatch.dispatch(Action::Worker(Rc::new(other))),
    }
}

fn spawn(dispatch: UseReducerDispatcher<State>) -> Option<Spawned> {
    let options = web_sys::WorkerOptions::new();
    let worker = web_sys::Worker::new_with_options(WORKER_URL, &options).ok()?;
    let link = Rc::new(RefCell::new(Link::default()));
    let (shared, port) = (link.clone(), worker.clone());
    let onmessage = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        let Some(json) = e.data().as_string() else { return };
        let Ok(response) = serde_json::from_str::<Response>(&json) else { return };
        match response {
            Response::Ready => {
                let mut l = shared.borrow_mut();
                l.ready = true;
                if let Some(request) = l.pending.take() {
                    let _ = port.post_message(&JsValue::from_str(&request));
                }
            }
            Response::Progress { .. }
            | Response::Parsed { .. }
            | Response::Export { .. }
            | Response::Diff(_)
            | Response::DiffFailed { .. } => on_response(&dispatch, &shared, response),
            _ => {
                shared.borrow_mut().busy = false;
                on_response(&dispatch, &shared, response);
            }
        }
    });
    worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    Some(Spawned { worker, link, _onmessage: onmessage })
}

/// Analyses `text` (revision `revision`) in the worker whenever the revision changes. Returns
/// a callback that sends the worker any other request (an export of the full report, a
/// comparison, a split).
#[hook]
pub fn use_analysis(text: Rc<str>, revision: u64, dispatch: UseReducerDispatcher<State>) -> Callback<Request> {
    let spawned = use_mut_ref(|| None::<Spawned>);
    {
        // Start the worker at once: its WebAssembly loads while the user picks a topology.
        let (spawned, dispatch) = (spawned.clone(), dispatch.clone());
        use_effect_with((), move |_| {
            let mut slot = spawned.borrow_mut();
            if slot.is_none() {
                *slot = spawn(dispatch);
            }
        });
    }
    let send = {
        let spawned = spawned.clone();
        Callback::from(move |request: Request| {
            let Some(s) = spawned.borrow().as_ref().map(|s| s.worker.clone()) else { return };
            let _ = s.post_message(&JsValue::from_str(&request.encode()));
        })
    };
    use_effect_with(revision, move |&revision| {
        if revision > 0 && !text.trim().is_empty() {
            let mut slot = spawned.borrow_mut();
            let stale = slot.as_ref().is_some_and(|s| {
                let l = s.link.borrow();
                l.busy && l.ready
            });
            if stale {
                if let Some(old) = slot.take() {
                    old.worker.terminate();
                }
            }
            if slot.is_none() {
                *slot = spawn(dispatch);
            }
            if let Some(s) = slot.as_ref() {
                s.send(Request::Analyze { id: revision, text: text.to_string() }.encode());
            }
        }
    });
    send
}
