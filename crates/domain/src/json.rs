//! A JSON value that borrows its strings from the text it was read from: what the field-by-field
//! parsers of [`listing`](crate::listing) read. An import line read into a `serde_json::Value`
//! costs a `String` for every key and every value and a map node for every object, all freed
//! again a moment later; read into this, a line without escapes allocates only its objects' and
//! arrays' member lists.
//!
//! It reads what `serde_json::Value` reads, with the same rules where they could differ: a key
//! given twice in one object means its last value, numbers keep serde_json's integer or float
//! form, and the same nesting limit and error messages apply. One difference: with serde_json's
//! `raw_value` feature on (sqlx turns it on), a `Value` reads an object whose first key is
//! serde_json's private raw-value token as the JSON text of its value; this reads it as the
//! ordinary object it is. A `Value` can be viewed as one too ([`Json::from_value`]), so API
//! bodies go through the same parsers.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::borrow::Cow;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    Number(Number),
    Str(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Object<'a>),
}

/// An object's members in the order written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Object<'a>(Vec<(Cow<'a, str>, Json<'a>)>);

impl<'a> Object<'a> {
    /// The value of `key`; of its last occurrence when it is given more than once.
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// A view of a `serde_json` object.
    pub fn from_map(map: &'a Map<String, Value>) -> Self {
        Object(map.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), Json::from_value(v))).collect())
    }
}

impl<'a> Json<'a> {
    /// Reads one JSON text; strings without escapes are borrowed from it.
    pub fn parse(text: &'a str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// A view of a `serde_json` value (its strings borrowed).
    pub fn from_value(v: &'a Value) -> Self {
        match v {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Number(n.clone()),
            Value::String(s) => Json::Str(Cow::Borrowed(s)),
            Value::Array(a) => Json::Array(a.iter().map(Json::from_value).collect()),
            Value::Object(m) => Json::Object(Object::from_map(m)),
        }
    }

    pub fn as_object(&self) -> Option<&Object<'a>> {
        match self {
            Json::Object(o) => Some(o),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// As `serde_json::Value::as_f64`.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    /// The `serde_json::Value` of a number (what the money rules read); `Null` for anything
    /// else, which those rules refuse as not a number just as they refuse the value itself.
    pub fn number_value(&self) -> Value {
        match self {
            Json::Number(n) => Value::Number(n.clone()),
            _ => Value::Null,
        }
    }
}

/// A string, borrowed when the text holds it without escapes.
struct CowStr<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for CowStr<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct StrVisitor;
        impl<'de> Visitor<'de> for StrVisitor {
            type Value = CowStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(s)))
            }
        }
        d.deserialize_str(StrVisitor)
    }
}

impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Self::Value, E> {
        Ok(Json::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
        Ok(Json::Number(n.into()))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
        Ok(Json::Number(n.into()))
    }

    fn visit_f64<E: de::Error>(self, x: f64) -> Result<Self::Value, E> {
        // As serde_json's own Value: a number that is not finite is read as null.
        Ok(Number::from_f64(x).map_or(Json::Null, Json::Number))
    }

    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Json::Str(Cow::Borrowed(s)))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Json::Str(Cow::Owned(s.to_owned())))
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<Self::Value, E> {
        Ok(Json::Str(Cow::Owned(s)))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Json::Null)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Json::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Json::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some(CowStr(key)) = map.next_key()? {
            members.push((key, map.next_value()?));
        }
        Ok(Json::Object(Object(members)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_like_serde_json() {
        let text = r#"{"a": "가\"b", "n": [1, -2, 3.5, 18446744073709551615, 1e300], "o": {"t": true, "z": null}, "a": "last"}"#;
        let j = Json::parse(text).expect("valid");
        let o = j.as_object().expect("object");
        assert_eq!(o.get("a").and_then(Json::as_str), Some("last"), "a repeated key means its last value, as in Value");
        let v: Value =
            serde_json::from_str(r#"{"n": [1, -2, 3.5, 18446744073709551615, 1e300], "o": {"t": true, "z": null}}"#).expect("valid");
        let expect = Json::from_value(&v);
        let expect = expect.as_object().expect("object");
        assert_eq!(o.get("o"), expect.get("o"));
        assert_eq!(o.get("n"), expect.get("n"));
        // A number out of range is refused, as by Value.
        assert_eq!(
            Json::parse("[1e400]").err().map(|e| e.to_string()),
            serde_json::from_str::<Value>("[1e400]").err().map(|e| e.to_string())
        );
        // Strings without escapes are borrowed, with escapes owned.
        let j = Json::parse(r#"["plain", "esc\n"]"#).expect("valid");
        let Json::Array(items) = j else { panic!("array") };
        assert!(matches!(items[0], Json::Str(Cow::Borrowed("plain"))));
        assert!(matches!(&items[1], Json::Str(Cow::Owned(s)) if s == "esc\n"));
        // The same nesting limit and error messages.
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert_eq!(Json::parse(&deep).err().map(|e| e.to_string()), serde_json::from_str::<Value>(&deep).err().map(|e| e.to_string()));
        assert_eq!(
            Json::parse("{\"a\": tru}").err().map(|e| e.to_string()),
            serde_json::from_str::<Value>("{\"a\": tru}").err().map(|e| e.to_string())
        );
    }

    fn arb_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-1e12f64..1e12).prop_map(Value::from),
            "[a-z가-힣\"\\\\\n ]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec(("[a-c]{1,2}", inner), 0..6).prop_map(|members| Value::Object(members.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Whatever serde_json writes reads back as the view of the same `Value`.
        #[test]
        fn parsing_text_equals_viewing_its_value(v in arb_value()) {
            let text = v.to_string();
            let parsed = Json::parse(&text).expect("serde_json's own output");
            let back: Value = serde_json::from_str(&text).expect("valid");
            prop_assert_eq!(parsed, Json::from_value(&back));
        }
    }
}
