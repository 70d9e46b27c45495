//! A real, minimal SMTP server for tests: it listens on 127.0.0.1, accepts every sender and
//! recipient, keeps what it receives, and decodes the subject (RFC 2047) and the text body
//! (quoted-printable or base64) so tests can compare Korean text as written.
//!
//! Include with `#[path = "support/smtp_sink.rs"] mod smtp_sink;`.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One message as the sink received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    /// The envelope sender (`MAIL FROM`).
    pub from: String,
    /// The envelope recipients (`RCPT TO`).
    pub to: Vec<String>,
    /// The message as sent after `DATA`, dot-unstuffed, without the final `.` line.
    pub data: String,
    /// The `Subject:` header, unfolded and decoded.
    pub subject: String,
    /// The first text body, transfer-decoded, with `\r\n` turned into `\n`.
    pub body: String,
}

impl ReceivedMail {
    /// The value of a header (the first of that name), unfolded, not decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        let (head, _) = split_head(&self.data);
        header_value(&head, name)
    }
}

pub struct SmtpSink {
    port: u16,
    messages: Arc<Mutex<Vec<ReceivedMail>>>,
    accept: JoinHandle<()>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

impl SmtpSink {
    /// Listens on a free port of 127.0.0.1 and serves every connection until dropped.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the SMTP sink");
        let port = listener.local_addr().expect("sink address").port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let store = messages.clone();
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    // A client that hangs up mid-session is its own business.
                    let _ = serve(stream, store).await;
                });
            }
        });
        Self { port, messages, accept }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Everything received so far, in order of arrival.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.messages.lock().expect("sink store").clone()
    }

    /// The first received message matching `pred`, waiting up to `timeout` for it.
    pub async fn wait_for(&self, pred: impl Fn(&ReceivedMail) -> bool, timeout: Duration) -> Option<ReceivedMail> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(m) = self.messages().into_iter().find(|m| pred(m)) {
                return Some(m);
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// One SMTP session (RFC 5321, the commands a client like lettre uses).
async fn serve(stream: TcpStream, store: Arc<Mutex<Vec<ReceivedMail>>>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP Gureum test sink\r\n").await?;
    let mut from = String::new();
    let mut to: Vec<String> = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if read.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&line);
        let cmd = text.trim_end_matches(['\r', '\n']);
        let verb = cmd.split([' ', ':']).next().unwrap_or("").to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-sink.test\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-AUTH PLAIN LOGIN\r\n250 HELP\r\n",
            "HELO" => b"250 sink.test\r\n",
            "MAIL" => {
                from = angle_addr(cmd);
                to.clear();
                b"250 2.1.0 OK\r\n"
            }
            "RCPT" => {
                to.push(angle_addr(cmd));
                b"250 2.1.5 OK\r\n"
            }
            "DATA" => {
                write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
                let mut data = Vec::new();
                loop {
                    line.clear();
                    if read.read_until(b'\n', &mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == b".\r\n" || line == b".\n" {
                        break;
                    }
                    // Dot-unstuffing: a leading dot was doubled by the client.
                    data.extend_from_slice(if line.starts_with(b".") { &line[1..] } else { &line });
                }
                // The CRLF before the final dot belongs to the terminator.
                if data.ends_with(b"\r\n") {
                    data.truncate(data.len() - 2);
                }
                let mail = parse_mail(std::mem::take(&mut from), std::mem::take(&mut to), String::from_utf8_lossy(&data).into_owned());
                store.lock().expect("sink store").push(mail);
                b"250 2.0.0 OK queued\r\n"
            }
            "AUTH" => {
                // Any credentials do; a mechanism without an initial response gets its prompts.
                let mut args = cmd.split_whitespace().skip(1);
                let mech = args.next().unwrap_or("").to_ascii_uppercase();
                let initial = args.next().is_some();
                let prompts: &[&[u8]] = match (mech.as_str(), initial) {
                    ("PLAIN", false) => &[b"334 \r\n"],
                    ("LOGIN", false) => &[b"334 VXNlcm5hbWU6\r\n", b"334 UGFzc3dvcmQ6\r\n"],
                    ("LOGIN", true) => &[b"334 UGFzc3dvcmQ6\r\n"],
                    _ => &[],
                };
                for prompt in prompts {
                    write.write_all(prompt).await?;
                    line.clear();
                    if read.read_until(b'\n', &mut line).await? == 0 {
                        return Ok(());
                    }
                }
                b"235 2.7.0 Authentication successful\r\n"
            }
            "RSET" => {
                from.clear();
                to.clear();
                b"250 2.0.0 OK\r\n"
            }
            "NOOP" => b"250 2.0.0 OK\r\n",
            "VRFY" => b"252 2.0.0 Cannot verify, will accept\r\n",
            "QUIT" => {
                write.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 5.5.2 Command not implemented\r\n",
        };
        write.write_all(reply).await?;
    }
}

/// The address inside `<…>` of `MAIL FROM:<a> …` / `RCPT TO:<a>`, else what follows the colon.
fn angle_addr(cmd: &str) -> String {
    match (cmd.find('<'), cmd.find('>')) {
        (Some(a), Some(b)) if a < b => cmd[a + 1..b].to_owned(),
        _ => cmd.split_once(':').map(|(_, r)| r.trim().to_owned()).unwrap_or_default(),
    }
}

fn parse_mail(from: String, to: Vec<String>, data: String) -> ReceivedMail {
    let (head, body) = split_head(&data);
    let subject = header_value(&head, "subject").map(|s| decode_rfc2047(&s)).unwrap_or_default();
    let body = text_body(&head, &body).replace("\r\n", "\n");
    ReceivedMail { from, to, data, subject, body }
}

/// Splits an entity at its first empty line into the header block and the body.
fn split_head(entity: &str) -> (String, String) {
    for sep in ["\r\n\r\n", "\n\n"] {
        if let Some(i) = entity.find(sep) {
            return (entity[..i].to_owned(), entity[i + sep.len()..].to_owned());
        }
    }
    (entity.to_owned(), String::new())
}

/// The first header of that name (case-insensitive), with folded lines joined.
fn header_value(head: &str, name: &str) -> Option<String> {
    let mut found: Option<String> = None;
    for line in head.split('\n').map(|l| l.trim_end_matches('\r')) {
        if line.starts_with([' ', '\t']) {
            if let Some(v) = found.as_mut() {
                // Unfolding removes the CRLF only; the whitespace stays.
                v.push_str(line);
            }
            continue;
        }
        if found.is_some() {
            break;
        }
        if let Some((n, v)) = line.split_once(':')
            && n.trim().eq_ignore_ascii_case(name)
        {
            found = Some(v.trim_start().to_owned());
        }
    }
    found.map(|v| v.trim_end().to_owned())
}

/// A header parameter such as `boundary` or `charset` (quoted or not).
fn header_param(value: &str, param: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case(param).then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// The first `text/plain` (else first text) body of an entity, transfer-decoded; multiparts
/// are searched part by part.
fn text_body(head: &str, body: &str) -> String {
    let content_type = header_value(head, "content-type").unwrap_or_else(|| "text/plain".into());
    if content_type.to_ascii_lowercase().starts_with("multipart/") {
        if let Some(boundary) = header_param(&content_type, "boundary") {
            let delimiter = format!("--{boundary}");
            let parts: Vec<(String, String)> = body
                .split(delimiter.as_str())
                .skip(1)
                .take_while(|p| !p.starts_with("--"))
                .map(|p| split_head(p.trim_start_matches(['\r', '\n'])))
                .collect();
            let is_plain = |(h, _): &&(String, String)| {
                header_value(h, "content-type").map(|c| c.to_ascii_lowercase().starts_with("text/plain")).unwrap_or(true)
            };
            if let Some((h, b)) = parts.iter().find(is_plain).or(parts.first()) {
                let b = b.strip_suffix("\r\n").or(b.strip_suffix('\n')).unwrap_or(b);
                return text_body(h, b);
            }
        }
        return String::new();
    }
    let encoding = header_value(head, "content-transfer-encoding").unwrap_or_default().to_ascii_lowercase();
    let bytes = match encoding.as_str() {
        "base64" => decode_base64(body).unwrap_or_else(|| body.as_bytes().to_vec()),
        "quoted-printable" => decode_quoted_printable(body, false),
        _ => body.as_bytes().to_vec(),
    };
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Decodes RFC 2047 encoded words (`=?charset?B|Q?text?=`, UTF-8 or ASCII charsets); the
/// whitespace between two adjacent encoded words is dropped, all other text kept.
pub fn decode_rfc2047(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut pending_space = String::new();
    let mut after_word = false;
    while !rest.is_empty() {
        if let Some((decoded, consumed)) = encoded_word(rest) {
            if !after_word {
                out.push_str(&pending_space);
            }
            pending_space.clear();
            out.push_str(&decoded);
            rest = &rest[consumed..];
            after_word = true;
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        if c == ' ' || c == '\t' {
            pending_space.push(c);
        } else {
            out.push_str(&pending_space);
            pending_space.clear();
            out.push(c);
            after_word = false;
        }
        rest = &rest[c.len_utf8()..];
    }
    out.push_str(&pending_space);
    out
}

/// An encoded word at the start of `s`: its text and how many bytes it took.
fn encoded_word(s: &str) -> Option<(String, usize)> {
    let inner = s.strip_prefix("=?")?;
    let (charset, rest) = inner.split_once('?')?;
    let (enc, rest) = rest.split_once('?')?;
    let end = rest.find("?=")?;
    let text = &rest[..end];
    if text.contains([' ', '\t']) || enc.len() != 1 {
        return None;
    }
    let charset = charset.split('*').next().unwrap_or("").to_ascii_lowercase();
    if !matches!(charset.as_str(), "utf-8" | "utf8" | "us-ascii") {
        return None;
    }
    let bytes = match enc.to_ascii_uppercase().as_str() {
        "B" => decode_base64(text)?,
        "Q" => decode_quoted_printable(text, true),
        _ => return None,
    };
    // `rest` is a tail of `s`: the word ends with the `?=` after the text.
    let consumed = s.len() - rest.len() + end + 2;
    Some((String::from_utf8_lossy(&bytes).into_owned(), consumed))
}

/// Quoted-printable (RFC 2045 §6.7); in the RFC 2047 `Q` form `_` is a space.
pub fn decode_quoted_printable(s: &str, q_word: bool) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'=' if b[i + 1..].starts_with(b"\r\n") => i += 3,
            b'=' if b[i + 1..].starts_with(b"\n") => i += 2,
            b'=' => match s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(byte) => {
                    out.push(byte);
                    i += 3;
                }
                None => {
                    out.push(b'=');
                    i += 1;
                }
            },
            b'_' if q_word => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Standard base64 with padding optional; whitespace (line breaks) ignored. `None` on any
/// other character outside the alphabet.
pub fn decode_base64(s: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter(|c| !c.is_ascii_whitespace()) {
        if c == b'=' {
            break;
        }
        acc = (acc << 6) | value(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}
