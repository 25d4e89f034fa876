//! An idea's page, assembled from the features that have a part in it: the idea and its
//! votes, its history, one page of comments, the official answer (drafting), report and
//! moderator forms (moderation) and tags. The forms on the page whose refusal shows the page
//! again live beside it, so the features never need the page and the page needs them.

pub mod comment_forms;
pub mod item_actions;
pub mod report_form;

use crate::domain::fields::FieldErrors;
use crate::domain::ids::IdeaId;
use crate::domain::moderation::Visibility;
use crate::domain::policy::{self, Actor, Denied, IdeaState};
use crate::domain::submission::Channel;
use crate::error::AppError;
use crate::http::identity::Viewer;
use crate::http::state::AppState;
use crate::i18n;
use crate::services::ideas::IdeaDetail;
use crate::services::{idea_page, submissions};
use crate::web::page::{PageContext, insert_errors};
use crate::web::share_links::{self, with_query};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// Query of the idea page. Unknown parameters are tolerated here on purpose: shared links come
/// back with tracking parameters (`fbclid`…) added by the sites they were shared on.
#[derive(Deserialize)]
pub struct IdeaPageQuery {
    posted: Option<String>,
    comments_cursor: Option<String>,
}

/// An earlier version of an idea.
#[derive(Serialize)]
struct RevisionView {
    title: String,
    body: String,
    section: Option<String>,
    replaced_at: NaiveDateTime,
}

/// A form on the idea page shown again with its errors (a comment, a reply, a comment edit).
pub struct ActiveForm {
    /// `comment`, `reply-{parent}` or `edit-{comment}`.
    pub name: String,
    pub body: String,
    pub errors: FieldErrors,
}

/// What the page offers for taking part: the answer of the same policy function the service
/// applies, so that the page explains a refusal before anyone meets it.
fn participation_state(decision: Result<(), Denied>) -> &'static str {
    match decision {
        Ok(()) => "open",
        Err(Denied::Hidden) => "hidden",
        Err(Denied::Invisible) => "pending",
        Err(Denied::Locked) => "locked",
        Err(Denied::SignedOut) => "signed-out",
        Err(Denied::Unverified) => "unverified",
        Err(Denied::NotOpen) => "closed",
        Err(Denied::OwnIdea) => "own",
        Err(Denied::Withdrawn) => "withdrawn",
        // Other reasons (account standing…) get a general notice; the service still gives
        // its precise message on a POST.
        Err(_) => "denied",
    }
}

/// The idea's state as the policy sees it; a tombstone is a hidden idea.
fn idea_state(d: &IdeaDetail) -> IdeaState {
    IdeaState {
        visibility: if d.tombstone {
            Visibility::Hidden
        } else {
            d.visibility
        },
        locked: d.summary.locked,
        merged_into: None,
    }
}

fn vote_state(actor: Option<&Actor>, d: &IdeaDetail) -> &'static str {
    participation_state(policy::can_vote(
        actor,
        d.phase,
        &idea_state(d),
        d.is_mine,
        d.summary.status == "withdrawn",
    ))
}

fn comment_state(actor: Option<&Actor>, d: &IdeaDetail) -> &'static str {
    participation_state(policy::can_comment(actor, d.phase, &idea_state(d)))
}

/// Renders the idea page: the idea, its votes, its history and one page of comments.
pub async fn render_idea(
    state: &AppState,
    page: &PageContext,
    viewer: &Viewer,
    id: i64,
    posted: bool,
    comments_cursor: Option<&str>,
    active: Option<ActiveForm>,
) -> Result<HttpResponse, AppError> {
    // A shared page is read as nobody's, then shows the audience's vote.
    let actor = viewer.actor();
    let cursor = comments_cursor.map(str::trim).filter(|s| !s.is_empty());
    let read = idea_page::load(state, viewer.person(), actor, IdeaId(id), cursor).await?;
    let mut detail = read.detail;
    if let Viewer::Shared(shared) = viewer {
        detail.summary.my_vote = shared.own_vote;
    }
    let c = read.consultation;
    let revisions: Vec<RevisionView> = read
        .revisions
        .into_iter()
        .map(|(title, body, section, replaced_at)| RevisionView {
            title,
            body,
            section,
            replaced_at,
        })
        .collect();
    let thread = read.comments;

    let path = format!("/ideas/{id}");
    // A hidden idea's tombstone shares nothing of its text.
    let shared_title = if detail.tombstone {
        i18n::text(page.lang, "idea-hidden-title")
    } else {
        detail.summary.title.clone()
    };
    let (meta, share) = share_links::share(
        state,
        &path,
        &shared_title,
        &detail.summary.excerpt,
        "article",
    );
    let mut ctx = tera::Context::new();
    ctx.insert("c", &c);
    ctx.insert("idea", &detail);
    ctx.insert("meta", &meta);
    ctx.insert("share", &share);
    ctx.insert("feed_url", &format!("/c/{}/feed.atom", c.slug));
    ctx.insert(
        "section_heading",
        &detail
            .summary
            .section
            .as_deref()
            .and_then(|k| c.sections.iter().find(|s| s.key == k))
            .map(|s| s.heading.as_str()),
    );
    ctx.insert("vote_state", vote_state(actor.as_ref(), &detail));
    ctx.insert("comment_state", comment_state(actor.as_ref(), &detail));
    ctx.insert("revisions", &revisions);
    ctx.insert("comments", &thread.items);
    ctx.insert("comments_cursor", cursor.unwrap_or(""));
    ctx.insert(
        "more_comments_url",
        &thread.next_cursor.as_deref().map(|next| {
            format!(
                "{}#comments",
                with_query(&path, &[("comments_cursor", Some(next))])
            )
        }),
    );
    ctx.insert("posted", &(posted && detail.is_mine));
    ctx.insert("login_url", &with_query("/login", &[("next", Some(&path))]));
    ctx.insert("value_body", "");
    crate::web::drafting::insert_idea_context(&mut ctx, actor.as_ref(), &detail, &c);
    ctx.insert("sender", &sender_for_staff(state, viewer, &detail).await?);
    crate::web::moderation::idea_panel::insert_idea_page(&mut ctx, actor, &detail, read.tags);
    let status = match active {
        Some(form) => {
            ctx.insert("active_form", &form.name);
            ctx.insert("error_prefix", &format!("{}-", form.name));
            ctx.insert("value_body", &form.body);
            insert_errors(&mut ctx, &form.errors);
            if form.errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            }
        }
        None => StatusCode::OK,
    };
    page.render(state, "ideas/show.html", ctx, status)
}

/// Who sent a submission received outside the site, for staff only (the page is then
/// theirs alone: staff pages are never shared or kept).
#[derive(Serialize)]
struct SenderView {
    name: Option<String>,
    email: Option<String>,
    organisation: Option<String>,
}

async fn sender_for_staff(
    state: &AppState,
    viewer: &Viewer,
    detail: &IdeaDetail,
) -> Result<Option<SenderView>, AppError> {
    let Some(identity) = viewer.person() else {
        return Ok(None);
    };
    if detail.summary.channel == Channel::Web
        || policy::can_record_submissions(&identity.user.actor()).is_err()
    {
        return Ok(None);
    }
    Ok(submissions::submitter(state, identity, detail.summary.id)
        .await?
        .map(|row| SenderView {
            name: row.name,
            email: row.email,
            organisation: row.organisation,
        }))
}

#[tracing::instrument(skip_all)]
pub async fn show(
    state: web::Data<AppState>,
    page: PageContext,
    viewer: Viewer,
    path: web::Path<i64>,
    query: web::Query<IdeaPageQuery>,
) -> Result<HttpResponse, AppError> {
    let posted = query.posted.as_deref() == Some("1");
    render_idea(
        &state,
        &page,
        &viewer,
        path.into_inner(),
        posted,
        query.comments_cursor.as_deref(),
        None,
    )
    .await
}

/// Registers the forms of the idea page whose refusal shows a page again.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/ideas/{id}/comments").route(web::post().to(comment_forms::create)))
        .service(web::resource("/comments/{id}/edit").route(web::post().to(comment_forms::edit)))
        .service(
            web::resource("/comments/{id}/delete").route(web::post().to(comment_forms::delete)),
        )
        .service(
            web::resource("/ideas/{id}/report").route(web::post().to(report_form::report_idea)),
        )
        .service(
            web::resource("/moderation/ideas/{id}")
                .route(web::post().to(item_actions::moderate_idea)),
        )
        .service(
            web::resource("/moderation/ideas/{id}/merge")
                .route(web::post().to(item_actions::merge)),
        )
        .service(
            web::resource("/moderation/comments/{id}")
                .route(web::get().to(item_actions::comment_location))
                .route(web::post().to(item_actions::moderate_comment)),
        );
}
