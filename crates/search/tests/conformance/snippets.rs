//! What a result shows of its text: the whole title, and a snippet from the paragraph and
//! sentence that matched.

use jobboard_search::SearchIndex;

use crate::engine::conformance;
use crate::fixtures::*;

conformance! {
    async fn a_highlighted_title_is_shown_whole(engine) {
        engine.load(vec![
            Doc::new(30, "Erzieher im Hort (m/w/d)", NAUNHOF).0,
            Doc::new(31, "Sachbearbeiter Bürgerbüro (m/w/d) – Teilzeit!", BORSDORF).0,
        ]).await;
        let r = engine.index.search(&query("Erzieher")).await.unwrap();
        assert_eq!(ids(&r), [30]);
        assert_eq!(r.hits[0].title_html, "<mark>Erzieher</mark> im Hort (m/w/d)");
        let r = engine.index.search(&query("Bürgerbüro")).await.unwrap();
        assert_eq!(ids(&r), [31]);
        assert!(r.hits[0].title_html.ends_with("(m/w/d) – Teilzeit!"), "{}", r.hits[0].title_html);
    }

    async fn a_snippet_never_glues_paragraphs_together(engine) {
        engine.load(vec![
            Doc::new(32, "Mitarbeiter Bauhof (m/w/d)", BRANDIS)
                .body("Wir begrüßen Bewerbungen unabhängig von Herkunft\n\nSchwerbehinderte Bewerberinnen werden bei gleicher Eignung bevorzugt. Zu den Aufgaben gehört der Winterdienst auf Gehwegen. Ein Führerschein ist nötig.")
                .0,
        ]).await;
        let r = engine.index.search(&query("Winterdienst")).await.unwrap();
        assert_eq!(ids(&r), [32]);
        let snippet = &r.hits[0].snippet_html;
        assert!(snippet.contains("<mark>Winterdienst</mark>"), "{snippet}");
        assert!(!snippet.contains("Herkunft"), "text of another paragraph: {snippet}");
        assert!(snippet.starts_with("Zu den Aufgaben") || snippet.starts_with('…'), "starts mid-sentence: {snippet}");
    }
}
