//! Ideas over the API: posting with a receipt, the edit window, withdrawal, closed and draft
//! consultations, hostile Markdown, lists with sorts, filters and cursors.

use std::collections::HashSet;

use ideabox::domain::role::Role;
use serde_json::json;

use crate::support::fixtures::*;
use crate::support::*;

#[tokio::test]
async fn a_verified_citizen_posts_an_idea_and_gets_a_receipt_by_email() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let token = citizen(&app, "hanako@example.jp").await;
    let (status, headers, idea) = app
        .api()
        .post(
            &format!("/api/v1/consultations/{}/ideas", c.slug),
            &json!({"title": "  行政のデジタル化を進める ", "body": "**窓口**に行かずに済むように", "section": "s1"}),
            Some(&token),
        )
        .await;
    assert_eq!(status, 201, "{idea}");
    let id = idea["id"].as_i64().unwrap();
    assert!(
        headers["location"]
            .to_str()
            .unwrap()
            .ends_with(&format!("/ideas/{id}"))
    );
    let receipt = idea["receipt"].as_str().unwrap();
    assert_eq!(
        receipt,
        format!("IB-{}-{id:06}", chrono::Utc::now().format("%Y"))
    );
    assert_eq!(idea["title"], "行政のデジタル化を進める");
    assert_eq!(idea["section"], "s1");
    assert!(
        idea["body_html"]
            .as_str()
            .unwrap()
            .contains("<strong>窓口</strong>")
    );
    assert_eq!(idea["author"]["display_name"], "Citizen hanako");

    let mail = app.last_email("hanako@example.jp").await;
    assert!(mail.text.contains(receipt), "{}", mail.text);
    assert!(
        mail.link_containing(&format!("/ideas/{id}"))
            .starts_with(&app.address)
    );

    let (_, _, consultation) = app
        .api()
        .get(&format!("/api/v1/consultations/{}", c.slug), None)
        .await;
    assert_eq!(consultation["sections"][0]["idea_count"], 1);
}

#[tokio::test]
async fn posting_needs_a_verified_account_and_an_open_consultation() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let body = json!({"title": "t", "body": "b"});
    let path = format!("/api/v1/consultations/{}/ideas", c.slug);
    assert_eq!(app.api().post(&path, &body, None).await.0, 401);
    app.create_user("unverified@example.jp", "U", Role::Citizen, false)
        .await;
    let unverified = app.api().token("unverified@example.jp").await;
    let (status, _, problem) = app.api().post(&path, &body, Some(&unverified)).await;
    assert_eq!(status, 403);
    assert_eq!(problem["code"], "error-verify-first");

    let closed = consultation_with(&app, "closed", "closed", -48, 48).await;
    let ended = consultation_with(&app, "ended", "open", -48, -1).await;
    let upcoming = consultation_with(&app, "soon", "open", 24, 48).await;
    let token = citizen(&app, "late@example.jp").await;
    for slug in [&closed.slug, &ended.slug, &upcoming.slug] {
        let (status, _, problem) = app
            .api()
            .post(
                &format!("/api/v1/consultations/{slug}/ideas"),
                &body,
                Some(&token),
            )
            .await;
        assert_eq!(status, 403, "{slug}");
        assert_eq!(problem["code"], "error-consultation-closed");
        assert!(
            problem["detail"].as_str().unwrap().len() > 10,
            "a clear message"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM ideas"), 0);
}

#[tokio::test]
async fn invalid_ideas_get_field_errors_and_nothing_is_stored() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let token = citizen(&app, "v@example.jp").await;
    let path = format!("/api/v1/consultations/{}/ideas", c.slug);
    let cases = [
        (json!({"title": "   ", "body": "b"}), "title"),
        (json!({"title": "あ".repeat(151), "body": "b"}), "title"),
        (json!({"title": "t", "body": ""}), "body"),
        (json!({"title": "t", "body": "x".repeat(10_001)}), "body"),
        (
            json!({"title": "t", "body": "b", "section": "s99"}),
            "section",
        ),
    ];
    for (body, field) in cases {
        let (status, _, problem) = app.api().post(&path, &body, Some(&token)).await;
        assert_eq!(status, 422, "{problem}");
        assert_eq!(problem["errors"][0]["field"], field);
    }
    assert_eq!(
        app.api()
            .post(
                &path,
                &json!({"title": "あ".repeat(150), "body": "x".repeat(10_000)}),
                Some(&token)
            )
            .await
            .0,
        201
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM ideas"), 1);
}

#[tokio::test]
async fn hostile_markdown_is_neutralised() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let token = citizen(&app, "x@example.jp").await;
    let idea = post_idea(
        &app,
        &token,
        &c.slug,
        "<script>alert(1)</script>",
        "<script>alert(1)</script><img src=x onerror=alert(1)>[x](javascript:alert(1))<iframe src=//evil></iframe><a href=\"https://ok.example\" onclick=\"x()\">ok</a>",
    )
    .await;
    let html = idea["body_html"].as_str().unwrap().to_lowercase();
    // Text that merely mentions "javascript:" is harmless; a link to it is not.
    for bad in [
        "<script",
        "onerror",
        "href=\"javascript:",
        "<iframe",
        "onclick",
        "<img",
    ] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
    assert!(html.contains("rel=\"nofollow ugc noopener\""));
    assert_eq!(
        idea["title"], "<script>alert(1)</script>",
        "titles are data; pages escape them"
    );
}

#[tokio::test]
async fn authors_edit_within_thirty_minutes_and_history_is_kept() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let author = citizen(&app, "author@example.jp").await;
    let other = citizen(&app, "other@example.jp").await;
    let idea = post_idea(&app, &author, &c.slug, "最初の題", "最初の本文").await;
    let id = idea["id"].as_i64().unwrap();
    assert!(idea["editable_until"].is_string());
    assert_eq!(idea["edited"], false);

    let (status, _) = patch(
        &app,
        &other,
        &format!("/api/v1/ideas/{id}"),
        &json!({"title": "乗っ取り"}),
    )
    .await;
    assert_eq!(status, 403);
    let (status, edited) = patch(
        &app,
        &author,
        &format!("/api/v1/ideas/{id}"),
        &json!({"title": "直した題"}),
    )
    .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["title"], "直した題");
    assert_eq!(edited["body"], "最初の本文", "untouched fields stay");
    assert_eq!(edited["edited"], true);
    assert_eq!(edited["revision_count"], 1);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM idea_revisions WHERE idea_id = {id} AND title = '最初の題'"
        )),
        1
    );

    app.execute_sql(&format!(
        "UPDATE ideas SET created_at = '{}' WHERE id = {id}",
        hours_ago(1)
    ));
    let (status, problem) = patch(
        &app,
        &author,
        &format!("/api/v1/ideas/{id}"),
        &json!({"title": "遅すぎ"}),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(problem["code"], "error-edit-window-closed");
    let (_, _, now) = app
        .api()
        .get(&format!("/api/v1/ideas/{id}"), Some(&author))
        .await;
    assert_eq!(now["title"], "直した題");
    assert!(now["editable_until"].is_null());
}

#[tokio::test]
async fn withdrawn_ideas_stay_readable_and_take_no_new_votes() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let author = citizen(&app, "a@example.jp").await;
    let voter = citizen(&app, "b@example.jp").await;
    let id = post_idea(&app, &author, &c.slug, "取り下げる案", "本文").await["id"]
        .as_i64()
        .unwrap();
    assert_eq!(put_vote(&app, &voter, id, "support").await.0, 200);
    let (status, _, _) = app
        .api()
        .post(
            &format!("/api/v1/ideas/{id}/withdraw"),
            &json!({}),
            Some(&voter),
        )
        .await;
    assert_eq!(status, 403, "only the author withdraws");
    let (status, _, idea) = app
        .api()
        .post(
            &format!("/api/v1/ideas/{id}/withdraw"),
            &json!({}),
            Some(&author),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(idea["status"], "withdrawn");
    assert!(idea["withdrawn_at"].is_string());
    let (status, _, idea) = app.api().get(&format!("/api/v1/ideas/{id}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(idea["status"], "withdrawn");
    assert_eq!(idea["support_count"], 1);
    let newcomer = citizen(&app, "c@example.jp").await;
    let (status, problem) = put_vote(&app, &newcomer, id, "support").await;
    assert_eq!(status, 403);
    assert_eq!(problem["code"], "error-idea-withdrawn");
    assert_eq!(
        app.api()
            .post(
                &format!("/api/v1/ideas/{id}/withdraw"),
                &json!({}),
                Some(&author)
            )
            .await
            .0,
        409
    );
}

#[tokio::test]
async fn unknown_ideas_are_404_and_ideas_of_drafts_are_hidden() {
    let app = spawn_app().await;
    assert_eq!(app.api().get("/api/v1/ideas/999999", None).await.0, 404);
    assert_eq!(
        app.api().get("/api/v1/ideas/not-a-number", None).await.0,
        404
    );
    let c = open_consultation(&app).await;
    let token = citizen(&app, "d@example.jp").await;
    let id = post_idea(&app, &token, &c.slug, "t", "b").await["id"]
        .as_i64()
        .unwrap();
    patch(
        &app,
        &c.admin,
        &format!("/api/v1/consultations/{}", c.slug),
        &json!({"status": "draft"}),
    )
    .await;
    assert_eq!(
        app.api()
            .get(&format!("/api/v1/ideas/{id}"), Some(&token))
            .await
            .0,
        404
    );
    assert_eq!(
        app.api()
            .get(&format!("/api/v1/ideas/{id}"), Some(&c.admin))
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn lists_sort_filter_and_page_without_gaps_or_repeats() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let author = citizen(&app, "many@example.jp").await;
    let mut ids = Vec::new();
    for i in 0..23 {
        let (status, _, idea) = app
            .api()
            .post(
                &format!("/api/v1/consultations/{}/ideas", c.slug),
                &json!({"title": format!("案 {i}"), "body": format!("本文 {i}"), "section": if i % 2 == 0 { "s1" } else { "s2" }}),
                Some(&author),
            )
            .await;
        assert_eq!(status, 201);
        ids.push(idea["id"].as_i64().unwrap());
    }
    // Votes to give "top" a shape: idea k gets (k % 4) supporters.
    let mut voters = Vec::new();
    for v in 0..3 {
        voters.push(citizen(&app, &format!("voter{v}@example.jp")).await);
    }
    for (k, id) in ids.iter().enumerate() {
        for voter in voters.iter().take(k % 4) {
            put_vote(&app, voter, *id, "support").await;
        }
    }
    for sort in ["new", "top", "trending", "discussed", "controversial"] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut path = format!("/api/v1/consultations/{}/ideas?sort={sort}&limit=5", c.slug);
            if let Some(cur) = &cursor {
                path.push_str(&format!("&cursor={cur}"));
            }
            let (status, _, page) = app.api().get(&path, None).await;
            assert_eq!(status, 200, "{page}");
            for item in page["items"].as_array().unwrap() {
                seen.push((
                    item["id"].as_i64().unwrap(),
                    item["support_count"].as_i64().unwrap(),
                ));
            }
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        let unique: HashSet<i64> = seen.iter().map(|(id, _)| *id).collect();
        assert_eq!(seen.len(), 23, "{sort}: every idea once");
        assert_eq!(unique.len(), 23, "{sort}: no repeats");
        if sort == "top" {
            assert!(
                seen.windows(2).all(|w| w[0].1 >= w[1].1),
                "top is ordered by support"
            );
        }
        if sort == "new" {
            assert!(seen.windows(2).all(|w| w[0].0 > w[1].0));
        }
    }
    let (_, _, s1) = app
        .api()
        .get(
            &format!(
                "/api/v1/consultations/{}/ideas?section=s1&limit=100",
                c.slug
            ),
            None,
        )
        .await;
    assert_eq!(s1["items"].as_array().unwrap().len(), 12);
    assert!(
        s1["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["section"] == "s1")
    );
    let (_, _, q) = app
        .api()
        .get(
            &format!("/api/v1/consultations/{}/ideas?q=%E6%A1%88%2022", c.slug),
            None,
        )
        .await;
    assert_eq!(q["items"].as_array().unwrap().len(), 1, "{q}");
}

#[tokio::test]
async fn unknown_list_parameters_are_400_not_defaults() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    for query in [
        "sort=best",
        "section=s42",
        "status=happy",
        "tag=nope",
        "limit=0",
        "limit=101",
        "limit=x",
        "cursor=garbage",
        "colour=red",
    ] {
        let (status, headers, _) = app
            .api()
            .get(
                &format!("/api/v1/consultations/{}/ideas?{query}", c.slug),
                None,
            )
            .await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(headers["content-type"], "application/problem+json");
    }
    assert_eq!(
        app.api()
            .get("/api/v1/consultations/missing/ideas", None)
            .await
            .0,
        404
    );
}
