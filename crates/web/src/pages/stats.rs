//! `/stats`: the marketplace in figures for everyone (issue #26 point 4), drawn from
//! `gureum_app::stats` as server-rendered SVG charts ([`crate::pages::chart`]), each with its data
//! table, and the same figures as JSON and CSV downloads. No script; aggregates only.

use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::chart::{self, Data, Series};
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use gureum_app::stats::{self, CountAmount, Stats};
use gureum_domain::ServiceKind;
use gureum_domain::forecast::{AgencyKind, TargetType};
use std::collections::BTreeMap;

#[derive(Template)]
#[template(path = "stats.html")]
struct StatsTpl {
    layout: Layout,
    s: Stats,
    /// Figures ready to include: the kinds' shares, the catalog over time, contracts by kind
    /// and by method, the SaaS shares, the vouchers.
    kinds_chart: String,
    growth_chart: String,
    contracts_kind_chart: String,
    contracts_method_chart: String,
    contracts_agency_chart: String,
    /// The latest forecast's target types, when a survey has opened.
    forecast_chart: Option<String>,
    saas_chart: String,
    vouchers_chart: String,
    ttc_chart: String,
    generated: String,
}

impl StatsTpl {
    fn won(&self, n: &i64) -> String {
        self.layout.lang.won(*n)
    }

    fn days(&self, d: &Option<i64>) -> String {
        d.map(|d| format!("{d}{}", self.layout.lang.pick("일", " days"))).unwrap_or_else(|| "—".into())
    }
}

fn kind_label(lang: Lang, key: &str) -> String {
    match ServiceKind::ALL.iter().find(|k| k.as_str() == key) {
        Some(k) => lang.pick(k.label_ko(), k.label_en()).to_owned(),
        None => lang.pick("알 수 없음", "Unknown").to_owned(),
    }
}

fn method_label(lang: Lang, key: &str) -> String {
    match key {
        "negotiated" => lang.pick("협상에 의한 계약(수의계약)", "Negotiated direct contract"),
        "catalog" => lang.pick("카탈로그 납품요구", "Catalog order"),
        "call_off" => lang.pick("계약 내 추가 주문", "Call-off"),
        other => return other.to_owned(),
    }
    .to_owned()
}

/// `2026-11` as it reads under a bar: every third month as `26.11`, the others blank (the
/// table names each).
fn axis_label(month: &str, i: usize, n: usize) -> String {
    if (n - 1 - i).is_multiple_of(3) { month.get(2..).unwrap_or(month).replace('-', ".") } else { String::new() }
}

/// Bars of counts by a key, with the table (counts and amounts) beside.
fn count_amount_chart(
    lang: Lang,
    id: &str,
    title: &str,
    desc: &str,
    map: &BTreeMap<String, CountAmount>,
    label: impl Fn(&str) -> String,
) -> String {
    let labels: Vec<String> = map.keys().map(|k| label(k)).collect();
    let count = Series { name: lang.pick("건수", "Count").to_owned(), values: map.values().map(|v| v.count).collect() };
    let amount = Series { name: lang.pick("금액", "Amount").to_owned(), values: map.values().map(|v| v.amount_krw).collect() };
    let plain = |v: i64| lang.number(v);
    let won = |v: i64| lang.won(v);
    let svg = chart::bars(&Data { id, title, desc, labels: &labels, series: std::slice::from_ref(&count), fmt: &plain });
    let mut table = chart::table(
        &Data { id, title, desc, labels: &labels, series: std::slice::from_ref(&count), fmt: &plain },
        lang.pick("구분", "Group"),
        false,
    );
    table.push_str(&chart::table(
        &Data {
            id, title: &format!("{title} — {}", amount.name), desc, labels: &labels, series: std::slice::from_ref(&amount), fmt: &won
        },
        lang.pick("구분", "Group"),
        false,
    ));
    chart::figure(svg, String::new(), table)
}

fn build(ctx: &Ctx, s: Stats) -> StatsTpl {
    let lang = ctx.lang;
    let plain = |v: i64| lang.number(v);
    let t = |ko: &'static str, en: &'static str| lang.pick(ko, en);

    // listed services by kind: shares, with the table
    // in ServiceKind::ALL's order, like the lines below, so a kind keeps its colour on the page
    let kind_parts: Vec<(String, i64)> = ServiceKind::ALL
        .iter()
        .map(|k| (lang.pick(k.label_ko(), k.label_en()).to_owned(), s.services_by_kind.get(k.as_str()).copied().unwrap_or(0) as i64))
        .collect();
    let total_listed: i64 = kind_parts.iter().map(|(_, n)| n).sum();
    let kinds_title = t("유형별 등록 서비스", "Listed services by kind");
    let kinds_desc = format!("{} {}", t("등록 서비스 합계", "Listed services in all:"), lang.number(total_listed));
    let labels: Vec<String> = kind_parts.iter().map(|(l, _)| l.clone()).collect();
    let series = [Series { name: t("서비스 수", "Services").to_owned(), values: kind_parts.iter().map(|(_, n)| *n).collect() }];
    let kinds_chart = chart::figure(
        chart::shares("kinds", kinds_title, &kinds_desc, &kind_parts),
        chart::legend(&labels.iter().map(String::as_str).collect::<Vec<_>>()),
        chart::table(
            &Data { id: "kinds", title: kinds_title, desc: &kinds_desc, labels: &labels, series: &series, fmt: &plain },
            t("유형", "Kind"),
            false,
        ),
    );

    // the catalog over time: running totals by kind
    let n = s.services_listed_by_month.len();
    let axis: Vec<String> = s.services_listed_by_month.iter().enumerate().map(|(i, m)| axis_label(&m.month, i, n)).collect();
    let months: Vec<String> = s.services_listed_by_month.iter().map(|m| m.month.clone()).collect();
    let growth: Vec<Series> = ServiceKind::ALL
        .iter()
        .map(|k| Series {
            name: lang.pick(k.label_ko(), k.label_en()).to_owned(),
            values: s.services_listed_by_month.iter().map(|m| m.total_by_kind.get(k.as_str()).copied().unwrap_or(0) as i64).collect(),
        })
        .collect();
    let growth_title = t("유형별 등록 서비스 추이 (최근 24개월, 누적)", "Listed services by kind over the last 24 months (running total)");
    let growth_desc = t(
        "지금 등록된 서비스를 처음 등록된 달에 따라 누적한 선 그래프",
        "Lines of the services listed now, counted from the month each was first listed",
    );
    let names: Vec<&str> = growth.iter().map(|g| g.name.as_str()).collect();
    let growth_chart = chart::figure(
        chart::lines(&Data { id: "growth", title: growth_title, desc: growth_desc, labels: &axis, series: &growth, fmt: &plain }),
        chart::legend(&names),
        chart::table(
            &Data { id: "growth", title: growth_title, desc: growth_desc, labels: &months, series: &growth, fmt: &plain },
            t("월", "Month"),
            false,
        ),
    );

    let contracts_kind_chart = count_amount_chart(
        lang,
        "contracts-kind",
        t("서비스 유형별 계약", "Contracts by service kind"),
        t(
            "체결된 계약과 확정된 납품요구의 건수 (첫 품목의 서비스 유형 기준)",
            "Signed contracts and confirmed orders, by the kind of the first line's service",
        ),
        &s.contracts.by_kind,
        |k| kind_label(lang, k),
    );
    let contracts_method_chart = count_amount_chart(
        lang,
        "contracts-method",
        t("계약 방식별 계약", "Contracts by method"),
        t("계약 방식별 건수", "Count by contracting method"),
        &s.contracts.by_method,
        |k| method_label(lang, k),
    );

    let contracts_agency_chart = count_amount_chart(
        lang,
        "contracts-agency",
        t("기관 구분별 계약", "Contracts by kind of agency"),
        t("계약한 수요기관의 구분별 건수", "Count by the kind of the agency that signed"),
        &s.contracts.by_agency_kind,
        |k| AgencyKind::parse(k).map_or_else(|| k.to_owned(), |a| lang.pick(a.label_ko(), a.label_en()).to_owned()),
    );
    let forecast_chart = s.forecast.as_ref().map(|f| {
        let labels: Vec<String> = f
            .by_target_type
            .keys()
            .map(|k| {
                TargetType::parse(k)
                    .map_or_else(|| t("유형 미정", "Type not chosen").to_owned(), |x| lang.pick(x.label_ko(), x.label_en()).to_owned())
            })
            .collect();
        let series =
            [Series { name: t("정보시스템 수", "Systems").to_owned(), values: f.by_target_type.values().copied().collect() }];
        let title =
            format!("{} {} — {}", f.year, t("수요예보", "demand forecast"), t("전환 목표 유형별 정보시스템", "systems by target type"));
        let desc = format!("{} {}", t("제출된 정보시스템", "Systems submitted:"), lang.number(f.systems));
        chart::figure(
            chart::bars(&Data { id: "forecast", title: &title, desc: &desc, labels: &labels, series: &series, fmt: &plain }),
            String::new(),
            chart::table(
                &Data { id: "forecast", title: &title, desc: &desc, labels: &labels, series: &series, fmt: &plain },
                t("유형", "Type"),
                false,
            ),
        )
    });

    let ttc = &s.time_to_contract;
    let ttc_title = t("계약 소요 기간 중앙값과 14일 목표", "Median time to contract against the 14-day target");
    let ttc_desc = format!(
        "{} {}, {} {}",
        t("중앙값", "Median"),
        ttc.median_days.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
        t("목표(일)", "target (days)"),
        ttc.target_days
    );
    let ttc_chart = chart::gauge("ttc", ttc_title, &ttc_desc, ttc.median_days.unwrap_or(0), ttc.target_days, &[]);

    let saas_title = t("SaaS 비중", "The SaaS share");
    let saas_rows = [
        (t("등록 서비스", "Listed services"), s.saas_share.services),
        (t("계약 건수", "Contracts"), s.saas_share.contracts),
        (t("계약 금액", "Contract amount"), s.saas_share.amount),
    ];
    let saas_labels: Vec<String> = saas_rows.iter().map(|(l, _)| (*l).to_owned()).collect();
    let saas_series = [Series { name: "SaaS (‰)".into(), values: saas_rows.iter().map(|(_, r)| (r * 1000.0).round() as i64).collect() }];
    let permille = |v: i64| format!("{:.1}%", v as f64 / 10.0);
    let saas_chart = chart::figure(
        chart::bars(&Data {
            id: "saas",
            title: saas_title,
            desc: t(
                "등록 서비스, 계약 건수, 계약 금액 중 SaaS가 차지하는 비율",
                "SaaS's part of the listed services, the contracts and their amount",
            ),
            labels: &saas_labels,
            series: &saas_series,
            fmt: &permille,
        }),
        String::new(),
        chart::table(
            &Data { id: "saas", title: saas_title, desc: "", labels: &saas_labels, series: &saas_series, fmt: &permille },
            t("구분", "Of"),
            false,
        ),
    );

    let v = &s.vouchers;
    let v_title = t("클라우드 바우처 배정액과 정산 승인액", "Cloud vouchers granted and reimbursed");
    let v_labels = vec![t("배정액", "Granted").to_owned(), t("정산 승인액", "Reimbursed").to_owned()];
    let v_series = [Series { name: t("금액", "Amount").to_owned(), values: vec![v.granted_krw, v.reimbursed_krw] }];
    let won = |x: i64| lang.won(x);
    let vouchers_chart = chart::figure(
        chart::bars(&Data {
            id: "vouchers",
            title: v_title,
            desc: t("모든 바우처 사업의 합계", "All voucher programmes together"),
            labels: &v_labels,
            series: &v_series,
            fmt: &won,
        }),
        String::new(),
        chart::table(
            &Data { id: "vouchers", title: v_title, desc: "", labels: &v_labels, series: &v_series, fmt: &won },
            t("구분", "Of"),
            false,
        ),
    );

    let generated = crate::pages::voucher::at(&s.generated_at);
    StatsTpl {
        layout: ctx.layout(t("통계", "Statistics").to_owned(), Section::Stats),
        s,
        kinds_chart,
        growth_chart,
        contracts_kind_chart,
        contracts_method_chart,
        contracts_agency_chart,
        forecast_chart,
        saas_chart,
        vouchers_chart,
        ttc_chart,
        generated,
    }
}

pub async fn page(State(state): State<AppState>, ctx: Ctx) -> Response {
    match stats::get(&state).await {
        Ok(s) => ctx.render(StatusCode::OK, &build(&ctx, s)),
        Err(e) => ctx.error(&AppError::from(e)),
    }
}
