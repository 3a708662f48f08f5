//! What outlives the page: the text and the overlay (and an overlay set aside), kept in
//! localStorage across reloads, and the share link, which puts the whole state in the URL
//! fragment (nothing is uploaded).

use std::rc::Rc;

use yew::prelude::*;

use crate::browser;
use crate::share::{self, Shared};
use crate::state::{Action, Notice, State};

/// Keeps the text of each new revision in localStorage. Revision 0 is the blank start: it must
/// not overwrite a stored text before it is restored. Small texts are stored at once; larger
/// ones once typing pauses; texts too large for localStorage (about five million characters,
/// and writing that many blocks the page for seconds) are not kept, and a notice says so.
#[hook]
pub fn use_kept_text(
    text: Rc<str>,
    overlay: Rc<str>,
    aside: Option<Rc<str>>,
    revision: u64,
    dispatch: UseReducerDispatcher<State>,
) {
    // The overlay and the one set aside: small, kept at once (also when only the one set aside
    // changed, which is no new revision).
    {
        let key = (revision, aside.clone().map(super::Ptr));
        use_effect_with(key, move |(revision, aside)| {
            if *revision > 0 {
                browser::store(browser::OVERLAY_KEY, &overlay);
                match aside {
                    Some(a) => browser::store(browser::ASIDE_KEY, &a.0),
                    None => browser::forget(browser::ASIDE_KEY),
                }
            }
        });
    }
    // Keyed on the revision alone: comparing megabyte texts at every render costs.
    use_effect_with(revision, move |&revision| {
        let small = text.len() <= 200_000;
        let store = move || {
            if text.len() <= browser::MAX_STORED {
                browser::store(browser::TEXT_KEY, &text);
            } else {
                let mb = text.len() >> 20;
                dispatch.dispatch(Action::Notice(Some(Notice::warning(format!(
                    "This text ({mb} MB) is too large to keep across reloads; keep your own copy."
                )))));
            }
        };
        let timer = match revision {
            0 => None,
            _ if small => {
                store();
                None
            }
            _ => Some(gloo::timers::callback::Timeout::new(400, store)),
        };
        move || drop(timer)
    });
}

/// Copies a link holding `text`, its `overlay` and `failed`, and shows it in a notice (which
/// says so when `beside` files were read with the export: the link does not hold them).
pub fn on_share(
    text: Rc<str>,
    overlay: Rc<str>,
    failed: Vec<String>,
    beside: usize,
    dispatch: UseReducerDispatcher<State>,
) -> Callback<()> {
    Callback::from(move |_| {
        let shared = Shared { text: text.to_string(), overlay: overlay.to_string(), failed: failed.clone() };
        let url = format!("{}#{}", browser::base_url(), share::encode(&shared));
        browser::copy(&url);
        let kb = url.len() / 1024;
        let (text, warning) = match beside {
            0 => (format!("Link copied ({kb} KB); it holds the whole state and nothing is uploaded."), false),
            n => (
                format!(
                    "Link copied ({kb} KB); it holds the export, its overlay and the failures, not the {n} {} read beside the export: open {} again with it. Nothing is uploaded.",
                    if n == 1 { "file" } else { "files" },
                    if n == 1 { "it" } else { "them" }
                ),
                true,
            ),
        };
        dispatch.dispatch(Action::Notice(Some(Notice { text, url: Some(url), warning })));
    })
}
