//! Open contracting data (OCDS 1.1; docs/API.md "Open data"): the pure mapping from the public
//! facts of one contracting process to its releases, and the compiled release that merges them.
//!
//! A process is a procurement project (구매 사업), a quote request without a project, or a
//! delivery request (납품요구). Each public fact becomes one release, dated when it happened and
//! identified by what it is and the id of the row it comes from, so the same data always gives
//! the same release id, date and content: planning (a project opened), tender (a quote request,
//! a delivery request), award (a decision record's reason and chosen services), contract
//! (signed), contractAmendment (accepted), contractTermination, implementation (a paid invoice
//! as a transaction), tenderUpdate (a refused delivery request). Only public facts go in: names
//! of organisations and their business numbers, services, amounts, dates, reasons recorded for
//! the public record — never a person (officers, e-mails, phones), a draft, a quote that was not
//! taken, or a message between the parties.

use crate::clock::rfc3339_utc;
use serde_json::{Map, Value, json};

/// The OCDS version the packages declare.
pub const VERSION: &str = "1.1";
/// The identifier scheme of Korean business registration numbers (사업자등록번호), org-id.guide's.
pub const BRN_SCHEME: &str = "KR-BRN";
/// The classification scheme of digital-service codes (e.g. `SAS-4-09-10374`).
pub const SERVICE_SCHEME: &str = "KR-DIGITAL-SERVICE";
/// The default ocid prefix (a placeholder until a deployment registers its own).
pub const DEFAULT_PREFIX: &str = "ocds-gureum";
const CURRENCY: &str = "KRW";

/// An organisation as published: its name and, when it has one, its business number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Org {
    /// The organisation's id here (used only when it has no business number).
    pub key: String,
    pub name: String,
    pub business_number: Option<String>,
}

impl Org {
    /// The party id: the business number under its scheme, else this marketplace's own id.
    pub fn party_id(&self) -> String {
        match &self.business_number {
            Some(b) => format!("{BRN_SCHEME}-{}", digits(b)),
            None => format!("GUREUM-{}", self.key),
        }
    }

    fn reference(&self) -> Value {
        json!({"id": self.party_id(), "name": self.name})
    }

    fn party(&self, roles: &[&str]) -> Value {
        let mut o = json!({"id": self.party_id(), "name": self.name, "roles": roles});
        if let Some(b) = &self.business_number {
            o["identifier"] = json!({"scheme": BRN_SCHEME, "id": digits(b), "legalName": self.name});
        }
        o
    }
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// One line: a service's plan, with a unit price once one is agreed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub service_code: String,
    pub service_name: Option<String>,
    pub plan: String,
    /// The meter or unit of the plan, when known.
    pub unit: Option<String>,
    pub quantity: i64,
    pub months: i64,
    pub unit_price_krw: Option<i64>,
}

impl Line {
    fn item(&self, id: String) -> Value {
        let description = match &self.service_name {
            Some(n) => format!("{n} ({}) — {}, {}개월", self.service_code, self.plan, self.months),
            None => format!("{} — {}, {}개월", self.service_code, self.plan, self.months),
        };
        let mut classification = json!({"scheme": SERVICE_SCHEME, "id": self.service_code});
        if let Some(n) = &self.service_name {
            classification["description"] = json!(n);
        }
        let mut unit = json!({"name": self.unit.clone().unwrap_or_else(|| self.plan.clone())});
        if let Some(p) = self.unit_price_krw {
            unit["value"] = money(p);
        }
        json!({"id": id, "description": description, "classification": classification, "quantity": self.quantity, "unit": unit})
    }
}

fn money(krw: i64) -> Value {
    json!({"amount": krw, "currency": CURRENCY})
}

fn items(owner: &str, lines: &[Line]) -> Vec<Value> {
    lines.iter().enumerate().map(|(n, l)| l.item(format!("{owner}-{}", n + 1))).collect()
}

/// A `YYYY-MM-DD` date (Asia/Seoul) as the start or the end of that day.
fn day_start(d: &str) -> String {
    format!("{d}T00:00:00+09:00")
}

fn day_end(d: &str) -> String {
    format!("{d}T23:59:59+09:00")
}

/// How the process buys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// 수의계약: a negotiated direct contract with a selected service.
    Negotiated,
    /// 납품요구: a delivery request against a PPS catalog contract.
    Catalog,
    /// A call-off order under a unit-price contract.
    CallOff,
}

impl Method {
    fn details(self) -> &'static str {
        match self {
            Self::Negotiated => "수의계약 (디지털서비스 전문계약제도; negotiated direct contract)",
            Self::Catalog => "납품요구 (조달청 카탈로그 계약; delivery request under a catalog contract)",
            Self::CallOff => "단가계약 납품요구 (call-off order under a unit-price contract)",
        }
    }
}

/// A contract's published figures at one moment (when signed, or after an amendment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    pub lines: Vec<Line>,
    /// The contract's value: its cap when it has one, else its total.
    pub value_krw: i64,
    pub starts_on: String,
    pub ends_on: String,
}

/// A contract or a confirmed order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractFacts {
    pub id: String,
    /// The award it follows: the decision record's id, else the contract's own.
    pub award_id: String,
    pub suppliers: Vec<Org>,
}

/// One public fact of a process, with the time it happened (microseconds, UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    /// A procurement project opened.
    Planning { project_id: String, title: String, required_grade: Option<String>, at: i64 },
    /// A quote request sent to a supplier.
    Tender { request_id: String, lines: Vec<Line>, starts_on: String, ends_on: String, at: i64 },
    /// The decision record: the reason for the choice and the chosen services.
    Award { record_id: String, reason: String, hash: String, lines: Vec<Line>, suppliers: Vec<Org>, at: i64 },
    /// Both parties accepted the contract text (or the supplier confirmed an order).
    Contract { contract: ContractFacts, terms: Terms, method: Method, at: i64 },
    /// A delivery request placed.
    Order { order_id: String, terms: Terms, method: Method, at: i64 },
    /// A delivery request refused by the supplier.
    OrderRefused { order_id: String, at: i64 },
    /// An amendment accepted by the other party: its reason and the terms after it.
    Amendment { contract: ContractFacts, amendment_id: String, rationale: String, terms: Terms, at: i64 },
    /// The contract ended early.
    Termination { contract: ContractFacts, at: i64 },
    /// An invoice paid: a transaction from the buyer to the supplier.
    Payment { contract: ContractFacts, invoice_id: String, paid_on: String, amount_krw: i64, payee: Org, at: i64 },
}

impl Fact {
    pub fn at(&self) -> i64 {
        match self {
            Self::Planning { at, .. }
            | Self::Tender { at, .. }
            | Self::Award { at, .. }
            | Self::Contract { at, .. }
            | Self::Order { at, .. }
            | Self::OrderRefused { at, .. }
            | Self::Amendment { at, .. }
            | Self::Termination { at, .. }
            | Self::Payment { at, .. } => *at,
        }
    }

    /// The release id: what the fact is and the id of the row it comes from.
    pub fn release_id(&self) -> String {
        match self {
            Self::Planning { project_id, .. } => format!("planning-{project_id}"),
            Self::Tender { request_id, .. } => format!("tender-{request_id}"),
            Self::Award { record_id, .. } => format!("award-{record_id}"),
            Self::Contract { contract, .. } => format!("contract-{}", contract.id),
            Self::Order { order_id, .. } => format!("order-{order_id}"),
            Self::OrderRefused { order_id, .. } => format!("refusal-{order_id}"),
            Self::Amendment { amendment_id, .. } => format!("amendment-{amendment_id}"),
            Self::Termination { contract, .. } => format!("termination-{}", contract.id),
            Self::Payment { invoice_id, .. } => format!("payment-{invoice_id}"),
        }
    }

    /// Where the fact stands in a process, to order facts of the same instant (planning first,
    /// the end last); the feed orders by the same.
    pub fn rank(&self) -> u8 {
        match self {
            Self::Planning { .. } => 0,
            Self::Tender { .. } | Self::Order { .. } => 1,
            Self::Award { .. } => 2,
            Self::Contract { .. } | Self::OrderRefused { .. } => 3,
            Self::Amendment { .. } => 4,
            Self::Payment { .. } => 5,
            Self::Termination { .. } => 6,
        }
    }

    /// The release's tags.
    pub fn tags(&self) -> Vec<&'static str> {
        match self {
            Self::Planning { .. } => vec!["planning"],
            Self::Tender { .. } | Self::Order { .. } => vec!["tender"],
            Self::Award { .. } => vec!["award"],
            // a contract without a decision record carries its award with it
            Self::Contract { contract, .. } if contract.award_id == contract.id => vec!["award", "contract"],
            Self::Contract { .. } => vec!["contract"],
            Self::OrderRefused { .. } => vec!["tenderUpdate"],
            Self::Amendment { .. } => vec!["contractAmendment"],
            Self::Termination { .. } => vec!["contractTermination"],
            Self::Payment { .. } => vec!["implementation"],
        }
    }
}

/// A contracting process: its ocid, its buyer and its public facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    pub ocid: String,
    /// The id of the tender (the project's, the quote request's or the order's).
    pub tender_id: String,
    pub buyer: Org,
    pub facts: Vec<Fact>,
}

/// The ocid of a process: the prefix, `-`, and the id of the row that opened it.
pub fn ocid(prefix: &str, id: &str) -> String {
    format!("{prefix}-{id}")
}

/// The id in an ocid of this prefix, if it is one.
pub fn ocid_id<'a>(prefix: &str, ocid: &'a str) -> Option<&'a str> {
    ocid.strip_prefix(prefix)?.strip_prefix('-').filter(|s| !s.is_empty())
}

impl Process {
    /// Every release of the process in date order (ties by [`Fact::rank`], then release id).
    pub fn releases(&self) -> Vec<Value> {
        let mut facts: Vec<&Fact> = self.facts.iter().collect();
        facts.sort_by_key(|f| (f.at(), f.rank(), f.release_id()));
        facts.into_iter().map(|f| self.release(f)).collect()
    }

    /// The release of one fact.
    pub fn release(&self, fact: &Fact) -> Value {
        let buyer = &self.buyer;
        let mut parties = vec![buyer.party(&["buyer", "procuringEntity", "payer"])];
        let mut r = Map::new();
        r.insert("ocid".into(), json!(self.ocid));
        r.insert("id".into(), json!(fact.release_id()));
        r.insert("date".into(), json!(rfc3339_utc(fact.at())));
        r.insert("tag".into(), json!(fact.tags()));
        r.insert("initiationType".into(), json!("tender"));
        r.insert("language".into(), json!("ko"));
        r.insert("buyer".into(), buyer.reference());
        let tender_id = self.tender_id.clone();
        let add_suppliers = |parties: &mut Vec<Value>, orgs: &[Org]| {
            for o in orgs {
                let id = o.party_id();
                if !parties.iter().any(|p| p["id"] == json!(id)) {
                    parties.push(o.party(&["supplier", "payee"]));
                }
            }
        };
        match fact {
            Fact::Planning { title, required_grade, .. } => {
                let mut t = json!({"id": tender_id, "title": title, "status": "planning", "mainProcurementCategory": "services",
                    "procuringEntity": buyer.reference()});
                if let Some(g) = required_grade {
                    t["eligibilityCriteria"] =
                        json!(format!("유효한 CSAP 보안인증 등급 {g} 이상 (a valid CSAP certification of grade {g} or higher)"));
                }
                r.insert("tender".into(), t);
            }
            Fact::Tender { request_id, lines, starts_on, ends_on, .. } => {
                r.insert(
                    "tender".into(),
                    json!({"id": tender_id, "status": "active", "procurementMethod": "direct",
                        "procurementMethodDetails": Method::Negotiated.details(), "mainProcurementCategory": "services",
                        "procuringEntity": buyer.reference(), "items": items(&format!("request-{request_id}"), lines),
                        "contractPeriod": {"startDate": day_start(starts_on), "endDate": day_end(ends_on)}}),
                );
            }
            Fact::Order { order_id, terms, method, .. } => {
                r.insert(
                    "tender".into(),
                    json!({"id": tender_id, "status": "active", "procurementMethod": "direct",
                        "procurementMethodDetails": method.details(), "mainProcurementCategory": "services",
                        "procuringEntity": buyer.reference(), "items": items(&format!("order-{order_id}"), &terms.lines),
                        "value": money(terms.value_krw),
                        "contractPeriod": {"startDate": day_start(&terms.starts_on), "endDate": day_end(&terms.ends_on)}}),
                );
            }
            Fact::OrderRefused { .. } => {
                r.insert("tender".into(), json!({"id": tender_id, "status": "unsuccessful"}));
            }
            Fact::Award { record_id, reason, hash, lines, suppliers, at } => {
                add_suppliers(&mut parties, suppliers);
                r.insert("tender".into(), json!({"id": tender_id, "status": "complete"}));
                r.insert(
                    "awards".into(),
                    json!([{"id": record_id, "title": "결정 기록 (decision record)", "description": reason, "status": "active",
                        "date": rfc3339_utc(*at), "suppliers": suppliers.iter().map(Org::reference).collect::<Vec<_>>(),
                        "items": items(&format!("award-{record_id}"), lines),
                        "documents": [{"id": format!("decision-record-{record_id}"), "documentType": "evaluationReports",
                            "title": "결정 기록 해시 (decision record hash)",
                            "description": format!("SHA-256 of the decision record's RFC 8785 JSON: {hash}"), "language": "ko"}]}]),
                );
            }
            Fact::Contract { contract, terms, method, at } => {
                add_suppliers(&mut parties, &contract.suppliers);
                if contract.award_id == contract.id {
                    r.insert(
                        "awards".into(),
                        json!([{"id": contract.award_id, "status": "active", "date": rfc3339_utc(*at), "value": money(terms.value_krw),
                            "suppliers": contract.suppliers.iter().map(Org::reference).collect::<Vec<_>>(),
                            "items": items(&format!("contract-{}", contract.id), &terms.lines),
                            "contractPeriod": period(terms)}]),
                    );
                }
                if *method != Method::Negotiated {
                    r.insert("tender".into(), json!({"id": tender_id, "status": "complete"}));
                }
                let mut c = contract_terms(contract, terms);
                c["status"] = json!("active");
                c["dateSigned"] = json!(rfc3339_utc(*at));
                r.insert("contracts".into(), json!([c]));
            }
            Fact::Amendment { contract, amendment_id, rationale, terms, at } => {
                add_suppliers(&mut parties, &contract.suppliers);
                let mut c = contract_terms(contract, terms);
                c["amendments"] = json!([{"id": amendment_id, "date": rfc3339_utc(*at), "rationale": rationale,
                    "description": format!("변경계약: 계약기간 {}~{}, 계약금액 {}원", terms.starts_on, terms.ends_on, terms.value_krw)}]);
                r.insert("contracts".into(), json!([c]));
            }
            Fact::Termination { contract, at } => {
                add_suppliers(&mut parties, &contract.suppliers);
                r.insert(
                    "contracts".into(),
                    json!([{"id": contract.id, "awardID": contract.award_id, "status": "terminated",
                        "period": {"endDate": rfc3339_utc(*at)}}]),
                );
            }
            Fact::Payment { contract, invoice_id, paid_on, amount_krw, payee, .. } => {
                add_suppliers(&mut parties, &contract.suppliers);
                add_suppliers(&mut parties, std::slice::from_ref(payee));
                r.insert(
                    "contracts".into(),
                    json!([{"id": contract.id, "awardID": contract.award_id, "implementation": {"transactions": [{
                        "id": invoice_id, "date": day_start(paid_on),
                        "value": money(*amount_krw), "payer": buyer.reference(), "payee": payee.reference()}]}}]),
                );
            }
        }
        r.insert("parties".into(), json!(parties));
        Value::Object(r)
    }

    /// The record of the process: every release and the compiled release.
    pub fn record(&self) -> Value {
        let releases = self.releases();
        let compiled = compile(&releases);
        json!({"ocid": self.ocid, "releases": releases, "compiledRelease": compiled})
    }
}

fn period(t: &Terms) -> Value {
    json!({"startDate": day_start(&t.starts_on), "endDate": day_end(&t.ends_on)})
}

fn contract_terms(c: &ContractFacts, t: &Terms) -> Value {
    json!({"id": c.id, "awardID": c.award_id, "period": period(t), "value": money(t.value_krw),
        "items": items(&format!("contract-{}", c.id), &t.lines)})
}

/// The compiled release: the releases merged in date order by OCDS 1.1's merge rules for what
/// these releases hold — objects merge field by field, arrays of objects with an `id` merge
/// item by item on it, any other value (arrays of text included) is replaced by the newer one;
/// `id`, `date` and `tag` are the compiled release's own. `releases` must be in date order.
pub fn compile(releases: &[Value]) -> Value {
    let mut out = Value::Object(Map::new());
    for r in releases {
        merge(&mut out, r);
    }
    if let Some(o) = out.as_object_mut() {
        let ocid = o.get("ocid").and_then(Value::as_str).unwrap_or_default().to_owned();
        o.insert("id".into(), json!(format!("{ocid}-compiled")));
        o.insert("tag".into(), json!(["compiled"]));
        if let Some(last) = releases.last() {
            o.insert("date".into(), last["date"].clone());
        }
    }
    out
}

fn merge(into: &mut Value, from: &Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(k) {
                    Some(existing) if v.is_object() && existing.is_object() => merge(existing, v),
                    Some(existing) if is_id_list(v) && is_id_list(existing) => merge_by_id(existing, v),
                    _ => {
                        if !v.is_null() {
                            a.insert(k.clone(), v.clone());
                        } else {
                            a.remove(k);
                        }
                    }
                }
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

fn is_id_list(v: &Value) -> bool {
    v.as_array().is_some_and(|a| !a.is_empty() && a.iter().all(|x| x.get("id").is_some()))
}

fn merge_by_id(into: &mut Value, from: &Value) {
    let (Some(a), Some(b)) = (into.as_array_mut(), from.as_array()) else { return };
    for item in b {
        match a.iter_mut().find(|x| x.get("id") == item.get("id")) {
            Some(existing) => merge(existing, item),
            None => a.push(item.clone()),
        }
    }
}

/// A package's publisher, uri and dates around its releases or records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageMeta {
    pub uri: String,
    pub publisher_name: String,
    pub publisher_uri: String,
    /// The package's date: that of its newest release, so the same data gives the same package.
    pub published_at: i64,
}

impl PackageMeta {
    fn base(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("uri".into(), json!(self.uri));
        m.insert("version".into(), json!(VERSION));
        m.insert("publishedDate".into(), json!(rfc3339_utc(self.published_at)));
        m.insert("publisher".into(), json!({"name": self.publisher_name, "uri": self.publisher_uri}));
        m.insert("license".into(), json!("https://creativecommons.org/licenses/by/4.0/"));
        m
    }
}

/// A release package; `next` is the address of the following page, when there is one.
pub fn release_package(meta: &PackageMeta, releases: Vec<Value>, next: Option<String>) -> Value {
    let mut m = meta.base();
    m.insert("releases".into(), Value::Array(releases));
    if let Some(n) = next {
        m.insert("links".into(), json!({"next": n}));
    }
    Value::Object(m)
}

/// A record package of one or more processes.
pub fn record_package(meta: &PackageMeta, records: Vec<Value>) -> Value {
    let mut m = meta.base();
    m.insert("records".into(), Value::Array(records));
    Value::Object(m)
}

/// The newest release date of a list (microseconds), for a package's date.
pub fn newest(facts: &[&Fact]) -> Option<i64> {
    facts.iter().map(|f| f.at()).max()
}

#[cfg(test)]
mod tests;
