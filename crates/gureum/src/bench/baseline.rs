//! The baselines `gureum bench search --baseline …` runs the same query set against: what a team
//! would otherwise build. `sqlite`: an FTS5 trigram table plus a plain side table for the filters;
//! `postgres`: a `tsvector` column (`simple` configuration) with a GIN index. Both answer a search
//! with the top 20, the filtered total and GROUP BY counts for kind and category, each facet with
//! every filter but its own.
//!
//! Differences to Gureum's matching, on purpose kept as a team would have them: the trigram
//! tokenizer cannot match words under three characters from the index (those fall back to a
//! LIKE scan), and `simple` tsvectors match Korean words as whole space-separated tokens only.

use crate::cli::Failure;
use sqlx::Row;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use std::str::FromStr;

/// One listed service, flattened for the baselines.
struct Flat {
    sid: String,
    name: String,
    tags: String,
    tags_text: String,
    kind: String,
    category: String,
    supplier: String,
    summary: String,
    description: String,
    grade: Option<String>,
    certified: i64,
    price_from: Option<i64>,
    sme: i64,
}

fn flatten(sid: String, content: &str, supplier: String, size: &str, today: &str) -> Option<Flat> {
    let v: serde_json::Value = serde_json::from_str(content).ok()?;
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_owned();
    let tags: Vec<String> = v
        .get("tags")
        .and_then(|t| t.as_array())
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    let cert = v.get("certification").filter(|c| !c.is_null());
    let valid = cert.is_some_and(|c| {
        let from = c.get("valid_from").and_then(|x| x.as_str()).unwrap_or("9999");
        let to = c.get("valid_to").and_then(|x| x.as_str()).unwrap_or("0000");
        from <= today && today <= to
    });
    let grade = if valid { cert.and_then(|c| c.get("grade")).and_then(|g| g.as_str()).map(str::to_owned) } else { None };
    let price_from = v
        .get("price_plans")
        .and_then(|p| p.as_array())
        .and_then(|a| a.iter().filter_map(|p| p.get("unit_price_krw").and_then(|x| x.as_i64())).min());
    let name_en = s("name_en");
    Some(Flat {
        sid,
        name: if name_en.is_empty() { s("name") } else { format!("{} {name_en}", s("name")) },
        tags: format!("|{}|", tags.join("|")),
        tags_text: tags.join(" "),
        kind: s("kind"),
        category: s("category"),
        supplier,
        summary: s("summary"),
        description: s("description"),
        grade,
        certified: i64::from(valid),
        price_from,
        sme: i64::from(size == "small" || size == "medium"),
    })
}

const LISTED: &str = "SELECT s.id AS sid, r.content AS content, p.name AS sname, p.size AS size FROM services s \
     JOIN service_revisions r ON r.service_id = s.id AND r.revision = s.public_revision \
     JOIN suppliers p ON p.id = s.supplier_id WHERE s.status = 'listed' ORDER BY s.first_listed_at, s.id";

/// A search of the query set, as the baselines read it.
#[derive(Debug, Default, Clone)]
pub struct Search {
    words: Vec<String>,
    kind: Vec<String>,
    category: Vec<String>,
    tag: Vec<String>,
    grade: Vec<String>,
    certified: bool,
    sme: bool,
    min_price: Option<i64>,
    max_price: Option<i64>,
    sort: String,
    /// The page size (`per_page`, default 20).
    pub limit: u32,
}

impl Search {
    pub fn parse(line: &str) -> Self {
        let mut s = Search { limit: 20, ..Search::default() };
        for (k, v) in gureum_app::query::pairs(Some(line)) {
            match k.as_str() {
                "q" => s.words = v.split_whitespace().map(str::to_owned).collect(),
                "kind" => s.kind.push(v),
                "category" => s.category.push(v),
                "tag" => s.tag.push(v),
                "csap_grade" => s.grade.push(v),
                "certified" => s.certified = v == "true",
                "sme" => s.sme = v == "true",
                "min_price" => s.min_price = v.parse().ok(),
                "max_price" => s.max_price = v.parse().ok(),
                "sort" => s.sort = v,
                "per_page" => s.limit = v.parse().unwrap_or(20),
                _ => {}
            }
        }
        s
    }

    /// The filter conditions on the side table `s`, leaving out `except`.
    fn filters(&self, except: &str) -> Vec<String> {
        let list = |vals: &[String]| vals.iter().map(|v| lit(v)).collect::<Vec<_>>().join(", ");
        let mut c = Vec::new();
        if except != "kind" && !self.kind.is_empty() {
            c.push(format!("s.kind IN ({})", list(&self.kind)));
        }
        if except != "category" && !self.category.is_empty() {
            c.push(format!("s.category IN ({})", list(&self.category)));
        }
        if !self.tag.is_empty() {
            c.push(format!(
                "({})",
                self.tag.iter().map(|t| format!("s.tags LIKE {}", lit(&format!("%|{t}|%")))).collect::<Vec<_>>().join(" OR ")
            ));
        }
        if !self.grade.is_empty() {
            c.push(format!("s.csap_grade IN ({})", list(&self.grade)));
        }
        if self.certified {
            c.push("s.certified = 1".into());
        }
        if self.sme {
            c.push("s.sme = 1".into());
        }
        if let Some(p) = self.min_price {
            c.push(format!("s.price_from >= {p}"));
        }
        if let Some(p) = self.max_price {
            c.push(format!("s.price_from <= {p}"));
        }
        c
    }

    fn order(&self, relevance: Option<&str>) -> String {
        match self.sort.as_str() {
            "price_asc" => "s.price_from IS NULL, s.price_from ASC, s.id".into(),
            "price_desc" => "s.price_from IS NULL, s.price_from DESC, s.id".into(),
            "newest" => "s.id DESC".into(),
            _ => relevance.map(|r| format!("{r}, s.id")).unwrap_or_else(|| "s.id".into()),
        }
    }
}

/// SQL built here from the fixed query set, its values quoted by [`lit`].
fn dynamic(sql: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(sql)
}

/// An SQL string literal.
fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn where_clause(mut c: Vec<String>) -> String {
    if c.is_empty() {
        return String::new();
    }
    let first = c.remove(0);
    std::iter::once(format!(" WHERE {first}")).chain(c.into_iter().map(|x| format!(" AND {x}"))).collect()
}

/// What a baseline search returns (kept so that the work is not optimised away).
#[derive(Debug, Default)]
pub struct Answer {
    pub total: i64,
    pub items: usize,
    pub facet_values: usize,
}

pub enum Baseline {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Baseline {
    pub fn name(&self) -> &'static str {
        match self {
            Baseline::Sqlite(_) => "sqlite",
            Baseline::Postgres(_) => "postgres",
        }
    }

    /// Builds the SQLite FTS5 baseline in `path` from the listed services of the scratch SQLite.
    pub async fn build_sqlite(source_url: &str, path: &std::path::Path, today: &str) -> Result<Self, Failure> {
        let src = SqlitePool::connect(source_url).await?;
        let rows = sqlx::query(LISTED).fetch_all(&src).await?;
        src.close().await;
        let opts = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal);
        let pool = SqlitePoolOptions::new().max_connections(2).connect_with(opts).await?;
        sqlx::query(
            "CREATE TABLE svc (id INTEGER PRIMARY KEY, sid TEXT NOT NULL, name TEXT NOT NULL, summary TEXT NOT NULL, kind TEXT NOT NULL, \
             category TEXT NOT NULL, tags TEXT NOT NULL, csap_grade TEXT, certified INTEGER NOT NULL, price_from INTEGER, sme INTEGER NOT NULL)",
        )
        .execute(&pool)
        .await?;
        sqlx::query("CREATE VIRTUAL TABLE svc_fts USING fts5(name, tags, category, supplier, summary, description, tokenize='trigram')")
            .execute(&pool)
            .await?;
        let mut tx = pool.begin().await?;
        for (i, row) in rows.iter().enumerate() {
            let content: String = row.try_get("content")?;
            let size: String = row.try_get("size")?;
            let Some(f) = flatten(row.try_get("sid")?, &content, row.try_get("sname")?, &size, today) else { continue };
            let id = i as i64 + 1;
            sqlx::query("INSERT INTO svc VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .bind(id)
                .bind(&f.sid)
                .bind(&f.name)
                .bind(&f.summary)
                .bind(&f.kind)
                .bind(&f.category)
                .bind(&f.tags)
                .bind(&f.grade)
                .bind(f.certified)
                .bind(f.price_from)
                .bind(f.sme)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO svc_fts (rowid, name, tags, category, supplier, summary, description) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .bind(id)
                .bind(&f.name)
                .bind(&f.tags_text)
                .bind(&f.category)
                .bind(&f.supplier)
                .bind(&f.summary)
                .bind(&f.description)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        for ix in ["kind", "category", "price_from", "csap_grade"] {
            sqlx::query(dynamic(format!("CREATE INDEX ix_svc_{ix} ON svc({ix})"))).execute(&pool).await?;
        }
        sqlx::query("ANALYZE").execute(&pool).await?;
        Ok(Baseline::Sqlite(pool))
    }

    /// Builds the PostgreSQL tsvector baseline in the bench database `url` (already seeded).
    pub async fn build_postgres(url: &str, today: &str) -> Result<Self, Failure> {
        let pool = PgPoolOptions::new().max_connections(2).connect(url).await?;
        let rows = sqlx::query(dynamic(LISTED.replace("r.content AS content", "r.content::text AS content"))).fetch_all(&pool).await?;
        sqlx::query(
            "CREATE TABLE bl_svc (id BIGINT PRIMARY KEY, sid TEXT NOT NULL, name TEXT NOT NULL, summary TEXT NOT NULL, kind TEXT NOT NULL, \
             category TEXT NOT NULL, tags TEXT NOT NULL, tags_text TEXT NOT NULL, supplier TEXT NOT NULL, description TEXT NOT NULL, \
             csap_grade TEXT, certified INT NOT NULL, price_from BIGINT, sme INT NOT NULL, tsv tsvector)",
        )
        .execute(&pool)
        .await?;
        let mut tx = pool.begin().await?;
        for (i, row) in rows.iter().enumerate() {
            let content: String = row.try_get("content")?;
            let size: String = row.try_get("size")?;
            let Some(f) = flatten(row.try_get("sid")?, &content, row.try_get("sname")?, &size, today) else { continue };
            sqlx::query("INSERT INTO bl_svc VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, NULL)")
                .bind(i as i64 + 1)
                .bind(&f.sid)
                .bind(&f.name)
                .bind(&f.summary)
                .bind(&f.kind)
                .bind(&f.category)
                .bind(&f.tags)
                .bind(&f.tags_text)
                .bind(&f.supplier)
                .bind(&f.description)
                .bind(&f.grade)
                .bind(f.certified as i32)
                .bind(f.price_from)
                .bind(f.sme as i32)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        sqlx::query(
            "UPDATE bl_svc SET tsv = setweight(to_tsvector('simple', name), 'A') || setweight(to_tsvector('simple', tags_text), 'B') \
             || setweight(to_tsvector('simple', category || ' ' || supplier), 'C') || setweight(to_tsvector('simple', summary || ' ' || description), 'D')",
        )
        .execute(&pool)
        .await?;
        sqlx::query("CREATE INDEX ix_bl_svc_tsv ON bl_svc USING GIN (tsv)").execute(&pool).await?;
        for ix in ["kind", "category", "price_from", "csap_grade"] {
            sqlx::query(dynamic(format!("CREATE INDEX ix_bl_svc_{ix} ON bl_svc({ix})"))).execute(&pool).await?;
        }
        sqlx::query("ANALYZE bl_svc").execute(&pool).await?;
        Ok(Baseline::Postgres(pool))
    }

    /// Runs one search: top 20, total, kind and category facets.
    pub async fn search(&self, s: &Search) -> Result<Answer, Failure> {
        match self {
            Baseline::Sqlite(pool) => {
                let long: Vec<&String> = s.words.iter().filter(|w| w.chars().count() >= 3).collect();
                let short: Vec<&String> = s.words.iter().filter(|w| w.chars().count() < 3).collect();
                let mut text = Vec::new();
                if !long.is_empty() {
                    let expr = long.iter().map(|w| format!("\"{}\"", w.replace('"', "\"\""))).collect::<Vec<_>>().join(" AND ");
                    text.push(format!("svc_fts MATCH {}", lit(&expr)));
                }
                for w in &short {
                    let pat = lit(&format!("%{w}%"));
                    text.push(format!(
                        "(svc_fts.name LIKE {pat} OR svc_fts.tags LIKE {pat} OR svc_fts.category LIKE {pat} OR svc_fts.supplier LIKE {pat} \
                         OR svc_fts.summary LIKE {pat} OR svc_fts.description LIKE {pat})"
                    ));
                }
                let from = if s.words.is_empty() { "svc s" } else { "svc_fts JOIN svc s ON s.id = svc_fts.rowid" };
                let relevance = (!long.is_empty()).then_some("bm25(svc_fts)");
                let cond = |except: &str| {
                    let mut c = text.clone();
                    c.extend(s.filters(except));
                    where_clause(c)
                };
                let top = format!(
                    "SELECT s.sid, s.name, s.summary, s.kind, s.category, s.price_from FROM {from}{} ORDER BY {} LIMIT {}",
                    cond(""),
                    s.order(relevance),
                    s.limit
                );
                let items = sqlx::query(dynamic(top)).fetch_all(pool).await?.len();
                let total: i64 =
                    sqlx::query(dynamic(format!("SELECT COUNT(*) FROM {from}{}", cond("")))).fetch_one(pool).await?.try_get(0)?;
                let mut facet_values = 0;
                for f in ["kind", "category"] {
                    let sql = format!("SELECT s.{f}, COUNT(*) FROM {from}{} GROUP BY s.{f}", cond(f));
                    facet_values += sqlx::query(dynamic(sql)).fetch_all(pool).await?.len();
                }
                Ok(Answer { total, items, facet_values })
            }
            Baseline::Postgres(pool) => {
                let mut text = Vec::new();
                let words = s.words.join(" ");
                if !s.words.is_empty() {
                    text.push(format!("s.tsv @@ plainto_tsquery('simple', {})", lit(&words)));
                }
                let rank = format!("ts_rank(s.tsv, plainto_tsquery('simple', {})) DESC", lit(&words));
                let relevance = (!s.words.is_empty()).then_some(rank.as_str());
                let cond = |except: &str| {
                    let mut c = text.clone();
                    c.extend(s.filters(except));
                    where_clause(c)
                };
                let top = format!(
                    "SELECT s.sid, s.name, s.summary, s.kind, s.category, s.price_from FROM bl_svc s{} ORDER BY {} LIMIT {}",
                    cond(""),
                    s.order(relevance),
                    s.limit
                );
                let items = sqlx::query(dynamic(top)).fetch_all(pool).await?.len();
                let total: i64 =
                    sqlx::query(dynamic(format!("SELECT COUNT(*) FROM bl_svc s{}", cond("")))).fetch_one(pool).await?.try_get(0)?;
                let mut facet_values = 0;
                for f in ["kind", "category"] {
                    let sql = format!("SELECT s.{f}, COUNT(*) FROM bl_svc s{} GROUP BY s.{f}", cond(f));
                    facet_values += sqlx::query(dynamic(sql)).fetch_all(pool).await?.len();
                }
                Ok(Answer { total, items, facet_values })
            }
        }
    }

    pub async fn close(&self) {
        match self {
            Baseline::Sqlite(p) => p.close().await,
            Baseline::Postgres(p) => p.close().await,
        }
    }
}

/// A fresh PostgreSQL database `bench_<uuid>` next to the one `admin_url` names; dropped by
/// [`PgScratch::drop_db`].
pub struct PgScratch {
    admin_url: String,
    pub name: String,
    pub url: String,
}

impl PgScratch {
    pub async fn create(admin_url: &str) -> Result<Self, Failure> {
        let name = format!("bench_{}", uuid::Uuid::new_v4().simple());
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect(admin_url)
            .await
            .map_err(|e| Failure::env(format!("cannot reach PostgreSQL at {admin_url}: {e}")))?;
        sqlx::query(dynamic(format!("CREATE DATABASE {name}"))).execute(&admin).await?;
        admin.close().await;
        let (base, query) = match admin_url.split_once('?') {
            Some((b, q)) => (b, format!("?{q}")),
            None => (admin_url, String::new()),
        };
        let prefix = match base.rfind('/') {
            Some(i) if i > "postgres://".len() => &base[..i],
            _ => base,
        };
        Ok(Self { admin_url: admin_url.to_owned(), url: format!("{prefix}/{name}{query}"), name })
    }

    pub async fn drop_db(&self) {
        match PgPoolOptions::new().max_connections(1).connect(&self.admin_url).await {
            Ok(admin) => {
                if let Err(e) = sqlx::query(dynamic(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))).execute(&admin).await {
                    eprintln!("warning: cannot drop {}: {e}", self.name);
                }
                admin.close().await;
            }
            Err(e) => eprintln!("warning: cannot drop {}: {e}", self.name),
        }
    }
}

pub fn pg_admin_url() -> String {
    std::env::var("GUREUM_BENCH_PG_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_filters() {
        let s = Search::parse("q=backup+cloud&kind=iaas&kind=paas&csap_grade=high&max_price=10&sme=true&tag=LMS");
        assert_eq!(s.words, ["backup", "cloud"]);
        let f = s.filters("kind");
        assert!(f.iter().all(|c| !c.starts_with("s.kind")));
        assert!(s.filters("").iter().any(|c| c == "s.kind IN ('iaas', 'paas')"));
        assert!(s.filters("").iter().any(|c| c.contains("'%|LMS|%'")));
        assert_eq!(lit("a'b"), "'a''b'");
    }
}
