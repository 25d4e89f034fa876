//! Official responses: the answer form of one idea (on the idea page, and on its own page when
//! the text needs correcting), and the drafters' page that answers groups of ideas (a tag, a
//! section, a selection) and publishes drafts one by one or all at once.

use std::collections::{BTreeMap, HashSet};

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::domain::identity::Identity;
use crate::domain::ids::{IdeaId, ResponseId};
use crate::domain::policy;

use crate::domain::response_status::ResponseStatus;
use crate::error::AppError;
use crate::http::identity::SignedIn;
use crate::http::state::AppState;
use crate::services::consultations::{self, ConsultationView};
use crate::services::ideas::{self, ListQuery};
use crate::services::responses::{self, Group, ResponseInput, ResponseView};
use crate::services::tags;
use crate::web::consultation_header::insert_consultation;
use crate::web::drafting::{
    AnswerForm, CitedIdea, IdeaIndex, error_map, insert_nav, section_heading,
};
use crate::web::page::{PageContext, see_other_with_flash};
use crate::web::share_links::with_query;

/// How many ideas the selection list shows per page.
const SELECTION_PAGE: &str = "50";

/// Whether a submitted answer is kept as a draft or published at once.
fn publishing(action: &str) -> Result<bool, AppError> {
    match action.trim() {
        "" | "draft" => Ok(false),
        "publish" => Ok(true),
        _ => Err(AppError::BadRequest("error-400")),
    }
}

/// The answer form of one idea as posted.
#[derive(Deserialize)]
pub struct AnswerInput {
    #[serde(default)]
    status: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    action: String,
}

async fn render_answer_page(
    state: &AppState,
    page: &PageContext,
    identity: &Identity,
    id: i64,
    form: Option<AnswerForm>,
) -> Result<HttpResponse, AppError> {
    let actor = identity.user.actor();
    policy::can_draft(&actor)?;
    let idea = ideas::get(state, Some(identity), IdeaId(id)).await?;
    let c = consultations::get(state, Some(actor), &idea.summary.consultation).await?;
    let status = if form.as_ref().is_some_and(|f| !f.errors.is_empty()) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let form =
        form.unwrap_or_else(
            || match idea.response_draft.as_ref().or(idea.response.as_ref()) {
                Some(r) => AnswerForm::from_response("answer-", r),
                None => AnswerForm::empty("answer-"),
            },
        );
    let mut ctx = tera::Context::new();
    insert_consultation(&mut ctx, state, &c);
    insert_nav(&mut ctx, "responses", Some(&actor));
    ctx.insert("idea", &idea);
    ctx.insert(
        "response_section_heading",
        &section_heading(
            &c,
            idea.response.as_ref().and_then(|r| r.section.as_deref()),
        ),
    );
    ctx.insert("statuses", &ResponseStatus::NAMES);
    ctx.insert("f", &form);
    ctx.insert("error_prefix", &form.prefix);
    ctx.insert("action", &format!("/ideas/{id}/response"));
    let errors: Vec<BTreeMap<&str, &str>> = form
        .errors
        .iter()
        .map(|(field, code)| BTreeMap::from([("field", *field), ("code", *code)]))
        .collect();
    ctx.insert("error_list", &errors);
    page.render(state, "drafting/answer.html", ctx, status)
}

/// The answer form of one idea on a page of its own (drafters and admins).
#[tracing::instrument(skip_all)]
pub async fn answer_page(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    render_answer_page(&state, &page, &identity, path.into_inner(), None).await
}

/// Saves (or publishes) the answer to one idea: 303 back to the idea with a message, or the
/// form again with its errors.
#[tracing::instrument(skip_all)]
pub async fn answer_idea(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    form: web::Form<AnswerInput>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let form = form.into_inner();
    let publish = publishing(&form.action)?;
    let input = ResponseInput {
        status: form.status.clone(),
        body: form.body.clone(),
        section: Some(form.section.clone()),
        publish,
    };
    match responses::respond_to_idea(&state, &identity, IdeaId(id), input).await {
        Ok(_) if publish => Ok(see_other_with_flash(
            &format!("/ideas/{id}#response"),
            "flash-response-published",
        )),
        Ok(_) => Ok(see_other_with_flash(
            &format!("/ideas/{id}#answer"),
            "flash-response-draft-saved",
        )),
        Err(AppError::Validation(errors)) => {
            let answer = AnswerForm {
                prefix: "answer-".to_owned(),
                status: form.status.trim().to_owned(),
                body: form.body,
                section: form.section.trim().to_owned(),
                errors: error_map(&errors),
            };
            render_answer_page(&state, &page, &identity, id, Some(answer)).await
        }
        Err(err) => Err(err),
    }
}

/// Filters of the selection list on the responses page.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelectionQuery {
    section: Option<String>,
    tag: Option<String>,
    status: Option<String>,
    q: Option<String>,
    cursor: Option<String>,
}

impl SelectionQuery {
    fn get(v: &Option<String>) -> &str {
        v.as_deref().map(str::trim).unwrap_or("")
    }
}

/// The group forms of the responses page: which group each names, and its answer.
#[derive(Serialize)]
struct GroupForms {
    tag: AnswerForm,
    tag_value: String,
    section: AnswerForm,
    section_value: String,
    selection: AnswerForm,
    selected: HashSet<i64>,
}

impl Default for GroupForms {
    fn default() -> Self {
        Self {
            tag: AnswerForm::empty("tag-"),
            tag_value: String::new(),
            section: AnswerForm::empty("section-"),
            section_value: String::new(),
            selection: AnswerForm::empty("selection-"),
            selected: HashSet::new(),
        }
    }
}

/// A draft response with the ideas it answers.
#[derive(Serialize)]
struct DraftView {
    response: ResponseView,
    section_heading: Option<String>,
    ideas: Vec<CitedIdea>,
}

/// An idea of the selection list.
#[derive(Serialize)]
struct Selectable {
    id: i64,
    receipt: String,
    title: String,
    response_status: Option<String>,
    support_count: i32,
    checked: bool,
}

async fn draft_views(
    state: &AppState,
    identity: &Identity,
    c: &ConsultationView,
) -> Result<Vec<DraftView>, AppError> {
    let drafts = responses::drafts(state, identity, &c.slug).await?;
    if drafts.is_empty() {
        return Ok(Vec::new());
    }
    // Receipt numbers for the ideas of the drafts, from the drafters' view of the table
    // (which knows every visible idea); the rare idea it does not know is looked up alone.
    let table = responses::disposition(state, Some(identity.user.actor()), &c.slug).await?;
    let index = IdeaIndex::from_disposition(&table);
    let mut out = Vec::with_capacity(drafts.len());
    for (response, idea_ids) in drafts {
        let mut cited = Vec::with_capacity(idea_ids.len());
        for id in idea_ids {
            let receipt = match index.receipt(id) {
                Some(r) => r.to_owned(),
                None => match ideas::get(state, Some(identity), IdeaId(id)).await {
                    Ok(d) => d.summary.receipt,
                    Err(_) => format!("#{id}"),
                },
            };
            cited.push(CitedIdea { id, receipt });
        }
        out.push(DraftView {
            section_heading: section_heading(c, response.section.as_deref()).map(str::to_owned),
            response,
            ideas: cited,
        });
    }
    Ok(out)
}

async fn render_page(
    state: &AppState,
    page: &PageContext,
    identity: &Identity,
    slug: &str,
    query: SelectionQuery,
    forms: GroupForms,
) -> Result<HttpResponse, AppError> {
    let actor = identity.user.actor();
    policy::can_draft(&actor)?;
    let c = consultations::get(state, Some(actor), slug).await?;
    let drafts = draft_views(state, identity, &c).await?;
    let tags = tags::list(state, Some(actor), &c.slug).await?;
    let list_query = ListQuery {
        section: query.section.clone(),
        tag: query.tag.clone(),
        status: query.status.clone(),
        q: query.q.clone(),
        cursor: query.cursor.clone(),
        limit: Some(SELECTION_PAGE.to_owned()),
        ..ListQuery::default()
    };
    let parsed = ideas::parse_list(&list_query)?;
    let list = ideas::list(state, Some(identity), &c.slug, parsed).await?;
    let items: Vec<Selectable> = list
        .items
        .iter()
        .map(|i| Selectable {
            id: i.id,
            receipt: i.receipt.clone(),
            title: i.title.clone(),
            response_status: i.response_status.clone(),
            support_count: i.support_count,
            checked: forms.selected.contains(&i.id),
        })
        .collect();
    let base = format!("/c/{}/responses", c.slug);
    let filters = [
        ("section", SelectionQuery::get(&query.section)),
        ("tag", SelectionQuery::get(&query.tag)),
        ("status", SelectionQuery::get(&query.status)),
        ("q", SelectionQuery::get(&query.q)),
    ];
    let next_url = list.next_cursor.as_deref().map(|cursor| {
        let mut params: Vec<(&str, Option<&str>)> =
            filters.iter().map(|(k, v)| (*k, Some(*v))).collect();
        params.push(("cursor", Some(cursor)));
        format!("{}#selection", with_query(&base, &params))
    });

    let mut ctx = tera::Context::new();
    insert_consultation(&mut ctx, state, &c);
    insert_nav(&mut ctx, "responses", Some(&actor));
    ctx.insert("drafts", &drafts);
    ctx.insert("tags", &tags);
    ctx.insert("statuses", &ResponseStatus::NAMES);
    ctx.insert("items", &items);
    ctx.insert("next_url", &next_url);
    ctx.insert(
        "filter",
        &filters.iter().copied().collect::<BTreeMap<&str, &str>>(),
    );
    ctx.insert("filter_cursor", SelectionQuery::get(&query.cursor));
    ctx.insert("filtered", &filters.iter().any(|(_, v)| !v.is_empty()));
    ctx.insert("action", &base);
    // Only one form is ever shown again with errors; the summary points into it.
    let mut status = StatusCode::OK;
    for f in [&forms.tag, &forms.section, &forms.selection] {
        if !f.errors.is_empty() {
            status = StatusCode::UNPROCESSABLE_ENTITY;
            ctx.insert("error_prefix", &f.prefix);
            let list: Vec<BTreeMap<&str, &str>> = f
                .errors
                .iter()
                .map(|(field, code)| BTreeMap::from([("field", *field), ("code", *code)]))
                .collect();
            ctx.insert("error_list", &list);
        }
    }
    ctx.insert("forms", &forms);
    page.render(state, "drafting/responses.html", ctx, status)
}

/// `/c/{slug}/responses`: drafts waiting for publication, and the forms that answer a tag, a
/// section or a selection of ideas at once.
#[tracing::instrument(skip_all)]
pub async fn page(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
    query: web::Query<SelectionQuery>,
) -> Result<HttpResponse, AppError> {
    render_page(
        &state,
        &page,
        &identity,
        &path,
        query.into_inner(),
        GroupForms::default(),
    )
    .await
}

/// A group answer as posted: `group` says which of the three forms it came from.
#[derive(Default)]
struct GroupInput {
    group: String,
    tag: String,
    group_section: String,
    ideas: Vec<String>,
    status: String,
    body: String,
    section: String,
    action: String,
    filters: SelectionQuery,
}

impl GroupInput {
    /// Reads the form's fields (`ideas` repeats, one per ticked box).
    fn parse(fields: Vec<(String, String)>) -> Self {
        let mut input = GroupInput::default();
        for (key, value) in fields {
            match key.as_str() {
                "group" => input.group = value,
                "tag" => input.tag = value,
                "group_section" => input.group_section = value,
                "ideas" => input.ideas.push(value),
                "status" => input.status = value,
                "body" => input.body = value,
                "section" => input.section = value,
                "action" => input.action = value,
                "f_section" => input.filters.section = Some(value),
                "f_tag" => input.filters.tag = Some(value),
                "f_status" => input.filters.status = Some(value),
                "f_q" => input.filters.q = Some(value),
                "f_cursor" => input.filters.cursor = Some(value),
                _ => {}
            }
        }
        input
    }
}

/// Answers a group of ideas; 303 to the drafts, or the page again with the form's errors.
#[tracing::instrument(skip_all)]
pub async fn answer_group(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let slug = path.into_inner();
    let input = GroupInput::parse(form.into_inner());
    let publish = publishing(&input.action)?;
    let selected: Vec<i64> = input
        .ideas
        .iter()
        .map(|raw| raw.trim().parse::<i64>())
        .collect::<Result<_, _>>()
        .map_err(|_| AppError::BadRequest("error-400"))?;
    let group = match input.group.as_str() {
        "tag" => Group::Tag(input.tag.trim().to_owned()),
        "section" => Group::Section(input.group_section.trim().to_owned()),
        "selection" => Group::Selection(selected.clone()),
        _ => return Err(AppError::BadRequest("error-400")),
    };
    let answer = ResponseInput {
        status: input.status.clone(),
        body: input.body.clone(),
        section: Some(input.section.clone()),
        publish,
    };
    let errors = match responses::respond(&state, &identity, &slug, group, answer).await {
        Ok(_) => {
            let flash = if publish {
                "flash-response-published"
            } else {
                "flash-response-draft-saved"
            };
            return Ok(see_other_with_flash(
                &format!("/c/{slug}/responses#drafts"),
                flash,
            ));
        }
        Err(AppError::Validation(errors)) => errors,
        Err(err) => return Err(err),
    };
    let mut forms = GroupForms::default();
    let prefix = format!("{}-", input.group);
    let mut map = error_map(&errors);
    // "section" names both the group (a section form's select) and the plan section the
    // answer changed; an unknown group section is the group's.
    if input.group == "section"
        && input.section.trim().is_empty()
        && let Some(code) = map.remove("section")
    {
        map.insert("group_section", code);
    }
    let filled = AnswerForm {
        prefix,
        status: input.status.trim().to_owned(),
        body: input.body,
        section: input.section.trim().to_owned(),
        errors: map,
    };
    match input.group.as_str() {
        "tag" => {
            forms.tag = filled;
            forms.tag_value = input.tag.trim().to_owned();
        }
        "section" => {
            forms.section = filled;
            forms.section_value = input.group_section.trim().to_owned();
        }
        _ => {
            forms.selection = filled;
            forms.selected = selected.into_iter().collect();
        }
    }
    render_page(&state, &page, &identity, &slug, input.filters, forms).await
}

/// Publishes every draft of the consultation (authors and supporters are emailed).
#[tracing::instrument(skip_all)]
pub async fn publish_all(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = path.into_inner();
    responses::publish_all(&state, &identity, &slug).await?;
    Ok(see_other_with_flash(
        &format!("/c/{slug}/responses#drafts"),
        "flash-responses-published",
    ))
}

/// Publishes one draft.
#[tracing::instrument(skip_all)]
pub async fn publish_one(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    responses::publish_one(&state, &identity, ResponseId(id)).await?;
    Ok(see_other_with_flash(
        &format!("/c/{slug}/responses#drafts"),
        "flash-response-published",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_forms_read_repeated_ideas_and_filters() {
        let input = GroupInput::parse(vec![
            ("group".into(), "selection".into()),
            ("ideas".into(), "3".into()),
            ("ideas".into(), "7".into()),
            ("status".into(), "adopted".into()),
            ("f_tag".into(), "dx".into()),
            ("csrf_token".into(), "x".into()),
        ]);
        assert_eq!(input.ideas, vec!["3", "7"]);
        assert_eq!(input.group, "selection");
        assert_eq!(input.filters.tag.as_deref(), Some("dx"));
        assert!(input.filters.section.is_none());
    }

    #[test]
    fn only_known_actions_are_accepted() {
        assert!(!publishing("draft").unwrap());
        assert!(!publishing("").unwrap());
        assert!(publishing("publish").unwrap());
        assert!(publishing("delete").is_err());
    }
}
