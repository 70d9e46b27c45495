//! The serving process of `gureum bench search`: started from this binary on a loopback port,
//! asked over HTTP, its memory read from /proc, killed when dropped.

use crate::cli::Failure;
use std::path::Path;
use std::time::{Duration, Instant};

/// The serving process; killed when dropped.
pub struct Server {
    child: std::process::Child,
    pub base: String,
}

impl Server {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16, Failure> {
    let l = std::net::TcpListener::bind(("127.0.0.1", 0))?;
    Ok(l.local_addr()?.port())
}

/// Spawns this binary's `serve` on the scratch folder and waits for `/readyz`.
pub async fn start_server(scratch: &Path, db_url: &str, http: &reqwest::Client) -> Result<Server, Failure> {
    let exe = std::env::current_exe()?;
    let port = free_port()?;
    let child = std::process::Command::new(exe)
        // Measure real searches, not hits of the cache of repeated searches.
        .env("GUREUM_SEARCH_CACHE", "off")
        .arg("--data-dir")
        .arg(scratch)
        .arg("--database-url")
        .arg(db_url)
        .args(["serve", "--bind", "127.0.0.1", "--port", &port.to_string()])
        .env("RUST_LOG", "warn,sqlx=warn,tantivy=warn")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .map_err(|e| Failure::env(format!("cannot start the server: {e}")))?;
    let mut server = Server { child, base: format!("http://127.0.0.1:{port}") };
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            return Err(Failure::env(format!("the server exited before it was ready ({status})")));
        }
        if let Ok(r) = http.get(format!("{}/readyz", server.base)).send().await
            && r.status().is_success()
        {
            return Ok(server);
        }
        if Instant::now() > deadline {
            return Err(Failure::env("the server did not become ready within 120 s"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// One search over HTTP; its time in ms.
pub async fn http_search(http: &reqwest::Client, base: &str, q: &str) -> Result<(f64, u64), Failure> {
    let (ms, body) = http_get(http, &format!("{base}/api/v1/services?{q}")).await?;
    let total = serde_json::from_slice::<serde_json::Value>(&body).ok().and_then(|v| v.get("total").and_then(|t| t.as_u64())).unwrap_or(0);
    Ok((ms, total))
}

/// One GET, timed to its last byte: milliseconds and the body; a status other than success is
/// a failure.
pub async fn http_get(http: &reqwest::Client, url: &str) -> Result<(f64, Vec<u8>), Failure> {
    let t = Instant::now();
    let resp = http.get(url).send().await.map_err(|e| Failure::env(format!("GET {url}: {e}")))?;
    let status = resp.status();
    let body = resp.bytes().await.map_err(|e| Failure::env(format!("GET {url}: {e}")))?;
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    if !status.is_success() {
        return Err(Failure::env(format!("GET {url}: {status}: {}", String::from_utf8_lossy(&body))));
    }
    Ok((ms, body.to_vec()))
}

fn vm_hwm(path: &str) -> u64 {
    status_kib(path, "VmHWM:") * 1024
}

/// A `kB` line of a /proc status file (0 where there is none).
fn status_kib(path: &str, key: &str) -> u64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_whitespace().nth(1)).and_then(|kb| kb.parse::<u64>().ok())
        })
        .unwrap_or(0)
}

/// Resident memory of process `pid` now (VmRSS), in bytes.
pub fn rss_of(pid: u32) -> u64 {
    status_kib(&format!("/proc/{pid}/status"), "VmRSS:") * 1024
}

/// Peak resident memory (VmHWM) of process `pid`, in bytes; 0 where /proc is not there.
pub fn peak_rss_of(pid: u32) -> u64 {
    vm_hwm(&format!("/proc/{pid}/status"))
}
