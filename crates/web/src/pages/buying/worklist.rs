//! `/buying`: what waits on the caller (`gureum_app::buying::worklist::tasks`) with a link to act
//! on each, and for the agency roles and the operator the time to contract against the 14-day
//! target (`gureum_app::buying::stats::time_to_contract`).

use super::words::{W, seoul};
use crate::auth::Rule;
use crate::pages::form::require;
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use gureum_app::buying::stats::{self, TimeToContractStats};
use gureum_app::buying::worklist;
use gureum_domain::account::Role;

pub fn routes() -> Router<AppState> {
    Router::new().route("/buying", get(page))
}

pub struct TaskRow {
    pub kind: String,
    pub title: String,
    pub link: String,
    pub since: String,
}

/// One row of the time-to-contract table.
pub struct TtcRow {
    pub label: String,
    pub count: i64,
    pub median: String,
    pub p90: String,
    pub within: i64,
}

#[derive(Template)]
#[template(path = "buyer/worklist.html")]
struct WorklistTpl {
    layout: Layout,
    w: W,
    tasks: Vec<TaskRow>,
    ttc: Option<Vec<TtcRow>>,
    ttc_caption: String,
    links: Vec<(&'static str, &'static str)>,
}

fn ttc_rows(w: W, s: &TimeToContractStats) -> Vec<TtcRow> {
    let days = |d: Option<i64>| d.map(|d| d.to_string()).unwrap_or_else(|| w.t("by.ttc.none").to_owned());
    let mut rows = vec![TtcRow {
        label: w.t("by.ttc.all").to_owned(),
        count: s.count,
        median: days(s.median_days),
        p90: days(s.p90_days),
        within: s.within_target,
    }];
    for (m, f) in &s.by_method {
        rows.push(TtcRow {
            label: w.t(&format!("by.method.{m}")).to_owned(),
            count: f.count,
            median: days(f.median_days),
            p90: days(f.p90_days),
            within: f.within_target,
        });
    }
    rows
}

async fn page(State(state): State<AppState>, ctx: Ctx) -> Response {
    let p = match require(&ctx, Rule::Authenticated) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let w = W(ctx.lang);
    let tasks = match worklist::tasks(&state, p).await {
        Ok(t) => t,
        Err(e) => return ctx.error(&e.into()),
    };
    let agency = [Role::Buyer, Role::BudgetOfficer, Role::Signatory].iter().any(|r| p.has_role(*r));
    let ttc = if agency || p.has_role(Role::Operator) {
        match stats::time_to_contract(&state, None, None, None).await {
            Ok(s) => Some(s),
            Err(e) => return ctx.error(&e.into()),
        }
    } else {
        None
    };
    let mut links = Vec::new();
    if agency {
        links.push(("/buyer/projects", "nav.projects"));
    }
    if p.has_role(Role::Supplier) || agency {
        links.push(("/quote-requests", "nav.quote_requests"));
    }
    let tpl = WorklistTpl {
        layout: ctx.layout(w.t("by.work.title"), Section::Desk),
        w,
        tasks: tasks
            .iter()
            .map(|t| TaskRow {
                kind: super::words::word(&format!("by.task.{}", t.kind))
                    .map(|(ko, en)| ctx.lang.pick(ko, en).to_owned())
                    .unwrap_or_else(|| t.kind.clone()),
                title: t.title.clone(),
                link: t.link.clone(),
                since: seoul(&t.since),
            })
            .collect(),
        ttc_caption: w.t("by.ttc.caption").replace("{n}", &ttc.as_ref().map(|s| s.target_days).unwrap_or(14).to_string()),
        ttc: ttc.as_ref().map(|s| ttc_rows(w, s)),
        links,
    };
    ctx.render(StatusCode::OK, &tpl)
}
