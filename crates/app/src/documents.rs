//! Uploaded files: recognised by their content (never their name) and bounded in size.

use crate::error::{Code, Error};
use gureum_storage::MediaKind;

pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// Validates an uploaded file by its content and size.
pub fn check_upload(bytes: &[u8], allow_images: bool) -> Result<MediaKind, Error> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(Error::new(Code::FileTooLarge, "a file may be at most 20 MiB"));
    }
    match MediaKind::sniff(bytes) {
        Some(MediaKind::Pdf) => Ok(MediaKind::Pdf),
        Some(k) if allow_images => Ok(k),
        _ if allow_images => Err(Error::new(Code::InvalidFileType, "the file must be a PDF or an image (PNG, JPEG, GIF, WebP)")),
        _ => Err(Error::new(Code::InvalidFileType, "the file must be a PDF")),
    }
}

/// The last path segment of an uploaded file's name, without control characters, at most 200
/// characters; `document.pdf` when nothing is left.
pub fn clean_filename(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last.chars().filter(|c| !c.is_control() && *c != '"').take(200).collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() { "document.pdf".into() } else { cleaned }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames_are_cleaned() {
        assert_eq!(clean_filename("C:\\Users\\me\\정의서.pdf"), "정의서.pdf");
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename(""), "document.pdf");
        assert_eq!(clean_filename("a\"b\n.pdf"), "ab.pdf");
    }

    #[test]
    fn uploads_are_recognised_by_content() {
        assert!(check_upload(b"%PDF-1.7\n", false).is_ok());
        assert_eq!(check_upload(b"MZ not a pdf", false).err().map(|e| e.code), Some(Code::InvalidFileType));
        assert_eq!(check_upload(&vec![0u8; MAX_UPLOAD_BYTES + 1], true).err().map(|e| e.code), Some(Code::FileTooLarge));
    }
}
