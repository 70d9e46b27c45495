//! The JSON API under `/api/v1`. Every handler is annotated for OpenAPI and registered through
//! `utoipa-axum`, so the document at `/api/openapi.json` is generated from the router itself.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod budget;
pub mod buying;
pub mod catalog;
pub mod debarments;
pub mod forecast;
pub mod json;
pub mod lifecycle;
pub mod listing_doc;
pub mod notifications;
pub mod ocds;
pub mod review;
pub mod revisions;
pub mod schema;
pub mod services;
pub mod stats;
pub mod usage;
pub mod voucher;

use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gureum API",
        description = "구름 — the digital-service marketplace through which Korean public bodies adopt private cloud. Errors are `{\"code\", \"message\"}` with a stable snake_case code; a malformed body or a missing or mistyped field is 400 (never 422), a malformed id 400 `invalid_id`. In a query an empty value counts as absent, and unknown parameters are ignored.",
        license(name = "Apache-2.0")
    ),
    tags(
        (name = "catalog", description = "The public catalog (카탈로그): search, services, categories, suppliers"),
        (name = "auth", description = "Log in and out (Bearer tokens), password reset and change, invitations"),
        (name = "accounts", description = "Sign-up, organisations, people, API tokens"),
        (name = "services", description = "A supplier's own services and the operator's decisions on them"),
        (name = "review", description = "The review committee (심사위원회): settings, rounds, applications, assignments, votes, supplements"),
        (name = "buying", description = "Buying (구매): budget lines, procurement projects and decision records, quotes, contracts and amendments, catalog contracts and delivery requests, time to contract"),
        (name = "usage", description = "Use after the contract (사후관리): usage batches, invoices, spend, incidents and SLA credits, ratings, dashboards"),
        (name = "vouchers", description = "The SME cloud voucher (클라우드 바우처): programmes, the supplier pool, applications and selection, vouchers, evidence, claims and settlement, fraud flags"),
        (name = "forecast", description = "The demand forecast (수요예보): yearly surveys, an agency's answer system by system, the public report and the response rate"),
        (name = "statistics", description = "The marketplace in figures (public, aggregates only): services by kind over time, contracts by kind and method, time to contract, the SaaS share, vouchers"),
        (name = "open data", description = "Open contracting data (OCDS 1.1): the release feed, record packages with compiled releases, monthly bulk files"),
        (name = "notifications", description = "A person's own in-app notifications (알림)"),
        (name = "audit", description = "The hash-chained audit log: read, verify, download (auditors and operators)")
    ),
    // Components that only parameters refer to: utoipa-axum collects the schemas of bodies and
    // answers, not those of parameters.
    components(schemas(schema::Uuid, schema::ServiceKeyText, schema::ServiceKindName, schema::CsapGradeName, schema::ServiceStatusName, schema::OrgStatusName, services::SortName, services::FlagParam, review::ApplicationStatusName, buying::TtcMethodDoc)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// Declares the bearer scheme that login tokens and API tokens use.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(services::search_services))
        .routes(routes!(services::get_service))
        .routes(routes!(catalog::list_categories))
        .routes(routes!(catalog::get_supplier))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me, auth::update_me))
        .routes(routes!(notifications::list_notifications))
        .routes(routes!(notifications::read_notification))
        .routes(routes!(revisions::list_revisions))
        .routes(routes!(revisions::get_revision))
        .routes(routes!(auth::request_reset))
        .routes(routes!(auth::confirm_reset))
        .routes(routes!(auth::accept_invitation))
        .routes(routes!(auth::change_password))
        .routes(routes!(accounts::signup))
        .routes(routes!(accounts::list_organisations, accounts::create_organisation))
        .routes(routes!(accounts::approve_organisation))
        .routes(routes!(accounts::set_agency_kind))
        .routes(routes!(accounts::reject_organisation))
        .routes(routes!(accounts::remove_organisation))
        .routes(routes!(accounts::invite))
        .routes(routes!(accounts::list_tokens, accounts::create_token))
        .routes(routes!(accounts::revoke_token))
        .routes(routes!(accounts::lock_user))
        .routes(routes!(accounts::unlock_user))
        .merge(lifecycle::routes())
        .merge(audit::routes())
        .merge(review::routes())
        .merge(debarments::routes())
        .merge(budget::routes())
        .merge(buying::routes())
        .merge(usage::routes())
        .merge(voucher::routes())
        .merge(forecast::routes())
        .merge(stats::routes())
        .merge(ocds::routes())
}

/// Routes outside the API version: the OpenAPI document and health.
pub fn meta_routes(openapi: Arc<utoipa::openapi::OpenApi>) -> Router<AppState> {
    let doc = Arc::new(served_document(&openapi));
    Router::new()
        .route(
            "/api/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { Json(doc.as_ref().clone()) }
            }),
        )
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
}

/// The document as served. Every query of the API reads an empty value as absent (a form sends
/// its unused fields empty), which no utoipa attribute says: each query parameter's schema (an
/// array's items for a repeatable one) is widened to also admit `""`.
pub fn served_document(openapi: &utoipa::openapi::OpenApi) -> serde_json::Value {
    let mut doc = serde_json::to_value(openapi).unwrap_or_default();
    let empty = serde_json::json!({"enum": [""]});
    let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) else { return doc };
    for item in paths.values_mut().filter_map(|i| i.as_object_mut()) {
        for op in item.values_mut() {
            let Some(params) = op.get_mut("parameters").and_then(|p| p.as_array_mut()) else { continue };
            for param in params.iter_mut().filter(|p| p["in"] == "query") {
                let Some(schema) = param.get_mut("schema") else { continue };
                let target = if schema["type"] == "array" { &mut schema["items"] } else { schema };
                if admits_empty_text(target) {
                    // Already says so; an `anyOf` would only confuse a fuzzer into calling one of
                    // its branches a violation.
                    continue;
                }
                let inner = target.take();
                *target = serde_json::json!({"anyOf": [inner, empty.clone()]});
            }
        }
    }
    doc
}

/// A plain text schema, which admits `""` as it is.
fn admits_empty_text(schema: &serde_json::Value) -> bool {
    schema["type"] == "string" && ["enum", "const", "pattern", "format", "minLength"].iter().all(|k| schema.get(*k).is_none())
}

/// Ready when the database answers and the index has caught up since start.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if !state.is_ready() {
        return (StatusCode::SERVICE_UNAVAILABLE, "index_not_ready");
    }
    if !state.db().ping().await {
        return (StatusCode::SERVICE_UNAVAILABLE, "database_unavailable");
    }
    (StatusCode::OK, "ready")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn served() -> Value {
        let (_, openapi) = router().split_for_parts();
        served_document(&openapi)
    }

    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r);
                }
                m.values().for_each(|x| refs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }

    /// A `$ref` to a component the document lacks makes the whole operation unusable to a client
    /// (schemathesis reports it as a schema error): components only parameters use are easy to miss.
    #[test]
    fn every_reference_resolves() {
        let doc = served();
        let mut found = Vec::new();
        refs(&doc, &mut found);
        assert!(found.len() > 50, "the document uses its components");
        for r in found {
            let name = r.strip_prefix("#/components/schemas/").unwrap_or(r);
            assert!(doc["components"]["schemas"][name].is_object(), "{r} does not resolve");
        }
    }

    #[test]
    fn query_parameters_admit_an_empty_value() {
        let doc = served();
        let params = doc["paths"]["/api/v1/services"]["get"]["parameters"].as_array().expect("params");
        let per_page = params.iter().find(|p| p["name"] == "per_page").expect("per_page");
        assert_eq!(per_page["schema"]["anyOf"][1], serde_json::json!({"enum": [""]}));
        assert_eq!(per_page["schema"]["anyOf"][0]["maximum"], 100);
        let kind = params.iter().find(|p| p["name"] == "kind").expect("kind");
        assert_eq!(kind["schema"]["type"], "array");
        assert_eq!(kind["schema"]["items"]["anyOf"][0]["$ref"], "#/components/schemas/ServiceKind");
        // free text admits the empty value already
        let category = params.iter().find(|p| p["name"] == "category").expect("category");
        assert_eq!(category["schema"]["items"], serde_json::json!({"type": "string"}));
        // path parameters are left as they are
        let id = &doc["paths"]["/api/v1/services/{id}"]["get"]["parameters"][0];
        assert_eq!(id["schema"]["$ref"], "#/components/schemas/ServiceKey");
    }

    /// The components written as JSON reach the document unchanged (utoipa reads a JSON schema
    /// without `type` as an object, and drops what it does not know).
    #[test]
    fn hand_written_components_are_served_as_written() {
        use schema::tests::as_written;
        use utoipa::PartialSchema;
        as_written(services::FlagParam::schema(), services::FlagParam::json());
        as_written(services::SortName::schema(), services::SortName::json());
        as_written(lifecycle::ReasonDoc::schema(), lifecycle::ReasonDoc::json());
        as_written(lifecycle::DocumentUploadDoc::schema(), lifecycle::DocumentUploadDoc::json());
        as_written(accounts::SignupDoc::schema(), accounts::SignupDoc::json());
        as_written(accounts::BusinessNumberText::schema(), accounts::BusinessNumberText::json());
        as_written(accounts::OptionalBusinessNumberText::schema(), accounts::OptionalBusinessNumberText::json());
        as_written(accounts::EmailText::schema(), accounts::EmailText::json());
        as_written(accounts::ReasonText::schema(), accounts::ReasonText::json());
        as_written(accounts::CreatableOrgKind::schema(), accounts::CreatableOrgKind::json());
        as_written(audit::ActorKindName::schema(), audit::ActorKindName::json());
        as_written(debarments::NewDebarmentDoc::schema(), debarments::NewDebarmentDoc::json());
        as_written(budget::NewBudgetLineDoc::schema(), budget::NewBudgetLineDoc::json());
        as_written(budget::BudgetLineChangeDoc::schema(), budget::BudgetLineChangeDoc::json());
        as_written(services::NotOrderableName::schema(), services::NotOrderableName::json());
    }
}
