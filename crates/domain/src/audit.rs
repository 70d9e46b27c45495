//! The append-only, hash-chained audit log (감사 기록): the rules for one event's hash.
//!
//! `hash = SHA-256(previous hash (hex) || canonical JSON of the event without its hash)`; the
//! first event's previous hash is the empty string. A change to any stored field of any event
//! changes its hash and breaks every later link, which `verify` detects.

use crate::canonical::canonical_json;
use serde_json::{Value, json};
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
    /// The canonical JSON that is hashed (everything but the hash itself).
    pub fn canonical(&self) -> String {
        canonical_json(&json!({
            "seq": self.seq,
            "at": crate::clock::rfc3339_utc(self.at),
            "actor": self.actor,
            "organisation": self.organisation,
            "action": self.action,
            "entity_kind": self.entity_kind,
            "entity_id": self.entity_id,
            "before": self.before,
            "after": self.after,
            "request_id": self.request_id,
        }))
    }

    pub fn chain_hash(&self, previous_hash: &str) -> String {
        let mut h = Sha256::new();
        h.update(previous_hash.as_bytes());
        h.update(self.canonical().as_bytes());
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
