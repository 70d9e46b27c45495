//! What every page shares: the request's context (language, address), the layout's data, the
//! rendering of a template into a response, and the error page.

use super::links;
use crate::error::AppError;
use crate::i18n::{self, Lang};
use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::header::{CACHE_CONTROL, CONTENT_LANGUAGE, CONTENT_TYPE, COOKIE, SET_COOKIE, VARY};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;

/// The request as pages need it: its language and its address.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    /// The query named the language, so the answer sets the `lang` cookie.
    pub remember: bool,
    pub path: String,
    pub query: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().map(str::to_owned);
        let cookies = parts.headers.get_all(COOKIE).iter().filter_map(|v| v.to_str().ok());
        let choice = i18n::choose(query.as_deref(), cookies);
        Ok(Self { lang: choice.lang, remember: choice.from_query, path: parts.uri.path().to_owned(), query })
    }
}

/// Which main-menu entry a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    None,
    Services,
    Categories,
    Docs,
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
        crate::query::pairs(self.query.as_deref())
    }

    pub fn layout(&self, title: impl Into<String>, section: Section) -> Layout {
        let pairs = self.pairs();
        Layout {
            lang: self.lang,
            title: title.into(),
            section,
            path: self.path.clone(),
            ko_href: links::with_lang(&self.path, &pairs, Lang::Ko),
            en_href: links::with_lang(&self.path, &pairs, Lang::En),
        }
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
            code: err.code,
            class,
        };
        self.render(err.status, &tpl)
    }
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
