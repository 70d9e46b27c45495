//! `/services/{id}`: one service, with everything docs/RULES.md lists for it.

use super::layout::{Ctx, Layout, Section};
use super::links;
use super::usage::ratings::RatingsSection;
use crate::api::services::{ServiceView, load_public_service};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gureum_domain::clock::{format_date, seoul_minute};
use gureum_domain::listing::{PriceModel, SupplierSize};
use gureum_domain::orderable::NotOrderable;
use gureum_domain::{CertType, CsapGrade, ServiceCode, ServiceStatus};

pub struct TagLink {
    pub label: String,
    pub href: String,
}

pub struct PlanRow {
    pub name: String,
    pub model: String,
    pub unit: String,
    pub price: String,
    pub vat: String,
}

pub struct HostView {
    pub label: String,
    pub href: Option<String>,
}

pub struct CertPage {
    pub scheme: String,
    pub type_label: String,
    pub grade: String,
    pub effective: String,
    pub number: String,
    pub valid_from: String,
    pub valid_to: String,
    pub standing: String,
    pub standing_class: &'static str,
}

pub struct AlertView {
    pub class: &'static str,
    pub title: String,
    pub body: String,
}

/// A service as its page shows it, every label in the reader's language.
pub struct ServicePage {
    /// The name in the reader's language (the English name when there is one and English is asked).
    pub name: String,
    /// The name in the other language, when the listing has both.
    pub alt_name: Option<String>,
    pub alt_lang: &'static str,
    pub code: String,
    pub kind_label: String,
    pub status_label: String,
    pub suspended: bool,
    pub status_reason: Option<String>,
    pub category: String,
    pub category_href: String,
    pub subcategory: Option<String>,
    pub tags: Vec<TagLink>,
    pub supplier_name: String,
    pub supplier_href: String,
    pub supplier_size: String,
    pub supplier_sme: bool,
    pub summary: String,
    pub alt_summary: Option<String>,
    pub description: Vec<Vec<String>>,
    pub plans: Vec<PlanRow>,
    pub price_from: String,
    pub sla_availability: String,
    pub sla_support: String,
    pub sla_credit: String,
    pub data_location: String,
    pub integrations: Vec<String>,
    pub host: Option<HostView>,
    pub cert: Option<CertPage>,
    pub cert_alert: Option<AlertView>,
    /// Why it cannot be ordered today, in the reader's language; empty when it can.
    pub not_orderable: Vec<String>,
    pub csap_badge: String,
    pub csap_class: &'static str,
    pub selected_on: String,
    pub selection_valid_to: String,
    /// The committee's round that selected the listed revision: (label, round name).
    pub selection_round: Option<(&'static str, String)>,
    pub methods: Vec<String>,
    pub revision: String,
    pub revised_at: String,
    pub first_listed: Option<String>,
    pub api_href: String,
    /// The revision history (변경 이력).
    pub history_href: String,
}

/// Paragraphs split on blank lines, each a list of lines (the template escapes them).
pub fn paragraphs(text: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(line.to_owned());
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `99.9%`, without a trailing `.0`.
pub fn pct(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}

pub fn grade_label(lang: Lang, g: &str) -> String {
    CsapGrade::parse(g).map(|g| lang.grade(g).to_owned()).unwrap_or_else(|| g.to_owned())
}

pub fn cert_type_label(lang: Lang, t: &str) -> String {
    CertType::parse(t).map(|t| lang.cert_type(t).to_owned()).unwrap_or_else(|| t.to_owned())
}

pub fn standing_label(lang: Lang, standing: &str) -> (String, &'static str) {
    let class = match standing {
        "valid" => "success",
        "expiring_soon" => "warning",
        _ => "danger",
    };
    (lang.t(&format!("standing.{standing}")).to_owned(), class)
}

pub fn purchase_labels(lang: Lang, v: &ServiceView) -> Vec<String> {
    v.purchase_methods
        .iter()
        .map(|m| match m.as_str() {
            "negotiated" => lang.t("purchase.negotiated").to_owned(),
            "catalog" => lang.t("purchase.catalog").replace("{v}", v.listing.catalog_contract.as_deref().unwrap_or("-")),
            other => other.to_owned(),
        })
        .collect()
}

pub fn plan_rows(lang: Lang, v: &ServiceView) -> Vec<PlanRow> {
    v.listing
        .price_plans
        .iter()
        .map(|p| PlanRow {
            name: p.name.clone(),
            model: lang.t(if p.model == PriceModel::Fixed { "plan.fixed" } else { "plan.metered" }).to_owned(),
            unit: p.unit.clone(),
            price: lang.won(p.unit_price_krw.won()),
            vat: lang.t(if p.vat_included { "plan.vat_included" } else { "plan.vat_excluded" }).to_owned(),
        })
        .collect()
}

pub fn host_view(v: &ServiceView) -> Option<HostView> {
    let h = v.certification.as_ref()?.host_infra.as_deref()?;
    let href = ServiceCode::parse(h).is_ok().then(|| format!("/services/{h}"));
    Some(HostView { label: h.to_owned(), href })
}

/// `IaaS · 상` or `미인증`, and the badge class.
pub fn csap_badge(lang: Lang, v: &ServiceView) -> (String, &'static str) {
    match &v.certification {
        None => (lang.t("cert.uncertified").to_owned(), "gray"),
        Some(c) => {
            let grade = match &c.effective_grade {
                Some(g) => lang.t("cert.grade_suffix").replace("{v}", &grade_label(lang, g)),
                None => lang.t("cert.no_grade").to_owned(),
            };
            let (_, class) = standing_label(lang, &c.standing);
            (format!("{} {} · {grade}", c.scheme, cert_type_label(lang, &c.cert_type)), class)
        }
    }
}

fn cert_alert(lang: Lang, v: &ServiceView) -> Option<AlertView> {
    let c = v.certification.as_ref()?;
    let (class, key) = match c.standing.as_str() {
        "expiring_soon" => ("warning", "alert.expiring"),
        "expired" => ("danger", "alert.expired"),
        "revoked" => ("danger", "alert.revoked"),
        "not_yet_valid" => ("warning", "alert.not_yet"),
        _ => return None,
    };
    let date = if key == "alert.not_yet" { &c.valid_from } else { &c.valid_to };
    let body = lang.t(&format!("{key}.body")).replace("{d}", date).replace("{n}", &c.days_left.to_string());
    Some(AlertView { class, title: lang.t(&format!("{key}.title")).to_owned(), body })
}

impl ServicePage {
    pub fn new(lang: Lang, v: &ServiceView, revised_at_us: i64, first_listed_us: Option<i64>) -> Self {
        let l = &v.listing;
        let unknown = || lang.t("common.unknown").to_owned();
        let sla = l.sla.as_ref();
        let status = ServiceStatus::parse(&v.status);
        let (csap_badge, csap_class) = csap_badge(lang, v);
        let size = SupplierSize::parse(&v.supplier.size).map(|s| lang.size(s).to_owned()).unwrap_or_else(|| v.supplier.size.clone());
        Self {
            name: match (&l.name_en, lang) {
                (Some(en), Lang::En) => en.clone(),
                _ => l.name.clone(),
            },
            alt_name: l.name_en.as_ref().map(|en| if lang.is_ko() { en.clone() } else { l.name.clone() }),
            alt_lang: if lang.is_ko() { "en" } else { "ko" },
            code: v.code.clone(),
            kind_label: lang.kind(l.kind).to_owned(),
            status_label: status.map(|s| lang.status(s).to_owned()).unwrap_or_else(|| v.status.clone()),
            suspended: status == Some(ServiceStatus::Suspended),
            status_reason: v.status_reason.clone(),
            category: l.category.clone(),
            category_href: format!("/services?{}", links::query1("category", &l.category)),
            subcategory: l.subcategory.clone(),
            tags: l.tags.iter().map(|t| TagLink { label: t.clone(), href: format!("/services?{}", links::query1("tag", t)) }).collect(),
            supplier_name: v.supplier.name.clone(),
            supplier_href: format!("/suppliers/{}", v.supplier.id),
            supplier_size: size,
            supplier_sme: v.supplier.sme,
            summary: if lang.is_ko() { l.summary.clone() } else { l.summary_en.clone().unwrap_or_else(|| l.summary.clone()) },
            alt_summary: l.summary_en.as_ref().map(|en| if lang.is_ko() { en.clone() } else { l.summary.clone() }),
            description: paragraphs(&l.description),
            plans: plan_rows(lang, v),
            price_from: v.price_from_krw.map(|w| lang.won(w)).unwrap_or_else(|| lang.t("price.ask").to_owned()),
            sla_availability: sla.and_then(|s| s.availability_pct).map(pct).unwrap_or_else(unknown),
            sla_support: sla.and_then(|s| s.support_hours.clone()).unwrap_or_else(unknown),
            sla_credit: sla.and_then(|s| s.credit_pct).map(pct).unwrap_or_else(unknown),
            data_location: l.data_location.clone().unwrap_or_else(unknown),
            integrations: l.integrations.clone(),
            host: host_view(v),
            cert: v.certification.as_ref().map(|c| {
                let (standing, standing_class) = standing_label(lang, &c.standing);
                CertPage {
                    scheme: c.scheme.clone(),
                    type_label: cert_type_label(lang, &c.cert_type),
                    grade: grade_label(lang, &c.grade),
                    effective: c
                        .effective_grade
                        .as_deref()
                        .map(|g| grade_label(lang, g))
                        .unwrap_or_else(|| lang.t("cert.no_grade_long").to_owned()),
                    number: c.number.clone(),
                    valid_from: c.valid_from.clone(),
                    valid_to: c.valid_to.clone(),
                    standing,
                    standing_class,
                }
            }),
            cert_alert: cert_alert(lang, v),
            not_orderable: v
                .not_orderable_reasons
                .iter()
                .map(|r| match NotOrderable::parse(r) {
                    Some(n) => lang.pick(n.label_ko(), n.label_en()).to_owned(),
                    None => r.clone(),
                })
                .collect(),
            csap_badge,
            csap_class,
            selected_on: l.selected_on.map(format_date).unwrap_or_else(unknown),
            selection_valid_to: l.selection_valid_to.map(format_date).unwrap_or_else(unknown),
            selection_round: None,
            methods: purchase_labels(lang, v),
            revision: lang.t("service.revision_n").replace("{n}", &v.revision.to_string()),
            revised_at: seoul_minute(revised_at_us),
            first_listed: first_listed_us.map(seoul_minute),
            api_href: format!("/api/v1/services/{}", v.id),
            history_href: format!("/services/{}/revisions", v.id),
        }
    }
}

#[derive(Template)]
#[template(path = "service.html")]
struct ServiceTpl {
    layout: Layout,
    s: ServicePage,
    /// Its ratings with replies, the average and the forms this reader may use (#24).
    ratings: RatingsSection,
}

/// Loads a public service and its view; errors are the page's errors (400 / 404 / 500).
pub async fn load_view(state: &AppState, key: &str) -> Result<(ServiceView, i64, Option<i64>), crate::AppError> {
    let rec = load_public_service(state, key).await?;
    let (revised, first) = (rec.revision_created_at, rec.first_listed_at);
    Ok((ServiceView::build(state, rec).await?, revised, first))
}

pub async fn service(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    render(&state, &ctx, &id, StatusCode::OK, None, (5, String::new())).await
}

/// The service page with `status`; a refused ratings form (`rate` or `reply-<id>`) shown in its
/// section with what the rate form held (`kept`: stars, comment).
pub(crate) async fn render(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    status: StatusCode,
    problem: Option<(String, super::usage::ratings::Problem)>,
    kept: (i64, String),
) -> Response {
    match load_view(state, id).await {
        Ok((view, revised, first)) => {
            let mut page = ServicePage::new(ctx.lang, &view, revised, first);
            match gureum_app::review::pages::selection_round(state, &view.id, view.revision).await {
                Ok(round) => page.selection_round = round.map(|r| (super::desk::words::Words(ctx.lang).t("rv.selection.round"), r.name)),
                Err(e) => return ctx.error(&e.into()),
            }
            let mut ratings = match super::usage::ratings::section(state, ctx, &view.id).await {
                Ok(r) => r,
                Err(e) => return ctx.error(&e),
            };
            if problem.is_some() {
                ratings.done = false;
                (ratings.stars, ratings.comment) = kept;
            }
            ratings.problem = problem;
            let tpl = ServiceTpl { layout: ctx.layout(page.name.clone(), Section::Services), s: page, ratings };
            ctx.render(status, &tpl)
        }
        Err(e) => ctx.error(&e),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::api::services::{CertView, SupplierSummary};
    use gureum_domain::listing::{PricePlan, Sla};
    use gureum_domain::{Krw, Listing};

    /// A service view as `ServiceView::build` would make it.
    pub(crate) fn view(code: &str, standing: &str) -> ServiceView {
        let listing = Listing {
            name: "온나라 <전자결재>".into(),
            name_en: Some("Onnara e-Approval".into()),
            code: code.into(),
            kind: gureum_domain::ServiceKind::Saas,
            category: "전자결재".into(),
            subcategory: Some("결재".into()),
            tags: vec!["전자결재".into(), "그룹 웨어".into()],
            summary: "공공기관용 전자결재".into(),
            summary_en: None,
            description: "첫 줄 <script>alert(1)</script>\n둘째 줄\n\n새 문단".into(),
            price_plans: vec![PricePlan {
                name: "기본".into(),
                model: PriceModel::Metered,
                unit: "사용자/월".into(),
                unit_price_krw: Krw::new(5000),
                vat_included: false,
            }],
            certification: None,
            integrations: vec!["GPKI".into(), "모바일공무원증".into()],
            sla: Some(Sla { availability_pct: Some(99.9), support_hours: Some("24x7".into()), credit_pct: Some(10.0) }),
            data_location: Some("서울 리전".into()),
            selected_on: time::Date::from_calendar_date(2025, time::Month::March, 2).ok(),
            selection_valid_to: None,
            catalog_contract: Some("PPS-2025-001".into()),
        };
        ServiceView {
            id: "0b0c0d0e-0000-4000-8000-000000000001".into(),
            code: code.into(),
            status: "suspended".into(),
            status_reason: Some("인증 갱신 지연".into()),
            supplier: SupplierSummary {
                id: "s1".into(),
                name: "구름소프트".into(),
                business_number: "2208162517".into(),
                size: "small".into(),
                sme: true,
            },
            listing,
            price_from_krw: Some(5000),
            certification: Some(CertView {
                scheme: "CSAP".into(),
                cert_type: "standard".into(),
                grade: "low".into(),
                effective_grade: Some("high".into()),
                number: "CSAP-S-1".into(),
                valid_from: "2024-01-01".into(),
                valid_to: "2026-12-31".into(),
                host_infra: Some("IAS-1-01-00001".into()),
                standing: standing.into(),
                days_left: 38,
            }),
            revision: 3,
            revised_at: "2026-11-23T00:00:00.000000Z".into(),
            first_listed_at: None,
            purchase_methods: vec!["negotiated".into(), "catalog".into()],
            orderable: false,
            not_orderable_reasons: vec!["service_suspended".into(), "certification_expired".into()],
            rating: None,
        }
    }

    fn render(lang: Lang, v: &ServiceView) -> String {
        let ctx = Ctx { lang, remember: false, path: "/services/x".into(), query: None, ..Ctx::default() };
        let page = ServicePage::new(lang, v, 1_795_000_000_000_000, None);
        ServiceTpl { layout: ctx.layout(page.name.clone(), Section::Services), s: page, ratings: RatingsSection::default() }
            .render()
            .expect("renders")
    }

    #[test]
    fn service_page_shows_everything_escaped() {
        let html = render(Lang::Ko, &view("SAS-4-09-10374", "expiring_soon"));
        assert!(html.contains("<html lang=\"ko\">"));
        assert!(html.contains("온나라 &#60;전자결재&#62;") || html.contains("온나라 &lt;전자결재&gt;"), "name escaped");
        assert!(!html.contains("<script>"), "description escaped");
        assert!(html.contains("판매중지") && html.contains("인증 갱신 지연"));
        assert!(html.contains("주문 불가") && html.contains("보안인증 기간이 끝났습니다"), "not orderable, with the reason");
        assert!(html.contains("38일 남음"));
        assert!(html.contains("5,000원") && html.contains("VAT 별도") && html.contains("종량"));
        assert!(html.contains("PPS-2025-001") && html.contains("수의계약"));
        assert!(html.contains("href=\"/services/IAS-1-01-00001\""));
        assert!(html.contains("/services?tag=%EA%B7%B8%EB%A3%B9+%EC%9B%A8%EC%96%B4"));
        assert!(html.contains("제3판") && html.contains("99.9%"));
        assert_eq!(html.matches("<h1").count(), 1);
        let en = render(Lang::En, &view("SAS-4-09-10374", "expired"));
        assert!(en.contains("<html lang=\"en\">") && en.contains("<h1>Onnara e-Approval</h1>"));
        assert!(en.contains("Certification expired") && en.contains("Suspended"));
        assert!(en.contains("Not orderable") && en.contains("the security certification has ended"));
        assert!(en.contains("KRW 5,000"));
    }

    #[test]
    fn paragraphs_split_on_blank_lines() {
        assert_eq!(paragraphs("a\nb\n\n\nc <b>\n"), vec![vec!["a".to_owned(), "b".to_owned()], vec!["c <b>".to_owned()]]);
        assert!(paragraphs("  \n").is_empty());
    }

    #[test]
    fn percentages() {
        assert_eq!(pct(99.9), "99.9%");
        assert_eq!(pct(100.0), "100%");
        assert_eq!(pct(99.95), "99.95%");
    }
}
