//! The review committee's pages through the real router, as people without JavaScript use them
//! (SPEC §4 "Review"): a supplier submits with its documents and follows its application, the
//! operator creates a round and assigns reviewers (a tied one refused and named), reviewers vote
//! through the form (a missing criterion refused), the operator closes the round, and the
//! public page shows the selection. Each person reaches only what is theirs. Runs on the engine
//! the run asks for (`GUREUM_TEST_DATABASE=sqlite|postgres`).

mod common;

use axum::http::{HeaderMap, Request, header};
use common::{CRITERIA, PDF, TestApp, spawn_app};
use serde_json::{Value, json};
use tower::ServiceExt;

const PASSWORD: &str = "gureum-demo";

/// One answer: status, headers, body as text.
struct Page {
    status: u16,
    headers: HeaderMap,
    html: String,
}

impl Page {
    fn location(&self) -> String {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
    }
}

/// A signed-in person: the session token (sent as the session cookie) and its CSRF token.
struct Person {
    token: String,
    csrf: String,
}

async fn send(app: &TestApp, who: Option<&Person>, method: &str, uri: &str, form: Option<&[(&str, &str)]>) -> Page {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(p) = who {
        req = req.header(header::COOKIE, format!("gureum_session={}", p.token));
    }
    let body = match (form, who) {
        (Some(fields), Some(p)) => {
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            let pairs = std::iter::once(("_csrf", p.csrf.as_str())).chain(fields.iter().copied());
            axum::body::Body::from(pairs.map(|(k, v)| format!("{}={}", escape(k), escape(v))).collect::<Vec<_>>().join("&"))
        }
        _ => axum::body::Body::empty(),
    };
    let resp = app.router.clone().oneshot(req.body(body).expect("request")).await.expect("response");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 24).await.expect("body");
    Page { status, headers, html: String::from_utf8_lossy(&bytes).into_owned() }
}

/// Every byte but letters and digits as `%XX`, which any form decoder reads back.
fn escape(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { char::from(b).to_string() } else { format!("%{b:02X}") }).collect()
}

async fn get(app: &TestApp, who: Option<&Person>, uri: &str) -> Page {
    send(app, who, "GET", uri, None).await
}

async fn post(app: &TestApp, who: &Person, uri: &str, form: &[(&str, &str)]) -> Page {
    send(app, Some(who), "POST", uri, Some(form)).await
}

/// Signs in through the API and reads the session's CSRF token from a page.
async fn sign_in(app: &TestApp, email: &str) -> Person {
    let (s, v) = app.call("POST", "/api/v1/auth/login", None, Some(json!({"email": email, "password": PASSWORD}))).await;
    assert_eq!(s, 200, "{email} signs in: {v}");
    let token = v["token"].as_str().expect("token").to_owned();
    let page = get(app, Some(&Person { token: token.clone(), csrf: String::new() }), "/account").await;
    let marker = "name=\"_csrf\" value=\"";
    let at = page.html.find(marker).expect("a form with its CSRF token") + marker.len();
    let csrf = page.html[at..].split('"').next().expect("token").to_owned();
    Person { token, csrf }
}

fn demo(role: &str) -> String {
    format!("{role}@demo.gureum.kr")
}

/// Another person of the demo reviewers' pool, with the reviewer role.
async fn add_reviewer(app: &TestApp, local: &str, name: &str) -> (String, Person) {
    let pool = app.db.user_by_email(&demo("reviewer")).await.expect("db").expect("demo reviewer").org_id;
    let id = uuid::Uuid::new_v4().to_string();
    let hash = gureum_app::secrets::hash_password(PASSWORD.to_owned()).await.expect("hash");
    let mut tx = app.db.begin_write().await.expect("tx");
    tx.insert_user(&gureum_storage::NewUser {
        id: id.clone(),
        org_id: pool,
        email: demo(local),
        name: name.into(),
        phone: None,
        password_hash: Some(hash),
        roles: vec![gureum_domain::account::Role::Reviewer],
        is_admin: false,
        status: gureum_storage::UserStatus::Active,
    })
    .await
    .expect("insert reviewer");
    tx.audit(gureum_storage::NewAuditEvent::new("system", "test.reviewer", "user", &id)).await.expect("audit");
    tx.commit().await.expect("commit");
    (id, sign_in(app, &demo(local)).await)
}

/// A PDF uploaded through the API (multipart), as a supplier's tool would.
async fn upload(app: &TestApp, who: &Person, service: &str, doc_type: &str) {
    let b = "review-pages-boundary";
    let mut body = format!("--{b}\r\nContent-Disposition: form-data; name=\"doc_type\"\r\n\r\n{doc_type}\r\n").into_bytes();
    body.extend(
        format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{doc_type}.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
        )
        .bytes(),
    );
    body.extend(PDF);
    body.extend(format!("\r\n--{b}--\r\n").bytes());
    let req = Request::builder()
        .method("POST")
        .uri(format!("/api/v1/services/{service}/documents"))
        .header(header::AUTHORIZATION, format!("Bearer {}", who.token))
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={b}"))
        .body(axum::body::Body::from(body))
        .expect("request");
    let status = app.router.clone().oneshot(req).await.expect("response").status().as_u16();
    assert_eq!(status, 201, "{doc_type} uploaded");
}

fn listing() -> Value {
    listing_named("구름 심사 메신저")
}

fn listing_named(name: &str) -> Value {
    json!({
        "name": name,
        "kind": "saas",
        "category": "협업",
        "summary": "기관용 메신저",
        "price_plans": [{"name": "기본", "model": "metered", "unit": "사용자/월", "unit_price_krw": 3000}],
        "certification": {"type": "standard", "grade": "low", "number": "CSAP-S-2026-91", "valid_from": "2026-01-01", "valid_to": "2030-12-31"}
    })
}

/// A service with every required document, submitted through the desk: (service, application).
async fn apply(app: &TestApp, supplier: &Person, name: &str) -> (String, String) {
    let (s, v) = app.call("POST", "/api/v1/services", Some(&supplier.token), Some(listing_named(name))).await;
    assert_eq!(s, 201, "{v}");
    let service = v["id"].as_str().expect("id").to_owned();
    for t in ["service_definition", "price_list", "sla", "business_soundness", "no_debarment", "certificate"] {
        upload(app, supplier, &service, t).await;
    }
    assert_eq!(post(app, supplier, &format!("/supplier/services/{service}/submit"), &[]).await.status, 303);
    let (_, mine) = app.call("GET", "/api/v1/applications", Some(&supplier.token), None).await;
    let a = mine.as_array().expect("list").iter().find(|a| a["service_id"] == service.as_str()).expect("an application");
    (service, a["id"].as_str().expect("id").to_owned())
}

/// A vote form: every criterion `pass` except those left out.
fn vote_form(leave_out: &[&str]) -> Vec<(&'static str, &'static str)> {
    let mut f: Vec<(&'static str, &'static str)> = CRITERIA.iter().filter(|c| !leave_out.contains(c)).map(|c| (*c, "pass")).collect();
    f.push(("comment_security", "암호화 적정"));
    f.push(("innovativeness", "공공 메신저 연계가 새롭습니다"));
    f
}

#[tokio::test]
async fn the_committee_through_its_pages() {
    let app = spawn_app(30).await;
    gureum::demo::seed_demo_accounts(&app.db).await.expect("demo accounts");
    let supplier = sign_in(&app, &demo("supplier")).await;
    let supplier2 = sign_in(&app, &demo("supplier2")).await;
    let operator = sign_in(&app, &demo("operator")).await;
    let buyer = sign_in(&app, &demo("buyer")).await;
    let bystander = sign_in(&app, &demo("reviewer")).await;
    let (kim_id, kim) = add_reviewer(&app, "kim", "김심사").await;
    let (lee_id, lee) = add_reviewer(&app, "lee", "이심사").await;
    let (park_id, park) = add_reviewer(&app, "park", "박연루").await;

    // The desks are in the header for their roles.
    let page = get(&app, Some(&supplier), "/supplier/services").await;
    assert!(page.html.contains("href=\"/supplier/applications\""));
    assert!(get(&app, Some(&operator), "/operator").await.html.contains("href=\"/operator/applications\""));
    assert!(get(&app, Some(&kim), "/account").await.html.contains("href=\"/reviewer/applications\""));

    // The supplier creates a service; its documents page names what is missing.
    let (s, v) = app.call("POST", "/api/v1/services", Some(&supplier.token), Some(listing())).await;
    assert_eq!(s, 201, "{v}");
    let service = v["id"].as_str().expect("id").to_owned();
    let docs_page = format!("/supplier/services/{service}/documents");
    let page = get(&app, Some(&supplier), &docs_page).await;
    assert_eq!(page.status, 200);
    assert!(
        page.html.contains("missing-documents")
            && page.html.contains("경영상태 확인서")
            && page.html.contains("부정당업자 제재 없음 확인서")
    );
    for t in ["service_definition", "price_list", "sla", "business_soundness", "certificate"] {
        upload(&app, &supplier, &service, t).await;
    }
    // Submitting with one document missing is refused on the documents page, naming it.
    let page = post(&app, &supplier, &format!("/supplier/services/{service}/submit"), &[]).await;
    assert_eq!(page.status, 400);
    assert!(page.html.contains("documents_missing") && page.html.contains("no_debarment"), "{}", page.html);
    upload(&app, &supplier, &service, "no_debarment").await;
    assert!(get(&app, Some(&supplier), &docs_page).await.html.contains("필수 문서를 모두 올렸습니다"));
    let page = post(&app, &supplier, &format!("/supplier/services/{service}/submit"), &[]).await;
    assert_eq!(page.status, 303);

    // The application: on the supplier's list and its services list.
    let (_, mine) = app.call("GET", "/api/v1/applications", Some(&supplier.token), None).await;
    let application = mine.as_array().expect("list").iter().find(|a| a["service_id"] == service.as_str()).expect("an application")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let mine_href = format!("/supplier/applications/{application}");
    assert!(get(&app, Some(&supplier), "/supplier/services").await.html.contains(&mine_href), "the service links to its application");
    let page = get(&app, Some(&supplier), "/supplier/applications").await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("구름 심사 메신저") && page.html.contains("접수완료") && page.html.contains("<caption>"));
    let page = get(&app, Some(&supplier), &mine_href).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("/withdraw\"") && page.html.contains("0 / 5영업일"), "steps with their target, the withdraw form");
    // Nobody else's: another supplier, a reviewer not assigned, a buyer, a visitor.
    assert_eq!(get(&app, Some(&supplier2), &mine_href).await.status, 404);
    assert!(!get(&app, Some(&supplier2), "/supplier/applications").await.html.contains("구름 심사 메신저"));
    assert_eq!(get(&app, Some(&buyer), &mine_href).await.status, 403);
    let visitor = get(&app, None, &mine_href).await;
    assert_eq!((visitor.status, visitor.location().starts_with("/login?next=")), (303, true));

    // A reviewer declares a tie with the supplier ahead; a bad number is refused on the form.
    let org = app.db.user_by_email(&demo("supplier")).await.expect("db").expect("user").org_id;
    let bizno = app.db.organisation(&org).await.expect("db").expect("org").business_number.expect("business number");
    let page = post(&app, &park, "/reviewer/conflicts", &[("business_number", "123"), ("reason", "전 직장")]).await;
    assert_eq!(page.status, 400);
    assert!(page.html.contains("invalid_business_number") && page.html.contains("value=\"123\""));
    let page = post(&app, &park, "/reviewer/conflicts", &[("business_number", &bizno), ("reason", "전 직장")]).await;
    assert_eq!((page.status, page.location()), (303, "/reviewer/conflicts?done=declared".to_owned()));
    assert!(get(&app, Some(&park), "/reviewer/conflicts").await.html.contains("전 직장"));

    // The operator opens a round (a nameless one refused on the form).
    let page = post(&app, &operator, "/operator/rounds", &[("name", ""), ("meets_on", "2026-12-01")]).await;
    assert_eq!(page.status, 400);
    assert!(page.html.contains("invalid_name"));
    let page = post(&app, &operator, "/operator/rounds", &[("name", "2026년 12월 차수"), ("meets_on", "2026-12-01")]).await;
    assert_eq!(page.status, 303);
    let round = page.location().trim_start_matches("/operator/rounds/").split('?').next().expect("round id").to_owned();
    assert!(get(&app, Some(&operator), "/operator/rounds").await.html.contains("2026년 12월 차수"));

    // The queue by step, filtered.
    let page = get(&app, Some(&operator), "/operator/applications").await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("구름 심사 메신저") && page.html.contains("접수완료"));
    assert!(get(&app, Some(&operator), "/operator/applications?status=received").await.html.contains("구름 심사 메신저"));
    assert!(!get(&app, Some(&operator), "/operator/applications?status=selected").await.html.contains("구름 심사 메신저"));
    assert_eq!(get(&app, Some(&operator), "/operator/applications?status=nonsense").await.status, 400);

    // Assigning a tied reviewer is refused on the form, naming it; nothing changes.
    let op_href = format!("/operator/applications/{application}");
    let page = get(&app, Some(&operator), &op_href).await;
    assert!(
        page.html.contains("김심사") && page.html.contains("박연루") && page.html.contains("name=\"reviewer\""),
        "the reviewers to tick"
    );
    let assign = format!("{op_href}/assign");
    let page = post(&app, &operator, &assign, &[("round_id", &round), ("reviewer", &kim_id), ("reviewer", &park_id)]).await;
    assert_eq!(page.status, 409);
    assert!(page.html.contains("conflict_of_interest") && page.html.contains("<strong>박연루"), "the tied reviewer is named");
    let (_, a) = app.call("GET", &format!("/api/v1/applications/{application}"), Some(&operator.token), None).await;
    assert_eq!(a["status"], "received");
    let page = post(&app, &operator, &assign, &[("round_id", &round), ("reviewer", &kim_id), ("reviewer", &lee_id)]).await;
    assert_eq!((page.status, page.location()), (303, format!("{op_href}?done=assigned")));
    let page = get(&app, Some(&operator), &page.location()).await;
    assert!(page.html.contains("배정했습니다") && page.html.contains("김심사") && page.html.contains("이심사"));

    // Reviewers see only what is assigned to them, with the documents.
    let rv_href = format!("/reviewer/applications/{application}");
    assert!(get(&app, Some(&kim), "/reviewer/applications").await.html.contains("구름 심사 메신저"));
    assert!(!get(&app, Some(&bystander), "/reviewer/applications").await.html.contains("구름 심사 메신저"));
    assert_eq!(get(&app, Some(&bystander), &rv_href).await.status, 404);
    assert_eq!(get(&app, Some(&park), &rv_href).await.status, 404);
    let page = get(&app, Some(&kim), &rv_href).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("<legend>보안성</legend>") && page.html.contains("type=\"radio\""), "a fieldset per criterion");
    let doc = page
        .html
        .split(&format!("/applications/{application}/documents/"))
        .nth(1)
        .expect("a download link")
        .split('"')
        .next()
        .expect("id")
        .to_owned();
    let download = format!("/applications/{application}/documents/{doc}");
    let file = get(&app, Some(&kim), &download).await;
    assert_eq!(file.status, 200);
    assert_eq!(file.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(file.headers[header::CONTENT_DISPOSITION].to_str().expect("ascii").starts_with("attachment; filename="));
    assert_eq!(file.headers["x-content-type-options"], "nosniff");
    assert_eq!(file.html.as_bytes(), PDF);
    for who in [&supplier, &operator] {
        assert_eq!(get(&app, Some(who), &download).await.status, 200);
    }
    for who in [&bystander, &supplier2, &buyer] {
        assert_eq!(get(&app, Some(who), &download).await.status, 404);
    }
    assert_eq!(get(&app, None, &download).await.status, 303);
    // The notifications' link finds each desk's page.
    assert_eq!(get(&app, Some(&kim), &format!("/applications/{application}")).await.location(), rv_href);
    assert_eq!(get(&app, Some(&operator), &format!("/applications/{application}")).await.location(), op_href);

    // A vote with a criterion missing is refused on the form, which keeps what was chosen.
    let vote = format!("{rv_href}/vote");
    let page = post(&app, &kim, &vote, &vote_form(&["security"])).await;
    assert_eq!(page.status, 400);
    assert!(page.html.contains("invalid_field") && page.html.contains("criterion-security-error"), "the criterion is marked");
    assert!(page.html.contains("id=\"debarment-pass\" name=\"debarment\" value=\"pass\" checked"));
    let (_, a) = app.call("GET", &format!("/api/v1/applications/{application}"), Some(&operator.token), None).await;
    assert_eq!(a["status"], "assigned", "nothing recorded");
    let page = post(&app, &kim, &vote, &vote_form(&[])).await;
    assert_eq!((page.status, page.location()), (303, format!("{rv_href}?done=voted")));
    let page = get(&app, Some(&kim), &rv_href).await;
    assert!(
        page.html.contains("나의 평가") && page.html.contains("암호화 적정") && !page.html.contains("/vote\""),
        "the vote instead of the form"
    );

    // Closing with one vote of two is refused, naming the application.
    let round_href = format!("/operator/rounds/{round}");
    let page = post(&app, &operator, &format!("{round_href}/close"), &[]).await;
    assert_eq!(page.status, 409);
    assert!(page.html.contains("undecided_applications") && page.html.contains("<strong>구름 심사 메신저"));
    let page = post(&app, &lee, &vote, &vote_form(&[])).await;
    assert_eq!(page.status, 303);
    assert!(get(&app, Some(&operator), &round_href).await.html.contains("2 / 2"), "votes received against the quorum");
    let page = post(&app, &operator, &format!("{round_href}/close"), &[]).await;
    assert_eq!((page.status, page.location()), (303, format!("{round_href}?done=closed")));

    // The outcome for the supplier, the selection on the public page.
    let page = get(&app, Some(&supplier), &mine_href).await;
    assert!(page.html.contains("선정되었습니다") && page.html.contains("암호화 적정") && !page.html.contains("/withdraw\""));
    let page = get(&app, None, &format!("/services/{service}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.html.contains("2026년 12월 차수") && page.html.contains("2026-11-23") && page.html.contains("2029-11-22"),
        "round, selection date, validity end"
    );
    let page = get(&app, None, &format!("/services/{service}?lang=en")).await;
    assert!(page.html.contains("Selected in round"));
}

#[tokio::test]
async fn settings_and_the_pages_of_each_role() {
    let app = spawn_app(10).await;
    gureum::demo::seed_demo_accounts(&app.db).await.expect("demo accounts");
    let operator = sign_in(&app, &demo("operator")).await;
    let reviewer = sign_in(&app, &demo("reviewer")).await;
    let supplier = sign_in(&app, &demo("supplier")).await;
    let auditor = sign_in(&app, &demo("auditor")).await;

    let page = get(&app, Some(&operator), "/operator/settings/review").await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("id=\"quorum\"") && page.html.contains("value=\"2\"") && page.html.contains("<legend>"));
    let mut form = vec![("doc", "sla"), ("doc", "price_list"), ("extra_docs", "iso_27001"), ("quorum", "0"), ("selection_years", "3")];
    form.extend([("target_received", "7"), ("target_assigned", "5"), ("target_in_review", "10"), ("target_supplement_requested", "10")]);
    let page = post(&app, &operator, "/operator/settings/review", &form).await;
    assert_eq!(page.status, 400);
    assert!(page.html.contains("invalid_field") && page.html.contains("id=\"quorum\" name=\"quorum\" value=\"0\""), "the value kept");
    form[3] = ("quorum", "3");
    let page = post(&app, &operator, "/operator/settings/review", &form).await;
    assert_eq!(page.status, 303);
    let (_, s) = app.call("GET", "/api/v1/settings/review", Some(&operator.token), None).await;
    assert_eq!((s["quorum"].as_u64(), s["targets"]["received"].as_u64()), (Some(3), Some(7)));
    assert_eq!(s["required_documents"], json!(["sla", "price_list", "iso_27001"]));

    // Each desk for its role only: a visitor signs in, another role gets 403.
    for (path, owner) in [
        ("/supplier/applications", &supplier),
        ("/operator/applications", &operator),
        ("/operator/rounds", &operator),
        ("/operator/settings/review", &operator),
        ("/reviewer/applications", &reviewer),
        ("/reviewer/conflicts", &reviewer),
    ] {
        assert_eq!(get(&app, Some(owner), path).await.status, 200, "{path}");
        assert_eq!(get(&app, None, path).await.status, 303, "{path}");
        assert_eq!(get(&app, Some(&auditor), path).await.status, 403, "{path}");
    }
    assert_eq!(get(&app, Some(&supplier), "/operator/rounds").await.status, 403);
    assert_eq!(get(&app, Some(&reviewer), "/supplier/applications").await.status, 403);
    let unknown = uuid::Uuid::new_v4();
    assert_eq!(get(&app, Some(&operator), &format!("/operator/applications/{unknown}")).await.status, 404);
    assert_eq!(get(&app, Some(&operator), &format!("/operator/rounds/{unknown}")).await.status, 404);
    assert_eq!(get(&app, Some(&auditor), &format!("/applications/{unknown}")).await.status, 404);
    // A form without its CSRF token changes nothing.
    let bare = Person { token: operator.token.clone(), csrf: "wrong".into() };
    assert_eq!(post(&app, &bare, "/operator/rounds", &[("name", "x"), ("meets_on", "2026-12-01")]).await.status, 403);
}

#[tokio::test]
async fn supplements_a_refusal_and_a_withdrawal() {
    let app = spawn_app(10).await;
    gureum::demo::seed_demo_accounts(&app.db).await.expect("demo accounts");
    let supplier = sign_in(&app, &demo("supplier")).await;
    let operator = sign_in(&app, &demo("operator")).await;
    let (kim_id, kim) = add_reviewer(&app, "kim", "김심사").await;
    let (lee_id, lee) = add_reviewer(&app, "lee", "이심사").await;
    let (_, refused) = apply(&app, &supplier, "구름 보완 드라이브").await;
    let (withdrawn_service, withdrawn) = apply(&app, &supplier, "구름 취하 캘린더").await;
    let page = post(&app, &operator, "/operator/rounds", &[("name", "2027년 1월 차수"), ("meets_on", "2027-01-05")]).await;
    let round = page.location().trim_start_matches("/operator/rounds/").split('?').next().expect("round id").to_owned();
    let assign = format!("/operator/applications/{refused}/assign");
    assert_eq!(post(&app, &operator, &assign, &[("round_id", &round), ("reviewer", &kim_id), ("reviewer", &lee_id)]).await.status, 303);

    // A reviewer asks for a supplement (a recusal without a reason is refused on its form).
    let rv = format!("/reviewer/applications/{refused}");
    let page = post(&app, &kim, &format!("{rv}/recuse"), &[("reason", " ")]).await;
    assert_eq!(page.status, 400);
    assert!(page.html.contains("reason_required") && page.html.contains("id=\"recuse-error\""));
    let page = post(&app, &kim, &format!("{rv}/supplement-request"), &[("message", "SLA 보상 기준을 보완하세요")]).await;
    assert_eq!((page.status, page.location()), (303, format!("{rv}?done=requested")));

    // The supplier sees it, with the answer form; an empty answer is refused, then answered.
    let mine = format!("/supplier/applications/{refused}");
    let page = get(&app, Some(&supplier), &mine).await;
    assert!(page.html.contains("보완요청") && page.html.contains("SLA 보상 기준을 보완하세요") && page.html.contains("/supplement\""));
    let page = post(&app, &supplier, &format!("{mine}/supplement"), &[("message", "")]).await;
    assert_eq!(page.status, 400);
    assert!(page.html.contains("invalid_field"));
    let page = post(&app, &supplier, &format!("{mine}/supplement"), &[("message", "SLA 문서를 다시 올렸습니다")]).await;
    assert_eq!(page.status, 303);
    assert!(get(&app, Some(&supplier), &mine).await.html.contains("SLA 문서를 다시 올렸습니다"));

    // One reviewer fails security: not selected, with the failing criterion and its comment.
    let mut failing = vote_form(&["security"]);
    failing.push(("security", "fail"));
    failing.push(("comment_business_soundness", "재무 안정"));
    assert_eq!(post(&app, &kim, &format!("{rv}/vote"), &failing).await.status, 303);
    assert_eq!(post(&app, &lee, &format!("{rv}/vote"), &vote_form(&[])).await.status, 303);
    // A second vote is refused; the page says why though its form is gone.
    let page = post(&app, &lee, &format!("{rv}/vote"), &vote_form(&[])).await;
    assert_eq!(page.status, 409);
    assert!(page.html.contains("already_voted") && page.html.contains("나의 평가"));
    assert_eq!(post(&app, &operator, &format!("/operator/rounds/{round}/close"), &[]).await.status, 303);
    let page = get(&app, Some(&supplier), &mine).await;
    assert!(page.html.contains("선정되지 않았습니다") && page.html.contains("부적합") && page.html.contains("재무 안정"));
    assert!(page.html.contains("공공 메신저 연계가 새롭습니다"), "the innovativeness notes");
    assert!(get(&app, Some(&supplier), &format!("{mine}?lang=en")).await.html.contains("Not selected"));
    let (_, v) = app.call("GET", &format!("/api/v1/applications/{refused}"), Some(&operator.token), None).await;
    assert_eq!((v["status"].as_str(), v["outcome"]["criteria"]["security"].as_str()), (Some("not_selected"), Some("fail")));

    // The other application is withdrawn before a decision.
    let other = format!("/supplier/applications/{withdrawn}");
    assert!(get(&app, Some(&supplier), "/supplier/services").await.html.contains(&other));
    let page = post(&app, &supplier, &format!("{other}/withdraw"), &[]).await;
    assert_eq!((page.status, page.location()), (303, format!("{other}?done=withdrawn")));
    let page = get(&app, Some(&supplier), &page.location()).await;
    assert!(page.html.contains("취하") && !page.html.contains("/withdraw\""));
    assert!(!get(&app, Some(&supplier), "/supplier/services").await.html.contains(&other), "no open application any more");
    let (_, v) = app.call("GET", &format!("/api/v1/services/{withdrawn_service}"), Some(&supplier.token), None).await;
    assert_eq!(v["status"], "draft", "the revision is a draft again: {v}");
}

#[tokio::test]
async fn the_operator_debars_a_supplier_from_its_page() {
    let app = spawn_app(40).await;
    gureum::demo::seed_demo_accounts(&app.db).await.expect("demo accounts");
    let operator = sign_in(&app, &demo("operator")).await;
    let auditor = sign_in(&app, &demo("auditor")).await;
    let supplier = sign_in(&app, &demo("supplier")).await;
    let org = app.db.user_by_email(&demo("supplier")).await.expect("db").expect("user").org_id;
    let supplier_id = app.db.organisation(&org).await.expect("db").and_then(|o| o.supplier_id).expect("supplier");
    let listed = app.db.supplier_services(&supplier_id, &[gureum_domain::ServiceStatus::Listed]).await.expect("db").len();
    assert!(listed > 0);
    let uri = format!("/operator/suppliers/{supplier_id}/debarments");

    // the public supplier page links the operator (only) to it
    let page = get(&app, Some(&operator), &format!("/suppliers/{supplier_id}")).await;
    assert!(page.html.contains(&uri), "the operator's link");
    assert!(!get(&app, None, &format!("/suppliers/{supplier_id}")).await.html.contains(&uri), "not the visitor's");
    assert_eq!(get(&app, Some(&supplier), &uri).await.status, 403);
    let page = get(&app, Some(&auditor), &uri).await;
    assert!(page.status == 200 && !page.html.contains("name=\"reason\""), "the auditor reads, without the form");

    // a period ending before it starts is shown on the form and changes nothing
    let events = app.db.audit_count().await.expect("count");
    let page = post(&app, &operator, &uri, &[("from", "2026-11-30"), ("to", "2026-11-01"), ("reason", "입찰 담합")]).await;
    assert_eq!(page.status, 400);
    assert!(page.html.contains("invalid_date") && page.html.contains("입찰 담합"), "the error, the values kept");
    assert_eq!(app.db.audit_count().await.expect("count"), events);

    // a debarment in force suspends every listed service at once and shows on the public page
    let page = post(&app, &operator, &uri, &[("from", "2026-11-20"), ("to", "2027-05-19"), ("reason", "입찰 담합으로 6개월 제재")]).await;
    assert_eq!((page.status, page.location()), (303, format!("{uri}?done=debarred")));
    let page = get(&app, Some(&operator), &format!("{uri}?done=debarred")).await;
    assert!(page.html.contains("2026-11-20 ~ 2027-05-19") && page.html.contains("입찰 담합으로 6개월 제재"));
    assert!(app.db.supplier_services(&supplier_id, &[gureum_domain::ServiceStatus::Listed]).await.expect("db").is_empty());
    assert_eq!(
        app.db.supplier_services(&supplier_id, &[gureum_domain::ServiceStatus::Suspended]).await.expect("db").len(),
        listed,
        "every listed service suspended"
    );
    let public = get(&app, None, &format!("/suppliers/{supplier_id}")).await;
    assert!(public.html.contains("입찰 담합으로 6개월 제재"), "the public page shows the debarment in force");
}
