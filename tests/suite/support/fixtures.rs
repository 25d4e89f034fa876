//! Ready-made data: an organisation, an open consultation with sections, and citizens.

use ideabox::domain::role::Role;
use serde_json::{Value, json};

use super::TestApp;

pub const PLAN: &str = "前文です。\n\n## 1. デジタルファースト\n\nすべてオンラインで。\n\n### 窓口\n\n細目。\n\n## 2. ワンスオンリー\n\n一度だけ。\n\n## 3. コネクテッド・ワンストップ\n\n一か所で。\n";

/// An admin's token and an open consultation's slug.
pub struct Consultation {
    pub slug: String,
    pub admin: String,
}

fn rfc(offset_hours: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::hours(offset_hours)).to_rfc3339()
}

/// Creates the admin (once per app), an organisation and a consultation in `status`.
pub async fn consultation_with(
    app: &TestApp,
    slug: &str,
    status: &str,
    opens_in_hours: i64,
    closes_in_hours: i64,
) -> Consultation {
    let api = app.api();
    let admin_email = "fixture-admin@example.jp";
    if app.count(&format!(
        "SELECT COUNT(*) FROM users WHERE email = '{admin_email}'"
    )) == 0
    {
        app.create_user(admin_email, "Fixture admin", Role::Admin, true)
            .await;
    }
    let admin = api.token(admin_email).await;
    if app.count("SELECT COUNT(*) FROM organisations WHERE slug = 'digital-agency'") == 0 {
        let (status, _, body) = api
            .post("/api/v1/organisations", &json!({"slug": "digital-agency", "name_ja": "デジタル庁", "name_en": "Digital Agency"}), Some(&admin))
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let (code, _, body) = api
        .post(
            "/api/v1/consultations",
            &json!({
                "slug": slug,
                "organisation": "digital-agency",
                "title": "デジタル・ガバメント実行計画（案）",
                "summary": "計画案",
                "body": PLAN,
                "opens_at": rfc(opens_in_hours),
                "closes_at": rfc(closes_in_hours),
                "status": status,
            }),
            Some(&admin),
        )
        .await;
    assert_eq!(code, 201, "{body}");
    Consultation {
        slug: slug.to_owned(),
        admin,
    }
}

pub async fn open_consultation(app: &TestApp) -> Consultation {
    consultation_with(app, "plan", "open", -1, 24 * 30).await
}

/// A verified citizen's API token.
pub async fn citizen(app: &TestApp, email: &str) -> String {
    app.create_user(
        email,
        &format!("Citizen {}", email.split('@').next().unwrap_or("")),
        Role::Citizen,
        true,
    )
    .await;
    app.api().token(email).await
}

/// Posts an idea; returns the response body.
pub async fn post_idea(app: &TestApp, token: &str, slug: &str, title: &str, body: &str) -> Value {
    let (status, _, json) = app
        .api()
        .post(
            &format!("/api/v1/consultations/{slug}/ideas"),
            &json!({"title": title, "body": body}),
            Some(token),
        )
        .await;
    assert_eq!(status, 201, "{json}");
    json
}

pub async fn put_vote(app: &TestApp, token: &str, idea: i64, value: &str) -> (u16, Value) {
    let res = app
        .api()
        .client
        .put(app.url(&format!("/api/v1/ideas/{idea}/vote")))
        .bearer_auth(token)
        .json(&json!({ "value": value }))
        .send()
        .await
        .expect("PUT vote");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

pub async fn patch(app: &TestApp, token: &str, path: &str, body: &Value) -> (u16, Value) {
    let res = app
        .api()
        .client
        .patch(app.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("PATCH");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}
