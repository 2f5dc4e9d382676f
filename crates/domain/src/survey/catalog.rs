//! The controlled lists of the survey: staff groups, occupations and course types. They are
//! tables (seeded by the migration), so a new occupation is a row, not a release.

use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, prelude::*};

use crate::entities::{
    survey_course_type, survey_occupation, survey_round_course_type, survey_round_occupation,
    survey_staff_group,
};
use crate::error::DomainResult;

pub use survey_course_type::Model as CourseType;
pub use survey_occupation::Model as Occupation;
pub use survey_staff_group::Model as StaffGroup;

/// The lists a round asks about (or every entry, for opening a round), in list order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Catalog {
    pub occupations: Vec<Occupation>,
    pub groups: Vec<StaffGroup>,
    pub course_types: Vec<CourseType>,
}

impl Catalog {
    pub fn occupation(&self, code: &str) -> Option<&Occupation> {
        self.occupations.iter().find(|o| o.code == code)
    }

    pub fn group(&self, code: &str) -> Option<&StaffGroup> {
        self.groups.iter().find(|g| g.code == code)
    }

    pub fn course_type(&self, code: &str) -> Option<&CourseType> {
        self.course_types.iter().find(|c| c.code == code)
    }
}

/// Every entry of every list.
pub async fn all(db: &impl ConnectionTrait) -> DomainResult<Catalog> {
    Ok(Catalog {
        occupations: survey_occupation::Entity::find()
            .order_by_asc(survey_occupation::Column::Position)
            .all(db)
            .await?,
        groups: groups(db).await?,
        course_types: survey_course_type::Entity::find()
            .order_by_asc(survey_course_type::Column::Position)
            .all(db)
            .await?,
    })
}

/// What round `round_id` asks about: its occupations and course types, and every staff group.
pub async fn of_round(db: &impl ConnectionTrait, round_id: i64) -> DomainResult<Catalog> {
    let occupations: Vec<String> = survey_round_occupation::Entity::find()
        .filter(survey_round_occupation::Column::RoundId.eq(round_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.occupation)
        .collect();
    let types: Vec<String> = survey_round_course_type::Entity::find()
        .filter(survey_round_course_type::Column::RoundId.eq(round_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.course_type)
        .collect();
    Ok(Catalog {
        occupations: survey_occupation::Entity::find()
            .filter(survey_occupation::Column::Code.is_in(occupations))
            .order_by_asc(survey_occupation::Column::Position)
            .all(db)
            .await?,
        groups: groups(db).await?,
        course_types: survey_course_type::Entity::find()
            .filter(survey_course_type::Column::Code.is_in(types))
            .order_by_asc(survey_course_type::Column::Position)
            .all(db)
            .await?,
    })
}

async fn groups(db: &impl ConnectionTrait) -> DomainResult<Vec<StaffGroup>> {
    Ok(survey_staff_group::Entity::find()
        .order_by_asc(survey_staff_group::Column::Position)
        .all(db)
        .await?)
}
