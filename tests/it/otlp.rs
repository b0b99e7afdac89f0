//! OTLP export (cargo feature `otlp`; `.ci/run` runs these with `--features otlp`): a run's
//! spans reach a collector — here a one-request HTTP server — as OTLP/HTTP JSON, the trace id
//! being the run id and every stage a child of the run.

use crate::common::{fixture, voltmetrics, FIXTURE_AS_OF, RUN_STAGES};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};

/// Accepts one request (within 30 s) on `listener`, answers 200, returns (request line, body).
fn one_request(listener: std::net::TcpListener) -> std::thread::JoinHandle<(String, Vec<u8>)> {
    std::thread::spawn(move || {
        listener.set_nonblocking(true).unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let stream = loop {
            match listener.accept() {
                Ok((s, _)) => break s,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    assert!(std::time::Instant::now() < deadline, "no request came");
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                Err(e) => panic!("{e}"),
            }
        };
        stream.set_nonblocking(false).unwrap();
        let mut reader = BufReader::new(stream);
        let mut request_line = String::new();
        reader.read_line(&mut request_line).unwrap();
        let mut length = 0usize;
        loop {
            let mut h = String::new();
            reader.read_line(&mut h).unwrap();
            if h.trim().is_empty() {
                break;
            }
            if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let mut stream = reader.into_inner();
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            .unwrap();
        (request_line, body)
    })
}

#[test]
fn a_runs_spans_reach_the_collector() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = one_request(listener);
    let out = voltmetrics()
        .args(["run", fixture("inventory.csv").to_str().unwrap()])
        .args([
            "--as-of",
            FIXTURE_AS_OF,
            "--log-format",
            "json",
            "--format",
            "csv",
            "-o",
            "/dev/null",
        ])
        .env(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            format!("http://127.0.0.1:{port}"),
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: Value =
        serde_json::from_slice(out.stderr.split(|b| *b == b'\n').next().unwrap()).unwrap();
    let run_id = log["run_id"].as_str().unwrap().replace('-', "");
    let (request, body) = server.join().unwrap();
    assert!(request.starts_with("POST /v1/traces HTTP/1.1"), "{request}");
    let doc: Value = serde_json::from_slice(&body).unwrap();
    let spans = doc["resourceSpans"][0]["scopeSpans"][0]["spans"]
        .as_array()
        .unwrap();
    let run = spans
        .iter()
        .find(|s| s["name"] == "run")
        .expect("the run span");
    let stages: Vec<&str> = spans
        .iter()
        .filter(|s| s["name"] == "stage")
        .map(|s| {
            assert_eq!(s["parentSpanId"], run["spanId"], "{s}");
            let attr = s["attributes"].as_array().unwrap();
            let stage = attr.iter().find(|a| a["key"] == "stage").unwrap();
            stage["value"]["stringValue"].as_str().unwrap()
        })
        .collect();
    for s in spans {
        assert_eq!(s["traceId"], run_id.as_str(), "{s}");
        let (start, end) = (
            s["startTimeUnixNano"].as_str().unwrap(),
            s["endTimeUnixNano"].as_str().unwrap(),
        );
        assert!(start.parse::<u128>().unwrap() <= end.parse::<u128>().unwrap());
    }
    for s in RUN_STAGES {
        assert!(stages.contains(&s), "{s} in {stages:?}");
    }
    assert_eq!(
        doc["resourceSpans"][0]["resource"]["attributes"][0]["value"]["stringValue"],
        "voltmetrics"
    );
}

#[test]
fn a_failed_runs_span_has_the_error_status() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = one_request(listener);
    let out = voltmetrics()
        .args(["run", "/nonexistent/inventory.csv", "-q"])
        .env(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            format!("http://127.0.0.1:{port}/"),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let (_, body) = server.join().unwrap();
    let doc: Value = serde_json::from_slice(&body).unwrap();
    let spans = doc["resourceSpans"][0]["scopeSpans"][0]["spans"]
        .as_array()
        .unwrap();
    let run = spans.iter().find(|s| s["name"] == "run").unwrap();
    assert_eq!(run["status"]["code"], 2);
    assert!(run["status"]["message"]
        .as_str()
        .unwrap()
        .contains("/nonexistent/inventory.csv"));
}
