//! A generic YAML/JSON value tree that remembers where every value stood, so that importers can
//! put a line and column on each warning. YAML (and small JSON) is read by serde-saphyr with
//! spans; large JSON, or JSON serde-saphyr refuses, is read by serde_json without positions.

use std::fmt;

use blastmap_core::{Error, ErrorKind, Errors, Pos};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};

/// Nesting deeper than this is refused: importers walk the tree recursively.
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

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            Value::Str(s) if s == "true" => Some(true),
            Value::Str(s) if s == "false" => Some(false),
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
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Node>()? {
            let value = map.next_value::<Node>()?;
            entries.push((key, value));
        }
        Ok(Value::Map(entries))
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
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::LastWins;
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

/// Reads one or more YAML documents (`---` separated); empty documents are skipped.
///
/// # Errors
/// Syntax errors and exceeded limits, with the position serde-saphyr reports.
pub(crate) fn yaml_documents(text: &str) -> Result<Vec<Node>, Errors> {
    serde_saphyr::from_multiple_with_options::<Node>(text, options()).map_err(|e| saphyr_error(&e, "YAML"))
}

/// Reads one JSON value with positions when it is small enough.
///
/// # Errors
/// serde_json's syntax error, with its line and column.
pub(crate) fn json(text: &str) -> Result<Node, Errors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_json::Value::deserialize(&mut de).and_then(|v| de.end().map(|()| v)).map_err(|e| {
        let p = Pos::new(
            u32::try_from(e.line()).unwrap_or(u32::MAX).max(1),
            u32::try_from(e.column()).unwrap_or(u32::MAX).max(1),
        );
        Errors::one(Error::new(ErrorKind::Syntax, Some(p), format!("not valid JSON: {}", clean(&e.to_string()))))
    })?;
    if text.len() < SPANNED_JSON_BYTES {
        if let Ok(node) = serde_saphyr::from_str_with_options::<Node>(text, options()) {
            return Ok(node);
        }
    }
    Ok(from_json(value, 0))
}

fn from_json(v: serde_json::Value, depth: usize) -> Node {
    use serde_json::Value as J;
    let value = match v {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(b),
        J::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        J::String(s) => Value::Str(s),
        // serde_json refuses nesting beyond 128 levels; stop ours at MAX_DEPTH.
        J::Array(_) | J::Object(_) if depth >= MAX_DEPTH => Value::Null,
        J::Array(items) => Value::Seq(items.into_iter().map(|i| from_json(i, depth + 1)).collect()),
        J::Object(map) => Value::Map(
            map.into_iter().map(|(k, v)| (Node { pos: None, value: Value::Str(k) }, from_json(v, depth + 1))).collect(),
        ),
    };
    Node { pos: None, value }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_values_keep_positions() {
        let docs = yaml_documents("a:\n  b: [1, x]\n---\nc: true\n").unwrap();
        assert_eq!(docs.len(), 2);
        let b = docs[0].at(&["a", "b"]).unwrap();
        assert_eq!(b.as_seq()[1].as_str(), Some("x"));
        assert_eq!(b.as_seq()[1].pos, Some(Pos::new(2, 10)));
        assert_eq!(docs[1].get("c").and_then(Node::as_bool), Some(true));
    }

    #[test]
    fn json_keeps_positions_and_reports_errors() {
        let n = json("{\n  \"a\": [1, \"x\"]\n}").unwrap();
        assert_eq!(n.get("a").unwrap().as_seq()[1].pos, Some(Pos::new(2, 12)));
        let e = json("{\n  \"a\": [1,\n}").unwrap_err();
        assert_eq!(e.first().unwrap().pos.unwrap().line, 3);
    }

    #[test]
    fn json_with_tabs_still_reads() {
        let n = json("{\n\t\"a\":\t1\n}").unwrap();
        assert_eq!(n.get("a").and_then(Node::as_i64), Some(1));
    }

    #[test]
    fn deep_nesting_is_refused_or_cut() {
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(json(&deep).is_err());
        assert!(yaml_documents(&deep).is_err());
        // Between our limit and serde_json's: read, cut at MAX_DEPTH, no stack overflow.
        let mid = "[".repeat(100) + &"]".repeat(100);
        assert!(json(&mid).is_ok());
    }
}
