//! `voltmetrics completions SHELL` and the hidden `voltmetrics man`, both generated from the
//! clap definitions. `tests/generated_docs.rs` fails when the committed copies in
//! `completions/` and `man/` are stale (`VOLTMETRICS_BLESS=1 cargo test` rewrites them).

use super::write_stdout;
use crate::exit_codes::Exit;
use clap::Args;
use clap_complete::Shell;

/// Arguments of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate the script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The completion script for `shell`.
pub fn completion_script(shell: Shell) -> Vec<u8> {
    let mut cmd = super::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "voltmetrics", &mut buf);
    buf
}

/// The man page of `voltmetrics` (roff): [`man_pages`]' first.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    Ok(man_pages()?.swap_remove(0).1)
}

/// Every man page, as (file name, roff): `voltmetrics.1`, then one page per subcommand —
/// `voltmetrics-run.1`, … and `voltmetrics-db-migrate.1` for nested ones — each citing the
/// pages of its subcommands (as ripgrep and fd ship them). The `help` subcommand has no page.
pub fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    fn pages(cmd: &clap::Command, out: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
        let man = clap_mangen::Man::new(cmd.clone());
        let mut buf = Vec::new();
        man.render(&mut buf)?;
        out.push((man.get_filename(), buf));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            pages(sub, out)?;
        }
        Ok(())
    }
    let mut cmd = super::command().disable_help_subcommand(true);
    cmd.build();
    let mut out = Vec::new();
    pages(&cmd, &mut out)?;
    out.push(("voltmetrics-devices.5".to_string(), devices_page()));
    out.push(("voltmetrics-mapping.5".to_string(), mapping_page()));
    out.push((
        "voltmetrics-config.5".to_string(),
        super::config::man_page(),
    ));
    Ok(out)
}

/// Text for roff: backslashes and dashes escaped, no line starting with a control character.
pub(crate) fn roff_text(s: &str) -> String {
    let t = s.replace('\\', "\\e").replace('-', "\\-");
    if t.starts_with('.') || t.starts_with('\'') {
        format!("\\&{t}")
    } else {
        t
    }
}

/// The fields of one object of the device schema, `prefix` before each name.
fn roff_fields(obj: &serde_json::Value, prefix: &str, out: &mut String) {
    let required: Vec<&str> = obj["required"]
        .as_array()
        .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    let Some(props) = obj["properties"].as_object() else {
        return;
    };
    for (name, p) in props {
        let full = format!("{prefix}{name}");
        let kind = p["type"].as_str().map_or_else(
            || {
                if p.get("enum").is_some() {
                    "one of the names below".to_string()
                } else {
                    "value".to_string()
                }
            },
            str::to_string,
        );
        let mut what = vec![kind];
        if required.contains(&name.as_str()) {
            what.push("required".into());
        }
        if let Some(d) = p.get("default") {
            what.push(format!("default {d}"));
        }
        out.push_str(&format!(
            ".TP\n\\fB{}\\fR ({})\n",
            roff_text(&full),
            roff_text(&what.join(", "))
        ));
        let mut desc = p["description"].as_str().unwrap_or_default().to_string();
        if let Some(e) = p["enum"].as_array() {
            let names: Vec<&str> = e.iter().filter_map(|v| v.as_str()).collect();
            desc = format!("{desc} One of: {}.", names.join(", "));
        }
        if let Some(d) = p["description"].as_str().filter(|_| p["type"] == "object") {
            desc = d.to_string();
        }
        out.push_str(&format!("{}\n", roff_text(desc.trim())));
        if p["type"] == "object" {
            roff_fields(p, &format!("{full}."), out);
        }
        if let Some(items) = p.get("items").filter(|i| i["type"] == "object") {
            roff_fields(items, &format!("{full}[]."), out);
        }
    }
}

/// `voltmetrics-devices(5)`: the protective-device library file of `--devices`, generated
/// from the schema `voltmetrics schema devices` prints (so it cannot drift from the parser's).
pub fn devices_page() -> Vec<u8> {
    let schema = super::schema::devices_schema();
    let mut s = format!(
        ".TH voltmetrics\\-devices 5 \"\" \"voltmetrics {}\"\n",
        crate::VERSION
    );
    s.push_str(".SH NAME\nvoltmetrics\\-devices \\- the protective\\-device library of voltmetrics \\-\\-devices\n");
    s.push_str(".SH DESCRIPTION\n");
    s.push_str(&roff_text("A TOML file of [[relay]], [[breaker]] and [[fuse]] tables, one per device. A row of the inventory names its device in protective_device_id; rows without arc_duration_ms take both clearing times from it, at each arcing current (times device_current_factor). Unknown keys are errors; the library is checked before any row. voltmetrics schema devices prints the same as a JSON Schema."));
    s.push('\n');
    for kind in ["relay", "breaker", "fuse"] {
        let items = &schema["properties"][kind]["items"];
        s.push_str(&format!(".SH [[{kind}]]\n"));
        s.push_str(&roff_text(
            items["description"].as_str().unwrap_or_default(),
        ));
        s.push('\n');
        roff_fields(items, "", &mut s);
    }
    s.push_str(".SH EXAMPLE\n.nf\n");
    for line in [
        "[[breaker]]",
        "id = \"CB-MCC1\"",
        "long_time = { pickup_a = 800.0, delay_s = 10.0 }",
        "short_time = { pickup_a = 4000.0, delay_s = 0.2 }",
        "instantaneous = { pickup_a = 7500.0 }",
        "",
        "[[relay]]",
        "id = \"R-MAIN-51\"",
        "curve = \"IEEE-VI\"",
        "pickup_a = 600.0",
        "time_dial = 2.0",
        "breaker_opening_cycles = 5.0",
    ] {
        s.push_str(&roff_text(line));
        s.push('\n');
    }
    s.push_str(
        ".fi\n.SH SEE ALSO\nvoltmetrics\\-run(1), voltmetrics\\-calc(1), voltmetrics\\-schema(1)\n",
    );
    s.into_bytes()
}

/// `voltmetrics completions SHELL`.
pub fn run_completions(args: &CompletionsArgs) -> anyhow::Result<Exit> {
    let script = completion_script(args.shell);
    write_stdout(|w| Ok(w.write_all(&script)?))?;
    Ok(Exit::Success)
}

/// `voltmetrics man`.
pub fn run_man() -> anyhow::Result<Exit> {
    let page = man_page()?;
    write_stdout(|w| Ok(w.write_all(&page)?))?;
    Ok(Exit::Success)
}

/// `voltmetrics-mapping(5)`: the column mapping file of `--mapping`, with the bundled ETAP
/// mapping as its example.
pub fn mapping_page() -> Vec<u8> {
    let mut s = format!(
        ".TH voltmetrics\\-mapping 5 \"\" \"voltmetrics {}\"\n",
        crate::VERSION
    );
    s.push_str(
        ".SH NAME\nvoltmetrics\\-mapping \\- column mappings of voltmetrics \\-\\-mapping\n",
    );
    s.push_str(".SH DESCRIPTION\n");
    s.push_str(&roff_text("A TOML file that turns the export of another tool (CSV or workbook) into the inventory's columns before any check. Source columns are found without regard to case or surrounding spaces; those no rule reads are passed through; every row gets a mapped_from note of what was renamed, converted or mapped. Parquet inputs are not mapped."));
    s.push('\n');
    let keys: [(&str, &str); 7] = [
        ("name", "The mapping's name."),
        ("description", "What it maps (voltmetrics mappings list shows it)."),
        ("frequency_hz", "For clearing times in cycles (default 60)."),
        ("[columns.TARGET] from", "The source column that becomes inventory column TARGET (voltmetrics schema input lists them)."),
        ("[columns.TARGET] unit", "The source's unit, converted to TARGET's: kV or V to V; kA or A to kA; mm, cm, m, in or ft to mm; ms, s or cycles to ms. A cell that is not a number is left as written for the checks to name."),
        ("[columns.TARGET] values", "A table of source values and what they become, compared without case (\"Switchgear\" = \"switchgear\")."),
        ("[constants]", "TARGET = \"value\": a column set on every row."),
    ];
    s.push_str(".SH KEYS\n");
    for (k, d) in keys {
        s.push_str(&format!(
            ".TP\n\\fB{}\\fR\n{}\n",
            roff_text(k),
            roff_text(d)
        ));
    }
    s.push_str(".SH ERRORS\n");
    s.push_str(&roff_text("A rule naming a column the input does not have, a unit that does not convert to the target's, or a target that is not an inventory column is a run error (exit 1) naming the mapping file and line."));
    s.push_str("\n.SH EXAMPLE\nThe bundled etap mapping (voltmetrics mappings show etap):\n.nf\n");
    for line in crate::io::mapping::BUNDLED[0].1.lines() {
        s.push_str(&roff_text(line));
        s.push('\n');
    }
    s.push_str(".fi\n.SH SEE ALSO\nvoltmetrics\\-run(1), voltmetrics\\-mappings(1), voltmetrics\\-validate(1)\n");
    s.into_bytes()
}
