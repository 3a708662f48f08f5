//! The analysis worker: parses and analyses the inputs (an export, and the overlay that refines
//! it) off the main thread and posts progress and the (trimmed) result back, so a
//! 50,000-component topology never freezes the page. It keeps the full report for exports, and
//! says why when it has none. A panic is posted to the page ([`Response::Panicked`]) before the
//! worker dies, so the page can say so and start another.
//!
//! Tailnet policy files among the inputs are checked against the estate
//! (`blastmap_import::policy::enforce`): the report gets their policy sections and findings.
//! The worker keeps them with their estates for the reach view ([`crate::reach`]), and checks
//! splits against them as `blastmap split` does.
//!
//! With an overlay it also reads the export alone (once per export text: typing in the overlay
//! does not read it again), for the baseline: what the export said of the components the notes
//! are about, before the overlay.

use std::cell::RefCell;
use std::collections::BTreeMap;

use blastmap_core::note::Note;
use blastmap_core::report::{analyze_with_progress, Options, Report};
use blastmap_core::Topology;
use wasm_bindgen::prelude::*;

use crate::protocol::{trim, DiffView, Input, Request, Response};
use crate::review::{self, Baseline};
use crate::wire::Packed;

thread_local! {
    /// The last export read alone, by its text: the baseline of the next overlay edits.
    static EXPORT_ALONE: RefCell<Option<(String, Option<Topology>)>> = const { RefCell::new(None) };
    /// Notes added to every report (test hooks only; see [`Request::TestNotes`]).
    static EXTRA_NOTES: RefCell<Vec<Note>> = const { RefCell::new(Vec::new()) };
}

/// The stages the worker posts besides the analyses' own ([`analyze_with_progress`]): reading
/// the request, parsing and building the model, sending the model to the page, sending the
/// findings.
pub const STEP_READ: &str = "reading the text";
pub const STEP_PARSE: &str = "parsing and building the model";
pub const STEP_SEND_MODEL: &str = "sending the model to the page";
pub const STEP_SEND_FINDINGS: &str = "sending the findings";

/// What the export (`inputs[0]`, read alone) said of the components `notes` are about; empty
/// without an overlay.
fn baseline(inputs: &[Input], notes: &[Note]) -> BTreeMap<String, Baseline> {
    let Some(export) = inputs.first().filter(|_| inputs.len() > 1) else { return BTreeMap::new() };
    EXPORT_ALONE.with(|cell| {
        let mut cached = cell.borrow_mut();
        if cached.as_ref().is_none_or(|(text, _)| **text != *export.text) {
            let topology = crate::load::load(&export.text).ok().map(|l| l.compiled.written.topology);
            *cached = Some((export.text.to_string(), topology));
        }
        match cached.as_ref() {
            Some((_, Some(t))) => review::baseline(t, &review::subjects(notes)),
            _ => BTreeMap::new(),
        }
    })
}

/// Loads and analyses `inputs`, posting progress on the way and the result at the end; returns
/// the full report. `now` is a millisecond clock.
pub fn analyze(id: u64, inputs: &[Input], now: &dyn Fn() -> f64, post: &mut dyn FnMut(Response)) -> Option<Report> {
    let t0 = now();
    post(Response::Progress { id, step: STEP_PARSE.into(), fraction: 0.0 });
    let mut loaded = match crate::load::load_inputs(inputs) {
        Ok(l) => l,
        Err(problems) => {
            post(Response::Failed { id, problems });
            return None;
        }
    };
    // Policy files among the inputs: checked against the estate, the relays they make no path
    // dropped (and said), their sections added to the report below.
    let (policy, policy_warnings) = blastmap_import::policy::enforce(&mut loaded);
    loaded.warnings.extend(policy_warnings);
    crate::reach::hold(id, &loaded, &policy);
    let extra: Vec<Note> = EXTRA_NOTES.with(|n| n.borrow().clone());
    let mut notes = loaded.compiled.written.notes.clone();
    notes.extend(extra.iter().cloned());
    let baseline = baseline(inputs, &notes);
    let t1 = now();
    // The page holds this model (and draws it) while the analysis runs.
    post(Response::Progress { id, step: STEP_SEND_MODEL.into(), fraction: 0.0 });
    let warnings = crate::load::warnings(&loaded, inputs);
    let model = Box::new(Packed::of(&loaded.compiled.model, loaded.compiled.mesh.as_ref()));
    let format = loaded.format.name().to_string();
    post(Response::Parsed { id, format, model, warnings, baseline, parse_ms: t1 - t0 });
    let t1 = now();
    let mut report = analyze_with_progress(&loaded.compiled, &Options::default(), &mut |step, fraction| {
        post(Response::Progress { id, step: step.to_string(), fraction });
    });
    for section in policy {
        report.police(&loaded.compiled.model, section);
    }
    report.notes.extend(extra);
    post(Response::Progress { id, step: STEP_SEND_FINDINGS.into(), fraction: 1.0 });
    let (shown, totals) = trim(&report);
    post(Response::Done { id, report: Box::new(shown), totals, analyze_ms: now() - t1 });
    Some(report)
}

/// The download of `report` in `format` (`markdown` or `json`).
pub fn export(report: &Report, format: &str) -> Response {
    let stem = report.name.clone().unwrap_or_else(|| "topology".into());
    match format {
        "json" => Response::Export {
            file_name: format!("{stem}.blastmap.json"),
            mime: "application/json".into(),
            content: serde_json::to_string_pretty(report).unwrap_or_default(),
        },
        _ => Response::Export {
            file_name: format!("{stem}.blastmap.md"),
            mime: "text/markdown".into(),
            content: blastmap_core::render::markdown(report),
        },
    }
}

/// What the last analysis left for exports.
enum Held {
    /// Nothing analysed yet.
    Nothing,
    /// The full report of the last text.
    Report(Box<Report>),
    /// The last text did not load: its first problem.
    Failed(String),
}

thread_local! {
    static LAST: RefCell<Held> = const { RefCell::new(Held::Nothing) };
    /// The inputs of the last topology that loaded: the "before" of comparisons and splits.
    static LAST_INPUTS: RefCell<Option<Vec<Input>>> = const { RefCell::new(None) };
}

/// Loads and analyses one design (an export and its overlay) for a comparison.
fn design(inputs: &[Input]) -> Result<(blastmap_import::Loaded, Report), String> {
    let mut loaded = crate::load::load_inputs(inputs).map_err(|problems| {
        problems.first().map(|p| p.describe()).unwrap_or_else(|| "the topology does not load".into())
    })?;
    let (policy, _) = blastmap_import::policy::enforce(&mut loaded);
    let mut report = analyze_with_progress(&loaded.compiled, &Options::default(), &mut |_, _| {});
    for section in policy {
        report.police(&loaded.compiled.model, section);
    }
    Ok((loaded, report))
}

fn sentences(report: &Report) -> Vec<String> {
    report.mesh.iter().map(|m| m.sentence.clone()).collect()
}

/// Compares `before` with `after`, or with the split of `before` by `split_by`.
pub fn compare(before: &[Input], after: Option<&str>, split_by: Option<&str>) -> Response {
    let result = (|| -> Result<DiffView, String> {
        let (b, br) = design(before)?;
        // A split is checked against the policy files among the inputs, as `blastmap split` does.
        let mut checked = (0, Vec::new(), Vec::new());
        let (proposal, after_text) = match (after, split_by) {
            (Some(text), _) => (Vec::new(), text.to_string()),
            (None, by) => {
                let by = by.unwrap_or("region");
                let s = blastmap_core::split::split_by(&b.compiled.written.topology, by)?;
                let mut lines = Vec::new();
                for p in &s.proposals {
                    for (slice, shard, nodes) in &p.slices {
                        let new = if p.new_shards.contains(shard) { " (new shard)" } else { "" };
                        lines.push(format!(
                            "{}: {slice} on {shard}{new}, {}",
                            p.tailnet,
                            blastmap_core::render::counted(*nodes, "node")
                        ));
                    }
                    for (node, into) in &p.shared {
                        lines.push(format!("share {node} into {}", into.join(", ")));
                    }
                }
                let (checks, warnings) = blastmap_import::policy::check_split(&b, &s);
                checked = (b.policies.len(), checks, warnings.iter().map(|w| w.to_string()).collect());
                (lines, blastmap_core::format::to_yaml(&s.after))
            }
        };
        let (a, ar) = design(&[Input::export(after_text.clone())])?;
        let diff = blastmap_core::diff::diff((&b.compiled.model, &br), (&a.compiled.model, &ar));
        let title = if split_by.is_some() {
            format!("Split by {}", split_by.unwrap_or("region"))
        } else {
            "Design diff".into()
        };
        Ok(DiffView {
            title,
            after_text: (!proposal.is_empty()).then_some(after_text),
            proposal,
            outages_before: sentences(&br),
            outages_after: sentences(&ar),
            diff,
            policy_files: checked.0,
            policy: checked.1,
            policy_warnings: checked.2,
        })
    })();
    match result {
        Ok(view) => Response::Diff(Box::new(view)),
        Err(message) => Response::DiffFailed { message },
    }
}

/// Answers one request.
pub fn handle(request: Request, now: &dyn Fn() -> f64, post: &mut dyn FnMut(Response)) {
    match request {
        Request::Analyze { id, inputs } => {
            let mut problem = None;
            let report = analyze(id, &inputs, now, &mut |r: Response| {
                if let Response::Failed { problems, .. } = &r {
                    problem = Some(problems.first().map_or_else(|| "it does not load".into(), |p| p.describe()));
                }
                post(r);
            });
            let held = match (report, problem) {
                (Some(r), _) => {
                    LAST_INPUTS.with(|l| *l.borrow_mut() = Some(inputs));
                    Held::Report(Box::new(r))
                }
                (None, problem) => Held::Failed(problem.unwrap_or_else(|| "it does not load".into())),
            };
            LAST.with(|l| *l.borrow_mut() = held);
        }
        Request::Compare { against } => {
            let before = LAST_INPUTS.with(|l| l.borrow().clone());
            post(match before {
                Some(b) => compare(&b, Some(&against), None),
                None => Response::DiffFailed { message: "load a topology first".into() },
            });
        }
        Request::Split { by } => {
            let before = LAST_INPUTS.with(|l| l.borrow().clone());
            post(match before {
                Some(b) => compare(&b, None, Some(&by)),
                None => Response::DiffFailed { message: "load a topology first".into() },
            });
        }
        Request::Reach { file, principal } => post(crate::reach::answer(&file, &principal)),
        // The page handles it (it never sends it).
        Request::Cancel => {}
        Request::Export { format } => post(LAST.with(|l| match &*l.borrow() {
            Held::Report(r) => export(r, &format),
            Held::Failed(problem) => Response::ExportFailed {
                message: format!("the text in the editor does not load ({problem}); fix it to export its report"),
            },
            Held::Nothing => Response::ExportFailed {
                message: "no topology has been analysed yet; open an example, a file or paste one first".into(),
            },
        })),
        #[cfg(feature = "test-hooks")]
        Request::Panic => panic!("a deliberate panic, asked for by the browser tests"),
        #[cfg(feature = "test-hooks")]
        Request::TestNotes(notes) => EXTRA_NOTES.with(|n| *n.borrow_mut() = notes),
    }
}

/// The panic's message and where it happened.
fn panic_message(info: &std::panic::PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into());
    match info.location() {
        Some(at) => format!("{text} (at {}:{})", at.file(), at.line()),
        None => text,
    }
}

/// Posts `response` to the page: as JSON text, except [`Response::Parsed`], posted as an object
/// `{json, words, bytes}` whose two `ArrayBuffer`s (the packed model) are transferred, not
/// copied: the model crosses as two copies of flat memory (into each side's WebAssembly), with
/// no text made or parsed for it.
pub fn post(scope: &web_sys::DedicatedWorkerGlobalScope, mut response: Response) {
    let packed = match &mut response {
        Response::Parsed { model, .. } => Some(std::mem::take(&mut **model)),
        _ => None,
    };
    let Ok(json) = serde_json::to_string(&response) else { return };
    let Some(packed) = packed else {
        let _ = scope.post_message(&JsValue::from_str(&json));
        return;
    };
    let words = js_sys::Uint32Array::from(packed.words.as_slice()).buffer();
    drop(packed.words);
    let bytes = js_sys::Uint8Array::from(packed.bytes.as_slice()).buffer();
    drop(packed.bytes);
    let message = js_sys::Object::new();
    for (key, value) in
        [("json", JsValue::from_str(&json)), ("words", words.clone().into()), ("bytes", bytes.clone().into())]
    {
        let _ = js_sys::Reflect::set(&message, &JsValue::from_str(key), &value);
    }
    let _ = scope.post_message_with_transfer(&message, &js_sys::Array::of2(&words, &bytes));
}

/// The id of an encoded analysis request, read from its first line (before the whole request
/// is decoded, so the page hears at once that it arrived).
fn analysis_id(message: &str) -> Option<u64> {
    let head = message.strip_prefix("analyze ")?;
    head.get(..head.find(' ')?)?.parse().ok()
}

/// Runs the worker: answers every message (an encoded [`Request`]: text, or for an analysis an
/// array of its text and its inputs' texts as UTF-8 bytes) with JSON [`Response`]s (and the
/// packed model, [`post`]).
pub fn run() {
    // A panic aborts the WebAssembly: tell the page first (it restarts the worker).
    std::panic::set_hook(Box::new(|info| {
        let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        if let Ok(json) = serde_json::to_string(&Response::Panicked { message: panic_message(info) }) {
            let _ = scope.post_message(&JsValue::from_str(&json));
        }
    }));
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let post_scope = scope.clone();
    let onmessage = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        // An analysis comes as its text and its inputs' texts as UTF-8 bytes
        // (`hooks/use_analysis.rs` says why), the rest as text.
        let data = e.data();
        let (text, texts) = match data.dyn_ref::<js_sys::Array>() {
            Some(parts) => {
                let Some(text) = parts.get(0).as_string() else { return };
                let mut texts = Vec::new();
                for part in parts.iter().skip(1) {
                    let Some(bytes) = part.dyn_ref::<js_sys::Uint8Array>() else { return };
                    let Ok(t) = String::from_utf8(bytes.to_vec()) else { return };
                    texts.push(t);
                }
                (text, texts)
            }
            None => match data.as_string() {
                Some(text) => (text, Vec::new()),
                None => return,
            },
        };
        drop(data);
        if let Some(id) = analysis_id(&text) {
            post(&post_scope, Response::Progress { id, step: STEP_READ.into(), fraction: 0.0 });
        }
        let Some(request) = Request::decode(&text, texts) else { return };
        handle(request, &js_sys::Date::now, &mut |r: Response| post(&post_scope, r));
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    if let Ok(json) = serde_json::to_string(&Response::Ready) {
        let _ = scope.post_message(&JsValue::from_str(&json));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(request: Request) -> Vec<Response> {
        let mut out = Vec::new();
        handle(request, &|| 0.0, &mut |r| out.push(r));
        out
    }

    #[test]
    fn a_good_text_ends_with_the_report_after_progress_and_exports_it() {
        let out = answers(Request::Analyze {
            id: 7,
            inputs: vec![Input::export("components:\n- {id: web, requires: [consul]}\n- {id: consul}\n")],
        });
        assert!(out.len() > 3 && out.iter().all(|r| r.id() == 7));
        let Some(Response::Parsed { model, format, .. }) = out.get(2) else { panic!("not parsed first: {out:?}") };
        assert_eq!(format, "native");
        assert_eq!(model.unpack().unwrap().0.len(), 2);
        let steps: Vec<&str> = out
            .iter()
            .filter_map(|r| match r {
                Response::Progress { step, .. } => Some(step.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(steps[..2], [STEP_PARSE, STEP_SEND_MODEL]);
        assert_eq!(steps[2], "single failures");
        assert_eq!(steps.last(), Some(&STEP_SEND_FINDINGS));
        assert_eq!(analysis_id(&Request::Analyze { id: 71, inputs: vec![Input::export("x")] }.encode().0), Some(71));
        assert_eq!(analysis_id("export json"), None);
        let Some(Response::Done { report, totals, .. }) = out.last() else { panic!("no result: {out:?}") };
        assert!(report.findings.iter().any(|f| f.title.contains("`consul`")));
        assert_eq!(totals.per_kind.values().sum::<usize>(), report.findings.len());
        let out = answers(Request::Export { format: "markdown".into() });
        let [Response::Export { file_name, content, .. }] = out.as_slice() else { panic!("{out:?}") };
        assert!(file_name.ends_with(".md") && content.starts_with("## Blastmap"));
        let out = answers(Request::Export { format: "json".into() });
        let [Response::Export { content, .. }] = out.as_slice() else { panic!("{out:?}") };
        assert!(serde_json::from_str::<Report>(content).is_ok());
    }

    #[test]
    fn a_bad_text_ends_with_its_problems_and_exports_say_why_there_is_nothing() {
        let out = answers(Request::Export { format: "json".into() });
        let [Response::ExportFailed { message }] = out.as_slice() else { panic!("{out:?}") };
        assert!(message.starts_with("no topology has been analysed yet"), "{message}");
        answers(Request::Analyze { id: 1, inputs: vec![Input::export("components:\n- {id: web}\n")] });
        let out = answers(Request::Analyze {
            id: 2,
            inputs: vec![Input::export("components:\n- id: web\n  requires: [nope]\n")],
        });
        let Some(Response::Failed { problems, .. }) = out.last() else { panic!("{out:?}") };
        assert_eq!(problems[0].line, Some(3));
        // The report of the text before is not exported in its place.
        let out = answers(Request::Export { format: "markdown".into() });
        let [Response::ExportFailed { message }] = out.as_slice() else { panic!("{out:?}") };
        assert!(message.starts_with("the text in the editor does not load (line 3, column"), "{message}");
        assert!(message.contains("`nope`"), "{message}");
    }

    #[test]
    fn status_files_and_a_policy_analysed_together_give_the_policy_section() {
        let fixture = |f: &str| {
            std::fs::read_to_string(format!(
                "{}/../crates/blastmap-import/tests/fixtures/{f}",
                env!("CARGO_MANIFEST_DIR")
            ))
            .unwrap()
        };
        let files = ["tailnet/laptop.json", "tailnet/router-b.json", "tailnet/db-1.json", "tailnet/acme.com.hujson"];
        let inputs: Vec<Input> = files
            .iter()
            .map(|f| Input { name: f.to_string(), text: fixture(f).into(), role: blastmap_import::Role::Auto })
            .collect();
        let out = answers(Request::Analyze { id: 9, inputs });
        let Some(Response::Done { report, .. }) = out.last() else { panic!("{out:?}") };
        let [section] = report.policy.as_slice() else { panic!("{:#?}", report.policy) };
        assert_eq!((section.tailnet.as_str(), section.nodes), ("acme.com", 7));
        assert!(section.relays.iter().any(|r| r.dropped && r.node == "db-1"), "{:#?}", section.relays);
        assert!(report.findings.iter().any(|f| f.kind == blastmap_core::report::FindingKind::ForbiddenRelay));
        assert!(report.notes.iter().any(|n| n.rule == "policy.forbidden-relay"));
    }

    fn tailnet_files(files: &[&str]) -> Vec<Input> {
        files
            .iter()
            .map(|f| {
                let text = std::fs::read_to_string(format!(
                    "{}/../crates/blastmap-import/tests/fixtures/{f}",
                    env!("CARGO_MANIFEST_DIR")
                ))
                .unwrap();
                Input { name: f.to_string(), text: text.into(), role: blastmap_import::Role::Auto }
            })
            .collect()
    }

    const TAILNET: [&str; 4] =
        ["tailnet/laptop.json", "tailnet/router-b.json", "tailnet/db-1.json", "tailnet/acme.com.hujson"];

    #[test]
    fn a_principal_reaches_every_node_the_policy_lets_it_from_the_nodes_that_are_it() {
        let out = answers(Request::Analyze { id: 5, inputs: tailnet_files(&TAILNET) });
        let Some(Response::Done { report, .. }) = out.last() else { panic!("{out:?}") };
        let section = &report.policy[0];
        let file = section.file.clone();
        for x in &section.principals {
            let out = answers(Request::Reach { file: file.clone(), principal: x.principal.clone() });
            let [Response::Reach { id: 5, view }] = out.as_slice() else { panic!("{out:?}") };
            assert_eq!(view.reached.len(), x.reaches_count, "{}", x.principal);
            assert_eq!(view.reached[..x.reaches.len()], x.reaches[..], "the report's names are the first of them");
            assert_eq!(view.nodes, section.nodes);
        }
        let reach = |p: &str| match answers(Request::Reach { file: file.clone(), principal: p.into() }).pop() {
            Some(Response::Reach { view, .. }) => view,
            other => panic!("{other:?}"),
        };
        // A node is its own origin; a tag the nodes carrying it; a group its users' untagged nodes.
        assert_eq!(reach("db-1").origin, ["db-1"]);
        assert_eq!(reach("tag:db").origin, ["db-1"]);
        assert_eq!(reach("group:eng").origin, ["laptop"]);
        assert_eq!(
            reach("group:eng").sentence(),
            format!("group:eng may reach {} of 7 nodes", reach("group:eng").reached.len())
        );
        let out = answers(Request::Reach { file: file.clone(), principal: "tag:nobody".into() });
        let [Response::ReachFailed { message, .. }] = out.as_slice() else { panic!("{out:?}") };
        assert!(message.contains("`tag:nobody` is no node, tag, group or user"), "{message}");
        let out = answers(Request::Reach { file: "other.hujson".into(), principal: "db-1".into() });
        assert!(matches!(out.as_slice(), [Response::ReachFailed { .. }]), "{out:?}");
    }

    #[test]
    fn a_split_is_checked_against_the_policy_beside_the_status_files() {
        // Opened together on the page: the placement overlay after the status files (a native
        // file after an import refines it), the policy beside them.
        let inputs = tailnet_files(&[
            "tailnet/laptop.json",
            "tailnet/router-b.json",
            "tailnet/db-1.json",
            "tailnet/regions.yaml",
        ]);
        let policy = tailnet_files(&["tailnet/acme.com.hujson"]);
        let split = |inputs: &[Input]| match compare(inputs, None, Some("region")) {
            Response::Diff(view) => view,
            other => panic!("{other:?}"),
        };
        let view = split(&inputs);
        assert_eq!((view.policy_files, view.policy.len()), (0, 0), "no policy file: nothing checked");
        let with_policy: Vec<Input> = inputs.iter().chain(&policy).cloned().collect();
        let view = split(&with_policy);
        assert_eq!(view.policy_files, 1);
        let [check] = view.policy.as_slice() else { panic!("{:#?}", view.policy) };
        // The same check `blastmap split` prints.
        let mut loaded = crate::load::load_inputs(&with_policy).unwrap();
        blastmap_import::policy::enforce(&mut loaded);
        let s = blastmap_core::split::split_by(&loaded.compiled.written.topology, "region").unwrap();
        let (cli, _) = blastmap_import::policy::check_split(&loaded, &s);
        assert_eq!(view.policy, cli);
        assert_eq!(check.tailnet, "acme.com");
        assert!(!check.findings.is_empty(), "{check:#?}");
    }

    #[test]
    fn an_overlay_is_analysed_with_the_export_and_the_baseline_says_what_the_export_said() {
        let compose = include_str!("../../crates/blastmap-import/tests/fixtures/overlay/shop-compose.yml");
        let overlay = "overlay: true\ncomponents:\n  - id: frontend\n    requires_at_start: [config]\n";
        let out = answers(Request::Analyze { id: 3, inputs: Input::of(compose, overlay) });
        let Some(Response::Parsed { model, baseline, .. }) = out.get(2) else { panic!("{out:?}") };
        let (model, _) = model.unpack().unwrap();
        let (frontend, config) = (model.lookup("frontend").unwrap(), model.lookup("config").unwrap());
        assert_eq!(model.start(frontend), [config]);
        assert_eq!(baseline["frontend"].edges["config"], blastmap_core::format::RefField::Requires);
        let Some(Response::Done { report, .. }) = out.last() else { panic!("{out:?}") };
        assert_eq!(report.notes.len(), 1);
        assert!(!report.findings.iter().any(|f| f.title == "single point of failure: `config` takes down `frontend`"));
        // An error in the overlay is the overlay's, and an export says where it is.
        let out =
            answers(Request::Analyze { id: 4, inputs: Input::of(compose, &overlay.replace("frontend", "frontnd")) });
        let Some(Response::Failed { problems, .. }) = out.last() else { panic!("{out:?}") };
        assert_eq!((problems[0].input, problems[0].line), (1, Some(3)));
        let out = answers(Request::Export { format: "json".into() });
        let [Response::ExportFailed { message }] = out.as_slice() else { panic!("{out:?}") };
        assert!(message.starts_with("the text in the editor does not load (overlay line 3, column"), "{message}");
    }
}
