//! CSV as the product writes it for download (RFC 4180, CRLF line ends): every field quoted,
//! and text a spreadsheet would run as a formula defused.

/// Quotes one CSV field (RFC 4180: always quoted, quotes doubled). A text that a spreadsheet
/// would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a
/// leading `'`, so opening the file never executes what someone typed.
pub fn csv_field(s: &str) -> String {
    let guard = matches!(s.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'));
    let mut out = String::with_capacity(s.len() + 3);
    out.push('"');
    if guard {
        out.push('\'');
    }
    for c in s.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Appends one CSV line of quoted fields.
pub fn csv_line(out: &mut String, fields: &[&str]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&csv_field(f));
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("plain"), "\"plain\"");
        assert_eq!(csv_field("a \"b\", c\nd"), "\"a \"\"b\"\", c\nd\"");
        assert_eq!(csv_field("=1+1"), "\"'=1+1\"");
        assert_eq!(csv_field("감사원"), "\"감사원\"");
        let mut line = String::new();
        csv_line(&mut line, &["1", ""]);
        assert_eq!(line, "\"1\",\"\"\r\n");
    }
}
