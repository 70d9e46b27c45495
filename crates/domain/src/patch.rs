//! JSON merge patch (RFC 7396): how an edit of a listing names only the fields it changes
//! (docs/RULES.md#editing).

use serde_json::{Map, Value};

/// Applies `patch` to `target`: an object patch merges member by member (`null` removes a
/// member, anything else is merged into it), any other patch replaces the target whole.
///
/// As the RFC says, an object patch applied to something that is not an object applies to an
/// empty object, so the patch's `null`s never end up in the result at any depth.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(members) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(t) = target {
        for (k, v) in members {
            if v.is_null() {
                t.remove(k);
            } else {
                merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn patched(mut target: Value, patch: Value) -> Value {
        merge_patch(&mut target, &patch);
        target
    }

    /// The examples of RFC 7396, appendix A.
    #[test]
    fn the_rfc_examples() {
        let cases = [
            (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
            (json!({"a": "b"}), json!({"b": "c"}), json!({"a": "b", "b": "c"})),
            (json!({"a": "b"}), json!({"a": null}), json!({})),
            (json!({"a": "b", "b": "c"}), json!({"a": null}), json!({"b": "c"})),
            (json!({"a": ["b"]}), json!({"a": "c"}), json!({"a": "c"})),
            (json!({"a": "c"}), json!({"a": ["b"]}), json!({"a": ["b"]})),
            (json!({"a": {"b": "c"}}), json!({"a": {"b": "d", "c": null}}), json!({"a": {"b": "d"}})),
            (json!({"a": [{"b": "c"}]}), json!({"a": [1]}), json!({"a": [1]})),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (json!({"a": "b"}), json!(["c"]), json!(["c"])),
            (json!({"a": "foo"}), json!(null), json!(null)),
            (json!({"a": "foo"}), json!("bar"), json!("bar")),
            (json!({"e": null}), json!({"a": 1}), json!({"e": null, "a": 1})),
            (json!([1, 2]), json!({"a": "b", "c": null}), json!({"a": "b"})),
            (json!({}), json!({"a": {"bb": {"ccc": null}}}), json!({"a": {"bb": {}}})),
        ];
        for (target, patch, expected) in cases {
            assert_eq!(patched(target.clone(), patch.clone()), expected, "{target} + {patch}");
        }
    }

    #[test]
    fn a_listing_edit() {
        let listing = json!({"name": "구름", "tags": ["결재"], "sla": {"availability_pct": 99.9, "credit_pct": 10}, "certification": null});
        let edit = json!({"tags": ["결재", "협업"], "sla": {"credit_pct": null}, "name_en": "Gureum"});
        assert_eq!(
            patched(listing, edit),
            json!({"name": "구름", "name_en": "Gureum", "tags": ["결재", "협업"], "sla": {"availability_pct": 99.9}, "certification": null})
        );
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            (-5i64..5).prop_map(Value::from),
            "[a-c]{0,2}".prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
                proptest::collection::btree_map("[a-d]", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn has_null_member(v: &Value) -> bool {
        match v {
            Value::Object(m) => m.values().any(|x| x.is_null() || has_null_member(x)),
            _ => false,
        }
    }

    proptest! {
        /// Applying a patch twice is applying it once.
        #[test]
        fn idempotent(target in json_value(), patch in json_value()) {
            let once = patched(target, patch.clone());
            prop_assert_eq!(patched(once.clone(), patch), once);
        }

        /// An empty object changes nothing in an object.
        #[test]
        fn the_empty_patch(target in json_value()) {
            if target.is_object() {
                prop_assert_eq!(patched(target.clone(), json!({})), target);
            }
        }

        /// What the patch names is what the result has; what it does not name is untouched.
        #[test]
        fn members_follow_the_patch(target in json_value(), patch in json_value()) {
            let result = patched(target.clone(), patch.clone());
            match (&patch, &result) {
                (Value::Object(p), Value::Object(r)) => {
                    for (k, v) in p {
                        if v.is_null() {
                            prop_assert!(!r.contains_key(k));
                        } else {
                            prop_assert!(r.contains_key(k));
                            if !v.is_object() {
                                prop_assert_eq!(&r[k], v);
                            }
                        }
                    }
                    if let Value::Object(t) = &target {
                        for (k, v) in t {
                            if !p.contains_key(k) {
                                prop_assert_eq!(r.get(k), Some(v));
                            }
                        }
                    }
                    // The patch's nulls are instructions, never values.
                    if !target.is_object() {
                        prop_assert!(!has_null_member(&result));
                    }
                }
                (Value::Object(_), other) => prop_assert!(false, "an object patch gave {}", other),
                _ => prop_assert_eq!(&result, &patch),
            }
        }
    }
}
