//! Ideas: posting (with a receipt), reading, listing, the author's edit window, withdrawal.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::analysis::campaigns;
use crate::db::models::consultations::{self, ConsultationRow};
use crate::db::models::ideas::{self, IdeaFilter, IdeaRow, NewIdea};
use crate::db::models::{tags as tag_rows, votes};
use crate::db::{AnyConnection, now, search};
use crate::domain::consultation::Phase;
use crate::domain::content::{self, IdeaBody, IdeaTitle, VoteValue};
use crate::domain::fields::{FieldError, FieldErrors};
use crate::domain::identity::Identity;
use crate::domain::ids::IdeaId;
use crate::domain::lang::Lang;
use crate::domain::listing::{Cursor, Sort, parse_limit};
use crate::domain::markdown;
use crate::domain::moderation::{self, View, Visibility};
use crate::domain::policy::{self, Actor};
use crate::domain::response_status::ResponseStatus;
use crate::domain::submission::Channel;
use crate::email::compose::MailKind;
use crate::email::outbox;
use crate::error::AppError;
use crate::rate_limit::IDEAS_PER_ACCOUNT;
use crate::services::consultations::{load_visible, phase_of};
use crate::services::context::ServiceContext;
use crate::services::screening;

const EXCERPT_CHARS: usize = 200;
/// Pinned ideas shown at the top of a consultation's default list.
const MAX_PINNED: i64 = 10;

/// Who wrote something, as the public sees it.
#[derive(Clone, Debug, Serialize)]
pub struct AuthorView {
    /// `None` once the author deleted their account ("deleted participant").
    pub display_name: Option<String>,
}

/// A tag on an idea.
#[derive(Clone, Debug, Serialize)]
pub struct TagView {
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
    pub color: String,
}

/// An idea as lists show it.
#[derive(Clone, Debug, Serialize)]
pub struct IdeaSummary {
    pub id: i64,
    pub receipt: String,
    pub consultation: String,
    pub section: Option<String>,
    pub title: String,
    pub excerpt: String,
    pub status: String,
    pub response_status: Option<String>,
    pub support_count: i32,
    pub oppose_count: i32,
    pub comment_count: i32,
    pub created_at: NaiveDateTime,
    pub edited: bool,
    pub author: AuthorView,
    pub tags: Vec<TagView>,
    pub my_vote: Option<VoteValue>,
    pub pinned: bool,
    pub locked: bool,
    /// How it arrived; a submission received outside the site shows by its channel, never
    /// by an author.
    pub channel: Channel,
    /// When the ministry received it.
    pub received_at: NaiveDateTime,
    /// The campaign of copies of the same letter it belongs to, if any.
    pub campaign: Option<CampaignRef>,
}

/// A campaign as an idea names it.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct CampaignRef {
    pub id: i64,
    /// Submissions in the campaign.
    pub size: i64,
}

/// Fills in the sizes of the campaigns a page of ideas names (one query).
pub fn fill_campaign_sizes(
    conn: &mut AnyConnection,
    ideas: &mut [&mut IdeaSummary],
) -> Result<(), AppError> {
    let ids: Vec<i64> = ideas
        .iter()
        .filter_map(|i| i.campaign.map(|c| c.id))
        .collect();
    let sizes: HashMap<i64, i64> = crate::db::models::campaigns::sizes(conn, &ids)?
        .into_iter()
        .collect();
    for idea in ideas.iter_mut() {
        idea.campaign = idea
            .campaign
            .and_then(|c| sizes.get(&c.id).map(|&size| CampaignRef { id: c.id, size }));
    }
    Ok(())
}

/// An idea with everything its page needs.
#[derive(Clone, Debug, Serialize)]
pub struct IdeaDetail {
    #[serde(flatten)]
    pub summary: IdeaSummary,
    pub body: String,
    pub body_html: String,
    pub consultation_title: String,
    pub phase: Phase,
    pub edited_at: Option<NaiveDateTime>,
    pub withdrawn_at: Option<NaiveDateTime>,
    /// Set when the viewer wrote it: until when they may still edit it.
    pub editable_until: Option<NaiveDateTime>,
    pub is_mine: bool,
    pub revision_count: usize,
    pub visibility: Visibility,
    /// For hidden ideas: the reason the moderators gave (public, shown on the tombstone).
    pub hidden_reason: Option<String>,
    /// The viewer sees only a tombstone: title, text and author are withheld.
    pub tombstone: bool,
    /// The official answer, once published.
    pub response: Option<crate::db::views::responses::ResponseView>,
    /// For drafters: an answer written but not yet published.
    pub response_draft: Option<crate::db::views::responses::ResponseView>,
}

/// One page of a list.
#[derive(Clone, Debug, Serialize)]
pub struct IdeaPage {
    pub items: Vec<IdeaSummary>,
    pub next_cursor: Option<String>,
}

/// An idea row as lists show it.
pub fn summary(
    row: &IdeaRow,
    author: Option<String>,
    consultation: &str,
    tags: Vec<TagView>,
    my_vote: Option<VoteValue>,
) -> IdeaSummary {
    IdeaSummary {
        id: row.id,
        receipt: row.receipt.clone(),
        consultation: consultation.to_owned(),
        section: row.section_key.clone(),
        title: row.title.clone(),
        excerpt: markdown::plain_text(&row.body, EXCERPT_CHARS),
        status: row.status.clone(),
        response_status: row.response_status.clone(),
        support_count: row.support_count,
        oppose_count: row.oppose_count,
        comment_count: row.comment_count,
        created_at: row.created_at,
        edited: row.edited_at.is_some(),
        author: AuthorView {
            display_name: author,
        },
        tags,
        my_vote,
        pinned: row.pinned_at.is_some(),
        locked: row.locked_at.is_some(),
        channel: row.channel(),
        received_at: row.received(),
        // The size is filled in by `fill_campaign_sizes`.
        campaign: row.campaign_id.map(|id| CampaignRef { id, size: 0 }),
    }
}

fn tags_by_idea(
    conn: &mut AnyConnection,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<TagView>>, AppError> {
    let mut map: HashMap<i64, Vec<TagView>> = HashMap::new();
    for (idea, slug, name_ja, name_en, color) in ideas::tags_of(conn, ids)? {
        map.entry(idea).or_default().push(TagView {
            slug,
            name_ja,
            name_en,
            color,
        });
    }
    Ok(map)
}

pub fn my_votes(
    conn: &mut AnyConnection,
    viewer: Option<i64>,
    ids: &[i64],
) -> Result<HashMap<i64, VoteValue>, AppError> {
    let Some(user) = viewer else {
        return Ok(HashMap::new());
    };
    Ok(votes::mine(conn, user, ids)?
        .into_iter()
        .filter_map(|(idea, v)| VoteValue::from_i32(v).map(|v| (idea, v)))
        .collect())
}

/// The idea and its consultation, if the viewer may see them (ideas of drafts are staff-only).
pub fn load_idea(
    conn: &mut AnyConnection,
    id: i64,
    viewer: Option<&Actor>,
) -> Result<(IdeaRow, Option<String>, ConsultationRow), AppError> {
    let (idea, author) = ideas::find_with_author(conn, id)?.ok_or(AppError::NotFound)?;
    let consultation = consultations::find(conn, idea.consultation_id)?;
    if !crate::services::consultations::visible_to(&consultation, viewer) {
        return Err(AppError::NotFound);
    }
    Ok((idea, author, consultation))
}

/// The idea page's data: the idea itself, a tombstone if it is hidden, a redirect if it was
/// merged, nothing if it awaits approval (except for its author and the moderators).
#[tracing::instrument(skip_all)]
pub async fn get(
    ctx: &ServiceContext,
    viewer: Option<&Identity>,
    id: IdeaId,
) -> Result<IdeaDetail, AppError> {
    let actor = viewer.map(|v| v.user.actor());
    let viewer_id = viewer.map(|v| v.user.id.0);
    ctx.db.read(move |c| get_in(c, actor, viewer_id, id)).await
}

/// `get` on a connection already at hand (pages that read several things at once).
pub fn get_in(
    c: &mut AnyConnection,
    actor: Option<Actor>,
    viewer_id: Option<i64>,
    id: IdeaId,
) -> Result<IdeaDetail, AppError> {
    let id = id.0;
    let (idea, author, consultation) = load_idea(c, id, actor.as_ref())?;
    let is_moderator = actor.is_some_and(|a| policy::can_moderate(&a).is_ok());
    match moderation::view_of(
        idea.visibility(),
        viewer_id == Some(idea.author_id),
        is_moderator,
    ) {
        View::Absent => Err(AppError::NotFound),
        View::Redirect => Err(AppError::MovedIdea(idea.merged_into_id.unwrap_or(idea.id))),
        View::Tombstone => {
            let mut d = detail(c, idea, None, &consultation, viewer_id)?;
            d.tombstone = true;
            d.summary.title = String::new();
            d.summary.excerpt = String::new();
            d.summary.tags.clear();
            d.body = String::new();
            d.body_html = String::new();
            d.editable_until = None;
            Ok(d)
        }
        View::Full => {
            let mut d = detail(c, idea, author, &consultation, viewer_id)?;
            let (published, draft) = crate::db::models::responses::for_idea(c, id)?;
            let drafter = actor
                .as_ref()
                .is_some_and(|a: &Actor| policy::can_draft(a).is_ok());
            d.response = published
                .map(|r| crate::db::views::responses::response_view(c, r))
                .transpose()?;
            if drafter {
                d.response_draft = draft
                    .map(|r| crate::db::views::responses::response_view(c, r))
                    .transpose()?;
            }
            Ok(d)
        }
    }
}

fn detail(
    conn: &mut AnyConnection,
    idea: IdeaRow,
    author: Option<String>,
    consultation: &ConsultationRow,
    viewer: Option<i64>,
) -> Result<IdeaDetail, AppError> {
    let tags = tags_by_idea(conn, &[idea.id])?
        .remove(&idea.id)
        .unwrap_or_default();
    let my_vote = my_votes(conn, viewer, &[idea.id])?.remove(&idea.id);
    let revision_count = ideas::revisions(conn, idea.id)?.len();
    let is_mine = viewer == Some(idea.author_id);
    let at = now();
    let phase = phase_of(consultation, at);
    let editable = is_mine
        && idea.visibility() == Visibility::Visible
        && policy::can_edit(
            true,
            content::within_edit_window(idea.created_at, at),
            phase,
            idea.is_withdrawn(),
        )
        .is_ok();
    let visibility = idea.visibility();
    let hidden_reason = idea.hidden_reason.clone();
    let mut summary = summary(&idea, author, &consultation.slug, tags, my_vote);
    fill_campaign_sizes(conn, &mut [&mut summary])?;
    Ok(IdeaDetail {
        summary,
        editable_until: editable.then(|| idea.created_at + content::EDIT_WINDOW),
        body: idea.body,
        body_html: idea.body_html,
        consultation_title: consultation.title.clone(),
        phase,
        edited_at: idea.edited_at,
        withdrawn_at: idea.withdrawn_at,
        is_mine,
        revision_count,
        visibility,
        hidden_reason,
        tombstone: false,
        response: None,
        response_draft: None,
    })
}

/// An idea as submitted.
pub struct IdeaInput<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub section: Option<&'a str>,
}

/// Parses an idea against the consultation's sections, reporting every problem at once.
fn parse_input(
    conn: &mut AnyConnection,
    consultation: i64,
    input: &IdeaInput<'_>,
) -> Result<(IdeaTitle, IdeaBody, Option<String>), AppError> {
    let mut errors = FieldErrors::new();
    let title = errors.take(IdeaTitle::parse("title", input.title));
    let body = errors.take(IdeaBody::parse("body", input.body));
    let section = match input.section.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(key) => {
            let known = consultations::list_sections(conn, consultation)?
                .iter()
                .any(|s| s.key == key);
            if !known {
                errors.push(FieldError::new("section", "error-section-unknown"));
            }
            Some(key.to_owned())
        }
    };
    match (title, body) {
        (Some(t), Some(b)) if errors.is_empty() => Ok((t, b, section)),
        _ => Err(AppError::Validation(errors)),
    }
}

#[derive(Serialize)]
struct ReceiptMail<'a> {
    display_name: &'a str,
    link: String,
    receipt: &'a str,
    title: &'a str,
    consultation: &'a str,
}

/// Posts an idea on an open consultation; the author gets a receipt number on the page and
/// by email.
#[tracing::instrument(skip_all)]
pub async fn post(
    ctx: &ServiceContext,
    identity: &Identity,
    slug: &str,
    input: IdeaInput<'_>,
    lang: Lang,
) -> Result<IdeaDetail, AppError> {
    let actor = identity.user.actor();
    if policy::can_take_part(&actor).is_ok() {
        ctx.limiter
            .hit(IDEAS_PER_ACCOUNT, &identity.user.id.to_string())
            .await?;
    }
    let user = identity.user.clone();
    let slug = slug.to_owned();
    let title = input.title.to_owned();
    let body = input.body.to_owned();
    let section = input.section.map(str::to_owned);
    let st = ctx.clone();
    let detail = ctx
        .db
        .write(move |c| {
            let consultation = load_visible(c, &slug, Some(&actor))?;
            policy::can_contribute(Some(&actor), phase_of(&consultation, now()))?;
            let input = IdeaInput {
                title: &title,
                body: &body,
                section: section.as_deref(),
            };
            let (title, body, section) = parse_input(c, consultation.id, &input)?;
            let text = format!("{}\n{}", title.as_str(), body.as_str());
            screening::refuse_links_from_new_accounts(c, user.id, &text, "body")?;
            let visibility = screening::visibility_for(c, consultation.premoderation, &text)?;
            let at = now();
            let body_html = markdown::render_user(body.as_str());
            // The receipt is made from the id, so the id is reserved first.
            let id = ideas::reserve_id(c)?;
            let receipt = content::receipt_number(id, at);
            ideas::insert_many(
                c,
                &[NewIdea {
                    id,
                    consultation_id: consultation.id,
                    author_id: user.id.0,
                    section_key: section.as_deref(),
                    receipt: &receipt,
                    title: title.as_str(),
                    body: body.as_str(),
                    body_html: &body_html,
                    created_at: at,
                    updated_at: at,
                    visibility: visibility.as_str(),
                    channel: Channel::Web.as_str(),
                    received_at: None,
                    text_key: Some(campaigns::text_key(body.as_str()) as i64),
                    import_id: None,
                    import_line: None,
                }],
            )?;
            let mail = st.mail.compose(
                user.language.unwrap_or(lang),
                MailKind::IdeaReceipt,
                &ReceiptMail {
                    display_name: &user.display_name,
                    link: st.settings.absolute(&format!("/ideas/{id}")),
                    receipt: &receipt,
                    title: title.as_str(),
                    consultation: &consultation.title,
                },
            )?;
            outbox::enqueue(c, Some(user.id), &user.email, &mail)?;
            let (idea, author) = ideas::find_with_author(c, id)?.ok_or(AppError::NotFound)?;
            detail(c, idea, author, &consultation, Some(user.id.0))
        })
        .await?;
    tracing::info!(idea = detail.summary.id, receipt = %detail.summary.receipt, "idea posted");
    ctx.mail.wake();
    Ok(detail)
}

/// The author corrects their idea within 30 minutes; the previous text is kept.
#[tracing::instrument(skip_all)]
pub async fn edit(
    ctx: &ServiceContext,
    identity: &Identity,
    id: IdeaId,
    input: IdeaInput<'_>,
) -> Result<IdeaDetail, AppError> {
    let id = id.0;
    let actor = identity.user.actor();
    let user_id = identity.user.id.0;
    let title = input.title.to_owned();
    let body = input.body.to_owned();
    let section = input.section.map(str::to_owned);
    ctx.db
        .write(move |c| {
            let (idea, _, consultation) = load_idea(c, id, Some(&actor))?;
            let at = now();
            policy::can_edit(
                idea.author_id == user_id,
                content::within_edit_window(idea.created_at, at),
                phase_of(&consultation, at),
                idea.is_withdrawn(),
            )?;
            let input = IdeaInput {
                title: &title,
                body: &body,
                section: section.as_deref(),
            };
            let (title, body, section) = parse_input(c, consultation.id, &input)?;
            let body_html = markdown::render_user(body.as_str());
            ideas::save_edit(
                c,
                &idea,
                title.as_str(),
                body.as_str(),
                &body_html,
                section.as_deref(),
                at,
            )?;
            let (idea, author) = ideas::find_with_author(c, id)?.ok_or(AppError::NotFound)?;
            detail(c, idea, author, &consultation, Some(user_id))
        })
        .await
}

/// The author withdraws their idea: it stays readable, marked withdrawn, and takes no votes.
#[tracing::instrument(skip_all)]
pub async fn withdraw(
    ctx: &ServiceContext,
    identity: &Identity,
    id: IdeaId,
) -> Result<IdeaDetail, AppError> {
    let id = id.0;
    let actor = identity.user.actor();
    let user_id = identity.user.id.0;
    ctx.db
        .write(move |c| {
            let (idea, _, consultation) = load_idea(c, id, Some(&actor))?;
            if idea.author_id != user_id {
                return Err(AppError::Forbidden("error-not-author"));
            }
            if idea.is_withdrawn() {
                return Err(AppError::Conflict("error-idea-withdrawn"));
            }
            ideas::withdraw(c, id, now())?;
            let (idea, author) = ideas::find_with_author(c, id)?.ok_or(AppError::NotFound)?;
            detail(c, idea, author, &consultation, Some(user_id))
        })
        .await
}

/// The earlier versions of an idea (public: edits are transparent).
#[tracing::instrument(skip_all)]
pub async fn revisions(
    ctx: &ServiceContext,
    viewer: Option<Actor>,
    id: IdeaId,
) -> Result<Vec<ideas::Revision>, AppError> {
    ctx.db.read(move |c| revisions_in(c, viewer, id)).await
}

/// `revisions` on a connection already at hand.
pub fn revisions_in(
    c: &mut AnyConnection,
    viewer: Option<Actor>,
    id: IdeaId,
) -> Result<Vec<ideas::Revision>, AppError> {
    load_idea(c, id.0, viewer.as_ref())?;
    Ok(ideas::revisions(c, id.0)?)
}

/// A list request as received (query string or API), before validation.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    pub sort: Option<String>,
    pub section: Option<String>,
    pub tag: Option<String>,
    pub status: Option<String>,
    pub q: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<String>,
}

/// A validated list request.
#[derive(Clone, Debug)]
pub struct ParsedList {
    pub sort: Sort,
    pub section: Option<String>,
    pub tag: Option<String>,
    pub status: Option<String>,
    pub q: Option<String>,
    pub cursor: Option<Cursor>,
    pub limit: i64,
}

fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Unknown sorts, statuses and malformed cursors or limits are refused, not defaulted.
pub fn parse_list(query: &ListQuery) -> Result<ParsedList, AppError> {
    let sort = match non_empty(&query.sort) {
        None => Sort::New,
        Some(s) => Sort::parse(&s).ok_or(AppError::BadRequest("error-sort-invalid"))?,
    };
    let status = non_empty(&query.status);
    if status
        .as_deref()
        .is_some_and(|s| ResponseStatus::parse(s).is_none())
    {
        return Err(AppError::BadRequest("error-status-invalid"));
    }
    let cursor = match non_empty(&query.cursor) {
        None => None,
        Some(raw) => {
            Some(Cursor::decode(&raw).ok_or(AppError::BadRequest("error-cursor-invalid"))?)
        }
    };
    let limit = parse_limit(query.limit.as_deref().map(str::trim))
        .ok_or(AppError::BadRequest("error-limit-invalid"))?;
    let q = non_empty(&query.q);
    if q.as_deref()
        .is_some_and(|q| q.chars().count() > search::QUERY_MAX_CHARS)
    {
        return Err(AppError::BadRequest("error-search-too-long"));
    }
    Ok(ParsedList {
        sort,
        section: non_empty(&query.section),
        tag: non_empty(&query.tag),
        status,
        q,
        cursor,
        limit,
    })
}

/// One page of a consultation's ideas.
#[tracing::instrument(skip_all)]
pub async fn list(
    ctx: &ServiceContext,
    viewer: Option<&Identity>,
    slug: &str,
    parsed: ParsedList,
) -> Result<IdeaPage, AppError> {
    let actor = viewer.map(|v| v.user.actor());
    let viewer_id = viewer.map(|v| v.user.id.0);
    let slug = slug.to_owned();
    let rows = ctx.consultation_rows.clone();
    ctx.db
        .read(move |c| {
            let consultation =
                crate::services::consultations::load_visible_kept(&rows, c, &slug, actor.as_ref())?;
            let mut filter = IdeaFilter::default();
            if let Some(section) = &parsed.section {
                if !consultations::list_sections(c, consultation.id)?
                    .iter()
                    .any(|s| &s.key == section)
                {
                    return Err(AppError::BadRequest("error-section-unknown"));
                }
                filter.section = Some(section.clone());
            }
            if let Some(tag) = &parsed.tag {
                let tag = tag_rows::find(c, consultation.id, tag)?
                    .ok_or(AppError::BadRequest("error-tag-unknown"))?;
                filter.tag_id = Some(tag.id);
            }
            filter.response_status = parsed.status.clone();
            if let Some(q) = &parsed.q {
                filter.ids = Some(search::idea_ids_matching(
                    c,
                    Some(consultation.id),
                    q,
                    search::FILTER_MAX_MATCHES,
                )?);
            }
            // The default list shows pinned ideas first, on its first page only.
            let pinned_first = parsed.sort == Sort::New;
            let mut pinned = Vec::new();
            if pinned_first {
                if parsed.cursor.is_none() {
                    let only_pinned = IdeaFilter {
                        pinned: Some(true),
                        ..filter.clone()
                    };
                    pinned = ideas::list(
                        c,
                        consultation.id,
                        &only_pinned,
                        Sort::New,
                        None,
                        MAX_PINNED,
                    )?;
                }
                filter.pinned = Some(false);
            }
            let rows = ideas::list(
                c,
                consultation.id,
                &filter,
                parsed.sort,
                parsed.cursor,
                parsed.limit + 1,
            )?;
            let has_more = rows.len() as i64 > parsed.limit;
            let rows: Vec<_> = rows.into_iter().take(parsed.limit as usize).collect();
            let cursor_row = rows.last().map(|(r, _)| Cursor {
                key: r.sort_key(parsed.sort),
                id: r.id,
            });
            let rows: Vec<_> = pinned.into_iter().chain(rows).collect();
            let next_cursor = if has_more {
                cursor_row.map(Cursor::encode)
            } else {
                None
            };
            let ids: Vec<i64> = rows.iter().map(|(r, _)| r.id).collect();
            let mut tags = tags_by_idea(c, &ids)?;
            let mine = my_votes(c, viewer_id, &ids)?;
            let mut items: Vec<IdeaSummary> = rows
                .into_iter()
                .map(|(row, author)| {
                    let t = tags.remove(&row.id).unwrap_or_default();
                    let vote = mine.get(&row.id).copied();
                    summary(&row, author, &consultation.slug, t, vote)
                })
                .collect();
            fill_campaign_sizes(c, &mut items.iter_mut().collect::<Vec<_>>())?;
            Ok(IdeaPage { items, next_cursor })
        })
        .await
}

/// Ideas of a consultation for its feed, newest first.
#[tracing::instrument(skip_all)]
pub async fn newest(
    ctx: &ServiceContext,
    slug: &str,
    limit: i64,
) -> Result<(ConsultationRow, Vec<IdeaDetail>), AppError> {
    let slug = slug.to_owned();
    ctx.db
        .read(move |c| {
            let consultation = load_visible(c, &slug, None)?;
            let rows = ideas::newest(c, consultation.id, limit)?;
            let mut out = Vec::with_capacity(rows.len());
            for (row, author) in rows {
                out.push(detail(c, row, author, &consultation, None)?);
            }
            Ok((consultation, out))
        })
        .await
}
