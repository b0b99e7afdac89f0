//! `--config FILE` / `VOLTMETRICS_CONFIG` (issue 15): flag > environment > file > default for
//! three options, seen by `config show` and by a real run; secrets redacted; mistakes name the
//! file and line.

use crate::common::{fixture, parse_csv, voltmetrics, FIXTURE_AS_OF};
use serde_json::Value;
use std::path::Path;

const FILE: &str = r#"# A nightly job's options.
log-format = "text"

[run]
danger-threshold = 2.5
redis-prefix = "from-file"
jobs = 1
postgres = "postgres://vm:file-secret@db.example:5432/prod"
fail-on = ["danger"]
portfolio = true

[db]
postgres = "postgres://vm:file-secret@db.example:5432/prod"
"#;

/// `config show --format json` of `run ARGS` with the file (by flag) and `env`.
fn show(config: Option<&Path>, args: &[&str], env: &[(&str, &str)]) -> Value {
    show_command(config, &[&["run"][..], args].concat(), env)
}

/// `config show --format json WORDS` with the file (by flag) and `env`.
fn show_command(config: Option<&Path>, words: &[&str], env: &[(&str, &str)]) -> Value {
    let mut cmd = voltmetrics();
    if let Some(c) = config {
        cmd.arg("--config").arg(c);
    }
    cmd.args(["config", "show", "--format", "json"]).args(words);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn option<'a>(shown: &'a Value, name: &str) -> (&'a Value, &'a str) {
    let o = &shown["options"][name];
    (&o["value"], o["source"].as_str().unwrap())
}

#[test]
fn flag_beats_environment_beats_file_beats_default() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nightly.toml");
    std::fs::write(&file, FILE).unwrap();
    // (option, flag, environment variable, env value, default, file value, flag value)
    let cases: [(&str, &str, &str, &str, Value, Value, Value); 3] = [
        (
            "danger-threshold",
            "--danger-threshold=7",
            "VOLTMETRICS_DANGER_THRESHOLD",
            "12",
            40.into(),
            2.5.into(),
            7.into(),
        ),
        (
            "redis-prefix",
            "--redis-prefix=flag",
            "VOLTMETRICS_REDIS_PREFIX",
            "env",
            "voltmetrics:".into(),
            "from-file".into(),
            "flag".into(),
        ),
        (
            "jobs",
            "-j2",
            "VOLTMETRICS_JOBS",
            "3",
            Value::Null,
            1.into(),
            2.into(),
        ),
    ];
    for (name, flag, var, env_value, default, from_file, from_flag) in cases {
        let env_typed: Value = env_value
            .parse::<i64>()
            .map_or(env_value.into(), Value::from);
        let d = show(None, &[], &[]);
        assert_eq!(option(&d, name).0, &default, "{name} default");
        assert!(["default", "unset"].contains(&option(&d, name).1), "{name}");
        let f = show(Some(&file), &[], &[]);
        assert_eq!(option(&f, name), (&from_file, "file"), "{name} file");
        let e = show(Some(&file), &[], &[(var, env_value)]);
        assert_eq!(
            option(&e, name),
            (&env_typed, format!("environment {var}").as_str()),
            "{name} env"
        );
        let fl = show(Some(&file), &[flag], &[(var, env_value)]);
        assert_eq!(option(&fl, name), (&from_flag, "flag"), "{name} flag");
        // VOLTMETRICS_CONFIG names the file as --config does.
        let via_env = show(None, &[], &[("VOLTMETRICS_CONFIG", file.to_str().unwrap())]);
        assert_eq!(
            option(&via_env, name),
            (&from_file, "file"),
            "{name} VOLTMETRICS_CONFIG"
        );
    }
}

/// Danger rows and exit code of the fixture run with the file and `extra`.
fn run_danger(file: &Path, extra: &[&str], env: &[(&str, &str)]) -> (usize, i32) {
    let mut cmd = voltmetrics();
    // `--config` as a run flag (the spec's form); `config show` uses the top-level one.
    cmd.arg("run")
        .arg(fixture("inventory.csv"))
        .arg("--config")
        .arg(file)
        .args(["--as-of", FIXTURE_AS_OF, "-q", "--format", "csv"])
        .args(extra);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let danger = parse_csv(&out.stdout)
        .iter()
        .filter(|r| r["danger"] == "true")
        .count();
    (danger, out.status.code().unwrap())
}

#[test]
fn a_run_uses_the_files_options_below_env_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nightly.toml");
    // No database in this run.
    let text: String = FILE
        .lines()
        .filter(|l| !l.starts_with("postgres"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&file, text).unwrap();
    let (at_default, _) = run_danger(&file, &["--danger-threshold", "40"], &[]);
    let (at_file, code) = run_danger(&file, &[], &[]);
    assert!(
        at_file > at_default,
        "{at_file} danger rows at 2.5, {at_default} at 40"
    );
    assert_eq!(code, 4, "fail-on danger from the file");
    let env = [("VOLTMETRICS_DANGER_THRESHOLD", "40")];
    assert_eq!(run_danger(&file, &[], &env).0, at_default);
    assert_eq!(
        run_danger(&file, &["--danger-threshold", "2.5"], &env).0,
        at_file
    );
}

#[test]
fn secrets_are_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nightly.toml");
    std::fs::write(&file, FILE).unwrap();
    for format in ["toml", "json"] {
        let out = voltmetrics()
            .arg("--config")
            .arg(&file)
            .args(["config", "show", "--format", format])
            .env(
                "VOLTMETRICS_REDIS_URL",
                "redis://:env-secret@cache.example:6379/0",
            )
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(out.status.success());
        assert!(
            !text.contains("file-secret") && !text.contains("env-secret"),
            "{text}"
        );
        assert!(
            text.contains("postgres://vm:***@db.example:5432/prod"),
            "{text}"
        );
        assert!(text.contains("redis://:***@cache.example:6379/0"), "{text}");
    }
    // The TOML is a config file again (secrets aside): it parses, sources in comments.
    let out = voltmetrics()
        .arg("--config")
        .arg(&file)
        .args(["config", "show", "db", "migrate"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let t: toml::Table = text.parse().unwrap();
    assert!(
        t["db"]["migrate"]["postgres"]
            .as_str()
            .unwrap()
            .contains("***"),
        "{text}"
    );
}

#[test]
fn mistakes_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "[run]\njobs = 1\nbogus = 2\n",
            "bad.toml:3: [run] bogus: not an option of `voltmetrics run`",
        ),
        (
            "[run]\n\njobs = 0\n",
            "bad.toml:3: [run] jobs: invalid value '0'",
        ),
        (
            "[run]\nportfolio = \"yes\"\n",
            "bad.toml:2: [run] portfolio: expected true or false",
        ),
        (
            "[labels]\nsize = \"3x3\"\n",
            "bad.toml:2: [labels] size: invalid value '3x3'",
        ),
        (
            "[nothing]\nx = 1\n",
            "bad.toml:1: nothing: not an option of `voltmetrics`",
        ),
        ("[run\n", "bad.toml"),
        // The top level takes only global options.
        (
            "format = \"csv\"\n",
            "bad.toml:1: format: not an option of `voltmetrics` (options: log-format)",
        ),
        // A header with a comment and spaces is still found.
        (
            "[ run ]  # nightly\n\njobs = -1\n",
            "bad.toml:3: [run] jobs: invalid value '-1'",
        ),
    ];
    let file = dir.path().join("bad.toml");
    for (text, expected) in cases {
        std::fs::write(&file, text).unwrap();
        let out = voltmetrics()
            .arg("--config")
            .arg(&file)
            .args(["run", "x.csv"])
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{text}: {stderr}");
        assert!(stderr.contains(expected), "{text}: {stderr}");
    }
    let out = voltmetrics()
        .args(["--config", "/nonexistent/voltmetrics.toml", "run", "x.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--config /nonexistent/voltmetrics.toml"));
}

#[test]
fn the_man_pages_example_is_a_valid_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("voltmetrics.toml");
    std::fs::write(&file, voltmetrics::cli::config::EXAMPLE).unwrap();
    for command in [&["run"][..], &["db", "migrate"]] {
        let shown = show_command(Some(&file), command, &[]);
        assert_eq!(option(&shown, "postgres").1, "file");
        assert_eq!(option(&shown, "log-format"), (&Value::from("json"), "file"));
    }
}

#[test]
fn the_file_never_echoes_a_password_and_names_itself_in_clap_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.toml");
    let run = |text: &str, args: &[&str]| {
        std::fs::write(&file, text).unwrap();
        let out = voltmetrics()
            .arg("--config")
            .arg(&file)
            .args(args)
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8(out.stderr).unwrap())
    };
    // A syntax error on a line with a password: the line is not quoted back.
    let (code, stderr) = run(
        "[run]\npostgres = postgres://vm:s3cret@db/x\n",
        &["run", "x.csv"],
    );
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("c.toml:2: ") && !stderr.contains("s3cret"),
        "{stderr}"
    );
    // An option from the file that needs another: clap's error, then which options the file
    // added (URL passwords hidden).
    let (code, stderr) = run(
        "[run]\nseed = 7\nredis = \"redis://:s3cret@h/\"\n",
        &["run", "x.csv"],
    );
    assert_eq!(code, Some(2));
    assert!(stderr.contains("--uncertainty"), "{stderr}");
    assert!(
        stderr.contains("options added from the config file"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--seed=7") && !stderr.contains("s3cret"),
        "{stderr}"
    );
    // Commands without options do not read it (a missing file does not break completions).
    let out = voltmetrics()
        .args(["completions", "bash"])
        .env("VOLTMETRICS_CONFIG", "/nonexistent/voltmetrics.toml")
        .output()
        .unwrap();
    assert!(out.status.success());
}

#[test]
fn verbose_on_the_command_line_beats_quiet_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.toml");
    std::fs::write(&file, "[run]\nquiet = true\n").unwrap();
    let stderr = |extra: &[&str]| {
        let out = voltmetrics()
            .arg("run")
            .arg(fixture("inventory.csv"))
            .args([
                "--as-of",
                FIXTURE_AS_OF,
                "--format",
                "csv",
                "-o",
                "/dev/null",
                "--config",
            ])
            .arg(&file)
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stderr).unwrap()
    };
    assert_eq!(stderr(&[]), "", "quiet from the file");
    assert!(stderr(&["-v"]).contains("voltmetrics: stages: "), "-v wins");
}
