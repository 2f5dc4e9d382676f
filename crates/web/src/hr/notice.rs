//! What a page says after an action (POST-redirect-GET): the action redirects with
//! `?hinweis=<code>`, the page shows the notice's text. Only these codes exist; anything else
//! in the address shows nothing, so no text can be smuggled in through the query.

use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    Saved,
    StatusChanged,
    SourceAdded,
    SourceEnabled,
    SourceDisabled,
    Harvested,
    HarvestUnchanged,
    HarvestFailed,
    HarvestBusy,
    SourceRemoved,
    SourceSwitchedOff,
    Registered,
    RegistrationCancelled,
    AttendanceSaved,
    Confirmed,
    Ended,
    RequestSent,
    Offered,
    Accepted,
    CoverCancelled,
    FeedRevoked,
    InternalFeedRevoked,
    DocumentAttached,
    Filled,
}

/// Every notice with its code in the address and its text: the one table of both.
const TABLE: [(Notice, &str, &str); 24] = [
    (Notice::Saved, "gespeichert", "Gespeichert."),
    (Notice::StatusChanged, "status", "Der Status ist geändert."),
    (
        Notice::SourceAdded,
        "angelegt",
        "Die Quelle ist angelegt. Sie wird beim nächsten regelmäßigen Abruf gelesen – oder jetzt, mit „Jetzt abrufen“.",
    ),
    (
        Notice::SourceEnabled,
        "aktiviert",
        "Die Quelle ist eingeschaltet und wird wieder regelmäßig abgerufen.",
    ),
    (
        Notice::SourceDisabled,
        "deaktiviert",
        "Die Quelle ist abgeschaltet. Ihre Anzeigen bleiben unverändert.",
    ),
    (
        Notice::Harvested,
        "abgerufen",
        "Die Quelle wurde abgerufen. Das Ergebnis steht unten.",
    ),
    (
        Notice::HarvestUnchanged,
        "unveraendert",
        "Die Quelle wurde abgerufen: seit dem letzten Abruf unverändert.",
    ),
    (
        Notice::HarvestFailed,
        "fehler",
        "Der Abruf ist fehlgeschlagen. Den Fehler finden Sie unten.",
    ),
    (
        Notice::HarvestBusy,
        "belegt",
        "Die Quelle wird gerade schon abgerufen (vom regelmäßigen Abruf oder einem anderen Aufruf). Bitte laden Sie die Seite gleich neu.",
    ),
    (
        Notice::SourceRemoved,
        "entfernt",
        "Die Quelle ist entfernt.",
    ),
    (
        Notice::SourceSwitchedOff,
        "abgeschaltet",
        "Aus der Quelle stammen Anzeigen; sie wurde deshalb nicht gelöscht, sondern abgeschaltet. Ihre Anzeigen bleiben unverändert.",
    ),
    (
        Notice::Registered,
        "angemeldet",
        "Die Anmeldung ist gespeichert; die Person wurde per E-Mail benachrichtigt.",
    ),
    (
        Notice::RegistrationCancelled,
        "storniert",
        "Die Anmeldung ist storniert. Ein frei gewordener Platz ging an die erste Person auf der Warteliste.",
    ),
    (
        Notice::AttendanceSaved,
        "anwesenheit",
        "Die Anwesenheit ist gespeichert.",
    ),
    (
        Notice::Confirmed,
        "bestaetigt",
        "Ihre Bestätigung ist gespeichert. Die Vereinbarung gilt, sobald alle beteiligten Kommunen bestätigt haben.",
    ),
    (
        Notice::Ended,
        "beendet",
        "Die Vereinbarung ist beendet; die anderen beteiligten Kommunen wurden per E-Mail informiert.",
    ),
    (
        Notice::RequestSent,
        "angefragt",
        "Die Anfrage ist gestellt; die Partnerkommunen wurden per E-Mail informiert.",
    ),
    (
        Notice::Offered,
        "angeboten",
        "Ihr Angebot ist gespeichert; die anfragende Kommune wurde per E-Mail informiert.",
    ),
    (
        Notice::Accepted,
        "angenommen",
        "Die Vertretung ist bestätigt; alle Kommunen mit einem Angebot wurden per E-Mail informiert.",
    ),
    (
        Notice::CoverCancelled,
        "abgesagt",
        "Die Absage ist gespeichert; die andere Seite wurde per E-Mail informiert.",
    ),
    (
        Notice::FeedRevoked,
        "widerrufen",
        "Die Kalenderadresse ist widerrufen; sie liefert keine Termine mehr.",
    ),
    (
        Notice::InternalFeedRevoked,
        "feed-widerrufen",
        "Die Feed-Adresse der internen Stellen ist widerrufen; sie liefert nichts mehr.",
    ),
    (
        Notice::DocumentAttached,
        "dokument",
        "Das unterschriebene Dokument ist hinterlegt. Es können nur die Personalstellen der beteiligten Kommunen herunterladen.",
    ),
    (
        Notice::Filled,
        "besetzt",
        "Die Anzeige ist als besetzt vermerkt und aus allen öffentlichen Listen genommen.",
    ),
];

impl Notice {
    fn row(self) -> (Notice, &'static str, &'static str) {
        TABLE
            .into_iter()
            .find(|(n, ..)| *n == self)
            .unwrap_or((self, "", ""))
    }

    /// The code in the address.
    pub fn code(self) -> &'static str {
        self.row().1
    }

    pub fn text(self) -> &'static str {
        self.row().2
    }

    pub fn from_code(code: &str) -> Option<Self> {
        TABLE
            .into_iter()
            .find(|(_, c, _)| *c == code)
            .map(|(n, ..)| n)
    }

    /// Back to `path` (without a query), where this notice is shown.
    pub fn redirect(self, path: &str) -> Response {
        Redirect::to(&format!("{path}?hinweis={}", self.code())).into_response()
    }
}

/// The `?hinweis=` of a page's address.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NoticeQuery {
    hinweis: String,
}

impl NoticeQuery {
    pub fn notice(&self) -> Option<Notice> {
        Notice::from_code(&self.hinweis)
    }

    /// The notice's text; "" for none or an unknown code.
    pub fn text(&self) -> &'static str {
        self.notice().map_or("", Notice::text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_notice_has_one_code_and_a_text_and_reads_back() {
        let mut codes: Vec<&str> = TABLE.iter().map(|(_, c, _)| *c).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), TABLE.len(), "codes are unique");
        // 14 rows of 14 different notices: every variant has its row.
        for (i, (n, ..)) in TABLE.iter().enumerate() {
            assert!(TABLE[..i].iter().all(|(m, ..)| m != n), "{n:?} twice");
        }
        for (n, code, text) in TABLE {
            assert_eq!(Notice::from_code(code), Some(n));
            assert_eq!(n.code(), code);
            assert!(!text.is_empty());
        }
        assert_eq!(Notice::from_code("<script>"), None);
    }
}
