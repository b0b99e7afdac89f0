//! OpenTelemetry export (cargo feature `otlp`, off by default; no dependency added): the run's
//! spans — `run` and its stages, with their events — sent once at the end of the process as
//! OTLP/HTTP JSON to `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or `OTEL_EXPORTER_OTLP_ENDPOINT` +
//! `/v1/traces`. Plain `http://` only (no TLS in the binary: send to a collector on the same
//! host or pod, which forwards). The trace id is the run id (a UUID is 16 bytes, as a trace id).
//! Without an endpoint the layer is not installed.

use super::{Fields, Tags};
use serde_json::{json, Map, Value};
use std::io::{Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tracing::{span, Event, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

/// Spans ended and not yet sent.
static FINISHED: Mutex<Vec<Value>> = Mutex::new(Vec::new());
/// The endpoint, once the layer is installed.
static ENDPOINT: Mutex<Option<String>> = Mutex::new(None);
/// The last error logged (the run's failure): the run span's status.
static ERROR: Mutex<Option<String>> = Mutex::new(None);
/// Span ids, unique within the process (never 0).
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A span being recorded.
struct Open {
    id: u64,
    parent: Option<u64>,
    trace: Option<String>,
    name: &'static str,
    start: u128,
    attributes: Map<String, Value>,
    events: Vec<Value>,
}

/// The layer, when an endpoint is set.
pub(super) fn layer() -> Option<Otlp> {
    let endpoint = std::env::var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        .ok()
        .filter(|e| !e.is_empty())
        .or_else(|| {
            std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT")
                .ok()
                .filter(|e| !e.is_empty())
                .map(|e| format!("{}/v1/traces", e.trim_end_matches('/')))
        })?;
    *ENDPOINT.lock().unwrap_or_else(|p| p.into_inner()) = Some(endpoint);
    Some(Otlp)
}

/// Records spans for export.
pub(super) struct Otlp;

fn now_nanos() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// OTLP's attribute list of a field map.
fn attributes(map: &Map<String, Value>) -> Value {
    map.iter()
        .map(|(k, v)| {
            let value = match v {
                Value::Bool(b) => json!({"boolValue": b}),
                Value::Number(n) if n.is_i64() || n.is_u64() => json!({"intValue": n.to_string()}),
                Value::Number(n) => json!({"doubleValue": n.as_f64()}),
                Value::String(s) => json!({"stringValue": s}),
                other => json!({"stringValue": other.to_string()}),
            };
            json!({"key": k, "value": value})
        })
        .collect()
}

impl<S> Layer<S> for Otlp
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut f = Fields::default();
        attrs.record(&mut f);
        let parent = span.parent();
        let parent_open = parent.as_ref().and_then(|p| {
            p.extensions()
                .get::<Open>()
                .map(|o| (o.id, o.trace.clone()))
        });
        let Tags { run_id, stage } = f.tags;
        let mut attributes = f.map;
        if let Some(r) = &run_id {
            attributes.insert(super::RUN_ID.into(), r.clone().into());
        }
        if let Some(s) = stage {
            attributes.insert(super::STAGE.into(), s.into());
        }
        let trace = run_id
            .map(|r| r.replace('-', ""))
            .or_else(|| parent_open.as_ref().and_then(|p| p.1.clone()));
        span.extensions_mut().insert(Open {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            parent: parent_open.map(|p| p.0),
            trace,
            name: span.metadata().name(),
            start: now_nanos(),
            attributes,
            events: Vec::new(),
        });
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut f = Fields::default();
        event.record(&mut f);
        if *event.metadata().level() == tracing::Level::ERROR {
            if let Some(Value::String(m)) = f.map.get("message") {
                *ERROR.lock().unwrap_or_else(|p| p.into_inner()) = Some(m.clone());
            }
        }
        let Some(span) = ctx.event_span(event) else {
            return;
        };
        let name = match f.map.remove("message") {
            Some(Value::String(m)) => m,
            _ => event.metadata().name().to_string(),
        };
        f.map
            .insert("level".into(), event.metadata().level().as_str().into());
        let mut ext = span.extensions_mut();
        if let Some(open) = ext.get_mut::<Open>() {
            open.events.push(json!({
                "timeUnixNano": now_nanos().to_string(),
                "name": name,
                "attributes": attributes(&f.map),
            }));
        }
    }

    fn on_close(&self, id: span::Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else { return };
        let Some(open) = span.extensions_mut().remove::<Open>() else {
            return;
        };
        // Only a run's spans are a trace.
        let Some(trace) = open.trace else { return };
        let mut s = json!({
            "traceId": trace,
            "spanId": format!("{:016x}", open.id),
            "name": open.name,
            "kind": 1,
            "startTimeUnixNano": open.start.to_string(),
            "endTimeUnixNano": now_nanos().to_string(),
            "attributes": attributes(&open.attributes),
            "events": open.events,
        });
        if let Some(p) = open.parent {
            s["parentSpanId"] = format!("{p:016x}").into();
        }
        FINISHED.lock().unwrap_or_else(|p| p.into_inner()).push(s);
    }
}

/// OTLP's span status (code 2: error).
#[derive(serde::Serialize)]
struct SpanStatus {
    code: u8,
    message: String,
}

/// The fields a failed run's span gets.
#[derive(serde::Serialize)]
struct Failed {
    status: SpanStatus,
}

/// Sends the ended spans (once, at the end of the process); a failure is a warning.
pub(super) fn flush() {
    let Some(endpoint) = ENDPOINT.lock().unwrap_or_else(|p| p.into_inner()).clone() else {
        return;
    };
    let mut spans = std::mem::take(&mut *FINISHED.lock().unwrap_or_else(|p| p.into_inner()));
    if spans.is_empty() {
        return;
    }
    // A failed run: its span's status is an error with the message (OTLP STATUS_CODE_ERROR).
    if let Some(message) = ERROR.lock().unwrap_or_else(|p| p.into_inner()).take() {
        let failed = Failed {
            status: SpanStatus { code: 2, message },
        };
        if let Ok(Value::Object(fields)) = serde_json::to_value(&failed) {
            for s in spans.iter_mut().filter(|s| s["name"] == "run") {
                if let Some(o) = s.as_object_mut() {
                    o.extend(fields.clone());
                }
            }
        }
    }
    let service = std::env::var("OTEL_SERVICE_NAME").unwrap_or_else(|_| "voltmetrics".into());
    let body = json!({"resourceSpans": [{
        "resource": {"attributes": [
            {"key": "service.name", "value": {"stringValue": service}},
            {"key": "service.version", "value": {"stringValue": crate::VERSION}},
        ]},
        "scopeSpans": [{"scope": {"name": "voltmetrics", "version": crate::VERSION}, "spans": spans}],
    }]});
    if let Err(e) = post(&endpoint, body.to_string().as_bytes()) {
        tracing::warn!("OTLP export to {}: {e}", crate::db::redact(&endpoint));
    }
}

/// `host:port`: the port given after the host (or after an IPv6 address's `]`), else 80.
fn authority(host: &str) -> String {
    let has_port = match host.rsplit_once(':') {
        Some((h, _)) => !host.ends_with(']') && (!h.contains(':') || h.ends_with(']')),
        None => false,
    };
    if has_port {
        host.to_string()
    } else {
        format!("{host}:80")
    }
}

/// POSTs `body` as JSON to an `http://host[:port]/path` URL (every address the host
/// resolves to tried in turn, 3 s to connect, 10 s to send or answer); an error unless 2xx.
fn post(url: &str, body: &[u8]) -> Result<(), String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or("only http:// endpoints are supported (send to a local collector)")?;
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let addrs =
        std::net::ToSocketAddrs::to_socket_addrs(&authority(host)).map_err(|e| e.to_string())?;
    let mut last = "no address".to_string();
    let mut stream = None;
    for addr in addrs {
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(3)) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = format!("{addr}: {e}"),
        }
    }
    let mut stream = stream.ok_or(last)?;
    let timeout = Some(Duration::from_secs(10));
    stream
        .set_read_timeout(timeout)
        .and_then(|_| stream.set_write_timeout(timeout))
        .map_err(|e| e.to_string())?;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .and_then(|_| stream.write_all(body))
        .map_err(|e| e.to_string())?;
    // The status line: `HTTP/1.1 200 OK`.
    let mut reply = [0u8; 64];
    let n = stream.read(&mut reply).map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&reply[..n]);
    let line = text.lines().next().unwrap_or_default();
    match line.split_whitespace().nth(1) {
        Some(status) if status.starts_with('2') => Ok(()),
        _ => Err(format!("the collector answered {line:?}")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_port_defaults_to_80() {
        for (host, want) in [
            ("collector:4318", "collector:4318"),
            ("collector", "collector:80"),
            ("[::1]:4318", "[::1]:4318"),
            ("[::1]", "[::1]:80"),
        ] {
            assert_eq!(super::authority(host), want);
        }
    }
}
