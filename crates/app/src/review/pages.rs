//! What the committee's pages read beside the use cases: the people an operator may assign, the
//! documents a supplier still owes, one document of an application for those who see it, and
//! the round a listed revision was selected in. Read only.

use super::*;
use gureum_storage::{Organisation, Round};

/// The people the operator may assign as reviewers: the `reviewer` role and not disabled (the
/// same test `assign` makes), with their organisation, by organisation and name.
pub async fn reviewer_candidates(ctx: &Context, p: &Principal) -> Result<Vec<(gureum_storage::User, Organisation)>, Error> {
    p.require(crate::Rule::AnyRole(crate::actor::OPERATOR))?;
    let mut people: Vec<_> = ctx
        .db()
        .all_users()
        .await?
        .into_iter()
        .filter(|(u, _)| u.roles.contains(&Role::Reviewer) && u.status != gureum_domain::UserStatus::Disabled)
        .collect();
    people.sort_by(|(a, ao), (b, bo)| (&ao.name, &a.name, &a.id).cmp(&(&bo.name, &b.name, &b.id)));
    Ok(people)
}

/// The required document types the supplier's open revision (else its latest) of a service
/// still lacks, and the types it may upload (built-in and required), for its documents page.
pub async fn documents_owed(ctx: &Context, p: &Principal, service_key: &str) -> Result<(Vec<String>, Vec<String>), Error> {
    let head = crate::lifecycle::owned_head(ctx, p, service_key).await?;
    let revision = head.draft_revision.unwrap_or(head.latest_revision);
    let revisions = ctx.db().service_revisions(&head.id).await?;
    let rev = revisions.iter().find(|r| r.revision == revision).ok_or_else(|| Error::internal("revision missing"))?;
    let settings = settings(ctx).await?;
    let docs = documents_of_revision(ctx.db().service_documents(&head.id).await?, revision);
    let mut types: Vec<String> = review::BUILTIN_DOC_TYPES.iter().map(|t| (*t).to_owned()).collect();
    types.extend(settings.required_documents.iter().filter(|t| !review::BUILTIN_DOC_TYPES.contains(&t.as_str())).cloned());
    Ok((missing_documents(&settings, rev.listing.kind, &docs), types))
}

/// One document of an application, for those who see the application (the operator, the
/// applicant, an assigned reviewer); anyone else is told it does not exist.
pub async fn application_document(ctx: &Context, p: &Principal, id: &str, doc_id: &str) -> Result<ServiceDocument, Error> {
    let detail = application(ctx, p, id).await.map_err(|e| if e.code == Code::Forbidden { Error::not_found("application") } else { e })?;
    detail.documents.into_iter().find(|d| d.id == doc_id).ok_or_else(|| Error::not_found("document"))
}

/// The round in which a service's revision was selected, for its public page.
pub async fn selection_round(ctx: &Context, service_id: &str, revision: i64) -> Result<Option<Round>, Error> {
    Ok(ctx.db().selection_round(service_id, revision).await?)
}
