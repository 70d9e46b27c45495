//! The `gureum` command: one binary for serving, data management and benchmarks.

pub mod backup;
pub mod bench;
pub mod cli;
pub mod demo;
pub mod demo_buying;
pub mod demo_forecast;
pub mod demo_usage;
pub mod demo_voucher;
pub mod export;
pub mod import;
pub mod seed;
pub mod serve;
