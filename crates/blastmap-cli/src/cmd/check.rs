//! `blastmap check FILE --deny KINDS`: a CI gate. Prints the denied findings; exit 1 when there
//! are any, 0 when there are none.

use std::io::Write;

use blastmap_core::report::{FindingKind, Options};

use crate::args::CheckArgs;
use crate::cmd::analyze::compared;
use crate::{input, output, Failure};

pub fn run(args: CheckArgs) -> Result<(), Failure> {
    // (kind, only findings that touch a critical component)
    let mut deny: Vec<(FindingKind, bool)> = Vec::new();
    for name in &args.deny {
        let name = name.trim();
        let (kind, critical) = match name.split_once(':') {
            Some((k, "critical")) => (k, true),
            Some(_) => {
                let _ = writeln!(std::io::stderr(), "--deny: `{name}`: expected KIND or KIND:critical");
                return Err(Failure::Reported);
            }
            None => (name, false),
        };
        match FindingKind::parse(kind) {
            Some(k) => deny.push((k, critical)),
            None => {
                let known: Vec<&str> = FindingKind::ALL.iter().map(|k| k.name()).collect();
                let _ =
                    writeln!(std::io::stderr(), "--deny: unknown kind `{name}`: expected one of {}", known.join(", "));
                return Err(Failure::Reported);
            }
        }
    }
    let inputs = input::load_compared(&args.input, &args.observed)?;
    let name = inputs.name();
    let report = compared(&inputs.loaded, inputs.bytes, &Options::default());
    let observed_kinds = [FindingKind::HiddenDependency, FindingKind::UnobservedDependency];
    if report.observed.is_none() && deny.iter().any(|(k, _)| observed_kinds.contains(k)) {
        let _ = writeln!(
            std::io::stderr(),
            "{name}: warning: no traces to compare with (give a Jaeger or service-graph export, or --observed FILE): hidden and unobserved dependencies cannot be found"
        );
    }
    let denied: Vec<_> = report
        .findings
        .iter()
        .filter(|f| deny.iter().any(|&(k, critical_only)| f.kind == k && (f.critical || !critical_only)))
        .collect();
    let model = &inputs.loaded.compiled.model;
    let is_id = |s: &str| model.lookup(s).is_some();
    let longest = model.ids().map(|v| model.name(v).len()).max().unwrap_or(0);
    let mut text = String::new();
    for f in &denied {
        let title = blastmap_core::render::plain_title(&f.title, &is_id, longest);
        text.push_str(&format!("{name}: {}: {title}\n", f.kind.name()));
    }
    if denied.is_empty() {
        text.push_str(&format!("{name}: ok, no {} findings\n", args.deny.join(", ")));
    } else {
        text.push_str(&format!("{name}: {} denied findings\n", denied.len()));
    }
    output::print(&text)?;
    if denied.is_empty() {
        Ok(())
    } else {
        Err(Failure::Denied)
    }
}
