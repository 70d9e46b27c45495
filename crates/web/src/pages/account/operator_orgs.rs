//! The operator's organisations: `/operator/organisations` (sign-ups waiting for approval first,
//! with their registration certificates; then every other organisation; a form to create one)
//! and `/operator/organisations/{id}` (its details and people, the decision, the invitation of
//! its admins).

use super::me::status_label;
use super::operator::{PER_PAGE, back_of, back_with, is_operator, page_of, q_of};
use super::org::{InviteValues, RoleOption, role_options, roles_of, user_status_label};
use super::{FormErrors, age_days, checked_form, notice, redirect, request_id, require};
use crate::auth::{AUDIT_READERS, Client, OPERATOR, Principal, Rule};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::layout::{Ctx, Layout, Section};
use crate::pages::links::{self, Pager};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gureum_app::accounts;
use gureum_app::masking::contact_for;
use gureum_domain::BusinessNumber;
use gureum_domain::account::{OrgKind, Role};
use gureum_domain::clock::seoul_minute;
use gureum_domain::forecast::AgencyKind;
use gureum_storage::{OrgStatus, Organisation};

const LIST: &str = "/operator/organisations";

fn bizno(o: &Organisation) -> String {
    o.business_number
        .as_deref()
        .map(|b| BusinessNumber::parse(b).map(|b| b.formatted()).unwrap_or_else(|_| b.to_owned()))
        .unwrap_or_default()
}

/// The business number a rejection released, for the record.
fn released_bizno(o: &Organisation) -> String {
    o.released_business_number
        .as_deref()
        .map(|b| BusinessNumber::parse(b).map(|b| b.formatted()).unwrap_or_else(|_| b.to_owned()))
        .unwrap_or_default()
}

fn status_class(s: OrgStatus) -> &'static str {
    match s {
        OrgStatus::Pending => "warning",
        OrgStatus::Approved => "success",
        OrgStatus::Rejected => "danger",
    }
}

/// A sign-up waiting for the operator, with the person who signed it up.
pub struct PendingRow {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub business_number: String,
    pub age_days: i64,
    pub applicant: String,
    pub email: String,
    pub phone: String,
    pub doc: Option<String>,
    /// The id of its rejection reason field.
    pub reason_id: String,
}

pub struct OrgRow {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub status: &'static str,
    pub status_class: &'static str,
    pub business_number: String,
    pub created: String,
}

pub struct KindOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// What the create form held, kept on an error.
#[derive(Default)]
pub struct NewOrgValues {
    pub kind: String,
    pub name: String,
    pub business_number: String,
    pub agency_kind: String,
}

/// The agency kinds as options, `current` selected.
fn agency_kind_options(lang: Lang, current: &str) -> Vec<KindOption> {
    AgencyKind::ALL
        .iter()
        .map(|k| KindOption { value: k.as_str(), label: lang.pick(k.label_ko(), k.label_en()), selected: current == k.as_str() })
        .collect()
}

#[derive(Template)]
#[template(path = "account/operator_orgs.html")]
struct OrgsTpl {
    layout: Layout,
    pending: Vec<PendingRow>,
    rows: Vec<OrgRow>,
    total: i64,
    q: String,
    back: String,
    operator: bool,
    kinds: Vec<KindOption>,
    agency_kinds: Vec<KindOption>,
    v: NewOrgValues,
    pager: Option<Pager>,
    errs: FormErrors,
    notice: Option<&'static str>,
}

async fn pending_rows(state: &AppState, ctx: &Ctx, p: &Principal) -> Result<Vec<PendingRow>, AppError> {
    let now = state.clock().now_micros();
    let mut orgs = state.db().organisations(Some(OrgStatus::Pending)).await?;
    // The longest waiting first.
    orgs.sort_by(|a, b| a.created_at.cmp(&b.created_at).then_with(|| a.id.cmp(&b.id)));
    let mut rows = Vec::with_capacity(orgs.len());
    for o in orgs {
        let people = state.db().users_of(&o.id).await?;
        let applicant = people.iter().find(|u| u.is_admin).or(people.first());
        let c = applicant.map(|u| contact_for(Some(p), u));
        rows.push(PendingRow {
            id: o.id.clone(),
            name: o.name.clone(),
            kind: ctx.lang.pick(o.kind.label_ko(), o.kind.label_en()),
            business_number: bizno(&o),
            age_days: age_days(o.created_at, now),
            applicant: applicant.map(|u| u.name.clone()).unwrap_or_default(),
            email: c.as_ref().map(|c| c.email.clone()).unwrap_or_default(),
            phone: c.map(|c| c.phone).unwrap_or_default(),
            doc: o.registration_doc.clone(),
            reason_id: format!("reason-{}", o.id),
        });
    }
    Ok(rows)
}

async fn list_page(state: &AppState, ctx: &Ctx, p: &Principal, v: NewOrgValues, errs: FormErrors, status: StatusCode) -> Response {
    let (q, page) = (q_of(ctx), page_of(ctx));
    let pending = match pending_rows(state, ctx, p).await {
        Ok(r) => r,
        Err(e) => return ctx.error(&e),
    };
    let found = match state.db().search_settled_organisation_ids(&q, i64::from(page - 1) * i64::from(PER_PAGE), i64::from(PER_PAGE)).await {
        Ok(f) => f,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let mut rows = Vec::with_capacity(found.ids.len());
    for id in &found.ids {
        match state.db().organisation(id).await {
            Ok(Some(o)) => rows.push(OrgRow {
                id: o.id.clone(),
                name: o.name.clone(),
                kind: ctx.lang.pick(o.kind.label_ko(), o.kind.label_en()),
                status: status_label(ctx, o.status),
                status_class: status_class(o.status),
                business_number: bizno(&o),
                created: seoul_minute(o.created_at),
            }),
            Ok(None) => {}
            Err(e) => return ctx.error(&AppError::from(e)),
        }
    }
    let kinds = OrgKind::ALL
        .iter()
        .filter(|k| !k.self_service())
        .map(|k| KindOption { value: k.as_str(), label: ctx.lang.pick(k.label_ko(), k.label_en()), selected: v.kind == k.as_str() })
        .collect();
    let agency_kinds = agency_kind_options(ctx.lang, &v.agency_kind);
    let pairs: Vec<(String, String)> = ctx.pairs().into_iter().filter(|(k, _)| k != "done").collect();
    let tpl = OrgsTpl {
        agency_kinds,
        layout: ctx.layout(ctx.t("orgs.title"), Section::Desk),
        pending,
        rows,
        total: found.total,
        q,
        back: back_of(ctx),
        operator: is_operator(p),
        kinds,
        v,
        pager: links::pager(&ctx.path, &pairs, page, u64::try_from(found.total).unwrap_or(0), PER_PAGE),
        errs,
        notice: notice(ctx),
    };
    ctx.render(status, &tpl)
}

pub async fn organisations(State(state): State<AppState>, ctx: Ctx) -> Response {
    let p = match require(&ctx, Rule::AnyRole(AUDIT_READERS)) {
        Ok(p) => p,
        Err(r) => return r,
    };
    list_page(&state, &ctx, p, NewOrgValues::default(), FormErrors::default(), StatusCode::OK).await
}

pub async fn create_organisation(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: Bytes) -> Response {
    let (form, p) = match checked_form(&ctx, &headers, &body, Rule::AnyRole(OPERATOR)) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let v = NewOrgValues {
        kind: form.get("kind").to_owned(),
        name: form.get("name").trim().to_owned(),
        business_number: form.get("business_number").trim().to_owned(),
        agency_kind: form.get("agency_kind").trim().to_owned(),
    };
    let agency_kind = Some(v.agency_kind.as_str()).filter(|_| v.kind == OrgKind::Agency.as_str());
    match accounts::create_organisation(&state, p, &v.kind, &v.name, Some(v.business_number.as_str()), agency_kind, request_id(&headers))
        .await
        .map_err(AppError::from)
    {
        Ok(org) => redirect(&format!("{LIST}/{}?done=created", org.id)),
        Err(e) if e.status == StatusCode::BAD_REQUEST || e.status == StatusCode::CONFLICT => {
            let field = match e.code.as_str() {
                "invalid_kind" => "new_kind",
                "invalid_name" => "new_name",
                "invalid_business_number" | "company_exists" => "new_business_number",
                "invalid_field" => "new_agency_kind",
                _ => "",
            };
            list_page(&state, &ctx, p, v, FormErrors::one(ctx.lang, field, &e), e.status).await
        }
        Err(e) => ctx.error(&e),
    }
}

pub struct MemberRow {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub roles: String,
    pub admin: bool,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "account/operator_org.html")]
struct OrgTpl {
    layout: Layout,
    id: String,
    reason_id: String,
    name: String,
    kind: &'static str,
    status: &'static str,
    status_class: &'static str,
    pending: bool,
    /// Never approved (waiting or rejected): the operator may remove it.
    removable: bool,
    reason: Option<String>,
    business_number: String,
    released_business_number: String,
    representative: String,
    address: String,
    phone: String,
    contact_email: String,
    created: String,
    age_days: i64,
    doc: Option<String>,
    supplier_id: Option<String>,
    /// An agency: its kind (label, or empty when not said) and the options to change it.
    agency: bool,
    agency_kind: String,
    agency_kinds: Vec<KindOption>,
    members: Vec<MemberRow>,
    operator: bool,
    role_opts: Vec<RoleOption>,
    v: InviteValues,
    errs: FormErrors,
    notice: Option<&'static str>,
}

#[allow(clippy::too_many_arguments)]
async fn org_page(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: &str,
    v: InviteValues,
    checked: &[Role],
    errs: FormErrors,
    status: StatusCode,
) -> Response {
    let org = match state.db().organisation(id).await {
        Ok(Some(o)) => o,
        Ok(None) => return ctx.error(&AppError::not_found("organisation")),
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let people = match state.db().users_of(&org.id).await {
        Ok(u) => u,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let now = state.clock().now_micros();
    let members = people
        .iter()
        .map(|u| {
            let c = contact_for(Some(p), u);
            MemberRow {
                name: u.name.clone(),
                email: c.email,
                phone: c.phone,
                roles: u.roles.iter().map(|r| ctx.lang.pick(r.label_ko(), r.label_en())).collect::<Vec<_>>().join(", "),
                admin: u.is_admin,
                status: user_status_label(ctx, u, now),
            }
        })
        .collect();
    let allowed = org.kind.allowed_roles();
    let checked: Vec<Role> = if allowed.len() == 1 || checked.is_empty() { allowed[..1].to_vec() } else { checked.to_vec() };
    let tpl = OrgTpl {
        layout: ctx.layout(org.name.clone(), Section::Desk),
        id: org.id.clone(),
        reason_id: format!("reason-{}", org.id),
        name: org.name.clone(),
        kind: ctx.lang.pick(org.kind.label_ko(), org.kind.label_en()),
        status: status_label(ctx, org.status),
        status_class: status_class(org.status),
        pending: org.status == OrgStatus::Pending,
        removable: matches!(org.status, OrgStatus::Pending | OrgStatus::Rejected),
        reason: org.status_reason.clone(),
        business_number: bizno(&org),
        released_business_number: released_bizno(&org),
        representative: org.representative.clone().unwrap_or_default(),
        address: org.address.clone().unwrap_or_default(),
        phone: org.phone.clone().unwrap_or_default(),
        contact_email: org.contact_email.clone().unwrap_or_default(),
        created: seoul_minute(org.created_at),
        age_days: age_days(org.created_at, now),
        doc: org.registration_doc.clone(),
        supplier_id: org.supplier_id.clone(),
        agency: org.kind == OrgKind::Agency,
        agency_kind: org
            .agency_kind
            .as_deref()
            .and_then(AgencyKind::parse)
            .map(|k| ctx.lang.pick(k.label_ko(), k.label_en()).to_owned())
            .unwrap_or_default(),
        agency_kinds: agency_kind_options(ctx.lang, org.agency_kind.as_deref().unwrap_or_default()),
        members,
        operator: is_operator(p),
        role_opts: role_options(ctx.lang, allowed, &checked),
        // The first person of an organisation is usually its admin.
        v: if v.email.is_empty() && v.name.is_empty() { InviteValues { admin: people.is_empty(), ..v } } else { v },
        errs,
        notice: notice(ctx),
    };
    ctx.render(status, &tpl)
}

pub async fn organisation(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let p = match require(&ctx, Rule::AnyRole(AUDIT_READERS)) {
        Ok(p) => p,
        Err(r) => return r,
    };
    org_page(&state, &ctx, p, &id, InviteValues::default(), &[], FormErrors::default(), StatusCode::OK).await
}

async fn decide(state: AppState, ctx: Ctx, headers: HeaderMap, id: String, body: Bytes, approve: bool) -> Response {
    let (form, p) = match checked_form(&ctx, &headers, &body, Rule::AnyRole(OPERATOR)) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let reason = Some(form.get("reason").trim()).filter(|r| !r.is_empty());
    match accounts::decide_organisation(&state, p, &id, approve, reason, request_id(&headers)).await.map_err(AppError::from) {
        Ok(_) => redirect(&back_with(form.get("back"), LIST, if approve { "approved" } else { "rejected" })),
        Err(e) if e.code == "reason_required" => {
            let errs = FormErrors::one(ctx.lang, &format!("reason-{id}"), &e);
            if super::safe_next(form.get("back")).starts_with(&format!("{LIST}/")) {
                org_page(&state, &ctx, p, &id, InviteValues::default(), &[], errs, e.status).await
            } else {
                list_page(&state, &ctx, p, NewOrgValues::default(), errs, e.status).await
            }
        }
        Err(e) => ctx.error(&e),
    }
}

/// The operator says what kind of public body an agency is.
pub async fn set_agency_kind(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let (form, p) = match checked_form(&ctx, &headers, &body, Rule::AnyRole(OPERATOR)) {
        Ok(v) => v,
        Err(r) => return r,
    };
    match accounts::set_agency_kind(&state, p, &id, form.get("agency_kind"), request_id(&headers)).await.map_err(AppError::from) {
        Ok(org) => redirect(&format!("{LIST}/{}?done=saved", org.id)),
        Err(e) if e.status == StatusCode::BAD_REQUEST => {
            org_page(&state, &ctx, p, &id, InviteValues::default(), &[], FormErrors::one(ctx.lang, "agency_kind", &e), e.status).await
        }
        Err(e) => ctx.error(&e),
    }
}

pub async fn approve(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    decide(state, ctx, headers, id, body, true).await
}

pub async fn reject(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    decide(state, ctx, headers, id, body, false).await
}

/// The operator removes an organisation never approved (waiting or rejected).
pub async fn remove(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let (_, p) = match checked_form(&ctx, &headers, &body, Rule::AnyRole(OPERATOR)) {
        Ok(v) => v,
        Err(r) => return r,
    };
    match accounts::remove_organisation(&state, p, &id, request_id(&headers)).await.map_err(AppError::from) {
        Ok(()) => redirect(&format!("{LIST}?done=removed")),
        Err(e) => ctx.error(&e),
    }
}

/// The operator invites a person (typically the first admin) into any organisation.
pub async fn invite(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    client: Client,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (form, p) = match checked_form(&ctx, &headers, &body, Rule::AnyRole(OPERATOR)) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let v = InviteValues { email: form.get("email").trim().into(), name: form.get("name").trim().into(), admin: form.checked("admin") };
    let result = match roles_of(&form) {
        Ok(roles) => accounts::invite(&state, p, &id, &v.email, &v.name, &roles, v.admin, client.0, request_id(&headers))
            .await
            .map_err(AppError::from)
            .map_err(|e| (e, roles)),
        Err(e) => Err((e, Vec::new())),
    };
    match result {
        Ok(_) => redirect(&format!("{LIST}/{id}?done=invited")),
        Err((e, roles)) if e.status == StatusCode::BAD_REQUEST || e.status == StatusCode::CONFLICT => {
            let field = match e.code.as_str() {
                "invalid_email" | "email_taken" => "email",
                "invalid_name" => "name",
                "invalid_roles" => "roles",
                _ => "",
            };
            org_page(&state, &ctx, p, &id, v, &roles, FormErrors::one(ctx.lang, field, &e), e.status).await
        }
        Err((e, _)) => ctx.error(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_have_classes() {
        assert_eq!(status_class(OrgStatus::Pending), "warning");
        assert_eq!(status_class(OrgStatus::Rejected), "danger");
    }
}
