//! Building page addresses from query pairs: the language switch, pagination and the "search
//! again without this filter" links. Pure functions, so they are tested alone.

use crate::i18n::Lang;

/// The query parameters that narrow a search (one link each to drop them).
pub const FILTER_KEYS: [&str; 9] = ["q", "kind", "category", "tag", "csap_grade", "certified", "sme", "min_price", "max_price"];

/// The largest window of results a search may page to (see `gureum_app::query::parse_search`).
const MAX_WINDOW: u64 = 100_000;

/// `path` with the pairs as its query (`a=1&b=x+y`), or `path` alone when there are none.
pub fn href(path: &str, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return path.to_owned();
    }
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        ser.append_pair(k, v);
    }
    format!("{path}?{}", ser.finish())
}

/// One `name=value` query component, encoded.
pub fn query1(name: &str, value: &str) -> String {
    form_urlencoded::Serializer::new(String::new()).append_pair(name, value).finish()
}

/// The same page and query in another language.
pub fn with_lang(path: &str, pairs: &[(String, String)], lang: Lang) -> String {
    let mut kept: Vec<(String, String)> = pairs.iter().filter(|(k, _)| k != "lang").cloned().collect();
    kept.push(("lang".into(), lang.code().into()));
    href(path, &kept)
}

/// The same search on another page (page 1 has no `page` parameter).
pub fn page_href(path: &str, pairs: &[(String, String)], page: u32) -> String {
    let mut kept: Vec<(String, String)> = pairs.iter().filter(|(k, _)| k != "page").cloned().collect();
    if page > 1 {
        kept.push(("page".into(), page.to_string()));
    }
    href(path, &kept)
}

/// The active filters of a search, in query order, each once (empty values are not filters).
pub fn active_filters(pairs: &[(String, String)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (k, v) in pairs {
        let v = v.trim();
        if FILTER_KEYS.contains(&k.as_str()) && !v.is_empty() && !out.iter().any(|(ok, ov)| ok == k && ov == v) {
            out.push((k.clone(), v.to_owned()));
        }
    }
    out
}

/// The same search without one filter (`key=value`), from its first page; every other pair kept.
pub fn drop_filter(path: &str, pairs: &[(String, String)], key: &str, value: &str) -> String {
    let kept: Vec<(String, String)> = pairs.iter().filter(|(k, v)| k != "page" && !(k == key && v.trim() == value)).cloned().collect();
    href(path, &kept)
}

/// How many pages a result has, within the window a search may page to.
pub fn total_pages(total: u64, per_page: u32) -> u32 {
    let per = u64::from(per_page.max(1));
    let pages = total.div_ceil(per).min(MAX_WINDOW / per);
    u32::try_from(pages).unwrap_or(u32::MAX)
}

/// The page numbers a pager shows: the first, the last, and two either side of the current one.
pub fn page_numbers(current: u32, total: u32) -> Vec<u32> {
    if total == 0 {
        return Vec::new();
    }
    let lo = current.saturating_sub(2).max(1);
    let hi = current.saturating_add(2).min(total);
    let mut out = vec![1];
    out.extend((lo..=hi).filter(|&n| n > 1 && n < total));
    if total > 1 {
        out.push(total);
    }
    out
}

/// One link of a pager.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageItem {
    pub number: u32,
    pub href: String,
    pub current: bool,
    /// Pages are left out before this one.
    pub gap_before: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pager {
    pub prev: Option<String>,
    pub next: Option<String>,
    pub items: Vec<PageItem>,
}

/// A pager for a result, or none when it fits on one page.
pub fn pager(path: &str, pairs: &[(String, String)], current: u32, total: u64, per_page: u32) -> Option<Pager> {
    let pages = total_pages(total, per_page);
    if pages <= 1 {
        return None;
    }
    let mut items = Vec::new();
    let mut last = 0;
    for n in page_numbers(current, pages) {
        items.push(PageItem { number: n, href: page_href(path, pairs, n), current: n == current, gap_before: n > last + 1 });
        last = n;
    }
    Some(Pager {
        prev: (current > 1).then(|| page_href(path, pairs, (current - 1).min(pages))),
        next: (current < pages).then(|| page_href(path, pairs, current + 1)),
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Vec<(String, String)> {
        gureum_app::query::pairs(Some(s))
    }

    #[test]
    fn language_switch_keeps_the_query() {
        assert_eq!(
            with_lang("/services", &p("q=%EC%A0%84%EC%9E%90&kind=saas&lang=ko"), Lang::En),
            "/services?q=%EC%A0%84%EC%9E%90&kind=saas&lang=en"
        );
        assert_eq!(with_lang("/", &[], Lang::Ko), "/?lang=ko");
    }

    #[test]
    fn page_links_keep_every_other_parameter() {
        let pairs = p("q=a+b&kind=saas&kind=iaas&page=3&per_page=10");
        assert_eq!(page_href("/services", &pairs, 4), "/services?q=a+b&kind=saas&kind=iaas&per_page=10&page=4");
        assert_eq!(page_href("/services", &pairs, 1), "/services?q=a+b&kind=saas&kind=iaas&per_page=10");
    }

    #[test]
    fn page_numbers_window() {
        assert_eq!(page_numbers(1, 1), vec![1]);
        assert_eq!(page_numbers(1, 3), vec![1, 2, 3]);
        assert_eq!(page_numbers(5, 10), vec![1, 3, 4, 5, 6, 7, 10]);
        assert_eq!(page_numbers(10, 10), vec![1, 8, 9, 10]);
        assert!(page_numbers(1, 0).is_empty());
        assert_eq!(total_pages(41, 20), 3);
        assert_eq!(total_pages(0, 20), 0);
        assert_eq!(total_pages(1_000_000, 100), 1000);
    }

    #[test]
    fn pager_marks_current_and_gaps() {
        let pg = pager("/services", &p("q=x&page=5"), 5, 200, 20).expect("pages");
        assert_eq!(pg.prev.as_deref(), Some("/services?q=x&page=4"));
        assert_eq!(pg.next.as_deref(), Some("/services?q=x&page=6"));
        let current: Vec<u32> = pg.items.iter().filter(|i| i.current).map(|i| i.number).collect();
        assert_eq!(current, vec![5]);
        let gaps: Vec<u32> = pg.items.iter().filter(|i| i.gap_before).map(|i| i.number).collect();
        assert_eq!(gaps, vec![3, 10]);
        assert_eq!(pg.items[0].href, "/services?q=x");
        assert!(pager("/services", &[], 1, 20, 20).is_none());
        let last = pager("/services", &[], 3, 60, 20).expect("pages");
        assert!(last.next.is_none());
    }

    #[test]
    fn drop_one_filter_keeps_the_rest() {
        let pairs = p("q=%EC%A0%84%EC%9E%90&kind=saas&kind=iaas&sme=true&page=2&per_page=10&min_price=");
        let active = active_filters(&pairs);
        assert_eq!(
            active,
            vec![
                ("q".into(), "전자".into()),
                ("kind".into(), "saas".into()),
                ("kind".into(), "iaas".into()),
                ("sme".into(), "true".into())
            ]
        );
        assert_eq!(
            drop_filter("/services", &pairs, "kind", "saas"),
            "/services?q=%EC%A0%84%EC%9E%90&kind=iaas&sme=true&per_page=10&min_price="
        );
        assert_eq!(drop_filter("/services", &pairs, "q", "전자"), "/services?kind=saas&kind=iaas&sme=true&per_page=10&min_price=");
        assert_eq!(drop_filter("/services", &p("tag=a"), "tag", "a"), "/services");
        assert_eq!(query1("tag", "클라우드 보안"), "tag=%ED%81%B4%EB%9D%BC%EC%9A%B0%EB%93%9C+%EB%B3%B4%EC%95%88");
    }
}
