//! The workspace's CSV downloads (course participants, the hours ledger) share one set of
//! rules: semicolon-separated, UTF-8 with BOM (so spreadsheet programs set to German open them
//! correctly), and text typed by people never becomes a formula.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::AppError;

/// A sheet being written.
pub struct Sheet(csv::Writer<Vec<u8>>);

impl Sheet {
    /// A sheet with the column heads `head`.
    pub fn new<S: AsRef<str>>(head: &[S]) -> Result<Self, AppError> {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(Vec::from("\u{feff}".as_bytes()));
        w.write_record(head.iter().map(AsRef::as_ref))
            .map_err(csv_error)?;
        Ok(Self(w))
    }

    /// One row; text typed by people goes through [`cell`] first.
    pub fn row<S: AsRef<str>>(&mut self, row: &[S]) -> Result<(), AppError> {
        self.0
            .write_record(row.iter().map(AsRef::as_ref))
            .map_err(csv_error)
    }

    /// The download, named `filename`.
    pub fn into_response(self, filename: &str) -> Result<Response, AppError> {
        let body = self
            .0
            .into_inner()
            .map_err(|e| csv_error(e.into_error().into()))?;
        Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{filename}\""),
                ),
            ],
            body,
        )
            .into_response())
    }
}

/// Text typed by people must not become a formula in a spreadsheet.
pub fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

fn csv_error(e: csv::Error) -> AppError {
    AppError::Internal(format!("CSV: {e}"))
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn formulas_are_defused_and_the_sheet_starts_with_a_bom() {
        assert_eq!(cell("=SUMME(A1)"), "'=SUMME(A1)");
        assert_eq!(cell("@foo"), "'@foo");
        assert_eq!(cell("Naunhof"), "Naunhof");
        let mut s = Sheet::new(&["A", "B"]).unwrap();
        s.row(&["1;2", "x"]).unwrap();
        let body = s.0.into_inner().unwrap();
        assert_eq!(String::from_utf8(body).unwrap(), "\u{feff}A;B\n\"1;2\";x\n");
    }
}
