//! The role matrix: every route (API and page) × every role and the visitor × own and other
//! organisation → the expected status, checked against the running app. A route that the router
//! has and this table lacks fails the test, so every later issue extends the table.
//!
//! Each route runs against a fresh app (so a successful change in one cell cannot hide another);
//! within a route the denied roles go first and the allowed ones last.

mod common;

use common::{TestApp, spawn_app};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};

const ROLES: [&str; 11] =
    ["visitor", "supplier", "supplier2", "buyer", "budget", "signatory", "reviewer", "operator", "pps", "sme", "auditor"];

/// One row: the router's method and path template, the concrete path (with `{fixture}`s), a
/// body, and the expected statuses (`role:status`, `*` for every other role).
struct Case {
    method: &'static str,
    template: &'static str,
    path: &'static str,
    body: Option<fn() -> Value>,
    expect: &'static str,
}

const fn case(method: &'static str, template: &'static str, path: &'static str, expect: &'static str) -> Case {
    Case { method, template, path, body: None, expect }
}

const fn with_body(method: &'static str, template: &'static str, path: &'static str, body: fn() -> Value, expect: &'static str) -> Case {
    Case { method, template, path, body: Some(body), expect }
}

fn debarment_body() -> Value {
    json!({"from": "2026-12-01", "to": "2027-05-31", "reason": "입찰 담합"})
}

fn reject_body() -> Value {
    json!({"reason": "서류 미비"})
}

fn token_body() -> Value {
    json!({"name": "matrix"})
}

fn org_body() -> Value {
    json!({"kind": "agency", "name": "새 기관"})
}

fn invite_body() -> Value {
    json!({"email": format!("{}@demo.gureum.kr", uuid::Uuid::new_v4().simple()), "name": "새 사람", "roles": ["supplier"]})
}

/// The next demo account's e-mail: the login and reset rows knock with a different account
/// each time, as the throttle allows 10 attempts a minute for one e-mail (a row sends 11).
fn next_email() -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let people = &ROLES[1..];
    let i = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % people.len();
    format!("{}@demo.gureum.kr", people[i])
}

fn login_body() -> Value {
    json!({"email": next_email(), "password": "gureum-demo"})
}

fn reset_body() -> Value {
    json!({"email": next_email()})
}

fn link_body() -> Value {
    json!({"token": "0000", "password": "long-enough-password"})
}

fn password_body() -> Value {
    json!({"current_password": "gureum-demo", "new_password": "another-long-password"})
}

fn service_body() -> Value {
    json!({"name": "매트릭스 서비스", "kind": "saas", "category": "협업", "summary": "권한 표 확인용"})
}

fn summary_body() -> Value {
    json!({"summary": "요약 고침"})
}

fn budget_line_body() -> Value {
    json!({"fiscal_year": 2027, "name": format!("예산 {}", uuid::Uuid::new_v4().simple()), "amount_krw": 1_000_000})
}

fn project_body() -> Value {
    json!({"title": "행렬 시험 사업", "required_grade": null})
}

fn search_body() -> Value {
    json!({"q": "클라우드"})
}

fn shortlist_body() -> Value {
    json!({"service_ids": ["{buy_service}"]})
}

fn decision_body() -> Value {
    json!({"chosen_service_ids": ["{buy_service}"], "reason": "가격과 보안등급 비교"})
}

fn quote_request_body() -> Value {
    json!({"service_id": "{buy_service}", "items": [{"plan": "{buy_plan}", "quantity": 1, "months": 1}], "starts_on": "2027-01-01", "ends_on": "2027-12-31"})
}

fn quote_body() -> Value {
    json!({"items": [{"plan": "{buy_plan}", "unit_price_krw": 0, "quantity": 1, "months": 1}], "valid_until": "2026-12-31"})
}

fn contract_body() -> Value {
    json!({"quote_id": "{quote}", "type": "one_off", "fee_model": "fixed", "billing": "monthly", "budget_line_id": "{buy_line}"})
}

fn accept_contract_body() -> Value {
    json!({"text_hash": "{contract_hash}"})
}

fn accept_amendment_body() -> Value {
    json!({"text_hash": "{amendment_hash}"})
}

fn amendment_body() -> Value {
    json!({"changes": {"ends_on": "2028-12-31"}, "reason": "기간 연장"})
}

fn catalog_body() -> Value {
    json!({"supplier_id": "{own_supplier}", "number": "PPS-MATRIX-2", "items": [{"service_id": "{buy_service}", "plan": "{buy_plan}", "unit_price_krw": 0}],
        "starts_on": "2026-01-01", "ends_on": "2027-12-31"})
}

fn delivery_body() -> Value {
    json!({"catalog_contract_id": "{catalog_contract}", "items": [{"service_id": "{buy_service}", "plan": "{buy_plan}", "quantity": 1, "months": 1}],
        "budget_line_id": "{buy_line}"})
}

fn budget_change_body() -> Value {
    json!({"amount_krw": 2_000_000})
}

fn settings_body() -> Value {
    json!({"quorum": 2})
}

fn round_body() -> Value {
    json!({"name": "2026년 12월 차수", "meets_on": "2026-12-15"})
}

fn assign_body() -> Value {
    json!({"round_id": "00000000-0000-4000-8000-000000000000", "reviewer_ids": []})
}

fn message_body() -> Value {
    json!({"message": "재무제표를 보완해 주십시오", "reason": "공동연구 수행"})
}

fn vote_body() -> Value {
    common::vote_body("pass")
}

fn conflict_body() -> Value {
    json!({"business_number": gureum_domain::BusinessNumber::from_first9([1, 2, 0, 8, 1, 4, 7, 5, 2]).digits(), "reason": "전 직장"})
}

fn lang_body() -> Value {
    json!({"lang": "en"})
}

/// Public routes answer everyone alike (never 401).
const PUBLIC: &str = "*:200";

fn cases() -> Vec<Case> {
    vec![
        // the public catalog
        case("GET", "/api/v1/services", "/api/v1/services", PUBLIC),
        case("GET", "/api/v1/services/{id}", "/api/v1/services/{own_service}", PUBLIC),
        case("GET", "/api/v1/categories", "/api/v1/categories", PUBLIC),
        case("GET", "/api/v1/suppliers/{id}", "/api/v1/suppliers/{own_supplier}", PUBLIC),
        case("GET", "/api/openapi.json", "/api/openapi.json", PUBLIC),
        case("GET", "/healthz", "/healthz", PUBLIC),
        case("GET", "/readyz", "/readyz", PUBLIC),
        // status filters: operator and auditor only
        case("GET", "/api/v1/services", "/api/v1/services?status=suspended", "operator:200 auditor:200 *:403"),
        // auth
        with_body("POST", "/api/v1/auth/login", "/api/v1/auth/login", login_body, PUBLIC),
        case("POST", "/api/v1/auth/logout", "/api/v1/auth/logout", "visitor:401 *:204"),
        case("GET", "/api/v1/me", "/api/v1/me", "visitor:401 *:200"),
        with_body("POST", "/api/v1/auth/password-reset", "/api/v1/auth/password-reset", reset_body, "*:202"),
        with_body("POST", "/api/v1/auth/password-reset/confirm", "/api/v1/auth/password-reset/confirm", link_body, "*:400"),
        with_body("POST", "/api/v1/auth/invitations/accept", "/api/v1/auth/invitations/accept", link_body, "*:400"),
        with_body("POST", "/api/v1/me/password", "/api/v1/me/password", password_body, "visitor:401 *:204"),
        // sign-up is public (a JSON body instead of the multipart form is refused alike)
        with_body("POST", "/api/v1/signup", "/api/v1/signup", org_body, "*:400"),
        // organisations and people
        case("GET", "/api/v1/organisations", "/api/v1/organisations", "visitor:401 operator:200 *:403"),
        with_body("POST", "/api/v1/organisations", "/api/v1/organisations", org_body, "visitor:401 operator:201 *:403"),
        case("DELETE", "/api/v1/organisations/{id}", "/api/v1/organisations/{pending_org}", "visitor:401 operator:204 *:403"),
        case("POST", "/api/v1/organisations/{id}/approve", "/api/v1/organisations/{pending_org}/approve", "visitor:401 operator:200 *:403"),
        with_body(
            "PUT",
            "/api/v1/organisations/{id}/agency-kind",
            "/api/v1/organisations/{agency_org}/agency-kind",
            || json!({"agency_kind": "central"}),
            "visitor:401 operator:200 *:403",
        ),
        with_body(
            "POST",
            "/api/v1/organisations/{id}/reject",
            "/api/v1/organisations/{pending_org}/reject",
            reject_body,
            "visitor:401 operator:200 *:403",
        ),
        // inviting into the supplier's company: its admin, or the operator; others never see it
        with_body(
            "POST",
            "/api/v1/organisations/{id}/invitations",
            "/api/v1/organisations/{supplier_org}/invitations",
            invite_body,
            "visitor:401 supplier:201 operator:201 *:404",
        ),
        case("GET", "/api/v1/tokens", "/api/v1/tokens", "visitor:401 buyer:403 budget:403 *:200 auditor:403"),
        // the operator's and auditors' organisations get no machine tokens (SPEC §4)
        with_body(
            "POST",
            "/api/v1/tokens",
            "/api/v1/tokens",
            token_body,
            "visitor:401 buyer:403 budget:403 operator:403 *:201 auditor:403",
        ),
        case(
            "DELETE",
            "/api/v1/tokens/{id}",
            "/api/v1/tokens/{supplier_token}",
            "visitor:401 buyer:403 budget:403 supplier:204 *:404 auditor:403",
        ),
        case("POST", "/api/v1/users/{id}/lock", "/api/v1/users/{buyer_user}/lock", "visitor:401 operator:200 *:403"),
        case("POST", "/api/v1/users/{id}/unlock", "/api/v1/users/{buyer_user}/unlock", "visitor:401 operator:200 *:403"),
        // a supplier's own services and the operator's decisions (lifecycle)
        with_body("POST", "/api/v1/services", "/api/v1/services", service_body, "visitor:401 supplier:201 supplier2:201 *:403"),
        with_body(
            "PATCH",
            "/api/v1/services/{id}",
            "/api/v1/services/{own_service}",
            summary_body,
            "visitor:401 supplier:200 supplier2:404 *:403",
        ),
        case(
            "POST",
            "/api/v1/services/{id}/submit",
            "/api/v1/services/{own_service}/submit",
            "visitor:401 supplier:409 supplier2:404 *:403",
        ),
        case("POST", "/api/v1/services/{id}/review", "/api/v1/services/{own_service}/review", "visitor:401 operator:409 *:403"),
        case("POST", "/api/v1/services/{id}/list", "/api/v1/services/{own_service}/list", "visitor:401 operator:409 *:403"),
        with_body(
            "POST",
            "/api/v1/services/{id}/reject",
            "/api/v1/services/{own_service}/reject",
            reject_body,
            "visitor:401 operator:409 *:403",
        ),
        with_body(
            "POST",
            "/api/v1/services/{id}/suspend",
            "/api/v1/services/{own_service}/suspend",
            reject_body,
            "visitor:401 operator:200 *:403",
        ),
        with_body(
            "POST",
            "/api/v1/services/{id}/cancel",
            "/api/v1/services/{own_service}/cancel",
            reject_body,
            "visitor:401 operator:200 *:403",
        ),
        case("POST", "/api/v1/services/{id}/reinstate", "/api/v1/services/{own_service}/reinstate", "visitor:401 operator:409 *:403"),
        case(
            "GET",
            "/api/v1/services/{id}/documents",
            "/api/v1/services/{own_service}/documents",
            "visitor:401 supplier:200 operator:200 auditor:200 *:404",
        ),
        with_body(
            "POST",
            "/api/v1/services/{id}/documents",
            "/api/v1/services/{own_service}/documents",
            token_body,
            "visitor:401 supplier:400 supplier2:404 *:403",
        ),
        case(
            "GET",
            "/api/v1/services/{id}/documents/{doc_id}",
            "/api/v1/services/{own_service}/documents/00000000-0000-4000-8000-000000000000",
            "visitor:401 *:404",
        ),
        case("GET", "/api/v1/supplier/services", "/api/v1/supplier/services", "visitor:401 supplier:200 supplier2:200 *:403"),
        case("GET", "/api/v1/operator/services", "/api/v1/operator/services", "visitor:401 operator:200 *:403"),
        case("GET", "/supplier/services", "/supplier/services", "visitor:303 supplier:200 supplier2:200 *:403"),
        case("GET", "/supplier/services/new", "/supplier/services/new", "visitor:303 supplier:200 supplier2:200 *:403"),
        with_body("POST", "/supplier/services/new", "/supplier/services/new", summary_body, "visitor:303 supplier:400 supplier2:400 *:403"),
        case(
            "GET",
            "/supplier/services/{id}/edit",
            "/supplier/services/{own_service}/edit",
            "visitor:303 supplier:200 supplier2:404 *:403",
        ),
        with_body(
            "POST",
            "/supplier/services/{id}/edit",
            "/supplier/services/{own_service}/edit",
            summary_body,
            "visitor:303 supplier:400 supplier2:404 *:403",
        ),
        case(
            "GET",
            "/supplier/services/{id}/documents",
            "/supplier/services/{own_service}/documents",
            "visitor:303 supplier:200 supplier2:404 *:403",
        ),
        with_body(
            "POST",
            "/supplier/services/{id}/documents",
            "/supplier/services/{own_service}/documents",
            summary_body,
            "visitor:303 supplier:400 supplier2:404 *:403",
        ),
        case(
            "POST",
            "/supplier/services/{id}/submit",
            "/supplier/services/{own_service}/submit",
            "visitor:303 supplier:409 supplier2:404 *:403",
        ),
        case("GET", "/operator/services", "/operator/services", "visitor:303 operator:200 *:403"),
        case("GET", "/operator/services/{id}", "/operator/services/{own_service}", "visitor:303 operator:200 *:403"),
        case("POST", "/operator/services/{id}/{action}", "/operator/services/{own_service}/list", "visitor:303 operator:409 *:403"),
        // account pages (forms: a POST without its CSRF field is 403 for visitors; bearer calls need none)
        case("GET", "/login", "/login", "visitor:200 *:303"),
        case("POST", "/login", "/login", "visitor:403 *:401"),
        case("POST", "/logout", "/logout", "visitor:403 *:303"),
        case("GET", "/signup", "/signup", PUBLIC),
        with_body("POST", "/signup", "/signup", org_body, "*:400"),
        case("GET", "/signup/done", "/signup/done", PUBLIC),
        case("GET", "/account/reset-request", "/account/reset-request", PUBLIC),
        case("POST", "/account/reset-request", "/account/reset-request", "visitor:403 *:200"),
        case("GET", "/account/reset", "/account/reset?token=0000", "*:400"),
        case("POST", "/account/reset", "/account/reset", "visitor:403 *:400"),
        case("GET", "/account/accept", "/account/accept?token=0000", "*:400"),
        case("POST", "/account/accept", "/account/accept", "visitor:403 *:400"),
        case("GET", "/account", "/account", "visitor:303 *:200"),
        case("POST", "/account/password", "/account/password", "visitor:403 *:400"),
        case("POST", "/account/notifications/read", "/account/notifications/read", "visitor:403 *:303"),
        case("GET", "/account/people", "/account/people", "visitor:303 buyer:403 budget:403 *:200 auditor:403"),
        case("POST", "/account/people", "/account/people", "visitor:403 buyer:403 budget:403 *:400 auditor:403"),
        case(
            "POST",
            "/account/people/{id}/roles",
            "/account/people/{buyer_user}/roles",
            "visitor:403 buyer:403 budget:403 signatory:400 auditor:403 *:404",
        ),
        case("GET", "/account/tokens", "/account/tokens", "visitor:303 buyer:403 budget:403 *:200 auditor:403"),
        case("POST", "/account/tokens", "/account/tokens", "visitor:403 buyer:403 budget:403 operator:403 *:400 auditor:403"),
        case(
            "POST",
            "/account/tokens/{id}/revoke",
            "/account/tokens/{supplier_token}/revoke",
            "visitor:403 buyer:403 budget:403 supplier:303 auditor:403 *:404",
        ),
        case("GET", "/account/company", "/account/company", "visitor:303 supplier:200 supplier2:200 sme:200 *:403"),
        case("POST", "/account/company", "/account/company", "visitor:403 supplier:400 supplier2:400 sme:303 *:403"),
        // the operator's account desk (the auditor reads it)
        case("GET", "/operator", "/operator", "visitor:303 operator:200 auditor:200 *:403"),
        case("GET", "/operator/organisations", "/operator/organisations", "visitor:303 operator:200 auditor:200 *:403"),
        case("POST", "/operator/organisations", "/operator/organisations", "visitor:403 operator:400 *:403"),
        case("GET", "/operator/organisations/{id}", "/operator/organisations/{pending_org}", "visitor:303 operator:200 auditor:200 *:403"),
        case(
            "POST",
            "/operator/organisations/{id}/approve",
            "/operator/organisations/{pending_org}/approve",
            "visitor:403 operator:303 *:403",
        ),
        // no kind chosen: refused on the operator's form
        case(
            "POST",
            "/operator/organisations/{id}/agency-kind",
            "/operator/organisations/{agency_org}/agency-kind",
            "visitor:403 operator:400 *:403",
        ),
        case(
            "POST",
            "/operator/organisations/{id}/reject",
            "/operator/organisations/{pending_org}/reject",
            "visitor:403 operator:400 *:403",
        ),
        case(
            "POST",
            "/operator/organisations/{id}/invite",
            "/operator/organisations/{pending_org}/invite",
            "visitor:403 operator:400 *:403",
        ),
        case(
            "POST",
            "/operator/organisations/{id}/remove",
            "/operator/organisations/{pending_org}/remove",
            "visitor:403 operator:303 *:403",
        ),
        case("GET", "/operator/documents/{sha256}", "/operator/documents/{pending_doc}", "visitor:303 operator:200 *:403"),
        case("GET", "/operator/users", "/operator/users", "visitor:303 operator:200 auditor:200 *:403"),
        case("POST", "/operator/users/{id}/lock", "/operator/users/{buyer_user}/lock", "visitor:403 operator:303 *:403"),
        case("POST", "/operator/users/{id}/unlock", "/operator/users/{buyer_user}/unlock", "visitor:403 operator:303 *:403"),
        case("POST", "/operator/search-index/rebuild", "/operator/search-index/rebuild", "visitor:403 operator:303 *:403"),
        // the review committee: settings, rounds, applications, votes, declared ties
        case("GET", "/api/v1/settings/review", "/api/v1/settings/review", PUBLIC),
        with_body("PUT", "/api/v1/settings/review", "/api/v1/settings/review", settings_body, "visitor:401 operator:200 *:403"),
        case("GET", "/api/v1/rounds", "/api/v1/rounds", "visitor:401 operator:200 reviewer:200 auditor:200 *:403"),
        with_body("POST", "/api/v1/rounds", "/api/v1/rounds", round_body, "visitor:401 operator:201 *:403"),
        case("GET", "/api/v1/rounds/{id}", "/api/v1/rounds/{round}", "visitor:401 operator:200 reviewer:200 auditor:200 *:403"),
        case("POST", "/api/v1/rounds/{id}/close", "/api/v1/rounds/{round}/close", "visitor:401 operator:200 *:403"),
        case(
            "GET",
            "/api/v1/applications",
            "/api/v1/applications",
            "visitor:401 operator:200 supplier:200 supplier2:200 reviewer:200 *:403",
        ),
        case(
            "GET",
            "/api/v1/applications/{id}",
            "/api/v1/applications/{application}",
            "visitor:401 operator:200 supplier:200 supplier2:404 reviewer:404 *:403",
        ),
        with_body(
            "POST",
            "/api/v1/applications/{id}/assign",
            "/api/v1/applications/{application}/assign",
            assign_body,
            "visitor:401 operator:400 *:403",
        ),
        with_body(
            "POST",
            "/api/v1/applications/{id}/recuse",
            "/api/v1/applications/{application}/recuse",
            message_body,
            "visitor:401 operator:403 supplier:403 supplier2:404 reviewer:404 *:403",
        ),
        with_body(
            "POST",
            "/api/v1/applications/{id}/votes",
            "/api/v1/applications/{application}/votes",
            vote_body,
            "visitor:401 operator:403 supplier:403 supplier2:404 reviewer:404 *:403",
        ),
        with_body(
            "POST",
            "/api/v1/applications/{id}/supplement-requests",
            "/api/v1/applications/{application}/supplement-requests",
            message_body,
            "visitor:401 operator:409 supplier:403 supplier2:404 reviewer:404 *:403",
        ),
        with_body(
            "POST",
            "/api/v1/applications/{id}/supplement",
            "/api/v1/applications/{application}/supplement",
            message_body,
            "visitor:401 operator:403 supplier:409 supplier2:404 reviewer:404 *:403",
        ),
        case(
            "POST",
            "/api/v1/applications/{id}/withdraw",
            "/api/v1/applications/{application}/withdraw",
            "visitor:401 operator:403 supplier:200 supplier2:404 reviewer:404 *:403",
        ),
        case("GET", "/api/v1/me/conflicts", "/api/v1/me/conflicts", "visitor:401 reviewer:200 *:403"),
        with_body("POST", "/api/v1/me/conflicts", "/api/v1/me/conflicts", conflict_body, "visitor:401 reviewer:201 *:403"),
        // budget lines: the agency's budget officer keeps them; its buyer and signatory read
        case("GET", "/api/v1/budget-lines", "/api/v1/budget-lines", "visitor:401 buyer:200 budget:200 signatory:200 *:403"),
        with_body("POST", "/api/v1/budget-lines", "/api/v1/budget-lines", budget_line_body, "visitor:401 budget:201 *:403"),
        with_body(
            "PATCH",
            "/api/v1/budget-lines/{id}",
            "/api/v1/budget-lines/{budget_line}",
            budget_change_body,
            "visitor:401 budget:200 *:403",
        ),
        // buying: the agency's buyer runs projects, quotes, contracts and orders; its signatory
        // and the supplier's admin accept texts; parties and oversight read; outsiders get 404
        case("GET", "/api/v1/projects", "/api/v1/projects", "visitor:401 buyer:200 budget:200 signatory:200 *:403"),
        with_body("POST", "/api/v1/projects", "/api/v1/projects", project_body, "visitor:401 buyer:201 *:403"),
        case("GET", "/api/v1/projects/{id}", "/api/v1/projects/{project}", "visitor:401 buyer:200 budget:200 signatory:200 *:403"),
        with_body(
            "POST",
            "/api/v1/projects/{id}/searches",
            "/api/v1/projects/{project}/searches",
            search_body,
            "visitor:401 buyer:200 *:403",
        ),
        with_body(
            "PUT",
            "/api/v1/projects/{id}/shortlist",
            "/api/v1/projects/{project}/shortlist",
            shortlist_body,
            "visitor:401 buyer:200 *:403",
        ),
        with_body(
            "POST",
            "/api/v1/projects/{id}/decision",
            "/api/v1/projects/{project}/decision",
            decision_body,
            "visitor:401 buyer:201 *:403",
        ),
        case(
            "GET",
            "/api/v1/decision-records/{id}",
            "/api/v1/decision-records/{decision_record}",
            "visitor:401 buyer:200 budget:200 signatory:200 operator:200 auditor:200 supplier:200 *:404",
        ),
        case(
            "GET",
            "/api/v1/quote-requests",
            "/api/v1/quote-requests",
            "visitor:401 supplier:200 supplier2:200 buyer:200 budget:200 signatory:200 *:403",
        ),
        with_body("POST", "/api/v1/quote-requests", "/api/v1/quote-requests", quote_request_body, "visitor:401 buyer:201 *:403"),
        case(
            "GET",
            "/api/v1/quote-requests/{id}",
            "/api/v1/quote-requests/{quote_request}",
            "visitor:401 buyer:200 budget:200 signatory:200 supplier:200 operator:200 auditor:200 *:404",
        ),
        with_body(
            "POST",
            "/api/v1/quote-requests/{id}/quotes",
            "/api/v1/quote-requests/{quote_request}/quotes",
            quote_body,
            "visitor:401 supplier:201 buyer:403 budget:403 signatory:403 *:404",
        ),
        case(
            "POST",
            "/api/v1/quotes/{id}/withdraw",
            "/api/v1/quotes/{quote}/withdraw",
            "visitor:401 supplier:200 buyer:403 budget:403 signatory:403 *:404",
        ),
        with_body("POST", "/api/v1/contracts", "/api/v1/contracts", contract_body, "visitor:401 buyer:201 *:403"),
        case("GET", "/api/v1/contracts", "/api/v1/contracts", "visitor:401 reviewer:403 pps:403 sme:403 *:200"),
        case(
            "GET",
            "/api/v1/contracts/{id}",
            "/api/v1/contracts/{contract}",
            "visitor:401 buyer:200 budget:200 signatory:200 supplier:200 operator:200 auditor:200 *:404",
        ),
        case(
            "GET",
            "/api/v1/contracts/{id}/text",
            "/api/v1/contracts/{contract}/text",
            "visitor:401 buyer:200 budget:200 signatory:200 supplier:200 operator:200 auditor:200 *:404",
        ),
        case(
            "GET",
            "/api/v1/contracts/{id}/amendments",
            "/api/v1/contracts/{contract}/amendments",
            "visitor:401 buyer:200 budget:200 signatory:200 supplier:200 operator:200 auditor:200 *:404",
        ),
        with_body(
            "POST",
            "/api/v1/contracts/{id}/accept",
            "/api/v1/contracts/{contract}/accept",
            accept_contract_body,
            "visitor:401 signatory:200 supplier:200 buyer:403 budget:403 *:404",
        ),
        with_body(
            "POST",
            "/api/v1/contracts/{id}/amendments",
            "/api/v1/contracts/{signed_contract}/amendments",
            amendment_body,
            "visitor:401 buyer:201 signatory:409 supplier:409 budget:403 *:404",
        ),
        with_body(
            "POST",
            "/api/v1/amendments/{id}/accept",
            "/api/v1/amendments/{amendment}/accept",
            accept_amendment_body,
            "visitor:401 supplier:200 buyer:403 signatory:403 budget:403 *:404",
        ),
        with_body(
            "POST",
            "/api/v1/amendments/{id}/refuse",
            "/api/v1/amendments/{amendment}/refuse",
            reject_body,
            "visitor:401 supplier:200 buyer:403 signatory:403 budget:403 *:404",
        ),
        with_body(
            "POST",
            "/api/v1/contracts/{id}/terminate",
            "/api/v1/contracts/{signed_contract}/terminate",
            reject_body,
            "visitor:401 buyer:200 signatory:409 supplier:409 budget:403 *:404",
        ),
        case(
            "POST",
            "/api/v1/contracts/{id}/data-return",
            "/api/v1/contracts/{terminated_contract}/data-return",
            "visitor:401 supplier:200 buyer:403 signatory:403 budget:403 *:404",
        ),
        case(
            "POST",
            "/api/v1/contracts/{id}/data-return/confirm",
            "/api/v1/contracts/{returned_contract}/data-return/confirm",
            "visitor:401 buyer:200 signatory:409 supplier:403 budget:403 *:404",
        ),
        with_body("POST", "/api/v1/catalog-contracts", "/api/v1/catalog-contracts", catalog_body, "visitor:401 pps:201 *:403"),
        case("GET", "/api/v1/catalog-contracts", "/api/v1/catalog-contracts", "visitor:401 reviewer:403 sme:403 *:200"),
        case(
            "GET",
            "/api/v1/catalog-contracts/{id}",
            "/api/v1/catalog-contracts/{catalog_contract}",
            "visitor:401 supplier2:404 reviewer:403 sme:403 *:200",
        ),
        with_body("POST", "/api/v1/delivery-requests", "/api/v1/delivery-requests", delivery_body, "visitor:401 buyer:201 *:403"),
        case("GET", "/api/v1/orders", "/api/v1/orders", "visitor:401 reviewer:403 pps:403 sme:403 *:200"),
        case(
            "GET",
            "/api/v1/orders/{id}",
            "/api/v1/orders/{order}",
            "visitor:401 buyer:200 budget:200 signatory:200 supplier:200 operator:200 auditor:200 *:404",
        ),
        case(
            "POST",
            "/api/v1/orders/{id}/confirm",
            "/api/v1/orders/{order}/confirm",
            "visitor:401 supplier:200 buyer:403 budget:403 signatory:403 *:404",
        ),
        with_body(
            "POST",
            "/api/v1/orders/{id}/refuse",
            "/api/v1/orders/{order}/refuse",
            reject_body,
            "visitor:401 supplier:200 buyer:403 budget:403 signatory:403 *:404",
        ),
        case("GET", "/api/v1/stats/time-to-contract", "/api/v1/stats/time-to-contract", "*:200"),
        case("GET", "/api/v1/stats", "/api/v1/stats", "*:200"),
        case("GET", "/api/v1/stats.csv", "/api/v1/stats.csv", "*:200"),
        // open contracting data (#26): public to everyone, the visitor included
        case("GET", "/api/v1/ocds/releases", "/api/v1/ocds/releases", PUBLIC),
        case("GET", "/api/v1/ocds/records/{ocid}", "/api/v1/ocds/records/ocds-gureum-{project}", PUBLIC),
        // (the ignored parameter makes the buying fixtures, whose releases fill this month)
        case("GET", "/api/v1/ocds/bulk/{file}", "/api/v1/ocds/bulk/2026-11.json?of={project}", PUBLIC),
        case("GET", "/api/v1/worklist", "/api/v1/worklist", "visitor:401 *:200"),
        // buying pages: projects, decision records, quote requests, worklist
        case("GET", "/buyer/projects", "/buyer/projects", "visitor:303 buyer:200 budget:200 signatory:200 *:403"),
        with_body("POST", "/buyer/projects", "/buyer/projects", project_body, "visitor:303 buyer:400 budget:403 signatory:403 *:403"),
        case("GET", "/buyer/projects/{id}", "/buyer/projects/{project}", "visitor:303 buyer:200 budget:200 signatory:200 *:403"),
        case(
            "POST",
            "/buyer/projects/{id}/search",
            "/buyer/projects/{project}/search",
            "visitor:303 buyer:303 budget:403 signatory:403 *:403",
        ),
        case(
            "POST",
            "/buyer/projects/{id}/shortlist",
            "/buyer/projects/{project}/shortlist",
            "visitor:303 buyer:400 budget:403 signatory:403 *:403",
        ),
        case(
            "POST",
            "/buyer/projects/{id}/decision",
            "/buyer/projects/{project}/decision",
            "visitor:303 buyer:400 budget:403 signatory:403 *:403",
        ),
        case(
            "POST",
            "/buyer/projects/{id}/quote-request",
            "/buyer/projects/{project}/quote-request",
            "visitor:303 buyer:400 budget:403 signatory:403 *:403",
        ),
        case(
            "GET",
            "/decision-records/{id}",
            "/decision-records/{decision_record}",
            "visitor:303 buyer:200 budget:200 signatory:200 supplier:200 operator:200 auditor:200 *:404",
        ),
        case(
            "GET",
            "/decision-records/{id}/download.csv",
            "/decision-records/{decision_record}/download.csv",
            "visitor:303 buyer:200 budget:200 signatory:200 supplier:200 operator:200 auditor:200 *:404",
        ),
        case(
            "GET",
            "/quote-requests",
            "/quote-requests",
            "visitor:303 supplier:200 supplier2:200 buyer:200 budget:200 signatory:200 *:403",
        ),
        case(
            "GET",
            "/quote-requests/{id}",
            "/quote-requests/{quote_request}",
            "visitor:303 supplier:200 buyer:200 budget:200 signatory:200 operator:200 auditor:200 *:404",
        ),
        case(
            "POST",
            "/quote-requests/{id}/quote",
            "/quote-requests/{quote_request}/quote",
            "visitor:303 supplier:400 buyer:403 budget:403 signatory:403 *:404",
        ),
        case(
            "POST",
            "/quote-requests/{id}/withdraw",
            "/quote-requests/{quote_request}/withdraw",
            "visitor:303 supplier:409 buyer:409 budget:409 signatory:409 operator:409 auditor:409 *:404",
        ),
        case(
            "POST",
            "/quote-requests/{id}/contract",
            "/quote-requests/{quote_request}/contract",
            "visitor:303 supplier:409 buyer:409 budget:409 signatory:409 operator:409 auditor:409 *:404",
        ),
        case("GET", "/buying", "/buying", "visitor:303 *:200"),
        // buying pages: contracts, orders, catalog contracts
        case("GET", "/contracts", "/contracts", "visitor:303 reviewer:403 pps:403 sme:403 *:200"),
        case(
            "GET",
            "/contracts/{id}",
            "/contracts/{contract}",
            "visitor:303 buyer:200 budget:200 signatory:200 supplier:200 operator:200 auditor:200 *:404",
        ),
        // an empty text hash: the acceptors meet text_changed, the agency's others are refused
        case(
            "POST",
            "/contracts/{id}/accept",
            "/contracts/{contract}/accept",
            "visitor:303 signatory:409 supplier:409 buyer:403 budget:403 *:404",
        ),
        // no changes asked: refused on the form to those who may read the contract
        case(
            "POST",
            "/contracts/{id}/amendments",
            "/contracts/{signed_contract}/amendments",
            "visitor:303 supplier2:404 reviewer:404 pps:404 sme:404 *:400",
        ),
        // the buyer proposed it: the supplier answers (an empty hash meets text_changed, an empty
        // reason is refused on the form), the agency's side may not; an amendment of another
        // contract than the path's is not found
        case(
            "POST",
            "/contracts/{id}/amendments/{aid}/accept",
            "/contracts/{amended_contract}/amendments/{amendment}/accept",
            "visitor:303 supplier:409 buyer:403 signatory:403 budget:403 *:404",
        ),
        case(
            "POST",
            "/contracts/{id}/amendments/{aid}/refuse",
            "/contracts/{amended_contract}/amendments/{amendment}/refuse",
            "visitor:303 supplier:400 buyer:403 signatory:403 budget:403 *:404",
        ),
        case(
            "POST",
            "/contracts/{id}/amendments/{aid}/accept",
            "/contracts/{signed_contract}/amendments/{amendment}/accept",
            "visitor:303 *:404",
        ),
        // no reason: refused on the form to those who may read the contract
        case(
            "POST",
            "/contracts/{id}/terminate",
            "/contracts/{signed_contract}/terminate",
            "visitor:303 supplier2:404 reviewer:404 pps:404 sme:404 *:400",
        ),
        case(
            "POST",
            "/contracts/{id}/data-return",
            "/contracts/{terminated_contract}/data-return",
            "visitor:303 supplier:303 buyer:403 signatory:403 budget:403 *:404",
        ),
        case(
            "POST",
            "/contracts/{id}/data-return/confirm",
            "/contracts/{returned_contract}/data-return/confirm",
            "visitor:303 buyer:303 signatory:409 supplier:403 budget:403 *:404",
        ),
        case(
            "GET",
            "/orders/{id}",
            "/orders/{order}",
            "visitor:303 buyer:200 budget:200 signatory:200 supplier:200 operator:200 auditor:200 *:404",
        ),
        case(
            "POST",
            "/orders/{id}/confirm",
            "/orders/{order}/confirm",
            "visitor:303 supplier:303 buyer:403 budget:403 signatory:403 *:404",
        ),
        case("POST", "/orders/{id}/refuse", "/orders/{order}/refuse", "visitor:303 supplier:400 buyer:403 budget:403 signatory:403 *:404"),
        case("GET", "/catalog-contracts", "/catalog-contracts", "visitor:303 reviewer:403 sme:403 *:200"),
        case("POST", "/catalog-contracts", "/catalog-contracts", "visitor:303 pps:400 *:403"),
        case(
            "GET",
            "/catalog-contracts/{id}",
            "/catalog-contracts/{catalog_contract}",
            "visitor:303 supplier2:404 reviewer:403 sme:403 *:200",
        ),
        case(
            "POST",
            "/catalog-contracts/{id}/order",
            "/catalog-contracts/{catalog_contract}/order",
            "visitor:303 buyer:400 supplier2:404 *:403",
        ),
        // the committee's pages
        case("GET", "/supplier/applications", "/supplier/applications", "visitor:303 supplier:200 supplier2:200 *:403"),
        case("GET", "/supplier/applications/{id}", "/supplier/applications/{application}", "visitor:303 supplier:200 supplier2:404 *:403"),
        case(
            "POST",
            "/supplier/applications/{id}/{action}",
            "/supplier/applications/{application}/withdraw",
            "visitor:303 supplier:303 supplier2:404 *:403",
        ),
        case("GET", "/operator/applications", "/operator/applications", "visitor:303 operator:200 *:403"),
        case("GET", "/operator/applications/{id}", "/operator/applications/{application}", "visitor:303 operator:200 *:403"),
        case(
            "POST",
            "/operator/applications/{id}/{action}",
            "/operator/applications/{application}/assign",
            "visitor:303 operator:400 *:403",
        ),
        case("GET", "/reviewer/applications", "/reviewer/applications", "visitor:303 reviewer:200 *:403"),
        case("GET", "/reviewer/applications/{id}", "/reviewer/applications/{application}", "visitor:303 reviewer:404 *:403"),
        case("POST", "/reviewer/applications/{id}/{action}", "/reviewer/applications/{application}/vote", "visitor:303 reviewer:404 *:403"),
        case("GET", "/operator/rounds", "/operator/rounds", "visitor:303 operator:200 *:403"),
        case("POST", "/operator/rounds", "/operator/rounds", "visitor:303 operator:400 *:403"),
        case("GET", "/operator/rounds/{id}", "/operator/rounds/{round}", "visitor:303 operator:200 *:403"),
        case("POST", "/operator/rounds/{id}/close", "/operator/rounds/{round}/close", "visitor:303 operator:303 *:403"),
        case("GET", "/operator/settings/review", "/operator/settings/review", "visitor:303 operator:200 *:403"),
        case("POST", "/operator/settings/review", "/operator/settings/review", "visitor:303 operator:400 *:403"),
        case("GET", "/reviewer/conflicts", "/reviewer/conflicts", "visitor:303 reviewer:200 *:403"),
        case(
            "GET",
            "/operator/suppliers/{id}/debarments",
            "/operator/suppliers/{own_supplier}/debarments",
            "visitor:303 operator:200 auditor:200 *:403",
        ),
        case(
            "POST",
            "/operator/suppliers/{id}/debarments",
            "/operator/suppliers/{own_supplier}/debarments",
            "visitor:303 operator:400 *:403",
        ),
        case("POST", "/reviewer/conflicts", "/reviewer/conflicts", "visitor:303 reviewer:400 *:403"),
        case(
            "GET",
            "/applications/{id}",
            "/applications/{application}",
            "visitor:303 supplier:303 supplier2:303 reviewer:303 operator:303 *:404",
        ),
        case(
            "GET",
            "/applications/{id}/documents/{doc_id}",
            "/applications/{application}/documents/{application_doc}",
            "visitor:303 supplier:200 operator:200 *:404",
        ),
        // the audit log: auditors and operators read, nobody else
        case("GET", "/api/v1/audit/events", "/api/v1/audit/events", "visitor:401 operator:200 auditor:200 *:403"),
        case("GET", "/api/v1/audit/verify", "/api/v1/audit/verify", "visitor:401 operator:200 auditor:200 *:403"),
        case("GET", "/api/v1/audit/export.csv", "/api/v1/audit/export.csv", "visitor:401 operator:200 auditor:200 *:403"),
        case("GET", "/api/v1/audit/export.json", "/api/v1/audit/export.json", "visitor:401 operator:200 auditor:200 *:403"),
        case("GET", "/audit", "/audit", "visitor:303 operator:200 auditor:200 *:403"),
        case("GET", "/audit/verify", "/audit/verify", "visitor:303 operator:200 auditor:200 *:403"),
        case("GET", "/audit/export.csv", "/audit/export.csv", "visitor:303 operator:200 auditor:200 *:403"),
        case("GET", "/audit/export.json", "/audit/export.json", "visitor:303 operator:200 auditor:200 *:403"),
        // a person's notifications and language; a service's revision history (issue #22)
        case("GET", "/api/v1/notifications", "/api/v1/notifications", "visitor:401 *:200"),
        case(
            "POST",
            "/api/v1/notifications/{id}/read",
            "/api/v1/notifications/{operator_notification}/read",
            "visitor:401 operator:204 *:404",
        ),
        with_body("PATCH", "/api/v1/me", "/api/v1/me", lang_body, "visitor:401 *:200"),
        case("GET", "/api/v1/services/{id}/revisions", "/api/v1/services/{own_service}/revisions", PUBLIC),
        case("GET", "/api/v1/services/{id}/revisions/{n}", "/api/v1/services/{own_service}/revisions/{own_revision}", PUBLIC),
        case("GET", "/notifications", "/notifications", "visitor:303 *:200"),
        case("POST", "/notifications/read", "/notifications/read", "visitor:403 *:303"),
        case("POST", "/notifications/{id}/read", "/notifications/{operator_notification}/read", "visitor:403 operator:303 *:404"),
        case("GET", "/services/{id}/revisions", "/services/{own_service}/revisions", PUBLIC),
        case("GET", "/services/{id}/revisions/{n}", "/services/{own_service}/revisions/{own_revision}", PUBLIC),
        // debarment (부정당업자 제재): the operator records, the operator and the auditor read
        with_body(
            "POST",
            "/api/v1/suppliers/{id}/debarments",
            "/api/v1/suppliers/{own_supplier}/debarments",
            debarment_body,
            "visitor:401 operator:201 *:403",
        ),
        case(
            "GET",
            "/api/v1/suppliers/{id}/debarments",
            "/api/v1/suppliers/{own_supplier}/debarments",
            "visitor:401 operator:200 auditor:200 *:403",
        ),
        // #24 records rows (usage batches, uploads): one record of the signed contract (from
        // 2027-01-01), its supplier's to report
        with_body(
            "POST",
            "/api/v1/usage",
            "/api/v1/usage",
            || {
                json!({"records": [{"record_id": "matrix-1", "contract_id": "{signed_contract}", "meter": "{usage_meter}", "quantity": "1.5",
                    "period_start": "2027-01-05T00:00:00+09:00", "period_end": "2027-01-05T01:00:00+09:00"}]})
            },
            "visitor:401 supplier:200 supplier2:400 *:403",
        ),
        case(
            "GET",
            "/api/v1/contracts/{id}/usage",
            "/api/v1/contracts/{signed_contract}/usage",
            "visitor:401 buyer:200 budget:200 signatory:200 supplier:200 operator:200 auditor:200 *:404",
        ),
        case("GET", "/usage/upload", "/usage/upload", "visitor:303 supplier:200 supplier2:200 *:403"),
        with_body("POST", "/usage/upload", "/usage/upload", || json!({"records": []}), "visitor:303 supplier:400 supplier2:400 *:403"),
        // #24 invoices rows
        case("GET", "/api/v1/invoices", "/api/v1/invoices", "visitor:401 reviewer:403 pps:403 sme:403 *:200"),
        case(
            "GET",
            "/api/v1/invoices/{id}",
            "/api/v1/invoices/{invoice_draft}",
            "visitor:401 buyer:200 budget:200 signatory:200 supplier:200 operator:200 auditor:200 *:404",
        ),
        case(
            "GET",
            "/api/v1/invoices/{id}/csv",
            "/api/v1/invoices/{invoice_draft}/csv",
            "visitor:401 buyer:200 budget:200 signatory:200 supplier:200 operator:200 auditor:200 *:404",
        ),
        case(
            "POST",
            "/api/v1/invoices/{id}/issue",
            "/api/v1/invoices/{invoice_draft}/issue",
            "visitor:401 supplier:200 buyer:403 budget:403 signatory:403 operator:403 auditor:403 *:404",
        ),
        case(
            "POST",
            "/api/v1/invoices/{id}/accept",
            "/api/v1/invoices/{invoice_issued}/accept",
            "visitor:401 buyer:200 budget:409 signatory:403 supplier:403 operator:403 auditor:403 *:404",
        ),
        with_body(
            "POST",
            "/api/v1/invoices/{id}/dispute",
            "/api/v1/invoices/{invoice_issued}/dispute",
            reject_body,
            "visitor:401 buyer:200 budget:409 signatory:403 supplier:403 operator:403 auditor:403 *:404",
        ),
        with_body(
            "POST",
            "/api/v1/invoices/{id}/pay",
            "/api/v1/invoices/{invoice_accepted}/pay",
            || json!({"paid_on": "2026-11-23"}),
            "visitor:401 budget:200 buyer:403 signatory:403 supplier:403 operator:403 auditor:403 *:404",
        ),
        case("GET", "/invoices", "/invoices", "visitor:303 reviewer:403 pps:403 sme:403 *:200"),
        case(
            "GET",
            "/invoices/{id}",
            "/invoices/{invoice_draft}",
            "visitor:303 buyer:200 budget:200 signatory:200 supplier:200 operator:200 auditor:200 *:404",
        ),
        case(
            "GET",
            "/invoices/{id}/download.csv",
            "/invoices/{invoice_draft}/download.csv",
            "visitor:303 buyer:200 budget:200 signatory:200 supplier:200 operator:200 auditor:200 *:404",
        ),
        case(
            "POST",
            "/invoices/{id}/issue",
            "/invoices/{invoice_draft}/issue",
            "visitor:303 supplier:303 buyer:403 budget:403 signatory:403 operator:403 auditor:403 *:404",
        ),
        case(
            "POST",
            "/invoices/{id}/accept",
            "/invoices/{invoice_issued}/accept",
            "visitor:303 buyer:303 budget:409 signatory:403 supplier:403 operator:403 auditor:403 *:404",
        ),
        // no reason, no date: refused on the form to those who may answer
        case(
            "POST",
            "/invoices/{id}/dispute",
            "/invoices/{invoice_issued}/dispute",
            "visitor:303 buyer:400 budget:400 signatory:403 supplier:403 operator:403 auditor:403 *:404",
        ),
        case(
            "POST",
            "/invoices/{id}/pay",
            "/invoices/{invoice_accepted}/pay",
            "visitor:303 budget:400 buyer:403 signatory:403 supplier:403 operator:403 auditor:403 *:404",
        ),
        //
        //
        // #24 incidents and ratings rows
        case(
            "GET",
            "/api/v1/incidents",
            "/api/v1/incidents",
            "visitor:401 supplier:200 supplier2:200 buyer:200 budget:200 signatory:200 operator:200 auditor:200 *:403",
        ),
        with_body(
            "POST",
            "/api/v1/incidents",
            "/api/v1/incidents",
            || json!({"service_id": "{buy_service}", "started_at": "2026-11-22T08:00:00+09:00", "ended_at": "2026-11-22T08:20:00+09:00", "announced": false, "description": "접속 장애"}),
            "visitor:401 supplier:201 buyer:201 budget:201 signatory:201 *:403",
        ),
        case(
            "GET",
            "/api/v1/incidents/{id}",
            "/api/v1/incidents/{incident}",
            "visitor:401 supplier:200 buyer:200 budget:200 signatory:200 operator:200 auditor:200 *:404",
        ),
        with_body(
            "POST",
            "/api/v1/incidents/{id}/resolve",
            "/api/v1/incidents/{incident}/resolve",
            || json!({"ended_at": "2026-11-23T08:00:00+09:00"}),
            "visitor:401 supplier:200 buyer:403 budget:403 signatory:403 operator:403 auditor:403 *:404",
        ),
        case(
            "POST",
            "/api/v1/incidents/{id}/confirm",
            "/api/v1/incidents/{reported_incident}/confirm",
            "visitor:401 supplier:200 buyer:403 budget:403 signatory:403 operator:403 auditor:403 *:404",
        ),
        with_body(
            "POST",
            "/api/v1/incidents/{id}/contest",
            "/api/v1/incidents/{reported_incident}/contest",
            || json!({"reason": "정상 응답 확인"}),
            "visitor:401 supplier:200 buyer:403 budget:403 signatory:403 operator:403 auditor:403 *:404",
        ),
        case(
            "GET",
            "/api/v1/contracts/{id}/availability",
            "/api/v1/contracts/{signed_contract}/availability",
            "visitor:401 supplier:200 buyer:200 budget:200 signatory:200 operator:200 auditor:200 *:404",
        ),
        case("GET", "/api/v1/services/{id}/ratings", "/api/v1/services/{buy_service}/ratings", PUBLIC),
        with_body(
            "POST",
            "/api/v1/services/{id}/ratings",
            "/api/v1/services/{buy_service}/ratings",
            || json!({"stars": 4, "comment": "안정적입니다"}),
            "visitor:401 buyer:201 budget:201 signatory:201 *:403",
        ),
        with_body(
            "POST",
            "/api/v1/ratings/{id}/reply",
            "/api/v1/ratings/{rating}/reply",
            || json!({"text": "감사합니다"}),
            "visitor:401 supplier:200 *:403",
        ),
        case(
            "GET",
            "/incidents",
            "/incidents",
            "visitor:303 supplier:200 supplier2:200 buyer:200 budget:200 signatory:200 operator:200 auditor:200 *:403",
        ),
        case("POST", "/incidents", "/incidents", "visitor:303 supplier:400 supplier2:400 buyer:400 budget:400 signatory:400 *:403"),
        case(
            "GET",
            "/incidents/{id}",
            "/incidents/{incident}",
            "visitor:303 supplier:200 buyer:200 budget:200 signatory:200 operator:200 auditor:200 *:404",
        ),
        case(
            "POST",
            "/incidents/{id}/resolve",
            "/incidents/{incident}/resolve",
            "visitor:303 supplier:400 buyer:403 budget:403 signatory:403 operator:403 auditor:403 *:404",
        ),
        case(
            "POST",
            "/incidents/{id}/confirm",
            "/incidents/{reported_incident}/confirm",
            "visitor:303 supplier:303 buyer:403 budget:403 signatory:403 operator:403 auditor:403 *:404",
        ),
        case(
            "POST",
            "/incidents/{id}/contest",
            "/incidents/{reported_incident}/contest",
            "visitor:303 supplier:400 buyer:403 budget:403 signatory:403 operator:403 auditor:403 *:404",
        ),
        case("POST", "/services/{id}/ratings", "/services/{buy_service}/ratings", "visitor:303 buyer:400 budget:400 signatory:400 *:403"),
        case("POST", "/ratings/{id}/reply", "/ratings/{rating}/reply", "visitor:303 supplier:400 *:403"),
        //
        //
        // #24 spend and dashboard rows
        case(
            "GET",
            "/api/v1/contracts/{id}/spend",
            "/api/v1/contracts/{signed_contract}/spend",
            "visitor:401 supplier:200 buyer:200 budget:200 signatory:200 *:404",
        ),
        case(
            "GET",
            "/api/v1/budget-lines/{id}/spend",
            "/api/v1/budget-lines/{buy_line}/spend",
            "visitor:401 buyer:200 budget:200 signatory:200 *:404",
        ),
        case(
            "GET",
            "/api/v1/dashboard",
            "/api/v1/dashboard",
            "visitor:401 supplier:200 supplier2:200 buyer:200 budget:200 signatory:200 *:403",
        ),
        case("GET", "/dashboard", "/dashboard", "visitor:303 supplier:200 supplier2:200 buyer:200 budget:200 signatory:200 *:403"),
        //
        //
        // ── vouchers (#25) ──
        case("GET", "/api/v1/voucher-programmes", "/api/v1/voucher-programmes", PUBLIC),
        with_body(
            "POST",
            "/api/v1/voucher-programmes",
            "/api/v1/voucher-programmes",
            voucher_programme_body,
            "visitor:401 operator:201 *:403",
        ),
        case("GET", "/api/v1/voucher-programmes/{id}", "/api/v1/voucher-programmes/{vp}", PUBLIC),
        case("GET", "/api/v1/voucher-programmes/{id}/services", "/api/v1/voucher-programmes/{vp}/services", PUBLIC),
        with_body(
            "POST",
            "/api/v1/voucher-programmes/{id}/services",
            "/api/v1/voucher-programmes/{vp3}/services",
            || json!({"service_id": "{vp_service}"}),
            "visitor:401 supplier:201 supplier2:404 *:403",
        ),
        case(
            "GET",
            "/api/v1/voucher-services",
            "/api/v1/voucher-services",
            "visitor:401 operator:200 auditor:200 supplier:200 supplier2:200 *:403",
        ),
        case(
            "POST",
            "/api/v1/voucher-services/{id}/approve",
            "/api/v1/voucher-services/{vp_pending}/approve",
            "visitor:401 operator:200 *:403",
        ),
        with_body(
            "POST",
            "/api/v1/voucher-services/{id}/reject",
            "/api/v1/voucher-services/{vp_pending}/reject",
            reject_body,
            "visitor:401 operator:200 *:403",
        ),
        case("GET", "/api/v1/voucher-applications", "/api/v1/voucher-applications", "visitor:401 operator:200 auditor:200 sme:200 *:403"),
        with_body(
            "POST",
            "/api/v1/voucher-applications",
            "/api/v1/voucher-applications",
            || json!({"programme_id": "{vp3}", "plan": "권한 표 신청", "requested_krw": 1_000_000}),
            "visitor:401 sme:201 *:403",
        ),
        case(
            "GET",
            "/api/v1/voucher-applications/{id}",
            "/api/v1/voucher-applications/{vapp}",
            "visitor:401 operator:200 auditor:200 sme:200 *:403",
        ),
        with_body(
            "POST",
            "/api/v1/voucher-applications/{id}/select",
            "/api/v1/voucher-applications/{vapp_open}/select",
            || json!({"granted_krw": 1_000}),
            "visitor:401 operator:200 *:403",
        ),
        with_body(
            "POST",
            "/api/v1/voucher-applications/{id}/reject",
            "/api/v1/voucher-applications/{vapp_open}/reject",
            reject_body,
            "visitor:401 operator:200 *:403",
        ),
        case("GET", "/api/v1/vouchers", "/api/v1/vouchers", "visitor:401 operator:200 auditor:200 sme:200 *:403"),
        case("GET", "/api/v1/vouchers/{id}", "/api/v1/vouchers/{voucher}", "visitor:401 operator:200 auditor:200 sme:200 *:403"),
        // a JSON body instead of the multipart form: the SME meets 400, everyone else 403
        with_body("POST", "/api/v1/voucher-documents", "/api/v1/voucher-documents", token_body, "visitor:401 sme:400 *:403"),
        case(
            "GET",
            "/api/v1/voucher-documents/{id}",
            "/api/v1/voucher-documents/{vdoc}",
            "visitor:401 operator:200 auditor:200 sme:200 *:404",
        ),
        case(
            "GET",
            "/api/v1/voucher-claims",
            "/api/v1/voucher-claims",
            "visitor:401 operator:200 auditor:200 sme:200 supplier:200 supplier2:200 *:403",
        ),
        with_body(
            "POST",
            "/api/v1/voucher-claims",
            "/api/v1/voucher-claims",
            || {
                json!({"voucher_id": "{voucher}", "voucher_service_id": "{vp_entry}", "cost_type": "usage", "paid_krw": 100_000, "paid_on": "2026-11-20",
                "tax_invoice_number": "MATRIX-NEW", "evidence_document_ids": ["{vdoc}"]})
            },
            "visitor:401 sme:201 *:403",
        ),
        case(
            "GET",
            "/api/v1/voucher-claims/{id}",
            "/api/v1/voucher-claims/{vclaim}",
            "visitor:401 operator:200 auditor:200 sme:200 supplier:200 supplier2:404 *:403",
        ),
        case("POST", "/api/v1/voucher-claims/{id}/approve", "/api/v1/voucher-claims/{vclaim}/approve", "visitor:401 operator:200 *:403"),
        with_body(
            "POST",
            "/api/v1/voucher-claims/{id}/request-evidence",
            "/api/v1/voucher-claims/{vclaim}/request-evidence",
            message_body,
            "visitor:401 operator:200 *:403",
        ),
        with_body(
            "POST",
            "/api/v1/voucher-claims/{id}/evidence",
            "/api/v1/voucher-claims/{vclaim_asked}/evidence",
            || json!({"evidence_document_ids": ["{vdoc}"]}),
            "visitor:401 sme:200 *:403",
        ),
        with_body(
            "POST",
            "/api/v1/voucher-claims/{id}/reject",
            "/api/v1/voucher-claims/{vclaim}/reject",
            reject_body,
            "visitor:401 operator:200 *:403",
        ),
        with_body(
            "POST",
            "/api/v1/voucher-claims/{id}/settle",
            "/api/v1/voucher-claims/{vclaim_approved}/settle",
            || json!({"settled_on": "2026-11-23"}),
            "visitor:401 operator:200 *:403",
        ),
        with_body(
            "POST",
            "/api/v1/voucher-claims/{id}/refund-report",
            "/api/v1/voucher-claims/{vclaim_approved}/refund-report",
            || json!({"amount_krw": 1_000, "note": "환급"}),
            "visitor:401 supplier:200 sme:200 supplier2:404 *:403",
        ),
        case("GET", "/api/v1/voucher-flags", "/api/v1/voucher-flags", "visitor:401 operator:200 *:403"),
        // ── voucher pages (#25) ──
        case("GET", "/vouchers", "/vouchers", PUBLIC),
        case("GET", "/vouchers/{id}", "/vouchers/{vp}", PUBLIC),
        case(
            "GET",
            "/vouchers/claims/{id}",
            "/vouchers/claims/{vclaim}",
            "visitor:303 operator:200 auditor:200 sme:200 supplier:200 supplier2:404 *:403",
        ),
        // no amount: refused on the form to the claim's parties; another supplier does not see it
        case(
            "POST",
            "/vouchers/claims/{id}/refund",
            "/vouchers/claims/{vclaim_approved}/refund",
            "visitor:303 sme:400 supplier:400 supplier2:404 *:403",
        ),
        // not a multipart form: the SME meets 400, everyone else 403 before the body is read
        case("POST", "/vouchers/claims/{id}/evidence", "/vouchers/claims/{vclaim_asked}/evidence", "visitor:303 sme:400 *:403"),
        case("GET", "/vouchers/documents/{id}", "/vouchers/documents/{vdoc}", "visitor:303 operator:200 auditor:200 sme:200 *:404"),
        case("GET", "/operator/vouchers", "/operator/vouchers", "visitor:303 operator:200 *:403"),
        case("POST", "/operator/vouchers", "/operator/vouchers", "visitor:303 operator:400 *:403"),
        case("GET", "/operator/vouchers/flags", "/operator/vouchers/flags", "visitor:303 operator:200 *:403"),
        case(
            "POST",
            "/operator/vouchers/pool/{id}/{action}",
            "/operator/vouchers/pool/{vp_pending}/approve",
            "visitor:303 operator:303 *:403",
        ),
        case(
            "POST",
            "/operator/vouchers/applications/{id}/{action}",
            "/operator/vouchers/applications/{vapp_open}/reject",
            "visitor:303 operator:400 *:403",
        ),
        case(
            "POST",
            "/operator/vouchers/claims/{id}/{action}",
            "/operator/vouchers/claims/{vclaim}/approve",
            "visitor:303 operator:303 *:403",
        ),
        case("GET", "/supplier/vouchers", "/supplier/vouchers", "visitor:303 supplier:200 supplier2:200 *:403"),
        case("POST", "/supplier/vouchers", "/supplier/vouchers", "visitor:303 supplier:400 supplier2:400 *:403"),
        case("GET", "/sme/vouchers", "/sme/vouchers", "visitor:303 sme:200 *:403"),
        case("POST", "/sme/vouchers/apply", "/sme/vouchers/apply", "visitor:303 sme:400 *:403"),
        // not a multipart form
        case("POST", "/sme/vouchers/claims", "/sme/vouchers/claims", "visitor:303 sme:400 *:403"),
        // ── demand forecast (#26) ──
        case("GET", "/api/v1/forecast-surveys", "/api/v1/forecast-surveys", PUBLIC),
        with_body("POST", "/api/v1/forecast-surveys", "/api/v1/forecast-surveys", forecast_survey_body, "visitor:401 operator:201 *:403"),
        case("GET", "/api/v1/forecast-surveys/{id}", "/api/v1/forecast-surveys/{fs}", PUBLIC),
        case(
            "GET",
            "/api/v1/forecast-surveys/{id}/response",
            "/api/v1/forecast-surveys/{fs}/response",
            "visitor:401 buyer:200 budget:200 *:403",
        ),
        with_body(
            "PUT",
            "/api/v1/forecast-surveys/{id}/response/systems/{key}",
            "/api/v1/forecast-surveys/{fs}/response/systems/MATRIX-2",
            forecast_system_body,
            "visitor:401 buyer:200 budget:200 *:403",
        ),
        // a key the response does not hold: the answerers meet 404, everyone else is refused first
        case(
            "DELETE",
            "/api/v1/forecast-surveys/{id}/response/systems/{key}",
            "/api/v1/forecast-surveys/{fs}/response/systems/NOT-THERE",
            "visitor:401 buyer:404 budget:404 *:403",
        ),
        case(
            "POST",
            "/api/v1/forecast-surveys/{id}/response/submit",
            "/api/v1/forecast-surveys/{fs}/response/submit",
            "visitor:401 buyer:200 budget:200 *:403",
        ),
        case("GET", "/api/v1/forecast-surveys/{id}/report", "/api/v1/forecast-surveys/{fs}/report", PUBLIC),
        case("GET", "/api/v1/forecast-surveys/{id}/report.csv", "/api/v1/forecast-surveys/{fs}/report.csv", PUBLIC),
        case(
            "GET",
            "/api/v1/forecast-surveys/{id}/progress",
            "/api/v1/forecast-surveys/{fs}/progress",
            "visitor:401 operator:200 auditor:200 *:403",
        ),
        // ── demand forecast pages (#26) ──
        case("GET", "/forecast", "/forecast", PUBLIC),
        case("GET", "/forecast/{id}", "/forecast/{fs}", PUBLIC),
        case("GET", "/operator/forecast", "/operator/forecast", "visitor:303 operator:200 *:403"),
        // no fields: refused on the form
        case("POST", "/operator/forecast", "/operator/forecast", "visitor:303 operator:400 *:403"),
        case("GET", "/operator/forecast/{id}", "/operator/forecast/{fs}", "visitor:303 operator:200 auditor:200 *:403"),
        case("GET", "/agency/forecast", "/agency/forecast", "visitor:303 buyer:200 budget:200 *:403"),
        case("GET", "/agency/forecast/template.csv", "/agency/forecast/template.csv", "visitor:303 buyer:200 budget:200 *:403"),
        case("GET", "/agency/forecast/{id}", "/agency/forecast/{fs}", "visitor:303 buyer:200 budget:200 *:403"),
        // no key: refused on the form
        case("POST", "/agency/forecast/{id}/systems", "/agency/forecast/{fs}/systems", "visitor:303 buyer:400 budget:400 *:403"),
        case(
            "POST",
            "/agency/forecast/{id}/systems/{key}/delete",
            "/agency/forecast/{fs}/systems/NOT-THERE/delete",
            "visitor:303 buyer:404 budget:404 *:403",
        ),
        // not a multipart form
        case("POST", "/agency/forecast/{id}/upload", "/agency/forecast/{fs}/upload", "visitor:303 buyer:400 budget:400 *:403"),
        case("POST", "/agency/forecast/{id}/submit", "/agency/forecast/{fs}/submit", "visitor:303 buyer:303 budget:303 *:403"),
        //
        //
        // visitor pages
        case("GET", "/", "/", PUBLIC),
        case("GET", "/services", "/services", PUBLIC),
        case("GET", "/services/{id}", "/services/{own_service}", PUBLIC),
        case("GET", "/compare", "/compare?id={own_service}&id={other_service}", PUBLIC),
        case("GET", "/compare.xlsx", "/compare.xlsx?id={own_service}&id={other_service}", PUBLIC),
        case("GET", "/categories", "/categories", PUBLIC),
        case("GET", "/suppliers/{id}", "/suppliers/{own_supplier}", PUBLIC),
        case("GET", "/privacy", "/privacy", PUBLIC),
        case("GET", "/stats", "/stats", PUBLIC),
        case("GET", "/api/docs", "/api/docs", PUBLIC),
        case("GET", "/static/gureum.css", "/static/gureum.css", PUBLIC),
    ]
}

/// Statuses that are not a role's to decide: the signed-up company the approve/reject cells
/// act on, and so on. `None` = the role is not allowed.
fn expected(expect: &str, role: &str) -> u16 {
    let mut default = None;
    for part in expect.split_whitespace() {
        let (r, s) = part.split_once(':').expect("role:status");
        let s: u16 = s.parse().expect("status");
        if r == role {
            return s;
        }
        if r == "*" {
            default = Some(s);
        }
    }
    default.unwrap_or_else(|| panic!("no expectation for {role} in {expect:?}"))
}

struct World {
    app: TestApp,
    tokens: HashMap<&'static str, String>,
    fixtures: HashMap<&'static str, String>,
}

async fn send(app: &TestApp, method: &str, uri: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    app.call(method, uri, token, body).await
}

/// Sends as one role from its own client address (`ConnectInfo`, as `serve` gives it), so that
/// the throttle of anonymous doors counts each role's attempts apart, as it would count people
/// at their own machines.
async fn send_as(app: &TestApp, role: &str, method: &str, uri: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    use tower::ServiceExt;
    let i = ROLES.iter().position(|r| *r == role).unwrap_or(0) as u8;
    let peer = std::net::SocketAddr::from(([10, 0, 0, i + 1], 40_000));
    let mut req = axum::http::Request::builder().method(method).uri(uri).extension(axum::extract::ConnectInfo(peer));
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let body = match body {
        Some(b) => {
            req = req.header("content-type", "application/json");
            axum::body::Body::from(b.to_string())
        }
        None => axum::body::Body::empty(),
    };
    let resp = app.router.clone().oneshot(req.body(body).expect("request")).await.expect("response");
    let status = resp.status().as_u16();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 26).await.expect("body");
    (status, serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned())))
}

/// The fixtures only buying rows need (made only for them: they take a few dozen requests).
const BUYING_KEYS: &[&str] = &[
    "{amended_contract}",
    "{buy_service}",
    "{buy_line}",
    "{buy_plan}",
    "{project}",
    "{decision_record}",
    "{quote_request}",
    "{quote}",
    "{contract}",
    "{signed_contract}",
    "{terminated_contract}",
    "{returned_contract}",
    "{amendment}",
    "{catalog_contract}",
    "{order}",
    // #24 records keys
    "{usage_meter}",
    // #24 invoices keys
    "{invoice_draft}",
    "{invoice_issued}",
    "{invoice_accepted}",
    //
    //
    // #24 incidents and ratings keys
    "{incident}",
    "{reported_incident}",
    "{rating}",
    //
    //
    // #24 spend and dashboard keys
];

/// A signed contract between the demo agency and the demo supplier on `line`, optionally citing
/// a decision record; answers its id and text hash. `sign`: both sides accept it.
async fn contract_fixture(
    app: &TestApp,
    tokens: &HashMap<&'static str, String>,
    f: &HashMap<&'static str, String>,
    record: Option<&str>,
    sign: bool,
) -> (String, String) {
    let t = |r: &str| tokens.get(r).map(String::as_str);
    let (s, r) = send(app, "POST", "/api/v1/quote-requests", t("buyer"), Some(fill_body(quote_request_body(), f))).await;
    assert_eq!(s, 201, "{r}");
    let (s, q) = send(
        app,
        "POST",
        &format!("/api/v1/quote-requests/{}/quotes", r["id"].as_str().expect("id")),
        t("supplier"),
        Some(fill_body(quote_body(), f)),
    )
    .await;
    assert_eq!(s, 201, "{q}");
    let mut body = json!({"quote_id": q["id"], "type": "one_off", "fee_model": "fixed", "billing": "monthly", "budget_line_id": f["buy_line"], "cap_krw": 1000});
    if let Some(rec) = record {
        body["decision_record_id"] = json!(rec);
    }
    let (s, c) = send(app, "POST", "/api/v1/contracts", t("buyer"), Some(body)).await;
    assert_eq!(s, 201, "{c}");
    let id = c["id"].as_str().expect("id").to_owned();
    let hash = c["text_hash"].as_str().expect("hash").to_owned();
    if sign {
        for who in ["signatory", "supplier"] {
            let (s, v) = send(app, "POST", &format!("/api/v1/contracts/{id}/accept"), t(who), Some(json!({"text_hash": hash}))).await;
            assert_eq!(s, 200, "{v}");
        }
    }
    (id, hash)
}

/// Projects, a decision record, quotes, contracts in each state, an amendment, a catalog contract
/// and an order, all between the demo agency and the demo supplier.
async fn buying_fixtures(app: &TestApp, tokens: &HashMap<&'static str, String>, f: &mut HashMap<&'static str, String>) {
    let t = |r: &str| tokens.get(r).map(String::as_str);
    // a listed service of the demo supplier that the gate lets through, and its first plan
    let (sup, hits) = gureum_app::catalog::supplier(&app.state, &f["own_supplier"]).await.expect("supplier");
    let mut chosen = None;
    for h in hits {
        let rec = app.db.service(gureum_storage::ServiceKey::Id(&h.id)).await.expect("db").expect("service");
        if !rec.listing.price_plans.is_empty() && gureum_app::buying::gate_reasons(&app.state, &rec, None).await.expect("gate").is_empty() {
            chosen = Some(rec);
            break;
        }
    }
    let rec = chosen.expect("an orderable service of the demo supplier");
    f.insert("buy_service", rec.id.clone());
    f.insert("buy_plan", rec.listing.price_plans[0].name.clone());
    let (s, line) = send(
        app,
        "POST",
        "/api/v1/budget-lines",
        t("budget"),
        Some(json!({"fiscal_year": 2026, "name": "구매 행렬", "amount_krw": 1_000_000_000})),
    )
    .await;
    assert_eq!(s, 201, "{line}");
    f.insert("buy_line", line["id"].as_str().expect("id").to_owned());
    // two projects: one open with a short list, one decided
    let mut projects = Vec::new();
    for _ in 0..2 {
        let (s, p) = send(app, "POST", "/api/v1/projects", t("buyer"), Some(project_body())).await;
        assert_eq!(s, 201, "{p}");
        let id = p["id"].as_str().expect("id").to_owned();
        let (s, v) = send(
            app,
            "POST",
            &format!("/api/v1/projects/{id}/searches"),
            t("buyer"),
            Some(json!({"q": sup.business_number, "per_page": 100})),
        )
        .await;
        assert_eq!(s, 200, "{v}");
        let (s, v) = send(app, "PUT", &format!("/api/v1/projects/{id}/shortlist"), t("buyer"), Some(fill_body(shortlist_body(), f))).await;
        assert_eq!(s, 200, "{v}");
        projects.push(id);
    }
    let (s, rec) =
        send(app, "POST", &format!("/api/v1/projects/{}/decision", projects[1]), t("buyer"), Some(fill_body(decision_body(), f))).await;
    assert_eq!(s, 201, "{rec}");
    let record = rec["id"].as_str().expect("id").to_owned();
    f.insert("project", projects[0].clone());
    f.insert("decision_record", record.clone());
    // a request waiting for its quote; an offered quote
    let (s, r) = send(app, "POST", "/api/v1/quote-requests", t("buyer"), Some(fill_body(quote_request_body(), f))).await;
    assert_eq!(s, 201, "{r}");
    f.insert("quote_request", r["id"].as_str().expect("id").to_owned());
    let (s, r) = send(app, "POST", "/api/v1/quote-requests", t("buyer"), Some(fill_body(quote_request_body(), f))).await;
    assert_eq!(s, 201, "{r}");
    let (s, q) = send(
        app,
        "POST",
        &format!("/api/v1/quote-requests/{}/quotes", r["id"].as_str().expect("id")),
        t("supplier"),
        Some(fill_body(quote_body(), f)),
    )
    .await;
    assert_eq!(s, 201, "{q}");
    f.insert("quote", q["id"].as_str().expect("id").to_owned());
    // contracts: a draft citing the record; a signed one; one with a proposal; one terminated;
    // one whose data was returned
    let (draft, hash) = contract_fixture(app, tokens, f, Some(&record), false).await;
    f.insert("contract", draft);
    f.insert("contract_hash", hash);
    let (signed, _) = contract_fixture(app, tokens, f, None, true).await;
    f.insert("signed_contract", signed);
    let (amended, _) = contract_fixture(app, tokens, f, None, true).await;
    let (s, a) = send(app, "POST", &format!("/api/v1/contracts/{amended}/amendments"), t("buyer"), Some(amendment_body())).await;
    assert_eq!(s, 201, "{a}");
    f.insert("amendment", a["id"].as_str().expect("id").to_owned());
    f.insert("amended_contract", amended.clone());
    f.insert("amendment_hash", a["text_hash"].as_str().expect("hash").to_owned());
    for key in ["terminated_contract", "returned_contract"] {
        let (id, _) = contract_fixture(app, tokens, f, None, true).await;
        let (s, v) = send(app, "POST", &format!("/api/v1/contracts/{id}/terminate"), t("buyer"), Some(reject_body())).await;
        assert_eq!(s, 200, "{v}");
        if key == "returned_contract" {
            let (s, v) = send(app, "POST", &format!("/api/v1/contracts/{id}/data-return"), t("supplier"), None).await;
            assert_eq!(s, 200, "{v}");
        }
        f.insert(key, id);
    }
    // a catalog contract and a delivery request waiting for the supplier
    let mut cat = fill_body(catalog_body(), f);
    cat["number"] = json!("PPS-MATRIX-1");
    let (s, cc) = send(app, "POST", "/api/v1/catalog-contracts", t("pps"), Some(cat)).await;
    assert_eq!(s, 201, "{cc}");
    f.insert("catalog_contract", cc["id"].as_str().expect("id").to_owned());
    let (s, o) = send(app, "POST", "/api/v1/delivery-requests", t("buyer"), Some(fill_body(delivery_body(), f))).await;
    assert_eq!(s, 201, "{o}");
    f.insert("order", o["id"].as_str().expect("id").to_owned());
    // #24 records fixtures
    let (s, c) = send(app, "GET", &format!("/api/v1/contracts/{}", f["signed_contract"]), t("supplier"), None).await;
    assert_eq!(s, 200, "{c}");
    f.insert("usage_meter", c["items"][0]["meter"].as_str().expect("a meter").to_owned());
    // #24 invoices fixtures
    {
        // a signed monthly contract from 2026-08-01: August accepted, September issued, October a draft
        let (s, r) = send(app, "POST", "/api/v1/quote-requests", t("buyer"), Some(fill_body(quote_request_body(), f))).await;
        assert_eq!(s, 201, "{r}");
        let (s, q) = send(
            app,
            "POST",
            &format!("/api/v1/quote-requests/{}/quotes", r["id"].as_str().expect("id")),
            t("supplier"),
            Some(fill_body(quote_body(), f)),
        )
        .await;
        assert_eq!(s, 201, "{q}");
        let body = json!({"quote_id": q["id"], "type": "one_off", "fee_model": "metered", "billing": "monthly", "budget_line_id": f["buy_line"],
            "starts_on": "2026-08-01", "ends_on": "2027-07-31"});
        let (s, c) = send(app, "POST", "/api/v1/contracts", t("buyer"), Some(body)).await;
        assert_eq!(s, 201, "{c}");
        let cid = c["id"].as_str().expect("id").to_owned();
        for who in ["signatory", "supplier"] {
            let (s, v) =
                send(app, "POST", &format!("/api/v1/contracts/{cid}/accept"), t(who), Some(json!({"text_hash": c["text_hash"]}))).await;
            assert_eq!(s, 200, "{v}");
        }
        let mut ids = Vec::new();
        for period in ["2026-08", "2026-09", "2026-10"] {
            gureum_app::usage::invoices::bill(&app.state, gureum_domain::usage::Period::parse(period).expect("period"))
                .await
                .expect("bill");
            let (s, list) = send(app, "GET", &format!("/api/v1/invoices?contract_id={cid}&period={period}"), t("buyer"), None).await;
            assert_eq!(s, 200, "{list}");
            ids.push(list[0]["id"].as_str().expect("an invoice").to_owned());
        }
        for (id, steps) in [(&ids[0], &["issue", "accept"][..]), (&ids[1], &["issue"][..])] {
            for step in steps {
                let who = if *step == "issue" { "supplier" } else { "buyer" };
                let (s, v) = send(app, "POST", &format!("/api/v1/invoices/{id}/{step}"), t(who), None).await;
                assert_eq!(s, 200, "{v}");
            }
        }
        f.insert("invoice_accepted", ids[0].clone());
        f.insert("invoice_issued", ids[1].clone());
        f.insert("invoice_draft", ids[2].clone());
    }
    //
    //
    // #24 incidents and ratings fixtures
    let open_incident = json!({"service_id": f["buy_service"], "started_at": "2026-11-22T08:00:00+09:00", "description": "접속 장애"});
    let (s, i) = send(app, "POST", "/api/v1/incidents", t("supplier"), Some(open_incident)).await;
    assert_eq!(s, 201, "{i}");
    f.insert("incident", i["id"].as_str().expect("id").to_owned());
    let report = json!({"service_id": f["buy_service"], "started_at": "2026-11-21T08:00:00+09:00", "ended_at": "2026-11-21T08:30:00+09:00", "description": "기관 신고 장애"});
    let (s, i) = send(app, "POST", "/api/v1/incidents", t("buyer"), Some(report)).await;
    assert_eq!((s, i["confirmation"].as_str()), (201, Some("pending")), "{i}");
    f.insert("reported_incident", i["id"].as_str().expect("id").to_owned());
    let (s, r) = send(app, "POST", &fill("/api/v1/services/{buy_service}/ratings", f), t("buyer"), Some(json!({"stars": 4}))).await;
    assert_eq!(s, 201, "{r}");
    f.insert("rating", r["id"].as_str().expect("id").to_owned());
    //
    //
    // #24 spend and dashboard fixtures
}

// ── demand forecast (#26) ──
fn forecast_survey_body() -> Value {
    json!({"year": 2027, "opens_on": "2026-11-01", "closes_on": "2026-12-15"})
}

fn forecast_system_body() -> Value {
    json!({"name": "권한 표 시스템", "current_hosting": "own", "planned_year": 2027, "target_type": "saas", "functions": ["전자결재"]})
}

const FORECAST_KEYS: &[&str] = &["{fs}"];

/// The fixtures only forecast rows need: an open survey, and the demo agency's answer holding one system.
async fn forecast_fixtures(app: &TestApp, tokens: &HashMap<&'static str, String>, f: &mut HashMap<&'static str, String>) {
    let t = |r: &str| tokens.get(r).map(String::as_str);
    let (s, v) = send(app, "POST", "/api/v1/forecast-surveys", t("operator"), Some(forecast_survey_body())).await;
    assert_eq!(s, 201, "{v}");
    let survey = v["id"].as_str().expect("id").to_owned();
    let (s, v) =
        send(app, "PUT", &format!("/api/v1/forecast-surveys/{survey}/response/systems/MATRIX-1"), t("buyer"), Some(forecast_system_body()))
            .await;
    assert_eq!(s, 200, "{v}");
    f.insert("fs", survey);
}

// ── vouchers (#25) ──
fn voucher_programme_body() -> Value {
    json!({"year": 2026, "name": "권한 표 바우처", "total_budget_krw": 100_000_000, "company_cap_krw": 20_000_000, "government_share_pct": 80,
        "cost_types": ["usage"], "apply_from": "2026-11-01", "apply_to": "2026-11-30", "use_until": "2027-06-30"})
}

/// The fixtures only voucher rows need.
const VOUCHER_KEYS: &[&str] = &[
    "{vp}",
    "{vp3}",
    "{vp_service}",
    "{vp_pending}",
    "{vp_entry}",
    "{vapp}",
    "{vapp_open}",
    "{voucher}",
    "{vdoc}",
    "{vclaim}",
    "{vclaim_approved}",
    "{vclaim_asked}",
];

/// Three open programmes: in the first a service of the demo supplier approved into the pool and
/// the demo SME's application selected (a voucher, an evidence document, a submitted and an
/// approved claim); in the second the same service pending and the SME's application waiting;
/// the third empty.
async fn voucher_fixtures(app: &TestApp, tokens: &HashMap<&'static str, String>, f: &mut HashMap<&'static str, String>) {
    let t = |r: &str| tokens.get(r).map(String::as_str);
    let mut programmes = Vec::new();
    for _ in 0..3 {
        let (s, p) = send(app, "POST", "/api/v1/voucher-programmes", t("operator"), Some(voucher_programme_body())).await;
        assert_eq!(s, 201, "{p}");
        programmes.push(p["id"].as_str().expect("id").to_owned());
    }
    let org = app.db.user_by_email("supplier@demo.gureum.kr").await.expect("db").expect("user").org_id;
    let sid = app.db.organisation(&org).await.expect("db").and_then(|o| o.supplier_id).expect("supplier");
    let today = common::clock().today();
    let mut service = None;
    for s in app.db.supplier_services(&sid, &[gureum_domain::ServiceStatus::Listed]).await.expect("db") {
        let rec = app.db.service(gureum_storage::ServiceKey::Id(&s.id)).await.expect("db").expect("service");
        if rec.listing.certification.as_ref().is_some_and(|c| c.valid_on(today)) {
            service = Some(rec.id);
            break;
        }
    }
    let service = service.expect("a certified service of the demo supplier");
    let offer = |p: String| {
        let service = service.clone();
        async move {
            let (s, e) =
                send(app, "POST", &format!("/api/v1/voucher-programmes/{p}/services"), t("supplier"), Some(json!({"service_id": service})))
                    .await;
            assert_eq!(s, 201, "{e}");
            e["id"].as_str().expect("id").to_owned()
        }
    };
    let entry = offer(programmes[0].clone()).await;
    let (s, v) = send(app, "POST", &format!("/api/v1/voucher-services/{entry}/approve"), t("operator"), None).await;
    assert_eq!(s, 200, "{v}");
    let pending = offer(programmes[1].clone()).await;
    let mut apps = Vec::new();
    for p in &programmes[..2] {
        let (s, a) = send(
            app,
            "POST",
            "/api/v1/voucher-applications",
            t("sme"),
            Some(json!({"programme_id": p, "plan": "전환 계획", "requested_krw": 10_000_000})),
        )
        .await;
        assert_eq!(s, 201, "{a}");
        apps.push(a["id"].as_str().expect("id").to_owned());
    }
    let (s, v) = send(
        app,
        "POST",
        &format!("/api/v1/voucher-applications/{}/select", apps[0]),
        t("operator"),
        Some(json!({"granted_krw": 10_000_000})),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let voucher = v["id"].as_str().expect("id").to_owned();
    let doc = gureum_app::voucher::documents::upload(&app.state, &app_principal(app, "sme").await, "proof.pdf", common::PDF.to_vec(), None)
        .await
        .expect("evidence")
        .id;
    let mut claims = Vec::new();
    for n in 0..3 {
        let body = json!({"voucher_id": voucher, "voucher_service_id": entry, "cost_type": "usage", "paid_krw": 100_000, "paid_on": "2026-11-20",
            "tax_invoice_number": format!("MATRIX-{n}"), "evidence_document_ids": [doc]});
        let (s, c) = send(app, "POST", "/api/v1/voucher-claims", t("sme"), Some(body)).await;
        assert_eq!(s, 201, "{c}");
        claims.push(c["id"].as_str().expect("id").to_owned());
    }
    let (s, v) = send(app, "POST", &format!("/api/v1/voucher-claims/{}/approve", claims[1]), t("operator"), None).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = send(
        app,
        "POST",
        &format!("/api/v1/voucher-claims/{}/request-evidence", claims[2]),
        t("operator"),
        Some(json!({"message": "원본을 올려 주세요"})),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    f.insert("vp", programmes[0].clone());
    f.insert("vp3", programmes[2].clone());
    f.insert("vp_service", service.clone());
    f.insert("vp_entry", entry);
    f.insert("vp_pending", pending);
    f.insert("vapp", apps[0].clone());
    f.insert("vapp_open", apps[1].clone());
    f.insert("voucher", voucher);
    f.insert("vdoc", doc);
    f.insert("vclaim", claims[0].clone());
    f.insert("vclaim_approved", claims[1].clone());
    f.insert("vclaim_asked", claims[2].clone());
}

/// A demo account's principal, for fixtures made through a use case (a multipart upload).
async fn app_principal(app: &TestApp, who: &str) -> gureum_app::Principal {
    let (s, v) =
        send(app, "POST", "/api/v1/auth/login", None, Some(json!({"email": format!("{who}@demo.gureum.kr"), "password": "gureum-demo"})))
            .await;
    assert_eq!(s, 200, "{v}");
    gureum_app::actor::authenticate(&app.state, v["token"].as_str().expect("token"), false).await.expect("auth").expect("principal")
}

async fn world(buying: bool) -> World {
    let app = spawn_app(40).await;
    gureum::demo::seed_demo_accounts(&app.db).await.expect("demo accounts");
    let mut tokens = HashMap::new();
    for role in ROLES.iter().filter(|r| **r != "visitor") {
        let (s, v) = send(
            &app,
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": format!("{role}@demo.gureum.kr"), "password": "gureum-demo"})),
        )
        .await;
        assert_eq!(s, 200, "{role} logs in");
        tokens.insert(*role, v["token"].as_str().expect("token").to_owned());
    }
    let mut fixtures = HashMap::new();
    let supplier_org = app.db.user_by_email("supplier@demo.gureum.kr").await.expect("db").expect("user").org_id;
    let supplier2_org = app.db.user_by_email("supplier2@demo.gureum.kr").await.expect("db").expect("user").org_id;
    let own_supplier = app.db.organisation(&supplier_org).await.expect("db").and_then(|o| o.supplier_id).expect("supplier");
    let other_supplier = app.db.organisation(&supplier2_org).await.expect("db").and_then(|o| o.supplier_id).expect("supplier2");
    let listed = gureum_domain::ServiceStatus::Listed;
    let own = app.db.supplier_services(&own_supplier, &[listed]).await.expect("db");
    let other = app.db.supplier_services(&other_supplier, &[listed]).await.expect("db");
    fixtures.insert("own_service", own.first().expect("own service").id.clone());
    fixtures.insert("other_service", other.first().expect("other service").id.clone());
    fixtures.insert("own_supplier", own_supplier);
    fixtures.insert("supplier_org", supplier_org);
    fixtures.insert("buyer_user", app.db.user_by_email("buyer@demo.gureum.kr").await.expect("db").expect("user").id);
    let (s, t) = send(&app, "POST", "/api/v1/tokens", tokens.get("supplier").map(String::as_str), Some(json!({"name": "fixture"}))).await;
    assert_eq!(s, 201);
    fixtures.insert("supplier_token", t["token"]["id"].as_str().expect("id").to_owned());
    // a signed-up company waiting for approval
    let state = &app.state;
    let (org, _) = gureum_app::accounts::signup(
        state,
        gureum_app::accounts::Signup {
            kind: gureum_domain::account::OrgKind::Sme,
            business_number: gureum_domain::BusinessNumber::from_first9([2, 7, 1, 8, 2, 8, 1, 8, 2]).digits().to_owned(),
            company_name: "대기상회".into(),
            size: None,
            representative: None,
            address: None,
            person_name: "대기자".into(),
            email: "waiting@sme.kr".into(),
            phone: None,
            password: "waiting-password".into(),
            privacy_consent: true,
            certificate: Some(b"%PDF-1.4 cert".to_vec()),
        },
        None,
        None,
    )
    .await
    .expect("signup");
    // a complete submission of a new service: an application waiting for assignment; an open round
    let supplier = tokens.get("supplier").cloned().expect("supplier");
    let (s, created) = send(&app, "POST", "/api/v1/services", Some(&supplier), Some(service_body())).await;
    assert_eq!(s, 201, "{created}");
    let service = created["id"].as_str().expect("id").to_owned();
    app.upload_required(&service, &supplier, "saas").await;
    let (s, v) = send(&app, "POST", &format!("/api/v1/services/{service}/submit"), Some(&supplier), None).await;
    assert_eq!(s, 200, "{v}");
    let operator = tokens.get("operator").cloned().expect("operator");
    let application = app.application_of(&service, &operator).await;
    fixtures.insert("application", application["id"].as_str().expect("id").to_owned());
    fixtures.insert("application_doc", application["documents"][0]["id"].as_str().expect("a document").to_owned());
    let (s, line) = send(&app, "POST", "/api/v1/budget-lines", tokens.get("budget").map(String::as_str), Some(budget_line_body())).await;
    assert_eq!(s, 201, "{line}");
    fixtures.insert("budget_line", line["id"].as_str().expect("id").to_owned());
    let (s, round) = send(&app, "POST", "/api/v1/rounds", Some(&operator), Some(round_body())).await;
    assert_eq!(s, 201, "{round}");
    fixtures.insert("round", round["id"].as_str().expect("id").to_owned());
    fixtures.insert("pending_doc", org.registration_doc.clone().expect("certificate"));
    // the operator was told of the sign-up and the submission; the service's public revision
    let operator_user = app.db.user_by_email("operator@demo.gureum.kr").await.expect("db").expect("user").id;
    let told = app.db.notifications_of(&operator_user, 1).await.expect("notifications");
    fixtures.insert("operator_notification", told.first().expect("a notification of the operator").id.clone());
    let own_head = app.db.service_head(gureum_storage::ServiceKey::Id(&fixtures["own_service"])).await.expect("db").expect("head");
    fixtures.insert("own_revision", own_head.public_revision.expect("listed").to_string());
    fixtures.insert("pending_org", org.id);
    let buyer_org = app.db.user_by_email("buyer@demo.gureum.kr").await.expect("db").expect("user").org_id;
    fixtures.insert("agency_org", buyer_org);
    if buying {
        buying_fixtures(&app, &tokens, &mut fixtures).await;
    }
    World { app, tokens, fixtures }
}

/// A body's `{fixture}` placeholders filled (in its strings).
fn fill_body(body: Value, fixtures: &HashMap<&'static str, String>) -> Value {
    let mut text = body.to_string();
    for (k, v) in fixtures {
        text = text.replace(&format!("{{{k}}}"), v);
    }
    serde_json::from_str(&text).expect("a filled body")
}

fn fill(path: &str, fixtures: &HashMap<&'static str, String>) -> String {
    let mut out = path.to_owned();
    for (k, v) in fixtures {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    assert!(!out.contains('{'), "unfilled fixture in {out}");
    out
}

/// Routes of the page router, read from the page modules' `.route("…", get(…).post(…))` calls.
fn page_routes() -> BTreeSet<(String, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/src/pages"), &mut files);
    let mut routes = BTreeSet::new();
    let mut sources: Vec<String> = files.iter().map(|f| std::fs::read_to_string(f).expect("source")).collect();
    sources.push(std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/src/api/mod.rs")).expect("api mod"));
    for src in sources {
        let flat: String = src.split_whitespace().collect::<Vec<_>>().join(" ").replace("( ", "(");
        for chunk in flat.split(".route(\"").skip(1) {
            let Some((path, rest)) = chunk.split_once('"') else { continue };
            // the method router runs to the matching close of `.route(`
            let mut depth = 1i32;
            let mut end = rest.len();
            for (i, c) in rest.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let methods = &rest[..end];
            for (m, name) in [("get(", "GET"), ("post(", "POST"), ("put(", "PUT"), ("patch(", "PATCH"), ("delete(", "DELETE")] {
                if methods.contains(m) {
                    routes.insert((name.to_owned(), path.to_owned()));
                }
            }
        }
    }
    routes
}

#[tokio::test]
async fn every_route_is_in_the_table() {
    let app = spawn_app(0).await;
    let (_, doc) = send(&app, "GET", "/api/openapi.json", None, None).await;
    let mut routes: BTreeSet<(String, String)> = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("item").keys() {
            routes.insert((method.to_uppercase(), path.clone()));
        }
    }
    routes.extend(page_routes());
    let table: BTreeSet<(String, String)> = cases().iter().map(|c| (c.method.to_owned(), c.template.to_owned())).collect();
    let missing: Vec<_> = routes.difference(&table).collect();
    assert!(missing.is_empty(), "routes without a row in the role matrix: {missing:?}");
    let stale: Vec<_> = table.difference(&routes).collect();
    assert!(stale.is_empty(), "rows for routes the router does not have: {stale:?}");
}

#[tokio::test]
async fn every_cell_of_the_matrix_holds() {
    let mut failures = Vec::new();
    for c in cases() {
        let body = c.body.map(|f| f().to_string()).unwrap_or_default();
        let mut w = world(BUYING_KEYS.iter().any(|k| c.path.contains(k) || body.contains(k))).await;
        if VOUCHER_KEYS.iter().any(|k| c.path.contains(k) || body.contains(k)) {
            voucher_fixtures(&w.app, &w.tokens, &mut w.fixtures).await;
        }
        if FORECAST_KEYS.iter().any(|k| c.path.contains(k) || body.contains(k)) {
            forecast_fixtures(&w.app, &w.tokens, &mut w.fixtures).await;
        }
        let path = fill(c.path, &w.fixtures);
        // denied roles first, allowed ones (2xx) last, and after them those that meet the state
        // an allowed one left (409)
        let mut order: Vec<&str> = ROLES.to_vec();
        order.sort_by_key(|r| {
            let want = expected(c.expect, r);
            (want < 300 || want == 409, *r == "supplier")
        });
        for role in order {
            let want = expected(c.expect, role);
            let token = w.tokens.get(role).map(String::as_str);
            let (got, body) = send_as(&w.app, role, c.method, &path, token, c.body.map(|f| fill_body(f(), &w.fixtures))).await;
            if got != want {
                failures.push(format!("{} {} as {role}: expected {want}, got {got} {}", c.method, path, body));
            }
            if got >= 400
                && got != 404
                && got != 401
                && !(c.template.starts_with("/api") && body["code"].is_string())
                && c.template.starts_with("/api")
            {
                failures.push(format!("{} {} as {role}: error without a code", c.method, path));
            }
        }
    }
    assert!(failures.is_empty(), "{} cells differ:\n{}", failures.len(), failures.join("\n"));
}
