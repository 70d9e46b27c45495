//! The append-only, hash-chained audit log (감사 기록): the rules for one event's hash.
//!
//! `hash = SHA-256(previous hash (hex) || canonical JSON of the event without its hash)`; the
//! first event's previous hash is the empty string. A change to any stored field of any event
//! changes its hash and breaks every later link, which `verify` detects.

use crate::canonical::{write_string, write_value};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Who did it: a user id, or `cli` / `system`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub seq: i64,
    /// Microseconds since the epoch, UTC.
    pub at: i64,
    pub actor: String,
    pub organisation: Option<String>,
    pub action: String,
    pub entity_kind: String,
    pub entity_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub request_id: Option<String>,
}

impl AuditEvent {
    /// The canonical JSON that is hashed (everything but the hash itself): RFC 8785 of the
    /// object below, written member by member in its sorted order, so an import batch's large
    /// `after` is read in place instead of copied into a new object first.
    pub fn canonical(&self) -> String {
        self.canonical_with(None)
    }

    /// The same, with `after_text` — the canonical JSON text of the event's after, written as
    /// text by a caller too large to build it as a `Value` — in place of `after`.
    pub fn canonical_with(&self, after_text: Option<&str>) -> String {
        enum Member<'a> {
            Text(&'a str),
            OptText(Option<&'a str>),
            OptValue(Option<&'a Value>),
            Raw(&'a str),
            Int(i64),
        }
        let at = crate::clock::rfc3339_utc(self.at);
        let after = match after_text {
            Some(text) => Member::Raw(text),
            None => Member::OptValue(self.after.as_ref()),
        };
        // In RFC 8785 order (these keys are ASCII: byte order).
        let members = [
            ("action", Member::Text(&self.action)),
            ("actor", Member::Text(&self.actor)),
            ("after", after),
            ("at", Member::Text(&at)),
            ("before", Member::OptValue(self.before.as_ref())),
            ("entity_id", Member::Text(&self.entity_id)),
            ("entity_kind", Member::Text(&self.entity_kind)),
            ("organisation", Member::OptText(self.organisation.as_deref())),
            ("request_id", Member::OptText(self.request_id.as_deref())),
            ("seq", Member::Int(self.seq)),
        ];
        let mut out = String::with_capacity(256);
        for (i, (key, member)) in members.into_iter().enumerate() {
            out.push(if i == 0 { '{' } else { ',' });
            write_string(key, &mut out);
            out.push(':');
            match member {
                Member::Text(s) | Member::OptText(Some(s)) => write_string(s, &mut out),
                Member::OptValue(Some(v)) => write_value(v, &mut out),
                Member::Raw(text) => out.push_str(text),
                Member::OptText(None) | Member::OptValue(None) => out.push_str("null"),
                Member::Int(n) => out.push_str(&n.to_string()),
            }
        }
        out.push('}');
        out
    }

    pub fn chain_hash(&self, previous_hash: &str) -> String {
        self.chain_hash_with(previous_hash, None)
    }

    /// The hash with the after given as canonical text (see [`AuditEvent::canonical_with`]).
    pub fn chain_hash_with(&self, previous_hash: &str, after_text: Option<&str>) -> String {
        let mut h = Sha256::new();
        h.update(previous_hash.as_bytes());
        h.update(self.canonical_with(after_text).as_bytes());
        hex::encode(h.finalize())
    }
}

/// SHA-256 of a string, hex-encoded (content digests of listings and import lines).
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical::canonical_json;
    use serde_json::json;

    /// The canonical form as first defined: RFC 8785 of this object. Stored chains were hashed
    /// with it, so the member-by-member writer must give the same bytes.
    fn canonical_as_object(e: &AuditEvent) -> String {
        canonical_json(&json!({
            "seq": e.seq,
            "at": crate::clock::rfc3339_utc(e.at),
            "actor": e.actor,
            "organisation": e.organisation,
            "action": e.action,
            "entity_kind": e.entity_kind,
            "entity_id": e.entity_id,
            "before": e.before,
            "after": e.after,
            "request_id": e.request_id,
        }))
    }

    #[test]
    fn canonical_form_is_unchanged() {
        let mut e = event(7);
        assert_eq!(e.canonical(), canonical_as_object(&e));
        e.organisation = Some("기관 \"1\"".into());
        e.request_id = Some("req\n2".into());
        e.before = Some(json!({"b": [1, 2.5, null], "a": {"가": true, "\u{20ac}": "x", "\r": -3}}));
        e.after = None;
        e.seq = -1;
        assert_eq!(e.canonical(), canonical_as_object(&e));
        // and the hash of the rule written out by hand (SHA-256 of the canonical text, computed outside Rust)
        assert_eq!(event(1).chain_hash(""), "7b70f271aa1c9cb16c55c2d8ba9c412ca9c34a233db6ed9818421b50b6b4cdd5");
    }

    fn event(seq: i64) -> AuditEvent {
        AuditEvent {
            seq,
            at: 1_700_000_000_000_000,
            actor: "cli".into(),
            organisation: None,
            action: "service.import".into(),
            entity_kind: "service".into(),
            entity_id: "x".into(),
            before: None,
            after: Some(json!({"name": "전자결재"})),
            request_id: None,
        }
    }

    #[test]
    fn an_after_given_as_canonical_text_hashes_as_its_value() {
        let mut e = event(3);
        let after = json!({"lines": [{"code": "SAS-1", "line": 7}], "source": "파일 \"1\".jsonl"});
        e.after = Some(after.clone());
        let by_value = e.chain_hash("prev");
        e.after = None;
        assert_eq!(e.chain_hash_with("prev", Some(&canonical_json(&after))), by_value);
        assert_ne!(e.chain_hash_with("prev", Some("{}")), by_value);
    }

    #[test]
    fn chain_detects_any_change() {
        let h1 = event(1).chain_hash("");
        let h2 = event(2).chain_hash(&h1);
        assert_eq!(h1.len(), 64);
        assert_ne!(event(2).chain_hash("0"), h2);
        let mut altered = event(2);
        altered.after = Some(json!({"name": "전자 결재"}));
        assert_ne!(altered.chain_hash(&h1), h2);
        assert_eq!(event(2).chain_hash(&h1), h2, "deterministic");
    }
}
