//! Per-segment arrays read from fast fields once and reused by every search: the columns the
//! collector reads for every matching document (status, kind, SME, category), and, per date,
//! the fair-order key (docs/RULES.md#fair-order) and the certification facts valid that day.
//!
//! Segments are immutable (deletes live in a separate alive bitset), so an entry keyed by the
//! segment id stays correct for the segment's life; entries of segments that left the index
//! are dropped when a search sees they are gone.

use crate::bits::Bits;
use crate::dense::DenseTerms;
use crate::orders::{Orders, fair_order};
use crate::schema::{self, col};
use crate::values::ValueBits;
use gureum_domain::clock::{format_date, from_epoch_day};
use gureum_domain::fair::{FNV1A64_OFFSET, fair_key_from_state, fnv1a64};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicI64, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex, PoisonError};
use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::{DocId, Searcher, SegmentReader};

/// Bit set in [`Daily::cert`] when the own certificate is valid that day.
pub const CERTIFIED: u8 = 0b100;
/// Mask of the effective-grade code (0 none, 1 low, 2 medium, 3 high) in [`Daily::cert`].
pub const GRADE_MASK: u8 = 0b011;

/// Date-independent arrays of one segment, indexed by doc id.
pub struct Static {
    /// Bits 0–2 kind code, bit 3 SME, bits 4–7 status code.
    pub packed: Vec<u8>,
    /// Category ordinal in `categories`, or `u32::MAX` when none.
    pub category: Vec<u32>,
    /// The segment's category names by ordinal (sorted).
    pub categories: Vec<String>,
    /// The FNV-1a state after the service id's bytes: the part of the fair key that does not
    /// change with the date, hashed once per segment.
    id_state: Vec<u64>,
    /// The text fields' dense posting lists as bitsets.
    pub dense: DenseTerms,
    /// The documents in the order of each column sort.
    pub orders: Orders,
}

/// Arrays of one segment for one Seoul date.
pub struct Daily {
    /// Ascending fair-order key.
    pub fair: Vec<u64>,
    /// Each key's highest byte (64 documents a cache line, where `fair` holds 8): the ranking
    /// compares a document tied with the page's last on this first.
    pub fair_hi: Vec<u8>,
    /// Everything the collector filters and counts on, one word a document (see [`word`]).
    pub word: Vec<u32>,
    /// The same, as a bitset per value.
    pub values: ValueBits,
    /// The documents in the fair order of that day.
    pub by_fair: Vec<u32>,
}

/// The layout of [`Daily::word`]: bits 0–2 kind code, bit 3 SME, bits 4–7 status code, bits
/// 8–10 [`CERTIFIED`] | effective grade that day, bits 11–31 the category ordinal
/// ([`word::NO_CATEGORY`] when none).
pub mod word {
    /// The low bits a lookup table is indexed by (kind, SME, status, certification).
    pub const LOW_BITS: u32 = 11;
    pub const LOW_MASK: u32 = (1 << LOW_BITS) - 1;
    pub const NO_CATEGORY: u32 = (1 << (32 - LOW_BITS)) - 1;

    pub fn pack(packed: u8, cert: u8, category: u32) -> u32 {
        u32::from(packed) | (u32::from(cert & 0b111) << 8) | (category.min(NO_CATEGORY) << LOW_BITS)
    }

    pub fn kind(w: u32) -> u8 {
        (w & 0b111) as u8
    }

    pub fn sme(w: u32) -> bool {
        w & 0b1000 != 0
    }

    pub fn status(w: u32) -> u8 {
        ((w >> 4) & 0b1111) as u8
    }

    pub fn cert(w: u32) -> u8 {
        ((w >> 8) & 0b111) as u8
    }

    pub fn category(w: u32) -> u32 {
        w >> LOW_BITS
    }
}

const NO_DAY: i64 = i64::MIN;

pub struct SegmentCache {
    statics: Mutex<HashMap<SegmentId, Arc<Static>>>,
    daily: Mutex<HashMap<(SegmentId, i64), Arc<Daily>>>,
    /// Live documents by segment, with the deletion count they were built for.
    alive: Mutex<HashMap<SegmentId, (u32, Arc<Bits>)>>,
    last_day: AtomicI64,
}

impl Default for SegmentCache {
    fn default() -> Self {
        Self { statics: Mutex::default(), daily: Mutex::default(), alive: Mutex::default(), last_day: AtomicI64::new(NO_DAY) }
    }
}

fn u64_col(reader: &SegmentReader, name: &str) -> tantivy::Result<Column<u64>> {
    reader.fast_fields().u64(name)
}

fn i64_col(reader: &SegmentReader, name: &str) -> tantivy::Result<Option<Column<i64>>> {
    reader.fast_fields().column_opt::<i64>(name)
}

/// Every term of a str column's dictionary, by ordinal.
pub fn str_terms(reader: &SegmentReader, name: &str) -> tantivy::Result<Option<(Vec<String>, Column<u64>)>> {
    let Some(column) = reader.fast_fields().str(name)? else {
        return Ok(None);
    };
    let mut terms = Vec::with_capacity(column.num_terms());
    let mut stream = column.dictionary().stream()?;
    while stream.advance() {
        terms.push(String::from_utf8_lossy(stream.key()).into_owned());
    }
    Ok(Some((terms, column.ords().clone())))
}

impl SegmentCache {
    /// Forgets the entries of segments not in `alive` and of dates far from `day`, the date
    /// of the search being made (remembered for [`SegmentCache::warm`]).
    pub fn prune(&self, alive: &HashSet<SegmentId>, day: i64) {
        self.last_day.store(day, AtomicOrdering::Relaxed);
        self.statics.lock().unwrap_or_else(PoisonError::into_inner).retain(|id, _| alive.contains(id));
        self.alive.lock().unwrap_or_else(PoisonError::into_inner).retain(|id, _| alive.contains(id));
        self.daily.lock().unwrap_or_else(PoisonError::into_inner).retain(|(id, d), _| alive.contains(id) && (d - day).abs() <= 1);
    }

    /// Builds the arrays of every segment of `searcher` (for the date of the last search), so
    /// that the first search after a commit or a merge does not pay for it.
    pub fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        let alive: HashSet<SegmentId> = searcher.segment_readers().iter().map(|r| r.segment_id()).collect();
        let day = self.last_day.load(AtomicOrdering::Relaxed);
        if day == NO_DAY {
            self.statics.lock().unwrap_or_else(PoisonError::into_inner).retain(|id, _| alive.contains(id));
        } else {
            self.prune(&alive, day);
        }
        for reader in searcher.segment_readers() {
            let statics = self.statics(reader)?;
            self.alive(reader);
            if day != NO_DAY {
                self.daily(reader, &statics, day)?;
            }
        }
        Ok(())
    }

    /// The segment's live documents (the reader's deletions applied).
    pub fn alive(&self, reader: &SegmentReader) -> Arc<Bits> {
        let key = reader.segment_id();
        let deleted = reader.num_deleted_docs();
        if let Some((n, bits)) = self.alive.lock().unwrap_or_else(PoisonError::into_inner).get(&key)
            && *n == deleted
        {
            return bits.clone();
        }
        let mut bits = Bits::full(reader.max_doc());
        if let Some(alive) = reader.alive_bitset() {
            for doc in 0..reader.max_doc() {
                if alive.is_deleted(doc) {
                    bits.remove(doc);
                }
            }
        }
        let bits = Arc::new(bits);
        // A segment's deletions only grow, so their count tells the sets apart.
        self.alive.lock().unwrap_or_else(PoisonError::into_inner).insert(key, (deleted, bits.clone()));
        bits
    }

    pub fn statics(&self, reader: &SegmentReader) -> tantivy::Result<Arc<Static>> {
        let key = reader.segment_id();
        if let Some(s) = self.statics.lock().unwrap_or_else(PoisonError::into_inner).get(&key) {
            return Ok(s.clone());
        }
        let built = Arc::new(build_static(reader)?);
        self.statics.lock().unwrap_or_else(PoisonError::into_inner).insert(key, built.clone());
        Ok(built)
    }

    pub fn daily(&self, reader: &SegmentReader, statics: &Static, day: i64) -> tantivy::Result<Arc<Daily>> {
        let key = (reader.segment_id(), day);
        if let Some(d) = self.daily.lock().unwrap_or_else(PoisonError::into_inner).get(&key) {
            return Ok(d.clone());
        }
        let built = Arc::new(build_daily(reader, statics, day)?);
        self.daily.lock().unwrap_or_else(PoisonError::into_inner).insert(key, built.clone());
        Ok(built)
    }
}

fn build_static(reader: &SegmentReader) -> tantivy::Result<Static> {
    let max = reader.max_doc();
    let status = u64_col(reader, col::STATUS)?;
    let kind = u64_col(reader, col::KIND)?;
    let sme = u64_col(reader, col::SME)?;
    let mut packed = Vec::with_capacity(max as usize);
    for doc in 0..max {
        let k = (kind.first(doc).unwrap_or(0) & 0b111) as u8;
        let s = (sme.first(doc).unwrap_or(0) & 1) as u8;
        let st = (status.first(doc).unwrap_or(0) & 0b1111) as u8;
        packed.push(k | (s << 3) | (st << 4));
    }
    let (categories, category) = match str_terms(reader, col::CATEGORY)? {
        Some((names, ords)) => {
            let per_doc = (0..max).map(|doc| ords.first(doc).and_then(|o| u32::try_from(o).ok()).unwrap_or(u32::MAX)).collect();
            (names, per_doc)
        }
        None => (Vec::new(), vec![u32::MAX; max as usize]),
    };
    let id_state = match str_terms(reader, col::ID)? {
        Some((ids, ords)) => {
            let by_ord: Vec<u64> = ids.iter().map(|id| fnv1a64(id.as_bytes())).collect();
            (0..max).map(|doc| ords.first(doc).and_then(|o| by_ord.get(o as usize).copied()).unwrap_or(FNV1A64_OFFSET)).collect()
        }
        None => vec![FNV1A64_OFFSET; max as usize],
    };
    let dense = DenseTerms::build(reader, &schema::build().1)?;
    let orders = Orders::build(reader, col::PRICE, col::LISTED_AT, col::RATING)?;
    Ok(Static { packed, category, categories, id_state, dense, orders })
}

fn valid(from: &Option<Column<i64>>, to: &Option<Column<i64>>, doc: DocId, day: i64) -> bool {
    let f = from.as_ref().and_then(|c| c.first(doc)).unwrap_or(schema::NEVER_FROM);
    let t = to.as_ref().and_then(|c| c.first(doc)).unwrap_or(schema::NEVER_TO);
    f <= day && day <= t
}

fn build_daily(reader: &SegmentReader, statics: &Static, day: i64) -> tantivy::Result<Daily> {
    let date = format_date(from_epoch_day(day));
    let fair: Vec<u64> = statics.id_state.iter().map(|h| fair_key_from_state(*h, &date)).collect();
    let cert_grade = u64_col(reader, col::CERT_GRADE)?;
    let cert_from = i64_col(reader, col::CERT_FROM)?;
    let cert_to = i64_col(reader, col::CERT_TO)?;
    let host_listed = u64_col(reader, col::HOST_LISTED)?;
    let host_grade = u64_col(reader, col::HOST_GRADE)?;
    let host_from = i64_col(reader, col::HOST_FROM)?;
    let host_to = i64_col(reader, col::HOST_TO)?;
    let max = reader.max_doc();
    let mut words = Vec::with_capacity(max as usize);
    for doc in 0..max {
        let mut c = 0u8;
        if valid(&cert_from, &cert_to, doc, day) {
            let grade = if host_listed.first(doc).unwrap_or(0) == 1 {
                if valid(&host_from, &host_to, doc, day) { host_grade.first(doc).unwrap_or(0) } else { 0 }
            } else {
                cert_grade.first(doc).unwrap_or(0)
            };
            c = CERTIFIED | (grade.min(3) as u8 & GRADE_MASK);
        }
        let i = doc as usize;
        let packed = statics.packed.get(i).copied().unwrap_or(0);
        let category = statics.category.get(i).copied().unwrap_or(u32::MAX);
        words.push(word::pack(packed, c, category));
    }
    let values = ValueBits::build(&words, statics.categories.len());
    let by_fair = fair_order(&fair);
    let fair_hi = fair.iter().map(|k| (k >> 56) as u8).collect();
    Ok(Daily { fair, fair_hi, word: words, values, by_fair })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// The cache's two-part computation (the id once, the date daily) is the domain's key.
    #[test]
    fn cached_state_gives_the_fair_key() {
        for id in ["", "a", "0b7c2a52-6f1e-4c6b-9a4e-1f2d3c4b5a69"] {
            for d in [date!(2026 - 11 - 23), date!(2027 - 01 - 01)] {
                let h = fair_key_from_state(fnv1a64(id.as_bytes()), &format_date(d));
                assert_eq!(h, gureum_domain::fair::fair_key(id, d));
                assert_eq!(h, gureum_domain::fair::fmix64(fnv1a64(format!("{id}{}", format_date(d)).as_bytes())));
            }
        }
    }
}
