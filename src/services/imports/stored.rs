//! An uploaded file read back from the database chunk by chunk, and decoded to UTF-8 on
//! the way: memory stays at a chunk or two however large the file is.

use std::io::Read;

use encoding_rs::{Decoder, DecoderResult, Encoding, SHIFT_JIS, UTF_8};

use crate::db::Db;
use crate::db::models::imports;

/// Reads a stored upload from its first chunk to its last.
pub struct StoredFile {
    db: Db,
    import: i64,
    next_seq: i32,
    chunk: Vec<u8>,
    at: usize,
    ended: bool,
}

impl StoredFile {
    pub fn new(db: Db, import: i64) -> StoredFile {
        StoredFile {
            db,
            import,
            next_seq: 0,
            chunk: Vec::new(),
            at: 0,
            ended: false,
        }
    }
}

impl Read for StoredFile {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.at >= self.chunk.len() {
            if self.ended {
                return Ok(0);
            }
            let (import, seq) = (self.import, self.next_seq);
            let chunk = self
                .db
                .read_sync(|c| Ok(imports::chunk(c, import, seq)?))
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            match chunk {
                Some(data) => {
                    self.chunk = data;
                    self.at = 0;
                    self.next_seq += 1;
                }
                None => self.ended = true,
            }
        }
        let n = out.len().min(self.chunk.len() - self.at);
        out[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// The text encodings a CSV may come in: UTF-8 (with or without a BOM), or Shift_JIS as
/// Excel in Japan writes it (read as its superset Windows-31J, as encoding_rs does).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    ShiftJis,
}

impl TextEncoding {
    fn encoding(self) -> &'static Encoding {
        match self {
            Self::Utf8 => UTF_8,
            Self::ShiftJis => SHIFT_JIS,
        }
    }
}

/// A byte that is not text in the file's encoding, and the line it is on (1-based).
#[derive(Debug)]
pub struct MalformedText {
    pub line: i64,
}

impl std::fmt::Display for MalformedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "malformed text on line {}", self.line)
    }
}

impl std::error::Error for MalformedText {}

/// Decodes bytes of `encoding` to UTF-8, refusing malformed input (no replacement
/// characters: a letter's text is never silently changed). A UTF-8 BOM is dropped.
pub struct DecodingReader<R> {
    inner: R,
    decoder: Decoder,
    input: Vec<u8>,
    input_at: usize,
    input_len: usize,
    output: Vec<u8>,
    output_at: usize,
    output_len: usize,
    eof: bool,
    lines_seen: i64,
}

const BUFFER: usize = 64 * 1024;

impl<R: Read> DecodingReader<R> {
    pub fn new(inner: R, encoding: TextEncoding) -> Self {
        DecodingReader {
            inner,
            // Removes a BOM of its own encoding only (a UTF-8 BOM in a UTF-8 file).
            decoder: encoding.encoding().new_decoder_with_bom_removal(),
            input: vec![0; BUFFER],
            input_at: 0,
            input_len: 0,
            output: vec![0; BUFFER * 3 + 16],
            output_at: 0,
            output_len: 0,
            eof: false,
            lines_seen: 0,
        }
    }

    fn fill(&mut self) -> std::io::Result<()> {
        loop {
            if self.input_at >= self.input_len && !self.eof {
                self.input_len = self.inner.read(&mut self.input)?;
                self.input_at = 0;
                self.eof = self.input_len == 0;
            }
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.input[self.input_at..self.input_len],
                &mut self.output,
                self.eof,
            );
            self.input_at += read;
            self.output_at = 0;
            self.output_len = written;
            if let DecoderResult::Malformed(_, _) = result {
                let line = self.lines_seen + bytecount(&self.output[..written]) + 1;
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    MalformedText { line },
                ));
            }
            self.lines_seen += bytecount(&self.output[..written]);
            // Text to hand out, or the end: otherwise the decoder needs more input.
            if written > 0 || (self.eof && self.input_at >= self.input_len) {
                return Ok(());
            }
        }
    }
}

fn bytecount(text: &[u8]) -> i64 {
    memchr::memchr_iter(b'\n', text).count() as i64
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.output_at >= self.output_len {
            self.fill()?;
            if self.output_len == 0 {
                return Ok(0);
            }
        }
        let n = out.len().min(self.output_len - self.output_at);
        out[..n].copy_from_slice(&self.output[self.output_at..self.output_at + n]);
        self.output_at += n;
        Ok(n)
    }
}

/// Which encoding a CSV is in: UTF-8 when every byte is (a BOM says so at once), otherwise
/// Shift_JIS. Reads the whole file once.
pub fn detect_encoding(mut file: impl Read) -> std::io::Result<TextEncoding> {
    let mut decoder = UTF_8.new_decoder_with_bom_removal();
    let mut input = vec![0; BUFFER];
    let mut output = vec![0; BUFFER * 3 + 16];
    let mut first = true;
    loop {
        let n = file.read(&mut input)?;
        if first && input[..n].starts_with(&[0xEF, 0xBB, 0xBF]) {
            return Ok(TextEncoding::Utf8);
        }
        first = false;
        let last = n == 0;
        let mut at = 0;
        loop {
            let (result, read, _) =
                decoder.decode_to_utf8_without_replacement(&input[at..n], &mut output, last);
            at += read;
            match result {
                DecoderResult::Malformed(_, _) => return Ok(TextEncoding::ShiftJis),
                DecoderResult::InputEmpty => break,
                DecoderResult::OutputFull => {}
            }
        }
        if last {
            return Ok(TextEncoding::Utf8);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8], encoding: TextEncoding) -> Result<String, String> {
        let mut out = String::new();
        DecodingReader::new(bytes, encoding)
            .read_to_string(&mut out)
            .map(|_| out)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn utf8_with_or_without_bom_and_shift_jis_are_told_apart_and_decoded() {
        let text = "本文,件名\n紙の申請,意見\n";
        let bom: Vec<u8> = [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat();
        let (sjis, _, _) = SHIFT_JIS.encode(text);
        assert_eq!(
            detect_encoding(text.as_bytes()).unwrap(),
            TextEncoding::Utf8
        );
        assert_eq!(detect_encoding(&bom[..]).unwrap(), TextEncoding::Utf8);
        assert_eq!(detect_encoding(&sjis[..]).unwrap(), TextEncoding::ShiftJis);
        assert_eq!(decode(&bom, TextEncoding::Utf8).unwrap(), text);
        assert_eq!(decode(&sjis, TextEncoding::ShiftJis).unwrap(), text);
    }

    #[test]
    fn a_byte_that_is_not_text_is_refused_with_its_line() {
        // Line 3 holds 0x82 0x20: a lead byte of Shift_JIS with no valid trail byte.
        let bytes = b"a,b\nc,d\ne\x82 f\n";
        let err = decode(bytes, TextEncoding::ShiftJis).unwrap_err();
        assert!(err.contains("line 3"), "{err}");
    }

    #[test]
    fn long_inputs_decode_across_buffer_boundaries() {
        let text = "あいう,えお\n".repeat(40_000);
        let (sjis, _, _) = SHIFT_JIS.encode(&text);
        assert_eq!(decode(&sjis, TextEncoding::ShiftJis).unwrap(), text);
    }
}
