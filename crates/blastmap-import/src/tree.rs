//! A generic YAML/JSON value tree that remembers where every value stood, so that importers can
//! put a line and column on each warning. YAML (and small JSON) is read by serde-saphyr with
//! spans; large JSON, or JSON serde-saphyr refuses, is read by serde_json without positions.
//! Nesting is bounded by [`MAX_DEPTH`]: deeper YAML is an error, deeper JSON is cut with a
//! warning at each cut, so no recursion over a tree goes deeper than that.

use std::collections::HashMap;
use std::fmt;

use blastmap_core::{Error, ErrorKind, Errors, Pos};
use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};

/// Nesting deeper than this is refused (YAML) or cut with a warning (JSON), so that nothing
/// that walks a tree goes deeper.
pub(crate) const MAX_DEPTH: usize = 64;

/// JSON larger than this is read by serde_json alone (no positions): serde-saphyr is about ten
/// times slower on it.
const SPANNED_JSON_BYTES: usize = 1 << 20;

/// A value and where it stood (`None` when the parser kept no positions).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Node {
    pub pos: Option<Pos>,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

pub(crate) static NULL: Node = Node { pos: None, value: Value::Null };

impl Node {
    /// The value under `key` when this is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value at a path of keys.
    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |n, k| n.get(k))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as text: strings as they are, numbers and booleans printed.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match &self.value {
            Value::Int(i) => Some(*i),
            Value::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A boolean: `true`/`false`, or YAML 1.1's `yes`/`no`/`on`/`off` (which the parser keeps
    /// as text, so that names like `on` or `y` stay names).
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            Value::Str(s) => match s.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "y" => Some(true),
                "false" | "no" | "off" | "n" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn as_seq(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    pub fn as_map(&self) -> &[(Node, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    pub fn is_seq(&self) -> bool {
        matches!(self.value, Value::Seq(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// What the value is, for messages: "a mapping", "a string", ...
    pub fn describe(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// Mapping entries whose keys are text, with the key's position.
    pub fn entries(&self) -> impl Iterator<Item = (&str, Option<Pos>, &Node)> {
        self.as_map().iter().filter_map(|(k, v)| k.as_str().map(|s| (s, k.pos, v)))
    }

    /// Position of this node, or of `fallback` when the node has none.
    pub fn pos_or(&self, fallback: Option<Pos>) -> Option<Pos> {
        self.pos.or(fallback)
    }
}

fn pos_of(l: &Location) -> Option<Pos> {
    let (line, column) = (l.line(), l.column());
    (line > 0).then(|| Pos::new(u32::try_from(line).unwrap_or(u32::MAX), u32::try_from(column).unwrap_or(u32::MAX)))
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Spanned::<Value>::deserialize(deserializer)?;
        Ok(Node { pos: pos_of(&s.referenced), value: s.value })
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML or JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map(Value::Int).unwrap_or(Value::Float(v as f64)))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map(Value::Int).unwrap_or(Value::Float(v as f64)))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        Ok(i64::try_from(v).map(Value::Int).unwrap_or(Value::Float(v as f64)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        items.shrink_to_fit();
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(Key(key)) = map.next_key::<Key>()? {
            let value = map.next_value::<Node>()?;
            entries.push((key, value));
        }
        entries.shrink_to_fit();
        Ok(Value::Map(entries))
    }
}

/// A mapping key as written (`1`, `y`, `01` stay text; a null key is null; a list or mapping as a
/// key is a syntax error).
struct Key(Node);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Spanned::<Option<String>>::deserialize(deserializer)?;
        let value = s.value.map_or(Value::Null, Value::Str);
        Ok(Key(Node { pos: pos_of(&s.referenced), value }))
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.flow_nesting_limit = MAX_DEPTH;
    budget.max_events = 20_000_000;
    budget.max_nodes = 10_000_000;
    budget.max_total_scalar_bytes = 256 << 20;
    // Manifests of thousands of objects are `---`-separated documents (serde-saphyr's default
    // stops at 1,024); events and nodes above bound the work.
    budget.max_documents = 1 << 20;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    // Duplicates reach the tree, which keeps the last and says so (`tidy`).
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::LastWins;
    // `yes`, `on`, `y` are text (YAML 1.2), so that they stay names; `Node::as_bool` reads them.
    options.strict_booleans = true;
    options
}

/// First line of a parser message, without the location it may carry.
fn clean(message: &str) -> String {
    let first = message.lines().next().unwrap_or_default().trim();
    let first = first.split(" at line ").next().unwrap_or(first);
    // serde-saphyr writes `error: line 4 column 5: what`; the position is reported apart.
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let first = match first.strip_prefix("line ").and_then(|r| r.split_once(": ")) {
        Some((_, what)) => what,
        None => first,
    };
    first.trim_end_matches('.').to_string()
}

fn saphyr_error(e: &serde_saphyr::Error, what: &str) -> Errors {
    let p = e.location().as_ref().and_then(pos_of);
    let message = format!("not valid {what}: {}", clean(&e.to_string()));
    Errors::one(Error::new(ErrorKind::Syntax, p.or(Some(Pos::START)), message))
}

/// Reads one or more YAML documents (`---` separated; empty documents are skipped), and the
/// warnings for what it could not keep (see [`tidy`]).
///
/// # Errors
/// Syntax errors and exceeded limits, with the position serde-saphyr reports.
pub(crate) fn yaml_documents(text: &str) -> Result<(Vec<Node>, Vec<Said>), Errors> {
    let mut docs =
        serde_saphyr::from_multiple_with_options::<Node>(text, options()).map_err(|e| saphyr_error(&e, "YAML"))?;
    let said = tidy(&mut docs);
    Ok((docs, said))
}

/// Keeps the last of keys given twice in a mapping (as YAML and JSON readers do) and drops
/// null keys, each with a warning at the key that is not read; iterative (no recursion).
fn tidy(nodes: &mut [Node]) -> Vec<Said> {
    let mut said: Vec<Said> = Vec::new();
    let mut stack: Vec<&mut Node> = nodes.iter_mut().collect();
    while let Some(n) = stack.pop() {
        match &mut n.value {
            Value::Map(entries) => {
                // The last index of each key: by a scan in small mappings, a hash map in large ones.
                let last: HashMap<&str, usize> = if entries.len() > 8 {
                    entries.iter().enumerate().filter_map(|(i, (k, _))| k.as_str().map(|key| (key, i))).collect()
                } else {
                    HashMap::new()
                };
                let last_of = |key: &str, i: usize| -> usize {
                    if entries.len() > 8 {
                        last.get(key).copied().unwrap_or(i)
                    } else {
                        entries.iter().rposition(|(k, _)| k.as_str() == Some(key)).unwrap_or(i)
                    }
                };
                let clean =
                    entries.iter().enumerate().all(|(i, (k, _))| k.as_str().is_some_and(|key| last_of(key, i) == i));
                if clean {
                    stack.extend(entries.iter_mut().map(|(_, v)| v));
                    continue;
                }
                let mut keep: Vec<bool> = Vec::with_capacity(entries.len());
                for (i, (k, _)) in entries.iter().enumerate() {
                    match k.as_str() {
                        Some(key) => {
                            let later = last_of(key, i);
                            if later != i {
                                let at = entries.get(later).and_then(|(k, _)| k.pos);
                                let at = at.map_or_else(String::new, |p| format!(" (at {p})"));
                                said.push((
                                    k.pos,
                                    format!("`{key}` is given again later in this mapping{at}: this value is not read"),
                                ));
                            }
                            keep.push(later == i);
                        }
                        None => {
                            said.push((
                                k.pos,
                                format!("a key that is {}, not text: this entry is not read", k.describe()),
                            ));
                            keep.push(false);
                        }
                    }
                }
                let mut keep = keep.into_iter();
                entries.retain(|_| keep.next().unwrap_or(true));
                stack.extend(entries.iter_mut().map(|(_, v)| v));
            }
            Value::Seq(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
    said.sort_by_key(|(p, _)| (p.is_none(), *p));
    said
}

/// A warning about the text as a whole, for the importer to add: `(position, message)`.
pub(crate) type Said = (Option<Pos>, String);

/// At most this many values cut at [`MAX_DEPTH`] get a warning each; one more says how many others.
const MAX_CUT_WARNINGS: usize = 10;

/// Reads one JSON value, with positions when it is small enough, and the warnings for what it
/// could not keep: containers nested deeper than [`MAX_DEPTH`] are read as null, each with a
/// warning at its position.
///
/// # Errors
/// serde_json's syntax error, with its line and column.
pub(crate) fn json(text: &str) -> Result<(Node, Vec<Said>), Errors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // serde_json first: its syntax errors are the JSON ones (serde-saphyr reads a YAML superset).
    let mut cut = 0usize;
    let mut de = serde_json::Deserializer::from_str(text);
    let node =
        JsonNode { depth: 0, cut: &mut cut }.deserialize(&mut de).and_then(|n| de.end().map(|()| n)).map_err(|e| {
            let p = Pos::new(
                u32::try_from(e.line()).unwrap_or(u32::MAX).max(1),
                u32::try_from(e.column()).unwrap_or(u32::MAX).max(1),
            );
            Errors::one(Error::new(ErrorKind::Syntax, Some(p), format!("not valid JSON: {}", clean(&e.to_string()))))
        })?;
    let mut node = if cut == 0 && text.len() < SPANNED_JSON_BYTES {
        serde_saphyr::from_str_with_options::<Node>(text, options()).unwrap_or(node)
    } else {
        node
    };
    let mut said = if cut > 0 { cut_warnings(text) } else { Vec::new() };
    said.extend(tidy(std::slice::from_mut(&mut node)));
    Ok((node, said))
}

/// One warning per container that [`JsonNode`] cut (those opened inside [`MAX_DEPTH`] others),
/// at its position. `text` is valid JSON.
fn cut_warnings(text: &str) -> Vec<Said> {
    let mut starts: Vec<(usize, u8)> = Vec::new();
    let (mut open, mut in_string, mut escaped) = (0usize, false, false);
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                if open == MAX_DEPTH {
                    starts.push((i, b));
                }
                open += 1;
            }
            b']' | b'}' => open = open.saturating_sub(1),
            _ => {}
        }
    }
    let lines = crate::dot::Lines::new(text);
    let mut out: Vec<Said> = starts
        .iter()
        .take(MAX_CUT_WARNINGS)
        .map(|&(at, b)| {
            let what = if b == b'[' { "list" } else { "mapping" };
            (
                Some(lines.pos(at)),
                format!("nested deeper than {MAX_DEPTH} levels: this {what} and everything in it are not read"),
            )
        })
        .collect();
    if let Some(&(at, _)) = starts.get(MAX_CUT_WARNINGS) {
        let more = starts.len() - MAX_CUT_WARNINGS;
        out.push((
            Some(lines.pos(at)),
            format!("nested deeper than {MAX_DEPTH} levels: {more} more values from here on are not read"),
        ));
    }
    out
}

/// serde_json straight into a [`Node`] (no positions), in document order; a container at depth
/// [`MAX_DEPTH`] is skipped (serde_json skips without recursing) and becomes null, counted in `cut`.
struct JsonNode<'c> {
    depth: usize,
    cut: &'c mut usize,
}

impl<'de> DeserializeSeed<'de> for JsonNode<'_> {
    type Value = Node;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(self)
    }
}

fn bare(value: Value) -> Node {
    Node { pos: None, value }
}

impl<'de> Visitor<'de> for JsonNode<'_> {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(bare(Value::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        ValueVisitor.visit_i64(v).map(bare)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        ValueVisitor.visit_u64(v).map(bare)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        Ok(bare(Value::Float(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(bare(Value::Str(v.to_string())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(bare(Value::Str(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(bare(Value::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        if self.depth >= MAX_DEPTH {
            *self.cut += 1;
            while seq.next_element::<de::IgnoredAny>()?.is_some() {}
            return Ok(bare(Value::Null));
        }
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(JsonNode { depth: self.depth + 1, cut: &mut *self.cut })? {
            items.push(item);
        }
        Ok(bare(Value::Seq(items)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        if self.depth >= MAX_DEPTH {
            *self.cut += 1;
            while map.next_entry::<de::IgnoredAny, de::IgnoredAny>()?.is_some() {}
            return Ok(bare(Value::Null));
        }
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(JsonNode { depth: self.depth + 1, cut: &mut *self.cut })?;
            entries.push((bare(Value::Str(key)), value));
        }
        Ok(bare(Value::Map(entries)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_values_keep_positions() {
        let (docs, _) = yaml_documents("a:\n  b: [1, x]\n---\nc: true\n").unwrap();
        assert_eq!(docs.len(), 2);
        let b = docs[0].at(&["a", "b"]).unwrap();
        assert_eq!(b.as_seq()[1].as_str(), Some("x"));
        assert_eq!(b.as_seq()[1].pos, Some(Pos::new(2, 10)));
        assert_eq!(docs[1].get("c").and_then(Node::as_bool), Some(true));
    }

    #[test]
    fn json_keeps_positions_and_reports_errors() {
        let (n, _) = json("{\n  \"a\": [1, \"x\"]\n}").unwrap();
        assert_eq!(n.get("a").unwrap().as_seq()[1].pos, Some(Pos::new(2, 12)));
        let e = json("{\n  \"a\": [1,\n}").unwrap_err();
        assert_eq!(e.first().unwrap().pos.unwrap().line, 3);
    }

    #[test]
    fn json_with_tabs_still_reads() {
        let (n, _) = json("{\n\t\"a\":\t1\n}").unwrap();
        assert_eq!(n.get("a").and_then(Node::as_i64), Some(1));
    }

    #[test]
    fn deep_nesting_is_refused_or_cut() {
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(yaml_documents(&deep).is_err());
        // JSON is cut at MAX_DEPTH with a warning at the cut (serde_json skips the rest without
        // recursing), however deep it goes.
        for levels in [65, 100, 200, 10_000] {
            let text = "[".repeat(levels) + &"]".repeat(levels);
            let (node, said) = json(&text).unwrap();
            assert_eq!(said.len(), 1, "{levels}: {said:?}");
            assert_eq!(said[0].0, Some(Pos::new(1, 65)));
            assert!(said[0].1.contains("nested deeper than 64 levels: this list"), "{said:?}");
            let mut n = &node;
            for _ in 0..MAX_DEPTH {
                n = n.as_seq().first().unwrap();
            }
            assert!(n.is_null());
        }
        // 64 levels are read whole (by serde-saphyr, whose 64 levels of recursion take about 2.5 MiB
        // of stack in a debug build, 0.3 MiB in release: more than a test thread has).
        let text = "[".repeat(64) + &"]".repeat(64);
        let whole = std::thread::Builder::new().stack_size(16 << 20).spawn(move || json(&text).unwrap().1.is_empty());
        assert!(whole.unwrap().join().unwrap());
        // Positions of several cuts, in strings the brackets do not count.
        let inner = "[".repeat(63) + "{\"a\": \"[\", \"b\": [1], \"c\": {}}" + &"]".repeat(63);
        let (_, said) = json(&inner).unwrap();
        let at: Vec<u32> = said.iter().map(|(p, _)| p.unwrap().column).collect();
        assert_eq!(at, [80, 90]);
        assert!(said[1].1.contains("this mapping"));
        // Many cuts: ten warnings and one for the rest.
        let many = "[".repeat(64) + &"[],".repeat(30) + "[]" + &"]".repeat(64);
        let (_, said) = json(&many).unwrap();
        assert_eq!(said.len(), 11);
        assert!(said[10].1.contains("21 more values from here on are not read"), "{said:?}");
    }
}
