//! `jobboard bench survey`: the planning page of a needs-survey round with every member
//! answering about 40 occupations (three years each) and 30 course types, with the previous
//! year's round beside it for the comparison. The real server runs on a loopback port with a
//! fresh SQLite database under <data dir>/bench-survey; the admin's page is requested over
//! HTTP. Prints figures, asserts nothing.

use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{Days, Utc};
use jobboard_domain::accounts::{NewUser, Role, sessions, users};
use jobboard_domain::courses::CourseCategory;
use jobboard_domain::entities::{survey_course_type, survey_occupation};
use jobboard_domain::postings::types::{Category, PostingKind};
use jobboard_domain::survey::rounds::{self, RoundDraft};
use jobboard_domain::survey::{
    AnswerDraft, CourseAnswer, GroupAnswer, OccupationAnswer, Priority, answers, catalog,
};
use jobboard_domain::{Actor, berlin, municipalities};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::commands::{bench_config, open, say};
use crate::config::Config;

pub async fn run(
    config: &Config,
    occupations: usize,
    course_types: usize,
    rounds_n: usize,
) -> anyhow::Result<()> {
    let mut config = bench_config(config, "bench-survey", true)?;
    config.import_interval = None;
    let db = open(&config).await?;
    let started = Instant::now();
    grow_lists(&db, occupations, course_types).await?;
    let this_year = berlin::today(Utc::now())
        .format("%Y")
        .to_string()
        .parse::<i32>()?
        + 1;
    let mut round_id = 0;
    for year in [this_year - 1, this_year] {
        round_id = answered_round(&db, year).await?;
    }
    let cookie = admin_session(&db).await?;
    let members = municipalities::list(&db).await?.len();
    say(format_args!(
        "survey benchmark: {members} members × {occupations} occupations × 3 years × {course_types} course types, previous round beside it (seeded in {:.1} s)",
        started.elapsed().as_secs_f64()
    ));

    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    config.public_url = format!("http://{addr}");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server_config = config.clone();
    let server = tokio::spawn(async move {
        crate::run_server(&server_config, db, listener, async {
            let _ = stopped.await;
        })
        .await
    });
    let path = format!("/verwaltung/bedarf/{round_id}/planung");
    let (status, bytes) = get(addr, &path, &cookie).await?;
    anyhow::ensure!(status == 200, "planning page answered {status}");
    let mut samples = Vec::with_capacity(rounds_n);
    for _ in 0..rounds_n {
        let t = Instant::now();
        get(addr, &path, &cookie).await?;
        samples.push(t.elapsed());
    }
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    say(format_args!(
        "  planning page ({} KiB): median {:.1} ms, min {:.1} ms, max {:.1} ms over {rounds_n} requests (target ≤ 50 ms)",
        bytes / 1024,
        ms(samples[samples.len() / 2]),
        ms(samples[0]),
        ms(samples[samples.len() - 1]),
    ));
    let _ = stop.send(());
    server.await??;
    Ok(())
}

/// The seeded lists grown to `occupations` and `course_types` entries (the lists are tables).
async fn grow_lists(
    db: &DatabaseConnection,
    occupations: usize,
    course_types: usize,
) -> anyhow::Result<()> {
    let have = catalog::all(db).await?;
    let groups: Vec<String> = have.groups.iter().map(|g| g.code.clone()).collect();
    for i in have.occupations.len()..occupations {
        survey_occupation::ActiveModel {
            code: Set(format!("beruf_{i}")),
            name: Set(format!("Ausbildungsberuf {i}")),
            staff_group: Set(groups[i % groups.len()].clone()),
            category: Set(Category::Verwaltung),
            kind: Set(PostingKind::Apprenticeship),
            position: Set(i32::try_from(i)? + 1),
        }
        .insert(db)
        .await?;
    }
    for i in have.course_types.len()..course_types {
        survey_course_type::ActiveModel {
            code: Set(format!("lehrgang_{i}")),
            name: Set(format!("Lehrgangsart {i}")),
            category: Set(CourseCategory::Sonstiges),
            position: Set(i32::try_from(i)? + 1),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// A round for `year` asking about every list entry, answered by every member.
async fn answered_round(db: &DatabaseConnection, year: i32) -> anyhow::Result<i64> {
    let all = catalog::all(db).await?;
    let now = Utc::now();
    let actor = Actor::system("bench");
    let round = rounds::open_round(
        db,
        RoundDraft {
            year,
            deadline: berlin::today(now) + Days::new(30),
            occupations: all.occupations.iter().map(|o| o.code.clone()).collect(),
            course_types: all.course_types.iter().map(|c| c.code.clone()).collect(),
        },
        &actor,
        now,
    )
    .await?;
    let mut rng = fastrand::Rng::with_seed(u64::try_from(year)?);
    for m in municipalities::list(db).await? {
        let d = AnswerDraft {
            occupations: all
                .occupations
                .iter()
                .map(|o| OccupationAnswer {
                    occupation: o.code.clone(),
                    starts_halves: [rng.i32(0..4), rng.i32(0..4), rng.i32(0..4)],
                    hosts_all: rng.bool(),
                    stations: "Bürgerbüro, Kämmerei".into(),
                    offers_lead: rng.u8(0..4) == 0,
                })
                .collect(),
            groups: all
                .groups
                .iter()
                .map(|g| GroupAnswer {
                    group: g.code.clone(),
                    retiring: std::array::from_fn(|_| rng.i32(0..3)),
                    other: std::array::from_fn(|_| rng.i32(0..2)),
                    new_positions: rng.i32(0..2),
                })
                .collect(),
            courses: all
                .course_types
                .iter()
                .map(|c| CourseAnswer {
                    course_type: c.code.clone(),
                    staff: rng.i32(0..6),
                    priority: Priority::Medium,
                })
                .collect(),
        };
        answers::save_answer(db, round.id, m.id, 0, d, &actor, now).await?;
    }
    Ok(round.id)
}

async fn admin_session(db: &DatabaseConnection) -> anyhow::Result<String> {
    let now = Utc::now();
    let admin = users::create_user(
        db,
        NewUser {
            email: "admin@bench.invalid".into(),
            name: "Bench".into(),
            role: Role::Admin,
            municipality_id: None,
        },
        &Actor::system("bench"),
        now,
    )
    .await?;
    Ok(sessions::create(db, admin.id, now).await?)
}

/// Status and body size of a GET with the session cookie.
async fn get(addr: std::net::SocketAddr, path: &str, cookie: &str) -> anyhow::Result<(u16, usize)> {
    let mut stream = TcpStream::connect(addr).await?;
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: sitzung={cookie}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(req.as_bytes()).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    let status = std::str::from_utf8(answer.get(9..12).unwrap_or_default())
        .ok()
        .and_then(|s| s.parse().ok())
        .context("no HTTP answer")?;
    Ok((status, answer.len()))
}
