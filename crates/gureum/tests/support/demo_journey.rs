//! What the buying journeys share against a `serve --demo` server: signing a demo account in and
//! out of the pages, axe on the page shown, and JSON calls to the API with a demo account's token.
#![allow(dead_code)]

use crate::webdriver::Browser;
use reqwest::Method;
use serde_json::{Value, json};

/// The demo password.
pub const PW: &str = "gureum-demo";

/// Signs `who@demo.gureum.kr` in through the login page.
pub async fn login(b: &Browser, base: &str, who: &str) {
    b.goto(&format!("{base}/login")).await;
    b.fill("form[action='/login'] input[name='email']", &format!("{who}@demo.gureum.kr")).await;
    b.fill("form[action='/login'] input[name='password']", PW).await;
    b.submit("form[action='/login'] button[type='submit']").await;
    assert!(b.source().await.contains("action=\"/logout\""), "{who} is signed in");
}

pub async fn logout(b: &Browser) {
    b.submit("form[action='/logout'] button").await;
}

/// The page shown has no serious or critical axe violation.
pub async fn accessible(b: &Browser, page: &str) {
    let v = b.axe_serious().await;
    assert!(v.is_empty(), "axe on {page}:\n{}", v.join("\n"));
}

/// One JSON call; answers the status and the JSON (null when the answer is not JSON).
pub async fn api(base: &str, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    let mut req = reqwest::Client::new().request(method, format!("{base}{path}"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.expect("request");
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

/// A bearer token of `who@demo.gureum.kr`.
pub async fn api_login(base: &str, who: &str) -> String {
    let body = json!({"email": format!("{who}@demo.gureum.kr"), "password": PW});
    let (s, v) = api(base, Method::POST, "/api/v1/auth/login", None, Some(body)).await;
    assert_eq!(s, 200, "{who} logs in: {v}");
    v["token"].as_str().expect("token").to_owned()
}
