//! Secrets and passwords: random secrets (session and API tokens, CSRF tokens, links) stored only
//! as their SHA-256, and passwords hashed with argon2id off the async threads.

use crate::error::{Error, Result};
use gureum_domain::audit::sha256_hex;

/// Login tokens and session cookies start with this; API tokens with `gat_`.
pub const SESSION_PREFIX: &str = "gst_";
pub const API_TOKEN_PREFIX: &str = "gat_";

/// A fresh random secret: 32 bytes from the OS, hex-encoded, with a prefix.
pub fn new_secret(prefix: &str) -> Result<String> {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).map_err(|e| Error::internal(format!("no randomness: {e}")))?;
    let hex: String = buf.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{prefix}{hex}"))
}

/// Secrets are stored only as their SHA-256.
pub fn secret_hash(secret: &str) -> String {
    sha256_hex(secret.as_bytes())
}

/// argon2id with the crate's default (OWASP-recommended) parameters, off the async threads.
pub async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| Error::internal(format!("no randomness: {e}")))?;
        let salt = SaltString::encode_b64(&bytes).map_err(|e| Error::internal(e.to_string()))?;
        argon2::Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::internal(e.to_string()))
    })
    .await
    .map_err(Error::internal)?
}

pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::{PasswordHash, PasswordVerifier};
        PasswordHash::new(&hash).map(|h| argon2::Argon2::default().verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash to verify against when the e-mail is unknown, so both failures take the same time.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Wj1lB0xqQbmoy6l1hq8AUkt0q5JgS3Nx0kX4nEr7fAo";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_hash_and_verify() {
        let h = hash_password("gureum-demo".into()).await.expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("gureum-demo".into(), h.clone()).await);
        assert!(!verify_password("gureum-dem0".into(), h).await);
        assert!(!verify_password("x".into(), DUMMY_HASH.into()).await);
    }

    #[test]
    fn secrets_are_random_and_hashed() {
        let a = new_secret(SESSION_PREFIX).expect("secret");
        let b = new_secret(SESSION_PREFIX).expect("secret");
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 64);
        assert_ne!(secret_hash(&a), a);
    }
}
