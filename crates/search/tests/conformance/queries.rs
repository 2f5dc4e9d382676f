use jobboard_domain::postings::{Category, Contract, Employment, PayScheme, PostingKind};
use jobboard_search::query::{Dimension, GeoFilter, GradeFilter};
use jobboard_search::{SearchIndex, Sort};

use crate::engine::conformance;
use crate::fixtures::*;

async fn find(
    engine: &crate::engine::Engine,
    q: jobboard_search::SearchQuery,
) -> jobboard_search::SearchResults {
    engine.index.search(&q).await.unwrap()
}

conformance! {
    async fn only_postings_online_now_are_ever_returned(engine) {
        engine.load(postings()).await;
        let all = find(&engine, query("")).await;
        assert_eq!(all.total, 10);
        assert!(!ids(&all).contains(&11), "expired");
        assert!(!ids(&all).contains(&12), "published tomorrow");
        assert!(find(&engine, query("Hausmeister")).await.hits.is_empty());
        assert!(find(&engine, query("Kämmerer")).await.hits.is_empty());
    }

    async fn a_title_match_ranks_above_a_match_in_the_text(engine) {
        engine.load(postings()).await;
        let r = find(&engine, query("Bibliothek")).await;
        assert_eq!(ids(&r)[0], 8, "title 'Leitung Gemeindebibliothek' before text mention: {:?}", ids(&r));
        assert!(ids(&r).contains(&9), "the text mention is found too");
        assert_eq!(ids(&find(&engine, query("Straßenwärter")).await)[0], 4);
        assert_eq!(ids(&find(&engine, query("Bürgerbüro")).await)[0], 3);
    }

    async fn typos_are_tolerated(engine) {
        engine.load(postings()).await;
        assert!(ids(&find(&engine, query("Erziher")).await).contains(&1));
        assert!(ids(&find(&engine, query("Administartor")).await).contains(&7));
    }

    async fn german_word_forms_and_prefixes_are_found(engine) {
        engine.load(postings()).await;
        assert!(ids(&find(&engine, query("Erzieherin")).await).contains(&1), "feminine form");
        assert!(ids(&find(&engine, query("Verwaltung")).await).contains(&2), "Verwaltung → Verwaltungsfachangestellte");
    }

    async fn umlauts_and_sharp_s_match_their_transliterations(engine) {
        engine.load(postings()).await;
        let r = sorted(ids(&find(&engine, query("Grosspoesna")).await));
        assert!(r.contains(&3) && r.contains(&8), "{r:?}");
        assert_eq!(ids(&find(&engine, query("Strassenwaerter")).await).first(), Some(&4));
    }

    async fn synonyms_from_the_data_file_are_applied(engine) {
        engine.load(postings()).await;
        let fachkraft = ids(&find(&engine, query("pädagogische Fachkraft")).await);
        assert!(fachkraft.contains(&1) && fachkraft.contains(&6), "Erzieher ↔ pädagogische Fachkraft: {fachkraft:?}");
        assert!(ids(&find(&engine, query("Erzieher")).await).contains(&6));
        assert!(ids(&find(&engine, query("Bauhof")).await).contains(&5), "Bauhof ↔ Betriebshof");
        assert!(ids(&find(&engine, query("Kita")).await).contains(&9), "Kita ↔ Kindertagesstätte");
        assert!(ids(&find(&engine, query("Azubi")).await).contains(&2), "Azubi ↔ Ausbildung");
    }

    async fn each_filter_narrows_the_results(engine) {
        engine.load(postings()).await;
        let mut q = query("");
        q.kinds = vec![PostingKind::Apprenticeship, PostingKind::DualStudy];
        assert_eq!(sorted(ids(&find(&engine, q).await)), [2, 10]);

        let mut q = query("");
        q.municipalities = vec![BRANDIS.0];
        assert_eq!(sorted(ids(&find(&engine, q).await)), [2, 6], "shared offer appears under its partner");

        let mut q = query("");
        q.categories = vec![Category::KitaErziehung];
        assert_eq!(sorted(ids(&find(&engine, q).await)), [1, 6, 9]);

        let mut q = query("");
        q.employments = vec![Employment::PartTime, Employment::Either];
        assert_eq!(sorted(ids(&find(&engine, q).await)), [3, 6]);

        let mut q = query("");
        q.contracts = vec![Contract::FixedTermExtensionOption];
        assert_eq!(ids(&find(&engine, q).await), [7]);

        let mut q = query("");
        q.pay_schemes = vec![PayScheme::TvoedSueS];
        assert_eq!(sorted(ids(&find(&engine, q).await)), [1, 6]);

        let mut q = query("");
        let eg = PayScheme::TvoedVkaEg;
        q.grade = Some(GradeFilter { scheme: eg, from_rank: eg.grade_rank("8"), to_rank: eg.grade_rank("9a") });
        assert_eq!(sorted(ids(&find(&engine, q).await)), [3, 8], "ranges overlapping EG 8–9a");

        let mut q = query("");
        q.deadline_from = Some(deadline(45));
        assert_eq!(sorted(ids(&find(&engine, q).await)), [2, 7, 10]);

        let mut q = query("");
        q.published_within_days = Some(5);
        assert_eq!(sorted(ids(&find(&engine, q).await)), [1, 2, 3, 5, 8], "published 5 days ago is in, 7 days out");

        let mut q = query("Verwaltung");
        q.municipalities = vec![NAUNHOF.0];
        assert_eq!(sorted(ids(&find(&engine, q).await)), [2, 10], "text and filter combine");
    }

    async fn matching_finds_what_search_finds_with_ids_and_publication_only(engine) {
        engine.load(postings()).await;
        let mut asked = Vec::new();
        for text in ["", "Erziher", "Verwaltung", "Bibliothek", "Hausmeister", "Kämmerer"] {
            asked.push(query(text));
        }
        let mut q = query("");
        q.kinds = vec![PostingKind::Apprenticeship, PostingKind::DualStudy];
        asked.push(q);
        let mut q = query("Verwaltung");
        q.municipalities = vec![NAUNHOF.0];
        asked.push(q);
        let mut q = query("");
        q.published_within_days = Some(5);
        q.categories = vec![Category::KitaErziehung, Category::Verwaltung];
        asked.push(q);
        let mut q = query("");
        q.near = Some(GeoFilter { lat: NAUNHOF.2, lng: NAUNHOF.3, radius_km: Some(3.0) });
        asked.push(q);
        let answers = engine.index.matching(&asked, 100).await.unwrap();
        assert_eq!(answers.len(), asked.len(), "one answer per query, in order");
        for (q, found) in asked.iter().zip(&answers) {
            let mut all = q.clone();
            all.per_page = 100;
            let results = find(&engine, all).await;
            let expected: Vec<(i64, i64)> = results.hits.iter().map(|h| (h.id, h.published_ts)).collect();
            let got: Vec<(i64, i64)> = found.iter().map(|m| (m.id, m.published_ts)).collect();
            assert_eq!(sorted_pairs(got.clone()), sorted_pairs(expected), "{:?} {:?}", q.text, q.kinds);
            assert!(got.windows(2).all(|w| w[0].1 >= w[1].1), "newest first: {got:?}");
        }
        assert!(answers[4].is_empty() && answers[5].is_empty(), "expired and future postings are not matched");
        assert_eq!(answers[0].len(), 10);

        // The limit keeps the newest (without text every engine orders by publication alone).
        let newest = engine.index.matching(&[query("")], 3).await.unwrap();
        let ids: Vec<i64> = newest[0].iter().map(|m| m.id).collect();
        assert_eq!(ids, [2, 8, 1]);
        assert_eq!(engine.index.matching(&[query("")], 0).await.unwrap(), vec![Vec::new()]);
        assert!(engine.index.matching(&[], 10).await.unwrap().is_empty());

        // Many queries at once (several requests side by side on Meilisearch) keep their order.
        let texts = ["Erzieher", "Bibliothek", "Hausmeister", "Verwaltung"];
        let mut singles = Vec::new();
        for t in texts {
            singles.push(engine.index.matching(&[query(t)], 100).await.unwrap().remove(0));
        }
        let many: Vec<_> = (0..203).map(|i| query(texts[i % texts.len()])).collect();
        let answers = engine.index.matching(&many, 100).await.unwrap();
        assert_eq!(answers.len(), many.len());
        for (i, a) in answers.iter().enumerate() {
            assert_eq!(a, &singles[i % texts.len()], "answer {i}");
        }
        assert!(!singles[0].is_empty() && singles[2].is_empty());

        // What a mail shows of a posting, built from its document, is what a search shows of it.
        let mut all = query("");
        all.per_page = 100;
        let docs = postings();
        for mut hit in find(&engine, all).await.hits {
            let doc = docs.iter().find(|d| d.id == hit.id).unwrap().clone();
            let built = jobboard_search::Hit::from_document(doc);
            hit.title_html.clone_from(&built.title_html);
            assert_eq!(built, hit);
        }

        // A query the results page would refuse is refused here too, and nothing is answered.
        let mut bad = query("");
        bad.near = Some(GeoFilter { lat: 95.0, lng: 0.0, radius_km: Some(5.0) });
        assert!(engine.index.matching(&[query(""), bad], 10).await.is_err());
    }

    async fn geo_radius_and_distance_sort(engine) {
        engine.load(postings()).await;
        let mut q = query("");
        q.near = Some(GeoFilter { lat: NAUNHOF.2, lng: NAUNHOF.3, radius_km: Some(3.0) });
        assert_eq!(sorted(ids(&find(&engine, q).await)), [1, 10]);

        let mut q = query("");
        q.near = Some(GeoFilter { lat: MACHERN.2, lng: MACHERN.3, radius_km: None });
        q.sort = Sort::Distance;
        q.per_page = 10;
        let r = find(&engine, q).await;
        assert_eq!(r.total, 10);
        let distances: Vec<f64> = r.hits.iter().map(|h| h.distance_km.unwrap()).collect();
        assert!(distances.windows(2).all(|w| w[0] <= w[1] + 1e-6), "{distances:?}");
        assert!(distances[0] < 0.1, "Machern's own postings first: {distances:?}");
        assert_eq!(sorted(ids(&r)[..2].to_vec()), [4, 9]);
    }

    async fn sorting_by_newest_and_by_deadline(engine) {
        engine.load(postings()).await;
        let mut q = query("");
        q.sort = Sort::Newest;
        q.per_page = 10;
        assert_eq!(ids(&find(&engine, q.clone()).await), [2, 8, 1, 5, 3, 6, 9, 4, 10, 7]);
        q.sort = Sort::Deadline;
        assert_eq!(ids(&find(&engine, q).await), [3, 6, 4, 1, 5, 8, 9, 2, 10, 7]);
    }

    async fn pages_split_the_results_without_overlap(engine) {
        engine.load(postings()).await;
        let mut q = query("");
        q.sort = Sort::Newest;
        q.per_page = 4;
        let first = find(&engine, q.clone()).await;
        q.page = 3;
        let third = find(&engine, q.clone()).await;
        assert_eq!(first.total, 10);
        assert_eq!(third.total, 10);
        assert_eq!(ids(&first), [2, 8, 1, 5]);
        assert_eq!(ids(&third), [10, 7]);
        q.page = 4;
        assert!(find(&engine, q.clone()).await.hits.is_empty());
        q.page = 100_000;
        assert!(engine.index.search(&q).await.is_err(), "beyond the result window is refused");
    }

    async fn facet_counts_reflect_the_other_active_filters(engine) {
        engine.load(postings()).await;
        let r = find(&engine, query("")).await;
        assert_eq!(r.facets.count(Dimension::Kind, "job"), 7);
        assert_eq!(r.facets.count(Dimension::Kind, "apprenticeship"), 1);
        assert_eq!(r.facets.count(Dimension::Municipality, &NAUNHOF.0.to_string()), 3, "owner twice, partner once");
        assert_eq!(r.facets.count(Dimension::Category, "verwaltung"), 3);
        assert_eq!(r.facets.count(Dimension::PayScheme, "tvoed_vka_eg"), 5);

        let mut q = query("");
        q.kinds = vec![PostingKind::Job];
        q.categories = vec![Category::Verwaltung];
        let r = find(&engine, q).await;
        assert_eq!(ids(&r), [3]);
        // Kind counts ignore the kind filter but keep the category filter.
        assert_eq!(r.facets.count(Dimension::Kind, "job"), 1);
        assert_eq!(r.facets.count(Dimension::Kind, "apprenticeship"), 1);
        assert_eq!(r.facets.count(Dimension::Kind, "dual_study"), 1);
        // Category counts ignore the category filter but keep the kind filter.
        assert_eq!(r.facets.count(Dimension::Category, "verwaltung"), 1);
        assert_eq!(r.facets.count(Dimension::Category, "kita_erziehung"), 2);
        assert_eq!(r.facets.count(Dimension::Category, "bauhof_technik"), 2);
        // Other dimensions count the fully filtered result.
        assert_eq!(r.facets.count(Dimension::Employment, "part_time"), 1);
        assert_eq!(r.facets.count(Dimension::Employment, "full_time"), 0);
    }

    async fn matches_are_highlighted_and_html_is_escaped(engine) {
        let mut docs = postings();
        docs.push(Doc::new(20, "Koch <b>Mensa</b> & Küche (m/w/d)", BORSDORF).body("Frisches Essen für die Schulmensa.").0);
        engine.load(docs).await;
        let r = find(&engine, query("Straßenwärter")).await;
        assert!(r.hits[0].title_html.contains("<mark>"), "{}", r.hits[0].title_html);
        let r = find(&engine, query("Winterdienst")).await;
        assert_eq!(ids(&r), [4]);
        // A compound is marked whole on both engines (Meilisearch's German segmenter, which would
        // mark `Winter` and `dienst` apart, is not used; its backend also merges marks that touch).
        assert!(r.hits[0].snippet_html.contains("<mark>Winterdienst</mark>"), "{}", r.hits[0].snippet_html);
        let r = find(&engine, query("Mensa")).await;
        let hit = r.hits.iter().find(|h| h.id == 20).unwrap();
        assert!(!hit.title_html.contains("<b>"), "{}", hit.title_html);
        assert!(hit.title_html.contains("&lt;b&gt;") && hit.title_html.contains("&amp;"), "{}", hit.title_html);
        let plain = find(&engine, query("")).await;
        assert!(plain.hits.iter().all(|h| h.snippet_html.is_empty() && !h.title_html.contains("<mark>")));
    }
}

fn sorted_pairs(mut pairs: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    pairs.sort_unstable();
    pairs
}
