//! OpenTelemetry service graphs: the `traces_service_graph_request_total` counter of the
//! OpenTelemetry Collector's `servicegraph` connector (and of Grafana Tempo's metrics generator,
//! which it is based on), one series per observed edge with labels `client` (the caller) and
//! `server` (the callee): "Total count of requests between two nodes" (metrics table of
//! <https://grafana.com/docs/tempo/latest/metrics-generator/service_graphs/>; the connector:
//! <https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/connector/servicegraphconnector>).
//! Read in two encodings:
//!
//! - Prometheus text exposition (what the Collector's `prometheus` exporter serves, or a
//!   Prometheus scrape): `traces_service_graph_request_total{client="a",server="b",connection_type=""} 20`,
//!   the metric name optionally prefixed by an exporter namespace (`otel_traces_service_graph_request_total`);
//! - OTLP JSON metrics (the Collector's `file` exporter; one `ExportMetricsServiceRequest` per
//!   document, or one per line): `resourceMetrics[].scopeMetrics[].metrics[]` with `name`
//!   `traces_service_graph_request_total`, its `sum.dataPoints[]` carrying `attributes`
//!   (`[{key, value: {stringValue}}]`) and `asInt` or `asDouble`.
//!
//! | input | becomes |
//! |---|---|
//! | each `client` and `server` named by a request total | a component, kind `service` |
//! | a request total `{client: a, server: b}` | `a` requires `b` (a caller cannot serve without its callee) |
//! | its value, summed over the series of one pair | label `calls.<server>: n` on the client |
//! | `connection_type` (`virtual_node`, `messaging_system`, `database`) | label `connection_type.<server>` on the client |
//! | any other label (`dimensions` of the connector) | summed over, with one warning naming them |
//! | other metrics (`..._failed_total`, `..._seconds`, `..._unpaired_spans_total`, ...) | not read, with one warning naming them |
//! | a series of a service to itself | warning, no edge |
//! | a series without `client` or `server` | warning |
//! | a line that is not a sample, a comment or blank | error at its line and column |

use std::collections::{BTreeMap, BTreeSet};

use blastmap_core::format::RefField;
use blastmap_core::{Error, ErrorKind, Errors, Pos};

use crate::build::Part;
use crate::tree::{self, Node};

/// The counter whose series are the observed calls.
pub const REQUEST_TOTAL: &str = "traces_service_graph_request_total";

/// True for the counter's name, bare or under an exporter namespace (`otel_...`).
fn is_request_total(name: &str) -> bool {
    name == REQUEST_TOTAL || name.strip_suffix(REQUEST_TOTAL).is_some_and(|p| p.ends_with('_') || p.ends_with(':'))
}

/// True when `text` holds a sample or the `# TYPE` line of the request counter in Prometheus
/// text exposition (for format detection).
pub(crate) fn looks_like_prometheus(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start();
        let name = match line.strip_prefix("# TYPE ").or_else(|| line.strip_prefix("# HELP ")) {
            Some(rest) => rest.split_whitespace().next().unwrap_or_default(),
            None => line.split(['{', ' ', '\t']).next().unwrap_or_default(),
        };
        is_request_total(name)
    })
}

/// One series: who called whom, how many times, with what else.
struct Series {
    client: Option<(String, Option<Pos>)>,
    server: Option<(String, Option<Pos>)>,
    connection_type: Option<String>,
    others: Vec<String>,
    value: f64,
    pos: Option<Pos>,
}

/// Calls per (client, server), in order of first appearance, and what was left out.
#[derive(Default)]
struct Graph {
    order: Vec<(String, String)>,
    edges: BTreeMap<(String, String), Edge>,
    other_labels: BTreeSet<String>,
    other_labels_at: Option<Pos>,
    other_metrics: BTreeSet<String>,
    other_metrics_at: Option<Pos>,
    other_samples: usize,
}

struct Edge {
    calls: f64,
    connection_type: Option<String>,
    client_pos: Option<Pos>,
    server_pos: Option<Pos>,
}

impl Graph {
    fn add(&mut self, part: &mut Part, s: Series) {
        let (Some((client, client_pos)), Some((server, server_pos))) = (s.client, s.server) else {
            part.warn(s.pos, format!("a `{REQUEST_TOTAL}` series without a `client` and a `server` label: skipped"));
            return;
        };
        if !s.others.is_empty() {
            self.other_labels.extend(s.others);
            self.other_labels_at = self.other_labels_at.or(s.pos);
        }
        let key = (client.clone(), server.clone());
        match self.edges.get_mut(&key) {
            Some(e) => {
                e.calls += s.value;
                if e.connection_type.is_none() {
                    e.connection_type = s.connection_type;
                }
            }
            None => {
                self.order.push(key.clone());
                let e = Edge { calls: s.value, connection_type: s.connection_type, client_pos, server_pos };
                self.edges.insert(key, e);
            }
        }
    }

    fn other_metric(&mut self, name: &str, pos: Option<Pos>) {
        self.other_samples += 1;
        self.other_metrics.insert(name.to_string());
        self.other_metrics_at = self.other_metrics_at.or(pos);
    }

    fn finish(self, mut part: Part, at: Option<Pos>) -> Part {
        for key in &self.order {
            let Some(e) = self.edges.get(key) else { continue };
            let (client, server) = key;
            let c = part.add(client, Some("service"), e.client_pos);
            part.add(server, Some("service"), e.server_pos);
            if client == server {
                part.warn(
                    e.server_pos,
                    format!("`{client}` calls itself: not mapped (a component cannot require itself)"),
                );
                continue;
            }
            part.link(c, RefField::Requires, server, e.server_pos);
            if e.calls.is_finite() && e.calls >= 0.0 {
                part.label(c, &format!("calls.{server}"), format!("{}", e.calls.round()));
            }
            if let Some(t) = e.connection_type.as_deref().filter(|t| !t.is_empty()) {
                part.label(c, &format!("connection_type.{server}"), t);
            }
        }
        if !self.other_labels.is_empty() {
            let names: Vec<String> = self.other_labels.iter().map(|l| format!("`{l}`")).collect();
            part.warn(
                self.other_labels_at,
                format!("labels {} of the request totals are summed over (only `client`, `server` and `connection_type` are read)", names.join(", ")),
            );
        }
        if !self.other_metrics.is_empty() {
            let names: Vec<String> = self.other_metrics.iter().take(5).map(|l| format!("`{l}`")).collect();
            let more = blastmap_core::finding::and_more(self.other_metrics.len(), names.len());
            let samples = if self.other_samples == 1 {
                "1 sample of another metric is".to_string()
            } else {
                format!("{} samples of other metrics are", blastmap_core::finding::thousands(self.other_samples))
            };
            part.warn(
                self.other_metrics_at,
                format!("{samples} not read ({}{more}): only `{REQUEST_TOTAL}` says who calls whom", names.join(", ")),
            );
        }
        if part.components.is_empty() {
            part.warn(at, format!("no `{REQUEST_TOTAL}` series: the topology is empty"));
        }
        part.warnings.sort_by_key(|w| w.pos.map(|p| (p.line, p.column)));
        part
    }
}

pub(crate) fn import(text: &str) -> Result<Part, Errors> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    if body.trim_start().starts_with('{') {
        otlp(body)
    } else {
        prometheus(body)
    }
}

fn syntax(line: usize, column: usize, message: String) -> Errors {
    let pos = Pos::new(u32::try_from(line).unwrap_or(u32::MAX), u32::try_from(column).unwrap_or(u32::MAX));
    Errors::one(Error::new(ErrorKind::Syntax, Some(pos), message))
}

/// Prometheus text exposition, line by line.
fn prometheus(text: &str) -> Result<Part, Errors> {
    let mut part = Part::new();
    let mut graph = Graph::default();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.chars().count() - line.trim_start().chars().count();
        let sample = Sample::parse(line.trim_start()).map_err(|(col, what)| syntax(n, indent + col, what))?;
        let pos = Some(Pos::new(u32::try_from(n).unwrap_or(u32::MAX), u32::try_from(indent + 1).unwrap_or(u32::MAX)));
        if !is_request_total(sample.name) {
            graph.other_metric(sample.name, pos);
            continue;
        }
        let at = |col: usize| {
            Some(Pos::new(u32::try_from(n).unwrap_or(u32::MAX), u32::try_from(indent + col).unwrap_or(u32::MAX)))
        };
        let mut series =
            Series { client: None, server: None, connection_type: None, others: Vec::new(), value: sample.value, pos };
        for (label, value, col) in sample.labels {
            match label {
                "client" => series.client = Some((value, at(col))),
                "server" => series.server = Some((value, at(col))),
                "connection_type" => series.connection_type = Some(value),
                other => series.others.push(other.to_string()),
            }
        }
        graph.add(&mut part, series);
    }
    Ok(graph.finish(part, Some(Pos::START)))
}

/// One sample line: its metric name, its labels (name, value, 1-based column of the value) and
/// its value.
struct Sample<'a> {
    name: &'a str,
    labels: Vec<(&'a str, String, usize)>,
    value: f64,
}

impl<'a> Sample<'a> {
    /// Parses `name{label="value",...} value [timestamp]`; an error is the 1-based column
    /// (in characters) and what was expected there.
    fn parse(line: &'a str) -> Result<Sample<'a>, (usize, String)> {
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        let col = |k: usize| k + 1;
        let mut k = 0;
        let is_name =
            |c: char, first: bool| c == '_' || c == ':' || c.is_ascii_alphabetic() || (!first && c.is_ascii_digit());
        while chars.get(k).is_some_and(|&(_, c)| is_name(c, k == 0)) {
            k += 1;
        }
        if k == 0 {
            return Err((col(0), "expected a metric name, a `#` comment or a blank line".into()));
        }
        let byte = |k: usize| chars.get(k).map_or(line.len(), |&(b, _)| b);
        let name = line.get(..byte(k)).unwrap_or_default();
        let mut labels = Vec::new();
        if chars.get(k).is_some_and(|&(_, c)| c == '{') {
            k += 1;
            loop {
                while chars.get(k).is_some_and(|&(_, c)| c == ' ' || c == ',') {
                    k += 1;
                }
                match chars.get(k) {
                    Some(&(_, '}')) => {
                        k += 1;
                        break;
                    }
                    None => return Err((col(k), "expected `}` to close the labels".into())),
                    _ => {}
                }
                let start = k;
                while chars.get(k).is_some_and(|&(_, c)| is_name(c, k == start) && c != ':') {
                    k += 1;
                }
                if k == start {
                    return Err((col(k), "expected a label name".into()));
                }
                let label = line.get(byte(start)..byte(k)).unwrap_or_default();
                if chars.get(k).map(|&(_, c)| c) != Some('=') {
                    return Err((col(k), format!("expected `=` after label `{label}`")));
                }
                k += 1;
                if chars.get(k).map(|&(_, c)| c) != Some('"') {
                    return Err((col(k), format!("expected `\"` to open the value of label `{label}`")));
                }
                k += 1;
                let value_col = col(k);
                let mut value = String::new();
                loop {
                    match chars.get(k).map(|&(_, c)| c) {
                        None => return Err((col(k), format!("expected `\"` to close the value of label `{label}`"))),
                        Some('"') => {
                            k += 1;
                            break;
                        }
                        Some('\\') => {
                            match chars.get(k + 1).map(|&(_, c)| c) {
                                Some('n') => value.push('\n'),
                                Some(c @ ('\\' | '"')) => value.push(c),
                                Some(c) => {
                                    value.push('\\');
                                    value.push(c);
                                }
                                None => {
                                    return Err((
                                        col(k + 1),
                                        format!("expected `\"` to close the value of label `{label}`"),
                                    ))
                                }
                            }
                            k += 2;
                        }
                        Some(c) => {
                            value.push(c);
                            k += 1;
                        }
                    }
                }
                labels.push((label, value, value_col));
            }
        }
        let rest = line.get(byte(k)..).unwrap_or_default();
        let rest_col = col(k) + (rest.chars().count() - rest.trim_start().chars().count());
        let Some(text) = rest.split_whitespace().next() else {
            return Err((rest_col, "expected the sample's value after the metric".into()));
        };
        let value = match text {
            "+Inf" | "Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            "NaN" => f64::NAN,
            t => t.parse::<f64>().map_err(|_| (rest_col, format!("`{t}`: expected a number as the sample's value")))?,
        };
        Ok(Sample { name, labels, value })
    }
}

/// OTLP JSON: one document, or one per line (JSON Lines, as the `file` exporter writes).
fn otlp(text: &str) -> Result<Part, Errors> {
    let mut part = Part::new();
    let mut graph = Graph::default();
    match tree::json(text) {
        Ok((root, said)) => {
            part.warn_all(said);
            read_request(&root, 0, &mut part, &mut graph);
        }
        Err(whole) => {
            let lines: Vec<(usize, &str)> = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).collect();
            if lines.len() < 2 || !lines.iter().all(|(_, l)| l.trim_start().starts_with('{')) {
                return Err(whole);
            }
            for (i, line) in lines {
                let shift = u32::try_from(i).unwrap_or(u32::MAX);
                let (root, said) = tree::json(line).map_err(|mut e| {
                    for err in &mut e.0 {
                        if let Some(p) = &mut err.pos {
                            p.line = p.line.saturating_add(shift);
                        }
                    }
                    e
                })?;
                part.warn_all(
                    said.into_iter()
                        .map(|(pos, m)| (pos.map(|p| Pos { line: p.line.saturating_add(shift), ..p }), m))
                        .collect(),
                );
                read_request(&root, shift, &mut part, &mut graph);
            }
        }
    }
    Ok(graph.finish(part, Some(Pos::START)))
}

/// `pos` moved down `shift` lines (a JSON line read alone).
fn shifted(pos: Option<Pos>, shift: u32) -> Option<Pos> {
    pos.map(|p| Pos { line: p.line.saturating_add(shift), ..p })
}

/// One `ExportMetricsServiceRequest`.
fn read_request(root: &Node, shift: u32, part: &mut Part, graph: &mut Graph) {
    let Some(resources) = root.get("resourceMetrics") else {
        part.warn(shifted(root.pos, shift), "expected `resourceMetrics` (OTLP JSON metrics): nothing read");
        return;
    };
    for resource in resources.as_seq() {
        let scopes = resource.get("scopeMetrics").or_else(|| resource.get("instrumentationLibraryMetrics"));
        for scope in scopes.map(Node::as_seq).unwrap_or_default() {
            for metric in scope.get("metrics").map(Node::as_seq).unwrap_or_default() {
                let name = metric.get("name").and_then(Node::as_str).unwrap_or_default();
                let points = metric
                    .get("sum")
                    .or_else(|| metric.get("gauge"))
                    .or_else(|| metric.get("histogram"))
                    .and_then(|m| m.get("dataPoints"))
                    .map(Node::as_seq)
                    .unwrap_or_default();
                if !is_request_total(name) {
                    for p in points {
                        graph.other_metric(name, shifted(p.pos, shift));
                    }
                    continue;
                }
                for p in points {
                    graph.add(part, data_point(p, shift));
                }
            }
        }
    }
}

fn data_point(p: &Node, shift: u32) -> Series {
    let mut series = Series {
        client: None,
        server: None,
        connection_type: None,
        others: Vec::new(),
        value: 0.0,
        pos: shifted(p.pos, shift),
    };
    for attribute in p.get("attributes").map(Node::as_seq).unwrap_or_default() {
        let key = attribute.get("key").and_then(Node::as_str).unwrap_or_default();
        let value = attribute.get("value").and_then(|v| v.get("stringValue"));
        let text = value.and_then(Node::as_str).map(str::to_string);
        let pos = shifted(value.and_then(|v| v.pos), shift);
        match (key, text) {
            ("client", Some(t)) => series.client = Some((t, pos)),
            ("server", Some(t)) => series.server = Some((t, pos)),
            ("connection_type", t) => series.connection_type = t,
            (other, _) => series.others.push(other.to_string()),
        }
    }
    let number = |key: &str| {
        p.get(key).and_then(|n| match &n.value {
            tree::Value::Int(i) => Some(*i as f64),
            tree::Value::Float(f) => Some(*f),
            // OTLP JSON writes 64-bit integers as strings.
            tree::Value::Str(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        })
    };
    series.value = number("asInt").or_else(|| number("asDouble")).unwrap_or(0.0);
    series
}
