//! Fuzzing the Markdown rendering and sanitising (see `jobboard_domain::testing::fuzz` for the
//! budget): whatever an officer or a feed writes, the HTML that comes out carries no script,
//! style, embedded content, event handler or link outside http(s), mailto and tel, and every
//! link has its safe `rel`. The output is read back with html5ever's tokenizer, as a browser
//! would start reading it.

#![expect(clippy::unwrap_used, reason = "tests")]

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use jobboard_domain::markdown;
use jobboard_domain::testing::fuzz::{
    fuzz,
    proptest::prelude::*,
    proptest::test_runner::{TestCaseError, TestCaseResult},
};

/// Pieces of Markdown and HTML that sanitisers have got wrong somewhere, to be combined at
/// random with each other and with arbitrary text.
const PIECES: &[&str] = &[
    "<script>",
    "</script>",
    "<SCRIPT SRC=//x.example/a.js>",
    "<scr<script>ipt>",
    "<style>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<math>",
    "<iframe src=",
    "<object",
    "<embed",
    "<a href=\"",
    "<a href='",
    "<a href=",
    "\">",
    "'>",
    ">",
    "<",
    "</a>",
    "<p ",
    "onclick=\"x()\"",
    " onmouseover=",
    "style=\"x\"",
    "javascript:",
    "JaVaScRiPt:",
    "java\tscript:",
    "java&#x09;script:",
    "&#106;avascript:",
    "jav&#x61;script:",
    "vbscript:",
    "data:text/html,",
    "mailto:a@b.de",
    "tel:+49",
    "https://www.naunhof.de/",
    "//evil.example",
    "[Klick](",
    "](",
    ")",
    "![Bild](",
    "[a]: ",
    "<https://x.de>",
    "<javascript:alert(1)>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<!DOCTYPE html>",
    "<form action=",
    "<input ",
    "<button formaction=",
    "<base href=",
    "<meta http-equiv=",
    "<link rel=",
    "<template>",
    "<noscript>",
    "<textarea>",
    "<title>",
    "<xmp>",
    "<plaintext>",
    "&lt;",
    "&amp;",
    "&#0;",
    "&",
    "\"",
    "'",
    "`",
    "```",
    "    ",
    "\n",
    "\n\n",
    "- ",
    "1. ",
    "> ",
    "# ",
    "**",
    "_",
    "~~",
    "| a | b |\n|---|---|\n",
    "\\",
    "\u{0}",
    "\u{feff}",
    "\u{202e}",
    "ä",
    "ß",
];

fn markdown_input() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => proptest::sample::select(PIECES).prop_map(str::to_owned),
        1 => "\\PC{0,12}",
        1 => any::<String>(),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|p| p.concat())
}

#[test]
fn markdown_renders_to_html_without_scripts_handlers_or_unsafe_links() {
    fuzz("markdown", markdown_input(), |input| {
        let html = markdown::render(&input);
        check_html(&html)?;
        let _ = markdown::to_plain_text(&input);
        Ok(())
    });
}

/// Encoded schemes that sanitisers have let through elsewhere.
#[test]
fn encoded_javascript_links_are_dropped() {
    for input in [
        "<a href=\"java&#x09;script:alert(1)\">x</a>",
        "[x](<javascript:alert(1)>)",
    ] {
        check_html(&markdown::render(input)).unwrap();
    }
}

const FORBIDDEN_TAGS: &[&str] = &[
    "script",
    "style",
    "img",
    "svg",
    "math",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "base",
    "meta",
    "link",
    "template",
    "noscript",
    "audio",
    "video",
    "source",
    "xmp",
    "plaintext",
    "title",
];
const LINK_ATTRIBUTES: &[&str] = &["href", "src", "action", "formaction", "cite", "background"];

fn check_html(html: &str) -> TestCaseResult {
    let sink = Tags::default();
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(&sink, TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    for tag in sink.tags.into_inner() {
        check_tag(&tag).map_err(|why| TestCaseError::fail(format!("{why} in {html:?}")))?;
    }
    if sink.comments.into_inner() > 0 {
        return Err(TestCaseError::fail(format!("a comment in {html:?}")));
    }
    Ok(())
}

fn check_tag(tag: &Tag) -> Result<(), String> {
    let name: &str = &tag.name;
    if FORBIDDEN_TAGS.contains(&name) {
        return Err(format!("<{name}>"));
    }
    for attr in &tag.attrs {
        let attr_name: &str = &attr.name.local;
        if attr_name.starts_with("on") || attr_name == "style" || attr_name == "srcset" {
            return Err(format!("attribute {attr_name}"));
        }
        if LINK_ATTRIBUTES.contains(&attr_name) && !safe_url(&attr.value) {
            return Err(format!("{attr_name}={:?}", &*attr.value));
        }
    }
    if name == "a" && tag.kind == TagKind::StartTag {
        let rel = tag.attrs.iter().find(|a| &*a.name.local == "rel");
        if rel.map(|a| &*a.value) != Some("noopener noreferrer nofollow") {
            return Err(format!("a link without the safe rel: {:?}", tag.attrs));
        }
    }
    Ok(())
}

/// A URL as a browser reads it (tabs and newlines dropped, leading controls and spaces
/// trimmed): relative, or with the scheme http, https, mailto or tel.
fn safe_url(value: &str) -> bool {
    let url: String = value
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    // A scheme is a letter, then letters, digits, "+", "-" or "."; anything else is relative.
    let Some(colon) = url.find(':') else {
        return true;
    };
    let scheme = &url[..colon];
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !is_scheme {
        return true;
    }
    let scheme = scheme.to_ascii_lowercase();
    ["http", "https", "mailto", "tel"].contains(&scheme.as_str())
}

#[derive(Default)]
struct Tags {
    tags: RefCell<Vec<Tag>>,
    comments: RefCell<u32>,
}

impl TokenSink for &Tags {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            Token::TagToken(tag) => self.tags.borrow_mut().push(tag),
            Token::CommentToken(_) => *self.comments.borrow_mut() += 1,
            _ => {}
        }
        TokenSinkResult::Continue
    }
}
