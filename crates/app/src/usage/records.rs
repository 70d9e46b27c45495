//! (filled by the records work of issue #24)
