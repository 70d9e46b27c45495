//! What changed between two revisions of a listing, field by field, and whether the change is
//! material, i.e. goes through review again (docs/RULES.md#material-change).

use crate::listing::Listing;
use serde_json::{Map, Value};

/// The listing fields a change is reported on, in the order pages show them.
pub const DIFF_FIELDS: [&str; 15] = [
    "code",
    "name",
    "name_en",
    "kind",
    "category",
    "subcategory",
    "tags",
    "summary",
    "summary_en",
    "description",
    "price_plans",
    "sla",
    "data_location",
    "integrations",
    "certification",
];

/// One field that differs between two revisions.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub field: &'static str,
    pub before: Option<Value>,
    pub after: Option<Value>,
    /// A change that goes through review again: a price increase, a lower SLA, a new or
    /// changed certification or host, another kind (and with it another code).
    pub material: bool,
}

/// A field's value when it says something: absent, null, `[]` and `""` are all "not given".
fn present(v: Option<&Value>) -> Option<&Value> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::Array(a)) if a.is_empty() => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(v) => Some(v),
    }
}

/// Whether buying costs more under `new`: a plan of the same name got dearer, changed its
/// model or unit, or stopped including VAT; or the lowest price rose or disappeared.
pub fn price_increased(old: &Listing, new: &Listing) -> bool {
    let plan_up = new.price_plans.iter().any(|np| {
        old.price_plans.iter().find(|op| op.name == np.name).is_some_and(|op| {
            np.unit_price_krw > op.unit_price_krw || np.model != op.model || np.unit != op.unit || (op.vat_included && !np.vat_included)
        })
    });
    let from_up = match (old.price_from(), new.price_from()) {
        (Some(a), Some(b)) => b > a,
        (Some(_), None) => true,
        _ => false,
    };
    plan_up || from_up
}

/// Whether `new` promises less: a lower availability or outage credit, or one no longer given.
pub fn sla_lowered(old: &Listing, new: &Listing) -> bool {
    let Some(o) = &old.sla else { return false };
    let n = new.sla.as_ref();
    let lower = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => b < a,
        (Some(_), None) => true,
        _ => false,
    };
    lower(o.availability_pct, n.and_then(|s| s.availability_pct)) || lower(o.credit_pct, n.and_then(|s| s.credit_pct))
}

/// Whether a change of `field` (from `old`, `None` for a first listing, to `new`) is material.
pub fn field_material(field: &str, old: Option<&Listing>, new: &Listing) -> bool {
    match field {
        "kind" | "certification" | "code" => true,
        "price_plans" => old.is_some_and(|o| price_increased(o, new)),
        "sla" => old.is_some_and(|o| sla_lowered(o, new)),
        _ => false,
    }
}

/// The fields that differ between `base` (the public revision; `None` for a first listing)
/// and `new`, in [`DIFF_FIELDS`] order.
pub fn diff(base: Option<&Listing>, new: &Listing) -> Vec<FieldChange> {
    let empty = Value::Object(Map::new());
    let a = base.map(|l| serde_json::to_value(l).unwrap_or(Value::Null)).unwrap_or_else(|| empty.clone());
    let b = serde_json::to_value(new).unwrap_or(empty);
    DIFF_FIELDS
        .iter()
        .filter_map(|f| {
            let before = present(a.get(*f));
            let after = present(b.get(*f));
            if before == after {
                return None;
            }
            Some(FieldChange { field: f, before: before.cloned(), after: after.cloned(), material: field_material(f, base, new) })
        })
        .collect()
}

/// Whether `new` needs review again against `base`; a first listing always does.
pub fn is_material(base: Option<&Listing>, new: &Listing) -> bool {
    base.is_none() || diff(base, new).iter().any(|c| c.material)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listing::parse_listing;
    use crate::patch::merge_patch;
    use proptest::prelude::*;
    use serde_json::json;

    fn listing(v: Value) -> Listing {
        parse_listing(v.as_object().expect("object"), false).expect("valid listing")
    }

    fn base() -> Value {
        json!({
            "name": "온나라 전자결재", "code": "SAS-4-09-10374", "kind": "saas", "category": "전자결재", "summary": "전자결재",
            "tags": ["결재"],
            "price_plans": [{"name": "기본", "model": "metered", "unit": "사용자/월", "unit_price_krw": 5000}],
            "sla": {"availability_pct": 99.9, "credit_pct": 10},
            "certification": {"type": "standard", "grade": "low", "number": "C-1", "valid_from": "2024-01-01", "valid_to": "2028-12-31"}
        })
    }

    fn with(patch: Value) -> Listing {
        let mut v = base();
        merge_patch(&mut v, &patch);
        listing(v)
    }

    fn plan(price: i64) -> Value {
        json!([{"name": "기본", "model": "metered", "unit": "사용자/월", "unit_price_krw": price}])
    }

    #[test]
    fn a_price_decrease_or_a_new_tag_is_not_material() {
        let old = listing(base());
        let new = with(json!({"tags": ["결재", "그룹웨어"], "price_plans": plan(4000)}));
        let d = diff(Some(&old), &new);
        assert_eq!(d.iter().map(|c| c.field).collect::<Vec<_>>(), ["tags", "price_plans"]);
        assert!(d.iter().all(|c| !c.material));
        assert_eq!(d[0].before, Some(json!(["결재"])));
        assert_eq!(d[0].after, Some(json!(["결재", "그룹웨어"])));
        assert!(!is_material(Some(&old), &new));
        assert!(!is_material(Some(&old), &with(json!({"description": "고침"}))));
        assert!(!is_material(Some(&old), &with(json!({"name": "새 이름", "summary_en": "E-approval"}))));
    }

    #[test]
    fn material_changes() {
        let old = listing(base());
        let up = with(json!({"price_plans": plan(6000)}));
        assert!(is_material(Some(&old), &up));
        assert!(is_material(Some(&old), &with(json!({"sla": {"availability_pct": 99.5}}))));
        assert!(!is_material(Some(&old), &with(json!({"sla": {"availability_pct": 99.95}}))));
        assert!(is_material(Some(&old), &with(json!({"sla": {"credit_pct": 5}}))), "a lower outage credit");
        assert!(is_material(Some(&old), &with(json!({"sla": null}))));
        assert!(is_material(Some(&old), &with(json!({"certification": {"grade": "medium"}}))));
        assert!(is_material(Some(&old), &with(json!({"certification": {"host_infra": "IAS-1-01-00001"}}))));
        assert!(is_material(Some(&old), &with(json!({"kind": "paas", "code": "PAS-4-09-10374"}))));
        assert!(is_material(None, &old), "a first listing is always reviewed");
        let d = diff(Some(&old), &up);
        assert_eq!(d.len(), 1);
        assert!(d[0].material);
    }

    #[test]
    fn prices_that_rise_in_other_ways() {
        let old = listing(base());
        let other_unit = json!([{"name": "기본", "model": "metered", "unit": "기관/월", "unit_price_krw": 5000}]);
        assert!(price_increased(&old, &with(json!({"price_plans": other_unit}))), "another unit");
        let fixed = json!([{"name": "기본", "model": "fixed", "unit": "사용자/월", "unit_price_krw": 5000}]);
        assert!(price_increased(&old, &with(json!({"price_plans": fixed}))), "another model");
        assert!(price_increased(&old, &with(json!({"price_plans": null}))), "no price any more");
        let vat_in = with(
            json!({"price_plans": [{"name": "기본", "model": "metered", "unit": "사용자/월", "unit_price_krw": 5000, "vat_included": true}]}),
        );
        assert!(!price_increased(&old, &vat_in), "VAT now included at the same price is cheaper");
        assert!(price_increased(&vat_in, &old), "VAT no longer included");
        let renamed = json!([{"name": "표준", "model": "metered", "unit": "사용자/월", "unit_price_krw": 5000}]);
        assert!(!price_increased(&old, &with(json!({"price_plans": renamed}))), "a renamed plan at the same price");
        let no_sla = with(json!({"sla": null}));
        assert!(!sla_lowered(&no_sla, &old), "an SLA given where there was none");
    }

    #[test]
    fn empty_values_are_absent() {
        let old = listing(base());
        let new = with(json!({"tags": [], "description": ""}));
        let d = diff(Some(&old), &new);
        assert_eq!(d.iter().map(|c| c.field).collect::<Vec<_>>(), ["tags"]);
        assert_eq!((d[0].before.clone(), d[0].after.clone()), (Some(json!(["결재"])), None));
    }

    fn a_listing() -> impl Strategy<Value = Listing> {
        (
            proptest::sample::select(vec!["saas", "paas", "iaas"]),
            proptest::sample::select(vec!["전자결재", "보안", "협업"]),
            proptest::collection::vec(proptest::sample::select(vec!["결재", "보안", "AI"]), 0..3),
            proptest::option::of(0i64..20_000),
            proptest::option::of((90.0f64..100.0, 0.0f64..30.0)),
            any::<bool>(),
            proptest::option::of("[a-z]{0,6}"),
        )
            .prop_map(|(kind, category, tags, price, sla, certified, desc)| {
                let mut v = json!({"name": "서비스", "kind": kind, "category": category, "summary": "요약", "tags": tags});
                if let Some(p) = price {
                    v["price_plans"] = plan(p);
                }
                if let Some((a, c)) = sla {
                    v["sla"] = json!({"availability_pct": a, "credit_pct": c});
                }
                if certified {
                    v["certification"] =
                        json!({"type": "standard", "grade": "low", "number": "C-1", "valid_from": "2024-01-01", "valid_to": "2028-12-31"});
                }
                if let Some(d) = desc {
                    v["description"] = json!(d);
                }
                listing(v)
            })
    }

    proptest! {
        #[test]
        fn nothing_changed_is_no_change(l in a_listing()) {
            prop_assert!(diff(Some(&l), &l).is_empty());
            prop_assert!(!is_material(Some(&l), &l));
        }

        /// The same fields differ whichever way round, in the page order, each once.
        #[test]
        fn fields_differ_both_ways_in_order(a in a_listing(), b in a_listing()) {
            let ab: Vec<&str> = diff(Some(&a), &b).iter().map(|c| c.field).collect();
            let ba: Vec<&str> = diff(Some(&b), &a).iter().map(|c| c.field).collect();
            prop_assert_eq!(&ab, &ba);
            let order: Vec<usize> = ab.iter().filter_map(|f| DIFF_FIELDS.iter().position(|d| d == f)).collect();
            prop_assert_eq!(order.len(), ab.len());
            prop_assert!(order.windows(2).all(|w| w[0] < w[1]));
            for c in diff(Some(&a), &b) {
                prop_assert_ne!(&c.before, &c.after);
            }
        }

        /// Material exactly when a material field changed; a first listing always is.
        #[test]
        fn material_is_any_material_field(a in a_listing(), b in a_listing()) {
            let d = diff(Some(&a), &b);
            prop_assert_eq!(is_material(Some(&a), &b), d.iter().any(|c| c.material));
            prop_assert!(is_material(None, &b));
            if a.kind != b.kind || a.certification != b.certification {
                prop_assert!(is_material(Some(&a), &b));
            }
            for c in &d {
                prop_assert_eq!(c.material, field_material(c.field, Some(&a), &b));
            }
        }

        /// One plan's price: up is material, down or equal is not.
        #[test]
        fn a_price_is_material_only_when_it_rises(p in 0i64..1_000_000, q in 0i64..1_000_000) {
            let old = with(json!({"price_plans": plan(p)}));
            let new = with(json!({"price_plans": plan(q)}));
            prop_assert_eq!(is_material(Some(&old), &new), q > p);
        }
    }
}
