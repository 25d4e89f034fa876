//! Full-text search over ideas and comments, good for Japanese and English: SQLite FTS5 with
//! the trigram tokenizer, PostgreSQL `ILIKE` accelerated by pg_trgm GIN indexes (for ideas,
//! on `idea_texts`, a copy of each title and body kept by triggers, so that updating an idea's
//! counters never rewrites its trigrams). One interface for both; the SQL that differs sits in
//! an explicit `match` on the backend.
//!
//! User text is always data, never syntax: every term is bound as a parameter, quoted as an
//! FTS5 phrase (quotes doubled) or escaped as a LIKE pattern (`%`, `_`, `\`), so quotes,
//! wildcards and operators such as `AND`, `NEAR(`, `*` or `-` match literally.
//!
//! A query is a list of terms (see `domain::search_text::terms`); a row matches when it
//! contains every term, ignoring case. Terms of three characters or more go through the
//! trigram index; shorter ones (the trigram tokenizer needs three) are checked with LIKE.

use chrono::NaiveDateTime;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Double, Nullable, Text, Timestamp};
use diesel::sqlite::Sqlite;

use crate::db::AnyConnection;
use crate::domain::search_text;

/// Longest search text accepted.
pub const QUERY_MAX_CHARS: usize = 200;
/// How many matches a text filter on a list considers at most.
pub const FILTER_MAX_MATCHES: i64 = 5_000;
/// The trigram tokenizer cannot look up shorter terms.
const TRIGRAM_MIN_CHARS: usize = 3;

/// What the public may find: published or withdrawn ideas that moderators have neither
/// hidden, nor held for review, nor merged into another; for comments, also the comment's
/// own visibility. Whitelists, so that a state added later stays out of search until it is
/// deliberately added. Id lists (the text filter of idea lists) leave visibility to the list.
fn shown(target: Target, shape: Shape) -> &'static str {
    match (shape, target) {
        (Shape::Ids, _) => "TRUE",
        (_, Target::Ideas) => "i.status IN ('published', 'withdrawn') AND i.visibility = 'visible'",
        (_, Target::Comments) => {
            "i.status IN ('published', 'withdrawn') AND i.visibility = 'visible' AND m.visibility = 'visible'"
        }
    }
}

/// FTS5 phrase syntax: the whole input as one quoted phrase, quotes doubled, so `-`, `*`,
/// `AND`, `NEAR` and friends match literally.
pub fn fts5_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// `%text%` for LIKE/ILIKE with `\` escaping, so `%` and `_` match literally.
pub fn like_pattern(text: &str) -> String {
    crate::db::models::users::like_pattern(text)
}

/// Where a search looks.
#[derive(Clone, Copy, Debug)]
pub struct Scope {
    /// One consultation, or every one.
    pub consultation: Option<i64>,
    /// Whether consultations still in draft count (staff only).
    pub include_drafts: bool,
}

/// An idea that matched, with what a result list shows.
#[derive(QueryableByName, Clone, Debug)]
pub struct IdeaMatch {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub receipt: String,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub body: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Timestamp)]
    pub created_at: NaiveDateTime,
    #[diesel(sql_type = Text)]
    pub consultation_slug: String,
    #[diesel(sql_type = Text)]
    pub consultation_title: String,
    /// Lower is more relevant; comparable only within one result list.
    #[diesel(sql_type = Double)]
    pub relevance: f64,
}

/// A comment that matched, with the idea it belongs to.
#[derive(QueryableByName, Clone, Debug)]
pub struct CommentMatch {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub idea_id: i64,
    #[diesel(sql_type = Text)]
    pub idea_title: String,
    #[diesel(sql_type = Text)]
    pub idea_status: String,
    #[diesel(sql_type = Text)]
    pub body: String,
    #[diesel(sql_type = Timestamp)]
    pub created_at: NaiveDateTime,
    #[diesel(sql_type = Text)]
    pub consultation_slug: String,
    #[diesel(sql_type = Text)]
    pub consultation_title: String,
    #[diesel(sql_type = Double)]
    pub relevance: f64,
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// How the terms of a query are put to the database.
struct Plan {
    /// SQLite: the terms of three characters or more as quoted FTS5 phrases, all required;
    /// `None` when every term is shorter.
    fts: Option<String>,
    /// SQLite: a JSON array of LIKE patterns for the shorter terms (all required).
    short: String,
    /// PostgreSQL: a LIKE pattern per term (all required).
    patterns: Vec<String>,
    /// PostgreSQL: the pattern of the longest term, which the trigram index narrows best.
    longest: String,
}

impl Plan {
    fn new(terms: &[String]) -> Option<Plan> {
        // The first of the longest (`max_by_key` keeps the last, hence `rev`).
        let longest = terms.iter().rev().max_by_key(|t| t.chars().count())?;
        let (long, short): (Vec<&String>, Vec<&String>) = terms
            .iter()
            .partition(|t| t.chars().count() >= TRIGRAM_MIN_CHARS);
        let fts = (!long.is_empty()).then(|| {
            long.iter()
                .map(|t| fts5_phrase(t))
                .collect::<Vec<_>>()
                .join(" AND ")
        });
        let short: Vec<String> = short.iter().map(|t| like_pattern(t)).collect();
        Some(Plan {
            fts,
            short: serde_json::to_string(&short).unwrap_or_else(|_| "[]".to_owned()),
            patterns: terms.iter().map(|t| like_pattern(t)).collect(),
            longest: like_pattern(longest),
        })
    }
}

/// What a query returns.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Result rows, most relevant first, then newest.
    Rows,
    /// Ids only, newest first.
    Ids,
    /// `COUNT(*)` of the first `limit` matches.
    Count,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Ideas,
    Comments,
}

fn finish(
    shape: Shape,
    columns: &str,
    relevance: &str,
    id: &str,
    from_where: &str,
    limit: &str,
    offset: &str,
) -> String {
    match shape {
        Shape::Rows => format!(
            "SELECT {columns}, {relevance} AS relevance FROM {from_where} \
             ORDER BY relevance, {id} DESC LIMIT {limit} OFFSET {offset}"
        ),
        Shape::Ids => format!(
            "SELECT {id} AS id FROM {from_where} ORDER BY {id} DESC LIMIT {limit} OFFSET {offset}"
        ),
        Shape::Count => format!(
            "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM {from_where} LIMIT {limit} OFFSET {offset}) AS t"
        ),
    }
}

const IDEA_COLUMNS: &str = "i.id AS id, i.receipt AS receipt, i.title AS title, i.body AS body, i.status AS status, \
     i.created_at AS created_at, c.slug AS consultation_slug, c.title AS consultation_title";
const COMMENT_COLUMNS: &str = "m.id AS id, m.idea_id AS idea_id, i.title AS idea_title, i.status AS idea_status, \
     m.body AS body, m.created_at AS created_at, c.slug AS consultation_slug, c.title AS consultation_title";

/// SQLite. Parameters: ?1 FTS5 query or NULL, ?2 consultation or NULL, ?3 include drafts,
/// ?4 JSON array of short-term patterns, ?5 limit, ?6 offset.
fn sqlite_sql(target: Target, shape: Shape, fts: bool) -> String {
    let scope = format!(
        "(?2 IS NULL OR i.consultation_id = ?2) AND (?3 OR c.status <> 'draft') AND {}",
        shown(target, shape)
    );
    // Every short term must occur; `json_each` keeps the SQL fixed however many there are.
    let every_short = |columns: &[&str]| {
        let any_column = columns
            .iter()
            .map(|c| format!("{c} LIKE p.value ESCAPE '\\'"))
            .collect::<Vec<_>>()
            .join(" OR ");
        format!("NOT EXISTS (SELECT 1 FROM json_each(?4) AS p WHERE NOT ({any_column}))")
    };
    match target {
        Target::Ideas => {
            let (from, relevance) = if fts {
                (
                    "ideas_fts JOIN ideas i ON i.id = ideas_fts.rowid JOIN consultations c ON c.id = i.consultation_id \
                     WHERE ideas_fts MATCH ?1",
                    // Title hits weigh ten times body hits.
                    "bm25(ideas_fts, 10.0, 1.0)".to_owned(),
                )
            } else {
                (
                    "ideas i JOIN consultations c ON c.id = i.consultation_id WHERE ?1 IS NULL",
                    format!(
                        "CASE WHEN {} THEN 0.0 ELSE 1.0 END",
                        every_short(&["i.title"])
                    ),
                )
            };
            let from_where = format!(
                "{from} AND {scope} AND {}",
                every_short(&["i.title", "i.body"])
            );
            finish(
                shape,
                IDEA_COLUMNS,
                &relevance,
                "i.id",
                &from_where,
                "?5",
                "?6",
            )
        }
        Target::Comments => {
            let (from, relevance) = if fts {
                (
                    "comments_fts JOIN comments m ON m.id = comments_fts.rowid JOIN ideas i ON i.id = m.idea_id \
                     JOIN consultations c ON c.id = i.consultation_id WHERE comments_fts MATCH ?1",
                    "bm25(comments_fts)",
                )
            } else {
                (
                    "comments m JOIN ideas i ON i.id = m.idea_id JOIN consultations c ON c.id = i.consultation_id \
                     WHERE ?1 IS NULL",
                    "0.0",
                )
            };
            let from_where = format!(
                "{from} AND m.deleted_at IS NULL AND {scope} AND {}",
                every_short(&["m.body"])
            );
            finish(
                shape,
                COMMENT_COLUMNS,
                relevance,
                "m.id",
                &from_where,
                "?5",
                "?6",
            )
        }
    }
}

/// PostgreSQL. Parameters: $1 every pattern, $2 the longest pattern (for the index),
/// $3 consultation or NULL, $4 include drafts, $5 limit, $6 offset. `ILIKE` escapes with `\`
/// by default, which `like_pattern` uses.
fn postgres_sql(target: Target, shape: Shape) -> String {
    let scope = format!(
        "($3::BIGINT IS NULL OR i.consultation_id = $3) AND ($4 OR c.status <> 'draft') AND {}",
        shown(target, shape)
    );
    match target {
        Target::Ideas => {
            // A term cannot span the line break between title and body: terms have no spaces.
            let from_where = format!(
                "idea_texts t JOIN ideas i ON i.id = t.idea_id JOIN consultations c ON c.id = i.consultation_id \
                 WHERE (t.title ILIKE $2 OR t.body ILIKE $2) AND (t.title || chr(10) || t.body) ILIKE ALL($1) AND {scope}"
            );
            let relevance = "CASE WHEN t.title ILIKE ALL($1) THEN 0.0::float8 ELSE 1.0::float8 END";
            finish(
                shape,
                IDEA_COLUMNS,
                relevance,
                "i.id",
                &from_where,
                "$5",
                "$6",
            )
        }
        Target::Comments => {
            let from_where = format!(
                "comments m JOIN ideas i ON i.id = m.idea_id JOIN consultations c ON c.id = i.consultation_id \
                 WHERE m.body ILIKE $2 AND m.body ILIKE ALL($1) AND m.deleted_at IS NULL AND {scope}"
            );
            finish(
                shape,
                COMMENT_COLUMNS,
                "0.0::float8",
                "m.id",
                &from_where,
                "$5",
                "$6",
            )
        }
    }
}

fn run<T>(
    conn: &mut AnyConnection,
    target: Target,
    shape: Shape,
    scope: Scope,
    plan: &Plan,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<T>>
where
    T: QueryableByName<Sqlite> + QueryableByName<Pg> + 'static,
{
    match conn {
        AnyConnection::Sqlite(c) => {
            diesel::sql_query(sqlite_sql(target, shape, plan.fts.is_some()))
                .bind::<Nullable<Text>, _>(plan.fts.as_deref())
                .bind::<Nullable<BigInt>, _>(scope.consultation)
                .bind::<Bool, _>(scope.include_drafts)
                .bind::<Text, _>(&plan.short)
                .bind::<BigInt, _>(limit)
                .bind::<BigInt, _>(offset)
                .load(c)
        }
        AnyConnection::Postgresql(c) => diesel::sql_query(postgres_sql(target, shape))
            .bind::<Array<Text>, _>(&plan.patterns)
            .bind::<Text, _>(&plan.longest)
            .bind::<Nullable<BigInt>, _>(scope.consultation)
            .bind::<Bool, _>(scope.include_drafts)
            .bind::<BigInt, _>(limit)
            .bind::<BigInt, _>(offset)
            .load(c),
    }
}

fn count(
    conn: &mut AnyConnection,
    target: Target,
    scope: Scope,
    terms: &[String],
    cap: i64,
) -> QueryResult<i64> {
    let Some(plan) = Plan::new(terms) else {
        return Ok(0);
    };
    let rows: Vec<CountRow> = run(conn, target, Shape::Count, scope, &plan, cap, 0)?;
    Ok(rows.first().map_or(0, |r| r.n))
}

/// Ideas (title or body) containing every term: most relevant first, then newest.
pub fn ideas(
    conn: &mut AnyConnection,
    scope: Scope,
    terms: &[String],
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<IdeaMatch>> {
    let Some(plan) = Plan::new(terms) else {
        return Ok(Vec::new());
    };
    run(
        conn,
        Target::Ideas,
        Shape::Rows,
        scope,
        &plan,
        limit,
        offset,
    )
}

/// How many ideas match, counting at most `cap` (so that a broad query stays cheap).
pub fn count_ideas(
    conn: &mut AnyConnection,
    scope: Scope,
    terms: &[String],
    cap: i64,
) -> QueryResult<i64> {
    count(conn, Target::Ideas, scope, terms, cap)
}

/// Comments (not deleted) containing every term: most relevant first, then newest.
pub fn comments(
    conn: &mut AnyConnection,
    scope: Scope,
    terms: &[String],
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<CommentMatch>> {
    let Some(plan) = Plan::new(terms) else {
        return Ok(Vec::new());
    };
    run(
        conn,
        Target::Comments,
        Shape::Rows,
        scope,
        &plan,
        limit,
        offset,
    )
}

/// How many comments match, counting at most `cap`.
pub fn count_comments(
    conn: &mut AnyConnection,
    scope: Scope,
    terms: &[String],
    cap: i64,
) -> QueryResult<i64> {
    count(conn, Target::Comments, scope, terms, cap)
}

/// Ids of a consultation's ideas whose title or body contains every word of `text`
/// (case-insensitive), newest first: the text filter of idea lists.
pub fn idea_ids_matching(
    conn: &mut AnyConnection,
    consultation: Option<i64>,
    text: &str,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    let terms = search_text::terms(text);
    let Some(plan) = Plan::new(&terms) else {
        return Ok(Vec::new());
    };
    let scope = Scope {
        consultation,
        include_drafts: true,
    };
    let rows: Vec<IdRow> = run(conn, Target::Ideas, Shape::Ids, scope, &plan, limit, 0)?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Candidates for "similar ideas": published, visible ideas of the consultation containing any of
/// the given three-character pieces, those sharing the most (SQLite: by bm25) first.
pub fn similar_candidates(
    conn: &mut AnyConnection,
    consultation: i64,
    grams: &[String],
    limit: i64,
) -> QueryResult<Vec<i64>> {
    if grams.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<IdRow> = match conn {
        AnyConnection::Sqlite(c) => {
            let query = grams
                .iter()
                .map(|g| fts5_phrase(g))
                .collect::<Vec<_>>()
                .join(" OR ");
            diesel::sql_query(
                "SELECT ideas.id AS id FROM ideas_fts JOIN ideas ON ideas.id = ideas_fts.rowid \
                 WHERE ideas_fts MATCH ? AND ideas.consultation_id = ? AND ideas.status = 'published' \
                 AND ideas.visibility = 'visible' \
                 ORDER BY bm25(ideas_fts, 10.0, 1.0), ideas.id DESC LIMIT ?",
            )
            .bind::<Text, _>(query)
            .bind::<BigInt, _>(consultation)
            .bind::<BigInt, _>(limit)
            .load(c)?
        }
        AnyConnection::Postgresql(c) => {
            let patterns: Vec<String> = grams.iter().map(|g| like_pattern(g)).collect();
            diesel::sql_query(
                "SELECT i.id AS id FROM idea_texts t JOIN ideas i ON i.id = t.idea_id \
                 WHERE i.consultation_id = $1 AND i.status = 'published' AND i.visibility = 'visible' \
                 AND (t.title ILIKE ANY($2) OR t.body ILIKE ANY($2)) \
                 ORDER BY (SELECT COUNT(*) FROM unnest($2) AS p(pattern) \
                           WHERE t.title ILIKE p.pattern OR t.body ILIKE p.pattern) DESC, i.id DESC \
                 LIMIT $3",
            )
            .bind::<BigInt, _>(consultation)
            .bind::<Array<Text>, _>(patterns)
            .bind::<BigInt, _>(limit)
            .load(c)?
        }
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

    fn terms(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn plans_split_terms_by_what_the_trigram_index_can_do() {
        let plan = Plan::new(&terms(&["デジタル", "行政", "100%", "_"])).expect("terms");
        assert_eq!(plan.fts.as_deref(), Some(r#""デジタル" AND "100%""#));
        assert_eq!(plan.short, r#"["%行政%","%\\_%"]"#);
        assert_eq!(plan.patterns, ["%デジタル%", "%行政%", "%100\\%%", "%\\_%"]);
        assert_eq!(plan.longest, "%デジタル%");
        let short_only = Plan::new(&terms(&["行政"])).expect("terms");
        assert_eq!(short_only.fts, None);
        assert!(Plan::new(&[]).is_none());
    }

    #[test]
    fn sql_has_the_same_parameters_in_every_shape() {
        for target in [Target::Ideas, Target::Comments] {
            for shape in [Shape::Rows, Shape::Ids, Shape::Count] {
                for fts in [true, false] {
                    let sql = sqlite_sql(target, shape, fts);
                    for p in ["?1", "?2", "?3", "?4", "?5", "?6"] {
                        assert!(sql.contains(p), "{p} missing in {sql}");
                    }
                }
                let sql = postgres_sql(target, shape);
                for p in ["$1", "$2", "$3", "$4", "$5", "$6"] {
                    assert!(sql.contains(p), "{p} missing in {sql}");
                }
            }
        }
    }
}
