//! Reading a large native JSON topology's `components` list on two threads
//! ([`crate::format::parse_large_json_on`]): one reads the list from its start, the other from
//! a guess at a comma between two elements near the middle. The guess is used only when the
//! first thread's reading lands exactly on it, which proves it a separator of the list; else
//! the first thread reads on to the end and the guess is dropped. Either way the elements, and
//! whether the text is valid, are what one reading of the whole text gives.

use serde::de::DeserializeOwned;

/// The offset of the `[` of the root object's `components` array: found by a scan of the text
/// before it that knows JSON's strings and brackets (it validates nothing: the readings do).
/// `None` when the root has no such key before the text ends, or its value is not an array.
///
/// # Complexity
/// O(p) in the offset found.
pub(crate) fn components_open(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                let start = i + 1;
                let end = string_end(bytes, start)?;
                i = end + 1;
                if depth == 1 && bytes.get(start..end) == Some(b"components".as_slice()) {
                    let colon = skip_space(bytes, i);
                    if bytes.get(colon) == Some(&b':') {
                        let open = skip_space(bytes, colon + 1);
                        return (bytes.get(open) == Some(&b'[')).then_some(open);
                    }
                }
                continue;
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.checked_sub(1)?,
            _ => {}
        }
        i += 1;
    }
    None
}

/// A guess at a comma between two elements of the array opened at `open`, at or past byte
/// `from`: a `,` between a `}` and a `{` (blanks aside), as between two components.
pub(crate) fn guess_comma(text: &str, open: usize, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = from.max(open + 1);
    loop {
        let comma = at + memchr::memchr(b',', bytes.get(at..)?)?;
        let before = bytes.get(open + 1..comma)?.iter().rposition(|c| !is_space(*c)).map(|p| open + 1 + p);
        let after = skip_space(bytes, comma + 1);
        if before.and_then(|p| bytes.get(p)) == Some(&b'}') && bytes.get(after) == Some(&b'{') {
            return Some(comma);
        }
        at = comma + 1;
    }
}

/// How a reading of array elements ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Ended {
    /// At the array's `]`, at this offset.
    Close(usize),
    /// At the comma at `stop` (an element read before it, another after it).
    Stop,
}

/// Reads the elements of an array from `from` (just past its `[`, or past a comma between two
/// of its elements) into `out`, until its `]`, or until the comma at `stop` when the reading
/// lands on it. `None` when the text there is not such a list of `T`s: an element that does
/// not read, a missing or doubled comma, a trailing comma, an empty list after a comma.
///
/// # Complexity
/// O(n) in the text read.
pub(crate) fn elements<T: DeserializeOwned>(
    text: &str,
    from: usize,
    stop: Option<usize>,
    out: &mut Vec<T>,
) -> Option<Ended> {
    let bytes = text.as_bytes();
    let mut at = skip_space(bytes, from);
    // `[]` is a list; an empty list after a comma is not.
    if bytes.get(at) == Some(&b']') && bytes.get(from.checked_sub(1)?) == Some(&b'[') {
        return Some(Ended::Close(at));
    }
    loop {
        let mut stream = serde_json::Deserializer::from_str(text.get(at..)?).into_iter::<T>();
        out.push(stream.next()?.ok()?);
        at = skip_space(bytes, at + stream.byte_offset());
        match bytes.get(at)? {
            b']' => return Some(Ended::Close(at)),
            b',' if Some(at) == stop => return Some(Ended::Stop),
            b',' => at += 1,
            _ => return None,
        }
    }
}

/// The offset of the quote that ends the string whose text starts at `start`.
fn string_end(bytes: &[u8], mut start: usize) -> Option<usize> {
    loop {
        let at = start + memchr::memchr2(b'"', b'\\', bytes.get(start..)?)?;
        if bytes.get(at) == Some(&b'\\') {
            start = at + 2;
        } else {
            return Some(at);
        }
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

fn skip_space(bytes: &[u8], from: usize) -> usize {
    bytes.get(from..).and_then(|rest| rest.iter().position(|c| !is_space(*c))).map_or(bytes.len(), |p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, from: usize, stop: Option<usize>) -> Option<(Vec<u32>, Ended)> {
        let mut out = Vec::new();
        elements::<u32>(text, from, stop, &mut out).map(|e| (out, e))
    }

    #[test]
    fn the_open_bracket_of_the_root_components_list() {
        let text =
            r#"{"name": "components", "x": {"components": [1]}, "\"components\"": [], "components" : [{"id": "a"}]}"#;
        let open = components_open(text).unwrap();
        assert_eq!(&text[open..open + 2], "[{");
        assert_eq!(components_open(r#"{"components": {"a": 1}}"#), None);
        assert_eq!(components_open(r#"{"name": "x"}"#), None);
        assert_eq!(components_open(r#"{"name": "x\"#), None);
    }

    #[test]
    fn a_guess_is_a_comma_between_braces_past_the_start() {
        let text = r#"[{"id": "a, {b"}, {"id": "c"}]"#;
        assert_eq!(guess_comma(text, 0, 0), Some(16));
        assert_eq!(guess_comma(text, 0, 17), None);
        assert_eq!(guess_comma(r#"[{"id": "a"}  ,  {"id": "b"}]"#, 0, 0), Some(14));
    }

    #[test]
    fn elements_read_to_the_close_or_stop_at_the_comma_they_land_on() {
        let text = "[1, 2 ,3,  4 ]";
        assert_eq!(read(text, 1, None), Some((vec![1, 2, 3, 4], Ended::Close(13))));
        assert_eq!(read(text, 1, Some(6)), Some((vec![1, 2], Ended::Stop)));
        // A stop it does not land on is read past.
        assert_eq!(read(text, 1, Some(5)), Some((vec![1, 2, 3, 4], Ended::Close(13))));
        assert_eq!(read(text, 7, None), Some((vec![3, 4], Ended::Close(13))));
        assert_eq!(read("[ ]", 1, None), Some((vec![], Ended::Close(2))));
    }

    #[test]
    fn a_list_that_is_not_valid_does_not_read() {
        for text in ["[1,]", "[,1]", "[1,,2]", "[1 2]", "[1, \"a\"]", "[1", "[1, ", "[1}"] {
            assert_eq!(read(text, 1, None), None, "{text}");
        }
        // After a comma, an empty rest is not a list.
        assert_eq!(read("[1, ]", 3, None), None);
    }
}

/// The readings on two threads agree with one reading of the whole text, on valid lists and on
/// lists broken anywhere, with the guess in strings, between elements and past the list.
#[cfg(test)]
mod agree {
    use proptest::prelude::*;

    use crate::format::parse_halves;
    use crate::report::Join;
    use crate::spec::Topology;

    /// Both parts in turn, saying it has two threads: the split is taken, deterministically.
    struct Two;

    impl Join for Two {
        fn join<A: Send, B: Send>(&self, a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
            (a(), b())
        }

        fn threads(&self) -> usize {
            2
        }
    }

    /// Ids and names with what the scan must not take for structure.
    const WORDS: [&str; 8] = ["a", "db-1", "}, {", "\\\"}, {\\\"id", "[,]", "components", "x\\\\", "\\u007d, {"];

    fn topology() -> impl Strategy<Value = String> {
        let component = (0..WORDS.len(), proptest::collection::vec(0..WORDS.len(), 0..3), any::<bool>());
        (proptest::collection::vec(component, 0..12), 0..WORDS.len(), any::<bool>(), any::<bool>()).prop_map(
            |(components, name, pretty, after)| {
                let sep = if pretty { ",\n    " } else { "," };
                let items: Vec<String> = components
                    .iter()
                    .enumerate()
                    .map(|(i, (id, requires, critical))| {
                        let requires: Vec<String> = requires.iter().map(|r| format!("\"{}\"", WORDS[*r])).collect();
                        format!(
                            "{{\"id\": \"{}-{i}\", \"requires\": [{}], \"critical\": {critical}}}",
                            WORDS[*id],
                            requires.join(", ")
                        )
                    })
                    .collect();
                let tail = if after { ", \"description\": \"}, {\\\"id\\\": 1}, {\"" } else { "" };
                format!("{{\"name\": \"{}\", \"components\": [{}]{tail}}}", WORDS[name], items.join(sep))
            },
        )
    }

    fn both(text: &str) -> (Option<Topology>, Option<Topology>) {
        (serde_json::from_str::<Topology>(text).ok(), parse_halves(text, &Two))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn valid_texts_read_the_same(text in topology()) {
            let (whole, halves) = both(&text);
            prop_assert!(whole.is_some(), "{text}");
            prop_assert_eq!(whole, halves);
        }

        #[test]
        fn broken_texts_read_the_same(text in topology(), at in any::<prop::sample::Index>(), edit in 0..8usize) {
            let mut bytes = text.into_bytes();
            let i = at.index(bytes.len());
            match edit {
                0 => { bytes.remove(i); }
                1 => bytes.insert(i, b','),
                2 => bytes.insert(i, b'}'),
                3 => bytes.insert(i, b']'),
                4 => bytes.insert(i, b'"'),
                5 => bytes.insert(i, b'\\'),
                6 => bytes.insert(i, b'{'),
                _ => bytes.insert(i, b'['),
            }
            let Ok(text) = String::from_utf8(bytes) else { return Ok(()) };
            let (whole, halves) = both(&text);
            prop_assert_eq!(whole, halves, "{}", text);
        }
    }
}
