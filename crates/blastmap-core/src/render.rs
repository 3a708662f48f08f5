//! Reports for people: terminal text (optionally colored) and Markdown. JSON is the report's
//! serde form.
//!
//! Every string the user wrote (ids, names, titles that quote them) reaches the output through
//! one of three doors, so that no topology can turn a report against its reader:
//! - [`visible`]: control characters (ESC, CSI, BEL, CR, LF, backspace, ...), bidirectional
//!   overrides and line separators are written as visible escapes (`\x1b`, `\n`, `\u{202e}`),
//!   never raw, in every surface;
//! - [`code`]: in Markdown, an id is a code span whose fence is longer than any run of backticks
//!   inside it (so no id closes its span, and HTML inside it stays text); in tables its pipes are
//!   escaped, so no id splits a cell;
//! - the words of a title between its quoted ids are Markdown-escaped (`\<`, `\*`, `\[`, ...).
//!
//! A finding's title quotes ids between backticks ([`pieces`] finds them again, knowing the ids).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use rustc_hash::FxHashSet;

use crate::algo::Status;
use crate::finding::{thousands, Class, Finding};
use crate::name::Name;
use crate::note::{Note, NoteKind};
use crate::observed::ObservedReport;
use crate::policy_report::{is_policy_kind, PolicySection, PrincipalReach, REACH_NAMES};
use crate::report::{FindingKind, Report, Severity, WhatIfReport};

/// How many lines each section shows before "… and N more".
const SECTION_LIMIT: usize = 12;

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn bold(&self, t: &str) -> String {
        self.paint("1", t)
    }
    fn dim(&self, t: &str) -> String {
        self.paint("2", t)
    }
    fn severity(&self, s: Severity) -> String {
        match s {
            Severity::Critical => self.paint("1;31", "CRITICAL"),
            Severity::High => self.paint("31", "HIGH    "),
            Severity::Medium => self.paint("33", "MEDIUM  "),
            Severity::Low => self.paint("36", "LOW     "),
        }
    }
}

/// The heading of a kind of finding, shared by every surface.
pub fn section_title(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::Deadlock => "Cold-start deadlocks",
        FindingKind::Spof => "Single points of failure",
        FindingKind::FalseRedundancy => "False redundancy",
        FindingKind::BlindSpot => "Monitoring blind spots",
        FindingKind::Blinding => "Monitoring single points (failures that blind, not stop)",
        FindingKind::Cycle => "Dependency cycles",
        FindingKind::RestartHazard => "Restart hazards",
        FindingKind::DoublePoint => "Double and triple points of failure",
        FindingKind::CredentialReach => "Credential reach (security blast radius)",
        FindingKind::MeshOutage => "Mesh: shard and relay outages",
        FindingKind::HiddenDependency => "Hidden dependencies (observed, not declared)",
        FindingKind::UnobservedDependency => "Declared, never observed",
        FindingKind::PolicyAllowsAll => "Policy: rules that allow everything",
        FindingKind::PolicyBlastRadius => "Policy: security blast radius",
        FindingKind::RouteTakeover => "Policy: route takeover",
        FindingKind::ForbiddenRelay => "Policy: relays that are no path",
    }
}

/// The kinds of finding the "Declared vs observed" section shows (not the per-kind sections).
fn observed_kind(kind: FindingKind) -> bool {
    matches!(kind, FindingKind::HiddenDependency | FindingKind::UnobservedDependency)
}

/// One line of a section of findings, as every surface shows it: the hidden findings one per
/// line (an equivalent one on the line of the one it is shown with), then the obvious ones
/// (single points of failure folded into one line per target).
#[derive(Clone, Debug, PartialEq)]
pub enum Line<'a> {
    /// A finding (with its index in the list given to [`lines`]).
    One(usize, &'a Finding),
    /// The obvious findings of one target: its plain single-instance dependencies.
    Folded {
        target: &'a str,
        /// The most severe of them.
        severity: Severity,
        /// All of them, in report order.
        members: Vec<(usize, &'a Finding)>,
    },
}

/// How many components each failure takes down, from the report's criticality list (a failure
/// beyond the list's cut is not in it: [`lines`] puts it last and [`fold_words`] gives no count).
#[derive(Clone, Debug, Default)]
pub struct TakenDown<'a>(BTreeMap<&'a str, u32>);

impl<'a> TakenDown<'a> {
    pub fn of(report: &'a Report) -> Self {
        TakenDown(report.criticality.iter().map(|c| (c.component.as_str(), c.components_down)).collect())
    }

    /// Components `name`'s failure takes down, when the criticality list has it.
    pub fn get(&self, name: &str) -> Option<u32> {
        self.0.get(name).copied()
    }
}

/// The lines of one section: `items` (one kind of finding, in report order, each with its index)
/// as shown. Nothing is dropped: every finding is on a line, its own, its equivalent's (named in
/// that one's rank) or its target's fold. A fold lists its members widest first (by `down`: the
/// components each takes down; ties and failures `down` does not know keep report order), so the
/// failure that takes down most is never buried in "… and N more".
pub fn lines<'a>(items: impl IntoIterator<Item = (usize, &'a Finding)>, down: &TakenDown<'_>) -> Vec<Line<'a>> {
    let mut out = Vec::new();
    let mut folds: Vec<Line<'a>> = Vec::new();
    for (i, f) in items {
        match (f.rank.class, f.rank.target.as_deref()) {
            (Class::Obvious, Some(target)) if f.kind == FindingKind::Spof => {
                let fold = folds.iter_mut().find(|l| matches!(l, Line::Folded { target: t, .. } if *t == target));
                match fold {
                    Some(Line::Folded { severity, members, .. }) => {
                        *severity = (*severity).min(f.severity);
                        members.push((i, f));
                    }
                    _ => folds.push(Line::Folded { target, severity: f.severity, members: vec![(i, f)] }),
                }
            }
            _ if f.rank.same_as.is_some() => {}
            _ => out.push(Line::One(i, f)),
        }
    }
    for fold in &mut folds {
        if let Line::Folded { members, .. } = fold {
            members.sort_by_key(|(_, f)| std::cmp::Reverse(down.get(&f.subject)));
        }
    }
    out.extend(folds);
    out
}

/// What a line of a section says after the finding's title: why it is hidden (for the kinds
/// whose reasons vary) and the equivalent failures shown on it.
pub fn rank_note(f: &Finding) -> Option<String> {
    let mut parts = Vec::new();
    if f.kind.inherent_reason().is_none() && !f.rank.reasons.is_empty() {
        let why: Vec<&str> = f.rank.reasons.iter().map(|r| r.words()).collect();
        parts.push(format!("hidden: {}", why.join(", ")));
    }
    if !f.rank.equivalent.is_empty() {
        let quoted: Vec<String> = f.rank.equivalent.iter().map(|e| format!("`{e}`")).collect();
        let total = f.rank.equivalent_count.max(quoted.len());
        let shown: Vec<String> = quoted.into_iter().take(5).collect();
        let more = crate::finding::and_more(total, shown.len());
        parts.push(format!("equivalent (each takes down the same outside this group): {}{more}", shown.join(", ")));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Which fold targets the hidden lines shown so far in a section name (in their evidence: what
/// each takes down), so that a fold line says "and" only after a hidden line that takes its
/// target down too. Only the section's fold targets are looked for.
#[derive(Clone, Debug, Default)]
pub struct NamedAbove<'a> {
    /// Fold targets no hidden line shown has named yet.
    waiting: FxHashSet<&'a str>,
    named: FxHashSet<&'a str>,
}

impl<'a> NamedAbove<'a> {
    /// For the section made of `lines`.
    pub fn new(lines: &[Line<'a>]) -> Self {
        let waiting = lines
            .iter()
            .filter_map(|l| match l {
                Line::Folded { target, .. } => Some(*target),
                Line::One(..) => None,
            })
            .collect();
        NamedAbove { waiting, named: FxHashSet::default() }
    }

    /// Records a hidden line shown.
    pub fn add(&mut self, f: &'a Finding) {
        for name in &f.evidence {
            if self.waiting.is_empty() {
                return;
            }
            if let Some(t) = self.waiting.take(name.as_str()) {
                self.named.insert(t);
            }
        }
    }

    /// True when a hidden line shown above names `target`.
    pub fn names(&self, target: &str) -> bool {
        self.named.contains(target)
    }
}

/// A fold line's words: "`checkout`: 14 single-instance dependencies, direct or chained (obvious), widest
/// first: `a` (9 down), `b` (4 down), … and 4 more" ("`checkout`: also 14 …" when a hidden line
/// above takes `checkout` down too, [`NamedAbove`]; the counts from `down`, given only when the
/// members do not all take down as much). `total` is how many members the fold has in all: more
/// than `members` when they are a cut report's first ones.
pub fn fold_words(
    target: &str,
    members: &[(usize, &Finding)],
    total: usize,
    also: bool,
    show: usize,
    down: &TakenDown<'_>,
) -> String {
    let total = total.max(members.len());
    let counts: Vec<Option<u32>> = members.iter().map(|(_, f)| down.get(&f.subject)).collect();
    let differ = counts.windows(2).any(|w| w.first() != w.get(1));
    let names: Vec<String> = members
        .iter()
        .zip(&counts)
        .take(show)
        .map(|((_, f), n)| match n {
            Some(n) if differ => format!("`{}` ({} down)", f.subject, thousands(*n as usize)),
            _ => format!("`{}`", f.subject),
        })
        .collect();
    let more = total.saturating_sub(names.len());
    let more = if more > 0 { format!(" … and {} more", thousands(more)) } else { String::new() };
    format!(
        "`{target}`: {}{} single-instance {}, direct or chained (obvious){}: {}{more}",
        if also { "also " } else { "" },
        thousands(total),
        if total == 1 { "dependency" } else { "dependencies" },
        if differ { ", widest first" } else { "" },
        names.join(", ")
    )
}

/// How many names a fold line lists before "… and N more".
const FOLD_NAMES: usize = 10;

/// True for the characters [`visible`] escapes: control characters (C0, DEL, C1), the
/// bidirectional embeddings, overrides, isolates and marks (which reorder what a reader sees),
/// and the Unicode line and paragraph separators.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}')
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// `s` with every control character, bidirectional control and line separator written as a
/// visible escape: `\n`, `\r`, `\t`, `\x1b` for the other ASCII controls, `\u{9b}` beyond.
/// Everything else is kept as it is (backslashes too: `\x1b` written by the user looks the same as
/// an escaped ESC, which is harmless).
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii() && hidden(c) => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if hidden(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A piece of a finding's title: the report's own words, or an id it quotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    Words(&'a str),
    Id(&'a str),
}

/// Splits a finding's title into its words and the ids it quotes between backticks. An id may
/// itself hold backticks, so a quote is only taken for one when `is_id` knows what it encloses;
/// of several candidates the longest wins. A backtick that encloses no id stays in the words.
///
/// # Complexity
/// O(b · q) calls of `is_id` for b backticks in the title, each trying the q backticks after it
/// within `longest` bytes (the longest id).
pub fn pieces<'a>(title: &'a str, is_id: &dyn Fn(&str) -> bool, longest: usize) -> Vec<Piece<'a>> {
    let mut out = Vec::new();
    let (mut from, mut words) = (0, 0);
    while let Some(rel) = title.get(from..).and_then(|t| t.find('`')) {
        let open = from + rel;
        let inner = open + 1;
        let close = title
            .get(inner..)
            .unwrap_or_default()
            .match_indices('`')
            .map(|(k, _)| inner + k)
            .take_while(|&j| j - inner <= longest)
            .filter(|&j| title.get(inner..j).is_some_and(is_id))
            .last();
        match close {
            Some(j) => {
                if let Some(w) = title.get(words..open).filter(|w| !w.is_empty()) {
                    out.push(Piece::Words(w));
                }
                out.push(Piece::Id(title.get(inner..j).unwrap_or_default()));
                from = j + 1;
                words = from;
            }
            None => from = inner,
        }
    }
    if let Some(w) = title.get(words..).filter(|w| !w.is_empty()) {
        out.push(Piece::Words(w));
    }
    out
}

/// The ids a report names, for [`pieces`]: every component (each comes up in a cold-start wave
/// or never does) and every id a finding or a section names.
struct Ids<'a> {
    /// Looked up only, never iterated (so never an order to keep); hashed, as a report at
    /// estate scale names millions of ids and sorting them cost a fifth of a text report's time.
    set: FxHashSet<&'a str>,
    longest: usize,
}

impl<'a> Ids<'a> {
    fn new(names: impl IntoIterator<Item = &'a str>) -> Self {
        Ids::with_capacity(names, 0)
    }

    fn with_capacity(names: impl IntoIterator<Item = &'a str>, capacity: usize) -> Self {
        let mut set: FxHashSet<&str> = FxHashSet::with_capacity_and_hasher(capacity, Default::default());
        set.extend(names);
        let longest = set.iter().map(|s| s.len()).max().unwrap_or(0);
        Ids { set, longest }
    }

    fn of_report(r: &'a Report) -> Self {
        let c = &r.cold_start;
        // A report names each component many times (a million names, a tenth of them distinct,
        // at a million edges), each time the same shared allocation: those are told apart by
        // address, and only the first of each is hashed as text. Every component comes up in a
        // wave or is deadlocked: about as many as are distinct, room made once.
        let components = c.waves.iter().map(Vec::len).sum::<usize>() + c.deadlocked.len();
        let mut seen: FxHashSet<usize> = FxHashSet::with_capacity_and_hasher(components, Default::default());
        let names = r
            .targets
            .iter()
            .chain(r.findings.iter().flat_map(finding_names_beyond_targets))
            .chain(r.double_points.iter().flat_map(|d| d.equivalent.iter().flatten()))
            .chain(c.waves.iter().flatten())
            .chain(&c.deadlocked)
            .chain(
                r.blind_spots.iter().flat_map(|b| std::iter::once(&b.component).chain(&b.monitors).chain(&b.failures)),
            )
            .chain(r.restart_hazards.iter().flat_map(|h| std::iter::once(&h.failure).chain(&h.cannot_restart)))
            .chain(r.redundancy.iter().flat_map(|x| std::iter::once(&x.component).chain(&x.minimal_failure)))
            .map(Name::as_str)
            .filter(|name| seen.insert(name.as_ptr() as usize));
        Ids::with_capacity(
            names.chain(
                r.notes
                    .iter()
                    .chain(r.observed.iter().flat_map(|o| &o.marks))
                    .flat_map(|n| std::iter::once(&n.subject).chain(n.edge.iter().flat_map(|e| [&e.from, &e.to])))
                    .chain(r.observed.iter().flat_map(observed_names))
                    .map(String::as_str),
            ),
            components,
        )
    }

    fn of_findings<'f: 'a>(findings: impl Iterator<Item = &'f crate::report::Finding>) -> Self {
        Ids::new(findings.flat_map(finding_names).map(Name::as_str))
    }

    fn pieces<'t>(&self, title: &'t str) -> Vec<Piece<'t>> {
        pieces(title, &|s| self.set.contains(s), self.longest)
    }

    /// A title for a terminal: ids unquoted, everything [`visible`].
    fn plain(&self, title: &str) -> String {
        plain_pieces(&self.pieces(title))
    }

    /// A title in Markdown: ids as code spans, words escaped.
    fn markdown(&self, title: &str) -> String {
        self.pieces(title)
            .into_iter()
            .map(|p| match p {
                Piece::Words(w) => words(w),
                Piece::Id(id) => code(id),
            })
            .collect()
    }
}

/// [`finding_names`] without the targets a single point of failure takes down (the rest of its
/// evidence), which the report's `targets` list already holds: at estate scale they are most of
/// the names a report repeats, and reading them was most of a text report's time.
fn finding_names_beyond_targets(f: &Finding) -> impl Iterator<Item = &Name> {
    let evidence = if f.kind == FindingKind::Spof { f.evidence.get(..1).unwrap_or_default() } else { &f.evidence };
    std::iter::once(&f.subject).chain(evidence).chain(&f.rank.equivalent).chain(&f.rank.target).chain(&f.rank.same_as)
}

/// The ids a finding names: its subject, its evidence, and those of its rank.
pub fn finding_names(f: &Finding) -> impl Iterator<Item = &Name> {
    std::iter::once(&f.subject)
        .chain(&f.evidence)
        .chain(&f.rank.equivalent)
        .chain(&f.rank.target)
        .chain(&f.rank.same_as)
}

fn plain_pieces(pieces: &[Piece<'_>]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Words(w) | Piece::Id(w) => visible(w),
        })
        .collect()
}

/// A finding's title for a terminal or a log: the quotes around ids dropped (`is_id` says which
/// strings are ids and `longest` how long the longest is, see [`pieces`]), control characters made
/// [`visible`].
pub fn plain_title(title: &str, is_id: &dyn Fn(&str) -> bool, longest: usize) -> String {
    plain_pieces(&pieces(title, is_id, longest))
}

/// `s` as a Markdown code span that shows it literally wherever it stands: fenced by one more
/// backtick than its longest run of backticks, padded with a space when it starts or ends with
/// a backtick or a space (CommonMark strips one space each side), control characters made
/// [`visible`] (so no line break ends the paragraph or list item it is in). An empty string is
/// shown as one space (a code span cannot be empty).
pub fn code(s: &str) -> String {
    fence_code(s, false)
}

/// [`code`] for a table cell: pipes escaped as `\|` too (GitHub splits cells on pipes before it
/// reads code spans, and drops the backslash inside them).
pub fn code_in_table(s: &str) -> String {
    fence_code(s, true)
}

fn fence_code(s: &str, in_table: bool) -> String {
    let shown = visible(s);
    let shown = if in_table && shown.contains('|') { Cow::Owned(shown.replace('|', "\\|")) } else { shown };
    let mut run = 0;
    let mut longest = 0;
    for c in shown.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    if shown.is_empty() {
        return "` `".to_string();
    }
    let fence = "`".repeat(longest + 1);
    // CommonMark strips one space each side when both are there, unless the span is all spaces.
    let pad = shown.trim_matches(' ').len() < shown.len() || shown.starts_with('`') || shown.ends_with('`');
    let pad = if pad && !shown.trim_matches(' ').is_empty() { " " } else { "" };
    format!("{fence}{pad}{shown}{pad}{fence}")
}

/// Words for Markdown: [`visible`], then every character that could start markup in the middle
/// of a line (emphasis, code, links, HTML, entities, tables, strike-through, math) escaped with a
/// backslash. Nothing here stands at the start of a line, so block markers need no escape.
fn words(s: &str) -> String {
    let shown = visible(s);
    let mut out = String::with_capacity(shown.len());
    for c in shown.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '~' | '$' | '!') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Ids joined by ", " as code spans; at most `n`, then "… +k".
fn code_list<S: AsRef<str>>(items: &[S], n: usize) -> String {
    let shown: Vec<String> = items.iter().take(n).map(|s| code(s.as_ref())).collect();
    let shown = shown.join(", ");
    if items.len() > n {
        format!("{shown} … +{}", items.len() - n)
    } else {
        shown
    }
}

/// The report as terminal text: a summary, then findings grouped by kind, most severe first,
/// then the cold-start waves, the criticality ranking and the notes (what overlays and
/// importers changed or concluded). Every id and name is [`visible`].
pub fn text(report: &Report, color: bool) -> String {
    let s = Style { color };
    let ids = Ids::of_report(report);
    let mut out = String::new();
    let name = report.name.as_deref().map_or(Cow::Borrowed("topology"), visible);
    let _ = writeln!(
        out,
        "{} — {}, {}, {}; {}",
        s.bold(&name),
        counted(report.summary.components, "component"),
        counted(report.summary.placement_values, "placement value"),
        counted(report.summary.edges, "edge"),
        counted(report.targets.len(), "target")
    );
    if report.findings.is_empty() && report.incomplete.is_empty() {
        let _ = writeln!(
            out,
            "\nNo findings: no single points of failure, false redundancy, blind spots, cycles or restart hazards."
        );
    } else if report.findings.is_empty() {
        let _ = writeln!(
            out,
            "\nNo findings found, but {} cut short by a budget (below): some may be missing.",
            results_cut(report.incomplete.len())
        );
    }
    let mut kinds: Vec<(Severity, FindingKind)> = FindingKind::ALL
        .into_iter()
        .filter(|&k| !observed_kind(k) && !is_policy_kind(k))
        .filter_map(|k| report.findings_of(k).map(|f| f.severity).min().map(|sev| (sev, k)))
        .collect();
    kinds.sort();
    let down = TakenDown::of(report);
    for (_, kind) in kinds {
        let items: Vec<_> = report.findings_of(kind).collect();
        let _ = writeln!(out, "\n{} ({})", s.bold(section_title(kind)), shown_count(report, kind, items.len()));
        let lines = lines(items.iter().copied().enumerate(), &down);
        let mut above = NamedAbove::new(&lines);
        for line in lines.iter().take(SECTION_LIMIT) {
            match line {
                Line::One(_, f) => {
                    above.add(f);
                    let suffix = rank_note(f).map(|x| s.dim(&format!(" — {}", ids.plain(&x)))).unwrap_or_default();
                    let _ = writeln!(out, "  {} {}{suffix}", s.severity(f.severity), ids.plain(&f.title));
                }
                Line::Folded { target, severity, members } => {
                    let mut words = fold_words(target, members, members.len(), above.names(target), FOLD_NAMES, &down);
                    if members.len() > FOLD_NAMES {
                        words.push_str(" (use --format json for all)");
                    }
                    let _ = writeln!(out, "  {} {}", s.severity(*severity), ids.plain(&words));
                }
            }
        }
        if lines.len() > SECTION_LIMIT {
            let _ = writeln!(
                out,
                "  {}",
                s.dim(&format!(
                    "… and {} more lines (use --format json for all)",
                    thousands(lines.len() - SECTION_LIMIT)
                ))
            );
        }
    }
    if !report.incomplete.is_empty() {
        let _ = writeln!(out, "\n{} ({})", s.paint("1;33", "Incomplete analyses"), report.incomplete.len());
        for i in &report.incomplete {
            let _ = writeln!(out, "  {} {}", s.paint("33", &format!("{}:", i.analysis.name())), ids.plain(&i.reason));
        }
    }
    let cut = cut_lists(report);
    if !cut.is_empty() {
        let _ =
            writeln!(out, "\n{}", s.bold("Long lists cut (the JSON report keeps part of each, beside its full count)"));
        for line in &cut {
            let _ = writeln!(out, "  {}", ids.plain(line));
        }
    }
    observed_text(&mut out, report, &ids, &s);
    policy_text(&mut out, report, &s);
    let cold = &report.cold_start;
    let _ = writeln!(
        out,
        "\n{} ({}{})",
        s.bold("Cold start"),
        counted(cold.waves.len(), "wave"),
        if cold.deadlocked.is_empty() { String::new() } else { format!(", {} never come up", cold.deadlocked.len()) }
    );
    for (i, w) in cold.waves.iter().enumerate().take(SECTION_LIMIT) {
        let _ = writeln!(out, "  wave {:>2}: {}", i + 1, first_n(w, 8, " … +"));
    }
    if cold.waves.len() > SECTION_LIMIT {
        let _ =
            writeln!(out, "  {}", s.dim(&format!("… and {} more waves", thousands(cold.waves.len() - SECTION_LIMIT))));
    }
    if !cold.deadlocked.is_empty() {
        let _ = writeln!(out, "  {} {}", s.paint("1;31", "never up:"), first_n(&cold.deadlocked, 10, " … +"));
    }
    if !report.availability.is_empty() {
        let _ = writeln!(out, "\n{}", s.bold("Availability (independent failures)"));
        for a in report.availability.iter().take(SECTION_LIMIT) {
            let _ = writeln!(
                out,
                "  {:<36} {}  {}",
                visible(&a.target),
                availability_text(a),
                dominated_text(a, |c| visible(c).into_owned())
            );
        }
        if report.availability.len() > SECTION_LIMIT {
            let _ = writeln!(
                out,
                "  {}",
                s.dim(&format!("… and {} more targets", thousands(report.availability.len() - SECTION_LIMIT)))
            );
        }
    }
    if !report.criticality.is_empty() {
        let _ = writeln!(out, "\n{}", s.bold("Criticality (what each failure takes down)"));
        // The names' column as wide as the longest shown (Terraform addresses run past 36).
        let shown = &report.criticality[..report.criticality.len().min(10)];
        let width = shown.iter().map(|c| visible(&c.component).chars().count()).max().unwrap_or(0).max(36);
        for c in shown {
            let _ = writeln!(
                out,
                "  {:<width$} {:>5} {:<8} {:>6} {}",
                visible(&c.component),
                c.targets_down,
                plural(c.targets_down, "target"),
                c.components_down,
                plural(c.components_down, "component")
            );
        }
        if report.criticality.len() > 10 {
            let _ = writeln!(
                out,
                "  {}",
                s.dim(&format!("… and {} more (use --format json for all)", thousands(report.criticality.len() - 10)))
            );
        }
    }
    notes_text(&mut out, report, &s);
    out
}

/// The report's notes grouped by kind, then by input, in their order within a group.
fn note_groups(report: &Report) -> Vec<((NoteKind, u32), Vec<&Note>)> {
    let mut groups: BTreeMap<(NoteKind, u32), Vec<&Note>> = BTreeMap::new();
    for n in &report.notes {
        groups.entry((n.kind, n.pos.map_or(0, |p| p.input))).or_default().push(n);
    }
    groups.into_iter().collect()
}

/// "overlay, input 2": a group's heading (inputs counted from 1, as given).
fn note_group_title(kind: NoteKind, input: u32) -> String {
    let kind = match kind {
        NoteKind::Inferred => "inferred by the importer",
        NoteKind::Overlay => "overlay",
        NoteKind::Observed => "observed",
        NoteKind::Policy => "policy",
    };
    format!("{kind}, input {}", u64::from(input) + 1)
}

/// The "From overlays and inferences" section: one line per note, at most [`SECTION_LIMIT`].
fn notes_text(out: &mut String, report: &Report, s: &Style) {
    if report.notes.is_empty() {
        return;
    }
    let ids = Ids::of_report(report);
    let _ = writeln!(out, "\n{} ({})", s.bold("From overlays and inferences"), report.notes.len());
    let mut shown = 0;
    for ((kind, input), notes) in note_groups(report) {
        if shown >= SECTION_LIMIT {
            break;
        }
        let _ = writeln!(out, "  {}", s.dim(&note_group_title(kind, input)));
        for n in notes.iter().take(SECTION_LIMIT - shown) {
            let _ = writeln!(out, "    {}", ids.plain(&n.message));
            shown += 1;
        }
    }
    if report.notes.len() > shown {
        let more = thousands(report.notes.len() - shown);
        let _ = writeln!(out, "  {}", s.dim(&format!("… and {more} more (use --format json for all)")));
    }
}

/// The same section in Markdown, at most 50 notes.
fn notes_markdown(out: &mut String, report: &Report) {
    if report.notes.is_empty() {
        return;
    }
    let ids = Ids::of_report(report);
    let _ = writeln!(out, "\n### From overlays and inferences ({})", report.notes.len());
    let mut shown = 0;
    for ((kind, input), notes) in note_groups(report) {
        if shown >= 50 {
            break;
        }
        let _ = writeln!(out, "\n*{}*\n", note_group_title(kind, input));
        for n in notes.iter().take(50 - shown) {
            let _ = writeln!(out, "- {}", ids.markdown(&n.message));
            shown += 1;
        }
    }
    if report.notes.len() > shown {
        let _ = writeln!(out, "\n… and {} more", thousands(report.notes.len() - shown));
    }
}

/// Every name the observed section shows: components and the traces' own names.
fn observed_names(o: &ObservedReport) -> impl Iterator<Item = &String> {
    o.matches
        .iter()
        .flat_map(|m| [&m.observed, &m.component])
        .chain(o.ambiguous.iter().flat_map(|a| std::iter::once(&a.observed).chain(&a.candidates)))
        .chain(o.unmatched.iter().flat_map(|u| std::iter::once(&u.name).chain(&u.calls).chain(&u.called_by)))
        .chain(&o.unobserved_components)
        .chain(o.hidden.iter().flat_map(|h| [&h.from, &h.to]))
        .chain(o.unobserved.iter().flat_map(|u| [&u.from, &u.to]))
}

/// "a (calls b, c; called by d)".
fn unmatched_line(u: &crate::observed::UnmatchedEntry, show: &dyn Fn(&[String]) -> String) -> String {
    let mut parts = Vec::new();
    if !u.calls.is_empty() {
        parts.push(format!("calls {}", show(&u.calls)));
    }
    if !u.called_by.is_empty() {
        parts.push(format!("called by {}", show(&u.called_by)));
    }
    if parts.is_empty() {
        show(std::slice::from_ref(&u.name))
    } else {
        format!("{} ({})", show(std::slice::from_ref(&u.name)), parts.join("; "))
    }
}

/// The heading line of the observed section: what the traces name and how much matched.
fn observed_summary(o: &ObservedReport) -> String {
    format!(
        "the traces name {} and {}: {} in the design, {} not in it, {} ambiguous",
        counted(o.services, "service"),
        counted(o.calls, "call"),
        o.matches.len(),
        o.unmatched.len(),
        o.ambiguous.len()
    )
}

/// What the observed section says beside its findings, one line each, by `show` (a list of
/// names) — matched by a rule other than `exact`, not in the design, ambiguous, never
/// observed, not compared, and what the budget cut.
fn observed_lines(
    report: &Report,
    o: &ObservedReport,
    show: &dyn Fn(&[String]) -> String,
    text: &dyn Fn(&str) -> String,
) -> Vec<String> {
    let mut lines = Vec::new();
    if !o.unmatched.is_empty() {
        let items: Vec<String> = o.unmatched.iter().take(8).map(|u| unmatched_line(u, show)).collect();
        let more = o.unmatched.len().saturating_sub(8);
        let more = if more > 0 { format!(" … +{}", thousands(more)) } else { String::new() };
        lines.push(format!(
            "observed but not in the design ({}): {}{more}",
            thousands(o.unmatched.len()),
            items.join(", ")
        ));
    }
    if !o.ambiguous.is_empty() {
        let items: Vec<String> = o
            .ambiguous
            .iter()
            .take(8)
            .map(|a| format!("{} fits {}", show(std::slice::from_ref(&a.observed)), show(&a.candidates)))
            .collect();
        lines.push(format!(
            "ambiguous, so not compared ({}): {}{}",
            o.ambiguous.len(),
            items.join("; "),
            if o.ambiguous.len() > 8 { format!(" … +{}", o.ambiguous.len() - 8) } else { String::new() }
        ));
    }
    let inferred: Vec<&crate::observed::MatchEntry> =
        o.matches.iter().filter(|m| m.rule != crate::observed::MatchRule::Exact).collect();
    if !inferred.is_empty() {
        let items: Vec<String> = inferred
            .iter()
            .take(8)
            .map(|m| {
                format!(
                    "{} → {} ({})",
                    show(std::slice::from_ref(&m.observed)),
                    show(std::slice::from_ref(&m.component)),
                    m.rule.name()
                )
            })
            .collect();
        lines.push(format!(
            "matched by a rule ({}): {}{}",
            inferred.len(),
            items.join(", "),
            if inferred.len() > 8 { format!(" … +{}", inferred.len() - 8) } else { String::new() }
        ));
    }
    if !o.unobserved_components.is_empty() {
        lines.push(format!(
            "in the design, never observed ({}): {}",
            o.unobserved_components.len(),
            show(&o.unobserved_components)
        ));
    }
    if o.not_compared > 0 {
        lines.push(format!(
            "not compared: {} declared {} an end the traces never name",
            o.not_compared,
            if o.not_compared == 1 { "dependency has" } else { "dependencies have" }
        ));
    }
    for i in report.incomplete.iter().filter(|i| i.analysis == FindingKind::HiddenDependency) {
        lines.push(format!("partial: {}", text(&i.reason)));
    }
    lines
}

/// The "Declared vs observed" section: hidden dependencies first, then declared dependencies
/// never observed, then how the names matched.
fn observed_text(out: &mut String, report: &Report, ids: &Ids<'_>, s: &Style) {
    let Some(o) = &report.observed else { return };
    let _ = writeln!(out, "\n{} ({})", s.bold("Declared vs observed"), observed_summary(o));
    for kind in [FindingKind::HiddenDependency, FindingKind::UnobservedDependency] {
        let items: Vec<_> = report.findings_of(kind).collect();
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  {} ({})", s.bold(section_title(kind)), items.len());
        for f in items.iter().take(SECTION_LIMIT) {
            let _ = writeln!(out, "    {} {}", s.severity(f.severity), ids.plain(&f.title));
        }
        if items.len() > SECTION_LIMIT {
            let more = thousands(items.len() - SECTION_LIMIT);
            let _ = writeln!(out, "    {}", s.dim(&format!("… and {more} more (use --format json for all)")));
        }
    }
    if o.hidden.is_empty() && o.unobserved.is_empty() {
        let _ = writeln!(out, "  every call between matched services is declared, and every declared one observed");
    }
    for line in observed_lines(report, o, &|names| first_n(names, 8, " … +"), &|t| visible(t).into_owned()) {
        let _ = writeln!(out, "  {}", s.dim(&line));
    }
}

/// The same section in Markdown (at most 50 findings of each kind).
fn observed_markdown(out: &mut String, report: &Report, ids: &Ids<'_>) {
    let Some(o) = &report.observed else { return };
    let _ = writeln!(out, "\n### Declared vs observed\n\n{}.", words(&observed_summary(o)));
    for kind in [FindingKind::HiddenDependency, FindingKind::UnobservedDependency] {
        let items: Vec<_> = report.findings_of(kind).collect();
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n#### {} ({})\n", section_title(kind), items.len());
        for f in items.iter().take(50) {
            let _ = writeln!(out, "- **{:?}** {}", f.severity, ids.markdown(&f.title));
        }
        if items.len() > 50 {
            let _ = writeln!(out, "- … and {} more", thousands(items.len() - 50));
        }
    }
    let lines = observed_lines(report, o, &|names| code_list(names, 8), &words);
    if !lines.is_empty() {
        let _ = writeln!(out);
    }
    for line in lines {
        let _ = writeln!(out, "- {line}");
    }
}

/// "99.950%" or "99.950% ± 0.010% (Monte Carlo)".
pub fn availability_text(a: &crate::report::AvailabilityEntry) -> String {
    if a.method == "exact" {
        format!("{:.4}% (exact)", a.availability * 100.0)
    } else {
        format!("{:.3}% ± {:.3}% (Monte Carlo, 95%)", a.availability * 100.0, (a.interval[1] - a.interval[0]) * 50.0)
    }
}

/// "dominated by a (FV 0.50), b (FV 0.25)", each component shown by `show`.
fn dominated_text(a: &crate::report::AvailabilityEntry, show: impl Fn(&str) -> String) -> String {
    if a.dominated_by.is_empty() {
        return String::new();
    }
    let parts: Vec<String> =
        a.dominated_by.iter().take(3).map(|i| format!("{} (FV {:.2})", show(&i.component), i.fussell_vesely)).collect();
    format!("dominated by {}", parts.join(", "))
}

/// "50", or "showing 50 of 312" for double points when the report keeps only the most damaging.
fn shown_count(report: &Report, kind: FindingKind, shown: usize) -> String {
    // A double point entry stands for itself and its equivalent sets.
    let sets: usize = report.double_points.iter().map(|d| 1 + d.equivalent.len()).sum();
    if kind == FindingKind::DoublePoint && report.double_points_total > sets {
        format!("showing {sets} of {}", report.double_points_total)
    } else {
        shown.to_string()
    }
}

/// "1 result was" / "3 results were".
pub fn results_cut(n: usize) -> String {
    if n == 1 {
        "1 result was".to_string()
    } else {
        format!("{n} results were")
    }
}

/// "1 wave", "3 waves": `n` and `word`, plural unless `n` is 1 (the page says counts so too).
///
/// ```
/// use blastmap_core::render::counted;
/// assert_eq!((counted(1, "wave"), counted(0, "placement value")), ("1 wave".into(), "0 placement values".into()));
/// ```
pub fn counted(n: usize, word: &str) -> String {
    format!("{} {}", thousands(n), plural(u32::try_from(n).unwrap_or(u32::MAX), word))
}

fn plural(n: u32, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// At most `n` ids joined by ", ", each [`visible`]; then `more` and how many were left out.
fn first_n<S: AsRef<str>>(items: &[S], n: usize, more: &str) -> String {
    let shown = items.iter().take(n).map(|s| visible(s.as_ref())).collect::<Vec<_>>().join(", ");
    if items.len() > n {
        format!("{shown}{more}{}", thousands(items.len() - n))
    } else {
        shown
    }
}

/// The report as Markdown, suitable for a pull-request comment. Ids are code spans ([`code`]);
/// the topology's name and a title's words are escaped: nothing the topology says becomes markup.
pub fn markdown(report: &Report) -> String {
    let ids = Ids::of_report(report);
    let mut out = String::new();
    let name = report.name.as_deref().map_or_else(|| "topology".to_string(), words);
    let _ = writeln!(out, "## Blastmap: {name}\n");
    let _ = writeln!(
        out,
        "{}, {}, {}, {}.\n",
        counted(report.summary.components, "component"),
        counted(report.summary.placement_values, "placement value"),
        counted(report.summary.edges, "edge"),
        counted(report.targets.len(), "target")
    );
    let count = |k: FindingKind| shown_count(report, k, report.findings_of(k).count());
    let _ = writeln!(out, "| finding | count |\n|---|---:|");
    // The observed kinds count only when traces were compared (zero would claim a comparison).
    let shown = |k: &FindingKind| {
        (!observed_kind(*k) || report.observed.is_some()) && (!is_policy_kind(*k) || !report.policy.is_empty())
    };
    for k in FindingKind::ALL.into_iter().filter(shown) {
        let _ = writeln!(out, "| {} | {} |", section_title(k), count(k));
    }
    if !report.incomplete.is_empty() {
        let _ = writeln!(
            out,
            "\n**Partial answers:** {} cut short by a budget; findings may be missing.",
            results_cut(report.incomplete.len())
        );
    }
    let down = TakenDown::of(report);
    for k in FindingKind::ALL.into_iter().filter(|&k| !observed_kind(k) && !is_policy_kind(k)) {
        let items: Vec<_> = report.findings_of(k).collect();
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {} ({})\n", section_title(k), shown_count(report, k, items.len()));
        let lines = lines(items.iter().copied().enumerate(), &down);
        let mut above = NamedAbove::new(&lines);
        for line in lines.iter().take(50) {
            match line {
                Line::One(_, f) => {
                    above.add(f);
                    let suffix = rank_note(f).map(|x| format!(" — {}", ids.markdown(&x))).unwrap_or_default();
                    let _ = writeln!(out, "- **{:?}** {}{suffix}", f.severity, ids.markdown(&f.title));
                }
                Line::Folded { target, severity, members } => {
                    let words = fold_words(target, members, members.len(), above.names(target), members.len(), &down);
                    let _ = writeln!(out, "- **{severity:?}** {}", ids.markdown(&words));
                }
            }
        }
        if lines.len() > 50 {
            let _ = writeln!(out, "- … and {} more lines", lines.len() - 50);
        }
    }
    if !report.incomplete.is_empty() {
        let _ = writeln!(out, "\n### Incomplete analyses ({})\n", report.incomplete.len());
        for i in &report.incomplete {
            let _ = writeln!(out, "- **{}** {}", i.analysis.name(), ids.markdown(&i.reason));
        }
    }
    let cut = cut_lists(report);
    if !cut.is_empty() {
        let _ = writeln!(
            out,
            "\n### Long lists cut\n\nThe JSON report keeps part of each of these lists, beside its full count.\n"
        );
        for line in &cut {
            let _ = writeln!(out, "- {}", ids.markdown(line));
        }
    }
    observed_markdown(&mut out, report, &ids);
    policy_markdown(&mut out, report);
    if !report.availability.is_empty() {
        let _ = writeln!(out, "\n### Availability\n\n| target | availability | dominated by |\n|---|---|---|");
        for a in &report.availability {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                code_in_table(&a.target),
                availability_text(a),
                dominated_text(a, code_in_table)
            );
        }
    }
    let cold = &report.cold_start;
    let _ = writeln!(out, "\n### Cold start ({})\n", counted(cold.waves.len(), "wave"));
    for (i, w) in cold.waves.iter().enumerate() {
        let _ = writeln!(out, "{}. {}", i + 1, code_list(w, 20));
    }
    if !cold.deadlocked.is_empty() {
        let _ = writeln!(out, "\nNever come up: {}", code_list(&cold.deadlocked, 30));
    }
    notes_markdown(&mut out, report);
    out
}

/// One line per kind of report list that was cut at [`crate::report::Options::list_limit`]:
/// how many entries, and the longest ("`s0` takes down 100,000 targets: 1,000 listed … and
/// 99,000 more").
pub fn cut_lists(report: &Report) -> Vec<String> {
    let mut out = Vec::new();
    let mut kind = |what: &str, verb: &str, noun: &str, entries: Vec<(&str, usize, usize)>| {
        let cut: Vec<&(&str, usize, usize)> = entries.iter().filter(|e| e.1 > e.2).collect();
        let Some(&&(name, count, listed)) = cut.iter().max_by_key(|e| (e.1, std::cmp::Reverse(e.0))) else { return };
        out.push(format!(
            "{what}: {} {} cut; `{name}` {verb} {} {noun}: {} listed … and {} more",
            thousands(cut.len()),
            if cut.len() == 1 { "list" } else { "lists" },
            thousands(count),
            thousands(listed),
            thousands(count - listed)
        ));
    };
    kind(
        "single points of failure",
        "takes down",
        "targets",
        report.spofs.iter().map(|e| (e.component.as_str(), e.takes_down_count, e.takes_down.len())).collect(),
    );
    kind(
        "monitoring blind spots",
        "is blinded by",
        "single failures",
        report.blind_spots.iter().map(|e| (e.component.as_str(), e.failures_count, e.failures.len())).collect(),
    );
    kind(
        "monitoring single points",
        "leaves running unobserved",
        "components",
        report.blindings.iter().map(|e| (e.failure.as_str(), e.blinded_count, e.blinded.len())).collect(),
    );
    kind(
        "restart hazards",
        "leaves unable to restart",
        "components",
        report
            .restart_hazards
            .iter()
            .map(|e| (e.failure.as_str(), e.cannot_restart_count, e.cannot_restart.len()))
            .collect(),
    );
    out
}

/// Selects the entries of one what-if section.
type Pick = dyn Fn(&crate::report::AffectedEntry) -> bool;

/// A what-if as terminal text. Every id is [`visible`].
pub fn what_if_text(w: &WhatIfReport, color: bool) -> String {
    let s = Style { color };
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", s.bold("Failed:"), first_n(&w.failed, w.failed.len(), ""));
    let _ = writeln!(
        out,
        "{} {} of {}{}",
        s.bold("Targets down:"),
        w.targets_down.len(),
        w.targets_total,
        if w.targets_down.is_empty() {
            String::new()
        } else {
            format!(" ({})", first_n(&w.targets_down, 10, " … +"))
        }
    );
    if !w.tailnets.is_empty() {
        let _ = writeln!(out, "\n{}", s.bold("Tailnets"));
        for t in &w.tailnets {
            let mut parts = Vec::new();
            parts.push(if t.admin_blocked {
                s.paint("31", "admin actions blocked")
            } else {
                "admin actions work".to_string()
            });
            parts.push(format!("{} of {} down", t.nodes_down.len(), counted(t.nodes, "node")));
            if !t.drop_if_restarted.is_empty() {
                parts.push(s.paint("35", &format!("{} would drop if restarted", t.drop_if_restarted.len())));
            }
            parts.push(if t.pairs_cut == 0 {
                "connections keep flowing".to_string()
            } else {
                s.paint(
                    "31",
                    &format!("{} of {} node pairs lose every path", thousands(t.pairs_cut), thousands(t.pairs_up)),
                )
            });
            let _ = writeln!(out, "  {:<20} {}", visible(&t.tailnet), parts.join("; "));
        }
    }
    let groups: [(&str, &Pick, &str); 4] = [
        ("Down", &|a| a.status == Status::Down, "1;31"),
        ("Degraded", &|a| a.status == Status::Degraded, "33"),
        ("Cannot restart", &|a| a.cannot_restart, "35"),
        ("Unmonitored", &|a| a.unmonitored, "36"),
    ];
    for (title, pick, code) in groups {
        let items: Vec<_> = w.affected.iter().filter(|a| pick(a)).collect();
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{} ({})", s.paint(code, title), items.len());
        for a in items {
            let path: Vec<Cow<'_, str>> = a.path.iter().map(|p| visible(p)).collect();
            let _ = writeln!(out, "  {:<32} {}", visible(&a.component), s.dim(&path.join(" → ")));
        }
    }
    out
}

/// A what-if as Markdown: [`what_if_text`] in a fenced code block whose fence is longer than any
/// run of backticks in it, so no id can close the block.
pub fn what_if_markdown(w: &WhatIfReport) -> String {
    fenced(&what_if_text(w, false))
}

/// `text` as a Markdown fenced code block that nothing inside can close.
fn fenced(text: &str) -> String {
    let mut run = 0;
    let mut longest = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    let newline = if text.ends_with('\n') { "" } else { "\n" };
    format!("{fence}\n{text}{newline}{fence}\n")
}

fn blast_text(b: Option<crate::diff::Blast>) -> String {
    match b {
        Some(b) => format!(
            "{} {} / {} {}",
            b.targets_down,
            plural(b.targets_down, "target"),
            b.components_down,
            plural(b.components_down, "component")
        ),
        None => "—".into(),
    }
}

/// A list of ids for a terminal: `[a, b]`, each [`visible`].
fn bracketed<S: AsRef<str>>(items: &[S]) -> String {
    format!("[{}]", first_n(items, items.len(), ""))
}

/// A design diff as terminal text. Every id and name is [`visible`].
pub fn diff_text(d: &crate::diff::DiffReport, color: bool) -> String {
    let s = Style { color };
    let ids = Ids::of_findings(
        d.gained
            .iter()
            .chain(&d.lost)
            .chain(d.changed.iter().flat_map(|c| [&c.before, &c.after]))
            .chain(d.lost_uncertain.iter().chain(&d.gained_uncertain).map(|u| &u.finding)),
    );
    let mut out = String::new();
    let _ = writeln!(out, "{} {} → {}", s.bold("Design diff:"), visible(&d.before), visible(&d.after));
    let _ = writeln!(out, "\n{} ({})", s.paint("31", "Findings gained"), d.gained.len());
    for f in d.gained.iter().take(SECTION_LIMIT * 2) {
        let _ = writeln!(out, "  + {} {}", s.severity(f.severity), ids.plain(&f.title));
    }
    if d.gained.len() > SECTION_LIMIT * 2 {
        let _ = writeln!(out, "  {}", s.dim(&format!("… and {} more", thousands(d.gained.len() - SECTION_LIMIT * 2))));
    }
    let _ = writeln!(out, "\n{} ({})", s.paint("32", "Findings lost"), d.lost.len());
    for f in d.lost.iter().take(SECTION_LIMIT * 2) {
        let _ = writeln!(out, "  - {} {}", s.severity(f.severity), ids.plain(&f.title));
    }
    if d.lost.len() > SECTION_LIMIT * 2 {
        let _ = writeln!(out, "  {}", s.dim(&format!("… and {} more", thousands(d.lost.len() - SECTION_LIMIT * 2))));
    }
    for (title, list, sign) in [
        (
            "Findings missing after only because a budget cut the after analysis (not fixed: unknown)",
            &d.lost_uncertain,
            "?-",
        ),
        (
            "Findings missing before only because a budget cut the before analysis (not new: unknown)",
            &d.gained_uncertain,
            "?+",
        ),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{} ({})", s.paint("1;33", title), list.len());
        for u in list.iter().take(SECTION_LIMIT * 2) {
            let _ = writeln!(out, "  {sign} {} {}", s.severity(u.finding.severity), ids.plain(&u.finding.title));
            let _ = writeln!(out, "       {}", s.dim(&format!("cut: {}", ids.plain(&u.reason))));
        }
        if list.len() > SECTION_LIMIT * 2 {
            let _ = writeln!(out, "  {}", s.dim(&format!("… and {} more", thousands(list.len() - SECTION_LIMIT * 2))));
        }
    }
    if !d.changed.is_empty() {
        let _ = writeln!(out, "\n{} ({})", s.paint("33", "Findings changed"), d.changed.len());
        for c in d.changed.iter().take(SECTION_LIMIT * 2) {
            let _ = writeln!(out, "  ~ {}\n    → {}", ids.plain(&c.before.title), ids.plain(&c.after.title));
        }
    }
    if !d.spof_changes.is_empty() {
        let _ = writeln!(out, "\n{}", s.bold("Targets whose single points of failure changed"));
        for c in &d.spof_changes {
            let _ = writeln!(out, "  {:<32} +{} -{}", visible(&c.target), bracketed(&c.gained), bracketed(&c.lost));
        }
    }
    if !d.targets_added.is_empty() || !d.targets_removed.is_empty() {
        let _ = writeln!(
            out,
            "\n{} +{} -{}",
            s.bold("Targets"),
            bracketed(&d.targets_added),
            bracketed(&d.targets_removed)
        );
    }
    if !d.placement_blast.is_empty() {
        let _ = writeln!(out, "\n{}", s.bold("Blast radius per placement value (before → after)"));
        for p in &d.placement_blast {
            let _ =
                writeln!(out, "  {:<32} {:<32} → {}", visible(&p.placement), blast_text(p.before), blast_text(p.after));
        }
    }
    out
}

/// A design diff as Markdown: ids as code spans, names and a title's words escaped.
pub fn diff_markdown(d: &crate::diff::DiffReport) -> String {
    let ids = Ids::of_findings(
        d.gained
            .iter()
            .chain(&d.lost)
            .chain(d.changed.iter().flat_map(|c| [&c.before, &c.after]))
            .chain(d.lost_uncertain.iter().chain(&d.gained_uncertain).map(|u| &u.finding)),
    );
    let mut out = String::new();
    let _ = writeln!(out, "## Blastmap design diff: {} → {}\n", words(&d.before), words(&d.after));
    let _ = writeln!(out, "**{} gained, {} lost.**\n", counted(d.gained.len(), "finding"), d.lost.len());
    if !d.lost_uncertain.is_empty() || !d.gained_uncertain.is_empty() {
        let _ = writeln!(
            out,
            "**{} missing after and {} missing before only because a budget cut the analysis: not fixed or new, unknown.**\n",
            d.lost_uncertain.len(),
            d.gained_uncertain.len()
        );
    }
    for (title, list, sign) in [("Gained", &d.gained, "+"), ("Lost", &d.lost, "−")] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {title}\n");
        for f in list.iter().take(50) {
            let _ = writeln!(out, "- {sign} **{:?}** {}", f.severity, ids.markdown(&f.title));
        }
        out.push('\n');
    }
    for (title, list) in [
        ("Missing after only because a budget cut the after analysis (not fixed: unknown)", &d.lost_uncertain),
        ("Missing before only because a budget cut the before analysis (not new: unknown)", &d.gained_uncertain),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {title}\n");
        for u in list.iter().take(50) {
            let _ = writeln!(
                out,
                "- ? **{:?}** {} — cut: {}",
                u.finding.severity,
                ids.markdown(&u.finding.title),
                ids.markdown(&u.reason)
            );
        }
        out.push('\n');
    }
    if !d.changed.is_empty() {
        let _ = writeln!(out, "### Changed\n");
        for c in d.changed.iter().take(50) {
            let _ = writeln!(out, "- {} → {}", ids.markdown(&c.before.title), ids.markdown(&c.after.title));
        }
        out.push('\n');
    }
    if !d.placement_blast.is_empty() {
        let _ = writeln!(out, "### Blast radius per placement value\n\n| placement | before | after |\n|---|---|---|");
        for p in &d.placement_blast {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                code_in_table(&p.placement),
                blast_text(p.before),
                blast_text(p.after)
            );
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The policy section.

/// How many principals the policy section lists, widest reach first.
const PRINCIPALS_SHOWN: usize = 10;

/// The ids a policy section's lines quote: the report's, and the policy's principals and relays.
fn policy_ids<'a>(report: &'a Report, p: &'a PolicySection) -> Ids<'a> {
    Ids::new(
        report.findings.iter().flat_map(|f| std::iter::once(&f.subject).chain(&f.evidence)).map(Name::as_str).chain(
            p.principals
                .iter()
                .flat_map(|x| std::iter::once(&x.principal).chain(&x.reaches))
                .chain(p.relays.iter().flat_map(|r| [&r.node, &r.relay, &r.server]))
                .map(String::as_str),
        ),
    )
}

/// "6 nodes (db-1, laptop, nas … +3); 1 subnet route (10.0.0.0/24); the internet", by `show`.
fn reach_words(x: &PrincipalReach, show: &dyn Fn(&[String], usize) -> String) -> String {
    let mut parts = vec![match x.reaches_count {
        0 => "no node".to_string(),
        n => format!("{n} {} ({})", if n == 1 { "node" } else { "nodes" }, show(&x.reaches, n)),
    }];
    if !x.routes.is_empty() {
        let n = x.routes.len();
        parts.push(format!("{n} subnet {} ({})", if n == 1 { "route" } else { "routes" }, show(&x.routes, n)));
    }
    if x.internet {
        parts.push("the internet through exit nodes".into());
    }
    parts.join("; ")
}

/// The lines a policy section shows beside its findings: unevaluated selectors and the cut.
fn policy_lines(p: &PolicySection, show: &dyn Fn(&[String]) -> String) -> Vec<String> {
    let mut lines = Vec::new();
    if !p.unevaluated.is_empty() {
        let sel: Vec<String> = p.unevaluated.iter().map(|u| u.selector.clone()).collect();
        lines.push(format!("not evaluated (the export cannot say what they are; they match nothing): {}", show(&sel)));
    }
    if p.cut() {
        lines.push(format!(
            "each principal's list of nodes keeps its first {REACH_NAMES} names beside its count (the JSON report too)"
        ));
    }
    lines
}

/// The "Policy reach" section of each policy file: its findings first, then the principals
/// that reach most, then what the analysis did with the relays the policy makes no path.
fn policy_text(out: &mut String, report: &Report, s: &Style) {
    for p in &report.policy {
        let ids = policy_ids(report, p);
        let _ = writeln!(
            out,
            "\n{} ({} on tailnet {}: {}, {})",
            s.bold("Policy reach"),
            visible(&p.file),
            visible(&p.tailnet),
            counted(p.nodes, "node"),
            counted(p.findings.len(), "finding")
        );
        for f in p.findings.iter().take(SECTION_LIMIT) {
            let _ = writeln!(out, "  {} {}", s.severity(f.severity), ids.plain(&f.title));
        }
        if p.findings.len() > SECTION_LIMIT {
            let more = thousands(p.findings.len() - SECTION_LIMIT);
            let _ = writeln!(out, "  {}", s.dim(&format!("… and {more} more (use --format json for all)")));
        }
        let _ = writeln!(out, "  {}", s.bold("Widest reach"));
        let longest = p.principals.iter().take(PRINCIPALS_SHOWN).map(|x| x.principal.chars().count()).max();
        for x in p.principals.iter().take(PRINCIPALS_SHOWN) {
            // `names` may be cut: `n` is how many there are in all.
            let show = |names: &[String], n: usize| {
                let shown = first_n(names.get(..3).unwrap_or(names), 3, "");
                if n > 3 {
                    format!("{shown} … +{}", n - 3)
                } else {
                    shown
                }
            };
            let _ = writeln!(
                out,
                "    {:<width$} {}",
                visible(&x.principal),
                reach_words(x, &show),
                width = longest.unwrap_or(0)
            );
        }
        if p.principals.len() > PRINCIPALS_SHOWN {
            let more = thousands(p.principals.len() - PRINCIPALS_SHOWN);
            let _ =
                writeln!(out, "    {}", s.dim(&format!("… and {more} more principals (use --format json for all)")));
        }
        for r in &p.relays {
            let _ = writeln!(out, "  {} {}", s.paint("33", "relay:"), ids.plain(&r.sentence));
        }
        for line in policy_lines(p, &|names| first_n(names, 8, " … +")) {
            let _ = writeln!(out, "  {}", s.dim(&line));
        }
    }
}

/// The same section in Markdown (at most 50 findings and 20 principals).
fn policy_markdown(out: &mut String, report: &Report) {
    for p in &report.policy {
        let ids = policy_ids(report, p);
        let _ = writeln!(
            out,
            "\n### Policy reach: {} on tailnet {}\n\n{} governed, {}.\n",
            code(&p.file),
            code(&p.tailnet),
            counted(p.nodes, "node"),
            counted(p.findings.len(), "finding")
        );
        for f in p.findings.iter().take(50) {
            let _ = writeln!(out, "- **{:?}** {}", f.severity, ids.markdown(&f.title));
        }
        if p.findings.len() > 50 {
            let _ = writeln!(out, "- … and {} more", thousands(p.findings.len() - 50));
        }
        let _ = writeln!(out, "\n| principal | reaches |\n|---|---|");
        for x in p.principals.iter().take(20) {
            let show = |names: &[String], n: usize| {
                let listed = names.iter().take(5).map(|s| code_in_table(s)).collect::<Vec<_>>().join(", ");
                if n > 5 {
                    format!("{listed} … +{}", n - 5)
                } else {
                    listed
                }
            };
            let _ = writeln!(out, "| {} | {} |", code_in_table(&x.principal), reach_words(x, &show));
        }
        if p.principals.len() > 20 {
            let _ =
                writeln!(out, "\n… and {} more principals (the JSON report has them all).", p.principals.len() - 20);
        }
        let mut lines: Vec<String> = p.relays.iter().map(|r| ids.markdown(&r.sentence)).collect();
        lines.extend(policy_lines(p, &|names| code_list(names, 8)));
        if !lines.is_empty() {
            let _ = writeln!(out);
        }
        for line in lines {
            let _ = writeln!(out, "- {line}");
        }
    }
}
