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
use gureum_domain::usage::{Billing, Month, Period, Quantity, QuantityError, seoul_date};
use gureum_storage::{Contract, RollupRow, UsageContent, UsageRow};
use serde_json::{Value, json};
use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use wire::{Body, Item, Raw, Record, Records};

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

/// `POST /api/v1/usage` from a caller that holds the body as a `Value` (the demo): the same
/// checks as [`submit_json`].
pub async fn submit(ctx: &Context, p: &Principal, body: &Value, rid: Option<String>) -> Result<BatchOutcome> {
    let supplier = reporting_supplier(p)?;
    let records = batch_of(wire::from_value(body).map_err(Error::internal)?)?;
    Ok(ingest(ctx, p, &supplier, &records, rid).await??)
}

/// `POST /api/v1/usage`: the request's bytes, `{"records": [...]}`, all or nothing. The records
/// are read straight into typed fields borrowing the bytes (no `Value` tree).
pub async fn submit_json(ctx: &Context, p: &Principal, bytes: &[u8], rid: Option<String>) -> Result<BatchOutcome> {
    let supplier = reporting_supplier(p)?;
    let records = batch_of(read_body(bytes)?)?;
    Ok(ingest(ctx, p, &supplier, &records, rid).await??)
}

/// A request body: a blank one reads as `{}`; what is not JSON is 400 `invalid_body` with
/// serde_json's own words (as every other JSON door answers).
fn read_body(bytes: &[u8]) -> Result<Body<'_>> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Body::Object(Records::Absent));
    }
    wire::from_slice(bytes).map_err(|e| Error::new(Code::InvalidBody, format!("the body is not JSON: {e}")))
}

/// The body's records, or why the body is refused: not an object, no `records` list, too many.
fn batch_of(body: Body<'_>) -> Result<Vec<Item<'_>>> {
    let records = match body {
        Body::NotObject => return Err(Error::new(Code::InvalidBody, "the body must be a JSON object")),
        Body::Object(Records::Absent) => return Err(crate::body::bad("records", "required")),
        Body::Object(Records::NotList) => return Err(crate::body::bad("records", "a list")),
        Body::Object(Records::List(records)) => records,
    };
    if records.len() > MAX_BATCH {
        return Err(Error::new(
            Code::BatchTooLarge,
            format!("a batch holds at most {MAX_BATCH} records; this one holds {}", records.len()),
        )
        .with("max", MAX_BATCH.into()));
    }
    Ok(records)
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
    let records: Vec<Item<'_>> = rows
        .iter()
        .enumerate()
        .map(|(i, (line, cols))| {
            if cols.len() != CSV_COLUMNS.len() {
                let mut e =
                    RecordError::new(i, "invalid_field", None, format!("the line has {} columns, not {}", cols.len(), CSV_COLUMNS.len()));
                e.line = Some(*line);
                shape_errors.push(e);
                return Item::NotObject;
            }
            // an empty cell is an absent field
            let cell = |k: usize| match cols[k].trim() {
                "" => Raw::Absent,
                v => Raw::Text(Cow::Borrowed(v)),
            };
            Item::Object(Record {
                record_id: cell(0),
                contract_id: cell(1),
                order_id: Raw::Absent,
                meter: cell(2),
                quantity: cell(3),
                period_start: cell(4),
                period_end: cell(5),
            })
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
        let mut field_errors = Vec::new();
        let parsed = check_fields(&records, &mut field_errors);
        if let Err(Refused::Invalid(more)) = check(ctx, &supplier, &parsed, field_errors).await? {
            errors.extend(with_lines(more).into_iter().filter(|e| matches!(records[e.index], Item::Object(_))));
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

/// A record that passed its checks, borrowing its text from the batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Checked<'a> {
    index: usize,
    record_id: &'a str,
    contract_id: &'a str,
    meter: &'a str,
    quantity_micros: i64,
    period_start: i64,
    period_end: i64,
    /// Asia/Seoul `yyyymm` of `period_start`.
    month: i64,
}

impl Checked<'_> {
    /// Whether two records hold the same content (their ids aside).
    fn same_content(&self, o: &Checked<'_>) -> bool {
        (self.contract_id, self.meter, self.quantity_micros, self.period_start, self.period_end)
            == (o.contract_id, o.meter, o.quantity_micros, o.period_start, o.period_end)
    }

    /// Whether a stored record holds this content.
    fn is_stored_as(&self, s: &UsageContent) -> bool {
        (self.contract_id, self.meter, self.quantity_micros, self.period_start, self.period_end)
            == (s.contract_id.as_str(), s.meter.as_str(), s.quantity_micros, s.period_start, s.period_end)
    }

    fn row(&self) -> UsageRow<'_> {
        UsageRow {
            record_id: self.record_id,
            contract_id: self.contract_id,
            meter: self.meter,
            quantity_micros: self.quantity_micros,
            period_start: self.period_start,
            period_end: self.period_end,
            month: self.month,
        }
    }
}

/// A record whose fields are well formed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Fielded<'a> {
    record_id: &'a str,
    /// The contract's or order's id in lower case (borrowed when it was sent so).
    contract_id: Cow<'a, str>,
    /// `order_id` when the record names an order, else `contract_id`.
    contract_field: &'static str,
    meter: &'a str,
    quantity: Quantity,
    start: i64,
    end: i64,
}

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

/// The id in lower case when `raw` is a hyphenated UUID ([`crate::ids::hyphenated_uuid`]),
/// borrowed when it is already.
fn contract_key(raw: &str) -> Option<Cow<'_, str>> {
    if raw.bytes().any(|b| b.is_ascii_uppercase()) {
        crate::ids::hyphenated_uuid(raw).map(Cow::Owned)
    } else {
        // the same test as `hyphenated_uuid`, without its copy
        let ok = raw.len() == 36
            && raw.bytes().enumerate().all(|(i, b)| if matches!(i, 8 | 13 | 18 | 23) { b == b'-' } else { b.is_ascii_hexdigit() });
        ok.then_some(Cow::Borrowed(raw))
    }
}

/// [`period_of_record`] from the Asia/Seoul dates of the record's first and last instants
/// (`seoul_date(start)`, `seoul_date((end - 1).max(start))`), which the caller has already.
fn stays_in_one_period(billing: Billing, start: i64, end: i64, first_day: time::Date, last_day: time::Date) -> bool {
    end >= start && Period::of(billing, Month::of_date(first_day)) == Period::of(billing, Month::of_date(last_day))
}

fn instant(s: &str) -> Option<i64> {
    OffsetDateTime::parse(s, &Rfc3339).ok().map(to_micros)
}

/// The fields of each record on its own: the well-formed ones, and every fault, in the order
/// the checks name them.
fn check_fields<'a>(records: &'a [Item<'_>], errors: &mut Vec<RecordError>) -> Vec<Option<Fielded<'a>>> {
    let mut parsed: Vec<Option<Fielded<'a>>> = Vec::with_capacity(records.len());
    for (i, r) in records.iter().enumerate() {
        let Item::Object(o) = r else {
            errors.push(RecordError::new(i, "invalid_field", None, "a record is a JSON object"));
            parsed.push(None);
            continue;
        };
        let before = errors.len();
        let text = |v: &'a Raw<'_>, k: &'static str, errors: &mut Vec<RecordError>| -> Option<&'a str> {
            match v {
                Raw::Absent => {
                    errors.push(RecordError::new(i, "missing_field", Some(k), format!("{k}: required")));
                    None
                }
                Raw::Text(s) if !s.trim().is_empty() => Some(s.as_ref()),
                _ => {
                    errors.push(RecordError::new(i, "invalid_field", Some(k), format!("{k}: non-empty text")));
                    None
                }
            }
        };
        let record_id = text(&o.record_id, "record_id", errors);
        if let Some(id) = record_id
            && id.len() > MAX_RECORD_ID_CHARS
            && id.chars().count() > MAX_RECORD_ID_CHARS
        {
            errors.push(RecordError::new(
                i,
                "invalid_field",
                Some("record_id"),
                format!("record_id: at most {MAX_RECORD_ID_CHARS} characters"),
            ));
        }
        let by_order = o.order_id.is_present();
        let contract = match (o.contract_id.is_present(), by_order) {
            (true, true) => {
                errors.push(RecordError::new(i, "invalid_field", Some("order_id"), "give contract_id or order_id, not both"));
                None
            }
            (false, false) => {
                errors.push(RecordError::new(i, "missing_field", Some("contract_id"), "contract_id (or order_id): required"));
                None
            }
            (true, false) => text(&o.contract_id, "contract_id", errors),
            (false, true) => text(&o.order_id, "order_id", errors),
        };
        let contract_field = if by_order { "order_id" } else { "contract_id" };
        let contract = contract.and_then(|c| match contract_key(c.trim()) {
            Some(id) => Some(id),
            None => {
                errors.push(RecordError::new(
                    i,
                    "unknown_contract",
                    Some(contract_field),
                    format!("{contract_field}: no such contract or order"),
                ));
                None
            }
        });
        let meter = text(&o.meter, "meter", errors);
        let quantity = match &o.quantity {
            Raw::Absent => {
                errors.push(RecordError::new(i, "missing_field", Some("quantity"), "quantity: required"));
                None
            }
            v => {
                let q = match v {
                    Raw::Text(s) => Quantity::parse(s),
                    // read as a `Value`'s number always was: its shortest decimal form, exactly
                    Raw::Number(n) => Quantity::from_json(&Value::Number(n.clone())),
                    _ => Err(QuantityError::NotANumber),
                };
                match q {
                    Ok(q) => Some(q),
                    Err(e) => {
                        errors.push(RecordError::new(i, "invalid_quantity", Some("quantity"), format!("quantity: {}", e.message())));
                        None
                    }
                }
            }
        };
        let mut at = |v: &Raw<'_>, k: &'static str| match v {
            Raw::Absent => {
                errors.push(RecordError::new(i, "missing_field", Some(k), format!("{k}: required")));
                None
            }
            v => (if let Raw::Text(s) = v { instant(s) } else { None }).or_else(|| {
                errors.push(RecordError::new(
                    i,
                    "invalid_field",
                    Some(k),
                    format!("{k}: an RFC 3339 instant such as 2026-11-01T00:00:00+09:00"),
                ));
                None
            }),
        };
        let (start, end) = (at(&o.period_start, "period_start"), at(&o.period_end, "period_end"));
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            errors.push(RecordError::new(i, "invalid_field", Some("period_end"), "period_end: not before period_start"));
        }
        parsed.push(match (errors.len() == before, record_id, contract, meter, quantity, start, end) {
            (true, Some(record_id), Some(contract_id), Some(meter), Some(quantity), Some(start), Some(end)) => {
                Some(Fielded { record_id, contract_id, contract_field, meter, quantity, start, end })
            }
            _ => None,
        });
    }
    parsed
}

/// What [`check`] found: the records to store (repeats within the batch with the same content
/// left out), and how many repeats there were.
type CheckedBatch<'a> = (Vec<Checked<'a>>, u64);

/// Checks every record against the contracts they name (each looked up once per batch).
/// `Ok` with the records to store, or every fault, stored conflicts included.
async fn check<'a>(
    ctx: &Context,
    supplier: &str,
    parsed: &'a [Option<Fielded<'a>>],
    mut errors: Vec<RecordError>,
) -> Result<std::result::Result<CheckedBatch<'a>, Refused>> {
    let ids: BTreeSet<&str> = parsed.iter().flatten().map(|p| p.contract_id.as_ref()).collect();
    let mut contracts: HashMap<&str, Option<Usable>> = HashMap::with_capacity(ids.len());
    for id in ids {
        contracts.insert(id, ctx.db().contract(id).await?.and_then(|c| usable(c, supplier)));
    }
    let mut checked: Vec<Checked<'a>> = Vec::with_capacity(parsed.len());
    // record id → (its index in the batch, its place in `checked`)
    let mut seen: HashMap<&str, (usize, usize)> = HashMap::with_capacity(parsed.len());
    let mut repeats = 0_u64;
    // the last contract looked up: a batch's records mostly come in runs of one contract
    let mut last: Option<(&str, &Usable)> = None;
    for (i, p) in parsed.iter().enumerate() {
        let Some(f) = p else { continue };
        let u = match last {
            Some((id, u)) if id == f.contract_id.as_ref() => u,
            _ => match contracts.get_key_value(f.contract_id.as_ref()) {
                Some((id, Some(u))) => {
                    last = Some((id, u));
                    u
                }
                _ => {
                    let field = f.contract_field;
                    errors.push(RecordError::new(
                        i,
                        "unknown_contract",
                        Some(field),
                        format!("{field}: no contract or order of yours to report usage on"),
                    ));
                    continue;
                }
            },
        };
        // only a metered line's meter takes usage (a fixed line is billed by the month)
        if !u.contract.items.iter().any(|it| it.meter == f.meter && it.model != "fixed") {
            let meters: Vec<&str> = u.contract.items.iter().filter(|it| it.model != "fixed").map(|it| it.meter.as_str()).collect();
            errors.push(RecordError::new(i, "unknown_meter", Some("meter"), format!("meter: the contract has {}", meters.join(", "))));
            continue;
        }
        // the Asia/Seoul days of its first and last instants, read once: the billing periods
        // they fall in are `period_of_record`'s test, their dates the contract's
        let (first_day, last_day) = (seoul_date(f.start), seoul_date((f.end - 1).max(f.start)));
        if !stays_in_one_period(u.billing, f.start, f.end, first_day, last_day) {
            errors.push(RecordError::new(
                i,
                "crosses_billing_period",
                Some("period_end"),
                format!("the period crosses a {} billing period's boundary (Asia/Seoul); split the record", u.billing.as_str()),
            ));
            continue;
        }
        if first_day < u.from || last_day > u.to {
            errors.push(RecordError::new(
                i,
                "outside_contract",
                Some("period_start"),
                format!("the period lies outside the contract's {} to {} (Asia/Seoul)", u.contract.starts_on, format_date(u.to)),
            ));
            continue;
        }
        let c = Checked {
            index: i,
            record_id: f.record_id,
            contract_id: f.contract_id.as_ref(),
            meter: f.meter,
            quantity_micros: f.quantity.micros(),
            period_start: f.start,
            period_end: f.end,
            month: Month::of_date(first_day).0,
        };
        match seen.entry(f.record_id) {
            Entry::Occupied(e) => {
                let (j, at) = *e.get();
                if checked[at].same_content(&c) {
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
            Entry::Vacant(e) => {
                e.insert((i, checked.len()));
                checked.push(c);
            }
        }
    }
    if errors.is_empty() {
        return Ok(Ok((checked, repeats)));
    }
    // Name the conflicts with stored records too, so one answer lists every fault.
    let ids: Vec<&str> = checked.iter().map(|c| c.record_id).collect();
    let stored = ctx.db().usage_records_by_ids(supplier, &ids).await?;
    for c in &checked {
        if stored.get(c.record_id).is_some_and(|s| !c.is_stored_as(s)) {
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
    records: &[Item<'_>],
    rid: Option<String>,
) -> Result<std::result::Result<BatchOutcome, Refused>> {
    let mut errors = Vec::new();
    let parsed = check_fields(records, &mut errors);
    let (checked, repeats) = match check(ctx, supplier, &parsed, errors).await? {
        Ok(c) => c,
        Err(r) => return Ok(Err(r)),
    };
    // The common case: every record is new.
    let mut tx = ctx.db().begin_write().await?;
    let rows: Vec<UsageRow<'_>> = checked.iter().map(Checked::row).collect();
    let written = tx.insert_usage_records(supplier, tx.now(), &rows).await?;
    let (mut tx, rows, duplicates) = if written == rows.len() as u64 {
        (tx, rows, 0)
    } else {
        // Some were stored before: sort them into duplicates and conflicts, then write the rest.
        tx.rollback().await?;
        let mut tx = ctx.db().begin_write().await?;
        let ids: Vec<&str> = checked.iter().map(|c| c.record_id).collect();
        let stored = tx.usage_records_by_ids(supplier, &ids).await?;
        let conflicts: Vec<usize> =
            checked.iter().filter(|c| stored.get(c.record_id).is_some_and(|s| !c.is_stored_as(s))).map(|c| c.index).collect();
        if !conflicts.is_empty() {
            tx.rollback().await?;
            return Ok(Err(Refused::Conflict(conflicts)));
        }
        let fresh: Vec<UsageRow<'_>> = checked.iter().filter(|c| !stored.contains_key(c.record_id)).map(Checked::row).collect();
        let written = tx.insert_usage_records(supplier, tx.now(), &fresh).await?;
        if written != fresh.len() as u64 {
            return Err(Error::internal("usage records changed under the writer's lock"));
        }
        let dups = (checked.len() - fresh.len()) as u64;
        (tx, fresh, dups)
    };
    let outcome = BatchOutcome { accepted: rows.len() as u64, duplicates: duplicates + repeats };
    if outcome.accepted > 0 {
        let contract_ids: BTreeSet<&str> = rows.iter().map(|r| r.contract_id).collect();
        tx.mark_usage_received(&contract_ids.iter().copied().collect::<Vec<_>>()).await?;
        tx.add_usage_rollup(&rollup(rows.iter().map(|r| (r.contract_id, r.meter, r.month, r.quantity_micros)))).await?;
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

/// The typed reading of a batch: each record's fields deserialised straight from the request's
/// bytes (or from a `Value` a caller already holds), text borrowed where the JSON has no escapes.
/// It is permissive on purpose: a field of any type is read (as [`Raw::Other`] when it is neither
/// text nor a number) so that the checks can name it as a bad record, exactly as they did when
/// they read a `Value` tree; only what is not JSON at all refuses the whole body. Every value it
/// does not keep is still read through to its end ([`Skip`]), so nesting deeper than
/// serde_json's limit fails as it did before, and a key given twice keeps its last value, as a
/// `serde_json::Map` does.
mod wire {
    use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
    use std::borrow::Cow;
    use std::fmt;

    /// One field of a record as sent.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub(super) enum Raw<'a> {
        /// Absent, or `null`.
        #[default]
        Absent,
        Text(Cow<'a, str>),
        Number(serde_json::Number),
        /// `true`, `false`, a list or an object.
        Other,
    }

    impl Raw<'_> {
        pub(super) fn is_present(&self) -> bool {
            !matches!(self, Raw::Absent)
        }
    }

    /// The fields of one record the checks read (any other key is read and dropped).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub(super) struct Record<'a> {
        pub record_id: Raw<'a>,
        pub contract_id: Raw<'a>,
        pub order_id: Raw<'a>,
        pub meter: Raw<'a>,
        pub quantity: Raw<'a>,
        pub period_start: Raw<'a>,
        pub period_end: Raw<'a>,
    }

    /// An element of `records`.
    #[derive(Debug, Clone, PartialEq)]
    pub(super) enum Item<'a> {
        Object(Record<'a>),
        /// Anything but an object (`null` included).
        NotObject,
    }

    /// The body's `records`.
    #[derive(Debug, Clone, PartialEq)]
    pub(super) enum Records<'a> {
        /// Absent, or `null`.
        Absent,
        List(Vec<Item<'a>>),
        NotList,
    }

    /// The whole body.
    #[derive(Debug, Clone, PartialEq)]
    pub(super) enum Body<'a> {
        Object(Records<'a>),
        NotObject,
    }

    /// Any JSON value, read to its end and dropped (through `deserialize_any`, so its nesting
    /// counts against serde_json's recursion limit as a `Value`'s does).
    pub(super) struct Skip;

    impl<'de> Deserialize<'de> for Skip {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(SkipVisitor)
        }
    }

    struct SkipVisitor;

    /// Answers `$out` for every value that is neither a list nor an object.
    macro_rules! scalars {
        ($out:expr) => {
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok($out)
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok($out)
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok($out)
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok($out)
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok($out)
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok($out)
            }
        };
    }

    /// Answers `$out` for a list or an object, read through to its end.
    macro_rules! skip_containers {
        ($out:expr) => {
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<Skip>()?.is_some() {}
                Ok($out)
            }
        };
        ($out:expr, map) => {
            skip_containers!($out);
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<Skip, Skip>()?.is_some() {}
                Ok($out)
            }
        };
    }

    impl<'de> Visitor<'de> for SkipVisitor {
        type Value = Skip;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
        scalars!(Skip);
        skip_containers!(Skip, map);
    }

    impl<'de> Deserialize<'de> for Raw<'de> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(RawVisitor)
        }
    }

    struct RawVisitor;

    impl<'de> Visitor<'de> for RawVisitor {
        type Value = Raw<'de>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Raw::Other)
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Raw::Number(v.into()))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Raw::Number(v.into()))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
            // as serde_json's `Value` reads it: a float that is no JSON number is null
            Ok(serde_json::Number::from_f64(v).map_or(Raw::Absent, Raw::Number))
        }
        fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Raw::Text(Cow::Borrowed(v)))
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Raw::Text(Cow::Owned(v.to_owned())))
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Raw::Text(Cow::Owned(v)))
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Raw::Absent)
        }
        skip_containers!(Raw::Other, map);
    }

    /// A record's key: one the checks read, or another.
    enum Key {
        RecordId,
        ContractId,
        OrderId,
        Meter,
        Quantity,
        PeriodStart,
        PeriodEnd,
        Other,
    }

    impl<'de> Deserialize<'de> for Key {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_str(KeyVisitor)
        }
    }

    struct KeyVisitor;

    impl<'de> Visitor<'de> for KeyVisitor {
        type Value = Key;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a key")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(match v {
                "record_id" => Key::RecordId,
                "contract_id" => Key::ContractId,
                "order_id" => Key::OrderId,
                "meter" => Key::Meter,
                "quantity" => Key::Quantity,
                "period_start" => Key::PeriodStart,
                "period_end" => Key::PeriodEnd,
                _ => Key::Other,
            })
        }
    }

    impl<'de> Deserialize<'de> for Item<'de> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(ItemVisitor)
        }
    }

    struct ItemVisitor;

    impl<'de> Visitor<'de> for ItemVisitor {
        type Value = Item<'de>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
        scalars!(Item::NotObject);
        skip_containers!(Item::NotObject);
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut r = Record::default();
            while let Some(k) = map.next_key::<Key>()? {
                // a key given twice keeps its last value
                let slot = match k {
                    Key::RecordId => &mut r.record_id,
                    Key::ContractId => &mut r.contract_id,
                    Key::OrderId => &mut r.order_id,
                    Key::Meter => &mut r.meter,
                    Key::Quantity => &mut r.quantity,
                    Key::PeriodStart => &mut r.period_start,
                    Key::PeriodEnd => &mut r.period_end,
                    Key::Other => {
                        map.next_value::<Skip>()?;
                        continue;
                    }
                };
                *slot = map.next_value::<Raw<'de>>()?;
            }
            Ok(Item::Object(r))
        }
    }

    impl<'de> Deserialize<'de> for Records<'de> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(RecordsVisitor)
        }
    }

    struct RecordsVisitor;

    impl<'de> Visitor<'de> for RecordsVisitor {
        type Value = Records<'de>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Records::NotList)
        }
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(Records::NotList)
        }
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(Records::NotList)
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(Records::NotList)
        }
        fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(Records::NotList)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Records::Absent)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(super::MAX_BATCH + 1));
            while let Some(item) = seq.next_element::<Item<'de>>()? {
                items.push(item);
            }
            Ok(Records::List(items))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<Skip, Skip>()?.is_some() {}
            Ok(Records::NotList)
        }
    }

    /// The body's key: `records` or another.
    struct BodyKey(bool);

    impl<'de> Deserialize<'de> for BodyKey {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_str(BodyKeyVisitor)
        }
    }

    struct BodyKeyVisitor;

    impl<'de> Visitor<'de> for BodyKeyVisitor {
        type Value = BodyKey;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a key")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(BodyKey(v == "records"))
        }
    }

    impl<'de> Deserialize<'de> for Body<'de> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(BodyVisitor)
        }
    }

    struct BodyVisitor;

    impl<'de> Visitor<'de> for BodyVisitor {
        type Value = Body<'de>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
        scalars!(Body::NotObject);
        skip_containers!(Body::NotObject);
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut records = Records::Absent;
            while let Some(BodyKey(is_records)) = map.next_key::<BodyKey>()? {
                if is_records {
                    records = map.next_value::<Records<'de>>()?;
                } else {
                    map.next_value::<Skip>()?;
                }
            }
            Ok(Body::Object(records))
        }
    }

    /// Reads a request body: what is not JSON is `Err` with serde_json's own words.
    pub(super) fn from_slice(bytes: &[u8]) -> Result<Body<'_>, serde_json::Error> {
        serde_json::from_slice(bytes)
    }

    /// Reads a value a caller already holds (it never fails: every value is some [`Body`]).
    pub(super) fn from_value(v: &serde_json::Value) -> Result<Body<'_>, serde_json::Error> {
        Body::deserialize(v)
    }
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
    // ---------------------------------------------------------------------------------------
    // The typed reading against the `Value` reading it replaced (kept here, as it was, as the
    // reference): the same records, the same faults in the same order, the same refusals.

    /// The fields of a well-formed record, as both readings give them.
    type Plain = (String, String, &'static str, String, Quantity, i64, i64);

    /// The body checks of `submit` before the typed reading, from the bytes as the web door read them.
    fn reference_batch(bytes: &[u8]) -> Result<Vec<Value>> {
        let body: Value = if bytes.iter().all(u8::is_ascii_whitespace) {
            json!({})
        } else {
            serde_json::from_slice(bytes).map_err(|e| Error::new(Code::InvalidBody, format!("the body is not JSON: {e}")))?
        };
        let fields = crate::body::Fields::of(&body)?;
        let records = crate::body::required(fields.array("records")?, "records")?;
        if records.len() > MAX_BATCH {
            return Err(Error::new(
                Code::BatchTooLarge,
                format!("a batch holds at most {MAX_BATCH} records; this one holds {}", records.len()),
            )
            .with("max", MAX_BATCH.into()));
        }
        Ok(records.clone())
    }

    fn reference_instant(v: &Value) -> Option<i64> {
        OffsetDateTime::parse(v.as_str()?, &Rfc3339).ok().map(to_micros)
    }

    /// The first part of `check` before the typed reading, verbatim but for its output.
    fn reference_fields(records: &[Value]) -> (Vec<Option<Plain>>, Vec<RecordError>) {
        let mut errors = Vec::new();
        let mut parsed = Vec::with_capacity(records.len());
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
                Some(v) => reference_instant(v).or_else(|| {
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
                (true, Some(r), Some(c), Some(m), Some(q), Some(s), Some(e)) => {
                    Some((r.to_owned(), c, field_of_contract, m.to_owned(), q, s, e))
                }
                _ => None,
            });
        }
        (parsed, errors)
    }

    fn typed_fields(records: &[Item<'_>]) -> (Vec<Option<Plain>>, Vec<RecordError>) {
        let mut errors = Vec::new();
        let parsed = check_fields(records, &mut errors)
            .into_iter()
            .map(|f| {
                f.map(|f| {
                    (f.record_id.to_owned(), f.contract_id.into_owned(), f.contract_field, f.meter.to_owned(), f.quantity, f.start, f.end)
                })
            })
            .collect();
        (parsed, errors)
    }

    /// A body's refusal (code and message), or its records' fields and faults.
    type Reading = std::result::Result<(Vec<Option<Plain>>, Vec<RecordError>), (Code, String)>;

    /// What each reading makes of a body: its refusal (code and message), or its records' fields
    /// and faults. The typed reading is taken from the bytes and from the `Value`.
    fn both(body: &str) -> (Reading, [Reading; 2]) {
        let refusal = |e: Error| (e.code, e.message);
        let old = reference_batch(body.as_bytes()).map(|r| reference_fields(&r)).map_err(refusal);
        let from_bytes = read_body(body.as_bytes()).and_then(batch_of).map(|r| typed_fields(&r)).map_err(refusal);
        let from_value = match serde_json::from_slice::<Value>(body.as_bytes()) {
            Ok(v) => wire::from_value(&v).map_err(Error::internal).and_then(batch_of).map(|r| typed_fields(&r)).map_err(refusal),
            // not JSON: the `Value` door never sees it
            Err(_) => from_bytes.clone(),
        };
        (old, [from_bytes, from_value])
    }

    fn assert_same(body: &str) {
        let (old, new) = both(body);
        for n in new {
            assert_eq!(n, old, "{body}");
        }
    }

    #[test]
    fn a_body_is_refused_or_read_as_before() {
        let deep = format!("{{\"records\": [], \"x\": {}1{}}}", "[".repeat(200), "]".repeat(200));
        let deep_in_record = format!("{{\"records\": [{{\"note\": {}1{}}}]}}", "[".repeat(200), "]".repeat(200));
        let deep_ok = format!("{{\"records\": [{{\"note\": {}1{}}}]}}", "[".repeat(100), "]".repeat(100));
        let many = format!("{{\"records\": [{}]}}", vec!["{}"; MAX_BATCH + 1].join(","));
        for body in [
            "",
            "  \n",
            "[]",
            "1",
            "null",
            "\"x\"",
            "{",
            "}",
            "{\"records\": 5}",
            "{\"records\": null}",
            "{\"records\": \"x\"}",
            "{\"records\": {}}",
            "{\"records\": true}",
            "{\"records\": 1.5}",
            "{\"records\": [1,]}",
            "{\"records\": []} x",
            "{\"records\": []}",
            "{\"rows\": []}",
            "{\"records\": [], \"records\": 5}",
            "{\"records\": 5, \"records\": []}",
            "{\"records\": [null, 1, \"x\", [], true, {}]}",
            "{\"records\": [\"\\ud800\"]}",
            "{\"records\": [1e400]}",
            "{\"records\": [{\"quantity\": 1e400}]}",
            "{\"records\": [NaN]}",
            "{\"rec\\u006frds\": [{}]}",
            "\u{feff}{\"records\": []}",
            "{\"records\": [{\"record_id\": \"a\" \"b\"}]}",
            "{\"records\": [{\"record_id\": \"\\x\"}]}",
            "{\"records\": [{1: 2}]}",
            &deep,
            &deep_in_record,
            &deep_ok,
            &many,
        ] {
            assert_same(body);
        }
    }

    /// A small deterministic generator (no seed from the clock: the same cases every run).
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self, n: usize) -> usize {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((self.0 >> 33) as usize) % n
        }
    }

    #[test]
    fn every_record_is_read_and_faulted_as_before() {
        let c = "0190f5c2-7b1e-7d3a-9c4e-2a1b3c4d5e6f";
        let texts = [
            "\"r-1\"",
            "\"\"",
            "\"  \"",
            "\"r\\u002d2\"",
            "\"é\"",
            "\"\\n\"",
            "1",
            "0",
            "true",
            "null",
            "[]",
            "{}",
            "[\"r\"]",
            "{\"a\": [1]}",
            "1.5",
        ];
        let long_ok = format!("\"{}\"", "가".repeat(MAX_RECORD_ID_CHARS));
        let long_bad = format!("\"{}\"", "x".repeat(MAX_RECORD_ID_CHARS + 1));
        let ids: Vec<String> = [
            format!("\"{c}\""),
            format!("\"{}\"", c.to_uppercase()),
            format!("\" {c} \""),
            format!("\"{}\"", c.replace('-', "")),
            format!("\"{}\\u0066\"", &c[..35]),
            "\"nope\"".to_owned(),
        ]
        .into_iter()
        .chain(texts.iter().map(|t| (*t).to_owned()))
        .collect();
        let quantities = [
            "\"1.5\"",
            "\"0.000001\"",
            "\"0.0000001\"",
            "\"-1\"",
            "\"-0\"",
            "\"1e3\"",
            "\" 2 \"",
            "\"\"",
            "\"x\"",
            "2",
            "0.1",
            "1e-6",
            "1e-7",
            "2.5e-5",
            "-1",
            "-0",
            "-0.0",
            "1e20",
            "18446744073709551616",
            "9.9999999999e-6",
            "0.1234567",
            "1000000000",
            "1000000000.000001",
            "true",
            "null",
            "[]",
            "{}",
            "\"1.500000\"",
            "1E2",
            "123456789012.5",
        ];
        let instants = [
            "\"2026-11-01T00:00:00+09:00\"",
            "\"2026-11-01T01:00:00Z\"",
            "\"2026-10-31T15:00:00.5Z\"",
            "\"2026-11-01T00:00:00\"",
            "\"yesterday\"",
            "\"\"",
            "1",
            "null",
            "[]",
            "\"2026-11-01t00:00:00z\"",
            "\"2026-02-30T00:00:00Z\"",
        ];
        let keys = ["record_id", "contract_id", "order_id", "meter", "quantity", "period_start", "period_end"];
        let mut g = Lcg(24);
        for _ in 0..300 {
            let mut records = Vec::new();
            for _ in 0..20 {
                let mut fields: Vec<String> = Vec::new();
                for (k, key) in keys.iter().enumerate() {
                    // each field absent about a sixth of the time, or given twice, or among other keys
                    // each field well formed three times in four, else anything
                    let value = |g: &mut Lcg| -> String {
                        let good = g.next(4) != 0;
                        match k {
                            0 if good => format!("\"r-{}\"", g.next(40)),
                            0 => match g.next(4) {
                                0 => long_ok.clone(),
                                1 => long_bad.clone(),
                                _ => texts[g.next(texts.len())].to_owned(),
                            },
                            1 | 2 if good => ids[g.next(3)].clone(),
                            1 | 2 => ids[g.next(ids.len())].clone(),
                            3 if good => "\"vCPU-hour\"".to_owned(),
                            3 => ["\"GB-month\"", "\"\"", "3", "null", "\"v\\u0043PU-hour\""][g.next(5)].to_owned(),
                            4 if good => quantities[g.next(2)].to_owned(),
                            4 => quantities[g.next(quantities.len())].to_owned(),
                            _ if good => instants[g.next(3)].to_owned(),
                            _ => instants[g.next(instants.len())].to_owned(),
                        }
                    };
                    let absent = if k == 2 { g.next(6) != 0 } else { g.next(20) == 0 };
                    if absent {
                        continue;
                    }
                    fields.push(format!("\"{key}\": {}", value(&mut g)));
                    if g.next(12) == 0 {
                        fields.push(format!("\"{key}\": {}", value(&mut g)));
                    }
                    if g.next(10) == 0 {
                        fields.push("\"note\": {\"deep\": [1, {\"x\": null}]}".to_owned());
                    }
                }
                if g.next(8) == 0 && !fields.is_empty() {
                    let n = g.next(fields.len());
                    fields.swap(0, n);
                }
                records.push(match g.next(30) {
                    0 => "null".to_owned(),
                    1 => "[1, 2]".to_owned(),
                    _ => format!("{{{}}}", fields.join(", ")),
                });
            }
            assert_same(&format!("{{\"records\": [{}]}}", records.join(",\n")));
        }
    }

    #[test]
    fn one_period_is_period_of_record() {
        use gureum_domain::usage::period_of_record;
        let hour = 3_600_000_000_i64;
        let base = Month(202612).start_micros();
        for billing in [Billing::Monthly, Billing::Quarterly] {
            for s in (-24 * 100..24 * 100).step_by(7) {
                for len in [-1, 0, 1, hour, 24 * hour, 40 * 24 * hour, 100 * 24 * hour] {
                    let (start, end) = (base + s * hour - 1 + (s % 3), base + s * hour + len);
                    let (first, last) = (seoul_date(start), seoul_date((end - 1).max(start)));
                    assert_eq!(stays_in_one_period(billing, start, end, first, last), period_of_record(billing, start, end).is_some());
                    assert_eq!(Month::of_date(first), Month::of_instant(start));
                }
            }
        }
    }

    #[test]
    fn a_contract_key_is_the_id_in_lower_case() {
        for raw in
            ["0190F5C2-7B1E-7D3A-9C4E-2A1B3C4D5E6F", "0190f5c2-7b1e-7d3a-9c4e-2a1b3c4d5e6f", "0190f5c27b1e7d3a9c4e2a1b3c4d5e6f", "", "x"]
        {
            assert_eq!(contract_key(raw).map(Cow::into_owned), crate::ids::hyphenated_uuid(raw), "{raw}");
        }
    }
}
