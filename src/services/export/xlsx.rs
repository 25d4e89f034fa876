//! The XLSX format of exports: one sheet per table, streamed to the client as it is zipped
//! (constant memory), with bold frozen headers.

use super::json::disposition_json;
use super::{
    BATCH, CHUNK, Cells, DATE_COLUMN, NUMBER_COLUMNS, Plan, Pseudonyms, batch, context, header,
    send,
};
use crate::db::AnyConnection;
use crate::db::models::tags;
use crate::db::views::export_rows::comment_batch;
use crate::error::AppError;
use crate::i18n;
use actix_web::web::Bytes;
use serde_json::Value;
use tokio::sync::mpsc;

/// Deflate level of the XLSX container (1 fastest … 9 smallest; rust_xlsxwriter's default is 6).
const XLSX_COMPRESSION: u8 = 1;

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
pub(super) fn write_xlsx(
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
            (t("ledger-submissions"), ctx.ledger.submissions.to_string()),
            (
                t("ledger-distinct-texts"),
                ctx.ledger.distinct_texts.to_string(),
            ),
            (t("ledger-campaigns"), ctx.ledger.campaign_count.to_string()),
            (
                t("ledger-in-campaigns"),
                ctx.ledger.in_campaigns.to_string(),
            ),
            (t("ledger-counting-rule"), ctx.ledger.counting_rule.clone()),
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

#[cfg(test)]
mod tests {
    use super::*;

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
