//! Reading the configuration from a map of variables.

use std::collections::HashMap;

use super::*;

fn from(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::from_lookup(|k| map.get(k).cloned())
}

#[test]
fn defaults_give_a_sqlite_board_on_localhost_8080() {
    let c = from(&[]).expect("defaults are valid");
    assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
    assert_eq!(c.database_url, "sqlite://./data/jobboard.db?mode=rwc");
    assert!(c.wants_demo_data());
}

#[test]
fn postgres_gets_no_demo_data_unless_asked() {
    let c = from(&[("JOBBOARD_DATABASE_URL", "postgres://u@h/db")]).expect("valid");
    assert!(!c.wants_demo_data());
    let c = from(&[
        ("JOBBOARD_DATABASE_URL", "postgres://u@h/db"),
        ("JOBBOARD_DEMO_DATA", "on"),
    ])
    .expect("valid");
    assert!(c.wants_demo_data());
}

#[test]
fn a_bad_value_names_the_variable_and_what_is_expected() {
    let e = from(&[("JOBBOARD_BIND", "localhost")]).expect_err("not a socket address");
    assert_eq!(e.var, "JOBBOARD_BIND");
    assert!(
        e.to_string()
            .starts_with("JOBBOARD_BIND=\"localhost\": host:port"),
        "{e}"
    );
    assert_eq!(
        from(&[("JOBBOARD_DEMO_DATA", "maybe")])
            .expect_err("bad")
            .var,
        "JOBBOARD_DEMO_DATA"
    );
    assert_eq!(
        from(&[("JOBBOARD_INDEXER", "vielleicht")])
            .expect_err("bad")
            .var,
        "JOBBOARD_INDEXER"
    );
    assert!(
        !from(&[("JOBBOARD_INDEXER", "OFF")])
            .expect("valid")
            .indexer_in_serve
    );
    assert_eq!(
        from(&[("JOBBOARD_SCHEDULER_INTERVAL_SECS", "0")])
            .expect_err("bad")
            .var,
        "JOBBOARD_SCHEDULER_INTERVAL_SECS"
    );
    assert_eq!(
        from(&[("JOBBOARD_DEMO_COUNT", "-3")]).expect_err("bad").var,
        "JOBBOARD_DEMO_COUNT"
    );
    for bad in ["viele", "-1", "100001"] {
        assert_eq!(
            from(&[("JOBBOARD_PAGE_CACHE", bad)]).expect_err("bad").var,
            "JOBBOARD_PAGE_CACHE"
        );
    }
    assert_eq!(
        from(&[("JOBBOARD_PAGE_CACHE", "0")])
            .expect("valid")
            .page_cache_pages,
        0
    );
    assert_eq!(from(&[]).expect("valid").page_cache_pages, 512);
}

#[test]
fn meilisearch_is_chosen_when_its_url_is_set_and_the_key_is_never_displayed() {
    assert_eq!(from(&[]).expect("valid").search, SearchBackend::Embedded);
    let c = from(&[
        ("MEILI_URL", "http://meili:7700"),
        ("MEILI_MASTER_KEY", "geheim"),
    ])
    .expect("valid");
    assert!(
        matches!(&c.search, SearchBackend::Meilisearch { index, api_key: Some(_), .. } if index == "postings")
    );
    assert!(!c.search.to_string().contains("geheim"));
    let c = from(&[
        ("MEILI_URL", "http://meili:7700"),
        ("JOBBOARD_MEILI_SEARCH_KEY", "suche"),
        ("JOBBOARD_MEILI_ADMIN_KEY", "index"),
    ])
    .expect("valid");
    assert!(
        matches!(&c.search, SearchBackend::Meilisearch { scoped_keys: Some((s, a)), .. } if s == "suche" && a == "index")
    );
    assert!(!c.search.to_string().contains("suche"));
    assert_eq!(
        from(&[
            ("MEILI_URL", "http://meili:7700"),
            ("JOBBOARD_MEILI_SEARCH_KEY", "suche"),
        ])
        .expect_err("half a pair")
        .var,
        "JOBBOARD_MEILI_ADMIN_KEY"
    );
    let c = from(&[
        ("MEILI_URL", "http://meili:7700"),
        ("JOBBOARD_SEARCH", "embedded"),
    ])
    .expect("valid");
    assert_eq!(c.search, SearchBackend::Embedded);
    assert_eq!(
        from(&[("MEILI_URL", "meili:7700")])
            .expect_err("no scheme")
            .var,
        "MEILI_URL"
    );
    assert_eq!(
        from(&[("JOBBOARD_SEARCH", "meilisearch")])
            .expect_err("no url")
            .var,
        "MEILI_URL"
    );
    assert_eq!(
        from(&[("JOBBOARD_SEARCH", "solr")])
            .expect_err("unknown")
            .var,
        "JOBBOARD_SEARCH"
    );
}

#[test]
fn import_settings_have_safe_defaults_and_refuse_bad_values() {
    let c = from(&[]).expect("valid");
    assert_eq!(c.import_interval, Some(Duration::from_secs(3600)));
    assert!(!c.import_policy.allow_loopback && !c.import_policy.allow_private);
    assert_eq!(c.import_default_deadline_days, 30);
    let c = from(&[
        ("JOBBOARD_IMPORT_INTERVAL_SECS", "off"),
        ("JOBBOARD_IMPORT_ALLOW_PRIVATE", "loopback,10.0.0.0/8"),
    ])
    .expect("valid");
    assert_eq!(c.import_interval, None);
    assert!(c.import_policy.allow_loopback && c.import_policy.allowed.len() == 1);
    for (var, value) in [
        ("JOBBOARD_IMPORT_INTERVAL_SECS", "-1"),
        ("JOBBOARD_IMPORT_ALLOW_PRIVATE", "intranet"),
        ("JOBBOARD_IMPORT_DEFAULT_DEADLINE_DAYS", "0"),
    ] {
        assert_eq!(from(&[(var, value)]).expect_err("bad").var, var);
    }
}

#[test]
fn database_password_is_never_echoed() {
    let e = from(&[("JOBBOARD_DATABASE_URL", "mysql://u:secret@h/db")]).expect_err("unsupported");
    assert!(!e.to_string().contains("secret"), "{e}");
}

#[test]
fn embed_origins_are_plain_origins() {
    assert!(from(&[]).expect("valid").embed_origins.is_empty());
    let c = from(&[(
        "JOBBOARD_EMBED_ORIGINS",
        "https://www.partheland.de, http://127.0.0.1:8123/ HTTPS://Leipzig.DE",
    )])
    .expect("valid");
    assert_eq!(
        c.embed_origins,
        [
            "https://www.partheland.de",
            "http://127.0.0.1:8123",
            "https://leipzig.de"
        ]
    );
    for bad in [
        "www.partheland.de",
        "https://x.de/stellen",
        "ftp://x.de",
        "*",
    ] {
        let e = from(&[("JOBBOARD_EMBED_ORIGINS", bad)]).expect_err("bad");
        assert_eq!(e.var, "JOBBOARD_EMBED_ORIGINS", "{bad}");
    }
}

#[test]
fn ba_partner_accounts_are_read_per_municipality() {
    assert!(from(&[]).expect("valid").ba_accounts.is_empty());
    let c = from(&[(
        "JOBBOARD_BA_PARTNERS",
        "naunhof:V123456789:P0042:A987654321, brandis:V2:P2:A2",
    )])
    .expect("valid");
    assert_eq!(c.ba_accounts.len(), 2);
    assert_eq!(c.ba_accounts[0].0, "naunhof");
    assert_eq!(c.ba_accounts[0].1.supplier_id, "V123456789");
    assert_eq!(c.ba_accounts[1].1.hiring_org_id, "A2");
    for bad in ["naunhof:V1:P1", "naunhof:V1:P1:A 1", "naunhof::P1:A1"] {
        let e = from(&[("JOBBOARD_BA_PARTNERS", bad)]).expect_err("bad");
        assert_eq!(e.var, "JOBBOARD_BA_PARTNERS", "{bad}");
    }
}
