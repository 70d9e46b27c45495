//! The words of the account pages (sign-in, sign-up, reset, my account, people, API tokens,
//! company profile, the operator's account desk) and of the account error codes, kept apart from
//! `strings.rs` so that each area adds its words in its own file.

/// The reader's message for an account error code, when it is one.
pub(super) fn error_entry(code: &str) -> Option<(&'static str, &'static str)> {
    Some(match code {
        "csrf_failed" => (
            "보안 확인값이 없거나 만료된 양식입니다. 저장된 내용은 없습니다. 페이지를 새로 고친 뒤 다시 제출하세요.",
            "The form has no valid security token (it expired or came from another site). Nothing was saved. Reload the page and submit again.",
        ),
        "unauthenticated" => ("로그인이 필요합니다.", "Please sign in."),
        "forbidden" => (
            "이 화면이나 기능은 현재 계정의 역할로 이용할 수 없습니다. 필요하면 소속 기관의 관리자에게 역할을 요청하세요.",
            "Your role may not use this page or action. Ask your organisation's admin for a role if you need it.",
        ),
        "invalid_credentials" => ("이메일 또는 비밀번호가 올바르지 않습니다.", "The e-mail or the password is wrong."),
        "account_locked" => (
            "계정이 잠겨 있습니다. 로그인에 5번 연속 실패하면 15분 동안 잠깁니다. 잠시 후 다시 시도하거나 운영기관에 문의하세요.",
            "This account is locked. Five failed logins in a row lock it for 15 minutes. Try again later or contact the operator.",
        ),
        "consent_required" => (
            "개인정보 수집·이용에 동의해야 가입할 수 있습니다.",
            "You need to consent to the collection and use of personal information to sign up.",
        ),
        "invalid_business_number" => (
            "사업자등록번호가 올바르지 않습니다. 10자리 숫자(예: 123-45-67890)를 확인하세요. 마지막 자리는 검증번호입니다.",
            "The business registration number is not valid. Check its 10 digits (e.g. 123-45-67890); the last one is a check digit.",
        ),
        "invalid_email" => {
            ("이메일 주소 형식이 올바르지 않습니다 (예: hong@agency.go.kr).", "Enter a valid e-mail address (e.g. hong@agency.go.kr).")
        }
        "weak_password" => ("비밀번호는 10자 이상이어야 합니다.", "A password has at least 10 characters."),
        "wrong_password" => ("현재 비밀번호가 올바르지 않습니다.", "The current password is wrong."),
        "password_mismatch" => {
            ("두 비밀번호가 서로 다릅니다. 같은 비밀번호를 두 번 입력하세요.", "The two passwords differ. Type the same password twice.")
        }
        "invalid_name" => ("이름을 입력하세요 (200자 이내).", "Enter a name (at most 200 characters)."),
        "invalid_size" => ("기업 규모를 고르세요 (제공기업은 필수).", "Choose the company size (required for suppliers)."),
        "invalid_representative" => ("대표자 이름은 200자 이내로 입력하세요.", "The representative's name has at most 200 characters."),
        "invalid_address" => ("주소는 200자 이내로 입력하세요.", "The address has at most 200 characters."),
        "invalid_phone" => {
            ("전화번호는 숫자 7~15자리로 입력하세요 (예: 02-1234-5678).", "Enter the phone number with 7 to 15 digits (e.g. 02-1234-5678).")
        }
        "certificate_required" => {
            ("사업자등록증 파일(PDF 또는 이미지)을 첨부하세요.", "Attach the business registration certificate (a PDF or an image).")
        }
        "invalid_file_type" => (
            "사업자등록증은 PDF 또는 이미지(PNG, JPEG, GIF, WebP) 파일이어야 합니다. 파일 이름이 아니라 내용으로 확인합니다.",
            "The certificate must be a PDF or an image (PNG, JPEG, GIF, WebP). The file's content is checked, not its name.",
        ),
        "file_too_large" => ("파일은 20MB 이하여야 합니다.", "A file may be at most 20 MiB."),
        "company_exists" => (
            "이 사업자등록번호로 이미 가입된 기업이 있습니다. 그 기업의 관리자에게 초대를 요청하세요.",
            "A company with this business number already has an account. Ask its admin to invite you.",
        ),
        "email_taken" => ("이 이메일로 이미 가입된 계정이 있습니다.", "This e-mail already has an account."),
        "invalid_link" => (
            "링크가 만료되었거나 이미 사용되었습니다. 새 링크를 요청하세요.",
            "This link has expired or was already used. Ask for a new one.",
        ),
        "invalid_roles" => (
            "역할을 하나 이상 고르세요. 기관 유형에 맞는 역할만 줄 수 있습니다.",
            "Choose at least one role; only the roles of the organisation's kind can be given.",
        ),
        "invalid_state" => {
            ("승인 대기 중인 기업만 승인하거나 반려할 수 있습니다.", "Only a company waiting for approval can be approved or rejected.")
        }
        "reason_required" => ("반려할 때는 사유를 입력하세요.", "Give a reason when you reject."),
        "cannot_change_self" => {
            ("자신의 역할은 바꿀 수 없습니다. 다른 관리자에게 요청하세요.", "You cannot change your own roles; ask another admin.")
        }
        "cannot_lock_self" => ("자신의 계정은 잠글 수 없습니다.", "You cannot lock your own account."),
        "not_a_session" => ("API 토큰은 로그아웃하지 않고 관리자가 폐기합니다.", "An API token is revoked by an admin, not logged out."),
        "invalid_body" => ("양식을 읽을 수 없습니다. 다시 제출하세요.", "The form could not be read. Please submit it again."),
        _ => return None,
    })
}

/// The confirmation shown after a form did its work (`?done=…`).
pub(super) fn done_entry(key: &str) -> (&'static str, &'static str) {
    match key {
        "invited" => (
            "초대 메일을 보냈습니다. 받은 사람이 7일 안에 링크에서 비밀번호를 정하면 계정이 활성화됩니다.",
            "The invitation was e-mailed. The account becomes active once the person sets a password at the link (within 7 days).",
        ),
        "roles_saved" => ("역할을 저장했습니다.", "The roles were saved."),
        "revoked" => (
            "API 토큰을 폐기했습니다. 이 토큰으로 보낸 요청은 이제 거부됩니다.",
            "The API token was revoked; requests with it are now refused.",
        ),
        "saved" => ("저장했습니다.", "Saved."),
        "read" => ("알림을 읽음으로 표시했습니다.", "Marked as read."),
        "approved" => (
            "기업을 승인했습니다. 기업 관리자에게 알림과 메일을 보냈습니다.",
            "The company was approved; its admins were notified by e-mail.",
        ),
        "rejected" => {
            ("가입을 반려했습니다. 기업 관리자에게 사유를 알렸습니다.", "The sign-up was rejected; its admins were told the reason.")
        }
        "created" => ("기관을 만들었습니다. 이제 첫 관리자를 초대하세요.", "The organisation was created. Now invite its first admin."),
        "locked" => ("계정을 잠갔습니다. 로그인 중인 세션도 끝났습니다.", "The account was locked and its sessions ended."),
        "unlocked" => ("계정 잠금을 풀었습니다.", "The account was unlocked."),
        "rebuilding" => (
            "검색 색인을 새로 만들기 시작했습니다. 끝날 때까지 검색은 지금 색인으로 계속됩니다.",
            "The search index is being rebuilt; searches keep using the current one until it is done.",
        ),
        "logged_out" => ("로그아웃했습니다.", "You have logged out."),
        "reset" => ("비밀번호를 바꿨습니다. 새 비밀번호로 로그인하세요.", "Your password was changed. Log in with the new one."),
        "accepted" => ("비밀번호를 정했습니다. 이제 로그인할 수 있습니다.", "Your password is set. You can log in now."),
        "password_changed" => (
            "비밀번호를 바꿨습니다. 보안을 위해 모든 기기에서 로그아웃되었으니 새 비밀번호로 다시 로그인하세요.",
            "Your password was changed. For safety you were logged out everywhere; log in again with the new password.",
        ),
        _ => ("처리했습니다.", "Done."),
    }
}

/// Every UI string of the account pages: key → (Korean, English).
pub(super) fn entry(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        "nav.user" => ("내 메뉴", "My menu"),
        "nav.signed_in_as" => ("로그인한 사용자:", "Signed in as"),
        "nav.login" => ("로그인", "Log in"),
        "nav.signup" => ("회원가입", "Sign up"),
        "nav.logout" => ("로그아웃", "Log out"),
        "nav.my_account" => ("내 계정", "My account"),
        "nav.my_services" => ("내 서비스", "My services"),
        "nav.operator" => ("운영", "Operations"),
        "nav.audit" => ("감사", "Audit"),
        "form.error_summary" => ("입력한 내용을 확인하세요", "Check what you entered"),
        "form.required" => ("(필수)", "(required)"),
        "form.optional" => ("선택", "optional"),
        "form.choose" => ("선택하세요", "Choose"),
        "field.email" => ("이메일", "E-mail"),
        "field.password" => ("비밀번호", "Password"),
        "field.current_password" => ("현재 비밀번호", "Current password"),
        "field.new_password" => ("새 비밀번호", "New password"),
        "field.password_confirm" => ("비밀번호 확인", "Confirm the password"),
        "field.name" => ("이름", "Name"),
        "field.your_name" => ("담당자 이름", "Your name"),
        "field.phone" => ("전화번호", "Phone"),
        "field.company_phone" => ("대표 전화번호", "Company phone"),
        "field.contact_email" => ("대표 이메일", "Company e-mail"),
        "field.roles" => ("역할", "Roles"),
        "field.organisation" => ("소속 기관", "Organisation"),
        "field.org_kind" => ("기관 유형", "Kind of organisation"),
        "field.org_status" => ("기관 승인 상태", "Organisation status"),
        "field.business_number" => ("사업자등록번호", "Business registration number"),
        "field.company_name" => ("기업 이름 (상호)", "Company name"),
        "field.size" => ("기업 규모", "Company size"),
        "field.representative" => ("대표자", "Representative"),
        "field.address" => ("주소", "Address"),
        "field.certificate" => ("사업자등록증", "Business registration certificate"),
        "hint.password" => ("10자 이상으로 정하세요.", "At least 10 characters."),
        "hint.password_change" => (
            "바꾸면 모든 기기에서 로그아웃되고 새 비밀번호로 다시 로그인합니다.",
            "Changing it logs you out everywhere; then log in with the new one.",
        ),
        "hint.business_number" => {
            ("10자리 숫자, 하이픈(-)은 있어도 없어도 됩니다. 예: 123-45-67890", "10 digits, with or without dashes, e.g. 123-45-67890")
        }
        "hint.size" => (
            "제공기업만 고르세요. 소기업·중기업은 중소기업으로 검색 조건에 표시됩니다.",
            "Suppliers only. Small and medium companies show as SMEs in the search.",
        ),
        "hint.certificate" => (
            "PDF 또는 이미지(PNG, JPEG, GIF, WebP), 20MB 이하. 운영기관이 확인한 뒤 승인합니다.",
            "A PDF or an image (PNG, JPEG, GIF, WebP), up to 20 MiB. The operator checks it before approving.",
        ),
        "hint.email_login" => {
            ("로그인할 때 쓰며, 승인 결과와 알림을 이 주소로 보냅니다.", "You log in with it; the decision and notices are sent to it.")
        }
        "hint.phone" => ("예: 02-1234-5678", "e.g. 02-1234-5678"),
        "login.title" => ("로그인", "Log in"),
        "login.submit" => ("로그인", "Log in"),
        "login.forgot" => ("비밀번호를 잊으셨나요?", "Forgot your password?"),
        "login.signup" => ("제공기업·바우처 수요기업 회원가입", "Sign up as a supplier or a voucher SME"),
        "login.expired" => (
            "30분 동안 사용하지 않아 로그인이 끝났습니다. 다시 로그인하세요.",
            "You were logged out after 30 idle minutes. Please log in again.",
        ),
        "login.lock_hint" => (
            "로그인에 5번 연속 실패하면 계정이 15분 동안 잠깁니다. 30분 동안 사용하지 않으면 자동으로 로그아웃됩니다.",
            "Five failed logins in a row lock the account for 15 minutes. You are logged out after 30 idle minutes.",
        ),
        "reset.request_title" => ("비밀번호 재설정", "Reset your password"),
        "reset.request_lead" => (
            "가입한 이메일을 입력하면 비밀번호를 다시 정하는 링크를 보내 드립니다. 링크는 1시간 동안 한 번만 쓸 수 있습니다.",
            "Enter the e-mail you signed up with and we will send a link to set a new password. The link works once, for 1 hour.",
        ),
        "reset.request_submit" => ("재설정 링크 받기", "Send the reset link"),
        "reset.sent_title" => ("메일을 확인하세요", "Check your e-mail"),
        "reset.sent_body" => (
            "입력한 이메일로 가입된 계정이 있으면 비밀번호 재설정 링크를 보냈습니다. 링크는 1시간 동안 한 번만 쓸 수 있습니다. 메일이 오지 않으면 스팸함을 확인하세요.",
            "If an account exists for that e-mail, a reset link was sent to it. The link works once, for 1 hour. If nothing arrives, check your spam folder.",
        ),
        "reset.back_to_login" => ("로그인으로 돌아가기", "Back to log in"),
        "reset.again" => ("다시 요청하기", "Ask again"),
        "reset.title" => ("새 비밀번호 정하기", "Set a new password"),
        "reset.lead" => (
            "이 계정의 새 비밀번호를 정하세요. 다른 기기의 로그인은 모두 끝납니다.",
            "Choose a new password for this account. Every other login ends.",
        ),
        "reset.submit" => ("비밀번호 바꾸기", "Change the password"),
        "accept.title" => ("초대 수락", "Accept the invitation"),
        "accept.lead" => (
            "구름에 초대되었습니다. 비밀번호를 정하면 계정을 쓸 수 있습니다.",
            "You have been invited to Gureum. Set a password to start using your account.",
        ),
        "accept.submit" => ("비밀번호 정하고 시작하기", "Set the password and start"),
        "link.invalid_title" => ("링크를 쓸 수 없습니다", "This link cannot be used"),
        "link.invalid_body" => (
            "링크가 만료되었거나 이미 사용되었습니다. 비밀번호 재설정 링크는 1시간, 초대 링크는 7일 동안 한 번만 쓸 수 있습니다.",
            "The link has expired or was already used. A reset link works once within 1 hour, an invitation once within 7 days.",
        ),
        "link.reset_again" => ("새 재설정 링크 요청하기", "Ask for a new reset link"),
        "link.invite_again" => ("초대한 관리자에게 다시 초대해 달라고 요청하세요.", "Ask the admin who invited you to invite you again."),
        "signup.title" => ("회원가입", "Sign up"),
        "signup.lead" => (
            "제공기업과 바우처 수요기업은 사업자등록번호와 사업자등록증으로 직접 가입합니다. 운영기관이 확인하고 승인하면 이용할 수 있습니다.",
            "Suppliers and voucher SMEs sign up themselves with their business number and registration certificate. They can work once the operator has checked and approved them.",
        ),
        "signup.others" => (
            "수요기관, 조달청, 감사기관, 심사위원은 운영기관이나 소속 기관 관리자의 초대로 계정을 받습니다.",
            "Agencies, the PPS, audit offices and reviewers get their accounts by invitation from the operator or their organisation's admin.",
        ),
        "signup.kind" => ("가입 유형", "Sign up as"),
        "signup.kind_supplier" => ("제공기업", "Supplier"),
        "signup.kind_supplier_hint" => ("디지털서비스를 등록하고 판매하는 기업", "A company that lists and sells digital services"),
        "signup.kind_sme" => ("바우처 수요기업", "Voucher SME"),
        "signup.kind_sme_hint" => ("클라우드 바우처로 서비스를 이용하는 중소기업", "An SME that uses services with a cloud voucher"),
        "signup.company" => ("기업 정보", "Company"),
        "signup.person" => ("담당자 (기업 관리자)", "You (the company's admin)"),
        "signup.person_hint" => (
            "가입하는 사람이 기업의 관리자가 되어 다른 직원을 초대할 수 있습니다.",
            "You become the company's admin and can invite your colleagues.",
        ),
        "signup.submit" => ("가입 신청", "Sign up"),
        "signup.have_account" => ("이미 계정이 있나요?", "Already have an account?"),
        "signup.done_title" => ("가입 신청이 접수되었습니다", "Your sign-up was received"),
        "signup.done_pending" => ("운영기관의 승인을 기다리는 중입니다", "Waiting for the operator's approval"),
        "signup.done_body" => (
            "운영기관이 사업자등록증을 확인한 뒤 승인하면 이메일과 알림으로 알려 드립니다. 그 전에도 로그인해 승인 상태를 볼 수 있습니다.",
            "Once the operator has checked the certificate and approved the company, you will be told by e-mail and in the app. You can log in meanwhile to see the status.",
        ),
        "signup.done_login" => ("로그인해 승인 상태 보기", "Log in to see the status"),
        "consent.title" => ("개인정보 수집·이용 동의", "Consent to the collection and use of personal information"),
        "consent.caption" => ("수집하는 개인정보 항목, 이용 목적, 보유 기간", "Personal information collected, its purpose and retention"),
        "consent.items" => ("수집 항목", "Items"),
        "consent.purpose" => ("이용 목적", "Purpose"),
        "consent.retention" => ("보유 기간", "Retention"),
        "consent.items_person" => {
            ("담당자 이름, 이메일, 전화번호, 비밀번호(일방향 암호화)", "Your name, e-mail, phone number, password (one-way hashed)")
        }
        "consent.purpose_person" => (
            "가입·로그인, 본인 확인, 승인 결과와 절차 안내",
            "Sign-up and login, identification, notices about the decision and procedures",
        ),
        "consent.retention_person" => ("회원 탈퇴 또는 계정 삭제 시까지", "Until the account is closed or deleted"),
        "consent.items_company" => (
            "사업자등록증 사본(대표자 성명 포함), 사업자등록번호, 대표자, 주소",
            "A copy of the registration certificate (with the representative's name), business number, representative, address",
        ),
        "consent.purpose_company" => ("기업 실재 확인과 가입 승인", "Verifying the company and approving the sign-up"),
        "consent.retention_company" => ("기업 계정 유지 기간", "While the company account exists"),
        "consent.refuse" => {
            ("동의를 거부할 수 있으나, 거부하면 회원가입을 할 수 없습니다.", "You may refuse, but without consent you cannot sign up.")
        }
        "consent.policy_link" => ("개인정보 처리방침 전문 보기", "Read the full privacy policy"),
        "consent.agree" => ("위 개인정보 수집·이용에 동의합니다.", "I consent to the collection and use of personal information above."),
        "account.title" => ("내 계정", "My account"),
        "account.menu" => ("계정 메뉴", "Account menu"),
        "account.profile" => ("내 정보", "My details"),
        "account.pending_title" => ("승인 대기 중", "Waiting for approval"),
        "account.pending_body" => (
            "운영기관이 사업자등록증을 확인하고 있습니다. 승인되면 알림과 이메일로 알려 드리며, 그때부터 기업 기능을 쓸 수 있습니다.",
            "The operator is checking the registration certificate. You will be told in the app and by e-mail once approved; the company's functions open then.",
        ),
        "account.rejected_title" => ("가입이 반려되었습니다", "The sign-up was not approved"),
        "account.rejected_reason" => ("반려 사유", "Reason"),
        "account.admin_hint" => (
            "기업 관리자는 위 메뉴에서 직원 초대, API 토큰, 기업 정보를 관리합니다.",
            "As the company's admin you manage people, API tokens and the company profile from the menu above.",
        ),
        "account.notifications" => ("알림", "Notifications"),
        "account.unread" => ("읽지 않음", "Unread"),
        "account.new" => ("새 알림", "New"),
        "account.no_notifications" => ("알림이 없습니다.", "No notifications."),
        "account.mark_all_read" => ("모두 읽음으로 표시", "Mark all as read"),
        "account.mark_read" => ("읽음", "Mark as read"),
        "account.password" => ("비밀번호 변경", "Change the password"),
        "account.password_submit" => ("비밀번호 변경", "Change the password"),
        "people.title" => ("직원과 역할", "People and roles"),
        "people.caption" => ("우리 기관의 사람, 연락처, 역할, 상태", "The people of our organisation, their contacts, roles and status"),
        "people.admin" => ("관리자", "Admin"),
        "people.admin_hint" => {
            ("관리자는 직원을 초대하고 역할과 API 토큰을 관리합니다.", "Admins invite people and manage roles and API tokens.")
        }
        "people.me" => ("나", "you"),
        "people.change_roles" => ("역할 변경", "Change roles"),
        "people.roles_of" => ("역할:", "Roles of"),
        "people.save_roles" => ("역할 저장", "Save roles"),
        "people.self_hint" => ("자신의 역할은 다른 관리자가 바꿉니다.", "Another admin changes your roles."),
        "people.invite" => ("직원 초대", "Invite a person"),
        "people.invite_lead" => (
            "초대 메일의 링크(7일 유효)에서 비밀번호를 정하면 계정이 활성화됩니다.",
            "The account becomes active once the person sets a password at the e-mailed link (valid 7 days).",
        ),
        "people.invite_submit" => ("초대 메일 보내기", "Send the invitation"),
        "tokens.title" => ("API 토큰", "API tokens"),
        "tokens.lead" => (
            "API 토큰은 사용량 보고처럼 기계가 API를 부를 때 씁니다. 토큰은 기관 단위로 발급되며, 만든 직후 한 번만 볼 수 있습니다.",
            "API tokens let machines call the API, e.g. to report usage. They belong to the organisation and are shown only once, when created.",
        ),
        "tokens.none" => ("발급한 API 토큰이 없습니다.", "No API tokens yet."),
        "tokens.caption" => ("발급한 API 토큰", "API tokens issued"),
        "tokens.name" => ("토큰 이름", "Token name"),
        "tokens.name_hint" => {
            ("어디에 쓰는 토큰인지 알 수 있게 정하세요. 예: 사용량 보고 서버", "Say what it is for, e.g. usage reporting server")
        }
        "tokens.created" => ("발급 일시", "Created"),
        "tokens.last_used" => ("마지막 사용", "Last used"),
        "tokens.never" => ("사용 기록 없음", "Never"),
        "tokens.active" => ("사용 중", "Active"),
        "tokens.revoked" => ("폐기됨", "Revoked"),
        "tokens.revoke" => ("폐기", "Revoke"),
        "tokens.new" => ("새 토큰 발급", "Create a token"),
        "tokens.create" => ("토큰 발급", "Create the token"),
        "tokens.created_title" => ("API 토큰을 발급했습니다", "The API token was created"),
        "tokens.once_title" => ("지금 복사해 두세요", "Copy it now"),
        "tokens.once_body" => (
            "이 토큰 값은 지금 한 번만 보입니다. 구름은 해시값만 저장하므로 다시 보여 드릴 수 없습니다. 잃어버리면 폐기하고 새로 발급하세요.",
            "This token is shown only now. Gureum stores only its hash and cannot show it again. If you lose it, revoke it and create a new one.",
        ),
        "tokens.secret" => ("토큰 값", "Token"),
        "tokens.usage" => ("요청에 다음 머리글로 보내세요:", "Send it with each request as:"),
        "tokens.back" => ("API 토큰 목록으로", "Back to API tokens"),
        "company.title" => ("기업 정보", "Company profile"),
        "company.fixed_hint" => (
            "기업 이름과 사업자등록번호는 승인된 사업자등록증의 정보라 여기서 바꿀 수 없습니다. 바뀌었으면 운영기관에 문의하세요.",
            "The name and business number come from the approved registration certificate and cannot be changed here; contact the operator if they changed.",
        ),
        "company.size_hint" => (
            "소기업·중기업은 서비스 검색의 ‘중소기업’ 조건에 나옵니다. 바꾸면 우리 기업의 모든 서비스에 바로 반영됩니다.",
            "Small and medium companies show under the search's SME filter; a change applies to all our services at once.",
        ),
        "company.submit" => ("저장", "Save"),
        "operator.title" => ("운영", "Operations"),
        "operator.menu" => ("운영 메뉴", "Operations menu"),
        "operator.lead" => (
            "가입 승인, 기관과 사용자 계정, 서비스 심사·등록을 관리합니다.",
            "Approve sign-ups, manage organisations and accounts, review and list services.",
        ),
        "operator.pending_count" => ("승인 대기", "Waiting for approval:"),
        "operator.people_count" => ("전체 사용자", "People:"),
        "index.title" => ("검색 색인", "Search index"),
        "index.generation" => ("세대", "Generation"),
        "index.documents" => ("색인된 서비스", "Services indexed"),
        "index.applied" => ("반영한 변경 / 데이터베이스의 변경", "Changes applied / changes in the database"),
        "index.state" => ("상태", "State"),
        "index.idle" => ("최신 상태 유지 중", "Kept current"),
        "index.running" => ("새 색인을 만드는 중", "Rebuilding"),
        "index.rebuild" => ("검색 색인 다시 만들기", "Rebuild the search index"),
        "index.rebuild_help" => (
            "데이터베이스에서 이 서버의 색인을 새로 만들어 바꿔 넣습니다. 만드는 동안에도 검색은 계속됩니다.",
            "Builds this server's index afresh from the database beside the live one and swaps it in; searching continues meanwhile.",
        ),
        "operator.services" => ("서비스 심사·등록", "Service review and listing"),
        "operator.services_sub" => ("제출된 서비스 확인과 등록", "Check and list submitted services"),
        "orgs.title" => ("가입 승인·기관", "Sign-ups and organisations"),
        "orgs.pending" => ("승인 대기 중인 가입", "Sign-ups waiting for approval"),
        "orgs.no_pending" => ("승인을 기다리는 가입이 없습니다.", "No sign-ups are waiting."),
        "orgs.pending_caption" => ("승인 대기 중인 가입 (오래 기다린 순)", "Sign-ups waiting for approval (longest waiting first)"),
        "orgs.waiting" => ("대기 기간", "Waiting"),
        "orgs.days" => ("일", " days"),
        "orgs.applicant" => ("신청자", "Applicant"),
        "orgs.download" => ("내려받기", "Download"),
        "orgs.attached" => ("첨부됨", "Attached"),
        "orgs.decision" => ("승인 또는 반려", "Approve or reject"),
        "orgs.approve" => ("승인", "Approve"),
        "orgs.reject" => ("반려", "Reject"),
        "orgs.reason" => ("반려 사유", "Reason for rejecting"),
        "orgs.all" => ("기관 목록", "Organisations"),
        "orgs.all_caption" => ("승인되었거나 반려된 기관 (최근 순)", "Approved or rejected organisations (newest first)"),
        "orgs.search" => ("기관 검색", "Search organisations"),
        "orgs.q" => ("기관 이름 또는 사업자등록번호", "Name or business number"),
        "orgs.total" => ("검색된 기관 수:", "Organisations found:"),
        "orgs.created" => ("등록 일시", "Created"),
        "orgs.new" => ("기관 만들기", "Create an organisation"),
        "orgs.new_lead" => (
            "수요기관, 조달청, 감사기관, 심사위원 풀, 운영기관은 운영기관이 만들고 첫 관리자를 초대합니다. 제공기업과 바우처 수요기업은 직접 가입합니다.",
            "Agencies, the PPS, audit offices, the reviewer pool and operators are created here, then their first admin is invited. Suppliers and voucher SMEs sign up themselves.",
        ),
        "orgs.name" => ("기관 이름", "Name"),
        "orgs.create" => ("기관 만들기", "Create"),
        "orgs.members" => ("소속 사용자", "People"),
        "orgs.members_caption" => ("이 기관의 사용자", "The people of this organisation"),
        "orgs.no_members" => ("아직 사용자가 없습니다. 첫 관리자를 초대하세요.", "No people yet. Invite the first admin."),
        "orgs.invite" => ("사용자 초대", "Invite a person"),
        "orgs.invite_lead" => (
            "기관의 첫 사용자는 관리자로 초대하세요. 초대 링크는 7일 동안 쓸 수 있습니다.",
            "Invite the first person as an admin. The link works for 7 days.",
        ),
        "orgs.catalog_supplier" => ("카탈로그 제공기업", "Catalog supplier"),
        "orgs.catalog_page" => ("제공기업 공개 페이지", "Public supplier page"),
        "users.title" => ("사용자 계정", "Accounts"),
        "users.search" => ("사용자 검색", "Search people"),
        "users.q" => ("이름, 이메일 또는 기관", "Name, e-mail or organisation"),
        "users.total" => ("검색된 사용자 수:", "People found:"),
        "users.caption" => ("사용자 계정 (기관 이름순)", "Accounts (by organisation)"),
        "users.lock_col" => ("잠금", "Lock"),
        "users.lock" => ("잠그기", "Lock"),
        "users.unlock" => ("잠금 풀기", "Unlock"),
        _ => return None,
    })
}
