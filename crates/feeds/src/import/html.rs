//! HTML read with html5ever's tokenizer (the parser ammonia already brings): the JSON-LD blocks
//! of a page, and the text of an HTML fragment for a posting's Markdown fields.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
    states::RawKind,
};

/// The contents of every `<script type="application/ld+json">` of a page.
pub fn json_ld_blocks(html: &str) -> Vec<String> {
    let sink = Collector::default();
    run(html, &sink);
    sink.blocks.into_inner()
}

/// The text of an HTML fragment as plain Markdown: paragraphs and line breaks kept, list items
/// as "- ", every tag and script dropped, character references decoded.
pub fn to_text(html: &str) -> String {
    if !html.contains('<') && !html.contains('&') {
        return html.trim().to_owned();
    }
    let sink = Collector {
        text_mode: true,
        ..Default::default()
    };
    run(html, &sink);
    let text = sink.text.into_inner();
    let mut out = String::new();
    let mut blank = 0;
    for line in text.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(&line);
    }
    out
}

fn run(html: &str, sink: &Collector) {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
}

#[derive(Default)]
struct Collector {
    text_mode: bool,
    /// Inside a JSON-LD script (collecting) or another raw-text element (skipping).
    in_raw: RefCell<Option<bool>>,
    current: RefCell<String>,
    blocks: RefCell<Vec<String>>,
    text: RefCell<String>,
}

impl TokenSink for &Collector {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            Token::TagToken(tag) => {
                let name: &str = &tag.name;
                if tag.kind == TagKind::EndTag {
                    if matches!(
                        name,
                        "script" | "style" | "template" | "noscript" | "textarea" | "title"
                    ) && let Some(collect) = self.in_raw.borrow_mut().take()
                        && collect
                    {
                        let block = std::mem::take(&mut *self.current.borrow_mut());
                        self.blocks.borrow_mut().push(block);
                    }
                    if matches!(
                        name,
                        "p" | "div"
                            | "ul"
                            | "ol"
                            | "h1"
                            | "h2"
                            | "h3"
                            | "h4"
                            | "section"
                            | "table"
                            | "tr"
                    ) {
                        self.text.borrow_mut().push_str("\n\n");
                    }
                    return TokenSinkResult::Continue;
                }
                match name {
                    "script" | "style" | "template" | "noscript" | "textarea" | "title" => {
                        let json_ld = name == "script"
                            && tag.attrs.iter().any(|a| {
                                &*a.name.local == "type"
                                    && a.value.trim().eq_ignore_ascii_case("application/ld+json")
                            });
                        *self.in_raw.borrow_mut() = Some(json_ld);
                        let kind = match name {
                            "script" => RawKind::ScriptData,
                            "style" | "noscript" => RawKind::Rawtext,
                            "textarea" | "title" => RawKind::Rcdata,
                            _ => return TokenSinkResult::Continue,
                        };
                        return TokenSinkResult::RawData(kind);
                    }
                    "br" => self.text.borrow_mut().push('\n'),
                    "li" => self.text.borrow_mut().push_str("\n- "),
                    "p" | "div" | "ul" | "ol" | "h1" | "h2" | "h3" | "h4" | "section" | "table"
                    | "tr" => {
                        self.text.borrow_mut().push_str("\n\n");
                    }
                    _ => {}
                }
            }
            Token::CharacterTokens(t) => match *self.in_raw.borrow() {
                Some(true) => self.current.borrow_mut().push_str(&t),
                Some(false) => {}
                None if self.text_mode => self.text.borrow_mut().push_str(&t),
                None => {}
            },
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_blocks_are_found_and_other_scripts_ignored() {
        let page = r#"<html><head><script>var x = "<script type='application/ld+json'>";</script>
            <script type="application/ld+json">{"@type":"JobPosting","title":"A < B"}</script></head>
            <body><p>Text</p></body></html>"#;
        assert_eq!(
            json_ld_blocks(page),
            [r#"{"@type":"JobPosting","title":"A < B"}"#]
        );
    }

    #[test]
    fn html_becomes_plain_markdown_text() {
        let html = "<p>Wir suchen&nbsp;Sie &amp; Ihr Team.</p><ul><li>Pass</li><li>Melde<b>wesen</b></li></ul><script>alert(1)</script>";
        assert_eq!(
            to_text(html),
            "Wir suchen Sie & Ihr Team.\n\n- Pass\n- Meldewesen"
        );
        assert_eq!(to_text("  schlicht  "), "schlicht");
    }
}
