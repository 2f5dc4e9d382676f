//! The tantivy schema of the embedded index.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions,
};

use super::analyzer;
use crate::query::Dimension;

#[derive(Clone, Copy, Debug)]
pub struct Fields {
    pub id: Field,
    pub slug: Field,
    pub title: Field,
    pub classification: Field,
    pub places: Field,
    pub body: Field,
    pub kind: Field,
    pub municipality: Field,
    pub category: Field,
    pub employment: Field,
    pub contract: Field,
    pub pay_scheme: Field,
    pub grade_min: Field,
    pub grade_max: Field,
    pub deadline: Field,
    pub expires: Field,
    pub published: Field,
    pub lat: Field,
    pub lng: Field,
    pub weekly_hours: Field,
    pub pay_grade_from: Field,
    pub pay_grade_to: Field,
    pub pay_min: Field,
    pub pay_max: Field,
}

impl Fields {
    /// Searched fields with their weights: title highest, then classification, places, text.
    pub fn weighted_text(&self) -> [(Field, f32); 4] {
        [
            (self.title, 4.0),
            (self.classification, 2.0),
            (self.places, 1.5),
            (self.body, 1.0),
        ]
    }

    pub fn dimension(&self, d: Dimension) -> Field {
        match d {
            Dimension::Kind => self.kind,
            Dimension::Municipality => self.municipality,
            Dimension::Category => self.category,
            Dimension::Employment => self.employment,
            Dimension::Contract => self.contract,
            Dimension::PayScheme => self.pay_scheme,
        }
    }
}

pub fn build() -> (Schema, Fields) {
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(analyzer::NAME)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text = TextOptions::default().set_indexing_options(indexing);
    let stored_text = text.clone().set_stored();
    // Filter and facet fields are stored too: a hit carries what its result card shows.
    let facet = || INDEXED | FAST | STORED;
    let mut sb = Schema::builder();
    let fields = Fields {
        id: sb.add_i64_field("id", INDEXED | STORED | FAST),
        slug: sb.add_text_field("slug", STORED),
        title: sb.add_text_field("title", stored_text.clone()),
        classification: sb.add_text_field("classification", text.clone()),
        places: sb.add_text_field("places", text),
        body: sb.add_text_field("body", stored_text),
        kind: sb.add_u64_field("kind", facet()),
        municipality: sb.add_u64_field("municipality_ids", facet()),
        category: sb.add_u64_field("category", facet()),
        employment: sb.add_u64_field("employment", facet()),
        contract: sb.add_u64_field("contract", facet()),
        pay_scheme: sb.add_u64_field("pay_scheme", facet()),
        grade_min: sb.add_i64_field("grade_min", facet()),
        grade_max: sb.add_i64_field("grade_max", facet()),
        deadline: sb.add_i64_field("deadline", facet()),
        expires: sb.add_i64_field("expires", facet()),
        published: sb.add_i64_field("published", facet()),
        lat: sb.add_f64_field("lat", FAST),
        lng: sb.add_f64_field("lng", FAST),
        weekly_hours: sb.add_f64_field("weekly_hours", STORED),
        pay_grade_from: sb.add_text_field("pay_grade_from", STORED),
        pay_grade_to: sb.add_text_field("pay_grade_to", STORED),
        pay_min: sb.add_i64_field("pay_monthly_min_eur", STORED),
        pay_max: sb.add_i64_field("pay_monthly_max_eur", STORED),
    };
    (sb.build(), fields)
}
