//! A Meilisearch server the fault tests start, kill and replace themselves: the binary named by
//! `MEILI_BIN`, on a free loopback port, with a data folder of its own.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct MeiliServer {
    bin: PathBuf,
    dir: tempfile::TempDir,
    generation: u32,
    pub port: u16,
    pub master_key: String,
    child: Option<Child>,
}

impl MeiliServer {
    /// `None` (after saying so) unless `MEILI_BIN` names a binary.
    pub fn from_env(test: &str) -> Option<Self> {
        // reqwest is built with `rustls-no-provider`: clients need a process-wide provider.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let Some(bin) = std::env::var_os("MEILI_BIN").filter(|b| !b.is_empty()) else {
            eprintln!("MEILI_BIN not set: Meilisearch fault test {test} skipped");
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        Some(Self {
            bin: bin.into(),
            dir: tempfile::tempdir().expect("temp dir"),
            generation: 0,
            port,
            master_key: format!("fault-test-master-key-{:08x}", fastrand::u32(..)),
            child: None,
        })
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join(format!("data-{}", self.generation))
    }

    /// Start the server (on the current data folder) and wait until it answers.
    pub async fn start(&mut self) {
        assert!(self.child.is_none(), "already running");
        let child = Command::new(&self.bin)
            .current_dir(self.dir.path())
            .arg("--db-path")
            .arg(self.data())
            .args(["--http-addr", &format!("127.0.0.1:{}", self.port)])
            .args(["--master-key", &self.master_key])
            .args(["--no-analytics", "--env", "development"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start MEILI_BIN");
        self.child = Some(child);
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = client.get(format!("{}/health", self.url())).send().await
                && r.status().is_success()
            {
                return;
            }
            assert!(Instant::now() < deadline, "Meilisearch did not come up");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn running(&self) -> bool {
        self.child.is_some()
    }

    /// SIGKILL: no chance to finish anything.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// From now on an empty server (new data folder) at the same address.
    pub fn forget_data(&mut self) {
        self.kill();
        self.generation += 1;
    }

    /// Every document of index `uid` as (id, title), read with the master key.
    pub async fn documents(&self, uid: &str) -> Vec<(i64, String)> {
        let body: serde_json::Value = reqwest::Client::new()
            .get(format!(
                "{}/indexes/{uid}/documents?limit=1000000&fields=id,title",
                self.url()
            ))
            .bearer_auth(&self.master_key)
            .send()
            .await
            .expect("Meilisearch answers")
            .json()
            .await
            .expect("JSON");
        if body["code"] == "index_not_found" {
            return Vec::new();
        }
        let mut docs: Vec<(i64, String)> = body["results"]
            .as_array()
            .unwrap_or_else(|| panic!("documents of {uid}: {body}"))
            .iter()
            .map(|d| {
                let id = d["id"].as_i64().expect("id");
                (id, d["title"].as_str().unwrap_or_default().to_owned())
            })
            .collect();
        docs.sort();
        docs
    }
}

impl Drop for MeiliServer {
    fn drop(&mut self) {
        self.kill();
    }
}
