//! The listing form of the supplier's desk: a [`Listing`] as form values and back, as the JSON
//! object the API takes, so the form and `POST`/`PATCH /api/v1/services` validate alike.

use super::words::Words;
use crate::i18n::Lang;
use gureum_domain::listing::PriceModel;
use gureum_domain::{CertType, CsapGrade, Listing, ServiceKind};
use serde_json::{Map, Value, json};

/// The government common systems offered as checkboxes (others already on a listing are kept).
pub const INTEGRATIONS: [&str; 4] = ["GPKI", "모바일공무원증", "행정표준코드", "LDAP"];

/// How many plan rows the form offers at least; one empty row more than the listing has.
const MIN_PLAN_ROWS: usize = 3;
const MAX_PLAN_ROWS: usize = 20;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanRow {
    pub name: String,
    pub model: String,
    pub unit: String,
    pub price: String,
    pub vat: bool,
}

impl PlanRow {
    fn is_empty(&self) -> bool {
        self.name.trim().is_empty() && self.unit.trim().is_empty() && self.price.trim().is_empty()
    }
}

/// Every field of the form as text, as the browser sends it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListingForm {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub kind: String,
    pub category: String,
    pub subcategory: String,
    pub tags: String,
    pub summary: String,
    pub summary_en: String,
    pub description: String,
    pub plans: Vec<PlanRow>,
    pub sla_availability: String,
    pub sla_support: String,
    pub sla_credit: String,
    pub data_location: String,
    pub integrations: Vec<String>,
    pub cert_scheme: String,
    pub cert_type: String,
    pub cert_grade: String,
    pub cert_number: String,
    pub cert_from: String,
    pub cert_to: String,
    pub cert_host: String,
}

fn num(x: f64) -> String {
    let s = format!("{x}");
    s.trim_end_matches(".0").to_owned()
}

impl ListingForm {
    pub fn from_listing(l: &Listing) -> Self {
        let sla = l.sla.as_ref();
        let cert = l.certification.as_ref();
        let mut f = Self {
            code: l.code.clone(),
            name: l.name.clone(),
            name_en: l.name_en.clone().unwrap_or_default(),
            kind: l.kind.as_str().into(),
            category: l.category.clone(),
            subcategory: l.subcategory.clone().unwrap_or_default(),
            tags: l.tags.join(", "),
            summary: l.summary.clone(),
            summary_en: l.summary_en.clone().unwrap_or_default(),
            description: l.description.clone(),
            plans: l
                .price_plans
                .iter()
                .map(|p| PlanRow {
                    name: p.name.clone(),
                    model: p.model.as_str().into(),
                    unit: p.unit.clone(),
                    price: p.unit_price_krw.won().to_string(),
                    vat: p.vat_included,
                })
                .collect(),
            sla_availability: sla.and_then(|s| s.availability_pct).map(num).unwrap_or_default(),
            sla_support: sla.and_then(|s| s.support_hours.clone()).unwrap_or_default(),
            sla_credit: sla.and_then(|s| s.credit_pct).map(num).unwrap_or_default(),
            data_location: l.data_location.clone().unwrap_or_default(),
            integrations: l.integrations.clone(),
            cert_scheme: cert.map(|c| c.scheme.clone()).unwrap_or_default(),
            cert_type: cert.map(|c| c.cert_type.as_str().to_owned()).unwrap_or_default(),
            cert_grade: cert.map(|c| c.grade.as_str().to_owned()).unwrap_or_default(),
            cert_number: cert.map(|c| c.number.clone()).unwrap_or_default(),
            cert_from: cert.map(|c| gureum_domain::clock::format_date(c.valid_from)).unwrap_or_default(),
            cert_to: cert.map(|c| gureum_domain::clock::format_date(c.valid_to)).unwrap_or_default(),
            cert_host: cert.and_then(|c| c.host_infra.clone()).unwrap_or_default(),
        };
        f.pad_plans();
        f
    }

    /// An empty form for a new service.
    pub fn blank() -> Self {
        let mut f = Self { kind: "saas".into(), cert_scheme: "CSAP".into(), ..Self::default() };
        f.pad_plans();
        f
    }

    /// The form as posted (`plan_name_0`, `integration` repeated, …).
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
        let mut plans = Vec::new();
        for i in 0..MAX_PLAN_ROWS {
            let key = |k: &str| format!("plan_{k}_{i}");
            if !pairs.iter().any(|(n, _)| n.ends_with(&format!("_{i}")) && n.starts_with("plan_")) {
                continue;
            }
            plans.push(PlanRow {
                name: get(&key("name")),
                model: get(&key("model")),
                unit: get(&key("unit")),
                price: get(&key("price")),
                vat: !get(&key("vat")).is_empty(),
            });
        }
        let mut f = Self {
            code: get("code"),
            name: get("name"),
            name_en: get("name_en"),
            kind: get("kind"),
            category: get("category"),
            subcategory: get("subcategory"),
            tags: get("tags"),
            summary: get("summary"),
            summary_en: get("summary_en"),
            description: get("description"),
            plans,
            sla_availability: get("sla_availability"),
            sla_support: get("sla_support"),
            sla_credit: get("sla_credit"),
            data_location: get("data_location"),
            integrations: pairs.iter().filter(|(n, v)| n == "integration" && !v.trim().is_empty()).map(|(_, v)| v.clone()).collect(),
            cert_scheme: get("cert_scheme"),
            cert_type: get("cert_type"),
            cert_grade: get("cert_grade"),
            cert_number: get("cert_number"),
            cert_from: get("cert_from"),
            cert_to: get("cert_to"),
            cert_host: get("cert_host"),
        };
        f.pad_plans();
        f
    }

    fn pad_plans(&mut self) {
        let filled = self.plans.iter().rposition(|p| !p.is_empty()).map(|i| i + 1).unwrap_or(0);
        self.plans.truncate(filled);
        let rows = (filled + 1).clamp(MIN_PLAN_ROWS, MAX_PLAN_ROWS);
        while self.plans.len() < rows {
            self.plans.push(PlanRow { model: "fixed".into(), ..PlanRow::default() });
        }
    }

    /// The listing fields as the API takes them; an empty field is `null` (absent, or cleared by
    /// an edit). `with_code`: send the code field (a new service may name its own).
    pub fn to_json(&self, with_code: bool) -> Value {
        fn text(s: &str) -> Value {
            let t = s.trim();
            if t.is_empty() { Value::Null } else { Value::String(t.to_owned()) }
        }
        // A number when it reads as one, else the text, so the parser names the bad field.
        fn number(s: &str, whole: bool) -> Value {
            let t: String = s.trim().chars().filter(|c| *c != ',' && *c != '%').collect();
            if t.is_empty() {
                return Value::Null;
            }
            if whole {
                if let Ok(n) = t.parse::<i64>() {
                    return json!(n);
                }
            } else if let Ok(x) = t.parse::<f64>() {
                return json!(x);
            }
            Value::String(s.trim().to_owned())
        }
        let mut o = Map::new();
        if with_code {
            o.insert("code".into(), text(&self.code));
        }
        for (k, v) in [
            ("name", &self.name),
            ("name_en", &self.name_en),
            ("kind", &self.kind),
            ("category", &self.category),
            ("subcategory", &self.subcategory),
            ("summary", &self.summary),
            ("summary_en", &self.summary_en),
            ("description", &self.description),
            ("data_location", &self.data_location),
        ] {
            o.insert(k.into(), text(v));
        }
        let tags: Vec<Value> = self.tags.split([',', '，']).map(str::trim).filter(|t| !t.is_empty()).map(|t| json!(t)).collect();
        o.insert("tags".into(), Value::Array(tags));
        let plans: Vec<Value> = self
            .plans
            .iter()
            .filter(|p| !p.is_empty())
            .map(|p| {
                json!({"name": text(&p.name), "model": text(&p.model), "unit": text(&p.unit),
                       "unit_price_krw": number(&p.price, true), "vat_included": p.vat})
            })
            .collect();
        o.insert("price_plans".into(), Value::Array(plans));
        let sla = if [&self.sla_availability, &self.sla_support, &self.sla_credit].iter().all(|s| s.trim().is_empty()) {
            Value::Null
        } else {
            json!({"availability_pct": number(&self.sla_availability, false), "support_hours": text(&self.sla_support),
                   "credit_pct": number(&self.sla_credit, false)})
        };
        o.insert("sla".into(), sla);
        let mut integrations: Vec<String> = Vec::new();
        for i in &self.integrations {
            if !integrations.contains(i) {
                integrations.push(i.clone());
            }
        }
        o.insert("integrations".into(), json!(integrations));
        let cert = if self.cert_type.trim().is_empty() {
            Value::Null
        } else {
            let scheme = if self.cert_scheme.trim().is_empty() { json!("CSAP") } else { text(&self.cert_scheme) };
            json!({"scheme": scheme, "type": text(&self.cert_type), "grade": text(&self.cert_grade), "number": text(&self.cert_number),
                   "valid_from": text(&self.cert_from), "valid_to": text(&self.cert_to), "host_infra": text(&self.cert_host)})
        };
        o.insert("certification".into(), cert);
        Value::Object(o)
    }
}

/// One `<option>` of a select.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One integration checkbox.
pub struct Check {
    pub id: String,
    pub value: String,
    pub checked: bool,
}

/// One plan row of the form with its number and pricing choices.
pub struct PlanView {
    pub i: usize,
    pub legend: String,
    pub row: PlanRow,
    pub models: Vec<Opt>,
}

/// The form with the choices its selects and checkboxes offer.
pub struct FormView {
    pub f: ListingForm,
    pub kinds: Vec<Opt>,
    pub plans: Vec<PlanView>,
    pub cert_types: Vec<Opt>,
    pub grades: Vec<Opt>,
    pub integrations: Vec<Check>,
}

impl FormView {
    pub fn new(lang: Lang, f: ListingForm) -> Self {
        let w = Words(lang);
        let kinds = ServiceKind::ALL
            .iter()
            .map(|k| Opt { value: k.as_str().into(), label: lang.kind(*k).into(), selected: f.kind == k.as_str() })
            .collect();
        let plans = f
            .plans
            .iter()
            .enumerate()
            .map(|(i, p)| PlanView {
                i,
                legend: w.t("form.plan.n").replace("{n}", &(i + 1).to_string()),
                row: p.clone(),
                models: [PriceModel::Fixed, PriceModel::Metered]
                    .iter()
                    .map(|m| Opt {
                        value: m.as_str().into(),
                        label: lang.t(if *m == PriceModel::Fixed { "plan.fixed" } else { "plan.metered" }).into(),
                        selected: p.model == m.as_str(),
                    })
                    .collect(),
            })
            .collect();
        let mut cert_types = vec![Opt { value: String::new(), label: w.t("form.cert.none").into(), selected: f.cert_type.is_empty() }];
        cert_types.extend(CertType::ALL.iter().map(|c| Opt {
            value: c.as_str().into(),
            label: lang.cert_type(*c).into(),
            selected: f.cert_type == c.as_str(),
        }));
        let grades = [CsapGrade::High, CsapGrade::Medium, CsapGrade::Low]
            .iter()
            .map(|g| Opt { value: g.as_str().into(), label: lang.grade(*g).into(), selected: f.cert_grade == g.as_str() })
            .collect();
        let mut names: Vec<String> = INTEGRATIONS.iter().map(|s| (*s).to_owned()).collect();
        for i in &f.integrations {
            if !names.contains(i) {
                names.push(i.clone());
            }
        }
        let integrations = names
            .into_iter()
            .enumerate()
            .map(|(i, v)| Check { id: format!("integration-{i}"), checked: f.integrations.contains(&v), value: v })
            .collect();
        Self { f, kinds, plans, cert_types, grades, integrations }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gureum_domain::listing::parse_listing;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
    }

    #[test]
    fn a_posted_form_becomes_a_valid_listing_and_back() {
        let f = ListingForm::from_pairs(&pairs(&[
            ("name", "구름 메일"),
            ("kind", "saas"),
            ("category", "협업"),
            ("tags", "메일, 협업,,그룹웨어"),
            ("summary", "공공기관 메일"),
            ("plan_name_0", "기본"),
            ("plan_model_0", "metered"),
            ("plan_unit_0", "사용자/월"),
            ("plan_price_0", "5,000"),
            ("plan_name_1", ""),
            ("plan_model_1", "fixed"),
            ("sla_availability", "99.9"),
            ("integration", "GPKI"),
            ("integration", "LDAP"),
            ("cert_type", "standard"),
            ("cert_grade", "low"),
            ("cert_number", "CSAP-1"),
            ("cert_from", "2025-01-01"),
            ("cert_to", "2029-12-31"),
        ]));
        let v = f.to_json(true);
        let l = parse_listing(v.as_object().expect("object"), false).expect("valid");
        assert_eq!(l.tags, ["메일", "협업", "그룹웨어"]);
        assert_eq!(l.price_plans.len(), 1);
        assert_eq!(l.price_plans[0].unit_price_krw.won(), 5000);
        assert_eq!(l.integrations, ["GPKI", "LDAP"]);
        assert_eq!(l.certification.as_ref().map(|c| c.scheme.as_str()), Some("CSAP"));
        assert_eq!(l.sla.as_ref().and_then(|s| s.availability_pct), Some(99.9));
        let back = ListingForm::from_listing(&l);
        assert_eq!(back.plans.len(), 3, "one filled row and empty ones");
        assert_eq!(back.sla_availability, "99.9");
        assert_eq!(parse_listing(back.to_json(true).as_object().expect("object"), false).ok(), Some(l));
    }

    #[test]
    fn a_bad_price_is_named_by_the_parser() {
        let f = ListingForm::from_pairs(&pairs(&[
            ("name", "x"),
            ("kind", "saas"),
            ("category", "c"),
            ("summary", "s"),
            ("plan_name_0", "기본"),
            ("plan_model_0", "fixed"),
            ("plan_unit_0", "월"),
            ("plan_price_0", "오천"),
        ]));
        let err = parse_listing(f.to_json(false).as_object().expect("object"), false).err().map(|e| e.field);
        assert_eq!(err.as_deref(), Some("price_plans[0].unit_price_krw"));
    }
}
