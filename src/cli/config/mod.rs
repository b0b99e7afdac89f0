//! `--config FILE` (or `VOLTMETRICS_CONFIG`): the options a nightly job fixes, from a TOML
//! file, below the command line and the environment — flag > environment > file > default —
//! and `voltmetrics config show` ([`show`]), which prints what a command would use; its man
//! page is [`man`].
//!
//! The file's top-level keys are global options (`log-format`); its tables are subcommands
//! (`[run]`, `[validate]`, `[labels]`, `[report]`, `[history]`, `[db]` for every `db` action,
//! `[db.migrate]` for one), keyed by long option names (`redis-prefix` or `redis_prefix`). A
//! value becomes `--name=value` on the command line when neither the command line nor the
//! option's environment variable gave it: `true` adds a flag, an array repeats the option, a
//! number counts `-v`. Inputs stay on the command line. Every key and value is checked (the
//! option's own parser) whichever command runs, and a mistake names the file and line.

mod man;
mod show;

pub use man::{man_page, EXAMPLE};
pub(crate) use show::{show, ConfigAction, ConfigArgs};

use super::UsageError;
use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Args, Command};
use std::ffi::OsString;
use toml::{Table, Value};

/// The variable naming the file when `--config` is not given.
pub(crate) const CONFIG_ENV: &str = "VOLTMETRICS_CONFIG";

/// The id of `--config` (calc's `--config` is the electrode configuration).
const ID: &str = "config_file";

/// Commands the file is not read for: `config show` reads it itself, for the command it is
/// asked about; the others have no options a job would fix.
const NO_OPTIONS: [&str; 6] = ["config", "completions", "man", "schema", "mappings", "help"];

/// Options given together: one on the command line keeps the file from setting the others.
const TOGETHER: [&[&str]; 1] = [&["quiet", "verbose"]];

/// Options (ids) that are not read from the file.
const NOT_CONFIGURABLE: [&str; 3] = ["help", "version", ID];

/// `--config FILE`, on the top level (`voltmetrics --config F db migrate`) and on the commands
/// that run (`voltmetrics run --config F …`).
#[derive(Clone, Debug, Default, Args)]
pub(crate) struct ConfigFile {
    /// Read options from this TOML file (voltmetrics-config(5)): the command line and the
    /// environment win over it, it wins over the defaults.
    #[arg(id = ID, long = "config", value_name = "FILE", env = CONFIG_ENV)]
    pub(crate) path: Option<String>,
}

/// The file named by `--config` (the deepest command's) or `VOLTMETRICS_CONFIG`.
fn config_path(m: &ArgMatches) -> Option<String> {
    let mut found: Option<(bool, String)> = None;
    let mut level = Some(m);
    while let Some(lm) = level {
        if let Ok(Some(p)) = lm.try_get_one::<String>(ID) {
            let flag = lm.value_source(ID) == Some(ValueSource::CommandLine);
            if flag || found.is_none() {
                found = Some((flag, p.clone()));
            }
        }
        level = lm.subcommand().map(|(_, s)| s);
    }
    found.map(|(_, p)| p)
}

/// The command line with the file's options, and which options the file set.
pub(crate) struct Merged {
    /// The command line to parse.
    pub(crate) argv: Vec<OsString>,
    /// The file, when one was given.
    pub(crate) file: Option<String>,
    /// Ids of the options the file set (global and the subcommand's).
    pub(crate) from_file: Vec<String>,
    /// The words the file added to the command line.
    pub(crate) added: Vec<String>,
}

fn usage(msg: String) -> UsageError {
    UsageError(msg)
}

/// Adds the config file's options to `argv` (unchanged without a file, or when the command
/// line does not parse far enough to tell the subcommand: clap reports that).
pub(crate) fn merge(cmd: &Command, argv: Vec<OsString>) -> Result<Merged, UsageError> {
    let unchanged = |argv| Merged {
        argv,
        file: None,
        from_file: Vec::new(),
        added: Vec::new(),
    };
    let mut cmd = cmd.clone().ignore_errors(true);
    cmd.build();
    let Ok(m) = cmd.clone().try_get_matches_from(&argv) else {
        return Ok(unchanged(argv));
    };
    if m.subcommand_name().is_none_or(|s| NO_OPTIONS.contains(&s)) {
        return Ok(unchanged(argv));
    }
    let Some(path) = config_path(&m) else {
        return Ok(unchanged(argv));
    };
    let text =
        std::fs::read_to_string(&path).map_err(|e| usage(format!("--config {path}: {e}")))?;
    // toml's own message quotes the line, which may hold a password: line and message only.
    let table: Table = toml::from_str(&text).map_err(|e: toml::de::Error| {
        let line = e.span().map_or(0, |s| {
            text[..s.start.min(text.len())].lines().count().max(1)
        });
        usage(format!("--config {path}:{line}: {}", e.message().trim()))
    })?;
    let file = File {
        path: &path,
        text: &text,
    };
    file.check(&cmd, &[], &table)?;
    let mut added = Vec::new();
    let mut from_file = Vec::new();
    // The invoked command and its parents, root first, with their tables.
    let mut level = (&cmd, &m, Some(&table), Vec::<String>::new());
    let mut tables: Vec<(Vec<String>, &Table)> = vec![(Vec::new(), &table)];
    while let Some((name, sub_m)) = level.1.subcommand() {
        let Some(sub) = level.0.find_subcommand(name) else {
            break;
        };
        let mut path_names = level.3.clone();
        path_names.push(name.to_string());
        let t = level.2.and_then(|t| t.get(name)).and_then(Value::as_table);
        if let Some(t) = t {
            tables.push((path_names.clone(), t));
        }
        level = (sub, sub_m, t, path_names);
    }
    // The root's keys are global options (which the built command gives every subcommand);
    // a subcommand's keys apply to the invoked command; the deepest table wins.
    let (leaf, leaf_m) = (level.0, level.1);
    for (section, t) in tables.iter().rev() {
        file.apply(leaf, leaf_m, section, t, &mut from_file, &mut added)?;
    }
    let words = added
        .iter()
        .map(|w| w.to_string_lossy().into_owned())
        .collect();
    Ok(Merged {
        argv: insert(argv, added),
        file: Some(path),
        from_file,
        added: words,
    })
}

/// `argv` with `added` before a `--` (after which every word is an input), else at the end.
fn insert(mut argv: Vec<OsString>, added: Vec<OsString>) -> Vec<OsString> {
    let at = argv.iter().position(|a| a == "--").unwrap_or(argv.len());
    argv.splice(at..at, added);
    argv
}

/// The config file being read.
struct File<'a> {
    path: &'a str,
    text: &'a str,
}

impl File<'_> {
    /// `path:line` of `key` in the table `section` (`path` when it cannot be found).
    fn at(&self, section: &[String], key: &str) -> String {
        let mut current = String::new();
        let wanted = section.join(".");
        for (i, line) in self.text.lines().enumerate() {
            let l = line.trim();
            if let Some(h) = l.strip_prefix('[') {
                // `[ db . migrate ]  # comment` is `db.migrate`.
                let h = h.split(']').next().unwrap_or_default();
                current = h.split('.').map(str::trim).collect::<Vec<_>>().join(".");
                // The key may be a table of its own: `[run]`, `[db.migrate]`.
                let table = section.iter().map(String::as_str).chain([key]);
                if current == table.collect::<Vec<_>>().join(".") {
                    return format!("{}:{}", self.path, i + 1);
                }
            } else if current == wanted
                && [key.to_string(), format!("\"{key}\"")].iter().any(|k| {
                    l.strip_prefix(k.as_str())
                        .is_some_and(|r| r.trim_start().starts_with('='))
                })
            {
                return format!("{}:{}", self.path, i + 1);
            }
        }
        self.path.to_string()
    }

    /// Every key of `t` is an option of `cmd` (or, for a command with actions, of one of
    /// them) or a table of a subcommand, and every value parses.
    fn check(&self, cmd: &Command, section: &[String], t: &Table) -> Result<(), UsageError> {
        for (key, value) in t {
            let here = || format!("{}: {}", self.at(section, key), title(section, key));
            if let (Value::Table(sub_t), Some(sub)) = (value, cmd.find_subcommand(key)) {
                if sub.get_name() == "config" || sub.get_name() == "help" {
                    return Err(usage(format!(
                        "{}: no options are read for `{key}`",
                        here()
                    )));
                }
                let mut s = section.to_vec();
                s.push(key.clone());
                self.check(sub, &s, sub_t)?;
                continue;
            }
            // The top level takes only global options; a table, its command's (or its actions').
            let found = match section.is_empty() {
                true => option(cmd, key).filter(|a| a.is_global_set()),
                false => candidates(cmd).into_iter().find_map(|c| option(c, key)),
            };
            let Some(arg) = found else {
                return Err(usage(format!(
                    "{}: not an option of `{}` (options: {})",
                    here(),
                    command_words(section),
                    accepted(cmd, section.is_empty()).join(", ")
                )));
            };
            tokens(arg, value).map_err(|e| usage(format!("{}: {e}", here())))?;
        }
        Ok(())
    }

    /// Adds the options of `t` that `m` did not get from the command line or the environment.
    fn apply(
        &self,
        cmd: &Command,
        m: &ArgMatches,
        section: &[String],
        t: &Table,
        from_file: &mut Vec<String>,
        added: &mut Vec<OsString>,
    ) -> Result<(), UsageError> {
        for (key, value) in t {
            let Some(arg) = option(cmd, key).filter(|_| !value.is_table()) else {
                continue;
            };
            let id = arg.get_id().as_str().to_string();
            let given = |id: &str| {
                matches!(
                    m.value_source(id),
                    Some(ValueSource::CommandLine | ValueSource::EnvVariable)
                )
            };
            let group = TOGETHER.iter().find(|g| g.contains(&id.as_str()));
            let given = group.map_or_else(|| given(&id), |g| g.iter().any(|i| given(i)));
            if given || from_file.contains(&id) {
                continue;
            }
            let words = tokens(arg, value).map_err(|e| {
                usage(format!(
                    "{}: {}: {e}",
                    self.at(section, key),
                    title(section, key)
                ))
            })?;
            added.extend(words.into_iter().map(OsString::from));
            from_file.push(id);
        }
        Ok(())
    }
}

/// `[run] jobs` or `log-format` (top level).
fn title(section: &[String], key: &str) -> String {
    if section.is_empty() {
        key.to_string()
    } else {
        format!("[{}] {key}", section.join("."))
    }
}

/// `voltmetrics run`, `voltmetrics db migrate`.
fn command_words(section: &[String]) -> String {
    std::iter::once("voltmetrics")
        .chain(section.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The commands whose options a table of `cmd` may set: `cmd`, or its actions (`db`).
fn candidates(cmd: &Command) -> Vec<&Command> {
    if cmd.has_subcommands()
        && cmd
            .get_arguments()
            .all(|a| !configurable(a) || a.is_global_set())
    {
        cmd.get_subcommands().collect()
    } else {
        vec![cmd]
    }
}

/// Options a file may set: long options other than help, version and `--config`.
fn configurable(a: &Arg) -> bool {
    a.get_long().is_some() && !NOT_CONFIGURABLE.contains(&a.get_id().as_str())
}

/// The option of `cmd` named `key` (`_` read as `-`).
fn option<'c>(cmd: &'c Command, key: &str) -> Option<&'c Arg> {
    let key = key.replace('_', "-");
    cmd.get_arguments()
        .find(|a| configurable(a) && a.get_long() == Some(key.as_str()))
}

/// The option names a table of `cmd` accepts (the top level: global ones), sorted.
fn accepted(cmd: &Command, top: bool) -> Vec<String> {
    let commands = if top { vec![cmd] } else { candidates(cmd) };
    let mut names: Vec<String> = commands
        .iter()
        .flat_map(|c| c.get_arguments())
        .filter(|a| configurable(a) && (!top || a.is_global_set()))
        .filter_map(|a| a.get_long().map(str::to_string))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The command-line words of `value` for `arg`, each value checked by the option's parser.
fn tokens(arg: &Arg, value: &Value) -> Result<Vec<String>, String> {
    let long = arg.get_long().unwrap_or_default();
    let values: Vec<String> = match (arg.get_action(), value) {
        (ArgAction::SetTrue, Value::Boolean(b)) => {
            return Ok(if *b {
                vec![format!("--{long}")]
            } else {
                vec![]
            })
        }
        (ArgAction::Count, Value::Integer(n)) if (0..=8).contains(n) => {
            return Ok(vec![format!("--{long}"); *n as usize])
        }
        (ArgAction::SetTrue, _) => return Err("expected true or false".into()),
        (ArgAction::Count, _) => return Err("expected a count from 0 to 8".into()),
        (ArgAction::Append, Value::Array(items)) => {
            items.iter().map(scalar).collect::<Result<_, _>>()?
        }
        (_, v) => vec![scalar(v)?],
    };
    let words: Vec<String> = values.iter().map(|v| format!("--{long}={v}")).collect();
    // The option's own parser, on a command of this option alone (its links to other
    // options dropped).
    let alone = arg
        .clone()
        .required(false)
        .global(false)
        .env(None)
        .requires(clap::builder::Resettable::Reset)
        .required_unless_present(clap::builder::Resettable::Reset)
        .conflicts_with(clap::builder::Resettable::Reset);
    Command::new("voltmetrics")
        .no_binary_name(true)
        .disable_help_flag(true)
        .disable_version_flag(true)
        .arg(alone)
        .try_get_matches_from(&words)
        .map_err(|e| clap_message(&e))?;
    Ok(words)
}

/// A single TOML value as the command line would spell it.
fn scalar(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Integer(i) => Ok(i.to_string()),
        Value::Float(f) => Ok(f.to_string()),
        Value::Boolean(b) => Ok(b.to_string()),
        Value::Datetime(d) => Ok(d.to_string()),
        Value::Array(_) => Err("expected one value, not an array".into()),
        Value::Table(_) => Err("expected a value, not a table".into()),
    }
}

/// The first line of a clap error without its `error: ` prefix.
fn clap_message(e: &clap::Error) -> String {
    let text = e.to_string();
    let first = text.lines().next().unwrap_or_default();
    first.strip_prefix("error: ").unwrap_or(first).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_options_stay_before_a_double_dash() {
        let v = |s: &[&str]| s.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            insert(v(&["vm", "run", "--", "-a.csv"]), v(&["--jobs=2"])),
            v(&["vm", "run", "--jobs=2", "--", "-a.csv"])
        );
        assert_eq!(
            insert(v(&["vm", "run"]), v(&["--x"])),
            v(&["vm", "run", "--x"])
        );
    }

    #[test]
    fn keys_are_found_by_line() {
        let f = File {
            path: "c.toml",
            text: "log-format = \"json\"\n[run]\n# jobs = 1\njobs = 2\n[db.migrate]\njobs = 3\n",
        };
        assert_eq!(f.at(&[], "log-format"), "c.toml:1");
        assert_eq!(f.at(&["run".into()], "jobs"), "c.toml:4");
        assert_eq!(f.at(&["db".into(), "migrate".into()], "jobs"), "c.toml:6");
        assert_eq!(f.at(&["run".into()], "nothing"), "c.toml");
    }
}
