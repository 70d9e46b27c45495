//! The fair order (공정 정렬): ties fall in ascending FNV-1a 64-bit hash of the service id
//! followed by the Asia/Seoul date, so no supplier is always first and every instance agrees.

use time::Date;

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h = OFFSET;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(PRIME);
    }
    h
}

/// The fair-order key of a service on a Seoul date: FNV-1a of `id` then `YYYY-MM-DD`.
pub fn fair_key(service_id: &str, seoul_date: Date) -> u64 {
    let mut h = OFFSET;
    for b in service_id.bytes().chain(crate::clock::format_date(seoul_date).into_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(PRIME);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_vectors() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn key_is_id_then_date() {
        let d = time::macros::date!(2026 - 11 - 23);
        assert_eq!(fair_key("abc", d), fnv1a64(b"abc2026-11-23"));
        assert_ne!(fair_key("abc", d), fair_key("abc", d.next_day().unwrap_or(d)));
    }
}
