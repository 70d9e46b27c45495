//! Korean first, English second: the language of a request and the UI's words.
//!
//! The language comes from the `lang` query parameter, else the `lang` cookie, else Korean. A
//! request that names a language in its query is answered with a cookie remembering it.

mod account;
mod strings;

use gureum_domain::listing::SupplierSize;
use gureum_domain::{CertType, CsapGrade, ServiceKind, ServiceStatus};

/// A UI string by key, from whichever area's file holds it.
fn entry(key: &str) -> Option<(&'static str, &'static str)> {
    strings::entry(key).or_else(|| account::entry(key))
}

/// The confirmation of what a form did (`?done=…` on the account pages).
pub fn done_message(lang: Lang, key: &str) -> &'static str {
    let (ko, en) = account::done_entry(key);
    lang.pick(ko, en)
}

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
    pub fn t(self, key: &str) -> &str {
        match entry(key) {
            Some((ko, en)) => self.pick(ko, en),
            None => key,
        }
    }

    /// The reader's message for an error code of [`crate::AppError`].
    pub fn error_message(self, code: crate::error::Code) -> &'static str {
        code.message(self.is_ko())
    }

    /// The heading of an error page for a status code.
    pub fn error_title(self, status: u16) -> &'static str {
        let (ko, en) = match status {
            400 => ("요청을 처리할 수 없습니다", "The request could not be processed"),
            401 => ("로그인이 필요합니다", "Please sign in"),
            403 => ("이 요청을 처리할 권한이 없습니다", "You may not make this request"),
            404 => ("페이지를 찾을 수 없습니다", "Page not found"),
            409 => ("이미 있는 정보와 충돌합니다", "This conflicts with what exists"),
            413 => ("파일이 너무 큽니다", "The file is too large"),
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

    /// `1,234`, grouped by thousands in either language.
    pub fn number(self, n: i64) -> String {
        gureum_domain::Krw::new(n).grouped()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Code;

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
        assert!(Lang::Ko.error_message(Code::InvalidKind).contains("유형"));
        assert_ne!(Lang::Ko.error_message(Code::IndexNotReady), Lang::Ko.error_message(Code::NotFound));
    }

    /// Every template file, in sub-folders too.
    fn templates(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for item in std::fs::read_dir(dir).expect("templates dir") {
            let path = item.expect("dir entry").path();
            if path.is_dir() {
                templates(&path, out);
            } else {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_template_key_exists() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut checked = 0;
        let mut files = Vec::new();
        templates(&dir, &mut files);
        for path in files {
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
    fn account_words() {
        assert_eq!(Lang::Ko.t("nav.logout"), "로그아웃");
        assert_eq!(Lang::En.t("nav.login"), "Log in");
        assert!(done_message(Lang::Ko, "invited").contains("초대"));
        assert_eq!(Lang::Ko.error_title(401), "로그인이 필요합니다");
        // No key is defined twice with different words.
        for key in ["nav.login", "field.email", "account.title"] {
            assert!(strings::entry(key).is_none() || account::entry(key).is_none(), "{key}");
        }
    }
}
