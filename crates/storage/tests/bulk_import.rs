//! The bulk SQLite connection writes exactly what the pool's transaction writes: the same batches
//! through both paths give the same outcomes, the same rows in every table the import touches,
//! and the same audit chain, byte for byte.

use gureum_domain::Clock;
use gureum_domain::bizno::check_digit;
use gureum_domain::listing::{ImportLine, parse_import_line};
use gureum_storage::{BatchResult, Db, NewAuditEvent, StagedLine};
use serde_json::json;
use sqlx::Row;

fn business_number(n: u32) -> String {
    let mut first9 = [0u32; 9];
    let digits = format!("{:09}", 220_810_000 + n);
    for (d, c) in first9.iter_mut().zip(digits.chars()) {
        *d = c.to_digit(10).unwrap_or(0);
    }
    format!("{digits}{}", check_digit(&first9))
}

fn line(serial: u32, supplier: u32, summary: &str, status: &str) -> StagedLine {
    StagedLine::new(import_line(serial, supplier, summary, status))
}

fn import_line(serial: u32, supplier: u32, summary: &str, status: &str) -> ImportLine {
    let v = json!({
        "name": format!("전자결재 {serial}"),
        "code": format!("SAS-4-09-{serial:05}"),
        "kind": "saas",
        "category": if serial.is_multiple_of(2) { "전자결재" } else { "그룹웨어" },
        "summary": summary,
        "tags": ["결재", "문서"],
        "price_plans": [{"name": "기본", "model": "metered", "unit": "사용자/월", "unit_price_krw": 5000 + serial}],
        "certification": {"type": "standard", "grade": "low", "number": format!("CSAP-S-{serial}"), "valid_from": "2024-01-01", "valid_to": "2028-12-31", "host_infra": "IAS-1-01-00001"},
        "selected_on": "2025-03-02",
        "supplier": {"name": format!("공급사 {supplier}"), "business_number": business_number(supplier), "size": "small"},
        "status": status,
    });
    parse_import_line(&v).expect("a valid line")
}

/// Three batches: 30 new services of three suppliers; then 10 unchanged, 10 with new content,
/// 10 suspended, 5 new of a fourth supplier; then a known code under another supplier (refused)
/// beside one more new line.
fn batches() -> Vec<Vec<StagedLine>> {
    let first = (1..=30).map(|i| line(i, i % 3, "공공기관용 전자결재", "listed")).collect();
    let mut second: Vec<StagedLine> = Vec::new();
    for i in 1..=30 {
        second.push(match i {
            1..=10 => line(i, i % 3, "공공기관용 전자결재", "listed"),
            11..=20 => line(i, i % 3, "개정된 요약", "listed"),
            _ => line(i, i % 3, "공공기관용 전자결재", "suspended"),
        });
    }
    second.extend((31..=35).map(|i| line(i, 4, "새 서비스", "listed")));
    let third = vec![line(1, 9, "남의 코드", "listed"), line(36, 9, "하나 더", "listed")];
    vec![first, second, third]
}

fn ids() -> impl FnMut(&str) -> String + Send {
    |key: &str| format!("id:{key}")
}

/// A batch's audit event; for an odd number of lines with its after given as canonical text
/// (as the importer writes it), else as a value, so both forms are written through both doors
/// and verified.
fn event(n: usize) -> NewAuditEvent {
    let ev = NewAuditEvent::new("cli", "catalog.import_batch", "import", "test.jsonl");
    if n % 2 == 1 { ev.after_canonical(format!("{{\"lines\":{n},\"source\":\"test.jsonl\"}}")) } else { ev.after(json!({"lines": n})) }
}

async fn open(dir: &tempfile::TempDir, name: &str) -> Db {
    let clock = Clock::parse_fixed("2026-11-23T09:00:00+09:00").expect("clock");
    Db::connect(&format!("sqlite://{}", dir.path().join(name).display()), clock).await.expect("connect")
}

async fn through_pool(db: &Db) -> Vec<BatchResult> {
    let mut out = Vec::new();
    let mut new_id = ids();
    for batch in batches() {
        let mut tx = db.begin_write().await.expect("begin");
        out.push(tx.import_batch(&batch, &mut new_id).await.expect("import"));
        tx.audit(event(batch.len())).await.expect("audit");
        tx.commit().await.expect("commit");
    }
    out
}

async fn through_bulk(db: &Db) -> Vec<BatchResult> {
    let mut bulk = db.sqlite_bulk().expect("open").expect("a SQLite database has a bulk connection");
    tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        let mut new_id = ids();
        for batch in batches() {
            let mut tx = bulk.begin().expect("begin");
            out.push(tx.import_batch(&batch, &mut new_id).expect("import"));
            tx.audit(event(batch.len())).expect("audit");
            tx.commit().expect("commit");
        }
        out
    })
    .await
    .expect("join")
}

/// Every column the import writes, of every table it touches, as text.
async fn contents(db: &Db) -> Vec<Vec<String>> {
    let queries = [
        "SELECT id, business_number, name, size, CAST(created_at AS TEXT) FROM suppliers ORDER BY id",
        "SELECT id, code, supplier_id, status, CAST(public_revision AS TEXT), CAST(latest_revision AS TEXT), host_code, \
         CAST(first_listed_at AS TEXT), CAST(updated_at AS TEXT) FROM services ORDER BY id",
        "SELECT service_id, CAST(revision AS TEXT), content, content_sha256, state FROM service_revisions ORDER BY service_id, revision",
        "SELECT CAST(seq AS TEXT), service_id FROM catalog_changes ORDER BY seq",
        "SELECT name, '' FROM categories ORDER BY name",
        "SELECT CAST(seq AS TEXT), action, after_json, hash FROM audit_events ORDER BY seq",
        "SELECT CAST(seq AS TEXT), hash FROM audit_head",
    ];
    let mut out = Vec::new();
    for q in queries {
        for row in sqlx::query(q).fetch_all(db.pool()).await.expect("query") {
            out.push((0..row.len()).map(|i| row.try_get::<Option<String>, _>(i).expect("text").unwrap_or_default()).collect());
        }
    }
    out
}

#[tokio::test]
async fn the_bulk_connection_writes_what_the_pool_writes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (pool_db, bulk_db) = (open(&dir, "pool.sqlite3").await, open(&dir, "bulk.sqlite3").await);
    let by_pool = through_pool(&pool_db).await;
    let by_bulk = through_bulk(&bulk_db).await;

    let outcomes = |r: &[BatchResult]| -> Vec<String> { r.iter().flat_map(|b| b.lines.iter().map(|l| format!("{l:?}"))).collect() };
    assert_eq!(outcomes(&by_bulk), outcomes(&by_pool));
    let created = |r: &[BatchResult]| -> Vec<String> { r.iter().flat_map(|b| b.created_suppliers.iter().map(|c| c.id.clone())).collect() };
    assert_eq!(created(&by_bulk), created(&by_pool));
    // The batches did what they say: the known code of another supplier was refused.
    assert!(outcomes(&by_pool)[65].contains("CodeOfAnotherSupplier"), "{:?}", outcomes(&by_pool)[65]);
    assert_eq!(outcomes(&by_pool).iter().filter(|o| o.contains("Revised")).count(), 20);
    assert_eq!(outcomes(&by_pool).iter().filter(|o| o.contains("Unchanged")).count(), 10);

    let (a, b) = (contents(&pool_db).await, contents(&bulk_db).await);
    assert!(a.len() > 100, "the tables hold the import: {} rows", a.len());
    assert_eq!(a, b);
    for db in [&pool_db, &bulk_db] {
        assert_eq!(db.verify_audit_chain().await.expect("verify"), gureum_storage::VerifyReport::Ok { events: 3 });
    }
}

#[tokio::test]
async fn the_reading_connection_reads_what_the_pool_reads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = open(&dir, "read.sqlite3").await;
    through_pool(&db).await;
    // The IaaS the services name as their host, listed: their sources carry its certification.
    let mut host = serde_json::to_value(&import_line(1, 1, "x", "listed").listing).expect("json");
    host["kind"] = json!("iaas");
    host["code"] = json!("IAS-1-01-00001");
    host["certification"]["type"] = json!("iaas");
    host["certification"]["host_infra"] = json!(null);
    host["supplier"] = json!({"name": "인프라", "business_number": business_number(7), "size": "large"});
    let host = StagedLine::new(parse_import_line(&host).expect("a valid host line"));
    let mut tx = db.begin_write().await.expect("begin");
    tx.import_batch(&[host], &mut ids()).await.expect("import");
    tx.audit(event(1)).await.expect("audit");
    tx.commit().await.expect("commit");
    let reader = db.sqlite_reader().expect("open").expect("a SQLite database has a reading connection");
    // Pages of 7 in id order, as an index build reads them, through both doors.
    let (mut after, mut pages) = (String::new(), 0);
    loop {
        let by_pool = db.index_sources_batch(&after, 7).await.expect("pool");
        let by_reader = reader.index_sources_batch(&after, 7).expect("reader");
        assert_eq!(by_reader, by_pool);
        let Some(last) = by_pool.last() else { break };
        after = last.record.id.clone();
        pages += 1;
    }
    assert_eq!(pages, 6, "37 services in pages of 7");
    let all = reader.index_sources_batch("", 100).expect("reader");
    assert_eq!(all.iter().filter(|s| s.host_listed && s.host_cert.is_some()).count(), 36, "every SaaS finds its listed host");
}

#[tokio::test]
async fn a_failed_bulk_batch_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = open(&dir, "bulk.sqlite3").await;
    let mut bulk = db.sqlite_bulk().expect("open").expect("bulk");
    let before = contents(&db).await;
    let (result, mut bulk) = tokio::task::spawn_blocking(move || {
        let mut tx = bulk.begin().expect("begin");
        let mut new_id = ids();
        let first = tx.import_batch(&batches()[0], &mut new_id).expect("import");
        // A second import of new codes whose ids collide with the first: the primary key refuses.
        let mut same_ids = |key: &str| if key.starts_with("service:") { "id:service:SAS-4-09-00001".to_owned() } else { key.to_owned() };
        let second = tx.import_batch(&[line(99, 1, "충돌", "listed")], &mut same_ids);
        drop(tx); // not committed: rolled back
        ((first, second.is_err()), bulk)
    })
    .await
    .expect("join");
    assert_eq!(result.0.lines.len(), 30);
    assert!(result.1, "the colliding id was refused");
    assert_eq!(contents(&db).await, before, "nothing of the failed transaction remains");
    // The suppliers the failed transaction created are not remembered by the connection: the
    // same lines again create them again, and every service names a supplier that exists.
    let created = tokio::task::spawn_blocking(move || {
        let mut tx = bulk.begin().expect("begin");
        let result = tx.import_batch(&batches()[0], &mut ids()).expect("import again");
        tx.audit(event(30)).expect("audit");
        tx.commit().expect("commit");
        result.created_suppliers.len()
    })
    .await
    .expect("join");
    assert_eq!(created, 3, "the three suppliers are created again");
    let orphans: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM services WHERE supplier_id NOT IN (SELECT id FROM suppliers)")
        .fetch_one(db.pool())
        .await
        .expect("count");
    assert_eq!(orphans, 0);
}

/// The import benchmark's baseline writes again exactly the rows an import wrote — suppliers
/// in the batch of their first service, the audit chain's head moved as it goes — in batches of
/// its own size, defers and builds the supplier index as the import does, and refuses a target
/// that holds anything or a source that is not one import into an empty catalog.
#[tokio::test]
async fn the_engine_baseline_writes_again_what_an_import_wrote() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = open(&dir, "source.sqlite3").await;
    let bulk = bulk_batch(source.sqlite_bulk().expect("open").expect("bulk"), batches().remove(0), true).await;
    let bulk = bulk_batch(bulk, (31..=35).map(|i| line(i, 4, "새 서비스", "listed")).collect(), true).await;
    tokio::task::spawn_blocking(move || bulk.close()).await.expect("join").expect("close");
    let rewrite = |db: &Db, from: &str, batch: usize| {
        let bulk = db.sqlite_bulk().expect("open").expect("bulk");
        let path = dir.path().join(from);
        tokio::task::spawn_blocking(move || bulk.rewrite_import(&path, batch))
    };

    let target = open(&dir, "target.sqlite3").await;
    let rewritten = rewrite(&target, "source.sqlite3", 10).await.expect("join").expect("rewrite");
    assert_eq!((rewritten.services, rewritten.batches, rewritten.deferred), (35, 4, true), "{rewritten:?}");
    assert!(rewritten.seconds > 0.0 && rewritten.closing <= rewritten.seconds, "{rewritten:?}");
    let (a, b) = (contents(&source).await, contents(&target).await);
    assert!(a.len() > 100, "{} rows", a.len());
    assert_eq!(a, b, "every row, the chain head included");
    assert_eq!(target.verify_audit_chain().await.expect("verify"), gureum_storage::VerifyReport::Ok { events: 2 });
    assert!(supplier_index(&target).await.is_some(), "the deferred index is built at the end");
    // Suppliers in the order the import created them (that of their first service).
    let order = |db: Db| async move {
        sqlx::query_scalar::<_, String>("SELECT id FROM suppliers ORDER BY rowid").fetch_all(db.pool()).await.expect("suppliers")
    };
    assert_eq!(order(target.clone()).await, order(source.clone()).await);

    let again = rewrite(&target, "source.sqlite3", 10).await.expect("join");
    assert!(again.is_err_and(|e| e.to_string().contains("already holds services")));
    let missing = rewrite(&open(&dir, "t2.sqlite3").await, "nowhere.sqlite3", 10).await.expect("join");
    assert!(missing.is_err_and(|e| e.to_string().contains("no database at")));
    // A source where a line revised a service holds two revisions of it: not one import.
    let revised = open(&dir, "revised.sqlite3").await;
    let bulk = bulk_batch(revised.sqlite_bulk().expect("open").expect("bulk"), batches().remove(0), true).await;
    let bulk = bulk_batch(bulk, batches().remove(1), true).await;
    tokio::task::spawn_blocking(move || bulk.close()).await.expect("join").expect("close");
    let refused = rewrite(&open(&dir, "t3.sqlite3").await, "revised.sqlite3", 10).await.expect("join");
    assert!(refused.is_err_and(|e| e.to_string().contains("not one import")));
}

/// A new database file is made of 8 KiB pages (a stored revision, ~1.3 KiB, fills them better
/// than 4 KiB ones), and the pragma that asks for them leaves an existing file as it is.
#[tokio::test]
async fn a_new_database_has_8_kib_pages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = open(&dir, "pages.sqlite3").await;
    let size: i64 = sqlx::query_scalar("PRAGMA page_size").fetch_one(db.pool()).await.expect("page size");
    assert_eq!(size, 8192);
    db.close().await;
    let old = dir.path().join("old.sqlite3");
    let conn = rusqlite::Connection::open(&old).expect("open");
    conn.execute_batch("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE t (x);").expect("make");
    drop(conn);
    let db = Db::connect(&format!("sqlite://{}", old.display()), Clock::parse_fixed("2026-11-23T09:00:00+09:00").expect("clock"))
        .await
        .expect("connect");
    let size: i64 = sqlx::query_scalar("PRAGMA page_size").fetch_one(db.pool()).await.expect("page size");
    assert_eq!(size, 4096, "an existing file keeps its pages");
}

/// The supplier index's definition as the database holds it, if it exists.
async fn supplier_index(db: &Db) -> Option<String> {
    sqlx::query_scalar("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = 'ix_services_supplier'")
        .fetch_optional(db.pool())
        .await
        .expect("schema")
}

/// Writes one batch through `bulk` on a blocking thread, committed with its audit event or
/// rolled back, and hands the connection back.
async fn bulk_batch(mut bulk: gureum_storage::SqliteBulk, batch: Vec<StagedLine>, commit: bool) -> gureum_storage::SqliteBulk {
    tokio::task::spawn_blocking(move || {
        let mut tx = bulk.begin().expect("begin");
        tx.import_batch(&batch, &mut ids()).expect("import");
        if commit {
            tx.audit(event(batch.len())).expect("audit");
            tx.commit().expect("commit");
        } else {
            tx.rollback().expect("rollback");
        }
        bulk
    })
    .await
    .expect("join")
}

/// A bulk connection whose first batch brings more services than the catalog holds loads
/// without the supplier index and builds it when it closes, exactly as the migration defines
/// it; a smaller import keeps it; a batch that rolls back leaves it; and a start after a load
/// that never closed (killed) builds it.
#[tokio::test]
async fn a_large_import_into_a_small_catalog_builds_the_supplier_index_at_its_end() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = open(&dir, "defer.sqlite3").await;
    let migrated = supplier_index(&db).await.expect("the migration creates the index");
    assert!(migrated.contains("services(supplier_id)"), "{migrated}");

    // A first batch that rolls back decides nothing: the index stays.
    let bulk = bulk_batch(db.sqlite_bulk().expect("open").expect("bulk"), batches().remove(0), false).await;
    assert_eq!(supplier_index(&db).await.as_deref(), Some(migrated.as_str()), "a rolled-back batch keeps the index");

    // 30 lines into an empty catalog: loaded without it.
    let bulk = bulk_batch(bulk, batches().remove(0), true).await;
    assert_eq!(supplier_index(&db).await, None, "deferred while the import loads");
    // A supplier's services are still found (by a scan) meanwhile.
    let supplier_id: String =
        sqlx::query_scalar("SELECT supplier_id FROM services ORDER BY code LIMIT 1").fetch_one(db.pool()).await.expect("a supplier");
    let theirs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM services WHERE supplier_id = $1")
        .bind(&supplier_id)
        .fetch_one(db.pool())
        .await
        .expect("count");
    assert_eq!(theirs, 10);
    // The next batch of the same import goes on without it; closing builds it.
    let bulk = bulk_batch(bulk, batches().remove(1), true).await;
    tokio::task::spawn_blocking(move || bulk.close()).await.expect("join").expect("close builds the index");
    assert_eq!(supplier_index(&db).await.as_deref(), Some(migrated.as_str()), "built again as the migration defines it");

    // A batch smaller than the catalog (35 services) keeps the index.
    let bulk = bulk_batch(db.sqlite_bulk().expect("open").expect("bulk"), batches().remove(2), true).await;
    assert_eq!(supplier_index(&db).await.as_deref(), Some(migrated.as_str()), "a small import keeps the index");
    tokio::task::spawn_blocking(move || bulk.close()).await.expect("join").expect("close");

    // A load killed before it closed leaves the index missing; the next start builds it.
    sqlx::query("DROP INDEX ix_services_supplier").execute(db.pool()).await.expect("drop");
    db.close().await;
    let db = open(&dir, "defer.sqlite3").await;
    assert_eq!(supplier_index(&db).await.as_deref(), Some(migrated.as_str()), "the start builds the missing index");
}
