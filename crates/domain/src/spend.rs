//! (filled by the spend work of issue #24: projections and warning thresholds)
