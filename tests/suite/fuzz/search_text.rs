//! Search input as data: for any text, query parsing, term splitting, escaping for FTS5 and
//! LIKE, highlighting, snippets and similarity never panic, and never fail other than with a
//! clear 400.

use ideabox::db::search::{QUERY_MAX_CHARS, fts5_phrase, like_pattern};
use ideabox::domain::search_text::{
    MAX_TERMS, contains_any, features, highlight, index_grams, likeness, plain, snippet, terms,
};
use ideabox::error::AppError;
use ideabox::services::search::{SearchQuery, clean_query, parse_query};
use proptest::prelude::*;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

use super::{config, query_text};

/// Reads back a LIKE pattern: what it matches literally, or `None` if a `%`, `_` or `\`
/// of the text was left unescaped.
fn unlike(pattern: &str) -> Option<String> {
    let inner = pattern.strip_prefix('%')?.strip_suffix('%')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?),
            '%' | '_' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// Reads back an FTS5 phrase, or `None` if a quote inside was left single.
fn unphrase(phrase: &str) -> Option<String> {
    let inner = phrase.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '"' && chars.next()? != '"' {
            return None;
        }
        out.push(c);
    }
    Some(out)
}

fn optional_text() -> BoxedStrategy<Option<String>> {
    prop_oneof![
        Just(None),
        query_text().prop_map(Some),
        prop::sample::select(
            &[
                "",
                " ",
                "all",
                "ideas",
                "comments",
                "IDEAS",
                "0",
                "1",
                "50",
                "51",
                "-1",
                "+5",
                "1e3",
                "9223372036854775808",
                "eyJrIjoiaWRlYXMiLCJvIjoxfQ",
                "eyJrIjoiaWRlYXMiLCJvIjotMX0",
                "eyJrIjoieCIsIm8iOjF9",
                "!!",
                "====",
            ][..]
        )
        .prop_map(|s| Some(s.to_owned())),
    ]
    .boxed()
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn queries_are_accepted_or_refused_with_a_400(
        q in prop::option::of(query_text()),
        kind in optional_text(),
        cursor in optional_text(),
        limit in optional_text(),
        consultation in optional_text(),
    ) {
        let query = SearchQuery { q, consultation, kind, cursor, limit };
        match parse_query(&query) {
            Ok(request) => {
                prop_assert!(!request.q.is_empty());
                prop_assert!(request.q.chars().count() <= QUERY_MAX_CHARS);
                prop_assert!(!request.q.chars().any(char::is_control), "{:?}", request.q);
                prop_assert!((1..=50).contains(&request.limit));
                prop_assert!((0..=1000).contains(&request.offset));
            }
            Err(AppError::BadRequest(code)) => prop_assert!(code.starts_with("error-search-")),
            Err(other) => prop_assert!(false, "{other:?} for {query:?}"),
        }
    }

    #[test]
    fn cleaning_drops_control_characters_and_is_stable(raw in query_text()) {
        let q = clean_query(&raw);
        prop_assert!(!q.chars().any(char::is_control), "{q:?}");
        prop_assert_eq!(q.trim(), q.as_str());
        prop_assert_eq!(clean_query(&q), q);
    }

    #[test]
    fn terms_are_pieces_of_the_query(raw in query_text(), cleaned in any::<bool>()) {
        let q = if cleaned { clean_query(&raw) } else { raw };
        let found = terms(&q);
        prop_assert!(found.len() <= MAX_TERMS);
        for t in &found {
            prop_assert!(
                !t.is_empty() && !t.chars().any(|c| c.is_whitespace() || c.is_control()),
                "{t:?}"
            );
            prop_assert!(q.contains(t.as_str()), "{t:?} not in {q:?}");
        }
        if clean_query(&q).split_whitespace().next().is_some() {
            prop_assert!(!found.is_empty(), "no terms from {q:?}");
        }
    }

    #[test]
    fn escaping_reads_back_to_the_literal_text(raw in query_text()) {
        prop_assert_eq!(unlike(&like_pattern(&raw)), Some(raw.clone()));
        prop_assert_eq!(unphrase(&fts5_phrase(&raw)), Some(raw.clone()));
    }

    #[test]
    fn highlighting_keeps_the_text_and_marks_every_term(
        text in prop_oneof![query_text(), super::hostile(8)],
        raw in query_text(),
        width in 0usize..300,
    ) {
        let ts = terms(&clean_query(&raw));
        let marked = highlight(&text, &ts);
        prop_assert_eq!(plain(&marked), text.clone());
        // A combining mark (or a half-width voicing mark, or a Hangul jamo) belongs to the
        // letter before it, so a term may sit inside a text without matching there.
        let joins = |c: char| {
            matches!(c, '\u{ff9e}' | '\u{ff9f}' | '\u{1100}'..='\u{11ff}' | '\u{3130}'..='\u{318f}')
                || c.to_string().nfkd().any(|d| canonical_combining_class(d) != 0)
        };
        let literal = !text.chars().any(joins) && ts.iter().any(|t| text.contains(t.as_str()));
        let hits = marked.iter().any(|s| s.hit);
        prop_assert_eq!(contains_any(&text, &ts), hits);
        prop_assert!(!literal || hits, "a term occurs in {text:?} but is not marked");
        let cut = snippet(&text, &ts, width);
        let shown: usize = cut.iter().map(|s| s.text.chars().count()).sum();
        prop_assert!(shown <= width.max(1) + 2 || shown <= text.chars().count(), "{shown} for {width}");
    }

    #[test]
    fn similarity_features_are_bounded(a in query_text(), b in super::hostile(8), max in 0usize..40) {
        let (fa, fb) = (features(&a), features(&b));
        let l = likeness(&fa, &fb);
        prop_assert!((0.0..=1.0).contains(&l), "{l}");
        prop_assert_eq!(likeness(&fb, &fa), l);
        let grams = index_grams(&b, max);
        prop_assert!(grams.len() <= max);
        for g in grams {
            prop_assert_eq!(g.chars().count(), 3, "{:?}", g);
        }
    }
}
