//! The files an import takes, read into raw submissions with their line (CSV) or message
//! number (mail): a CSV with the header `channel,received_at,submitter_name,submitter_email,
//! title,body,section` (any order, only `body` required, `organisation` also known), a
//! single `.eml` message, or an mbox of many.

use std::io::{BufReader, Read};

use mail_parser::{MessageParser, MimeHeaders};
use serde::Serialize;

use super::stored::{DecodingReader, MalformedText, TextEncoding};
use crate::services::submissions::OwnedRaw;

/// The formats, as stored and as named by a content type or file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ImportFormat {
    Csv,
    Eml,
    Mbox,
}

impl ImportFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Eml => "eml",
            Self::Mbox => "mbox",
        }
    }

    pub fn parse(raw: &str) -> Option<ImportFormat> {
        [Self::Csv, Self::Eml, Self::Mbox]
            .into_iter()
            .find(|f| f.as_str() == raw)
    }

    /// `text/csv`, `message/rfc822`, `application/mbox` (parameters such as a charset are
    /// ignored: the file says its own).
    pub fn of_content_type(content_type: &str) -> Option<ImportFormat> {
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "text/csv" => Some(Self::Csv),
            "message/rfc822" => Some(Self::Eml),
            "application/mbox" => Some(Self::Mbox),
            _ => None,
        }
    }

    /// By file extension (the command line).
    pub fn of_file_name(name: &str) -> Option<ImportFormat> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".csv") {
            Some(Self::Csv)
        } else if lower.ends_with(".eml") {
            Some(Self::Eml)
        } else if lower.ends_with(".mbox") || lower.ends_with(".mbx") {
            Some(Self::Mbox)
        } else {
            None
        }
    }

    /// By the file's first bytes, for a file whose name says nothing: an mbox starts with a
    /// `From ` line, a mail message with a header field, anything else is taken as CSV.
    pub fn of_content(head: &[u8]) -> ImportFormat {
        let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        if head.starts_with(b"From ") {
            return Self::Mbox;
        }
        let first_line = head.split(|b| *b == b'\n').next().unwrap_or_default();
        let is_header_field = first_line
            .iter()
            .position(|b| *b == b':')
            .is_some_and(|colon| {
                colon > 0
                    && first_line[..colon]
                        .iter()
                        .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
            });
        if is_header_field {
            Self::Eml
        } else {
            Self::Csv
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv",
            Self::Eml => "message/rfc822",
            Self::Mbox => "application/mbox",
        }
    }
}

/// A line (or message) that cannot be imported, and why: the field and a catalog code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub line: i64,
    pub field: String,
    pub code: &'static str,
}

impl RowError {
    fn new(line: i64, field: &str, code: &'static str) -> Self {
        RowError {
            line,
            field: field.to_owned(),
            code,
        }
    }
}

/// One record of the file: its line (or message number) and fields, or why it is unreadable.
pub type Record = Result<(i64, OwnedRaw), RowError>;

/// The columns a CSV may have.
const COLUMNS: [&str; 8] = [
    "channel",
    "received_at",
    "submitter_name",
    "submitter_email",
    "organisation",
    "title",
    "body",
    "section",
];

/// Reads every record of `file` in order, handing each to `each` (which may stop the reading
/// by returning an error). A file whose whole structure is wrong (a CSV header) yields one
/// error record and nothing else.
pub fn read_records<R: Read, E>(
    format: ImportFormat,
    file: R,
    encoding: TextEncoding,
    mut each: impl FnMut(Record) -> Result<(), E>,
) -> Result<(), E> {
    match format {
        ImportFormat::Csv => read_csv(file, encoding, &mut each),
        ImportFormat::Eml => {
            let mut bytes = Vec::new();
            match BufReader::new(file).read_to_end(&mut bytes) {
                Ok(_) => each(message_record(1, &bytes)),
                Err(_) => each(Err(RowError::new(1, "message", "error-mail-unreadable"))),
            }
        }
        ImportFormat::Mbox => {
            let messages = mail_parser::mailbox::mbox::MessageIterator::new(BufReader::new(file));
            let mut number = 0;
            for message in messages {
                number += 1;
                let record = match message {
                    Ok(m) => message_record(number, m.contents()),
                    Err(_) => Err(RowError::new(number, "message", "error-mail-unreadable")),
                };
                each(record)?;
            }
            if number == 0 {
                each(Err(RowError::new(1, "message", "error-import-empty")))?;
            }
            Ok(())
        }
    }
}

/// Reads CRLF line ends (as Excel writes them) as LF. The CSV reader counts a CRLF record
/// end only once it starts the next record, which would put every row one line early.
struct LineFeeds<R> {
    inner: R,
    /// A CR that ended the last read, not yet known to start a CRLF.
    held_cr: bool,
}

impl<R: Read> LineFeeds<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            held_cr: false,
        }
    }
}

impl<R: Read> Read for LineFeeds<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.len() < 2 {
            // Room for a held CR and one more byte keeps the logic simple.
            let mut two = [0u8; 2];
            let n = self.read(&mut two)?;
            let n = n.min(buf.len());
            buf[..n].copy_from_slice(&two[..n]);
            return Ok(n);
        }
        loop {
            let start = usize::from(self.held_cr);
            if self.held_cr {
                buf[0] = b'\r';
            }
            let n = self.inner.read(&mut buf[start..])?;
            if n == 0 {
                self.held_cr = false;
                return Ok(start);
            }
            let filled = start + n;
            let mut out = 0;
            let mut i = 0;
            self.held_cr = false;
            while i < filled {
                let b = buf[i];
                if b == b'\r' {
                    if i + 1 == filled {
                        self.held_cr = true;
                        break;
                    }
                    if buf[i + 1] == b'\n' {
                        i += 1;
                        continue;
                    }
                }
                buf[out] = b;
                out += 1;
                i += 1;
            }
            if out > 0 {
                return Ok(out);
            }
        }
    }
}

fn read_csv<R: Read, E>(
    file: R,
    encoding: TextEncoding,
    each: &mut impl FnMut(Record) -> Result<(), E>,
) -> Result<(), E> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(LineFeeds::new(DecodingReader::new(file, encoding)));
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(err) => return each(Err(csv_error(&err, 1))),
    };
    let mut index = [None::<usize>; COLUMNS.len()];
    let mut header_errors = Vec::new();
    for (i, name) in header.iter().enumerate() {
        let name = name.trim().to_ascii_lowercase();
        match COLUMNS.iter().position(|c| *c == name) {
            Some(k) if index[k].is_some() => {
                header_errors.push(RowError::new(1, &name, "error-csv-duplicate-column"));
            }
            Some(k) => index[k] = Some(i),
            None => header_errors.push(RowError::new(1, &name, "error-csv-unknown-column")),
        }
    }
    if index[6].is_none() {
        header_errors.push(RowError::new(1, "body", "error-csv-no-body-column"));
    }
    if !header_errors.is_empty() {
        for e in header_errors {
            each(Err(e))?;
        }
        return Ok(());
    }
    let mut rows = 0;
    for result in reader.records() {
        let record = match result {
            Ok(r) => r,
            Err(err) => {
                each(Err(csv_error(&err, rows + 2)))?;
                // A malformed byte or an I/O failure ends the file; a short row does not.
                if !matches!(err.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                    return Ok(());
                }
                rows += 1;
                continue;
            }
        };
        rows += 1;
        let line = record.position().map_or(rows + 1, |p| p.line() as i64);
        let field = |k: usize| {
            index[k]
                .and_then(|i| record.get(i))
                .map(str::to_owned)
                .filter(|v| !v.trim().is_empty())
        };
        each(Ok((
            line,
            OwnedRaw {
                channel: field(0),
                received_at: field(1),
                submitter_name: field(2),
                submitter_email: field(3),
                organisation: field(4),
                title: field(5),
                body: field(6).unwrap_or_default(),
                section: field(7),
            },
        )))?;
    }
    if rows == 0 {
        each(Err(RowError::new(2, "body", "error-import-empty")))?;
    }
    Ok(())
}

fn csv_error(err: &csv::Error, fallback_line: i64) -> RowError {
    let line = err.position().map_or(fallback_line, |p| p.line() as i64);
    match err.kind() {
        csv::ErrorKind::UnequalLengths { .. } => {
            RowError::new(line, "row", "error-csv-field-count")
        }
        csv::ErrorKind::Io(io) => {
            match io.get_ref().and_then(|e| e.downcast_ref::<MalformedText>()) {
                Some(malformed) => {
                    RowError::new(malformed.line, "encoding", "error-import-encoding")
                }
                None => RowError::new(line, "file", "error-import-unreadable"),
            }
        }
        csv::ErrorKind::Utf8 { .. } => RowError::new(line, "encoding", "error-import-encoding"),
        _ => RowError::new(line, "row", "error-csv-malformed"),
    }
}

/// A message as a raw submission: sender, date, subject, the text (HTML-only mail reduced to
/// text) and the names of its attachments.
fn message_record(number: i64, bytes: &[u8]) -> Record {
    let Some(message) = MessageParser::default().parse(bytes) else {
        return Err(RowError::new(number, "message", "error-mail-unreadable"));
    };
    let sender = message.from().and_then(|from| from.first());
    let mut body = message
        .body_text(0)
        .map(|t| t.into_owned())
        .unwrap_or_default();
    let attachments: Vec<String> = message
        .attachments()
        .filter_map(|part| part.attachment_name().map(str::to_owned))
        .collect();
    if !attachments.is_empty() {
        body = format!(
            "{}\n\n［添付ファイル / Attachments: {}］",
            body.trim_end(),
            attachments.join(", ")
        );
    }
    Ok((
        number,
        OwnedRaw {
            channel: Some("email".to_owned()),
            received_at: message.date().map(|d| d.to_rfc3339()),
            title: message.subject().map(str::to_owned),
            body,
            section: None,
            submitter_name: sender.and_then(|s| s.name()).map(str::to_owned),
            submitter_email: sender.and_then(|s| s.address()).map(str::to_owned),
            organisation: None,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_a_telling_name_is_recognised_by_its_first_bytes() {
        assert_eq!(
            ImportFormat::of_content(b"From a@example.jp Mon Dec  1 09:00:00 2026\nFrom: a"),
            ImportFormat::Mbox
        );
        assert_eq!(
            ImportFormat::of_content(b"Content-Type: text/plain\r\nFrom: a@example.jp\r\n"),
            ImportFormat::Eml
        );
        assert_eq!(
            ImportFormat::of_content("\u{feff}channel,received_at,body\npost,,意見".as_bytes()),
            ImportFormat::Csv
        );
        // A colon after a comma is CSV data, not a header field.
        assert_eq!(
            ImportFormat::of_content(b"body,note: x\n"),
            ImportFormat::Csv
        );
    }

    fn records(format: ImportFormat, bytes: &[u8], encoding: TextEncoding) -> Vec<Record> {
        let mut out = Vec::new();
        read_records(format, bytes, encoding, |r| {
            out.push(r);
            Ok::<_, ()>(())
        })
        .unwrap();
        out
    }

    #[test]
    fn rows_of_a_file_with_crlf_line_ends_carry_their_own_lines() {
        let file = "body,title\r\nfirst,a\r\n\"two\r\nlines\",b\r\nthird,c\r\n";
        let got = records(ImportFormat::Csv, file.as_bytes(), TextEncoding::Utf8);
        let lines: Vec<i64> = got.iter().map(|r| r.clone().unwrap().0).collect();
        assert_eq!(lines, vec![2, 3, 5]);
        assert_eq!(got[1].clone().unwrap().1.body, "two\nlines");
    }

    #[test]
    fn line_feeds_drop_the_cr_of_crlf_even_across_reads() {
        // One byte at a time: every CR arrives at the end of a read.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let Some((first, rest)) = self.0.split_first() else {
                    return Ok(0);
                };
                buf[0] = *first;
                self.0 = rest;
                Ok(1)
            }
        }
        let mut out = Vec::new();
        LineFeeds::new(Trickle(b"a\r\nb\rc\r\r\n"))
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, b"a\nb\rc\r\n");
    }

    #[test]
    fn csv_rows_carry_their_line_and_named_columns_in_any_order() {
        let csv = "body,channel,title\n\"紙の申請を\nなくして\",fax,件名\n二件目,,\n";
        let got = records(ImportFormat::Csv, csv.as_bytes(), TextEncoding::Utf8);
        let (line, raw) = got[0].clone().unwrap();
        assert_eq!(line, 2);
        assert_eq!(raw.body, "紙の申請を\nなくして");
        assert_eq!(raw.channel.as_deref(), Some("fax"));
        assert_eq!(raw.title.as_deref(), Some("件名"));
        let (line, raw) = got[1].clone().unwrap();
        assert_eq!(
            line, 4,
            "the second row starts on line 4, after a two-line field"
        );
        assert_eq!(raw.channel, None);
    }

    #[test]
    fn a_wrong_header_is_refused_on_line_one_and_short_rows_on_their_own_line() {
        let got = records(ImportFormat::Csv, b"text,colour\nx,y\n", TextEncoding::Utf8);
        let codes: Vec<_> = got.iter().map(|r| r.clone().unwrap_err()).collect();
        assert!(codes.iter().all(|e| e.line == 1));
        assert!(codes.iter().any(|e| e.code == "error-csv-no-body-column"));
        assert!(
            codes
                .iter()
                .any(|e| e.code == "error-csv-unknown-column" && e.field == "text")
        );
        let got = records(
            ImportFormat::Csv,
            b"body,title\na,b\nc\nd,e\n",
            TextEncoding::Utf8,
        );
        assert!(got[0].is_ok() && got[2].is_ok());
        assert_eq!(got[1].clone().unwrap_err().line, 3);
    }

    #[test]
    fn mail_gives_sender_date_subject_text_and_attachment_names() {
        let eml = "From: =?ISO-2022-JP?B?GyRCOzNFRBsoQiAbJEJCQE86GyhC?= <taro@example.jp>\r\n\
Date: Mon, 30 Nov 2026 10:00:00 +0900\r\n\
Subject: =?ISO-2022-JP?B?GyRCMFU4K0RzPVAbKEI=?=\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>紙の申請を<b>なくして</b>ください。</p>\r\n\
--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"plan.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--b--\r\n";
        let got = records(ImportFormat::Eml, eml.as_bytes(), TextEncoding::Utf8);
        let (line, raw) = got[0].clone().unwrap();
        assert_eq!(line, 1);
        assert_eq!(raw.submitter_name.as_deref(), Some("山田 太郎"));
        assert_eq!(raw.submitter_email.as_deref(), Some("taro@example.jp"));
        assert_eq!(raw.title.as_deref(), Some("意見提出"));
        assert!(raw.received_at.unwrap().starts_with("2026-11-30T10:00:00"));
        assert!(
            raw.body.contains("紙の申請をなくしてください。"),
            "{}",
            raw.body
        );
        assert!(raw.body.contains("plan.pdf"));
    }

    #[test]
    fn an_mbox_yields_each_message_with_its_number() {
        let mbox = "From a@example.jp Mon Nov 30 10:00:00 2026\nSubject: one\n\nfirst\n\n\
From b@example.jp Mon Nov 30 11:00:00 2026\nSubject: two\n\nsecond\n";
        let got = records(ImportFormat::Mbox, mbox.as_bytes(), TextEncoding::Utf8);
        assert_eq!(got.len(), 2);
        let (n, raw) = got[1].clone().unwrap();
        assert_eq!(n, 2);
        assert_eq!(raw.title.as_deref(), Some("two"));
        assert_eq!(raw.body.trim(), "second");
    }
}
