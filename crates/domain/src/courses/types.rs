//! The vocabularies of a course: stored as short codes, shown with German labels.

use sea_orm::entity::prelude::*;

use crate::postings::types::vocabulary;

vocabulary! {
    /// The field of training.
    CourseCategory {
        Verwaltung = "verwaltung" => "Verwaltung",
        BauhofTechnik = "bauhof_technik" => "Bauhof/Technik",
        Feuerwehr = "feuerwehr" => "Feuerwehr",
        Digitales = "digitales" => "Digitales",
        Soziales = "soziales" => "Soziales",
        Sonstiges = "sonstiges" => "Sonstiges",
    }
}

vocabulary! {
    /// Where a course stands. `Full` is never stored: an open course whose seats are all taken
    /// shows as full (see [`super::effective_status`]), and so does `Closed` once the
    /// registration deadline has passed.
    CourseStatus {
        Draft = "draft" => "Entwurf",
        Open = "open" => "Anmeldung offen",
        Full = "full" => "ausgebucht – Warteliste",
        Closed = "closed" => "Anmeldung geschlossen",
        Cancelled = "cancelled" => "abgesagt",
        Held = "held" => "durchgeführt",
    }
}

vocabulary! {
    /// Where a registration stands.
    RegistrationStatus {
        Confirmed = "confirmed" => "Platz bestätigt",
        Waiting = "waiting" => "Warteliste",
        Cancelled = "cancelled" => "storniert",
    }
}
