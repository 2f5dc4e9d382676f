//! The index settings every index of this board has, and the fingerprint that tells whether the
//! live index was built with them.

use std::collections::HashMap;

use meilisearch_sdk::settings::{
    FacetingSettings, LocalizedAttributes, MinWordSizeForTypos, PaginationSetting, Settings,
    TypoToleranceSettings,
};

use crate::document::SCHEMA_VERSION;
use crate::query::MAX_RESULT_WINDOW;
use crate::synonyms;

/// The locale documents are cut into words with, and queries too, so both are always cut alike.
///
/// The texts are German, but they are declared as English on purpose: Meilisearch's German
/// segmenter cuts every word into parts of its dictionary, and that breaks two things the board
/// promises. A word the dictionary does not know, such as a typo („Erziher“), becomes fragments
/// („erz“ + „iher“) that get no typo tolerance, and a multi-word synonym („pädagogische
/// Fachkraft“) becomes more parts than Meilisearch looks up synonyms for (three). English selects
/// Meilisearch's plain Latin-script segmenter (cut at spaces and punctuation); normalization is
/// the same for every Latin-script locale (lower case, umlaut marks removed), so nothing else
/// changes. What this gives up, as the embedded engine does: a part of a compound is not found on
/// its own („Gärtner“ does not find „Friedhofsgärtner“; prefixes still do).
pub(super) const LOCALES: [&str; 1] = ["eng"];

/// Characters that separate words in addition to Meilisearch's own list, which leaves out the
/// mathematical symbols: without them „Koch <b>Mensa</b>“ (a title as an officer typed it) would
/// be one word `<b>mensa</b>`, and „Mensa“ would not find it. The embedded engine cuts at every
/// character that is not a letter or digit.
const SEPARATORS: [&str; 8] = ["<", ">", "=", "+", "|", "~", "^", "`"];

/// The settings every index of this board has. Changing them (or [`SCHEMA_VERSION`]) rebuilds.
pub(super) fn settings() -> Settings {
    settings_without_synonyms()
        .with_synonyms(synonyms::as_map().into_iter().collect::<HashMap<_, _>>())
}

fn settings_without_synonyms() -> Settings {
    Settings::new()
        .with_searchable_attributes(["title", "alt", "classification", "places", "body"])
        .with_filterable_attributes([
            "kind",
            "municipality_ids",
            "category",
            "employment",
            "contract",
            "pay_scheme",
            "grade_min_rank",
            "grade_max_rank",
            "deadline",
            "expires_ts",
            "published_ts",
            "_geo",
        ])
        .with_sortable_attributes(["published_ts", "deadline", "_geo"])
        .with_ranking_rules([
            "words",
            "typo",
            "proximity",
            "attribute",
            "sort",
            "exactness",
        ])
        .with_typo_tolerance(TypoToleranceSettings {
            enabled: Some(true),
            disable_on_attributes: Some(vec![]),
            disable_on_words: Some(vec![]),
            min_word_size_for_typos: Some(MinWordSizeForTypos {
                one_typo: Some(5),
                two_typos: Some(9),
            }),
            // Left unset (server default: typos allowed on numbers).
            disable_on_numbers: None,
        })
        .with_pagination(PaginationSetting {
            max_total_hits: MAX_RESULT_WINDOW as usize,
        })
        .with_faceting(FacetingSettings {
            max_values_per_facet: 200,
            sort_facet_values_by: None,
        })
        .with_separation_tokens(SEPARATORS)
        .with_localized_attributes(vec![LocalizedAttributes {
            locales: LOCALES.iter().map(|l| (*l).to_owned()).collect(),
            attribute_patterns: vec!["*".into()],
        }])
}

/// What the live index was built with, kept in a small companion index. Built from ordered
/// data only (the SDK keeps synonyms in a HashMap), so it is the same in every process.
pub(super) fn fingerprint() -> String {
    format!(
        "{SCHEMA_VERSION}:{}:{}",
        serde_json::to_string(&settings_without_synonyms()).unwrap_or_default(),
        serde_json::to_string(&synonyms::as_map()).unwrap_or_default()
    )
}
