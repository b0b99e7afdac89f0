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

/// The man page (roff).
pub fn man_page() -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(super::command()).render(&mut buf)?;
    Ok(buf)
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
