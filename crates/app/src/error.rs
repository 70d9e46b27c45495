//! The one list of error codes the product answers with (issue #21 "one error code list"): each
//! code's HTTP status and its Korean and English messages sit in one exhaustive match, so a new
//! code cannot ship without a status or a translation. The web edge maps [`Code::status`] to an
//! HTTP answer; pages show [`Code::message`] in the reader's language.

use serde_json::Value;

/// A stable snake_case error code (`{"code": …}` in every error answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    AccountLocked,
    BelowCommitted,
    BudgetLineExists,
    AlreadyVoted,
    AuditForbidden,
    BodyTooLarge,
    Busy,
    CannotChangeSelf,
    CannotLockSelf,
    CertificateRequired,
    CodeTaken,
    CompanyExists,
    ConflictDeclared,
    ConflictOfInterest,
    ConsentRequired,
    CsrfFailed,
    DocumentsMissing,
    EmailTaken,
    FileRequired,
    FileTooLarge,
    Forbidden,
    ForbiddenStatus,
    IndexNotReady,
    InsufficientScope,
    InternalError,
    InvalidAddress,
    InvalidBody,
    InvalidBusinessNumber,
    InvalidCertified,
    InvalidCompare,
    InvalidCredentials,
    InvalidCsapGrade,
    InvalidDate,
    InvalidDocType,
    InvalidEmail,
    InvalidExpiry,
    InvalidField,
    InvalidFileType,
    InvalidId,
    InvalidKind,
    InvalidLink,
    InvalidName,
    InvalidPage,
    InvalidParameter,
    InvalidPerPage,
    InvalidPhone,
    InvalidPrice,
    InvalidReason,
    InvalidRepresentative,
    InvalidRoles,
    InvalidScopes,
    InvalidSize,
    InvalidSme,
    InvalidSort,
    InvalidStatus,
    InvalidStatusFilter,
    NotAReviewer,
    NotASession,
    NotFound,
    PasswordMismatch,
    ReasonRequired,
    RebuildRunning,
    RoundClosed,
    SelectionRequired,
    TooManyRequests,
    Unauthenticated,
    UndecidedApplications,
    WeakPassword,
    WrongPassword,
    AmendmentPending,
    AmountTooLarge,
    BelowInvoiced,
    BudgetExceeded,
    CapExceeded,
    CatalogContractEnded,
    CatalogContractNotStarted,
    CatalogNumberTaken,
    InstallmentsNotTotal,
    InvalidInstallments,
    InvalidPeriod,
    InvalidQuantity,
    InvalidShares,
    ItemsRequired,
    NotInLongList,
    NotInShortList,
    NotOrderable,
    OwnAmendment,
    PriceAboveListed,
    ProjectDecided,
    QuoteExpired,
    SharesNot100,
    ShortlistSize,
    TextChanged,
    UnknownPlan,
    InvalidRecords,
    RecordConflict,
    BatchTooLarge,
    EarlierInvoiceDraft,
    PeriodNotEnded,
    NoContract,
    AlreadyReplied,
    // vouchers (#25)
    ProgrammeClosed,
    AlreadyApplied,
    NotSme,
    AboveCompanyCap,
    ProgrammeBudgetExceeded,
    ServiceNotInProgramme,
    UsagePeriodOver,
    DuplicateInvoice,
    VoucherExhausted,
    CostTypeNotEligible,
    EvidenceRequired,
    FlagReasonRequired,
    CertificationRequired,
    AlreadyInPool,
    RefundAbovePaid,
    // demand forecast (#26)
    SurveyClosed,
}

impl Code {
    pub const ALL: &'static [Code] = &[
        Code::AccountLocked,
        Code::BelowCommitted,
        Code::BudgetLineExists,
        Code::AlreadyVoted,
        Code::AuditForbidden,
        Code::BodyTooLarge,
        Code::Busy,
        Code::CannotChangeSelf,
        Code::CannotLockSelf,
        Code::CertificateRequired,
        Code::CodeTaken,
        Code::CompanyExists,
        Code::ConflictDeclared,
        Code::ConflictOfInterest,
        Code::ConsentRequired,
        Code::CsrfFailed,
        Code::DocumentsMissing,
        Code::EmailTaken,
        Code::FileRequired,
        Code::FileTooLarge,
        Code::Forbidden,
        Code::ForbiddenStatus,
        Code::IndexNotReady,
        Code::InsufficientScope,
        Code::InternalError,
        Code::InvalidAddress,
        Code::InvalidBody,
        Code::InvalidBusinessNumber,
        Code::InvalidCertified,
        Code::InvalidCompare,
        Code::InvalidCredentials,
        Code::InvalidCsapGrade,
        Code::InvalidDate,
        Code::InvalidDocType,
        Code::InvalidEmail,
        Code::InvalidExpiry,
        Code::InvalidField,
        Code::InvalidFileType,
        Code::InvalidId,
        Code::InvalidKind,
        Code::InvalidLink,
        Code::InvalidName,
        Code::InvalidPage,
        Code::InvalidParameter,
        Code::InvalidPerPage,
        Code::InvalidPhone,
        Code::InvalidPrice,
        Code::InvalidReason,
        Code::InvalidRepresentative,
        Code::InvalidRoles,
        Code::InvalidScopes,
        Code::InvalidSize,
        Code::InvalidSme,
        Code::InvalidSort,
        Code::InvalidStatus,
        Code::InvalidStatusFilter,
        Code::NotAReviewer,
        Code::NotASession,
        Code::NotFound,
        Code::PasswordMismatch,
        Code::ReasonRequired,
        Code::RebuildRunning,
        Code::RoundClosed,
        Code::SelectionRequired,
        Code::TooManyRequests,
        Code::Unauthenticated,
        Code::UndecidedApplications,
        Code::WeakPassword,
        Code::WrongPassword,
        Code::AmendmentPending,
        Code::AmountTooLarge,
        Code::BelowInvoiced,
        Code::BudgetExceeded,
        Code::CapExceeded,
        Code::CatalogContractEnded,
        Code::CatalogContractNotStarted,
        Code::CatalogNumberTaken,
        Code::InstallmentsNotTotal,
        Code::InvalidInstallments,
        Code::InvalidPeriod,
        Code::InvalidQuantity,
        Code::InvalidShares,
        Code::ItemsRequired,
        Code::NotInLongList,
        Code::NotInShortList,
        Code::NotOrderable,
        Code::OwnAmendment,
        Code::PriceAboveListed,
        Code::ProjectDecided,
        Code::QuoteExpired,
        Code::SharesNot100,
        Code::ShortlistSize,
        Code::TextChanged,
        Code::UnknownPlan,
        Code::InvalidRecords,
        Code::RecordConflict,
        Code::BatchTooLarge,
        Code::EarlierInvoiceDraft,
        Code::PeriodNotEnded,
        Code::NoContract,
        Code::AlreadyReplied,
        Code::ProgrammeClosed,
        Code::AlreadyApplied,
        Code::NotSme,
        Code::AboveCompanyCap,
        Code::ProgrammeBudgetExceeded,
        Code::ServiceNotInProgramme,
        Code::UsagePeriodOver,
        Code::DuplicateInvoice,
        Code::VoucherExhausted,
        Code::CostTypeNotEligible,
        Code::EvidenceRequired,
        Code::FlagReasonRequired,
        Code::CertificationRequired,
        Code::AlreadyInPool,
        Code::RefundAbovePaid,
        Code::SurveyClosed,
    ];

    /// The code as sent: snake_case.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::AccountLocked => "account_locked",
            Code::BelowCommitted => "below_committed",
            Code::BudgetLineExists => "budget_line_exists",
            Code::ConflictDeclared => "conflict_declared",
            Code::UndecidedApplications => "undecided_applications",
            Code::SelectionRequired => "selection_required",
            Code::RoundClosed => "round_closed",
            Code::NotAReviewer => "not_a_reviewer",
            Code::DocumentsMissing => "documents_missing",
            Code::ConflictOfInterest => "conflict_of_interest",
            Code::AlreadyVoted => "already_voted",
            Code::AuditForbidden => "audit_forbidden",
            Code::BodyTooLarge => "body_too_large",
            Code::Busy => "busy",
            Code::CannotChangeSelf => "cannot_change_self",
            Code::CannotLockSelf => "cannot_lock_self",
            Code::CertificateRequired => "certificate_required",
            Code::CodeTaken => "code_taken",
            Code::CompanyExists => "company_exists",
            Code::ConsentRequired => "consent_required",
            Code::CsrfFailed => "csrf_failed",
            Code::EmailTaken => "email_taken",
            Code::FileRequired => "file_required",
            Code::FileTooLarge => "file_too_large",
            Code::Forbidden => "forbidden",
            Code::ForbiddenStatus => "forbidden_status",
            Code::IndexNotReady => "index_not_ready",
            Code::InsufficientScope => "insufficient_scope",
            Code::InternalError => "internal_error",
            Code::InvalidAddress => "invalid_address",
            Code::InvalidBody => "invalid_body",
            Code::InvalidBusinessNumber => "invalid_business_number",
            Code::InvalidCertified => "invalid_certified",
            Code::InvalidCompare => "invalid_compare",
            Code::InvalidCredentials => "invalid_credentials",
            Code::InvalidCsapGrade => "invalid_csap_grade",
            Code::InvalidDate => "invalid_date",
            Code::InvalidDocType => "invalid_doc_type",
            Code::InvalidEmail => "invalid_email",
            Code::InvalidExpiry => "invalid_expiry",
            Code::InvalidField => "invalid_field",
            Code::InvalidFileType => "invalid_file_type",
            Code::InvalidId => "invalid_id",
            Code::InvalidKind => "invalid_kind",
            Code::InvalidLink => "invalid_link",
            Code::InvalidName => "invalid_name",
            Code::InvalidPage => "invalid_page",
            Code::InvalidParameter => "invalid_parameter",
            Code::InvalidPerPage => "invalid_per_page",
            Code::InvalidPhone => "invalid_phone",
            Code::InvalidPrice => "invalid_price",
            Code::InvalidReason => "invalid_reason",
            Code::InvalidRepresentative => "invalid_representative",
            Code::InvalidRoles => "invalid_roles",
            Code::InvalidScopes => "invalid_scopes",
            Code::InvalidSize => "invalid_size",
            Code::InvalidSme => "invalid_sme",
            Code::InvalidSort => "invalid_sort",
            Code::InvalidStatus => "invalid_status",
            Code::InvalidStatusFilter => "invalid_status_filter",
            Code::NotASession => "not_a_session",
            Code::NotFound => "not_found",
            Code::PasswordMismatch => "password_mismatch",
            Code::ReasonRequired => "reason_required",
            Code::RebuildRunning => "rebuild_running",
            Code::TooManyRequests => "too_many_requests",
            Code::Unauthenticated => "unauthenticated",
            Code::WeakPassword => "weak_password",
            Code::WrongPassword => "wrong_password",
            Code::AmendmentPending => "amendment_pending",
            Code::AmountTooLarge => "amount_too_large",
            Code::BelowInvoiced => "below_invoiced",
            Code::BudgetExceeded => "budget_exceeded",
            Code::CapExceeded => "cap_exceeded",
            Code::CatalogContractEnded => "catalog_contract_ended",
            Code::CatalogContractNotStarted => "catalog_contract_not_started",
            Code::CatalogNumberTaken => "catalog_number_taken",
            Code::InstallmentsNotTotal => "installments_not_total",
            Code::InvalidInstallments => "invalid_installments",
            Code::InvalidPeriod => "invalid_period",
            Code::InvalidQuantity => "invalid_quantity",
            Code::InvalidShares => "invalid_shares",
            Code::ItemsRequired => "items_required",
            Code::NotInLongList => "not_in_long_list",
            Code::NotInShortList => "not_in_short_list",
            Code::NotOrderable => "not_orderable",
            Code::OwnAmendment => "own_amendment",
            Code::PriceAboveListed => "price_above_listed",
            Code::ProjectDecided => "project_decided",
            Code::QuoteExpired => "quote_expired",
            Code::SharesNot100 => "shares_not_100",
            Code::ShortlistSize => "shortlist_size",
            Code::TextChanged => "text_changed",
            Code::UnknownPlan => "unknown_plan",
            Code::AlreadyReplied => "already_replied",
            Code::NoContract => "no_contract",
            Code::PeriodNotEnded => "period_not_ended",
            Code::EarlierInvoiceDraft => "earlier_invoice_draft",
            Code::BatchTooLarge => "batch_too_large",
            Code::RecordConflict => "record_conflict",
            Code::InvalidRecords => "invalid_records",
            Code::ProgrammeClosed => "programme_closed",
            Code::AlreadyApplied => "already_applied",
            Code::NotSme => "not_sme",
            Code::AboveCompanyCap => "above_company_cap",
            Code::ProgrammeBudgetExceeded => "programme_budget_exceeded",
            Code::ServiceNotInProgramme => "service_not_in_programme",
            Code::UsagePeriodOver => "usage_period_over",
            Code::DuplicateInvoice => "duplicate_invoice",
            Code::VoucherExhausted => "voucher_exhausted",
            Code::CostTypeNotEligible => "cost_type_not_eligible",
            Code::EvidenceRequired => "evidence_required",
            Code::FlagReasonRequired => "flag_reason_required",
            Code::CertificationRequired => "certification_required",
            Code::AlreadyInPool => "already_in_pool",
            Code::RefundAbovePaid => "refund_above_paid",
            Code::SurveyClosed => "survey_closed",
        }
    }

    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == s)
    }

    /// The HTTP status the code is answered with, and its messages (Korean, English).
    pub fn entry(self) -> (u16, &'static str, &'static str) {
        match self {
            Code::ConflictOfInterest => (
                409,
                "이해관계가 있는 심사위원은 배정할 수 없습니다(같은 기업 소속이거나 이해충돌을 신고함).",
                "A reviewer tied to the supplier (a member of its organisation, or one who declared a conflict) cannot be assigned.",
            ),
            Code::DocumentsMissing => (
                400,
                "제출에 필요한 서류가 빠져 있습니다. 빠진 서류를 올린 뒤 다시 제출하세요.",
                "Required documents are missing; upload them and submit again.",
            ),
            Code::NotAReviewer => {
                (400, "심사위원 역할이 없는 사용자는 배정할 수 없습니다.", "Only people with the reviewer role can be assigned.")
            }
            Code::RoundClosed => (
                409,
                "마감된 심사 차수입니다. 마감 후에는 배정하거나 투표할 수 없습니다.",
                "This review round is closed; nothing is assigned or voted after closing.",
            ),
            Code::SelectionRequired => (
                409,
                "최초 등록과 중요 변경은 심사위원회의 선정을 거쳐야 등록됩니다.",
                "A first listing or a material change is listed only by the review committee's selection.",
            ),
            Code::BelowCommitted => (
                409,
                "계약으로 이미 확보된 금액보다 적게 줄일 수 없습니다.",
                "A budget line's amount cannot go below what contracts have already committed.",
            ),
            Code::BudgetLineExists => (
                409,
                "같은 회계연도에 같은 이름의 예산 항목이 이미 있습니다.",
                "A budget line of that name already exists for that fiscal year.",
            ),
            Code::UndecidedApplications => (
                409,
                "정족수만큼 투표가 끝나지 않은 신청이 있어 차수를 마감할 수 없습니다.",
                "Some applications of the round lack votes from a quorum of reviewers; the round cannot close yet.",
            ),
            Code::ConflictDeclared => {
                (409, "이미 이 사업자에 대한 이해충돌을 신고했습니다.", "You have already declared a conflict with this business.")
            }
            Code::AlreadyVoted => (
                409,
                "이미 이 신청에 투표했습니다. 심사의견은 한 번만 제출합니다.",
                "You have already voted on this application; a reviewer votes once.",
            ),
            Code::AccountLocked => (
                401,
                "계정이 잠겨 있습니다. 로그인에 5번 연속 실패하면 15분 동안 잠깁니다. 잠시 후 다시 시도하거나 운영기관에 문의하세요.",
                "This account is locked. Five failed logins in a row lock it for 15 minutes. Try again later or contact the operator.",
            ),
            Code::AuditForbidden => {
                (403, "감사 기록은 감사와 운영기관 담당자만 볼 수 있습니다.", "Only auditors and operators may read the audit log.")
            }
            Code::BodyTooLarge => (
                413,
                "보낸 내용이 너무 큽니다. 로그인·가입 같은 계정 요청은 16KB, 문서는 20MB까지 받습니다.",
                "The request body is too large: account requests take at most 16 KiB, documents 20 MiB.",
            ),
            Code::Busy => (
                503,
                "지금 요청이 많아 처리하지 못했습니다. 잠시 후 다시 시도하세요.",
                "The server is busy with other requests. Please try again in a moment.",
            ),
            Code::CannotChangeSelf => {
                (400, "자신의 역할은 바꿀 수 없습니다. 다른 관리자에게 요청하세요.", "You cannot change your own roles; ask another admin.")
            }
            Code::CannotLockSelf => (400, "자신의 계정은 잠글 수 없습니다.", "You cannot lock your own account."),
            Code::CertificateRequired => (
                400,
                "사업자등록증 파일(PDF 또는 이미지)을 첨부하세요.",
                "Attach the business registration certificate (a PDF or an image).",
            ),
            Code::CodeTaken => (409, "이미 쓰이는 서비스 코드입니다.", "This service code is already in use."),
            Code::CompanyExists => (
                409,
                "이 사업자등록번호로 이미 가입된 기업이 있습니다. 그 기업의 관리자에게 초대를 요청하세요.",
                "A company with this business number already has an account. Ask its admin to invite you.",
            ),
            Code::ConsentRequired => (
                400,
                "개인정보 수집·이용에 동의해야 가입할 수 있습니다.",
                "You need to consent to the collection and use of personal information to sign up.",
            ),
            Code::CsrfFailed => (
                403,
                "보안 확인값이 없거나 만료된 양식입니다. 저장된 내용은 없습니다. 페이지를 새로 고친 뒤 다시 제출하세요.",
                "The form has no valid security token (it expired or came from another site). Nothing was saved. Reload the page and submit again.",
            ),
            Code::EmailTaken => (409, "이 이메일로 이미 가입된 계정이 있습니다.", "This e-mail already has an account."),
            Code::FileRequired => (400, "올릴 PDF 파일을 고르세요.", "Choose the PDF file to attach."),
            Code::FileTooLarge => (413, "파일은 20MB 이하여야 합니다.", "A file may be at most 20 MiB."),
            Code::Forbidden => (
                403,
                "이 화면이나 기능은 현재 계정의 역할로 이용할 수 없습니다. 필요하면 소속 기관의 관리자에게 역할을 요청하세요.",
                "Your role may not use this page or action. Ask your organisation's admin for a role if you need it.",
            ),
            Code::ForbiddenStatus => (
                403,
                "등록된 서비스가 아닌 다른 상태는 운영기관과 감사만 검색할 수 있습니다.",
                "Only operators and auditors may search services in other statuses than listed.",
            ),
            Code::IndexNotReady => (
                503,
                "검색 색인을 최신 상태로 맞추는 중입니다. 잠시 후 다시 시도하세요.",
                "The search index is catching up with the database. Please try again shortly.",
            ),
            Code::InsufficientScope => (
                403,
                "이 API 토큰의 권한 범위로는 할 수 없는 요청입니다. 필요한 범위를 가진 토큰을 쓰세요.",
                "This API token's scopes do not allow this call. Use a token with the scope it needs.",
            ),
            Code::InternalError => (
                500,
                "일시적인 오류가 발생했습니다. 오류는 기록되었으며, 잠시 후 다시 시도하세요.",
                "An internal error occurred and has been logged. Please try again shortly.",
            ),
            Code::InvalidAddress => (400, "주소는 200자 이내로 입력하세요.", "The address has at most 200 characters."),
            Code::InvalidBody => (400, "양식을 읽을 수 없습니다. 다시 제출하세요.", "The form could not be read. Please submit it again."),
            Code::InvalidBusinessNumber => (
                400,
                "사업자등록번호가 올바르지 않습니다. 10자리 숫자(예: 123-45-67890)를 확인하세요. 마지막 자리는 검증번호입니다.",
                "The business registration number is not valid. Check its 10 digits (e.g. 123-45-67890); the last one is a check digit.",
            ),
            Code::InvalidCertified => (400, "보안인증 조건 값이 올바르지 않습니다.", "The certified filter value is not valid."),
            Code::InvalidCompare => (400, "비교하려면 서비스를 2개 이상 4개 이하로 선택하세요.", "Choose from 2 to 4 services to compare."),
            Code::InvalidCredentials => (401, "이메일 또는 비밀번호가 올바르지 않습니다.", "The e-mail or the password is wrong."),
            Code::InvalidCsapGrade => (400, "CSAP 등급은 상, 중, 하 중에서 고르세요.", "Choose a CSAP grade of high, medium or low."),
            Code::InvalidDate => (
                400,
                "날짜는 YYYY-MM-DD 형식으로 입력하세요. 시작일은 종료일보다 늦을 수 없습니다.",
                "Enter dates as YYYY-MM-DD; the start cannot be after the end.",
            ),
            Code::InvalidDocType => (400, "문서 종류를 고르세요.", "Choose the kind of document."),
            Code::InvalidEmail => (
                400,
                "이메일 주소 형식이 올바르지 않습니다 (예: hong@agency.go.kr).",
                "Enter a valid e-mail address (e.g. hong@agency.go.kr).",
            ),
            Code::InvalidExpiry => (
                400,
                "만료일은 내일부터 2년 안의 날짜(YYYY-MM-DD)로 입력하세요.",
                "Give an expiry date (YYYY-MM-DD) from tomorrow to at most two years away.",
            ),
            Code::InvalidField => (400, "입력한 내용을 확인하세요.", "Check what you entered."),
            Code::InvalidFileType => (
                400,
                "사업자등록증은 PDF 또는 이미지(PNG, JPEG, GIF, WebP) 파일이어야 합니다. 파일 이름이 아니라 내용으로 확인합니다.",
                "The certificate must be a PDF or an image (PNG, JPEG, GIF, WebP). The file's content is checked, not its name.",
            ),
            Code::InvalidId => (
                400,
                "주소의 식별자가 올바르지 않습니다. 서비스는 UUID 또는 서비스 코드(예: SAS-4-09-10374)로, 제공기업은 UUID로 찾습니다.",
                "The identifier in the address is not valid. A service is found by its UUID or code (e.g. SAS-4-09-10374), a supplier by its UUID.",
            ),
            Code::InvalidKind => (
                400,
                "서비스 유형이 올바르지 않습니다. IaaS, PaaS, SaaS, DaaS, 지원서비스, 융합서비스 중에서 고르세요.",
                "The service kind is not valid. Choose IaaS, PaaS, SaaS, DaaS, support or convergence.",
            ),
            Code::InvalidLink => (
                400,
                "링크가 만료되었거나 이미 사용되었습니다. 새 링크를 요청하세요.",
                "This link has expired or was already used. Ask for a new one.",
            ),
            Code::InvalidName => (400, "이름을 입력하세요 (200자 이내).", "Enter a name (at most 200 characters)."),
            Code::InvalidPage => (
                400,
                "페이지 번호가 올바르지 않습니다. 1 이상의 숫자여야 하며, 너무 먼 페이지는 조건을 좁혀 찾으세요.",
                "The page number is not valid. Use a whole number from 1; for pages far back, narrow the search.",
            ),
            Code::InvalidParameter => (400, "요청 값이 올바르지 않습니다.", "A value in the request is not valid."),
            Code::InvalidPerPage => {
                (400, "한 페이지에 보일 결과 수는 1에서 100 사이여야 합니다.", "Results per page must be between 1 and 100.")
            }
            Code::InvalidPhone => (
                400,
                "전화번호는 숫자 7~15자리로 입력하세요 (예: 02-1234-5678).",
                "Enter the phone number with 7 to 15 digits (e.g. 02-1234-5678).",
            ),
            Code::InvalidPrice => (
                400,
                "가격은 0 이상의 원 단위 숫자로 입력하세요. 최저 가격은 최고 가격보다 클 수 없습니다.",
                "Enter prices as whole numbers of won, 0 or more; the minimum cannot be above the maximum.",
            ),
            Code::InvalidReason => (400, "사유는 2,000자 이내로 입력하세요.", "The reason may be at most 2,000 characters."),
            Code::InvalidRepresentative => {
                (400, "대표자 이름은 200자 이내로 입력하세요.", "The representative's name has at most 200 characters.")
            }
            Code::InvalidRoles => (
                400,
                "역할을 하나 이상 고르세요. 기관 유형에 맞는 역할만 줄 수 있습니다.",
                "Choose at least one role; only the roles of the organisation's kind can be given.",
            ),
            Code::InvalidScopes => (
                400,
                "권한 범위는 read, services:write, usage:write, invoices:write 중에서 고르세요.",
                "Choose scopes among read, services:write, usage:write and invoices:write.",
            ),
            Code::InvalidSize => (400, "기업 규모를 고르세요 (제공기업은 필수).", "Choose the company size (required for suppliers)."),
            Code::InvalidSme => (400, "중소기업 조건 값이 올바르지 않습니다.", "The SME filter value is not valid."),
            Code::InvalidSort => (400, "정렬 방식이 올바르지 않습니다.", "The sort order is not valid."),
            Code::InvalidStatus => (
                409,
                "지금 상태에서는 할 수 없는 처리입니다. 화면을 새로 고쳐 현재 상태를 확인하세요.",
                "This cannot be done in the object's present state. Reload the page to see where it stands.",
            ),
            Code::InvalidStatusFilter => (400, "서비스 상태 값이 올바르지 않습니다.", "The service status value is not valid."),
            Code::NotASession => {
                (400, "API 토큰은 로그아웃하지 않고 관리자가 폐기합니다.", "An API token is revoked by an admin, not logged out.")
            }
            Code::NotFound => (
                404,
                "찾는 페이지나 서비스가 없습니다. 주소를 확인하거나 서비스 찾기를 이용하세요.",
                "There is no such page or service. Check the address or use the service search.",
            ),
            Code::PasswordMismatch => (
                400,
                "두 비밀번호가 서로 다릅니다. 같은 비밀번호를 두 번 입력하세요.",
                "The two passwords differ. Type the same password twice.",
            ),
            Code::ReasonRequired => {
                (400, "사유를 입력하세요. 사유는 상대방에게 전달됩니다.", "Give the reason; the other party is told it.")
            }
            Code::RebuildRunning => (
                409,
                "색인 재구축이 이미 진행 중입니다. 끝난 뒤 다시 시도하세요.",
                "An index rebuild is already running; try again when it has finished.",
            ),
            Code::TooManyRequests => (
                429,
                "시도가 너무 많습니다. 안내된 시간만큼 기다린 뒤 다시 시도하세요.",
                "Too many attempts. Wait the time given, then try again.",
            ),
            Code::Unauthenticated => (401, "로그인이 필요합니다.", "Please sign in."),
            Code::WeakPassword => (400, "비밀번호는 10자 이상이어야 합니다.", "A password has at least 10 characters."),
            Code::WrongPassword => (400, "현재 비밀번호가 올바르지 않습니다.", "The current password is wrong."),
            Code::AmendmentPending => (
                409,
                "답변을 기다리는 변경 제안이 이미 있습니다. 먼저 수락하거나 거절하세요.",
                "An amendment is already waiting for an answer; accept or refuse it first.",
            ),
            Code::AmountTooLarge => (400, "금액이 너무 큽니다.", "The amount is too large."),
            Code::BelowInvoiced => {
                (409, "이미 청구된 금액보다 낮게 바꿀 수 없습니다.", "A cap below what was already invoiced is refused.")
            }
            Code::BudgetExceeded => (
                409,
                "예산 항목의 가용 잔액을 넘습니다. 아무것도 바뀌지 않았습니다.",
                "This would exceed what is available on the budget line; nothing changed.",
            ),
            Code::CapExceeded => (409, "계약 한도액을 넘는 주문입니다.", "The order would exceed the contract's cap."),
            Code::CatalogContractEnded => (
                409,
                "카탈로그 계약 기간이 끝나 납품요구를 할 수 없습니다.",
                "The catalog contract has ended; no delivery request can be placed.",
            ),
            Code::CatalogContractNotStarted => {
                (409, "카탈로그 계약 기간이 아직 시작되지 않았습니다.", "The catalog contract has not begun yet.")
            }
            Code::CatalogNumberTaken => {
                (409, "같은 계약번호의 카탈로그 계약이 이미 있습니다.", "A catalog contract with this number already exists.")
            }
            Code::InstallmentsNotTotal => {
                (400, "연차별 금액의 합이 계약 금액과 같아야 합니다.", "The yearly instalments must sum to the contract's total.")
            }
            Code::InvalidInstallments => (
                400,
                "연차별 금액이 올바르지 않습니다(연도 중복, 계약 기간 밖의 연도, 1원 미만).",
                "The instalments are invalid (a year twice or outside the period, or an amount below 1 won).",
            ),
            Code::InvalidPeriod => (400, "종료일이 시작일보다 앞설 수 없습니다.", "The end date cannot be before the start date."),
            Code::InvalidQuantity => (
                400,
                "수량과 개월 수는 1 이상이어야 하고 단가는 0원 이상이어야 합니다.",
                "Quantities and months are at least 1, unit prices at least 0 won.",
            ),
            Code::InvalidShares => (
                400,
                "공동계약 지분이 올바르지 않습니다(두 곳 이상, 중복 없이, 각 1~99%).",
                "Joint shares need two or more suppliers, each once, each 1–99 %.",
            ),
            Code::ItemsRequired => (400, "품목을 하나 이상 넣으세요.", "Give at least one item."),
            Code::NotInLongList => (
                400,
                "후보 목록(롱리스트)에 없는 서비스는 최종 후보에 넣을 수 없습니다.",
                "A short-listed service must be on the long list.",
            ),
            Code::NotInShortList => (
                400,
                "선정한 서비스는 최종 후보(숏리스트) 중에서 하나 이상이어야 합니다.",
                "The chosen services must be one or more of the short list.",
            ),
            Code::NotOrderable => (
                409,
                "이 서비스는 지금 계약하거나 주문할 수 없습니다(보안인증·등급·판매중지·선정기간·제재).",
                "This service cannot be contracted or ordered now (certification, grade, suspension, selection period or debarment).",
            ),
            Code::OwnAmendment => {
                (403, "제안한 쪽은 자기 변경 제안에 답할 수 없습니다.", "The side that proposed an amendment cannot answer it.")
            }
            Code::PriceAboveListed => {
                (400, "등록된 요금제 단가보다 높은 단가는 제시할 수 없습니다.", "A unit price above the listed plan's is refused.")
            }
            Code::ProjectDecided => (409, "선정이 끝난 사업은 바꿀 수 없습니다.", "The project is decided; it no longer changes."),
            Code::QuoteExpired => (409, "견적의 유효기간이 지났습니다.", "The quote's validity has passed."),
            Code::SharesNot100 => (400, "공동계약 지분의 합은 정확히 100%여야 합니다.", "Joint shares must sum to exactly 100 %."),
            Code::ShortlistSize => (400, "최종 후보(숏리스트)는 1~10개 서비스입니다.", "A short list holds 1 to 10 services."),
            Code::TextChanged => (
                409,
                "읽은 뒤 계약서가 바뀌었습니다. 현재 계약서를 다시 읽고 동의하세요.",
                "The contract text changed since it was read; read the current text and accept it again.",
            ),
            Code::UnknownPlan => (400, "서비스에 없는 요금제입니다.", "The service lists no such plan."),
            Code::AlreadyReplied => (
                409,
                "이 평가에는 이미 답글을 달았습니다. 답글은 한 번만 달 수 있습니다.",
                "This rating already has a reply; a supplier replies once.",
            ),
            Code::NoContract => (
                403,
                "이 서비스를 계약하거나 주문한 기관만 평가할 수 있습니다.",
                "Only an agency that has or had a contract or order for this service may rate it.",
            ),
            Code::PeriodNotEnded => (
                409,
                "청구 기간이 아직 끝나지 않았습니다. 기간이 끝난 뒤 발행하세요.",
                "The billing period has not ended yet; issue the invoice after it ends.",
            ),
            Code::EarlierInvoiceDraft => (
                409,
                "앞선 기간의 청구서가 아직 초안입니다. 청구서는 기간 순서대로 발행합니다.",
                "An earlier period's invoice is still a draft; invoices are issued in period order.",
            ),
            Code::BatchTooLarge => {
                (400, "한 번에 보낼 수 있는 사용량 기록은 10,000건까지입니다.", "A batch holds at most 10,000 usage records.")
            }
            Code::RecordConflict => (
                409,
                "이미 다른 내용으로 저장된 record_id가 있어 아무것도 저장하지 않았습니다.",
                "A record_id is already stored with other content, so nothing was stored.",
            ),
            Code::InvalidRecords => (
                400,
                "사용량 기록 중 잘못된 것이 있어 아무것도 저장하지 않았습니다. errors의 각 항목을 고쳐 다시 보내세요.",
                "Some usage records are invalid, so none was stored; fix each one listed in errors and send the batch again.",
            ),
            Code::ProgrammeClosed => (
                409,
                "바우처 신청 기간이 아닙니다. 아무것도 바뀌지 않았습니다.",
                "The programme is not taking applications today; nothing changed.",
            ),
            Code::AlreadyApplied => (
                409,
                "이 기업은 이미 이 사업에 신청했습니다. 신청은 사업마다 한 번입니다.",
                "The company already applied to this programme; a company applies once.",
            ),
            Code::NotSme => (
                403,
                "승인된 중소기업(소기업·중기업)의 바우처 담당자만 신청할 수 있습니다.",
                "Only an SME user of an approved small or medium company may apply.",
            ),
            Code::AboveCompanyCap => (
                400,
                "기업당 지원 한도를 넘는 금액입니다. 아무것도 바뀌지 않았습니다.",
                "The amount is above the programme's per-company cap; nothing changed.",
            ),
            Code::ProgrammeBudgetExceeded => (
                409,
                "사업 예산의 남은 금액을 넘습니다. 아무것도 바뀌지 않았습니다.",
                "This is beyond what the programme's budget has left; nothing changed.",
            ),
            Code::ServiceNotInProgramme => {
                (400, "이 사업의 공급기업 풀에 승인된 서비스가 아닙니다.", "The service is not in the programme's approved pool.")
            }
            Code::UsagePeriodOver => (
                409,
                "사업의 이용 기간이 끝난 뒤에 결제한 금액은 청구할 수 없습니다.",
                "A payment after the programme's usage end cannot be claimed.",
            ),
            Code::DuplicateInvoice => (
                409,
                "이 세금계산서 번호는 이 사업에서 이미 청구되었습니다.",
                "This tax invoice number was already claimed in this programme.",
            ),
            Code::VoucherExhausted => (
                409,
                "바우처의 남은 금액을 넘는 지원금입니다. 아무것도 바뀌지 않았습니다.",
                "The reimbursement is beyond what the voucher has left; nothing changed.",
            ),
            Code::CostTypeNotEligible => (400, "이 사업이 지원하지 않는 비용 항목입니다.", "The programme does not cover this cost type."),
            Code::EvidenceRequired => {
                (400, "세금계산서와 결제 증빙 파일을 올린 뒤 청구하세요.", "Upload the tax invoice and the payment proof, then claim.")
            }
            Code::FlagReasonRequired => (
                400,
                "부정수급 의심 신호가 있는 청구는 승인 사유를 적어야 승인할 수 있습니다.",
                "The claim is flagged: give a written reason to approve it.",
            ),
            Code::CertificationRequired => (
                409,
                "오늘 유효한 보안인증이 없는 서비스는 바우처 풀에 넣을 수 없습니다.",
                "A service without a certification valid today cannot join the voucher pool.",
            ),
            Code::AlreadyInPool => (
                409,
                "이 서비스는 이미 이 사업의 공급기업 풀에 신청되었습니다.",
                "The service is already offered to this programme's pool.",
            ),
            Code::RefundAbovePaid => {
                (400, "환급 금액의 합이 결제 금액을 넘을 수 없습니다.", "The refunds reported cannot exceed the claim's paid amount.")
            }
            Code::SurveyClosed => (
                409,
                "수요예보 응답 기간이 아닙니다. 아무것도 바뀌지 않았습니다.",
                "The demand forecast survey is not open for answers today; nothing changed.",
            ),
        }
    }

    pub fn status(self) -> u16 {
        self.entry().0
    }

    /// The reader's message: Korean when `korean`, else English.
    pub fn message(self, korean: bool) -> &'static str {
        let (_, ko, en) = self.entry();
        if korean { ko } else { en }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// What a use case refuses with: a code, a message for this case (English, specific), and
/// optional details that the API answer carries beside `code` and `message` (e.g. `missing`).
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub code: Code,
    pub message: String,
    pub details: Option<serde_json::Map<String, Value>>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), details: None }
    }

    /// Adds a field to the answer beside `code` and `message`.
    pub fn with(mut self, key: &str, value: Value) -> Self {
        self.details.get_or_insert_with(Default::default).insert(key.to_owned(), value);
        self
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(Code::NotFound, format!("{what} not found"))
    }

    pub fn forbidden() -> Self {
        Self::new(Code::Forbidden, "your role may not do this")
    }

    pub fn invalid_status(message: impl Into<String>) -> Self {
        Self::new(Code::InvalidStatus, message)
    }

    /// A server fault: the cause is logged here and never sent.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(Code::InternalError, "an internal error occurred; it has been logged")
    }

    pub fn status(&self) -> u16 {
        self.code.status()
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

impl From<gureum_storage::StorageError> for Error {
    fn from(e: gureum_storage::StorageError) -> Self {
        Self::internal(e)
    }
}

/// The lifecycle's refusals are API codes (docs/RULES.md#lifecycle).
impl From<gureum_domain::lifecycle::Refusal> for Error {
    fn from(r: gureum_domain::lifecycle::Refusal) -> Self {
        use gureum_domain::lifecycle::Refusal;
        let code = match r {
            Refusal::Forbidden => Code::Forbidden,
            Refusal::NotFound => Code::NotFound,
            Refusal::InvalidState(_) => Code::InvalidStatus,
        };
        debug_assert_eq!(code.as_str(), r.code());
        Self::new(code, r.message_en())
    }
}

impl From<gureum_search::SearchError> for Error {
    fn from(e: gureum_search::SearchError) -> Self {
        Self::internal(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_and_has_both_languages() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            assert_eq!(Code::parse(c.as_str()), Some(*c));
            assert!(seen.insert(c.as_str()), "{c} twice");
            let (status, ko, en) = c.entry();
            assert!((400..600).contains(&status), "{c}");
            assert!(!ko.is_empty() && !en.is_empty(), "{c}");
            assert!(ko.chars().any(|ch| ('가'..='힣').contains(&ch)), "{c}: Korean message");
            assert!(c.as_str().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'), "{c}");
        }
    }

    #[test]
    fn statuses_follow_the_spec() {
        assert_eq!(Code::InvalidStatus.status(), 409);
        assert_eq!(Code::Unauthenticated.status(), 401);
        assert_eq!(Code::Forbidden.status(), 403);
        assert_eq!(Code::NotFound.status(), 404);
        assert_eq!(Code::InvalidId.status(), 400);
        assert_eq!(Code::InternalError.status(), 500);
        assert_eq!(Code::DocumentsMissing.status(), 400);
        assert_eq!(Code::NotAReviewer.status(), 400);
        for c in [Code::SelectionRequired, Code::ConflictOfInterest, Code::AlreadyVoted, Code::RoundClosed, Code::UndecidedApplications] {
            assert_eq!(c.status(), 409, "{c:?}");
        }
    }

    #[test]
    fn every_buying_refusal_is_a_code_with_the_same_status() {
        use gureum_domain::buying::Refusal as R;
        let all = [
            R::Forbidden,
            R::NotFound,
            R::InvalidStatus { status: "draft", action: "terminate" },
            R::ProjectDecided,
            R::ShortlistSize,
            R::NotInLongList,
            R::NotInShortList,
            R::PriceAboveListed,
            R::ItemsRequired,
            R::UnknownPlan,
            R::InvalidQuantity,
            R::AmountTooLarge,
            R::QuoteExpired,
            R::TextChanged,
            R::SharesNot100,
            R::InvalidShares,
            R::InstallmentsNotTotal,
            R::InvalidInstallments,
            R::InvalidPeriod,
            R::CatalogContractEnded,
            R::CatalogContractNotStarted,
            R::OwnAmendment,
            R::BelowInvoiced,
            R::ReasonRequired,
            R::InvalidReason,
        ];
        for r in all {
            let code = Code::parse(r.code()).unwrap_or_else(|| panic!("{} is not an API code", r.code()));
            assert_eq!(code.status(), r.http_status(), "{}", r.code());
            assert_eq!(Error::from(r).code, code);
        }
    }

    #[test]
    fn details_ride_along() {
        let e = Error::new(Code::InvalidField, "x").with("missing", serde_json::json!(["sla"]));
        assert_eq!(e.details.and_then(|d| d.get("missing").cloned()), Some(serde_json::json!(["sla"])));
    }
}
