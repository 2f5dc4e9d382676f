//! The signed document of an agreement over HTTP (issue 17): a party's officer uploads a PDF
//! (multipart, with the CSRF field read by the guard), the parties' officers download it as an
//! attachment, nobody else learns it exists; a file that is not a PDF or is larger than 10 MB
//! (also when the body's length is not announced or announced wrongly) is refused with a
//! German field error and nothing is stored.

use jobboard_domain::entities::agreement;
use jobboard_e2e::{TestApp, e2e_tests};
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::hr::{Hr, account, borsdorf_cover_ids, get_as, sign_in, snapshot};

const BOUNDARY: &str = "----partheland-upload-7f3a";

/// A small but well-formed PDF.
fn pdf(text: &str) -> Vec<u8> {
    format!(
        "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n% {text}\nxref\n0 3\n0000000000 65535 f \ntrailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n9\n%%EOF\n"
    )
    .into_bytes()
}

/// The multipart body of the upload form: the CSRF field first, as the page sends it.
fn multipart(csrf: &str, name: &str, content: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"document\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn upload(app: &TestApp, hr: &Hr, agreement: i64, body: Vec<u8>) -> reqwest::Response {
    app.client
        .post(format!(
            "{}/verwaltung/vereinbarungen/{agreement}/dokument",
            app.address
        ))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("origin", &app.address)
        .header("cookie", &hr.cookie)
        .body(body)
        .send()
        .await
        .unwrap()
}

/// The same upload over a raw connection with the given length header lines, the body sent
/// chunked: what a client that announces nothing or something false does. The status line.
async fn upload_raw(
    app: &TestApp,
    hr: &Hr,
    agreement: i64,
    length_headers: &str,
    body: &[u8],
) -> String {
    let host = app.address.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    let head = format!(
        "POST /verwaltung/vereinbarungen/{agreement}/dokument HTTP/1.1\r\nHost: {host}\r\nOrigin: {}\r\nCookie: {}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\n{length_headers}Connection: close\r\n\r\n",
        app.address, hr.cookie
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // Chunks of 64 KiB; the server may answer and stop reading before the end.
    for chunk in body.chunks(64 * 1024) {
        let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"].concat();
        if stream.write_all(&framed).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        stream.read_to_end(&mut answer),
    )
    .await;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    answer.lines().next().unwrap_or_default().to_owned()
}

/// The files in the documents directory.
fn stored_files(app: &TestApp) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(app.config.data_dir.join("dokumente"))
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

e2e_tests! {
    async fn a_party_uploads_the_signed_pdf_and_only_the_parties_download_it(app) {
        account(&app, "personal@borsdorf.de", Some("borsdorf")).await;
        account(&app, "personal@brandis.de", Some("brandis")).await;
        account(&app, "personal@naunhof.de", Some("naunhof")).await;
        let (id, _, _) = borsdorf_cover_ids(&app).await;
        let borsdorf = sign_in(&app, "personal@borsdorf.de").await;
        let brandis = sign_in(&app, "personal@brandis.de").await;
        let naunhof = sign_in(&app, "personal@naunhof.de").await;
        let page = get_as(&app, &borsdorf, &format!("/verwaltung/vereinbarungen/{id}")).await.text().await.unwrap();
        assert!(page.contains("enctype=\"multipart/form-data\"") && page.contains("noch kein unterschriebenes Dokument"));

        // Naunhof, not a party, can neither upload nor learn that a document exists.
        let before = snapshot(&app).await;
        assert_eq!(upload(&app, &naunhof, id, multipart(&naunhof.csrf, "x.pdf", &pdf("fremd"))).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(snapshot(&app).await, before);
        assert!(stored_files(&app).is_empty());

        // Without the CSRF field, or with a wrong one, the guard refuses before anything is read.
        let no_csrf = format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"document\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.7\r\n--{BOUNDARY}--\r\n").into_bytes();
        assert_eq!(upload(&app, &borsdorf, id, no_csrf).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(upload(&app, &borsdorf, id, multipart("falsch", "a.pdf", &pdf("x"))).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(snapshot(&app).await, before);

        // Brandis (a party, not the recorder) uploads the signed PDF.
        let signed = pdf("unterschrieben von Borsdorf und Brandis");
        let resp = upload(&app, &brandis, id, multipart(&brandis.csrf, "Vereinbarung Meldewesen (unterschrieben).pdf", &signed)).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{}", resp.text().await.unwrap());
        let a = agreement::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
        assert_eq!(a.document_name.as_deref(), Some("Vereinbarung Meldewesen (unterschrieben).pdf"));
        let sha = a.document_sha256.clone().unwrap();
        assert_eq!(sha.len(), 64);
        assert_eq!(stored_files(&app), [format!("vereinbarung-{id}-{sha}.pdf")]);
        let history: Vec<_> = jobboard_domain::audit::history(&app.db, jobboard_domain::audit::AuditEntity::Agreement, id).await.unwrap().into_iter().map(|e| e.action.code()).collect();
        assert_eq!(history.last().copied(), Some("document_attached"));

        // Both parties download it as an attachment; Naunhof and the public get nothing.
        for hr in [&borsdorf, &brandis] {
            let resp = get_as(&app, hr, &format!("/verwaltung/vereinbarungen/{id}/dokument.pdf")).await;
            assert_eq!(resp.status(), StatusCode::OK);
            assert_eq!(resp.headers()["content-type"], "application/pdf");
            let disposition = resp.headers()["content-disposition"].to_str().unwrap().to_owned();
            assert!(disposition.starts_with("attachment; filename=\"Vereinbarung Meldewesen _unterschrieben_.pdf\""), "{disposition}");
            assert_eq!(resp.headers()["cache-control"], "no-store");
            assert_eq!(resp.bytes().await.unwrap().as_ref(), signed.as_slice());
        }
        assert_eq!(get_as(&app, &naunhof, &format!("/verwaltung/vereinbarungen/{id}/dokument.pdf")).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.get(&format!("/verwaltung/vereinbarungen/{id}/dokument.pdf")).await.status(), StatusCode::SEE_OTHER);
        let detail = get_as(&app, &borsdorf, &format!("/verwaltung/vereinbarungen/{id}?hinweis=dokument")).await.text().await.unwrap();
        assert!(detail.contains("Vereinbarung Meldewesen (unterschrieben).pdf herunterladen") && detail.contains("ist hinterlegt"));

        // A new version replaces the old file.
        let second = pdf("zweite Fassung");
        assert_eq!(upload(&app, &borsdorf, id, multipart(&borsdorf.csrf, "fassung2.pdf", &second)).await.status(), StatusCode::SEE_OTHER);
        let a = agreement::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
        assert_eq!(stored_files(&app), [format!("vereinbarung-{id}-{}.pdf", a.document_sha256.unwrap())]);
    }

    async fn a_file_that_is_no_pdf_or_larger_than_10_mb_is_refused_and_nothing_is_stored(app) {
        account(&app, "personal@borsdorf.de", Some("borsdorf")).await;
        let (id, _, _) = borsdorf_cover_ids(&app).await;
        let hr = sign_in(&app, "personal@borsdorf.de").await;
        let before = snapshot(&app).await;

        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        let html_named_pdf = b"<html><body>%PDF-1.7</body></html>".to_vec();
        let mut cut = pdf("abgeschnitten");
        cut.truncate(cut.len() - 30);
        let cases: [(&str, Vec<u8>, &str); 4] = [
            ("bild.pdf", png, "kein PDF-Dokument"),
            ("seite.pdf", html_named_pdf, "kein PDF-Dokument"),
            ("kaputt.pdf", cut, "unvollständig oder beschädigt"),
            ("leer.pdf", Vec::new(), "Bitte wählen Sie die unterschriebene Vereinbarung"),
        ];
        for (name, content, message) in cases {
            let resp = upload(&app, &hr, id, multipart(&hr.csrf, name, &content)).await;
            assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
            let html = resp.text().await.unwrap();
            assert!(html.contains(message), "{name}: {html}");
            assert!(html.contains("id=\"e-document\"") && html.contains("href=\"#f-document\""), "error beside the field and in the summary");
        }
        // Not multipart at all.
        let resp = crate::hr::post(&app, Some(&hr), &format!("/verwaltung/vereinbarungen/{id}/dokument"), &[("csrf", &hr.csrf)], None).await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // 10 MB and one byte of an otherwise fine PDF: announced length, no length, a false one.
        let mut big = pdf("gross");
        let tail = big.split_off(20);
        big.resize(10 * 1024 * 1024 + 1 - tail.len(), b' ');
        big.extend_from_slice(&tail);
        assert_eq!(big.len(), 10 * 1024 * 1024 + 1);
        let resp = upload(&app, &hr, id, multipart(&hr.csrf, "gross.pdf", &big)).await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(resp.text().await.unwrap().contains("größer als 10 MB"));
        let status = upload_raw(&app, &hr, id, "Transfer-Encoding: chunked\r\n", &multipart(&hr.csrf, "gross.pdf", &big)).await;
        assert!(status.contains(" 422 "), "{status}");
        let status = upload_raw(&app, &hr, id, "Content-Length: 2000\r\nTransfer-Encoding: chunked\r\n", &multipart(&hr.csrf, "gross.pdf", &big)).await;
        assert!(status.contains(" 422 ") || status.contains(" 400 "), "{status}");
        assert_eq!(snapshot(&app).await, before, "nothing stored");
        assert!(stored_files(&app).is_empty(), "no file left: {:?}", stored_files(&app));

        // Exactly 10 MB is accepted.
        let mut fits = big;
        fits.drain(300..301);
        assert_eq!(fits.len(), 10 * 1024 * 1024);
        assert_eq!(upload(&app, &hr, id, multipart(&hr.csrf, "passt.pdf", &fits)).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(stored_files(&app).len(), 1);
    }
}
