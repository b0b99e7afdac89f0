//! `docs/contract.md`: the column contract ([`crate::contract::docs`]) with the method registry,
//! the compliance rules and the exit codes, all generated from the code that implements them.
//! A test fails when the committed file is stale (`VOLTMETRICS_BLESS=1 cargo test` rewrites it).

use crate::core::algorithms::{MethodId, REGISTRY};
use crate::core::compliance::{Severity, RULES};
use crate::core::nfpa70e::SystemType;
use crate::exit_codes::Exit;
use std::fmt::Write;

fn methods(s: &mut String) {
    s.push_str(
        "\n## Methods\n\n\
         Every result row names the method and version that produced it (`method`). `--method \
         auto` (the default of `run`) takes `dc-max-power@1` for DC, `lee@1` for AC above \
         15 kV and `ieee1584-2018@1` for other AC; a row's own `method` column wins over \
         `--method`. A method that does not cover a row's system makes it `not_applicable`.\n\n\
         | id | model | system | reduced case | needs gap | boundary energy, J/cm² |\n\
         |---|---|---|---|---|---|\n",
    );
    for (m, e) in MethodId::all().zip(REGISTRY.iter()) {
        let system = match e.system {
            SystemType::Ac => "AC",
            SystemType::Dc => "DC",
        };
        let yes = |b: bool| if b { "yes" } else { "no" };
        let _ = writeln!(
            s,
            "| `{m}` | {} | {system} | {} | {} | {} |",
            e.model,
            yes(e.reduced_case),
            yes(e.needs.gap),
            e.boundary_energy_j_cm2
        );
    }
}

fn rules(s: &mut String) {
    s.push_str(
        "\n## Compliance rules\n\n\
         `compliance_status` is the worst severity of a row's findings (`pass` when none), \
         evaluated against `--as-of`. Not-applicable rows get the rules that need no arc-flash \
         result; invalid rows get none.\n\n| id | severity | rule |\n|---|---|---|\n",
    );
    for r in RULES {
        let sev = match r.severity {
            Severity::Warn => "warn",
            Severity::Fail => "fail",
        };
        let _ = writeln!(s, "| `{}` | {sev} | {} |", r.id, r.description);
    }
}

fn exit_codes(s: &mut String) {
    s.push_str("\n## Exit codes\n\n| code | meaning |\n|---|---|\n");
    for e in Exit::ALL {
        let _ = writeln!(s, "| {} | {} |", e.code(), e.meaning());
    }
}

/// The whole of `docs/contract.md`.
pub fn contract_md() -> String {
    let mut s = crate::contract::docs::markdown();
    methods(&mut s);
    rules(&mut s);
    exit_codes(&mut s);
    s
}
