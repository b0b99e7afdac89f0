//! `voltmetrics config show`: the options a command would use, each with its source.

use super::{clap_message, config_path, configurable, merge, usage, ConfigFile};
use crate::exit_codes::Exit;
use anyhow::Result;
use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Args, Command, Subcommand, ValueEnum};
use serde_json::json;
use std::ffi::OsString;
use toml::Value;

/// Arguments of `config`.
#[derive(Debug, Args)]
pub(crate) struct ConfigArgs {
    /// What to do.
    #[command(subcommand)]
    pub(crate) action: ConfigAction,
}

/// `config` actions.
#[derive(Debug, Subcommand)]
pub(crate) enum ConfigAction {
    /// Print the options a command would run with and where each comes from (flag,
    /// environment, file, default), URL passwords hidden.
    #[command(
        after_help = "Examples:\n  voltmetrics --config nightly.toml config show\n  VOLTMETRICS_CONFIG=nightly.toml voltmetrics config show --format json run --jobs 2"
    )]
    Show(ShowArgs),
}

/// `config show` formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ShowFormat {
    /// TOML (a config file, each value's source in a comment).
    Toml,
    /// JSON: {command, file, options: {name: {value, source}}}.
    Json,
}

/// Arguments of `config show`.
#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ShowFormat::Toml)]
    pub(crate) format: ShowFormat,
    /// The config file.
    #[command(flatten)]
    pub(crate) config: ConfigFile,
    /// The command line to show the options of (inputs may be left out) [default: run].
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "COMMAND"
    )]
    pub(crate) command: Vec<String>,
}

/// One option's effective value.
struct Shown {
    name: String,
    /// `None`: unset.
    value: Option<Value>,
    source: String,
}

/// `voltmetrics config show`.
pub(crate) fn show(args: &ShowArgs, outer: &[OsString]) -> Result<Exit> {
    let root = crate::cli::command();
    let mut argv: Vec<OsString> = vec!["voltmetrics".into()];
    argv.extend(global_flags(&root, outer));
    let first = args.command.first().map(String::as_str);
    if first.is_none_or(|w| root.find_subcommand(w).is_none()) {
        argv.push("run".into());
    }
    argv.extend(args.command.iter().map(OsString::from));
    let merged = merge(&root, argv)?;
    let mut cmd = root.ignore_errors(true);
    cmd.build();
    let m = cmd
        .clone()
        .try_get_matches_from(&merged.argv)
        .map_err(|e| usage(clap_message(&e)))?;
    let mut words = Vec::new();
    let (mut c, mut cm) = (&cmd, &m);
    while let Some((name, sub_m)) = cm.subcommand() {
        let Some(sub) = c.find_subcommand(name) else {
            break;
        };
        words.push(name.to_string());
        (c, cm) = (sub, sub_m);
    }
    let global = options(c, cm, &merged.from_file, |a| a.is_global_set());
    let local = options(c, cm, &merged.from_file, |a| !a.is_global_set());
    let text = match args.format {
        ShowFormat::Toml => show_toml(&words, merged.file.as_deref(), &global, &local),
        ShowFormat::Json => show_json(&words, merged.file.as_deref(), &global, &local),
    };
    crate::cli::write_stdout(|w| Ok(w.write_all(text.as_bytes())?))?;
    Ok(Exit::Success)
}

/// The global options given on `config show`'s own command line and its config file (from
/// any level), as `--name=value` words.
fn global_flags(root: &Command, outer: &[OsString]) -> Vec<OsString> {
    let mut cmd = root.clone().ignore_errors(true);
    cmd.build();
    let Ok(m) = cmd.clone().try_get_matches_from(outer) else {
        return Vec::new();
    };
    let mut leaf = &m;
    while let Some((_, sub)) = leaf.subcommand() {
        leaf = sub;
    }
    let file = config_path(&m).map(|p| OsString::from(format!("--config={p}")));
    cmd.get_arguments()
        .filter(|a| a.is_global_set() && a.get_long().is_some())
        .filter(|a| leaf.value_source(a.get_id().as_str()) == Some(ValueSource::CommandLine))
        .filter_map(|a| {
            let v = leaf.get_raw(a.get_id().as_str())?.next()?.to_os_string();
            let mut w = OsString::from(format!("--{}=", a.get_long()?));
            w.push(v);
            Some(w)
        })
        .chain(file)
        .collect()
}

/// The configurable options of `cmd` that `keep` selects, with value and source.
fn options(
    cmd: &Command,
    m: &ArgMatches,
    from_file: &[String],
    keep: impl Fn(&Arg) -> bool,
) -> Vec<Shown> {
    cmd.get_arguments()
        .filter(|a| configurable(a) && keep(a))
        .map(|a| {
            let id = a.get_id().as_str();
            let source = match m.value_source(id) {
                _ if from_file.iter().any(|f| f == id) => "file".to_string(),
                Some(ValueSource::CommandLine) => "flag".into(),
                Some(ValueSource::EnvVariable) => format!(
                    "environment {}",
                    a.get_env().map(|e| e.to_string_lossy()).unwrap_or_default()
                ),
                Some(ValueSource::DefaultValue) => "default".into(),
                _ => "unset".into(),
            };
            Shown {
                name: a.get_long().unwrap_or_default().to_string(),
                value: value_of(a, m),
                source,
            }
        })
        .collect()
}

/// The value `m` holds for `a`, URL passwords hidden.
fn value_of(a: &Arg, m: &ArgMatches) -> Option<Value> {
    let id = a.get_id().as_str();
    match a.get_action() {
        ArgAction::SetTrue => m.get_one::<bool>(id).map(|b| Value::Boolean(*b)),
        ArgAction::Count => Some(Value::Integer(i64::from(m.get_count(id)))),
        action => {
            let raw: Vec<Value> = m
                .get_raw(id)?
                .map(|v| typed(crate::db::redact(&v.to_string_lossy())))
                .collect();
            match (action, raw.len()) {
                (_, 0) => None,
                (ArgAction::Append, _) => Some(Value::Array(raw)),
                _ => raw.into_iter().next(),
            }
        }
    }
}

/// A number when the text is one as TOML writes it, a string otherwise.
fn typed(s: String) -> Value {
    match (s.parse::<i64>(), s.parse::<f64>()) {
        (Ok(i), _) if i.to_string() == s => Value::Integer(i),
        (_, Ok(f)) if f.is_finite() && f.to_string() == s => Value::Float(f),
        _ => Value::String(s),
    }
}

/// `config show` as TOML: global options at the top, the command's in its table; unset
/// options commented out.
fn show_toml(words: &[String], file: Option<&str>, global: &[Shown], local: &[Shown]) -> String {
    let mut out = format!(
        "# Options of `voltmetrics {}`: flag > environment > file > default.\n# Config file: {}\n",
        words.join(" "),
        file.unwrap_or("none")
    );
    let section = |shown: &[Shown], out: &mut String| {
        for s in shown {
            match &s.value {
                Some(v) => out.push_str(&format!("{} = {v} # {}\n", s.name, s.source)),
                None => out.push_str(&format!("# {} = (unset)\n", s.name)),
            }
        }
    };
    section(global, &mut out);
    out.push_str(&format!("\n[{}]\n", words.join(".")));
    section(local, &mut out);
    out
}

/// `config show --format json`.
fn show_json(words: &[String], file: Option<&str>, global: &[Shown], local: &[Shown]) -> String {
    let options: serde_json::Map<String, serde_json::Value> = global
        .iter()
        .chain(local)
        .map(|s| {
            let value = s.value.as_ref().map(toml_to_json).unwrap_or_default();
            (s.name.clone(), json!({"value": value, "source": s.source}))
        })
        .collect();
    let doc = json!({"command": words.join(" "), "file": file, "options": options});
    format!("{doc:#}\n")
}

fn toml_to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Boolean(b) => json!(b),
        Value::Integer(i) => json!(i),
        Value::Float(f) => json!(f),
        Value::Array(a) => a.iter().map(toml_to_json).collect(),
        other => json!(other
            .as_str()
            .map_or_else(|| other.to_string(), str::to_string)),
    }
}
