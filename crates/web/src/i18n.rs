//! Korean first, English second: the language of a request and the UI's words.
//!
//! The language comes from the `lang` query parameter, else the `lang` cookie, else Korean. A
//! request that names a language in its query is answered with a cookie remembering it.

use gureum_domain::listing::SupplierSize;
use gureum_domain::{CertType, CsapGrade, ServiceKind, ServiceStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ko,
    En,
}

/// The language of one request and whether the query chose it (so a cookie should remember it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LangChoice {
    pub lang: Lang,
    pub from_query: bool,
}

/// `lang` query parameter > `lang` cookie > Korean. Unknown values are ignored.
pub fn choose<'a>(raw_query: Option<&str>, cookie_headers: impl IntoIterator<Item = &'a str>) -> LangChoice {
    let from_query =
        raw_query.and_then(|q| form_urlencoded::parse(q.as_bytes()).filter(|(k, _)| k == "lang").find_map(|(_, v)| Lang::parse(&v)));
    if let Some(lang) = from_query {
        return LangChoice { lang, from_query: true };
    }
    let from_cookie = cookie_headers
        .into_iter()
        .flat_map(|h| h.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .filter(|(k, _)| *k == "lang")
        .find_map(|(_, v)| Lang::parse(v.trim().trim_matches('"')));
    LangChoice { lang: from_cookie.unwrap_or_default(), from_query: false }
}

/// The `Set-Cookie` value that remembers a language for a year.
pub fn cookie(lang: Lang) -> String {
    format!("lang={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code())
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Self::Ko => "ko",
            Self::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ko" | "ko-kr" | "kor" => Some(Self::Ko),
            "en" | "en-us" | "en-gb" | "eng" => Some(Self::En),
            _ => None,
        }
    }

    pub fn is_ko(self) -> bool {
        self == Self::Ko
    }

    pub fn pick<'a>(self, ko: &'a str, en: &'a str) -> &'a str {
        if self.is_ko() { ko } else { en }
    }

    /// A UI string; an unknown key comes back as itself (and a test keeps templates honest).
    pub fn t<'a>(self, key: &'a str) -> &'a str {
        match entry(key) {
            Some((ko, en)) => self.pick(ko, en),
            None => key,
        }
    }

    /// The reader's message for an error code of [`crate::AppError`].
    pub fn error_message(self, code: &str) -> &'static str {
        let (ko, en) = error_entry(code);
        self.pick(ko, en)
    }

    /// The heading of an error page for a status code.
    pub fn error_title(self, status: u16) -> &'static str {
        let (ko, en) = match status {
            400 => ("요청을 처리할 수 없습니다", "The request could not be processed"),
            403 => ("이 요청을 처리할 권한이 없습니다", "You may not make this request"),
            404 => ("페이지를 찾을 수 없습니다", "Page not found"),
            503 => ("잠시 후 다시 시도해 주세요", "Please try again shortly"),
            _ => ("오류가 발생했습니다", "Something went wrong"),
        };
        self.pick(ko, en)
    }

    pub fn kind(self, k: ServiceKind) -> &'static str {
        self.pick(k.label_ko(), k.label_en())
    }

    pub fn grade(self, g: CsapGrade) -> &'static str {
        self.pick(g.label_ko(), g.label_en())
    }

    pub fn cert_type(self, c: CertType) -> &'static str {
        self.pick(c.label_ko(), c.label_en())
    }

    pub fn status(self, s: ServiceStatus) -> &'static str {
        self.pick(s.label_ko(), s.label_en())
    }

    pub fn size(self, s: SupplierSize) -> &'static str {
        self.pick(s.label_ko(), s.label_en())
    }

    /// `1,234원` / `KRW 1,234`.
    pub fn won(self, won: i64) -> String {
        let g = gureum_domain::Krw::new(won).grouped();
        if self.is_ko() { format!("{g}원") } else { format!("KRW {g}") }
    }

    /// `12건` / `12 services`.
    pub fn count(self, n: u64) -> String {
        if self.is_ko() {
            format!("{n}건")
        } else if n == 1 {
            "1 service".into()
        } else {
            format!("{n} services")
        }
    }
}

fn error_entry(code: &str) -> (&'static str, &'static str) {
    match code {
        "invalid_kind" => (
            "서비스 유형이 올바르지 않습니다. IaaS, PaaS, SaaS, DaaS, 지원서비스, 융합서비스 중에서 고르세요.",
            "The service kind is not valid. Choose IaaS, PaaS, SaaS, DaaS, support or convergence.",
        ),
        "invalid_page" => (
            "페이지 번호가 올바르지 않습니다. 1 이상의 숫자여야 하며, 너무 먼 페이지는 조건을 좁혀 찾으세요.",
            "The page number is not valid. Use a whole number from 1; for pages far back, narrow the search.",
        ),
        "invalid_per_page" => ("한 페이지에 보일 결과 수는 1에서 100 사이여야 합니다.", "Results per page must be between 1 and 100."),
        "invalid_sort" => ("정렬 방식이 올바르지 않습니다.", "The sort order is not valid."),
        "invalid_price" => (
            "가격은 0 이상의 원 단위 숫자로 입력하세요. 최저 가격은 최고 가격보다 클 수 없습니다.",
            "Enter prices as whole numbers of won, 0 or more; the minimum cannot be above the maximum.",
        ),
        "invalid_certified" => ("보안인증 조건 값이 올바르지 않습니다.", "The certified filter value is not valid."),
        "invalid_sme" => ("중소기업 조건 값이 올바르지 않습니다.", "The SME filter value is not valid."),
        "invalid_csap_grade" => ("CSAP 등급은 상, 중, 하 중에서 고르세요.", "Choose a CSAP grade of high, medium or low."),
        "invalid_status" => ("서비스 상태 값이 올바르지 않습니다.", "The service status value is not valid."),
        "forbidden_status" => (
            "등록된 서비스가 아닌 다른 상태는 운영기관과 감사만 검색할 수 있습니다.",
            "Only operators and auditors may search services in other statuses than listed.",
        ),
        "invalid_id" => (
            "주소의 식별자가 올바르지 않습니다. 서비스는 UUID 또는 서비스 코드(예: SAS-4-09-10374)로, 제공기업은 UUID로 찾습니다.",
            "The identifier in the address is not valid. A service is found by its UUID or code (e.g. SAS-4-09-10374), a supplier by its UUID.",
        ),
        "invalid_compare" => ("비교하려면 서비스를 2개 이상 4개 이하로 선택하세요.", "Choose from 2 to 4 services to compare."),
        "not_found" => (
            "찾는 페이지나 서비스가 없습니다. 주소를 확인하거나 서비스 찾기를 이용하세요.",
            "There is no such page or service. Check the address or use the service search.",
        ),
        "index_not_ready" => (
            "검색 색인을 최신 상태로 맞추는 중입니다. 잠시 후 다시 시도하세요.",
            "The search index is catching up with the database. Please try again shortly.",
        ),
        "internal_error" => (
            "일시적인 오류가 발생했습니다. 오류는 기록되었으며, 잠시 후 다시 시도하세요.",
            "An internal error occurred and has been logged. Please try again shortly.",
        ),
        _ => ("요청 값이 올바르지 않습니다.", "A value in the request is not valid."),
    }
}

/// Every UI string: key → (Korean, English).
fn entry(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        "site.name" => ("구름 디지털서비스 마켓플레이스", "Gureum digital-service marketplace"),
        "site.logo" => ("구름", "Gureum"),
        "site.tagline" => ("디지털서비스 마켓플레이스", "Digital-service marketplace"),
        "site.description" => (
            "공공기관이 보안인증(CSAP)을 받은 민간 클라우드 서비스를 찾고 비교하여 바로 이용하는 디지털서비스 마켓플레이스",
            "The marketplace through which Korean public bodies find, compare and adopt security-certified (CSAP) private cloud services",
        ),
        "skip.main" => ("본문 바로가기", "Skip to main content"),
        "masthead" => {
            ("이 누리집은 대한민국 공식 전자정부 누리집입니다.", "This is an official e-government website of the Republic of Korea.")
        }
        "nav.lang" => ("언어 선택", "Language"),
        "nav.main" => ("주 메뉴", "Main menu"),
        "nav.services" => ("서비스 찾기", "Find services"),
        "nav.categories" => ("분류", "Categories"),
        "nav.api" => ("API", "API"),
        "nav.home" => ("홈", "Home"),
        "nav.breadcrumb" => ("현재 위치", "You are here"),
        "footer.privacy" => ("개인정보 처리방침", "Privacy policy"),
        "footer.api" => ("API 안내", "API documentation"),
        "footer.openapi" => ("OpenAPI 문서(JSON)", "OpenAPI document (JSON)"),
        "footer.about" => (
            "구름은 디지털서비스 전문계약제도에 따라 선정된 클라우드 서비스를 공공기관이 검색하고 바로 이용하도록 돕는 오픈소스 마켓플레이스입니다.",
            "Gureum is the open-source marketplace through which public bodies search and adopt the cloud services selected under Korea's digital-service contract scheme.",
        ),
        "footer.license" => {
            ("소스 코드는 Apache-2.0 라이선스로 공개되어 있습니다.", "The source code is published under the Apache-2.0 licence.")
        }
        "footer.identifier" => {
            ("이 누리집은 구름 디지털서비스 마켓플레이스 누리집입니다.", "This is the website of the Gureum digital-service marketplace.")
        }
        "home.title" => ("필요한 클라우드 서비스를 찾아 바로 이용하세요", "Find the cloud service you need and start using it"),
        "home.lead" => (
            "심사를 거쳐 선정된 디지털서비스를 검색하고 비교하여 수의계약 또는 카탈로그 구매로 도입할 수 있습니다.",
            "Search and compare the digital services selected by the review committee, then buy by negotiated contract or from the catalog.",
        ),
        "home.placeholder" => ("예: 전자결재, 영상회의, SAS-4-09-10374", "e.g. e-approval, video meeting, SAS-4-09-10374"),
        "home.kinds" => ("유형별 서비스", "Services by kind"),
        "home.categories" => ("많이 찾는 분류", "Top categories"),
        "home.all_categories" => ("모든 분류 보기", "See all categories"),
        "home.how" => ("검색에서 이용까지", "From search to use"),
        "home.step1.title" => ("1. 검색하고 비교하기", "1. Search and compare"),
        "home.step1.body" => (
            "유형, 분류, 보안인증 등급, 가격으로 서비스를 좁히고 최대 4개까지 나란히 비교합니다. 비교표는 내부결재에 붙일 엑셀 파일로 내려받을 수 있습니다.",
            "Narrow services by kind, category, security grade and price, and compare up to 4 side by side. Download the comparison as a spreadsheet for your internal approval.",
        ),
        "home.step2.title" => ("2. 수의계약", "2. Negotiated contract"),
        "home.step2.body" => (
            "선정된 디지털서비스는 금액 제한 없이 수의계약(자체조달)으로 계약할 수 있어, 입찰 없이 2주 안에 계약을 목표로 합니다.",
            "A selected digital service may be bought by negotiated direct contract with no amount limit, aiming at a contract within two weeks instead of a tender.",
        ),
        "home.step3.title" => ("3. 카탈로그 구매", "3. Catalog order"),
        "home.step3.body" => (
            "조달청과 카탈로그 계약이 맺어진 서비스는 디지털서비스몰에서 납품요구(중앙조달)로 바로 주문할 수 있습니다.",
            "Services with a PPS catalog contract can be ordered directly from the mall (delivery request).",
        ),
        "home.csap" => (
            "공공부문은 클라우드 보안인증(CSAP)을 받은 민간 클라우드만 이용할 수 있습니다. 각 서비스의 인증 유형, 등급(상·중·하)과 유효기간을 확인하세요.",
            "The public sector may only adopt security-certified (CSAP) private cloud. Check each service's certification type, grade (high, medium, low) and validity.",
        ),
        "kind.desc.iaas" => ("서버, 스토리지, 네트워크", "Servers, storage, network"),
        "kind.desc.paas" => ("개발·운영 플랫폼", "Development and runtime platforms"),
        "kind.desc.saas" => ("바로 쓰는 소프트웨어", "Ready-to-use software"),
        "kind.desc.daas" => ("클라우드 가상 데스크톱", "Virtual desktops"),
        "kind.desc.support" => ("컨설팅, 운영관리(MSP), 전환", "Consulting, MSP, migration"),
        "kind.desc.convergence" => ("클라우드와 AI·IoT·빅데이터·블록체인", "Cloud with AI, IoT, big data, blockchain"),
        "search.title" => ("서비스 찾기", "Find services"),
        "search.form" => ("서비스 검색", "Service search"),
        "search.filters" => ("검색 조건", "Search filters"),
        "search.q" => ("검색어", "Search terms"),
        "search.submit" => ("검색", "Search"),
        "search.apply" => ("조건 적용", "Apply filters"),
        "search.kind" => ("서비스 유형", "Service kind"),
        "search.category" => ("분류", "Category"),
        "search.csap_grade" => ("CSAP 등급 (유효한 인증)", "CSAP grade (valid certification)"),
        "search.tags" => ("태그", "Tags"),
        "search.tag_add" => ("태그 추가", "Add a tag"),
        "search.conditions" => ("기타 조건", "Other conditions"),
        "search.certified" => ("보안인증이 유효한 서비스만", "Only services with a valid certification"),
        "search.sme" => ("중소기업 제공 서비스만", "Only services from SMEs"),
        "search.price" => ("최저 가격 범위", "Starting price range"),
        "search.min_price" => ("최소 (원)", "From (KRW)"),
        "search.max_price" => ("최대 (원)", "To (KRW)"),
        "search.sort" => ("정렬", "Sort by"),
        "search.results" => ("검색 결과", "Results"),
        "search.total" => ("총 {n}건", "{n} results"),
        "search.empty" => ("검색 결과가 없습니다.", "No services match this search."),
        "search.drop_hint" => ("조건을 하나 빼고 다시 찾아보세요.", "Try again without one of the filters:"),
        "search.drop" => ("‘{v}’ 조건 빼기", "Remove “{v}”"),
        "search.no_options" => ("선택할 항목이 없습니다.", "Nothing to choose."),
        "sort.default" => ("기본 순서 (공정 순서)", "Default (fair order)"),
        "sort.relevance" => ("관련도순", "Relevance"),
        "sort.price_asc" => ("낮은 가격순", "Lowest price"),
        "sort.price_desc" => ("높은 가격순", "Highest price"),
        "sort.newest" => ("최신순", "Newest"),
        "sort.rating" => ("평점순", "Rating"),
        "filter.certified" => ("보안인증 유효", "Certified"),
        "filter.sme" => ("중소기업", "SME"),
        "filter.min_price" => ("최소 {v}", "from {v}"),
        "filter.max_price" => ("최대 {v}", "up to {v}"),
        "compare.pick" => ("비교에 담기", "Add to comparison"),
        "compare.submit" => ("선택한 서비스 비교 (2~4개)", "Compare selected services (2–4)"),
        "compare.title" => ("서비스 비교", "Compare services"),
        "compare.lead" => ("선택한 서비스를 항목별로 나란히 비교합니다.", "The selected services side by side, item by item."),
        "compare.caption" => ("서비스 비교표: {names}", "Service comparison: {names}"),
        "compare.item" => ("항목", "Item"),
        "compare.xlsx" => ("비교표 엑셀(XLSX) 내려받기", "Download the comparison (XLSX)"),
        "compare.back" => ("다른 서비스 찾기", "Find other services"),
        "compare.print_hint" => (
            "인쇄: 브라우저의 인쇄 기능(Ctrl+P)을 쓰면 메뉴 없이 비교표만 인쇄됩니다.",
            "Print: use your browser's print command (Ctrl+P) to print the table alone, without menus.",
        ),
        "compare.lowest" => ("최저 가격", "Lowest price"),
        "field.code" => ("서비스 코드", "Service code"),
        "field.kind" => ("유형", "Kind"),
        "field.category" => ("분류", "Category"),
        "field.tags" => ("태그", "Tags"),
        "field.supplier" => ("제공기업", "Supplier"),
        "field.status" => ("상태", "Status"),
        "field.price_from" => ("최저 가격", "Starting price"),
        "field.price_plans" => ("요금제", "Price plans"),
        "field.sla" => ("서비스 수준(SLA)", "Service level (SLA)"),
        "field.csap" => ("보안인증", "Certification"),
        "field.data_location" => ("데이터 보관 위치", "Data location"),
        "field.integrations" => ("공통 시스템 연계", "Government system integrations"),
        "field.host" => ("기반 인프라(IaaS)", "Host infrastructure (IaaS)"),
        "field.selected_on" => ("선정일", "Selected on"),
        "field.selection_valid_to" => ("선정 유효기간", "Selection valid until"),
        "field.purchase" => ("구매 방법", "How to buy"),
        "field.revision" => ("개정 번호", "Revision"),
        "field.revised_at" => ("개정 일시 (한국 시간)", "Revised at (Korea time)"),
        "field.first_listed" => ("최초 등록 일시 (한국 시간)", "First listed (Korea time)"),
        "badge.sme" => ("중소기업", "SME"),
        "price.ask" => ("가격 문의", "Price on request"),
        "price.from" => ("{v}부터", "from {v}"),
        "plan.name" => ("요금제", "Plan"),
        "plan.model" => ("과금 방식", "Pricing"),
        "plan.unit" => ("단위", "Unit"),
        "plan.price" => ("단가", "Unit price"),
        "plan.vat" => ("부가가치세", "VAT"),
        "plan.fixed" => ("정액", "Fixed"),
        "plan.metered" => ("종량", "Metered"),
        "plan.vat_included" => ("VAT 포함", "VAT included"),
        "plan.vat_excluded" => ("VAT 별도", "VAT excluded"),
        "sla.availability" => ("가용성", "Availability"),
        "sla.support_hours" => ("기술지원 시간", "Support hours"),
        "sla.credit" => ("장애 시 보상(크레딧)", "Outage credit"),
        "cert.scheme" => ("인증 제도", "Scheme"),
        "cert.type" => ("인증 유형", "Type"),
        "cert.grade" => ("인증서 등급", "Grade on the certificate"),
        "cert.effective" => ("적용 등급 (오늘 기준)", "Effective grade (today)"),
        "cert.number" => ("인증 번호", "Certificate number"),
        "cert.validity" => ("유효기간", "Validity"),
        "cert.none" => ("보안인증 정보가 없습니다 (미인증).", "No security certification (uncertified)."),
        "cert.uncertified" => ("미인증", "Uncertified"),
        "cert.no_grade" => ("등급 없음", "No grade"),
        "cert.no_grade_long" => ("없음 (기반 인프라의 인증이 유효하지 않음)", "None (the host infrastructure has no valid certification)"),
        "cert.until" => ("~{v}", "until {v}"),
        "cert.grade_suffix" => ("{v}등급", "grade {v}"),
        "standing.valid" => ("유효", "Valid"),
        "standing.expiring_soon" => ("만료 임박", "Expiring soon"),
        "standing.expired" => ("만료", "Expired"),
        "standing.not_yet_valid" => ("유효기간 전", "Not yet valid"),
        "standing.revoked" => ("취소", "Revoked"),
        "alert.expiring.title" => ("보안인증 만료 임박", "Certification expiring soon"),
        "alert.expiring.body" => (
            "이 서비스의 보안인증은 {d}에 만료됩니다 ({n}일 남음). 계약 전에 갱신 계획을 확인하세요.",
            "This service's certification ends on {d} ({n} days left). Check the renewal plan before contracting.",
        ),
        "alert.expired.title" => ("보안인증 만료", "Certification expired"),
        "alert.expired.body" => (
            "이 서비스의 보안인증은 {d}에 만료되었습니다. 공공 정보시스템에는 유효한 인증이 있는 서비스만 주문할 수 있습니다.",
            "This service's certification ended on {d}. Only services with a valid certification can be ordered for a public system.",
        ),
        "alert.revoked.title" => ("보안인증 취소", "Certification revoked"),
        "alert.revoked.body" => (
            "이 서비스의 보안인증은 취소되었습니다. 공공 정보시스템에는 유효한 인증이 있는 서비스만 주문할 수 있습니다.",
            "This service's certification has been revoked. Only services with a valid certification can be ordered for a public system.",
        ),
        "alert.not_yet.title" => ("보안인증 유효기간 전", "Certification not yet valid"),
        "alert.not_yet.body" => ("이 서비스의 보안인증은 {d}부터 유효합니다.", "This service's certification is valid from {d}."),
        "purchase.negotiated" => ("수의계약 (자체조달, 금액 제한 없음)", "Negotiated direct contract (no amount limit)"),
        "purchase.catalog" => ("카탈로그 구매 (조달청 납품요구, 계약번호 {v})", "Catalog order (PPS delivery request, contract {v})"),
        "service.overview" => ("기본 정보", "Overview"),
        "service.description" => ("서비스 설명", "Description"),
        "service.prices" => ("가격", "Prices"),
        "service.prices.caption" => ("요금제별 과금 방식, 단위, 단가, 부가가치세", "Price plans with pricing, unit, unit price and VAT"),
        "service.sla" => ("서비스 수준 협약(SLA)", "Service level agreement (SLA)"),
        "service.operation" => ("운영 환경", "Operation"),
        "service.cert" => ("보안인증", "Security certification"),
        "service.purchase" => ("선정 및 구매 방법", "Selection and how to buy"),
        "service.revision" => ("개정 정보", "Revision"),
        "service.revision_n" => ("제{n}판", "Revision {n}"),
        "service.suspended.title" => ("판매중지된 서비스입니다", "This service is suspended"),
        "service.suspended.body" => ("이 서비스는 현재 새로 주문할 수 없습니다.", "It cannot be ordered at the moment."),
        "service.suspended.reason" => ("사유", "Reason"),
        "service.back" => ("서비스 찾기로 돌아가기", "Back to the service search"),
        "service.json" => ("이 서비스의 API 응답(JSON) 보기", "This service as JSON (API)"),
        "categories.title" => ("분류", "Categories"),
        "categories.lead" => (
            "분류별 등록 서비스 수입니다. 분류를 고르면 해당 서비스를 검색합니다.",
            "Listed services per category. Choose a category to search its services.",
        ),
        "categories.empty" => ("등록된 서비스가 아직 없습니다.", "No services are listed yet."),
        "supplier.business_number" => ("사업자등록번호", "Business registration number"),
        "supplier.size" => ("기업 규모", "Company size"),
        "supplier.services" => ("등록 서비스", "Listed services"),
        "supplier.no_services" => ("등록된 서비스가 없습니다.", "No listed services."),
        "docs.title" => ("API 안내", "API documentation"),
        "docs.lead" => (
            "아래 내용은 OpenAPI 문서에서 만들어집니다. 기계가 읽는 원본:",
            "This page is generated from the OpenAPI document. The machine-readable original:",
        ),
        "docs.openapi_link" => ("OpenAPI 문서 /api/openapi.json", "OpenAPI document /api/openapi.json"),
        "docs.errors" => (
            "오류 응답은 {\"code\", \"message\"} 형식이며 code는 바뀌지 않는 영문 소문자 코드입니다 (예: invalid_kind, not_found, index_not_ready).",
            "Errors are {\"code\", \"message\"} with a stable snake_case code (e.g. invalid_kind, not_found, index_not_ready).",
        ),
        "docs.endpoints" => ("엔드포인트", "Endpoints"),
        "docs.params" => ("매개변수", "Parameters"),
        "docs.no_params" => ("매개변수가 없습니다.", "No parameters."),
        "docs.param.name" => ("이름", "Name"),
        "docs.param.in" => ("위치", "In"),
        "docs.param.required" => ("필수", "Required"),
        "docs.param.description" => ("설명", "Description"),
        "docs.responses" => ("응답", "Responses"),
        "docs.status" => ("상태 코드", "Status"),
        "privacy.title" => ("개인정보 처리방침", "Privacy policy"),
        "error.code" => ("오류 코드", "Error code"),
        "error.title.400" => ("검색 조건을 확인하세요", "Check the search filters"),
        "error.index_not_ready" => {
            ("검색 색인을 준비하는 중입니다. 잠시 후 다시 시도하세요.", "The search index is being prepared. Please try again shortly.")
        }
        "error.go_home" => ("홈으로 가기", "Go to the home page"),
        "error.go_search" => ("서비스 찾기", "Find services"),
        "pager.label" => ("페이지 이동", "Pages"),
        "pager.prev" => ("이전", "Previous"),
        "pager.next" => ("다음", "Next"),
        "pager.page_prefix" => ("", "Page "),
        "pager.page_suffix" => ("페이지", ""),
        "common.none" => ("없음", "None"),
        "common.unknown" => ("정보 없음", "Not given"),
        "common.yes" => ("예", "Yes"),
        "common.no" => ("아니요", "No"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_beats_cookie_beats_default() {
        assert_eq!(choose(Some("q=x&lang=en"), ["lang=ko"]), LangChoice { lang: Lang::En, from_query: true });
        assert_eq!(choose(Some("q=x"), ["a=1; lang=en"]), LangChoice { lang: Lang::En, from_query: false });
        assert_eq!(choose(None, ["session=abc", "lang=\"en\""]), LangChoice { lang: Lang::En, from_query: false });
        assert_eq!(choose(Some("lang=fr"), ["lang=en"]), LangChoice { lang: Lang::En, from_query: false });
        assert_eq!(choose(None, Vec::<&str>::new()), LangChoice { lang: Lang::Ko, from_query: false });
        assert_eq!(choose(Some("lang=ko"), ["lang=en"]).lang, Lang::Ko);
        assert_eq!(cookie(Lang::En), "lang=en; Path=/; Max-Age=31536000; SameSite=Lax");
    }

    #[test]
    fn strings_and_labels() {
        assert_eq!(Lang::Ko.t("skip.main"), "본문 바로가기");
        assert_eq!(Lang::En.t("skip.main"), "Skip to main content");
        assert_eq!(Lang::En.t("no.such.key"), "no.such.key");
        assert_eq!(Lang::Ko.won(1234567), "1,234,567원");
        assert_eq!(Lang::En.won(1234), "KRW 1,234");
        assert_eq!(Lang::En.kind(ServiceKind::Support), "Support service");
        assert!(Lang::Ko.error_message("invalid_kind").contains("유형"));
        assert_ne!(Lang::Ko.error_message("index_not_ready"), Lang::Ko.error_message("whatever"));
    }

    #[test]
    fn every_template_key_exists() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut checked = 0;
        for item in std::fs::read_dir(&dir).expect("templates dir") {
            let path = item.expect("dir entry").path();
            let text = std::fs::read_to_string(&path).expect("template");
            for (i, _) in text.match_indices("layout.t(\"") {
                let rest = &text[i + "layout.t(\"".len()..];
                let key = &rest[..rest.find('"').expect("closing quote")];
                assert!(entry(key).is_some(), "{}: unknown key {key}", path.display());
                checked += 1;
            }
        }
        assert!(checked > 50);
    }

    #[test]
    fn every_error_code_is_translated() {
        for code in [
            "invalid_kind",
            "invalid_page",
            "invalid_per_page",
            "invalid_sort",
            "invalid_price",
            "invalid_certified",
            "invalid_sme",
            "invalid_csap_grade",
            "invalid_status",
            "forbidden_status",
            "invalid_id",
            "not_found",
            "index_not_ready",
            "internal_error",
        ] {
            assert_ne!(error_entry(code), error_entry("unknown"), "{code}");
        }
    }
}
