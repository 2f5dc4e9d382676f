//! The signed document of an agreement: an officer of a party uploads it as a PDF
//! (`multipart/form-data`; the guard has read and checked the form's first part, the CSRF
//! field), and the parties' officers download it. The upload is streamed to a temporary file
//! beside the documents and counted while it arrives, so a body larger than
//! [`MAX_BYTES`] is refused whatever its `Content-Length` said; the file is checked by its
//! content ([`check_pdf`]) and only then moved into place and recorded. Anything refused leaves
//! nothing behind. Everyone who is not a party gets "not found".

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use jobboard_domain::DomainError;
use jobboard_domain::cover::documents::{
    MAX_BYTES, PROBE_BYTES, attach_document, check_pdf, clean_name, path_of,
};
use jobboard_domain::postings::validation::ValidationErrors;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::agreements::{detail_page, load};
use crate::hr::PathId;
use crate::hr::notice::Notice;
use crate::hr::session::{Officer, multipart_boundary};
use crate::{AppError, AppResult, AppState};

/// The form field of the file.
pub const FIELD: &str = "document";
/// After the limit is passed, the rest of a body is still read (and thrown away) up to this
/// much, so the browser gets the German answer instead of a reset connection.
const DRAIN_BYTES: u64 = 64 * 1024 * 1024;

/// A file that arrived and passed the checks, in its temporary place (removed when dropped).
struct Received {
    temp: TempFile,
    name: String,
    sha256: String,
}

/// Removes the temporary file unless it was moved into place.
struct TempFile(Option<PathBuf>);

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

pub async fn upload_document(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    req: Request,
) -> AppResult<Response> {
    let view = load(&state, &officer, id).await?;
    let dir = state.hr.documents.clone();
    let mut errors = ValidationErrors::default();
    if view.agreement.ended_on.is_some() {
        errors.add(
            FIELD,
            "Eine beendete Vereinbarung kann nicht mehr geändert werden.",
        );
    } else {
        match receive(req, &dir).await {
            Ok(r) => store(&state, &officer, id, &dir, r, &mut errors).await?,
            Err(message) => errors.add(FIELD, message),
        }
    }
    if errors.is_empty() {
        return Ok(Notice::DocumentAttached.redirect(&format!("/verwaltung/vereinbarungen/{id}")));
    }
    let view = load(&state, &officer, id).await?;
    detail_page(
        &state,
        &officer,
        view,
        StatusCode::UNPROCESSABLE_ENTITY,
        String::new(),
        errors,
    )
    .await
}

/// Move the checked file into place and record it; the file it replaced goes.
async fn store(
    state: &AppState,
    officer: &Officer,
    id: i64,
    dir: &Path,
    mut r: Received,
    errors: &mut ValidationErrors,
) -> AppResult<()> {
    let target = path_of(dir, id, &r.sha256);
    let Some(temp) = r.temp.0.take() else {
        return Err(AppError::Internal("uploaded document vanished".into()));
    };
    if let Err(e) = tokio::fs::rename(&temp, &target).await {
        let _ = tokio::fs::remove_file(&temp).await;
        return Err(AppError::Internal(format!("cannot store document: {e}")));
    }
    let actor = officer.session.user.actor();
    let attached = attach_document(
        &state.db,
        id,
        officer.municipality_id,
        &r.name,
        &r.sha256,
        &actor,
        Utc::now(),
    )
    .await;
    match attached {
        Ok((_, replaced)) => {
            if let Some(old) = replaced {
                let _ = tokio::fs::remove_file(path_of(dir, id, &old)).await;
            }
            tracing::info!(agreement = id, sha256 = %r.sha256, "agreement document attached");
            Ok(())
        }
        Err(e) => {
            // Not recorded: the file must not stay (unless it is the one already recorded).
            let stored = jobboard_domain::cover::agreements::find_for(
                &state.db,
                id,
                officer.municipality_id,
            )
            .await?
            .and_then(|v| v.agreement.document_sha256);
            if stored.as_deref() != Some(r.sha256.as_str()) {
                let _ = tokio::fs::remove_file(&target).await;
            }
            match e {
                DomainError::Refused(why) => {
                    errors.add(FIELD, why);
                    Ok(())
                }
                e => Err(e.into()),
            }
        }
    }
}

/// Stream the `document` part of the multipart body into a temporary file under `dir`,
/// counting and hashing as it arrives; a German message for whatever is wrong.
async fn receive(req: Request, dir: &Path) -> Result<Received, String> {
    let missing = "Bitte wählen Sie die unterschriebene Vereinbarung als PDF-Datei aus.".to_owned();
    let Some(boundary) = multipart_boundary(req.headers()) else {
        return Err(missing);
    };
    let mut multipart = multer::Multipart::new(req.into_body().into_data_stream(), boundary);
    let too_large = format!(
        "Die Datei ist größer als {} MB. Bitte verkleinern Sie sie (z. B. geringere Auflösung beim Scannen).",
        MAX_BYTES / (1024 * 1024)
    );
    let broken =
        "Die Datei kam nicht vollständig an. Bitte versuchen Sie es noch einmal.".to_owned();
    let mut received = None;
    let mut outcome: Result<(), String> = Ok(());
    let mut total: u64 = 0;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                outcome = outcome.and(Err(broken.clone()));
                break;
            }
        };
        if field.name() != Some(FIELD) || received.is_some() || outcome.is_err() {
            // Other fields (the CSRF field) and anything after a refusal: read past them.
            continue;
        }
        let name = clean_name(field.file_name().unwrap_or_default());
        let mut field = field;
        match write_field(&mut field, dir, &mut total).await {
            Ok(Some((temp, head, tail, sha256))) => match check_pdf(&head, &tail) {
                Ok(()) => received = Some(Received { temp, name, sha256 }),
                // `temp` is dropped here: nothing stays.
                Err(message) => outcome = Err(message.to_owned()),
            },
            Ok(None) => outcome = Err(missing.clone()),
            Err(Refusal::TooLarge) => outcome = Err(too_large.clone()),
            Err(Refusal::Broken) => {
                outcome = Err(broken.clone());
                break;
            }
            Err(Refusal::Io(e)) => {
                tracing::error!(error = %e, "cannot write an uploaded document");
                outcome = Err(
                    "Die Datei konnte nicht gespeichert werden. Bitte versuchen Sie es später noch einmal."
                        .to_owned(),
                );
            }
        }
        if total > DRAIN_BYTES {
            break;
        }
    }
    // A refusal drops what was received, and with it its file.
    outcome?;
    received.ok_or(missing)
}

enum Refusal {
    TooLarge,
    Broken,
    Io(std::io::Error),
}

type Written = (TempFile, Vec<u8>, Vec<u8>, String);

/// The field's bytes into a new temporary file: its path, first and last bytes and SHA-256;
/// `None` for an empty field (no file chosen). Past [`MAX_BYTES`] nothing more is written and
/// the rest of the field is only read, up to the drain limit.
async fn write_field(
    field: &mut multer::Field<'_>,
    dir: &Path,
    total: &mut u64,
) -> Result<Option<Written>, Refusal> {
    tokio::fs::create_dir_all(dir).await.map_err(Refusal::Io)?;
    let temp = dir.join(format!(".upload-{:016x}.part", fastrand::u64(..)));
    let guard = TempFile(Some(temp.clone()));
    let mut file = tokio::fs::File::create(&temp).await.map_err(Refusal::Io)?;
    let mut size: u64 = 0;
    let mut head = Vec::with_capacity(PROBE_BYTES);
    let mut tail: Vec<u8> = Vec::with_capacity(2 * PROBE_BYTES);
    let mut hash = Sha256::new();
    let mut over = false;
    loop {
        let chunk = match field.chunk().await {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(_) => return Err(Refusal::Broken),
        };
        *total += chunk.len() as u64;
        size += chunk.len() as u64;
        if over || size > MAX_BYTES {
            over = true;
            if *total > DRAIN_BYTES {
                break;
            }
            continue;
        }
        if head.len() < PROBE_BYTES {
            let n = (PROBE_BYTES - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..n]);
        }
        tail.extend_from_slice(&chunk);
        if tail.len() > PROBE_BYTES {
            tail.drain(..tail.len() - PROBE_BYTES);
        }
        hash.update(&chunk);
        file.write_all(&chunk).await.map_err(Refusal::Io)?;
    }
    if over {
        return Err(Refusal::TooLarge);
    }
    if size == 0 {
        return Ok(None);
    }
    file.flush().await.map_err(Refusal::Io)?;
    file.sync_all().await.map_err(Refusal::Io)?;
    let sha256 = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok(Some((guard, head, tail, sha256)))
}

/// The signed document, for the parties' officers only, as a download.
pub async fn download_document(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
) -> AppResult<Response> {
    let view = load(&state, &officer, id).await?;
    let a = &view.agreement;
    let (Some(name), Some(sha256)) = (&a.document_name, &a.document_sha256) else {
        return Err(AppError::NotFound);
    };
    let path = path_of(&state.hr.documents, id, sha256);
    let bytes = match tokio::fs::read(&path).await {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            tracing::error!(agreement = id, path = %path.display(), "agreement document missing on disk");
            return Err(AppError::NotFound);
        }
        Err(e) => return Err(AppError::Internal(format!("cannot read document: {e}"))),
    };
    let mut response = (
        [(header::CONTENT_TYPE, "application/pdf")],
        Body::from(bytes),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&content_disposition(name)) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, v);
    }
    response.headers_mut().insert(
        header::HeaderName::from_static("x-content-type-options"),
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}

/// `attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266, RFC 8187).
fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_download_name_is_quoted_safely_and_in_utf8() {
        assert_eq!(
            content_disposition("Vereinbarung Bürgerbüro.pdf"),
            "attachment; filename=\"Vereinbarung B_rgerb_ro.pdf\"; filename*=UTF-8''Vereinbarung%20B%C3%BCrgerb%C3%BCro.pdf"
        );
    }
}
