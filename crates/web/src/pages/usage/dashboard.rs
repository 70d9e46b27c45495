//! `/dashboard`: the agency's or the supplier's dashboard (issue #24 point 6) — invoiced won and
//! metered usage by month as server-rendered SVG charts each with its table, invoices by state,
//! open incidents, contracts ending within 90 days, and each contract's and budget line's spend
//! as a bar against its limit with the 70/90/100 % marks. No script; Korean first with English.

use crate::auth::Rule;
use crate::i18n::Lang;
use crate::pages::chart::{self, Data, Series};
use crate::pages::form::require;
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use gureum_app::usage::dashboard::{self, Dashboard, SpendOverview, Whose};
use gureum_app::usage::spend::Spend;
use gureum_domain::clock::seoul_minute;
use gureum_domain::spend::THRESHOLDS;
use gureum_domain::usage::{Month, Quantity};

pub fn routes() -> Router<AppState> {
    Router::new().route("/dashboard", get(page))
}

/// The page's words: key → (Korean, English).
fn word(key: &str) -> (&'static str, &'static str) {
    match key {
        "title" => ("대시보드", "Dashboard"),
        "lead.agency" => (
            "우리 기관의 월별 이용량과 청구액, 청구서 상태, 진행 중인 장애, 곧 끝나는 계약, 계약과 예산 항목별 지출을 봅니다.",
            "Your agency's usage and invoiced amounts by month, invoices by state, open incidents, contracts ending soon, and spend per contract and budget line.",
        ),
        "lead.supplier" => (
            "우리 회사가 보고한 월별 이용량과 청구액, 청구서 상태, 진행 중인 장애, 곧 끝나는 계약, 계약별 지출을 봅니다.",
            "The usage your company reported and its invoiced amounts by month, invoices by state, open incidents, contracts ending soon, and spend per contract.",
        ),
        "won.title" => ("월별 청구액 (최근 12개월)", "Invoiced by month (last 12 months)"),
        "won.desc" => (
            "월별 청구서 합계(부가세 포함, 초안 포함). 분기 청구서는 달마다 3분의 1씩 셉니다.",
            "Invoice totals by month (VAT and drafts included); a quarterly invoice counts a third per month.",
        ),
        "won.series" => ("청구액", "Invoiced"),
        "usage.title" => ("월별 이용량 (계량 단위별)", "Usage by month (per meter)"),
        "usage.desc" => ("계량 단위별 월 이용량 합계.", "Monthly usage per meter."),
        "usage.empty" => ("최근 12개월 동안 보고된 이용량이 없습니다.", "No usage reported in the last 12 months."),
        "month" => ("월", "Month"),
        "states.title" => ("상태별 청구서", "Invoices by state"),
        "states.desc" => ("청구서 상태별 합계 금액의 비율.", "The share of each state in the invoices' totals."),
        "states.status" => ("상태", "State"),
        "states.count" => ("건수", "Count"),
        "states.total" => ("합계", "Total"),
        "status.draft" => ("초안", "Draft"),
        "status.issued" => ("발행", "Issued"),
        "status.accepted" => ("승인", "Accepted"),
        "status.disputed" => ("이의 제기", "Disputed"),
        "status.paid" => ("지급 완료", "Paid"),
        "incidents.title" => ("진행 중인 장애", "Open incidents"),
        "incidents.empty" => ("진행 중인 장애가 없습니다.", "No open incidents."),
        "incidents.service" => ("서비스", "Service"),
        "incidents.started" => ("시작", "Started"),
        "incidents.announced" => ("사전 공지", "Announced"),
        "incidents.description" => ("내용", "Description"),
        "yes" => ("예", "Yes"),
        "no" => ("아니요", "No"),
        "ending.title" => ("90일 안에 끝나는 계약", "Contracts ending within 90 days"),
        "ending.empty" => ("90일 안에 끝나는 계약이 없습니다.", "No contract ends within 90 days."),
        "ending.contract" => ("계약", "Contract"),
        "ending.ends_on" => ("종료일", "Ends on"),
        "ending.days" => ("남은 날", "Days left"),
        "spend.title" => ("계약별 지출", "Spend per contract"),
        "spend.lines" => ("예산 항목별 지출 (올해)", "Spend per budget line (this year)"),
        "spend.empty" => ("지출을 볼 계약이 없습니다.", "No contracts to show spend for."),
        "spend.lines.empty" => ("올해 예산 항목이 없습니다.", "No budget lines this year."),
        "spend.marks" => ("막대의 표시선은 한도의 70%, 90%, 100%입니다.", "The marks on each bar are 70%, 90% and 100% of the limit."),
        _ => ("", ""),
    }
}

#[derive(Clone, Copy)]
struct D(Lang);

impl D {
    fn t(&self, key: &str) -> &'static str {
        let (ko, en) = word(key);
        self.0.pick(ko, en)
    }
}

/// A short month label for the chart's axis: `11월`, `Nov`.
fn short_month(lang: Lang, m: Month) -> String {
    const EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    match lang {
        Lang::Ko => format!("{}월", m.month()),
        Lang::En => EN[usize::from(m.month().clamp(1, 12)) - 1].to_owned(),
    }
}

pub struct StateRow {
    pub label: String,
    pub count: i64,
    pub total: String,
}

pub struct IncidentRow {
    pub service: String,
    pub started: String,
    pub announced: &'static str,
    pub description: String,
}

pub struct EndingRow {
    pub id: String,
    pub title: String,
    pub ends_on: String,
    pub days: i64,
}

pub struct SpendRow {
    pub name: String,
    pub link: Option<String>,
    pub figures: String,
    pub gauge: String,
}

#[derive(Template)]
#[template(path = "usage/dashboard.html")]
struct DashboardTpl {
    layout: Layout,
    title: &'static str,
    lead: &'static str,
    org: String,
    won_chart: String,
    usage_chart: Option<String>,
    usage_title: &'static str,
    usage_empty: &'static str,
    states_title: &'static str,
    states_chart: String,
    states_head: [&'static str; 3],
    states: Vec<StateRow>,
    incidents_title: &'static str,
    incidents_empty: &'static str,
    incidents_head: [&'static str; 4],
    incidents: Vec<IncidentRow>,
    ending_title: &'static str,
    ending_empty: &'static str,
    ending_head: [&'static str; 3],
    ending: Vec<EndingRow>,
    spend_title: &'static str,
    spend_empty: &'static str,
    spend_marks: &'static str,
    spends: Vec<SpendRow>,
    lines_title: Option<&'static str>,
    lines_empty: &'static str,
    line_spends: Vec<SpendRow>,
}

fn spend_row(lang: Lang, id: &str, name: String, link: Option<String>, s: &Spend) -> SpendRow {
    let won = |n: i64| lang.won(n);
    let warned = if s.warnings_sent.is_empty() {
        lang.pick("없음", "none").to_owned()
    } else {
        s.warnings_sent.iter().map(|t| format!("{t}%")).collect::<Vec<_>>().join(", ")
    };
    let figures = match lang {
        Lang::Ko => format!(
            "지출 {} (청구 {} + 초안 {}) · 월 추세 {} · 청구기간 말 예상 {} (한도의 {}%) · 연말 예상 {} · 한도 {} · 보낸 경고: {warned}",
            won(s.spent_krw),
            won(s.invoiced_krw),
            won(s.drafted_krw),
            won(s.trend_krw_per_month),
            won(s.projected_period_end_krw),
            s.pct,
            won(s.projected_year_end_krw),
            won(s.limit_krw)
        ),
        Lang::En => format!(
            "Spent {} (invoiced {} + drafts {}) · trend {} a month · projected to the period's end {} ({}% of the limit) · to the year's end {} · limit {} · warnings sent: {warned}",
            won(s.spent_krw),
            won(s.invoiced_krw),
            won(s.drafted_krw),
            won(s.trend_krw_per_month),
            won(s.projected_period_end_krw),
            s.pct,
            won(s.projected_year_end_krw),
            won(s.limit_krw)
        ),
    };
    let desc = match lang {
        Lang::Ko => format!("청구기간 말 예상 지출 {}, 한도 {}의 {}%", won(s.projected_period_end_krw), won(s.limit_krw), s.pct),
        Lang::En => {
            format!("Projected to the period's end {}, {}% of the limit of {}", won(s.projected_period_end_krw), s.pct, won(s.limit_krw))
        }
    };
    let gauge = chart::gauge(&format!("spend-{id}"), &name, &desc, s.projected_period_end_krw, s.limit_krw, &THRESHOLDS);
    SpendRow { name, link, figures, gauge }
}

fn build(ctx: &Ctx, d: Dashboard, o: SpendOverview) -> DashboardTpl {
    let lang = ctx.lang;
    let w = D(lang);
    let short: Vec<String> = d.months.iter().map(|m| short_month(lang, *m)).collect();
    let full: Vec<String> = d.months.iter().map(|m| m.key()).collect();
    let won_fmt = |v: i64| lang.won(v);

    // invoiced won by month
    let won_series = [Series { name: w.t("won.series").to_owned(), values: d.invoiced.iter().map(|(_, v)| *v).collect() }];
    let svg = chart::bars(&Data {
        id: "won",
        title: w.t("won.title"),
        desc: w.t("won.desc"),
        labels: &short,
        series: &won_series,
        fmt: &won_fmt,
    });
    let table = chart::table(
        &Data { id: "won", title: w.t("won.title"), desc: w.t("won.desc"), labels: &full, series: &won_series, fmt: &won_fmt },
        w.t("month"),
        false,
    );
    let won_chart = chart::figure(svg, String::new(), table);

    // usage per meter
    let mut meters: Vec<String> = d.usage.iter().map(|u| u.meter.clone()).collect();
    meters.sort();
    meters.dedup();
    let usage_series: Vec<Series> = meters
        .iter()
        .map(|meter| Series {
            name: meter.clone(),
            values: d
                .months
                .iter()
                .map(|m| d.usage.iter().filter(|u| u.month == m.0 && &u.meter == meter).map(|u| u.quantity_micros).sum())
                .collect(),
        })
        .collect();
    let q_fmt = |v: i64| Quantity::from_micros(v).to_decimal();
    let usage_chart = (!usage_series.is_empty()).then(|| {
        let svg = chart::lines(&Data {
            id: "usage",
            title: w.t("usage.title"),
            desc: w.t("usage.desc"),
            labels: &short,
            series: &usage_series,
            fmt: &q_fmt,
        });
        let names: Vec<&str> = meters.iter().map(String::as_str).collect();
        let table = chart::table(
            &Data { id: "usage", title: w.t("usage.title"), desc: w.t("usage.desc"), labels: &full, series: &usage_series, fmt: &q_fmt },
            w.t("month"),
            false,
        );
        chart::figure(svg, chart::legend(&names), table)
    });

    // invoices by state
    let states: Vec<StateRow> = d
        .invoices_by_state
        .iter()
        .map(|s| StateRow { label: w.t(&format!("status.{}", s.status)).to_owned(), count: s.count, total: lang.won(s.total_krw) })
        .collect();
    let parts: Vec<(String, i64)> =
        d.invoices_by_state.iter().map(|s| (w.t(&format!("status.{}", s.status)).to_owned(), s.total_krw)).collect();
    let names: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
    let states_chart = format!("{}{}", chart::shares("states", w.t("states.title"), w.t("states.desc"), &parts), chart::legend(&names));

    let incidents = d
        .open_incidents
        .iter()
        .map(|i| IncidentRow {
            service: i.service_code.clone(),
            started: seoul_minute(i.started_at),
            announced: if i.announced { w.t("yes") } else { w.t("no") },
            description: i.description.clone(),
        })
        .collect();
    let ending = d
        .ending
        .iter()
        .map(|e| EndingRow {
            id: e.contract.id.clone(),
            title: if e.contract.title.is_empty() { e.contract.id.clone() } else { e.contract.title.clone() },
            ends_on: e.contract.ends_on.clone(),
            days: e.days_left,
        })
        .collect();
    let spends = o
        .contracts
        .iter()
        .map(|(c, s)| {
            let title = if c.title.is_empty() { c.id.clone() } else { c.title.clone() };
            let name = format!("{title} ({} ~ {})", c.starts_on, c.ends_on);
            spend_row(lang, &c.id, name, Some(format!("/contracts/{}", c.id)), s)
        })
        .collect();
    let line_spends = o
        .budget_lines
        .iter()
        .map(|(l, s)| {
            let mut row = spend_row(lang, &l.id, format!("{} ({})", l.name, l.fiscal_year), None, s);
            let committed = lang.won(l.committed_krw);
            row.figures.push_str(&match lang {
                Lang::Ko => format!(" · 계약 약정 {committed}"),
                Lang::En => format!(" · committed by contracts {committed}"),
            });
            row
        })
        .collect();
    let agency = matches!(d.whose, Whose::Agency(_));
    DashboardTpl {
        layout: ctx.layout(w.t("title"), Section::Desk),
        title: w.t("title"),
        lead: if agency { w.t("lead.agency") } else { w.t("lead.supplier") },
        org: d.org_name,
        won_chart,
        usage_chart,
        usage_title: w.t("usage.title"),
        usage_empty: w.t("usage.empty"),
        states_title: w.t("states.title"),
        states_chart,
        states_head: [w.t("states.status"), w.t("states.count"), w.t("states.total")],
        states,
        incidents_title: w.t("incidents.title"),
        incidents_empty: w.t("incidents.empty"),
        incidents_head: [w.t("incidents.service"), w.t("incidents.started"), w.t("incidents.announced"), w.t("incidents.description")],
        incidents,
        ending_title: w.t("ending.title"),
        ending_empty: w.t("ending.empty"),
        ending_head: [w.t("ending.contract"), w.t("ending.ends_on"), w.t("ending.days")],
        ending,
        spend_title: w.t("spend.title"),
        spend_empty: w.t("spend.empty"),
        spend_marks: w.t("spend.marks"),
        spends,
        lines_title: agency.then(|| w.t("spend.lines")),
        lines_empty: w.t("spend.lines.empty"),
        line_spends,
    }
}

async fn page(State(state): State<AppState>, ctx: Ctx) -> Response {
    let p = match require(&ctx, Rule::AnyRole(dashboard::VIEWERS)) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let d = match dashboard::dashboard(&state, p).await {
        Ok(d) => d,
        Err(e) => return ctx.error(&e.into()),
    };
    let o = match dashboard::spend_overview(&state, p).await {
        Ok(o) => o,
        Err(e) => return ctx.error(&e.into()),
    };
    let tpl = build(&ctx, d, o);
    ctx.render(StatusCode::OK, &tpl)
}
