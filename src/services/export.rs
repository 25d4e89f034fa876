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
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use crate::auth::identity::Identity;
use crate::db::models::comments;
use crate::db::models::consultations::{self, ConsultationRow};
use crate::db::models::ideas::{self, ExportFilter, IdeaRow};
use crate::db::models::responses as response_rows;
use crate::db::models::tags;
use crate::db::{AnyConnection, Db};
use crate::domain::consultation::Phase;
use crate::domain::lang::Lang;
use crate::domain::policy::Actor;
use crate::error::AppError;
use crate::i18n;
use crate::services::consultations::{load_visible, phase_of};
use crate::services::ideas::RESPONSE_STATUSES;
use crate::services::moderation::neutralise_formula;
use crate::services::responses::require_drafter;
use crate::state::AppState;

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

    /// A pseudonym for an author, stable within this file only.
    fn pseudonym(&self, user: i64) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.key);
        hasher.update(user.to_be_bytes());
        let digest = hasher.finalize();
        let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
        format!("P-{hex}")
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

/// One idea as exported.
struct Row {
    idea: IdeaRow,
    section_heading: String,
    tags: Vec<String>,
    response: Option<(String, String)>,
    disposition: Vec<(String, String)>,
}

/// What every batch needs, loaded once.
struct Context {
    sections: HashMap<String, String>,
    disposition: HashMap<i64, Vec<(String, String)>>,
    published_table: bool,
}

fn context(conn: &mut AnyConnection, plan: &Plan) -> Result<Context, AppError> {
    let sections = consultations::list_sections(conn, plan.consultation.id)?
        .into_iter()
        .map(|s| (s.key, s.heading))
        .collect();
    let published_table =
        response_rows::disposition_published(conn, plan.consultation.id)?.is_some();
    let mut disposition: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    // The public sees the table once published; drafters always.
    if published_table || !plan.public {
        for (row, idea_ids) in response_rows::disposition(conn, plan.consultation.id)? {
            for idea in idea_ids {
                disposition
                    .entry(idea)
                    .or_default()
                    .push((row.summary.clone(), row.view.clone()));
            }
        }
    }
    Ok(Context {
        sections,
        disposition,
        published_table,
    })
}

fn batch(
    conn: &mut AnyConnection,
    plan: &Plan,
    ctx: &Context,
    after: i64,
) -> Result<Vec<Row>, AppError> {
    let rows = ideas::export_batch(conn, plan.consultation.id, &plan.filter, after, BATCH)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut tag_map: HashMap<i64, Vec<String>> = HashMap::new();
    for (idea, slug, _, _, _) in ideas::tags_of(conn, &ids)? {
        tag_map.entry(idea).or_default().push(slug);
    }
    let responses: HashMap<i64, (String, String)> = response_rows::published_for(conn, &ids)?
        .into_iter()
        .map(|(idea, r)| (idea, (r.status, r.body)))
        .collect();
    Ok(rows
        .into_iter()
        .map(|idea| Row {
            section_heading: idea
                .section_key
                .as_ref()
                .and_then(|k| ctx.sections.get(k))
                .cloned()
                .unwrap_or_default(),
            tags: tag_map.remove(&idea.id).unwrap_or_default(),
            response: responses.get(&idea.id).cloned(),
            disposition: ctx.disposition.get(&idea.id).cloned().unwrap_or_default(),
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

fn header(plan: &Plan) -> Vec<String> {
    IDEA_COLUMNS
        .iter()
        .map(|c| i18n::text(plan.lang, &format!("export-col-{c}")))
        .collect()
}

fn cells(plan: &Plan, row: &Row) -> Vec<String> {
    let i = &row.idea;
    vec![
        i.receipt.clone(),
        plan.day(i.created_at).to_string(),
        i.section_key.clone().unwrap_or_default(),
        row.section_heading.clone(),
        i.title.clone(),
        i.body.clone(),
        row.tags.join(" "),
        i.status.clone(),
        i.visibility.clone(),
        i.response_status.clone().unwrap_or_default(),
        row.response
            .as_ref()
            .map(|(_, body)| body.clone())
            .unwrap_or_default(),
        i.support_count.to_string(),
        i.oppose_count.to_string(),
        i.comment_count.to_string(),
        plan.pseudonym(i.author_id),
        row.disposition
            .iter()
            .map(|(s, _)| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        row.disposition
            .iter()
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
    ]
}

/// Sends bytes to the response stream; `false` once the client has gone.
fn send(tx: &mpsc::Sender<Result<Bytes, std::io::Error>>, buf: &mut Vec<u8>, force: bool) -> bool {
    if buf.is_empty() || (!force && buf.len() < CHUNK) {
        return true;
    }
    let chunk = Bytes::from(std::mem::take(buf));
    tx.blocking_send(Ok(chunk)).is_ok()
}

fn csv_record(writer: &mut csv::Writer<Vec<u8>>, cells: &[String]) -> Result<(), AppError> {
    writer
        .write_record(cells.iter().map(|c| neutralise_formula(c)))
        .map_err(AppError::internal)
}

fn csv_chunk(rows: &[Vec<String>]) -> Result<Vec<u8>, AppError> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for cells in rows {
        csv_record(&mut writer, cells)?;
    }
    writer
        .into_inner()
        .map_err(|e| AppError::internal(anyhow::anyhow!("csv: {e}")))
}

fn write_csv(
    conn: &mut AnyConnection,
    plan: &Plan,
    tx: &mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> Result<(), AppError> {
    let ctx = context(conn, plan)?;
    // A byte-order mark so that Excel in Japan opens UTF-8 correctly.
    let mut out: Vec<u8> = "\u{feff}".as_bytes().to_vec();
    out.extend(csv_chunk(&[header(plan)])?);
    let mut after = 0;
    loop {
        let rows = batch(conn, plan, &ctx, after)?;
        let Some(last) = rows.last() else { break };
        after = last.idea.id;
        let lines: Vec<Vec<String>> = rows.iter().map(|row| cells(plan, row)).collect();
        out.extend(csv_chunk(&lines)?);
        if !send(tx, &mut out, false) {
            return Ok(());
        }
    }
    send(tx, &mut out, true);
    Ok(())
}

fn json_idea(plan: &Plan, row: &Row) -> Value {
    let i = &row.idea;
    let mut v = json!({
        "receipt": i.receipt,
        "date": plan.day(i.created_at).to_string(),
        "section": i.section_key,
        "title": i.title,
        "body": i.body,
        "tags": row.tags,
        "status": i.status,
        "response_status": i.response_status,
        "response": row.response.as_ref().map(|(status, body)| json!({ "status": status, "body": body })),
        "supports": i.support_count,
        "opposes": i.oppose_count,
        "comments": i.comment_count,
        "author": plan.pseudonym(i.author_id),
    });
    if plan.filter.include_hidden {
        v["visibility"] = json!(i.visibility);
    }
    v
}

fn disposition_json(
    conn: &mut AnyConnection,
    plan: &Plan,
    ctx: &Context,
) -> Result<Value, AppError> {
    if plan.public && !ctx.published_table {
        return Ok(Value::Null);
    }
    let receipts = |conn: &mut AnyConnection, ids: &[i64]| -> Result<Vec<String>, AppError> {
        let mut out = Vec::new();
        for id in ids {
            if let Some(idea) = ideas::find(conn, *id)?
                && (plan.filter.include_hidden || idea.visibility == "visible")
            {
                out.push(idea.receipt);
            }
        }
        Ok(out)
    };
    let mut rows = Vec::new();
    for (row, ids) in response_rows::disposition(conn, plan.consultation.id)? {
        rows.push(json!({
            "section": row.section_key,
            "summary": row.summary,
            "view": row.view,
            "receipts": receipts(conn, &ids)?,
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
    let ctx = context(conn, plan)?;
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
    let mut after = 0;
    let mut first = true;
    loop {
        let rows = batch(conn, plan, &ctx, after)?;
        let Some(last) = rows.last() else { break };
        after = last.idea.id;
        for row in &rows {
            if !first {
                out.push(b',');
            }
            first = false;
            out.extend_from_slice(json_idea(plan, row).to_string().as_bytes());
        }
        if !send(tx, &mut out, false) {
            return Ok(());
        }
    }
    out.extend_from_slice(b"],\"comments\":[");
    let mut after = 0;
    let mut first = true;
    loop {
        let rows = comments::export_batch(
            conn,
            plan.consultation.id,
            plan.filter.include_hidden,
            after,
            BATCH,
        )?;
        let Some(last) = rows.last() else { break };
        after = last.0.id;
        for (comment, receipt) in &rows {
            if !first {
                out.push(b',');
            }
            first = false;
            let mut v = json!({
                "id": comment.id,
                "idea": receipt,
                "reply_to": comment.parent_id,
                "date": plan.day(comment.created_at).to_string(),
                "author": plan.pseudonym(comment.author_id),
                "body": comment.body,
            });
            if plan.filter.include_hidden {
                v["visibility"] = json!(comment.visibility);
            }
            out.extend_from_slice(v.to_string().as_bytes());
        }
        if !send(tx, &mut out, false) {
            return Ok(());
        }
    }
    out.extend_from_slice(b"]}");
    send(tx, &mut out, true);
    Ok(())
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::internal(anyhow::anyhow!("xlsx: {e}"))
}

/// XLSX with five sheets (summary, ideas, comments, tags, disposition), typed columns and a
/// frozen header row. Constant-memory sheets spill to temporary files, not to RAM.
fn write_xlsx(conn: &mut AnyConnection, plan: &Plan) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format as Cell, Workbook};
    let ctx = context(conn, plan)?;
    let t = |key: &str| i18n::text(plan.lang, key);
    let bold = Cell::new().set_bold();
    let date = Cell::new().set_num_format("yyyy-mm-dd");
    let mut book = Workbook::new();

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
        let sheet = book
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        sheet
            .set_name(t("export-sheet-ideas"))
            .map_err(xlsx_error)?;
        for (c, h) in header(plan).iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, h, &bold)
                .map_err(xlsx_error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        let mut r = 1u32;
        let mut after = 0;
        loop {
            let rows = batch(conn, plan, &ctx, after)?;
            let Some(last) = rows.last() else { break };
            after = last.idea.id;
            for row in &rows {
                let values = cells(plan, row);
                for (c, value) in values.iter().enumerate() {
                    let col = c as u16;
                    match IDEA_COLUMNS[c] {
                        "date" => {
                            let day = plan.day(row.idea.created_at);
                            sheet
                                .write_date_with_format(r, col, day, &date)
                                .map_err(xlsx_error)?;
                        }
                        "supports" | "opposes" | "comments" => {
                            sheet
                                .write_number(r, col, value.parse::<f64>().unwrap_or(0.0))
                                .map_err(xlsx_error)?;
                        }
                        _ => {
                            sheet.write_string(r, col, value).map_err(xlsx_error)?;
                        }
                    }
                }
                r += 1;
            }
        }
    }
    // Comments.
    {
        let sheet = book
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        sheet
            .set_name(t("export-sheet-comments"))
            .map_err(xlsx_error)?;
        for (c, key) in [
            "export-col-receipt",
            "export-col-date",
            "export-col-reply-to",
            "export-col-author",
            "export-col-body",
        ]
        .iter()
        .enumerate()
        {
            sheet
                .write_string_with_format(0, c as u16, t(key), &bold)
                .map_err(xlsx_error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        let mut r = 1u32;
        let mut after = 0;
        loop {
            let rows = comments::export_batch(
                conn,
                plan.consultation.id,
                plan.filter.include_hidden,
                after,
                BATCH,
            )?;
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
                sheet
                    .write_string(r, 3, plan.pseudonym(comment.author_id))
                    .map_err(xlsx_error)?;
                sheet
                    .write_string(r, 4, &comment.body)
                    .map_err(xlsx_error)?;
                r += 1;
            }
        }
    }
    // Tags.
    {
        let sheet = book
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        sheet.set_name(t("export-sheet-tags")).map_err(xlsx_error)?;
        for (c, key) in [
            "export-col-tag",
            "export-col-name-ja",
            "export-col-name-en",
            "export-col-ideas",
        ]
        .iter()
        .enumerate()
        {
            sheet
                .write_string_with_format(0, c as u16, t(key), &bold)
                .map_err(xlsx_error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
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
        let sheet = book
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        sheet
            .set_name(t("export-sheet-disposition"))
            .map_err(xlsx_error)?;
        for (c, key) in [
            "export-col-section",
            "export-col-disposition-summary",
            "export-col-government-view",
            "export-col-ideas",
            "export-col-supporters",
            "export-col-receipts",
        ]
        .iter()
        .enumerate()
        {
            sheet
                .write_string_with_format(0, c as u16, t(key), &bold)
                .map_err(xlsx_error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
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
    book.save_to_buffer().map_err(xlsx_error)
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
                Format::Xlsx => {
                    let bytes = write_xlsx(c, &plan)?;
                    let _ = tx.blocking_send(Ok(Bytes::from(bytes)));
                    Ok(())
                }
            });
            if let Err(err) = result {
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
}
