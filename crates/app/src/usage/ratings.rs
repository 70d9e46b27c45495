//! (filled by the ratings work of issue #24)
