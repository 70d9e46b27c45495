//! The content-addressed document store (docs/ARCHITECTURE.md): a file's name is its SHA-256, under the
//! data folder by default or a shared `--documents-dir` when several instances run.

use crate::{Db, Result, WriteTx};
use gureum_domain::audit::sha256_hex;
use sqlx::Row;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct DocumentStore {
    root: PathBuf,
}

impl DocumentStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn path_of(&self, sha: &str) -> PathBuf {
        self.root.join(&sha[..2.min(sha.len())]).join(sha)
    }

    /// Writes the bytes (once; the same content is stored once) and returns their SHA-256. The
    /// file is written beside its place and renamed, so a crash never leaves half a document.
    pub fn put(&self, bytes: &[u8]) -> std::io::Result<String> {
        let sha = sha256_hex(bytes);
        let path = self.path_of(&sha);
        if path.exists() {
            return Ok(sha);
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension(format!("tmp-{}", uuid::Uuid::new_v4().simple()));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &path)?;
        Ok(sha)
    }

    pub fn get(&self, sha: &str) -> std::io::Result<Vec<u8>> {
        if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(std::io::Error::new(std::io::ErrorKind::NotFound, "no such document"));
        }
        std::fs::read(self.path_of(sha))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

/// What a file is, judged by its content, never its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    Pdf,
    Png,
    Jpeg,
    Gif,
    Webp,
}

impl MediaKind {
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.starts_with(b"\xff\xd8\xff") {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(Self::Gif)
        } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else {
            None
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
        }
    }

    pub fn is_image(self) -> bool {
        !matches!(self, Self::Pdf)
    }
}

impl Db {
    pub async fn document_media_type(&self, sha: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT media_type FROM documents WHERE sha256 = $1").bind(sha).fetch_optional(&self.pool).await?;
        row.map(|r| Ok(r.try_get("media_type")?)).transpose()
    }
}

impl WriteTx {
    /// Records a stored document (once per content).
    pub async fn record_document(&mut self, sha: &str, size: i64, media_type: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO documents (sha256, size_bytes, media_type, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(sha)
        .bind(size)
        .bind(media_type)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_the_kind() {
        assert_eq!(MediaKind::sniff(b"%PDF-1.7\n..."), Some(MediaKind::Pdf));
        assert_eq!(MediaKind::sniff(b"\x89PNG\r\n\x1a\n...."), Some(MediaKind::Png));
        assert_eq!(MediaKind::sniff(b"\xff\xd8\xff\xe0"), Some(MediaKind::Jpeg));
        assert_eq!(MediaKind::sniff(b"PK\x03\x04 not a pdf.pdf"), None);
        assert_eq!(MediaKind::sniff(b""), None);
    }

    #[test]
    fn stores_by_content() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = DocumentStore::new(dir.path());
        let a = store.put(b"%PDF-1.4 hello").expect("put");
        let b = store.put(b"%PDF-1.4 hello").expect("put again");
        assert_eq!(a, b);
        assert_eq!(store.get(&a).expect("get"), b"%PDF-1.4 hello");
        assert!(store.get("../../etc/passwd").is_err());
    }
}
