//! The member municipalities and their employer profiles.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, TransactionSession, TransactionTrait, prelude::*,
};

use crate::audit::{self, AuditAction, AuditEntity, AuditRecord};
use crate::entities::{municipality, posting};
use crate::postings::validation::ValidationErrors;
use crate::{Actor, DomainError, DomainResult, outbox};

pub use municipality::Model as Municipality;

/// All members, alphabetically.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Municipality>, DbErr> {
    municipality::Entity::find()
        .order_by_asc(municipality::Column::Name)
        .all(db)
        .await
}

pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<Municipality>, DbErr> {
    municipality::Entity::find()
        .filter(municipality::Column::Slug.eq(slug))
        .one(db)
        .await
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<Municipality>, DbErr> {
    municipality::Entity::find_by_id(id).one(db).await
}

/// A municipality as the platform admin enters it.
#[derive(Clone, Debug, Default)]
pub struct NewMunicipality {
    pub name: String,
    pub slug: String,
    pub website: String,
    pub contact_email: String,
    pub latitude: f64,
    pub longitude: f64,
    /// Of the administration; five digits.
    pub postcode: String,
    /// Of the administration; empty means the name.
    pub place: String,
}

impl NewMunicipality {
    /// Trimmed, the slug in lower case, an empty place replaced by the name.
    fn cleaned(self) -> Self {
        let name = self.name.trim().to_owned();
        let place = match self.place.trim() {
            "" => name.clone(),
            place => place.to_owned(),
        };
        Self {
            slug: self.slug.trim().to_lowercase(),
            website: self.website.trim().to_owned(),
            contact_email: self.contact_email.trim().to_owned(),
            postcode: self.postcode.trim().to_owned(),
            place,
            name,
            ..self
        }
    }

    /// The field errors of a cleaned municipality, in the order of the form.
    fn errors(&self) -> ValidationErrors {
        let Self {
            name,
            slug,
            website,
            contact_email: email,
            postcode,
            place,
            ..
        } = self;
        let mut errors = ValidationErrors::default();
        if name.is_empty() || name.chars().count() > 200 {
            errors.add(
                "name",
                "Bitte geben Sie den Namen an (höchstens 200 Zeichen).",
            );
        }
        if slug.is_empty()
            || slug.len() > 64
            || !slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            errors.add(
            "slug",
            "Bitte geben Sie ein Kürzel für die Adresse an: Kleinbuchstaben, Ziffern und Bindestriche, z. B. „naunhof“.",
        );
        }
        if !(website.starts_with("https://") || website.starts_with("http://"))
            || url::Url::parse(website).is_err()
            || website.len() > 500
        {
            errors.add("website", "Bitte geben Sie die Website mit https:// an.");
        }
        if !crate::mailbox::is_public(email) {
            errors.add(
                "contact_email",
                "Bitte geben Sie eine gültige E-Mail-Adresse an.",
            );
        }
        if !(50.0..=53.0).contains(&self.latitude) || !(11.0..=15.5).contains(&self.longitude) {
            errors.add(
                "latitude",
                "Die Koordinaten liegen nicht in Sachsen (Breite etwa 51,3, Länge etwa 12,6).",
            );
        }
        if postcode.len() != 5 || !postcode.chars().all(|c| c.is_ascii_digit()) {
            errors.add(
                "postcode",
                "Bitte geben Sie die Postleitzahl der Verwaltung an (fünf Ziffern).",
            );
        }
        if place.chars().count() > 200 {
            errors.add("place", "Der Ort darf höchstens 200 Zeichen lang sein.");
        }
        errors
    }
}

/// Add a municipality. Field errors name the form fields (`name`, `slug`, …).
pub async fn create<C>(
    db: &C,
    new: NewMunicipality,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Municipality>
where
    C: ConnectionTrait + TransactionTrait,
{
    let new = new.cleaned();
    let mut errors = new.errors();
    let txn = crate::db::begin_write(db).await?;
    if errors.is_empty() && find_by_slug(&txn, &new.slug).await?.is_some() {
        let slug = &new.slug;
        errors.add("slug", format!("Das Kürzel „{slug}“ ist schon vergeben."));
    }
    errors.into_result()?;
    let created = municipality::ActiveModel {
        slug: Set(new.slug),
        name: Set(new.name),
        website: Set(new.website),
        contact_email: Set(new.contact_email),
        latitude: Set(new.latitude),
        longitude: Set(new.longitude),
        postcode: Set(new.postcode),
        place: Set(new.place),
        logo_url: Set(None),
        employer_profile: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let changes = audit::diff(
        &serde_json::Value::Null,
        &serde_json::to_value(&created).unwrap_or_default(),
        &["id", "created_at", "updated_at"],
    );
    audit::record(
        &txn,
        AuditRecord {
            entity_type: AuditEntity::Municipality,
            entity_id: created.id,
            municipality_id: Some(created.id),
            action: AuditAction::Created,
            actor,
            changes,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Replace the employer profile (Markdown; empty removes it). Its postings are queued for the
/// search index in the same transaction, so their documents pick up the change.
pub async fn update_profile<C>(
    db: &C,
    municipality_id: i64,
    profile: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Municipality>
where
    C: ConnectionTrait + TransactionTrait,
{
    let profile = crate::text::clean(profile.trim_end());
    let profile = profile.trim_end();
    if profile.chars().count() > crate::postings::validation::MARKDOWN_MAX {
        let mut errors = ValidationErrors::default();
        errors.add(
            "employer_profile",
            "Das Profil darf höchstens 20.000 Zeichen lang sein.",
        );
        return Err(errors.into());
    }
    let new_value = (!profile.trim().is_empty()).then(|| profile.to_owned());
    let txn = crate::db::begin_write(db).await?;
    let before = find_by_id(&txn, municipality_id)
        .await?
        .ok_or(DomainError::NotFound)?;
    if before.employer_profile == new_value {
        return Ok(before);
    }
    let mut am = before.clone().into_active_model();
    am.employer_profile = Set(new_value.clone());
    am.updated_at = Set(now);
    let after = am.update(&txn).await?;
    let mut changes = serde_json::Map::new();
    changes.insert(
        "employer_profile".into(),
        serde_json::json!({ "from": before.employer_profile, "to": new_value }),
    );
    audit::record(
        &txn,
        AuditRecord {
            entity_type: AuditEntity::Municipality,
            entity_id: municipality_id,
            municipality_id: Some(municipality_id),
            action: AuditAction::ProfileUpdated,
            actor,
            changes,
        },
        now,
    )
    .await?;
    let ids: Vec<i64> = posting::Entity::find()
        .select_only()
        .column(posting::Column::Id)
        .filter(posting::Column::MunicipalityId.eq(municipality_id))
        .into_tuple()
        .all(&txn)
        .await?;
    outbox::enqueue_many(&txn, &ids, now).await?;
    txn.commit().await?;
    Ok(after)
}
