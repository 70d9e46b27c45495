//! What the forecast tells: the public report of a survey (counts over submitted answers, live
//! while the survey is open; no agency named), its CSV, the operator's response rate by agency
//! kind with the agencies still missing, the figures the statistics page takes, and demand
//! meeting supply (for each function with planned demand, the listed services whose tags or
//! category match; the functions no listed service covers).

use super::{OVERSIGHT, SurveyView, agency_kind, answer_of, survey_view};
use crate::actor::{Principal, Rule};
use crate::context::Context;
use crate::error::Result;
use gureum_domain::forecast::{self, AgencyKind, Answered, SystemAnswer};
use gureum_search::SearchQuery;
use serde::Serialize;
use std::collections::BTreeMap;

/// The public report of one survey.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportView {
    pub survey: SurveyView,
    /// Fewer than `MIN_AGENCIES` (3) agencies submitted: the breakdowns are empty and the
    /// systems and budget 0, so that no single agency's answer is public.
    pub withheld: bool,
    pub agencies_asked: i64,
    pub agencies_answered: i64,
    /// Percent with one decimal.
    pub response_rate: f64,
    pub systems: i64,
    pub by_target_type: BTreeMap<String, i64>,
    pub by_planned_year: BTreeMap<String, i64>,
    pub by_agency_kind: BTreeMap<String, i64>,
    pub by_hosting: BTreeMap<String, i64>,
    pub by_function: BTreeMap<String, i64>,
    pub no_plan_reasons: BTreeMap<String, i64>,
    /// The budget estimates of planned systems, summed (whole won).
    pub budget_krw: i64,
}

/// The report of a survey (public).
pub async fn report(ctx: &Context, id: &str) -> Result<ReportView> {
    let s = super::survey(ctx, id).await?;
    let (asked, answered) = ctx.db().forecast_counts(&s.id).await?;
    let rows = ctx.db().forecast_submitted_systems(&s.id).await?;
    let mut responses: Vec<&str> = rows.iter().map(|(_, r, _)| r.as_str()).collect();
    responses.sort_unstable();
    responses.dedup();
    let answers: Vec<(usize, AgencyKind, SystemAnswer)> =
        rows.iter().map(|(k, r, sys)| (responses.binary_search(&r.as_str()).unwrap_or(0), agency_kind(Some(k)), answer_of(sys))).collect();
    let list: Vec<Answered<'_>> = answers.iter().map(|(i, k, a)| Answered { agency: *i, agency_kind: *k, system: a }).collect();
    let r = forecast::aggregate(asked, answered, &list);
    Ok(ReportView {
        survey: survey_view(&s, ctx.clock().today()),
        withheld: r.withheld,
        agencies_asked: r.agencies_asked,
        agencies_answered: r.agencies_answered,
        response_rate: r.response_rate,
        systems: r.systems,
        by_target_type: r.by_target_type,
        by_planned_year: r.by_planned_year,
        by_agency_kind: r.by_agency_kind,
        by_hosting: r.by_hosting,
        by_function: r.by_function,
        no_plan_reasons: r.no_plan_reasons,
        budget_krw: r.budget_krw,
    })
}

/// The report as CSV: one line per figure, `dimension,value,count` (the totals first).
pub fn report_csv(r: &ReportView) -> String {
    use crate::csv::csv_line;
    let mut out = String::from("\u{feff}");
    csv_line(&mut out, &["dimension", "value", "count"]);
    let line = |out: &mut String, d: &str, v: &str, n: String| csv_line(out, &[d, v, &n]);
    line(&mut out, "survey", &r.survey.year.to_string(), r.survey.id.clone());
    line(&mut out, "withheld", "", r.withheld.to_string());
    line(&mut out, "agencies_asked", "", r.agencies_asked.to_string());
    line(&mut out, "agencies_answered", "", r.agencies_answered.to_string());
    line(&mut out, "response_rate", "", format!("{:.1}", r.response_rate));
    line(&mut out, "systems", "", r.systems.to_string());
    line(&mut out, "budget_krw", "", r.budget_krw.to_string());
    for (d, map) in [
        ("target_type", &r.by_target_type),
        ("planned_year", &r.by_planned_year),
        ("agency_kind", &r.by_agency_kind),
        ("hosting", &r.by_hosting),
        ("function", &r.by_function),
        ("no_plan_reason", &r.no_plan_reasons),
    ] {
        for (v, n) in map {
            line(&mut out, d, v, n.to_string());
        }
    }
    out
}

/// The response rate of one kind of agency.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindProgress {
    pub agency_kind: String,
    pub asked: i64,
    pub answered: i64,
    pub response_rate: f64,
}

/// An agency that has not submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingAgency {
    pub organisation_id: String,
    pub name: String,
    pub agency_kind: String,
    /// Systems in its draft.
    pub systems: i64,
}

/// The operator's view of a survey's responses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgressView {
    pub survey: SurveyView,
    pub agencies_asked: i64,
    pub agencies_answered: i64,
    pub response_rate: f64,
    pub by_agency_kind: Vec<KindProgress>,
    pub missing: Vec<MissingAgency>,
}

/// The response rate by agency kind and who is missing (the operator and the auditor).
pub async fn progress(ctx: &Context, p: &Principal, id: &str) -> Result<ProgressView> {
    p.require(Rule::AnyRole(OVERSIGHT))?;
    let s = super::survey(ctx, id).await?;
    let rows = ctx.db().forecast_progress(&s.id).await?;
    let by_agency_kind = AgencyKind::ALL
        .iter()
        .map(|k| {
            let of: Vec<_> = rows.iter().filter(|r| agency_kind(Some(&r.agency_kind)) == *k).collect();
            let asked = of.len() as i64;
            let answered = of.iter().filter(|r| r.status == "submitted").count() as i64;
            KindProgress { agency_kind: k.as_str().into(), asked, answered, response_rate: forecast::percent(answered, asked) }
        })
        .collect();
    let asked = rows.len() as i64;
    let answered = rows.iter().filter(|r| r.status == "submitted").count() as i64;
    let missing = rows
        .iter()
        .filter(|r| r.status != "submitted")
        .map(|r| MissingAgency {
            organisation_id: r.org_id.clone(),
            name: r.org_name.clone(),
            agency_kind: r.agency_kind.clone(),
            systems: r.systems,
        })
        .collect();
    Ok(ProgressView {
        survey: survey_view(&s, ctx.clock().today()),
        agencies_asked: asked,
        agencies_answered: answered,
        response_rate: forecast::percent(answered, asked),
        by_agency_kind,
        missing,
    })
}

/// The forecast's part of the statistics (`/api/v1/stats` → `forecast`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatsForecast {
    pub year: i64,
    pub systems: i64,
    pub by_target_type: BTreeMap<String, i64>,
}

/// The latest survey's year, its submitted systems and their target types — the survey with
/// the latest year (then the latest window) that has opened; `None` when there is none. A
/// withheld report (fewer than 3 agencies submitted) gives 0 systems and no target type.
pub async fn summary_for_stats(ctx: &Context) -> Result<Option<StatsForecast>> {
    let today = ctx.clock().today();
    let surveys = ctx.db().forecast_surveys().await?;
    let Some(s) = surveys.iter().find(|s| super::phase(s, today) != forecast::Phase::NotYetOpen) else { return Ok(None) };
    let r = report(ctx, &s.id).await?;
    Ok(Some(StatsForecast { year: s.year, systems: r.systems, by_target_type: r.by_target_type }))
}

/// A listed service that may meet a demand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Offer {
    pub id: String,
    pub code: String,
    pub name: String,
    pub supplier: String,
    pub kind: String,
}

/// One function with planned demand and the listed services whose tags or category match it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemandMatch {
    pub function: String,
    /// Planned systems that need it.
    pub systems: i64,
    /// At least this many listed services match (by tag, or by category; the first few are in `services`).
    pub matches: u64,
    pub services: Vec<Offer>,
}

/// The services shown per function.
pub const OFFERS_SHOWN: u32 = 5;
/// The functions looked up (the most demanded first).
pub const FUNCTIONS_MATCHED: usize = 30;

/// Demand meets supply: for the most demanded functions of a report, the listed services whose
/// tag or category is the function (exact, through the catalog's index), most relevant first.
pub async fn demand_meets_supply(ctx: &Context, r: &ReportView) -> Result<Vec<DemandMatch>> {
    let mut functions: Vec<(&String, &i64)> = r.by_function.iter().collect();
    functions.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let mut out = Vec::new();
    for (f, n) in functions.into_iter().filter(|(f, _)| f.as_str() != forecast::OTHER_FUNCTION).take(FUNCTIONS_MATCHED) {
        let mut seen: Vec<Offer> = Vec::new();
        let mut total = 0;
        for by_tag in [true, false] {
            let mut q = SearchQuery::new(ctx.clock().today());
            if by_tag {
                q.tags = vec![f.clone()];
            } else {
                q.categories = vec![f.clone()];
            }
            q.per_page = OFFERS_SHOWN;
            let found = crate::catalog::search(ctx, q).await?;
            total = total.max(found.total);
            for h in found.items {
                if !seen.iter().any(|o| o.id == h.id) && seen.len() < OFFERS_SHOWN as usize {
                    seen.push(Offer { id: h.id, code: h.code, name: h.name, supplier: h.supplier.name, kind: h.kind.to_owned() });
                }
            }
        }
        out.push(DemandMatch { function: f.clone(), systems: *n, matches: total, services: seen });
    }
    Ok(out)
}
