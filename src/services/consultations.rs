//! Organisations and consultations: what the public sees, what admins create and change.

use chrono::{NaiveDateTime, TimeZone};
use diesel::OptionalExtension;
use serde::Serialize;

use crate::db::models::consultations::{
    self, ConsultationChanges, ConsultationRow, NewConsultation, NewOrganisation, OrganisationRow,
};

use crate::db::{AnyConnection, now};
use crate::domain::consultation::{ConsultationStatus, Phase, Slug};
use crate::domain::fields::{FieldError, FieldErrors};
use crate::domain::lang::Lang;
use crate::domain::markdown;
use crate::domain::policy::{self, Actor};
use crate::error::AppError;
use crate::services::consultation_counts::{CountsCache, count};
use crate::services::context::{ConsultationRows, ServiceContext};

pub const TITLE_MAX_CHARS: usize = 200;
pub const SUMMARY_MAX_CHARS: usize = 1_000;
pub const PLAN_MAX_CHARS: usize = 200_000;
pub const ORG_NAME_MAX_CHARS: usize = 200;

/// An organisation as shown to people.
#[derive(Clone, Debug, Serialize)]
pub struct OrganisationView {
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
}

impl OrganisationView {
    fn from_row(row: &OrganisationRow) -> Self {
        Self {
            slug: row.slug.clone(),
            name_ja: row.name_ja.clone(),
            name_en: row.name_en.clone(),
        }
    }

    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja => &self.name_ja,
            Lang::En => &self.name_en,
        }
    }
}

/// A section of the plan with the number of ideas pointing at it.
#[derive(Clone, Debug, Serialize)]
pub struct SectionView {
    pub key: String,
    pub heading: String,
    pub level: i32,
    pub idea_count: i64,
}

/// A consultation as its page and the API show it.
#[derive(Clone, Debug, Serialize)]
pub struct ConsultationView {
    #[serde(skip)]
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub body_html: String,
    pub status: ConsultationStatus,
    pub phase: Phase,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub organisation: OrganisationView,
    pub sections: Vec<SectionView>,
    pub idea_count: i64,
    pub vote_count: i64,
    /// The totals are the last ones counted, while a slow count is redone.
    pub counts_approximate: bool,
    pub premoderation: bool,
}

/// A consultation as the home page lists it.
#[derive(Clone, Debug, Serialize)]
pub struct ConsultationCard {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub organisation: OrganisationView,
    pub status: ConsultationStatus,
    pub phase: Phase,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub idea_count: i64,
    pub vote_count: i64,
    /// The totals are the last ones counted, while a slow count is redone.
    pub counts_approximate: bool,
}

pub fn status_of(row: &ConsultationRow) -> ConsultationStatus {
    ConsultationStatus::parse(&row.status).unwrap_or(ConsultationStatus::Draft)
}

pub fn phase_of(row: &ConsultationRow, at: NaiveDateTime) -> Phase {
    Phase::of(status_of(row), row.opens_at, row.closes_at, at)
}

/// Drafts exist only for staff: everyone else gets the same 404 as for a missing slug.
pub fn visible_to(row: &ConsultationRow, viewer: Option<&Actor>) -> bool {
    status_of(row) != ConsultationStatus::Draft || policy::can_see_drafts(viewer)
}

/// Loads a consultation the viewer may see (inside a read or transaction).
pub fn load_visible(
    conn: &mut AnyConnection,
    slug: &str,
    viewer: Option<&Actor>,
) -> Result<ConsultationRow, AppError> {
    consultations::find_by_slug(conn, slug)?
        .filter(|row| visible_to(row, viewer))
        .ok_or(AppError::NotFound)
}

/// `load_visible` through the kept consultation rows: every page about a consultation starts
/// by reading its row.
pub fn load_visible_kept(
    rows: &ConsultationRows,
    conn: &mut AnyConnection,
    slug: &str,
    viewer: Option<&Actor>,
) -> Result<ConsultationRow, AppError> {
    let row = rows.get_or_load(&slug.to_owned(), || consultations::find_by_slug(conn, slug))?;
    row.as_ref()
        .as_ref()
        .filter(|row| visible_to(row, viewer))
        .cloned()
        .ok_or(AppError::NotFound)
}

fn view(
    conn: &mut AnyConnection,
    counts: &CountsCache,
    row: ConsultationRow,
    org: &OrganisationRow,
) -> Result<ConsultationView, AppError> {
    let totals = counts.get(&row.id, || count(conn, row.id))?;
    let counts = &totals.value;
    let sections = consultations::list_sections(conn, row.id)?
        .into_iter()
        .map(|s| SectionView {
            idea_count: counts.in_section(&s.key),
            key: s.key,
            heading: s.heading,
            level: s.level,
        })
        .collect();
    let (idea_count, vote_count) = (counts.ideas, counts.votes);
    Ok(ConsultationView {
        premoderation: row.premoderation,
        id: row.id,
        status: status_of(&row),
        phase: phase_of(&row, now()),
        slug: row.slug,
        title: row.title,
        summary: row.summary,
        body: row.body,
        body_html: row.body_html,
        opens_at: row.opens_at,
        closes_at: row.closes_at,
        organisation: OrganisationView::from_row(org),
        sections,
        idea_count,
        vote_count,
        counts_approximate: totals.approximate,
    })
}

/// One consultation with its sections and counts.
#[tracing::instrument(skip_all)]
pub async fn get(
    ctx: &ServiceContext,
    viewer: Option<Actor>,
    slug: &str,
) -> Result<ConsultationView, AppError> {
    let slug = slug.to_owned();
    let ctx = ctx.clone();
    ctx.db
        .clone()
        .read(move |c| get_in(c, &ctx, viewer, &slug))
        .await
}

/// The slug of a consultation by id, for pages that know only the id (a job's).
#[tracing::instrument(skip_all)]
pub async fn slug_of(ctx: &ServiceContext, id: i64) -> Result<Option<String>, AppError> {
    ctx.db
        .read(move |c| Ok(consultations::find(c, id).optional()?.map(|row| row.slug)))
        .await
}

/// `get` on a connection already at hand.
pub fn get_in(
    c: &mut AnyConnection,
    ctx: &ServiceContext,
    viewer: Option<Actor>,
    slug: &str,
) -> Result<ConsultationView, AppError> {
    let row = load_visible_kept(&ctx.consultation_rows, c, slug, viewer.as_ref())?;
    let org = consultations::find_organisation(c, row.organisation_id)?;
    view(c, &ctx.counts, row, &org)
}

/// Consultations the viewer may see, optionally of one organisation: open ones first
/// (soonest deadline first), then upcoming, then closed (most recent first).
#[tracing::instrument(skip_all)]
pub async fn list(
    ctx: &ServiceContext,
    viewer: Option<Actor>,
    organisation: Option<String>,
) -> Result<Vec<ConsultationCard>, AppError> {
    let counts = ctx.counts.clone();
    ctx.db
        .read(move |c| {
            if let Some(slug) = &organisation
                && consultations::find_organisation_by_slug(c, slug)?.is_none()
            {
                return Err(AppError::BadRequest("error-unknown-organisation"));
            }
            let at = now();
            let mut cards = Vec::new();
            for (row, org) in consultations::list_all(c)? {
                if !visible_to(&row, viewer.as_ref())
                    || organisation.as_deref().is_some_and(|o| o != org.slug)
                {
                    continue;
                }
                let totals = counts.get(&row.id, || count(c, row.id))?;
                let (idea_count, vote_count) = (totals.value.ideas, totals.value.votes);
                cards.push(ConsultationCard {
                    status: status_of(&row),
                    phase: phase_of(&row, at),
                    slug: row.slug,
                    title: row.title,
                    summary: row.summary,
                    organisation: OrganisationView::from_row(&org),
                    opens_at: row.opens_at,
                    closes_at: row.closes_at,
                    idea_count,
                    vote_count,
                    counts_approximate: totals.approximate,
                });
            }
            let rank = |p: Phase| match p {
                Phase::Open => 0,
                Phase::Upcoming => 1,
                Phase::Draft => 2,
                Phase::Closed => 3,
            };
            cards.sort_by(|a, b| {
                rank(a.phase).cmp(&rank(b.phase)).then_with(|| {
                    if a.phase == Phase::Closed {
                        b.closes_at.cmp(&a.closes_at)
                    } else {
                        a.closes_at.cmp(&b.closes_at)
                    }
                })
            });
            Ok(cards)
        })
        .await
}

/// Every consultation, drafts included, for the admin pages (admins only).
#[tracing::instrument(skip_all)]
pub async fn admin_list(
    ctx: &ServiceContext,
    actor: &Actor,
) -> Result<Vec<ConsultationCard>, AppError> {
    policy::can_administer(actor)?;
    list(ctx, Some(*actor), None).await
}

#[tracing::instrument(skip_all)]
pub async fn organisations(ctx: &ServiceContext) -> Result<Vec<OrganisationView>, AppError> {
    ctx.db
        .read(|c| {
            Ok(consultations::list_organisations(c)?
                .iter()
                .map(OrganisationView::from_row)
                .collect())
        })
        .await
}

fn text(field: &'static str, raw: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let value = raw.trim();
    let chars = value.chars().count();
    if chars < min {
        return Err(FieldError::new(field, "error-required"));
    }
    if chars > max {
        return Err(FieldError::new(field, "error-too-long"));
    }
    Ok(value.to_owned())
}

/// An organisation as submitted.
pub struct OrganisationInput<'a> {
    pub slug: &'a str,
    pub name_ja: &'a str,
    pub name_en: &'a str,
}

#[tracing::instrument(skip_all)]
pub async fn create_organisation(
    ctx: &ServiceContext,
    actor: &Actor,
    input: OrganisationInput<'_>,
) -> Result<OrganisationView, AppError> {
    policy::can_administer(actor)?;
    let mut errors = FieldErrors::new();
    let slug = errors.take(Slug::parse("slug", input.slug));
    let name_ja = errors.take(text("name_ja", input.name_ja, 1, ORG_NAME_MAX_CHARS));
    let name_en = errors.take(text("name_en", input.name_en, 1, ORG_NAME_MAX_CHARS));
    let (Some(slug), Some(name_ja), Some(name_en)) = (slug, name_ja, name_en) else {
        return Err(AppError::Validation(errors));
    };
    ctx.db
        .write(move |c| {
            if consultations::find_organisation_by_slug(c, slug.as_str())?.is_some() {
                return Err(AppError::validation("slug", "error-slug-taken"));
            }
            let new = NewOrganisation {
                slug: slug.as_str(),
                name_ja: &name_ja,
                name_en: &name_en,
                created_at: now(),
            };
            consultations::insert_organisation(c, &new)?;
            Ok(OrganisationView {
                slug: slug.as_str().to_owned(),
                name_ja,
                name_en,
            })
        })
        .await
}

/// A consultation as submitted; `None` means "not given" (a PATCH leaves it unchanged).
#[derive(Default)]
pub struct ConsultationInput {
    pub slug: Option<String>,
    pub organisation: Option<String>,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub body: Option<String>,
    pub opens_at: Option<String>,
    pub closes_at: Option<String>,
    pub status: Option<String>,
    /// Hold new ideas and comments for approval.
    pub premoderation: Option<bool>,
}

/// Accepts RFC 3339 (`2026-12-01T09:00:00+09:00`) or a local `YYYY-MM-DDTHH:MM` (as HTML
/// date-time fields send it) in the site's time zone. Stored in UTC.
pub fn parse_datetime(
    field: &'static str,
    raw: &str,
    tz: chrono_tz::Tz,
) -> Result<NaiveDateTime, FieldError> {
    let raw = raw.trim();
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(raw) {
        return Ok(dt.naive_utc());
    }
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(raw, format)
            && let Some(dt) = tz.from_local_datetime(&local).earliest()
        {
            return Ok(dt.naive_utc());
        }
    }
    Err(FieldError::new(field, "error-datetime-invalid"))
}

struct ParsedConsultation {
    organisation_id: Option<i64>,
    title: Option<String>,
    summary: Option<String>,
    body: Option<String>,
    opens_at: Option<NaiveDateTime>,
    closes_at: Option<NaiveDateTime>,
    status: Option<ConsultationStatus>,
}

fn parse_input(
    conn: &mut AnyConnection,
    input: &ConsultationInput,
    tz: chrono_tz::Tz,
    errors: &mut FieldErrors,
) -> Result<ParsedConsultation, AppError> {
    let organisation_id = match &input.organisation {
        None => None,
        Some(slug) => match consultations::find_organisation_by_slug(conn, slug.trim())? {
            Some(org) => Some(org.id),
            None => {
                errors.push(FieldError::new(
                    "organisation",
                    "error-unknown-organisation",
                ));
                None
            }
        },
    };
    let status = match &input.status {
        None => None,
        Some(raw) => {
            let parsed = ConsultationStatus::parse(raw);
            if parsed.is_none() {
                errors.push(FieldError::new("status", "error-status-invalid"));
            }
            parsed
        }
    };
    Ok(ParsedConsultation {
        organisation_id,
        title: input
            .title
            .as_deref()
            .and_then(|t| errors.take(text("title", t, 1, TITLE_MAX_CHARS))),
        summary: input
            .summary
            .as_deref()
            .and_then(|t| errors.take(text("summary", t, 0, SUMMARY_MAX_CHARS))),
        body: input
            .body
            .as_deref()
            .and_then(|t| errors.take(text("body", t, 1, PLAN_MAX_CHARS))),
        opens_at: input
            .opens_at
            .as_deref()
            .and_then(|t| errors.take(parse_datetime("opens_at", t, tz))),
        closes_at: input
            .closes_at
            .as_deref()
            .and_then(|t| errors.take(parse_datetime("closes_at", t, tz))),
        status,
    })
}

/// Creates a consultation (admins). New consultations are drafts unless a status is given.
#[tracing::instrument(skip_all)]
pub async fn create(
    ctx: &ServiceContext,
    actor: &Actor,
    input: ConsultationInput,
) -> Result<String, AppError> {
    policy::can_administer(actor)?;
    let tz = ctx.settings.timezone;
    ctx.db
        .write(move |c| {
            let mut errors = FieldErrors::new();
            let slug = errors.take(Slug::parse("slug", input.slug.as_deref().unwrap_or("")));
            for (field, given) in [
                ("organisation", &input.organisation),
                ("title", &input.title),
                ("body", &input.body),
                ("opens_at", &input.opens_at),
                ("closes_at", &input.closes_at),
            ] {
                if given.as_deref().is_none_or(|v| v.trim().is_empty()) {
                    errors.push(FieldError::new(field, "error-required"));
                }
            }
            let parsed = parse_input(c, &input, tz, &mut errors)?;
            if let (Some(open), Some(close)) = (parsed.opens_at, parsed.closes_at)
                && close <= open
            {
                errors.push(FieldError::new("closes_at", "error-closes-before-opens"));
            }
            if let Some(slug) = &slug
                && consultations::find_by_slug(c, slug.as_str())?.is_some()
            {
                errors.push(FieldError::new("slug", "error-slug-taken"));
            }
            errors.clone().into_result()?;
            let (
                Some(slug),
                Some(organisation_id),
                Some(title),
                Some(body),
                Some(opens_at),
                Some(closes_at),
            ) = (
                slug,
                parsed.organisation_id,
                parsed.title,
                parsed.body,
                parsed.opens_at,
                parsed.closes_at,
            )
            else {
                return Err(AppError::Validation(errors));
            };
            let (body_html, sections) = markdown::render_plan(&body);
            let at = now();
            let id = consultations::insert(
                c,
                &NewConsultation {
                    organisation_id,
                    slug: slug.as_str(),
                    title: &title,
                    summary: parsed.summary.as_deref().unwrap_or(""),
                    body: &body,
                    body_html: &body_html,
                    status: parsed.status.unwrap_or(ConsultationStatus::Draft).as_str(),
                    opens_at,
                    closes_at,
                    created_at: at,
                    updated_at: at,
                    premoderation: input.premoderation.unwrap_or(false),
                },
            )?;
            consultations::replace_sections(c, id, &sections)?;
            Ok(slug.as_str().to_owned())
        })
        .await
}

/// Changes a consultation (admins): any field, including closing it early.
#[tracing::instrument(skip_all)]
pub async fn update(
    ctx: &ServiceContext,
    actor: &Actor,
    slug: &str,
    input: ConsultationInput,
) -> Result<(), AppError> {
    policy::can_administer(actor)?;
    if input.slug.is_some() {
        return Err(AppError::validation("slug", "error-slug-immutable"));
    }
    let tz = ctx.settings.timezone;
    let slug = slug.to_owned();
    ctx.db
        .write(move |c| {
            let row = consultations::find_by_slug(c, &slug)?.ok_or(AppError::NotFound)?;
            let mut errors = FieldErrors::new();
            let parsed = parse_input(c, &input, tz, &mut errors)?;
            let opens = parsed.opens_at.unwrap_or(row.opens_at);
            let closes = parsed.closes_at.unwrap_or(row.closes_at);
            if closes <= opens {
                errors.push(FieldError::new("closes_at", "error-closes-before-opens"));
            }
            errors.into_result()?;
            let rendered = parsed.body.as_deref().map(markdown::render_plan);
            let changes = ConsultationChanges {
                organisation_id: parsed.organisation_id,
                title: parsed.title,
                summary: parsed.summary,
                body: parsed.body,
                body_html: rendered.as_ref().map(|(html, _)| html.clone()),
                status: parsed.status.map(|s| s.as_str().to_owned()),
                opens_at: parsed.opens_at,
                closes_at: parsed.closes_at,
                updated_at: Some(now()),
                premoderation: input.premoderation,
            };
            consultations::update(c, row.id, &changes)?;
            if let Some((_, sections)) = rendered {
                consultations::replace_sections(c, row.id, &sections)?;
            }
            Ok(())
        })
        .await
}
