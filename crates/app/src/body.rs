//! Reading a JSON request body field by field, with one kind of answer for every use case: a body
//! that is not an object is 400 `invalid_body`; a field of the wrong shape is 400 `invalid_field`
//! whose message starts with the field's name (so a form can point at it).

use crate::error::{Code, Error, Result};
use serde_json::{Map, Value};
use time::Date;

/// A request body's fields.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a>(pub &'a Map<String, Value>);

/// 400 `invalid_field` naming `key`.
pub fn bad(key: &str, what: &str) -> Error {
    Error::new(Code::InvalidField, format!("{key}: {what}"))
}

/// A JSON number that is a whole number, as JSON Schema's `integer` means it: `12` and `12.0`
/// alike (within the range a double holds exactly); `12.5`, text or anything else is not.
fn whole(v: &Value) -> Option<i64> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    v.as_i64().or_else(|| v.as_f64().filter(|f| f.fract() == 0.0 && f.abs() <= EXACT).map(|f| f as i64))
}

impl<'a> Fields<'a> {
    pub fn of(body: &'a Value) -> Result<Self> {
        body.as_object().map(Fields).ok_or_else(|| Error::new(Code::InvalidBody, "the body must be a JSON object"))
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    /// A whole number; absent or null is `None`.
    pub fn int(&self, key: &str) -> Result<Option<i64>> {
        self.get(key).map(|v| whole(v).ok_or_else(|| bad(key, "a whole number"))).transpose()
    }

    pub fn string(&self, key: &str) -> Result<Option<&'a str>> {
        self.get(key).map(|v| v.as_str().ok_or_else(|| bad(key, "text"))).transpose()
    }

    /// A YYYY-MM-DD date.
    pub fn date(&self, key: &str) -> Result<Option<Date>> {
        self.string(key)?.map(|s| parse_date(s).ok_or_else(|| bad(key, "a date such as 2027-01-31"))).transpose()
    }

    pub fn array(&self, key: &str) -> Result<Option<&'a Vec<Value>>> {
        self.get(key).map(|v| v.as_array().ok_or_else(|| bad(key, "a list"))).transpose()
    }

    /// A nested object.
    pub fn object(&self, key: &str) -> Result<Option<Fields<'a>>> {
        self.get(key).map(|v| v.as_object().map(Fields).ok_or_else(|| bad(key, "an object"))).transpose()
    }

    /// A list of texts.
    pub fn strings(&self, key: &str) -> Result<Option<Vec<&'a str>>> {
        self.array(key)?.map(|a| a.iter().map(|v| v.as_str().ok_or_else(|| bad(key, "a list of texts"))).collect()).transpose()
    }
}

/// `v` or 400 `invalid_field`: "KEY: required".
pub fn required<T>(v: Option<T>, key: &str) -> Result<T> {
    v.ok_or_else(|| bad(key, "required"))
}

/// Each element of a list as an object, or 400 naming `key[n]`.
pub fn objects<'a>(list: &'a [Value], key: &str) -> Result<Vec<Fields<'a>>> {
    list.iter().enumerate().map(|(n, v)| v.as_object().map(Fields).ok_or_else(|| bad(&format!("{key}[{n}]"), "an object"))).collect()
}

pub use gureum_domain::clock::{format_date, parse_date};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_are_read_or_refused_by_name() {
        let v = json!({"n": 3, "s": "x", "d": "2027-02-28", "bad_d": "2027-02-30", "l": [1], "f": 1.5, "null": null});
        let f = Fields::of(&v).expect("object");
        assert_eq!(f.int("n").ok().flatten(), Some(3));
        assert_eq!(f.int("null").ok().flatten(), None);
        assert!(f.int("f").is_err_and(|e| e.code == Code::InvalidField && e.message.starts_with("f:")));
        assert_eq!(f.string("s").ok().flatten(), Some("x"));
        assert!(f.string("n").is_err());
        assert_eq!(f.date("d").ok().flatten().map(format_date).as_deref(), Some("2027-02-28"));
        assert!(f.date("bad_d").is_err_and(|e| e.message.starts_with("bad_d:")));
        assert!(f.array("l").is_ok_and(|l| l.is_some()));
        assert!(required(f.int("missing").ok().flatten(), "missing").is_err_and(|e| e.message == "missing: required"));
        assert!(Fields::of(&json!([1])).is_err_and(|e| e.code == Code::InvalidBody));
        assert!(objects(&[json!(1)], "items").is_err_and(|e| e.message.starts_with("items[0]:")));
    }

    #[test]
    fn a_whole_number_may_be_written_with_a_zero_fraction() {
        let body = serde_json::json!({"a": 12, "b": 12.0, "c": 12.5, "d": "12", "e": -3.0, "f": 1e300, "g": null});
        let f = Fields::of(&body).expect("an object");
        assert_eq!(f.int("a").expect("whole"), Some(12));
        assert_eq!(f.int("b").expect("whole"), Some(12));
        assert_eq!(f.int("e").expect("whole"), Some(-3));
        for k in ["c", "d", "f"] {
            assert!(f.int(k).is_err(), "{k}");
        }
        assert_eq!(f.int("g").expect("null is absent"), None);
        assert_eq!(f.int("h").expect("absent"), None);
    }
}
