use sea_orm::entity::prelude::*;

use crate::postings::types::{
    Category, Contract, Employment, PayScheme, PostingKind, PostingStatus,
};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "postings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub municipality_id: i64,
    pub kind: PostingKind,
    pub reference_number: String,
    pub title: String,
    #[sea_orm(unique)]
    pub slug: String,
    pub department: Option<String>,
    pub category: Category,
    pub employment: Employment,
    pub weekly_hours: Option<f64>,
    pub contract: Contract,
    pub contract_end_date: Option<Date>,
    pub pay_scheme: PayScheme,
    pub pay_grade_from: Option<String>,
    pub pay_grade_to: Option<String>,
    pub pay_monthly_min_eur: Option<i32>,
    pub pay_monthly_max_eur: Option<i32>,
    pub location_place: String,
    pub location_postcode: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// `None` means "ab sofort".
    pub start_date: Option<Date>,
    pub application_deadline: Date,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    #[sea_orm(column_type = "Text")]
    pub tasks: String,
    #[sea_orm(column_type = "Text")]
    pub profile: String,
    #[sea_orm(column_type = "Text")]
    pub benefits: String,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub apply_url: Option<String>,
    pub apply_email: Option<String>,
    pub status: PostingStatus,
    /// When it went (or, while scheduled, will go) online.
    pub published_at: Option<DateTimeUtc>,
    /// End of the deadline day in Europe/Berlin; the posting is offline from this instant on.
    pub expires_at: DateTimeUtc,
    /// Offered only to the staff of the member municipalities („nur für Beschäftigte der
    /// Partheland-Kommunen“): in no public channel until `public_from`.
    pub internal: bool,
    /// The day (Europe/Berlin) from which an internal posting is public too; the scheduler
    /// then turns `internal` off. `None` on a posting that is not internal.
    pub public_from: Option<Date>,
    /// The day the position was filled („besetzt“); the posting is archived then.
    pub filled_on: Option<Date>,
    pub version: i32,
    pub source_id: Option<i64>,
    pub external_guid: Option<String>,
    /// Id in the owner's own system, for postings pushed through the API; unique per owner.
    pub external_id: Option<String>,
    pub created_by: String,
    pub updated_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::municipality::Entity",
        from = "Column::MunicipalityId",
        to = "super::municipality::Column::Id"
    )]
    Municipality,
    #[sea_orm(has_many = "super::posting_partner::Entity")]
    Partners,
}

impl Related<super::municipality::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Municipality.def()
    }
}

impl Related<super::posting_partner::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Partners.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
