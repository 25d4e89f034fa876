//! Tag pages: a consultation's taxonomy for moderators (create, rename and recolour, merge,
//! delete after a confirmation), an idea's tags from its page, and bulk tagging from the
//! filtered idea list. The tag service authorises and validates every change.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::domain::identity::Identity;
use crate::domain::ids::IdeaId;

use crate::domain::fields::FieldErrors;
use crate::domain::policy::{self, Actor};
use crate::error::AppError;
use crate::http::identity::SignedIn;
use crate::http::state::AppState;
use crate::services::consultations;
use crate::services::tags::{self, TagInfo, TagInput};
use crate::web::consultation_header::insert_consultation;
use crate::web::page::{
    PageContext, insert_errors, see_other_with_flash, see_other_with_flash_count,
};
use crate::web::staff_forms::{back_to, field_error_page};

/// Whether the idea list offers bulk tagging: to moderators, when the consultation has tags.
pub fn insert_bulk_tagging(ctx: &mut tera::Context, viewer: Option<&Actor>, has_tags: bool) {
    let moderates = viewer.is_some_and(|a| policy::can_moderate(a).is_ok());
    ctx.insert("bulk_tagging", &(moderates && has_tags));
}

/// The tag form's fields, as posted and as shown again.
#[derive(Deserialize, Serialize, Default, Clone)]
pub struct TagForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name_ja: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    color: String,
    #[serde(default)]
    description: String,
}

/// A tag with the values its edit form shows (the stored ones, or what was just refused).
#[derive(Serialize)]
struct TagRow {
    #[serde(flatten)]
    tag: TagInfo,
    form: TagForm,
}

/// A form of the tags page shown again with its errors.
struct ActiveTagForm {
    name: String,
    form: TagForm,
    errors: FieldErrors,
}

const DEFAULT_COLOR: &str = "#0031d8";

async fn tags_page(
    state: &AppState,
    page: &PageContext,
    identity: &Identity,
    slug: &str,
    active: Option<ActiveTagForm>,
) -> Result<HttpResponse, AppError> {
    let actor = identity.user.actor();
    policy::can_moderate(&actor)?;
    let c = consultations::get(state, Some(actor), slug).await?;
    let list = tags::list(state, Some(actor), &c.slug).await?;
    let active_name = active.as_ref().map(|a| a.name.clone()).unwrap_or_default();
    let rows: Vec<TagRow> = list
        .into_iter()
        .map(|tag| {
            let form = match &active {
                Some(a) if a.name == format!("tag-{}", tag.slug) => a.form.clone(),
                _ => TagForm {
                    slug: tag.slug.clone(),
                    name_ja: tag.name_ja.clone(),
                    name_en: tag.name_en.clone(),
                    color: tag.color.clone(),
                    description: tag.description.clone(),
                },
            };
            TagRow { tag, form }
        })
        .collect();
    let new_form = match &active {
        Some(a) if a.name == "tag-new" => a.form.clone(),
        _ => TagForm {
            color: DEFAULT_COLOR.to_owned(),
            ..TagForm::default()
        },
    };
    let mut ctx = tera::Context::new();
    insert_consultation(&mut ctx, state, &c);
    ctx.insert("tags", &rows);
    ctx.insert("new_tag", &new_form);
    let status = match active {
        Some(form) => {
            ctx.insert("active_form", &active_name);
            ctx.insert("error_prefix", &format!("{active_name}-"));
            insert_errors(&mut ctx, &form.errors);
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
        }
        None => actix_web::http::StatusCode::OK,
    };
    page.render(state, "moderation/tags.html", ctx, status)
}

/// `/c/{slug}/tags`: the consultation's tags with how many ideas carry each (moderators).
#[tracing::instrument(skip_all)]
pub async fn list(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    tags_page(&state, &page, &identity, &path, None).await
}

fn tags_url(slug: &str) -> String {
    format!("/c/{slug}/tags")
}

#[tracing::instrument(skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
    form: web::Form<TagForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let input = TagInput {
        slug: Some(form.slug.clone()),
        name_ja: Some(form.name_ja.clone()),
        name_en: Some(form.name_en.clone()),
        color: Some(form.color.clone()),
        description: Some(form.description.clone()),
    };
    match tags::create(&state, &identity, &path, input).await {
        Ok(_) => Ok(see_other_with_flash(&tags_url(&path), "flash-tag-created")),
        Err(AppError::Validation(errors)) => {
            let active = ActiveTagForm {
                name: "tag-new".to_owned(),
                form,
                errors,
            };
            tags_page(&state, &page, &identity, &path, Some(active)).await
        }
        Err(err) => Err(err),
    }
}

/// Renames, recolours or redescribes a tag (its short name stays).
#[tracing::instrument(skip_all)]
pub async fn update(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<(String, String)>,
    form: web::Form<TagForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, tag) = path.into_inner();
    let mut form = form.into_inner();
    let input = TagInput {
        slug: None,
        name_ja: Some(form.name_ja.clone()),
        name_en: Some(form.name_en.clone()),
        color: Some(form.color.clone()),
        description: Some(form.description.clone()),
    };
    match tags::update(&state, &identity, &slug, &tag, input).await {
        Ok(()) => Ok(see_other_with_flash(&tags_url(&slug), "flash-tag-updated")),
        Err(AppError::Validation(errors)) => {
            form.slug = tag.clone();
            let active = ActiveTagForm {
                name: format!("tag-{tag}"),
                form,
                errors,
            };
            tags_page(&state, &page, &identity, &slug, Some(active)).await
        }
        Err(err) => Err(err),
    }
}

#[derive(Deserialize)]
pub struct TagMergeForm {
    #[serde(default)]
    into: String,
}

/// Folds a tag into another: its ideas get the other tag, then it goes.
#[tracing::instrument(skip_all)]
pub async fn merge(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<(String, String)>,
    form: web::Form<TagMergeForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, tag) = path.into_inner();
    match tags::merge(&state, &identity, &slug, &tag, form.into.trim()).await {
        Ok(()) => Ok(see_other_with_flash(&tags_url(&slug), "flash-tag-merged")),
        Err(AppError::Validation(errors)) => {
            let active = ActiveTagForm {
                name: format!("merge-{tag}"),
                form: TagForm::default(),
                errors,
            };
            tags_page(&state, &page, &identity, &slug, Some(active)).await
        }
        Err(err) => Err(err),
    }
}

/// The confirmation step before deleting a tag (works without JavaScript).
#[tracing::instrument(skip_all)]
pub async fn delete_form(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, tag) = path.into_inner();
    let actor = identity.user.actor();
    policy::can_moderate(&actor)?;
    let c = consultations::get(&state, Some(actor), &slug).await?;
    let found = tags::list(&state, Some(actor), &c.slug)
        .await?
        .into_iter()
        .find(|t| t.slug == tag)
        .ok_or(AppError::NotFound)?;
    let mut ctx = tera::Context::new();
    insert_consultation(&mut ctx, &state, &c);
    ctx.insert("tag", &found);
    page.ok(&state, "moderation/tag_delete.html", ctx)
}

#[tracing::instrument(skip_all)]
pub async fn delete(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, tag) = path.into_inner();
    tags::delete(&state, &identity, &slug, &tag).await?;
    Ok(see_other_with_flash(&tags_url(&slug), "flash-tag-deleted"))
}

/// A form body read as pairs, so that repeated fields (checkboxes) keep every value.
fn pairs(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn idea_ids<'a>(
    pairs: &'a [(String, String)],
    field: &'a str,
) -> impl Iterator<Item = Result<i64, AppError>> + 'a {
    pairs.iter().filter(move |(k, _)| k == field).map(|(_, v)| {
        v.trim()
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or(AppError::BadRequest("error-400"))
    })
}

/// `/ideas/{id}/tags`: the idea's tags as checked on its page (replacing the previous ones).
#[tracing::instrument(skip_all)]
pub async fn set_idea_tags(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let fields = pairs(&body);
    let chosen: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "tags")
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect();
    match tags::set_idea_tags(&state, &identity, IdeaId(id), chosen).await {
        Ok(_) => Ok(see_other_with_flash(
            &format!("/ideas/{id}#moderation"),
            "flash-idea-tags-saved",
        )),
        Err(AppError::Validation(errors)) => field_error_page(&state, &page, &errors),
        Err(err) => Err(err),
    }
}

/// Bulk tagging from the idea list: the checked ideas (or every idea of the page, with "select
/// all") get the chosen tag added or removed, in one action; back to the same filtered list.
#[tracing::instrument(skip_all)]
pub async fn bulk(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    policy::can_moderate(&identity.user.actor())?;
    let slug = path.into_inner();
    let fields = pairs(&body);
    let value = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let list_url = format!("/c/{slug}/ideas");
    let back = back_to(&value("return_to"), &list_url);
    let back = if back == list_url || back.starts_with(&format!("{list_url}?")) {
        back
    } else {
        list_url
    };
    let field = if value("all_on_page").is_empty() {
        "ids"
    } else {
        "page_ids"
    };
    let mut ids = idea_ids(&fields, field).collect::<Result<Vec<i64>, AppError>>()?;
    ids.sort_unstable();
    ids.dedup();
    let tag = value("tag");
    let adding = match value("op").as_str() {
        "add" => true,
        "remove" => false,
        _ => return Err(AppError::BadRequest("error-400")),
    };
    if ids.is_empty() || tag.is_empty() {
        let field = if tag.is_empty() { "tag" } else { "ids" };
        let code = if tag.is_empty() {
            "error-tag-unknown"
        } else {
            "error-bulk-none-selected"
        };
        return field_error_page(&state, &page, &FieldErrors::single(field, code));
    }
    let (add, remove) = if adding {
        (ids, Vec::new())
    } else {
        (Vec::new(), ids)
    };
    match tags::bulk(&state, &identity, &slug, &tag, add, remove).await {
        Ok((added, removed)) => {
            let (key, count) = if adding {
                ("flash-bulk-tagged", added)
            } else {
                ("flash-bulk-untagged", removed)
            };
            Ok(see_other_with_flash_count(&back, key, count as i64))
        }
        Err(AppError::Validation(errors)) => field_error_page(&state, &page, &errors),
        Err(err) => Err(err),
    }
}

/// Registers the tag pages.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/c/{slug}/tags")
            .route(web::get().to(list))
            .route(web::post().to(create)),
    )
    .service(web::resource("/c/{slug}/tags/{tag}").route(web::post().to(update)))
    .service(web::resource("/c/{slug}/tags/{tag}/merge").route(web::post().to(merge)))
    .service(
        web::resource("/c/{slug}/tags/{tag}/delete")
            .route(web::get().to(delete_form))
            .route(web::post().to(delete)),
    )
    .service(web::resource("/c/{slug}/ideas/tagging").route(web::post().to(bulk)))
    .service(web::resource("/ideas/{id}/tags").route(web::post().to(set_idea_tags)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_fields_keep_every_value() {
        let fields = pairs(b"ids=3&ids=5&tag=privacy&ids=x");
        let ids: Vec<_> = idea_ids(&fields, "ids").collect();
        assert_eq!(ids.len(), 3);
        assert!(matches!(ids[0], Ok(3)) && matches!(ids[1], Ok(5)) && ids[2].is_err());
    }
}
