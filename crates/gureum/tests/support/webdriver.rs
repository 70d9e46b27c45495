//! A small W3C WebDriver client over HTTP (chromedriver), and the real `gureum` server under
//! test. Enough for journeys: navigate, find, click, type, read, run scripts (axe-core).
#![allow(dead_code)]

use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

fn which(names: &[&str]) -> Option<String> {
    for n in names {
        for dir in std::env::var("PATH").unwrap_or_default().split(':').chain(["/usr/bin", "/usr/local/bin"]) {
            let p = std::path::Path::new(dir).join(n);
            if p.is_file() {
                return Some(p.display().to_string());
            }
        }
    }
    None
}

/// Chromium and chromedriver, or `None` with a loud message. With GUREUM_REQUIRE_BROWSER=1 (CI)
/// their absence fails the test instead.
pub fn browser_binaries() -> Option<(String, String)> {
    let found = which(&["chromium", "chromium-browser"]).zip(which(&["chromedriver"]));
    if found.is_none() {
        let msg = "BROWSER TESTS NOT RUN: chromium and chromedriver are not installed (apt-get install chromium chromium-driver)";
        if std::env::var("GUREUM_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!("{msg}");
        }
        eprintln!("\n!!!!! {msg} !!!!!\n");
    }
    found
}

pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The real binary serving a demo catalog on a free port, ready when this returns.
pub struct Server {
    pub base: String,
    pub dir: tempfile::TempDir,
    _child: KillOnDrop,
}

impl Server {
    pub async fn start_demo() -> Self {
        Self::start_demo_with(&[]).await
    }

    /// `serve --demo` with more options (e.g. `--smtp-url`).
    pub async fn start_demo_with(extra: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_gureum"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(["serve", "--demo", "--port", &port.to_string()])
            .args(extra)
            .env("GUREUM_NOW", "2026-11-23T09:00:00+09:00")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start gureum");
        let child = KillOnDrop(child);
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        for _ in 0..600 {
            if let Ok(r) = client.get(format!("{base}/readyz")).send().await
                && r.status().is_success()
            {
                return Self { base, dir, _child: child };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("gureum did not become ready at {base}");
    }
}

pub struct Browser {
    http: reqwest::Client,
    url: String,
    _driver: KillOnDrop,
}

impl Browser {
    pub async fn start(chromium: &str, chromedriver: &str) -> Self {
        let port = free_port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let driver = KillOnDrop(driver);
        let http = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if http.get(format!("{base}/status")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = std::env::temp_dir().join(format!("gureum-chromium-{}", uuid::Uuid::new_v4()));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=ko-KR",
                         format!("--user-data-dir={}", profile.display())]
            }
        }}});
        let v: Value = http.post(format!("{base}/session")).json(&caps).send().await.expect("new session").json().await.expect("json");
        let id = v["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {v}")).to_owned();
        Self { http, url: format!("{base}/session/{id}"), _driver: driver }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self.http.request(method, format!("{}{}", self.url, path));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let v: Value = req.send().await.expect("webdriver call").json().await.expect("webdriver json");
        if v["value"].get("error").is_some() {
            panic!("webdriver {path}: {}", v["value"]);
        }
        v["value"].clone()
    }

    pub async fn goto(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({"url": url}))).await;
    }

    pub async fn current_url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", None).await.as_str().unwrap_or_default().to_owned()
    }

    /// Waits (bounded) until the browser's URL contains `part`; returns the URL.
    pub async fn wait_url(&self, part: &str) -> String {
        for _ in 0..100 {
            let u = self.current_url().await;
            if u.contains(part) {
                // and the new document has loaded
                for _ in 0..100 {
                    if self.script("return document.readyState;", json!([])).await == "complete" {
                        return u;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                return u;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the browser never reached a URL containing {part:?}; it is at {}", self.current_url().await)
    }

    pub async fn source(&self) -> String {
        self.call(reqwest::Method::GET, "/source", None).await.as_str().unwrap_or_default().to_owned()
    }

    pub async fn find(&self, css: &str) -> String {
        let v = self.call(reqwest::Method::POST, "/element", Some(json!({"using": "css selector", "value": css}))).await;
        v[ELEMENT].as_str().unwrap_or_else(|| panic!("no element {css}")).to_owned()
    }

    pub async fn find_all(&self, css: &str) -> Vec<String> {
        let v = self.call(reqwest::Method::POST, "/elements", Some(json!({"using": "css selector", "value": css}))).await;
        v.as_array().map(|a| a.iter().filter_map(|e| e[ELEMENT].as_str().map(str::to_owned)).collect()).unwrap_or_default()
    }

    pub async fn click(&self, element: &str) {
        self.call(reqwest::Method::POST, &format!("/element/{element}/click"), Some(json!({}))).await;
    }

    pub async fn type_into(&self, element: &str, text: &str) {
        self.call(reqwest::Method::POST, &format!("/element/{element}/clear"), Some(json!({}))).await;
        self.call(reqwest::Method::POST, &format!("/element/{element}/value"), Some(json!({"text": text}))).await;
    }

    /// Sends a file path to an `<input type="file">`.
    pub async fn send_file(&self, element: &str, path: &std::path::Path) {
        self.call(reqwest::Method::POST, &format!("/element/{element}/value"), Some(json!({"text": path.display().to_string()}))).await;
    }

    /// Types into the first element matching `css`.
    pub async fn fill(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        self.type_into(&e, text).await;
    }

    /// Sets a select's (or any control's) value, or checks a box, by script.
    pub async fn set(&self, css: &str, value: &str) {
        self.script(
            "const e = document.querySelector(arguments[0]); if (!e) throw new Error('no ' + arguments[0]);
             if (e.type === 'checkbox' || e.type === 'radio') { e.checked = true; } else { e.value = arguments[1]; }",
            json!([css, value]),
        )
        .await;
    }

    /// Clicks the first element matching `css`, then waits for the next page to load.
    pub async fn submit(&self, css: &str) {
        let before = self.script("return window.performance.timeOrigin;", json!([])).await;
        let e = self.find(css).await;
        self.click(&e).await;
        for _ in 0..200 {
            let now = self.script("return [window.performance.timeOrigin, document.readyState];", json!([])).await;
            if now[0] != before && now[1] == "complete" {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no new page after clicking {css}");
    }

    pub async fn text(&self, element: &str) -> String {
        self.call(reqwest::Method::GET, &format!("/element/{element}/text"), None).await.as_str().unwrap_or_default().to_owned()
    }

    pub async fn attr(&self, element: &str, name: &str) -> Option<String> {
        self.call(reqwest::Method::GET, &format!("/element/{element}/attribute/{name}"), None).await.as_str().map(str::to_owned)
    }

    pub async fn body_text(&self) -> String {
        let b = self.find("body").await;
        self.text(&b).await
    }

    pub async fn script(&self, script: &str, args: Value) -> Value {
        self.call(reqwest::Method::POST, "/execute/sync", Some(json!({"script": script, "args": args}))).await
    }

    pub async fn script_async(&self, script: &str, args: Value) -> Value {
        self.call(reqwest::Method::POST, "/execute/async", Some(json!({"script": script, "args": args}))).await
    }

    pub async fn quit(&self) {
        let _ = self.http.delete(&self.url).send().await;
    }

    /// Runs axe-core (from npm) on the current page; returns the serious and critical
    /// violations as `id (impact): help [nodes]`.
    pub async fn axe_serious(&self) -> Vec<String> {
        let path = std::env::var("AXE_CORE_JS")
            .unwrap_or_else(|_| format!("{}/../../node_modules/axe-core/axe.min.js", env!("CARGO_MANIFEST_DIR")));
        let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("axe-core not found at {path} ({e}): npm install axe-core"));
        let _ = self.script(&format!("{src}\nreturn true;"), json!([])).await;
        let _ = self.call(reqwest::Method::POST, "/timeouts", Some(json!({"script": 60000}))).await;
        let v = self
            .script_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
                   .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))
                   .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));",
                json!([]),
            )
            .await;
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter(|x| matches!(x["impact"].as_str(), Some("serious" | "critical")))
                    .map(|x| format!("{} ({}): {} {}", x["id"], x["impact"], x["help"], x["nodes"]))
                    .collect()
            })
            .unwrap_or_default()
    }
}
