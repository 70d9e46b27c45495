//! Throttling of the doors anyone may knock on (SPEC §4 "Errors, limits and the OpenAPI
//! document"): log in, ask for or use a password reset link, accept an invitation, sign up,
//! invite. More than 20 attempts a minute from one client address, or more than 10 for one
//! e-mail, at one door, are refused with 429 `too_many_requests` and the seconds to wait.
//!
//! The count is kept in memory, per instance: several instances behind a balancer each allow
//! the limit (docs/OPERATIONS.md says so). Windows slide: an attempt counts for exactly one
//! window after it was made, by the injectable clock, so tests move time instead of sleeping.
//! Memory is bounded: windows that have passed are swept, and past `max_keys` the key used
//! least recently goes first.

use crate::error::{Code, Error};
use gureum_domain::account::Email;
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;

/// A throttled door; each counts its own attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Door {
    Login,
    ResetRequest,
    /// Setting a password through a one-time link (reset or invitation).
    UseLink,
    Signup,
    Invite,
}

impl Door {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::ResetRequest => "password_reset",
            Self::UseLink => "one_time_link",
            Self::Signup => "signup",
            Self::Invite => "invitation",
        }
    }
}

/// How many attempts a window allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Attempts one client address may make per window at one door.
    pub per_client: usize,
    /// Attempts for one e-mail per window at one door.
    pub per_email: usize,
    pub window_micros: i64,
    /// The most keys kept at once (each holds at most its limit's instants).
    pub max_keys: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { per_client: 20, per_email: 10, window_micros: 60 * 1_000_000, max_keys: 50_000 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Subject {
    Client(String),
    Email(String),
}

type Key = (Door, Subject);

/// The attempts of the last window, per door and client address or e-mail.
#[derive(Debug)]
pub struct Throttle {
    limits: Mutex<Limits>,
    windows: Mutex<Windows>,
}

#[derive(Debug, Default)]
struct Windows {
    /// Each key's attempts, oldest first.
    attempts: HashMap<Key, VecDeque<i64>>,
    calls_since_sweep: u32,
}

/// The key a request without a socket peer (a test through `oneshot`) is counted under.
const UNKNOWN_CLIENT: &str = "unknown";

/// An address as counted: IPv4 as it is; IPv6 by its /64, the block one subscriber usually
/// holds, so that walking through its addresses does not escape the limit.
fn client_key(addr: Option<IpAddr>) -> String {
    match addr.map(|a| a.to_canonical()) {
        None => UNKNOWN_CLIENT.to_owned(),
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

/// An e-mail as counted: its normal form when it parses, else the trimmed lower-case text
/// (bounded, so a huge value cannot grow the table).
fn email_key(email: &str) -> String {
    match Email::parse(email) {
        Some(e) => e.as_str().to_owned(),
        None => email.trim().to_lowercase().chars().take(320).collect(),
    }
}

impl Default for Throttle {
    fn default() -> Self {
        Self::new(Limits::default())
    }
}

impl Throttle {
    pub fn new(limits: Limits) -> Self {
        Self { limits: Mutex::new(limits), windows: Mutex::new(Windows::default()) }
    }

    pub fn limits(&self) -> Limits {
        *self.limits.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Changes the limits (tests that need many attempts from one place set them high).
    pub fn set_limits(&self, limits: Limits) {
        *self.limits.lock().unwrap_or_else(|p| p.into_inner()) = limits;
    }

    /// Counts an attempt at `door` from `client` (for `email`, when the door names one) at
    /// `now` (µs), or refuses it with 429 `too_many_requests` and `retry_after` (whole seconds)
    /// when either count is full. A refused attempt is not counted, so the wait it was told
    /// holds.
    pub fn attempt(&self, door: Door, client: Option<IpAddr>, email: Option<&str>, now: i64) -> Result<(), Error> {
        let limits = self.limits();
        let mut keys = vec![((door, Subject::Client(client_key(client))), limits.per_client)];
        if let Some(e) = email {
            keys.push(((door, Subject::Email(email_key(e))), limits.per_email));
        }
        let mut w = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let since = now - limits.window_micros;
        let mut wait_until = None::<i64>;
        for (key, limit) in &keys {
            if let Some(q) = w.attempts.get_mut(key) {
                while q.front().is_some_and(|t| *t <= since) {
                    q.pop_front();
                }
                if q.len() >= *limit {
                    // The oldest counted attempt leaves the window first.
                    let free_at = q.front().copied().unwrap_or(now) + limits.window_micros;
                    wait_until = Some(wait_until.map_or(free_at, |t| t.max(free_at)));
                }
            }
        }
        if let Some(until) = wait_until {
            let secs = ((until - now).max(0) + 999_999) / 1_000_000;
            let secs = secs.max(1);
            tracing::warn!(door = door.as_str(), retry_after = secs, "throttled");
            return Err(
                Error::new(Code::TooManyRequests, format!("too many attempts; try again in {secs} s")).with("retry_after", secs.into())
            );
        }
        w.calls_since_sweep += 1;
        if w.calls_since_sweep >= 1024 || w.attempts.len() >= limits.max_keys {
            w.calls_since_sweep = 0;
            w.attempts.retain(|_, q| q.back().is_some_and(|t| *t > since));
        }
        for (key, limit) in keys {
            if !w.attempts.contains_key(&key) && w.attempts.len() >= limits.max_keys {
                // Still full after the sweep (many addresses at once): the key used least
                // recently goes.
                if let Some(old) = w.attempts.iter().min_by_key(|(_, q)| q.back().copied().unwrap_or(i64::MIN)).map(|(k, _)| k.clone()) {
                    w.attempts.remove(&old);
                }
            }
            let q = w.attempts.entry(key).or_default();
            q.push_back(now);
            // Only the newest `limit` instants can decide anything.
            while q.len() > limit {
                q.pop_front();
            }
        }
        Ok(())
    }

    /// Keys currently held (for tests of the memory bound).
    pub fn keys(&self) -> usize {
        self.windows.lock().unwrap_or_else(|p| p.into_inner()).attempts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000;

    fn ip(s: &str) -> Option<IpAddr> {
        s.parse().ok()
    }

    #[test]
    fn twenty_a_minute_from_one_address() {
        let t = Throttle::default();
        for i in 0..20 {
            assert!(t.attempt(Door::Login, ip("10.0.0.1"), Some(&format!("p{i}@x.kr")), i * S).is_ok(), "{i}");
        }
        let e = t.attempt(Door::Login, ip("10.0.0.1"), Some("new@x.kr"), 30 * S).expect_err("21st");
        assert_eq!(e.code, Code::TooManyRequests);
        // the first attempt (at 0 s) leaves the window at 60 s: 30 s to wait
        assert_eq!(e.details.and_then(|d| d.get("retry_after").cloned()), Some(30.into()));
        assert!(t.attempt(Door::Login, ip("10.0.0.2"), Some("new@x.kr"), 30 * S).is_ok(), "another address");
        assert!(t.attempt(Door::Signup, ip("10.0.0.1"), None, 30 * S).is_ok(), "another door");
        assert!(t.attempt(Door::Login, ip("10.0.0.1"), Some("new@x.kr"), 60 * S + 1).is_ok(), "the window slid");
    }

    #[test]
    fn ten_a_minute_for_one_email_from_anywhere() {
        let t = Throttle::default();
        for i in 0..10 {
            assert!(t.attempt(Door::ResetRequest, ip(&format!("10.0.1.{i}")), Some("Kim@X.kr"), 0).is_ok());
        }
        let e = t.attempt(Door::ResetRequest, ip("10.0.2.1"), Some(" kim@x.kr "), 5 * S).expect_err("11th");
        assert_eq!(e.details.and_then(|d| d.get("retry_after").cloned()), Some(55.into()));
        // refusals are not counted: the wait told holds
        assert!(t.attempt(Door::ResetRequest, ip("10.0.2.1"), Some("kim@x.kr"), 60 * S + 1).is_ok());
    }

    #[test]
    fn ipv6_counts_by_its_64_block_and_no_address_by_one_key() {
        let t = Throttle::new(Limits { per_client: 2, ..Limits::default() });
        assert!(t.attempt(Door::Login, ip("2001:db8:1:2::1"), None, 0).is_ok());
        assert!(t.attempt(Door::Login, ip("2001:db8:1:2::ffff"), None, 0).is_ok());
        assert!(t.attempt(Door::Login, ip("2001:db8:1:2:abcd::9"), None, 0).is_err());
        assert!(t.attempt(Door::Login, ip("2001:db8:1:3::1"), None, 0).is_ok());
        assert!(t.attempt(Door::Login, None, None, 0).is_ok());
        assert!(t.attempt(Door::Login, None, None, 0).is_ok());
        assert!(t.attempt(Door::Login, None, None, 0).is_err(), "requests without a peer share one key");
        assert_eq!(client_key(ip("::ffff:10.1.2.3")), "10.1.2.3");
    }

    #[test]
    fn memory_stays_bounded() {
        let t = Throttle::new(Limits { max_keys: 100, ..Limits::default() });
        for i in 0..1_000u32 {
            let addr = IpAddr::from(i.to_be_bytes());
            assert!(t.attempt(Door::Login, Some(addr), None, i64::from(i)).is_ok());
        }
        assert!(t.keys() <= 100, "{} keys", t.keys());
        // old windows are swept once they have passed
        for i in 0..1_100u32 {
            t.attempt(Door::Signup, ip("10.9.9.9"), None, 120 * S + i64::from(i)).ok();
        }
        assert!(t.keys() <= 2, "{} keys", t.keys());
    }
}
