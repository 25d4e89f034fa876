//! Exports for drafters (CSV, XLSX, JSON) and open data for everyone after the close.
//!
//! What leaves: content, tags, sections, counts, statuses, answers and the disposition table.
//! Never emails, IPs, user agents or tokens. Authors appear as pseudonyms that are stable
//! within one file and cannot be joined across files (a fresh random key per export), and
//! times are rounded to the day. Files are produced in batches, so memory stays flat however
//! many ideas a consultation has.

mod csv;
mod json;
mod xlsx;

use std::collections::HashMap;

use actix_web::web::Bytes;
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use diesel::prelude::*;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use crate::db::models::campaigns as campaign_rows;
use crate::db::models::consultations::{self, ConsultationRow};
use crate::db::models::ideas::ExportFilter;
use crate::db::models::responses as response_rows;
use crate::db::models::tags;
use crate::db::views::export_rows::{IdeaOut, idea_batch};
use crate::db::{AnyConnection, Db};
use crate::domain::consultation::Phase;
use crate::domain::identity::Identity;
use crate::domain::lang::Lang;
use crate::domain::policy::{self, Actor};
use crate::domain::response_status::ResponseStatus;
use crate::error::AppError;
use crate::i18n;
use crate::services::campaigns::{Ledger, ledger_in};
use crate::services::consultations::{load_visible, phase_of};
use crate::services::context::ServiceContext;
use csv::write_csv;
use json::write_json;
use xlsx::write_xlsx;

const BATCH: i64 = 1_000;
/// Bytes gathered before a chunk goes to the client.
const CHUNK: usize = 64 * 1024;

/// The file formats on offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Json,
}

impl Format {
    pub fn parse(raw: Option<&str>) -> Option<Format> {
        match raw.unwrap_or("csv") {
            "csv" => Some(Self::Csv),
            "xlsx" => Some(Self::Xlsx),
            "json" => Some(Self::Json),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Json => "application/json; charset=utf-8",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
            Self::Json => "json",
        }
    }
}

/// An export request as received.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    pub format: Option<String>,
    pub section: Option<String>,
    pub tag: Option<String>,
    pub status: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub include_hidden: Option<String>,
}

/// A validated export, ready to be written.
#[derive(Clone)]
pub struct Plan {
    pub format: Format,
    pub consultation: ConsultationRow,
    pub filter: ExportFilter,
    pub lang: Lang,
    pub tz: chrono_tz::Tz,
    /// Open data: everything public, nothing else.
    pub public: bool,
    key: [u8; 32],
}

impl Plan {
    /// A fixed, safe file name (the slug is restricted to `[a-z0-9-]`).
    pub fn filename(&self) -> String {
        let kind = if self.public { "open-data" } else { "export" };
        format!(
            "ideabox-{}-{kind}.{}",
            self.consultation.slug,
            self.format.extension()
        )
    }

    fn day(&self, t: NaiveDateTime) -> NaiveDate {
        self.tz.from_utc_datetime(&t).date_naive()
    }
}

fn flag(raw: Option<&str>) -> Result<bool, AppError> {
    match raw {
        None | Some("") | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        _ => Err(AppError::BadRequest("error-query-invalid")),
    }
}

fn local_day_start(raw: &str, tz: chrono_tz::Tz) -> Result<NaiveDateTime, AppError> {
    let day = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::BadRequest("error-date-invalid"))?;
    let midnight = day
        .and_hms_opt(0, 0, 0)
        .ok_or(AppError::BadRequest("error-date-invalid"))?;
    tz.from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.naive_utc())
        .ok_or(AppError::BadRequest("error-date-invalid"))
}

fn random_key() -> Result<[u8; 32], AppError> {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key)
        .map_err(|e| AppError::internal(anyhow::anyhow!("no randomness: {e}")))?;
    Ok(key)
}

/// Checks the request and who asks: drafters and admins export; with `public`, anybody may
/// take the open data of a closed consultation.
#[tracing::instrument(skip_all)]
pub async fn plan(
    ctx: &ServiceContext,
    viewer: Option<&Identity>,
    slug: &str,
    query: ExportQuery,
    lang: Lang,
    public: bool,
) -> Result<Plan, AppError> {
    let actor: Option<Actor> = viewer.map(|v| v.user.actor());
    if !public {
        policy::can_draft(&actor.ok_or(AppError::Unauthorized)?)?;
    }
    let format = Format::parse(query.format.as_deref().filter(|f| !f.is_empty()))
        .ok_or(AppError::BadRequest("error-format-invalid"))?;
    if public && format == Format::Xlsx {
        return Err(AppError::BadRequest("error-format-invalid"));
    }
    let include_hidden = flag(query.include_hidden.as_deref())?;
    if public && include_hidden {
        return Err(AppError::BadRequest("error-query-invalid"));
    }
    let tz = ctx.settings.timezone;
    let from = query
        .from
        .as_deref()
        .filter(|f| !f.is_empty())
        .map(|f| local_day_start(f, tz))
        .transpose()?;
    let to = query
        .to
        .as_deref()
        .filter(|t| !t.is_empty())
        .map(|t| local_day_start(t, tz).map(|start| start + chrono::Duration::days(1)))
        .transpose()?;
    if let (Some(f), Some(t)) = (from, to)
        && t <= f
    {
        return Err(AppError::BadRequest("error-date-range-invalid"));
    }
    let status = query.status.clone().filter(|s| !s.is_empty());
    if status
        .as_deref()
        .is_some_and(|s| s != "none" && ResponseStatus::parse(s).is_none())
    {
        return Err(AppError::BadRequest("error-status-invalid"));
    }
    let slug = slug.to_owned();
    let section = query.section.clone().filter(|s| !s.is_empty());
    let tag = query.tag.clone().filter(|t| !t.is_empty());
    let (consultation, tag_id) = ctx
        .db
        .read(move |c| {
            let consultation = load_visible(c, &slug, actor.as_ref())?;
            if public && phase_of(&consultation, crate::db::now()) != Phase::Closed {
                return Err(AppError::Forbidden("error-open-data-not-yet"));
            }
            if let Some(section) = &section
                && !consultations::list_sections(c, consultation.id)?
                    .iter()
                    .any(|s| &s.key == section)
            {
                return Err(AppError::BadRequest("error-section-unknown"));
            }
            let tag_id = match &tag {
                None => None,
                Some(t) => Some(
                    tags::find(c, consultation.id, t)?
                        .ok_or(AppError::BadRequest("error-tag-unknown"))?
                        .id,
                ),
            };
            Ok((consultation, tag_id))
        })
        .await?;
    Ok(Plan {
        format,
        consultation,
        filter: ExportFilter {
            section: query.section.filter(|s| !s.is_empty()),
            tag_id,
            response_status: status,
            from,
            to,
            include_hidden,
        },
        lang,
        tz,
        public,
        key: random_key()?,
    })
}

/// One idea as exported.
struct Row {
    idea: IdeaOut,
    tags: Vec<String>,
    /// The published answer: (status, body).
    response: Option<(String, String)>,
}

/// What every batch needs, loaded once.
struct Context {
    sections: HashMap<String, String>,
    /// Rows of the disposition table: (summary, government view).
    disposition_rows: Vec<(String, String)>,
    /// Idea → indexes into `disposition_rows`.
    disposition: HashMap<i64, Vec<usize>>,
    published_table: bool,
    /// Campaign → submissions in it.
    campaign_sizes: HashMap<i64, i64>,
    /// The four counts and their rule, in the file's language.
    ledger: Ledger,
}

impl Context {
    fn section_heading(&self, idea: &IdeaOut) -> &str {
        idea.section_key
            .as_ref()
            .and_then(|k| self.sections.get(k))
            .map_or("", String::as_str)
    }

    fn disposition_of(&self, idea: i64) -> impl Iterator<Item = &(String, String)> {
        self.disposition
            .get(&idea)
            .into_iter()
            .flatten()
            .map(|&row| &self.disposition_rows[row])
    }
}

fn context(conn: &mut AnyConnection, plan: &Plan) -> Result<Context, AppError> {
    let sections = consultations::list_sections(conn, plan.consultation.id)?
        .into_iter()
        .map(|s| (s.key, s.heading))
        .collect();
    let published_table =
        response_rows::disposition_published(conn, plan.consultation.id)?.is_some();
    let mut disposition_rows = Vec::new();
    let mut disposition: HashMap<i64, Vec<usize>> = HashMap::new();
    // The public sees the table once published; drafters always.
    if published_table || !plan.public {
        for (row, idea_ids) in response_rows::disposition(conn, plan.consultation.id)? {
            for idea in idea_ids {
                disposition
                    .entry(idea)
                    .or_default()
                    .push(disposition_rows.len());
            }
            disposition_rows.push((row.summary, row.view));
        }
    }
    Ok(Context {
        sections,
        disposition_rows,
        disposition,
        published_table,
        campaign_sizes: campaign_rows::all_sizes(conn, plan.consultation.id)?
            .into_iter()
            .collect(),
        ledger: ledger_in(conn, &plan.consultation, plan.lang)?,
    })
}

fn batch(conn: &mut AnyConnection, plan: &Plan, after: i64) -> Result<Vec<Row>, AppError> {
    use crate::db::schema::{idea_responses, idea_tags, responses, tags};
    let rows = idea_batch(conn, plan.consultation.id, &plan.filter, after, BATCH)?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    // Tags and answers of the batch. Where the batch's ids are dense (the usual case: a
    // whole consultation) they are read by id range, which prepares once per connection;
    // a sparse, filtered batch lists its ids instead, so neither reads more than a few
    // batches' worth of rows.
    let first = rows[0].id;
    let last = rows[rows.len() - 1].id;
    let dense = usize::try_from(last - first).unwrap_or(usize::MAX) < 4 * rows.len();
    let ids: Vec<i64> = if dense {
        Vec::new()
    } else {
        rows.iter().map(|r| r.id).collect()
    };
    let tag_rows: Vec<(i64, String)> = {
        let query = idea_tags::table
            .inner_join(tags::table)
            .order(tags::slug.asc())
            .select((idea_tags::idea_id, tags::slug));
        if dense {
            query
                .filter(idea_tags::idea_id.between(first, last))
                .load(conn)?
        } else {
            query.filter(idea_tags::idea_id.eq_any(&ids)).load(conn)?
        }
    };
    let mut tag_map: HashMap<i64, Vec<String>> = HashMap::new();
    for (idea, slug) in tag_rows {
        tag_map.entry(idea).or_default().push(slug);
    }
    let answer_rows: Vec<(i64, String, String)> = {
        let query = responses::table
            .inner_join(idea_responses::table)
            .filter(responses::published_at.is_not_null())
            .order(responses::published_at.asc())
            .select((idea_responses::idea_id, responses::status, responses::body));
        if dense {
            query
                .filter(idea_responses::idea_id.between(first, last))
                .load(conn)?
        } else {
            query
                .filter(idea_responses::idea_id.eq_any(&ids))
                .load(conn)?
        }
    };
    // The latest publication wins.
    let mut answers: HashMap<i64, (String, String)> = HashMap::new();
    for (idea, status, body) in answer_rows {
        answers.insert(idea, (status, body));
    }
    Ok(rows
        .into_iter()
        .map(|idea| Row {
            tags: tag_map.remove(&idea.id).unwrap_or_default(),
            response: answers.remove(&idea.id),
            idea,
        })
        .collect())
}

pub const IDEA_COLUMNS: [&str; 20] = [
    "receipt",
    "date",
    "section",
    "section-heading",
    "title",
    "body",
    "tags",
    "status",
    "visibility",
    "response-status",
    "response",
    "supports",
    "opposes",
    "comments",
    "author",
    "disposition-summary",
    "government-view",
    "channel",
    "campaign",
    "campaign-size",
];

const DATE_COLUMN: usize = 1;

const NUMBER_COLUMNS: std::ops::Range<usize> = 11..14;

fn header(plan: &Plan) -> Vec<String> {
    IDEA_COLUMNS
        .iter()
        .map(|c| i18n::text(plan.lang, &format!("export-col-{c}")))
        .collect()
}

/// Keyed SHA-256 of the author id, the key hashed once per file.
struct Pseudonyms(Sha256);

impl Pseudonyms {
    fn new(plan: &Plan) -> Self {
        let mut keyed = Sha256::new();
        keyed.update(plan.key);
        Self(keyed)
    }

    /// Writes `P-` and ten hex digits into `out` (cleared first).
    fn write(&self, user: i64, out: &mut String) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut hasher = self.0.clone();
        hasher.update(user.to_be_bytes());
        let digest = hasher.finalize();
        out.clear();
        out.push_str("P-");
        for b in &digest[..5] {
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }

    #[cfg(test)]
    fn of(&self, user: i64) -> String {
        let mut out = String::with_capacity(12);
        self.write(user, &mut out);
        out
    }
}

/// The formatted cells of one idea row, in reusable buffers (no allocation per row once
/// they have grown).
#[derive(Default)]
struct Cells {
    day: Option<NaiveDate>,
    date: String,
    tags: String,
    supports: String,
    opposes: String,
    comments: String,
    author: String,
    summary: String,
    view: String,
    campaign: String,
    campaign_size: String,
}

impl Cells {
    fn fill(&mut self, plan: &Plan, ctx: &Context, names: &Pseudonyms, row: &Row) {
        use std::fmt::Write;
        let i = &row.idea;
        let day = plan.day(i.created_at);
        if self.day != Some(day) {
            self.day = Some(day);
            self.date.clear();
            let _ = write!(self.date, "{day}");
        }
        self.tags.clear();
        for (n, tag) in row.tags.iter().enumerate() {
            if n > 0 {
                self.tags.push(' ');
            }
            self.tags.push_str(tag);
        }
        for (buf, n) in [
            (&mut self.supports, i.support_count),
            (&mut self.opposes, i.oppose_count),
            (&mut self.comments, i.comment_count),
        ] {
            buf.clear();
            let _ = write!(buf, "{n}");
        }
        names.write(i.author_id, &mut self.author);
        self.campaign.clear();
        self.campaign_size.clear();
        if let Some(campaign) = i.campaign_id {
            let _ = write!(self.campaign, "C-{campaign}");
            if let Some(size) = ctx.campaign_sizes.get(&campaign) {
                let _ = write!(self.campaign_size, "{size}");
            }
        }
        self.summary.clear();
        self.view.clear();
        for (n, (summary, view)) in ctx.disposition_of(i.id).enumerate() {
            if n > 0 {
                self.summary.push('\n');
                self.view.push('\n');
            }
            self.summary.push_str(summary);
            self.view.push_str(view);
        }
    }

    /// The row's cells in `IDEA_COLUMNS` order.
    fn get<'a>(&'a self, ctx: &'a Context, row: &'a Row) -> [&'a str; 20] {
        let i = &row.idea;
        [
            &i.receipt,
            &self.date,
            i.section_key.as_deref().unwrap_or(""),
            ctx.section_heading(i),
            &i.title,
            &i.body,
            &self.tags,
            &i.status,
            &i.visibility,
            i.response_status.as_deref().unwrap_or(""),
            row.response.as_ref().map_or("", |(_, body)| body.as_str()),
            &self.supports,
            &self.opposes,
            &self.comments,
            &self.author,
            &self.summary,
            &self.view,
            &i.channel,
            &self.campaign,
            &self.campaign_size,
        ]
    }
}

/// Hands a full buffer to the response stream (a fresh one takes its place); `false` once
/// the client has gone.
fn send(tx: &mpsc::Sender<Result<Bytes, std::io::Error>>, buf: &mut Vec<u8>) -> bool {
    if buf.is_empty() {
        return true;
    }
    let chunk = Bytes::from(std::mem::replace(
        buf,
        Vec::with_capacity(CHUNK + CHUNK / 4),
    ));
    tx.blocking_send(Ok(chunk)).is_ok()
}

/// The file as a stream of chunks, produced on the blocking pool from a read connection.
pub fn stream(db: Db, plan: Plan) -> mpsc::Receiver<Result<Bytes, std::io::Error>> {
    let (tx, rx) = mpsc::channel(4);
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        span.in_scope(|| {
            let result = db.read_sync(|c| match plan.format {
                Format::Csv => write_csv(c, &plan, &tx),
                Format::Json => write_json(c, &plan, &tx),
                Format::Xlsx => write_xlsx(c, &plan, &tx),
            });
            if tx.is_closed() {
                tracing::debug!("export abandoned by the client");
            } else if let Err(err) = result {
                tracing::error!(error = %err, "export failed part-way");
                // The client sees a broken download rather than a silently short file.
                let _ = tx.blocking_send(Err(std::io::Error::other("export failed")));
            }
        })
    });
    rx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_flags() {
        assert_eq!(Format::parse(None), Some(Format::Csv));
        assert_eq!(Format::parse(Some("xlsx")), Some(Format::Xlsx));
        assert_eq!(Format::parse(Some("pdf")), None);
        assert!(flag(Some("maybe")).is_err());
        assert!(flag(Some("true")).unwrap());
    }

    /// The hand-written encoder writes exactly what the csv crate writes for the
    /// neutralised cells.
    #[test]
    fn pseudonyms_are_keyed_per_file() {
        let mut plan_key = [7u8; 32];
        let a = Pseudonyms({
            let mut h = Sha256::new();
            h.update(plan_key);
            h
        });
        plan_key[0] = 8;
        let b = Pseudonyms({
            let mut h = Sha256::new();
            h.update(plan_key);
            h
        });
        let name = a.of(42);
        assert_eq!(name, a.of(42), "stable within a file");
        assert_ne!(name, a.of(43));
        assert_ne!(name, b.of(42), "another key, another name");
        assert_eq!(name.len(), 12);
        assert!(name.starts_with("P-"));
        assert!(
            name[2..]
                .bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        // The same as hashing key and id in one go.
        let mut whole = Sha256::new();
        whole.update([7u8; 32]);
        whole.update(42i64.to_be_bytes());
        let digest = whole.finalize();
        let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
        assert_eq!(name, format!("P-{hex}"));
    }
}
