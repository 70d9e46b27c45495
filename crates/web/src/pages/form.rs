//! The one toolkit of every page that takes a form: read the urlencoded body (repeats kept, a
//! malformed body never axum's bare 422), check the CSRF token first (bound to the session), let in only the people a
//! [`Rule`] allows (a visitor goes to the sign-in page and comes back; another role gets the 403
//! page), and show what was wrong beside the field that caused it.

use super::layout::Ctx;
use crate::auth::{self, Principal, Rule};
use crate::error::AppError;
use crate::i18n::Lang;
use axum::http::HeaderMap;
use axum::response::Response;

/// A urlencoded form body, repeats kept, read by hand so that a malformed body is a page with a
/// code rather than axum's bare 422.
#[derive(Debug, Clone, Default)]
pub(crate) struct FormData(Vec<(String, String)>);

impl FormData {
    pub(crate) fn parse(body: &[u8]) -> Self {
        Self(form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    /// The first value of a field, or "".
    pub(crate) fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }

    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }

    /// A checkbox: present with a truthy value.
    pub(crate) fn checked(&self, name: &str) -> bool {
        matches!(self.get(name), "true" | "on" | "yes" | "1")
    }

    pub(crate) fn csrf(&self) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == auth::CSRF_FIELD).map(|(_, v)| v.as_str())
    }
}

/// One error of a form, shown in the summary at the top (linked to its field) and beside the
/// field (linked by `aria-describedby`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The id of the field; empty for an error of the whole form.
    pub field: String,
    pub code: &'static str,
    pub message: &'static str,
}

/// The errors of the form a page re-renders.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormErrors {
    pub items: Vec<FieldError>,
}

impl FormErrors {
    pub fn one(lang: Lang, field: &str, err: &AppError) -> Self {
        Self { items: vec![FieldError { field: field.to_owned(), code: err.code.as_str(), message: lang.error_message(err.code) }] }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn invalid(&self, field: &str) -> bool {
        self.items.iter().any(|e| e.field == field)
    }

    pub fn msg(&self, field: &str) -> &'static str {
        self.items.iter().find(|e| e.field == field).map(|e| e.message).unwrap_or("")
    }

    /// The ids a field is described by: its hint (if any) and its error (when it has one).
    pub fn described(&self, field: &str, hint: &str) -> String {
        let mut ids: Vec<String> = Vec::new();
        if !hint.is_empty() {
            ids.push(hint.to_owned());
        }
        if self.invalid(field) {
            ids.push(format!("{field}-error"));
        }
        ids.join(" ")
    }
}

impl FormData {
    /// Every pair in order, for forms that read repeated rows (price plans).
    pub(crate) fn pairs(&self) -> &[(String, String)] {
        &self.0
    }
}

/// The signed-in person the rule allows: visitors (and ended sessions) go to the login page
/// with a way back; a person whose role may not gets the 403 page.
#[allow(clippy::result_large_err)] // the Err is the answer itself, returned at once
pub(crate) fn require(ctx: &Ctx, rule: Rule) -> Result<&Principal, Response> {
    let Some(p) = ctx.person() else {
        let here = super::layout::login_href(&ctx.path, ctx.query.as_deref());
        let to = if ctx.had_session { format!("{here}{}expired=1", if here.contains('?') { '&' } else { '?' }) } else { here };
        return Err(super::account::redirect(&to));
    };
    rule.check(p).map_err(|e| ctx.error(&AppError::from(e)))?;
    Ok(p)
}

/// A form POST that needs a role: the parsed form after the CSRF check, and the person once
/// `rule` lets them in (else the response to send: 403, or the login page).
#[allow(clippy::result_large_err)] // the Err is the answer itself, returned at once
pub(crate) fn checked_form<'c>(ctx: &'c Ctx, headers: &HeaderMap, body: &[u8], rule: Rule) -> Result<(FormData, &'c Principal), Response> {
    let form = FormData::parse(body);
    check_csrf(ctx, headers, form.csrf())?;
    let p = require(ctx, rule)?;
    Ok((form, p))
}

/// The CSRF check every POST makes first: the hidden field must carry the token of the session
/// it comes with (a visitor's: of its cookie).
#[allow(clippy::result_large_err)] // the Err is the answer itself, returned at once
pub(crate) fn check_csrf(ctx: &Ctx, headers: &HeaderMap, value: Option<&str>) -> Result<(), Response> {
    auth::check_csrf(headers, ctx.viewer.as_ref(), ctx.https, value).map_err(|e| ctx.error(&e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Code;

    #[test]
    fn forms_keep_repeats_and_checkboxes() {
        let f = FormData::parse(b"_csrf=abc&roles=buyer&roles=signatory&admin=on&name=%ED%99%8D+%EA%B8%B8%EB%8F%99");
        assert_eq!(f.csrf(), Some("abc"));
        assert_eq!(f.all("roles"), vec!["buyer", "signatory"]);
        assert!(f.checked("admin") && !f.checked("other"));
        assert_eq!(f.get("name"), "홍 길동");
        assert_eq!(f.get("missing"), "");
        assert_eq!(FormData::parse(b"x=1").csrf(), None);
    }

    #[test]
    fn errors_describe_their_fields() {
        let e = FormErrors::one(Lang::Ko, "email", &AppError::new(Code::InvalidEmail, "x"));
        assert!(e.invalid("email") && !e.invalid("name"));
        assert_eq!(e.described("email", "email-hint"), "email-hint email-error");
        assert_eq!(e.described("name", "name-hint"), "name-hint");
        assert_eq!(e.described("name", ""), "");
        assert!(!e.msg("email").is_empty());
    }
}
