//! A service listing (디지털서비스 등록 정보) as it arrives in an import line or an API body, and
//! the field-by-field parser that reports the first bad field by name.

use crate::bizno::BusinessNumber;
use crate::cert::{CertType, Certification, CsapGrade};
use crate::clock::parse_date;
use crate::code::ServiceCode;
use crate::json::{Json, Object};
use crate::kind::ServiceKind;
use crate::money::Krw;
use crate::status::ServiceStatus;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::Date;

/// A bad field: its path (`price_plans[1].unit_price_krw`) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self { field: field.into(), reason: reason.into() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PriceModel {
    /// 정액
    Fixed,
    /// 종량
    Metered,
}

impl PriceModel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fixed => "fixed",
            Self::Metered => "metered",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PricePlan {
    pub name: String,
    pub model: PriceModel,
    pub unit: String,
    pub unit_price_krw: Krw,
    #[serde(default)]
    pub vat_included: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sla {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_pct: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_hours: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_pct: Option<f64>,
}

/// Supplier size (기업 규모). SME = small or medium.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SupplierSize {
    Small,
    Medium,
    Midsize,
    Large,
}

impl SupplierSize {
    pub const ALL: [SupplierSize; 4] = [Self::Small, Self::Medium, Self::Midsize, Self::Large];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Small => "small",
            Self::Medium => "medium",
            Self::Midsize => "midsize",
            Self::Large => "large",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn is_sme(self) -> bool {
        matches!(self, Self::Small | Self::Medium)
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            Self::Small => "소기업",
            Self::Medium => "중기업",
            Self::Midsize => "중견기업",
            Self::Large => "대기업",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Small => "Small",
            Self::Medium => "Medium",
            Self::Midsize => "Mid-sized",
            Self::Large => "Large",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupplierRef {
    pub name: String,
    pub business_number: String,
    pub size: SupplierSize,
}

/// The content of one revision of a service. A published revision never changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listing {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub code: String,
    pub kind: ServiceKind,
    pub category: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subcategory: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary_en: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub price_plans: Vec<PricePlan>,
    #[serde(default)]
    pub certification: Option<Certification>,
    #[serde(default)]
    pub integrations: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla: Option<Sla>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::cert::opt_date_str")]
    pub selected_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::cert::opt_date_str")]
    pub selection_valid_to: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_contract: Option<String>,
}

impl Listing {
    /// The lowest unit price of its plans (`price_from_krw`).
    pub fn price_from(&self) -> Option<Krw> {
        self.price_plans.iter().map(|p| p.unit_price_krw).min()
    }

    /// The stored form: compact JSON with a fixed field order (for content digests).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(s: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(s)
    }
}

/// One line of `gureum import services`.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportLine {
    pub listing: Listing,
    pub supplier: SupplierRef,
    pub business_number: BusinessNumber,
    pub status: ServiceStatus,
}

impl ImportLine {
    /// The export form: the listing's fields plus `supplier` and `status`.
    pub fn to_value(&self) -> Value {
        let mut v = serde_json::to_value(&self.listing).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut v {
            m.insert("supplier".into(), serde_json::to_value(&self.supplier).unwrap_or(Value::Null));
            m.insert("status".into(), Value::String(self.status.as_str().into()));
        }
        v
    }
}

const MAX_TEXT: usize = 200;
const MAX_SUMMARY: usize = 2_000;
const MAX_DESCRIPTION: usize = 50_000;
const MAX_TAGS: usize = 50;
const MAX_PLANS: usize = 50;

/// Parses an import line (already JSON) into an [`ImportLine`], naming the first bad field.
pub fn parse_import_line(v: &Value) -> Result<ImportLine, FieldError> {
    parse_import(&Json::from_value(v))
}

/// Parses one line of an import file: its JSON, then its fields (an error names the first bad
/// one; malformed JSON is the field `line`). The line's strings are read in place, not copied
/// into a `Value` first.
pub fn parse_import_text(text: &str) -> Result<ImportLine, FieldError> {
    let json = Json::parse(text).map_err(|e| FieldError::new("line", format!("malformed JSON: {e}")))?;
    parse_import(&json)
}

fn parse_import(v: &Json) -> Result<ImportLine, FieldError> {
    let obj = v.as_object().ok_or_else(|| FieldError::new("line", "each line must be a JSON object"))?;
    let supplier_v = obj.get("supplier").ok_or_else(|| FieldError::new("supplier", "required"))?;
    let sup = supplier_v.as_object().ok_or_else(|| FieldError::new("supplier", "must be an object"))?;
    let bn_raw = req_str(sup, "business_number", "supplier.business_number", 20)?;
    let business_number = BusinessNumber::parse(&bn_raw).map_err(|e| FieldError::new("supplier.business_number", e.to_string()))?;
    let supplier = SupplierRef {
        name: req_str(sup, "name", "supplier.name", MAX_TEXT)?,
        business_number: business_number.digits().to_owned(),
        size: {
            let s = req_str(sup, "size", "supplier.size", 20)?;
            SupplierSize::parse(&s).ok_or_else(|| FieldError::new("supplier.size", "must be small, medium, midsize or large"))?
        },
    };
    let listing = listing_fields(obj, true)?;
    let status = match obj.get("status") {
        None | Some(Json::Null) => ServiceStatus::Listed,
        Some(Json::Str(s)) => ServiceStatus::parse(s).ok_or_else(|| FieldError::new("status", format!("unknown status {s:?}")))?,
        Some(_) => return Err(FieldError::new("status", "must be a string")),
    };
    Ok(ImportLine { listing, supplier, business_number, status })
}

/// Parses the listing fields of an object. `code` is required when `code_required`.
pub fn parse_listing(obj: &Map<String, Value>, code_required: bool) -> Result<Listing, FieldError> {
    listing_fields(&Object::from_map(obj), code_required)
}

fn listing_fields(obj: &Object, code_required: bool) -> Result<Listing, FieldError> {
    let kind_s = req_str(obj, "kind", "kind", 20)?;
    let kind = ServiceKind::parse(&kind_s)
        .ok_or_else(|| FieldError::new("kind", format!("unknown kind {kind_s:?}; one of iaas, paas, saas, daas, support, convergence")))?;
    let code = match opt_str(obj, "code", "code", 30)? {
        Some(c) => {
            let code = ServiceCode::parse(&c).map_err(|e| FieldError::new("code", e.to_string()))?;
            if code.kind() != kind {
                return Err(FieldError::new("code", format!("prefix {} does not match kind {}", &c[..3], kind.as_str())));
            }
            c
        }
        None if code_required => return Err(FieldError::new("code", "required")),
        None => String::new(),
    };
    let listing = Listing {
        name: req_str(obj, "name", "name", MAX_TEXT)?,
        name_en: opt_str(obj, "name_en", "name_en", MAX_TEXT)?,
        code,
        kind,
        category: req_str(obj, "category", "category", 100)?,
        subcategory: opt_str(obj, "subcategory", "subcategory", 100)?,
        tags: str_list(obj, "tags", 50, MAX_TAGS)?,
        summary: req_str(obj, "summary", "summary", MAX_SUMMARY)?,
        summary_en: opt_str(obj, "summary_en", "summary_en", MAX_SUMMARY)?,
        description: opt_str(obj, "description", "description", MAX_DESCRIPTION)?.unwrap_or_default(),
        price_plans: parse_plans(obj.get("price_plans"))?,
        certification: parse_cert(obj.get("certification"))?,
        integrations: str_list(obj, "integrations", 100, 50)?,
        sla: parse_sla(obj.get("sla"))?,
        data_location: opt_str(obj, "data_location", "data_location", 100)?,
        selected_on: opt_date(obj, "selected_on")?,
        selection_valid_to: opt_date(obj, "selection_valid_to")?,
        catalog_contract: opt_str(obj, "catalog_contract", "catalog_contract", 50)?,
    };
    if let (Some(from), Some(to)) = (listing.selected_on, listing.selection_valid_to)
        && to < from
    {
        return Err(FieldError::new("selection_valid_to", "ends before selected_on"));
    }
    Ok(listing)
}

fn text(v: &Json, field: &str, max: usize) -> Result<String, FieldError> {
    let s = v.as_str().ok_or_else(|| FieldError::new(field, "must be a string"))?;
    let s = s.trim();
    if s.len() > max && s.chars().count() > max {
        return Err(FieldError::new(field, format!("longer than {max} characters")));
    }
    Ok(s.to_owned())
}

fn req_str(obj: &Object, key: &str, field: &str, max: usize) -> Result<String, FieldError> {
    match obj.get(key) {
        None | Some(Json::Null) => Err(FieldError::new(field, "required")),
        Some(v) => {
            let s = text(v, field, max)?;
            if s.is_empty() { Err(FieldError::new(field, "must not be empty")) } else { Ok(s) }
        }
    }
}

fn opt_str(obj: &Object, key: &str, field: &str, max: usize) -> Result<Option<String>, FieldError> {
    match obj.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(v) => {
            let s = text(v, field, max)?;
            Ok(if s.is_empty() { None } else { Some(s) })
        }
    }
}

fn opt_date(obj: &Object, key: &str) -> Result<Option<Date>, FieldError> {
    match opt_str(obj, key, key, 10)? {
        None => Ok(None),
        Some(s) => parse_date(&s).map(Some).ok_or_else(|| FieldError::new(key, "must be a date YYYY-MM-DD")),
    }
}

fn str_list(obj: &Object, key: &str, max_len: usize, max_items: usize) -> Result<Vec<String>, FieldError> {
    let arr = match obj.get(key) {
        None | Some(Json::Null) => return Ok(Vec::new()),
        Some(Json::Array(a)) => a,
        Some(_) => return Err(FieldError::new(key, "must be an array of strings")),
    };
    if arr.len() > max_items {
        return Err(FieldError::new(key, format!("at most {max_items} items")));
    }
    let mut out: Vec<String> = Vec::with_capacity(arr.len());
    for (i, item) in arr.iter().enumerate() {
        // The item's path is made only for an error: most lines have none.
        let s = text(item, key, max_len).map_err(|e| FieldError::new(format!("{key}[{i}]"), e.reason))?;
        if s.is_empty() {
            return Err(FieldError::new(format!("{key}[{i}]"), "must not be empty"));
        }
        if !out.contains(&s) {
            out.push(s);
        }
    }
    Ok(out)
}

fn parse_plans(v: Option<&Json>) -> Result<Vec<PricePlan>, FieldError> {
    let arr = match v {
        None | Some(Json::Null) => return Ok(Vec::new()),
        Some(Json::Array(a)) => a,
        Some(_) => return Err(FieldError::new("price_plans", "must be an array")),
    };
    if arr.len() > MAX_PLANS {
        return Err(FieldError::new("price_plans", format!("at most {MAX_PLANS} plans")));
    }
    arr.iter()
        .enumerate()
        .map(|(i, p)| {
            // Fields are named within the plan; the plan's path is added only to an error.
            parse_plan(p).map_err(|e| {
                let field = if e.field.is_empty() { format!("price_plans[{i}]") } else { format!("price_plans[{i}].{}", e.field) };
                FieldError::new(field, e.reason)
            })
        })
        .collect()
}

/// One price plan; an error names the field within the plan (empty: the plan itself).
fn parse_plan(p: &Json) -> Result<PricePlan, FieldError> {
    let o = p.as_object().ok_or_else(|| FieldError::new("", "must be an object"))?;
    let model_s = req_str(o, "model", "model", 20)?;
    let model = match model_s.as_str() {
        "fixed" => PriceModel::Fixed,
        "metered" => PriceModel::Metered,
        _ => return Err(FieldError::new("model", "must be fixed or metered")),
    };
    let price_v = o.get("unit_price_krw").ok_or_else(|| FieldError::new("unit_price_krw", "required"))?;
    let unit_price_krw = Krw::price_from_json(&price_v.number_value()).map_err(|e| FieldError::new("unit_price_krw", e.to_string()))?;
    let vat_included = match o.get("vat_included") {
        None | Some(Json::Null) => false,
        Some(Json::Bool(b)) => *b,
        Some(_) => return Err(FieldError::new("vat_included", "must be true or false")),
    };
    Ok(PricePlan {
        name: req_str(o, "name", "name", MAX_TEXT)?,
        model,
        unit: req_str(o, "unit", "unit", 50)?,
        unit_price_krw,
        vat_included,
    })
}

fn pct(o: &Object, key: &str, field: &str, min_exclusive: bool) -> Result<Option<f64>, FieldError> {
    match o.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(v) => {
            let x = v.as_f64().ok_or_else(|| FieldError::new(field, "must be a number"))?;
            let low_ok = if min_exclusive { x > 0.0 } else { x >= 0.0 };
            if !low_ok || x > 100.0 {
                return Err(FieldError::new(field, "must be a percentage between 0 and 100"));
            }
            Ok(Some(x))
        }
    }
}

fn parse_sla(v: Option<&Json>) -> Result<Option<Sla>, FieldError> {
    let o = match v {
        None | Some(Json::Null) => return Ok(None),
        Some(Json::Object(o)) => o,
        Some(_) => return Err(FieldError::new("sla", "must be an object")),
    };
    Ok(Some(Sla {
        availability_pct: pct(o, "availability_pct", "sla.availability_pct", true)?,
        support_hours: opt_str(o, "support_hours", "sla.support_hours", 100)?,
        credit_pct: pct(o, "credit_pct", "sla.credit_pct", false)?,
    }))
}

fn parse_cert(v: Option<&Json>) -> Result<Option<Certification>, FieldError> {
    let o = match v {
        None | Some(Json::Null) => return Ok(None),
        Some(Json::Object(o)) => o,
        Some(_) => return Err(FieldError::new("certification", "must be an object or null")),
    };
    let type_s = req_str(o, "type", "certification.type", 20)?;
    let cert_type = CertType::parse(&type_s).ok_or_else(|| {
        FieldError::new("certification.type", format!("unknown type {type_s:?}; one of iaas, standard, simplified, daas, paas"))
    })?;
    let grade_s = req_str(o, "grade", "certification.grade", 20)?;
    let grade = CsapGrade::parse(&grade_s)
        .ok_or_else(|| FieldError::new("certification.grade", format!("unknown grade {grade_s:?}; one of high, medium, low")))?;
    let date = |k: &str| -> Result<Date, FieldError> {
        let f = format!("certification.{k}");
        let s = req_str(o, k, &f, 10)?;
        parse_date(&s).ok_or_else(|| FieldError::new(f, "must be a date YYYY-MM-DD"))
    };
    let valid_from = date("valid_from")?;
    let valid_to = date("valid_to")?;
    if valid_to < valid_from {
        return Err(FieldError::new("certification.valid_to", "ends before valid_from"));
    }
    let revoked = match o.get("revoked") {
        None | Some(Json::Null) => false,
        Some(Json::Bool(b)) => *b,
        Some(_) => return Err(FieldError::new("certification.revoked", "must be true or false")),
    };
    Ok(Some(Certification {
        scheme: opt_str(o, "scheme", "certification.scheme", 50)?.unwrap_or_else(|| "CSAP".into()),
        issuer: opt_str(o, "issuer", "certification.issuer", 100)?,
        cert_type,
        grade,
        number: req_str(o, "number", "certification.number", 100)?,
        valid_from,
        valid_to,
        scope: opt_str(o, "scope", "certification.scope", 500)?,
        host_infra: opt_str(o, "host_infra", "certification.host_infra", MAX_TEXT)?,
        revoked,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn line() -> Value {
        json!({
            "name": "온나라 전자결재 클라우드",
            "name_en": "Onnara e-Approval Cloud",
            "code": "SAS-4-09-10374",
            "supplier": {"name": "구름소프트", "business_number": "220-81-62517", "size": "small"},
            "kind": "saas",
            "category": "전자결재",
            "tags": ["전자결재", "그룹웨어"],
            "summary": "공공기관용 전자결재",
            "description": "행정 전자결재를 클라우드로 제공합니다.",
            "price_plans": [{"name": "기본", "model": "metered", "unit": "사용자/월", "unit_price_krw": 5000}],
            "certification": {"scheme": "CSAP", "type": "standard", "grade": "low", "number": "CSAP-S-2024-01", "valid_from": "2024-01-01", "valid_to": "2028-12-31", "host_infra": "IAS-1-01-00001"},
            "integrations": ["GPKI"],
            "sla": {"availability_pct": 99.9, "support_hours": "24x7", "credit_pct": 10}
        })
    }

    #[test]
    fn parses_a_full_line() {
        let l = parse_import_line(&line()).expect("valid");
        assert_eq!(l.business_number.digits(), "2208162517");
        assert_eq!(l.status, ServiceStatus::Listed);
        assert_eq!(l.listing.price_from(), Some(Krw::new(5000)));
        // the stored form reads back to the same listing
        assert_eq!(Listing::from_json(&l.listing.to_json()).ok(), Some(l.listing.clone()));
        // and the export form parses to the same line
        assert_eq!(parse_import_line(&l.to_value()), Ok(l));
    }

    /// The field named by the error of the line after `mutate`. The line is parsed both as a
    /// `Value` and from its text, which must agree to the letter.
    fn err_field(mutate: impl FnOnce(&mut Map<String, Value>)) -> String {
        let mut v = line();
        if let Value::Object(m) = &mut v {
            mutate(m);
        }
        let from_value = parse_import_line(&v);
        assert_eq!(parse_import_text(&v.to_string()), from_value, "{v}");
        from_value.err().map(|e| e.field).unwrap_or_default()
    }

    #[test]
    fn text_lines_parse_as_their_values() {
        let v = line();
        assert_eq!(parse_import_text(&v.to_string()), parse_import_line(&v));
        assert!(parse_import_text(&v.to_string()).is_ok());
        // Escapes, a repeated key (its last value counts, as in a Value) and spacing.
        let text = r#" {"name": "전자\"결재\u0022", "name": "온나라 \n 결재", "code": "SAS-4-09-10374", "kind": "saas",
            "supplier": {"name": "구름소프트", "business_number": "220-81-62517", "size": "small"},
            "category": "전자결재", "summary": "요약", "price_plans": [{"name": "기본", "model": "fixed", "unit": "월", "unit_price_krw": 5000.0}]} "#;
        let v: Value = serde_json::from_str(text).expect("valid");
        let parsed = parse_import_text(text).expect("valid line");
        assert_eq!(Ok(parsed.clone()), parse_import_line(&v));
        assert_eq!(parsed.listing.name, "온나라 \n 결재");
        assert_eq!(parsed.listing.price_from(), Some(Krw::new(5000)));
        // Not JSON, or not an object.
        let bad = parse_import_text("{\"name\": ").expect_err("malformed");
        assert_eq!(bad.field, "line");
        assert!(bad.reason.starts_with("malformed JSON: "), "{}", bad.reason);
        assert_eq!(parse_import_text("[1]").err().map(|e| e.reason), Some("each line must be a JSON object".into()));
        // Wrong types keep their messages.
        for (key, value, field, reason) in [
            ("name", json!(7), "name", "must be a string"),
            ("tags", json!(["a", 3]), "tags[1]", "must be a string"),
            (
                "price_plans",
                json!([{"name": "a", "model": "fixed", "unit": "u", "unit_price_krw": "5"}]),
                "price_plans[0].unit_price_krw",
                "an amount in won must be a whole number",
            ),
            (
                "price_plans",
                json!([{"name": "a", "model": "fixed", "unit": "u", "unit_price_krw": [5]}]),
                "price_plans[0].unit_price_krw",
                "an amount in won must be a whole number",
            ),
            (
                "price_plans",
                json!([{"name": "a", "model": "fixed", "unit": "u", "unit_price_krw": -5}]),
                "price_plans[0].unit_price_krw",
                "a price cannot be negative",
            ),
            ("price_plans", json!([7]), "price_plans[0]", "must be an object"),
            ("kind", json!("cloud"), "kind", "unknown kind \"cloud\"; one of iaas, paas, saas, daas, support, convergence"),
            ("status", json!(1), "status", "must be a string"),
            ("status", json!("live"), "status", "unknown status \"live\""),
            ("name", json!("  "), "name", "must not be empty"),
            ("name", json!(null), "name", "required"),
            ("summary", json!("가".repeat(2_001)), "summary", "longer than 2000 characters"),
            ("selected_on", json!("2025-2-1"), "selected_on", "must be a date YYYY-MM-DD"),
            ("sla", json!({"availability_pct": "high"}), "sla.availability_pct", "must be a number"),
            ("certification", json!([]), "certification", "must be an object or null"),
        ] {
            let mut v = line();
            v[key] = value;
            let err = parse_import_text(&v.to_string()).expect_err("rejected");
            assert_eq!(Err(err.clone()), parse_import_line(&v));
            assert_eq!((err.field.as_str(), err.reason.as_str()), (field, reason));
        }
        // A key repeated inside a nested object also means its last value.
        let text = line().to_string().replacen("\"grade\":\"low\"", "\"grade\":\"top\",\"grade\":\"low\"", 1);
        assert!(text.contains("\"grade\":\"top\""), "{text}");
        assert_eq!(parse_import_text(&text), parse_import_line(&line()));
        let text = text.replacen("\"grade\":\"low\"", "\"grade\":\"top\"", 1);
        let err = parse_import_text(&text).expect_err("the last grade counts");
        assert_eq!((err.field.as_str(), err.reason.as_str()), ("certification.grade", "unknown grade \"top\"; one of high, medium, low"));
    }

    #[test]
    fn names_the_bad_field() {
        assert_eq!(
            err_field(|m| {
                m.remove("name");
            }),
            "name"
        );
        assert_eq!(
            err_field(|m| {
                m.insert("kind".into(), json!("cloud"));
            }),
            "kind"
        );
        assert_eq!(
            err_field(|m| {
                m.insert("code".into(), json!("IAS-4-09-10374"));
            }),
            "code"
        );
        assert_eq!(
            err_field(|m| {
                m["supplier"]["business_number"] = json!("220-81-62518");
            }),
            "supplier.business_number"
        );
        assert_eq!(
            err_field(|m| {
                m["price_plans"][0]["unit_price_krw"] = json!(-5);
            }),
            "price_plans[0].unit_price_krw"
        );
        assert_eq!(
            err_field(|m| {
                m["certification"]["grade"] = json!("top");
            }),
            "certification.grade"
        );
        assert_eq!(
            err_field(|m| {
                m["certification"]["type"] = json!("gold");
            }),
            "certification.type"
        );
        assert_eq!(
            err_field(|m| {
                m["certification"]["valid_to"] = json!("2023-01-01");
            }),
            "certification.valid_to"
        );
        assert_eq!(
            err_field(|m| {
                m.insert("status".into(), json!("live"));
            }),
            "status"
        );
        assert_eq!(
            err_field(|m| {
                m.insert("tags".into(), json!("a,b"));
            }),
            "tags"
        );
    }
}
