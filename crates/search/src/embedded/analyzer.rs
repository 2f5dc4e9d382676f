//! German text analysis for the embedded engine: lower case, umlauts and ß written out the way
//! people type without them (ä→ae, ß→ss), feminine job titles reduced to the base form
//! ("Erzieherin" → "Erzieher"), then the Snowball German stemmer.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

pub const NAME: &str = "de";

pub fn german() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(GermanNorm)
        .filter(Stemmer::new(Language::German))
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

/// The analyzed tokens of a text.
pub fn tokens(text: &str) -> Vec<String> {
    // One analyzer per thread instead of one per query: building it boxes every filter.
    thread_local! {
        static ANALYZER: std::cell::RefCell<TextAnalyzer> = std::cell::RefCell::new(german());
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
    use super::tokens;

    #[test]
    fn forms_and_spellings_meet_in_one_token() {
        assert_eq!(tokens("Erzieherin"), tokens("Erzieher"));
        assert_eq!(tokens("Erzieherinnen"), tokens("Erzieher"));
        assert_eq!(tokens("Großpösna"), tokens("Grosspoesna"));
        assert_eq!(tokens("Straßenbau"), tokens("Strassenbau"));
        assert!(tokens("Verwaltungsfachangestellte")[0].starts_with(&tokens("Verwaltung")[0]));
    }
}
