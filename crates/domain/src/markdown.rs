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
    ammonia::Builder::default()
        .rm_tags(["img"])
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["http", "https", "mailto", "tel"].into())
        .clean(&unsafe_html)
        .to_string()
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
