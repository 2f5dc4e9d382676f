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
            .url_schemes(["http", "https", "mailto", "tel"].into())
            .attribute_filter(|element, attribute, value| match (element, attribute) {
                ("a", "href") => safe_href(value),
                _ => Some(value.into()),
            });
        b
    })
}

/// A link target as the sanitizer keeps it. A `mailto:` link keeps only a plain public
/// mailbox (see [`crate::mailbox`]), written as [`crate::mailbox::mailto`] writes it: a text
/// from an import or the push API cannot make the applicant's mail client copy the
/// application to a hidden recipient (`?bcc=`, `?cc=`, `%40`, `,`). Any other `mailto:` loses
/// its target; the link text stays.
fn safe_href(value: &str) -> Option<std::borrow::Cow<'_, str>> {
    let Some(scheme) = value.get(..7) else {
        return Some(value.into());
    };
    if !scheme.eq_ignore_ascii_case("mailto:") {
        return Some(value.into());
    }
    let address = value[7..].trim();
    crate::mailbox::is_public(address).then(|| crate::mailbox::mailto(address).into())
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn a_mailto_link_keeps_a_plain_address_and_loses_any_hidden_recipient() {
        let html = render("[Bewerben](mailto:bewerbung@naunhof.de)");
        assert!(
            html.contains("href=\"mailto:bewerbung@naunhof.de\""),
            "{html}"
        );
        for evil in [
            "[Bewerben](mailto:a@naunhof.de?bcc=spy@evil.example)",
            "[Bewerben](MAILTO:a@naunhof.de?cc=spy@evil.example)",
            "[Bewerben](mailto:a@naunhof.de%3Fbcc%3Dspy%40evil.example)",
            "[Bewerben](mailto:a@naunhof.de,spy@evil.example)",
            "<a href=\"mailto:a@naunhof.de?bcc=spy@evil.example\">Bewerben</a>",
        ] {
            let html = render(evil);
            assert!(!html.contains("evil"), "{evil}: {html}");
            assert!(html.contains("Bewerben"), "{evil}: {html}");
        }
    }

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

/// The words of a Markdown text without markup, for previews, feeds and calendars: one line
/// per paragraph, list item or heading, and the author's line breaks kept.
pub fn to_plain_text(markdown: &str) -> String {
    plain_text(markdown, '\n')
}

/// [`to_plain_text`] for the search index: a line break typed inside a paragraph is a space,
/// as Markdown renders it, so a paragraph is one line and a result snippet (cut from the line
/// that matched) starts at its sentence, not at the wrapped line.
pub fn to_search_text(markdown: &str) -> String {
    plain_text(markdown, ' ')
}

fn plain_text(markdown: &str, soft_break: char) -> String {
    use pulldown_cmark::{Event, TagEnd};
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak => out.push(soft_break),
            Event::HardBreak
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

    #[test]
    fn search_text_joins_a_wrapped_paragraph_into_one_line() {
        let md =
            "Wir suchen ab sofort eine Fachkraft\nfür den Winterdienst.\n\n- Räumen\n- Streuen";
        assert_eq!(
            super::to_search_text(md),
            "Wir suchen ab sofort eine Fachkraft für den Winterdienst.\nRäumen\nStreuen"
        );
        assert!(super::to_plain_text(md).starts_with("Wir suchen ab sofort eine Fachkraft\nfür"));
    }
}
