//! The shape of the code: the layers import downwards only, functions stay short, and the
//! column contract is the only place that spells a column name; `docs/contract.md` and
//! `voltmetrics schema` follow the contract.

use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn rel(p: &Path) -> String {
    p.strip_prefix(src()).unwrap().display().to_string()
}

#[test]
fn io_db_and_cache_do_not_import_the_pipeline() {
    let mut offenders = Vec::new();
    for layer in ["io", "db", "cache", "contract", "core"] {
        for f in rust_files(&src().join(layer)) {
            let text = std::fs::read_to_string(&f).unwrap();
            for (n, line) in text.lines().enumerate() {
                if line.contains("crate::pipeline") && !line.trim_start().starts_with("//") {
                    offenders.push(format!("{}:{}: {}", rel(&f), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:#?}");
}

#[test]
fn the_contract_depends_on_nothing_else_in_the_crate() {
    for f in rust_files(&src().join("contract")) {
        let text = std::fs::read_to_string(&f).unwrap();
        for line in text.lines().filter(|l| l.contains("crate::")) {
            assert!(
                line.contains("$crate::contract") || line.trim_start().starts_with("//"),
                "{}: {line}",
                rel(&f)
            );
        }
    }
}

/// The brace depth change of a line, ignoring braces in string and char literals and comments.
fn depth_change(line: &str) -> i32 {
    let (mut d, mut in_str, mut prev) = (0, false, ' ');
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if prev != '\\' => in_str = !in_str,
            '/' if !in_str && chars.peek() == Some(&'/') => break,
            '\'' if !in_str => {
                // A char literal such as '{' (not a lifetime).
                let rest: String = chars.clone().take(3).collect();
                if rest.len() >= 2 && rest.chars().nth(1) == Some('\'') {
                    chars.next();
                    chars.next();
                }
            }
            '{' if !in_str => d += 1,
            '}' if !in_str => d -= 1,
            _ => {}
        }
        prev = c;
    }
    d
}

/// Functions longer than `max` lines, as `file:line name (lines)`.
fn long_functions(max: usize) -> Vec<String> {
    let mut out = Vec::new();
    for f in rust_files(&src()) {
        if f.ends_with("tables.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            let is_fn = [
                "fn ",
                "pub fn ",
                "pub(crate) fn ",
                "pub(super) fn ",
                "const fn ",
                "pub const fn ",
            ]
            .iter()
            .any(|p| t.starts_with(p));
            if !is_fn || t.ends_with(';') {
                continue;
            }
            // Find the body's end: the depth returns to where it was before the body opened.
            let mut depth = 0;
            let mut opened = false;
            for (j, l) in lines.iter().enumerate().skip(i) {
                depth += depth_change(l);
                opened |= depth > 0;
                if opened && depth <= 0 {
                    let n = j - i + 1;
                    if n > max {
                        let name = t
                            .split("fn ")
                            .nth(1)
                            .unwrap_or(t)
                            .split('(')
                            .next()
                            .unwrap_or(t);
                        out.push(format!("{}:{} {name} ({n} lines)", rel(&f), i + 1));
                    }
                    break;
                }
            }
        }
    }
    out
}

#[test]
fn no_function_is_longer_than_80_lines() {
    let long = long_functions(80);
    assert!(long.is_empty(), "{long:#?}");
}

/// Every column name of every table of the contract.
fn contract_names() -> Vec<&'static str> {
    use voltmetrics::contract::*;
    let mut names: Vec<&str> = input::names()
        .chain(results::names())
        .chain(summary::names())
        .chain(history::names())
        .chain(run_status::names())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

#[test]
fn only_the_contract_spells_a_column_name() {
    let names = contract_names();
    let mut offenders = Vec::new();
    for f in rust_files(&src()) {
        let r = rel(&f);
        if r.starts_with("contract") {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        // Unit tests at the end of a file may name what they check.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (n, line) in code.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for name in &names {
                if line.contains(&format!("\"{name}\"")) {
                    offenders.push(format!("{r}:{}: {name}", n + 1));
                }
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:#?}");
}

#[test]
fn docs_contract_md_is_generated_from_the_contract() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/contract.md");
    let generated = voltmetrics::cli::docs::contract_md();
    if std::env::var_os("VOLTMETRICS_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/contract.md is stale: run `VOLTMETRICS_BLESS=1 cargo test` and commit the result"
    );
}

#[test]
fn schema_output_follows_the_contract() {
    use voltmetrics::contract::{input, results, summary, Column};
    for (table, columns) in [
        ("input", input::ALL),
        ("output", results::ALL),
        ("summary", summary::ALL),
    ] {
        let out = crate::common::voltmetrics()
            .args(["schema", table])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let props: Vec<&str> = v["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let want: Vec<&str> = columns.iter().map(|c: &Column| c.name).collect();
        assert_eq!(props, want, "{table}");
        for c in columns {
            let p = &v["properties"][c.name];
            let nullable = p.to_string().contains("null");
            if table != "input" {
                assert_eq!(nullable, c.nullable, "{table}.{}: {p}", c.name);
            }
        }
    }
}
