//! (filled by the spend work of issue #24)
