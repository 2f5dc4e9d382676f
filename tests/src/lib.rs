//! End-to-end harness: [`spawn_app`] starts the real server (router, scheduler, database) on
//! 127.0.0.1:0 with its own fresh database and returns typed helpers to talk to it.

use jobboard_domain::testing::TestDb;
use jobboard_server::config::Config;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use jobboard_domain::testing::TestDb as Database;

pub mod meili;

pub struct TestApp {
    pub address: String,
    /// The server's configuration and its search index, for jobs a test runs at chosen
    /// instants (see [`TestApp::run_alerts`]).
    pub config: Config,
    pub index: std::sync::Arc<jobboard_search::AnyIndex>,
    /// Where the board writes its mail (`.eml` files).
    pub mail_outbox: std::path::PathBuf,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<Result<(), String>>>,
    _database: TestDb,
    _data_dir: tempfile::TempDir,
}

/// Start the server on a fresh, migrated database (`TestDb::sqlite()` or `::postgres()`).
pub async fn spawn_app(database: TestDb) -> TestApp {
    spawn_app_with(database, &[]).await
}

/// [`spawn_app`] with further configuration variables, e.g. `("JOBBOARD_PUSH_RATE_LIMIT", "3")`.
pub async fn spawn_app_with(database: TestDb, env: &[(&str, &str)]) -> TestApp {
    // The server's warnings (an indexer that cannot index, say) appear in a failing test's output.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "warn,jobboard_search=info",
        ))
        .with_test_writer()
        .try_init();
    let data_dir = tempfile::tempdir().expect("temp data dir");
    let data_path = data_dir.path().display().to_string();
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback port");
    let address = format!("http://{}", listener.local_addr().expect("local address"));
    // The public address is the real one, so origin checks see what a browser would send.
    let config = Config::from_lookup(|name| match name {
        "JOBBOARD_DEMO_DATA" => Some("off".into()),
        "JOBBOARD_SCHEDULER_INTERVAL_SECS" => Some("1".into()),
        "JOBBOARD_DATA_DIR" => Some(data_path.clone()),
        "JOBBOARD_PUBLIC_URL" => Some(address.clone()),
        other => env
            .iter()
            .find(|(k, _)| *k == other)
            .map(|(_, v)| (*v).to_owned()),
    })
    .expect("test configuration is valid");
    let db = database.db.clone();
    let (stop, stopped) = oneshot::channel::<()>();
    let server_db = db.clone();
    let index =
        std::sync::Arc::new(jobboard_server::open_index(&config).expect("search index opens"));
    let (server_config, server_index) = (config.clone(), index.clone());
    let server = tokio::spawn(async move {
        jobboard_server::run_server_with(&server_config, server_db, server_index, listener, async {
            let _ = stopped.await;
        })
        .await
        .map_err(|e| format!("{e:#}"))
    });
    // reqwest's rustls has no built-in crypto provider here (rustls-no-provider): use ring,
    // which sqlx already brings. Installing twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client");
    TestApp {
        config,
        index,
        mail_outbox: data_dir.path().join("mail-outbox"),
        address,
        client,
        db,
        stop: Some(stop),
        server: Some(server),
        _database: database,
        _data_dir: data_dir,
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request reaches the server")
    }

    /// GET `path` until its body contains `needle` (the indexer works in the background).
    pub async fn wait_for(&self, path: &str, needle: &str) -> String {
        // Generous for a loaded CI machine; returns as soon as the text shows.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let body = self.get(path).await.text().await.expect("body");
            if body.contains(needle) {
                return body;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{path} never showed {needle:?}:\n{body}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// Stop gracefully (the server closes its pool), then connect to its database again: the
    /// database lives as long as the returned [`TestDb`].
    pub async fn shutdown_and_reopen(self) -> (DatabaseConnection, TestDb) {
        let Self {
            stop,
            server,
            _database: database,
            ..
        } = self;
        if let Some(stop) = stop {
            let _ = stop.send(());
        }
        if let Some(handle) = server {
            handle
                .await
                .expect("server task")
                .expect("graceful shutdown");
        }
        (database.reopen().await, database)
    }

    /// Stop gracefully and report how the server ended.
    pub async fn shutdown(mut self) -> Result<(), String> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.server.take() {
            Some(handle) => handle.await.map_err(|e| e.to_string())?,
            None => Ok(()),
        }
    }
}

/// Run an end-to-end test on SQLite and on PostgreSQL: `e2e_tests! { async fn name(app) { … } }`.
/// With `env [("JOBBOARD_…", "…"), …];` first, the server gets that configuration too (as
/// [`spawn_app_with`]).
#[macro_export]
macro_rules! e2e_tests {
    (env $env:expr; $(async fn $name:ident($app:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                let $app = $crate::spawn_app_with($crate::Database::sqlite().await, &$env).await;
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                let Some(database) = $crate::Database::postgres().await else {
                    eprintln!("PostgreSQL tests switched off");
                    return;
                };
                let $app = $crate::spawn_app_with(database, &$env).await;
                $body
            }
        }
    )*};
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        $crate::e2e_tests! { env []; $(async fn $name($app) $body)* }
    };
}

impl TestApp {
    /// One search-alert run at `now` as worker `worker`, as the scheduler runs it.
    pub async fn run_alerts(
        &self,
        worker: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> jobboard_server::alerts::RunReport {
        jobboard_server::run_alerts_once(&self.config, &self.db, &self.index, worker, now)
            .await
            .expect("the alert run works")
    }

    /// The id of member municipality `slug`.
    pub async fn member(&self, slug: &str) -> i64 {
        jobboard_domain::municipalities::find_by_slug(&self.db, slug)
            .await
            .expect("database answers")
            .expect("a member municipality")
            .id
    }

    /// Create `d` for municipality `owner` and publish it at once, through the domain.
    pub async fn publish(
        &self,
        d: jobboard_domain::postings::PostingDraft,
        owner: &str,
    ) -> jobboard_domain::postings::queries::Posting {
        use jobboard_domain::postings::publishing::{Request, transition};
        let actor = jobboard_domain::Actor::user(1);
        let owner = self.member(owner).await;
        let now = chrono::Utc::now();
        let p =
            jobboard_domain::postings::mutations::create_posting(&self.db, owner, d, &actor, now)
                .await
                .expect("a valid draft");
        transition(&self.db, p.id, p.version, Request::Publish, &actor, now)
            .await
            .expect("a publishable draft")
    }
}

/// A realistic apprenticeship-style posting of Borsdorf (deadline in 20 days, start "ab sofort").
pub fn draft(
    reference: &str,
    title: &str,
    kind: jobboard_domain::postings::PostingKind,
) -> jobboard_domain::postings::PostingDraft {
    jobboard_domain::postings::PostingDraft {
        kind,
        reference_number: reference.into(),
        title: title.into(),
        department: Some("Hauptamt".into()),
        category: jobboard_domain::postings::Category::Verwaltung,
        employment: jobboard_domain::postings::Employment::FullTime,
        weekly_hours: Some(39.0),
        contract: jobboard_domain::postings::Contract::FixedTerm,
        contract_end_date: Some(
            (chrono::Utc::now() + chrono::Duration::days(3 * 365)).date_naive(),
        ),
        pay_scheme: jobboard_domain::postings::PayScheme::Tvaoed,
        pay_grade_from: None,
        pay_grade_to: None,
        pay_monthly_min_eur: Some(1340),
        pay_monthly_max_eur: Some(1490),
        location_place: "Borsdorf".into(),
        location_postcode: "04451".into(),
        latitude: None,
        longitude: None,
        start_date: None,
        application_deadline: (chrono::Utc::now() + chrono::Duration::days(20)).date_naive(),
        description: "Drei Jahre Ausbildung im **Rathaus**.".into(),
        tasks: "- Bürgerbüro\n- Standesamt".into(),
        profile: String::new(),
        benefits: "- 30 Tage Urlaub".into(),
        contact_name: Some("Frau Richter".into()),
        contact_phone: Some("034291 20-110".into()),
        contact_email: None,
        apply_url: None,
        apply_email: Some("ausbildung@borsdorf.de".into()),
        partners: vec![],
        internal: false,
        public_from: None,
    }
}
