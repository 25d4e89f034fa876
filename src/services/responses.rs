//! Official responses: drafters answer ideas one by one or as a group (a tag, a section, a
//! selection), publish when ready, and authors and supporters are told. Also the disposition
//! table (意見の概要と意見に対する考え方).

use crate::db::models::campaigns as campaign_rows;
use crate::domain::lang::Lang;
use crate::services::campaigns::{Ledger, ledger_in};
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::db::models::consultations::{self, ConsultationRow};
use crate::db::models::responses::{self as rows, NewDispositionRow, NewResponse, ResponseRow};
use crate::db::models::{ideas, tags, users};
pub use crate::db::views::responses::ResponseView;
use crate::db::views::responses::response_view;
use crate::db::{AnyConnection, now};
use crate::domain::fields::{FieldError, FieldErrors};
use crate::domain::identity::Identity;
use crate::domain::ids::{IdeaId, ResponseId, UserId};
use crate::domain::markdown;
use crate::domain::moderation::Visibility;
use crate::domain::policy::{self, Actor};
use crate::domain::response_status::ResponseStatus;
use crate::email::compose::MailKind;
use crate::email::outbox;
use crate::error::AppError;
use crate::services::consultations::load_visible;
use crate::services::context::ServiceContext;

pub const RESPONSE_MAX_CHARS: usize = 20_000;
pub const DISPOSITION_TEXT_MAX_CHARS: usize = 10_000;
pub const DISPOSITION_MAX_ROWS: usize = 1_000;

/// An idea's published answer, and for drafters its pending draft.
#[tracing::instrument(skip_all)]
pub async fn for_idea(
    ctx: &ServiceContext,
    viewer: Option<&Actor>,
    idea: IdeaId,
) -> Result<(Option<ResponseView>, Option<ResponseView>), AppError> {
    let idea = idea.0;
    let drafter = viewer.is_some_and(|a| policy::can_draft(a).is_ok());
    ctx.db
        .read(move |c| {
            let (published, draft) = rows::for_idea(c, idea)?;
            let published = published.map(|r| response_view(c, r)).transpose()?;
            let draft = if drafter {
                draft.map(|r| response_view(c, r)).transpose()?
            } else {
                None
            };
            Ok((published, draft))
        })
        .await
}

/// Published answers for a page of ideas (idea id → status and response).
pub fn published_map(
    conn: &mut AnyConnection,
    idea_ids: &[i64],
) -> Result<HashMap<i64, ResponseRow>, AppError> {
    Ok(rows::published_for(conn, idea_ids)?.into_iter().collect())
}

/// Which ideas a response answers.
#[derive(Clone, Debug)]
pub enum Group {
    Idea(i64),
    /// Every visible idea of the consultation carrying the tag.
    Tag(String),
    /// Every visible idea pointing at the section.
    Section(String),
    Selection(Vec<i64>),
    /// Every visible submission of a campaign: the copies of one letter answered at once.
    Campaign(i64),
}

/// A response as submitted.
#[derive(Clone, Debug)]
pub struct ResponseInput {
    pub status: String,
    pub body: String,
    pub section: Option<String>,
    pub publish: bool,
}

fn parse(
    input: &ResponseInput,
    sections: &[String],
) -> Result<(String, String, Option<String>), AppError> {
    let mut errors = FieldErrors::new();
    let status = input.status.trim();
    if ResponseStatus::parse(status).is_none() {
        errors.push(FieldError::new("status", "error-status-invalid"));
    }
    let body = input.body.trim();
    if body.is_empty() {
        errors.push(FieldError::new("body", "error-required"));
    } else if body.chars().count() > RESPONSE_MAX_CHARS {
        errors.push(FieldError::new("body", "error-too-long"));
    }
    let section = input
        .section
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    if section.as_ref().is_some_and(|s| !sections.contains(s)) {
        errors.push(FieldError::new("section", "error-section-unknown"));
    }
    errors.into_result()?;
    Ok((status.to_owned(), body.to_owned(), section))
}

fn resolve_group(
    conn: &mut AnyConnection,
    consultation: &ConsultationRow,
    group: &Group,
) -> Result<Vec<i64>, AppError> {
    let visible = |conn: &mut AnyConnection, ids: Vec<i64>| -> Result<Vec<i64>, AppError> {
        let mut out = Vec::new();
        for id in ids {
            if let Some(idea) = ideas::find(conn, id)?
                && idea.consultation_id == consultation.id
                && idea.visibility() == Visibility::Visible
            {
                out.push(id);
            }
        }
        Ok(out)
    };
    let ids = match group {
        Group::Idea(id) => {
            let found = visible(conn, vec![*id])?;
            if found.is_empty() {
                return Err(AppError::NotFound);
            }
            found
        }
        Group::Selection(ids) => {
            if ids.is_empty() || ids.len() > 5_000 {
                return Err(AppError::validation("ideas", "error-selection-invalid"));
            }
            let found = visible(conn, ids.clone())?;
            if found.len() != ids.iter().collect::<std::collections::HashSet<_>>().len() {
                return Err(AppError::validation(
                    "ideas",
                    "error-idea-not-in-consultation",
                ));
            }
            found
        }
        Group::Tag(slug) => {
            let tag = tags::find(conn, consultation.id, slug)?
                .ok_or(AppError::validation("tag", "error-tag-unknown"))?;
            let tagged = tags::ideas_with(conn, tag.id)?;
            visible(conn, tagged)?
        }
        Group::Campaign(id) => {
            let campaign = campaign_rows::find(conn, *id)?
                .filter(|c| c.consultation_id == consultation.id)
                .ok_or(AppError::validation("campaign", "error-campaign-unknown"))?;
            let members = campaign_rows::members(conn, campaign.id)?;
            visible(conn, members)?
        }
        Group::Section(key) => {
            if !consultations::list_sections(conn, consultation.id)?
                .iter()
                .any(|s| &s.key == key)
            {
                return Err(AppError::validation("section", "error-section-unknown"));
            }
            let filter = ideas::IdeaFilter {
                section: Some(key.clone()),
                ..Default::default()
            };
            ideas::list(
                conn,
                consultation.id,
                &filter,
                crate::domain::listing::Sort::New,
                None,
                100_000,
            )?
            .into_iter()
            .map(|(row, _)| row.id)
            .collect()
        }
    };
    if ids.is_empty() {
        return Err(AppError::validation("ideas", "error-group-empty"));
    }
    Ok(ids)
}

#[derive(Serialize)]
struct AnswerMail<'a> {
    display_name: &'a str,
    consultation: &'a str,
    status: String,
    ideas: Vec<ListedIdea>,
}

#[derive(Serialize)]
struct ListedIdea {
    receipt: String,
    title: String,
    link: String,
}

/// Publishes a response: it becomes its ideas' answer, their status follows, and every
/// author and supporter gets one email in their language.
fn publish_in(
    conn: &mut AnyConnection,
    ctx: &ServiceContext,
    response: &ResponseRow,
    consultation: &ConsultationRow,
) -> Result<usize, AppError> {
    let at = now();
    if rows::mark_published(conn, response.id, at)? == 0 {
        return Ok(0);
    }
    let idea_ids = rows::ideas_of(conn, response.id)?;
    rows::unlink_others(conn, &idea_ids, response.id)?;
    rows::delete_orphans(conn, consultation.id)?;
    rows::set_idea_status(conn, &idea_ids, &response.status)?;
    let mut by_person: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (person, idea) in rows::audience(conn, &idea_ids)? {
        by_person.entry(person).or_default().push(idea);
    }
    for (person, person_ideas) in by_person {
        let Some(user) = users::find(conn, UserId(person))? else {
            continue;
        };
        let Some(email) = user.email.clone() else {
            continue;
        };
        let lang = user.language().unwrap_or(ctx.settings.default_language);
        let mut listed = Vec::new();
        for id in person_ideas.iter().take(20) {
            if let Some(idea) = ideas::find(conn, *id)? {
                listed.push(ListedIdea {
                    receipt: idea.receipt,
                    title: idea.title,
                    link: ctx.settings.absolute(&format!("/ideas/{id}")),
                });
            }
        }
        let mail = ctx.mail.compose(
            lang,
            MailKind::ResponsePublished,
            &AnswerMail {
                display_name: user.display_name.as_deref().unwrap_or(""),
                consultation: &consultation.title,
                status: crate::i18n::text(lang, &format!("response-status-{}", response.status)),
                ideas: listed,
            },
        )?;
        outbox::enqueue(conn, Some(user.id()), &email, &mail)?;
    }
    Ok(1)
}

/// Writes (and optionally publishes) a response for a group of ideas. For one idea that
/// already has its own unpublished answer, that draft is updated in place.
#[tracing::instrument(skip_all)]
pub async fn respond(
    ctx: &ServiceContext,
    identity: &Identity,
    slug: &str,
    group: Group,
    input: ResponseInput,
) -> Result<ResponseView, AppError> {
    let actor = identity.user.actor();
    policy::can_draft(&actor)?;
    let user = identity.user.id.0;
    let slug = slug.to_owned();
    let st = ctx.clone();
    let result = ctx
        .db
        .write(move |c| {
            let consultation = load_visible(c, &slug, Some(&actor))?;
            let sections: Vec<String> = consultations::list_sections(c, consultation.id)?
                .into_iter()
                .map(|s| s.key)
                .collect();
            let (status, body, section) = parse(&input, &sections)?;
            let idea_ids = resolve_group(c, &consultation, &group)?;
            let html = markdown::render_user(&body);
            let at = now();
            // An idea's own draft is edited rather than duplicated.
            let existing_draft = match group {
                Group::Idea(id) => rows::for_idea(c, id)?.1.filter(|d| {
                    rows::ideas_of(c, d.id)
                        .map(|i| i == vec![id])
                        .unwrap_or(false)
                }),
                _ => None,
            };
            let response_id = match existing_draft {
                Some(draft) => {
                    rows::update_content(
                        c,
                        draft.id,
                        &status,
                        &body,
                        &html,
                        section.as_deref(),
                        at,
                    )?;
                    draft.id
                }
                None => {
                    let id = rows::insert(
                        c,
                        &NewResponse {
                            consultation_id: consultation.id,
                            status: &status,
                            body: &body,
                            body_html: &html,
                            section_key: section.as_deref(),
                            author_id: Some(user),
                            created_at: at,
                            updated_at: at,
                        },
                    )?;
                    rows::link(c, id, &idea_ids)?;
                    rows::unlink_other_drafts(c, &idea_ids, id)?;
                    rows::delete_orphans(c, consultation.id)?;
                    id
                }
            };
            let row = rows::find(c, response_id)?.ok_or(AppError::NotFound)?;
            if input.publish {
                publish_in(c, &st, &row, &consultation)?;
            }
            let row = rows::find(c, response_id)?.ok_or(AppError::NotFound)?;
            response_view(c, row)
        })
        .await?;
    ctx.mail.wake();
    Ok(result)
}

/// Publishes every draft response of a consultation; returns how many were published.
#[tracing::instrument(skip_all)]
pub async fn publish_all(
    ctx: &ServiceContext,
    identity: &Identity,
    slug: &str,
) -> Result<usize, AppError> {
    let actor = identity.user.actor();
    policy::can_draft(&actor)?;
    let slug = slug.to_owned();
    let st = ctx.clone();
    let published = ctx
        .db
        .write(move |c| {
            let consultation = load_visible(c, &slug, Some(&actor))?;
            let mut count = 0;
            for draft in rows::drafts(c, consultation.id)? {
                count += publish_in(c, &st, &draft, &consultation)?;
            }
            Ok(count)
        })
        .await?;
    ctx.mail.wake();
    tracing::info!(published, "responses published");
    Ok(published)
}

/// Publishes one response.
#[tracing::instrument(skip_all)]
pub async fn publish_one(
    ctx: &ServiceContext,
    identity: &Identity,
    response: ResponseId,
) -> Result<(), AppError> {
    let response = response.0;
    let actor = identity.user.actor();
    policy::can_draft(&actor)?;
    let st = ctx.clone();
    ctx.db
        .write(move |c| {
            let row = rows::find(c, response)?.ok_or(AppError::NotFound)?;
            let consultation = consultations::find(c, row.consultation_id)?;
            if row.published_at.is_some() {
                return Err(AppError::Conflict("error-already-published"));
            }
            publish_in(c, &st, &row, &consultation).map(|_| ())
        })
        .await?;
    ctx.mail.wake();
    Ok(())
}

/// Draft responses of a consultation, for the drafters' page.
#[tracing::instrument(skip_all)]
pub async fn drafts(
    ctx: &ServiceContext,
    identity: &Identity,
    slug: &str,
) -> Result<Vec<(ResponseView, Vec<i64>)>, AppError> {
    let actor = identity.user.actor();
    policy::can_draft(&actor)?;
    let slug = slug.to_owned();
    ctx.db
        .read(move |c| {
            let consultation = load_visible(c, &slug, Some(&actor))?;
            let mut out = Vec::new();
            for draft in rows::drafts(c, consultation.id)? {
                let ideas = rows::ideas_of(c, draft.id)?;
                out.push((response_view(c, draft)?, ideas));
            }
            Ok(out)
        })
        .await
}

/// One row of the disposition table with what it covers.
#[derive(Clone, Debug, Serialize)]
pub struct DispositionRowView {
    pub position: i32,
    pub section: Option<String>,
    pub section_heading: Option<String>,
    pub tag: Option<String>,
    pub summary: String,
    pub view: String,
    pub idea_ids: Vec<i64>,
    pub receipts: Vec<String>,
    pub idea_count: usize,
    pub supporter_count: i64,
}

/// The disposition table of a consultation.
#[derive(Clone, Debug, Serialize)]
pub struct Disposition {
    pub consultation: String,
    pub title: String,
    pub published: bool,
    pub published_at: Option<NaiveDateTime>,
    pub rows: Vec<DispositionRowView>,
    /// Visible ideas no row covers yet (drafters only; empty for the public).
    pub uncovered: Vec<(i64, String, String)>,
    /// The four counts the table answers, with their rule (in Japanese; pages restate it
    /// in the reader's language).
    pub counts: Ledger,
}

fn build_disposition(
    conn: &mut AnyConnection,
    consultation: &ConsultationRow,
    for_staff: bool,
) -> Result<Disposition, AppError> {
    let published_at = rows::disposition_published(conn, consultation.id)?;
    let sections = consultations::list_sections(conn, consultation.id)?;
    let tag_rows = tags::list(conn, consultation.id)?;
    let mut covered = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (row, idea_ids) in rows::disposition(conn, consultation.id)? {
        let mut receipts = Vec::new();
        let mut shown = Vec::new();
        for id in &idea_ids {
            covered.insert(*id);
            if let Some(idea) = ideas::find(conn, *id)?
                && (for_staff || idea.visibility() == Visibility::Visible)
            {
                receipts.push(idea.receipt);
                shown.push(*id);
            }
        }
        let supporter_count = rows::supporters_of(conn, &shown)?;
        out.push(DispositionRowView {
            position: row.position,
            section_heading: row.section_key.as_ref().and_then(|k| {
                sections
                    .iter()
                    .find(|s| &s.key == k)
                    .map(|s| s.heading.clone())
            }),
            section: row.section_key,
            tag: row
                .tag_id
                .and_then(|t| tag_rows.iter().find(|r| r.id == t).map(|r| r.slug.clone())),
            summary: row.summary,
            view: row.view,
            idea_count: shown.len(),
            idea_ids: shown,
            receipts,
            supporter_count,
        });
    }
    let uncovered = if for_staff {
        let all = ideas::list(
            conn,
            consultation.id,
            &ideas::IdeaFilter::default(),
            crate::domain::listing::Sort::New,
            None,
            100_000,
        )?;
        all.into_iter()
            .filter(|(row, _)| !covered.contains(&row.id))
            .map(|(row, _)| (row.id, row.receipt, row.title))
            .collect()
    } else {
        Vec::new()
    };
    Ok(Disposition {
        consultation: consultation.slug.clone(),
        title: consultation.title.clone(),
        published: published_at.is_some(),
        published_at,
        rows: out,
        uncovered,
        counts: ledger_in(conn, consultation, Lang::Ja)?,
    })
}

/// The table inside a read: `NotFound` for non-drafters until it is published.
pub fn disposition_sync(
    conn: &mut AnyConnection,
    consultation: &ConsultationRow,
    drafter: bool,
) -> Result<Disposition, AppError> {
    let table = build_disposition(conn, consultation, drafter)?;
    if !drafter && !table.published {
        return Err(AppError::NotFound);
    }
    Ok(table)
}

/// The table: drafters always (with the ideas no row covers), everyone else once published.
#[tracing::instrument(skip_all)]
pub async fn disposition(
    ctx: &ServiceContext,
    viewer: Option<Actor>,
    slug: &str,
) -> Result<Disposition, AppError> {
    let staff = viewer
        .as_ref()
        .is_some_and(|a| policy::can_draft(a).is_ok());
    let slug = slug.to_owned();
    ctx.db
        .read(move |c| {
            let consultation = load_visible(c, &slug, viewer.as_ref())?;
            let table = build_disposition(c, &consultation, staff)?;
            if !staff && !table.published {
                return Err(AppError::NotFound);
            }
            Ok(table)
        })
        .await
}

/// One row as submitted.
#[derive(Clone, Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RowInput {
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub view: String,
    #[serde(default)]
    pub idea_ids: Vec<i64>,
    pub section: Option<String>,
    pub tag: Option<String>,
}

/// Saves the whole table; `published` publishes it (or takes it back with `false`).
#[tracing::instrument(skip_all)]
pub async fn save_disposition(
    ctx: &ServiceContext,
    identity: &Identity,
    slug: &str,
    input: Vec<RowInput>,
    published: Option<bool>,
) -> Result<Disposition, AppError> {
    let actor = identity.user.actor();
    policy::can_draft(&actor)?;
    if input.len() > DISPOSITION_MAX_ROWS {
        return Err(AppError::validation("rows", "error-too-many"));
    }
    let slug = slug.to_owned();
    ctx.db
        .write(move |c| {
            let consultation = load_visible(c, &slug, Some(&actor))?;
            let sections: Vec<String> = consultations::list_sections(c, consultation.id)?
                .into_iter()
                .map(|s| s.key)
                .collect();
            let mut errors = FieldErrors::new();
            let mut tag_ids = Vec::new();
            for row in &input {
                let text_ok = |t: &str| {
                    !t.trim().is_empty() && t.chars().count() <= DISPOSITION_TEXT_MAX_CHARS
                };
                if !text_ok(&row.summary) {
                    errors.push(FieldError::new("summary", "error-required"));
                }
                if !text_ok(&row.view) {
                    errors.push(FieldError::new("view", "error-required"));
                }
                if row.section.as_ref().is_some_and(|s| !sections.contains(s)) {
                    errors.push(FieldError::new("section", "error-section-unknown"));
                }
                let tag_id = match &row.tag {
                    None => None,
                    Some(slug) => match tags::find(c, consultation.id, slug)? {
                        Some(t) => Some(t.id),
                        None => {
                            errors.push(FieldError::new("tag", "error-tag-unknown"));
                            None
                        }
                    },
                };
                tag_ids.push(tag_id);
                for id in &row.idea_ids {
                    let ok = ideas::find(c, *id)?.is_some_and(|i| {
                        i.consultation_id == consultation.id
                            && i.visibility() == Visibility::Visible
                    });
                    if !ok {
                        errors.push(FieldError::new(
                            "idea_ids",
                            "error-idea-not-in-consultation",
                        ));
                        break;
                    }
                }
            }
            errors.into_result()?;
            let new_rows: Vec<NewDispositionRow> = input
                .iter()
                .zip(&tag_ids)
                .map(|(r, tag)| NewDispositionRow {
                    section_key: r.section.as_deref(),
                    tag_id: *tag,
                    summary: r.summary.trim(),
                    view: r.view.trim(),
                    idea_ids: &r.idea_ids,
                })
                .collect();
            let at = now();
            rows::replace_disposition(c, consultation.id, &new_rows, at)?;
            match published {
                Some(true) => {
                    rows::set_disposition_published(c, consultation.id, Some(at))?;
                }
                Some(false) => {
                    rows::set_disposition_published(c, consultation.id, None)?;
                }
                None => {}
            }
            build_disposition(c, &consultation, true)
        })
        .await
}

/// Answers one idea (finds its consultation first).
#[tracing::instrument(skip_all)]
pub async fn respond_to_idea(
    ctx: &ServiceContext,
    identity: &Identity,
    idea: IdeaId,
    input: ResponseInput,
) -> Result<ResponseView, AppError> {
    let idea = idea.0;
    policy::can_draft(&identity.user.actor())?;
    let slug = ctx
        .db
        .read(move |c| {
            let row = ideas::find(c, idea)?.ok_or(AppError::NotFound)?;
            Ok(consultations::find(c, row.consultation_id)?.slug)
        })
        .await?;
    respond(ctx, identity, &slug, Group::Idea(idea), input).await
}
