//! The vocabularies of working together: stored as short codes, shown with German labels. A
//! new task area or requirement is a line here, not a schema change.

use sea_orm::entity::prelude::*;

use crate::postings::types::vocabulary;

vocabulary! {
    /// The tasks an agreement covers and a cover request asks for.
    TaskArea {
        Meldewesen = "meldewesen" => "Meldewesen",
        Standesamt = "standesamt" => "Standesamt",
        Buergerbuero = "buergerbuero" => "Bürgerbüro",
        Kasse = "kasse" => "Kasse",
        Bauhof = "bauhof" => "Bauhof",
        Kita = "kita" => "Kita",
        It = "it" => "IT",
        Sonstige = "sonstige" => "sonstige",
    }
}

vocabulary! {
    /// The legal form of an agreement.
    LegalForm {
        Zweckvereinbarung = "zweckvereinbarung" => "Zweckvereinbarung",
        Abordnung = "abordnung" => "Abordnung",
        Personalgestellung = "personalgestellung" => "Personalgestellung",
        Amtshilfe = "amtshilfe" => "Amtshilfe",
        Sonstige = "sonstige" => "sonstige",
    }
}

vocabulary! {
    /// Which part of each day cover is asked for.
    DayPart {
        Full = "full" => "ganztags",
        Morning = "morning" => "vormittags",
        Afternoon = "afternoon" => "nachmittags",
    }
}

vocabulary! {
    Urgency {
        Normal = "normal" => "normal",
        Urgent = "urgent" => "dringend",
        Immediate = "immediate" => "sofort",
    }
}

vocabulary! {
    /// Why cover is needed: a category only, never health details.
    CoverReason {
        Krankheit = "krankheit" => "Krankheit",
        Urlaub = "urlaub" => "Urlaub",
        Fortbildung = "fortbildung" => "Fortbildung",
        Vakanz = "vakanz" => "Vakanz",
    }
}

vocabulary! {
    /// What the person covering must be able to do (a checklist beside the free text).
    Requirement {
        Meldesoftware = "meldesoftware" => "Zugang Meldesoftware",
        Kassensoftware = "kassensoftware" => "Zugang Kassenverfahren",
        Personenstand = "personenstand" => "Personenstandsrecht (Urkundsperson)",
        FuehrerscheinB = "fuehrerschein_b" => "Führerschein Klasse B",
        FuehrerscheinC = "fuehrerschein_c" => "Führerschein Klasse C/CE",
        Motorsaege = "motorsaege" => "Motorsägenschein",
    }
}

vocabulary! {
    CoverStatus {
        Open = "open" => "offen",
        Covered = "covered" => "vergeben",
        Cancelled = "cancelled" => "abgesagt",
    }
}

vocabulary! {
    OfferStatus {
        Offered = "offered" => "angeboten",
        Accepted = "accepted" => "angenommen",
        Declined = "declined" => "nicht benötigt",
        Cancelled = "cancelled" => "zurückgezogen",
    }
}

vocabulary! {
    /// What a secret feed address of a municipality reads.
    FeedPurpose {
        Calendar = "calendar" => "Vertretungskalender",
        Internal = "internal" => "interne Stellen",
    }
}
