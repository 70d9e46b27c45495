//! Where mail goes: the SMTP relay, its credentials and the sender, read from one URL.

use crate::MailError;
use std::fmt;

/// The sender every mail carries unless configured otherwise.
pub const DEFAULT_FROM: &str = "구름 Gureum <no-reply@gureum.kr>";

/// The SMTP relay the worker hands mails to.
///
/// Plain SMTP only for now: no STARTTLS and no implicit TLS, so the relay must be a trusted hop
/// (localhost, or a relay on the private network that does the TLS onward). Adding lettre's
/// `tokio1-rustls-tls` later is a feature flag and a `tls` field here, not a new design.
#[derive(Clone, PartialEq, Eq)]
pub struct MailConfig {
    pub smtp_host: String,
    pub smtp_port: u16,
    /// The `From:` mailbox, e.g. `구름 Gureum <no-reply@gureum.kr>`.
    pub from: String,
    pub username: Option<String>,
    pub password: Option<String>,
}

impl fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailConfig")
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("from", &self.from)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .finish()
    }
}

impl MailConfig {
    /// Reads `smtp://[user[:password]@]host[:port][/]` (port 25 when absent; user and password
    /// percent-decoded; an IPv6 host in brackets). The sender is [`DEFAULT_FROM`]; set `from` to
    /// change it.
    pub fn from_url(url: &str) -> Result<Self, MailError> {
        let bad = |why: &str| MailError::InvalidUrl(format!("{why} (expected smtp://[user[:password]@]host[:port])"));
        let rest = match url.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("smtp") => rest,
            Some((scheme, _)) => return Err(bad(&format!("unsupported scheme {scheme:?}: only plain smtp:// is supported"))),
            None => return Err(bad("no scheme")),
        };
        let (authority, tail) = match rest.find(['/', '?', '#']) {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if !tail.is_empty() && tail != "/" {
            return Err(bad("unexpected path or query"));
        }
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let (username, password) = match userinfo {
            None => (None, None),
            Some(u) => {
                let (user, pass) = match u.split_once(':') {
                    Some((user, pass)) => (user, Some(pass)),
                    None => (u, None),
                };
                let user = percent_decode(user).ok_or_else(|| bad("bad percent-encoding in the user"))?;
                let pass = pass.map(|p| percent_decode(p).ok_or_else(|| bad("bad percent-encoding in the password"))).transpose()?;
                (Some(user).filter(|u| !u.is_empty()), pass)
            }
        };
        let (host, port) = if let Some(inner) = hostport.strip_prefix('[') {
            let (host, after) = inner.split_once(']').ok_or_else(|| bad("unclosed [ in the host"))?;
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(':').ok_or_else(|| bad("junk after the IPv6 host"))?),
            };
            (host, port)
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (hostport, None),
            }
        };
        if host.is_empty() {
            return Err(bad("no host"));
        }
        let smtp_port = match port {
            None => 25,
            Some(p) => p.parse::<u16>().ok().filter(|p| *p != 0).ok_or_else(|| bad(&format!("bad port {p:?}")))?,
        };
        Ok(Self { smtp_host: host.to_owned(), smtp_port, from: DEFAULT_FROM.to_owned(), username, password })
    }
}

/// `%XX` → byte, the result read as UTF-8; `None` on a malformed escape or invalid UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_url() {
        let c = MailConfig::from_url("smtp://user:pass@mail.example.kr:2525").expect("valid URL");
        assert_eq!(c.smtp_host, "mail.example.kr");
        assert_eq!(c.smtp_port, 2525);
        assert_eq!(c.username.as_deref(), Some("user"));
        assert_eq!(c.password.as_deref(), Some("pass"));
        assert_eq!(c.from, DEFAULT_FROM);
    }

    #[test]
    fn host_only_defaults_to_port_25() {
        let c = MailConfig::from_url("smtp://127.0.0.1").expect("valid URL");
        assert_eq!((c.smtp_host.as_str(), c.smtp_port), ("127.0.0.1", 25));
        assert_eq!((c.username, c.password), (None, None));
        assert_eq!(MailConfig::from_url("SMTP://relay/").expect("valid URL").smtp_host, "relay");
    }

    #[test]
    fn percent_encoded_credentials_and_at_in_password() {
        let c = MailConfig::from_url("smtp://no-reply%40gureum.kr:p%3Ass@w0rd@relay:587").expect("valid URL");
        assert_eq!(c.username.as_deref(), Some("no-reply@gureum.kr"));
        assert_eq!(c.password.as_deref(), Some("p:ss@w0rd"));
        assert_eq!((c.smtp_host.as_str(), c.smtp_port), ("relay", 587));
    }

    #[test]
    fn user_without_password() {
        let c = MailConfig::from_url("smtp://user@relay").expect("valid URL");
        assert_eq!(c.username.as_deref(), Some("user"));
        assert_eq!(c.password, None);
    }

    #[test]
    fn ipv6_host() {
        let c = MailConfig::from_url("smtp://[::1]:1025").expect("valid URL");
        assert_eq!((c.smtp_host.as_str(), c.smtp_port), ("::1", 1025));
        assert_eq!(MailConfig::from_url("smtp://[::1]").expect("valid URL").smtp_port, 25);
    }

    #[test]
    fn rejects_what_it_cannot_honour() {
        for url in [
            "smtps://relay:465",
            "relay:25",
            "smtp://",
            "smtp://relay:0",
            "smtp://relay:99999",
            "smtp://relay:port",
            "smtp://relay/path",
            "smtp://relay?x=1",
            "smtp://u:%zz@relay",
            "smtp://[::1",
        ] {
            assert!(MailConfig::from_url(url).is_err(), "{url} should be refused");
        }
    }

    #[test]
    fn debug_hides_the_password() {
        let c = MailConfig::from_url("smtp://user:secret@relay").expect("valid URL");
        assert!(!format!("{c:?}").contains("secret"));
    }
}
