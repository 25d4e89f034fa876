//! The CSV format of exports: RFC 4180, UTF-8 with a BOM (Excel in Japan opens it), every
//! cell guarded against spreadsheet formulas.

use super::{CHUNK, Cells, Plan, Pseudonyms, batch, context, header, send};
use crate::db::AnyConnection;
use crate::domain::spreadsheet::runs_as_formula;
use crate::error::AppError;
use actix_web::web::Bytes;
use tokio::sync::mpsc;

/// Appends one RFC 4180 field. A cell that a spreadsheet would run as a formula (it starts
/// with = + - @ tab or CR) gets a leading apostrophe, as `domain::spreadsheet` says; fields
/// with a comma, quote or line break are quoted, quotes doubled.
pub(super) fn csv_field(out: &mut Vec<u8>, value: &str) {
    let bytes = value.as_bytes();
    let formula = runs_as_formula(value);
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
pub(super) fn csv_record<'a>(out: &mut Vec<u8>, cells: impl IntoIterator<Item = &'a str>) {
    for (n, cell) in cells.into_iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        csv_field(out, cell);
    }
    out.extend_from_slice(b"\r\n");
}

pub(super) fn write_csv(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::spreadsheet::neutralise_formula;

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
                .write_record([neutralise_formula(cell).into_owned(), "x".to_owned()])
                .unwrap();
            theirs
                .write_record(["x".to_owned(), neutralise_formula(cell).into_owned()])
                .unwrap();
        }
        theirs
            .write_record(cells.iter().map(|c| neutralise_formula(c).into_owned()))
            .unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(theirs.into_inner().unwrap()).unwrap()
        );
    }
}
