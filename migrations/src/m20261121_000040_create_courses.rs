//! Shared training courses (Lehrgänge): the course, its sessions, partner municipalities, seat
//! quotas, registrations with their waiting list, and attendance per session.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261121_000001_create_municipalities::Municipalities;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Courses::Table)
                    .col(big_pk_auto(Courses::Id))
                    .col(big_integer(Courses::MunicipalityId))
                    .col(string_len_uniq(Courses::Slug, 300))
                    .col(string_len(Courses::Title, 200))
                    .col(string_len(Courses::Category, 32))
                    .col(string_len(Courses::TargetGroup, 300))
                    .col(text(Courses::Description))
                    .col(integer(Courses::Seats))
                    .col(date(Courses::RegistrationDeadline))
                    .col(timestamp_with_time_zone(Courses::RegistrationClosesAt))
                    .col(integer(Courses::CostCents))
                    .col(string_len_null(Courses::ContactEmail, 254))
                    .col(string_len(Courses::Status, 16))
                    .col(integer(Courses::Version))
                    .col(string_len(Courses::CreatedBy, 100))
                    .col(string_len(Courses::UpdatedBy, 100))
                    .col(timestamp_with_time_zone(Courses::CreatedAt))
                    .col(timestamp_with_time_zone(Courses::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Courses::Table, Courses::MunicipalityId)
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CourseSessions::Table)
                    .col(big_pk_auto(CourseSessions::Id))
                    .col(big_integer(CourseSessions::CourseId))
                    .col(timestamp_with_time_zone(CourseSessions::StartsAt))
                    .col(timestamp_with_time_zone(CourseSessions::EndsAt))
                    .col(string_len(CourseSessions::Place, 300))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CourseSessions::Table, CourseSessions::CourseId)
                            .to(Courses::Table, Courses::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CoursePartners::Table)
                    .col(big_integer(CoursePartners::CourseId))
                    .col(big_integer(CoursePartners::MunicipalityId))
                    .primary_key(
                        Index::create()
                            .col(CoursePartners::CourseId)
                            .col(CoursePartners::MunicipalityId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CoursePartners::Table, CoursePartners::CourseId)
                            .to(Courses::Table, Courses::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CoursePartners::Table, CoursePartners::MunicipalityId)
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CourseQuotas::Table)
                    .col(big_integer(CourseQuotas::CourseId))
                    .col(big_integer(CourseQuotas::MunicipalityId))
                    .col(integer(CourseQuotas::Seats))
                    .primary_key(
                        Index::create()
                            .col(CourseQuotas::CourseId)
                            .col(CourseQuotas::MunicipalityId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CourseQuotas::Table, CourseQuotas::CourseId)
                            .to(Courses::Table, Courses::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CourseQuotas::Table, CourseQuotas::MunicipalityId)
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CourseRegistrations::Table)
                    .col(big_pk_auto(CourseRegistrations::Id))
                    .col(big_integer(CourseRegistrations::CourseId))
                    .col(big_integer(CourseRegistrations::MunicipalityId))
                    .col(string_len(CourseRegistrations::Name, 200))
                    .col(string_len(CourseRegistrations::Email, 254))
                    .col(text_null(CourseRegistrations::Note))
                    .col(string_len(CourseRegistrations::Status, 16))
                    .col(timestamp_with_time_zone(CourseRegistrations::JoinedAt))
                    .col(timestamp_with_time_zone_null(
                        CourseRegistrations::ConfirmedAt,
                    ))
                    .col(timestamp_with_time_zone_null(
                        CourseRegistrations::CancelledAt,
                    ))
                    .col(string_len(CourseRegistrations::CreatedBy, 100))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CourseRegistrations::Table, CourseRegistrations::CourseId)
                            .to(Courses::Table, Courses::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                CourseRegistrations::Table,
                                CourseRegistrations::MunicipalityId,
                            )
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_course_registrations_queue")
                    .table(CourseRegistrations::Table)
                    .col(CourseRegistrations::CourseId)
                    .col(CourseRegistrations::Status)
                    .col(CourseRegistrations::JoinedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CourseAttendance::Table)
                    .col(big_integer(CourseAttendance::RegistrationId))
                    .col(big_integer(CourseAttendance::SessionId))
                    .col(boolean(CourseAttendance::Attended))
                    .col(string_len(CourseAttendance::RecordedBy, 100))
                    .col(timestamp_with_time_zone(CourseAttendance::RecordedAt))
                    .primary_key(
                        Index::create()
                            .col(CourseAttendance::RegistrationId)
                            .col(CourseAttendance::SessionId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CourseAttendance::Table, CourseAttendance::RegistrationId)
                            .to(CourseRegistrations::Table, CourseRegistrations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CourseAttendance::Table, CourseAttendance::SessionId)
                            .to(CourseSessions::Table, CourseSessions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CourseAttendance::Table.into_iden(),
            CourseRegistrations::Table.into_iden(),
            CourseQuotas::Table.into_iden(),
            CoursePartners::Table.into_iden(),
            CourseSessions::Table.into_iden(),
            Courses::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Courses {
    Table,
    Id,
    MunicipalityId,
    Slug,
    Title,
    Category,
    TargetGroup,
    Description,
    Seats,
    RegistrationDeadline,
    RegistrationClosesAt,
    CostCents,
    ContactEmail,
    Status,
    Version,
    CreatedBy,
    UpdatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CourseSessions {
    Table,
    Id,
    CourseId,
    StartsAt,
    EndsAt,
    Place,
}

#[derive(DeriveIden)]
enum CoursePartners {
    Table,
    CourseId,
    MunicipalityId,
}

#[derive(DeriveIden)]
enum CourseQuotas {
    Table,
    CourseId,
    MunicipalityId,
    Seats,
}

#[derive(DeriveIden)]
enum CourseRegistrations {
    Table,
    Id,
    CourseId,
    MunicipalityId,
    Name,
    Email,
    Note,
    Status,
    JoinedAt,
    ConfirmedAt,
    CancelledAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum CourseAttendance {
    Table,
    RegistrationId,
    SessionId,
    Attended,
    RecordedBy,
    RecordedAt,
}
