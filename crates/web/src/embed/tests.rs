use super::*;

#[test]
fn origins_are_scheme_host_and_port_of_http_addresses_only() {
    assert_eq!(
        origin_of("https://www.naunhof.de/rathaus/stellen?x=1").as_deref(),
        Some("https://www.naunhof.de")
    );
    assert_eq!(
        origin_of("http://127.0.0.1:8123/").as_deref(),
        Some("http://127.0.0.1:8123")
    );
    assert_eq!(
        origin_of("https://WWW.Brandis.DE").as_deref(),
        Some("https://www.brandis.de")
    );
    for bad in [
        "",
        "naunhof.de",
        "javascript:alert(1)",
        "ftp://x.de",
        "data:text/html,x",
    ] {
        assert_eq!(origin_of(bad), None, "{bad}");
    }
}

#[test]
fn frame_ancestors_always_allow_the_board_itself() {
    assert_eq!(FrameAncestors::default().directive(), "'self'");
    assert_eq!(
        FrameAncestors(vec!["https://a.de".into(), "https://b.de".into()]).directive(),
        "'self' https://a.de https://b.de"
    );
}

#[test]
fn options_read_their_values_and_keep_defaults_for_nonsense() {
    assert_eq!(EmbedOptions::read(None), EmbedOptions::default());
    let o = EmbedOptions::read(Some(
        "anzahl=5&darstellung=kompakt&suchfeld=ja&liste=ausbildung&q=x",
    ));
    assert_eq!(
        o,
        EmbedOptions {
            count: 5,
            compact: true,
            search_box: true,
            training: true
        }
    );
    assert_eq!(EmbedOptions::read(Some("anzahl=9999")).count, MAX_COUNT);
    assert_eq!(EmbedOptions::read(Some("anzahl=0")).count, 1);
    assert_eq!(
        EmbedOptions::read(Some("anzahl=viele")).count,
        DEFAULT_COUNT
    );
    assert!(!EmbedOptions::read(Some("darstellung=bunt")).compact);
}

#[test]
fn options_append_only_what_differs_from_the_default() {
    let o = EmbedOptions::read(Some("anzahl=5&suchfeld=ja"));
    assert_eq!(
        o.append_to("/einbetten/stellen?kommune=naunhof"),
        "/einbetten/stellen?kommune=naunhof&anzahl=5&suchfeld=ja"
    );
    assert_eq!(
        EmbedOptions::default().append_to("/einbetten/stellen"),
        "/einbetten/stellen"
    );
    assert_eq!(
        EmbedOptions::read(Some("darstellung=kompakt")).append_to("/einbetten/stellen"),
        "/einbetten/stellen?darstellung=kompakt"
    );
}
