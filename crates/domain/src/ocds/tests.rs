use super::*;

fn agency() -> Org {
    Org { key: "a1".into(), name: "데모시청".into(), business_number: None }
}

fn supplier() -> Org {
    Org { key: "s1".into(), name: "구름소프트".into(), business_number: Some("220-81-62517".into()) }
}

fn line(price: Option<i64>) -> Line {
    Line {
        service_code: "SAS-4-09-10374".into(),
        service_name: Some("민원 챗봇".into()),
        plan: "기본".into(),
        unit: Some("user-month".into()),
        quantity: 50,
        months: 12,
        unit_price_krw: price,
    }
}

fn terms(value: i64, ends_on: &str) -> Terms {
    Terms { lines: vec![line(Some(1_000))], value_krw: value, starts_on: "2026-07-01".into(), ends_on: ends_on.into() }
}

fn contract(award: &str) -> ContractFacts {
    ContractFacts { id: "c1".into(), award_id: award.into(), suppliers: vec![supplier()] }
}

const DAY: i64 = 86_400_000_000;

fn process() -> Process {
    Process {
        ocid: ocid(DEFAULT_PREFIX, "p1"),
        tender_id: "p1".into(),
        buyer: agency(),
        facts: vec![
            Fact::Payment {
                contract: contract("d1"),
                invoice_id: "i1".into(),
                paid_on: "2026-09-10".into(),
                amount_krw: 660_000,
                payee: supplier(),
                at: 9 * DAY,
            },
            Fact::Planning { project_id: "p1".into(), title: "챗봇 도입".into(), required_grade: Some("medium".into()), at: DAY },
            Fact::Tender {
                request_id: "q1".into(),
                lines: vec![line(None)],
                starts_on: "2026-07-01".into(),
                ends_on: "2027-06-30".into(),
                at: 2 * DAY,
            },
            Fact::Award {
                record_id: "d1".into(),
                reason: "가장 적합".into(),
                hash: "ab".repeat(32),
                lines: vec![line(None)],
                suppliers: vec![supplier()],
                at: 3 * DAY,
            },
            Fact::Contract { contract: contract("d1"), terms: terms(600_000, "2027-06-30"), method: Method::Negotiated, at: 4 * DAY },
            Fact::Amendment {
                contract: contract("d1"),
                amendment_id: "m1".into(),
                rationale: "기간 연장".into(),
                terms: terms(800_000, "2027-12-31"),
                at: 5 * DAY,
            },
            Fact::Termination { contract: contract("d1"), at: 10 * DAY },
        ],
    }
}

#[test]
fn releases_come_in_date_order_with_stable_ids_and_tags() {
    let p = process();
    let rs = p.releases();
    let ids: Vec<&str> = rs.iter().map(|r| r["id"].as_str().unwrap_or_default()).collect();
    assert_eq!(ids, ["planning-p1", "tender-q1", "award-d1", "contract-c1", "amendment-m1", "payment-i1", "termination-c1"]);
    let tags: Vec<&Value> = rs.iter().map(|r| &r["tag"]).collect();
    assert_eq!(tags[0], &json!(["planning"]));
    assert_eq!(tags[3], &json!(["contract"]), "the award came with the decision record");
    assert_eq!(tags[6], &json!(["contractTermination"]));
    assert_eq!(p.releases(), rs, "the same facts give the same releases");
    assert!(rs.iter().all(|r| r["ocid"] == "ocds-gureum-p1" && r["initiationType"] == "tender"));
}

#[test]
fn a_contract_without_a_decision_record_carries_its_award() {
    let f = Fact::Contract { contract: contract("c1"), terms: terms(1, "2026-12-31"), method: Method::Negotiated, at: DAY };
    assert_eq!(f.tags(), ["award", "contract"]);
    let p = Process { ocid: "x-q1".into(), tender_id: "q1".into(), buyer: agency(), facts: vec![f.clone()] };
    let r = p.release(&f);
    assert_eq!(r["awards"][0]["id"], "c1");
    assert_eq!(r["contracts"][0]["awardID"], "c1");
}

#[test]
fn parties_carry_business_numbers_under_kr_brn() {
    let p = process();
    let r = &p.releases()[2];
    let s = r["parties"].as_array().and_then(|ps| ps.iter().find(|x| x["name"] == "구름소프트")).cloned().unwrap_or_default();
    assert_eq!(s["id"], "KR-BRN-2208162517");
    assert_eq!(s["identifier"], json!({"scheme": "KR-BRN", "id": "2208162517", "legalName": "구름소프트"}));
    assert_eq!(r["awards"][0]["suppliers"][0]["id"], "KR-BRN-2208162517");
    let b = &r["parties"][0];
    assert_eq!(b["id"], "GUREUM-a1");
    assert!(b.get("identifier").is_none());
}

#[test]
fn the_compiled_release_merges_by_id_and_keeps_the_newest_value() {
    let rec = process().record();
    let c = &rec["compiledRelease"];
    assert_eq!(c["tag"], json!(["compiled"]));
    assert_eq!(c["id"], "ocds-gureum-p1-compiled");
    assert_eq!(c["date"], rfc3339_utc(10 * DAY));
    assert_eq!(c["tender"]["status"], "complete");
    assert_eq!(c["tender"]["title"], "챗봇 도입", "kept from planning");
    assert_eq!(c["tender"]["items"].as_array().map(Vec::len), Some(1));
    let k = &c["contracts"];
    assert_eq!(k.as_array().map(Vec::len), Some(1), "one contract, merged: {k}");
    assert_eq!(k[0]["status"], "terminated");
    assert_eq!(k[0]["value"]["amount"], 800_000, "the amendment's value");
    assert_eq!(k[0]["period"]["startDate"], "2026-07-01T00:00:00+09:00");
    assert_eq!(k[0]["period"]["endDate"], rfc3339_utc(10 * DAY), "ended early");
    assert_eq!(k[0]["amendments"][0]["rationale"], "기간 연장");
    assert_eq!(k[0]["implementation"]["transactions"][0]["value"], json!({"amount": 660_000, "currency": "KRW"}));
    assert_eq!(c["parties"].as_array().map(Vec::len), Some(2));
    assert_eq!(rec["releases"].as_array().map(Vec::len), Some(7));
}

#[test]
fn merging_replaces_text_lists_and_merges_object_lists() {
    let a = json!({"ocid": "o", "date": "1", "tag": ["tender"], "x": {"k": [1, 2], "l": [{"id": "1", "v": 1}]}});
    let b = json!({"ocid": "o", "date": "2", "tag": ["award"], "x": {"k": [3], "l": [{"id": "1", "w": 2}, {"id": "2"}]}});
    let c = compile(&[a, b]);
    assert_eq!(c["x"]["k"], json!([3]));
    assert_eq!(c["x"]["l"], json!([{"id": "1", "v": 1, "w": 2}, {"id": "2"}]));
    assert_eq!(c["date"], "2");
}

#[test]
fn an_ocid_gives_back_its_id_only_under_its_prefix() {
    assert_eq!(ocid_id("ocds-gureum", "ocds-gureum-abc"), Some("abc"));
    assert_eq!(ocid_id("ocds-gureum", "ocds-other-abc"), None);
    assert_eq!(ocid_id("ocds-gureum", "ocds-gureum-"), None);
    assert_eq!(ocid_id("ocds-gureum", "ocds-gureumabc"), None);
}

#[test]
fn orders_are_tendered_then_confirmed_or_refused() {
    let order = Fact::Order { order_id: "o1".into(), terms: terms(5, "2026-12-31"), method: Method::Catalog, at: DAY };
    let refused = Fact::OrderRefused { order_id: "o1".into(), at: 2 * DAY };
    let p = Process { ocid: "x-o1".into(), tender_id: "o1".into(), buyer: agency(), facts: vec![refused.clone(), order.clone()] };
    let rs = p.releases();
    assert_eq!(rs[0]["tag"], json!(["tender"]));
    assert_eq!(rs[0]["tender"]["value"]["amount"], 5);
    assert_eq!(rs[1]["tag"], json!(["tenderUpdate"]));
    assert_eq!(compile(&rs)["tender"]["status"], "unsuccessful");
}

#[test]
fn packages_carry_their_metadata_and_next_link() {
    let meta = PackageMeta {
        uri: "http://x/api/v1/ocds/releases".into(),
        publisher_name: "구름".into(),
        publisher_uri: "http://x".into(),
        published_at: DAY,
    };
    let p = release_package(&meta, vec![json!({"id": "r"})], Some("http://x/next".into()));
    assert_eq!(p["version"], "1.1");
    assert_eq!(p["links"]["next"], "http://x/next");
    assert_eq!(p["publishedDate"], rfc3339_utc(DAY));
    let p = record_package(&meta, vec![]);
    assert!(p.get("links").is_none() && p["records"] == json!([]));
}

#[test]
fn facts_of_one_instant_follow_the_process_s_stages() {
    let mut p = process();
    for f in &mut p.facts {
        match f {
            Fact::Planning { at, .. }
            | Fact::Tender { at, .. }
            | Fact::Award { at, .. }
            | Fact::Contract { at, .. }
            | Fact::Order { at, .. }
            | Fact::OrderRefused { at, .. }
            | Fact::Amendment { at, .. }
            | Fact::Termination { at, .. }
            | Fact::Payment { at, .. } => *at = DAY,
        }
    }
    let ids: Vec<String> = p.releases().iter().map(|r| r["id"].as_str().unwrap_or_default().to_owned()).collect();
    assert_eq!(ids, ["planning-p1", "tender-q1", "award-d1", "contract-c1", "amendment-m1", "payment-i1", "termination-c1"]);
    assert_eq!(compile(&p.releases())["contracts"][0]["status"], "terminated");
}
