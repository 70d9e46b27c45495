//! The `gureum` binary's data commands, black-box: import, export, audit verify, reindex, and
//! recovery after a crash, on the engine of the run.

mod common;

use common::{fresh_database_url, gureum};
use serde_json::{Value, json};
use std::io::Write;

fn line(code: &str, name: &str, bn: &str) -> Value {
    json!({
        "name": name, "code": code,
        "supplier": {"name": "테스트클라우드", "business_number": bn, "size": "small"},
        "kind": "saas", "category": "전자결재", "tags": ["전자결재"],
        "summary": "공공기관 전자결재", "description": "설명",
        "price_plans": [{"name": "기본", "model": "metered", "unit": "사용자/월", "unit_price_krw": 5000}],
        "certification": {"scheme": "CSAP", "type": "standard", "grade": "low", "number": "CSAP-S-1", "valid_from": "2024-01-01", "valid_to": "2028-12-31", "host_infra": null},
        "integrations": ["GPKI"]
    })
}

fn write_lines(path: &std::path::Path, lines: &[String]) {
    let mut f = std::fs::File::create(path).expect("create");
    for l in lines {
        f.write_all(l.as_bytes()).expect("write");
        f.write_all(b"\n").expect("write");
    }
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

async fn setup() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = fresh_database_url(&dir).await;
    (dir, url)
}

#[tokio::test]
async fn import_reports_bad_lines_by_number_and_field_and_imports_the_rest() {
    let (dir, url) = setup().await;
    let good = line("SAS-4-09-10374", "누리 전자결재", "220-81-62517");
    let mut bad_bn = line("SAS-4-09-10375", "나쁜 번호", "220-81-62518");
    bad_bn["supplier"]["business_number"] = json!("220-81-62518");
    let mut neg = line("SAS-4-09-10376", "음수 가격", "2208162517");
    neg["price_plans"][0]["unit_price_krw"] = json!(-1);
    let mut kind = line("SAS-4-09-10377", "모르는 종류", "2208162517");
    kind["kind"] = json!("cloud");
    let mut grade = line("SAS-4-09-10378", "모르는 등급", "2208162517");
    grade["certification"]["grade"] = json!("top");
    let mut ends = line("SAS-4-09-10379", "거꾸로 인증", "2208162517");
    ends["certification"]["valid_to"] = json!("2023-01-01");
    let mut missing = line("SAS-4-09-10380", "이름 없음", "2208162517");
    missing.as_object_mut().expect("obj").remove("name");
    let second = line("SAS-4-09-10381", "누리 영상회의", "2208162517");
    let lines = vec![
        good.to_string(),                                      // 1 ok
        "{not json".to_owned(),                                // 2 malformed
        bad_bn.to_string(),                                    // 3 business number
        neg.to_string(),                                       // 4 negative price
        kind.to_string(),                                      // 5 kind
        grade.to_string(),                                     // 6 grade
        ends.to_string(),                                      // 7 certificate ends before it starts
        missing.to_string(),                                   // 8 missing field
        good.to_string(),                                      // 9 code twice in one file
        format!("{{\"name\": \"{}\"}}", "가".repeat(400_000)), // 10 over 1 MiB
        second.to_string(),                                    // 11 ok
    ];
    let file = dir.path().join("in.jsonl");
    write_lines(&file, &lines);
    let out = gureum(dir.path(), &url, &["import", "services", file.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("imported 2, revised 0, unchanged 0, rejected 9"), "{}", stdout(&out));
    let err = stderr(&out);
    for expect in [
        "line 2: line: malformed JSON",
        "line 3: supplier.business_number",
        "line 4: price_plans[0].unit_price_krw",
        "line 5: kind",
        "line 6: certification.grade",
        "line 7: certification.valid_to",
        "line 8: name",
        "line 9: code",
        "line 10: line: longer than",
    ] {
        assert!(err.contains(expect), "stderr lacks {expect:?}:\n{err}");
    }
    // export holds exactly the two good services
    let out = gureum(dir.path(), &url, &["export", "services"]);
    assert_eq!(out.status.code(), Some(0));
    let exported: Vec<Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert_eq!(exported.len(), 2);
    assert_eq!(exported[0]["code"], "SAS-4-09-10374");
    // re-import: unchanged; a changed line makes a revision; another supplier's code is refused
    let out = gureum(dir.path(), &url, &["import", "services", file.to_str().expect("path")]);
    assert!(stdout(&out).contains("imported 0, revised 0, unchanged 2"), "{}", stdout(&out));
    let mut changed = good.clone();
    changed["summary"] = json!("새 요약");
    let mut other = line("SAS-4-09-10381", "남의 코드", "1018101810");
    other["supplier"]["business_number"] = json!(gureum_domain::BusinessNumber::from_first9([1, 2, 3, 4, 5, 6, 7, 8, 9]).digits());
    let file2 = dir.path().join("in2.jsonl");
    write_lines(&file2, &[changed.to_string(), other.to_string()]);
    let out = gureum(dir.path(), &url, &["import", "services", file2.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("imported 0, revised 1, unchanged 0, rejected 1"), "{}", stdout(&out));
    assert!(stderr(&out).contains("line 2: code"), "{}", stderr(&out));
    let out = gureum(dir.path(), &url, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("OK: "), "{}", stdout(&out));
    // a batch of no lines is refused before anything is read
    let out = gureum(dir.path(), &url, &["import", "services", "--batch", "0", file2.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--batch"), "{}", stderr(&out));
    // one line a transaction follows the same rules: the first file again revises the changed one back
    let out = gureum(dir.path(), &url, &["import", "services", "--batch", "1", file.to_str().expect("path")]);
    assert!(stdout(&out).contains("imported 0, revised 1, unchanged 1, rejected 9"), "{}", stdout(&out));
}

#[tokio::test]
async fn a_file_that_is_not_utf8_is_refused_line_by_line() {
    let (dir, url) = setup().await;
    let file = dir.path().join("latin1.jsonl");
    let mut bytes = line("SAS-4-09-10374", "좋은 줄", "2208162517").to_string().into_bytes();
    bytes.push(b'\n');
    bytes.extend_from_slice(b"{\"name\": \"caf\xe9\"}\n");
    std::fs::write(&file, bytes).expect("write");
    let out = gureum(dir.path(), &url, &["import", "services", file.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("line 2: line: not valid UTF-8"), "{}", stderr(&out));
    assert!(stdout(&out).contains("imported 1"));
}

#[tokio::test]
async fn export_then_import_into_an_empty_folder_reproduces_the_catalog() {
    let (dir, url) = setup().await;
    let out = gureum(dir.path(), &url, &["seed", "--services", "120", "--seed", "9"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // seed left the index up to date
    let db = gureum_storage::Db::connect(&url, common::clock()).await.expect("db");
    let index = gureum_app::index::IndexSync::open(db.clone(), &dir.path().join("index"), false).expect("index");
    assert!(!index.was_created());
    assert_eq!(index.index().doc_count() as i64, db.count_all_services().await.expect("count"));
    assert_eq!(index.index().applied_seq(), Some(db.max_change_seq().await.expect("seq")));
    db.close().await;
    let out = gureum(dir.path(), &url, &["reindex"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("reindexed 120 services"), "{}", stdout(&out));
    let db = gureum_storage::Db::connect(&url, common::clock()).await.expect("db");
    let index = gureum_app::index::IndexSync::open(db.clone(), &dir.path().join("index"), false).expect("index");
    assert_eq!(index.generation(), "gen-2", "reindex built a new generation and made it live");
    assert_eq!(index.index().doc_count(), 120);
    db.close().await;
    let exported = dir.path().join("catalog.jsonl");
    let out = gureum(dir.path(), &url, &["export", "services", "--output", exported.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let first = std::fs::read_to_string(&exported).expect("read");
    assert!(first.lines().count() > 100);

    let (dir2, url2) = setup().await;
    let out = gureum(dir2.path(), &url2, &["import", "services", exported.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = gureum(dir2.path(), &url2, &["export", "services"]);
    let second = stdout(&out);
    for (n, (a, b)) in first.lines().zip(second.lines()).enumerate() {
        assert_eq!(a, b, "line {} differs", n + 1);
    }
    assert_eq!(first.lines().count(), second.lines().count());
}

#[tokio::test]
async fn audit_verify_names_the_first_tampered_event() {
    let (dir, url) = setup().await;
    let file = dir.path().join("a.jsonl");
    write_lines(&file, &[line("SAS-4-09-10374", "하나", "2208162517").to_string()]);
    gureum(dir.path(), &url, &["import", "services", file.to_str().expect("path")]);
    write_lines(&file, &[line("SAS-4-09-10375", "둘", "2208162517").to_string()]);
    gureum(dir.path(), &url, &["import", "services", file.to_str().expect("path")]);
    write_lines(&file, &[line("SAS-4-09-10376", "셋", "2208162517").to_string()]);
    gureum(dir.path(), &url, &["import", "services", file.to_str().expect("path")]);
    let out = gureum(dir.path(), &url, &["audit", "verify"]);
    assert_eq!(stdout(&out).trim(), "OK: 3 events, chain intact");
    // every column of the event is recorded
    let db = gureum_storage::Db::connect(&url, common::clock()).await.expect("db");
    sqlx::query("UPDATE audit_events SET after_json = REPLACE(after_json, '\"line\":1', '\"line\":7') WHERE seq = 2")
        .execute(db.pool())
        .await
        .expect("tamper");
    db.close().await;
    let out = gureum(dir.path(), &url, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).starts_with("BROKEN at event 2"), "{}", stdout(&out));
}

/// `kill -9` in the middle of an import: the next start finds the database and the index
/// consistent (every service the database holds is in the index, with its status).
#[tokio::test]
async fn a_killed_import_leaves_a_consistent_database_and_index() {
    let (dir, url) = setup().await;
    let file = dir.path().join("big.jsonl");
    let lines: Vec<String> = (0..20_000)
        .map(|i| {
            let code = format!("SAS-4-09-{:05}", 20000 + i);
            line(&code, &format!("서비스 {i}"), "2208162517").to_string()
        })
        .collect();
    write_lines(&file, &lines);
    let db = gureum_storage::Db::connect(&url, common::clock()).await.expect("db");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gureum"))
        .arg("--data-dir")
        .arg(dir.path())
        .arg("--database-url")
        .arg(&url)
        .args(["import", "services", "--batch", "2000", file.to_str().expect("path")])
        .env("GUREUM_NOW", common::NOW)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    // Kill once some batches have committed (polling the database, not the clock).
    for _ in 0..600 {
        if db.count_all_services().await.unwrap_or(0) >= 2_000 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    child.kill().expect("kill -9");
    let _ = child.wait();
    let in_db = db.count_all_services().await.expect("count");
    // The import commits 2,000 lines at a time (--batch).
    assert!(in_db > 0 && in_db % 2_000 == 0, "whole batches only: {in_db}");
    assert!(in_db < 20_000, "the import was killed before it finished");
    eprintln!("killed after {in_db} of 20000 services");
    // On SQLite the import into an empty catalog loaded without the supplier index, which it
    // builds at its end: killed, it left it missing.
    let supplier_index = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'ix_services_supplier'")
            .fetch_one(db.pool())
            .await
            .expect("schema")
    };
    let sqlite = db.backend() == gureum_storage::Backend::Sqlite;
    if sqlite {
        assert_eq!(supplier_index().await, 0, "the killed import had deferred the supplier index");
    }
    // The next start (here: a data command, which brings the index current) repairs the index.
    let out = gureum(dir.path(), &url, &["migrate"]);
    assert_eq!(out.status.code(), Some(0));
    if sqlite {
        assert_eq!(supplier_index().await, 1, "the next start builds the supplier index");
    }
    let sync = std::sync::Arc::new(gureum_app::index::IndexSync::open(db.clone(), &dir.path().join("index"), true).expect("open index"));
    if sync.was_created() {
        sync.rebuild(|_| {}).await.expect("rebuild");
    } else {
        sync.catch_up().await.expect("catch up");
    }
    let mut ids: Vec<(String, String)> = sync.index().all_ids().expect("ids");
    ids.sort();
    assert_eq!(ids.len() as i64, in_db);
    let out = gureum(dir.path(), &url, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    db.close().await;
}

/// `serve` with a missing, then a damaged, index folder rebuilds it from the database and
/// answers 503 `index_not_ready` only until then.
#[tokio::test]
async fn serve_repairs_a_missing_or_damaged_index() {
    let (dir, url) = setup().await;
    let out = gureum(dir.path(), &url, &["seed", "--services", "80"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let index = dir.path().join("index");
    let damage: [&dyn Fn(&std::path::Path); 2] = [&|p| std::fs::remove_dir_all(p).expect("remove index"), &|p| {
        let generation = gureum_app::index::current_generation(p).expect("a live generation");
        std::fs::write(p.join(generation).join("meta.json"), b"{ this is not tantivy").expect("damage meta")
    }];
    let client = reqwest::Client::new();
    for hurt in damage {
        hurt(&index);
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("port");
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_gureum"))
            .arg("--data-dir")
            .arg(dir.path())
            .arg("--database-url")
            .arg(&url)
            .args(["serve", "--port", &port.to_string()])
            .env("GUREUM_NOW", common::NOW)
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("serve");
        struct Kill(std::process::Child);
        impl Drop for Kill {
            fn drop(&mut self) {
                let _ = self.0.kill();
                let _ = self.0.wait();
            }
        }
        let _guard = Kill(child);
        let base = format!("http://127.0.0.1:{port}");
        let mut ready = false;
        for _ in 0..300 {
            match client.get(format!("{base}/readyz")).send().await {
                Ok(r) if r.status() == 200 => {
                    ready = true;
                    break;
                }
                Ok(r) => {
                    // before it is ready, search says so
                    assert_eq!(r.status(), 503);
                    let s = client.get(format!("{base}/api/v1/services")).send().await.expect("search");
                    if s.status() == 503 {
                        let v: Value = s.json().await.expect("json");
                        assert_eq!(v["code"], "index_not_ready");
                    }
                }
                Err(_) => {}
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(ready, "serve became ready");
        let v: Value = client.get(format!("{base}/api/v1/services?per_page=1")).send().await.expect("search").json().await.expect("json");
        let db = gureum_storage::Db::connect(&url, common::clock()).await.expect("db");
        let listed = db.count_services(gureum_domain::ServiceStatus::Listed).await.expect("count");
        db.close().await;
        assert_eq!(v["total"].as_i64(), Some(listed), "every listed service is searchable again");
    }
}

/// Every service the database holds, with its status, in id order.
async fn database_truth(db: &gureum_storage::Db) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut after = String::new();
    loop {
        let batch = db.index_sources_batch(&after, 1_000).await.expect("batch");
        let Some(last) = batch.last() else { break };
        after = last.record.id.clone();
        out.extend(batch.into_iter().map(|s| (s.record.id, s.record.status.as_str().to_owned())));
    }
    out
}

/// `kill -9` at several points of an import and of a reindex: each time the next start (a
/// server) brings the index to agree with the database, service by service.
#[tokio::test]
async fn kills_at_several_points_leave_a_database_and_index_that_agree() {
    let (dir, url) = setup().await;
    let out = gureum(dir.path(), &url, &["seed", "--services", "1500"]);
    assert_eq!(out.status.code(), Some(0));
    let file = dir.path().join("more.jsonl");
    let lines: Vec<String> =
        (0..4000).map(|i| line(&format!("SAS-4-09-{:05}", 40000 + i), &format!("추가 서비스 {i}"), "2208162517").to_string()).collect();
    write_lines(&file, &lines);
    let db = gureum_storage::Db::connect(&url, common::clock()).await.expect("db");
    let spawn = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_gureum"))
            .arg("--data-dir")
            .arg(dir.path())
            .arg("--database-url")
            .arg(&url)
            .args(args)
            .env("GUREUM_NOW", common::NOW)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn")
    };
    // an import killed after a few batches, then again further on (re-running it)
    for threshold in [1_500 + 500, 1_500 + 2_000] {
        let mut child = spawn(&["import", "services", "--batch", "2000", file.to_str().expect("path")]);
        for _ in 0..600 {
            if db.count_all_services().await.unwrap_or(0) >= threshold {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        child.kill().expect("kill -9");
        let _ = child.wait();
        assert_index_agrees(&dir, &url, &db).await;
    }
    // a reindex killed while it builds its new generation
    let mut child = spawn(&["reindex"]);
    let index_dir = dir.path().join("index");
    for _ in 0..600 {
        if std::fs::read_dir(&index_dir)
            .map(|rd| rd.filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().starts_with("gen-")).count() > 1)
            .unwrap_or(false)
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    child.kill().expect("kill -9");
    let _ = child.wait();
    assert_index_agrees(&dir, &url, &db).await;
    db.close().await;
}

/// Starts a server on the folder (the next start), waits until ready, stops it, and compares
/// every service of the database with the index.
async fn assert_index_agrees(dir: &tempfile::TempDir, url: &str, db: &gureum_storage::Db) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("port");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gureum"))
        .arg("--data-dir")
        .arg(dir.path())
        .arg("--database-url")
        .arg(url)
        .args(["serve", "--port", &port.to_string()])
        .env("GUREUM_NOW", common::NOW)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("serve");
    let c = reqwest::Client::new();
    let mut ready = false;
    for _ in 0..600 {
        if c.get(format!("http://127.0.0.1:{port}/readyz")).send().await.map(|r| r.status() == 200).unwrap_or(false) {
            ready = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(ready, "the next start became ready");
    let sync = gureum_app::index::IndexSync::open(db.clone(), &dir.path().join("index"), false).expect("index");
    let mut in_index = sync.index().all_ids().expect("ids");
    in_index.sort();
    let truth = database_truth(db).await;
    assert_eq!(in_index.len(), truth.len(), "as many documents as services");
    assert!(in_index == truth, "every service is in the index with its status");
}
