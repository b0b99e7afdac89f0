//! The run's progress as the outside sees it: the Redis run status (when Redis is given), the
//! interrupt hook that marks the run failed, the stage spans (`tracing`) and timings.

use super::Config;
use crate::cache::{mark_failed, Cache, RunStatus};
use crate::contract::run_status as RS;
use crate::interrupt::OnInterrupt;
use anyhow::{Context, Result};
use std::time::Instant;

/// Status, hook and timings of one run.
pub(super) struct Tracker {
    cache: Option<Cache>,
    /// `Redis URL` with the password hidden, for messages.
    redis: String,
    stages: Vec<(&'static str, f64)>,
    /// The span of the stage under way.
    stage: Option<tracing::span::EnteredSpan>,
    lap: Instant,
    started: Instant,
    started_at: chrono::DateTime<chrono::Utc>,
    _on_interrupt: Option<OnInterrupt>,
}

impl Tracker {
    /// Connects to Redis (when given), sets the status `queued` and registers the interrupt
    /// hook.
    pub(super) fn start(cfg: &Config, run_id: uuid::Uuid) -> Result<Tracker> {
        let redis = cfg
            .redis
            .as_ref()
            .map(|r| format!("Redis {}", crate::db::redact(&r.url)))
            .unwrap_or_default();
        let cache = match &cfg.redis {
            Some(r) => Some(
                Cache::connect(&r.url, &r.prefix, &run_id.to_string(), r.ttl)
                    .context("stage queued")?,
            ),
            None => None,
        };
        // Interrupted (SIGINT, SIGTERM): the readers learn that the run failed.
        let on_interrupt = cfg.redis.clone().map(|r| {
            let id = run_id.to_string();
            OnInterrupt::register(move |signal| {
                mark_failed(
                    &r.url,
                    &r.prefix,
                    &id,
                    r.ttl,
                    &format!("interrupted by {signal}"),
                );
            })
        });
        let mut t = Tracker {
            cache,
            redis,
            stages: Vec::new(),
            stage: None,
            lap: Instant::now(),
            started: Instant::now(),
            started_at: chrono::Utc::now(),
            _on_interrupt: on_interrupt,
        };
        t.status(RunStatus::Queued, &[])?;
        Ok(t)
    }

    /// Sets the run status (when Redis is given).
    pub(super) fn status(&mut self, s: RunStatus, fields: &[(&str, String)]) -> Result<()> {
        if let Some(c) = self.cache.as_mut() {
            c.status(s, fields)
                .with_context(|| format!("stage {}: {}", s.as_str(), self.redis))?;
        }
        Ok(())
    }

    /// Starts the stage `name`: its span (inside the run's) holds the stage's events.
    pub(super) fn begin(&mut self, name: &'static str) {
        self.stage = None;
        self.stage = Some(tracing::info_span!("stage", stage = name).entered());
        self.lap = Instant::now();
    }

    /// Ends the stage `name`, keeping its time.
    pub(super) fn lap(&mut self, name: &'static str) {
        let seconds = self.lap.elapsed().as_secs_f64();
        tracing::debug!(seconds, "stage {name}: {seconds:.3} s");
        self.stages.push((name, seconds));
        self.stage = None;
        self.lap = Instant::now();
    }

    /// The cache (Redis), when given, and its label for messages.
    pub(super) fn cache(&mut self) -> Option<(&mut Cache, &str)> {
        let label = self.redis.as_str();
        self.cache.as_mut().map(|c| (c, label))
    }

    /// Seconds per stage so far.
    pub(super) fn stages(&self) -> &[(&'static str, f64)] {
        &self.stages
    }

    /// When the run started.
    pub(super) fn started_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.started_at
    }

    /// Seconds since the start.
    pub(super) fn seconds(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    /// The stage timings as status fields (`read_s`, `check_calculate_s`, …).
    pub(super) fn timing_fields(&self) -> Vec<(String, String)> {
        self.stages
            .iter()
            .map(|(n, t)| (format!("{}_s", n.replace('+', "_")), format!("{t:.3}")))
            .collect()
    }

    /// Tells the readers the run failed, when Redis is reachable (the run's error is what the
    /// user sees, so a failure here is ignored).
    pub(super) fn fail(&mut self, run_id: uuid::Uuid, e: &anyhow::Error) {
        if let Some(c) = self.cache.as_mut() {
            let msg = format!("{e:#}");
            let _ = c.status(RunStatus::Failed, &[(RS::ERROR.name, msg.clone())]);
            let _ = c.publish(&serde_json::json!({
                crate::contract::history::RUN_ID.name: run_id.to_string(),
                RS::STATUS.name: RunStatus::Failed.as_str(),
                RS::ERROR.name: msg,
            }));
        }
    }
}
