//! Usage rolled up per contract, meter and month (migration `0012_billing`): written in the
//! transaction that stores a batch's new records, read by billing, a contract's usage and the
//! dashboards, so none of them sums the raw records (SPEC §6: ten million a month).

use crate::{Db, Result, WriteTx};
use sqlx::Row;

/// A contract's usage of one meter in one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollupRow {
    pub contract_id: String,
    pub meter: String,
    /// yyyymm, Asia/Seoul.
    pub month: i64,
    pub quantity_micros: i64,
    pub records: i64,
}

impl WriteTx {
    /// Adds a batch's new records, summed per contract, meter and month, to the rollup.
    pub async fn add_usage_rollup(&mut self, rows: &[RollupRow]) -> Result<()> {
        for r in rows {
            sqlx::query(
                "INSERT INTO usage_rollup (contract_id, meter, month, quantity_micros, records) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (contract_id, meter, month) DO UPDATE SET quantity_micros = usage_rollup.quantity_micros + \
                 excluded.quantity_micros, records = usage_rollup.records + excluded.records",
            )
            .bind(&r.contract_id)
            .bind(&r.meter)
            .bind(r.month)
            .bind(r.quantity_micros)
            .bind(r.records)
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(())
    }

    /// A contract's usage in months `lo..=hi`, per `(meter, month, millionths)`.
    pub async fn contract_usage(&mut self, contract_id: &str, (lo, hi): (i64, i64)) -> Result<Vec<crate::MeterMonth>> {
        let rows = sqlx::query(
            "SELECT meter, month, quantity_micros AS q FROM usage_rollup WHERE contract_id = $1 AND month >= $2 AND month <= $3 \
             ORDER BY meter, month",
        )
        .bind(contract_id)
        .bind(lo)
        .bind(hi)
        .fetch_all(&mut *self.tx)
        .await?;
        rows.iter().map(|r| Ok((r.try_get("meter")?, r.try_get("month")?, r.try_get("q")?))).collect()
    }
}

impl Db {
    /// A contract's usage per month and meter, in order.
    pub async fn contract_rollup(&self, contract_id: &str) -> Result<Vec<RollupRow>> {
        let rows = sqlx::query(
            "SELECT contract_id, meter, month, quantity_micros, records FROM usage_rollup WHERE contract_id = $1 ORDER BY month, meter",
        )
        .bind(contract_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RollupRow {
                    contract_id: r.try_get("contract_id")?,
                    meter: r.try_get("meter")?,
                    month: r.try_get("month")?,
                    quantity_micros: r.try_get("quantity_micros")?,
                    records: r.try_get("records")?,
                })
            })
            .collect()
    }
}
