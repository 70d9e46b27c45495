//! (filled by the usage work of issue #24)
