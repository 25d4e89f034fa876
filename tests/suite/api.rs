//! The account part of the JSON API.

use ideabox::domain::role::Role;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn register_then_token_then_me() {
    let app = spawn_app().await;
    let api = app.api();
    let (status, _, body) = api
        .post(
            "/api/v1/users",
            &json!({"email": "api@example.jp", "display_name": "API person", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(status, 201, "{body}");
    app.wait_for_emails("api@example.jp", 1).await;

    let (status, _, body) = api
        .post(
            "/api/v1/tokens",
            &json!({"email": "api@example.jp", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(status, 201);
    let token = body["token"].as_str().unwrap();
    assert!(token.starts_with("ibx_"));
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM api_tokens WHERE token_hash = '{token}'"
        )),
        0,
        "hashed at rest"
    );

    let (status, _, me) = api.get("/api/v1/me", Some(token)).await;
    assert_eq!(status, 200);
    assert!(me["id"].is_number());
    assert_eq!(me["display_name"], "API person");
    assert_eq!(me["role"], "citizen");
    assert_eq!(me["verified"], false);
}

#[tokio::test]
async fn me_without_or_with_a_bad_token_is_401_problem_json() {
    let app = spawn_app().await;
    let api = app.api();
    for token in [None, Some("ibx_not-a-real-token"), Some("garbage")] {
        let (status, headers, body) = api.get("/api/v1/me", token).await;
        assert_eq!(status, 401, "{token:?}");
        assert_eq!(headers["content-type"], "application/problem+json");
        assert_eq!(body["status"], 401);
    }
}

#[tokio::test]
async fn revoking_the_current_token_ends_it() {
    let app = spawn_app().await;
    app.create_user("rev@example.jp", "R", Role::Citizen, true)
        .await;
    let api = app.api();
    let keep = api.token("rev@example.jp").await;
    let gone = api.token("rev@example.jp").await;
    let (status, _, _) = api.delete("/api/v1/tokens/current", Some(&gone)).await;
    assert_eq!(status, 204);
    assert_eq!(api.get("/api/v1/me", Some(&gone)).await.0, 401);
    assert_eq!(api.get("/api/v1/me", Some(&keep)).await.0, 200);
    let (_, _, list) = api.get("/api/v1/tokens", Some(&keep)).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert!(
        list.to_string()
            .find("ibx_")
            .is_some_and(|_| !list.to_string().contains(&keep)),
        "secrets never listed"
    );
}

#[tokio::test]
async fn tokens_of_others_cannot_be_revoked() {
    let app = spawn_app().await;
    app.create_user("a@example.jp", "A", Role::Citizen, true)
        .await;
    app.create_user("b@example.jp", "B", Role::Citizen, true)
        .await;
    let api = app.api();
    let a = api.token("a@example.jp").await;
    let b = api.token("b@example.jp").await;
    let b_id = app.count("SELECT MAX(id) FROM api_tokens");
    let (status, _, _) = api
        .delete(&format!("/api/v1/tokens/{b_id}"), Some(&a))
        .await;
    assert_eq!(status, 404);
    assert_eq!(api.get("/api/v1/me", Some(&b)).await.0, 200);
}

#[tokio::test]
async fn field_errors_come_back_per_field() {
    let app = spawn_app().await;
    let (status, headers, body) = app
        .api()
        .post("/api/v1/users", &json!({"email": "nope"}), None)
        .await;
    assert_eq!(status, 422);
    assert_eq!(headers["content-type"], "application/problem+json");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "display_name", "password"]);
    assert!(body["errors"][0]["detail"].is_string());
}

#[tokio::test]
async fn deleted_accounts_cannot_get_tokens() {
    let app = spawn_app().await;
    let browser = app.signed_in("gone@example.jp", Role::Citizen).await;
    browser
        .submit(
            "/account",
            "/account/delete",
            &[("current_password", PASSWORD)],
        )
        .await;
    let (status, _, _) = app
        .api()
        .post(
            "/api/v1/tokens",
            &json!({"email": "gone@example.jp", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(status, 401);
}
