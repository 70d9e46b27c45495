//! The demand forecast's pages (수요예보, issue #26): the public reports (`/forecast`, and
//! `/forecast/{id}` with charts, their tables, CSV and JSON links, and demand meeting supply),
//! the operator's desk (`/operator/forecast`: surveys and the form to open one;
//! `/operator/forecast/{id}`: the response rate by agency kind and who is missing) and the
//! agency's (`/agency/forecast/{id}`: systems, the add/edit form, delete, CSV upload with its
//! template, submit). Read and changed only through `gureum_app::forecast`; every form works
//! without JavaScript.

mod agency;
mod operator;
mod public;

use crate::error::{AppError, Code};
use crate::i18n::Lang;
use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use gureum_domain::forecast::{AgencyKind, Change, Hosting, NoPlanReason, TargetType};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/forecast", get(public::list))
        .route("/forecast/{id}", get(public::report))
        .route("/operator/forecast", get(operator::desk).post(operator::create))
        .route("/operator/forecast/{id}", get(operator::progress))
        .route("/agency/forecast", get(agency::list))
        .route("/agency/forecast/template.csv", get(agency::template))
        .route("/agency/forecast/{id}", get(agency::answer))
        .route("/agency/forecast/{id}/systems", post(agency::save))
        .route("/agency/forecast/{id}/systems/{key}/delete", post(agency::delete))
        .route("/agency/forecast/{id}/upload", post(agency::upload))
        .route("/agency/forecast/{id}/submit", post(agency::submit))
}

/// The words of the forecast pages, Korean first.
#[derive(Debug, Clone, Copy)]
pub struct W(pub Lang);

impl W {
    pub fn t(&self, key: &str) -> &'static str {
        let (ko, en) = match key {
            "title" => ("클라우드 수요예보", "Cloud demand forecast"),
            "intro" => (
                "공공기관은 매년 정보시스템별 클라우드 도입 계획을 제출합니다(클라우드컴퓨팅법 제13조). 제출된 응답의 합계만 공개하며, 어느 기관의 응답도 따로 공개하지 않습니다.",
                "Every public body reports its information systems' cloud plans each year (Cloud Computing Act art. 13). Only totals of submitted answers are published; no single agency's answer is ever shown.",
            ),
            "surveys" => ("조사 목록", "Surveys"),
            "none" => ("아직 조사가 없습니다.", "No survey yet."),
            "col.year" => ("연도", "Year"),
            "col.window" => ("응답 기간", "Answer window"),
            "col.status" => ("상태", "Status"),
            "col.report" => ("보고서", "Report"),
            "col.count" => ("정보시스템 수", "Systems"),
            "col.value" => ("구분", "Value"),
            "status.scheduled" => ("예정", "Scheduled"),
            "status.open" => ("응답 중", "Open"),
            "status.closed" => ("마감", "Closed"),
            "see_report" => ("보고서 보기", "See the report"),
            // the report
            "report.title" => ("수요예보 결과", "Demand forecast report"),
            "report.live" => (
                "조사가 진행 중입니다. 제출된 응답으로 집계한 현재 값입니다.",
                "The survey is open: these are the figures of the answers submitted so far.",
            ),
            "report.withheld" => (
                "응답 기관이 3곳 미만이어서 세부 집계를 공개하지 않습니다. 한 기관의 응답이 드러나지 않도록 3곳 이상이 제출하면 공개됩니다.",
                "Fewer than 3 agencies have submitted, so no breakdown is published: it appears once 3 or more have, so that no single agency's answer is public.",
            ),
            "report.asked" => ("조사 대상 기관", "Agencies asked"),
            "report.answered" => ("응답 기관", "Agencies answered"),
            "report.rate" => ("응답률", "Response rate"),
            "report.systems" => ("정보시스템", "Information systems"),
            "report.budget" => ("예상 예산 합계", "Budget estimates, summed"),
            "report.downloads" => ("내려받기", "Downloads"),
            "report.csv" => ("CSV 내려받기", "Download CSV"),
            "report.json" => ("JSON 내려받기", "Download JSON"),
            "chart.target" => ("전환 유형별 계획 시스템", "Planned systems by target type"),
            "chart.target.desc" => {
                ("클라우드 도입 계획이 있는 시스템을 IaaS, PaaS, SaaS로 나눈 수", "Systems with a cloud plan by IaaS, PaaS and SaaS")
            }
            "chart.year" => ("도입 예정 연도별 시스템", "Planned systems by year"),
            "chart.year.desc" => ("도입 예정 연도별 계획 시스템 수", "Planned systems by the year they move to cloud"),
            "chart.kind" => ("기관 유형별 시스템", "Systems by agency kind"),
            "chart.kind.desc" => ("응답한 시스템을 기관 유형별로 나눈 수", "Answered systems by the kind of agency"),
            "chart.hosting" => ("현재 운영 환경별 시스템", "Systems by current hosting"),
            "chart.hosting.desc" => ("지금 시스템이 운영되는 곳별 수", "Systems by where they run today"),
            "chart.function" => ("필요 기능별 계획 시스템", "Planned systems by function needed"),
            "chart.function.desc" => (
                "계획 시스템이 필요로 하는 기능별 수 (많은 순 상위 15개)",
                "Planned systems by the function they need (the 15 most needed)",
            ),
            "chart.reason" => ("계획이 없는 이유", "Reasons for no plan"),
            "chart.reason.desc" => ("도입 계획이 없는 시스템의 이유별 수", "Systems without a plan by reason"),
            "chart.empty" => ("아직 제출된 응답이 없습니다.", "No answer submitted yet."),
            "supply.title" => ("수요와 공급", "Demand meets supply"),
            "supply.intro" => (
                "계획된 수요가 있는 기능마다, 태그나 분류가 그 기능과 같은 등록 서비스를 보여줍니다.",
                "For each function with planned demand, the listed services whose tags or category match it.",
            ),
            "supply.col.function" => ("기능", "Function"),
            "supply.col.systems" => ("계획 시스템", "Planned systems"),
            "supply.col.services" => ("맞는 등록 서비스", "Matching listed services"),
            "supply.none" => ("맞는 등록 서비스 없음", "No listed service matches"),
            "supply.more" => ("건 더", "more"),
            "supply.gap" => ("공급기업을 위한 빈틈: 등록 서비스가 없는 수요", "For suppliers: demand no listed service covers"),
            "supply.gap.none" => {
                ("모든 수요 기능에 맞는 등록 서비스가 있습니다.", "Every demanded function has a matching listed service.")
            }
            "supply.gap.item" => ("계획 시스템", "planned systems"),
            // the operator
            "op.title" => ("수요예보 운영", "Demand forecast desk"),
            "op.new" => ("조사 시작", "Open a survey"),
            "op.new.intro" => (
                "조사를 만들면 승인된 모든 수요기관에 알림과 메일이 갑니다. 지난 응답이 있으면 그 시스템 목록이 미리 채워집니다.",
                "Opening a survey tells every approved agency in the app and by e-mail; systems are prefilled from each agency's last answer.",
            ),
            "op.f.year" => ("조사 연도", "Survey year"),
            "op.f.opens_on" => ("응답 시작일", "Opens on"),
            "op.f.closes_on" => ("응답 마감일", "Closes on"),
            "op.create" => ("조사 시작", "Open the survey"),
            "op.progress" => ("응답 현황", "Responses"),
            "op.progress.title" => ("수요예보 응답 현황", "Demand forecast responses"),
            "op.by_kind" => ("기관 유형별 응답률", "Response rate by agency kind"),
            "op.col.kind" => ("기관 유형", "Agency kind"),
            "op.col.asked" => ("대상", "Asked"),
            "op.col.answered" => ("제출", "Submitted"),
            "op.col.rate" => ("응답률", "Rate"),
            "op.missing" => ("미제출 기관", "Agencies that have not submitted"),
            "op.missing.none" => ("모든 기관이 제출했습니다.", "Every agency has submitted."),
            "op.col.agency" => ("기관", "Agency"),
            "op.col.draft" => ("작성 중인 시스템", "Systems in draft"),
            "op.reminders" => (
                "미제출 기관에는 마감 14일, 7일, 1일 전에 알림과 메일이 자동으로 갑니다.",
                "Agencies that have not submitted are reminded automatically 14, 7 and 1 days before the close.",
            ),
            // the agency
            "ag.title" => ("우리 기관 수요예보", "Our demand forecast"),
            "ag.answer" => ("응답하기", "Answer"),
            "ag.status.draft" => ("작성 중", "Draft"),
            "ag.status.submitted" => ("제출 완료", "Submitted"),
            "ag.prefilled" => (
                "지난 조사에서 제출한 시스템 목록을 미리 채웠습니다. 올해 계획에 맞게 고쳐 주세요.",
                "Your systems were prefilled from your last answer; update them for this year.",
            ),
            "ag.edit_resets" => (
                "제출한 뒤 시스템을 고치거나 삭제하거나 CSV를 올리면 응답은 다시 작성 중이 되며, 다시 제출해야 결과에 반영됩니다.",
                "Changing, deleting or uploading systems after submitting puts the answer back to draft: it counts in the report again only once submitted anew.",
            ),
            "ag.closed" => ("응답 기간이 아니어서 바꿀 수 없습니다.", "The survey is not open: nothing can be changed."),
            "ag.systems" => ("정보시스템", "Information systems"),
            "ag.systems.none" => ("아직 입력한 시스템이 없습니다.", "No system entered yet."),
            "ag.col.key" => ("관리번호", "Key"),
            "ag.col.name" => ("시스템명", "System"),
            "ag.col.hosting" => ("현재 운영", "Hosting today"),
            "ag.col.plan" => ("계획", "Plan"),
            "ag.col.functions" => ("필요 기능", "Functions"),
            "ag.col.budget" => ("예상 예산", "Budget estimate"),
            "ag.col.actions" => ("관리", "Actions"),
            "ag.no_plan" => ("계획 없음", "No plan"),
            "ag.edit" => ("고치기", "Edit"),
            "ag.delete" => ("삭제", "Delete"),
            "ag.form.add" => ("시스템 추가", "Add a system"),
            "ag.form.edit" => ("시스템 고치기", "Edit a system"),
            "ag.f.key" => ("관리번호", "Key"),
            "ag.f.key.hint" => (
                "기관이 정한 시스템 번호 (영문·숫자·.-_, 64자 이내). 같은 번호로 저장하면 고쳐집니다.",
                "Your own number for the system (letters, digits, . - _; at most 64). Saving the same key replaces it.",
            ),
            "ag.f.name" => ("시스템명", "System name"),
            "ag.f.hosting" => ("현재 운영 환경", "Current hosting"),
            "ag.f.year" => ("도입 예정 연도", "Planned year"),
            "ag.f.year.hint" => {
                ("계획이 없으면 비워 두고 아래에서 이유를 고르세요.", "Leave empty when there is no plan, and pick the reason below.")
            }
            "ag.f.target" => ("전환 유형", "Target type"),
            "ag.f.change" => ("신규·전환", "New or conversion"),
            "ag.f.functions" => ("필요 기능", "Functions needed"),
            "ag.f.functions.hint" => (
                "쉼표(,)나 세미콜론(;)으로 나눕니다. 예: 전자결재, 영상회의",
                "Separate with commas or semicolons, e.g. 전자결재, 영상회의",
            ),
            "ag.f.budget" => ("예상 예산 (원)", "Budget estimate (KRW)"),
            "ag.f.reason" => ("계획이 없는 이유", "Reason for no plan"),
            "ag.f.none" => ("선택 안 함", "None"),
            "ag.save" => ("저장", "Save"),
            "ag.upload" => ("CSV로 한꺼번에 올리기", "Upload many systems as CSV"),
            "ag.upload.intro" => (
                "서식의 열 순서대로 작성해 올리면 모든 줄을 한 번에 저장합니다. 잘못된 줄이 하나라도 있으면 아무것도 저장하지 않고 그 줄 번호를 알려 드립니다.",
                "Fill in the template's columns and upload: every line is saved at once. If any line is wrong nothing is saved and its line number is shown.",
            ),
            "ag.template" => ("CSV 서식 내려받기", "Download the CSV template"),
            "ag.f.file" => ("CSV 파일", "CSV file"),
            "ag.upload.submit" => ("올리기", "Upload"),
            "ag.submit" => ("제출", "Submit"),
            "ag.submit.intro" => ("마감일까지 고치고 다시 제출할 수 있습니다.", "You can change and submit again until the close."),
            "done" => ("처리되었습니다.", "Done."),
            "error" => ("처리하지 못했습니다", "This could not be done"),
            "nav.forecast" => ("수요예보", "Demand forecast"),
            _ => ("", ""),
        };
        self.0.pick(ko, en)
    }

    /// A survey status, a survey response status.
    pub fn status(&self, s: &str) -> &'static str {
        let w = self.t(&format!("status.{s}"));
        if w.is_empty() { self.t(&format!("ag.status.{s}")) } else { w }
    }

    pub fn hosting(&self, code: &str) -> String {
        Hosting::parse(code).map(|h| self.0.pick(h.label_ko(), h.label_en()).to_owned()).unwrap_or_else(|| code.to_owned())
    }

    pub fn target(&self, code: &str) -> String {
        TargetType::parse(code).map(|h| self.0.pick(h.label_ko(), h.label_en()).to_owned()).unwrap_or_else(|| code.to_owned())
    }

    pub fn change(&self, code: &str) -> String {
        Change::parse(code).map(|h| self.0.pick(h.label_ko(), h.label_en()).to_owned()).unwrap_or_else(|| code.to_owned())
    }

    pub fn reason(&self, code: &str) -> String {
        NoPlanReason::parse(code).map(|h| self.0.pick(h.label_ko(), h.label_en()).to_owned()).unwrap_or_else(|| code.to_owned())
    }

    pub fn kind(&self, code: &str) -> String {
        AgencyKind::parse(code).map(|h| self.0.pick(h.label_ko(), h.label_en()).to_owned()).unwrap_or_else(|| code.to_owned())
    }
}

/// A refused form: its message in the reader's language, the detail and the code, and the
/// field it names.
pub struct Problem {
    pub field: String,
    pub message: String,
    pub detail: String,
    pub code: &'static str,
}

impl Problem {
    pub fn new(lang: Lang, e: &AppError) -> Self {
        let field = match e.code {
            Code::InvalidField => {
                let m = e.message.strip_prefix("line ").and_then(|m| m.split_once(": ")).map(|(_, r)| r).unwrap_or(&e.message);
                m.split_once(':').map(|(k, _)| k.trim().to_owned()).unwrap_or_default()
            }
            Code::ReasonRequired => "no_plan_reason".into(),
            _ => String::new(),
        };
        Self { field, message: lang.error_message(e.code).to_owned(), detail: e.message.clone(), code: e.code.as_str() }
    }
}

/// An error of a form that stays on its page, or the error page (a 404, a bad id, a 403).
pub fn stays_on_form(e: &AppError) -> bool {
    !(e.status == axum::http::StatusCode::NOT_FOUND || e.status == axum::http::StatusCode::FORBIDDEN || e.code == Code::InvalidId)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_has_both_languages() {
        for key in ["title", "report.title", "op.title", "ag.title", "supply.title", "chart.reason", "nav.forecast"] {
            assert!(!W(Lang::Ko).t(key).is_empty() && !W(Lang::En).t(key).is_empty(), "{key}");
        }
        assert_eq!(W(Lang::En).hosting("nirs"), "National G-Cloud (NIRS)");
        assert_eq!(W(Lang::Ko).reason("no_budget"), "예산 부족");
        assert_eq!(W(Lang::Ko).status("submitted"), "제출 완료");
    }

    #[test]
    fn refusals_name_their_fields() {
        let e = AppError::new(Code::InvalidField, "line 3: current_hosting: one of own, nirs, private, none");
        assert_eq!(Problem::new(Lang::Ko, &e).field, "current_hosting");
        let e = AppError::new(Code::ReasonRequired, "no_plan_reason: needed");
        assert_eq!(Problem::new(Lang::Ko, &e).field, "no_plan_reason");
    }
}
