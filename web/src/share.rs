//! The share link: the whole state (topology text, its overlay, the failed set and the files read
//! beside the export) deflated and base64url-encoded into the URL fragment, so a link reproduces
//! the view without any server. Files beside the export that would take a link over the size a
//! link may hold ([`MAX_BYTES`]) are left out, and [`link`] names them.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// What a share link carries.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shared {
    /// The topology text.
    #[serde(rename = "t")]
    pub text: String,
    /// The overlay that refines it (absent in links made before overlays).
    #[serde(rename = "o", default, skip_serializing_if = "String::is_empty")]
    pub overlay: String,
    /// Failed component ids.
    #[serde(rename = "f", default)]
    pub failed: Vec<String>,
    /// Files read beside the export (name, text), in order (absent in links made before them).
    #[serde(rename = "b", default, skip_serializing_if = "Vec::is_empty")]
    pub beside: Vec<(String, String)>,
}

/// A share link made by [`link`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The fragment (without `#`).
    pub fragment: String,
    /// Files beside the export left out: with them, the link would hold more than a link may.
    pub left_out: Vec<String>,
    /// Even without the files beside it, the link holds more than a link may: it will not open.
    pub too_large: bool,
}

/// Fragment prefix of a share link.
pub const PREFIX: &str = "s=";

/// Decompressed links larger than this are refused (a hostile link cannot exhaust memory).
pub const MAX_BYTES: usize = 64 << 20;

/// The link for `shared`, keeping the files beside the export in order as long as the link holds
/// at most [`MAX_BYTES`] (a file that does not fit is left out, and a smaller one after it may
/// still fit).
pub fn link(shared: &Shared) -> Link {
    link_within(shared, MAX_BYTES)
}

/// [`link`] with a limit of `max` bytes.
fn link_within(shared: &Shared, max: usize) -> Link {
    let bare = Shared { beside: Vec::new(), ..shared.clone() };
    let mut size = serde_json::to_vec(&bare).map_or(0, |v| v.len()) + r#","b":[]"#.len();
    let mut kept = Vec::new();
    let mut left_out = Vec::new();
    for file in &shared.beside {
        let comma = usize::from(!kept.is_empty());
        let more = serde_json::to_vec(file).map_or(usize::MAX, |v| v.len() + comma);
        if size.saturating_add(more) <= max {
            size += more;
            kept.push(file.clone());
        } else {
            left_out.push(file.0.clone());
        }
    }
    let too_large = size - r#","b":[]"#.len() > max;
    Link { fragment: encode(&Shared { beside: kept, ..bare }), left_out, too_large }
}

/// The fragment (without `#`) for `shared`, whole.
pub fn encode(shared: &Shared) -> String {
    let json = serde_json::to_vec(shared).unwrap_or_default();
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(packed))
}

/// What a fragment (with or without `#`) asks the page to open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fragment {
    /// `#s=…`: a shared state.
    Shared(Shared),
    /// `#example=NAME`: an example by name.
    Example(String),
    /// Nothing the page knows.
    None,
}

/// Reads a fragment.
///
/// # Errors
/// A message when a share link is damaged.
pub fn decode(fragment: &str) -> Result<Fragment, String> {
    let f = fragment.strip_prefix('#').unwrap_or(fragment);
    if let Some(name) = f.strip_prefix("example=") {
        return Ok(Fragment::Example(name.to_string()));
    }
    let Some(data) = f.strip_prefix(PREFIX) else { return Ok(Fragment::None) };
    let packed = URL_SAFE_NO_PAD.decode(data.trim_end_matches('=')).map_err(|e| format!("damaged share link: {e}"))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_BYTES)
        .map_err(|e| format!("damaged share link: {e:?}"))?;
    serde_json::from_slice(&json).map(Fragment::Shared).map_err(|e| format!("damaged share link: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_state_round_trips_and_is_compressed() {
        let text = "components:\n".to_string() + &"- {id: svc, requires: [db]}\n".repeat(200);
        let s = Shared {
            text,
            overlay: String::new(),
            failed: vec!["db".into(), "region:us-east-1".into()],
            beside: Vec::new(),
        };
        let f = encode(&s);
        assert!(f.starts_with("s=") && f.len() < s.text.len() / 10, "{}", f.len());
        assert!(f[2..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(decode(&format!("#{f}")), Ok(Fragment::Shared(s.clone())));
        // With its overlay.
        let s = Shared { overlay: "overlay: true\ncomponents:\n  - id: svc\n    critical: true\n".into(), ..s };
        assert_eq!(decode(&encode(&s)), Ok(Fragment::Shared(s)));
    }

    #[test]
    fn links_made_before_overlays_still_open() {
        let json = br#"{"t":"components: []","f":["db"]}"#;
        let old = format!("s={}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(json, 9)));
        let want = Shared {
            text: "components: []".into(),
            overlay: String::new(),
            failed: vec!["db".into()],
            beside: Vec::new(),
        };
        assert_eq!(decode(&old), Ok(Fragment::Shared(want)));
    }

    #[test]
    fn files_beside_the_export_round_trip_and_those_over_the_limit_are_named() {
        let file = |name: &str, n: usize| {
            (name.to_string(), format!("{{\"Self\": {{\"HostName\": \"{name}\"}}}}\n{}", "x".repeat(n)))
        };
        let s = Shared {
            text: "{\"Self\": {}}".into(),
            overlay: "overlay: true\n".into(),
            failed: vec!["db-1".into()],
            beside: vec![file("router-b.json", 10), file("acme.com.hujson", 20)],
        };
        let l = link(&s);
        assert_eq!((l.left_out.len(), l.too_large), (0, false));
        assert_eq!(l.fragment, encode(&s));
        assert_eq!(decode(&l.fragment), Ok(Fragment::Shared(s.clone())), "names, texts and order kept");
        // Over the limit: a file that does not fit is left out and named; a smaller one after
        // it still fits; the link holds the rest and says nothing it left out is in it.
        let s = Shared { beside: vec![file("big.json", 500), file("small.hujson", 10), file("late.json", 400)], ..s };
        let whole = serde_json::to_vec(&s).unwrap().len();
        let only_small = Shared { beside: vec![file("small.hujson", 10)], ..s.clone() };
        let l = link_within(&s, serde_json::to_vec(&only_small).unwrap().len());
        assert_eq!(l.left_out, ["big.json", "late.json"]);
        assert!(!l.too_large);
        let Ok(Fragment::Shared(kept)) = decode(&l.fragment) else { panic!("{l:?}") };
        assert_eq!(kept.beside, [file("small.hujson", 10)]);
        assert_eq!((kept.text, kept.failed), (s.text.clone(), s.failed.clone()));
        // An export over the limit by itself: every file left out, and the link said too large.
        let l = link_within(&s, 20);
        assert_eq!((l.left_out.len(), l.too_large), (3, true));
        // Exactly at the limit still fits.
        assert_eq!(link_within(&s, whole).left_out, Vec::<String>::new());
    }

    #[test]
    fn examples_and_damage() {
        assert_eq!(decode("#example=roblox-consul"), Ok(Fragment::Example("roblox-consul".into())));
        assert_eq!(decode(""), Ok(Fragment::None));
        assert_eq!(decode("#top"), Ok(Fragment::None));
        assert!(decode("#s=!!!").unwrap_err().starts_with("damaged share link"));
        assert!(decode("#s=AAAA").is_err());
    }
}
