//! `blastmap check FILE --deny KINDS`: a CI gate. Prints the denied findings and the denied
//! analyses a budget cut short; exit 1 when there are any (a cut analysis fails closed unless
//! `--allow-partial`), 0 when there are none.

use std::io::Write;

use blastmap_core::policy_report::is_policy_kind;
use blastmap_core::render::{counted, results_cut};
use blastmap_core::report::{FindingKind, Incomplete, Report};

use crate::args::CheckArgs;
use crate::cmd::analyze::compared;
use crate::{input, output, Failure};

/// One `--deny` entry: a kind, and whether only findings that touch a critical component count.
#[derive(Clone, Copy, Debug)]
struct Deny {
    kind: FindingKind,
    critical_only: bool,
}

impl Deny {
    fn parse(name: &str) -> Result<Deny, String> {
        let (kind, critical_only) = match name.split_once(':') {
            Some((k, "critical")) => (k, true),
            Some(_) => return Err(format!("--deny: `{name}`: expected KIND or KIND:critical")),
            None => (name, false),
        };
        match FindingKind::parse(kind) {
            Some(kind) => Ok(Deny { kind, critical_only }),
            None => {
                let known: Vec<&str> = FindingKind::ALL.iter().map(|k| k.name()).collect();
                Err(format!("--deny: unknown kind `{name}`: expected one of {}", known.join(", ")))
            }
        }
    }

    /// A cut of this kind may hide a finding this entry denies.
    fn covers(&self, cut: &Incomplete) -> bool {
        cut.analysis == self.kind && (cut.critical || !self.critical_only)
    }
}

pub fn run(args: CheckArgs) -> Result<(), Failure> {
    let mut deny: Vec<Deny> = Vec::new();
    for name in &args.deny {
        match Deny::parse(name.trim()) {
            Ok(d) => deny.push(d),
            Err(message) => {
                let _ = writeln!(std::io::stderr(), "{message}");
                return Err(Failure::Reported);
            }
        }
    }
    let inputs = input::load_compared(&args.input, &args.observed, false)?;
    let name = inputs.name();
    let report = compared(&inputs, &args.budgets.options());
    // Hidden and unobserved dependencies need traces, policy findings a policy file checked
    // against the estate: denied without them, they are not checked, and the check fails closed
    // (unless --allow-partial) rather than pass on what it never saw.
    let observed_kinds = [FindingKind::HiddenDependency, FindingKind::UnobservedDependency];
    let unchecked: Vec<FindingKind> = FindingKind::ALL
        .into_iter()
        .filter(|k| deny.iter().any(|d| d.kind == *k))
        .filter(|k| {
            (observed_kinds.contains(k) && report.observed.is_none())
                || (is_policy_kind(*k) && report.policy.is_empty())
        })
        .collect();
    let model = &inputs.loaded.compiled.model;
    let is_id = |s: &str| model.lookup(s).is_some();
    let longest = model.ids().map(|v| model.name(v).len()).max().unwrap_or(0);
    let plain = |title: &str| blastmap_core::render::plain_title(title, &is_id, longest);
    let (text, pass) = verdict(name, &report, &deny, &unchecked, &args.deny.join(", "), args.allow_partial, &plain);
    output::print(&text)?;
    // The process ends after this: what it read and found is left to the system rather than
    // freed one allocation at a time (as `analyze` does).
    std::mem::forget((inputs, report, text));
    if pass {
        Ok(())
    } else {
        Err(Failure::Denied)
    }
}

/// What `check` prints, and whether it passes.
/// The lines `check` prints and whether it passes; `plain` shows a title or reason for a terminal
/// (ids unquoted, control characters escaped).
fn verdict(
    name: &str,
    report: &Report,
    deny: &[Deny],
    unchecked: &[FindingKind],
    kinds: &str,
    allow_partial: bool,
    plain: &dyn Fn(&str) -> String,
) -> (String, bool) {
    let denied: Vec<_> = report
        .findings
        .iter()
        .filter(|f| deny.iter().any(|d| f.kind == d.kind && (f.critical || !d.critical_only)))
        .collect();
    let cut: Vec<&Incomplete> = report.incomplete.iter().filter(|i| deny.iter().any(|d| d.covers(i))).collect();
    let mut text = String::new();
    for f in &denied {
        text.push_str(&format!("{name}: {}: {}\n", f.kind.name(), plain(&f.title)));
    }
    for i in &cut {
        text.push_str(&format!("{name}: {}: cut short: {}\n", i.analysis.name(), plain(&i.reason)));
    }
    let cut_kinds = {
        let mut k: Vec<&str> = cut.iter().map(|i| i.analysis.name()).collect();
        k.dedup();
        k.join(", ")
    };
    for k in unchecked {
        let why = if is_policy_kind(*k) {
            "no tailnet policy file checked against an estate (give the policy file (HuJSON) beside the tailnet's status exports or native estate)"
        } else {
            "no traces to compare with (give a Jaeger or service-graph export, or --observed FILE)"
        };
        text.push_str(&format!("{name}: {}: not checked: {why}\n", k.name()));
    }
    let fail_closed = (!cut.is_empty() || !unchecked.is_empty()) && !allow_partial;
    let mut summary = match (denied.is_empty(), cut.is_empty()) {
        (true, true) => format!("ok, no {kinds} findings"),
        (false, true) => counted(denied.len(), "denied finding"),
        (false, false) => format!(
            "{}; {} cut short by a budget ({cut_kinds}), so there may be more",
            counted(denied.len(), "denied finding"),
            results_cut(cut.len())
        ),
        (true, false) if allow_partial => format!(
            "ok with partial answers (--allow-partial): no {kinds} findings in what was searched, but {} cut short by a budget ({cut_kinds})",
            results_cut(cut.len())
        ),
        (true, false) => format!(
            "not ok: no {kinds} findings in what was searched, but {} cut short by a budget ({cut_kinds}) and may hide some; raise --budget / --cut-budget as said above, or pass --allow-partial to accept partial answers",
            results_cut(cut.len())
        ),
    };
    if !unchecked.is_empty() {
        let (policy, traces): (Vec<FindingKind>, Vec<FindingKind>) =
            unchecked.iter().partition(|k| is_policy_kind(**k));
        let list = |kinds: &[FindingKind]| kinds.iter().map(|k| k.name()).collect::<Vec<_>>().join(", ");
        let mut missing = Vec::new();
        if !traces.is_empty() {
            missing.push(format!("{} not checked without traces", list(&traces)));
        }
        if !policy.is_empty() {
            missing.push(format!("{} not checked without a policy file", list(&policy)));
        }
        let names = missing.join("; ");
        summary = match (denied.is_empty() && cut.is_empty(), allow_partial) {
            (true, false) => {
                format!("not ok: {names}; give them, or pass --allow-partial to accept partial answers")
            }
            (true, true) => format!("ok with partial answers (--allow-partial): {names}"),
            (false, _) => format!("{summary}; {names}"),
        };
    }
    text.push_str(&format!("{name}: {summary}\n"));
    (text, denied.is_empty() && !fail_closed)
}
