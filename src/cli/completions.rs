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
    Ok(out)
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
