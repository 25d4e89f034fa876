//! The authorisation matrix of the moderation API: every route, every kind of caller.
//! A refused request changes nothing.

use ideabox::domain::role::Role;
use serde_json::{Value, json};

use crate::support::fixtures::*;
use crate::support::*;

/// Everything a moderation request could change, as one comparable value.
fn snapshot(app: &TestApp) -> Vec<i64> {
    [
        "SELECT COUNT(*) FROM moderation_actions",
        "SELECT COUNT(*) FROM reports",
        "SELECT COUNT(*) FROM tags",
        "SELECT COUNT(*) FROM idea_tags",
        "SELECT COUNT(*) FROM moderation_filters",
        "SELECT COUNT(*) FROM ideas WHERE visibility = 'visible' AND locked_at IS NULL AND pinned_at IS NULL",
        "SELECT COUNT(*) FROM comments WHERE visibility = 'visible'",
        "SELECT COUNT(*) FROM users WHERE suspended_until IS NULL AND banned_at IS NULL",
        "SELECT COALESCE(SUM(support_count), 0) FROM ideas",
    ]
    .iter()
    .map(|sql| app.count(sql))
    .collect()
}

async fn call(app: &TestApp, method: &str, path: &str, body: &Value, token: Option<&str>) -> u16 {
    let url = app.url(path);
    let client = &app.api().client;
    let mut req = match method {
        "GET" => client.get(url),
        "POST" => client.post(url).json(body),
        "PUT" => client.put(url).json(body),
        "PATCH" => client.patch(url).json(body),
        "DELETE" => client.delete(url),
        _ => unreachable!(),
    };
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn every_moderation_route_refuses_the_wrong_callers_and_changes_nothing() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    app.create_user("moderator@example.jp", "M", Role::Moderator, true)
        .await;
    app.create_user("drafter@example.jp", "D", Role::Drafter, true)
        .await;
    let moderator = app.api().token("moderator@example.jp").await;
    let drafter = app.api().token("drafter@example.jp").await;
    let author = citizen(&app, "author@example.jp").await;
    let someone = citizen(&app, "someone@example.jp").await;
    let admin = c.admin.clone();
    let target = citizen(&app, "target@example.jp").await;
    let target_id = app.count("SELECT id FROM users WHERE email = 'target@example.jp'");
    drop(target);

    let tags_path = format!("/api/v1/consultations/{}/tags", c.slug);
    let new_idea = |title: &'static str| {
        let (app, author, slug) = (&app, author.clone(), c.slug.clone());
        async move {
            post_idea(app, &author, &slug, title, "本文").await["id"]
                .as_i64()
                .unwrap()
        }
    };
    let i1 = new_idea("一").await;
    let i2 = new_idea("二").await;
    let (_, _, comment) = app
        .api()
        .post(
            &format!("/api/v1/ideas/{i1}/comments"),
            &json!({"body": "c"}),
            Some(&author),
        )
        .await;
    let cid = comment["id"].as_i64().unwrap();
    app.api()
        .post(
            &tags_path,
            &json!({"slug": "t", "name_ja": "t", "name_en": "t"}),
            Some(&admin),
        )
        .await;
    let until = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();

    // (method, path, body, who may: M = moderator, A = admin, D = drafter, C = other citizen, W = author)
    let routes: Vec<(&str, String, Value, &str)> = vec![
        (
            "POST",
            format!("/api/v1/ideas/{i1}/moderation"),
            json!({"action": "lock", "reason": "other"}),
            "MA",
        ),
        (
            "POST",
            format!("/api/v1/comments/{cid}/moderation"),
            json!({"action": "hide", "reason": "spam"}),
            "MA",
        ),
        (
            "GET",
            "/api/v1/moderation/queue".to_owned(),
            json!(null),
            "MA",
        ),
        (
            "GET",
            "/api/v1/moderation/log".to_owned(),
            json!(null),
            "MAD",
        ),
        (
            "POST",
            tags_path.clone(),
            json!({"slug": "n", "name_ja": "n", "name_en": "n"}),
            "MA",
        ),
        (
            "PATCH",
            format!("{tags_path}/t"),
            json!({"name_en": "renamed"}),
            "MA",
        ),
        (
            "PUT",
            format!("/api/v1/ideas/{i1}/tags"),
            json!({"tags": ["t"]}),
            "MA",
        ),
        (
            "POST",
            format!("{tags_path}/t/ideas"),
            json!({"add": [i2]}),
            "MA",
        ),
        (
            "POST",
            format!("/api/v1/users/{target_id}/suspension"),
            json!({"until": until, "reason": "spam"}),
            "MA",
        ),
        (
            "DELETE",
            format!("/api/v1/users/{target_id}/suspension"),
            json!(null),
            "MA",
        ),
        (
            "POST",
            "/api/v1/moderation/filters".to_owned(),
            json!({"pattern": "casino"}),
            "A",
        ),
        (
            "GET",
            "/api/v1/moderation/filters".to_owned(),
            json!(null),
            "A",
        ),
        (
            "POST",
            format!("/api/v1/ideas/{i2}/reports"),
            json!({"reason": "spam"}),
            "CMAD",
        ),
        (
            "POST",
            format!("/api/v1/ideas/{i2}/merge"),
            json!({"into": i1}),
            "MA",
        ),
        ("DELETE", format!("{tags_path}/t"), json!(null), "MA"),
        (
            "POST",
            format!("/api/v1/users/{target_id}/hide-all"),
            json!({"reason": "spam"}),
            "MA",
        ),
    ];
    let callers: [(char, Option<&str>); 6] = [
        ('-', None),
        ('C', Some(&someone)),
        ('W', Some(&author)),
        ('D', Some(&drafter)),
        ('M', Some(&moderator)),
        ('A', Some(&admin)),
    ];
    for (method, path, body, allowed) in &routes {
        let mut succeeded = false;
        for (who, token) in callers {
            let may = allowed.contains(who);
            if may && succeeded {
                continue; // one allowed success per route; the state has moved on
            }
            let before = snapshot(&app);
            let status = call(&app, method, path, body, token).await;
            if may {
                assert!(
                    (200..300).contains(&status),
                    "{method} {path} by {who}: {status}"
                );
                succeeded = true;
            } else {
                let expected = if token.is_none() { 401 } else { 403 };
                assert_eq!(status, expected, "{method} {path} by {who}");
                assert_eq!(
                    snapshot(&app),
                    before,
                    "{method} {path} by {who} changed something"
                );
            }
        }
        assert!(succeeded, "{method} {path}: nobody succeeded");
    }
}
