//! The committed man page and completion scripts must match the clap definitions.
//! Regenerate with `VOLTMETRICS_BLESS=1 cargo test --test generated_docs`.

use clap_complete::Shell;
use std::path::PathBuf;
use voltmetrics::cli::completions::{completion_script, man_pages};

fn check(rel: &str, generated: &[u8]) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel);
    if std::env::var_os("VOLTMETRICS_BLESS").is_some() {
        std::fs::write(&path, generated).unwrap();
        return;
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{rel} is stale: run `VOLTMETRICS_BLESS=1 cargo test --test generated_docs` and commit the result"
    );
}

#[test]
fn man_pages_are_current_and_none_is_stale() {
    let pages = man_pages().unwrap();
    for (name, roff) in &pages {
        check(&format!("man/{name}"), roff);
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("man");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        assert!(
            pages.iter().any(|(p, _)| *p == name),
            "man/{name} is not generated any more: remove it"
        );
    }
}

/// Every `name(N)` a page cites is a page in `man/`, and every page renders with
/// `man --warnings -l` without a warning (skipped where `man` is not installed).
#[test]
fn every_cited_man_page_exists_and_renders_cleanly() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("man");
    let pages = man_pages().unwrap();
    let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"voltmetrics-run.1") && names.contains(&"voltmetrics-db-migrate.1"));
    assert!(names.contains(&"voltmetrics-devices.5") && names.contains(&"voltmetrics-mapping.5"));
    let run = &pages
        .iter()
        .find(|(n, _)| n == "voltmetrics-run.1")
        .unwrap()
        .1;
    let run = String::from_utf8_lossy(run).replace("\\-", "-");
    assert!(
        run.contains("voltmetrics-devices(5)"),
        "run cites the device library's page"
    );
    for (name, roff) in &pages {
        let text = String::from_utf8_lossy(roff).replace("\\-", "-");
        let words = text.split(|c: char| c.is_whitespace() || c == ',' || c == ';');
        for cited in words.filter(|w| w.starts_with("voltmetrics-") && w.ends_with(')')) {
            let Some((page, section)) = cited.trim_end_matches(')').split_once('(') else {
                continue;
            };
            let file = format!("{page}.{section}");
            assert!(
                names.contains(&file.as_str()),
                "{name} cites {cited}, which does not exist"
            );
        }
    }
    let Ok(probe) = std::process::Command::new("man").arg("--version").output() else {
        eprintln!("man is not installed: rendering not checked");
        return;
    };
    assert!(probe.status.success());
    for (name, _) in &pages {
        let out = std::process::Command::new("man")
            .args(["--warnings", "-l"])
            .arg(dir.join(name))
            .env("MANWIDTH", "80")
            .env("MAN_KEEP_FORMATTING", "0")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "{name} warns: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stdout.is_empty());
    }
}

#[test]
fn completions_are_current() {
    check(
        "completions/voltmetrics.bash",
        &completion_script(Shell::Bash),
    );
    check("completions/_voltmetrics", &completion_script(Shell::Zsh));
    check(
        "completions/voltmetrics.fish",
        &completion_script(Shell::Fish),
    );
}
