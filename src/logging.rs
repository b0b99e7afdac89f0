//! Diagnostics on stderr: `tracing` events, filtered by `-q`/`-v` or `RUST_LOG`, rendered by
//! one layer as text (the `voltmetrics: …` lines people read) or as JSON lines (`--log-format
//! json`: timestamp, level, target, run_id, stage, fields) for log collectors.
//!
//! A run enters a `run` span carrying `run_id` and one `stage` span per stage; every line of a
//! run carries both. An event outside any span (the closing line, an error reported after the
//! stage returned it) carries the run id of the process's run and the last stage entered, so
//! a failure names the stage it happened in.

#[cfg(feature = "otlp")]
mod otlp;

use serde_json::{Map, Value};
use std::io::Write;
use std::sync::{Mutex, MutexGuard};
use tracing::field::{Field, Visit};
use tracing::{span, Event, Level, Subscriber};
use tracing_subscriber::filter::{filter_fn, FilterExt};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// `--log-format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// `voltmetrics: …` lines (the message only; fields are for JSON).
    #[default]
    Text,
    /// One JSON object per line: timestamp, level, target, run_id, stage, fields.
    Json,
}

/// The span field naming the run.
pub const RUN_ID: &str = crate::contract::history::RUN_ID.name;
/// The span field naming the stage.
pub const STAGE: &str = "stage";

/// The filter: `-q` (warnings and errors), `-v` (debug), `-vv` (trace) when given; otherwise
/// `RUST_LOG` when set (any `tracing` directive, e.g. `voltmetrics::db=debug`); otherwise info.
/// The levels of `-q`/`-v` apply to VoltMetrics' own events only. A `RUST_LOG` that does not
/// parse gives info and the reason (warned once the layer is installed).
pub fn filter(quiet: bool, verbose: u8, rust_log: Option<&str>) -> (EnvFilter, Option<String>) {
    let level = match (quiet, verbose) {
        (true, _) => "warn",
        (false, 0) => "info",
        (false, 1) => "debug",
        _ => "trace",
    };
    let own = || EnvFilter::new(format!("voltmetrics={level}"));
    match rust_log.map(str::trim).filter(|s| !s.is_empty()) {
        Some(spec) if !quiet && verbose == 0 => match EnvFilter::builder().parse(spec) {
            Ok(f) => (f, None),
            Err(e) => (own(), Some(format!("RUST_LOG={spec}: {e}; using info"))),
        },
        _ => (own(), None),
    }
}

/// Installs the stderr layer (and with the `otlp` feature and an endpoint, the exporter) as
/// the process's subscriber (once; later calls do nothing). The level filters the stderr
/// layer's events, but VoltMetrics' warnings and errors always pass (`RUST_LOG=off` does not
/// hide why a run failed) and its spans stay on (a line under `-q` still has its run id).
pub fn init(format: LogFormat, quiet: bool, verbose: u8) {
    let rust_log = std::env::var("RUST_LOG").ok();
    let (level, problem) = filter(quiet, verbose, rust_log.as_deref());
    let own = |m: &tracing::Metadata<'_>| m.target().starts_with("voltmetrics");
    let always = filter_fn(move |m| own(m) && (m.is_span() || *m.level() <= Level::WARN));
    let stderr = Stderr::new(format).with_filter(level.or(always));
    let registry = tracing_subscriber::registry().with(stderr);
    #[cfg(feature = "otlp")]
    let registry = registry.with(otlp::layer().with_filter(EnvFilter::new("voltmetrics=info")));
    let _ = registry.try_init();
    if let Some(p) = problem {
        tracing::warn!("{p}");
    }
}

/// The end of the process: sends the run's spans when OTLP export is on (feature `otlp`).
pub fn finish() {
    #[cfg(feature = "otlp")]
    otlp::flush();
}

/// The run id and stage a span or an event carries.
#[derive(Clone, Debug, Default)]
struct Tags {
    run_id: Option<String>,
    stage: Option<String>,
}

impl Tags {
    /// `other`'s tags where it has them.
    fn overlay(&mut self, other: &Tags) {
        if other.run_id.is_some() {
            self.run_id.clone_from(&other.run_id);
        }
        if other.stage.is_some() {
            self.stage.clone_from(&other.stage);
        }
    }
}

/// The fields of a span or an event, in order, with `run_id` and `stage` taken apart.
#[derive(Default)]
struct Fields {
    tags: Tags,
    map: Map<String, Value>,
}

impl Fields {
    fn put(&mut self, field: &Field, value: Value) {
        match (field.name(), value) {
            (RUN_ID, Value::String(s)) => self.tags.run_id = Some(s),
            (STAGE, Value::String(s)) => self.tags.stage = Some(s),
            (name, v) => {
                self.map.insert(name.to_string(), v);
            }
        }
    }
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.put(field, Value::String(format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, Value::String(value.to_string()));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, Value::from(value));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, Value::from(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        let v = serde_json::Number::from_f64(value)
            .map_or_else(|| value.to_string().into(), Value::Number);
        self.put(field, v);
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, Value::Bool(value));
    }
}

/// The layer writing every event to stderr, one line each.
struct Stderr {
    format: LogFormat,
    /// The run id and the stage last entered (for events outside the spans).
    last: Mutex<Tags>,
}

impl Stderr {
    fn new(format: LogFormat) -> Stderr {
        Stderr {
            format,
            last: Mutex::new(Tags::default()),
        }
    }

    fn last(&self) -> MutexGuard<'_, Tags> {
        self.last.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl<S> Layer<S> for Stderr
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
        let mut f = Fields::default();
        attrs.record(&mut f);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(f.tags);
        }
    }

    fn on_enter(&self, id: &span::Id, ctx: Context<'_, S>) {
        if let Some(tags) = ctx
            .span(id)
            .and_then(|s| s.extensions().get::<Tags>().cloned())
        {
            self.last().overlay(&tags);
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut f = Fields::default();
        event.record(&mut f);
        let mut tags = self.last().clone();
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(t) = span.extensions().get::<Tags>() {
                    tags.overlay(t);
                }
            }
        }
        tags.overlay(&f.tags);
        if tags.run_id.is_some() && tags.stage.is_none() {
            tags.stage = Some("run".into());
        }
        let meta = event.metadata();
        let line = match self.format {
            LogFormat::Text => text_line(*meta.level(), meta.target(), &f.map),
            LogFormat::Json => json_line(*meta.level(), meta.target(), &tags, f.map),
        };
        // A closed stderr loses the line; nothing else can be done with it.
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }
}

/// `voltmetrics: [warning: |error: ][target: ]message`; the fields as `k=v` when there is no
/// message.
fn text_line(level: Level, target: &str, fields: &Map<String, Value>) -> String {
    let text = match fields.get("message") {
        Some(Value::String(m)) => m.clone(),
        _ => fields
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" "),
    };
    let kind = match level {
        Level::ERROR => "error: ",
        Level::WARN => "warning: ",
        _ => "",
    };
    let origin = if target.starts_with("voltmetrics") {
        String::new()
    } else {
        format!("{target}: ")
    };
    format!("voltmetrics: {kind}{origin}{text}\n")
}

/// One JSON object: timestamp (RFC 3339, µs, UTC), level, target, run_id, stage (null outside
/// a run), fields.
fn json_line(level: Level, target: &str, tags: &Tags, fields: Map<String, Value>) -> String {
    let mut o = Map::new();
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    o.insert("timestamp".into(), now.into());
    o.insert("level".into(), level.as_str().into());
    o.insert("target".into(), target.into());
    o.insert(RUN_ID.into(), tags.run_id.clone().into());
    o.insert(STAGE.into(), tags.stage.clone().into());
    o.insert("fields".into(), Value::Object(fields));
    let mut s = Value::Object(o).to_string();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, Value)]) -> Map<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn text_lines_read_as_before() {
        let m = map(&[("message", "12 rows".into()), ("rows", 12.into())]);
        assert_eq!(
            text_line(Level::INFO, "voltmetrics::run", &m),
            "voltmetrics: 12 rows\n"
        );
        assert_eq!(
            text_line(Level::ERROR, "voltmetrics::cli", &m),
            "voltmetrics: error: 12 rows\n"
        );
        assert_eq!(
            text_line(Level::WARN, "h2::proto", &map(&[("rows", 3.into())])),
            "voltmetrics: warning: h2::proto: rows=3\n"
        );
    }

    #[test]
    fn json_lines_carry_run_and_stage() {
        let tags = Tags {
            run_id: Some("r1".into()),
            stage: Some("read".into()),
        };
        let line = json_line(
            Level::DEBUG,
            "voltmetrics::run",
            &tags,
            map(&[("rows", 3.into())]),
        );
        let v: Value = serde_json::from_str(line.trim_end()).unwrap();
        assert_eq!(v["run_id"], "r1");
        assert_eq!(v["stage"], "read");
        assert_eq!(v["level"], "DEBUG");
        assert_eq!(v["fields"]["rows"], 3);
        assert!(v["timestamp"].as_str().unwrap().ends_with('Z'));
    }

    #[test]
    fn flags_win_over_rust_log() {
        let f = |q, v, r| {
            let (f, problem) = filter(q, v, r);
            (f.to_string(), problem.is_some())
        };
        assert_eq!(f(false, 0, None), ("voltmetrics=info".into(), false));
        assert_eq!(
            f(true, 0, Some("debug")),
            ("voltmetrics=warn".into(), false)
        );
        assert_eq!(f(false, 2, None), ("voltmetrics=trace".into(), false));
        assert_eq!(
            f(false, 0, Some("voltmetrics::db=debug")),
            ("voltmetrics::db=debug".into(), false)
        );
        assert_eq!(f(false, 0, Some("  ")), ("voltmetrics=info".into(), false));
        assert_eq!(
            f(false, 0, Some("voltmetrics=verbose")),
            ("voltmetrics=info".into(), true)
        );
    }
}
