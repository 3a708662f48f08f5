//! What outlives the page: the text and the overlay (and an overlay set aside), kept in
//! localStorage across reloads, and the share link, which puts the whole state in the URL
//! fragment (nothing is uploaded).

use std::rc::Rc;

use yew::prelude::*;

use crate::browser;
use crate::share::{self, Shared};
use crate::state::{Action, Beside, Notice, State};

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

/// Copies a link holding `text`, its `overlay`, `failed` and the files read `beside` it, and
/// shows it in a notice, which names the files left out of it (over the size a link may hold),
/// and says so when even the export alone is over it.
pub fn on_share(
    text: Rc<str>,
    overlay: Rc<str>,
    failed: Vec<String>,
    beside: Beside,
    dispatch: UseReducerDispatcher<State>,
) -> Callback<()> {
    Callback::from(move |_| {
        let shared = Shared {
            text: text.to_string(),
            overlay: overlay.to_string(),
            failed: failed.clone(),
            beside: beside.to_vec(),
        };
        let link = share::link(&shared);
        let url = format!("{}#{}", browser::base_url(), link.fragment);
        browser::copy(&url);
        let (text, warning) = notice(&link, url.len(), beside.len());
        dispatch.dispatch(Action::Notice(Some(Notice { text, url: Some(url), warning })));
    })
}

/// What the notice of a copied link says: what it holds, and what it left out (`files` were read
/// beside the export); whether that is a warning.
fn notice(link: &share::Link, bytes: usize, files: usize) -> (String, bool) {
    let kb = bytes / 1024;
    let mb = share::MAX_BYTES >> 20;
    let quoted = |names: &[String]| names.iter().map(|n| format!("“{n}”")).collect::<Vec<_>>().join(", ");
    if link.too_large {
        return (
            format!(
                "Link copied ({kb} KB), but this export is over the {mb} MB a link may hold: the link will not open; share the file itself.{}",
                if link.left_out.is_empty() { String::new() } else { format!(" It leaves out {}.", quoted(&link.left_out)) }
            ),
            true,
        );
    }
    let (text, warning) = match (files, link.left_out.as_slice()) {
        (0, _) => (format!("Link copied ({kb} KB); it holds the whole state and nothing is uploaded."), false),
        (n, []) => (
            format!(
                "Link copied ({kb} KB); it holds the whole state, with the {n} {} read beside the export, and nothing is uploaded.",
                if n == 1 { "file" } else { "files" }
            ),
            false,
        ),
        (_, left) => (
            format!(
                "Link copied ({kb} KB) without {}: with {} it would be over the {mb} MB a link may hold; open {} again with it. Nothing is uploaded.",
                quoted(left),
                if left.len() == 1 { "it" } else { "them" },
                if left.len() == 1 { "it" } else { "them" }
            ),
            true,
        ),
    };
    if bytes > URL_CHARS {
        // Under the size the page decodes, over the address length a browser keeps.
        return (
            format!(
                "{text} At {:.1} MB it is longer than the 2 MB address Chromium-based browsers accept: there it may not open; share the files instead.",
                bytes as f64 / f64::from(1u32 << 20)
            ),
            true,
        );
    }
    (text, warning)
}

/// The longest address Chromium keeps (its `kMaxURLChars`, 2 MiB); a longer link is cut there.
const URL_CHARS: usize = 2 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_names_the_files_a_link_left_out() {
        let link = |left_out: &[&str], too_large| share::Link {
            fragment: String::new(),
            left_out: left_out.iter().map(|s| s.to_string()).collect(),
            too_large,
        };
        assert_eq!(
            notice(&link(&[], false), 2048, 0),
            ("Link copied (2 KB); it holds the whole state and nothing is uploaded.".into(), false)
        );
        let (text, warning) = notice(&link(&[], false), 2048, 3);
        assert!(!warning && text.contains("with the 3 files read beside the export"), "{text}");
        let (text, warning) = notice(&link(&["big.json", "other.hujson"], false), 2048, 3);
        assert!(
            warning
                && text.starts_with(
                    "Link copied (2 KB) without “big.json”, “other.hujson”: with them it would be over the 64 MB"
                ),
            "{text}"
        );
        // Within what the page decodes, over what Chromium keeps in an address.
        let (text, warning) = notice(&link(&[], false), 3 << 20, 2);
        assert!(warning && text.ends_with("At 3.0 MB it is longer than the 2 MB address Chromium-based browsers accept: there it may not open; share the files instead."), "{text}");
        let (text, warning) = notice(&link(&["a.json"], true), 2048, 1);
        assert!(
            warning && text.contains("the link will not open") && text.contains("It leaves out “a.json”."),
            "{text}"
        );
    }
}
