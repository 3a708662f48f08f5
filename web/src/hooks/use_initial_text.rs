//! Opens what the page was asked to show: a share link (`#s=…`, with the files read beside its
//! export), an example (`#example=NAME`),
//! or else the text kept in localStorage. The overlay kept in localStorage (and one set aside)
//! come back first, so a link that brings another sets it aside instead of losing it. Also
//! follows later fragment changes.

use yew::prelude::*;

use crate::browser;
use crate::examples;
use crate::share::{self, Fragment};
use crate::state::{Action, Notice, State};

/// Reads the fragment and opens it; returns whether it opened anything.
fn open_fragment(dispatch: &UseReducerDispatcher<State>) -> bool {
    let opened = match share::decode(&browser::fragment()) {
        Ok(Fragment::Shared(s)) => {
            dispatch.dispatch(Action::OpenShared(s));
            true
        }
        Ok(Fragment::Example(name)) => match examples::find(&name) {
            Some(e) => {
                dispatch.dispatch(Action::Open { text: e.text.to_string(), overlay: None, failed: Vec::new() });
                true
            }
            None => {
                dispatch.dispatch(Action::Notice(Some(Notice::warning(format!("No example is called “{name}”.")))));
                false
            }
        },
        Ok(Fragment::None) => false,
        Err(message) => {
            dispatch.dispatch(Action::Notice(Some(Notice::warning(message))));
            false
        }
    };
    if opened {
        // The text now lives in the editor (and localStorage); a reload must not reopen the link.
        browser::set_fragment("");
    }
    opened
}

/// On mount: the fragment, else the stored text. Then every `hashchange`.
#[hook]
pub fn use_initial_text(dispatch: UseReducerDispatcher<State>) {
    use_effect_with((), move |_| {
        let overlay = browser::load(browser::OVERLAY_KEY).unwrap_or_default();
        let aside = browser::load(browser::ASIDE_KEY);
        dispatch.dispatch(Action::Restore { overlay: overlay.clone(), aside });
        if !open_fragment(&dispatch) {
            if let Some(text) = browser::load(browser::TEXT_KEY).filter(|t| !t.trim().is_empty()) {
                // The kept text with its own kept overlay: nothing to set aside.
                dispatch.dispatch(Action::Open { text, overlay: Some(overlay), failed: Vec::new() });
            }
        }
        let listener = web_sys::window().map(|w| {
            let d = dispatch.clone();
            gloo::events::EventListener::new(&w, "hashchange", move |_| {
                open_fragment(&d);
            })
        });
        move || drop(listener)
    });
}
