//! The comparison as an XLSX workbook: a header row of service names, then one row per item,
//! laid out for printing on A4 landscape with the header repeated.

use rust_xlsxwriter::{Color, DocProperties, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

/// Builds the workbook. Blocking work: call it from `spawn_blocking`.
pub fn workbook(sheet_name: &str, header: &[String], rows: &[(String, Vec<String>)]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(&DocProperties::new().set_title(sheet_name).set_author("Gureum"));
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(Color::RGB(0xD8E5FD))
        .set_border(FormatBorder::Thin);
    let label = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(Color::RGB(0xF4F5F6))
        .set_border(FormatBorder::Thin);
    let cell = Format::new().set_text_wrap().set_align(FormatAlign::Top).set_border(FormatBorder::Thin);
    let ws = wb.add_worksheet();
    // Sheet names are at most 31 characters and cannot hold []:*?/\.
    let name: String = sheet_name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    if !name.is_empty() {
        ws.set_name(name)?;
    }
    ws.set_landscape().set_print_fit_to_pages(1, 0);
    ws.set_column_width(0, 22)?;
    for (i, h) in header.iter().enumerate() {
        let col = u16::try_from(i).unwrap_or(u16::MAX);
        if i > 0 {
            ws.set_column_width(col, 40)?;
        }
        ws.write_string_with_format(0, col, h.as_str(), &head)?;
    }
    for (r, (l, cells)) in rows.iter().enumerate() {
        let row = u32::try_from(r + 1).unwrap_or(u32::MAX);
        ws.write_string_with_format(row, 0, l.as_str(), &label)?;
        for (c, v) in cells.iter().enumerate() {
            ws.write_string_with_format(row, u16::try_from(c + 1).unwrap_or(u16::MAX), v.as_str(), &cell)?;
        }
        let lines = cells.iter().map(|v| v.lines().count()).max().unwrap_or(1).max(1);
        ws.set_row_height(row, 15.0 * lines as f64 + 3.0)?;
    }
    ws.set_freeze_panes(1, 1)?;
    ws.set_repeat_rows(0, 0)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_zip_workbook() {
        let header = vec!["항목".to_owned(), "A (SAS-1-01-00001)".to_owned(), "B".to_owned()];
        let rows = vec![("가격".to_owned(), vec!["1,000원".to_owned(), "가격 문의\n둘째 줄".to_owned()])];
        let bytes = workbook("서비스 비교", &header, &rows).expect("workbook");
        assert!(bytes.starts_with(b"PK"), "an XLSX file is a zip archive");
        assert!(bytes.len() > 1000);
    }
}
