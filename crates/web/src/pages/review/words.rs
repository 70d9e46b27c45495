//! The words of the review committee's pages (supplier, operator and reviewer desks): key →
//! (Korean, English). The desks' [`Words`](crate::pages::desk) find them after their own.

/// Every word of the committee's pages.
pub fn word(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        // menus
        "nav.applications" => ("심사 신청", "Applications"),
        "nav.committee" => ("심사위원회", "Review committee"),
        "nav.reviews" => ("심사", "Reviews"),
        "rv.sub.nav" => ("심사위원회 메뉴", "Committee menu"),
        "rv.sub.applications" => ("신청 목록", "Applications"),
        "rv.sub.rounds" => ("차수", "Rounds"),
        "rv.sub.settings" => ("심사 설정", "Settings"),
        "rv.sub.conflicts" => ("이해충돌 신고", "Declared ties"),
        // lists
        "rv.list.supplier" => ("내 심사 신청", "My applications"),
        "rv.list.operator" => ("심사 신청 현황", "Applications to the committee"),
        "rv.list.reviewer" => ("배정된 심사", "Applications assigned to me"),
        "rv.list.lead.supplier" => (
            "첫 등록이나 중대 변경을 제출하면 심사 신청이 접수됩니다. 단계마다 걸린 영업일과 목표를 보여 줍니다.",
            "A first listing or a material change you submit becomes an application. Each step shows its business days against its target.",
        ),
        "rv.list.lead.operator" => (
            "모든 신청을 단계별로 모았습니다. 단계마다 오래 기다린 것부터 보이며, 목표 영업일을 넘긴 신청에는 ‘기한 초과’가 표시됩니다.",
            "Every application, by step, the longest waiting first. Those past their step's target in business days are marked overdue.",
        ),
        "rv.list.lead.reviewer" => (
            "나에게 배정된 신청만 보입니다. 신청을 열어 문서를 확인하고 평가하세요.",
            "Only the applications assigned to you. Open one to read its documents and vote.",
        ),
        "rv.list.empty" => ("신청이 없습니다.", "No applications."),
        "rv.list.caption" => (
            "{step} ({n}건): 서비스, 제공기업, 차수, 이 단계의 경과 영업일과 목표, 접수일",
            "{step} ({n}): service, supplier, round, business days in this step against the target, received",
        ),
        "rv.filter" => ("신청 걸러 보기", "Filter applications"),
        "rv.filter.status" => ("단계", "Step"),
        "rv.filter.round" => ("차수", "Round"),
        "rv.filter.all" => ("전체", "All"),
        "rv.filter.apply" => ("적용", "Apply"),
        "rv.col.service" => ("서비스", "Service"),
        "rv.col.round" => ("차수", "Round"),
        "rv.col.days" => ("경과 / 목표", "Elapsed / target"),
        "rv.col.received" => ("접수일", "Received"),
        "rv.col.votes" => ("받은 평가", "Votes received"),
        "rv.col.reviewers" => ("심사위원", "Reviewers"),
        "rv.days" => ("{n}영업일", "{n} business days"),
        "rv.days.of" => ("{n} / {t}영업일", "{n} of {t} business days"),
        "rv.overdue" => ("기한 초과", "Overdue"),
        "rv.none" => ("-", "-"),
        // one application
        "rv.app.title" => ("심사 신청: {name}", "Application: {name}"),
        "rv.app.overview" => ("개요", "Overview"),
        "rv.app.status" => ("현재 단계", "Current step"),
        "rv.app.revision" => ("신청한 판", "Revision applied"),
        "rv.app.current" => ("이 단계의 경과", "Time in this step"),
        "rv.app.service_desk" => ("서비스 심사 화면", "The service at the operator's desk"),
        "rv.steps" => ("단계별 처리 기간", "Steps"),
        "rv.steps.caption" => (
            "단계, 시작, 끝, 경과 영업일, 목표 영업일, 기한 (한국 시간)",
            "Step, started, ended, business days, target business days, on time (Korea time)",
        ),
        "rv.steps.step" => ("단계", "Step"),
        "rv.steps.started" => ("시작", "Started"),
        "rv.steps.ended" => ("끝", "Ended"),
        "rv.steps.days" => ("경과 영업일", "Business days"),
        "rv.steps.target" => ("목표 영업일", "Target"),
        "rv.steps.state" => ("기한", "On time"),
        "rv.steps.open" => ("진행 중", "Ongoing"),
        "rv.steps.ok" => ("기한 내", "On time"),
        "rv.docs" => ("제출 문서", "Documents"),
        "rv.docs.caption" => {
            ("신청한 판의 문서: 종류, 파일, 크기, 첨부 일시", "Documents of the revision applied: kind, file, size, attached at")
        }
        "rv.supplements" => ("보완 요청", "Supplement requests"),
        "rv.supplements.caption" => {
            ("보완 요청: 요청 내용, 요청 일시, 답변, 답변 일시", "Supplement requests: message, asked at, answer, answered at")
        }
        "rv.supplements.message" => ("요청 내용", "Request"),
        "rv.supplements.at" => ("요청 일시", "Asked at"),
        "rv.supplements.answer" => ("답변", "Answer"),
        "rv.supplements.answered" => ("답변 일시", "Answered at"),
        "rv.answer.title" => ("보완 제출", "Send the supplement"),
        "rv.answer.lead" => (
            "요청받은 문서를 먼저 서비스의 첨부 문서 화면에서 올린 뒤, 무엇을 보완했는지 적어 제출하세요.",
            "Upload the requested documents on the service's documents page first, then say what you supplied.",
        ),
        "rv.answer.message" => ("보완 내용 *", "What you supplied *"),
        "rv.answer.submit" => ("보완 제출", "Send"),
        "rv.answer.docs" => ("첨부 문서 화면으로", "Go to the documents page"),
        "rv.withdraw.title" => ("신청 취하", "Withdraw the application"),
        "rv.withdraw.lead" => (
            "결정 전에는 신청을 취하할 수 있습니다. 취하하면 신청한 판은 다시 작성 중이 됩니다.",
            "You may withdraw before a decision. The revision applied becomes a draft again.",
        ),
        "rv.withdraw.submit" => ("신청 취하", "Withdraw"),
        "rv.outcome" => ("심사 결과", "Outcome"),
        "rv.outcome.selected" => ("선정되었습니다.", "Selected."),
        "rv.outcome.not_selected" => {
            ("선정되지 않았습니다. 미충족 기준과 의견을 확인하세요.", "Not selected. See the criteria not met and the comments.")
        }
        "rv.outcome.caption" => ("평가 기준별 결과와 심사위원 의견", "Each criterion's result with the reviewers' comments"),
        "rv.outcome.criterion" => ("평가 기준", "Criterion"),
        "rv.outcome.result" => ("결과", "Result"),
        "rv.outcome.comments" => ("의견", "Comments"),
        "rv.outcome.innovativeness" => ("혁신성 의견", "Innovativeness notes"),
        "rv.pass" => ("적합", "Pass"),
        "rv.fail" => ("부적합", "Fail"),
        "rv.reviewers" => ("심사위원", "Reviewers"),
        "rv.reviewers.caption" => ("배정된 심사위원: 이름, 평가 여부, 회피 사유", "Assigned reviewers: name, voted, recusal"),
        "rv.reviewers.name" => ("이름", "Name"),
        "rv.reviewers.voted" => ("평가", "Vote"),
        "rv.reviewers.recused" => ("회피", "Recused"),
        "rv.reviewers.yes" => ("평가함", "Voted"),
        "rv.reviewers.no" => ("평가 전", "Not yet"),
        "rv.reviewers.none" => ("아직 배정된 심사위원이 없습니다.", "No reviewer is assigned yet."),
        // the operator's forms
        "rv.assign.title" => ("차수와 심사위원 배정", "Assign a round and reviewers"),
        "rv.assign.round" => ("차수 *", "Round *"),
        "rv.assign.round.none" => ("열린 차수가 없습니다. 먼저 차수를 만드세요.", "There is no open round. Create one first."),
        "rv.assign.reviewers" => ("심사위원 *", "Reviewers *"),
        "rv.assign.hint" => (
            "제공기업과 이해관계가 있는 심사위원(같은 소속이거나 이해충돌을 신고한 사람)은 배정되지 않습니다.",
            "A reviewer tied to the supplier (of its organisation, or having declared a tie) is refused.",
        ),
        "rv.assign.assigned" => ("(배정됨)", "(assigned)"),
        "rv.assign.submit" => ("배정", "Assign"),
        "rv.assign.none" => ("심사위원 역할을 가진 사람이 없습니다.", "Nobody has the reviewer role."),
        "rv.request.title" => ("보완 요청", "Ask for supplementary documents"),
        "rv.request.message" => ("요청 내용 (제공기업에 전달됩니다) *", "What is needed (the supplier is told) *"),
        "rv.request.submit" => ("보완 요청", "Ask"),
        "rv.related" => ("해당", "Concerns"),
        // the reviewer's forms
        "rv.vote.title" => ("평가", "Your vote"),
        "rv.vote.lead" => (
            "다섯 가지 기준마다 적합 또는 부적합을 고르고 의견을 적으세요. 제출한 평가는 고칠 수 없습니다.",
            "Choose pass or fail for each of the five criteria, with a comment. A vote cannot be changed once sent.",
        ),
        "rv.vote.comment" => ("의견", "Comment"),
        "rv.vote.innovativeness" => ("혁신성 의견", "Innovativeness note"),
        "rv.vote.submit" => ("평가 제출", "Send the vote"),
        "rv.vote.missing" => ("이 기준의 결과를 고르세요.", "Choose a result for this criterion."),
        "rv.vote.mine" => ("나의 평가", "Your vote"),
        "rv.vote.mine.caption" => ("제출한 평가: 기준, 결과, 의견", "Your vote: criterion, result, comment"),
        "rv.vote.sent" => ("{at}에 제출했습니다.", "Sent at {at}."),
        "rv.recuse.title" => ("심사 회피", "Recuse yourself"),
        "rv.recuse.lead" => (
            "이해관계가 있으면 평가하기 전에 회피하세요. 운영기관이 다른 심사위원을 배정합니다.",
            "If you are tied to the supplier, step back before voting; the operator assigns another reviewer.",
        ),
        "rv.recuse.reason" => ("회피 사유 *", "Reason *"),
        "rv.recuse.submit" => ("회피", "Recuse"),
        // rounds
        "rv.rounds.title" => ("심사 차수", "Rounds"),
        "rv.rounds.lead" => (
            "차수마다 신청을 모아 위원회가 심사합니다. 차수를 마감하면 모든 결정이 한 번에 공개됩니다.",
            "Each round gathers applications for the committee. Closing a round publishes every decision at once.",
        ),
        "rv.rounds.caption" => ("차수: 이름, 회의일, 상태, 신청 수", "Rounds: name, meeting day, status, applications"),
        "rv.rounds.empty" => ("차수가 없습니다.", "No rounds yet."),
        "rv.rounds.name" => ("차수 이름", "Name"),
        "rv.rounds.meets_on" => ("회의일", "Meets on"),
        "rv.rounds.status" => ("상태", "Status"),
        "rv.rounds.apps" => ("신청", "Applications"),
        "rv.rounds.open" => ("진행 중", "Open"),
        "rv.rounds.closed" => ("마감", "Closed"),
        "rv.rounds.new" => ("새 차수", "New round"),
        "rv.rounds.name.field" => ("차수 이름 *", "Name *"),
        "rv.rounds.name.hint" => ("예: 2026년 12월 차수", "e.g. December 2026"),
        "rv.rounds.meets_on.field" => ("회의일 *", "Meets on *"),
        "rv.rounds.create" => ("차수 만들기", "Create the round"),
        "rv.round.title" => ("차수: {name}", "Round: {name}"),
        "rv.round.caption" => (
            "이 차수의 신청: 서비스, 제공기업, 단계, 받은 평가 / 정족수, 심사위원",
            "Applications of this round: service, supplier, step, votes received against the quorum, reviewers",
        ),
        "rv.round.quorum" => ("정족수", "Quorum"),
        "rv.round.close" => ("차수 마감", "Close the round"),
        "rv.round.close.lead" => (
            "마감하면 정족수 이상 평가받은 신청이 모두 결정되고, 선정된 서비스는 바로 등록됩니다.",
            "Closing decides every application with votes from a quorum; selected services are listed at once.",
        ),
        "rv.round.closed_at" => ("마감 일시", "Closed at"),
        "rv.round.undecided" => ("평가가 모자란 신청", "Applications lacking votes"),
        // settings
        "rv.settings.title" => ("심사 설정", "Review settings"),
        "rv.settings.lead" => (
            "제출에 필요한 문서, 정족수, 선정 유효기간, 단계별 목표 영업일입니다. 인증서는 IaaS·PaaS·SaaS·DaaS에만 요구합니다.",
            "The documents a submission needs, the quorum, how long a selection lasts, and each step's target in business days. A certificate is asked only of IaaS, PaaS, SaaS and DaaS.",
        ),
        "rv.settings.docs" => ("필수 문서", "Required documents"),
        "rv.settings.extra" => {
            ("그 밖의 필수 문서 종류 (영문 소문자, 쉼표로 구분)", "Other required document types (lower-case, comma-separated)")
        }
        "rv.settings.quorum" => ("정족수 (평가한 심사위원 수) *", "Quorum (reviewers who voted) *"),
        "rv.settings.years" => ("선정 유효기간 (년) *", "Selection valid for (years) *"),
        "rv.settings.targets" => ("단계별 목표 (영업일)", "Targets per step (business days)"),
        "rv.settings.save" => ("저장", "Save"),
        // debarments
        "rv.debar.title" => ("부정당업자 제재", "Debarment"),
        "rv.debar.lead" => (
            "제재 기간 동안 이 제공기업의 등록 서비스는 모두 판매중지되고, 기간이 끝나면 다시 등록됩니다. 제공기업에 사유를 알립니다.",
            "For the period every listed service of this supplier is suspended, and listed again after it. The supplier is told the reason.",
        ),
        "rv.debar.empty" => ("등록된 제재가 없습니다.", "No debarment recorded."),
        "rv.debar.caption" => ("제재 이력: 기간, 사유, 등록 일시", "Debarments: period, reason, recorded at"),
        "rv.debar.period" => ("기간", "Period"),
        "rv.debar.reason" => ("사유", "Reason"),
        "rv.debar.at" => ("등록 일시", "Recorded at"),
        "rv.debar.in_force" => ("제재 중", "In force"),
        "rv.debar.new" => ("제재 등록", "Record a debarment"),
        "rv.debar.from" => ("시작일 *", "From *"),
        "rv.debar.to" => ("종료일 (포함) *", "To (inclusive) *"),
        "rv.debar.reason.field" => ("사유 *", "Reason *"),
        "rv.debar.submit" => ("제재 등록", "Debar"),
        "done.debarred" => ("제재를 등록했습니다.", "Debarment recorded."),
        // conflicts
        "rv.conflicts.title" => ("이해충돌 신고", "Declared ties"),
        "rv.conflicts.lead" => (
            "이해관계가 있는 사업자를 미리 신고하면 그 제공기업의 신청에는 배정되지 않습니다.",
            "Declare a business you are tied to, and you are never assigned to its applications.",
        ),
        "rv.conflicts.caption" => {
            ("신고한 이해충돌: 사업자등록번호, 사유, 신고 일시", "Declared ties: business number, reason, declared at")
        }
        "rv.conflicts.empty" => ("신고한 이해충돌이 없습니다.", "You have declared no ties."),
        "rv.conflicts.bizno" => ("사업자등록번호", "Business number"),
        "rv.conflicts.reason" => ("사유", "Reason"),
        "rv.conflicts.at" => ("신고 일시", "Declared at"),
        "rv.conflicts.new" => ("이해충돌 신고하기", "Declare a tie"),
        "rv.conflicts.bizno.field" => ("사업자등록번호 *", "Business number *"),
        "rv.conflicts.bizno.hint" => ("예: 123-45-67890", "e.g. 123-45-67890"),
        "rv.conflicts.reason.field" => ("사유 *", "Reason *"),
        "rv.conflicts.submit" => ("신고", "Declare"),
        // the supplier's other pages
        "rv.my.application" => ("심사 신청 보기", "See the application"),
        "rv.docs.missing" => ("아직 올리지 않은 필수 문서", "Required documents still missing"),
        "rv.docs.missing.lead" => ("제출하려면 다음 문서를 모두 올려야 합니다.", "Upload all of these before you submit."),
        "rv.docs.complete" => ("필수 문서를 모두 올렸습니다.", "Every required document is in."),
        // the public page
        "rv.selection.round" => ("선정 차수", "Selected in round"),
        // notices
        "done.assigned" => ("배정했습니다. 심사위원에게 알렸습니다.", "Assigned; the reviewers are told."),
        "done.voted" => ("평가를 제출했습니다.", "Your vote is recorded."),
        "done.recused" => ("회피했습니다. 운영기관에 알렸습니다.", "You stepped back; the operator is told."),
        "done.requested" => ("보완을 요청했습니다. 제공기업에 알렸습니다.", "Supplementary documents requested; the supplier is told."),
        "done.answered" => ("보완을 제출했습니다.", "The supplement is sent."),
        "done.withdrawn" => ("신청을 취하했습니다.", "The application is withdrawn."),
        "done.round_created" => ("차수를 만들었습니다.", "The round is created."),
        "done.closed" => ("차수를 마감하고 결정을 공개했습니다.", "The round is closed and its decisions published."),
        "done.settings" => ("심사 설정을 저장했습니다.", "The review settings are saved."),
        "done.declared" => ("이해충돌을 신고했습니다.", "The tie is declared."),
        // document kinds beyond the desk's
        "doc.business_soundness" => ("경영상태 확인서", "Business soundness statement"),
        "doc.no_debarment" => ("부정당업자 제재 없음 확인서", "No-debarment statement"),
        _ => return None,
    })
}
