//! `/account/company`: a supplier's or SME's admin keeps its company profile (대표자, 주소,
//! 대표 전화, 대표 이메일, and a supplier's size, which the SME filter of the search reads).

use super::signup::SizeOption;
use super::{FormData, FormErrors, check_csrf, notice, redirect, request_id, require};
use crate::auth::{Principal, Rule};
use crate::error::{AppError, Code};
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gureum_app::profile::{self, CompanyEdit};
use gureum_domain::BusinessNumber;
use gureum_domain::listing::SupplierSize;

#[derive(Template)]
#[template(path = "account/company.html")]
struct CompanyTpl {
    layout: Layout,
    name: String,
    business_number: String,
    kind: &'static str,
    supplier: bool,
    v: CompanyEdit,
    sizes: Vec<SizeOption>,
    errs: FormErrors,
    notice: Option<&'static str>,
}

#[allow(clippy::result_large_err)] // the Err is the answer itself, returned at once
fn company_admin(ctx: &Ctx) -> Result<&Principal, Response> {
    let p = require(ctx, Rule::OrgAdmin)?;
    if !p.org().kind.self_service() {
        return Err(ctx.error(&AppError::new(Code::Forbidden, "only suppliers and SMEs keep a company profile here")));
    }
    Ok(p)
}

fn page(ctx: &Ctx, p: &Principal, v: CompanyEdit, errs: FormErrors, status: StatusCode) -> Response {
    let org = p.org();
    let sizes = SupplierSize::ALL
        .iter()
        .map(|s| SizeOption { value: s.as_str(), label: ctx.lang.size(*s), selected: v.size == s.as_str() })
        .collect();
    let tpl = CompanyTpl {
        layout: ctx.layout(ctx.t("company.title"), Section::Desk),
        name: org.name.clone(),
        business_number: org
            .business_number
            .as_deref()
            .map(|b| BusinessNumber::parse(b).map(|b| b.formatted()).unwrap_or_else(|_| b.to_owned()))
            .unwrap_or_default(),
        kind: ctx.lang.pick(org.kind.label_ko(), org.kind.label_en()),
        supplier: org.supplier_id.is_some(),
        v,
        sizes,
        errs,
        notice: notice(ctx),
    };
    ctx.render(status, &tpl)
}

pub async fn form(State(state): State<AppState>, ctx: Ctx) -> Response {
    let p = match company_admin(&ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let org = p.org();
    let size = match &org.supplier_id {
        Some(id) => match state.db().supplier(id).await {
            Ok(s) => s.map(|s| s.size.as_str().to_owned()).unwrap_or_default(),
            Err(e) => return ctx.error(&AppError::from(e)),
        },
        None => String::new(),
    };
    let v = CompanyEdit {
        representative: org.representative.clone().unwrap_or_default(),
        address: org.address.clone().unwrap_or_default(),
        phone: org.phone.clone().unwrap_or_default(),
        contact_email: org.contact_email.clone().unwrap_or_default(),
        size,
    };
    page(&ctx, p, v, FormErrors::default(), StatusCode::OK)
}

fn company_field(code: &str) -> &'static str {
    match code {
        "invalid_representative" => "representative",
        "invalid_address" => "address",
        "invalid_phone" => "phone",
        "invalid_email" => "contact_email",
        "invalid_size" => "size",
        _ => "",
    }
}

pub async fn save(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    if let Err(r) = check_csrf(&ctx, &headers, form.csrf()) {
        return r;
    }
    let p = match company_admin(&ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let v = CompanyEdit {
        representative: form.get("representative").to_owned(),
        address: form.get("address").to_owned(),
        phone: form.get("phone").to_owned(),
        contact_email: form.get("contact_email").to_owned(),
        size: form.get("size").to_owned(),
    };
    match profile::update_company(&state, p, &v, request_id(&headers)).await.map_err(AppError::from) {
        Ok(_) => redirect("/account/company?done=saved"),
        Err(e) if e.status == StatusCode::BAD_REQUEST => {
            let errs = FormErrors::one(ctx.lang, company_field(e.code.as_str()), &e);
            page(&ctx, p, v, errs, e.status)
        }
        Err(e) => ctx.error(&e),
    }
}
