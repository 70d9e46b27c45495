//! Doors that hold under abuse (issue #21 §3): the lock-out under concurrent attempts. Each
//! refusal has a test that fails when the door opens. Runs on the engine the run asks for
//! (`GUREUM_TEST_DATABASE=sqlite|postgres`).

mod common;

use common::{TestApp, spawn_app};
use serde_json::{Value, json};

const PW: &str = "gureum-demo";

async fn app_with_accounts() -> TestApp {
    let app = spawn_app(0).await;
    gureum::demo::seed_demo_accounts(&app.db).await.expect("demo accounts");
    app
}

async fn login(router: &axum::Router, email: &str, password: &str) -> (u16, Value) {
    common::request(router, "POST", "/api/v1/auth/login", None, Some(json!({"email": email, "password": password}))).await
}

/// The password checks the lock-out let happen for a person: audit events of a wrong password.
async fn password_checks(app: &TestApp, email: &str) -> (usize, usize) {
    let user = app.db.user_by_email(email).await.expect("db").expect("user");
    let events = app.db.audit_for_entity("user", &user.id).await.expect("audit");
    let wrong = events.iter().filter(|e| e.event.after.as_ref().is_some_and(|a| a["reason"] == "wrong_password")).count();
    let locks = events.iter().filter(|e| e.event.action == "auth.account_locked").count();
    (wrong, locks)
}

/// Fires `n` logins for one e-mail at once; `right` says which of them carry the right password.
async fn burst(app: &TestApp, email: &str, n: usize, right: impl Fn(usize) -> bool) -> Vec<(u16, Value)> {
    let mut tasks = Vec::new();
    for i in 0..n {
        let router = app.router.clone();
        let email = email.to_owned();
        let pw = if right(i) { PW.to_owned() } else { format!("wrong-password-{i}") };
        tasks.push(tokio::spawn(async move { login(&router, &email, &pw).await }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("task"));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_wrong_logins_get_five_checks_and_lock() {
    let app = app_with_accounts().await;
    let email = "buyer@demo.gureum.kr";
    let answers = burst(&app, email, 50, |_| false).await;
    assert!(answers.iter().all(|(s, _)| *s == 401), "every answer is 401");
    let invalid = answers.iter().filter(|(_, v)| v["code"] == "invalid_credentials").count();
    let locked = answers.iter().filter(|(_, v)| v["code"] == "account_locked").count();
    assert_eq!(invalid + locked, 50);
    let (checks, locks) = password_checks(&app, email).await;
    assert!(checks <= 5, "at most 5 attempts had their password checked, got {checks}");
    assert_eq!(checks, invalid, "every checked attempt answered invalid_credentials, the others account_locked");
    assert_eq!(locks, 1, "one failure locked the account");
    let user = app.db.user_by_email(email).await.expect("db").expect("user");
    assert!(user.locked_until.is_some_and(|t| t > common::clock().now_micros()), "locked: {user:?}");
    let (s, v) = login(&app.router, email, PW).await;
    assert_eq!((s, v["code"].as_str()), (401, Some("account_locked")), "the right password meets the lock");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_right_password_inside_a_burst_does_not_clear_its_lock() {
    let app = app_with_accounts().await;
    let email = "budget@demo.gureum.kr";
    let answers = burst(&app, email, 50, |i| i == 3).await;
    let ok = answers.iter().filter(|(s, _)| *s == 200).count();
    assert!(ok <= 1);
    let (checks, _) = password_checks(&app, email).await;
    // A success before the lock starts the count again, so a second run of five may follow it.
    assert!(checks <= if ok == 1 { 10 } else { 5 }, "{checks} checks");
    let user = app.db.user_by_email(email).await.expect("db").expect("user");
    assert!(user.locked_until.is_some_and(|t| t > common::clock().now_micros()), "the burst left the account locked: {user:?}");
}

/// The same rule, step by step: five attempts being checked, one of them fails and locks, and a
/// right password among the others then finds the lock and leaves it.
#[tokio::test]
async fn a_success_never_clears_a_lock_set_meanwhile() {
    let app = app_with_accounts().await;
    let user = app.db.user_by_email("signatory@demo.gureum.kr").await.expect("db").expect("user");
    let now = common::clock().now_micros();
    for i in 0..5 {
        assert!(app.db.claim_login_attempt(&user.id, 5, now).await.expect("claim"), "claim {i}");
    }
    assert!(!app.db.claim_login_attempt(&user.id, 5, now).await.expect("claim"), "a sixth attempt is refused while five are counted");
    let mut tx = app.db.begin_write().await.expect("tx");
    let f = tx.login_failed(&user.id, 5, now + 15 * 60 * 1_000_000).await.expect("failed");
    tx.commit().await.expect("commit");
    assert_eq!((f.failures, f.locked), (5, true));
    let mut tx = app.db.begin_write().await.expect("tx");
    let f = tx.login_failed(&user.id, 5, now + 15 * 60 * 1_000_000).await.expect("failed");
    tx.commit().await.expect("commit");
    assert!(!f.locked, "only one failure locks");
    let mut tx = app.db.begin_write().await.expect("tx");
    assert!(!tx.login_succeeded(&user.id, now).await.expect("succeeded"), "the lock stands");
    tx.commit().await.expect("commit");
    let user = app.db.user(&user.id).await.expect("db").expect("user");
    assert!(user.locked_until.is_some_and(|t| t > now));
    // 15 minutes later the lock has run out and the count starts again.
    assert!(app.db.claim_login_attempt(&user.id, 5, now + 15 * 60 * 1_000_000).await.expect("claim"));
}

#[tokio::test]
async fn a_wrong_current_password_on_change_counts_toward_the_lock() {
    let app = app_with_accounts().await;
    let email = "pps@demo.gureum.kr";
    let (s, v) = login(&app.router, email, PW).await;
    assert_eq!(s, 200, "{v}");
    let token = v["token"].as_str().expect("token").to_owned();
    for _ in 0..4 {
        assert_eq!(login(&app.router, email, "not-the-password").await.0, 401);
    }
    let body = json!({"current_password": "still-not-it", "new_password": "a-new-long-password"});
    let (s, v) = common::request(&app.router, "POST", "/api/v1/me/password", Some(&token), Some(body)).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("wrong_password")));
    let (s, v) = login(&app.router, email, PW).await;
    assert_eq!((s, v["code"].as_str()), (401, Some("account_locked")), "the fifth failure in a row was the change's");
    let (checks, locks) = password_checks(&app, email).await;
    assert_eq!((checks, locks), (5, 1));
}
