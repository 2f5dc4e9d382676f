//! The controlled vocabularies of a posting: stored as short codes, shown with German labels.

use sea_orm::entity::prelude::*;

/// Declares a closed vocabulary stored as a text code, with its German label.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal => $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum,
            serde::Serialize, serde::Deserialize,
        )]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
        pub enum $name {
            $(
                #[sea_orm(string_value = $code)]
                #[serde(rename = $code)]
                $variant,
            )+
        }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stable code used in the database, URLs and the API.
            pub fn code(self) -> &'static str {
                match self { $(Self::$variant => $code),+ }
            }

            /// The German label shown to people.
            pub fn label(self) -> &'static str {
                match self { $(Self::$variant => $label),+ }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some(Self::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}
pub(crate) use vocabulary;

vocabulary! {
    /// What is offered.
    PostingKind {
        Job = "job" => "Stelle",
        Apprenticeship = "apprenticeship" => "Ausbildung",
        DualStudy = "dual_study" => "Duales Studium",
        Internship = "internship" => "Praktikum",
        VolunteerService = "volunteer_service" => "Freiwilligendienst",
    }
}

vocabulary! {
    Category {
        Verwaltung = "verwaltung" => "Verwaltung",
        BauhofTechnik = "bauhof_technik" => "Bauhof/Technik",
        KitaErziehung = "kita_erziehung" => "Kita/Erziehung",
        FeuerwehrOrdnung = "feuerwehr_ordnung" => "Feuerwehr/Ordnung",
        ItDigitales = "it_digitales" => "IT/Digitales",
        BibliothekKultur = "bibliothek_kultur" => "Bibliothek/Kultur",
        Soziales = "soziales" => "Soziales",
        Sonstiges = "sonstiges" => "Sonstiges",
    }
}

vocabulary! {
    Employment {
        FullTime = "full_time" => "Vollzeit",
        PartTime = "part_time" => "Teilzeit",
        Either = "either" => "Voll- oder Teilzeit",
    }
}

vocabulary! {
    Contract {
        Permanent = "permanent" => "unbefristet",
        FixedTerm = "fixed_term" => "befristet",
        FixedTermExtensionOption = "fixed_term_extension_option" => "befristet mit Option auf Verlängerung",
    }
}

impl Contract {
    pub fn is_fixed_term(self) -> bool {
        !matches!(self, Self::Permanent)
    }
}

vocabulary! {
    PayScheme {
        TvoedVkaEg = "tvoed_vka_eg" => "TVöD-VKA",
        TvoedSueS = "tvoed_sue_s" => "TVöD SuE",
        BesoldungA = "besoldung_a" => "Besoldung",
        Tvaoed = "tvaoed" => "TVAöD",
        Other = "other" => "sonstige Vergütung",
    }
}

impl PayScheme {
    /// The grades of the scheme in ascending order; `None` where grades are free text.
    pub fn grades(self) -> Option<&'static [&'static str]> {
        match self {
            Self::TvoedVkaEg => Some(&[
                "1", "2", "3", "4", "5", "6", "7", "8", "9a", "9b", "9c", "10", "11", "12", "13",
                "14", "15",
            ]),
            Self::TvoedSueS => Some(&[
                "2", "3", "4", "7", "8a", "8b", "9", "11a", "11b", "12", "13", "14", "15", "16",
                "17", "18",
            ]),
            Self::BesoldungA => Some(&[
                "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16",
            ]),
            // Trainee pay goes by year of training, not by grade.
            Self::Tvaoed => Some(&[]),
            Self::Other => None,
        }
    }

    /// Position of a grade in the scheme's order, `None` if the scheme has no such grade.
    pub fn grade_rank(self, grade: &str) -> Option<usize> {
        self.grades()?
            .iter()
            .position(|g| g.eq_ignore_ascii_case(grade))
    }

    /// "EG 9b", "S 8a", "A 13".
    pub fn grade_label(self, grade: &str) -> String {
        match self {
            Self::TvoedVkaEg => format!("EG {grade}"),
            Self::TvoedSueS => format!("S {grade}"),
            Self::BesoldungA => format!("A {grade}"),
            Self::Tvaoed | Self::Other => grade.to_owned(),
        }
    }
}

vocabulary! {
    PostingStatus {
        Draft = "draft" => "Entwurf",
        Scheduled = "scheduled" => "geplant",
        Published = "published" => "veröffentlicht",
        Expired = "expired" => "abgelaufen",
        Archived = "archived" => "archiviert",
    }
}
