//! Every answer of the buying machines, and the rules around them.

use super::*;
use crate::ServiceKind;
use crate::ServiceStatus;
use crate::cert::{CertType, Certification};
use proptest::prelude::*;
use time::macros::{date, datetime};

/// Reads a table: a header of actions, then one row per status; a cell is the status afterwards,
/// `!` for `invalid_status`, or a refusal's code.
fn check_table<S: Copy + std::fmt::Debug + PartialEq, A: Copy + std::fmt::Debug>(
    table: &str,
    statuses: &[S],
    actions: &[A],
    parse: impl Fn(&str) -> Option<S>,
    action_name: impl Fn(A) -> &'static str,
    status_name: impl Fn(S) -> &'static str,
    decide: impl Fn(S, A) -> Result<S, Refusal>,
) {
    let mut lines = table.lines().filter(|l| !l.trim().is_empty());
    let header = lines.next().expect("header");
    let names: Vec<&str> = header.split_once('|').expect("header").1.split_whitespace().collect();
    assert_eq!(names, actions.iter().map(|a| action_name(*a)).collect::<Vec<_>>(), "the header names every action in order");
    let mut rows = 0;
    for line in lines {
        let (status, cells) = line.split_once('|').expect("row");
        let status = parse(status.trim()).expect("status");
        let cells: Vec<&str> = cells.split_whitespace().collect();
        assert_eq!(cells.len(), actions.len(), "{line}");
        for (action, cell) in actions.iter().zip(cells) {
            let got = decide(status, *action);
            match cell {
                "!" => assert_eq!(
                    got,
                    Err(Refusal::InvalidStatus { status: status_name(status), action: action_name(*action) }),
                    "{status:?} {action:?}"
                ),
                c => match parse(c) {
                    Some(s) => assert_eq!(got, Ok(s), "{status:?} {action:?}"),
                    None => assert_eq!(got.map_err(Refusal::code), Err(c), "{status:?} {action:?}"),
                },
            }
        }
        rows += 1;
    }
    assert_eq!(rows, statuses.len(), "one row per status");
}

const PROJECT: &str = r"
status    | record_search   set_shortlist   decide          cancel
open      | open            open            decided         cancelled
decided   | project_decided project_decided project_decided project_decided
cancelled | !               !               !               !
";

#[test]
fn project_table() {
    check_table(
        PROJECT,
        &ProjectStatus::ALL,
        &ProjectAction::ALL,
        ProjectStatus::parse,
        ProjectAction::as_str,
        ProjectStatus::as_str,
        |s, a| decide_project(s, a, Actor::Buyer),
    );
}

const QUOTE: &str = r"
status    | offer   withdraw  use
requested | offered !         !
offered   | !       withdrawn used
used      | !       !         !
withdrawn | !       !         !
expired   | !       !         quote_expired
";

#[test]
fn quote_table() {
    check_table(QUOTE, &QuoteStatus::ALL, &QuoteAction::ALL, QuoteStatus::parse, QuoteAction::as_str, QuoteStatus::as_str, |s, a| {
        let actor = if a == QuoteAction::Use { Actor::Buyer } else { Actor::SupplierAdmin };
        decide_quote(s, a, actor)
    });
}

const CONTRACT: &str = r"
status        | accept  start   end     amend   terminate   return_data    confirm_return
draft         | draft   !       !       !       !           !              !
signed        | !       active  ended   signed  terminated  !              !
active        | !       !       ended   active  terminated  !              !
terminated    | !       !       !       !       !           data_returned  !
ended         | !       !       !       !       !           data_returned  !
data_returned | !       !       !       !       !           !              closed
closed        | !       !       !       !       !           !              !
";

fn contract_performer(a: ContractAction) -> Actor {
    match a {
        ContractAction::Accept | ContractAction::ReturnData | ContractAction::Amend => Actor::SupplierAdmin,
        ContractAction::Start | ContractAction::End => Actor::System,
        ContractAction::Terminate | ContractAction::ConfirmReturn => Actor::Signatory,
    }
}

#[test]
fn contract_table() {
    check_table(
        CONTRACT,
        &ContractStatus::ALL,
        &ContractAction::ALL,
        ContractStatus::parse,
        ContractAction::as_str,
        ContractStatus::as_str,
        |s, a| decide_contract(s, a, contract_performer(a)),
    );
}

const ORDER: &str = r"
status    | confirm   refuse
requested | confirmed refused
confirmed | !         !
refused   | !         !
";

#[test]
fn order_table() {
    check_table(ORDER, &OrderStatus::ALL, &OrderAction::ALL, OrderStatus::parse, OrderAction::as_str, OrderStatus::as_str, |s, a| {
        decide_order(s, a, Actor::SupplierAdmin)
    });
}

const AMENDMENT: &str = r"
status   | accept   refuse
proposed | accepted refused
accepted | !        !
refused  | !        !
";

#[test]
fn amendment_table() {
    for (actor, proposer) in [(Actor::SupplierAdmin, Side::Agency), (Actor::Signatory, Side::Supplier), (Actor::Buyer, Side::Supplier)] {
        check_table(
            AMENDMENT,
            &AmendmentStatus::ALL,
            &AmendmentAction::ALL,
            AmendmentStatus::parse,
            AmendmentAction::as_str,
            AmendmentStatus::as_str,
            |s, a| decide_amendment(s, a, actor, proposer),
        );
    }
}

/// The actor is checked before the status: for every status, the answer to a disallowed actor is
/// the same (404 for an outsider, 403 otherwise), whatever the status.
#[test]
fn who_may_ask() {
    for actor in Actor::ALL {
        let expected = if actor == Actor::Outsider { Refusal::NotFound } else { Refusal::Forbidden };
        for s in ProjectStatus::ALL {
            for a in ProjectAction::ALL {
                let got = decide_project(s, a, actor);
                if actor == Actor::Buyer {
                    assert!(!matches!(got, Err(Refusal::Forbidden | Refusal::NotFound)));
                } else {
                    assert_eq!(got, Err(expected), "{s:?} {a:?} {actor:?}");
                }
            }
        }
        for s in QuoteStatus::ALL {
            for a in QuoteAction::ALL {
                let ok = match a {
                    QuoteAction::Use => actor == Actor::Buyer,
                    _ => matches!(actor, Actor::SupplierAdmin | Actor::SupplierMember),
                };
                let got = decide_quote(s, a, actor);
                if ok {
                    assert!(!matches!(got, Err(Refusal::Forbidden | Refusal::NotFound)));
                } else {
                    assert_eq!(got, Err(expected), "{s:?} {a:?} {actor:?}");
                }
            }
        }
        for s in ContractStatus::ALL {
            for a in ContractAction::ALL {
                use Actor::*;
                let ok = match a {
                    ContractAction::Accept => matches!(actor, SupplierAdmin | Signatory),
                    ContractAction::Start | ContractAction::End => actor == System,
                    ContractAction::Amend | ContractAction::Terminate => matches!(actor, Buyer | Signatory | SupplierAdmin),
                    ContractAction::ReturnData => actor == SupplierAdmin,
                    ContractAction::ConfirmReturn => matches!(actor, Buyer | Signatory),
                };
                let got = decide_contract(s, a, actor);
                if ok {
                    assert!(!matches!(got, Err(Refusal::Forbidden | Refusal::NotFound)));
                } else {
                    assert_eq!(got, Err(expected), "{s:?} {a:?} {actor:?}");
                }
            }
        }
        for s in OrderStatus::ALL {
            for a in OrderAction::ALL {
                let got = decide_order(s, a, actor);
                if matches!(actor, Actor::SupplierAdmin | Actor::SupplierMember) {
                    assert!(!matches!(got, Err(Refusal::Forbidden | Refusal::NotFound)));
                } else {
                    assert_eq!(got, Err(expected), "{s:?} {a:?} {actor:?}");
                }
            }
        }
    }
}

#[test]
fn the_proposer_never_answers_its_own_amendment() {
    for s in AmendmentStatus::ALL {
        for a in AmendmentAction::ALL {
            assert_eq!(decide_amendment(s, a, Actor::SupplierAdmin, Side::Supplier), Err(Refusal::OwnAmendment));
            assert_eq!(decide_amendment(s, a, Actor::Signatory, Side::Agency), Err(Refusal::OwnAmendment));
            assert_eq!(decide_amendment(s, a, Actor::Buyer, Side::Agency), Err(Refusal::OwnAmendment));
            for side in [Side::Agency, Side::Supplier] {
                assert_eq!(decide_amendment(s, a, Actor::Outsider, side), Err(Refusal::NotFound));
                assert_eq!(decide_amendment(s, a, Actor::System, side), Err(Refusal::Forbidden));
                assert_eq!(decide_amendment(s, a, Actor::SupplierMember, side), Err(Refusal::Forbidden));
                assert_eq!(decide_amendment(s, a, Actor::AgencyOther, side), Err(Refusal::Forbidden));
            }
        }
    }
    assert_eq!(check_cap(999, 1000), Err(Refusal::BelowInvoiced));
    assert_eq!(check_cap(1000, 1000), Ok(()));
    assert_eq!(Refusal::BelowInvoiced.http_status(), 409);
}

#[test]
fn codes_are_stable_snake_case_and_distinct() {
    let mut seen = std::collections::BTreeSet::new();
    for r in Refusal::ALL {
        let c = r.code();
        assert!(c.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'), "{c}");
        assert!(seen.insert(c), "{c} twice");
        assert!(!r.message_en().is_empty() && !r.message_ko().is_empty());
        assert!([400, 403, 404, 409].contains(&r.http_status()));
    }
    for spec in [
        "shortlist_size",
        "not_in_long_list",
        "project_decided",
        "price_above_listed",
        "text_changed",
        "shares_not_100",
        "catalog_contract_ended",
        "below_invoiced",
    ] {
        assert!(seen.contains(spec), "{spec}");
    }
    assert_eq!(Refusal::ShortlistSize.http_status(), 400);
    assert_eq!(Refusal::TextChanged.http_status(), 409);
    assert_eq!(Refusal::ProjectDecided.http_status(), 409);
}

#[test]
fn names_round_trip() {
    for s in ContractStatus::ALL {
        assert_eq!(ContractStatus::parse(s.as_str()), Some(s));
    }
    for t in ContractType::ALL {
        assert_eq!(ContractType::parse(t.as_str()), Some(t));
    }
    assert_eq!(ContractType::parse("joint"), Some(ContractType::Joint));
    assert_eq!(QuoteStatus::parse("Offered"), None);
}

#[test]
fn long_list_is_capped_at_100() {
    let mut long: Vec<u32> = (0..95).collect();
    // 0..3 are already on it, 95..110 are new: 5 fit, 10 are left out; a repeat counts once.
    let left = merge_long_list(&mut long, (0..3).chain(95..110).chain([105, 95]), |x| *x);
    assert_eq!(left, 10);
    assert_eq!(long.len(), 100);
    assert_eq!(&long[95..], &[95, 96, 97, 98, 99]);
    assert_eq!(merge_long_list(&mut long, 0..100, |x| *x), 0, "all already on it");
    let mut empty: Vec<(u32, &str)> = Vec::new();
    assert_eq!(merge_long_list(&mut empty, [(1, "r1"), (1, "r2")], |x| x.0), 0);
    assert_eq!(empty, [(1, "r1")], "the revision first seen stays");
}

#[test]
fn shortlist_rules() {
    let long: Vec<u32> = (0..20).collect();
    assert_eq!(check_shortlist(&long, &[]), Err(Refusal::ShortlistSize));
    assert_eq!(check_shortlist(&long, &(0..11).collect::<Vec<_>>()), Err(Refusal::ShortlistSize));
    assert_eq!(check_shortlist(&long, &(0..10).collect::<Vec<_>>()).map(|v| v.len()), Ok(10));
    assert_eq!(check_shortlist(&long, &[3, 3, 4]), Ok(vec![3, 4]), "a repeat counts once");
    assert_eq!(check_shortlist(&long, &[3, 42]), Err(Refusal::NotInLongList));
    assert_eq!(check_decision(&[3, 4], &[4], "가장 저렴"), Ok(()));
    assert_eq!(check_decision(&[3, 4], &[5], "x"), Err(Refusal::NotInShortList));
    assert_eq!(check_decision::<u32>(&[3, 4], &[], "x"), Err(Refusal::NotInShortList));
    assert_eq!(check_decision(&[3, 4], &[3], "  "), Err(Refusal::ReasonRequired));
    assert_eq!(check_reason(&"가".repeat(2001)), Err(Refusal::InvalidReason));
    assert_eq!(check_reason(&"가".repeat(2000)), Ok(()));
}

fn item(plan: &str, price: i64, q: i64, m: i64) -> Item {
    Item { plan: plan.into(), unit_price_krw: price, quantity: q, months: m }
}

#[test]
fn quoted_prices_and_totals() {
    let listed = |p: &str| match p {
        "basic" => Some(10_000),
        "pro" => Some(50_000),
        _ => None,
    };
    assert_eq!(check_items(&[item("basic", 9_000, 3, 12), item("pro", 50_000, 1, 2)], listed), Ok(9_000 * 36 + 100_000));
    assert_eq!(check_items(&[item("basic", 10_001, 1, 1)], listed), Err(Refusal::PriceAboveListed));
    assert_eq!(check_items(&[item("gold", 1, 1, 1)], listed), Err(Refusal::UnknownPlan));
    assert_eq!(check_items(&[], listed), Err(Refusal::ItemsRequired));
    assert_eq!(check_items(&[item("basic", 1, 0, 1)], listed), Err(Refusal::InvalidQuantity));
    assert_eq!(check_items(&[item("basic", 1, 1, 0)], listed), Err(Refusal::InvalidQuantity));
    assert_eq!(check_items(&[item("basic", -1, 1, 1)], listed), Err(Refusal::InvalidQuantity));
    assert_eq!(total(&[]), Ok(0));
    assert_eq!(total(&[item("x", i64::MAX, 2, 1)]), Err(Refusal::AmountTooLarge));
    assert_eq!(total(&[item("x", i64::MAX, 1, 1), item("x", 1, 1, 1)]), Err(Refusal::AmountTooLarge));
}

#[test]
fn a_quote_expires_after_its_validity_date() {
    let v = Some(date!(2026 - 12 - 31));
    assert_eq!(QuoteStatus::Offered.on(v, date!(2026 - 12 - 31)), QuoteStatus::Offered, "the date itself is valid");
    assert_eq!(QuoteStatus::Offered.on(v, date!(2027 - 01 - 01)), QuoteStatus::Expired);
    assert_eq!(QuoteStatus::Used.on(v, date!(2027 - 01 - 01)), QuoteStatus::Used);
    assert_eq!(QuoteStatus::Offered.on(None, date!(2099 - 01 - 01)), QuoteStatus::Offered);
}

#[test]
fn a_contract_is_signed_when_both_sides_accept_the_current_text() {
    let none = Acceptances::default();
    let (a1, s1) = accept(ContractStatus::Draft, Actor::SupplierAdmin, "h1", "h1", &none).expect("supplier accepts");
    assert_eq!(s1, ContractStatus::Draft);
    assert_eq!(accept(ContractStatus::Draft, Actor::Signatory, "h1", "h0", &a1), Err(Refusal::TextChanged));
    let (a2, s2) = accept(ContractStatus::Draft, Actor::Signatory, "h1", "h1", &a1).expect("signatory accepts");
    assert_eq!((s2, a2.agency.as_deref()), (ContractStatus::Signed, Some("h1")));
    // The text changed after the supplier accepted: its acceptance of h1 does not sign h2.
    let (a3, s3) = accept(ContractStatus::Draft, Actor::Signatory, "h2", "h2", &a1).expect("accepts h2");
    assert_eq!(s3, ContractStatus::Draft);
    let (_, s4) = accept(ContractStatus::Draft, Actor::SupplierAdmin, "h2", "h2", &a3).expect("supplier again");
    assert_eq!(s4, ContractStatus::Signed);
    assert_eq!(accept(ContractStatus::Draft, Actor::Buyer, "h1", "h1", &none), Err(Refusal::Forbidden));
    assert_eq!(accept(ContractStatus::Draft, Actor::Outsider, "h1", "h1", &none), Err(Refusal::NotFound));
    assert!(matches!(accept(ContractStatus::Signed, Actor::Signatory, "h1", "h1", &a1), Err(Refusal::InvalidStatus { .. })));
}

#[test]
fn a_contract_runs_by_its_dates() {
    let (s, e) = (date!(2027 - 01 - 01), date!(2027 - 12 - 31));
    assert_eq!(ContractStatus::Signed.on(s, e, date!(2026 - 12 - 31)), ContractStatus::Signed);
    assert_eq!(ContractStatus::Signed.on(s, e, s), ContractStatus::Active);
    assert_eq!(ContractStatus::Active.on(s, e, e), ContractStatus::Active);
    assert_eq!(ContractStatus::Active.on(s, e, date!(2028 - 01 - 01)), ContractStatus::Ended);
    assert_eq!(ContractStatus::Signed.on(s, e, date!(2028 - 01 - 01)), ContractStatus::Ended);
    assert_eq!(ContractStatus::Draft.on(s, e, date!(2028 - 01 - 01)), ContractStatus::Draft);
    assert_eq!(ContractStatus::Terminated.on(s, e, s), ContractStatus::Terminated);
    assert!(ContractStatus::Active.in_force() && !ContractStatus::Ended.in_force());
}

#[test]
fn installments() {
    let (s, e) = (date!(2027 - 03 - 01), date!(2029 - 02 - 28));
    let i = |y, a| Installment { fiscal_year: y, amount_krw: a };
    assert_eq!(check_installments(600, s, e, &[i(2027, 300), i(2028, 200), i(2029, 100)]), Ok(()));
    assert_eq!(check_installments(600, s, e, &[i(2027, 300), i(2028, 200)]), Err(Refusal::InstallmentsNotTotal));
    assert_eq!(check_installments(600, s, e, &[i(2027, 300), i(2027, 300)]), Err(Refusal::InvalidInstallments));
    assert_eq!(check_installments(600, s, e, &[i(2026, 300), i(2027, 300)]), Err(Refusal::InvalidInstallments));
    assert_eq!(check_installments(600, s, e, &[i(2027, 600), i(2028, 0)]), Err(Refusal::InvalidInstallments));
    assert_eq!(check_installments(0, s, e, &[]), Err(Refusal::InvalidInstallments));
    assert_eq!(check_installments(1, e, s, &[i(2027, 1)]), Err(Refusal::InvalidPeriod));
    assert_eq!(check_installments(1, s, e, &[i(2027, i64::MAX), i(2028, 1)]), Err(Refusal::AmountTooLarge));
}

#[test]
fn shares() {
    assert_eq!(check_shares(&[("a", 60), ("b", 40)]), Ok(()));
    assert_eq!(check_shares(&[("a", 60), ("b", 39)]), Err(Refusal::SharesNot100));
    assert_eq!(check_shares(&[("a", 60), ("b", 41)]), Err(Refusal::SharesNot100));
    assert_eq!(check_shares(&[("a", 100)]), Err(Refusal::InvalidShares));
    assert_eq!(check_shares(&[("a", 50), ("a", 50)]), Err(Refusal::InvalidShares));
    assert_eq!(check_shares(&[("a", 100), ("b", 0)]), Err(Refusal::InvalidShares));
    assert_eq!(split_by_shares(100, &[34, 33, 33]), [34, 33, 33]);
    assert_eq!(split_by_shares(1, &[34, 33, 33]), [1, 0, 0]);
    assert_eq!(split_by_shares(10, &[33, 34, 33]), [3, 4, 3]);
    // 1,000,001 × 50% = 500,000.5 each: the first of equals takes the won.
    assert_eq!(split_by_shares(1_000_001, &[50, 50]), [500_001, 500_000]);
}

#[test]
fn catalog_contract_period() {
    let (s, e) = (date!(2026 - 01 - 01), date!(2026 - 12 - 31));
    assert_eq!(check_catalog_open(s, e, e), Ok(()));
    assert_eq!(check_catalog_open(s, e, date!(2027 - 01 - 01)), Err(Refusal::CatalogContractEnded));
    assert_eq!(check_catalog_open(s, e, date!(2025 - 12 - 31)), Err(Refusal::CatalogContractNotStarted));
}

#[test]
fn time_to_contract_in_seoul_dates() {
    let h = Holidays::new([date!(2026 - 12 - 25)]);
    // Mon 2026-12-14 23:30 Seoul (14:30 UTC) → Mon 2026-12-28 10:00 Seoul.
    let from = crate::clock::to_micros(datetime!(2026-12-14 14:30 UTC));
    let to = crate::clock::to_micros(datetime!(2026-12-28 01:00 UTC));
    assert_eq!(time_to_contract(from, to, &h), TimeToContract { calendar_days: 14, business_days: 9 });
    // 2026-12-14 15:30 UTC is already the 15th in Seoul.
    let late = crate::clock::to_micros(datetime!(2026-12-14 15:30 UTC));
    assert_eq!(time_to_contract(late, to, &h).calendar_days, 13);
    assert_eq!(time_to_contract(to, from, &h), TimeToContract { calendar_days: 0, business_days: 0 });
}

fn cert(grade: CsapGrade) -> Certification {
    Certification {
        scheme: "CSAP".into(),
        issuer: None,
        cert_type: CertType::Standard,
        grade,
        number: "CSAP-1".into(),
        valid_from: date!(2024 - 01 - 01),
        valid_to: date!(2028 - 12 - 31),
        scope: None,
        host_infra: None,
        revoked: false,
    }
}

#[test]
fn the_gate_adds_the_grade() {
    use CsapGrade::*;
    assert!(meets_grade(None, None));
    assert!(meets_grade(Some(Medium), Some(High)) && meets_grade(Some(Medium), Some(Medium)));
    assert!(!meets_grade(Some(Medium), Some(Low)) && !meets_grade(Some(Low), None));
    let c = cert(Low);
    let f = Facts {
        status: ServiceStatus::Listed,
        kind: ServiceKind::Saas,
        certification: Some(&c),
        selection_valid_to: None,
        supplier_debarred: false,
    };
    let today = date!(2027 - 01 - 01);
    assert!(gate(f, Some(Low), None, today).is_empty());
    assert_eq!(gate(f, Some(Low), Some(Medium), today), ["grade_below_required"]);
    // A SaaS on a high-grade IaaS takes its host's grade.
    let host = cert(High);
    let eff = crate::cert::effective_grade(&c, Some(&host), true, today);
    assert!(gate(f, eff, Some(High), today).is_empty());
    assert_eq!(gate(Facts { certification: None, ..f }, None, Some(High), today), ["certification_missing"], "said once");
    assert_eq!(
        gate(Facts { status: ServiceStatus::Suspended, ..f }, Some(Low), Some(High), today),
        ["service_suspended", "grade_below_required"]
    );
    assert!(gate(Facts { kind: ServiceKind::Support, certification: None, ..f }, None, Some(High), today).is_empty());
}

proptest! {
    #[test]
    fn joint_parts_sum_to_the_total(amount in 0i64..=i64::MAX, cuts in proptest::collection::vec(1u32..99, 1..6)) {
        // Turn random cut points into shares of 1..99 summing to 100.
        let mut points: Vec<u32> = cuts.into_iter().collect();
        points.sort_unstable();
        points.dedup();
        let mut pcts = Vec::new();
        let mut last = 0;
        for p in points.iter().chain([100u32].iter()) {
            pcts.push(p - last);
            last = *p;
        }
        prop_assert_eq!(pcts.iter().sum::<u32>(), 100);
        let parts = split_by_shares(amount, &pcts);
        prop_assert_eq!(parts.iter().map(|p| i128::from(*p)).sum::<i128>(), i128::from(amount));
        let largest = pcts.iter().enumerate().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0))).map(|(i, _)| i).expect("one");
        for (i, (part, pct)) in parts.iter().zip(&pcts).enumerate() {
            let floor = (i128::from(amount) * i128::from(*pct) / 100) as i64;
            if i == largest {
                prop_assert!(*part >= floor && *part - floor < pcts.len() as i64);
            } else {
                prop_assert_eq!(*part, floor);
            }
        }
    }

    #[test]
    fn totals_never_panic(items in proptest::collection::vec((0i64..=i64::MAX, 1i64..=i64::MAX, 1i64..=1200), 0..5)) {
        let items: Vec<Item> = items.into_iter().map(|(p, q, m)| item("x", p, q, m)).collect();
        // Non-negative amounts: a partial product or sum never exceeds the final one, so the
        // total overflows exactly when the exact total exceeds i64 (i128, itself checked).
        let exact: Option<i128> = items.iter().try_fold(0i128, |acc, i| {
            i128::from(i.unit_price_krw).checked_mul(i128::from(i.quantity))?.checked_mul(i128::from(i.months))?.checked_add(acc)
        });
        let fits = exact.filter(|e| *e <= i128::from(i64::MAX));
        match total(&items) {
            Ok(t) => prop_assert_eq!(Some(i128::from(t)), fits),
            Err(r) => {
                prop_assert_eq!(r, Refusal::AmountTooLarge);
                prop_assert_eq!(fits, None);
            }
        }
    }

    #[test]
    fn the_long_list_never_exceeds_100_and_loses_nothing_silently(start in 0usize..120, results in proptest::collection::vec(0u32..300, 0..200)) {
        let mut long: Vec<u32> = (1000..1000 + start as u32).collect();
        let before = long.clone();
        let left = merge_long_list(&mut long, results.iter().copied(), |x| *x);
        prop_assert!(long.len() <= LONG_LIST_MAX.max(before.len()));
        prop_assert_eq!(&long[..before.len()], &before[..]);
        let mut distinct_new: Vec<u32> = results.iter().copied().filter(|r| !before.contains(r)).collect();
        distinct_new.sort_unstable();
        distinct_new.dedup();
        prop_assert_eq!(long.len() - before.len() + left, distinct_new.len());
    }

    /// A random walk of a contract by permitted actors stays in the machine and ends only in
    /// `closed`; nothing leaves `closed`.
    #[test]
    fn contract_walks(steps in proptest::collection::vec((proptest::sample::select(ContractAction::ALL.to_vec()), proptest::sample::select(Actor::ALL.to_vec())), 0..40)) {
        let mut s = ContractStatus::Draft;
        for (a, actor) in steps {
            match decide_contract(s, a, actor) {
                Ok(next) => {
                    // Only forward: the order of the statuses never goes back.
                    let rank = |x: ContractStatus| ContractStatus::ALL.iter().position(|y| *y == x).expect("known");
                    prop_assert!(rank(next) >= rank(s), "{:?} → {:?}", s, next);
                    s = next;
                }
                Err(r) => prop_assert!(matches!(r, Refusal::Forbidden | Refusal::NotFound | Refusal::InvalidStatus { .. }), "{:?}", r),
            }
        }
        for a in ContractAction::ALL {
            for actor in Actor::ALL {
                prop_assert!(decide_contract(ContractStatus::Closed, a, actor).is_err());
            }
        }
    }

    /// A project walk: once it leaves `open`, it never comes back and never changes again.
    #[test]
    fn project_walks(steps in proptest::collection::vec(proptest::sample::select(ProjectAction::ALL.to_vec()), 0..20)) {
        let mut s = ProjectStatus::Open;
        for a in steps {
            let got = decide_project(s, a, Actor::Buyer);
            match s {
                ProjectStatus::Open => s = got.expect("open takes every action"),
                ProjectStatus::Decided => prop_assert_eq!(got, Err(Refusal::ProjectDecided)),
                ProjectStatus::Cancelled => prop_assert!(matches!(got, Err(Refusal::InvalidStatus { .. })), "{:?}", got),
            }
        }
    }

    /// Quote walks with the date: an offered quote that expired can only be refused.
    #[test]
    fn quote_walks(steps in proptest::collection::vec(proptest::sample::select(QuoteAction::ALL.to_vec()), 0..10), days in 0i64..30) {
        let valid_until = date!(2026 - 12 - 15);
        let today = date!(2026 - 12 - 01) + time::Duration::days(days);
        let mut s = QuoteStatus::Requested;
        for a in steps {
            let actor = if a == QuoteAction::Use { Actor::Buyer } else { Actor::SupplierMember };
            let now = s.on(Some(valid_until), today);
            match decide_quote(now, a, actor) {
                Ok(next) => {
                    prop_assert!(now != QuoteStatus::Expired);
                    s = next;
                }
                Err(Refusal::QuoteExpired) => prop_assert!(today > valid_until && a == QuoteAction::Use),
                Err(r) => prop_assert_eq!(r.code(), "invalid_status"),
            }
        }
    }
}

#[test]
fn percentiles_by_nearest_rank() {
    assert_eq!(median(&[]), None);
    assert_eq!(median(&[7]), Some(7));
    assert_eq!(median(&[1, 2, 3, 4]), Some(2), "the lower middle of an even count");
    assert_eq!(median(&[1, 2, 3, 4, 5]), Some(3));
    let days: Vec<i64> = (1..=10).collect();
    assert_eq!(percentile(&days, 90), Some(9));
    assert_eq!(percentile(&days, 100), Some(10));
    assert_eq!(percentile(&days, 1), Some(1));
    assert_eq!(percentile(&[3, 30], 90), Some(30));
}
