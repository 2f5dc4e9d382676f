//! The signed document of an agreement: a PDF of at most [`MAX_BYTES`], checked by its
//! content, kept under the data directory (never served as a static file) by agreement and
//! checksum, and named in the agreement's row (`document_name`, `document_sha256`). Attaching
//! one is a change of the agreement through the pipeline, audited as
//! [`AuditAction::DocumentAttached`]; the web layer streams the upload and calls
//! [`attach_document`] only for a file that passed [`check_pdf`].

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, TransactionSession, TransactionTrait};

use super::Agreement;
use super::agreements::parties_of;
use crate::actor::Actor;
use crate::audit::AuditAction;
use crate::error::{DomainError, DomainResult};
use crate::record;

/// The largest document accepted: 10 MB.
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;
/// How much of the start and of the end of a file [`check_pdf`] looks at.
pub const PROBE_BYTES: usize = 1024;

/// Does the file look like a PDF? `head` is its first bytes, `tail` its last (up to
/// [`PROBE_BYTES`] each). Parse-light: the header `%PDF-1.x` or `%PDF-2.x` at the very start,
/// and near the end the cross-reference pointer (`startxref`) and the end marker (`%%EOF`)
/// that every PDF writer puts there. A German message says what is wrong.
pub fn check_pdf(head: &[u8], tail: &[u8]) -> Result<(), &'static str> {
    let version_ok = head.len() >= 8
        && head.starts_with(b"%PDF-")
        && matches!(head[5], b'1' | b'2')
        && head[6] == b'.'
        && head[7].is_ascii_digit();
    if !version_ok {
        return Err(
            "Die Datei ist kein PDF-Dokument. Bitte laden Sie die unterschriebene Vereinbarung als PDF hoch.",
        );
    }
    let contains = |needle: &[u8]| tail.windows(needle.len()).any(|w| w == needle);
    if !contains(b"%%EOF") || !contains(b"startxref") {
        return Err(
            "Die PDF-Datei ist unvollständig oder beschädigt. Bitte speichern Sie sie erneut als PDF und laden Sie sie noch einmal hoch.",
        );
    }
    Ok(())
}

/// The file name as shown and offered for download: the last path segment of what the
/// browser sent, without control characters, at most 200 characters, ending in `.pdf`.
pub fn clean_name(sent: &str) -> String {
    let base = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = crate::text::clean(base)
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(190)
        .collect();
    let cleaned = cleaned.trim();
    let stem = if cleaned.is_empty() {
        "vereinbarung"
    } else {
        cleaned
    };
    if stem.to_lowercase().ends_with(".pdf") {
        stem.to_owned()
    } else {
        format!("{stem}.pdf")
    }
}

/// Where the document of agreement `id` with checksum `sha256` lives under `dir`.
pub fn path_of(dir: &Path, id: i64, sha256: &str) -> PathBuf {
    // The checksum is hex from our own hashing; anything else never reaches a path.
    let safe: String = sha256.chars().filter(char::is_ascii_hexdigit).collect();
    dir.join(format!("vereinbarung-{id}-{safe}.pdf"))
}

/// Record `name` with checksum `sha256` as the signed document of agreement `id`, attached by
/// party `municipality_id`. Returns the agreement and the checksum of the document it
/// replaced, if any (its file can go). An ended agreement takes no document any more.
pub async fn attach_document<C>(
    db: &C,
    id: i64,
    municipality_id: i64,
    name: &str,
    sha256: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<(Agreement, Option<String>)>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let parties = parties_of(&txn, id).await?;
    if !parties.iter().any(|p| p.municipality_id == municipality_id) {
        return Err(DomainError::NotFound);
    }
    let current: Agreement = record::lock(&txn, id).await?;
    if current.ended_on.is_some() {
        return Err(DomainError::Refused(
            "Eine beendete Vereinbarung kann nicht mehr geändert werden.".into(),
        ));
    }
    let replaced = current.document_sha256.clone().filter(|old| old != sha256);
    let saved = record::change::<Agreement>(
        &txn,
        id,
        current.version,
        AuditAction::DocumentAttached,
        actor,
        now,
        |_, am| {
            am.document_name = Set(Some(name.to_owned()));
            am.document_sha256 = Set(Some(sha256.to_owned()));
            Ok(())
        },
    )
    .await?;
    txn.commit().await?;
    Ok((saved.row, replaced))
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\nxref\n0 1\ntrailer\n<< /Root 1 0 R >>\nstartxref\n9\n%%EOF\n";

    #[test]
    fn a_pdf_is_told_by_its_header_and_its_end() {
        assert_eq!(check_pdf(PDF, PDF), Ok(()));
        assert!(check_pdf(b"%PDF-2.0\n", b"startxref\n1\n%%EOF").is_ok());
        for head in [
            &b"PK\x03\x04 a zip"[..],
            b"<html>%PDF-1.7",
            b"%PDF-",
            b"%PDF-x.y\n",
            b"",
        ] {
            assert!(
                check_pdf(head, PDF).unwrap_err().contains("kein PDF"),
                "{head:?}"
            );
        }
        let cut = &PDF[..PDF.len() - 20];
        assert!(check_pdf(PDF, cut).unwrap_err().contains("unvollständig"));
    }

    #[test]
    fn names_are_the_last_segment_and_end_in_pdf() {
        assert_eq!(
            clean_name("C:\\Users\\x\\Vereinbarung Meldewesen.pdf"),
            "Vereinbarung Meldewesen.pdf"
        );
        assert_eq!(clean_name("../../etc/passwd"), "passwd.pdf");
        assert_eq!(clean_name("a\"b\u{7}.PDF"), "ab.PDF");
        assert_eq!(clean_name(""), "vereinbarung.pdf");
        assert!(clean_name(&"x".repeat(500)).chars().count() <= 194);
        let p = path_of(Path::new("/data/dokumente"), 7, "ab../cd");
        assert_eq!(p, Path::new("/data/dokumente/vereinbarung-7-abcd.pdf"));
    }
}
