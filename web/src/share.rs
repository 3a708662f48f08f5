//! The share link: the whole state (topology text, its overlay and the failed set) deflated and
//! base64url-encoded into the URL fragment, so a link reproduces the view without any server.

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
}

/// Fragment prefix of a share link.
pub const PREFIX: &str = "s=";

/// Decompressed links larger than this are refused (a hostile link cannot exhaust memory).
const MAX_BYTES: usize = 64 << 20;

/// The fragment (without `#`) for `shared`.
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
        let s = Shared { text, overlay: String::new(), failed: vec!["db".into(), "region:us-east-1".into()] };
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
        let want = Shared { text: "components: []".into(), overlay: String::new(), failed: vec!["db".into()] };
        assert_eq!(decode(&old), Ok(Fragment::Shared(want)));
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
