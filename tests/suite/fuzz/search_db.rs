//! Query building against a real database (SQLite FTS5 or PostgreSQL pg_trgm), without
//! HTTP: whatever the text, every search query runs without a database error.

use ideabox::db::search::{self, Scope};
use ideabox::domain::search_text::{index_grams, terms};
use ideabox::services::search::clean_query;
use proptest::prelude::*;
use proptest::test_runner::TestRunner;

use super::{config, query_text};
use crate::support::fixtures::{citizen, open_consultation, post_idea};
use crate::support::*;

#[tokio::test]
async fn any_query_text_runs_without_a_database_error() {
    let app = spawn_app().await;
    let consultation = open_consultation(&app).await;
    let token = citizen(&app, "fuzz-db@example.jp").await;
    for (title, body) in [
        (
            "行政のデジタル化を進める",
            "100% オンラインで。\"引用\" と a_b と NEAR(x y)",
        ),
        (
            "Digital services by default",
            "Forms * AND OR - ^ {title}: % _ \\ done",
        ),
    ] {
        post_idea(&app, &token, &consultation.slug, title, body).await;
    }
    let id = app.count("SELECT id FROM consultations WHERE slug = 'plan'");
    let conn = std::cell::RefCell::new(
        ideabox::db::connect_single(&app.state.settings.database_url).expect("connect"),
    );
    let mut runner = TestRunner::new(config(128));
    let strategy = (query_text(), any::<bool>(), any::<bool>());
    runner
        .run(&strategy, |(raw, one, drafts)| {
            let scope = Scope {
                consultation: one.then_some(id),
                include_drafts: drafts,
            };
            let q = clean_query(&raw);
            let mut conn = conn.borrow_mut();
            let conn = &mut *conn;
            let ts = terms(&q);
            let fail = |what: &str, e: diesel::result::Error| {
                TestCaseError::fail(format!("{what} for {raw:?}: {e}"))
            };
            search::ideas(conn, scope, &ts, 0, 21).map_err(|e| fail("ideas", e))?;
            search::count_ideas(conn, scope, &ts, 1001).map_err(|e| fail("count_ideas", e))?;
            search::comments(conn, scope, &ts, 20, 21).map_err(|e| fail("comments", e))?;
            search::count_comments(conn, scope, &ts, 1001)
                .map_err(|e| fail("count_comments", e))?;
            search::idea_ids_matching(conn, Some(id), &raw, 5000)
                .map_err(|e| fail("idea_ids_matching", e))?;
            search::similar_candidates(conn, id, &index_grams(&q, 32), 100)
                .map_err(|e| fail("similar_candidates", e))?;
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{} ({}): {e}", backend_name(), runner_seed()));
}

fn runner_seed() -> String {
    std::env::var("PROPTEST_RNG_SEED").unwrap_or_else(|_| "random seed".to_owned())
}

// Regressions found by the property above.

/// `idea_ids_matching` (the text filter of idea lists, which takes the query as typed) for
/// "\0AND" failed on SQLite with "unterminated string": a NUL ends an FTS5 query early.
/// Over HTTP that was a 500 from `/c/{slug}/ideas?q=%00AND` and the API's list.
#[tokio::test]
async fn regression_nul_in_a_list_filter_is_not_a_database_error() {
    let app = spawn_app().await;
    let consultation = open_consultation(&app).await;
    let token = citizen(&app, "fuzz-nul@example.jp").await;
    post_idea(
        &app,
        &token,
        &consultation.slug,
        "AND と NEAR",
        "本文です。",
    )
    .await;
    let id = app.count("SELECT id FROM consultations WHERE slug = 'plan'");
    let mut conn = ideabox::db::connect_single(&app.state.settings.database_url).expect("connect");
    for text in ["\0AND", "\0", "a\0b", "NEAR\u{1}AND", "\u{1b}[31m"] {
        search::idea_ids_matching(&mut conn, Some(id), text, 5000)
            .unwrap_or_else(|e| panic!("{text:?}: {e}"));
    }
    let found = search::idea_ids_matching(&mut conn, Some(id), "\0AND", 5000).expect("runs");
    assert_eq!(found.len(), 1, "the NUL separates terms, AND still matches");
    let http = app.api().client;
    for path in [
        "/c/plan/ideas",
        "/api/v1/consultations/plan/ideas",
        "/search",
        "/api/v1/search",
    ] {
        let res = http
            .get(app.url(path))
            .query(&[("q", "\0AND")])
            .send()
            .await
            .expect("GET");
        assert!(res.status().as_u16() < 500, "{path}: {}", res.status());
    }
}
