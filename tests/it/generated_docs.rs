//! The committed man page and completion scripts must match the clap definitions.
//! Regenerate with `VOLTMETRICS_BLESS=1 cargo test --test generated_docs`.

use clap_complete::Shell;
use std::path::PathBuf;
use voltmetrics::cli::completions::{completion_script, man_page};

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
fn man_page_is_current() {
    check("man/voltmetrics.1", &man_page().unwrap());
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
