//! The documented shape of a service's listing (디지털서비스 등록 정보): as the API answers it, and
//! as a supplier sends it to create a service or to edit one. The limits are those of
//! `gureum_domain::listing::parse_listing`, which every body goes through; what a schema cannot
//! say (a code's prefix follows the kind, a certificate ends after it starts, an edit is merged
//! into the open draft) is said in the descriptions and answered 400 `invalid_field`.

use super::schema::{SERVICE_CODE_INPUT_PATTERN, component, opt_text, or_null, reference, text};
use gureum_domain::cert::CertType;
use gureum_domain::{CsapGrade, ServiceKind};
use serde_json::{Map, Value, json};

/// The largest unit price a plan may have (1조 원).
const MAX_PRICE_KRW: i64 = gureum_domain::money::MAX_PRICE;

fn date() -> Value {
    json!({"type": "string", "format": "date", "description": "YYYY-MM-DD"})
}

fn enum_of(values: Vec<&'static str>) -> Value {
    json!({"type": "string", "enum": values})
}

fn kinds() -> Value {
    enum_of(ServiceKind::ALL.iter().map(|k| k.as_str()).collect())
}

fn grades() -> Value {
    enum_of(CsapGrade::ALL.iter().map(|g| g.as_str()).collect())
}

fn cert_types() -> Value {
    enum_of(CertType::ALL.iter().map(|t| t.as_str()).collect())
}

fn list_of(item: Value, max_items: usize) -> Value {
    json!({"type": ["array", "null"], "items": item, "maxItems": max_items})
}

fn object(required: &[&str], properties: Vec<(&str, Value)>, description: &str) -> Value {
    let props: Map<String, Value> = properties.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    let mut v = json!({"type": "object", "properties": props, "description": description});
    if !required.is_empty() {
        v["required"] = json!(required);
    }
    v
}

// ---------------------------------------------------------------------------------------------
// As answered

component!(
    PricePlanDoc,
    "PricePlan",
    object(
        &["name", "model", "unit", "unit_price_krw", "vat_included"],
        vec![
            ("name", json!({"type": "string"})),
            ("model", json!({"type": "string", "enum": ["fixed", "metered"], "description": "fixed (정액) or metered (종량)"})),
            ("unit", json!({"type": "string"})),
            ("unit_price_krw", json!({"type": "integer", "minimum": 0, "maximum": MAX_PRICE_KRW, "description": "Whole won"})),
            ("vat_included", json!({"type": "boolean"})),
        ],
        "A price plan (요금제)",
    )
);

component!(
    CertificationDoc,
    "Certification",
    object(
        &["scheme", "type", "grade", "number", "valid_from", "valid_to"],
        vec![
            ("scheme", json!({"type": "string", "description": "CSAP unless another scheme is named"})),
            ("issuer", json!({"type": "string"})),
            ("type", reference("CertType")),
            ("grade", reference("CsapGrade")),
            ("number", json!({"type": "string"})),
            ("valid_from", date()),
            ("valid_to", json!({"type": "string", "format": "date", "description": "Inclusive (Asia/Seoul date)"})),
            ("scope", json!({"type": "string"})),
            ("host_infra", json!({"type": "string", "description": "The IaaS it runs on: a service code when listed here, else a name"})),
            ("revoked", json!({"type": "boolean", "description": "Present (true) only when revoked"})),
        ],
        "The certification (CSAP 인증) on the listing",
    ),
    uses [super::schema::CertTypeName, super::schema::CsapGradeName]
);

component!(
    SlaDoc,
    "Sla",
    object(
        &[],
        vec![
            ("availability_pct", json!({"type": "number", "exclusiveMinimum": 0, "maximum": 100})),
            ("support_hours", json!({"type": "string"})),
            ("credit_pct", json!({"type": "number", "minimum": 0, "maximum": 100})),
        ],
        "Service level (SLA); absent figures are not promised",
    )
);

component!(
    ListingDoc,
    "Listing",
    object(
        &["name", "code", "kind", "category", "tags", "summary", "description", "price_plans", "certification", "integrations"],
        vec![
            ("name", json!({"type": "string"})),
            ("name_en", json!({"type": "string"})),
            ("code", reference("ServiceCode")),
            ("kind", reference("ServiceKind")),
            ("category", json!({"type": "string"})),
            ("subcategory", json!({"type": "string"})),
            ("tags", json!({"type": "array", "items": {"type": "string"}})),
            ("summary", json!({"type": "string"})),
            ("summary_en", json!({"type": "string"})),
            ("description", json!({"type": "string"})),
            ("price_plans", json!({"type": "array", "items": reference("PricePlan")})),
            ("certification", json!({"oneOf": [reference("Certification"), {"type": "null"}]})),
            ("integrations", json!({"type": "array", "items": {"type": "string"}})),
            ("sla", reference("Sla")),
            ("data_location", json!({"type": "string"})),
            ("selected_on", date()),
            ("selection_valid_to", date()),
            ("catalog_contract", json!({"type": "string", "description": "The PPS catalog contract number"})),
        ],
        "One revision's listing, in the fields of an import line (absent optional fields are left out)",
    ),
    uses [
        super::schema::ServiceCodeText,
        super::schema::ServiceKindName,
        PricePlanDoc,
        CertificationDoc,
        SlaDoc,
    ]
);

// ---------------------------------------------------------------------------------------------
// As sent by a supplier

fn plan_input() -> Value {
    object(
        &["name", "model", "unit", "unit_price_krw"],
        vec![
            ("name", text(200)),
            ("model", json!({"type": "string", "enum": ["fixed", "metered"]})),
            ("unit", text(50)),
            ("unit_price_krw", json!({"type": "integer", "minimum": 0, "maximum": MAX_PRICE_KRW, "description": "Whole won"})),
            ("vat_included", json!({"type": ["boolean", "null"], "description": "Default false"})),
        ],
        "A price plan",
    )
}

/// The certificate's fields; all of them are required in a new service, any of them in an edit
/// (where they are merged into the draft's certificate).
fn cert_input(all_required: bool) -> Value {
    let required: &[&str] = if all_required { &["type", "grade", "number", "valid_from", "valid_to"] } else { &[] };
    let mut v = object(
        required,
        vec![
            ("type", cert_types()),
            ("grade", grades()),
            ("number", text(100)),
            ("valid_from", date()),
            ("valid_to", json!({"type": "string", "format": "date", "description": "Not before valid_from"})),
            ("scheme", json!({"type": ["string", "null"], "maxLength": 50, "description": "Default CSAP"})),
            ("issuer", opt_text(100)),
            ("scope", opt_text(500)),
            ("host_infra", opt_text(200)),
            ("revoked", json!({"type": ["boolean", "null"]})),
        ],
        "The CSAP certification, or null for none",
    );
    v["type"] = json!(["object", "null"]);
    v
}

fn sla_input() -> Value {
    or_null(object(
        &[],
        vec![
            ("availability_pct", json!({"type": ["number", "null"], "exclusiveMinimum": 0, "maximum": 100})),
            ("support_hours", opt_text(100)),
            ("credit_pct", json!({"type": ["number", "null"], "minimum": 0, "maximum": 100})),
        ],
        "Service level",
    ))
}

/// The fields a supplier sets, with the rules of `parse_listing`. `required`: those of a new
/// service; in an edit they may be left out but not cleared.
fn listing_input(creating: bool) -> Vec<(&'static str, Value)> {
    let mut fields = vec![
        ("name", text(200)),
        ("name_en", opt_text(200)),
        ("kind", kinds()),
        ("category", text(100)),
        ("subcategory", opt_text(100)),
        ("tags", list_of(text(50), 50)),
        ("summary", text(2_000)),
        ("summary_en", opt_text(2_000)),
        ("description", opt_text(50_000)),
        ("price_plans", list_of(plan_input(), 50)),
        ("certification", cert_input(creating)),
        ("integrations", list_of(text(100), 50)),
        ("sla", sla_input()),
        ("data_location", opt_text(100)),
    ];
    if creating {
        fields.insert(
            2,
            (
                "code",
                json!({
                    "type": ["string", "null"],
                    "pattern": SERVICE_CODE_INPUT_PATTERN,
                    "description": "Optional: assigned from kind, category and a serial when absent or blank. Its prefix must be the kind's (SAS for saas …)."
                }),
            ),
        );
    }
    fields
}

component!(ServiceCreateDoc, "ServiceCreate", {
    let mut v = object(
        &["name", "kind", "category", "summary"],
        listing_input(true),
        "A new service: the import line's listing fields, without `supplier`, `status`, `selected_on`, `selection_valid_to` and `catalog_contract` (set by the operator and the committee; sending them is 400 `invalid_field`). Text is trimmed; blank optional text counts as absent. Other fields are ignored.",
    );
    v["additionalProperties"] = json!(true);
    v
});

component!(
    ServicePatchDoc,
    "ServicePatch",
    object(
        &[],
        listing_input(false),
        "A JSON merge patch (RFC 7396) of listing fields, applied to the open draft (opened from the public revision when there is none): a field given replaces it, `null` clears an optional one, and `certification` and `sla` merge field by field. The merged listing is checked whole again (a certificate then needs all its fields, and ends after it starts). `code` may be sent only unchanged: a service keeps its code, and a new kind is given a new one. The operator's fields are refused as when creating.",
    )
);

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::PartialSchema;

    #[test]
    fn hand_written_shapes_are_served_as_written() {
        use crate::api::schema::tests::as_written;
        as_written(ListingDoc::schema(), ListingDoc::json());
        as_written(ServiceCreateDoc::schema(), ServiceCreateDoc::json());
        as_written(ServicePatchDoc::schema(), ServicePatchDoc::json());
        as_written(CertificationDoc::schema(), CertificationDoc::json());
        as_written(PricePlanDoc::schema(), PricePlanDoc::json());
        as_written(SlaDoc::schema(), SlaDoc::json());
        let create = ServiceCreateDoc::json();
        assert_eq!(create["required"], json!(["name", "kind", "category", "summary"]));
        assert_eq!(create["properties"]["name"]["maxLength"], 200);
        assert!(ServicePatchDoc::json()["properties"].get("code").is_none());
    }
}
