//! Idea pages: a consultation's list of ideas, the form to post one (with a preview and the
//! similar ideas already posted), the idea page with votes and comments, and the author's
//! edit and withdrawal. Every rule is the services'; these handlers only show and route.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::domain::identity::Identity;
use crate::domain::ids::IdeaId;
use crate::domain::response_status::ResponseStatus;

use crate::domain::content::VoteValue;
use crate::domain::listing::Sort;
use crate::domain::markdown;
use crate::domain::policy::{self};
use crate::error::AppError;
use crate::http::identity::{SignedIn, Viewer};
use crate::http::state::AppState;
use crate::services::consultations::{self, ConsultationView};
use crate::services::ideas::{self, IdeaDetail, IdeaInput, IdeaSummary, ListQuery};
use crate::services::{search, tags, votes};
use crate::web::consultation_header::insert_consultation;
use crate::web::page::{PageContext, see_other_with_flash};
use crate::web::share_links::with_query;

/// A sort option of the list, with the link that selects it.
#[derive(Serialize)]
struct SortLink {
    key: &'static str,
    url: String,
    current: bool,
}

/// A list item with its section's heading resolved.
#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(flatten)]
    idea: &'a IdeaSummary,
    section_heading: Option<&'a str>,
}

fn section_headings(c: &ConsultationView) -> HashMap<&str, &str> {
    c.sections
        .iter()
        .map(|s| (s.key.as_str(), s.heading.as_str()))
        .collect()
}

fn trimmed(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// `/c/{slug}/ideas`: sorts, filters and keyset pages. Unknown or malformed parameters are
/// refused by the service (400), never silently ignored.
#[tracing::instrument(skip_all)]
pub async fn list(
    state: web::Data<AppState>,
    page: PageContext,
    viewer: Viewer,
    path: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let parsed = ideas::parse_list(&query)?;
    let sort = parsed.sort;
    let actor = viewer.actor();
    let c = consultations::get(&state, actor, &path).await?;
    let result = ideas::list(&state, viewer.person(), &c.slug, parsed).await?;
    let tags = tags::list(&state, actor, &c.slug).await?;

    let base = format!("/c/{}/ideas", c.slug);
    let (section, status, q, tag, limit) = (
        trimmed(&query.section),
        trimmed(&query.status),
        trimmed(&query.q),
        trimmed(&query.tag),
        trimmed(&query.limit),
    );
    let sort_param = (sort != Sort::New).then(|| sort.as_str());
    let sorts: Vec<SortLink> = Sort::ALL
        .into_iter()
        .map(|s| SortLink {
            key: s.as_str(),
            url: with_query(
                &base,
                &[
                    ("sort", (s != Sort::New).then(|| s.as_str())),
                    ("section", section),
                    ("status", status),
                    ("q", q),
                    ("tag", tag),
                    ("limit", limit),
                ],
            ),
            current: s == sort,
        })
        .collect();
    let next_url = result.next_cursor.as_deref().map(|cursor| {
        with_query(
            &base,
            &[
                ("sort", sort_param),
                ("section", section),
                ("status", status),
                ("q", q),
                ("tag", tag),
                ("limit", limit),
                ("cursor", Some(cursor)),
            ],
        )
    });
    let headings = section_headings(&c);
    let items: Vec<ListItem> = result
        .items
        .iter()
        .map(|i| ListItem {
            idea: i,
            section_heading: i.section.as_deref().and_then(|k| headings.get(k).copied()),
        })
        .collect();

    let mut ctx = tera::Context::new();
    insert_consultation(&mut ctx, &state, &c);
    ctx.insert("items", &items);
    ctx.insert("sorts", &sorts);
    ctx.insert("sort", sort.as_str());
    ctx.insert("next_url", &next_url);
    ctx.insert("is_later_page", &trimmed(&query.cursor).is_some());
    ctx.insert(
        "first_url",
        &with_query(
            &base,
            &[
                ("sort", sort_param),
                ("section", section),
                ("status", status),
                ("q", q),
                ("tag", tag),
                ("limit", limit),
            ],
        ),
    );
    ctx.insert("filter_section", section.unwrap_or(""));
    ctx.insert("filter_status", status.unwrap_or(""));
    ctx.insert("filter_q", q.unwrap_or(""));
    ctx.insert("filter_tag", tag.unwrap_or(""));
    ctx.insert("filter_limit", limit.unwrap_or(""));
    ctx.insert(
        "filtered",
        &(section.is_some() || status.is_some() || q.is_some() || tag.is_some()),
    );
    ctx.insert("clear_url", &with_query(&base, &[("sort", sort_param)]));
    ctx.insert("statuses", &ResponseStatus::NAMES);
    ctx.insert("tags", &tags);
    crate::web::tags::insert_bulk_tagging(&mut ctx, actor.as_ref(), !tags.is_empty());
    ctx.insert("list_url", &base);
    page.ok(&state, "ideas/list.html", ctx)
}

/// `?section=` preselects a section on the new-idea form (from the consultation page).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewIdeaQuery {
    section: Option<String>,
}

/// The idea form as posted: `action` is `preview` for the preview step, anything else posts.
#[derive(Deserialize)]
pub struct IdeaForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    action: String,
}

fn form_context(
    state: &AppState,
    c: &ConsultationView,
    title: &str,
    body: &str,
    section: &str,
) -> tera::Context {
    let mut ctx = tera::Context::new();
    insert_consultation(&mut ctx, state, c);
    ctx.insert("title", title);
    ctx.insert("body", body);
    ctx.insert("section", section);
    ctx.insert("previewing", &false);
    ctx.insert("form_action", &format!("/c/{}/ideas/new", c.slug));
    ctx.insert(
        "similar_url",
        &format!("/api/v1/consultations/{}/similar", c.slug),
    );
    ctx
}

/// The consultation, if the signed-in person may post on it (401/403 otherwise).
async fn consultation_for_posting(
    state: &AppState,
    identity: &Identity,
    slug: &str,
) -> Result<ConsultationView, AppError> {
    let actor = identity.user.actor();
    let c = consultations::get(state, Some(actor), slug).await?;
    policy::can_contribute(Some(&actor), c.phase)?;
    Ok(c)
}

#[tracing::instrument(skip_all)]
pub async fn new_form(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
    query: web::Query<NewIdeaQuery>,
) -> Result<HttpResponse, AppError> {
    let c = consultation_for_posting(&state, &identity, &path).await?;
    let section = trimmed(&query.section)
        .filter(|k| c.sections.iter().any(|s| s.key == *k))
        .unwrap_or("");
    let ctx = form_context(&state, &c, "", "", section);
    page.ok(&state, "ideas/new.html", ctx)
}

/// Posts the idea (303 to its page with the receipt), or shows the preview step: the rendered
/// Markdown and up to five similar ideas, each with "support this instead".
#[tracing::instrument(skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
    form: web::Form<IdeaForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    if form.action == "preview" {
        let c = consultation_for_posting(&state, &identity, &path).await?;
        let text = format!("{}\n{}", form.title.trim(), form.body.trim());
        let similar = match search::similar(&state, Some(&identity), &c.slug, &text).await {
            Ok(found) => found,
            // Too long to compare: the preview still shows, and posting reports the length.
            Err(AppError::BadRequest(_)) => Vec::new(),
            Err(err) => return Err(err),
        };
        let mut ctx = form_context(&state, &c, &form.title, &form.body, form.section.trim());
        ctx.insert("previewing", &true);
        ctx.insert("preview_title", form.title.trim());
        ctx.insert("preview_html", &markdown::render_user(&form.body));
        ctx.insert("similar", &similar);
        return page.ok(&state, "ideas/new.html", ctx);
    }
    let input = IdeaInput {
        title: &form.title,
        body: &form.body,
        section: Some(form.section.as_str()),
    };
    match ideas::post(&state, &identity, &path, input, page.lang).await {
        Ok(detail) => Ok(see_other_with_flash(
            &format!("/ideas/{}?posted=1", detail.summary.id),
            "flash-idea-posted",
        )),
        Err(AppError::Validation(errors)) => {
            let c = consultations::get(&state, Some(identity.user.actor()), &path).await?;
            let ctx = form_context(&state, &c, &form.title, &form.body, form.section.trim());
            page.form_errors(&state, "ideas/new.html", ctx, &errors)
        }
        Err(err) => Err(err),
    }
}

/// A vote from the idea page's buttons: `support`, `oppose` or `clear`.
#[derive(Deserialize)]
pub struct VoteForm {
    #[serde(default)]
    value: String,
}

#[tracing::instrument(skip_all)]
pub async fn vote(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    form: web::Form<VoteForm>,
) -> Result<HttpResponse, AppError> {
    let id = IdeaId(path.into_inner());
    // Back to the idea that holds the vote: the one named, or the one it was merged into.
    let (outcome, flash) = match form.value.trim() {
        "clear" => (
            votes::clear(&state, &identity, id).await?,
            "flash-vote-cleared",
        ),
        raw => {
            let value = VoteValue::parse(raw).ok_or(AppError::BadRequest("error-vote-invalid"))?;
            (
                votes::set(&state, &identity, id, value).await?,
                "flash-vote-saved",
            )
        }
    };
    Ok(see_other_with_flash(
        &format!("/ideas/{}#vote", outcome.idea_id),
        flash,
    ))
}

/// Why the author may not edit, for the message on the refused edit page. The decision itself
/// is the service's (`editable_until` is set only when editing is allowed).
fn edit_refusal(d: &IdeaDetail) -> AppError {
    if !d.is_mine {
        AppError::Forbidden("error-not-author")
    } else if d.withdrawn_at.is_some() {
        AppError::Forbidden("error-idea-withdrawn")
    } else if !d.phase.accepts_participation() {
        AppError::Forbidden("error-consultation-closed")
    } else {
        AppError::Forbidden("error-edit-window-closed")
    }
}

fn edit_context(
    state: &AppState,
    c: &ConsultationView,
    d: &IdeaDetail,
    title: &str,
    body: &str,
    section: &str,
) -> tera::Context {
    let mut ctx = form_context(state, c, title, body, section);
    ctx.insert("idea", d);
    ctx.insert("form_action", &format!("/ideas/{}/edit", d.summary.id));
    ctx
}

#[tracing::instrument(skip_all)]
pub async fn edit_form(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let d = ideas::get(&state, Some(&identity), IdeaId(path.into_inner())).await?;
    if d.editable_until.is_none() {
        return Err(edit_refusal(&d));
    }
    let c =
        consultations::get(&state, Some(identity.user.actor()), &d.summary.consultation).await?;
    let ctx = edit_context(
        &state,
        &c,
        &d,
        &d.summary.title,
        &d.body,
        d.summary.section.as_deref().unwrap_or(""),
    );
    page.ok(&state, "ideas/edit.html", ctx)
}

#[tracing::instrument(skip_all)]
pub async fn edit(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    form: web::Form<IdeaForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let input = IdeaInput {
        title: &form.title,
        body: &form.body,
        section: Some(form.section.as_str()),
    };
    match ideas::edit(&state, &identity, IdeaId(id), input).await {
        Ok(_) => Ok(see_other_with_flash(
            &format!("/ideas/{id}"),
            "flash-idea-edited",
        )),
        Err(AppError::Validation(errors)) => {
            let d = ideas::get(&state, Some(&identity), IdeaId(id)).await?;
            let c =
                consultations::get(&state, Some(identity.user.actor()), &d.summary.consultation)
                    .await?;
            let ctx = edit_context(&state, &c, &d, &form.title, &form.body, form.section.trim());
            page.form_errors(&state, "ideas/edit.html", ctx, &errors)
        }
        Err(err) => Err(err),
    }
}

/// The confirmation step before withdrawing (works without JavaScript).
#[tracing::instrument(skip_all)]
pub async fn withdraw_form(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let d = ideas::get(&state, Some(&identity), IdeaId(path.into_inner())).await?;
    if !d.is_mine {
        return Err(AppError::Forbidden("error-not-author"));
    }
    if d.withdrawn_at.is_some() {
        return Err(AppError::Conflict("error-idea-withdrawn"));
    }
    let mut ctx = tera::Context::new();
    ctx.insert("idea", &d);
    page.ok(&state, "ideas/withdraw.html", ctx)
}

#[tracing::instrument(skip_all)]
pub async fn withdraw(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    ideas::withdraw(&state, &identity, IdeaId(id)).await?;
    Ok(see_other_with_flash(
        &format!("/ideas/{id}"),
        "flash-idea-withdrawn",
    ))
}
