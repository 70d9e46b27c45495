//! Evidence (증빙): an SME uploads its tax invoice, payment proof or usage statement (a PDF or an
//! image, recognised by its content) before claiming. The file goes to the content-addressed
//! document store like every uploaded document; the row says which company it belongs to.

use super::{audit, is_oversight, is_sme};
use crate::actor::Principal;
use crate::context::Context;
use crate::documents::{check_upload, clean_filename};
use crate::error::{Error, Result};
use gureum_domain::clock::rfc3339_utc;
use gureum_storage::VoucherDocument;
use serde::Serialize;
use serde_json::json;

/// An uploaded evidence document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentView {
    pub id: String,
    pub filename: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_at: String,
}

pub fn document_view(d: &VoucherDocument) -> DocumentView {
    DocumentView {
        id: d.id.clone(),
        filename: d.filename.clone(),
        media_type: d.media_type.clone(),
        size_bytes: d.size_bytes,
        sha256: d.sha256.clone(),
        created_at: rfc3339_utc(d.created_at),
    }
}

/// Stores an SME's evidence file.
pub async fn upload(ctx: &Context, p: &Principal, filename: &str, bytes: Vec<u8>, rid: Option<String>) -> Result<DocumentView> {
    if !is_sme(p) {
        return Err(Error::forbidden());
    }
    let media = check_upload(&bytes, true)?;
    let filename = clean_filename(filename);
    let size = bytes.len() as i64;
    let store = ctx.documents().clone();
    let sha = tokio::task::spawn_blocking(move || store.put(&bytes)).await.map_err(Error::internal)?.map_err(Error::internal)?;
    let doc = VoucherDocument {
        id: crate::ids::new_id(),
        org_id: p.org().id.clone(),
        sha256: sha,
        filename,
        media_type: media.media_type().into(),
        size_bytes: size,
        created_by: p.actor(),
        created_at: 0,
    };
    let mut tx = ctx.db().begin_write().await?;
    tx.record_document(&doc.sha256, size, &doc.media_type).await?;
    tx.insert_voucher_document(&doc).await?;
    audit(
        &mut tx,
        p,
        rid,
        "voucher_document.upload",
        ("voucher_document", &doc.id),
        None,
        json!({"sha256": doc.sha256, "filename": doc.filename, "media_type": doc.media_type, "size_bytes": size}),
    )
    .await?;
    tx.commit().await?;
    let stored = ctx.db().voucher_document(&doc.id).await?.ok_or_else(|| Error::internal("the document went away"))?;
    Ok(document_view(&stored))
}

/// The evidence documents of these ids the caller may read (its company's; the oversight
/// roles' all), described without their bytes, in the order asked.
pub async fn describe(ctx: &Context, p: &Principal, ids: &[String]) -> Result<Vec<DocumentView>> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(d) = ctx.db().voucher_document(id).await?.filter(|d| is_oversight(p) || (is_sme(p) && d.org_id == p.org().id)) {
            out.push(document_view(&d));
        }
    }
    Ok(out)
}

/// An evidence document's bytes for its company, the operator or the auditor; else 404.
pub async fn download(ctx: &Context, p: &Principal, raw_id: &str) -> Result<(DocumentView, Vec<u8>)> {
    let id = super::id(raw_id, "document")?;
    let d = ctx
        .db()
        .voucher_document(&id)
        .await?
        .filter(|d| is_oversight(p) || (is_sme(p) && d.org_id == p.org().id))
        .ok_or_else(|| Error::not_found("document"))?;
    let store = ctx.documents().clone();
    let sha = d.sha256.clone();
    let bytes = tokio::task::spawn_blocking(move || store.get(&sha)).await.map_err(Error::internal)?.map_err(Error::internal)?;
    Ok((document_view(&d), bytes))
}
