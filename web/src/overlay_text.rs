//! Writing one change into the overlay's text, by component id, keeping everything else the user
//! wrote (their order, comments, quoting and style): the page's clicks ("this edge is telemetry",
//! "db runs in zone a", accept or flip an inference) become overlay lines a person can read.
//!
//! The entry for the id is edited where it stands, in whichever style it is written (a block
//! mapping `- id: x` with its keys below it, or a one-line flow mapping `- {id: x, ...}`; lists
//! as `[a, b]` or as `- a` lines); an id the overlay has no entry for gets one appended to
//! `components`. An entry left writing nothing but its id (and holding no comment) is removed.
//!
//! Every edit is checked by reading the result back: the new text must parse, and its topology
//! must be the old one with exactly this change. A layout this module cannot edit (a multi-line
//! flow mapping, say) is refused with the reason and the text is left as it was: never a change
//! written wrong in silence.

use blastmap_core::format::{parse_spanned, Document, RefField};
use blastmap_core::Component;

/// The four lists between which an edge moves: one edge, one meaning.
pub const MEANINGS: [RefField; 4] =
    [RefField::Requires, RefField::RequiresAtStart, RefField::DegradesWithout, RefField::MonitoredBy];

/// A scalar value as the overlay writes it.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Bool(bool),
    Int(u32),
    Text(String),
}

/// The scalar fields the page writes (and reverts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    Kind,
    Need,
    Critical,
    Target,
    Availability,
    Region,
    Zone,
    Host,
    Provider,
    Power,
    Network,
}

impl Key {
    pub const ALL: [Key; 11] = [
        Key::Kind,
        Key::Need,
        Key::Critical,
        Key::Target,
        Key::Availability,
        Key::Region,
        Key::Zone,
        Key::Host,
        Key::Provider,
        Key::Power,
        Key::Network,
    ];

    /// The field's name in the format.
    pub fn name(self) -> &'static str {
        match self {
            Key::Kind => "kind",
            Key::Need => "need",
            Key::Critical => "critical",
            Key::Target => "target",
            Key::Availability => "availability",
            Key::Region => "region",
            Key::Zone => "zone",
            Key::Host => "host",
            Key::Provider => "provider",
            Key::Power => "power",
            Key::Network => "network",
        }
    }

    /// The key a field name (or an `overlay.<name>` rule) names.
    pub fn parse(name: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Sets the field of `c` to `value` (`None`: unset, as an entry that does not write it).
    /// False when the value does not fit the field.
    fn apply(self, c: &mut Component, value: Option<&Scalar>) -> bool {
        let text = |v: Option<&Scalar>| match v {
            None => Some(None),
            Some(Scalar::Text(s)) => Some(Some(s.clone())),
            Some(_) => None,
        };
        let slot = match self {
            Key::Critical => {
                return match value {
                    None => {
                        c.critical = false;
                        true
                    }
                    Some(Scalar::Bool(b)) => {
                        c.critical = *b;
                        true
                    }
                    Some(_) => false,
                }
            }
            Key::Target => {
                return match value {
                    None => {
                        c.target = None;
                        true
                    }
                    Some(Scalar::Bool(b)) => {
                        c.target = Some(*b);
                        true
                    }
                    Some(_) => false,
                }
            }
            Key::Need => {
                return match value {
                    None => {
                        c.need = None;
                        true
                    }
                    Some(Scalar::Int(n)) => {
                        c.need = Some(*n);
                        true
                    }
                    Some(_) => false,
                }
            }
            Key::Availability => {
                return match value {
                    None => {
                        c.availability = None;
                        true
                    }
                    Some(_) => false,
                }
            }
            Key::Kind => &mut c.kind,
            Key::Region => &mut c.region,
            Key::Zone => &mut c.zone,
            Key::Host => &mut c.host,
            Key::Provider => &mut c.provider,
            Key::Power => &mut c.power,
            Key::Network => &mut c.network,
        };
        match text(value) {
            Some(v) => {
                *slot = v;
                true
            }
            None => false,
        }
    }
}

/// One change to the overlay entry of a component.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// The edge to `to` means `field` (one of [`MEANINGS`]): listed there, and in none of the
    /// other three lists nor in `drop`.
    Mean { to: String, field: RefField },
    /// The edge to `to` is dropped (`drop: [to]`). On a component the overlay adds, whose edges
    /// are all its own, the edge is taken out of its lists instead.
    Drop { to: String },
    /// The overlay says nothing of the edge to `to` any more: out of the four lists and `drop`.
    Forget { to: String },
    /// The overlay writes `key: value`.
    Set { key: Key, value: Scalar },
    /// The overlay no longer writes `key`.
    Unset { key: Key },
}

impl Change {
    /// What this change does to a component as the overlay entry writes it.
    fn apply(&self, c: &mut Component) -> bool {
        // Out of every list but `keep` (which keeps its place, as the text does).
        let forget = |c: &mut Component, to: &str, keep: Option<RefField>| {
            for f in MEANINGS.into_iter().filter(|&f| Some(f) != keep) {
                f.of_mut(c).retain(|r| r != to);
            }
            if keep.is_some() || c.add {
                c.drop.retain(|r| r != to);
            }
        };
        match self {
            Change::Mean { to, field } => {
                forget(c, to, Some(*field));
                if !field.of(c).contains(to) {
                    field.of_mut(c).push(to.clone());
                }
                true
            }
            Change::Drop { to } => {
                forget(c, to, None);
                if !c.add && !c.drop.contains(to) {
                    c.drop.push(to.clone());
                }
                true
            }
            Change::Forget { to } => {
                forget(c, to, None);
                c.drop.retain(|r| r != to);
                true
            }
            Change::Set { key, value } => key.apply(c, Some(value)),
            Change::Unset { key } => key.apply(c, None),
        }
    }
}

/// The overlay's text after a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edited {
    pub text: String,
    /// The 1-based line of the entry the change is in (where it was, when it was removed).
    pub line: u32,
    /// False when the text already said so (nothing to write).
    pub changed: bool,
}

/// The overlay's document, when its text reads (entries and their positions).
pub fn read(text: &str) -> Option<Document> {
    parse_spanned(text).ok()
}

/// The entry for `id` in an overlay document.
pub fn entry<'d>(doc: &'d Document, id: &str) -> Option<&'d Component> {
    doc.topology.components.iter().find(|c| c.id == id)
}

/// Writes `change` into the entry for `id` of the overlay `text`.
///
/// # Errors
/// Why the change could not be written (the overlay does not read, the entry's layout is one
/// this module does not edit, or `id` has two entries); the text is then unchanged.
pub fn edit(text: &str, id: &str, change: &Change) -> Result<Edited, String> {
    let mut lines = Lines::of(text);
    let listed = (0..lines.len()).any(|i| {
        let l = lines.get(i);
        indent(l) == 0 && key_at(l).is_some_and(|(k, _)| k == "components")
    });
    if !listed {
        // Nothing yet, only comments, or a header without `components`: the list starts here.
        let mut entry = Component { id: id.to_string(), ..Component::default() };
        if !change.apply(&mut entry) || entry_is_empty(&entry) {
            return Ok(Edited { text: text.to_string(), line: 0, changed: false });
        }
        lines.trim_trailing_blank();
        if lines.all_blank() {
            lines.push("overlay: true".into());
        }
        lines.push("components:".into());
        let at = lines.len();
        lines.extend(new_entry(id, change, 2)?);
        let out = lines.text();
        let after = parse_spanned(&out).map_err(|_| unusual())?;
        if after.topology.components != [entry] {
            return Err(unusual());
        }
        return Ok(Edited { text: out, line: at as u32 + 1, changed: true });
    }
    let doc = parse_spanned(text).map_err(|e| {
        let first = e.first().map(|e| e.to_string()).unwrap_or_default();
        format!("the overlay does not read ({first}); fix it first")
    })?;
    let found: Vec<usize> =
        doc.topology.components.iter().enumerate().filter(|(_, c)| c.id == id).map(|(i, _)| i).collect();
    let edited = match found.as_slice() {
        [] => append_entry(lines, &doc, id, change),
        [i] => edit_entry(lines, &doc, *i, change),
        _ => Err(format!("`{id}` has {} entries in the overlay; keep one, then try again", found.len())),
    }?;
    // Nothing written: the text as it was, to the byte.
    Ok(if edited.changed { edited } else { Edited { text: text.to_string(), ..edited } })
}

/// True when an entry writes nothing but its id.
fn entry_is_empty(c: &Component) -> bool {
    *c == Component { id: c.id.clone(), ..Component::default() }
}

// ---------------------------------------------------------------------------------------------
// Lines

/// The text as lines (without their ends), remembering the line end and the final newline.
struct Lines {
    lines: Vec<String>,
    eol: &'static str,
    final_newline: bool,
}

impl Lines {
    fn of(text: &str) -> Lines {
        let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let final_newline = text.is_empty() || text.ends_with('\n');
        let body = text.strip_suffix('\n').unwrap_or(text);
        let lines = if text.is_empty() {
            Vec::new()
        } else {
            body.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l).to_string()).collect()
        };
        Lines { lines, eol, final_newline }
    }

    fn text(&self) -> String {
        let mut out = self.lines.join(self.eol);
        if self.final_newline || !out.is_empty() {
            out.push_str(self.eol);
        }
        out
    }

    fn len(&self) -> usize {
        self.lines.len()
    }

    fn get(&self, i: usize) -> &str {
        self.lines.get(i).map_or("", String::as_str)
    }

    fn push(&mut self, line: String) {
        self.lines.push(line);
    }

    fn extend(&mut self, more: Vec<String>) {
        self.lines.extend(more);
    }

    fn insert(&mut self, at: usize, more: Vec<String>) {
        let at = at.min(self.lines.len());
        self.lines.splice(at..at, more);
    }

    fn remove(&mut self, from: usize, to: usize) {
        if from <= to && to < self.lines.len() {
            self.lines.drain(from..=to);
        }
    }

    fn set(&mut self, i: usize, line: String) {
        if let Some(l) = self.lines.get_mut(i) {
            *l = line;
        }
    }

    fn all_blank(&self) -> bool {
        self.lines.iter().all(|l| is_blank(l) || l.trim() == "---")
    }

    fn trim_trailing_blank(&mut self) {
        while self.lines.last().is_some_and(|l| l.trim().is_empty()) {
            self.lines.pop();
        }
    }
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Blank or a comment only.
fn is_blank(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// The byte offset where `line`'s comment starts (with the spaces before it), or its length.
fn comment_start(line: &str) -> usize {
    let (mut single, mut double, mut escaped) = (false, false, false);
    let mut prev_space = true;
    for (i, ch) in line.char_indices() {
        if double {
            if escaped {
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' {
                double = false;
            }
        } else if single {
            if ch == '\'' {
                single = false;
            }
        } else if ch == '"' {
            double = true;
        } else if ch == '\'' {
            single = true;
        } else if ch == '#' && prev_space {
            return line[..i].trim_end().len();
        }
        prev_space = ch == ' ' || ch == '\t';
    }
    line.len()
}

/// The index of the bracket closing the one at `open` (`[` or `{`), on the same text.
fn matching_close(s: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let (mut single, mut double, mut escaped) = (false, false, false);
    for (i, ch) in s.char_indices().filter(|(i, _)| *i >= open) {
        if double {
            if escaped {
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' {
                double = false;
            }
            continue;
        }
        if single {
            if ch == '\'' {
                single = false;
            }
            continue;
        }
        match ch {
            '"' => double = true,
            '\'' => single = true,
            '[' | '{' => depth += 1,
            ']' | '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The items of a flow collection's inside (`a, "b", c`), split at top-level commas, trimmed.
fn flow_items(inner: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let (mut single, mut double, mut escaped) = (false, false, false);
    let mut start = 0;
    for (i, ch) in inner.char_indices() {
        if double {
            if escaped {
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' {
                double = false;
            }
            continue;
        }
        if single {
            if ch == '\'' {
                single = false;
            }
            continue;
        }
        match ch {
            '"' => double = true,
            '\'' => single = true,
            '[' | '{' => depth += 1,
            ']' | '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                items.push(inner[start..i].trim().to_string());
                start = i + 1;
            }
            _ => {}
        }
    }
    let last = inner[start..].trim();
    if !last.is_empty() {
        items.push(last.to_string());
    }
    items
}

/// A scalar token's value: quotes taken off, escapes read.
fn decode(token: &str) -> String {
    let t = token.trim();
    if let Some(inner) = t.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        return inner.replace("''", "'");
    }
    let Some(inner) = t.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else { return t.to_string() };
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('0') => out.push('\0'),
            Some(h @ ('x' | 'u' | 'U')) => {
                let n = match h {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = chars.by_ref().take(n).collect();
                if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Words YAML reads as something other than text.
const NOT_TEXT: [&str; 14] =
    ["true", "false", "yes", "no", "on", "off", "null", "y", "n", "~", "nan", ".nan", "inf", ".inf"];

/// A text value as YAML: plain when it reads back as the same text in block and flow context,
/// else double-quoted.
pub fn quote(value: &str) -> String {
    let plain = !value.is_empty()
        && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '@'))
        && value.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '/')
        && !NOT_TEXT.contains(&value.to_ascii_lowercase().as_str());
    if plain {
        return value.to_string();
    }
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}' | '\u{feff}') => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn scalar_text(value: &Scalar) -> String {
    match value {
        Scalar::Bool(b) => b.to_string(),
        Scalar::Int(n) => n.to_string(),
        Scalar::Text(s) => quote(s),
    }
}

/// A key at the start of `s` (`name:` followed by a space or the end): its name and the byte
/// offset where its value starts.
fn key_at(s: &str) -> Option<(&str, usize)> {
    let end = s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let name = &s[..end];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return None;
    }
    let rest = &s[end..];
    let after_colon = rest.trim_start_matches(' ').strip_prefix(':')?;
    if !(after_colon.is_empty() || after_colon.starts_with(' ') || after_colon.starts_with('\t')) {
        return None;
    }
    let colon = s.len() - after_colon.len();
    let value = colon + (after_colon.len() - after_colon.trim_start().len());
    Some((name, value))
}

/// The byte offset of the `column`-th (1-based) character of `line`.
fn byte_of_column(line: &str, column: u32) -> usize {
    line.char_indices().nth(column.saturating_sub(1) as usize).map_or(line.len(), |(i, _)| i)
}

// ---------------------------------------------------------------------------------------------
// A new entry

/// The lines of a new entry for `id` writing `change`, its dash at `dash` spaces.
fn new_entry(id: &str, change: &Change, dash: usize) -> Result<Vec<String>, String> {
    let pad = " ".repeat(dash);
    let mut out = vec![format!("{pad}- id: {}", quote(id))];
    let key = |k: &str, v: String| format!("{pad}  {k}: {v}");
    match change {
        Change::Mean { to, field } => out.push(key(field.name(), format!("[{}]", quote(to)))),
        Change::Drop { to } => out.push(key("drop", format!("[{}]", quote(to)))),
        Change::Set { key: k, value } => out.push(key(k.name(), scalar_text(value))),
        Change::Forget { .. } | Change::Unset { .. } => return Err("nothing to write".into()),
    }
    Ok(out)
}

/// Appends an entry for `id` (which `doc` has none of) to the `components` list.
fn append_entry(mut lines: Lines, doc: &Document, id: &str, change: &Change) -> Result<Edited, String> {
    if matches!(change, Change::Forget { .. } | Change::Unset { .. }) {
        return Ok(Edited { text: lines.text(), line: 0, changed: false });
    }
    let key_line = (0..lines.len()).find(|&i| key_at(lines.get(i)).is_some_and(|(k, _)| k == "components"));
    let (at, dash) = match key_line {
        None => {
            lines.trim_trailing_blank();
            lines.push("components:".into());
            (lines.len(), 2)
        }
        Some(k) => {
            let line = lines.get(k).to_string();
            let value_at = key_at(&line).map_or(line.len(), |(_, v)| v);
            let value = line[value_at..comment_start(&line).max(value_at)].trim();
            if value == "[]" {
                // An empty flow list: the entry goes below, in block style.
                let comment = &line[comment_start(&line)..];
                lines.set(k, format!("{}{comment}", line[..value_at].trim_end()));
            } else if !value.is_empty() {
                return Err("`components` is written as a flow list (`[...]`); write this entry by hand".into());
            }
            // The list runs until a line as little indented as `components:` that is not one of
            // its items; the new entry goes after its last line that is not blank.
            let mut last = k;
            for i in k + 1..lines.len() {
                let l = lines.get(i);
                if is_blank(l) {
                    continue;
                }
                if indent(l) == 0 && !l.starts_with('-') {
                    break;
                }
                last = i;
            }
            let dash = doc
                .spans
                .first()
                .and_then(|s| s.at)
                .map(|p| {
                    let l = lines.get(p.line.saturating_sub(1) as usize);
                    let before = &l[..byte_of_column(l, p.column)];
                    before.rfind('-').map_or(indent(l), |d| d)
                })
                .unwrap_or(2);
            (last + 1, dash)
        }
    };
    lines.insert(at, new_entry(id, change, dash)?);
    let out = lines.text();
    check_new(&out, id, change, doc)?;
    Ok(Edited { text: out, line: at as u32 + 1, changed: true })
}

/// Checks that `text` is `before` plus an entry for `id` that writes `change`.
fn check_new(text: &str, id: &str, change: &Change, before: &Document) -> Result<(), String> {
    let after = parse_spanned(text).map_err(|_| unusual())?;
    let mut want = before.topology.clone();
    let mut entry = Component { id: id.to_string(), ..Component::default() };
    change.apply(&mut entry);
    want.components.push(entry);
    if after.topology == want {
        Ok(())
    } else {
        Err(unusual())
    }
}

fn unusual() -> String {
    "the overlay's layout is one the page cannot edit safely, so it was left as it is; write this change by hand".into()
}

// ---------------------------------------------------------------------------------------------
// An existing entry

/// Edits entry `i` of `doc` (read from `lines`).
fn edit_entry(mut lines: Lines, doc: &Document, i: usize, change: &Change) -> Result<Edited, String> {
    let (Some(c), Some(at)) = (doc.topology.components.get(i), doc.spans.get(i).and_then(|s| s.at)) else {
        return Err(unusual());
    };
    let mut want_entry = c.clone();
    if !change.apply(&mut want_entry) {
        return Err(unusual());
    }
    let line = at.line.saturating_sub(1) as usize;
    let first = lines.get(line).to_string();
    let col = byte_of_column(&first, at.column);
    let change = match change {
        // A component the overlay adds has no export edges to drop: its lists are the edges.
        Change::Drop { to } if c.add => Change::Forget { to: to.clone() },
        other => other.clone(),
    };
    if want_entry == *c {
        return Ok(Edited { text: lines.text(), line: at.line, changed: false });
    }
    if let Some(open) = flow_open(&first, col) {
        let close = matching_close(&first, open)
            .ok_or("this entry is a flow mapping over several lines; write this change by hand")?;
        let mut entry = FlowEntry::read(&first, open, close);
        entry.apply(&change)?;
        lines.set(line, entry.write(&first, open, close));
    } else {
        let mut entry = BlockEntry { first: line, key_col: col };
        entry.apply(&mut lines, &change)?;
    }
    let mut line_no = at.line;
    let mut want = doc.topology.clone();
    if let Some(w) = want.components.get_mut(i) {
        *w = want_entry.clone();
    }
    if entry_is_empty(&want_entry) {
        // Nothing but the id is left: the entry goes, unless it holds a comment of the user's.
        if let Some((from, to)) = entry_lines(&lines, line, col) {
            let commented = (from..=to).any(|j| comment_start(lines.get(j)) < lines.get(j).len());
            if !commented {
                lines.remove(from, to);
                want.components.remove(i);
                line_no = from as u32 + 1;
            }
        }
    }
    let out = lines.text();
    let after = parse_spanned(&out).map_err(|_| unusual())?;
    if after.topology != want {
        return Err(unusual());
    }
    Ok(Edited { text: out, line: line_no, changed: true })
}

/// Where the `{` of a flow mapping entry stands, when the entry starting at byte `col` is one
/// (the parser puts a flow entry at its brace).
fn flow_open(line: &str, col: usize) -> Option<usize> {
    if line.get(col..).is_some_and(|s| s.starts_with('{')) {
        return Some(col);
    }
    let before = line.get(..col)?;
    before.trim_end().ends_with('{').then(|| before.rfind('{')).flatten()
}

/// The lines of the entry whose first key is at byte `col` of line `line`: from its dash line
/// to its last line that is not blank.
fn entry_lines(lines: &Lines, line: usize, col: usize) -> Option<(usize, usize)> {
    let first = lines.get(line);
    let from = if first.get(..col).is_some_and(|b| b.trim_start().starts_with('-')) {
        line
    } else {
        // `-` alone on the line before the first key.
        (0..line).rev().find(|&j| !is_blank(lines.get(j)))?
    };
    if let Some(open) = flow_open(first, col) {
        // Only a line that is this entry alone: `- {...}`, perhaps with a comment.
        let close = matching_close(first, open)?;
        let alone = first[..open].trim() == "-" && first[close + 1..].trim().is_empty();
        return alone.then_some((from, line));
    }
    let entry = BlockEntry { first: line, key_col: col };
    Some((from, entry.end(lines)))
}

/// A one-line flow mapping entry: `- {id: a, requires: [b]}`.
struct FlowEntry {
    pairs: Vec<(String, String)>,
    /// Spaces inside the braces (`{ id: a }`).
    spaced: bool,
}

impl FlowEntry {
    fn read(line: &str, open: usize, close: usize) -> FlowEntry {
        let inner = &line[open + 1..close];
        let pairs = flow_items(inner)
            .into_iter()
            .map(|p| match key_at(&p) {
                Some((k, v)) => (k.to_string(), p[v..].trim().to_string()),
                None => (String::new(), p),
            })
            .collect();
        FlowEntry { pairs, spaced: inner.starts_with(' ') }
    }

    fn write(&self, line: &str, open: usize, close: usize) -> String {
        let body: Vec<String> =
            self.pairs.iter().map(|(k, v)| if k.is_empty() { v.clone() } else { format!("{k}: {v}") }).collect();
        let pad = if self.spaced { " " } else { "" };
        format!("{}{{{pad}{}{pad}}}{}", &line[..open], body.join(", "), &line[close + 1..])
    }

    fn value(&self, key: &str) -> Option<&String> {
        self.pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    fn set(&mut self, key: &str, value: String) {
        match self.pairs.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value,
            None => self.pairs.push((key.to_string(), value)),
        }
    }

    fn unset(&mut self, key: &str) {
        self.pairs.retain(|(k, _)| k != key);
    }

    /// The items of list `key`, as written.
    fn items(&self, key: &str) -> Result<Vec<String>, String> {
        match self.value(key) {
            None => Ok(Vec::new()),
            Some(v) => {
                let inner = v.strip_prefix('[').and_then(|s| s.strip_suffix(']')).ok_or_else(unusual)?;
                Ok(flow_items(inner))
            }
        }
    }

    fn remove_item(&mut self, key: &str, to: &str) -> Result<(), String> {
        let items = self.items(key)?;
        let kept: Vec<String> = items.iter().filter(|t| decode(t) != to).cloned().collect();
        if kept.len() == items.len() {
            return Ok(());
        }
        if kept.is_empty() {
            self.unset(key);
        } else {
            self.set(key, format!("[{}]", kept.join(", ")));
        }
        Ok(())
    }

    fn add_item(&mut self, key: &str, to: &str) -> Result<(), String> {
        let mut items = self.items(key)?;
        if items.iter().any(|t| decode(t) == to) {
            return Ok(());
        }
        items.push(quote(to));
        self.set(key, format!("[{}]", items.join(", ")));
        Ok(())
    }

    fn apply(&mut self, change: &Change) -> Result<(), String> {
        match change {
            Change::Mean { to, field } => {
                for f in MEANINGS.into_iter().filter(|f| f != field).map(|f| f.name()).chain(["drop"]) {
                    self.remove_item(f, to)?;
                }
                self.add_item(field.name(), to)
            }
            Change::Drop { to } => {
                for f in MEANINGS {
                    self.remove_item(f.name(), to)?;
                }
                self.add_item("drop", to)
            }
            Change::Forget { to } => {
                for f in MEANINGS.iter().map(|f| f.name()).chain(["drop"]) {
                    self.remove_item(f, to)?;
                }
                Ok(())
            }
            Change::Set { key, value } => {
                self.set(key.name(), scalar_text(value));
                Ok(())
            }
            Change::Unset { key } => {
                self.unset(key.name());
                Ok(())
            }
        }
    }
}

/// A block mapping entry: its first key at byte `key_col` of line `first`, the others below it
/// at that indentation.
struct BlockEntry {
    first: usize,
    key_col: usize,
}

/// A key of a block entry: its line, the byte where its value starts, and the last line of its
/// value (continuation lines: deeper, or `- item` lines at the key's own indentation).
struct KeyLine {
    name: String,
    line: usize,
    value_at: usize,
    last: usize,
}

/// How a list value is written.
enum ListForm {
    /// `key: [a, b]` on the key's line: the byte range inside the brackets.
    Flow { line: usize, open: usize, close: usize },
    /// `- a` lines below the key: (line, the item's value as written).
    Block(Vec<(usize, String)>),
}

impl BlockEntry {
    /// Whether line `i` (after the first) belongs to the entry: blank, a comment, or indented at
    /// least as far as its keys.
    fn holds(&self, l: &str) -> bool {
        is_blank(l) || indent(l) >= self.key_col
    }

    /// The entry's last line that is not blank.
    fn end(&self, lines: &Lines) -> usize {
        let mut last = self.first;
        for i in self.first + 1..lines.len() {
            let l = lines.get(i);
            if !self.holds(l) {
                break;
            }
            if !is_blank(l) {
                last = i;
            }
        }
        last
    }

    fn keys(&self, lines: &Lines) -> Vec<KeyLine> {
        let end = self.end(lines);
        let mut keys: Vec<KeyLine> = Vec::new();
        for i in self.first..=end {
            let l = lines.get(i);
            let at = if i == self.first { Some(self.key_col) } else { None };
            let key = match at {
                Some(c) => key_at(l.get(c..).unwrap_or("")).map(|(k, v)| (k.to_string(), c + v)),
                None if !is_blank(l) && indent(l) == self.key_col => {
                    key_at(&l[self.key_col..]).map(|(k, v)| (k.to_string(), self.key_col + v))
                }
                None => None,
            };
            match key {
                Some((name, value_at)) => keys.push(KeyLine { name, line: i, value_at, last: i }),
                None => {
                    if let Some(k) = keys.last_mut().filter(|_| !is_blank(l)) {
                        k.last = i;
                    }
                }
            }
        }
        keys
    }

    fn key(&self, lines: &Lines, name: &str) -> Option<KeyLine> {
        self.keys(lines).into_iter().find(|k| k.name == name)
    }

    fn list(&self, lines: &Lines, key: &KeyLine) -> Result<ListForm, String> {
        let l = lines.get(key.line);
        let value = &l[key.value_at.min(l.len())..comment_start(l).max(key.value_at.min(l.len()))];
        if value.trim().is_empty() {
            let mut items = Vec::new();
            for i in key.line + 1..=key.last {
                let item = lines.get(i);
                if is_blank(item) {
                    continue;
                }
                let t = item.trim_start();
                let Some(rest) = t.strip_prefix('-').filter(|r| r.is_empty() || r.starts_with(' ')) else {
                    return Err(unusual());
                };
                let rest_at = item.len() - rest.len();
                let v = &item[rest_at..comment_start(item).max(rest_at)];
                items.push((i, v.trim().to_string()));
            }
            return Ok(ListForm::Block(items));
        }
        let open = key.value_at + (value.len() - value.trim_start().len());
        if !l[open..].starts_with('[') {
            return Err(unusual());
        }
        let close = matching_close(l, open).ok_or("a list over several lines in `[...]`; write this change by hand")?;
        if key.last != key.line {
            return Err(unusual());
        }
        Ok(ListForm::Flow { line: key.line, open, close })
    }

    /// Removes `key` and its value lines. The first key of the entry (on the dash line) is not
    /// removed: the change is refused instead.
    fn remove_key(&self, lines: &mut Lines, key: &KeyLine) -> Result<(), String> {
        if key.line == self.first {
            return Err(unusual());
        }
        lines.remove(key.line, key.last);
        Ok(())
    }

    /// Adds `name: value` as the entry's last key.
    fn add_key(&self, lines: &mut Lines, name: &str, value: &str) {
        let end = self.end(lines);
        lines.insert(end + 1, vec![format!("{}{name}: {value}", " ".repeat(self.key_col))]);
    }

    fn remove_item(&self, lines: &mut Lines, name: &str, to: &str) -> Result<(), String> {
        let Some(key) = self.key(lines, name) else { return Ok(()) };
        match self.list(lines, &key)? {
            ListForm::Flow { line, open, close } => {
                let l = lines.get(line).to_string();
                let items = flow_items(&l[open + 1..close]);
                let kept: Vec<String> = items.iter().filter(|t| decode(t) != to).cloned().collect();
                if kept.len() == items.len() {
                    return Ok(());
                }
                if kept.is_empty() {
                    return self.remove_key(lines, &key);
                }
                lines.set(line, format!("{}[{}]{}", &l[..open], kept.join(", "), &l[close + 1..]));
            }
            ListForm::Block(items) => {
                let gone: Vec<usize> = items.iter().filter(|(_, v)| decode(v) == to).map(|(i, _)| *i).collect();
                if gone.is_empty() {
                    return Ok(());
                }
                if gone.len() == items.len() {
                    return self.remove_key(lines, &key);
                }
                for i in gone.into_iter().rev() {
                    lines.remove(i, i);
                }
            }
        }
        Ok(())
    }

    fn add_item(&self, lines: &mut Lines, name: &str, to: &str) -> Result<(), String> {
        let Some(key) = self.key(lines, name) else {
            self.add_key(lines, name, &format!("[{}]", quote(to)));
            return Ok(());
        };
        match self.list(lines, &key)? {
            ListForm::Flow { line, open, close } => {
                let l = lines.get(line).to_string();
                let mut items = flow_items(&l[open + 1..close]);
                if items.iter().any(|t| decode(t) == to) {
                    return Ok(());
                }
                items.push(quote(to));
                lines.set(line, format!("{}[{}]{}", &l[..open], items.join(", "), &l[close + 1..]));
            }
            ListForm::Block(items) => {
                if items.iter().any(|(_, v)| decode(v) == to) {
                    return Ok(());
                }
                let Some(&(last, _)) = items.last() else {
                    // `key:` with nothing under it.
                    let l = lines.get(key.line).to_string();
                    let comment = &l[comment_start(&l)..];
                    lines.set(key.line, format!("{}[{}]{comment}", &l[..key.value_at], quote(to)));
                    return Ok(());
                };
                let pad = indent(lines.get(last));
                lines.insert(last + 1, vec![format!("{}- {}", " ".repeat(pad), quote(to))]);
            }
        }
        Ok(())
    }

    fn set_scalar(&self, lines: &mut Lines, name: &str, value: &str) -> Result<(), String> {
        let Some(key) = self.key(lines, name) else {
            self.add_key(lines, name, value);
            return Ok(());
        };
        let l = lines.get(key.line).to_string();
        let end = comment_start(&l).max(key.value_at.min(l.len()));
        let head = &l[..key.value_at.min(l.len())];
        let head = if head.ends_with(' ') { head.to_string() } else { format!("{head} ") };
        lines.set(key.line, format!("{head}{value}{}", &l[end..]));
        if key.last > key.line {
            lines.remove(key.line + 1, key.last);
        }
        Ok(())
    }

    fn apply(&mut self, lines: &mut Lines, change: &Change) -> Result<(), String> {
        match change {
            Change::Mean { to, field } => {
                for f in MEANINGS.into_iter().filter(|f| f != field).map(|f| f.name()).chain(["drop"]) {
                    self.remove_item(lines, f, to)?;
                }
                self.add_item(lines, field.name(), to)
            }
            Change::Drop { to } => {
                for f in MEANINGS {
                    self.remove_item(lines, f.name(), to)?;
                }
                self.add_item(lines, "drop", to)
            }
            Change::Forget { to } => {
                for f in MEANINGS.iter().map(|f| f.name()).chain(["drop"]) {
                    self.remove_item(lines, f, to)?;
                }
                Ok(())
            }
            Change::Set { key, value } => self.set_scalar(lines, key.name(), &scalar_text(value)),
            Change::Unset { key } => match self.key(lines, key.name()) {
                Some(k) => self.remove_key(lines, &k),
                None => Ok(()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean(to: &str, field: RefField) -> Change {
        Change::Mean { to: to.into(), field }
    }

    /// `text` after `change` to `id`, which must be written.
    fn check(text: &str, id: &str, change: Change, want: &str) {
        let edited = edit(text, id, &change).unwrap_or_else(|e| panic!("{e}\n--- in ---\n{text}"));
        assert_eq!(edited.text, want, "\n--- got ---\n{}\n--- want ---\n{want}", edited.text);
        assert!(edited.changed);
    }

    #[test]
    fn an_empty_overlay_gets_its_header_and_the_entry() {
        let e = edit("", "frontend", &mean("config", RefField::RequiresAtStart)).unwrap();
        assert_eq!(e.text, "overlay: true\ncomponents:\n  - id: frontend\n    requires_at_start: [config]\n");
        assert_eq!(e.line, 3);
        // Comments the user wrote stay above it.
        check(
            "# review of shop-compose.yml\n\n",
            "db",
            Change::Set { key: Key::Zone, value: Scalar::Text("eu-west-1a".into()) },
            "# review of shop-compose.yml\noverlay: true\ncomponents:\n  - id: db\n    zone: eu-west-1a\n",
        );
        // Nothing to forget in nothing.
        let e = edit("", "db", &Change::Forget { to: "x".into() }).unwrap();
        assert!(!e.changed && e.text.is_empty());
    }

    #[test]
    fn a_new_entry_goes_after_the_last_one_in_their_indentation() {
        let text = "overlay: true   # mine\ncomponents:\n- id: a\n  critical: true\n# trailing note\n\nname: shop\n";
        check(
            text,
            "b",
            Change::Drop { to: "c".into() },
            "overlay: true   # mine\ncomponents:\n- id: a\n  critical: true\n- id: b\n  drop: [c]\n# trailing note\n\nname: shop\n",
        );
        check(
            "overlay: true\ncomponents: []  # none yet\n",
            "b",
            Change::Set { key: Key::Critical, value: Scalar::Bool(true) },
            "overlay: true\ncomponents:  # none yet\n  - id: b\n    critical: true\n",
        );
        check(
            "overlay: true\n",
            "b",
            Change::Set { key: Key::Need, value: Scalar::Int(2) },
            "overlay: true\ncomponents:\n  - id: b\n    need: 2\n",
        );
    }

    #[test]
    fn an_edge_moves_between_lists_in_block_entries() {
        let text = "overlay: true\ncomponents:\n  - id: frontend   # the shop's door\n    critical: true\n    requires_at_start: [config]\n    monitored_by:\n      - otel-collector # telemetry\n      - statsd\n  - id: db\n    zone: a\n";
        // Into an existing flow list, out of a block list (its other item and comment stay).
        check(
            text,
            "frontend",
            mean("otel-collector", RefField::RequiresAtStart),
            "overlay: true\ncomponents:\n  - id: frontend   # the shop's door\n    critical: true\n    requires_at_start: [config, otel-collector]\n    monitored_by:\n      - statsd\n  - id: db\n    zone: a\n",
        );
        // The last item out takes its key; into a block list.
        check(
            text,
            "frontend",
            mean("config", RefField::MonitoredBy),
            "overlay: true\ncomponents:\n  - id: frontend   # the shop's door\n    critical: true\n    monitored_by:\n      - otel-collector # telemetry\n      - statsd\n      - config\n  - id: db\n    zone: a\n",
        );
        // A new list goes last in the entry.
        check(
            text,
            "db",
            mean("disk", RefField::DegradesWithout),
            "overlay: true\ncomponents:\n  - id: frontend   # the shop's door\n    critical: true\n    requires_at_start: [config]\n    monitored_by:\n      - otel-collector # telemetry\n      - statsd\n  - id: db\n    zone: a\n    degrades_without: [disk]\n",
        );
        // Already so: nothing written, the text to the byte.
        let e = edit(text, "frontend", &mean("statsd", RefField::MonitoredBy)).unwrap();
        assert!(!e.changed && e.text == text && e.line == 3);
    }

    #[test]
    fn drop_and_forget() {
        let text = "overlay: true\ncomponents:\n  - id: payments\n    requires: [audit, db]\n    availability: 0.999\n";
        check(
            text,
            "payments",
            Change::Drop { to: "audit".into() },
            "overlay: true\ncomponents:\n  - id: payments\n    requires: [db]\n    availability: 0.999\n    drop: [audit]\n",
        );
        check(
            "overlay: true\ncomponents:\n  - id: payments\n    drop: [audit]\n    availability: 0.999\n",
            "payments",
            Change::Forget { to: "audit".into() },
            "overlay: true\ncomponents:\n  - id: payments\n    availability: 0.999\n",
        );
        // A component the overlay adds has no export edge to drop: the edge leaves its list.
        check(
            "components:\n  - id: prom\n    add: true\n    requires: [db, disk]\n",
            "prom",
            Change::Drop { to: "db".into() },
            "components:\n  - id: prom\n    add: true\n    requires: [disk]\n",
        );
    }

    #[test]
    fn an_entry_left_with_only_its_id_goes_unless_it_holds_a_comment() {
        let text = "overlay: true\ncomponents:\n  - id: a\n    critical: true\n  - id: b\n    requires_at_start: [c]\n  - id: d\n";
        let e = edit(text, "b", &Change::Forget { to: "c".into() }).unwrap();
        assert_eq!(e.text, "overlay: true\ncomponents:\n  - id: a\n    critical: true\n  - id: d\n");
        assert_eq!(e.line, 5);
        let commented = "components:\n  - id: b   # checked with the team\n    requires_at_start: [c]\n";
        check(commented, "b", Change::Forget { to: "c".into() }, "components:\n  - id: b   # checked with the team\n");
        check("components:\n  - {id: b, critical: true}\n", "b", Change::Unset { key: Key::Critical }, "components:\n");
    }

    #[test]
    fn scalars_are_replaced_where_they_stand_keeping_comments() {
        let text = "components:\n  - id: db\n    zone: eu-west-1a   # moved in May\n    need: 1\n";
        check(
            text,
            "db",
            Change::Set { key: Key::Zone, value: Scalar::Text("eu-west-1b".into()) },
            "components:\n  - id: db\n    zone: eu-west-1b   # moved in May\n    need: 1\n",
        );
        check(
            text,
            "db",
            Change::Unset { key: Key::Need },
            "components:\n  - id: db\n    zone: eu-west-1a   # moved in May\n",
        );
        check(
            text,
            "db",
            Change::Set { key: Key::Host, value: Scalar::Text("rack 7: top".into()) },
            "components:\n  - id: db\n    zone: eu-west-1a   # moved in May\n    need: 1\n    host: \"rack 7: top\"\n",
        );
        check(
            "components:\n  - id: lb\n    target: false\n",
            "lb",
            Change::Set { key: Key::Target, value: Scalar::Bool(true) },
            "components:\n  - id: lb\n    target: true\n",
        );
    }

    #[test]
    fn flow_entries_are_edited_inside_their_braces() {
        let text = "components:\n  - {id: web, requires_at_start: [config], critical: true}  # door\n  - { id: db }\n";
        check(
            text,
            "web",
            mean("config", RefField::Requires),
            "components:\n  - {id: web, critical: true, requires: [config]}  # door\n  - { id: db }\n",
        );
        check(
            text,
            "db",
            Change::Set { key: Key::Zone, value: Scalar::Text("b".into()) },
            "components:\n  - {id: web, requires_at_start: [config], critical: true}  # door\n  - { id: db, zone: b }\n",
        );
        check(
            text,
            "web",
            Change::Drop { to: "config".into() },
            "components:\n  - {id: web, critical: true, drop: [config]}  # door\n  - { id: db }\n",
        );
    }

    #[test]
    fn ids_that_need_quotes_are_quoted_and_read_back() {
        check(
            "components:\n  - id: \"catalog#1\"\n    monitored_by: ['otel: main']\n",
            "catalog#1",
            mean("otel: main", RefField::Requires),
            "components:\n  - id: \"catalog#1\"\n    requires: [\"otel: main\"]\n",
        );
        for id in ["true", "1", "no", "a:b", "x#y", "-z", "é", "a \"q\" \\ b", "tab\there", "\u{2028}"] {
            let e = edit("", "web", &mean(id, RefField::Requires)).unwrap();
            let doc = read(&e.text).unwrap();
            assert_eq!(entry(&doc, "web").unwrap().requires, [id.to_string()], "{id}: {}", e.text);
        }
        assert_eq!(quote("otel-collector"), "otel-collector");
        assert_eq!(quote("region:us-east-1"), "\"region:us-east-1\"");
    }

    #[test]
    fn damaged_overlays_never_panic() {
        let review = include_str!("../../crates/blastmap-import/tests/fixtures/overlay/shop-review.yaml");
        let flow = "components:\n  - {id: frontend, requires: [config, 'db'], critical: true}  # x\n  - { id: db }\n";
        let changes = [
            mean("config", RefField::MonitoredBy),
            Change::Drop { to: "db".into() },
            Change::Forget { to: "collector".into() },
            Change::Set { key: Key::Zone, value: Scalar::Text("z".into()) },
            Change::Unset { key: Key::Critical },
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n.max(1) as u64) as usize
        };
        let pieces = ["\n", " ", "-", "[", "]", "{", "}", ",", ":", "#", "'", "\"", "é", "\t", "id: ", "  - "];
        for round in 0..400 {
            let base = if round % 2 == 0 { review } else { flow };
            let mut text: Vec<char> = base.chars().collect();
            for _ in 0..1 + next(3) {
                let at = next(text.len() + 1);
                match next(3) {
                    0 if at < text.len() => {
                        text.remove(at);
                    }
                    _ => {
                        let piece = pieces[next(pieces.len())];
                        for (k, c) in piece.chars().enumerate() {
                            text.insert((at + k).min(text.len()), c);
                        }
                    }
                }
            }
            let text: String = text.into_iter().collect();
            for id in ["frontend", "db", "new-one"] {
                let change = &changes[next(changes.len())];
                // Either refused, or written and read back as exactly that change (`edit` checks).
                if let Ok(e) = edit(&text, id, change) {
                    assert!(!e.changed || read(&e.text).is_some(), "{text:?} {id} {change:?}");
                }
            }
        }
    }

    #[test]
    fn windows_line_ends_stay() {
        check(
            "components:\r\n  - id: a\r\n    critical: true\r\n",
            "a",
            Change::Set { key: Key::Kind, value: Scalar::Text("db".into()) },
            "components:\r\n  - id: a\r\n    critical: true\r\n    kind: db\r\n",
        );
    }

    #[test]
    fn what_cannot_be_edited_safely_is_refused_and_the_text_kept() {
        let multi = "components:\n  - {id: a,\n     critical: true}\n";
        assert!(edit(multi, "a", &mean("b", RefField::Requires)).unwrap_err().contains("several lines"));
        let broken = "components:\n  - id: [a\n";
        assert!(edit(broken, "a", &mean("b", RefField::Requires))
            .unwrap_err()
            .starts_with("the overlay does not read"));
        let twice = "components:\n  - id: a\n  - id: a\n";
        assert!(edit(twice, "a", &mean("b", RefField::Requires)).unwrap_err().contains("2 entries"));
        let flow_list = "components: [{id: a}]\n";
        assert!(edit(flow_list, "b", &mean("c", RefField::Requires)).unwrap_err().contains("flow list"));
        // But an entry inside it is edited where it stands.
        check(flow_list, "a", mean("c", RefField::Requires), "components: [{id: a, requires: [c]}]\n");
        let list_lines = "components:\n  - id: a\n    requires: [b,\n      c]\n";
        assert!(edit(list_lines, "a", &mean("c", RefField::MonitoredBy)).is_err());
    }

    #[test]
    fn every_edit_of_the_fixture_review_reads_back_as_exactly_that_change() {
        let review = include_str!("../../crates/blastmap-import/tests/fixtures/overlay/shop-review.yaml");
        let doc = read(review).unwrap();
        let ids: Vec<String> = doc.topology.components.iter().map(|c| c.id.clone()).chain(["new-one".into()]).collect();
        let targets = ["config", "collector", "db", "legacy-audit"];
        let mut changes = Vec::new();
        for to in targets {
            for f in MEANINGS {
                changes.push(mean(to, f));
            }
            changes.push(Change::Drop { to: to.into() });
            changes.push(Change::Forget { to: to.into() });
        }
        for key in [Key::Critical, Key::Target] {
            changes.push(Change::Set { key, value: Scalar::Bool(false) });
            changes.push(Change::Unset { key });
        }
        changes.push(Change::Set { key: Key::Zone, value: Scalar::Text("eu-west-1c".into()) });
        changes.push(Change::Unset { key: Key::Zone });
        changes.push(Change::Unset { key: Key::Kind });
        for id in &ids {
            for change in &changes {
                // `edit` reads its result back: any difference from the intended change is an error.
                let e = edit(review, id, change).unwrap_or_else(|err| panic!("{id} {change:?}: {err}"));
                // Comments are all still there.
                for comment in review.lines().filter_map(|l| l.find('#').map(|i| &l[i..])) {
                    assert!(e.text.contains(comment), "{id} {change:?} lost {comment}");
                }
                // And twice is once.
                let again = edit(&e.text, id, change).unwrap();
                assert!(!again.changed, "{id} {change:?}:\n{}", e.text);
            }
        }
    }
}
