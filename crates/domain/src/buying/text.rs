//! The contract text (계약서): the exact Korean text both parties read and accept by its SHA-256
//! hash. It names the parties, every service by name and code, each line's plan, unit, unit price,
//! quantity and months, the net total, VAT ([`crate::money::vat`]) and the gross, the period, the
//! type and its terms (instalments, joint shares), the fee model, the billing, the cap, the budget
//! line and the decision record it rests on. Pure: the same facts always give the same text, so a
//! changed fact (an amendment) gives a changed hash.

use super::ContractType;
use crate::audit::sha256_hex;
use crate::money::{Krw, vat};

/// A line as the text shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextItem {
    pub service_name: String,
    pub service_code: String,
    pub plan: String,
    pub meter: String,
    pub unit_price_krw: i64,
    pub quantity: i64,
    pub months: i64,
}

/// Everything the text states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextFacts {
    /// The document's title (a contract, a delivery request, a call-off order).
    pub heading: String,
    pub agency: String,
    /// The lead supplier (a joint contract's first share).
    pub supplier: String,
    pub kind: ContractType,
    /// `fixed` or `metered`.
    pub fee_model: String,
    /// `monthly` or `quarterly`.
    pub billing: String,
    pub items: Vec<TextItem>,
    pub total_krw: i64,
    pub cap_krw: Option<i64>,
    /// YYYY-MM-DD.
    pub starts_on: String,
    pub ends_on: String,
    pub budget_line: Option<String>,
    /// `(fiscal_year, amount_krw)`.
    pub installments: Vec<(i64, i64)>,
    /// `(supplier name, percent, amount_krw)`.
    pub shares: Vec<(String, i64, i64)>,
    /// `(id, hash)` of the decision record it cites.
    pub decision_record: Option<(String, String)>,
}

fn won(n: i64) -> String {
    Krw::new(n).to_string()
}

fn type_ko(t: ContractType) -> &'static str {
    match t {
        ContractType::OneOff => "일반(단년도) 계약",
        ContractType::LongTerm => "장기계속계약",
        ContractType::UnitPrice => "단가계약",
        ContractType::Joint => "공동계약",
    }
}

/// The contract text.
pub fn render(f: &TextFacts) -> String {
    let mut t = String::new();
    t.push_str(&f.heading);
    t.push_str("\n\n");
    t.push_str(&format!(
        "제1조(계약 당사자) 수요기관 「{}」(이하 \"갑\")과 계약상대자 「{}」(이하 \"을\")은 다음과 같이 계약한다.\n",
        f.agency, f.supplier
    ));
    t.push_str(&format!("제2조(계약의 종류) {}\n", type_ko(f.kind)));
    t.push_str("제3조(계약 품목)\n");
    for (n, i) in f.items.iter().enumerate() {
        t.push_str(&format!(
            "  {}. {} ({}) / 요금제 {} / 단위 {} / 단가 {} × 수량 {} × {}개월\n",
            n + 1,
            i.service_name,
            i.service_code,
            i.plan,
            i.meter,
            won(i.unit_price_krw),
            i.quantity,
            i.months
        ));
    }
    let tax = vat(f.total_krw);
    t.push_str(&format!(
        "제4조(계약 금액) 공급가액 {}, 부가가치세 {}, 합계 {}\n",
        won(f.total_krw),
        won(tax),
        won(f.total_krw.saturating_add(tax))
    ));
    if let Some(cap) = f.cap_krw {
        t.push_str(&format!("  이용 한도액(공급가액 기준): {}\n", won(cap)));
    }
    t.push_str(&format!("제5조(계약 기간) {}부터 {}까지\n", f.starts_on, f.ends_on));
    let fee = if f.fee_model == "metered" { "종량제(사용량에 따라 청구)" } else { "정액제" };
    let bill = if f.billing == "quarterly" { "분기별" } else { "월별" };
    t.push_str(&format!("제6조(요금 및 청구) {fee}, {bill} 청구. 을은 이용 실적에 따라 대금을 청구하고 갑은 검사 후 지급한다.\n"));
    if let Some(line) = &f.budget_line {
        t.push_str(&format!("제7조(예산) 예산 항목 「{line}」\n"));
    }
    if !f.installments.is_empty() {
        t.push_str("제8조(연차별 계약 금액)\n");
        for (y, a) in &f.installments {
            t.push_str(&format!("  {y}년도: {}\n", won(*a)));
        }
    }
    if !f.shares.is_empty() {
        t.push_str("제9조(공동수급 지분) 각 구성원은 자기 지분에 해당하는 금액을 청구한다.\n");
        for (name, pct, amount) in &f.shares {
            t.push_str(&format!("  {name}: {pct}% ({})\n", won(*amount)));
        }
    }
    t.push_str("제10조(보안 및 데이터) 을은 클라우드 보안인증을 유지하고, 계약이 끝나면 갑의 데이터를 반환한 뒤 파기하며 그 결과를 갑에게 알린다.\n");
    t.push_str("제11조(서비스 수준) 을은 등록된 서비스 수준 협약(SLA)을 지키고, 미달 시 그에 정한 서비스 크레딧을 부여한다.\n");
    t.push_str("제12조(변경 및 해지) 계약 내용의 변경은 양 당사자의 서면(전자) 합의로 하며, 해지 시 사유를 적어 상대방에게 통지한다.\n");
    if let Some((id, hash)) = &f.decision_record {
        t.push_str(&format!("제13조(선정 근거) 갑의 선정 사유서 {id} (SHA-256 {hash})\n"));
    }
    t.push_str("\n이 계약서의 SHA-256 해시에 양 당사자가 전자적으로 동의함으로써 계약이 성립한다.\n");
    t
}

/// The hash both parties accept: SHA-256 hex of the text's UTF-8 bytes.
pub fn text_hash(text: &str) -> String {
    sha256_hex(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> TextFacts {
        TextFacts {
            heading: "디지털서비스 이용계약서 (수의계약)".into(),
            agency: "행정안전부".into(),
            supplier: "구름소프트".into(),
            kind: ContractType::OneOff,
            fee_model: "fixed".into(),
            billing: "monthly".into(),
            items: vec![TextItem {
                service_name: "협업 메신저".into(),
                service_code: "SAS-1-01-00001".into(),
                plan: "기본".into(),
                meter: "사용자/월".into(),
                unit_price_krw: 5_000,
                quantity: 100,
                months: 12,
            }],
            total_krw: 6_000_000,
            cap_krw: None,
            starts_on: "2027-01-01".into(),
            ends_on: "2027-12-31".into(),
            budget_line: Some("클라우드 이용료".into()),
            installments: vec![],
            shares: vec![],
            decision_record: None,
        }
    }

    #[test]
    fn the_text_names_the_parties_the_services_the_money_and_the_period() {
        let t = render(&facts());
        for needle in [
            "행정안전부",
            "구름소프트",
            "협업 메신저 (SAS-1-01-00001)",
            "5,000원",
            "공급가액 6,000,000원",
            "부가가치세 600,000원",
            "합계 6,600,000원",
            "2027-01-01부터 2027-12-31까지",
            "클라우드 이용료",
        ] {
            assert!(t.contains(needle), "{needle} missing from:\n{t}");
        }
    }

    #[test]
    fn any_changed_fact_changes_the_hash() {
        let base = text_hash(&render(&facts()));
        assert_eq!(base, text_hash(&render(&facts())), "the same facts, the same hash");
        let mut f = facts();
        f.ends_on = "2028-12-31".into();
        assert_ne!(text_hash(&render(&f)), base);
        let mut f = facts();
        f.items[0].unit_price_krw = 4_999;
        assert_ne!(text_hash(&render(&f)), base);
        let mut f = facts();
        f.cap_krw = Some(6_000_000);
        assert_ne!(text_hash(&render(&f)), base);
        let mut f = facts();
        f.decision_record = Some(("r".into(), "h".into()));
        assert_ne!(text_hash(&render(&f)), base);
    }

    #[test]
    fn terms_of_the_type_are_written_out() {
        let mut f = facts();
        f.kind = ContractType::Joint;
        f.shares = vec![("구름소프트".into(), 60, 3_600_000), ("하늘데이터".into(), 40, 2_400_000)];
        let t = render(&f);
        assert!(t.contains("공동계약") && t.contains("하늘데이터: 40% (2,400,000원)"), "{t}");
        let mut f = facts();
        f.kind = ContractType::LongTerm;
        f.installments = vec![(2027, 4_000_000), (2028, 2_000_000)];
        let t = render(&f);
        assert!(t.contains("장기계속계약") && t.contains("2028년도: 2,000,000원"), "{t}");
    }
}
