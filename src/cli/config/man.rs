//! `voltmetrics-config(5)`: the file of `--config`, its precedence, the environment variables,
//! and an example file.

use clap::Command;

/// A nightly job's file (the man page's example; checked by a test).
pub const EXAMPLE: &str = r#"# voltmetrics.toml: the options of the nightly run. The command line and the
# environment (VOLTMETRICS_*) win over this file; it wins over the defaults.
log-format = "json"

[run]
summary = "/srv/voltmetrics/out/summary.parquet"
output = "/srv/voltmetrics/out/results.parquet"
metrics-file = "/var/lib/node_exporter/textfile/voltmetrics.prom"
devices = "/srv/voltmetrics/devices.toml"
danger-threshold = 40
maintenance-intervals = "60,36,12"
fail-on = ['invalid', 'danger']
postgres = "postgres://voltmetrics@db.internal:5432/safety"
redis = "redis://cache.internal:6379/0"
redis-prefix = "voltmetrics:"
redis-ttl = 172800
quiet = true

[db]
postgres = "postgres://voltmetrics@db.internal:5432/safety"
"#;

/// `voltmetrics-config(5)`: the file of `--config`, its precedence, the environment variables.
pub fn man_page() -> Vec<u8> {
    use crate::cli::completions::roff_text;
    let mut s = format!(
        ".TH voltmetrics\\-config 5 \"\" \"voltmetrics {}\"\n.SH NAME\nvoltmetrics\\-config \\- the options file of voltmetrics \\-\\-config\n.SH DESCRIPTION\n",
        crate::VERSION
    );
    for para in [
        "A TOML file named by --config FILE or the VOLTMETRICS_CONFIG variable. Precedence: an option on the command line wins over its environment variable, which wins over the file, which wins over the default. voltmetrics config show prints what a command would use and where each value comes from, URL passwords hidden.",
        "Top-level keys are the global options (log-format). Each table is a subcommand: [run], [validate], [labels], [report], [history], [calc], [db] (for every db action) or [db.migrate] (for one). Keys are the long option names (redis-prefix or redis_prefix). true adds a flag (false leaves it out), an array repeats an option (fail-on), a number sets the count of verbose; other values are the option's text. Inputs are given on the command line. Every key and value is checked by the option's own parser whichever command runs; a mistake is a usage error (exit 2) naming the file and line.",
    ] {
        s.push_str(&roff_text(para));
        s.push_str("\n.PP\n");
    }
    s.push_str(".SH ENVIRONMENT\n");
    let mut vars: Vec<(String, String)> = Vec::new();
    let mut cmd = crate::cli::command();
    cmd.build();
    collect_env(&cmd, &mut vars);
    vars.sort();
    vars.dedup();
    for (var, long) in vars {
        s.push_str(&format!(
            ".TP\n\\fB{}\\fR\n{}\n",
            roff_text(&var),
            roff_text(&long)
        ));
    }
    s.push_str(".TP\n\\fBRUST_LOG\\fR\nThe level of diagnostics when neither \\-q nor \\-v is given (tracing directives, e.g. voltmetrics::db=debug).\n");
    s.push_str(".SH EXAMPLE\n.nf\n");
    for line in EXAMPLE.lines() {
        s.push_str(&roff_text(line));
        s.push('\n');
    }
    s.push_str(".fi\n.SH SEE ALSO\nvoltmetrics\\-run(1), voltmetrics\\-config(1)\n");
    s.into_bytes()
}

/// (variable, `--option`) of every option of `cmd` and its subcommands read from the
/// environment.
fn collect_env(cmd: &Command, out: &mut Vec<(String, String)>) {
    for a in cmd.get_arguments() {
        if let (Some(env), Some(long)) = (a.get_env(), a.get_long()) {
            out.push((env.to_string_lossy().into_owned(), format!("--{long}")));
        }
    }
    for sub in cmd.get_subcommands() {
        collect_env(sub, out);
    }
}
