//! Mails of working together go to every active officer of the municipalities concerned;
//! they are sent after the change is committed (see [`crate::courses::Notice`]).

use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, prelude::*};

use crate::accounts::Role;
pub use crate::courses::Notice;
use crate::entities::user;
use crate::error::DomainResult;

/// One message to every active officer of `municipalities`.
pub async fn to_officers(
    db: &impl ConnectionTrait,
    municipalities: &[i64],
    subject: &str,
    body: &str,
) -> DomainResult<Vec<Notice>> {
    if municipalities.is_empty() {
        return Ok(Vec::new());
    }
    let officers = user::Entity::find()
        .filter(user::Column::Role.eq(Role::Officer))
        .filter(user::Column::Active.eq(true))
        .filter(user::Column::MunicipalityId.is_in(municipalities.to_vec()))
        .order_by_asc(user::Column::Id)
        .all(db)
        .await?;
    Ok(officers
        .into_iter()
        .map(|u| Notice {
            to_name: u.name,
            to_email: u.email,
            subject: subject.to_owned(),
            body: body.to_owned(),
        })
        .collect())
}
