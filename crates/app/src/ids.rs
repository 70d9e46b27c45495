//! Ids in paths: UUIDs written hyphenated (8-4-4-4-12 hex digits), as the OpenAPI document's
//! pattern says; anything else is 400 `invalid_id` at every door, never a 404.

/// The id in lower case (the form the database stores) when `raw` is a hyphenated UUID.
pub fn hyphenated_uuid(raw: &str) -> Option<String> {
    let ok = raw.len() == 36
        && raw.bytes().enumerate().all(|(i, b)| if matches!(i, 8 | 13 | 18 | 23) { b == b'-' } else { b.is_ascii_hexdigit() });
    ok.then(|| raw.to_ascii_lowercase())
}

/// A new random id (UUID v4, hyphenated) for a record.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_hyphenated_form_is_an_id() {
        assert_eq!(hyphenated_uuid("0190F5C2-7B1E-7D3A-9C4E-2A1B3C4D5E6F").as_deref(), Some("0190f5c2-7b1e-7d3a-9c4e-2a1b3c4d5e6f"));
        for bad in
            ["0190f5c27b1e7d3a9c4e2a1b3c4d5e6f", "{0190f5c2-7b1e-7d3a-9c4e-2a1b3c4d5e6f}", "0190f5c2-7b1e-7d3a-9c4e-2a1b3c4d5e6g", ""]
        {
            assert_eq!(hyphenated_uuid(bad), None, "{bad}");
        }
    }
}
