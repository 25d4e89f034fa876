//! `/c/{slug}/disposition`: the table of 意見の概要と意見に対する考え方. The public reads the
//! published table, grouped by plan section and tag, each row citing the ideas it answers.
//! Drafters edit the whole table as one form that works without JavaScript: a fieldset per
//! row, "add a row" (which shows the form again with an empty row, saving nothing), a
//! "remove" checkbox per row, save, save and publish, unpublish; below it, the ideas no row
//! covers yet.
//!
//! Rows name their ideas in a text field: receipt numbers (`IB-2026-000123`, any case) or
//! idea ids, separated by spaces, commas or 、. They are mapped to ids here, against the
//! ideas of this consultation the drafters' view of the table knows (every visible idea);
//! anything else is reported on its row before the table is saved.

use std::collections::{BTreeMap, HashMap};

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::domain::identity::Identity;

use crate::domain::fields::FieldErrors;
use crate::domain::policy::{self, Actor};
use crate::error::AppError;
use crate::http::identity::{MaybeUser, SignedIn};
use crate::http::state::AppState;
use crate::services::consultations::{self, ConsultationView};
use crate::services::responses::{self, DISPOSITION_TEXT_MAX_CHARS, Disposition, RowInput};
use crate::services::tags::{self, TagInfo};
use crate::web::consultation_header::insert_consultation;
use crate::web::drafting::{IdeaIndex, SummaryError, group_table, insert_nav, is_drafter};
use crate::web::page::{PageContext, see_other_with_flash};

/// The highest row number a form may carry (the service allows 1,000 rows).
const MAX_ROW_INDEX: usize = 2_000;

/// `?preview=1` shows drafters the table as the public will see it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DispositionQuery {
    preview: Option<String>,
}

/// One row of the editor, as stored or as typed.
#[derive(Clone, Debug, Default, Serialize)]
struct EditorRow {
    index: usize,
    section: String,
    tag: String,
    summary: String,
    view: String,
    /// Receipt numbers (or ids), separated by spaces.
    ideas: String,
    #[serde(skip)]
    remove: bool,
    /// A row as stored: it knows how many ideas and supporters it covers.
    saved: bool,
    idea_count: usize,
    supporter_count: i64,
    errors: BTreeMap<&'static str, &'static str>,
}

impl EditorRow {
    fn is_blank(&self) -> bool {
        self.summary.trim().is_empty()
            && self.view.trim().is_empty()
            && self.ideas.trim().is_empty()
    }
}

/// An idea no row answers yet.
#[derive(Serialize)]
struct Uncovered<'a> {
    id: i64,
    receipt: &'a str,
    title: &'a str,
}

fn tag_names(tags: &[TagInfo]) -> HashMap<String, (String, String)> {
    tags.iter()
        .map(|t| (t.slug.clone(), (t.name_ja.clone(), t.name_en.clone())))
        .collect()
}

fn stored_rows(table: &Disposition) -> Vec<EditorRow> {
    table
        .rows
        .iter()
        .enumerate()
        .map(|(index, r)| EditorRow {
            index,
            section: r.section.clone().unwrap_or_default(),
            tag: r.tag.clone().unwrap_or_default(),
            summary: r.summary.clone(),
            view: r.view.clone(),
            ideas: r.receipts.join(" "),
            remove: false,
            saved: true,
            idea_count: r.idea_count,
            supporter_count: r.supporter_count,
            errors: BTreeMap::new(),
        })
        .collect()
}

/// Renders the public table (or the drafters' preview of it).
fn render_public(
    state: &AppState,
    page: &PageContext,
    viewer: Option<&Actor>,
    c: &ConsultationView,
    table: &Disposition,
    tags: &[TagInfo],
) -> Result<HttpResponse, AppError> {
    let mut ctx = tera::Context::new();
    insert_consultation(&mut ctx, state, c);
    insert_nav(&mut ctx, "disposition", viewer);
    ctx.insert("editing", &false);
    ctx.insert("table", table);
    ctx.insert("counts", &table.counts);
    ctx.insert("counting_rule", &table.counts.rule_in(page.lang));
    ctx.insert(
        "groups",
        &group_table(table, c, &tag_names(tags), page.lang),
    );
    page.ok(state, "drafting/disposition.html", ctx)
}

#[allow(clippy::too_many_arguments)]
fn render_editor(
    state: &AppState,
    page: &PageContext,
    actor: &Actor,
    c: &ConsultationView,
    table: &Disposition,
    tags: &[TagInfo],
    rows: Vec<EditorRow>,
    table_errors: Vec<&'static str>,
) -> Result<HttpResponse, AppError> {
    let mut summary = Vec::new();
    for code in &table_errors {
        summary.push(SummaryError {
            field: "rows".to_owned(),
            code,
        });
    }
    for r in &rows {
        for (field, code) in &r.errors {
            summary.push(SummaryError {
                field: format!("rows-{}-{field}", r.index),
                code,
            });
        }
    }
    let status = if summary.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let uncovered: Vec<Uncovered> = table
        .uncovered
        .iter()
        .map(|(id, receipt, title)| Uncovered {
            id: *id,
            receipt,
            title,
        })
        .collect();
    let mut ctx = tera::Context::new();
    insert_consultation(&mut ctx, state, c);
    insert_nav(&mut ctx, "disposition", Some(actor));
    ctx.insert("editing", &true);
    ctx.insert("table", table);
    ctx.insert("counts", &table.counts);
    ctx.insert("counting_rule", &table.counts.rule_in(page.lang));
    ctx.insert("rows", &rows);
    ctx.insert("tags", tags);
    ctx.insert("uncovered", &uncovered);
    ctx.insert("table_errors", &table_errors);
    ctx.insert("error_list", &summary);
    ctx.insert("max_chars", &DISPOSITION_TEXT_MAX_CHARS);
    page.render(state, "drafting/disposition.html", ctx, status)
}

/// The table: the editor for drafters, the published table for everyone else (404 until
/// it is published).
#[tracing::instrument(skip_all)]
pub async fn show(
    state: web::Data<AppState>,
    page: PageContext,
    MaybeUser(viewer): MaybeUser,
    path: web::Path<String>,
    query: web::Query<DispositionQuery>,
) -> Result<HttpResponse, AppError> {
    let actor = viewer.as_ref().map(|v| v.user.actor());
    let preview = match query.preview.as_deref() {
        None | Some("") | Some("0") => false,
        Some("1") => true,
        Some(_) => return Err(AppError::BadRequest("error-query-invalid")),
    };
    let table = responses::disposition(&state, actor, &path).await?;
    let c = consultations::get(&state, actor, &path).await?;
    let tags = tags::list(&state, actor, &c.slug).await?;
    match actor {
        Some(actor) if is_drafter(Some(&actor)) && !preview => {
            let mut rows = stored_rows(&table);
            if rows.is_empty() {
                rows.push(EditorRow::default());
            }
            render_editor(&state, &page, &actor, &c, &table, &tags, rows, Vec::new())
        }
        _ => render_public(&state, &page, actor.as_ref(), &c, &table, &tags),
    }
}

/// Reads the editor's fields: `rows-{n}-{field}` for each row, and the button pressed.
fn parse_form(fields: Vec<(String, String)>) -> Result<(String, Vec<EditorRow>), AppError> {
    let mut action = String::new();
    let mut rows: BTreeMap<usize, EditorRow> = BTreeMap::new();
    for (key, value) in fields {
        if key == "action" {
            action = value;
            continue;
        }
        let Some(rest) = key.strip_prefix("rows-") else {
            continue;
        };
        let Some((n, field)) = rest.split_once('-') else {
            continue;
        };
        let index: usize = n.parse().map_err(|_| AppError::BadRequest("error-400"))?;
        if index > MAX_ROW_INDEX {
            return Err(AppError::BadRequest("error-400"));
        }
        let row = rows.entry(index).or_default();
        match field {
            "section" => row.section = value.trim().to_owned(),
            "tag" => row.tag = value.trim().to_owned(),
            "summary" => row.summary = value,
            "view" => row.view = value,
            "ideas" => row.ideas = value,
            "remove" => row.remove = !value.is_empty(),
            _ => {}
        }
    }
    let rows = rows
        .into_values()
        .filter(|r| !r.remove)
        .enumerate()
        .map(|(index, r)| EditorRow { index, ..r })
        .collect();
    Ok((action, rows))
}

/// The ideas a row names, as ids (in the order given, without repeats), or `None` when a
/// receipt number or id is not one of this consultation's ideas.
fn resolve_ideas(index: &IdeaIndex, text: &str) -> Option<Vec<i64>> {
    let mut ids = Vec::new();
    for token in text.split(|c: char| c.is_whitespace() || ",、，;；".contains(c)) {
        if token.is_empty() {
            continue;
        }
        let id = index.resolve(token)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Some(ids)
}

/// Points the service's errors (which name a field, not a row) at the rows they concern;
/// what cannot be placed is reported for the whole table.
fn place_errors(
    errors: &FieldErrors,
    rows: &mut [EditorRow],
    c: &ConsultationView,
    tags: &[TagInfo],
) -> Vec<&'static str> {
    let mut table_level = Vec::new();
    for e in errors.iter() {
        let field: &'static str = match e.field {
            "idea_ids" => "ideas",
            other => other,
        };
        let concerns = |r: &EditorRow| -> bool {
            match field {
                "summary" => {
                    r.summary.trim().is_empty()
                        || r.summary.chars().count() > DISPOSITION_TEXT_MAX_CHARS
                }
                "view" => {
                    r.view.trim().is_empty() || r.view.chars().count() > DISPOSITION_TEXT_MAX_CHARS
                }
                "section" => {
                    !r.section.is_empty() && !c.sections.iter().any(|s| s.key == r.section)
                }
                "tag" => !r.tag.is_empty() && !tags.iter().any(|t| t.slug == r.tag),
                _ => false,
            }
        };
        let mut placed = false;
        for r in rows.iter_mut().filter(|r| concerns(r)) {
            r.errors.entry(field).or_insert(e.code);
            placed = true;
        }
        if !placed && !table_level.contains(&e.code) {
            table_level.push(e.code);
        }
    }
    table_level
}

/// Saves the table (and publishes or withdraws it), or adds an empty row.
#[tracing::instrument(skip_all)]
pub async fn save(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let actor = identity.user.actor();
    policy::can_draft(&actor)?;
    let slug = path.into_inner();
    let (action, rows) = parse_form(form.into_inner())?;
    let published = match action.as_str() {
        "add" => None,
        "save" | "" => None,
        "publish" => Some(true),
        "unpublish" => Some(false),
        _ => return Err(AppError::BadRequest("error-400")),
    };
    let table = responses::disposition(&state, Some(actor), &slug).await?;
    let c = consultations::get(&state, Some(actor), &slug).await?;
    let tags = tags::list(&state, Some(actor), &c.slug).await?;
    if action == "add" {
        let mut rows = rows;
        rows.push(EditorRow {
            index: rows.len(),
            ..EditorRow::default()
        });
        return render_editor(&state, &page, &actor, &c, &table, &tags, rows, Vec::new());
    }
    let mut rows: Vec<EditorRow> = rows
        .into_iter()
        .filter(|r| !r.is_blank())
        .enumerate()
        .map(|(index, r)| EditorRow { index, ..r })
        .collect();
    let index = IdeaIndex::from_disposition(&table);
    let mut input = Vec::with_capacity(rows.len());
    let mut unknown = false;
    for r in rows.iter_mut() {
        match resolve_ideas(&index, &r.ideas) {
            Some(idea_ids) => input.push(RowInput {
                summary: r.summary.clone(),
                view: r.view.clone(),
                idea_ids,
                section: Some(r.section.clone()).filter(|s| !s.is_empty()),
                tag: Some(r.tag.clone()).filter(|t| !t.is_empty()),
            }),
            None => {
                r.errors.insert("ideas", "error-receipt-unknown");
                unknown = true;
            }
        }
    }
    if unknown {
        return render_editor(&state, &page, &actor, &c, &table, &tags, rows, Vec::new());
    }
    match save_table(&state, &identity, &slug, input, published).await {
        Ok(()) => {
            let flash = match published {
                Some(true) => "flash-disposition-published",
                Some(false) => "flash-disposition-unpublished",
                None => "flash-disposition-saved",
            };
            Ok(see_other_with_flash(
                &format!("/c/{slug}/disposition"),
                flash,
            ))
        }
        Err(AppError::Validation(errors)) => {
            let table_errors = place_errors(&errors, &mut rows, &c, &tags);
            if rows.is_empty() {
                rows.push(EditorRow::default());
            }
            render_editor(&state, &page, &actor, &c, &table, &tags, rows, table_errors)
        }
        Err(err) => Err(err),
    }
}

async fn save_table(
    state: &AppState,
    identity: &Identity,
    slug: &str,
    rows: Vec<RowInput>,
    published: Option<bool>,
) -> Result<(), AppError> {
    responses::save_disposition(state, identity, slug, rows, published)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::responses::DispositionRowView;

    fn index() -> IdeaIndex {
        IdeaIndex::from_disposition(&Disposition {
            consultation: "plan".to_owned(),
            title: "Plan".to_owned(),
            published: false,
            published_at: None,
            rows: vec![DispositionRowView {
                position: 1,
                section: None,
                section_heading: None,
                tag: None,
                summary: "s".to_owned(),
                view: "v".to_owned(),
                idea_ids: vec![12],
                receipts: vec!["IB-2026-000012".to_owned()],
                idea_count: 1,
                supporter_count: 0,
            }],
            uncovered: vec![
                (13, "IB-2026-000013".to_owned(), "t".to_owned()),
                (14, "IB-2026-000014".to_owned(), "t".to_owned()),
            ],
            counts: Default::default(),
        })
    }

    #[test]
    fn receipts_and_ids_in_any_separator_become_ids_without_repeats() {
        let i = index();
        assert_eq!(
            resolve_ideas(&i, "IB-2026-000013, ib-2026-000012、14\n13"),
            Some(vec![13, 12, 14])
        );
        assert_eq!(resolve_ideas(&i, "  "), Some(vec![]));
        assert_eq!(resolve_ideas(&i, "IB-2026-000013 IB-2026-000099"), None);
        assert_eq!(resolve_ideas(&i, "99"), None);
    }

    #[test]
    fn the_form_is_read_row_by_row_and_removed_rows_are_dropped() {
        let field = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        let (action, rows) = parse_form(vec![
            field("csrf_token", "t"),
            field("rows-0-summary", "first"),
            field("rows-0-ideas", "12"),
            field("rows-1-summary", "gone"),
            field("rows-1-remove", "1"),
            field("rows-5-summary", "third"),
            field("rows-5-section", " s1 "),
            field("action", "publish"),
        ])
        .unwrap();
        assert_eq!(action, "publish");
        let shape: Vec<(usize, &str, &str)> = rows
            .iter()
            .map(|r| (r.index, r.summary.as_str(), r.section.as_str()))
            .collect();
        assert_eq!(shape, vec![(0, "first", ""), (1, "third", "s1")]);
        assert!(parse_form(vec![field("rows-x-summary", "a")]).is_err());
        assert!(parse_form(vec![field("rows-999999-summary", "a")]).is_err());
    }
}
