//! Sends every new text (the export, and the overlay that refines it) to the analysis worker
//! and turns its answers into actions. A worker busy with a stale text is terminated and
//! replaced, so typing never waits for an old analysis.
//!
//! A worker that fails — its script or WebAssembly does not load (an `error` event), a message
//! of it cannot be read (`messageerror`), or it panics (its panic hook posts
//! [`Response::Panicked`] before it dies) — is terminated and reported
//! ([`Action::WorkerFailed`]), and replaced once: the current text is sent to the new worker.
//! If that one fails too, the page says so and starts no other until the next text, so a text
//! that crashes the worker is not retried in a loop.
//!
//! [`Request::Cancel`] (the progress bar's Cancel button) is answered here, not by the worker:
//! it is terminated mid-analysis and a fresh one started; the text stays in the editor.
//!
//! What crosses from the worker: JSON answers, and once per analysis the model it built,
//! packed into two transferred buffers ([`Response::Parsed`], read by `read`): the page holds
//! the same model without parsing or compiling the text (it draws it and answers what-ifs on
//! it while the worker analyses), then gets the trimmed report ([`Response::Done`]).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use yew::prelude::*;

use crate::browser::mark;
use crate::protocol::{Input, Request, Response};
use crate::state::{Action, Analysis, Beside, Crash, Notice, Parsed, State};

/// The worker's loader (`web/worker.js`): it starts the `blastmap-worker` bin that Trunk builds,
/// and turns a WebAssembly that does not load into an error the page hears of.
const WORKER_URL: &str = "./worker.js";

/// One worker and what the page knows about it.
struct Spawned {
    worker: web_sys::Worker,
    /// Which start this is: what workers since replaced say is ignored.
    generation: u64,
    /// The worker said [`Response::Ready`]; before that, requests wait in `waiting`.
    ready: bool,
    /// An analysis is being worked on.
    busy: bool,
    /// Requests sent before the worker was ready, in order (one analysis at most).
    waiting: Vec<Request>,
    /// The page's copy of the model being analysed, unpacked from [`Response::Parsed`] while
    /// the worker analyses it, waiting for [`Response::Done`].
    parsed: Option<(u64, Parsed)>,
    _onmessage: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _onerror: Closure<dyn FnMut(web_sys::Event)>,
    _onmessageerror: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

/// The page's side of the worker.
struct Wiring {
    spawned: Option<Spawned>,
    /// Workers started so far.
    starts: u64,
    /// The analysis last asked for (revision, export, overlay): sent again to a replacement
    /// worker.
    current: Option<(u64, Rc<str>, Rc<str>, Beside)>,
    /// A failed worker may still be replaced, once per text.
    may_restart: bool,
    /// Failed workers, kept until the next text: one of their handlers may be running.
    retired: Vec<Spawned>,
    dispatch: UseReducerDispatcher<State>,
}

type Shared = Rc<RefCell<Wiring>>;

/// Starts a worker in the empty slot.
fn spawn(shared: &Shared) {
    let generation = {
        let mut w = shared.borrow_mut();
        w.starts += 1;
        w.starts
    };
    let worker = match web_sys::Worker::new_with_options(WORKER_URL, &web_sys::WorkerOptions::new()) {
        Ok(worker) => worker,
        Err(e) => {
            let dispatch = shared.borrow().dispatch.clone();
            let reason = js_sys::Reflect::get(&e, &JsValue::from_str("message")).ok().and_then(|m| m.as_string());
            let message = format!("it could not be started ({})", reason.unwrap_or_else(|| "no reason given".into()));
            dispatch.dispatch(Action::WorkerFailed(Crash { message, restarted: false }));
            return;
        }
    };
    let weak = Rc::downgrade(shared);
    let onmessage = {
        let weak = weak.clone();
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let Some(shared) = weak.upgrade() else { return };
            match read(&e.data()) {
                Ok(response) => on_response(&shared, generation, response),
                Err(err) => fail(&shared, generation, format!("it sent a message the page cannot read ({err})")),
            }
        })
    };
    let onerror = {
        let weak = weak.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            // Handled here: the browser need not log it as uncaught too.
            e.prevent_default();
            let Some(shared) = weak.upgrade() else { return };
            let message = e
                .dyn_ref::<web_sys::ErrorEvent>()
                .map(|e| e.message())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "its script did not load".into());
            fail(&shared, generation, message);
        })
    };
    let onmessageerror = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_: web_sys::MessageEvent| {
        if let Some(shared) = weak.upgrade() {
            fail(&shared, generation, "a message from it could not be read".into());
        }
    });
    worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
    worker.set_onmessageerror(Some(onmessageerror.as_ref().unchecked_ref()));
    shared.borrow_mut().spawned = Some(Spawned {
        worker,
        generation,
        ready: false,
        busy: false,
        waiting: Vec::new(),
        parsed: None,
        _onmessage: onmessage,
        _onerror: onerror,
        _onmessageerror: onmessageerror,
    });
}

/// A message of the worker: JSON text, or (for [`Response::Parsed`]) an object with the JSON
/// and the packed model's two buffers ([`crate::worker::post`] says how it is made).
fn read(data: &JsValue) -> Result<Response, String> {
    if let Some(json) = data.as_string() {
        if json.len() > 100_000 {
            // A report: the benchmarks time its decoding from here.
            mark("blastmap:large-json");
        }
        return serde_json::from_str(&json).map_err(|e| e.to_string());
    }
    let field = |name: &str| js_sys::Reflect::get(data, &JsValue::from_str(name)).map_err(|_| format!("no `{name}`"));
    let json = field("json")?.as_string().ok_or("no JSON")?;
    let mut response: Response = serde_json::from_str(&json).map_err(|e| e.to_string())?;
    if let Response::Parsed { model, .. } = &mut response {
        let (words, bytes) = (field("words")?, field("bytes")?);
        let words = words.dyn_into::<js_sys::ArrayBuffer>().map_err(|_| "the model's words are not a buffer")?;
        let bytes = bytes.dyn_into::<js_sys::ArrayBuffer>().map_err(|_| "the model's strings are not a buffer")?;
        model.words = js_sys::Uint32Array::new(&words).to_vec();
        model.bytes = js_sys::Uint8Array::new(&bytes).to_vec();
    }
    Ok(response)
}

/// Posts `request` to `worker`. An analysis goes as its text and, beside it, each input's
/// text as UTF-8 bytes in a transferred buffer, not as a JS string: turning a string of tens of
/// megabytes into the worker's Rust `String` walks it character by character (wasm-bindgen's
/// `passStringToWasm0`); bytes are one copy.
fn send_to(worker: &web_sys::Worker, request: &Request) {
    let (text, texts) = request.encode();
    if !matches!(request, Request::Analyze { .. }) {
        let _ = worker.post_message(&JsValue::from_str(&text));
        return;
    }
    let (message, transfer) = (js_sys::Array::of1(&JsValue::from_str(&text)), js_sys::Array::new());
    for t in texts {
        let bytes = js_sys::Uint8Array::from(t.as_bytes());
        transfer.push(&bytes.buffer());
        message.push(&bytes);
    }
    let _ = worker.post_message_with_transfer(&message, &transfer);
    mark("blastmap:request-sent");
}

/// Sends `request` to the worker, or queues it until the worker is ready; false when no worker
/// runs (it failed twice).
fn post(shared: &Shared, request: Request) -> bool {
    let mut w = shared.borrow_mut();
    let Some(s) = w.spawned.as_mut() else { return false };
    let analysis = matches!(request, Request::Analyze { .. });
    if analysis {
        s.busy = true;
    }
    if s.ready {
        send_to(&s.worker, &request);
    } else {
        if analysis {
            s.waiting.retain(|r| !matches!(r, Request::Analyze { .. }));
        }
        s.waiting.push(request);
    }
    true
}

/// The worker of `generation` failed (`what` happened): terminate it, say so, and start another
/// with the current text if this text has not had its restart yet.
fn fail(shared: &Shared, generation: u64, what: String) {
    let (dispatch, restart, current) = {
        let mut w = shared.borrow_mut();
        if w.spawned.as_ref().map(|s| s.generation) != Some(generation) {
            return; // Already replaced (a panic is followed by the error that ends the worker).
        }
        if let Some(old) = w.spawned.take() {
            old.worker.terminate();
            w.retired.push(old);
        }
        let restart = std::mem::take(&mut w.may_restart);
        (w.dispatch.clone(), restart, w.current.clone())
    };
    // "Uncaught Error: its WebAssembly did not load (…)" reads better without its first words.
    let message =
        ["Uncaught ", "Error: "].iter().fold(what, |m, p| m.strip_prefix(p).map_or(m.clone(), str::to_string));
    dispatch.dispatch(Action::WorkerFailed(Crash { message, restarted: restart }));
    if restart {
        spawn(shared);
        if let Some((id, text, overlay, beside)) = current {
            post(shared, Request::Analyze { id, inputs: Input::with(text.clone(), &beside, overlay.clone()) });
        }
    }
}

/// Stops the analysis in flight: terminates the worker and starts a fresh one, which analyses
/// nothing until the next text (the one cancelled is not sent again, not even after a crash).
fn cancel(shared: &Shared) {
    {
        let mut w = shared.borrow_mut();
        w.current = None;
        if let Some(old) = w.spawned.take() {
            old.worker.terminate();
            w.retired.push(old);
        }
    }
    spawn(shared);
}

/// Turns an answer of the worker of `generation` into actions.
fn on_response(shared: &Shared, generation: u64, response: Response) {
    if let Response::Panicked { message } = response {
        return fail(shared, generation, format!("it panicked: {message}"));
    }
    let dispatch = {
        let mut w = shared.borrow_mut();
        let Some(s) = w.spawned.as_mut().filter(|s| s.generation == generation) else { return };
        match &response {
            Response::Ready => {
                s.ready = true;
                for request in std::mem::take(&mut s.waiting) {
                    send_to(&s.worker, &request);
                }
                return;
            }
            Response::Failed { .. } | Response::Done { .. } => s.busy = false,
            _ => {}
        }
        w.dispatch.clone()
    };
    match response {
        Response::Export { file_name, mime, content } => crate::browser::download(&file_name, &mime, &content),
        Response::Parsed { id, format, model, warnings, baseline, parse_ms } => {
            mark("blastmap:model-received");
            match Parsed::new(&model, format, warnings, baseline, parse_ms) {
                Ok(parsed) => {
                    mark("blastmap:model-ready");
                    if let Some(s) = shared.borrow_mut().spawned.as_mut() {
                        s.parsed = Some((id, parsed));
                    }
                }
                Err(problems) => dispatch.dispatch(Action::Worker(Rc::new(Response::Failed { id, problems }))),
            }
        }
        Response::Done { id, report, totals, analyze_ms } => {
            mark("blastmap:report-received");
            let parsed = shared.borrow_mut().spawned.as_mut().and_then(|s| s.parsed.take()).filter(|(p, _)| *p == id);
            if let Some((_, parsed)) = parsed {
                let warnings = parsed.warnings.clone();
                let analysis = Analysis::new(parsed, *report, totals, analyze_ms);
                dispatch.dispatch(Action::Loaded { revision: id, analysis: Rc::new(analysis), warnings });
                mark("blastmap:loaded");
            }
        }
        other => dispatch.dispatch(Action::Worker(Rc::new(other))),
    }
}

/// Analyses `text` with `overlay` (revision `revision`) in the worker whenever the revision
/// changes. Returns a callback that sends the worker any other request (an export of the full
/// report, a comparison, a split).
#[hook]
pub fn use_analysis(
    text: Rc<str>,
    overlay: Rc<str>,
    beside: Beside,
    revision: u64,
    dispatch: UseReducerDispatcher<State>,
) -> Callback<Request> {
    let shared = {
        let dispatch = dispatch.clone();
        use_mut_ref(move || Wiring {
            spawned: None,
            starts: 0,
            current: None,
            may_restart: true,
            retired: Vec::new(),
            dispatch,
        })
    };
    {
        // Start the worker at once: its WebAssembly loads while the user picks a topology.
        let shared = shared.clone();
        use_effect_with((), move |_| {
            let idle = shared.borrow().spawned.is_none();
            if idle {
                spawn(&shared);
            }
        });
    }
    // Made once: the same callback on every render, so the props it reaches (the findings
    // pane's Cancel) compare equal and a click does not re-render what it does not change.
    let send = {
        let shared = shared.clone();
        (*use_memo((), move |()| {
            Callback::from(move |request: Request| {
                if matches!(request, Request::Cancel) {
                    cancel(&shared);
                    return dispatch.dispatch(Action::Cancelled);
                }
                if !post(&shared, request) {
                    dispatch.dispatch(Action::Notice(Some(Notice::warning(
                    "The analysis worker is stopped: it failed again after a restart. Edit the text to start it again.",
                ))));
                }
            })
        }))
        .clone()
    };
    use_effect_with(revision, move |&revision| {
        if revision == 0 {
            return;
        }
        let blank = text.trim().is_empty();
        let start = {
            let mut w = shared.borrow_mut();
            w.retired.clear();
            w.may_restart = true;
            w.current = (!blank).then(|| (revision, text.clone(), overlay.clone(), beside.clone()));
            if blank {
                return;
            }
            let stale = w.spawned.as_ref().is_some_and(|s| s.busy && s.ready);
            if stale {
                if let Some(old) = w.spawned.take() {
                    old.worker.terminate();
                }
            }
            w.spawned.is_none()
        };
        if start {
            spawn(&shared);
        }
        post(&shared, Request::Analyze { id: revision, inputs: Input::with(text.clone(), &beside, overlay.clone()) });
    });
    send
}
