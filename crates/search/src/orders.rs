//! A segment's documents in the order of each sort, so that a sort over a large result reads
//! the first documents of the order that are in the result instead of ranking every result.
//! A search uses an order only when its result is dense enough that the walk is short (see
//! [`use_order`]); the answer is the same either way.

use tantivy::SegmentReader;
use tantivy::columnar::Column;

/// The documents with a value in a column, by ascending value (ties by doc id), and those
/// without one.
pub struct ColumnOrder {
    pub present: Vec<u32>,
    pub missing: Vec<u32>,
}

impl ColumnOrder {
    pub fn build(max_doc: u32, column: Option<&Column<i64>>) -> Self {
        let mut valued: Vec<(i64, u32)> = Vec::new();
        let mut missing = Vec::new();
        for doc in 0..max_doc {
            match column.and_then(|c| c.first(doc)) {
                Some(v) => valued.push((v, doc)),
                None => missing.push(doc),
            }
        }
        valued.sort_unstable();
        Self { present: valued.into_iter().map(|(_, d)| d).collect(), missing }
    }
}

/// The column orders of one segment.
pub struct Orders {
    pub price: ColumnOrder,
    pub listed_at: ColumnOrder,
    pub rating: ColumnOrder,
}

impl Orders {
    pub fn build(reader: &SegmentReader, price: &str, listed_at: &str, rating: &str) -> tantivy::Result<Self> {
        let ff = reader.fast_fields();
        let max = reader.max_doc();
        Ok(Self {
            price: ColumnOrder::build(max, ff.column_opt::<i64>(price)?.as_ref()),
            listed_at: ColumnOrder::build(max, ff.column_opt::<i64>(listed_at)?.as_ref()),
            rating: ColumnOrder::build(max, ff.column_opt::<i64>(rating)?.as_ref()),
        })
    }
}

/// The documents by ascending fair key (ties by doc id).
pub fn fair_order(fair: &[u64]) -> Vec<u32> {
    let mut docs: Vec<u32> = (0..fair.len() as u32).collect();
    docs.sort_unstable_by_key(|d| (fair.get(*d as usize).copied().unwrap_or(u64::MAX), *d));
    docs
}

/// Whether walking an order beats ranking each of `results` documents one by one: the walk
/// reads about `keep × max_doc / results` documents before it has `keep` of them.
pub fn use_order(results: u64, keep: usize, max_doc: u32) -> bool {
    results.saturating_mul(results) > (keep as u64).saturating_mul(u64::from(max_doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fair_order_sorts_by_key_then_doc() {
        assert_eq!(fair_order(&[5, 1, 5, 0]), vec![3, 1, 0, 2]);
    }

    #[test]
    fn orders_are_chosen_for_dense_results() {
        assert!(!use_order(10, 20, 1_000_000));
        assert!(use_order(200_000, 20, 1_000_000));
        assert!(!use_order(4_000, 20, 1_000_000));
    }
}
