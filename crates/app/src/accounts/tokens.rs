//! Long-lived API tokens for machines, created and revoked by an organisation's admin.

use super::*;
/// Creates an API token for the caller's organisation; the secret is returned once.
pub async fn create_api_token(
    ctx: &Context,
    p: &Principal,
    name: &str,
    request_id: Option<String>,
) -> Result<(gureum_storage::ApiToken, String), Error> {
    let name = required(name, Code::InvalidName, "the token name")?;
    let secret = new_secret(API_TOKEN_PREFIX)?;
    let tid = id();
    let mut tx = ctx.db().begin_write().await?;
    tx.insert_api_token(&tid, &p.org().id, &name, &secret_hash(&secret), &p.actor()).await?;
    let mut ev = NewAuditEvent::new(&p.actor(), "api_token.create", "api_token", &tid).after(json!({"name": name})).request_id(request_id);
    ev.organisation = Some(p.org().id.clone());
    tx.audit(ev).await?;
    tx.commit().await?;
    let token =
        ctx.db().api_tokens_of(&p.org().id).await?.into_iter().find(|t| t.id == tid).ok_or_else(|| Error::internal("token vanished"))?;
    Ok((token, secret))
}

pub async fn revoke_api_token(ctx: &Context, p: &Principal, token_id: &str, request_id: Option<String>) -> Result<(), Error> {
    let mut tx = ctx.db().begin_write().await?;
    if !tx.revoke_api_token(&p.org().id, token_id).await? {
        tx.rollback().await?;
        return Err(Error::not_found("api token"));
    }
    let mut ev = NewAuditEvent::new(&p.actor(), "api_token.revoke", "api_token", token_id).request_id(request_id);
    ev.organisation = Some(p.org().id.clone());
    tx.audit(ev).await?;
    tx.commit().await?;
    Ok(())
}
