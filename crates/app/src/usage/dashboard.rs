//! (filled by the dashboard work of issue #24)
