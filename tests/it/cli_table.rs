//! The readable table (issue 14): the compact view fits 160 columns, `--wide` shows every
//! column, colour only where it belongs (a terminal, NO_COLOR unset, TERM not dumb), and
//! `--precision`.

use crate::common::{csv_header, run_fixture};

const ESC: u8 = 0x1b;

fn has_escape(b: &[u8]) -> bool {
    b.contains(&ESC)
}

#[test]
fn the_compact_table_fits_160_columns_and_wide_shows_everything() {
    let table = String::from_utf8(run_fixture(&["--format", "table"])).unwrap();
    let widest = table.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest <= 160, "the compact table is {widest} columns wide");
    let head: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        head,
        [
            "facility",
            "equipment",
            "status",
            "method",
            "energy_cal_cm2",
            "boundary_mm",
            "ppe",
            "danger",
            "compliance",
            "findings"
        ]
    );
    assert_eq!(table.lines().count(), 75, "a line per row and the header");
    assert!(!has_escape(table.as_bytes()), "no colour into a pipe");
    let wide = String::from_utf8(run_fixture(&["--format", "table", "--wide"])).unwrap();
    let wide_head: Vec<&str> = wide.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(wide_head, csv_header(&run_fixture(&[])));
}

#[test]
fn colour_is_forced_or_refused_by_flag() {
    let always = run_fixture(&["--format", "table", "--color", "always"]);
    assert!(has_escape(&always));
    let text = String::from_utf8(always).unwrap();
    let danger = text.lines().find(|l| l.contains("DANGER-1")).unwrap();
    assert!(danger.contains("\u{1b}[1;31mtrue\u{1b}[0m"), "{danger}");
    assert!(!has_escape(&run_fixture(&[
        "--format", "table", "--color", "never"
    ])));
    assert!(
        !has_escape(&run_fixture(&["--color", "always"])),
        "CSV is never coloured"
    );
}

/// The binary on a pseudo-terminal (util-linux `script`), with `env` set.
fn on_a_terminal(env: &[(&str, &str)]) -> Option<Vec<u8>> {
    let bin = assert_cmd::cargo::cargo_bin("voltmetrics");
    let input = crate::common::fixture("inventory.csv");
    let cmd = format!(
        "{} run {} --as-of 2026-06-30 -q",
        bin.display(),
        input.display()
    );
    let mut c = std::process::Command::new("script");
    c.args(["-qec", &cmd, "/dev/null"]).env_remove("NO_COLOR");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().ok()?;
    out.status.success().then_some(out.stdout)
}

#[test]
fn on_a_terminal_colour_follows_no_color_and_term() {
    let Some(plain) = on_a_terminal(&[("TERM", "xterm-256color")]) else {
        eprintln!("no `script` here: the pseudo-terminal checks are skipped");
        return;
    };
    let text = String::from_utf8_lossy(&plain);
    assert!(
        text.contains("energy_cal_cm2"),
        "a table on a terminal: {text}"
    );
    assert!(has_escape(&plain), "coloured on a terminal");
    let no_color = on_a_terminal(&[("TERM", "xterm-256color"), ("NO_COLOR", "1")]).unwrap();
    assert!(!has_escape(&no_color), "NO_COLOR");
    let dumb = on_a_terminal(&[("TERM", "dumb")]).unwrap();
    assert!(!has_escape(&dumb), "TERM=dumb");
}

#[test]
fn precision_rounds_csv_only_when_asked() {
    let rows = crate::common::parse_csv(&run_fixture(&["--precision", "2"]));
    let ie = &rows[0]["incident_energy_cal_cm2"];
    assert_eq!(ie.split('.').nth(1).map(str::len), Some(2), "{ie}");
    let full = crate::common::parse_csv(&run_fixture(&[]));
    assert!(
        full[0]["incident_energy_cal_cm2"].len() > 10,
        "full precision by default"
    );
    let table = String::from_utf8(run_fixture(&["--format", "table", "--precision", "1"])).unwrap();
    assert!(table.lines().nth(1).unwrap().contains("2.9 "), "{table}");
}
