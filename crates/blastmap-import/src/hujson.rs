//! HuJSON ("human JSON", the syntax of Tailscale policy files): JSON plus `//` and `/* */`
//! comments and trailing commas. A hand-written reader that keeps the line and column of every
//! value and key, says what it expected at the line and column where it stopped, and refuses
//! nesting deeper than [`MAX_DEPTH`] (it recurses once per level).

use blastmap_core::{Error, ErrorKind, Errors, Pos};

use crate::dot::Lines;
use crate::tree::{Node, Value};

/// Objects and arrays nested deeper than this are refused.
pub const MAX_DEPTH: usize = 64;

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    lines: Lines<'a>,
}

/// Checks that `text` is one well-formed HuJSON value (for tools and fuzzing; the policy reader
/// uses the value tree).
///
/// # Errors
/// The first syntax error, at its line and column, saying what was expected there.
pub fn check(text: &str) -> Result<(), Errors> {
    parse(text).map(|_| ())
}

/// Reads one HuJSON value (the whole text).
///
/// # Errors
/// The first syntax error, at its line and column, saying what was expected there.
pub(crate) fn parse(text: &str) -> Result<Node, Errors> {
    let start = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let mut r = Reader { text, bytes: text.as_bytes(), at: start, lines: Lines::new(text) };
    r.skip_blank()?;
    if r.at >= r.bytes.len() {
        return Err(Errors::one(Error::empty_input("a HuJSON value (a policy file is an object `{ ... }`)")));
    }
    let value = r.value(0)?;
    r.skip_blank()?;
    if r.at < r.bytes.len() {
        return Err(r.error(r.at, "expected the end of the input after the value"));
    }
    Ok(value)
}

impl Reader<'_> {
    fn error(&self, at: usize, message: impl Into<String>) -> Errors {
        Errors::one(Error::new(ErrorKind::Syntax, Some(self.lines.pos(at)), message.into()))
    }

    fn pos(&self, at: usize) -> Option<Pos> {
        Some(self.lines.pos(at))
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Skips whitespace and comments.
    fn skip_blank(&mut self) -> Result<(), Errors> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.at += 1,
                Some(b'/') => match self.bytes.get(self.at + 1) {
                    Some(b'/') => {
                        let rest = self.text.get(self.at..).unwrap_or_default();
                        self.at += rest.find('\n').unwrap_or(rest.len());
                    }
                    Some(b'*') => {
                        let rest = self.text.get(self.at + 2..).unwrap_or_default();
                        match rest.find("*/") {
                            Some(end) => self.at += 2 + end + 2,
                            None => return Err(self.error(self.at, "unterminated comment: expected `*/`")),
                        }
                    }
                    _ => return Err(self.error(self.at, "expected `//` or `/*` to start a comment")),
                },
                _ => return Ok(()),
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, Errors> {
        let at = self.at;
        let value = match self.peek() {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Value::Str(self.string()?),
            Some(b't') => self.word("true", Value::Bool(true))?,
            Some(b'f') => self.word("false", Value::Bool(false))?,
            Some(b'n') => self.word("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => {
                let c = self.text.get(at..).and_then(|s| s.chars().next()).unwrap_or('?');
                return Err(self.error(
                    at,
                    format!("unexpected `{c}`: expected a value (object, array, string, number, true, false or null)"),
                ));
            }
            None => return Err(self.error(at, "unexpected end of input: expected a value")),
        };
        Ok(Node { pos: self.pos(at), value })
    }

    fn nested(&self, depth: usize) -> Result<usize, Errors> {
        if depth >= MAX_DEPTH {
            return Err(self.error(self.at, format!("nesting deeper than {MAX_DEPTH} levels is not read")));
        }
        Ok(depth + 1)
    }

    fn object(&mut self, depth: usize) -> Result<Value, Errors> {
        let inner = self.nested(depth)?;
        let open = self.at;
        self.at += 1;
        let mut entries = Vec::new();
        loop {
            self.skip_blank()?;
            match self.peek() {
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Value::Map(entries));
                }
                Some(b'"') => {}
                Some(_) => return Err(self.error(self.at, "expected a key in double quotes or `}`")),
                None => return Err(self.error(open, "unclosed object: expected `}`")),
            }
            let kat = self.at;
            let key = Node { pos: self.pos(kat), value: Value::Str(self.string()?) };
            self.skip_blank()?;
            if self.peek() != Some(b':') {
                return Err(self.error(self.at, "expected `:` after the key"));
            }
            self.at += 1;
            self.skip_blank()?;
            let value = self.value(inner)?;
            entries.push((key, value));
            self.skip_blank()?;
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {}
                Some(_) => return Err(self.error(self.at, "expected `,` or `}` after the value")),
                None => return Err(self.error(open, "unclosed object: expected `}`")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, Errors> {
        let inner = self.nested(depth)?;
        let open = self.at;
        self.at += 1;
        let mut items = Vec::new();
        loop {
            self.skip_blank()?;
            match self.peek() {
                Some(b']') => {
                    self.at += 1;
                    return Ok(Value::Seq(items));
                }
                None => return Err(self.error(open, "unclosed array: expected `]`")),
                Some(_) => {}
            }
            items.push(self.value(inner)?);
            self.skip_blank()?;
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {}
                Some(_) => return Err(self.error(self.at, "expected `,` or `]` after the value")),
                None => return Err(self.error(open, "unclosed array: expected `]`")),
            }
        }
    }

    fn word(&mut self, word: &str, value: Value) -> Result<Value, Errors> {
        let rest = self.text.get(self.at..).unwrap_or_default();
        let end = rest.find(|c: char| !c.is_ascii_alphanumeric() && c != '_').unwrap_or(rest.len());
        if rest.get(..end) == Some(word) {
            self.at += end;
            return Ok(value);
        }
        let got = rest.get(..end.max(1)).unwrap_or_default();
        Err(self.error(self.at, format!("unexpected `{got}`: expected a value (strings need double quotes)")))
    }

    fn number(&mut self) -> Result<Value, Errors> {
        let start = self.at;
        let digits = |r: &mut Self| {
            let from = r.at;
            while matches!(r.peek(), Some(b'0'..=b'9')) {
                r.at += 1;
            }
            r.at > from
        };
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        if self.peek() == Some(b'0') {
            self.at += 1;
        } else if !digits(self) {
            return Err(self.error(self.at, "expected a digit"));
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.at += 1;
            float = true;
            if !digits(self) {
                return Err(self.error(self.at, "expected a digit after `.`"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            float = true;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !digits(self) {
                return Err(self.error(self.at, "expected a digit in the exponent"));
            }
        }
        let text = self.text.get(start..self.at).unwrap_or_default();
        if !float {
            if let Ok(i) = text.parse::<i64>() {
                return Ok(Value::Int(i));
            }
        }
        match text.parse::<f64>() {
            Ok(f) => Ok(Value::Float(f)),
            Err(_) => Err(self.error(start, format!("`{text}` is not a number"))),
        }
    }

    fn hex4(&mut self) -> Result<u32, Errors> {
        let at = self.at;
        let digits = self.text.get(at..at + 4).filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()));
        match digits.and_then(|d| u32::from_str_radix(d, 16).ok()) {
            Some(v) => {
                self.at += 4;
                Ok(v)
            }
            None => Err(self.error(at, "expected four hexadecimal digits after `\\u`")),
        }
    }

    /// A string starting at the opening quote; returns its value.
    fn string(&mut self) -> Result<String, Errors> {
        let open = self.at;
        self.at += 1;
        let mut out = String::new();
        loop {
            let rest = self.text.get(self.at..).unwrap_or_default();
            let run = rest.find(|c: char| c == '"' || c == '\\' || (c as u32) < 0x20).unwrap_or(rest.len());
            out.push_str(rest.get(..run).unwrap_or_default());
            self.at += run;
            match self.peek() {
                None => return Err(self.error(open, "unterminated string: expected `\"`")),
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let esc = self.at;
                    self.at += 1;
                    let c = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.at += 1;
                            let hi = self.hex4()?;
                            let code =
                                if (0xD800..0xDC00).contains(&hi) {
                                    if self.text.get(self.at..self.at + 2) != Some("\\u") {
                                        return Err(self
                                            .error(esc, "unpaired surrogate: expected a second `\\uDC00`-`\\uDFFF`"));
                                    }
                                    self.at += 2;
                                    let lo = self.hex4()?;
                                    if !(0xDC00..0xE000).contains(&lo) {
                                        return Err(self
                                            .error(esc, "unpaired surrogate: expected a second `\\uDC00`-`\\uDFFF`"));
                                    }
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                } else {
                                    hi
                                };
                            match char::from_u32(code) {
                                Some(c) => out.push(c),
                                None => return Err(self.error(esc, "unpaired surrogate in `\\u` escape")),
                            }
                            continue;
                        }
                        _ => {
                            return Err(self.error(
                                esc,
                                "unknown escape: expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX",
                            ))
                        }
                    };
                    self.at += 1;
                    out.push(c);
                }
                Some(_) => {
                    return Err(
                        self.error(self.at, "control character in a string: expected `\"` (escape newlines as \\n)")
                    )
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> (u32, u32, String) {
        let e = parse(text).unwrap_err();
        let e = e.first().unwrap();
        let p = e.pos.unwrap();
        (p.line, p.column, e.message.clone())
    }

    #[test]
    fn comments_and_trailing_commas() {
        let n = parse("// head\n{\n  /* a */ \"a\": [1, 2,], // tail\n  \"b\": {\"c\": true,},\n}\n").unwrap();
        let a = n.get("a").unwrap();
        assert_eq!(a.as_seq().len(), 2);
        assert_eq!(a.pos, Some(Pos::new(3, 16)));
        assert_eq!(n.at(&["b", "c"]).and_then(Node::as_bool), Some(true));
        let (key, _) = &n.as_map()[1];
        assert_eq!(key.pos, Some(Pos::new(4, 3)));
    }

    #[test]
    fn strings_and_numbers() {
        let n = parse(r#"["a\"\u00e9\ud83d\ude00\n", -1.5e3, 0, 12]"#).unwrap();
        let items = n.as_seq();
        assert_eq!(items[0].as_str(), Some("a\"é😀\n"));
        assert_eq!(items[1].value, Value::Float(-1500.0));
        assert_eq!(items[3].as_i64(), Some(12));
    }

    #[test]
    fn errors_say_where_and_what() {
        assert_eq!(at("{\n  \"a\" 1\n}").0, 2);
        assert!(at("{\n  \"a\" 1\n}").2.contains("expected `:`"));
        assert_eq!(at("{\"a\": [1 2]}").1, 10);
        assert!(at("{\n\"a\": 1").2.contains("unclosed object"));
        assert_eq!(at("{\"a\": tru}").1, 7);
        assert!(at("{a: 1}").2.contains("key in double quotes"));
        assert!(at("/* open").2.contains("unterminated comment"));
        assert!(at("\"abc").2.contains("unterminated string"));
        assert!(at("[1,,2]").2.contains("expected a value"));
        assert!(at("{} x").2.contains("end of the input"));
        assert!(at("  ").2.contains("empty"));
    }

    #[test]
    fn depth_is_bounded() {
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
        let deep = "[".repeat(100_000);
        assert!(at(&deep).2.contains("nesting deeper"));
    }
}
