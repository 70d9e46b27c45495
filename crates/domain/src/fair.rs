//! The fair order (공정 정렬, docs/RULES.md#fair-order): services without another order, and
//! ties in every order, fall in ascending `fmix64(FNV-1a-64(id ‖ date))` of the service id's
//! text followed by the Asia/Seoul date as `YYYY-MM-DD`. Every instance computes the same key,
//! so pages agree; the date changes it completely every day, so no supplier is always first.
//!
//! FNV-1a alone is not enough: the date ends the hashed text, so two consecutive days (one last
//! digit apart) differ through a single multiplication, which leaves the high bits that the
//! order compares first nearly as they were: the order barely moved from one day to the next.
//! MurmurHash3's finaliser spreads every input bit over the whole key.

use time::Date;

/// FNV-1a 64's initial state (its offset basis).
pub const FNV1A64_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV1A64_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a 64 of `bytes`.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    fnv1a64_extend(FNV1A64_OFFSET, bytes)
}

/// Continues an FNV-1a 64 hash whose state is `state` over more bytes: the hash of `a ‖ b` is
/// `fnv1a64_extend(fnv1a64(a), b)`, so a caller can hash a fixed prefix once.
pub fn fnv1a64_extend(mut state: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        state ^= u64::from(*b);
        state = state.wrapping_mul(FNV1A64_PRIME);
    }
    state
}

/// MurmurHash3's 64-bit finaliser: a bijection on 64-bit numbers in which each input bit flips
/// about half of the output bits.
pub fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^= k >> 33;
    k
}

/// The fair key from the FNV-1a state after the service id (see [`fnv1a64_extend`]) and the
/// date's text: for a caller that hashes each id once and each date once.
pub fn fair_key_from_state(id_state: u64, seoul_date: &str) -> u64 {
    fmix64(fnv1a64_extend(id_state, seoul_date.as_bytes()))
}

/// The fair-order key of a service on a Seoul date.
pub fn fair_key(service_id: &str, seoul_date: Date) -> u64 {
    fair_key_from_state(fnv1a64(service_id.as_bytes()), &crate::clock::format_date(seoul_date))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn fnv_reference_vectors() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
        assert_eq!(fnv1a64_extend(fnv1a64(b"foo"), b"bar"), fnv1a64(b"foobar"));
    }

    #[test]
    fn fmix64_reference_vectors() {
        // 0 is its own image: every step of the finaliser keeps 0.
        assert_eq!(fmix64(0), 0);
        // fmix64(1), step by step:
        //   k ^= k >> 33            1 >> 33 = 0                       k = 0x0000000000000001
        //   k *= 0xff51afd7ed558ccd 1 × c = c                         k = 0xff51afd7ed558ccd
        //   k ^= k >> 33            k >> 33 = 0xff51afd7 >> 1 = 0x7fa8d7eb; 0xed558ccd ^ 0x7fa8d7eb = 0x92fd5b26
        //                                                             k = 0xff51afd792fd5b26
        //   k *= 0xc4ceb9fe1a85ec53 (mod 2^64)                        k = 0xb456bcfc6ee99552
        //   k ^= k >> 33            k >> 33 = 0xb456bcfc >> 1 = 0x5a2b5e7e; 0x6ee99552 ^ 0x5a2b5e7e = 0x34c2cb2c
        //                                                             k = 0xb456bcfc34c2cb2c
        assert_eq!(fmix64(1), 0xb456bcfc34c2cb2c);
        assert_eq!(fmix64(0xcbf29ce484222325), 0xefd01f60ba992926);
    }

    #[test]
    fn key_is_fmix_of_fnv_of_id_then_date() {
        let d = date!(2026 - 11 - 23);
        assert_eq!(fair_key("abc", d), fmix64(fnv1a64(b"abc2026-11-23")));
        assert_eq!(fnv1a64(b"abc2026-11-23"), 0x26d2d3df3577fa9e);
        assert_eq!(fair_key("abc", d), 0x87d9834d6499a6e4);
        assert_ne!(fair_key("abc", d), fair_key("abc", d.next_day().unwrap_or(d)));
        assert_eq!(fair_key_from_state(fnv1a64(b"abc"), "2026-11-23"), fair_key("abc", d));
    }

    /// Flipping one bit of the input flips about half of the key's 64 bits, on average over
    /// many inputs: what makes two days (or two ids) a whole shuffle apart.
    #[test]
    fn one_bit_moves_half_the_key() {
        let mut flipped = 0u64;
        let mut n = 0u64;
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..2_000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            for bit in [0, 7, 31, 63] {
                flipped += u64::from((fmix64(x) ^ fmix64(x ^ (1 << bit))).count_ones());
                n += 1;
            }
        }
        let mean = flipped as f64 / n as f64;
        assert!((30.0..34.0).contains(&mean), "mean bits flipped {mean}");
    }

    proptest! {
        /// A bijection: different inputs never share a key.
        #[test]
        fn fmix64_is_injective(a in any::<u64>(), b in any::<u64>()) {
            prop_assert_eq!(fmix64(a) == fmix64(b), a == b);
        }

        #[test]
        fn extend_is_concatenation(a in proptest::collection::vec(any::<u8>(), 0..40), b in proptest::collection::vec(any::<u8>(), 0..40)) {
            let whole: Vec<u8> = a.iter().chain(&b).copied().collect();
            prop_assert_eq!(fnv1a64_extend(fnv1a64(&a), &b), fnv1a64(&whole));
        }
    }
}
