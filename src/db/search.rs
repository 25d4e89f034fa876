//! Full-text search over ideas and comments, good for Japanese and English: SQLite FTS5 with
//! the trigram tokenizer, PostgreSQL pg_trgm indexes. User text is always data, never syntax.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

use crate::db::AnyConnection;

/// Longest search text accepted.
pub const QUERY_MAX_CHARS: usize = 200;
/// How many matches a text filter on a list considers at most.
pub const FILTER_MAX_MATCHES: i64 = 5_000;

/// FTS5 phrase syntax: the whole input as one quoted phrase, quotes doubled, so `-`, `*`,
/// `AND`, `NEAR` and friends match literally.
pub fn fts5_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// `%text%` for LIKE/ILIKE with `\` escaping, so `%` and `_` match literally.
pub fn like_pattern(text: &str) -> String {
    crate::db::models::users::like_pattern(text)
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Ideas whose title or body contains `text` (case-insensitive), newest first.
pub fn idea_ids_matching(
    conn: &mut AnyConnection,
    consultation: Option<i64>,
    text: &str,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<IdRow> = match conn {
        AnyConnection::Sqlite(c) if text.chars().count() >= 3 => diesel::sql_query(
            "SELECT ideas.id AS id FROM ideas_fts JOIN ideas ON ideas.id = ideas_fts.rowid \
             WHERE ideas_fts MATCH ? AND (? IS NULL OR ideas.consultation_id = ?) \
             ORDER BY ideas.id DESC LIMIT ?",
        )
        .bind::<Text, _>(fts5_phrase(text))
        .bind::<Nullable<BigInt>, _>(consultation)
        .bind::<Nullable<BigInt>, _>(consultation)
        .bind::<BigInt, _>(limit)
        .load(c)?,
        // Trigrams need three characters; shorter text falls back to a scan.
        AnyConnection::Sqlite(c) => diesel::sql_query(
            "SELECT id FROM ideas WHERE (title LIKE ? ESCAPE '\\' OR body LIKE ? ESCAPE '\\') \
             AND (? IS NULL OR consultation_id = ?) ORDER BY id DESC LIMIT ?",
        )
        .bind::<Text, _>(like_pattern(text))
        .bind::<Text, _>(like_pattern(text))
        .bind::<Nullable<BigInt>, _>(consultation)
        .bind::<Nullable<BigInt>, _>(consultation)
        .bind::<BigInt, _>(limit)
        .load(c)?,
        AnyConnection::Postgresql(c) => diesel::sql_query(
            "SELECT id FROM ideas WHERE (title ILIKE $1 ESCAPE '\\' OR body ILIKE $1 ESCAPE '\\') \
             AND ($2::BIGINT IS NULL OR consultation_id = $2) ORDER BY id DESC LIMIT $3",
        )
        .bind::<Text, _>(like_pattern(text))
        .bind::<Nullable<BigInt>, _>(consultation)
        .bind::<BigInt, _>(limit)
        .load(c)?,
    };
    Ok(rows.into_iter().map(|r| r.id).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts_phrases_quote_everything() {
        assert_eq!(fts5_phrase(r#"a "b" OR c*"#), r#""a ""b"" OR c*""#);
    }
}

/// Candidate ideas for "similar ideas": those sharing any of the given trigrams, newest
/// first (the caller scores them). Each trigram is quoted, so nothing in it is syntax.
pub fn idea_ids_sharing_trigrams(
    conn: &mut AnyConnection,
    consultation: i64,
    trigrams: &[String],
    limit: i64,
) -> QueryResult<Vec<i64>> {
    if trigrams.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<IdRow> = match conn {
        AnyConnection::Sqlite(c) => {
            let query = trigrams
                .iter()
                .map(|t| fts5_phrase(t))
                .collect::<Vec<_>>()
                .join(" OR ");
            diesel::sql_query(
                "SELECT ideas.id AS id FROM ideas_fts JOIN ideas ON ideas.id = ideas_fts.rowid \
                 WHERE ideas_fts MATCH ? AND ideas.consultation_id = ? ORDER BY rank LIMIT ?",
            )
            .bind::<Text, _>(query)
            .bind::<BigInt, _>(consultation)
            .bind::<BigInt, _>(limit)
            .load(c)?
        }
        AnyConnection::Postgresql(c) => {
            let patterns: Vec<String> = trigrams.iter().map(|t| like_pattern(t)).collect();
            diesel::sql_query(
                "SELECT id FROM ideas WHERE consultation_id = $1 \
                 AND (title ILIKE ANY($2) OR body ILIKE ANY($2)) ORDER BY id DESC LIMIT $3",
            )
            .bind::<BigInt, _>(consultation)
            .bind::<diesel::sql_types::Array<Text>, _>(patterns)
            .bind::<BigInt, _>(limit)
            .load(c)?
        }
    };
    Ok(rows.into_iter().map(|r| r.id).collect())
}
