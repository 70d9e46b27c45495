//! Parsing a catalog search from query-string pairs (docs/API.md), shared by the API and the pages,
//! so both accept and refuse exactly the same things.

use crate::error::{Code, Error};
use gureum_domain::{CsapGrade, ServiceKind, ServiceStatus};
use gureum_search::{SearchQuery, Sort};
use time::Date;

/// Splits a raw query string into pairs (repeated keys kept, `+` and `%xx` decoded).
pub fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    raw.map(|r| form_urlencoded::parse(r.as_bytes()).into_owned().collect()).unwrap_or_default()
}

fn bool_param(name: &'static str, v: &str) -> Result<bool, Error> {
    match v {
        "true" | "1" | "on" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(Error::new(code_for(name), format!("{name} must be true or false"))),
    }
}

fn code_for(name: &str) -> Code {
    match name {
        "kind" => Code::InvalidKind,
        "csap_grade" => Code::InvalidCsapGrade,
        "certified" => Code::InvalidCertified,
        "sme" => Code::InvalidSme,
        "min_price" | "max_price" => Code::InvalidPrice,
        "sort" => Code::InvalidSort,
        "page" => Code::InvalidPage,
        "per_page" => Code::InvalidPerPage,
        "status" => Code::InvalidStatusFilter,
        _ => Code::InvalidParameter,
    }
}

/// The highest price a bound may name: no plan costs more, and the OpenAPI document states it.
const MAX_PRICE_BOUND: i64 = gureum_domain::money::MAX_PRICE;

fn price(name: &'static str, v: &str) -> Result<i64, Error> {
    let digits: String = v.chars().filter(|c| *c != ',').collect();
    match digits.parse::<i64>() {
        Ok(n) if (0..=MAX_PRICE_BOUND).contains(&n) => Ok(n),
        _ => Err(Error::new(code_for(name), format!("{name} must be a whole number of won from 0 to {MAX_PRICE_BOUND}"))),
    }
}

/// Builds a search. `may_filter_status`: the caller is an operator or an auditor. Empty values
/// (as a form sends for an unused field) count as absent; unknown parameters are ignored.
pub fn parse_search(pairs: &[(String, String)], today: Date, may_filter_status: bool) -> Result<SearchQuery, Error> {
    let mut q = SearchQuery::new(today);
    for (k, v) in pairs {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        match k.as_str() {
            "q" => q.q = Some(v.chars().take(200).collect()),
            "kind" => q.kinds.push(ServiceKind::parse(v).ok_or_else(|| {
                Error::new(Code::InvalidKind, format!("unknown kind {v:?}; use iaas, paas, saas, daas, support or convergence"))
            })?),
            "category" => q.categories.push(v.to_owned()),
            "tag" => q.tags.push(v.to_owned()),
            "csap_grade" => q.grades.push(
                CsapGrade::parse(v)
                    .ok_or_else(|| Error::new(Code::InvalidCsapGrade, format!("unknown csap_grade {v:?}; use high, medium or low")))?,
            ),
            "certified" => q.certified = bool_param("certified", v)?,
            "sme" => q.sme = bool_param("sme", v)?,
            "min_price" => q.min_price = Some(price("min_price", v)?),
            "max_price" => q.max_price = Some(price("max_price", v)?),
            "sort" => {
                q.sort = Some(Sort::parse(v).ok_or_else(|| {
                    Error::new(Code::InvalidSort, format!("unknown sort {v:?}; use relevance, price_asc, price_desc, newest or rating"))
                })?)
            }
            "page" => match v.parse::<u32>() {
                Ok(n) if n >= 1 => q.page = n,
                _ => return Err(Error::new(Code::InvalidPage, "page must be a whole number from 1")),
            },
            "per_page" => match v.parse::<u32>() {
                Ok(n) if (1..=100).contains(&n) => q.per_page = n,
                _ => return Err(Error::new(Code::InvalidPerPage, "per_page must be a whole number from 1 to 100")),
            },
            "status" => {
                let s = ServiceStatus::parse(v).ok_or_else(|| Error::new(Code::InvalidStatusFilter, format!("unknown status {v:?}")))?;
                if s != ServiceStatus::Listed && !may_filter_status {
                    return Err(Error::new(Code::ForbiddenStatus, "only operators and auditors may search other statuses than listed"));
                }
                q.statuses.push(s);
            }
            _ => {}
        }
    }
    if let (Some(lo), Some(hi)) = (q.min_price, q.max_price)
        && lo > hi
    {
        return Err(Error::new(Code::InvalidPrice, "min_price is above max_price"));
    }
    // A page far beyond any result would only cost work.
    if u64::from(q.page) * u64::from(q.per_page) > 100_000 {
        return Err(Error::new(Code::InvalidPage, "page is too far; narrow the search instead"));
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Vec<(String, String)> {
        pairs(Some(s))
    }

    #[test]
    fn parses_repeats_and_ignores_unknown() {
        let today = time::macros::date!(2026 - 11 - 23);
        let q = parse_search(
            &p("q=%EC%A0%84%EC%9E%90&kind=saas&kind=iaas&csap_grade=high&certified=true&min_price=&foo=bar&page=2&per_page=5"),
            today,
            false,
        )
        .expect("valid");
        assert_eq!(q.q.as_deref(), Some("전자"));
        assert_eq!(q.kinds, vec![ServiceKind::Saas, ServiceKind::Iaas]);
        assert!(q.certified);
        assert_eq!(q.min_price, None);
        assert_eq!((q.page, q.per_page), (2, 5));
    }

    #[test]
    fn refuses_bad_values_with_codes() {
        let today = time::macros::date!(2026 - 11 - 23);
        for (qs, code) in [
            ("kind=cloud", "invalid_kind"),
            ("per_page=101", "invalid_per_page"),
            ("page=0", "invalid_page"),
            ("page=x", "invalid_page"),
            ("sort=best", "invalid_sort"),
            ("min_price=-1", "invalid_price"),
            ("max_price=1000000000001", "invalid_price"),
            ("min_price=10&max_price=5", "invalid_price"),
            ("certified=yes", "invalid_certified"),
            ("csap_grade=top", "invalid_csap_grade"),
            ("status=draft", "forbidden_status"),
            ("status=nope", "invalid_status_filter"),
        ] {
            assert_eq!(parse_search(&p(qs), today, false).err().map(|e| e.code.as_str()), Some(code), "{qs}");
        }
        assert!(parse_search(&p("status=draft"), today, true).is_ok());
        assert!(parse_search(&p("status=listed"), today, false).is_ok());
    }
}
