//! The instance's figures in the Prometheus text exposition format (0.0.4), written by hand (a
//! dozen families do not need a metrics library): the process's counters (requests by method and
//! route template, search latency) and the gauges read when scraped (pool, index, change feed,
//! outbox). Every metric is described in docs/OPERATIONS.md "Metrics". Who may read them, and the
//! HTTP layer that counts requests, are the web crate's (`gureum_web::metrics`).

use crate::context::Context;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

/// Upper bounds (seconds) of the request-latency buckets; the last is the request timeout.
const REQUEST_BUCKETS: &[f64] = &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];
/// Upper bounds (seconds) of the search-latency buckets: finer at the low end, where a search
/// of a million services answers (p50 ~2 ms, docs/PERFORMANCE.md).
const SEARCH_BUCKETS: &[f64] = &[0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

/// The route label of requests no route matched (they get the 404 fallback). Route templates
/// start with `/`, so it cannot be taken for one.
pub const UNMATCHED: &str = "unmatched";

/// The content type of the text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A histogram with fixed bucket bounds; counts per bucket, cumulated when written.
#[derive(Debug, Clone)]
struct Histogram {
    bounds: &'static [f64],
    /// Observations whose smallest bound at or above them is `bounds[i]`; those above every
    /// bound are only in `count`.
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Histogram {
    fn new(bounds: &'static [f64]) -> Self {
        Self { bounds, counts: vec![0; bounds.len()], sum: 0.0, count: 0 }
    }

    fn observe(&mut self, seconds: f64) {
        // `le` is inclusive: a value equal to a bound belongs to that bound's bucket.
        if let Some(i) = self.bounds.iter().position(|b| seconds <= *b) {
            self.counts[i] += 1;
        }
        self.sum += seconds;
        self.count += 1;
    }
}

/// One route and method: its answers by status and its latency.
#[derive(Debug, Clone)]
struct RouteSeries {
    statuses: BTreeMap<u16, u64>,
    latency: Histogram,
}

/// The counters of one process. Held under plain mutexes: an update is a few additions, far
/// below the cost of the request it counts.
#[derive(Debug)]
pub struct Registry {
    /// By (method, route template).
    http: Mutex<BTreeMap<(&'static str, String), RouteSeries>>,
    search: Mutex<Histogram>,
}

impl Default for Registry {
    fn default() -> Self {
        Self { http: Mutex::new(BTreeMap::new()), search: Mutex::new(Histogram::new(SEARCH_BUCKETS)) }
    }
}

impl Registry {
    /// Counts one answered request. `route` is the matched route's template (`/api/v1/services/{id}`),
    /// never the path: ids in labels would make a new series of every service.
    pub fn observe_request(&self, method: &'static str, route: &str, status: u16, elapsed: Duration) {
        let mut http = self.http.lock().unwrap_or_else(PoisonError::into_inner);
        let series = http
            .entry((method, route.to_owned()))
            .or_insert_with(|| RouteSeries { statuses: BTreeMap::new(), latency: Histogram::new(REQUEST_BUCKETS) });
        *series.statuses.entry(status).or_insert(0) += 1;
        series.latency.observe(elapsed.as_secs_f64());
    }

    /// Counts one catalog search, timed around the index alone.
    pub fn observe_search(&self, elapsed: Duration) {
        self.search.lock().unwrap_or_else(PoisonError::into_inner).observe(elapsed.as_secs_f64());
    }

    /// Writes the counters (not the gauges, which [`write_gauges`] reads when scraped).
    pub fn write(&self, out: &mut Exposition) {
        let http = self.http.lock().unwrap_or_else(PoisonError::into_inner).clone();
        out.family("gureum_http_requests_total", Kind::Counter, "HTTP requests answered, by method, matched route template and status.");
        for ((method, route), series) in &http {
            for (status, n) in &series.statuses {
                let status = status.to_string();
                out.sample("gureum_http_requests_total", &[("method", method), ("route", route), ("status", &status)], *n);
            }
        }
        out.family(
            "gureum_http_request_duration_seconds",
            Kind::Histogram,
            "Time from a request's arrival to its response head, by method and matched route template.",
        );
        for ((method, route), series) in &http {
            out.histogram("gureum_http_request_duration_seconds", &[("method", method), ("route", route)], &series.latency);
        }
        let search = self.search.lock().unwrap_or_else(PoisonError::into_inner).clone();
        out.family(
            "gureum_search_duration_seconds",
            Kind::Histogram,
            "Time a catalog search (the search API and page, category and supplier views) took in the search index, waiting for a search thread included.",
        );
        out.histogram("gureum_search_duration_seconds", &[], &search);
    }
}

/// This process's registry.
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(Registry::default)
}

/// A metric family's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

/// A sample's value: counts are written as integers, everything else as a float.
#[derive(Debug, Clone, Copy)]
pub enum Value {
    Int(i64),
    Count(u64),
    Float(f64),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

impl From<u64> for Value {
    fn from(v: u64) -> Self {
        Value::Count(v)
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float(v)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Count(u64::from(v))
    }
}

/// The text exposition format being written: each family's `# HELP` and `# TYPE` lines, then
/// its samples.
#[derive(Debug, Default)]
pub struct Exposition {
    out: String,
}

impl Exposition {
    /// Starts a family: its description and type.
    pub fn family(&mut self, name: &str, kind: Kind, help: &str) {
        let _ = writeln!(self.out, "# HELP {name} {}", escape_help(help));
        let _ = writeln!(self.out, "# TYPE {name} {}", kind.as_str());
    }

    /// One sample line. Label names are this module's own identifiers; values are escaped.
    pub fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: impl Into<Value>) {
        self.out.push_str(name);
        if !labels.is_empty() {
            self.out.push('{');
            for (i, (k, v)) in labels.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                let _ = write!(self.out, "{k}=\"{}\"", escape_label(v));
            }
            self.out.push('}');
        }
        self.out.push(' ');
        match value.into() {
            Value::Int(v) => {
                let _ = write!(self.out, "{v}");
            }
            Value::Count(v) => {
                let _ = write!(self.out, "{v}");
            }
            Value::Float(v) => self.out.push_str(&float(v)),
        }
        self.out.push('\n');
    }

    /// A histogram's samples: cumulative `_bucket`s up to `+Inf`, `_sum` and `_count`.
    fn histogram(&mut self, name: &str, labels: &[(&str, &str)], h: &Histogram) {
        let bucket = format!("{name}_bucket");
        let mut cumulative = 0;
        let bounds = h.bounds.iter().map(|b| float(*b)).chain(std::iter::once("+Inf".to_owned()));
        let counts = h.counts.iter().copied().chain(std::iter::once(h.count - h.counts.iter().sum::<u64>()));
        for (le, n) in bounds.zip(counts) {
            cumulative += n;
            let mut with_le = labels.to_vec();
            with_le.push(("le", &le));
            self.sample(&bucket, &with_le, cumulative);
        }
        self.sample(&format!("{name}_sum"), labels, h.sum);
        self.sample(&format!("{name}_count"), labels, h.count);
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// A float as the format writes it (Go's `ParseFloat` reads Rust's shortest round-trip form).
fn float(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_owned()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf".to_owned() } else { "-Inf".to_owned() }
    } else {
        v.to_string()
    }
}

/// A label value: backslash, double quote and line feed escaped, as the format requires.
fn escape_label(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// A `# HELP` text: backslash and line feed escaped (a double quote is fine there).
fn escape_help(v: &str) -> String {
    v.replace('\\', "\\\\").replace('\n', "\\n")
}

/// Times one catalog search for [`Registry::observe_search`]: started before the search is
/// handed to a search thread, counted when dropped (after its answer, or when the request that
/// waited for it went away).
#[derive(Debug)]
pub struct SearchTimer(Instant);

impl SearchTimer {
    pub fn start() -> Self {
        Self(Instant::now())
    }
}

impl Drop for SearchTimer {
    fn drop(&mut self) {
        registry().observe_search(self.0.elapsed());
    }
}

/// The gauges, read now: the pool first (before this scrape's own queries take a connection),
/// then the index against the change feed, then the outbox.
pub async fn write_gauges(ctx: &Context, ready: bool, out: &mut Exposition) {
    let db = ctx.db();
    let pool = db.pool();
    let (size, idle, max) = (pool.size(), pool.num_idle(), pool.options().get_max_connections());
    let idle = u64::try_from(idle).unwrap_or(u64::MAX);
    out.family("gureum_build_info", Kind::Gauge, "Always 1; the version and the database engine as labels.");
    out.sample("gureum_build_info", &[("version", env!("CARGO_PKG_VERSION")), ("backend", db.backend().as_str())], 1_u64);
    out.family("gureum_db_pool_connections", Kind::Gauge, "Open connections of the database pool, by state (in_use, idle).");
    out.sample("gureum_db_pool_connections", &[("state", "in_use")], u64::from(size).saturating_sub(idle));
    out.sample("gureum_db_pool_connections", &[("state", "idle")], idle);
    out.family("gureum_db_pool_max_connections", Kind::Gauge, "The most connections the database pool opens.");
    out.sample("gureum_db_pool_max_connections", &[], u64::from(max));

    let index = ctx.index();
    let applied = index.applied_seq().unwrap_or(0);
    out.family("gureum_index_ready", Kind::Gauge, "1 once the search index has caught up with the database after start (as /readyz).");
    out.sample("gureum_index_ready", &[], ready);
    out.family("gureum_index_documents", Kind::Gauge, "Services in this instance's search index.");
    out.sample("gureum_index_documents", &[], index.doc_count());
    out.family("gureum_index_applied_seq", Kind::Gauge, "The last change-feed sequence this instance's search index applied.");
    out.sample("gureum_index_applied_seq", &[], applied);

    let now = ctx.clock().now_micros();
    let (head, outbox) = (db.max_change_seq().await, db.outbox_gauges(now).await);
    out.family(
        "gureum_database_up",
        Kind::Gauge,
        "1 when this scrape's database queries succeeded; the figures read from the database are left out otherwise.",
    );
    out.sample("gureum_database_up", &[], head.is_ok() && outbox.is_ok());
    match head {
        Ok(head) => {
            out.family("gureum_change_feed_seq", Kind::Gauge, "The latest sequence of the catalog change feed in the database.");
            out.sample("gureum_change_feed_seq", &[], head);
            out.family(
                "gureum_index_lag_changes",
                Kind::Gauge,
                "Change-feed entries the search index has not applied yet (feed sequence minus applied sequence).",
            );
            out.sample("gureum_index_lag_changes", &[], head.saturating_sub(applied).max(0));
        }
        Err(e) => tracing::warn!(error = %e, "metrics: cannot read the change feed"),
    }
    match outbox {
        Ok(o) => {
            out.family("gureum_outbox_unsent", Kind::Gauge, "Mails in the outbox not sent yet (due or waiting for a retry).");
            out.sample("gureum_outbox_unsent", &[], o.unsent);
            out.family(
                "gureum_outbox_oldest_unsent_age_seconds",
                Kind::Gauge,
                "Age of the oldest unsent mail in seconds; 0 when none waits.",
            );
            let age = o.oldest_unsent_at.map_or(0.0, |at| (now.saturating_sub(at)).max(0) as f64 / 1e6);
            out.sample("gureum_outbox_oldest_unsent_age_seconds", &[], age);
            out.family(
                "gureum_job_leases",
                Kind::Gauge,
                "Work items a worker holds a lease on now, by job (mail: outbox mails being sent).",
            );
            out.sample("gureum_job_leases", &[("job", "mail")], o.leased);
        }
        Err(e) => tracing::warn!(error = %e, "metrics: cannot read the outbox"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_and_help_are_escaped() {
        assert_eq!(escape_label(r#"a\b"c"#), r#"a\\b\"c"#);
        assert_eq!(escape_label("line\nnext"), "line\\nnext");
        assert_eq!(escape_label("/api/v1/services/{id}"), "/api/v1/services/{id}");
        assert_eq!(escape_help("a \\ b\n\"c\""), "a \\\\ b\\n\"c\"");
        let mut out = Exposition::default();
        out.sample("m", &[("route", "a\"b\\c\nd")], 1_u64);
        assert_eq!(out.finish(), "m{route=\"a\\\"b\\\\c\\nd\"} 1\n");
    }

    #[test]
    fn values_are_written_as_the_format_reads_them() {
        assert_eq!(float(0.0025), "0.0025");
        assert_eq!(float(30.0), "30");
        assert_eq!(float(f64::INFINITY), "+Inf");
        assert_eq!(float(f64::NEG_INFINITY), "-Inf");
        assert_eq!(float(f64::NAN), "NaN");
        let mut out = Exposition::default();
        out.sample("a", &[], -3_i64);
        out.sample("b", &[], true);
        out.sample("c", &[], 1.5);
        assert_eq!(out.finish(), "a -3\nb 1\nc 1.5\n");
    }

    /// The whole text for two requests and a search: HELP and TYPE once per family before its
    /// samples, counters by status, cumulative buckets with an inclusive `le`, `+Inf` = count.
    #[test]
    fn a_registry_writes_counters_and_cumulative_histograms() {
        let r = Registry::default();
        r.observe_request("GET", "/api/v1/services/{id}", 200, Duration::from_millis(1));
        r.observe_request("GET", "/api/v1/services/{id}", 404, Duration::from_millis(40));
        r.observe_request("other", UNMATCHED, 404, Duration::from_secs(31));
        r.observe_search(Duration::from_micros(1500));
        let mut out = Exposition::default();
        r.write(&mut out);
        let text = out.finish();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            &lines[..4],
            [
                "# HELP gureum_http_requests_total HTTP requests answered, by method, matched route template and status.",
                "# TYPE gureum_http_requests_total counter",
                "gureum_http_requests_total{method=\"GET\",route=\"/api/v1/services/{id}\",status=\"200\"} 1",
                "gureum_http_requests_total{method=\"GET\",route=\"/api/v1/services/{id}\",status=\"404\"} 1",
            ]
        );
        assert!(text.contains("gureum_http_requests_total{method=\"other\",route=\"unmatched\",status=\"404\"} 1\n"), "{text}");
        let get = |le: &str| {
            format!("gureum_http_request_duration_seconds_bucket{{method=\"GET\",route=\"/api/v1/services/{{id}}\",le=\"{le}\"}}")
        };
        for (le, n) in [("0.001", 1), ("0.025", 1), ("0.05", 2), ("30", 2), ("+Inf", 2)] {
            assert!(text.contains(&format!("{} {n}\n", get(le))), "{le}: {text}");
        }
        assert!(
            text.contains("gureum_http_request_duration_seconds_sum{method=\"GET\",route=\"/api/v1/services/{id}\"} 0.041\n"),
            "{text}"
        );
        assert!(text.contains("gureum_http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/services/{id}\"} 2\n"));
        // Past the last bound: only in +Inf.
        let brew = "gureum_http_request_duration_seconds_bucket{method=\"other\",route=\"unmatched\",le=";
        assert!(text.contains(&format!("{brew}\"30\"}} 0\n")) && text.contains(&format!("{brew}\"+Inf\"}} 1\n")), "{text}");
        assert!(text.contains("gureum_search_duration_seconds_bucket{le=\"0.001\"} 0\n"));
        assert!(text.contains("gureum_search_duration_seconds_bucket{le=\"0.002\"} 1\n"));
        assert!(text.contains("gureum_search_duration_seconds_count 1\n"));
        assert_well_formed(&text);
    }

    /// Every sample belongs to the family whose `# TYPE` came last, and each family is declared once.
    fn assert_well_formed(text: &str) {
        let mut declared = std::collections::HashSet::new();
        let mut current = String::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                current = rest.split(' ').next().unwrap_or_default().to_owned();
                assert!(declared.insert(current.clone()), "{current} declared twice");
            } else if !line.starts_with("# HELP ") {
                let name = line.split(['{', ' ']).next().unwrap_or_default();
                let family = ["_bucket", "_sum", "_count"].iter().find_map(|s| name.strip_suffix(s)).filter(|f| *f == current);
                assert!(name == current || family.is_some(), "{line} after # TYPE {current}");
                let value = line.rsplit(' ').next().unwrap_or_default();
                assert!(value.parse::<f64>().is_ok() || value == "+Inf", "{line}");
            }
        }
    }
}
