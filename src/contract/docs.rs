//! `docs/contract.md`, generated from the tables (a test fails when the committed file is
//! stale; `VOLTMETRICS_BLESS=1 cargo test` rewrites it).

use super::{history, input, passthrough, results, summary, Column};
use std::fmt::Write;

fn table(out: &mut String, columns: &[Column], required: Option<&[&[Column]]>) {
    let head = if required.is_some() {
        "| column | type | unit | required | meaning |\n|---|---|---|---|---|\n"
    } else {
        "| column | type | unit | may be empty | meaning |\n|---|---|---|---|---|\n"
    };
    out.push_str(head);
    for c in columns {
        let flag = match required {
            Some(groups) => match groups.iter().find(|g| g.iter().any(|r| r.name == c.name)) {
                Some(g) if g.len() == 1 => "yes".to_string(),
                Some(g) => format!(
                    "one of {}",
                    g.iter().map(|r| r.name).collect::<Vec<_>>().join(", ")
                ),
                None => "no".to_string(),
            },
            None => if c.nullable { "yes" } else { "no" }.to_string(),
        };
        let unit = if c.unit.is_empty() { "" } else { c.unit };
        let _ = writeln!(
            out,
            "| `{}` | {} | {unit} | {flag} | {} |",
            c.name,
            c.ty.describe(),
            c.description
        );
    }
}

/// The whole document.
pub fn markdown() -> String {
    let mut s = String::from(
        "# The column contract\n\n\
         Generated from `src/contract/` (`VOLTMETRICS_BLESS=1 cargo test` rewrites it; a test \
         fails when it is stale). Every reader, writer, `voltmetrics schema`, the PostgreSQL \
         tables and the Redis fields follow these tables.\n\n\
         ## Input: the equipment inventory\n\n\
         One row per equipment; CSV (`.csv`, `.csv.gz`, `-` for stdin) or Parquet. Column names \
         are compared without case and surrounding spaces; unknown columns are passed through to \
         the results. An empty cell is a missing value.\n\n",
    );
    table(&mut s, input::ALL, Some(&input::REQUIRED));
    s.push_str(
        "\nOptional columns that other commands read (passed through to the results like any \
         other column):\n\n",
    );
    table(&mut s, passthrough::ALL, None);
    s.push_str(
        "\n## Results: one row per input row\n\n\
         In input order, these columns first, then the passed-through input columns (a name \
         that is taken gets `input_` in front until it is free). Stored in PostgreSQL as \
         `voltmetrics_results` with `as_of` and `run_id`.\n\n",
    );
    table(&mut s, results::ALL, None);
    let cached: Vec<&str> = results::CACHED.iter().map(|c| c.name).collect();
    let _ = writeln!(
        s,
        "\nThe Redis hash of an equipment's latest result holds `run_id` and {}.",
        cached
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    s.push_str(
        "\n## Facility summary\n\n\
         One row per facility in order of first appearance, then `*` with `--portfolio`. \
         Stored in PostgreSQL as `voltmetrics_facility_summaries` with `as_of` and `run_id`.\n\n",
    );
    table(&mut s, summary::ALL, None);
    s.push_str(
        "\n## History\n\n\
         `voltmetrics history` returns the summary columns (without the PPE category counts) \
         with `as_of` and `run_id`; with `--bucket` it returns per facility and bucket `bucket`, \
         `runs`, the maximum and mean incident energy, the counts and the compliance rate. The \
         columns it adds:\n\n",
    );
    table(&mut s, history::ALL, None);
    s
}
