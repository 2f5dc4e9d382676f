//! `jobboard ba-export` as an operator runs it: a full load of a municipality's public postings,
//! an empty delta when nothing changed, a deletion once a posting has ended; the file name and
//! header as the Bundesagentur expects them.

#![expect(clippy::unwrap_used, reason = "tests")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::Utc;
use jobboard_domain::db::{DbOptions, connect};
use jobboard_domain::entities::posting;
use jobboard_domain::postings::PostingStatus;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

const PARTNERS: &str = "naunhof:V123456789:P0042:A987654321";

fn jobboard(data_dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jobboard"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("JOBBOARD_DATA_DIR", data_dir)
        .env("JOBBOARD_DEMO_DATA", "off")
        .env("JOBBOARD_LOG", "warn")
        .env("JOBBOARD_BA_PARTNERS", PARTNERS);
    cmd
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Run `ba-export` with `args`; the file it wrote and its content.
fn export(data: &Path, out: &Path, args: &[&str]) -> (PathBuf, String) {
    let o = run(jobboard(data)
        .arg("ba-export")
        .args(["--municipality", "naunhof", "--out"])
        .arg(out)
        .args(args));
    let path = PathBuf::from(String::from_utf8(o.stdout).unwrap().trim());
    let xml = std::fs::read_to_string(&path).unwrap();
    (path, xml)
}

fn tag(xml: &str, name: &str) -> String {
    let open = format!("<{name}>");
    let from = xml.find(&open).unwrap() + open.len();
    xml[from..from + xml[from..].find('<').unwrap()].to_owned()
}

#[tokio::test]
async fn full_load_then_delta_with_a_deletion_for_an_ended_posting() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, out) = (tmp.path().join("data"), tmp.path().join("ba"));
    run(jobboard(&data).args(["seed", "--demo", "60"]));
    let db = connect(
        &format!("sqlite://{}/jobboard.db", data.display()),
        &DbOptions::default(),
    )
    .await
    .unwrap();
    let naunhof = jobboard_domain::municipalities::find_by_slug(&db, "naunhof")
        .await
        .unwrap()
        .unwrap();
    let visible: Vec<posting::Model> = posting::Entity::find()
        .filter(posting::Column::MunicipalityId.eq(naunhof.id))
        .filter(jobboard_domain::postings::queries::publicly_visible(
            Utc::now(),
        ))
        .all(&db)
        .await
        .unwrap();
    assert!(visible.len() >= 2, "demo data gives Naunhof postings");

    let (path, full) = export(&data, &out, &["--full"]);
    let name = path.file_name().unwrap().to_str().unwrap().to_owned();
    assert!(
        name.starts_with("DSV123456789_")
            && name.ends_with(".xml")
            && name.len() == "DSV123456789_2026-12-02_09-05-07.xml".len(),
        "{name}"
    );
    assert_eq!(tag(&full, "TypeOfLoad"), "F");
    assert_eq!(tag(&full, "Amount"), visible.len().to_string());
    assert_eq!(full.matches("<JobPositionPosting>").count(), visible.len());
    assert!(full.contains(&format!(
        "<JobPositionPostingId>P0042-{}</JobPositionPostingId>",
        visible[0].id
    )));

    // Nothing changed: an empty delta.
    let (empty_path, delta) = export(&data, &out, &[]);
    assert_eq!(
        (tag(&delta, "TypeOfLoad"), tag(&delta, "Amount")),
        ("D".to_owned(), "0".to_owned())
    );

    // One posting ends: the next delta deletes it, once.
    let ended = visible[0].clone();
    let mut am: posting::ActiveModel = ended.clone().into();
    am.status = Set(PostingStatus::Archived);
    am.version = Set(ended.version + 1);
    am.update(&db).await.unwrap();
    let (delete_path, delta) = export(&data, &out, &[]);
    assert_eq!(tag(&delta, "Amount"), "1");
    assert!(
        delta.contains(&format!(
            "<DeleteEntry>\n      <EntryId>P0042-{}</EntryId>",
            ended.id
        )),
        "{delta}"
    );
    let (again_path, again) = export(&data, &out, &[]);
    // Four exports within a second or two: each file has a name of its own (the later ones take
    // the next free second), so none overwrites another.
    let names: std::collections::HashSet<_> = [&path, &empty_path, &delete_path, &again_path]
        .into_iter()
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
    assert_eq!(tag(&again, "Amount"), "0", "a deletion is sent once");
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        4,
        "one file a run"
    );

    let refused = jobboard(&data)
        .args(["ba-export", "--municipality", "brandis"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("kein BA-Partnerkonto"));
}

/// A municipality whose file fails does not keep the others' files back: it is reported, the
/// others are written, and the command exits non-zero at the end.
#[test]
fn one_failing_municipality_does_not_stop_the_others() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, out) = (tmp.path().join("data"), tmp.path().join("ba"));
    run(jobboard(&data).args(["seed", "--demo", "20"]));
    let o = jobboard(&data)
        .env(
            "JOBBOARD_BA_PARTNERS",
            format!("gibtsnicht:V111111111:P0001:A111111111,{PARTNERS}"),
        )
        .args(["ba-export", "--full", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("gibtsnicht: fehlgeschlagen"), "{stderr}");
    assert!(
        stderr.contains("Der BA-Export ist für 1 von 2 Kommunen fehlgeschlagen: gibtsnicht"),
        "{stderr}"
    );
    let written = PathBuf::from(String::from_utf8(o.stdout).unwrap().trim());
    assert!(
        written.starts_with(&out) && written.exists(),
        "Naunhof's file is written all the same: {written:?}"
    );
    assert!(
        file_name_of(&written).starts_with("DSV123456789_"),
        "{written:?}"
    );
}

fn file_name_of(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}
