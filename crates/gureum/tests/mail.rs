//! The outbox and the mail worker against a real SMTP server (the test sink), on the engine the
//! run asks for (`GUREUM_TEST_DATABASE=sqlite|postgres`).

mod common;
#[path = "support/smtp_sink.rs"]
mod smtp_sink;

use gureum_mail::{MailConfig, send_pending};
use gureum_storage::Db;
use smtp_sink::SmtpSink;
use std::time::Duration;

const MINUTE_US: i64 = 60_000_000;

async fn fresh_db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = common::fresh_database_url(&dir).await;
    let db = Db::connect(&url, common::clock()).await.expect("connect");
    (dir, db)
}

async fn enqueue(db: &Db, mails: &[(&str, &str, &str, &str)]) {
    let mut tx = db.begin_write().await.expect("begin");
    for (id, to, subject, body) in mails {
        tx.enqueue_mail(id, to, subject, body).await.expect("enqueue");
    }
    tx.commit().await.expect("commit");
}

/// A port on 127.0.0.1 that nobody listens on (bound, then released).
async fn dead_port() -> u16 {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    l.local_addr().expect("addr").port()
}

#[tokio::test]
async fn outbox_mails_reach_smtp_once_with_korean_intact() {
    let sink = SmtpSink::start().await;
    let (_dir, db) = fresh_db().await;
    let subject_a = "[구름] 견적 요청이 도착했습니다 — 예산회계 SaaS";
    let body_a = "안녕하세요, 김민지 님.\n\n한국행정기관에서 견적을 요청했습니다.\n.점으로 시작하는 줄도 그대로 와야 합니다.\n\n구름 드림";
    let subject_b = "[구름] 비밀번호 재설정 링크";
    let body_b = "아래 링크는 1시간 동안 유효합니다: https://gureum.kr/reset?t=abc=123";
    // Mostly ASCII, so it travels as 7bit or quoted-printable and its dot lines get stuffed.
    let subject_c = "Quote received";
    let body_c = "Dear supplier,\n.a line that starts with a dot\n..and one with two\n.\nThank you for using Gureum. 감사합니다.";
    enqueue(
        &db,
        &[
            ("mail-a", "minji.kim@supplier.co.kr", subject_a, body_a),
            ("mail-b", "officer@agency.go.kr", subject_b, body_b),
            ("mail-c", "ascii@agency.go.kr", subject_c, body_c),
        ],
    )
    .await;
    assert_eq!(db.outbox_pending_count().await.expect("count"), 3);

    let cfg = MailConfig::from_url(&sink.url()).expect("sink url");
    assert_eq!(send_pending(&db, &cfg).await.expect("pass"), 3);

    let a = sink.wait_for(|m| m.to == ["minji.kim@supplier.co.kr"], Duration::from_secs(5)).await.expect("mail a received");
    assert_eq!(a.subject, subject_a);
    assert_eq!(a.body.trim_end(), body_a);
    assert_eq!(a.from, "no-reply@gureum.kr");
    let content_type = a.header("content-type").expect("content type").to_ascii_lowercase();
    assert!(content_type.starts_with("text/plain") && content_type.contains("charset=utf-8"), "{content_type}");
    assert_eq!(a.header("message-id").as_deref(), Some("<mail-a@gureum.kr>"));
    let b = sink.wait_for(|m| m.to == ["officer@agency.go.kr"], Duration::from_secs(5)).await.expect("mail b received");
    assert_eq!(b.subject, subject_b);
    assert_eq!(b.body.trim_end(), body_b);
    let c = sink.wait_for(|m| m.to == ["ascii@agency.go.kr"], Duration::from_secs(5)).await.expect("mail c received");
    assert_eq!(c.subject, subject_c);
    assert_eq!(c.body.trim_end(), body_c);

    let now = common::clock().now_micros();
    for addr in ["minji.kim@supplier.co.kr", "officer@agency.go.kr", "ascii@agency.go.kr"] {
        let rows = db.outbox_to(addr).await.expect("outbox");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].sent_at, Some(now));
        assert_eq!((rows[0].attempts, rows[0].lease_until, rows[0].last_error.as_deref()), (0, None, None));
    }
    assert_eq!(db.outbox_pending_count().await.expect("count"), 0);

    // A second pass finds nothing: no mail goes out twice.
    // Sending is synchronous: the sink has every message the passes sent when they return.
    assert_eq!(send_pending(&db, &cfg).await.expect("second pass"), 0);
    assert_eq!(sink.messages().len(), 3);
}

#[tokio::test]
async fn unreachable_relay_marks_the_mail_failed_with_backoff() {
    let (_dir, db) = fresh_db().await;
    enqueue(&db, &[("mail-x", "nobody@agency.go.kr", "[구름] 알림", "본문")]).await;
    let cfg = MailConfig::from_url(&format!("smtp://127.0.0.1:{}", dead_port().await)).expect("url");

    assert_eq!(send_pending(&db, &cfg).await.expect("a failed mail is not a failed pass"), 0);
    let now = common::clock().now_micros();
    let rows = db.outbox_to("nobody@agency.go.kr").await.expect("outbox");
    assert_eq!(rows.len(), 1);
    let m = &rows[0];
    assert_eq!((m.attempts, m.sent_at, m.lease_until), (1, None, None));
    assert_eq!(m.next_attempt_at, now + MINUTE_US, "first retry one minute later");
    assert!(m.next_attempt_at > m.created_at);
    assert!(m.last_error.as_deref().is_some_and(|e| !e.is_empty()));
    assert_eq!(db.outbox_pending_count().await.expect("count"), 1);

    // Not due yet: the next pass leaves it alone.
    assert_eq!(send_pending(&db, &cfg).await.expect("pass"), 0);
    assert_eq!(db.outbox_to("nobody@agency.go.kr").await.expect("outbox")[0].attempts, 1);

    // Once due, a working relay delivers it and the error is cleared.
    let sink = SmtpSink::start().await;
    let due = db.claim_mail(now + MINUTE_US, now + 6 * MINUTE_US, 50).await.expect("claim when due");
    assert_eq!(due.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["mail-x"]);
    db.mark_mail_failed("mail-x", "second failure", now + MINUTE_US + 2 * MINUTE_US).await.expect("fail again");
    let m = &db.outbox_to("nobody@agency.go.kr").await.expect("outbox")[0];
    assert_eq!((m.attempts, m.lease_until, m.last_error.as_deref()), (2, None, Some("second failure")));
    assert!(db.claim_mail(now + 2 * MINUTE_US, now + 7 * MINUTE_US, 50).await.expect("claim").is_empty());
    let due = db.claim_mail(now + 3 * MINUTE_US, now + 8 * MINUTE_US, 50).await.expect("claim");
    assert_eq!(due.len(), 1);
    db.mark_mail_sent("mail-x", now + 3 * MINUTE_US).await.expect("sent");
    let m = &db.outbox_to("nobody@agency.go.kr").await.expect("outbox")[0];
    assert_eq!((m.sent_at, m.last_error.as_deref()), (Some(now + 3 * MINUTE_US), None));
    assert_eq!(db.outbox_pending_count().await.expect("count"), 0);
    drop(sink);
}

#[tokio::test]
async fn a_lease_keeps_other_claimers_out_until_it_ends() {
    let (_dir, db) = fresh_db().await;
    let mails: Vec<(String, String)> = (0..30).map(|i| (format!("m{i:02}"), format!("user{i}@agency.go.kr"))).collect();
    let rows: Vec<(&str, &str, &str, &str)> = mails.iter().map(|(id, to)| (id.as_str(), to.as_str(), "[구름] 알림", "본문")).collect();
    enqueue(&db, &rows).await;
    let now = common::clock().now_micros();
    let lease = now + 5 * MINUTE_US;

    // Two workers at once: together they hold each mail exactly once.
    let (a, b) = tokio::join!(db.claim_mail(now, lease, 20), db.claim_mail(now, lease, 20));
    let (a, b) = (a.expect("claim a"), b.expect("claim b"));
    let mut ids: Vec<&str> = a.iter().chain(&b).map(|m| m.id.as_str()).collect();
    let total = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), total, "a mail was leased twice");
    assert!(a.len() <= 20 && b.len() <= 20);
    assert!(a.iter().chain(&b).all(|m| m.lease_until == Some(lease)));

    // Whatever is left is claimable; then nothing until the leases end.
    let rest = db.claim_mail(now, lease, 50).await.expect("claim rest");
    assert_eq!(total + rest.len(), 30);
    assert!(db.claim_mail(now + MINUTE_US, lease, 50).await.expect("claim").is_empty());
    let again = db.claim_mail(lease + 1, lease + 5 * MINUTE_US, 50).await.expect("claim after expiry");
    assert_eq!(again.len(), 30);
    assert_eq!(db.outbox_pending_count().await.expect("count"), 30);
}

#[test]
fn sink_decoders() {
    assert_eq!(smtp_sink::decode_rfc2047("=?utf-8?b?6rWs66aE?="), "구름");
    assert_eq!(smtp_sink::decode_rfc2047("=?UTF-8?B?6rWs?= =?UTF-8?B?66aE?= 알림"), "구름 알림");
    assert_eq!(smtp_sink::decode_rfc2047("Test with utf-8 =?utf-8?b?w6s=?="), "Test with utf-8 ë");
    assert_eq!(smtp_sink::decode_rfc2047("=?utf-8?q?a_b=3Dc?="), "a b=c");
    assert_eq!(smtp_sink::decode_rfc2047("plain subject"), "plain subject");
    assert_eq!(smtp_sink::decode_base64("7ZWc6rWt\r\n7Ja0").as_deref(), Some("한국어".as_bytes()));
    assert_eq!(smtp_sink::decode_quoted_printable("=ED=95=9C=\r\n=EA=B5=AD a=3D1", false), "한국 a=1".as_bytes());
}
