//! What every page shares: the request's context (language, address, who is asking, the CSRF
//! token of its forms), the layout's data, the rendering of a template into a response, and the
//! error page.

use super::links;
use crate::auth::{self, Principal};
use crate::error::AppError;
use crate::i18n::{self, Lang};
use crate::state::AppState;
use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::header::{CACHE_CONTROL, CONTENT_LANGUAGE, CONTENT_TYPE, COOKIE, SET_COOKIE, VARY};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use gureum_domain::account::{Language, Role};

/// The request as pages need it: its language, its address, who is asking and the CSRF token
/// for its forms.
#[derive(Debug, Clone, Default)]
pub struct Ctx {
    pub lang: Lang,
    /// The query named the language, so the answer sets the `lang` cookie.
    pub remember: bool,
    pub path: String,
    pub query: Option<String>,
    /// Who is asking, resolved once per request (a session cookie or a bearer token).
    pub viewer: Option<Principal>,
    /// A session cookie came with the request (so a missing viewer means it ended).
    pub had_session: bool,
    /// The CSRF token every form of the page carries (`_csrf`): the session's for a signed-in
    /// person, the double-submit cookie's for a visitor.
    pub csrf: String,
    /// `Set-Cookie` for a fresh CSRF token, sent with the page when it has forms.
    pub csrf_cookie: Option<String>,
    /// The page has forms for visitors too (signed-in pages always get the CSRF cookie).
    pub forms: bool,
    /// The session cookie's value, sent again with each page so that the browser keeps it as
    /// long as the server does (30 idle minutes, moving with use).
    pub session_refresh: Option<String>,
    /// The instance is reached over HTTPS (`Secure`, `__Host-` cookies).
    pub https: bool,
    /// The signed-in person's unread notifications (the header's count).
    pub unread: Option<i64>,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().map(str::to_owned);
        let cookies = parts.headers.get_all(COOKIE).iter().filter_map(|v| v.to_str().ok());
        let choice = i18n::choose(query.as_deref(), cookies);
        let mut ctx = Self { lang: choice.lang, remember: choice.from_query, path: parts.uri.path().to_owned(), query, ..Self::default() };
        ctx.https = state.is_https();
        let session_name = auth::session_cookie_name(ctx.https);
        ctx.had_session = auth::cookie(&parts.headers, session_name).is_some();
        match auth::principal(state, &parts.headers).await {
            Ok(p) => ctx.viewer = p,
            Err(e) => return Err(ctx.error(&e)),
        }
        if let Some(Principal::Person { via_cookie: true, .. }) = &ctx.viewer {
            ctx.session_refresh = auth::cookie(&parts.headers, session_name);
        }
        if let Some(p) = ctx.viewer.as_ref().filter(|p| p.user().is_some()) {
            match person_language(ctx.lang, ctx.remember, state, p, &parts.headers).await {
                Ok(lang) => ctx.lang = lang,
                Err(e) => return Err(ctx.error(&e)),
            }
            match gureum_app::notifications::unread_count(state, p).await {
                Ok(n) => ctx.unread = Some(n),
                Err(e) => return Err(ctx.error(&AppError::from(e))),
            }
        }
        match auth::form_csrf(&parts.headers, ctx.viewer.as_ref(), ctx.https) {
            Ok((token, set)) => {
                ctx.csrf = token;
                ctx.csrf_cookie = set;
            }
            Err(e) => return Err(ctx.error(&e)),
        }
        Ok(ctx)
    }
}

/// A signed-in person's language (docs/RULES.md#notifications): a language the query names (the
/// header's switch) is saved as theirs; with none named and no `lang` cookie, the pages speak the
/// language they saved.
async fn person_language(
    lang: Lang,
    from_query: bool,
    state: &AppState,
    p: &Principal,
    headers: &axum::http::HeaderMap,
) -> Result<Lang, AppError> {
    let Some(user) = p.user() else { return Ok(lang) };
    let chosen = match lang {
        Lang::Ko => Language::Ko,
        Lang::En => Language::En,
    };
    if from_query {
        if user.lang != chosen {
            gureum_app::profile::set_language(state, p, chosen, auth::request_id(headers)).await?;
        }
        return Ok(lang);
    }
    if auth::cookie(headers, "lang").is_some() {
        return Ok(lang);
    }
    Ok(match user.lang {
        Language::Ko => Lang::Ko,
        Language::En => Lang::En,
    })
}

/// One link of the signed-in person's menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    /// `page`, `true` or empty, for `aria-current`.
    pub current: &'static str,
}

/// The signed-in person as the header shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub name: String,
    pub org: String,
    pub links: Vec<NavLink>,
    /// An admin of an approved organisation (its people and API tokens).
    pub admin: bool,
    /// ... of a supplier or an SME (its company profile).
    pub company_admin: bool,
    /// Unread notifications, and the words of the link to them ("알림 3건", "3 notifications").
    pub unread: i64,
    pub unread_label: String,
}

/// The words of the header's link to the notifications.
pub fn unread_label(lang: Lang, n: i64) -> String {
    match (lang, n) {
        (Lang::Ko, n) => format!("알림 {n}건"),
        (Lang::En, 1) => "1 notification".into(),
        (Lang::En, n) => format!("{n} notifications"),
    }
}

/// The desks a person's roles lead to: 내 계정 for everyone, then by role (the review
/// committee's desks after each role's own; buying's worklist, projects, quote requests and
/// contracts for the agency roles and suppliers), each once.
pub fn desk_links(roles: &[Role]) -> Vec<(&'static str, &'static str)> {
    let mut out = vec![("/account", "nav.my_account")];
    let mut push = |link: (&'static str, &'static str)| {
        if !out.contains(&link) {
            out.push(link);
        }
    };
    if [Role::Buyer, Role::BudgetOfficer, Role::Signatory, Role::Supplier].iter().any(|r| roles.contains(r)) {
        push(("/dashboard", "nav.dashboard"));
    }
    if [Role::Buyer, Role::BudgetOfficer, Role::Signatory].iter().any(|r| roles.contains(r)) {
        push(("/buying", "nav.worklist"));
        push(("/buyer/projects", "nav.projects"));
        push(("/contracts", "nav.contracts"));
    }
    if roles.contains(&Role::Supplier) {
        push(("/supplier/services", "nav.my_services"));
        push(("/supplier/applications", "nav.applications"));
        push(("/buying", "nav.worklist"));
        push(("/quote-requests", "nav.quote_requests"));
        push(("/contracts", "nav.contracts"));
        push(("/usage/upload", "nav.usage_upload"));
    }
    if [Role::Buyer, Role::BudgetOfficer, Role::Signatory, Role::Supplier].iter().any(|r| roles.contains(r)) {
        push(("/invoices", "nav.invoices")); // #24 invoices
    }
    if roles.contains(&Role::Pps) {
        push(("/catalog-contracts", "nav.catalog_contracts"));
    }
    if roles.contains(&Role::Operator) {
        push(("/operator", "nav.operator"));
        push(("/operator/applications", "nav.committee"));
        push(("/contracts", "nav.contracts"));
    }
    if roles.contains(&Role::Reviewer) {
        push(("/reviewer/applications", "nav.reviews"));
    }
    if roles.contains(&Role::Auditor) {
        push(("/audit", "nav.audit"));
        push(("/contracts", "nav.contracts"));
    }
    if [Role::Buyer, Role::BudgetOfficer, Role::Signatory, Role::Supplier, Role::Operator, Role::Auditor].iter().any(|r| roles.contains(r))
    {
        push(("/incidents", "nav.incidents")); // #24 incidents
    }
    // #25 vouchers
    if roles.contains(&Role::Operator) {
        push(("/operator/vouchers", "nav.vouchers"));
    }
    if roles.contains(&Role::Supplier) {
        push(("/supplier/vouchers", "nav.vouchers"));
    }
    if roles.contains(&Role::Sme) {
        push(("/sme/vouchers", "nav.vouchers"));
    }
    out
}

/// `aria-current` for a link to `href` on the page at `path`: `page` there, `true` below it.
pub fn current_for(path: &str, href: &str) -> &'static str {
    if path == href {
        "page"
    } else if path.starts_with(href) && path[href.len()..].starts_with('/') {
        "true"
    } else {
        ""
    }
}

/// Which main-menu entry a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    None,
    Services,
    Categories,
    Docs,
    /// The public statistics and the demand forecast's report.
    Stats,
    /// The signed-in desks (내 계정, 내 서비스, 운영, 감사): marked in the person's menu.
    Desk,
}

/// The layout's data (`base.html`).
#[derive(Debug, Clone)]
pub struct Layout {
    pub lang: Lang,
    pub title: String,
    pub section: Section,
    pub path: String,
    /// The same page and query in Korean / English.
    pub ko_href: String,
    pub en_href: String,
    /// The signed-in person, for the header.
    pub viewer: Option<Viewer>,
    /// The CSRF token for the page's forms: `<input type="hidden" name="_csrf" value="{{ layout.csrf }}">`.
    pub csrf: String,
    /// 로그인 link that brings the visitor back here.
    pub login_href: String,
}

impl Layout {
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        self.lang.t(key)
    }

    /// The `aria-current` value of a main-menu entry: `page` on the entry's own page, `true`
    /// elsewhere in its section, empty outside it.
    pub fn nav_current(&self, name: &str) -> &'static str {
        let (section, href) = match name {
            "services" => (Section::Services, "/services"),
            "categories" => (Section::Categories, "/categories"),
            "docs" => (Section::Docs, "/api/docs"),
            "stats" => (Section::Stats, "/stats"),
            _ => return "",
        };
        if self.section != section {
            ""
        } else if self.path == href {
            "page"
        } else {
            "true"
        }
    }
}

impl Ctx {
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        self.lang.t(key)
    }

    /// The query string's pairs, in order, repeats kept.
    pub fn pairs(&self) -> Vec<(String, String)> {
        gureum_app::query::pairs(self.query.as_deref())
    }

    pub fn layout(&self, title: impl Into<String>, section: Section) -> Layout {
        let pairs = self.pairs();
        let viewer = self.viewer.as_ref().and_then(|p| {
            let user = p.user()?;
            let links = desk_links(&p.roles())
                .into_iter()
                .map(|(href, key)| NavLink {
                    href,
                    label: super::desk::words::Words(self.lang).t(key),
                    current: current_for(&self.path, href),
                })
                .collect();
            let admin = auth::Rule::OrgAdmin.check(p).is_ok();
            let unread = self.unread.unwrap_or(0);
            Some(Viewer {
                name: user.name.clone(),
                org: p.org().name.clone(),
                links,
                admin,
                company_admin: admin && p.org().kind.self_service(),
                unread,
                unread_label: unread_label(self.lang, unread),
            })
        });
        Layout {
            lang: self.lang,
            title: title.into(),
            section,
            path: self.path.clone(),
            ko_href: links::with_lang(&self.path, &pairs, Lang::Ko),
            en_href: links::with_lang(&self.path, &pairs, Lang::En),
            viewer,
            csrf: self.csrf.clone(),
            login_href: login_href(&self.path, self.query.as_deref()),
        }
    }

    /// The page has forms that visitors submit (login, sign-up, reset): its answer carries the
    /// CSRF cookie even without a session.
    pub fn with_forms(mut self) -> Self {
        self.forms = true;
        self
    }

    /// The signed-in person, if a person (not a machine token) is asking.
    pub fn person(&self) -> Option<&Principal> {
        self.viewer.as_ref().filter(|p| p.user().is_some())
    }

    /// Renders a page with a status, setting the language cookie when the query chose one.
    pub fn render<T: Template>(&self, status: StatusCode, tpl: &T) -> Response {
        match tpl.render() {
            Ok(html) => {
                let mut res = (status, html).into_response();
                let h = res.headers_mut();
                h.insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
                h.insert(CONTENT_LANGUAGE, HeaderValue::from_static(self.lang.code()));
                h.insert(VARY, HeaderValue::from_static("Cookie"));
                h.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
                if self.remember
                    && let Ok(v) = HeaderValue::from_str(&i18n::cookie(self.lang))
                {
                    h.append(SET_COOKIE, v);
                }
                if (self.forms || self.viewer.is_some())
                    && let Some(c) = &self.csrf_cookie
                    && let Ok(v) = HeaderValue::from_str(c)
                {
                    h.append(SET_COOKIE, v);
                }
                if let Some(token) = &self.session_refresh
                    && let Ok(v) = HeaderValue::from_str(&auth::session_cookie(self.https, token, auth::SESSION_IDLE_MICROS / 1_000_000))
                {
                    h.append(SET_COOKIE, v);
                }
                res
            }
            Err(e) => AppError::internal(format!("template: {e}")).into_response(),
        }
    }

    /// An error as a page in the layout, with the error's status.
    pub fn error(&self, err: &AppError) -> Response {
        let class = if err.status.is_server_error() { "warning" } else { "danger" };
        let heading = self.lang.error_title(err.status.as_u16());
        let tpl = ErrorTpl {
            layout: self.layout(heading, Section::None),
            heading,
            message: self.lang.error_message(err.code),
            code: err.code.as_str(),
            class,
        };
        crate::error::with_retry_after(self.render(err.status, &tpl), err)
    }
}

/// The 로그인 link of a page: back to the page after signing in, except from the pages that
/// are themselves about signing in.
pub fn login_href(path: &str, query: Option<&str>) -> String {
    let plain = ["/", "/login", "/logout", "/signup", "/signup/done"];
    if plain.contains(&path) || path.starts_with("/account/reset") || path.starts_with("/account/accept") {
        return "/login".into();
    }
    let here = match query.filter(|q| !q.is_empty()) {
        Some(q) => format!("{path}?{q}"),
        None => path.to_owned(),
    };
    format!("/login?{}", links::query1("next", &here))
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTpl {
    layout: Layout,
    heading: &'static str,
    message: &'static str,
    code: &'static str,
    class: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desks_follow_roles() {
        let hrefs = |roles: &[Role]| desk_links(roles).into_iter().map(|(h, _)| h).collect::<Vec<_>>();
        let agency = vec!["/account", "/dashboard", "/buying", "/buyer/projects", "/contracts", "/invoices", "/incidents"];
        assert_eq!(hrefs(&[Role::Buyer]), agency);
        assert_eq!(hrefs(&[Role::BudgetOfficer]), agency);
        assert_eq!(hrefs(&[Role::Signatory]), agency);
        assert_eq!(hrefs(&[Role::Buyer, Role::Signatory]), agency, "each desk once");
        assert_eq!(
            hrefs(&[Role::Supplier]),
            vec![
                "/account",
                "/dashboard",
                "/supplier/services",
                "/supplier/applications",
                "/buying",
                "/quote-requests",
                "/contracts",
                "/usage/upload",
                "/invoices",
                "/incidents",
                "/supplier/vouchers"
            ]
        );
        assert_eq!(hrefs(&[Role::Pps]), vec!["/account", "/catalog-contracts"]);
        assert_eq!(
            hrefs(&[Role::Operator]),
            vec!["/account", "/operator", "/operator/applications", "/contracts", "/incidents", "/operator/vouchers"]
        );
        assert_eq!(hrefs(&[Role::Sme]), vec!["/account", "/sme/vouchers"]);
        assert_eq!(hrefs(&[Role::Reviewer]), vec!["/account", "/reviewer/applications"]);
        assert_eq!(hrefs(&[Role::Auditor]), vec!["/account", "/audit", "/contracts", "/incidents"]);
        assert_eq!(hrefs(&[]), vec!["/account"]);
    }

    #[test]
    fn unread_labels() {
        assert_eq!(unread_label(Lang::Ko, 3), "알림 3건");
        assert_eq!(unread_label(Lang::En, 3), "3 notifications");
        assert_eq!(unread_label(Lang::En, 1), "1 notification");
        assert_eq!(unread_label(Lang::En, 0), "0 notifications");
    }

    #[test]
    fn current_marks() {
        assert_eq!(current_for("/account", "/account"), "page");
        assert_eq!(current_for("/account/people", "/account"), "true");
        assert_eq!(current_for("/accounts", "/account"), "");
        assert_eq!(current_for("/operator/users", "/operator"), "true");
    }

    #[test]
    fn login_links_come_back() {
        assert_eq!(login_href("/services", Some("q=a b")), "/login?next=%2Fservices%3Fq%3Da+b");
        assert_eq!(login_href("/account/people", None), "/login?next=%2Faccount%2Fpeople");
        assert_eq!(login_href("/login", Some("next=/x")), "/login");
        assert_eq!(login_href("/account/reset", Some("token=secret")), "/login");
        assert_eq!(login_href("/", None), "/login");
    }
}
