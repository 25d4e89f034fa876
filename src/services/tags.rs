//! Tags: a taxonomy per consultation that moderators curate, and tagging of ideas one by one
//! or many at once.

use serde::Serialize;

use crate::db::models::consultations::ConsultationRow;
use crate::db::models::moderation::{self as rows, NewAction};
use crate::db::models::tags::{self, NewTag, TagChanges};
use crate::db::{AnyConnection, now};
use crate::domain::consultation::Slug;
use crate::domain::fields::{FieldError, FieldErrors};
use crate::domain::identity::Identity;
use crate::domain::ids::IdeaId;
use crate::domain::policy::{self, Actor};
use crate::error::AppError;
use crate::services::consultation_counts::count;
use crate::services::consultations::load_visible;
use crate::services::context::ServiceContext;

pub const TAG_NAME_MAX_CHARS: usize = 60;
pub const TAG_DESCRIPTION_MAX_CHARS: usize = 500;
/// At most this many ideas in one bulk tagging request.
pub const BULK_MAX: usize = 1_000;

/// A tag as shown and listed.
#[derive(Clone, Debug, Serialize)]
pub struct TagInfo {
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
    pub color: String,
    pub description: String,
    pub idea_count: i64,
}

fn name(field: &'static str, raw: &str) -> Result<String, FieldError> {
    let value = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if value.is_empty() {
        return Err(FieldError::new(field, "error-required"));
    }
    if value.chars().count() > TAG_NAME_MAX_CHARS || value.chars().any(char::is_control) {
        return Err(FieldError::new(field, "error-too-long"));
    }
    Ok(value)
}

/// `#rrggbb`.
pub fn parse_color(raw: &str) -> Result<String, FieldError> {
    let value = raw.trim().to_ascii_lowercase();
    let ok = value.len() == 7
        && value.starts_with('#')
        && value[1..].chars().all(|c| c.is_ascii_hexdigit());
    if ok {
        Ok(value)
    } else {
        Err(FieldError::new("color", "error-color-invalid"))
    }
}

fn description(raw: &str) -> Result<String, FieldError> {
    let value = raw.trim();
    if value.chars().count() > TAG_DESCRIPTION_MAX_CHARS {
        return Err(FieldError::new("description", "error-too-long"));
    }
    Ok(value.to_owned())
}

fn log(
    conn: &mut AnyConnection,
    actor: i64,
    action: &str,
    tag: i64,
    consultation: i64,
    note: &str,
) -> Result<(), AppError> {
    rows::log_action(
        conn,
        &NewAction {
            actor_id: Some(actor),
            action,
            target_type: "tag",
            target_id: tag,
            consultation_id: Some(consultation),
            reason: "curation",
            note,
            created_at: now(),
        },
    )?;
    Ok(())
}

fn consultation_for(
    conn: &mut AnyConnection,
    slug: &str,
    actor: Option<&Actor>,
) -> Result<ConsultationRow, AppError> {
    load_visible(conn, slug, actor)
}

#[tracing::instrument(skip_all)]
pub async fn list(
    ctx: &ServiceContext,
    viewer: Option<Actor>,
    slug: &str,
) -> Result<Vec<TagInfo>, AppError> {
    let slug = slug.to_owned();
    let ctx = ctx.clone();
    ctx.db
        .clone()
        .read(move |c| list_in(c, &ctx, viewer, &slug))
        .await
}

/// `list` on a connection already at hand.
pub fn list_in(
    c: &mut AnyConnection,
    ctx: &ServiceContext,
    viewer: Option<Actor>,
    slug: &str,
) -> Result<Vec<TagInfo>, AppError> {
    let consultation = crate::services::consultations::load_visible_kept(
        &ctx.consultation_rows,
        c,
        slug,
        viewer.as_ref(),
    )?;
    let totals = ctx
        .counts
        .get(&consultation.id, || count(c, consultation.id))?;
    Ok(tags::list(c, consultation.id)?
        .into_iter()
        .map(|t| TagInfo {
            idea_count: totals.value.with_tag(t.id),
            slug: t.slug,
            name_ja: t.name_ja,
            name_en: t.name_en,
            color: t.color,
            description: t.description,
        })
        .collect())
}

/// A tag as submitted; `None` leaves a field unchanged on update.
#[derive(Clone, Debug, Default)]
pub struct TagInput {
    pub slug: Option<String>,
    pub name_ja: Option<String>,
    pub name_en: Option<String>,
    pub color: Option<String>,
    pub description: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn create(
    ctx: &ServiceContext,
    identity: &Identity,
    slug: &str,
    input: TagInput,
) -> Result<TagInfo, AppError> {
    let actor = identity.user.actor();
    policy::can_moderate(&actor)?;
    let mut errors = FieldErrors::new();
    let tag_slug = errors.take(Slug::parse("slug", input.slug.as_deref().unwrap_or("")));
    let name_ja = errors.take(name("name_ja", input.name_ja.as_deref().unwrap_or("")));
    let name_en = errors.take(name("name_en", input.name_en.as_deref().unwrap_or("")));
    let color = errors.take(parse_color(input.color.as_deref().unwrap_or("#0031d8")));
    let description = errors.take(description(input.description.as_deref().unwrap_or("")));
    let (Some(tag_slug), Some(name_ja), Some(name_en), Some(color), Some(description)) =
        (tag_slug, name_ja, name_en, color, description)
    else {
        return Err(AppError::Validation(errors));
    };
    let user = identity.user.id.0;
    let slug = slug.to_owned();
    ctx.db
        .write(move |c| {
            let consultation = consultation_for(c, &slug, Some(&actor))?;
            if tags::find(c, consultation.id, tag_slug.as_str())?.is_some() {
                return Err(AppError::validation("slug", "error-slug-taken"));
            }
            let id = tags::insert(
                c,
                &NewTag {
                    consultation_id: consultation.id,
                    slug: tag_slug.as_str(),
                    name_ja: &name_ja,
                    name_en: &name_en,
                    color: &color,
                    description: &description,
                    created_at: now(),
                },
            )?;
            log(
                c,
                user,
                "tag_create",
                id,
                consultation.id,
                tag_slug.as_str(),
            )?;
            Ok(TagInfo {
                slug: tag_slug.as_str().to_owned(),
                name_ja,
                name_en,
                color,
                description,
                idea_count: 0,
            })
        })
        .await
}

#[tracing::instrument(skip_all)]
pub async fn update(
    ctx: &ServiceContext,
    identity: &Identity,
    slug: &str,
    tag: &str,
    input: TagInput,
) -> Result<(), AppError> {
    let actor = identity.user.actor();
    policy::can_moderate(&actor)?;
    if input.slug.is_some() {
        return Err(AppError::validation("slug", "error-slug-immutable"));
    }
    let mut errors = FieldErrors::new();
    let changes = TagChanges {
        name_ja: input
            .name_ja
            .as_deref()
            .and_then(|n| errors.take(name("name_ja", n))),
        name_en: input
            .name_en
            .as_deref()
            .and_then(|n| errors.take(name("name_en", n))),
        color: input
            .color
            .as_deref()
            .and_then(|c| errors.take(parse_color(c))),
        description: input
            .description
            .as_deref()
            .and_then(|d| errors.take(description(d))),
    };
    errors.into_result()?;
    let user = identity.user.id.0;
    let (slug, tag) = (slug.to_owned(), tag.to_owned());
    ctx.db
        .write(move |c| {
            let consultation = consultation_for(c, &slug, Some(&actor))?;
            let row = tags::find(c, consultation.id, &tag)?.ok_or(AppError::NotFound)?;
            tags::update(c, row.id, &changes)?;
            log(c, user, "tag_update", row.id, consultation.id, &tag)
        })
        .await
}

#[tracing::instrument(skip_all)]
pub async fn delete(
    ctx: &ServiceContext,
    identity: &Identity,
    slug: &str,
    tag: &str,
) -> Result<(), AppError> {
    let actor = identity.user.actor();
    policy::can_moderate(&actor)?;
    let user = identity.user.id.0;
    let (slug, tag) = (slug.to_owned(), tag.to_owned());
    ctx.db
        .write(move |c| {
            let consultation = consultation_for(c, &slug, Some(&actor))?;
            let row = tags::find(c, consultation.id, &tag)?.ok_or(AppError::NotFound)?;
            tags::delete(c, row.id)?;
            log(c, user, "tag_delete", row.id, consultation.id, &tag)
        })
        .await
}

/// Folds one tag into another: its ideas get the other tag, then it goes.
#[tracing::instrument(skip_all)]
pub async fn merge(
    ctx: &ServiceContext,
    identity: &Identity,
    slug: &str,
    tag: &str,
    into: &str,
) -> Result<(), AppError> {
    let actor = identity.user.actor();
    policy::can_moderate(&actor)?;
    let user = identity.user.id.0;
    let (slug, tag, into) = (slug.to_owned(), tag.to_owned(), into.to_owned());
    ctx.db
        .write(move |c| {
            let consultation = consultation_for(c, &slug, Some(&actor))?;
            let from = tags::find(c, consultation.id, &tag)?.ok_or(AppError::NotFound)?;
            let to = tags::find(c, consultation.id, &into)?
                .ok_or(AppError::validation("into", "error-tag-unknown"))?;
            if from.id == to.id {
                return Err(AppError::validation("into", "error-merge-self"));
            }
            let ideas = tags::ideas_with(c, from.id)?;
            tags::add_to_ideas(c, to.id, &ideas)?;
            tags::delete(c, from.id)?;
            log(
                c,
                user,
                "tag_merge",
                from.id,
                consultation.id,
                &format!("{tag} → {into}"),
            )
        })
        .await
}

/// Ideas of `consultation` among `ids`; any other id is an error naming the field.
fn check_ideas(
    conn: &mut AnyConnection,
    consultation: i64,
    ids: &[i64],
    field: &'static str,
) -> Result<(), AppError> {
    if ids.len() > BULK_MAX {
        return Err(AppError::validation(field, "error-too-many"));
    }
    let found = tags::ideas_in_consultation(conn, consultation, ids)?;
    if found.len() != ids.iter().collect::<std::collections::HashSet<_>>().len() {
        return Err(AppError::validation(
            field,
            "error-idea-not-in-consultation",
        ));
    }
    Ok(())
}

/// Replaces an idea's tags with the given slugs (all from its consultation).
#[tracing::instrument(skip_all)]
pub async fn set_idea_tags(
    ctx: &ServiceContext,
    identity: &Identity,
    idea: IdeaId,
    slugs: Vec<String>,
) -> Result<Vec<String>, AppError> {
    let idea = idea.0;
    let actor = identity.user.actor();
    policy::can_moderate(&actor)?;
    let user = identity.user.id.0;
    ctx.db
        .write(move |c| {
            let row = crate::db::models::ideas::find(c, idea)?.ok_or(AppError::NotFound)?;
            let mut ids = Vec::new();
            for slug in &slugs {
                let tag = tags::find(c, row.consultation_id, slug.trim())?
                    .ok_or(AppError::validation("tags", "error-tag-unknown"))?;
                ids.push(tag.id);
            }
            tags::replace_for_idea(c, idea, &ids)?;
            rows::log_action(
                c,
                &NewAction {
                    actor_id: Some(user),
                    action: "tag_set",
                    target_type: "idea",
                    target_id: idea,
                    consultation_id: Some(row.consultation_id),
                    reason: "curation",
                    note: &slugs.join(","),
                    created_at: now(),
                },
            )?;
            let mut sorted = slugs;
            sorted.sort();
            sorted.dedup();
            Ok(sorted)
        })
        .await
}

/// Adds a tag to many ideas and removes it from others, in one action.
#[tracing::instrument(skip_all)]
pub async fn bulk(
    ctx: &ServiceContext,
    identity: &Identity,
    slug: &str,
    tag: &str,
    add: Vec<i64>,
    remove: Vec<i64>,
) -> Result<(usize, usize), AppError> {
    let actor = identity.user.actor();
    policy::can_moderate(&actor)?;
    let user = identity.user.id.0;
    let (slug, tag) = (slug.to_owned(), tag.to_owned());
    ctx.db
        .write(move |c| {
            let consultation = consultation_for(c, &slug, Some(&actor))?;
            let row = tags::find(c, consultation.id, &tag)?.ok_or(AppError::NotFound)?;
            check_ideas(c, consultation.id, &add, "add")?;
            check_ideas(c, consultation.id, &remove, "remove")?;
            let added = tags::add_to_ideas(c, row.id, &add)?;
            let removed = tags::remove_from_ideas(c, row.id, &remove)?;
            log(
                c,
                user,
                "tag_bulk",
                row.id,
                consultation.id,
                &format!("+{added} -{removed}"),
            )?;
            Ok((added, removed))
        })
        .await
}
