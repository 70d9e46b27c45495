//! `/services`: the search page. One GET form holds the whole search, so its address can be
//! bookmarked; results come from the same parser and index call as the API.

use super::layout::{Ctx, Layout, Section};
use super::links::{self, Pager};
use crate::api::services::run_search;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use gureum_app::query::parse_search;
use gureum_domain::{CertType, CsapGrade, ServiceKind, ServiceStatus};
use gureum_search::{Hit, SearchResult};

/// The form as the visitor filled it in (raw strings, so a bad value is shown back as typed).
#[derive(Debug, Default)]
pub struct FormState {
    pub q: String,
    pub kinds: Vec<String>,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    pub grades: Vec<String>,
    pub certified: bool,
    pub sme: bool,
    pub min_price: String,
    pub max_price: String,
    pub sort: String,
    pub per_page: String,
}

impl FormState {
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut f = Self::default();
        for (k, v) in pairs {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            let push = |list: &mut Vec<String>| {
                if !list.iter().any(|x| x == v) {
                    list.push(v.to_owned());
                }
            };
            match k.as_str() {
                "q" => f.q = v.to_owned(),
                "kind" => push(&mut f.kinds),
                "category" => push(&mut f.categories),
                "tag" => push(&mut f.tags),
                "csap_grade" => push(&mut f.grades),
                "certified" => f.certified = matches!(v, "true" | "1" | "on"),
                "sme" => f.sme = matches!(v, "true" | "1" | "on"),
                "min_price" => f.min_price = v.to_owned(),
                "max_price" => f.max_price = v.to_owned(),
                "sort" => f.sort = v.to_owned(),
                "per_page" => f.per_page = v.to_owned(),
                _ => {}
            }
        }
        f
    }
}

/// One checkbox (or select option).
#[derive(Debug, Clone)]
pub struct Opt {
    pub id: String,
    pub value: String,
    pub label: String,
    pub count: String,
    pub checked: bool,
}

/// A facet's checkbox group.
pub struct Group {
    pub name: &'static str,
    pub legend: &'static str,
    pub opts: Vec<Opt>,
}

/// One result as listed.
pub struct HitView {
    pub id: String,
    pub href: String,
    pub name: String,
    pub code: String,
    pub kind_label: String,
    pub category: String,
    pub supplier_name: String,
    pub supplier_href: String,
    pub summary: String,
    pub price_label: String,
    pub csap_label: String,
    pub csap_class: &'static str,
    pub csap_until: String,
    pub suspended: bool,
    pub status_label: String,
    /// The average of its ratings (`평균 4.50점 · 2건`); none when unrated (#24).
    pub rating_label: Option<String>,
}

impl HitView {
    pub fn new(lang: Lang, h: &Hit) -> Self {
        let (csap_label, csap_class, csap_until) = match &h.csap {
            None => (lang.t("cert.uncertified").to_owned(), "gray", String::new()),
            Some(c) => {
                let ty = CertType::parse(c.cert_type).map(|t| lang.cert_type(t)).unwrap_or(c.cert_type);
                let grade = match c.grade.and_then(CsapGrade::parse) {
                    Some(g) => lang.t("cert.grade_suffix").replace("{v}", lang.grade(g)),
                    None => lang.t("cert.no_grade").to_owned(),
                };
                let class = if c.grade.is_some() { "success" } else { "warning" };
                (format!("CSAP {ty} · {grade}"), class, lang.t("cert.until").replace("{v}", &c.valid_to))
            }
        };
        let status = ServiceStatus::parse(h.status);
        Self {
            id: h.id.clone(),
            href: format!("/services/{}", h.id),
            name: h.name.clone(),
            code: h.code.clone(),
            kind_label: ServiceKind::parse(h.kind).map(|k| lang.kind(k)).unwrap_or(h.kind).to_owned(),
            category: h.category.clone(),
            supplier_name: h.supplier.name.clone(),
            supplier_href: format!("/suppliers/{}", h.supplier.id),
            summary: h.summary.clone(),
            price_label: match h.price_from_krw {
                Some(w) => lang.t("price.from").replace("{v}", &lang.won(w)),
                None => lang.t("price.ask").to_owned(),
            },
            csap_label,
            csap_class,
            csap_until,
            suspended: status == Some(ServiceStatus::Suspended),
            status_label: status.map(|s| lang.status(s)).unwrap_or(h.status).to_owned(),
            rating_label: h.rating.map(|r| super::usage::ratings::average_label(lang, r.average, i64::from(r.count))),
        }
    }
}

pub struct ErrorView {
    pub title: &'static str,
    pub message: &'static str,
    pub code: &'static str,
}

pub struct ResultView {
    pub total_label: String,
    pub hits: Vec<HitView>,
}

pub struct DropLink {
    pub href: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchTpl {
    layout: Layout,
    form: FormState,
    groups: Vec<Group>,
    tag_opts: Vec<Opt>,
    sort_opts: Vec<Opt>,
    error: Option<ErrorView>,
    result: Option<ResultView>,
    pager: Option<Pager>,
    drops: Vec<DropLink>,
    show_supplier: bool,
    show_compare: bool,
}

pub async fn search(State(state): State<AppState>, ctx: Ctx) -> Response {
    let pairs = ctx.pairs();
    let outcome = match parse_search(&pairs, state.clock().today(), false) {
        Ok(q) => {
            let (page, per_page) = (q.page, q.per_page);
            run_search(&state, q).await.map(|r| (r, page, per_page))
        }
        Err(e) => Err(e.into()),
    };
    let lang = ctx.lang;
    let form = FormState::from_pairs(&pairs);
    let (result, error, status) = match outcome {
        Ok(r) => (Some(r), None, StatusCode::OK),
        Err(e) => (None, Some(e), StatusCode::OK),
    };
    let status = error.as_ref().map(|e| e.status).unwrap_or(status);
    let facets = result.as_ref().map(|(r, _, _)| r);
    let groups = groups(lang, &form, facets);
    let tag_opts = form
        .tags
        .iter()
        .enumerate()
        .map(|(i, t)| Opt { id: format!("f-tag-{i}"), value: t.clone(), label: format!("#{t}"), count: String::new(), checked: true })
        .collect();
    let sort_opts = sort_opts(lang, &form);
    let title = if form.q.is_empty() { ctx.t("search.title").to_owned() } else { format!("{} - {}", form.q, ctx.t("search.title")) };
    let (result_view, pager, drops) = match &result {
        Some((r, page, per_page)) => {
            let view = ResultView {
                total_label: lang.t("search.total").replace("{n}", &r.total.to_string()),
                hits: r.items.iter().map(|h| HitView::new(lang, h)).collect(),
            };
            let pager = links::pager(&ctx.path, &pairs, *page, r.total, *per_page);
            let drops = if r.items.is_empty() { drop_links(lang, &ctx.path, &pairs) } else { Vec::new() };
            (Some(view), pager, drops)
        }
        None => (None, None, Vec::new()),
    };
    let tpl = SearchTpl {
        layout: ctx.layout(title, Section::Services),
        form,
        groups,
        tag_opts,
        sort_opts,
        error: error.as_ref().map(|e: &AppError| ErrorView {
            title: lang.error_title(e.status.as_u16()),
            message: lang.error_message(e.code),
            code: e.code.as_str(),
        }),
        result: result_view,
        pager,
        drops,
        show_supplier: true,
        show_compare: true,
    };
    ctx.render(status, &tpl)
}

/// `(12)` from a facet (0 when the facet lacks the value), nothing without a result.
fn count_label(facet: Option<&std::collections::BTreeMap<String, u64>>, value: &str) -> String {
    facet.map(|f| format!("({})", f.get(value).copied().unwrap_or(0))).unwrap_or_default()
}

/// The checkbox groups for kind, category and CSAP grade, with the result's facet counts.
fn groups(lang: Lang, form: &FormState, result: Option<&SearchResult>) -> Vec<Group> {
    let facets = result.map(|r| &r.facets);
    let kinds = ServiceKind::ALL
        .iter()
        .map(|k| Opt {
            id: format!("f-kind-{}", k.as_str()),
            value: k.as_str().into(),
            label: lang.kind(*k).into(),
            count: count_label(facets.map(|f| &f.kind), k.as_str()),
            checked: form.kinds.iter().any(|x| x == k.as_str()),
        })
        .collect();
    let mut cats: Vec<(String, u64)> = facets.map(|f| f.category.iter().map(|(k, v)| (k.clone(), *v)).collect()).unwrap_or_default();
    for c in &form.categories {
        if !cats.iter().any(|(k, _)| k == c) {
            cats.push((c.clone(), 0));
        }
    }
    cats.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let categories = cats
        .into_iter()
        .enumerate()
        .map(|(i, (name, n))| Opt {
            id: format!("f-cat-{i}"),
            checked: form.categories.contains(&name),
            count: if facets.is_some() { format!("({n})") } else { String::new() },
            value: name.clone(),
            label: name,
        })
        .collect();
    let grades = CsapGrade::ALL
        .iter()
        .map(|g| Opt {
            id: format!("f-grade-{}", g.as_str()),
            value: g.as_str().into(),
            label: lang.grade(*g).into(),
            count: count_label(facets.map(|f| &f.csap_grade), g.as_str()),
            checked: form.grades.iter().any(|x| x == g.as_str()),
        })
        .collect();
    vec![
        Group { name: "kind", legend: lang.t("search.kind"), opts: kinds },
        Group { name: "category", legend: lang.t("search.category"), opts: categories },
        Group { name: "csap_grade", legend: lang.t("search.csap_grade"), opts: grades },
    ]
}

/// The sort choices: relevance only with a query, the fair order as the default without one.
fn sort_opts(lang: Lang, form: &FormState) -> Vec<Opt> {
    let mut values: Vec<&str> = if form.q.is_empty() {
        vec!["", "price_asc", "price_desc", "newest"]
    } else {
        vec!["relevance", "price_asc", "price_desc", "newest"]
    };
    if matches!(form.sort.as_str(), "relevance" | "rating") && !values.contains(&form.sort.as_str()) {
        values.push(form.sort.as_str());
    }
    let selected = if form.sort.is_empty() && !form.q.is_empty() { "relevance" } else { form.sort.as_str() };
    values
        .into_iter()
        .map(|v| Opt {
            id: String::new(),
            value: v.into(),
            label: lang.t(&if v.is_empty() { "sort.default".to_owned() } else { format!("sort.{v}") }).to_owned(),
            count: String::new(),
            checked: v == selected,
        })
        .collect()
}

/// One link per active filter, each searching again without it.
fn drop_links(lang: Lang, path: &str, pairs: &[(String, String)]) -> Vec<DropLink> {
    links::active_filters(pairs)
        .into_iter()
        .map(|(k, v)| {
            let what = match k.as_str() {
                "kind" => ServiceKind::parse(&v).map(|x| lang.kind(x).to_owned()).unwrap_or_else(|| v.clone()),
                "csap_grade" => format!("CSAP {}", CsapGrade::parse(&v).map(|g| lang.grade(g)).unwrap_or(&v)),
                "tag" => format!("#{v}"),
                "certified" => lang.t("filter.certified").to_owned(),
                "sme" => lang.t("filter.sme").to_owned(),
                "min_price" | "max_price" => {
                    let amount = v.replace(',', "").parse::<i64>().map(|w| lang.won(w)).unwrap_or_else(|_| v.clone());
                    lang.t(if k == "min_price" { "filter.min_price" } else { "filter.max_price" }).replace("{v}", &amount)
                }
                _ => v.clone(),
            };
            DropLink { href: links::drop_filter(path, pairs, &k, &v), label: lang.t("search.drop").replace("{v}", &what) }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Vec<(String, String)> {
        gureum_app::query::pairs(Some(s))
    }

    #[test]
    fn one_drop_link_per_active_filter() {
        let pairs = p("q=x&kind=saas&csap_grade=high&min_price=1000&sme=true&page=2");
        let drops = drop_links(Lang::Ko, "/services", &pairs);
        let labels: Vec<&str> = drops.iter().map(|d| d.label.as_str()).collect();
        assert_eq!(
            labels,
            vec!["‘x’ 조건 빼기", "‘SaaS’ 조건 빼기", "‘CSAP 상’ 조건 빼기", "‘최소 1,000원’ 조건 빼기", "‘중소기업’ 조건 빼기"]
        );
        assert_eq!(drops[1].href, "/services?q=x&csap_grade=high&min_price=1000&sme=true");
    }

    #[test]
    fn sort_choices_follow_the_query() {
        let with_q = sort_opts(Lang::Ko, &FormState::from_pairs(&p("q=x")));
        assert_eq!(with_q[0].value, "relevance");
        assert!(with_q[0].checked);
        let without = sort_opts(Lang::En, &FormState::from_pairs(&p("sort=newest")));
        assert_eq!(without.iter().map(|o| o.value.as_str()).collect::<Vec<_>>(), vec!["", "price_asc", "price_desc", "newest"]);
        assert!(without.iter().any(|o| o.value == "newest" && o.checked));
        let rating = sort_opts(Lang::Ko, &FormState::from_pairs(&p("sort=rating")));
        assert!(rating.iter().any(|o| o.value == "rating" && o.checked));
    }

    #[test]
    fn facet_groups_count_zero_and_keep_selected_values() {
        let form = FormState::from_pairs(&p("category=%EC%97%86%EC%9D%8C&kind=saas"));
        let g = groups(Lang::Ko, &form, None);
        assert_eq!(g[0].opts.len(), 6);
        assert!(g[0].opts.iter().any(|o| o.value == "saas" && o.checked && o.count.is_empty()));
        assert!(g[1].opts.iter().any(|o| o.value == "없음" && o.checked));
    }
}
