//! Reports for people: terminal text (optionally colored) and Markdown. JSON is the report's
//! serde form.

use std::fmt::Write as _;

use crate::algo::Status;
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
    }
}

fn plain(title: &str) -> String {
    title.replace('`', "")
}

/// The report as terminal text: a summary, then findings grouped by kind, most severe first,
/// then the cold-start waves and the criticality ranking.
pub fn text(report: &Report, color: bool) -> String {
    let s = Style { color };
    let mut out = String::new();
    let name = report.name.as_deref().unwrap_or("topology");
    let _ = writeln!(
        out,
        "{} — {} components, {} placement values, {} edges; {} targets",
        s.bold(name),
        report.summary.components,
        report.summary.placement_values,
        report.summary.edges,
        report.targets.len()
    );
    if report.findings.is_empty() {
        let _ = writeln!(
            out,
            "\nNo findings: no single points of failure, false redundancy, blind spots, cycles or restart hazards."
        );
    }
    let mut kinds: Vec<(Severity, FindingKind)> = FindingKind::ALL
        .into_iter()
        .filter_map(|k| report.findings_of(k).map(|f| f.severity).min().map(|sev| (sev, k)))
        .collect();
    kinds.sort();
    for (_, kind) in kinds {
        let items: Vec<_> = report.findings_of(kind).collect();
        let _ = writeln!(out, "\n{} ({})", s.bold(section_title(kind)), items.len());
        for f in items.iter().take(SECTION_LIMIT) {
            let _ = writeln!(out, "  {} {}", s.severity(f.severity), plain(&f.title));
        }
        if items.len() > SECTION_LIMIT {
            let _ = writeln!(
                out,
                "  {}",
                s.dim(&format!("… and {} more (use --format json for all)", items.len() - SECTION_LIMIT))
            );
        }
    }
    let cut = cut_lists(report);
    if !cut.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            s.bold("Long lists cut (the JSON report keeps part of each, beside its full count)")
        );
        for line in &cut {
            let _ = writeln!(out, "  {line}");
        }
    }
    let cold = &report.cold_start;
    let _ = writeln!(
        out,
        "\n{} ({} waves{})",
        s.bold("Cold start"),
        cold.waves.len(),
        if cold.deadlocked.is_empty() { String::new() } else { format!(", {} never come up", cold.deadlocked.len()) }
    );
    for (i, w) in cold.waves.iter().enumerate().take(SECTION_LIMIT) {
        let shown: Vec<&str> = w.iter().take(8).map(String::as_str).collect();
        let more = if w.len() > 8 { format!(" … +{}", w.len() - 8) } else { String::new() };
        let _ = writeln!(out, "  wave {:>2}: {}{more}", i + 1, shown.join(", "));
    }
    if cold.waves.len() > SECTION_LIMIT {
        let _ = writeln!(out, "  {}", s.dim(&format!("… and {} more waves", cold.waves.len() - SECTION_LIMIT)));
    }
    if !cold.deadlocked.is_empty() {
        let _ = writeln!(out, "  {} {}", s.paint("1;31", "never up:"), first_n(&cold.deadlocked, 10));
    }
    if !report.double_points_complete {
        let _ = writeln!(
            out,
            "\n  {}",
            s.dim("double points: the search budget ran out; the list is partial (raise --cut-budget)")
        );
    }
    if !report.availability.is_empty() {
        let _ = writeln!(out, "\n{}", s.bold("Availability (independent failures)"));
        for a in report.availability.iter().take(SECTION_LIMIT) {
            let _ = writeln!(out, "  {:<36} {}  {}", a.target, availability_text(a), dominated_text(a));
        }
    }
    if !report.criticality.is_empty() {
        let _ = writeln!(out, "\n{}", s.bold("Criticality (what each failure takes down)"));
        for c in report.criticality.iter().take(10) {
            let _ = writeln!(
                out,
                "  {:<36} {:>5} {:<8} {:>6} {}",
                c.component,
                c.targets_down,
                plural(c.targets_down, "target"),
                c.components_down,
                plural(c.components_down, "component")
            );
        }
    }
    out
}

/// "99.950%" or "99.950% ± 0.010% (Monte Carlo)".
pub fn availability_text(a: &crate::report::AvailabilityEntry) -> String {
    if a.method == "exact" {
        format!("{:.4}% (exact)", a.availability * 100.0)
    } else {
        format!("{:.3}% ± {:.3}% (Monte Carlo, 95%)", a.availability * 100.0, (a.interval[1] - a.interval[0]) * 50.0)
    }
}

fn dominated_text(a: &crate::report::AvailabilityEntry) -> String {
    if a.dominated_by.is_empty() {
        return String::new();
    }
    let parts: Vec<String> =
        a.dominated_by.iter().take(3).map(|i| format!("{} (FV {:.2})", i.component, i.fussell_vesely)).collect();
    format!("dominated by {}", parts.join(", "))
}

fn plural(n: u32, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

fn first_n(items: &[String], n: usize) -> String {
    let shown = items.iter().take(n).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > n {
        format!("{shown} … +{}", items.len() - n)
    } else {
        shown
    }
}

/// The report as Markdown, suitable for a pull-request comment.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let name = report.name.as_deref().unwrap_or("topology");
    let _ = writeln!(out, "## Blastmap: {name}\n");
    let _ = writeln!(
        out,
        "{} components, {} placement values, {} edges, {} targets.\n",
        report.summary.components,
        report.summary.placement_values,
        report.summary.edges,
        report.targets.len()
    );
    let count = |k: FindingKind| report.findings_of(k).count();
    let _ = writeln!(out, "| finding | count |\n|---|---:|");
    for k in FindingKind::ALL {
        let _ = writeln!(out, "| {} | {} |", section_title(k), count(k));
    }
    for k in FindingKind::ALL {
        let items: Vec<_> = report.findings_of(k).collect();
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {} ({})\n", section_title(k), items.len());
        for f in items.iter().take(50) {
            let _ = writeln!(out, "- **{:?}** {}", f.severity, f.title);
        }
        if items.len() > 50 {
            let _ = writeln!(out, "- … and {} more", items.len() - 50);
        }
    }
    let cut = cut_lists(report);
    if !cut.is_empty() {
        let _ = writeln!(
            out,
            "\n### Long lists cut\n\nThe JSON report keeps part of each of these lists, beside its full count.\n"
        );
        for line in &cut {
            let _ = writeln!(out, "- {line}");
        }
    }
    if !report.availability.is_empty() {
        let _ = writeln!(out, "\n### Availability\n\n| target | availability | dominated by |\n|---|---|---|");
        for a in &report.availability {
            let _ = writeln!(out, "| {} | {} | {} |", a.target, availability_text(a), dominated_text(a));
        }
    }
    let cold = &report.cold_start;
    let _ = writeln!(out, "\n### Cold start ({} waves)\n", cold.waves.len());
    for (i, w) in cold.waves.iter().enumerate() {
        let _ = writeln!(out, "{}. {}", i + 1, first_n(w, 20));
    }
    if !cold.deadlocked.is_empty() {
        let _ = writeln!(out, "\nNever come up: {}", first_n(&cold.deadlocked, 30));
    }
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

/// "1,234,567".
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let groups: Vec<&str> =
        digits.as_bytes().rchunks(3).rev().map(|g| std::str::from_utf8(g).unwrap_or_default()).collect();
    groups.join(",")
}

/// Selects the entries of one what-if section.
type Pick = dyn Fn(&crate::report::AffectedEntry) -> bool;

/// A what-if as terminal text.
pub fn what_if_text(w: &WhatIfReport, color: bool) -> String {
    let s = Style { color };
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", s.bold("Failed:"), w.failed.join(", "));
    let _ = writeln!(
        out,
        "{} {} of {}{}",
        s.bold("Targets down:"),
        w.targets_down.len(),
        w.targets_total,
        if w.targets_down.is_empty() { String::new() } else { format!(" ({})", first_n(&w.targets_down, 10)) }
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
            parts.push(format!("{} of {} nodes down", t.nodes_down.len(), t.nodes));
            if !t.drop_if_restarted.is_empty() {
                parts.push(s.paint("35", &format!("{} would drop if restarted", t.drop_if_restarted.len())));
            }
            parts.push(if t.pairs_cut == 0 {
                "connections keep flowing".to_string()
            } else {
                s.paint("31", &format!("{} of {} node pairs lose every path", t.pairs_cut, t.pairs_up))
            });
            let _ = writeln!(out, "  {:<20} {}", t.tailnet, parts.join("; "));
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
            let _ = writeln!(out, "  {:<32} {}", a.component, s.dim(&a.path.join(" → ")));
        }
    }
    out
}

fn blast_text(b: Option<crate::diff::Blast>) -> String {
    match b {
        Some(b) => format!("{} targets / {} components", b.targets_down, b.components_down),
        None => "—".into(),
    }
}

/// A design diff as terminal text.
pub fn diff_text(d: &crate::diff::DiffReport, color: bool) -> String {
    let s = Style { color };
    let mut out = String::new();
    let _ = writeln!(out, "{} {} → {}", s.bold("Design diff:"), d.before, d.after);
    let _ = writeln!(out, "\n{} ({})", s.paint("31", "Findings gained"), d.gained.len());
    for f in d.gained.iter().take(SECTION_LIMIT * 2) {
        let _ = writeln!(out, "  + {} {}", s.severity(f.severity), plain(&f.title));
    }
    if d.gained.len() > SECTION_LIMIT * 2 {
        let _ = writeln!(out, "  {}", s.dim(&format!("… and {} more", d.gained.len() - SECTION_LIMIT * 2)));
    }
    let _ = writeln!(out, "\n{} ({})", s.paint("32", "Findings lost"), d.lost.len());
    for f in d.lost.iter().take(SECTION_LIMIT * 2) {
        let _ = writeln!(out, "  - {} {}", s.severity(f.severity), plain(&f.title));
    }
    if d.lost.len() > SECTION_LIMIT * 2 {
        let _ = writeln!(out, "  {}", s.dim(&format!("… and {} more", d.lost.len() - SECTION_LIMIT * 2)));
    }
    if !d.changed.is_empty() {
        let _ = writeln!(out, "\n{} ({})", s.paint("33", "Findings changed"), d.changed.len());
        for c in d.changed.iter().take(SECTION_LIMIT * 2) {
            let _ = writeln!(out, "  ~ {}\n    → {}", plain(&c.before.title), plain(&c.after.title));
        }
    }
    if !d.spof_changes.is_empty() {
        let _ = writeln!(out, "\n{}", s.bold("Targets whose single points of failure changed"));
        for c in &d.spof_changes {
            let _ = writeln!(out, "  {:<32} +[{}] -[{}]", c.target, c.gained.join(", "), c.lost.join(", "));
        }
    }
    if !d.targets_added.is_empty() || !d.targets_removed.is_empty() {
        let _ = writeln!(
            out,
            "\n{} +[{}] -[{}]",
            s.bold("Targets"),
            d.targets_added.join(", "),
            d.targets_removed.join(", ")
        );
    }
    if !d.placement_blast.is_empty() {
        let _ = writeln!(out, "\n{}", s.bold("Blast radius per placement value (before → after)"));
        for p in &d.placement_blast {
            let _ = writeln!(out, "  {:<32} {:<32} → {}", p.placement, blast_text(p.before), blast_text(p.after));
        }
    }
    out
}

/// A design diff as Markdown.
pub fn diff_markdown(d: &crate::diff::DiffReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Blastmap design diff: {} → {}\n", d.before, d.after);
    let _ = writeln!(out, "**{} findings gained, {} lost.**\n", d.gained.len(), d.lost.len());
    for (title, list, sign) in [("Gained", &d.gained, "+"), ("Lost", &d.lost, "−")] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {title}\n");
        for f in list.iter().take(50) {
            let _ = writeln!(out, "- {sign} **{:?}** {}", f.severity, f.title);
        }
        out.push('\n');
    }
    if !d.changed.is_empty() {
        let _ = writeln!(out, "### Changed\n");
        for c in d.changed.iter().take(50) {
            let _ = writeln!(out, "- {} → {}", c.before.title, c.after.title);
        }
        out.push('\n');
    }
    if !d.placement_blast.is_empty() {
        let _ = writeln!(out, "### Blast radius per placement value\n\n| placement | before | after |\n|---|---|---|");
        for p in &d.placement_blast {
            let _ = writeln!(out, "| {} | {} | {} |", p.placement, blast_text(p.before), blast_text(p.after));
        }
    }
    out
}
