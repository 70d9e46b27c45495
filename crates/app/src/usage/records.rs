//! Usage records (SPEC §3 "Usage and billing"; SPEC §4 "Usage, invoices and post-management"):
//! a supplier's machines (an API token with `usage:write`) or its people send batches of up to
//! 10,000 records, each keyed by the supplier's own `record_id`; a batch is stored whole or not at
//! all. Every bad record is named (`invalid_records`); a `record_id` stored before with other
//! content is a conflict (`record_conflict`); the same record again is a duplicate and changes
//! nothing. The CSV upload page goes through the same checks ([`submit_csv`]).
//!
//! The write is optimistic: the batch's new records are inserted skipping ids already stored,
//! and only when fewer were written than sent (a resend) is the batch looked up, sorted into
//! duplicates and conflicts, and written again — so a batch of new records costs one statement
//! per 2,000 rows and no look-up.

use crate::actor::{Principal, Rule, SUPPLIER};
use crate::buying::contracts::{CALL_OFF, CATALOG, NEGOTIATED, suppliers_of};
use crate::buying::{audit, may_read, uuid};
use crate::context::Context;
use crate::error::{Code, Error, Result};
use gureum_domain::account::OrgKind;
use gureum_domain::buying::{ContractStatus, OrderStatus};
use gureum_domain::clock::{format_date, parse_date, to_micros};
use gureum_domain::usage::{Billing, Month, Quantity, period_of_record, seoul_date};
use gureum_storage::{Contract, RollupRow, UsageContent, UsageRecord};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The most records one batch may hold.
pub const MAX_BATCH: usize = 10_000;
/// The longest `record_id`, in characters.
pub const MAX_RECORD_ID_CHARS: usize = 100;
/// The CSV upload's columns, in order (the header line names them).
pub const CSV_COLUMNS: [&str; 6] = ["record_id", "contract_id", "meter", "quantity", "period_start", "period_end"];

/// What a stored batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    /// Records stored by this batch.
    pub accepted: u64,
    /// Records already stored (or repeated in the batch) with the same content.
    pub duplicates: u64,
}

/// One bad record of a refused batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// The record's position in the batch (from 0).
    pub index: usize,
    /// Its line in an uploaded CSV file (the header is line 1).
    pub line: Option<usize>,
    /// `missing_field`, `invalid_field`, `invalid_quantity`, `unknown_contract`, `unknown_meter`,
    /// `crosses_billing_period`, `outside_contract`, `duplicate_record_id`, `record_conflict`.
    pub code: &'static str,
    /// The field at fault, when one is.
    pub field: Option<&'static str>,
    pub message: String,
}

impl RecordError {
    fn new(index: usize, code: &'static str, field: Option<&'static str>, message: impl Into<String>) -> Self {
        Self { index, line: None, code, field, message: message.into() }
    }

    pub fn to_json(&self) -> Value {
        let mut v = json!({"index": self.index, "code": self.code, "message": self.message});
        if let Some(f) = self.field {
            v["field"] = f.into();
        }
        if let Some(l) = self.line {
            v["line"] = l.into();
        }
        v
    }

    /// The Korean for the page.
    pub fn message_ko(&self) -> String {
        let what = match self.code {
            "missing_field" => "값이 없습니다",
            "invalid_field" => "형식이 올바르지 않습니다",
            "invalid_quantity" => "사용량은 0 이상, 소수점 아래 6자리까지의 수입니다",
            "unknown_contract" => "이 공급자가 사용량을 보고할 수 있는 계약이나 주문이 아닙니다",
            "unknown_meter" => "계약에 없는 단위(미터)입니다",
            "crosses_billing_period" => "사용 기간이 청구 기간의 경계를 넘습니다",
            "outside_contract" => "사용 기간이 계약 기간 밖입니다",
            "duplicate_record_id" => "같은 record_id가 다른 내용으로 두 번 있습니다",
            "record_conflict" => "이 record_id는 이미 다른 내용으로 저장되어 있습니다",
            _ => "잘못된 기록입니다",
        };
        match self.field {
            Some(f) => format!("{f}: {what}"),
            None => what.to_owned(),
        }
    }
}

/// Why a batch was refused (nothing stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// 400 `invalid_records`: every bad record (and any conflict beside them).
    Invalid(Vec<RecordError>),
    /// 409 `record_conflict`: the indexes of records stored before with other content.
    Conflict(Vec<usize>),
}

impl From<Refused> for Error {
    fn from(r: Refused) -> Self {
        match r {
            Refused::Invalid(errors) => {
                let n = errors.iter().map(|e| e.index).collect::<BTreeSet<_>>().len();
                Error::new(Code::InvalidRecords, format!("{n} record(s) are invalid, so none was stored; see errors"))
                    .with("errors", errors.iter().map(RecordError::to_json).collect::<Vec<_>>().into())
            }
            Refused::Conflict(indexes) => Error::new(
                Code::RecordConflict,
                format!("{} record_id(s) are already stored with other content, so none was stored; see indexes", indexes.len()),
            )
            .with("indexes", indexes.into_iter().map(Value::from).collect::<Vec<_>>().into()),
        }
    }
}

/// The caller's supplier id: a member with the supplier role of an approved supplier
/// organisation (a person or its API token); else 403 `forbidden`.
pub fn reporting_supplier(p: &Principal) -> Result<String> {
    p.require(Rule::AnyRole(SUPPLIER))?;
    match (p.org().kind, p.org().supplier_id.as_deref()) {
        (OrgKind::Supplier, Some(s)) => Ok(s.to_owned()),
        _ => Err(Error::forbidden()),
    }
}

/// `POST /api/v1/usage`: `{"records": [...]}`, all or nothing.
pub async fn submit(ctx: &Context, p: &Principal, body: &Value, rid: Option<String>) -> Result<BatchOutcome> {
    let supplier = reporting_supplier(p)?;
    let fields = crate::body::Fields::of(body)?;
    let records = crate::body::required(fields.array("records")?, "records")?;
    if records.len() > MAX_BATCH {
        return Err(Error::new(
            Code::BatchTooLarge,
            format!("a batch holds at most {MAX_BATCH} records; this one holds {}", records.len()),
        )
        .with("max", MAX_BATCH.into()));
    }
    Ok(ingest(ctx, p, &supplier, records, rid).await??)
}

/// The CSV upload: `record_id,contract_id,meter,quantity,period_start,period_end` with a header
/// line, UTF-8 with or without a byte-order mark; every bad row named by its line. The outer
/// error is a refusal of the file itself (not UTF-8, no header, too many rows).
pub async fn submit_csv(
    ctx: &Context,
    p: &Principal,
    bytes: &[u8],
    rid: Option<String>,
) -> Result<std::result::Result<BatchOutcome, Refused>> {
    let supplier = reporting_supplier(p)?;
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| Error::new(Code::InvalidField, "file: the file is not UTF-8 text"))?;
    let rows = parse_csv(text);
    let mut rows = rows.into_iter().filter(|(_, fields)| !(fields.len() == 1 && fields[0].trim().is_empty()));
    let Some((_, header)) = rows.next() else {
        return Err(Error::new(
            Code::InvalidField,
            format!("file: the file is empty; its first line names the columns {}", CSV_COLUMNS.join(",")),
        ));
    };
    if header.iter().map(|h| h.trim()).ne(CSV_COLUMNS.iter().copied()) {
        return Err(Error::new(Code::InvalidField, format!("file: the first line must name the columns {}", CSV_COLUMNS.join(","))));
    }
    let rows: Vec<(usize, Vec<String>)> = rows.collect();
    if rows.len() > MAX_BATCH {
        return Err(Error::new(Code::BatchTooLarge, format!("a file holds at most {MAX_BATCH} records; this one holds {}", rows.len())));
    }
    let mut shape_errors = Vec::new();
    let records: Vec<Value> = rows
        .iter()
        .enumerate()
        .map(|(i, (line, cols))| {
            if cols.len() != CSV_COLUMNS.len() {
                let mut e =
                    RecordError::new(i, "invalid_field", None, format!("the line has {} columns, not {}", cols.len(), CSV_COLUMNS.len()));
                e.line = Some(*line);
                shape_errors.push(e);
                return Value::Null;
            }
            let mut o = serde_json::Map::new();
            for (k, v) in CSV_COLUMNS.iter().zip(cols) {
                if !v.trim().is_empty() {
                    o.insert((*k).to_owned(), Value::String(v.trim().to_owned()));
                }
            }
            Value::Object(o)
        })
        .collect();
    let lines: Vec<usize> = rows.iter().map(|(l, _)| *l).collect();
    let with_lines = |mut errors: Vec<RecordError>| {
        for e in &mut errors {
            e.line = lines.get(e.index).copied();
        }
        errors
    };
    if !shape_errors.is_empty() {
        // The rows that could be read are checked too, so every bad line is named at once.
        let mut errors = shape_errors;
        if let Err(Refused::Invalid(more)) = check(ctx, &supplier, &records).await? {
            errors.extend(with_lines(more).into_iter().filter(|e| records[e.index].is_object()));
            errors.retain(|e| e.line.is_some());
        }
        errors.sort_by_key(|e| e.index);
        return Ok(Err(Refused::Invalid(errors)));
    }
    Ok(match ingest(ctx, p, &supplier, &records, rid).await? {
        Ok(o) => Ok(o),
        Err(Refused::Invalid(errors)) => Err(Refused::Invalid(with_lines(errors))),
        Err(Refused::Conflict(ix)) => Err(Refused::Conflict(ix)),
    })
}

/// The lines of a CSV text as fields (RFC 4180 quoting: `"a,b"`, `""` for a quote), each with
/// the number of the line it starts on.
pub fn parse_csv(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut start = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => fields.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                fields.push(std::mem::take(&mut field));
                out.push((start, std::mem::take(&mut fields)));
                line += 1;
                start = line;
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        out.push((start, fields));
    }
    out
}

/// A record that passed its checks.
struct Checked {
    index: usize,
    record_id: String,
    content: UsageContent,
}

/// A record whose fields are well formed: record id, contract id, meter, quantity, start, end.
type Fielded<'a> = (&'a str, String, &'a str, Quantity, i64, i64);

/// A contract or order this supplier may report usage on.
struct Usable {
    contract: Contract,
    billing: Billing,
    from: time::Date,
    to: time::Date,
}

fn usable(c: Contract, supplier: &str) -> Option<Usable> {
    if !suppliers_of(&c).contains(&supplier) {
        return None;
    }
    let ok = match c.method.as_str() {
        NEGOTIATED => ContractStatus::parse(&c.status).is_some_and(|s| s != ContractStatus::Draft),
        CATALOG | CALL_OFF => OrderStatus::parse(&c.status) == Some(OrderStatus::Confirmed),
        _ => false,
    };
    let (from, mut to) = (parse_date(&c.starts_on)?, parse_date(&c.ends_on)?);
    // a contract ended early (terminated) takes no usage after the day it ended
    if let Some(ended) = c.ended_at {
        to = to.min(seoul_date(ended));
    }
    ok.then(|| Usable { billing: Billing::parse(&c.billing).unwrap_or(Billing::Monthly), contract: c, from, to })
}

fn instant(v: &Value) -> Option<i64> {
    OffsetDateTime::parse(v.as_str()?, &Rfc3339).ok().map(to_micros)
}

/// Checks every record: `Ok` with the records (repeats within the batch with the same content
/// left out, and counted), or every fault, stored conflicts included.
async fn check(ctx: &Context, supplier: &str, records: &[Value]) -> Result<std::result::Result<(Vec<Checked>, u64), Refused>> {
    let mut errors = Vec::new();
    // First the fields of each record on its own.
    let mut parsed: Vec<Option<Fielded<'_>>> = Vec::with_capacity(records.len());
    for (i, r) in records.iter().enumerate() {
        let Some(o) = r.as_object() else {
            errors.push(RecordError::new(i, "invalid_field", None, "a record is a JSON object"));
            parsed.push(None);
            continue;
        };
        let before = errors.len();
        let get = |k: &str| o.get(k).filter(|v| !v.is_null());
        let text = |k: &'static str, errors: &mut Vec<RecordError>| -> Option<&str> {
            match get(k) {
                None => {
                    errors.push(RecordError::new(i, "missing_field", Some(k), format!("{k}: required")));
                    None
                }
                Some(Value::String(s)) if !s.trim().is_empty() => Some(s.as_str()),
                Some(_) => {
                    errors.push(RecordError::new(i, "invalid_field", Some(k), format!("{k}: non-empty text")));
                    None
                }
            }
        };
        let record_id = text("record_id", &mut errors);
        if let Some(id) = record_id
            && id.chars().count() > MAX_RECORD_ID_CHARS
        {
            errors.push(RecordError::new(
                i,
                "invalid_field",
                Some("record_id"),
                format!("record_id: at most {MAX_RECORD_ID_CHARS} characters"),
            ));
        }
        let contract = match (get("contract_id"), get("order_id")) {
            (Some(_), Some(_)) => {
                errors.push(RecordError::new(i, "invalid_field", Some("order_id"), "give contract_id or order_id, not both"));
                None
            }
            (None, None) => {
                errors.push(RecordError::new(i, "missing_field", Some("contract_id"), "contract_id (or order_id): required"));
                None
            }
            (Some(_), None) => text("contract_id", &mut errors),
            (None, Some(_)) => text("order_id", &mut errors),
        };
        let field_of_contract = if get("order_id").is_some() { "order_id" } else { "contract_id" };
        let contract = contract.and_then(|c| match crate::ids::hyphenated_uuid(c.trim()) {
            Some(id) => Some(id),
            None => {
                errors.push(RecordError::new(
                    i,
                    "unknown_contract",
                    Some(field_of_contract),
                    format!("{field_of_contract}: no such contract or order"),
                ));
                None
            }
        });
        let meter = text("meter", &mut errors);
        let quantity = match get("quantity") {
            None => {
                errors.push(RecordError::new(i, "missing_field", Some("quantity"), "quantity: required"));
                None
            }
            Some(v) => match Quantity::from_json(v) {
                Ok(q) => Some(q),
                Err(e) => {
                    errors.push(RecordError::new(i, "invalid_quantity", Some("quantity"), format!("quantity: {}", e.message())));
                    None
                }
            },
        };
        let mut at = |k: &'static str| match get(k) {
            None => {
                errors.push(RecordError::new(i, "missing_field", Some(k), format!("{k}: required")));
                None
            }
            Some(v) => instant(v).or_else(|| {
                errors.push(RecordError::new(
                    i,
                    "invalid_field",
                    Some(k),
                    format!("{k}: an RFC 3339 instant such as 2026-11-01T00:00:00+09:00"),
                ));
                None
            }),
        };
        let (start, end) = (at("period_start"), at("period_end"));
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            errors.push(RecordError::new(i, "invalid_field", Some("period_end"), "period_end: not before period_start"));
        }
        parsed.push(match (errors.len() == before, record_id, contract, meter, quantity, start, end) {
            (true, Some(r), Some(c), Some(m), Some(q), Some(s), Some(e)) => Some((r, c, m, q, s, e)),
            _ => None,
        });
    }
    // Then against the contracts they name.
    let ids: BTreeSet<&str> = parsed.iter().flatten().map(|p| p.1.as_str()).collect();
    let mut contracts: HashMap<&str, Option<Usable>> = HashMap::new();
    for id in ids {
        contracts.insert(id, ctx.db().contract(id).await?.and_then(|c| usable(c, supplier)));
    }
    let mut checked: Vec<Checked> = Vec::with_capacity(records.len());
    // record id → (its index in the batch, its place in `checked`)
    let mut seen: HashMap<&str, (usize, usize)> = HashMap::new();
    let mut repeats = 0_u64;
    for (i, p) in parsed.iter().enumerate() {
        let Some((record_id, contract_id, meter, quantity, start, end)) = p else { continue };
        let field = if records[i].get("order_id").is_some_and(|v| !v.is_null()) { "order_id" } else { "contract_id" };
        let Some(Some(u)) = contracts.get(contract_id.as_str()) else {
            errors.push(RecordError::new(
                i,
                "unknown_contract",
                Some(field),
                format!("{field}: no contract or order of yours to report usage on"),
            ));
            continue;
        };
        if !u.contract.items.iter().any(|it| it.meter == *meter) {
            let meters: Vec<&str> = u.contract.items.iter().map(|it| it.meter.as_str()).collect();
            errors.push(RecordError::new(i, "unknown_meter", Some("meter"), format!("meter: the contract has {}", meters.join(", "))));
            continue;
        }
        if period_of_record(u.billing, *start, *end).is_none() {
            errors.push(RecordError::new(
                i,
                "crosses_billing_period",
                Some("period_end"),
                format!("the period crosses a {} billing period's boundary (Asia/Seoul); split the record", u.billing.as_str()),
            ));
            continue;
        }
        let (first_day, last_day) = (seoul_date(*start), seoul_date((*end - 1).max(*start)));
        if first_day < u.from || last_day > u.to {
            errors.push(RecordError::new(
                i,
                "outside_contract",
                Some("period_start"),
                format!("the period lies outside the contract's {} to {} (Asia/Seoul)", u.contract.starts_on, format_date(u.to)),
            ));
            continue;
        }
        let content = UsageContent {
            contract_id: contract_id.clone(),
            meter: (*meter).to_owned(),
            quantity_micros: quantity.micros(),
            period_start: *start,
            period_end: *end,
        };
        match seen.get(record_id) {
            Some(&(j, at)) => {
                if checked[at].content == content {
                    repeats += 1;
                } else {
                    errors.push(RecordError::new(
                        i,
                        "duplicate_record_id",
                        Some("record_id"),
                        format!("record_id: also record {j}, with other content"),
                    ));
                }
            }
            None => {
                seen.insert(record_id, (i, checked.len()));
                checked.push(Checked { index: i, record_id: (*record_id).to_owned(), content });
            }
        }
    }
    if errors.is_empty() {
        return Ok(Ok((checked, repeats)));
    }
    // Name the conflicts with stored records too, so one answer lists every fault.
    let ids: Vec<&str> = checked.iter().map(|c| c.record_id.as_str()).collect();
    let stored = ctx.db().usage_records_by_ids(supplier, &ids).await?;
    for c in &checked {
        if stored.get(&c.record_id).is_some_and(|s| *s != c.content) {
            errors.push(RecordError::new(c.index, "record_conflict", Some("record_id"), "record_id: already stored with other content"));
        }
    }
    errors.sort_by_key(|e| e.index);
    Ok(Err(Refused::Invalid(errors)))
}

/// Checks and stores a batch for `supplier`, all or nothing.
async fn ingest(
    ctx: &Context,
    p: &Principal,
    supplier: &str,
    records: &[Value],
    rid: Option<String>,
) -> Result<std::result::Result<BatchOutcome, Refused>> {
    let (checked, repeats) = match check(ctx, supplier, records).await? {
        Ok(c) => c,
        Err(r) => return Ok(Err(r)),
    };
    let to_row = |c: &Checked, now: i64| UsageRecord {
        supplier_id: supplier.to_owned(),
        record_id: c.record_id.clone(),
        contract_id: c.content.contract_id.clone(),
        meter: c.content.meter.clone(),
        quantity_micros: c.content.quantity_micros,
        period_start: c.content.period_start,
        period_end: c.content.period_end,
        month: Month::of_instant(c.content.period_start).0,
        received_at: now,
    };
    // The common case: every record is new.
    let mut tx = ctx.db().begin_write().await?;
    let now = tx.now();
    let rows: Vec<UsageRecord> = checked.iter().map(|c| to_row(c, now)).collect();
    let written = tx.insert_usage_records(supplier, now, &rows).await?;
    let (tx, rows, duplicates) = if written == rows.len() as u64 {
        (tx, rows, 0)
    } else {
        // Some were stored before: sort them into duplicates and conflicts, then write the rest.
        tx.rollback().await?;
        let mut tx = ctx.db().begin_write().await?;
        let ids: Vec<&str> = checked.iter().map(|c| c.record_id.as_str()).collect();
        let stored = tx.usage_records_by_ids(supplier, &ids).await?;
        let conflicts: Vec<usize> =
            checked.iter().filter(|c| stored.get(&c.record_id).is_some_and(|s| *s != c.content)).map(|c| c.index).collect();
        if !conflicts.is_empty() {
            tx.rollback().await?;
            return Ok(Err(Refused::Conflict(conflicts)));
        }
        let now = tx.now();
        let fresh: Vec<UsageRecord> = checked.iter().filter(|c| !stored.contains_key(&c.record_id)).map(|c| to_row(c, now)).collect();
        let written = tx.insert_usage_records(supplier, now, &fresh).await?;
        if written != fresh.len() as u64 {
            return Err(Error::internal("usage records changed under the writer's lock"));
        }
        let dups = (checked.len() - fresh.len()) as u64;
        (tx, fresh, dups)
    };
    let mut tx = tx;
    let outcome = BatchOutcome { accepted: rows.len() as u64, duplicates: duplicates + repeats };
    if outcome.accepted > 0 {
        let contract_ids: BTreeSet<&str> = rows.iter().map(|r| r.contract_id.as_str()).collect();
        tx.mark_usage_received(&contract_ids.iter().copied().collect::<Vec<_>>()).await?;
        tx.add_usage_rollup(&rollup(rows.iter().map(|r| (r.contract_id.as_str(), r.meter.as_str(), r.month, r.quantity_micros)))).await?;
        let batch_id = crate::ids::new_id();
        audit(
            &mut tx,
            p,
            rid,
            "usage.batch",
            ("usage_batch", &batch_id),
            None,
            json!({"supplier_id": supplier, "records": outcome.accepted, "duplicates": outcome.duplicates, "contract_ids": contract_ids}),
        )
        .await?;
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    Ok(Ok(outcome))
}

/// A batch's new records summed per contract, meter and month (the rollup billing reads).
fn rollup<'a>(rows: impl Iterator<Item = (&'a str, &'a str, i64, i64)>) -> Vec<RollupRow> {
    let mut sums: std::collections::BTreeMap<(&str, &str, i64), (i64, i64)> = std::collections::BTreeMap::new();
    for (contract, meter, month, q) in rows {
        let e = sums.entry((contract, meter, month)).or_default();
        e.0 = e.0.saturating_add(q);
        e.1 += 1;
    }
    sums.into_iter()
        .map(|((contract_id, meter, month), (quantity_micros, records))| RollupRow {
            contract_id: contract_id.to_owned(),
            meter: meter.to_owned(),
            month,
            quantity_micros,
            records,
        })
        .collect()
}

/// A contract's usage by month and meter (its parties, the operator, the auditor; else 404).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthUsage {
    /// `"2026-11"`.
    pub month: String,
    pub meters: Vec<MeterUsage>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeterUsage {
    pub meter: String,
    /// The exact decimal sum.
    pub quantity: String,
    pub records: i64,
}

pub async fn contract_usage(ctx: &Context, p: &Principal, contract_id: &str) -> Result<Vec<MonthUsage>> {
    let id = uuid(contract_id, "contract")?;
    let c = ctx.db().contract(&id).await?.ok_or_else(|| Error::not_found("contract"))?;
    if !may_read(p, &c.agency_id, &suppliers_of(&c)) {
        return Err(Error::not_found("contract"));
    }
    let mut out: Vec<MonthUsage> = Vec::new();
    for t in ctx.db().contract_rollup(&id).await? {
        let key = Month(t.month).key();
        let m = MeterUsage { meter: t.meter, quantity: Quantity::from_micros(t.quantity_micros).to_decimal(), records: t.records };
        match out.last_mut() {
            Some(last) if last.month == key => last.meters.push(m),
            _ => out.push(MonthUsage { month: key, meters: vec![m] }),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_lines_keep_quotes_and_their_line_numbers() {
        let rows = parse_csv("a,b\r\n\"x,1\",\"say \"\"hi\"\"\"\n\"two\nlines\",z\nlast,row");
        assert_eq!(rows[0], (1, vec!["a".to_owned(), "b".to_owned()]));
        assert_eq!(rows[1], (2, vec!["x,1".to_owned(), "say \"hi\"".to_owned()]));
        assert_eq!(rows[2], (3, vec!["two\nlines".to_owned(), "z".to_owned()]));
        assert_eq!(rows[3], (5, vec!["last".to_owned(), "row".to_owned()]));
        assert_eq!(rows.len(), 4);
    }
}
