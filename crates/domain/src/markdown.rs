//! Markdown written by HR officers, rendered to HTML that is safe to embed in a page.

use pulldown_cmark::{Options, Parser, html};

/// Render Markdown to sanitized HTML: no scripts, styles, images or event handlers; links get
/// `rel="noopener noreferrer nofollow"`.
pub fn render(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES,
    );
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, parser);
    sanitizer().clean(&unsafe_html).to_string()
}

/// The sanitizer's rules, built once: building them allocates every allow list anew.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: std::sync::OnceLock<ammonia::Builder<'static>> = std::sync::OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.rm_tags(["img"])
            .link_rel(Some("noopener noreferrer nofollow"))
            .url_schemes(["http", "https", "mailto", "tel"].into());
        b
    })
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn renders_lists_and_emphasis() {
        let html = render("Wir bieten:\n\n- **30 Tage** Urlaub\n- Jobticket");
        assert!(
            html.contains("<li><strong>30 Tage</strong> Urlaub</li>"),
            "{html}"
        );
    }

    #[test]
    fn strips_scripts_handlers_and_javascript_links() {
        let html = render(
            "<script>alert(1)</script>\n\n<p onclick=\"x()\">Hallo</p>\n\n[Klick](javascript:alert(1)) <img src=x onerror=alert(1)>",
        );
        assert!(!html.contains("script"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("Hallo"), "{html}");
        assert!(
            html.contains("<a rel=\"noopener noreferrer nofollow\">Klick</a>"),
            "link kept, target dropped: {html}"
        );
    }

    #[test]
    fn links_get_safe_rel() {
        let html = render("[Portal](https://www.naunhof.de)");
        assert!(
            html.contains("rel=\"noopener noreferrer nofollow\""),
            "{html}"
        );
    }
}

/// The words of a Markdown text without markup, for search and previews.
pub fn to_plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, TagEnd};
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) => out.push('\n'),
            _ => {}
        }
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod plain_text_tests {
    #[test]
    fn plain_text_keeps_words_and_drops_markup() {
        assert_eq!(
            super::to_plain_text(
                "Wir bieten:\n\n- **30 Tage** Urlaub\n- [Jobticket](https://x.de)"
            ),
            "Wir bieten:\n30 Tage Urlaub\nJobticket"
        );
    }
}
