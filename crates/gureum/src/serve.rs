//! `gureum serve` and the index upkeep the data commands share.

use crate::cli::{Cli, CmdResult, Failure, index_dir};
use gureum_app::index::IndexSync;
use gureum_domain::Clock;
use gureum_storage::Db;
use gureum_web::{AppState, router};
use std::sync::Arc;
use std::time::Duration;

/// After `import` or `seed`: bring the index up to date, unless a running server holds it (then
/// its change feed will).
pub async fn update_index_after_write(cli: &Cli, db: &Db) -> Result<(), Failure> {
    let sync = Arc::new(IndexSync::open(db.clone(), &index_dir(&cli.data_dir), true).map_err(Failure::env)?);
    if !sync.is_writer() {
        eprintln!("a running server holds the search index; it applies these changes from its change feed");
        return Ok(());
    }
    bring_current(&sync, db).await?;
    eprintln!("search index is up to date ({} services)", sync.index().doc_count());
    Ok(())
}

/// Catches up, or rebuilds when the folder was new, damaged, or ahead of this database.
async fn bring_current(sync: &Arc<IndexSync>, db: &Db) -> Result<(), Failure> {
    let applied = sync.index().applied_seq().unwrap_or(0);
    let head = db.max_change_seq().await?;
    if sync.was_created() || applied > head {
        let total = db.count_all_services().await?;
        let bar = crate::import::progress_bar(total as u64, false);
        bar.set_message("indexing");
        let b = bar.clone();
        sync.rebuild(move |n| b.set_position(n)).await.map_err(Failure::env)?;
        bar.finish_and_clear();
    } else {
        sync.catch_up().await.map_err(Failure::env)?;
    }
    Ok(())
}

/// Builds a new index generation beside the live one and swaps it in; a running server keeps
/// answering from the old one meanwhile and switches when it sees the swap.
pub async fn reindex_command(cli: &Cli, db: &Db) -> CmdResult {
    let total = db.count_all_services().await?;
    let bar = crate::import::progress_bar(total as u64, false);
    let b = bar.clone();
    let started = std::time::Instant::now();
    let generation =
        gureum_app::index::rebuild_beside(db, &index_dir(&cli.data_dir), move |n| b.set_position(n)).await.map_err(Failure::env)?;
    bar.finish_and_clear();
    println!("reindexed {total} services in {:.1}s (now {generation})", started.elapsed().as_secs_f64());
    Ok(0)
}

/// What `serve` is asked to do.
pub struct ServeOpts<'a> {
    pub port: u16,
    pub bind: &'a str,
    pub demo: bool,
    pub smtp_url: Option<&'a str>,
    /// Where people reach the server (`--public-url` / `GUREUM_PUBLIC_URL`).
    pub public_url: Option<&'a str>,
    /// The OCDS ocid prefix (`--ocid-prefix` / `GUREUM_OCID_PREFIX`).
    pub ocid_prefix: &'a str,
}

/// Checks an ocid prefix: letters, digits and `-`, not starting or ending with `-`.
pub fn ocid_prefix(s: &str) -> Result<String, String> {
    let ok = !s.is_empty()
        && s.len() <= 64
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-');
    if ok { Ok(s.to_owned()) } else { Err("letters, digits and '-' (e.g. ocds-213czf)".into()) }
}

/// An address only this machine can reach.
fn is_loopback(bind: &str) -> bool {
    bind.eq_ignore_ascii_case("localhost") || bind.trim_matches(['[', ']']).parse::<std::net::IpAddr>().is_ok_and(|a| a.is_loopback())
}

/// The public address, refusing (SPEC §4) to serve other machines without HTTPS: session
/// cookies would travel in clear and could not be `Secure`.
pub fn public_url_for(bind: &str, port: u16, public_url: Option<&str>) -> Result<String, Failure> {
    let url = public_url.map(str::trim).filter(|u| !u.is_empty());
    if !is_loopback(bind) && !url.is_some_and(|u| u.starts_with("https://")) {
        return Err(Failure::env(format!(
            "refusing to serve {bind} without an https public URL: people would sign in over plain HTTP. \
             Set --public-url https://… (or GUREUM_PUBLIC_URL) to the address of the TLS proxy in front, or bind to 127.0.0.1"
        )));
    }
    Ok(url.map(str::to_owned).unwrap_or_else(|| format!("http://{bind}:{port}")))
}

pub async fn serve(cli: &Cli, db: Db, clock: Clock, opts: ServeOpts<'_>) -> CmdResult {
    let ServeOpts { port, bind, demo, smtp_url, public_url, ocid_prefix } = opts;
    let bind = if demo && bind != "127.0.0.1" {
        eprintln!("demo mode binds to 127.0.0.1 only");
        "127.0.0.1"
    } else {
        bind
    };
    let public_url = public_url_for(bind, port, public_url)?;
    let mut demo_accounts = Vec::new();
    if demo {
        if db.count_all_services().await? == 0 {
            eprintln!("filling the empty catalog with the demo data…");
            crate::seed::seed_demo(&db, clock).await?;
        }
        demo_accounts = crate::demo::seed_demo_accounts(&db).await?;
    }
    let sync = Arc::new(IndexSync::open(db.clone(), &index_dir(&cli.data_dir), true).map_err(Failure::env)?);
    if !sync.is_writer() {
        return Err(Failure::env(format!("the search index in {} is held by another process", index_dir(&cli.data_dir).display())));
    }
    let documents = gureum_storage::DocumentStore::new(cli.documents_dir.clone().unwrap_or_else(|| cli.data_dir.join("documents")));
    let state =
        AppState::new(gureum_app::Context::new(db.clone(), sync.clone(), clock, documents, &public_url).with_ocid_prefix(ocid_prefix));
    if demo {
        crate::demo::seed_demo_review(&state).await?;
        // the buying demo runs searches: the index is brought up to date first
        bring_current(&sync, &db).await?;
        crate::demo_buying::seed_demo_buying(&state).await?;
        crate::demo_voucher::seed_demo_voucher(&state).await?; // #25 vouchers
        crate::demo_forecast::seed_demo_forecast(&state).await?; // #26 demand forecast
        sync.catch_up().await.map_err(Failure::env)?;
    }
    let app = router(state.clone());
    let listener =
        tokio::net::TcpListener::bind((bind, port)).await.map_err(|e| Failure::env(format!("cannot listen on {bind}:{port}: {e}")))?;
    let addr = listener.local_addr()?;
    // Answer (503 index_not_ready) while the index catches up in the background.
    let follower = tokio::spawn(follow_changes(sync, db.clone(), state.clone()));
    // The scheduled jobs (docs/RULES.md#jobs-and-notices), leased in the database: every
    // instance runs the loop, one holds each job.
    let schedule = gureum_app::jobs::Schedule::from_env().map_err(Failure::env)?;
    let holder = gureum_app::jobs::holder_id();
    let jobs = {
        let (state, holder) = (state.clone(), holder.clone());
        tokio::spawn(async move {
            // After the index has caught up: the jobs' status changes wait for it.
            while !state.is_ready() {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            gureum_app::jobs::run_forever(state.ctx().clone(), holder, schedule).await;
        })
    };
    let mailer = match smtp_url {
        Some(url) => {
            let cfg = gureum_mail::MailConfig::from_url(url).map_err(|e| Failure::env(format!("--smtp-url: {e}")))?;
            Some(tokio::spawn(gureum_mail::run_worker(db.clone(), cfg, Duration::from_secs(1))))
        }
        None => {
            tracing::warn!("no --smtp-url: e-mails wait in the outbox");
            None
        }
    };
    println!("Gureum is listening on http://{addr}/");
    if demo {
        println!("demo catalog ready; open http://{addr}/ in a browser");
        println!("demo accounts (password {}):", crate::demo::DEMO_PASSWORD);
        for e in &demo_accounts {
            println!("  {e}");
        }
    }
    // With the peer's address, so that `/metrics` can tell a loopback client from others.
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    follower.abort();
    jobs.abort();
    // Free this instance's leases, so that another need not wait for them to run out.
    if let Err(e) = db.release_leases(&holder).await {
        tracing::warn!(error = %e, "could not release the job leases");
    }
    if let Some(m) = mailer {
        m.abort();
    }
    Ok(0)
}

/// Brings the index current, marks the instance ready, then follows the change feed.
async fn follow_changes(sync: Arc<IndexSync>, db: Db, state: AppState) {
    loop {
        match bring_current(&sync, &db).await {
            Ok(()) => break,
            Err(e) => {
                tracing::error!(error = %e.message, "index catch-up failed; retrying");
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }
    }
    state.set_ready(true);
    tracing::info!(services = sync.index().doc_count(), "search index is current");
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        match sync.reopen_if_moved().await {
            Ok(true) => tracing::info!(generation = %sync.generation(), "switched to the rebuilt search index"),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "could not switch to the rebuilt index"),
        }
        if let Err(e) = sync.catch_up().await {
            tracing::warn!(error = %e, "change feed poll failed");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_serves_without_https() {
        for bind in ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"] {
            assert_eq!(public_url_for(bind, 8080, None).ok(), Some(format!("http://{bind}:8080")), "{bind}");
        }
        for bind in ["0.0.0.0", "::", "192.0.2.1", "gureum.example.go.kr"] {
            assert!(public_url_for(bind, 8080, None).is_err(), "{bind}");
            assert!(public_url_for(bind, 8080, Some("http://x.kr")).is_err(), "{bind}");
            assert_eq!(public_url_for(bind, 8080, Some("https://x.kr")).ok().as_deref(), Some("https://x.kr"));
        }
    }
}
