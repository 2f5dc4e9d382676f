//! The needs survey (Bedarfsabfrage): controlled lists that can grow (staff groups, occupations,
//! course types; keyed by a stable code, seeded here), survey rounds with the occupations and
//! course types they ask about, each member's answer (an audited record with optimistic
//! locking) with its rows per occupation, staff group and course type — counts only — and the
//! proposals that were turned into a draft posting or course.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261121_000001_create_municipalities::Municipalities;
use crate::m20261121_000002_create_postings::Postings;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// code, name.
const GROUPS: [(&str, &str); 4] = [
    ("verwaltung", "Verwaltung"),
    ("technik", "Bauhof und Technik"),
    ("kita", "Kita und Soziales"),
    ("it", "IT und Digitales"),
];

/// code, name, staff group, posting category, posting kind.
const OCCUPATIONS: [(&str, &str, &str, &str, &str); 6] = [
    (
        "vfa",
        "Verwaltungsfachangestellte",
        "verwaltung",
        "verwaltung",
        "apprenticeship",
    ),
    (
        "bachelor_verwaltung",
        "Bachelor Allgemeine Verwaltung/Public Management",
        "verwaltung",
        "verwaltung",
        "dual_study",
    ),
    (
        "fachinformatiker",
        "Fachinformatiker",
        "it",
        "it_digitales",
        "apprenticeship",
    ),
    (
        "strassenwaerter",
        "Straßenwärter",
        "technik",
        "bauhof_technik",
        "apprenticeship",
    ),
    (
        "erzieher_pia",
        "Erzieher/PiA",
        "kita",
        "kita_erziehung",
        "apprenticeship",
    ),
    (
        "gaertner",
        "Gärtner",
        "technik",
        "bauhof_technik",
        "apprenticeship",
    ),
];

/// code, name, course category.
const COURSE_TYPES: [(&str, &str, &str); 6] = [
    ("motorsaege", "Motorsäge", "bauhof_technik"),
    ("erste_hilfe", "Erste Hilfe", "sonstiges"),
    ("maschinist", "Maschinist", "feuerwehr"),
    ("truppfuehrer", "Truppführer", "feuerwehr"),
    ("atemschutz", "Atemschutz", "feuerwehr"),
    ("spielplatz", "Spielplatzprüfung", "bauhof_technik"),
];

fn fk(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_lists(manager).await?;
        seed_lists(manager).await?;
        create_rounds(manager).await?;
        create_answers(manager).await?;
        create_conversions(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SurveyConversions::Table.into_iden(),
            SurveyAnswerCourses::Table.into_iden(),
            SurveyAnswerGroups::Table.into_iden(),
            SurveyAnswerOccupations::Table.into_iden(),
            SurveyAnswers::Table.into_iden(),
            SurveyRoundCourseTypes::Table.into_iden(),
            SurveyRoundOccupations::Table.into_iden(),
            SurveyRounds::Table.into_iden(),
            SurveyCourseTypes::Table.into_iden(),
            SurveyOccupations::Table.into_iden(),
            SurveyStaffGroups::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

async fn create_lists(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(SurveyStaffGroups::Table)
                .col(string_len(SurveyStaffGroups::Code, 32).primary_key())
                .col(string_len(SurveyStaffGroups::Name, 200))
                .col(integer(SurveyStaffGroups::Position))
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(SurveyOccupations::Table)
                .col(string_len(SurveyOccupations::Code, 32).primary_key())
                .col(string_len(SurveyOccupations::Name, 200))
                .col(string_len(SurveyOccupations::StaffGroup, 32))
                .col(string_len(SurveyOccupations::Category, 32))
                .col(string_len(SurveyOccupations::Kind, 32))
                .col(integer(SurveyOccupations::Position))
                .foreign_key(&mut fk(
                    (SurveyOccupations::Table, SurveyOccupations::StaffGroup),
                    (SurveyStaffGroups::Table, SurveyStaffGroups::Code),
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(SurveyCourseTypes::Table)
                .col(string_len(SurveyCourseTypes::Code, 32).primary_key())
                .col(string_len(SurveyCourseTypes::Name, 200))
                .col(string_len(SurveyCourseTypes::Category, 32))
                .col(integer(SurveyCourseTypes::Position))
                .to_owned(),
        )
        .await
}

async fn seed_lists(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let mut groups = Query::insert();
    groups.into_table(SurveyStaffGroups::Table).columns([
        SurveyStaffGroups::Code,
        SurveyStaffGroups::Name,
        SurveyStaffGroups::Position,
    ]);
    for (i, (code, name)) in GROUPS.into_iter().enumerate() {
        groups.values_panic([code.into(), name.into(), (i as i32 + 1).into()]);
    }
    manager.exec_stmt(groups).await?;
    let mut occupations = Query::insert();
    occupations.into_table(SurveyOccupations::Table).columns([
        SurveyOccupations::Code,
        SurveyOccupations::Name,
        SurveyOccupations::StaffGroup,
        SurveyOccupations::Category,
        SurveyOccupations::Kind,
        SurveyOccupations::Position,
    ]);
    for (i, (code, name, group, category, kind)) in OCCUPATIONS.into_iter().enumerate() {
        occupations.values_panic([
            code.into(),
            name.into(),
            group.into(),
            category.into(),
            kind.into(),
            (i as i32 + 1).into(),
        ]);
    }
    manager.exec_stmt(occupations).await?;
    let mut types = Query::insert();
    types.into_table(SurveyCourseTypes::Table).columns([
        SurveyCourseTypes::Code,
        SurveyCourseTypes::Name,
        SurveyCourseTypes::Category,
        SurveyCourseTypes::Position,
    ]);
    for (i, (code, name, category)) in COURSE_TYPES.into_iter().enumerate() {
        types.values_panic([
            code.into(),
            name.into(),
            category.into(),
            (i as i32 + 1).into(),
        ]);
    }
    manager.exec_stmt(types).await
}

async fn create_rounds(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(SurveyRounds::Table)
                .col(big_pk_auto(SurveyRounds::Id))
                .col(integer_uniq(SurveyRounds::Year))
                .col(date(SurveyRounds::Deadline))
                .col(timestamp_with_time_zone(SurveyRounds::ClosesAt))
                .col(string_len(SurveyRounds::CreatedBy, 100))
                .col(timestamp_with_time_zone(SurveyRounds::CreatedAt))
                .col(timestamp_with_time_zone(SurveyRounds::UpdatedAt))
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(SurveyRoundOccupations::Table)
                .col(big_integer(SurveyRoundOccupations::RoundId))
                .col(string_len(SurveyRoundOccupations::Occupation, 32))
                .primary_key(
                    Index::create()
                        .col(SurveyRoundOccupations::RoundId)
                        .col(SurveyRoundOccupations::Occupation),
                )
                .foreign_key(&mut fk(
                    (
                        SurveyRoundOccupations::Table,
                        SurveyRoundOccupations::RoundId,
                    ),
                    (SurveyRounds::Table, SurveyRounds::Id),
                ))
                .foreign_key(&mut fk(
                    (
                        SurveyRoundOccupations::Table,
                        SurveyRoundOccupations::Occupation,
                    ),
                    (SurveyOccupations::Table, SurveyOccupations::Code),
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(SurveyRoundCourseTypes::Table)
                .col(big_integer(SurveyRoundCourseTypes::RoundId))
                .col(string_len(SurveyRoundCourseTypes::CourseType, 32))
                .primary_key(
                    Index::create()
                        .col(SurveyRoundCourseTypes::RoundId)
                        .col(SurveyRoundCourseTypes::CourseType),
                )
                .foreign_key(&mut fk(
                    (
                        SurveyRoundCourseTypes::Table,
                        SurveyRoundCourseTypes::RoundId,
                    ),
                    (SurveyRounds::Table, SurveyRounds::Id),
                ))
                .foreign_key(&mut fk(
                    (
                        SurveyRoundCourseTypes::Table,
                        SurveyRoundCourseTypes::CourseType,
                    ),
                    (SurveyCourseTypes::Table, SurveyCourseTypes::Code),
                ))
                .to_owned(),
        )
        .await
}

async fn create_answers(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(SurveyAnswers::Table)
                .col(big_pk_auto(SurveyAnswers::Id))
                .col(big_integer(SurveyAnswers::RoundId))
                .col(big_integer(SurveyAnswers::MunicipalityId))
                .col(integer(SurveyAnswers::Version))
                .col(string_len(SurveyAnswers::CreatedBy, 100))
                .col(string_len(SurveyAnswers::UpdatedBy, 100))
                .col(timestamp_with_time_zone(SurveyAnswers::CreatedAt))
                .col(timestamp_with_time_zone(SurveyAnswers::UpdatedAt))
                .foreign_key(&mut fk(
                    (SurveyAnswers::Table, SurveyAnswers::RoundId),
                    (SurveyRounds::Table, SurveyRounds::Id),
                ))
                .foreign_key(&mut fk(
                    (SurveyAnswers::Table, SurveyAnswers::MunicipalityId),
                    (Municipalities::Table, Municipalities::Id),
                ))
                .index(
                    Index::create()
                        .unique()
                        .name("survey_answers_round_municipality")
                        .col(SurveyAnswers::RoundId)
                        .col(SurveyAnswers::MunicipalityId),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(SurveyAnswerOccupations::Table)
                .col(big_integer(SurveyAnswerOccupations::AnswerId))
                .col(string_len(SurveyAnswerOccupations::Occupation, 32))
                .col(integer(SurveyAnswerOccupations::Starts1))
                .col(integer(SurveyAnswerOccupations::Starts2))
                .col(integer(SurveyAnswerOccupations::Starts3))
                .col(boolean(SurveyAnswerOccupations::HostsAll))
                .col(string_len(SurveyAnswerOccupations::Stations, 500))
                .col(boolean(SurveyAnswerOccupations::OffersLead))
                .primary_key(
                    Index::create()
                        .col(SurveyAnswerOccupations::AnswerId)
                        .col(SurveyAnswerOccupations::Occupation),
                )
                .foreign_key(&mut fk(
                    (
                        SurveyAnswerOccupations::Table,
                        SurveyAnswerOccupations::AnswerId,
                    ),
                    (SurveyAnswers::Table, SurveyAnswers::Id),
                ))
                .foreign_key(&mut fk(
                    (
                        SurveyAnswerOccupations::Table,
                        SurveyAnswerOccupations::Occupation,
                    ),
                    (SurveyOccupations::Table, SurveyOccupations::Code),
                ))
                .to_owned(),
        )
        .await?;
    let mut groups = Table::create();
    groups
        .table(SurveyAnswerGroups::Table)
        .col(big_integer(SurveyAnswerGroups::AnswerId))
        .col(string_len(SurveyAnswerGroups::StaffGroup, 32));
    for c in [
        SurveyAnswerGroups::Retiring1,
        SurveyAnswerGroups::Retiring2,
        SurveyAnswerGroups::Retiring3,
        SurveyAnswerGroups::Retiring4,
        SurveyAnswerGroups::Retiring5,
        SurveyAnswerGroups::Other1,
        SurveyAnswerGroups::Other2,
        SurveyAnswerGroups::Other3,
        SurveyAnswerGroups::Other4,
        SurveyAnswerGroups::Other5,
        SurveyAnswerGroups::NewPositions,
    ] {
        groups.col(integer(c));
    }
    groups
        .primary_key(
            Index::create()
                .col(SurveyAnswerGroups::AnswerId)
                .col(SurveyAnswerGroups::StaffGroup),
        )
        .foreign_key(&mut fk(
            (SurveyAnswerGroups::Table, SurveyAnswerGroups::AnswerId),
            (SurveyAnswers::Table, SurveyAnswers::Id),
        ))
        .foreign_key(&mut fk(
            (SurveyAnswerGroups::Table, SurveyAnswerGroups::StaffGroup),
            (SurveyStaffGroups::Table, SurveyStaffGroups::Code),
        ));
    manager.create_table(groups.to_owned()).await?;
    manager
        .create_table(
            Table::create()
                .table(SurveyAnswerCourses::Table)
                .col(big_integer(SurveyAnswerCourses::AnswerId))
                .col(string_len(SurveyAnswerCourses::CourseType, 32))
                .col(integer(SurveyAnswerCourses::Staff))
                .col(string_len(SurveyAnswerCourses::Priority, 16))
                .primary_key(
                    Index::create()
                        .col(SurveyAnswerCourses::AnswerId)
                        .col(SurveyAnswerCourses::CourseType),
                )
                .foreign_key(&mut fk(
                    (SurveyAnswerCourses::Table, SurveyAnswerCourses::AnswerId),
                    (SurveyAnswers::Table, SurveyAnswers::Id),
                ))
                .foreign_key(&mut fk(
                    (SurveyAnswerCourses::Table, SurveyAnswerCourses::CourseType),
                    (SurveyCourseTypes::Table, SurveyCourseTypes::Code),
                ))
                .to_owned(),
        )
        .await
}

async fn create_conversions(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(SurveyConversions::Table)
                .col(big_pk_auto(SurveyConversions::Id))
                .col(big_integer(SurveyConversions::RoundId))
                // "place:<occupation>:<year>" or "course:<course type>": one conversion each.
                .col(string_len(SurveyConversions::ProposalKey, 100))
                .col(big_integer_null(SurveyConversions::PostingId))
                .col(big_integer_null(SurveyConversions::CourseId))
                .col(string_len(SurveyConversions::CreatedBy, 100))
                .col(timestamp_with_time_zone(SurveyConversions::CreatedAt))
                .foreign_key(&mut fk(
                    (SurveyConversions::Table, SurveyConversions::RoundId),
                    (SurveyRounds::Table, SurveyRounds::Id),
                ))
                .foreign_key(
                    ForeignKey::create()
                        .from(SurveyConversions::Table, SurveyConversions::PostingId)
                        .to(Postings::Table, Postings::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(SurveyConversions::Table, SurveyConversions::CourseId)
                        .to(Courses::Table, Courses::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .index(
                    Index::create()
                        .unique()
                        .name("survey_conversions_round_key")
                        .col(SurveyConversions::RoundId)
                        .col(SurveyConversions::ProposalKey),
                )
                .to_owned(),
        )
        .await
}

#[derive(DeriveIden)]
enum Courses {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SurveyStaffGroups {
    Table,
    Code,
    Name,
    Position,
}

#[derive(DeriveIden)]
enum SurveyOccupations {
    Table,
    Code,
    Name,
    StaffGroup,
    Category,
    Kind,
    Position,
}

#[derive(DeriveIden)]
enum SurveyCourseTypes {
    Table,
    Code,
    Name,
    Category,
    Position,
}

#[derive(DeriveIden)]
enum SurveyRounds {
    Table,
    Id,
    Year,
    Deadline,
    ClosesAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SurveyRoundOccupations {
    Table,
    RoundId,
    Occupation,
}

#[derive(DeriveIden)]
enum SurveyRoundCourseTypes {
    Table,
    RoundId,
    CourseType,
}

#[derive(DeriveIden)]
enum SurveyAnswers {
    Table,
    Id,
    RoundId,
    MunicipalityId,
    Version,
    CreatedBy,
    UpdatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SurveyAnswerOccupations {
    Table,
    AnswerId,
    Occupation,
    Starts1,
    Starts2,
    Starts3,
    HostsAll,
    Stations,
    OffersLead,
}

#[derive(DeriveIden)]
enum SurveyAnswerGroups {
    Table,
    AnswerId,
    StaffGroup,
    Retiring1,
    Retiring2,
    Retiring3,
    Retiring4,
    Retiring5,
    Other1,
    Other2,
    Other3,
    Other4,
    Other5,
    NewPositions,
}

#[derive(DeriveIden)]
enum SurveyAnswerCourses {
    Table,
    AnswerId,
    CourseType,
    Staff,
    Priority,
}

#[derive(DeriveIden)]
enum SurveyConversions {
    Table,
    Id,
    RoundId,
    ProposalKey,
    PostingId,
    CourseId,
    CreatedBy,
    CreatedAt,
}
