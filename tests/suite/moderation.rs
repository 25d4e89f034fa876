//! Moderation over the API: reports and the auto-hide threshold, hide/restore with public
//! tombstones, locks, pins, merges with vote de-duplication, suspensions, pre-moderation,
//! filters, the queue, the log and the transparency page.

use ideabox::domain::role::Role;
use serde_json::{Value, json};

use crate::support::fixtures::*;
use crate::support::*;

struct Setup {
    app: TestApp,
    slug: String,
    admin: String,
    moderator: String,
    author: String,
    idea: i64,
}

async fn setup() -> Setup {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    app.create_user("mod@example.jp", "Moderator", Role::Moderator, true)
        .await;
    let moderator = app.api().token("mod@example.jp").await;
    let author = citizen(&app, "author@example.jp").await;
    let idea = post_idea(
        &app,
        &author,
        &c.slug,
        "行政のデジタル化を進める",
        "窓口に行かずに済むように",
    )
    .await["id"]
        .as_i64()
        .unwrap();
    Setup {
        app,
        slug: c.slug,
        admin: c.admin,
        moderator,
        author,
        idea,
    }
}

async fn post(app: &TestApp, path: &str, body: Value, token: Option<&str>) -> (u16, Value) {
    let (status, _, json) = app.api().post(path, &body, token).await;
    (status, json)
}

async fn list_ids(app: &TestApp, slug: &str) -> Vec<i64> {
    let (_, _, page) = app
        .api()
        .get(
            &format!("/api/v1/consultations/{slug}/ideas?limit=100"),
            None,
        )
        .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn reports_are_once_per_person_never_on_own_content_and_need_a_reason() {
    let s = setup().await;
    let reporter = citizen(&s.app, "r1@example.jp").await;
    let path = format!("/api/v1/ideas/{}/reports", s.idea);
    let (status, body) = post(
        &s.app,
        &path,
        json!({"reason": "spam", "note": "広告です"}),
        Some(&reporter),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["hidden"], false);
    assert_eq!(
        post(&s.app, &path, json!({"reason": "abusive"}), Some(&reporter))
            .await
            .0,
        409
    );
    assert_eq!(
        post(&s.app, &path, json!({"reason": "spam"}), Some(&s.author))
            .await
            .0,
        403
    );
    let other = citizen(&s.app, "r2@example.jp").await;
    let (status, problem) = post(&s.app, &path, json!({"reason": "because"}), Some(&other)).await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["field"], "reason");
    assert_eq!(
        post(&s.app, &path, json!({"reason": "spam"}), None).await.0,
        401
    );
    s.app
        .create_user("unverified@example.jp", "U", Role::Citizen, false)
        .await;
    let unverified = s.app.api().token("unverified@example.jp").await;
    assert_eq!(
        post(&s.app, &path, json!({"reason": "spam"}), Some(&unverified))
            .await
            .0,
        403
    );
    assert_eq!(s.app.count("SELECT COUNT(*) FROM reports"), 1);
}

#[tokio::test]
async fn three_distinct_reporters_hide_an_item_until_reviewed() {
    let s = setup().await;
    let path = format!("/api/v1/ideas/{}/reports", s.idea);
    for i in 0..2 {
        let token = citizen(&s.app, &format!("r{i}@example.jp")).await;
        let (_, body) = post(&s.app, &path, json!({"reason": "spam"}), Some(&token)).await;
        assert_eq!(body["hidden"], false);
    }
    assert!(
        list_ids(&s.app, &s.slug).await.contains(&s.idea),
        "two reports are not enough"
    );
    let third = citizen(&s.app, "r3@example.jp").await;
    let (_, body) = post(&s.app, &path, json!({"reason": "abusive"}), Some(&third)).await;
    assert_eq!(body["hidden"], true);
    assert!(!list_ids(&s.app, &s.slug).await.contains(&s.idea));
    let (_, _, tombstone) = s
        .app
        .api()
        .get(&format!("/api/v1/ideas/{}", s.idea), None)
        .await;
    assert_eq!(tombstone["title"], "", "{tombstone}");

    // A moderator dismisses the reports: the item comes back.
    let (status, _) = post(
        &s.app,
        &format!("/api/v1/ideas/{}/moderation", s.idea),
        json!({"action": "dismiss", "reason": "resolved"}),
        Some(&s.moderator),
    )
    .await;
    assert_eq!(status, 200);
    assert!(list_ids(&s.app, &s.slug).await.contains(&s.idea));
    assert_eq!(
        s.app
            .count("SELECT COUNT(*) FROM reports WHERE resolved_at IS NULL"),
        0
    );
}

#[tokio::test]
async fn hidden_content_leaves_every_surface_and_its_votes_stop_counting() {
    let s = setup().await;
    let voter = citizen(&s.app, "v@example.jp").await;
    put_vote(&s.app, &voter, s.idea, "support").await;
    let (_, _, before) = s
        .app
        .api()
        .get(&format!("/api/v1/consultations/{}", s.slug), None)
        .await;
    assert_eq!(
        (before["idea_count"].as_i64(), before["vote_count"].as_i64()),
        (Some(1), Some(1))
    );

    let (status, _) = post(
        &s.app,
        &format!("/api/v1/ideas/{}/moderation", s.idea),
        json!({"action": "hide", "reason": "abusive", "note": "社内メモ：悪質"}),
        Some(&s.moderator),
    )
    .await;
    assert_eq!(status, 200);
    assert!(list_ids(&s.app, &s.slug).await.is_empty(), "not in lists");
    let (_, _, after) = s
        .app
        .api()
        .get(&format!("/api/v1/consultations/{}", s.slug), None)
        .await;
    assert_eq!(
        (after["idea_count"].as_i64(), after["vote_count"].as_i64()),
        (Some(0), Some(0)),
        "not in counts"
    );
    assert_eq!(after["sections"][0]["idea_count"], 0);
    let (_, _, similar) = s
        .app
        .api()
        .get(&format!("/api/v1/consultations/{}/similar?text=%E8%A1%8C%E6%94%BF%E3%81%AE%E3%83%87%E3%82%B8%E3%82%BF%E3%83%AB%E5%8C%96", s.slug), None)
        .await;
    assert!(
        similar["items"].as_array().unwrap().is_empty(),
        "not in similar ideas: {similar}"
    );
    let (_, _, search) = s
        .app
        .api()
        .get(
            "/api/v1/search?q=%E3%83%87%E3%82%B8%E3%82%BF%E3%83%AB",
            None,
        )
        .await;
    assert!(
        !search.to_string().contains(&format!("\"id\":{}", s.idea)),
        "not in search: {search}"
    );
    let feed = s
        .app
        .browser()
        .get(&format!("/c/{}/feed.atom", s.slug))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !feed.contains("行政のデジタル化を進める"),
        "not in the feed"
    );

    // The idea's own address shows a tombstone with the public reason and no content.
    let (status, _, idea) = s
        .app
        .api()
        .get(&format!("/api/v1/ideas/{}", s.idea), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(idea["title"], "");
    assert_eq!(idea["body"], "");
    assert!(idea["author"]["display_name"].is_null());
    assert_eq!(idea["receipt"].as_str().unwrap().len(), 14);
    let page = s
        .app
        .browser()
        .get(&format!("/ideas/{}", s.idea))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("窓口に行かずに済むように"),
        "the hidden text never reaches the public"
    );
    // Votes on hidden content are refused; the moderator still sees everything.
    assert_eq!(
        put_vote(
            &s.app,
            &citizen(&s.app, "late@example.jp").await,
            s.idea,
            "support"
        )
        .await
        .0,
        403
    );
    let (_, _, for_moderator) = s
        .app
        .api()
        .get(&format!("/api/v1/ideas/{}", s.idea), Some(&s.moderator))
        .await;
    assert_eq!(for_moderator["title"], "行政のデジタル化を進める");

    // Restored: everything counts again.
    post(
        &s.app,
        &format!("/api/v1/ideas/{}/moderation", s.idea),
        json!({"action": "restore", "reason": "resolved"}),
        Some(&s.moderator),
    )
    .await;
    let (_, _, restored) = s
        .app
        .api()
        .get(&format!("/api/v1/consultations/{}", s.slug), None)
        .await;
    assert_eq!(
        (
            restored["idea_count"].as_i64(),
            restored["vote_count"].as_i64()
        ),
        (Some(1), Some(1))
    );
}

#[tokio::test]
async fn hidden_comments_leave_a_tombstone_and_counters_follow() {
    let s = setup().await;
    let other = citizen(&s.app, "c@example.jp").await;
    let (_, comment) = post(
        &s.app,
        &format!("/api/v1/ideas/{}/comments", s.idea),
        json!({"body": "ひどい悪口"}),
        Some(&other),
    )
    .await;
    let cid = comment["id"].as_i64().unwrap();
    post(
        &s.app,
        &format!("/api/v1/ideas/{}/comments", s.idea),
        json!({"body": "返信", "parent_id": cid}),
        Some(&s.author),
    )
    .await;
    let (status, _) = post(
        &s.app,
        &format!("/api/v1/comments/{cid}/moderation"),
        json!({"action": "hide", "reason": "abusive"}),
        Some(&s.moderator),
    )
    .await;
    assert_eq!(status, 200);
    let (_, _, idea) = s
        .app
        .api()
        .get(&format!("/api/v1/ideas/{}", s.idea), None)
        .await;
    assert_eq!(
        idea["comment_count"], 1,
        "the hidden comment stops counting"
    );
    let first = &idea["comments"][0];
    assert_eq!(first["hidden"], true, "{first}");
    assert_eq!(first["hidden_reason"], "abusive");
    assert!(first["body"].is_null() && first["author"].is_null());
    assert_eq!(
        first["replies"].as_array().unwrap().len(),
        1,
        "the thread keeps its shape"
    );
    let (status, _) = post(
        &s.app,
        &format!("/api/v1/comments/{cid}/moderation"),
        json!({"action": "lock", "reason": "other"}),
        Some(&s.moderator),
    )
    .await;
    assert_eq!(status, 422, "comments cannot be locked");
    post(
        &s.app,
        &format!("/api/v1/comments/{cid}/moderation"),
        json!({"action": "restore", "reason": "resolved"}),
        Some(&s.moderator),
    )
    .await;
    let (_, _, idea) = s
        .app
        .api()
        .get(&format!("/api/v1/ideas/{}", s.idea), None)
        .await;
    assert_eq!(idea["comment_count"], 2);
}

#[tokio::test]
async fn locked_ideas_take_no_comments_or_votes_and_pinned_ones_come_first() {
    let s = setup().await;
    let newer = post_idea(&s.app, &s.author, &s.slug, "新しい案", "本文").await["id"]
        .as_i64()
        .unwrap();
    let voter = citizen(&s.app, "v@example.jp").await;
    let path = format!("/api/v1/ideas/{}/moderation", s.idea);
    post(
        &s.app,
        &path,
        json!({"action": "lock", "reason": "off_topic"}),
        Some(&s.moderator),
    )
    .await;
    let (status, problem) = put_vote(&s.app, &voter, s.idea, "support").await;
    assert_eq!(status, 403);
    assert_eq!(problem["code"], "error-idea-locked");
    assert_eq!(
        post(
            &s.app,
            &format!("/api/v1/ideas/{}/comments", s.idea),
            json!({"body": "x"}),
            Some(&voter)
        )
        .await
        .0,
        403
    );
    post(
        &s.app,
        &path,
        json!({"action": "unlock", "reason": "resolved"}),
        Some(&s.moderator),
    )
    .await;
    assert_eq!(put_vote(&s.app, &voter, s.idea, "support").await.0, 200);

    let newest = post_idea(&s.app, &s.author, &s.slug, "最新の案", "本文").await["id"]
        .as_i64()
        .unwrap();
    assert_eq!(list_ids(&s.app, &s.slug).await, vec![newest, newer, s.idea]);
    post(
        &s.app,
        &path,
        json!({"action": "pin", "reason": "other"}),
        Some(&s.moderator),
    )
    .await;
    assert_eq!(
        list_ids(&s.app, &s.slug).await,
        vec![s.idea, newest, newer],
        "pinned first in the default list"
    );
    let (_, _, page) = s
        .app
        .api()
        .get(
            &format!("/api/v1/consultations/{}/ideas?limit=1", s.slug),
            None,
        )
        .await;
    let first: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(first, vec![s.idea, newest]);
    let cursor = page["next_cursor"].as_str().unwrap().to_owned();
    let (_, _, next) = s
        .app
        .api()
        .get(
            &format!(
                "/api/v1/consultations/{}/ideas?limit=1&cursor={cursor}",
                s.slug
            ),
            None,
        )
        .await;
    let ids: Vec<i64> = next["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![newer],
        "a pinned idea is not repeated on later pages"
    );
    post(
        &s.app,
        &path,
        json!({"action": "unpin", "reason": "resolved"}),
        Some(&s.moderator),
    )
    .await;
    assert_eq!(list_ids(&s.app, &s.slug).await, vec![newest, newer, s.idea]);
}

#[tokio::test]
async fn only_moderators_and_admins_act_and_never_on_their_own_content() {
    let s = setup().await;
    let path = format!("/api/v1/ideas/{}/moderation", s.idea);
    let body = json!({"action": "hide", "reason": "spam"});
    s.app
        .create_user("drafter@example.jp", "D", Role::Drafter, true)
        .await;
    let drafter = s.app.api().token("drafter@example.jp").await;
    let citizen_token = citizen(&s.app, "x@example.jp").await;
    assert_eq!(post(&s.app, &path, body.clone(), None).await.0, 401);
    for token in [&citizen_token, &drafter, &s.author] {
        assert_eq!(post(&s.app, &path, body.clone(), Some(token)).await.0, 403);
    }
    // The moderator's own idea.
    let own = post_idea(&s.app, &s.moderator, &s.slug, "モデレーターの案", "本文").await["id"]
        .as_i64()
        .unwrap();
    let (status, problem) = post(
        &s.app,
        &format!("/api/v1/ideas/{own}/moderation"),
        body.clone(),
        Some(&s.moderator),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(problem["code"], "error-moderate-own");
    assert_eq!(
        s.app
            .count("SELECT COUNT(*) FROM ideas WHERE visibility <> 'visible'"),
        0,
        "denied requests change nothing"
    );
    assert_eq!(s.app.count("SELECT COUNT(*) FROM moderation_actions"), 0);
    assert_eq!(post(&s.app, &path, body, Some(&s.admin)).await.0, 200);
    let (status, _) = post(
        &s.app,
        &path,
        json!({"action": "explode", "reason": "spam"}),
        Some(&s.admin),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        post(
            &s.app,
            "/api/v1/ideas/999999/moderation",
            json!({"action": "hide", "reason": "spam"}),
            Some(&s.admin)
        )
        .await
        .0,
        404
    );
}

#[tokio::test]
async fn merging_moves_votes_once_and_comments_and_redirects() {
    let s = setup().await;
    let other_author = citizen(&s.app, "dup@example.jp").await;
    let duplicate = post_idea(
        &s.app,
        &other_author,
        &s.slug,
        "行政のデジタル化を進めてほしい",
        "同じ意見",
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let both = citizen(&s.app, "both@example.jp").await;
    let disagree = citizen(&s.app, "disagree@example.jp").await;
    let only_dup = citizen(&s.app, "onlydup@example.jp").await;
    put_vote(&s.app, &both, s.idea, "support").await;
    put_vote(&s.app, &both, duplicate, "support").await;
    put_vote(&s.app, &disagree, s.idea, "oppose").await;
    put_vote(&s.app, &disagree, duplicate, "support").await;
    put_vote(&s.app, &only_dup, duplicate, "support").await;
    // The surviving idea's author supported the duplicate: that vote cannot move onto their own idea.
    put_vote(&s.app, &s.author, duplicate, "support").await;
    post(
        &s.app,
        &format!("/api/v1/ideas/{duplicate}/comments"),
        json!({"body": "重複先へのコメント"}),
        Some(&both),
    )
    .await;

    let (status, body) = post(
        &s.app,
        &format!("/api/v1/ideas/{duplicate}/merge"),
        json!({"into": s.idea}),
        Some(&s.moderator),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, _, survivor) = s
        .app
        .api()
        .get(&format!("/api/v1/ideas/{}", s.idea), None)
        .await;
    // both: once (support); disagree: the surviving idea's oppose stands; only_dup: moves.
    assert_eq!(
        (
            survivor["support_count"].as_i64(),
            survivor["oppose_count"].as_i64()
        ),
        (Some(2), Some(1)),
        "{survivor}"
    );
    assert_eq!(
        s.app.count(&format!(
            "SELECT COUNT(*) FROM votes WHERE idea_id = {duplicate}"
        )),
        0
    );
    assert_eq!(s.app.count(&format!("SELECT COUNT(*) FROM votes WHERE idea_id = {} AND user_id IN (SELECT id FROM users WHERE email = 'author@example.jp')", s.idea)), 0);
    assert_eq!(survivor["comment_count"], 1);
    assert!(
        survivor["comments"]
            .to_string()
            .contains("重複先へのコメント")
    );
    let recount = s.app.count(&format!(
        "SELECT COUNT(*) FROM votes WHERE idea_id = {} AND value = 1",
        s.idea
    ));
    assert_eq!(recount, 2);

    let res = s.app.browser().get(&format!("/ideas/{duplicate}")).await;
    assert_eq!(res.status(), 301);
    assert_eq!(res.headers()["location"], format!("/ideas/{}", s.idea));
    let res = s
        .app
        .api()
        .client
        .get(s.app.url(&format!("/api/v1/ideas/{duplicate}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 301);
    assert_eq!(
        res.headers()["location"],
        format!("/api/v1/ideas/{}", s.idea)
    );
    assert!(!list_ids(&s.app, &s.slug).await.contains(&duplicate));
    // The notice links to the surviving idea (the receipt mail links to the duplicate).
    s.app
        .email_containing("dup@example.jp", &format!("/ideas/{}", s.idea))
        .await;

    assert_eq!(
        post(
            &s.app,
            &format!("/api/v1/ideas/{duplicate}/merge"),
            json!({"into": s.idea}),
            Some(&s.moderator)
        )
        .await
        .0,
        409
    );
    assert_eq!(
        post(
            &s.app,
            &format!("/api/v1/ideas/{}/merge", s.idea),
            json!({"into": s.idea}),
            Some(&s.moderator)
        )
        .await
        .0,
        422
    );
    assert_eq!(
        post(
            &s.app,
            &format!("/api/v1/ideas/{}/merge", s.idea),
            json!({"into": duplicate}),
            Some(&s.author)
        )
        .await
        .0,
        403
    );
}

#[tokio::test]
async fn tags_are_curated_and_thirty_ideas_are_tagged_in_one_action() {
    let s = setup().await;
    let path = format!("/api/v1/consultations/{}/tags", s.slug);
    let (status, tag) = post(&s.app, &path, json!({"slug": "privacy", "name_ja": "プライバシー", "name_en": "Privacy", "color": "#AA3300"}), Some(&s.moderator)).await;
    assert_eq!(status, 201, "{tag}");
    assert_eq!(tag["color"], "#aa3300");
    assert_eq!(
        post(
            &s.app,
            &path,
            json!({"slug": "x", "name_ja": "x", "name_en": "x"}),
            Some(&s.author)
        )
        .await
        .0,
        403
    );
    assert_eq!(
        post(
            &s.app,
            &path,
            json!({"slug": "privacy", "name_ja": "x", "name_en": "x"}),
            Some(&s.moderator)
        )
        .await
        .0,
        422
    );
    assert_eq!(
        post(
            &s.app,
            &path,
            json!({"slug": "bad", "name_ja": "x", "name_en": "x", "color": "red"}),
            Some(&s.moderator)
        )
        .await
        .0,
        422
    );

    let mut ids = vec![s.idea];
    let second_author = citizen(&s.app, "author2@example.jp").await;
    for i in 0..29 {
        let by = if i % 2 == 0 {
            &s.author
        } else {
            &second_author
        };
        ids.push(
            post_idea(&s.app, by, &s.slug, &format!("案 {i}"), "本文").await["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let (status, result) = post(
        &s.app,
        &format!("{path}/privacy/ideas"),
        json!({"add": ids}),
        Some(&s.moderator),
    )
    .await;
    assert_eq!(status, 200, "{result}");
    assert_eq!(result["added"], 30);
    let (_, _, tagged) = s
        .app
        .api()
        .get(
            &format!(
                "/api/v1/consultations/{}/ideas?tag=privacy&limit=100",
                s.slug
            ),
            None,
        )
        .await;
    assert_eq!(tagged["items"].as_array().unwrap().len(), 30);
    assert_eq!(tagged["items"][0]["tags"][0], "privacy");
    let (_, _, list) = s.app.api().get(&path, None).await;
    assert_eq!(list["items"][0]["idea_count"], 30);

    // Rename, merge, per-idea tags, removal.
    let (status, _) = patch(
        &s.app,
        &s.moderator,
        &format!("{path}/privacy"),
        &json!({"name_en": "Privacy and data"}),
    )
    .await;
    assert_eq!(status, 204);
    post(
        &s.app,
        &path,
        json!({"slug": "data", "name_ja": "データ", "name_en": "Data"}),
        Some(&s.moderator),
    )
    .await;
    let res = s
        .app
        .api()
        .client
        .put(s.app.url(&format!("/api/v1/ideas/{}/tags", s.idea)))
        .bearer_auth(&s.moderator)
        .json(&json!({"tags": ["data", "privacy"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = s
        .app
        .api()
        .client
        .put(s.app.url(&format!("/api/v1/ideas/{}/tags", s.idea)))
        .bearer_auth(&s.moderator)
        .json(&json!({"tags": ["nope"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(
        post(
            &s.app,
            &format!("{path}/data/merge"),
            json!({"into": "privacy"}),
            Some(&s.moderator)
        )
        .await
        .0,
        204
    );
    assert_eq!(s.app.count("SELECT COUNT(*) FROM tags"), 1);
    let (status, result) = post(
        &s.app,
        &format!("{path}/privacy/ideas"),
        json!({"remove": [ids[0], ids[1]]}),
        Some(&s.moderator),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(result["removed"], 2);
    let other = consultation_with(&s.app, "other", "open", -1, 48).await;
    let stranger = post_idea(&s.app, &s.author, &other.slug, "別の案", "本文").await["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        post(
            &s.app,
            &format!("{path}/privacy/ideas"),
            json!({"add": [stranger]}),
            Some(&s.moderator)
        )
        .await
        .0,
        422
    );
    let res = s
        .app
        .api()
        .client
        .delete(s.app.url(&format!("{path}/privacy")))
        .bearer_auth(&s.moderator)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(s.app.count("SELECT COUNT(*) FROM idea_tags"), 0);
}

#[tokio::test]
async fn suspended_people_read_but_cannot_take_part_and_spam_is_hidden_at_once() {
    let s = setup().await;
    let spammer = citizen(&s.app, "spam@example.jp").await;
    let spam_idea = post_idea(&s.app, &spammer, &s.slug, "格安セール", "今すぐ").await["id"]
        .as_i64()
        .unwrap();
    let (_, comment) = post(
        &s.app,
        &format!("/api/v1/ideas/{}/comments", s.idea),
        json!({"body": "宣伝"}),
        Some(&spammer),
    )
    .await;
    let spammer_id = s
        .app
        .count("SELECT id FROM users WHERE email = 'spam@example.jp'");
    let until = (chrono::Utc::now() + chrono::Duration::days(7)).to_rfc3339();
    let path = format!("/api/v1/users/{spammer_id}/suspension");
    assert_eq!(
        post(
            &s.app,
            &path,
            json!({"until": until, "reason": "spam"}),
            Some(&s.author)
        )
        .await
        .0,
        403
    );
    let (status, body) = post(
        &s.app,
        &path,
        json!({"until": until, "reason": "spam"}),
        Some(&s.moderator),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, problem) = put_vote(&s.app, &spammer, s.idea, "support").await;
    assert_eq!(status, 403);
    assert_eq!(problem["code"], "error-suspended");
    assert_eq!(
        post(
            &s.app,
            &format!("/api/v1/consultations/{}/ideas", s.slug),
            json!({"title": "t", "body": "b"}),
            Some(&spammer)
        )
        .await
        .0,
        403
    );
    assert_eq!(
        s.app
            .api()
            .get(&format!("/api/v1/ideas/{}", s.idea), Some(&spammer))
            .await
            .0,
        200,
        "reading still works"
    );

    let (status, body) = post(
        &s.app,
        &format!("/api/v1/users/{spammer_id}/hide-all"),
        json!({"reason": "spam"}),
        Some(&s.moderator),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["hidden"], 2);
    assert!(!list_ids(&s.app, &s.slug).await.contains(&spam_idea));
    let (_, _, idea) = s
        .app
        .api()
        .get(&format!("/api/v1/ideas/{}", s.idea), None)
        .await;
    assert_eq!(idea["comment_count"], 0);
    assert_eq!(idea["comments"][0]["id"], comment["id"]);
    assert_eq!(idea["comments"][0]["hidden"], true);

    let res = s
        .app
        .api()
        .client
        .delete(s.app.url(&path))
        .bearer_auth(&s.moderator)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(put_vote(&s.app, &spammer, s.idea, "support").await.0, 200);
    let (status, _) = post(
        &s.app,
        &path,
        json!({"ban": true, "reason": "spam"}),
        Some(&s.moderator),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(put_vote(&s.app, &spammer, s.idea, "oppose").await.0, 403);
    // Moderators cannot suspend staff; admins can, but not themselves.
    let mod_id = s
        .app
        .count("SELECT id FROM users WHERE email = 'mod@example.jp'");
    assert_eq!(
        post(
            &s.app,
            &format!("/api/v1/users/{mod_id}/suspension"),
            json!({"ban": true, "reason": "other"}),
            Some(&s.moderator)
        )
        .await
        .0,
        403
    );
    let (status, _) = post(
        &s.app,
        &format!("/api/v1/users/{spammer_id}/suspension"),
        json!({"until": "2001-01-01T00:00:00Z", "reason": "spam"}),
        Some(&s.admin),
    )
    .await;
    assert_eq!(status, 422, "the end must be in the future");
}

#[tokio::test]
async fn pre_moderation_holds_contributions_until_approved() {
    let s = setup().await;
    let (status, body) = patch(
        &s.app,
        &s.admin,
        &format!("/api/v1/consultations/{}", s.slug),
        &json!({"premoderation": true}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["premoderation"], true);
    let held = post_idea(&s.app, &s.author, &s.slug, "承認待ちの案", "本文").await;
    let id = held["id"].as_i64().unwrap();
    assert!(held["receipt"].is_string(), "a receipt is given at once");
    assert!(!list_ids(&s.app, &s.slug).await.contains(&id));
    assert_eq!(
        s.app
            .api()
            .get(&format!("/api/v1/ideas/{id}"), None)
            .await
            .0,
        404,
        "invisible to others"
    );
    assert_eq!(
        s.app
            .api()
            .get(&format!("/api/v1/ideas/{id}"), Some(&s.author))
            .await
            .0,
        200,
        "its author sees it"
    );
    let (_, _, queue) = s
        .app
        .api()
        .get("/api/v1/moderation/queue", Some(&s.moderator))
        .await;
    assert_eq!(queue["pending"][0]["target_id"], id, "{queue}");

    let other = citizen(&s.app, "o@example.jp").await;
    let (_, comment) = post(
        &s.app,
        &format!("/api/v1/ideas/{}/comments", s.idea),
        json!({"body": "保留されるコメント"}),
        Some(&other),
    )
    .await;
    let (_, _, idea) = s
        .app
        .api()
        .get(&format!("/api/v1/ideas/{}", s.idea), None)
        .await;
    assert_eq!(idea["comment_count"], 0);
    assert!(idea["comments"].as_array().unwrap().is_empty());

    post(
        &s.app,
        &format!("/api/v1/ideas/{id}/moderation"),
        json!({"action": "approve", "reason": "resolved"}),
        Some(&s.moderator),
    )
    .await;
    post(
        &s.app,
        &format!("/api/v1/comments/{}/moderation", comment["id"]),
        json!({"action": "approve", "reason": "resolved"}),
        Some(&s.moderator),
    )
    .await;
    assert!(list_ids(&s.app, &s.slug).await.contains(&id));
    let (_, _, idea) = s
        .app
        .api()
        .get(&format!("/api/v1/ideas/{}", s.idea), None)
        .await;
    assert_eq!(idea["comment_count"], 1);
}

#[tokio::test]
async fn filter_words_send_matching_posts_to_the_queue_and_new_accounts_cannot_post_links() {
    let s = setup().await;
    let (status, _) = post(
        &s.app,
        "/api/v1/moderation/filters",
        json!({"pattern": "カジノ"}),
        Some(&s.moderator),
    )
    .await;
    assert_eq!(status, 403, "admins manage filters");
    assert_eq!(
        post(
            &s.app,
            "/api/v1/moderation/filters",
            json!({"pattern": "カジノ"}),
            Some(&s.admin)
        )
        .await
        .0,
        201
    );
    assert_eq!(
        post(
            &s.app,
            "/api/v1/moderation/filters",
            json!({"pattern": "\\d{3}-\\d{4}-\\d{4}", "is_regex": true}),
            Some(&s.admin)
        )
        .await
        .0,
        201
    );
    assert_eq!(
        post(
            &s.app,
            "/api/v1/moderation/filters",
            json!({"pattern": "(", "is_regex": true}),
            Some(&s.admin)
        )
        .await
        .0,
        422
    );
    let flagged = post_idea(&s.app, &s.author, &s.slug, "オンラインカジノ", "本文").await["id"]
        .as_i64()
        .unwrap();
    let phone = post_idea(&s.app, &s.author, &s.slug, "連絡先", "090-1234-5678 まで").await["id"]
        .as_i64()
        .unwrap();
    let clean = post_idea(&s.app, &s.author, &s.slug, "普通の案", "本文").await["id"]
        .as_i64()
        .unwrap();
    let ids = list_ids(&s.app, &s.slug).await;
    assert!(!ids.contains(&flagged) && !ids.contains(&phone) && ids.contains(&clean));

    // A brand-new account (registered now) may not post links.
    s.app
        .create_user("fresh@example.jp", "F", Role::Citizen, true)
        .await;
    s.app.execute_sql(
        "UPDATE users SET created_at = CURRENT_TIMESTAMP WHERE email = 'fresh@example.jp'",
    );
    s.app.execute_sql(&format!(
        "UPDATE users SET created_at = '{}' WHERE email = 'fresh@example.jp'",
        hours_ago(1)
    ));
    let fresh = s.app.api().token("fresh@example.jp").await;
    let (status, problem) = post(
        &s.app,
        &format!("/api/v1/consultations/{}/ideas", s.slug),
        json!({"title": "t", "body": "see https://spam.example"}),
        Some(&fresh),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["code"], "error-links-new-account");
    assert_eq!(
        post(
            &s.app,
            &format!("/api/v1/consultations/{}/ideas", s.slug),
            json!({"title": "t", "body": "no link"}),
            Some(&fresh)
        )
        .await
        .0,
        201
    );
}

#[tokio::test]
async fn the_queue_groups_reports_and_filters() {
    let s = setup().await;
    let second = post_idea(&s.app, &s.author, &s.slug, "二つ目", "本文").await["id"]
        .as_i64()
        .unwrap();
    for i in 0..2 {
        let token = citizen(&s.app, &format!("q{i}@example.jp")).await;
        post(
            &s.app,
            &format!("/api/v1/ideas/{}/reports", s.idea),
            json!({"reason": "spam", "note": format!("note {i}")}),
            Some(&token),
        )
        .await;
        if i == 0 {
            post(
                &s.app,
                &format!("/api/v1/ideas/{second}/reports"),
                json!({"reason": "off_topic"}),
                Some(&token),
            )
            .await;
        }
    }
    let (status, _, queue) = s
        .app
        .api()
        .get("/api/v1/moderation/queue", Some(&s.moderator))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        queue["reported"][0]["target_id"], s.idea,
        "most reported first"
    );
    assert_eq!(queue["reported"][0]["reporters"], 2);
    assert_eq!(queue["reported"][0]["reasons"].as_array().unwrap().len(), 2);
    let (_, _, filtered) = s
        .app
        .api()
        .get(
            "/api/v1/moderation/queue?reason=off_topic",
            Some(&s.moderator),
        )
        .await;
    assert_eq!(filtered["reported"].as_array().unwrap().len(), 1);
    assert_eq!(filtered["reported"][0]["target_id"], second);
    assert_eq!(
        s.app
            .api()
            .get("/api/v1/moderation/queue?reason=angry", Some(&s.moderator))
            .await
            .0,
        400
    );
    assert_eq!(
        s.app
            .api()
            .get("/api/v1/moderation/queue?sort=x", Some(&s.moderator))
            .await
            .0,
        400
    );
    assert_eq!(
        s.app
            .api()
            .get("/api/v1/moderation/queue", Some(&s.author))
            .await
            .0,
        403
    );
}

#[tokio::test]
async fn the_log_records_every_action_and_the_public_page_shows_no_personal_data() {
    let s = setup().await;
    let other = citizen(&s.app, "o@example.jp").await;
    let (_, comment) = post(
        &s.app,
        &format!("/api/v1/ideas/{}/comments", s.idea),
        json!({"body": "秘密の悪口テキスト"}),
        Some(&other),
    )
    .await;
    post(
        &s.app,
        &format!("/api/v1/comments/{}/moderation", comment["id"]),
        json!({"action": "hide", "reason": "abusive", "note": "内部メモ"}),
        Some(&s.moderator),
    )
    .await;
    post(
        &s.app,
        &format!("/api/v1/ideas/{}/moderation", s.idea),
        json!({"action": "lock", "reason": "off_topic"}),
        Some(&s.moderator),
    )
    .await;

    let (status, _, log) = s
        .app
        .api()
        .get(
            &format!("/api/v1/moderation/log?consultation={}", s.slug),
            Some(&s.moderator),
        )
        .await;
    assert_eq!(status, 200);
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["action"], "lock");
    assert_eq!(items[1]["action"], "hide");
    assert_eq!(items[1]["note"], "内部メモ");
    assert_eq!(items[1]["actor"], "Moderator");
    assert_eq!(
        s.app
            .api()
            .get("/api/v1/moderation/log", Some(&other))
            .await
            .0,
        403
    );
    let csv = s
        .app
        .api()
        .client
        .get(s.app.url("/api/v1/moderation/log?format=csv"))
        .bearer_auth(&s.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let text = csv.text().await.unwrap();
    assert!(text.starts_with('\u{feff}'), "BOM for spreadsheets");
    assert_eq!(text.lines().count(), 3);

    let (status, _, public) = s
        .app
        .api()
        .get(
            &format!("/api/v1/consultations/{}/transparency", s.slug),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let public_text = public.to_string();
    assert!(public_text.contains("abusive") && public_text.contains("lock"));
    for secret in [
        "内部メモ",
        "Moderator",
        "秘密の悪口テキスト",
        "mod@example.jp",
        "o@example.jp",
    ] {
        assert!(
            !public_text.contains(secret),
            "{secret} leaked: {public_text}"
        );
    }
    assert_eq!(public["hidden_comments"][0]["reason"], "abusive");
}
