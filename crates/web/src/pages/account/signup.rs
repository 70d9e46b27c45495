//! `/signup`: a supplier (제공기업) or a voucher SME (바우처 수요기업) signs up with its business
//! number, its registration certificate (사업자등록증) and consent to the privacy notice, then
//! waits for the operator's approval.

use super::{FormErrors, check_csrf, redirect, request_id};
use crate::api::accounts::read_signup;
use crate::auth::Client;
use crate::error::{AppError, Code};
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gureum_app::accounts::{self, Signup};
use gureum_domain::account::OrgKind;
use gureum_domain::listing::SupplierSize;

/// What the person typed, kept when the form comes back with an error (never the password,
/// never the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignupValues {
    pub kind: String,
    pub business_number: String,
    pub company_name: String,
    pub size: String,
    pub representative: String,
    pub address: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub consent: bool,
}

impl Default for SignupValues {
    fn default() -> Self {
        Self {
            kind: "supplier".into(),
            business_number: String::new(),
            company_name: String::new(),
            size: String::new(),
            representative: String::new(),
            address: String::new(),
            name: String::new(),
            email: String::new(),
            phone: String::new(),
            consent: false,
        }
    }
}

impl SignupValues {
    fn of(s: &Signup) -> Self {
        Self {
            kind: s.kind.as_str().into(),
            business_number: s.business_number.trim().into(),
            company_name: s.company_name.trim().into(),
            size: s.size.clone().unwrap_or_default(),
            representative: s.representative.clone().unwrap_or_default(),
            address: s.address.clone().unwrap_or_default(),
            name: s.person_name.trim().into(),
            email: s.email.trim().into(),
            phone: s.phone.clone().unwrap_or_default(),
            consent: s.privacy_consent,
        }
    }
}

/// The field an error of the sign-up belongs to.
pub fn signup_field(code: &str, v: &SignupValues) -> &'static str {
    match code {
        "invalid_kind" => "kind",
        "invalid_business_number" | "company_exists" => "business_number",
        "invalid_email" | "email_taken" => "email",
        "weak_password" => "password",
        "invalid_size" => "size",
        "consent_required" => "privacy_consent",
        "certificate_required" | "invalid_file_type" | "file_too_large" => "certificate",
        "invalid_representative" => "representative",
        "invalid_address" => "address",
        "invalid_phone" => "phone",
        "invalid_name" if v.company_name.trim().is_empty() || v.company_name.trim().chars().count() > 200 => "company_name",
        "invalid_name" => "name",
        _ => "",
    }
}

pub struct SizeOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "account/signup.html")]
struct SignupTpl {
    layout: Layout,
    v: SignupValues,
    sizes: Vec<SizeOption>,
    errs: FormErrors,
}

fn page(ctx: &Ctx, v: SignupValues, errs: FormErrors, status: StatusCode) -> Response {
    let sizes = SupplierSize::ALL
        .iter()
        .map(|s| SizeOption { value: s.as_str(), label: ctx.lang.size(*s), selected: v.size == s.as_str() })
        .collect();
    let tpl = SignupTpl { layout: ctx.layout(ctx.t("signup.title"), Section::None), v, sizes, errs };
    ctx.render(status, &tpl)
}

pub async fn form(ctx: Ctx) -> Response {
    let ctx = ctx.with_forms();
    let mut v = SignupValues::default();
    if ctx.pairs().iter().any(|(k, val)| k == "kind" && val == "sme") {
        v.kind = OrgKind::Sme.as_str().into();
    }
    page(&ctx, v, FormErrors::default(), StatusCode::OK)
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    client: Client,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let ctx = ctx.with_forms();
    let mp = match mp {
        Ok(mp) => mp,
        Err(e) => return ctx.error(&AppError::new(Code::InvalidBody, e.body_text())),
    };
    let (form, csrf) = match read_signup(mp).await {
        Ok(x) => x,
        Err(e) => {
            let errs = FormErrors::one(ctx.lang, "", &e);
            return page(&ctx, SignupValues::default(), errs, e.status);
        }
    };
    if let Err(r) = check_csrf(&ctx, &headers, csrf.as_deref()) {
        return r;
    }
    let values = SignupValues::of(&form);
    match accounts::signup(&state, form, client.0, request_id(&headers)).await.map_err(AppError::from) {
        Ok(_) => redirect("/signup/done"),
        Err(e) if e.status.is_client_error() => {
            let errs = FormErrors::one(ctx.lang, signup_field(e.code.as_str(), &values), &e);
            crate::error::with_retry_after(page(&ctx, values, errs, e.status), &e)
        }
        Err(e) => ctx.error(&e),
    }
}

#[derive(Template)]
#[template(path = "account/signup_done.html")]
struct DoneTpl {
    layout: Layout,
}

pub async fn done(ctx: Ctx) -> Response {
    let tpl = DoneTpl { layout: ctx.layout(ctx.t("signup.done_title"), Section::None) };
    ctx.render(StatusCode::OK, &tpl)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_land_on_their_fields() {
        let mut v = SignupValues { company_name: "구름상사".into(), ..SignupValues::default() };
        assert_eq!(signup_field("company_exists", &v), "business_number");
        assert_eq!(signup_field("invalid_file_type", &v), "certificate");
        assert_eq!(signup_field("file_too_large", &v), "certificate");
        assert_eq!(signup_field("consent_required", &v), "privacy_consent");
        assert_eq!(signup_field("invalid_address", &v), "address");
        assert_eq!(signup_field("invalid_name", &v), "name");
        v.company_name = " ".into();
        assert_eq!(signup_field("invalid_name", &v), "company_name");
        assert_eq!(signup_field("internal_error", &v), "");
    }
}
