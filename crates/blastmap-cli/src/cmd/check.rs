//! `blastmap check FILE --deny KINDS`: a CI gate. Prints the denied findings; exit 1 when there
//! are any, 0 when there are none.

use std::io::Write;

use blastmap_core::report::{FindingKind, Options};

use crate::args::CheckArgs;
use crate::cmd::analyze::report;
use crate::{input, output, Failure};

pub fn run(args: CheckArgs) -> Result<(), Failure> {
    let mut deny = Vec::new();
    for name in &args.deny {
        match FindingKind::parse(name.trim()) {
            Some(k) => deny.push(k),
            None => {
                let known: Vec<&str> = FindingKind::ALL.iter().map(|k| k.name()).collect();
                let _ = writeln!(std::io::stderr(), "--deny: unknown kind `{name}`: expected one of {}", known.join(", "));
                return Err(Failure::Reported);
            }
        }
    }
    let (name, bytes, loaded) = input::load(&args.input.file)?;
    let report = report(&loaded.model, bytes, &Options::default());
    let denied: Vec<_> = report.findings.iter().filter(|f| deny.contains(&f.kind)).collect();
    let mut text = String::new();
    for f in &denied {
        text.push_str(&format!("{name}: {}: {}\n", f.kind.name(), f.title.replace('`', "")));
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
