//! Secrets and passwords: random secrets (session and API tokens, CSRF tokens, links) stored only
//! as their SHA-256, and passwords hashed with argon2id off the async threads, behind a bound on
//! how many hashes run at once ([`HashGate`]).

use crate::error::{Code, Error, Result};
use gureum_domain::audit::sha256_hex;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

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

/// Compares two secrets without an early exit, so the time taken tells nothing about how much
/// of a guess was right (only the lengths, which are public).
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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

/// A bound on the argon2id hashes running at once. Each takes ~19 MiB and a core for tens of
/// milliseconds, so a flood of logins would otherwise queue without end and exhaust memory: a
/// hash waits a short while for one of the permits (2 × cores by default), then the request is
/// refused with 503 `busy` and `Retry-After`, before any attempt is counted against the account.
#[derive(Debug)]
pub struct HashGate {
    permits: Mutex<(Arc<Semaphore>, Duration)>,
}

/// How long a hash waits for a permit before the request is answered `busy`.
pub const HASH_WAIT: Duration = Duration::from_secs(1);

impl Default for HashGate {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Self::new(2 * cores, HASH_WAIT)
    }
}

/// The right to run one hash; hashes given it run while it is held.
#[derive(Debug)]
pub struct HashPermit(#[allow(dead_code)] OwnedSemaphorePermit);

impl HashGate {
    pub fn new(permits: usize, wait: Duration) -> Self {
        Self { permits: Mutex::new((Arc::new(Semaphore::new(permits.max(1))), wait)) }
    }

    /// Changes the bound (hashes already running keep their permits of the old one).
    pub fn configure(&self, permits: usize, wait: Duration) {
        *self.permits.lock().unwrap_or_else(|p| p.into_inner()) = (Arc::new(Semaphore::new(permits.max(1))), wait);
    }

    /// Waits a short while for a permit, else 503 `busy` with `retry_after`.
    pub async fn permit(&self) -> Result<HashPermit> {
        let (sem, wait) = self.permits.lock().unwrap_or_else(|p| p.into_inner()).clone();
        match tokio::time::timeout(wait, sem.acquire_owned()).await {
            Ok(Ok(p)) => Ok(HashPermit(p)),
            _ => {
                tracing::warn!("password hashing is saturated; answering busy");
                Err(Error::new(Code::Busy, "too many passwords are being checked right now; try again in a moment")
                    .with("retry_after", 1.into()))
            }
        }
    }

    /// Hashes a new password under a permit.
    pub async fn hash(&self, password: String) -> Result<String> {
        let permit = self.permit().await?;
        let h = hash_password(password).await;
        drop(permit);
        h
    }

    /// Checks a password under a permit.
    pub async fn verify(&self, password: String, hash: String) -> Result<bool> {
        let permit = self.permit().await?;
        Ok(verify_with(permit, password, hash).await)
    }
}

/// Checks a password with a permit taken earlier (so that the caller decides what happens
/// between taking it and hashing, e.g. counting the attempt).
pub async fn verify_with(permit: HashPermit, password: String, hash: String) -> bool {
    let ok = verify_password(password, hash).await;
    drop(permit);
    ok
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

    #[tokio::test]
    async fn the_gate_answers_busy_when_its_permits_are_held() {
        let gate = HashGate::new(1, Duration::from_millis(20));
        let held = gate.permit().await.expect("the one permit");
        let e = gate.verify("x".into(), DUMMY_HASH.into()).await.expect_err("busy");
        assert_eq!(e.code, Code::Busy);
        assert_eq!(e.details.and_then(|d| d.get("retry_after").cloned()), Some(1.into()));
        drop(held);
        assert_eq!(gate.verify("x".into(), DUMMY_HASH.into()).await, Ok(false));
        gate.configure(2, Duration::from_millis(20));
        let _a = gate.permit().await.expect("first");
        let _b = gate.permit().await.expect("second");
        assert!(gate.permit().await.is_err());
    }

    #[test]
    fn secrets_are_random_and_hashed() {
        let a = new_secret(SESSION_PREFIX).expect("secret");
        let b = new_secret(SESSION_PREFIX).expect("secret");
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 64);
        assert_ne!(secret_hash(&a), a);
        assert!(same_secret(&a, &a.clone()));
        assert!(!same_secret(&a, &b));
        assert!(!same_secret("abc", "abcd"));
    }
}
