//! German text analysis for the embedded engine: lower case, umlauts and ß written out the way
//! people type without them (ä→ae, ß→ss), feminine job titles reduced to the base form
//! ("Erzieherin" → "Erzieher"), then the Snowball German stemmer.
//!
//! Stemming is most of the cost of analysing text, and the snippets of every results page analyse
//! the stored text of each hit again. The words of job postings repeat a lot, so each thread keeps
//! the stems it computed ([`CachedStemmer`]); the stems are exactly the stemmer's.

use std::cell::RefCell;
use std::collections::HashMap;

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer,
};

pub const NAME: &str = "de";

pub fn german() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(GermanNorm)
        .filter(CachedStemmer)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Words too common to require in a query ("Erzieher in Naunhof"); they still count when indexed.
pub fn is_query_stopword(token: &str) -> bool {
    token.chars().count() < 2
        || matches!(
            token,
            "der"
                | "die"
                | "das"
                | "und"
                | "in"
                | "im"
                | "am"
                | "an"
                | "auf"
                | "fur"
                | "fuer"
                | "mit"
                | "von"
                | "zu"
                | "zum"
                | "zur"
                | "bei"
                | "als"
                | "oder"
                | "ein"
                | "eine"
                | "einen"
                | "den"
                | "dem"
                | "des"
        )
}

#[derive(Clone, Copy, Debug)]
pub struct GermanNorm;

impl TokenFilter for GermanNorm {
    type Tokenizer<T: Tokenizer> = GermanNormFilter<T>;
    fn transform<T: Tokenizer>(self, tokenizer: T) -> GermanNormFilter<T> {
        GermanNormFilter(tokenizer)
    }
}

#[derive(Clone, Debug)]
pub struct GermanNormFilter<T>(T);

impl<T: Tokenizer> Tokenizer for GermanNormFilter<T> {
    type TokenStream<'a> = GermanNormStream<T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        GermanNormStream(self.0.token_stream(text))
    }
}

pub struct GermanNormStream<S>(S);

impl<S: TokenStream> TokenStream for GermanNormStream<S> {
    fn advance(&mut self) -> bool {
        if !self.0.advance() {
            return false;
        }
        let text = &mut self.0.token_mut().text;
        if text.contains(['ä', 'ö', 'ü', 'ß']) {
            *text = text
                .replace('ä', "ae")
                .replace('ö', "oe")
                .replace('ü', "ue")
                .replace('ß', "ss");
        }
        // Feminine forms: Erzieherin(nen) → Erzieher, Sachbearbeiterin → Sachbearbeiter.
        if text.len() > 8 && text.ends_with("erinnen") {
            text.truncate(text.len() - 5);
        } else if text.len() > 6 && text.ends_with("erin") {
            text.truncate(text.len() - 2);
        }
        true
    }
    fn token(&self) -> &Token {
        self.0.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
}

/// The Snowball German stemmer (as tantivy's `Stemmer::new(Language::German)`), with the stems
/// already computed on this thread looked up instead of computed again.
#[derive(Clone, Copy, Debug)]
pub struct CachedStemmer;

/// Distinct words a thread remembers; past that it starts afresh (a few MB at most).
const STEM_CACHE_MAX: usize = 50_000;

thread_local! {
    static STEMS: RefCell<StemCache> = RefCell::new(StemCache {
        stemmer: frostem::Stemmer::new(frostem::Algorithm::German),
        stems: HashMap::new(),
    });
}

struct StemCache {
    stemmer: frostem::Stemmer,
    stems: HashMap<Box<str>, Box<str>>,
}

/// Replace `word` by its stem.
fn stem_in_place(word: &mut String) {
    STEMS.with_borrow_mut(|cache| {
        if let Some(stem) = cache.stems.get(word.as_str()) {
            word.clear();
            word.push_str(stem);
            return;
        }
        let stem: Box<str> = cache.stemmer.stem(word).into();
        if cache.stems.len() >= STEM_CACHE_MAX {
            cache.stems.clear();
        }
        cache.stems.insert(word.as_str().into(), stem.clone());
        word.clear();
        word.push_str(&stem);
    });
}

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;
    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter(tokenizer)
    }
}

#[derive(Clone, Debug)]
pub struct CachedStemmerFilter<T>(T);

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream(self.0.token_stream(text))
    }
}

pub struct CachedStemmerStream<S>(S);

impl<S: TokenStream> TokenStream for CachedStemmerStream<S> {
    fn advance(&mut self) -> bool {
        if !self.0.advance() {
            return false;
        }
        stem_in_place(&mut self.0.token_mut().text);
        true
    }
    fn token(&self) -> &Token {
        self.0.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
}

/// The analyzed tokens of a text.
pub fn tokens(text: &str) -> Vec<String> {
    // One analyzer per thread instead of one per query: building it boxes every filter.
    thread_local! {
        static ANALYZER: RefCell<TextAnalyzer> = RefCell::new(german());
    }
    ANALYZER.with_borrow_mut(|analyzer| {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{Language, Stemmer};

    /// The cached stems are the stemmer's own, first time and every time after.
    #[test]
    fn cached_stems_are_the_stemmers() {
        let text = "Erzieherinnen und Erzieher für die Kindertagesstätten; Verwaltungsfachangestellte \
                    (m/w/d) im Bürgeramt, Straßenbau, Grünpflege, Hausmeisterin, Auszubildende, \
                    Sachbearbeitung Finanzen Haushalt Kämmerei Führungszeugnis Bewerbungen";
        let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(48))
            .filter(LowerCaser)
            .filter(GermanNorm)
            .filter(Stemmer::new(Language::German))
            .filter(AsciiFoldingFilter)
            .build();
        let mut expected = Vec::new();
        let mut stream = plain.token_stream(text);
        while stream.advance() {
            let t = stream.token();
            expected.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
        }
        assert!(expected.len() > 20);
        let mut cached = german();
        for _ in 0..3 {
            let mut got = Vec::new();
            let mut stream = cached.token_stream(text);
            while stream.advance() {
                let t = stream.token();
                got.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
            }
            assert_eq!(got, expected);
        }
    }

    #[test]
    fn forms_and_spellings_meet_in_one_token() {
        assert_eq!(tokens("Erzieherin"), tokens("Erzieher"));
        assert_eq!(tokens("Erzieherinnen"), tokens("Erzieher"));
        assert_eq!(tokens("Großpösna"), tokens("Grosspoesna"));
        assert_eq!(tokens("Straßenbau"), tokens("Strassenbau"));
        assert!(tokens("Verwaltungsfachangestellte")[0].starts_with(&tokens("Verwaltung")[0]));
    }
}
