//! `/api/docs`: the API documentation, rendered on the server from the OpenAPI document the
//! router produces, so it works offline and never drifts from the API.

use super::layout::{Ctx, Layout, Section};
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use std::sync::OnceLock;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{OpenApi, RefOr, Required};

pub struct DocParam {
    pub name: String,
    pub location: &'static str,
    pub required: bool,
    pub description: String,
}

pub struct DocOp {
    pub anchor: String,
    pub method: &'static str,
    pub path: String,
    pub summary: String,
    pub description: Vec<String>,
    pub params: Vec<DocParam>,
    pub responses: Vec<(String, String)>,
}

pub struct DocView {
    pub title: String,
    pub version: String,
    pub description: Vec<String>,
    pub ops: Vec<DocOp>,
}

fn lines(s: Option<&str>) -> Vec<String> {
    s.map(|s| s.split("\n\n").map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect()).unwrap_or_default()
}

fn op_view(method: &'static str, path: &str, op: &Operation) -> DocOp {
    let params = op
        .parameters
        .iter()
        .flatten()
        .filter_map(|p| match p {
            RefOr::T(p) => Some(DocParam {
                name: p.name.clone(),
                location: match p.parameter_in {
                    ParameterIn::Query => "query",
                    ParameterIn::Path => "path",
                    ParameterIn::Header => "header",
                    ParameterIn::Cookie => "cookie",
                    _ => "querystring",
                },
                required: matches!(p.required, Required::True),
                description: p.description.clone().unwrap_or_default(),
            }),
            RefOr::Ref(_) => None,
        })
        .collect();
    let responses = op
        .responses
        .responses
        .iter()
        .map(|(code, r)| {
            let d = match r {
                RefOr::T(r) => r.description.clone(),
                RefOr::Ref(r) => r.ref_location.clone(),
            };
            (code.clone(), d)
        })
        .collect();
    let anchor: String =
        format!("{method}-{path}").chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    DocOp {
        anchor: format!("op-{}", anchor.trim_matches('-')),
        method,
        path: path.to_owned(),
        summary: op.summary.clone().unwrap_or_default(),
        description: lines(op.description.as_deref()),
        params,
        responses,
    }
}

/// The documentation view of an OpenAPI document.
pub fn doc_view(api: &OpenApi) -> DocView {
    let mut ops = Vec::new();
    for (path, item) in api.paths.paths.iter() {
        let methods: [(&'static str, &Option<Operation>); 7] = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
            ("HEAD", &item.head),
            ("OPTIONS", &item.options),
        ];
        for (m, op) in methods {
            if let Some(op) = op {
                ops.push(op_view(m, path, op));
            }
        }
    }
    DocView { title: api.info.title.clone(), version: api.info.version.clone(), description: lines(api.info.description.as_deref()), ops }
}

fn doc() -> &'static DocView {
    static DOC: OnceLock<DocView> = OnceLock::new();
    DOC.get_or_init(|| doc_view(&crate::api::router().split_for_parts().1))
}

#[derive(Template)]
#[template(path = "docs.html")]
struct DocsTpl {
    layout: Layout,
    doc: &'static DocView,
}

pub async fn docs(ctx: Ctx) -> Response {
    let tpl = DocsTpl { layout: ctx.layout(ctx.t("docs.title"), Section::Docs), doc: doc() };
    ctx.render(StatusCode::OK, &tpl)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_every_api_route() {
        let d = doc();
        assert!(d.ops.iter().any(|o| o.method == "GET" && o.path == "/api/v1/services" && o.params.iter().any(|p| p.name == "kind")));
        assert!(d.ops.iter().any(|o| o.path == "/api/v1/services/{id}" && o.params.iter().any(|p| p.name == "id" && p.required)));
        assert!(d.ops.iter().all(|o| !o.responses.is_empty()));
        let anchors: std::collections::HashSet<&str> = d.ops.iter().map(|o| o.anchor.as_str()).collect();
        assert_eq!(anchors.len(), d.ops.len());
    }
}
