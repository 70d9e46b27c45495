//! The words of the supplier's and the operator's service desks: key → (Korean, English). Keys
//! not found here are looked up in the review committee's words, then the site's table, so
//! templates may use any of them through [`Words`].

use crate::i18n::Lang;

/// The reader's language, for templates: `w.t("key")`.
#[derive(Debug, Clone, Copy)]
pub struct Words(pub Lang);

impl Words {
    /// A word of the desks, else of the site (an unknown key comes back as itself).
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        match word(key) {
            Some((ko, en)) => self.0.pick(ko, en),
            None => self.0.t(key),
        }
    }
}

/// The reader's message for an error code.
pub fn error_message(lang: Lang, code: crate::error::Code) -> &'static str {
    lang.error_message(code)
}

/// Every word of the desks.
pub fn word(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        // my services
        "my.title" => ("내 서비스", "My services"),
        "my.lead" => (
            "등록을 신청하거나 고친 서비스의 상태와 판(개정)별 처리 내역입니다. 등록된 서비스를 고치면, 새 판이 등록될 때까지 지금 공개된 판이 그대로 보입니다.",
            "Your services, where each stands and the history of their revisions. When you edit a listed service, the listed revision stays public until the new one is listed.",
        ),
        "my.new" => ("새 서비스 등록 신청", "Apply to list a new service"),
        "my.empty" => ("아직 서비스가 없습니다.", "You have no services yet."),
        "my.edit" => ("고치기", "Edit"),
        "my.documents" => ("첨부 문서", "Documents"),
        "my.public_page" => ("공개 화면 보기", "See the public page"),
        "my.submit" => ("운영기관에 제출", "Submit to the operator"),
        "my.open" => ("작성 중인 판", "Open revision"),
        "my.open.draft" => (
            "제{n}판을 작성하고 있습니다. 제출하면 운영기관이 검토합니다.",
            "Revision {n} is a draft. Submit it for the operator to check.",
        ),
        "my.open.submitted" => (
            "제{n}판을 제출했습니다. 운영기관의 결정을 기다리고 있습니다.",
            "Revision {n} is submitted and waits for the operator's decision.",
        ),
        "my.open.in_review" => ("제{n}판을 심사하고 있습니다.", "Revision {n} is in review."),
        "my.changes" => ("공개된 판과 달라진 점", "What changed against the public revision"),
        "my.changes.caption" => {
            ("항목별 변경 내용: 공개된 판, 새 판, 중대 변경 여부", "Changes field by field: public revision, new revision, material or not")
        }
        "my.revisions" => ("판별 처리 내역", "Revisions"),
        "my.revisions.caption" => ("{code}의 판별 상태와 날짜 (한국 시간)", "Revisions of {code} with their state and dates (Korea time)"),
        "my.first" => ("첫 등록 신청입니다. 모든 항목을 검토합니다.", "A first listing: every field is reviewed."),
        "my.suspended" => ("판매중지", "Suspended"),
        "done.created" => {
            ("서비스를 만들었습니다. 문서를 첨부하고 제출하세요.", "The service is created. Attach its documents and submit it.")
        }
        "done.saved" => ("저장했습니다.", "Saved."),
        "done.submitted" => ("운영기관에 제출했습니다.", "Submitted to the operator."),
        "done.uploaded" => ("문서를 첨부했습니다.", "The document is attached."),
        "done.listed" => ("등록했습니다. 이제 검색에서 찾을 수 있습니다.", "Listed: it can now be found by search."),
        "done.rejected" => ("반려했습니다. 제공기업에 사유를 알렸습니다.", "Rejected; the supplier is told the reason."),
        "done.suspended" => ("판매중지했습니다.", "Suspended."),
        "done.reinstated" => ("판매중지를 해제했습니다.", "Reinstated."),
        "done.cancelled" => ("선정을 취소했습니다.", "Selection cancelled."),
        "done.review" => ("심사를 시작했습니다.", "The review has started."),
        // revision table
        "rev.revision" => ("판", "Revision"),
        "rev.state" => ("상태", "State"),
        "rev.created" => ("작성", "Created"),
        "rev.submitted" => ("제출", "Submitted"),
        "rev.decided" => ("결정", "Decided"),
        "rev.reason" => ("사유", "Reason"),
        "rev.n" => ("제{n}판", "Revision {n}"),
        "state.draft" => ("작성중", "Draft"),
        "state.submitted" => ("제출됨", "Submitted"),
        "state.in_review" => ("심사중", "In review"),
        "state.listed" => ("공개", "Listed"),
        "state.rejected" => ("반려", "Rejected"),
        "state.superseded" => ("이전 판", "Superseded"),
        "change.field" => ("항목", "Field"),
        "change.before" => ("공개된 판", "Public revision"),
        "change.after" => ("새 판", "New revision"),
        "change.material" => ("중대 변경", "Material"),
        "change.material.yes" => ("중대 변경 (재심사)", "Material (reviewed again)"),
        "change.material.no" => ("경미한 변경", "Minor"),
        "change.none" => ("달라진 항목이 없습니다.", "Nothing changed."),
        "change.empty" => ("(없음)", "(none)"),
        // the listing form
        "form.new.title" => ("새 서비스 등록 신청", "Apply to list a new service"),
        "form.edit.title" => ("서비스 고치기: {name}", "Edit service: {name}"),
        "form.lead" => (
            "별표(*)가 붙은 항목은 꼭 입력하세요. 저장하면 작성 중인 판에 기록되고, 제출해야 운영기관이 검토합니다.",
            "Fields marked * are required. Saving records the open draft; the operator checks it once you submit it.",
        ),
        "form.locked" => (
            "제출한 판은 운영기관이 결정할 때까지 고칠 수 없습니다.",
            "A submitted revision cannot be edited until the operator decides on it.",
        ),
        "form.basic" => ("기본 정보", "Basics"),
        "form.code" => ("서비스 코드", "Service code"),
        "form.code.hint" => {
            ("비워 두면 유형과 분류에 따라 자동으로 부여합니다.", "Leave empty to have one assigned from the kind and category.")
        }
        "form.name" => ("서비스 이름 *", "Service name (Korean) *"),
        "form.name_en" => ("영문 이름", "English name"),
        "form.kind" => ("서비스 유형 *", "Kind *"),
        "form.category" => ("분류 *", "Category *"),
        "form.subcategory" => ("세부 분류", "Subcategory"),
        "form.tags" => ("태그 (쉼표로 구분)", "Tags (comma-separated)"),
        "form.summary" => ("요약 *", "Summary (Korean) *"),
        "form.summary_en" => ("영문 요약", "English summary"),
        "form.description" => ("서비스 설명", "Description"),
        "form.plans" => ("요금제", "Price plans"),
        "form.plans.hint" => {
            ("쓰지 않는 줄은 비워 두세요. 단가는 원 단위 숫자입니다.", "Leave unused rows empty. Unit prices are whole won.")
        }
        "form.plan.n" => ("요금제 {n}", "Plan {n}"),
        "form.plan.name" => ("요금제 이름", "Plan name"),
        "form.plan.model" => ("과금 방식", "Pricing"),
        "form.plan.unit" => ("단위", "Unit"),
        "form.plan.price" => ("단가 (원)", "Unit price (KRW)"),
        "form.plan.vat" => ("VAT 포함", "VAT included"),
        "form.sla" => ("서비스 수준(SLA)", "Service level (SLA)"),
        "form.sla.availability" => ("가용성 (%)", "Availability (%)"),
        "form.sla.support" => ("기술지원 시간", "Support hours"),
        "form.sla.credit" => ("장애 시 보상 (%)", "Outage credit (%)"),
        "form.operation" => ("운영 환경", "Operation"),
        "form.data_location" => ("데이터 보관 위치", "Data location"),
        "form.integrations" => ("공통 시스템 연계", "Government system integrations"),
        "form.cert" => ("보안인증", "Security certification"),
        "form.cert.hint" => ("인증이 없으면 인증 유형을 ‘없음’으로 두세요.", "Without a certification, leave the type at “None”."),
        "form.cert.scheme" => ("인증 제도", "Scheme"),
        "form.cert.type" => ("인증 유형", "Type"),
        "form.cert.none" => ("없음", "None"),
        "form.cert.grade" => ("등급", "Grade"),
        "form.cert.number" => ("인증 번호", "Certificate number"),
        "form.cert.from" => ("유효기간 시작", "Valid from"),
        "form.cert.to" => ("유효기간 끝", "Valid to"),
        "form.cert.host" => ("기반 인프라 (IaaS 서비스 코드 또는 이름)", "Host infrastructure (IaaS service code or name)"),
        "form.save" => ("저장", "Save"),
        "form.create" => ("만들기", "Create"),
        "form.cancel" => ("내 서비스로 돌아가기", "Back to my services"),
        "form.error" => ("저장하지 못했습니다", "Not saved"),
        "form.date_hint" => ("YYYY-MM-DD", "YYYY-MM-DD"),
        // documents
        "docs.title" => ("첨부 문서: {name}", "Documents: {name}"),
        "docs.lead" => (
            "서비스 정의서, 가격표, SLA, 인증서를 PDF(20MB 이하)로 첨부하세요. 같은 파일은 한 번만 저장됩니다.",
            "Attach the service definition, price list, SLA and certificates as PDF (at most 20 MiB). The same file is stored once.",
        ),
        "docs.caption" => ("첨부한 문서: 종류, 파일, 크기, 판, 첨부 일시", "Attached documents: kind, file, size, revision, attached at"),
        "docs.empty" => ("첨부한 문서가 없습니다.", "No documents yet."),
        "docs.type" => ("문서 종류", "Kind of document"),
        "docs.file" => ("PDF 파일", "PDF file"),
        "docs.file.hint" => ("PDF만, 20MB 이하", "PDF only, at most 20 MiB"),
        "docs.upload" => ("첨부", "Attach"),
        "docs.upload.title" => ("문서 첨부", "Attach a document"),
        "docs.filename" => ("파일", "File"),
        "docs.size" => ("크기", "Size"),
        "docs.revision" => ("판", "Revision"),
        "docs.at" => ("첨부 일시", "Attached at"),
        "docs.download" => ("내려받기", "Download"),
        "doc.service_definition" => ("서비스 정의서", "Service definition"),
        "doc.price_list" => ("가격표", "Price list"),
        "doc.sla" => ("SLA", "SLA"),
        "doc.certificate" => ("인증서", "Certificate"),
        // the operator's queue
        "queue.title" => ("서비스 등록 심사 대기", "Services waiting for a decision"),
        "queue.lead" => (
            "제출된 서비스입니다. 오래 기다린 것부터 보입니다. 서비스를 열어 공개된 판과 달라진 점을 확인하고 등록하거나 반려하세요.",
            "Submitted services, the longest waiting first. Open one to see what changed against the listed revision, then list or reject it.",
        ),
        "queue.caption" => (
            "심사 대기 서비스: 코드, 이름, 제공기업, 구분, 상태, 제출일, 경과일수",
            "Waiting services: code, name, supplier, type, state, submitted, days waiting",
        ),
        "queue.empty" => ("기다리는 서비스가 없습니다.", "No service is waiting."),
        "queue.supplier" => ("제공기업", "Supplier"),
        "queue.type" => ("구분", "Type"),
        "queue.first" => ("신규", "New"),
        "queue.change" => ("변경", "Change"),
        "queue.material" => ("중대", "material"),
        "queue.submitted" => ("제출일", "Submitted"),
        "queue.age" => ("경과", "Waiting"),
        "queue.days" => ("{n}일", "{n} days"),
        "queue.find" => ("서비스 찾아 열기", "Open a service"),
        "queue.find.label" => ("서비스 코드 또는 ID", "Service code or id"),
        "queue.find.submit" => ("열기", "Open"),
        "queue.find.none" => ("그런 서비스가 없습니다.", "There is no such service."),
        // one service at the operator's desk
        "op.title" => ("서비스 심사: {name}", "Service: {name}"),
        "op.back" => ("심사 대기 목록으로", "Back to the queue"),
        "op.overview" => ("개요", "Overview"),
        "op.open" => ("심사할 판", "Revision to decide"),
        "op.no_open" => ("결정을 기다리는 판이 없습니다.", "No revision waits for a decision."),
        "op.public" => ("공개된 판", "Public revision"),
        "op.none" => ("없음 (첫 등록)", "None (first listing)"),
        "op.changes" => ("공개된 판과 달라진 점", "Changes against the listed revision"),
        "op.material" => ("중대 변경이 있습니다: 위원회 심사 대상입니다.", "This change is material: it goes through review."),
        "op.minor" => ("경미한 변경입니다: 운영기관 확인으로 등록할 수 있습니다.", "A minor change: the operator's check can list it."),
        "op.decide" => ("결정", "Decision"),
        "op.review" => ("심사 시작", "Start review"),
        "op.list" => ("등록", "List"),
        "op.reject" => ("반려", "Reject"),
        "op.reject.reason" => ("반려 사유 (제공기업에 전달됩니다) *", "Reason for rejecting (the supplier is told) *"),
        "op.status" => ("판매 상태", "Sale status"),
        "op.suspend" => ("판매중지", "Suspend"),
        "op.cancel" => ("선정 취소", "Cancel the selection"),
        "op.cancel.reason" => ("선정 취소 사유 (제공기업에 알립니다) *", "Reason for cancelling the selection (sent to the supplier) *"),
        "op.suspend.reason" => ("판매중지 사유 (공개 화면에 표시됩니다) *", "Reason for suspending (shown on the public page) *"),
        "op.reinstate" => ("판매중지 해제", "Reinstate"),
        "op.age" => ("경과일수", "Days waiting"),
        "op.error" => ("처리하지 못했습니다", "Not done"),
        // the buying desks' menu
        "nav.worklist" => ("업무함", "Worklist"),
        "nav.projects" => ("구매 사업", "Projects"),
        "nav.contracts" => ("계약", "Contracts"),
        "nav.incidents" => ("장애 이력", "Incidents"), // #24 incidents
        "nav.quote_requests" => ("견적 요청", "Quote requests"),
        "nav.catalog_contracts" => ("카탈로그 계약", "Catalog contracts"),
        "nav.dashboard" => ("대시보드", "Dashboard"),            // #24 spend and dashboard
        "nav.invoices" => ("청구서", "Invoices"),                // #24 invoices
        "nav.usage_upload" => ("사용량 올리기", "Upload usage"), // #24 records
        "nav.vouchers" => ("클라우드 바우처", "Cloud vouchers"), // #25 vouchers
        "nav.forecast" => ("수요예보", "Demand forecast"),       // #26 demand forecast
        // shared labels
        "lc.field.code" => ("서비스 코드", "Service code"),
        "lc.field.name" => ("서비스 이름", "Name"),
        "lc.field.name_en" => ("영문 이름", "English name"),
        "lc.field.kind" => ("유형", "Kind"),
        "lc.field.category" => ("분류", "Category"),
        "lc.field.subcategory" => ("세부 분류", "Subcategory"),
        "lc.field.tags" => ("태그", "Tags"),
        "lc.field.summary" => ("요약", "Summary"),
        "lc.field.summary_en" => ("영문 요약", "English summary"),
        "lc.field.description" => ("설명", "Description"),
        "lc.field.price_plans" => ("요금제", "Price plans"),
        "lc.field.sla" => ("서비스 수준(SLA)", "Service level (SLA)"),
        "lc.field.data_location" => ("데이터 보관 위치", "Data location"),
        "lc.field.integrations" => ("공통 시스템 연계", "Integrations"),
        "lc.field.certification" => ("보안인증", "Certification"),
        "lc.status" => ("상태", "Status"),
        "lc.supplier" => ("제공기업", "Supplier"),
        "lc.reason" => ("사유", "Reason"),
        "lc.name" => ("이름", "Name"),
        "lc.actions" => ("할 일", "Actions"),
        "lc.notice" => ("알림", "Notice"),
        _ => return crate::pages::review::words::word(key),
    })
}

/// A document type as people read it: a known kind in words, another as its type name.
pub fn doc_label(w: Words, doc_type: &str) -> String {
    match word(&format!("doc.{doc_type}")) {
        Some((ko, en)) => w.0.pick(ko, en).to_owned(),
        None => doc_type.to_owned(),
    }
}
