//! Submissions received outside the site: staff record one received by email, post, fax or
//! at an event, or import many (`services::imports`). Each becomes an idea like a web post:
//! a receipt number, the same screening and pre-moderation, moderation, search, tags,
//! answers and exports. It belongs to the intake account and shows publicly by its channel;
//! who sent it (name, email, organisation) is kept apart and shown to staff only.

use serde::Serialize;

use crate::analysis::campaigns;
use crate::db::models::consultations::{self as consultation_rows, ConsultationRow};
use crate::db::models::ideas::{self as idea_rows, NewIdea};
use crate::db::models::submitters::{self, SubmitterRow};
use crate::db::{AnyConnection, now};
use crate::domain::consultation::Phase;
use crate::domain::content;
use crate::domain::identity::Identity;
use crate::domain::markdown;
use crate::domain::moderation::Visibility;
use crate::domain::policy;
use crate::domain::submission::{Channel, RawSubmission, Submission, SubmissionContext};
use crate::error::AppError;
use crate::services::consultations::{load_visible, phase_of};
use crate::services::context::ServiceContext;
use crate::services::jobs;
use crate::services::screening::Screen;

/// How long after new submissions a consultation is regrouped: arrivals in a burst share
/// one regrouping, and a copy joins its campaign within a minute.
pub const REGROUP_DELAY: chrono::Duration = chrono::Duration::seconds(20);

/// A recorded submission, as the API answers it.
#[derive(Clone, Debug, Serialize)]
pub struct Recorded {
    pub id: i64,
    pub receipt: String,
}

/// Refuses recording into a consultation that takes no submissions (a draft): letters that
/// arrive after the close are still recorded, as the law counts them by their date.
pub fn require_receiving(consultation: &ConsultationRow) -> Result<(), AppError> {
    if phase_of(consultation, now()) == Phase::Draft {
        return Err(AppError::Forbidden("error-consultation-draft"));
    }
    Ok(())
}

/// The section keys a submission may name.
pub fn section_keys(conn: &mut AnyConnection, consultation: i64) -> Result<Vec<String>, AppError> {
    Ok(consultation_rows::list_sections(conn, consultation)?
        .into_iter()
        .map(|s| s.key)
        .collect())
}

/// Where an imported submission came from, so that the same line is never stored twice.
#[derive(Clone, Copy, Debug)]
pub struct ImportOrigin {
    pub import: i64,
    pub line: i64,
}

/// A parsed submission with everything that needs no database worked out: its HTML, its
/// screening and its text key. An import prepares a batch while the previous one is being
/// written, so the writer spends its turn on writing alone.
pub struct Prepared {
    submission: Submission,
    body_html: String,
    visibility: Visibility,
    text_key: i64,
    origin: Option<ImportOrigin>,
}

/// Prepares a parsed submission for `insert_prepared`.
pub fn prepare(screen: &Screen, submission: Submission, origin: Option<ImportOrigin>) -> Prepared {
    let body = submission.body.as_str();
    let visibility = screen.visibility(&format!("{}\n{}", submission.title, body));
    Prepared {
        body_html: markdown::render_user(body),
        // The key's bits as stored (a signed column).
        text_key: campaigns::text_key(body) as i64,
        visibility,
        origin,
        submission,
    }
}

/// Stores prepared submissions in the caller's transaction, in order; returns each one's id
/// and receipt. Ids are reserved first, so every row is written once, receipt included.
pub fn insert_prepared(
    conn: &mut AnyConnection,
    consultation: i64,
    intake: i64,
    recorded_by: i64,
    rows: &[Prepared],
) -> Result<Vec<(i64, String)>, AppError> {
    let at = now();
    let ids = idea_rows::reserve_ids(conn, rows.len())?;
    let receipts: Vec<String> = ids
        .iter()
        .map(|id| content::receipt_number(*id, at))
        .collect();
    let ideas: Vec<NewIdea<'_>> = rows
        .iter()
        .zip(ids.iter().zip(&receipts))
        .map(|(row, (id, receipt))| {
            let submission = &row.submission;
            NewIdea {
                id: *id,
                consultation_id: consultation,
                author_id: intake,
                section_key: submission.section.as_deref(),
                receipt,
                title: &submission.title,
                body: submission.body.as_str(),
                body_html: &row.body_html,
                created_at: at,
                updated_at: at,
                visibility: row.visibility.as_str(),
                channel: submission.channel.as_str(),
                received_at: Some(submission.received_at),
                text_key: Some(row.text_key),
                import_id: row.origin.map(|o| o.import),
                import_line: row.origin.map(|o| o.line),
            }
        })
        .collect();
    idea_rows::insert_many(conn, &ideas)?;
    let senders: Vec<SubmitterRow> = rows
        .iter()
        .zip(&ids)
        .map(|(row, id)| {
            let who = &row.submission.submitter;
            SubmitterRow {
                idea_id: *id,
                name: who.name.clone(),
                email: who.email.clone(),
                organisation: who.organisation.clone(),
                recorded_by: Some(recorded_by),
            }
        })
        .collect();
    submitters::insert_many(conn, &senders)?;
    Ok(ids.into_iter().zip(receipts).collect())
}

/// Queues the consultation's regrouping (one at a time per consultation).
pub fn regroup_soon(conn: &mut AnyConnection, consultation: i64) -> Result<i64, AppError> {
    jobs::queue_regroup(conn, consultation, None, REGROUP_DELAY)
}

/// Records one submission received outside the site (staff only).
#[tracing::instrument(skip_all)]
pub async fn record(
    ctx: &ServiceContext,
    identity: &Identity,
    slug: &str,
    raw: RawSubmission<'_>,
) -> Result<Recorded, AppError> {
    let actor = identity.user.actor();
    policy::can_record_submissions(&actor)?;
    let slug = slug.to_owned();
    let fields = OwnedRaw::of(&raw);
    let recorded_by = identity.user.id.0;
    let timezone = ctx.settings.timezone;
    let recorded = ctx
        .db
        .write(move |c| {
            let consultation = load_visible(c, &slug, Some(&actor))?;
            require_receiving(&consultation)?;
            let sections = section_keys(c, consultation.id)?;
            let submission = Submission::parse(
                &fields.borrowed(),
                &SubmissionContext {
                    default_channel: Channel::Post,
                    sections: &sections,
                    timezone,
                    now: now(),
                },
            )?;
            let intake = submitters::intake_account(c, now())?;
            let screen = Screen::load(c, consultation.premoderation)?;
            let prepared = prepare(&screen, submission, None);
            let stored = insert_prepared(c, consultation.id, intake, recorded_by, &[prepared])?;
            let (id, receipt) = stored.into_iter().next().ok_or_else(|| {
                AppError::internal(anyhow::anyhow!("a recorded submission was not stored"))
            })?;
            regroup_soon(c, consultation.id)?;
            Ok(Recorded { id, receipt })
        })
        .await?;
    ctx.jobs.wake();
    tracing::info!(idea = recorded.id, "submission recorded");
    Ok(recorded)
}

/// Who sent a submission, for staff.
#[tracing::instrument(skip_all)]
pub async fn submitter(
    ctx: &ServiceContext,
    identity: &Identity,
    idea: i64,
) -> Result<Option<SubmitterRow>, AppError> {
    policy::can_record_submissions(&identity.user.actor())?;
    ctx.db.read(move |c| Ok(submitters::find(c, idea)?)).await
}

/// A raw submission with owned fields, to cross into the blocking pool.
#[derive(Clone, Debug, Default)]
pub struct OwnedRaw {
    pub channel: Option<String>,
    pub received_at: Option<String>,
    pub title: Option<String>,
    pub body: String,
    pub section: Option<String>,
    pub submitter_name: Option<String>,
    pub submitter_email: Option<String>,
    pub organisation: Option<String>,
}

impl OwnedRaw {
    pub fn of(raw: &RawSubmission<'_>) -> OwnedRaw {
        let own = |v: Option<&str>| v.map(str::to_owned);
        OwnedRaw {
            channel: own(raw.channel),
            received_at: own(raw.received_at),
            title: own(raw.title),
            body: raw.body.to_owned(),
            section: own(raw.section),
            submitter_name: own(raw.submitter_name),
            submitter_email: own(raw.submitter_email),
            organisation: own(raw.organisation),
        }
    }

    pub fn borrowed(&self) -> RawSubmission<'_> {
        RawSubmission {
            channel: self.channel.as_deref(),
            received_at: self.received_at.as_deref(),
            title: self.title.as_deref(),
            body: &self.body,
            section: self.section.as_deref(),
            submitter_name: self.submitter_name.as_deref(),
            submitter_email: self.submitter_email.as_deref(),
            organisation: self.organisation.as_deref(),
        }
    }
}
