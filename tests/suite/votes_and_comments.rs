//! Votes (one per person, counters equal recounts, safe in parallel) and comment threads.

use ideabox::db::models::ideas;
use serde_json::json;

use crate::support::fixtures::*;
use crate::support::*;

async fn recount(app: &TestApp, id: i64) -> (i64, i64, i64) {
    app.state
        .db
        .read(move |c| Ok(ideas::recount(c, id)?))
        .await
        .unwrap()
}

async fn counts(app: &TestApp, id: i64) -> (i64, i64, i64) {
    let (_, _, idea) = app.api().get(&format!("/api/v1/ideas/{id}"), None).await;
    (
        idea["support_count"].as_i64().unwrap(),
        idea["oppose_count"].as_i64().unwrap(),
        idea["comment_count"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn people_support_oppose_change_and_withdraw_their_vote() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let author = citizen(&app, "author@example.jp").await;
    let voter = citizen(&app, "voter@example.jp").await;
    let id = post_idea(&app, &author, &c.slug, "案", "本文").await["id"]
        .as_i64()
        .unwrap();

    let (status, body) = put_vote(&app, &voter, id, "support").await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            body["support_count"].as_i64(),
            body["oppose_count"].as_i64(),
            body["my_vote"].as_str()
        ),
        (Some(1), Some(0), Some("support"))
    );
    let (_, body) = put_vote(&app, &voter, id, "support").await;
    assert_eq!(body["support_count"], 1, "repeating changes nothing");
    let (_, body) = put_vote(&app, &voter, id, "oppose").await;
    assert_eq!(
        (
            body["support_count"].as_i64(),
            body["oppose_count"].as_i64()
        ),
        (Some(0), Some(1))
    );
    let (_, _, idea) = app
        .api()
        .get(&format!("/api/v1/ideas/{id}"), Some(&voter))
        .await;
    assert_eq!(idea["my_vote"], "oppose");
    let (status, _, body) = app
        .api()
        .delete(&format!("/api/v1/ideas/{id}/vote"), Some(&voter))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            body["support_count"].as_i64(),
            body["oppose_count"].as_i64()
        ),
        (Some(0), Some(0))
    );
    assert!(body["my_vote"].is_null());
    assert_eq!(counts(&app, id).await, recount(&app, id).await);

    let (status, problem) = put_vote(&app, &voter, id, "like").await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["field"], "value");
    assert_eq!(put_vote(&app, &voter, 424242, "support").await.0, 404);
}

#[tokio::test]
async fn authors_cannot_vote_on_their_own_idea() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let author = citizen(&app, "self@example.jp").await;
    let id = post_idea(&app, &author, &c.slug, "自分の案", "本文").await["id"]
        .as_i64()
        .unwrap();
    let (status, problem) = put_vote(&app, &author, id, "support").await;
    assert_eq!(status, 403);
    assert_eq!(problem["code"], "error-vote-own-idea");
    assert_eq!(app.count("SELECT COUNT(*) FROM votes"), 0);
}

#[tokio::test]
async fn closed_consultations_refuse_votes_and_comments() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let author = citizen(&app, "a@example.jp").await;
    let voter = citizen(&app, "b@example.jp").await;
    let id = post_idea(&app, &author, &c.slug, "案", "本文").await["id"]
        .as_i64()
        .unwrap();
    put_vote(&app, &voter, id, "support").await;
    patch(
        &app,
        &c.admin,
        &format!("/api/v1/consultations/{}", c.slug),
        &json!({"status": "closed"}),
    )
    .await;
    let (status, problem) = put_vote(&app, &voter, id, "oppose").await;
    assert_eq!(status, 403);
    assert_eq!(problem["code"], "error-consultation-closed");
    assert_eq!(
        app.api()
            .delete(&format!("/api/v1/ideas/{id}/vote"), Some(&voter))
            .await
            .0,
        403
    );
    let (status, _, _) = app
        .api()
        .post(
            &format!("/api/v1/ideas/{id}/comments"),
            &json!({"body": "遅い"}),
            Some(&voter),
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(counts(&app, id).await, (1, 0, 0));
}

#[tokio::test]
async fn fifty_identical_votes_in_parallel_leave_one_row_and_no_5xx() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let author = citizen(&app, "a@example.jp").await;
    let voter = citizen(&app, "b@example.jp").await;
    let id = post_idea(&app, &author, &c.slug, "人気の案", "本文").await["id"]
        .as_i64()
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..50 {
        let client = app.api().client.clone();
        let url = app.url(&format!("/api/v1/ideas/{id}/vote"));
        let token = voter.clone();
        // Mostly identical requests, a few flipping, to race both paths.
        let value = if i % 10 == 9 { "oppose" } else { "support" };
        tasks.push(tokio::spawn(async move {
            client
                .put(url)
                .bearer_auth(token)
                .json(&json!({ "value": value }))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 200);
    }
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM votes WHERE idea_id = {id}")),
        1
    );
    let (support, oppose, _) = counts(&app, id).await;
    assert_eq!(support + oppose, 1);
    assert_eq!(counts(&app, id).await, recount(&app, id).await);
}

#[tokio::test]
async fn many_voters_in_parallel_are_all_counted() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let author = citizen(&app, "a@example.jp").await;
    let id = post_idea(&app, &author, &c.slug, "案", "本文").await["id"]
        .as_i64()
        .unwrap();
    let mut tokens = Vec::new();
    for i in 0..12 {
        tokens.push(citizen(&app, &format!("v{i}@example.jp")).await);
    }
    let mut tasks = Vec::new();
    for (i, token) in tokens.into_iter().enumerate() {
        let client = app.api().client.clone();
        let url = app.url(&format!("/api/v1/ideas/{id}/vote"));
        let value = if i % 3 == 0 { "oppose" } else { "support" };
        tasks.push(tokio::spawn(async move {
            client
                .put(url)
                .bearer_auth(token)
                .json(&json!({ "value": value }))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 200);
    }
    assert_eq!(counts(&app, id).await, (8, 4, 0));
    assert_eq!(counts(&app, id).await, recount(&app, id).await);
}

#[tokio::test]
async fn comments_have_one_level_of_replies_and_deleted_ones_keep_their_place() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let author = citizen(&app, "a@example.jp").await;
    let other = citizen(&app, "b@example.jp").await;
    let id = post_idea(&app, &author, &c.slug, "案", "本文").await["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/ideas/{id}/comments");
    let (status, _, top) = app
        .api()
        .post(&path, &json!({"body": "**賛成**です"}), Some(&other))
        .await;
    assert_eq!(status, 201, "{top}");
    let top_id = top["id"].as_i64().unwrap();
    assert!(
        top["body_html"]
            .as_str()
            .unwrap()
            .contains("<strong>賛成</strong>")
    );
    let (status, _, reply) = app
        .api()
        .post(
            &path,
            &json!({"body": "ありがとう", "parent_id": top_id}),
            Some(&author),
        )
        .await;
    assert_eq!(status, 201);
    let reply_id = reply["id"].as_i64().unwrap();
    let (status, _, problem) = app
        .api()
        .post(
            &path,
            &json!({"body": "深すぎ", "parent_id": reply_id}),
            Some(&other),
        )
        .await;
    assert_eq!(status, 422, "no replies to replies");
    assert_eq!(problem["errors"][0]["field"], "parent_id");
    let (status, _, _) = app
        .api()
        .post(&path, &json!({"body": ""}), Some(&other))
        .await;
    assert_eq!(status, 422);
    let (status, _, _) = app
        .api()
        .post(&path, &json!({"body": "x".repeat(5001)}), Some(&other))
        .await;
    assert_eq!(status, 422);
    assert_eq!(counts(&app, id).await.2, 2);

    // The idea's API view carries the comments as a tree.
    let (_, _, idea) = app.api().get(&format!("/api/v1/ideas/{id}"), None).await;
    assert_eq!(idea["comments"][0]["id"], top_id);
    assert_eq!(idea["comments"][0]["replies"][0]["id"], reply_id);

    // Only the author deletes; the placeholder keeps the reply attached.
    assert_eq!(
        app.api()
            .delete(&format!("/api/v1/comments/{top_id}"), Some(&author))
            .await
            .0,
        403
    );
    assert_eq!(
        app.api()
            .delete(&format!("/api/v1/comments/{top_id}"), Some(&other))
            .await
            .0,
        204
    );
    let (_, _, idea) = app.api().get(&format!("/api/v1/ideas/{id}"), None).await;
    let first = &idea["comments"][0];
    assert_eq!(first["deleted"], true);
    assert!(
        first["body"].is_null() && first["author"].is_null(),
        "{first}"
    );
    assert_eq!(first["replies"][0]["id"], reply_id);
    assert_eq!(counts(&app, id).await, recount(&app, id).await);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM comments WHERE id = {top_id} AND body = ''"
        )),
        1,
        "text erased"
    );
    assert_eq!(
        app.api()
            .delete(&format!("/api/v1/comments/{top_id}"), Some(&other))
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn comment_authors_edit_within_the_window() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let author = citizen(&app, "a@example.jp").await;
    let other = citizen(&app, "b@example.jp").await;
    let id = post_idea(&app, &author, &c.slug, "案", "本文").await["id"]
        .as_i64()
        .unwrap();
    let (_, _, comment) = app
        .api()
        .post(
            &format!("/api/v1/ideas/{id}/comments"),
            &json!({"body": "誤字あり"}),
            Some(&other),
        )
        .await;
    let cid = comment["id"].as_i64().unwrap();
    assert_eq!(
        patch(
            &app,
            &author,
            &format!("/api/v1/comments/{cid}"),
            &json!({"body": "x"})
        )
        .await
        .0,
        403
    );
    let (status, edited) = patch(
        &app,
        &other,
        &format!("/api/v1/comments/{cid}"),
        &json!({"body": "誤字なし"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(edited["edited"], true);
    app.execute_sql(&format!(
        "UPDATE comments SET created_at = '{}' WHERE id = {cid}",
        hours_ago(1)
    ));
    let (status, problem) = patch(
        &app,
        &other,
        &format!("/api/v1/comments/{cid}"),
        &json!({"body": "遅い"}),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(problem["code"], "error-edit-window-closed");
}

#[tokio::test]
async fn thousands_of_comments_are_paged() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let author = citizen(&app, "a@example.jp").await;
    let id = post_idea(&app, &author, &c.slug, "議論の多い案", "本文").await["id"]
        .as_i64()
        .unwrap();
    let user_id = app.count("SELECT MIN(id) FROM users WHERE email = 'a@example.jp'");
    let now = hours_ago(0);
    let rows: Vec<String> = (0..1200)
        .map(|i| {
            format!("({id}, {user_id}, 'comment {i}', '<p>comment {i}</p>', '{now}', '{now}')")
        })
        .collect();
    app.execute_sql(&format!(
        "INSERT INTO comments (idea_id, author_id, body, body_html, created_at, updated_at) VALUES {}",
        rows.join(", ")
    ));
    let (status, _, idea) = app.api().get(&format!("/api/v1/ideas/{id}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(idea["comments"].as_array().unwrap().len(), 50);
    let mut seen = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/ideas/{id}/comments?limit=100");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let (status, _, page) = app.api().get(&path, None).await;
        assert_eq!(status, 200);
        seen += page["items"].as_array().unwrap().len();
        match page["next_cursor"].as_str() {
            Some(n) => cursor = Some(n.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, 1200);
    assert_eq!(
        app.api()
            .get(&format!("/api/v1/ideas/{id}/comments?limit=500"), None)
            .await
            .0,
        400
    );
    assert_eq!(
        app.api()
            .get(&format!("/api/v1/ideas/{id}/comments?cursor=abc"), None)
            .await
            .0,
        400
    );
}

#[tokio::test]
async fn a_page_shows_at_most_a_hundred_replies_per_comment_in_posting_order() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let author = citizen(&app, "a@example.jp").await;
    let other = citizen(&app, "b@example.jp").await;
    let id = post_idea(&app, &author, &c.slug, "案", "本文").await["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/ideas/{id}/comments");
    let mut threads = Vec::new();
    for body in ["長い議論", "短い議論", "数え違い"] {
        let (status, _, top) = app
            .api()
            .post(&path, &json!({"body": body}), Some(&other))
            .await;
        assert_eq!(status, 201);
        threads.push(top["id"].as_i64().unwrap());
    }
    // Replies written straight into the database: 130, 3 and 120 of them; the third
    // thread's stored count is left behind at 2, as if it had drifted.
    let author_id = app.count("SELECT MIN(id) FROM users");
    for (parent, replies, stored) in [
        (threads[0], 130, 130),
        (threads[1], 3, 3),
        (threads[2], 120, 2),
    ] {
        app.execute_sql(&format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {replies}) \
             INSERT INTO comments (idea_id, parent_id, author_id, body, body_html, created_at, updated_at) \
             SELECT {id}, {parent}, {author_id}, 'reply ' || i, '<p>reply ' || i || '</p>', \
             CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM n"
        ));
        app.execute_sql(&format!(
            "UPDATE comments SET reply_count = {stored} WHERE id = {parent}"
        ));
    }
    let (status, _, page) = app.api().get(&path, None).await;
    assert_eq!(status, 200);
    let items = page["items"].as_array().unwrap();
    let replies_of = |parent: i64| -> Vec<String> {
        items.iter().find(|c| c["id"] == parent).unwrap()["replies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["body"].as_str().unwrap().to_owned())
            .collect()
    };
    let long = replies_of(threads[0]);
    assert_eq!(long.len(), 100, "a long thread shows its first hundred");
    assert_eq!(long[0], "reply 1");
    assert_eq!(long[99], "reply 100");
    assert_eq!(replies_of(threads[1]), ["reply 1", "reply 2", "reply 3"]);
    let drifted = replies_of(threads[2]);
    assert_eq!(
        drifted.len(),
        100,
        "a stale count never makes a thread longer"
    );
    assert_eq!(drifted[99], "reply 100");
}
