//! A JSON body extractor whose every failure is a 400 with a code (never axum's 422).

use crate::error::{AppError, Code};
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| AppError::new(Code::InvalidBody, format!("the body could not be read: {e}")))?;
        serde_json::from_slice(&bytes).map(ApiJson).map_err(|e| {
            let code = if e.is_data() { Code::InvalidField } else { Code::InvalidBody };
            AppError::new(code, format!("the JSON body is not as expected: {e}"))
        })
    }
}
