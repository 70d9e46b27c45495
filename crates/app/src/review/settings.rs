//! The operator's review settings (`GET`/`PUT /api/v1/settings/review`): the required documents,
//! the quorum, how long a selection lasts, each step's target in business days.

use super::*;

const NAME: &str = "review";

/// The settings in force: the operator's, else the defaults.
pub async fn settings(ctx: &Context) -> Result<ReviewSettings, Error> {
    match ctx.db().setting(NAME).await? {
        Some(text) => serde_json::from_str(&text).map_err(Error::internal),
        None => Ok(ReviewSettings::default()),
    }
}

async fn settings_in(tx: &mut WriteTx) -> Result<ReviewSettings, Error> {
    match tx.setting(NAME).await? {
        Some(text) => serde_json::from_str(&text).map_err(Error::internal),
        None => Ok(ReviewSettings::default()),
    }
}

/// The settings as a write transaction sees them (a submission checks the documents with them).
pub(crate) async fn settings_for_write(tx: &mut WriteTx) -> Result<ReviewSettings, Error> {
    settings_in(tx).await
}

/// Reads a settings body: every field optional (the current value stays), unknown fields refused.
fn parse(body: &Value, current: &ReviewSettings) -> Result<ReviewSettings, Error> {
    let obj = body.as_object().ok_or_else(|| Error::new(Code::InvalidBody, "the body must be a JSON object"))?;
    let invalid = |m: String| Error::new(Code::InvalidField, m);
    let mut s = current.clone();
    for (k, v) in obj {
        match k.as_str() {
            "required_documents" => {
                let list = v.as_array().ok_or_else(|| invalid("required_documents: a list of document types".into()))?;
                s.required_documents = list
                    .iter()
                    .map(|d| d.as_str().map(str::to_owned).ok_or_else(|| invalid("required_documents: each is a text".into())))
                    .collect::<Result<_, _>>()?;
            }
            "quorum" | "selection_years" => {
                let n = v.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(|| invalid(format!("{k}: a whole number")))?;
                if k == "quorum" {
                    s.quorum = n;
                } else {
                    s.selection_years = n;
                }
            }
            "targets" => {
                let map = v.as_object().ok_or_else(|| invalid("targets: an object of business days per status".into()))?;
                for (step, days) in map {
                    let days =
                        days.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(|| invalid(format!("targets.{step}: a whole number")))?;
                    s.targets.insert(step.clone(), days);
                }
            }
            other => return Err(invalid(format!("{other}: not a review setting"))),
        }
    }
    s.validate().map_err(invalid)?;
    Ok(s)
}

/// The operator changes the settings; audited with before and after.
pub async fn put_settings(ctx: &Context, p: &Principal, body: &Value, rid: Option<String>) -> Result<ReviewSettings, Error> {
    p.require(crate::Rule::AnyRole(crate::actor::OPERATOR))?;
    let mut tx = ctx.db().begin_write().await?;
    let before = settings_in(&mut tx).await?;
    let after = parse(body, &before)?;
    let text = serde_json::to_string(&after).map_err(Error::internal)?;
    tx.put_setting(NAME, &text).await?;
    let to_json = |s: &ReviewSettings| serde_json::to_value(s).unwrap_or(Value::Null);
    audit(&mut tx, p, "settings.review", "settings", NAME, Some(to_json(&before)), to_json(&after), rid).await?;
    tx.commit().await?;
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_body_keeps_the_rest() {
        let cur = ReviewSettings::default();
        let s = parse(&json!({"quorum": 3, "targets": {"received": 7}}), &cur).expect("valid");
        assert_eq!(s.quorum, 3);
        assert_eq!(s.target(ApplicationStatus::Received), Some(7));
        assert_eq!(s.target(ApplicationStatus::InReview), Some(10));
        assert_eq!(s.required_documents, cur.required_documents);
    }

    #[test]
    fn bad_bodies_name_the_field() {
        let cur = ReviewSettings::default();
        for (body, field) in [
            (json!({"quorum": 0}), "quorum"),
            (json!({"quorum": "2"}), "quorum"),
            (json!({"selection_years": -1}), "selection_years"),
            (json!({"targets": {"selected": 3}}), "targets.selected"),
            (json!({"targets": []}), "targets"),
            (json!({"required_documents": ["Sla"]}), "required_documents[0]"),
            (json!({"required_documents": [1]}), "required_documents"),
            (json!({"colour": "blue"}), "colour"),
        ] {
            let e = parse(&body, &cur).expect_err("refused");
            assert_eq!(e.code, Code::InvalidField);
            assert!(e.message.starts_with(field), "{body}: {}", e.message);
        }
        assert_eq!(parse(&json!([]), &cur).expect_err("refused").code, Code::InvalidBody);
    }
}
