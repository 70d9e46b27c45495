//! How the desks show a service's state: status and revision badges, the revision history, and
//! the field-by-field change between the public revision and the open one, in the reader's
//! language.

use super::words::Words;
use crate::i18n::Lang;
use crate::pages::service::pct;
use gureum_app::lifecycle::FieldChange;
use gureum_domain::clock::seoul_minute;
use gureum_domain::listing::{PriceModel, PricePlan, Sla};
use gureum_domain::{Certification, ServiceKind, ServiceStatus};
use gureum_storage::{Revision, RevisionState};
use serde_json::Value;

/// A status as a badge: its label and its KRDS badge class.
pub fn status_badge(lang: Lang, s: ServiceStatus) -> (&'static str, &'static str) {
    let class = match s {
        ServiceStatus::Listed => "success",
        ServiceStatus::Submitted | ServiceStatus::InReview => "primary",
        ServiceStatus::Rejected | ServiceStatus::Suspended | ServiceStatus::Cancelled => "danger",
        ServiceStatus::Expired => "warning",
        ServiceStatus::Draft | ServiceStatus::Withdrawn => "gray",
    };
    (lang.status(s), class)
}

pub fn state_badge(w: Words, s: RevisionState) -> (&'static str, &'static str) {
    let class = match s {
        RevisionState::Listed => "success",
        RevisionState::Submitted | RevisionState::InReview => "primary",
        RevisionState::Rejected => "danger",
        RevisionState::Draft | RevisionState::Superseded => "gray",
    };
    let label = match s {
        RevisionState::Draft => w.t("state.draft"),
        RevisionState::Submitted => w.t("state.submitted"),
        RevisionState::InReview => w.t("state.in_review"),
        RevisionState::Listed => w.t("state.listed"),
        RevisionState::Rejected => w.t("state.rejected"),
        RevisionState::Superseded => w.t("state.superseded"),
    };
    (label, class)
}

/// One revision as a table row.
pub struct RevRow {
    pub label: String,
    pub state: &'static str,
    pub class: &'static str,
    pub created: String,
    pub submitted: String,
    pub decided: String,
    pub reason: String,
}

pub fn rev_rows(w: Words, revisions: &[&Revision]) -> Vec<RevRow> {
    let when = |t: Option<i64>| t.map(seoul_minute).unwrap_or_else(|| "-".into());
    revisions
        .iter()
        .rev()
        .map(|r| {
            let (state, class) = state_badge(w, r.state);
            RevRow {
                label: w.t("rev.n").replace("{n}", &r.revision.to_string()),
                state,
                class,
                created: seoul_minute(r.created_at),
                submitted: when(r.submitted_at),
                decided: when(r.decided_at),
                reason: r.decision_reason.clone().unwrap_or_default(),
            }
        })
        .collect()
}

/// One changed field as a table row: its label, the lines before and after.
pub struct ChangeRow {
    pub label: &'static str,
    pub before: Vec<String>,
    pub after: Vec<String>,
    pub material: bool,
}

pub fn change_rows(w: Words, changes: &[FieldChange]) -> Vec<ChangeRow> {
    changes
        .iter()
        .map(|c| ChangeRow {
            label: w.t(match c.field {
                "code" => "lc.field.code",
                "name" => "lc.field.name",
                "name_en" => "lc.field.name_en",
                "kind" => "lc.field.kind",
                "category" => "lc.field.category",
                "subcategory" => "lc.field.subcategory",
                "tags" => "lc.field.tags",
                "summary" => "lc.field.summary",
                "summary_en" => "lc.field.summary_en",
                "description" => "lc.field.description",
                "price_plans" => "lc.field.price_plans",
                "sla" => "lc.field.sla",
                "data_location" => "lc.field.data_location",
                "integrations" => "lc.field.integrations",
                _ => "lc.field.certification",
            }),
            before: lines(w.0, c.field, c.before.as_ref()),
            after: lines(w.0, c.field, c.after.as_ref()),
            material: c.material,
        })
        .collect()
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() > max { format!("{}…", s.chars().take(max).collect::<String>()) } else { s.to_owned() }
}

/// A field's value as lines of text (empty when absent).
pub fn lines(lang: Lang, field: &str, v: Option<&Value>) -> Vec<String> {
    let Some(v) = v else { return Vec::new() };
    let strings = |v: &Value| -> Vec<String> {
        v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect()).unwrap_or_default()
    };
    match field {
        "kind" => vec![v.as_str().and_then(ServiceKind::parse).map(|k| lang.kind(k).to_owned()).unwrap_or_else(|| v.to_string())],
        "tags" | "integrations" => vec![strings(v).join(", ")],
        "price_plans" => serde_json::from_value::<Vec<PricePlan>>(v.clone())
            .map(|plans| {
                plans
                    .iter()
                    .map(|p| {
                        let model = lang.t(if p.model == PriceModel::Fixed { "plan.fixed" } else { "plan.metered" });
                        let vat = lang.t(if p.vat_included { "plan.vat_included" } else { "plan.vat_excluded" });
                        format!("{} · {model} · {} · {} ({vat})", p.name, p.unit, lang.won(p.unit_price_krw.won()))
                    })
                    .collect()
            })
            .unwrap_or_else(|_| vec![v.to_string()]),
        "sla" => serde_json::from_value::<Sla>(v.clone())
            .map(|s| {
                let mut out = Vec::new();
                if let Some(a) = s.availability_pct {
                    out.push(format!("{} {}", lang.t("sla.availability"), pct(a)));
                }
                if let Some(h) = s.support_hours {
                    out.push(format!("{} {h}", lang.t("sla.support_hours")));
                }
                if let Some(c) = s.credit_pct {
                    out.push(format!("{} {}", lang.t("sla.credit"), pct(c)));
                }
                out
            })
            .unwrap_or_else(|_| vec![v.to_string()]),
        "certification" => serde_json::from_value::<Certification>(v.clone())
            .map(|c| {
                let mut out = vec![format!("{} {} · {} · {}", c.scheme, lang.cert_type(c.cert_type), lang.grade(c.grade), c.number)];
                out.push(format!(
                    "{} ~ {}",
                    gureum_domain::clock::format_date(c.valid_from),
                    gureum_domain::clock::format_date(c.valid_to)
                ));
                if let Some(h) = c.host_infra {
                    out.push(format!("{}: {h}", lang.t("field.host")));
                }
                out
            })
            .unwrap_or_else(|_| vec![v.to_string()]),
        _ => match v.as_str() {
            Some(s) => clip(s, 600).lines().map(str::to_owned).collect(),
            None => vec![v.to_string()],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_read_as_text() {
        let plans = json!([{"name": "기본", "model": "metered", "unit": "사용자/월", "unit_price_krw": 5000, "vat_included": false}]);
        assert_eq!(lines(Lang::Ko, "price_plans", Some(&plans)), ["기본 · 종량 · 사용자/월 · 5,000원 (VAT 별도)"]);
        assert_eq!(lines(Lang::Ko, "tags", Some(&json!(["a", "b"]))), ["a, b"]);
        assert_eq!(lines(Lang::En, "kind", Some(&json!("support"))), ["Support service"]);
        assert_eq!(lines(Lang::Ko, "sla", Some(&json!({"availability_pct": 99.9}))), ["가용성 99.9%"]);
        assert!(lines(Lang::Ko, "name", None).is_empty());
    }
}
