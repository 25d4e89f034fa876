//! Exports for drafters (CSV, XLSX, JSON) and open data for everyone after the close.
//!
//! What leaves: content, tags, sections, counts, statuses, answers and the disposition table.
//! Never emails, IPs, user agents or tokens. Authors appear as pseudonyms that are stable
//! within one file and cannot be joined across files (a fresh random key per export), and
//! times are rounded to the day. Files are produced in batches, so memory stays flat however
//! many ideas a consultation has.

use std::collections::HashMap;

use actix_web::web::Bytes;
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use crate::auth::identity::Identity;
use crate::db::models::consultations::{self, ConsultationRow};
use crate::db::models::ideas::ExportFilter;
use crate::db::models::responses as response_rows;
use crate::db::models::tags;
use crate::db::{AnyConnection, Db, schema};
use crate::domain::consultation::Phase;
use crate::domain::lang::Lang;
use crate::domain::policy::Actor;
use crate::error::AppError;
use crate::i18n;
use crate::services::consultations::{load_visible, phase_of};
use crate::services::ideas::RESPONSE_STATUSES;
use crate::services::responses::require_drafter;
use crate::state::AppState;

const BATCH: i64 = 1_000;
/// Bytes gathered before a chunk goes to the client.
const CHUNK: usize = 64 * 1024;
/// Deflate level of the XLSX container (1 fastest … 9 smallest; rust_xlsxwriter's default is 6).
const XLSX_COMPRESSION: u8 = 1;

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
pub async fn plan(
    state: &AppState,
    viewer: Option<&Identity>,
    slug: &str,
    query: ExportQuery,
    lang: Lang,
    public: bool,
) -> Result<Plan, AppError> {
    let actor: Option<Actor> = viewer.map(|v| v.user.actor());
    if !public {
        require_drafter(&actor.ok_or(AppError::Unauthorized)?)?;
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
    let tz = state.settings.timezone;
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
        .is_some_and(|s| s != "none" && !RESPONSE_STATUSES.contains(&s))
    {
        return Err(AppError::BadRequest("error-status-invalid"));
    }
    let slug = slug.to_owned();
    let section = query.section.clone().filter(|s| !s.is_empty());
    let tag = query.tag.clone().filter(|t| !t.is_empty());
    let (consultation, tag_id) = state
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

/// Only the columns an export shows: never the rendered HTML or moderation notes, which
/// would only cost time and memory.
#[derive(Queryable, Selectable)]
#[diesel(table_name = schema::ideas)]
struct IdeaOut {
    id: i64,
    author_id: i64,
    section_key: Option<String>,
    receipt: String,
    title: String,
    body: String,
    status: String,
    visibility: String,
    response_status: Option<String>,
    support_count: i32,
    oppose_count: i32,
    comment_count: i32,
    created_at: NaiveDateTime,
}

/// The next batch of ideas for an export, in id order after `after`.
fn idea_batch(conn: &mut AnyConnection, plan: &Plan, after: i64) -> QueryResult<Vec<IdeaOut>> {
    use crate::db::schema::ideas;
    let filter = &plan.filter;
    let mut query = ideas::table
        .filter(ideas::consultation_id.eq(plan.consultation.id))
        .filter(ideas::id.gt(after))
        .select(IdeaOut::as_select())
        .order(ideas::id.asc())
        .limit(BATCH)
        .into_boxed();
    query = if filter.include_hidden {
        query.filter(ideas::visibility.ne("merged"))
    } else {
        query.filter(ideas::visibility.eq("visible"))
    };
    if let Some(section) = &filter.section {
        query = query.filter(ideas::section_key.eq(section.clone()));
    }
    if let Some(tag) = filter.tag_id {
        query = query.filter(ideas::id.eq_any(crate::db::models::tags::tagged(tag)));
    }
    match filter.response_status.as_deref() {
        None => {}
        Some("none") => query = query.filter(ideas::response_status.is_null()),
        Some(status) => query = query.filter(ideas::response_status.eq(status.to_owned())),
    }
    if let Some(from) = filter.from {
        query = query.filter(ideas::created_at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(ideas::created_at.lt(to));
    }
    query.load(conn)
}

/// A comment as exported (again without HTML or moderation notes).
#[derive(Queryable, Selectable)]
#[diesel(table_name = schema::comments)]
struct CommentOut {
    id: i64,
    parent_id: Option<i64>,
    author_id: i64,
    body: String,
    created_at: NaiveDateTime,
    visibility: String,
}

/// The next batch of comments with their idea's receipt, in id order after `after`.
fn comment_batch(
    conn: &mut AnyConnection,
    plan: &Plan,
    after: i64,
) -> QueryResult<Vec<(CommentOut, String)>> {
    use crate::db::schema::{comments, ideas};
    let mut query = comments::table
        .inner_join(ideas::table)
        .filter(ideas::consultation_id.eq(plan.consultation.id))
        .filter(comments::id.gt(after))
        .filter(comments::deleted_at.is_null())
        .select((CommentOut::as_select(), ideas::receipt))
        .order(comments::id.asc())
        .limit(BATCH)
        .into_boxed();
    if plan.filter.include_hidden {
        query = query.filter(ideas::visibility.ne("merged"));
    } else {
        query = query
            .filter(comments::visibility.eq("visible"))
            .filter(ideas::visibility.eq("visible"));
    }
    query.load(conn)
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
    })
}

fn batch(conn: &mut AnyConnection, plan: &Plan, after: i64) -> Result<Vec<Row>, AppError> {
    use crate::db::schema::{idea_responses, idea_tags, responses, tags};
    let rows = idea_batch(conn, plan, after)?;
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

pub const IDEA_COLUMNS: [&str; 17] = [
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
    fn get<'a>(&'a self, ctx: &'a Context, row: &'a Row) -> [&'a str; 17] {
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

/// Appends one RFC 4180 field. A cell that a spreadsheet would run as a formula (it starts
/// with = + - @ tab or CR) gets a leading apostrophe, as `neutralise_formula` does; fields
/// with a comma, quote or line break are quoted, quotes doubled.
fn csv_field(out: &mut Vec<u8>, value: &str) {
    let bytes = value.as_bytes();
    let formula = matches!(
        bytes.first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    let quoted = memchr::memchr3(b',', b'"', b'\n', bytes).is_some()
        || memchr::memchr(b'\r', bytes).is_some();
    if quoted {
        out.push(b'"');
    }
    if formula {
        out.push(b'\'');
    }
    if quoted {
        let mut rest = bytes;
        while let Some(at) = memchr::memchr(b'"', rest) {
            out.extend_from_slice(&rest[..=at]);
            out.push(b'"');
            rest = &rest[at + 1..];
        }
        out.extend_from_slice(rest);
        out.push(b'"');
    } else {
        out.extend_from_slice(bytes);
    }
}

/// Appends one record, CRLF-terminated.
fn csv_record<'a>(out: &mut Vec<u8>, cells: impl IntoIterator<Item = &'a str>) {
    for (n, cell) in cells.into_iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        csv_field(out, cell);
    }
    out.extend_from_slice(b"\r\n");
}

fn write_csv(
    conn: &mut AnyConnection,
    plan: &Plan,
    tx: &mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> Result<(), AppError> {
    let ctx = context(conn, plan)?;
    let names = Pseudonyms::new(plan);
    let mut cells = Cells::default();
    let mut out: Vec<u8> = Vec::with_capacity(CHUNK + CHUNK / 4);
    // A byte-order mark so that Excel in Japan opens UTF-8 correctly.
    out.extend_from_slice("\u{feff}".as_bytes());
    csv_record(&mut out, header(plan).iter().map(String::as_str));
    let mut after = 0;
    loop {
        let rows = batch(conn, plan, after)?;
        let Some(last) = rows.last() else { break };
        after = last.idea.id;
        for row in &rows {
            cells.fill(plan, &ctx, &names, row);
            csv_record(&mut out, cells.get(&ctx, row));
            if out.len() >= CHUNK && !send(tx, &mut out) {
                return Ok(());
            }
        }
    }
    send(tx, &mut out);
    Ok(())
}

/// An idea in the JSON file (fields in alphabetical order, as the file has always had them).
#[derive(Serialize)]
struct IdeaJson<'a> {
    author: &'a str,
    body: &'a str,
    comments: i32,
    date: &'a str,
    opposes: i32,
    receipt: &'a str,
    response: Option<ResponseJson<'a>>,
    response_status: Option<&'a str>,
    section: Option<&'a str>,
    status: &'a str,
    supports: i32,
    tags: &'a [String],
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    visibility: Option<&'a str>,
}

#[derive(Serialize)]
struct ResponseJson<'a> {
    body: &'a str,
    status: &'a str,
}

#[derive(Serialize)]
struct CommentJson<'a> {
    author: &'a str,
    body: &'a str,
    date: &'a str,
    id: i64,
    idea: &'a str,
    reply_to: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    visibility: Option<&'a str>,
}

fn json_error(e: serde_json::Error) -> AppError {
    AppError::internal(anyhow::anyhow!("json: {e}"))
}

/// The disposition table with the receipts of the ideas each row covers.
fn disposition_json(
    conn: &mut AnyConnection,
    plan: &Plan,
    ctx: &Context,
) -> Result<Value, AppError> {
    use crate::db::schema::ideas;
    if plan.public && !ctx.published_table {
        return Ok(Value::Null);
    }
    let mut rows = Vec::new();
    for (row, ids) in response_rows::disposition(conn, plan.consultation.id)? {
        let mut receipts: Vec<(i64, String)> = Vec::with_capacity(ids.len());
        for part in ids.chunks(BATCH as usize) {
            let mut query = ideas::table
                .filter(ideas::id.eq_any(part))
                .select((ideas::id, ideas::receipt))
                .into_boxed();
            if !plan.filter.include_hidden {
                query = query.filter(ideas::visibility.eq("visible"));
            }
            receipts.extend(query.load::<(i64, String)>(conn)?);
        }
        // In the order of the table's links (by idea id).
        receipts.sort_unstable_by_key(|(id, _)| *id);
        rows.push(json!({
            "section": row.section_key,
            "summary": row.summary,
            "view": row.view,
            "receipts": receipts.into_iter().map(|(_, r)| r).collect::<Vec<_>>(),
            "supporters": response_rows::supporters_of(conn, &ids)?,
        }));
    }
    Ok(json!({ "published": ctx.published_table, "rows": rows }))
}

fn tags_json(conn: &mut AnyConnection, plan: &Plan) -> Result<Value, AppError> {
    Ok(Value::Array(
        tags::list_with_counts(conn, plan.consultation.id)?
            .into_iter()
            .map(|(t, n)| json!({ "slug": t.slug, "name_ja": t.name_ja, "name_en": t.name_en, "ideas": n }))
            .collect(),
    ))
}

fn write_json(
    conn: &mut AnyConnection,
    plan: &Plan,
    tx: &mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> Result<(), AppError> {
    use std::fmt::Write;
    let ctx = context(conn, plan)?;
    let names = Pseudonyms::new(plan);
    let head = json!({
        "slug": plan.consultation.slug,
        "title": plan.consultation.title,
        "opens_on": plan.day(plan.consultation.opens_at).to_string(),
        "closes_on": plan.day(plan.consultation.closes_at).to_string(),
    });
    let mut out = format!(
        "{{\"schema\":\"ideabox-export/1\",\"generated_on\":\"{}\",\"consultation\":{},\"disposition\":{},\"tags\":{},\"ideas\":[",
        plan.day(crate::db::now()),
        head,
        disposition_json(conn, plan, &ctx)?,
        tags_json(conn, plan)?
    )
    .into_bytes();
    let mut author = String::new();
    let mut date = String::new();
    let mut after = 0;
    let mut first = true;
    loop {
        let rows = batch(conn, plan, after)?;
        let Some(last) = rows.last() else { break };
        after = last.idea.id;
        for row in &rows {
            if !first {
                out.push(b',');
            }
            first = false;
            let i = &row.idea;
            names.write(i.author_id, &mut author);
            date.clear();
            let _ = write!(date, "{}", plan.day(i.created_at));
            serde_json::to_writer(
                &mut out,
                &IdeaJson {
                    author: &author,
                    body: &i.body,
                    comments: i.comment_count,
                    date: &date,
                    opposes: i.oppose_count,
                    receipt: &i.receipt,
                    response: row
                        .response
                        .as_ref()
                        .map(|(status, body)| ResponseJson { body, status }),
                    response_status: i.response_status.as_deref(),
                    section: i.section_key.as_deref(),
                    status: &i.status,
                    supports: i.support_count,
                    tags: &row.tags,
                    title: &i.title,
                    visibility: plan.filter.include_hidden.then_some(i.visibility.as_str()),
                },
            )
            .map_err(json_error)?;
            if out.len() >= CHUNK && !send(tx, &mut out) {
                return Ok(());
            }
        }
    }
    out.extend_from_slice(b"],\"comments\":[");
    let mut after = 0;
    let mut first = true;
    loop {
        let rows = comment_batch(conn, plan, after)?;
        let Some(last) = rows.last() else { break };
        after = last.0.id;
        for (comment, receipt) in &rows {
            if !first {
                out.push(b',');
            }
            first = false;
            names.write(comment.author_id, &mut author);
            date.clear();
            let _ = write!(date, "{}", plan.day(comment.created_at));
            serde_json::to_writer(
                &mut out,
                &CommentJson {
                    author: &author,
                    body: &comment.body,
                    date: &date,
                    id: comment.id,
                    idea: receipt,
                    reply_to: comment.parent_id,
                    visibility: plan
                        .filter
                        .include_hidden
                        .then_some(comment.visibility.as_str()),
                },
            )
            .map_err(json_error)?;
            if out.len() >= CHUNK && !send(tx, &mut out) {
                return Ok(());
            }
        }
    }
    out.extend_from_slice(b"]}");
    send(tx, &mut out);
    Ok(())
}

/// A constant-memory sheet named `name` whose first row holds `headers` in bold and stays in
/// view while scrolling.
fn table_sheet<'b>(
    book: &'b mut rust_xlsxwriter::Workbook,
    name: &str,
    headers: &[String],
    bold: &rust_xlsxwriter::Format,
) -> Result<&'b mut rust_xlsxwriter::Worksheet, AppError> {
    let sheet = book
        .add_worksheet_with_constant_memory()
        .map_err(xlsx_error)?;
    sheet.set_name(name).map_err(xlsx_error)?;
    for (c, h) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, h, bold)
            .map_err(xlsx_error)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    Ok(sheet)
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::internal(anyhow::anyhow!("xlsx: {e}"))
}

/// The response stream as an `io::Write`, in chunks of about `CHUNK` bytes: the zip
/// container is written straight to the client, never gathered in memory.
struct ChunkWriter<'a> {
    tx: &'a mpsc::Sender<Result<Bytes, std::io::Error>>,
    buf: Vec<u8>,
}

impl std::io::Write for ChunkWriter<'_> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK && !send(self.tx, &mut self.buf) {
            return Err(std::io::ErrorKind::BrokenPipe.into());
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        // Small pieces wait for the next write; `finish` sends the rest.
        Ok(())
    }
}

impl ChunkWriter<'_> {
    fn finish(mut self) -> bool {
        send(self.tx, &mut self.buf)
    }
}

/// XLSX with five sheets (summary, ideas, comments, tags, disposition), typed columns and a
/// frozen header row. Constant-memory sheets spill to temporary files, not to RAM, and the
/// zip container streams to the client as it is written.
fn write_xlsx(
    conn: &mut AnyConnection,
    plan: &Plan,
    tx: &mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> Result<(), AppError> {
    use rust_xlsxwriter::{Format as Cell, Workbook};
    let ctx = context(conn, plan)?;
    let names = Pseudonyms::new(plan);
    let t = |key: &str| i18n::text(plan.lang, key);
    let bold = Cell::new().set_bold();
    let date = Cell::new().set_num_format("yyyy-mm-dd");
    let mut book = Workbook::new();
    book.set_zip_compression_level(XLSX_COMPRESSION);

    // Summary.
    {
        let sheet = book
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        sheet
            .set_name(t("export-sheet-summary"))
            .map_err(xlsx_error)?;
        let lines = [
            (t("export-col-title"), plan.consultation.title.clone()),
            ("slug".to_owned(), plan.consultation.slug.clone()),
            (
                t("export-opens"),
                plan.day(plan.consultation.opens_at).to_string(),
            ),
            (
                t("export-closes"),
                plan.day(plan.consultation.closes_at).to_string(),
            ),
            (
                t("export-generated"),
                plan.day(crate::db::now()).to_string(),
            ),
        ];
        for (r, (k, v)) in lines.iter().enumerate() {
            sheet
                .write_string_with_format(r as u32, 0, k, &bold)
                .map_err(xlsx_error)?;
            sheet.write_string(r as u32, 1, v).map_err(xlsx_error)?;
        }
    }
    // Ideas.
    {
        let sheet = table_sheet(&mut book, &t("export-sheet-ideas"), &header(plan), &bold)?;
        let mut cells = Cells::default();
        let mut r = 1u32;
        let mut after = 0;
        loop {
            let rows = batch(conn, plan, after)?;
            let Some(last) = rows.last() else { break };
            after = last.idea.id;
            for row in &rows {
                cells.fill(plan, &ctx, &names, row);
                let i = &row.idea;
                for (c, value) in cells.get(&ctx, row).into_iter().enumerate() {
                    let col = c as u16;
                    if c == DATE_COLUMN {
                        sheet
                            .write_date_with_format(r, col, plan.day(i.created_at), &date)
                            .map_err(xlsx_error)?;
                    } else if NUMBER_COLUMNS.contains(&c) {
                        let n = [i.support_count, i.oppose_count, i.comment_count]
                            [c - NUMBER_COLUMNS.start];
                        sheet.write_number(r, col, n).map_err(xlsx_error)?;
                    } else {
                        sheet.write_string(r, col, value).map_err(xlsx_error)?;
                    }
                }
                r += 1;
            }
        }
    }
    // Comments.
    {
        let headers: Vec<String> = [
            "export-col-receipt",
            "export-col-date",
            "export-col-reply-to",
            "export-col-author",
            "export-col-body",
        ]
        .iter()
        .map(|key| t(key))
        .collect();
        let sheet = table_sheet(&mut book, &t("export-sheet-comments"), &headers, &bold)?;
        let mut author = String::new();
        let mut r = 1u32;
        let mut after = 0;
        loop {
            let rows = comment_batch(conn, plan, after)?;
            let Some(last) = rows.last() else { break };
            after = last.0.id;
            for (comment, receipt) in &rows {
                sheet.write_string(r, 0, receipt).map_err(xlsx_error)?;
                sheet
                    .write_date_with_format(r, 1, plan.day(comment.created_at), &date)
                    .map_err(xlsx_error)?;
                if let Some(parent) = comment.parent_id {
                    sheet
                        .write_number(r, 2, parent as f64)
                        .map_err(xlsx_error)?;
                }
                names.write(comment.author_id, &mut author);
                sheet.write_string(r, 3, &author).map_err(xlsx_error)?;
                sheet
                    .write_string(r, 4, &comment.body)
                    .map_err(xlsx_error)?;
                r += 1;
            }
        }
    }
    // Tags.
    {
        let headers: Vec<String> = [
            "export-col-tag",
            "export-col-name-ja",
            "export-col-name-en",
            "export-col-ideas",
        ]
        .iter()
        .map(|key| t(key))
        .collect();
        let sheet = table_sheet(&mut book, &t("export-sheet-tags"), &headers, &bold)?;
        for (r, (tag, n)) in tags::list_with_counts(conn, plan.consultation.id)?
            .into_iter()
            .enumerate()
        {
            let r = r as u32 + 1;
            sheet.write_string(r, 0, &tag.slug).map_err(xlsx_error)?;
            sheet.write_string(r, 1, &tag.name_ja).map_err(xlsx_error)?;
            sheet.write_string(r, 2, &tag.name_en).map_err(xlsx_error)?;
            sheet.write_number(r, 3, n as f64).map_err(xlsx_error)?;
        }
    }
    // Disposition table.
    {
        let table = disposition_json(conn, plan, &ctx)?;
        let headers: Vec<String> = [
            "export-col-section",
            "export-col-disposition-summary",
            "export-col-government-view",
            "export-col-ideas",
            "export-col-supporters",
            "export-col-receipts",
        ]
        .iter()
        .map(|key| t(key))
        .collect();
        let sheet = table_sheet(&mut book, &t("export-sheet-disposition"), &headers, &bold)?;
        if let Some(rows) = table["rows"].as_array() {
            for (r, row) in rows.iter().enumerate() {
                let r = r as u32 + 1;
                let receipts: Vec<&str> = row["receipts"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                sheet
                    .write_string(r, 0, row["section"].as_str().unwrap_or(""))
                    .map_err(xlsx_error)?;
                sheet
                    .write_string(r, 1, row["summary"].as_str().unwrap_or(""))
                    .map_err(xlsx_error)?;
                sheet
                    .write_string(r, 2, row["view"].as_str().unwrap_or(""))
                    .map_err(xlsx_error)?;
                sheet
                    .write_number(r, 3, receipts.len() as f64)
                    .map_err(xlsx_error)?;
                sheet
                    .write_number(r, 4, row["supporters"].as_f64().unwrap_or(0.0))
                    .map_err(xlsx_error)?;
                sheet
                    .write_string(r, 5, receipts.join(" "))
                    .map_err(xlsx_error)?;
            }
        }
    }
    let mut out = ChunkWriter {
        tx,
        buf: Vec::with_capacity(CHUNK + CHUNK / 4),
    };
    book.save_to_writer(&mut out).map_err(xlsx_error)?;
    out.finish();
    Ok(())
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
    use crate::services::moderation::neutralise_formula;

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
    fn csv_records_match_the_csv_crate() {
        let cells = [
            "plain",
            "",
            "カンマ,あり",
            "改行\nあり",
            "CR\rLF\r\n",
            "\"quoted\" twice \"",
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-2",
            "@sum",
            "\tTab",
            "\rCR",
            "=",
            "a'=b",
            " spaced ",
            "日本語のみ",
        ];
        let mut ours = Vec::new();
        for cell in cells {
            csv_record(&mut ours, [cell, "x"]);
            csv_record(&mut ours, ["x", cell]);
        }
        csv_record(&mut ours, cells);
        let mut theirs = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .flexible(true)
            .from_writer(Vec::new());
        for cell in cells {
            theirs
                .write_record([neutralise_formula(cell), "x".to_owned()])
                .unwrap();
            theirs
                .write_record(["x".to_owned(), neutralise_formula(cell)])
                .unwrap();
        }
        theirs
            .write_record(cells.iter().map(|c| neutralise_formula(c)))
            .unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(theirs.into_inner().unwrap()).unwrap()
        );
    }

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

    #[test]
    fn the_chunk_writer_streams_in_bounded_chunks_and_stops_when_the_client_goes() {
        use std::io::Write;
        let (tx, mut rx) = mpsc::channel(64);
        let mut w = ChunkWriter {
            tx: &tx,
            buf: Vec::new(),
        };
        let piece = vec![b'x'; 1000];
        for _ in 0..200 {
            w.write_all(&piece).unwrap();
        }
        assert!(w.finish());
        let mut total = 0;
        let mut chunks = 0;
        while let Ok(chunk) = rx.try_recv() {
            let chunk = chunk.unwrap();
            assert!(chunk.len() < CHUNK + piece.len());
            total += chunk.len();
            chunks += 1;
        }
        assert_eq!(total, 200_000);
        assert!(chunks >= 3, "{chunks} chunks");
        drop(rx);
        let mut w = ChunkWriter {
            tx: &tx,
            buf: Vec::new(),
        };
        let gone = (0..200).find_map(|_| w.write_all(&piece).err());
        assert_eq!(gone.map(|e| e.kind()), Some(std::io::ErrorKind::BrokenPipe));
    }
}
