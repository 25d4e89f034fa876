//! Organisations and consultations over the API: admin-only writes, drafts hidden, sections.

use ideabox::domain::role::Role;
use serde_json::json;

use crate::support::fixtures::*;
use crate::support::*;

#[tokio::test]
async fn admins_create_organisations_and_consultations_with_sections() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let (status, _, body) = app
        .api()
        .get(&format!("/api/v1/consultations/{}", c.slug), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["organisation"], "digital-agency");
    assert_eq!(body["status"], "open");
    assert_eq!(body["phase"], "open");
    let keys: Vec<&str> = body["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["s1", "s1-1", "s2", "s3"]);
    assert_eq!(body["sections"][0]["heading"], "1. デジタルファースト");
    assert_eq!(body["sections"][0]["idea_count"], 0);
    assert!(body["body_html"].as_str().unwrap().contains("id=\"s2\""));

    let (_, _, orgs) = app.api().get("/api/v1/organisations", None).await;
    assert_eq!(orgs["items"][0]["name_en"], "Digital Agency");
    let (_, _, list) = app
        .api()
        .get("/api/v1/consultations?organisation=digital-agency", None)
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let (status, _, _) = app
        .api()
        .get("/api/v1/consultations?organisation=nope", None)
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn only_admins_write_consultations() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    for role in [Role::Citizen, Role::Moderator, Role::Drafter] {
        let email = format!("{}@example.jp", role.as_str());
        app.create_user(&email, "X", role, true).await;
        let token = app.api().token(&email).await;
        let (status, _, _) = app
            .api()
            .post(
                "/api/v1/organisations",
                &json!({"slug": "x", "name_ja": "x", "name_en": "x"}),
                Some(&token),
            )
            .await;
        assert_eq!(status, 403, "{role}");
        let (status, _) = patch(
            &app,
            &token,
            &format!("/api/v1/consultations/{}", c.slug),
            &json!({"status": "closed"}),
        )
        .await;
        assert_eq!(status, 403, "{role}");
    }
    let (status, _, _) = app
        .api()
        .post(
            "/api/v1/organisations",
            &json!({"slug": "x", "name_ja": "x", "name_en": "x"}),
            None,
        )
        .await;
    assert_eq!(status, 401);
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations"), 1);
    let (_, _, body) = app
        .api()
        .get(&format!("/api/v1/consultations/{}", c.slug), None)
        .await;
    assert_eq!(body["status"], "open");
}

#[tokio::test]
async fn invalid_consultations_are_refused_with_field_errors() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let (status, _, body) = app
        .api()
        .post(
            "/api/v1/consultations",
            &json!({"slug": "Bad Slug", "organisation": "nowhere", "title": "", "body": "x",
                    "opens_at": "2026-12-10T00:00:00Z", "closes_at": "2026-12-01T00:00:00Z", "status": "paused"}),
            Some(&c.admin),
        )
        .await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in ["slug", "organisation", "title", "status", "closes_at"] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }
    let (status, _, body) = app
        .api()
        .post(
            "/api/v1/consultations",
            &json!({"slug": c.slug, "organisation": "digital-agency", "title": "t", "body": "b",
                    "opens_at": "2026-12-01T00:00:00Z", "closes_at": "2026-12-10T00:00:00Z"}),
            Some(&c.admin),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["code"], "error-slug-taken");
    let (status, _, _) = app
        .api()
        .post(
            "/api/v1/consultations",
            &json!({"sluggish": 1}),
            Some(&c.admin),
        )
        .await;
    assert_eq!(status, 400, "unknown fields are refused");
    assert_eq!(app.count("SELECT COUNT(*) FROM consultations"), 1);
}

#[tokio::test]
async fn drafts_are_invisible_to_everyone_but_staff() {
    let app = spawn_app().await;
    let c = consultation_with(&app, "secret", "draft", -1, 48).await;
    let citizen_token = citizen(&app, "c@example.jp").await;
    assert_eq!(
        app.api().get("/api/v1/consultations/secret", None).await.0,
        404
    );
    assert_eq!(
        app.api()
            .get("/api/v1/consultations/secret", Some(&citizen_token))
            .await
            .0,
        404
    );
    let (_, _, list) = app
        .api()
        .get("/api/v1/consultations", Some(&citizen_token))
        .await;
    assert!(list["items"].as_array().unwrap().is_empty());
    let (status, _, _) = app
        .api()
        .post(
            "/api/v1/consultations/secret/ideas",
            &json!({"title": "t", "body": "b"}),
            Some(&citizen_token),
        )
        .await;
    assert_eq!(status, 404);
    app.create_user("mod@example.jp", "M", Role::Moderator, true)
        .await;
    let moderator = app.api().token("mod@example.jp").await;
    assert_eq!(
        app.api()
            .get("/api/v1/consultations/secret", Some(&moderator))
            .await
            .0,
        200
    );
    assert_eq!(
        app.api()
            .get("/api/v1/consultations/secret", Some(&c.admin))
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn admins_change_status_and_plan_and_sections_follow() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let (status, body) = patch(
        &app,
        &c.admin,
        &format!("/api/v1/consultations/{}", c.slug),
        &json!({"body": "## A\n\n## B\n\n### B1\n", "status": "closed"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "closed");
    assert_eq!(body["phase"], "closed");
    let keys: Vec<&str> = body["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["s1", "s2", "s2-1"]);
    let (status, _) = patch(
        &app,
        &c.admin,
        &format!("/api/v1/consultations/{}", c.slug),
        &json!({"slug": "renamed"}),
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = patch(
        &app,
        &c.admin,
        "/api/v1/consultations/missing",
        &json!({"status": "open"}),
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn consultations_close_by_date_on_their_own() {
    let app = spawn_app().await;
    let c = consultation_with(&app, "past", "open", -48, -1).await;
    let (_, _, body) = app
        .api()
        .get(&format!("/api/v1/consultations/{}", c.slug), None)
        .await;
    assert_eq!(body["status"], "open");
    assert_eq!(body["phase"], "closed");
    let upcoming = consultation_with(&app, "future", "open", 24, 48).await;
    let (_, _, body) = app
        .api()
        .get(&format!("/api/v1/consultations/{}", upcoming.slug), None)
        .await;
    assert_eq!(body["phase"], "upcoming");
}
