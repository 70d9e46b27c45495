//! The supplier's actions on its own services: create a draft, edit it (a merge patch of listing
//! fields), attach documents, submit it to the operator.

use super::*;

/// Creates a draft service from the import line's fields (without the operator's). The code is
/// assigned when absent. Returns the new service's id.
pub async fn create(ctx: &Context, p: &Principal, body: &Value, request_id: Option<String>) -> Result<String, Error> {
    let supplier_id = supplier_of(p)?.to_owned();
    let obj = body.as_object().ok_or_else(|| Error::new(Code::InvalidBody, "the body must be a JSON object"))?;
    reject_operator_fields(obj)?;
    let mut listing = parse_listing(obj, false).map_err(field_error)?;
    let mut tx = ctx.db().begin_write().await?;
    if listing.code.is_empty() {
        let (class, sub) = classification(&listing);
        listing.code = tx.assign_service_code(listing.kind, class, sub).await?;
    } else if tx.service_code_taken(&listing.code).await? {
        return Err(Error::new(Code::CodeTaken, format!("the service code {} is already in use", listing.code)));
    }
    let id = new_id();
    tx.create_draft_service(&id, &supplier_id, &listing).await?;
    tx.record_change(&id).await?;
    let after = json!({"code": listing.code, "status": ServiceStatus::Draft.as_str(), "revision": 1, "listing": listing});
    audit(&mut tx, p, "service.create", &id, None, Some(after), request_id).await?;
    tx.commit().await?;
    Ok(id)
}

/// Edits the open draft with a merge patch of listing fields, opening a draft from the public
/// revision (else the latest) when there is none; the whole listing is validated again. A new
/// kind gets a new code. Returns the service's id.
pub async fn update(ctx: &Context, p: &Principal, key: &str, patch: &Value, request_id: Option<String>) -> Result<String, Error> {
    let obj = patch.as_object().ok_or_else(|| Error::new(Code::InvalidBody, "the body must be a JSON object"))?;
    reject_operator_fields(obj)?;
    let id = owned_head(ctx, p, key).await?.id;
    let mut tx = ctx.db().begin_write().await?;
    let head = tx.service_head(&id).await?.ok_or_else(|| Error::not_found("service"))?;
    let (t, open_rev) = decide_for(&mut tx, p, &head, Action::Edit).await?;
    let (open, current) = match t.change {
        RevisionChange::EditOpen => {
            let rev = open_revision(open_rev)?;
            (Some(rev.revision), rev.listing)
        }
        _ => {
            let base = head.public_revision.unwrap_or(head.latest_revision);
            let rev = tx.service_revision(&id, base).await?.ok_or_else(|| Error::internal("revision missing"))?;
            (None, rev.listing)
        }
    };
    if let Some(code) = obj.get("code")
        && code.as_str() != Some(current.code.as_str())
    {
        return Err(Error::new(Code::InvalidField, "code: a service keeps its code; a new kind is given a new one"));
    }
    let mut merged = serde_json::to_value(&current).map_err(Error::internal)?;
    merge_patch(&mut merged, patch);
    let kind_changed = merged.get("kind").and_then(Value::as_str) != Some(current.kind.as_str());
    let Value::Object(mut merged) = merged else { return Err(Error::internal("listing is not an object")) };
    if kind_changed {
        merged.remove("code");
    }
    let mut listing = parse_listing(&merged, !kind_changed).map_err(field_error)?;
    if kind_changed {
        let (class, sub) = classification(&listing);
        listing.code = tx.assign_service_code(listing.kind, class, sub).await?;
    }
    let changes = diff(Some(&current), &listing);
    if changes.is_empty() {
        return Ok(id);
    }
    let revision = match open {
        Some(r) => {
            tx.save_draft_revision(&id, r, &listing).await?;
            r
        }
        None => tx.open_draft_revision(&head, &listing).await?,
    };
    let status_after = t.after.status;
    if head.public_revision.is_none() {
        if listing.code != head.code {
            tx.set_service_code(&id, &listing.code).await?;
        }
        if t.status_changed() {
            tx.set_service_status(&id, status_after, None).await?;
        }
        tx.record_change(&id).await?;
    }
    let (before, after) = changes_json(&changes);
    audit(
        &mut tx,
        p,
        "service.update",
        &id,
        Some(json!({"revision": open, "status": head.status.as_str(), "fields": before})),
        Some(json!({"revision": revision, "status": status_after.as_str(), "fields": after})),
        request_id,
    )
    .await?;
    tx.commit().await?;
    if head.public_revision.is_none() {
        ctx.wait_for_index().await;
    }
    Ok(id)
}

/// Sends the open draft to the operator.
pub async fn submit(ctx: &Context, p: &Principal, key: &str, request_id: Option<String>) -> Result<String, Error> {
    let id = owned_head(ctx, p, key).await?.id;
    let mut tx = ctx.db().begin_write().await?;
    let head = tx.service_head(&id).await?.ok_or_else(|| Error::not_found("service"))?;
    let (t, open) = decide_for(&mut tx, p, &head, Action::Submit).await?;
    let rev = open_revision(open)?;
    let r = rev.revision;
    let base = match head.public_revision {
        Some(pr) => tx.service_revision(&id, pr).await?.map(|r| r.listing),
        None => None,
    };
    let material = is_material(base.as_ref(), &rev.listing);
    let application = crate::review::on_submit(ctx, &mut tx, &head, &rev, material).await?;
    tx.submit_revision(&id, r, head.public_revision, material).await?;
    let status = write_status(&mut tx, &id, &t).await?;
    audit(
        &mut tx,
        p,
        "service.submit",
        &id,
        Some(json!({"status": head.status.as_str(), "revision": r, "state": rev.state.as_str()})),
        Some(json!({"status": status.as_str(), "revision": r, "state": RevisionState::Submitted.as_str(), "material": material, "base_revision": head.public_revision, "application": application})),
        request_id,
    )
    .await?;
    let name = &rev.listing.name;
    let code = &rev.listing.code;
    // An application tells the operators itself; a non-material change waits for the operator.
    if application.is_none() {
        let link = format!("/operator/services/{id}");
        crate::notify::notify_operators(
            ctx,
            &mut tx,
            "service.submitted",
            &format!("서비스 변경 신청: {name} ({code})"),
            &format!("Service change submitted for listing: {name} ({code})"),
            &link,
        )
        .await?;
    }
    tx.commit().await?;
    if status != head.status {
        ctx.wait_for_index().await;
    }
    Ok(id)
}

/// Attaches a PDF to a service (to its open revision, else its latest). The file is recognised
/// by its content and stored once by its SHA-256.
pub async fn attach_document(
    ctx: &Context,
    p: &Principal,
    key: &str,
    doc_type: &str,
    filename: &str,
    bytes: Vec<u8>,
    request_id: Option<String>,
) -> Result<ServiceDocument, Error> {
    let id = owned_head(ctx, p, key).await?.id;
    let settings = crate::review::settings(ctx).await?;
    if !settings.accepts_doc_type(doc_type) {
        let mut known: Vec<&str> = gureum_domain::review::BUILTIN_DOC_TYPES.to_vec();
        for d in &settings.required_documents {
            if !known.contains(&d.as_str()) {
                known.push(d);
            }
        }
        return Err(Error::new(Code::InvalidDocType, format!("doc_type is one of {}", known.join(", "))));
    }
    let media = check_upload(&bytes, false)?;
    let filename = clean_filename(filename);
    let size = bytes.len() as i64;
    let store = ctx.documents().clone();
    let sha = tokio::task::spawn_blocking(move || store.put(&bytes)).await.map_err(Error::internal)?.map_err(Error::internal)?;
    let doc_id = new_id();
    let mut tx = ctx.db().begin_write().await?;
    let head = tx.service_head(&id).await?.ok_or_else(|| Error::not_found("service"))?;
    let (t, _) = decide_for(&mut tx, p, &head, Action::AttachDocument).await?;
    let revision = match (t.change, head.draft_revision) {
        (RevisionChange::AttachToOpen, Some(open)) => open,
        _ => head.latest_revision,
    };
    tx.record_document(&sha, size, media.media_type()).await?;
    tx.insert_service_document(&doc_id, &id, revision, doc_type, &sha, &filename).await?;
    let after =
        json!({"document": doc_id, "doc_type": doc_type, "sha256": sha, "filename": filename, "size_bytes": size, "revision": revision});
    audit(&mut tx, p, "service.document_add", &id, None, Some(after), request_id).await?;
    tx.commit().await?;
    ctx.db().service_document(&id, &doc_id).await?.ok_or_else(|| Error::internal("document vanished"))
}
