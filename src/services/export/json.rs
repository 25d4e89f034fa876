//! The JSON format of exports: the consultation, its ideas with their answers and comments,
//! the tags and the disposition table, streamed in batches.

use super::{BATCH, CHUNK, Context, Plan, Pseudonyms, batch, context, send};
use crate::db::AnyConnection;
use crate::db::models::responses as response_rows;
use crate::db::models::tags;
use crate::db::views::export_rows::comment_batch;
use crate::error::AppError;
use actix_web::web::Bytes;
use diesel::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::mpsc;

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
    channel: &'a str,
    campaign: Option<CampaignJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    visibility: Option<&'a str>,
}

#[derive(Serialize)]
struct CampaignJson {
    id: i64,
    size: i64,
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
pub(super) fn disposition_json(
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

pub(super) fn write_json(
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
        "counts": {
            "submissions": ctx.ledger.submissions,
            "distinct_texts": ctx.ledger.distinct_texts,
            "campaign_count": ctx.ledger.campaign_count,
            "in_campaigns": ctx.ledger.in_campaigns,
            "counting_rule": ctx.ledger.counting_rule,
        },
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
                    channel: &i.channel,
                    campaign: i.campaign_id.map(|id| CampaignJson {
                        id,
                        size: ctx.campaign_sizes.get(&id).copied().unwrap_or(0),
                    }),
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
        let rows = comment_batch(
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
