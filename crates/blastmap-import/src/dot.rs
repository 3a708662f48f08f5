//! Graphviz DOT: `terraform graph` (the classic form with `[root]`, `(expand)` and `(close)`
//! nodes, and the compact form of Terraform 1.7+) and hand-written digraphs. A hand-written
//! tokenizer and recursive-descent parser; every token keeps its byte offset for line:column.
//!
//! | input | becomes |
//! |---|---|
//! | each node (declared, or named by an edge) | a component; kind from attribute `kind`, else the resource type for Terraform addresses (`aws_subnet`) |
//! | `a -> b` | `a` requires `b` (the dependent points at its dependency) |
//! | graph attribute `blastmap_edges = reverse` | `a -> b` read as `b` requires `a` |
//! | edge attribute `dep = requires \| requires_at_start \| degrades_without \| monitored_by \| holds_credentials_for` | the edge goes in that list (`start`, `soft`, `monitor`, `credentials` also accepted) |
//! | node attributes `need`, `critical`, `availability` | the same fields |
//! | node attributes `region`, `zone`, `host`, `provider`, `power`, `network` | placement |
//! | node attribute `label` different from the id | label `label` |
//! | `a -> {b c}`, `{a b} -> c`, chains `a -> b -> c` | one edge per pair |
//! | `node [...]` defaults (scoped by subgraph) | applied to the nodes declared after them |
//! | other attributes (shape, color, rankdir, ...) | ignored: presentation, not topology |
//! | an attribute one edit away from a name read here (`nedd`, `regoin`, edge `deps`) | not read, and a warning: did you mean `need`? |
//! | `critical` other than `true`/`yes`/`1`/`false`/`no`/`0` | false, and a warning |
//! | subgraphs nested more than 64 deep | error at the 65th |
//! | ports (`a:p -> b`) | ignored: a port is a place on the node |
//! | undirected `graph` with `--` | `a -- b` read as `a` requires `b`, with one warning |
//! | a second graph in the file | warning, not read |
//! | **Terraform classic form** (`[root] ` node names) | `[root] ` and ` (expand)`/` (close)`/... suffixes stripped; resources (`TYPE.NAME`, `data.TYPE.NAME`, under `module.M.`) are components |
//! | Terraform `provider["registry.terraform.io/hashicorp/aws"]` node | placement `provider: aws` of the resources that point at it |
//! | Terraform `var.`, `local.`, `output.`, `module.M` (expand/close), `meta.`, `root` nodes | not components; an edge through them becomes a direct edge between the resources on either side; one warning per category |

use std::collections::{BTreeMap, BTreeSet, HashMap};

use blastmap_core::format::RefField;
use blastmap_core::{Error, ErrorKind, Errors, Pos};

use crate::build::Part;

/// Subgraph nesting deeper than this is refused.
const MAX_NESTING: usize = 64;

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Id(String),
    /// `{`, `}`, `[`, `]`, `;`, `,`, `=`, `:`, `+`
    Punct(u8),
    /// `->` or `--`
    EdgeOp(bool),
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    at: usize,
    quoted: bool,
}

/// Byte offsets to 1-based line and column (columns in characters).
pub(crate) struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    pub(crate) fn pos(&self, offset: usize) -> Pos {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = self.text.get(start..offset.min(self.text.len())).map_or(1, |s| s.chars().count() + 1);
        Pos::new(u32::try_from(line).unwrap_or(u32::MAX), u32::try_from(column).unwrap_or(u32::MAX))
    }
}

fn syntax(lines: &Lines<'_>, at: usize, message: impl Into<String>) -> Errors {
    Errors::one(Error::new(ErrorKind::Syntax, Some(lines.pos(at)), message.into()))
}

fn is_id_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || !c.is_ascii()
}

fn is_id_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || !c.is_ascii()
}

fn tokenize(text: &str, lines: &Lines<'_>) -> Result<Vec<Token>, Errors> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut line_start = true;
    while let Some(&(at, c)) = chars.peek() {
        if c == '\n' {
            line_start = true;
            chars.next();
            continue;
        }
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let at_line_start = line_start;
        line_start = false;
        let rest = text.get(at..).unwrap_or_default();
        if c == '#' && at_line_start {
            // C preprocessor output lines.
            while chars.next_if(|&(_, c)| c != '\n').is_some() {}
            continue;
        }
        if rest.starts_with("//") {
            while chars.next_if(|&(_, c)| c != '\n').is_some() {}
            continue;
        }
        if rest.starts_with("/*") {
            let Some(end) = rest.get(2..).and_then(|r| r.find("*/")) else {
                return Err(syntax(lines, at, "unterminated comment: expected `*/`"));
            };
            let stop = at + 2 + end + 2;
            while chars.next_if(|&(i, _)| i < stop).is_some() {}
            continue;
        }
        if rest.starts_with("->") || rest.starts_with("--") {
            chars.next();
            chars.next();
            tokens.push(Token { tok: Tok::EdgeOp(rest.starts_with("->")), at, quoted: false });
            continue;
        }
        match c {
            '{' | '}' | '[' | ']' | ';' | ',' | '=' | ':' | '+' => {
                chars.next();
                tokens.push(Token { tok: Tok::Punct(c as u8), at, quoted: false });
            }
            '"' => {
                chars.next();
                let mut s = String::new();
                let mut closed = false;
                while let Some((_, c)) = chars.next() {
                    match c {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\\' => match chars.next() {
                            Some((_, '"')) => s.push('"'),
                            Some((_, '\n')) => {}
                            Some((_, '\r')) => {
                                chars.next_if(|&(_, c)| c == '\n');
                            }
                            Some((_, other)) => {
                                s.push('\\');
                                s.push(other);
                            }
                            None => break,
                        },
                        c => s.push(c),
                    }
                }
                if !closed {
                    return Err(syntax(lines, at, "unterminated string: expected a closing `\"`"));
                }
                tokens.push(Token { tok: Tok::Id(s), at, quoted: true });
            }
            '<' => {
                chars.next();
                let mut depth = 1usize;
                let mut s = String::new();
                for (_, c) in chars.by_ref() {
                    match c {
                        '<' => depth += 1,
                        '>' => depth -= 1,
                        _ => {}
                    }
                    if depth == 0 {
                        break;
                    }
                    s.push(c);
                }
                if depth != 0 {
                    return Err(syntax(lines, at, "unterminated HTML string: expected a closing `>`"));
                }
                tokens.push(Token { tok: Tok::Id(s), at, quoted: true });
            }
            c if c == '-' || c == '.' || c.is_ascii_digit() => {
                let mut s = String::new();
                s.push(c);
                chars.next();
                while let Some((_, c)) = chars.next_if(|&(_, c)| c.is_ascii_digit() || c == '.') {
                    s.push(c);
                }
                if s == "-" || s == "." || s == "-." {
                    return Err(syntax(lines, at, format!("unexpected `{s}`: expected a number, `->` or `--`")));
                }
                tokens.push(Token { tok: Tok::Id(s), at, quoted: false });
            }
            c if is_id_start(c) => {
                let mut s = String::new();
                while let Some((_, c)) = chars.next_if(|&(_, c)| is_id_char(c)) {
                    s.push(c);
                }
                tokens.push(Token { tok: Tok::Id(s), at, quoted: false });
            }
            other => {
                return Err(syntax(
                    lines,
                    at,
                    format!(
                        "unexpected character `{}`: expected a name, a quoted string or one of {{ }} [ ] ; , = : -> --",
                        other.escape_default()
                    ),
                ));
            }
        }
    }
    Ok(tokens)
}

type Attrs = BTreeMap<String, (String, usize)>;

#[derive(Debug, Default)]
struct NodeInfo {
    at: usize,
    attrs: Attrs,
}

#[derive(Debug)]
struct Edge {
    from: String,
    to: String,
    at: usize,
    attrs: Attrs,
}

struct Parser<'t, 'l> {
    tokens: &'t [Token],
    i: usize,
    lines: &'l Lines<'l>,
    end: usize,
    nodes: BTreeMap<String, NodeInfo>,
    order: Vec<String>,
    edges: Vec<Edge>,
    graph_attrs: Attrs,
    /// Node and edge defaults per open scope.
    node_defaults: Vec<Attrs>,
    edge_defaults: Vec<Attrs>,
    directed: bool,
    depth: usize,
}

fn is_kw(t: &Token, kw: &str) -> bool {
    !t.quoted && matches!(&t.tok, Tok::Id(s) if s.eq_ignore_ascii_case(kw))
}

impl Parser<'_, '_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.i)
    }

    fn peek_at(&self, k: usize) -> Option<&Token> {
        self.tokens.get(self.i + k)
    }

    fn here(&self) -> usize {
        self.peek().map_or(self.end, |t| t.at)
    }

    fn err(&self, message: impl Into<String>) -> Errors {
        syntax(self.lines, self.here(), message)
    }

    fn found(&self) -> String {
        match self.peek().map(|t| &t.tok) {
            None => "the end of the input".into(),
            Some(Tok::Id(s)) => format!("`{s}`"),
            Some(Tok::Punct(c)) => format!("`{}`", *c as char),
            Some(Tok::EdgeOp(true)) => "`->`".into(),
            Some(Tok::EdgeOp(false)) => "`--`".into(),
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        if matches!(self.peek(), Some(Token { tok: Tok::Punct(p), .. }) if *p == c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8, what: &str) -> Result<(), Errors> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.err(format!("expected `{}` {what}, found {}", c as char, self.found())))
        }
    }

    /// An ID, with `"a" + "b"` concatenation.
    fn id(&mut self, what: &str) -> Result<(String, usize), Errors> {
        let Some(Token { tok: Tok::Id(s), at, quoted }) = self.peek().cloned() else {
            return Err(self.err(format!("expected {what}, found {}", self.found())));
        };
        self.i += 1;
        let mut s = s;
        if quoted {
            while matches!(self.peek(), Some(Token { tok: Tok::Punct(b'+'), .. })) {
                self.i += 1;
                match self.peek().cloned() {
                    Some(Token { tok: Tok::Id(more), quoted: true, .. }) => {
                        self.i += 1;
                        s.push_str(&more);
                    }
                    _ => return Err(self.err(format!("expected a quoted string after `+`, found {}", self.found()))),
                }
            }
        }
        Ok((s, at))
    }

    fn graph(&mut self) -> Result<(), Errors> {
        if self.peek().is_some_and(|t| is_kw(t, "strict")) {
            self.i += 1;
        }
        match self.peek() {
            Some(t) if is_kw(t, "digraph") => self.directed = true,
            Some(t) if is_kw(t, "graph") => self.directed = false,
            _ => return Err(self.err(format!("expected `digraph` or `graph`, found {}", self.found()))),
        }
        self.i += 1;
        if matches!(self.peek(), Some(Token { tok: Tok::Id(_), .. })) {
            self.id("a graph name")?;
        }
        self.expect(b'{', "to open the graph")?;
        self.node_defaults.push(Attrs::new());
        self.edge_defaults.push(Attrs::new());
        self.stmt_list()?;
        self.expect(b'}', "to close the graph")?;
        Ok(())
    }

    fn stmt_list(&mut self) -> Result<Vec<String>, Errors> {
        let mut members = Vec::new();
        loop {
            match self.peek() {
                None => return Ok(members),
                Some(Token { tok: Tok::Punct(b'}'), .. }) => return Ok(members),
                _ => {}
            }
            // Graphviz accepts empty statements.
            if self.eat(b';') {
                continue;
            }
            self.stmt(&mut members)?;
            self.eat(b';');
        }
    }

    fn attr_list(&mut self) -> Result<Attrs, Errors> {
        let mut attrs = Attrs::new();
        while self.eat(b'[') {
            loop {
                if self.eat(b']') {
                    break;
                }
                let (key, _) = self.id("an attribute name or `]`")?;
                self.expect(b'=', &format!("after attribute `{key}`"))?;
                let (value, at) = self.id(&format!("a value for attribute `{key}`"))?;
                attrs.insert(key, (value, at));
                if !self.eat(b',') {
                    self.eat(b';');
                }
            }
        }
        Ok(attrs)
    }

    fn stmt(&mut self, members: &mut Vec<String>) -> Result<(), Errors> {
        let Some(t) = self.peek().cloned() else {
            return Ok(());
        };
        // Attribute statements.
        for kw in ["graph", "node", "edge"] {
            if is_kw(&t, kw) && matches!(self.peek_at(1), Some(Token { tok: Tok::Punct(b'['), .. })) {
                self.i += 1;
                let attrs = self.attr_list()?;
                let scope = match kw {
                    "graph" => Some(&mut self.graph_attrs),
                    "node" => self.node_defaults.last_mut(),
                    _ => self.edge_defaults.last_mut(),
                };
                if let Some(scope) = scope {
                    scope.extend(attrs);
                }
                return Ok(());
            }
        }
        // `ID = ID`
        if matches!(t.tok, Tok::Id(_)) && matches!(self.peek_at(1), Some(Token { tok: Tok::Punct(b'='), .. })) {
            let (key, _) = self.id("a name")?;
            self.i += 1;
            let (value, at) = self.id(&format!("a value for `{key}`"))?;
            if self.depth == 0 {
                self.graph_attrs.insert(key, (value, at));
            }
            return Ok(());
        }
        let mut left = self.operand(members)?;
        let mut pending: Vec<(Vec<String>, Vec<String>, usize)> = Vec::new();
        while let Some(Token { tok: Tok::EdgeOp(_), at, .. }) = self.peek().cloned() {
            self.i += 1;
            let right = self.operand(members)?;
            pending.push((left, right.clone(), at));
            left = right;
        }
        let attrs = self.attr_list()?;
        if pending.is_empty() {
            // A node statement: `left` is one node (or a subgraph, whose members are declared).
            if let (Some(name), false) = (left.first(), attrs.is_empty()) {
                if let Some(info) = self.nodes.get_mut(name) {
                    info.attrs.extend(attrs);
                }
            }
            return Ok(());
        }
        let mut edge_attrs = self.edge_defaults.last().cloned().unwrap_or_default();
        edge_attrs.extend(attrs);
        for (from, to, at) in pending {
            for a in &from {
                for b in &to {
                    self.edges.push(Edge { from: a.clone(), to: b.clone(), at, attrs: edge_attrs.clone() });
                }
            }
        }
        Ok(())
    }

    /// A node id (declaring it) or a subgraph; returns the nodes it stands for.
    fn operand(&mut self, members: &mut Vec<String>) -> Result<Vec<String>, Errors> {
        let t = self.peek().cloned();
        let is_subgraph = match &t {
            Some(t) if is_kw(t, "subgraph") => true,
            Some(Token { tok: Tok::Punct(b'{'), .. }) => true,
            _ => false,
        };
        if is_subgraph {
            if t.as_ref().is_some_and(|t| is_kw(t, "subgraph")) {
                self.i += 1;
                if matches!(self.peek(), Some(Token { tok: Tok::Id(_), .. })) {
                    self.id("a subgraph name")?;
                }
            }
            let open = self.here();
            self.expect(b'{', "to open the subgraph")?;
            if self.depth >= MAX_NESTING {
                return Err(syntax(self.lines, open, format!("subgraphs nested more than {MAX_NESTING} deep")));
            }
            self.depth += 1;
            let inherited_nodes = self.node_defaults.last().cloned().unwrap_or_default();
            let inherited_edges = self.edge_defaults.last().cloned().unwrap_or_default();
            self.node_defaults.push(inherited_nodes);
            self.edge_defaults.push(inherited_edges);
            let inner = self.stmt_list();
            self.node_defaults.pop();
            self.edge_defaults.pop();
            self.depth -= 1;
            let inner = inner?;
            self.expect(b'}', "to close the subgraph")?;
            members.extend(inner.iter().cloned());
            return Ok(inner);
        }
        let (name, at) = self.id("a node name, `{` or `subgraph`")?;
        // Ports: `name:port[:compass]`.
        for _ in 0..2 {
            if matches!(self.peek(), Some(Token { tok: Tok::Punct(b':'), .. })) {
                self.i += 1;
                self.id("a port name")?;
            }
        }
        if !self.nodes.contains_key(&name) {
            let attrs = self.node_defaults.last().cloned().unwrap_or_default();
            self.nodes.insert(name.clone(), NodeInfo { at, attrs });
            self.order.push(name.clone());
        }
        members.push(name.clone());
        Ok(vec![name])
    }
}

/// What a Terraform graph node stands for.
#[derive(Debug, PartialEq)]
enum TfNode {
    Resource(String),
    Provider(String),
    Internal(&'static str),
}

/// Strips `module.NAME.` prefixes (names may be indexed: `module.m["a.b"]`).
fn strip_modules(mut s: &str) -> (String, &str) {
    let mut prefix = String::new();
    while let Some(rest) = s.strip_prefix("module.") {
        let mut depth = 0i32;
        let mut in_quote = false;
        let mut cut = None;
        for (i, c) in rest.char_indices() {
            match c {
                '"' => in_quote = !in_quote,
                '[' if !in_quote => depth += 1,
                ']' if !in_quote => depth -= 1,
                '.' if !in_quote && depth == 0 => {
                    cut = Some(i);
                    break;
                }
                _ => {}
            }
        }
        match cut {
            Some(i) => {
                prefix.push_str("module.");
                prefix.push_str(rest.get(..=i).unwrap_or_default());
                s = rest.get(i + 1..).unwrap_or_default();
            }
            None => return (prefix, ""),
        }
    }
    (prefix, s)
}

fn provider_short_name(p: &str) -> String {
    // provider["registry.terraform.io/hashicorp/aws"].alias, provider.aws.alias
    if let Some(inner) = p.strip_prefix("provider[") {
        let inner = inner.split(']').next().unwrap_or_default().trim_matches('"').trim_matches('\\');
        return inner.rsplit('/').next().unwrap_or(inner).trim_matches('"').to_string();
    }
    p.strip_prefix("provider.").unwrap_or(p).split('.').next().unwrap_or_default().to_string()
}

fn classify_tf(name: &str) -> TfNode {
    let mut s = name.strip_prefix("[root] ").unwrap_or(name).trim();
    // ` (expand)`, ` (close)`, ` (EachMode fixup)`, ` (prepare state)`, ...
    if s.ends_with(')') {
        if let Some(i) = s.rfind(" (") {
            s = s.get(..i).unwrap_or(s);
        }
    }
    if s == "root" {
        return TfNode::Internal("root");
    }
    let (prefix, rest) = strip_modules(s);
    if rest.is_empty() {
        return TfNode::Internal("module");
    }
    if rest.starts_with("provider[") || rest.starts_with("provider.") || rest == "provider" {
        return TfNode::Provider(provider_short_name(rest));
    }
    for (p, cat) in [
        ("var.", "var"),
        ("local.", "local"),
        ("output.", "output"),
        ("meta.", "meta"),
        ("path.", "path"),
        ("terraform.", "terraform"),
        ("each.", "each"),
        ("count.", "count"),
    ] {
        if rest.starts_with(p) {
            return TfNode::Internal(cat);
        }
    }
    TfNode::Resource(format!("{prefix}{rest}"))
}

/// The resource type of a Terraform resource address (`module.m.aws_subnet.a[0]` → `aws_subnet`).
fn resource_type(address: &str) -> Option<&str> {
    let (_, rest) = strip_modules(address);
    let rest = rest.strip_prefix("data.").unwrap_or(rest);
    let (typ, name) = rest.split_once('.')?;
    let valid = typ.contains('_') && typ.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    (valid && !name.is_empty() && !name.contains(' ')).then_some(typ)
}

/// The node attributes this importer reads.
const NODE_ATTRIBUTES: [&str; 12] = [
    "kind",
    "label",
    "need",
    "critical",
    "availability",
    "region",
    "zone",
    "host",
    "provider",
    "power",
    "network",
    "blastmap",
];
/// The edge attributes this importer reads.
const EDGE_ATTRIBUTES: [&str; 2] = ["dep", "blastmap"];
/// The Graphviz attributes within `suggest`'s distance of a name read here (checked against
/// Graphviz's attribute list): they are presentation, not near misses.
const GRAPHVIZ_NEAR: [&str; 2] = ["xlabel", "sep"];

/// The attribute `name` probably meant, when it is not read but is close to one that is; worked
/// out once per name (a graph repeats a few names on thousands of nodes).
fn near_miss(
    name: &str,
    read: &[&'static str],
    seen: &mut HashMap<String, Option<&'static str>>,
) -> Option<&'static str> {
    if let Some(&meant) = seen.get(name) {
        return meant;
    }
    let meant = if read.contains(&name) || GRAPHVIZ_NEAR.contains(&name) {
        None
    } else {
        blastmap_core::error::suggest(name, read.iter().copied())
    };
    seen.insert(name.to_string(), meant);
    meant
}

fn ref_field(value: &str) -> Option<RefField> {
    match value.trim().to_ascii_lowercase().as_str() {
        "requires" | "runtime" => Some(RefField::Requires),
        "requires_at_start" | "start" => Some(RefField::RequiresAtStart),
        "degrades_without" | "soft" => Some(RefField::DegradesWithout),
        "monitored_by" | "monitor" => Some(RefField::MonitoredBy),
        "holds_credentials_for" | "credentials" => Some(RefField::HoldsCredentialsFor),
        _ => None,
    }
}

pub(crate) fn import(text: &str) -> Result<Part, Errors> {
    let lines = Lines::new(text);
    let tokens = tokenize(text, &lines)?;
    if tokens.is_empty() {
        return Err(Errors::one(Error::empty_input("`digraph { ... }`")));
    }
    let mut p = Parser {
        tokens: &tokens,
        i: 0,
        lines: &lines,
        end: text.len(),
        nodes: BTreeMap::new(),
        order: Vec::new(),
        edges: Vec::new(),
        graph_attrs: Attrs::new(),
        node_defaults: Vec::new(),
        edge_defaults: Vec::new(),
        directed: true,
        depth: 0,
    };
    p.graph()?;
    let mut part = Part::new();
    if let Some(extra) = p.peek() {
        part.warn(Some(lines.pos(extra.at)), "only the first graph of the file is read; the rest is not mapped");
    }
    let pos = |at: usize| Some(lines.pos(at));
    if !p.directed && !p.edges.is_empty() {
        part.warn(
            pos(p.edges.first().map_or(0, |e| e.at)),
            "undirected graph: each `a -- b` is read as `a` requires `b`",
        );
    }
    let reverse = p.graph_attrs.get("blastmap_edges").is_some_and(|(v, _)| v.eq_ignore_ascii_case("reverse"));
    let terraform = p.order.iter().any(|n| n.starts_with("[root] "));
    // The compact form of Terraform 1.7+: every node is a resource address.
    let compact_terraform = !terraform && !p.order.is_empty() && p.order.iter().all(|n| resource_type(n).is_some());

    // Terraform: which nodes are components, which are providers, which are dropped.
    let mut kept: HashMap<&str, String> = HashMap::new();
    let mut providers: HashMap<&str, String> = HashMap::new();
    let mut dropped: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    for name in &p.order {
        if !terraform {
            kept.insert(name, name.clone());
            continue;
        }
        let at = p.nodes.get(name).map_or(0, |n| n.at);
        match classify_tf(name) {
            TfNode::Resource(id) => {
                kept.insert(name, id);
            }
            TfNode::Provider(short) => {
                providers.insert(name, short);
            }
            TfNode::Internal(cat) => {
                let e = dropped.entry(cat).or_insert((0, at));
                e.0 += 1;
            }
        }
    }
    let mut dropped: Vec<(&'static str, (usize, usize))> = dropped.into_iter().collect();
    dropped.sort_by_key(|(_, (_, at))| *at);
    for (cat, (count, at)) in &dropped {
        let what = match *cat {
            "root" => "the `root` node".to_string(),
            "module" => format!("{count} module node(s)"),
            other => format!("{count} `{other}.` node(s)"),
        };
        part.warn(pos(*at), format!("Terraform graph: {what}: not a resource, so not a component; dependencies through it are kept as direct edges"));
    }

    // Near misses of the attribute names read, worked out once per name.
    let mut node_names: HashMap<String, Option<&'static str>> = HashMap::new();
    let mut edge_names: HashMap<String, Option<&'static str>> = HashMap::new();

    // Components, in order of first appearance.
    for name in &p.order {
        let Some(id) = kept.get(name.as_str()) else {
            continue;
        };
        let Some(info) = p.nodes.get(name) else {
            continue;
        };
        let tf_type = if terraform || compact_terraform { resource_type(id) } else { None };
        let kind = info.attrs.get("kind").map(|(v, _)| v.as_str()).or(tf_type);
        let existed = part.has(id);
        let i = part.add(id, kind, pos(info.at));
        if existed {
            // Two Terraform nodes (`x (expand)` and `x`) for one resource.
            continue;
        }
        for (key, (value, at)) in &info.attrs {
            match key.as_str() {
                "kind" => {}
                "label" if value != name && value != id && !value.is_empty() => part.label(i, "label", value.clone()),
                "need" => match value.trim().parse::<u32>() {
                    Ok(k) if k >= 1 => part.set_need(i, k, pos(*at)),
                    _ => part.warn(
                        pos(*at),
                        format!("`need` of `{id}` is `{value}`: expected a whole number of at least 1; not mapped"),
                    ),
                },
                "critical" => {
                    let yes = match value.trim().to_ascii_lowercase().as_str() {
                        "true" | "yes" | "1" => true,
                        "false" | "no" | "0" => false,
                        _ => {
                            part.warn(
                                pos(*at),
                                format!("`critical` of `{id}` is `{value}`: expected true or false; read as false"),
                            );
                            false
                        }
                    };
                    if let Some(c) = part.comp(i) {
                        c.critical = yes;
                    }
                }
                "availability" => match value.trim().parse::<f64>() {
                    Ok(a) if a > 0.0 && a <= 1.0 => {
                        if let Some(c) = part.comp(i) {
                            c.availability = Some(a);
                        }
                    }
                    _ => part.warn(
                        pos(*at),
                        format!("`availability` of `{id}` is `{value}`: expected a probability in (0, 1]; not mapped"),
                    ),
                },
                "region" => part.place(i, "region", value, pos(*at)),
                "zone" => part.place(i, "zone", value, pos(*at)),
                "host" => part.place(i, "host", value, pos(*at)),
                "provider" => part.place(i, "provider", value, pos(*at)),
                "power" => part.place(i, "power", value, pos(*at)),
                "network" => part.place(i, "network", value, pos(*at)),
                // Presentation (shape, color, ...): not topology. A near miss of a name read here
                // is said.
                other => {
                    if let Some(meant) = near_miss(other, &NODE_ATTRIBUTES, &mut node_names) {
                        part.warn(pos(*at), format!("node attribute `{other}` is not read: did you mean `{meant}`?"));
                    }
                }
            }
        }
    }

    // Edges, contracted through dropped Terraform nodes.
    let mut out: HashMap<&str, Vec<&Edge>> = HashMap::new();
    for e in &p.edges {
        let (from, _) = if reverse { (&e.to, &e.from) } else { (&e.from, &e.to) };
        out.entry(from.as_str()).or_default().push(e);
    }
    let mut reach: HashMap<&str, (BTreeSet<String>, BTreeSet<String>)> = HashMap::new();
    for e in &p.edges {
        let (from, to) = if reverse { (&e.to, &e.from) } else { (&e.from, &e.to) };
        let Some(from_id) = kept.get(from.as_str()) else {
            continue;
        };
        let Some(i) = part.find(from_id) else {
            continue;
        };
        for (key, (_, at)) in &e.attrs {
            if let Some(meant) = near_miss(key, &EDGE_ATTRIBUTES, &mut edge_names) {
                part.warn(pos(*at), format!("edge attribute `{key}` is not read: did you mean `{meant}`?"));
            }
        }
        let field = match e.attrs.get("dep").or_else(|| e.attrs.get("blastmap")) {
            None => RefField::Requires,
            Some((v, at)) => match ref_field(v) {
                Some(f) => f,
                None => {
                    part.warn(pos(*at), format!("unknown dependency type `{v}`: expected requires, requires_at_start, degrades_without, monitored_by or holds_credentials_for; read as requires"));
                    RefField::Requires
                }
            },
        };
        // Walk through dropped nodes to the components and providers behind them (memoised per
        // start node: many edges lead into the same provider or module node).
        let (targets, found_providers) = reach.entry(to.as_str()).or_insert_with(|| {
            let mut targets: BTreeSet<String> = BTreeSet::new();
            let mut found: BTreeSet<String> = BTreeSet::new();
            let mut seen: BTreeSet<&str> = BTreeSet::new();
            let mut stack: Vec<&str> = vec![to.as_str()];
            while let Some(n) = stack.pop() {
                if !seen.insert(n) {
                    continue;
                }
                if let Some(id) = kept.get(n) {
                    targets.insert(id.clone());
                } else if let Some(short) = providers.get(n) {
                    if !short.is_empty() {
                        found.insert(short.clone());
                    }
                } else {
                    for next in out.get(n).map(Vec::as_slice).unwrap_or_default() {
                        stack.push(if reverse { next.from.as_str() } else { next.to.as_str() });
                    }
                }
            }
            (targets, found)
        });
        for short in found_providers.iter() {
            let current = part.components.get(i).and_then(|c| c.provider.clone());
            match current {
                None => part.place(i, "provider", short, pos(e.at)),
                Some(c) if c != *short => part
                    .warn(pos(e.at), format!("`{from_id}` uses providers `{c}` and `{short}`: placed with `{c}` only")),
                Some(_) => {}
            }
        }
        let targets = targets.clone();
        for t in targets {
            if t == *from_id && to != from {
                // A loop through dropped nodes back to itself carries no dependency.
                continue;
            }
            part.link(i, field, &t, pos(e.at));
        }
    }
    Ok(part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terraform_names_are_classified() {
        assert_eq!(classify_tf("[root] aws_instance.web (expand)"), TfNode::Resource("aws_instance.web".into()));
        assert_eq!(
            classify_tf("[root] module.vpc.aws_subnet.a (expand)"),
            TfNode::Resource("module.vpc.aws_subnet.a".into())
        );
        assert_eq!(
            classify_tf("[root] provider[\"registry.terraform.io/hashicorp/aws\"] (close)"),
            TfNode::Provider("aws".into())
        );
        assert_eq!(classify_tf("[root] provider.aws"), TfNode::Provider("aws".into()));
        assert_eq!(classify_tf("[root] var.region"), TfNode::Internal("var"));
        assert_eq!(classify_tf("[root] module.vpc (close)"), TfNode::Internal("module"));
        assert_eq!(classify_tf("[root] root"), TfNode::Internal("root"));
        assert_eq!(
            classify_tf("[root] module.m[\"a.b\"].data.x.y"),
            TfNode::Resource("module.m[\"a.b\"].data.x.y".into())
        );
    }

    #[test]
    fn lines_count_characters() {
        let l = Lines::new("ab\néx y");
        assert_eq!(l.pos(0), Pos::START);
        assert_eq!(l.pos(3), Pos::new(2, 1));
        assert_eq!(l.pos(6), Pos::new(2, 3));
        assert_eq!(l.pos(999), Pos::new(2, 5));
    }
}
