//! RFC 8785 JSON Canonicalization Scheme (JCS) for `serde_json::Value`: object members sorted by
//! their UTF-16 code units, no insignificant white space, ECMAScript number and string forms.

use serde_json::Value;
use std::fmt::Write;

pub fn canonical_json(v: &Value) -> String {
    let mut out = String::new();
    write_value(v, &mut out);
    out
}

pub(crate) fn write_value(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            // serde_json's map is already in byte order, which the stable sort finds in one pass.
            entries.sort_by(|a, b| utf16_order(a.0, b.0));
            out.push('{');
            for (i, (k, val)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_value(val, out);
            }
            out.push('}');
        }
    }
}

/// Writes one JSON object in canonical form straight into text, for records too large to build
/// as a `Value` first. Members must be given in canonical order (by their keys' UTF-16 code
/// units; for ASCII keys, byte order) — checked in debug builds — with values written by
/// [`write_string`], [`ObjectWriter::int`] or nested writers.
pub struct ObjectWriter<'o> {
    out: &'o mut String,
    last: Option<&'static str>,
}

impl<'o> ObjectWriter<'o> {
    pub fn new(out: &'o mut String) -> Self {
        out.push('{');
        Self { out, last: None }
    }

    /// Starts the member `key` and returns the text to write its value into.
    pub fn key(&mut self, key: &'static str) -> &mut String {
        debug_assert!(self.last.is_none_or(|last| utf16_order(last, key).is_lt()), "{key} after {:?}", self.last);
        if self.last.is_some() {
            self.out.push(',');
        }
        self.last = Some(key);
        write_string(key, self.out);
        self.out.push(':');
        self.out
    }

    pub fn str(&mut self, key: &'static str, value: &str) {
        write_string(value, self.key(key));
    }

    pub fn int(&mut self, key: &'static str, value: i64) {
        let _ = write!(self.key(key), "{value}");
    }

    pub fn finish(self) {
        self.out.push('}');
    }
}

/// The order of two keys by their UTF-16 code units (for ASCII keys, their bytes').
fn utf16_order(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() { a.cmp(b) } else { a.encode_utf16().cmp(b.encode_utf16()) }
}

fn write_number(n: &serde_json::Number, out: &mut String) {
    if let Some(i) = n.as_i64() {
        let _ = write!(out, "{i}");
    } else if let Some(u) = n.as_u64() {
        let _ = write!(out, "{u}");
    } else if let Some(f) = n.as_f64() {
        out.push_str(&es_number(f));
    }
}

/// ECMAScript `Number.prototype.toString` for finite doubles. Rust's shortest round-trip digits
/// are the same digits; only the exponent form differs, which ES uses outside [1e-6, 1e21).
pub fn es_number(f: f64) -> String {
    if f == 0.0 {
        return "0".into();
    }
    let a = f.abs();
    if (1e-6..1e21).contains(&a) {
        return format!("{f}");
    }
    // Rust: "1.5e22" / "1e-7"; ES: "1.5e+22" / "1e-7"
    let s = format!("{f:e}");
    match s.split_once('e') {
        Some((mant, exp)) if !exp.starts_with('-') => format!("{mant}e+{exp}"),
        _ => s,
    }
}

/// Writes `s` as a JSON string in canonical form.
pub fn write_string(s: &str, out: &mut String) {
    out.push('"');
    // Runs of bytes that need no escape are copied whole (every byte of a multi-byte character is
    // >= 0x80, so only ASCII bytes are ever escaped).
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            0x0c => "\\f",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            b if b < 0x20 => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{:04x}", b);
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_object_written_member_by_member_is_canonical() {
        let tricky = "줄\n바꿈 \"인용\" \\ \u{1} \u{7f} €";
        let mut out = String::new();
        let mut o = ObjectWriter::new(&mut out);
        o.str("a", tricky);
        o.int("b", -42);
        {
            let items = o.key("c");
            items.push('[');
            let mut inner = ObjectWriter::new(items);
            inner.int("x", i64::MAX);
            inner.str("y", "");
            inner.finish();
            items.push(']');
        }
        o.finish();
        assert_eq!(out, canonical_json(&json!({"c": [{"y": "", "x": i64::MAX}], "b": -42, "a": tricky})));
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "after")]
    fn members_out_of_order_are_refused() {
        let mut out = String::new();
        let mut o = ObjectWriter::new(&mut out);
        o.int("b", 1);
        o.int("a", 2);
    }

    #[test]
    fn sorts_and_compacts() {
        let v = json!({"b": 1, "a": [true, null, "x"], "가": {"z": 1.5, "y": "줄\n바꿈"}});
        assert_eq!(canonical_json(&v), r#"{"a":[true,null,"x"],"b":1,"가":{"y":"줄\n바꿈","z":1.5}}"#);
    }

    #[test]
    fn rfc8785_examples() {
        // From RFC 8785 §3.2.3 (sorting by UTF-16 code units).
        let v: Value = serde_json::from_str(
            r#"{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}"#,
        )
        .expect("valid json");
        let keys: Vec<String> = {
            let s = canonical_json(&v);
            let back: serde_json::Map<String, Value> = serde_json::from_str(&s).expect("valid");
            let _ = back;
            s.split("\":\"").map(|p| p.to_owned()).collect()
        };
        assert!(keys[0].starts_with("{\"\\r"));
        let s = canonical_json(&v);
        let order = ["\\r", "1", "\u{80}", "\u{f6}", "\u{20ac}", "\u{1f600}", "\u{fb33}"];
        let mut last = 0;
        for k in order {
            let pos = s.find(&format!("\"{k}\":")).expect("key present");
            assert!(pos >= last, "{k} out of order in {s}");
            last = pos;
        }
    }

    #[test]
    fn escapes() {
        assert_eq!(canonical_json(&json!("a\"b\\c\u{1}\u{8}\u{c}\n\r\t줄 끝\u{7f}")), "\"a\\\"b\\\\c\\u0001\\b\\f\\n\\r\\t줄 끝\u{7f}\"");
    }

    #[test]
    fn numbers() {
        assert_eq!(es_number(99.95), "99.95");
        assert_eq!(es_number(100.0), "100");
        assert_eq!(es_number(1e21), "1e+21");
        assert_eq!(es_number(1e-7), "1e-7");
        assert_eq!(es_number(-0.0), "0");
        assert_eq!(canonical_json(&json!(-5)), "-5");
    }
}
